/* The response header of the user's own service (`target`), read strictly,
 * as RFC 9112 lets a client: what is not exactly HTTP/1.0 or HTTP/1.1 is
 * refused rather than guessed at, since two readers that guess differently
 * about where a body ends is how responses get smuggled, and a lab that
 * guesses measures something other than the user's service. Each line is
 * judged when its LF arrives, so a refusal names the byte it found wrong. */
#define _GNU_SOURCE
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define QUOTE_LEN 96 /* a quoted line in a message, "..." included */

/* RFC 9110 5.6.2 */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..n) fit for a message: the server may send anything, and the message
 * reaches a terminal and the results files. */
static const char *quoted(char out[QUOTE_LEN], const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char one[8];
		int w = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? snprintf(one, sizeof one, "%c", c)
									: snprintf(one, sizeof one, "\\x%02x", c);

		if (o + (size_t)w + sizeof "..." > QUOTE_LEN) {
			memcpy(out + o, "...", sizeof "...");
			return out;
		}
		memcpy(out + o, one, (size_t)w);
		o += (size_t)w;
	}
	out[o] = 0;
	return out;
}

__attribute__((format(printf, 4, 5)))
static int refuse(char *why, size_t whylen, size_t at, const char *fmt, ...)
{
	int n = snprintf(why, whylen, "byte %zu of the response header: ", at);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < whylen)
		vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int status_line(struct clrt_http_head *h, size_t len, char *why, size_t whylen)
{
	const char *s = h->text;
	char q[QUOTE_LEN];
	size_t same = 0;

	while (same < 8 && same < len && (s[same] == "HTTP/1.0"[same] || s[same] == "HTTP/1.1"[same]))
		same++;
	if (same < 8)
		return refuse(why, whylen, same, "the version is not HTTP/1.0 or HTTP/1.1 (\"%s\")",
			      quoted(q, s, len));
	if (len == 8 || s[8] != ' ')
		return refuse(why, whylen, 8, "no space after the version (\"%s\")", quoted(q, s, len));
	if (len < 12 || strspn(s + 9, "0123456789") < 3 || (len > 12 && s[12] != ' '))
		return refuse(why, whylen, 9, "the status is not three digits (\"%s\")", quoted(q, s, len));
	if (memcmp(s + 9, "200", 3))
		return refuse(why, whylen, 9, "the service answered \"%s\", not 200", quoted(q, s, len));
	h->http10 = s[7] == '0';
	return 0;
}

static int content_length(struct clrt_http_head *h, size_t at, size_t len, char *why, size_t whylen)
{
	const char *v = h->text + at;
	char q[QUOTE_LEN];
	uint64_t value = 0;

	if (!len)
		return refuse(why, whylen, at, "an empty Content-Length");
	for (size_t i = 0; i < len; i++) {
		unsigned digit = (unsigned)(v[i] - '0');

		if (v[i] < '0' || v[i] > '9')
			return refuse(why, whylen, at + i, "the Content-Length is not digits only (\"%s\")",
				      quoted(q, v, len));
		if (value > (UINT64_MAX - digit) / 10)
			return refuse(why, whylen, at, "the Content-Length %s is too large", quoted(q, v, len));
		value = value * 10 + digit;
	}
	/* repeats of one value are a proxy's doing and harmless; two values
	 * are two ideas of where the body ends (RFC 9112 6.3) */
	if (h->length_at && value != h->length)
		return refuse(why, whylen, at, "two different Content-Lengths, %llu and %llu",
			      (unsigned long long)h->length, (unsigned long long)value);
	if (!h->length_at)
		h->length_at = (uint32_t)at;
	h->length = value;
	return 0;
}

static bool token_is(const char *s, size_t n, const char *token)
{
	return n == strlen(token) && !strncasecmp(s, token, n);
}

/* Connection's options, a comma-separated list (RFC 9110 7.6.1). */
static void connection_options(struct clrt_http_head *h, const char *v, size_t len)
{
	for (size_t start = 0, end; start < len; start = end + 1) {
		size_t from = start, to;

		for (end = start; end < len && v[end] != ','; end++)
			;
		for (to = end; to > from && is_ows(v[to - 1]); to--)
			;
		while (from < to && is_ows(v[from]))
			from++;
		if (token_is(v + from, to - from, "close"))
			h->close = true;
		else if (token_is(v + from, to - from, "keep-alive"))
			h->keep_alive = true;
	}
}

