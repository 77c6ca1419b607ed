/* http-receiver.c: a small HTTP server (libmicrohttpd) for the HTTP sink's tests and benchmarks. It
 * records each request, answers on a schedule, drops connections, is slow on purpose, keeps the
 * Idempotency-Key of every accepted request (a repeat is answered 200 and not accepted again, as a
 * real API does) and verifies webhook signatures. Loopback only. Tests only: fount never links it.
 *
 * usage: http-receiver [options]                    stops on SIGTERM or SIGINT
 *   --port N            port on 127.0.0.1 (default 0: any free port)
 *   --port-file F       write the port to F once listening (written to F.tmp, then renamed)
 *   --log F             one line per request:  N STATUS METHOD PATH KEY SIG BYTES CONN
 *                       (N: 1-based arrival number; KEY: Idempotency-Key, else webhook-id, else
 *                       -; SIG: ok, bad or -; STATUS "drop" for a dropped connection; "dup" after
 *                       the status for a repeated key; CONN: c<K>, the K-th TCP connection
 *                       accepted, so keep-alive shows as few distinct values)
 *   --bodies F          the body of every accepted request (decompressed), each then a newline
 *   --status CODE       the answer to an accepted request (default 200; 204 for a fast mode)
 *   --fail CODE:first=N the first N requests are answered CODE (not accepted)
 *   --fail CODE:every=N every Nth request is answered CODE (repeatable, first match wins)
 *   --drop every=N      every Nth request is accepted, then its connection closed unanswered
 *   --drop first=N      the first N likewise
 *   --retry-after S     send Retry-After: S with 429 and 503 answers
 *   --delay D           wait D before answering (50ms, 1s); with --concurrency this makes a
 *                       slow receiver of limited capacity
 *   --concurrency N     threads answering (default 4): at most N requests served at once
 *   --secret S --sig standard|simple
 *                       verify webhook-signature (Standard Webhooks; whsec_<base64> secrets are
 *                       decoded) or X-Signature: sha256=<hex>; a mismatch is answered 401
 *   --tls-cert F --tls-key F
 *                       serve https (GnuTLS inside libmicrohttpd) with this PEM certificate
 *                       (chain) and key; HTTP/1.1 only (libmicrohttpd has no HTTP/2)
 *   --quiet             record nothing (benchmarks)
 * Request numbering, schedules and logs are shared by all threads. */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../../sinks/hmac.h"

#define BODY_MAX ((size_t)64 << 20)
#define MAX_RULES 16

struct rule { int code, first, every; };

static struct {
    struct rule fail[MAX_RULES];
    int nfail;
    int drop_first, drop_every;
    int status, retry_after, delay_ms, sig, quiet;
    unsigned char key[256];
    long klen;
    FILE *log, *bodies;
    pthread_mutex_t mu;
    unsigned long long n;
    unsigned long long nconn; /* TCP connections accepted */
    char **keys;              /* accepted keys: open addressing */
    size_t nkeys, capkeys;
} g = {.status = 200, .mu = PTHREAD_MUTEX_INITIALIZER};

struct req {
    char *body;
    size_t len, cap;
    int too_big;
};

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "http-receiver: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Adds key; returns 1 when it was there already. Under g.mu. */
static int key_seen(const char *key)
{
    size_t i;

    if (g.nkeys * 2 >= g.capkeys) {
        char **old = g.keys;
        size_t oc = g.capkeys, k;
        g.capkeys = oc ? oc * 2 : 1024;
        g.keys = calloc(g.capkeys, sizeof *g.keys);
        if (!g.keys)
            die("out of memory");
        for (k = 0; k < oc; k++)
            if (old[k]) {
                for (i = hash(old[k]) & (g.capkeys - 1); g.keys[i]; i = (i + 1) & (g.capkeys - 1))
                    ;
                g.keys[i] = old[k];
            }
        free(old);
    }
    for (i = hash(key) & (g.capkeys - 1); g.keys[i]; i = (i + 1) & (g.capkeys - 1))
        if (!strcmp(g.keys[i], key))
            return 1;
    g.keys[i] = strdup(key);
    g.nkeys++;
    return 0;
}

static int in_rule(unsigned long long n, int first, int every)
{
    return (first && n <= (unsigned long long)first) || (every && n % (unsigned)every == 0);
}

static int gunzip(const char *in, size_t n, char **out, size_t *outlen)
{
    z_stream z;
    size_t cap = n * 4 + 1024;
    int rc;

    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    *out = malloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    for (;;) {
        z.next_out = (Bytef *)*out + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if ((rc != Z_OK && rc != Z_BUF_ERROR) || cap >= BODY_MAX) {
            inflateEnd(&z);
            return -1;
        }
        cap *= 2;
        *out = realloc(*out, cap);
    }
    *outlen = z.total_out;
    inflateEnd(&z);
    return 0;
}

