/* address.c: postal addresses that agree within a row: one draw of the address identity gives
 * the country (from the row's locale), a city weighted by population with its region, a postcode
 * inside the city's range in the country's format, a street and house number in the country's
 * order, and a point near the city inside the country's bounding box.
 * Leaves out: apartment/unit lines, real street-to-postcode mapping (streets are generic names). */
#include "ext.h"

#include <math.h>

/* Components of the address identity (ext_draw indexes). */
enum { A_CITY, A_STREET, A_SUFFIX, A_HOUSE, A_POSTCODE, A_GEO, A_EXTRA };

/* struct ext_addr is in gen_ext.h (the row cache holds one). */
void ext_addr_at(const struct ext_field *x, uint64_t row, struct ext_addr *ad)
{
    ad->loc = ext_row_locale(x, row);
    ad->L = &fdata_locales[ad->loc];
    ad->base = ext_base(x->gsub[SUB_ADDRESS], row);
    ad->city = &ad->L->cities[ext_pick_z(&ad->L->city_pick, ext_draw(ad->base, A_CITY))];
}

/* A 32-bit draw: half `hi` (1) or `lo` (0) of component k. */
static uint32_t half(const struct ext_addr *ad, unsigned k, int hi)
{
    uint64_t z = ext_draw(ad->base, k);

    return hi ? (uint32_t)(z >> 32) : (uint32_t)z;
}

/* ------------------------------------------------------------------ pieces */

#define GB_INWARD "ABDEFGHJLNPQRSTUWXYZ" /* letters used in the inward code */

static size_t put_postcode(const struct ext_addr *ad, char *p)
{
    const struct fdata_city *c = ad->city;
    uint64_t z = ext_draw(ad->base, A_POSTCODE);
    char digits[32], *w = p; /* postcodes are shorter; 32 quiets -Warray-bounds on ext_put */

    if (c->nareas) { /* GB: "M14 5AB" */
        const struct fdata_pcarea *ar = &c->areas[ext_scale((uint32_t)(z >> 32), c->nareas)];
        uint32_t district = ar->lo + ext_scale((uint32_t)z, (uint32_t)(ar->hi - ar->lo + 1));
        uint32_t u = half(ad, A_EXTRA, 0);
        w = ext_puts(w, ar->area);
        w += fmt_u64(w, district);
        *w++ = ' ';
        *w++ = (char)('0' + u % 10);
        *w++ = GB_INWARD[(u / 10) % 20];
        *w++ = GB_INWARD[(u / 200) % 20];
        return (size_t)(w - p);
    }
    ext_digits(digits, c->pc_lo + ext_scale((uint32_t)(z >> 32), c->pc_hi - c->pc_lo + 1),
               (int)c->pc_width);
    if (ad->loc == LOC_PT_BR) { /* CEP "01310-100" */
        w = ext_put(w, digits, 5);
        *w++ = '-';
        w = ext_put(w, digits + 5, 3);
    } else if (ad->loc == LOC_JA_JP) { /* "100-0001" */
        w = ext_put(w, digits, 3);
        *w++ = '-';
        w = ext_put(w, digits + 3, 4);
    } else
        w = ext_put(w, digits, c->pc_width);
    return (size_t)(w - p);
}

/* House numbers: the number of digits by the locale's weights, uniform inside; Japan writes
 * block-building ("14-3") and puts the chōme in the street name. */
static size_t put_house(const struct ext_addr *ad, char *p)
{
    static const uint32_t lo[4] = {1, 10, 100, 1000}, span[4] = {9, 90, 900, 9000};
    const double *dw = ext_locinfo[ad->loc].house_digits;
    uint64_t z = ext_draw(ad->base, A_HOUSE);
    double u = (uint32_t)(z >> 32) / 4294967296.0 * (dw[0] + dw[1] + dw[2] + dw[3]);
    char *w = p;
    int d = 0;

    if (ad->loc == LOC_JA_JP) {
        w += fmt_u64(w, 1 + ext_scale((uint32_t)(z >> 32), 30));
        *w++ = '-';
        w += fmt_u64(w, 1 + ext_scale((uint32_t)z, 25));
        return (size_t)(w - p);
    }
    while (d < 3 && u >= dw[d]) {
        u -= dw[d];
        d++;
    }
    w += fmt_u64(w, lo[d] + ext_scale((uint32_t)z, span[d]));
    if (ad->loc == LOC_DE_DE) { /* "12a" now and then */
        uint32_t x = half(ad, A_EXTRA, 0);
        if (x % 100 < 6)
            *w++ = (char)('a' + (x >> 8) % 3);
    }
    return (size_t)(w - p);
}

