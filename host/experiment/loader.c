/* The plugin loader: the probe (dlopen in a child, the ABI check before
 * anything else is read, descriptor validation, the descriptor sent back),
 * and the registry of what loaded and what did not. */
#define _GNU_SOURCE
#include "loader.h"
#include "child_call.h"
#include "paths.h"
#include "printable.h"
#include "suggest.h"
#include "xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HOST_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_ELF_MACHINE EM_AARCH64
#elif defined(__i386__)
#define HOST_ELF_MACHINE EM_386
#elif defined(__riscv)
#define HOST_ELF_MACHINE EM_RISCV
#else
#error "add this architecture's ELF machine"
#endif

#define PROBE_TIMEOUT_MS 5000
#define MAX_PARAMS      32
#define MAX_SHARED_SIZE (1u << 20)
#define MAX_LOCAL_SIZE  (64u << 10)

const char *cl_plugin_kind_name(enum cl_plugin_kind kind)
{
	switch (kind) {
	case CL_PLUGIN_STRATEGY: return "strategy";
	case CL_PLUGIN_SYNC:     return "sync";
	}
	return "unknown";
}

static void add_dir(struct cl_registry *reg, const char *dir)
{
	if (!dir || !*dir)
		return;
	for (size_t i = 0; i < reg->ndirs; i++)
		if (!strcmp(reg->dirs[i], dir))
			return;
	reg->dirs = cl_xrealloc(reg->dirs, (reg->ndirs + 1) * sizeof *reg->dirs);
	reg->dirs[reg->ndirs++] = cl_xstrdup(dir);
}

void cl_registry_init(struct cl_registry *reg, char *const *extra, size_t nextra)
{
	const char *env = getenv("CONCLAB_PLUGIN_PATH");

	memset(reg, 0, sizeof *reg);
	for (size_t i = 0; i < nextra; i++)
		add_dir(reg, extra[i]);
	if (env) {
		char *copy = cl_xstrdup(env), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			add_dir(reg, d);
		free(copy);
	}
	/* conclab's own: the build tree's only for a binary run from it */
	add_dir(reg, cl_own_plugin_dir());
}

static void add_problem(struct cl_registry *reg, const char *path, const char *reason)
{
	reg->problems = cl_xrealloc(reg->problems, (reg->nproblems + 1) * sizeof *reg->problems);
	reg->problems[reg->nproblems].path = cl_printable_str(cl_xstrdup(path), false);
	reg->problems[reg->nproblems].reason = cl_printable_str(cl_xstrdup(reason), false);
	reg->nproblems++;
}

static int valid_name(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static int validate_params(const struct cl_param_decl *p, char *err, size_t errlen)
{
	for (size_t i = 0; p && p[i].name; i++) {
		if (i >= MAX_PARAMS)
			return snprintf(err, errlen, "declares more than %d parameters", MAX_PARAMS), -1;
		if (!valid_name(p[i].name))
			return snprintf(err, errlen, "parameter %zu has an invalid name", i), -1;
		if (p[i].type != CL_PARAM_INT && p[i].type != CL_PARAM_BOOL)
			return snprintf(err, errlen, "parameter '%s' has unknown type %d", p[i].name,
					(int)p[i].type), -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p[k].name, p[i].name))
				return snprintf(err, errlen, "declares parameter '%s' twice (a config's "
						"value would reach only one of them)", p[i].name), -1;
		if (p[i].type == CL_PARAM_BOOL && p[i].def != 0 && p[i].def != 1)
			return snprintf(err, errlen, "bool parameter '%s' defaults to %lld (want 0 or 1)",
					p[i].name, (long long)p[i].def), -1;
		if (p[i].type == CL_PARAM_INT && (p[i].min > p[i].max || p[i].def < p[i].min ||
						  p[i].def > p[i].max))
			return snprintf(err, errlen, "parameter '%s': default %lld outside [%lld, %lld]",
					p[i].name, (long long)p[i].def, (long long)p[i].min,
					(long long)p[i].max), -1;
	}
	return 0;
}

cl_check_fn cl_plugin_check_fn(const struct cl_plugin *d)
{
	return CL_ABI_COVERS(d, check) ? d->check : NULL;
}

uint32_t cl_plugin_abi_minor(const struct cl_plugin *d)
{
	return cl_abi_minor(d);
}

size_t cl_plugin_ops_size(const struct cl_plugin *d)
{
	return cl_abi_ops_size(d);
}

