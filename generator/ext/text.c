/* text.c: placeholder text (lorem ipsum words, sentences, paragraphs) and text.words, which joins
 * words drawn from a user's list. Draws come from the field's own stream.
 * Leaves out: locale-specific vocabularies and Markov-style prose. */
#include "ext.h"

#include <stdio.h>

static char *put_sentence(char *w, int nwords, struct pcg32 *r)
{
    int i;

    for (i = 0; i < nwords; i++) {
        const struct fdata_word *wd = &fdata_lorem.w[ext_pick(&fdata_lorem.pick, r)];
        if (i)
            *w++ = ' ';
        w = ext_put(w, wd->s, wd->len);
        if (i == 0)
            w[-wd->len] = (char)(w[-wd->len] - 'a' + 'A');
    }
    *w++ = '.';
    return w;
}

static int parse_range(struct pctx *c, const cJSON *spec, const char *path, int64_t *lo,
                       int64_t *hi, int64_t limit, const char *what)
{
    char p[PATH_MAX_LEN];

    if (pint(c, spec, path, "min", 0, lo) < 0 || pint(c, spec, path, "max", 0, hi) < 0)
        return -1;
    if (*lo < 1 || *lo > limit) {
        perr(c, pjoin(p, path, "min"), "must be between 1 and %lld %s (got %lld)",
             (long long)limit, what, (long long)*lo);
        return -1;
    }
    if (*hi < *lo || *hi > limit) {
        perr(c, pjoin(p, path, "max"), "must be between min (%lld) and %lld %s (got %lld)",
             (long long)*lo, (long long)limit, what, (long long)*hi);
        return -1;
    }
    return 0;
}

int ext_text_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                   const cJSON *spec, const char *path)
{
    const char *sep = " ";
    size_t i, longest = 0;

    switch (x->kind) {
    case EXT_WORD:
        x->domain = fdata_lorem.n;
        ext_col_string(e, f, fdata_lorem.max_len);
        return 0;
    case EXT_SENTENCE:
        x->lo = 4, x->hi = 12;
        if (parse_range(c, spec, path, &x->lo, &x->hi, 200, "words"))
            return -1;
        ext_col_string(e, f, (size_t)x->hi * (fdata_lorem.max_len + 1) + 1);
        return 0;
    case EXT_PARAGRAPH:
        x->lo = 3, x->hi = 6;
        if (parse_range(c, spec, path, &x->lo, &x->hi, 50, "sentences"))
            return -1;
        ext_col_string(e, f, (size_t)x->hi * (12 * (fdata_lorem.max_len + 1) + 2));
        return 0;
    default: /* words */
        x->lo = 1, x->hi = 1;
        if (ext_pstrings(c, spec, path, "words", "weights", x, 1) ||
            parse_range(c, spec, path, &x->lo, &x->hi, 1000, "words") ||
            pstr(c, spec, path, "separator", 0, &sep) < 0)
            return -1;
        x->sep = xstrdup(sep);
        x->seplen = strlen(sep);
        for (i = 0; i < x->nstr; i++)
            if (x->slen[i] > longest)
                longest = x->slen[i];
        if (x->lo == 1 && x->hi == 1)
            x->domain = x->nstr;
        if (x->unique) {
            char p[PATH_MAX_LEN];
            if (x->hi != 1 || x->weighted) {
                perr(c, pjoin(p, path, "unique"), "a unique text.words takes each word once: it "
                                                  "needs max 1 and no weights");
                return -1;
            }
            x->perm_n = x->nstr;
        }
        ext_col_string(e, f, (size_t)x->hi * (longest + x->seplen));
        return 0;
    }
}

void ext_text_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                   const struct fount_value *vals, struct fount_value *out, struct arena *a,
                   struct ext_rowcache *rc)
{
    struct pcg32 r;
    char *s, *w;
    int n, i;

    (void)rc;
    (void)f;
    (void)vals;
    fount_rng_at(&r, x->fkey, row);
    switch (x->kind) {
    case EXT_WORD: {
        const struct fdata_word *wd = &fdata_lorem.w[ext_pick(&fdata_lorem.pick, &r)];
        ext_static(out, wd->s, wd->len);
        return;
    }
    case EXT_SENTENCE:
        n = (int)x->lo + (int)ext_scale(pcg32_next(&r), (uint32_t)(x->hi - x->lo + 1));
        s = arena_alloc(a, x->maxlen + 2);
        ext_str(out, s, (size_t)(put_sentence(s, n, &r) - s));
        return;
    case EXT_PARAGRAPH:
        n = (int)x->lo + (int)ext_scale(pcg32_next(&r), (uint32_t)(x->hi - x->lo + 1));
        s = w = arena_alloc(a, x->maxlen + 2);
        for (i = 0; i < n; i++) {
            if (i)
                *w++ = ' ';
            w = put_sentence(w, 4 + (int)ext_scale(pcg32_next(&r), 9), &r);
        }
        ext_str(out, s, (size_t)(w - s));
        return;
    default: /* words */
        if (x->unique) {
            size_t k = (size_t)perm_apply(&x->perm, row % x->perm_n);
            ext_static(out, x->str[k], x->slen[k]);
            return;
        }
        n = (int)x->lo + (int)ext_scale(pcg32_next(&r), (uint32_t)(x->hi - x->lo + 1));
        s = w = arena_alloc(a, x->maxlen + 1);
        for (i = 0; i < n; i++) {
            size_t k = x->weighted ? dist_pick(&x->wd, &r) : ext_scale(pcg32_next(&r),
                                                                        (uint32_t)x->nstr);
            if (i)
                w = ext_put(w, x->sep, x->seplen);
            w = ext_put(w, x->str[k], x->slen[k]);
        }
        ext_str(out, s, (size_t)(w - s));
        return;
    }
}
