/* The cells as a Markdown table. */
#include "views.h"
#include "format.h"

#include <math.h>
#include <string.h>

void cl_view_markdown(FILE *out, const struct cl_results *r)
{
	const json_t *env = r->environment;
	char m[64], ival[64], cover[64], cnt[96], speed[64];

	fprintf(out, "## ");
	cl_view_escaped(out, r->name, CL_ESCAPE_MARKDOWN);
	fprintf(out, "\n\n");
	if (r->description && *r->description) {
		cl_view_escaped(out, r->description, CL_ESCAPE_MARKDOWN);
		fprintf(out, "\n\n");
	}
	if (r->interrupted) {
		fprintf(out, "**Partial results:** the run was stopped by ");
		cl_view_escaped(out, r->interrupted, CL_ESCAPE_MARKDOWN);
		fprintf(out, "; only its finished trials are here.\n\n");
	}
	fprintf(out, "%lld trial%s per cell after %lld warmup, on %lld cores (", (long long)r->repeat,
		r->repeat == 1 ? "" : "s", (long long)r->warmup,
		(long long)json_integer_value(json_object_get(env, "cores")));
	cl_view_escaped(out, json_string_value(json_object_get(env, "cpu_model")), CL_ESCAPE_MARKDOWN);
	fprintf(out, "), conclab ");
	cl_view_escaped(out, json_string_value(json_object_get(env, "conclab_version")), CL_ESCAPE_MARKDOWN);
	fprintf(out, ".\n\n");
	const json_t *prot = json_object_get(env, "protections");

	if (json_is_object(prot)) {
		const char *missing = json_string_value(json_object_get(prot, "missing"));

		fprintf(out, "Trials ran %s a pid namespace of their own.\n\n",
			json_is_true(json_object_get(prot, "pid_namespace")) ? "in" : "**without**");
		if (missing && *missing) {
			fprintf(out, "Not active: ");
			cl_view_escaped(out, missing, CL_ESCAPE_MARKDOWN);
			fprintf(out, ".\n\n");
		}
	}
	bool timed = cl_view_timed(r);
	/* a timed cell's figure is its ops/s: its wall is its duration */
	fprintf(out, "| cell | ok | %s (median) | interval (coverage) | cv |%s cores | speedup | counter |\n",
		cl_view_figure_name(r), timed ? " fairness |" : "");
	fprintf(out, "|---|---:|---:|---|---:|%s---:|---|---|\n", timed ? "---:|" : "");
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		const struct cl_cell_summary *s = &c->summary;
		char fair[32] = "-";

		fprintf(out, "| ");
		cl_view_escaped(out, c->label, CL_ESCAPE_MARKDOWN);
		if (!s->ok) {
			fprintf(out, " | 0/%zu | - | - | - |%s - | - | - |\n", s->measured, timed ? " - |" : "");
			continue;
		}
		cl_view_counter(c, cnt, sizeof cnt);
		cl_view_speedup(c, speed, sizeof speed);
		cl_view_figure(c, m, ival, cover, sizeof m);
		if (s->timed)
			snprintf(fair, sizeof fair, "%.2f", s->jain);
		fprintf(out, " | %zu/%zu | %s | %s%s%s%s | %.1f%% |%s%s%s %.2f | %s | %s |\n", s->ok, s->measured,
			m, ival, strcmp(cover, "-") ? " (" : "", strcmp(cover, "-") ? cover : "",
			strcmp(cover, "-") ? ")" : "", 100 * cl_view_cv(c), timed ? " " : "",
			timed ? fair : "", timed ? " |" : "", s->cores, speed, cnt);
	}
}
