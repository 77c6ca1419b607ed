/* null.c: a sink that accepts every batch and keeps nothing: measures generation alone. */
#include "sink.h"

struct null_sink {
    int encode;   /* also encode batches (as --format says), to measure encoding too */
    struct fount_encoder enc;
};

static const struct fount_opt null_opts[] = {
    {"encode", OPT_BOOL, "false", offsetof(struct null_sink, encode),
     "encode batches in the --format (to measure encoding without I/O)"},
    {0},
};

static int null_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct null_sink *s = ctx;

    (void)err;
    s->enc = a->enc;
    return FOUNT_OK;
}

static int null_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                      struct fount_err *err)
{
    (void)ctx;
    (void)err;
    *accepted = b->nrows;
    return FOUNT_OK;
}

static int null_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct null_sink *s = ctx;

    if (!s->encode)
        return 0;
    if (b->first_of_relation && encode_header(&s->enc, b->rel, out))
        return -1;
    return encode_batch(&s->enc, b, out);
}

static void null_close(void *ctx)
{
    (void)ctx;
}

const struct fount_sink_type null_sink_type = {
    .name = "null",
    .desc = "discards every record (benchmarks; with -o encode=true it still encodes)",
    .opts = null_opts,
    .ctx_size = sizeof(struct null_sink),
    .open = null_open,
    .write_batch = null_write,
    .close = null_close,
    .encode = null_encode,
};
