/* Containment, the way the sandboxes people trust do it (bubblewrap,
 * nsjail, systemd's per-service cgroups): namespaces for the trial's
 * processes, a cgroup per trial, no capabilities, a host that cannot be
 * traced. Each is tried once; what this kernel or user does not allow is
 * left out and said in cl_protections()->missing. */
#define _GNU_SOURCE
#include "contain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static struct cl_protections prot;
static struct cl_host_tuning tuning;
static int unshare_flags;
static char run_cgroup[512]; /* "" when there is none */
static unsigned trial_seq;

static void say_missing(const char *what)
{
	size_t len = strlen(prot.missing);

	snprintf(prot.missing + len, sizeof prot.missing - len, "%s%s", len ? "; " : "", what);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? write(fd, text, strlen(text)) : -1;
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int write_at(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? write(fd, text, strlen(text)) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_at(int dir, const char *name, char *buf, size_t len)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n > 0 ? 0 : -1;
}

int cl_contain_unshare(uid_t uid, gid_t gid)
{
	char map[64];

	if (unshare(unshare_flags))
		return -1;
	if (!(unshare_flags & CLONE_NEWUSER))
		return 0;
	/* an unprivileged process may map only itself; and only while it is
	 * dumpable are its /proc files its own to write (the host is not) */
	int rc;

	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	rc = write_file("/proc/self/setgroups", "deny") || write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	rc = rc || write_file("/proc/self/gid_map", map);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* the init it forks must not be traced */
	return rc ? -1 : 0;
}

int cl_contain_mounts(const char *readonly, int64_t shm_mb)
{
	struct statvfs st;
	char opts[64] = "mode=1777";
	int rc = 0;

	if (!(unshare_flags & CLONE_NEWNS))
		return -1;
	/* In a chroot (pbuilder, sbuild, a plain chroot) "/" is no mount
	 * point and cannot be made private; a mount made without that could
	 * reach the host's own namespace, so none is made, and the probe has
	 * said so (cl_protections()->mount_ns is false). */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		return -1;
	/* the namespace's own pids only: the host is not in it */
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (shm_mb > 0)
		snprintf(opts, sizeof opts, "mode=1777,size=%lldm", (long long)shm_mb);
	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, opts))
		rc = -1;
	if (readonly && statvfs(readonly, &st) == 0 &&
	    mount(readonly, readonly, "none", MS_BIND, NULL) == 0) {
		/* a remount must keep the flags the mount already has (locked
		 * in a user namespace) */
		unsigned long keep = (st.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
				     (st.f_flag & ST_NODEV ? MS_NODEV : 0) |
				     (st.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);

		if (mount("none", readonly, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL))
			rc = -1;
	} else if (readonly) {
		rc = -1;
	}
	return rc;
}

/* Give up every capability, for good: the trial may be run by root, and a
 * capability would let it unmount its /proc, trace the host or move
 * itself out of its cgroup. 0 if it has none left. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct none[2] = { 0 };

	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return (int)syscall(SYS_capset, &head, none);
}

void cl_contain_start_clean(int out_fd, int keep_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	pid_t parent = getppid();
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* it died before the line above */
		_exit(1);
	setsid(); /* no controlling terminal: no /dev/tty */
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(out_fd >= 0 ? out_fd : devnull, STDOUT_FILENO);
	dup2(out_fd >= 0 ? out_fd : devnull, STDERR_FILENO);
	if (keep_fd >= 0 && keep_fd != 3) {
		dup2(keep_fd, 3);
		keep_fd = 3;
	}
	if (syscall(SYS_close_range, keep_fd >= 0 ? 4 : 3, ~0u, 0)) /* before Linux 5.9 */
		for (int fd = keep_fd >= 0 ? 4 : 3; fd < 4096; fd++)
			close(fd);
}

