/* test_dist.c: statistical and validation tests of dist.c: moments against dist_mean/dist_var,
 * chi-square for the discrete kinds, Kolmogorov-Smirnov for the continuous ones, parameter errors,
 * determinism. Every statistical check runs at a fixed seed, so a pass is reproducible. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"

#define SEED 0x5eedf00dULL
#define N_MOMENT 1000000
#define N_CHI 1000000
#define N_KS 100000
#define ALPHA 1e-4        /* per-test false alarm rate of the chi-square and KS checks */
#define EULER_GAMMA 0.57721566490153286061

/* ---------- the distributions under test ---------- */

static const double w_values[] = {1, 2, 10, -3.5};
static const double w_weights[] = {1, 0, 3, 0.5};
static const double h_lo[] = {0, 1, 10, 2.5};
static const double h_hi[] = {1, 3, 10.5, 2.75};
static const double h_w[] = {1, 1, 0.5, 2};

struct row {
    const char *label;
    enum dist_kind kind;
    double p[DIST_MAXP];
    double nse; /* moment tolerance, in standard errors of the estimate */
};

static const struct row rows[] = {
    {"uniform(-3,7)", DIST_UNIFORM, {-3, 7}, 6},
    {"normal(10,2)", DIST_NORMAL, {10, 2}, 6},
    {"lognormal(0.5,0.5)", DIST_LOGNORMAL, {0.5, 0.5}, 6},
    {"exponential(2.5)", DIST_EXPONENTIAL, {2.5}, 6},
    {"pareto(2,5)", DIST_PARETO, {2, 5}, 6}, /* shape > 4: finite 4th moment, so var has an SE */
    {"pareto(1,0.5)", DIST_PARETO, {1, 0.5}, 0}, /* infinite mean: KS only */
    {"zipf(1,100)", DIST_ZIPF, {1, 100}, 6},
    {"zipf(0.7,1000)", DIST_ZIPF, {0.7, 1000}, 6},
    {"zipf(2.5,50)", DIST_ZIPF, {2.5, 50}, 6},
    {"zipf(1,1)", DIST_ZIPF, {1, 1}, 6},
    {"poisson(3.5)", DIST_POISSON, {3.5}, 6},
    {"poisson(29.9)", DIST_POISSON, {29.9}, 6}, /* last Knuth */
    {"poisson(30)", DIST_POISSON, {30}, 6},     /* first PTRS */
    {"poisson(250)", DIST_POISSON, {250}, 6},
    {"poisson(1e6)", DIST_POISSON, {1e6}, 6},
    {"geometric(0.2)", DIST_GEOMETRIC, {0.2}, 6},
    {"geometric(0.9)", DIST_GEOMETRIC, {0.9}, 6},
    {"geometric(1)", DIST_GEOMETRIC, {1}, 6},
    {"bernoulli(0.3)", DIST_BERNOULLI, {0.3}, 6},
    {"bernoulli(1)", DIST_BERNOULLI, {1}, 6},
    {"weighted", DIST_WEIGHTED, {0}, 6},
    {"histogram", DIST_HISTOGRAM, {0}, 6},
    {"const(4.25)", DIST_CONST, {4.25}, 6},
};
#define NROWS ((int)(sizeof rows / sizeof rows[0]))

static void make(const struct row *w, struct dist *d)
{
    char msg[256] = "";
    int bad = 0, rc;

    if (w->kind == DIST_WEIGHTED)
        rc = dist_init_weighted(d, w_values, w_weights, 4, msg, sizeof msg);
    else if (w->kind == DIST_HISTOGRAM)
        rc = dist_init_histogram(d, h_lo, h_hi, h_w, 4, msg, sizeof msg);
    else
        rc = dist_init(d, w->kind, w->p, msg, sizeof msg, &bad);
    cr_assert_eq(rc, 0, "%s: init failed: %s", w->label, msg);
}

