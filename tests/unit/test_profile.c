/* test_profile.c: the profile compiler. (1) Every case of tests/cases/bad_profiles.txt is rejected
 * with exactly the text the case expects (what `fount check` prints: the messages, then "N errors"
 * when there are several). (2) profiles/shop.json compiles to the plan it describes: entities,
 * fields, keys, column types, references, write order parents first.
 * Run from the top of the tree (make test-unit does): the case file and profiles are found from
 * there. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define CASES_FILE "tests/cases/bad_profiles.txt"
#define SHOP "profiles/shop.json"

/* ---------- the case file ---------- */

struct bad_case {
    char name[128];
    int line;          /* of its %%FAIL, for messages */
    struct buf text, expect;
};

static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *s;
    long n;

    cr_assert_not_null(fp, "cannot open %s (run the tests from the top of the tree)", path);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    cr_assert_not_null(s);
    cr_assert_eq(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return s;
}

/* Parses the jq-style case file. Returns the number of cases; *out is malloc'd. */
static size_t parse_cases(const char *s, struct bad_case **out)
{
    enum { OUTSIDE, TEXT, EXPECT } mode = OUTSIDE;
    struct bad_case *cs = NULL, *c = NULL;
    size_t n = 0, cap = 0;
    int lineno = 0;

    while (*s) {
        const char *eol = strchr(s, '\n');
        size_t len = eol ? (size_t)(eol - s) + 1 : strlen(s);
        lineno++;
        if (strncmp(s, "%%FAIL ", 7) == 0) {
            cr_assert_eq(mode, OUTSIDE, CASES_FILE ":%d: %%%%FAIL inside a case", lineno);
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                cs = realloc(cs, cap * sizeof *cs);
                cr_assert_not_null(cs);
            }
            c = &cs[n++];
            memset(c, 0, sizeof *c);
            snprintf(c->name, sizeof c->name, "%.*s", (int)(len - 7 - (eol ? 1 : 0)), s + 7);
            c->line = lineno;
            buf_init(&c->text, 1 << 20);
            buf_init(&c->expect, 1 << 20);
            mode = TEXT;
        } else if (strncmp(s, "%%EXPECT", 8) == 0) {
            cr_assert_eq(mode, TEXT, CASES_FILE ":%d: %%%%EXPECT outside a case", lineno);
            mode = EXPECT;
        } else if (strncmp(s, "%%END", 5) == 0) {
            cr_assert_eq(mode, EXPECT, CASES_FILE ":%d: %%%%END without %%%%EXPECT", lineno);
            mode = OUTSIDE;
        } else if (mode == TEXT) {
            buf_append(&c->text, s, len);
        } else if (mode == EXPECT) {
            buf_append(&c->expect, s, len);
        } else {
            cr_assert(s[0] == '#' || s[0] == '\n', CASES_FILE ":%d: text outside a case", lineno);
        }
        s += len;
    }
    cr_assert_eq(mode, OUTSIDE, CASES_FILE ": the last case has no %%%%END");
    *out = cs;
    return n;
}

/* What `fount check p.json` prints for this text: the compiler's messages and count line, or, if
 * the profile compiles, what plan_prepare refuses (main.c prints "file: message"). Returns 1 when
 * the profile was accepted altogether. */
static int check_output(const struct buf *text, struct buf *out)
{
    struct buf errs;
    struct plan *p;
    int n = -1, accepted = 0;

    buf_init(&errs, 16 << 20);
    p = profile_load_text("p.json", text->data ? text->data : "", text->len, &errs, &n);
    if (p) {
        struct fount_err err;
        err.msg[0] = '\0';
        if (plan_prepare(p, 1.0, 1, NULL, &err))
            buf_printf(out, "p.json: %s\n", err.msg);
        else
            accepted = 1;
        plan_free(p);
    } else {
        buf_append(out, errs.data ? errs.data : "", errs.len);
        if (n > 1)
            buf_printf(out, "%d errors\n", n);
        /* the count matches the messages (a syntax error adds its source line and caret) */
        if (n > 1) {
            int lines = 0;
            const char *q;
            for (q = errs.data; q && q < errs.data + errs.len; q = strchr(q, '\n') + 1)
                lines += strncmp(q, "p.json:", 7) == 0;
            cr_expect_eq(lines, n, "%d messages but nerrors is %d", lines, n);
        }
    }
    buf_free(&errs);
    return accepted;
}

