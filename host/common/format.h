/* How conclab writes a duration for people: one function, so every view
 * prints the same figure the same way. */
#ifndef CLH_FORMAT_H
#define CLH_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* "1.234 s", "56.7 ms", "890.0 us", "12 ns"; returns buf. */
const char *cl_format_ns(int64_t ns, char *buf, size_t len);

#endif
