/*
 * HCC annotation of the coder (`medcode code --hcc`) and the MEAT check: the
 * gold notes of tests/golden/meat (format in its README), each expectation
 * line checked exactly; the risk look-ups it uses (coefficient, hierarchy);
 * option errors; evidence spans always slice the note.
 */
#include "harness.h"

#include "medcode/coder.h"
#include "medcode/risk.h"

#include <dirent.h>
#include <stdbool.h>

static mc_bundle *g_b;
static mc_coder *g_c;
static mc_risk *g_r;

static bool open_all(const char *path)
{
    mc_diag d = { 0 };
    if (mc_bundle_open(path, &g_b, &d) || mc_coder_open(g_b, &g_c, &d) ||
        mc_risk_open(g_b, &g_r, &d)) {
        fprintf(stderr, "  open: %s\n", d.msg);
        return false;
    }
    return true;
}

static void close_all(void)
{
    mc_risk_close(g_r);
    mc_coder_close(g_c);
    mc_bundle_close(g_b);
    g_r = NULL;
    g_c = NULL;
    g_b = NULL;
}

static const mc_coded *find_dx(const mc_coder_result *r, const char *code)
{
    for (uint32_t i = 0; i < r->n_diagnoses; i++)
        if (!strcmp(r->diagnoses[i].code, code))
            return &r->diagnoses[i];
    return NULL;
}

static char meat_letters(unsigned bit)
{
    return bit == MC_MEAT_M ? 'M' : bit == MC_MEAT_E ? 'E' : bit == MC_MEAT_A ? 'A' : 'T';
}

/* Check one expectation line against the result; returns a message or NULL. */
static const char *check_line(const mc_coder_result *r, const char *text, size_t tn,
                              const char *line, char *msg, size_t cap)
{
    char code[16] = "", rest[256] = "";
    if (!strncmp(line, "nohcc: ", 7)) {
        if (sscanf(line + 7, "%15s", code) != 1)
            return "bad nohcc line";
        const mc_coded *c = find_dx(r, code);
        if (!c)
            snprintf(msg, cap, "%s not suggested", code);
        else if (c->hcc)
            snprintf(msg, cap, "%s has an hcc annotation (HCC %u)", code, c->hcc->hcc[0].hcc);
        else
            return NULL;
        return msg;
    }
    if (!strncmp(line, "evidence: ", 10)) {
        char crit = 0;
        const char *q1 = strchr(line, '"'), *q2 = q1 ? strrchr(line, '"') : NULL;
        if (sscanf(line + 10, "%15s %c", code, &crit) != 2 || !q1 || q2 <= q1)
            return "bad evidence line";
        size_t want_n = (size_t)(q2 - q1 - 1);
        const mc_coded *c = find_dx(r, code);
        if (!c || !c->hcc) {
            snprintf(msg, cap, "%s not suggested or without hcc", code);
            return msg;
        }
        for (uint32_t j = 0; j < c->hcc->n_evidence; j++) {
            const mc_meat_evidence *e = &c->hcc->evidence[j];
            if (meat_letters(e->criterion) == crit && e->span.end <= tn &&
                e->span.end - e->span.start == want_n && !memcmp(text + e->span.start, q1 + 1, want_n))
                return NULL;
        }
        snprintf(msg, cap, "%s: no %c evidence \"%.*s\"", code, crit, (int)want_n, q1 + 1);
        return msg;
    }
    if (strncmp(line, "hcc: ", 5))
        return "unknown line";
    char hccs[64] = "";
    int k = sscanf(line + 5, "%15s %63s %255[^\n]", code, hccs, rest);
    if (k < 2)
        return "bad hcc line";
    const mc_coded *c = find_dx(r, code);
    if (!c) {
        snprintf(msg, cap, "%s not suggested", code);
        return msg;
    }
    if (!c->hcc) {
        snprintf(msg, cap, "%s has no hcc annotation", code);
        return msg;
    }
    const mc_coded_hcc *h = c->hcc;
    char got[64] = "";
    size_t gn = 0;
    for (uint32_t i = 0; i < h->n_hcc; i++)
        gn += (size_t)snprintf(got + gn, sizeof got - gn, "%s%u", i ? "," : "", h->hcc[i].hcc);
    if (strcmp(got, hccs)) {
        snprintf(msg, cap, "%s: HCCs %s, expected %s", code, got, hccs);
        return msg;
    }
    /* meat=, dropped=, query */
    char meat[8] = "-";
    unsigned dropped = 0;
    bool query = strstr(rest, "query") != NULL;
    const char *m = strstr(rest, "meat=");
    if (m)
        sscanf(m + 5, "%7[^ ]", meat);
    const char *dp = strstr(rest, "dropped=");
    if (dp)
        dropped = (unsigned)atoi(dp + 8);
    char gm[8] = "";
    size_t mn = 0;
    for (unsigned bit = 1; bit <= 8; bit <<= 1)
        if (h->meat & bit)
            gm[mn++] = meat_letters(bit);
    if (!mn)
        gm[mn++] = '-';
    gm[mn] = 0;
    if (strcmp(gm, meat)) {
        snprintf(msg, cap, "%s: MEAT %s, expected %s", code, gm, meat);
        return msg;
    }
    unsigned gd = 0;
    for (uint32_t i = 0; i < h->n_hcc; i++)
        if (h->hcc[i].dropped_by)
            gd = h->hcc[i].dropped_by;
    if (gd != dropped) {
        snprintf(msg, cap, "%s: dropped by %u, expected %u", code, gd, dropped);
        return msg;
    }
    if (h->query != query) {
        snprintf(msg, cap, "%s: query %d, expected %d", code, h->query, query);
        return msg;
    }
    if (query) {
        /* the query names the condition's code */
        bool named = false;
        for (uint32_t i = 0; i < r->n_queries && !named; i++)
            named = !strncmp(r->queries[i].about, code, strlen(code));
        if (!named) {
            snprintf(msg, cap, "%s: no query about it", code);
            return msg;
        }
    }
    return NULL;
}

