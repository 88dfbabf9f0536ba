/*
 * Benchmark: bundle build time and size, open time, and ICD-10-CM look-ups
 * per second over every billable code in random order; each beside a
 * baseline measured in the same process: the order file parsed into a glibc
 * hash table (hsearch_r), which is what a program without a bundle does at
 * every start-up.
 *
 * usage: bench_codeset OUTPUT.md   (needs build/release and the FY2026 bundle)
 */
#include "base/base_int.h"
#include "build/build.h"
#include "medcode/codeset.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median_ns(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

/* Baseline: the order file into a hash table, keys and titles copied. */
typedef struct baseline {
    struct hsearch_data h;
    char *text;
    size_t n;
} baseline;

static int baseline_load(baseline *bl, const char *order_path)
{
    memset(bl, 0, sizeof *bl);
    if (mc__read_file(order_path, 0, &bl->text, &bl->n, NULL))
        return -1;
    if (!hcreate_r(200000, &bl->h))
        return -1;
    char *p = bl->text, *end = bl->text + bl->n;
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        *eol = 0;
        if (eol - p > 16) {
            char *code = p + 6;
            char *sp = memchr(code, ' ', 8);
            if (sp)
                *sp = 0;
            ENTRY e = { code, p + 16 }, *r;
            hsearch_r(e, ENTER, &r, &bl->h);
        }
        p = eol + 1;
    }
    return 0;
}

