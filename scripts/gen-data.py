#!/usr/bin/env python3
"""gen-data.py: turn the value library's word lists (generator/data/src/*.txt) into C arrays
(generator/data/locales.c, generator/data/common.c) that are compiled into fount.

The generated files are committed: building fount never needs Python. Run this after editing a
list:  python3 scripts/gen-data.py   (then `make` and review the golden samples: `make golden`).

Source format (UTF-8), one item per line, '#' starts a comment line, blank lines are ignored:
    [section]
    display[|slug]<TAB>weight            (weight optional; see rank_weight below)
Columns are separated by a TAB or by two or more spaces.
Cities:      name[|slug]<TAB>region code<TAB>population<TAB>lat<TAB>lon<TAB>postcode<TAB>phone area
Regions:     code<TAB>name
Postcodes are a numeric range "10001-10292", or for GB outward areas "M:1-40,SK:1-17".

Every weighted list gets a Walker/Vose alias table (two 32-bit words per item, side by side so a
pick touches one cache line), so picking an item costs one 64-bit draw at run time. The slug is the ASCII lower-case form used in e-mail
addresses, user names and domains: given after '|', or transliterated here.
"""
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "generator", "data", "src")
OUT = os.path.join(ROOT, "generator", "data")

# The order is the locale index used by generator/ext/locale.c: keep them in sync.
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pt_BR", "ja_JP", "en_IN"]
LIST_SECTIONS = ["first_female", "first_male", "last", "street", "street_suffix", "freemail",
                 "company_suffix", "company_word", "company_pattern"]
COMMON_SECTIONS = ["lorem", "user_agent", "department", "job_level", "job_role",
                   "url_path"]


def rank_weight(rank):
    """Weight of the item at 0-based rank when the list gives none: a Zipf-Mandelbrot curve
    (s = 0.9, q = 5) fitted by eye to the head of the US Census surname table. Lists that give
    weights (the census-derived ones) use theirs."""
    return 100.0 / ((rank + 5.0) ** 0.9)


COLSEP = re.compile(r"\t| {2,}")

GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def slugify(s, locale):
    if locale == "de_DE":
        s = "".join(GERMAN.get(ch, ch) for ch in s)
    s = s.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("ø", "o")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s.lower() if "a" <= ch <= "z")


def cstr(s):
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def alias_table(weights):
    """Vose's alias method on exact fractions of 2^32 (integer arithmetic, so the table does not
    depend on the machine that runs this script)."""
    n = len(weights)
    total = sum(weights)
    scale = 1 << 32
    # p[i] * n, in units of 1/(total): work with integers weights[i] * n * scale // total.
    q = [int(w * n * scale / total) for w in weights]
    prob = [0] * n
    alias = list(range(n))
    small = [i for i in range(n) if q[i] < scale]
    large = [i for i in range(n) if q[i] >= scale]
    while small and large:
        s = small.pop()
        l = large[-1]
        prob[s] = q[s]
        alias[s] = l
        q[l] -= scale - q[s]
        if q[l] < scale:
            large.pop()
            small.append(l)
    for i in large + small:
        prob[i] = scale - 1
        alias[i] = i
    return prob, alias


def read_sections(path):
    sections = {}
    cur = None
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("[") and line.rstrip().endswith("]"):
                cur = line.strip()[1:-1]
                if cur in sections:
                    sys.exit("%s:%d: section [%s] twice" % (path, lineno, cur))
                sections[cur] = []
                continue
            if cur is None:
                sys.exit("%s:%d: text before the first [section]" % (path, lineno))
            sections[cur].append((lineno, line))
    return sections


def parse_list(path, name, lines, locale):
    items = []
    seen = set()
    for rank, (lineno, line) in enumerate(lines):
        cols = COLSEP.split(line.strip())
        disp = cols[0].strip()
        slug = None
        if "|" in disp:
            disp, slug = disp.split("|", 1)
        if slug is None:
            slug = slugify(disp, locale)
        if name in ("freemail", "company_pattern", "company_suffix", "user_agent", "url_path"):
            slug = ""
        elif not slug or not slug.isascii() or not slug.isalpha() or not slug.islower():
            sys.exit("%s:%d: [%s] %r has no usable ASCII slug %r (add one after '|')"
                     % (path, lineno, name, disp, slug))
        w = None
        if len(cols) > 1 and cols[1].strip():
            w = float(cols[1])
            if w <= 0:
                sys.exit("%s:%d: weight must be > 0" % (path, lineno))
        if disp in seen:
            sys.exit("%s:%d: [%s] %r twice" % (path, lineno, name, disp))
        seen.add(disp)
        items.append([disp, slug, w])
    given = [it[2] for it in items if it[2] is not None]
    if given and len(given) != len(items):
        # Items without a weight after weighted ones continue the curve from the last weight.
        # Items without a weight after weighted ones continue the rank curve from the last
        # given weight.
        last_w, last_rank = 1.0, 0
        for rank, it in enumerate(items):
            if it[2] is None:
                it[2] = last_w * rank_weight(rank) / rank_weight(last_rank)
            else:
                last_w, last_rank = it[2], rank
    elif not given:
        for rank, it in enumerate(items):
            it[2] = rank_weight(rank)
    return items


class Writer:
    def __init__(self):
        self.out = []

    def emit(self, s=""):
        self.out.append(s)

    def text(self):
        return "\n".join(self.out) + "\n"


def emit_list(w, cname, items):
    if not items:
        return "{0, 0, NULL, {0, NULL}}"
    w.emit("static const struct fdata_word %s_w[] = {" % cname)
    for disp, slug, _ in items:
        w.emit("    {%s, %s, %d, %d}," % (cstr(disp), cstr(slug), len(disp.encode()), len(slug)))
    w.emit("};")
    emit_alias(w, cname + "_a", [it[2] for it in items])
    maxlen = max(len(it[0].encode()) for it in items)
    return "{%d, %d, %s_w, {%d, %s_a}}" % (len(items), maxlen, cname, len(items), cname)


