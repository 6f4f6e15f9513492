/* --resume with a journal someone else may have written: it writes and
 * loads only what lies in the journal's own folder or what the command line
 * names again, says what it will write before it runs, and two resumes of
 * one journal never run at once. */
#define _GNU_SOURCE
#include "testlib.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIN CL_TEST_CONCLAB

static const char config[] =
	"repeat = 1;\n"
	"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
	"strategies = ( \"serial\" ); syncs = ( \"none\" );\n";

/* Two folders, as a journal handed over would have them: the journal's
 * own, and another holding a file that only its owner reads. */
struct place {
	char *mine, *other;
	char  journal[1024], victim[1024];
};

static const char secret[] = "root's own, 0600\n";

static void place_init(struct place *p)
{
	p->mine = cl_test_temp_dir();
	p->other = cl_test_temp_dir();
	snprintf(p->journal, sizeof p->journal, "%s/run.journal", p->mine);
	snprintf(p->victim, sizeof p->victim, "%s/victim", p->other);
	int fd = open(p->victim, O_WRONLY | O_CREAT | O_EXCL, 0600);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, secret, strlen(secret)), (ssize_t)strlen(secret));
	close(fd);
}

static void place_free(struct place *p)
{
	cl_test_sh(NULL, "rm -rf '%s' '%s'", p->mine, p->other);
	free(p->mine);
	free(p->other);
}

/* The victim as it was made: its bytes and its mode. */
static void victim_untouched(const struct place *p)
{
	char buf[256] = "";
	struct stat st;
	int fd = open(p->victim, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

	if (fd >= 0)
		close(fd);
	CU_ASSERT_EQUAL(n, (ssize_t)strlen(secret));
	CU_ASSERT_STRING_EQUAL(buf, secret);
	CU_ASSERT_EQUAL(stat(p->victim, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
}

/* A journal of a run of `config` that finished no trial, naming these
 * results files and plugin folders (NULL: none). */
static void write_journal(const char *path, const char *json, const char *csv, const char *dir)
{
	json_t *dirs = json_array(), *h;

	if (dir)
		json_array_append_new(dirs, json_string(dir));
	h = json_pack("{ss ss ss ss* ss* so sI sI sb sf so}", "journal", "conclab-journal/1",
		      "config_path", "/nonexistent/x.cfg", "config", config, "json", json, "csv", csv,
		      "plugin_path", dirs, "repeat", (json_int_t)1, "timeout_ms", (json_int_t)10000,
		      "sort", 0, "cv_threshold", 5.0, "cells", json_pack("[s]", "serial+none"));
	json_object_set_new(h, "order", json_string("sequential"));
	json_object_set_new(h, "seed", json_integer(1));
	CU_ASSERT_EQUAL(json_dump_file(h, path, JSON_COMPACT), 0);
	json_decref(h);
	/* one line: the header */
	cl_test_sh(NULL, "printf '\\n' >> '%s'", path);
}

/* A journal naming a file in another folder: refused, naming the journal
 * and the file, and the file keeps its bytes and its mode; named again on
 * the command line, the resume writes that instead, and says so. */
static void test_foreign_outputs_refused(void)
{
	struct place p;
	char *out, mine[1100], want[4400];

	place_init(&p);
	write_journal(p.journal, p.victim, NULL, NULL);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	snprintf(want, sizeof want, "%s names --json %s, which is not in the journal's folder",
		 p.journal, p.victim);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "name the outputs again"));
	free(out);
	victim_untouched(&p);
	CU_ASSERT_EQUAL(access(p.journal, F_OK), 0); /* kept, for the resume that names them */

	/* the CSV too */
	write_journal(p.journal, NULL, p.victim, NULL);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "names --csv"));
	free(out);
	victim_untouched(&p);

	/* named again: those are written, not the journal's, and it says so */
	write_journal(p.journal, p.victim, NULL, NULL);
	snprintf(mine, sizeof mine, "%s/mine.json", p.other);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' --json '%s' -q", BIN, p.journal,
				   mine), 0);
	snprintf(want, sizeof want, "resuming %s writes --json %s, not the journal's --json %s\n",
		 p.journal, mine, p.victim);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);
	CU_ASSERT_EQUAL(access(mine, F_OK), 0);
	CU_ASSERT_NOT_EQUAL(access(p.journal, F_OK), 0);
	victim_untouched(&p);
	place_free(&p);
}

/* A name in the journal's folder that is a symbolic link to a file
 * elsewhere: the results would land in that file, so it is foreign too. */
static void test_link_beside_the_journal_refused(void)
{
	struct place p;
	char *out, link[1100];

	place_init(&p);
	snprintf(link, sizeof link, "%s/r.json", p.mine);
	CU_ASSERT_EQUAL(symlink(p.victim, link), 0);
	write_journal(p.journal, link, NULL, NULL);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "which is not in the journal's folder"));
	free(out);
	victim_untouched(&p);
	place_free(&p);
}

