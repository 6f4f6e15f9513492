/* conclab: the command line. Verbs run, check, plugins, info; each has --help.
 * Exit codes: 0 every trial ok, 1 a trial failed or was wrong, 2 usage,
 * config or plugin-load error. */
#define _GNU_SOURCE
#include "compare.h"
#include "xalloc.h"
#include "render.h"
#include "report.h"
#include "run.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const char usage_main[] =
	"usage: conclab [--plugin-path DIR]... VERB [ARGS]\n"
	"\n"
	"Measure concurrency strategies and locks side by side.\n"
	"\n"
	"verbs:\n"
	"  run FILE      run an experiment and print its table (JSON/CSV on request)\n"
	"  check FILE    validate an experiment without running it\n"
	"  plugins       list every plugin on the search path\n"
	"  info NAME     show one plugin's metadata and parameters\n"
	"  compare OLD NEW  compare two results files cell by cell (Mann-Whitney U)\n"
	"  report FILE   Markdown, SVG charts, an HTML page, the seed's table\n"
	"  help [VERB]   this text, or a verb's\n"
	"  version       print the version\n"
	"\n"
	"Plugins are searched in every --plugin-path DIR, then $CONCLAB_PLUGIN_PATH\n"
	"(colon-separated), then the build tree and install folders. `conclab VERB --help`\n"
	"says more. Exit codes: 0 ok, 1 a trial failed or was wrong, 2 usage, config or\n"
	"plugin error.\n";

static const char usage_run[] =
	"usage: conclab run FILE [--json OUT] [--csv OUT] [--journal FILE] [--repeat N]\n"
	"                        [--timeout SEC] [--quiet] [--sort] [--vs CELL] [--cv-threshold PCT]\n"
	"       conclab run --resume JOURNAL [--quiet]\n"
	"\n"
	"Run every cell of the experiment (strategies x syncs x sweeps), each trial in its\n"
	"own child process, and print the table of results.\n"
	"\n"
	"  --json OUT       also write the results as JSON (docs/results-schema.md)\n"
	"  --csv OUT        also write one CSV row per trial\n"
	"  --journal FILE   append each finished trial to FILE (default: OUT.journal\n"
	"                   of --json, else of --csv; none without either); removed\n"
	"                   once the results are written\n"
	"  --resume JOURNAL continue a run that was stopped (SIGINT, SIGTERM, a crash)\n"
	"                   where it stopped, with the options it was started with\n"
	"  --repeat N       override the config's repeat\n"
	"  --timeout SEC    override the config's per-trial timeout\n"
	"  --quiet          no progress on stderr\n"
	"  --sort           order the table by median wall time, fastest first\n"
	"  --vs CELL        compare every cell with CELL (a label, or its start):\n"
	"                   \"A is 3.1x (2.9-3.3) faster than CELL\", with a Mann-Whitney p\n"
	"  --cv-threshold PCT  mark cells whose coefficient of variation is above PCT\n"
	"                   (default 5) as noisy\n"
	"  --plugin-path DIR  search DIR for plugins first (repeatable)\n"
	"\n"
	"SIGINT (Ctrl-C) or SIGTERM stops the running trial, kills what it started, writes\n"
	"the finished trials' results and table, and exits 130 or 143.\n"
	"\n"
	"Exit code 0: every trial ok; 1: a trial crashed, hung, failed or was wrong;\n"
	"2: bad usage, config or plugin; 130/143: stopped by SIGINT/SIGTERM.\n";

static const char usage_check[] =
	"usage: conclab check FILE [--plugin-path DIR]...\n"
	"\n"
	"Parse the experiment, load its plugins, check every setting and parameter and\n"
	"expand the matrix, without running anything (like nginx -t). Prints the cells.\n"
	"Exit code 0: valid; 2: the first problem, as FILE:LINE: SETTING: why.\n";

static const char usage_plugins[] =
	"usage: conclab plugins [--plugin-path DIR]...\n"
	"\n"
	"List every plugin found on the search path (name, kind, version, summary, file),\n"
	"then every .so that is not a usable plugin, with the reason.\n";

static const char usage_info[] =
	"usage: conclab info NAME|PATH [--plugin-path DIR]...\n"
	"\n"
	"Show one plugin's metadata and its declared parameters with their types,\n"
	"defaults and ranges, like modinfo.\n";

