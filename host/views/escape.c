/* Text from a results file (labels, names, the config) written into markup:
 * shown, never run, and never able to break the table or page around it;
 * and one view's text, for another to place. */
#define _GNU_SOURCE
#include "views.h"
#include "printable.h"
#include "xalloc.h"

#include <stdlib.h>

char *cl_view_text(cl_view_fn view, const struct cl_results *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return calloc(1, 1);
	view(f, r);
	fclose(f);
	return text;
}

/* One character of printable text, as the markup around it shows it. */
static void escape_char(FILE *out, char c, enum cl_escape how)
{
	bool md = how == CL_ESCAPE_MARKDOWN;

	switch (c) {
	case '<': fputs("&lt;", out); break;
	case '>': fputs("&gt;", out); break;
	case '&': fputs("&amp;", out); break;
	case '"': fputs(how == CL_ESCAPE_XML ? "&quot;" : "\"", out); break;
	case '\'': fputs(how == CL_ESCAPE_XML ? "&#39;" : "'", out); break;
	case '|': fputs(md ? "\\|" : "|", out); break; /* a Markdown cell would end here */
	/* a Markdown link, image or code span would start here */
	case '[': case ']': case '`': case '\\':
		if (md)
			fputc('\\', out);
		fputc(c, out);
		break;
	case '\n': case '\t': fputc(md ? ' ' : c, out); break; /* a Markdown row would end here */
	default: fputc(c, out);
	}
}

/* The text is made printable first, as the terminal shows it: XML 1.0
 * forbids C0 controls even as character references (one makes an SVG
 * unreadable), a page or a Markdown file has no use for ESC, BEL, DEL, C1
 * controls or bidi overrides, and bytes that are not UTF-8 would make the
 * whole file invalid. Each becomes '?'; newline and tab stay text. */
void cl_view_escaped(FILE *out, const char *s, enum cl_escape how)
{
	char *shown;

	if (!s)
		return;
	shown = cl_printable_str(cl_xstrdup(s), true);
	for (const char *p = shown; *p; p++)
		escape_char(out, *p, how);
	free(shown);
}
