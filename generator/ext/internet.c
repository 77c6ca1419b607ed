/* internet.c: web domains and URLs (of the row's company), IPv4 and IPv6 addresses (public-looking
 * ones, or inside a CIDR block), MAC addresses, user agents, HTTP methods and statuses with
 * realistic weights. E-mail addresses and user names live in person.c (they derive from names).
 * Leaves out: real allocations of address blocks to countries or providers. */
#include "ext.h"

#include <stdio.h>
#include <stdlib.h>

/* First octets of public-looking IPv4 addresses: 1-223 without 0, 10, 100 (shared 100.64/10),
 * 127, 169 (link-local 169.254/16), 172 (172.16/12), 192 (192.168/16 and test nets), 198
 * (benchmarking 198.18/15, test net) and 203 (test net): whole octets are dropped to stay simple. */
static const uint8_t ipv4_first[] = {
    1,   2,   3,   4,   5,   6,   7,   8,   9,   11,  12,  13,  14,  15,  16,  17,  18,  19,  20,
    21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,
    40,  41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,
    59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,  70,  71,  72,  73,  74,  75,  76,  77,
    78,  79,  80,  81,  82,  83,  84,  85,  86,  87,  88,  89,  90,  91,  92,  93,  94,  95,  96,
    97,  98,  99,  101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116,
    117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 128, 129, 130, 131, 132, 133, 134, 135, 136,
    137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155,
    156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 170, 171, 173, 174, 175, 176,
    177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 193, 194, 195, 196,
    197, 199, 200, 201, 202, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217,
    218, 219, 220, 221, 222, 223};
#define NFIRST (sizeof ipv4_first / sizeof ipv4_first[0])

struct weighted_str {
    const char *s;
    int code;
    uint32_t w;
};

/* Weights are estimates for a typical web API's access log. */
static const struct weighted_str methods[] = {
    {"GET", 0, 700}, {"POST", 0, 200}, {"PUT", 0, 30},   {"DELETE", 0, 20},
    {"PATCH", 0, 25}, {"HEAD", 0, 15}, {"OPTIONS", 0, 10},
};
static const struct weighted_str statuses[] = {
    {NULL, 200, 7600}, {NULL, 201, 400}, {NULL, 204, 250}, {NULL, 206, 20}, {NULL, 301, 150},
    {NULL, 302, 200},  {NULL, 304, 400}, {NULL, 400, 120}, {NULL, 401, 100}, {NULL, 403, 60},
    {NULL, 404, 300},  {NULL, 405, 10},  {NULL, 409, 20},  {NULL, 410, 5},   {NULL, 413, 3},
    {NULL, 415, 5},    {NULL, 422, 40},  {NULL, 429, 40},  {NULL, 500, 50},  {NULL, 502, 20},
    {NULL, 503, 25},   {NULL, 504, 15},
};

static const struct weighted_str *pick_w(const struct weighted_str *t, size_t n, uint32_t u)
{
    uint32_t total = 0, v;
    size_t i;

    for (i = 0; i < n; i++)
        total += t[i].w;
    v = ext_scale(u, total);
    for (i = 0; i + 1 < n && v >= t[i].w; i++)
        v -= t[i].w;
    return &t[i];
}

/* ------------------------------------------------------------------ formatting */

static const char hexd[] = "0123456789abcdef";

static size_t put_ipv4(char *p, uint32_t v)
{
    char *w = p;
    int i;

    for (i = 3; i >= 0; i--) {
        w += fmt_u64(w, (v >> (8 * i)) & 0xff);
        if (i)
            *w++ = '.';
    }
    return (size_t)(w - p);
}

/* RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
static size_t put_ipv6(char *p, uint64_t hi, uint64_t lo)
{
    unsigned g[8];
    int i, best = -1, bestn = 1, run = 0;
    char *w = p;

    for (i = 0; i < 8; i++)
        g[i] = (unsigned)(((i < 4 ? hi : lo) >> (16 * (3 - i % 4))) & 0xffff);
    for (i = 0; i < 8; i++) {
        run = g[i] ? 0 : run + 1;
        if (run > bestn) {
            bestn = run;
            best = i - run + 1;
        }
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            w = ext_put(w, "::", 2);
            i += bestn - 1;
            continue;
        }
        if (i && i != best + bestn)
            *w++ = ':';
        if (g[i] >= 0x1000)
            *w++ = hexd[g[i] >> 12];
        if (g[i] >= 0x100)
            *w++ = hexd[(g[i] >> 8) & 15];
        if (g[i] >= 0x10)
            *w++ = hexd[(g[i] >> 4) & 15];
        *w++ = hexd[g[i] & 15];
    }
    return (size_t)(w - p);
}

static size_t put_mac(char *p, uint64_t v, int fmt)
{
    static const char HEXU[] = "0123456789ABCDEF";
    const char *h = fmt == 1 ? HEXU : hexd;
    char *w = p;
    int i;

    for (i = 0; i < 6; i++) {
        unsigned b = (unsigned)(v >> (8 * (5 - i))) & 0xff;
        if (i && fmt == 0)
            *w++ = ':';
        else if (i && fmt == 1)
            *w++ = '-';
        else if (fmt == 2 && (i == 2 || i == 4))
            *w++ = '.';
        *w++ = h[b >> 4];
        *w++ = h[b & 15];
    }
    return (size_t)(w - p);
}

/* ------------------------------------------------------------------ parse */

static int parse_cidr4(const char *s, uint32_t *net, unsigned *bits)
{
    unsigned a[4], pre;
    char tail;
    int i;

    if (sscanf(s, "%u.%u.%u.%u/%u%c", &a[0], &a[1], &a[2], &a[3], &pre, &tail) != 5)
        return -1;
    for (i = 0; i < 4; i++)
        if (a[i] > 255)
            return -1;
    if (pre > 32)
        return -1;
    *net = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
    *bits = 32 - pre;
    if (*bits < 32)
        *net &= ~(uint32_t)((1ULL << *bits) - 1);
    else
        *net = 0;
    return 0;
}

/* "2001:db8::/32": hex groups with at most one "::". */
static int parse_cidr6(const char *s, uint64_t *hi, uint64_t *lo, unsigned *bits)
{
    unsigned g[8] = {0}, head[8], tail[8], pre;
    int nh = 0, nt = 0, *n = &nh, i;
    unsigned *cur = head;
    const char *q = s;
    char *end;

    if (q[0] == ':' && q[1] == ':') {
        cur = tail, n = &nt;
        q += 2;
    }
    while (*q && *q != '/') {
        unsigned long v = strtoul(q, &end, 16);
        if (end == q || end - q > 4 || v > 0xffff || *n >= 8)
            return -1;
        cur[(*n)++] = (unsigned)v;
        q = end;
        if (q[0] == ':' && q[1] == ':') {
            if (cur == tail)
                return -1;
            cur = tail, n = &nt;
            q += 2;
        } else if (*q == ':')
            q++;
    }
    if (*q != '/' || nh + nt > 8 || (cur == head && nh != 8))
        return -1;
    pre = (unsigned)strtoul(q + 1, &end, 10);
    if (*end || end == q + 1 || pre > 128)
        return -1;
    for (i = 0; i < nh; i++)
        g[i] = head[i];
    for (i = 0; i < nt; i++)
        g[8 - nt + i] = tail[i];
    *hi = *lo = 0;
    for (i = 0; i < 4; i++) {
        *hi = (*hi << 16) | g[i];
        *lo = (*lo << 16) | g[4 + i];
    }
    *bits = 128 - pre;
    if (*bits >= 64) {
        *lo = 0;
        if (*bits < 128)
            *hi &= ~((1ULL << (*bits - 64)) - 1);
        else
            *hi = 0;
    } else if (*bits)
        *lo &= ~((1ULL << *bits) - 1);
    return 0;
}

