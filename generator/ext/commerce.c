/* commerce.c: products (category, name, SKU, price with shop-like endings), currency of the row's
 * country, payment method by country, card numbers on payment processors' published test
 * prefixes that pass the Luhn check, and IBANs with valid ISO 13616 (mod 97) check digits.
 * One product identity and one card identity per (group, row) keep category, name, SKU and price
 * (and brand, number, expiry) of a row consistent.
 * Leaves out: real bank codes (bank and branch codes are random digits), national account check
 * digits except France's RIB key and Spain's control digits. */
#include "ext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ products */

struct category {
    const char *name, *sku;
    uint32_t weight;
    double lo, hi;                  /* typical price range */
    const char *const *nouns;       /* NULL-terminated */
    const char *const *materials;   /* NULL-terminated, may be empty */
};

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})
static const struct category categories[] = {
    {"Electronics", "ELE", 12, 15, 1500,
     LIST("Headphones", "Speaker", "Charger", "Keyboard", "Mouse", "Monitor", "Webcam", "Tablet",
          "Smartwatch", "Router", "Power Bank", "USB Cable", "Earbuds", "Camera", "Microphone"),
     LIST("Wireless", "Bluetooth", "Portable", "Noise-Cancelling", "4K", "USB-C")},
    {"Clothing", "CLO", 15, 8, 250,
     LIST("T-Shirt", "Jeans", "Jacket", "Sweater", "Hoodie", "Dress", "Skirt", "Scarf", "Socks",
          "Shorts", "Coat", "Shirt", "Cap", "Belt"),
     LIST("Cotton", "Linen", "Wool", "Denim", "Leather", "Silk", "Fleece", "Cashmere")},
    {"Home & Kitchen", "HOM", 12, 5, 400,
     LIST("Chair", "Table", "Lamp", "Mug", "Frying Pan", "Knife Set", "Cutting Board", "Blender",
          "Kettle", "Toaster", "Pillow", "Blanket", "Vase", "Shelf", "Wall Clock"),
     LIST("Wooden", "Steel", "Ceramic", "Glass", "Bamboo", "Cast Iron", "Marble", "Copper")},
    {"Sports & Outdoors", "SPO", 8, 10, 600,
     LIST("Yoga Mat", "Water Bottle", "Backpack", "Tent", "Dumbbell Set", "Running Shoes",
          "Bike Helmet", "Sleeping Bag", "Tennis Racket", "Football", "Jump Rope", "Hiking Poles"),
     LIST("Aluminium", "Carbon", "Rubber", "Nylon", "Neoprene")},
    {"Books", "BOO", 10, 5, 60,
     LIST("Cookbook", "Novel", "Travel Guide", "Notebook", "Journal", "Atlas", "Dictionary",
          "Poetry Collection", "Biography", "Comic Book"),
     LIST("Illustrated", "Hardcover", "Paperback", "Pocket")},
    {"Beauty & Health", "BEA", 7, 4, 120,
     LIST("Face Cream", "Shampoo", "Conditioner", "Lip Balm", "Perfume", "Serum", "Sunscreen",
          "Hand Soap", "Body Lotion", "Toothbrush", "Vitamins"),
     LIST("Organic", "Unscented", "Herbal", "Vegan")},
    {"Toys & Games", "TOY", 6, 5, 150,
     LIST("Puzzle", "Board Game", "Building Blocks", "Teddy Bear", "Toy Car", "Doll", "Kite",
          "Card Game", "Robot Kit", "Train Set"),
     LIST("Wooden", "Plush", "Magnetic")},
    {"Garden", "GAR", 5, 5, 500,
     LIST("Garden Hose", "Planter", "Shovel", "Pruning Shears", "Watering Can", "Bird Feeder",
          "Lawn Chair", "Seed Kit", "Wheelbarrow", "Rake"),
     LIST("Terracotta", "Steel", "Teak", "Recycled Plastic")},
    {"Grocery", "GRO", 10, 1, 40,
     LIST("Coffee Beans", "Green Tea", "Olive Oil", "Pasta", "Honey", "Dark Chocolate", "Granola",
          "Basmati Rice", "Peanut Butter", "Spice Mix", "Maple Syrup"),
     LIST("Organic", "Fair Trade", "Gluten-Free", "Artisan")},
    {"Automotive", "AUT", 4, 8, 400,
     LIST("Car Charger", "Floor Mats", "Dash Cam", "Seat Cover", "Tyre Inflator", "Wiper Blades",
          "Phone Mount", "Jump Starter"),
     LIST("Heavy-Duty", "Universal", "All-Weather")},
    {"Office", "OFF", 5, 2, 300,
     LIST("Desk Organizer", "Stapler", "Pen Set", "Office Chair", "Desk Lamp", "Printer Paper",
          "Whiteboard", "Binder", "Label Maker"),
     LIST("Recycled", "Metal", "Leather")},
    {"Pet Supplies", "PET", 4, 3, 150,
     LIST("Dog Bed", "Cat Tree", "Leash", "Pet Bowl", "Chew Toy", "Litter Box", "Bird Cage",
          "Aquarium Filter"),
     LIST("Orthopedic", "Stainless Steel", "Natural")},
};
#define NCAT (sizeof categories / sizeof categories[0])

