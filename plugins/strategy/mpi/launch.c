/* mpirun as the trial process's child; see launch.h. */
#define _GNU_SOURCE
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

_Noreturn static void exec_mpirun(const struct mpi_launch *l, const char *tmpdir, int in, int out,
				  int err, int report)
{
	const char *mpirun = getenv("CONCLAB_MPIRUN");
	const char *hosts = l->hosts, *hostfile = l->hostfile;
	char np[16];
	const char *argv[24];
	int n = 0;

	setpgid(0, 0); /* one group: mpirun and what it starts here */
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	snprintf(np, sizeof np, "%zu", l->ranks);
	argv[n++] = mpirun && *mpirun ? mpirun : "mpirun";
	argv[n++] = "-np";
	argv[n++] = np;
	/* more ranks than slots is allowed: the lab shows what it costs */
	argv[n++] = "--oversubscribe";
	/* placed by the kernel, as the other strategies' workers are */
	argv[n++] = "--bind-to";
	argv[n++] = "none";
	/* single-copy shared memory reads other ranks' memory with
	 * process_vm_readv, which a trial's dropped capabilities and Yama can
	 * refuse; copying through the shared segment always works */
	argv[n++] = "--mca";
	argv[n++] = "btl_vader_single_copy_mechanism";
	argv[n++] = "none";
	if (hosts) {
		argv[n++] = "--host";
		argv[n++] = hosts;
	}
	if (hostfile) {
		argv[n++] = "--hostfile";
		argv[n++] = hostfile;
	}
	argv[n++] = l->program;
	if (l->pool)
		argv[n++] = "--pool";
	argv[n] = NULL;
	/* Open MPI refuses root unless told twice; a trial runs as root only
	 * when conclab was started so (CI), and its namespaces contain it */
	if (geteuid() == 0) {
		setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
		setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
	}
	/* Open MPI names its session folder (and PMIx's shared segments in
	 * it) after mpirun's pid, which in a trial's pid namespace is the
	 * same small number in every trial: two trials at once (two runs on
	 * one machine) would share it and fail in orte_init. A folder of the
	 * trial's own keeps them apart; remote daemons use their hosts'. */
	if (tmpdir)
		setenv("TMPDIR", tmpdir, 1);
	execvp(argv[0], (char *const *)argv);
	int e = errno;

	(void)!write(report, &e, sizeof e);
	_exit(127);
}

/* SIGKILL every child of `pid` (its main thread's, as /proc lists them);
 * how many there were. */
static int kill_children(pid_t pid)
{
	char path[64];
	FILE *f;
	int child, found = 0;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fscanf(f, "%d", &child) == 1) {
		kill(child, SIGKILL);
		found++;
	}
	fclose(f);
	return found;
}

/* Ask mpirun to stop its ranks and daemons (remote ones too: only it can),
 * for at most `grace_ns` (Open MPI 4.1 takes about 1 s: it sends SIGTERM,
 * waits, then SIGKILL); then kill it and the ranks it started here, each
 * in a process group of its own, so none outlives the trial. */
static void stop_mpirun(pid_t pid, int64_t grace_ns)
{
	int64_t until = cl_now_ns() + grace_ns;

	kill(pid, SIGTERM);
	while (cl_now_ns() < until) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		usleep(10000);
	}
	kill_children(pid);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* The session folder, once mpirun and its ranks here are gone (they
 * remove what they made when they end well; not when they were killed). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* What mpirun started and left behind when it ended (its remote agent,
 * ssh, still waiting on a host it gave up on; a rank it lost) was handed
 * to this process, a child subreaper: kill it, and what it started in
 * turn, until nothing is left. */
