/* The files of a trial's read and write steps: a folder of its own under
 * $TMPDIR (or /tmp), the files to read written and pushed out of the page
 * cache before the trial (so reads reach the device, as a cold read does),
 * the written files checked byte for byte after it, and the folder removed.
 *
 * conclab runs as root on shared machines, in folders anyone may write: the
 * folder is mkdtemp's (0700, the user who runs conclab, as the trial's
 * processes are), every file in it is made through the folder's descriptor
 * with O_EXCL|O_NOFOLLOW, and nothing is read or removed through a link.
 * Its name holds the host's pid, so that a run finds the folders of a host
 * that was killed (kill -9 leaves them) and removes them. */
#define _GNU_SOURCE
#include "files.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1u << 20)

bool clsb_has_files(const struct cl_workload *w)
{
	for (int64_t i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_READ || w->steps[i].op == CL_OP_WRITE)
			return true;
	return false;
}

#define FOLDER_PREFIX "conclab-files-"

/* The base name of a file in the trial's folder (clw_io_file_name's last
 * component). */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int write_file(int dir, const char *path, uint32_t task, unsigned step, uint64_t bytes,
		      unsigned char *buf)
{
	int fd = openat(dir, base_name(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;

	for (uint64_t at = 0; fd >= 0 && at < bytes && !rc; at += CHUNK) {
		size_t len = bytes - at < CHUNK ? (size_t)(bytes - at) : CHUNK;

		clw_io_words(buf, task, step, at, len);
		rc = write(fd, buf, len) == (ssize_t)len ? 0 : -1;
	}
	/* Both its times two seconds back: the trial's first read moves the
	 * access time to now, past the modification time, even when it comes
	 * within one tick of the coarse clock the kernel stamps both with (a
	 * read in the tick of the writing left them equal: "never read"). */
	struct timespec back[2];

	clock_gettime(CLOCK_REALTIME, &back[0]);
	back[0].tv_sec -= 2;
	back[1] = back[0];
	/* on the device, then out of the page cache: the trial reads it cold */
	if (fd < 0 || rc || futimens(fd, back) || fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* Empty the folder `name` in `parent` and remove it, never following a
 * link: what is in it was made by a trial. */
static void remove_folder_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d && fd >= 0)
		close(fd);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* The folders of hosts that died without removing them (kill -9): named
 * for a pid that is gone, and ours (this user's, a folder, not a link).
 * Once a process. */
static void remove_dead_hosts_folders(void)
{
	static bool done;
	int parent = done ? -1 : open(cl_temp_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = parent >= 0 ? fdopendir(parent) : NULL;
	struct dirent *e;

	done = true;
	if (!d && parent >= 0)
		close(parent);
	while (d && (e = readdir(d))) {
		struct stat st;
		long pid;
		char *end;

		if (strncmp(e->d_name, FOLDER_PREFIX, strlen(FOLDER_PREFIX)))
			continue;
		pid = strtol(e->d_name + strlen(FOLDER_PREFIX), &end, 10);
		if (end == e->d_name + strlen(FOLDER_PREFIX) || *end != '-' || pid <= 0 ||
		    pid == (long)getpid() || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			remove_folder_at(dirfd(d), e->d_name);
	}
	if (d)
		closedir(d);
}

int clsb_files_prepare(const struct cl_workload *w, struct clw_trial_env *env, char *err,
		       size_t errlen)
{
	const char *tmp = cl_temp_dir();
	unsigned char *buf;
	int dir;

	remove_dead_hosts_folders();
	if (snprintf(env->io_dir, sizeof env->io_dir, "%s/" FOLDER_PREFIX "%d-XXXXXX", tmp, (int)getpid()) >=
		    (int)sizeof env->io_dir ||
	    !mkdtemp(env->io_dir)) {
		snprintf(err, errlen, "cannot make a folder for the trial's files in %s: %s", tmp,
			 strerror(errno ? errno : ENAMETOOLONG));
		env->io_dir[0] = 0;
		return -1;
	}
	if ((dir = open(env->io_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return snprintf(err, errlen, "cannot open %s: %s", env->io_dir, strerror(errno)), -1;
	if (!(buf = malloc(CHUNK))) {
		close(dir);
		return snprintf(err, errlen, "no memory to write the trial's files"), -1;
	}
	for (uint32_t t = 0; t < (uint64_t)w->tasks; t++)
		for (int64_t pos = 0; pos < clw_task_nsteps(w, t); pos++) {
			char path[256];
			struct cl_step_spec s; /* as task t runs it: its class's, drawn */

			clw_task_step(w, t, pos, &s);
			if (s.op != CL_OP_READ)
				continue;
			clw_io_file_name(path, sizeof path, env->io_dir, 0, t, (unsigned)s.id);
			if (write_file(dir, path, t, (unsigned)s.id, (uint64_t)s.bytes, buf)) {
				snprintf(err, errlen, "cannot write %s for the trial to read: %s", path,
					 strerror(errno));
				free(buf);
				close(dir);
				return -1;
			}
		}
	free(buf);
	close(dir);
	return 0;
}

/* One written file against what it must hold: NULL, or why not. */
static const char *file_wrong(const char *path, uint32_t task, unsigned step, uint64_t bytes,
			      char *why, size_t len)
{
	unsigned char *want = malloc(CHUNK), *got = malloc(CHUNK);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	const char *res = NULL;

	if (!want || !got || fd < 0 || fstat(fd, &st)) {
		snprintf(why, len, "cannot read it back: %s", strerror(errno ? errno : ENOMEM));
		res = why;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "it is not a plain file");
		res = why;
	} else if ((uint64_t)st.st_size != bytes) {
		snprintf(why, len, "it holds %lld bytes, not %llu", (long long)st.st_size,
			 (unsigned long long)bytes);
		res = why;
	}
	for (uint64_t at = 0; !res && at < bytes; at += CHUNK) {
		size_t n = bytes - at < CHUNK ? (size_t)(bytes - at) : CHUNK;

		clw_io_words(want, task, step, at, n);
		if (pread(fd, got, n, (off_t)at) != (ssize_t)n || memcmp(want, got, n)) {
			size_t i = 0;

			while (i < n && want[i] == got[i])
				i++;
			snprintf(why, len, "byte %llu is not what the step wrote",
				 (unsigned long long)(at + i));
			res = why;
		}
	}
	if (fd >= 0)
		close(fd);
	free(want);
	free(got);
	return res;
}

/* Was the file read since the host wrote it? Its access time says so (the
 * kernel moves it past the modification time on the first read, relatime
 * too); on a file system mounted noatime nothing can be told, and nothing
 * is claimed. A strategy that computes the words instead of reading them is
 * found out here. */
static bool never_read(const char *path, bool noatime)
{
	struct stat st;

	if (noatime || lstat(path, &st))
		return false;
	return st.st_atim.tv_sec < st.st_mtim.tv_sec ||
	       (st.st_atim.tv_sec == st.st_mtim.tv_sec && st.st_atim.tv_nsec <= st.st_mtim.tv_nsec);
}

void clsb_files_verify(const struct cl_workload *w, const struct clw_trial_env *env,
		       struct cl_trial_result *r)
{
	struct statvfs fs;
	bool noatime = statvfs(env->io_dir, &fs) == 0 && (fs.f_flag & ST_NOATIME);

	for (uint32_t t = 0; t < (uint64_t)w->tasks && r->status == CL_STATUS_OK; t++)
		for (int64_t pos = 0; pos < clw_task_nsteps(w, t); pos++) {
			char path[256], why[128];
			struct cl_step_spec drawn;
			const struct cl_step_spec *s = &drawn;
			unsigned k;

			clw_task_step(w, t, pos, &drawn);
			k = (unsigned)s->id;

			if (s->op == CL_OP_READ && s->bytes) {
				clw_io_file_name(path, sizeof path, env->io_dir, 0, t, k);
				if (never_read(path, noatime)) {
					r->status = CL_STATUS_WRONG;
					snprintf(r->message, sizeof r->message, "task %u: step %u (read, config "
						 "line %d): %s was never read (its access time is not past its "
						 "writing): the step's bytes did not come from the file", t, k + 1,
						 s->line, path);
					return;
				}
			}
			if (s->op != CL_OP_WRITE)
				continue;
			clw_io_file_name(path, sizeof path, env->io_dir, 1, t, k);
			if (file_wrong(path, t, k, (uint64_t)s->bytes, why, sizeof why)) {
				r->status = CL_STATUS_WRONG;
				snprintf(r->message, sizeof r->message, "task %u: step %u (write, config line "
					 "%d): %s: %s", t, k + 1, s->line, path, why);
				return;
			}
		}
}

void clsb_files_remove(struct clw_trial_env *env)
{
	char parent[sizeof env->io_dir];
	char *slash;
	int fd;

	snprintf(parent, sizeof parent, "%s", env->io_dir);
	if (env->io_dir[0] && (slash = strrchr(parent, '/'))) {
		*slash = 0;
		fd = open(*parent ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			remove_folder_at(fd, slash + 1);
			close(fd);
		}
	}
	env->io_dir[0] = 0;
}
