/* test_gen.c: the determinism contract of gen.c (DESIGN.md section 2): a value depends only on
 * (seed, entity, field, row). Chunks equal rows made one by one in another order; references point
 * at existing parent rows; "per" entities enumerate their parents; unique fields never repeat;
 * adding a field or changing another entity's count changes nothing else; --seed changes values
 * reproducibly; null_rate holds and is drawn from its own stream. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "profile.h"

/* ---------- helpers ---------- */

static struct plan *compile(const char *text, double scale)
{
    struct buf errs;
    struct fount_err err;
    struct plan *p;
    int n = 0;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    buf_append(&errs, "", 1);
    cr_assert_not_null(p, "profile rejected:\n%s", errs.data);
    buf_free(&errs);
    err.msg[0] = '\0';
    cr_assert_eq(plan_prepare(p, scale, 2, NULL, &err), 0, "plan_prepare: %s", err.msg);
    return p;
}

static struct entity *ent(const struct plan *p, const char *name)
{
    struct entity *e = plan_entity(p, name);

    cr_assert_not_null(e, "no entity %s", name);
    return e;
}

static int field_of(const struct entity *e, const char *name)
{
    int i = entity_field(e, name);

    cr_assert_geq(i, 0, "no field %s.%s", e->name, name);
    return i;
}

/* A value as text, with its type: "NULL" for nulls, so "" and NULL differ. */
static void cell(char *out, size_t n, const struct fount_value *v, const struct fount_column *c)
{
    char tmp[512];
    size_t k;

    if (v->type == FV_NULL) {
        snprintf(out, n, "NULL");
        return;
    }
    k = fmt_value(tmp, sizeof tmp - 1, v, c);
    tmp[k] = '\0';
    snprintf(out, n, "%d:%s", v->type, tmp);
}

/* Every row of e, each value as text (rows[r * nfields + f]), made by gen_chunk in chunk order. */
static char **rows_by_chunk(const struct entity *e)
{
    char **t = calloc((size_t)e->count * e->nfields + 1, sizeof *t), buf[600];
    struct gen_buf gb;
    uint64_t c, i, next = 0;
    size_t f;

    cr_assert_not_null(t);
    gen_buf_init(&gb);
    for (c = 0; c < plan_nchunks(e); c++) {
        struct fount_batch b;
        gen_chunk(e, c, &gb, &b);
        cr_assert_eq(b.first_row, next, "%s chunk %llu starts at %llu, want %llu", e->name,
                     (unsigned long long)c, (unsigned long long)b.first_row,
                     (unsigned long long)next);
        cr_assert_eq(b.first_of_relation, c == 0);
        cr_assert_eq(b.rel, &e->rel);
        for (i = 0; i < b.nrows; i++)
            for (f = 0; f < e->nfields; f++) {
                cell(buf, sizeof buf, &b.vals[i * e->nfields + f], &e->cols[f]);
                t[(b.first_row + i) * e->nfields + f] = strdup(buf);
            }
        next += b.nrows;
    }
    cr_assert_eq(next, e->count, "%s: chunks hold %llu rows, count is %llu", e->name,
                 (unsigned long long)next, (unsigned long long)e->count);
    gen_buf_free(&gb);
    return t;
}

static void free_rows(const struct entity *e, char **t)
{
    size_t i;

    for (i = 0; i < (size_t)e->count * e->nfields; i++)
        free(t[i]);
    free(t);
}

/* The parent and child index of every row of a "per" entity, from plan_children_of. */
static void per_positions(const struct entity *e, uint64_t *parent, uint64_t *child)
{
    uint64_t p, k, row = 0;

    for (p = 0; p < e->parent->count; p++)
        for (k = 0; k < plan_children_of(e, p); k++) {
            cr_assert_lt(row, e->count);
            parent[row] = p;
            child[row] = k;
            row++;
        }
    cr_assert_eq(row, e->count, "%s: children sum to %llu, count is %llu", e->name,
                 (unsigned long long)row, (unsigned long long)e->count);
}

/* A field that only the enumerating parent can compute, alone or through what it reads
 * (gen_value_at has no parent). */
static int needs_parent(const struct entity *e, const struct field *f)
{
    size_t i;

    if ((f->gen == GEN_SEQUENCE && f->per_parent) || (f->gen == GEN_REF && f->ref_parent))
        return 1;
    for (i = 0; i < f->ndeps; i++)
        if (needs_parent(e, &e->fields[f->deps[i]]))
            return 1;
    return 0;
}

/* ---------- the profile most tests use ---------- */

