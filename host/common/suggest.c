#include "suggest.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

size_t cl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = cl_xmalloc((lb + 1) * sizeof *row), d;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			diag = up;
			row[j] = best;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

void cl_suggest(const char *want, const char *const *names, size_t n, size_t most, char *buf,
		size_t len)
{
	size_t best = (size_t)-1, said = 0, used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t d = cl_edit_distance(want, names[i]);

		best = d < best ? d : best;
	}
	if (!n || best == 0)
		return;
	for (size_t i = 0; i < n && said < most && used < len; i++) {
		size_t longer = strlen(want) > strlen(names[i]) ? strlen(want) : strlen(names[i]);
		size_t limit = longer / 3 > 2 ? longer / 3 : 2;

		if (cl_edit_distance(want, names[i]) != best || best > limit)
			continue;
		for (size_t k = 0; k < i; k++) /* each name once */
			if (!strcmp(names[k], names[i]))
				goto next;
		used += (size_t)snprintf(buf + used, len - used, "%s'%s'",
					 said ? " or " : "; did you mean ", names[i]);
		said++;
next:;
	}
	if (said && used < len)
		snprintf(buf + used, len - used, "?");
}
