/* What each verb does, once its options are parsed. */
#define _GNU_SOURCE
#include "verbs.h"
#include "paths.h"
#include "scaffold.h"
#include "server.h"
#include "compare.h"
#include "run.h"
#include "atomic_file.h"
#include "suggest.h"
#include "verify.h"
#include "views.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* s printed from column `col` on, broken at spaces so that no line passes
 * `width` (0: one line), each continuation starting at `col` again. */
static void hanging(const char *s, int col, int width)
{
	int room = width > col + 20 ? width - col : 0;

	while (room && (int)strlen(s) > room) {
		int cut = room;

		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (!cut) /* one word longer than the room: it runs over */
			cut = (int)strcspn(s, " ");
		printf("%.*s\n%*s", cut, s, col, "");
		s += cut + (s[cut] == ' ');
	}
	printf("%s\n", s);
}

/* The directory of a plugin's file, and whether the file is NAME.so in it. */
static size_t dir_len(const struct cl_loaded_plugin *p, bool *usual)
{
	const char *slash = strrchr(p->path, '/');
	size_t len = slash ? (size_t)(slash - p->path) : 0;
	const char *file = slash ? slash + 1 : p->path;

	*usual = !strncmp(file, p->desc->name, strlen(p->desc->name)) &&
		 !strcmp(file + strlen(p->desc->name), ".so");
	return len;
}

int cmd_plugins(struct cli *cli, char **operands, int n)
{
	(void)operands;
	(void)n;

	struct cl_registry reg;
	int width = cl_terminal_width(STDOUT_FILENO);

	cl_registry_init(&reg, cli->plugin_dirs, cli->nplugin_dirs);
	cl_registry_scan(&reg);
	int wn = 4, wv = 7;

	width = width ? width : 80; /* piped: no line longer than a terminal's */
	for (size_t i = 0; i < reg.nplugins; i++) {
		int n = (int)strlen(reg.plugins[i]->desc->name), v = (int)strlen(reg.plugins[i]->desc->version);

		wn = n > wn ? n : wn;
		wv = v > wv ? v : wv;
	}
	printf("%-*s  %-8s  %-*s  %s\n", wn, "NAME", "KIND", wv, "VERSION", "SUMMARY");
	for (size_t i = 0; i < reg.nplugins; i++) {
		const struct cl_loaded_plugin *p = reg.plugins[i];

		printf("%-*s  %-8s  %-*s  ", wn, p->desc->name, cl_plugin_kind_name(p->desc->kind), wv,
		       p->desc->version);
		hanging(p->desc->summary, wn + wv + 14, width);
	}
	/* the files by folder: a path on every row would double its width */
	for (size_t i = 0; i < reg.nplugins; i++) {
		bool usual, first = true;
		size_t len = dir_len(reg.plugins[i], &usual);
		char *line = NULL;
		size_t llen = 0;
		FILE *f;

		for (size_t k = 0; k < i; k++) { /* its folder said already */
			bool u;

			if (dir_len(reg.plugins[k], &u) == len && !strncmp(reg.plugins[k]->path, reg.plugins[i]->path, len))
				first = false;
		}
		if (!first)
			continue;
		f = open_memstream(&line, &llen);
		fprintf(f, "%s%.*s/:", i ? "" : "\nfiles (NAME.so unless said):\n", (int)len, reg.plugins[i]->path);
		for (size_t k = i; k < reg.nplugins; k++) {
			const struct cl_loaded_plugin *p = reg.plugins[k];

			if (dir_len(p, &usual) != len || strncmp(p->path, reg.plugins[i]->path, len))
				continue;
			fprintf(f, " %s%s%s%s", p->desc->name, usual ? "" : " (", usual ? "" : p->path + len + 1,
				usual ? "" : ")");
		}
		fclose(f);
		cl_view_wrapped(stdout, line, width);
		free(line);
	}
	if (reg.nproblems) {
		char *line = NULL;

		printf("\nnot loaded:\n");
		for (size_t i = 0; i < reg.nproblems; i++)
			if (asprintf(&line, "  %s:\n    %s", reg.problems[i].path, reg.problems[i].reason) > 0) {
				cl_view_wrapped(stdout, line, width);
				free(line);
			}
	}
	{
		char *line = NULL;
		size_t llen = 0;
		FILE *f = open_memstream(&line, &llen);

		fprintf(f, "\nsearch path:");
		for (size_t i = 0; i < reg.ndirs; i++)
			fprintf(f, " %s", reg.dirs[i]);
		fclose(f);
		cl_view_wrapped(stdout, line, width);
		free(line);
	}
	cl_registry_free(&reg);
	return 0;
}

