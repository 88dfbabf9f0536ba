/*
 * Search build part (stage 2): collects the documents (codes) and their
 * texts from the stage-1 sections through the code-set modules' public
 * headers, analyses every text into terms (fold, stop words, Snowball stem)
 * and writes the SRCH section described in search_int.h.
 *
 * Texts: ICD-10-CM long titles and the inclusion terms the Tabular lists
 * under each code; ICD-10-PCS long titles (table headers as non-reportable
 * documents); HCPCS Level II long descriptions of codes (modifiers are not
 * searchable codes) not terminated before the fiscal year begins.
 */
#include "build/build.h"
#include "medcode/codeset.h"
#include "medcode/hcpcs.h"
#include "medcode/index.h"
#include "medcode/pcs.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct bdoc {
    char code[8];
    uint8_t sys, flags, len, chapter;
    uint32_t order; /* collection order, for the stable sort */
} bdoc;

typedef struct bsnip {
    uint32_t doc; /* collection index, then final doc id */
    uint32_t off, len; /* into the text pool */
    uint32_t ess_end; /* words from here on do not count in the length (7th-character meaning) */
    uint8_t field;
    uint32_t order;
} bsnip;

/* string -> u32 map with open addressing; keys live in a pool */
typedef struct smap {
    uint32_t *slots; /* entry index + 1, 0 = empty */
    uint32_t mask;
    uint32_t *key_off, *key_len, *val;
    uint32_t n, cap;
    mc__buf pool;
} smap;

typedef struct sb {
    mc__build_ctx *ctx;
    bdoc *docs;
    uint32_t n_docs, cap_docs;
    bsnip *snips;
    uint32_t n_snips, cap_snips;
    mc__buf text;
    smap terms; /* analysed term -> term temp id (val = df while counting) */
    smap cache; /* folded token -> analysed term id + 1, 0 = stop word */
    smap cm_docs; /* undotted ICD-10-CM code -> document (collection index) */
    smap surf; /* folded word as written -> term temp id */
    uint32_t n_index, n_index_missing; /* index entries added / pointing to unknown codes */
} sb;

static int smap_init(smap *m, uint32_t cap)
{
    memset(m, 0, sizeof *m);
    uint32_t slots = 1;
    while (slots < cap * 2)
        slots <<= 1;
    m->slots = calloc(slots, sizeof *m->slots);
    m->key_off = malloc(cap * sizeof(uint32_t));
    m->key_len = malloc(cap * sizeof(uint32_t));
    m->val = malloc(cap * sizeof(uint32_t));
    m->mask = slots - 1;
    m->cap = cap;
    mc__buf_init(&m->pool, 0);
    return m->slots && m->key_off && m->key_len && m->val ? MC_OK : MC_ENOMEM;
}

static void smap_free(smap *m)
{
    free(m->slots);
    free(m->key_off);
    free(m->key_len);
    free(m->val);
    mc__buf_free(&m->pool);
}

static int smap_grow(smap *m)
{
    uint32_t cap = m->cap * 2;
    uint32_t *ko = realloc(m->key_off, cap * sizeof *ko);
    if (ko)
        m->key_off = ko;
    uint32_t *kl = realloc(m->key_len, cap * sizeof *kl);
    if (kl)
        m->key_len = kl;
    uint32_t *v = realloc(m->val, cap * sizeof *v);
    if (v)
        m->val = v;
    uint32_t slots = (m->mask + 1) * 2;
    uint32_t *s = calloc(slots, sizeof *s);
    if (!ko || !kl || !v || !s) {
        free(s);
        return MC_ENOMEM;
    }
    free(m->slots);
    m->slots = s;
    m->mask = slots - 1;
    m->cap = cap;
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t h = (uint32_t)XXH3_64bits(m->pool.p + m->key_off[i], m->key_len[i]) & m->mask;
        while (m->slots[h])
            h = (h + 1) & m->mask;
        m->slots[h] = i + 1;
    }
    return MC_OK;
}

