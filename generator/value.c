/* value.c: hand-written formatters that turn typed values into text (the hot spot of every byte
 * sink: no snprintf per value, except for doubles printed in their shortest form), the civil
 * calendar, and the parsers for the timestamp, date and duration literals of profiles.
 * Leaves out: quoting and escaping for output formats (sinks/format.c).
 *
 * Formatters write into p, which has room for the FMT_*_MAX of the function, write no NUL, and
 * return the length. They are pure and thread-safe. They may also scribble on bytes between the
 * returned length and that maximum (text is stored 8 bytes at a time): give them the whole room,
 * and do not expect bytes after the text to survive. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* gcc and clang: unsigned __int128 (exact double rounding, duration overflow checks) and
 * __builtin_clzll. */
#if defined(__GNUC__)
__extension__ typedef unsigned __int128 u128;
#else
#error "value.c needs gcc or clang (unsigned __int128, __builtin_clzll)"
#endif

/* Little-endian machines build text in 64-bit registers and store it 8 bytes at a time.
 * -DFOUNT_NO_SWAR selects the portable byte-order-free code (the tests run both). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(FOUNT_NO_SWAR)
#define FOUNT_SWAR 1
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

#ifndef FOUNT_SWAR
static const char HEX2[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
#endif

/* ---------------------------------------------------------------- integers */

/* Decimal digits of v (1 for 0): log10 from the bit length, then one comparison. */
static inline unsigned u64_ndigits(uint64_t v)
{
    unsigned t;

    v |= 1;
    t = (unsigned)(64 - __builtin_clzll(v)) * 1233 >> 12;   /* 1233 / 4096 ~ log10(2) */
    return t + (v >= POW10[t]);
}

static inline void put2(char *p, unsigned v)
{
    memcpy(p, DIGITS2 + 2 * v, 2);
}

/* Exactly 8 digits of v < 10^8: four independent lookups in 32-bit arithmetic. */
static inline void put8(char *p, uint32_t v)
{
    uint32_t hi = v / 10000, lo = v % 10000;

    put2(p, hi / 100);
    put2(p + 2, hi % 100);
    put2(p + 4, lo / 100);
    put2(p + 6, lo % 100);
}

/* Exactly n digits of v (v < 10^n), zero-padded on the left. Chunks of eight digits keep most of
 * the work in 32-bit arithmetic, which is what makes this faster than a digit-pair loop. */
static inline void put_fixed(char *p, uint64_t v, unsigned n)
{
    char *q = p + n;
    uint32_t w;

    while (n > 8) {
        q -= 8;
        put8(q, (uint32_t)(v % 100000000));
        v /= 100000000;
        n -= 8;
    }
    w = (uint32_t)v;
    while (n >= 2) {
        q -= 2;
        put2(q, w % 100);
        w /= 100;
        n -= 2;
    }
    if (n)
        q[-1] = (char)('0' + w);
}

#ifdef FOUNT_SWAR
/* The eight digits of v < 10^8 as ASCII, most significant first in memory, computed in one
 * 64-bit register (two 32-bit lanes of four digits, then four 16-bit lanes of two, then eight
 * bytes of one; after Paul Khuong, "How to print integers really fast"). */
static inline uint64_t swar8(uint32_t v)
{
    uint64_t merged = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
    uint64_t top = ((merged * 10486) >> 20) & UINT64_C(0x0000007F0000007F);  /* lanes / 100 */
    uint64_t bot = merged - 100 * top;                                         /* lanes % 100 */
    uint64_t hundreds = (bot << 16) + top;
    uint64_t tens = ((hundreds * 103) >> 10) & UINT64_C(0x000F000F000F000F);  /* lanes / 10 */

    tens += (hundreds - 10 * tens) << 8;
    return tens | UINT64_C(0x3030303030303030);
}
#endif

/* With FOUNT_SWAR the digits go out as whole 8-byte stores, so up to 7 bytes past the returned
 * length may be scribbled on (within FMT_I64_MAX; see the top of the file). */
