/* The command line's options: one table of every option conclab knows (its
 * name, where it is stored, its value's kind and range, its help, how bash
 * completes it), and for each verb the ones it takes. Parsing, each verb's
 * --help, `conclab help options` and bash completion are all made from the
 * table. An option given to a verb that does not take it is refused before
 * any work, naming the verb it belongs to. */
#ifndef CLH_CLI_OPTIONS_H
#define CLH_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_key {
	K_JSON = 256, K_CSV, K_JOURNAL, K_RESUME, K_REPEAT, K_TIMEOUT, K_QUIET, K_SORT, K_VS,
	K_CV_THRESHOLD, K_PLUGIN_PATH, K_HELP, K_MARKDOWN, K_SVG, K_SWEEP_SVG, K_FAIR_SVG, K_TIMELINE_SVG, K_HTML,
	K_SEED_TABLE, K_ALPHA, K_THRESHOLD, K_FAIL_ON_REGRESSION, K_FORCE, K_WIDE, K_COLUMNS, K_TABLE, K_ORDER, K_SEED,
	K_PORT, K_LISTEN, K_THREADS, K_HEADER_TIMEOUT, K_IDLE_TIMEOUT, K_MAX_CONNECTIONS,
	K_QUICK, K_LONG,
};

/* What the options said; each verb reads its own. */
struct cli {
	char  **plugin_dirs;
	size_t  nplugin_dirs;
	const char *json, *csv, *vs, *svg, *sweep_svg, *fair_svg, *timeline_svg, *html, *resume, *journal, *columns;
	bool    table, markdown, seed_table, fail_on_regression, quiet, sort, force, wide;
	bool    quick, long_run; /* verify */
	double  alpha, threshold, cv_threshold;
	int64_t repeat, timeout_ms;
	bool    seed_given;
	int64_t seed;
	const char *order;    /* "random" or "sequential"; NULL: not given */
	int64_t port, threads; /* serve */
	bool    port_given;
	const char *listen;
	int64_t  header_timeout_ms, idle_timeout_ms; /* serve; given: the bools */
	bool     header_timeout_given, idle_timeout_given;
	int64_t  max_connections;
};

struct cli_verb {
	const char *name;
	const char *operands; /* as the usage line names them: "FILE"        */
	const char *also;     /* another usage line, or NULL                 */
	const char *about;    /* what it does, before its options            */
	const char *after;    /* after its options (exit codes...), or NULL  */
	int         min_operands, max_operands;
	const enum cli_key *options; /* the options it takes, ending with 0 */
	int (*run)(struct cli *cli, char **operands, int noperands);
};

/* Every verb, for messages that name the one an option belongs to. */
extern const struct cli_verb cli_verbs[];
extern const size_t cli_nverbs;

/* Add a plugin folder; one that does not exist is a warning naming it. */
void cli_add_plugin_dir(struct cli *cli, const char *dir);

/* Parse argv (argv[0] is the verb) for `verb`: fills cli and moves the
 * operands to the front of argv + 1 in order. Returns how many operands, -1
 * after printing why (an unknown option, one of another verb, a bad value:
 * usage error), or -2 after printing the verb's --help. */
int cli_parse(const struct cli_verb *verb, struct cli *cli, int argc, char **argv);

/* "--html is an option of `conclab report`, not of `conclab run`", on
 * stderr: every verb that takes the option named. */
void cli_refuse_foreign(const struct cli_verb *verb, int key);

/* The verb's help: its usage line (its options from the table), what it
 * does, each option's help, the rest. Fits 80 columns. */
void cli_usage(FILE *out, const struct cli_verb *verb);

/* Every option, one line each, tab-separated: --NAME, its value ("" for a
 * flag), how bash completes the value (file, dir, the words it takes, or
 * none), the verbs that take it (comma-separated), its help. */
void cli_list_options(FILE *out);

#endif