/* The number of c's TCP connection (1, 2, ...), set when it was accepted (see conn_notify). */
static unsigned long long conn_id(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return i && i->socket_context ? (unsigned long long)(uintptr_t)i->socket_context : 0;
}

static void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)c;
    if (code != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    pthread_mutex_lock(&g.mu);
    *socket_context = (void *)(uintptr_t)++g.nconn;
    pthread_mutex_unlock(&g.mu);
}

static const char *hdr(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* "ok", "bad" or "-" (no secret configured). */
static const char *verify(struct MHD_Connection *c, const char *body, size_t n)
{
    char want[96];

    if (!g.sig)
        return "-";
    if (g.sig == 1) {
        const char *id = hdr(c, "webhook-id"), *ts = hdr(c, "webhook-timestamp"),
                   *sig = hdr(c, "webhook-signature");
        struct hmac_sha256 h;
        unsigned char mac[32];
        long long t;
        if (!id || !ts || !sig)
            return "bad";
        t = atoll(ts);
        if (llabs((long long)time(NULL) - t) > 300) /* Standard Webhooks: 5 minutes' tolerance */
            return "bad";
        hmac_sha256_init(&h, g.key, (size_t)g.klen);
        hmac_sha256_update(&h, id, strlen(id));
        hmac_sha256_update(&h, ".", 1);
        hmac_sha256_update(&h, ts, strlen(ts));
        hmac_sha256_update(&h, ".", 1);
        hmac_sha256_update(&h, body, n);
        hmac_sha256_final(&h, mac);
        memcpy(want, "v1,", 3);
        base64_encode(want + 3, mac, 32);
        /* the header may hold several space-separated signatures */
        return strstr(sig, want) ? "ok" : "bad";
    } else {
        const char *sig = hdr(c, "X-Signature");
        unsigned char mac[32];
        hmac_sha256(g.key, (size_t)g.klen, body, n, mac);
        memcpy(want, "sha256=", 7);
        hex_encode(want + 7, mac, 32);
        return sig && !strcmp(sig, want) ? "ok" : "bad";
    }
}

static enum MHD_Result answer(struct MHD_Connection *c, int code)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc;

    if (g.retry_after && (code == 429 || code == 503)) {
        char v[16];
        snprintf(v, sizeof v, "%d", g.retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    rc = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result finish(struct MHD_Connection *c, const char *method, const char *url,
                              struct req *q)
{
    const char *key = hdr(c, "Idempotency-Key"), *enc = hdr(c, "Content-Encoding"), *sig;
    char *body = q->body, *plain = NULL;
    size_t n = q->len;
    unsigned long long num;
    int code = g.status, drop = 0, dup = 0, i;

    if (!key)
        key = hdr(c, "webhook-id");
    if (enc && !strcasecmp(enc, "gzip")) {
        if (gunzip(q->body, q->len, &plain, &n)) {
            free(plain);
            return answer(c, 400);
        }
        body = plain;
    }
    if (g.delay_ms) {
        struct timespec ts = {g.delay_ms / 1000, (long)(g.delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    sig = verify(c, body ? body : "", n);
    pthread_mutex_lock(&g.mu);
    num = ++g.n;
    if (q->too_big)
        code = 413;
    else if (!strcmp(sig, "bad"))
        code = 401;
    else {
        for (i = 0; i < g.nfail; i++)
            if (in_rule(num, g.fail[i].first, g.fail[i].every)) {
                code = g.fail[i].code;
                break;
            }
        if (i == g.nfail) {
            drop = in_rule(num, g.drop_first, g.drop_every);
            dup = key && key_seen(key);
            if (dup)
                code = 200;
            else if (g.bodies) {
                fwrite(body ? body : "", 1, n, g.bodies);
                fputc('\n', g.bodies);
                fflush(g.bodies);
            }
        }
    }
    if (g.log) {
        if (drop)
            fprintf(g.log, "%llu drop%s %s %s %s %s %zu c%llu\n", num, dup ? " dup" : "", method,
                    url, key ? key : "-", sig, n, conn_id(c));
        else
            fprintf(g.log, "%llu %d%s %s %s %s %s %zu c%llu\n", num, code, dup ? " dup" : "",
                    method, url, key ? key : "-", sig, n, conn_id(c));
        fflush(g.log);
    }
    pthread_mutex_unlock(&g.mu);
    free(plain);
    if (drop)
        return MHD_NO; /* closes the connection without an answer */
    return answer(c, code);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    struct req *q = *con_cls;

    (void)cls;
    (void)version;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q)
            return MHD_NO;
        *con_cls = q;
        return MHD_YES;
    }
    if (*size) {
        if (q->len + *size > BODY_MAX)
            q->too_big = 1;
        else if (!g.quiet || g.sig) {
            if (q->len + *size > q->cap) {
                q->cap = (q->len + *size) * 2;
                q->body = realloc(q->body, q->cap);
                if (!q->body)
                    return MHD_NO;
            }
            memcpy(q->body + q->len, data, *size);
            q->len += *size;
        }
        *size = 0;
        return MHD_YES;
    }
    if (g.quiet && !g.sig && !g.nfail && !g.drop_first && !g.drop_every && !g.delay_ms)
        return answer(c, g.status);
    return finish(c, method, url, q);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct req *q = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (q) {
        free(q->body);
        free(q);
        *con_cls = NULL;
    }
}

/* The whole of a small file (a PEM certificate or key), NUL-terminated; dies when unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        die("%s: %s", path, strerror(errno));
    p = calloc(1, (size_t)n + 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
        die("%s: cannot read", path);
    fclose(f);
    return p;
}

static int parse_ms(const char *s)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || v < 0)
        die("bad duration \"%s\"", s);
    if (!strcmp(end, "ms"))
        return (int)v;
    if (!strcmp(end, "s") || !*end)
        return (int)(v * 1000);
    die("bad duration \"%s\" (50ms, 1s)", s);
    return 0;
}

static void parse_sched(const char *s, int *first, int *every)
{
    if (!strncmp(s, "first=", 6))
        *first = atoi(s + 6);
    else if (!strncmp(s, "every=", 6))
        *every = atoi(s + 6);
    else
        die("expected first=N or every=N, got \"%s\"", s);
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *secret = NULL, *sigmode = "standard", *cert_file = NULL,
               *key_file = NULL;
    char *cert = NULL, *key = NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    int port = 0, conc = 4, i, sig;
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    sigset_t set;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            g.quiet = 1;
            continue;
        }
        if (!v)
            die("%s needs a value", a);
        i++;
        if (!strcmp(a, "--port"))
            port = atoi(v);
        else if (!strcmp(a, "--port-file"))
            port_file = v;
        else if (!strcmp(a, "--log") && !(g.log = fopen(v, "w")))
            die("%s: %s", v, strerror(errno));
        else if (!strcmp(a, "--bodies") && !(g.bodies = fopen(v, "w")))
            die("%s: %s", v, strerror(errno));
        else if (!strcmp(a, "--status"))
            g.status = atoi(v);
        else if (!strcmp(a, "--fail")) {
            const char *colon = strchr(v, ':');
            if (!colon || g.nfail == MAX_RULES)
                die("--fail CODE:first=N or CODE:every=N");
            g.fail[g.nfail].code = atoi(v);
            parse_sched(colon + 1, &g.fail[g.nfail].first, &g.fail[g.nfail].every);
            g.nfail++;
        } else if (!strcmp(a, "--drop"))
            parse_sched(v, &g.drop_first, &g.drop_every);
        else if (!strcmp(a, "--retry-after"))
            g.retry_after = atoi(v);
        else if (!strcmp(a, "--delay"))
            g.delay_ms = parse_ms(v);
        else if (!strcmp(a, "--concurrency"))
            conc = atoi(v);
        else if (!strcmp(a, "--secret"))
            secret = v;
        else if (!strcmp(a, "--sig"))
            sigmode = v;
        else if (!strcmp(a, "--tls-cert"))
            cert_file = v;
        else if (!strcmp(a, "--tls-key"))
            key_file = v;
        else if (strcmp(a, "--log") && strcmp(a, "--bodies"))
            die("unknown option %s (see the top of http-receiver.c)", a);
    }
    if (secret) {
        g.sig = !strcmp(sigmode, "simple") ? 2 : 1;
        if (!strncmp(secret, "whsec_", 6))
            g.klen = base64_decode(g.key, secret + 6, strlen(secret + 6));
        else {
            g.klen = (long)strlen(secret);
            if (g.klen > (long)sizeof g.key)
                g.klen = sizeof g.key;
            memcpy(g.key, secret, (size_t)g.klen);
        }
        if (g.klen <= 0)
            die("bad secret");
    }
    if (!cert_file != !key_file)
        die("--tls-cert and --tls-key go together");
    if (cert_file) {
        cert = slurp(cert_file);
        key = slurp(key_file);
        flags |= MHD_USE_TLS;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* MHD's threads inherit it */
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* The TLS options come last: without a certificate they are MHD_OPTION_END. */
    d = MHD_start_daemon(flags, 0, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned)(conc < 1 ? 1 : conc), MHD_OPTION_CONNECTION_LIMIT, 10000u,
                         MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                         MHD_OPTION_NOTIFY_CONNECTION, conn_notify, NULL,
                         cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
                         MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
    if (!d)
        die("cannot listen on 127.0.0.1:%d%s", port,
            cert ? " with TLS (is the key the certificate's? is libmicrohttpd built with TLS?)"
                 : "");
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (port_file) {
        char tmp[4096];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        if (!(f = fopen(tmp, "w")))
            die("%s: %s", tmp, strerror(errno));
        fprintf(f, "%u\n", (unsigned)info->port);
        fclose(f);
        rename(tmp, port_file);
    }
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    if (g.log)
        fclose(g.log);
    if (g.bodies)
        fclose(g.bodies);
    free(cert);
    free(key);
    return 0;
}
