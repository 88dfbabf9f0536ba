/*
 * Benchmark: coding accuracy on CodiEsp (CLEF eHealth 2020), English
 * machine translation of the clinical cases (text_files_en), against the
 * gold ICD-10-CM (*D.tsv) and ICD-10-PCS (*P.tsv) codes. Reports micro
 * precision, recall and F1 and MAP (the CodiEsp ranking measure: per
 * document, the mean of precision at each gold code found, over the number
 * of gold codes) for diagnoses and for procedures on full codes and on their
 * 4-character prefixes, beside the published best results on the Spanish
 * text, and a baseline measured in the same run: the most frequent training
 * codes assigned to every document.
 *
 *   bench_codiesp OUTPUT.md       (dev split; CODIESP_SPLIT=train to tune)
 * Environment: CODIESP_DIR (default ../shared/bench/codiesp/final_dataset_v4_to_publish),
 * MEDCODE_BUNDLES, CODIESP_ERRORS=FILE writes per-code false positives and
 * negatives for error analysis.
 */
#include "base/base_int.h"
#include "coder/coder_int.h"
#include "medcode/coder.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct gold {
    char doc[64];
    char code[16];
} gold;

typedef struct pred {
    char code[16];
    float conf;
} pred;

/*
 * CodiEsp is coded in CIE-10-ES, which reports injury and external-cause
 * codes (chapters 19-20: S, T, V-Y) without the 7th character (gold
 * "t14.90", "t81.4xx", "w19.xxx"): both the gold and medcode's codes there
 * are compared without the 7th character and without trailing placeholder X.
 */
static void cie_norm(char *code)
{
    char c0 = code[0];
    if (!(c0 == 'S' || c0 == 'T' || (c0 >= 'V' && c0 <= 'Y')))
        return;
    size_t n = strlen(code);
    if (n == 8 && code[3] == '.')
        code[--n] = 0;
    while (n > 4 && code[n - 1] == 'X')
        code[--n] = 0;
    if (n == 4 && code[3] == '.')
        code[--n] = 0;
}

static int load_tsv(const char *path, gold **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t cap = 1024, k = 0;
    gold *g = malloc(cap * sizeof *g);
    char line[512];
    while (g && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        char *c = tab + 1;
        c[strcspn(c, "\t\r\n")] = 0;
        if (k == cap) {
            gold *t = realloc(g, 2 * cap * sizeof *g);
            if (!t)
                break;
            g = t;
            cap *= 2;
        }
        mc__strlcpy(g[k].doc, line, sizeof g[k].doc);
        size_t j = 0;
        for (char *p = c; *p && j + 1 < sizeof g[k].code; p++)
            g[k].code[j++] = mc__upper(*p);
        g[k].code[j] = 0;
        if (strchr(g[k].code, '.') || strlen(g[k].code) == 3)
            cie_norm(g[k].code);
        k++;
    }
    fclose(f);
    *out = g;
    *n = k;
    return g ? 0 : -1;
}

static int cmp_gold(const void *a, const void *b)
{
    int c = strcmp(((const gold *)a)->doc, ((const gold *)b)->doc);
    return c ? c : strcmp(((const gold *)a)->code, ((const gold *)b)->code);
}

typedef struct score {
    double tp, fp, fn, ap_sum;
    int docs;
} score;

/* Compare codes on their first `prefix` characters (0 = whole code). */
/*
 * Edition mapping (full-code scoring of diagnoses): a gold code that is only
 * a header in the code set used here (R51, billable in the corpus's 2018
 * edition, was subdivided into R51.0/R51.9 in FY2021; CIE-10-ES C50.9) is
 * matched by any code under it, the only codes this edition can report for
 * it. Off with CODIESP_STRICT=1 (reported beside it).
 */
static const mc__lex *g_lex;
static bool g_strict;

static bool gold_header_of(const char *g, const char *pc)
{
    if (g_strict || !g_lex || (!strchr(g, '.') && strlen(g) != 3))
        return false;
    size_t n = strlen(g);
    if (strncmp(g, pc, n) || strlen(pc) <= n)
        return false;
    char u[16];
    size_t k = 0;
    for (const char *q = g; *q && k < 15; q++)
        if (*q != '.')
            u[k++] = *q;
    u[k] = 0;
    uint32_t i = mc__lex_code(g_lex, u);
    return i != LEX_NONE && !g_lex->codes[i].billable;
}

/* a is a prediction, b a gold code (or both predictions: then never a header match) */
static bool same(const char *a, const char *b, size_t prefix)
{
    if (!prefix)
        return !strcmp(a, b) || gold_header_of(b, a);
    char x[16], y[16];
    size_t i = 0, j = 0;
    for (; *a && i < prefix; a++)
        if (*a != '.')
            x[i++] = *a;
    for (; *b && j < prefix; b++)
        if (*b != '.')
            y[j++] = *b;
    x[i] = y[j] = 0;
    return !strcmp(x, y);
}

/* Score one document: preds ranked by confidence, gold codes of the doc. */
static void score_doc(score *s, pred *p, size_t np, const gold *g, size_t ng, size_t prefix,
                      FILE *err, const char *doc)
{
    /* dedupe predictions at this granularity, keeping rank order */
    bool *used = calloc(ng + 1, 1);
    size_t hits = 0;
    double ap = 0;
    size_t rank = 0;
    for (size_t i = 0; i < np; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = same(p[j].code, p[i].code, prefix);
        if (dup)
            continue;
        rank++;
        bool hit = false;
        for (size_t j = 0; j < ng; j++)
            if (!used[j] && same(p[i].code, g[j].code, prefix)) {
                used[j] = hit = true;
                for (size_t k = j + 1; k < ng; k++)
                    if (same(g[k].code, g[j].code, prefix))
                        used[k] = true;
                break;
            }
        if (hit) {
            hits++;
            s->tp++;
            ap += (double)hits / (double)rank;
        } else {
            s->fp++;
            if (err)
                fprintf(err, "FP\t%s\t%s\n", doc, p[i].code);
        }
    }
    size_t ngu = 0;
    for (size_t j = 0; j < ng; j++) {
        bool dup = false;
        for (size_t k = 0; k < j && !dup; k++)
            dup = same(g[k].code, g[j].code, prefix);
        if (dup)
            continue;
        ngu++;
        if (!used[j]) {
            s->fn++;
            if (err)
                fprintf(err, "FN\t%s\t%s\n", doc, g[j].code);
        }
    }
    if (ngu) {
        s->ap_sum += ap / (double)ngu;
        s->docs++;
    }
    free(used);
}

static int cmp_pred(const void *a, const void *b)
{
    float x = ((const pred *)a)->conf, y = ((const pred *)b)->conf;
    return x > y ? -1 : x < y;
}