int cl_plugin_validate(const struct cl_plugin *d, size_t symbol_size, char *err, size_t errlen)
{
	/* Only `abi` may be read before it matches: a plugin of another major
	 * version may have a descriptor of any shape. */
	if (symbol_size && symbol_size < sizeof d->abi)
		return snprintf(err, errlen, "descriptor %s is %zu bytes, too small", CL_PLUGIN_SYMBOL,
				symbol_size), -1;
	if (d->abi != CL_ABI_MAJOR)
		return snprintf(err, errlen, "built against conclab plugin ABI %u, this conclab has ABI "
				"%u.%u: %s", d->abi, CL_ABI_MAJOR, CL_ABI_MINOR,
				d->abi > CL_ABI_MAJOR ? "use a conclab of ABI major version as new as the "
				"plugin's, or rebuild the plugin against this conclab's headers "
				"(pkg-config --cflags conclab)" : "rebuild the plugin against this "
				"conclab's headers (pkg-config --cflags conclab; find_package(conclab))"), -1;
	if (d->size < CL_PLUGIN_SIZE_V1 || (symbol_size && symbol_size < d->size))
		return snprintf(err, errlen, "descriptor is %u bytes, ABI %u needs at least %zu",
				d->size, CL_ABI_MAJOR, CL_PLUGIN_SIZE_V1), -1;
	if (cl_plugin_abi_minor(d) > CL_ABI_MINOR)
		return snprintf(err, errlen, "built against conclab plugin ABI %u.%u, newer than this "
				"conclab's %u.%u: upgrade conclab, or rebuild the plugin against this "
				"conclab's headers (pkg-config --cflags conclab)", d->abi,
				cl_plugin_abi_minor(d), CL_ABI_MAJOR, CL_ABI_MINOR), -1;
	if ((d->kind == CL_PLUGIN_STRATEGY || d->kind == CL_PLUGIN_SYNC) &&
	    cl_plugin_ops_size(d) < (d->kind == CL_PLUGIN_STRATEGY ? CL_STRATEGY_OPS_SIZE_1_0
								   : CL_SYNC_OPS_SIZE_1_0))
		return snprintf(err, errlen, "its %s ops table is %zu bytes, ABI %u needs at least %zu",
				cl_plugin_kind_name(d->kind), cl_plugin_ops_size(d), CL_ABI_MAJOR,
				d->kind == CL_PLUGIN_STRATEGY ? CL_STRATEGY_OPS_SIZE_1_0
							      : CL_SYNC_OPS_SIZE_1_0), -1;
	if (d->kind != CL_PLUGIN_STRATEGY && d->kind != CL_PLUGIN_SYNC)
		return snprintf(err, errlen, "unknown plugin kind %d", (int)d->kind), -1;
	if (!valid_name(d->name))
		return snprintf(err, errlen, "missing or invalid name (want 1-64 of [a-z0-9_-])"), -1;
	if (!d->version || !d->summary)
		return snprintf(err, errlen, "plugin '%s' has no version or summary", d->name), -1;
	if (validate_params(d->params, err, errlen))
		return -1;
	if (d->kind == CL_PLUGIN_STRATEGY) {
		if (!d->ops.strategy || !d->ops.strategy->run)
			return snprintf(err, errlen, "strategy '%s' has no run op", d->name), -1;
		return 0;
	}
	const struct cl_sync_ops *s = d->ops.sync;

	if (!s)
		return snprintf(err, errlen, "sync '%s' has no ops table", d->name), -1;
	if (!s->add && (!s->lock || !s->unlock))
		return snprintf(err, errlen, "sync '%s' needs lock and unlock, or add", d->name), -1;
	if (cl_plugin_ops_size(d) >= offsetof(struct cl_sync_ops, read_unlock) + sizeof s->read_unlock &&
	    !s->read_lock != !s->read_unlock)
		return snprintf(err, errlen, "sync '%s' sets one of read_lock and read_unlock: both or "
				"neither", d->name), -1;
	if (s->shared_size > MAX_SHARED_SIZE || s->local_size > MAX_LOCAL_SIZE ||
	    s->shared_per_task > MAX_LOCAL_SIZE)
		return snprintf(err, errlen, "sync '%s' asks for absurd state sizes (%zu shared, %zu "
				"per task; limits %u and %u)", d->name, s->shared_size, s->local_size,
				MAX_SHARED_SIZE, MAX_LOCAL_SIZE), -1;
	return 0;
}

