/* series.c: series families (series.h): the profile keys of series.NAME, tags, the clock, gaps,
 * and the value model. Leaves out: pacing (runner.c) and the text formats (sinks/format_ts.c).
 *
 * THE MODEL. Series i at step t, at time T (the point's time; s = T - start in seconds):
 *
 *   level(s)   = base + trend * s
 *              + A_d * cos 2pi (day(T)  - peak_d - phi_i / 86400)     day(T): turns of a UTC day
 *              + A_w * cos 2pi (week(T) - peak_w - phi_i / 604800)    week(T): from Monday 00:00
 *   gauge      = level(s) + walk_i(s) + noise * z(i, t)                then anomalies, then min/max
 *   counter    = floor(initial + L(s_t) + W (n_i(s_t) - n_i(0)) + N u(i, t))   s_t = t * interval
 *
 * phi_i is the series' phase: a fixed shift, uniform in [-phase, +phase], a hash of i. z and u are
 * a standard normal and a uniform [0, 1) drawn from a hash of (key, i, t). L(s) = integral of
 * level from 0 to s, in closed form: base s + trend s^2/2 + A_d 86400/2pi (sin 2pi theta_d(s) -
 * sin 2pi theta_d(0)) + the same for the week.
 *
 * THE WALK is "value noise": a knot every tau seconds (knot k of series i is a hash of (i, k),
 * knots of different series offset by a per-series fraction of tau), smoothly interpolated with
 * the smoothstep kernel S(u) = 3u^2 - 2u^3 (C1: continuous, with a continuous slope). For a gauge
 * the knots are N(0, 1) and the mix is normalised:
 *     walk(s) = sigma * ((1 - S) g_k + S g_k+1) / sqrt((1 - S)^2 + S^2)
 * so that every point is exactly N(0, sigma^2) (stationary in distribution), two points further
 * apart than 2 tau are independent (it reverts to the mean on the scale of tau), and it is
 * continuous. It is not an Ornstein-Uhlenbeck process: its correlation at a given lag depends a
 * little on where in the knot interval the points fall, and it is smooth rather than rough (the
 * Gaussian noise on top supplies the roughness). For a counter the knots are uniform in [-1, 1]
 * and not normalised (n = g_k + (g_k+1 - g_k) S), which bounds both n and its slope.
 *
 * WHY A COUNTER NEVER DECREASES. Let x_t = initial + L(s_t) + W (n(s_t) - n(0)) + N u_t, and
 * D = interval (s_t is the step's nominal time, t D: jitter does not move a counter).
 *   1. rate(s) = level(s) >= r_min = base - A_d - A_w > 0, because trend >= 0 and s >= 0 (both
 *      checked at load), so L(s_t) - L(s_t-1) >= r_min D.
 *   2. |S'(u)| = 6u(1 - u) <= 3/2 and |g_k+1 - g_k| <= 2, so |dn/ds| <= 3 / tau; and |n| <= 1.
 *      Hence |n(s_t) - n(s_t-1)| <= B = min(2, 3 D / tau).
 *   3. |u_t - u_t-1| < 1.
 *   So x_t - x_t-1 >= r_min D - W B - N >= r_min D / 2, since pcounter() refuses W B + N >
 *   r_min D / 2. floor() is monotone, so floor(x_t) >= floor(x_t-1). The other half of r_min D
 *   is the margin for rounding: x is a sum of a few terms each correct to ~1e-16 relative, so
 *   the guarantee holds while r_min D / 2 exceeds ~1e-12 of the count (always, in practice).
 *   A flat-line holds floor(x_s0-1) for steps s0.. s0+len-1, which is <= every later x; the
 *   counter then resumes where it would have been. Spikes and level shifts would make it go
 *   down, so a counter refuses them.
 *
 * ANOMALIES, without history. A spike hits point (i, t) when a uniform hash of (i, t) is below
 * its rate. Level shifts and flat-lines last len points: steps are cut into slots of 2 len; slot
 * j of series i holds one episode with probability rate * 2 len (so episodes start at `rate`
 * per point), starting at a hashed offset in [0, len], so it ends inside its slot. Whether step t
 * is in an episode is one hash of (i, t / (2 len)): O(1), and episodes of a kind never overlap.
 * An episode never starts at step 0 (it moves to step 1), so a flat-line always has a previous
 * point to repeat. Where several apply: a flat-line wins (the value repeats the last normal
 * reading, the one at step s0 - 1), else a spike (on top of a level shift, if any), else the
 * level shift. The label names the one that won.
 *
 * Every point is a pure function of (seed, family, i, t); the model keeps no state at all. */
#include "series.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "pcg.h"
#include "plan.h"
#include "profile_priv.h"

#define TWO_PI 6.283185307179586476925286766559
#define DAY_S 86400.0
#define WEEK_S 604800.0

enum { DIR_UP, DIR_DOWN, DIR_BOTH };

/* Level shifts or flat-lines. */
struct episodes {
    double rate;       /* episode starts per point; 0: off                  */
    double p_slot;     /* probability that a slot holds one: rate * slot    */
    uint64_t len;      /* points an episode lasts                           */
    uint64_t slot;     /* 2 * len                                           */
    double magnitude;  /* level shift: added (or subtracted)                */
    int dir;
    uint64_t key;
};

/* The ziggurat's table (std_normal below). */
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

struct zig {
    uint32_t k[128];
    double w[128], f[128];
};

struct series_model {
    double base;                  /* gauge: the level; counter: the rate per second    */
    double trend;                 /* per second                                          */
    double daily_amp, daily_peak; /* peak in turns of a day                              */
    double weekly_amp, weekly_peak; /* peak in turns of a week from Monday 00:00         */
    double day0, week0;           /* the start's turn of the day and of the week         */
    double phase;                 /* seconds                                             */
    double noise;                 /* gauge: stddev; counter: jitter in counts            */
    double walk_sigma, walk_tau;  /* tau in seconds; sigma 0: no walk                    */
    double walk_rtau;             /* 1 / tau                                             */
    double min, max;              /* gauge clamp (-inf, +inf when not given)             */
    double initial;               /* counter: the count at the start                     */
    double interval_s;
    double spike_rate, spike_mag;
    int spike_mult, spike_dir;
    struct episodes shift, flat;
    uint64_t series_key, noise_key, walk_key, phase_key, spike_key;
    struct zig zig;               /* the normal sampler's table                          */
};

