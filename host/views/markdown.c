/* The cells as a Markdown table. */
#include "views.h"
#include "format.h"

#include <math.h>

void cl_view_markdown(FILE *out, const struct cl_results *r)
{
	const json_t *env = r->environment;
	char a[32], b[32], m[32], cnt[96];

	fprintf(out, "## %s\n\n%s\n\n", r->name, r->description ? r->description : "");
	if (r->interrupted)
		fprintf(out, "**Partial results:** the run was stopped by %s; only its finished trials "
			"are here.\n\n", r->interrupted);
	fprintf(out, "%lld trials per cell after %lld warmup, on %lld cores (%s), conclab %s.\n\n",
		(long long)r->repeat, (long long)r->warmup,
		(long long)json_integer_value(json_object_get(env, "cores")),
		json_string_value(json_object_get(env, "cpu_model")) ?: "",
		json_string_value(json_object_get(env, "conclab_version")) ?: "");
	fprintf(out, "| cell | ok | wall (median) | interval | cv | cores | speedup | counter |\n");
	fprintf(out, "|---|---:|---:|---|---:|---:|---|---|\n");
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;

		if (!s->ok) {
			fprintf(out, "| %s | 0/%zu | - | - | - | - | - | - |\n", c->label, s->measured);
			continue;
		}
		cl_view_counter(c, cnt, sizeof cnt);
		fprintf(out, "| %s | %zu/%zu | %s | %s - %s | %.1f%% | %.2f | %.2fx (%.2f-%.2f) | %s |\n",
			c->label, s->ok, s->measured, cl_format_ns(llround(s->wall.median), m, sizeof m),
			cl_format_ns(llround(s->wall.ci_lo), a, sizeof a),
			cl_format_ns(llround(s->wall.ci_hi), b, sizeof b), 100 * s->wall.cv, s->cores,
			s->speedup, s->speedup_lo, s->speedup_hi, cnt);
	}
}
