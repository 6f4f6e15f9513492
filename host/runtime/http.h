/* The response header of a user's own service (`target`), read as it
 * comes: libconclab's, and the I/O suite's, which feeds it bytes. */
#ifndef CLRT_HTTP_H
#define CLRT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The response header of the user's own service (`target`), read as it
 * comes (http.c). Zeroed before each response. */
struct clrt_http_head {
	char     text[1024]; /* the header so far, NUL-terminated      */
	uint32_t len;
	uint32_t line;       /* where the line being read starts       */
	uint32_t length_at;  /* where Content-Length's value is; 0: none */
	uint32_t coding_at;  /* where Transfer-Encoding's is; 0: none   */
	uint64_t length;     /* the Content-Length                     */
	bool     http10;     /* an HTTP/1.0 response                   */
	bool     keep_alive; /* Connection: keep-alive                 */
	bool     close;      /* Connection: close                      */
	bool     complete;   /* the empty line came: the body follows  */
};
/* Take the response's bytes p[0..n) into the header: how many were the
 * header's (once h->complete, the rest are the body's), or -1 with `why`
 * naming the byte found wrong and what was wrong with it. A Content-Length
 * must equal `want`, the body's size the step expects. */
long clrt_http_take(struct clrt_http_head *h, const unsigned char *p, size_t n, uint64_t want,
		   char *why, size_t whylen);
/* The body has no Content-Length: it ends where the server closes. */
bool clrt_http_until_close(const struct clrt_http_head *h);
/* The connection may carry the next request (HTTP/1.1 without
 * Connection: close, or HTTP/1.0 with Connection: keep-alive). */
bool clrt_http_reusable(const struct clrt_http_head *h);

#endif
