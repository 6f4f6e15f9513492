/* Private to the run: the order of an experiment's trials. Interleaved by
 * default, in a seeded random order, so that a drift of the machine (a
 * noisy neighbour, a thermal change) spreads over every cell instead of
 * landing on the cells that happened to run then. */
#ifndef CLH_RUN_ORDER_H
#define CLH_RUN_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The schedule: cell indices, each cell's count times (counts[c] trials
 * of cell c), shuffled by `seed` unless `sequential` (cell by cell). The
 * same counts and seed always give the same schedule, so a resumed run
 * goes on in the order it started in. malloc'ed; *n gets its length. */
size_t *clrun_schedule(const size_t *counts, size_t ncells, bool sequential, uint64_t seed,
		       size_t *n);

/* A seed for a new run: from the kernel's random source. */
uint64_t clrun_new_seed(void);

#endif