/* "  workers      int   default 0        range [0, 1000000]", then its help. */
static void param_line(const char *name, const char *type, const char *def, const char *range,
		       const char *help, int width)
{
	char row[256];

	snprintf(row, sizeof row, "  %-12s %-5s default %-8s %s", name, type, def, range);
	for (size_t n = strlen(row); n && row[n - 1] == ' ';)
		row[--n] = 0;
	printf("%s\n", row);
	if (*help) {
		printf("      ");
		hanging(help, 6, width);
	}
}

/* A plugin of either kind, by name or path, in a scanned registry; NULL
 * after saying why on stderr (with the closest names of both kinds). */
static const struct cl_loaded_plugin *find_plugin(struct cl_registry *reg, const char *verb,
						  const char *name)
{
	const struct cl_loaded_plugin *p;
	char err[2048];

	p = cl_registry_resolve(reg, name, CL_PLUGIN_STRATEGY, err, sizeof err);
	if (!p && (strchr(name, '/') || cl_registry_find(reg, name, CL_PLUGIN_SYNC)))
		p = cl_registry_resolve(reg, name, CL_PLUGIN_SYNC, err, sizeof err);
	else if (!p) { /* of either kind, with the closest names of both */
		const char **names = calloc(reg->nplugins + 1, sizeof *names);
		char hint[256], lower[128];

		snprintf(lower, sizeof lower, "%s", name);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (size_t i = 0; names && i < reg->nplugins; i++)
			names[i] = reg->plugins[i]->desc->name;
		cl_suggest(lower, names, names ? reg->nplugins : 0, 2, hint, sizeof hint);
		snprintf(err, sizeof err, "no plugin is named '%s'%s (`conclab plugins` lists them)", name,
			 hint);
		free(names);
	}
	if (!p)
		fprintf(stderr, "conclab: %s: %s\n", verb, err);
	return p;
}

int cmd_verify(struct cli *cli, char **operands, int n)
{
	struct cl_registry reg;
	const struct cl_loaded_plugin *p;
	int rc;

	(void)n;
	if (cli->quick && cli->long_run) {
		fprintf(stderr, "conclab verify: --quick or --long, not both\n");
		return CL_EXIT_USAGE;
	}
	cl_registry_init(&reg, cli->plugin_dirs, cli->nplugin_dirs);
	cl_registry_scan(&reg);
	if (!(p = find_plugin(&reg, "verify", operands[0]))) {
		cl_registry_free(&reg);
		return CL_EXIT_USAGE;
	}
	rc = cl_verify(&reg, p, cli->quick ? CL_VERIFY_QUICK : cli->long_run ? CL_VERIFY_LONG
									: CL_VERIFY_DEFAULT, stdout);
	cl_registry_free(&reg);
	return rc ? CL_EXIT_TRIAL : CL_EXIT_OK;
}

