/* The seed tutorial's comparison table, regenerated from measurements. */
#include "views.h"

#include <string.h>

/* An ok cell of the workload, strategy and sync (NULL: any). mpi's cells
 * may also be in a workload of their own, "io-mpi" beside "io": a workload
 * crosses all its strategies with all its syncs, and mpi takes only its
 * RMA syncs (configs/seed-table-mpi.cfg). */
static const struct cl_results_cell *find_cell(const struct cl_results *r, const char *workload,
					       const char *strategy, const char *sync)
{
	size_t len = strlen(workload);

	for (size_t i = 0; i < r->ncells; i++) {
		const struct cl_results_cell *c = &r->cells[i];
		bool named = c->workload && (!strcmp(c->workload, workload) ||
					     (!strcmp(strategy, "mpi") && !strncmp(c->workload, workload, len) &&
					      !strcmp(c->workload + len, "-mpi")));

		if (named && !strcmp(c->strategy, strategy) && (!sync || !strcmp(c->sync, sync)) &&
		    c->summary.ok > 0)
			return c;
	}
	return NULL;
}

/* The model's sync without a lock, and with one: mpi's are its RMA syncs. */
static const char *unlocked(const char *model)
{
	return strcmp(model, "mpi") ? "none" : "rma-none";
}

static const char *locked(const char *model)
{
	return strcmp(model, "mpi") ? "mutex" : "rma-lock";
}

/* Speedup of strategy on a workload against serial on it, medians; mpi's
 * cell has whichever RMA sync the workload gave it. With `start_ns`, mpi's
 * without starting its ranks, hundreds of milliseconds that the seed's
 * half-second workloads cannot hide: how long its median task waited
 * before it began (each task has a rank of its own here, so that wait is
 * the start), the longest such wait kept in *start_ns. */
static double speedup(const struct cl_results *r, const char *workload, const char *strategy,
		      double *start_ns)
{
	const struct cl_results_cell *base = find_cell(r, workload, "serial", "none");
	const struct cl_results_cell *c =
		find_cell(r, workload, strategy, strcmp(strategy, "mpi") ? "none" : NULL);
	double start = c && start_ns ? c->summary.resp_p50_ns - c->summary.p50_ns : 0;

	if (!base || !c || c->summary.wall.median - start <= 0)
		return 0;
	if (start_ns && start > *start_ns)
		*start_ns = start;
	return base->summary.wall.median / (c->summary.wall.median - start);
}

/* What a reader must know of a cell a figure comes from: failed trials,
 * interference in most, noise; "" when its trials were whole and fair. */
static void cell_caveat(const struct cl_results_cell *c, bool name_workload, bool timing, char *buf,
			size_t len)
{
	const struct cl_cell_summary *s = &c->summary;
	char issues[96] = "";
	size_t used = 0;

	buf[0] = 0;
	if (s->ok < s->measured)
		used += (size_t)snprintf(issues + used, sizeof issues - used, ", %zu/%zu ok", s->ok, s->measured);
	if (s->ok && 2 * s->interfered >= s->ok && used < sizeof issues)
		used += (size_t)snprintf(issues + used, sizeof issues - used, ", interference %zu/%zu",
					 s->interfered, s->ok);
	if (s->noisy && timing && used < sizeof issues) /* a count is not a time */
		used += (size_t)snprintf(issues + used, sizeof issues - used, ", cv %.0f%%", 100 * cl_view_cv(c));
	/* "serial: 2/3 ok, interference 2/2" (a name too long is cut) */
	if (used && snprintf(buf, len, "%s%s%s: %s", name_workload ? c->workload : "", name_workload ? " " : "",
			     c->strategy, issues + 2) >= (int)len)
		buf[len - 1] = 0;
}

/* Append to a row's text the caveats of the cells it comes from
 * (" [!: serial: 2/3 ok; threads: interference 3/3]"), their noise only
 * where the figure is a time. true if any. */
static bool caveats(char *text, size_t len, const struct cl_results_cell *const *cells, size_t n,
		    bool name_workload, bool timing)
{
	size_t used = strlen(text), said = 0;

	for (size_t i = 0; i < n && used < len; i++) {
		char one[160];

		if (!cells[i])
			continue;
		for (size_t k = 0; k < i; k++)
			if (cells[k] == cells[i])
				goto next;
		cell_caveat(cells[i], name_workload, timing, one, sizeof one);
		if (*one)
			used += (size_t)snprintf(text + used, len - used, "%s%s", said++ ? "; " : " [!: ", one);
next:;
	}
	if (said && used < len)
		snprintf(text + used, len - used, "]");
	return said > 0;
}

