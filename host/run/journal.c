/* The run journal (see journal.h): append-only JSON lines, each written with
 * one write() and flushed with fdatasync() before the next trial starts. */
#define _GNU_SOURCE
#include "journal.h"
#include "xalloc.h"


#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* One line, whole, then to disk: a crash leaves at most the last line cut. */
static int write_line(struct cl_journal *j, const json_t *line, char *err, size_t errlen)
{
	char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len, done = 0;

	if (!text)
		return snprintf(err, errlen, "%s: cannot encode a journal line", j->path), -1;
	len = strlen(text);
	text[len++] = '\n'; /* json_dumps leaves room: replaces the NUL */
	while (done < len) {
		ssize_t n = write(j->fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: cannot write: %s", j->path, strerror(errno));
			free(text);
			return -1;
		}
		done += (size_t)n;
	}
	free(text);
	if (fdatasync(j->fd) && errno != EINVAL)
		return snprintf(err, errlen, "%s: cannot flush: %s", j->path, strerror(errno)), -1;
	return 0;
}

/* One run per journal: two that append to one journal (a resume beside the
 * run it continues, or two resumes) would run its trials twice and
 * interleave their lines. The lock lives as long as the descriptor, so a
 * run that dies (even by kill -9) releases it. */
static int lock(struct cl_journal *j, char *err, size_t errlen)
{
	if (!flock(j->fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno == EWOULDBLOCK)
		snprintf(err, errlen, "%s is in use: another conclab is running or resuming this "
			 "journal; wait for it to end", j->path);
	else
		snprintf(err, errlen, "%s: cannot lock the journal: %s", j->path, strerror(errno));
	return -1;
}

/* A journal that could not be opened or locked: nothing of it is held. */
static int give_up(struct cl_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	j->fd = -1;
	j->path = NULL;
	return -1;
}

int cl_journal_create(struct cl_journal *j, const char *path, const json_t *header, char *err,
		      size_t errlen)
{
	j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	j->path = cl_xstrdup(path);
	if (j->fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s exists: it holds a run that did not finish; continue it "
				 "with `conclab run --resume %s`, or delete it", path, path);
		else
			snprintf(err, errlen, "%s: cannot create the journal: %s", path, strerror(errno));
		return give_up(j);
	}
	/* locked before the header is written; a resume that came between the
	 * two holds a file that was ours and has no header: it is refused, and
	 * the empty file is not left to block the next run */
	if (lock(j, err, errlen)) {
		unlink(path);
		return give_up(j);
	}
	if (write_line(j, header, err, errlen)) {
		cl_journal_close(j, 1);
		return -1;
	}
	return 0;
}

int cl_journal_reopen(struct cl_journal *j, const char *path, char *err, size_t errlen)
{
	j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	j->path = cl_xstrdup(path);
	if (j->fd < 0) {
		snprintf(err, errlen, "%s: cannot open the journal: %s", path, strerror(errno));
		return give_up(j);
	}
	return lock(j, err, errlen) ? give_up(j) : 0;
}

int cl_journal_append(struct cl_journal *j, size_t cell, const char *label, size_t trial,
		      const struct cl_trial_result *r, char *err, size_t errlen)
{
	json_t *line = json_pack("{sI ss sI so}", "cell", (json_int_t)cell, "label", label, "trial",
				 (json_int_t)trial, "result", cl_trial_to_json(r));
	int rc = write_line(j, line, err, errlen);

	json_decref(line);
	return rc;
}

void cl_journal_close(struct cl_journal *j, int finished)
{
	if (j->fd >= 0)
		close(j->fd);
	if (finished && j->path)
		unlink(j->path);
	free(j->path);
	j->fd = -1;
	j->path = NULL;
}

int cl_journal_read(const char *path, json_t **header, json_t **entries, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = -1;

	*header = NULL;
	*entries = json_array();
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *v;
		int whole = len > 0 && line[len - 1] == '\n';

		lineno++;
		v = json_loads(line, 0, &jerr);
		if (!v && !whole && fgetc(f) == EOF) /* cut short by a crash: drop it */
			break;
		if (!v) {
			snprintf(err, errlen, "%s:%d: not a journal line: %s", path, lineno, jerr.text);
			goto out;
		}
		if (lineno == 1) {
			const char *schema = json_string_value(json_object_get(v, "journal"));

			if (!schema || strcmp(schema, CL_JOURNAL_SCHEMA)) {
				snprintf(err, errlen, "%s:1: not a conclab journal (want \"journal\": \"%s\")",
					 path, CL_JOURNAL_SCHEMA);
				json_decref(v);
				goto out;
			}
			*header = v;
			continue;
		}
		if (!json_is_integer(json_object_get(v, "cell")) ||
		    !json_is_integer(json_object_get(v, "trial")) ||
		    !json_is_object(json_object_get(v, "result"))) {
			snprintf(err, errlen, "%s:%d: a trial line needs cell, trial and result", path, lineno);
			json_decref(v);
			goto out;
		}
		json_array_append_new(*entries, v);
	}
	if (!*header)
		snprintf(err, errlen, "%s: empty: no journal header", path);
	else
		rc = 0;
out:
	if (f)
		fclose(f);
	free(line);
	if (rc) {
		json_decref(*header);
		json_decref(*entries);
		*header = *entries = NULL;
	}
	return rc;
}