int cmd_info(struct cli *cli, char **operands, int n)
{
	const char *name = operands[0];
	struct cl_registry reg;
	const struct cl_loaded_plugin *p;

	(void)n;
	cl_registry_init(&reg, cli->plugin_dirs, cli->nplugin_dirs);
	cl_registry_scan(&reg);
	if (!(p = find_plugin(&reg, "info", name))) {
		cl_registry_free(&reg);
		return CL_EXIT_USAGE;
	}
	const struct cl_plugin *d = p->desc;

	int width = cl_terminal_width(STDOUT_FILENO);

	width = width ? width : 80; /* piped: no line longer than a terminal's */
	/* the ABI it was built for, MAJOR.MINOR: what tells a host it can load it */
	printf("name:        %s\nkind:        %s\nversion:     %s\nabi:         %u.%u\nfile:        %s\n",
	       d->name, cl_plugin_kind_name(d->kind), d->version, d->abi, cl_plugin_abi_minor(d), p->path);
	if (p->runtime) {
		printf("runtime:     ");
		hanging(p->runtime, 13, width);
	}
	printf("summary:     ");
	hanging(d->summary, 13, width);
	if (d->description) {
		printf("description: ");
		hanging(d->description, 13, width);
	}
	char flags[512];

	if (d->kind == CL_PLUGIN_STRATEGY) {
		uint32_t f = d->ops.strategy->flags;

		snprintf(flags, sizeof flags, "%s%s%s%s%s%s", f ? "" : "-", f & CL_STRATEGY_FORKS ? "forks (syncs "
			 "must work across processes) " : "", f & CL_STRATEGY_FD_WAITS ? "fd-waits " : "",
			 f & CL_STRATEGY_COMPLETIONS ? "completions " : "",
			 f & CL_STRATEGY_PLACES ? "places (params.NAME.placement) " : "",
			 f & CL_STRATEGY_REMOTE ? "remote (tasks in other address spaces; remote syncs only)" : "");
	} else {
		uint32_t f = d->ops.sync->flags;

		snprintf(flags, sizeof flags, "%s%s%s%s%s", f ? "" : "-",
			 f & CL_SYNC_INEXACT ? "inexact (lost updates are its finding) " : "",
			 f & CL_SYNC_THREADS_ONLY ? "threads-only " : "", f & CL_SYNC_FIFO ? "fifo " : "",
			 f & CL_SYNC_REMOTE ? "remote (its own counter; remote strategies only)" : "");
	}
	for (size_t n = strlen(flags); n && flags[n - 1] == ' ';)
		flags[--n] = 0;
	printf("flags:       ");
	hanging(flags, 13, width);
	if (d->kind != CL_PLUGIN_STRATEGY)
		printf("state:       %zu bytes shared, %zu bytes per task\n", d->ops.sync->shared_size,
		       d->ops.sync->local_size);
	bool places = d->kind == CL_PLUGIN_STRATEGY && d->ops.strategy->flags & CL_STRATEGY_PLACES;
	/* a 1.4 remote strategy declares its hosts itself */
	bool remote = d->kind == CL_PLUGIN_STRATEGY && d->ops.strategy->flags & CL_STRATEGY_REMOTE &&
		      cl_plugin_abi_minor(d) < 4;

	/* each parameter a line, what it does under it: a row with its help
	 * beside it is 150 columns */
	printf("parameters:%s\n", p->nparams || places || remote ? "" : " none");
	if (places)
		param_line("placement", "text", "none", "none|compact|scatter|CPUs",
			   "where the workers run (the host's parameter: docs/config-reference.md)", width);
	if (remote) {
		param_line("hosts", "text", "none", "host[:slots],...",
			   "where the ranks run, as mpirun --host (the host's parameter: docs/mpi.md)", width);
		param_line("hostfile", "text", "none", "a path",
			   "a hostfile, as mpirun --hostfile (the host's parameter: docs/mpi.md)", width);
	}
	for (size_t i = 0; i < p->nparams; i++) {
		const struct cl_param_decl *pd = &d->params[i];
		char def[32], range[64] = "";

		if (pd->type == CL_PARAM_BOOL) {
			snprintf(def, sizeof def, "%s", pd->def ? "true" : "false");
		} else if (cl_param_is_text(pd->type)) {
			snprintf(def, sizeof def, "none");
			snprintf(range, sizeof range, "up to %lld characters%s", (long long)pd->max,
				 pd->type == CL_PARAM_PATH ? ", a readable file" : "");
		} else {
			snprintf(def, sizeof def, "%lld", (long long)pd->def);
			snprintf(range, sizeof range, "range [%lld, %lld]", (long long)pd->min, (long long)pd->max);
		}
		param_line(pd->name, pd->type == CL_PARAM_BOOL ? "bool" : pd->type == CL_PARAM_TEXT ? "text"
				     : pd->type == CL_PARAM_PATH ? "path" : "int", def, range,
			   pd->help ? pd->help : "", width);
	}
	cl_registry_free(&reg);
	return 0;
}

