/*
 * ICD-10-PCS codes built axis by axis from operative and procedure text, the
 * way a coder builds them (ICD-10-PCS Official Guidelines, Conventions A and
 * Section B): the root operation from the procedure's words (B3.1a: the
 * objective of the procedure), which names the table (characters 1-3); the
 * body part (character 4) from the sentence through the table's own labels,
 * the definitions' body part key and a few synonyms (B4.1a: a portion of a
 * body part without its own value is coded to the whole); laterality from
 * "right"/"left"/"bilateral" (B4.3: a bilateral procedure without a bilateral
 * value is two codes); the approach (character 5) from the documented
 * approach (B5.2: "laparoscopic" is percutaneous endoscopic; a procedure
 * converted to open is coded open); the device (B6.1a: only a device that
 * remains; none -> No Device Z) and the qualifier (B3.4a: a biopsy is
 * Excision with qualifier Diagnostic X; otherwise No Qualifier Z).
 *
 * Every character is chosen among the values the year's tables allow after
 * the characters before it (mc_pcs_next_values), so only valid codes come out.
 * When the note does not document an axis that has no default (body part,
 * side, approach, a required device or qualifier), no code is built and a
 * physician query says what is missing.
 *
 * The words -> axes knowledge is data/coder/pcs_axis.tsv (format there),
 * compiled into each bundle as section CACPAX by the build part below and
 * parsed once when the coder opens (mc__pax_open); the body part index comes
 * from the bundle's PCS tables and definitions. Words are matched on the
 * coder lexicon's stem ids (match.c gives each token its ids), so spelling
 * variants and abbreviations (ORIF, PCI, EGD) come through the lexicon.
 */
#include "build/build.h"
#include "coder/coder_int.h"
#include "coder/pcs_axis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

/* ---- build part: data/coder/pcs_axis.tsv -> CACPAX ---- */

static int check_line(const char *line, size_t len, const char *path, int lineno, mc_diag *diag)
{
    int tabs = 0;
    for (size_t i = 0; i < len; i++)
        tabs += line[i] == '\t';
    bool ok = (len > 3 && !memcmp(line, "op\t", 3) && tabs == 6) ||
              (len > 3 && !memcmp(line, "ax\t", 3) && tabs == 4) ||
              (len > 3 && !memcmp(line, "bp\t", 3) && tabs == 3);
    if (!ok)
        return mc_diag_set(diag, MC_EFORMAT,
                           "%s:%d: expected 'op' + 6 fields, 'ax' + 4 or 'bp' + 3, tab-separated",
                           path, lineno);
    return MC_OK;
}

MC_BUILD_PART(coder_pcsax, 1)
{
    char path[1024];
    const char *slash = strrchr(ctx->manifest, '/');
    snprintf(path, sizeof path, "%.*s/coder/pcs_axis.tsv", slash ? (int)(slash - ctx->manifest) : 1,
             slash ? ctx->manifest : ".");
    if (!mc__file_exists(path)) {
        mc__build_warn(ctx, "coder: no %s; ICD-10-PCS codes will come from titles only", path);
        return MC_OK;
    }
    char *data;
    size_t n;
    int rc = mc__read_file(path, (size_t)1 << 20, &data, &n, ctx->diag);
    if (rc)
        return rc;
    int lineno = 0;
    for (const char *p = data, *end = data + n; p < end && !rc;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (len && p[0] != '#')
            rc = check_line(p, len, path, lineno, ctx->diag);
        p = nl ? nl + 1 : end;
    }
    if (!rc)
        rc = mc__bw_add(ctx->w, MC__PAX_TAG, data, n, (uint32_t)ctx->year);
    if (!rc)
        mc__build_provenance(ctx, MC__PAX_TAG, ctx->year, path, "ICD-10-PCS axis words");
    free(data);
    return rc;
}

/* ---- loading ---- */

