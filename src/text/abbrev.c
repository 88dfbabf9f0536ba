/*
 * The clinical abbreviation and synonym list: data/abbreviations.tsv (a
 * hand-curated file in the repository) compiled into the TXTABBR bundle
 * section, then looked up by folded key with a binary search.
 *
 * TXTABBR layout (little-endian u32 throughout):
 *   header  magic "MCAB", version 1, n_entries, n_exps, max_tokens,
 *           strings_size
 *   entries n_entries x {key_off, key_len, term_off, term_len, flags,
 *           first_exp, n_exp, tokens}, sorted by key bytes, keys unique
 *   exps    n_exps x {off, len}
 *   strings strings_size bytes
 * Offsets are relative to the string area. Opening checks every offset,
 * count and the sort order, so lookups afterwards need no checks.
 */
#include "build/build.h"
#include "text/text_int.h"

#include <stdlib.h>
#include <string.h>

enum { HDR = 24, ENT = 32, EXP = 8, MAX_ENTRIES = 1 << 20 };

struct mc_abbrev {
    const unsigned char *ent; /* entries */
    const unsigned char *exp; /* expansion slices */
    const char *str; /* string area */
    uint32_t n_ent, n_exp, max_tokens, str_n;
    void *owned; /* image to free on close (mc_abbrev_load), else NULL */
};

/* ---- key: tokens folded and joined by single spaces ---- */

static int make_key(const char *s, size_t n, char *out, size_t cap, size_t *out_n,
                    uint32_t *tokens)
{
    mc_tokenizer tk;
    mc_token t;
    size_t w = 0;
    uint32_t nt = 0;
    char buf[MC__ABBR_MAX_KEY];
    mc_tokenizer_init(&tk, s, n);
    while (mc_tokenizer_next(&tk, &t)) {
        size_t fn = mc_text_fold_token(s + t.start, t.end - t.start, buf, sizeof buf);
        if (!fn)
            return MC_ELIMIT;
        if (w + (w > 0) + fn > cap)
            return MC_ELIMIT;
        if (w > 0)
            out[w++] = ' ';
        memcpy(out + w, buf, fn);
        w += fn;
        nt++;
    }
    *out_n = w;
    *tokens = nt;
    return w ? MC_OK : MC_EINVAL;
}

static int keycmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : an < bn ? -1 : an > bn ? 1 : 0;
}

/* ---- compile the TSV ---- */

typedef struct row {
    char key[MC__ABBR_MAX_KEY];
    uint32_t key_n, tokens, flags;
    const char *term; /* into the TSV text */
    uint32_t term_n;
    const char *exp; /* the expansions column */
    uint32_t exp_n;
    long line;
} row;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return keycmp(x->key, x->key_n, y->key, y->key_n);
}

static int parse_flags(const char *p, size_t n, uint32_t *flags)
{
    *flags = 0;
    if (n == 1 && p[0] == '-')
        return MC_OK;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != ',')
            j++;
        const char *f = p + i;
        size_t fl = j - i;
        mc__trim(&f, &fl);
        if (fl == 9 && !memcmp(f, "ambiguous", 9))
            *flags |= MC_ABBR_AMBIGUOUS;
        else if (fl == 5 && !memcmp(f, "upper", 5))
            *flags |= MC_ABBR_UPPER;
        else if (fl == 3 && !memcmp(f, "lay", 3))
            *flags |= MC_ABBR_LAY;
        else
            return MC_EFORMAT;
        i = j + 1;
    }
    return MC_OK;
}

/* Split "a | b | c" and call back with each trimmed piece; returns the count. */
static uint32_t split_exps(const char *p, size_t n, mc__buf *strs, mc__buf *exps)
{
    uint32_t k = 0;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != '|')
            j++;
        const char *e = p + i;
        size_t el = j - i;
        mc__trim(&e, &el);
        if (el) {
            if (exps) {
                mc__buf_u32(exps, (uint32_t)strs->n);
                mc__buf_u32(exps, (uint32_t)el);
                mc__buf_append(strs, e, el);
            }
            k++;
        }
        i = j + 1;
    }
    return k;
}

