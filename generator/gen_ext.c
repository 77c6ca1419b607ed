/* gen_ext.c: the value library's registry (gen_ext.h): the generator names a profile may use
 * ("person.first_name", "address.city", ...), the keys each accepts, the parsing they share
 * (locale, group, unique), and the dispatch to the families in generator/ext/.
 * Leaves out: the generators themselves (generator/ext/) and their word lists (generator/data/). */
#include "gen_ext.h"

#include <stdio.h>
#include <stdlib.h>

#include "ext/ext.h"
#include "profile_priv.h"

/* Each family's parser and evaluator, by enum ext_family. */
static const struct {
    int (*parse)(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                 const cJSON *spec, const char *path);
    void (*eval)(const struct field *f, const struct ext_field *x, uint64_t row,
                 const struct fount_value *vals, struct fount_value *out, struct arena *a,
                 struct ext_rowcache *rc);
} families[] = {
    [FAM_PERSON] = {ext_person_parse, ext_person_eval},
    [FAM_INTERNET] = {ext_internet_parse, ext_internet_eval},
    [FAM_ADDRESS] = {ext_address_parse, ext_address_eval},
    [FAM_PHONE] = {ext_phone_parse, ext_phone_eval},
    [FAM_COMPANY] = {ext_company_parse, ext_company_eval},
    [FAM_COMMERCE] = {ext_commerce_parse, ext_commerce_eval},
    [FAM_TEXT] = {ext_text_parse, ext_text_eval},
    [FAM_IDS] = {ext_ids_parse, ext_ids_eval},
    [FAM_FILE] = {ext_from_file_parse, ext_from_file_eval},
};

static int ext_parse(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                     const char *path);

struct ext_def {
    struct gen_def def; /* first: gen_ext_find hands out &def */
    enum ext_kind kind;
    enum ext_family family;
    int unique_ok;
};

#define D(name, kind, fam, uq, desc, ...) \
    {{name, GEN_EXT, {__VA_ARGS__, NULL}, ext_parse, desc}, kind, fam, uq}
#define D0(name, kind, fam, uq, desc) {{name, GEN_EXT, {NULL}, ext_parse, desc}, kind, fam, uq}
#define LG "locale", "group"

