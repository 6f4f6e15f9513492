/* The aligned table a person reads after a run: its columns, fitted to the
 * terminal, with the notes and the summary (notes.c) around it. */
#define _GNU_SOURCE
#include "columns.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ------------------------------------------------------------ */

static const struct cl_results *sort_results;

static int by_median(const void *a, const void *b)
{
	const struct cl_cell_summary *x = &sort_results->cells[*(const size_t *)a].summary;
	const struct cl_cell_summary *y = &sort_results->cells[*(const size_t *)b].summary;
	const struct cl_results_cell *cx = &sort_results->cells[*(const size_t *)a];
	const struct cl_results_cell *cy = &sort_results->cells[*(const size_t *)b];
	double mx = x->ok ? cl_cell_figure(cx) : INFINITY, my = y->ok ? cl_cell_figure(cy) : INFINITY;

	return (mx > my) - (mx < my);
}

#define TEXT_LEN 96

/* The columns to show: the asked-for set, or the default set narrowed to
 * `width` by dropping columns in their `drop` order. Fills widths[]. */
static uint32_t choose_columns(const struct cl_results *r, const struct cl_table_opts *o,
			       char (*text)[NCOLUMNS][TEXT_LEN], int label_w, int *widths)
{
	uint32_t shown = 0;
	int total = label_w;

	for (size_t k = 0; k < NCOLUMNS; k++) {
		widths[k] = (int)strlen(clv_columns[k].header);
		for (size_t i = 0; i < r->ncells; i++)
			if (r->cells[i].summary.ok && (int)strlen(text[i][k]) > widths[k])
				widths[k] = (int)strlen(text[i][k]);
		bool any = false; /* a default column with nothing to say is left out */

		for (size_t i = 0; i < r->ncells; i++)
			any |= r->cells[i].summary.ok && *text[i][k] && strcmp(text[i][k], "-");
		if (o->wide || (o->columns ? o->columns >> k & 1 : clv_columns[k].shown_by_default && any)) {
			shown |= 1u << k;
			total += 2 + widths[k];
		}
	}
	if (o->wide || o->columns || o->width <= 0)
		return shown;
	for (int drop = 1; total > o->width && drop <= 6; drop++)
		for (size_t k = 0; k < NCOLUMNS; k++)
			if (clv_columns[k].drop == drop && shown >> k & 1) {
				shown &= ~(1u << k);
				total -= 2 + widths[k];
			}
	return shown;
}

static void print_row(FILE *out, const char *label, int label_w, uint32_t shown, const int *widths,
		      char (*text)[TEXT_LEN])
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	fprintf(f, "%-*s", label_w, label);
	for (size_t k = 0; k < NCOLUMNS; k++)
		if (shown >> k & 1)
			fprintf(f, "  %*s", clv_columns[k].left ? -widths[k] : widths[k], text[k]);
	fclose(f);
	while (len && line[len - 1] == ' ') /* a left-aligned last column pads nothing */
		line[--len] = 0;
	fprintf(out, "%s\n", line);
	free(line);
}

/* What the rows show, said once above them: the figures, the order, the
 * machine's warning, what shortened the labels, the notes of every row. */
static void header(FILE *out, const struct cl_results *r, const struct cl_table_opts *o,
		   const char *legend, const struct cell_notes *common)
{
	const char *warnings = json_string_value(json_object_get(r->environment, "warnings"));
	bool timed = cl_view_timed(r), mixed = !strcmp(cl_view_figure_name(r), "ops/s or wall");
	char *about = cl_xstrdup(r->description ? r->description : r->path ? r->path : "");

	/* one paragraph: a line break of the config's would start a line the
	 * wrapping does not indent */
	for (char *c = about; *c; c++)
		*c = *c == '\n' || *c == '\t' ? ' ' : *c;
	fprintf(out, "%s: %s\n", r->name, about);
	free(about);
	fprintf(out, "%lld trial%s per cell after %lld warmup; timeout %.3g s; %s%s%sspeedup against %s "
		"(figures: medians; their intervals: --wide)\n", (long long)r->repeat,
		r->repeat == 1 ? "" : "s", (long long)r->warmup, r->timeout_s,
		timed ? "ops/s: operations a second in the duration step's window, fair: Jain's index "
			"of the tasks' counts (1 = even, 1/tasks = one task did all)" : "",
		mixed ? "; wall: of the other cells" : "", timed ? "; " : "",
		r->baseline ? r->baseline : "the first cell of each workload and sweep value");
	if (r->order && !strcmp(r->order, "random"))
		fprintf(out, "trials of every cell interleaved in a random order (--seed %llu repeats it)\n",
			(unsigned long long)r->seed);
	if (warnings && *warnings && !o->warned)
		fprintf(out, "warning: %s\n", warnings);
	if (legend && *legend)
		fprintf(out, "%s\n", legend);
	for (int k = 0; common && k < common->n; k++)
		fprintf(out, "%s%s%s", k ? ", " : "every cell: ", common->part[k], k + 1 == common->n ? "\n" : "");
}

static size_t column_index(const char *key)
{
	size_t k = 0;

	while (k < NCOLUMNS && strcmp(clv_columns[k].key, key))
		k++;
	return k;
}

