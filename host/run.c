/* `conclab run`: load, run every trial in its sandbox, journal each one as it
 * finishes, and on SIGINT or SIGTERM stop the current trial, keep the rest,
 * print the partial table and say how to resume. */
#define _GNU_SOURCE
#include "run.h"
#include "xalloc.h"

#include "journal.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static int stop_pipe[2] = { -1, -1 };

/* The trial's wait polls the pipe, so a signal can never slip in between
 * a check of the flag and a long sleep. */
static void on_stop(int sig)
{
	int saved = errno;

	if (!stop_signal)
		stop_signal = sig;
	(void)!write(stop_pipe[1], "", 1);
	errno = saved;
}

static void catch_stops(int on)
{
	struct sigaction sa = { .sa_handler = on ? on_stop : SIG_DFL };

	if (on && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK))
		stop_pipe[0] = stop_pipe[1] = -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!on) {
		for (int i = 0; i < 2; i++)
			if (stop_pipe[i] >= 0)
				close(stop_pipe[i]);
		stop_pipe[0] = stop_pipe[1] = -1;
	}
}

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
	return 0;
}

static void print_problems(const struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->nproblems; i++)
		fprintf(stderr, "conclab: warning: %s: %s\n", reg->problems[i].path,
			reg->problems[i].reason);
}