static const char *const feature_names[] = {
	"CPU usage", "Suitable for", "Speed-up, I/O-bound (vs serial)",
	"Speed-up, I/O-bound network (vs serial)", "Speed-up, CPU-bound (vs serial)",
	"Shared counter, no lock", "Shared counter, mutex",
};
#define NROWS (sizeof feature_names / sizeof *feature_names)

static const char *const models[] = { "threads", "processes", "async", "mpi" };
static const char *const heads[] = { "Threading", "Multiprocessing", "Asynchronous", "Message passing" };

/* The seed's three models, and MPI's column when the results have it. */
static void print_rows(FILE *out, char rows[NROWS][4][384], int nmodels, bool html)
{
	if (html) {
		fprintf(out, "<table>\n<tr><th>Feature</th>");
		for (int m = 0; m < nmodels; m++)
			fprintf(out, "<th>%s (%s)</th>", heads[m], models[m]);
		fprintf(out, "</tr>\n");
		for (size_t i = 0; i < NROWS; i++) {
			fprintf(out, "<tr><td>%s</td>", feature_names[i]);
			for (int m = 0; m < nmodels; m++)
				fprintf(out, "<td>%s</td>", rows[i][m]);
			fprintf(out, "</tr>\n");
		}
		fprintf(out, "</table>\n");
		return;
	}
	fprintf(out, "| Feature |");
	for (int m = 0; m < nmodels; m++)
		fprintf(out, " %s (%s) |", heads[m], models[m]);
	fprintf(out, "\n|---|");
	for (int m = 0; m < nmodels; m++)
		fprintf(out, "---|");
	fprintf(out, "\n");
	for (size_t i = 0; i < NROWS; i++) {
		fprintf(out, "| %s |", feature_names[i]);
		for (int m = 0; m < nmodels; m++)
			fprintf(out, " %s |", rows[i][m]);
		fprintf(out, "\n");
	}
}

