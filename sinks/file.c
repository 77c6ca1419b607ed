/* file.c: the file sink: CSV, JSON Lines or SQL to stdout ("-"), to one file, or to a directory with
 * one file per relation ("file:out/"). Encoding happens on worker threads (encode); this sink only
 * writes the bytes, in blocks as large as a chunk. Existing files are never replaced without --force;
 * devices and pipes (/dev/null, a FIFO) are written as they are.
 * Leaves out: compression, rotation. */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct file_sink {
    const struct sink_args *a;
    struct fount_encoder enc;
    int dir_mode;
    char *dir;          /* dir_mode: the directory, without a trailing slash */
    int fd;             /* -1 when closed */
    int own_fd;         /* not stdout */
    char path[4096];    /* the file being written, for messages */
};

static const struct fount_opt file_opts[] = {{0}};

static const char *ext_of(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

    return dot && (!slash || dot > slash) ? dot + 1 : NULL;
}

/* 1 when path names something we may write without --force: absent, or not a regular file. */
static int may_write(const char *path, int force, struct fount_err *err)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 1;
    if (S_ISDIR(st.st_mode)) {
        fount_err_set(err, "%s is a directory (write file:%s/ for one file per relation)", path,
                      path);
        return 0;
    }
    if (S_ISREG(st.st_mode) && !force) {
        fount_err_set(err, "%s already exists (use --force to overwrite it)", path);
        return 0;
    }
    return 1;
}

static int open_out(struct file_sink *s, const char *path, struct fount_err *err)
{
    struct stat st;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;

    /* Regular files: O_EXCL unless --force, so a file that appeared since open() is not clobbered. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        flags = O_WRONLY | O_CLOEXEC;
    else
        flags |= s->a->force ? O_TRUNC : O_EXCL;
    s->fd = open(path, flags, 0644);
    if (s->fd < 0) {
        fount_err_set(err, "cannot create %s: %s", path, strerror(errno));
        return FOUNT_FATAL;
    }
    s->own_fd = 1;
    snprintf(s->path, sizeof s->path, "%s", path);
    return FOUNT_OK;
}

static int rel_path(const struct file_sink *s, const char *rel, char *out, size_t n,
                    struct fount_err *err)
{
    if ((size_t)snprintf(out, n, "%s/%s.%s", s->dir, rel, format_extension(s->enc.format)) >= n) {
        fount_err_set(err, "path too long: %s/%s", s->dir, rel);
        return -1;
    }
    return 0;
}

static int mkdirs(char *path, struct fount_err *err)
{
    char *p;

    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) && errno != EEXIST) {
            fount_err_set(err, "cannot create directory %s: %s", path, strerror(errno));
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0755) && errno != EEXIST) {
        fount_err_set(err, "cannot create directory %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int file_open(void *ctx, const struct sink_args *a, struct fount_err *err)
{
    struct file_sink *s = ctx;
    const char *t = a->target;
    struct stat st;
    size_t i, n = strlen(t);

    s->a = a;
    s->fd = -1;
    s->enc = a->enc;
    if (!a->format_given && n && t[n - 1] != '/') {
        const char *ext = ext_of(t);
        int f = ext ? format_from_name(ext) : -1;
        if (f >= 0)
            s->enc.format = (enum fount_format)f;
    }
    if (n == 0 || strcmp(t, "-") == 0) {
        s->fd = STDOUT_FILENO;
        snprintf(s->path, sizeof s->path, "stdout");
        return FOUNT_OK;
    }
    s->dir_mode = t[n - 1] == '/' || (stat(t, &st) == 0 && S_ISDIR(st.st_mode));
    if (!s->dir_mode) {
        if (!may_write(t, a->force, err))
            return FOUNT_FATAL;
        return open_out(s, t, err);
    }
    s->dir = xstrdup(t);
    while (strlen(s->dir) > 1 && s->dir[strlen(s->dir) - 1] == '/')
        s->dir[strlen(s->dir) - 1] = '\0';
    /* Check every file before creating anything: a refused run writes nothing. */
    for (i = 0; i < a->nrels; i++) {
        char p[4096];
        if (rel_path(s, a->rels[i]->name, p, sizeof p, err) || !may_write(p, a->force, err))
            return FOUNT_FATAL;
    }
    return mkdirs(s->dir, err) ? FOUNT_FATAL : FOUNT_OK;
}

static int file_begin(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct file_sink *s = ctx;
    char p[4096];

    if (!s->dir_mode)
        return FOUNT_OK;
    if (rel_path(s, rel->name, p, sizeof p, err))
        return FOUNT_FATAL;
    return open_out(s, p, err);
}

static int write_all(struct file_sink *s, const char *p, size_t n, struct fount_err *err)
{
    while (n) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fount_err_set(err, "write to %s failed: %s", s->path,
                          w < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int file_encode(const void *ctx, const struct fount_batch *b, struct buf *out)
{
    const struct file_sink *s = ctx;

    if (b->first_of_relation && encode_header(&s->enc, b->rel, out))
        return -1;
    return encode_batch(&s->enc, b, out);
}

static int file_write(void *ctx, const struct fount_batch *b, size_t *accepted,
                      struct fount_err *err)
{
    struct file_sink *s = ctx;
    int rc = FOUNT_OK;

    *accepted = 0;
    if (b->bytes || !b->nrows) {
        if (write_all(s, b->bytes, b->nbytes, err))
            return FOUNT_FATAL;
    } else {
        /* A sub-batch without bytes (a resend): encode it here. */
        struct buf tmp;
        buf_init(&tmp, (size_t)256 << 20);
        if (file_encode(s, b, &tmp)) {
            fount_err_set(err, "a batch is larger than 256 MiB");
            rc = FOUNT_FATAL;
        } else if (write_all(s, tmp.data, tmp.len, err))
            rc = FOUNT_FATAL;
        buf_free(&tmp);
        if (rc)
            return rc;
    }
    *accepted = b->nrows;
    return FOUNT_OK;
}

static int close_fd(struct file_sink *s, struct fount_err *err)
{
    int rc = 0;

    if (s->fd >= 0 && s->own_fd && close(s->fd) != 0) {
        fount_err_set(err, "closing %s failed: %s", s->path, strerror(errno));
        rc = -1;
    }
    if (s->own_fd)
        s->fd = -1;
    s->own_fd = 0;
    return rc;
}

static int file_end(void *ctx, const struct fount_relation *rel, struct fount_err *err)
{
    struct file_sink *s = ctx;

    (void)rel;
    if (!s->dir_mode)
        return FOUNT_OK;
    return close_fd(s, err) ? FOUNT_FATAL : FOUNT_OK;
}

static int file_flush(void *ctx, int timeout_ms, struct fount_err *err)
{
    struct file_sink *s = ctx;

    (void)timeout_ms;
    if (s->dir_mode)
        return FOUNT_OK;
    return close_fd(s, err) ? FOUNT_FATAL : FOUNT_OK;
}

static void file_close(void *ctx)
{
    struct file_sink *s = ctx;

    close_fd(s, NULL);
    free(s->dir);
    s->dir = NULL;
}

const struct fount_sink_type file_sink_type = {
    .name = "file",
    .desc = "CSV, JSON Lines or SQL: '-' for stdout, a file, or file:dir/ for one file per relation",
    .opts = file_opts,
    .ctx_size = sizeof(struct file_sink),
    .open = file_open,
    .begin = file_begin,
    .write_batch = file_write,
    .end = file_end,
    .flush = file_flush,
    .close = file_close,
    .encode = file_encode,
};
