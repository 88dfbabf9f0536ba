/*
 * Benchmark: CMS-HCC patients scored per second on one core, beside a
 * baseline measured in the same run: a naive scorer that does the core steps
 * with linear scans of the compiled tables (each diagnosis looked up by
 * scanning every mapping row, hierarchies by scanning every pair, each
 * coefficient by formatting its variable name and scanning the coefficient
 * table). The baseline does less than medcode (no interactions, edits or
 * code-set check); its score is checked against medcode's score minus the
 * interaction terms on every patient, so both compute the same thing.
 *
 * Synthetic population (fixed seed): community members, ages 30-95, dual
 * status and OREC random, 0-20 diagnoses each (mean 10), 70% drawn from the
 * V28 mapping (codes without age/sex edits), 30% other billable codes.
 *
 * usage: bench_risk OUTPUT.md   (needs the FY2026 bundle; FY2025 is used for validation if present)
 */
#include "base/base_int.h"
#include "medcode/codeset.h"
#include "medcode/risk.h"
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

enum { N_PATIENTS = 100000, N_CHECK = 5000, RUNS = 7 };

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return (double)v[n / 2];
}

typedef struct pat {
    mc_hcc_patient p;
    const char *dx[20];
    char text[20][8];
} pat;

/* ---- naive baseline ---- */
typedef struct naive {
    mc__rsk_table dx, hi, co;
} naive;

static int32_t coef_scan(const naive *nv, const char *name)
{
    for (uint32_t i = 0; i < nv->co.n_rows; i++)
        if (!strcmp(mc__rsk_str(&nv->co, i, 0), name))
            return (int32_t)mc__rsk_cell(&nv->co, i, 1);
    return 0;
}

