/* The table's columns (columns.c), for the table that lays them out
 * (table.c): what each says of a cell, and the notes column's parts. */
#ifndef CLH_VIEWS_COLUMNS_H
#define CLH_VIEWS_COLUMNS_H

#include "views.h"

typedef void (*clv_cell_text)(const struct cl_results_cell *c, char *buf, size_t len);

/* A column: its --columns key, its header, its text, and `drop`: the order
 * in which columns of the default set give way when the terminal is too
 * narrow (1 first; 0: never). */
struct clv_column {
	const char   *key, *header;
	clv_cell_text text;
	bool          left, shown_by_default;
	int           drop;
};

#define NCOLUMNS 22
extern const struct clv_column clv_columns[NCOLUMNS];

/* A cell's notes, each a part of the notes column ("noisy (cv 7.1%)"). */
#define MAX_NOTES 6 /* race, overloaded, noisy, outliers, interference, server-bound */
struct cell_notes {
	char part[MAX_NOTES][96];
	int  n;
};

void clv_cell_notes(const struct cl_results_cell *c, struct cell_notes *cn);
/* The parts of cn not in `common` (NULL: none), comma-separated. */
void clv_notes_join(const struct cell_notes *cn, const struct cell_notes *common, char *b, size_t n);
/* The notes every ok cell has (none when fewer than two cells are ok):
 * said once above the table instead of on every row. */
void clv_common_notes(const struct cl_results *r, struct cell_notes *common);

#endif
