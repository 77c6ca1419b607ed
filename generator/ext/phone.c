/* phone.c: telephone numbers in E.164 ("+442079460958"), international ("+44 20 7946 0958") and
 * national ("020 7946 0958") formats. The country is the row's locale; landline numbers take the
 * area code of the row's city (the address group), so a phone agrees with the address.
 * Leaves out: number-range validity below the area code (subscriber digits are random, within
 * each plan's length and first-digit rules), and fictional-only ranges (too small for big runs). */
#include "ext.h"

#include <stdio.h>

enum { PH_E164, PH_INTERNATIONAL, PH_NATIONAL };
enum { PT_ANY, PT_MOBILE, PT_LANDLINE };

struct number {
    char nsn[16];   /* national significant number */
    int n;
    char nat[32];   /* national format mask: '#' takes the next digit */
    char intl[32];  /* international format mask */
    int nomask;     /* E.164 needs no masks: skip building them */
};

static void setm(struct number *nb, const char *nat, const char *intl)
{
    if (nb->nomask)
        return;
    memcpy(nb->nat, nat, strlen(nat) + 1); /* masks are literals shorter than the arrays */
    memcpy(nb->intl, intl, strlen(intl) + 1);
}

/* Random decimal digits from 64-bit draws, read as binary fractions: each digit is the integer
 * part of the fraction times ten (one multiply). 18 digits per draw. */
struct digits {
    uint64_t z[2];
    int used;
};
static int dnext(struct digits *d)
{
    int i = d->used++ >= 18;
    __uint128_t m = (__uint128_t)d->z[i] * 10;

    d->z[i] = (uint64_t)m;
    return (int)(m >> 64);
}

static void add(struct number *nb, int digit)
{
    nb->nsn[nb->n++] = (char)('0' + digit);
}
static void add_str(struct number *nb, const char *s)
{
    while (*s)
        nb->nsn[nb->n++] = *s++;
}
static void add_area(struct number *nb, const char *s, int n)
{
    memcpy(nb->nsn + nb->n, s, (size_t)n);
    nb->n += n;
}
static void add_rand(struct number *nb, struct digits *d, int count)
{
    while (count-- > 0)
        add(nb, dnext(d));
}

/* Masks: a prefix, then groups of '#' separated by sep. */
static void mask(char *m, const char *prefix, const int *groups, int ngroups, char sep)
{
    int g, i;

    m = ext_puts(m, prefix);
    for (g = 0; g < ngroups; g++) {
        if (g)
            *m++ = sep;
        for (i = 0; i < groups[g]; i++)
            *m++ = '#';
    }
    *m = '\0';
}

/* The same groups in the national (with the trunk prefix) and international forms. */
static void masks(struct number *nb, const char *cc, const char *trunk, const int *groups,
                  int ngroups, char sep)
{
    char pre[8];

    if (nb->nomask)
        return;
    mask(nb->nat, trunk, groups, ngroups, sep);
    snprintf(pre, sizeof pre, "+%s ", cc);
    mask(nb->intl, pre, groups, ngroups, sep);
}

static void make(int loc, int mobile, const struct fdata_city *city, struct digits *d,
                 struct number *nb)
{
    const char *area = city->phone_area;
    int alen = (int)city->phone_area_len, g[4];

