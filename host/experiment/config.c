/* Reads an experiment file with libconfig and checks every setting, so a
 * mistake is one message naming file, line and setting, before anything runs.
 * Here the top-level settings and the file as a whole; the parts are read by
 * config_values.c, config_steps.c and config_params.c. */
#define _GNU_SOURCE
#include "config_internal.h"
#include "printable.h"
#include "topology.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1 << 20)

/* limits = { memory_mb = 512; processes = 64; output_mb = 16; }; */
static int read_limits(struct cfg_ctx *c, const config_setting_t *g)
{
	static const char *const keys[] = { "memory_mb", "processes", "output_mb", NULL };
	struct cl_limits *l = &c->x->limits;
	struct number n[3] = {
		{ .what = "limits.memory_mb", .min = 1, .max = INT64_C(1) << 30, .scale = 1, .offset = -1 },
		{ .what = "limits.processes", .min = 1, .max = 1 << 22, .scale = 1, .offset = -1 },
		{ .what = "limits.output_mb", .min = 1, .max = 1 << 20, .scale = 1, .offset = -1 },
	};
	int64_t *out[3] = { &l->memory_mb, &l->processes, &l->output_mb };

	if (!g)
		return 0;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_fail(c, g, "limits", "must be a group: limits = { memory_mb = 512; processes = "
			    "64; output_mb = 16; };");
	if (cfg_only_members(c, g, "limits", keys))
		return -1;
	for (int i = 0; i < 3; i++) {
		const config_setting_t *s = config_setting_get_member(g, keys[i]);

		if (s && cfg_one_value(c, s, &n[i], out[i]))
			return -1;
	}
	return 0;
}

static int read_scalars(struct cfg_ctx *c, const config_setting_t *root)
{
	struct cl_experiment *x = c->x;
	const config_setting_t *s;
	const char *str;
	struct number repeat = { .what = "repeat", .min = 1, .max = 10000, .scale = 1, .offset = -1 };
	struct number warmup = { .what = "warmup", .min = 0, .max = 1000, .scale = 1, .offset = -1 };

	x->repeat = 1;
	x->warmup = 0;
	x->timeout_ms = 600000;
	x->limits.output_mb = CL_DEFAULT_OUTPUT_MB;
	if ((s = config_setting_get_member(root, "name"))) {
		if (!(str = config_setting_get_string(s)) || !*str)
			return cfg_fail(c, s, "name", "must be a non-empty string");
		x->name = cl_printable_str(cl_xstrdup(str), false);
	}
	if ((s = config_setting_get_member(root, "description"))) {
		if (!(str = config_setting_get_string(s)))
			return cfg_fail(c, s, "description", "must be a string");
		x->description = cl_printable_str(cl_xstrdup(str), true);
	}
	if ((s = config_setting_get_member(root, "baseline"))) {
		if (!(str = config_setting_get_string(s)) || !*str)
			return cfg_fail(c, s, "baseline", "must name a cell, e.g. baseline = \"serial\";");
		if (!cfg_printable_name(str))
			return cfg_fail(c, s, "baseline", "printable characters only: no control characters "
				    "(ESC, BEL...)");
		x->baseline = cl_xstrdup(str);
		x->baseline_line = config_setting_source_line(s);
	}
	if ((s = config_setting_get_member(root, "repeat")) && cfg_one_value(c, s, &repeat, &x->repeat))
		return -1;
	if ((s = config_setting_get_member(root, "warmup")) && cfg_one_value(c, s, &warmup, &x->warmup))
		return -1;
	if ((s = config_setting_get_member(root, "timeout"))) {
		double t;

		if (cfg_is_int(s))
			t = (double)config_setting_get_int64(s);
		else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
			t = config_setting_get_float(s);
		else
			return cfg_fail(c, s, "timeout", "must be a number of seconds, got %s",
				    cfg_type_name(config_setting_type(s)));
		if (!(t >= 0.001 && t <= 86400))
			return cfg_fail(c, s, "timeout", "must be between 0.001 and 86400 seconds, got %g", t);
		x->timeout_ms = (int64_t)llround(t * 1000);
	}
	return read_limits(c, config_setting_get_member(root, "limits"));
}

/* target = "http://HOST:PORT/PATH": request steps go to the user's own
 * service. Only its form is checked here (no lookup: a config loads the same
 * on any machine); the host resolves it when a trial starts. */