static size_t put_street_name(const struct ext_addr *ad, char *p)
{
    const struct fdata_word *st = &ad->L->street.w[ext_pick_z(&ad->L->street.pick,
                                                              ext_draw(ad->base, A_STREET))];
    char *w = ext_put(p, st->s, st->len);

    if (ad->L->street_suffix.n) {
        const struct fdata_word *sx = &ad->L->street_suffix.w[ext_pick_z(
            &ad->L->street_suffix.pick, ext_draw(ad->base, A_SUFFIX))];
        *w++ = ' ';
        w = ext_put(w, sx->s, sx->len);
    }
    if (ad->loc == LOC_JA_JP) { /* "本町2丁目" */
        w += fmt_u64(w, 1 + ext_scale(half(ad, A_EXTRA, 0), 6));
        w = ext_puts(w, "\xe4\xb8\x81\xe7\x9b\xae");
    }
    return (size_t)(w - p);
}

static size_t put_street(const struct ext_addr *ad, char *p)
{
    char *w = p;

    switch (ad->loc) {
    case LOC_DE_DE:
        w += put_street_name(ad, w);
        *w++ = ' ';
        w += put_house(ad, w);
        break;
    case LOC_ES_ES:
    case LOC_PT_BR:
        w += put_street_name(ad, w);
        w = ext_put(w, ", ", 2);
        w += put_house(ad, w);
        break;
    case LOC_JA_JP:
        w += put_street_name(ad, w);
        w += put_house(ad, w);
        break;
    case LOC_EN_IN:
        w += put_house(ad, w);
        w = ext_put(w, ", ", 2);
        w += put_street_name(ad, w);
        break;
    default: /* en_US, en_GB, fr_FR: "12 High Street" */
        w += put_house(ad, w);
        *w++ = ' ';
        w += put_street_name(ad, w);
    }
    return (size_t)(w - p);
}

static size_t put_full(const struct ext_addr *ad, char *p)
{
    const struct fdata_region *rg = &ad->L->regions[ad->city->region];
    const struct fdata_city *c = ad->city;
    char *w = p;

    switch (ad->loc) {
    case LOC_EN_US: /* "1234 Oak St, Springfield, IL 62701" */
        w += put_street(ad, w);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, c->name, c->len);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, rg->code, rg->code_len);
        *w++ = ' ';
        w += put_postcode(ad, w);
        break;
    case LOC_EN_GB: /* "12 High Street, Leeds LS1 4AB" */
        w += put_street(ad, w);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, c->name, c->len);
        *w++ = ' ';
        w += put_postcode(ad, w);
        break;
    case LOC_PT_BR: /* "Rua das Flores, 123, São Paulo - SP, 01234-567" */
        w += put_street(ad, w);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, c->name, c->len);
        w = ext_put(w, " - ", 3);
        w = ext_put(w, rg->code, rg->code_len);
        w = ext_put(w, ", ", 2);
        w += put_postcode(ad, w);
        break;
    case LOC_JA_JP: /* "〒100-0001 東京都千代田区本町2丁目14-3" */
        w = ext_puts(w, "\xe3\x80\x92");
        w += put_postcode(ad, w);
        *w++ = ' ';
        w = ext_put(w, rg->name, rg->name_len);
        w = ext_put(w, c->name, c->len);
        w += put_street(ad, w);
        break;
    case LOC_EN_IN: /* "12, MG Road, Mumbai, Maharashtra 400001" */
        w += put_street(ad, w);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, c->name, c->len);
        w = ext_put(w, ", ", 2);
        w = ext_put(w, rg->name, rg->name_len);
        *w++ = ' ';
        w += put_postcode(ad, w);
        break;
    default: /* de_DE, fr_FR, es_ES: "Hauptstraße 12, 10115 Berlin" */
        w += put_street(ad, w);
        w = ext_put(w, ", ", 2);
        w += put_postcode(ad, w);
        *w++ = ' ';
        w = ext_put(w, c->name, c->len);
    }
    return (size_t)(w - p);
}

/* A point near the city: up to 0.04 degrees off (about 4 km), kept inside the country's box. */
static double coord(const struct ext_addr *ad, int lon)
{
    const struct ext_locinfo *li = &ext_locinfo[ad->loc];
    double base = (lon ? ad->city->lon : ad->city->lat) / 1e4;
    double u = half(ad, A_GEO, lon) / 4294967296.0 * 2.0 - 1.0;
    double lo = lon ? li->lon_min : li->lat_min, hi = lon ? li->lon_max : li->lat_max;
    double v = base + 0.04 * u;

    return v < lo ? lo : v > hi ? hi : v;
}

/* ------------------------------------------------------------------ parse */

static size_t list_max(const struct fdata_list *l)
{
    return l->n ? l->max_len : 0;
}

static size_t region_max(const struct fdata_locale *L, int code)
{
    size_t m = 0;
    uint32_t i;

    for (i = 0; i < L->nregions; i++) {
        size_t n = code ? L->regions[i].code_len : L->regions[i].name_len;
        if (n > m)
            m = n;
    }
    return m;
}

