/* common.c: error formatting, allocation wrappers that abort on failure, and the capped buffer. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void fount_err_set(struct fount_err *err, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static void oom(size_t n)
{
    fprintf(stderr, "fount: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_free(struct buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int buf_reserve(struct buf *b, size_t n)
{
    size_t want, cap;

    if (n > b->max || b->len > b->max - n)
        return -1;
    want = b->len + n;
    if (want <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap *= 2;
    if (cap > b->max)
        cap = b->max;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n + 1))
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

struct arena_block {
    struct arena_block *next;
    size_t size;
    char data[]; /* 8-aligned: it follows a pointer and a size_t */
};

void arena_init(struct arena *a, size_t block_size)
{
    a->head = a->cur = NULL;
    a->next = a->end = NULL;
    a->block_size = block_size;
}

void *arena_alloc_block(struct arena *a, size_t n)
{
    struct arena_block *b = a->cur;

    if (b && b->next && b->next->size >= n) { /* reuse the next kept block */
        b = b->next;
    } else { /* a new block, after the current one (or the first) */
        size_t sz = n > a->block_size ? n : a->block_size;
        struct arena_block *nb = xmalloc(sizeof *nb + sz);
        nb->size = sz;
        if (b) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = NULL;
            a->head = nb;
        }
        b = nb;
    }
    a->cur = b;
    a->next = b->data + n;
    a->end = b->data + b->size;
    return b->data;
}

void arena_reset(struct arena *a)
{
    a->cur = a->head;
    a->next = a->cur ? a->cur->data : NULL;
    a->end = a->cur ? a->cur->data + a->cur->size : NULL;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head, *n;

    while (b) {
        n = b->next;
        free(b);
        b = n;
    }
    a->head = a->cur = NULL;
    a->next = a->end = NULL;
}
