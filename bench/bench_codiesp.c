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
#include "medcode/coder.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

    const char *bdir = mc_bundle_dir();
    int year = 0;
    if (mc_bundle_latest_year(bdir, &year)) {
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
    FILE *err = getenv("CODIESP_ERRORS") ? fopen(getenv("CODIESP_ERRORS"), "w") : NULL;
    snprintf(path, sizeof path, "%s/%s/text_files_en", dir, split);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "bench_codiesp: cannot open %s\n", path);
        return 1;
    }
    score sd = { 0 }, sd4 = { 0 }, sp = { 0 }, sp4 = { 0 }, base = { 0 };
    pred basep[64];
    size_t nbase = top_codes(td, ntd, basep, 8);
    mc_coder_opts o = { 0 };
    o.setting = MC_SETTING_INPATIENT;
    o.all_mentions = getenv("MC_AM") != NULL;
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
        /* gold of this document */
        gold gdoc[256], pdoc[256];
        size_t ngdoc = 0, npdoc = 0;
        for (size_t i = 0; i < ngd && ngdoc < 256; i++)
            if (!strcmp(gd[i].doc, doc))
                gdoc[ngdoc++] = gd[i];
        for (size_t i = 0; i < ngp && npdoc < 256; i++)
            if (!strcmp(gp[i].doc, doc))
                pdoc[npdoc++] = gp[i];
        score_doc(&sd, dp, nd, gdoc, ngdoc, 0, err, doc);
        score_doc(&sd4, dp, nd, gdoc, ngdoc, 4, NULL, doc);
        score_doc(&sp, pp, np, pdoc, npdoc, 0, NULL, doc);
        score_doc(&sp4, pp, np, pdoc, npdoc, 4, NULL, doc);
        score_doc(&base, basep, nbase, gdoc, ngdoc, 0, NULL, doc);
        mc_coder_result_free(res);
        free(text);
    }
    double secs = (double)(mc__now_ns() - t0) / 1e9;
    closedir(d);
    if (err)
        fclose(err);
    FILE *o_md = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!o_md)
        o_md = stdout;
    fprintf(o_md, "## Coding accuracy: CodiEsp %s (English translation)\n\n", split);
    fprintf(o_md,
            "%d clinical cases, %.0f KB, coded in %.2f s (inpatient setting). Micro precision, "
            "recall, F1 and MAP against the gold codes. Baseline (same run): the %zu most "
            "frequent training diagnosis codes for every case. Published best results are on "
            "the Spanish text (CodiEsp 2020): D F1 0.687 (P 0.817, R 0.592), MAP 0.593; P F1 "
            "0.522.\n\n",
            docs, bytes / 1024, secs, nbase);
    fprintf(o_md, "| task | precision | recall | F1 | MAP |\n|---|---|---|---|---|\n");
    row(o_md, "CodiEsp-D (diagnoses, full code)", &sd);
    row(o_md, "CodiEsp-D, 4-character prefix", &sd4);
    row(o_md, "CodiEsp-P (procedures, full code)", &sp);
    row(o_md, "CodiEsp-P, 4-character prefix", &sp4);
    row(o_md, "baseline: most frequent train codes (D)", &base);
    if (o_md != stdout)
        fclose(o_md);
    mc_coder_close(c);
    mc_bundle_close(b);
    free(gd);
    free(gp);
    free(td);
    return 0;
}