/* ---------------------------------------------------------------- fast pure math */

/* A hash of (key, i, t): the per-point entry point of the determinism contract here (two rounds
 * of splitmix64's finalizer; cheaper than seeding a PCG when one or two numbers are needed). */
static inline uint64_t h3(uint64_t key, uint64_t i, uint64_t t)
{
    return fount_mix64(fount_mix64(key ^ (i * 0x9e3779b97f4a7c15ULL)) ^
                       (t * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL));
}

/* The model's draws for series i share its first round: hi = mix(series_key, i) once per point,
 * then one round per draw, keyed by purpose (noise, walk knot k, spike, episode slot j...). */
static inline uint64_t series_hash(uint64_t series_key, uint64_t i)
{
    return fount_mix64(series_key ^ (i * 0x9e3779b97f4a7c15ULL));
}

static inline uint64_t h2(uint64_t hi, uint64_t key, uint64_t t)
{
    return fount_mix64(hi ^ key ^ (t * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL));
}

static inline double unit01(uint64_t h) /* [0, 1) */
{
    return (double)(h >> 11) * 0x1.0p-53;
}

/* The standard normal by the ziggurat method (Marsaglia and Tsang, "The Ziggurat Method for
 * Generating Random Variables", 2000), 128 layers, with the table in the model (zig_init). The
 * layer comes from the low 7 bits of h and the 32-bit signed abscissa from the high half, so they
 * are independent (Doornik, 2005, on the original's overlap). 98.8% of draws are one multiply and
 * one compare; the rest draw more numbers from h by remixing it, so the result is still a pure
 * function of h. */
static void zig_init(struct zig *z)
{
    const double m1 = 2147483648.0;
    double dn = ZIG_R, tn = dn, q = ZIG_V / exp(-0.5 * dn * dn);
    int i;

    z->k[0] = (uint32_t)((dn / q) * m1);
    z->k[1] = 0;
    z->w[0] = q / m1;
    z->w[127] = dn / m1;
    z->f[0] = 1;
    z->f[127] = exp(-0.5 * dn * dn);
    for (i = 126; i >= 1; i--) {
        dn = sqrt(-2 * log(ZIG_V / dn + exp(-0.5 * dn * dn)));
        z->k[i + 1] = (uint32_t)((dn / tn) * m1);
        tn = dn;
        z->f[i] = exp(-0.5 * dn * dn);
        z->w[i] = dn / m1;
    }
}

static double zig_slow(const struct zig *z, uint64_t h)
{
    for (;;) {
        int32_t hz = (int32_t)(h >> 32);
        unsigned iz = (unsigned)(h & 127);
        uint32_t az = hz < 0 ? 0u - (uint32_t)hz : (uint32_t)hz;
        double x = hz * z->w[iz];

        if (az < z->k[iz])
            return x;
        if (iz == 0) { /* the tail beyond ZIG_R */
            double y;
            do {
                h = fount_mix64(h);
                x = -log(((double)(h >> 11) + 0.5) * 0x1.0p-53) / ZIG_R;
                h = fount_mix64(h);
                y = -log(((double)(h >> 11) + 0.5) * 0x1.0p-53);
            } while (y + y < x * x);
            return hz > 0 ? ZIG_R + x : -ZIG_R - x;
        }
        h = fount_mix64(h);
        if (z->f[iz] + unit01(h) * (z->f[iz - 1] - z->f[iz]) < exp(-0.5 * x * x))
            return x;
        h = fount_mix64(h);
    }
}

static inline double std_normal(const struct zig *z, uint64_t h)
{
    int32_t hz = (int32_t)(h >> 32);
    unsigned iz = (unsigned)(h & 127);
    uint32_t az = hz < 0 ? 0u - (uint32_t)hz : (uint32_t)hz;

    if (FOUNT_LIKELY(az < z->k[iz]))
        return hz * z->w[iz];
    return zig_slow(z, h);
}

/* cos(2 pi x) for x in turns, |x| < 2^62, without a branch: with a = x mod 1 and
 * c = |a - 1/2| - 1/4 in [-1/4, 1/4], cos(2 pi a) = -cos(2 pi |a - 1/2|) = sin(2 pi c); then the
 * Taylor series of sin to z^17 (error below 5e-14), by Estrin's scheme (a short dependency
 * chain). No libm call, and the same bits on every machine. */
static double cos_turns(double x)
{
    static const double c[] = {1, -1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880,
                               -1.0 / 39916800, 1.0 / 6227020800.0, -1.0 / 1307674368000.0,
                               1.0 / 355687428096000.0};
    double a = x - (double)(int64_t)x, z, y, y2, y4;

    a += a < 0;
    z = TWO_PI * (fabs(a - 0.5) - 0.25);
    y = z * z;
    y2 = y * y;
    y4 = y2 * y2;
    return z * (((c[0] + c[1] * y) + (c[2] + c[3] * y) * y2) +
                ((c[4] + c[5] * y) + (c[6] + c[7] * y) * y2) * y4 + c[8] * (y4 * y4));
}

static double sin_turns(double x)
{
    return cos_turns(x - 0.25);
}

static int64_t floor_mod(int64_t a, int64_t b) /* b > 0: in [0, b) */
{
    int64_t r = a % b;

    return r < 0 ? r + b : r;
}

/* ---------------------------------------------------------------- the model */

static double phase_of(const struct series_model *m, uint64_t hi)
{
    return m->phase > 0 ? m->phase * (2 * unit01(h2(hi, m->phase_key, 0)) - 1) : 0;
}

