/* `conclab run`: load the experiment, run every trial in its sandbox in
 * order, journal each one as it finishes, and hand the results to the views.
 * Signals (stop.c), the journal's header and --resume (resume.c) and the
 * results model's cells (collect.c) live beside it. */
#define _GNU_SOURCE
#include "run.h"
#include "collect.h"
#include "contain.h"
#include "atomic_file.h"
#include "interference.h"
#include "journal.h"
#include "order.h"
#include "resume.h"
#include "sandbox.h"
#include "stop.h"
#include "suggest.h"
#include "views.h"
#include "xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cl_run_load(const char *path, char *text, char *const *dirs, size_t ndirs, int64_t repeat,
		int64_t timeout_ms, struct cl_registry *reg, struct cl_experiment *x,
		struct cl_cell **cells, size_t *ncells)
{
	char err[4096];

	*cells = NULL;
	*ncells = 0;
	cl_registry_init(reg, dirs, ndirs);
	cl_registry_scan(reg);
	if (text ? cl_experiment_load_text(x, path, text, reg, err, sizeof err)
		 : cl_experiment_load(x, path, reg, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		return -1;
	}
	if (repeat)
		x->repeat = repeat;
	if (timeout_ms)
		x->timeout_ms = timeout_ms;
	*ncells = cl_matrix_expand(x, cells, err, sizeof err);
	if (!*ncells) {
		fprintf(stderr, "conclab: %s\n", err);
		return -1;
	}
	if ((size_t)(x->repeat + x->warmup) * *ncells > CL_MAX_TRIALS) {
		fprintf(stderr, "conclab: %s: %zu cells x %lld trials is more than %d trials\n", path,
			*ncells, (long long)(x->repeat + x->warmup), CL_MAX_TRIALS);
		return -1;
	}
	if (cl_cells_check(x, *cells, *ncells, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		return -1;
	}
	return 0;
}

static void print_problems(const struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->nproblems; i++)
		fprintf(stderr, "conclab: warning: %s: %s\n", reg->problems[i].path,
			reg->problems[i].reason);
}

static int used_by(const struct cl_loaded_plugin *p, void *experiment)
{
	const struct cl_experiment *x = experiment;

	for (size_t i = 0; i < x->nstrategies; i++)
		if (x->strategies[i].plugin == p)
			return 1;
	for (size_t i = 0; i < x->nsyncs; i++)
		if (x->syncs[i].plugin == p)
			return 1;
	return 0;
}

enum progress { PROGRESS_NONE, PROGRESS_TERMINAL, PROGRESS_LINES };

/* Where the run is, with a bar and an ETA from the time the finished
 * trials took: on a terminal one line redrawn in place (cut to its width:
 * a line wider than the terminal wraps, and \r then redraws only its end);
 * to a file or a pipe, a line every 5 s, so a log shows the run alive. */
static void show_progress(enum progress mode, size_t done, size_t total, int64_t started,
			  const struct cl_cell *cell, size_t trial, size_t ntrials)
{
	static int64_t last_line;
	char bar[21], eta[32] = "", *line = NULL;
	size_t filled = total ? done * 20 / total : 0, len = 0;
	int64_t now = cl_now_ns();
	int width = cl_terminal_width(STDERR_FILENO);
	FILE *f;

	if (mode == PROGRESS_LINES && (done == 0 || now - last_line < 5000000000LL)) {
		if (done == 0) /* the first line 5 s after the start */
			last_line = now;
		return;
	}
	last_line = now;
	memset(bar, '#', filled);
	memset(bar + filled, '.', 20 - filled);
	bar[20] = 0;
	if (done) {
		int64_t left = (now - started) / (int64_t)done * (int64_t)(total - done) / 1000000000;

		snprintf(eta, sizeof eta, "%sETA %lld:%02lld", mode == PROGRESS_LINES ? ", " : "  ",
			 (long long)left / 60, (long long)left % 60);
	}
	f = open_memstream(&line, &len);
	if (mode == PROGRESS_LINES)
		fprintf(f, "conclab: %zu/%zu trials done%s; now %s, trial %zu/%zu\n", done, total, eta,
			cell->label, trial + 1, ntrials);
	else
		fprintf(f, "[%s] %zu/%zu%s  %s, trial %zu/%zu", bar, done, total, eta, cell->label,
			trial + 1, ntrials);
	fclose(f);
	if (mode == PROGRESS_LINES) /* a log's lines keep to 80 columns, as the prose does */
		width = 80;
	if (width > 0 && (int)len - (mode == PROGRESS_LINES) >= width) {
		memcpy(line + width - 4, "...", 3); /* one column spare: no wrap at the edge */
		line[width - 1] = mode == PROGRESS_LINES ? '\n' : 0;
		line[width] = 0;
	}
	fprintf(stderr, "%s%s", mode == PROGRESS_TERMINAL ? "\r\033[K" : "", line);
	free(line);
}

/* A --vs pattern that matches no cell is refused before the run, with the
 * labels closest to it. 0, or -1 with the message printed. */
static int check_vs(const char *vs, const struct cl_cell *cells, size_t n)
{
	const char **labels;
	char hint[1024];

	for (size_t i = 0; vs && i < n; i++)
		if (cl_vs_matches(cells[i].label, vs))
			return 0;
	if (!vs)
		return 0;
	labels = cl_xmalloc((n + 1) * sizeof *labels);
	/* the cells whose label holds it (a part of a label: the likeliest
	 * mistake, now that a prefix no longer matches), else the closest */
	size_t k = 0, used = 0;

	for (size_t i = 0; i < n; i++)
		if (strstr(cells[i].label, vs))
			labels[k++] = cells[i].label;
	for (size_t i = 0; i < k && i < 3; i++)
		used += (size_t)snprintf(hint + used, sizeof hint - used, "%s'%s'",
					 i ? (i + 1 == k || i == 2 ? " or " : ", ") : "; did you mean ",
					 labels[i]);
	if (k)
		snprintf(hint + used, sizeof hint - used, "%s?", k > 3 ? " (or a pattern)" : "");
	if (!k) {
		for (size_t i = 0; i < n; i++)
			labels[i] = cells[i].label;
		cl_suggest(vs, labels, n, 3, hint, sizeof hint);
	}
	fprintf(stderr, "conclab: --vs: no cell is labelled '%s'%s (an exact label, or a pattern "
		"such as 'async+*'; `conclab check` lists the cells)\n", vs,
		*hint ? hint : "");
	free(labels);
	return -1;
}

/* Every file the run will write can be written, and none is another of its
 * files or the config: found out now, not after the whole run. 0, or -1
 * with the message printed. */
static int check_outputs(const struct cl_run_request *req)
{
	const char *what[3] = { "--json", "--csv", "--journal" };
	/* resuming, the journal being resumed: no output may replace it either */
	char *journal = clrun_journal_path(req), err[4200];
	const char *paths[3] = { req->json, req->csv, journal };
	int rc = 0;

	for (int i = 0; i < 3 && !rc; i++) {
		if (!paths[i])
			continue;
		if (i < 2 && cl_file_check(paths[i], err, sizeof err))
			rc = (fprintf(stderr, "conclab run: %s: %s\n", what[i], err), -1);
		else if (req->config && cl_file_same(paths[i], req->config))
			rc = (fprintf(stderr, "conclab run: %s %s is the config itself\n", what[i],
				      paths[i]), -1);
		for (int k = 0; k < i && !rc; k++)
			if (paths[k] && cl_file_same(paths[i], paths[k]))
				rc = (fprintf(stderr, "conclab run: %s and %s both name %s\n", what[k],
					      what[i], paths[i]), -1);
	}
	free(journal);
	return rc;
}

/* After a stop: keep each cell's finished trials only. */
static void keep_finished(struct cl_results *r, const size_t *done)
{
	for (size_t c = 0; c < r->ncells; c++) {
		for (size_t t = done[c]; t < r->cells[c].ntrials; t++)
			cl_trial_result_free(&r->cells[c].trials[t]);
		r->cells[c].ntrials = done[c];
	}
}

/* Every trial not yet done, cell by cell, until the end or a stop. */
/* Every trial not yet done, in the schedule's order, until the end or a
 * stop. Within a cell, trials run in their own order (so warmup first, and
 * the journal's trials of a cell stay a prefix that --resume can trust). */
static void run_trials(const struct cl_experiment *x, const struct cl_cell *cells,
		       struct cl_results *r, size_t *done, const struct cl_run_request *req,
		       struct cl_journal *journal, enum progress progress)
{
	struct cl_run_opts opts = { .timeout_ms = x->timeout_ms, .stop_fd = clrun_stop_fd(),
				    .limits = x->limits, .readonly = journal->path };
	int64_t started = cl_now_ns();
	size_t ran = 0, todo = 0, n, *counts = cl_xcalloc(r->ncells + 1, sizeof *counts);
	size_t *seen = cl_xcalloc(r->ncells + 1, sizeof *seen), *schedule;
	bool journal_ok = journal->fd >= 0;
	char err[4096];