typedef struct tally {
    int cases, lines, failed_lines, hcc_codes, meat_supported, queries;
} tally;

/* Evidence of every annotation slices the note, and the hcc fields are consistent. */
static const char *check_invariants(const mc_coder_result *r, size_t tn, tally *t)
{
    for (uint32_t i = 0; i < r->n_diagnoses; i++) {
        const mc_coded_hcc *h = r->diagnoses[i].hcc;
        if (!h)
            continue;
        t->hcc_codes++;
        t->meat_supported += h->meat ? 1 : 0;
        t->queries += h->query ? 1 : 0;
        if (h->n_hcc < 1 || h->n_hcc > 2)
            return "n_hcc out of range";
        if (h->query && (h->meat || !h->moves_score))
            return "query on a supported or superseded code";
        for (uint32_t j = 0; j < h->n_evidence; j++) {
            const mc_meat_evidence *e = &h->evidence[j];
            if (e->span.start >= e->span.end || e->span.end > tn)
                return "evidence span outside the note";
            if (!(h->meat & e->criterion))
                return "evidence for a criterion not met";
        }
    }
    return NULL;
}

static void run_case(const char *name, const char *model, const char *exp, size_t exp_n,
                     const char *note, size_t note_n, tally *t)
{
    mc_coder_opts o = { 0 };
    o.hcc = !strcmp(model, "V24") ? MC_CODER_HCC_V24 : MC_CODER_HCC_V28;
    o.risk = g_r;
    mc_coder_result *r = NULL;
    mc_diag d = { 0 };
    t->cases++;
    if (mc_coder_run(g_c, note, note_n, &o, &r, &d)) {
        FAILF("%s: coder failed: %s", name, d.msg);
        return;
    }
    const char *bad = check_invariants(r, note_n, t);
    if (bad)
        FAILF("%s: %s", name, bad);
    char line[512], msg[512];
    const char *p = exp, *end = exp + exp_n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ln >= sizeof line)
            ln = sizeof line - 1;
        memcpy(line, p, ln);
        line[ln] = 0;
        p = nl ? nl + 1 : end;
        if (!line[0] || !strncmp(line, "model:", 6))
            continue;
        t->lines++;
        const char *why = check_line(r, note, note_n, line, msg, sizeof msg);
        if (why) {
            t->failed_lines++;
            FAILF("%s: %s  [%s]", name, why, line);
        }
    }
    mc_coder_result_free(r);
}