static const char *const adjectives[] = {
    "Ergonomic", "Premium", "Classic", "Modern", "Deluxe", "Compact", "Lightweight", "Durable",
    "Eco-Friendly", "Handmade", "Vintage", "Essential", "Ultra", "Pro", "Smart", "Rustic", "Sleek",
    "Elegant", "Practical", "Everyday"};
#define NADJ (sizeof adjectives / sizeof adjectives[0])

static size_t count(const char *const *l)
{
    size_t n = 0;

    while (l[n])
        n++;
    return n;
}

struct product {
    const struct category *cat;
    const char *noun, *material, *adj; /* material, adj may be NULL */
    uint32_t u_price, u_end, u_sku;
};

enum { R_CATEGORY, R_NOUN, R_MATERIAL, R_ADJECTIVE, R_PRICE, R_SKU };

static void product_at(const struct ext_field *x, uint64_t row, struct product *p)
{
    uint64_t base = ext_base(x->gsub[SUB_PRODUCT], row), zm, za, zp;
    uint32_t total = 0, v;
    size_t i, nm;

    for (i = 0; i < NCAT; i++)
        total += categories[i].weight;
    v = ext_scale((uint32_t)(ext_draw(base, R_CATEGORY) >> 32), total);
    for (i = 0; i + 1 < NCAT && v >= categories[i].weight; i++)
        v -= categories[i].weight;
    p->cat = &categories[i];
    p->noun = p->cat->nouns[ext_scale((uint32_t)(ext_draw(base, R_NOUN) >> 32),
                                      (uint32_t)count(p->cat->nouns))];
    p->material = p->adj = NULL;
    if (x->kind == EXT_PRODUCT_NAME) {
        /* half of the names name a material, seven in ten an adjective */
        zm = ext_draw(base, R_MATERIAL);
        za = ext_draw(base, R_ADJECTIVE);
        nm = count(p->cat->materials);
        p->material = nm && (uint32_t)zm < 0x80000000u
                          ? p->cat->materials[ext_scale((uint32_t)(zm >> 32), (uint32_t)nm)]
                          : NULL;
        p->adj = (uint32_t)za < 0xb3333333u ? adjectives[ext_scale((uint32_t)(za >> 32), NADJ)]
                                            : NULL;
    }
    zp = ext_draw(base, R_PRICE);
    p->u_price = (uint32_t)(zp >> 32);
    p->u_end = (uint32_t)zp;
    p->u_sku = (uint32_t)(ext_draw(base, R_SKU) >> 32);
}

/* Price in cents: log-uniform over [lo, hi], then a shop-like ending: .99 most often, .00, .95,
 * .49, .50, or any cents. */
static int64_t price_cents(const struct ext_field *x, const struct product *p)
{
    double lo = x->lo ? (double)x->lo : p->cat->lo * 100, hi = x->hi ? (double)x->hi : p->cat->hi * 100;
    double v = exp(log(lo) + (log(hi) - log(lo)) * (p->u_price / 4294967296.0));
    int64_t c = (int64_t)v, whole = c / 100, e = p->u_end % 100, cents;

    if (e < 40)
        cents = 99;
    else if (e < 65)
        cents = 0;
    else if (e < 73)
        cents = 95;
    else if (e < 80)
        cents = 49;
    else if (e < 88)
        cents = 50;
    else
        cents = c % 100;
    if (whole >= 100 && cents != 99 && cents != 0 && (p->u_end >> 8) % 2) /* big prices: round */
        cents = 0;
    c = whole * 100 + cents;
    if (c < x->lo)
        c = x->lo;
    if (x->hi && c > x->hi)
        c = x->hi;
    return c;
}

