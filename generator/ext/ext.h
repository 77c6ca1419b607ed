/* ext.h: what the value library's families (person, address, internet, commerce, text, ids,
 * from_file) share: the compiled field (struct ext_field), locale mixes, the per-row identities
 * that make one row's fields agree, and small helpers for writing strings into the arena.
 * Leaves out: the registry of generator names (gen_ext.c) and the word lists (generator/data/).
 *
 * How a row stays consistent without dependencies between fields:
 *   1. Every field names a group ("" by default, or "group": "billing"). The group key is
 *      fount_key(seed, entity, group, "ext"); sub-keys derived from it seed one PCG stream per
 *      identity (locale, person, address, company, phone, card, product) at the row.
 *   2. Each field recomputes the identities it needs from those streams, always drawing the same
 *      numbers in the same order, so person.first_name and internet.email of one row see the same
 *      person whatever the field order, with no deps. (While gen_row makes a row, the first
 *      field to draw a person or an address keeps it in the row's cache for the others: the
 *      same values, drawn once; see struct ext_rowcache in gen_ext.h.)
 *   3. The row's locale is drawn from the field's locale mix with the group's locale stream: fields
 *      with the same mix (the profile's, by default) agree on the locale, so names, address, phone
 *      and currency of a row come from one country.
 * Changing the order or number of draws in an identity changes generated values: it is an
 * algorithm change (bump FOUNT_ALGORITHM_VERSION and regenerate the golden samples). */
#ifndef FOUNT_EXT_H
#define FOUNT_EXT_H

#include <stdint.h>

#include "../common.h"
#include "../data/fount_data.h"
#include "../dist.h"
#include "../gen_ext.h"
#include "../pcg.h"
#include "../perm.h"
#include "../plan.h"
#include "../profile_priv.h"

#define EXT_MAX_MIX 16
#define EXT_MAX_AGE 120
#define EXT_NDEC 19 /* decades of the unique suffix: [0,10), [10,100), ... [10^18, 10^19) */

enum ext_loc { LOC_EN_US, LOC_EN_GB, LOC_DE_DE, LOC_FR_FR, LOC_ES_ES, LOC_PT_BR, LOC_JA_JP, LOC_EN_IN };

/* A weighted mix of locales: "de_DE" or {"en_US": 0.7, "de_DE": 0.3}. */
struct ext_locale {
    size_t n;
    int loc[EXT_MAX_MIX];
    double w[EXT_MAX_MIX];              /* the weights, normalised */
    struct fdata_cell cell[EXT_MAX_MIX]; /* alias table over loc[] */
};

/* What a locale needs besides word lists (locale.c). */
struct ext_locinfo {
    const char *name;           /* "en_US" */
    const char *country;        /* ISO 3166-1 alpha-2 */
    const char *country3;       /* alpha-3 */
    const char *country_name;   /* English short name */
    const char *country_native; /* the country's own name for itself */
    const char *currency;       /* ISO 4217 */
    const char *tld;            /* company domains: "com", "co.uk" */
    const char *phone_cc;       /* ITU E.164 country code, no '+' */
    uint8_t tld_len, cc_len;    /* strlen of tld and phone_cc (filled by hand: hot paths) */
    double lat_min, lat_max, lon_min, lon_max; /* bounding box of the country (of its cities) */
    double female;              /* share of women */
    double mobile;              /* share of mobile numbers among phone numbers */
    double age_band[20];        /* population share per 5-year band, 0-4 ... 95-99 */
    double house_digits[4];     /* weights of 1..4-digit house numbers */
};
extern const struct ext_locinfo ext_locinfo[FDATA_NLOCALES];

/* The generators. */
enum ext_family { FAM_PERSON, FAM_INTERNET, FAM_ADDRESS, FAM_PHONE, FAM_COMPANY, FAM_COMMERCE,
                  FAM_TEXT, FAM_IDS, FAM_FILE };

