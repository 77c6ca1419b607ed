/* fount_data.h: the value library's word lists as compiled-in tables, generated into locales.c
 * and common.c by scripts/gen-data.py from the lists in generator/data/src/ (docs/data-sources.md
 * says where each list comes from). Every table is const: threads share them without locks.
 * Leaves out: how the lists are used (generator/ext/). */
#ifndef FOUNT_DATA_H
#define FOUNT_DATA_H

#include <stdint.h>

#define FDATA_NLOCALES 8

/* An alias table (Walker/Vose): column i keeps item i when a 32-bit coin is below prob, else
 * takes item alias. One 64-bit draw picks an item with its weight's probability. */
struct fdata_cell {
    uint32_t prob, alias;
};
struct fdata_alias {
    uint32_t n;
    const struct fdata_cell *cell;
};

struct fdata_word {
    const char *s;     /* as displayed, UTF-8 */
    const char *slug;  /* ASCII lower case letters only (e-mail, user names, domains); may be "" */
    uint16_t len, slug_len;
};

/* A weighted list of words. */
struct fdata_list {
    uint32_t n;
    uint32_t max_len;  /* longest s, in bytes */
    const struct fdata_word *w;
    struct fdata_alias pick;
};

struct fdata_region {
    const char *code, *name;
    uint16_t code_len, name_len;
};

/* A GB postcode area with its district numbers, e.g. {"M", 1, 40}. */
struct fdata_pcarea {
    const char *area;
    uint8_t lo, hi;
};

struct fdata_city {
    const char *name, *slug;
    uint16_t len, slug_len;
    uint16_t region;           /* index into the locale's regions */
    int32_t lat, lon;          /* degrees * 10^4 */
    uint32_t pc_lo, pc_hi;     /* numeric postcodes: the city's range */
    uint32_t pc_width;         /* digits (leading zeros kept); 0 for GB-style areas */
    const struct fdata_pcarea *areas;
    uint32_t nareas;
    const char *phone_area;    /* area code without the trunk prefix ("212", "30", "1") */
    uint32_t phone_area_len;
};

struct fdata_locale {
    const char *name;
    struct fdata_list first_female, first_male, last, street, street_suffix, freemail,
        company_suffix, company_word, company_pattern;
    const struct fdata_region *regions;
    uint32_t nregions;
    const struct fdata_city *cities;
    struct fdata_alias city_pick;  /* by population */
    uint32_t city_max_len;
};

extern const struct fdata_locale fdata_locales[FDATA_NLOCALES];

/* common.c: lists that do not depend on the locale. */
extern const struct fdata_list fdata_lorem, fdata_user_agent, fdata_department, fdata_job_level,
    fdata_job_role, fdata_url_path;

#endif
