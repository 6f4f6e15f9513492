/* "Did you mean": the names closest to a misspelt one, by edit distance, so
 * every error about an unknown name (plugin, cell, verb) can point at the
 * right one. */
#ifndef CLH_SUGGEST_H
#define CLH_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b (insert, delete, substitute: 1). */
size_t cl_edit_distance(const char *a, const char *b);

/* Write "; did you mean 'x'?" (or "'x' or 'y'") for the names among
 * names[0..n) closest to `want`, when one is close enough to be a likely
 * typo (distance at most a third of the longer name, at least 2); writes ""
 * otherwise. At most `most` names are offered. */
void cl_suggest(const char *want, const char *const *names, size_t n, size_t most, char *buf,
		size_t len);

#endif