static int compile_rows(row *rows, size_t nr, mc__buf *out)
{
    mc__buf ents, exps, strs;
    mc__buf_init(&ents, 0);
    mc__buf_init(&exps, 0);
    mc__buf_init(&strs, 0);
    uint32_t n_exp = 0, max_tokens = 0;
    for (size_t i = 0; i < nr; i++) {
        row *r = &rows[i];
        uint32_t key_off = (uint32_t)strs.n;
        mc__buf_append(&strs, r->key, r->key_n);
        uint32_t term_off = (uint32_t)strs.n;
        mc__buf_append(&strs, r->term, r->term_n);
        uint32_t k = split_exps(r->exp, r->exp_n, &strs, &exps);
        uint32_t f[8] = { key_off, r->key_n, term_off, r->term_n, r->flags, n_exp, k, r->tokens };
        for (int j = 0; j < 8; j++)
            mc__buf_u32(&ents, f[j]);
        n_exp += k;
        if (r->tokens > max_tokens)
            max_tokens = r->tokens;
    }
    uint32_t hdr[6] = { 0x4241434Du /* "MCAB" */, 1, (uint32_t)nr, n_exp, max_tokens,
                        (uint32_t)strs.n };
    for (int j = 0; j < 6; j++)
        mc__buf_u32(out, hdr[j]);
    mc__buf_append(out, ents.p, ents.n);
    mc__buf_append(out, exps.p, exps.n);
    mc__buf_append(out, strs.p, strs.n);
    int rc = ents.err ? ents.err : exps.err ? exps.err : strs.err ? strs.err : out->err;
    mc__buf_free(&ents);
    mc__buf_free(&exps);
    mc__buf_free(&strs);
    return rc;
}

int mc__abbrev_compile(const char *tsv, size_t n, const char *file, mc__buf *out, mc_diag *diag)
{
    size_t cap = 64, nr = 0;
    row *rows = malloc(cap * sizeof *rows);
    if (!rows)
        return MC_ENOMEM;
    int rc = MC_OK;
    long line = 0;
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && tsv[e] != '\n')
            e++;
        line++;
        const char *l = tsv + i;
        size_t ln = e - i;
        i = e + 1;
        if (ln && l[ln - 1] == '\r')
            ln--;
        if (ln == 0 || l[0] == '#')
            continue;
        const char *col[4] = { 0 };
        size_t coln[4] = { 0 };
        int nc = 0;
        size_t a = 0;
        for (size_t k = 0; k <= ln && nc < 4; k++)
            if (k == ln || l[k] == '\t') {
                col[nc] = l + a;
                coln[nc++] = k - a;
                a = k + 1;
            }
        if (nc < 3) {
            rc = MC_EFORMAT;
            mc_diag_set(diag, rc, "%s:%ld: expected term, expansions, flags (tab-separated)", file,
                        line);
            break;
        }
        if (nr == cap) {
            row *g = realloc(rows, (cap *= 2) * sizeof *rows);
            if (!g) {
                rc = MC_ENOMEM;
                break;
            }
            rows = g;
        }
        row *r = &rows[nr];
        size_t kn;
        if (mc_utf8_check(l, ln, NULL) ||
            make_key(col[0], coln[0], r->key, sizeof r->key, &kn, &r->tokens)) {
            rc = MC_EFORMAT;
            mc_diag_set(diag, rc, "%s:%ld: term '%.*s' is empty, too long or not UTF-8", file,
                        line, (int)coln[0], col[0]);
            break;
        }
        r->key_n = (uint32_t)kn;
        if (parse_flags(col[2], coln[2], &r->flags)) {
            rc = MC_EFORMAT;
            mc_diag_set(diag, rc, "%s:%ld: unknown flag in '%.*s' (ambiguous, upper, lay or -)",
                        file, line, (int)coln[2], col[2]);
            break;
        }
        if (split_exps(col[1], coln[1], NULL, NULL) == 0) {
            rc = MC_EFORMAT;
            mc_diag_set(diag, rc, "%s:%ld: term '%.*s' has no expansion", file, line,
                        (int)coln[0], col[0]);
            break;
        }
        r->term = col[0];
        r->term_n = (uint32_t)coln[0];
        r->exp = col[1];
        r->exp_n = (uint32_t)coln[1];
        r->line = line;
        nr++;
    }
    if (!rc) {
        qsort(rows, nr, sizeof *rows, row_cmp);
        for (size_t k = 1; k < nr; k++)
            if (!row_cmp(&rows[k - 1], &rows[k])) {
                rc = mc_diag_set(diag, MC_EFORMAT,
                                 "%s:%ld: '%.*s' repeats the term of line %ld (same folded key)",
                                 file, rows[k].line, (int)rows[k].term_n, rows[k].term,
                                 rows[k - 1].line);
                break;
            }
    }
    if (!rc)
        rc = compile_rows(rows, nr, out);
    free(rows);
    return rc;
}

