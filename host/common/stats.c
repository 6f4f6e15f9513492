/* Statistics for conclab's cells. The median's confidence interval is the
 * distribution-free order-statistic interval (the ranks come from the
 * binomial(n, 1/2) distribution), so it needs no assumption of normality. */
#include "stats.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double quantile(const double *sorted, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void cl_sort_i64(int64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_i64);
}

int64_t cl_percentile_i64(const int64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	return n ? sorted[rank ? (rank > n ? n : rank) - 1 : 0] : 0;
}

double cl_median(double *x, size_t n)
{
	if (!n)
		return 0;
	qsort(x, n, sizeof *x, cmp_double);
	return quantile(x, n, 0.5);
}

/* P(X <= k) for X ~ binomial(n, 1/2). */
static double binom_half_cdf(size_t n, size_t k)
{
	double term = pow(0.5, (double)n), sum = 0;

	for (size_t i = 0; i <= k && i <= n; i++) {
		sum += term;
		term = term * (double)(n - i) / (double)(i + 1);
	}
	return sum;
}

void cl_stats_of(const double *x, size_t n, struct cl_stats *s)
{
	double *v, sum = 0, sq = 0;
	size_t j = 0;

	memset(s, 0, sizeof *s);
	s->n = n;
	if (!n)
		return;
	v = cl_xmalloc(n * sizeof *v);
	memcpy(v, x, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
	s->cv = s->mean != 0 ? s->stddev / fabs(s->mean) : 0;
	s->min = v[0];
	s->max = v[n - 1];
	s->median = quantile(v, n, 0.5);
	s->q1 = quantile(v, n, 0.25);
	s->q3 = quantile(v, n, 0.75);
	/* The widest symmetric pair of ranks (j, n+1-j), 1-based, whose interval
	 * still covers the median with probability >= 95%: the largest j with
	 * P(X <= j-1) <= 2.5%. */
	while (j + 1 <= n / 2 && binom_half_cdf(n, j) <= 0.025)
		j++;
	if (j == 0) { /* n < 6: no pair reaches 95%; min-max is the best there is */
		s->ci_lo = v[0];
		s->ci_hi = v[n - 1];
		s->ci_level = n > 1 ? 1 - 2 * pow(0.5, (double)n) : 0;
	} else {
		s->ci_lo = v[j - 1];
		s->ci_hi = v[n - j];
		s->ci_level = 1 - 2 * binom_half_cdf(n, j - 1);
	}
	for (size_t i = 0; i < n; i++)
		s->outliers += cl_stats_outlier(s, v[i]);
	free(v);
}

bool cl_stats_outlier(const struct cl_stats *s, double v)
{
	double iqr = s->q3 - s->q1;

	return s->n >= 4 && (v < s->q1 - 1.5 * iqr || v > s->q3 + 1.5 * iqr);
}

/* Exact two-sided p of U = u for samples of m and n without ties: count the
 * arrangements by U with the recurrence f(u; m, n) = f(u-n; m-1, n) + f(u; m, n-1). */
static double exact_p(size_t m, size_t n, double u)
{
	size_t umax = m * n;
	double *f = cl_xcalloc((m + 1) * (n + 1) * (umax + 1), sizeof *f), total = 0, le = 0, ge = 0;
#define F(i, k, v) f[((i) * (n + 1) + (k)) * (umax + 1) + (v)]

	for (size_t i = 0; i <= m; i++)
		for (size_t k = 0; k <= n; k++)
			for (size_t v = 0; v <= umax; v++) {
				if (i == 0 || k == 0)
					F(i, k, v) = v == 0;
				else
					F(i, k, v) = (v >= k ? F(i - 1, k, v - k) : 0) + F(i, k - 1, v);
			}
	for (size_t v = 0; v <= umax; v++) {
		total += F(m, n, v);
		if ((double)v <= u + 1e-9)
			le += F(m, n, v);
		if ((double)v >= u - 1e-9)
			ge += F(m, n, v);
	}
#undef F
	free(f);
	double p = 2 * fmin(le, ge) / total;

	return p > 1 ? 1 : p;
}

double cl_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u_out)
{
	size_t n = na + nb;
	struct item { double v; int from_a; } *all;
	double rank_a = 0, ties = 0, u, mu, sigma, z;

	if (u_out)
		*u_out = 0;
	if (!na || !nb)
		return 1.0;
	all = cl_xmalloc(n * sizeof *all);
	for (size_t i = 0; i < na; i++)
		all[i] = (struct item){ a[i], 1 };
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct item){ b[i], 0 };
	qsort(all, n, sizeof *all, cmp_double); /* sorts on v, the first member */
	for (size_t i = 0; i < n;) {
		size_t k = i;

		while (k + 1 < n && all[k + 1].v == all[i].v)
			k++;
		double t = (double)(k - i + 1), r = ((double)i + (double)k) / 2 + 1; /* mean rank */

		ties += t * t * t - t;
		for (size_t m = i; m <= k; m++)
			rank_a += all[m].from_a ? r : 0;
		i = k + 1;
	}
	free(all);
	u = rank_a - (double)na * (double)(na + 1) / 2;
	if (u_out)
		*u_out = u;
	if (ties == 0 && na * nb <= 400)
		return exact_p(na, nb, u);
	mu = (double)na * (double)nb / 2;
	sigma = sqrt((double)na * (double)nb / 12 *
		     ((double)(n + 1) - ties / ((double)n * (double)(n - 1))));
	if (sigma == 0)
		return 1.0;
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2));
}

