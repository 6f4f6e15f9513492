/* One table of every option, parsed with getopt_long; each verb's own list
 * decides which it takes. */
#define _GNU_SOURCE
#include "options.h"
#include "suggest.h"
#include "xalloc.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct option all_options[] = {
	{ "json", required_argument, 0, K_JSON },
	{ "csv", required_argument, 0, K_CSV },
	{ "journal", required_argument, 0, K_JOURNAL },
	{ "resume", required_argument, 0, K_RESUME },
	{ "repeat", required_argument, 0, K_REPEAT },
	{ "timeout", required_argument, 0, K_TIMEOUT },
	{ "quiet", no_argument, 0, K_QUIET },
	{ "sort", no_argument, 0, K_SORT },
	{ "vs", required_argument, 0, K_VS },
	{ "cv-threshold", required_argument, 0, K_CV_THRESHOLD },
	{ "plugin-path", required_argument, 0, K_PLUGIN_PATH },
	{ "help", no_argument, 0, K_HELP },
	{ "markdown", no_argument, 0, K_MARKDOWN },
	{ "svg", required_argument, 0, K_SVG },
	{ "sweep-svg", required_argument, 0, K_SWEEP_SVG },
	{ "fair-svg", required_argument, 0, K_FAIR_SVG },
	{ "timeline-svg", required_argument, 0, K_TIMELINE_SVG },
	{ "html", required_argument, 0, K_HTML },
	{ "seed-table", no_argument, 0, K_SEED_TABLE },
	{ "alpha", required_argument, 0, K_ALPHA },
	{ "threshold", required_argument, 0, K_THRESHOLD },
	{ "fail-on-regression", no_argument, 0, K_FAIL_ON_REGRESSION },
	{ "force", no_argument, 0, K_FORCE },
	{ "wide", no_argument, 0, K_WIDE },
	{ "table", no_argument, 0, K_TABLE },
	{ "order", required_argument, 0, K_ORDER },
	{ "seed", required_argument, 0, K_SEED },
	{ "columns", required_argument, 0, K_COLUMNS },
	{ "port", required_argument, 0, K_PORT },
	{ "listen", required_argument, 0, K_LISTEN },
	{ "threads", required_argument, 0, K_THREADS },
	{ "header-timeout", required_argument, 0, K_HEADER_TIMEOUT },
	{ "idle-timeout", required_argument, 0, K_IDLE_TIMEOUT },
	{ "max-connections", required_argument, 0, K_MAX_CONNECTIONS },
	{ 0 },
};

static const char *option_name(int key)
{
	for (const struct option *o = all_options; o->name; o++)
		if (o->val == key)
			return o->name;
	return "?";
}

static bool takes(const struct cli_verb *verb, int key)
{
	if (key == K_HELP)
		return true;
	for (const enum cli_key *k = verb->options; *k; k++)
		if ((int)*k == key)
			return true;
	return false;
}

/* "--html is an option of `conclab report`" */
static void refuse_foreign(const struct cli_verb *verb, int key)
{
	size_t said = 0, owners = 0;

	for (size_t v = 0; v < cli_nverbs; v++)
		owners += takes(&cli_verbs[v], key);
	fprintf(stderr, "conclab %s: --%s is an option of ", verb->name, option_name(key));
	for (size_t v = 0; v < cli_nverbs; v++)
		if (takes(&cli_verbs[v], key)) {
			said++;
			fprintf(stderr, "%s`conclab %s`", said == 1 ? "" : said == owners ? " and " : ", ",
				cli_verbs[v].name);
		}
	fprintf(stderr, ", not of `conclab %s` (see `conclab %s --help`)\n", verb->name, verb->name);
}

