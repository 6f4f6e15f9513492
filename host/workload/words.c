/* The LCG every compute step runs and every I/O step's bytes are made of.
 * The constants are written here and nowhere else: the runtime's tasks, the
 * host's checks and the server's bodies all call these. */
#include "lcg.h"
#include "workload.h"

#include <stdio.h>
#include <string.h>

uint64_t clw_lcg_jump(uint64_t x, uint64_t n)
{
	uint64_t mul = 1, add = 0, a = CLW_LCG_A, c = CLW_LCG_C;

	for (; n; n >>= 1) { /* Brown, "Random number generation with arbitrary strides" */
		if (n & 1) {
			mul *= a;
			add = add * a + c;
		}
		c *= a + 1;
		a *= a;
	}
	return x * mul + add;
}

uint64_t clw_io_seed(uint32_t task, unsigned step)
{
	uint64_t z = ((uint64_t)task << 20) ^ ((uint64_t)step << 8) ^ 0x5eedu;

	z += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t clw_io_body_sum(uint64_t seed, uint64_t bytes)
{
	return bytes ? clw_lcg_jump(seed, (bytes + 7) / 8) : 0;
}

/* Four steps apart in four lanes: each lane waits on its own multiply, not
 * on the one before (the server makes gigabytes of these a second). */
void clw_words(unsigned char *out, uint64_t seed, uint64_t at, size_t len)
{
	uint64_t x = clw_lcg_jump(seed, at / 8 + 1);

	if (at % 8) { /* the first word's tail */
		for (unsigned k = at % 8; len && k < 8; k++, len--)
			*out++ = (unsigned char)(x >> (8 * k));
		x = clw_lcg_next(x);
	}
	/* four scalars, not an array: an array lives in memory, and its 16-byte
	 * reloads of 8-byte stores stall on store forwarding */
	uint64_t l0 = x, l1 = clw_lcg_next(l0), l2 = clw_lcg_next(l1), l3 = clw_lcg_next(l2);

	for (; len >= 32; len -= 32, out += 32) {
		memcpy(out, &l0, 8);
		memcpy(out + 8, &l1, 8);
		memcpy(out + 16, &l2, 8);
		memcpy(out + 24, &l3, 8);
		l0 = clw_lcg_next4(l0);
		l1 = clw_lcg_next4(l1);
		l2 = clw_lcg_next4(l2);
		l3 = clw_lcg_next4(l3);
	}
	x = l0;
	for (; len >= 8; len -= 8, out += 8) {
		memcpy(out, &x, 8);
		x = clw_lcg_next(x);
	}
	memcpy(out, &x, len);
}

void clw_io_words(unsigned char *buf, uint32_t task, unsigned step, uint64_t pos, size_t len)
{
	clw_words(buf, clw_io_seed(task, step), pos, len);
}

int clw_io_file_name(char *buf, size_t len, const char *dir, int write, uint32_t task, unsigned step)
{
	return snprintf(buf, len, "%s/%c%u-%u", dir, write ? 'w' : 'r', task, step);
}
