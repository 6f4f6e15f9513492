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
		      const char *serial, double *start_ns)
{
	const struct cl_results_cell *base = find_cell(r, workload, serial, "none");
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

/* The columns: each model in C, then in Python where the results have its
 * cells (workloads "py-io", "py-cpu"... of configs/seed-table.cfg, against
 * py-serial), side by side; then message passing. */
struct model {
	const char *strategy, *head, *prefix, *serial;
};

static const struct model all_models[] = {
	{ "threads", "Threading", "", "serial" },
	{ "py-threads", "Threading", "py-", "py-serial" },
	{ "processes", "Multiprocessing", "", "serial" },
	{ "py-processes", "Multiprocessing", "py-", "py-serial" },
	{ "async", "Asynchronous", "", "serial" },
	{ "py-asyncio", "Asynchronous", "py-", "py-serial" },
	{ "mpi", "Message passing", "", "serial" },
};
#define MAX_MODELS (sizeof all_models / sizeof *all_models)

/* The seed's three models, and MPI's column when the results have it. */
static void print_rows(FILE *out, char rows[NROWS][MAX_MODELS][384], const struct model **models,
		       int nmodels, bool html)
{
	if (html) {
		fprintf(out, "<table>\n<tr><th>Feature</th>");
		for (int m = 0; m < nmodels; m++)
			fprintf(out, "<th>%s (%s)</th>", models[m]->head, models[m]->strategy);
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
		fprintf(out, " %s (%s) |", models[m]->head, models[m]->strategy);
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

/* The model's workload of that name: "io", or Python's "py-io". */
static const char *wl(char *buf, size_t len, const struct model *m, const char *name)
{
	snprintf(buf, len, "%s%s", m->prefix, name);
	return buf;
}

/* Does the model have a column: C's three always, Python's and mpi's when
 * the results have their cells (failed ones read "not measured"). */
static bool has_column(const struct cl_results *r, const struct model *m)
{
	if (!strcmp(m->strategy, "threads") || !strcmp(m->strategy, "processes") ||
	    !strcmp(m->strategy, "async"))
		return true;
	for (size_t i = 0; i < r->ncells; i++)
		if (!strcmp(r->cells[i].strategy, m->strategy))
			return true;
	return false;
}

/* The footnotes of what the columns showed. */
struct seen {
	bool caveat, threads_parallel, async_exact, py_threads_serial, py_threads_exact, py_processes_lost;
	bool mpi;
	double mpi_start_ns, py_threads_cores;
	const char *python; /* the interpreter's version, from the results */
};

static void one_column(const struct cl_results *r, const struct model *md, char rows[NROWS][384],
		       double tasks, struct seen *seen)
{
	bool mpi = !strcmp(md->strategy, "mpi"), py = md->prefix[0] != 0;
	bool is_async = !strcmp(md->strategy, "async") || !strcmp(md->strategy, "py-asyncio");
	char w_io[32], w_cpu[32], w_race[32], w_net[32];
	const char *strategy = md->strategy, *sync = mpi ? NULL : "none";
	const struct cl_results_cell *cpu = find_cell(r, wl(w_cpu, sizeof w_cpu, md, "cpu"), strategy, sync);
	const struct cl_results_cell *none =
		find_cell(r, wl(w_race, sizeof w_race, md, "race"), strategy, unlocked(strategy));
	const struct cl_results_cell *lock = find_cell(r, w_race, strategy, locked(strategy));
	double cores = cpu ? cpu->summary.cores : 0;
	double io = speedup(r, wl(w_io, sizeof w_io, md, "io"), strategy, md->serial, NULL);
	double cp = speedup(r, w_cpu, strategy, md->serial, NULL);
	double net = speedup(r, wl(w_net, sizeof w_net, md, "net"), strategy, md->serial, NULL);
	/* mpi: judged once its ranks run, its whole time shown beside */
	double io_run = mpi ? speedup(r, w_io, "mpi", md->serial, &seen->mpi_start_ns) : io;
	double cp_run = mpi ? speedup(r, w_cpu, "mpi", md->serial, &seen->mpi_start_ns) : cp;
	bool multi = mpi ? cp_run > 1.5 : cores > 1.5;
	const char *mark = "";
	char lost[96];

	if (!strcmp(strategy, "threads") && cores > 1.5)
		seen->threads_parallel = true, mark = " [1]";
	if (!strcmp(strategy, "py-threads") && cpu && cores < 1.5)
		seen->py_threads_serial = true, seen->py_threads_cores = cores, mark = " [4]";
	if (mpi)
		mark = " [3]";
	if (cpu && cp > 0)
		snprintf(rows[0], sizeof rows[0], "%.1f core%s on CPU-bound work (%s)%s", cores,
			 cores >= 1.05 ? "s" : "", multi ? "multi-core" : "single-core", mark);
	else
		snprintf(rows[0], sizeof rows[0], "not measured");
	if (io > 0 && cp > 0)
		snprintf(rows[1], sizeof rows[1], "%s%s%s", io_run >= 0.8 * tasks ? "I/O-bound" : "",
			 io_run >= 0.8 * tasks && cp_run > 1.5 ? " and " : "",
			 cp_run > 1.5 ? "CPU-bound" : io_run >= 0.8 * tasks ? "" : "neither");
	else
		snprintf(rows[1], sizeof rows[1], "not measured");
	if (io <= 0)
		snprintf(rows[2], sizeof rows[2], "not measured");
	else if (mpi)
		snprintf(rows[2], sizeof rows[2], "%.2fx (%.2fx once its ranks run) [3]", io, io_run);
	else
		snprintf(rows[2], sizeof rows[2], "%.2fx", io);
	if (net > 0) /* the workload "net": real requests to the loopback server */
		snprintf(rows[3], sizeof rows[3], "%.2fx", net);
	else
		snprintf(rows[3], sizeof rows[3], "not measured");
	if (cp <= 0)
		snprintf(rows[4], sizeof rows[4], "not measured");
	else if (mpi)
		snprintf(rows[4], sizeof rows[4], "%.2fx (%.2fx once its ranks run) [3]", cp, cp_run);
	else
		snprintf(rows[4], sizeof rows[4], "%.2fx%s", cp, py && !strcmp(strategy, "py-threads") &&
			 cp < 1.2 ? " [4]" : "");
	if (none)
		cl_view_counter(none, lost, sizeof lost);
	bool exact = none && strncmp(lost, "exact", 5) == 0;

	snprintf(rows[5], sizeof rows[5], "%s%s", none ? lost : "not measured",
		 is_async && exact ? " [2]" : !strcmp(strategy, "py-threads") && exact ? " [5]" : "");
	seen->async_exact |= is_async && exact;
	seen->py_threads_exact |= !strcmp(strategy, "py-threads") && exact;
	seen->py_processes_lost |= !strcmp(strategy, "py-processes") && none && !exact;
	if (lock)
		cl_view_counter(lock, lost, sizeof lost);
	snprintf(rows[6], sizeof rows[6], "%s", lock ? lost : "not measured");

	const struct cl_results_cell *io_base = find_cell(r, w_io, md->serial, "none"),
				     *io_c = find_cell(r, w_io, strategy, sync),
				     *cpu_base = find_cell(r, w_cpu, md->serial, "none"),
				     *net_base = find_cell(r, w_net, md->serial, "none"),
				     *net_c = find_cell(r, w_net, strategy, sync);
	const struct cl_results_cell *of[][4] = {
		{ cpu, cpu_base }, { io_base, io_c, cpu_base, cpu }, { io_base, io_c },
		{ net_base, net_c }, { cpu_base, cpu }, { none }, { lock },
	};
	const size_t nof[] = { 2, 4, 2, 2, 2, 1, 1 };

	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i], "not measured"))
			seen->caveat |= caveats(rows[i], sizeof rows[i], of[i], nof[i], i == 1, i < 5);
}

