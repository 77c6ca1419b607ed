/* report_html.c: placeholder */
#include "report.h"

int report_html(const struct report_run *r, struct cJSON *tree, FILE *out)
{
    (void)r;
    (void)tree;
    fputs("<!doctype html><title>fount</title>\n", out);
    return 0;
}
