/*
 * Benchmark: ICD-10-PCS validations per second (every FY2026 valid code in
 * random order, plus as many invalid codes made by changing one character),
 * explanations per second, open time, and HCPCS look-ups per second. Each
 * beside a baseline measured in the same process: a glibc hash table
 * (hsearch_r) of the valid codes read from the order file (for HCPCS: of the
 * codes in the CSV), which is what a program without the tables does. The
 * baseline answers only yes/no; medcode's validate also names the wrong
 * character and the values allowed there.
 *
 * usage: bench_pcs OUTPUT.md   (needs build/release and the FY2026 bundle)
 */
#include "base/base_int.h"
#include "medcode/hcpcs.h"
#include "medcode/pcs.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Baseline set: keys are NUL-terminated strings in one text block. */
typedef struct hset {
    struct hsearch_data h;
    char *text;
} hset;

/* Order file: the valid codes (flag 1) into a hash table. */
static int order_set(hset *s, const char *path)
{
    size_t n;
    memset(s, 0, sizeof *s);
    if (mc__read_file(path, 0, &s->text, &n, NULL) || !hcreate_r(200000, &s->h))
        return -1;
    char *p = s->text, *end = s->text + n;
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (eol - p > 16 && p[14] == '1') {
            p[13] = 0;
            ENTRY e = { p + 6, p + 16 }, *r;
            if (!hsearch_r(e, ENTER, &r, &s->h))
                return -1;
        }
        p = eol + 1;
    }
    return 0;
}

/* HCPCS CSV: the first field of every line after the header. */
static int hcpcs_set(hset *s, const char *path)
{
    size_t n;
    memset(s, 0, sizeof *s);
    if (mc__read_file(path, 0, &s->text, &n, NULL) || !hcreate_r(40000, &s->h))
        return -1;
    char *p = memchr(s->text, '\n', n), *end = s->text + n;
    if (!p)
        return -1;
    p++;
    while (p < end) {
        char *comma = memchr(p, ',', (size_t)(end - p));
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!comma || !eol)
            break;
        if (comma < eol) {
            *comma = 0;
            ENTRY e = { p, comma + 1 }, *r;
            hsearch_r(e, ENTER, &r, &s->h);
        }
        /* quoted descriptions may hold line breaks: skip to the end of the record */
        bool q = false;
        char *c = comma + 1;
        while (c < end && (q || *c != '\n')) {
            if (*c == '"')
                q = !q;
            c++;
        }
        p = c + 1;
    }
    return 0;
}

static bool hset_has(hset *s, const char *key)
{
    ENTRY e = { (char *)key, NULL }, *r;
    return hsearch_r(e, FIND, &r, &s->h) != 0;
}

static void hset_free(hset *s)
{
    hdestroy_r(&s->h);
    free(s->text);
}