static void row(FILE *o, const char *name, const score *s)
{
    double p = s->tp + s->fp ? s->tp / (s->tp + s->fp) : 0;
    double r = s->tp + s->fn ? s->tp / (s->tp + s->fn) : 0;
    double f = p + r ? 2 * p * r / (p + r) : 0;
    if (s->docs)
        fprintf(o, "| %s | %.3f | %.3f | %.3f | %.3f |\n", name, p, r, f, s->ap_sum / s->docs);
    else
        fprintf(o, "| %s | %.3f | %.3f | %.3f | - |\n", name, p, r, f);
    if (s->docs)
        printf("%-40s P %.3f R %.3f F1 %.3f MAP %.3f\n", name, p, r, f, s->ap_sum / s->docs);
    else
        printf("%-40s P %.3f R %.3f F1 %.3f\n", name, p, r, f);
}

/* Most frequent codes of the training split (the baseline). */
static size_t top_codes(const gold *g, size_t n, pred *out, size_t k)
{
    size_t m = 0;
    pred *all = calloc(n + 1, sizeof *all);
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < m && strcmp(all[j].code, g[i].code))
            j++;
        if (j == m)
            mc__strlcpy(all[m++].code, g[i].code, sizeof all[0].code);
        all[j].conf += 1;
    }
    qsort(all, m, sizeof *all, cmp_pred);
    size_t r = m < k ? m : k;
    memcpy(out, all, r * sizeof *out);
    free(all);
    return r;
}

static int eval_split(const char *dir, const char *split, const mc_coder *c,
                      const mc_coder_model *model, const gold *gd, size_t ngd, const gold *gp,
                      size_t ngp, pred *basep, size_t nbase, score *sd, score *sd4, score *sp,
                      score *sp4, score *base, FILE *err, int *docs_out, double *bytes_out,
                      double *secs_out, score *map)
{
    char path[1024];
    mc_diag diag = { 0 };
    snprintf(path, sizeof path, "%s/%s/text_files_en", dir, split);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "bench_codiesp: cannot open %s\n", path);
        return -1;
    }
    mc_coder_opts o = { 0 };
    o.setting = MC_SETTING_INPATIENT;
    o.all_mentions = true;
    o.model = model;
    struct dirent *de;
    int docs = 0;
    double bytes = 0;
    uint64_t t0 = mc__now_ns();
    while ((de = readdir(d))) {
        size_t ln = strlen(de->d_name);
        if (ln < 5 || strcmp(de->d_name + ln - 4, ".txt"))
            continue;
        char doc[64];
        snprintf(doc, sizeof doc, "%.*s", (int)(ln - 4), de->d_name);
        char fp[2048];
        snprintf(fp, sizeof fp, "%s/%s", path, de->d_name);
        char *text;
        size_t n;
        if (mc__read_file(fp, 0, &text, &n, NULL))
            continue;
        bytes += (double)n;
        mc_coder_result *res = NULL;
        if (mc_coder_run(c, text, n, &o, &res, &diag)) {
            free(text);
            continue;
        }
        docs++;
        pred dp[512], pp[512];
        size_t nd = 0, np = 0;
        for (uint32_t i = 0; i < res->n_diagnoses && nd < 512; i++) {
            mc__strlcpy(dp[nd].code, res->diagnoses[i].code, sizeof dp[0].code);
            cie_norm(dp[nd].code);
            dp[nd++].conf = res->diagnoses[i].confidence;
        }
        for (uint32_t i = 0; i < res->n_procedures && np < 512; i++) {
            mc__strlcpy(pp[np].code, res->procedures[i].code, sizeof pp[0].code);
            pp[np++].conf = res->procedures[i].confidence;
        }
        qsort(dp, nd, sizeof *dp, cmp_pred);
        qsort(pp, np, sizeof *pp, cmp_pred);
        gold gdoc[256], pdoc[256];
        size_t ngdoc = 0, npdoc = 0;
        for (size_t i = 0; i < ngd && ngdoc < 256; i++)
            if (!strcmp(gd[i].doc, doc))
                gdoc[ngdoc++] = gd[i];
        for (size_t i = 0; i < ngp && npdoc < 256; i++)
            if (!strcmp(gp[i].doc, doc))
                pdoc[npdoc++] = gp[i];
        if (sd)
            score_doc(sd, dp, nd, gdoc, ngdoc, 0, err, doc);
        if (sd4)
            score_doc(sd4, dp, nd, gdoc, ngdoc, 4, NULL, doc);
        if (sp)
            score_doc(sp, pp, np, pdoc, npdoc, 0, NULL, doc);
        if (sp4)
            score_doc(sp4, pp, np, pdoc, npdoc, 4, NULL, doc);
        if (base)
            score_doc(base, basep, nbase, gdoc, ngdoc, 0, NULL, doc);
        mc_coder_result_free(res);
        /* MAP ranks every candidate: the same run without the confidence threshold */
        if (map && model) {
            mc_coder_opts om = o;
            om.min_confidence = 0.0001f;
            if (mc_coder_run(c, text, n, &om, &res, &diag) == MC_OK) {
                nd = np = 0;
                for (uint32_t i = 0; i < res->n_diagnoses && nd < 512; i++) {
                    mc__strlcpy(dp[nd].code, res->diagnoses[i].code, sizeof dp[0].code);
            cie_norm(dp[nd].code);
                    dp[nd++].conf = res->diagnoses[i].confidence;
                }
                for (uint32_t i = 0; i < res->n_procedures && np < 512; i++) {
                    mc__strlcpy(pp[np].code, res->procedures[i].code, sizeof pp[0].code);
                    pp[np++].conf = res->procedures[i].confidence;
                }
                qsort(dp, nd, sizeof *dp, cmp_pred);
                qsort(pp, np, sizeof *pp, cmp_pred);
                score_doc(&map[0], dp, nd, gdoc, ngdoc, 0, NULL, doc);
                score_doc(&map[1], dp, nd, gdoc, ngdoc, 4, NULL, doc);
                score_doc(&map[2], pp, np, pdoc, npdoc, 0, NULL, doc);
                score_doc(&map[3], pp, np, pdoc, npdoc, 4, NULL, doc);
                mc_coder_result_free(res);
            }
        }
        free(text);
    }
    closedir(d);
    if (docs_out)
        *docs_out = docs;
    if (bytes_out)
        *bytes_out = bytes;
    if (secs_out)
        *secs_out = (double)(mc__now_ns() - t0) / 1e9;
    return 0;
}

/* ---- learning from the train split ---- */
/* ICD-10-CM codes carry a dot or have 3 characters; PCS gold codes have 4 or 7 and no dot. */
static bool is_cm(const char *code) { return strchr(code, '.') || strlen(code) == 3; }

