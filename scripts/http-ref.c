/* http-ref.c: the bench's reference for the HTTP sink: a bare libcurl-multi loop that keeps N POSTs
 * of one pre-built body in flight, reusing N easy handles (keep-alive), and prints requests/s.
 * It is what fount's HTTP sink would cost if making and encoding records were free.
 *   http-ref URL CONNECTIONS REQUESTS BODY_BYTES      prints "REQUESTS SECONDS REQ_PER_S FAILED" */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long conns, total, started = 0, done = 0, failed = 0, size, i;
    struct curl_slist *h = NULL;
    CURL **easy;
    CURLM *m;
    char *body;
    double t0;

    if (argc != 5) {
        fprintf(stderr, "usage: http-ref URL CONNECTIONS REQUESTS BODY_BYTES\n");
        return 2;
    }
    conns = atol(argv[2]);
    total = atol(argv[3]);
    size = atol(argv[4]);
    body = malloc((size_t)size + 16);
    memset(body, 'x', (size_t)size);
    if (size >= 8) { /* a JSON object of the given size */
        memcpy(body, "{\"p\":\"", 6);
        memcpy(body + size - 2, "\"}", 2);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    easy = calloc((size_t)conns, sizeof *easy);
    for (i = 0; i < conns; i++) {
        CURL *e = easy[i] = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_URL, argv[1]);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, size);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        if (started < total) {
            curl_multi_add_handle(m, e);
            started++;
        }
    }
    t0 = now();
    while (done < total) {
        int running, left;
        CURLMsg *msg;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left))) {
            long code = 0;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            failed += msg->data.result != CURLE_OK || code < 200 || code >= 300;
            done++;
            curl_multi_remove_handle(m, msg->easy_handle);
            if (started < total) {
                curl_multi_add_handle(m, msg->easy_handle);
                started++;
            }
        }
        if (done < total)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    printf("%ld %.3f %.0f %ld\n", total, now() - t0, (double)total / (now() - t0), failed);
    return failed != 0;
}
