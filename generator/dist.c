/* dist.c: validation, precomputation, sampling, moments and CDFs of the distributions in dist.h.
 * Leaves out: reading profiles (profile.c), clamping to a field's bounds (the caller), any table
 * that grows with a parameter (zipf is O(1) per draw for n up to 2^53). */
#include "dist.h"
#include "ziggurat.h"
#include "common.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Above this lambda Knuth's method (lambda + 1 draws per sample) gives way to PTRS. */
#define POISSON_PTRS_MIN 30.0
/* Larger lambdas would give counts past 2^53, where whole numbers stop being exact. */
#define POISSON_LAMBDA_MAX 1e15
#define ZIPF_N_MAX 9007199254740992.0 /* 2^53 */
/* Generalized harmonic sums are added term by term up to here, Euler-Maclaurin beyond. */
#define ZIPF_DIRECT_MAX 1e7
/* Terms below this are always added directly; Euler-Maclaurin takes the rest. */
#define ZIPF_EM_FROM 1000.0
/* Iteration cap of the incomplete gamma series and continued fraction (Poisson CDF). */
#define CDF_MAXIT 100000000
#define DIST_2PI 6.283185307179586476925286766559

const struct dist_info dist_table[] = {
    {"uniform", DIST_UNIFORM, {"min", "max", NULL}, {"0", "1"}, 0,
     "continuous, equally likely anywhere in [min, max)"},
    {"normal", DIST_NORMAL, {"mean", "stddev", NULL}, {"0", "1"}, 0,
     "Gaussian bell curve around mean"},
    {"lognormal", DIST_LOGNORMAL, {"mu", "sigma", NULL}, {"0", "1"}, 0,
     "exp of a normal(mu, sigma): positive and right-skewed (prices, sizes)"},
    {"exponential", DIST_EXPONENTIAL, {"rate", NULL}, {"1"}, 0,
     "waiting time between events that happen rate times per unit, mean 1/rate"},
    {"pareto", DIST_PARETO, {"scale", "shape", NULL}, {"1", "1"}, 0,
     "power law on [scale, inf): a few huge values, many small ones"},
    {"zipf", DIST_ZIPF, {"s", "n", NULL}, {"1", NULL}, 1,
     "rank 1..n with probability proportional to 1/rank^s (popularity)"},
    {"poisson", DIST_POISSON, {"lambda", NULL}, {NULL}, 1,
     "count of events in a unit of time when lambda happen on average"},
    {"geometric", DIST_GEOMETRIC, {"p", NULL}, {NULL}, 1,
     "failures before the first success, each try succeeding with probability p"},
    {"bernoulli", DIST_BERNOULLI, {"p", NULL}, {"0.5"}, 1,
     "1 with probability p, else 0"},
    {"weighted", DIST_WEIGHTED, {NULL}, {NULL}, 0,
     "one of the listed values, chosen in proportion to its weight"},
    {"histogram", DIST_HISTOGRAM, {NULL}, {NULL}, 0,
     "a bucket [min, max) chosen by weight, then uniform inside it"},
    {"const", DIST_CONST, {"value", NULL}, {NULL}, 0,
     "always value"},
};
const size_t dist_table_len = sizeof dist_table / sizeof dist_table[0];

const struct dist_info *dist_find(const char *name)
{
    size_t i;

    for (i = 0; name && i < dist_table_len; i++)
        if (strcmp(dist_table[i].name, name) == 0)
            return &dist_table[i];
    return NULL;
}

static const struct dist_info *info_of(enum dist_kind kind)
{
    size_t i;

    for (i = 0; i < dist_table_len; i++)
        if (dist_table[i].kind == kind)
            return &dist_table[i];
    return NULL;
}

/* ---------- messages ---------- */

/* The shortest of %.15g..%.17g that reads back as v: "2.5", not "2.50000000000000000". */
static const char *num(char *buf, size_t len, double v)
{
    int prec;

    if (!isfinite(v)) {
        snprintf(buf, len, "%g", v);
        return buf;
    }
    for (prec = 15; prec < 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return buf;
    }
    snprintf(buf, len, "%.17g", v);
    return buf;
}