typedef struct wordset {
    uint32_t w[PAX_MAXW];
    uint8_t n;
    bool bad; /* a word the lexicon does not know: cannot match */
} wordset;

uint32_t mc__pax_priv(const mc__pax *x, const char *stem, size_t n)
{
    if (!x->priv_hash)
        return LEX_NONE;
    for (uint32_t h = (uint32_t)XXH3_64bits(stem, n) & x->priv_mask;; h = (h + 1) & x->priv_mask) {
        uint32_t v = x->priv_hash[h];
        if (!v)
            return LEX_NONE;
        if (strlen(x->priv[v - 1]) == n && !memcmp(x->priv[v - 1], stem, n))
            return x->n_lex_stems + v - 1;
    }
}

/* Intern a stem the lexicon lacks (the table has 4096 slots: at most 2048 words). */
static uint32_t priv_add(mc__pax *x, const char *stem, size_t n)
{
    uint32_t id = mc__pax_priv(x, stem, n);
    if (id != LEX_NONE)
        return id;
    if (!x->priv_hash) {
        x->priv_mask = 4095;
        x->priv_hash = calloc(4096, sizeof(uint32_t));
        x->cap_priv = 2048;
        x->priv = calloc(x->cap_priv, sizeof(char *));
        if (!x->priv_hash || !x->priv)
            return LEX_NONE;
    }
    if (x->n_priv == x->cap_priv)
        return LEX_NONE;
    char *c = malloc(n + 1);
    if (!c)
        return LEX_NONE;
    memcpy(c, stem, n);
    c[n] = 0;
    uint32_t h = (uint32_t)XXH3_64bits(stem, n) & x->priv_mask;
    while (x->priv_hash[h])
        h = (h + 1) & x->priv_mask;
    x->priv[x->n_priv] = c;
    x->priv_hash[h] = ++x->n_priv;
    return x->n_lex_stems + x->n_priv - 1;
}

static void ws_add_word(mc__pax *x, const mc__lex *lx, struct sb_stemmer *st, wordset *ws,
                        const char *w, size_t n)
{
    char f[128], s[128];
    size_t fk = mc__nlp_fold(w, n, f, sizeof f);
    if (!fk || mc__cac_stopword(f, fk))
        return;
    if ((fk == 5 && !memcmp(f, "right", 5)) || (fk == 4 && !memcmp(f, "left", 4)) ||
        (fk == 9 && !memcmp(f, "bilateral", 9)))
        return;
    size_t sk = mc__cac_stem(st, f, fk, s, sizeof s);
    uint32_t id = sk ? mc__lex_stem_id(lx, s, sk) : LEX_NONE;
    if (id != LEX_NONE) {
        if (ws->n < PAX_MAXW)
            ws->w[ws->n++] = id;
        return;
    }
    /* an abbreviation the lexicon expands ("egd"): its words */
    const uint32_t *syn;
    uint32_t ns = mc__lex_synonyms(lx, f, fk, &syn);
    for (uint32_t i = 0; i < ns && ws->n < PAX_MAXW; i++)
        ws->w[ws->n++] = syn[i];
    if (ns)
        return;
    /* a word of the data file only: a private id (table labels never need one) */
    id = x ? priv_add(x, s, sk) : LEX_NONE;
    if (id == LEX_NONE)
        ws->bad = true;
    else if (ws->n < PAX_MAXW)
        ws->w[ws->n++] = id;
}

/* Words of a phrase (split on spaces, '-', '/', ',') to stem ids. */
static void ws_phrase(mc__pax *x, const mc__lex *lx, struct sb_stemmer *st, wordset *ws,
                      const char *p, size_t n)
{
    memset(ws, 0, sizeof *ws);
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '-' || p[i] == '/' || p[i] == ',' || p[i] == '(' ||
                         p[i] == ')'))
            i++;
        size_t b = i;
        while (i < n && !(p[i] == ' ' || p[i] == '-' || p[i] == '/' || p[i] == ',' || p[i] == '(' ||
                          p[i] == ')'))
            i++;
        if (i > b)
            ws_add_word(x, lx, st, ws, p + b, i - b);
    }
}

