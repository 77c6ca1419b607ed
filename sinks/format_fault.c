/* format_fault.c: encoding rows that carry injected faults or schema drift (generator/fault.h):
 * JSON Lines omits the columns a row's schema version lacks (keys vanish, they do not turn null);
 * a truncated payload is cut in half (its newline kept, so line-based readers see one broken
 * record); invalid UTF-8 is written raw into the first string value. Rows are encoded one at a
 * time through the ordinary encoders, so this path costs only streams that ask for faults. */
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

int encode_batch_faults(const struct fount_encoder *e, const struct fount_batch *b,
                        struct buf *out)
{
    const struct fount_relation *rel = b->rel;
    struct fount_column cols[VIEW_MAX_COLS];
    struct fount_value vals[VIEW_MAX_COLS];
    struct fount_relation view;
    size_t i, c;

    for (i = 0; i < b->nrows; i++) {
        struct fount_batch one = *b;
        uint8_t fl = b->row_flags ? b->row_flags[i] : 0;
        int v = b->row_version ? b->row_version[i] : 0;
        size_t start = out->len;

        one.row_flags = one.row_version = NULL;
        one.first_row = b->first_row + i;
        one.nrows = 1;
        one.vals = b->vals + i * rel->ncols;
        one.first_of_relation = 0;
        one.bytes = NULL;
        if (e->format == FMT_JSONL && rel->absent && rel->ncols <= VIEW_MAX_COLS) {
            const uint8_t *absent = rel->absent + (size_t)v * rel->ncols;
            view = *rel;
            view.ncols = 0;
            view.cols = cols;
            for (c = 0; c < rel->ncols; c++)
                if (!absent[c]) {
                    cols[view.ncols] = rel->cols[c];
                    vals[view.ncols++] = one.vals[c];
                }
            one.rel = &view;
            one.vals = vals;
        }
        if (encode_batch(e, &one, out))
            return -1;
        if ((fl & ROW_TRUNCATED) && out->len - start > 2) {
            out->len = start + (out->len - start - 1) / 2;
            if (buf_append(out, "\n", 1))
                return -1;
        }
        if (fl & ROW_BAD_UTF8)
            insert_bad_utf8(out, start, e->format);
    }
    return 0;
}
