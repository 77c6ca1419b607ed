/* schema.c: DDL beyond CREATE TABLE: the secondary indexes a profile asks for, and CREATE TABLE
 * for a database that may lack a foreign key's target. */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

int schema_create_index(enum fount_dialect d, const struct fount_relation *rel, const char *cols,
                        struct buf *out)
{
    char name[256];
    const char *s;
    size_t n = 0;
    int rc = 0;

    /* <table>_<col>[_<col>...]_idx, as most schema tools name them */
    n += (size_t)snprintf(name, sizeof name, "%s_", rel->name);
    for (s = cols; *s && n + 5 < sizeof name; s++)
        name[n++] = *s == ',' ? '_' : *s;
    snprintf(name + n, sizeof name - n, "_idx");
    rc |= buf_puts(out, "CREATE INDEX ");
    rc |= sql_quote_ident(d, name, out);
    rc |= buf_puts(out, " ON ");
    rc |= sql_quote_ident(d, rel->name, out);
    rc |= buf_puts(out, " (");
    for (s = cols; *s;) {
        size_t k = strcspn(s, ",");
        char col[256];
        snprintf(col, sizeof col, "%.*s", (int)k, s);
        rc |= sql_quote_ident(d, col, out);
        s += k;
        if (*s == ',') {
            rc |= buf_puts(out, ", ");
            s++;
        }
    }
    rc |= buf_puts(out, ");\n");
    return rc ? -1 : 0;
}

int schema_create_table_for(enum fount_dialect d, const struct fount_relation *rel,
                            const struct fount_relation *const *rels, size_t nrels,
                            int (*exists)(void *ctx, const char *table, struct fount_err *err),
                            void *ctx, struct buf *out, struct fount_err *err)
{
    struct fount_column *cols = xcalloc(rel->ncols + 1, sizeof *cols);
    struct fount_relation r2 = *rel;
    size_t i, j;
    int rc = -1;

    memcpy(cols, rel->cols, rel->ncols * sizeof *cols);
    for (j = 0; j < rel->ncols; j++) {
        int in_run = 0, e;
        if (!cols[j].ref_table || strcmp(cols[j].ref_table, rel->name) == 0)
            continue;
        for (i = 0; i < nrels && !in_run; i++)
            in_run = strcmp(rels[i]->name, cols[j].ref_table) == 0;
        if (in_run)
            continue;
        e = exists(ctx, cols[j].ref_table, err);
        if (e < 0)
            goto out;
        if (!e)
            cols[j].ref_table = cols[j].ref_column = NULL;
    }
    r2.cols = cols;
    if (schema_create_table(d, &r2, out)) {
        fount_err_set(err, "CREATE TABLE %s does not fit its buffer", rel->name);
        goto out;
    }
    rc = 0;
out:
    free(cols);
    return rc;
}

/* NUL-terminates b's text (not counted in its length); -1 when there is no room. */
static int cstr(struct buf *b)
{
    if (buf_reserve(b, 1))
        return -1;
    b->data[b->len] = '\0';
    return 0;
}

int schema_existing(const struct fount_relation *const *rels, size_t nrels, int replace,
                    int (*exists)(void *ctx, const char *table, struct fount_err *err), void *ctx,
                    unsigned char *created, struct buf *names, struct fount_err *err)
{
    size_t i;
    int n = 0, e;

    for (i = 0; i < nrels; i++) {
        if ((e = exists(ctx, rels[i]->name, err)) < 0)
            return -1;
        created[i] = !e || replace;
        if (e && (buf_puts(names, n++ ? ", " : "") || buf_puts(names, rels[i]->name)))
            return -1;
    }
    return cstr(names) ? -1 : n;
}

int schema_drop_tables(enum fount_dialect d, const struct fount_relation *const *rels,
                       size_t nrels, struct buf *out)
{
    size_t i;
    int rc = buf_puts(out, "DROP TABLE IF EXISTS ");

    for (i = nrels; i-- > 0;)
        rc |= sql_quote_ident(d, rels[i]->name, out) | buf_puts(out, i ? ", " : "");
    return rc || cstr(out) ? -1 : 0;
}

/* ---------------------------------------------------------------- batches whose commit went
 * unanswered. A connection lost while the server commits leaves the client not knowing whether
 * the batch is in the table. Resending blindly would duplicate it (or fail on the primary key),
 * dropping it would undercount: the sink asks the table instead. A batch is one transaction, so
 * its first row tells for all of it. */

int schema_key_col(const struct fount_relation *rel)
{
    size_t j, npk = 0;
    int pk = -1, uq = -1;

    for (j = 0; j < rel->ncols; j++) {
        const struct fount_column *c = &rel->cols[j];
        int typed = c->type == FV_INT || c->type == FV_STRING || c->type == FV_UUID ||
                    c->type == FV_DECIMAL;
        if (c->primary_key) {
            npk++;
            if (typed)
                pk = (int)j;
        } else if (c->unique && !c->nullable && typed && uq < 0) {
            uq = (int)j;
        }
    }
    return npk == 1 && pk >= 0 ? pk : uq;
}

int schema_landed_sql(enum fount_dialect d, const struct fount_batch *b, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    int k = schema_key_col(rel), rc = 0;
    char text[FMT_DECIMAL_MAX + FMT_UUID_MAX];

    rc |= buf_puts(out, "SELECT COUNT(*) FROM ");
    rc |= sql_quote_ident(d, rel->name, out);
    if (k >= 0 && b->nrows && b->vals[k].type != FV_NULL) {
        const struct fount_value *v = &b->vals[k];
        rc |= buf_puts(out, " WHERE ");
        rc |= sql_quote_ident(d, rel->cols[k].name, out);
        rc |= buf_puts(out, " = ");
        if (v->type == FV_STRING)
            rc |= sql_quote_string(d, v->v.s, v->len, out);
        else
            rc |= sql_quote_string(d, text, fmt_value(text, sizeof text, v, &rel->cols[k]), out);
    }
    return rc ? -1 : 0;
}

int schema_landed(const struct fount_batch *b, uint64_t count, uint64_t held,
                  struct fount_err *err)
{
    int k = schema_key_col(b->rel);

    if (k >= 0 && b->nrows && b->vals[k].type != FV_NULL)
        return count > 0;
    if (count == held + b->nrows)
        return 1;
    if (count == held)
        return 0;
    fount_err_set(err, "the connection was lost while a batch of %zu rows was committing, and "
                  "%s now holds %llu rows where %llu or %llu were expected (another writer?)",
                  b->nrows, b->rel->name, (unsigned long long)count, (unsigned long long)held,
                  (unsigned long long)(held + b->nrows));
    return -1;
}
