/* Whether a plugin can be trusted to be read: its file an ELF shared object
 * of this host's class and machine, its descriptor of a major this host
 * knows and a minor it covers, every field sound (the ABI's reading itself is
 * runtime/abi/plugin_abi.h, shared with the remote runtime); and the real
 * plugin, loaded in a trial or a check's child. */
#define _GNU_SOURCE
#include "loader_internal.h"
#include "printable.h"
#include "xalloc.h"

#include <ctype.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
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

static int valid_name(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

#define MAX_TEXT 4096 /* bytes of a text parameter, at most */

static int validate_params(const struct cl_plugin *d, char *err, size_t errlen)
{
	const struct cl_param_decl *p = d->params;
	bool remote_sync = d->kind == CL_PLUGIN_SYNC && d->ops.sync && (d->ops.sync->flags & CL_SYNC_REMOTE);

	for (size_t i = 0; p && p[i].name; i++) {
		if (i >= MAX_PARAMS)
			return snprintf(err, errlen, "declares more than %d parameters", MAX_PARAMS), -1;
		if (!valid_name(p[i].name))
			return snprintf(err, errlen, "parameter %zu has an invalid name", i), -1;
		if (p[i].type != CL_PARAM_INT && p[i].type != CL_PARAM_BOOL &&
		    !(cl_param_is_text(p[i].type) && cl_plugin_abi_minor(d) >= 4))
			return snprintf(err, errlen, "parameter '%s' has unknown type %d", p[i].name,
					(int)p[i].type), -1;
		if (cl_param_is_text(p[i].type) && (p[i].def || p[i].min || p[i].max < 1 || p[i].max > MAX_TEXT))
			return snprintf(err, errlen, "text parameter '%s' must have def and min 0 and max "
					"(its most bytes) 1 to %d", p[i].name, MAX_TEXT), -1;
		if (cl_param_is_text(p[i].type) && remote_sync)
			return snprintf(err, errlen, "text parameter '%s' in a CL_SYNC_REMOTE sync: its "
					"parameters travel to other address spaces as numbers", p[i].name), -1;
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
	if (validate_params(d, err, errlen))
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
int cll_check_elf(const char *path, char *err, size_t errlen)
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
const struct cl_plugin *cll_open_plugin(const char *path, char *err, size_t errlen)
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
	const struct cl_plugin *d = cll_open_plugin(p->path, err, errlen);
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
