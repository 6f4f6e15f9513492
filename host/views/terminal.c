/* The terminal: its width, and text broken to fit it. */
#define _GNU_SOURCE
#include "views.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The terminal's width when the table goes to one; 0 (no limit) when it
 * is piped to a file or a program. */
int cl_terminal_width(int fd)
{
	struct winsize ws;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* Text to out, each line longer than width broken at spaces, its
 * continuation indented like it (width 0: as it is); frees the text. */
static void wrapped(FILE *out, char *text, int width)
{
	for (char *line = text, *next; line && *line; line = next) {
		int indent = (int)strspn(line, " "), col = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		for (char *w = line, *end; *w; w = end) {
			/* a word with the space before it (the first: with the indent) */
			int lead = w == line ? indent : 1;
			int n = lead + (int)strcspn(w + lead, " ");

			end = w + n;
			if (width > 0 && col > indent && col + n > width) {
				fprintf(out, "\n%*s", indent + 2, "");
				col = indent + 2;
				w += *w == ' ';
				n -= 1;
			}
			/* a word longer than a whole line (a path, a name of 120
			 * characters) is cut where the line ends, never inside a
			 * character of several bytes */
			while (width > 0 && col + n > width && width - col > 8) {
				int cut = width - col;

				while (cut > 0 && ((unsigned char)w[cut] & 0xc0) == 0x80)
					cut--;
				fprintf(out, "%.*s\n%*s", cut, w, indent + 2, "");
				w += cut;
				n -= cut;
				col = indent + 2;
			}
			fprintf(out, "%.*s", n, w);
			col += n;
		}
		fprintf(out, "\n");
	}
	free(text);
}

void cl_view_wrapped(FILE *out, const char *text, int width)
{
	wrapped(out, cl_xstrdup(text), width);
}

void cl_view_say(FILE *out, const char *fmt, ...)
{
	char *text = NULL;
	int width = cl_terminal_width(fileno(out));
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text)
		cl_view_wrapped(out, text, width ? width : 80);
	free(text);
}
