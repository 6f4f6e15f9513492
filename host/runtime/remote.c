/* Tasks in other address spaces (ABI 1.3, CL_STRATEGY_REMOTE): a trial
 * exported as bytes, opened again where a strategy started a worker of
 * its own (an MPI rank, maybe on another host), and the records of the
 * tasks run there brought back as bytes into the trial the host judges.
 * The bytes travel through the strategy (mpirun's stdin and stdout), so
 * both directions are checked here, not trusted: a magic, a version, the
 * exact length, every index in range, no task reported twice. */
#define _GNU_SOURCE
#include "runtime_private.h" /* first: it sets what is exported */
#include "plugin_abi.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_MAGIC  "CLTRIAL4"
#define RESULTS_MAGIC "CLRESLT3"

struct export_head {
	char     magic[8];
	uint32_t workload_size; /* sizeof(struct cl_workload) of the exporter */
	uint32_t env_size;      /* sizeof(struct clw_trial_env)               */
};

/* What an export carries and a remote trial keeps: the spec and what the
 * host set for the trial, one allocation. */
struct exported {
	struct cl_workload   w;
	struct clw_trial_env env;
};

struct results_head {
	char     magic[8];
	uint32_t nrecords;
	uint32_t failed;       /* cl_trial_fail was called there           */
	int64_t  epoch_ns;     /* its clock at the strategy's named moment   */
	int64_t  window_start; /* a duration step's window there; 0: none    */
	int64_t  window_end;
	uint64_t counter;      /* the sync's counter, when has_counter       */
	uint32_t has_counter;
	uint32_t _pad;
	char     boot_id[40];  /* the kernel's: the same one, the same clock */
	char     message[512];
};

struct results_record {
	uint32_t index;
	uint32_t done;
	int64_t  start_ns, end_ns;
	uint64_t checksum, ops;
};

/* The kernel's boot id: two address spaces with the same one read the same
 * CLOCK_MONOTONIC, and their times need no translation. Read once: the
 * trial process imports one result per rank. */
static const char *boot_id(void)
{
	static char id[40];
	static bool read_once;
	FILE *f;

	if (!read_once && (f = fopen("/proc/sys/kernel/random/boot_id", "r"))) {
		if (!fgets(id, sizeof id, f))
			id[0] = 0;
		id[strcspn(id, "\n")] = 0;
		fclose(f);
	}
	read_once = true;
	return id;
}

size_t cl_trial_export(const struct cl_trial *trial, void *buf, size_t len)
{
	struct export_head head = {
		.workload_size = sizeof(struct cl_workload), .env_size = sizeof(struct clw_trial_env),
	};
	size_t need = sizeof head + sizeof(struct exported);

	if (buf && len >= need) {
		struct exported x = { .w = *trial->workload, .env = *trial->env };

		memcpy(head.magic, EXPORT_MAGIC, 8);
		memcpy(buf, &head, sizeof head);
		memcpy((char *)buf + sizeof head, &x, sizeof x);
	}
	return need;
}

/* The remote trial's sync: loaded from the trial's own file, its ops copied
 * into this runtime's shape as the host's loader does (a table shorter than
 * ours leaves the rest NULL). Kept for the life of the address space. */
static const struct cl_sync_ops *load_sync(const char *path, const char **name, char *err,
					   size_t errlen)
{
	static struct cl_sync_ops ops;
	const struct cl_plugin *p;
	void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!so || !(p = dlsym(so, CL_PLUGIN_SYMBOL))) {
		snprintf(err, errlen, "cannot load the sync %s here: %s", path, dlerror());
		return NULL;
	}
	if (p->abi != CL_ABI_MAJOR || p->kind != CL_PLUGIN_SYNC || !p->ops.sync ||
	    !CL_ABI_COVERS(p, sync_ops_size) || cl_abi_minor(p) < 3 || cl_abi_minor(p) > CL_ABI_MINOR) {
		snprintf(err, errlen, "%s here is not a sync of plugin ABI 1.3 to 1.%u: another "
			 "conclab is installed at this path on this host", path, CL_ABI_MINOR);
		return NULL;
	}
	cl_abi_sync_ops(p, &ops); /* as the host's loader reads it */
	if (!(ops.flags & CL_SYNC_REMOTE) || !ops.add || !ops.counter) {
		snprintf(err, errlen, "sync '%s' keeps no counter of its own (CL_SYNC_REMOTE with add "
			 "and counter) and cannot serve tasks in other address spaces", p->name);
		return NULL;
	}
	*name = p->name;
	return &ops;
}