Test(profile, bad_profiles)
{
    struct bad_case *cs;
    size_t len, n, i, failed = 0;
    char *file = read_all(CASES_FILE, &len);

    n = parse_cases(file, &cs);
    cr_assert_geq(n, 25, "only %zu cases in " CASES_FILE, n);
    for (i = 0; i < n; i++) {
        struct bad_case *c = &cs[i];
        struct buf got;
        int accepted;
        buf_init(&got, 16 << 20);
        buf_append(&got, "", 1);
        got.len = 0;
        cr_expect_gt(c->expect.len, 0, "%s (line %d): no expected text", c->name, c->line);
        accepted = check_output(&c->text, &got);
        buf_append(&got, "", 1);
        buf_append(&c->expect, "", 1);
        if (accepted) {
            cr_expect_fail(CASES_FILE ":%d: %s: the profile was accepted", c->line, c->name);
            failed++;
        } else if (strcmp(got.data, c->expect.data) != 0) {
            cr_expect_fail(CASES_FILE ":%d: %s:\n--- expected\n%s--- got\n%s---", c->line,
                           c->name, c->expect.data, got.data);
            failed++;
        }
        buf_free(&got);
        buf_free(&c->text);
        buf_free(&c->expect);
    }
    cr_log_info("%zu bad profiles, %zu failed", n, failed);
    free(cs);
    free(file);
}

/* Names are unique, so a failure names one case. */
Test(profile, bad_profile_names_are_unique)
{
    struct bad_case *cs;
    size_t len, n, i, j;
    char *file = read_all(CASES_FILE, &len);

    n = parse_cases(file, &cs);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            cr_expect_str_neq(cs[i].name, cs[j].name, "lines %d and %d", cs[i].line, cs[j].line);
    for (i = 0; i < n; i++) {
        buf_free(&cs[i].text);
        buf_free(&cs[i].expect);
    }
    free(cs);
    free(file);
}

/* ---------- loading ---------- */

Test(profile, missing_file)
{
    struct buf errs;
    int n = 0;

    buf_init(&errs, 1 << 20);
    cr_assert_null(profile_load("no/such/profile.json", &errs, &n));
    buf_append(&errs, "", 1);
    cr_expect_str_eq(errs.data, "no/such/profile.json: cannot open the profile: No such file or "
                                "directory\n");
    cr_expect_eq(n, 1);
    buf_free(&errs);
}

static struct plan *load_ok(const char *text)
{
    struct buf errs;
    struct plan *p;
    int n = 0;

    buf_init(&errs, 1 << 20);
    p = profile_load_text("t.json", text, strlen(text), &errs, &n);
    buf_append(&errs, "", 1);
    cr_assert_not_null(p, "rejected:\n%s", errs.data);
    cr_expect_eq(n, 0);
    buf_free(&errs);
    return p;
}

Test(profile, minimal_and_bom)
{
    static const char *const ok[] = {
        "{\"entities\": {\"t\": {\"count\": 3, \"fields\": {\"id\": {\"type\": \"sequence\"}}}}}",
        "\xEF\xBB\xBF{\"entities\": {\"t\": {\"count\": 0, \"fields\": {\"x\": "
        "{\"type\": \"const\", \"value\": null}}}}}",
    };
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct plan *p = load_ok(ok[i]);
        cr_expect_eq(p->nents, 1);
        cr_expect_eq(p->seed_set, 0, "no seed in the profile");
        plan_free(p);
    }
}

