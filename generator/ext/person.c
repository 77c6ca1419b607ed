/* person.c: people: first and last names by census-style frequency, full name, gender, birth date
 * by the country's age distribution, and the user names and e-mail addresses derived from them.
 * All of them read one identity per (group, row) (ext_person_at), so a row's fields agree.
 * Leaves out: titles, middle names, non-binary genders (not in the source tables). */
#include "ext.h"

#include <stdio.h>
#include <stdlib.h>

#define P32 4294967296.0

void ext_person_at(const struct ext_field *x, uint64_t row, struct ext_person *p)
{
    const struct fdata_locale *L;

    p->loc = ext_row_locale(x, row);
    L = &fdata_locales[p->loc];
    p->base = ext_base(x->gsub[SUB_PERSON], row);
    p->female = (double)(uint32_t)p->base < ext_locinfo[p->loc].female * P32;
    if (p->female)
        p->first = &L->first_female.w[ext_pick_z(&L->first_female.pick, ext_draw(p->base, P_FIRST))];
    else
        p->first = &L->first_male.w[ext_pick_z(&L->first_male.pick, ext_draw(p->base, P_FIRST))];
    p->last = &L->last.w[ext_pick_z(&L->last.pick, ext_draw(p->base, P_LAST))];
    p->last2 = p->loc == LOC_ES_ES ? &L->last.w[ext_pick_z(&L->last.pick, ext_draw(p->base, P_LAST2))]
                                   : p->last;
}

/* The birth day (days since 1970-01-01) and, in *age, the age at as_of. */
static int64_t birth_of(const struct ext_field *x, const struct ext_person *p, int *age)
{
    uint64_t z = ext_draw(p->base, P_BIRTH);

    *age = ext_age_pick(x, p->loc, z);
    return (int64_t)x->birth[*age] +
           (int64_t)ext_scale((uint32_t)fount_mix64(z), (uint32_t)x->birth[EXT_MAX_AGE + 1 + *age]);
}

int64_t ext_person_birth(const struct ext_field *x, const struct ext_person *p)
{
    int age;

    return birth_of(x, p, &age);
}

/* The two-digit year of birth, for handles such as "ana.lopez87". */
static unsigned birth_yy(const struct ext_field *x, const struct ext_person *p)
{
    int age;
    int64_t b = birth_of(x, p, &age);
    /* born on or after January 1st of as_of's year minus age: that year, else the one before */
    int64_t year = b >= x->birth[2 * (EXT_MAX_AGE + 1) + age] ? x->asof_year - age
                                                             : x->asof_year - age - 1;

    return (unsigned)(year % 100);
}

/* ------------------------------------------------------------------ names */

static size_t put_full_name(const struct ext_person *p, char *s)
{
    char *w = s;

    if (p->loc == LOC_JA_JP) { /* family name first */
        w = ext_put(w, p->last->s, p->last->len);
        *w++ = ' ';
        w = ext_put(w, p->first->s, p->first->len);
        return (size_t)(w - s);
    }
    w = ext_put(w, p->first->s, p->first->len);
    *w++ = ' ';
    w = ext_put(w, p->last->s, p->last->len);
    if (p->loc == LOC_ES_ES) { /* two surnames: father's, then mother's */
        *w++ = ' ';
        w = ext_put(w, p->last2->s, p->last2->len);
    }
    return (size_t)(w - s);
}

/* ------------------------------------------------------------------ user names and e-mails */

/* Each style: [slot, slot, ...] where a slot is 'F' first, 'f' first initial, 'L' last, 'l' last
 * initial, '.', '_', '-' literal separators; then the number that follows (non-unique only):
 * 0 none, 'y' two-digit birth year, 2/3/4 up to that many random digits. */
struct style {
    const char *parts;
    char num;
    uint32_t weight;
};

