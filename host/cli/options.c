/* One table of every option, parsed with getopt_long; each verb's own list
 * decides which it takes. */
#define _GNU_SOURCE
#include "options.h"
#include "suggest.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum cli_value {
	V_FLAG,    /* a bool, set when given                          */
	V_TEXT,    /* a const char *                                  */
	V_DIRS,    /* a plugin folder, added to the list (repeatable) */
	V_CHOICE,  /* a const char *, one of `complete`'s words       */
	V_INT,     /* an int64_t, a whole number in [min, max]        */
	V_REAL,    /* a double, scale x a number in (min, max) or
		    * [min, max] as `bounds` says                     */
	V_SECONDS, /* an int64_t of milliseconds, given in seconds     */
};

enum { LO_OPEN = 1, HI_OPEN = 2, ZERO_TOO = 4 }; /* bounds of V_REAL, V_SECONDS */

#define AT(field) offsetof(struct cli, field)
#define NOT_TRACKED ((size_t)-1)

/* One row per option: everything conclab knows about it. */
static const struct cli_option {
	const char    *name;
	enum cli_key   key;
	const char    *arg;      /* its value as help names it; NULL: a flag  */
	enum cli_value value;
	size_t         at;       /* where it is stored in struct cli          */
	size_t         given_at; /* a bool set when it is given, or NOT_TRACKED */
	double         min, max, scale;
	unsigned       bounds;
	const char    *want;     /* "--NAME wants WANT" when the value is bad */
	const char    *complete; /* bash: "file", "dir", the words, or ""     */
	const char    *help;
} options[] = {
	{ "json", K_JSON, "OUT", V_TEXT, AT(json), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "also write the results as JSON (docs/results-schema.md)" },
	{ "csv", K_CSV, "OUT", V_TEXT, AT(csv), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "also write one CSV row per trial" },
	{ "journal", K_JOURNAL, "FILE", V_TEXT, AT(journal), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "append each finished trial to FILE (default: OUT.journal of --json, else of --csv; none "
	  "without either); removed once the results are written" },
	{ "resume", K_RESUME, "JOURNAL", V_TEXT, AT(resume), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "continue a run that was stopped (SIGINT, SIGTERM, a crash) where it stopped, with the "
	  "options it was started with; it writes the journal's outputs only when they are beside "
	  "the journal (else name them again: --json, --csv)" },
	{ "repeat", K_REPEAT, "N", V_INT, AT(repeat), NOT_TRACKED, 1, 10000, 1, 0, "1..10000", "",
	  "override the config's repeat" },
	{ "timeout", K_TIMEOUT, "SEC", V_SECONDS, AT(timeout_ms), NOT_TRACKED, 0.001, 86400, 1000, 0,
	  "0.001..86400 seconds", "", "override the config's per-trial timeout" },
	{ "quiet", K_QUIET, NULL, V_FLAG, AT(quiet), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "no progress on stderr (on a terminal a line redrawn in place; to a file or a pipe, a "
	  "line every 5 s)" },
	{ "sort", K_SORT, NULL, V_FLAG, AT(sort), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "order the table by its figure (median ops/s of a timed cell, wall time of others), "
	  "best first" },
	{ "vs", K_VS, "CELL", V_TEXT, AT(vs), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "compare every cell with CELL: an exact label, or a pattern (fnmatch: 'async+*', "
	  "'io: *+mutex'), checked before the run: \"A is 3.1x (2.9-3.3) faster than CELL\", with "
	  "a Mann-Whitney p" },
	{ "cv-threshold", K_CV_THRESHOLD, "PCT", V_REAL, AT(cv_threshold), NOT_TRACKED, 0, 1000, 0.01,
	  LO_OPEN | HI_OPEN, "a percentage above 0", "",
	  "mark cells whose coefficient of variation is above PCT (default 5) as noisy" },
	{ "plugin-path", K_PLUGIN_PATH, "DIR", V_DIRS, 0, NOT_TRACKED, 0, 0, 0, 0, NULL, "dir",
	  "search DIR for plugins first (repeatable)" },
	{ "help", K_HELP, NULL, V_FLAG, 0, NOT_TRACKED, 0, 0, 0, 0, NULL, "", "this text" },
	{ "markdown", K_MARKDOWN, NULL, V_FLAG, AT(markdown), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "the cells as a Markdown table on stdout (the default)" },
	{ "svg", K_SVG, "OUT", V_TEXT, AT(svg), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "a bar chart of every cell's figure, its median and min-max: ops/s for a timed cell "
	  "(higher is better), else wall time (lower is better); a panel per group, coloured by "
	  "sync, a cell with failed trials hatched" },
	{ "sweep-svg", K_SWEEP_SVG, "OUT", V_TEXT, AT(sweep_svg), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "a line chart of the median against the first swept setting (operations a second for a "
	  "duration step)" },
	{ "fair-svg", K_FAIR_SVG, "OUT", V_TEXT, AT(fair_svg), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "duration steps: fairness (Jain's index) against that setting" },
	{ "timeline-svg", K_TIMELINE_SVG, "OUT", V_TEXT, AT(timeline_svg), NOT_TRACKED, 0, 0, 0, 0, NULL,
	  "file", "duration steps with sample_ms: throughput over time" },
	{ "html", K_HTML, "OUT", V_TEXT, AT(html), NOT_TRACKED, 0, 0, 0, 0, NULL, "file",
	  "one self-contained page: charts, tables, config and machine" },
	{ "seed-table", K_SEED_TABLE, NULL, V_FLAG, AT(seed_table), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "the seed tutorial's table (threading / multiprocessing / asynchronous) from "
	  "measurements, on stdout and in the page; needs the results of configs/seed-table.cfg" },
	{ "alpha", K_ALPHA, "A", V_REAL, AT(alpha), NOT_TRACKED, 0, 1, 1, LO_OPEN | HI_OPEN,
	  "a number between 0 and 1", "",
	  "a difference is significant when the test's p is below A (default 0.05)" },
	{ "threshold", K_THRESHOLD, "PCT", V_REAL, AT(threshold), NOT_TRACKED, 0, 10000, 0.01, HI_OPEN,
	  "a percentage", "",
	  "a significant difference must also be a change of at least PCT percent (default 10)" },
	{ "fail-on-regression", K_FAIL_ON_REGRESSION, NULL, V_FLAG, AT(fail_on_regression), NOT_TRACKED,
	  0, 0, 0, 0, NULL, "", "exit 1 when a cell got significantly slower or could not be judged "
	  "(inconclusive, unreliable)" },
	{ "force", K_FORCE, NULL, V_FLAG, AT(force), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "compare results of different experiments (another name or config) anyway; every row "
	  "then says so" },
	{ "wide", K_WIDE, NULL, V_FLAG, AT(wide), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "every column: also the interval and its coverage, CPU, memory, context switches, "
	  "resp-p50, the speedup's interval and a timed cell's wall (on a terminal the default set "
	  "is fitted to its width, labels shortened with a legend; piped, it is whole)" },
	{ "table", K_TABLE, NULL, V_FLAG, AT(table), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "the table `conclab run` printed, and its summary, on stdout" },
	{ "order", K_ORDER, "ORDER", V_CHOICE, AT(order), NOT_TRACKED, 0, 0, 0, 0,
	  "random or sequential", "random sequential",
	  "random (the default): the trials of every cell interleaved in a seeded random order, so "
	  "a drift of the machine spreads over every cell; sequential: cell by cell" },
	{ "seed", K_SEED, "N", V_INT, AT(seed), AT(seed_given), 0, 9007199254740991.0, 1, 0,
	  "a whole number below 2^53", "",
	  "the random order's seed (default: a new one; the results and the journal record it, "
	  "and --resume keeps it)" },
	{ "columns", K_COLUMNS, "LIST", V_TEXT, AT(columns), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "these columns, comma-separated: ok, wall, interval, coverage (the interval's), cv, cpu, "
	  "cores, rss (the whole trial's), rss-max (its largest process), pss (the whole trial's, "
	  "shared pages split), vcsw, ivcsw, resp-p50, resp-p99, speedup, speedup-ci, counter, "
	  "notes; for a timed step (duration_ms) ops (ops/s), ops-interval, fair (Jain's index), "
	  "task-ops" },
	{ "port", K_PORT, "N", V_INT, AT(port), AT(port_given), 0, 65535, 1, 0,
	  "0..65535 (0: one the kernel picks)", "",
	  "the port (default 8080; 0: one the kernel picks, printed)" },
	{ "listen", K_LISTEN, "ADDR", V_TEXT, AT(listen), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "the IPv4 address (default 127.0.0.1)" },
	{ "threads", K_THREADS, "N", V_INT, AT(threads), NOT_TRACKED, 1, 256, 1, 0, "1..256", "",
	  "event loops, each accepting on the socket (default 1)" },
	{ "header-timeout", K_HEADER_TIMEOUT, "S", V_SECONDS, AT(header_timeout_ms),
	  AT(header_timeout_given), 0.001, 86400, 1000, ZERO_TOO, "0 (none) or 0.001..86400 seconds",
	  "", "a request's header must be whole S seconds after its first byte, or the connection "
	  "is closed (default 10; 0: the idle timeout instead)" },
	{ "idle-timeout", K_IDLE_TIMEOUT, "S", V_SECONDS, AT(idle_timeout_ms), AT(idle_timeout_given),
	  0.001, 86400, 1000, ZERO_TOO, "0 (none) or 0.001..86400 seconds", "",
	  "a connection that waits S seconds for a request, or whose client reads nothing of an "
	  "answer for S seconds, is closed (default 60; 0: never)" },
	{ "quick", K_QUICK, NULL, V_FLAG, AT(quick), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "seconds, not a minute: fewer operations, tasks and repeats (CI runs this on every "
	  "shipped plugin)" },
	{ "long", K_LONG, NULL, V_FLAG, AT(long_run), NOT_TRACKED, 0, 0, 0, 0, NULL, "",
	  "ten times the operations and a longer window: for a lock you mean to ship" },
	{ "max-connections", K_MAX_CONNECTIONS, "N", V_INT, AT(max_connections), NOT_TRACKED, 1,
	  100000000, 1, 0, "1..100000000", "",
	  "connections open at once; more are answered 503 and closed, with a line on stderr "
	  "(default: the descriptors this process may open, less 64)" },
};

