#include "placement.h"
#include "topology.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Walk a CPU list "0,2-3,8": each CPU to `cpus` (at most CL_MAX_PLACE);
 * returns how many, or -1 with why. */
static int cpu_list(const char *text, uint16_t *cpus, char *why, size_t len)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		char *end;
		long lo, hi;

		while (*p == ' ')
			p++;
		lo = hi = strtol(p, &end, 10);
		if (end == p || lo < 0 || *p == '-' || *p == '+')
			return snprintf(why, len, "\"%s\": want none, compact, scatter or a CPU list like "
					"\"0,2-3\"", text), -1;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1 || hi < lo || p[1] == ' ' || p[1] == '-' || p[1] == '+')
				return snprintf(why, len, "\"%s\": a range is LOW-HIGH, LOW <= HIGH", text), -1;
			p = end;
			while (*p == ' ')
				p++;
		}
		if ((*p && *p != ',') || (*p == ',' && !p[1 + strspn(p + 1, " ")]))
			return snprintf(why, len, "\"%s\": want none, compact, scatter or a CPU list like "
					"\"0,2-3\"", text), -1;
		p += *p == ',';
		/* before any narrowing (to int here, to uint16_t in the list):
		 * 4294967296 once became CPU 0 */
		if (hi > UINT16_MAX)
			return snprintf(why, len, "CPU %ld is past the largest CPU number a placement "
					"can name (%d)", hi, UINT16_MAX), -1;
		for (long cpu = lo; cpu <= hi; cpu++) {
			if (!cl_topology_usable((int)cpu)) {
				const struct cl_topology *t = cl_topology();
				char allowed[128] = "";

				for (int i = 0; i < t->ncpus && strlen(allowed) < sizeof allowed - 8; i++)
					snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed),
						 "%s%d", i ? "," : "", t->compact[i]);
				return snprintf(why, len, "CPU %ld is not one this process may use (its "
						"affinity mask and cgroup allow: %s)", cpu, allowed), -1;
			}
			if (n == CL_MAX_PLACE)
				return snprintf(why, len, "a list of more than %d CPUs (a CPU may be listed "
						"once: workers past the list's end start again at its first)",
						CL_MAX_PLACE), -1;
			if (cpus)
				cpus[n] = (uint16_t)cpu;
			n++;
		}
	}
	return n ? n : (snprintf(why, len, "an empty CPU list"), -1);
}

int cl_placement_parse(const char *text, int64_t *code, char *why, size_t len)
{
	if (!strcmp(text, "none"))
		*code = CL_PLACE_NONE;
	else if (!strcmp(text, "compact"))
		*code = CL_PLACE_COMPACT;
	else if (!strcmp(text, "scatter"))
		*code = CL_PLACE_SCATTER;
	else if (cpu_list(text, NULL, why, len) < 0)
		return -1;
	else
		*code = CL_PLACE_LIST;
	return 0;
}

void cl_placement_resolve(int64_t code, char *const *lists, struct clw_placement *place)
{
	const struct cl_topology *t = cl_topology();
	char why[160];

	place->n = 0;
	if (code == CL_PLACE_COMPACT || code == CL_PLACE_SCATTER) {
		for (int i = 0; i < t->ncpus && i < CL_MAX_PLACE; i++)
			place->cpus[i] = (uint16_t)(code == CL_PLACE_COMPACT ? t->compact[i] : t->scatter[i]);
		place->n = t->ncpus < CL_MAX_PLACE ? t->ncpus : CL_MAX_PLACE;
	} else if (code >= CL_PLACE_LIST && code < CL_PLACE_LIST + CL_MAX_PLACE_LISTS &&
		   lists[code - CL_PLACE_LIST]) {
		int n = cpu_list(lists[code - CL_PLACE_LIST], place->cpus, why, sizeof why);

		place->n = n > 0 ? n : 0;
	}
}

const char *cl_placement_text(int64_t code, char *const *lists)
{
	static const char *const names[] = { "none", "compact", "scatter" };

	if (code >= 0 && code < CL_PLACE_LIST)
		return names[code];
	if (code < CL_PLACE_LIST + CL_MAX_PLACE_LISTS && lists[code - CL_PLACE_LIST])
		return lists[code - CL_PLACE_LIST];
	return "?";
}
