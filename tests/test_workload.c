/* What a workload draws per task (host/workload/draw.c), checked against
 * the distributions' own formulas written here: 100,000 draws of each have
 * a sample mean within 1% of the distribution's, and a Kolmogorov-Smirnov
 * test against its CDF is not rejected at 0.01; class shares fall within a
 * binomial bound and come back the same from the same seed; Poisson
 * arrivals have exponential gaps of the rate's mean. Arithmetic, not
 * timing: the draws are functions of the seed. */
#define _GNU_SOURCE
#include "testlib.h"
#include "stats.h"
#include "workload.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 100000
/* the KS statistic's critical value at 0.01 for large n: 1.628 / sqrt(n) */
#define KS_CRITICAL (1.628 / sqrt((double)N))

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* sup |F_n - F| over the sorted sample */
static double ks(double *x, size_t n, double (*cdf)(double, const double *), const double *p)
{
	double d = 0;

	qsort(x, n, sizeof *x, cmp);
	for (size_t i = 0; i < n; i++) {
		double f = cdf(x[i], p);

		d = fmax(d, fmax(fabs((double)(i + 1) / (double)n - f), fabs(f - (double)i / (double)n)));
	}
	return d;
}

static double exp_cdf(double x, const double *p) { return x <= 0 ? 0 : 1 - exp(-x / p[0]); }
static double lognormal_cdf(double x, const double *p)
{
	return x <= 0 ? 0 : 0.5 * erfc(-(log(x / p[0]) / p[1]) / sqrt(2));
}
static double pareto_cdf(double x, const double *p) { return x < p[0] ? 0 : 1 - pow(p[0] / x, p[1]); }

/* n draws of d for tasks 0..n-1; their mean */
static double sample(const struct clw_draw *d, uint64_t seed, double *x)
{
	double sum = 0;

	for (uint32_t i = 0; i < N; i++)
		sum += x[i] = clw_dist_real(d, seed, i);
	return sum / N;
}

static void test_continuous_distributions(void)
{
	static const struct {
		int32_t kind;
		double  a, b, mean;
		double (*cdf)(double, const double *);
	} cases[] = {
		{ CLW_DIST_EXPONENTIAL, 5e6, 0, 5e6, exp_cdf },
		{ CLW_DIST_LOGNORMAL, 50e6, 1.0, 50e6 * 1.6487212707001282 /* e^(1/2) */, lognormal_cdf },
		{ CLW_DIST_LOGNORMAL, 2048, 0.5, 2048 * 1.1331484530668263 /* e^(1/8) */, lognormal_cdf },
		{ CLW_DIST_PARETO, 2048, 3.0, 2048 * 1.5 /* alpha min / (alpha - 1) */, pareto_cdf },
		{ CLW_DIST_PARETO, 2048, 1.5, 0 /* its mean converges too slowly to test */, pareto_cdf },
	};
	double *x = malloc(N * sizeof *x);

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct clw_draw d = { .step = 3, .offset = 8, .kind = cases[c].kind, .a = cases[c].a,
				      .b = cases[c].b, .lo = 0, .hi = INT64_MAX };
		double p[2] = { cases[c].a, cases[c].b }, mean = sample(&d, 1, x), dn = ks(x, N, cases[c].cdf, p);

		if (cases[c].mean && fabs(mean / cases[c].mean - 1) >= 0.01)
			fprintf(stderr, "\n%s(%g, %g): mean %g, expected %g\n", clw_dist_name(d.kind), d.a, d.b,
				mean, cases[c].mean);
		if (dn >= KS_CRITICAL)
			fprintf(stderr, "\n%s(%g, %g): KS %g >= %g\n", clw_dist_name(d.kind), d.a, d.b, dn,
				KS_CRITICAL);
		CU_ASSERT(!cases[c].mean || fabs(mean / cases[c].mean - 1) < 0.01);
		CU_ASSERT(dn < KS_CRITICAL);
	}
	free(x);
}

/* uniform over the integers min..max: each one's share within a binomial
 * bound (four standard deviations), the mean within 1% */
static void test_uniform_integers(void)
{
	struct clw_draw d = { .step = 0, .offset = 16, .kind = CLW_DIST_UNIFORM, .a = 1, .b = 9,
			      .lo = 0, .hi = 100 };
	size_t count[11] = { 0 };
	double sum = 0;

	for (uint32_t i = 0; i < N; i++) {
		int64_t v = clw_dist_value(&d, 7, i);

		CU_ASSERT(v >= 1 && v <= 9);
		count[v >= 0 && v <= 10 ? v : 10]++;
		sum += (double)v;
	}
	CU_ASSERT(fabs(sum / N / 5 - 1) < 0.01);
	for (int v = 1; v <= 9; v++)
		CU_ASSERT(fabs((double)count[v] - N / 9.0) < 4 * sqrt(N * (1 / 9.0) * (8 / 9.0)));
}

/* rounded to integers and clamped to the setting's range */
static void test_values_clamped(void)
{
	struct clw_draw d = { .kind = CLW_DIST_PARETO, .a = 1000, .b = 0.5, .lo = 1000, .hi = 100000 };
	bool high = false;

	for (uint32_t i = 0; i < 10000; i++) {
		int64_t v = clw_dist_value(&d, 1, i);

		CU_ASSERT(v >= 1000 && v <= 100000);
		CU_ASSERT_EQUAL(v, llround(fmin(clw_dist_real(&d, 1, i), 100000)));
		high |= v == 100000;
	}
	CU_ASSERT_TRUE(high); /* alpha 0.5: the tail reaches the range's end */
}