static const struct ext_def ext_defs[] = {
    /* person */
    D("person.first_name", EXT_FIRST_NAME, FAM_PERSON, 0,
      "a first name by the locale's name frequencies, matching the row's gender", LG),
    D("person.last_name", EXT_LAST_NAME, FAM_PERSON, 0,
      "a surname by the locale's frequencies (two surnames in es_ES)", LG),
    D("person.full_name", EXT_FULL_NAME, FAM_PERSON, 0,
      "first and last name in the locale's order", LG),
    D("person.gender", EXT_GENDER, FAM_PERSON, 0, "\"female\" or \"male\" (format: word, letter)",
      LG, "format"),
    D("person.birth_date", EXT_BIRTH_DATE, FAM_PERSON, 0,
      "a birth date by the country's age distribution", LG, "min_age", "max_age", "as_of"),
    D("person.username", EXT_USERNAME, FAM_PERSON, 1,
      "a user name derived from the row's name (unique: a number carries the row)", LG),
    /* internet */
    D("internet.email", EXT_EMAIL, FAM_PERSON, 1,
      "an e-mail address derived from the row's name, at a free-mail or the row's company domain",
      LG, "domains", "company_rate"),
    D("internet.domain", EXT_DOMAIN, FAM_INTERNET, 0, "the web domain of the row's company", LG),
    D("internet.url", EXT_URL, FAM_INTERNET, 0, "an https URL on the row's company domain", LG),
    D("internet.ipv4", EXT_IPV4, FAM_INTERNET, 1,
      "an IPv4 address: public-looking, or inside \"cidr\"", "cidr"),
    D("internet.ipv6", EXT_IPV6, FAM_INTERNET, 1,
      "an IPv6 address in 2000::/3 or inside \"cidr\" (RFC 5952 text)", "cidr"),
    D("internet.mac", EXT_MAC, FAM_INTERNET, 1, "a unicast MAC address (format: colon, hyphen, "
                                                "dot, plain)", "format"),
    D0("internet.user_agent", EXT_USER_AGENT, FAM_INTERNET, 0,
      "a browser user agent, weighted by browser share"),
    D0("internet.http_method", EXT_HTTP_METHOD, FAM_INTERNET, 0,
      "GET, POST, ... with access-log weights"),
    D0("internet.http_status", EXT_HTTP_STATUS, FAM_INTERNET, 0,
      "an HTTP status code (integer) with access-log weights"),
    /* address */
    D("address.street", EXT_STREET, FAM_ADDRESS, 0,
      "street and house number in the locale's order (\"12 High Street\", \"Hauptstraße 12\")",
      LG),
    D("address.street_name", EXT_STREET_NAME, FAM_ADDRESS, 0, "the street without a number", LG),
    D("address.house_number", EXT_HOUSE_NUMBER, FAM_ADDRESS, 0, "the house number", LG),
    D("address.city", EXT_CITY, FAM_ADDRESS, 0, "a city, weighted by population", LG),
    D("address.region", EXT_REGION, FAM_ADDRESS, 0,
      "the city's state, province or region (format: name, code)", LG, "format"),
    D("address.postcode", EXT_POSTCODE, FAM_ADDRESS, 0,
      "a postcode of the city, in the country's format", LG),
    D("address.country_code", EXT_COUNTRY_CODE, FAM_ADDRESS, 0,
      "the country's ISO 3166-1 code (format: alpha2, alpha3)", LG, "format"),
    D("address.country", EXT_COUNTRY, FAM_ADDRESS, 0,
      "the country's name in English (native: its own name)", LG, "native"),
    D("address.latitude", EXT_LATITUDE, FAM_ADDRESS, 0,
      "latitude near the city, inside the country", LG, "decimals"),
    D("address.longitude", EXT_LONGITUDE, FAM_ADDRESS, 0,
      "longitude near the city, inside the country", LG, "decimals"),
    D("address.full", EXT_ADDRESS, FAM_ADDRESS, 0,
      "the whole address on one line, as the country writes it", LG),
    /* phone */
    D("phone.number", EXT_PHONE, FAM_PHONE, 0,
      "a phone number of the country (format: e164, international, national; kind: any, mobile, "
      "landline)", LG, "format", "kind"),
    /* company */
    D("company.name", EXT_COMPANY, FAM_COMPANY, 0, "a company name after the locale's patterns",
      LG),
    D("company.department", EXT_DEPARTMENT, FAM_COMPANY, 0, "a department (English)", "group"),
    D("company.job_title", EXT_JOB_TITLE, FAM_COMPANY, 0,
      "a job title in the row's department (English)", "group"),
    /* commerce */
    D("commerce.product_name", EXT_PRODUCT_NAME, FAM_COMMERCE, 0,
      "a product name of the row's category", "group"),
    D("commerce.category", EXT_CATEGORY, FAM_COMMERCE, 0, "a product category", "group"),
    D("commerce.sku", EXT_SKU, FAM_COMMERCE, 1, "a SKU with the category's prefix (\"ELE-048213\")",
      "group"),
    D("commerce.price", EXT_PRICE, FAM_COMMERCE, 0,
      "a decimal price in the category's range (or min..max) with endings such as .99", "group",
      "min", "max"),
    D("commerce.currency", EXT_CURRENCY, FAM_COMMERCE, 0,
      "the row's country's currency (match: false for any; format: code, symbol, name)", LG,
      "format", "match"),
    D("commerce.payment_method", EXT_PAYMENT_METHOD, FAM_COMMERCE, 0,
      "a payment method with the country's shares", LG),
    D("commerce.credit_card", EXT_CREDIT_CARD, FAM_COMMERCE, 1,
      "a card number on a documented test prefix, passing Luhn (brand; format: plain, spaced)",
      "group", "brand", "format"),
    D("commerce.card_brand", EXT_CARD_BRAND, FAM_COMMERCE, 0, "the brand of the row's card",
      "group", "brand"),
    D("commerce.card_expiry", EXT_CARD_EXPIRY, FAM_COMMERCE, 0,
      "the expiry (MM/YY) of the row's card", "group"),
    D("commerce.iban", EXT_IBAN, FAM_COMMERCE, 1,
      "an IBAN with valid check digits, of the row's country or \"country\"", LG, "country",
      "format"),
    /* text */
    D0("text.word", EXT_WORD, FAM_TEXT, 0, "a lorem ipsum word"),
    D("text.sentence", EXT_SENTENCE, FAM_TEXT, 0, "a lorem ipsum sentence of min..max words",
      "min", "max"),
    D("text.paragraph", EXT_PARAGRAPH, FAM_TEXT, 0,
      "a lorem ipsum paragraph of min..max sentences", "min", "max"),
    D("text.words", EXT_WORDS, FAM_TEXT, 1,
      "min..max words drawn from a list (optionally weighted), joined by separator", "words",
      "weights", "min", "max", "separator"),
    /* ids */
    D("ids.ulid", EXT_ULID, FAM_IDS, 1, "a ULID (time-ordered, Crockford base 32)", "time_field",
      "start", "step"),
    D("ids.hashid", EXT_HASHID, FAM_IDS, 1,
      "a short id that never repeats: a keyed permutation of the row over an alphabet", "length",
      "alphabet"),
    D("ids.nanoid", EXT_NANOID, FAM_IDS, 1, "a nanoid-style random id (size, alphabet)", "size",
      "alphabet"),
    /* files */
    D("from_file", EXT_FROM_FILE, FAM_FILE, 1,
      "values from a text or CSV file (path, column, weight_column, header, delimiter)", "path",
      "column", "weight_column", "header", "delimiter"),
};
#define NDEFS (sizeof ext_defs / sizeof ext_defs[0])