enum ext_kind {
    EXT_FIRST_NAME, EXT_LAST_NAME, EXT_FULL_NAME, EXT_GENDER, EXT_BIRTH_DATE, EXT_USERNAME,
    EXT_EMAIL, EXT_DOMAIN, EXT_URL, EXT_IPV4, EXT_IPV6, EXT_MAC, EXT_USER_AGENT, EXT_HTTP_METHOD,
    EXT_HTTP_STATUS,
    EXT_STREET, EXT_STREET_NAME, EXT_HOUSE_NUMBER, EXT_CITY, EXT_REGION, EXT_POSTCODE,
    EXT_COUNTRY_CODE, EXT_COUNTRY, EXT_LATITUDE, EXT_LONGITUDE, EXT_ADDRESS,
    EXT_PHONE,
    EXT_COMPANY, EXT_DEPARTMENT, EXT_JOB_TITLE,
    EXT_PRODUCT_NAME, EXT_CATEGORY, EXT_SKU, EXT_PRICE, EXT_CURRENCY, EXT_PAYMENT_METHOD,
    EXT_CREDIT_CARD, EXT_CARD_BRAND, EXT_CARD_EXPIRY, EXT_IBAN,
    EXT_WORD, EXT_SENTENCE, EXT_PARAGRAPH, EXT_WORDS,
    EXT_ULID, EXT_HASHID, EXT_NANOID,
    EXT_FROM_FILE
};

/* A keyed bijection of [0, n), cheaper than perm.h's (one multiply per half-round, a domain less
 * than twice n so cycle-walking takes under two passes on average): the unique suffixes of
 * e-mails and user names. */
struct ext_bij {
    uint64_t n;
    unsigned lbits, rbits;
    uint64_t lmask, rmask;
    uint64_t k[4];
};
void ext_bij_init(struct ext_bij *b, uint64_t n, uint64_t key);
uint64_t ext_bij_apply(const struct ext_bij *b, uint64_t i);

/* Sub-keys of a group: one PCG stream per identity. */
enum ext_sub { SUB_LOCALE, SUB_PERSON, SUB_ADDRESS, SUB_COMPANY, SUB_PHONE, SUB_CARD, SUB_PRODUCT,
               SUB_N };

struct ext_field {
    enum ext_kind kind;
    struct ext_locale own;        /* the field's "locale", when it names one */
    const struct ext_locale *mix; /* &own, the profile's, or en_US */
    char *group;                  /* "" for the row's default group */
    uint64_t gsub[SUB_N];         /* sub-keys of the group key */
    uint64_t fkey;                /* fount_key(seed, entity, field, "ext"): field-local draws */
    uint64_t domain;              /* distinct values (0: too many to count) */
    size_t maxlen;                /* longest string value in bytes (ext_col_string) */
    int unique;
    int fmt;                      /* kind-specific variant ("format" and similar keys) */
    double rate;                  /* kind-specific probability */
    int opt;                      /* kind-specific switch */
    int64_t lo, hi;               /* kind-specific bounds (ages, cents, counts, lengths) */
    int64_t asof;                 /* birth dates: ages are counted at this day */
    int age_min, age_max;
    int64_t asof_year;
    uint8_t style[100];           /* e-mail and user-name styles by a draw in [0, 100) */
    struct fdata_cell *ages;      /* [FDATA_NLOCALES][EXT_MAX_AGE + 1]: alias tables over ages */
    int32_t *birth;               /* [3][EXT_MAX_AGE + 1]: first birth day, days in the window and
                                   * January 1st of the later year, for each age */
    struct perm perm;             /* unique values with a fixed domain */
    uint64_t perm_n;
    struct ext_bij dec[EXT_NDEC]; /* unique e-mails and user names: one bijection per decade */
    /* user-supplied strings (e-mail domains, words, from_file values, alphabets); owned */
    char **str;
    uint32_t *slen;
    size_t nstr;
    struct dist wd;               /* weights over str, when weighted */
    int weighted;
    char *sep;                    /* words: separator */
    size_t seplen;
    /* internet.ipv4/ipv6 */
    uint64_t ip_hi, ip_lo;        /* network address (ipv4 in ip_lo) */
    unsigned ip_bits;             /* host bits */
    /* ids.ulid */
    int time_field;
    int64_t start, step;
    /* commerce.iban, commerce.credit_card: allowed countries / brands */
    int ccount;
    int cidx[32];
};

