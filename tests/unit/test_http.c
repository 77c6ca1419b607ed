/* test_http.c: the HTTP sink's parts that need no network: SHA-256 (FIPS 180-4 examples), HMAC-SHA256
 * (RFC 4231), base64 (RFC 4648), webhook signatures (the Standard Webhooks example), bodies and
 * their batching limits by records and bytes, templates, the GraphQL envelope, backoff with
 * Retry-After, and how statuses are classified. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmac.h"
#include "http.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void unhex(const char *h, unsigned char *out, size_t *n)
{
    size_t i;

    for (i = 0; h[2 * i]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    *n = i;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    hex_encode(out, p, n);
}

Test(sha256, fips_180_4_examples)
{
    static const struct { const char *in; const char *want; } cases[] = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        struct sha256 s;
        unsigned char d[32];
        char h[65];
        sha256_init(&s);
        sha256_update(&s, cases[i].in, strlen(cases[i].in));
        sha256_final(&s, d);
        hex(d, 32, h);
        cr_expect_str_eq(h, cases[i].want, "sha256(\"%s\")", cases[i].in);
    }
}

Test(sha256, a_million_a_in_uneven_pieces)
{
    struct sha256 s;
    unsigned char d[32];
    char h[65], a[997];
    size_t done = 0;

    memset(a, 'a', sizeof a);
    sha256_init(&s);
    while (done < 1000000) {
        size_t k = 1000000 - done < sizeof a ? 1000000 - done : (done % 7) * 100 + 3;
        sha256_update(&s, a, k);
        done += k;
    }
    sha256_final(&s, d);
    hex(d, 32, h);
    cr_expect_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* RFC 4231 section 4: test cases 1-4, 6 and 7 (5 is a truncated output). */
Test(hmac, rfc_4231)
{
    static const struct { const char *key, *data, *want; } cases[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaa",
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d204861"
         "7368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaa",
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73"
         "697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e"
         "20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e672075"
         "7365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        unsigned char key[256], data[256], mac[32];
        size_t kn, dn;
        char h[65];
        unhex(cases[i].key, key, &kn);
        unhex(cases[i].data, data, &dn);
        hmac_sha256(key, kn, data, dn, mac);
        hex(mac, 32, h);
        cr_expect_str_eq(h, cases[i].want, "RFC 4231 case #%zu", i);
    }
}

Test(base64, rfc_4648_vectors_both_ways)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                       "Zm9vYmFy"};
    size_t i;

    for (i = 0; i < NELEM(in); i++) {
        char out[16];
        unsigned char back[16];
        long n;
        base64_encode(out, (const unsigned char *)in[i], strlen(in[i]));
        cr_expect_str_eq(out, want[i]);
        n = base64_decode(back, want[i], strlen(want[i]));
        cr_expect_eq(n, (long)strlen(in[i]));
        cr_expect(!memcmp(back, in[i], strlen(in[i])));
    }
    cr_expect_eq(base64_decode((unsigned char[8]){0}, "Zm!v", 4), -1);
}

/* The example of the Standard Webhooks specification (and of its reference libraries). */
Test(sign, standard_webhooks_example)
{
    unsigned char key[64];
    long kn = http_secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key, sizeof key);
    const char *body = "{\"test\": 2432232314}";
    char sig[64];

    cr_assert_gt(kn, 0);
    http_sign_standard(key, (size_t)kn, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                       strlen(body), sig);
    cr_expect_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    cr_expect_eq(http_secret_key("whsec_!!", key, sizeof key), -1);
}

/* python3 -c 'import hmac,hashlib;print(hmac.new(b"It is a secret",b"{\"a\":1}",hashlib.sha256).hexdigest())' */
Test(sign, simple_x_signature)
{
    unsigned char key[64];
    long kn = http_secret_key("It is a secret", key, sizeof key);
    char sig[80];

    http_sign_simple(key, (size_t)kn, "{\"a\":1}", 7, sig);
    cr_expect_str_eq(sig, "sha256=7d6ad4a38f3d84787040f6a0086bf78ab38561b19729cf56ece4d6ba403a9853");
}

static const char *const recs[] = {"{\"id\":1}", "{\"id\":22}", "{\"id\":333}", "{\"id\":4444}"};
static const size_t lens[] = {8, 9, 10, 11};

static char *body_of(const struct http_shape *sh, size_t n)
{
    struct buf b;

    buf_init(&b, 1 << 20);
    cr_assert_eq(http_body(sh, recs, lens, n, &b), 0);
    buf_append(&b, "", 1);
    return b.data;
}

Test(body, object_array_ndjson)
{
    struct http_shape obj = {HTTP_OBJECT, "", "", 0, 0}, arr = {HTTP_ARRAY, "", "", 0, 0},
                      nd = {HTTP_NDJSON, "", "", 0, 0};
    char *b;

    cr_expect_str_eq(b = body_of(&obj, 1), "{\"id\":1}");
    free(b);
    cr_expect_str_eq(b = body_of(&arr, 3), "[{\"id\":1},{\"id\":22},{\"id\":333}]");
    free(b);
    cr_expect_str_eq(b = body_of(&nd, 2), "{\"id\":1}\n{\"id\":22}\n");
    free(b);
}

