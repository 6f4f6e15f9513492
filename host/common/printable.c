#include "printable.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */

	if (s[0] < 0xc2 || s[0] > 0xf4 || len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

static uint32_t code_point(const unsigned char *s, size_t len)
{
	uint32_t c = s[0] & (0xff >> (len + 1));

	for (size_t i = 1; i < len; i++)
		c = c << 6 | (s[i] & 0x3f);
	return c;
}

/* Characters that change what a terminal shows rather than being shown:
 * C1 controls (U+0080-U+009F: CSI, OSC... in 8-bit form), and the marks
 * and overrides that reorder text (Trojan Source, CVE-2021-42574). */
static int acts(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x61c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

size_t cl_printable(char *buf, size_t n, bool lines)
{
	unsigned char *s = (unsigned char *)buf;
	size_t out = 0;

	for (size_t i = 0; i < n;) {
		size_t len;

		if (s[i] < 0x80) {
			int keep = (s[i] >= 0x20 && s[i] != 0x7f) || (lines && (s[i] == '\n' || s[i] == '\t'));

			s[out++] = keep ? s[i] : '?';
			i++;
		} else if ((len = utf8_len(s + i, n - i)) > 0 && !acts(code_point(s + i, len))) {
			memmove(s + out, s + i, len);
			out += len;
			i += len;
		} else {
			s[out++] = '?';
			i += len ? len : 1;
		}
	}
	return out;
}

char *cl_printable_str(char *s, bool lines)
{
	if (s)
		s[cl_printable(s, strlen(s), lines)] = 0;
	return s;
}
