/* Text from a results file (labels, names, the config) written into markup:
 * shown, never run, and never able to break the table or page around it. */
#include "views.h"

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
