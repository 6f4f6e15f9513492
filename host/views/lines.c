#define _GNU_SOURCE
#include "lines.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEFT    72
#define PLOT_W  520
#define PAD     10
#define GAP     13   /* between two names at line ends: a line of 11 px text */
#define TITLE_H 20
#define SUB_H   16
#define AXIS_H  50   /* below a plot: tick labels and the axis's title */

struct chart_group *chart_lines_group(struct chart_lines *c, const char *title)
{
	for (size_t k = 0; k < c->ngroups; k++)
		if (!strcmp(c->groups[k].title, title))
			return &c->groups[k];
	c->groups = cl_xrealloc(c->groups, (c->ngroups + 1) * sizeof *c->groups);
	c->groups[c->ngroups] = (struct chart_group){ .title = cl_xstrdup(title) };
	return &c->groups[c->ngroups++];
}

struct chart_line *chart_group_line(struct chart_group *g, const char *name)
{
	for (size_t k = 0; k < g->n; k++)
		if (!strcmp(g->lines[k].name, name))
			return &g->lines[k];
	g->lines = cl_xrealloc(g->lines, (g->n + 1) * sizeof *g->lines);
	g->lines[g->n] = (struct chart_line){ .name = cl_xstrdup(name) };
	return &g->lines[g->n++];
}

void chart_line_point(struct chart_line *l, double x, double y, char *tip, char *mark)
{
	l->p = cl_xrealloc(l->p, (l->n + 1) * sizeof *l->p);
	l->p[l->n++] = (struct chart_point){ .x = x, .y = y, .tip = tip, .mark = mark };
}

void chart_lines_free(struct chart_lines *c)
{
	for (size_t k = 0; k < c->ngroups; k++) {
		struct chart_group *g = &c->groups[k];

		for (size_t i = 0; i < g->n; i++) {
			for (size_t j = 0; j < g->lines[i].n; j++) {
				free(g->lines[i].p[j].tip);
				free(g->lines[i].p[j].mark);
			}
			free(g->lines[i].p);
			free(g->lines[i].name);
		}
		free(g->lines);
		free(g->title);
		chart_names_free(&g->failed);
	}
	free(c->groups);
}

static size_t parts_of(const struct chart_group *g)
{
	return g->n ? (g->n + CHART_SERIES_MAX - 1) / CHART_SERIES_MAX : 1;
}

static double group_height(const struct chart_lines *c, const struct chart_group *g)
{
	size_t parts = parts_of(g);

	if (!g->n && !g->failed.n)
		return 0;
	return TITLE_H + (double)parts * ((parts > 1 ? SUB_H : 0) + c->plot_h + AXIS_H) +
	       (g->failed.n ? SUB_H : 0) + 10;
}

double chart_lines_height(const struct chart_lines *c)
{
	double h = 0;

	for (size_t k = 0; k < c->ngroups; k++)
		h += group_height(c, &c->groups[k]);
	return h;
}

double chart_lines_width(const struct chart_lines *c)
{
	double names = 0, w;

	for (size_t k = 0; k < c->ngroups; k++)
		for (size_t i = 0; i < c->groups[k].n; i++)
			names = fmax(names, chart_text_px(c->groups[k].lines[i].name));
	w = LEFT + PLOT_W + 16 + names + PAD;
	for (size_t k = 0; k < c->ngroups; k++) {
		const struct chart_group *g = &c->groups[k];
		double failed = chart_text_px("no trial ok, not drawn: ") + 2 * PAD;

		for (size_t i = 0; i < g->failed.n && i < 3; i++)
			failed += chart_text_px(g->failed.v[i]) + chart_text_px(", ");
		w = fmax(w, chart_text_px(g->title) + 200);
		w = fmax(w, failed + (g->failed.n > 3 ? chart_text_px(" and 999 more") : 0));
	}
	return w;
}

static int by_x(const void *a, const void *b)
{
	double d = ((const struct chart_point *)a)->x - ((const struct chart_point *)b)->x;

	return d < 0 ? -1 : d > 0;
}

