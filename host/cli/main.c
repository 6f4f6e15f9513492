/* conclab: the command line. Each verb declares its options, operands and
 * usage here; options.c refuses what a verb does not take, before any work.
 * Exit codes: 0 every trial ok, 1 a trial failed or was wrong, 2 usage,
 * config or plugin-load error. */
#include "build_info.h"
#include "options.h"
#include "run.h"
#include "suggest.h"
#include "verbs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	"  new KIND NAME write a strategy or sync plugin folder to start from\n"
	"  serve         run the loopback server that request steps talk to\n"
	"  verify NAME   show that a plugin keeps its contract (exclusion, ordering...)\n"
	"  help [VERB]   this text, or a verb's (steps: a step's keys)\n"
	"  version       print the version\n"
	"\n"
	"Plugins are searched in every --plugin-path DIR, then $CONCLAB_PLUGIN_PATH\n"
	"(colon-separated), then conclab's own (PREFIX/lib/conclab/plugins, or the build\n"
	"tree's for a conclab run from it). `conclab VERB --help`\n"
	"says more. Exit codes: 0 ok, 1 a trial failed or was wrong, 2 usage, config or\n"
	"plugin error.\n";

/* What each verb does, around the help of its options (options.c's table). */
static const char about_run[] =
	"Run every cell of the experiment (strategies x syncs x sweeps), each trial in\n"
	"its own child process, and print the table of results.\n";
static const char after_run[] =
	"SIGINT (Ctrl-C) or SIGTERM stops the running trial, kills what it started,\n"
	"writes the finished trials' results and table, and exits 130 or 143; only a\n"
	"run with --json, --csv or --journal can be resumed.\n"
	"\n"
	"Exit code 0: every trial ok; 1: a trial crashed, hung, failed or was wrong;\n"
	"2: bad usage, config or plugin; 130/143: stopped by SIGINT/SIGTERM.\n";

static const char about_check[] =
	"Parse the experiment, load its plugins, check every setting and parameter and\n"
	"expand the matrix, without running anything (like nginx -t). Prints the cells.\n"
	"Exit code 0: valid; 2: the first problem, as FILE:LINE: SETTING: why.\n";

static const char about_plugins[] =
	"List every plugin found on the search path (name, kind, version, summary),\n"
	"the folders their files are in, then every .so that is not a usable plugin,\n"
	"with the reason.\n";

static const char about_info[] =
	"Show one plugin's metadata and its declared parameters with their types,\n"
	"defaults and ranges, like modinfo.\n";

static const char about_compare[] =
	"Match the cells of two results files of one experiment by workload (all of its\n"
	"steps), strategy, sync and parameters; print old and new median wall time, their\n"
	"ratio, and the Mann-Whitney U test's p-value on the trials. A difference is\n"
	"significant when p < A (default 0.05) and the change is at least PCT percent\n"
	"(default 10: two runs of one config on one machine differ by a few percent, more\n"
	"than their trials within a run). A cell with too few trials for any difference\n"
	"to reach p < A is \"inconclusive\", never \"same\"; a significant change in a\n"
	"cell whose trials (either side) were mostly under interference, or whose cv is\n"
	"above the threshold, is \"unreliable\", never \"slower\" or \"faster\". Cells\n"
	"found in only one file are listed, and so are plugins whose version changed.\n";
static const char after_compare[] =
	"Exit code 0, or 1 with --fail-on-regression when a cell got significantly slower\n"
	"or could not be judged (inconclusive, unreliable);\n"
	"2 when a file cannot be read, has another schema, or holds another experiment.\n";

static const char about_report[] =
	"Turn a results file into something to look at; --wide and --columns shape\n"
	"--table as they shape `conclab run`'s.\n";

static const char about_help[] =
	"Print the general help, or VERB's (the same as `conclab VERB --help`).\n"
	"`conclab help steps`: every key a workload step may have, with its range;\n"
	"`conclab help options`: every option, one a line, tab-separated (bash\n"
	"completion reads it).\n";

static const char about_new[] =
	"Write a plugin folder NAME/ to start from: NAME.c (a pool of threads, or a\n"
	"test-and-test-and-set lock), CMakeLists.txt (find_package(conclab) and\n"
	"conclab_add_plugin) and NAME.cfg (the plugin beside the built-ins). It builds\n"
	"against this conclab's installed SDK and runs as it is:\n"
	"\n"
	"  cmake -S NAME -B NAME/build && cmake --build NAME/build\n"
	"  conclab run NAME/NAME.cfg --plugin-path NAME/build\n"
	"\n"
	"NAME: 1 to 64 of a-z, 0-9, '_' and '-'. An existing folder is never written to.\n";