static const char *machine_name(unsigned machine)
{
	static const struct { unsigned machine; const char *name; } names[] = {
		{ EM_X86_64, "x86_64" }, { EM_AARCH64, "aarch64" }, { EM_386, "i386" },
		{ EM_RISCV, "riscv" },   { EM_ARM, "arm" },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].machine == machine)
			return names[i].name;
	return "unknown";
}

/* Is `path` an ELF shared object this host can load at all? Said here, in
 * words, rather than left to dlopen's terse "invalid ELF header". */
static int check_elf(const char *path, char *err, size_t errlen)
{
	ElfW(Ehdr) h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, &h, sizeof h) : -1;

	if (fd < 0)
		return snprintf(err, errlen, "cannot open: %s", strerror(errno)), -1;
	close(fd);
	if (n < (ssize_t)EI_NIDENT || memcmp(h.e_ident, ELFMAG, SELFMAG))
		return snprintf(err, errlen, "not an ELF file (a plugin is a shared object built "
				"with -shared -fPIC)"), -1;
	if (n < (ssize_t)sizeof h || h.e_ident[EI_CLASS] != ELFCLASS64 - (sizeof(void *) == 4))
		return snprintf(err, errlen, "a %d-bit ELF file; this conclab is %zu-bit",
				h.e_ident[EI_CLASS] == ELFCLASS32 ? 32 : 64, 8 * sizeof(void *)), -1;
	if (h.e_type != ET_DYN)
		return snprintf(err, errlen, "an ELF file but not a shared object (type %u)",
				(unsigned)h.e_type), -1;
	if (h.e_machine != HOST_ELF_MACHINE)
		return snprintf(err, errlen, "built for another architecture (ELF machine %u, %s); "
				"this host is %s (%u)", (unsigned)h.e_machine, machine_name(h.e_machine),
				machine_name(HOST_ELF_MACHINE), (unsigned)HOST_ELF_MACHINE), -1;
	return 0;
}

/* dlopen path and find its descriptor, checked; NULL with the reason. */
static const struct cl_plugin *open_plugin(const char *path, char *err, size_t errlen)
{
	const struct cl_plugin *desc;
	const ElfW(Sym) *sym = NULL;
	Dl_info info;
	void *handle;

	/* RTLD_LOCAL: two plugins may define the same static names. */
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *why = dlerror(); /* copied now: the next dl call overwrites it */

		snprintf(err, errlen, "cannot load: %s (ldd(1) shows missing libraries)",
			 why ? why : "unknown dlopen error");
		return NULL;
	}
	dlerror();
	desc = dlsym(handle, CL_PLUGIN_SYMBOL);
	if (!desc) {
		snprintf(err, errlen, "not a conclab plugin: no %s symbol (declare it with CL_PLUGIN)",
			 CL_PLUGIN_SYMBOL);
		return NULL;
	}
	if (!dladdr1(desc, &info, (void **)&sym, RTLD_DL_SYMENT))
		sym = NULL;
	if (cl_plugin_validate(desc, sym ? sym->st_size : 0, err, errlen))
		return NULL;
	return desc; /* the probe's process ends soon: no dlclose */
}

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

static size_t send_descriptor(const struct cl_plugin *d, char *reply, size_t len)
{
	struct wire w = { reply, len, 0, false };
	size_t n = 0;

	put(&w, "D", 1);
	put_i64(&w, d->size);
	put_i64(&w, cl_plugin_abi_minor(d));
	put_i64(&w, d->kind);
	put_str(&w, d->name);
	put_str(&w, d->version);
	put_str(&w, d->summary);
	put_str(&w, d->description);
	put_i64(&w, cl_plugin_check_fn(d) != NULL);
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
		d->ops.sync = &p->sync_ops;
	}
	for (size_t i = 0; i < p->nparams; i++)
		if (!p->params[i].name)
			w.bad = true;
	return w.bad || !d->name || !d->version || !d->summary ? -1 : 0;
}

static void free_copy(struct cl_loaded_plugin *p)
{
	free((char *)p->copy.name);
	free((char *)p->copy.version);
	free((char *)p->copy.summary);
	free((char *)p->copy.description);
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
	const struct cl_plugin *d = open_plugin(path, err, sizeof err);

	if (!d)
		return (size_t)snprintf(reply, len, "E%s", err) + 1;
	return send_descriptor(d, reply, len);
}