/* A line's last point: where its name goes. */
static const struct chart_point *end_of(const struct chart_line *l)
{
	return l->n ? &l->p[l->n - 1] : NULL;
}

static int by_end(const void *a, const void *b, void *group)
{
	const struct chart_group *g = group;
	const struct chart_point *ea = end_of(&g->lines[*(const size_t *)a]);
	const struct chart_point *eb = end_of(&g->lines[*(const size_t *)b]);
	double d = (eb ? eb->y : 0) - (ea ? ea->y : 0);

	/* the highest first; ties in the order the lines came */
	if (d)
		return d < 0 ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* What every plot of a group shares: its axes' ranges. */
struct frame {
	struct chart_axis x, y;
	double top, bottom;
	bool   same_end; /* every line ends at the axis's last x */
};

static void polyline(FILE *out, const struct chart_line *l, const struct frame *f, const char *cls,
		     const char *color, double width)
{
	fprintf(out, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"", cls,
		color, width, l->flat ? " stroke-dasharray=\"6 4\"" : "");
	if (l->flat && l->n)
		fprintf(out, "%.1f,%.1f %.1f,%.1f", f->x.x0, chart_px(&f->y, l->p[0].y), f->x.x1,
			chart_px(&f->y, l->p[0].y));
	for (size_t k = 0; !l->flat && k < l->n; k++)
		fprintf(out, "%s%.1f,%.1f", k ? " " : "", chart_px(&f->x, l->p[k].x), chart_px(&f->y, l->p[k].y));
	fprintf(out, "\"/>\n");
}

static void dots(FILE *out, const struct chart_line *l, const struct frame *f, size_t color)
{
	for (size_t k = 0; k < l->n; k++) {
		const struct chart_point *p = &l->p[k];
		double x = l->flat ? f->x.x1 : chart_px(&f->x, p->x), y = chart_px(&f->y, p->y);

		if (p->mark) /* a partial cell: hollow, and how many trials counted */
			fprintf(out, "<circle class=\"partial\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"white\" "
				"stroke=\"%s\" stroke-width=\"2\">", x, y, chart_color(color));
		else
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">", x, y, chart_color(color));
		fprintf(out, "<title>");
		cl_view_escaped(out, p->tip, CL_ESCAPE_XML);
		fprintf(out, "</title></circle>\n");
		if (p->mark) {
			fprintf(out, "<text class=\"mark\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" "
				"stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" text-anchor=\"%s\">", x + (x > f->x.x1 - 40 ? -6 : 6), y - 7, chart_ink(color),
				x > f->x.x1 - 40 ? "end" : "start");
			cl_view_escaped(out, p->mark, CL_ESCAPE_XML);
			fprintf(out, "</text>\n");
		}
	}
}