/* The seasonal part at s seconds after the start, for a series with phase phi (seconds). */
static double seasonal(const struct series_model *m, double s, double phi)
{
    double v = 0;

    if (m->daily_amp != 0)
        v += m->daily_amp * cos_turns(m->day0 + (s - phi) * (1 / DAY_S) - m->daily_peak);
    if (m->weekly_amp != 0)
        v += m->weekly_amp * cos_turns(m->week0 + (s - phi) * (1 / WEEK_S) - m->weekly_peak);
    return v;
}

/* Its integral from 0 to s (the counter's L, less the base and trend terms). */
static double seasonal_integral(const struct series_model *m, double s, double phi)
{
    double v = 0, t0, t1;

    if (m->daily_amp != 0) {
        t0 = m->day0 - phi * (1 / DAY_S) - m->daily_peak;
        t1 = t0 + s * (1 / DAY_S);
        v += m->daily_amp * (DAY_S / TWO_PI) * (sin_turns(t1) - sin_turns(t0));
    }
    if (m->weekly_amp != 0) {
        t0 = m->week0 - phi * (1 / WEEK_S) - m->weekly_peak;
        t1 = t0 + s * (1 / WEEK_S);
        v += m->weekly_amp * (WEEK_S / TWO_PI) * (sin_turns(t1) - sin_turns(t0));
    }
    return v;
}

/* The walk at s seconds: normalised Gaussian value noise (gauge) or bounded value noise in
 * [-1, 1] (counter, unscaled). */
static double walk(const struct series_model *m, uint64_t hi, double s, int counter)
{
    double x = s * m->walk_rtau + unit01(h2(hi, m->phase_key, 1)), u, sm, w0, w1;
    int64_t k = (int64_t)x;
    uint64_t h0, h1;

    if ((double)k > x)
        k--;
    u = x - (double)k;
    sm = u * u * (3 - 2 * u);
    h0 = h2(hi, m->walk_key, (uint64_t)k);
    h1 = h2(hi, m->walk_key, (uint64_t)k + 1);
    if (counter) {
        double g0 = 2 * unit01(h0) - 1, g1 = 2 * unit01(h1) - 1;
        return g0 + (g1 - g0) * sm;
    }
    w0 = 1 - sm;
    w1 = sm;
    return m->walk_sigma * (w0 * std_normal(&m->zig, h0) + w1 * std_normal(&m->zig, h1)) /
           sqrt(w0 * w0 + w1 * w1);
}

static double gauge_raw(const struct series *se, uint64_t hi, uint64_t t, int64_t time_us)
{
    const struct series_model *m = se->model;
    double s = (double)(time_us - se->start_us) * 1e-6, v = m->base + m->trend * s;

    if (m->daily_amp != 0 || m->weekly_amp != 0)
        v += seasonal(m, s, phase_of(m, hi));
    if (m->walk_sigma > 0)
        v += walk(m, hi, s, 0);
    if (m->noise > 0)
        v += m->noise * std_normal(&m->zig, h2(hi, m->noise_key, t));
    return v;
}

static double counter_raw(const struct series *se, uint64_t hi, uint64_t t)
{
    const struct series_model *m = se->model;
    double s = (double)t * m->interval_s, x;

    x = m->initial + m->base * s + 0.5 * m->trend * s * s;
    if (m->daily_amp != 0 || m->weekly_amp != 0)
        x += seasonal_integral(m, s, phase_of(m, hi));
    if (m->walk_sigma > 0) /* less its value at the start, so that the count starts at initial */
        x += m->walk_sigma * (walk(m, hi, s, 1) - walk(m, hi, 0, 1));
    if (m->noise > 0)
        x += m->noise * unit01(h2(hi, m->noise_key, t));
    return floor(x);
}

/* The episode of ep that covers step t of series hi: its first step, with *sign; 0 when none. */
static uint64_t episode_at(const struct episodes *ep, uint64_t hi, uint64_t t, int *sign)
{
    uint64_t j = t / ep->slot, h = h2(hi, ep->key, j), start;

    if (unit01(h) >= ep->p_slot)
        return 0;
    h = fount_mix64(h);
    start = j * ep->slot + (uint64_t)(((unsigned __int128)h * (ep->len + 1)) >> 64);
    if (start == 0)
        start = 1;
    if (t < start || t - start >= ep->len)
        return 0;
    *sign = ep->dir == DIR_UP ? 1 : ep->dir == DIR_DOWN ? -1 : (h & 1) ? 1 : -1;
    return start;
}

static int spike_at(const struct series_model *m, uint64_t hi, uint64_t t, int *sign)
{
    uint64_t h = h2(hi, m->spike_key, t);

    if (unit01(h) >= m->spike_rate)
        return 0;
    *sign = m->spike_dir == DIR_UP ? 1 : m->spike_dir == DIR_DOWN ? -1 : (h & 1) ? 1 : -1;
    return 1;
}

static double clamp(const struct series_model *m, double v)
{
    if (v < m->min)
        v = m->min;
    if (v > m->max)
        v = m->max;
    return v + 0.0; /* no negative zero */
}

double series_value(const struct series *s, uint64_t i, uint64_t t, int64_t time_us,
                    const char **label)
{
    const struct series_model *m = s->model;
    uint64_t hi = series_hash(m->series_key, i), s0;
    const char *lab = NULL;
    int sign = 1;
    double v;

    if (m->flat.rate > 0 && (s0 = episode_at(&m->flat, hi, t, &sign))) {
        if (label)
            *label = "flatline";
        if (s->kind == SERIES_COUNTER)
            return counter_raw(s, hi, s0 - 1);
        return clamp(m, gauge_raw(s, hi, s0 - 1, series_time(s, i, s0 - 1)));
    }
    if (s->kind == SERIES_COUNTER) {
        if (label)
            *label = NULL;
        return counter_raw(s, hi, t);
    }
    v = gauge_raw(s, hi, t, time_us);
    if (m->shift.rate > 0 && episode_at(&m->shift, hi, t, &sign)) {
        v += sign * m->shift.magnitude;
        lab = "level_shift";
    }
    if (m->spike_rate > 0 && spike_at(m, hi, t, &sign)) {
        if (m->spike_mult)
            v = sign > 0 ? v * m->spike_mag : v / m->spike_mag;
        else
            v += sign * m->spike_mag;
        lab = "spike";
    }
    if (label)
        *label = lab;
    return clamp(m, v);
}

