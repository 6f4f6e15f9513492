/* A plugin's descriptor read as the versioning policy says
 * (include/conclab/plugin.h): a field only where the size the plugin
 * recorded covers it, an ops table only as far as its recorded size. The
 * loader (experiment) and the runtime's remote side (remote.c) both read
 * descriptors: this is the one place that says how. Host-private, header
 * only: nothing of it is exported by libconclab. */
#ifndef CLH_PLUGIN_ABI_H
#define CLH_PLUGIN_ABI_H

#include <conclab/plugin.h>

#include <stddef.h>
#include <string.h>

/* The ops tables as ABI 1.0 had them: a plugin without `abi_minor`. */
#define CL_STRATEGY_OPS_SIZE_1_0 (offsetof(struct cl_strategy_ops, run) + sizeof(void (*)(void)))
#define CL_SYNC_OPS_SIZE_1_0     (offsetof(struct cl_sync_ops, flush) + sizeof(void (*)(void)))

/* Does the descriptor, as the plugin was built, reach past `field`? */
#define CL_ABI_COVERS(d, field) ((d)->size >= offsetof(struct cl_plugin, field) + sizeof(d)->field)

/* The minor version it was built against: 0 for a 1.0 descriptor. */
static inline uint32_t cl_abi_minor(const struct cl_plugin *d)
{
	return CL_ABI_COVERS(d, abi_minor) ? d->abi_minor : 0;
}

/* The size of its ops table (the one of its kind) at build time. */
static inline size_t cl_abi_ops_size(const struct cl_plugin *d)
{
	/* 0: a descriptor written without CL_PLUGIN, which fills them */
	if (d->kind == CL_PLUGIN_STRATEGY)
		return CL_ABI_COVERS(d, strategy_ops_size) && d->strategy_ops_size ? d->strategy_ops_size
										   : CL_STRATEGY_OPS_SIZE_1_0;
	return CL_ABI_COVERS(d, sync_ops_size) && d->sync_ops_size ? d->sync_ops_size : CL_SYNC_OPS_SIZE_1_0;
}

/* Its sync ops in this host's shape: what it was built without reads NULL. */
static inline void cl_abi_sync_ops(const struct cl_plugin *d, struct cl_sync_ops *out)
{
	size_t ops = cl_abi_ops_size(d);

	memset(out, 0, sizeof *out);
	memcpy(out, d->ops.sync, ops < sizeof *out ? ops : sizeof *out);
}

/* The same for a strategy's. */
static inline void cl_abi_strategy_ops(const struct cl_plugin *d, struct cl_strategy_ops *out)
{
	size_t ops = cl_abi_ops_size(d);

	memset(out, 0, sizeof *out);
	memcpy(out, d->ops.strategy, ops < sizeof *out ? ops : sizeof *out);
}

#endif
