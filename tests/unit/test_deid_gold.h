/*
 * Gold-set scorer for the de-identification tests (included by test_deid.c).
 *
 * Each the tests/golden/deid notes note marks its identifiers inline as
 * [[TYPE|text]]; the scorer strips the markup into plain text plus gold spans,
 * runs the detector and counts, per type:
 *   recall    = gold spans whose letters and digits are all inside detected
 *               spans (of any type: a redaction under the wrong label still
 *               removes the identifier), over all gold spans of the type;
 *   typed     = the same, counting only detections of the gold type;
 *   precision = detected spans that overlap a gold span, over all detected
 *               spans of the type.
 * Set MEDCODE_DEID_MISSES=1 to print the missed and spurious spans (the
 * notes are synthetic).
 */
#include <ctype.h>

#define GOLD_DIR "tests/golden/deid"
#define GOLD_MAX_SPANS 512

typedef struct gold_span {
    uint32_t s, e;
    int type;
} gold_span;

/* Strip [[TYPE|text]] markup from src into out; returns the number of spans or -1. */
static int gold_parse(const char *src, char *out, size_t *out_n, gold_span *g, int cap)
{
    size_t k = 0;
    int ng = 0;
    for (const char *p = src; *p;) {
        if (p[0] == '[' && p[1] == '[') {
            const char *bar = strchr(p, '|'), *end = strstr(p, "]]");
            if (!bar || !end || bar > end || ng == cap)
                return -1;
            char tname[32];
            snprintf(tname, sizeof tname, "%.*s", (int)(bar - p - 2), p + 2);
            mc_deid_type t;
            if (mc_deid_type_parse(tname, &t) != MC_OK)
                return -1;
            g[ng].s = (uint32_t)k;
            memcpy(out + k, bar + 1, (size_t)(end - bar - 1));
            k += (size_t)(end - bar - 1);
            g[ng].e = (uint32_t)k;
            g[ng].type = (int)t;
            ng++;
            p = end + 2;
        } else {
            out[k++] = *p++;
        }
    }
    out[k] = 0;
    *out_n = k;
    return ng;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(gold)
{
    DIR *dir = opendir(GOLD_DIR);
    CHECK(dir != NULL);
    char *names[1024];
    int nf = 0;
    struct dirent *de;
    while ((de = readdir(dir)) && nf < 1024) {
        size_t l = strlen(de->d_name);
        if (l > 4 && !strcmp(de->d_name + l - 4, ".txt"))
            names[nf++] = strdup(de->d_name);
    }
    closedir(dir);
    qsort(names, (size_t)nf, sizeof names[0], cmp_name);
    bool verbose = getenv("MEDCODE_DEID_MISSES") != NULL;
    long gold_n[MC_DEID_NTYPES] = { 0 }, gold_hit[MC_DEID_NTYPES] = { 0 },
         gold_typed[MC_DEID_NTYPES] = { 0 }, pred_n[MC_DEID_NTYPES] = { 0 },
         pred_tp[MC_DEID_NTYPES] = { 0 };
    int bad_files = 0;
    for (int f = 0; f < nf; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", GOLD_DIR, names[f]);
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            bad_files++;
            continue;
        }
        static char src[65536], text[65536];
        size_t n = fread(src, 1, sizeof src - 1, fp);
        fclose(fp);
        src[n] = 0;
        gold_span g[GOLD_MAX_SPANS];
        size_t tn;
        int ng = gold_parse(src, text, &tn, g, GOLD_MAX_SPANS);
        if (ng < 0) {
            FAILF("%s: bad markup", path);
            bad_files++;
            continue;
        }
        mc_deid_opts o = { MC_DEID_TAG, true, 1, 0 };
        mc_deid_result *r = NULL;
        if (mc_deid_run(eng, text, tn, &o, &r, NULL)) {
            FAILF("%s: deid failed", path);
            bad_files++;
            continue;
        }
        const mc_deid_span *sp = mc_deid_result_spans(r);
        size_t ns = mc_deid_result_count(r);
        for (int i = 0; i < ng; i++) {
            bool all = true, typed = true;
            for (uint32_t q = g[i].s; q < g[i].e; q++) {
                if (!isalnum((unsigned char)text[q]))
                    continue;
                bool in = false, in_typed = false;
                for (size_t j = 0; j < ns; j++)
                    if (sp[j].start <= q && q < sp[j].end) {
                        in = true;
                        in_typed = (int)sp[j].type == g[i].type;
                    }
                all = all && in;
                typed = typed && in_typed;
            }
            gold_n[g[i].type]++;
            gold_hit[g[i].type] += all;
            gold_typed[g[i].type] += all && typed;
            if (!all && verbose)
                fprintf(stderr, "  miss %s %s: '%.*s'\n", names[f],
                        mc_deid_type_name((mc_deid_type)g[i].type), (int)(g[i].e - g[i].s),
                        text + g[i].s);
        }
        for (size_t j = 0; j < ns; j++) {
            bool tp = false;
            for (int i = 0; i < ng && !tp; i++)
                tp = sp[j].start < g[i].e && g[i].s < sp[j].end;
            pred_n[sp[j].type]++;
            pred_tp[sp[j].type] += tp;
            if (!tp && verbose)
                fprintf(stderr, "  spurious %s %s: '%.*s'\n", names[f],
                        mc_deid_type_name(sp[j].type), (int)(sp[j].end - sp[j].start),
                        text + sp[j].start);
        }
        mc_deid_result_free(r);
    }
    for (int f = 0; f < nf; f++)
        free(names[f]);
    long tg = 0, th = 0, tp = 0, pn = 0;
    fprintf(stderr, "  gold set: %d notes\n  %-10s %6s %7s %7s %6s %9s\n", nf, "type", "gold",
            "recall", "typed", "found", "precision");
    for (int t = 0; t < MC_DEID_NTYPES; t++) {
        tg += gold_n[t];
        th += gold_hit[t];
        tp += pred_tp[t];
        pn += pred_n[t];
        if (!gold_n[t] && !pred_n[t])
            continue;
        fprintf(stderr, "  %-10s %6ld %7.3f %7.3f %6ld %9.3f\n", mc_deid_type_name((mc_deid_type)t),
                gold_n[t], gold_n[t] ? (double)gold_hit[t] / (double)gold_n[t] : 1.0,
                gold_n[t] ? (double)gold_typed[t] / (double)gold_n[t] : 1.0, pred_n[t],
                pred_n[t] ? (double)pred_tp[t] / (double)pred_n[t] : 1.0);
    }
    double overall = tg ? (double)th / (double)tg : 0, prec = pn ? (double)tp / (double)pn : 0;
    fprintf(stderr, "  %-10s %6ld %7.3f %7s %6ld %9.3f\n", "ALL", tg, overall, "", pn, prec);
    CHECK_INT(bad_files, ==, 0);
    CHECK_INT(nf, >=, 100);
    /* thresholds: recall >= 0.99 for names, dates, phones, MRNs, SSNs; >= 0.95 overall */
    const mc_deid_type strict[] = { MC_DEID_NAME, MC_DEID_DATE, MC_DEID_PHONE, MC_DEID_MRN,
                                    MC_DEID_SSN };
    for (size_t i = 0; i < sizeof strict / sizeof strict[0]; i++) {
        int t = (int)strict[i];
        CHECK(gold_n[t] > 0);
        double rec = (double)gold_hit[t] / (double)gold_n[t];
        if (rec < 0.99)
            FAILF("%s recall %.3f < 0.99", mc_deid_type_name(strict[i]), rec);
    }
    if (overall < 0.95)
        FAILF("overall recall %.3f < 0.95", overall);
    if (prec < 0.85)
        FAILF("overall precision %.3f < 0.85", prec);
}
