/* test_gen_ext.c: the value library (generator/gen_ext.c, generator/ext/): formats checked with POSIX
 * regular expressions, checksums (Luhn, IBAN mod 97, France's RIB key, Spain's control digits),
 * frequencies against the census-style tables, the consistency of a row's fields over 10^6 rows
 * (the e-mail derives from the row's name, the postcode follows the country's format, the point lies
 * in the country and near the city), uniqueness by construction, cardinality, locale mixes,
 * from_file, profile errors, and determinism. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/fount_data.h"
#include "ext/ext.h"
#include "gen.h"
#include "gen_ext.h"
#include "profile.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ helpers */

/* A compiled profile and the space to evaluate it. */
struct fx {
    struct plan *p;
    struct arena a;
    struct fount_value *vals;
    const struct entity *e;
};

static void fx_open(struct fx *x, const char *json)
{
    struct buf err;
    struct fount_err fe;
    int n = 0;

    buf_init(&err, 1 << 20);
    x->p = profile_load_text("test.json", json, strlen(json), &err, &n);
    cr_assert_not_null(x->p, "profile rejected: %.*s", (int)err.len, err.data ? err.data : "");
    buf_free(&err);
    cr_assert_eq(plan_prepare(x->p, 1, 1, NULL, &fe), 0, "plan_prepare: %s", fe.msg);
    x->e = &x->p->ents[0];
    arena_init(&x->a, 1 << 20);
    x->vals = calloc(x->e->nfields, sizeof *x->vals);
}

static void fx_close(struct fx *x)
{
    free(x->vals);
    arena_free(&x->a);
    plan_free(x->p);
}

/* Evaluates row r of the first entity; every 4096 rows the arena starts over. */
static void fx_row(struct fx *x, uint64_t r)
{
    struct rowpos pos;

    memset(&pos, 0, sizeof pos);
    pos.row = r;
    if (r % 4096 == 0)
        arena_reset(&x->a);
    gen_row(x->e, &pos, x->vals, &x->a);
}

static int fx_col(const struct fx *x, const char *name)
{
    int i = entity_field(x->e, name);

    cr_assert_geq(i, 0, "no field %s", name);
    return i;
}

/* Field i of the last row as text (NUL-terminated, in buf). */
static const char *fx_text(const struct fx *x, int i, char *buf, size_t n)
{
    size_t len = fmt_value(buf, n - 1, &x->vals[i], &x->e->cols[i]);

    buf[len] = '\0';
    return buf;
}

/* The profile's errors as one string (empty when it compiles). */
static char *errors_of(const char *json)
{
    static char out[4096];
    struct buf err;
    struct plan *p;
    int n = 0;

    buf_init(&err, 1 << 20);
    p = profile_load_text("bad.json", json, strlen(json), &err, &n);
    snprintf(out, sizeof out, "%.*s", (int)err.len, err.data ? err.data : "");
    buf_free(&err);
    plan_free(p);
    return out;
}

static regex_t *re(const char *pattern)
{
    regex_t *r = malloc(sizeof *r);
    int rc = regcomp(r, pattern, REG_EXTENDED | REG_NOSUB);

    cr_assert_eq(rc, 0, "bad regex %s", pattern);
    return r;
}

static void re_free(regex_t *r)
{
    regfree(r);
    free(r);
}

static void assert_match(regex_t *r, const char *s, const char *what)
{
    cr_assert_eq(regexec(r, s, 0, NULL, 0), 0, "%s: \"%s\" does not match", what, s);
}

#define ONE_FIELD(type_and_keys, rows)                                                              \
    "{\"seed\": 5, \"entities\": {\"t\": {\"count\": " #rows ", \"fields\": {\"v\": {\"type\": "    \
    type_and_keys "}}}}}"

/* The locale index of an ISO country code. */
static int loc_of(const char *cc)
{
    int i;

    for (i = 0; i < FDATA_NLOCALES; i++)
        if (strcmp(ext_locinfo[i].country, cc) == 0)
            return i;
    cr_assert_fail("unknown country %s", cc);
    return -1;
}

/* The slug of a display word in a list (NULL when absent). */
static const char *slug_in(const struct fdata_list *l, const char *s)
{
    uint32_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->w[i].s, s) == 0)
            return l->w[i].slug;
    return NULL;
}

/* A small hash map from (locale, display text) to a table entry, for the 10^6-row checks. */
struct dict {
    size_t cap;
    int *loc;
    const char **key;
    const void **val;
};

static size_t dict_hash(int loc, const char *s, size_t cap)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)loc;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % cap);
}

static void dict_put(struct dict *d, int loc, const char *key, const void *val)
{
    size_t i = dict_hash(loc, key, d->cap);

    while (d->key[i] && !(d->loc[i] == loc && strcmp(d->key[i], key) == 0))
        i = (i + 1) % d->cap;
    if (!d->key[i]) { /* the first entry of a name wins (the same name may be in two lists) */
        d->loc[i] = loc;
        d->key[i] = key;
        d->val[i] = val;
    }
}

static const void *dict_get(const struct dict *d, int loc, const char *key)
{
    size_t i = dict_hash(loc, key, d->cap);

    while (d->key[i]) {
        if (d->loc[i] == loc && strcmp(d->key[i], key) == 0)
            return d->val[i];
        i = (i + 1) % d->cap;
    }
    return NULL;
}

static void dict_init(struct dict *d, size_t cap)
{
    d->cap = cap;
    d->loc = calloc(cap, sizeof *d->loc);
    d->key = calloc(cap, sizeof *d->key);
    d->val = calloc(cap, sizeof *d->val);
}

static void dict_free(struct dict *d)
{
    free(d->loc);
    free(d->key);
    free(d->val);
}

/* The probability an alias table gives item i. */
static double alias_p(const struct fdata_alias *t, uint32_t i)
{
    double p = 0;
    uint32_t j;

    for (j = 0; j < t->n; j++) {
        double keep = t->cell[j].prob / 4294967296.0;
        if (j == i)
            p += keep;
        if (t->cell[j].alias == i && j != i)
            p += 1 - keep;
        else if (t->cell[j].alias == i && j == i)
            p += 1 - keep;
    }
    return p / t->n;
}

/* ------------------------------------------------------------------ tables */

Test(data, alias_tables_are_distributions)
{
    int loc;

    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        const struct fdata_list *lists[] = {&L->first_female, &L->first_male, &L->last,
                                            &L->street, &L->freemail, &L->company_pattern};
        size_t k;
        for (k = 0; k < NELEM(lists); k++) {
            double sum = 0;
            uint32_t i;
            cr_assert_gt(lists[k]->n, 0, "%s: list %zu is empty", L->name, k);
            for (i = 0; i < lists[k]->n; i++) {
                cr_assert_lt(lists[k]->pick.cell[i].alias, lists[k]->n);
                sum += alias_p(&lists[k]->pick, i);
            }
            cr_assert_float_eq(sum, 1.0, 1e-6, "%s: list %zu sums to %g", L->name, k, sum);
        }
        cr_assert_geq(L->first_female.n + L->first_male.n, 150, "%s: too few first names", L->name);
        cr_assert_geq(L->last.n, 100, "%s: too few surnames", L->name);
        cr_assert_geq(L->city_pick.n, 50, "%s: too few cities", L->name);
    }
}

