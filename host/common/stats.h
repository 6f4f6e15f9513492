/* Statistics over a cell's trials: summaries, an order-statistic confidence
 * interval for the median, outliers, and the Mann-Whitney U test. */
#ifndef CLH_STATS_H
#define CLH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cl_stats {
	size_t n;
	double median, mean, stddev, cv; /* stddev: sample (n-1); cv = stddev / mean */
	double min, max, q1, q3;         /* quartiles by linear interpolation          */
	double ci_lo, ci_hi;             /* interval for the median ...                */
	double ci_level;                 /* ... and its exact coverage (0.95 or more,
					  * less only when n < 6: then it is min-max)   */
	size_t outliers;                 /* beyond 1.5 x IQR from the quartiles        */
};

/* The median of x[0..n) (the mean of the middle two when n is even), the
 * same figure cl_stats_of gives; 0 when n is 0. x is reordered. */
double cl_median(double *x, size_t n);

/* Sort n int64_t ascending. */
void cl_sort_i64(int64_t *v, size_t n);

/* Nearest-rank percentile p (0-100] of sorted v[0..n); 0 when n is 0. */
int64_t cl_percentile_i64(const int64_t *sorted, size_t n, double p);

/* Percentiles of many values (a trial's tasks' times): exact (nearest rank
 * of the sorted values) up to CL_TALLY_EXACT_MAX values, else from an
 * HDR-style histogram of log-linear buckets: values below 128 exact, above
 * it 128 buckets a power of two, each at most 1/128 of its values wide, a
 * percentile read as its bucket's middle: within 1/256 (0.4%) of the exact
 * figure, in 59 KiB whatever the count. The maximum is always exact. */
#define CL_TALLY_EXACT_MAX 1000000
#define CL_TALLY_BINS      (128 + 57 * 128)

struct cl_tally {
	bool      hist;   /* counted in bins, not kept */
	int64_t  *v;      /* the values (exact)         */
	uint64_t *bins;   /* their counts (histogram)   */
	size_t    n, cap;
	int64_t   max;
	bool      sorted;
};

/* For at most `expected` values. */
void    cl_tally_init(struct cl_tally *t, size_t expected);
/* A value; a negative one counts as 0. */
void    cl_tally_add(struct cl_tally *t, int64_t v);
/* Nearest-rank percentile p (0-100]; 0 when empty. */
int64_t cl_tally_percentile(struct cl_tally *t, double p);
void    cl_tally_free(struct cl_tally *t);

/* Summarise x[0..n); x is not modified. n may be 0 (all zero). */
void cl_stats_of(const double *x, size_t n, struct cl_stats *out);

/* Is v beyond 1.5 x IQR from the quartiles of s? */
bool cl_stats_outlier(const struct cl_stats *s, double v);

/* How evenly tasks shared the work: over each task's count of operations. */
struct cl_fairness {
	uint64_t min, max;
	double   mean;
	double   cv;   /* population stddev / mean: the tasks are all there is,
			* not a sample of them; 0 when the mean is 0           */
	double   jain; /* Jain's index (sum x)^2 / (n sum x^2): 1 when every task
			* did the same, 1/n when one did everything; 0 when none
			* did anything                                         */
};

void cl_fairness_of(const uint64_t *x, size_t n, struct cl_fairness *out);

/* Two-sided p-value of the Mann-Whitney U test that a and b come from the
 * same distribution: exact when there are no ties and both samples are
 * small, else the normal approximation with tie and continuity correction.
 * *u gets U of sample a. 1.0 when either sample is empty. */
double cl_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u);

#endif