static inline size_t u64_text(char *p, uint64_t v)
{
#ifdef FOUNT_SWAR
    uint64_t w;
    size_t n = 0;

    if (FOUNT_UNLIKELY(v >= 100000000)) {
        uint64_t hi = v / 100000000;

        if (hi >= 100000000) {
            n = u64_ndigits(hi / 100000000);
            w = swar8((uint32_t)(hi / 100000000)) >> (8 * (8 - n));
            memcpy(p, &w, 8);
            w = swar8((uint32_t)(hi % 100000000));
            memcpy(p + n, &w, 8);
            n += 8;
        } else {
            n = u64_ndigits(hi);
            w = swar8((uint32_t)hi) >> (8 * (8 - n));
            memcpy(p, &w, 8);
        }
        w = swar8((uint32_t)(v % 100000000));
        memcpy(p + n, &w, 8);
        return n + 8;
    }
    n = u64_ndigits(v);
    w = swar8((uint32_t)v) >> (8 * (8 - n));
    memcpy(p, &w, 8);
    return n;
#else
    unsigned n = u64_ndigits(v);

    put_fixed(p, v, n);
    return n;
#endif
}

size_t fmt_u64(char *p, uint64_t v)
{
    return u64_text(p, v);
}

size_t fmt_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p = '-';
        return 1 + u64_text(p + 1, 0 - (uint64_t)v);
    }
    return u64_text(p, (uint64_t)v);
}

/* a / 10^scale with a sign; "0.05", never "-0.00" (the sign needs a non-zero magnitude).
 * The usual scales get divisions by constants, which compile to multiplications. */
static size_t put_scaled(char *p, uint64_t a, unsigned scale, int neg)
{
    size_t n = 0;
    uint64_t ip, fp;

    if (neg && a)
        p[n++] = '-';
#ifdef FOUNT_SWAR
    if (FOUNT_LIKELY(a < 100000000 && scale - 1 < 7)) {
        /* all of it in one swar8: the last k digits (k = the digits of a, at least scale + 1),
         * then the fraction moved one byte on to make room for the point */
        unsigned k = u64_ndigits(a), il;
        uint64_t w;

        if (k < scale + 1)
            k = scale + 1;
        il = k - scale;
        w = swar8((uint32_t)a) >> (8 * (8 - k));
        memcpy(p + n, &w, 8);
        p[n + il] = '.';
        w >>= 8 * il;
        memcpy(p + n + il + 1, &w, 8);
        return n + k + 1;
    }
#endif
    switch (scale) {
    case 0: return n + u64_text(p + n, a);
    case 1: ip = a / 10, fp = a % 10; break;
    case 2: ip = a / 100, fp = a % 100; break;
    case 3: ip = a / 1000, fp = a % 1000; break;
    case 4: ip = a / 10000, fp = a % 10000; break;
    case 6: ip = a / 1000000, fp = a % 1000000; break;
    default: ip = a / POW10[scale], fp = a % POW10[scale]; break;
    }
    n += u64_text(p + n, ip);
    p[n++] = '.';
    put_fixed(p + n, fp, scale);
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
    int64_t era;
    uint32_t yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (uint32_t)(y - era * 400);                              /* [0, 399]    */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        /* [0, 365]    */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  /* [0, 146096] */
    return era * 146097 + (int64_t)doe - 719468;
}

/* Hinnant's civil_from_days for a day count already shifted to be non-negative (zz = days since
 * 0000-03-01 plus any whole number of eras); returns the year relative to that shift. The in-era
 * arithmetic is unsigned 32-bit, where divisions by constants are cheapest. */
static inline uint32_t civil_era(uint64_t zz, uint64_t *era_out, unsigned *m, unsigned *d)
{
    uint64_t era = zz / 146097;
    uint32_t doe = (uint32_t)(zz - era * 146097);                  /* [0, 146096] */
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);        /* [0, 365]    */
    uint32_t mp = (5 * doy + 2) / 153;                             /* [0, 11]     */

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *era_out = era;
    return yoe + (*m <= 2);
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    uint64_t e0;
    uint32_t yy;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yy = civil_era((uint64_t)(z - era * 146097), &e0, m, d);      /* e0 is 0 here */
    *y = (int64_t)yy + era * 400;
}

/* Days of 0000-01-01 and 9999-12-31: the years that print as four digits, the fast path. */
#define DAY_MIN4 INT64_C(-719528)
#define DAY_MAX4 INT64_C(2932896)

