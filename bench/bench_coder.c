/*
 * Benchmark: coding throughput on the MTSamples transcribed notes (about
 * 5,000 real English notes, ../shared/bench/mtsamples/mtsamples.jsonl.gz),
 * one thread: MB of note text per second, notes per second and peak
 * resident memory. Baseline measured in the same run: the clinical text
 * analysis alone (sections, sentences, tokens, assertion triggers), which is
 * the floor any coder pays before looking anything up. A third row measures
 * coding with the CMS-HCC V28 annotation and MEAT check (`code --hcc`).
 *
 *   bench_coder OUTPUT.md        (MTSAMPLES=path overrides the corpus)
 */
#include "base/base_int.h"
#include "medcode/coder.h"
#include "medcode/risk.h"
#include "nlp/nlp.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct note {
    char *text;
    size_t n;
} note;

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

/* CPU time of this thread: the machines are shared, so per-core throughput is CPU-based. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    const char *corpus = getenv("MTSAMPLES");
    if (!corpus)
        corpus = "../shared/bench/mtsamples/mtsamples.jsonl.gz";
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s'", corpus);
    FILE *f = popen(cmd, "r");
    if (!f) {
        fprintf(stderr, "bench_coder: cannot read %s\n", corpus);
        return 0;
    }
    note *notes = NULL;
    size_t nn = 0, cap = 0, total = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)len, 0, &err);
        json_t *t = o ? json_object_get(o, "transcription") : NULL;
        if (json_is_string(t) && json_string_length(t) > 0) {
            if (nn == cap) {
                cap = cap ? cap * 2 : 1024;
                notes = realloc(notes, cap * sizeof *notes);
            }
            notes[nn].n = json_string_length(t);
            notes[nn].text = malloc(notes[nn].n + 1);
            memcpy(notes[nn].text, json_string_value(t), notes[nn].n + 1);
            total += notes[nn].n;
            nn++;
        }
        json_decref(o);
    }
    free(line);
    pclose(f);
    if (!nn) {
        fprintf(stderr, "bench_coder: no notes in %s\n", corpus);
        return 0;
    }
    const char *bdir = mc_bundle_dir();
    int year;
    if (mc_bundle_latest_year(bdir, &year)) {
        fprintf(stderr, "bench_coder: no bundle in %s\n", bdir);
        return 1;
    }
    char path[1024];
    mc_bundle_path(bdir, year, path, sizeof path);
    mc_bundle *b;
    mc_coder *c;
    mc_diag diag = { 0 };
    uint64_t t_open = mc__now_ns();
    if (mc_bundle_open(path, &b, &diag) || mc_coder_open(b, &c, &diag)) {
        fprintf(stderr, "bench_coder: %s\n", diag.msg);
        return 1;
    }
    double open_ms = (double)(mc__now_ns() - t_open) / 1e6;
    mc_risk *risk = NULL;
    if (mc_risk_open(b, &risk, &diag))
        risk = NULL; /* a bundle without risk tables: no --hcc row */
    enum { RUNS = 3 };
    double base_s[RUNS], code_s[RUNS], wall_s[RUNS], hcc_s[RUNS];
    size_t codes = 0, failures = 0, hcc_codes = 0, hcc_supported = 0, hcc_queries = 0;
    for (int run = 0; run < RUNS; run++) {
        /* baseline: text analysis only */
        uint64_t t0 = cpu_ns();
        size_t toks = 0;
        for (size_t i = 0; i < nn; i++) {
            mc__arena a;
            mc__arena_init(&a, 256 * 1024, 0);
            mc_nlp_doc *d;
            if (mc__nlp_check_text(notes[i].text, notes[i].n, NULL) == MC_OK &&
                mc__nlp_analyze(notes[i].text, notes[i].n, &a, &d) == MC_OK)
                toks += d->n_tokens;
            mc__arena_free(&a);
        }
        base_s[run] = (double)(cpu_ns() - t0) / 1e9;
        /* full coding */
        mc_coder_opts o = { 0 };
        o.setting = MC_SETTING_INPATIENT;
        t0 = cpu_ns();
        uint64_t w0 = mc__now_ns();
        codes = failures = 0;
        for (size_t i = 0; i < nn; i++) {
            mc_coder_result *r;
            if (mc_coder_run(c, notes[i].text, notes[i].n, &o, &r, &diag) == MC_OK) {
                codes += r->n_diagnoses + r->n_procedures;
                mc_coder_result_free(r);
            } else {
                failures++;
            }
        }
        code_s[run] = (double)(cpu_ns() - t0) / 1e9;
        wall_s[run] = (double)(mc__now_ns() - w0) / 1e9;
        /* full coding with the HCC annotation and MEAT check */
        hcc_s[run] = 0;
        if (risk) {
            o.hcc = MC_CODER_HCC_V28;
            o.risk = risk;
            t0 = cpu_ns();
            hcc_codes = hcc_supported = hcc_queries = 0;
            for (size_t i = 0; i < nn; i++) {
                mc_coder_result *r;
                if (mc_coder_run(c, notes[i].text, notes[i].n, &o, &r, &diag) != MC_OK)
                    continue;
                for (uint32_t k = 0; k < r->n_diagnoses; k++)
                    if (r->diagnoses[k].hcc) {
                        hcc_codes++;
                        hcc_supported += r->diagnoses[k].hcc->meat ? 1 : 0;
                        hcc_queries += r->diagnoses[k].hcc->query ? 1 : 0;
                    }
                mc_coder_result_free(r);
            }
            hcc_s[run] = (double)(cpu_ns() - t0) / 1e9;
        }
        (void)toks;
    }
    double bs = median(base_s, RUNS), cs = median(code_s, RUNS), ws = median(wall_s, RUNS);
    double hs = median(hcc_s, RUNS);
    double mb = (double)total / 1e6;
    long rss = peak_rss_kb();
    FILE *o = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!o)
        o = stdout;
    fprintf(o, "## Coding throughput (MTSamples)\n\n");
    fprintf(o,
            "%zu notes, %.1f MB, one thread, median of %d runs of thread CPU time (the machine is "
            "shared; wall-clock for the full coding was %.1f s, %.2f MB/s); FY%d bundle, coder opened in "
            "%.0f ms. Baseline (same run): clinical text analysis alone (sections, sentences, "
            "tokens, assertion triggers). %zu codes assigned, %zu notes rejected. Peak resident "
            "memory of the process (all notes loaded, bundle mapped, lexicon loaded): %.0f MB.\n\n",
            nn, mb, RUNS, ws, mb / ws, year, open_ms, codes, failures, (double)rss / 1024);
    fprintf(o, "| pipeline | MB/s per core | notes/s | ms per note |\n|---|---|---|---|\n");
    fprintf(o, "| baseline: text analysis only | %.2f | %.0f | %.3f |\n", mb / bs,
            (double)nn / bs, bs * 1e3 / (double)nn);
    fprintf(o, "| full coding (CM + PCS, assertion, rules) | %.2f | %.0f | %.3f |\n", mb / cs,
            (double)nn / cs, cs * 1e3 / (double)nn);
    if (risk) {
        fprintf(o, "| full coding + CMS-HCC V28 annotation and MEAT check (`--hcc`) | %.2f | %.0f | "
                   "%.3f |\n",
                mb / hs, (double)nn / hs, hs * 1e3 / (double)nn);
        fprintf(o,
                "\nWith `--hcc`: %zu suggested diagnoses map to a V28 HCC, %zu of them with MEAT "
                "support in the note, %zu queries for unsupported ones that move the score; "
                "overhead %.1f%% of the coding time.\n",
                hcc_codes, hcc_supported, hcc_queries, (hs / cs - 1) * 100);
    }
    if (o != stdout)
        fclose(o);
    printf("baseline %.2f MB/s, coding %.2f MB/s (%.0f notes/s), peak RSS %.0f MB\n", mb / bs,
           mb / cs, (double)nn / cs, (double)rss / 1024);
    if (risk)
        printf("with --hcc %.0f notes/s (overhead %.1f%%)\n", (double)nn / hs, (hs / cs - 1) * 100);
    mc_risk_close(risk);
    mc_coder_close(c);
    mc_bundle_close(b);
    for (size_t i = 0; i < nn; i++)
        free(notes[i].text);
    free(notes);
    return 0;
}