int cmd_check(struct cli *cli, char **operands, int noperands)
{
	char *shipped = cl_find_config(operands[0]);
	const char *path = shipped ? shipped : operands[0];
	struct cl_registry reg = { 0 };
	struct cl_experiment x = { 0 };
	struct cl_cell *cells = NULL;
	size_t n = 0;
	int rc = CL_EXIT_USAGE;

	(void)noperands;
	if (cl_run_load(path, NULL, cli->plugin_dirs, cli->nplugin_dirs, cli->repeat, cli->timeout_ms,
			&reg, &x, &cells, &n) == 0) {
		cl_view_say(stdout, "%s: ok: experiment '%s', %zu cell%s x %lld trial%s (+%lld warmup)\n",
			    path, x.name, n, n == 1 ? "" : "s", (long long)x.repeat, x.repeat == 1 ? "" : "s",
			    (long long)x.warmup);
		for (size_t i = 0; i < n; i++)
			printf("  %s\n", cells[i].label);
		if (x.warnings[0])
			cl_view_say(stderr, "conclab: warning: %s\n", x.warnings);
		rc = 0;
	}
	free(cells);
	free(shipped);
	cl_experiment_free(&x);
	cl_registry_free(&reg);
	return rc;
}

int cmd_run(struct cli *cli, char **operands, int n)
{
	char *shipped = n ? cl_find_config(operands[0]) : NULL;
	const char *path = shipped ? shipped : n ? operands[0] : NULL;
	int rc;

	struct cl_run_request req = {
		.config = path, .resume = cli->resume, .json = cli->json, .csv = cli->csv,
		.journal = cli->journal, .plugin_dirs = cli->plugin_dirs,
		.nplugin_dirs = cli->nplugin_dirs, .repeat = cli->repeat, .timeout_ms = cli->timeout_ms,
		.quiet = cli->quiet, .sort = cli->sort, .wide = cli->wide, .columns = cli->columns,
		.cv_threshold = cli->cv_threshold, .vs = cli->vs, .sequential = cli->order && !strcmp(cli->order, "sequential"),
		.seed = cli->seed, .seed_given = cli->seed_given,
	};

	/* the outputs and plugin folders may be named again: a resume takes
	 * from the journal only those in the journal's own folder */
	if (cli->resume && (path || cli->journal || cli->repeat || cli->timeout_ms || cli->sort ||
			    cli->vs || cli->wide || cli->columns || cli->order || cli->seed_given)) {
		fprintf(stderr, "conclab run: --resume takes the journal and nothing else (but --quiet, "
			"--json, --csv and --plugin-path): the run goes on as it was started\n");
		free(shipped);
		return CL_EXIT_USAGE;
	}
	rc = cl_run(&req);
	free(shipped);
	return rc;
}

int cmd_compare(struct cli *cli, char **operands, int n)
{
	struct cl_results old = { 0 }, new = { 0 };
	struct cl_compare_opts opts = { .alpha = cli->alpha, .threshold = cli->threshold,
					.force = cli->force, .width = cl_terminal_width(STDOUT_FILENO) };
	struct cl_compare_counts counts;
	char err[1024];
	int rc = CL_EXIT_USAGE;

	(void)n;
	if (cl_results_load(&old, operands[0], err, sizeof err) ||
	    cl_results_load(&new, operands[1], err, sizeof err)) {
		fprintf(stderr, "conclab: compare: %s\n", err);
		goto out;
	}
	if (cl_compare_same_experiment(&old, &new, err, sizeof err) && !cli->force) {
		fprintf(stderr, "conclab: compare: %s and %s hold different experiments: %s; their cells "
			"cannot be judged against each other (--force to compare anyway)\n", operands[0],
			operands[1], err);
		goto out;
	}
	cl_compare(stdout, operands[0], &old, operands[1], &new, &opts, &counts);
	rc = 0;
	if (cli->fail_on_regression && counts.slower)
		rc = CL_EXIT_TRIAL;
	/* a gate that cannot judge must not pass in silence */
	if (cli->fail_on_regression && counts.inconclusive) {
		fprintf(stderr, "conclab: compare: --fail-on-regression: %zu cell%s could not be judged "
			"(too few trials)\n", counts.inconclusive, counts.inconclusive == 1 ? "" : "s");
		rc = CL_EXIT_TRIAL;
	}
	if (cli->fail_on_regression && counts.unreliable) {
		fprintf(stderr, "conclab: compare: --fail-on-regression: %zu cell%s could not be judged "
			"(unreliable: interference or noise)\n", counts.unreliable,
			counts.unreliable == 1 ? "" : "s");
		rc = CL_EXIT_TRIAL;
	}
out:
	cl_results_free(&old);
	cl_results_free(&new);
	return rc;
}