	for (size_t c = 0; c < r->ncells; c++) {
		counts[c] = r->cells[c].ntrials;
		todo += r->cells[c].ntrials - done[c];
	}
	schedule = clrun_schedule(counts, r->ncells, req->sequential, req->seed, &n);
	for (size_t i = 0; i < n && !clrun_stop_signal(); i++) {
		size_t c = schedule[i], t = seen[c]++;
		struct cl_trial_result *tr = &r->cells[c].trials[t];

		if (t < done[c])
			continue; /* finished before a resume */
		if (progress)
			show_progress(progress, ran, todo, started, &cells[c], t, r->cells[c].ntrials);
		struct clrun_machine_sample before, after;

		int ignored = clrun_stops_ignored();

		clrun_sample(&before);
		if (cl_trial_execute(&cells[c], &opts, tr))
			fprintf(stderr, "conclab: %s: %s\n", cells[c].label, tr->message);
		if (clrun_stops_ignored() != ignored && tr->status == CL_STATUS_OK) {
			tr->status = CL_STATUS_WRONG;
			snprintf(tr->message, sizeof tr->message, "it sent the host SIGINT or SIGTERM "
				 "(ignored: a run stops only when someone else asks)");
		}
		clrun_sample(&after);
		clrun_judge_interference(&before, &after, tr);
		if (tr->interrupted || clrun_stop_signal()) {
			cl_trial_result_free(tr);
			memset(tr, 0, sizeof *tr);
			break;
		}
		tr->warmup = (int64_t)t < x->warmup;
		tr->seq = (int64_t)i;
		done[c]++;
		ran++;
		if (journal_ok && cl_journal_append(journal, c, cells[c].label, t, tr, err, sizeof err)) {
			fprintf(stderr, "conclab: warning: %s; the run goes on without a journal\n", err);
			journal_ok = false;
			journal->failed = true;
		}
	}
	if (progress == PROGRESS_TERMINAL)
		fprintf(stderr, "\r\033[K");
	free(schedule);
	free(counts);
	free(seen);
}

/* The table, --vs, and the results files; the exit code so far. */
static int report(const struct cl_run_request *req, struct cl_results *r, bool *written)
{
	char err[4096];
	int rc = cl_results_exit_code(r);

	/* the machine's warning was said on stderr: when that is the terminal
	 * the table goes to, once is enough */
	struct cl_table_opts table = { .sort = req->sort, .wide = req->wide,
				       .width = cl_terminal_width(STDOUT_FILENO),
				       .warned = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) };