/* Find key; when absent and add is true, insert it with value 0. Returns entry index or -1. */
static long smap_get(smap *m, const char *k, size_t n, bool add)
{
    uint32_t h = (uint32_t)XXH3_64bits(k, n) & m->mask;
    while (m->slots[h]) {
        uint32_t e = m->slots[h] - 1;
        if (m->key_len[e] == n && !memcmp(m->pool.p + m->key_off[e], k, n))
            return e;
        h = (h + 1) & m->mask;
    }
    if (!add)
        return -1;
    if (m->n == m->cap) {
        if (smap_grow(m))
            return -1;
        return smap_get(m, k, n, add);
    }
    uint32_t e = m->n++;
    m->key_off[e] = (uint32_t)m->pool.n;
    m->key_len[e] = (uint32_t)n;
    m->val[e] = 0;
    mc__buf_append(&m->pool, k, n);
    m->slots[h] = e + 1;
    return m->pool.err ? -1 : (long)e;
}

static int add_doc(sb *b, const char *code, unsigned sys, bool billable, unsigned chapter)
{
    if (b->n_docs == b->cap_docs) {
        uint32_t cap = b->cap_docs ? b->cap_docs * 2 : 4096;
        bdoc *d = realloc(b->docs, cap * sizeof *d);
        if (!d)
            return MC_ENOMEM;
        b->docs = d;
        b->cap_docs = cap;
    }
    bdoc *d = &b->docs[b->n_docs];
    memset(d, 0, sizeof *d);
    size_t n = strlen(code);
    memcpy(d->code, code, n > 8 ? 8 : n);
    d->sys = (uint8_t)sys;
    d->flags = billable ? DOC_BILLABLE : 0;
    d->len = (uint8_t)n;
    d->chapter = (uint8_t)chapter;
    d->order = b->n_docs++;
    return MC_OK;
}

/* Add a text to document doc (collection index). */
static int add_snip_to(sb *b, uint32_t doc, mc_search_field field, const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!n || doc >= b->n_docs)
        return MC_OK;
    if (n > 65535)
        n = 65535;
    if (b->n_snips == b->cap_snips) {
        uint32_t cap = b->cap_snips ? b->cap_snips * 2 : 8192;
        bsnip *p = realloc(b->snips, cap * sizeof *p);
        if (!p)
            return MC_ENOMEM;
        b->snips = p;
        b->cap_snips = cap;
    }
    bsnip *p = &b->snips[b->n_snips];
    p->doc = doc;
    p->off = (uint32_t)b->text.n;
    p->len = (uint32_t)n;
    p->ess_end = (uint32_t)n;
    p->field = (uint8_t)field;
    p->order = b->n_snips++;
    mc__buf_append(&b->text, s, n);
    return b->text.err;
}

/* Add a text to the newest document. */
static int add_snip(sb *b, mc_search_field field, const char *s, size_t n)
{
    return b->n_docs ? add_snip_to(b, b->n_docs - 1, field, s, n) : MC_OK;
}

static int collect_cm(sb *b)
{
    mc_codeset *cs;
    mc_diag d = { 0 };
    int rc = mc_codeset_open(b->ctx->view, &cs, &d);
    if (rc == MC_ENOTFOUND)
        return MC_OK;
    if (rc)
        return mc_diag_set(b->ctx->diag, rc, "search: %s", d.msg);
    mc_cm_note notes[64];
    for (uint32_t i = 0; i < mc_cm_count(cs) && !rc; i++) {
        mc_cm_code c;
        if ((rc = mc_cm_get(cs, i, &c)))
            break;
        unsigned chap = 0;
        mc_cm_chapter ch;
        if (c.chapter != MC_NONE && mc_cm_get_chapter(cs, c.chapter, &ch) == MC_OK)
            chap = ch.number;
        rc = add_doc(b, c.code, MC_SYS_ICD10CM, c.billable, chap);
        long e = rc ? -1 : smap_get(&b->cm_docs, c.code, strlen(c.code), true);
        if (!rc && e < 0)
            rc = MC_ENOMEM;
        if (!rc)
            b->cm_docs.val[e] = b->n_docs - 1;
        rc = rc ? rc : add_snip(b, MC_FIELD_TITLE, c.long_title.p, c.long_title.n);
        /* "..., initial encounter for closed fracture": the 7th character's meaning is an
         * extension (Section I.B.3), not what makes the code a match, so it does not make
         * the title longer */
        uint32_t owner;
        if (!rc && c.length == 7 && mc_cm_seventh_chars(cs, i, NULL, 0, &owner) > 0) {
            bsnip *t = &b->snips[b->n_snips - 1];
            const char *comma = NULL;
            for (uint32_t k = 0; k < c.long_title.n; k++)
                if (c.long_title.p[k] == ',')
                    comma = c.long_title.p + k;
            if (comma)
                t->ess_end = (uint32_t)(comma - c.long_title.p);
        }
        uint32_t nn = mc_cm_notes(cs, i, false, notes, 64);
        for (uint32_t k = 0; k < nn && k < 64 && !rc; k++)
            if (notes[k].kind == MC_NOTE_INCLUSION && notes[k].level == MC_LEVEL_CODE)
                rc = add_snip(b, MC_FIELD_INCLUSION, notes[k].text.p, notes[k].text.n);
    }
    mc_codeset_close(cs);
    return rc;
}

