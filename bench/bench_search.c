/*
 * Search benchmark: medcode search against SQLite FTS5 on the same corpus and
 * the same queries, in one process.
 *
 *   bench_search OUTPUT.md [queries.tsv]
 *
 * Corpus: every code of the FY2026 bundle's SRCH section (ICD-10-CM,
 * ICD-10-PCS, HCPCS) with the same texts medcode searches: title,
 * inclusion terms, Alphabetic Index paths. FTS5 gets one row per code with
 * those three texts as columns (porter + unicode61 tokenizer), ranked by
 * bm25() with the same field weights medcode uses; the query's words are
 * OR-ed (quoted), which gives FTS5 its best recall on this set.
 *
 * Quality: recall@1, recall@5 and MRR (reciprocal rank in the top 10) over
 * bench/search/queries.tsv. Speed: every query run ROUNDS times through
 * each engine; queries/s is the median over rounds, p50/p99 are over every
 * single query timing. Accepted codes are checked against the bundle first.
 */
#include "base/base_int.h"
#include "medcode/codeset.h"
#include "medcode/search.h"
#include "search/search_int.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 7, TOPK = 10, MAXQ = 2000 };

typedef struct query {
    char *text;
    char *accepted; /* comma-separated */
    char *kind;
} query;

typedef struct stats {
    double r1, r5, mrr, qps, p50, p99;
    double p99_best; /* p99 over queries of each query's fastest round (scheduler noise removed) */
} stats;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Is code (dotted) accepted by the comma list (entries may end in '*')? */
static bool accepted(const char *list, const char *code)
{
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && p[n - 1] == '*') {
            if (!strncmp(code, p, n - 1))
                return true;
        } else if (strlen(code) == n && !strncmp(code, p, n)) {
            return true;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

/* Rank (1-based) of the first accepted code in codes[0..n), 0 when none. */
static int first_rank(const query *q, char codes[][9], int n)
{
    for (int i = 0; i < n; i++)
        if (accepted(q->accepted, codes[i]))
            return i + 1;
    return 0;
}

static int load_queries(const char *path, query *qs, int *nq)
{
    char *text;
    size_t n;
    mc_diag d = { 0 };
    if (mc__read_file(path, 1 << 22, &text, &n, &d)) {
        fprintf(stderr, "bench_search: %s\n", d.msg);
        return 1;
    }
    *nq = 0;
    for (char *line = strtok(text, "\n"); line && *nq < MAXQ; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) {
            fprintf(stderr, "bench_search: bad line: %s\n", line);
            return 1;
        }
        *t1 = *t2 = '\0';
        qs[*nq].text = line;
        qs[*nq].accepted = t1 + 1;
        qs[*nq].kind = t2 + 1;
        (*nq)++;
    }
    return 0; /* text stays allocated for the queries */
}

/* Every accepted code must exist in the bundle: a code, or a prefix of codes. */
static int verify(const mc_codeset *cs, const query *qs, int nq)
{
    int bad = 0;
    for (int i = 0; i < nq; i++) {
        char list[512];
        mc__strlcpy(list, qs[i].accepted, sizeof list);
        for (char *a = strtok(list, ","); a; a = strtok(NULL, ",")) {
            size_t n = strlen(a);
            bool prefix = n && a[n - 1] == '*';
            char key[16];
            size_t k = 0;
            for (size_t j = 0; j < n - prefix && k < 15; j++)
                if (a[j] != '.')
                    key[k++] = a[j];
            key[k] = '\0';
            uint32_t first, count = 0;
            mc_cm_code c;
            int ok = prefix ? (mc_cm_prefix_range(cs, key, k, &first, &count) == MC_OK && count)
                            : mc_cm_lookup(cs, a, n, &c) == MC_OK;
            if (!ok) {
                fprintf(stderr, "bench_search: '%s': accepted code %s is not in the bundle\n",
                        qs[i].text, a);
                bad++;
            }
        }
    }
    return bad;
}

/* ---- FTS5 ---- */

