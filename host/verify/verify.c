/* conclab verify: the machinery every property shares. Each property runs
 * small experiments written as configs, through the same loading, checks
 * and sandbox as `conclab run`, so what it finds is what a run would find,
 * and a failure's config reproduces it. */
#define _GNU_SOURCE
#include "verify_internal.h"
#include "config.h"
#include "sandbox.h"
#include "topology.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool vconfig(char *buf, size_t len, const char *strategy, const char *sync, long tasks,
	     const char *steps, const char *more, double timeout_s)
{
	int n = snprintf(buf, len,
			 "name = \"verify\";\n"
			 "repeat = 1;\n"
			 "warmup = 0;\n"
			 "timeout = %.3f;\n"
			 "workload = { tasks = %ld; steps = ( %s ); };\n"
			 "strategies = ( \"%s\" );\n"
			 "syncs = ( \"%s\" );\n"
			 "%s",
			 timeout_s, tasks, steps, strategy, sync, more);

	return n > 0 && (size_t)n < len;
}

int vrun(struct vctx *v, const char *config, struct cl_trial_result *r, char *err, size_t errlen)
{
	struct cl_experiment x;
	struct cl_cell *cells = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (cl_experiment_load_text(&x, "verify.cfg", cl_xstrdup(config), v->reg, err, errlen))
		goto out;
	if (cl_matrix_expand(&x, &cells, err, errlen) != 1) {
		if (cells)
			snprintf(err, errlen, "the config has more than one cell");
		goto out;
	}
	if (cl_cells_check(&x, cells, 1, err, errlen))
		goto out;
	struct cl_run_opts opts = { .timeout_ms = x.timeout_ms, .keep_tasks = true, .limits = x.limits };

	rc = cl_trial_execute(&cells[0], &opts, r);
	if (rc)
		snprintf(err, errlen, "%s", r->message);
out:
	free(cells);
	cl_experiment_free(&x);
	return rc;
}

#define WIDTH  80
#define INDENT 20 /* where a verdict's words start */

/* "  pass  property    words...", the words wrapped to 80 columns under
 * themselves: a terminal's width, and a log's. */
double vlimit(const struct vctx *v, bool remote)
{
	static const double limit_s[] = { 10, 60, 120 };

	return limit_s[v->level] + (remote ? 30 : 0);
}

static void say(struct vctx *v, const char *mark, const char *property, const char *fmt, va_list ap)
{
	char text[1024];
	int at = fprintf(v->out, "  %-5s %-11s ", mark, property);

	vsnprintf(text, sizeof text, fmt, ap);
	for (const char *w = text; *w;) {
		size_t len = strcspn(w, " ");

		if (at > INDENT && at + 1 + (int)len > WIDTH)
			at = fprintf(v->out, "\n%*s", INDENT, "") - 1;
		else if (at > INDENT)
			at += fprintf(v->out, " ");
		at += fprintf(v->out, "%.*s", (int)len, w);
		w += len;
		w += strspn(w, " ");
	}
	fputc('\n', v->out);
	fflush(v->out);
}

void vverdict(struct vctx *v, enum vmark mark, const char *property, const char *config,
	      const char *fmt, ...)
{
	static const char *const marks[] = { [VPASS] = "pass", [VFAIL] = "FAIL", [VSKIP] = "skip",
					     [VNOTE] = "note" };
	va_list ap;

	va_start(ap, fmt);
	say(v, marks[mark], property, fmt, ap);
	va_end(ap);
	v->passed += mark == VPASS;
	v->failed += mark == VFAIL;
	v->skipped += mark == VSKIP;
	v->noted += mark == VNOTE;
	if (mark == VFAIL && config)
		vshow_config(v, "to see it again, save this as FILE and `conclab run FILE`", config);
}

void vshow_config(struct vctx *v, const char *header, const char *config)
{
	fprintf(v->out, "        %s:\n", header);
	for (const char *line = config; *line;) {
		size_t len = strcspn(line, "\n");

		fprintf(v->out, "          %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

const char *vself(const struct vctx *v)
{
	return v->p->path;
}

bool vhave(const struct vctx *v, const char *name, enum cl_plugin_kind kind)
{
	return cl_registry_find(v->reg, name, kind) != NULL;
}

static const char *const level_names[] = { "quick", "default", "long" };

int cl_verify(struct cl_registry *reg, const struct cl_loaded_plugin *p, enum cl_verify_level level,
	      FILE *out)
{
	struct vctx v = { .reg = reg, .p = p, .level = level, .out = out, .ncpus = cl_topology()->ncpus };
	struct timespec t0, t1;

	if (v.ncpus < 1)
		v.ncpus = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fprintf(out, "conclab verify: %s '%s', %d CPU%s, %s\n  file: %s\n", cl_plugin_kind_name(p->desc->kind),
		p->desc->name, v.ncpus, v.ncpus == 1 ? "" : "s", level_names[level], p->path);
	if (p->desc->kind == CL_PLUGIN_SYNC)
		verify_sync(&v);
	else
		verify_strategy(&v);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(out, "%s: %d passed, %d failed, %d skipped, %d noted (%.1f s)\n", p->desc->name, v.passed,
		v.failed, v.skipped, v.noted, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return v.failed ? 1 : 0;
}
