/* Text from outside conclab (a plugin's messages, names and output, a
 * results file someone else wrote) made safe to show: only printable text
 * reaches a terminal, and it stays valid UTF-8 for JSON. Done once, where
 * such text enters the host, so no view needs to remember it. */
#ifndef CLH_PRINTABLE_H
#define CLH_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Replace, in place, each character a terminal would act on instead of
 * showing it by '?': C0 controls (but newline and tab where `lines`), DEL,
 * C1 controls, the bidirectional overrides and isolates, and every byte
 * that is not valid UTF-8. The text shrinks where a multi-byte character
 * becomes one '?'. Returns the new length (n bytes in, NULs included). */
size_t cl_printable(char *buf, size_t n, bool lines);

/* The same for a NUL-terminated string (NULL stays NULL); returns s. */
char *cl_printable_str(char *s, bool lines);

#endif
