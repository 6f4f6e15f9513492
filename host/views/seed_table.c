/* The seed tutorial's comparison table, regenerated from measurements. */
#include "views.h"

#include <string.h>

static const struct cl_results_cell *find_cell(const struct cl_results *r, const char *workload,
					       const char *strategy, const char *sync)
{
	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];

		if (c->workload && !strcmp(c->workload, workload) && !strcmp(c->strategy, strategy) &&
		    !strcmp(c->sync, sync) && c->summary.ok > 0)
			return c;
	}
	return NULL;
}

/* Speedup of strategy on a workload against serial on it, medians. */
static double speedup(const struct cl_results *r, const char *workload, const char *strategy)
{
	const struct cl_results_cell *base = find_cell(r, workload, "serial", "none");
	const struct cl_results_cell *c = find_cell(r, workload, strategy, "none");

	return base && c ? base->summary.wall.median / c->summary.wall.median : 0;
}

static const char *const feature_names[] = {
	"CPU usage", "Suitable for", "Speed-up, I/O-bound (vs serial)",
	"Speed-up, I/O-bound network (vs serial)", "Speed-up, CPU-bound (vs serial)",
	"Shared counter, no lock", "Shared counter, mutex",
};
#define NROWS (sizeof feature_names / sizeof *feature_names)

static void print_rows(FILE *out, char rows[NROWS][3][128], bool html)
{
	static const char *const models[] = { "threads", "processes", "async" };
	static const char *const heads[] = { "Threading", "Multiprocessing", "Asynchronous" };

	if (html) {
		fprintf(out, "<table>\n<tr><th>Feature</th>");
		for (int m = 0; m < 3; m++)
			fprintf(out, "<th>%s (%s)</th>", heads[m], models[m]);
		fprintf(out, "</tr>\n");
		for (size_t i = 0; i < NROWS; i++) {
			fprintf(out, "<tr><td>%s</td>", feature_names[i]);
			for (int m = 0; m < 3; m++)
				fprintf(out, "<td>%s</td>", rows[i][m]);
			fprintf(out, "</tr>\n");
		}
		fprintf(out, "</table>\n");
		return;
	}
	fprintf(out, "| Feature | Threading (threads) | Multiprocessing (processes) | Asynchronous (async) |\n");
	fprintf(out, "|---|---|---|---|\n");
	for (size_t i = 0; i < NROWS; i++)
		fprintf(out, "| %s | %s | %s | %s |\n", feature_names[i], rows[i][0], rows[i][1], rows[i][2]);
}

int cl_view_seed_table(FILE *out, const struct cl_results *r, bool html, char *err, size_t errlen)
{
	static const char *const models[] = { "threads", "processes", "async" };
	const char *need[][3] = { { "io", "serial", "none" }, { "cpu", "serial", "none" },
				  { "race", "threads", "none" }, { "race", "threads", "mutex" } };
	char rows[NROWS][3][128];
	double tasks;
	int threads_parallel = 0, async_exact = 0;

	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (!find_cell(r, need[k][0], need[k][1], need[k][2]))
			return snprintf(err, errlen, "no ok cell %s: %s+%s in these results: the seed table "
					"needs the workloads io, cpu and race of configs/seed-table.cfg",
					need[k][0], need[k][1], need[k][2]), -1;
	tasks = json_number_value(json_object_get(find_cell(r, "io", "serial", "none")->params, "tasks"));
	for (int m = 0; m < 3; m++) {
		const struct cl_results_cell *cpu = find_cell(r, "cpu", models[m], "none");
		const struct cl_results_cell *none = find_cell(r, "race", models[m], "none");
		const struct cl_results_cell *lock = find_cell(r, "race", models[m], "mutex");
		double cores = cpu ? cpu->summary.cores : 0;
		double io = speedup(r, "io", models[m]), cp = speedup(r, "cpu", models[m]);
		double net = speedup(r, "net", models[m]);
		char lost[96];

		if (m == 0 && cores > 1.5)
			threads_parallel = 1;
		snprintf(rows[0][m], sizeof rows[0][m], "%.1f core%s on CPU-bound work (%s)%s", cores,
			 cores >= 1.05 ? "s" : "", cores > 1.5 ? "multi-core" : "single-core",
			 m == 0 && threads_parallel ? " [1]" : "");
		snprintf(rows[1][m], sizeof rows[1][m], "%s%s%s",
			 io >= 0.8 * tasks ? "I/O-bound" : "", io >= 0.8 * tasks && cp > 1.5 ? " and " : "",
			 cp > 1.5 ? "CPU-bound" : io >= 0.8 * tasks ? "" : "neither");
		snprintf(rows[2][m], sizeof rows[2][m], "%.2fx", io);
		if (net > 0) /* the workload "net": real requests to the loopback server */
			snprintf(rows[3][m], sizeof rows[3][m], "%.2fx", net);
		else
			snprintf(rows[3][m], sizeof rows[3][m], "not measured");
		snprintf(rows[4][m], sizeof rows[4][m], "%.2fx", cp);
		if (none)
			cl_view_counter(none, lost, sizeof lost);
		snprintf(rows[5][m], sizeof rows[5][m], "%s%s", none ? lost : "not measured",
			 m == 2 && none && strncmp(lost, "exact", 5) == 0 ? " [2]" : "");
		async_exact |= m == 2 && none && strncmp(lost, "exact", 5) == 0;
		if (lock)
			cl_view_counter(lock, lost, sizeof lost);
		snprintf(rows[6][m], sizeof rows[6][m], "%s", lock ? lost : "not measured");
	}
	print_rows(out, rows, html);
	fprintf(out, "%s%.0f tasks per workload; speed-ups are median wall time against serial on the "
		"same workload; counters are medians over the trials.%s\n", html ? "<p>" : "\n", tasks,
		html ? "</p>" : "");
	if (threads_parallel)
		fprintf(out, "%s[1] The tutorial says threading is \"Single-core (due to GIL)\". That is "
			"CPython's Global Interpreter Lock; C threads have none, so here threads ran CPU "
			"work on several cores at once, like processes.%s\n", html ? "<p>" : "\n",
			html ? "</p>" : "");
	if (async_exact)
		fprintf(out, "%s[2] One event loop runs one task at a time and never switches tasks inside "
			"an increment step, so even without a lock no update is lost: the seed's asyncio "
			"behaves the same, as long as no await sits between the read and the write.%s\n",
			html ? "<p>" : "\n", html ? "</p>" : "");
	return 0;
}