/* The tables follow their sources: Smith / Johnson = 828.19 / 655.24 (US Census 2010 surnames);
 * Müller is Germany's most common surname; Silva Brazil's; 佐藤 (Sato) Japan's. */
Test(data, frequencies_follow_census_tables)
{
    const struct fdata_list *us = &fdata_locales[LOC_EN_US].last;
    double ps = alias_p(&us->pick, 0), pj = alias_p(&us->pick, 1);
    struct {
        int loc;
        const char *top;
    } heads[] = {{LOC_EN_US, "Smith"}, {LOC_DE_DE, "M\xc3\xbcller"}, {LOC_PT_BR, "Silva"},
                 {LOC_JA_JP, "\xe4\xbd\x90\xe8\x97\xa4"}, {LOC_ES_ES, "Garc\xc3\xad" "a"}};
    size_t k;

    cr_assert_str_eq(us->w[0].s, "Smith");
    cr_assert_float_eq(ps / pj, 828.19 / 655.24, 0.001);
    for (k = 0; k < NELEM(heads); k++) {
        const struct fdata_list *l = &fdata_locales[heads[k].loc].last;
        uint32_t i, best = 0;
        for (i = 1; i < l->n; i++)
            if (alias_p(&l->pick, i) > alias_p(&l->pick, best))
                best = i;
        cr_assert_str_eq(l->w[best].s, heads[k].top);
    }
}

/* Observed frequencies of first names over 200k rows match the table within 5 sigma. */
Test(person, first_names_by_frequency)
{
    struct fx x;
    const struct fdata_list *fem = &fdata_locales[LOC_EN_US].first_female;
    char buf[64];
    int fi, gi;
    uint64_t r, n = 200000, nf = 0, mary = 0;
    double pm = alias_p(&fem->pick, 0), mean, sd;

    fx_open(&x, "{\"seed\": 1, \"locale\": \"en_US\", \"entities\": {\"t\": {\"count\": 10, "
                "\"fields\": {\"f\": {\"type\": \"person.first_name\"}, \"g\": {\"type\": "
                "\"person.gender\"}}}}}");
    fi = fx_col(&x, "f");
    gi = fx_col(&x, "g");
    for (r = 0; r < n; r++) {
        fx_row(&x, r);
        if (strcmp(fx_text(&x, gi, buf, sizeof buf), "female") != 0)
            continue;
        nf++;
        cr_assert_not_null(slug_in(fem, fx_text(&x, fi, buf, sizeof buf)),
                           "%s is not a female en_US name", buf);
        mary += strcmp(buf, "Mary") == 0;
    }
    mean = (double)nf * pm;
    sd = sqrt(mean * (1 - pm));
    cr_assert(fabs((double)mary - mean) < 5 * sd, "Mary %" PRIu64 " times, expected %.0f", mary,
              mean);
    cr_assert(fabs((double)nf / n - 0.508) < 0.01, "female share %g", (double)nf / n);
    fx_close(&x);
}

/* ------------------------------------------------------------------ row consistency, 10^6 rows */

struct country_rule {
    const char *cc, *postcode;
    double lat0, lat1, lon0, lon1; /* bounding box, independent of the generator's */
};
static const struct country_rule rules[] = {
    {"US", "^[0-9]{5}$", 18.9, 71.4, -179.2, -66.9},
    {"GB", "^[A-Z]{1,2}[0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}$", 49.8, 60.9, -8.7, 1.8},
    {"DE", "^[0-9]{5}$", 47.2, 55.1, 5.8, 15.1},
    {"FR", "^[0-9]{5}$", 41.3, 51.1, -5.2, 9.6},
    {"ES", "^(0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}$", 27.6, 43.8, -18.2, 4.4},
    {"BR", "^[0-9]{5}-[0-9]{3}$", -33.8, 5.3, -74.0, -34.7},
    {"JP", "^[0-9]{3}-[0-9]{4}$", 24.0, 45.6, 122.9, 154.0},
    {"IN", "^[1-9][0-9]{5}$", 6.5, 35.7, 68.1, 97.4},
};

static const char *const mix_all =
    "{\"en_US\": 1, \"en_GB\": 1, \"de_DE\": 1, \"fr_FR\": 1, \"es_ES\": 1, \"pt_BR\": 1, "
    "\"ja_JP\": 1, \"en_IN\": 1}";

Test(consistency, million_rows)
{
    char json[2048], first[128], last[128], email[256], cc[8], pc[32], city[128], lat[32],
        lon[32];
    regex_t *pcre[NELEM(rules)];
    struct dict names, cities;
    struct fx x;
    int fi, li, ei, ci, pi, ti, ai, oi, loc;
    size_t k;
    uint32_t i;
    uint64_t r, n = 1000000, seen[FDATA_NLOCALES] = {0};

    dict_init(&names, 1 << 15);
    dict_init(&cities, 1 << 12);
    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        for (i = 0; i < L->first_female.n; i++)
            dict_put(&names, loc, L->first_female.w[i].s, L->first_female.w[i].slug);
        for (i = 0; i < L->first_male.n; i++)
            dict_put(&names, loc, L->first_male.w[i].s, L->first_male.w[i].slug);
        for (i = 0; i < L->last.n; i++)
            dict_put(&names, loc + 100, L->last.w[i].s, L->last.w[i].slug);
        for (i = 0; i < L->city_pick.n; i++)
            dict_put(&cities, loc, L->cities[i].name, &L->cities[i]);
    }
    snprintf(json, sizeof json,
             "{\"seed\": 11, \"locale\": %s, \"entities\": {\"t\": {\"count\": 10, \"fields\": {"
             "\"email\": {\"type\": \"internet.email\"}, \"pc\": {\"type\": \"address.postcode\"},"
             "\"first\": {\"type\": \"person.first_name\"}, \"cc\": {\"type\": "
             "\"address.country_code\"}, \"lat\": {\"type\": \"address.latitude\"}, \"city\": "
             "{\"type\": \"address.city\"}, \"last\": {\"type\": \"person.last_name\"}, \"lon\": "
             "{\"type\": \"address.longitude\"}}}}}",
             mix_all);
    fx_open(&x, json);
    fi = fx_col(&x, "first");
    li = fx_col(&x, "last");
    ei = fx_col(&x, "email");
    ci = fx_col(&x, "cc");
    pi = fx_col(&x, "pc");
    ti = fx_col(&x, "city");
    ai = fx_col(&x, "lat");
    oi = fx_col(&x, "lon");
    for (k = 0; k < NELEM(rules); k++)
        pcre[k] = re(rules[k].postcode);
    for (r = 0; r < n; r++) {
        const struct fdata_city *c;
        const char *fs, *ls, *at;
        char local[256];
        double la, lo;
        fx_row(&x, r);
        fx_text(&x, ci, cc, sizeof cc);
        loc = loc_of(cc);
        seen[loc]++;
        /* the e-mail's local part holds the row's first name or surname (as slugs) */
        fx_text(&x, fi, first, sizeof first);
        fx_text(&x, li, last, sizeof last);
        fx_text(&x, ei, email, sizeof email);
        if (loc == LOC_ES_ES) /* two surnames: the first one counts */
            *strchr(last, ' ') = '\0';
        fs = dict_get(&names, loc, first);
        ls = dict_get(&names, loc + 100, last);
        cr_assert(fs && ls, "row %" PRIu64 ": %s %s is not a %s name", r, first, last,
                  fdata_locales[loc].name);
        at = strchr(email, '@');
        cr_assert_not_null(at, "row %" PRIu64 ": %s", r, email);
        snprintf(local, sizeof local, "%.*s", (int)(at - email), email);
        cr_assert(strstr(local, fs) || strstr(local, ls),
                  "row %" PRIu64 ": %s does not derive from %s %s (%s)", r, email, first, last, cc);
        /* the postcode follows the country's format */
        fx_text(&x, pi, pc, sizeof pc);
        assert_match(pcre[loc], pc, cc);
        /* the point lies in the country, near the city */
        fx_text(&x, ti, city, sizeof city);
        la = atof(fx_text(&x, ai, lat, sizeof lat));
        lo = atof(fx_text(&x, oi, lon, sizeof lon));
        cr_assert(la >= rules[loc].lat0 && la <= rules[loc].lat1 && lo >= rules[loc].lon0 &&
                      lo <= rules[loc].lon1,
                  "row %" PRIu64 ": %g,%g is outside %s", r, la, lo, cc);
        c = dict_get(&cities, loc, city);
        cr_assert_not_null(c, "row %" PRIu64 ": %s is not a city of %s", r, city, cc);
        cr_assert(fabs(la - c->lat / 1e4) <= 0.0401 && fabs(lo - c->lon / 1e4) <= 0.0401,
                  "row %" PRIu64 ": %g,%g is far from %s", r, la, lo, city);
    }
    for (k = 0; k < FDATA_NLOCALES; k++)
        cr_assert_gt(seen[k], n / 10, "locale %zu: %" PRIu64 " rows", k, seen[k]);
    for (k = 0; k < NELEM(rules); k++)
        re_free(pcre[k]);
    dict_free(&names);
    dict_free(&cities);
    fx_close(&x);
}