static size_t put_product(const struct product *p, char *s)
{
    char *w = s;

    if (p->adj) {
        w = ext_puts(w, p->adj);
        *w++ = ' ';
    }
    if (p->material) {
        w = ext_puts(w, p->material);
        *w++ = ' ';
    }
    return (size_t)(ext_puts(w, p->noun) - s);
}

/* ------------------------------------------------------------------ currencies and payments */

struct currency {
    const char *code, *symbol, *name;
    uint32_t weight; /* share of e-commerce payments, rough estimate, for "match": false */
};
static const struct currency currencies[] = {
    {"USD", "$", "US Dollar", 40},        {"EUR", "\xe2\x82\xac", "Euro", 25},
    {"GBP", "\xc2\xa3", "Pound Sterling", 8}, {"JPY", "\xc2\xa5", "Yen", 6},
    {"CNY", "\xc2\xa5", "Yuan Renminbi", 5}, {"INR", "\xe2\x82\xb9", "Indian Rupee", 3},
    {"BRL", "R$", "Brazilian Real", 3},   {"CAD", "CA$", "Canadian Dollar", 3},
    {"AUD", "A$", "Australian Dollar", 3}, {"CHF", "CHF", "Swiss Franc", 2},
    {"MXN", "MX$", "Mexican Peso", 1},    {"SEK", "kr", "Swedish Krona", 1},
};
#define NCUR (sizeof currencies / sizeof currencies[0])

static const struct currency *currency_of(const char *code)
{
    size_t i;

    for (i = 0; i < NCUR; i++)
        if (strcmp(currencies[i].code, code) == 0)
            return &currencies[i];
    return &currencies[0];
}

/* Payment methods and their rough shares per locale (estimates after payment-provider market
 * reports; each row sums to 100). */
static const char *const methods[] = {"credit_card", "debit_card", "paypal", "apple_pay",
                                      "google_pay", "bank_transfer", "klarna", "sepa_debit",
                                      "pix", "boleto", "upi", "cash_on_delivery", "konbini",
                                      "gift_card"};
#define NMETH (sizeof methods / sizeof methods[0])
static const uint8_t method_w[FDATA_NLOCALES][NMETH] = {
    /* en_US */ {40, 25, 12, 8, 5, 2, 3, 0, 0, 0, 0, 0, 0, 5},
    /* en_GB */ {25, 35, 15, 10, 5, 3, 4, 0, 0, 0, 0, 0, 0, 3},
    /* de_DE */ {12, 8, 25, 5, 3, 15, 20, 10, 0, 0, 0, 0, 0, 2},
    /* fr_FR */ {45, 15, 15, 8, 4, 5, 3, 3, 0, 0, 0, 0, 0, 2},
    /* es_ES */ {35, 25, 15, 6, 4, 7, 3, 3, 0, 0, 0, 2, 0, 0},
    /* pt_BR */ {30, 5, 3, 1, 1, 2, 0, 0, 40, 15, 0, 0, 0, 3},
    /* ja_JP */ {55, 5, 3, 8, 3, 6, 0, 0, 0, 0, 0, 7, 10, 3},
    /* en_IN */ {10, 15, 1, 0, 5, 8, 0, 0, 0, 0, 45, 15, 0, 1},
};

/* ------------------------------------------------------------------ cards */

/* Prefixes of the test card numbers published by payment processors (Stripe, PayPal/Braintree,
 * Adyen test-card pages): the generated numbers share the issuer prefix of a documented test
 * card, fill the rest at random and end with a Luhn check digit. */
struct brand {
    const char *key, *name;
    int len;
    uint32_t weight;
    const char *prefix[4];
};
static const struct brand brands[] = {
    {"visa", "Visa", 16, 50, {"411111", "424242", "401288", "400005"}},
    {"mastercard", "Mastercard", 16, 30, {"555555", "510510", "222300", "520082"}},
    {"amex", "American Express", 15, 10, {"378282", "371449", "378734", NULL}},
    {"discover", "Discover", 16, 4, {"601111", "601100", NULL, NULL}},
    {"jcb", "JCB", 16, 3, {"353011", "356600", NULL, NULL}},
    {"diners", "Diners Club", 14, 3, {"305693", "385200", "362272", NULL}},
};
#define NBRAND (sizeof brands / sizeof brands[0])