const char *series_label(const struct series *s, uint64_t i, uint64_t t)
{
    const struct series_model *m = s->model;
    uint64_t hi = series_hash(m->series_key, i);
    int sign;

    if (m->flat.rate > 0 && episode_at(&m->flat, hi, t, &sign))
        return "flatline";
    if (m->spike_rate > 0 && spike_at(m, hi, t, &sign))
        return "spike";
    if (m->shift.rate > 0 && episode_at(&m->shift, hi, t, &sign))
        return "level_shift";
    return NULL;
}

/* ---------------------------------------------------------------- the clock, gaps, tags */

int series_gap(const struct series *s, uint64_t i, uint64_t t)
{
    if (s->gap_rate <= 0)
        return 0;
    return unit01(h3(s->gap_key, i, t)) < s->gap_rate;
}

uint64_t series_step_count(const struct series *s, uint64_t t)
{
    uint64_t i, n = 0;

    if (s->gap_rate <= 0)
        return s->nseries;
    for (i = 0; i < s->nseries; i++)
        n += !series_gap(s, i, t);
    return n;
}

int64_t series_time(const struct series *s, uint64_t i, uint64_t t)
{
    int64_t at = s->start_us + (int64_t)t * s->interval_us;

    if (s->jitter_us > 0)
        at += (int64_t)(((unsigned __int128)h3(s->jitter_key, i, t) * ((uint64_t)s->jitter_us + 1))
                        >> 64);
    return at;
}

/* Lemire, Kaser and Kurz, "Faster remainder by direct computation" (2019): with
 * m = floor((2^64 - 1) / d) + 1, floor(a / d) = (m * a) >> 64 for every 32-bit a and d. Two
 * multiplications instead of two 64-bit divisions per tag per point. */
static inline uint64_t recip(uint64_t d) /* 0 stands for d = 1, whose m would be 2^64 */
{
    return d > 1 ? UINT64_MAX / d + 1 : 0;
}

static inline uint32_t fastdiv(uint32_t a, uint64_t m)
{
    return m ? (uint32_t)(((unsigned __int128)m * a) >> 64) : a;
}

const char *series_tag(const struct series *s, uint64_t i, size_t tag, uint32_t *len)
{
    uint64_t j;

    if (FOUNT_LIKELY(s->nseries <= UINT32_MAX)) {
        uint32_t q = fastdiv((uint32_t)i, s->tag_mstride[tag]);
        j = q - fastdiv(q, s->tag_mnvals[tag]) * (uint32_t)s->tag_nvals[tag];
    } else
        j = i / s->tag_stride[tag] % s->tag_nvals[tag];

    *len = s->tag_lens[tag][j];
    return s->tag_vals[tag][j];
}

/* ---------------------------------------------------------------- profile keys */

static const cJSON *member(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}


/* A number in [lo, hi]: 1 when present and valid, 0 when absent, -1 when reported. */
static int prange(struct pctx *c, const cJSON *o, const char *path, const char *key, int required,
                  double lo, double hi, double *out)
{
    char p[PATH_MAX_LEN];
    int rc = pnum(c, o, path, key, required, out);

    if (rc == 1 && !(*out >= lo && *out <= hi)) {
        perr(c, pjoin(p, path, key), "must be between %g and %g (got %g)", lo, hi, *out);
        return -1;
    }
    return rc;
}

/* An object member that must be an object; *o is NULL when absent. */
static int pobj(struct pctx *c, const cJSON *parent, const char *path, const char *key,
                const char *const *keys, const char *example, const cJSON **o, char *p)
{
    *o = member(parent, key);
    pjoin(p, path, key);
    if (!*o)
        return 0;
    if (!cJSON_IsObject(*o)) {
        perr(c, p, "expected an object such as %s, got %s", example, ptype_name(*o));
        return -1;
    }
    return pkeys(c, *o, p, keys) ? -1 : 1;
}

static int pdir(struct pctx *c, const cJSON *o, const char *path, int *dir)
{
    const char *d = NULL;
    char p[PATH_MAX_LEN];
    int rc = pstr(c, o, path, "direction", 0, &d);

    if (rc <= 0)
        return rc;
    if (!strcmp(d, "up"))
        *dir = DIR_UP;
    else if (!strcmp(d, "down"))
        *dir = DIR_DOWN;
    else if (!strcmp(d, "both"))
        *dir = DIR_BOTH;
    else {
        perr_val(c, pjoin(p, path, "direction"), "expected \"up\", \"down\" or \"both\", got \"%s\"",
                 d);
        return -1;
    }
    return 1;
}

/* "trend": {"per_hour": x} or {"per_day": x}. */
static int ptrend(struct pctx *c, const cJSON *v, const char *path, double *per_s)
{
    static const char *const keys[] = {"per_hour", "per_day", NULL};
    const cJSON *o;
    char p[PATH_MAX_LEN];
    double x = 0;
    int rc = pobj(c, v, path, "trend", keys, "{\"per_hour\": 0.5} or {\"per_day\": 12}", &o, p);

    if (rc <= 0)
        return rc;
    if (!!member(o, "per_hour") == !!member(o, "per_day")) {
        perr(c, p, "give one of \"per_hour\" and \"per_day\"");
        return -1;
    }
    if (member(o, "per_hour")) {
        if (pnum(c, o, p, "per_hour", 1, &x) != 1)
            return -1;
        *per_s = x / 3600;
    } else {
        if (pnum(c, o, p, "per_day", 1, &x) != 1)
            return -1;
        *per_s = x / DAY_S;
    }
    return 1;
}

