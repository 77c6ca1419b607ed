/* jsonloc.h: a JSON scanner that checks syntax with precise messages and remembers where each value
 * sits, so profile errors can say file:line:col for a JSON path (cJSON nodes carry no offsets).
 * Leaves out: building values (cJSON does that once the scan passes). */
#ifndef FOUNT_JSONLOC_H
#define FOUNT_JSONLOC_H

#include <stddef.h>

struct jsonloc_entry {
    char *path;     /* "entities.orders.fields.total", "x.values[2]"; "" for the root */
    size_t key_off; /* offset of the member's key (its quote), or of the value for array items */
    size_t val_off; /* offset of the value's first character */
};

struct jsonloc {
    const char *text;   /* not owned */
    size_t len;
    struct jsonloc_entry *e;
    size_t n, cap;
};

/* Scan text. Returns 0, or -1 with a message ("expected ',' or '}'") in msg and the byte offset
 * of the problem in *err_off. The jsonloc must be freed with jsonloc_free in both cases. */
int jsonloc_scan(struct jsonloc *jl, const char *text, size_t len, char *msg, size_t msglen,
                 size_t *err_off);
void jsonloc_free(struct jsonloc *jl);
/* Offset of a path's key (want_value 0) or value (1); -1 when the path is unknown. */
long jsonloc_find(const struct jsonloc *jl, const char *path, int want_value);
/* 1-based line and column (in bytes) of an offset. */
void jsonloc_linecol(const char *text, size_t len, size_t off, int *line, int *col);
/* The source line holding off, then a caret under it, each ending in "\n". Returns the length. */
size_t jsonloc_caret(const char *text, size_t len, size_t off, char *out, size_t outlen);

#endif