static const struct style email_styles[] = {
    {"F.L", 0, 24}, {"FL", 0, 10}, {"fL", 0, 10}, {"F_L", 0, 5}, {"F.L", 'y', 14}, {"F", 'y', 6},
    {"L.F", 0, 5},  {"FL", 3, 10}, {"f.L", 0, 4}, {"F", 4, 6},   {"F.l", 0, 3},   {"F-L", 0, 3},
};
static const struct style user_styles[] = {
    {"F_L", 0, 15}, {"F.L", 0, 10}, {"fL", 0, 15}, {"FL", 0, 10},  {"F", 2, 10}, {"F_L", 'y', 10},
    {"Lf", 0, 5},   {"Fl", 3, 5},   {"F", 4, 5},   {"L", 2, 5},    {"F-L", 0, 5}, {"f_L", 0, 5},
};

/* x->style[v] for v in [0, 100): the style index, by weight (the weights add up to 100). */
static void style_map(struct ext_field *x, const struct style *st, size_t n)
{
    uint32_t v = 0, k;
    size_t i;

    for (i = 0; i < n; i++)
        for (k = 0; k < st[i].weight && v < 100; k++)
            x->style[v++] = (uint8_t)i;
    while (v < 100) /* cannot happen while the weights add up to 100 */
        x->style[v++] = 0;
}

/* Writes the name part and the number into s; returns the length. */
static size_t put_handle(const struct ext_field *x, const struct ext_person *p,
                         const struct style *styles, uint64_t row, char *s)
{
    uint64_t z = ext_draw(p->base, P_STYLE);
    const struct style *st = &styles[x->style[ext_scale((uint32_t)z, 100)]];
    uint32_t num = (uint32_t)(z >> 32), lim;
    const char *q;
    char *w = s;

    for (q = st->parts; *q; q++) {
        switch (*q) {
        case 'F': w = ext_put(w, p->first->slug, p->first->slug_len); break;
        case 'f': *w++ = p->first->slug[0]; break;
        case 'L': w = ext_put(w, p->last->slug, p->last->slug_len); break;
        case 'l': *w++ = p->last->slug[0]; break;
        default: *w++ = *q;
        }
    }
    if (x->unique) {
        /* The unique suffix carries the row: the name part has no digits, so distinct rows give
         * distinct strings. */
        w += fmt_u64(w, ext_unique_number(x, row));
        return (size_t)(w - s);
    }
    switch (st->num) {
    case 'y':
        w = ext_digits(w, birth_yy(x, p), 2);
        break;
    case 2:
    case 3:
    case 4:
        lim = st->num == 2 ? 100 : st->num == 3 ? 1000 : 10000;
        w += fmt_u64(w, 1 + num % (lim - 1));
        break;
    default:
        break;
    }
    return (size_t)(w - s);
}

/* The e-mail domain of a person: a user list, the row's company, or a free-mail provider. */
static size_t put_domain(const struct ext_field *x, const struct ext_person *p, uint64_t row,
                         char *s)
{
    uint64_t z = ext_draw(p->base, P_DOMAIN);

    if (x->nstr) {
        uint32_t i = ext_scale((uint32_t)(z >> 32), (uint32_t)x->nstr);
        if (x->weighted) {
            struct pcg32 r;
            fount_rng_at(&r, z, 0);
            i = (uint32_t)dist_pick(&x->wd, &r);
        }
        memcpy(s, x->str[i], x->slen[i]);
        return x->slen[i];
    }
    /* low bits decide company or free-mail, the whole draw picks the free-mail provider */
    if ((double)(fount_mix64(z) >> 32) < x->rate * P32) {
        struct ext_company c;
        ext_company_at(x, row, p->loc, &c);
        return ext_company_domain(&c, s);
    }
    {
        const struct fdata_list *fm = &fdata_locales[p->loc].freemail;
        const struct fdata_word *d = &fm->w[ext_pick_z(&fm->pick, z)];
        memcpy(s, d->s, d->len);
        return d->len;
    }
}

static size_t list_max_slug(const struct fdata_list *l)
{
    size_t m = 0;
    uint32_t i;

    for (i = 0; i < l->n; i++)
        if (l->w[i].slug_len > m)
            m = l->w[i].slug_len;
    return m;
}