static int pseasons(struct pctx *c, const cJSON *v, const char *path, struct series_model *m)
{
    static const char *const dkeys[] = {"amplitude", "peak_hour", NULL};
    static const char *const wkeys[] = {"amplitude", "peak_day", "peak_hour", NULL};
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const cJSON *o, *d;
    char p[PATH_MAX_LEN], dp[PATH_MAX_LEN];
    double peak_h = 12, day = 2;
    int bad = 0, rc, k;

    rc = pobj(c, v, path, "daily", dkeys, "{\"amplitude\": 10, \"peak_hour\": 14}", &o, p);
    if (rc < 0)
        bad++;
    else if (rc > 0) {
        bad += prange(c, o, p, "amplitude", 1, 0, 1e300, &m->daily_amp) != 1;
        bad += prange(c, o, p, "peak_hour", 0, 0, 24, &peak_h) < 0;
        m->daily_peak = peak_h / 24;
    }
    rc = pobj(c, v, path, "weekly", wkeys,
              "{\"amplitude\": 5, \"peak_day\": \"wed\", \"peak_hour\": 12}", &o, p);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        peak_h = 12;
        bad += prange(c, o, p, "amplitude", 1, 0, 1e300, &m->weekly_amp) != 1;
        bad += prange(c, o, p, "peak_hour", 0, 0, 24, &peak_h) < 0;
        if ((d = member(o, "peak_day"))) {
            int ok = 0;
            for (k = 0; cJSON_IsString(d) && k < 7; k++)
                if (strcasecmp(d->valuestring, days[k]) == 0) {
                    day = k;
                    ok = 1;
                }
            if (cJSON_IsNumber(d) && d->valuedouble >= 0 && d->valuedouble <= 6 &&
                d->valuedouble == floor(d->valuedouble)) {
                day = d->valuedouble;
                ok = 1;
            }
            if (!ok) {
                perr(c, pjoin(dp, p, "peak_day"),
                     "expected a day (\"mon\" .. \"sun\") or a whole number from 0 (Monday) to 6");
                bad++;
            }
        }
        m->weekly_peak = (day * 24 + peak_h) / 168;
    }
    return bad ? -1 : 0;
}

/* "walk": {"sigma": 5, "tau": "30m"}. */
static int pwalk(struct pctx *c, const cJSON *v, const char *path, struct series_model *m)
{
    static const char *const keys[] = {"sigma", "tau", NULL};
    const cJSON *o;
    char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
    int64_t tau = 3600000000LL;
    int rc = pobj(c, v, path, "walk", keys, "{\"sigma\": 5, \"tau\": \"30m\"}", &o, p);

    if (rc <= 0)
        return rc;
    if (prange(c, o, p, "sigma", 1, 0, 1e300, &m->walk_sigma) != 1 ||
        pdur(c, o, p, "tau", 0, &tau) < 0)
        return -1;
    if (tau <= 0) {
        perr(c, pjoin(q, p, "tau"), "must be longer than 0");
        return -1;
    }
    m->walk_tau = (double)tau * 1e-6;
    m->walk_rtau = 1 / m->walk_tau;
    return 0;
}

/* A level shift or a flat-line: rate, duration (in points of this family), and for shifts the
 * magnitude and direction. */
static int pepisode(struct pctx *c, const cJSON *o, const char *p, const struct series *s,
                    struct episodes *ep, int is_shift, const char *def_dur)
{
    char q[PATH_MAX_LEN];
    int64_t dur = 0;
    int bad = 0;

    parse_duration(def_dur, &dur);
    bad += prange(c, o, p, "rate", 1, 0, 1, &ep->rate) != 1;
    bad += pdur(c, o, p, "duration", 0, &dur) < 0;
    if (is_shift) {
        ep->dir = DIR_BOTH;
        bad += prange(c, o, p, "magnitude", 1, 0, 1e300, &ep->magnitude) != 1;
        bad += pdir(c, o, p, &ep->dir) < 0;
    }
    if (bad)
        return -1;
    if (dur <= 0) {
        perr(c, pjoin(q, p, "duration"), "must be longer than 0");
        return -1;
    }
    ep->len = (uint64_t)((dur + s->interval_us - 1) / s->interval_us);
    ep->slot = 2 * ep->len;
    ep->p_slot = ep->rate * (double)ep->slot;
    if (ep->p_slot > 1) {
        perr(c, pjoin(q, p, "rate"), "must be at most %g: an episode lasts %llu points, and "
             "episodes never overlap (at most one per %llu points)", 1 / (double)ep->slot,
             (unsigned long long)ep->len, (unsigned long long)ep->slot);
        return -1;
    }
    return 0;
}

static int panomalies(struct pctx *c, const cJSON *v, const char *path, const struct series *s,
                      struct series_model *m)
{
    static const char *const keys[] = {"spike", "level_shift", "flatline", NULL};
    static const char *const skeys[] = {"rate", "magnitude", "mode", "direction", NULL};
    static const char *const lkeys[] = {"rate", "magnitude", "duration", "direction", NULL};
    static const char *const fkeys[] = {"rate", "duration", NULL};
    const cJSON *a, *o;
    char p[PATH_MAX_LEN], q[PATH_MAX_LEN], r[PATH_MAX_LEN];
    const char *mode = "multiply";
    int bad = 0, rc;

    rc = pobj(c, v, path, "anomalies", keys,
              "{\"spike\": {\"rate\": 0.001}, \"flatline\": {\"rate\": 0.0001}}", &a, p);
    if (rc <= 0)
        return rc;
    if (s->kind == SERIES_COUNTER)
        for (rc = 0; rc < 2; rc++)
            if (member(a, keys[rc])) {
                perr(c, pjoin(q, p, keys[rc]), "a counter never decreases, so it takes only "
                                               "\"flatline\" anomalies");
                bad++;
            }
    if (bad)
        return -1;
    rc = pobj(c, a, p, "spike", skeys, "{\"rate\": 0.001, \"magnitude\": 3}", &o, q);
    if (rc < 0)
        bad++;
    else if (rc > 0) {
        m->spike_mag = 3;
        m->spike_dir = DIR_UP;
        if (prange(c, o, q, "rate", 1, 0, 1, &m->spike_rate) != 1 ||
            prange(c, o, q, "magnitude", 0, 0, 1e300, &m->spike_mag) < 0 ||
            pstr(c, o, q, "mode", 0, &mode) < 0 || pdir(c, o, q, &m->spike_dir) < 0)
            bad++;
        else if (strcmp(mode, "multiply") && strcmp(mode, "add")) {
            perr_val(c, pjoin(r, q, "mode"), "expected \"multiply\" or \"add\", got \"%s\"", mode);
            bad++;
        } else if (!(m->spike_mag > 0)) {
            perr(c, pjoin(r, q, "magnitude"), "must be greater than 0");
            bad++;
        }
        m->spike_mult = !strcmp(mode, "multiply");
    }
    rc = pobj(c, a, p, "level_shift", lkeys, "{\"rate\": 0.0001, \"magnitude\": 20}", &o, q);
    if (rc < 0 || (rc > 0 && pepisode(c, o, q, s, &m->shift, 1, "1h")))
        bad++;
    rc = pobj(c, a, p, "flatline", fkeys, "{\"rate\": 0.0001, \"duration\": \"30m\"}", &o, q);
    if (rc < 0 || (rc > 0 && pepisode(c, o, q, s, &m->flat, 0, "30m")))
        bad++;
    return bad ? -1 : 0;
}