/* The civil date of DAY_MIN4 + k for k in [0, DAY_MAX4 - DAY_MIN4], by Neri and Schneider
 * ("Euclidean affine functions and their application to calendar algorithms", 2022): the same
 * dates as Hinnant's, with multiplications and shifts where his has divisions (the timestamp is
 * the costliest column of a row). n counts days from 0000-03-01 less one era (400 years), so that
 * all of it is unsigned 32-bit; 4 * n + 3 stays below 2^32 for every k of the range. */
static inline void civil4(uint64_t k, uint32_t *y, unsigned *m, unsigned *d)
{
    uint32_t n = (uint32_t)k + 146097 - 60;          /* 0000-01-01 is 60 days before 03-01 */
    uint32_t n1 = 4 * n + 3, c = n1 / 146097, nc = n1 % 146097 / 4;
    uint64_t p2 = (uint64_t)2939745 * (4 * nc + 3);
    uint32_t z = (uint32_t)(p2 >> 32), ny = (uint32_t)p2 / 2939745 / 4; /* year of century, day */
    uint32_t n3 = 2141 * ny + 197913, j = ny >= 306;  /* March-based month and day; Jan, Feb */

    *y = 100 * c + z + j - 400;
    *m = (n3 >> 16) - 12 * j;
    *d = (n3 & 0xffff) / 2141 + 1;
}

#ifdef FOUNT_SWAR
/* Two digits of v < 100 as a little-endian word. Table lookups are independent of each other,
 * where a chain of multiplications would be latency: the timestamp is the costliest column. */
static inline uint64_t d2(uint32_t v)
{
    uint16_t w;

    memcpy(&w, DIGITS2 + 2 * v, 2);
    return w;
}

/* "YYYY-MM-" as a word. */
static inline uint64_t ymd_head(uint32_t y, unsigned m)
{
    return d2(y / 100) | d2(y % 100) << 16 | (uint64_t)'-' << 32 | d2(m) << 40 |
           (uint64_t)'-' << 56;
}
#endif

/* Days of the int64 microsecond timestamp range: fmt_date clamps to it so that the year always
 * fits FMT_DATE_MAX (at most 6 digits and a sign). */
#define DAYS_LIMIT (INT64_MAX / US_PER_DAY)

/* Any year: outside 0..9999 in the ISO 8601 expanded form, "-0044-03-15", "+10000-01-01". */
static size_t put_date_any(char *p, int64_t days)
{
    int64_t y;
    unsigned m, d, nd;
    size_t n = 0;
    uint64_t a;

    civil_from_days(days, &y, &m, &d);
    a = y < 0 ? 0 - (uint64_t)y : (uint64_t)y;
    if (y < 0 || y > 9999)
        p[n++] = y < 0 ? '-' : '+';
    nd = u64_ndigits(a);
    if (nd < 4)
        nd = 4;
    put_fixed(p + n, a, nd);
    n += nd;
    p[n] = '-';
    put2(p + n + 1, m);
    p[n + 3] = '-';
    put2(p + n + 4, d);
    return n + 6;
}

size_t fmt_date(char *p, int64_t days)
{
    uint32_t y;
    unsigned m, d;

    if (FOUNT_LIKELY(days >= DAY_MIN4 && days <= DAY_MAX4)) {
        civil4((uint64_t)(days - DAY_MIN4), &y, &m, &d);
#ifdef FOUNT_SWAR
        {
            uint64_t head = ymd_head(y, m);
            uint16_t dd = (uint16_t)d2(d);

            memcpy(p, &head, 8);
            memcpy(p + 8, &dd, 2);
        }
#else
        put2(p, y / 100);
        put2(p + 2, y % 100);
        p[4] = '-';
        put2(p + 5, m);
        p[7] = '-';
        put2(p + 8, d);
#endif
        return 10;
    }
    if (days > DAYS_LIMIT)
        days = DAYS_LIMIT;
    if (days < -DAYS_LIMIT - 1)
        days = -DAYS_LIMIT - 1;
    return put_date_any(p, days);
}

/* Any timestamp, by parts; the fast path below is the same text. */
static size_t put_timestamp_any(char *p, int64_t us, int digits, int sql_style)
{
    int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
    uint32_t secs, frac;
    size_t n;

    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    secs = (uint32_t)((uint64_t)rem / US_PER_SEC);
    frac = (uint32_t)((uint64_t)rem % US_PER_SEC);
    n = fmt_date(p, days);
    p[n] = sql_style ? ' ' : 'T';
    put2(p + n + 1, secs / 3600);
    p[n + 3] = ':';
    put2(p + n + 4, secs / 60 % 60);
    p[n + 6] = ':';
    put2(p + n + 7, secs % 60);
    n += 9;
    if (digits > 0) {
        p[n++] = '.';
        put_fixed(p + n, frac / (uint32_t)POW10[6 - digits], (unsigned)digits);
        n += (size_t)digits;
    }
    if (!sql_style)
        p[n++] = 'Z';
    return n;
}