/* Load `path` in a child process: a library constructor that crashes,
 * hangs, exits or leaves a daemon then harms only the probe, never the
 * host, which never loads it at all. 0 with the host's copy in *p; else -1
 * with the reason. */
static int probe_in_child(const char *path, struct cl_loaded_plugin *p, char *err, size_t errlen)
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
			free_copy(p);
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

/* A plugin's descriptor and ops table in this host's shapes: what the
 * plugin was built without (an older minor) reads as NULL or 0, so the
 * runtime may read every field it knows. Kept for the child's life, once
 * per plugin. */
struct normal_plugin {
	const struct cl_plugin *built;
	struct cl_plugin        desc;
	struct cl_strategy_ops  strategy;
	struct cl_sync_ops      sync;
	struct normal_plugin   *next;
};

static const struct cl_plugin *normalised(const struct cl_plugin *d)
{
	static struct normal_plugin *known;
	struct normal_plugin *n;

	for (n = known; n; n = n->next)
		if (n->built == d)
			return &n->desc;
	n = cl_xcalloc(1, sizeof *n);
	n->built = d;
	memcpy(&n->desc, d, d->size < sizeof n->desc ? d->size : sizeof n->desc);
	if (d->kind == CL_PLUGIN_STRATEGY) {
		cl_abi_strategy_ops(d, &n->strategy);
		n->desc.ops.strategy = &n->strategy;
	} else {
		cl_abi_sync_ops(d, &n->sync);
		n->desc.ops.sync = &n->sync;
	}
	n->next = known;
	known = n;
	return &n->desc;
}

const struct cl_plugin *cl_plugin_real(const struct cl_loaded_plugin *p, char *err, size_t errlen)
{
	const struct cl_plugin *d = open_plugin(p->path, err, errlen);
	const struct cl_plugin *c = p->desc;
	size_t n = 0;

	if (!d)
		return NULL;
	while (d->params && d->params[n].name)
		n++;
	/* the file may have changed since it was probed, or its constructor
	 * may have rewritten the descriptor */
	bool same = d->kind == c->kind && !strcmp(d->name, c->name) && n == p->nparams;

	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(d->params[i].name, c->params[i].name) && d->params[i].type == c->params[i].type;
	if (same && d->kind == CL_PLUGIN_STRATEGY)
		same = d->ops.strategy->flags == c->ops.strategy->flags;
	else if (same)
		same = d->ops.sync->flags == c->ops.sync->flags &&
		       d->ops.sync->shared_size == c->ops.sync->shared_size &&
		       d->ops.sync->local_size == c->ops.sync->local_size &&
		       d->ops.sync->shared_per_task == c->ops.sync->shared_per_task;
	if (!same) {
		snprintf(err, errlen, "%s: its descriptor is not the one it had when it was probed",
			 p->path);
		return NULL;
	}
	return normalised(d);
}

static struct cl_loaded_plugin *find_any_kind(const struct cl_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nplugins; i++)
		if (!strcmp(reg->plugins[i]->desc->name, name))
			return reg->plugins[i];
	return NULL;
}

static const struct cl_loaded_plugin *add_file(struct cl_registry *reg, const char *path,
					       char *err, size_t errlen)
{
	struct cl_loaded_plugin p, *twin;
	char *real = realpath(path, NULL);

	for (size_t i = 0; real && i < reg->nplugins; i++) {
		if (!strcmp(reg->plugins[i]->path, real)) {
			free(real);
			return reg->plugins[i];
		}
	}
	char shown[4096];

	snprintf(shown, sizeof shown, "%s", real ? real : path);
	/* every view prints the path: one a terminal would act on is refused */
	if (cl_printable(shown, strlen(shown), false), strcmp(shown, real ? real : path)) {
		snprintf(err, errlen, "its path holds control characters: rename it");
		free(real);
		return NULL;
	}
	if (check_elf(path, err, errlen) || probe_in_child(path, &p, err, errlen)) {
		free(real);
		return NULL;
	}
	p.path = real ? real : cl_xstrdup(path);
	twin = find_any_kind(reg, p.desc->name);
	if (twin) {
		snprintf(err, errlen, "duplicate plugin '%s': %s comes first on the path and wins, "
			 "this one is shadowed (rename one plugin, or drop a folder from the path)",
			 p.desc->name, twin->path);
		free_copy(&p);
		return NULL;
	}
	reg->plugins = cl_xrealloc(reg->plugins, (reg->nplugins + 1) * sizeof *reg->plugins);
	reg->plugins[reg->nplugins] = cl_xmalloc(sizeof p);
	*reg->plugins[reg->nplugins] = p;
	/* the copy points into itself: point it at where it now lives */
	struct cl_loaded_plugin *q = reg->plugins[reg->nplugins];

	q->desc = &q->copy;
	if (q->copy.kind == CL_PLUGIN_STRATEGY)
		q->copy.ops.strategy = &q->strategy_ops;
	else
		q->copy.ops.sync = &q->sync_ops;
	return reg->plugins[reg->nplugins++];
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(struct cl_registry *reg, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return; /* a missing folder on the path is normal (no install yet) */
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 3 && !strcmp(e->d_name + len - 3, ".so")) {
			names = cl_xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = cl_xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name); /* same order on every machine */
	for (size_t i = 0; i < n; i++) {
		char path[4096], err[1024];

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (!add_file(reg, path, err, sizeof err))
			add_problem(reg, path, err);
		free(names[i]);
	}
	free(names);
}

