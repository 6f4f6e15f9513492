/* The plugin registry: the search path, every file on it loaded through the
 * probe (probe.c) once its ELF header is checked (plugin_check.c), what
 * loaded and what did not, found by name, kind or path. */
#define _GNU_SOURCE
#include "loader_internal.h"
#include "paths.h"
#include "printable.h"
#include "suggest.h"
#include "xalloc.h"

#include <dirent.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cl_plugin_kind_name(enum cl_plugin_kind kind)
{
	switch (kind) {
	case CL_PLUGIN_STRATEGY: return "strategy";
	case CL_PLUGIN_SYNC:     return "sync";
	}
	return "unknown";
}

static void add_dir(struct cl_registry *reg, const char *dir)
{
	if (!dir || !*dir)
		return;
	for (size_t i = 0; i < reg->ndirs; i++)
		if (!strcmp(reg->dirs[i], dir))
			return;
	reg->dirs = cl_xrealloc(reg->dirs, (reg->ndirs + 1) * sizeof *reg->dirs);
	reg->dirs[reg->ndirs++] = cl_xstrdup(dir);
}

void cl_registry_init(struct cl_registry *reg, char *const *extra, size_t nextra)
{
	const char *env = getenv("CONCLAB_PLUGIN_PATH");

	memset(reg, 0, sizeof *reg);
	for (size_t i = 0; i < nextra; i++)
		add_dir(reg, extra[i]);
	if (env) {
		char *copy = cl_xstrdup(env), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			add_dir(reg, d);
		free(copy);
	}
	/* conclab's own: the build tree's only for a binary run from it */
	add_dir(reg, cl_own_plugin_dir());
}

static void add_problem(struct cl_registry *reg, const char *path, const char *reason)
{
	reg->problems = cl_xrealloc(reg->problems, (reg->nproblems + 1) * sizeof *reg->problems);
	reg->problems[reg->nproblems].path = cl_printable_str(cl_xstrdup(path), false);
	reg->problems[reg->nproblems].reason = cl_printable_str(cl_xstrdup(reason), false);
	reg->nproblems++;
}


static struct cl_loaded_plugin *find_any_kind(const struct cl_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nplugins; i++)
		if (!strcmp(reg->plugins[i]->desc->name, name))
			return reg->plugins[i];
	return NULL;
}

static const struct cl_loaded_plugin *add_file(struct cl_registry *reg, const char *path,
					       char *err, size_t errlen)
{
	struct cl_loaded_plugin p, *twin;
	char *real = realpath(path, NULL);

	for (size_t i = 0; real && i < reg->nplugins; i++) {
		if (!strcmp(reg->plugins[i]->path, real)) {
			free(real);
			return reg->plugins[i];
		}
	}
	char shown[4096];

	snprintf(shown, sizeof shown, "%s", real ? real : path);
	/* every view prints the path: one a terminal would act on is refused */
	if (cl_printable(shown, strlen(shown), false), strcmp(shown, real ? real : path)) {
		snprintf(err, errlen, "its path holds control characters: rename it");
		free(real);
		return NULL;
	}
	if (cll_check_elf(path, err, errlen) || cll_probe(path, &p, err, errlen)) {
		free(real);
		return NULL;
	}
	p.path = real ? real : cl_xstrdup(path);
	twin = find_any_kind(reg, p.desc->name);
	if (twin) {
		snprintf(err, errlen, "duplicate plugin '%s': %s comes first on the path and wins, "
			 "this one is shadowed (rename one plugin, or drop a folder from the path)",
			 p.desc->name, twin->path);
		cll_free_copy(&p);
		return NULL;
	}
	reg->plugins = cl_xrealloc(reg->plugins, (reg->nplugins + 1) * sizeof *reg->plugins);
	reg->plugins[reg->nplugins] = cl_xmalloc(sizeof p);
	*reg->plugins[reg->nplugins] = p;
	/* the copy points into itself: point it at where it now lives */
	struct cl_loaded_plugin *q = reg->plugins[reg->nplugins];

	q->desc = &q->copy;
	if (q->copy.kind == CL_PLUGIN_STRATEGY)
		q->copy.ops.strategy = &q->strategy_ops;
	else
		q->copy.ops.sync = &q->sync_ops;
	return reg->plugins[reg->nplugins++];
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(struct cl_registry *reg, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return; /* a missing folder on the path is normal (no install yet) */
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 3 && !strcmp(e->d_name + len - 3, ".so")) {
			names = cl_xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = cl_xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name); /* same order on every machine */
	for (size_t i = 0; i < n; i++) {
		char path[4096], err[1024];

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (!add_file(reg, path, err, sizeof err))
			add_problem(reg, path, err);
		free(names[i]);
	}
	free(names);
}

