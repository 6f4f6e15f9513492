/* The cells as a Markdown table. */
#include "views.h"
#include "format.h"

#include <math.h>

/* Text in a table cell: a '|' would start another column and a newline
 * another row; markup is shown, not run. */
static void md_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|': fputs("\\|", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '\n': case '\r': case '\t': fputc(' ', out); break;
		default: fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
		}
	}
}

void cl_view_markdown(FILE *out, const struct cl_results *r)
{
	const json_t *env = r->environment;
	char a[32], b[32], m[32], cnt[96], speed[64];

	fprintf(out, "## ");
	md_text(out, r->name);
	fprintf(out, "\n\n");
	if (r->description && *r->description) {
		md_text(out, r->description);
		fprintf(out, "\n\n");
	}
	if (r->interrupted)
		fprintf(out, "**Partial results:** the run was stopped by %s; only its finished trials "
			"are here.\n\n", r->interrupted);
	fprintf(out, "%lld trial%s per cell after %lld warmup, on %lld cores (", (long long)r->repeat,
		r->repeat == 1 ? "" : "s", (long long)r->warmup,
		(long long)json_integer_value(json_object_get(env, "cores")));
	md_text(out, json_string_value(json_object_get(env, "cpu_model")));
	fprintf(out, "), conclab ");
	md_text(out, json_string_value(json_object_get(env, "conclab_version")));
	fprintf(out, ".\n\n");
	fprintf(out, "| cell | ok | wall (median) | interval | cv | cores | speedup | counter |\n");
	fprintf(out, "|---|---:|---:|---|---:|---:|---|---|\n");
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;

		fprintf(out, "| ");
		md_text(out, c->label);
		if (!s->ok) {
			fprintf(out, " | 0/%zu | - | - | - | - | - | - |\n", s->measured);
			continue;
		}
		cl_view_counter(c, cnt, sizeof cnt);
		cl_view_speedup(c, speed, sizeof speed);
		fprintf(out, " | %zu/%zu | %s | %s - %s | %.1f%% | %.2f | %s | %s |\n", s->ok, s->measured,
			cl_format_ns(llround(s->wall.median), m, sizeof m),
			cl_format_ns(llround(s->wall.ci_lo), a, sizeof a),
			cl_format_ns(llround(s->wall.ci_hi), b, sizeof b), 100 * s->wall.cv, s->cores, speed,
			cnt);
	}
}