static const char shop[] =
    "{\"seed\": 7, \"entities\": {\n"
    " \"users\": {\"count\": 5000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\", \"start\": 100, \"step\": 3},\n"
    "  \"code\": {\"type\": \"string\", \"pattern\": \"U-??##\", \"unique\": true},\n"
    "  \"name\": {\"type\": \"choice\", \"values\": [\"Ann\", \"Bob\", \"Chloé\", \"Dan\"],"
    "            \"weights\": [4, 3, 2, 1]},\n"
    "  \"email\": {\"type\": \"template\", \"template\": \"{name|slug}.{id}@example.com\"},\n"
    "  \"score\": {\"type\": \"float\", \"min\": 0, \"max\": 1, \"decimals\": 4,"
    "             \"null_rate\": 0.3},\n"
    "  \"age\": {\"type\": \"int\", \"min\": 18, \"max\": 90,"
    "           \"distribution\": {\"type\": \"normal\", \"mean\": 40, \"stddev\": 12}},\n"
    "  \"joined\": {\"type\": \"date\", \"min\": \"2020-01-01\", \"max\": \"2024-12-31\"},\n"
    "  \"seen\": {\"type\": \"timestamp\", \"min\": \"2024-01-01T00:00:00Z\","
    "            \"max\": \"2024-12-31T23:59:59Z\", \"precision\": \"ms\"},\n"
    "  \"uid\": {\"type\": \"uuid\"},\n"
    "  \"uid7\": {\"type\": \"uuid\", \"version\": 7, \"time_field\": \"seen\"},\n"
    "  \"vip\": {\"type\": \"bool\", \"probability\": 0.1},\n"
    "  \"tier\": {\"type\": \"const\", \"value\": \"gold\"}\n"
    " }},\n"
    " \"orders\": {\"count\": 20000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"user_id\": {\"type\": \"ref\", \"entity\": \"users\"},\n"
    "  \"user_code\": {\"type\": \"ref\", \"entity\": \"users\", \"field\": \"code\","
    "                 \"distribution\": {\"type\": \"zipf\", \"s\": 1.0}},\n"
    "  \"user_code2\": {\"type\": \"ref\", \"entity\": \"users\", \"field\": \"code\","
    "                  \"distribution\": {\"type\": \"normal\", \"mean\": 2500,"
    "                                   \"stddev\": 500}},\n"
    "  \"amount\": {\"type\": \"decimal\", \"precision\": 8, \"scale\": 2, \"min\": 1,"
    "              \"max\": 1000,"
    "              \"distribution\": {\"type\": \"lognormal\", \"mu\": 3, \"sigma\": 1}},\n"
    "  \"at\": {\"type\": \"timestamp\", \"min\": \"2024-01-01\", \"max\": \"2024-06-30\"}\n"
    " }},\n"
    " \"items\": {\"per\": {\"entity\": \"orders\", \"count\": {\"min\": 0, \"max\": 4}},\n"
    "  \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"order_id\": {\"type\": \"ref\", \"entity\": \"orders\"},\n"
    "  \"line\": {\"type\": \"sequence\", \"per_parent\": true},\n"
    "  \"user_id\": {\"type\": \"ref\", \"entity\": \"users\"},\n"
    "  \"label\": {\"type\": \"template\", \"template\": \"{order_id}/{line}\"}\n"
    " }},\n"
    " \"notes\": {\"per\": {\"entity\": \"users\","
    "            \"count\": {\"type\": \"poisson\", \"lambda\": 1.5, \"max\": 6}},\n"
    "  \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"user_id\": {\"type\": \"ref\", \"entity\": \"users\"},\n"
    "  \"text\": {\"type\": \"string\", \"pattern\": \"@@@@ @@@\", \"null_rate\": 0.5}\n"
    " }}\n"
    "}}\n";

/* ---------- determinism ---------- */

/* gen_chunk over every chunk equals gen_row and gen_value_at evaluated row by row backwards. */
Test(gen, chunks_equal_rows_in_reverse)
{
    struct plan *p = compile(shop, 1);
    struct arena a;
    size_t i, f;

    arena_init(&a, 1 << 16);
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[i];
        char **t = rows_by_chunk(e), buf[600];
        struct fount_value *vals = calloc(e->nfields, sizeof *vals);
        uint64_t *par = calloc((size_t)e->count + 1, sizeof *par);
        uint64_t *chi = calloc((size_t)e->count + 1, sizeof *chi);
        uint64_t r;
        if (e->parent)
            per_positions(e, par, chi);
        for (r = e->count; r-- > 0;) {
            struct rowpos pos;
            memset(&pos, 0, sizeof pos);
            pos.row = r;
            pos.parent = par[r];
            pos.child = chi[r];
            arena_reset(&a);
            gen_row(e, &pos, vals, &a);
            for (f = 0; f < e->nfields; f++) {
                cell(buf, sizeof buf, &vals[f], &e->cols[f]);
                cr_assert_str_eq(buf, t[r * e->nfields + f], "%s row %llu field %s: gen_row",
                                 e->name, (unsigned long long)r, e->fields[f].name);
            }
            /* field by field, each on its own (reverse field order too) */
            for (f = e->nfields; f-- > 0;) {
                struct fount_value v;
                if (needs_parent(e, &e->fields[f]))
                    continue;
                gen_value_at(e, (int)f, r, &v, &a);
                cell(buf, sizeof buf, &v, &e->cols[f]);
                cr_assert_str_eq(buf, t[r * e->nfields + f], "%s row %llu field %s: gen_value_at",
                                 e->name, (unsigned long long)r, e->fields[f].name);
            }
        }
        free(par);
        free(chi);
        free(vals);
        free_rows(e, t);
    }
    arena_free(&a);
    plan_free(p);
}