static int fts_load(sqlite3 *db, const mc_search *s)
{
    char *err = NULL;
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE VIRTUAL TABLE t USING fts5(code UNINDEXED, title, inclusion, idx,"
                     " tokenize='porter unicode61');",
                     NULL, NULL, &err)) {
        fprintf(stderr, "bench_search: sqlite: %s\n", err);
        return 1;
    }
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO t(code,title,inclusion,idx) VALUES(?,?,?,?)", -1, &ins,
                       NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    mc__buf f[3];
    uint32_t si = 0;
    for (uint32_t d = 0; d < s->n_docs; d++) {
        for (int k = 0; k < 3; k++) {
            mc__buf_init(&f[k], 0);
            mc__buf_append(&f[k], "", 0);
        }
        while (si < s->n_snips && mc__rd32(sr_snip(s, si)) == d) {
            const unsigned char *r = sr_snip(s, si);
            unsigned field = r[10] < 3 ? r[10] : 2;
            if (f[field].n)
                mc__buf_puts(&f[field], " ; ");
            mc__buf_append(&f[field], s->text + mc__rd32(r + 4), mc__rd16(r + 8));
            si++;
        }
        mc_search_hit h;
        mc__sr_fill_hit(s, d, &h);
        sqlite3_bind_text(ins, 1, h.code, -1, SQLITE_TRANSIENT);
        for (int k = 0; k < 3; k++)
            sqlite3_bind_text(ins, 2 + k, f[k].p, (int)f[k].n, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "bench_search: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(ins);
        for (int k = 0; k < 3; k++)
            mc__buf_free(&f[k]);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(ins);
    return 0;
}

/* The query as an FTS5 expression: each word quoted, OR-ed. */
static void fts_expr(const char *q, char *out, size_t cap)
{
    size_t w = 0;
    mc_tokenizer tk;
    mc_token t;
    mc_tokenizer_init(&tk, q, strlen(q));
    out[0] = '\0';
    while (mc_tokenizer_next(&tk, &t)) {
        size_t need = (t.end - t.start) * 2 + 8;
        if (w + need >= cap)
            break;
        if (w)
            w += (size_t)snprintf(out + w, cap - w, " OR ");
        out[w++] = '"';
        for (uint32_t i = t.start; i < t.end; i++) {
            if (q[i] == '"')
                out[w++] = '"';
            out[w++] = q[i];
        }
        out[w++] = '"';
        out[w] = '\0';
    }
}

static int fts_query(sqlite3_stmt *st, const char *expr, char codes[][9])
{
    int n = 0;
    if (!expr[0])
        return 0;
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    while (n < TOPK && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *c = sqlite3_column_text(st, 0);
        mc__strlcpy(codes[n++], c ? (const char *)c : "", 9);
    }
    sqlite3_reset(st);
    return n;
}

/* ---- runs ---- */

typedef int (*run_fn)(void *ctx, const char *q, char codes[][9]);

static int run_medcode(void *ctx, const char *q, char codes[][9])
{
    mc_search_result r;
    mc_search_opts o = { .systems = MC_SYS_ALL, .limit = TOPK };
    if (mc_search_query(ctx, q, strlen(q), &o, &r, NULL))
        return 0;
    for (uint32_t i = 0; i < r.n; i++)
        memcpy(codes[i], r.hits[i].code, 9);
    return (int)r.n;
}

typedef struct fts_ctx {
    sqlite3_stmt *st;
    char expr[4096];
} fts_ctx;

static int run_fts(void *ctx, const char *q, char codes[][9])
{
    fts_ctx *f = ctx;
    fts_expr(q, f->expr, sizeof f->expr);
    return fts_query(f->st, f->expr, codes);
}

static void measure(const char *name, run_fn fn, void *ctx, const query *qs, int nq, stats *st,
                    FILE *misses)
{
    char codes[TOPK][9];
    int hit1 = 0, hit5 = 0;
    double rr = 0;
    for (int i = 0; i < nq; i++) {
        int n = fn(ctx, qs[i].text, codes);
        int r = first_rank(&qs[i], codes, n);
        hit1 += r == 1;
        hit5 += r >= 1 && r <= 5;
        rr += r ? 1.0 / r : 0;
        if (misses && (r == 0 || r > 5))
            fprintf(misses, "%s miss@5\t%s\t%s\t%s\n", name, qs[i].kind, qs[i].text,
                    n ? codes[0] : "-");
    }
    st->r1 = (double)hit1 / nq;
    st->r5 = (double)hit5 / nq;
    st->mrr = rr / nq;
    uint64_t *lat = malloc(sizeof(uint64_t) * (size_t)nq * ROUNDS);
    double qps[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t t0 = mc__now_ns();
        for (int i = 0; i < nq; i++) {
            uint64_t a = mc__now_ns();
            fn(ctx, qs[i].text, codes);
            lat[round * nq + i] = mc__now_ns() - a;
        }
        qps[round] = nq / ((double)(mc__now_ns() - t0) / 1e9);
    }
    qsort(qps, ROUNDS, sizeof qps[0], cmp_d);
    size_t total = (size_t)nq * ROUNDS;
    st->qps = qps[ROUNDS / 2];
    uint64_t *best = malloc(sizeof(uint64_t) * (size_t)nq);
    for (int i = 0; i < nq; i++) {
        best[i] = UINT64_MAX;
        for (int round = 0; round < ROUNDS; round++)
            if (lat[round * nq + i] < best[i])
                best[i] = lat[round * nq + i];
    }
    qsort(best, (size_t)nq, sizeof best[0], cmp_u64);
    st->p99_best = (double)best[(size_t)nq * 99 / 100] / 1e3;
    free(best);
    qsort(lat, total, sizeof lat[0], cmp_u64);
    st->p50 = (double)lat[total / 2] / 1e3;
    st->p99 = (double)lat[total * 99 / 100] / 1e3;
    free(lat);
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "bench/results/bench_search.md";
    const char *qpath = argc > 2 ? argv[2] : "bench/search/queries.tsv";
    static query qs[MAXQ];
    int nq;
    if (load_queries(qpath, qs, &nq))
        return 1;
    const char *dir = mc_bundle_dir();
    char path[1024];
    mc_bundle_path(dir, 2026, path, sizeof path);
    mc_bundle *b;
    mc_diag d = { 0 };
    if (mc_bundle_open(path, &b, &d)) {
        fprintf(stderr, "bench_search: %s (run 'make bundles')\n", d.msg);
        return 1;
    }
    mc_codeset *cs;
    mc_search *s;
    mc_search_ctx *c;
    if (mc_codeset_open(b, &cs, &d) || mc_search_open(b, &s, &d) || mc_search_ctx_new(s, &c)) {
        fprintf(stderr, "bench_search: %s\n", d.msg);
        return 1;
    }
    int bad = verify(cs, qs, nq);
    if (bad) {
        fprintf(stderr, "bench_search: %d accepted codes are not in the FY2026 bundle\n", bad);
        return 1;
    }
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    uint64_t t0 = mc__now_ns();
    if (fts_load(db, s))
        return 1;
    double load_ms = (double)(mc__now_ns() - t0) / 1e6;
    fts_ctx f;
    if (sqlite3_prepare_v2(db,
                           "SELECT code FROM t WHERE t MATCH ?1 ORDER BY bm25(t, 1.0, 0.9, 0.95)"
                           " LIMIT 10",
                           -1, &f.st, NULL)) {
        fprintf(stderr, "bench_search: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    FILE *misses = getenv("BENCH_SEARCH_MISSES") ? stderr : NULL;
    stats m, x;
    measure("medcode", run_medcode, c, qs, nq, &m, misses);
    measure("fts5", run_fts, &f, qs, nq, &x, misses);

    /* per-kind recall@5 */
    const char *kinds[] = { "lay", "abbr", "typo", "prefix", "phrase", "term" };
    char kind_rows[2048];
    size_t kw = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int n = 0, h_m = 0, h_f = 0;
        char codes[TOPK][9];
        for (int i = 0; i < nq; i++) {
            if (strcmp(qs[i].kind, kinds[k]))
                continue;
            n++;
            int r = first_rank(&qs[i], codes, run_medcode(c, qs[i].text, codes));
            h_m += r >= 1 && r <= 5;
            r = first_rank(&qs[i], codes, run_fts(&f, qs[i].text, codes));
            h_f += r >= 1 && r <= 5;
        }
        if (n)
            kw += (size_t)snprintf(kind_rows + kw, sizeof kind_rows - kw,
                                   "| %s | %d | %.3f | %.3f |\n", kinds[k], n,
                                   (double)h_m / n, (double)h_f / n);
    }

    FILE *o = fopen(out, "w");
    if (!o) {
        fprintf(stderr, "bench_search: cannot write %s\n", out);
        return 1;
    }
    fprintf(o, "## Search: medcode vs SQLite FTS5\n\n");
    fprintf(o, "%d queries (`bench/search/queries.tsv`: lay terms, abbreviations, misspellings, "
               "code prefixes, clinical phrases) over the FY2026 bundle: %u codes (ICD-10-CM, "
               "ICD-10-PCS, HCPCS) with titles, inclusion terms and Alphabetic Index paths. "
               "Baseline: SQLite %s FTS5 in the same process on the same texts (one row per "
               "code; title, inclusion, index columns; porter tokenizer; bm25 with the same "
               "field weights; query words OR-ed), loaded in %.0f ms. Top 10 per query, "
               "all systems. Speed: %d rounds, queries/s is the median round, latency "
               "percentiles over all %d timings, one thread.\n\n",
            nq, mc_search_doc_count(s), sqlite3_libversion(), load_ms, ROUNDS, nq * ROUNDS);
    fprintf(o, "| engine | recall@1 | recall@5 | MRR | queries/s | p50 µs | p99 µs | p99 µs, "
               "best of %d |\n",
            ROUNDS);
    fprintf(o, "|---|---|---|---|---|---|---|---|\n");
    fprintf(o, "| medcode search | %.3f | %.3f | %.3f | %.0f | %.1f | %.1f | %.1f |\n", m.r1, m.r5,
            m.mrr, m.qps, m.p50, m.p99, m.p99_best);
    fprintf(o, "| SQLite FTS5 (bm25, porter) | %.3f | %.3f | %.3f | %.0f | %.1f | %.1f | %.1f |\n",
            x.r1, x.r5, x.mrr, x.qps, x.p50, x.p99, x.p99_best);
    double load[3] = { 0, 0, 0 };
    getloadavg(load, 3);
    fprintf(o, "\nmedcode/FTS5 speed ratio: %.1fx queries per second. Machine load average "
               "during the run: %.1f (1 min), %.1f (5 min); tail latencies on a loaded shared "
               "machine include time the process was not scheduled.\n\n",
            m.qps / x.qps, load[0], load[1]);
    fprintf(o, "Recall@5 by kind of query:\n\n| kind | queries | medcode | FTS5 |\n|---|---|---|---|\n%s",
            kind_rows);
    fclose(o);
    printf("medcode: r@1 %.3f r@5 %.3f MRR %.3f  %.0f q/s  p50 %.1f us  p99 %.1f us (best-of "
           "rounds p99 %.1f us)\n",
           m.r1, m.r5, m.mrr, m.qps, m.p50, m.p99, m.p99_best);
    printf("fts5:    r@1 %.3f r@5 %.3f MRR %.3f  %.0f q/s  p50 %.1f us  p99 %.1f us\n", x.r1,
           x.r5, x.mrr, x.qps, x.p50, x.p99);
    printf("wrote %s\n", out);
    sqlite3_finalize(f.st);
    sqlite3_close(db);
    mc_search_ctx_free(c);
    mc_search_close(s);
    mc_codeset_close(cs);
    mc_bundle_close(b);
    return 0;
}