/* A counter's extra rules: the rate stays positive, and the wiggles stay below half the smallest
 * increment (the proof at the top of this file). */
static int pcounter(struct pctx *c, const cJSON *v, const char *path, struct series_model *m)
{
    char p[PATH_MAX_LEN];
    double rmin = m->base - m->daily_amp - m->weekly_amp, room, b, used;

    if (member(v, "min") || member(v, "max")) {
        perr(c, pjoin(p, path, member(v, "min") ? "min" : "max"),
             "a counter has no bounds (only gauges are clamped)");
        return -1;
    }
    if (m->trend < 0) {
        perr(c, pjoin(p, path, "trend"), "a counter's rate cannot trend down (it would reach 0)");
        return -1;
    }
    if (!(rmin > 0)) {
        perr(c, pjoin(p, path, "base"), "a counter's rate (base %g per second) must stay above 0: "
             "it must be greater than daily.amplitude + weekly.amplitude (%g)", m->base,
             m->daily_amp + m->weekly_amp);
        return -1;
    }
    room = rmin * m->interval_s / 2;
    b = m->walk_sigma > 0 ? fmin(2, 3 * m->interval_s / m->walk_tau) : 0;
    used = m->noise + m->walk_sigma * b;
    if (used > room) {
        char what[192];
        if (m->walk_sigma > 0)
            snprintf(what, sizeof what, "noise + walk.sigma * min(2, 3 interval / tau) (%g + %g "
                     "* %g = %g)", m->noise, m->walk_sigma, b, used);
        else
            snprintf(what, sizeof what, "noise (%g)", m->noise);
        perr(c, path, "a counter never decreases, so %s must be at most half its smallest "
             "increment per interval, (base - amplitudes) * interval / 2 = %g: lower \"noise\" "
             "or \"walk\", or raise \"base\"", what, room);
        return -1;
    }
    return 0;
}

static int pmodel(struct pctx *c, struct series *s, const cJSON *v, const char *path)
{
    static const char *const keys[] = {"model", "base", "trend", "daily", "weekly", "phase",
                                       "noise", "walk", "min", "max", "initial", "anomalies",
                                       NULL};
    struct series_model *m = xcalloc(1, sizeof *m);
    const char *model = "gauge";
    char p[PATH_MAX_LEN];
    int64_t phase = 0;
    int bad = 0;

    s->model = m;
    zig_init(&m->zig);
    m->noise = 1;
    m->min = -INFINITY;
    m->max = INFINITY;
    m->interval_s = (double)s->interval_us * 1e-6;
    m->day0 = (double)floor_mod(s->start_us, 86400000000LL) / 86400e6;
    /* 1970-01-01 was a Thursday: Monday 00:00 was three days before */
    m->week0 = (double)floor_mod(s->start_us + 3 * 86400000000LL, 604800000000LL) / 604800e6;
    if (!v)
        return 0;
    if (!cJSON_IsObject(v)) {
        perr(c, path, "expected an object such as {\"model\": \"gauge\", \"base\": 40, "
                      "\"noise\": 2}, got %s", ptype_name(v));
        return -1;
    }
    if (pkeys(c, v, path, keys) || pstr(c, v, path, "model", 0, &model) < 0)
        return -1;
    if (!strcmp(model, "counter")) {
        s->kind = SERIES_COUNTER;
        m->base = 1;
        m->noise = 0;
    } else if (strcmp(model, "gauge")) {
        perr_val(c, pjoin(p, path, "model"), "expected \"gauge\" or \"counter\", got \"%s\"",
                 model);
        return -1;
    }
    bad += pnum(c, v, path, "base", 0, &m->base) < 0;
    bad += ptrend(c, v, path, &m->trend) < 0;
    bad += pseasons(c, v, path, m) < 0;
    bad += pdur(c, v, path, "phase", 0, &phase) < 0;
    bad += prange(c, v, path, "noise", 0, 0, 1e300, &m->noise) < 0;
    bad += pwalk(c, v, path, m) < 0;
    bad += pnum(c, v, path, "min", 0, &m->min) < 0;
    bad += pnum(c, v, path, "max", 0, &m->max) < 0;
    bad += pnum(c, v, path, "initial", 0, &m->initial) < 0;
    if (!bad && s->kind == SERIES_GAUGE && member(v, "initial")) {
        perr(c, pjoin(p, path, "initial"), "only a counter has an initial count");
        bad++;
    }
    if (!bad && m->min > m->max) {
        perr(c, pjoin(p, path, "min"), "must not be greater than \"max\" (%g > %g)", m->min,
             m->max);
        bad++;
    }
    if (!bad && phase > 7 * 86400000000LL) {
        perr(c, pjoin(p, path, "phase"), "must be at most 7d");
        bad++;
    }
    m->phase = (double)phase * 1e-6;
    bad += panomalies(c, v, path, s, m) < 0;
    if (!bad && s->kind == SERIES_COUNTER && pcounter(c, v, path, m))
        bad++;
    return bad ? -1 : 0;
}