/* Two plans from the same text make the same bytes, whatever the threads used to count children. */
Test(gen, same_profile_same_values)
{
    struct plan *a = compile(shop, 1), *b;
    struct fount_err err;
    size_t i, k;

    b = profile_load_text("t.json", shop, strlen(shop), NULL, NULL);
    cr_assert_not_null(b);
    cr_assert_eq(plan_prepare(b, 1, 7, NULL, &err), 0, "%s", err.msg);
    for (i = 0; i < a->nents; i++) {
        char **x = rows_by_chunk(&a->ents[i]), **y = rows_by_chunk(&b->ents[i]);
        cr_assert_eq(a->ents[i].count, b->ents[i].count);
        for (k = 0; k < (size_t)a->ents[i].count * a->ents[i].nfields; k++)
            cr_assert_str_eq(x[k], y[k], "%s value %zu", a->ents[i].name, k);
        free_rows(&a->ents[i], x);
        free_rows(&b->ents[i], y);
    }
    plan_free(a);
    plan_free(b);
}

/* ---------- references ---------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every ref value is the key of an existing parent row: sequence keys by range and step, pattern
 * keys by lookup in the sorted set of the parent's keys. */
Test(gen, referential_integrity)
{
    struct plan *p = compile(shop, 1);
    const struct entity *users = ent(p, "users"), *orders = ent(p, "orders");
    const struct entity *items = ent(p, "items"), *notes = ent(p, "notes");
    char **codes = calloc((size_t)users->count, sizeof *codes);
    struct arena a;
    uint64_t r, hits_first = 0;
    int fcode = field_of(users, "code");
    struct {
        const struct entity *e;
        const char *field;
        const struct entity *target;
        int64_t start, step; /* the target's sequence */
    } seqrefs[] = {
        {orders, "user_id", users, 100, 3},
        {items, "user_id", users, 100, 3},
        {items, "order_id", orders, 1, 1},
        {notes, "user_id", users, 100, 3},
    };
    size_t i;

    arena_init(&a, 1 << 20);
    for (r = 0; r < users->count; r++) {
        struct fount_value v;
        gen_value_at(users, fcode, r, &v, &a);
        cr_assert_eq(v.type, FV_STRING);
        codes[r] = strndup(v.v.s, v.len);
    }
    qsort(codes, (size_t)users->count, sizeof *codes, cmp_str);
    for (i = 0; i < sizeof seqrefs / sizeof seqrefs[0]; i++) {
        const struct entity *e = seqrefs[i].e;
        int fi = field_of(e, seqrefs[i].field);
        struct gen_buf gb;
        uint64_t c;
        gen_buf_init(&gb);
        for (c = 0; c < plan_nchunks(e); c++) {
            struct fount_batch b;
            size_t j;
            gen_chunk(e, c, &gb, &b);
            for (j = 0; j < b.nrows; j++) {
                const struct fount_value *v = &b.vals[j * e->nfields + (size_t)fi];
                int64_t k;
                cr_assert_eq(v->type, FV_INT, "%s.%s row %llu is not an int", e->name,
                             seqrefs[i].field, (unsigned long long)(b.first_row + j));
                k = (v->v.i - seqrefs[i].start) / seqrefs[i].step;
                cr_assert(k >= 0 && (uint64_t)k < seqrefs[i].target->count &&
                              seqrefs[i].start + k * seqrefs[i].step == v->v.i,
                          "%s.%s row %llu = %lld is no key of %s", e->name, seqrefs[i].field,
                          (unsigned long long)(b.first_row + j), (long long)v->v.i,
                          seqrefs[i].target->name);
            }
        }
        gen_buf_free(&gb);
    }
    /* pattern keys, one with zipf (rank 1 = parent row 0) and one with a clamped normal */
    {
        static const char *const pf[] = {"user_code", "user_code2"};
        char *first = NULL;
        struct fount_value v0;
        gen_value_at(users, fcode, 0, &v0, &a);
        first = strndup(v0.v.s, v0.len);
        for (i = 0; i < 2; i++) {
            int fi = field_of(orders, pf[i]);
            for (r = 0; r < orders->count; r++) {
                struct fount_value v;
                char *key;
                arena_reset(&a);
                gen_value_at(orders, fi, r, &v, &a);
                cr_assert_eq(v.type, FV_STRING);
                key = strndup(v.v.s, v.len);
                cr_assert_not_null(bsearch(&key, codes, (size_t)users->count, sizeof *codes,
                                           cmp_str),
                                   "orders.%s row %llu = \"%s\" is no users.code", pf[i],
                                   (unsigned long long)r, key);
                if (i == 0)
                    hits_first += strcmp(key, first) == 0;
                free(key);
            }
        }
        /* zipf(s=1) over 5000 ranks: rank 1 has probability 1/H(5000) ~ 11% */
        cr_expect(hits_first > orders->count / 20, "users row 0 was picked %llu times of %llu",
                  (unsigned long long)hits_first, (unsigned long long)orders->count);
        free(first);
    }
    for (r = 0; r < users->count; r++)
        free(codes[r]);
    free(codes);
    arena_free(&a);
    plan_free(p);
}