/* The fraction is truncated, not rounded, so a value never moves to the next second (or day).
 * digits other than 0, 3 and 6 work too (1..6); more than 6 prints 6. */
size_t fmt_timestamp(char *p, int64_t us, int digits, int sql_style)
{
    if (digits < 0)
        digits = 0;
    if (digits > 6)
        digits = 6;
#ifdef FOUNT_SWAR
    /* years 0000..9999: unsigned arithmetic from 0000-01-01, then three or four word stores,
     * "YYYY-MM-" "DDTHH:MM" ":SS.fffZ" (or ":SS.ffff" "ffZ") */
    if (FOUNT_LIKELY(us >= DAY_MIN4 * US_PER_DAY && us < (DAY_MAX4 + 1) * US_PER_DAY)) {
        uint64_t u = (uint64_t)(us - DAY_MIN4 * US_PER_DAY), k, w0, w1, w2, w3 = 0;
        uint32_t rem, secs, frac, soh, y;
        unsigned m, d;
        size_t n = 19;

        k = u / (uint64_t)US_PER_DAY;
        rem = (uint32_t)((u - k * (uint64_t)US_PER_DAY) / 1000);        /* ms of the day */
        frac = (uint32_t)(u % 1000);                                     /* and its us    */
        secs = rem / 1000;
        frac += rem % 1000 * 1000;
        soh = secs % 3600;                                               /* s of the hour */
        civil4(k, &y, &m, &d);
        w0 = ymd_head(y, m);
        w1 = d2(d) | (uint64_t)(sql_style ? ' ' : 'T') << 16 | d2(secs / 3600) << 24 |
             (uint64_t)':' << 40 | d2(soh / 60) << 48;
        w2 = ':' | d2(soh % 60) << 8 | (uint64_t)'.' << 24;
        if (digits == 3) {
            uint32_t f = frac / 1000;

            w2 |= (uint64_t)('0' + f / 100) << 32 | d2(f % 100) << 40;
        } else if (digits > 0) {
            uint32_t f = frac % 10000;

            w2 |= d2(frac / 10000) << 32 | d2(f / 100) << 48;
            w3 = d2(f % 100);
        }
        if (digits > 0)
            n = 20 + (size_t)digits;
        memcpy(p, &w0, 8);
        memcpy(p + 8, &w1, 8);
        memcpy(p + 16, &w2, 8);
        memcpy(p + 24, &w3, 8);
        if (!sql_style)
            p[n++] = 'Z';
        return n;
    }
#endif
    return put_timestamp_any(p, us, digits, sql_style);
}

/* ---------------------------------------------------------------- uuid, double */