void cl_registry_scan(struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->ndirs; i++)
		scan_dir(reg, reg->dirs[i]);
}

const struct cl_loaded_plugin *cl_registry_load_path(struct cl_registry *reg, const char *path,
						     char *err, size_t errlen)
{
	char why[1024];
	const struct cl_loaded_plugin *p = add_file(reg, path, why, sizeof why);

	if (!p)
		snprintf(err, errlen, "%s: %s", path, why);
	return p;
}

const struct cl_loaded_plugin *cl_registry_find(const struct cl_registry *reg, const char *name,
						enum cl_plugin_kind kind)
{
	const struct cl_loaded_plugin *p = find_any_kind(reg, name);

	return p && p->desc->kind == kind ? p : NULL;
}

const struct cl_loaded_plugin *cl_registry_resolve(struct cl_registry *reg, const char *ref,
						   enum cl_plugin_kind kind, char *err, size_t errlen)
{
	const struct cl_loaded_plugin *p;

	if (strchr(ref, '/'))
		p = cl_registry_load_path(reg, ref, err, errlen);
	else
		p = find_any_kind(reg, ref);
	if (p && p->desc->kind != kind) {
		snprintf(err, errlen, "'%s' is a %s plugin (%s), not a %s", ref,
			 cl_plugin_kind_name(p->desc->kind), p->path, cl_plugin_kind_name(kind));
		return NULL;
	}
	if (p || strchr(ref, '/'))
		return p;
	const char **names = cl_xmalloc((reg->nplugins + 1) * sizeof *names);
	size_t nnames = 0;
	char hint[256];

	for (size_t i = 0; i < reg->nplugins; i++)
		if (reg->plugins[i]->desc->kind == kind)
			names[nnames++] = reg->plugins[i]->desc->name;
	cl_suggest(ref, names, nnames, 2, hint, sizeof hint);
	free(names);
	size_t len = (size_t)snprintf(err, errlen, "unknown %s plugin '%s'%s (searched:",
				      cl_plugin_kind_name(kind), ref, hint);
	for (size_t i = 0; i < reg->ndirs && len < errlen; i++)
		len += (size_t)snprintf(err + len, errlen - len, " %s", reg->dirs[i]);
	if (len < errlen)
		snprintf(err + len, errlen - len, "; `conclab plugins` lists what was found)");
	return NULL;
}

void cl_registry_prune(struct cl_registry *reg,
		       int (*keep)(const struct cl_loaded_plugin *p, void *arg), void *arg)
{
	size_t kept = 0;

	for (size_t i = 0; i < reg->nplugins; i++) {
		struct cl_loaded_plugin *p = reg->plugins[i];

		if (keep(p, arg)) {
			reg->plugins[kept++] = p;
			continue;
		}
		free_copy(p);
		free(p);
	}
	reg->nplugins = kept;
}

void cl_registry_free(struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->nplugins; i++) {
		free_copy(reg->plugins[i]);
		free(reg->plugins[i]);
	}
	for (size_t i = 0; i < reg->nproblems; i++) {
		free(reg->problems[i].path);
		free(reg->problems[i].reason);
	}
	for (size_t i = 0; i < reg->ndirs; i++)
		free(reg->dirs[i]);
	free(reg->plugins);
	free(reg->problems);
	free(reg->dirs);
	memset(reg, 0, sizeof *reg);
}