/* "per" entities: each parent gets plan_children_of children, in parent order; the ref to the
 * parent is that parent's key; a per_parent sequence restarts at each parent. */
Test(gen, per_parent_children)
{
    struct plan *p = compile(shop, 0.25);
    const struct entity *orders = ent(p, "orders"), *items = ent(p, "items");
    int fo = field_of(items, "order_id"), fl = field_of(items, "line");
    int flabel = field_of(items, "label");
    char **t = rows_by_chunk(items);
    uint64_t par, row = 0, k, empty = 0;
    struct arena a;

    arena_init(&a, 1 << 16);
    cr_assert_eq(orders->count, 5000);
    for (par = 0; par < orders->count; par++) {
        uint64_t n = plan_children_of(items, par);
        struct fount_value key;
        char want[600], label[64];
        cr_assert_leq(n, 4);
        empty += n == 0;
        arena_reset(&a);
        gen_value_at(orders, orders->pk, par, &key, &a);
        cell(want, sizeof want, &key, &orders->cols[orders->pk]);
        for (k = 0; k < n; k++, row++) {
            cr_assert_str_eq(t[row * items->nfields + (size_t)fo], want,
                             "items row %llu: order_id is not the key of order %llu",
                             (unsigned long long)row, (unsigned long long)par);
            snprintf(want + 100, 100, "%d:%llu", FV_INT, (unsigned long long)(k + 1));
            cr_assert_str_eq(t[row * items->nfields + (size_t)fl], want + 100,
                             "items row %llu: line", (unsigned long long)row);
            snprintf(label, sizeof label, "%d:%lld/%llu", FV_STRING, (long long)key.v.i,
                     (unsigned long long)(k + 1));
            cr_assert_str_eq(t[row * items->nfields + (size_t)flabel], label);
        }
        cr_assert_eq(plan_children_of(items, par), n, "plan_children_of is not pure");
    }
    cr_assert_eq(row, items->count);
    /* uniform over 0..4: a fifth of the orders have no item */
    cr_expect(empty > 800 && empty < 1200, "%llu orders without items", (unsigned long long)empty);
    free_rows(items, t);
    arena_free(&a);
    plan_free(p);
}

/* ---------- unique fields ---------- */

static const char uniq[] =
    "{\"seed\": 3, \"entities\": {\n"
    " \"parents\": {\"count\": 1000000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\", \"start\": 0},\n"
    "  \"i\": {\"type\": \"int\", \"min\": -500000, \"max\": 499999, \"unique\": true},\n"
    "  \"d\": {\"type\": \"decimal\", \"precision\": 6, \"scale\": 2, \"min\": 0, \"max\": 9999.99,"
    "         \"unique\": true},\n"
    "  \"ts\": {\"type\": \"timestamp\", \"min\": \"2024-01-01T00:00:00Z\","
    "          \"max\": \"2024-01-12T13:46:39Z\", \"unique\": true},\n"
    "  \"s\": {\"type\": \"string\", \"pattern\": \"K##-####\", \"unique\": true},\n"
    "  \"t\": {\"type\": \"template\", \"template\": \"T{s}\", \"unique\": true},\n"
    "  \"u\": {\"type\": \"uuid\", \"unique\": true}\n"
    " }},\n"
    " \"days\": {\"count\": 3653, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"day\": {\"type\": \"date\", \"min\": \"2020-01-01\", \"max\": \"2029-12-31\","
    "           \"unique\": true}\n"
    " }},\n"
    " \"few\": {\"count\": 3, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"c\": {\"type\": \"choice\", \"values\": [\"x\", \"y\", \"z\"], \"unique\": true}\n"
    " }},\n"
    " \"children\": {\"count\": 700000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"parent_id\": {\"type\": \"ref\", \"entity\": \"parents\", \"unique\": true},\n"
    "  \"parent_s\": {\"type\": \"ref\", \"entity\": \"parents\", \"field\": \"s\","
    "                \"unique\": true}\n"
    " }}\n"
    "}}\n";