static int read_target(struct cfg_ctx *c, const config_setting_t *root)
{
	const config_setting_t *s = config_setting_get_member(root, "target");
	const char *url, *host, *colon, *slash;
	char *end;
	long port;

	if (!s)
		return 0;
	if (!(url = config_setting_get_string(s)) || strncmp(url, "http://", 7))
		return cfg_fail(c, s, "target", "must be a string \"http://HOST:PORT/PATH\" (plain HTTP/1.1)");
	host = url + 7;
	colon = strchr(host, ':');
	slash = strchr(host, '/');
	if (!colon || colon == host || (slash && slash < colon) || (size_t)(colon - host) >= 64)
		return cfg_fail(c, s, "target", "\"%s\": want http://HOST:PORT/PATH, HOST of at most 63 "
			    "characters", url);
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || port < 1 || port > 65535 || (*end && *end != '/'))
		return cfg_fail(c, s, "target", "\"%s\": the port must be 1 to 65535", url);
	if (strlen(*end ? end : "/") >= 128)
		return cfg_fail(c, s, "target", "a path of at most 127 characters");
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return cfg_fail(c, s, "target", "\"%s\": no spaces or control characters", url);
	for (size_t i = 0; i < c->x->nworkloads; i++) {
		struct cl_workload *w = &c->x->workloads[i].w;

		for (int64_t k = 0; k < w->nsteps; k++)
			if (w->steps[k].op == CL_OP_REQUEST && w->steps[k].delay_ns)
				return cfg_fail(c, s, "target", "request steps cannot ask the user's service for a "
					    "delay (line %d): delay_ms is for conclab's own server",
					    w->steps[k].line);
		snprintf(w->target_host, sizeof w->target_host, "%.*s", (int)(colon - host), host);
		snprintf(w->target_path, sizeof w->target_path, "%s", *end ? end : "/");
		w->target_port = port;
	}
	return 0;
}

/* Does some workload cross strategy i with sync j? (A workload may take
 * its own subsets: one experiment can then hold mpi with the RMA syncs
 * beside threads with a mutex.) */
static bool crossed(const struct cl_experiment *x, size_t i, size_t j)
{
	for (size_t w = 0; w < x->nworkloads; w++)
		if ((x->workloads[w].strategies >> i & 1) && (x->workloads[w].syncs >> j & 1))
			return true;
	return false;
}

/* Pairs the host cannot run, refused before anything runs. */
static int check_pairs(struct cfg_ctx *c, const config_setting_t *root)
{
	struct cl_experiment *x = c->x;

	for (size_t i = 0; i < x->nstrategies; i++) {
		const struct cl_plugin *st = x->strategies[i].plugin->desc;

		for (size_t j = 0; j < x->nsyncs; j++) {
			const struct cl_plugin *sy = x->syncs[j].plugin->desc;

			if (!crossed(x, i, j))
				continue;
			bool remote_st = st->ops.strategy->flags & CL_STRATEGY_REMOTE;
			bool remote_sy = sy->ops.sync->flags & CL_SYNC_REMOTE;

			if ((st->ops.strategy->flags & CL_STRATEGY_FORKS) &&
			    (sy->ops.sync->flags & CL_SYNC_THREADS_ONLY))
				return cfg_fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "sync '%s' works only inside one process and cannot serve "
					    "strategy '%s', which forks", sy->name, st->name);
			if (remote_sy && !remote_st)
				return cfg_fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "sync '%s' keeps its counter in remote memory (an MPI "
					    "window) that only tasks of a remote strategy reach; strategy "
					    "'%s' runs them here (pair it with mpi, or give '%s' a sync "
					    "of its own machine: mutex, atomic, ...)", sy->name, st->name,
					    st->name);
			if (remote_st && !remote_sy)
				return cfg_fail(c, config_setting_get_member(root, "syncs"), "syncs",
					    "strategy '%s' runs tasks in other address spaces, maybe on "
					    "other hosts, where the memory of sync '%s' is not shared; "
					    "pair it with a sync that keeps its counter remote "
					    "(rma-none, rma-lock, rma-atomic)", st->name, sy->name);
		}
	}
	return 0;
}

/* libconfig wraps an integer literal too large for 64 bits into a wrong
 * value without a word, so the text is checked for such literals first. */
