/* value.c: hand-written formatters that turn typed values into text (the hot spot of every byte
 * sink: no snprintf per value, except for doubles printed in their shortest form), the civil
 * calendar, and the parsers for the timestamp, date and duration literals of profiles.
 * Leaves out: quoting and escaping for output formats (sinks/format.c).
 *
 * Formatters write into p, which has room for the FMT_*_MAX of the function, write no NUL, and
 * return the length. They are pure and thread-safe. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__GNUC__)
__extension__ typedef unsigned __int128 u128;
#else
#error "value.c needs a 128-bit integer type (gcc or clang)"
#endif

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY INT64_C(86400000000)

/* "00" "01" ... "99": two digits per lookup halves the divisions. */
static const char DIGITS2[201] = "00010203040506070809101112131415161718192021222324252627282930313233"
                                 "34353637383940414243444546474849505152535455565758596061626364656667"
                                 "6869707172737475767778798081828384858687888990919293949596979899";

static const uint64_t POW10[20] = {
    UINT64_C(1),
    UINT64_C(10),
    UINT64_C(100),
    UINT64_C(1000),
    UINT64_C(10000),
    UINT64_C(100000),
    UINT64_C(1000000),
    UINT64_C(10000000),
    UINT64_C(100000000),
    UINT64_C(1000000000),
    UINT64_C(10000000000),
    UINT64_C(100000000000),
    UINT64_C(1000000000000),
    UINT64_C(10000000000000),
    UINT64_C(100000000000000),
    UINT64_C(1000000000000000),
    UINT64_C(10000000000000000),
    UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

static const char HEX2[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* ---------------------------------------------------------------- integers */

static inline unsigned u64_ndigits(uint64_t v)
{
    unsigned n = 1;

    for (;;) {
        if (v < 10)
            return n;
        if (v < 100)
            return n + 1;
        if (v < 1000)
            return n + 2;
        if (v < 10000)
            return n + 3;
        v /= 10000;
        n += 4;
    }
}

static inline void put2(char *p, unsigned v)
{
    memcpy(p, DIGITS2 + 2 * v, 2);
}

/* Exactly n digits of v (v < 10^n), zero-padded on the left. */
static inline void put_fixed(char *p, uint64_t v, unsigned n)
{
    char *q = p + n;

    while (n >= 2) {
        q -= 2;
        put2(q, (unsigned)(v % 100));
        v /= 100;
        n -= 2;
    }
    if (n)
        q[-1] = (char)('0' + v % 10);
}

size_t fmt_u64(char *p, uint64_t v)
{
    unsigned n = u64_ndigits(v);

    put_fixed(p, v, n);
    return n;
}

size_t fmt_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p = '-';
        return 1 + fmt_u64(p + 1, 0 - (uint64_t)v);
    }
    return fmt_u64(p, (uint64_t)v);
}

/* a / 10^scale with a sign; "0.05", never "-0.00" (the sign needs a non-zero magnitude). */
static size_t put_scaled(char *p, uint64_t a, unsigned scale, int neg)
{
    size_t n = 0;

    if (neg && a)
        p[n++] = '-';
    if (scale == 0)
        return n + fmt_u64(p + n, a);
    n += fmt_u64(p + n, a / POW10[scale]);
    p[n++] = '.';
    put_fixed(p + n, a % POW10[scale], scale);
    return n + scale;
}

/* Scales outside 0..18 are clamped: a scaled int64 cannot use more than 18 digits of fraction
 * and still hold a useful integer part, and the profile checker refuses them earlier. */
size_t fmt_decimal(char *p, int64_t v, int scale)
{
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    if (scale < 0)
        scale = 0;
    if (scale > 18)
        scale = 18;
    return put_scaled(p, a, (unsigned)scale, v < 0);
}

/* ---------------------------------------------------------------- calendar */

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms": proleptic Gregorian calendar,
 * exact for every day the int64 arithmetic below does not overflow (|days| < 2^62). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;                                          /* [0, 399]     */
    doy = (153 * (m > 2 ? (int64_t)m - 3 : (int64_t)m + 9) + 2) / 5 + (int64_t)d - 1; /* [0, 365] */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  /* [0, 146096]  */
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;                                        /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399]    */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* [0, 365]    */
    mp = (5 * doy + 2) / 153;                                      /* [0, 11]     */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Days of the int64 microsecond timestamp range: fmt_date clamps to it so that the year always
 * fits FMT_DATE_MAX (at most 6 digits and a sign). */
