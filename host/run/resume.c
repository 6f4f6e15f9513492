/* The journal's header and --resume: a run is redone as it was asked for,
 * and its finished trials are put back. Format: docs/reliability.md. */
#define _GNU_SOURCE
#include "resume.h"
#include "journal.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	if (!req->config || !json_is_string(json_object_get(h, "config")) || req->repeat < 1 ||
	    req->timeout_ms < 1 || !json_is_array(json_object_get(h, "cells")))
		return snprintf(err, errlen, "%s:1: the journal header lacks the config, its path, "
				"repeat, timeout or cells", asked->resume), -1;
	*dirs = cl_xcalloc(json_array_size(pp) + 1, sizeof **dirs);
	json_array_foreach(pp, i, d)
		(*dirs)[i] = (char *)json_string_value(d);
	req->plugin_dirs = *dirs;
	req->nplugin_dirs = json_array_size(pp);
	return 0;
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