	if (req->columns)
		cl_table_columns(req->columns, &table.columns, err, sizeof err); /* checked before */
	cl_view_table(stdout, r, &table);
	if (req->vs) { /* sentences: kept to the width, as the notes are */
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		cl_view_vs(f, r, req->vs);
		fclose(f);
		cl_view_wrapped(stdout, text, table.width ? table.width : 80);
		free(text);
	}
	*written = true;
	if (req->json && cl_results_write_json(req->json, r, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		rc = CL_EXIT_USAGE;
		*written = false;
	}
	if (req->csv && cl_results_write_csv(req->csv, r, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		rc = CL_EXIT_USAGE;
		*written = false;
	}
	return rc;
}

static void say_stopped(const struct cl_run_request *req, const struct cl_results *r,
			const size_t *done, size_t total, const struct cl_journal *journal)
{
	size_t finished = 0;
	char *resume = journal->path ? clrun_resume_command(req, journal->path) : NULL;

	for (size_t c = 0; c < r->ncells; c++)
		finished += done[c];
	/* a resume needs the journal, and a journal is kept only beside an
	 * output file: without one, the table above is all there is */
	cl_view_say(stderr, "conclab: stopped by %s after %zu of %zu trials; the trial that was running was "
	    "killed with every process it started%s%s%s\n", r->interrupted, finished, total,
	    req->json ? "; the finished ones are in " : req->csv ? "; the finished ones are in " : "",
	    req->json ? req->json : req->csv ? req->csv : "",
	    resume ? "; continue with:" : "; this run cannot be resumed: it kept no journal (a run "
					   "with --json, --csv or --journal keeps one)");
	if (resume) /* whole, on a line of its own: to be copied */
		fprintf(stderr, "  %s\n", resume);
	free(resume);
}

/* Open the journal: the one being resumed (its trials put back), or a new one. */
static int open_journal(const struct cl_run_request *asked, const struct cl_run_request *req,
			const json_t *header, const json_t *entries, const struct cl_experiment *x,
			const struct cl_cell *cells, struct cl_results *r, size_t *done,
			struct cl_journal *journal)
{
	char err[4096], *path;

	if (asked->resume) { /* opened and locked before it was read */
		if (clrun_restore(header, entries, r, done, asked->resume, err, sizeof err)) {
			fprintf(stderr, "conclab: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (!(path = clrun_journal_path(req)))
		return 0;
	json_t *h = clrun_journal_header(req, x, cells, r->ncells);
	int bad = cl_journal_create(journal, path, h, err, sizeof err);

	json_decref(h);
	free(path);
	if (bad)
		fprintf(stderr, "conclab: %s\n", err);
	return bad ? -1 : 0;
}

int cl_run(const struct cl_run_request *asked)
{
	struct cl_run_request req = *asked;
	struct cl_registry reg = { 0 };
	struct cl_experiment x = { 0 };
	struct cl_cell *cells = NULL;
	struct cl_results results = { 0 };
	struct cl_journal journal = { .fd = -1 };
	json_t *header = NULL, *entries = NULL;
	char **header_dirs = NULL, *text = NULL, err[4096], warnings[1024];
	size_t n = 0, *done = NULL, total = 0, finished = 0;
	int rc = CL_EXIT_USAGE;
	bool written;

	/* found out before anything is allocated: the probes fork, and a fork
	 * that exits holding the only copy of a pointer reads as a leak */
	cl_protections();
	if (asked->resume) {
		/* locked first: a second resume of it stops here, before it reads
		 * a journal the first one is appending to */
		if (cl_journal_reopen(&journal, asked->resume, err, sizeof err) ||
		    cl_journal_read(asked->resume, &header, &entries, err, sizeof err) ||
		    clrun_request_from_header(header, asked, &req, &header_dirs, err, sizeof err) ||
		    clrun_resume_trusted(asked, &req, err, sizeof err)) {
			fprintf(stderr, "conclab: %s\n", err);
			goto out;
		}
		clrun_resume_show(stderr, asked, &req, header);
		text = cl_xstrdup(json_string_value(json_object_get(header, "config")));
	}
	if (check_outputs(&req))
		goto out;
	if (req.columns) {
		uint32_t mask;

		if (cl_table_columns(req.columns, &mask, err, sizeof err)) {
			fprintf(stderr, "conclab: --columns: %s\n", err);
			goto out;
		}
	}
	if (cl_run_load(req.config, text, req.plugin_dirs, req.nplugin_dirs, req.repeat,
			req.timeout_ms, &reg, &x, &cells, &n) ||
	    check_vs(req.vs, cells, n))
		goto out;
	print_problems(&reg);
	cl_registry_prune(&reg, used_by, &x);
	clrun_results_init(&results, &x, cells, n, req.cv_threshold);
	done = cl_xcalloc(n, sizeof *done);
	for (size_t c = 0; c < n; c++)
		total += results.cells[c].ntrials;
	if (!asked->resume && !req.seed_given)
		req.seed = clrun_new_seed();
	if (open_journal(asked, &req, header, entries, &x, cells, &results, done, &journal))
		goto out;
	for (size_t c = 0; c < n; c++)
		finished += done[c];
	if (asked->resume)
		fprintf(stderr, "conclab: resuming %s: %zu of %zu trials were done\n", asked->resume,
			finished, total);
	/* said once: the trials are less contained than they could be */
	if (!cl_protections()->pid_ns || !cl_protections()->mount_ns)
		cl_view_say(stderr, "conclab: note: %s\n", cl_protections()->missing);
	clrun_machine_warnings(warnings, sizeof warnings);
	/* the config's own (hwloc missing for a placement): said and recorded */
	snprintf(warnings + strlen(warnings), sizeof warnings - strlen(warnings), "%s%s",
		 warnings[0] && x.warnings[0] ? " " : "", x.warnings);
	if (warnings[0])
		cl_view_say(stderr, "conclab: warning: %s\n", warnings);
	results.environment = clrun_environment(&x, warnings);
	clrun_catch_stops(1);
	results.order = req.sequential ? "sequential" : "random";
	results.seed = req.seed;
	run_trials(&x, cells, &results, done, &req, &journal,
		   req.quiet ? PROGRESS_NONE : isatty(STDERR_FILENO) ? PROGRESS_TERMINAL : PROGRESS_LINES);
	if (clrun_stop_signal()) {
		keep_finished(&results, done);
		results.interrupted = cl_xstrdup(clrun_stop_signal() == SIGINT ? "SIGINT" : "SIGTERM");
	}
	cl_results_summarize(&results);
	rc = report(&req, &results, &written);
	if (clrun_stop_signal()) {
		say_stopped(&req, &results, done, total, &journal);
		rc = 128 + clrun_stop_signal();
	}
	cl_journal_close(&journal, !clrun_stop_signal() && written && !journal.failed);
	clrun_catch_stops(0);
out:
	if (journal.fd >= 0) /* refused before the run: kept, for a resume */
		cl_journal_close(&journal, 0);
	cl_results_free(&results);
	free(done);
	free(cells);
	free(header_dirs);
	json_decref(header);
	json_decref(entries);
	cl_experiment_free(&x);
	cl_registry_free(&reg);
	return rc;
}