static void baseline_free(baseline *bl)
{
    hdestroy_r(&bl->h);
    free(bl->text);
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    const char *out_path = argc > 1 ? argv[1] : "bench/results/bench_codeset.md";
    const char *order_path = "build/release/icd10cm/2026/icd10cm_order_2026.txt";
    char bundle_path[256];
    mc_bundle_path(mc_bundle_dir(), 2026, bundle_path, sizeof bundle_path);
    if (!mc__file_exists(order_path) || !mc__file_exists(bundle_path)) {
        fprintf(stderr, "bench_codeset: needs %s and %s (run make bundles)\n", order_path,
                bundle_path);
        return 2;
    }
    enum { BUILDS = 3, OPENS = 21, PASSES = 5 };
    uint64_t t_build[BUILDS], t_base_load[OPENS], t_open[OPENS], t_bopen[OPENS];
    /* 1. bundle build (all parts) vs baseline hash-table load */
    char tmp[] = "/tmp/mc_bench_XXXXXX";
    if (!mkdtemp(tmp))
        return 2;
    char tmp_bundle[300];
    snprintf(tmp_bundle, sizeof tmp_bundle, "%s/b.mcb", tmp);
    for (int i = 0; i < BUILDS; i++) {
        mc__build_opts o = { .year = 2026, .out_path = tmp_bundle, .quiet = true };
        mc_diag d = { 0 };
        uint64_t t0 = mc__now_ns();
        if (mc__build_bundle(&o, &d)) {
            fprintf(stderr, "bench_codeset: build failed: %s\n", d.msg);
            return 2;
        }
        t_build[i] = mc__now_ns() - t0;
    }
    unlink(tmp_bundle);
    rmdir(tmp);
    /* 2. open vs baseline load */
    for (int i = 0; i < OPENS; i++) {
        uint64_t t0 = mc__now_ns();
        mc_bundle *b;
        mc_codeset *cs;
        if (mc_bundle_open(bundle_path, &b, NULL))
            return 2;
        t_bopen[i] = mc__now_ns() - t0;
        if (mc_codeset_open(b, &cs, NULL))
            return 2;
        t_open[i] = mc__now_ns() - t0;
        mc_codeset_close(cs);
        mc_bundle_close(b);
        baseline bl;
        t0 = mc__now_ns();
        if (baseline_load(&bl, order_path))
            return 2;
        t_base_load[i] = mc__now_ns() - t0;
        baseline_free(&bl);
    }
    /* 3. look-ups: every billable code, dotted, random order */
    mc_bundle *b;
    mc_codeset *cs;
    long rss0 = rss_kb();
    if (mc_bundle_open(bundle_path, &b, NULL) || mc_codeset_open(b, &cs, NULL))
        return 2;
    long rss_open = rss_kb() - rss0;
    uint32_t nb = mc_cm_billable_count(cs);
    char(*dotted)[9] = malloc((size_t)nb * sizeof *dotted);
    char(*plain)[8] = malloc((size_t)nb * sizeof *plain);
    uint32_t k = 0;
    for (uint32_t i = 0; i < mc_cm_count(cs); i++) {
        mc_cm_code c;
        mc_cm_get(cs, i, &c);
        if (c.billable) {
            memcpy(dotted[k], c.dotted, 9);
            memcpy(plain[k], c.code, 8);
            k++;
        }
    }
    srand(42);
    for (uint32_t i = nb - 1; i > 0; i--) {
        uint32_t j = (uint32_t)rand() % (i + 1);
        char t9[9], t8[8];
        memcpy(t9, dotted[i], 9);
        memcpy(dotted[i], dotted[j], 9);
        memcpy(dotted[j], t9, 9);
        memcpy(t8, plain[i], 8);
        memcpy(plain[i], plain[j], 8);
        memcpy(plain[j], t8, 8);
    }
    baseline bl;
    baseline_load(&bl, order_path);
    uint64_t t_look[PASSES], t_base[PASSES];
    size_t found = 0, found_base = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        uint64_t t0 = mc__now_ns();
        for (uint32_t i = 0; i < nb; i++) {
            mc_cm_code c;
            found += mc_cm_lookup(cs, dotted[i], strlen(dotted[i]), &c) == MC_OK && c.billable;
        }
        t_look[pass] = mc__now_ns() - t0;
        t0 = mc__now_ns();
        for (uint32_t i = 0; i < nb; i++) {
            /* the baseline gets undotted keys: it does no normalisation at all */
            ENTRY e = { plain[i], NULL }, *r;
            found_base += hsearch_r(e, FIND, &r, &bl.h) != 0;
        }
        t_base[pass] = mc__now_ns() - t0;
    }
    if (found != (size_t)nb * PASSES || found_base != (size_t)nb * PASSES) {
        fprintf(stderr, "bench_codeset: look-ups missed codes (%zu, %zu)\n", found, found_base);
        return 1;
    }
    double look = median_ns(t_look, PASSES) / nb, base = median_ns(t_base, PASSES) / nb;
    double open_ms = median_ns(t_open, OPENS) / 1e6, base_ms = median_ns(t_base_load, OPENS) / 1e6;
    double build_ms = median_ns(t_build, BUILDS) / 1e6;
    FILE *f = fopen(out_path, "w");
    if (!f)
        return 2;
    fprintf(f, "## Code-set bundle (FY2026): build, open, look-up\n\n");
    fprintf(f, "Baseline: the CMS order file parsed into a glibc hash table (hsearch_r) in the same "
               "process, what a program without a bundle does at start-up. Medians of %d builds, "
               "%d opens, %d look-up passes over all %u billable codes in random order.\n\n",
               BUILDS, OPENS, PASSES, nb);
    fprintf(f, "| measure | medcode | baseline | ratio |\n|---|---|---|---|\n");
    fprintf(f, "| bundle build, all parts (ms) | %.0f | – | – |\n", build_ms);
    fprintf(f, "| bundle size (bytes) | %zu | order file %zu | – |\n", mc_bundle_size(b), bl.n);
    fprintf(f, "| open the bundle: map, header, section table, bounds (ms) | %.3f | – | – |\n",
            median_ns(t_bopen, OPENS) / 1e6);
    fprintf(f, "| open + ICD-10-CM ready (checksums and validation of its sections) (ms) | %.3f | "
               "%.1f (load order file) | %.0f× faster |\n",
            open_ms, base_ms, base_ms / open_ms);
    fprintf(f, "| resident memory added by open + ICD-10-CM (KiB) | %ld | – | – |\n", rss_open);
    fprintf(f, "| look-up, dotted text in (ns) | %.0f | %.0f (undotted key, no normalisation) | "
               "%.2f× |\n",
            look, base, base / look);
    fprintf(f, "| look-ups per second | %.2f M | %.2f M | – |\n\n", 1e3 / look, 1e3 / base);
    fclose(f);
    printf("build %.0f ms, open %.3f ms (baseline %.1f ms), lookup %.0f ns (baseline %.0f ns)\n",
           build_ms, open_ms, base_ms, look, base);
    baseline_free(&bl);
    free(dotted);
    free(plain);
    mc_codeset_close(cs);
    mc_bundle_close(b);
    return 0;
}