enum rendering { BARS, SWEEP, FAIR, TIMELINE, HTML, HTML_SEED };

/* Write one rendering to `path` safely; 0 or -1 (message printed). */
static int write_rendering(const char *path, enum rendering what, const struct cl_results *r)
{
	char tmp[4096], err[4200];
	FILE *f = cl_file_begin(path, tmp, sizeof tmp, err, sizeof err);

	if (!f) {
		fprintf(stderr, "conclab: report: %s\n", err);
		return -1;
	}
	int empty = 0; /* a chart view with nothing to draw: -1 */

	if (what == BARS)
		cl_view_bars_svg(f, r);
	else if (what == SWEEP)
		empty = cl_view_sweep_svg(f, r);
	else if (what == FAIR)
		empty = cl_view_sweep_fair_svg(f, r);
	else if (what == TIMELINE)
		empty = cl_view_timeline_svg(f, r);
	else
		cl_view_html(f, r, what == HTML_SEED);
	if (empty) { /* cmd_report refused it already; never leave an empty file */
		fclose(f);
		unlink(tmp);
		fprintf(stderr, "conclab: report: %s: nothing to draw\n", path);
		return -1;
	}
	if (cl_file_commit(f, tmp, path, err, sizeof err)) {
		fprintf(stderr, "conclab: report: %s\n", err);
		return -1;
	}
	return 0;
}

/* The files report writes can be written, and none is the results file or
 * another of them. 0, or -1 with the message printed. */
static int check_report_outputs(const struct cli *cli, const char *input)
{
	const char *what[5] = { "--svg", "--sweep-svg", "--fair-svg", "--timeline-svg", "--html" };
	const char *paths[5] = { cli->svg, cli->sweep_svg, cli->fair_svg, cli->timeline_svg, cli->html };
	char err[4200];

	for (int i = 0; i < 5; i++) {
		if (!paths[i])
			continue;
		if (cl_file_check(paths[i], err, sizeof err))
			return fprintf(stderr, "conclab report: %s: %s\n", what[i], err), -1;
		if (cl_file_same(paths[i], input))
			return fprintf(stderr, "conclab report: %s %s is the results file itself\n",
				       what[i], paths[i]), -1;
		for (int k = 0; k < i; k++)
			if (paths[k] && cl_file_same(paths[i], paths[k]))
				return fprintf(stderr, "conclab report: %s and %s both name %s\n", what[k],
					       what[i], paths[i]), -1;
	}
	return 0;
}

