/* format_fault.c: encoding rows that carry injected faults or schema drift (generator/fault.h):
 * JSON Lines omits the columns a row's schema version lacks (keys vanish, they do not turn null);
 * a truncated payload is cut in half (its newline kept, so line-based readers see one broken
 * record); invalid UTF-8 is written raw into the first string value. Runs of clean rows go
 * through the ordinary encoders in one call; only broken rows and drifted JSON go row by row. */
#include "format.h"

#include "../generator/fault.h"

#define VIEW_MAX_COLS 512

static void insert_bad_utf8(struct buf *out, size_t start, enum fount_format f)
{
    static const char bad[] = "\xC3\x28"; /* a lead byte followed by a non-continuation byte */
    size_t i, at = start;

    for (i = start; i + 1 < out->len; i++) {
        if (f == FMT_JSONL && out->data[i] == ':' && out->data[i + 1] == '"') {
            at = i + 2;
            break;
        }
        if (f == FMT_CSV && out->data[i] == ',') {
            at = i + 1;
            break;
        }
    }
    if (buf_reserve(out, 2))
        return;
    memmove(out->data + at + 2, out->data + at, out->len - at);
    memcpy(out->data + at, bad, 2);
    out->len += 2;
}

/* Rows [i, j) of b as one sub-batch; with drift in JSON, through a view without the columns
 * their schema version v lacks. */
static int encode_run(const struct fount_encoder *e, const struct fount_batch *b, size_t i,
                      size_t j, int v, struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    struct fount_column cols[VIEW_MAX_COLS];
    struct fount_value vals[VIEW_MAX_COLS];
    struct fount_relation view;
    struct fount_batch run = *b;
    size_t r, c;

    run.row_flags = run.row_version = NULL;
    run.first_row = b->first_row + i;
    run.nrows = j - i;
    run.vals = b->vals + i * rel->ncols;
    run.first_of_relation = 0;
    run.bytes = NULL;
    if (e->format != FMT_JSONL || !rel->absent || rel->ncols > VIEW_MAX_COLS)
        return encode_batch(e, &run, out);
    /* drift in JSON: the keys a version lacks are absent, so rows go through a narrower view */
    view = *rel;
    view.cols = cols;
    view.ncols = 0;
    for (c = 0; c < rel->ncols; c++)
        if (!rel->absent[(size_t)v * rel->ncols + c])
            cols[view.ncols++] = rel->cols[c];
    run.rel = &view;
    run.nrows = 1;
    run.vals = vals;
    for (r = i; r < j; r++) {
        const struct fount_value *row = b->vals + r * rel->ncols;
        size_t k = 0;
        for (c = 0; c < rel->ncols; c++)
            if (!rel->absent[(size_t)v * rel->ncols + c])
                vals[k++] = row[c];
        run.first_row = b->first_row + r;
        if (encode_batch(e, &run, out))
            return -1;
    }
    return 0;
}

int encode_batch_faults(const struct fount_encoder *e, const struct fount_batch *b,
                        struct buf *out)
{
    size_t i = 0, j;

    /* Runs of rows that need nothing at the byte level and share a schema version go through
     * the ordinary encoder together; a truncated or corrupted row goes alone, then is broken. */
    while (i < b->nrows) {
        uint8_t fl = b->row_flags ? b->row_flags[i] : 0;
        int v = b->row_version ? b->row_version[i] : 0;
        size_t start = out->len;
        j = i + 1;
        if (!(fl & (ROW_TRUNCATED | ROW_BAD_UTF8)))
            while (j < b->nrows && !(b->row_flags && (b->row_flags[j] & (ROW_TRUNCATED | ROW_BAD_UTF8))) &&
                   (b->row_version ? b->row_version[j] : 0) == v)
                j++;
        if (encode_run(e, b, i, j, v, out))
            return -1;
        if ((fl & ROW_TRUNCATED) && out->len - start > 2) {
            out->len = start + (out->len - start - 1) / 2;
            if (buf_append(out, "\n", 1))
                return -1;
        }
        if (fl & ROW_BAD_UTF8)
            insert_bad_utf8(out, start, e->format);
        i = j;
    }
    return 0;
}