/*
 * Same words, in any order? Stems that agree on their first 4 letters count as
 * the same word, so that a label's singular and plural sides meet ("Testis,
 * Right" and "Testes, Bilateral": stems testi and test).
 */
static bool same_stem(const mc__lex *lx, uint32_t a, uint32_t b)
{
    if (a == b)
        return true;
    if (a >= lx->n_stems || b >= lx->n_stems)
        return false;
    mc_str x = lx->stems[a], y = lx->stems[b];
    return x.n >= 4 && y.n >= 4 && !memcmp(x.p, y.p, 4) && (x.n < 6 || y.n < 6);
}

static bool same_words(const mc__lex *lx, const wordset *a, const wordset *b)
{
    if (a->n != b->n || a->bad || b->bad)
        return false;
    for (uint8_t i = 0; i < a->n; i++) {
        bool f = false;
        for (uint8_t j = 0; j < b->n && !f; j++)
            f = same_stem(lx, a->w[i], b->w[j]);
        if (!f)
            return false;
    }
    return true;
}

static int add_bp(mc__pax *x, const char *table, char value, char side, uint8_t rank,
                  const wordset *ws, mc_str label)
{
    if (ws->bad || !ws->n)
        return MC_OK;
    if (x->n_bps == x->cap_bps) {
        uint32_t nc = x->cap_bps ? x->cap_bps * 2 : 4096;
        pax_bp *p = realloc(x->bps, (size_t)nc * sizeof *p);
        if (!p)
            return MC_ENOMEM;
        x->bps = p;
        x->cap_bps = nc;
    }
    pax_bp *b = &x->bps[x->n_bps++];
    memset(b, 0, sizeof *b);
    memcpy(b->table, table, 3);
    b->value = value;
    b->side = side;
    b->rank = rank;
    b->nw = ws->n;
    memcpy(b->w, ws->w, ws->n * sizeof(uint32_t));
    b->label = label;
    return MC_OK;
}

static char label_side(mc_str l)
{
    const char *p = l.p;
    size_t n = l.n;
    if (memmem(p, n, "Bilateral", 9))
        return 'B';
    bool r = memmem(p, n, "Right", 5) != NULL, le = memmem(p, n, "Left", 4) != NULL;
    return r && !le ? 'R' : le && !r ? 'L' : 0;
}

/* Walk down to any valid code under prefix (4 characters), for explain. */
static bool first_code(const mc_pcs *p, const char prefix[5], char code[8])
{
    memcpy(code, prefix, 4);
    code[7] = 0;
    mc_pcs_value v[34];
    uint32_t nv;
    mc_str axn;
    for (size_t k = 4; k < 7; k++) {
        if (mc_pcs_next_values(p, code, k, v, &nv, &axn, NULL) != MC_OK || !nv)
            return false;
        code[k] = v[0].value;
    }
    return true;
}