/* ------------------------------------------------------------------ locales (locale.c) */

/* Parse a locale spec (a name or an object of weights) into *m. Reports through c; -1 on error. */
int ext_locale_parse(struct pctx *c, const cJSON *node, const char *path, struct ext_locale *m);
extern const struct ext_locale ext_locale_default; /* en_US */
/* The row's locale index under the field's mix (below, once struct ext_field is complete). */
static inline int ext_row_locale(const struct ext_field *x, uint64_t row);
/* The age tables of x for ages [min_age, max_age] counted at x->asof. */
void ext_age_table(struct ext_field *x, int min_age, int max_age);
/* A 64-bit draw to an age under locale loc. */
int ext_age_pick(const struct ext_field *x, int loc, uint64_t z);

/* Identities draw counter-style: component k of (key, row) is a 64-bit hash of its own, so a
 * field computes only the components it reads, in any order. */
static inline uint64_t ext_base(uint64_t key, uint64_t row)
{
    return fount_mix64(key + (row + 1) * 0x9e3779b97f4a7c15ULL);
}
static inline uint64_t ext_draw(uint64_t base, unsigned k)
{
    return fount_mix64(base ^ (0xd1b54a32d192ed03ULL * (k + 1)));
}

/* Alias-table pick from a 64-bit draw: the high half chooses a column, the low half the coin. */
static inline uint32_t ext_pick_z(const struct fdata_alias *t, uint64_t z)
{
    uint32_t i = (uint32_t)(((z >> 32) * t->n) >> 32);
    struct fdata_cell c = t->cell[i];
    uint32_t keep = 0u - (uint32_t)((uint32_t)z < c.prob); /* branch-free: coin flips */

    return (i & keep) | (c.alias & ~keep);
}
static inline uint32_t ext_pick(const struct fdata_alias *t, struct pcg32 *r)
{
    return ext_pick_z(t, pcg32_next64(r));
}

/* A uniform 32-bit value mapped to [0, n) by multiply-shift (no rejection: the bias is below
 * n / 2^32, invisible in test data, and the draw count stays fixed). */
static inline uint32_t ext_scale(uint32_t u, uint32_t n)
{
    return (uint32_t)(((uint64_t)u * n) >> 32);
}

static inline int ext_row_locale(const struct ext_field *x, uint64_t row)
{
    const struct ext_locale *m = x->mix;
    struct fdata_alias t;

    if (m->n == 1)
        return m->loc[0];
    t.n = (uint32_t)m->n;
    t.cell = m->cell;
    return m->loc[ext_pick_z(&t, ext_base(x->gsub[SUB_LOCALE], row))];
}

/* ------------------------------------------------------------------ identities */

/* Components of the person identity (ext_draw indexes). */
/* (The gender comes from the base itself.) */
enum { P_FIRST, P_LAST, P_LAST2, P_BIRTH, P_STYLE, P_DOMAIN };

/* struct ext_person is in gen_ext.h (the row cache holds one). */
void ext_person_at(const struct ext_field *x, uint64_t row, struct ext_person *p);
/* Days since 1970-01-01 of the person's birth, under the field's age table and as_of. */
int64_t ext_person_birth(const struct ext_field *x, const struct ext_person *p);

enum { C_PATTERN, C_L, C_L2, C_WORD, C_SUFFIX, C_DEPT, C_LEVEL, C_ROLE };

struct ext_company {
    int loc;
    const struct fdata_word *pattern, *l, *l2, *w, *s;
};
void ext_company_at(const struct ext_field *x, uint64_t row, int loc, struct ext_company *c);
/* The company's name / domain into p (room: ext_company_max); returns the length. */
size_t ext_company_name(const struct ext_company *c, char *p);
size_t ext_company_domain(const struct ext_company *c, char *p);
size_t ext_company_max(int loc);