#define DAYS_LIMIT (INT64_MAX / US_PER_DAY)

/* "YYYY-MM-DD". Years outside 0..9999 use the ISO 8601 expanded form: "-0044", "+10000". */
static size_t put_date(char *p, int64_t days)
{
    int64_t y;
    unsigned m, d;
    size_t n = 0;

    civil_from_days(days, &y, &m, &d);
    if (FOUNT_LIKELY(y >= 0 && y <= 9999)) {
        put2(p, (unsigned)(y / 100));
        put2(p + 2, (unsigned)(y % 100));
        n = 4;
    } else {
        uint64_t a = y < 0 ? 0 - (uint64_t)y : (uint64_t)y;
        unsigned nd = u64_ndigits(a);

        p[n++] = y < 0 ? '-' : '+';
        if (nd < 4)
            nd = 4;
        put_fixed(p + n, a, nd);
        n += nd;
    }
    p[n] = '-';
    put2(p + n + 1, m);
    p[n + 3] = '-';
    put2(p + n + 4, d);
    return n + 6;
}

size_t fmt_date(char *p, int64_t days)
{
    if (days > DAYS_LIMIT)
        days = DAYS_LIMIT;
    if (days < -DAYS_LIMIT - 1)
        days = -DAYS_LIMIT - 1;
    return put_date(p, days);
}

/* The fraction is truncated, not rounded, so a value never moves to the next second (or day).
 * digits other than 0, 3 and 6 work too (1..6); more than 6 prints 6. */
size_t fmt_timestamp(char *p, int64_t us, int digits, int sql_style)
{
    int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
    uint64_t secs, frac;
    size_t n;

    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    secs = (uint64_t)rem / US_PER_SEC;
    frac = (uint64_t)rem % US_PER_SEC;
    n = put_date(p, days);
    p[n] = sql_style ? ' ' : 'T';
    put2(p + n + 1, (unsigned)(secs / 3600));
    p[n + 3] = ':';
    put2(p + n + 4, (unsigned)(secs / 60 % 60));
    p[n + 6] = ':';
    put2(p + n + 7, (unsigned)(secs % 60));
    n += 9;
    if (digits > 0) {
        if (digits > 6)
            digits = 6;
        p[n++] = '.';
        put_fixed(p + n, frac / POW10[6 - digits], (unsigned)digits);
        n += (size_t)digits;
    }
    if (!sql_style)
        p[n++] = 'Z';
    return n;
}

/* ---------------------------------------------------------------- uuid, double */

size_t fmt_uuid(char *p, const uint8_t u[16])
{
    static const unsigned char dash_after[16] = {0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    size_t n = 0;
    int i;

    for (i = 0; i < 16; i++) {
        memcpy(p + n, HEX2 + 2 * u[i], 2);
        n += 2;
        if (dash_after[i])
            p[n++] = '-';
    }
    return n;
}

/* round(a * 10^d), half away from zero, computed exactly from the binary value of a (so 1.005,
 * which is really 1.00499999999999989..., gives 100 for d = 2, like printf, and no double
 * rounding of the product can push a value across a half). -1 if the result is >= 2^63. */
static int fixed_round(double a, unsigned d, uint64_t *out)
{
    uint64_t bits, m;
    int ex, e;
    u128 prod, q;
    unsigned sh;

    if (a == 0) {
        *out = 0;
        return 0;
    }
    if (!(a * (double)POW10[d] < 0x1p63))
        return -1;
    memcpy(&bits, &a, sizeof bits);
    ex = (int)(bits >> 52) & 0x7ff;
    m = bits & ((UINT64_C(1) << 52) - 1);
    if (ex) {
        m |= UINT64_C(1) << 52;
        e = ex - 1075;
    } else {
        e = -1074;
    }
    prod = (u128)m * POW10[d];          /* a * 10^d == prod * 2^e exactly; prod < 2^113 */
    if (e >= 0) {
        q = prod << e;                  /* e <= 10 here, since a < 2^63 */
    } else {
        sh = (unsigned)-e;
        if (sh > 120) {
            q = 0;                      /* prod * 2^e < 2^-7 */
        } else {
            q = prod >> sh;
            if ((prod & (((u128)1 << sh) - 1)) >= (u128)1 << (sh - 1))
                q++;
        }
    }
    if (q >= (u128)1 << 63)
        return -1;
    *out = (uint64_t)q;
    return 0;
}

static size_t copy_out(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return n;
}

/* The shortest of %.15g, %.16g and %.17g that reads back to v (17 always does). */
static size_t fmt_shortest(char *p, double v)
{
    char tmp[48];
    int prec, n = 0;

    if (v == 0)
        return copy_out(p, "0", 1);         /* also -0 */
    if (fabs(v) < 1e15 && v == (double)(int64_t)v)
        return fmt_i64(p, (int64_t)v);      /* what %.15g prints, without the cost */
    for (prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v)
            break;
    }
    if (n < 0 || n >= FMT_DOUBLE_MAX)
        return copy_out(p, "0", 1);         /* cannot happen for a finite double */
    return copy_out(p, tmp, (size_t)n);
}