int main(int argc, char **argv)
{
    const char *out_path = argc > 1 ? argv[1] : "bench/results/bench_pcs.md";
    const char *order_path = "build/release/icd10pcs/2026/icd10pcs_order_2026.txt";
    const char *hcpcs_path = "build/release/hcpcs/2026/HCPC2025_OCT_ANWEB.csv";
    char bundle_path[256];
    mc_bundle_path(mc_bundle_dir(), 2026, bundle_path, sizeof bundle_path);
    if (!mc__file_exists(order_path) || !mc__file_exists(bundle_path) ||
        !mc__file_exists(hcpcs_path)) {
        fprintf(stderr, "bench_pcs: needs %s, %s and %s (run make bundles)\n", order_path,
                hcpcs_path, bundle_path);
        return 2;
    }
    enum { OPENS = 21, PASSES = 7 };
    uint64_t t_open[OPENS], t_pcs_open[OPENS], t_base_load[OPENS];
    for (int i = 0; i < OPENS; i++) {
        uint64_t t0 = mc__now_ns();
        mc_bundle *b;
        mc_pcs *p;
        if (mc_bundle_open(bundle_path, &b, NULL)) {
            fprintf(stderr, "bench_pcs: cannot open %s\n", bundle_path);
            return 2;
        }
        uint64_t t1 = mc__now_ns();
        if (mc_pcs_open(b, &p, NULL)) {
            fprintf(stderr, "bench_pcs: cannot open the PCS sections of %s\n", bundle_path);
            return 2;
        }
        t_open[i] = mc__now_ns() - t0;
        t_pcs_open[i] = mc__now_ns() - t1;
        mc_pcs_close(p);
        mc_bundle_close(b);
        hset s;
        t0 = mc__now_ns();
        if (order_set(&s, order_path))
            return 2;
        t_base_load[i] = mc__now_ns() - t0;
        hset_free(&s);
    }
    mc_bundle *b;
    mc_pcs *p;
    mc_hcpcs *h;
    hset base, hbase;
    if (mc_bundle_open(bundle_path, &b, NULL) || mc_pcs_open(b, &p, NULL) ||
        mc_hcpcs_open(b, &h, NULL) || order_set(&base, order_path) ||
        hcpcs_set(&hbase, hcpcs_path))
        return 2;

    /* workload: every valid code and as many invalid ones, shuffled */
    uint32_t n_valid = mc_pcs_valid_count(p), n = 2 * n_valid;
    char(*codes)[8] = malloc(sizeof *codes * n);
    mc_pcs_iter it;
    uint32_t k = 0;
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_AUTHORITY);
    while (k < n_valid && mc_pcs_iter_next(p, &it, codes[k]))
        k++;
    static const char chars[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    for (uint32_t i = 0; i < n_valid; i++) {
        char *c = codes[n_valid + i];
        do {
            memcpy(c, codes[next() % n_valid], 8);
            c[next() % 7] = chars[next() % 34];
        } while (hset_has(&base, c));
    }
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(next() % (i + 1));
        char t[8];
        memcpy(t, codes[i], 8);
        memcpy(codes[i], codes[j], 8);
        memcpy(codes[j], t, 8);
    }
    uint64_t t_val[PASSES], t_base[PASSES], t_expl[PASSES];
    uint32_t agree = 0, valid_seen = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        uint32_t v = 0, bv = 0;
        uint64_t t0 = mc__now_ns();
        for (uint32_t i = 0; i < n; i++) {
            mc_pcs_check c;
            mc_pcs_validate(p, codes[i], 7, &c);
            v += c.valid;
        }
        t_val[pass] = mc__now_ns() - t0;
        t0 = mc__now_ns();
        for (uint32_t i = 0; i < n; i++)
            bv += hset_has(&base, codes[i]);
        t_base[pass] = mc__now_ns() - t0;
        t0 = mc__now_ns();
        for (uint32_t i = 0; i < n; i++) {
            mc_pcs_axis ax[7];
            int na;
            mc_pcs_explain(p, codes[i], 7, ax, &na);
        }
        t_expl[pass] = mc__now_ns() - t0;
        valid_seen = v;
        agree = v == bv;
    }
    if (!agree || valid_seen != n_valid) {
        fprintf(stderr, "bench_pcs: medcode found %u valid, expected %u\n", valid_seen, n_valid);
        return 1;
    }
    /* HCPCS: every code, shuffled */
    uint32_t hn = mc_hcpcs_count(h);
    char(*hc)[8] = malloc(sizeof *hc * hn);
    for (uint32_t i = 0; i < hn; i++) {
        mc_hcpcs_code c;
        mc_hcpcs_get(h, i, &c);
        memcpy(hc[i], c.code, 6);
    }
    for (uint32_t i = hn - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(next() % (i + 1));
        char t[8];
        memcpy(t, hc[i], 8);
        memcpy(hc[i], hc[j], 8);
        memcpy(hc[j], t, 8);
    }
    enum { HREP = 20 };
    uint64_t t_h[PASSES], t_hb[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        uint32_t found = 0, bfound = 0;
        uint64_t t0 = mc__now_ns();
        for (int r = 0; r < HREP; r++)
            for (uint32_t i = 0; i < hn; i++) {
                mc_hcpcs_code c;
                found += mc_hcpcs_lookup(h, hc[i], strlen(hc[i]), &c) == MC_OK;
            }
        t_h[pass] = mc__now_ns() - t0;
        t0 = mc__now_ns();
        for (int r = 0; r < HREP; r++)
            for (uint32_t i = 0; i < hn; i++)
                bfound += hset_has(&hbase, hc[i]);
        t_hb[pass] = mc__now_ns() - t0;
        if (found != hn * HREP || bfound != hn * HREP) {
            fprintf(stderr, "bench_pcs: HCPCS look-ups found %u/%u (baseline %u)\n", found,
                    hn * HREP, bfound);
            return 1;
        }
    }
    double open_ms = median(t_open, OPENS) / 1e6, load_ms = median(t_base_load, OPENS) / 1e6;
    double pcs_open_ms = median(t_pcs_open, OPENS) / 1e6;
    double val = n / (median(t_val, PASSES) / 1e9), bval = n / (median(t_base, PASSES) / 1e9);
    double expl = n / (median(t_expl, PASSES) / 1e9);
    double hl = hn * HREP / (median(t_h, PASSES) / 1e9);
    double hb = hn * HREP / (median(t_hb, PASSES) / 1e9);
    FILE *f = fopen(out_path, "w");
    if (!f)
        return 2;
    fprintf(f, "## ICD-10-PCS validation and HCPCS look-up (bench_pcs)\n\n");
    fprintf(f, "Workload: the %u valid FY2026 ICD-10-PCS codes and %u invalid ones (one "
               "character of a valid code changed), shuffled; medians of %d passes (%d for "
               "open). Baseline: a glibc hash table (hsearch_r) of the valid codes from the "
               "order file, built in the same process; it answers yes/no only, medcode's "
               "validate also names the wrong character and the values allowed there. HCPCS: "
               "the %u codes and modifiers of the CSV in random order, against a hash table "
               "of the CSV's codes.\n\n",
            n_valid, n_valid, PASSES, OPENS, hn);
    fprintf(f, "| measure | medcode | baseline | speed, medcode / baseline |\n"
               "|---|---:|---:|---:|\n");
    fprintf(f, "| open: mc_bundle_open (checksums the whole %.0f MB bundle) + mc_pcs_open, vs. "
               "the order file into a hash table | %.3f ms | %.1f ms | %.2f |\n",
            (double)mc_bundle_size(b) / 1e6, open_ms, load_ms, load_ms / open_ms);
    fprintf(f, "| of which mc_pcs_open (checks every PCS record, builds the prefix index) | "
               "%.3f ms | %.1f ms | %.1f |\n",
            pcs_open_ms, load_ms, load_ms / pcs_open_ms);
    fprintf(f, "| PCS validations per second (valid + invalid) | %.2f M/s | %.2f M/s | %.2f |\n",
            val / 1e6, bval / 1e6, val / bval);
    fprintf(f, "| PCS explanations per second (7 axes with labels, definitions) | %.2f M/s | - "
               "| - |\n",
            expl / 1e6);
    fprintf(f, "| HCPCS look-ups per second | %.2f M/s | %.2f M/s | %.2f |\n", hl / 1e6,
            hb / 1e6, hl / hb);
    fclose(f);
    printf("open %.3f ms (pcs %.3f ms; baseline load %.1f ms); validate %.2f M/s (baseline %.2f M/s); "
           "explain %.2f M/s; hcpcs %.2f M/s (baseline %.2f M/s)\n",
           open_ms, pcs_open_ms, load_ms, val / 1e6, bval / 1e6, expl / 1e6, hl / 1e6, hb / 1e6);
    free(codes);
    free(hc);
    hset_free(&base);
    hset_free(&hbase);
    mc_hcpcs_close(h);
    mc_pcs_close(p);
    mc_bundle_close(b);
    return 0;
}
