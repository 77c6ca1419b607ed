/* test_value.c: the fast formatters, the calendar and the literal parsers of generator/value.c,
 * as tables of {input, expected} checked in one loop each. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Formats into a guarded buffer, checks the length against the documented maximum and that no
 * byte past it was touched, and returns the text NUL-terminated. */
#define GUARD 0x5a
static void check_written(const char *buf, size_t n, size_t max, size_t bufsize)
{
    size_t i;

    cr_assert_leq(n, max, "wrote %zu bytes, maximum is %zu", n, max);
    for (i = max; i < bufsize; i++)
        cr_assert_eq((unsigned char)buf[i], GUARD, "byte %zu past the maximum was written", i);
}

/* A small deterministic generator for the random round trips. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

Test(fmt, i64)
{
    static const struct {
        int64_t in;
        const char *want;
    } cases[] = {
        {0, "0"},
        {1, "1"},
        {-1, "-1"},
        {9, "9"},
        {10, "10"},
        {99, "99"},
        {100, "100"},
        {-100, "-100"},
        {12345, "12345"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
        {INT64_MIN + 1, "-9223372036854775807"},
    };
    char buf[64], want[64];
    size_t i, n;
    int k;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_i64(buf, cases[i].in);
        check_written(buf, n, FMT_I64_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "fmt_i64(%" PRId64 ")", cases[i].in);
    }
    /* every power of ten, one less, and their negatives, against printf */
    for (k = 0; k <= 18; k++) {
        int64_t p = 1, vals[4];
        int j, e;

        for (e = 0; e < k; e++)
            p *= 10;
        vals[0] = p;
        vals[1] = p - 1;
        vals[2] = -p;
        vals[3] = -(p - 1);
        for (j = 0; j < 4; j++) {
            n = fmt_i64(buf, vals[j]);
            buf[n] = '\0';
            snprintf(want, sizeof want, "%" PRId64, vals[j]);
            cr_expect_str_eq(buf, want, "fmt_i64(%s)", want);
        }
    }
}

Test(fmt, u64)
{
    static const struct {
        uint64_t in;
        const char *want;
    } cases[] = {
        {0, "0"},
        {7, "7"},
        {10000000000000000000u, "10000000000000000000"},
        {UINT64_MAX, "18446744073709551615"},
    };
    char buf[64];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        n = fmt_u64(buf, cases[i].in);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want);
    }
}

Test(fmt, decimal)
{
    static const struct {
        int64_t in;
        int scale;
        const char *want;
    } cases[] = {
        {12345, 2, "123.45"},
        {-5, 2, "-0.05"},
        {-12345, 2, "-123.45"},
        {0, 2, "0.00"},
        {0, 0, "0"},
        {-7, 0, "-7"},
        {1250, 2, "12.50"},
        {100, 1, "10.0"},
        {-1, 1, "-0.1"},
        {-99, 3, "-0.099"},
        {1, 18, "0.000000000000000001"},
        {-1, 18, "-0.000000000000000001"},
        {INT64_MAX, 0, "9223372036854775807"},
        {INT64_MAX, 4, "922337203685477.5807"},
        {INT64_MIN, 18, "-9.223372036854775808"},
        {INT64_MIN, 1, "-922337203685477580.8"},
        {INT64_MAX, 18, "9.223372036854775807"},
        {5, 25, "0.000000000000000005"}, /* scale clamped to 18 */
    };
    char buf[64], want[64];
    size_t i, n;
    int s;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_decimal(buf, cases[i].in, cases[i].scale);
        check_written(buf, n, FMT_DECIMAL_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "fmt_decimal(%" PRId64 ", %d)", cases[i].in,
                         cases[i].scale);
    }
    /* every scale: -7 / 10^s is "-0.0...07" (s > 0) */
    for (s = 1; s <= 18; s++) {
        n = fmt_decimal(buf, -7, s);
        buf[n] = '\0';
        snprintf(want, sizeof want, "-0.%0*d", s, 7);
        cr_expect_str_eq(buf, want, "scale %d", s);
        n = fmt_decimal(buf, 123456789, s);
        buf[n] = '\0';
        cr_expect_eq(strtod(buf, NULL), 123456789 / pow(10, s), "scale %d: %s", s, buf);
    }
}