FOUNT_PRINTF(3, 4)
static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;

    if (msg && msglen) {
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---------- parameter checks ---------- */

enum check { CK_ANY, CK_POS, CK_PROB_OPEN0, CK_PROB, CK_WHOLE1 };

/* What each parameter must satisfy, in dist_info.params order. Finiteness is checked for all. */
static const unsigned char param_checks[][DIST_MAXP] = {
    [DIST_UNIFORM] = {CK_ANY, CK_ANY},       [DIST_NORMAL] = {CK_ANY, CK_POS},
    [DIST_LOGNORMAL] = {CK_ANY, CK_POS},     [DIST_EXPONENTIAL] = {CK_POS},
    [DIST_PARETO] = {CK_POS, CK_POS},        [DIST_ZIPF] = {CK_POS, CK_WHOLE1},
    [DIST_POISSON] = {CK_POS},               [DIST_GEOMETRIC] = {CK_PROB_OPEN0},
    [DIST_BERNOULLI] = {CK_PROB},            [DIST_CONST] = {CK_ANY},
};

/* The number is printed only when the check fails: streams call dist_init once per window (a
 * Poisson count), and printing it there cost more than the window's events. */
static int check_param(const char *name, double v, enum check ck, char *msg, size_t msglen)
{
    const char *what;
    char b[32];

    if (!isfinite(v))
        what = "must be finite";
    else if (ck == CK_POS && !(v > 0))
        what = "must be > 0";
    else if (ck == CK_PROB_OPEN0 && !(v > 0 && v <= 1))
        what = "must be in (0, 1]";
    else if (ck == CK_PROB && !(v >= 0 && v <= 1))
        what = "must be in [0, 1]";
    else if (ck == CK_WHOLE1 && !(v >= 1 && v == floor(v)))
        what = "must be a whole number >= 1";
    else
        return 0;
    return fail(msg, msglen, "%s %s (got %s)", name, what, num(b, sizeof b, v));
}

/* Checks that involve more than one parameter, or limits of the implementation. */
static int check_kind(const struct dist *d, char *msg, size_t msglen, int *bad)
{
    char b1[32], b2[32];

    if (d->kind == DIST_UNIFORM && !(d->p[1] > d->p[0])) {
        *bad = 1;
        return fail(msg, msglen, "max must be greater than min (got min %s, max %s)",
                    num(b1, sizeof b1, d->p[0]), num(b2, sizeof b2, d->p[1]));
    }
    if (d->kind == DIST_UNIFORM && !isfinite(d->p[1] - d->p[0])) {
        *bad = -1;
        return fail(msg, msglen, "max - min must be finite (got min %s, max %s)",
                    num(b1, sizeof b1, d->p[0]), num(b2, sizeof b2, d->p[1]));
    }
    if (d->kind == DIST_ZIPF && d->p[1] > ZIPF_N_MAX) {
        *bad = 1;
        return fail(msg, msglen, "n must be <= 2^53 (got %s)", num(b1, sizeof b1, d->p[1]));
    }
    if (d->kind == DIST_POISSON && d->p[0] > POISSON_LAMBDA_MAX) {
        *bad = 0;
        return fail(msg, msglen, "lambda must be <= 1e15 (got %s)", num(b1, sizeof b1, d->p[0]));
    }
    return 0;
}

/* ---------- precomputation ---------- */

/* log1p(x) / x, continuous at 0. */
static double helper1(double x)
{
    return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

/* expm1(x) / x, continuous at 0. */
static double helper2(double x)
{
    return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

/* Zipf hat h(x) = x^-s, its integral H(x) = (x^(1-s) - 1) / (1 - s) (log x at s = 1) and the
 * inverse of H; written with helper1/2 so that s near 1 loses no precision. */
static double zipf_h(double x, double s)
{
    return exp(-s * log(x));
}

static double zipf_hint(double x, double s)
{
    double lx = log(x);

    return helper2((1 - s) * lx) * lx;
}

static double zipf_hinv(double y, double s)
{
    double t = y * (1 - s);

    if (t < -1) /* rounding can push t just past its limit */
        t = -1;
    return exp(helper1(t) * y);
}

static void build_alias(struct dist *d, const double *w, size_t n);

static void zipf_init(struct dist *d)
{
    double s = d->p[0];

    d->c[0] = s;
    d->c[1] = d->p[1];
    d->c[2] = zipf_hint(1.5, s) - 1;
    d->c[3] = zipf_hint(d->p[1] + 0.5, s);
    d->c[4] = 2 - zipf_hinv(zipf_hint(2.5, s) - zipf_h(2, s), s);
    /* Up to 2^16 ranks an alias table (at most 512 KiB) is faster than rejection-inversion's
     * log and exp per draw. */
    if (d->p[1] <= 65536) {
        size_t n = (size_t)d->p[1], k;
        double *w = xmalloc(n * sizeof *w);
        for (k = 0; k < n; k++)
            w[k] = pow((double)(k + 1), -s);
        build_alias(d, w, n);
        free(w);
    }
}

/* Constants of Hormann's PTRS, "The transformed rejection method for generating Poisson random
 * variables" (1993), in the form numpy's random_poisson_ptrs uses. */
static void poisson_init(struct dist *d)
{
    double lam = d->p[0], b = 0.931 + 2.53 * sqrt(lam);

    d->c[0] = exp(-lam);                 /* Knuth */
    d->c[1] = b;
    d->c[2] = -0.059 + 0.02483 * b;      /* a */
    d->c[3] = log(1.1239 + 1.1328 / (b - 3.4)); /* log(1 / alpha) */
    d->c[4] = 0.9277 - 3.6224 / (b - 2); /* v_r */
}

int dist_init(struct dist *d, enum dist_kind kind, const double *p, char *msg, size_t msglen,
              int *bad_param)
{
    const struct dist_info *info = info_of(kind);
    int i, bad = -1, rc = -1;

    memset(d, 0, sizeof *d);
    d->kind = kind;
    if (!info) {
        fail(msg, msglen, "unknown distribution kind %d", (int)kind);
        goto out;
    }
    if (kind == DIST_WEIGHTED || kind == DIST_HISTOGRAM) {
        fail(msg, msglen, "%s takes arrays: use dist_init_%s", info->name, info->name);
        goto out;
    }
    for (i = 0; info->params[i]; i++) {
        d->p[i] = p[i];
        if (check_param(info->params[i], p[i], (enum check)param_checks[kind][i], msg, msglen)) {
            bad = i;
            goto out;
        }
    }
    if (check_kind(d, msg, msglen, &bad))
        goto out;
    if (kind == DIST_ZIPF)
        zipf_init(d);
    else if (kind == DIST_POISSON)
        poisson_init(d);
    else if (kind == DIST_GEOMETRIC)
        d->c[0] = log1p(-d->p[0]);
    rc = 0;
out:
    if (bad_param)
        *bad_param = bad;
    return rc;
}

/* Fills d->cum from w[]; the caller has checked every weight is finite and >= 0. The second pass
 * repeats the same running sum, so the last non-zero weight's entry is exactly total / total == 1
 * and a zero-weight entry repeats its predecessor: it can never be picked. */
static int set_cum(struct dist *d, const double *w, size_t n, const char *what, char *msg,
                   size_t msglen)
{
    double total = 0, run = 0;
    size_t i;

    for (i = 0; i < n; i++)
        total += w[i];
    if (!(total > 0))
        return fail(msg, msglen, "%s must not all be zero", what);
    if (!isfinite(total))
        return fail(msg, msglen, "the sum of %s must be finite", what);
    d->cum = xmalloc(n * sizeof *d->cum);
    d->n = n;
    for (i = 0; i < n; i++) {
        run += w[i];
        d->cum[i] = run / total;
    }
    d->cum[n - 1] = 1;
    if (n <= UINT32_MAX)
        build_alias(d, w, n);
    return 0;
}

/* Vose's alias method: after it, index i is kept when a uniform 32-bit draw is below prob[i],
 * else alias[i] is taken. A zero weight is never kept and never an alias, so never picked. */
static void build_alias(struct dist *d, const double *w, size_t n)
{
    double total = 0, *q = xmalloc(n * sizeof *q);
    size_t *small = xmalloc(n * sizeof *small), *large = xmalloc(n * sizeof *large);
    size_t ns = 0, nl = 0, i, first_pos = 0;

    for (i = 0; i < n; i++)
        total += w[i];
    for (i = n; i-- > 0;)
        if (w[i] > 0)
            first_pos = i;
    d->na = n;
    d->alias_prob = xmalloc(n * sizeof *d->alias_prob);
    d->alias_idx = xmalloc(n * sizeof *d->alias_idx);
    for (i = 0; i < n; i++) {
        q[i] = w[i] / total * (double)n;
        if (q[i] < 1)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns && nl) {
        size_t s = small[--ns], l = large[nl - 1];
        d->alias_prob[s] = (uint32_t)(q[s] * 4294967296.0);
        d->alias_idx[s] = (uint32_t)l;
        q[l] -= 1 - q[s];
        if (q[l] < 1) {
            nl--;
            small[ns++] = l;
        }
    }
    /* Leftovers are 1 up to rounding: keep them, unless their weight is zero. */
    while (nl) {
        size_t l = large[--nl];
        d->alias_prob[l] = UINT32_MAX;
        d->alias_idx[l] = (uint32_t)l;
    }
    while (ns) {
        size_t s = small[--ns];
        d->alias_prob[s] = w[s] > 0 ? UINT32_MAX : 0;
        d->alias_idx[s] = (uint32_t)(w[s] > 0 ? s : first_pos);
    }
    free(q);
    free(small);
    free(large);
}

static size_t alias_pick(const struct dist *d, struct pcg32 *r)
{
    size_t i = pcg32_bounded(r, (uint32_t)d->na);

    return pcg32_next(r) < d->alias_prob[i] ? i : d->alias_idx[i];
}

/* what is "weights[2]" or "buckets[2]: weight". */
static int check_weight(const char *what, double w, char *msg, size_t msglen)
{
    char b[32];

    if (!isfinite(w) || w < 0)
        return fail(msg, msglen, "%s must be %s (got %s)", what, isfinite(w) ? ">= 0" : "finite",
                    num(b, sizeof b, w));
    return 0;
}

int dist_init_weighted(struct dist *d, const double *values, const double *weights, size_t n,
                       char *msg, size_t msglen)
{
    char b[32], what[48];
    size_t i;

    memset(d, 0, sizeof *d);
    d->kind = DIST_WEIGHTED;
    if (n == 0)
        return fail(msg, msglen, "needs at least one value");
    for (i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return fail(msg, msglen, "values[%zu] must be finite (got %s)", i,
                        num(b, sizeof b, values[i]));
        snprintf(what, sizeof what, "weights[%zu]", i);
        if (check_weight(what, weights[i], msg, msglen))
            return -1;
    }
    if (set_cum(d, weights, n, "weights", msg, msglen))
        return -1;
    d->values = xmalloc(n * sizeof *d->values);
    memcpy(d->values, values, n * sizeof *d->values);
    return 0;
}

static int check_bucket(size_t i, double lo, double hi, char *msg, size_t msglen)
{
    char b1[32], b2[32];

    if (!isfinite(lo))
        return fail(msg, msglen, "buckets[%zu]: min must be finite (got %s)", i,
                    num(b1, sizeof b1, lo));
    if (!isfinite(hi))
        return fail(msg, msglen, "buckets[%zu]: max must be finite (got %s)", i,
                    num(b1, sizeof b1, hi));
    if (!(hi > lo))
        return fail(msg, msglen, "buckets[%zu]: max must be greater than min (got min %s, max %s)",
                    i, num(b1, sizeof b1, lo), num(b2, sizeof b2, hi));
    if (!isfinite(hi - lo))
        return fail(msg, msglen, "buckets[%zu]: max - min must be finite (got min %s, max %s)", i,
                    num(b1, sizeof b1, lo), num(b2, sizeof b2, hi));
    return 0;
}

int dist_init_histogram(struct dist *d, const double *lo, const double *hi, const double *weights,
                        size_t n, char *msg, size_t msglen)
{
    char what[48];
    size_t i;

    memset(d, 0, sizeof *d);
    d->kind = DIST_HISTOGRAM;
    if (n == 0)
        return fail(msg, msglen, "needs at least one bucket");
    for (i = 0; i < n; i++) {
        snprintf(what, sizeof what, "buckets[%zu]: weight", i);
        if (check_bucket(i, lo[i], hi[i], msg, msglen) || check_weight(what, weights[i], msg, msglen))
            return -1;
    }
    if (set_cum(d, weights, n, "bucket weights", msg, msglen))
        return -1;
    d->lo = xmalloc(n * sizeof *d->lo);
    d->hi = xmalloc(n * sizeof *d->hi);
    memcpy(d->lo, lo, n * sizeof *d->lo);
    memcpy(d->hi, hi, n * sizeof *d->hi);
    return 0;
}

void dist_free(struct dist *d)
{
    if (!d)
        return;
    free(d->values);
    free(d->lo);
    free(d->hi);
    free(d->cum);
    free(d->alias_prob);
    free(d->alias_idx);
    d->values = d->lo = d->hi = d->cum = NULL;
    d->alias_prob = d->alias_idx = NULL;
    d->n = d->na = 0;
}

/* ---------- sampling ---------- */

/* lo + u (hi - lo) for u in [0, 1), kept below hi when rounding would reach it. */
static double uniform_in(double lo, double hi, double u)
{
    double x = lo + u * (hi - lo);

    return x < hi ? x : nextafter(hi, lo);
}

/* Box-Muller, cosine half only: always two draws, no state carried between calls. */
/* Standard normal by a 256-layer ziggurat: one 64-bit draw and a multiply 99% of the time. The
 * layer comes from the low 8 bits, the signed uniform from the top 53: no bit serves twice.
 * Deterministic: the loop consumes draws in a fixed order for a given state. */
static double std_normal(struct pcg32 *r)
{
    for (;;) {
        uint64_t bits = pcg32_next64(r);
        unsigned i = (unsigned)(bits & 0xff);
        double u = (double)(bits >> 11) * 0x1.0p-52 - 1; /* in [-1, 1) */
        double x = u * ZIG_X[i];

        if (fabs(x) < ZIG_X[i + 1])
            return x;
        if (i == 0) { /* the tail beyond R: Marsaglia's exponential method */
            double t, y;
            do {
                t = log(pcg32_double_open(r)) / ZIG_R;
                y = log(pcg32_double_open(r));
            } while (-2 * y < t * t);
            return u < 0 ? t - ZIG_R : ZIG_R - t;
        }
        if (ZIG_F[i + 1] + (ZIG_F[i] - ZIG_F[i + 1]) * pcg32_double(r) < exp(-x * x / 2))
            return x;
    }
}

/* Rejection-inversion, Hormann & Derflinger (1996), as formulated for all s > 0 by Apache Commons
 * RNG's RejectionInversionZipfSampler; c[] comes from zipf_init. Acceptance is above 90% for any s. */
static double zipf_sample(const struct dist *d, struct pcg32 *r)
{
    double s = d->c[0], n = d->c[1];

    for (;;) {
        double u = d->c[3] + pcg32_double(r) * (d->c[2] - d->c[3]);
        double x = zipf_hinv(u, s), k = floor(x + 0.5);

        if (k < 1)
            k = 1;
        else if (k > n)
            k = n;
        if (k - x <= d->c[4] || u >= zipf_hint(k + 0.5, s) - zipf_h(k, s))
            return k;
    }
}

/* log(k!) for small whole k; avoids lgamma(), which writes the global signgam. */
static double log_factorial_small(double k)
{
    double s = 0, i;

    for (i = 2; i <= k; i++)
        s += log(i);
    return s;
}

/* Stirling's series error: log(k!) - (k log k - k + log(2 pi k) / 2), for k >= 16. */
static double stirlerr(double k)
{
    double k2 = 1 / (k * k);

    return (1.0 / 12 - k2 * (1.0 / 360 - k2 * (1.0 / 1260 - k2 / 1680))) / k;
}

/* x log(x / np) + np - x without cancellation near x == np (Loader 2000, "Fast and accurate
 * computation of binomial probabilities"). */
static double bd0(double x, double np)
{
    double v, s, ej, s1;
    int j;

    if (!(fabs(x - np) < 0.1 * (x + np)))
        return x * log(x / np) + np - x;
    v = (x - np) / (x + np);
    s = (x - np) * v;
    ej = 2 * x * v;
    v *= v;
    for (j = 1; j < 1000; j++) {
        ej *= v;
        s1 = s + ej / (2 * j + 1);
        if (s1 == s)
            break;
        s = s1;
    }
    return s;
}

/* log P(X = k) for Poisson(lam), whole k >= 0, accurate even when k and lam are near 1e15. */
static double poisson_logpmf(double k, double lam)
{
    if (k == 0)
        return -lam;
    if (k < 16)
        return k * log(lam) - lam - log_factorial_small(k);
    return -0.5 * log(DIST_2PI * k) - stirlerr(k) - bd0(k, lam);
}

/* Knuth: multiply uniforms until the product drops to exp(-lam); lam + 1 draws on average. */
static double poisson_knuth(const struct dist *d, struct pcg32 *r)
{
    double prod = pcg32_double(r), k = 0;

    while (prod > d->c[0]) {
        prod *= pcg32_double(r);
        k++;
    }
    return k;
}

/* PTRS: transformed rejection with squeeze, exact for lam >= 10; about 1.1 tries per sample. */
static double poisson_ptrs(const struct dist *d, struct pcg32 *r)
{
    double lam = d->p[0], b = d->c[1], a = d->c[2];

    for (;;) {
        double u = pcg32_double_open(r) - 0.5, v = pcg32_double_open(r);
        double us = 0.5 - fabs(u), k = floor((2 * a / us + b) * u + lam + 0.43);

        if (us >= 0.07 && v <= d->c[4])
            return k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + d->c[3] - log(a / (us * us) + b) <= poisson_logpmf(k, lam))
            return k;
    }
}

size_t dist_pick(const struct dist *d, struct pcg32 *r)
{
    size_t lo = 0, hi;
    double u;

    if (d->n == 0)
        return 0;
    if (d->na)
        return alias_pick(d, r);
    hi = d->n - 1;
    u = pcg32_double(r);
    while (lo < hi) { /* the first i with u < cum[i]; cum[n - 1] == 1 > u */
        size_t mid = lo + (hi - lo) / 2;
        if (u < d->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double dist_sample(const struct dist *d, struct pcg32 *r)
{
    size_t i;

    switch (d->kind) {
    case DIST_UNIFORM:
        return uniform_in(d->p[0], d->p[1], pcg32_double(r));
    case DIST_NORMAL:
        return d->p[0] + d->p[1] * std_normal(r);
    case DIST_LOGNORMAL:
        return exp(d->p[0] + d->p[1] * std_normal(r));
    case DIST_EXPONENTIAL:
        return -log(pcg32_double_open(r)) / d->p[0];
    case DIST_PARETO:
        return d->p[0] * exp(-log(pcg32_double_open(r)) / d->p[1]);
    case DIST_ZIPF:
        return d->na ? (double)alias_pick(d, r) + 1 : zipf_sample(d, r);
    case DIST_POISSON:
        return d->p[0] < POISSON_PTRS_MIN ? poisson_knuth(d, r) : poisson_ptrs(d, r);
    case DIST_GEOMETRIC:
        return d->p[0] >= 1 ? 0 : floor(log(pcg32_double_open(r)) / d->c[0]);
    case DIST_BERNOULLI:
        return pcg32_double(r) < d->p[0] ? 1 : 0;
    case DIST_WEIGHTED:
        return d->n ? d->values[dist_pick(d, r)] : NAN;
    case DIST_HISTOGRAM:
        if (!d->n)
            return NAN;
        i = dist_pick(d, r);
        return uniform_in(d->lo[i], d->hi[i], pcg32_double(r));
    case DIST_CONST:
        return d->p[0];
    }
    return NAN;
}

/* ---------- zipf normalising sums ---------- */

/* Neumaier's compensated sum: 10^7 terms of very different sizes add up to the last bit. */
struct ksum {
    double s, c;
};

static void ksum_add(struct ksum *k, double x)
{
    double t = k->s + x;

    k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
    k->s = t;
}

/* h[j] = sum_{k=from}^{to} k^-(s - j) for j < nexp, term by term. */
static void sums_direct(double from, double to, double s, int nexp, double *h)
{
    struct ksum acc[3] = {{0, 0}, {0, 0}, {0, 0}};
    double k, t;
    int j;

    for (k = from; k <= to; k++) {
        t = zipf_h(k, s);
        for (j = 0; j < nexp; j++, t *= k)
            ksum_add(&acc[j], t);
    }
    for (j = 0; j < nexp; j++)
        h[j] = acc[j].s + acc[j].c;
}

static const double em_bern[3] = {1.0 / 12, -1.0 / 720, 1.0 / 30240}; /* B_2j / (2j)! */

/* sum_{k=n0}^{m} k^-a by Euler-Maclaurin: the integral, the end-point mean and the B2, B4, B6
 * corrections. From n0 = 1000 the first omitted term is below 1e-25 of the sum for s <= 50. */
static double sum_em(double n0, double m, double a)
{
    double l = log(m / n0), sum, coef = -a;
    int j;

    sum = exp((1 - a) * log(n0)) * helper2((1 - a) * l) * l;
    sum += (zipf_h(n0, a) + zipf_h(m, a)) / 2;
    for (j = 0; j < 3; j++) { /* f^(2j+1)(x) = coef * x^-(a + 2j + 1) */
        sum += em_bern[j] * coef * (zipf_h(m, a + 2 * j + 1) - zipf_h(n0, a + 2 * j + 1));
        coef *= (a + 2 * j + 1) * (a + 2 * j + 2);
    }
    return sum;
}

/* h[j] = H(m, s - j), the generalized harmonic numbers, for j < nexp (at most 3). Exact (to
 * rounding) up to m = 1e7; beyond, the first 999 terms plus an Euler-Maclaurin tail, relative
 * error near 1e-15. Costs O(min(m, 1e7)). */
static void zipf_sums(double m, double s, int nexp, double *h)
{
    int j;

    if (m <= ZIPF_DIRECT_MAX) {
        sums_direct(1, m, s, nexp, h);
        return;
    }
    sums_direct(1, ZIPF_EM_FROM - 1, s, nexp, h);
    for (j = 0; j < nexp; j++)
        h[j] += sum_em(ZIPF_EM_FROM, m, s - j);
}

/* ---------- moments ---------- */

static double weight_at(const struct dist *d, size_t i)
{
    return i ? d->cum[i] - d->cum[i - 1] : d->cum[0];
}

static double mixture_mean(const struct dist *d)
{
    double m = 0;
    size_t i;

    for (i = 0; i < d->n; i++)
        m += weight_at(d, i) *
             (d->kind == DIST_WEIGHTED ? d->values[i] : (d->lo[i] + d->hi[i]) / 2);
    return d->n ? m : NAN;
}

/* Weighted: spread of the values. Histogram: each bucket adds its own width^2 / 12. */
static double mixture_var(const struct dist *d)
{
    double mean = mixture_mean(d), v = 0, x, w;
    size_t i;

    for (i = 0; i < d->n; i++) {
        w = weight_at(d, i);
        if (d->kind == DIST_WEIGHTED) {
            x = d->values[i] - mean;
        } else {
            x = (d->lo[i] + d->hi[i]) / 2 - mean;
            v += w * (d->hi[i] - d->lo[i]) * (d->hi[i] - d->lo[i]) / 12;
        }
        v += w * x * x;
    }
    return d->n ? v : NAN;
}

double dist_mean(const struct dist *d)
{
    double a = d->p[0], b = d->p[1], h[3];

    switch (d->kind) {
    case DIST_UNIFORM:
        return a + (b - a) / 2;
    case DIST_NORMAL:
    case DIST_CONST:
        return a;
    case DIST_LOGNORMAL:
        return exp(a + b * b / 2);
    case DIST_EXPONENTIAL:
        return 1 / a;
    case DIST_PARETO:
        return b <= 1 ? INFINITY : b * a / (b - 1);
    case DIST_ZIPF:
        zipf_sums(b, a, 2, h);
        return h[1] / h[0];
    case DIST_POISSON:
    case DIST_BERNOULLI:
        return a;
    case DIST_GEOMETRIC:
        return (1 - a) / a;
    case DIST_WEIGHTED:
    case DIST_HISTOGRAM:
        return mixture_mean(d);
    }
    return NAN;
}

double dist_var(const struct dist *d)
{
    double a = d->p[0], b = d->p[1], h[3];

    switch (d->kind) {
    case DIST_UNIFORM:
        return (b - a) * (b - a) / 12;
    case DIST_NORMAL:
        return b * b;
    case DIST_LOGNORMAL:
        return expm1(b * b) * exp(2 * a + b * b);
    case DIST_EXPONENTIAL:
        return 1 / (a * a);
    case DIST_PARETO:
        return b <= 2 ? INFINITY : a * a * b / ((b - 1) * (b - 1) * (b - 2));
    case DIST_ZIPF:
        zipf_sums(b, a, 3, h);
        return h[2] / h[0] - (h[1] / h[0]) * (h[1] / h[0]);
    case DIST_POISSON:
        return a;
    case DIST_GEOMETRIC:
        return (1 - a) / (a * a);
    case DIST_BERNOULLI:
        return a * (1 - a);
    case DIST_WEIGHTED:
    case DIST_HISTOGRAM:
        return mixture_var(d);
    case DIST_CONST:
        return 0;
    }
    return NAN;
}

/* ---------- CDF ---------- */

/* P(X <= k) for Poisson(lam) is Q(k + 1, lam), the regularized upper incomplete gamma: by its
 * series when lam < k + 1, else by Lentz's continued fraction (Numerical Recipes 6.2). The
 * prefactors e^-lam lam^a / Gamma(a) come from poisson_logpmf, which stays exact for large lam.
 * Both loops take O(sqrt(lam)) steps near the mode. */
static double poisson_cdf(double k, double lam)
{
    const double tiny = DBL_MIN / DBL_EPSILON;
    double a = k + 1, sum = 1, term = 1, b, c, dd, h, del, an;
    long i;

    if (lam < a) {
        for (i = 1; i < CDF_MAXIT && term >= sum * DBL_EPSILON; i++) {
            term *= lam / (a + (double)i);
            sum += term;
        }
        return 1 - exp(poisson_logpmf(a, lam)) * sum;
    }
    b = lam + 1 - a;
    c = 1 / tiny;
    dd = 1 / b;
    h = dd;
    for (i = 1; i < CDF_MAXIT; i++) {
        an = -(double)i * ((double)i - a);
        b += 2;
        dd = an * dd + b;
        dd = fabs(dd) < tiny ? tiny : dd;
        c = b + an / c;
        c = fabs(c) < tiny ? tiny : c;
        dd = 1 / dd;
        del = dd * c;
        h *= del;
        if (fabs(del - 1) < DBL_EPSILON)
            break;
    }
    return exp(log(lam) + poisson_logpmf(k, lam)) * h;
}

static double zipf_cdf(const struct dist *d, double x)
{
    double hx, hn;

    if (x < 1)
        return 0;
    if (x >= d->p[1])
        return 1;
    zipf_sums(floor(x), d->p[0], 1, &hx);
    zipf_sums(d->p[1], d->p[0], 1, &hn);
    return hx / hn;
}

static double mixture_cdf(const struct dist *d, double x)
{
    double f = 0, t;
    size_t i;

    for (i = 0; i < d->n; i++) {
        if (d->kind == DIST_WEIGHTED) {
            t = x >= d->values[i];
        } else {
            t = (x - d->lo[i]) / (d->hi[i] - d->lo[i]);
            t = t < 0 ? 0 : t > 1 ? 1 : t;
        }
        f += weight_at(d, i) * t;
    }
    return f > 1 ? 1 : f;
}

static double normal_cdf(double x, double mean, double sd)
{
    return 0.5 * erfc(-(x - mean) / (sd * sqrt(2.0)));
}

double dist_cdf(const struct dist *d, double x)
{
    double a = d->p[0], b = d->p[1];

    if (isnan(x))
        return NAN;
    switch (d->kind) {
    case DIST_UNIFORM:
        return x < a ? 0 : x >= b ? 1 : (x - a) / (b - a);
    case DIST_NORMAL:
        return normal_cdf(x, a, b);
    case DIST_LOGNORMAL:
        return x <= 0 ? 0 : normal_cdf(log(x), a, b);
    case DIST_EXPONENTIAL:
        return x <= 0 ? 0 : -expm1(-a * x);
    case DIST_PARETO:
        return x <= a ? 0 : -expm1(b * log(a / x));
    case DIST_ZIPF:
        return zipf_cdf(d, x);
    case DIST_POISSON:
        return x < 0 ? 0 : isinf(x) ? 1 : poisson_cdf(floor(x), a);
    case DIST_GEOMETRIC:
        return x < 0 ? 0 : a >= 1 || isinf(x) ? 1 : -expm1((floor(x) + 1) * d->c[0]);
    case DIST_BERNOULLI:
        return x < 0 ? 0 : x < 1 ? 1 - a : 1;
    case DIST_WEIGHTED:
    case DIST_HISTOGRAM:
        return mixture_cdf(d, x);
    case DIST_CONST:
        return x >= a ? 1 : 0;
    }
    return NAN;
}