static void test_classes(void)
{
	struct cl_workload w = { .tasks = 10000, .loop = 1, .nsteps = 3, .seed = 42, .nclasses = 2 };
	size_t first = 0, again = 0, other = 0;

	w.classes[0] = (struct clw_class){ .name = "cached", .weight = 80, .first = 0, .nsteps = 1 };
	w.classes[1] = (struct clw_class){ .name = "slow", .weight = 20, .first = 1, .nsteps = 2 };
	for (int i = 0; i < 3; i++)
		w.steps[i] = (struct cl_step_spec){ .op = CL_OP_COMPUTE, .iterations = 10 + i };
	for (uint32_t t = 0; t < 10000; t++) {
		unsigned c = clw_task_class(&w, t);
		struct cl_step_spec s;

		first += c == 0;
		CU_ASSERT_EQUAL(clw_task_nsteps(&w, t), c ? 2 : 1);
		clw_task_step(&w, t, c ? 1 : 0, &s);
		CU_ASSERT_EQUAL(s.id, c ? 2 : 0);
		CU_ASSERT_EQUAL(s.iterations, c ? 12 : 10);
	}
	/* 80%: 8,000 within four standard deviations (40 each) */
	CU_ASSERT(first > 8000 - 160 && first < 8000 + 160);
	for (uint32_t t = 0; t < 10000; t++)
		again += clw_task_class(&w, t) == 0;
	CU_ASSERT_EQUAL(again, first);
	w.seed = 43; /* another seed: other tasks in each class */
	for (uint32_t t = 0; t < 1000; t++) {
		w.seed = 42;
		unsigned a = clw_task_class(&w, t);

		w.seed = 43;
		other += a != clw_task_class(&w, t);
	}
	CU_ASSERT(other > 100);
}

static void test_arrivals(void)
{
	struct cl_workload w = { .tasks = N, .seed = 5, .arrival_process = CLW_ARRIVAL_POISSON,
				 .arrival_rate = 1000 };
	int64_t *off = malloc(N * sizeof *off);
	double *gap = malloc(N * sizeof *gap), p[1] = { 1e6 };

	clw_arrival_offsets(&w, off);
	CU_ASSERT_EQUAL(off[0], 0);
	for (size_t i = 1; i < N; i++) {
		CU_ASSERT(off[i] >= off[i - 1]);
		gap[i - 1] = (double)(off[i] - off[i - 1]);
	}
	/* the mean gap is 1 ms within 1%, and the gaps are exponential (each
	 * rounded to a nanosecond, far below the test's resolution) */
	CU_ASSERT(fabs((double)off[N - 1] / (N - 1) / 1e6 - 1) < 0.01);
	CU_ASSERT(ks(gap, N - 1, exp_cdf, p) < KS_CRITICAL);
	w.arrival_process = CLW_ARRIVAL_UNIFORM;
	w.arrival_rate = 3;
	clw_arrival_offsets(&w, off);
	CU_ASSERT_EQUAL(off[1], 333333333);
	CU_ASSERT_EQUAL(off[3], 1000000000);
	free(off);
	free(gap);
}

/* Two million task times (lognormal, a long tail): the histogram's
 * percentiles within 1/256 of the exact nearest-rank figures computed here
 * from the sorted values; below the threshold, the exact figures. */
static void test_tally(void)
{
	size_t n = 2 * CL_TALLY_EXACT_MAX;
	struct clw_draw d = { .kind = CLW_DIST_LOGNORMAL, .a = 2e6, .b = 1.5, .lo = 0, .hi = INT64_MAX };
	int64_t *v = malloc(n * sizeof *v);
	struct cl_tally big, small;
	static const double ps[] = { 1, 50, 90, 99, 99.9, 100 };

	cl_tally_init(&big, n);
	cl_tally_init(&small, 1000);
	CU_ASSERT_TRUE(big.hist);
	CU_ASSERT_FALSE(small.hist);
	for (size_t i = 0; i < n; i++) {
		v[i] = clw_dist_value(&d, 3, (uint32_t)i);
		cl_tally_add(&big, v[i]);
		if (i < 1000)
			cl_tally_add(&small, v[i]);
	}
	qsort(v, 1000, sizeof *v, cmp_i64);
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		size_t rank = (size_t)ceil(ps[k] * 1000 / 100 - 1e-6);

		CU_ASSERT_EQUAL(cl_tally_percentile(&small, ps[k]), v[rank - 1]);
	}
	qsort(v, n, sizeof *v, cmp_i64);
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		size_t rank = (size_t)ceil(ps[k] * (double)n / 100 - 1e-6);
		double exact = (double)v[rank - 1], got = (double)cl_tally_percentile(&big, ps[k]);

		if (fabs(got - exact) > exact / 256 + 0.5)
			fprintf(stderr, "\np%g: %g, exact %g\n", ps[k], got, exact);
		CU_ASSERT(fabs(got - exact) <= exact / 256 + 0.5);
	}
	CU_ASSERT_EQUAL(big.max, v[n - 1]);
	cl_tally_free(&big);
	cl_tally_free(&small);
	free(v);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "exponential, lognormal, pareto: mean and Kolmogorov-Smirnov", test_continuous_distributions },
		{ "uniform integers: each one's share, the mean", test_uniform_integers },
		{ "drawn values rounded and clamped to the setting's range", test_values_clamped },
		{ "classes: shares within a binomial bound, reproducible from the seed", test_classes },
		{ "arrivals: Poisson gaps exponential of the rate's mean; uniform ones equal", test_arrivals },
		{ "percentiles: exact, or a histogram within 1/256 past a million", test_tally },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("workload", tests);
}
