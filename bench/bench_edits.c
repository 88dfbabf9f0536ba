/*
 * Benchmark: encounters verified per second on one core by mc_edits_check
 * (every rule: validity, tabular notes, MCE, POA, procedures), and the full
 * batch path (JSON text -> mc_encounter_parse -> check -> report JSON), each
 * beside a baseline measured in the same run: a validity-only check that
 * looks up every diagnosis in the code set and nothing else.
 *
 * Workloads: 2,000 synthetic FY2026 inpatient encounters drawn with a fixed
 * seed from the bundle's own billable codes, once from all of them and once
 * from a 2,000-code pool (a hospital's case mix repeats a few thousand codes) (principal + 4..24 secondary
 * diagnoses, POA blank for exempt codes and Y/N/U/W otherwise, 0..5
 * procedures from the MCE procedure master), so it needs no patient data.
 * Random codes touch the whole bundle (little cache reuse) and still draw
 * Excludes1, MCE and use-additional edits. Each figure is the median of 7 runs.
 *
 * usage: bench_edits OUTPUT.md   (needs the FY2026 bundle)
 */
#include "base/base_int.h"
#include "edits/edits_int.h"
#include "medcode/edits.h"
#include "medcode/encounter.h"

#include <stdlib.h>
#include <string.h>

enum { N_ENC = 2000, RUNS = 7, POOL = 2000 };

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* One encounter as JSON text built from random billable codes. */
static void make_json(const mc_edits *ed, mc__buf *b, const uint32_t *billable, uint32_t nb)
{
    static const char poa[] = "YYYYNUW";
    uint32_t ndx = 5 + next() % 21, npx = next() % 6;
    mc__buf_printf(b, "{\"setting\":\"inpatient\",\"admit_date\":\"2026-01-10\",\"discharge_date\":"
                      "\"2026-01-%02u\",\"discharge_status\":\"01\",\"patient\":{\"age\":%u,"
                      "\"sex\":\"%c\"},\"diagnoses\":[",
                   11 + next() % 18, next() % 100, next() % 2 ? 'F' : 'M');
    for (uint32_t i = 0; i < ndx; i++) {
        mc_cm_code c;
        mc_cm_get(ed->cs, billable[next() % nb], &c);
        /* as a coder reports it: blank for POA-exempt codes, Y/N/U/W otherwise */
        char key[8] = { 0 };
        memcpy(key, c.code, strnlen(c.code, 7));
        bool exempt = ed->poax.n && mc__edt_poa_exempt(&ed->poax, key);
        mc__buf_printf(b, "%s{\"code\":\"%s\",\"poa\":\"%s\"}", i ? "," : "", c.dotted,
                       exempt ? "" : (const char[]){ poa[next() % 7], 0 });
    }
    mc__buf_puts(b, "],\"procedures\":[");
    for (uint32_t i = 0; i < npx && ed->sg.n; i++) {
        const unsigned char *r = ed->sg.p + (size_t)(next() % ed->sg.n) * EDT_MASTER_REC;
        mc__buf_printf(b, "%s{\"code\":\"%.7s\",\"date\":\"2026-01-11\"}", i ? "," : "",
                       (const char *)r);
    }
    mc__buf_puts(b, "]}");
}

typedef struct result {
    double base, check, full, edits, dx, px;
} result;

