#define _GNU_SOURCE
#include "order.h"
#include "xalloc.h"

#include <sys/random.h>
#include <time.h>

/* splitmix64: a small, well-mixed generator whose whole state is the seed,
 * so the schedule is reproduced from the number the results record. */
static uint64_t next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t *clrun_schedule(const size_t *counts, size_t ncells, bool sequential, uint64_t seed,
		       size_t *n)
{
	size_t total = 0, k = 0, *s;
	uint64_t state = seed;

	for (size_t c = 0; c < ncells; c++)
		total += counts[c];
	s = cl_xmalloc((total + 1) * sizeof *s);
	for (size_t c = 0; c < ncells; c++)
		for (size_t t = 0; t < counts[c]; t++)
			s[k++] = c;
	for (size_t i = total; !sequential && i > 1; i--) { /* Fisher-Yates */
		size_t j = (size_t)(next(&state) % i), tmp = s[i - 1];

		s[i - 1] = s[j];
		s[j] = tmp;
	}
	*n = total;
	return s;
}

uint64_t clrun_new_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
		seed = (uint64_t)time(NULL) ^ (uint64_t)clock();
	return seed & ((1ull << 53) - 1); /* exact in JSON, whatever reads it */
}