static int check_literals(struct cfg_ctx *c, const char *text)
{
	char name[64] = "experiment";
	int line = 1;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			line++;
		} else if (*p == '"') {
			while (p[1] && p[1] != '"')
				p += 1 + (p[1] == '\\' && p[2]);
			p += !!p[1];
		} else if (*p == '#' || (*p == '/' && p[1] == '/')) {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '/' && p[1] == '*') {
			for (p += 2; *p && !(*p == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			if (!*p)
				break;
			p++;
		} else if (*p == '@') {
			/* libconfig exits the process on an @include of a folder, and
			 * an included file would be missing from the config text the
			 * results record: one file is the whole experiment */
			return snprintf(c->err, c->errlen, "%s:%d: @include: not supported: an experiment "
					"is one file (its text is recorded with the results)", c->path, line), -1;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			size_t n = 0;

			while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-')
				n++;
			snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
			p += n - 1;
		} else if (isdigit((unsigned char)*p)) {
			char *end;

			errno = 0;
			strtoll(p, &end, 0);
			if (errno == ERANGE && *end != '.' && *end != 'e' && *end != 'E') {
				snprintf(c->err, c->errlen, "%s:%d: %s: integer literal out of range "
					 "(more than 64 bits)", c->path, line, name);
				return -1;
			}
			while (isalnum((unsigned char)p[1]) || p[1] == '.')
				p++;
		}
	}
	return 0;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	char *text;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path, MAX_FILE_BYTES);
		fclose(f);
		return NULL;
	}
	text = cl_xmalloc((size_t)st.st_size + 1);
	n = fread(text, 1, (size_t)st.st_size, f);
	text[n] = 0;
	fclose(f);
	return text;
}

int cl_experiment_load(struct cl_experiment *x, const char *path, struct cl_registry *reg,
		       char *err, size_t errlen)
{
	char *text = slurp(path, err, errlen);

	if (!text) {
		memset(x, 0, sizeof *x);
		return -1;
	}
	return cl_experiment_load_text(x, path, text, reg, err, errlen);
}

int cl_experiment_load_text(struct cl_experiment *x, const char *path, char *text,
			    struct cl_registry *reg, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", "description", "repeat", "warmup", "timeout",
					    "limits", "baseline", "workload", "workloads", "strategies", "syncs",
					    "params", "target", NULL };
	struct cfg_ctx c = { .x = x, .reg = reg, .path = path, .err = err, .errlen = errlen };
	config_t cfg;
	const config_setting_t *root;
	int rc = -1;

	memset(x, 0, sizeof *x);
	x->path = cl_xstrdup(path);
	x->text = text;
	config_init(&cfg);
	if (check_literals(&c, x->text))
		goto out_destroy;
	if (!config_read_string(&cfg, x->text)) {
		snprintf(err, errlen, "%s:%d: syntax error: %s", path, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto out_destroy;
	}
	root = config_root_setting(&cfg);
	if (cfg_only_members(&c, root, "experiment", keys) || read_scalars(&c, root) ||
	    cfg_read_plugins(&c, root, "strategies", CL_PLUGIN_STRATEGY, x->strategies, &x->nstrategies) ||
	    cfg_read_plugins(&c, root, "syncs", CL_PLUGIN_SYNC, x->syncs, &x->nsyncs) ||
	    cfg_read_workloads(&c, root) || read_target(&c, root) || cfg_read_params(&c, root) ||
	    check_pairs(&c, root))
		goto out_destroy;
	if (!x->name) {
		const char *base = strrchr(path, '/');

		x->name = strndup(base ? base + 1 : path, strcspn(base ? base + 1 : path, "."));
	}
	rc = 0;
out_destroy:
	config_destroy(&cfg);
	return rc;
}

void cl_experiment_free(struct cl_experiment *x)
{
	for (size_t i = 0; i < x->nknobs; i++) {
		for (size_t j = 0; j < x->knobs[i].nvalues; j++)
			free(x->knobs[i].labels[j]);
		free(x->knobs[i].labels);
		free(x->knobs[i].values);
	}
	for (size_t i = 0; i < x->nplace_lists; i++)
		free(x->place_lists[i]);
	for (size_t i = 0; i < CL_MAX_PLUGINS; i++)
		for (size_t k = 0; k < CL_MAX_PARAMS; k++) {
			free(x->strategies[i].texts[k]);
			free(x->syncs[i].texts[k]);
		}
	free(x->path);
	free(x->name);
	free(x->description);
	free(x->baseline);
	free(x->text);
	memset(x, 0, sizeof *x);
}
