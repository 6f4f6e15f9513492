#include "interference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STEAL_LIMIT_PCT 5.0

void clrun_sample(struct clrun_machine_sample *s)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	unsigned long long v[10] = { 0 };

	memset(s, 0, sizeof *s);
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "cpu ", 4)) {
			/* user nice system idle iowait irq softirq steal guest guest_nice */
			if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
				   &v[3], &v[4], &v[5], &v[6], &v[7]) >= 4) {
				s->busy = v[0] + v[1] + v[2] + v[5] + v[6];
				s->steal = v[7];
				s->total = s->busy + v[3] + v[4] + v[7];
				s->ok = true;
			}
		} else if (!strncmp(line, "procs_running ", 14)) {
			s->running = atoi(line + 14);
		}
	}
	if (f)
		fclose(f);
}

void clrun_judge_interference(const struct clrun_machine_sample *before,
			      const struct clrun_machine_sample *after, struct cl_trial_result *t)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t total = after->total - before->total;

	if (!before->ok || !after->ok)
		return;
	t->steal_pct = total ? 100.0 * (double)(after->steal - before->steal) / (double)total : 0;
	/* runnable at both ends of the trial: one sample alone catches a
	 * kernel thread or the last trial's exiting processes passing by */
	int running = before->running < after->running ? before->running : after->running;

	t->others_running = running > 1 ? running - 1 : 0;
	t->interfered = t->steal_pct >= STEAL_LIMIT_PCT || t->others_running >= cpus;
}