/* Maps a value of a unique field to a slot in [0, n) for a bitmap; -1 when out of the domain. */
static int64_t slot_of(const struct fount_value *v, const char *kind)
{
    if (!strcmp(kind, "int"))
        return v->v.i + 500000;
    if (!strcmp(kind, "dec"))
        return v->v.i;
    if (!strcmp(kind, "ts"))
        return (v->v.i - 1704067200000000LL) / 1000000;
    if (!strcmp(kind, "date"))
        return v->v.i - 18262; /* 2020-01-01 */
    if (!strcmp(kind, "str") || !strcmp(kind, "tpl")) {
        const char *s = v->v.s + (kind[0] == 't');
        int64_t x = 0;
        int k;
        if (s[0] != 'K' || s[3] != '-')
            return -1;
        for (k = 1; k < 8; k++)
            if (k != 3) {
                if (s[k] < '0' || s[k] > '9')
                    return -1;
                x = x * 10 + (s[k] - '0');
            }
        return x;
    }
    return v->v.i; /* ref to a sequence from 0 */
}

static int cmp_uuid(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

Test(gen, unique_fields_never_repeat, .timeout = 60)
{
    struct plan *p = compile(uniq, 1);
    static const struct {
        const char *entity, *field, *kind;
        uint64_t domain;
    } cases[] = {
        {"parents", "i", "int", 1000000},   {"parents", "d", "dec", 1000000},
        {"parents", "ts", "ts", 1000000},   {"parents", "s", "str", 1000000},
        {"parents", "t", "tpl", 1000000},   {"days", "day", "date", 3653},
        {"children", "parent_id", "ref", 1000000}, {"children", "parent_s", "str", 1000000},
    };
    static const char *const ents[] = {"parents", "days", "children"};
    const size_t nc = sizeof cases / sizeof cases[0];
    uint8_t *seen[sizeof cases / sizeof cases[0]];
    size_t c, k;

    for (c = 0; c < nc; c++)
        seen[c] = calloc((size_t)cases[c].domain / 8 + 1, 1);
    /* one pass over each entity's chunks checks all its unique fields */
    for (k = 0; k < 3; k++) {
        const struct entity *e = ent(p, ents[k]);
        struct gen_buf gb;
        uint64_t ch, total = 0;
        gen_buf_init(&gb);
        for (ch = 0; ch < plan_nchunks(e); ch++) {
            struct fount_batch b;
            size_t j;
            gen_chunk(e, ch, &gb, &b);
            for (c = 0; c < nc; c++) {
                int fi;
                if (strcmp(cases[c].entity, ents[k]))
                    continue;
                fi = field_of(e, cases[c].field);
                for (j = 0; j < b.nrows; j++) {
                    const struct fount_value *v = &b.vals[j * e->nfields + (size_t)fi];
                    int64_t s = slot_of(v, cases[c].kind);
                    cr_assert(s >= 0 && (uint64_t)s < cases[c].domain,
                              "%s.%s row %llu: value outside its domain", e->name,
                              cases[c].field, (unsigned long long)(b.first_row + j));
                    cr_assert_eq(seen[c][s / 8] & (1 << (s % 8)), 0,
                                 "%s.%s row %llu repeats a value", e->name, cases[c].field,
                                 (unsigned long long)(b.first_row + j));
                    seen[c][s / 8] |= (uint8_t)(1 << (s % 8));
                }
            }
            total += b.nrows;
        }
        cr_assert_eq(total, e->count);
        gen_buf_free(&gb);
    }
    for (c = 0; c < nc; c++)
        free(seen[c]);
    /* uuid v4: 10^6 distinct */
    {
        const struct entity *e = ent(p, "parents");
        int fi = field_of(e, "u");
        uint8_t *u = malloc((size_t)e->count * 16);
        struct arena a;
        uint64_t r;
        arena_init(&a, 1 << 12);
        for (r = 0; r < e->count; r++) {
            struct fount_value v;
            gen_value_at(e, fi, r, &v, &a);
            cr_assert_eq(v.type, FV_UUID);
            cr_assert_eq(v.v.u[6] >> 4, 4, "version nibble");
            cr_assert_eq(v.v.u[8] >> 6, 2, "variant bits");
            memcpy(u + r * 16, v.v.u, 16);
        }
        qsort(u, (size_t)e->count, 16, cmp_uuid);
        for (r = 1; r < e->count; r++)
            cr_assert_neq(memcmp(u + (r - 1) * 16, u + r * 16, 16), 0, "two uuids are equal");
        free(u);
        arena_free(&a);
    }
    /* a unique choice over exactly its values, in a shuffled order */
    {
        const struct entity *e = ent(p, "few");
        int fi = field_of(e, "c");
        struct arena a;
        char got[4] = "";
        uint64_t r;
        arena_init(&a, 1 << 12);
        for (r = 0; r < 3; r++) {
            struct fount_value v;
            gen_value_at(e, fi, r, &v, &a);
            cr_assert_eq(v.type, FV_STRING);
            cr_assert_eq(v.len, 1);
            cr_assert_null(strchr(got, v.v.s[0]), "choice value %c repeats", v.v.s[0]);
            got[r] = v.v.s[0];
        }
        arena_free(&a);
    }
    plan_free(p);
}

/* ---------- stability under profile edits ---------- */

static const char base_profile[] =
    "{\"seed\": 11, \"entities\": {\n"
    " \"a\": {\"count\": 3000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"x\": {\"type\": \"int\", \"min\": 0, \"max\": 1000000},\n"
    "  \"code\": {\"type\": \"string\", \"pattern\": \"?\?-####\", \"unique\": true},\n"
    "  \"when\": {\"type\": \"timestamp\", \"min\": \"2024-01-01\", \"max\": \"2025-01-01\","
    "            \"null_rate\": 0.2},\n"
    "  \"mail\": {\"type\": \"template\", \"template\": \"{code|lower}@x.org\"}\n"
    " }},\n"
    " \"b\": {\"count\": 5000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"v\": {\"type\": \"float\", \"min\": 0, \"max\": 1},\n"
    "  \"w\": {\"type\": \"choice\", \"values\": [1, 2, 3]}\n"
    " }}\n"
    "}}\n";

/* The same profile with a field added at the front and one in the middle, one removed (x), the
 * rest reordered, and entity b's count changed. */
static const char edited_profile[] =
    "{\"seed\": 11, \"entities\": {\n"
    " \"b\": {\"count\": 200, \"fields\": {\n"
    "  \"w\": {\"type\": \"choice\", \"values\": [1, 2, 3]},\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"v\": {\"type\": \"float\", \"min\": 0, \"max\": 1}\n"
    " }},\n"
    " \"a\": {\"count\": 3000, \"fields\": {\n"
    "  \"new0\": {\"type\": \"uuid\"},\n"
    "  \"mail\": {\"type\": \"template\", \"template\": \"{code|lower}@x.org\"},\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"new1\": {\"type\": \"int\", \"min\": 0, \"max\": 9, \"null_rate\": 0.5},\n"
    "  \"when\": {\"type\": \"timestamp\", \"min\": \"2024-01-01\", \"max\": \"2025-01-01\","
    "            \"null_rate\": 0.2},\n"
    "  \"code\": {\"type\": \"string\", \"pattern\": \"?\?-####\", \"unique\": true}\n"
    " }}\n"
    "}}\n";

/* Every field both plans have: the same value in every row both plans have. */
static void expect_common_fields_equal(const struct plan *p, const struct plan *q)
{
    size_t i, f;

    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[i], *g = plan_entity(q, e->name);
        char **te, **tg;
        uint64_t rows, r;
        if (!g)
            continue;
        te = rows_by_chunk(e);
        tg = rows_by_chunk(g);
        rows = e->count < g->count ? e->count : g->count;
        for (f = 0; f < e->nfields; f++) {
            int gf = entity_field(g, e->fields[f].name);
            if (gf < 0)
                continue;
            for (r = 0; r < rows; r++)
                cr_assert_str_eq(te[r * e->nfields + f], tg[r * g->nfields + (size_t)gf],
                                 "%s.%s row %llu changed", e->name, e->fields[f].name,
                                 (unsigned long long)r);
        }
        free_rows(e, te);
        free_rows(g, tg);
    }
}

