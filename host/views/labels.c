/* Cell labels short enough for a terminal: a swept setting's path
 * ("steps[0].read_pct") by its last name ("read_pct") where that name is
 * unique, and, when still too wide, the strategy every cell shares left out;
 * the legend above the table says what was shortened. */
#define _GNU_SOURCE
#include "views.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The last name of a setting's path, or NULL when it is a name already. */
static const char *last_name(const char *key, size_t len)
{
	const char *end = key + len, *p = end;

	while (p > key && p[-1] != '.' && p[-1] != ']')
		p--;
	return p == key || p == end ? NULL : p;
}

struct rename {
	char  *path;  /* "steps[0].read_pct"  */
	size_t short_len;
	bool   unique;
};

/* Every swept setting with a path, and whether its last name is unique. */
static size_t collect_paths(const struct cl_results *r, struct rename **out)
{
	struct rename *rn = NULL;
	size_t n = 0;

	for (size_t i = 0; i < r->ncells; i++) {
		const char *sp = strchr(r->cells[i].label, ' ');

		for (const char *t = sp; t && *t; t = strchr(t, ' ')) {
			size_t len = strcspn(++t, " ="), k;
			const char *name = t[len] == '=' ? last_name(t, len) : NULL;

			if (!name)
				continue;
			for (k = 0; k < n && (strlen(rn[k].path) != len || strncmp(rn[k].path, t, len)); k++)
				;
			if (k < n)
				continue;
			rn = cl_xrealloc(rn, (n + 1) * sizeof *rn);
			rn[n++] = (struct rename){ strndup(t, len), (size_t)(t + len - name), true };
		}
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++) {
			const char *x = rn[a].path + strlen(rn[a].path) - rn[a].short_len;
			const char *y = rn[b].path + strlen(rn[b].path) - rn[b].short_len;

			if (a != b && rn[a].short_len == rn[b].short_len && !strcmp(x, y))
				rn[a].unique = false;
		}
	*out = rn;
	return n;
}

/* The strategy of a label ("io: threads+mutex ..." -> "threads"), as a
 * span of it; false when the label has none. */
static bool strategy_of(const char *label, const char **s, size_t *len)
{
	const char *colon = strstr(label, ": ");
	const char *start = colon && colon < strchr(label, '+') ? colon + 2 : label;
	const char *plus = strchr(start, '+');

	if (!plus)
		return false;
	*s = start;
	*len = (size_t)(plus - start);
	return true;
}

/* The strategy every cell has, or NULL (malloc'ed). */
static char *shared_strategy(const struct cl_results *r)
{
	const char *first = NULL, *s;
	size_t first_len = 0, len;

	for (size_t i = 0; i < r->ncells; i++) {
		if (!strategy_of(r->cells[i].label, &s, &len))
			return NULL;
		if (!first) {
			first = s;
			first_len = len;
		} else if (len != first_len || strncmp(s, first, len)) {
			return NULL;
		}
	}
	return first && r->ncells > 1 ? strndup(first, first_len) : NULL;
}

char **cl_view_short_labels(const struct cl_results *r, int level, char **legend)
{
	struct rename *rn = NULL;
	size_t n = collect_paths(r, &rn), len = 0;
	char **labels = cl_xcalloc(r->ncells + 1, sizeof *labels);
	char *strategy = level >= 2 ? shared_strategy(r) : NULL;
	FILE *f = open_memstream(legend, &len);

	for (size_t i = 0; i < r->ncells; i++) {
		char *out = NULL;
		size_t olen = 0;
		FILE *o = open_memstream(&out, &olen);
		const char *l = r->cells[i].label, *s;
		size_t slen;

		if (strategy && strategy_of(l, &s, &slen)) { /* "io: threads+mutex" -> "io: mutex" */
			fprintf(o, "%.*s", (int)(s - l), l);
			l = s + slen + 1;
		}
		for (const char *t = l; *t;) {
			size_t tok = strcspn(t, " "), k, key = strcspn(t, " =");

			for (k = 0; k < n; k++)
				if (rn[k].unique && t[key] == '=' && strlen(rn[k].path) == key &&
				    !strncmp(rn[k].path, t, key))
					break;
			if (k < n) /* the last name, then "=value" */
				fprintf(o, "%.*s", (int)(tok - key + rn[k].short_len), t + key - rn[k].short_len);
			else
				fprintf(o, "%.*s", (int)tok, t);
			t += tok;
			if (*t)
				fputc(*t++, o);
		}
		fclose(o);
		labels[i] = out;
	}
	{
		const char *sep = "labels shortened: ";

		for (size_t k = 0; k < n; k++)
			if (rn[k].unique) {
				fprintf(f, "%s%s = %s", sep, rn[k].path + strlen(rn[k].path) - rn[k].short_len,
					rn[k].path);
				sep = ", ";
			}
		if (strategy)
			fprintf(f, "%severy cell's strategy is %s (left out of its label)", sep, strategy);
	}
	fclose(f);
	for (size_t k = 0; k < n; k++)
		free(rn[k].path);
	free(rn);
	free(strategy);
	return labels;
}

void cl_view_labels_free(char **labels, size_t n)
{
	for (size_t i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
}
