#define _GNU_SOURCE
#include "chart.h"
#include "views.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Okabe and Ito (2008), "Color Universal Design": eight colours that stay
 * apart for deuteranopes and protanopes too, in an order that puts the
 * ones best seen on white first; black is the seventh (a line in it is not
 * an axis: axes are thin and grey). Their smallest distance, CIE76 in Lab,
 * is 26 (sky blue against blue), tested. */
static const char *const palette[CHART_SERIES_MAX] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
};

/* Yellow text on white is not read: its labels in a dark olive. */
static const char *const ink[CHART_SERIES_MAX] = {
	"#0072B2", "#B07A00", "#009E73", "#D55E00", "#B55A8E", "#2A88BF", "#000000", "#8A7F00",
};

const char *chart_color(size_t i)
{
	return i < CHART_SERIES_MAX ? palette[i] : CHART_FADED;
}

const char *chart_ink(size_t i)
{
	return i < CHART_SERIES_MAX ? ink[i] : "#777777";
}

double chart_text_px(const char *text)
{
	return CHART_CHAR_PX * (double)strlen(text ? text : "");
}

/* ---- numbers ------------------------------------------------------------- */

/* Three significant digits, never an exponent, never "-0". */
static void number(double x, char *buf, size_t len)
{
	if (fabs(x) < 1e-12)
		x = 0;
	if (fabs(x) >= 1000)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.3g", x);
}

/* The same for a value beside its mark, its zeros kept: "1.00 s", "50.0M". */
static void figure(double x, char *buf, size_t len)
{
	size_t n;

	if (fabs(x) < 1e-12 || fabs(x) >= 1000) {
		number(x, buf, len);
		return;
	}
	snprintf(buf, len, "%#.3g", x);
	n = strlen(buf);
	if (n && buf[n - 1] == '.') /* "502." */
		buf[n - 1] = 0;
}

double chart_si_scale(double v)
{
	v = fabs(v);
	return v >= 1e12 ? 1e12 : v >= 1e9 ? 1e9 : v >= 1e6 ? 1e6 : v >= 1e3 ? 1e3 : 1;
}

void chart_si(double v, double scale, char *buf, size_t len)
{
	const char *prefix = scale >= 1e12 ? "T" : scale >= 1e9 ? "G" : scale >= 1e6 ? "M" : scale >= 1e3 ? "k" : "";
	char n[32];

	number(v / scale, n, sizeof n);
	snprintf(buf, len, "%s%s", n, strcmp(n, "0") ? prefix : "");
}

/* A time's unit, chosen by the largest value it shows. */
static void time_unit(double max_ns, const char **unit, double *div)
{
	max_ns = fabs(max_ns);
	if (max_ns >= 1e9)
		*unit = "s", *div = 1e9;
	else if (max_ns >= 1e6)
		*unit = "ms", *div = 1e6;
	else if (max_ns >= 1e3)
		*unit = "us", *div = 1e3;
	else
		*unit = "ns", *div = 1;
}

void chart_value(enum chart_kind kind, double v, char *buf, size_t len)
{
	const char *unit;
	double div;
	char n[32];

	double scale = chart_si_scale(v);
	const char *prefix = scale >= 1e12 ? "T" : scale >= 1e9 ? "G" : scale >= 1e6 ? "M" : scale >= 1e3 ? "k" : "";

	if (kind == CHART_RATE) {
		figure(v / scale, n, sizeof n);
		snprintf(buf, len, "%s%s", n, prefix);
	} else if (kind == CHART_TIME) {
		time_unit(v, &unit, &div);
		figure(v / div, n, sizeof n);
		snprintf(buf, len, "%s %s", n, unit);
	} else {
		figure(v, buf, len);
	}
}

/* ---- axes ---------------------------------------------------------------- */

