/* The journal's header and --resume: a run is redone as it was asked for,
 * and its finished trials are put back. Format: docs/reliability.md. */
#define _GNU_SOURCE
#include "resume.h"
#include "journal.h"
#include "printable.h"
#include "xalloc.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A path that still names the same file after a `cd`: what the journal keeps. */
static char *absolute(const char *path)
{
	char cwd[4096], *abs = NULL;

	if (!path)
		return NULL;
	if (path[0] == '/' || !getcwd(cwd, sizeof cwd) || asprintf(&abs, "%s/%s", cwd, path) < 0)
		return cl_xstrdup(path);
	return abs;
}

/* Everything a resume needs to redo this run as it was asked for. */
json_t *clrun_journal_header(const struct cl_run_request *req, const struct cl_experiment *x,
			      const struct cl_cell *cells, size_t n)
{
	json_t *dirs = json_array(), *labels = json_array(), *h;
	char *json = absolute(req->json), *csv = absolute(req->csv);

	for (size_t i = 0; i < req->nplugin_dirs; i++) {
		char *dir = absolute(req->plugin_dirs[i]);

		json_array_append_new(dirs, json_string(dir));
		free(dir);
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(labels, json_string(cells[i].label));
	h = json_pack("{ss ss ss ss* ss* so sI sI sb sf ss* so}", "journal", CL_JOURNAL_SCHEMA,
		      "config_path", x->path, "config", x->text, "json", json, "csv", csv,
		      "plugin_path", dirs, "repeat", (json_int_t)x->repeat, "timeout_ms",
		      (json_int_t)x->timeout_ms, "sort", req->sort, "cv_threshold", req->cv_threshold,
		      "vs", req->vs, "cells", labels);
	json_object_set_new(h, "wide", json_boolean(req->wide));
	json_object_set_new(h, "order", json_string(req->sequential ? "sequential" : "random"));
	json_object_set_new(h, "seed", json_integer((json_int_t)req->seed));
	if (req->columns)
		json_object_set_new(h, "columns", json_string(req->columns));
	free(json);
	free(csv);
	return h;
}

/* The request a journal's header describes, with pointers into it. */
int clrun_request_from_header(const json_t *h, const struct cl_run_request *asked,
			       struct cl_run_request *req, char ***dirs, char *err, size_t errlen)
{
	const json_t *pp = json_object_get(h, "plugin_path"), *d;
	size_t i;

	*req = *asked;
	req->config = json_string_value(json_object_get(h, "config_path"));
	req->json = json_string_value(json_object_get(h, "json"));
	req->csv = json_string_value(json_object_get(h, "csv"));
	req->vs = json_string_value(json_object_get(h, "vs"));
	req->repeat = json_integer_value(json_object_get(h, "repeat"));
	req->timeout_ms = json_integer_value(json_object_get(h, "timeout_ms"));
	req->sort = json_is_true(json_object_get(h, "sort"));
	req->wide = json_is_true(json_object_get(h, "wide"));
	/* a journal of conclab 0.1 ran cell by cell */
	req->sequential = !json_is_string(json_object_get(h, "order")) ||
			  !strcmp(json_string_value(json_object_get(h, "order")), "sequential");
	req->seed = (uint64_t)json_integer_value(json_object_get(h, "seed"));
	req->seed_given = true;
	req->columns = json_string_value(json_object_get(h, "columns"));
	req->cv_threshold = json_number_value(json_object_get(h, "cv_threshold"));
	req->journal = asked->resume;
	/* outputs named on this command line replace the journal's, all of them:
	 * what the user named is then the whole of what is written */
	if (asked->json || asked->csv) {
		req->json = asked->json;
		req->csv = asked->csv;
	}
	if (!req->config || !json_is_string(json_object_get(h, "config")) || req->repeat < 1 ||
	    req->timeout_ms < 1 || !json_is_array(json_object_get(h, "cells")))
		return snprintf(err, errlen, "%s:1: the journal header lacks the config, its path, "
				"repeat, timeout or cells", asked->resume), -1;
	*dirs = cl_xcalloc(json_array_size(pp) + 1, sizeof **dirs);
	json_array_foreach(pp, i, d)
		(*dirs)[i] = (char *)json_string_value(d);
	if (!asked->nplugin_dirs) { /* else --plugin-path named again replaces them */
		req->plugin_dirs = *dirs;
		req->nplugin_dirs = json_array_size(pp);
	}
	return 0;
}

/* ---- what a journal may make a resume touch ------------------------------ */

/* A journal is a file anyone may have written or handed over, and resuming
 * it runs as whoever resumes. So it is trusted with what lies in its own
 * folder and nothing else: results files beside it, plugin folders in that
 * folder or below it. Anything else must be named again on the resume's
 * command line (--json, --csv, --plugin-path), and what it will write and
 * load is shown before anything runs. */

/* s made safe to show in a message (a journal's strings may hold control
 * characters), cut to fit buf. */
static const char *shown(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s ? s : "");
	return cl_printable_str(buf, false);
}