int ext_internet_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                       const cJSON *spec, const char *path)
{
    static const char *const mac_fmt[] = {"colon", "hyphen", "dot", "plain", NULL};
    const char *cidr = NULL;
    char p[PATH_MAX_LEN];
    unsigned mask = ext_mix_mask(x);
    size_t best = 0;
    int loc;

    switch (x->kind) {
    case EXT_DOMAIN:
    case EXT_URL:
        for (loc = 0; loc < FDATA_NLOCALES; loc++)
            if ((mask & (1u << loc)) && ext_company_max(loc) > best)
                best = ext_company_max(loc);
        ext_col_string(e, f, best + (x->kind == EXT_URL ? 12 + 4 + fdata_url_path.max_len + 40 : 0));
        return 0;
    case EXT_IPV4:
        if (pstr(c, spec, path, "cidr", 0, &cidr) < 0)
            return -1;
        if (cidr) {
            uint32_t net;
            if (parse_cidr4(cidr, &net, &x->ip_bits)) {
                perr_val(c, pjoin(p, path, "cidr"), "expected an IPv4 block such as "
                                                    "\"10.0.0.0/8\", got \"%s\"", cidr);
                return -1;
            }
            x->ip_lo = net;
            x->opt = 1;
            x->domain = 1ULL << x->ip_bits;
        } else
            x->domain = (uint64_t)NFIRST << 24;
        if (x->unique)
            x->perm_n = x->domain;
        ext_col_string(e, f, 15);
        return 0;
    case EXT_IPV6:
        x->ip_hi = 0x2000000000000000ULL; /* 2000::/3, global unicast */
        x->ip_bits = 125;
        if (pstr(c, spec, path, "cidr", 0, &cidr) < 0)
            return -1;
        if (cidr && parse_cidr6(cidr, &x->ip_hi, &x->ip_lo, &x->ip_bits)) {
            perr_val(c, pjoin(p, path, "cidr"), "expected an IPv6 block such as "
                                                "\"2001:db8::/32\", got \"%s\"", cidr);
            return -1;
        }
        x->domain = x->ip_bits >= 64 ? 0 : 1ULL << x->ip_bits;
        if (x->unique && x->ip_bits < 64)
            x->perm_n = x->ip_bits > 62 ? 1ULL << 62 : 1ULL << x->ip_bits;
        ext_col_string(e, f, 39);
        return 0;
    case EXT_MAC:
        if ((x->fmt = ext_pchoice(c, spec, path, "format", mac_fmt)) < 0)
            return -1;
        x->domain = 1ULL << 46;
        if (x->unique)
            x->perm_n = x->domain;
        ext_col_string(e, f, 17);
        return 0;
    case EXT_USER_AGENT:
        x->domain = fdata_user_agent.n;
        ext_col_string(e, f, fdata_user_agent.max_len);
        return 0;
    case EXT_HTTP_METHOD:
        x->domain = sizeof methods / sizeof *methods;
        ext_col_string(e, f, 7);
        return 0;
    default: /* status */
        x->domain = sizeof statuses / sizeof *statuses;
        e->cols[f->index].type = FV_INT;
        return 0;
    }
}

/* ------------------------------------------------------------------ eval */

static size_t put_url(const struct ext_field *x, uint64_t row, char *s)
{
    struct ext_company co;
    struct pcg32 r;
    uint32_t u;
    char *w = s;

    ext_company_at(x, row, ext_row_locale(x, row), &co);
    fount_rng_at(&r, x->fkey, row);
    u = pcg32_next(&r);
    w = ext_put(w, "https://", 8);
    if (u % 10 < 7)
        w = ext_put(w, "www.", 4);
    w += ext_company_domain(&co, w);
    *w++ = '/';
    if ((u >> 8) % 10 < 6) {
        const struct fdata_word *seg = &fdata_url_path.w[ext_pick(&fdata_url_path.pick, &r)];
        const struct fdata_word *a = &fdata_lorem.w[ext_pick(&fdata_lorem.pick, &r)];
        const struct fdata_word *b = &fdata_lorem.w[ext_pick(&fdata_lorem.pick, &r)];
        w = ext_put(w, seg->s, seg->len);
        *w++ = '/';
        w = ext_put(w, a->s, a->len);
        *w++ = '-';
        w = ext_put(w, b->s, b->len);
    }
    return (size_t)(w - s);
}

