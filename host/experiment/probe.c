/* The probe: a plugin's file loaded in a child process (dlopen there, the
 * descriptor checked there) and its descriptor sent back over a pipe with
 * a length, every string made printable: the host never runs plugin code,
 * not even a library constructor. */
#define _GNU_SOURCE
#include "child_call.h"
#include "loader_internal.h"
#include "printable.h"
#include "xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_TIMEOUT_MS 5000

/* The descriptor, as the probe sends it to the host: numbers as int64_t,
 * strings as a length and their bytes. */
struct wire {
	char  *buf;
	size_t len, at;
	bool   bad;
};

static void put(struct wire *w, const void *p, size_t n)
{
	if (w->at + n > w->len) {
		w->bad = true;
		return;
	}
	memcpy(w->buf + w->at, p, n);
	w->at += n;
}

static void put_i64(struct wire *w, int64_t v)
{
	put(w, &v, sizeof v);
}

static void put_str(struct wire *w, const char *s)
{
	put_i64(w, s ? (int64_t)strlen(s) : -1);
	if (s)
		put(w, s, strlen(s));
}

static int64_t get_i64(struct wire *w)
{
	int64_t v = 0;

	if (w->at + sizeof v > w->len)
		w->bad = true;
	else
		memcpy(&v, w->buf + w->at, sizeof v), w->at += sizeof v;
	return v;
}

/* A copy, made printable; NULL stays NULL. */
static char *get_str(struct wire *w)
{
	int64_t n = get_i64(w);
	char *s;

	if (n < 0 || w->bad)
		return NULL;
	if ((uint64_t)n > w->len - w->at) {
		w->bad = true;
		return NULL;
	}
	s = cl_xmalloc((size_t)n + 1);
	memcpy(s, w->buf + w->at, (size_t)n);
	s[n] = 0;
	w->at += (size_t)n;
	return cl_printable_str(s, true);
}

/* What the plugin says it runs tasks in (1.5), cut to one line; NULL when
 * it says nothing. */
