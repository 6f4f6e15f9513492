/* A binary min-heap of task indices ordered by their deadlines, for the
 * event-loop strategies that park sleeping tasks (hybrid, uring). Header
 * only and static: each plugin stays one shared object of its own. (async
 * keeps its own lanes, which beat a heap for a million equal sleeps.) */
#ifndef CL_PLUGINS_DEADLINES_H
#define CL_PLUGINS_DEADLINES_H

#include <stddef.h>
#include <stdint.h>

struct deadlines {
	int64_t  *at;   /* per task of the trial: its deadline while it sleeps */
	uint32_t *heap; /* room for every task that may sleep at once */
	size_t    len;
};

static inline void deadlines_push(struct deadlines *d, uint32_t task, int64_t at)
{
	size_t i = d->len++;

	d->at[task] = at;
	while (i && d->at[d->heap[(i - 1) / 2]] > at) {
		d->heap[i] = d->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	d->heap[i] = task;
}

/* The earliest deadline, or INT64_MAX when no task sleeps. */
static inline int64_t deadlines_next(const struct deadlines *d)
{
	return d->len ? d->at[d->heap[0]] : INT64_MAX;
}

static inline uint32_t deadlines_pop(struct deadlines *d)
{
	uint32_t top = d->heap[0], v = d->heap[--d->len];
	size_t i = 0, n = d->len;

	while (2 * i + 1 < n) {
		size_t c = 2 * i + 1;

		if (c + 1 < n && d->at[d->heap[c + 1]] < d->at[d->heap[c]])
			c++;
		if (d->at[d->heap[c]] >= d->at[v])
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (n)
		d->heap[i] = v;
	return top;
}

#endif