struct card {
    const struct brand *b;
    const char *prefix;
    uint64_t z[2];
    uint32_t u_exp;
};

enum { K_BRAND, K_PREFIX, K_DIGITS, K_DIGITS2, K_EXPIRY };

static void card_at(const struct ext_field *x, uint64_t row, struct card *cd)
{
    uint64_t base = ext_base(x->gsub[SUB_CARD], row);
    uint32_t total = 0, v, np = 0;
    int i;

    for (i = 0; i < x->ccount; i++)
        total += brands[x->cidx[i]].weight;
    v = ext_scale((uint32_t)(ext_draw(base, K_BRAND) >> 32), total);
    for (i = 0; i + 1 < x->ccount && v >= brands[x->cidx[i]].weight; i++)
        v -= brands[x->cidx[i]].weight;
    cd->b = &brands[x->cidx[i]];
    while (np < 4 && cd->b->prefix[np])
        np++;
    cd->prefix = cd->b->prefix[ext_scale((uint32_t)(ext_draw(base, K_PREFIX) >> 32), np)];
    cd->z[0] = ext_draw(base, K_DIGITS);
    cd->z[1] = ext_draw(base, K_DIGITS2);
    cd->u_exp = (uint32_t)(ext_draw(base, K_EXPIRY) >> 32);
}

/* Luhn: the check digit that makes the whole number valid. */
static int luhn_digit(const char *d, int n)
{
    int sum = 0, i, dbl = 1;

    for (i = n - 1; i >= 0; i--, dbl = !dbl) {
        int v = d[i] - '0';
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return (10 - sum % 10) % 10;
}

static size_t put_card(const struct ext_field *x, const struct card *cd, uint64_t row, char *s)
{
    char d[20];
    int n = cd->b->len, acct = n - 7, i;
    uint64_t z = cd->z[0];

    memcpy(d, cd->prefix, 6);
    if (x->unique) /* the account digits carry the row: distinct rows, distinct numbers */
        ext_digits(d + 6, perm_apply(&x->perm, row % x->perm_n), acct);
    else
        for (i = 0; i < acct; i++) {
            if (i == 19)
                z = cd->z[1];
            d[6 + i] = (char)('0' + z % 10);
            z /= 10;
        }
    d[n - 1] = (char)('0' + luhn_digit(d, n - 1));
    if (!x->fmt) {
        memcpy(s, d, (size_t)n);
        return (size_t)n;
    }
    {
        /* 4-4-4-4; Amex 4-6-5; Diners 4-6-4 */
        static const int g16[] = {4, 4, 4, 4}, g15[] = {4, 6, 5}, g14[] = {4, 6, 4};
        const int *g = n == 16 ? g16 : n == 15 ? g15 : g14;
        int ng = n == 16 ? 4 : 3, k, at = 0;
        char *w = s;
        for (k = 0; k < ng; k++) {
            if (k)
                *w++ = ' ';
            w = ext_put(w, d + at, (size_t)g[k]);
            at += g[k];
        }
        return (size_t)(w - s);
    }
}

/* ------------------------------------------------------------------ IBAN */

/* BBAN structures after the SWIFT IBAN registry: n digits, a upper-case letters, c either. */
struct iban_country {
    const char *cc;
    int len;
    const char *bban;
};
static const struct iban_country ibans[] = {
    {"AT", 20, "5n11n"},     {"BE", 16, "3n7n2n"},         {"BR", 29, "8n5n10n1a1c"},
    {"CH", 21, "5n12c"},     {"DE", 22, "8n10n"},          {"DK", 18, "4n9n1n"},
    {"ES", 24, "4n4n2n10n"}, {"FI", 18, "3n11n"},          {"FR", 27, "5n5n11c2n"},
    {"GB", 22, "4a6n8n"},    {"IE", 22, "4a6n8n"},         {"IT", 27, "1a5n5n12c"},
    {"LU", 20, "3n13c"},     {"NL", 18, "4a10n"},          {"NO", 15, "4n6n1n"},
    {"PL", 28, "8n16n"},     {"PT", 25, "4n4n11n2n"},      {"SE", 24, "3n16n1n"},
};
#define NIBAN (sizeof ibans / sizeof ibans[0])

static int iban_index(const char *cc)
{
    size_t i;

    for (i = 0; i < NIBAN; i++)
        if (strcmp(ibans[i].cc, cc) == 0)
            return (int)i;
    return -1;
}

/* The value of a string of digits and letters (A=10 ... Z=35) modulo 97. */
static unsigned mod97(const char *s, size_t n, unsigned acc)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned v = s[i] >= 'A' ? (unsigned)(s[i] - 'A' + 10) : (unsigned)(s[i] - '0');
        acc = (v >= 10 ? acc * 100 + v : acc * 10 + v) % 97;
    }
    return acc;
}