static const struct option *find_option(const char *name, size_t len)
{
	for (const struct option *o = all_options; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* An unknown option: the verb's options it begins (an abbreviation), else
 * the closest of them, else the closest of any verb's, case aside. */
static void refuse_unknown(const struct cli_verb *verb, const char *arg)
{
	char names[40][32], want[128], hint[256] = "";
	const char *list[40];
	size_t n = 0, len = strcspn(arg, "="), used = 0, prefixed = 0;

	snprintf(want, sizeof want, "%.*s", (int)(len < sizeof want ? len : sizeof want - 1), arg);
	for (char *c = want; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (const enum cli_key *k = verb->options; *k && n < 39; k++)
		snprintf(names[n++], sizeof names[0], "--%s", option_name((int)*k));
	snprintf(names[n++], sizeof names[0], "--help");
	for (size_t i = 0; i < n; i++) {
		list[i] = names[i];
		if (strlen(want) > 2 && !strncmp(names[i], want, strlen(want)) && used < sizeof hint)
			used += (size_t)snprintf(hint + used, sizeof hint - used, "%s'%s'",
						 prefixed++ ? " or " : "; did you mean ", names[i]);
	}
	if (prefixed)
		snprintf(hint + used, sizeof hint - used, "?");
	else
		cl_suggest(want, list, n, 2, hint, sizeof hint);
	if (!*hint) { /* none of this verb's is close: another verb's, misspelt? */
		size_t m = 0;

		for (const struct option *o = all_options; o->name && m < 39; o++)
			snprintf(names[m], sizeof names[0], "--%s", o->name), list[m] = names[m], m++;
		cl_suggest(want, list, m, 1, hint, sizeof hint);
		if (*hint) {
			fprintf(stderr, "conclab %s: unknown option '%s'%s (an option of another verb: "
				"`conclab help`)\n", verb->name, arg, hint);
			return;
		}
	}
	fprintf(stderr, "conclab %s: unknown option '%s'%s (see `conclab %s --help`)\n", verb->name,
		arg, *hint ? hint : "", verb->name);
}

/* Every option, exactly as written, before any is applied: a refusal costs
 * nothing. getopt_long would take any unambiguous abbreviation, of another
 * verb's options too, and take the next word as a value even when it is an
 * option; here a name is whole, a value is given, and a flag takes none.
 * 0, 1 after --help, or -1 with the reason printed. */
static int check_words(const struct cli_verb *verb, int argc, char **argv)
{
	int help = 0;

	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *eq;
		const struct option *o;

		if (!strcmp(w, "--"))
			break;
		if (!strcmp(w, "-h") || !strcmp(w, "-q")) {
			if (w[1] == 'q' && !takes(verb, K_QUIET))
				return refuse_foreign(verb, K_QUIET), -1;
			help |= w[1] == 'h';
			continue;
		}
		if (w[0] != '-' || !w[1])
			continue; /* an operand */
		if (w[1] != '-')
			return fprintf(stderr, "conclab %s: unknown option '%s' (see `conclab %s --help`)\n",
				       verb->name, w, verb->name), -1;
		eq = strchr(w, '=');
		o = find_option(w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2));
		if (!o)
			return refuse_unknown(verb, w), -1;
		if (!takes(verb, o->val))
			return refuse_foreign(verb, o->val), -1;
		if (o->has_arg == no_argument && eq)
			return fprintf(stderr, "conclab %s: --%s takes no value\n", verb->name, o->name), -1;
		if (o->has_arg == no_argument) {
			help |= o->val == K_HELP;
			continue;
		}
		const char *value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;

		if (!value || !*value)
			return fprintf(stderr, "conclab %s: --%s wants a value\n", verb->name, o->name), -1;
		if (!eq && value[0] == '-' && value[1] == '-' &&
		    find_option(value + 2, strcspn(value + 2, "=")))
			return fprintf(stderr, "conclab %s: --%s wants a value, not the option '%s'\n",
				       verb->name, o->name, value), -1;
	}
	return help;
}

void cli_add_plugin_dir(struct cli *cli, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		fprintf(stderr, "conclab: warning: --plugin-path %s: %s\n", dir,
			stat(dir, &st) ? "no such folder" : "not a folder");
	cli->plugin_dirs = cl_xrealloc(cli->plugin_dirs, (cli->nplugin_dirs + 1) * sizeof(char *));
	cli->plugin_dirs[cli->nplugin_dirs++] = (char *)dir;
}

static int bad_value(const struct cli_verb *verb, int key, const char *want, const char *got)
{
	fprintf(stderr, "conclab %s: --%s wants %s, got '%s'\n", verb->name, option_name(key), want, got);
	return -1;
}

/* Set the option's field; 0, or -1 after saying why the value is bad. */
static int apply(const struct cli_verb *verb, struct cli *cli, int key, const char *arg)
{
	char *end;
	double d;

	switch (key) {
	case K_JSON: cli->json = arg; break;
	case K_CSV: cli->csv = arg; break;
	case K_JOURNAL: cli->journal = arg; break;
	case K_RESUME: cli->resume = arg; break;
	case K_QUIET: cli->quiet = true; break;
	case K_SORT: cli->sort = true; break;
	case K_VS: cli->vs = arg; break;
	case K_MARKDOWN: cli->markdown = true; break;
	case K_SVG: cli->svg = arg; break;
	case K_SWEEP_SVG: cli->sweep_svg = arg; break;
	case K_FAIR_SVG: cli->fair_svg = arg; break;
	case K_TIMELINE_SVG: cli->timeline_svg = arg; break;
	case K_HTML: cli->html = arg; break;
	case K_SEED_TABLE: cli->seed_table = true; break;
	case K_FAIL_ON_REGRESSION: cli->fail_on_regression = true; break;
	case K_FORCE: cli->force = true; break;
	case K_WIDE: cli->wide = true; break;
	case K_TABLE: cli->table = true; break;
	case K_ORDER:
		if (strcmp(arg, "random") && strcmp(arg, "sequential"))
			return bad_value(verb, key, "random or sequential", arg);
		cli->order = arg;
		cli->sequential = !strcmp(arg, "sequential");
		break;
	case K_SEED: {
		unsigned long long v = strtoull(arg, &end, 10);

		if (*end || end == arg || arg[0] == '-' || v >= 1ull << 53)
			return bad_value(verb, key, "a whole number below 2^53", arg);
		cli->seed = v;
		cli->seed_given = true;
		break;
	}
	case K_COLUMNS: cli->columns = arg; break;
	case K_PLUGIN_PATH: cli_add_plugin_dir(cli, arg); break;
	case K_PORT:
		cli->port = (int)strtol(arg, &end, 10);
		cli->port_given = true;
		if (*end || end == arg || cli->port < 0 || cli->port > 65535)
			return bad_value(verb, key, "0..65535 (0: one the kernel picks)", arg);
		break;
	case K_THREADS:
		cli->threads = (int)strtol(arg, &end, 10);
		if (*end || end == arg || cli->threads < 1 || cli->threads > 256)
			return bad_value(verb, key, "1..256", arg);
		break;
	case K_LISTEN:
		cli->listen = arg;
		break;
	case K_HEADER_TIMEOUT:
	case K_IDLE_TIMEOUT:
		d = strtod(arg, &end);
		if (*end || end == arg || !(d == 0 || (d >= 0.001 && d <= 86400)))
			return bad_value(verb, key, "0 (none) or 0.001..86400 seconds", arg);
		if (key == K_HEADER_TIMEOUT)
			cli->header_timeout_ms = (unsigned)(d * 1000), cli->header_timeout_given = true;
		else
			cli->idle_timeout_ms = (unsigned)(d * 1000), cli->idle_timeout_given = true;
		break;
	case K_MAX_CONNECTIONS:
		cli->max_connections = strtol(arg, &end, 10);
		if (*end || end == arg || cli->max_connections < 1 || cli->max_connections > 100000000)
			return bad_value(verb, key, "1..100000000", arg);
		break;
	case K_REPEAT:
		cli->repeat = strtoll(arg, &end, 10);
		if (*end || end == arg || cli->repeat < 1 || cli->repeat > 10000)
			return bad_value(verb, key, "1..10000", arg);
		break;
	case K_TIMEOUT:
		d = strtod(arg, &end);
		if (*end || end == arg || !(d >= 0.001 && d <= 86400))
			return bad_value(verb, key, "0.001..86400 seconds", arg);
		cli->timeout_ms = (int64_t)(d * 1000);
		break;
	case K_CV_THRESHOLD:
		cli->cv_threshold = strtod(arg, &end) / 100;
		if (*end || end == arg || !(cli->cv_threshold > 0 && cli->cv_threshold < 10))
			return bad_value(verb, key, "a percentage above 0", arg);
		break;
	case K_ALPHA:
		cli->alpha = strtod(arg, &end);
		if (*end || end == arg || !(cli->alpha > 0 && cli->alpha < 1))
			return bad_value(verb, key, "a number between 0 and 1", arg);
		break;
	case K_THRESHOLD:
		cli->threshold = strtod(arg, &end) / 100;
		if (*end || end == arg || !(cli->threshold >= 0 && cli->threshold < 100))
			return bad_value(verb, key, "a percentage", arg);
		break;
	}
	return 0;
}

/* -h and -q are --help and --quiet. */
static int short_key(int ch)
{
	return ch == 'h' ? K_HELP : ch == 'q' ? K_QUIET : ch;
}

int cli_parse(const struct cli_verb *verb, struct cli *cli, int argc, char **argv)
{
	int ch, help = check_words(verb, argc, argv);

	if (help < 0)
		return -1;
	if (help) {
		fputs(verb->usage, stdout);
		return -2;
	}
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hq", all_options, NULL)) != -1)
		if (apply(verb, cli, short_key(ch), optarg))
			return -1;
	/* getopt_long moved the operands to the end, in order */
	int n = argc - optind;

	memmove(argv + 1, argv + optind, (size_t)n * sizeof *argv);
	return n;
}
