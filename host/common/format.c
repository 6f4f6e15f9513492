#include "format.h"

#include <stdio.h>

const char *cl_format_ns(int64_t ns, char *buf, size_t len)
{
	double v = (double)ns;

	if (ns >= 1000000000)
		snprintf(buf, len, "%.3f s", v / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, len, "%.1f ms", v / 1e6);
	else if (ns >= 1000)
		snprintf(buf, len, "%.1f us", v / 1e3);
	else
		snprintf(buf, len, "%lld ns", (long long)ns);
	return buf;
}