void ext_internet_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                       const struct fount_value *vals, struct fount_value *out, struct arena *a,
                       struct ext_rowcache *rc)
{
    struct pcg32 r;
    char *s;

    (void)rc;
    (void)f;
    (void)vals;
    if (x->kind == EXT_DOMAIN) {
        struct ext_company co;
        int loc = ext_row_locale(x, row);
        ext_company_at(x, row, loc, &co);
        s = arena_alloc(a, x->maxlen + 8);
        ext_str(out, s, ext_company_domain(&co, s));
        return;
    }
    if (x->kind == EXT_URL) {
        s = arena_alloc(a, x->maxlen + 8);
        ext_str(out, s, put_url(x, row, s));
        return;
    }
    fount_rng_at(&r, x->fkey, row);
    switch (x->kind) {
    case EXT_IPV4: {
        uint64_t v = x->unique ? perm_apply(&x->perm, row % x->perm_n) : pcg32_next(&r);
        uint32_t ip;
        if (x->opt)
            ip = (uint32_t)x->ip_lo | (x->ip_bits ? (uint32_t)(v & ((1ULL << x->ip_bits) - 1)) : 0);
        else if (x->unique)
            ip = ((uint32_t)ipv4_first[v >> 24] << 24) | (uint32_t)(v & 0xffffff);
        else
            ip = ((uint32_t)ipv4_first[ext_scale((uint32_t)v, NFIRST)] << 24) |
                 (pcg32_next(&r) & 0xffffff);
        s = arena_alloc(a, 16 + EXT_SLACK);
        ext_str(out, s, put_ipv4(s, ip));
        return;
    }
    case EXT_IPV6: {
        uint64_t hi = pcg32_next64(&r), lo = pcg32_next64(&r);
        if (x->unique) {
            if (x->ip_bits >= 64)
                lo = fount_mix64(row ^ x->fkey); /* a bijection of the row */
            else
                lo = perm_apply(&x->perm, row % x->perm_n);
        }
        if (x->ip_bits >= 64) {
            uint64_t m = x->ip_bits >= 128 ? ~0ULL : (1ULL << (x->ip_bits - 64)) - 1;
            hi = x->ip_hi | (hi & m);
            lo = x->ip_lo | lo;
        } else {
            hi = x->ip_hi;
            lo = x->ip_lo | (x->ip_bits ? lo & ((1ULL << x->ip_bits) - 1) : 0);
        }
        s = arena_alloc(a, 40);
        ext_str(out, s, put_ipv6(s, hi, lo));
        return;
    }
    case EXT_MAC: {
        uint64_t v = x->unique ? perm_apply(&x->perm, row % x->perm_n)
                               : pcg32_next64(&r) & ((1ULL << 46) - 1);
        /* unicast, globally administered: the two low bits of the first octet are 0 */
        uint64_t mac = ((v >> 40) << 42) | (v & 0xffffffffffULL);
        s = arena_alloc(a, 18);
        ext_str(out, s, put_mac(s, mac, x->fmt));
        return;
    }
    case EXT_USER_AGENT: {
        const struct fdata_word *w = &fdata_user_agent.w[ext_pick(&fdata_user_agent.pick, &r)];
        ext_static(out, w->s, w->len);
        return;
    }
    case EXT_HTTP_METHOD: {
        const struct weighted_str *m =
            pick_w(methods, sizeof methods / sizeof *methods, pcg32_next(&r));
        ext_static(out, m->s, strlen(m->s));
        return;
    }
    default:
        out->type = FV_INT;
        out->v.i = pick_w(statuses, sizeof statuses / sizeof *statuses, pcg32_next(&r))->code;
        return;
    }
}