static int collect_pcs(sb *b)
{
    mc_pcs *p;
    mc_diag d = { 0 };
    int rc = mc_pcs_open(b->ctx->view, &p, &d);
    if (rc == MC_ENOTFOUND)
        return MC_OK;
    if (rc)
        return mc_diag_set(b->ctx->diag, rc, "search: %s", d.msg);
    for (uint32_t i = 0; i < mc_pcs_order_count(p) && !rc; i++) {
        mc_pcs_code c;
        if ((rc = mc_pcs_order_get(p, i, &c)))
            break;
        rc = add_doc(b, c.code, MC_SYS_ICD10PCS, c.valid, 0);
        rc = rc ? rc : add_snip(b, MC_FIELD_TITLE, c.long_title.p, c.long_title.n);
    }
    mc_pcs_close(p);
    return rc;
}

static int collect_hcpcs(sb *b)
{
    mc_hcpcs *h;
    mc_diag d = { 0 };
    int rc = mc_hcpcs_open(b->ctx->view, &h, &d);
    if (rc == MC_ENOTFOUND)
        return MC_OK;
    if (rc)
        return mc_diag_set(b->ctx->diag, rc, "search: %s", d.msg);
    /* the fiscal year starts on 1 October of the year before */
    uint32_t fy_start = (uint32_t)(b->ctx->year - 1) * 10000u + 1001u;
    for (uint32_t i = 0; i < mc_hcpcs_count(h) && !rc; i++) {
        mc_hcpcs_code c;
        if ((rc = mc_hcpcs_get(h, i, &c)))
            break;
        if (c.modifier || (c.term_date && c.term_date < fy_start))
            continue;
        rc = add_doc(b, c.code, MC_SYS_HCPCS, true, 0);
        rc = rc ? rc : add_snip(b, MC_FIELD_TITLE, c.long_desc.p, c.long_desc.n);
    }
    mc_hcpcs_close(h);
    return rc;
}

/* The ICD-10-CM document an index code points to ("S72.0-" -> S72.0), or UINT32_MAX. */
static uint32_t index_doc(sb *b, mc_str code)
{
    char k[8];
    size_t n = 0;
    for (uint32_t i = 0; i < code.n && n < sizeof k; i++) {
        char ch = mc__upper(code.p[i]);
        if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
            k[n++] = ch;
        else if (ch != '.' && ch != '-')
            return UINT32_MAX;
    }
    long e = n ? smap_get(&b->cm_docs, k, n, false) : -1;
    return e < 0 ? UINT32_MAX : b->cm_docs.val[e];
}

static int add_index_text(sb *b, mc_str code, const char *text, size_t n)
{
    if (!code.n)
        return MC_OK;
    uint32_t doc = index_doc(b, code);
    if (doc == UINT32_MAX) {
        b->n_index_missing++;
        return MC_OK;
    }
    b->n_index++;
    return add_snip_to(b, doc, MC_FIELD_INDEX, text, n);
}

/*
 * Alphabetic Index entries with their full subterm paths ("Diabetes, type 2,
 * with, chronic kidney disease" -> E11.22); the entry's own nonessential
 * modifiers follow in parentheses, searchable but not counted in the length
 * (Section I.A.7). Table rows give one text per filled column ("Neoplasm,
 * breast, Malignant Primary" -> C50.91-).
 */