/* The row's address identity (struct ext_addr, gen_ext.h): locale, address stream, city. */
void ext_addr_at(const struct ext_field *x, uint64_t row, struct ext_addr *ad);

/* ------------------------------------------------------------------ the row cache */

/* The slot of rc holding identity kind of x's group and mix at row, or NULL (also for rc NULL). */
static inline const struct ext_rowslot *ext_rc_find(const struct ext_rowcache *rc, int kind,
                                                    const struct ext_field *x, uint64_t row)
{
    unsigned i;

    if (!rc)
        return NULL;
    for (i = 0; i < rc->n; i++) {
        const struct ext_rowslot *s = &rc->slot[i];
        if (s->kind == kind && s->group == x->gsub[SUB_LOCALE] && s->row == row &&
            s->mix == (const void *)x->mix)
            return s;
    }
    return NULL;
}

/* A free slot of rc for identity kind of x's group and mix at row, or NULL (rc NULL or full:
 * the identity is then drawn again by the next field that needs it). */
static inline struct ext_rowslot *ext_rc_add(struct ext_rowcache *rc, int kind,
                                             const struct ext_field *x, uint64_t row)
{
    struct ext_rowslot *s;

    if (!rc || rc->n >= EXT_ROWCACHE_SLOTS)
        return NULL;
    s = &rc->slot[rc->n++];
    s->kind = kind;
    s->group = x->gsub[SUB_LOCALE];
    s->row = row;
    s->mix = x->mix;
    return s;
}

/* The row's person under x's group and mix: kept in rc, or drawn into *tmp (and kept). */
static inline const struct ext_person *ext_person_of(const struct ext_field *x, uint64_t row,
                                                     struct ext_rowcache *rc,
                                                     struct ext_person *tmp)
{
    const struct ext_rowslot *s = ext_rc_find(rc, SUB_PERSON, x, row);
    struct ext_rowslot *n;

    if (s)
        return &s->u.person;
    ext_person_at(x, row, tmp);
    if ((n = ext_rc_add(rc, SUB_PERSON, x, row)) != NULL)
        n->u.person = *tmp;
    return tmp;
}

/* The row's address under x's group and mix, the same way. */
static inline const struct ext_addr *ext_addr_of(const struct ext_field *x, uint64_t row,
                                                 struct ext_rowcache *rc, struct ext_addr *tmp)
{
    const struct ext_rowslot *s = ext_rc_find(rc, SUB_ADDRESS, x, row);
    struct ext_rowslot *n;

    if (s)
        return &s->u.addr;
    ext_addr_at(x, row, tmp);
    if ((n = ext_rc_add(rc, SUB_ADDRESS, x, row)) != NULL)
        n->u.addr = *tmp;
    return tmp;
}

/* The row's locale under x's mix: from any identity of the group kept in rc, else drawn. */
static inline int ext_locale_of(const struct ext_field *x, uint64_t row,
                                const struct ext_rowcache *rc)
{
    const struct ext_rowslot *s = ext_rc_find(rc, SUB_ADDRESS, x, row);

    if (s)
        return s->u.addr.loc;
    if ((s = ext_rc_find(rc, SUB_PERSON, x, row)) != NULL)
        return s->u.person.loc;
    return ext_row_locale(x, row);
}

/* ------------------------------------------------------------------ families */

#define EXT_FAMILY(fam)                                                                          \
    int ext_##fam##_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x, \
                          const cJSON *spec, const char *path);                                  \
    void ext_##fam##_eval(const struct field *f, const struct ext_field *x, uint64_t row,        \
                          const struct fount_value *vals, struct fount_value *out,               \
                          struct arena *a, struct ext_rowcache *rc)
