/* libFuzzer target: any bytes as an experiment config. The loader and the
 * matrix expansion must answer every input with a result or one message,
 * never a crash, a leak or undefined behaviour. Built by CONCLAB_FUZZ; the
 * same function replays the corpus in every build (replay.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_registry reg;
	static int ready;
	struct cl_experiment x;
	struct cl_cell *cells = NULL;
	char err[4096], *text = malloc(size + 1);

	if (!ready) { /* the build tree's plugins, once: loading them is slow */
		cl_registry_init(&reg, NULL, 0);
		cl_registry_scan(&reg);
		ready = 1;
	}
	memcpy(text, data, size);
	text[size] = 0;
	err[0] = 0;
	if (cl_experiment_load_text(&x, "fuzz.cfg", text, &reg, err, sizeof err) == 0 &&
	    cl_matrix_expand(&x, &cells, err, sizeof err) == 0 && !err[0])
		abort(); /* no cells must come with a reason */
	free(cells);
	cl_experiment_free(&x);
	return 0;
}