void cl_registry_scan(struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->ndirs; i++)
		scan_dir(reg, reg->dirs[i]);
}

const struct cl_loaded_plugin *cl_registry_load_path(struct cl_registry *reg, const char *path,
						     char *err, size_t errlen)
{
	char why[1024];
	const struct cl_loaded_plugin *p = add_file(reg, path, why, sizeof why);

	if (!p)
		snprintf(err, errlen, "%s: %s", path, why);
	return p;
}

const struct cl_loaded_plugin *cl_registry_find(const struct cl_registry *reg, const char *name,
						enum cl_plugin_kind kind)
{
	const struct cl_loaded_plugin *p = find_any_kind(reg, name);

	return p && p->desc->kind == kind ? p : NULL;
}

const struct cl_loaded_plugin *cl_registry_resolve(struct cl_registry *reg, const char *ref,
						   enum cl_plugin_kind kind, char *err, size_t errlen)
{
	const struct cl_loaded_plugin *p;

	if (strchr(ref, '/'))
		p = cl_registry_load_path(reg, ref, err, errlen);
	else
		p = find_any_kind(reg, ref);
	if (p && p->desc->kind != kind) {
		snprintf(err, errlen, "'%s' is a %s plugin (%s), not a %s", ref,
			 cl_plugin_kind_name(p->desc->kind), p->path, cl_plugin_kind_name(kind));
		return NULL;
	}
	if (p || strchr(ref, '/'))
		return p;
	const char **names = cl_xmalloc((reg->nplugins + 1) * sizeof *names);
	size_t nnames = 0;
	char hint[256];

	for (size_t i = 0; i < reg->nplugins; i++)
		if (reg->plugins[i]->desc->kind == kind)
			names[nnames++] = reg->plugins[i]->desc->name;
	cl_suggest(ref, names, nnames, 2, hint, sizeof hint);
	free(names);
	size_t len = (size_t)snprintf(err, errlen, "unknown %s plugin '%s'%s (searched:",
				      cl_plugin_kind_name(kind), ref, hint);
	for (size_t i = 0; i < reg->ndirs && len < errlen; i++)
		len += (size_t)snprintf(err + len, errlen - len, " %s", reg->dirs[i]);
	if (len < errlen)
		snprintf(err + len, errlen - len, "; `conclab plugins` lists what was found)");
	return NULL;
}

void cl_registry_prune(struct cl_registry *reg,
		       int (*keep)(const struct cl_loaded_plugin *p, void *arg), void *arg)
{
	size_t kept = 0;

	for (size_t i = 0; i < reg->nplugins; i++) {
		struct cl_loaded_plugin *p = reg->plugins[i];

		if (keep(p, arg)) {
			reg->plugins[kept++] = p;
			continue;
		}
		cll_free_copy(p);
		free(p);
	}
	reg->nplugins = kept;
}

void cl_registry_free(struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->nplugins; i++) {
		cll_free_copy(reg->plugins[i]);
		free(reg->plugins[i]);
	}
	for (size_t i = 0; i < reg->nproblems; i++) {
		free(reg->problems[i].path);
		free(reg->problems[i].reason);
	}
	for (size_t i = 0; i < reg->ndirs; i++)
		free(reg->dirs[i]);
	free(reg->plugins);
	free(reg->problems);
	free(reg->dirs);
	memset(reg, 0, sizeof *reg);
}