const struct gen_def *gen_ext_find(const char *name)
{
    size_t i;

    for (i = 0; i < NDEFS; i++)
        if (strcmp(ext_defs[i].def.name, name) == 0)
            return &ext_defs[i].def;
    return NULL;
}

size_t gen_ext_names(const char **out, size_t max)
{
    size_t i;

    for (i = 0; i < NDEFS && i < max; i++)
        out[i] = ext_defs[i].def.name;
    return i;
}

/* ------------------------------------------------------------------ shared helpers */

void ext_bij_init(struct ext_bij *b, uint64_t n, uint64_t key)
{
    unsigned bits = 1;
    int i;

    b->n = n ? n : 1;
    while (bits < 64 && (1ULL << bits) < b->n)
        bits++;
    b->lbits = bits / 2;
    b->rbits = bits - b->lbits;
    b->lmask = (1ULL << b->lbits) - 1;
    b->rmask = (1ULL << b->rbits) - 1;
    for (i = 0; i < 4; i++)
        b->k[i] = fount_mix64(key + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
}

/* An unbalanced Feistel network: the halves keep their sizes, each step xors one half with a
 * keyed multiply-hash of the other, so every step (and the whole) is invertible. */
uint64_t ext_bij_apply(const struct ext_bij *b, uint64_t i)
{
    uint64_t x = i;

    do {
        uint64_t l = x >> b->rbits, r = x & b->rmask;
        int k;
        for (k = 0; k < 4; k += 2) { /* two rounds: a suffix only has to look shuffled */
            r ^= (((l ^ b->k[k]) * 0x9e3779b97f4a7c15ULL) >> 29) & b->rmask;
            l ^= (((r ^ b->k[k + 1]) * 0xc2b2ae3d27d4eb4fULL) >> 31) & b->lmask;
        }
        x = (l << b->rbits) | r;
    } while (x >= b->n);
    return x;
}

static const uint64_t pow10[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
    1000000000000000000ULL, 10000000000000000000ULL};

uint64_t ext_unique_number(const struct ext_field *x, uint64_t row)
{
    unsigned d;

    if (row < 10)
        return ext_bij_apply(&x->dec[0], row);
    /* d = floor(log10(row)): log10(2) ~ 1233/4096, then one correction */
    d = ((unsigned)(64 - __builtin_clzll(row)) * 1233) >> 12;
    if (d < 19 && row >= pow10[d + 1])
        d++;
    else if (row < pow10[d])
        d--;
    if (d > EXT_NDEC - 1)
        d = EXT_NDEC - 1;
    return pow10[d] + ext_bij_apply(&x->dec[d], row - pow10[d]);
}

char *ext_digits(char *p, uint64_t v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

int ext_pchoice(struct pctx *c, const cJSON *spec, const char *path, const char *key,
                const char *const *names)
{
    const char *v = NULL, *s;
    char p[PATH_MAX_LEN], list[256] = "";
    size_t n = 0, i;
    int rc = pstr(c, spec, path, key, 0, &v);

    if (rc <= 0)
        return rc;
    for (n = 0; names[n]; n++)
        if (strcmp(names[n], v) == 0)
            return (int)n;
    for (i = 0; i < n; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    s = psuggest(v, names, n);
    pjoin(p, path, key);
    if (s)
        perr_val(c, p, "unknown %s \"%s\" (did you mean \"%s\"?)", key, v, s);
    else
        perr_val(c, p, "unknown %s \"%s\" (expected one of %s)", key, v, list);
    return -1;
}

void ext_col_string(struct entity *e, struct field *f, size_t max_len)
{
    e->cols[f->index].type = FV_STRING;
    e->cols[f->index].max_len = (int)max_len;
    f->ext->maxlen = max_len;
}

void ext_perm_setup(struct ext_field *x, uint64_t n)
{
    x->perm_n = n ? n : 1;
    perm_init(&x->perm, x->perm_n, x->fkey ^ 0x3c6ef372fe94f82bULL);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

uint64_t ext_distinct_words(const struct fdata_list *const *lists, size_t nlists)
{
    const char **all;
    size_t n = 0, i, j;
    uint64_t d = 0;

    for (i = 0; i < nlists; i++)
        n += lists[i]->n;
    all = xcalloc(n + 1, sizeof *all);
    for (i = 0, n = 0; i < nlists; i++)
        for (j = 0; j < lists[i]->n; j++)
            all[n++] = lists[i]->w[j].s;
    qsort(all, n, sizeof *all, cmp_cstr);
    for (i = 0; i < n; i++)
        d += i == 0 || strcmp(all[i], all[i - 1]) != 0;
    free(all);
    return d;
}

int ext_pstrings(struct pctx *c, const cJSON *spec, const char *path, const char *key,
                 const char *wkey, struct ext_field *x, int required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key), *it;
    const cJSON *w = wkey ? cJSON_GetObjectItemCaseSensitive(spec, wkey) : NULL;
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN + 32], msg[200];
    size_t n, i = 0;

    pjoin(p, path, key);
    if (!v) {
        if (required)
            perr(c, p, "missing required key \"%s\" (an array of strings)", key);
        if (w)
            perr(c, pjoin(ip, path, wkey), "weights need \"%s\"", key);
        return required || w ? -1 : 0;
    }
    if (!cJSON_IsArray(v) || !v->child) {
        perr_val(c, p, "expected a non-empty array of strings, got %s", ptype_name(v));
        return -1;
    }
    n = (size_t)cJSON_GetArraySize(v);
    x->str = xcalloc(n, sizeof *x->str);
    x->slen = xcalloc(n, sizeof *x->slen);
    cJSON_ArrayForEach(it, v)
    {
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        if (!cJSON_IsString(it) || strlen(it->valuestring) > 253) {
            perr_val(c, ip, "expected a string of at most 253 bytes, got %s", ptype_name(it));
            return -1;
        }
        x->str[i] = xstrdup(it->valuestring);
        x->slen[i] = (uint32_t)strlen(it->valuestring);
        x->nstr = ++i;
    }
    if (w) {
        double *wt, *idx;
        int bad = 0;
        pjoin(p, path, wkey);
        if (!cJSON_IsArray(w) || (size_t)cJSON_GetArraySize(w) != n) {
            perr(c, p, "expected an array of %zu numbers, one per %s", n, key);
            return -1;
        }
        wt = xcalloc(n, sizeof *wt);
        idx = xcalloc(n, sizeof *idx);
        i = 0;
        cJSON_ArrayForEach(it, w)
        {
            if (!cJSON_IsNumber(it)) {
                snprintf(ip, sizeof ip, "%s[%zu]", p, i);
                perr_val(c, ip, "expected a number, got %s", ptype_name(it));
                bad = 1;
            } else
                wt[i] = it->valuedouble;
            idx[i] = (double)i;
            i++;
        }
        if (!bad && dist_init_weighted(&x->wd, idx, wt, n, msg, sizeof msg)) {
            perr(c, p, "%s", msg);
            bad = 1;
        }
        free(wt);
        free(idx);
        if (bad)
            return -1;
        x->weighted = 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ parse, eval, free */

static void reseed(struct ext_field *x, uint64_t seed, const char *entity, const char *field)
{
    uint64_t g = fount_key(seed, entity, x->group, "ext");
    int i;

    for (i = 0; i < SUB_N; i++)
        x->gsub[i] = fount_mix64(g + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
    x->fkey = fount_key(seed, entity, field, "ext");
    if (x->perm_n)
        ext_perm_setup(x, x->perm_n);
    if (x->unique && (x->kind == EXT_EMAIL || x->kind == EXT_USERNAME)) {
        uint64_t n = 10;
        ext_bij_init(&x->dec[0], 10, x->fkey ^ 0xa5a5a5a5a5a5a5a5ULL);
        for (i = 1; i < EXT_NDEC; i++, n *= 10)
            ext_bij_init(&x->dec[i], 9 * n, x->fkey + (uint64_t)i * 0x632be59bd9b4e019ULL);
    }
}

void gen_ext_reseed(struct ext_field *x, uint64_t seed, const char *entity, const char *field)
{
    if (x)
        reseed(x, seed, entity, field);
}

static const struct ext_def *def_named(const char *name)
{
    size_t i;

    for (i = 0; i < NDEFS; i++)
        if (strcmp(ext_defs[i].def.name, name) == 0)
            return &ext_defs[i];
    return NULL;
}

static int ext_parse(struct pctx *c, struct entity *e, struct field *f, const cJSON *spec,
                     const char *path)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, "type");
    const cJSON *loc = cJSON_GetObjectItemCaseSensitive(spec, "locale");
    const struct ext_def *d = cJSON_IsString(t) ? def_named(t->valuestring) : NULL;
    const char *group = "";
    struct ext_field *x;
    char p[PATH_MAX_LEN];
    int rc = 0;

    if (!d)
        return -1; /* cannot happen: pfield found the name */
    x = xcalloc(1, sizeof *x);
    f->ext = x;
    f->gen = GEN_EXT;
    x->kind = d->kind;
    x->unique = f->unique;
    x->time_field = -1;
    x->mix = c->plan->locale ? c->plan->locale : &ext_locale_default;
    e->cols[f->index].type = FV_STRING;
    if (loc) {
        if (ext_locale_parse(c, loc, pjoin(p, path, "locale"), &x->own))
            return -1;
        x->mix = &x->own;
    }
    if (pstr(c, spec, path, "group", 0, &group) < 0)
        return -1;
    x->group = xstrdup(group);
    if (f->unique && !d->unique_ok) {
        perr(c, pjoin(p, path, "unique"), "%s cannot be unique: its values repeat by design (use "
                                          "internet.email, person.username, ids.* or from_file "
                                          "for unique strings)", d->def.name);
        return -1;
    }
    f->ext_eval = families[d->family].eval;
    rc = families[d->family].parse(c, e, f, x, spec, path);
    if (rc)
        return -1;
    if (x->unique)
        e->cols[f->index].unique = 1;
    reseed(x, c->plan->seed, e->name, f->name);
    return 0;
}

uint64_t gen_ext_domain(const struct ext_field *x)
{
    return x ? x->domain : 0;
}

void gen_ext_free(struct ext_field *x)
{
    size_t i;

    if (!x)
        return;
    for (i = 0; i < x->nstr; i++)
        free(x->str[i]);
    free(x->str);
    free(x->slen);
    if (x->weighted)
        dist_free(&x->wd);
    free(x->sep);
    free(x->group);
    free(x->ages);
    free(x->birth);
    free(x);
}

void gen_ext_locale_free(struct ext_locale *m)
{
    free(m);
}

void gen_ext_profile_locale(struct pctx *c, const struct cJSON *node, const char *path)
{
    struct ext_locale *m = xcalloc(1, sizeof *m);

    if (ext_locale_parse(c, node, path, m)) {
        free(m);
        return;
    }
    gen_ext_locale_free(c->plan->locale);
    c->plan->locale = m;
}