int cl_view_seed_table(FILE *out, const struct cl_results *r, bool html, char *err, size_t errlen)
{
	const char *need[][3] = { { "io", "serial", "none" }, { "cpu", "serial", "none" },
				  { "race", "threads", "none" }, { "race", "threads", "mutex" } };
	char rows[NROWS][4][384];
	double tasks;
	int threads_parallel = 0, async_exact = 0, nmodels = 3;
	bool caveat = false;
	double mpi_start_ns = 0;

	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (!find_cell(r, need[k][0], need[k][1], need[k][2]))
			return snprintf(err, errlen, "no ok cell %s: %s+%s in these results: the seed table "
					"needs the workloads io, cpu and race of configs/seed-table.cfg",
					need[k][0], need[k][1], need[k][2]), -1;
	tasks = json_number_value(json_object_get(find_cell(r, "io", "serial", "none")->params, "tasks"));
	for (size_t i = 0; i < r->ncells; i++)
		if (!strcmp(r->cells[i].strategy, "mpi"))
			nmodels = 4; /* its failed cells read "not measured", as any */
	for (int m = 0; m < nmodels; m++) {
		const struct cl_results_cell *cpu =
			find_cell(r, "cpu", models[m], m == 3 ? NULL : "none");
		const struct cl_results_cell *none = find_cell(r, "race", models[m], unlocked(models[m]));
		const struct cl_results_cell *lock = find_cell(r, "race", models[m], locked(models[m]));
		double cores = cpu ? cpu->summary.cores : 0;
		double io = speedup(r, "io", models[m], NULL), cp = speedup(r, "cpu", models[m], NULL);
		double net = speedup(r, "net", models[m], NULL);
		/* mpi: judged once its ranks run, its whole time shown beside */
		double io_run = m == 3 ? speedup(r, "io", "mpi", &mpi_start_ns) : io;
		double cp_run = m == 3 ? speedup(r, "cpu", "mpi", &mpi_start_ns) : cp;
		bool multi = m == 3 ? cp_run > 1.5 : cores > 1.5;
		char lost[96];

		if (m == 0 && cores > 1.5)
			threads_parallel = 1;
		if (cpu && cp > 0)
			snprintf(rows[0][m], sizeof rows[0][m], "%.1f core%s on CPU-bound work (%s)%s", cores,
				 cores >= 1.05 ? "s" : "", multi ? "multi-core" : "single-core",
				 m == 0 && threads_parallel ? " [1]" : m == 3 ? " [3]" : "");
		else
			snprintf(rows[0][m], sizeof rows[0][m], "not measured");
		if (io > 0 && cp > 0)
			snprintf(rows[1][m], sizeof rows[1][m], "%s%s%s",
				 io_run >= 0.8 * tasks ? "I/O-bound" : "",
				 io_run >= 0.8 * tasks && cp_run > 1.5 ? " and " : "",
				 cp_run > 1.5 ? "CPU-bound" : io_run >= 0.8 * tasks ? "" : "neither");
		else
			snprintf(rows[1][m], sizeof rows[1][m], "not measured");
		if (io <= 0)
			snprintf(rows[2][m], sizeof rows[2][m], "not measured");
		else if (m == 3)
			snprintf(rows[2][m], sizeof rows[2][m], "%.2fx (%.2fx once its ranks run) [3]", io, io_run);
		else
			snprintf(rows[2][m], sizeof rows[2][m], "%.2fx", io);
		if (net > 0) /* the workload "net": real requests to the loopback server */
			snprintf(rows[3][m], sizeof rows[3][m], "%.2fx", net);
		else
			snprintf(rows[3][m], sizeof rows[3][m], "not measured");
		if (cp <= 0)
			snprintf(rows[4][m], sizeof rows[4][m], "not measured");
		else if (m == 3)
			snprintf(rows[4][m], sizeof rows[4][m], "%.2fx (%.2fx once its ranks run) [3]", cp, cp_run);
		else
			snprintf(rows[4][m], sizeof rows[4][m], "%.2fx", cp);
		if (none)
			cl_view_counter(none, lost, sizeof lost);
		snprintf(rows[5][m], sizeof rows[5][m], "%s%s", none ? lost : "not measured",
			 m == 2 && none && strncmp(lost, "exact", 5) == 0 ? " [2]" : "");
		async_exact |= m == 2 && none && strncmp(lost, "exact", 5) == 0;
		if (lock)
			cl_view_counter(lock, lost, sizeof lost);
		snprintf(rows[6][m], sizeof rows[6][m], "%s", lock ? lost : "not measured");
		{
			const char *strategy = models[m], *sync = m == 3 ? NULL : "none";
			const struct cl_results_cell *io_base = find_cell(r, "io", "serial", "none"),
						     *io_c = find_cell(r, "io", strategy, sync),
						     *cpu_base = find_cell(r, "cpu", "serial", "none"),
						     *net_base = find_cell(r, "net", "serial", "none"),
						     *net_c = find_cell(r, "net", strategy, sync);
			const struct cl_results_cell *of[][4] = {
				{ cpu, cpu_base }, { io_base, io_c, cpu_base, cpu }, { io_base, io_c },
				{ net_base, net_c }, { cpu_base, cpu }, { none }, { lock },
			};
			const size_t nof[] = { 2, 4, 2, 2, 2, 1, 1 };

			for (size_t i = 0; i < NROWS; i++)
				if (strcmp(rows[i][m], "not measured"))
					caveat |= caveats(rows[i][m], sizeof rows[i][m], of[i], nof[i], i == 1,
							  i < 5);
		}
	}
	print_rows(out, rows, nmodels, html);
	fprintf(out, "%s%.0f tasks per workload; speed-ups are median wall time against serial on the "
		"same workload; counters are medians over the trials.%s\n", html ? "<p>" : "\n", tasks,
		html ? "</p>" : "");
	if (caveat)
		fprintf(out, "%s[!] The figure beside it comes from cells not all of whose trials were "
			"whole and fair: some failed (k/n ok), most ran under interference (the hypervisor "
			"or other work took CPU time from them), or they varied by more than the cv "
			"threshold. Rerun on a quiet machine before trusting it.%s\n", html ? "<p>" : "\n",
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
	if (nmodels == 4)
		fprintf(out, "%s[3] Message passing (mpi): each task's rank is an MPI process of its own; "
			"the shared counter is a word in rank 0's MPI window: without a lock it is read "
			"and written back (rma-none), with one it is updated under an exclusive window "
			"lock (rma-lock); its tasks do fewer increments than the others' (as the counts "
			"say), since each is a round trip. Its wall times include starting the ranks "
			"(mpirun): %.0f ms here, the longest of its cells' median task's wait before it "
			"began; the figures in parentheses, and what it is suitable for, leave each "
			"cell's own wait out. Its cores include it.%s\n",
			html ? "<p>" : "\n", mpi_start_ns / 1e6, html ? "</p>" : "");
	return 0;
}