static int collect_index(sb *b)
{
    mc_index *ix;
    mc_diag d = { 0 };
    int rc = mc_index_open(b->ctx->view, &ix, &d);
    if (rc == MC_ENOTFOUND)
        return MC_OK;
    if (rc)
        return mc_diag_set(b->ctx->diag, rc, "search: %s", d.msg);
    mc_index_iter *it = malloc(sizeof *it);
    char *text = malloc(2048);
    if (!it || !text) {
        free(it);
        free(text);
        mc_index_close(ix);
        return MC_ENOMEM;
    }
    const mc_index_kind kinds[] = { MC_INDEX_DISEASE, MC_INDEX_EXTERNAL, MC_INDEX_NEOPLASM,
                                    MC_INDEX_DRUG };
    for (size_t k = 0; k < 4 && !rc; k++) {
        if (!mc_index_has(ix, kinds[k], NULL))
            continue;
        mc_index_iter_init(ix, kinds[k], it);
        while (!rc && mc_index_iter_next(it)) {
            const mc_index_node *nd = &it->node;
            if (nd->has_cells) {
                for (uint32_t col = 0; col < MC_INDEX_COLS && !rc; col++) {
                    if (!nd->cells[col].n)
                        continue;
                    mc_str head = mc_index_column(ix, kinds[k], col);
                    int tn = snprintf(text, 2048, "%.*s, %.*s", (int)it->path_len, it->path,
                                      (int)head.n, head.p);
                    if (tn > 0)
                        rc = add_index_text(b, nd->cells[col], text, (size_t)tn < 2048 ? (size_t)tn : 2047);
                }
                continue;
            }
            mc_str nemod = nd->nemod;
            if (nemod.n >= 4 && !memcmp(nemod.p, "(see", 4))
                nemod.n = 0; /* a cross-reference, not words of this entry */
            int tn = snprintf(text, 2048, "%.*s%s%.*s", (int)it->path_len, it->path,
                              nemod.n ? " " : "", (int)nemod.n, nemod.p);
            if (tn > 0)
                rc = add_index_text(b, nd->code, text, (size_t)tn < 2048 ? (size_t)tn : 2047);
        }
    }
    free(it);
    free(text);
    mc_index_close(ix);
    return rc;
}