Test(profile, null_inputs_are_harmless)
{
    struct plan *p;

    /* errors and nerrors may be NULL */
    p = profile_load_text("t.json", "{", 1, NULL, NULL);
    cr_expect_null(p);
    p = profile_load_text("t.json", "{\"entities\": 1}", 15, NULL, NULL);
    cr_expect_null(p);
    plan_free(NULL);
}

/* ---------- shop.json ---------- */

struct col_want {
    const char *name;
    enum fount_vtype type;
    int unique, nullable;
    const char *ref_table; /* NULL: no foreign key */
    int precision, scale;  /* decimals */
};

struct ent_want {
    const char *name;
    uint64_t base_count;   /* 0 for "per" entities */
    const char *parent;
    const struct col_want cols[16];
};

static const struct ent_want shop[] = {
    {"customers", 10000, NULL,
     {{"id", FV_INT, 1, 0, NULL, 0, 0},
      {"first_name", FV_STRING, 0, 0, NULL, 0, 0},
      {"last_name", FV_STRING, 0, 0, NULL, 0, 0},
      {"email", FV_STRING, 1, 0, NULL, 0, 0},
      {"phone", FV_STRING, 0, 0, NULL, 0, 0},
      {"street", FV_STRING, 0, 0, NULL, 0, 0},
      {"city", FV_STRING, 0, 0, NULL, 0, 0},
      {"country", FV_STRING, 0, 0, NULL, 0, 0},
      {"segment", FV_STRING, 0, 0, NULL, 0, 0},
      {"credit_limit", FV_DECIMAL, 0, 0, NULL, 10, 2},
      {"external_id", FV_UUID, 1, 0, NULL, 0, 0},
      {"created_at", FV_TIMESTAMP, 0, 0, NULL, 0, 0}}},
    {"products", 500, NULL,
     {{"id", FV_INT, 1, 0, NULL, 0, 0},
      {"sku", FV_STRING, 1, 0, NULL, 0, 0},
      {"category", FV_STRING, 0, 0, NULL, 0, 0},
      {"price", FV_DECIMAL, 0, 0, NULL, 10, 2},
      {"in_stock", FV_BOOL, 0, 0, NULL, 0, 0}}},
    {"orders", 100000, NULL,
     {{"id", FV_INT, 1, 0, NULL, 0, 0},
      {"customer_id", FV_INT, 0, 0, "customers", 0, 0},
      {"ordered_at", FV_TIMESTAMP, 0, 0, NULL, 0, 0},
      {"status", FV_STRING, 0, 0, NULL, 0, 0},
      {"total", FV_DECIMAL, 0, 0, NULL, 12, 2},
      {"currency", FV_STRING, 0, 0, NULL, 0, 0},
      {"order_uuid", FV_UUID, 1, 0, NULL, 0, 0},
      {"coupon", FV_STRING, 0, 1, NULL, 0, 0}}},
    {"order_items", 0, "orders",
     {{"id", FV_INT, 1, 0, NULL, 0, 0},
      {"order_id", FV_INT, 0, 0, "orders", 0, 0},
      {"line_no", FV_INT, 0, 0, NULL, 0, 0},
      {"product_id", FV_INT, 0, 0, "products", 0, 0},
      {"quantity", FV_INT, 0, 0, NULL, 0, 0},
      {"unit_price", FV_DECIMAL, 0, 0, NULL, 10, 2}}},
    {"payments", 0, "orders",
     {{"id", FV_INT, 1, 0, NULL, 0, 0},
      {"order_id", FV_INT, 0, 0, "orders", 0, 0},
      {"method", FV_STRING, 0, 0, NULL, 0, 0},
      {"amount", FV_DECIMAL, 0, 0, NULL, 12, 2},
      {"status", FV_STRING, 0, 0, NULL, 0, 0},
      {"paid_at", FV_TIMESTAMP, 0, 0, NULL, 0, 0}}},
};

static struct plan *load_shop(void)
{
    struct buf errs;
    struct plan *p;
    int n = 0;

    buf_init(&errs, 1 << 20);
    p = profile_load(SHOP, &errs, &n);
    buf_append(&errs, "", 1);
    cr_assert_not_null(p, SHOP " rejected:\n%s", errs.data);
    buf_free(&errs);
    return p;
}

