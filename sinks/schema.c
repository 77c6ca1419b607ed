/* schema.c: DDL beyond CREATE TABLE: the secondary indexes a profile asks for. */
#include "format.h"

#include <stdio.h>

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