static int field_line(struct clrt_http_head *h, size_t at, size_t len, char *why, size_t whylen)
{
	const char *s = h->text + at, *colon = memchr(s, ':', len);
	char q[QUOTE_LEN];
	size_t name = 0, value, end = len;

	if (is_ows(*s))
		return refuse(why, whylen, at, "a line starts with a space or tab (obs-fold, a folded "
			      "header line, obsolete since RFC 7230) (\"%s\")", quoted(q, s, len));
	if (!colon)
		return refuse(why, whylen, at, "a header line without a colon (\"%s\")", quoted(q, s, len));
	while (s + name < colon && is_tchar((unsigned char)s[name]))
		name++;
	if (s + name < colon)
		return refuse(why, whylen, at + name, is_ows(s[name]) ? "whitespace before the colon (\"%s\")"
			      : "a byte a header name cannot hold (\"%s\")", quoted(q, s, len));
	if (!name)
		return refuse(why, whylen, at, "a header line with no name (\"%s\")", quoted(q, s, len));
	for (value = name + 1; value < len && is_ows(s[value]); value++)
		;
	while (end > value && is_ows(s[end - 1]))
		end--;
	if (token_is(s, name, "content-length"))
		return content_length(h, at + value, end - value, why, whylen);
	if (token_is(s, name, "transfer-encoding") && !h->coding_at)
		h->coding_at = (uint32_t)(at + value);
	else if (token_is(s, name, "connection"))
		connection_options(h, s + value, end - value);
	return 0;
}

/* The empty line: what the header says about the body, judged whole, since
 * Content-Length and Transfer-Encoding may come in either order. */
static int header_end(struct clrt_http_head *h, uint64_t want, char *why, size_t whylen)
{
	char q[QUOTE_LEN];

	if (h->coding_at && h->length_at)
		return refuse(why, whylen, h->coding_at, "Transfer-Encoding together with Content-Length "
			      "(RFC 9112 6.3: a sign of smuggling)");
	if (h->coding_at)
		return refuse(why, whylen, h->coding_at, "Transfer-Encoding \"%s\": chunked responses are "
			      "not decoded", quoted(q, h->text + h->coding_at,
						    strcspn(h->text + h->coding_at, "\r")));
	if (h->length_at && h->length != want)
		return refuse(why, whylen, h->length_at, "the response's Content-Length is %llu, the step "
			      "expects %llu bytes", (unsigned long long)h->length, (unsigned long long)want);
	h->complete = true;
	return 0;
}

/* The line that the LF just added to the header ends. */
static int take_line(struct clrt_http_head *h, uint64_t want, char *why, size_t whylen)
{
	size_t at = h->line, lf = h->len - 1, len;
	char q[QUOTE_LEN];

	h->line = h->len;
	if (lf == at || h->text[lf - 1] != '\r')
		return refuse(why, whylen, lf, "a line ends in a bare LF, not CRLF (\"%s\")",
			      quoted(q, h->text + at, lf - at));
	len = lf - 1 - at;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h->text[at + i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return refuse(why, whylen, at + i, "a control byte in a line (\"%s\")",
				      quoted(q, h->text + at, len));
	}
	if (at == 0)
		return status_line(h, len, why, whylen);
	return len ? field_line(h, at, len, why, whylen) : header_end(h, want, why, whylen);
}

long clrt_http_take(struct clrt_http_head *h, const unsigned char *p, size_t n, uint64_t want,
		   char *why, size_t whylen)
{
	size_t used = 0;

	while (used < n && !h->complete) {
		if (h->len == sizeof h->text - 1)
			return refuse(why, whylen, h->len, "a response header longer than %zu bytes",
				      sizeof h->text - 1);
		h->text[h->len++] = (char)p[used];
		h->text[h->len] = 0;
		if (p[used++] == '\n' && take_line(h, want, why, whylen))
			return -1;
	}
	return (long)used;
}

bool clrt_http_until_close(const struct clrt_http_head *h)
{
	return !h->length_at;
}

bool clrt_http_reusable(const struct clrt_http_head *h)
{
	return !h->close && (!h->http10 || h->keep_alive) && !clrt_http_until_close(h);
}