static const char about_serve[] =
	"Run the loopback HTTP/1.1 server that request steps talk to, on its own, until\n"
	"Ctrl-C or SIGTERM (then: no new connections, the responses under way finish,\n"
	"at most 10 s, a second signal stops it at once; exit 130 or 143):\n"
	"`GET /?bytes=N&delay_us=D&seed=S HTTP/1.1` is answered after D microseconds\n"
	"(rounded up to whole milliseconds) with an N-byte body, keep-alive unless the\n"
	"request says `Connection: close` (HTTP/1.0: closed unless it asks to keep it),\n"
	"pipelined requests in turn. Bodies are made as the socket takes them: memory\n"
	"stays about 3 KiB a connection and at most 64 KiB a slowly read response.\n"
	"Point curl, wrk or bench/ peers at it:\n"
	"\n"
	"  curl -s 'http://127.0.0.1:8080/?bytes=100&delay_us=50000&seed=1' | wc -c\n";

static const char about_verify[] =
	"Show that a plugin (a sync or a strategy, by name or path) keeps its contract,\n"
	"property by property, each from trials of small configs run as `conclab run`\n"
	"runs them; a failure is printed with the evidence and a config that shows it\n"
	"again. A sync: exclusion (an exact counter, a witnessed critical section never\n"
	"torn) under threads and processes at 1 to 4 times the CPUs; ordering (each\n"
	"holder sees all of the last one's writes); progress with four times the CPUs\n"
	"(every task gets the lock); fairness (judged for CL_SYNC_FIFO); its parameters\n"
	"at their ends; init and destroy again and again. A strategy: every task once at\n"
	"1, 2 and many tasks; every step kind; the timeout; a failing task reported.\n";
static const char after_verify[] =
	"Exit code 0: every property held; 1: one failed; 2: no such plugin.\n";

static const char about_version[] =
	"Print conclab's version and the plugin ABI version it loads.\n";

static int cmd_help(struct cli *cli, char **operands, int n);

static int cmd_version(struct cli *cli, char **operands, int n)
{
	(void)cli;
	(void)operands;
	(void)n;
	printf("conclab %s (plugin ABI %u.%u)\n", cl_build_version, CL_ABI_MAJOR, CL_ABI_MINOR);
	return 0;
}

static const enum cli_key run_options[] = {
	K_JSON, K_CSV, K_JOURNAL, K_RESUME, K_REPEAT, K_TIMEOUT, K_QUIET, K_SORT, K_VS,
	K_CV_THRESHOLD, K_PLUGIN_PATH, K_WIDE, K_COLUMNS, K_ORDER, K_SEED, 0,
};
static const enum cli_key check_options[] = { K_PLUGIN_PATH, K_REPEAT, K_TIMEOUT, 0 };
static const enum cli_key plugin_options[] = { K_PLUGIN_PATH, 0 };
static const enum cli_key compare_options[] = {
	K_ALPHA, K_THRESHOLD, K_FAIL_ON_REGRESSION, K_FORCE, 0,
};
static const enum cli_key report_options[] = {
	K_MARKDOWN, K_SVG, K_SWEEP_SVG, K_FAIR_SVG, K_TIMELINE_SVG, K_HTML, K_SEED_TABLE, K_TABLE, K_WIDE, K_COLUMNS, 0,
};
static const enum cli_key no_options[] = { 0 };
static const enum cli_key verify_options[] = { K_QUICK, K_LONG, K_PLUGIN_PATH, 0 };
static const enum cli_key serve_options[] = {
	K_PORT, K_LISTEN, K_THREADS, K_HEADER_TIMEOUT, K_IDLE_TIMEOUT, K_MAX_CONNECTIONS, 0,
};

const struct cli_verb cli_verbs[] = {
	{ "run", "FILE", "conclab run --resume JOURNAL [--json OUT] [--csv OUT] [--quiet]", about_run,
	  after_run, 0, 1, run_options, cmd_run },
	{ "check", "FILE", NULL, about_check, NULL, 1, 1, check_options, cmd_check },
	{ "plugins", "", NULL, about_plugins, NULL, 0, 0, plugin_options, cmd_plugins },
	{ "info", "NAME|PATH", NULL, about_info, NULL, 1, 1, plugin_options, cmd_info },
	{ "compare", "OLD.json NEW.json", NULL, about_compare, after_compare, 2, 2, compare_options,
	  cmd_compare },
	{ "report", "RESULTS.json", NULL, about_report, NULL, 1, 1, report_options, cmd_report },
	{ "new", "strategy|sync NAME", NULL, about_new, NULL, 2, 2, no_options, cmd_new },
	{ "serve", "", NULL, about_serve, NULL, 0, 0, serve_options, cmd_serve },
	{ "verify", "NAME|PATH", NULL, about_verify, after_verify, 1, 1, verify_options, cmd_verify },
	{ "help", "[VERB|steps|options]", NULL, about_help, NULL, 0, 1, no_options, cmd_help },
	{ "version", "", NULL, about_version, NULL, 0, 0, no_options, cmd_version },
};
const size_t cli_nverbs = sizeof cli_verbs / sizeof *cli_verbs;

