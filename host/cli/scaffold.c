/* `conclab new strategy|sync NAME`: a plugin folder that builds against the
 * SDK (find_package(conclab)) and runs as it is, the way `cargo new` leaves
 * a project that builds. The templates are the smallest honest plugins of
 * each kind: a pool of threads claiming tasks, and a test-and-test-and-set
 * lock that reports a failed init in words. */
#define _GNU_SOURCE
#include "build_info.h"
#include "scaffold.h"
#include "paths.h"

#include <conclab/plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char strategy_c[] =
	"/* @NAME@: a conclab strategy plugin (`conclab new strategy @NAME@`).\n"
	" * A pool of `workers` threads, each claiming the next task until none is\n"
	" * left. Change run() to schedule the tasks your way; `conclab info @NAME@`\n"
	" * shows what the descriptor below declares. */\n"
	"#include <conclab/plugin.h>\n"
	"\n"
	"#include <errno.h>\n"
	"#include <pthread.h>\n"
	"#include <stdlib.h>\n"
	"\n"
	"enum { P_WORKERS, P_COUNT };\n"
	"\n"
	"static const struct cl_param_decl @ID@_params[] = {\n"
	"\t[P_WORKERS] = { \"workers\", CL_PARAM_INT, 2, 1, 1024, \"threads claiming tasks\" },\n"
	"\t[P_COUNT] = { 0 },\n"
	"};\n"
	"CL_PARAMS_CHECK(@ID@_params, P_COUNT);\n"
	"\n"
	"static void *@ID@_worker(void *trial)\n"
	"{\n"
	"\tstruct cl_task *task;\n"
	"\n"
	"\tif (cl_trial_barrier_wait(trial) == 0)\n"
	"\t\twhile ((task = cl_trial_claim(trial)))\n"
	"\t\t\tcl_task_run(task);\n"
	"\treturn NULL;\n"
	"}\n"
	"\n"
	"static int @ID@_run(struct cl_trial *t, const int64_t *params)\n"
	"{\n"
	"\tsize_t n = (size_t)params[P_WORKERS], started = 0;\n"
	"\tpthread_t *threads = calloc(n, sizeof *threads);\n"
	"\tint err = 0;\n"
	"\n"
	"\tif (!threads)\n"
	"\t\treturn cl_trial_fail(t, ENOMEM, \"@NAME@: %zu threads\", n);\n"
	"\tcl_trial_barrier_arm(t, (unsigned)n);\n"
	"\tfor (; started < n; started++)\n"
	"\t\tif ((err = pthread_create(&threads[started], NULL, @ID@_worker, t))) {\n"
	"\t\t\tcl_trial_barrier_cancel(t);\n"
	"\t\t\tbreak;\n"
	"\t\t}\n"
	"\tfor (size_t i = 0; i < started; i++)\n"
	"\t\tpthread_join(threads[i], NULL);\n"
	"\tfree(threads);\n"
	"\treturn err ? cl_trial_fail(t, err, \"@NAME@: pthread_create\") : 0;\n"
	"}\n"
	"\n"
	"static const struct cl_strategy_ops @ID@_ops = { .run = @ID@_run };\n"
	"\n"
	"CL_PLUGIN(.kind = CL_PLUGIN_STRATEGY, .name = \"@NAME@\", .version = \"0.1\",\n"
	"\t  .summary = \"a pool of threads claiming tasks\", .params = @ID@_params,\n"
	"\t  .ops.strategy = &@ID@_ops);\n";