static const char usage_compare[] =
	"usage: conclab compare OLD.json NEW.json [--alpha A] [--threshold PCT] [--fail-on-regression]\n"
	"\n"
	"Match the cells of two results files by workload, strategy, sync and parameters;\n"
	"print old and new median wall time, their ratio, and the Mann-Whitney U test's\n"
	"p-value on the trials. A difference is significant when p < A (default 0.05) and\n"
	"the change is at least PCT percent (default 10: two runs of one config on one\n"
	"machine differ by a few percent, more than their trials within a run). Cells\n"
	"found in only one file are listed. Exit code 0, or 1 with --fail-on-regression\n"
	"when a cell got significantly slower; 2 when a file cannot be read or has\n"
	"another schema.\n";

static const char usage_report[] =
	"usage: conclab report RESULTS.json [--markdown] [--svg OUT] [--sweep-svg OUT] [--html OUT]\n"
	"                                   [--seed-table]\n"
	"\n"
	"Turn a results file into something to look at:\n"
	"  --markdown      the cells as a Markdown table on stdout (the default)\n"
	"  --svg OUT       a bar chart: median and min-max of every cell, grouped by\n"
	"                  strategy, coloured by sync\n"
	"  --sweep-svg OUT a line chart of the median against the first swept setting\n"
	"  --html OUT      one self-contained page: charts, tables, config and machine\n"
	"  --seed-table    the seed tutorial's table (threading / multiprocessing /\n"
	"                  asynchronous) from measurements, on stdout and in the page;\n"
	"                  needs the results of configs/seed-table.cfg\n";

struct cli {
	char  **plugin_dirs;
	size_t  nplugin_dirs;
	const char *json, *csv, *vs, *svg, *sweep_svg, *html;
	int     markdown, seed_table, fail_on_regression;
	double  alpha, threshold;
	int64_t repeat, timeout_ms;
	int     quiet, sort;
	double  cv_threshold;
	const char *resume, *journal;
};

static void add_plugin_dir(struct cli *cli, const char *dir)
{
	cli->plugin_dirs = cl_xrealloc(cli->plugin_dirs, (cli->nplugin_dirs + 1) * sizeof(char *));
	cli->plugin_dirs[cli->nplugin_dirs++] = (char *)dir;
}

/* Parse the verb's options; returns the index of the first operand, or -1
 * (usage printed) on a bad option, or -2 after --help. */
