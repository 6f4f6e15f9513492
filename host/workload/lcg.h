/* The LCG of compute steps and of I/O steps' words (Knuth's MMIX constants),
 * inline for the loops that make or check gigabytes of words a second: the
 * server's bodies, the runtime's check of what a task received. The
 * constants are the plugin ABI's (conclab/runtime.h, since 1.5: a runtime
 * of another language runs the same kernel), written there and nowhere
 * else. */
#ifndef CLW_LCG_H
#define CLW_LCG_H

#include <conclab/runtime.h>
#include <stdint.h>

#define CLW_LCG_A CL_LCG_A
#define CLW_LCG_C CL_LCG_C

/* The next word. */
static inline uint64_t clw_lcg_next(uint64_t x)
{
	return x * CLW_LCG_A + CLW_LCG_C;
}

/* The compute kernel: n steps from x, inline in the task's loop (a call
 * would be measured under every lock). Each step depends on the last, so it
 * can be neither vectorised nor folded by the compiler. */
static inline uint64_t clw_lcg_advance(uint64_t x, uint64_t n)
{
	while (n--)
		x = clw_lcg_next(x);
	return x;
}

/* The word four steps on, in one multiply: four lanes each wait on their
 * own multiply, not on the word before. */
static inline uint64_t clw_lcg_next4(uint64_t x)
{
	return x * (CLW_LCG_A * CLW_LCG_A * CLW_LCG_A * CLW_LCG_A) +
	       CLW_LCG_C * (1 + CLW_LCG_A + CLW_LCG_A * CLW_LCG_A + CLW_LCG_A * CLW_LCG_A * CLW_LCG_A);
}

#endif