void cl_contain_trial_process(void)
{
	if (getpriority(PRIO_PROCESS, 0) != tuning.nice)
		setpriority(PRIO_PROCESS, 0, tuning.nice);
	sched_setaffinity(0, sizeof tuning.affinity, &tuning.affinity);
	drop_capabilities();
	/* the host (still root, or the same user) may read its /proc; the
	 * host and the namespace's init stay closed to it */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Does a trial started with `flags` get its namespaces, its mounts and no
 * capabilities? Tried in a child, as a trial would. */
static int try_namespaces(int flags)
{
	pid_t pid;
	int status = 0;

	unshare_flags = flags;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		pid_t init;

		if (cl_contain_unshare(geteuid(), getegid()))
			_exit(10);
		if ((init = fork()) < 0)
			_exit(11);
		if (init == 0) {
			bool mounts = cl_contain_mounts(NULL, 0) == 0, caps = drop_capabilities() == 0;

			_exit(getpid() != 1 ? 12 : mounts ? (caps ? 0 : 13) : (caps ? 15 : 16));
		}
		while (waitpid(init, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 14);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void probe_namespaces(void)
{
	int rc = -1;

	if (getenv("CONCLAB_NO_NAMESPACES")) {
		prot.no_caps = true;
		say_missing("namespaces turned off by CONCLAB_NO_NAMESPACES: a trial's processes are "
			    "found through its process group and the host as their subreaper");
		return;
	}
	/* root needs no user namespace; anyone else does. 13: capabilities
	 * kept; 15: no private mounts; 16: neither (try_namespaces) */
	if (geteuid() == 0)
		rc = try_namespaces(CLONE_NEWPID | CLONE_NEWNS);
	if (rc != 0 && rc != 13 && rc != 15 && rc != 16)
		rc = try_namespaces(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS);
	if (rc == 0 || rc == 13 || rc == 15 || rc == 16) {
		prot.pid_ns = true;
		prot.mount_ns = rc == 0 || rc == 13;
		prot.user_ns = unshare_flags & CLONE_NEWUSER;
		prot.no_caps = rc == 0 || rc == 15;
		if (rc == 13 || rc == 16)
			say_missing("capabilities could not be dropped");
		if (!prot.mount_ns)
			say_missing("the trial's mounts cannot be made private here (\"/\" is not a mount "
				    "point, as in a chroot): the run's journal is not read-only to a trial, "
				    "and a trial shares /proc and /dev/shm with the host (what it leaves "
				    "there outlives it)");
		return;
	}
	unshare_flags = 0;
	prot.no_caps = true; /* the trial process drops them all the same */
	say_missing("no pid namespace (unshare refused it: user namespaces off, or a seccomp "
		    "filter): a trial's processes are found through its process group and the "
		    "host as their subreaper, and could signal the host");
}

/* The cgroup v2 mount and this process's cgroup in it. */
static int own_cgroup(char *dir, size_t len)
{
	char line[1024], mnt[512] = "", path[512] = "";
	FILE *f = fopen("/proc/self/mountinfo", "r");

	while (f && fgets(line, sizeof line, f)) {
		char *sep = strstr(line, " - "), point[512];

		if (sep && !strncmp(sep, " - cgroup2 ", 11) &&
		    sscanf(line, "%*s %*s %*s %*s %511s", point) == 1) {
			snprintf(mnt, sizeof mnt, "%s", point);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "0::", 3))
			snprintf(path, sizeof path, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	if (f)
		fclose(f);
	if (!*mnt || !*path)
		return -1;
	snprintf(dir, len, "%s%s", mnt, strcmp(path, "/") ? path : "");
	return 0;
}

/* Run cgroups of hosts that died (kill -9) are removed: they are empty,
 * their processes died with their namespace. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		int pid;
		char path[1024];

		if (sscanf(e->d_name, "conclab-%d", &pid) != 1 || pid == getpid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue; /* its host is alive */
		snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
		DIR *sub = opendir(path);
		struct dirent *t;

		while (sub && (t = readdir(sub))) {
			char trial[1300];

			if (t->d_name[0] == 't') {
				snprintf(trial, sizeof trial, "%s/%s", path, t->d_name);
				rmdir(trial);
			}
		}
		if (sub)
			closedir(sub);
		rmdir(path);
	}
	if (d)
		closedir(d);
}

static void remove_run_cgroup(void)
{
	if (*run_cgroup)
		rmdir(run_cgroup);
}

static void probe_cgroup(void)
{
	char parent[400], have[256] = "";
	int dir;

	if (own_cgroup(parent, sizeof parent)) {
		say_missing("no cgroup v2: limits are applied by sampling");
		return;
	}
	remove_stale(parent);
	snprintf(run_cgroup, sizeof run_cgroup, "%s/conclab-%d", parent, (int)getpid());
	if (mkdir(run_cgroup, 0755) && errno != EEXIST) {
		say_missing("no cgroup of its own (the host's cgroup is not writable; systemd-run "
			    "--user --scope -p Delegate=yes gives one): limits are applied by "
			    "sampling, strays found through the subreaper");
		*run_cgroup = 0;
		return;
	}
	atexit(remove_run_cgroup);
	dir = open(run_cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	prot.cgroup = dir >= 0 && faccessat(dir, "cgroup.kill", W_OK, 0) == 0;
	if (dir >= 0 && read_at(dir, "cgroup.controllers", have, sizeof have) == 0) {
		if (strstr(have, "memory") && write_at(dir, "cgroup.subtree_control", "+memory") == 0)
			prot.cgroup_memory = true;
		if (strstr(have, "pids") && write_at(dir, "cgroup.subtree_control", "+pids") == 0)
			prot.cgroup_pids = true;
	}
	if (dir >= 0)
		close(dir);
	if (!prot.cgroup)
		say_missing("the cgroup has no cgroup.kill (Linux before 5.14)");
	if (!prot.cgroup_memory || !prot.cgroup_pids)
		say_missing("the cgroup has no memory or pids controller (not delegated, or bound "
			    "to cgroup v1): the memory and processes limits are applied by sampling");
}

const struct cl_protections *cl_protections(void)
{
	static bool found;

	if (found)
		return &prot;
	found = true;
	sched_getaffinity(0, sizeof tuning.affinity, &tuning.affinity);
	errno = 0;
	tuning.nice = getpriority(PRIO_PROCESS, 0);
	/* not dumpable: a process of the same user (a trial) can neither
	 * trace the host nor open its /proc/PID/fd */
	prot.host_private = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
	probe_namespaces();
	probe_cgroup();
	return &prot;
}

const struct cl_host_tuning *cl_host_tuning(void)
{
	cl_protections();
	return &tuning;
}

int cl_host_tuning_check(char *why, size_t len)
{
	cpu_set_t now;
	int nice, bad = 0;

	cl_protections();
	if (sched_getaffinity(0, sizeof now, &now) == 0 && !CPU_EQUAL(&now, &tuning.affinity)) {
		bad = 1;
		snprintf(why, len, "the host's CPU affinity was changed (from %d CPUs to %d; restored)",
			 CPU_COUNT(&tuning.affinity), CPU_COUNT(&now));
		sched_setaffinity(0, sizeof tuning.affinity, &tuning.affinity);
	}
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	if (!errno && nice != tuning.nice) {
		int fixed = setpriority(PRIO_PROCESS, 0, tuning.nice) == 0;

		if (!bad)
			snprintf(why, len, "the host's nice value was changed (from %d to %d; %s)",
				 tuning.nice, nice, fixed ? "restored" : "it could not be restored");
		bad = 1;
	}
	return bad ? -1 : 0;
}

void cl_cgroup_trial_create(struct cl_trial_cgroup *cg, int64_t memory_kb, int64_t processes)
{
	char value[32];

	cg->dir_fd = -1;
	cl_protections();
	if (!prot.cgroup)
		return;
	snprintf(cg->path, sizeof cg->path, "%s/t%u", run_cgroup, trial_seq++);
	if (mkdir(cg->path, 0755) && errno != EEXIST)
		return;
	cg->dir_fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (memory_kb > 0 && prot.cgroup_memory) {
		snprintf(value, sizeof value, "%lld", (long long)memory_kb * 1024);
		write_at(cg->dir_fd, "memory.max", value);
		write_at(cg->dir_fd, "memory.swap.max", "0");
	}
	if (processes > 0 && prot.cgroup_pids) {
		snprintf(value, sizeof value, "%lld", (long long)processes);
		write_at(cg->dir_fd, "pids.max", value);
	}
}

void cl_cgroup_trial_join(const struct cl_trial_cgroup *cg)
{
	if (cg->dir_fd >= 0)
		write_at(cg->dir_fd, "cgroup.procs", "0");
}

int64_t cl_cgroup_trial_memory(const struct cl_trial_cgroup *cg)
{
	char buf[64];

	if (cg->dir_fd < 0 || read_at(cg->dir_fd, "memory.current", buf, sizeof buf))
		return -1;
	return strtoll(buf, NULL, 10);
}

bool cl_cgroup_trial_hit(const struct cl_trial_cgroup *cg, const char *events_file, const char *key)
{
	char buf[1024], *at;

	if (cg->dir_fd < 0 || read_at(cg->dir_fd, events_file, buf, sizeof buf))
		return false;
	at = strstr(buf, key);
	return at && strtoll(at + strlen(key), NULL, 10) > 0;
}

void cl_cgroup_trial_kill_and_remove(struct cl_trial_cgroup *cg)
{
	char events[256];

	if (cg->dir_fd < 0)
		return;
	write_at(cg->dir_fd, "cgroup.kill", "1");
	/* processes leave the cgroup as they exit, reaped or not */
	for (int i = 0; i < 2000; i++) {
		if (read_at(cg->dir_fd, "cgroup.events", events, sizeof events) ||
		    strstr(events, "populated 0"))
			break;
		usleep(1000);
	}
	close(cg->dir_fd);
	cg->dir_fd = -1;
	rmdir(cg->path);
}