/* Longest e-mail or user name under the field's mix (for VARCHAR sizes). */
static size_t handle_max(const struct ext_field *x, int email)
{
    size_t best = 0, i;
    unsigned mask = ext_mix_mask(x);
    int loc;

    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        size_t f = list_max_slug(&L->first_female), m = list_max_slug(&L->first_male), n;
        if (!(mask & (1u << loc)))
            continue;
        n = (f > m ? f : m) + list_max_slug(&L->last) + 2 + 20;
        if (email) {
            size_t d = L->freemail.max_len;
            if (ext_company_max(loc) > d)
                d = ext_company_max(loc);
            for (i = 0; i < x->nstr; i++)
                if (x->slen[i] > d)
                    d = x->slen[i];
            n += 1 + d;
        }
        if (n > best)
            best = n;
    }
    return best;
}

/* ------------------------------------------------------------------ parse */

static uint64_t names_domain(const struct ext_field *x)
{
    const struct fdata_list *lists[2 * FDATA_NLOCALES];
    unsigned mask = ext_mix_mask(x);
    uint64_t full = 0, extra = 0;
    size_t n = 0;
    int loc;

    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        uint64_t nl = L->last.n;
        if (!(mask & (1u << loc)))
            continue;
        switch (x->kind) {
        case EXT_FIRST_NAME:
            lists[n++] = &L->first_female;
            lists[n++] = &L->first_male;
            break;
        case EXT_LAST_NAME:
            if (loc == LOC_ES_ES)
                extra += nl * nl; /* two surnames */
            else
                lists[n++] = &L->last;
            break;
        default: /* full name */
            full += (uint64_t)(L->first_female.n + L->first_male.n) * nl *
                    (loc == LOC_ES_ES ? nl : 1);
        }
    }
    if (x->kind == EXT_FULL_NAME)
        return full;
    return (n ? ext_distinct_words(lists, n) : 0) + extra;
}

static size_t names_max_len(const struct ext_field *x)
{
    unsigned mask = ext_mix_mask(x);
    size_t best = 0, f, l, n;
    int loc;

    for (loc = 0; loc < FDATA_NLOCALES; loc++) {
        const struct fdata_locale *L = &fdata_locales[loc];
        if (!(mask & (1u << loc)))
            continue;
        f = L->first_female.max_len > L->first_male.max_len ? L->first_female.max_len
                                                             : L->first_male.max_len;
        l = L->last.max_len * (loc == LOC_ES_ES ? 2 : 1) + (loc == LOC_ES_ES);
        n = x->kind == EXT_FIRST_NAME ? f : x->kind == EXT_LAST_NAME ? l : f + l + 1;
        if (n > best)
            best = n;
    }
    return best;
}

static int parse_birth(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                       const cJSON *spec, const char *path)
{
    int64_t lo = 18, hi = 90;
    const char *asof = NULL;
    char p[PATH_MAX_LEN];

    if (pint(c, spec, path, "min_age", 0, &lo) < 0 || pint(c, spec, path, "max_age", 0, &hi) < 0 ||
        pstr(c, spec, path, "as_of", 0, &asof) < 0)
        return -1;
    if (lo < 0 || lo > EXT_MAX_AGE) {
        perr(c, pjoin(p, path, "min_age"), "must be between 0 and %d (got %lld)", EXT_MAX_AGE,
             (long long)lo);
        return -1;
    }
    if (hi < lo || hi > EXT_MAX_AGE) {
        perr(c, pjoin(p, path, "max_age"), "must be between min_age %lld and %d (got %lld)",
             (long long)lo, EXT_MAX_AGE, (long long)hi);
        return -1;
    }
    if (asof && parse_date(asof, &x->asof)) {
        perr_val(c, pjoin(p, path, "as_of"), "expected a date such as \"2025-01-01\", got \"%s\"",
                 asof);
        return -1;
    }
    ext_age_table(x, (int)lo, (int)hi);
    e->cols[f->index].type = FV_DATE;
    x->domain = (uint64_t)(hi - lo + 1) * 366;
    return 0;
}