static const char *plugin_runtime(const struct cl_plugin *d, char *buf, size_t len)
{
	const char *(*fn)(void) = CL_ABI_COVERS(d, runtime) && cl_abi_minor(d) >= 5 ? d->runtime : NULL;
	const char *text = fn ? fn() : NULL;

	if (!text)
		return NULL;
	snprintf(buf, len, "%s", text);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static size_t send_descriptor(const struct cl_plugin *d, char *reply, size_t len)
{
	struct wire w = { reply, len, 0, false };
	size_t n = 0;
	char runtime[CL_RUNTIME_MAX + 1];

	put(&w, "D", 1);
	put_i64(&w, d->size);
	put_i64(&w, cl_plugin_abi_minor(d));
	put_i64(&w, d->kind);
	put_str(&w, d->name);
	put_str(&w, d->version);
	put_str(&w, d->summary);
	put_str(&w, d->description);
	put_i64(&w, cl_plugin_check_fn(d) != NULL);
	put_str(&w, plugin_runtime(d, runtime, sizeof runtime));
	while (d->params && d->params[n].name)
		n++;
	put_i64(&w, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		put_str(&w, d->params[i].name);
		put_i64(&w, d->params[i].type);
		put_i64(&w, d->params[i].def);
		put_i64(&w, d->params[i].min);
		put_i64(&w, d->params[i].max);
		put_str(&w, d->params[i].help);
	}
	if (d->kind == CL_PLUGIN_STRATEGY) {
		put_i64(&w, d->ops.strategy->flags);
	} else {
		put_i64(&w, d->ops.sync->flags);
		put_i64(&w, (int64_t)d->ops.sync->shared_size);
		put_i64(&w, (int64_t)d->ops.sync->local_size);
		put_i64(&w, (int64_t)d->ops.sync->shared_per_task);
		struct cl_sync_ops ops; /* as the host will read them */

		cl_abi_sync_ops(d, &ops);
		put_i64(&w, (ops.lock ? 1 : 0) | (ops.read_lock ? 2 : 0));
	}
	return w.bad ? (size_t)snprintf(reply, len, "Edescriptor too large to send") + 1 : w.at;
}

/* The host's copy of what the probe sent; 0, or -1 if it is malformed. */
static int receive_descriptor(char *buf, size_t len, struct cl_loaded_plugin *p)
{
	struct wire w = { buf, len, 1, false };
	struct cl_plugin *d = &p->copy;
	int64_t n;

	memset(d, 0, sizeof *d);
	d->abi = CL_ABI_MAJOR;
	d->size = (uint32_t)get_i64(&w); /* as the plugin was built: its ABI's age */
	d->abi_minor = (uint32_t)get_i64(&w);
	d->kind = (enum cl_plugin_kind)get_i64(&w);
	d->name = get_str(&w);
	d->version = get_str(&w);
	d->summary = get_str(&w);
	d->description = get_str(&w);
	p->has_check = get_i64(&w) != 0;
	p->runtime = get_str(&w);
	n = get_i64(&w);
	if (w.bad || n < 0 || n > MAX_PARAMS)
		return -1;
	p->nparams = (size_t)n;
	p->params = cl_xcalloc(p->nparams + 1, sizeof *p->params);
	for (size_t i = 0; i < p->nparams; i++) {
		p->params[i].name = get_str(&w);
		p->params[i].type = (enum cl_param_type)get_i64(&w);
		p->params[i].def = get_i64(&w);
		p->params[i].min = get_i64(&w);
		p->params[i].max = get_i64(&w);
		p->params[i].help = get_str(&w);
	}
	d->params = p->params;
	if (d->kind == CL_PLUGIN_STRATEGY) {
		p->strategy_ops.flags = (uint32_t)get_i64(&w);
		d->ops.strategy = &p->strategy_ops;
	} else {
		p->sync_ops.flags = (uint32_t)get_i64(&w);
		p->sync_ops.shared_size = (size_t)get_i64(&w);
		p->sync_ops.local_size = (size_t)get_i64(&w);
		p->sync_ops.shared_per_task = (size_t)get_i64(&w);
		int64_t has = get_i64(&w);

		p->has_lock = has & 1;
		p->has_read_lock = has & 2;
		d->ops.sync = &p->sync_ops;
	}
	for (size_t i = 0; i < p->nparams; i++)
		if (!p->params[i].name)
			w.bad = true;
	return w.bad || !d->name || !d->version || !d->summary ? -1 : 0;
}

void cll_free_copy(struct cl_loaded_plugin *p)
{
	free((char *)p->copy.name);
	free((char *)p->copy.version);
	free((char *)p->copy.summary);
	free((char *)p->copy.description);
	free(p->runtime);
	for (size_t i = 0; p->params && i < p->nparams; i++) {
		free((char *)p->params[i].name);
		free((char *)p->params[i].help);
	}
	free(p->params);
	free(p->path);
}

static size_t probe(void *path, char *reply, size_t len)
{
	char err[1024];
	const struct cl_plugin *d = cll_open_plugin(path, err, sizeof err);

	if (!d)
		return (size_t)snprintf(reply, len, "E%s", err) + 1;
	return send_descriptor(d, reply, len);
}

/* Load `path` in a child process: a library constructor that crashes,
 * hangs, exits or leaves a daemon then harms only the probe, never the
 * host, which never loads it at all. 0 with the host's copy in *p; else -1
 * with the reason. */
int cll_probe(const char *path, struct cl_loaded_plugin *p, char *err, size_t errlen)
{
	static char reply[1 << 16];
	size_t got;
	int detail;

	switch (cl_child_call(probe, (void *)path, PROBE_TIMEOUT_MS, reply, sizeof reply, &got, &detail)) {
	case CL_CHILD_REPLIED:
		if (got > 1 && reply[0] == 'E') {
			reply[got - 1] = 0;
			return snprintf(err, errlen, "%s", cl_printable_str(reply + 1, false)), -1;
		}
		memset(p, 0, sizeof *p);
		if (got < 1 || reply[0] != 'D' || receive_descriptor(reply, got, p)) {
			cll_free_copy(p);
			return snprintf(err, errlen, "the probe sent a malformed descriptor"), -1;
		}
		p->desc = &p->copy;
		return 0;
	case CL_CHILD_NO_START:
		return snprintf(err, errlen, "cannot probe: %.900s", reply), -1;
	case CL_CHILD_TIMED_OUT:
		return snprintf(err, errlen, "did not finish loading within %d s (a library "
				"constructor that never returns?)", PROBE_TIMEOUT_MS / 1000), -1;
	case CL_CHILD_CRASHED:
		return snprintf(err, errlen, "crashed while being loaded: killed by signal %d (%s), "
				"in a library constructor or in dlopen", detail, strsignal(detail)), -1;
	case CL_CHILD_EXITED:
		break;
	}
	return snprintf(err, errlen, "the process loading it exited (code %d) before it was loaded: "
			"a library constructor called exit()?", detail), -1;
}