/* ---- open and look up ---- */

int mc__abbrev_open_data(const void *data, size_t n, void *owned, mc_abbrev **out, mc_diag *diag)
{
    *out = NULL;
    const unsigned char *p = data;
    if (n < HDR || mc__rd32(p) != 0x4241434Du || mc__rd32(p + 4) != 1)
        return mc_diag_set(diag, MC_ECORRUPT, "TXTABBR: bad header");
    uint32_t ne = mc__rd32(p + 8), nx = mc__rd32(p + 12), mt = mc__rd32(p + 16),
             sn = mc__rd32(p + 20);
    if (ne > MAX_ENTRIES || nx > MAX_ENTRIES ||
        (uint64_t)HDR + (uint64_t)ne * ENT + (uint64_t)nx * EXP + sn != n)
        return mc_diag_set(diag, MC_ECORRUPT, "TXTABBR: counts do not match the section size");
    const unsigned char *ent = p + HDR, *exp = ent + (size_t)ne * ENT;
    const char *str = (const char *)(exp + (size_t)nx * EXP);
    for (uint32_t i = 0; i < nx; i++) {
        uint64_t o = mc__rd32(exp + i * EXP), l = mc__rd32(exp + i * EXP + 4);
        if (o + l > sn)
            return mc_diag_set(diag, MC_ECORRUPT, "TXTABBR: expansion %u out of bounds", i);
    }
    for (uint32_t i = 0; i < ne; i++) {
        const unsigned char *e = ent + (size_t)i * ENT;
        uint64_t ko = mc__rd32(e), kl = mc__rd32(e + 4), to = mc__rd32(e + 8),
                 tl = mc__rd32(e + 12), fx = mc__rd32(e + 20), cx = mc__rd32(e + 24);
        if (ko + kl > sn || to + tl > sn || kl == 0 || kl > MC__ABBR_MAX_KEY || fx + cx > nx ||
            cx == 0)
            return mc_diag_set(diag, MC_ECORRUPT, "TXTABBR: entry %u out of bounds", i);
        if (i > 0) {
            const unsigned char *pe = e - ENT;
            if (keycmp(str + mc__rd32(pe), mc__rd32(pe + 4), str + ko, (size_t)kl) >= 0)
                return mc_diag_set(diag, MC_ECORRUPT, "TXTABBR: entries not sorted");
        }
    }
    mc_abbrev *a = calloc(1, sizeof *a);
    if (!a)
        return MC_ENOMEM;
    a->ent = ent;
    a->exp = exp;
    a->str = str;
    a->n_ent = ne;
    a->n_exp = nx;
    a->max_tokens = mt;
    a->str_n = sn;
    a->owned = owned;
    *out = a;
    return MC_OK;
}

int mc_abbrev_open(const mc_bundle *b, mc_abbrev **out, mc_diag *diag)
{
    const void *d;
    size_t n;
    *out = NULL;
    if (mc_bundle_section(b, "TXTABBR", &d, &n))
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "the bundle has no abbreviation list (TXTABBR): rebuild it");
    return mc__abbrev_open_data(d, n, NULL, out, diag);
}

int mc_abbrev_load(const char *tsv_path, mc_abbrev **out, mc_diag *diag)
{
    char *text;
    size_t n;
    *out = NULL;
    int rc = mc__read_file(tsv_path, 16u << 20, &text, &n, diag);
    if (rc)
        return rc;
    mc__buf img;
    mc__buf_init(&img, 0);
    rc = mc__abbrev_compile(text, n, tsv_path, &img, diag);
    free(text);
    if (!rc)
        rc = mc__abbrev_open_data(img.p, img.n, img.p, out, diag);
    if (rc)
        mc__buf_free(&img);
    return rc;
}

