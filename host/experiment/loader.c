/* The plugin loader: dlopen, the ABI check before anything else is read,
 * descriptor validation, and the registry of what loaded and what did not. */
#define _GNU_SOURCE
#include "loader.h"
#include "child_call.h"
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
	add_dir(reg, CL_BUILD_PLUGIN_DIR);
	add_dir(reg, CL_INSTALL_PLUGIN_DIR);
}

static void add_problem(struct cl_registry *reg, const char *path, const char *reason)
{
	reg->problems = cl_xrealloc(reg->problems, (reg->nproblems + 1) * sizeof *reg->problems);
	reg->problems[reg->nproblems].path = cl_xstrdup(path);
	reg->problems[reg->nproblems].reason = cl_xstrdup(reason);
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
	return d->size >= offsetof(struct cl_plugin, check) + sizeof d->check ? d->check : NULL;
}

int cl_plugin_validate(const struct cl_plugin *d, size_t symbol_size, char *err, size_t errlen)
{
	/* Only `abi` may be read before it matches: a plugin of another ABI
	 * may have a descriptor of any shape. */
	if (symbol_size && symbol_size < sizeof d->abi)
		return snprintf(err, errlen, "descriptor %s is %zu bytes, too small", CL_PLUGIN_SYMBOL,
				symbol_size), -1;
	if (d->abi != CL_ABI_VERSION)
		return snprintf(err, errlen, "built for plugin ABI version %u, this conclab speaks %u; "
				"rebuild it against this include/conclab/", d->abi, CL_ABI_VERSION), -1;
	if (d->size < CL_PLUGIN_SIZE_V1 || (symbol_size && symbol_size < d->size))
		return snprintf(err, errlen, "descriptor is %u bytes, ABI %u needs at least %zu",
				d->size, CL_ABI_VERSION, CL_PLUGIN_SIZE_V1), -1;
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

/* 0 and the plugin in *out, or -1 with the reason in err. */
static int open_plugin(const char *path, struct cl_loaded_plugin *out, char *err, size_t errlen)
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
		return -1;
	}
	dlerror();
	desc = dlsym(handle, CL_PLUGIN_SYMBOL);
	if (!desc) {
		snprintf(err, errlen, "not a conclab plugin: no %s symbol (declare it with CL_PLUGIN)",
			 CL_PLUGIN_SYMBOL);
		dlclose(handle);
		return -1;
	}
	if (!dladdr1(desc, &info, (void **)&sym, RTLD_DL_SYMENT))
		sym = NULL;
	if (cl_plugin_validate(desc, sym ? sym->st_size : 0, err, errlen)) {
		dlclose(handle);
		return -1;
	}
	out->desc = desc;
	out->handle = handle;
	out->path = realpath(path, NULL);
	if (!out->path)
		out->path = cl_xstrdup(path);
	out->nparams = 0;
	while (desc->params && desc->params[out->nparams].name)
		out->nparams++;
	return 0;
}

static void probe(void *path, char *reply, size_t len)
{
	struct cl_loaded_plugin p;

	if (open_plugin(path, &p, reply, len) == 0)
		free(p.path); /* the child ends here; valgrind counts what it drops */
}

/* Load `path` in a child process first: a library constructor that
 * crashes, hangs or exits then takes down only the probe, never the host.
 * 0 if the child loaded and validated it; else -1 with the reason. */
static int probe_in_child(const char *path, char *err, size_t errlen)
{
	char reason[1024];
	int detail;

	switch (cl_child_call(probe, (void *)path, PROBE_TIMEOUT_MS, reason, sizeof reason, &detail)) {
	case CL_CHILD_REPLIED:
		return reason[0] ? snprintf(err, errlen, "%s", reason), -1 : 0;
	case CL_CHILD_NO_START:
		return snprintf(err, errlen, "cannot probe: %.900s", reason), -1;
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
	free(real);
	if (check_elf(path, err, errlen) || probe_in_child(path, err, errlen) ||
	    open_plugin(path, &p, err, errlen))
		return NULL;
	twin = find_any_kind(reg, p.desc->name);
	if (twin) {
		snprintf(err, errlen, "duplicate plugin '%s': %s comes first on the path and wins",
			 p.desc->name, twin->path);
		dlclose(p.handle);
		free(p.path);
		return NULL;
	}
	reg->plugins = cl_xrealloc(reg->plugins, (reg->nplugins + 1) * sizeof *reg->plugins);
	reg->plugins[reg->nplugins] = cl_xmalloc(sizeof p);
	*reg->plugins[reg->nplugins] = p;
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
		dlclose(p->handle);
		free(p->path);
		free(p);
	}
	reg->nplugins = kept;
}

void cl_registry_free(struct cl_registry *reg)
{
	for (size_t i = 0; i < reg->nplugins; i++) {
		dlclose(reg->plugins[i]->handle);
		free(reg->plugins[i]->path);
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