/* Large values (|v| * 10^decimals >= 2^63) or decimals > 18 go through "%.*f"; when that text
 * would not fit FMT_DOUBLE_MAX the shortest form is printed instead. Non-finite values print as
 * "nan", "inf", "-inf" (the encoders turn them into null before calling this). */
size_t fmt_double(char *p, double v, int decimals)
{
    char tmp[512];
    uint64_t r;
    int n;

    if (FOUNT_UNLIKELY(!isfinite(v))) {
        if (isnan(v))
            return copy_out(p, "nan", 3);
        return v < 0 ? copy_out(p, "-inf", 4) : copy_out(p, "inf", 3);
    }
    if (decimals < 0)
        return fmt_shortest(p, v);
    if (FOUNT_LIKELY(decimals <= 18) && fixed_round(fabs(v), (unsigned)decimals, &r) == 0)
        return put_scaled(p, r, (unsigned)decimals, signbit(v) != 0);
    n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (n < 0 || n >= FMT_DOUBLE_MAX)
        return fmt_shortest(p, v);
    if (tmp[0] == '-' && strspn(tmp + 1, "0.") == (size_t)n - 1)
        return copy_out(p, tmp + 1, (size_t)n - 1);     /* "-0.000..." */
    return copy_out(p, tmp, (size_t)n);
}

/* ---------------------------------------------------------------- any value */

/* Truncating a string backs off to a UTF-8 character boundary; other types are cut bytewise
 * (a room that small is a caller's bug, but it must not overflow). Writes no NUL. */
size_t fmt_value(char *p, size_t room, const struct fount_value *v, const struct fount_column *c)
{
    char tmp[FMT_DOUBLE_MAX + FMT_TS_MAX];
    size_t n = 0;

    switch (v->type) {
    case FV_STRING:
        n = v->len;
        if (n > room) {
            n = room;
            while (n > 0 && ((unsigned char)v->v.s[n] & 0xC0) == 0x80)
                n--;
        }
        if (n)
            memcpy(p, v->v.s, n);
        return n;
    case FV_BOOL:
        n = v->v.i ? copy_out(tmp, "true", 4) : copy_out(tmp, "false", 5);
        break;
    case FV_INT:
        n = fmt_i64(tmp, v->v.i);
        break;
    case FV_DOUBLE:
        n = fmt_double(tmp, v->v.d, c ? c->decimals : -1);
        break;
    case FV_DECIMAL:
        n = fmt_decimal(tmp, v->v.i, c ? c->scale : 0);
        break;
    case FV_TIMESTAMP:
        n = fmt_timestamp(tmp, v->v.i, c ? c->ts_digits : 0, 0);
        break;
    case FV_DATE:
        n = fmt_date(tmp, v->v.i);
        break;
    case FV_UUID:
        n = fmt_uuid(tmp, v->v.u);
        break;
    default: /* FV_NULL */
        return 0;
    }
    if (n > room)
        n = room;
    if (n)
        memcpy(p, tmp, n);
    return n;
}

/* ---------------------------------------------------------------- parsing */

/* Exactly n decimal digits. */
static int digits(const char *s, unsigned n, unsigned *out)
{
    unsigned v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

/* "YYYY-MM-DD" at s (years 0000..9999); advances *sp past it. */
static int scan_date(const char **sp, int64_t *days)
{
    const char *s = *sp;
    unsigned y, m, d;

    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = days_from_civil(y, m, d);
    *sp = s + 10;
    return 0;
}

/* "HH:MM:SS" with an optional fraction of 1 to 9 digits (kept to the microsecond, truncated).
 * No leap second: 60 is refused, as is hour 24. */
static int scan_time(const char **sp, int64_t *us)
{
    const char *s = *sp;
    unsigned h, m, sec, nd = 0;
    int64_t frac = 0;

    if (digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &m) || s[5] != ':' ||
        digits(s + 6, 2, &sec) || h > 23 || m > 59 || sec > 59)
        return -1;
    s += 8;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, nd++)
            if (nd < 6)
                frac = frac * 10 + (*s - '0');
        if (nd == 0 || nd > 9)
            return -1;
        if (nd < 6)
            frac *= (int64_t)POW10[6 - nd];
    }
    *us = ((int64_t)h * 3600 + m * 60 + sec) * US_PER_SEC + frac;
    *sp = s;
    return 0;
}