static double *draw(const struct dist *d, size_t n, uint64_t stream)
{
    double *x = malloc(n * sizeof *x);
    struct pcg32 r;
    size_t i;

    cr_assert_not_null(x);
    pcg32_seed(&r, SEED, stream);
    for (i = 0; i < n; i++)
        x[i] = dist_sample(d, &r);
    return x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Regularized upper incomplete gamma Q(a, x) (series or Lentz continued fraction), for p-values. */
static double gamma_q(double a, double x)
{
    double lpre = -x + a * log(x) - lgamma(a), sum, term, b, c, d, h, del, an;
    int i;

    if (x <= 0)
        return 1;
    if (x < a + 1) {
        for (sum = term = 1 / a, i = 1; i < 100000 && term > sum * 1e-17; i++) {
            term *= x / (a + i);
            sum += term;
        }
        return 1 - exp(lpre) * sum;
    }
    b = x + 1 - a;
    c = 1 / 1e-300;
    d = 1 / b;
    h = d;
    for (i = 1; i < 100000; i++) {
        an = -i * (i - a);
        b += 2;
        d = an * d + b;
        d = fabs(d) < 1e-300 ? 1e-300 : d;
        c = b + an / c;
        c = fabs(c) < 1e-300 ? 1e-300 : c;
        d = 1 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return exp(lpre) * h;
}

/* ---------- moments ---------- */

static const int all_rows[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                               12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22};
_Static_assert(sizeof all_rows / sizeof all_rows[0] == NROWS, "all_rows lists every row");

ParameterizedTestParameters(dist, moments)
{
    return cr_make_param_array(int, (int *)all_rows, NROWS);
}

/* Sample mean within nse * sqrt(var / N) of dist_mean; sample variance within nse standard errors
 * of dist_var, the SE being sqrt((m4 - var^2) / N) with the sample's fourth central moment. */
ParameterizedTest(int *ip, dist, moments)
{
    const struct row *w = &rows[*ip];
    double mean, var, sm = 0, s2 = 0, s4 = 0, t, se_m, se_v, *x;
    struct dist d;
    int i;

    make(w, &d);
    mean = dist_mean(&d);
    var = dist_var(&d);
    if (w->nse == 0) { /* heavy tail: the moments are infinite */
        cr_expect(isinf(mean) && isinf(var), "%s: mean %g var %g", w->label, mean, var);
        dist_free(&d);
        return;
    }
    x = draw(&d, N_MOMENT, 100 + (uint64_t)*ip);
    for (i = 0; i < N_MOMENT; i++)
        sm += x[i];
    sm /= N_MOMENT;
    for (i = 0; i < N_MOMENT; i++) {
        t = (x[i] - sm) * (x[i] - sm);
        s2 += t;
        s4 += t * t;
    }
    s2 /= N_MOMENT - 1;
    s4 /= N_MOMENT;
    se_m = sqrt(var / N_MOMENT) + 1e-12 * (1 + fabs(mean));
    se_v = sqrt(fabs(s4 - s2 * s2) / N_MOMENT) + 1e-12 * (1 + var);
    printf("moments %-20s mean %.6g (want %.6g, %+.2f se)  var %.6g (want %.6g, %+.2f se)\n",
           w->label, sm, mean, (sm - mean) / se_m, s2, var, (s2 - var) / se_v);
    cr_expect(fabs(sm - mean) <= w->nse * se_m, "%s: mean %.9g, want %.9g +- %.3g", w->label, sm,
              mean, w->nse * se_m);
    cr_expect(fabs(s2 - var) <= w->nse * se_v, "%s: var %.9g, want %.9g +- %.3g", w->label, s2,
              var, w->nse * se_v);
    free(x);
    dist_free(&d);
}

/* ---------- chi-square goodness of fit ---------- */

/* Discrete rows, plus weighted and histogram through the index dist_pick returns. */
static const int chi_rows[] = {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};

ParameterizedTestParameters(dist, chi_square)
{
    return cr_make_param_array(int, (int *)chi_rows, sizeof chi_rows / sizeof chi_rows[0]);
}

struct bins {
    int n;
    double upper[20000]; /* bin j holds whole numbers in (upper[j-1], upper[j]] */
    double prob[20000];
};

/* Bins of whole numbers, each expecting >= 20 samples, from the CDF under test: so a wrong CDF
 * fails the test as surely as a wrong sampler. The first bin takes the whole lower tail. */
static void int_bins(const struct dist *d, struct bins *b)
{
    double minp = 20.0 / N_CHI, lo_cdf = 0, c, k;
    double start = floor(dist_mean(d) - 12 * sqrt(dist_var(d)));

    b->n = 0;
    for (k = start < 0 ? 0 : start; b->n < 19999; k++) {
        c = dist_cdf(d, k);
        if (1 - c < minp) {
            b->upper[b->n] = INFINITY;
            b->prob[b->n++] = 1 - lo_cdf;
            return;
        }
        if (c - lo_cdf >= minp) {
            b->upper[b->n] = k;
            b->prob[b->n++] = c - lo_cdf;
            lo_cdf = c;
        }
    }
    cr_assert_fail("too many bins");
}

static void index_bins(const struct dist *d, struct bins *b)
{
    size_t i;

    b->n = (int)d->n;
    for (i = 0; i < d->n; i++) {
        b->upper[i] = (double)i;
        b->prob[i] = d->cum[i] - (i ? d->cum[i - 1] : 0);
    }
}

static int bin_of(const struct bins *b, double x)
{
    int lo = 0, hi = b->n - 1;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (x <= b->upper[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

ParameterizedTest(int *ip, dist, chi_square)
{
    const struct row *w = &rows[*ip];
    struct bins *b = malloc(sizeof *b);
    double chi = 0, e, x, pval;
    long *obs;
    struct dist d;
    struct pcg32 r;
    int i, df = -1, by_index;

    cr_assert_not_null(b);
    make(w, &d);
    by_index = w->kind == DIST_WEIGHTED || w->kind == DIST_HISTOGRAM;
    if (by_index)
        index_bins(&d, b);
    else
        int_bins(&d, b);
    obs = calloc((size_t)b->n, sizeof *obs);
    cr_assert_not_null(obs);
    pcg32_seed(&r, SEED, 300 + (uint64_t)*ip);
    for (i = 0; i < N_CHI; i++) {
        x = by_index ? (double)dist_pick(&d, &r) : dist_sample(&d, &r);
        cr_assert(by_index || x == floor(x), "%s: %g is not a whole number", w->label, x);
        obs[bin_of(b, x)]++;
    }
    for (i = 0; i < b->n; i++) {
        e = b->prob[i] * N_CHI;
        if (e == 0) { /* a zero weight must never be picked */
            cr_expect_eq(obs[i], 0, "%s: zero-weight bin %d drawn %ld times", w->label, i, obs[i]);
            continue;
        }
        chi += (obs[i] - e) * (obs[i] - e) / e;
        df++;
    }
    pval = df > 0 ? gamma_q(df / 2.0, chi / 2) : 1;
    printf("chi2    %-20s bins %5d  chi2 %10.2f  df %5d  p %.4f\n", w->label, b->n, chi, df,
           pval);
    cr_expect(df == 0 ? chi == 0 : pval > ALPHA, "%s: chi2 %.2f df %d p %.3g", w->label, chi, df,
              pval);
    free(obs);
    free(b);
    dist_free(&d);
}

/* ---------- Kolmogorov-Smirnov ---------- */

static const int ks_rows[] = {0, 1, 2, 3, 4, 5, 21};

ParameterizedTestParameters(dist, kolmogorov_smirnov)
{
    return cr_make_param_array(int, (int *)ks_rows, sizeof ks_rows / sizeof ks_rows[0]);
}

/* D = sup |F_n - F| against dist_cdf; the asymptotic critical value is sqrt(-ln(alpha/2)/2)/sqrt(n)
 * (2.23/sqrt(n) at alpha = 1e-4). */
ParameterizedTest(int *ip, dist, kolmogorov_smirnov)
{
    const struct row *w = &rows[*ip];
    double dmax = 0, f, crit = sqrt(-log(ALPHA / 2) / 2) / sqrt(N_KS), *x;
    struct dist d;
    int i;

    make(w, &d);
    x = draw(&d, N_KS, 200 + (uint64_t)*ip);
    qsort(x, N_KS, sizeof *x, cmp_double);
    for (i = 0; i < N_KS; i++) {
        f = dist_cdf(&d, x[i]);
        dmax = fmax(dmax, fmax(f - (double)i / N_KS, (double)(i + 1) / N_KS - f));
    }
    printf("ks      %-20s D %.5f  critical %.5f  sqrt(n) D %.3f\n", w->label, dmax, crit,
           dmax * sqrt(N_KS));
    cr_expect(dmax < crit, "%s: D %.5f >= %.5f", w->label, dmax, crit);
    free(x);
    dist_free(&d);
}

/* ---------- zipf with many ranks ---------- */

/* Values stay in [1, n] and are whole; rank 1 comes up 1/H(n, s) of the time (6 standard errors);
 * chi-square over bins {1}, ..., {9}, [10, 100), [100, 1000), ... up to n, from dist_cdf. */
Test(dist, zipf_large_n)
{
    static const double cases[][2] = {{1, 1e9}, {1.5, 1e9}, {0.8, 1e9}, {1.1, 9007199254740992.0}};
    enum { NZ = 500000 };
    struct dist d;
    struct pcg32 r;
    size_t c;
    int bad, i;

    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double s = cases[c][0], n = cases[c][1], x, p1, f1 = 0, lo = 0, chi = 0, pval, e;
        double upper[40], prob[40];
        long obs[40] = {0};
        int nb = 0;

        cr_assert_eq(dist_init(&d, DIST_ZIPF, cases[c], NULL, 0, &bad), 0);
        for (x = 1; x < n; x = x < 9 ? x + 1 : x * 10 + 9) { /* bin j: (upper[j-1], upper[j]] */
            upper[nb] = x;
            prob[nb] = dist_cdf(&d, x) - lo;
            lo += prob[nb++];
        }
        upper[nb] = n;
        prob[nb++] = 1 - lo;
        pcg32_seed(&r, SEED, 400 + c);
        for (i = 0; i < NZ; i++) {
            int j = 0;
            x = dist_sample(&d, &r);
            cr_assert(x >= 1 && x <= n && x == floor(x), "zipf(%g, %g) gave %.17g", s, n, x);
            f1 += x == 1;
            while (x > upper[j])
                j++;
            obs[j]++;
        }
        for (i = 0; i < nb; i++) {
            e = prob[i] * NZ;
            chi += (obs[i] - e) * (obs[i] - e) / e;
        }
        pval = gamma_q((nb - 1) / 2.0, chi / 2);
        p1 = dist_cdf(&d, 1);
        f1 /= NZ;
        printf("zipf    s %.2g n %.17g  P(1) %.5f want %.5f (%+.2f se)  chi2 %.2f df %d p %.4f\n", s,
               n, f1, p1, (f1 - p1) / sqrt(p1 * (1 - p1) / NZ), chi, nb - 1, pval);
        cr_expect(fabs(f1 - p1) < 6 * sqrt(p1 * (1 - p1) / NZ), "zipf(%g,%g) P(1)", s, n);
        cr_expect(pval > ALPHA, "zipf(%g,%g): chi2 %.2f df %d p %.3g", s, n, chi, nb - 1, pval);
        dist_free(&d);
    }
}

/* Checks of the Euler-Maclaurin branch (n > 1e7) against closed forms, n = 1e9:
 * H(n, 1) = ln n + gamma + 1/(2n) - ..., H(n, 2) = pi^2/6 - 1/n + 1/(2n^2) - ...,
 * H(n, 0) = n, H(n, -1) = n(n + 1)/2. */
Test(dist, zipf_harmonic_asymptotic)
{
    const double n = 1e9, h1 = log(n) + EULER_GAMMA + 0.5 / n, h2 = M_PI * M_PI / 6 - 1 / n;
    double p1[2] = {1, n}, p2[2] = {2, n}, m;
    struct dist d;
    int bad;

    cr_assert_eq(dist_init(&d, DIST_ZIPF, p1, NULL, 0, &bad), 0);
    cr_expect(fabs(1 / dist_cdf(&d, 1) - h1) < 1e-13 * h1, "H(1e9, 1) %.17g want %.17g",
              1 / dist_cdf(&d, 1), h1);
    m = n / h1;
    cr_expect(fabs(dist_mean(&d) - m) < 1e-13 * m, "s 1: mean %.17g want %.17g", dist_mean(&d), m);
    cr_expect(fabs(dist_var(&d) - (n * (n + 1) / 2 / h1 - m * m)) < 1e-12 * m * m,
              "s 1: var %.17g", dist_var(&d));
    cr_assert_eq(dist_init(&d, DIST_ZIPF, p2, NULL, 0, &bad), 0);
    m = h1 / h2;
    cr_expect(fabs(1 / dist_cdf(&d, 1) - h2) < 1e-14 * h2, "H(1e9, 2) %.17g want %.17g",
              1 / dist_cdf(&d, 1), h2);
    cr_expect(fabs(dist_mean(&d) - m) < 1e-13 * m, "s 2: mean %.17g want %.17g", dist_mean(&d), m);
    cr_expect(fabs(dist_var(&d) - (n / h2 - m * m)) < 1e-13 * n / h2, "s 2: var %.17g",
              dist_var(&d));
}

/* Across the 1e7 switch from summing to Euler-Maclaurin: H(n + 1) - H(n) must be (n + 1)^-s. */
Test(dist, zipf_sum_switch)
{
    static const double ss[] = {0.5, 1, 2};
    struct dist a, b;
    size_t i;
    int bad;

    for (i = 0; i < sizeof ss / sizeof ss[0]; i++) {
        double pa[2] = {ss[i], 1e7}, pb[2] = {ss[i], 1e7 + 1}, ha, hb;
        cr_assert_eq(dist_init(&a, DIST_ZIPF, pa, NULL, 0, &bad), 0);
        cr_assert_eq(dist_init(&b, DIST_ZIPF, pb, NULL, 0, &bad), 0);
        ha = 1 / dist_cdf(&a, 1);
        hb = 1 / dist_cdf(&b, 1);
        cr_expect(fabs(hb - ha - pow(1e7 + 1, -ss[i])) < 1e-13 * hb, "s %g: H %.17g %.17g", ss[i],
                  ha, hb);
    }
}

/* ---------- exact moments and CDF values ---------- */

struct exact {
    const char *label;
    int row;           /* -1: use kind and p */
    enum dist_kind kind;
    double p[DIST_MAXP];
    double mean, var;
};

Test(dist, exact_moments)
{
    static const struct exact cases[] = {
        {"zipf(1,3)", -1, DIST_ZIPF, {1, 3}, 18.0 / 11, 72.0 / 121},
        {"zipf(2,1)", -1, DIST_ZIPF, {2, 1}, 1, 0},
        {"uniform(2,6)", -1, DIST_UNIFORM, {2, 6}, 4, 16.0 / 12},
        {"lognormal(0,1)", -1, DIST_LOGNORMAL, {0, 1}, 1.6487212707001282, 4.6707742704716050},
        {"exponential(4)", -1, DIST_EXPONENTIAL, {4}, 0.25, 0.0625},
        {"pareto(3,1)", -1, DIST_PARETO, {3, 1}, INFINITY, INFINITY},
        {"pareto(3,2)", -1, DIST_PARETO, {3, 2}, 6, INFINITY},
        {"pareto(1,3)", -1, DIST_PARETO, {1, 3}, 1.5, 0.75},
        {"poisson(7)", -1, DIST_POISSON, {7}, 7, 7},
        {"geometric(0.25)", -1, DIST_GEOMETRIC, {0.25}, 3, 12},
        {"bernoulli(0.3)", -1, DIST_BERNOULLI, {0.3}, 0.3, 0.21},
        {"const(-2)", -1, DIST_CONST, {-2}, -2, 0},
        /* 1*1/4.5 + 10*3/4.5 - 3.5*0.5/4.5 */
        {"weighted", 20, DIST_WEIGHTED, {0}, 29.25 / 4.5, 0},
        {"histogram", 21, DIST_HISTOGRAM, {0}, (0.5 + 2 + 0.5 * 10.25 + 2 * 2.625) / 4.5, 0},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct exact *c = &cases[i];
        struct dist d;
        double m, v, want_v = c->var;
        int bad;

        if (c->row >= 0)
            make(&rows[c->row], &d);
        else
            cr_assert_eq(dist_init(&d, c->kind, c->p, NULL, 0, &bad), 0, "%s", c->label);
        m = dist_mean(&d);
        v = dist_var(&d);
        if (c->kind == DIST_WEIGHTED) /* sum w (x - mean)^2 */
            want_v = (1 * pow(1 - m, 2) + 3 * pow(10 - m, 2) + 0.5 * pow(-3.5 - m, 2)) / 4.5;
        if (c->kind == DIST_HISTOGRAM) /* E[X^2] - mean^2, with E[X^2] = (lo^2 + lo hi + hi^2) / 3 */
            want_v = (1.0 / 3 + 13.0 / 3 + 0.5 * (100 + 105 + 110.25) / 3 +
                      2 * (6.25 + 6.875 + 7.5625) / 3) / 4.5 - m * m;
        cr_expect(m == c->mean || fabs(m - c->mean) < 1e-12 * fabs(c->mean), "%s: mean %.17g",
                  c->label, m);
        cr_expect(v == want_v || fabs(v - want_v) < 1e-12 * fabs(want_v), "%s: var %.17g want %.17g",
                  c->label, v, want_v);
        dist_free(&d);
    }
}

Test(dist, exact_cdf)
{
    static const struct {
        enum dist_kind kind;
        double p[DIST_MAXP];
        double x, want;
    } cases[] = {
        {DIST_UNIFORM, {2, 6}, 3, 0.25},
        {DIST_UNIFORM, {2, 6}, 1, 0},
        {DIST_UNIFORM, {2, 6}, 6, 1},
        {DIST_NORMAL, {0, 1}, 1.959963984540054, 0.975},
        {DIST_NORMAL, {5, 2}, 5, 0.5},
        {DIST_LOGNORMAL, {0, 1}, 1, 0.5},
        {DIST_LOGNORMAL, {0, 1}, -1, 0},
        {DIST_EXPONENTIAL, {2}, 1, 0.8646647167633873},
        {DIST_PARETO, {2, 3}, 4, 0.875},
        {DIST_PARETO, {2, 3}, 1.5, 0},
        {DIST_ZIPF, {1, 3}, 0.9, 0},
        {DIST_ZIPF, {1, 3}, 1, 6.0 / 11},
        {DIST_ZIPF, {1, 3}, 2.5, 9.0 / 11},
        {DIST_ZIPF, {1, 3}, 3, 1},
        {DIST_POISSON, {2}, 2, 0.67667641618306346},
        {DIST_POISSON, {2}, 2.7, 0.67667641618306346},
        {DIST_POISSON, {2}, -0.5, 0},
        {DIST_POISSON, {2}, 0, 0.1353352832366127},
        {DIST_GEOMETRIC, {0.25}, 0, 0.25},
        {DIST_GEOMETRIC, {0.25}, 2, 0.578125},
        {DIST_GEOMETRIC, {1}, 0, 1},
        {DIST_BERNOULLI, {0.3}, -1, 0},
        {DIST_BERNOULLI, {0.3}, 0, 0.7},
        {DIST_BERNOULLI, {0.3}, 0.5, 0.7},
        {DIST_BERNOULLI, {0.3}, 1, 1},
        {DIST_CONST, {4.25}, 4.2, 0},
        {DIST_CONST, {4.25}, 4.25, 1},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dist d;
        double f;
        int bad;

        cr_assert_eq(dist_init(&d, cases[i].kind, cases[i].p, NULL, 0, &bad), 0);
        f = dist_cdf(&d, cases[i].x);
        cr_expect(fabs(f - cases[i].want) < 1e-13, "case %zu: cdf(%g) = %.17g, want %.17g", i,
                  cases[i].x, f, cases[i].want);
    }
}

Test(dist, mixture_cdf)
{
    static const struct {
        int row;
        double x, want;
    } cases[] = {
        {20, -4, 0},          {20, -3.5, 0.5 / 4.5}, {20, 1, 1.5 / 4.5},
        {20, 5, 1.5 / 4.5},   {20, 10, 1},            {21, -1, 0},
        {21, 0.5, 0.5 / 4.5}, {21, 2, 1.5 / 4.5},
        {21, 2.625, (1 + 0.8125 + 1) / 4.5},           {21, 20, 1},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dist d;
        double f;

        make(&rows[cases[i].row], &d);
        f = dist_cdf(&d, cases[i].x);
        cr_expect(fabs(f - cases[i].want) < 1e-13, "case %zu: cdf(%g) = %.17g, want %.17g", i,
                  cases[i].x, f, cases[i].want);
        dist_free(&d);
    }
}

/* The Poisson CDF (incomplete gamma) against a long double sum of the pmf. */
Test(dist, poisson_cdf_vs_sum)
{
    static const double lams[] = {0.5, 7, 29.9, 45, 1000, 1e5};
    size_t i;

    for (i = 0; i < sizeof lams / sizeof lams[0]; i++) {
        double lam = lams[i], sd = sqrt(lam), p[1] = {lam}, k, f;
        long double sum = 0;
        struct dist d;
        int bad;

        cr_assert_eq(dist_init(&d, DIST_POISSON, p, NULL, 0, &bad), 0);
        for (k = 0; k <= lam + 6 * sd + 2; k++) {
            sum += expl(k * logl(lam) - lam - lgammal(k + 1));
            if (k < lam - 6 * sd)
                continue;
            f = dist_cdf(&d, k);
            cr_expect(fabsl(f - sum) < 1e-11L * sum + 1e-300, "lambda %g k %g: %.17g vs %.17Lg",
                      lam, k, f, sum);
        }
    }
}

/* ---------- validation ---------- */

Test(dist, bad_params)
{
    static const struct {
        enum dist_kind kind;
        double p[DIST_MAXP];
        const char *msg;
        int bad;
    } cases[] = {
        {DIST_UNIFORM, {5, 5}, "max must be greater than min (got min 5, max 5)", 1},
        {DIST_UNIFORM, {5, 2.5}, "max must be greater than min (got min 5, max 2.5)", 1},
        {DIST_UNIFORM, {-1e308, 1e308}, "max - min must be finite (got min -1e+308, max 1e+308)",
         -1},
        {DIST_UNIFORM, {NAN, 1}, "min must be finite (got nan)", 0},
        {DIST_UNIFORM, {0, INFINITY}, "max must be finite (got inf)", 1},
        {DIST_NORMAL, {0, 0}, "stddev must be > 0 (got 0)", 1},
        {DIST_NORMAL, {-INFINITY, 1}, "mean must be finite (got -inf)", 0},
        {DIST_LOGNORMAL, {0, -1}, "sigma must be > 0 (got -1)", 1},
        {DIST_LOGNORMAL, {INFINITY, 1}, "mu must be finite (got inf)", 0},
        {DIST_EXPONENTIAL, {0}, "rate must be > 0 (got 0)", 0},
        {DIST_EXPONENTIAL, {-0.1}, "rate must be > 0 (got -0.1)", 0},
        {DIST_PARETO, {0, 1}, "scale must be > 0 (got 0)", 0},
        {DIST_PARETO, {1, -2}, "shape must be > 0 (got -2)", 1},
        {DIST_ZIPF, {0, 10}, "s must be > 0 (got 0)", 0},
        {DIST_ZIPF, {1, 2.5}, "n must be a whole number >= 1 (got 2.5)", 1},
        {DIST_ZIPF, {1, 0}, "n must be a whole number >= 1 (got 0)", 1},
        {DIST_ZIPF, {1, 2.0000001}, "n must be a whole number >= 1 (got 2.0000001)", 1},
        {DIST_ZIPF, {1, 1e20}, "n must be <= 2^53 (got 1e+20)", 1},
        {DIST_ZIPF, {1, NAN}, "n must be finite (got nan)", 1},
        {DIST_POISSON, {0}, "lambda must be > 0 (got 0)", 0},
        {DIST_POISSON, {1e16}, "lambda must be <= 1e15 (got 1e+16)", 0},
        {DIST_GEOMETRIC, {0}, "p must be in (0, 1] (got 0)", 0},
        {DIST_GEOMETRIC, {1.5}, "p must be in (0, 1] (got 1.5)", 0},
        {DIST_BERNOULLI, {-0.1}, "p must be in [0, 1] (got -0.1)", 0},
        {DIST_BERNOULLI, {1.25}, "p must be in [0, 1] (got 1.25)", 0},
        {DIST_CONST, {INFINITY}, "value must be finite (got inf)", 0},
        {DIST_WEIGHTED, {0}, "weighted takes arrays: use dist_init_weighted", -1},
        {DIST_HISTOGRAM, {0}, "histogram takes arrays: use dist_init_histogram", -1},
        {(enum dist_kind)99, {0}, "unknown distribution kind 99", -1},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[256] = "";
        struct dist d;
        int bad = 42;

        cr_expect_eq(dist_init(&d, cases[i].kind, cases[i].p, msg, sizeof msg, &bad), -1,
                     "case %zu accepted", i);
        cr_expect_str_eq(msg, cases[i].msg, "case %zu", i);
        cr_expect_eq(bad, cases[i].bad, "case %zu: bad_param %d", i, bad);
        dist_free(&d);
    }
}

Test(dist, bad_arrays)
{
    static const struct {
        int hist;
        double a[3], b[3], w[3];
        size_t n;
        const char *msg;
    } cases[] = {
        {0, {1, 2, 3}, {0}, {1, -1, 1}, 3, "weights[1] must be >= 0 (got -1)"},
        {0, {1, 2, 3}, {0}, {1, 1, INFINITY}, 3, "weights[2] must be finite (got inf)"},
        {0, {1, 2, 3}, {0}, {0, 0, 0}, 3, "weights must not all be zero"},
        {0, {1, 2, 3}, {0}, {1e308, 1e308, 0}, 3, "the sum of weights must be finite"},
        {0, {1, NAN, 3}, {0}, {1, 1, 1}, 3, "values[1] must be finite (got nan)"},
        {0, {0}, {0}, {0}, 0, "needs at least one value"},
        {1, {0, 5, 0}, {1, 5, 1}, {1, 1, 1}, 3,
         "buckets[1]: max must be greater than min (got min 5, max 5)"},
        {1, {0, 5, 0}, {1, 6, 1}, {1, 1, -2}, 3, "buckets[2]: weight must be >= 0 (got -2)"},
        {1, {0, -INFINITY}, {1, 6}, {1, 1}, 2, "buckets[1]: min must be finite (got -inf)"},
        {1, {-1e308}, {1e308}, {1}, 1,
         "buckets[0]: max - min must be finite (got min -1e+308, max 1e+308)"},
        {1, {0, 1}, {1, 2}, {0, 0}, 2, "bucket weights must not all be zero"},
        {1, {0}, {0}, {0}, 0, "needs at least one bucket"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[256] = "";
        struct dist d;
        int rc;

        if (cases[i].hist)
            rc = dist_init_histogram(&d, cases[i].a, cases[i].b, cases[i].w, cases[i].n, msg,
                                     sizeof msg);
        else
            rc = dist_init_weighted(&d, cases[i].a, cases[i].w, cases[i].n, msg, sizeof msg);
        cr_expect_eq(rc, -1, "case %zu accepted", i);
        cr_expect_str_eq(msg, cases[i].msg, "case %zu", i);
        cr_expect(d.cum == NULL && d.values == NULL && d.lo == NULL, "case %zu leaked", i);
        dist_free(&d);
    }
}

/* Every default in the table is accepted by dist_init, as profile.c would pass it. */
Test(dist, table)
{
    static const char *const discrete[] = {"zipf", "poisson", "geometric", "bernoulli"};
    size_t i, j;

    cr_expect_eq(dist_table_len, 12);
    for (i = 0; i < dist_table_len; i++) {
        const struct dist_info *in = &dist_table[i];
        double p[DIST_MAXP] = {0};
        int want_discrete = 0, bad, k, missing = 0;
        char msg[256];
        struct dist d;

        cr_expect_eq(dist_find(in->name), in, "%s", in->name);
        cr_expect(in->desc && in->desc[0], "%s: no desc", in->name);
        for (j = 0; j < 4; j++)
            want_discrete |= strcmp(in->name, discrete[j]) == 0;
        cr_expect_eq(in->discrete, want_discrete, "%s: discrete", in->name);
        for (k = 0; in->params[k]; k++) {
            if (in->defaults[k])
                p[k] = strtod(in->defaults[k], NULL);
            else
                missing = 1;
        }
        if (!missing && in->kind != DIST_WEIGHTED && in->kind != DIST_HISTOGRAM) {
            cr_expect_eq(dist_init(&d, in->kind, p, msg, sizeof msg, &bad), 0, "%s: %s", in->name,
                         msg);
        }
    }
    cr_expect_null(dist_find("Normal"));
    cr_expect_null(dist_find("norm"));
    cr_expect_null(dist_find(""));
    cr_expect_null(dist_find(NULL));
    cr_expect_null(dist_find("zipf")->defaults[1], "zipf n has no default");
    cr_expect_null(dist_find("poisson")->defaults[0], "poisson lambda has no default");
}

Test(dist, free_is_safe)
{
    struct dist d;

    memset(&d, 0, sizeof d);
    dist_free(&d);
    dist_free(NULL);
    make(&rows[20], &d);
    dist_free(&d);
    dist_free(&d); /* a second call finds NULLs */
    cr_expect(d.values == NULL && d.cum == NULL && d.n == 0);
}

/* ---------- determinism and purity ---------- */

/* Same state in, same value out, for every kind; the dist is not written; a different key gives a
 * different sequence; rows drawn in any order with fount_rng_at give the same values. */
Test(dist, deterministic)
{
    int i, j;

    for (i = 0; i < NROWS; i++) {
        double a[1000], b[1000], c[1000];
        struct dist d, copy;
        struct pcg32 r1, r2;
        int differ = 0;

        make(&rows[i], &d);
        memcpy(&copy, &d, sizeof d);
        pcg32_seed(&r1, SEED, 9);
        pcg32_seed(&r2, SEED, 9);
        for (j = 0; j < 1000; j++) {
            a[j] = dist_sample(&d, &r1);
            b[j] = dist_sample(&d, &r2);
        }
        cr_expect(memcmp(a, b, sizeof a) == 0, "%s: two equal streams differ", rows[i].label);
        cr_expect(r1.state == r2.state, "%s: streams advanced differently", rows[i].label);
        cr_expect(memcmp(&d, &copy, sizeof d) == 0, "%s: sampling wrote the dist", rows[i].label);
        for (j = 999; j >= 0; j--) {
            fount_rng_at(&r1, SEED, (uint64_t)j);
            c[j] = dist_sample(&d, &r1);
        }
        for (j = 0; j < 1000; j++) {
            fount_rng_at(&r1, SEED, (uint64_t)j);
            cr_expect(dist_sample(&d, &r1) == c[j], "%s: row %d", rows[i].label, j);
            fount_rng_at(&r1, SEED + 1, (uint64_t)j);
            differ += dist_sample(&d, &r1) != c[j];
        }
        if (dist_var(&d) > 0)
            cr_expect(differ > 0, "%s: another key gives the same values", rows[i].label);
        dist_free(&d);
    }
}

/* dist_sample of a weighted dist is values[dist_pick] for the same state. */
Test(dist, pick_matches_sample)
{
    struct dist d;
    struct pcg32 r1, r2;
    int j;

    make(&rows[20], &d);
    for (j = 0; j < 10000; j++) {
        size_t k;
        fount_rng_at(&r1, SEED, (uint64_t)j);
        r2 = r1;
        k = dist_pick(&d, &r1);
        cr_assert_lt(k, d.n);
        cr_assert_neq(k, 1, "zero-weight value picked");
        cr_assert_eq(dist_sample(&d, &r2), w_values[k]);
    }
    dist_free(&d);
}

/* Half-open intervals: uniform never returns max, even on a range where rounding could reach it. */
Test(dist, uniform_half_open)
{
    double p[2] = {1, 1 + 4 * DBL_EPSILON}, x;
    struct dist d;
    struct pcg32 r;
    int j, bad;

    cr_assert_eq(dist_init(&d, DIST_UNIFORM, p, NULL, 0, &bad), 0);
    pcg32_seed(&r, SEED, 11);
    for (j = 0; j < 100000; j++) {
        x = dist_sample(&d, &r);
        cr_assert(x >= p[0] && x < p[1], "%.17g outside [%.17g, %.17g)", x, p[0], p[1]);
    }
}