/* Does a predicted code match a gold code (a 4-character PCS gold matches on its prefix)? */
static bool gold_hit(const char *pc, const char *g)
{
    if (!is_cm(g) && strlen(g) == 4)
        return !strncmp(pc, g, 4);
    return !strcmp(pc, g);
}
/* Does a predicted diagnosis code match a gold one (after cie_norm)? */
static bool dx_hit(const char *g, const char *pc)
{
    char x[16];
    mc__strlcpy(x, pc, sizeof x);
    cie_norm(x);
    return !strcmp(g, x) || gold_header_of(g, x);
}
static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct hent {
    char *key;
    double a, b;
    struct hent *next;
} hent;
typedef struct hmap {
    hent **b;
    size_t nb, n;
} hmap;

static hent *hget(hmap *m, const char *k, bool create)
{
    if (!m->b) {
        if (!m->nb)
            m->nb = 1 << 16;
        m->b = calloc(m->nb, sizeof *m->b);
    }
    size_t h = (size_t)XXH3_64bits(k, strlen(k)) & (m->nb - 1);
    for (hent *e = m->b[h]; e; e = e->next)
        if (!strcmp(e->key, k))
            return e;
    if (!create)
        return NULL;
    hent *e = calloc(1, sizeof *e);
    e->key = strdup(k);
    e->next = m->b[h];
    m->b[h] = e;
    m->n++;
    return e;
}

static void hfree(hmap *m)
{
    for (size_t i = 0; m->b && i < m->nb; i++)
        for (hent *e = m->b[i], *nx; e; e = nx) {
            nx = e->next;
            free(e->key);
            free(e);
        }
    free(m->b);
    memset(m, 0, sizeof *m);
}

/* ---- sentence-aligned phrase learning (trainX.tsv) ----
 * CodiEsp-X gives, for every gold code of a training note, the character
 * offsets of the Spanish words it was assigned from. The English text is a
 * machine translation with one sentence per line, so each Spanish sentence
 * is aligned to English lines by length (Gale and Church 1993: dynamic
 * programming over 1-1, 1-2, 2-1, 1-0, 0-1 groups) and a code annotated in a
 * Spanish sentence is attributed to its English lines. A phrase's precision
 * is then counted per line ("in how many lines containing it was the code
 * annotated"), a far sharper estimate than per note. */
typedef struct xann {
    char doc[64];
    char code[16];
    long start; /* character offset in the Spanish text */
} xann;
static xann *g_x;
static size_t g_nx;

static int cmp_xann(const void *a, const void *b)
{
    return strcmp(((const xann *)a)->doc, ((const xann *)b)->doc);
}

static void load_x(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t cap = 0;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        char *fl[5] = { 0 };
        int nf = 0;
        for (char *q = line; nf < 5;) {
            fl[nf++] = q;
            char *t = strchr(q, '\t');
            if (!t)
                break;
            *t = 0;
            q = t + 1;
        }
        if (nf < 5)
            continue;
        if (g_nx == cap) {
            cap = cap ? 2 * cap : 4096;
            xann *t = realloc(g_x, cap * sizeof *g_x);
            if (!t)
                break;
            g_x = t;
        }
        xann *x = &g_x[g_nx];
        mc__strlcpy(x->doc, fl[0], sizeof x->doc);
        size_t j = 0;
        for (char *p = fl[2]; *p && j + 1 < sizeof x->code; p++)
            x->code[j++] = mc__upper(*p);
        x->code[j] = 0;
        x->start = atol(fl[4]);
        g_nx++;
    }
    fclose(f);
    qsort(g_x, g_nx, sizeof *g_x, cmp_xann);
}

typedef struct range {
    size_t s, e; /* byte range */
} range;

/* Spanish sentences: after . ! ? before an upper-case letter, digit or ¿ ¡; or at line breaks. */
static size_t split_es(const char *t, size_t n, range *out, size_t cap)
{
    size_t k = 0, s = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        bool cut = false;
        size_t next = i + 1;
        if (t[i] == '\n')
            cut = true;
        else if ((t[i] == '.' || t[i] == '!' || t[i] == '?') && i + 2 < n &&
                 (t[i + 1] == ' ' || t[i + 1] == '\t')) {
            size_t j = i + 1;
            while (j < n && (t[j] == ' ' || t[j] == '\t'))
                j++;
            unsigned char c = (unsigned char)t[j];
            cut = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == 0xC2 || c == 0xC3;
            next = j;
        }
        if (cut) {
            if (i + 1 > s + 1)
                out[k++] = (range){ s, i + 1 };
            s = next;
        }
    }
    if (s < n && k < cap)
        out[k++] = (range){ s, n };
    return k;
}

static size_t split_lines(const char *t, size_t n, range *out, size_t cap)
{
    size_t k = 0, s = 0;
    for (size_t i = 0; i <= n && k < cap; i++)
        if (i == n || t[i] == '\n') {
            if (i > s)
                out[k++] = (range){ s, i };
            s = i + 1;
        }
    return k;
}

/*
 * Align Spanish sentences a[0..na) to English lines b[0..nb): for every
 * Spanish sentence the first and last English line (last < first when it
 * has none). Lengths in bytes, scaled by the note's length ratio.
 */
static void align(const range *a, size_t na, const range *b, size_t nb, size_t *first,
                  size_t *last)
{
    double ta = 0, tb = 0;
    for (size_t i = 0; i < na; i++)
        ta += (double)(a[i].e - a[i].s);
    for (size_t j = 0; j < nb; j++)
        tb += (double)(b[j].e - b[j].s);
    double ratio = ta > 0 ? tb / ta : 1;
    size_t w = nb + 1;
    double *cost = malloc((na + 1) * w * sizeof *cost);
    unsigned char *mv = malloc((na + 1) * w);
    if (!cost || !mv) {
        free(cost);
        free(mv);
        for (size_t i = 0; i < na; i++)
            first[i] = 1, last[i] = 0;
        return;
    }
    static const int moves[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 1, 0 }, { 0, 1 }, { 1, 3 }, { 3, 1 } };
    static const double pen[] = { 0, 4, 4, 12, 12, 9, 9 };
    for (size_t i = 0; i <= na; i++)
        for (size_t j = 0; j <= nb; j++) {
            double best = i || j ? 1e300 : 0;
            unsigned char bm = 0;
            for (unsigned char m = 0; m < 7; m++) {
                size_t di = (size_t)moves[m][0], dj = (size_t)moves[m][1];
                if (di > i || dj > j)
                    continue;
                double la = 0, lb = 0;
                for (size_t k = i - di; k < i; k++)
                    la += (double)(a[k].e - a[k].s) * ratio;
                for (size_t k = j - dj; k < j; k++)
                    lb += (double)(b[k].e - b[k].s);
                double d = (la - lb) * (la - lb) / (la + lb + 20) + pen[m] * 10;
                double c = cost[(i - di) * w + (j - dj)] + d;
                if (c < best) {
                    best = c;
                    bm = m;
                }
            }
            cost[i * w + j] = best;
            mv[i * w + j] = bm;
        }
    for (size_t i = na, j = nb; i || j;) {
        unsigned char m = mv[i * w + j];
        size_t di = (size_t)moves[m][0], dj = (size_t)moves[m][1];
        for (size_t k = i - di; k < i; k++) {
            first[k] = j - dj;
            last[k] = dj ? j - 1 : 0;
            if (!dj)
                first[k] = 1, last[k] = 0;
        }
        i -= di;
        j -= dj;
    }
    free(cost);
    free(mv);
}