/* Table labels and the body part key of every table of sections 0 (and labels of 1-B). */
static int index_tables(mc__pax *x, const mc__lex *lx, struct sb_stemmer *st, const mc_pcs *p)
{
    mc_pcs_value s1[34], s2[34], s3[34], s4[34];
    uint32_t n1, n2, n3, n4;
    mc_str axn;
    if (mc_pcs_next_values(p, "", 0, s1, &n1, &axn, NULL) != MC_OK)
        return MC_OK;
    for (uint32_t a = 0; a < n1; a++) {
        char code[8] = { s1[a].value, 0 };
        if (mc_pcs_next_values(p, code, 1, s2, &n2, &axn, NULL) != MC_OK)
            continue;
        for (uint32_t b = 0; b < n2; b++) {
            code[1] = s2[b].value;
            if (mc_pcs_next_values(p, code, 2, s3, &n3, &axn, NULL) != MC_OK)
                continue;
            for (uint32_t c = 0; c < n3; c++) {
                code[2] = s3[c].value;
                mc_str axis;
                if (mc_pcs_next_values(p, code, 3, s4, &n4, &axis, NULL) != MC_OK)
                    continue;
                for (uint32_t d = 0; d < n4; d++) {
                    wordset ws;
                    ws_phrase(NULL, lx, st, &ws, s4[d].label.p, s4[d].label.n);
                    int rc = add_bp(x, code, s4[d].value, label_side(s4[d].label), 3, &ws,
                                    s4[d].label);
                    if (rc)
                        return rc;
                    if (code[0] != '0')
                        continue;
                    /* the body part key: "Femoral head; Neck of femur" */
                    char pre[5] = { code[0], code[1], code[2], s4[d].value, 0 }, full[8];
                    mc_pcs_axis ax[7];
                    int nax = 0;
                    if (!first_code(p, pre, full) || mc_pcs_explain(p, full, 7, ax, &nax) != MC_OK ||
                        nax < 4)
                        continue;
                    const char *q = ax[3].includes.p, *e = q + ax[3].includes.n;
                    while (q && q < e) {
                        const char *sc = memchr(q, ';', (size_t)(e - q));
                        const char *te = sc ? sc : e;
                        ws_phrase(NULL, lx, st, &ws, q, (size_t)(te - q));
                        if (ws.n <= 4 &&
                            (rc = add_bp(x, code, s4[d].value, label_side(s4[d].label), 2, &ws,
                                         s4[d].label)))
                            return rc;
                        q = sc ? sc + 1 : e;
                    }
                }
            }
        }
    }
    return MC_OK;
}

