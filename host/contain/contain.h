/* Containment: what keeps plugin code (a trial, the probe, a check) from
 * reaching the host or outliving it. Found out once per host process (what
 * this kernel and this user allow), then applied by sandbox/launch.c to
 * every trial and by experiment/child_call.c to every probe and check. */
#ifndef CLH_CONTAIN_H
#define CLH_CONTAIN_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cl_protections {
	bool pid_ns;     /* the trial's processes in a pid namespace of their own,
			  * under an init of the host's: none can name the host,
			  * and none survives its init                          */
	bool user_ns;    /* ... inside a user namespace (what an unprivileged
			  * host needs for the others)                          */
	bool mount_ns;   /* private mounts: a /proc and /dev/shm of their own,
			  * the journal read-only (not in a chroot)            */
	bool no_caps;    /* the trial runs with no capabilities, no new privileges */
	bool cgroup;     /* a cgroup v2 of its own per trial: cgroup.kill     */
	bool cgroup_memory, cgroup_pids; /* memory.max, pids.max there         */
	bool host_private; /* the host is not dumpable: no ptrace, no /proc/PID/fd */
	char missing[512]; /* what is not active, and why ("" when all is)    */
};

/* The protections of this host process, found on first use. */
const struct cl_protections *cl_protections(void);

/* What the host was at its start: every trial starts with these, and the
 * host checks after each trial that it still has them. */
struct cl_host_tuning {
	cpu_set_t affinity;
	int       nice;
};
const struct cl_host_tuning *cl_host_tuning(void);
/* 0 when the host's affinity and nice value are still those of its start;
 * else restores what it can, says what changed in why, and returns -1. */
int cl_host_tuning_check(char *why, size_t len);

/* One trial's cgroup (when there are cgroups): created before the fork with
 * the trial's limits, joined by the trial's first process, killed whole
 * and removed at the end. */
struct cl_trial_cgroup {
	int  dir_fd;   /* -1: none */
	char path[600];
};
void cl_cgroup_trial_create(struct cl_trial_cgroup *cg, int64_t memory_kb, int64_t processes);
/* In the trial's first process, before anything else: join it. */
void cl_cgroup_trial_join(const struct cl_trial_cgroup *cg);
/* How many bytes it uses now (memory.current), or -1. */
int64_t cl_cgroup_trial_memory(const struct cl_trial_cgroup *cg);
/* Did the kernel stop it at a limit? memory.events oom_kill / pids.events max. */
bool cl_cgroup_trial_hit(const struct cl_trial_cgroup *cg, const char *events_file, const char *key);
void cl_cgroup_trial_kill_and_remove(struct cl_trial_cgroup *cg);

/* In the host's child, first: a session of its own (no controlling
 * terminal), default signal dispositions, an empty signal mask, death with
 * its parent; stdin from /dev/null, stdout and stderr to out_fd (-1:
 * /dev/null), keep_fd (if >= 0) as fd 3 and no other descriptor. */
void cl_contain_start_clean(int out_fd, int keep_fd);

/* In the process that runs plugin code, before it loads any: start with
 * the host's tuning, then give up every capability and the right to gain
 * any. */
void cl_contain_trial_process(void);

/* In the keeper (the host's child) before it forks the namespace's init:
 * enter the namespaces the protections allow. 0, or -1 with errno. */
int cl_contain_unshare(uid_t uid, gid_t gid);
/* In the namespace's init: a /proc of its own, a /dev/shm of its own (of
 * shm_mb, 0: the kernel's default; gone with the namespace, so what a trial
 * leaves there is freed), `readonly` (if any) bound read-only. 0, or -1
 * when any of it could not be done (in a chroot, none is): that leaves the
 * host's view, still contained by the pid namespace and the dropped
 * capabilities; the host's probe finds it out once and says so. */
int cl_contain_mounts(const char *readonly, int64_t shm_mb);

#endif