int ext_person_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                     const cJSON *spec, const char *path)
{
    static const char *const genders[] = {"word", "letter", NULL};
    char p[PATH_MAX_LEN];

    x->asof = days_from_civil(2025, 1, 1);
    if (x->kind == EXT_BIRTH_DATE)
        return parse_birth(c, e, f, x, spec, path);
    /* Two-digit birth years in e-mails and user names follow the default adult ages. */
    ext_age_table(x, 18, 90);
    switch (x->kind) {
    case EXT_FIRST_NAME:
    case EXT_LAST_NAME:
    case EXT_FULL_NAME:
        x->domain = names_domain(x);
        ext_col_string(e, f, names_max_len(x));
        return 0;
    case EXT_GENDER:
        if ((x->fmt = ext_pchoice(c, spec, path, "format", genders)) < 0)
            return -1;
        x->domain = 2;
        ext_col_string(e, f, x->fmt ? 1 : 6);
        return 0;
    case EXT_EMAIL:
        x->rate = 0.15;
        if (pnum(c, spec, path, "company_rate", 0, &x->rate) < 0)
            return -1;
        if (x->rate < 0 || x->rate > 1) {
            perr(c, pjoin(p, path, "company_rate"), "must be between 0 and 1 (got %g)", x->rate);
            return -1;
        }
        if (ext_pstrings(c, spec, path, "domains", NULL, x, 0))
            return -1;
        style_map(x, email_styles, sizeof email_styles / sizeof *email_styles);
        ext_col_string(e, f, handle_max(x, 1));
        return 0;
    default: /* user name */
        style_map(x, user_styles, sizeof user_styles / sizeof *user_styles);
        ext_col_string(e, f, handle_max(x, 0));
        return 0;
    }
}

/* ------------------------------------------------------------------ eval */

void ext_person_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                     const struct fount_value *vals, struct fount_value *out, struct arena *a,
                     struct ext_rowcache *rc)
{
    struct ext_person tmp;
    const struct ext_person *p = ext_person_of(x, row, rc, &tmp);
    char *s;
    size_t n;

    (void)f;
    (void)vals;
    switch (x->kind) {
    case EXT_FIRST_NAME:
        ext_static(out, p->first->s, p->first->len);
        return;
    case EXT_LAST_NAME:
        if (p->loc != LOC_ES_ES) {
            ext_static(out, p->last->s, p->last->len);
            return;
        }
        s = arena_alloc(a, (size_t)p->last->len + p->last2->len + 1);
        n = (size_t)(ext_put(ext_put(s, p->last->s, p->last->len), " ", 1) - s);
        n += (size_t)(ext_put(s + n, p->last2->s, p->last2->len) - (s + n));
        ext_str(out, s, n);
        return;
    case EXT_FULL_NAME:
        s = arena_alloc(a, (size_t)p->first->len + p->last->len + p->last2->len + 2);
        ext_str(out, s, put_full_name(p, s));
        return;
    case EXT_GENDER:
        if (x->fmt)
            ext_static(out, p->female ? "F" : "M", 1);
        else if (p->female)
            ext_static(out, "female", 6);
        else
            ext_static(out, "male", 4);
        return;
    case EXT_BIRTH_DATE:
        out->type = FV_DATE;
        out->v.i = ext_person_birth(x, p);
        return;
    case EXT_USERNAME:
        s = arena_alloc(a, (size_t)p->first->slug_len + p->last->slug_len + 4 + EXT_SLACK);
        ext_str(out, s, put_handle(x, p, user_styles, row, s));
        return;
    default: { /* e-mail */
        size_t dmax = 256;
        s = arena_alloc(a, (size_t)p->first->slug_len + p->last->slug_len + 4 + EXT_SLACK + 1 + dmax);
        n = put_handle(x, p, email_styles, row, s);
        s[n++] = '@';
        n += put_domain(x, p, row, s + n);
        ext_str(out, s, n);
        return;
    }
    }
}
