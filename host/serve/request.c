/* The one request the loopback server answers, read strictly: what is not
 * exactly `GET /?bytes=N&delay_us=D&seed=S HTTP/1.x` with well-formed header
 * lines is refused (400), never guessed at: a lab server that read "+5" or
 * "5HTTP" as 5 would answer requests nobody meant. */
#define _GNU_SOURCE
#include "serve_internal.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define MAX_BODY ((uint64_t)1 << 40)
#define MAX_DELAY_US 3600000000ULL /* an hour, as a config's delay_ms allows */

/* `lit` at *p, then moved past it. */
static bool literal(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n))
		return false;
	*p += n;
	return true;
}

/* Decimal digits only (no sign, no space), at most `max`. */
static bool number(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = *p;

	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		if (v > (max - (uint64_t)(**p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(**p - '0');
	}
	*out = v;
	return *p > start && *p - start <= 20;
}

/* The comma-separated tokens of a Connection header's value. */
static void connection_tokens(const char *v, const char *end, struct srv_request *r)
{
	while (v < end) {
		const char *tok_end = memchr(v, ',', (size_t)(end - v));

		if (!tok_end)
			tok_end = end;
		const char *a = v, *b = tok_end;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b - a == 5 && !strncasecmp(a, "close", 5))
			r->close = true;
		if (b - a == 10 && !strncasecmp(a, "keep-alive", 10))
			r->keep_alive = true;
		v = tok_end + 1;
	}
}

/* One header line [p, end): a token, a colon, a value of visible bytes,
 * spaces and tabs. */
static bool header_line(const char *p, const char *end, struct srv_request *r)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));

	if (!colon || colon == p)
		return false;
	for (const char *c = p; c < colon; c++)
		if (!isalnum((unsigned char)*c) && !strchr("!#$%&'*+-.^_`|~", *c))
			return false;
	for (const char *c = colon + 1; c < end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return false;
	if (colon - p == 10 && !strncasecmp(p, "connection", 10))
		connection_tokens(colon + 1, end, r);
	return true;
}

int srv_parse_request(const char *req, size_t len, struct srv_request *r)
{
	const char *p = req, *end = req + len, *line_end;

	memset(r, 0, sizeof *r);
	if (!literal(&p, end, "GET /?bytes=") || !number(&p, end, MAX_BODY, &r->bytes) ||
	    !literal(&p, end, "&delay_us=") || !number(&p, end, MAX_DELAY_US, &r->delay_us) ||
	    !literal(&p, end, "&seed=") || !number(&p, end, UINT64_MAX, &r->seed) ||
	    !literal(&p, end, " HTTP/1."))
		return -1;
	if (literal(&p, end, "1"))
		r->http10 = false;
	else if (literal(&p, end, "0"))
		r->http10 = true;
	else
		return -1;
	if (!literal(&p, end, "\r\n"))
		return -1;
	for (; p < end; p = line_end + 2) {
		line_end = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (!line_end || !header_line(p, line_end, r))
			return -1;
	}
	/* HTTP/1.0 closes unless it asked to be kept; HTTP/1.1 keeps unless
	 * it asked to be closed */
	r->close_after = r->close || (r->http10 && !r->keep_alive);
	return 0;
}

long srv_bare_lf(const char *req, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (req[i] == '\n' && (i == 0 || req[i - 1] != '\r'))
			return (long)i;
	return -1;
}