static int parse_opts(struct cli *cli, int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "json", required_argument, 0, 'j' },    { "csv", required_argument, 0, 'c' },
		{ "repeat", required_argument, 0, 'r' },  { "timeout", required_argument, 0, 't' },
		{ "quiet", no_argument, 0, 'q' },         { "plugin-path", required_argument, 0, 'P' },
		{ "help", no_argument, 0, 'h' },          { "sort", no_argument, 0, 's' },
		{ "vs", required_argument, 0, 'v' },      { "cv-threshold", required_argument, 0, 'C' },
		{ "markdown", no_argument, 0, 'm' },      { "svg", required_argument, 0, 'S' },
		{ "sweep-svg", required_argument, 0, 'W' }, { "html", required_argument, 0, 'H' },
		{ "seed-table", no_argument, 0, 'T' },    { "alpha", required_argument, 0, 'a' },
		{ "threshold", required_argument, 0, 'x' },
		{ "fail-on-regression", no_argument, 0, 'F' },
		{ "resume", required_argument, 0, 'R' },  { "journal", required_argument, 0, 'J' },
		{ 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'j': cli->json = optarg; break;
		case 'c': cli->csv = optarg; break;
		case 'q': cli->quiet = 1; break;
		case 's': cli->sort = 1; break;
		case 'm': cli->markdown = 1; break;
		case 'S': cli->svg = optarg; break;
		case 'W': cli->sweep_svg = optarg; break;
		case 'H': cli->html = optarg; break;
		case 'T': cli->seed_table = 1; break;
		case 'F': cli->fail_on_regression = 1; break;
		case 'R': cli->resume = optarg; break;
		case 'J': cli->journal = optarg; break;
		case 'a':
			cli->alpha = strtod(optarg, &end);
			if (*end || !(cli->alpha > 0 && cli->alpha < 1)) {
				fprintf(stderr, "conclab: --alpha wants a number between 0 and 1, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'x':
			cli->threshold = strtod(optarg, &end) / 100;
			if (*end || !(cli->threshold >= 0 && cli->threshold < 100)) {
				fprintf(stderr, "conclab: --threshold wants a percentage, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'v': cli->vs = optarg; break;
		case 'C':
			cli->cv_threshold = strtod(optarg, &end) / 100;
			if (*end || !(cli->cv_threshold > 0 && cli->cv_threshold < 10)) {
				fprintf(stderr, "conclab: --cv-threshold wants a percentage above 0, got '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'P': add_plugin_dir(cli, optarg); break;
		case 'h': fputs(usage, stdout); return -2;
		case 'r':
			cli->repeat = strtoll(optarg, &end, 10);
			if (*end || cli->repeat < 1 || cli->repeat > 10000) {
				fprintf(stderr, "conclab: --repeat wants 1..10000, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 't': {
			double s = strtod(optarg, &end);

			if (*end || !(s >= 0.001 && s <= 86400)) {
				fprintf(stderr, "conclab: --timeout wants 0.001..86400 seconds, got '%s'\n",
					optarg);
				return -1;
			}
			cli->timeout_ms = (int64_t)(s * 1000);
			break;
		}
		default: fputs(usage, stderr); return -1;
		}
	}
	return optind;
}

static int cmd_plugins(struct cli *cli)
{
	struct cl_registry reg;

	cl_registry_init(&reg, cli->plugin_dirs, cli->nplugin_dirs);
	cl_registry_scan(&reg);
	int wn = 4, ws = 7;

	for (size_t i = 0; i < reg.nplugins; i++) {
		int n = (int)strlen(reg.plugins[i]->desc->name), s = (int)strlen(reg.plugins[i]->desc->summary);

		wn = n > wn ? n : wn;
		ws = s > ws ? s : ws;
	}
	printf("%-*s  %-8s  %-7s  %-*s  %s\n", wn, "NAME", "KIND", "VERSION", ws, "SUMMARY", "FILE");
	for (size_t i = 0; i < reg.nplugins; i++) {
		const struct cl_loaded_plugin *p = reg.plugins[i];

		printf("%-*s  %-8s  %-7s  %-*s  %s\n", wn, p->desc->name, cl_plugin_kind_name(p->desc->kind),
		       p->desc->version, ws, p->desc->summary, p->path);
	}
	if (reg.nproblems) {
		printf("\nnot loaded:\n");
		for (size_t i = 0; i < reg.nproblems; i++)
			printf("  %s: %s\n", reg.problems[i].path, reg.problems[i].reason);
	}
	printf("\nsearch path:");
	for (size_t i = 0; i < reg.ndirs; i++)
		printf(" %s", reg.dirs[i]);
	printf("\n");
	cl_registry_free(&reg);
	return 0;
}

static int cmd_info(struct cli *cli, const char *name)
{
	struct cl_registry reg;
	const struct cl_loaded_plugin *p;
	char err[2048];

	cl_registry_init(&reg, cli->plugin_dirs, cli->nplugin_dirs);
	cl_registry_scan(&reg);
	p = cl_registry_resolve(&reg, name, CL_PLUGIN_STRATEGY, err, sizeof err);
	if (!p)
		p = cl_registry_resolve(&reg, name, CL_PLUGIN_SYNC, err, sizeof err);
	if (!p) {
		fprintf(stderr, "conclab: info: %s\n", err);
		cl_registry_free(&reg);
		return CL_EXIT_USAGE;
	}
	const struct cl_plugin *d = p->desc;

	printf("name:        %s\nkind:        %s\nversion:     %s\nabi:         %u\nfile:        %s\n"
	       "summary:     %s\n", d->name, cl_plugin_kind_name(d->kind), d->version, d->abi, p->path,
	       d->summary);
	if (d->description)
		printf("description: %s\n", d->description);
	if (d->kind == CL_PLUGIN_STRATEGY)
		printf("flags:       %s\n", d->ops.strategy->flags & CL_STRATEGY_FORKS
					       ? "forks (syncs must work across processes)" : "-");
	else
		printf("flags:       %s%s\nstate:       %zu bytes shared, %zu bytes per task\n",
		       d->ops.sync->flags & CL_SYNC_INEXACT ? "inexact (lost updates are its finding) " : "",
		       d->ops.sync->flags & CL_SYNC_THREADS_ONLY ? "threads-only" : "",
		       d->ops.sync->shared_size, d->ops.sync->local_size);
	printf("parameters:%s\n", p->nparams ? "" : " none");
	for (size_t i = 0; i < p->nparams; i++) {
		const struct cl_param_decl *pd = &d->params[i];

		if (pd->type == CL_PARAM_BOOL)
			printf("  %-12s bool  default %-8s %-24s %s\n", pd->name, pd->def ? "true" : "false",
			       "", pd->help ? pd->help : "");
		else {
			char range[64];

			snprintf(range, sizeof range, "range [%lld, %lld]", (long long)pd->min,
				 (long long)pd->max);
			printf("  %-12s int   default %-8lld %-24s %s\n", pd->name, (long long)pd->def,
			       range, pd->help ? pd->help : "");
		}
	}
	cl_registry_free(&reg);
	return 0;
}

static int cmd_check(struct cli *cli, const char *path)
{
	struct cl_registry reg = { 0 };
	struct cl_experiment x = { 0 };
	struct cl_cell *cells = NULL;
	size_t n = 0;
	int rc = CL_EXIT_USAGE;

	if (cl_run_load(path, NULL, cli->plugin_dirs, cli->nplugin_dirs, cli->repeat, cli->timeout_ms,
			&reg, &x, &cells, &n) == 0) {
		printf("%s: ok: experiment '%s', %zu cell%s x %lld trial%s (+%lld warmup)\n", path, x.name,
		       n, n == 1 ? "" : "s", (long long)x.repeat, x.repeat == 1 ? "" : "s",
		       (long long)x.warmup);
		for (size_t i = 0; i < n; i++)
			printf("  %s\n", cells[i].label);
		rc = 0;
	}
	free(cells);
	cl_experiment_free(&x);
	cl_registry_free(&reg);
	return rc;
}

static int cmd_run(struct cli *cli, const char *path)
{
	struct cl_run_request req = {
		.config = path, .resume = cli->resume, .json = cli->json, .csv = cli->csv,
		.journal = cli->journal, .plugin_dirs = cli->plugin_dirs,
		.nplugin_dirs = cli->nplugin_dirs, .repeat = cli->repeat, .timeout_ms = cli->timeout_ms,
		.quiet = cli->quiet, .sort = cli->sort, .cv_threshold = cli->cv_threshold, .vs = cli->vs,
	};

	if (cli->resume && (path || cli->json || cli->csv || cli->journal || cli->repeat ||
			    cli->timeout_ms || cli->sort || cli->vs || cli->nplugin_dirs)) {
		fprintf(stderr, "conclab run: --resume takes the journal and nothing else (but --quiet): "
			"the run goes on as it was started\n");
		return CL_EXIT_USAGE;
	}
	return cl_run(&req);
}

static int cmd_compare(struct cli *cli, const char *old_path, const char *new_path)
{
	char err[1024];
	json_t *old = cl_results_load(old_path, err, sizeof err), *new = NULL;
	struct cl_compare_opts opts = { .alpha = cli->alpha, .threshold = cli->threshold };
	struct cl_compare_counts counts;
	int rc = CL_EXIT_USAGE;

	if (!old || !(new = cl_results_load(new_path, err, sizeof err))) {
		fprintf(stderr, "conclab: compare: %s\n", err);
		goto out;
	}
	cl_compare(stdout, old_path, old, new_path, new, &opts, &counts);
	rc = cli->fail_on_regression && counts.slower ? CL_EXIT_TRIAL : 0;
out:
	json_decref(old);
	json_decref(new);
	return rc;
}

/* Write one rendering to `path` safely; 0 or -1 (message printed). */
static int write_rendering(const char *path, void (*render)(FILE *, const json_t *, int),
			   const json_t *results, int arg)
{
	char tmp[4096], err[4200];
	FILE *f = cl_file_begin(path, tmp, sizeof tmp, err, sizeof err);

	if (!f) {
		fprintf(stderr, "conclab: report: %s\n", err);
		return -1;
	}
	render(f, results, arg);
	if (cl_file_commit(f, tmp, path, err, sizeof err)) {
		fprintf(stderr, "conclab: report: %s\n", err);
		return -1;
	}
	return 0;
}

static void bars(FILE *f, const json_t *r, int unused)
{
	(void)unused;
	cl_render_bars_svg(f, r);
}

static void sweep(FILE *f, const json_t *r, int unused)
{
	(void)unused;
	cl_render_sweep_svg(f, r);
}

static int cmd_report(struct cli *cli, const char *path)
{
	char err[1024];
	json_t *results = cl_results_load(path, err, sizeof err);
	int rc = 0;

	if (!results) {
		fprintf(stderr, "conclab: report: %s\n", err);
		return CL_EXIT_USAGE;
	}
	if (cli->seed_table && cl_render_seed_table(stdout, results, 0, err, sizeof err)) {
		fprintf(stderr, "conclab: report: %s: %s\n", path, err);
		rc = CL_EXIT_USAGE;
	}
	if (cli->markdown || (!cli->svg && !cli->sweep_svg && !cli->html && !cli->seed_table))
		cl_render_markdown(stdout, results);
	if (cli->svg && write_rendering(cli->svg, bars, results, 0))
		rc = CL_EXIT_USAGE;
	if (cli->sweep_svg) {
		if (!cl_render_has_sweep(results)) {
			fprintf(stderr, "conclab: report: %s has no swept setting to chart\n", path);
			rc = CL_EXIT_USAGE;
		} else if (write_rendering(cli->sweep_svg, sweep, results, 0)) {
			rc = CL_EXIT_USAGE;
		}
	}
	if (cli->html && write_rendering(cli->html, cl_render_html, results, cli->seed_table))
		rc = CL_EXIT_USAGE;
	json_decref(results);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = { .threshold = -1 };
	int i = 1, first, rc;
	const char *verb;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--plugin-path") && i + 1 < argc) {
			add_plugin_dir(&cli, argv[i + 1]);
			i += 2;
		} else if (!strncmp(argv[i], "--plugin-path=", 14)) {
			add_plugin_dir(&cli, argv[i++] + 14);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_main, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("conclab %s (plugin ABI %u)\n", CL_VERSION, CL_ABI_VERSION);
			return 0;
		} else {
			fprintf(stderr, "conclab: unknown option '%s'\n\n%s", argv[i], usage_main);
			return CL_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fputs(usage_main, stderr);
		return CL_EXIT_USAGE;
	}
	verb = argv[i];
	argc -= i;
	argv += i;

	const struct {
		const char *name, *usage;
		int operands; /* required operands */
	} verbs[] = {
		{ "run", usage_run, 1 },         { "check", usage_check, 1 },
		{ "plugins", usage_plugins, 0 }, { "info", usage_info, 1 },
		{ "help", usage_main, 0 },       { "version", usage_main, 0 },
		{ "compare", usage_compare, 2 }, { "report", usage_report, 1 },
	};
	size_t v = 0;

	while (v < sizeof verbs / sizeof *verbs && strcmp(verbs[v].name, verb))
		v++;
	if (v == sizeof verbs / sizeof *verbs) {
		fprintf(stderr, "conclab: unknown verb '%s'\n\n%s", verb, usage_main);
		return CL_EXIT_USAGE;
	}
	first = parse_opts(&cli, argc, argv, verbs[v].usage);
	if (first == -2)
		return 0;
	if (first < 0)
		return CL_EXIT_USAGE;
	if (!strcmp(verb, "help")) {
		const char *which = first < argc ? argv[first] : NULL;

		for (size_t k = 0; which && k < sizeof verbs / sizeof *verbs; k++)
			if (!strcmp(verbs[k].name, which)) {
				fputs(verbs[k].usage, stdout);
				return 0;
			}
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(verb, "version")) {
		printf("conclab %s (plugin ABI %u)\n", CL_VERSION, CL_ABI_VERSION);
		return 0;
	}
	/* `run --resume JOURNAL` takes its config from the journal; a FILE given
	 * as well is refused by cmd_run, which says why */
	int operands = verbs[v].operands, resume = !strcmp(verb, "run") && cli.resume;

	if (resume ? argc - first > operands : argc - first != operands) {
		fprintf(stderr, "conclab %s: expected %d argument%s, got %d\n\n%s", verb, operands,
			operands == 1 ? "" : "s", argc - first, verbs[v].usage);
		return CL_EXIT_USAGE;
	}
	if (!strcmp(verb, "run"))
		rc = cmd_run(&cli, first < argc ? argv[first] : NULL);
	else if (!strcmp(verb, "check"))
		rc = cmd_check(&cli, argv[first]);
	else if (!strcmp(verb, "plugins"))
		rc = cmd_plugins(&cli);
	else if (!strcmp(verb, "compare"))
		rc = cmd_compare(&cli, argv[first], argv[first + 1]);
	else if (!strcmp(verb, "report"))
		rc = cmd_report(&cli, argv[first]);
	else
		rc = cmd_info(&cli, argv[first]);
	free(cli.plugin_dirs);
	return rc;
}