static void reap_orphans(void)
{
	for (int round = 0; round < 100 && kill_children(getpid()); round++) {
		usleep(1000); /* a killed parent's children come here meanwhile */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

static int hung(const struct mpi_launch *l, const struct mpi_progress *p)
{
	char which[512] = "";
	size_t n = 0;
	double s = (double)(cl_trial_deadline_ns(l->trial) - cl_now_ns()) / 1e9;

	if (!p->started) {
		const char *hosts = l->hosts, *file = l->hostfile;

		if (!hosts && !file)
			return cl_trial_fail(l->trial, 0, "mpi: the %zu ranks had not all started %.1f s "
					     "before the trial's timeout, on this machine's %ld CPUs "
					     "(raise the timeout, or use fewer mpi.ranks); mpirun's last "
					     "words: %.200s", l->ranks, s, sysconf(_SC_NPROCESSORS_ONLN),
					     p->err_len ? p->err_tail : "none");
		return cl_trial_fail(l->trial, 0, "mpi: the %zu ranks had not started %.1f s before "
				     "the trial's timeout, on %s%s (mpirun or its daemons are stuck: "
				     "a host that does not answer?); its last words: %.200s", l->ranks, s,
				     hosts ? "the hosts " : "the hosts of ", hosts ? hosts : file,
				     p->err_len ? p->err_tail : "none");
	}
	for (size_t r = 0; r < p->nranks; r++)
		if (!p->done[r] && strlen(which) + MPI_HOSTLEN + 16 < sizeof which)
			snprintf(which + strlen(which), sizeof which - strlen(which), "%s%zu on %s",
				 n++ ? ", rank " : "rank ", r, p->hosts[r]);
	return cl_trial_fail(l->trial, 0, "mpi: %s did not finish %s tasks before the "
			     "trial's timeout; mpirun was stopped with every rank",
			     n ? which : "the ranks", n == 1 ? "its" : "their");
}

/* Every rank the "go" line announced sent its results. */
static int all_reported(const struct mpi_launch *l, const struct mpi_progress *p)
{
	if (!p->started)
		return cl_trial_fail(l->trial, EPROTO, "mpi: mpirun ended well, but no rank said it "
				     "started");
	for (size_t r = 0; r < p->nranks; r++)
		if (!p->reported[r])
			return cl_trial_fail(l->trial, EPROTO, "mpi: rank %zu on %s sent no results",
					     r, p->hosts[r]);
	return 0;
}

/* mpirun, running, and the ends of its pipes the trial keeps. */
struct mpirun {
	pid_t pid;
	int   in, out, err; /* its stdin, stdout, stderr; -1: closed */
};

/* 0 with mpirun started and given the trial, or -errno after cl_trial_fail. */
static int start_mpirun(const struct mpi_launch *l, const char *tmpdir, struct mpirun *m)
{
	int in[2], out[2], err[2], report[2], e = 0;
	const char *mpirun = getenv("CONCLAB_MPIRUN");

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    pipe2(report, O_CLOEXEC))
		return cl_trial_fail(l->trial, errno, "mpi: no pipes for mpirun");
	signal(SIGPIPE, SIG_IGN); /* mpirun may die before it reads the trial */
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* mpirun's orphans come here */
	fflush(NULL);
	if ((m->pid = fork()) == 0)
		exec_mpirun(l, tmpdir, in[0], out[1], err[1], report[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(report[1]);
	*m = (struct mpirun){ .pid = m->pid, .in = in[1], .out = out[0], .err = err[0] };
	if (m->pid > 0 && read(report[0], &e, sizeof e) == sizeof e) {
		waitpid(m->pid, NULL, 0);
		m->pid = -1;
	}
	close(report[0]);
	if (m->pid < 0) {
		close(m->in);
		close(m->out);
		close(m->err);
	}
	if (e)
		return cl_trial_fail(l->trial, e, "mpi: cannot run %s (install Open MPI: Debian's "
				     "openmpi-bin; or name the program in CONCLAB_MPIRUN)",
				     mpirun && *mpirun ? mpirun : "mpirun");
	if (m->pid < 0)
		return cl_trial_fail(l->trial, errno, "mpi: cannot fork for mpirun");
	for (size_t done = 0; done < l->spec_len;) { /* rank 0 reads it: mpirun forwards it */
		ssize_t w = write(m->in, l->spec + done, l->spec_len - done);

		if (w <= 0 && errno != EINTR)
			break;
		done += w > 0 ? (size_t)w : 0;
	}
	close(m->in);
	m->in = -1;
	return 0;
}

/* Read mpirun's stdout and stderr until both end or `stop_at`; true if
 * stop_at came first. */
static bool watch_mpirun(const struct mpi_launch *l, struct mpirun *m, struct mpi_progress *p,
			 int64_t stop_at)
{
	struct line_buf line = { .data = malloc(4096), .cap = 4096 };
	struct line_buf err_line = { .data = malloc(4096), .cap = 4096 };
	struct pollfd fds[2] = { { .fd = m->out, .events = POLLIN }, { .fd = m->err, .events = POLLIN } };
	long pending[2] = { -1, 0 };
	bool timed_out = false;

	while (line.data && err_line.data && (fds[0].fd >= 0 || fds[1].fd >= 0)) {
		char buf[65536];
		int64_t left = stop_at - cl_now_ns();

		/* once the results are in, mpirun's exit ends the watch: a
		 * process it left holding its output must not hold the trial */
		if (p->ended && waitpid(m->pid, &p->status, WNOHANG) == m->pid) {
			p->exited = true;
			break;
		}

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(fds, 2, p->ended ? 10 : left > 1000000000 ? 1000 : (int)(left / 1000000) + 1) < 0 &&
		    errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(fds[i].fd, buf, sizeof buf);

			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				if (i == 1)
					mpi_read_err(p, &err_line, buf, 0, true);
			} else if (i == 0) {
				mpi_read_out(l, p, &line, buf, (size_t)n, pending);
			} else {
				mpi_read_err(p, &err_line, buf, (size_t)n, false);
			}
		}
	}
	m->out = fds[0].fd;
	m->err = fds[1].fd;
	free(line.data);
	free(err_line.data);
	return timed_out;
}

int mpi_launch(const struct mpi_launch *l)
{
	struct mpi_progress p = { .import_rc = 0 };
	struct mpirun m = { .pid = -1, .in = -1, .out = -1, .err = -1 };
	int64_t deadline = cl_trial_deadline_ns(l->trial), now = cl_now_ns();
	/* stop early enough for mpirun to take its ranks and daemons down, and
	 * for the trial to say so, before the host's own timeout: a tenth of
	 * the time, between 1.5 and 3 s, and 10 ms more a rank (256 ranks on 2
	 * cores take seconds to end), all but 0.3 s of it mpirun's to stop;
	 * never more than half the time there is */
	int64_t margin = deadline == INT64_MAX ? 0 : (deadline - now) / 10;

	margin = margin < 1500000000 ? 1500000000 : margin > 3000000000 ? 3000000000 : margin;
	margin += (int64_t)l->ranks * 10000000;
	if (deadline != INT64_MAX && margin > (deadline - now) / 2)
		margin = (deadline - now) / 2;
	int64_t stop_at = deadline == INT64_MAX ? INT64_MAX : deadline - margin;
	/* /dev/shm first: in a contained trial it is the trial's own tmpfs,
	 * gone with it even when the trial is killed (a timeout, Ctrl-C) */
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	char tmpdir[512];
	int rc, status = 0;

	base = base && *base ? base : "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/conclab-mpi-XXXXXX", base);
	if (!mkdtemp(tmpdir))
		return cl_trial_fail(l->trial, errno, "mpi: cannot make a session folder in %s for mpirun",
				     base);
	if ((rc = start_mpirun(l, tmpdir, &m))) {
		remove_tree(tmpdir);
		return rc;
	}
	if (watch_mpirun(l, &m, &p, stop_at)) {
		stop_mpirun(m.pid, margin - (margin > 600000000 ? 300000000 : margin / 2));
		rc = hung(l, &p);
	}
	while (!p.exited && waitpid(m.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (p.exited)
		status = p.status;
	reap_orphans();
	if (m.out >= 0)
		close(m.out);
	if (m.err >= 0)
		close(m.err);
	if (!rc && p.ended && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = p.import_rc ? p.import_rc : all_reported(l, &p);
	} else if (!rc) {
		char why[1024];

		mpi_explain(&p, status, l->hosts, l->hostfile, why, sizeof why);
		rc = cl_trial_fail(l->trial, 0, "mpi: %s", why);
	}
	remove_tree(tmpdir);
	free(p.hosts);
	free(p.done);
	free(p.reported);
	return rc;
}
