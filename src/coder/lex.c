/*
 * Loading the CACLEX section (format in lexicon.h) into lookup structures:
 * a stem dictionary (open-addressing hash), entries with their stem ids, for
 * each stem the entries anchored at it (an entry is anchored at its rarest
 * stem, so a note word visits only the phrases that could start there), the
 * synonym table, and the sorted ICD-10-CM code table.
 *
 * The section is untrusted: malformed lines are skipped, every field is
 * length-checked, and nothing points outside the section.
 */
#include "coder/lexicon.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static uint32_t hash_str(const char *p, size_t n) { return (uint32_t)XXH3_64bits(p, n); }

uint32_t mc__lex_stem_id(const mc__lex *lx, const char *s, size_t n)
{
    if (!lx->stem_hash)
        return LEX_NONE;
    for (uint32_t h = hash_str(s, n) & lx->stem_mask;; h = (h + 1) & lx->stem_mask) {
        uint32_t v = lx->stem_hash[h];
        if (!v)
            return LEX_NONE;
        if (mc__str_eq(lx->stems[v - 1], s, n))
            return v - 1;
    }
}

/* Intern a stem during loading (the table is sized for the worst case up front). */
static uint32_t intern(mc__lex *lx, const char *s, size_t n)
{
    for (uint32_t h = hash_str(s, n) & lx->stem_mask;; h = (h + 1) & lx->stem_mask) {
        uint32_t v = lx->stem_hash[h];
        if (!v) {
            lx->stems[lx->n_stems] = mc__str(s, n);
            lx->stem_hash[h] = ++lx->n_stems;
            return lx->n_stems - 1;
        }
        if (mc__str_eq(lx->stems[v - 1], s, n))
            return v - 1;
    }
}

uint32_t mc__lex_synonyms(const mc__lex *lx, const char *w, size_t n, const uint32_t **ids)
{
    if (!lx->syn_hash)
        return 0;
    for (uint32_t h = hash_str(w, n) & lx->syn_mask;; h = (h + 1) & lx->syn_mask) {
        uint32_t v = lx->syn_hash[h];
        if (!v)
            return 0;
        if (mc__str_eq(lx->syn_surface[v - 1], w, n)) {
            *ids = lx->syn_ids + lx->syn_at[v - 1];
            return lx->syn_at[v] - lx->syn_at[v - 1];
        }
    }
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const lex_code *)a)->code, ((const lex_code *)b)->code);
}

uint32_t mc__lex_code(const mc__lex *lx, const char *code)
{
    lex_code key;
    mc__strlcpy(key.code, code, sizeof key.code);
    const lex_code *c = bsearch(&key, lx->codes, lx->n_codes, sizeof key, cmp_code);
    return c ? (uint32_t)(c - lx->codes) : LEX_NONE;
}

