/* locale.c: the locales of the value library: per-country facts that are not word lists, locale
 * mixes ("de_DE" or {"en_US": 0.7, "de_DE": 0.3}) and the row's draw from a mix, and the age
 * distributions behind birth dates.
 * Leaves out: word lists (generator/data/), anything that formats values. */
#include "ext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Age bands are rough shapes of each country's population pyramid (shares per 5-year band, after
 * the UN World Population Prospects; approximate, see docs/data-sources.md). */
const struct ext_locinfo ext_locinfo[FDATA_NLOCALES] = {
    {"en_US", "US", "USA", "United States", "United States", "USD", "com", "1", 3, 1,
     18.9, 71.4, -179.2, -66.9, 0.508, 0.70,
     {6.0, 6.2, 6.5, 6.5, 6.6, 7.0, 7.0, 6.6, 6.3, 6.1, 6.3, 6.5, 6.2, 5.4, 4.4, 3.1, 2.0, 1.2, 0.6,
      0.2},
     {0.10, 0.30, 0.35, 0.25}},
    {"en_GB", "GB", "GBR", "United Kingdom", "United Kingdom", "GBP", "co.uk", "44", 5, 2,
     49.8, 60.9, -8.7, 1.8, 0.506, 0.60,
     {5.8, 6.2, 6.0, 5.6, 6.0, 6.7, 6.8, 6.6, 6.3, 6.6, 7.0, 6.8, 6.0, 5.2, 5.2, 3.9, 2.8, 1.7, 0.8,
      0.3},
     {0.45, 0.45, 0.10, 0}},
    {"de_DE", "DE", "DEU", "Germany", "Deutschland", "EUR", "de", "49", 2, 2,
     47.2, 55.1, 5.8, 15.1, 0.507, 0.60,
     {4.8, 4.6, 4.6, 4.9, 5.5, 6.3, 6.6, 6.3, 5.8, 6.1, 7.8, 8.3, 7.2, 6.1, 5.1, 4.9, 3.6, 2.2, 1.0,
      0.3},
     {0.50, 0.45, 0.05, 0}},
    {"fr_FR", "FR", "FRA", "France", "France", "EUR", "fr", "33", 2, 2,
     41.3, 51.1, -5.2, 9.6, 0.516, 0.60,
     {5.5, 6.0, 6.2, 6.1, 5.6, 5.6, 6.0, 6.3, 6.1, 6.6, 6.6, 6.6, 6.4, 6.0, 5.8, 4.2, 3.0, 2.2, 1.2,
      0.4},
     {0.50, 0.42, 0.08, 0}},
    {"es_ES", "ES", "ESP", "Spain", "Espa\xc3\xb1" "a", "EUR", "es", "34", 2, 2,
     27.6, 43.8, -18.2, 4.4, 0.510, 0.65,
     {4.3, 4.9, 5.4, 5.2, 5.0, 5.1, 5.6, 6.6, 8.0, 8.4, 8.0, 7.5, 6.6, 5.6, 4.9, 4.3, 3.4, 2.3, 1.2,
      0.4},
     {0.50, 0.45, 0.05, 0}},
    {"pt_BR", "BR", "BRA", "Brazil", "Brasil", "BRL", "com.br", "55", 6, 2,
     -33.8, 5.3, -74.0, -34.7, 0.510, 0.75,
     {6.8, 7.0, 7.3, 7.7, 8.1, 8.2, 8.0, 7.8, 7.2, 6.4, 6.0, 5.5, 4.7, 3.7, 2.8, 1.9, 1.2, 0.7, 0.3,
      0.1},
     {0.10, 0.35, 0.40, 0.15}},
    {"ja_JP", "JP", "JPN", "Japan", "\xe6\x97\xa5\xe6\x9c\xac", "JPY", "co.jp", "81", 5, 2,
     24.0, 45.6, 122.9, 154.0, 0.514, 0.60,
     {3.6, 4.0, 4.2, 4.3, 4.6, 4.7, 4.8, 5.2, 5.9, 7.0, 7.5, 6.6, 6.0, 6.2, 7.6, 6.6, 5.4, 3.8, 2.1,
      0.7},
     {1, 0, 0, 0}},
    {"en_IN", "IN", "IND", "India", "\xe0\xa4\xad\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa4\xa4", "INR", "in",
     "91", 2, 2, 6.5, 35.7, 68.1, 97.4, 0.485, 0.90,
     {8.0, 8.5, 9.0, 9.2, 9.0, 8.8, 8.3, 7.7, 7.0, 6.4, 5.8, 5.0, 4.1, 3.3, 2.5, 1.6, 1.0, 0.5, 0.2,
      0.1},
     {0.40, 0.45, 0.15, 0}},
};

const struct ext_locale ext_locale_default = {1, {LOC_EN_US}, {1.0}, {{UINT32_MAX, 0}}};

static void alias_build(struct fdata_cell *cell, const double *w, int n);

/* Accepts "de_DE", "de-DE" and "in_IN" (the name for Indian English). */
static int locale_index(const char *name)
{
    char norm[16];
    size_t i, n = strlen(name);

    if (n >= sizeof norm)
        return -1;
    for (i = 0; i <= n; i++)
        norm[i] = name[i] == '-' ? '_' : name[i];
    if (strcmp(norm, "in_IN") == 0)
        return LOC_EN_IN;
    for (i = 0; i < FDATA_NLOCALES; i++)
        if (strcmp(norm, ext_locinfo[i].name) == 0)
            return (int)i;
    return -1;
}