/* The file a result written to `path` lands in: a symbolic link's target,
 * for the results are renamed through it (atomic_file.h). NULL for a link
 * to nothing, whose target cannot be checked. */
static char *written_at(const char *path)
{
	char *real = realpath(path, NULL);
	struct stat st;

	if (real)
		return real;
	return lstat(path, &st) ? cl_xstrdup(path) : NULL;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The folder the journal is in. 0, or -1 when it cannot be found. */
static int journal_folder(const char *journal, struct stat *st)
{
	char *copy = cl_xstrdup(journal);
	int rc = stat(dirname(copy), st);

	free(copy);
	return rc;
}

/* Is an output of the journal's written in the journal's own folder? */
static bool output_beside(const char *output, const struct stat *folder)
{
	char *at = written_at(output);
	struct stat st;
	bool beside = at && !stat(dirname(at), &st) && same_file(&st, folder);

	free(at);
	return beside;
}

/* A plugin folder is code that the resume will run. It is searched only
 * in the journal's folder or below it (where the run that wrote the
 * journal kept its own things), and only when nobody but its owner (the
 * user who resumes, or root) can put a file in it: the journal's folder
 * may be a shared one (/tmp), where anyone could have made that folder. */
static bool plugin_folder_trusted(const char *dir, const struct stat *folder)
{
	char *real = realpath(dir, NULL), *up;
	struct stat st;
	bool inside = false;

	if (!real || stat(real, &st) || (st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		free(real);
		return false;
	}
	/* it, then each folder above it up to /, until the journal's */
	for (up = real; !inside; up = dirname(up)) {
		inside = !stat(up, &st) && same_file(&st, folder);
		if (!strcmp(up, "/"))
			break;
	}
	free(real);
	return inside;
}

/* The first of the journal's outputs (0: --json, 1: --csv) not written in
 * the journal's folder, or -1 when none. */
static int output_elsewhere(const struct cl_run_request *req, const struct stat *folder)
{
	const char *outputs[2] = { req->json, req->csv };

	for (int i = 0; i < 2; i++)
		if (outputs[i] && !output_beside(outputs[i], folder))
			return i;
	return -1;
}

/* The first plugin folder a resume would not search, or -1 when none. */
static ssize_t plugin_folder_refused(const struct cl_run_request *req, const struct stat *folder)
{
	for (size_t i = 0; i < req->nplugin_dirs; i++)
		if (!plugin_folder_trusted(req->plugin_dirs[i], folder))
			return (ssize_t)i;
	return -1;
}

int clrun_resume_trusted(const struct cl_run_request *asked, const struct cl_run_request *req,
			 char *err, size_t errlen)
{
	const char *what[2] = { "--json", "--csv" }, *outputs[2] = { req->json, req->csv };
	char a[1024], b[1024];
	struct stat folder;
	int out;
	ssize_t dir;

	if (journal_folder(asked->resume, &folder))
		return snprintf(err, errlen, "%s: cannot find the journal's folder", asked->resume), -1;
	if (!asked->json && !asked->csv && (out = output_elsewhere(req, &folder)) >= 0)
		return snprintf(err, errlen, "%s names %s %s, which is not in the journal's folder: "
				"a resume writes only beside its journal what the journal names; "
				"name the outputs again (conclab run --resume %s --json OUT "
				"[--csv OUT])", asked->resume, what[out], shown(outputs[out], a, sizeof a),
				asked->resume), -1;
	if (!asked->nplugin_dirs && (dir = plugin_folder_refused(req, &folder)) >= 0)
		return snprintf(err, errlen, "%s names the plugin folder %s, which is not in the "
				"journal's folder or can be written by others than its owner: a "
				"resume loads plugins only from where the journal keeps its own; "
				"name it again (conclab --plugin-path DIR run --resume %s)",
				asked->resume, shown(req->plugin_dirs[dir], b, sizeof b),
				asked->resume), -1;
	return 0;
}

/* s as one word of a POSIX shell: as it is when it holds nothing a shell
 * reads, else in single quotes (a quote in it as '\'') */
static void shell_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=+-,@%") ==
			  strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

char *clrun_resume_command(const struct cl_run_request *req, const char *journal)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct stat folder;
	bool known = !journal_folder(journal, &folder);
	bool dirs_again = req->nplugin_dirs && (!known || plugin_folder_refused(req, &folder) >= 0);
	bool outputs_again = (req->json || req->csv) && (!known || output_elsewhere(req, &folder) >= 0);

	fprintf(f, "conclab");
	for (size_t i = 0; i < req->nplugin_dirs && dirs_again; i++) {
		fprintf(f, " --plugin-path ");
		shell_word(f, req->plugin_dirs[i]);
	}
	fprintf(f, " run --resume ");
	shell_word(f, journal);
	if (outputs_again && req->json) {
		fprintf(f, " --json ");
		shell_word(f, req->json);
	}
	if (outputs_again && req->csv) {
		fprintf(f, " --csv ");
		shell_word(f, req->csv);
	}
	fclose(f);
	return text;
}

/* "--json A and --csv B", or "no results file" */
static void list_outputs(FILE *out, const char *json, const char *csv)
{
	char a[1024], b[1024];

	if (!json && !csv)
		fprintf(out, "no results file");
	if (json)
		fprintf(out, "--json %s", shown(json, a, sizeof a));
	if (csv)
		fprintf(out, "%s--csv %s", json ? " and " : "", shown(csv, b, sizeof b));
}

void clrun_resume_show(FILE *out, const struct cl_run_request *asked,
		       const struct cl_run_request *req, const json_t *header)
{
	const char *json = json_string_value(json_object_get(header, "json"));
	const char *csv = json_string_value(json_object_get(header, "csv"));
	char a[1024];

	fprintf(out, "conclab: resuming %s writes ", shown(asked->resume, a, sizeof a));
	list_outputs(out, req->json, req->csv);
	if ((asked->json || asked->csv) && (json || csv)) {
		fprintf(out, ", not the journal's ");
		list_outputs(out, json, csv);
	}
	fprintf(out, "\n");
	for (size_t i = 0; i < req->nplugin_dirs; i++)
		fprintf(out, "%s%s%s", i ? ", " : "conclab: resuming searches for plugins first in ",
			shown(req->plugin_dirs[i], a, sizeof a), i + 1 == req->nplugin_dirs ? "\n" : "");
}

/* Put the journal's finished trials back in place; done[c] counts them. */
int clrun_restore(const json_t *header, const json_t *entries, struct cl_results *rep,
		  size_t *done, const char *path, char *err, size_t errlen)
{
	const json_t *labels = json_object_get(header, "cells"), *e;
	size_t i;

	if (json_array_size(labels) != rep->ncells)
		return snprintf(err, errlen, "%s: the experiment now has %zu cells, the journal %zu: "
				"its plugins or their parameters changed", path, rep->ncells,
				json_array_size(labels)), -1;
	for (i = 0; i < rep->ncells; i++) {
		const char *l = json_string_value(json_array_get(labels, i));

		if (!l || strcmp(l, rep->cells[i].label))
			return snprintf(err, errlen, "%s: cell %zu is now '%s', the journal has '%s'", path,
					i + 1, rep->cells[i].label, l ? l : "?"), -1;
	}
	json_array_foreach(entries, i, e) {
		size_t c = (size_t)json_integer_value(json_object_get(e, "cell"));
		size_t t = (size_t)json_integer_value(json_object_get(e, "trial"));
		char why[256];

		if (c >= rep->ncells || t != done[c] || t >= rep->cells[c].ntrials)
			return snprintf(err, errlen, "%s:%zu: trial %zu of cell %zu is out of order or "
					"out of range", path, i + 2, t + 1, c + 1), -1;
		if (cl_trial_from_json(json_object_get(e, "result"), &rep->cells[c].trials[t], why,
				       sizeof why))
			return snprintf(err, errlen, "%s:%zu: %s", path, i + 2, why), -1;
		done[c]++;
	}
	return 0;
}

/* --journal FILE, else beside the JSON (or CSV) results; NULL: none. */
char *clrun_journal_path(const struct cl_run_request *req)
{
	const char *results = req->json ? req->json : req->csv;
	char *path = NULL;

	if (req->journal)
		return cl_xstrdup(req->journal);
	if (results && asprintf(&path, "%s.journal", results) < 0)
		path = NULL;
	return path;
}