/* Build N_ENC encounters from codes drawn out of pool[0..np) and time the three paths. */
static int run(const mc_edits *ed, const uint32_t *pool, uint32_t np, result *res)
{
    char **json = calloc(N_ENC, sizeof *json);
    size_t *json_n = calloc(N_ENC, sizeof *json_n);
    mc_encounter **enc = calloc(N_ENC, sizeof *enc);
    mc_diag diag = { 0 };
    if (!json || !json_n || !enc)
        return 2;
    uint64_t total_dx = 0, total_px = 0;
    for (int i = 0; i < N_ENC; i++) {
        mc__buf t;
        mc__buf_init(&t, 0);
        make_json(ed, &t, pool, np);
        json[i] = t.p;
        json_n[i] = t.n;
        if (mc_encounter_parse(t.p, t.n, &enc[i], &diag)) {
            fprintf(stderr, "bench_edits: generated encounter: %s\n", diag.msg);
            return 2;
        }
        total_dx += enc[i]->n_diagnoses;
        total_px += enc[i]->n_procedures;
    }
    mc_edit_report rep;
    mc_edit_report_init(&rep);
    double base[RUNS], check[RUNS], full[RUNS];
    uint64_t edits = 0, sink = 0;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = mc__now_ns();
        for (int i = 0; i < N_ENC; i++)
            for (uint32_t k = 0; k < enc[i]->n_diagnoses; k++) {
                mc_cm_code c;
                sink += mc_cm_lookup(ed->cs, enc[i]->diagnoses[k].code,
                                     strlen(enc[i]->diagnoses[k].code), &c) == MC_OK &&
                        c.billable;
            }
        uint64_t t1 = mc__now_ns();
        edits = 0;
        for (int i = 0; i < N_ENC; i++) {
            mc_edits_check(ed, enc[i], &rep, NULL);
            edits += rep.n;
        }
        uint64_t t2 = mc__now_ns();
        for (int i = 0; i < N_ENC; i++) {
            mc_encounter *e;
            char *js;
            size_t jn;
            if (mc_encounter_parse(json[i], json_n[i], &e, NULL) == MC_OK) {
                mc_edits_check(ed, e, &rep, NULL);
                if (mc_edit_report_json(&rep, e, &js, &jn) == MC_OK) {
                    sink += jn;
                    free(js);
                }
                mc_encounter_free(e);
            }
        }
        uint64_t t3 = mc__now_ns();
        base[r] = N_ENC / ((double)(t1 - t0) / 1e9);
        check[r] = N_ENC / ((double)(t2 - t1) / 1e9);
        full[r] = N_ENC / ((double)(t3 - t2) / 1e9);
    }
    res->base = median(base, RUNS);
    res->check = median(check, RUNS);
    res->full = median(full, RUNS);
    res->edits = (double)edits / N_ENC;
    res->dx = (double)total_dx / N_ENC;
    res->px = (double)total_px / N_ENC;
    if (sink == 1)
        printf(" ");
    for (int i = 0; i < N_ENC; i++) {
        free(json[i]);
        mc_encounter_free(enc[i]);
    }
    free(json), free(json_n), free(enc);
    mc_edit_report_free(&rep);
    return 0;
}

static void rows(FILE *f, const char *name, const result *r)
{
    fprintf(f, "| %s: baseline, validity only (code-set look-up of every diagnosis) | %.0f | %.2f |\n",
            name, r->base, 1e6 / r->base);
    fprintf(f, "| %s: **mc_edits_check, every rule** (parsed encounter in, report out) | %.0f | %.2f |\n",
            name, r->check, 1e6 / r->check);
    fprintf(f, "| %s: batch path, JSON parse + check + report JSON | %.0f | %.2f |\n", name, r->full,
            1e6 / r->full);
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "bench/results/bench_edits.md";
    char path[1024];
    mc_bundle_path(mc_bundle_dir(), 2026, path, sizeof path);
    mc_bundle *b;
    mc_edits *ed;
    mc_diag diag = { 0 };
    if (mc_bundle_open(path, &b, &diag) || mc_edits_open(b, &ed, &diag)) {
        fprintf(stderr, "bench_edits: %s\n", diag.msg);
        return 2;
    }
    uint32_t n = mc_cm_count(ed->cs), nb = 0;
    uint32_t *billable = malloc(n * sizeof *billable), *pool = malloc(POOL * sizeof *pool);
    for (uint32_t i = 0; i < n; i++) {
        mc_cm_code c;
        if (mc_cm_get(ed->cs, i, &c) == MC_OK && c.billable)
            billable[nb++] = i;
    }
    for (uint32_t i = 0; i < POOL; i++)
        pool[i] = billable[next() % nb];
    result all, mix;
    if (run(ed, billable, nb, &all) || run(ed, pool, POOL, &mix))
        return 2;
    FILE *f = fopen(out, "w");
    if (!f) {
        fprintf(stderr, "bench_edits: cannot write %s\n", out);
        return 2;
    }
    fprintf(f, "## Encounter verification (medcode check)\n\n"
               "Synthetic FY2026 inpatient encounters, %d per workload (%.1f diagnoses and %.1f "
               "procedures on average; POA blank for exempt codes, Y/N/U/W otherwise; fixed "
               "seed), one core, median of %d runs. *all codes*: diagnoses drawn from all %u "
               "billable codes (little cache reuse, %.1f edits per encounter); *case mix*: drawn "
               "from a pool of %d codes, as a hospital's claims repeat a few thousand codes "
               "(%.1f edits per encounter). Baseline: the same encounters with only a code-set "
               "look-up per diagnosis.\n\n",
            N_ENC, all.dx, all.px, RUNS, nb, all.edits, POOL, mix.edits);
    fprintf(f, "| workload / measure | encounters/s | µs/encounter |\n|---|---:|---:|\n");
    rows(f, "all codes", &all);
    rows(f, "case mix", &mix);
    fprintf(f, "\nTarget: over 100,000 encounters/s on one core for the check.\n");
    fclose(f);
    printf("all codes: baseline %.0f/s, check %.0f/s, full %.0f/s; case mix: baseline %.0f/s, "
           "check %.0f/s, full %.0f/s\n",
           all.base, all.check, all.full, mix.base, mix.check, mix.full);
    free(billable), free(pool);
    mc_edits_close(ed);
    mc_bundle_close(b);
    return 0;
}