double chart_step(double span)
{
	double raw = span / 6, p, m;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	p = pow(10, floor(log10(raw)));
	m = raw / p;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

double chart_px(const struct chart_axis *a, double v)
{
	if (a->log) {
		v = v > a->lo ? v : a->lo;
		return a->x0 + (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) * (a->x1 - a->x0);
	}
	if (a->hi <= a->lo)
		return a->x0;
	return a->x0 + (v - a->lo) / (a->hi - a->lo) * (a->x1 - a->x0);
}

void chart_axis_fit(struct chart_axis *a, double min, double max, bool may_log)
{
	a->log = may_log && min > 0 && max / min > 50;
	if (a->log) {
		a->lo = pow(10, floor(log10(min)));
		a->hi = pow(10, ceil(log10(max)));
		if (a->hi <= a->lo)
			a->hi = a->lo * 10;
		return;
	}
	a->lo = 0;
	if (!(max > 0)) {
		a->hi = 1;
		return;
	}
	/* the top tick above the longest bar, with room for its whisker; the
	 * ticks keep the step that made it */
	a->step = chart_step(max * 1.02);
	a->hi = ceil(max * 1.02 / a->step) * a->step;
}

size_t chart_tick_values(const struct chart_axis *a, double *v, size_t max)
{
	size_t n = 0;

	if (a->log) {
		bool fine = log10(a->hi / a->lo) <= 2.01;

		for (double d = pow(10, floor(log10(a->lo))); d <= a->hi * 1.0001 && n < max; d *= 10)
			for (int m = 1; m <= 5 && n < max; m += m == 1 ? 1 : 3) /* 1, 2, 5 */
				if ((m == 1 || fine) && d * m >= a->lo * 0.9999 && d * m <= a->hi * 1.0001)
					v[n++] = d * m;
		return n;
	}
	double step = a->step > 0 ? a->step : chart_step(a->hi - a->lo);

	for (double t = ceil(a->lo / step - 1e-9) * step; t <= a->hi + step * 1e-6 && n < max; t += step)
		v[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	return n;
}

const char *chart_axis_unit(const struct chart_axis *a, enum chart_kind kind)
{
	const char *unit;
	double div;

	if (kind != CHART_TIME || a->log)
		return "";
	time_unit(a->hi, &unit, &div);
	return unit;
}

void chart_tick_label(const struct chart_axis *a, enum chart_kind kind, double v, char *buf, size_t len)
{
	const char *unit;
	double div;

	if (kind == CHART_RATE) {
		/* a linear axis names one prefix, chosen by its top; a log axis
		 * each decade's own: 10k, 100k, 1M */
		chart_si(v, chart_si_scale(a->log ? v : a->hi), buf, len);
	} else if (kind == CHART_TIME) { /* on a log axis, each decade in its own unit */
		char n[32];

		time_unit(a->log ? v : a->hi, &unit, &div);
		number(v / div, n, sizeof n);
		snprintf(buf, len, "%s%s%s", n, a->log ? " " : "", a->log ? unit : "");
	} else {
		number(v, buf, len);
	}
}

void chart_ticks(FILE *out, const struct chart_axis *a, enum chart_kind kind, double top, double bottom)
{
	double v[64];
	size_t n = chart_tick_values(a, v, 64);
	char text[32];

	for (size_t k = 0; k < n; k++) {
		double x = chart_px(a, v[k]);

		chart_tick_label(a, kind, v[k], text, sizeof text);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, top, x,
			bottom, x, bottom + 14, text);
	}
}

/* ---- labels and marks ---------------------------------------------------- */

static int by_y(const void *a, const void *b, void *y)
{
	double d = ((const double *)y)[*(const size_t *)a] - ((const double *)y)[*(const size_t *)b];

	return d < 0 ? -1 : d > 0;
}

void chart_nudge(double *y, size_t n, double gap, double lo, double hi)
{
	size_t *o = cl_xcalloc(n + 1, sizeof *o);

	for (size_t k = 0; k < n; k++)
		o[k] = k;
	qsort_r(o, n, sizeof *o, by_y, y);
	/* down from the top, each below the one above; then, where the last
	 * fell past the bottom, up again from it; the top stays in bounds */
	for (size_t k = 0; k < n; k++) {
		double min = k ? y[o[k - 1]] + gap : lo;

		y[o[k]] = y[o[k]] < min ? min : y[o[k]];
	}
	for (size_t k = n; k-- > 0;) {
		double max = k + 1 < n ? y[o[k + 1]] - gap : hi;

		y[o[k]] = y[o[k]] > max ? max : y[o[k]];
	}
	for (size_t k = 0; k < n; k++) {
		double min = k ? y[o[k - 1]] + gap : lo;

		y[o[k]] = y[o[k]] < min ? min : y[o[k]];
	}
	free(o);
}

bool chart_partial(const struct cl_cell_summary *s)
{
	return s->ok < s->measured;
}

void chart_ok_text(const struct cl_cell_summary *s, char *buf, size_t len)
{
	if (chart_partial(s))
		snprintf(buf, len, "%zu/%zu ok", s->ok, s->measured);
	else if (len)
		*buf = 0;
}

void chart_hatch_def(FILE *out, const char *id)
{
	fprintf(out, "<defs><pattern id=\"%s\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"white\" "
		"fill-opacity=\"0.75\"/></pattern></defs>\n", id);
}

void chart_begin(FILE *out, double width, double height, const char *title, const char *subtitle)
{
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 "
		"%.0f %.0f\" font-family=\"sans-serif\" font-size=\"%d\">\n<rect width=\"100%%\" "
		"height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"15\" "
		"font-weight=\"bold\">", width, height, width, height, CHART_FONT_PX);
	cl_view_escaped(out, title, CL_ESCAPE_XML);
	fprintf(out, "</text>\n<text x=\"10\" y=\"38\" fill=\"#555\">");
	cl_view_escaped(out, subtitle, CL_ESCAPE_XML);
	fprintf(out, "</text>\n");
}