/* Parse "=== id" blocks of one file and run them. */
static void run_file(const char *path, tally *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        FAILF("cannot open %s", path);
        return;
    }
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strstr(buf, "=== ");
    while (p) {
        char *next = strstr(p + 4, "\n=== ");
        char *blk_end = next ? next + 1 : buf + n;
        char *nl = strchr(p, '\n');
        if (!nl || nl > blk_end)
            break;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(nl - p - 4), p + 4);
        char *nm = strstr(nl, "\nnote:\n");
        if (!nm || nm > blk_end) {
            FAILF("%s: case %s has no note", path, name);
            return;
        }
        char model[8] = "V28";
        char *mp = strstr(nl, "\nmodel: ");
        if (mp && mp < nm)
            sscanf(mp + 8, "%7s", model);
        const char *note = nm + 7;
        run_case(name, model, nl + 1, (size_t)(nm - nl), note, (size_t)(blk_end - note), t);
        p = next ? next + 1 : NULL;
    }
}

TEST(gold_notes)
{
    NEED_BUNDLE(path, 2026);
    CHECK(open_all(path));
    tally t;
    memset(&t, 0, sizeof t);
    DIR *dir = opendir("tests/golden/meat");
    CHECK(dir != NULL);
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt"))
            continue;
        char fp[512];
        snprintf(fp, sizeof fp, "tests/golden/meat/%s", de->d_name);
        run_file(fp, &t);
    }
    closedir(dir);
    fprintf(stderr,
            "  meat gold: %d notes, %d expectation lines (%d wrong); %d HCC-annotated codes, %d "
            "with MEAT support, %d queries\n",
            t.cases, t.lines, t.failed_lines, t.hcc_codes, t.meat_supported, t.queries);
    close_all();
    CHECK_INT(t.cases, >=, 20);
    CHECK_INT(t.failed_lines, ==, 0);
}

TEST(risk_lookups)
{
    NEED_BUNDLE(path, 2026);
    CHECK(open_all(path));
    int32_t v = 0;
    /* CNA_HCC37 = 0.166, CNA_HCC226 = 0.360 (ra_coefficients_2026.csv) */
    CHECK_INT(mc_risk_hcc_coefficient(g_r, MC_HCC_V28, MC_SEG_CNA, 37, &v), ==, MC_OK);
    CHECK_INT(v, ==, 166);
    CHECK_INT(mc_risk_hcc_coefficient(g_r, MC_HCC_V28, MC_SEG_CNA, 226, &v), ==, MC_OK);
    CHECK_INT(v, ==, 360);
    CHECK_INT(mc_risk_hcc_coefficient(g_r, MC_HCC_V28, MC_SEG_CNA, 999, &v), ==, MC_ENOTFOUND);
    CHECK_INT(mc_risk_hcc_coefficient(g_r, MC_HCC_V28, MC_SEG_NE, 37, &v), ==, MC_ENOTFOUND);
    CHECK_INT(mc_risk_hcc_coefficient(g_r, MC_HCC_V28, MC_SEG_AUTO, 37, &v), ==, MC_EINVAL);
    /* V28: 35 > 36 > 37 > 38; 222 > 223..227 */
    uint16_t h[] = { 38, 37, 226, 222, 48, 38 }, by[6];
    CHECK_INT(mc_risk_hcc_hierarchy(g_r, MC_HCC_V28, h, 6, by), ==, MC_OK);
    CHECK_INT(by[0], ==, 37);
    CHECK_INT(by[1], ==, 0);
    CHECK_INT(by[2], ==, 222);
    CHECK_INT(by[3], ==, 0);
    CHECK_INT(by[4], ==, 0);
    CHECK_INT(by[5], ==, 37);
    /* V24: 17 > 18 > 19 */
    uint16_t h24[] = { 19, 17 };
    CHECK_INT(mc_risk_hcc_hierarchy(g_r, MC_HCC_V24, h24, 2, by), ==, MC_OK);
    CHECK_INT(by[0], ==, 17);
    CHECK_INT(by[1], ==, 0);
    CHECK_INT(mc_risk_hcc_hierarchy(g_r, MC_HCC_V24, NULL, 0, NULL), ==, MC_OK);
    close_all();
}

