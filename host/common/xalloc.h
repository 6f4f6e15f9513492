/* Allocation for the host: running out of memory is not a condition the
 * host can measure through, so it says so and exits 2 instead of handing a
 * NULL to the next line. (The runtime, libconclab, reports its own
 * failures per trial.) */
#ifndef CLH_XALLOC_H
#define CLH_XALLOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *cl_oom(void *p)
{
	if (!p) {
		fputs("conclab: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* Zero sizes are asked for as one byte, so NULL always means failure. */
static inline void *cl_xmalloc(size_t n)
{
	return cl_oom(malloc(n ? n : 1));
}

static inline void *cl_xcalloc(size_t n, size_t size)
{
	return cl_oom(calloc(n ? n : 1, size ? size : 1));
}

static inline void *cl_xrealloc(void *p, size_t n)
{
	return cl_oom(realloc(p, n ? n : 1));
}

static inline char *cl_xstrdup(const char *s)
{
	return cl_oom(strdup(s));
}

#endif
