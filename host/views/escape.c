/* Text from a results file (labels, names, the config) written into markup:
 * shown, never run, and never able to break the table or page around it;
 * and one view's text, for another to place. */
#define _GNU_SOURCE
#include "views.h"

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

void cl_view_escaped(FILE *out, const char *s, enum cl_escape how)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"':
			fputs(how == CL_ESCAPE_XML ? "&quot;" : "\"", out);
			break;
		case '|': /* a Markdown cell would end here */
			fputs(how == CL_ESCAPE_MARKDOWN ? "\\|" : "|", out);
			break;
		case '\n': case '\r': case '\t': /* a Markdown row would end here */
			fputc(how == CL_ESCAPE_MARKDOWN ? ' ' : *s, out);
			break;
		default:
			fputc(how == CL_ESCAPE_MARKDOWN && (unsigned char)*s < 0x20 ? '?' : *s, out);
		}
	}
}