/* ---- names --------------------------------------------------------------- */

size_t chart_name(struct chart_names *ns, const char *name, bool add)
{
	size_t k = 0;

	while (k < ns->n && strcmp(ns->v[k], name))
		k++;
	if (k == ns->n && add) {
		ns->v = cl_xrealloc(ns->v, (ns->n + 1) * sizeof *ns->v);
		ns->v[ns->n++] = cl_xstrdup(name);
	}
	return k;
}

void chart_names_free(struct chart_names *ns)
{
	for (size_t k = 0; k < ns->n; k++)
		free(ns->v[k]);
	free(ns->v);
}

void chart_sweep_value(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

bool chart_own_key(const struct cl_results *r, const struct cl_results_cell *c, const char *key)
{
	size_t plen = strcspn(key, ".");
	bool mine = key[plen] == '.' &&
		    ((strlen(c->strategy) == plen && !strncmp(key, c->strategy, plen)) ||
		     (strlen(c->sync) == plen && !strncmp(key, c->sync, plen)));

	if (!mine)
		return false;
	for (size_t i = 0; i < r->ncells; i++)
		if (!json_object_get(r->cells[i].sweep, key))
			return true;
	return false; /* every cell has it: a panel like any other sweep */
}

/* The cell's swept settings but xkey, its plugins' own (own) or the
 * others (!own), each " key=value" after what f holds. */
static void sweep_text(FILE *f, const struct cl_results *r, const struct cl_results_cell *c, const char *xkey,
		       bool own, int n)
{
	const char *key;
	json_t *v;
	char text[256];

	json_object_foreach(c->sweep, key, v) {
		if ((xkey && !strcmp(key, xkey)) || chart_own_key(r, c, key) != own)
			continue;
		chart_sweep_value(v, text, sizeof text);
		fprintf(f, "%s%s=%s", n++ ? " " : "", key, text);
	}
}

char *chart_panel_of(const struct cl_results *r, const struct cl_results_cell *c, const char *xkey)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		cl_oom(NULL);
	if (c->workload)
		fprintf(f, "%s", c->workload);
	sweep_text(f, r, c, xkey, false, c->workload != NULL);
	fclose(f);
	return buf;
}

char *chart_family_of(const struct cl_results *r, const struct cl_results_cell *c, const char *xkey)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		cl_oom(NULL);
	fprintf(f, "%s+%s", c->strategy, c->sync);
	sweep_text(f, r, c, xkey, true, 1);
	fclose(f);
	return buf;
}