/* France's RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97, letters of the account mapped
 * to digits as the standard specifies. */
static void fr_rib_key(char *b)
{
    static const char map[] = "12345678912345678923456789"; /* A..Z */
    unsigned long long acc = 0;
    int i;
    char t[21];

    for (i = 0; i < 21; i++)
        t[i] = b[i] >= 'A' ? map[b[i] - 'A'] : b[i];
    for (i = 0; i < 21; i++)
        acc = (acc * 10 + (unsigned)(t[i] - '0')) % 97;
    /* key = 97 - (number * 100 mod 97) */
    acc = 97 - (acc * 100) % 97;
    b[21] = (char)('0' + acc / 10);
    b[22] = (char)('0' + acc % 10);
}

/* Spain's two control digits: one over 00+bank+branch, one over the account (weights 1 2 4 8 5
 * 10 9 7 3 6). */
static void es_control(char *b)
{
    static const int w[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
    int i, s1 = 0, s2 = 0, d1, d2;

    for (i = 0; i < 8; i++)
        s1 += (b[i] - '0') * w[i + 2];
    for (i = 0; i < 10; i++)
        s2 += (b[10 + i] - '0') * w[i];
    d1 = 11 - s1 % 11;
    d2 = 11 - s2 % 11;
    d1 = d1 == 11 ? 0 : d1 == 10 ? 1 : d1;
    d2 = d2 == 11 ? 0 : d2 == 10 ? 1 : d2;
    b[8] = (char)('0' + d1);
    b[9] = (char)('0' + d2);
}

static const char *const gb_banks[] = {"NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA", "SRLG"};
static const char *const ie_banks[] = {"AIBK", "BOFI", "IPBS", "ULSB"};
static const char *const nl_banks[] = {"ABNA", "INGB", "RABO", "TRIO", "SNSB", "KNAB"};

/* The longest run of digit-capable positions (n or c) of a BBAN structure: the account number,
 * which carries the row for unique IBANs. */
static void account_run(const char *bban, int *at, int *len)
{
    const char *q = bban;
    char *end;
    int pos = 0;

    *at = 0;
    *len = 0;
    while (*q) {
        int cnt = (int)strtol(q, &end, 10);
        q = end;
        if ((*q == 'n' || *q == 'c') && cnt >= *len)
            *at = pos, *len = cnt;
        pos += cnt;
        q++;
    }
}

static size_t put_iban(const struct ext_field *x, int ci, uint64_t row, struct pcg32 *r, char *s)
{
    const struct iban_country *ic = &ibans[ci];
    char b[40], full[40], *w, *end;
    const char *q = ic->bban;
    int n = 0, k;
    unsigned m;
    size_t i;

    while (*q) {
        int cnt = (int)strtol(q, &end, 10);
        char kind;
        q = end;
        kind = *q++;
        for (k = 0; k < cnt; k++) {
            uint32_t u = pcg32_next(r);
            if (kind == 'n')
                b[n++] = (char)('0' + u % 10);
            else if (kind == 'a')
                b[n++] = (char)('A' + u % 26);
            else
                b[n++] = u % 4 ? (char)('0' + u / 4 % 10) : (char)('A' + u / 4 % 26);
        }
    }
    if (strcmp(ic->cc, "GB") == 0 || strcmp(ic->cc, "IE") == 0 || strcmp(ic->cc, "NL") == 0) {
        const char *const *banks = ic->cc[0] == 'G' ? gb_banks : ic->cc[0] == 'I' ? ie_banks
                                                                                  : nl_banks;
        size_t nb = ic->cc[0] == 'G' ? 7 : ic->cc[0] == 'I' ? 4 : 6;
        memcpy(b, banks[(unsigned char)b[0] % nb], 4);
    }
    if (x->unique) { /* the account number ends with digits that carry the row */
        int at, len;
        account_run(ic->bban, &at, &len);
        ext_digits(b + at + len - x->lo, perm_apply(&x->perm, row % x->perm_n), (int)x->lo);
    }
    if (strcmp(ic->cc, "FR") == 0)
        fr_rib_key(b);
    else if (strcmp(ic->cc, "ES") == 0)
        es_control(b);
    /* check digits: 98 - (BBAN + country + "00") mod 97 */
    m = mod97(b, (size_t)n, 0);
    m = mod97(ic->cc, 2, m);
    m = 98 - (m * 100) % 97;
    full[0] = ic->cc[0];
    full[1] = ic->cc[1];
    full[2] = (char)('0' + m / 10);
    full[3] = (char)('0' + m % 10);
    memcpy(full + 4, b, (size_t)n);
    w = s;
    for (i = 0; i < (size_t)n + 4; i++) {
        if (x->fmt && i && i % 4 == 0)
            *w++ = ' ';
        *w++ = full[i];
    }
    return (size_t)(w - s);
}

/* ------------------------------------------------------------------ parse */

static int parse_names(struct pctx *c, const cJSON *spec, const char *path, const char *key,
                       struct ext_field *x, int (*find)(const char *), const char *what)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key), *it;
    char p[PATH_MAX_LEN], ip[PATH_MAX_LEN + 32];
    size_t i = 0;

    if (!v)
        return 0;
    pjoin(p, path, key);
    if (cJSON_IsString(v)) {
        int k = find(v->valuestring);
        if (k < 0) {
            perr_val(c, p, "unknown %s \"%s\"", what, v->valuestring);
            return -1;
        }
        x->ccount = 1;
        x->cidx[0] = k;
        return 1;
    }
    if (!cJSON_IsArray(v) || !v->child || cJSON_GetArraySize(v) > 32) {
        perr_val(c, p, "expected a %s or an array of them, got %s", what, ptype_name(v));
        return -1;
    }
    x->ccount = 0;
    cJSON_ArrayForEach(it, v)
    {
        int k = cJSON_IsString(it) ? find(it->valuestring) : -1;
        snprintf(ip, sizeof ip, "%s[%zu]", p, i++);
        if (k < 0) {
            perr_val(c, ip, "unknown %s %s%s%s", what, cJSON_IsString(it) ? "\"" : "",
                     cJSON_IsString(it) ? it->valuestring : ptype_name(it),
                     cJSON_IsString(it) ? "\"" : "");
            return -1;
        }
        x->cidx[x->ccount++] = k;
    }
    return 1;
}