Test(shop, entities_fields_and_columns)
{
    struct plan *p = load_shop();
    size_t i, j;

    cr_expect_eq(p->seed, 42);
    cr_expect_eq(p->seed_set, 1);
    cr_assert_eq(p->nents, sizeof shop / sizeof shop[0]);
    for (i = 0; i < p->nents; i++) {
        const struct ent_want *w = &shop[i];
        const struct entity *e = plan_entity(p, w->name);
        size_t nf = 0;
        cr_assert_not_null(e, "no entity %s", w->name);
        cr_expect_eq((size_t)e->index, i, "%s is entity %d, want %zu (profile order)", w->name,
                     e->index, i);
        while (nf < 16 && w->cols[nf].name)
            nf++;
        cr_assert_eq(e->nfields, nf, "%s: %zu fields, want %zu", w->name, e->nfields, nf);
        cr_expect_eq(e->rel.ncols, nf);
        cr_expect_str_eq(e->rel.name, w->name);
        cr_expect_eq(e->pk, 0, "%s: the primary key is field %d, want 0 (id)", w->name, e->pk);
        cr_expect_eq(e->base_count, w->base_count, "%s: count %llu", w->name,
                     (unsigned long long)e->base_count);
        if (w->parent) {
            cr_assert_not_null(e->parent, "%s has no parent", w->name);
            cr_expect_str_eq(e->parent->name, w->parent);
        } else
            cr_expect_null(e->parent, "%s has a parent", w->name);
        for (j = 0; j < nf; j++) {
            const struct col_want *c = &w->cols[j];
            const struct fount_column *col = &e->cols[j];
            cr_expect_str_eq(col->name, c->name, "%s column %zu", w->name, j);
            cr_expect_eq(e->fields[j].index, (int)j);
            cr_expect_eq(col->type, c->type, "%s.%s: type %d, want %d", w->name, c->name,
                         col->type, c->type);
            cr_expect_eq(!!col->unique, c->unique, "%s.%s: unique %d", w->name, c->name,
                         col->unique);
            cr_expect_eq(!!col->nullable, c->nullable, "%s.%s: nullable %d", w->name, c->name,
                         col->nullable);
            cr_expect_eq(!!col->primary_key, j == 0, "%s.%s: primary_key %d", w->name, c->name,
                         col->primary_key);
            if (c->ref_table) {
                cr_expect_str_eq(col->ref_table ? col->ref_table : "(none)", c->ref_table,
                                 "%s.%s", w->name, c->name);
                cr_expect_str_eq(col->ref_column ? col->ref_column : "(none)", "id", "%s.%s",
                                 w->name, c->name);
                cr_expect_eq(e->fields[j].gen, GEN_REF);
            } else
                cr_expect_null(col->ref_table, "%s.%s has a foreign key", w->name, c->name);
            if (c->type == FV_DECIMAL)
                cr_expect(col->precision == c->precision && col->scale == c->scale,
                          "%s.%s: NUMERIC(%d,%d)", w->name, c->name, col->precision, col->scale);
        }
    }
    /* details worth pinning */
    cr_expect_eq(plan_entity(p, "payments")->cols[5].ts_digits, 3, "paid_at has ms precision");
    cr_expect_eq(plan_entity(p, "orders")->cols[2].ts_digits, 0);
    cr_expect_eq(plan_entity(p, "order_items")->fields[1].ref_parent, 1, "order_id is the parent");
    cr_expect_eq(plan_entity(p, "order_items")->fields[3].ref_parent, 0);
    cr_expect_eq(plan_entity(p, "order_items")->fields[2].per_parent, 1, "line_no restarts");
    cr_expect_eq(plan_entity(p, "orders")->fields[6].uuid_version, 7);
    cr_expect_eq(plan_entity(p, "orders")->fields[6].time_field, 2,
                 "order_uuid follows ordered_at");
    cr_expect_eq(plan_entity(p, "products")->nindexes, 1);
    cr_expect_eq(plan_entity(p, "orders")->nindexes, 2);
    plan_free(p);
}