/* "tags": {"host": ["a", "b"], "region": {"count": 3, "prefix": "r"}} */
static int ptags(struct pctx *c, struct series *s, const cJSON *tags, const char *path)
{
    static const char *const gkeys[] = {"count", "prefix", NULL};
    const cJSON *t, *v;
    char p[PATH_MAX_LEN], vp[PATH_MAX_LEN];
    size_t k = 0, j;

    if (!cJSON_IsObject(tags) || cJSON_GetArraySize(tags) == 0) {
        perr(c, path, "expected an object of tags: {\"host\": [\"a\", \"b\"], \"region\": "
                      "{\"count\": 3, \"prefix\": \"r\"}}");
        return -1;
    }
    s->ntags = (size_t)cJSON_GetArraySize(tags);
    s->tag_names = xcalloc(s->ntags, sizeof *s->tag_names);
    s->tag_nvals = xcalloc(s->ntags, sizeof *s->tag_nvals);
    s->tag_vals = xcalloc(s->ntags, sizeof *s->tag_vals);
    s->tag_lens = xcalloc(s->ntags, sizeof *s->tag_lens);
    s->tag_stride = xcalloc(s->ntags, sizeof *s->tag_stride);
    s->nseries = 1;
    cJSON_ArrayForEach(t, tags)
    {
        pjoin(p, path, t->string);
        s->tag_names[k] = xstrdup(t->string);
        j = 0;
        if (!t->string[0]) {
            perr(c, p, "a tag name must not be empty");
            return -1;
        }
        if (cJSON_IsArray(t) && cJSON_GetArraySize(t) > 0) {
            s->tag_nvals[k] = (size_t)cJSON_GetArraySize(t);
            s->tag_vals[k] = xcalloc(s->tag_nvals[k], sizeof **s->tag_vals);
            cJSON_ArrayForEach(v, t)
            {
                if (!cJSON_IsString(v)) {
                    perr(c, pidx(vp, p, j), "expected a string, got %s", ptype_name(v));
                    return -1;
                }
                s->tag_vals[k][j++] = xstrdup(v->valuestring);
            }
        } else if (cJSON_IsObject(t)) {
            int64_t n = 0;
            const char *prefix = t->string;
            if (pkeys(c, t, p, gkeys) || pint(c, t, p, "count", 1, &n) != 1 ||
                pstr(c, t, p, "prefix", 0, &prefix) < 0)
                return -1;
            if (n < 1 || n > 10000000) {
                perr(c, pjoin(vp, p, "count"), "must be between 1 and 10000000 (got %lld)",
                     (long long)n);
                return -1;
            }
            s->tag_nvals[k] = (size_t)n;
            s->tag_vals[k] = xcalloc(s->tag_nvals[k], sizeof **s->tag_vals);
            for (j = 0; j < (size_t)n; j++) {
                char buf[256];
                snprintf(buf, sizeof buf, "%s%zu", prefix, j + 1);
                s->tag_vals[k][j] = xstrdup(buf);
            }
        } else {
            perr(c, p, "expected an array of values or {\"count\": N, \"prefix\": \"...\"}");
            return -1;
        }
        s->tag_lens[k] = xcalloc(s->tag_nvals[k], sizeof **s->tag_lens);
        for (j = 0; j < s->tag_nvals[k]; j++)
            s->tag_lens[k][j] = (uint32_t)strlen(s->tag_vals[k][j]);
        if (s->nseries > UINT64_MAX / s->tag_nvals[k]) {
            perr(c, p, "too many series");
            return -1;
        }
        s->nseries *= s->tag_nvals[k];
        k++;
    }
    /* mixed radix, first tag slowest */
    s->tag_mstride = xcalloc(s->ntags, sizeof *s->tag_mstride);
    s->tag_mnvals = xcalloc(s->ntags, sizeof *s->tag_mnvals);
    for (k = s->ntags; k-- > 0;) {
        s->tag_stride[k] = k + 1 < s->ntags ? s->tag_stride[k + 1] * s->tag_nvals[k + 1] : 1;
        s->tag_mstride[k] = recip(s->tag_stride[k]);
        s->tag_mnvals[k] = recip(s->tag_nvals[k]);
    }
    return 0;
}

static void add_field(struct entity *e, size_t i, const char *name, enum gen_kind g,
                      enum fount_vtype t, enum fount_col_role role)
{
    e->fields[i].name = xstrdup(name);
    e->fields[i].index = (int)i;
    e->fields[i].gen = g;
    e->fields[i].time_field = -1;
    e->fields[i].target_field = -1;
    e->cols[i].name = e->fields[i].name;
    e->cols[i].type = t;
    e->cols[i].decimals = -1;
    e->cols[i].max_len = -1;
    e->cols[i].role = role;
}

/* "label": true (a column named "anomaly") or the column's name. NULL when not asked. */
static int plabel(struct pctx *c, const cJSON *spec, const char *path, const char **name)
{
    const cJSON *v = member(spec, "label");
    char p[PATH_MAX_LEN];

    *name = NULL;
    if (!v || cJSON_IsFalse(v))
        return 0;
    if (cJSON_IsTrue(v))
        *name = "anomaly";
    else if (cJSON_IsString(v) && v->valuestring[0])
        *name = v->valuestring;
    else {
        perr(c, pjoin(p, path, "label"), "expected true, false or a column name, got %s",
             ptype_name(v));
        return -1;
    }
    return 0;
}

/* Column names must differ: tags are columns next to "time", "value" and the label. */
static int pnames(struct pctx *c, const struct series *s, const char *path, const char *label)
{
    char p[PATH_MAX_LEN];
    size_t k;

    if (label && (!strcmp(label, "time") || !strcmp(label, "value"))) {
        perr_val(c, pjoin(p, path, "label"), "\"%s\" is taken by a column of every series "
                 "(time, the tags, value): choose another name", label);
        return -1;
    }
    for (k = 0; k < s->ntags; k++)
        if (!strcmp(s->tag_names[k], "time") || !strcmp(s->tag_names[k], "value") ||
            (label && !strcmp(s->tag_names[k], label))) {
            pjoin(p, path, "tags");
            perr(c, pjoin(p, p, s->tag_names[k]), "a tag cannot be named \"%s\": the columns "
                 "are time, the tags, value%s", s->tag_names[k], label ? " and the label" : "");
            return -1;
        }
    return 0;
}