static int doc_cmp(const void *a, const void *b)
{
    const bdoc *x = a, *y = b;
    if (x->sys != y->sys)
        return x->sys < y->sys ? -1 : 1;
    int c = memcmp(x->code, y->code, 8);
    return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static int snip_cmp(const void *a, const void *b)
{
    const bsnip *x = a, *y = b;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    if (x->field != y->field)
        return x->field < y->field ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* ---- term ordering ---- */

static const smap *g_terms; /* qsort has no context argument */

static int term_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t xl = g_terms->key_len[x], yl = g_terms->key_len[y];
    if (xl != yl)
        return xl < yl ? -1 : 1;
    return memcmp(g_terms->pool.p + g_terms->key_off[x], g_terms->pool.p + g_terms->key_off[y],
                  xl);
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct tpost {
    uint32_t term; /* temp id */
    uint32_t value; /* snippet | pos << 24 */
} tpost;

/* Analyse every snippet: postings (temp term ids), token counts per snippet. */
static int analyze_all(sb *b, mc_text *tx, tpost **out, size_t *n_out, uint8_t *ntok,
                       double *field_tokens, double *field_n)
{
    size_t cap = (size_t)b->n_snips * 8 + 16, n = 0;
    tpost *p = malloc(cap * sizeof *p);
    if (!p)
        return MC_ENOMEM;
    char term[MAX_TERM + 1];
    for (uint32_t si = 0; si < b->n_snips; si++) {
        const bsnip *sp = &b->snips[si];
        const char *s = b->text.p + sp->off;
        mc_tokenizer tk;
        mc_token t;
        mc_tokenizer_init(&tk, s, sp->len);
        uint32_t pos = 0, counted = 0, gap = 0;
        int depth = 0;
        size_t first = n;
        while (mc_tokenizer_next(&tk, &t)) {
            /* words in parentheses or brackets are nonessential modifiers or synonyms
             * (Section I.A.7-8 of the Official Guidelines): searchable, but they do not
             * make a title longer for the length norm */
            if (t.start >= sp->ess_end)
                depth = 1 << 20; /* past the essential part: stays non-essential */
            for (; gap < t.start; gap++) {
                char ch = s[gap];
                if (ch == '(' || ch == '[')
                    depth++;
                else if ((ch == ')' || ch == ']') && depth > 0)
                    depth--;
            }
            gap = t.end;
            /* cache: folded token bytes -> analysed term */
            long ce = smap_get(&b->cache, s + t.start, t.end - t.start, true);
            if (ce < 0) {
                free(p);
                return MC_ENOMEM;
            }
            uint32_t tid;
            if (b->cache.val[ce] == 0) {
                bool unspec;
                size_t tn = mc__sr_analyze(tx, s + t.start, t.end - t.start, term, &unspec);
                if (tn == 0) {
                    b->cache.val[ce] = UINT32_MAX; /* stop word */
                    continue;
                }
                long te = smap_get(&b->terms, term, tn, true);
                char folded[4 * MAX_TERM];
                size_t fn = mc_text_fold_token(s + t.start, t.end - t.start, folded, sizeof folded);
                while (fn > MAX_TERM || (fn > 0 && fn < sizeof folded &&
                                         ((unsigned char)folded[fn] & 0xC0) == 0x80))
                    fn--;
                long se = (te >= 0 && fn) ? smap_get(&b->surf, folded, fn, true) : -2;
                if (te < 0 || se == -1) {
                    free(p);
                    return MC_ENOMEM;
                }
                if (se >= 0)
                    b->surf.val[se] = (uint32_t)te;
                b->cache.val[ce] = ((uint32_t)te + 1) | (unspec ? 0x80000000u : 0);
            }
            if (b->cache.val[ce] == UINT32_MAX)
                continue;
            tid = (b->cache.val[ce] & 0x7fffffffu) - 1;
            bool dup = false;
            for (size_t k = first; k < n && !dup; k++)
                dup = p[k].term == tid;
            /* the length is the number of distinct essential words */
            if (!dup && !(b->cache.val[ce] & 0x80000000u) && depth == 0)
                counted++;
            if (!dup) {
                if (n == cap) {
                    tpost *g = realloc(p, (cap *= 2) * sizeof *p);
                    if (!g) {
                        free(p);
                        return MC_ENOMEM;
                    }
                    p = g;
                }
                p[n].term = tid;
                /* position (7 bits) and whether the word is essential (outside parentheses) */
                p[n].value = si | (pos > 127 ? 127u : pos) << 24 | (depth == 0 ? 1u << 31 : 0);
                n++;
                /* "40.0-44.9": a decimal number is also found by its whole part ("BMI 40") */
                if ((t.flags & MC_TOK_DOT) && s[t.start] >= '0' && s[t.start] <= '9') {
                    size_t k = t.start;
                    while (k < t.end && s[k] >= '0' && s[k] <= '9')
                        k++;
                    long ie = smap_get(&b->terms, s + t.start, k - t.start, true);
                    if (ie < 0) {
                        free(p);
                        return MC_ENOMEM;
                    }
                    bool idup = false;
                    for (size_t q = first; q < n && !idup; q++)
                        idup = p[q].term == (uint32_t)ie;
                    if (!idup) {
                        if (n == cap) {
                            tpost *g = realloc(p, (cap *= 2) * sizeof *p);
                            if (!g) {
                                free(p);
                                return MC_ENOMEM;
                            }
                            p = g;
                        }
                        p[n].term = (uint32_t)ie;
                        p[n].value = si | (pos > 127 ? 127u : pos) << 24;
                        n++;
                    }
                }
            }
            pos++;
        }
        ntok[si] = (uint8_t)(counted > 255 ? 255 : counted ? counted : 1);
        field_tokens[sp->field] += ntok[si];
        field_n[sp->field] += 1;
    }
    *out = p;
    *n_out = n;
    return MC_OK;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Write the section image: every table from the collected and analysed data. */
static int write_section(sb *b, const tpost *tp, size_t n_tp, const uint8_t *ntok,
                         const float *avg, mc__buf *out)
{
    int rc = MC_ENOMEM;
    uint32_t nt = b->terms.n;
    uint32_t *order = malloc((nt + 1) * sizeof *order), *rank = malloc((nt + 1) * sizeof *rank);
    uint32_t *df = calloc(nt + 1, sizeof *df), *start = calloc(nt + 2, sizeof *start);
    uint32_t *post = malloc((n_tp + 1) * sizeof *post);
    uint64_t *tri = NULL;
    uint32_t *sorder = NULL;
    size_t n_tri = 0;
    mc__buf t_terms, t_tris, t_tripost, t_termstr, t_surf, t_surfstr;
    mc__buf_init(&t_surf, 0);
    mc__buf_init(&t_surfstr, 0);
    mc__buf_init(&t_terms, 0);
    mc__buf_init(&t_tris, 0);
    mc__buf_init(&t_tripost, 0);
    mc__buf_init(&t_termstr, 0);
    if (!order || !rank || !df || !start || !post)
        goto out;
    for (uint32_t i = 0; i < nt; i++)
        order[i] = i;
    g_terms = &b->terms;
    qsort(order, nt, sizeof *order, term_cmp);
    for (uint32_t i = 0; i < nt; i++)
        rank[order[i]] = i;
    /* postings grouped by final term id; snippets were visited in order, so lists are sorted */
    for (size_t i = 0; i < n_tp; i++)
        df[rank[tp[i].term]]++;
    for (uint32_t i = 0; i < nt; i++)
        start[i + 1] = start[i] + df[i];
    for (size_t i = 0; i < n_tp; i++)
        post[start[rank[tp[i].term]]++] = tp[i].value;
    for (uint32_t i = nt; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
    /* surface words, sorted like the terms, and their trigrams */
    uint32_t ns = b->surf.n;
    sorder = malloc((ns + 1) * sizeof *sorder);
    if (!sorder)
        goto out;
    for (uint32_t i = 0; i < ns; i++)
        sorder[i] = i;
    g_terms = &b->surf;
    qsort(sorder, ns, sizeof *sorder, term_cmp);
    uint32_t surflen[MAX_TERM + 2];
    uint32_t cur_len = 0;
    size_t tri_cap = (size_t)ns * 12 + 16;
    tri = malloc(tri_cap * sizeof *tri);
    if (!tri)
        goto out;
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t e = sorder[i];
        const char *k = b->surf.pool.p + b->surf.key_off[e];
        uint32_t kl = b->surf.key_len[e];
        while (cur_len <= kl && cur_len <= MAX_TERM)
            surflen[cur_len++] = i;
        mc__buf_u32(&t_surf, (uint32_t)t_surfstr.n);
        mc__buf_u32(&t_surf, kl);
        mc__buf_u32(&t_surf, rank[b->surf.val[e]]);
        mc__buf_append(&t_surfstr, k, kl);
        /* trigrams of "^word$" */
        char pad[MAX_TERM + 3];
        pad[0] = '^';
        memcpy(pad + 1, k, kl);
        pad[kl + 1] = '$';
        for (uint32_t j = 0; j + 3 <= kl + 2; j++) {
            uint32_t g = (uint32_t)(unsigned char)pad[j] | (uint32_t)(unsigned char)pad[j + 1] << 8 |
                         (uint32_t)(unsigned char)pad[j + 2] << 16;
            if (n_tri == tri_cap) {
                uint64_t *gr = realloc(tri, (tri_cap *= 2) * sizeof *tri);
                if (!gr)
                    goto out;
                tri = gr;
            }
            tri[n_tri++] = (uint64_t)g << 32 | i;
        }
    }
    while (cur_len <= MAX_TERM + 1)
        surflen[cur_len++] = ns;
    /* terms, length index */
    uint32_t lenidx[MAX_TERM + 2];
    cur_len = 0;
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t e = order[i];
        const char *k = b->terms.pool.p + b->terms.key_off[e];
        uint32_t kl = b->terms.key_len[e];
        while (cur_len <= kl && cur_len <= MAX_TERM)
            lenidx[cur_len++] = i;
        unsigned char rec[TERM_SIZE];
        put32(rec, (uint32_t)t_termstr.n);
        put32(rec + 4, start[i]);
        put32(rec + 8, df[i]);
        put32(rec + 12, kl);
        mc__buf_append(&t_terms, rec, sizeof rec);
        mc__buf_append(&t_termstr, k, kl);
    }
    while (cur_len <= MAX_TERM + 1)
        lenidx[cur_len++] = nt;
    qsort(tri, n_tri, sizeof *tri, u64_cmp);
    uint32_t n_tris = 0, n_tripost = 0;
    for (size_t i = 0; i < n_tri;) {
        uint32_t g = (uint32_t)(tri[i] >> 32);
        uint32_t first = n_tripost;
        uint32_t last_id = UINT32_MAX;
        for (; i < n_tri && (uint32_t)(tri[i] >> 32) == g; i++) {
            uint32_t id = (uint32_t)tri[i];
            if (id == last_id)
                continue; /* a trigram repeated inside one term */
            mc__buf_u32(&t_tripost, id);
            n_tripost++;
            last_id = id;
        }
        mc__buf_u32(&t_tris, g);
        mc__buf_u32(&t_tris, first);
        mc__buf_u32(&t_tris, n_tripost - first);
        n_tris++;
    }
    /* assemble: header, toc, tables */
    size_t sizes[T_COUNT] = {
        (size_t)b->n_docs * DOC_SIZE, (size_t)b->n_snips * SNIP_SIZE, t_terms.n,
        sizeof lenidx, n_tp * 4, t_tris.n, t_tripost.n, t_termstr.n, b->text.n,
        t_surf.n, sizeof surflen, t_surfstr.n,
    };
    size_t off = SR_HDR + T_COUNT * 8;
    uint32_t offs[T_COUNT];
    for (int i = 0; i < T_COUNT; i++) {
        off = (off + 15) & ~(size_t)15;
        offs[i] = (uint32_t)off;
        off += sizes[i];
    }
    if (off > UINT32_MAX) {
        rc = MC_ELIMIT;
        goto out;
    }
    uint32_t hdr[16] = { SR_MAGIC, SR_VERSION, b->n_docs, b->n_snips, nt, (uint32_t)n_tp, n_tris,
                         n_tripost, (uint32_t)t_termstr.n, (uint32_t)b->text.n, ns,
                         (uint32_t)t_surfstr.n,
                         fbits(avg[0]), fbits(avg[1]), fbits(avg[2]), fbits(avg[3]) };
    for (int i = 0; i < 16; i++)
        mc__buf_u32(out, hdr[i]);
    for (int i = 0; i < T_COUNT; i++) {
        mc__buf_u32(out, offs[i]);
        mc__buf_u32(out, (uint32_t)sizes[i]);
    }
    for (int t = 0; t < T_COUNT; t++) {
        while (out->n < offs[t] && !out->err)
            mc__buf_putc(out, 0);
        switch (t) {
        case T_DOCS:
            for (uint32_t i = 0; i < b->n_docs; i++) {
                unsigned char rec[DOC_SIZE] = { 0 };
                const bdoc *d = &b->docs[i];
                memcpy(rec, d->code, 8);
                rec[8] = d->sys;
                rec[9] = d->flags;
                rec[10] = d->len;
                rec[11] = d->chapter;
                put32(rec + 12, d->order); /* build_index stored the title snippet here */
                mc__buf_append(out, rec, sizeof rec);
            }
            break;
        case T_SNIPS:
            for (uint32_t i = 0; i < b->n_snips; i++) {
                unsigned char rec[SNIP_SIZE];
                const bsnip *p = &b->snips[i];
                put32(rec, p->doc);
                put32(rec + 4, p->off);
                rec[8] = (unsigned char)p->len;
                rec[9] = (unsigned char)(p->len >> 8);
                rec[10] = p->field;
                rec[11] = ntok[i];
                mc__buf_append(out, rec, sizeof rec);
            }
            break;
        case T_TERMS: mc__buf_append(out, t_terms.p, t_terms.n); break;
        case T_LENIDX:
            for (int i = 0; i < MAX_TERM + 2; i++)
                mc__buf_u32(out, lenidx[i]);
            break;
        case T_POST:
            for (size_t i = 0; i < n_tp; i++)
                mc__buf_u32(out, post[i]);
            break;
        case T_TRIS: mc__buf_append(out, t_tris.p, t_tris.n); break;
        case T_TRIPOST: mc__buf_append(out, t_tripost.p, t_tripost.n); break;
        case T_TERMSTR: mc__buf_append(out, t_termstr.p, t_termstr.n); break;
        case T_TEXT: mc__buf_append(out, b->text.p, b->text.n); break;
        case T_SURF: mc__buf_append(out, t_surf.p, t_surf.n); break;
        case T_SURFLEN:
            for (int i = 0; i < MAX_TERM + 2; i++)
                mc__buf_u32(out, surflen[i]);
            break;
        case T_SURFSTR: mc__buf_append(out, t_surfstr.p, t_surfstr.n); break;
        }
    }
    rc = out->err ? out->err : t_terms.err ? t_terms.err : t_tris.err ? t_tris.err : MC_OK;
out:
    free(order);
    free(rank);
    free(df);
    free(start);
    free(post);
    free(tri);
    free(sorder);
    mc__buf_free(&t_surf);
    mc__buf_free(&t_surfstr);
    mc__buf_free(&t_terms);
    mc__buf_free(&t_tris);
    mc__buf_free(&t_tripost);
    mc__buf_free(&t_termstr);
    return rc;
}

static int build_index(sb *b, mc__buf *img)
{
    /* final doc order, snippets regrouped by final doc */
    qsort(b->docs, b->n_docs, sizeof *b->docs, doc_cmp);
    uint32_t *newid = malloc((b->n_docs + 1) * sizeof *newid);
    if (!newid)
        return MC_ENOMEM;
    for (uint32_t i = 0; i < b->n_docs; i++)
        newid[b->docs[i].order] = i;
    for (uint32_t i = 0; i < b->n_snips; i++)
        b->snips[i].doc = newid[b->snips[i].doc];
    free(newid);
    qsort(b->snips, b->n_snips, sizeof *b->snips, snip_cmp);
    /* each doc's title snippet: its first snippet (field 0 sorts first) */
    for (uint32_t i = 0; i < b->n_docs; i++)
        b->docs[i].order = UINT32_MAX;
    for (uint32_t i = b->n_snips; i > 0; i--)
        b->docs[b->snips[i - 1].doc].order = i - 1;
    uint32_t n_ok = 0;
    for (uint32_t i = 0; i < b->n_docs; i++)
        if (b->docs[i].order != UINT32_MAX)
            b->docs[n_ok++] = b->docs[i];
    if (n_ok != b->n_docs)
        return mc_diag_set(b->ctx->diag, MC_EFORMAT, "search: %u codes have no title",
                           b->n_docs - n_ok);
    if (b->n_snips >= MAX_SNIPS)
        return mc_diag_set(b->ctx->diag, MC_ELIMIT, "search: too many texts (%u)", b->n_snips);

    mc_text *tx;
    int rc = mc_text_new(&tx);
    if (rc)
        return rc;
    uint8_t *ntok = malloc(b->n_snips + 1);
    tpost *tp = NULL;
    size_t n_tp = 0;
    double ft[N_FIELDS] = { 0 }, fn[N_FIELDS] = { 0 };
    rc = ntok ? analyze_all(b, tx, &tp, &n_tp, ntok, ft, fn) : MC_ENOMEM;
    mc_text_free(tx);
    float avg[N_FIELDS];
    for (int i = 0; i < N_FIELDS; i++)
        avg[i] = fn[i] > 0 ? (float)(ft[i] / fn[i]) : 1.0f;
    if (!rc)
        rc = write_section(b, tp, n_tp, ntok, avg, img);
    free(tp);
    free(ntok);
    return rc;
}

MC_BUILD_PART(search, 2)
{
    sb b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    mc__buf_init(&b.text, 0);
    mc__buf img;
    mc__buf_init(&img, 0);
    int rc = smap_init(&b.terms, 1 << 16);
    rc = rc ? rc : smap_init(&b.cache, 1 << 16);
    rc = rc ? rc : smap_init(&b.cm_docs, 1 << 17);
    rc = rc ? rc : smap_init(&b.surf, 1 << 16);
    rc = rc ? rc : collect_cm(&b);
    rc = rc ? rc : collect_index(&b);
    rc = rc ? rc : collect_pcs(&b);
    rc = rc ? rc : collect_hcpcs(&b);
    if (!rc && b.n_docs == 0) {
        mc__build_warn(ctx, "FY%d: no code set to search; the bundle has no SRCH section",
                       ctx->year);
        goto out;
    }
    if (!rc && b.n_index_missing)
        mc__build_progress(ctx, "  search: %u index entries, %u point to codes not in FY%d",
                           b.n_index, b.n_index_missing, ctx->year);
    rc = rc ? rc : build_index(&b, &img);
    rc = rc ? rc : mc__bw_add(ctx->w, "SRCH", img.p, img.n, (uint32_t)ctx->year);
    if (!rc)
        mc__build_provenance(ctx, "SRCH", ctx->year, "(derived)",
                             "search postings from the code-set sections of this bundle");
out:
    free(b.docs);
    free(b.snips);
    mc__buf_free(&b.text);
    smap_free(&b.terms);
    smap_free(&b.cache);
    smap_free(&b.cm_docs);
    smap_free(&b.surf);
    mc__buf_free(&img);
    return rc;
}
