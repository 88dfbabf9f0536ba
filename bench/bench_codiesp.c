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
static bool same(const char *a, const char *b, size_t prefix)
{
    if (!prefix)
        return !strcmp(a, b);
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
    fprintf(o, "| %s | %.3f | %.3f | %.3f | %.3f |\n", name, p, r, f,
            s->docs ? s->ap_sum / s->docs : 0);
    printf("%-40s P %.3f R %.3f F1 %.3f MAP %.3f\n", name, p, r, f,
           s->docs ? s->ap_sum / s->docs : 0);
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

typedef struct stem_ctx {
    const mc__lex *lx;
    struct sb_stemmer *st;
    char prev[64];
    hmap *doc;
} stem_ctx;

static void on_word(void *ctx, const char *w, size_t n)
{
    stem_ctx *s = ctx;
    if (mc__cac_stopword(w, n))
        return;
    char st[64];
    size_t k = mc__cac_stem(s->st, w, n, st, sizeof st);
    if (!k || mc__lex_stem_id(s->lx, st, k) == LEX_NONE) {
        s->prev[0] = 0;
        return;
    }
    hget(s->doc, st, true);
    if (s->prev[0]) {
        char bg[130];
        snprintf(bg, sizeof bg, "%s %s", s->prev, st);
        hget(s->doc, bg, true);
    }
    mc__strlcpy(s->prev, st, sizeof s->prev);
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

/*
 * Learn a model from the train split and write it to out_path:
 *  1. run the coder (lexicon and rules only) over every training note and
 *     count, per code it gives, how often the gold has it (W lines);
 *  2. phrases: count, over training notes, each unigram and bigram of
 *     lexicon stems and each gold code seen in at least 3 notes; keep a
 *     phrase for a code when it occurs with the code in >= 3 notes and in
 *     >= 40% of the notes containing it (L lines);
 *  3. run again with the model and choose the confidence threshold that
 *     maximises micro F1 on train (T line).
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
    hmap cal = { 0 }, gram = { 0 }, pair = { 0 }, codedf = { 0 };
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
#define HELD_OUT(di) (nfolds > 1 && (int)((di) % (size_t)nfolds) == fold)
    for (size_t di = 0; di < nn; di++) {
        if (HELD_OUT(di))
            continue;
        char doc0[64];
        snprintf(doc0, sizeof doc0, "%.*s", (int)(strlen(names[di]) - 4), names[di]);
        for (size_t i = 0; i < ntd; i++) {
            if (strcmp(td[i].doc, doc0))
                continue;
            bool dup = false;
            for (size_t j = i; j > 0 && !strcmp(td[j - 1].doc, td[i].doc) && !dup; j--)
                dup = !strcmp(td[j - 1].code, td[i].code);
            if (!dup)
                hget(&codedf, td[i].code, true)->a++;
        }
    }
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
                bool hit = false;
                for (size_t j = 0; j < ng && !hit; j++)
                    hit = !strcmp(g[j].code, res->diagnoses[i].code);
                hent *e = hget(&cal, res->diagnoses[i].code, true);
                if (hit)
                    e->a++;
                else
                    e->b++;
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
        /* phrases of this note */
        hmap docg = { 0 };
        stem_ctx sc = { c->lex, st, "", &docg };
        char *line = text;
        while (line < text + n) {
            char *nl = memchr(line, '\n', (size_t)(text + n - line));
            size_t len = nl ? (size_t)(nl - line) : (size_t)(text + n - line);
            sc.prev[0] = 0;
            mc__nlp_words(line, len, on_word, &sc);
            line = nl ? nl + 1 : text + n;
        }
        for (size_t b = 0; b < docg.nb; b++)
            for (hent *e = docg.b[b]; e; e = e->next) {
                hget(&gram, e->key, true)->a++;
                for (size_t j = 0; j < ng; j++) {
                    bool dup = false;
                    for (size_t k = 0; k < j && !dup; k++)
                        dup = !strcmp(g[k].code, g[j].code);
                    hent *cd = hget(&codedf, g[j].code, false);
                    if (dup || !cd || cd->a < 3)
                        continue;
                    char key[256];
                    snprintf(key, sizeof key, "%s\t%s", g[j].code, e->key);
                    hget(&pair, key, true)->a++;
                }
            }
        hfree(&docg);
        free(text);
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
    if (!getenv("NO_D"))
        fprintf(f, "D\t%.4f\n", all_tp / (all_tp + all_fp + 1) * (getenv("D_F") ? atof(getenv("D_F")) : 1.0));
    size_t n_l = 0;
    for (size_t b = 0; b < pair.nb; b++)
        for (hent *e = pair.b[b]; e; e = e->next) {
            if (e->a < kmin || getenv("CODIESP_NO_L"))
                continue;
            const char *g = strchr(e->key, '\t') + 1;
            hent *ge = hget(&gram, g, false);
            if (!ge || e->a / ge->a < rmin)
                continue;
            fprintf(f, "L\t%.*s\t%.0f\t%.0f\t%s\n", (int)(g - 1 - e->key), e->key, e->a, ge->a, g);
            n_l++;
        }
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
                        hit = !strcmp(g[j].code, res->diagnoses[i].code);
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
            mc_coder_result *res = NULL;
            if (mc_coder_run(c, text, n, &oe, &res, &diag) == MC_OK) {
                for (uint32_t i = 0; i < res->n_diagnoses; i++) {
                    bool hit = false;
                    for (size_t j = 0; j < ng && !hit; j++)
                        hit = !strcmp(g[j].code, res->diagnoses[i].code);
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
    hfree(&codedf);
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
         * 2-fold cross-validation inside the train split; dev is never looked at.
         */
        static const double grid[][2] = { { 3, 0.4 }, { 4, 0.5 }, { 5, 0.6 }, { 6, 0.7 }, { 8, 0.8 } };
        double best_f = -1, kmin = 5, rmin = 0.6;
        char cv_path[1100];
        snprintf(cv_path, sizeof cv_path, "%s.cv", model_path);
        for (size_t gi = 0; gi < sizeof grid / sizeof grid[0]; gi++) {
            double f = 0;
            for (int fold = 0; fold < 2; fold++) {
                double ff = 0;
                train_model(dir, c, tall, nall, cv_path, fold, 2, grid[gi][0], grid[gi][1], &ff);
                f += ff / 2;
            }
            printf("model: cross-validation on train: phrases in >= %.0f notes, precision >= "
                   "%.1f: held-out F1 %.3f\n",
                   grid[gi][0], grid[gi][1], f);
            if (f > best_f) {
                best_f = f;
                kmin = grid[gi][0];
                rmin = grid[gi][1];
            }
        }
        remove(cv_path);
        cv_kmin = kmin;
        cv_rmin = rmin;
        cv_f1 = best_f;
        if (train_model(dir, c, tall, nall, model_path, 0, 1, kmin, rmin, NULL) == 0 &&
            mc_coder_model_load(c, model_path, &model, &diag) != MC_OK)
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
                "Learned model (train split only): per-code calibration, phrases kept when seen "
                "with the code in >= %.0f training notes at precision >= %.1f (chosen by 2-fold "
                "cross-validation on train, held-out F1 %.3f), confidence threshold chosen on "
                "train. MAP ranks every candidate (no threshold).\n\n",
                cv_kmin, cv_rmin, cv_f1);
    fprintf(o_md, "| task | precision | recall | F1 | MAP |\n|---|---|---|---|---|\n");
    if (model)
        row(o_md, "CodiEsp-D, lexicon and rules only (no learned model)", &nd0);
    row(o_md, "CodiEsp-D (diagnoses, full code)", &sd);
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