void mc_abbrev_close(mc_abbrev *a)
{
    if (!a)
        return;
    free(a->owned);
    free(a);
}

uint32_t mc_abbrev_count(const mc_abbrev *a) { return a->n_ent; }
uint32_t mc_abbrev_max_tokens(const mc_abbrev *a) { return a->max_tokens; }

int mc_abbrev_at(const mc_abbrev *a, uint32_t index, mc_abbrev_entry *out)
{
    if (index >= a->n_ent)
        return MC_ERANGE;
    const unsigned char *e = a->ent + (size_t)index * ENT;
    out->index = index;
    out->key = mc__str(a->str + mc__rd32(e), mc__rd32(e + 4));
    out->term = mc__str(a->str + mc__rd32(e + 8), mc__rd32(e + 12));
    out->flags = mc__rd32(e + 16);
    out->n_expansions = mc__rd32(e + 24);
    out->tokens = mc__rd32(e + 28);
    return MC_OK;
}

int mc_abbrev_lookup(const mc_abbrev *a, const char *text, size_t n, mc_abbrev_entry *out)
{
    char key[MC__ABBR_MAX_KEY];
    size_t kn;
    uint32_t nt;
    if (!a || mc_utf8_check(text, n, NULL) || make_key(text, n, key, sizeof key, &kn, &nt))
        return MC_ENOTFOUND;
    uint32_t lo = 0, hi = a->n_ent;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = a->ent + (size_t)mid * ENT;
        int c = keycmp(key, kn, a->str + mc__rd32(e), mc__rd32(e + 4));
        if (c == 0)
            return mc_abbrev_at(a, mid, out);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return MC_ENOTFOUND;
}

int mc_abbrev_expansion(const mc_abbrev *a, const mc_abbrev_entry *e, uint32_t i, mc_str *out)
{
    if (e->index >= a->n_ent || i >= e->n_expansions)
        return MC_ERANGE;
    const unsigned char *ent = a->ent + (size_t)e->index * ENT;
    uint32_t x = mc__rd32(ent + 20) + i;
    const unsigned char *p = a->exp + (size_t)x * EXP;
    *out = mc__str(a->str + mc__rd32(p), mc__rd32(p + 4));
    return MC_OK;
}

/* ---- bundle part ---- */

/* data/abbreviations.tsv sits next to the release manifest (data/releases.tsv). */
static int find_list(const mc__build_ctx *ctx, char *path, size_t cap)
{
    const char *m = ctx->manifest ? ctx->manifest : "data/releases.tsv";
    const char *slash = strrchr(m, '/');
    int dl = slash ? (int)(slash - m) : 0;
    snprintf(path, cap, "%.*s%sabbreviations.tsv", dl, m, slash ? "/" : "");
    if (mc__file_exists(path))
        return MC_OK;
    mc__strlcpy(path, "data/abbreviations.tsv", cap);
    return mc__file_exists(path) ? MC_OK : MC_ENOTFOUND;
}

MC_BUILD_PART(text_abbrev, 1)
{
    char path[1024];
    if (find_list(ctx, path, sizeof path)) {
        mc__build_warn(ctx, "no abbreviations.tsv next to %s: the bundle has no abbreviation list",
                       ctx->manifest ? ctx->manifest : "data/releases.tsv");
        return MC_OK;
    }
    char *text;
    size_t n;
    int rc = mc__read_file(path, 16u << 20, &text, &n, ctx->diag);
    if (rc)
        return rc;
    /* the list carries its own revision year: a line "# list-year: 2026" */
    int year = ctx->year;
    const char *y = strstr(text, "# list-year: ");
    if (y)
        year = atoi(y + 13);
    mc__buf img;
    mc__buf_init(&img, 0);
    rc = mc__abbrev_compile(text, n, path, &img, ctx->diag);
    free(text);
    if (!rc)
        rc = mc__bw_add(ctx->w, "TXTABBR", img.p, img.n, (uint32_t)year);
    if (!rc)
        mc__build_provenance(ctx, "TXTABBR", year, path, "medcode curated abbreviation list");
    mc__buf_free(&img);
    return rc;
}
