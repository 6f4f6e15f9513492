/* hwloc does the reading (Debian libhwloc-dev): sysfs, caches and NUMA
 * nodes differ across kernels and machines, which hwloc already handles.
 * Only the two placement orders are ours. */
#define _GNU_SOURCE
#include "topology.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef CL_HAVE_HWLOC
#include <hwloc.h>
#endif

static struct cl_topology topo;
static cpu_set_t usable;
static int read_done;

/* One CPU's place, for the scatter order. */
struct place {
	int os, smt_rank, core_rank, package;
};

static int by_scatter(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->smt_rank != y->smt_rank)
		return x->smt_rank - y->smt_rank;
	if (x->core_rank != y->core_rank)
		return x->core_rank - y->core_rank;
	return x->package != y->package ? x->package - y->package : x->os - y->os;
}

static void from_mask(struct cl_topology *t)
{
	for (int cpu = 0; cpu < CPU_SETSIZE && t->ncpus < CL_TOPOLOGY_MAX_CPUS; cpu++)
		if (CPU_ISSET(cpu, &usable)) {
			t->compact[t->ncpus] = t->scatter[t->ncpus] = cpu;
			t->ncpus++;
		}
	t->cores = t->ncpus;
	t->packages = t->numa_nodes = 1;
	t->smt = 1;
}

#ifdef CL_HAVE_HWLOC
static int64_t cache_kb(hwloc_topology_t h, hwloc_obj_type_t type, int64_t *line)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(h, type, 0);

	if (!o)
		return 0;
	if (line && !*line)
		*line = o->attr->cache.linesize;
	return (int64_t)(o->attr->cache.size / 1024);
}

static int from_hwloc(struct cl_topology *t)
{
	hwloc_topology_t h;
	struct place *pl;
	int npu, n = 0, ncores, loaded = hwloc_topology_init(&h) == 0;

	if (loaded && hwloc_topology_load(h)) {
		hwloc_topology_destroy(h);
		loaded = 0;
	}
	if (!loaded) {
		snprintf(t->warning, sizeof t->warning, "hwloc could not read the topology: placement "
			 "follows CPU numbers, cores and caches are not recorded");
		return -1;
	}
	npu = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU);
	ncores = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_CORE);
	pl = calloc((size_t)npu + 1, sizeof *pl);
	int *core_rank = calloc((size_t)ncores + 1, sizeof *core_rank);
	int *core_used = calloc((size_t)ncores + 1, sizeof *core_used);
	int *pkg_cores = calloc((size_t)hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PACKAGE) + 1, sizeof(int));
	hwloc_bitmap_t pkgs = hwloc_bitmap_alloc(), nodes = hwloc_bitmap_alloc();

	for (int i = 0; i < npu && n < CL_TOPOLOGY_MAX_CPUS; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(h, HWLOC_OBJ_PU, (unsigned)i);
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(h, HWLOC_OBJ_CORE, pu);
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(h, HWLOC_OBJ_PACKAGE, pu);
		int c = core ? (int)core->logical_index : i % (ncores ? ncores : 1);
		int p = pkg ? (int)pkg->logical_index : 0;

		if ((int)pu->os_index >= CPU_SETSIZE || !CPU_ISSET(pu->os_index, &usable))
			continue;
		if (!core_used[c]++) {
			core_rank[c] = pkg_cores[p]++;
			t->cores++;
		}
		if (core_used[c] > t->smt)
			t->smt = core_used[c];
		hwloc_bitmap_set(pkgs, (unsigned)p);
		hwloc_bitmap_or(nodes, nodes, pu->nodeset);
		t->compact[n] = (int)pu->os_index;
		pl[n++] = (struct place){ .os = (int)pu->os_index, .smt_rank = core_used[c] - 1,
					  .core_rank = core_rank[c], .package = p };
	}
	qsort(pl, (size_t)n, sizeof *pl, by_scatter);
	for (int i = 0; i < n; i++)
		t->scatter[i] = pl[i].os;
	t->ncpus = n;
	t->packages = hwloc_bitmap_weight(pkgs);
	t->numa_nodes = hwloc_bitmap_weight(nodes) > 0 ? hwloc_bitmap_weight(nodes) : 1;
	t->l1d_kb = cache_kb(h, HWLOC_OBJ_L1CACHE, &t->line_bytes);
	t->l2_kb = cache_kb(h, HWLOC_OBJ_L2CACHE, &t->line_bytes);
	t->l3_kb = cache_kb(h, HWLOC_OBJ_L3CACHE, &t->line_bytes);
	t->hwloc = true;
	hwloc_bitmap_free(pkgs);
	hwloc_bitmap_free(nodes);
	free(pl);
	free(core_rank);
	free(core_used);
	free(pkg_cores);
	hwloc_topology_destroy(h);
	return n > 0 ? 0 : -1;
}
#endif

const struct cl_topology *cl_topology(void)
{
	if (read_done)
		return &topo;
	read_done = 1;
	if (sched_getaffinity(0, sizeof usable, &usable)) {
		CPU_ZERO(&usable);
		CPU_SET(0, &usable);
	}
#ifdef CL_HAVE_HWLOC
	/* CONCLAB_NO_HWLOC: as on a machine where hwloc cannot read the
	 * topology (the tests use it to see the warning) */
	if (getenv("CONCLAB_NO_HWLOC")) {
		snprintf(topo.warning, sizeof topo.warning, "hwloc not used (CONCLAB_NO_HWLOC): placement "
			 "follows CPU numbers, cores and caches are not recorded");
		from_mask(&topo);
		return &topo;
	}
	if (from_hwloc(&topo) == 0)
		return &topo;
	{
		char why[sizeof topo.warning];

		memcpy(why, topo.warning, sizeof why);
		memset(&topo, 0, sizeof topo);
		memcpy(topo.warning, why, sizeof why);
	}
#else
	snprintf(topo.warning, sizeof topo.warning, "built without hwloc (libhwloc-dev): placement "
		 "follows CPU numbers, cores and caches are not recorded");
#endif
	from_mask(&topo);
	return &topo;
}

bool cl_topology_usable(int cpu)
{
	cl_topology();
	return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &usable);
}