struct cl_trial *cl_remote_open(const void *bytes, size_t len, char *err, size_t errlen)
{
	struct export_head head = { .magic = "" };
	struct exported *x;
	const struct cl_sync_ops *ops;
	const char *name = "";
	struct cl_trial *t;
	size_t size;
	int rc = 0;

	if (len == sizeof head + sizeof *x)
		memcpy(&head, bytes, sizeof head);
	if (len != sizeof head + sizeof *x || memcmp(head.magic, EXPORT_MAGIC, 8) ||
	    head.workload_size != sizeof x->w || head.env_size != sizeof x->env) {
		snprintf(err, errlen, "the trial's %zu bytes are not an export of this conclab's "
			 "runtime (another version on this host?)", len);
		return NULL;
	}
	if (!(x = malloc(sizeof *x))) {
		snprintf(err, errlen, "no memory for the workload");
		return NULL;
	}
	memcpy(x, (const char *)bytes + sizeof head, sizeof *x);
	x->env.sync_path[sizeof x->env.sync_path - 1] = 0;
	x->env.hosts[sizeof x->env.hosts - 1] = 0;
	x->env.hostfile[sizeof x->env.hostfile - 1] = 0;
	const struct cl_step_spec *timed = clw_duration_step(&x->w);

	if (timed && timed->sample_ns) {
		snprintf(err, errlen, "sample_ms (config line %d): samples add every task's count at "
			 "one moment, which address spaces apart cannot do; leave it out", timed->line);
		free(x);
		return NULL;
	}
	if (!(ops = load_sync(x->env.sync_path, &name, err, errlen))) {
		free(x);
		return NULL;
	}
	if (!(t = clrt_trial_map(&x->w, &x->env, ops, &size))) {
		snprintf(err, errlen, "cannot map a trial of %lld tasks: %s", (long long)x->w.tasks,
			 strerror(errno));
		free(x);
		return NULL;
	}
	for (size_t i = 0; i < t->ntasks; i++)
		t->tasks[i].index = (uint32_t)i;
	t->io_mode = CLRT_IO_BLOCKING;
	struct cl_sync_setup setup = {
		.ntasks = (uint32_t)t->ntasks, .pshared = true, .params = x->env.sync_params, .trial = t,
	};

	if (ops->init)
		rc = ops->init(t->sync_shared, &setup);
	if (rc < 0) {
		snprintf(err, errlen, "sync '%s': init failed%s%s", name, t->failed ? ": " : "",
			 t->failed ? t->message : "");
		clrt_trial_unmap(t, size);
		free(x);
		return NULL;
	}
	t->run_start_ns = cl_now_ns();
	return t;
}

void *cl_remote_results(struct cl_trial *t, int64_t epoch_ns, size_t *len)
{
	size_t n = 0, k = 0;
	struct results_head head = {
		.epoch_ns = epoch_ns,
		.failed = (uint32_t)atomic_load(&t->failed),
		.window_start = atomic_load(&t->window_start),
		.window_end = atomic_load(&t->window_end),
	};
	char *out;

	for (size_t i = 0; i < t->ntasks; i++)
		n += t->tasks[i].start_ns || t->tasks[i].done;
	*len = sizeof head + n * sizeof(struct results_record);
	if (!(out = malloc(*len)))
		return NULL;
	memcpy(head.magic, RESULTS_MAGIC, 8);
	head.nrecords = (uint32_t)n;
	if (t->sync->counter) {
		head.counter = t->sync->counter(t->sync_shared);
		head.has_counter = 1;
	}
	snprintf(head.boot_id, sizeof head.boot_id, "%s", boot_id());
	memcpy(head.message, t->message, sizeof head.message);
	memcpy(out, &head, sizeof head);
	for (size_t i = 0; i < t->ntasks; i++) {
		const struct cl_task *task = &t->tasks[i];
		struct results_record r = {
			.index = task->index, .done = task->done, .start_ns = task->start_ns,
			.end_ns = task->end_ns, .checksum = task->checksum, .ops = task->ops,
		};

		if (!task->start_ns && !task->done)
			continue;
		memcpy(out + sizeof head + k++ * sizeof r, &r, sizeof r);
	}
	return out;
}

