/* Baseline: one libuv loop with N timers of 1 s each (libuv keeps them in a
 * binary heap). Prints wall time and peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <uv.h>

static void fired(uv_timer_t *t)
{
	(void)t;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	uv_timer_t *timers = malloc(n * sizeof *timers);
	uv_loop_t *loop = uv_default_loop();
	uint64_t t0 = uv_hrtime();
	struct rusage ru;

	for (int i = 0; i < n; i++) {
		uv_timer_init(loop, &timers[i]);
		uv_timer_start(&timers[i], fired, 1000, 0);
	}
	uv_run(loop, UV_RUN_DEFAULT);
	getrusage(RUSAGE_SELF, &ru);
	printf("uv_timers %d: %.3f s, max rss %.1f MB\n", n, (uv_hrtime() - t0) / 1e9, ru.ru_maxrss / 1024.0);
	return 0;
}