static const struct cli_verb *find_verb(const char *name, const char *who)
{
	const char *names[sizeof cli_verbs / sizeof *cli_verbs];
	char hint[128];

	for (size_t v = 0; v < cli_nverbs; v++) {
		if (!strcmp(cli_verbs[v].name, name))
			return &cli_verbs[v];
		names[v] = cli_verbs[v].name;
	}
	cl_suggest(name, names, cli_nverbs, 2, hint, sizeof hint);
	fprintf(stderr, "conclab%s: unknown verb '%s'%s (`conclab help` lists them)\n", who, name, hint);
	return NULL;
}

static int cmd_help(struct cli *cli, char **operands, int n)
{
	const struct cli_verb *v;

	(void)cli;
	if (!n) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(operands[0], "options")) {
		cli_list_options(stdout);
		return 0;
	}
	if (!strcmp(operands[0], "steps")) {
		cl_print_step_keys(stdout);
		return 0;
	}
	if (!(v = find_verb(operands[0], " help")))
		return CL_EXIT_USAGE;
	cli_usage(stdout, v);
	return 0;
}

static bool verb_takes_plugin_path(const struct cli_verb *verb)
{
	for (const enum cli_key *k = verb->options; *k; k++)
		if (*k == K_PLUGIN_PATH)
			return true;
	return false;
}

/* The words before the verb: --plugin-path DIR (added by add_pre_verb_dirs
 * once the verb is known to take it), --help, --version. Returns the verb's
 * index; 0 after --help or --version (done); -1 after a usage error. */
static int before_verb(int argc, char **argv, size_t *ndirs)
{
	int i = 1;

	*ndirs = 0;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--plugin-path") || !strcmp(argv[i], "--plugin-path=")) {
			if (argv[i][13] == '=' || i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "conclab: --plugin-path wants a folder\n");
				return -1;
			}
			(*ndirs)++;
			i += 2;
		} else if (!strncmp(argv[i], "--plugin-path=", 14)) {
			(*ndirs)++;
			i++;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_main, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			return cmd_version(NULL, NULL, 0);
		} else {
			fprintf(stderr, "conclab: '%s' before the verb: only --plugin-path, --help and "
				"--version go there; a verb's options follow it (`conclab help`)\n", argv[i]);
			return -1;
		}
	}
	if (i >= argc) {
		fputs(usage_main, stderr);
		return -1;
	}
	return i;
}

static void add_pre_verb_dirs(struct cli *cli, int verb_at, char **argv)
{
	for (int i = 1; i < verb_at; i++)
		if (!strcmp(argv[i], "--plugin-path"))
			cli_add_plugin_dir(cli, argv[++i]);
		else if (!strncmp(argv[i], "--plugin-path=", 14))
			cli_add_plugin_dir(cli, argv[i] + 14);
}

/* Everything but the last word on the output; the exit code. */
static int dispatch(struct cli *cli, int argc, char **argv)
{
	const struct cli_verb *verb;
	size_t ndirs;
	int i = before_verb(argc, argv, &ndirs), n;

	if (i <= 0)
		return i < 0 ? CL_EXIT_USAGE : 0;
	if (!(verb = find_verb(argv[i], "")))
		return CL_EXIT_USAGE;
	if (ndirs && !verb_takes_plugin_path(verb)) {
		cli_refuse_foreign(verb, K_PLUGIN_PATH);
		return CL_EXIT_USAGE;
	}
	add_pre_verb_dirs(cli, i, argv);
	n = cli_parse(verb, cli, argc - i, argv + i);
	if (n == -2)
		return 0;
	if (n < 0)
		return CL_EXIT_USAGE;
	/* `run --resume JOURNAL` takes its config from the journal */
	int least = verb->min_operands + (verb->run == cmd_run && !cli->resume);

	if (n < least || n > verb->max_operands) {
		if (least == verb->max_operands)
			fprintf(stderr, "conclab %s: expected %d argument%s, got %d\n\n", verb->name,
				least, least == 1 ? "" : "s", n);
		else
			fprintf(stderr, "conclab %s: expected %d to %d arguments, got %d\n\n", verb->name,
				least, verb->max_operands, n);
		cli_usage(stderr, verb);
		return CL_EXIT_USAGE;
	}
	return verb->run(cli, argv + i + 1, n);
}

int main(int argc, char **argv)
{
	struct cli cli = { .threshold = -1 };
	int rc = dispatch(&cli, argc, argv);

	free(cli.plugin_dirs);
	/* output that never arrived (a full disk, a closed pipe) is an error */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "conclab: cannot write the output: %s\n", strerror(errno ? errno : EIO));
		return rc ? rc : CL_EXIT_USAGE;
	}
	return rc;
}