void cl_fairness_of(const uint64_t *x, size_t n, struct cl_fairness *out)
{
	long double sum = 0, sq = 0;

	*out = (struct cl_fairness){ .min = n ? x[0] : 0, .max = n ? x[0] : 0 };
	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		sq += (long double)x[i] * x[i];
		out->min = x[i] < out->min ? x[i] : out->min;
		out->max = x[i] > out->max ? x[i] : out->max;
	}
	if (!n || sum == 0)
		return;
	long double mean = sum / n, var = sq / n - mean * mean;

	out->mean = (double)mean;
	out->cv = var > 0 ? (double)(sqrtl(var) / mean) : 0;
	out->jain = (double)(sum * sum / (n * sq));
}

/* The bin of v >= 0: v itself below 128; above, 128 bins for each power of
 * two, by the 7 bits below its highest. */
static size_t tally_bin(int64_t v)
{
	if (v < 128)
		return (size_t)v;
	int e = 63 - __builtin_clzll((unsigned long long)v);

	return 128 + (size_t)(e - 7) * 128 + (size_t)((v >> (e - 7)) & 127);
}

/* The middle of bin b's values. */
static int64_t tally_value(size_t b)
{
	if (b < 128)
		return (int64_t)b;
	int e = (int)((b - 128) / 128) + 7;
	int64_t lo = (int64_t)(128 + (b - 128) % 128) << (e - 7);

	return lo + ((int64_t)1 << (e - 7)) / 2;
}

void cl_tally_init(struct cl_tally *t, size_t expected)
{
	memset(t, 0, sizeof *t);
	t->hist = expected > CL_TALLY_EXACT_MAX;
	if (t->hist)
		t->bins = cl_xcalloc(CL_TALLY_BINS, sizeof *t->bins);
	else
		t->v = cl_xmalloc((expected ? expected : 1) * sizeof *t->v), t->cap = expected ? expected : 1;
}

void cl_tally_add(struct cl_tally *t, int64_t v)
{
	v = v < 0 ? 0 : v;
	t->max = t->n && t->max > v ? t->max : v;
	if (t->hist) {
		t->bins[tally_bin(v)]++;
	} else {
		if (t->n == t->cap)
			t->v = cl_xrealloc(t->v, (t->cap *= 2) * sizeof *t->v);
		t->v[t->n] = v;
		t->sorted = false;
	}
	t->n++;
}

int64_t cl_tally_percentile(struct cl_tally *t, double p)
{
	if (!t->n)
		return 0;
	if (!t->hist) {
		if (!t->sorted)
			cl_sort_i64(t->v, t->n);
		t->sorted = true;
		return cl_percentile_i64(t->v, t->n, p);
	}
	size_t rank = (size_t)(p / 100.0 * (double)t->n + 0.999999), seen = 0;

	rank = rank ? (rank > t->n ? t->n : rank) : 1;
	for (size_t b = 0; b < CL_TALLY_BINS; b++)
		if ((seen += t->bins[b]) >= rank)
			return tally_value(b) < t->max ? tally_value(b) : t->max;
	return t->max;
}

void cl_tally_free(struct cl_tally *t)
{
	free(t->v);
	free(t->bins);
	memset(t, 0, sizeof *t);
}