int pseries(struct pctx *c, struct entity *e, const cJSON *spec, const char *path)
{
    static const char *const keys[] = {"start", "duration", "interval", "jitter", "tags", "metric",
                                       "value", "gaps", "decimals", "label", "description", NULL};
    struct series *s = xcalloc(1, sizeof *s);
    const char *start = "2026-01-01T00:00:00Z", *metric = NULL, *label = NULL, *help = NULL;
    char p[PATH_MAX_LEN];
    int64_t dec = -2;
    size_t i, k, n;
    int bad = 0;

    e->series = s;
    s->label_field = -1;
    if (pkeys(c, spec, path, keys))
        return -1;
    if (pstr(c, spec, path, "start", 0, &start) < 0 || parse_timestamp(start, &s->start_us)) {
        perr_val(c, pjoin(p, path, "start"), "expected a timestamp such as "
                                              "\"2026-01-01T00:00:00Z\"");
        return -1;
    }
    bad += pdur(c, spec, path, "duration", 0, &s->duration_us) < 0;
    bad += pdur(c, spec, path, "interval", 1, &s->interval_us) != 1;
    bad += pdur(c, spec, path, "jitter", 0, &s->jitter_us) < 0;
    bad += prange(c, spec, path, "gaps", 0, 0, 1, &s->gap_rate) < 0;
    if (pint(c, spec, path, "decimals", 0, &dec) < 0)
        bad++;
    else if (dec != -2 && (dec < -1 || dec > 15)) {
        perr(c, pjoin(p, path, "decimals"), "must be between 0 and 15, or -1 for the shortest "
             "exact form (got %lld)", (long long)dec);
        bad++;
    }
    if (!bad && s->interval_us <= 0) {
        perr(c, pjoin(p, path, "interval"), "must be longer than 0");
        bad++;
    }
    bad += pstr(c, spec, path, "metric", 0, &metric) < 0;
    bad += pstr(c, spec, path, "description", 0, &help) < 0;
    bad += plabel(c, spec, path, &label) < 0;
    if (!member(spec, "tags")) {
        perr(c, path, "missing required key \"tags\" (an object of tag values)");
        return -1;
    }
    if (bad || ptags(c, s, member(spec, "tags"), pjoin(p, path, "tags")) ||
        pnames(c, s, path, label) || pmodel(c, s, member(spec, "value"), pjoin(p, path, "value")))
        return -1;
    if (metric && !metric[0]) {
        perr(c, pjoin(p, path, "metric"), "must not be empty");
        return -1;
    }
    s->metric = xstrdup(metric ? metric : e->name);
    s->help = help ? xstrdup(help) : NULL;
    n = s->ntags + 2 + (label != NULL);
    e->nfields = n;
    e->fields = xcalloc(n, sizeof *e->fields);
    e->cols = xcalloc(n, sizeof *e->cols);
    add_field(e, 0, "time", GEN_SERIES_TIME, FV_TIMESTAMP, COL_TIME);
    e->cols[0].ts_digits = 3;
    s->time_field = 0;
    for (k = 0; k < s->ntags; k++) {
        uint32_t maxlen = 0;
        add_field(e, k + 1, s->tag_names[k], GEN_SERIES_TAG, FV_STRING, COL_TAG);
        e->fields[k + 1].imin = (int64_t)k;
        for (i = 0; i < s->tag_nvals[k]; i++)
            if (s->tag_lens[k][i] > maxlen)
                maxlen = s->tag_lens[k][i];
        e->cols[k + 1].max_len = (int)maxlen;
    }
    s->value_field = (int)s->ntags + 1;
    add_field(e, s->ntags + 1, "value", GEN_SERIES_VALUE, FV_DOUBLE, COL_VALUE);
    e->cols[s->ntags + 1].decimals = dec != -2 ? (int)dec : s->kind == SERIES_COUNTER ? 0 : 3;
    if (label) {
        s->label_field = (int)s->ntags + 2;
        add_field(e, s->ntags + 2, label, GEN_SERIES_LABEL, FV_STRING, COL_LABEL);
        e->cols[s->label_field].nullable = 1;
        e->cols[s->label_field].max_len = 11; /* "level_shift" */
    }
    e->rel.metric = s->metric;
    e->rel.metric_type = s->kind == SERIES_COUNTER ? METRIC_COUNTER : METRIC_GAUGE;
    e->rel.help = s->help;
    series_reseed(s, c->plan->seed, e->name);
    return 0;
}

void series_reseed(struct series *s, uint64_t seed, const char *name)
{
    struct series_model *m = s->model;

    s->gap_key = fount_key(seed, name, "", "gap");
    s->jitter_key = fount_key(seed, name, "", "jitter");
    if (!m)
        return;
    m->series_key = fount_key(seed, name, "", "series");
    m->noise_key = fount_key(seed, name, "", "value");
    m->walk_key = fount_key(seed, name, "", "walk");
    m->phase_key = fount_key(seed, name, "", "phase");
    m->spike_key = fount_key(seed, name, "", "spike");
    m->shift.key = fount_key(seed, name, "", "level_shift");
    m->flat.key = fount_key(seed, name, "", "flatline");
}

void series_free(struct series *s)
{
    size_t k, j;

    if (!s)
        return;
    for (k = 0; k < s->ntags; k++) {
        for (j = 0; s->tag_vals && s->tag_vals[k] && j < s->tag_nvals[k]; j++)
            free(s->tag_vals[k][j]);
        if (s->tag_vals)
            free(s->tag_vals[k]);
        if (s->tag_lens)
            free(s->tag_lens[k]);
        free(s->tag_names[k]);
    }
    free(s->tag_names);
    free(s->tag_nvals);
    free(s->tag_vals);
    free(s->tag_lens);
    free(s->tag_stride);
    free(s->tag_mstride);
    free(s->tag_mnvals);
    free(s->metric);
    free(s->help);
    free(s->model);
    free(s);
}