#define NOPTIONS (sizeof options / sizeof *options)

static const struct cli_option *option_of(int key)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if ((int)options[i].key == key)
			return &options[i];
	return NULL;
}

static const char *option_name(int key)
{
	const struct cli_option *o = option_of(key);

	return o ? o->name : "?";
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
void cli_refuse_foreign(const struct cli_verb *verb, int key)
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

static const struct cli_option *find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
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

		for (size_t i = 0; i < NOPTIONS && m < 39; i++)
			snprintf(names[m], sizeof names[0], "--%s", options[i].name), list[m] = names[m], m++;
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
		const struct cli_option *o;

		if (!strcmp(w, "--"))
			break;
		if (!strcmp(w, "-h") || !strcmp(w, "-q")) {
			if (w[1] == 'q' && !takes(verb, K_QUIET))
				return cli_refuse_foreign(verb, K_QUIET), -1;
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
		if (!takes(verb, o->key))
			return cli_refuse_foreign(verb, o->key), -1;
		if (!o->arg && eq)
			return fprintf(stderr, "conclab %s: --%s takes no value\n", verb->name, o->name), -1;
		if (!o->arg) {
			help |= o->key == K_HELP;
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

static int bad_value(const struct cli_verb *verb, const struct cli_option *o, const char *got)
{
	fprintf(stderr, "conclab %s: --%s wants %s, got '%s'\n", verb->name, o->name, o->want, got);
	return -1;
}

static bool in_bounds(const struct cli_option *o, double d)
{
	if ((o->bounds & ZERO_TOO) && d == 0)
		return true;
	return ((o->bounds & LO_OPEN) ? d > o->min : d >= o->min) &&
	       ((o->bounds & HI_OPEN) ? d < o->max : d <= o->max);
}

/* Store the option's value where its row says; 0, or -1 after saying why
 * the value is bad. */
static int apply(const struct cli_verb *verb, struct cli *cli, const struct cli_option *o,
		 const char *arg)
{
	char *field = (char *)cli + o->at, *end;
	double d;

	switch (o->value) {
	case V_FLAG:
		*(bool *)field = true;
		break;
	case V_TEXT:
		*(const char **)field = arg;
		break;
	case V_DIRS:
		cli_add_plugin_dir(cli, arg);
		break;
	case V_CHOICE: {
		size_t len = strlen(arg);
		const char *w = strstr(o->complete, arg);

		/* one of the words, whole */
		if (!len || !w || (w > o->complete && w[-1] != ' ') || (w[len] && w[len] != ' '))
			return bad_value(verb, o, arg);
		*(const char **)field = arg;
		break;
	}
	case V_INT: {
		long long v;

		errno = 0;
		v = strtoll(arg, &end, 10);
		if (*end || end == arg || errno || (arg[0] == '-' && o->min >= 0) || v < o->min || v > o->max)
			return bad_value(verb, o, arg);
		*(int64_t *)field = v;
		break;
	}
	case V_REAL:
	case V_SECONDS:
		d = strtod(arg, &end);
		if (*end || end == arg || !in_bounds(o, d))
			return bad_value(verb, o, arg);
		if (o->value == V_REAL)
			*(double *)field = d * o->scale;
		else
			*(int64_t *)field = (int64_t)(d * o->scale);
		break;
	}
	if (o->given_at != NOT_TRACKED)
		*((bool *)((char *)cli + o->given_at)) = true;
	return 0;
}

/* -h and -q are --help and --quiet. */
static int short_key(int ch)
{
	return ch == 'h' ? K_HELP : ch == 'q' ? K_QUIET : ch;
}

int cli_parse(const struct cli_verb *verb, struct cli *cli, int argc, char **argv)
{
	static struct option longs[NOPTIONS + 1];
	int ch, help = check_words(verb, argc, argv);

	if (help < 0)
		return -1;
	if (help) {
		cli_usage(stdout, verb);
		return -2;
	}
	for (size_t i = 0; i < NOPTIONS; i++)
		longs[i] = (struct option){ options[i].name, options[i].arg ? required_argument : no_argument,
					    NULL, (int)options[i].key };
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hq", longs, NULL)) != -1) {
		const struct cli_option *o = option_of(short_key(ch));

		if (o && o->key != K_HELP && apply(verb, cli, o, optarg))
			return -1;
	}
	/* getopt_long moved the operands to the end, in order */
	int n = argc - optind;

	memmove(argv + 1, argv + optind, (size_t)n * sizeof *argv);
	return n;
}

#define HELP_WIDTH 80
#define HELP_COLUMN 19 /* where an option's help starts */

#define KEEP '\x1f' /* a space no line breaks at: "[--json OUT]" stays whole */

/* Words of text from column `at` (the cursor's), broken before HELP_WIDTH,
 * each further line indented to `indent`. */
static void wrap(FILE *out, const char *text, int at, int indent)
{
	while (*text) {
		size_t len = strcspn(text, " ");

		if (at > indent && at + 1 + (int)len > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			at = indent;
		} else if (at > indent) {
			fputc(' ', out);
			at++;
		}
		for (size_t i = 0; i < len; i++)
			fputc(text[i] == KEEP ? ' ' : text[i], out);
		at += (int)len;
		text += len;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

void cli_usage(FILE *out, const struct cli_verb *verb)
{
	char synopsis[1024], head[64];
	size_t used = 0;

	snprintf(head, sizeof head, "usage: conclab %s%s%s", verb->name, *verb->operands ? " " : "",
		 verb->operands);
	for (const enum cli_key *k = verb->options; *k; k++) {
		const struct cli_option *o = option_of((int)*k);

		used += (size_t)snprintf(synopsis + used, sizeof synopsis - used, "%s[--%s%s%s]%s",
					 used ? " " : "", o->name, o->arg ? "\x1f" : "", o->arg ? o->arg : "",
					 o->value == V_DIRS ? "..." : "");
		if (used >= sizeof synopsis)
			break;
	}
	fputs(head, out);
	if (used)
		fputc(' ', out), wrap(out, synopsis, (int)strlen(head) + 1, (int)strlen(head) + 1);
	else
		fputc('\n', out);
	if (verb->also)
		fprintf(out, "       %s\n", verb->also);
	fprintf(out, "\n");
	fputs(verb->about, out);
	if (*verb->options)
		fputc('\n', out);
	for (const enum cli_key *k = verb->options; *k; k++) {
		const struct cli_option *o = option_of((int)*k);
		int at = fprintf(out, "  --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

		if (at + 2 > HELP_COLUMN)
			fputc(' ', out), at++; /* and wrap's own space */
		else
			at += fprintf(out, "%*s", HELP_COLUMN - at, "");
		wrap(out, o->help, at, HELP_COLUMN);
	}
	if (verb->after) {
		fputc('\n', out);
		fputs(verb->after, out);
	}
}

void cli_list_options(FILE *out)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct cli_option *o = &options[i];
		size_t said = 0;

		fprintf(out, "--%s\t%s\t%s\t", o->name, o->arg ? o->arg : "",
			*o->complete ? o->complete : "none");
		for (size_t v = 0; v < cli_nverbs; v++)
			if (takes(&cli_verbs[v], o->key))
				fprintf(out, "%s%s", said++ ? "," : "", cli_verbs[v].name);
		fprintf(out, "\t%s\n", o->help);
	}
}