/* Label without its side ("Kidney, Right" -> words of "Kidney") equals base? */
static bool label_is_base(const mc__lex *lx, struct sb_stemmer *st, mc_str label, const wordset *b)
{
    wordset l;
    ws_phrase(NULL, lx, st, &l, label.p, label.n);
    return same_words(lx, &l, b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Split a field into pieces separated by c; returns the count (at most max). */
static size_t split(const char *p, size_t n, char c, mc_str *out, size_t max)
{
    size_t k = 0;
    while (k < max) {
        const char *e = memchr(p, c, n);
        size_t len = e ? (size_t)(e - p) : n;
        out[k++] = mc__str(p, len);
        if (!e)
            break;
        n -= len + 1;
        p = e + 1;
    }
    return k;
}

static int parse_rules(mc__pax *x, const mc__lex *lx, struct sb_stemmer *st, const mc_pcs *p)
{
    uint32_t cap = 0;
    const char *t = x->text, *end = t + strlen(t);
    while (t < end) {
        const char *nl = memchr(t, '\n', (size_t)(end - t));
        size_t len = nl ? (size_t)(nl - t) : (size_t)(end - t);
        mc_str f[8];
        size_t nf = len && t[0] != '#' ? split(t, len, '\t', f, 8) : 0;
        t = nl ? nl + 1 : end;
        uint8_t kind = nf == 7 && mc__str_eq(f[0], "op", 2)   ? K_OP
                       : nf == 5 && mc__str_eq(f[0], "ax", 2) ? K_AX
                       : nf == 4 && mc__str_eq(f[0], "bp", 2) ? K_BP
                                                              : 0;
        if (!kind)
            continue; /* the build part checked the format; a damaged line is skipped */
        pax_rule proto;
        memset(&proto, 0, sizeof proto);
        proto.kind = kind;
        mc_str tabs[6];
        size_t nt = mc__str_eq(f[2], "*", 1) ? 0 : split(f[2].p, f[2].n, ',', tabs, 6);
        for (size_t i = 0; i < nt; i++)
            if (tabs[i].n && tabs[i].n <= 3)
                memcpy(proto.tab[proto.nt++], tabs[i].p, tabs[i].n);
        if (kind == K_OP) {
            for (int k = 0; k < 4; k++) {
                mc_str v = f[3 + k];
                if (k == 0 && v.n > 1 && v.n < sizeof proto.base)
                    memcpy(proto.base, v.p, v.n);
                else if (!mc__str_eq(v, ".", 1) && v.n < 8)
                    memcpy(proto.val[k], v.p, v.n);
            }
        } else if (kind == K_AX) {
            if (f[3].n != 1 || f[3].p[0] < '4' || f[3].p[0] > '7' || !f[4].n || f[4].n >= 8)
                continue;
            proto.pos = (uint8_t)(f[3].p[0] - '0');
            memcpy(proto.val[0], f[4].p, f[4].n);
        } else if (f[3].n < sizeof proto.base) {
            memcpy(proto.base, f[3].p, f[3].n);
        }
        mc_str alt[16];
        size_t na = split(f[1].p, f[1].n, '|', alt, 16);
        for (size_t a = 0; a < na; a++) {
            wordset ws;
            ws_phrase(x, lx, st, &ws, alt[a].p, alt[a].n);
            if (ws.bad || !ws.n) {
                if (getenv("MEDCODE_CODER_DEBUG"))
                    fprintf(stderr, "pcs_axis: '%.*s' has a word the lexicon lacks\n",
                            (int)alt[a].n, alt[a].p);
                continue;
            }
            if (kind == K_BP) {
                /* the named label in each matching table (exact label first, else its sides) */
                wordset base;
                ws_phrase(NULL, lx, st, &base, proto.base, strlen(proto.base));
                for (uint32_t i = 0, nb = x->n_bps; i < nb; i++) {
                    pax_bp b = x->bps[i];
                    if (b.rank != 3 || !tables_match(&proto, b.table))
                        continue;
                    bool exact = b.label.n == strlen(proto.base) &&
                                 !strncasecmp(b.label.p, proto.base, b.label.n);
                    if (exact || (!memchr(proto.base, ',', strlen(proto.base)) &&
                                  label_is_base(lx, st, b.label, &base))) {
                        int rc = add_bp(x, b.table, b.value, exact ? 0 : b.side, 1, &ws, b.label);
                        if (rc)
                            return rc;
                    }
                }
                continue;
            }
            if (x->n_rules == cap) {
                cap = cap ? cap * 2 : 256;
                pax_rule *np = realloc(x->rules, (size_t)cap * sizeof *np);
                if (!np)
                    return MC_ENOMEM;
                x->rules = np;
            }
            pax_rule *ru = &x->rules[x->n_rules++];
            *ru = proto;
            if (kind == K_OP && proto.base[0]) {
                wordset base;
                ws_phrase(NULL, lx, st, &base, proto.base, strlen(proto.base));
                for (uint32_t i = 0; i < x->n_bps && ru->nb < 4; i++) {
                    const pax_bp *b = &x->bps[i];
                    if (b->rank == 3 && tables_match(&proto, b->table) &&
                        label_is_base(lx, st, b->label, &base)) {
                        memcpy(ru->btab[ru->nb], b->table, 4);
                        ru->bval[ru->nb] = b->value;
                        ru->bside[ru->nb++] = b->side;
                    }
                }
            }
            ru->nw = ws.n;
            memcpy(ru->w, ws.w, ws.n * sizeof(uint32_t));
            ru->words = alt[a];
        }
    }
    (void)p;
    return MC_OK;
}

/* Lexicon entries with a stem (a private word counts as the rarest). */
static uint32_t df_of(const mc__lex *lx, uint32_t id)
{
    return lx->df && id < lx->n_stems ? lx->df[id] : 0;
}

static int build_anchors(mc__pax *x, const mc__lex *lx)
{
    x->anchor = malloc(((size_t)x->n_rules + 1) * sizeof(uint64_t));
    x->bp_anchor = malloc(((size_t)x->n_bps + 1) * sizeof(uint64_t));
    if (!x->anchor || !x->bp_anchor)
        return MC_ENOMEM;
    /* a phrase is looked up through its rarest word (fewest lexicon entries) */
    for (uint32_t i = 0; i < x->n_rules; i++) {
        const pax_rule *ru = &x->rules[i];
        uint32_t best = ru->w[0];
        for (uint8_t k = 1; k < ru->nw; k++)
            if (df_of(lx, ru->w[k]) < df_of(lx, best))
                best = ru->w[k];
        x->anchor[x->n_anchor++] = (uint64_t)best << 32 | i;
    }
    for (uint32_t i = 0; i < x->n_bps; i++) {
        const pax_bp *b = &x->bps[i];
        uint32_t best = b->w[0];
        for (uint8_t k = 1; k < b->nw; k++)
            if (df_of(lx, b->w[k]) < df_of(lx, best))
                best = b->w[k];
        x->bp_anchor[x->n_bp_anchor++] = (uint64_t)best << 32 | i;
    }
    x->n_ids = lx->n_stems + x->n_priv;
    x->anchor_kind = calloc((size_t)x->n_ids + 1, 1);
    if (!x->anchor_kind)
        return MC_ENOMEM;
    for (uint32_t i = 0; i < x->n_anchor; i++) {
        uint32_t id = (uint32_t)(x->anchor[i] >> 32);
        if (id < x->n_ids)
            x->anchor_kind[id] |= (uint8_t)(x->rules[(uint32_t)x->anchor[i]].kind == K_OP ? 1 : 2);
    }
    for (uint32_t i = 0; i < x->n_bp_anchor; i++) {
        uint32_t id = (uint32_t)(x->bp_anchor[i] >> 32);
        if (id < x->n_ids)
            x->anchor_kind[id] |= 4;
    }
    qsort(x->anchor, x->n_anchor, sizeof(uint64_t), cmp_u64);
    qsort(x->bp_anchor, x->n_bp_anchor, sizeof(uint64_t), cmp_u64);
    return MC_OK;
}

void mc__pax_free(mc__pax *x)
{
    if (!x)
        return;
    free(x->rules);
    free(x->anchor);
    free(x->bps);
    free(x->bp_anchor);
    free(x->anchor_kind);
    free(x->text);
    for (uint32_t i = 0; i < x->n_priv; i++)
        free(x->priv[i]);
    free(x->priv);
    free(x->priv_hash);
    free(x);
}

mc__pax *mc__pax_parse(const void *data, size_t n, const mc__lex *lx, const mc_pcs *p,
                       bool index)
{
    if (!p || !lx || n > ((size_t)1 << 20))
        return NULL;
    mc__pax *x = calloc(1, sizeof *x);
    struct sb_stemmer *st = sb_stemmer_new("english", NULL);
    if (!x || !st || !(x->text = malloc(n + 1)))
        goto fail;
    x->n_lex_stems = lx->n_stems;
    if (n)
        memcpy(x->text, data, n);
    x->text[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (!x->text[i])
            x->text[i] = ' '; /* the section is untrusted: no embedded NUL */
    if ((index && index_tables(x, lx, st, p)) || parse_rules(x, lx, st, p) || build_anchors(x, lx))
        goto fail;
    sb_stemmer_delete(st);
    return x;
fail:
    sb_stemmer_delete(st);
    mc__pax_free(x);
    return NULL;
}

mc__pax *mc__pax_open(const mc_bundle *b, const mc__lex *lx, const mc_pcs *p)
{
    const void *data;
    size_t n;
    if (!p || !lx || mc_bundle_section(b, MC__PAX_TAG, &data, &n) != MC_OK)
        return NULL;
    return mc__pax_parse(data, n, lx, p, true);
}