def emit_alias(w, cname, weights):
    prob, alias = alias_table(weights)
    w.emit("static const struct fdata_cell %s[] = {" % cname)
    line = "   "
    for p, a in zip(prob, alias):
        cell = " {%du, %d}," % (p, a)
        if len(line) + len(cell) > 99:
            w.emit(line)
            line = "   "
        line += cell
    w.emit(line)
    w.emit("};")


def parse_postcode(path, lineno, spec):
    if ":" in spec:
        areas = []
        for part in spec.split(","):
            a, rng = part.split(":")
            lo, hi = rng.split("-")
            areas.append((a, int(lo), int(hi)))
        return None, areas
    lo, hi = spec.split("-")
    if len(lo) != len(hi):
        sys.exit("%s:%d: postcode range ends differ in length" % (path, lineno))
    return (int(lo), int(hi), len(lo)), None


def gen_locale(w, loc):
    path = os.path.join(SRC, loc + ".txt")
    secs = read_sections(path)
    p = loc.replace("_", "").lower()
    lists = {}
    for s in LIST_SECTIONS:
        lists[s] = emit_list(w, "%s_%s" % (p, s), parse_list(path, s, secs.get(s, []), loc))
    regions = []
    for lineno, line in secs.get("region", []):
        code, name = [c.strip() for c in COLSEP.split(line.strip())]
        regions.append((code, name))
    rindex = {code: i for i, (code, _) in enumerate(regions)}
    w.emit("static const struct fdata_region %s_regions[] = {" % p)
    for code, name in regions:
        w.emit("    {%s, %s, %d, %d}," % (cstr(code), cstr(name), len(code.encode()),
                                         len(name.encode())))
    w.emit("};")
    cities = []
    seen = set()
    for lineno, line in secs.get("city", []):
        cols = [c.strip() for c in COLSEP.split(line.strip())]
        if len(cols) != 7:
            sys.exit("%s:%d: a city has 7 tab-separated columns, got %d" % (path, lineno, len(cols)))
        disp, region, pop, lat, lon, pc, phone = cols
        slug = None
        if "|" in disp:
            disp, slug = disp.split("|", 1)
        if slug is None:
            slug = slugify(disp, loc)
        if region not in rindex:
            sys.exit("%s:%d: unknown region %r" % (path, lineno, region))
        if disp in seen:
            sys.exit("%s:%d: city %r twice" % (path, lineno, disp))
        seen.add(disp)
        num, areas = parse_postcode(path, lineno, pc)
        cities.append((disp, slug, rindex[region], int(pop), float(lat), float(lon), num, areas,
                       phone))
    for i, c in enumerate(cities):
        if c[7]:
            w.emit("static const struct fdata_pcarea %s_pc%d[] = {%s};" % (
                p, i, ", ".join("{%s, %d, %d}" % (cstr(a), lo, hi) for a, lo, hi in c[7])))
    w.emit("static const struct fdata_city %s_cities[] = {" % p)
    for i, (disp, slug, reg, pop, lat, lon, num, areas, phone) in enumerate(cities):
        lo, hi, width = num if num else (0, 0, 0)
        w.emit("    {%s, %s, %d, %d, %d, %d, %d, %du, %du, %d, %s, %d, %s, %d}," % (
            cstr(disp), cstr(slug), len(disp.encode()), len(slug), reg, round(lat * 10000),
            round(lon * 10000), lo, hi, width,
            ("%s_pc%d" % (p, i)) if areas else "NULL", len(areas) if areas else 0, cstr(phone),
            len(phone)))
    w.emit("};")
    emit_alias(w, p + "_city_a", [c[3] for c in cities])
    w.emit("")
    body = ["    {%s," % cstr(loc)]
    for s in LIST_SECTIONS:
        body.append("     %s," % lists[s])
    body.append("     %s_regions, %d, %s_cities, {%d, %s_city_a}, %d}," % (
        p, len(regions), p, len(cities), p, max(len(c[0].encode()) for c in cities)))
    return "\n".join(body)


def main():
    w = Writer()
    w.emit("/* locales.c: GENERATED by scripts/gen-data.py from generator/data/src/<locale>.txt;")
    w.emit(" * do not edit. Sources and licences: docs/data-sources.md. */")
    w.emit('#include "fount_data.h"')
    w.emit("")
    w.emit("#include <stddef.h>")
    w.emit("")
    bodies = [gen_locale(w, loc) for loc in LOCALES]
    w.emit("const struct fdata_locale fdata_locales[FDATA_NLOCALES] = {")
    for b in bodies:
        w.emit(b)
    w.emit("};")
    with open(os.path.join(OUT, "locales.c"), "w", encoding="utf-8") as fh:
        fh.write(w.text())

    w = Writer()
    w.emit("/* common.c: GENERATED by scripts/gen-data.py from generator/data/src/common.txt;")
    w.emit(" * do not edit. Sources and licences: docs/data-sources.md. */")
    w.emit('#include "fount_data.h"')
    w.emit("")
    w.emit("#include <stddef.h>")
    w.emit("")
    path = os.path.join(SRC, "common.txt")
    secs = read_sections(path)
    for s in COMMON_SECTIONS:
        body = emit_list(w, "c_" + s, parse_list(path, s, secs.get(s, []), "en_US"))
        w.emit("const struct fdata_list fdata_%s = %s;" % (s, body))
        w.emit("")
    with open(os.path.join(OUT, "common.c"), "w", encoding="utf-8") as fh:
        fh.write(w.text())


if __name__ == "__main__":
    main()
