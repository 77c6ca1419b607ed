/* cut-proxy: a TCP relay for tests that cuts a connection right after the client sent a given
 * message, before the server's answer comes back: what a client sees when the network fails
 * while a server commits. The server still gets (and acts on) the message.
 *
 *   cut-proxy PORTFILE UPSTREAM_PORT PATTERN N [WAIT_MS]
 *
 * Listens on 127.0.0.1, an ephemeral port written to PORTFILE (by rename, once listening), and
 * relays every connection to 127.0.0.1:UPSTREAM_PORT. PATTERN is a byte string with \xHH escapes
 * ("\x03COMMIT": a MySQL COM_QUERY of COMMIT; "c\x00\x00\x00\x04": a PostgreSQL CopyDone). At the
 * Nth time the pattern crosses from any client to the server, the relay forwards those bytes,
 * waits WAIT_MS (default 300) so the server can finish, then closes both sides of that connection
 * without passing the answer on. Every other byte is relayed untouched. Runs until killed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned char pat[256];
static size_t patlen;
static int upstream_port, cut_at, wait_ms = 300;
static atomic_int seen;

struct pair {
    int client, server;
};

static size_t unescape(const char *s, unsigned char *out, size_t room)
{
    size_t n = 0;

    while (*s && n < room) {
        if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
            char hex[3] = {s[2], s[3], 0};
            out[n++] = (unsigned char)strtoul(hex, NULL, 16);
            s += 4;
        } else {
            out[n++] = (unsigned char)*s++;
        }
    }
    return n;
}

static int send_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Occurrences of the pattern in tail+data, where tail holds the last patlen-1 bytes seen (so a
 * pattern split across reads counts once). */
static int count_matches(unsigned char *tail, size_t *ntail, const unsigned char *data, size_t n)
{
    unsigned char *w = malloc(*ntail + n);
    size_t i, k = *ntail + n;
    int found = 0;

    memcpy(w, tail, *ntail);
    memcpy(w + *ntail, data, n);
    for (i = 0; i + patlen <= k; i++)
        found += memcmp(w + i, pat, patlen) == 0;
    *ntail = k < patlen - 1 ? k : patlen - 1;
    memcpy(tail, w + k - *ntail, *ntail);
    free(w);
    return found;
}

static void *relay(void *arg)
{
    struct pair *pr = arg;
    struct pollfd fds[2] = {{pr->client, POLLIN, 0}, {pr->server, POLLIN, 0}};
    unsigned char buf[65536], tail[sizeof pat];
    size_t ntail = 0;

    for (;;) {
        ssize_t r;
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents) {
            int hits, cut = 0;
            if ((r = recv(pr->client, buf, sizeof buf, 0)) <= 0)
                break;
            hits = count_matches(tail, &ntail, buf, (size_t)r);
            while (hits-- > 0)
                cut |= atomic_fetch_add(&seen, 1) + 1 == cut_at;
            if (send_all(pr->server, buf, (size_t)r))
                break;
            if (cut) {
                struct timespec ts = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
                nanosleep(&ts, NULL);
                fprintf(stderr, "cut-proxy: cut a connection after pattern #%d\n", cut_at);
                break;
            }
        }
        if (fds[1].revents) {
            if ((r = recv(pr->server, buf, sizeof buf, 0)) <= 0 ||
                send_all(pr->client, buf, (size_t)r))
                break;
        }
    }
    close(pr->client);
    close(pr->server);
    free(pr);
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a = {0};
    socklen_t alen = sizeof a;
    char tmp[4096];
    FILE *f;
    int ls, one = 1;

    if (argc < 5) {
        fprintf(stderr, "usage: cut-proxy PORTFILE UPSTREAM_PORT PATTERN N [WAIT_MS]\n");
        return 2;
    }
    upstream_port = atoi(argv[2]);
    patlen = unescape(argv[3], pat, sizeof pat);
    cut_at = atoi(argv[4]);
    if (argc > 5)
        wait_ms = atoi(argv[5]);
    if (!patlen || cut_at < 1 || upstream_port <= 0) {
        fprintf(stderr, "cut-proxy: bad arguments\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    ls = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 64) ||
        getsockname(ls, (struct sockaddr *)&a, &alen)) {
        perror("cut-proxy: listen");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    if (!(f = fopen(tmp, "w")) || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) ||
        rename(tmp, argv[1])) {
        perror("cut-proxy: port file");
        return 1;
    }
    for (;;) {
        struct sockaddr_in u = {0};
        struct pair *pr;
        pthread_t t;
        int c = accept(ls, NULL, NULL), s;
        if (c < 0) {
            if (errno == EINTR)
                continue;
            perror("cut-proxy: accept");
            return 1;
        }
        s = socket(AF_INET, SOCK_STREAM, 0);
        u.sin_family = AF_INET;
        u.sin_port = htons((uint16_t)upstream_port);
        u.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(s, (struct sockaddr *)&u, sizeof u)) {
            close(c);
            close(s);
            continue;
        }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pr = malloc(sizeof *pr);
        pr->client = c;
        pr->server = s;
        if (pthread_create(&t, NULL, relay, pr) == 0)
            pthread_detach(t);
    }
}