/* The postcode's leading digits and the city agree (ranges from the city table). */
Test(consistency, postcode_in_city_range)
{
    char cityb[128], pcb[32];
    struct fx x;
    uint64_t r;
    int ci, pi, ki;

    fx_open(&x, "{\"seed\": 3, \"locale\": {\"de_DE\": 1, \"pt_BR\": 1, \"en_US\": 1}, "
                "\"entities\": {\"t\": {\"count\": 1, \"fields\": {\"city\": {\"type\": "
                "\"address.city\"}, \"pc\": {\"type\": \"address.postcode\"}, \"cc\": {\"type\": "
                "\"address.country_code\"}}}}}");
    ci = fx_col(&x, "city");
    pi = fx_col(&x, "pc");
    ki = fx_col(&x, "cc");
    for (r = 0; r < 20000; r++) {
        const struct fdata_locale *L;
        char cc[8], digits[32], *d = digits;
        const char *q;
        unsigned long v;
        uint32_t i;
        fx_row(&x, r);
        L = &fdata_locales[loc_of(fx_text(&x, ki, cc, sizeof cc))];
        fx_text(&x, ci, cityb, sizeof cityb);
        for (q = fx_text(&x, pi, pcb, sizeof pcb); *q; q++)
            if (*q != '-')
                *d++ = *q;
        *d = '\0';
        v = strtoul(digits, NULL, 10);
        for (i = 0; i < L->city_pick.n; i++)
            if (strcmp(L->cities[i].name, cityb) == 0)
                break;
        cr_assert_lt(i, L->city_pick.n);
        cr_assert(v >= L->cities[i].pc_lo && v <= L->cities[i].pc_hi, "%s %s", pcb, cityb);
    }
    fx_close(&x);
}

/* Fields of one group agree whatever their order and whatever else the entity holds; a second
 * group is a different person. */
Test(consistency, group_and_order)
{
    struct fx a, b;
    char x1[256], x2[256];
    uint64_t r;
    int diff = 0;

    fx_open(&a, "{\"seed\": 9, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"e\": {\"type\": \"internet.email\"}, \"n\": {\"type\": \"person.full_name\"},"
                "\"b\": {\"type\": \"person.full_name\", \"group\": \"billing\"}}}}}");
    fx_open(&b, "{\"seed\": 9, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"x\": {\"type\": \"int\", \"min\": 1, \"max\": 9}, \"n\": {\"type\": "
                "\"person.full_name\"}, \"c\": {\"type\": \"address.city\"}}}}}");
    for (r = 0; r < 1000; r++) {
        fx_row(&a, r);
        fx_row(&b, r);
        cr_assert_str_eq(fx_text(&a, fx_col(&a, "n"), x1, sizeof x1),
                         fx_text(&b, fx_col(&b, "n"), x2, sizeof x2));
        diff += strcmp(x1, fx_text(&a, fx_col(&a, "b"), x2, sizeof x2)) != 0;
    }
    cr_assert_gt(diff, 990, "the billing group repeats the default person");
    fx_close(&a);
    fx_close(&b);
}

/* ------------------------------------------------------------------ person */

Test(person, formats)
{
    struct {
        const char *spec, *pattern;
    } cases[] = {
        {"\"person.gender\"", "^(female|male)$"},
        {"\"person.gender\", \"format\": \"letter\"", "^[FM]$"},
        {"\"person.username\"", "^[a-z]+([._-]?[a-z]+)?[0-9]*$"},
        {"\"internet.email\"", "^[a-z]+([._-]?[a-z]+)?[0-9]*@[a-z0-9.-]+\\.[a-z]{2,}$"},
        {"\"internet.email\", \"domains\": [\"example.com\", \"example.org\"]",
         "^[a-z._-]+[0-9]*@example\\.(com|org)$"},
        {"\"person.birth_date\", \"min_age\": 30, \"max_age\": 40, \"as_of\": \"2020-06-15\"",
         "^19(79|[89][0-9])-[01][0-9]-[0-3][0-9]$"},
        {"\"person.full_name\"", "^[^ ]+( [^ ]+){1,4}$"},
    };
    char json[1024], buf[256];
    size_t k;
    uint64_t r;

    for (k = 0; k < NELEM(cases); k++) {
        struct fx x;
        regex_t *rx = re(cases[k].pattern);
        snprintf(json, sizeof json,
                 "{\"seed\": 2, \"locale\": %s, \"entities\": {\"t\": {\"count\": 1, \"fields\": "
                 "{\"v\": {\"type\": %s}}}}}",
                 mix_all, cases[k].spec);
        fx_open(&x, json);
        for (r = 0; r < 5000; r++) {
            fx_row(&x, r);
            assert_match(rx, fx_text(&x, 0, buf, sizeof buf), cases[k].spec);
        }
        re_free(rx);
        fx_close(&x);
    }
}

/* Birth dates make exactly min_age..max_age years at as_of, and the ages follow the pyramid:
 * Japan's people are older than India's. */