Test(gen, editing_a_profile_leaves_other_values_alone)
{
    struct plan *p = compile(base_profile, 1), *q = compile(edited_profile, 1);

    cr_assert_eq(ent(q, "b")->count, 200);
    expect_common_fields_equal(p, q);
    plan_free(p);
    plan_free(q);
}

/* --scale changes counts, not values: the rows both runs make are the same (refs aside, since a ref
 * draws over the parent's count). */
Test(gen, scale_keeps_the_rows_it_shares)
{
    struct plan *p = compile(base_profile, 1), *q = compile(base_profile, 2.5);

    cr_assert_eq(ent(q, "a")->count, 7500);
    expect_common_fields_equal(p, q);
    plan_free(p);
    plan_free(q);
}

/* ---------- seeds ---------- */

static char **all_rows(const struct plan *p, const char *entity)
{
    return rows_by_chunk(ent(p, entity));
}

Test(gen, seed_changes_values_reproducibly)
{
    struct plan *p = compile(shop, 0.2);
    const struct entity *u = ent(p, "users");
    char **s42, **s1, **again;
    size_t k, n = (size_t)u->count * u->nfields, same = 0, comparable = 0;
    int fid = field_of(u, "id"), ftier = field_of(u, "tier");
    struct fount_err err;

    cr_assert_eq(p->seed, 7);
    s42 = all_rows(p, "users");
    plan_set_seed(p, 1);
    cr_assert_eq(plan_prepare(p, 0.2, 1, NULL, &err), 0, "%s", err.msg);
    s1 = all_rows(p, "users");
    for (k = 0; k < n; k++) {
        int f = (int)(k % u->nfields);
        if (f == fid || f == ftier) /* a sequence and a constant do not depend on the seed */
            continue;
        comparable++;
        same += strcmp(s42[k], s1[k]) == 0;
    }
    /* bool (p=0.1 -> 82% agree), choice and nulls agree by chance; most others never */
    cr_expect_lt(same, comparable / 4, "%zu of %zu values unchanged by the seed", same, comparable);
    plan_set_seed(p, 7);
    cr_assert_eq(plan_prepare(p, 0.2, 1, NULL, &err), 0, "%s", err.msg);
    again = all_rows(p, "users");
    for (k = 0; k < n; k++)
        cr_assert_str_eq(s42[k], again[k], "value %zu differs after setting the seed back", k);
    free_rows(u, s42);
    free_rows(u, s1);
    free_rows(u, again);
    plan_free(p);
}