Test(body, template_and_graphql)
{
    struct fount_err err;
    struct http_shape sh = {HTTP_ARRAY, NULL, NULL, 0, 0};
    char *pre, *post, *b;

    cr_assert_eq(http_template("{\"source\":\"{{relation}}\",\"data\":{{body}}}", "orders", &pre,
                               &post, &err), 0);
    sh.pre = pre, sh.post = post, sh.npre = strlen(pre), sh.npost = strlen(post);
    cr_expect_str_eq(b = body_of(&sh, 2), "{\"source\":\"orders\",\"data\":[{\"id\":1},{\"id\":22}]}");
    free(b);
    free(pre);
    free(post);
    cr_expect_eq(http_template("{\"data\": 1}", "orders", &pre, &post, &err), -1);
    cr_expect_eq(http_template("{{body}}{{body}}", "orders", &pre, &post, &err), -1);

    http_graphql("mutation Add($input: OrderInput!) {\n  add(input: $input) { id }\n}", "input",
                 &pre, &post);
    sh.mode = HTTP_OBJECT;
    sh.pre = pre, sh.post = post, sh.npre = strlen(pre), sh.npost = strlen(post);
    cr_expect_str_eq(b = body_of(&sh, 1),
                     "{\"query\":\"mutation Add($input: OrderInput!) {\\n  add(input: $input) { id "
                     "}\\n}\",\"variables\":{\"input\":{\"id\":1}}}");
    free(b);
    free(pre);
    free(post);
}

Test(batch, limits_by_records_and_by_bytes)
{
    struct http_shape arr = {HTTP_ARRAY, "", "", 0, 0}, nd = {HTTP_NDJSON, "", "", 0, 0},
                      obj = {HTTP_OBJECT, "", "", 0, 0};
    const struct { const struct http_shape *sh; size_t recs, bytes, want; } cases[] = {
        {&obj, 100, 1 << 20, 1},   /* one object per request, whatever the limits */
        {&arr, 100, 1 << 20, 4},   /* everything fits */
        {&arr, 3, 1 << 20, 3},     /* by records */
        {&arr, 100, 2 + 8 + 1 + 9, 2},  /* [a,b] is exactly 20 bytes */
        {&arr, 100, 2 + 8 + 1 + 9 - 1, 1},
        {&nd, 100, 9 + 10 + 11, 3}, /* lines with their newlines */
        {&nd, 100, 9 + 10 + 11 - 1, 2},
        {&nd, 100, 1, 1},          /* a record larger than the limit goes alone */
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++) {
        size_t k = http_batch_take(cases[i].sh, lens, 4, cases[i].recs, cases[i].bytes);
        cr_expect_eq(k, cases[i].want, "case %zu: %zu records, want %zu", i, k, cases[i].want);
        if (k > 1) { /* and the body built from them respects the byte limit */
            char *b = body_of(cases[i].sh, k);
            cr_expect_leq(strlen(b), cases[i].bytes, "case %zu", i);
            free(b);
        }
    }
}

Test(backoff, doubles_with_jitter_caps_and_honours_retry_after)
{
    uint64_t rng = 1;
    int a, k;

    for (k = 0; k < 200; k++)
        for (a = 1; a <= 10; a++) {
            int64_t full = 100LL << (a - 1), d = http_backoff_ms(a, 0, 100, 10000, 60000, &rng);
            if (full > 10000)
                full = 10000;
            cr_expect(d >= full / 2 && d < full, "attempt %d: %lld not in [%lld, %lld)", a,
                      (long long)d, (long long)full / 2, (long long)full);
        }
    cr_expect_eq(http_backoff_ms(1, 3, 100, 10000, 60000, &rng), 3000);     /* Retry-After: 3 */
    cr_expect_eq(http_backoff_ms(1, 3600, 100, 10000, 60000, &rng), 60000); /* capped */
    cr_expect_lt(http_backoff_ms(8, 1, 100, 10000, 60000, &rng), 10000);    /* longer backoff wins */
    cr_expect_geq(http_backoff_ms(8, 1, 100, 10000, 60000, &rng), 5000);
}

Test(classify, statuses)
{
    static const struct { long status; enum http_verdict want; } cases[] = {
        {200, HTTP_DELIVERED}, {201, HTTP_DELIVERED}, {204, HTTP_DELIVERED},
        {408, HTTP_RETRY}, {429, HTTP_RETRY}, {500, HTTP_RETRY}, {503, HTTP_RETRY},
        {504, HTTP_RETRY}, {400, HTTP_FAIL}, {404, HTTP_FAIL}, {409, HTTP_FAIL},
        {422, HTTP_FAIL}, {301, HTTP_FAIL}, {401, HTTP_FATAL}, {403, HTTP_FATAL},
    };
    size_t i;

    for (i = 0; i < NELEM(cases); i++)
        cr_expect_eq(http_classify(cases[i].status), cases[i].want, "status %ld",
                     cases[i].status);
}