static void report_unknown(struct pctx *c, const char *path, const char *name, int at_key)
{
    const char *names[FDATA_NLOCALES], *s;
    size_t i;

    for (i = 0; i < FDATA_NLOCALES; i++)
        names[i] = ext_locinfo[i].name;
    s = psuggest(name, names, FDATA_NLOCALES);
    if (s)
        (at_key ? perr : perr_val)(c, path, "unknown locale \"%s\" (did you mean \"%s\"?)", name, s);
    else
        (at_key ? perr : perr_val)(c, path, "unknown locale \"%s\" (expected one of en_US, en_GB, "
                                            "de_DE, fr_FR, es_ES, pt_BR, ja_JP, en_IN)", name);
}

int ext_locale_parse(struct pctx *c, const cJSON *node, const char *path, struct ext_locale *m)
{
    const cJSON *it;
    double w[EXT_MAX_MIX], total = 0;
    char p[PATH_MAX_LEN];
    size_t i;

    memset(m, 0, sizeof *m);
    if (cJSON_IsString(node)) {
        int k = locale_index(node->valuestring);
        if (k < 0) {
            report_unknown(c, path, node->valuestring, 0);
            return -1;
        }
        m->n = 1;
        m->loc[0] = k;
        m->w[0] = 1;
        m->cell[0].prob = UINT32_MAX;
        return 0;
    }
    if (!cJSON_IsObject(node) || !node->child) {
        perr_val(c, path, "expected a locale name such as \"de_DE\" or an object of weights such "
                          "as {\"en_US\": 0.7, \"de_DE\": 0.3}, got %s", ptype_name(node));
        return -1;
    }
    cJSON_ArrayForEach(it, node)
    {
        int k = locale_index(it->string);
        pjoin(p, path, it->string);
        if (k < 0) {
            report_unknown(c, p, it->string, 1);
            return -1;
        }
        for (i = 0; i < m->n; i++)
            if (m->loc[i] == k) {
                perr(c, p, "locale %s is listed twice", ext_locinfo[k].name);
                return -1;
            }
        if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0) || isinf(it->valuedouble)) {
            perr_val(c, p, "expected a weight (a number >= 0), got %s", ptype_name(it));
            return -1;
        }
        m->loc[m->n] = k;
        w[m->n++] = it->valuedouble;
        total += it->valuedouble;
    }
    if (!(total > 0)) {
        perr_val(c, path, "the weights add up to 0: give at least one locale a positive weight");
        return -1;
    }
    for (i = 0; i < m->n; i++)
        m->w[i] = w[i] / total;
    alias_build(m->cell, m->w, (int)m->n);
    return 0;
}

unsigned ext_mix_mask(const struct ext_field *x)
{
    unsigned mask = 0;
    size_t i;

    for (i = 0; i < x->mix->n; i++)
        if (x->mix->w[i] > 0)
            mask |= 1u << x->mix->loc[i];
    return mask;
}

/* Vose's alias method over n weights into cells (as scripts/gen-data.py builds the word lists). */
static void alias_build(struct fdata_cell *cell, const double *w, int n)
{
    uint64_t q[EXT_MAX_AGE + 1], scale = 1ULL << 32;
    int small[EXT_MAX_AGE + 1], large[EXT_MAX_AGE + 1], ns = 0, nl = 0, i;
    double total = 0;

    for (i = 0; i < n; i++)
        total += w[i];
    for (i = 0; i < n; i++) {
        q[i] = (uint64_t)(w[i] * n * 4294967296.0 / total);
        cell[i].alias = (uint32_t)i;
        if (q[i] < scale)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns && nl) {
        int sm = small[--ns], lg = large[nl - 1];
        cell[sm].prob = (uint32_t)q[sm];
        cell[sm].alias = (uint32_t)lg;
        q[lg] -= scale - q[sm];
        if (q[lg] < scale) {
            nl--;
            small[ns++] = lg;
        }
    }
    while (nl)
        cell[large[--nl]].prob = UINT32_MAX;
    while (ns)
        cell[small[--ns]].prob = UINT32_MAX;
}

void ext_age_table(struct ext_field *x, int min_age, int max_age)
{
    double w[EXT_MAX_AGE + 1];
    int64_t y;
    unsigned m, d;
    int loc, a, n = max_age - min_age + 1;

    x->age_min = min_age;
    x->age_max = max_age;
    free(x->ages);
    free(x->birth);
    x->ages = xcalloc((size_t)FDATA_NLOCALES * (EXT_MAX_AGE + 1), sizeof *x->ages);
    x->birth = xcalloc(3 * (EXT_MAX_AGE + 1), sizeof *x->birth);
    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const double *band = ext_locinfo[loc].age_band;
        for (a = min_age; a <= max_age; a++)
            w[a - min_age] = a < 100 ? band[a / 5] : band[19] * 0.1;
        alias_build(x->ages + (size_t)loc * (EXT_MAX_AGE + 1), w, n);
    }
    /* Born in (as_of - (age+1) years, as_of - age years]: exactly `age` years old at as_of. */
    civil_from_days(x->asof, &y, &m, &d);
    x->asof_year = y;
    for (a = min_age; a <= max_age; a++) {
        int64_t lo = days_from_civil(y - a - 1, m, d) + 1, hi = days_from_civil(y - a, m, d);
        x->birth[a] = (int32_t)lo;
        x->birth[EXT_MAX_AGE + 1 + a] = (int32_t)(hi - lo + 1);
        x->birth[2 * (EXT_MAX_AGE + 1) + a] = (int32_t)days_from_civil(y - a, 1, 1);
    }
}

int ext_age_pick(const struct ext_field *x, int loc, uint64_t z)
{
    struct fdata_alias t;

    t.n = (uint32_t)(x->age_max - x->age_min + 1);
    t.cell = x->ages + (size_t)loc * (EXT_MAX_AGE + 1);
    return x->age_min + (int)ext_pick_z(&t, z);
}