static int64_t naive_score(const naive *nv, const pat *pt)
{
    static const char *const pre[4][2] = { { "", "" }, { "CNA", "CND" }, { "CPA", "CPD" },
                                           { "CFA", "CFD" } };
    const mc_hcc_patient *p = &pt->p;
    uint32_t hcc[64];
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->n_dx; i++) {
        char code[8];
        if (mc_cm_normalize(p->dx[i], strlen(p->dx[i]), code))
            continue;
        for (uint32_t r = 0; r < nv->dx.n_rows; r++)
            if (!strcmp(mc__rsk_str(&nv->dx, r, 0), code)) {
                uint32_t h = mc__rsk_cell(&nv->dx, r, 1), k = 0;
                while (k < n && hcc[k] != h)
                    k++;
                if (k == n && n < 64)
                    hcc[n++] = h;
            }
    }
    bool keep[64];
    uint32_t kept = 0;
    for (uint32_t a = 0; a < n; a++) {
        keep[a] = true;
        for (uint32_t r = 0; r < nv->hi.n_rows && keep[a]; r++)
            if (mc__rsk_cell(&nv->hi, r, 1) == hcc[a])
                for (uint32_t b = 0; b < n; b++)
                    if (hcc[b] == mc__rsk_cell(&nv->hi, r, 0))
                        keep[a] = false;
        kept += keep[a];
    }
    const char *seg = pre[p->dual][p->age < 65];
    static const int lo[] = { 0, 35, 45, 55, 60, 65, 70, 75, 80, 85, 90, 95 };
    static const char *const cell[] = { "0_34",  "35_44", "45_54", "55_59", "60_64", "65_69",
                                        "70_74", "75_79", "80_84", "85_89", "90_94", "95_GT" };
    int c = 0;
    while (c < 11 && p->age >= lo[c + 1])
        c++;
    char name[64];
    snprintf(name, sizeof name, "%s_%c%s", seg, p->sex, cell[c]);
    int64_t s = coef_scan(nv, name);
    bool disabled = p->age < 65 && p->orec != 0;
    if (p->orec == 1 && !disabled) {
        snprintf(name, sizeof name, "%s_OriginallyDisabled_%s", seg,
                 p->sex == 'F' ? "Female" : "Male");
        s += coef_scan(nv, name);
    }
    for (uint32_t a = 0; a < n; a++)
        if (keep[a]) {
            snprintf(name, sizeof name, "%s_HCC%u", seg, hcc[a]);
            s += coef_scan(nv, name);
        }
    if (kept) {
        if (kept >= 10)
            snprintf(name, sizeof name, "%s_D10P", seg);
        else
            snprintf(name, sizeof name, "%s_D%u", seg, kept);
        s += coef_scan(nv, name);
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_risk OUTPUT.md\n");
        return 2;
    }
    char path[1024], path25[1024];
    mc_bundle_path(mc_bundle_dir(), 2026, path, sizeof path);
    mc_bundle_path(mc_bundle_dir(), 2025, path25, sizeof path25);
    mc_bundle *b = NULL, *b25 = NULL;
    mc_risk *r = NULL;
    mc_codeset *cs[2] = { NULL, NULL };
    uint32_t n_cs = 0;
    mc_diag d = { 0 };
    if (mc_bundle_open(path, &b, &d) || mc_risk_open(b, &r, &d) ||
        mc_codeset_open(b, &cs[n_cs++], &d)) {
        fprintf(stderr, "bench_risk: %s\n", d.msg);
        return 1;
    }
    if (mc_bundle_open(path25, &b25, &d) == MC_OK && mc_codeset_open(b25, &cs[n_cs], &d) == MC_OK)
        n_cs++;
    mc_dx_valid *valid = NULL;
    if (mc_dx_valid_new((const mc_codeset *const *)cs, n_cs, &valid)) {
        fprintf(stderr, "bench_risk: out of memory\n");
        return 1;
    }
    naive nv;
    mc__rsk_table ed;
    if (mc__rsk_table_open(b, "RSKV28DX", 2, &nv.dx, &d) ||
        mc__rsk_table_open(b, "RSKV28HI", 2, &nv.hi, &d) ||
        mc__rsk_table_open(b, "RSKV28CO", 2, &nv.co, &d) ||
        mc__rsk_table_open(b, "RSKV28ED", 6, &ed, &d)) {
        fprintf(stderr, "bench_risk: %s\n", d.msg);
        return 1;
    }
    /* code pools: mapped codes without edits and billable in FY2026; other billable codes */
    uint32_t n_codes = mc_cm_count(cs[0]);
    char (*mapped)[8] = malloc(nv.dx.n_rows * 8), (*other)[8] = malloc((size_t)n_codes * 8);
    uint32_t n_mapped = 0, n_other = 0;
    for (uint32_t i = 0; i < nv.dx.n_rows; i++) {
        const char *c = mc__rsk_str(&nv.dx, i, 0);
        bool edit = false;
        for (uint32_t e = 0; e < ed.n_rows && !edit; e++)
            edit = !strcmp(mc__rsk_str(&ed, e, 0), c);
        mc_cm_code cc;
        if (!edit && mc_cm_lookup(cs[0], c, strlen(c), &cc) == MC_OK && cc.billable)
            mc__strlcpy(mapped[n_mapped++], c, 8);
    }
    for (uint32_t i = 0; i < n_codes; i++) {
        mc_cm_code cc;
        mc_hcc_ref refs[2];
        uint32_t nr;
        if (mc_cm_get(cs[0], i, &cc) == MC_OK && cc.billable &&
            mc_risk_code_hccs(r, MC_HCC_V28, cc.code, strlen(cc.code), refs, &nr) == MC_ENOTFOUND)
            mc__strlcpy(other[n_other++], cc.code, 8);
    }
    pat *pts = calloc(N_PATIENTS, sizeof *pts);
    uint64_t total_dx = 0;
    for (uint32_t i = 0; i < N_PATIENTS; i++) {
        pat *pt = &pts[i];
        pt->p.id = "";
        pt->p.age = 30 + (int)rnd(66);
        pt->p.sex = rnd(2) ? 'F' : 'M';
        pt->p.dual = (mc_dual)(1 + rnd(3));
        pt->p.orec = (int)rnd(2);
        pt->p.medicaid = 0;
        pt->p.n_dx = rnd(17) + rnd(5); /* 0..20, mean 8 */
        pt->p.dx = pt->dx;
        for (uint32_t k = 0; k < pt->p.n_dx; k++) {
            const char *src = rnd(10) < 7 ? mapped[rnd(n_mapped)] : other[rnd(n_other)];
            mc__strlcpy(pt->text[k], src, 8);
            pt->dx[k] = pt->text[k];
        }
        total_dx += pt->p.n_dx;
    }
    static mc_hcc_score sc;
    /* correctness: baseline == medcode minus interactions, on every patient */
    uint32_t mismatches = 0;
    int64_t sum_medcode = 0;
    for (uint32_t i = 0; i < N_PATIENTS; i++) {
        mc_hcc_score_patient(r, MC_HCC_V28, MC_SEG_AUTO, NULL, &pts[i].p, &sc);
        sum_medcode += sc.score_milli;
        if (i >= N_CHECK)
            continue;
        int64_t s = sc.score_milli;
        for (uint32_t t = 0; t < sc.n_terms; t++)
            if (sc.terms[t].kind == MC_TERM_INTERACTION)
                s -= sc.terms[t].milli;
        if (sc.status || s != naive_score(&nv, &pts[i]))
            mismatches++;
    }
    const char *names[4] = { "medcode V28, diagnoses checked against FY2026+FY2025 code sets",
                             "medcode V28, no code-set check", "medcode V24, code-set check",
                             "baseline: naive linear scans (V28, no check)" };
    double pps[4];
    uint64_t ns[RUNS];
    for (int v = 0; v < 4; v++) {
        uint32_t n = v == 3 ? N_PATIENTS / 200 : N_PATIENTS;
        volatile int64_t sink = 0;
        for (int run = 0; run < RUNS; run++) {
            uint64_t t0 = mc__now_ns();
            for (uint32_t i = 0; i < n; i++) {
                if (v == 3) {
                    sink += naive_score(&nv, &pts[i]);
                    continue;
                }
                mc_hcc_score_patient(r, v == 2 ? MC_HCC_V24 : MC_HCC_V28, MC_SEG_AUTO,
                                     v == 1 ? NULL : valid, &pts[i].p, &sc);
                sink += sc.score_milli;
            }
            ns[run] = mc__now_ns() - t0;
        }
        pps[v] = (double)n / (median(ns, RUNS) / 1e9);
        (void)sink;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 1;
    fprintf(f, "## CMS-HCC risk scoring (bench_risk)\n\n");
    fprintf(f,
            "%d synthetic community patients, %.1f diagnoses each on average (70%% HCC-mapped), "
            "one core, median of %d runs. The baseline scores a sample of %d of the same patients "
            "by linear scans of the compiled tables (mapping, hierarchies, coefficients by name) "
            "without interactions, edits or code-set check; its score equals medcode's minus the "
            "interaction terms on %u of the first %d patients.\n\n",
            N_PATIENTS, (double)total_dx / N_PATIENTS, RUNS, N_PATIENTS / 200,
            N_CHECK - mismatches, N_CHECK);
    fprintf(f, "| scorer | patients/s | µs/patient | × baseline |\n|---|---:|---:|---:|\n");
    for (int v = 0; v < 4; v++)
        fprintf(f, "| %s | %.0f | %.3f | %.0f |\n", names[v], pps[v], 1e6 / pps[v],
                pps[v] / pps[3]);
    fprintf(f, "\nMean V28 score of the population: %.3f.\n",
            (double)sum_medcode / 1000.0 / N_PATIENTS);
    fclose(f);
    printf("bench_risk: %.0f patients/s (checked), %.0f (unchecked), baseline %.0f; %u mismatches\n",
           pps[0], pps[1], pps[3], mismatches);
    for (int i = 0; i < 2; i++)
        mc_codeset_close(cs[i]);
    mc_dx_valid_free(valid);
    mc_risk_close(r);
    mc_bundle_close(b);
    mc_bundle_close(b25);
    free(pts);
    free(mapped);
    free(other);
    return mismatches ? 1 : 0;
}