Test(fmt, timestamp)
{
    static const struct {
        int64_t us;
        int digits, sql;
        const char *want;
    } cases[] = {
        {0, 0, 0, "1970-01-01T00:00:00Z"},
        {0, 3, 0, "1970-01-01T00:00:00.000Z"},
        {0, 6, 0, "1970-01-01T00:00:00.000000Z"},
        {-1, 0, 0, "1969-12-31T23:59:59Z"},
        {-1, 3, 0, "1969-12-31T23:59:59.999Z"},
        {-1, 6, 0, "1969-12-31T23:59:59.999999Z"},
        {-14182940000000, 0, 0, "1969-07-20T20:17:40Z"},
        {1772368496123456, 0, 0, "2026-03-01T12:34:56Z"},
        {1772368496123456, 3, 0, "2026-03-01T12:34:56.123Z"},
        {1772368496123456, 6, 0, "2026-03-01T12:34:56.123456Z"},
        {1772368496123456, 0, 1, "2026-03-01 12:34:56"},
        {1772368496123456, 3, 1, "2026-03-01 12:34:56.123"},
        {1772368496123456, 6, 1, "2026-03-01 12:34:56.123456"},
        {1709251199000000, 0, 0, "2024-02-29T23:59:59Z"},
        {1709251199000000 + 1000000, 0, 0, "2024-03-01T00:00:00Z"},
        {951782400000000, 0, 0, "2000-02-29T00:00:00Z"},
        {-2203891200000000, 0, 0, "1900-03-01T00:00:00Z"},
        {-2203891200000000 - 1, 6, 0, "1900-02-28T23:59:59.999999Z"},
        {253402300799999999, 6, 0, "9999-12-31T23:59:59.999999Z"},
        {253402300799999999 + 1, 0, 0, "+10000-01-01T00:00:00Z"},
        {-62135596800000000, 0, 0, "0001-01-01T00:00:00Z"},
        {1772368496123456, 1, 0, "2026-03-01T12:34:56.1Z"},
        {1772368496123456, 2, 1, "2026-03-01 12:34:56.12"},
        {1772368496123456, 4, 0, "2026-03-01T12:34:56.1234Z"},
        {1772368496123456, 5, 1, "2026-03-01 12:34:56.12345"},
        {1772368496123456, 9, 0, "2026-03-01T12:34:56.123456Z"},  /* more than 6: 6 */
        {1772368496123456, -1, 0, "2026-03-01T12:34:56Z"},
        {-62167219200000000, 3, 0, "0000-01-01T00:00:00.000Z"},        /* first fast-path day */
        {-62167219200000000 - 1, 3, 0, "-0001-12-31T23:59:59.999Z"},
        {-62167219200000000 - 1, 3, 1, "-0001-12-31 23:59:59.999"},
        {INT64_MAX, 6, 0, "+294247-01-10T04:00:54.775807Z"},
        {INT64_MIN, 6, 0, "-290308-12-21T19:59:05.224192Z"},
    };
    char buf[96];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_timestamp(buf, cases[i].us, cases[i].digits, cases[i].sql);
        check_written(buf, n, FMT_TS_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "case %zu: fmt_timestamp(%" PRId64 ", %d, %d)", i,
                         cases[i].us, cases[i].digits, cases[i].sql);
    }
}

Test(fmt, date)
{
    static const struct {
        int64_t days;
        const char *want;
    } cases[] = {
        {0, "1970-01-01"},
        {-1, "1969-12-31"},
        {20513, "2026-03-01"},
        {19782, "2024-02-29"},
        {-25508, "1900-03-01"},
        {2932896, "9999-12-31"},
        {-719162, "0001-01-01"},
        {-719528, "0000-01-01"},
        {-719529, "-0001-12-31"},
        {INT64_MAX, "+294247-01-10"}, /* clamped to the timestamp range */
        {INT64_MIN, "-290308-12-21"},
    };
    char buf[64];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_date(buf, cases[i].days);
        check_written(buf, n, FMT_DATE_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "fmt_date(%" PRId64 ")", cases[i].days);
    }
}