/* How wide the rows are with these labels and every default column. */
static int full_width(const struct cl_results *r, const struct cl_table_opts *o, char **labels,
		      char (*text)[NCOLUMNS][TEXT_LEN])
{
	int label_w = 4, widths[NCOLUMNS], total;
	struct cl_table_opts unfitted = *o;
	uint32_t shown;

	for (size_t i = 0; i < r->ncells; i++)
		label_w = (int)strlen(labels[i]) > label_w ? (int)strlen(labels[i]) : label_w;
	unfitted.width = 0;
	shown = choose_columns(r, &unfitted, text, label_w, widths);
	total = label_w;
	for (size_t k = 0; k < NCOLUMNS; k++)
		if (shown >> k & 1)
			total += 2 + widths[k];
	return total;
}

struct table_text {
	char      **labels;  /* what the rows show: the cells' or shortened */
	char       *legend;  /* what shortened them, or NULL */
	struct cell_notes common;
	char      (*text)[NCOLUMNS][TEXT_LEN];
};

/* Every cell's column texts and labels, fitted to the terminal: the
 * shortest labels that let every default column fit, else the shortest. */
static void table_text(const struct cl_results *r, const struct cl_table_opts *o, struct table_text *t)
{
	size_t notes = column_index("notes");
	size_t hidden[3] = { column_index("wall"), column_index("resp-p50"), column_index("resp-p99") };

	t->text = cl_xcalloc(r->ncells + 1, sizeof *t->text);
	clv_common_notes(r, &t->common);
	for (size_t i = 0; i < r->ncells; i++) {
		struct cell_notes cn;

		for (size_t k = 0; k < NCOLUMNS; k++)
			clv_columns[k].text(&r->cells[i], t->text[i][k], TEXT_LEN);
		clv_cell_notes(&r->cells[i], &cn);
		clv_notes_join(&cn, &t->common, t->text[i][notes], TEXT_LEN);
		/* a timed cell's wall, and every task's response, is its duration */
		for (size_t k = 0; r->cells[i].summary.timed && k < 3; k++)
			if (!(o->wide || (o->columns >> hidden[k] & 1)))
				snprintf(t->text[i][hidden[k]], TEXT_LEN, "-");
	}
	t->legend = NULL;
	t->labels = cl_xcalloc(r->ncells + 1, sizeof *t->labels);
	for (size_t i = 0; i < r->ncells; i++)
		t->labels[i] = cl_xstrdup(r->cells[i].label);
	for (int level = 1; level <= 2 && o->width > 0 && full_width(r, o, t->labels, t->text) > o->width;
	     level++) {
		cl_view_labels_free(t->labels, r->ncells);
		free(t->legend);
		t->labels = cl_view_short_labels(r, level, &t->legend);
	}
}

static void table_text_free(struct table_text *t, size_t n)
{
	cl_view_labels_free(t->labels, n);
	free(t->legend);
	free(t->text);
}

static uint32_t table_rows(FILE *out, const struct cl_results *r, const struct cl_table_opts *o,
			   const struct table_text *t)
{
	size_t *order = cl_xmalloc((r->ncells + 1) * sizeof *order);
	int label_w = 4, widths[NCOLUMNS];
	uint32_t shown;

	for (size_t i = 0; i < r->ncells; i++) {
		int len = (int)strlen(t->labels[i]);

		label_w = len > label_w ? len : label_w;
		order[i] = i;
	}
	if (o->sort) {
		sort_results = r;
		qsort(order, r->ncells, sizeof *order, by_median);
	}
	shown = choose_columns(r, o, t->text, label_w, widths);
	{
		char heads[NCOLUMNS][TEXT_LEN];

		for (size_t k = 0; k < NCOLUMNS; k++)
			snprintf(heads[k], TEXT_LEN, "%s", clv_columns[k].header);
		fprintf(out, "\n");
		print_row(out, "cell", label_w, shown, widths, heads);
	}
	for (size_t o2 = 0; o2 < r->ncells; o2++) {
		const struct cl_results_cell *c = &r->cells[order[o2]];
		char ok[TEXT_LEN];

		if (c->summary.ok) {
			print_row(out, t->labels[order[o2]], label_w, shown, widths, t->text[order[o2]]);
			continue;
		}
		snprintf(ok, sizeof ok, "%zu/%zu", c->summary.ok, c->summary.measured);
		fprintf(out, "%-*s  %*s  %s\n", label_w, t->labels[order[o2]], widths[0], ok,
			c->ntrials ? "(no trial ok: see below)"
				   : r->interrupted ? "(not run: the run was stopped)" : "(no trial run)");
	}
	free(order);
	return shown;
}

void cl_view_table(FILE *out, const struct cl_results *r, const struct cl_table_opts *o)
{
	char *summary = NULL, *text = NULL;
	/* prose piped keeps to 80 columns: only the rows may be wider */
	int prose = o->width > 0 ? o->width : 80;
	size_t len = 0;
	struct table_text t;
	FILE *f = open_memstream(&text, &len);

	table_text(r, o, &t);
	header(f, r, o, t.legend, &t.common);
	fclose(f);
	cl_view_wrapped(out, text, prose);
	free(text);
	uint32_t shown = table_rows(out, r, o, &t);
	struct cl_notes_opts notes = { .marks_shown = shown >> column_index("notes") & 1,
				       .labels = t.labels };

	text = NULL;
	f = open_memstream(&text, &len);
	cl_view_notes_for(f, r, &notes);
	fclose(f);
	cl_view_wrapped(out, text, prose);
	free(text);
	f = open_memstream(&summary, &len);
	cl_view_summary_for(f, r, t.labels);
	fclose(f);
	if (*summary)
		fprintf(out, "\nsummary\n");
	cl_view_wrapped(out, summary, prose);
	free(summary);
	table_text_free(&t, r->ncells);
}