/* The Python interpreter the py-* cells ran in, as the results record it. */
static const char *python_version(const struct cl_results *r)
{
	json_t *plugins = json_object_get(r->environment, "plugins"), *p;
	size_t i;

	json_array_foreach(plugins, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *runtime = json_string_value(json_object_get(p, "runtime"));

		if (name && runtime && !strncmp(name, "py-", 3))
			return runtime;
	}
	return NULL;
}

static void note(FILE *out, bool html, const char *text)
{
	fprintf(out, "%s%s%s\n", html ? "<p>" : "\n", text, html ? "</p>" : "");
}

int cl_view_seed_table(FILE *out, const struct cl_results *r, bool html, char *err, size_t errlen)
{
	const char *need[][3] = { { "io", "serial", "none" }, { "cpu", "serial", "none" },
				  { "race", "threads", "none" }, { "race", "threads", "mutex" } };
	char rows[NROWS][MAX_MODELS][384], col[NROWS][384], text[1024];
	const struct model *models[MAX_MODELS];
	struct seen seen = { .python = python_version(r) };
	int nmodels = 0;
	double tasks;

	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (!find_cell(r, need[k][0], need[k][1], need[k][2]))
			return snprintf(err, errlen, "no ok cell %s: %s+%s in these results: the seed table "
					"needs the workloads io, cpu and race of configs/seed-table.cfg",
					need[k][0], need[k][1], need[k][2]), -1;
	tasks = json_number_value(json_object_get(find_cell(r, "io", "serial", "none")->params, "tasks"));
	for (size_t m = 0; m < MAX_MODELS; m++)
		if (has_column(r, &all_models[m])) {
			models[nmodels] = &all_models[m];
			one_column(r, models[nmodels], col, tasks, &seen);
			for (size_t i = 0; i < NROWS; i++)
				memcpy(rows[i][nmodels], col[i], sizeof col[i]);
			seen.mpi |= !strcmp(all_models[m].strategy, "mpi");
			nmodels++;
		}
	print_rows(out, rows, models, nmodels, html);
	snprintf(text, sizeof text, "%.0f tasks per workload; speed-ups are median wall time against "
		 "serial on the same workload (py-serial for the Python columns: the same steps run as "
		 "Python code, one task after another); counters are medians over the trials.", tasks);
	note(out, html, text);
	if (seen.caveat)
		note(out, html, "[!] The figure beside it comes from cells not all of whose trials were "
		     "whole and fair: some failed (k/n ok), most ran under interference (the hypervisor "
		     "or other work took CPU time from them), or they varied by more than the cv "
		     "threshold. Rerun on a quiet machine before trusting it.");
	if (seen.threads_parallel)
		note(out, html, seen.py_threads_serial
			? "[1] The tutorial says threading is \"Single-core (due to GIL)\". That is CPython's "
			  "Global Interpreter Lock: C threads have none, so threads ran CPU work on several "
			  "cores at once, like processes; the same steps as Python code under py-threads "
			  "did not [4]. The row is the GIL's, not threading's."
			: "[1] The tutorial says threading is \"Single-core (due to GIL)\". That is "
			  "CPython's Global Interpreter Lock; C threads have none, so here threads ran CPU "
			  "work on several cores at once, like processes.");
	if (seen.async_exact)
		note(out, html, "[2] One event loop runs one task at a time and never switches tasks inside "
		     "an increment step, so even without a lock no update is lost: the seed's asyncio "
		     "behaves the same, as long as no await sits between the read and the write.");
	if (seen.mpi) {
		snprintf(text, sizeof text, "[3] Message passing (mpi): each task's rank is an MPI process "
			 "of its own; the shared counter is a word in rank 0's MPI window: without a lock "
			 "it is read and written back (rma-none), with one it is updated under an "
			 "exclusive window lock (rma-lock); its tasks do fewer increments than the others' "
			 "(as the counts say), since each is a round trip. Its wall times include starting "
			 "the ranks (mpirun): %.0f ms here, the longest of its cells' median task's wait "
			 "before it began; the figures in parentheses, and what it is suitable for, leave "
			 "each cell's own wait out. Its cores include it.", seen.mpi_start_ns / 1e6);
		note(out, html, text);
	}
	if (seen.py_threads_serial) {
		snprintf(text, sizeof text, "[4] py-threads ran the CPU-bound steps, an LCG loop in "
			 "Python, on %.1f core%s: Python threads take turns holding the GIL, so only one "
			 "runs Python code at a time (%s). py-processes has an interpreter, and a GIL, per "
			 "process.", seen.py_threads_cores, seen.py_threads_cores >= 1.05 ? "s" : "",
			 seen.python ? seen.python : "CPython");
		note(out, html, text);
	}
	if (seen.py_threads_exact)
		note(out, html, seen.py_processes_lost
			? "[5] py-threads lost no update without a lock in these trials: CPython switches "
			  "threads only at some bytecodes, and none fell between the read and the write of "
			  "`counter.value += 1`. That is this interpreter's schedule, not a guarantee "
			  "(another version, or more work in the loop, switches there); py-processes, one "
			  "GIL each, lost updates."
			: "[5] py-threads lost no update without a lock in these trials: CPython switches "
			  "threads only at some bytecodes, and none fell between the read and the write of "
			  "`counter.value += 1`. That is this interpreter's schedule, not a guarantee.");
	return 0;
}