/* "", "Z" or "+hh:mm" / "-hh:mm", then the end of the text. Offset in microseconds east of UTC. */
static int scan_zone(const char *s, int64_t *off)
{
    unsigned h, m;

    *off = 0;
    if (*s == '\0')
        return 0;
    if (*s == 'Z')
        return s[1] == '\0' ? 0 : -1;
    if (*s != '+' && *s != '-')
        return -1;
    if (digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &m) || s[6] != '\0' || h > 23 ||
        m > 59)
        return -1;
    *off = ((int64_t)h * 3600 + m * 60) * US_PER_SEC;
    if (*s == '-')
        *off = -*off;
    return 0;
}

int parse_date(const char *s, int64_t *days)
{
    int64_t d;

    if (!s || scan_date(&s, &d) || *s != '\0')
        return -1;
    *days = d;
    return 0;
}

/* A zone is only read after a time: "2026-03-01Z" is refused. */
int parse_timestamp(const char *s, int64_t *us)
{
    int64_t days, tod = 0, off = 0;

    if (!s || scan_date(&s, &days))
        return -1;
    if (*s != '\0') {
        if (*s != 'T' && *s != ' ')
            return -1;
        s++;
        if (scan_time(&s, &tod) || scan_zone(s, &off))
            return -1;
    }
    *us = days * US_PER_DAY + tod - off;
    return 0;
}

/* Unit at s: its length in *len and its size in microseconds, or 0 if there is none. */
static int64_t duration_unit(const char *s, size_t *len)
{
    *len = 2;
    if (s[0] == 'u' && s[1] == 's')
        return 1;
    if (s[0] == 'm' && s[1] == 's')
        return 1000;
    if (s[0] == '\xc2' && s[1] == '\xb5' && s[2] == 's') {  /* "µs" */
        *len = 3;
        return 1;
    }
    *len = 1;
    switch (s[0]) {
    case 's': return US_PER_SEC;
    case 'm': return 60 * US_PER_SEC;
    case 'h': return 3600 * US_PER_SEC;
    case 'd': return US_PER_DAY;
    case 'w': return 7 * US_PER_DAY;
    default:
        *len = 0;
        return 0;
    }
}

/* Components "<digits>[.<digits>]<unit>" in any order, e.g. "1h30m", "1.5s", "250ms"; a whole
 * text that is a bare number means seconds. Sub-microsecond parts round half up. No sign, no
 * spaces; a value past INT64_MAX microseconds is refused. */
int parse_duration(const char *s, int64_t *us)
{
    u128 total = 0, part;
    uint64_t ip, frac;
    unsigned nfrac;
    int64_t unit;
    size_t ulen;
    int ncomp = 0;

    if (!s || *s == '\0')
        return -1;
    while (*s) {
        if (*s < '0' || *s > '9')
            return -1;
        for (ip = 0; *s >= '0' && *s <= '9'; s++) {
            if (ip > (UINT64_MAX - 9) / 10)
                return -1;
            ip = ip * 10 + (uint64_t)(*s - '0');
        }
        frac = 0;
        nfrac = 0;
        if (*s == '.') {
            for (s++; *s >= '0' && *s <= '9'; s++) {
                if (nfrac < 18) {
                    frac = frac * 10 + (uint64_t)(*s - '0');
                    nfrac++;
                }
            }
            if (s[-1] == '.')
                return -1;
        }
        unit = duration_unit(s, &ulen);
        if (!unit) {
            if (*s != '\0' || ncomp > 0)
                return -1;
            unit = US_PER_SEC;  /* the whole text is a bare number */
        }
        s += ulen;
        ncomp++;
        part = (u128)ip * (uint64_t)unit +
               ((u128)frac * (uint64_t)unit + POW10[nfrac] / 2) / POW10[nfrac];
        total += part;
        if (total > (u128)INT64_MAX)
            return -1;
    }
    *us = (int64_t)total;
    return 0;
}