static void axes(FILE *out, const struct chart_lines *c, const struct chart_group *g, const struct frame *f)
{
	double v[64];
	size_t n = chart_tick_values(&f->y, v, 64);
	char text[32];
	const char *unit;

	for (size_t k = 0; k < n; k++) {
		chart_tick_label(&f->y, c->ykind, v[k], text, sizeof text);
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/><text "
			"class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT,
			chart_px(&f->y, v[k]), LEFT + PLOT_W, chart_px(&f->y, v[k]), LEFT - 6,
			chart_px(&f->y, v[k]) + 4, text);
	}
	if (c->xticks_at_points) {
		struct chart_names seen = { 0 };

		for (size_t i = 0; i < g->n; i++)
			for (size_t k = 0; !g->lines[i].flat && k < g->lines[i].n; k++) {
				size_t before = seen.n;

				snprintf(text, sizeof text, "%g", g->lines[i].p[k].x);
				if (chart_name(&seen, text, true) == before)
					fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
						"text-anchor=\"middle\">%s</text>\n",
						chart_px(&f->x, g->lines[i].p[k].x), f->bottom + 16, text);
			}
		chart_names_free(&seen);
	} else {
		n = chart_tick_values(&f->x, v, 64);
		for (size_t k = 0; k < n; k++) {
			chart_tick_label(&f->x, c->xkind, v[k], text, sizeof text);
			fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
				chart_px(&f->x, v[k]), f->bottom + 16, text);
		}
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/><line x1=\"%d\" "
		"y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n<text x=\"%d\" y=\"%.1f\" "
		"text-anchor=\"middle\">", LEFT, f->bottom, LEFT + PLOT_W, f->bottom, LEFT, f->top, LEFT, f->bottom,
		LEFT + PLOT_W / 2, f->bottom + 34);
	cl_view_escaped(out, c->xtitle, CL_ESCAPE_XML);
	unit = chart_axis_unit(&f->x, c->xkind);
	fprintf(out, "%s%s%s</text>\n", *unit ? " (" : "", unit, *unit ? ")" : "");
	unit = chart_axis_unit(&f->y, c->ykind);
	fprintf(out, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">",
		(f->top + f->bottom) / 2);
	cl_view_escaped(out, c->ytitle, CL_ESCAPE_XML);
	fprintf(out, "%s%s%s</text>\n", *unit ? " (" : "", unit, *unit ? ")" : "");
}

/* One plot: the lines order[from..to) of g in colour and named, the
 * others faded behind them. */
static void plot(FILE *out, const struct chart_lines *c, const struct chart_group *g, const size_t *order,
		 size_t from, size_t to, const struct frame *f)
{
	size_t n = to - from;
	double *ly = cl_xcalloc(n + 1, sizeof *ly);

	fprintf(out, "<g class=\"plot\">\n");
	axes(out, c, g, f);
	for (size_t k = 0; k < g->n; k++)
		if (k < from || k >= to)
			polyline(out, &g->lines[order[k]], f, "faded", CHART_FADED, 1.5);
	for (size_t k = from; k < to; k++) {
		const struct chart_line *l = &g->lines[order[k]];
		size_t color = c->stable ? l->color : k - from;

		polyline(out, l, f, "series", chart_color(color), 2);
		if (c->dots || l->n == 1)
			dots(out, l, f, color);
		ly[k - from] = chart_px(&f->y, end_of(l)->y) + 4;
	}
	chart_nudge(ly, n, GAP, f->top + 4, f->bottom + 4);
	for (size_t k = from; k < to; k++) {
		const struct chart_line *l = &g->lines[order[k]];
		size_t color = c->stable ? l->color : k - from;
		double ex = l->flat ? f->x.x1 : chart_px(&f->x, end_of(l)->x), ey = chart_px(&f->y, end_of(l)->y);

		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"0.8\"/><text class=\"label\" x=\"%d\" y=\"%.1f\" fill=\"%s\">", ex + 4, ey,
			(double)LEFT + PLOT_W + 10, ly[k - from] - 4, chart_color(color), LEFT + PLOT_W + 14,
			ly[k - from], chart_ink(color));
		cl_view_escaped(out, l->name, CL_ESCAPE_XML);
		fprintf(out, "</text>\n");
	}
	fprintf(out, "</g>\n");
	free(ly);
}