Test(fmt, uuid)
{
    static const struct {
        uint8_t u[16];
        const char *want;
    } cases[] = {
        {{0}, "00000000-0000-0000-0000-000000000000"},
        {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
         "00010203-0405-0607-0809-0a0b0c0d0e0f"},
        {{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40,
          0x00},
         "123e4567-e89b-12d3-a456-426614174000"},
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff},
         "ffffffff-ffff-ffff-ffff-ffffffffffff"},
    };
    char buf[64];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_uuid(buf, cases[i].u);
        cr_expect_eq(n, (size_t)FMT_UUID_MAX);
        check_written(buf, n, FMT_UUID_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want);
    }
}

/* Reference text from civil_from_days (Hinnant, plain int64) and printf. */
static void ref_date(char *out, size_t size, int64_t days)
{
    int64_t y;
    unsigned m, d;

    civil_from_days(days, &y, &m, &d);
    if (y >= 0 && y <= 9999)
        snprintf(out, size, "%04" PRId64 "-%02u-%02u", y, m, d);
    else
        snprintf(out, size, "%c%04" PRIu64 "-%02u-%02u", y < 0 ? '-' : '+',
                 y < 0 ? 0 - (uint64_t)y : (uint64_t)y, m, d);
}

static void ref_timestamp(char *out, size_t size, int64_t us, int digits, int sql)
{
    int64_t days = us / 86400000000, rem = us % 86400000000;
    char date[32], frac[16] = "";

    if (rem < 0) {
        rem += 86400000000;
        days--;
    }
    ref_date(date, sizeof date, days);
    if (digits > 0)
        snprintf(frac, sizeof frac, ".%06d", (int)(rem % 1000000));
    if (digits > 0)
        frac[1 + digits] = '\0';
    snprintf(out, size, "%s%c%02d:%02d:%02d%s%s", date, sql ? ' ' : 'T', (int)(rem / 3600000000),
             (int)(rem / 60000000 % 60), (int)(rem / 1000000 % 60), frac, sql ? "" : "Z");
}

/* The fast paths (years 0000..9999, values below 10^8...) against plain references, on random
 * values of every magnitude and on the edges of the fast ranges. */
Test(fmt, random_against_references)
{
    static const int64_t edges[] = {-62167219200000000, 253402300800000000, 0, -1, INT64_MIN,
                                    INT64_MAX, 99999999, 100000000, 9999999999999999};
    uint64_t seed = 99;
    char got[64], want[96];
    size_t n, i;
    int k, bad = 0;

    for (k = 0; k < 200000; k++) {
        uint64_t r = rng_next(&seed);
        int64_t v = (int64_t)(rng_next(&seed) >> (1 + r % 63));    /* 0 <= v < 2^63 */
        int digits = (int)(r >> 8) % 7, sql = (int)(r >> 12) & 1, scale = (int)((r >> 16) % 19);

        if ((r >> 20) & 1)
            v = -v;                     /* v >= 0 here, so this cannot overflow */
        if (k < (int)(NELEM(edges) * 3)) {
            int64_t e = edges[k / 3];   /* each edge, one before and one after */
            int step = k % 3 - 1;

            v = (step < 0 && e == INT64_MIN) || (step > 0 && e == INT64_MAX) ? e : e + step;
        }
        n = fmt_i64(got, v);
        got[n] = '\0';
        snprintf(want, sizeof want, "%" PRId64, v);
        if (strcmp(got, want) != 0 && bad++ < 5)
            cr_log_error("fmt_i64(%s) = %s", want, got);
        n = fmt_timestamp(got, v, digits, sql);
        got[n] = '\0';
        ref_timestamp(want, sizeof want, v, digits, sql);
        if (strcmp(got, want) != 0 && bad++ < 5)
            cr_log_error("fmt_timestamp(%" PRId64 ", %d, %d) = %s, want %s", v, digits, sql, got,
                         want);
        n = fmt_date(got, v / 86400000000);
        got[n] = '\0';
        ref_date(want, sizeof want, v / 86400000000);
        if (strcmp(got, want) != 0 && bad++ < 5)
            cr_log_error("fmt_date(%" PRId64 ") = %s, want %s", v / 86400000000, got, want);
        n = fmt_decimal(got, v, scale);
        got[n] = '\0';
        {
            uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, p = 1;

            for (i = 0; i < (size_t)scale; i++)
                p *= 10;
            if (scale)
                snprintf(want, sizeof want, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", a / p,
                         scale, a % p);
            else
                snprintf(want, sizeof want, "%" PRId64, v);
        }
        if (strcmp(got, want) != 0 && bad++ < 5)
            cr_log_error("fmt_decimal(%" PRId64 ", %d) = %s, want %s", v, scale, got, want);
    }
    cr_expect_eq(bad, 0, "%d mismatches", bad);
}

