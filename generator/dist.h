/* dist.h: probability distributions that fields, refs and child counts draw from.
 * A distribution is described by a row of dist_table (name, parameter names, defaults), filled in by
 * the profile compiler, then checked and precomputed by dist_init(). Sampling is pure: same generator
 * state in, same value out. Leaves out: JSON (profile.c reads the parameters), clamping to a field's
 * bounds (the caller's job). */
#ifndef FOUNT_DIST_H
#define FOUNT_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "pcg.h"

#define DIST_MAXP 3

enum dist_kind {
    DIST_UNIFORM,     /* a=min b=max: continuous on [a, b)                               */
    DIST_NORMAL,      /* a=mean b=stddev (>0)                                             */
    DIST_LOGNORMAL,   /* a=mu b=sigma (>0): exp(N(mu, sigma))                             */
    DIST_EXPONENTIAL, /* a=rate (>0)                                                      */
    DIST_PARETO,      /* a=scale xm (>0) b=shape alpha (>0): support [xm, inf)            */
    DIST_ZIPF,        /* a=s exponent (>0) b=n ranks (>=1, whole): integer rank in [1, n] */
    DIST_POISSON,     /* a=lambda (>0): integer >= 0                                      */
    DIST_GEOMETRIC,   /* a=p in (0, 1]: number of failures before the first success, >= 0 */
    DIST_BERNOULLI,   /* a=p in [0, 1]: 0 or 1                                            */
    DIST_WEIGHTED,    /* values[i] with probability weights[i] / sum(weights)             */
    DIST_HISTOGRAM,   /* bucket i = [lo[i], hi[i]) chosen by weight, uniform inside it     */
    DIST_CONST        /* a=value                                                          */
};

struct dist_info {
    const char *name;                   /* as written in profiles: "lognormal"           */
    enum dist_kind kind;
    const char *params[DIST_MAXP + 1];  /* parameter names in p[] order, NULL-terminated */
    const char *defaults[DIST_MAXP];    /* default as text, NULL = required              */
    int discrete;                       /* 1 when every sample is a whole number          */
    const char *desc;                   /* one line for docs and --help                   */
};

struct dist {
    enum dist_kind kind;
    double p[DIST_MAXP];      /* parameters, in dist_info.params order                    */
    /* DIST_WEIGHTED and DIST_HISTOGRAM: n entries, owned by the dist (dist_free releases) */
    size_t n;
    double *values;           /* weighted: the values                                     */
    double *lo, *hi;          /* histogram: bucket bounds                                 */
    double *cum;              /* cumulative normalised weights, cum[n-1] == 1             */
    /* Walker/Vose alias table, O(1) picks: weighted, histogram, and zipf with n <= 2^16 */
    size_t na;
    uint32_t *alias_prob;     /* keep index i when a 32-bit draw is below this          */
    uint32_t *alias_idx;      /* else take this index                                   */
    double c[8];              /* precomputed constants (zipf rejection-inversion, ...)    */
};

/* The table of every distribution, for lookup, docs and suggestions. */
extern const struct dist_info dist_table[];
extern const size_t dist_table_len;
const struct dist_info *dist_find(const char *name);

/* Set up a parametric distribution from p[] (copied). Weighted and histogram use the two below.
 * Validates and precomputes. Returns 0, or -1 with a message in msg naming the parameter
 * ("sigma must be > 0 (got -1)") and its index in *bad_param (-1 when not one parameter). */
int dist_init(struct dist *d, enum dist_kind kind, const double *p, char *msg, size_t msglen,
              int *bad_param);
/* Copies the arrays. Weights must be >= 0 with a positive sum. Same return convention. */
int dist_init_weighted(struct dist *d, const double *values, const double *weights, size_t n,
                       char *msg, size_t msglen);
/* Buckets [lo[i], hi[i]) with lo[i] < hi[i] and weight >= 0, positive sum. */
int dist_init_histogram(struct dist *d, const double *lo, const double *hi, const double *weights,
                        size_t n, char *msg, size_t msglen);
void dist_free(struct dist *d);

/* One sample. Discrete kinds return whole numbers (exact up to 2^53). */
double dist_sample(const struct dist *d, struct pcg32 *r);
/* For DIST_WEIGHTED: the index of the chosen value (choice fields need the index, not a number). */
size_t dist_pick(const struct dist *d, struct pcg32 *r);

/* Theoretical moments (INFINITY / NAN where undefined), used by tests and by `fount check` to size
 * things (children per parent). */
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);
/* Cumulative distribution function, for Kolmogorov-Smirnov tests. */
double dist_cdf(const struct dist *d, double x);

#endif