void mc__lex_prefix(const mc__lex *lx, const char *prefix, uint32_t *first, uint32_t *count)
{
    size_t pn = strlen(prefix);
    uint32_t lo = 0, hi = lx->n_codes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strncmp(lx->codes[mid].code, prefix, pn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t e = lo;
    while (e < lx->n_codes && !strncmp(lx->codes[e].code, prefix, pn))
        e++;
    *first = lo;
    *count = e - lo;
}

/* Split a line into tab-separated fields; returns the count (at most cap). */
static int fields(const char *p, const char *end, mc_str *f, int cap)
{
    int k = 0;
    while (k < cap) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        f[k++] = mc__str(p, t ? (size_t)(t - p) : (size_t)(end - p));
        if (!t)
            break;
        p = t + 1;
    }
    return k;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int mc__lex_load(const void *data, size_t n, mc__lex **out, mc_diag *diag)
{
    *out = NULL;
    const char *base = data, *end = base + n;
    size_t n_e = 0, n_s = 0, n_c = 0, words = 0;
    for (const char *p = base; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le - p > 2 && p[1] == '\t') {
            if (p[0] == 'E')
                n_e++;
            else if (p[0] == 'S')
                n_s++;
            else if (p[0] == 'C')
                n_c++;
            for (const char *q = p; q < le; q++)
                words += *q == ' ' || *q == '\t';
        }
        p = nl ? nl + 1 : end;
    }
    if (n_e > UINT32_MAX / 4 || words > UINT32_MAX / 4)
        return mc_diag_set(diag, MC_ECORRUPT, "coder lexicon section too large");
    mc__lex *lx = calloc(1, sizeof *lx);
    if (!lx)
        return MC_ENOMEM;
    size_t max_stems = words + 16, slots = 1;
    while (slots < 2 * max_stems)
        slots <<= 1;
    lx->stems = malloc(max_stems * sizeof *lx->stems);
    lx->stem_hash = calloc(slots, sizeof *lx->stem_hash);
    lx->stem_mask = (uint32_t)(slots - 1);
    lx->entries = malloc((n_e + 1) * sizeof *lx->entries);
    lx->toks = malloc((words + 1) * sizeof *lx->toks);
    lx->codes = malloc((n_c + 1) * sizeof *lx->codes);
    size_t sslots = 1;
    while (sslots < 2 * (n_s + 1))
        sslots <<= 1;
    lx->syn_surface = malloc((n_s + 1) * sizeof *lx->syn_surface);
    lx->syn_at = malloc((n_s + 2) * sizeof *lx->syn_at);
    lx->syn_ids = malloc((words + 1) * sizeof *lx->syn_ids);
    lx->syn_hash = calloc(sslots, sizeof *lx->syn_hash);
    lx->syn_mask = (uint32_t)(sslots - 1);
    if (!lx->stems || !lx->stem_hash || !lx->entries || !lx->toks || !lx->codes ||
        !lx->syn_surface || !lx->syn_at || !lx->syn_ids || !lx->syn_hash) {
        mc__lex_free(lx);
        return MC_ENOMEM;
    }
    uint32_t n_toks = 0, n_syn_ids = 0;
    lx->syn_at[0] = 0;
    for (const char *p = base; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        mc_str f[8];
        int nf = fields(p, le, f, 8);
        p = nl ? nl + 1 : end;
        if (nf < 2 || f[0].n != 1)
            continue;
        /* tokens of a space-separated stem list */
        mc_str words_f = nf >= 5 && f[0].p[0] == 'E' ? f[4] : (nf >= 3 ? f[2] : f[1]);
        if (f[0].p[0] == 'E' && nf >= 6 && f[1].n && f[1].n < 9) {
            lex_entry *e = &lx->entries[lx->n_entries];
            memcpy(e->code, f[1].p, f[1].n);
            e->code[f[1].n] = 0;
            e->src = f[2].n ? f[2].p[0] : 'T';
            int ws = f[3].n ? atoi(f[3].p) : 0;
            e->tok_at = n_toks;
            uint32_t k = 0;
            for (const char *q = words_f.p, *qe = words_f.p + words_f.n; q < qe && k < 32;) {
                const char *sp = memchr(q, ' ', (size_t)(qe - q));
                size_t wl = sp ? (size_t)(sp - q) : (size_t)(qe - q);
                if (wl) {
                    uint32_t id = intern(lx, q, wl);
                    bool dup = false;
                    for (uint32_t j = 0; j < k; j++)
                        dup |= lx->toks[e->tok_at + j] == id;
                    if (!dup)
                        lx->toks[n_toks + k++] = id;
                }
                q = sp ? sp + 1 : qe;
            }
            if (!k)
                continue;
            n_toks += k;
            e->ntok = (uint8_t)k;
            e->with_split = (uint8_t)(ws > 0 && (uint32_t)ws < k ? ws : 0);
            e->without_split = (uint8_t)(ws < 0 && (uint32_t)-ws < k ? -ws : 0);
            e->path = f[5];
            lx->n_entries++;
        } else if (f[0].p[0] == 'S' && nf >= 3 && f[1].n) {
            uint32_t si = lx->n_syn;
            lx->syn_surface[si] = f[1];
            for (const char *q = f[2].p, *qe = f[2].p + f[2].n; q < qe;) {
                const char *sp = memchr(q, ' ', (size_t)(qe - q));
                size_t wl = sp ? (size_t)(sp - q) : (size_t)(qe - q);
                if (wl)
                    lx->syn_ids[n_syn_ids++] = intern(lx, q, wl);
                q = sp ? sp + 1 : qe;
            }
            /* a surface word listed twice keeps its first expansion */
            bool dup = false;
            for (uint32_t h = hash_str(f[1].p, f[1].n) & lx->syn_mask;;
                 h = (h + 1) & lx->syn_mask) {
                if (!lx->syn_hash[h]) {
                    lx->syn_hash[h] = si + 1;
                    break;
                }
                if (mc__str_eq(lx->syn_surface[lx->syn_hash[h] - 1], f[1].p, f[1].n)) {
                    dup = true;
                    break;
                }
            }
            if (dup) {
                n_syn_ids = lx->syn_at[si];
                continue;
            }
            lx->n_syn++;
            lx->syn_at[lx->n_syn] = n_syn_ids;
        } else if (f[0].p[0] == 'C' && nf >= 4 && f[1].n >= 3 && f[1].n <= 7) {
            lex_code *c = &lx->codes[lx->n_codes++];
            memcpy(c->code, f[1].p, f[1].n);
            c->code[f[1].n] = 0;
            c->billable = f[2].n && f[2].p[0] == '1';
            c->title = f[3];
        }
    }
    qsort(lx->codes, lx->n_codes, sizeof *lx->codes, cmp_code);
    /* the arrays were sized for the worst case: give the rest back, rebuild the hash small */
    uint32_t *t2 = realloc(lx->toks, ((size_t)n_toks + 1) * sizeof *lx->toks);
    if (t2)
        lx->toks = t2;
    mc_str *s2 = realloc(lx->stems, ((size_t)lx->n_stems + 1) * sizeof *lx->stems);
    if (s2)
        lx->stems = s2;
    uint32_t *y2 = realloc(lx->syn_ids, ((size_t)n_syn_ids + 1) * sizeof *lx->syn_ids);
    if (y2)
        lx->syn_ids = y2;
    size_t small = 1;
    while (small < 2 * ((size_t)lx->n_stems + 1))
        small <<= 1;
    uint32_t *h2 = calloc(small, sizeof *h2);
    if (h2) {
        free(lx->stem_hash);
        lx->stem_hash = h2;
        lx->stem_mask = (uint32_t)(small - 1);
        for (uint32_t id = 0; id < lx->n_stems; id++) {
            uint32_t h = hash_str(lx->stems[id].p, lx->stems[id].n) & lx->stem_mask;
            while (lx->stem_hash[h])
                h = (h + 1) & lx->stem_mask;
            lx->stem_hash[h] = id + 1;
        }
    }
    for (uint32_t i = 0; i < lx->n_entries; i++)
        lx->entries[i].tk = lx->toks + lx->entries[i].tok_at;
    /* anchors: the rarest stem of each entry */
    lx->df = calloc(lx->n_stems + 1, sizeof *lx->df);
    lx->anchor_at = calloc(lx->n_stems + 2, sizeof *lx->anchor_at);
    lx->anchor_list = malloc((lx->n_entries + 1) * sizeof *lx->anchor_list);
    if (!lx->df || !lx->anchor_at || !lx->anchor_list) {
        mc__lex_free(lx);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < n_toks; i++)
        lx->df[lx->toks[i]]++;
    for (uint32_t i = 0; i < lx->n_entries; i++) {
        lex_entry *e = &lx->entries[i];
        uint32_t best = lx->toks[e->tok_at];
        for (uint32_t j = 1; j < e->ntok; j++) {
            uint32_t t = lx->toks[e->tok_at + j];
            if (lx->df[t] < lx->df[best])
                best = t;
        }
        e->anchor = best;
        lx->anchor_at[best + 1]++;
    }
    for (uint32_t i = 0; i < lx->n_stems; i++)
        lx->anchor_at[i + 1] += lx->anchor_at[i];
    uint32_t *fill = calloc(lx->n_stems + 1, sizeof *fill);
    if (!fill) {
        mc__lex_free(lx);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < lx->n_entries; i++) {
        uint32_t a = lx->entries[i].anchor;
        lx->anchor_list[lx->anchor_at[a] + fill[a]++] = i;
    }
    free(fill);
    (void)cmp_u32;
    *out = lx;
    return MC_OK;
}

void mc__lex_free(mc__lex *lx)
{
    if (!lx)
        return;
    free(lx->stems);
    free(lx->stem_hash);
    free(lx->df);
    free(lx->entries);
    free(lx->toks);
    free(lx->anchor_at);
    free(lx->anchor_list);
    free(lx->syn_surface);
    free(lx->syn_at);
    free(lx->syn_ids);
    free(lx->syn_hash);
    free(lx->codes);
    free(lx);
}