static int64_t pow10_of(int k)
{
    int64_t p = 1;

    while (k-- > 0)
        p *= 10;
    return p;
}

/* 2026 #3: the fast paths changed algorithm (Neri-Schneider dates, decimals below 10^8 in one
 * register): every day of years 0000..9999, and every decimal below 10^5 at scales 0..8 plus a
 * few around each power of ten. */
Test(fmt, every_fast_day_and_small_decimal)
{
    char got[64], want[96];
    int64_t days, a;
    size_t n;
    int bad = 0, scale;

    for (days = -719528 - 2; days <= 2932896 + 2; days++) {
        n = fmt_date(got, days);
        got[n] = '\0';
        ref_date(want, sizeof want, days);
        if (strcmp(got, want) != 0 && bad++ < 5)
            cr_log_error("fmt_date(%" PRId64 ") = %s, want %s", days, got, want);
    }
    for (scale = 0; scale <= 8; scale++)
        for (a = -100000; a < 100000 + 9 * 8; a++) {
            int64_t v = a < 100000 ? a : pow10_of((int)((a - 100000) / 8) + 1) + (a % 3) - 1;
            uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, p = 1;
            int i;

            for (i = 0; i < scale; i++)
                p *= 10;
            n = fmt_decimal(got, v, scale);
            got[n] = '\0';
            if (scale)
                snprintf(want, sizeof want, "%s%" PRIu64 ".%0*" PRIu64, v < 0 && m ? "-" : "",
                         m / p, scale, m % p);
            else
                snprintf(want, sizeof want, "%" PRId64, v);
            if (strcmp(got, want) != 0 && bad++ < 5)
                cr_log_error("fmt_decimal(%" PRId64 ", %d) = %s, want %s", v, scale, got, want);
        }
    cr_expect_eq(bad, 0, "%d mismatches", bad);
}

Test(fmt, double_fixed_and_shortest)
{
    static const struct {
        double in;
        int decimals;
        const char *want;
    } cases[] = {
        {12.5, 2, "12.50"},
        {-0.0, 2, "0.00"},
        {-0.0, 0, "0"},
        {-0.001, 2, "0.00"},          /* rounds to zero: no sign */
        {0.5, 0, "1"},                /* exact ties go away from zero */
        {-0.5, 0, "-1"},
        {1.5, 0, "2"},
        {2.5, 0, "3"},
        {0.125, 2, "0.13"},
        {-0.125, 2, "-0.13"},
        {1.005, 2, "1.00"},           /* really 1.00499999999999989... */
        {0.285, 2, "0.28"},           /* really 0.28499999999999998... */
        {3.14159, 4, "3.1416"},
        {123456.789, 1, "123456.8"},
        {1e-5, 18, "0.000010000000000000"},
        {9.2e18, 0, "9200000000000000000"},
        {1e20, 2, "100000000000000000000.00"},  /* past 2^63: "%.*f" */
        {0.1, 20, "0.10000000000000000555"},    /* decimals > 18: "%.*f" */
        {-1e-30, 25, "0.0000000000000000000000000"},
        {1e300, 2, "1e+300"},                   /* too long fixed: shortest */
        {5e-324, 3, "0.000"},
        {0.1, -1, "0.1"},
        {-0.0, -1, "0"},
        {0.0, -1, "0"},
        {100.0, -1, "100"},
        {-42.0, -1, "-42"},
        {1.0 / 3, -1, "0.3333333333333333"},
        {0.1 + 0.2, -1, "0.30000000000000004"},
        {1e20, -1, "1e+20"},
        {1e15, -1, "1e+15"},
        {999999999999999.0, -1, "999999999999999"},
        {9007199254740992.0, -1, "9007199254740992"},
        {1.2345678901234568e17, -1, "1.2345678901234568e+17"},
        {1e-7, -1, "1e-07"},
        {123.456, -1, "123.456"},
        {5e-324, -1, "4.94065645841247e-324"},
        {-1.7976931348623157e308, -1, "-1.7976931348623157e+308"},
        {NAN, 2, "nan"},
        {-INFINITY, -1, "-inf"},
    };
    char buf[96];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_double(buf, cases[i].in, cases[i].decimals);
        check_written(buf, n, FMT_DOUBLE_MAX, sizeof buf);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "case %zu: fmt_double(%.17g, %d)", i, cases[i].in,
                         cases[i].decimals);
    }
}

