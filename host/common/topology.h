/* The machine's CPUs as a placement sees them: which this process may use,
 * how they group into cores, packages and NUMA nodes, and the caches, read
 * with hwloc (or, built without it, from the affinity mask alone). */
#ifndef CLH_TOPOLOGY_H
#define CLH_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#define CL_TOPOLOGY_MAX_CPUS 1024

struct cl_topology {
	bool    hwloc;        /* false: from the affinity mask, numbers only   */
	int     packages, numa_nodes, cores; /* those with a usable CPU         */
	int     ncpus;        /* CPUs (hardware threads) this process may use  */
	int     smt;          /* the most hardware threads of one core         */
	int64_t l1d_kb, l2_kb, l3_kb; /* one cache of each level (0: unknown)  */
	int64_t line_bytes;   /* cache line (0: unknown)                       */
	/* The usable CPUs (OS numbers) in two orders: compact fills a core's
	 * hardware threads, then the next core of the same package; scatter
	 * takes one thread of each core, alternating packages, before any
	 * second thread of a core. */
	int     compact[CL_TOPOLOGY_MAX_CPUS];
	int     scatter[CL_TOPOLOGY_MAX_CPUS];
	char    warning[200]; /* why hwloc was not used, or ""                 */
};

/* Read once per process; the same answer after. */
const struct cl_topology *cl_topology(void);

/* Is CPU `cpu` (an OS number) one this process may run on? */
bool cl_topology_usable(int cpu);

#endif