static int brand_index(const char *key)
{
    size_t i;

    for (i = 0; i < NBRAND; i++)
        if (strcmp(brands[i].key, key) == 0)
            return (int)i;
    return -1;
}

static int parse_price(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                       const cJSON *spec, const char *path)
{
    double lo = 0, hi = 0;
    char p[PATH_MAX_LEN];
    int a = pnum(c, spec, path, "min", 0, &lo), b = pnum(c, spec, path, "max", 0, &hi);
    struct fount_column *col = &e->cols[f->index];

    if (a < 0 || b < 0)
        return -1;
    if (a != b) {
        perr(c, path, "give both \"min\" and \"max\", or neither (each category then has its own "
                      "price range)");
        return -1;
    }
    if (a && !(lo >= 0.01 && hi > lo && hi < 1e12)) {
        perr(c, pjoin(p, path, "max"), "need 0.01 <= min < max < 1e12 (got min %g, max %g)", lo, hi);
        return -1;
    }
    x->lo = a ? llround(lo * 100) : 0;
    x->hi = a ? llround(hi * 100) : 0;
    col->type = FV_DECIMAL;
    col->precision = 14;
    col->scale = 2;
    return 0;
}

int ext_commerce_parse(struct pctx *c, struct entity *e, struct field *f, struct ext_field *x,
                       const cJSON *spec, const char *path)
{
    static const char *const cur_fmt[] = {"code", "symbol", "name", NULL};
    static const char *const card_fmt[] = {"plain", "spaced", NULL};
    unsigned mask = ext_mix_mask(x);
    int i, loc, rc;
    size_t k;

    switch (x->kind) {
    case EXT_PRODUCT_NAME:
        ext_col_string(e, f, 64);
        return 0;
    case EXT_CATEGORY:
        x->domain = NCAT;
        ext_col_string(e, f, 20);
        return 0;
    case EXT_SKU:
        x->domain = (uint64_t)NCAT * 1000000;
        if (x->unique) {
            x->domain = 1000000;
            x->perm_n = 1000000;
        }
        ext_col_string(e, f, 10);
        return 0;
    case EXT_PRICE:
        return parse_price(c, e, f, x, spec, path);
    case EXT_CURRENCY:
        x->opt = 1;
        if ((x->fmt = ext_pchoice(c, spec, path, "format", cur_fmt)) < 0 ||
            pbool(c, spec, path, "match", &x->opt) < 0)
            return -1;
        x->domain = x->opt ? 0 : NCUR;
        if (x->opt)
            for (loc = 0; loc < FDATA_NLOCALES; loc++)
                x->domain += (mask >> loc) & 1;
        ext_col_string(e, f, x->fmt == 2 ? 20 : 4);
        return 0;
    case EXT_PAYMENT_METHOD:
        x->domain = NMETH;
        ext_col_string(e, f, 16);
        return 0;
    case EXT_CREDIT_CARD:
    case EXT_CARD_BRAND:
    case EXT_CARD_EXPIRY:
        for (k = 0; k < NBRAND; k++)
            x->cidx[k] = (int)k;
        x->ccount = (int)NBRAND;
        if (x->kind != EXT_CARD_EXPIRY && parse_names(c, spec, path, "brand", x, brand_index,
                                                      "card brand (visa, mastercard, amex, "
                                                      "discover, jcb, diners)") < 0)
            return -1;
        if (x->kind == EXT_CARD_BRAND) {
            x->domain = (uint64_t)x->ccount;
            ext_col_string(e, f, 16);
            return 0;
        }
        if (x->kind == EXT_CARD_EXPIRY) {
            x->domain = 60;
            ext_col_string(e, f, 5);
            return 0;
        }
        if ((x->fmt = ext_pchoice(c, spec, path, "format", card_fmt)) < 0)
            return -1;
        if (x->unique) {
            int narrow = 99;
            for (i = 0; i < x->ccount; i++)
                if (brands[x->cidx[i]].len - 7 < narrow)
                    narrow = brands[x->cidx[i]].len - 7;
            x->perm_n = 1;
            for (i = 0; i < narrow; i++)
                x->perm_n *= 10;
            x->domain = x->perm_n;
        }
        ext_col_string(e, f, 19);
        return 0;
    default: { /* IBAN */
        static const char *const iban_fmt[] = {"plain", "spaced", NULL};
        int minacct = 99;
        if ((x->fmt = ext_pchoice(c, spec, path, "format", iban_fmt)) < 0)
            return -1;
        x->ccount = 0;
        rc = parse_names(c, spec, path, "country", x, iban_index,
                         "IBAN country (an ISO 3166 code of the IBAN registry: AT BE BR CH DE DK "
                         "ES FI FR GB IE IT LU NL NO PL PT SE)");
        if (rc < 0)
            return -1;
        if (rc == 0) {
            /* The mix's countries that have IBANs; the row's own when it has one. */
            for (loc = 0; loc < FDATA_NLOCALES; loc++)
                if ((mask >> loc) & 1 && iban_index(ext_locinfo[loc].country) >= 0)
                    x->cidx[x->ccount++] = iban_index(ext_locinfo[loc].country);
            if (!x->ccount) {
                perr(c, path, "no country of this field's locales uses IBANs (US, JP and IN do "
                              "not): name one with \"country\", e.g. \"DE\"");
                return -1;
            }
            x->opt = 1;
        }
        for (i = 0; i < x->ccount; i++) {
            int at, len;
            account_run(ibans[x->cidx[i]].bban, &at, &len);
            if (len < minacct)
                minacct = len;
        }
        if (minacct > 15)
            minacct = 15;
        x->lo = minacct;
        if (x->unique) {
            x->perm_n = 1;
            for (i = 0; i < minacct; i++)
                x->perm_n *= 10;
            x->domain = x->perm_n;
        }
        ext_col_string(e, f, 42);
        return 0;
    }
    }
}