/* 10^5 random bit patterns: the shortest form reads back to the same double. */
Test(fmt, double_shortest_round_trips)
{
    uint64_t seed = 42, bits;
    char buf[96];
    double v, back;
    size_t n;
    int i, bad = 0;

    for (i = 0; i < 100000; i++) {
        bits = rng_next(&seed);
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        memset(buf, GUARD, sizeof buf);
        n = fmt_double(buf, v, -1);
        check_written(buf, n, FMT_DOUBLE_MAX, sizeof buf);
        buf[n] = '\0';
        back = strtod(buf, NULL);
        if (back != v && bad++ < 5)
            cr_log_error("%s does not read back as %a", buf, v);
    }
    cr_expect_eq(bad, 0, "%d doubles did not round-trip", bad);
}

/* Fixed decimals agree with glibc's exact "%.*f" except on exact binary ties, where printf rounds
 * half to even and fount away from zero, and in the sign of a value that rounds to zero. */
Test(fmt, double_fixed_matches_printf)
{
    uint64_t seed = 7;
    char got[96], want[96], exact[160];
    double v;
    size_t n;
    int i, d, bad = 0, ties = 0;
    const char *w;

    for (i = 0; i < 100000; i++) {
        uint64_t r = rng_next(&seed);

        d = (int)(r % 9);
        /* mixed magnitudes, and short mantissas so that exact ties really occur */
        v = (double)(int64_t)(rng_next(&seed) >> (11 + r % 40)) / (double)(1 << (r >> 8) % 16);
        v = (r >> 20) & 1 ? -v : v;
        n = fmt_double(got, v, d);
        got[n] = '\0';
        snprintf(want, sizeof want, "%.*f", d, v);
        w = want;
        if (w[0] == '-' && strspn(w + 1, "0.") == strlen(w + 1))
            w++;
        if (strcmp(got, w) == 0)
            continue;
        snprintf(exact, sizeof exact, "%.*f", d + 40, v);
        if (strcmp(strchr(exact, '.') + 1 + d, "5000000000000000000000000000000000000000") == 0) {
            ties++;
            continue;
        }
        if (bad++ < 5)
            cr_log_error("fmt_double(%.17g, %d) = %s, printf says %s", v, d, got, want);
    }
    cr_expect_eq(bad, 0, "%d mismatches", bad);
    cr_expect_gt(ties, 0, "the sample should contain exact ties");
}