static void fit(const struct chart_lines *c, struct chart_group *g, struct frame *f)
{
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct chart_line *l = &g->lines[i];

		qsort(l->p, l->n, sizeof *l->p, by_x);
		for (size_t k = 0; k < l->n; k++) {
			if (!l->flat) {
				xmin = fmin(xmin, l->p[k].x);
				xmax = fmax(xmax, l->p[k].x);
			}
			if (l->p[k].y > 0) /* an interval without a sample: at the axis's foot */
				ymin = fmin(ymin, l->p[k].y);
			ymax = fmax(ymax, l->p[k].y);
		}
	}
	if (!isfinite(xmin))
		xmin = 0, xmax = 1;
	if (!isfinite(ymin))
		ymin = 0;
	if (!c->xticks_at_points) /* time: from the window's start */
		xmin = 0;
	if (xmin >= xmax) /* one value: in the middle */
		xmin -= 1, xmax += 1;
	f->x = (struct chart_axis){ .log = c->xlog2 && xmin > 0 && xmax / xmin >= 8, .lo = xmin, .hi = xmax,
				    .x0 = LEFT, .x1 = LEFT + PLOT_W };
	if (!c->xticks_at_points) { /* the axis ends at a tick */
		f->x.step = chart_step(xmax);
		f->x.hi = ceil(xmax / f->x.step - 1e-9) * f->x.step;
	}
	if (c->yunit)
		f->y = (struct chart_axis){ .lo = 0, .hi = 1 };
	else
		chart_axis_fit(&f->y, ymin, ymax, c->ylog);
	f->same_end = true;
	for (size_t i = 0; i < g->n; i++)
		f->same_end &= g->lines[i].flat || !g->lines[i].n || end_of(&g->lines[i])->x == xmax;
}

static double group(FILE *out, const struct chart_lines *c, struct chart_group *g, double y)
{
	size_t parts = parts_of(g), *order = cl_xcalloc(g->n + 1, sizeof *order), from = 0;
	struct frame f;
	char scales[64], at[96];

	if (!g->n && !g->failed.n) {
		free(order);
		return y;
	}
	fit(c, g, &f);
	for (size_t k = 0; k < g->n; k++)
		order[k] = k;
	qsort_r(order, g->n, sizeof *order, by_end, g);
	snprintf(scales, sizeof scales, "%s%s%s", f.x.log ? "x: log2 scale" : "", f.x.log && f.y.log ? ", " : "",
		 f.y.log ? "y: log scale" : "");
	fprintf(out, "<text class=\"panel\" x=\"%d\" y=\"%.1f\" font-weight=\"bold\">", PAD, y + 14);
	cl_view_escaped(out, g->title, CL_ESCAPE_XML);
	fprintf(out, "%s%s%s</text>\n", *g->title && *scales ? " (" : "", scales, *g->title && *scales ? ")" : "");
	y += TITLE_H;
	if (c->xname && f.same_end)
		snprintf(at, sizeof at, "at %s=%g", c->xname, f.x.hi);
	else
		snprintf(at, sizeof at, "at their ends");
	for (size_t p = 0; p < parts; p++) {
		/* as even as they go: 14 lines are 7 and 7, never 8 and 6 */
		size_t size = g->n / parts + (p < g->n % parts);

		if (parts > 1) {
			fprintf(out, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">lines %zu-%zu of %zu, the highest ", PAD,
				y + 12, from + 1, from + size, g->n);
			cl_view_escaped(out, at, CL_ESCAPE_XML);
			fprintf(out, " first; the other %zu in grey</text>\n", g->n - size);
			y += SUB_H;
		}
		f.top = y + 4;
		f.bottom = f.top + c->plot_h;
		f.y.x0 = f.bottom;
		f.y.x1 = f.top;
		plot(out, c, g, order, from, from + size, &f);
		from += size;
		y += c->plot_h + AXIS_H;
	}
	if (g->failed.n) {
		fprintf(out, "<text class=\"failed\" x=\"%d\" y=\"%.1f\" fill=\"#a40\">no trial ok, not drawn: ", PAD,
			y + 12);
		for (size_t k = 0; k < g->failed.n && k < 3; k++) {
			fputs(k ? ", " : "", out);
			cl_view_escaped(out, g->failed.v[k], CL_ESCAPE_XML);
		}
		if (g->failed.n > 3)
			fprintf(out, " and %zu more", g->failed.n - 3);
		fprintf(out, "</text>\n");
		y += SUB_H;
	}
	free(order);
	return y + 10;
}

double chart_lines_draw(FILE *out, struct chart_lines *c, double y)
{
	for (size_t k = 0; k < c->ngroups; k++)
		y = group(out, c, &c->groups[k], y);
	return y;
}
