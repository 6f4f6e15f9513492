/* Helpers shared by the CUnit suites (see testlib.h). */
#define _GNU_SOURCE
#include "testlib.h"

#include "contain.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char *temp_template(const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	if (asprintf(&path, "%s/conclab-test-XXXXXX%s", dir ? dir : "/tmp", suffix) < 0)
		abort();
	return path;
}

char *cl_test_write_file(const char *suffix, const char *text)
{
	char *path = temp_template(suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

char *cl_test_temp_dir(void)
{
	char *path = temp_template("");

	if (!mkdtemp(path))
		abort();
	return path;
}

int cl_test_sh(char **output, const char *fmt, ...)
{
	char *cmd, *full, buf[4096];
	size_t len = 0;
	va_list ap;
	FILE *p;
	int status;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&full, "(%s) 2>&1", cmd) < 0)
		abort();
	fflush(NULL);
	p = popen(full, "r");
	if (output)
		*output = calloc(1, 1);
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
		if (output) {
			*output = realloc(*output, len + n + 1);
			memcpy(*output + len, buf, n);
			len += n;
			(*output)[len] = 0;
		}
	}
	status = pclose(p);
	free(cmd);
	free(full);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cl_test_exp_load(struct cl_test_exp *e, const char *text)
{
	memset(e, 0, sizeof *e);
	e->path = cl_test_write_file(".cfg", text);
	cl_registry_init(&e->reg, NULL, 0);
	cl_registry_scan(&e->reg);
	if (cl_experiment_load(&e->x, e->path, &e->reg, e->err, sizeof e->err))
		return -1;
	e->ncells = cl_matrix_expand(&e->x, &e->cells, e->err, sizeof e->err);
	return e->ncells ? 0 : -1;
}

void cl_test_exp_load_ok(struct cl_test_exp *e, const char *text)
{
	int rc = cl_test_exp_load(e, text);

	if (rc)
		fprintf(stderr, "\nconfig: %s\n", e->err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

void cl_test_exp_free(struct cl_test_exp *e)
{
	free(e->cells);
	cl_experiment_free(&e->x);
	cl_registry_free(&e->reg);
	unlink(e->path);
	free(e->path);
}

void cl_test_run_cell(struct cl_test_exp *e, size_t i, struct cl_trial_result *r)
{
	struct cl_run_opts opts = { .timeout_ms = e->x.timeout_ms, .keep_tasks = true,
				    .limits = e->x.limits };

	CU_ASSERT_FATAL(i < e->ncells);
	CU_ASSERT_EQUAL(cl_trial_execute(&e->cells[i], &opts, r), 0);
}

void cl_test_run_first(const char *text, struct cl_trial_result *r)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, text);
	cl_test_run_cell(&e, 0, r);
	cl_test_exp_free(&e);
}

void cl_test_exp_refused(const char *text, const char *want)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL(cl_test_exp_load(&e, text), -1);
	if (!strstr(e.err, want))
		fprintf(stderr, "\nwanted \"%s\", got: %s\n", want, e.err);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, want));
	cl_test_exp_free(&e);
}

struct cl_test_mem_watch {
	_Atomic int       stop;
	struct cl_test_mem peak; /* written by the watcher only */
	pid_t             pid;
};

/* What one thread's children and their descendants hold, into *now; the
 * first `uncounted` generations not counted: with a pid namespace the
 * trial's keeper and init, conclab's, as it counts them, not the trial's
 * (under ASan each, a fork of the test process, holds a hundred MB). */
static void mem_below(int pid, int tid, int skip, int uncounted, struct cl_test_mem *now)
{
	char path[96], line[128];
	int child;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, tid);
	if (!(f = fopen(path, "r")))
		return;
	while (fscanf(f, "%d", &child) == 1) {
		long long size, pages, kb;
		FILE *m;
		DIR *tasks;
		struct dirent *d;

		if (child == skip)
			continue;
		snprintf(path, sizeof path, "/proc/%d/statm", child);
		if (uncounted <= 0 && (m = fopen(path, "r"))) {
			now->procs++;
			if (fscanf(m, "%lld %lld", &size, &pages) == 2)
				now->rss_kb += pages * (sysconf(_SC_PAGESIZE) / 1024);
			fclose(m);
		}
		snprintf(path, sizeof path, "/proc/%d/smaps_rollup", child);
		if (uncounted <= 0 && (m = fopen(path, "r"))) {
			while (fgets(line, sizeof line, m))
				if (sscanf(line, "Pss: %lld kB", &kb) == 1) {
					now->pss_kb += kb;
					break;
				}
			fclose(m);
		}
		snprintf(path, sizeof path, "/proc/%d/task", child);
		if ((tasks = opendir(path))) {
			while ((d = readdir(tasks)))
				if (d->d_name[0] != '.')
					mem_below(child, atoi(d->d_name), skip, uncounted - 1, now);
			closedir(tasks);
		}
	}
	fclose(f);
}

struct cl_test_mem_watch *cl_test_mem_watch_start(void)
{
	struct cl_test_mem_watch *w = mmap(NULL, sizeof *w, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int parent = (int)getpid();
	int uncounted = cl_protections()->pid_ns ? 2 : 0; /* host - keeper - init - trial */

	CU_ASSERT_FATAL(w != MAP_FAILED);
	memset(w, 0, sizeof *w);
	w->pid = fork();
	CU_ASSERT_FATAL(w->pid >= 0);
	if (w->pid == 0) {
		while (!w->stop) {
			struct cl_test_mem now = { 0 };

			/* the test process forks trials from its main thread */
			mem_below(parent, parent, (int)getpid(), uncounted, &now);
			w->peak.rss_kb = now.rss_kb > w->peak.rss_kb ? now.rss_kb : w->peak.rss_kb;
			w->peak.pss_kb = now.pss_kb > w->peak.pss_kb ? now.pss_kb : w->peak.pss_kb;
			w->peak.procs = now.procs > w->peak.procs ? now.procs : w->peak.procs;
			usleep(20000);
		}
		_exit(0);
	}
	return w;
}

struct cl_test_mem cl_test_mem_watch_stop(struct cl_test_mem_watch *w)
{
	struct cl_test_mem peak;

	w->stop = 1;
	waitpid(w->pid, NULL, 0);
	peak = w->peak;
	munmap(w, sizeof *w);
	return peak;
}

int cl_test_main(const char *suite, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = { { suite, NULL, NULL, NULL, NULL, tests }, CU_SUITE_INFO_NULL };
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_register_suites(suites);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

char *cl_test_line_starting(const char *text, const char *prefix)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, prefix, strlen(prefix)))
			return strndup(l, strcspn(l, "\n"));
	return NULL;
}

void cl_test_expect_in(const char *view, const char *line, const char *want)
{
	if (!line || !strstr(line, want))
		fprintf(stderr, "\n%s: '%s' not in: %s\n", view, want, line ? line : "(no line)");
	CU_ASSERT_TRUE(line && strstr(line, want));
}

size_t cl_test_count(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

int cl_test_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Prose as conclab wraps it to 80 columns, one line again: each line
 * break and the indent after it become one space. */
void cl_test_unwrap(char *text)
{
	char *w = text;

	for (const char *r = text; r && *r;) {
		if (*r == '\n' && r[1] == ' ') {
			while (*r == '\n' || *r == ' ')
				r++;
			*w++ = ' ';
			continue;
		}
		*w++ = *r++;
	}
	if (w)
		*w = 0;
}