Test(fmt, value)
{
    struct fount_column cdec = {.name = "p", .type = FV_DECIMAL, .scale = 2};
    struct fount_column cdbl = {.name = "x", .type = FV_DOUBLE, .decimals = 3};
    struct fount_column cts = {.name = "t", .type = FV_TIMESTAMP, .ts_digits = 3};
    struct {
        struct fount_value v;
        const struct fount_column *c;
        size_t room;
        const char *want;
    } cases[] = {
        {{.type = FV_NULL}, NULL, 64, ""},
        {{.type = FV_BOOL, .v.i = 1}, NULL, 64, "true"},
        {{.type = FV_BOOL, .v.i = 0}, NULL, 64, "false"},
        {{.type = FV_INT, .v.i = -42}, NULL, 64, "-42"},
        {{.type = FV_DECIMAL, .v.i = 1250}, &cdec, 64, "12.50"},
        {{.type = FV_DECIMAL, .v.i = 1250}, NULL, 64, "1250"},
        {{.type = FV_DOUBLE, .v.d = 2.5}, &cdbl, 64, "2.500"},
        {{.type = FV_DOUBLE, .v.d = 2.5}, NULL, 64, "2.5"},
        {{.type = FV_TIMESTAMP, .v.i = 1772368496123456}, &cts, 64, "2026-03-01T12:34:56.123Z"},
        {{.type = FV_DATE, .v.i = 20513}, NULL, 64, "2026-03-01"},
        {{.type = FV_UUID, .v.u = {0xab}}, NULL, 64, "ab000000-0000-0000-0000-000000000000"},
        {{.type = FV_STRING, .len = 5, .v.s = "hello"}, NULL, 64, "hello"},
        {{.type = FV_STRING, .len = 5, .v.s = "hello"}, NULL, 3, "hel"},
        {{.type = FV_STRING, .len = 4, .v.s = "a\xc3\xa9z"}, NULL, 2, "a"},   /* not half an é */
        {{.type = FV_STRING, .len = 4, .v.s = "a\xc3\xa9z"}, NULL, 3, "a\xc3\xa9"},
        {{.type = FV_INT, .v.i = 123456}, NULL, 4, "1234"},
        {{.type = FV_INT, .v.i = 1}, NULL, 0, ""},
    };
    char buf[80];
    size_t i, n;

    for (i = 0; i < NELEM(cases); i++) {
        memset(buf, GUARD, sizeof buf);
        n = fmt_value(buf, cases[i].room, &cases[i].v, cases[i].c);
        cr_assert_leq(n, cases[i].room);
        cr_assert_eq((unsigned char)buf[cases[i].room], GUARD, "case %zu wrote past room", i);
        buf[n] = '\0';
        cr_expect_str_eq(buf, cases[i].want, "case %zu", i);
    }
}

Test(calendar, known_days)
{
    static const struct {
        int64_t y;
        unsigned m, d;
        int64_t days;
    } cases[] = {
        {1970, 1, 1, 0},    {1969, 12, 31, -1},  {2000, 3, 1, 11017},  {2026, 3, 1, 20513},
        {2024, 2, 29, 19782}, {1900, 3, 1, -25508}, {9999, 12, 31, 2932896}, {1, 1, 1, -719162},
        {0, 3, 1, -719468}, {0, 1, 1, -719528},  {-1, 12, 31, -719529},
    };
    size_t i;
    int64_t y;
    unsigned m, d;

    for (i = 0; i < NELEM(cases); i++) {
        cr_expect_eq(days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days,
                     "days_from_civil(%" PRId64 "-%u-%u)", cases[i].y, cases[i].m, cases[i].d);
        civil_from_days(cases[i].days, &y, &m, &d);
        cr_expect(y == cases[i].y && m == cases[i].m && d == cases[i].d,
                  "civil_from_days(%" PRId64 ") = %" PRId64 "-%u-%u", cases[i].days, y, m, d);
    }
}

/* Every day of +-3 million days (about +-8200 years) round-trips and follows the day before it;
 * then sparse days out to +-10^12. */