Test(person, birth_dates_by_age)
{
    struct fx jp, in;
    uint64_t r;
    double sum_jp = 0, sum_in = 0;
    int64_t asof = days_from_civil(2025, 1, 1);

    fx_open(&jp, ONE_FIELD("\"person.birth_date\", \"locale\": \"ja_JP\", \"min_age\": 0, "
                           "\"max_age\": 100",
                           10));
    fx_open(&in, ONE_FIELD("\"person.birth_date\", \"locale\": \"en_IN\", \"min_age\": 0, "
                           "\"max_age\": 100",
                           10));
    for (r = 0; r < 20000; r++) {
        fx_row(&jp, r);
        fx_row(&in, r);
        cr_assert_eq(jp.vals[0].type, FV_DATE);
        cr_assert(jp.vals[0].v.i <= asof && jp.vals[0].v.i > asof - 102 * 366);
        sum_jp += (double)(asof - jp.vals[0].v.i) / 365.25;
        sum_in += (double)(asof - in.vals[0].v.i) / 365.25;
    }
    cr_assert_gt(sum_jp / 20000, sum_in / 20000 + 10, "mean ages: JP %g, IN %g", sum_jp / 20000,
                 sum_in / 20000);
    fx_close(&jp);
    fx_close(&in);
}

/* ------------------------------------------------------------------ uniqueness */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* LSD radix sort, 16 bits a pass (qsort takes seconds on 10^7 values). */
static void sort_u64(uint64_t *v, uint64_t n)
{
    uint64_t *tmp = malloc(n * sizeof *tmp), *src = v, *dst = tmp, *t, i;
    uint64_t *count = malloc(65536 * sizeof *count);
    int pass;

    for (pass = 0; pass < 4; pass++) {
        uint64_t sum = 0;
        int shift = 16 * pass;
        memset(count, 0, 65536 * sizeof *count);
        for (i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xffff]++;
        for (i = 0; i < 65536; i++) {
            uint64_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
        t = src, src = dst, dst = t;
    }
    free(tmp); /* four passes: the result is back in v */
    free(count);
}

static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNIQUE_ROWS 1000000ULL /* sanitizers make every row ten times slower */
#else
#define UNIQUE_ROWS 10000000ULL
#endif

/* Unique e-mails and user names over 10^7 rows (10^6 under sanitizers): a number that carries the
 * row follows the name part, so no two rows can agree. Each value is hashed; equal hashes are
 * compared as strings. */
static void unique_over_rows(const char *type)
{
    char json[512], a[256], b[256];
    struct fx x;
    uint64_t r, n = UNIQUE_ROWS, *h = malloc(n * sizeof *h);

    snprintf(json, sizeof json,
             "{\"seed\": 4, \"locale\": %s, \"entities\": {\"t\": {\"count\": 1, \"fields\": "
             "{\"v\": {\"type\": \"%s\", \"unique\": true}}}}}",
             mix_all, type);
    fx_open(&x, json);
    cr_assert(x.e->cols[0].unique);
    for (r = 0; r < n; r++) {
        if (r % 4096 == 0)
            arena_reset(&x.a);
        gen_value_at(x.e, 0, r, &x.vals[0], &x.a);
        h[r] = hash_str(x.vals[0].v.s, x.vals[0].len);
    }
    sort_u64(h, n);
    for (r = 1; r < n; r++)
        if (h[r] == h[r - 1]) { /* a hash collision or a repeat: find the rows and compare */
            uint64_t i, j = n;
            for (i = 0; i < n && j == n; i++) {
                gen_value_at(x.e, 0, i, &x.vals[0], &x.a);
                if (hash_str(x.vals[0].v.s, x.vals[0].len) == h[r])
                    j = i;
            }
            fx_text(&x, 0, a, sizeof a);
            for (i = j + 1; i < n; i++) {
                gen_value_at(x.e, 0, i, &x.vals[0], &x.a);
                if (hash_str(x.vals[0].v.s, x.vals[0].len) == h[r])
                    cr_assert_str_neq(a, fx_text(&x, 0, b, sizeof b), "%s repeats %s", type, a);
            }
        }
    free(h);
    fx_close(&x);
}

Test(unique, emails)
{
    unique_over_rows("internet.email");
}

Test(unique, usernames)
{
    unique_over_rows("person.username");
}

/* The suffix bijection: every value of each decade once. */
Test(unique, decade_bijection)
{
    struct ext_bij b;
    uint64_t ns[] = {1, 2, 10, 90, 900, 9000, 12345};
    size_t k;

    for (k = 0; k < NELEM(ns); k++) {
        char *hit = calloc(ns[k], 1);
        uint64_t i;
        ext_bij_init(&b, ns[k], 77 + k);
        for (i = 0; i < ns[k]; i++) {
            uint64_t v = ext_bij_apply(&b, i);
            cr_assert_lt(v, ns[k]);
            cr_assert_eq(hit[v], 0, "n=%" PRIu64 ": %" PRIu64 " twice", ns[k], v);
            hit[v] = 1;
        }
        free(hit);
    }
}

Test(unique, fixed_domains)
{
    struct {
        const char *spec;
        uint64_t rows;
    } cases[] = {
        {"\"internet.ipv4\", \"cidr\": \"192.168.0.0/20\", \"unique\": true", 4096},
        {"\"internet.mac\", \"unique\": true", 20000},
        {"\"commerce.sku\", \"unique\": true", 20000},
        {"\"commerce.credit_card\", \"unique\": true", 20000},
        {"\"commerce.iban\", \"country\": [\"DE\", \"FR\", \"BR\", \"GB\"], \"unique\": true",
         20000},
        {"\"ids.hashid\", \"length\": 4, \"alphabet\": \"0123456789\"", 10000},
        {"\"ids.nanoid\", \"size\": 12, \"unique\": true", 20000},
        {"\"ids.ulid\", \"unique\": true, \"step\": \"0s\"", 20000},
        {"\"text.words\", \"words\": [\"a\", \"b\", \"c\"], \"unique\": true", 3},
    };
    size_t k;

    for (k = 0; k < NELEM(cases); k++) {
        char json[512], buf[128];
        struct fx x;
        uint64_t r, n = cases[k].rows;
        char **all = malloc(n * sizeof *all);
        snprintf(json, sizeof json, ONE_FIELD("%s", 1), cases[k].spec);
        fx_open(&x, json);
        for (r = 0; r < n; r++) {
            fx_row(&x, r);
            all[r] = strdup(fx_text(&x, 0, buf, sizeof buf));
        }
        qsort(all, n, sizeof *all, cmp_str);
        for (r = 1; r < n; r++)
            cr_assert_str_neq(all[r], all[r - 1], "%s repeats %s", cases[k].spec, all[r]);
        for (r = 0; r < n; r++)
            free(all[r]);
        free(all);
        fx_close(&x);
    }
}

/* ------------------------------------------------------------------ cardinality and errors */

Test(cardinality, domains)
{
    struct {
        const char *spec;
        uint64_t lo, hi;
    } cases[] = {
        {"\"person.gender\"", 2, 2},
        {"\"address.country_code\", \"locale\": {\"de_DE\": 1, \"fr_FR\": 1}", 2, 2},
        {"\"internet.ipv4\", \"cidr\": \"10.0.0.0/24\"", 256, 256},
        {"\"commerce.category\"", 12, 12},
        {"\"person.first_name\", \"locale\": \"en_US\"", 300, 600},
        {"\"address.city\", \"locale\": \"de_DE\"", 50, 200},
        {"\"internet.email\"", 0, 0},
        {"\"ids.hashid\", \"length\": 3, \"alphabet\": \"abcd\"", 64, 64},
    };
    size_t k;

    for (k = 0; k < NELEM(cases); k++) {
        char json[512];
        struct fx x;
        uint64_t d;
        snprintf(json, sizeof json, ONE_FIELD("%s", 1), cases[k].spec);
        fx_open(&x, json);
        d = field_domain(x.e, &x.e->fields[0]);
        cr_assert(d >= cases[k].lo && d <= cases[k].hi, "%s: domain %" PRIu64, cases[k].spec, d);
        fx_close(&x);
    }
}

Test(errors, messages)
{
    struct {
        const char *spec, *want;
    } cases[] = {
        {"\"person.first_name\", \"unique\": true", "cannot be unique"},
        {"\"person.first_name\", \"locale\": \"de_AT\"", "unknown locale \"de_AT\" (did you mean \"de_DE\"?)"},
        {"\"person.first_name\", \"locale\": {\"en_US\": 0}", "add up to 0"},
        {"\"person.gender\", \"format\": \"letters\"", "did you mean \"letter\""},
        {"\"person.birth_date\", \"min_age\": 50, \"max_age\": 40", "max_age: must be between"},
        {"\"internet.ipv4\", \"cidr\": \"10.0.0.0/33\"", "expected an IPv4 block"},
        {"\"internet.ipv6\", \"cidr\": \"2001:db8:::/32\"", "expected an IPv6 block"},
        {"\"commerce.iban\", \"locale\": \"en_US\"", "no country of this field's locales uses IBANs"},
        {"\"commerce.credit_card\", \"brand\": \"visaa\"", "unknown card brand"},
        {"\"commerce.price\", \"min\": 5", "give both"},
        {"\"text.words\"", "missing required key \"words\""},
        {"\"text.sentence\", \"min\": 0", "must be between 1 and 200"},
        {"\"ids.nanoid\", \"size\": 5, \"unique\": true", "needs a size of at least"},
        {"\"from_file\", \"path\": \"/nonexistent/x.txt\"", "cannot read \"/nonexistent/x.txt\""},
        {"\"phone.number\", \"kind\": \"fax\"", "unknown kind \"fax\""},
        {"\"address.city\", \"colour\": 1", "unknown key \"colour\""},
    };
    size_t k;

    for (k = 0; k < NELEM(cases); k++) {
        char json[512];
        snprintf(json, sizeof json, ONE_FIELD("%s", 1), cases[k].spec);
        cr_assert_not_null(strstr(errors_of(json), cases[k].want), "%s: got %s", cases[k].spec,
                           errors_of(json));
    }
    cr_assert_not_null(strstr(errors_of("{\"locale\": \"xx_XX\", \"entities\": {\"t\": {\"count\": "
                                        "1, \"fields\": {\"a\": {\"type\": \"int\", \"min\": 1, "
                                        "\"max\": 2}}}}}"),
                              "bad.json:1:12: locale: unknown locale \"xx_XX\""));
    /* a unique field whose domain is smaller than the count */
    cr_assert_not_null(strstr(errors_of(ONE_FIELD("\"internet.ipv4\", \"cidr\": \"10.0.0.0/30\", "
                                                  "\"unique\": true", 10)),
                              "only 4 distinct values for 10 rows"));
}

/* ------------------------------------------------------------------ address and phone */

Test(address, formats_per_locale)
{
    struct {
        const char *loc, *kind, *pattern;
    } cases[] = {
        {"en_US", "address.street", "^[0-9]{1,4} [A-Za-z ]+ [A-Z][a-z]+$"},
        {"en_GB", "address.street", "^[0-9]{1,3} [A-Za-z' ]+$"},
        {"de_DE", "address.street", "^[^0-9]+ [0-9]{1,3}[abc]?$"},
        {"es_ES", "address.street", "^[^0-9]+, [0-9]{1,3}$"},
        {"ja_JP", "address.street", "^[^0-9]+[1-6]\xe4\xb8\x81\xe7\x9b\xae[0-9]{1,2}-[0-9]{1,2}$"},
        {"en_IN", "address.street", "^[0-9]{1,3}, .+$"},
        {"en_US", "address.region", "^[A-Z][a-z]+( [A-Za-z]+)*$"},
        {"en_US", "address.full", "^[0-9]+ .+, .+, [A-Z]{2} [0-9]{5}$"},
        {"de_DE", "address.full", "^.+ [0-9]+[abc]?, [0-9]{5} .+$"},
        {"pt_BR", "address.full", "^.+, [0-9]+, .+ - [A-Z]{2}, [0-9]{5}-[0-9]{3}$"},
        {"en_GB", "address.country_code", "^GB$"},
        {"ja_JP", "address.country", "^Japan$"},
        {"en_US", "phone.number", "^\\+1[2-9][0-9]{2}[2-9][0-9]{6}$"},
        {"en_GB", "phone.number", "^\\+44[127][0-9]{8,9}$"},
        {"de_DE", "phone.number", "^\\+49[1-9][0-9]{9,10}$"},
        {"fr_FR", "phone.number", "^\\+33[1-7][0-9]{8}$"},
        {"es_ES", "phone.number", "^\\+34[6-9][0-9]{8}$"},
        {"pt_BR", "phone.number", "^\\+55[1-9][0-9](9[6-9][0-9]{7}|[2-5][0-9]{7})$"},
        {"ja_JP", "phone.number", "^\\+81([1-9][0-9]{8}|[789]0[0-9]{8})$"},
        {"en_IN", "phone.number", "^\\+91[1-9][0-9]{9}$"},
        {"en_US", "phone.number\", \"format\": \"national", "^\\([2-9][0-9]{2}\\) [2-9][0-9]{2}-[0-9]{4}$"},
        {"en_GB", "phone.number\", \"format\": \"national", "^0[0-9]{2,4} [0-9]{3,6}( [0-9]{4})?$"},
        {"fr_FR", "phone.number\", \"format\": \"national", "^0[1-7]( [0-9]{2}){4}$"},
        {"pt_BR", "phone.number\", \"format\": \"national", "^\\([1-9][0-9]\\) [2-9][0-9]{3,4}-[0-9]{4}$"},
        {"ja_JP", "phone.number\", \"format\": \"national", "^0[0-9]{1,3}-[0-9]{2,4}-[0-9]{4}$"},
        {"de_DE", "phone.number\", \"format\": \"international", "^\\+49 [1-9][0-9]{1,3} [0-9]{6,8}$"},
    };
    char json[512], buf[256];
    size_t k;
    uint64_t r;

    for (k = 0; k < NELEM(cases); k++) {
        struct fx x;
        regex_t *rx = re(cases[k].pattern);
        snprintf(json, sizeof json, ONE_FIELD("\"%s\", \"locale\": \"%s\"", 1), cases[k].kind,
                 cases[k].loc);
        fx_open(&x, json);
        for (r = 0; r < 3000; r++) {
            fx_row(&x, r);
            assert_match(rx, fx_text(&x, 0, buf, sizeof buf), cases[k].kind);
        }
        re_free(rx);
        fx_close(&x);
    }
}

/* A landline's area code is the row's city's. */
Test(address, phone_area_matches_city)
{
    struct fx x;
    char ph[64], city[64];
    uint64_t r;

    fx_open(&x, "{\"seed\": 8, \"locale\": \"en_US\", \"entities\": {\"t\": {\"count\": 1, "
                "\"fields\": {\"p\": {\"type\": \"phone.number\"}, \"c\": {\"type\": "
                "\"address.city\"}}}}}");
    for (r = 0; r < 3000; r++) {
        const struct fdata_locale *L = &fdata_locales[LOC_EN_US];
        uint32_t i;
        fx_row(&x, r);
        fx_text(&x, 0, ph, sizeof ph);
        fx_text(&x, 1, city, sizeof city);
        for (i = 0; i < L->city_pick.n; i++)
            if (strcmp(L->cities[i].name, city) == 0)
                break;
        cr_assert_eq(strncmp(ph + 2, L->cities[i].phone_area, 3), 0, "%s in %s", ph, city);
    }
    fx_close(&x);
}

/* ------------------------------------------------------------------ internet */

Test(internet, addresses)
{
    struct fx x;
    char buf[128];
    regex_t *v4 = re("^([0-9]{1,3}\\.){3}[0-9]{1,3}$");
    regex_t *mac = re("^([0-9a-f]{2}:){5}[0-9a-f]{2}$");
    regex_t *url = re("^https://(www\\.)?[a-z0-9-]+\\.[a-z.]+/([a-z]+/[a-z]+-[a-z]+)?$");
    uint64_t r;
    int ipub, icidr, i6, im, iu, is, imeth;

    fx_open(&x, "{\"seed\": 12, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"pub\": {\"type\": \"internet.ipv4\"}, \"net\": {\"type\": \"internet.ipv4\", "
                "\"cidr\": \"172.16.0.0/12\"}, \"v6\": {\"type\": \"internet.ipv6\", \"cidr\": "
                "\"2001:db8:abcd::/48\"}, \"mac\": {\"type\": \"internet.mac\"}, \"url\": "
                "{\"type\": \"internet.url\"}, \"st\": {\"type\": \"internet.http_status\"}, "
                "\"m\": {\"type\": \"internet.http_method\"}}}}}");
    ipub = fx_col(&x, "pub");
    icidr = fx_col(&x, "net");
    i6 = fx_col(&x, "v6");
    im = fx_col(&x, "mac");
    iu = fx_col(&x, "url");
    is = fx_col(&x, "st");
    imeth = fx_col(&x, "m");
    for (r = 0; r < 20000; r++) {
        struct in_addr a4;
        struct in6_addr a6;
        unsigned first;
        fx_row(&x, r);
        fx_text(&x, ipub, buf, sizeof buf);
        assert_match(v4, buf, "ipv4");
        cr_assert_eq(inet_pton(AF_INET, buf, &a4), 1, "%s", buf);
        first = ntohl(a4.s_addr) >> 24;
        cr_assert(first != 0 && first != 10 && first != 127 && first < 224 && first != 192 &&
                      first != 172,
                  "%s is not public-looking", buf);
        cr_assert_eq(inet_pton(AF_INET, fx_text(&x, icidr, buf, sizeof buf), &a4), 1);
        cr_assert_eq(ntohl(a4.s_addr) & 0xfff00000u, 0xac100000u, "%s outside 172.16/12", buf);
        cr_assert_eq(inet_pton(AF_INET6, fx_text(&x, i6, buf, sizeof buf), &a6), 1, "%s", buf);
        cr_assert(a6.s6_addr[0] == 0x20 && a6.s6_addr[1] == 0x01 && a6.s6_addr[2] == 0x0d &&
                      a6.s6_addr[3] == 0xb8 && a6.s6_addr[4] == 0xab && a6.s6_addr[5] == 0xcd,
                  "%s outside 2001:db8:abcd::/48", buf);
        {
            char canon[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &a6, canon, sizeof canon); /* glibc writes RFC 5952 text */
            cr_assert_str_eq(buf, canon);
        }
        fx_text(&x, im, buf, sizeof buf);
        assert_match(mac, buf, "mac");
        cr_assert_eq(strtoul(buf, NULL, 16) & 3, 0, "%s: not unicast, globally administered", buf);
        assert_match(url, fx_text(&x, iu, buf, sizeof buf), "url");
        cr_assert(x.vals[is].type == FV_INT && x.vals[is].v.i >= 200 && x.vals[is].v.i < 600);
        cr_assert_not_null(strstr(" GET POST PUT DELETE PATCH HEAD OPTIONS ",
                                  fx_text(&x, imeth, buf, sizeof buf)));
    }
    re_free(v4);
    re_free(mac);
    re_free(url);
    fx_close(&x);
}

/* ------------------------------------------------------------------ commerce */

static int luhn_ok(const char *d)
{
    int sum = 0, dbl = 0, n = (int)strlen(d), i;

    for (i = n - 1; i >= 0; i--, dbl = !dbl) {
        int v = d[i] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    return sum % 10 == 0;
}

static int iban_ok(const char *s)
{
    char t[64];
    unsigned m = 0;
    size_t i, n = 0;

    for (i = 0; s[i]; i++)
        if (s[i] != ' ')
            t[n++] = s[i];
    t[n] = '\0';
    for (i = 0; i < n; i++) { /* moved: the first four characters go to the end */
        char ch = t[(i + 4) % n];
        m = ch >= 'A' ? (m * 100 + (unsigned)(ch - 'A' + 10)) % 97 : (m * 10 + (unsigned)(ch - '0')) % 97;
    }
    return m == 1;
}

/* France's RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97 (letters as digits). */
static int rib_ok(const char *iban)
{
    static const char map[] = "12345678912345678923456789";
    char t[32];
    long long bank, branch, acct, key;
    int i;

    for (i = 0; i < 23; i++)
        t[i] = iban[4 + i] >= 'A' ? map[iban[4 + i] - 'A'] : iban[4 + i];
    t[23] = '\0';
    key = atoll(t + 21);
    t[21] = '\0';
    acct = atoll(t + 10);
    t[10] = '\0';
    branch = atoll(t + 5);
    t[5] = '\0';
    bank = atoll(t);
    return key == 97 - (89 * bank + 15 * branch + 3 * acct) % 97;
}

static int es_dc_ok(const char *iban)
{
    static const int w[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
    const char *b = iban + 4;
    int s1 = 0, s2 = 0, i, d1, d2;

    for (i = 0; i < 8; i++)
        s1 += (b[i] - '0') * w[i + 2];
    for (i = 0; i < 10; i++)
        s2 += (b[10 + i] - '0') * w[i];
    d1 = 11 - s1 % 11;
    d2 = 11 - s2 % 11;
    d1 = d1 == 11 ? 0 : d1 == 10 ? 1 : d1;
    d2 = d2 == 11 ? 0 : d2 == 10 ? 1 : d2;
    return b[8] - '0' == d1 && b[9] - '0' == d2;
}

Test(commerce, cards_pass_luhn_on_test_prefixes)
{
    static const char *const prefixes[] = {"411111", "424242", "401288", "400005", "555555",
                                           "510510", "222300", "520082", "378282", "371449",
                                           "378734", "601111", "601100", "353011", "356600",
                                           "305693", "385200", "362272"};
    struct fx x;
    char num[64], brand[64], exp[16];
    regex_t *rx = re("^(0[1-9]|1[0-2])/(2[6-9]|30)$");
    uint64_t r;
    size_t k;

    fx_open(&x, "{\"seed\": 6, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"n\": {\"type\": \"commerce.credit_card\"}, \"b\": {\"type\": "
                "\"commerce.card_brand\"}, \"e\": {\"type\": \"commerce.card_expiry\"}}}}}");
    for (r = 0; r < 20000; r++) {
        size_t len;
        int known = 0;
        fx_row(&x, r);
        fx_text(&x, 0, num, sizeof num);
        fx_text(&x, 1, brand, sizeof brand);
        len = strlen(num);
        cr_assert(luhn_ok(num), "%s fails Luhn", num);
        for (k = 0; k < NELEM(prefixes); k++)
            known |= strncmp(num, prefixes[k], 6) == 0;
        cr_assert(known, "%s: not a documented test prefix", num);
        cr_assert_eq(len, strcmp(brand, "American Express") == 0 ? 15u
                          : strcmp(brand, "Diners Club") == 0    ? 14u
                                                                 : 16u,
                     "%s %s", brand, num);
        cr_assert_eq(num[0] == '4', strcmp(brand, "Visa") == 0, "%s %s", brand, num);
        assert_match(rx, fx_text(&x, 2, exp, sizeof exp), "expiry");
    }
    re_free(rx);
    fx_close(&x);
}

Test(commerce, ibans_have_valid_check_digits)
{
    static const struct {
        const char *cc;
        size_t len;
    } lens[] = {{"DE", 22}, {"FR", 27}, {"ES", 24}, {"GB", 22}, {"BR", 29}, {"NL", 18},
                {"IT", 27}, {"PL", 28}, {"PT", 25}, {"BE", 16}, {"CH", 21}, {"NO", 15}};
    struct fx x, mix;
    char buf[64], cc[8];
    uint64_t r;
    size_t k;

    fx_open(&x, ONE_FIELD("\"commerce.iban\", \"country\": [\"DE\", \"FR\", \"ES\", \"GB\", \"BR\", "
                          "\"NL\", \"IT\", \"PL\", \"PT\", \"BE\", \"CH\", \"NO\"]",
                          1));
    for (r = 0; r < 30000; r++) {
        fx_row(&x, r);
        fx_text(&x, 0, buf, sizeof buf);
        cr_assert(iban_ok(buf), "%s: bad mod 97", buf);
        for (k = 0; k < NELEM(lens); k++)
            if (strncmp(buf, lens[k].cc, 2) == 0)
                cr_assert_eq(strlen(buf), lens[k].len, "%s", buf);
        if (strncmp(buf, "FR", 2) == 0)
            cr_assert(rib_ok(buf), "%s: bad RIB key", buf);
        if (strncmp(buf, "ES", 2) == 0)
            cr_assert(es_dc_ok(buf), "%s: bad control digits", buf);
    }
    fx_close(&x);
    /* without "country": the row's own country when it has IBANs */
    fx_open(&mix, "{\"seed\": 6, \"locale\": {\"de_DE\": 1, \"fr_FR\": 1, \"en_US\": 1}, "
                  "\"entities\": {\"t\": {\"count\": 1, \"fields\": {\"i\": {\"type\": "
                  "\"commerce.iban\", \"format\": \"spaced\"}, \"c\": {\"type\": "
                  "\"address.country_code\"}}}}}");
    for (r = 0; r < 3000; r++) {
        fx_row(&mix, r);
        fx_text(&mix, 0, buf, sizeof buf);
        fx_text(&mix, 1, cc, sizeof cc);
        cr_assert(iban_ok(buf), "%s", buf);
        cr_assert_eq(buf[4], ' ');
        if (strcmp(cc, "US") != 0)
            cr_assert_eq(strncmp(buf, cc, 2), 0, "%s for a row in %s", buf, cc);
    }
    fx_close(&mix);
}

Test(commerce, products_and_prices)
{
    struct fx x;
    char buf[128];
    regex_t *sku = re("^[A-Z]{3}-[0-9]{6}$");
    uint64_t r, n = 20000, endings99 = 0;
    int ip, ic, is, ir, icur, ib;

    fx_open(&x, "{\"seed\": 13, \"locale\": {\"en_GB\": 1, \"ja_JP\": 1}, \"entities\": {\"t\": "
                "{\"count\": 1, \"fields\": {\"name\": {\"type\": \"commerce.product_name\"}, "
                "\"cat\": {\"type\": \"commerce.category\"}, \"sku\": {\"type\": "
                "\"commerce.sku\"}, \"price\": {\"type\": \"commerce.price\"}, \"bounded\": "
                "{\"type\": \"commerce.price\", \"min\": 10, \"max\": 20}, \"cur\": {\"type\": "
                "\"commerce.currency\"}, \"cc\": {\"type\": \"address.country_code\"}}}}}");
    ip = fx_col(&x, "price");
    ic = fx_col(&x, "cat");
    is = fx_col(&x, "sku");
    ir = fx_col(&x, "bounded");
    icur = fx_col(&x, "cur");
    ib = fx_col(&x, "cc");
    cr_assert_eq(x.e->cols[ip].type, FV_DECIMAL);
    cr_assert_eq(x.e->cols[ip].scale, 2);
    for (r = 0; r < n; r++) {
        char cat[64], cc[8];
        fx_row(&x, r);
        fx_text(&x, ic, cat, sizeof cat);
        fx_text(&x, is, buf, sizeof buf);
        assert_match(sku, buf, "sku");
        cr_assert_eq(strncasecmp(buf, cat, 3), 0, "%s for %s", buf, cat);
        endings99 += x.vals[ip].v.i % 100 == 99;
        cr_assert(x.vals[ip].v.i >= 100, "price %" PRId64 " cents", x.vals[ip].v.i);
        cr_assert(x.vals[ir].v.i >= 1000 && x.vals[ir].v.i <= 2000);
        fx_text(&x, ib, cc, sizeof cc);
        cr_assert_str_eq(fx_text(&x, icur, buf, sizeof buf), strcmp(cc, "GB") == 0 ? "GBP" : "JPY");
    }
    cr_assert(endings99 > n * 35 / 100 && endings99 < n * 50 / 100, ".99 endings: %" PRIu64,
              endings99);
    re_free(sku);
    fx_close(&x);
}

/* ------------------------------------------------------------------ text and ids */

Test(text, sentences_and_words)
{
    struct fx x;
    char buf[4096];
    regex_t *sent = re("^[A-Z][a-z]*( [a-z]+)*\\.$");
    regex_t *para = re("^[A-Z][a-z]*( [a-z]+)*\\.( [A-Z][a-z]*( [a-z]+)*\\.)+$");
    regex_t *words = re("^(red|green|blue)(;(red|green|blue)){1,2}$");
    uint64_t r, blue = 0;

    fx_open(&x, "{\"seed\": 14, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"s\": {\"type\": \"text.sentence\", \"min\": 3, \"max\": 5}, \"p\": {\"type\": "
                "\"text.paragraph\"}, \"w\": {\"type\": \"text.words\", \"words\": [\"red\", "
                "\"green\", \"blue\"], \"weights\": [1, 1, 8], \"min\": 2, \"max\": 3, "
                "\"separator\": \";\"}, \"one\": {\"type\": \"text.word\"}}}}}");
    for (r = 0; r < 5000; r++) {
        int spaces = 0;
        const char *q;
        fx_row(&x, r);
        fx_text(&x, 0, buf, sizeof buf);
        assert_match(sent, buf, "sentence");
        for (q = buf; *q; q++)
            spaces += *q == ' ';
        cr_assert(spaces >= 2 && spaces <= 4, "%s", buf);
        assert_match(para, fx_text(&x, 1, buf, sizeof buf), "paragraph");
        assert_match(words, fx_text(&x, 2, buf, sizeof buf), "words");
        blue += strncmp(buf, "blue", 4) == 0;
        cr_assert_not_null(slug_in(&fdata_lorem, fx_text(&x, 3, buf, sizeof buf)));
    }
    cr_assert(blue > 3500 && blue < 4500, "weighted words: blue first %" PRIu64 " of 5000", blue);
    re_free(sent);
    re_free(para);
    re_free(words);
    fx_close(&x);
}

static uint64_t crockford_ms(const char *s)
{
    static const char alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    uint64_t v = 0;
    int i;

    for (i = 0; i < 10; i++)
        v = v * 32 + (uint64_t)(strchr(alpha, s[i]) - alpha);
    return v;
}

Test(ids, formats)
{
    struct fx x;
    char buf[128];
    regex_t *ulid = re("^[0-7][0-9A-HJKMNP-TV-Z]{25}$");
    regex_t *hash = re("^[0-9A-Za-z]{10}$");
    regex_t *nano = re("^[A-Za-z0-9_-]{21}$");
    uint64_t r;

    fx_open(&x, "{\"seed\": 15, \"entities\": {\"t\": {\"count\": 1, \"fields\": {"
                "\"u\": {\"type\": \"ids.ulid\", \"time_field\": \"at\"}, \"at\": {\"type\": "
                "\"timestamp\", \"min\": \"2024-01-01\", \"max\": \"2025-01-01\", \"precision\": "
                "\"ms\"}, \"h\": {\"type\": \"ids.hashid\"}, \"n\": {\"type\": \"ids.nanoid\"}}}}}");
    for (r = 0; r < 5000; r++) {
        fx_row(&x, r);
        fx_text(&x, 0, buf, sizeof buf);
        assert_match(ulid, buf, "ulid");
        cr_assert_eq(crockford_ms(buf), (uint64_t)x.vals[1].v.i / 1000, "%s", buf);
        assert_match(hash, fx_text(&x, 2, buf, sizeof buf), "hashid");
        assert_match(nano, fx_text(&x, 3, buf, sizeof buf), "nanoid");
    }
    re_free(ulid);
    re_free(hash);
    re_free(nano);
    fx_close(&x);
}

/* ------------------------------------------------------------------ from_file */

Test(from_file, csv_weights_and_unique)
{
    char dir[] = "/tmp/fount-ext.XXXXXX", path[256], json[1024], buf[64];
    FILE *fp;
    struct fx x;
    uint64_t r, n = 20000, big = 0;
    char *seen[4] = {0};
    int i, k;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/v.csv", dir);
    fp = fopen(path, "w");
    fputs("\xef\xbb\xbfname,w\r\nsmall,1\r\n\"big, quoted\",9\r\n", fp);
    fclose(fp);
    snprintf(json, sizeof json, ONE_FIELD("\"from_file\", \"path\": \"%s\", \"column\": \"name\", "
                                          "\"weight_column\": \"w\"", 1), path);
    fx_open(&x, json);
    cr_assert_eq(field_domain(x.e, &x.e->fields[0]), 2);
    for (r = 0; r < n; r++) {
        fx_row(&x, r);
        big += strcmp(fx_text(&x, 0, buf, sizeof buf), "big, quoted") == 0;
    }
    cr_assert(big > n * 87 / 100 && big < n * 93 / 100, "weights: big %" PRIu64, big);
    fx_close(&x);
    /* a text file, unique: each line once */
    snprintf(path, sizeof path, "%s/v.txt", dir);
    fp = fopen(path, "w");
    fputs("alpha\nbeta\n\ngamma\ndelta\n", fp);
    fclose(fp);
    snprintf(json, sizeof json, ONE_FIELD("\"from_file\", \"path\": \"%s\", \"unique\": true", 4),
             path);
    fx_open(&x, json);
    for (r = 0; r < 4; r++) {
        fx_row(&x, r);
        seen[r] = strdup(fx_text(&x, 0, buf, sizeof buf));
        for (k = 0; k < (int)r; k++)
            cr_assert_str_neq(seen[k], seen[r]);
    }
    for (i = 0; i < 4; i++)
        free(seen[i]);
    fx_close(&x);
    snprintf(json, sizeof json, ONE_FIELD("\"from_file\", \"path\": \"%s\", \"unique\": true", 5),
             path);
    cr_assert_not_null(strstr(errors_of(json), "only 4 distinct values for 5 rows"));
    snprintf(json, sizeof json, ONE_FIELD("\"from_file\", \"path\": \"%s/v.csv\", \"column\": "
                                          "\"nope\"", 1), dir);
    cr_assert_not_null(strstr(errors_of(json), "has no column \"nope\""));
    unlink(path);
    snprintf(path, sizeof path, "%s/v.csv", dir);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------------------ determinism */

Test(determinism, seed_and_reseed)
{
    struct fx a, b;
    char x1[256], x2[256];
    uint64_t r;
    int same = 0;
    const char *json = "{\"seed\": 21, \"locale\": {\"en_US\": 1, \"de_DE\": 1}, \"entities\": "
                       "{\"t\": {\"count\": 1, \"fields\": {\"e\": {\"type\": \"internet.email\", "
                       "\"unique\": true}, \"a\": {\"type\": \"address.full\"}}}}}";

    fx_open(&a, json);
    fx_open(&b, json);
    for (r = 0; r < 2000; r++) {
        fx_row(&a, r);
        fx_row(&b, r);
        cr_assert_str_eq(fx_text(&a, 0, x1, sizeof x1), fx_text(&b, 0, x2, sizeof x2));
        cr_assert_str_eq(fx_text(&a, 1, x1, sizeof x1), fx_text(&b, 1, x2, sizeof x2));
    }
    plan_set_seed(b.p, 22); /* --seed: every key changes */
    for (r = 0; r < 2000; r++) {
        fx_row(&a, r);
        fx_row(&b, r);
        same += strcmp(fx_text(&a, 1, x1, sizeof x1), fx_text(&b, 1, x2, sizeof x2)) == 0;
    }
    cr_assert_lt(same, 200, "%d of 2000 addresses survive a new seed", same);
    fx_close(&a);
    fx_close(&b);
}