    nb->n = 0;
    switch (loc) {
    case LOC_EN_US: /* NANP: area, exchange 2-9 (never N11), line */
        add_area(nb, area, alen);
        add(nb, 2 + dnext(d) % 8);
        add_rand(nb, d, 2);
        if (nb->nsn[4] == '1' && nb->nsn[5] == '1')
            nb->nsn[5] = '2';
        add_rand(nb, d, 4);
        setm(nb, "(###) ###-####", "+1 ###-###-####");
        return;
    case LOC_EN_GB: /* 10-digit NSN */
        if (mobile) {
            static const char m2[] = "12345789";
            add(nb, 7);
            nb->nsn[nb->n++] = m2[dnext(d) % 8];
            add_rand(nb, d, 8);
            g[0] = 4, g[1] = 6;
            masks(nb, "44", "0", g, 2, ' ');
            return;
        }
        add_area(nb, area, alen);
        add(nb, 2 + dnext(d) % 7);
        add_rand(nb, d, 10 - alen - 1);
        if (alen == 2)
            g[0] = 2, g[1] = 4, g[2] = 4;
        else if (alen == 3)
            g[0] = 3, g[1] = 3, g[2] = 4;
        else
            g[0] = alen, g[1] = 10 - alen, g[2] = 0;
        masks(nb, "44", "0", g, g[2] ? 3 : 2, ' ');
        return;
    case LOC_DE_DE:
        if (mobile) {
            static const char *const pre[] = {"151", "152", "155", "157", "159", "160", "162",
                                              "163", "170", "171", "172", "173", "174", "175",
                                              "176", "177", "178", "179"};
            int hi = dnext(d);
            add_str(nb, pre[(hi * 10 + dnext(d)) % 18]);
            add_rand(nb, d, 8);
            g[0] = 3, g[1] = 8;
        } else {
            add_area(nb, area, alen);
            add(nb, 1 + dnext(d) % 9);
            add_rand(nb, d, 10 - alen - 1);
            g[0] = alen, g[1] = 10 - alen;
        }
        masks(nb, "49", "0", g, 2, ' ');
        return;
    case LOC_FR_FR: /* 9-digit NSN: zone or 6/7 */
        if (mobile) {
            add(nb, 6 + (dnext(d) >= 8)); /* about one in five mobiles is a 07 */
            if (nb->nsn[0] == '7')
                add(nb, 3 + dnext(d) % 6);
            else
                add(nb, dnext(d));
        } else {
            add_area(nb, area, alen);
            add(nb, dnext(d));
        }
        add_rand(nb, d, 9 - nb->n);
        setm(nb, "0# ## ## ## ##", "+33 # ## ## ## ##");
        return;
    case LOC_ES_ES: /* 9-digit NSN: 6xx/7xx mobile, 8xx/9xx landline */
        if (mobile) {
            add(nb, 6);
            add_rand(nb, d, 8);
        } else {
            add_area(nb, area, alen);
            add_rand(nb, d, 9 - alen);
        }
        setm(nb, "### ## ## ##", "+34 ### ## ## ##");
        return;
    case LOC_PT_BR: /* DDD + 9 + 8 digits (mobile) or DDD + [2-5] + 7 */
        add_area(nb, area, alen);
        if (mobile) {
            add(nb, 9);
            add(nb, 6 + dnext(d) % 4);
            add_rand(nb, d, 7);
            setm(nb, "(##) #####-####", "+55 ## #####-####");
        } else {
            add(nb, 2 + dnext(d) % 4);
            add_rand(nb, d, 7);
            setm(nb, "(##) ####-####", "+55 ## ####-####");
        }
        return;
    case LOC_JA_JP:
        if (mobile) { /* 090/080/070 + 8 digits */
            add(nb, 7 + dnext(d) % 3);
            add(nb, 0);
            add(nb, 1 + dnext(d) % 9);
            add_rand(nb, d, 7);
            g[0] = 2, g[1] = 4, g[2] = 4;
        } else { /* 9-digit NSN: area, exchange, 4-digit line */
            add_area(nb, area, alen);
            add(nb, 1 + dnext(d) % 9);
            add_rand(nb, d, 9 - alen - 1);
            g[0] = alen, g[1] = 5 - alen, g[2] = 4;
        }
        masks(nb, "81", "0", g, 3, '-');
        return;
    default: /* en_IN: 10-digit NSN */
        if (mobile) {
            add(nb, 6 + dnext(d) % 4);
            add_rand(nb, d, 9);
            g[0] = 5, g[1] = 5;
            masks(nb, "91", "0", g, 2, ' ');
            return;
        }
        add_area(nb, area, alen);
        add(nb, 2 + dnext(d) % 6);
        add_rand(nb, d, 10 - alen - 1);
        g[0] = alen, g[1] = alen == 2 ? 4 : 10 - alen - 4, g[2] = 4;
        masks(nb, "91", "0", g, 3, ' ');
        return;
    }
}

static size_t render(const char *m, const struct number *nb, char *p)
{
    char *w = p;
    int i = 0;

    for (; *m; m++)
        *w++ = *m == '#' ? (i < nb->n ? nb->nsn[i++] : '0') : *m;
    return (size_t)(w - p);
}

int ext_phone_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                    const cJSON *spec, const char *path)
{
    static const char *const fmts[] = {"e164", "international", "national", NULL};
    static const char *const kinds[] = {"any", "mobile", "landline", NULL};

    if ((x->fmt = ext_pchoice(c, spec, path, "format", fmts)) < 0 ||
        (x->opt = ext_pchoice(c, spec, path, "kind", kinds)) < 0)
        return -1;
    ext_col_string(e, f, 20);
    return 0;
}

void ext_phone_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                    const struct fount_value *vals, struct fount_value *out, struct arena *a,
                    struct ext_rowcache *rc)
{
    struct ext_addr tmp;
    const struct ext_addr *ad = ext_addr_of(x, row, rc, &tmp); /* the city's area code */
    int loc = ad->loc;
    const struct ext_locinfo *li = &ext_locinfo[loc];
    uint64_t base = ext_base(x->gsub[SUB_PHONE], row);
    uint32_t u = (uint32_t)(ext_draw(base, 0) >> 32);
    struct number nb;
    struct digits d;
    int mobile;
    char *s;

    (void)f;
    (void)vals;
    d.z[0] = ext_draw(base, 1);
    d.z[1] = ext_draw(base, 2);
    d.used = 0;
    nb.nomask = x->fmt == PH_E164;
    mobile = x->opt == PT_ANY ? (double)u < li->mobile * 4294967296.0 : x->opt == PT_MOBILE;
    make(loc, mobile, ad->city, &d, &nb);
    s = arena_alloc(a, 32);
    if (x->fmt == PH_E164) {
        char *w = s;
        *w++ = '+';
        w = ext_put(w, li->phone_cc, li->cc_len);
        w = ext_put(w, nb.nsn, (size_t)nb.n);
        ext_str(out, s, (size_t)(w - s));
    } else
        ext_str(out, s, render(x->fmt == PH_NATIONAL ? nb.nat : nb.intl, &nb, s));
}