/* "seed" in the profile and plan_set_seed give the same values; so a --seed equal to the
 * profile's changes nothing. Children counts follow the seed too. */
Test(gen, profile_seed_equals_set_seed)
{
    static const char *other = "\"seed\": 12345,";
    char *text = malloc(sizeof shop + 32);
    struct plan *p, *q;
    struct fount_err err;
    size_t i, k;

    /* shop with its seed replaced */
    snprintf(text, sizeof shop + 32, "{%s%s", other, strstr(shop, "\"entities\""));
    p = compile(text, 0.2);
    q = compile(shop, 0.2);
    plan_set_seed(q, 12345);
    cr_assert_eq(plan_prepare(q, 0.2, 2, NULL, &err), 0, "%s", err.msg);
    for (i = 0; i < p->nents; i++) {
        char **x = rows_by_chunk(&p->ents[i]), **y;
        cr_assert_eq(p->ents[i].count, q->ents[i].count, "%s", p->ents[i].name);
        y = rows_by_chunk(&q->ents[i]);
        for (k = 0; k < (size_t)p->ents[i].count * p->ents[i].nfields; k++)
            cr_assert_str_eq(x[k], y[k], "%s value %zu", p->ents[i].name, k);
        free_rows(&p->ents[i], x);
        free_rows(&q->ents[i], y);
    }
    plan_free(p);
    plan_free(q);
    free(text);
}

/* ---------- nulls ---------- */

static const char nulls_a[] =
    "{\"seed\": 5, \"entities\": {\"t\": {\"count\": 100000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"x\": {\"type\": \"int\", \"min\": 0, \"max\": 999, \"null_rate\": 0.3},\n"
    "  \"y\": {\"type\": \"int\", \"min\": 0, \"max\": 999, \"null_rate\": 0.3},\n"
    "  \"all\": {\"type\": \"string\", \"pattern\": \"##\", \"null_rate\": 1},\n"
    "  \"none\": {\"type\": \"string\", \"pattern\": \"##\", \"null_rate\": 0}\n"
    "}}}}\n";
static const char nulls_b[] = /* x without nulls */
    "{\"seed\": 5, \"entities\": {\"t\": {\"count\": 100000, \"fields\": {\n"
    "  \"id\": {\"type\": \"sequence\"},\n"
    "  \"x\": {\"type\": \"int\", \"min\": 0, \"max\": 999}\n"
    "}}}}\n";