TEST(options)
{
    NEED_BUNDLE(path, 2026);
    CHECK(open_all(path));
    const char *note = "Assessment: Type 2 diabetes mellitus without complications, stable.";
    mc_coder_opts o = { 0 };
    mc_coder_result *r = NULL;
    mc_diag d = { 0 };
    /* the annotation needs the risk tables */
    o.hcc = MC_CODER_HCC_V28;
    CHECK_INT(mc_coder_run(g_c, note, strlen(note), &o, &r, &d), ==, MC_EINVAL);
    CHECK(r == NULL);
    o.risk = g_r;
    o.hcc = (mc_coder_hcc)7;
    CHECK_INT(mc_coder_run(g_c, note, strlen(note), &o, &r, &d), ==, MC_EINVAL);
    /* off: no annotation, no hcc fields in JSON */
    o.hcc = MC_CODER_HCC_OFF;
    CHECK_INT(mc_coder_run(g_c, note, strlen(note), &o, &r, &d), ==, MC_OK);
    CHECK(r->n_diagnoses >= 1);
    CHECK(r->diagnoses[0].hcc == NULL);
    char *js = NULL;
    size_t jn = 0;
    CHECK_INT(mc_coder_result_json(r, note, strlen(note), &js, &jn), ==, MC_OK);
    CHECK(strstr(js, "\"hcc") == NULL);
    free(js);
    mc_coder_result_free(r);
    /* on: E11.9 -> V28 HCC 38, M from "stable" */
    o.hcc = MC_CODER_HCC_V28;
    CHECK_INT(mc_coder_run(g_c, note, strlen(note), &o, &r, &d), ==, MC_OK);
    CHECK_INT(r->hcc, ==, MC_CODER_HCC_V28);
    CHECK_INT(r->hcc_payment_year, ==, 2026);
    const mc_coded *c = find_dx(r, "E11.9");
    CHECK(c && c->hcc);
    CHECK_INT(c->hcc->hcc[0].hcc, ==, 38);
    CHECK_INT(c->hcc->hcc[0].coefficient_milli, ==, 166);
    CHECK_INT(c->hcc->meat, ==, MC_MEAT_M);
    CHECK_INT(mc_coder_result_json(r, note, strlen(note), &js, &jn), ==, MC_OK);
    CHECK(strstr(js, "\"hcc_model\":\"V28\",\"hcc_payment_year\":2026") != NULL);
    CHECK(strstr(js, "\"hcc\":{\"hccs\":[{\"hcc\":38,\"label\":\"Diabetes with Glycemic, "
                     "Unspecified, or No Complications\",\"coefficient\":0.166,\"dropped_by\":null}]") !=
          NULL);
    CHECK(strstr(js, "{\"criterion\":\"M\",\"start\":60,\"end\":66,\"text\":\"stable\"") != NULL);
    free(js);
    mc_coder_result_free(r);
    close_all();
}

int main(void)
{
    RUN(risk_lookups);
    RUN(options);
    RUN(gold_notes);
    return harness_done();
}