int cmd_report(struct cli *cli, char **operands, int n)
{
	const char *path = operands[0];
	struct cl_results r = { 0 };
	char err[1024] = "";
	int rc = 0;

	(void)n;
	if (check_report_outputs(cli, path) || cl_results_load(&r, path, err, sizeof err)) {
		if (*err)
			fprintf(stderr, "conclab: report: %s\n", err);
		cl_results_free(&r);
		return CL_EXIT_USAGE;
	}
	if ((cli->fair_svg || cli->timeline_svg) && !cl_view_timed(&r)) {
		fprintf(stderr, "conclab: report: %s has no duration step: --fair-svg and "
			"--timeline-svg chart ops/s and fairness\n", path);
		cl_results_free(&r);
		return CL_EXIT_USAGE;
	}
	if ((cli->sweep_svg || cli->fair_svg) && !cl_view_has_sweep(&r)) {
		fprintf(stderr, "conclab: report: %s has no swept setting to chart\n", path);
		cl_results_free(&r);
		return CL_EXIT_USAGE;
	}
	/* a chart with nothing to draw is refused, naming why, before any file
	 * is written: never an empty file and exit 0 */
	const char *chart_opt[4] = { "--svg", "--sweep-svg", "--fair-svg", "--timeline-svg" };
	const char *chart_out[4] = { cli->svg, cli->sweep_svg, cli->fair_svg, cli->timeline_svg };
	const enum cl_chart chart_of[4] = { CL_CHART_BARS, CL_CHART_SWEEP, CL_CHART_FAIR, CL_CHART_TIMELINE };

	for (int i = 0; i < 4; i++) {
		const char *why = chart_out[i] ? cl_view_chart_empty(&r, chart_of[i]) : NULL;

		if (why) {
			fprintf(stderr, "conclab: report: %s: %s\n", chart_opt[i], why);
			cl_results_free(&r);
			return CL_EXIT_USAGE;
		}
	}
	if (cli->seed_table && cl_view_seed_table(stdout, &r, false, err, sizeof err)) {
		fprintf(stderr, "conclab: report: %s: %s\n", path, err);
		rc = CL_EXIT_USAGE;
	}
	if (cli->table) {
		struct cl_table_opts o = { .wide = cli->wide, .width = cl_terminal_width(STDOUT_FILENO) };

		if (cli->columns && cl_table_columns(cli->columns, &o.columns, err, sizeof err)) {
			fprintf(stderr, "conclab report: --columns: %s\n", err);
			cl_results_free(&r);
			return CL_EXIT_USAGE;
		}
		cl_view_table(stdout, &r, &o);
	}
	if (cli->markdown ||
	    (!cli->svg && !cli->sweep_svg && !cli->fair_svg && !cli->timeline_svg && !cli->html &&
	     !cli->seed_table && !cli->table))
		cl_view_markdown(stdout, &r);
	if (cli->svg && write_rendering(cli->svg, BARS, &r))
		rc = CL_EXIT_USAGE;
	if (cli->sweep_svg && write_rendering(cli->sweep_svg, SWEEP, &r))
		rc = CL_EXIT_USAGE;
	if (cli->fair_svg && write_rendering(cli->fair_svg, FAIR, &r))
		rc = CL_EXIT_USAGE;
	if (cli->timeline_svg && write_rendering(cli->timeline_svg, TIMELINE, &r))
		rc = CL_EXIT_USAGE;
	if (cli->html && write_rendering(cli->html, cli->seed_table ? HTML_SEED : HTML, &r))
		rc = CL_EXIT_USAGE;
	cl_results_free(&r);
	return rc;
}

int cmd_new(struct cli *cli, char **operands, int n)
{
	(void)cli;
	(void)n;
	return cl_scaffold(operands[0], operands[1]);
}

int cmd_serve(struct cli *cli, char **operands, int n)
{
	const char *host = cli->listen ? cli->listen : "127.0.0.1";
	int port = cli->port_given ? cli->port : 8080, fd;
	char err[256];
	struct sockaddr_in at;
	socklen_t len = sizeof at;

	(void)operands;
	(void)n;
	if ((fd = cl_server_listen(host, port, err, sizeof err)) < 0) {
		fprintf(stderr, "conclab serve: %s\n", err);
		return CL_EXIT_USAGE;
	}
	getsockname(fd, (struct sockaddr *)&at, &len);
	struct cl_serve_limits limits = {
		.header_timeout_ms = cli->header_timeout_given ? cli->header_timeout_ms
								: CL_SERVE_HEADER_TIMEOUT_MS,
		.idle_timeout_ms = cli->idle_timeout_given ? cli->idle_timeout_ms : CL_SERVE_IDLE_TIMEOUT_MS,
		.max_connections = cli->max_connections,
	};

	printf("conclab serve: listening on http://%s:%d/ with %d event loop%s (Ctrl-C stops it)\n",
	       host, ntohs(at.sin_port), cli->threads ? (int)cli->threads : 1, cli->threads > 1 ? "s" : "");
	fflush(stdout);
	return cl_server_run(fd, cli->threads ? (int)cli->threads : 1, &limits);
}
