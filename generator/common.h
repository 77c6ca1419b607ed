/* common.h: what every fount module needs: error struct, allocation that dies loudly, a byte buffer.
 * Deliberately small: no logging, no globals. */
#ifndef FOUNT_COMMON_H
#define FOUNT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FOUNT_VERSION "0.1.0"
/* Bumped whenever a change alters generated values for the same profile and seed. */
#define FOUNT_ALGORITHM_VERSION 1

#if defined(__GNUC__)
#define FOUNT_LIKELY(x) __builtin_expect(!!(x), 1)
#define FOUNT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FOUNT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FOUNT_LIKELY(x) (x)
#define FOUNT_UNLIKELY(x) (x)
#define FOUNT_PRINTF(a, b)
#endif

/* Return codes shared by sinks and the runner (STYLE.md section 3). 0 means success. */
enum fount_rc {
    FOUNT_OK = 0,   /* accepted                                              */
    FOUNT_RETRY,    /* transient: the runner backs off and resends the rest  */
    FOUNT_ERROR,    /* permanent for this batch: counted as failed           */
    FOUNT_FATAL     /* the sink cannot work: the run stops                   */
};

/* The caller owns it, the callee fills it. */
struct fount_err {
    char msg[512];
};
void fount_err_set(struct fount_err *err, const char *fmt, ...) FOUNT_PRINTF(2, 3);

/* Allocation failure is fatal in fount: these print the size and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer with a hard cap (STYLE.md section 6). */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap; buf_reserve fails beyond it */
};
void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Make room for n more bytes. Returns 0, or -1 when len + n would pass max. */
int buf_reserve(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) FOUNT_PRINTF(2, 3);
static inline void buf_reset(struct buf *b) { b->len = 0; }
/* Pointer to the first free byte; valid after a successful buf_reserve. */
static inline char *buf_tail(struct buf *b) { return b->data + b->len; }

/* A bump allocator in fixed blocks: pointers stay valid until arena_reset, which keeps the
 * blocks for reuse, so a worker's memory settles at its largest batch. */
struct arena_block;
struct arena {
    struct arena_block *head, *cur;
    char *next, *end;       /* the free part of cur (NULL, NULL before the first block) */
    size_t block_size;
};
void arena_init(struct arena *a, size_t block_size);
/* arena_alloc's way when the current block is full: the next kept block, or a new one. n is a
 * multiple of 8. */
void *arena_alloc_block(struct arena *a, size_t n);
/* n bytes, 8-aligned, never NULL (also for n = 0). Inline: the value library asks for a string
 * or two per value. The room left must exceed n (not just equal it), so that an empty arena,
 * whose next and end are NULL, always takes the block path. */
static inline void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (FOUNT_LIKELY((uintptr_t)a->end - (uintptr_t)a->next > n)) {
        void *p = a->next;
        a->next += n;
        return p;
    }
    return arena_alloc_block(a, n);
}
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