static const char sync_c[] =
	"/* @NAME@: a conclab sync plugin (`conclab new sync @NAME@`).\n"
	" * A test-and-test-and-set spinlock on a C11 atomic: spin reading until the\n"
	" * lock looks free, then try to take it. It works across threads and forked\n"
	" * processes alike, since its state lives in the memory the host shares.\n"
	" * Change lock() and unlock() to try your own; `conclab info @NAME@`\n"
	" * shows what the descriptor below declares. */\n"
	"#include <conclab/plugin.h>\n"
	"\n"
	"#include <errno.h>\n"
	"#include <stdatomic.h>\n"
	"\n"
	"struct @ID@_lock {\n"
	"\tatomic_int held;\n"
	"};\n"
	"\n"
	"static int @ID@_init(void *shared, const struct cl_sync_setup *setup)\n"
	"{\n"
	"\tstruct @ID@_lock *l = shared;\n"
	"\n"
	"\tif (!atomic_is_lock_free(&l->held))\n"
	"\t\treturn cl_trial_fail(setup->trial, ENOTSUP, \"@NAME@: atomic_int is not lock-free\");\n"
	"\tatomic_init(&l->held, 0);\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"static void @ID@_lock(void *shared, void *local)\n"
	"{\n"
	"\tstruct @ID@_lock *l = shared;\n"
	"\n"
	"\t(void)local;\n"
	"\tfor (;;) {\n"
	"\t\twhile (atomic_load_explicit(&l->held, memory_order_relaxed))\n"
	"\t\t\t;\n"
	"\t\tif (!atomic_exchange_explicit(&l->held, 1, memory_order_acquire))\n"
	"\t\t\treturn;\n"
	"\t}\n"
	"}\n"
	"\n"
	"static void @ID@_unlock(void *shared, void *local)\n"
	"{\n"
	"\t(void)local;\n"
	"\tatomic_store_explicit(&((struct @ID@_lock *)shared)->held, 0, memory_order_release);\n"
	"}\n"
	"\n"
	"static const struct cl_sync_ops @ID@_ops = {\n"
	"\t.shared_size = sizeof(struct @ID@_lock),\n"
	"\t.init = @ID@_init,\n"
	"\t.lock = @ID@_lock,\n"
	"\t.unlock = @ID@_unlock,\n"
	"};\n"
	"\n"
	"CL_PLUGIN(.kind = CL_PLUGIN_SYNC, .name = \"@NAME@\", .version = \"0.1\",\n"
	"\t  .summary = \"a test-and-test-and-set spinlock\", .ops.sync = &@ID@_ops);\n";

static const char cmakelists[] =
	"# @NAME@: a conclab @KIND@ plugin. Build it against an installed conclab:\n"
	"#   cmake -S @NAME@ -B @NAME@/build && cmake --build @NAME@/build\n"
	"# (-DCMAKE_PREFIX_PATH=PREFIX if conclab is installed elsewhere), then\n"
	"#   conclab run @NAME@/@NAME@.cfg --plugin-path @NAME@/build\n"
	"# or `cmake --install @NAME@/build` to put it beside conclab's own plugins.\n"
	"cmake_minimum_required(VERSION 3.18)\n"
	"project(@NAME@ LANGUAGES C)\n"
	"find_package(conclab @VERSION@ REQUIRED@HINTS@)\n"
	"conclab_add_plugin(@NAME@ @NAME@.c)\n";

/* Six trials a cell: enough for `conclab compare` to call a difference
 * (with three, no difference can reach p < 0.05, and every row of a
 * comparison is "inconclusive"); against the exact built-in closest to the
 * plugin, never the racy `none`; tasks swept, as a lock or a pool is
 * judged by how it scales. */
static const char strategy_cfg[] =
	"# @NAME@ beside threads, the built-in pool: tasks of a 20 ms wait and some\n"
	"# CPU work each, at 4, 16 and 64 tasks; every speedup against threads.\n"
	"# Run: conclab run @NAME@/@NAME@.cfg --plugin-path @NAME@/build --json a.json\n"
	"# then again after a change (--json b.json) and: conclab compare a.json b.json\n"
	"name = \"@NAME@\";\n"
	"description = \"the strategy @NAME@ against threads\";\n"
	"repeat = 6;\n"
	"baseline = \"threads\";\n"
	"workload = {\n"
	"  tasks = [4, 16, 64];\n"
	"  steps = ( { op = \"sleep\"; ms = 20; }, { op = \"compute\"; iterations = 100000; } );\n"
	"};\n"
	"strategies = ( \"threads\", \"@NAME@\" );\n"
	"syncs = ( \"none\" );\n";

static const char sync_cfg[] =
	"# @NAME@ beside the built-in locks: 1, 2 and 4 tasks of 200,000 increments\n"
	"# of one shared counter, by threads and by processes; every speedup against\n"
	"# mutex; `none` shows the race.\n"
	"# Run: conclab run @NAME@/@NAME@.cfg --plugin-path @NAME@/build --json a.json\n"
	"# then again after a change (--json b.json) and: conclab compare a.json b.json\n"
	"# Check it first: conclab verify @NAME@ --plugin-path @NAME@/build\n"
	"name = \"@NAME@\";\n"
	"description = \"the lock @NAME@ against none, mutex and spin\";\n"
	"repeat = 6;\n"
	"baseline = \"mutex\";\n"
	"workload = { tasks = [1, 2, 4]; steps = ( { op = \"increment\"; times = 200000; } ); };\n"
	"strategies = ( \"threads\", \"processes\" );\n"
	"syncs = ( \"none\", \"mutex\", \"spin\", \"@NAME@\" );\n";