EXT_FAMILY(person);
EXT_FAMILY(internet);
EXT_FAMILY(address);
EXT_FAMILY(phone);
EXT_FAMILY(company);
EXT_FAMILY(commerce);
EXT_FAMILY(text);
EXT_FAMILY(ids);
EXT_FAMILY(from_file);
#undef EXT_FAMILY

/* ------------------------------------------------------------------ helpers (gen_ext.c) */

/* The unique suffix of e-mails and user names: a bijection of the row onto the natural numbers
 * that keeps the number of digits (rows 10..99 map onto 10..99, ...). */
uint64_t ext_unique_number(const struct ext_field *x, uint64_t row);
/* A static string as a value (no copy). */
static inline void ext_static(struct fount_value *out, const char *s, size_t n)
{
    out->type = FV_STRING;
    out->v.s = s;
    out->len = (uint32_t)n;
}
/* An arena string as a value. */
static inline void ext_str(struct fount_value *out, const char *s, size_t n)
{
    out->type = FV_STRING;
    out->v.s = s;
    out->len = (uint32_t)n;
}
/* Copies n bytes and returns the end. Names and words are short, and their lengths are as
 * random as the draws that pick them, so a branch per length bit mispredicts about half the
 * time: 4 to 16 bytes go as four 4-byte moves at offsets that overlap as needed (0, n - 4 and
 * two in between), with no branch on n. Reads and writes nothing outside [s, s + n), [p, p + n). */
static inline char *ext_put(char *p, const char *s, size_t n)
{
    uint32_t w0, w1, w2, w3;
    size_t b, c;

    if (FOUNT_LIKELY(n - 4 <= 12)) {
        b = n - 4 < 4 ? n - 4 : 4; /* min(4, n - 4) */
        c = n >= 8 ? n - 8 : 0;    /* max(0, n - 8) */
        memcpy(&w0, s, 4);
        memcpy(&w1, s + b, 4);
        memcpy(&w2, s + c, 4);
        memcpy(&w3, s + n - 4, 4);
        memcpy(p, &w0, 4);
        memcpy(p + b, &w1, 4);
        memcpy(p + c, &w2, 4);
        memcpy(p + n - 4, &w3, 4);
        return p + n;
    }
    if (n > 16) {
        memcpy(p, s, n);
        return p + n;
    }
    if (n >= 2) {
        uint16_t h0, h1;
        memcpy(&h0, s, 2);
        memcpy(&h1, s + n - 2, 2);
        memcpy(p, &h0, 2);
        memcpy(p + n - 2, &h1, 2);
    } else if (n)
        *p = *s;
    return p + n;
}
static inline char *ext_puts(char *p, const char *s)
{
    return ext_put(p, s, strlen(s));
}
/* fmt_u64 may write up to FMT_I64_MAX bytes from where the number starts (it stores 8 bytes at a
 * time): buffers that receive numbers keep this much room past their longest text. */
#define EXT_SLACK FMT_I64_MAX

/* n decimal digits of v, zero-padded. */
char *ext_digits(char *p, uint64_t v, int n);
/* The keys "format" (one of names, default first) and similar string choices: returns the index,
 * 0 when absent, -1 when reported. */
int ext_pchoice(struct pctx *c, const cJSON *spec, const char *path, const char *key,
                const char *const *names);
/* The column is a string of at most max_len bytes (also kept in x->maxlen). */
void ext_col_string(struct entity *e, struct field *f, size_t max_len);
/* The locales a field's mix can produce (a bitmask). */
unsigned ext_mix_mask(const struct ext_field *x);
/* The field's unique values come from x->perm over [0, n). */
void ext_perm_setup(struct ext_field *x, uint64_t n);
/* Distinct strings among lists (for cardinality): counts each distinct s once. */
uint64_t ext_distinct_words(const struct fdata_list *const *lists, size_t nlists);
/* Parse an array of strings (or a string) into x->str; weights from a parallel "weights"
 * array when present. Returns 0 or -1 (reported). */
int ext_pstrings(struct pctx *c, const cJSON *spec, const char *path, const char *key,
                 const char *wkey, struct ext_field *x, int required);

#endif
