/* What mpirun's stdout and stderr say: rank 0's protocol (rank.c) on
 * stdout, checked line by line and imported into the trial; the ranks'
 * "done" marks on stderr, taken out of what is kept as the trial's output. */
#define _GNU_SOURCE
#include "launch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The results of one rank: import them, naming the rank in messages. */
static void take_results(struct mpi_launch const *l, struct mpi_progress *p, int rank,
			 size_t bytes, const char *hex, size_t hexlen)
{
	char source[128], *raw;

	/* a rank the "go" line announced, once: results can be checked
	 * against the ranks that exist, not only against themselves */
	if (!p->started || rank < 0 || (size_t)rank >= p->nranks || p->reported[rank]) {
		if (!p->import_rc)
			p->import_rc = cl_trial_fail(l->trial, EPROTO, "mpi: results of rank %d, %s", rank,
						     !p->started ? "before the ranks started"
						     : rank < 0 || (size_t)rank >= p->nranks ? "which does not exist"
						     : "a second time");
		return;
	}
	p->reported[rank] = true;
	snprintf(source, sizeof source, "mpi: rank %d on %s", rank, p->hosts[rank]);
	if (hexlen != 2 * bytes || !(raw = malloc(bytes ? bytes : 1))) {
		if (!p->import_rc)
			p->import_rc = cl_trial_fail(l->trial, EPROTO, "%s: its results came "
						     "cut short (%zu of %zu bytes)", source,
						     hexlen / 2, bytes);
		return;
	}
	for (size_t i = 0; i < bytes; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			if (!p->import_rc)
				p->import_rc = cl_trial_fail(l->trial, EPROTO, "%s: its results are "
							     "not hex at byte %zu", source, i);
			free(raw);
			return;
		}
		raw[i] = (char)(hi << 4 | lo);
	}
	int rc = cl_trial_import(l->trial, raw, bytes, p->epoch_ns, source);

	if (rc && !p->import_rc)
		p->import_rc = rc;
	free(raw);
}

static void take_go(struct mpi_progress *p, char *rest)
{
	char *save = NULL, *word = strtok_r(rest, " ", &save);
	long n = word ? strtol(word, NULL, 10) : 0;

	if (p->started || n < 1 || n > MPI_MAX_RANKS)
		return;
	p->started = true;
	p->epoch_ns = cl_now_ns();
	p->nranks = (size_t)n;
	p->hosts = calloc(p->nranks, sizeof *p->hosts);
	p->done = calloc(p->nranks, sizeof *p->done);
	p->reported = calloc(p->nranks, sizeof *p->reported);
	if (!p->hosts || !p->done || !p->reported) {
		p->started = false; /* and the results are refused */
		return;
	}
	for (size_t r = 0; r < p->nranks; r++)
		snprintf(p->hosts[r], sizeof p->hosts[r], "%s", (word = strtok_r(NULL, " ", &save)) ? word : "?");
}

/* One line of mpirun's stdout. `pending` holds a "results" header whose
 * hex is the next line. */
static void take_line(const struct mpi_launch *l, struct mpi_progress *p, char *line, size_t len,
		      long pending[2])
{
	int rank;
	size_t bytes;

	if (pending[0] >= 0) {
		take_results(l, p, (int)pending[0], (size_t)pending[1], line, len);
		pending[0] = -1;
	} else if (!strncmp(line, "go ", 3)) {
		take_go(p, line + 3);
	} else if (sscanf(line, "results %d %zu", &rank, &bytes) == 2) {
		pending[0] = rank;
		pending[1] = (long)bytes;
	} else if (!strcmp(line, "end")) {
		p->ended = true;
	}
}

void mpi_read_out(const struct mpi_launch *l, struct mpi_progress *p, struct line_buf *b,
		     const char *data, size_t n, long pending[2])
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n') {
			b->data[b->len] = 0;
			take_line(l, p, b->data, b->len, pending);
			b->len = 0;
			continue;
		}
		if (b->len + 1 >= b->cap) {
			char *more = realloc(b->data, b->cap * 2);

			if (!more)
				continue; /* the line is lost, and the import says so */
			b->data = more;
			b->cap *= 2;
		}
		b->data[b->len++] = data[i];
	}
}

/* Kept for the words at the end, and passed on as the trial's output. */
static void keep_err(struct mpi_progress *p, const char *data, size_t n)
{
	size_t cap = sizeof p->err_tail - 1;

	(void)!write(STDERR_FILENO, data, n);
	if (n >= cap) {
		memcpy(p->err_tail, data + n - cap, cap);
		p->err_len = cap;
	} else {
		if (p->err_len + n > cap) {
			size_t drop = p->err_len + n - cap;

			memmove(p->err_tail, p->err_tail + drop, p->err_len - drop);
			p->err_len -= drop;
		}
		memcpy(p->err_tail + p->err_len, data, n);
		p->err_len += n;
	}
	p->err_tail[p->err_len] = 0;
}

/* mpirun's stderr, line by line: a rank's "conclab-mpi-done R" marks it
 * done and is taken out (it may follow another rank's unfinished line);
 * the rest is kept. What is left without a newline waits for more. */
void mpi_read_err(struct mpi_progress *p, struct line_buf *b, const char *data, size_t n, bool eof)
{
	static const char mark[] = "conclab-mpi-done ";

	for (size_t i = 0; i < n || (eof && b->len); i++) {
		bool end = i >= n;

		if (!end && data[i] != '\n') {
			if (b->len + 2 >= b->cap) { /* a long line goes on in pieces */
				keep_err(p, b->data, b->len);
				b->len = 0;
			}
			b->data[b->len++] = data[i];
			continue;
		}
		b->data[b->len] = 0;
		char *at = strstr(b->data, mark);
		int rank;

		if (at && sscanf(at + sizeof mark - 1, "%d", &rank) == 1) {
			if (p->done && rank >= 0 && (size_t)rank < p->nranks)
				p->done[rank] = true;
			b->len = (size_t)(at - b->data); /* what another rank began */
			if (!b->len)
				continue;
		}
		if (!end)
			b->data[b->len++] = '\n';
		keep_err(p, b->data, b->len);
		b->len = 0;
		if (end)
			break;
	}
}