/* Longest value of the field's kind in locale loc (a bound for VARCHAR sizes and the arena). */
static size_t kind_max(const struct ext_field *x, int loc)
{
    const struct fdata_locale *L = &fdata_locales[loc];
    size_t street = list_max(&L->street) + 1 + list_max(&L->street_suffix) + 8 + 16;

    switch (x->kind) {
    case EXT_STREET_NAME: return street;
    case EXT_HOUSE_NUMBER: return 8;
    case EXT_STREET: return street + 2 + 8;
    case EXT_CITY: return L->city_max_len;
    case EXT_REGION: return region_max(L, x->fmt);
    case EXT_POSTCODE: return 10;
    case EXT_COUNTRY_CODE: return 3;
    case EXT_COUNTRY:
        return strlen(x->opt ? ext_locinfo[loc].country_native : ext_locinfo[loc].country_name);
    default: /* full address */
        return street + 12 + L->city_max_len + 4 + region_max(L, 0) + 3 + 12;
    }
}

int ext_address_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                      const cJSON *spec, const char *path)
{
    static const char *const region_fmt[] = {"name", "code", NULL};
    static const char *const country_fmt[] = {"alpha2", "alpha3", NULL};
    unsigned mask = ext_mix_mask(x);
    size_t best = 0, n;
    uint64_t dom = 0;
    int loc;
    uint32_t i;

    if (x->kind == EXT_LATITUDE || x->kind == EXT_LONGITUDE) {
        int64_t dec = 6;
        char p[PATH_MAX_LEN];
        if (pint(c, spec, path, "decimals", 0, &dec) < 0)
            return -1;
        if (dec < 0 || dec > 10) {
            perr(c, pjoin(p, path, "decimals"), "must be between 0 and 10 (got %lld)",
                 (long long)dec);
            return -1;
        }
        e->cols[f->index].type = FV_DOUBLE;
        e->cols[f->index].decimals = (int)dec;
        return 0;
    }
    if (x->kind == EXT_REGION && (x->fmt = ext_pchoice(c, spec, path, "format", region_fmt)) < 0)
        return -1;
    if (x->kind == EXT_COUNTRY_CODE &&
        (x->fmt = ext_pchoice(c, spec, path, "format", country_fmt)) < 0)
        return -1;
    if (x->kind == EXT_COUNTRY && pbool(c, spec, path, "native", &x->opt) < 0)
        return -1;
    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        if (!(mask & (1u << loc)))
            continue;
        n = kind_max(x, loc);
        if (n > best)
            best = n;
        switch (x->kind) {
        case EXT_CITY: dom += L->city_pick.n; break;
        case EXT_REGION: dom += L->nregions; break;
        case EXT_COUNTRY_CODE:
        case EXT_COUNTRY: dom++; break;
        case EXT_HOUSE_NUMBER: dom = loc == LOC_JA_JP ? 750 : 9999; break;
        case EXT_POSTCODE:
            for (i = 0; i < L->city_pick.n; i++) {
                const struct fdata_city *ct = &L->cities[i];
                dom += ct->nareas ? (uint64_t)ct->nareas * 20 * 8000 : ct->pc_hi - ct->pc_lo + 1;
            }
            break;
        default: break;
        }
    }
    x->domain = dom;
    ext_col_string(e, f, best);
    return 0;
}

/* ------------------------------------------------------------------ eval */

void ext_address_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                      const struct fount_value *vals, struct fount_value *out, struct arena *a,
                      struct ext_rowcache *rc)
{
    struct ext_addr tmp;
    const struct ext_addr *ad;
    const struct ext_locinfo *li;
    const struct fdata_region *rg;
    char *s;

    (void)f;
    (void)vals;
    if (x->kind == EXT_COUNTRY_CODE || x->kind == EXT_COUNTRY) { /* the locale is enough */
        li = &ext_locinfo[ext_locale_of(x, row, rc)];
        if (x->kind == EXT_COUNTRY_CODE)
            ext_static(out, x->fmt ? li->country3 : li->country, x->fmt ? 3 : 2);
        else {
            const char *name = x->opt ? li->country_native : li->country_name;
            ext_static(out, name, strlen(name));
        }
        return;
    }
    ad = ext_addr_of(x, row, rc, &tmp);
    rg = &ad->L->regions[ad->city->region];
    switch (x->kind) {
    case EXT_CITY:
        ext_static(out, ad->city->name, ad->city->len);
        return;
    case EXT_REGION:
        if (x->fmt)
            ext_static(out, rg->code, rg->code_len);
        else
            ext_static(out, rg->name, rg->name_len);
        return;
    case EXT_LATITUDE:
    case EXT_LONGITUDE:
        out->type = FV_DOUBLE;
        out->v.d = coord(ad, x->kind == EXT_LONGITUDE);
        return;
    default:
        break;
    }
    s = arena_alloc(a, x->maxlen + EXT_SLACK);
    switch (x->kind) {
    case EXT_STREET: ext_str(out, s, put_street(ad, s)); break;
    case EXT_STREET_NAME: ext_str(out, s, put_street_name(ad, s)); break;
    case EXT_HOUSE_NUMBER: ext_str(out, s, put_house(ad, s)); break;
    case EXT_POSTCODE: ext_str(out, s, put_postcode(ad, s)); break;
    default: ext_str(out, s, put_full(ad, s)); break;
    }
}