Test(gen, null_rate)
{
    struct plan *p = compile(nulls_a, 1), *q = compile(nulls_b, 1);
    const struct entity *e = ent(p, "t"), *g = ent(q, "t");
    int fx = field_of(e, "x"), fy = field_of(e, "y"), fall = field_of(e, "all");
    int fnone = field_of(e, "none"), gx = field_of(g, "x");
    struct arena a;
    uint64_t r, nx = 0, ny = 0, both = 0, low = 0, low_null = 0;
    const double n = 100000, rate = 0.3, sd = sqrt(rate * (1 - rate) / n);

    arena_init(&a, 1 << 12);
    for (r = 0; r < e->count; r++) {
        struct fount_value x, y, all, none, x0;
        gen_value_at(e, fx, r, &x, &a);
        gen_value_at(e, fy, r, &y, &a);
        gen_value_at(e, fall, r, &all, &a);
        gen_value_at(e, fnone, r, &none, &a);
        gen_value_at(g, gx, r, &x0, &a);
        arena_reset(&a);
        cr_assert_eq(all.type, FV_NULL, "null_rate 1 gave a value at row %llu",
                     (unsigned long long)r);
        cr_assert_eq(none.type, FV_STRING, "null_rate 0 gave a null at row %llu",
                     (unsigned long long)r);
        nx += x.type == FV_NULL;
        ny += y.type == FV_NULL;
        both += x.type == FV_NULL && y.type == FV_NULL;
        /* the value stream does not move when nulls are added: a non-null x equals x without
         * null_rate, and the null decision does not depend on the value */
        cr_assert_eq(x0.type, FV_INT);
        if (x.type != FV_NULL)
            cr_assert_eq(x.v.i, x0.v.i, "row %llu: x changed when null_rate was added",
                         (unsigned long long)r);
        if (x0.v.i < 500) {
            low++;
            low_null += x.type == FV_NULL;
        }
    }
    cr_expect(fabs(nx / n - rate) < 5 * sd, "x: %.4f nulls, want %.2f", nx / n, rate);
    cr_expect(fabs(ny / n - rate) < 5 * sd, "y: %.4f nulls, want %.2f", ny / n, rate);
    /* two fields with the same rate null independently: about 0.09 of rows both */
    cr_expect(fabs(both / n - rate * rate) < 5 * sqrt(0.09 * 0.91 / n), "both null: %.4f",
              both / n);
    cr_expect(fabs((double)low_null / (double)low - rate) < 5 * sqrt(0.21 / (double)low),
              "rows with a small x are null at %.4f", (double)low_null / (double)low);
    arena_free(&a);
    plan_free(p);
    plan_free(q);
}

/* ---------- empty entities ---------- */

/* An entity of 0 rows still has one (empty) chunk, which opens the relation (its CSV header); so
 * does a "per" entity whose parent has no rows. */
Test(gen, empty_entities)
{
    static const char text[] =
        "{\"entities\": {\n"
        " \"none\": {\"count\": 0, \"fields\": {\"id\": {\"type\": \"sequence\"}}},\n"
        " \"kids\": {\"per\": {\"entity\": \"none\", \"count\": 3}, \"fields\": {\n"
        "   \"id\": {\"type\": \"sequence\"}, \"p\": {\"type\": \"ref\", \"entity\": \"none\"}}}\n"
        "}}\n";
    struct plan *p = compile(text, 1);
    static const char *const names[] = {"none", "kids"};
    struct gen_buf gb;
    struct fount_batch b;
    size_t i;

    gen_buf_init(&gb);
    for (i = 0; i < 2; i++) {
        const struct entity *e = ent(p, names[i]);
        cr_expect_eq(e->count, 0, "%s", names[i]);
        cr_assert_eq(plan_nchunks(e), 1, "%s has %llu chunks", names[i],
                     (unsigned long long)plan_nchunks(e));
        gen_chunk(e, 0, &gb, &b);
        cr_expect_eq(b.nrows, 0);
        cr_expect_eq(b.first_of_relation, 1);
    }
    gen_buf_free(&gb);
    plan_free(p);
}

/* 2026-11-24 #2: a plain ref to an entity without rows has nothing to point at: plan_prepare
 * refuses it (it made NULLs, which break the NOT NULL foreign key the schema declares). */
Test(gen, ref_to_an_empty_entity_is_refused)
{
    static const char text[] =
        "{\"entities\": {\n"
        " \"none\": {\"count\": 0, \"fields\": {\"id\": {\"type\": \"sequence\"}}},\n"
        " \"orphans\": {\"count\": 5, \"fields\": {\n"
        "   \"id\": {\"type\": \"sequence\"}, \"p\": {\"type\": \"ref\", \"entity\": \"none\"}}}\n"
        "}}\n";
    struct plan *p = profile_load_text("t.json", text, strlen(text), NULL, NULL);
    struct fount_err err;

    cr_assert_not_null(p);
    err.msg[0] = '\0';
    cr_expect_neq(plan_prepare(p, 1, 1, NULL, &err), 0, "a ref to an empty entity was accepted");
    cr_expect_str_eq(err.msg,
                     "entities.orphans.fields.p: refers to none, which has no rows in this run");
    plan_free(p);
}