Test(calendar, round_trip)
{
    int64_t z, y, py = 0;
    unsigned m, d, pm = 0, pd = 0;
    int bad = 0;

    for (z = -3000000; z <= 3000000; z++) {
        civil_from_days(z, &y, &m, &d);
        if (days_from_civil(y, m, d) != z || m < 1 || m > 12 || d < 1 || d > 31)
            bad++;
        if (z > -3000000 &&
            !((y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
              (y == py + 1 && m == 1 && pm == 12 && d == 1)))
            bad++;
        py = y;
        pm = m;
        pd = d;
    }
    for (z = -1000000000000; z <= 1000000000000; z += 999999937) {
        civil_from_days(z, &y, &m, &d);
        if (days_from_civil(y, m, d) != z)
            bad++;
    }
    cr_expect_eq(bad, 0, "%d days failed", bad);
}

Test(parse, timestamp)
{
    static const struct {
        const char *in;
        int rc;
        int64_t want;
    } cases[] = {
        {"2026-03-01", 0, 1772323200000000},
        {"2026-03-01T12:34:56Z", 0, 1772368496000000},
        {"2026-03-01 12:34:56", 0, 1772368496000000},
        {"2026-03-01T12:34:56", 0, 1772368496000000},
        {"2026-03-01T12:34:56.123Z", 0, 1772368496123000},
        {"2026-03-01T12:34:56.123456Z", 0, 1772368496123456},
        {"2026-03-01T12:34:56.1Z", 0, 1772368496100000},
        {"2026-03-01T12:34:56.123456789Z", 0, 1772368496123456},
        {"2026-03-01T12:34:56+01:00", 0, 1772364896000000},
        {"2026-03-01T00:30:00-02:30", 0, 1772334000000000},
        {"2026-03-01 12:34:56.5+00:00", 0, 1772368496500000},
        {"1969-12-31T23:59:59.999999Z", 0, -1},
        {"1970-01-01T00:00:00Z", 0, 0},
        {"2024-02-29T23:59:59Z", 0, 1709251199000000},
        {"2000-02-29", 0, 951782400000000},
        {"9999-12-31T23:59:59.999999Z", 0, 253402300799999999},
        {"0001-01-01", 0, -62135596800000000},
        {"", -1, 0},
        {"2026-13-01", -1, 0},
        {"2026-00-10", -1, 0},
        {"2026-03-00", -1, 0},
        {"2026-04-31", -1, 0},
        {"2023-02-29", -1, 0},
        {"1900-02-29", -1, 0},
        {"2026-03-32", -1, 0},
        {"2026-03-01T24:00:00Z", -1, 0},
        {"2026-03-01T12:60:00Z", -1, 0},
        {"2026-03-01T12:34:60Z", -1, 0},
        {"2026-03-01T12:34:56Zx", -1, 0},
        {"2026-03-01T12:34:56z", -1, 0},
        {"2026-03-01x", -1, 0},
        {"2026-03-01T", -1, 0},
        {"2026-03-01T12:34", -1, 0},
        {"2026-03-01T1:02:03Z", -1, 0},
        {"2026-3-1", -1, 0},
        {"26-03-01", -1, 0},
        {"2026/03/01", -1, 0},
        {"2026-03-01T12:34:56.Z", -1, 0},
        {"2026-03-01T12:34:56.1234567890Z", -1, 0},
        {"2026-03-01T12:34:56+0100", -1, 0},
        {"2026-03-01T12:34:56+01", -1, 0},
        {"2026-03-01T12:34:56+24:00", -1, 0},
        {"2026-03-01T12:34:56+01:00 ", -1, 0},
        {"2026-03-01Z", -1, 0},
        {" 2026-03-01", -1, 0},
        {"2026-03-01 ", -1, 0},
        {"abcd-ef-gh", -1, 0},
    };
    size_t i;
    int64_t got;
    int rc;

    for (i = 0; i < NELEM(cases); i++) {
        got = 12345;
        rc = parse_timestamp(cases[i].in, &got);
        cr_expect_eq(rc, cases[i].rc, "parse_timestamp(\"%s\") returned %d", cases[i].in, rc);
        if (cases[i].rc == 0)
            cr_expect_eq(got, cases[i].want, "parse_timestamp(\"%s\") = %" PRId64, cases[i].in,
                         got);
        else
            cr_expect_eq(got, 12345, "parse_timestamp(\"%s\") wrote on failure", cases[i].in);
    }
}

Test(parse, date)
{
    static const struct {
        const char *in;
        int rc;
        int64_t want;
    } cases[] = {
        {"2026-03-01", 0, 20513},
        {"1970-01-01", 0, 0},
        {"1969-12-31", 0, -1},
        {"2024-02-29", 0, 19782},
        {"2000-02-29", 0, 11016},
        {"0000-01-01", 0, -719528},
        {"9999-12-31", 0, 2932896},
        {"2026-03-01T00:00:00Z", -1, 0},
        {"2026-02-30", -1, 0},
        {"2023-02-29", -1, 0},
        {"2100-02-29", -1, 0},
        {"2026-06-31", -1, 0},
        {"2026-13-01", -1, 0},
        {"", -1, 0},
        {"2026-03-1", -1, 0},
        {"2026-03-01 ", -1, 0},
        {"+2026-03-01", -1, 0},
    };
    size_t i;
    int64_t got;
    int rc;

    for (i = 0; i < NELEM(cases); i++) {
        got = 12345;
        rc = parse_date(cases[i].in, &got);
        cr_expect_eq(rc, cases[i].rc, "parse_date(\"%s\") returned %d", cases[i].in, rc);
        if (cases[i].rc == 0)
            cr_expect_eq(got, cases[i].want, "parse_date(\"%s\") = %" PRId64, cases[i].in, got);
        else
            cr_expect_eq(got, 12345, "parse_date(\"%s\") wrote on failure", cases[i].in);
    }
}

Test(parse, duration)
{
    static const struct {
        const char *in;
        int rc;
        int64_t want;
    } cases[] = {
        {"0", 0, 0},
        {"30", 0, 30000000},
        {"1.5", 0, 1500000},
        {"500ms", 0, 500000},
        {"250us", 0, 250},
        {"250\xc2\xb5s", 0, 250},
        {"30s", 0, 30000000},
        {"5m", 0, 300000000},
        {"2h", 0, 7200000000},
        {"7d", 0, 604800000000},
        {"1w", 0, 604800000000},
        {"1h30m", 0, 5400000000},
        {"30m1h", 0, 5400000000},
        {"2h45m30s500ms", 0, 9930500000},
        {"1.5s", 0, 1500000},
        {"0.5ms", 0, 500},
        {"1.5h", 0, 5400000000},
        {"0.25d", 0, 21600000000},
        {"1.0000005s", 0, 1000001},  /* half a microsecond rounds up */
        {"1.0000004s", 0, 1000000},
        {"0s", 0, 0},
        {"9223372036854s", 0, 9223372036854000000},
        {"9223372036854775807us", 0, INT64_MAX},
        {"", -1, 0},
        {"-1s", -1, 0},
        {"+1s", -1, 0},
        {"1x", -1, 0},
        {"1h30", -1, 0},
        {"0h30", -1, 0},
        {"h", -1, 0},
        {"s", -1, 0},
        {"1.s", -1, 0},
        {".5s", -1, 0},
        {"1 s", -1, 0},
        {" 1s", -1, 0},
        {"1s ", -1, 0},
        {"1hh", -1, 0},
        {"1.5.2s", -1, 0},
        {"1e3s", -1, 0},
        {"9223372036855s", -1, 0},
        {"9223372036854775808us", -1, 0},
        {"99999999999999999999999s", -1, 0},
        {"15250000w", 0, 9223200000000000000},
        {"15251000w", -1, 0},
        {"1ns", -1, 0},
    };
    size_t i;
    int64_t got;
    int rc;

    for (i = 0; i < NELEM(cases); i++) {
        got = 12345;
        rc = parse_duration(cases[i].in, &got);
        cr_expect_eq(rc, cases[i].rc, "parse_duration(\"%s\") returned %d", cases[i].in, rc);
        if (cases[i].rc == 0)
            cr_expect_eq(got, cases[i].want, "parse_duration(\"%s\") = %" PRId64, cases[i].in,
                         got);
        else
            cr_expect_eq(got, 12345, "parse_duration(\"%s\") wrote on failure", cases[i].in);
    }
}

/* A formatted timestamp or date parses back to itself. */
Test(parse, round_trips_formatting)
{
    static const int64_t ts[] = {0, -1, 1772368496123456, 951782400000000, -62135596800000000,
                                 253402300799999999, 1709251199999999};
    static const int digits[] = {6, 6, 6, 0, 0, 6, 6};
    char buf[64];
    size_t i, n;
    int64_t got, day;

    for (i = 0; i < NELEM(ts); i++) {
        n = fmt_timestamp(buf, ts[i], digits[i], i % 2);
        buf[n] = '\0';
        cr_expect_eq(parse_timestamp(buf, &got), 0, "%s", buf);
        cr_expect_eq(got, ts[i], "%s", buf);
    }
    for (day = -719528; day <= 2932896; day += 997) {
        n = fmt_date(buf, day);
        buf[n] = '\0';
        cr_assert_eq(parse_date(buf, &got), 0, "%s", buf);
        cr_assert_eq(got, day, "%s", buf);
    }
}