void cl_remote_close(struct cl_trial *t)
{
	const struct cl_workload *w = t->workload; /* the start of its struct exported */

	if (t->sync->destroy)
		t->sync->destroy(t->sync_shared);
	clrt_trial_unmap(t, t->map_size);
	free((void *)w);
}

int cl_trial_import(struct cl_trial *t, const void *results, size_t len, int64_t epoch_ns,
		    const char *source)
{
	struct results_head head = { .magic = "" };
	const char *here = boot_id();
	int64_t shift = 0;

	if (len >= sizeof head)
		memcpy(&head, results, sizeof head);
	if (len < sizeof head || memcmp(head.magic, RESULTS_MAGIC, 8) ||
	    len != sizeof head + (size_t)head.nrecords * sizeof(struct results_record))
		return cl_trial_fail(t, EPROTO, "%s: its %zu bytes of results are not results of "
				     "this conclab's runtime", source, len);
	head.boot_id[39] = 0;
	if (!*here || strcmp(here, head.boot_id)) /* another kernel, another clock */
		shift = epoch_ns - head.epoch_ns;
	for (uint32_t i = 0; i < head.nrecords; i++) {
		struct results_record r;
		struct cl_task *k;

		memcpy(&r, (const char *)results + sizeof head + i * sizeof r, sizeof r);
		if (r.index >= t->ntasks)
			return cl_trial_fail(t, EPROTO, "%s: a record of task %u, of %zu tasks", source,
					     r.index, t->ntasks);
		k = &t->tasks[r.index];
		if (k->start_ns || k->done)
			return cl_trial_fail(t, EPROTO, "%s: task %u was reported twice", source, r.index);
		k->start_ns = r.start_ns ? r.start_ns + shift : 0;
		k->end_ns = r.done ? r.end_ns + shift : 0;
		k->checksum = r.checksum;
		k->ops = r.ops;
		k->cpu = 0; /* a CPU of another process's machine: unknown here */
		k->done = r.done != 0;
	}
	if (head.window_start) {
		int64_t start = atomic_load(&t->window_start), end = atomic_load(&t->window_end);

		if (!start || head.window_start + shift < start)
			atomic_store(&t->window_start, head.window_start + shift);
		if (head.window_end + shift > end)
			atomic_store(&t->window_end, head.window_end + shift);
	}
	/* every address space reads the one remote counter after all tasks
	 * ended: two that differ mean one of them is not telling the truth */
	if (head.has_counter && t->counter_imported && t->counter != head.counter)
		return cl_trial_fail(t, EPROTO, "%s: its counter is %llu, another's %llu: they read "
				     "one counter after every task ended", source,
				     (unsigned long long)head.counter, (unsigned long long)t->counter);
	if (head.has_counter) {
		t->counter = head.counter;
		t->counter_imported = 1;
	}
	if (head.failed) {
		head.message[sizeof head.message - 1] = 0;
		return cl_trial_fail(t, 0, "%s: %s", source, head.message);
	}
	return 0;
}

const char *cl_trial_hosts(const struct cl_trial *trial)
{
	return trial->env->hosts[0] ? trial->env->hosts : NULL;
}

const char *cl_trial_hostfile(const struct cl_trial *trial)
{
	return trial->env->hostfile[0] ? trial->env->hostfile : NULL;
}

int64_t cl_trial_deadline_ns(const struct cl_trial *trial)
{
	return trial->env->deadline_ns ? trial->env->deadline_ns : INT64_MAX;
}