/* The template with every @KEY@ replaced; malloc'ed. */
static char *expand(const char *tpl, const char *const *keys, const char *const *values)
{
	size_t cap = strlen(tpl) * 2 + 1024, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *p = tpl; *p;) {
		const char *v = NULL;
		size_t klen = 0;

		for (size_t k = 0; *p == '@' && keys[k]; k++)
			if (!strncmp(p, keys[k], klen = strlen(keys[k]))) {
				v = values[k];
				break;
			}
		size_t add = v ? strlen(v) : 1;

		if (len + add + 1 > cap && !(out = realloc(out, cap = (len + add) * 2 + 1)))
			return NULL;
		memcpy(out + len, v ? v : p, add);
		len += add;
		p += v ? klen : 1;
	}
	out[len] = 0;
	return out;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "wx")) || fputs(text, f) == EOF || fclose(f)) {
		fprintf(stderr, "conclab new: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool valid_plugin_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

int cl_scaffold(const char *kind, const char *name)
{
	bool strategy = !strcmp(kind, "strategy");
	char id[80], version[32], hints[4200] = "", cfgname[96];
	const char *prefix = cl_sdk_prefix();
	int rc = 0;

	if (!strategy && strcmp(kind, "sync")) {
		fprintf(stderr, "conclab new: '%s' is no kind of plugin: write `conclab new strategy NAME` "
			"or `conclab new sync NAME`\n", kind);
		return 2;
	}
	if (!valid_plugin_name(name) || name[0] == '-') {
		fprintf(stderr, "conclab new: '%s' cannot name a plugin: 1 to 64 of a-z, 0-9, '_' and "
			"'-', not starting with '-'\n", name);
		return 2;
	}
	const char *own = cl_own_plugin_dir();
	char shipped[4200];
	struct stat st;

	/* names are one namespace for both kinds: a plugin of conclab's own
	 * with this name would be shadowed by (or shadow) the new one */
	if (own && snprintf(shipped, sizeof shipped, "%s/%s.so", own, name) < (int)sizeof shipped &&
	    stat(shipped, &st) == 0) {
		fprintf(stderr, "conclab new: '%s' is the name of a plugin that comes with conclab (%s): "
			"pick another name\n", name, shipped);
		return 2;
	}
	if (mkdir(name, 0777)) {
		fprintf(stderr, "conclab new: cannot create the folder %s: %s%s\n", name, strerror(errno),
			errno == EEXIST ? " (nothing was written; pick another name or remove it)" : "");
		return 2;
	}
	/* a C name: no '-', and a letter first */
	snprintf(id, sizeof id, "%s%s", name[0] >= '0' && name[0] <= '9' ? "p_" : "", name);
	for (char *c = id; *c; c++)
		if (*c == '-')
			*c = '_';
	snprintf(version, sizeof version, "%s", cl_build_version);
	if (prefix) /* find this conclab's SDK first, installed or its build tree */
		snprintf(hints, sizeof hints, " HINTS \"%s\"", prefix);
	snprintf(cfgname, sizeof cfgname, "%s.cfg", name);

	const char *keys[] = { "@NAME@", "@ID@", "@KIND@", "@VERSION@", "@HINTS@", NULL };
	const char *values[] = { name, id, kind, version, hints };
	const char *files[][2] = {
		{ "CMakeLists.txt", cmakelists },
		{ NULL, strategy ? strategy_c : sync_c },
		{ cfgname, strategy ? strategy_cfg : sync_cfg },
	};
	char cname[96];

	snprintf(cname, sizeof cname, "%s.c", name);
	files[1][0] = cname;
	for (size_t i = 0; i < sizeof files / sizeof *files && !rc; i++) {
		char *text = expand(files[i][1], keys, values);

		rc = !text || write_file(name, files[i][0], text) ? 1 : 0;
		free(text);
	}
	if (rc)
		return 1;
	printf("conclab new: wrote %s/ (%s.c, CMakeLists.txt, %s.cfg), a %s plugin\n"
	       "next:\n"
	       "  cmake -S %s -B %s/build && cmake --build %s/build\n"
	       "  conclab verify %s --plugin-path %s/build\n"
	       "  conclab run %s/%s.cfg --plugin-path %s/build\n",
	       name, name, name, kind, name, name, name, name, name, name, name, name);
	return 0;
}