/* Outputs beside the journal: written, and said before any trial runs. */
static void test_outputs_shown_first(void)
{
	struct place p;
	char *out, json[1100], csv[1100], want[4400];
	const char *said, *done;

	place_init(&p);
	snprintf(json, sizeof json, "%s/r.json", p.mine);
	snprintf(csv, sizeof csv, "%s/r.csv", p.mine);
	write_journal(p.journal, json, csv, NULL);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd / && '%s' run --resume '%s' -q", BIN, p.journal), 0);
	snprintf(want, sizeof want, "conclab: resuming %s writes --json %s and --csv %s\n", p.journal,
		 json, csv);
	said = strstr(out, want);
	done = strstr(out, "trials were done");
	CU_ASSERT_PTR_NOT_NULL(said);
	CU_ASSERT_PTR_NOT_NULL(done);
	CU_ASSERT(said && done && said < done);
	free(out);
	CU_ASSERT_EQUAL(access(json, F_OK), 0);
	CU_ASSERT_EQUAL(access(csv, F_OK), 0);
	place_free(&p);
}

/* Plugins are code run as whoever resumes: a journal's plugin folder
 * elsewhere is refused (and shown when it is taken); --plugin-path named
 * again is taken instead. */
static void test_foreign_plugin_folder_refused(void)
{
	struct place p;
	char *out, json[1100], own[1100], want[4400];

	place_init(&p);
	snprintf(json, sizeof json, "%s/r.json", p.mine);
	write_journal(p.journal, json, NULL, p.other);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	snprintf(want, sizeof want, "%s names the plugin folder %s, which is not in the journal's "
		 "folder", p.journal, p.other);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);
	CU_ASSERT_NOT_EQUAL(access(json, F_OK), 0);

	/* a folder beside the journal that others may write: refused too */
	snprintf(own, sizeof own, "%s/plugins", p.mine);
	CU_ASSERT_EQUAL(mkdir(own, 0700), 0);
	CU_ASSERT_EQUAL(chmod(own, 0777), 0);
	write_journal(p.journal, json, NULL, own);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "can be written by others than its owner"));
	free(out);

	/* its own, below it: taken, and said */
	CU_ASSERT_EQUAL(chmod(own, 0700), 0);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 0);
	snprintf(want, sizeof want, "resuming searches for plugins first in %s\n", own);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);

	/* named again */
	write_journal(p.journal, json, NULL, p.other);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' --plugin-path '%s' run --resume '%s' -q", BIN, own,
				   p.journal), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);
	place_free(&p);
}

/* A journal that another conclab holds (here: this process, with the same
 * lock) is refused, exit 2, and left as it is; free again, it resumes. */
static void test_two_resumes_at_once(void)
{
	struct place p;
	char *out, json[1100], want[4400];
	struct stat before, after;
	int fd;

	place_init(&p);
	snprintf(json, sizeof json, "%s/r.json", p.mine);
	write_journal(p.journal, json, NULL, NULL);
	CU_ASSERT_EQUAL(stat(p.journal, &before), 0);
	fd = open(p.journal, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(flock(fd, LOCK_EX | LOCK_NB), 0);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	snprintf(want, sizeof want, "%s is in use: another conclab is running or resuming this journal",
		 p.journal);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	free(out);
	CU_ASSERT_NOT_EQUAL(access(json, F_OK), 0);
	CU_ASSERT_EQUAL(stat(p.journal, &after), 0);
	CU_ASSERT_EQUAL(after.st_size, before.st_size);
	close(fd);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 0);
	free(out);
	CU_ASSERT_EQUAL(access(json, F_OK), 0);
	place_free(&p);
}

/* A resume while the run that writes the journal still goes on: refused,
 * and the run ends as if nobody had tried. */
static void test_resume_beside_its_run(void)
{
	struct place p;
	char *out, json[1100], *cfg = cl_test_write_file(".cfg",
		"repeat = 4;\n"
		"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 150; } ); };\n"
		"strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	int status = -1;
	struct stat st;
	pid_t pid;

	place_init(&p);
	snprintf(json, sizeof json, "%s/r.json", p.mine);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execl(BIN, BIN, "run", cfg, "--json", json, "--journal", p.journal, "-q", (char *)NULL);
		_exit(127);
	}
	/* its header is written once it holds the lock */
	for (int i = 0; i < 1000 && (stat(p.journal, &st) || !st.st_size); i++)
		usleep(2000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, p.journal), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "another conclab is running or resuming this journal"));
	free(out);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_NOT_EQUAL(access(p.journal, F_OK), 0);
	unlink(cfg);
	free(cfg);
	place_free(&p);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "a journal naming outputs in another folder is refused; named again, written",
		  test_foreign_outputs_refused },
		{ "an output beside the journal that links elsewhere is refused",
		  test_link_beside_the_journal_refused },
		{ "a resume says what it writes before it runs", test_outputs_shown_first },
		{ "a journal's plugin folder elsewhere, or writable by others, is refused",
		  test_foreign_plugin_folder_refused },
		{ "two resumes of one journal never run at once", test_two_resumes_at_once },
		{ "a resume while its run goes on is refused", test_resume_beside_its_run },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("resume", tests);
}