/* Parents first: every entity comes after its "per" parent and the targets of its refs. */
Test(shop, write_order_parents_first)
{
    struct plan *p = load_shop();
    int pos[16];
    size_t i, j;

    cr_assert_leq(p->nents, 16);
    for (i = 0; i < p->nents; i++)
        pos[i] = -1;
    for (i = 0; i < p->nents; i++) {
        int e = p->write_order[i];
        cr_assert(e >= 0 && (size_t)e < p->nents);
        cr_assert_eq(pos[e], -1, "entity %d listed twice", e);
        pos[e] = (int)i;
    }
    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[i];
        if (e->parent)
            cr_expect_lt(pos[e->parent->index], pos[i], "%s before its parent %s", e->name,
                         e->parent->name);
        for (j = 0; j < e->nfields; j++)
            if (e->fields[j].gen == GEN_REF)
                cr_expect_lt(pos[e->fields[j].target->index], pos[i], "%s before %s", e->name,
                             e->fields[j].target->name);
    }
    plan_free(p);
}

/* Fields are evaluated after the fields they read: order_uuid after ordered_at. The value library
 * makes email agree with the row's name without reading other fields: it reads none. */
Test(shop, evaluation_order)
{
    struct plan *p = load_shop();
    size_t i, k;

    for (i = 0; i < p->nents; i++) {
        const struct entity *e = &p->ents[i];
        int pos[32];
        cr_assert_leq(e->nfields, 32);
        for (k = 0; k < e->nfields; k++)
            pos[e->order[k]] = (int)k;
        for (k = 0; k < e->nfields; k++) {
            const struct field *f = &e->fields[k];
            size_t d;
            for (d = 0; d < f->ndeps; d++)
                cr_expect_lt(pos[f->deps[d]], pos[k], "%s.%s is evaluated before %s", e->name,
                             f->name, e->fields[f->deps[d]].name);
        }
    }
    cr_expect_eq(plan_entity(p, "customers")->fields[3].ndeps, 0, "email reads no field");
    cr_expect_eq(plan_entity(p, "orders")->fields[6].ndeps, 1, "order_uuid reads ordered_at");
    plan_free(p);
}

/* After plan_prepare: counts scale, "per" entities count their children, chunks cover rows. */
Test(shop, prepare_and_scale)
{
    struct plan *p = load_shop();
    struct fount_err err;
    const struct entity *orders, *items, *pay;
    uint64_t sum = 0, r, c, rows = 0;

    cr_assert_eq(plan_prepare(p, 0.1, 2, NULL, &err), 0, "%s", err.msg);
    cr_expect_eq(plan_entity(p, "customers")->count, 1000);
    cr_expect_eq(plan_entity(p, "products")->count, 50);
    orders = plan_entity(p, "orders");
    cr_expect_eq(orders->count, 10000);
    items = plan_entity(p, "order_items");
    for (r = 0; r < orders->count; r++) {
        uint64_t k = plan_children_of(items, r);
        cr_assert(k >= 1 && k <= 12, "order %llu has %llu items", (unsigned long long)r,
                  (unsigned long long)k);
        sum += k;
    }
    cr_expect_eq(items->count, sum);
    /* poisson(2.5) clamped to [1, 12]: about 2.7 per order */
    cr_expect(sum > 25000 && sum < 29000, "%llu items", (unsigned long long)sum);
    pay = plan_entity(p, "payments");
    cr_expect(pay->count > 9000 && pay->count < 11000, "%llu payments",
              (unsigned long long)pay->count);
    for (c = 0; c < plan_nchunks(items); c++) {
        uint64_t f, n;
        plan_chunk_rows(items, c, &f, &n);
        cr_assert_eq(f, rows, "chunk %llu starts at %llu", (unsigned long long)c,
                     (unsigned long long)f);
        rows += n;
    }
    cr_expect_eq(rows, items->count);
    plan_free(p);
}