/* A path that still names the same file after a `cd`: what the journal keeps. */
static char *absolute(const char *path)
{
	char cwd[4096], *abs = NULL;

	if (!path)
		return NULL;
	if (path[0] == '/' || !getcwd(cwd, sizeof cwd) || asprintf(&abs, "%s/%s", cwd, path) < 0)
		return cl_xstrdup(path);
	return abs;
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

/* One line on a terminal: where the run is, with a bar and an ETA from the
 * time the finished trials took. */
static void show_progress(size_t done, size_t total, int64_t started, const struct cl_cell *cell,
			  size_t trial, size_t ntrials)
{
	char bar[21], eta[32] = "";
	size_t filled = total ? done * 20 / total : 0;

	memset(bar, '#', filled);
	memset(bar + filled, '.', 20 - filled);
	bar[20] = 0;
	if (done) {
		int64_t left = (cl_now_ns() - started) / (int64_t)done * (int64_t)(total - done) / 1000000000;

		snprintf(eta, sizeof eta, "  ETA %lld:%02lld", (long long)left / 60, (long long)left % 60);
	}
	fprintf(stderr, "\r\033[K[%s] %zu/%zu %s, trial %zu/%zu%s", bar, done, total, cell->label,
		trial + 1, ntrials, eta);
}

/* Everything a resume needs to redo this run as it was asked for. */
static json_t *journal_header(const struct cl_run_request *req, const struct cl_experiment *x,
			      const struct cl_cell *cells, size_t n)
{
	json_t *dirs = json_array(), *labels = json_array(), *h;
	char *json = absolute(req->json), *csv = absolute(req->csv);

	for (size_t i = 0; i < req->nplugin_dirs; i++) {
		char *dir = absolute(req->plugin_dirs[i]);

		json_array_append_new(dirs, json_string(dir));
		free(dir);
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(labels, json_string(cells[i].label));
	h = json_pack("{ss ss ss ss* ss* so sI sI sb sf ss* so}", "journal", CL_JOURNAL_SCHEMA,
		      "config_path", x->path, "config", x->text, "json", json, "csv", csv,
		      "plugin_path", dirs, "repeat", (json_int_t)x->repeat, "timeout_ms",
		      (json_int_t)x->timeout_ms, "sort", req->sort, "cv_threshold", req->cv_threshold,
		      "vs", req->vs, "cells", labels);
	free(json);
	free(csv);
	return h;
}

/* The request a journal's header describes, with pointers into it. */
static int request_from_header(const json_t *h, const struct cl_run_request *asked,
			       struct cl_run_request *req, char ***dirs, char *err, size_t errlen)
{
	const json_t *pp = json_object_get(h, "plugin_path"), *d;
	size_t i;

	*req = *asked;
	req->config = json_string_value(json_object_get(h, "config_path"));
	req->json = json_string_value(json_object_get(h, "json"));
	req->csv = json_string_value(json_object_get(h, "csv"));
	req->vs = json_string_value(json_object_get(h, "vs"));
	req->repeat = json_integer_value(json_object_get(h, "repeat"));
	req->timeout_ms = json_integer_value(json_object_get(h, "timeout_ms"));
	req->sort = json_is_true(json_object_get(h, "sort"));
	req->cv_threshold = json_number_value(json_object_get(h, "cv_threshold"));
	req->journal = asked->resume;
	if (!req->config || !json_is_string(json_object_get(h, "config")) || req->repeat < 1 ||
	    req->timeout_ms < 1 || !json_is_array(json_object_get(h, "cells")))
		return snprintf(err, errlen, "%s:1: the journal header lacks the config, its path, "
				"repeat, timeout or cells", asked->resume), -1;
	*dirs = cl_xcalloc(json_array_size(pp) + 1, sizeof **dirs);
	json_array_foreach(pp, i, d)
		(*dirs)[i] = (char *)json_string_value(d);
	req->plugin_dirs = *dirs;
	req->nplugin_dirs = json_array_size(pp);
	return 0;
}

/* Put the journal's finished trials back in place; done[c] counts them. */
static int restore(const json_t *header, const json_t *entries, struct cl_report *rep,
		   size_t *done, const char *path, char *err, size_t errlen)
{
	const json_t *labels = json_object_get(header, "cells"), *e;
	size_t i;

	if (json_array_size(labels) != rep->ncells)
		return snprintf(err, errlen, "%s: the experiment now has %zu cells, the journal %zu: "
				"its plugins or their parameters changed", path, rep->ncells,
				json_array_size(labels)), -1;
	for (i = 0; i < rep->ncells; i++) {
		const char *l = json_string_value(json_array_get(labels, i));

		if (!l || strcmp(l, rep->cells[i].cell->label))
			return snprintf(err, errlen, "%s: cell %zu is now '%s', the journal has '%s'", path,
					i + 1, rep->cells[i].cell->label, l ? l : "?"), -1;
	}
	json_array_foreach(entries, i, e) {
		size_t c = (size_t)json_integer_value(json_object_get(e, "cell"));
		size_t t = (size_t)json_integer_value(json_object_get(e, "trial"));
		char why[256];

		if (c >= rep->ncells || t != done[c] || t >= rep->cells[c].ntrials)
			return snprintf(err, errlen, "%s:%zu: trial %zu of cell %zu is out of order or "
					"out of range", path, i + 2, t + 1, c + 1), -1;
		if (cl_trial_from_json(json_object_get(e, "result"), &rep->cells[c].trials[t], why,
				       sizeof why))
			return snprintf(err, errlen, "%s:%zu: %s", path, i + 2, why), -1;
		done[c]++;
	}
	return 0;
}

/* --journal FILE, else beside the JSON (or CSV) results; NULL: none. */
static char *journal_path_for(const struct cl_run_request *req)
{
	const char *results = req->json ? req->json : req->csv;
	char *path = NULL;

	if (req->journal)
		return cl_xstrdup(req->journal);
	if (results && asprintf(&path, "%s.journal", results) < 0)
		path = NULL;
	return path;
}

/* After a stop: keep each cell's finished trials only. */
static void keep_finished(struct cl_report *rep, const size_t *done)
{
	for (size_t c = 0; c < rep->ncells; c++) {
		for (size_t t = done[c]; t < rep->cells[c].ntrials; t++)
			cl_trial_result_free(&rep->cells[c].trials[t]);
		rep->cells[c].ntrials = done[c];
	}
}

int cl_run(const struct cl_run_request *asked)
{
	struct cl_run_request req = *asked;
	struct cl_registry reg = { 0 };
	struct cl_experiment x = { 0 };
	struct cl_cell *cells = NULL;
	struct cl_report rep = { 0 };
	struct cl_journal journal = { .fd = -1 };
	json_t *header = NULL, *entries = NULL;
	char **header_dirs = NULL, *text = NULL, *jpath = NULL, err[4096];
	size_t n = 0, *done = NULL, total = 0, finished = 0;
	int rc = CL_EXIT_USAGE, progress, journal_ok = 1, results_ok = 1;

	stop_signal = 0;

	if (asked->resume) {
		if (cl_journal_read(asked->resume, &header, &entries, err, sizeof err) ||
		    request_from_header(header, asked, &req, &header_dirs, err, sizeof err)) {
			fprintf(stderr, "conclab: %s\n", err);
			goto out;
		}
		text = cl_xstrdup(json_string_value(json_object_get(header, "config")));
	}
	if (cl_run_load(req.config, text, req.plugin_dirs, req.nplugin_dirs, req.repeat,
			req.timeout_ms, &reg, &x, &cells, &n))
		goto out;
	print_problems(&reg);
	cl_registry_prune(&reg, used_by, &x);
	rep.x = &x;
	rep.ncells = n;
	rep.cells = cl_xcalloc(n, sizeof *rep.cells);
	rep.cv_threshold = req.cv_threshold;
	rep.sort_by_wall = req.sort;
	done = cl_xcalloc(n, sizeof *done);
	for (size_t c = 0; c < n; c++) {
		rep.cells[c].cell = &cells[c];
		rep.cells[c].ntrials = (size_t)(x.warmup + x.repeat);
		rep.cells[c].trials = cl_xcalloc(rep.cells[c].ntrials, sizeof *rep.cells[c].trials);
		total += rep.cells[c].ntrials;
	}
	if (asked->resume) {
		if (restore(header, entries, &rep, done, asked->resume, err, sizeof err) ||
		    cl_journal_reopen(&journal, asked->resume, err, sizeof err)) {
			fprintf(stderr, "conclab: %s\n", err);
			goto out;
		}
		for (size_t c = 0; c < n; c++)
			finished += done[c];
		fprintf(stderr, "conclab: resuming %s: %zu of %zu trials were done\n", asked->resume,
			finished, total);
	} else if ((jpath = journal_path_for(&req))) {
		json_t *h = journal_header(&req, &x, cells, n);
		int bad = cl_journal_create(&journal, jpath, h, err, sizeof err);

		json_decref(h);
		if (bad) {
			fprintf(stderr, "conclab: %s\n", err);
			goto out;
		}
	}
	cl_machine_warnings(rep.warnings, sizeof rep.warnings);
	if (rep.warnings[0])
		fprintf(stderr, "conclab: warning: %s\n", rep.warnings);
	progress = !req.quiet && isatty(STDERR_FILENO);
	catch_stops(1);

	int64_t started = cl_now_ns();
	size_t ran = 0, todo = total - finished;

	for (size_t c = 0; c < n && !stop_signal; c++) {
		struct cl_cell_result *cr = &rep.cells[c];
		struct cl_run_opts opts = { .timeout_ms = x.timeout_ms, .stop_fd = stop_pipe[0] };

		for (size_t t = done[c]; t < cr->ntrials && !stop_signal; t++) {
			struct cl_trial_result *r = &cr->trials[t];

			if (progress)
				show_progress(ran, todo, started, &cells[c], t, cr->ntrials);
			if (cl_trial_execute(&cells[c], &opts, r))
				fprintf(stderr, "conclab: %s: %s\n", cells[c].label, r->message);
			if (r->interrupted || stop_signal) {
				cl_trial_result_free(r);
				memset(r, 0, sizeof *r);
				break;
			}
			r->warmup = (int64_t)t < x.warmup;
			done[c]++;
			ran++;
			if (journal.fd >= 0 && journal_ok &&
			    cl_journal_append(&journal, c, cells[c].label, t, r, err, sizeof err)) {
				fprintf(stderr, "conclab: warning: %s; the run goes on without a journal\n", err);
				journal_ok = 0;
			}
		}
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (stop_signal) {
		keep_finished(&rep, done);
		rep.interrupted = stop_signal == SIGINT ? "SIGINT" : "SIGTERM";
	}
	cl_report_summarize(&rep);
	cl_report_table(stdout, &rep);
	rc = cl_report_exit_code(&rep);
	if (req.vs && cl_report_vs(stdout, &rep, req.vs)) {
		fprintf(stderr, "conclab: --vs: no cell is labelled '%s' (see the table)\n", req.vs);
		rc = CL_EXIT_USAGE;
	}
	if (req.json && cl_report_json(req.json, &rep, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		rc = CL_EXIT_USAGE;
		results_ok = 0;
	}
	if (req.csv && cl_report_csv(req.csv, &rep, err, sizeof err)) {
		fprintf(stderr, "conclab: %s\n", err);
		rc = CL_EXIT_USAGE;
		results_ok = 0;
	}
	if (stop_signal) {
		finished = 0;
		for (size_t c = 0; c < n; c++)
			finished += done[c];
		fprintf(stderr, "conclab: stopped by %s after %zu of %zu trials; the trial that was "
			"running was killed with every process it started%s%s%s", rep.interrupted,
			finished, total, req.json ? "; the finished ones are in " : "",
			req.json ? req.json : "", journal.path ? "" : "\n");
		if (journal.path)
			fprintf(stderr, "; continue with: conclab run --resume %s\n", journal.path);
		rc = 128 + stop_signal;
	}
	cl_journal_close(&journal, !stop_signal && results_ok && journal_ok);
	catch_stops(0);
out:
	for (size_t c = 0; rep.cells && c < rep.ncells; c++) {
		for (size_t t = 0; t < rep.cells[c].ntrials; t++)
			cl_trial_result_free(&rep.cells[c].trials[t]);
		free(rep.cells[c].trials);
	}
	free(rep.cells);
	free(done);
	free(cells);
	free(jpath);
	free(header_dirs);
	json_decref(header);
	json_decref(entries);
	cl_experiment_free(&x);
	cl_registry_free(&reg);
	return rc;
}