/* ------------------------------------------------------------------ eval */

void ext_commerce_eval(const struct field *f, const struct ext_field *x, uint64_t row,
                       const struct fount_value *vals, struct fount_value *out, struct arena *a,
                       struct ext_rowcache *rc)
{
    char *s, *w;

    (void)rc;
    (void)f;
    (void)vals;
    switch (x->kind) {
    case EXT_PRODUCT_NAME:
    case EXT_CATEGORY:
    case EXT_SKU:
    case EXT_PRICE: {
        struct product p;
        product_at(x, row, &p);
        if (x->kind == EXT_CATEGORY) {
            ext_static(out, p.cat->name, strlen(p.cat->name));
        } else if (x->kind == EXT_PRICE) {
            out->type = FV_DECIMAL;
            out->v.i = price_cents(x, &p);
        } else if (x->kind == EXT_SKU) {
            s = arena_alloc(a, 12);
            w = ext_put(s, p.cat->sku, 3);
            *w++ = '-';
            w = ext_digits(w, x->unique ? perm_apply(&x->perm, row % x->perm_n)
                                        : ext_scale(p.u_sku, 1000000), 6);
            ext_str(out, s, (size_t)(w - s));
        } else {
            s = arena_alloc(a, 72);
            ext_str(out, s, put_product(&p, s));
        }
        return;
    }
    case EXT_CURRENCY: {
        const struct currency *cu;
        if (x->opt)
            cu = currency_of(ext_locinfo[ext_row_locale(x, row)].currency);
        else {
            struct pcg32 r;
            uint32_t total = 0, v;
            size_t i;
            fount_rng_at(&r, x->fkey, row);
            for (i = 0; i < NCUR; i++)
                total += currencies[i].weight;
            v = ext_scale(pcg32_next(&r), total);
            for (i = 0; i + 1 < NCUR && v >= currencies[i].weight; i++)
                v -= currencies[i].weight;
            cu = &currencies[i];
        }
        s = (char *)(x->fmt == 0 ? cu->code : x->fmt == 1 ? cu->symbol : cu->name);
        ext_static(out, s, strlen(s));
        return;
    }
    case EXT_PAYMENT_METHOD: {
        int loc = ext_row_locale(x, row);
        struct pcg32 r;
        uint32_t v;
        size_t i;
        fount_rng_at(&r, x->fkey, row);
        v = ext_scale(pcg32_next(&r), 100);
        for (i = 0; i + 1 < NMETH && v >= method_w[loc][i]; i++)
            v -= method_w[loc][i];
        ext_static(out, methods[i], strlen(methods[i]));
        return;
    }
    case EXT_CREDIT_CARD:
    case EXT_CARD_BRAND:
    case EXT_CARD_EXPIRY: {
        struct card cd;
        card_at(x, row, &cd);
        if (x->kind == EXT_CARD_BRAND) {
            ext_static(out, cd.b->name, strlen(cd.b->name));
            return;
        }
        s = arena_alloc(a, 24);
        if (x->kind == EXT_CARD_EXPIRY) { /* "MM/YY": 1 to 5 years after 2025 */
            w = ext_digits(s, 1 + cd.u_exp % 12, 2);
            *w++ = '/';
            w = ext_digits(w, 26 + (cd.u_exp >> 8) % 5, 2);
            ext_str(out, s, (size_t)(w - s));
            return;
        }
        ext_str(out, s, put_card(x, &cd, row, s));
        return;
    }
    default: { /* IBAN */
        struct pcg32 r;
        int ci = x->cidx[0];
        if (x->opt) { /* the row's country when it has IBANs, else one of the mix's */
            int k = iban_index(ext_locinfo[ext_row_locale(x, row)].country);
            fount_rng_at(&r, x->gsub[SUB_CARD] ^ 0x1ba9ULL, row);
            ci = k >= 0 ? k : x->cidx[ext_scale(pcg32_next(&r), (uint32_t)x->ccount)];
        } else {
            fount_rng_at(&r, x->gsub[SUB_CARD] ^ 0x1ba9ULL, row);
            ci = x->cidx[ext_scale(pcg32_next(&r), (uint32_t)x->ccount)];
        }
        s = arena_alloc(a, 48);
        ext_str(out, s, put_iban(x, ci, row, &r, s));
        return;
    }
    }
}