#ifdef FOUNT_SWAR
/* HEX16[b]: the two hex digits of b as one little-endian 16-bit word. */
static const uint16_t HEX16[256] = {
    0x3030, 0x3130, 0x3230, 0x3330, 0x3430, 0x3530, 0x3630, 0x3730, 0x3830, 0x3930, 0x6130, 0x6230,
    0x6330, 0x6430, 0x6530, 0x6630, 0x3031, 0x3131, 0x3231, 0x3331, 0x3431, 0x3531, 0x3631, 0x3731,
    0x3831, 0x3931, 0x6131, 0x6231, 0x6331, 0x6431, 0x6531, 0x6631, 0x3032, 0x3132, 0x3232, 0x3332,
    0x3432, 0x3532, 0x3632, 0x3732, 0x3832, 0x3932, 0x6132, 0x6232, 0x6332, 0x6432, 0x6532, 0x6632,
    0x3033, 0x3133, 0x3233, 0x3333, 0x3433, 0x3533, 0x3633, 0x3733, 0x3833, 0x3933, 0x6133, 0x6233,
    0x6333, 0x6433, 0x6533, 0x6633, 0x3034, 0x3134, 0x3234, 0x3334, 0x3434, 0x3534, 0x3634, 0x3734,
    0x3834, 0x3934, 0x6134, 0x6234, 0x6334, 0x6434, 0x6534, 0x6634, 0x3035, 0x3135, 0x3235, 0x3335,
    0x3435, 0x3535, 0x3635, 0x3735, 0x3835, 0x3935, 0x6135, 0x6235, 0x6335, 0x6435, 0x6535, 0x6635,
    0x3036, 0x3136, 0x3236, 0x3336, 0x3436, 0x3536, 0x3636, 0x3736, 0x3836, 0x3936, 0x6136, 0x6236,
    0x6336, 0x6436, 0x6536, 0x6636, 0x3037, 0x3137, 0x3237, 0x3337, 0x3437, 0x3537, 0x3637, 0x3737,
    0x3837, 0x3937, 0x6137, 0x6237, 0x6337, 0x6437, 0x6537, 0x6637, 0x3038, 0x3138, 0x3238, 0x3338,
    0x3438, 0x3538, 0x3638, 0x3738, 0x3838, 0x3938, 0x6138, 0x6238, 0x6338, 0x6438, 0x6538, 0x6638,
    0x3039, 0x3139, 0x3239, 0x3339, 0x3439, 0x3539, 0x3639, 0x3739, 0x3839, 0x3939, 0x6139, 0x6239,
    0x6339, 0x6439, 0x6539, 0x6639, 0x3061, 0x3161, 0x3261, 0x3361, 0x3461, 0x3561, 0x3661, 0x3761,
    0x3861, 0x3961, 0x6161, 0x6261, 0x6361, 0x6461, 0x6561, 0x6661, 0x3062, 0x3162, 0x3262, 0x3362,
    0x3462, 0x3562, 0x3662, 0x3762, 0x3862, 0x3962, 0x6162, 0x6262, 0x6362, 0x6462, 0x6562, 0x6662,
    0x3063, 0x3163, 0x3263, 0x3363, 0x3463, 0x3563, 0x3663, 0x3763, 0x3863, 0x3963, 0x6163, 0x6263,
    0x6363, 0x6463, 0x6563, 0x6663, 0x3064, 0x3164, 0x3264, 0x3364, 0x3464, 0x3564, 0x3664, 0x3764,
    0x3864, 0x3964, 0x6164, 0x6264, 0x6364, 0x6464, 0x6564, 0x6664, 0x3065, 0x3165, 0x3265, 0x3365,
    0x3465, 0x3565, 0x3665, 0x3765, 0x3865, 0x3965, 0x6165, 0x6265, 0x6365, 0x6465, 0x6565, 0x6665,
    0x3066, 0x3166, 0x3266, 0x3366, 0x3466, 0x3566, 0x3666, 0x3766, 0x3866, 0x3966, 0x6166, 0x6266,
    0x6366, 0x6466, 0x6566, 0x6666,
};

static inline void hex4(char *p, const uint8_t *u)
{
    uint64_t w = (uint64_t)HEX16[u[0]] | (uint64_t)HEX16[u[1]] << 16 |
                 (uint64_t)HEX16[u[2]] << 32 | (uint64_t)HEX16[u[3]] << 48;

    memcpy(p, &w, 8);
}

static inline void hex2(char *p, const uint8_t *u)
{
    uint32_t w = (uint32_t)HEX16[u[0]] | (uint32_t)HEX16[u[1]] << 16;

    memcpy(p, &w, 4);
}

size_t fmt_uuid(char *p, const uint8_t u[16])
{
    hex4(p, u);
    p[8] = '-';
    hex2(p + 9, u + 4);
    p[13] = '-';
    hex2(p + 14, u + 6);
    p[18] = '-';
    hex2(p + 19, u + 8);
    p[23] = '-';
    hex4(p + 24, u + 10);
    hex2(p + 32, u + 14);
    return 36;
}
#else
size_t fmt_uuid(char *p, const uint8_t u[16])
{
    static const unsigned char at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    int i;

    for (i = 0; i < 16; i++)
        memcpy(p + at[i], HEX2 + 2 * u[i], 2);
    p[8] = p[13] = p[18] = p[23] = '-';
    return 36;
}
#endif

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
    case FV_JSON:
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

int relation_col(const struct fount_relation *rel, const char *name)
{
    size_t i;

    for (i = 0; i < rel->ncols; i++)
        if (!strcmp(rel->cols[i].name, name))
            return (int)i;
    return -1;
}