/* Byte offset of character offset ch in UTF-8 text t. */
static size_t byte_at(const char *t, size_t n, long ch)
{
    size_t i = 0;
    for (long c = 0; i < n && c < ch; c++) {
        i++;
        while (i < n && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

typedef struct gram_ctx {
    const mc__lex *lx;
    struct sb_stemmer *st;
    char stems[256][48];
    size_t n;
    bool brk[256]; /* a word that is not in the lexicon precedes stem i */
    bool pending_break;
} gram_ctx;

static void on_word_seq(void *ctx, const char *w, size_t n)
{
    gram_ctx *g = ctx;
    if (mc__cac_stopword(w, n))
        return;
    char st[64];
    size_t k = mc__cac_stem(g->st, w, n, st, sizeof st);
    if (!k || k >= 48 || mc__lex_stem_id(g->lx, st, k) == LEX_NONE) {
        g->pending_break = true;
        return;
    }
    if (g->n >= 256)
        return;
    memcpy(g->stems[g->n], st, k + 1);
    g->brk[g->n] = g->pending_break;
    g->pending_break = false;
    g->n++;
}

/* Add the phrases (1-3 consecutive lexicon stems) of one line of text to out. */
static void line_grams(gram_ctx *g, const char *p, size_t n, hmap *out)
{
    g->n = 0;
    g->pending_break = false;
    mc__nlp_words(p, n, on_word_seq, g);
    char key2[200];
    for (size_t i = 0; i < g->n; i++)
        for (size_t len = 1; len <= 3 && i + len <= g->n; len++) {
            if (len > 1 && g->brk[i + len - 1])
                break;
            size_t o = 0;
            for (size_t k = 0; k < len; k++)
                o += (size_t)snprintf(key2 + o, sizeof key2 - o, "%s%s", k ? " " : "",
                                      g->stems[i + k]);
            hget(out, key2, true);
        }
}

/* Count, over the English lines of one training note, phrases (1-3 stems) and codes. */
static void learn_note_aligned(const mc__lex *lx, struct sb_stemmer *st, const char *doc,
                               const char *es, size_t nes, const char *en, size_t nen,
                               hmap *gram, hmap *pair, hmap *codelines, hmap *pair2)
{
    static range a[4096], b[4096];
    static size_t first[4096], last[4096];
    size_t na = split_es(es, nes, a, 4096), nb = split_lines(en, nen, b, 4096);
    align(a, na, b, nb, first, last);
    /* codes per English line */
    xann key;
    mc__strlcpy(key.doc, doc, sizeof key.doc);
    xann *x = bsearch(&key, g_x, g_nx, sizeof key, cmp_xann);
    if (!x)
        return;
    while (x > g_x && !strcmp(x[-1].doc, doc))
        x--;
    size_t nxd = 0;
    while (x + nxd < g_x + g_nx && !strcmp(x[nxd].doc, doc))
        nxd++;
    gram_ctx *g = calloc(1, sizeof *g);
    if (!g)
        return;
    g->lx = lx;
    g->st = st;
    for (size_t j = 0; j < nb; j++) {
        hmap lg = { .nb = 512 };
        line_grams(g, en + b[j].s, b[j].e - b[j].s, &lg);
        /* codes annotated in a Spanish sentence aligned to this line */
        const char *codes[256];
        size_t nc = 0;
        for (size_t k = 0; k < nxd && nc < 256; k++) {
            size_t bo = byte_at(es, nes, x[k].start);
            size_t si = 0;
            while (si + 1 < na && a[si + 1].s <= bo)
                si++;
            if (!na || first[si] > last[si] || j < first[si] || j > last[si])
                continue;
            bool dup = false;
            for (size_t q = 0; q < nc && !dup; q++)
                dup = !strcmp(codes[q], x[k].code);
            if (!dup)
                codes[nc++] = x[k].code;
        }
        if (!pair2) {
            /* pass 1: co-occurrence of phrases and codes in lines */
            for (size_t q = 0; q < nc; q++)
                hget(codelines, codes[q], true)->a++;
            for (size_t hb = 0; lg.b && hb < lg.nb; hb++)
                for (hent *e = lg.b[hb]; e; e = e->next) {
                    hget(gram, e->key, true)->a++;
                    for (size_t q = 0; q < nc; q++) {
                        char pk[256];
                        snprintf(pk, sizeof pk, "%s\t%s", codes[q], e->key);
                        hget(pair, pk, true)->a++;
                    }
                }
        } else {
            /*
             * pass 2 (competitive linking, Melamed 2000): a code of the line is
             * credited only to the phrases of the line most associated with it
             * (Dice coefficient within 60% of the line's best), so that "type 2
             * diabetes" in "hypertension and type 2 diabetes" does not become a
             * phrase for hypertension.
             */
            for (size_t q = 0; q < nc; q++) {
                hent *cl = hget(codelines, codes[q], false);
                double best = 0;
                for (int round = 0; round < 2; round++)
                    for (size_t hb = 0; lg.b && hb < lg.nb; hb++)
                        for (hent *e = lg.b[hb]; e; e = e->next) {
                            char pk[256];
                            snprintf(pk, sizeof pk, "%s\t%s", codes[q], e->key);
                            hent *pe = hget(pair, pk, false);
                            hent *ge = hget(gram, e->key, false);
                            if (!pe || !ge || !cl)
                                continue;
                            double dice = 2 * pe->a / (cl->a + ge->a);
                            if (!round && dice > best)
                                best = dice;
                            else if (round && dice >= 0.6 * best)
                                hget(pair2, pk, true)->a++;
                        }
            }
        }
        hfree(&lg);
    }
    free(g);
}

typedef struct scored {
    float conf;
    bool hit;
} scored;

static int cmp_scored(const void *a, const void *b)
{
    float x = ((const scored *)a)->conf, y = ((const scored *)b)->conf;
    return x > y ? -1 : x < y;
}

/* Held-out candidates of the cross-validation folds (confidence, right?) */
static scored *g_ho;
static size_t g_nho, g_cap_ho;
static double g_ho_gold;

static void ho_add(float conf, bool hit)
{
    if (g_nho == g_cap_ho) {
        size_t nc = g_cap_ho ? 2 * g_cap_ho : 4096;
        scored *t = realloc(g_ho, nc * sizeof *t);
        if (!t)
            return;
        g_ho = t;
        g_cap_ho = nc;
    }
    g_ho[g_nho].conf = conf;
    g_ho[g_nho++].hit = hit;
}

/* The confidence cut with the best micro F1 over g_ho; its F1 in *f1. */
static float ho_threshold(double *f1)
{
    qsort(g_ho, g_nho, sizeof *g_ho, cmp_scored);
    double tp = 0, best_f = 0;
    float best_t = 0;
    for (size_t i = 0; i < g_nho; i++) {
        tp += g_ho[i].hit;
        double p = tp / (double)(i + 1), r = g_ho_gold > 0 ? tp / g_ho_gold : 0;
        double f = p + r ? 2 * p * r / (p + r) : 0;
        if (f > best_f && (i + 1 == g_nho || g_ho[i + 1].conf < g_ho[i].conf)) {
            best_f = f;
            best_t = g_ho[i].conf;
        }
    }
    *f1 = best_f;
    printf("model: held-out candidates %zu, recall of all candidates %.3f\n", g_nho,
           g_ho_gold > 0 ? tp / g_ho_gold : 0);
    return best_t;
}

/*
 * Learn a model from the train split (without the notes of held-out fold
 * `fold` of `nfolds` when nfolds > 1) and write it to out_path:
 *  1. run the coder (lexicon and rules only) over every training note and
 *     count, per code it gives, how often the gold has it (W lines), and
 *     which sibling of a code it missed the gold had instead (R lines);
 *  2. phrases (learn_note_aligned): two passes over the notes aligned to
 *     their CodiEsp-X annotations; a phrase is kept for a code when it was
 *     credited with it in >= kmin lines at line precision >= rmin, and its
 *     prior is counted over notes (L lines);
 *  3. run again with the model and choose the confidence threshold that
 *     maximises micro F1 on the training notes (T line; main() replaces it
 *     by the cross-validated one). With nfolds > 1 the held-out fold's
 *     candidates are added to g_ho and their micro F1 written to heldout_f1.
 */
static int train_model(const char *dir, const mc_coder *c, const gold *td, size_t ntd,
                       const char *out_path, int fold, int nfolds, double kmin, double rmin,
                       double *heldout_f1)
{
    char path[1024], fp[2048];
    snprintf(path, sizeof path, "%s/train/text_files_en", dir);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    hmap cal = { 0 }, gram = { 0 }, pair = { 0 }, codelines = { 0 }, linked = { 0 },
         subst = { 0 };
    struct sb_stemmer *st = sb_stemmer_new("english", NULL);
    mc_coder_opts o = { 0 };
    o.setting = MC_SETTING_INPATIENT;
    o.all_mentions = true;
    struct dirent *de;
    char **names = NULL;
    size_t nn = 0;
    while ((de = readdir(d))) {
        size_t ln = strlen(de->d_name);
        if (ln < 5 || strcmp(de->d_name + ln - 4, ".txt"))
            continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_name);
#define CV_FOLDS 5
#define HELD_OUT(di) (nfolds > 1 && (int)((di) % (size_t)nfolds) == fold)
    for (size_t di = 0; di < nn; di++) {
        if (HELD_OUT(di))
            continue;
        char doc[64];
        snprintf(doc, sizeof doc, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
        snprintf(fp, sizeof fp, "%s/%s", path, names[di]);
        char *text;
        size_t n;
        if (mc__read_file(fp, 0, &text, &n, NULL))
            continue;
        gold g[256];
        size_t ng = 0;
        for (size_t i = 0; i < ntd && ng < 256; i++)
            if (!strcmp(td[i].doc, doc))
                g[ng++] = td[i];
        mc_coder_result *res = NULL;
        mc_diag diag = { 0 };
        if (mc_coder_run(c, text, n, &o, &res, &diag) == MC_OK) {
            for (uint32_t i = 0; i < res->n_diagnoses; i++) {
                const char *pc = res->diagnoses[i].code;
                bool hit = false;
                for (size_t j = 0; j < ng && !hit; j++)
                    hit = dx_hit(g[j].code, pc);
                hent *e = hget(&cal, pc, true);
                if (hit)
                    e->a++;
                else
                    e->b++;
                /* a miss beside a gold sibling the coder did not give: a rewrite candidate */
                for (size_t j = 0; j < ng && !hit; j++) {
                    if (!is_cm(g[j].code) || strncmp(g[j].code, pc, 3))
                        continue;
                    bool given = false;
                    for (uint32_t k = 0; k < res->n_diagnoses && !given; k++)
                        given = dx_hit(g[j].code, res->diagnoses[k].code);
                    bool dup = false;
                    for (size_t k = 0; k < j && !dup; k++)
                        dup = !strcmp(g[k].code, g[j].code);
                    if (given || dup)
                        continue;
                    char key[64];
                    snprintf(key, sizeof key, "%s\t%s", pc, g[j].code);
                    hget(&subst, key, true)->a++;
                }
            }
            for (uint32_t i = 0; i < res->n_procedures; i++) {
                bool hit = false;
                for (size_t j = 0; j < ng && !hit; j++)
                    hit = !is_cm(g[j].code) && gold_hit(res->procedures[i].code, g[j].code);
                hent *e = hget(&cal, res->procedures[i].code, true);
                if (hit)
                    e->a++;
                else
                    e->b++;
            }
            mc_coder_result_free(res);
        }
        /* pass 1 of the phrase learning (without CodiEsp-X annotations: none) */
        char esp[2048];
        snprintf(esp, sizeof esp, "%s/train/text_files/%s", dir, names[di]);
        char *es;
        size_t nes;
        if (g_nx && mc__read_file(esp, 0, &es, &nes, NULL) == 0) {
            learn_note_aligned(c->lex, st, doc, es, nes, text, n, &gram, &pair, &codelines,
                               NULL);
            free(es);
        }
        free(text);
    }
    if (g_nx) {
        /* pass 2 over the notes: credit each annotated code to its phrases */
        for (size_t di = 0; di < nn; di++) {
            if (HELD_OUT(di))
                continue;
            char doc[64];
            snprintf(doc, sizeof doc, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
            char esp[2048];
            snprintf(fp, sizeof fp, "%s/%s", path, names[di]);
            snprintf(esp, sizeof esp, "%s/train/text_files/%s", dir, names[di]);
            char *text, *es;
            size_t n, nes;
            if (mc__read_file(fp, 0, &text, &n, NULL))
                continue;
            if (mc__read_file(esp, 0, &es, &nes, NULL) == 0) {
                learn_note_aligned(c->lex, st, doc, es, nes, text, n, &gram, &pair, &codelines,
                                   &linked);
                free(es);
            }
            free(text);
        }
    }
    FILE *f = fopen(out_path, "w");
    if (!f) {
        mc__mkdirs("build/coder", NULL);
        f = fopen(out_path, "w");
    }
    if (!f)
        return -1;
    fprintf(f, "# medcode coder model learned from CodiEsp train (%zu notes)\n", nn);
    double all_tp = 0, all_fp = 0;
    for (size_t b = 0; b < cal.nb; b++)
        for (hent *e = cal.b[b]; e; e = e->next) {
            fprintf(f, "W\t%s\t%.0f\t%.0f\n", e->key, e->a, e->b);
            all_tp += e->a;
            all_fp += e->b;
        }
    /* rewrites: the sibling the training notes had more often than the code given */
    size_t n_r = 0;
    for (size_t b = 0; subst.b && b < subst.nb; b++)
        for (hent *e = subst.b[b]; e; e = e->next) {
            char from[32];
            const char *to = strchr(e->key, '\t') + 1;
            snprintf(from, sizeof from, "%.*s", (int)(to - 1 - e->key), e->key);
            hent *ce = hget(&cal, from, false);
            if (!ce || e->a < 2 || e->a <= ce->a || getenv("CODIESP_NO_R"))
                continue;
            bool best = true; /* the most frequent sibling only */
            for (size_t b2 = 0; subst.b && b2 < subst.nb && best; b2++)
                for (hent *oe = subst.b[b2]; oe && best; oe = oe->next)
                    if (oe != e && !strncmp(oe->key, e->key, (size_t)(to - e->key)) &&
                        (oe->a > e->a || (oe->a == e->a && strcmp(oe->key, e->key) < 0)))
                        best = false;
            if (!best)
                continue;
            fprintf(f, "R\t%s\t%s\t%.0f\t%.0f\n", from, to, e->a, ce->a + ce->b);
            n_r++;
        }
    printf("model: %zu code rewrites\n", n_r);
    fprintf(f, "D\t%.4f\n", all_tp / (all_tp + all_fp + 1));
    size_t n_l = 0;
    hmap *pairs = &linked;
    hmap sel = { 0 }, selg = { 0 };
    for (size_t b = 0; pairs->b && b < pairs->nb; b++)
        for (hent *e = pairs->b[b]; e; e = e->next) {
            if (e->a < kmin || getenv("CODIESP_NO_L"))
                continue;
            const char *g = strchr(e->key, '\t') + 1;
            hent *ge = hget(&gram, g, false);
            if (!ge || e->a / ge->a < rmin)
                continue;
            hget(&sel, e->key, true);
            hget(&selg, g, true);
        }
    if (g_nx) {
        /*
         * A phrase chosen on lines is scored on notes: the prior written is the
         * share of training notes containing the phrase whose gold has the code
         * (the unit a note's codes are judged in), not the share of lines.
         */
        gram_ctx *gc = calloc(1, sizeof *gc);
        for (size_t di = 0; gc && di < nn; di++) {
            if (HELD_OUT(di))
                continue;
            char doc[64];
            snprintf(doc, sizeof doc, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
            snprintf(fp, sizeof fp, "%s/%s", path, names[di]);
            char *text;
            size_t n;
            if (mc__read_file(fp, 0, &text, &n, NULL))
                continue;
            gc->lx = c->lex;
            gc->st = st;
            hmap ng = { .nb = 4096 };
            for (char *line = text; line < text + n;) {
                char *nl = memchr(line, '\n', (size_t)(text + n - line));
                size_t len = nl ? (size_t)(nl - line) : (size_t)(text + n - line);
                line_grams(gc, line, len, &ng);
                line = nl ? nl + 1 : text + n;
            }
            for (size_t hb = 0; ng.b && hb < ng.nb; hb++)
                for (hent *e = ng.b[hb]; e; e = e->next) {
                    hent *sg = hget(&selg, e->key, false);
                    if (!sg)
                        continue;
                    sg->a++;
                    for (size_t i = 0; i < ntd; i++) {
                        if (strcmp(td[i].doc, doc))
                            continue;
                        bool dup = false;
                        for (size_t j = i; j > 0 && !strcmp(td[j - 1].doc, doc) && !dup; j--)
                            dup = !strcmp(td[j - 1].code, td[i].code);
                        char key[256];
                        snprintf(key, sizeof key, "%s\t%s", td[i].code, e->key);
                        hent *se = dup ? NULL : hget(&sel, key, false);
                        if (se)
                            se->a++;
                    }
                }
            hfree(&ng);
            free(text);
        }
        free(gc);
        for (size_t b = 0; sel.b && b < sel.nb; b++)
            for (hent *e = sel.b[b]; e; e = e->next) {
                const char *g = strchr(e->key, '\t') + 1;
                hent *sg = hget(&selg, g, false);
                if (!sg || !sg->a)
                    continue;
                fprintf(f, "L\t%.*s\t%.0f\t%.0f\t%s\n", (int)(g - 1 - e->key), e->key, e->a,
                        sg->a, g);
                n_l++;
            }
    }
    hfree(&sel);
    hfree(&selg);
    fclose(f);
    printf("model: %zu calibrated codes, %zu learned phrases\n", cal.n, n_l);
    /* 3: threshold */
    mc_coder_model *md = NULL;
    mc_diag diag = { 0 };
    if (mc_coder_model_load(c, out_path, &md, &diag) == MC_OK) {
        md->threshold = 0;
        o.model = md;
        o.min_confidence = 0.0001f;
        size_t cap = 1 << 16, ns = 0, total_gold = 0;
        scored *sv = malloc(cap * sizeof *sv);
        for (size_t di = 0; di < nn; di++) {
            if (HELD_OUT(di))
                continue;
            char doc[64];
            snprintf(doc, sizeof doc, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
            snprintf(fp, sizeof fp, "%s/%s", path, names[di]);
            char *text;
            size_t n;
            if (mc__read_file(fp, 0, &text, &n, NULL))
                continue;
            gold g[256];
            size_t ng = 0;
            for (size_t i = 0; i < ntd && ng < 256; i++)
                if (!strcmp(td[i].doc, doc) && is_cm(td[i].code)) {
                    bool dup = false;
                    for (size_t k = 0; k < ng && !dup; k++)
                        dup = !strcmp(g[k].code, td[i].code);
                    if (!dup)
                        g[ng++] = td[i];
                }
            total_gold += ng;
            mc_coder_result *res = NULL;
            if (mc_coder_run(c, text, n, &o, &res, &diag) == MC_OK) {
                for (uint32_t i = 0; i < res->n_diagnoses; i++) {
                    bool hit = false;
                    for (size_t j = 0; j < ng && !hit; j++)
                        hit = dx_hit(g[j].code, res->diagnoses[i].code);
                    if (ns == cap) {
                        cap *= 2;
                        sv = realloc(sv, cap * sizeof *sv);
                    }
                    sv[ns].conf = res->diagnoses[i].confidence;
                    sv[ns++].hit = hit;
                }
                mc_coder_result_free(res);
            }
            free(text);
        }
        qsort(sv, ns, sizeof *sv, cmp_scored);
        double tp = 0, best_f = 0;
        float best_t = 0;
        for (size_t i = 0; i < ns; i++) {
            tp += sv[i].hit;
            double p = tp / (double)(i + 1), r = tp / (double)total_gold;
            double f1 = p + r ? 2 * p * r / (p + r) : 0;
            if (f1 > best_f && (i + 1 == ns || sv[i + 1].conf < sv[i].conf)) {
                best_f = f1;
                best_t = sv[i].conf;
            }
        }
        free(sv);
        mc_coder_model_free(md);
        f = fopen(out_path, "a");
        if (f) {
            fprintf(f, "T\t%.4f\n", (double)best_t);
            fclose(f);
        }
        if (nfolds <= 1)
            printf("model: threshold %.3f (train micro F1 %.3f)\n", (double)best_t, best_f);
    }
    /* held-out fold: micro F1 of the model with its threshold */
    if (nfolds > 1 && heldout_f1 && mc_coder_model_load(c, out_path, &md, &diag) == MC_OK) {
        mc_coder_opts oe = { 0 };
        oe.setting = MC_SETTING_INPATIENT;
        oe.all_mentions = true;
        oe.model = md;
        oe.min_confidence = 0.0001f; /* every candidate, for the held-out threshold */
        double tp = 0, np = 0, ng_all = 0;
        for (size_t di = 0; di < nn; di++) {
            if (!HELD_OUT(di))
                continue;
            char doc[64];
            snprintf(doc, sizeof doc, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
            snprintf(fp, sizeof fp, "%s/%s", path, names[di]);
            char *text;
            size_t n;
            if (mc__read_file(fp, 0, &text, &n, NULL))
                continue;
            gold g[256];
            size_t ng = 0;
            for (size_t i = 0; i < ntd && ng < 256; i++)
                if (!strcmp(td[i].doc, doc) && is_cm(td[i].code)) {
                    bool dup = false;
                    for (size_t k = 0; k < ng && !dup; k++)
                        dup = !strcmp(g[k].code, td[i].code);
                    if (!dup)
                        g[ng++] = td[i];
                }
            ng_all += (double)ng;
            g_ho_gold += (double)ng;
            mc_coder_result *res = NULL;
            if (mc_coder_run(c, text, n, &oe, &res, &diag) == MC_OK) {
                for (uint32_t i = 0; i < res->n_diagnoses; i++) {
                    bool hit = false;
                    for (size_t j = 0; j < ng && !hit; j++)
                        hit = dx_hit(g[j].code, res->diagnoses[i].code);
                    ho_add(res->diagnoses[i].confidence, hit);
                    if (res->diagnoses[i].confidence < md->threshold)
                        continue;
                    tp += hit;
                    np++;
                }
                mc_coder_result_free(res);
            }
            free(text);
        }
        double p = np ? tp / np : 0, rc = ng_all ? tp / ng_all : 0;
        *heldout_f1 = p + rc ? 2 * p * rc / (p + rc) : 0;
        mc_coder_model_free(md);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    sb_stemmer_delete(st);
    hfree(&cal);
    hfree(&gram);
    hfree(&pair);
    hfree(&codelines);
    hfree(&linked);
    hfree(&subst);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("CODIESP_DIR");
    if (!dir)
        dir = "../shared/bench/codiesp/final_dataset_v4_to_publish";
    const char *split = getenv("CODIESP_SPLIT");
    if (!split)
        split = "dev";
    char path[1024];
    gold *gd = NULL, *gp = NULL, *td = NULL;
    size_t ngd = 0, ngp = 0, ntd = 0;
    snprintf(path, sizeof path, "%s/%s/%sD.tsv", dir, split, split);
    if (load_tsv(path, &gd, &ngd)) {
        fprintf(stderr, "bench_codiesp: cannot read %s (set CODIESP_DIR)\n", path);
        return 0; /* no benchmark data: nothing to report */
    }
    snprintf(path, sizeof path, "%s/%s/%sP.tsv", dir, split, split);
    load_tsv(path, &gp, &ngp);
    snprintf(path, sizeof path, "%s/train/trainD.tsv", dir);
    load_tsv(path, &td, &ntd);
    snprintf(path, sizeof path, "%s/train/trainX.tsv", dir);
    if (!getenv("CODIESP_NO_X"))
        load_x(path);
    /* the model learns from both: diagnoses (trainD) and procedures (trainP) */
    gold *tall = NULL, *tpg = NULL;
    size_t nall = 0, ntp = 0;
    snprintf(path, sizeof path, "%s/train/trainP.tsv", dir);
    load_tsv(path, &tpg, &ntp);
    tall = malloc((ntd + ntp + 1) * sizeof *tall);
    if (tall) {
        memcpy(tall, td, ntd * sizeof *td);
        if (ntp)
            memcpy(tall + ntd, tpg, ntp * sizeof *tpg);
        nall = ntd + ntp;
        /* grouped by document, as the learner expects */
        qsort(tall, nall, sizeof *tall, cmp_gold);
    }

    const char *bdir = mc_bundle_dir();
    /*
     * CodiEsp was coded with the 2018-2019 edition: the oldest code set we
     * have (FY2021) is the closest (FY2022 split R05, M54.5 and added F32.A).
     */
    int year = getenv("CODIESP_YEAR") ? atoi(getenv("CODIESP_YEAR")) : 2021;
    char probe[1024];
    mc_bundle_path(bdir, year, probe, sizeof probe);
    if (!mc__file_exists(probe) && mc_bundle_latest_year(bdir, &year)) {
        fprintf(stderr, "bench_codiesp: no bundle in %s\n", bdir);
        return 1;
    }
    char bpath[1024];
    mc_bundle_path(bdir, year, bpath, sizeof bpath);
    mc_bundle *b;
    mc_coder *c;
    mc_diag diag = { 0 };
    if (mc_bundle_open(bpath, &b, &diag) || mc_coder_open(b, &c, &diag)) {
        fprintf(stderr, "bench_codiesp: %s\n", diag.msg);
        return 1;
    }
    g_lex = c->lex;
    g_strict = getenv("CODIESP_STRICT") != NULL;
    /* learn from train: calibration, phrases, threshold; then score the split */
    const char *model_path = getenv("CODIESP_MODEL");
    if (!model_path)
        model_path = "build/coder/codiesp.model";
    mc_coder_model *model = NULL;
    double cv_kmin = 0, cv_rmin = 0, cv_f1 = 0;
    if (!getenv("CODIESP_NO_MODEL")) {
        uint64_t tl = mc__now_ns();
        /*
         * Phrase-learning parameters (minimum notes, minimum precision) chosen by
         * CV_FOLDS-fold cross-validation inside the train split; dev is never looked at.
         */
        static const double grid[][2] = { { 3, 0.3 }, { 3, 0.5 }, { 4, 0.5 }, { 5, 0.6 } };
        double best_f = -1, kmin = 5, rmin = 0.6;
        char cv_path[1100];
        snprintf(cv_path, sizeof cv_path, "%s.cv", model_path);
        float cv_t = 0;
        for (size_t gi = 0; gi < sizeof grid / sizeof grid[0]; gi++) {
            g_nho = 0;
            g_ho_gold = 0;
            for (int fold = 0; fold < CV_FOLDS; fold++) {
                double ff = 0;
                train_model(dir, c, tall, nall, cv_path, fold, CV_FOLDS, grid[gi][0], grid[gi][1],
                            &ff);
            }
            /* the threshold is chosen on the held-out folds too */
            double f = 0;
            float t = ho_threshold(&f);
            printf("model: cross-validation on train: phrases in >= %.0f lines, precision >= "
                   "%.1f: held-out F1 %.3f at confidence >= %.3f\n",
                   grid[gi][0], grid[gi][1], f, (double)t);
            if (f > best_f) {
                best_f = f;
                kmin = grid[gi][0];
                rmin = grid[gi][1];
                cv_t = t;
            }
        }
        free(g_ho);
        g_ho = NULL;
        g_nho = g_cap_ho = 0;
        remove(cv_path);
        cv_kmin = kmin;
        cv_rmin = rmin;
        cv_f1 = best_f;
        if (train_model(dir, c, tall, nall, model_path, 0, 1, kmin, rmin, NULL) == 0 &&
            !getenv("CODIESP_TRAIN_T")) {
            /* the cross-validated threshold replaces the one fitted on all of train */
            FILE *mf = fopen(model_path, "a");
            if (mf) {
                fprintf(mf, "T\t%.4f\n", (double)cv_t);
                fclose(mf);
            }
        }
        if (mc__file_exists(model_path) && mc_coder_model_load(c, model_path, &model, &diag) != MC_OK)
            fprintf(stderr, "bench_codiesp: model: %s\n", diag.msg);
        printf("model learned from train in %.1f s: %s\n", (double)(mc__now_ns() - tl) / 1e9,
               model_path);
    }
    score sd = { 0 }, sd4 = { 0 }, sp = { 0 }, sp4 = { 0 }, base = { 0 };
    score nd0 = { 0 };
    pred basep[64];
    size_t nbase = top_codes(td, ntd, basep, 8);
    int docs = 0;
    double bytes = 0, secs = 0;
    FILE *err = getenv("CODIESP_ERRORS") ? fopen(getenv("CODIESP_ERRORS"), "w") : NULL;
    if (model) {
        eval_split(dir, split, c, NULL, gd, ngd, gp, ngp, basep, 0, &nd0, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL);
    }
    score maps[4];
    memset(maps, 0, sizeof maps);
    eval_split(dir, split, c, model, gd, ngd, gp, ngp, basep, nbase, &sd, &sd4, &sp, &sp4, &base,
               err, &docs, &bytes, &secs, maps);
    if (model) {
        /* MAP from the full ranking (no threshold), as CodiEsp ranks */
        sd.ap_sum = maps[0].ap_sum, sd.docs = maps[0].docs;
        sd4.ap_sum = maps[1].ap_sum, sd4.docs = maps[1].docs;
        sp.ap_sum = maps[2].ap_sum, sp.docs = maps[2].docs;
        sp4.ap_sum = maps[3].ap_sum, sp4.docs = maps[3].docs;
    }
    if (err)
        fclose(err);
    score strict = { 0 };
    bool was_strict = g_strict;
    g_strict = true;
    eval_split(dir, split, c, model, gd, ngd, gp, ngp, basep, 0, &strict, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL);
    g_strict = was_strict;
    strict.ap_sum = 0, strict.docs = 0;
    FILE *o_md = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!o_md)
        o_md = stdout;
    fprintf(o_md, "## Coding accuracy: CodiEsp %s (English translation)\n\n", split);
    fprintf(o_md,
            "%d clinical cases, %.0f KB, coded in %.2f s (inpatient setting, annotation mode, FY%d code set). Micro precision, "
            "recall, F1 and MAP against the gold codes. Baseline (same run): the %zu most "
            "frequent training diagnosis codes for every case. Published best results are on "
            "the Spanish text (CodiEsp 2020): D F1 0.687 (P 0.817, R 0.592), MAP 0.593; P F1 "
            "0.522.\n\n",
            docs, bytes / 1024, secs, year, nbase);
    if (model)
        fprintf(o_md,
                "Learned model (train split only): phrases learned from the CodiEsp-X "
                "annotations of train, each Spanish sentence aligned to its English "
                "translation by length (Gale-Church) and codes credited to the phrases most "
                "associated with them (competitive linking), kept when seen with the code in "
                ">= %.0f training lines at precision >= %.1f; per-code calibration; code "
                "rewrites within a category; these settings and the confidence threshold "
                "chosen by %d-fold cross-validation on train (held-out F1 %.3f). CIE-10-ES "
                "reports chapter 19-20 codes without the 7th character: both sides are "
                "compared without it. Gold codes that are only headers in the FY2021 code "
                "set (billable in the corpus's 2018 edition, e.g. R51) match any code under "
                "them; the strict row does without that mapping. MAP ranks every candidate "
                "(no threshold).\n\n",
                cv_kmin, cv_rmin, CV_FOLDS, cv_f1);
    fprintf(o_md, "| task | precision | recall | F1 | MAP |\n|---|---|---|---|---|\n");
    if (model)
        row(o_md, "CodiEsp-D, lexicon and rules only (no learned model)", &nd0);
    row(o_md, "CodiEsp-D (diagnoses, full code)", &sd);
    row(o_md, "CodiEsp-D, strict (no edition mapping)", &strict);
    row(o_md, "CodiEsp-D, 4-character prefix", &sd4);
    row(o_md, "CodiEsp-P (procedures, full code)", &sp);
    row(o_md, "CodiEsp-P, 4-character prefix", &sp4);
    row(o_md, "baseline: most frequent train codes (D)", &base);
    if (o_md != stdout)
        fclose(o_md);
    mc_coder_model_free(model);
    mc_coder_close(c);
    mc_bundle_close(b);
    free(gd);
    free(gp);
    free(td);
    free(tpg);
    free(tall);
    return 0;
}
