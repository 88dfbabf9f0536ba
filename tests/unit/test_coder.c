/*
 * Tests of clinical text analysis (sections, sentences, assertion) and of the
 * coder on the gold set the .txt files of tests/golden/coding (format in its README):
 * micro precision, recall and exact-match rate over every case, each checked
 * against a floor measured when the set was written (raise them as the coder
 * improves; a drop below them is a regression). MEDCODE_GOLDEN_VERBOSE=1
 * prints every case that differs.
 */
#include "harness.h"

#include "base/base_int.h"
#include "medcode/coder.h"
#include "nlp/nlp.h"

#include <dirent.h>
#include <stdbool.h>

/* Measured floors for the gold set (see docs/coder.md for the current figures). */
#define GOLD_MIN_PRECISION 0.90
#define GOLD_MIN_RECALL 0.90
#define GOLD_MIN_EXACT 0.85
#define GOLD_MIN_PX_RECALL 0.90
#define GOLD_MIN_PX_PRECISION 0.90

static unsigned assert_of(const char *text, const char *mention)
{
    mc__arena a;
    mc__arena_init(&a, 0, 1 << 24);
    mc_nlp_doc *doc;
    unsigned flags = 0xffff;
    if (mc__nlp_analyze(text, strlen(text), &a, &doc) == MC_OK) {
        const char *at = strstr(text, mention);
        uint32_t s0 = (uint32_t)(at - text), s1 = s0 + (uint32_t)strlen(mention);
        uint32_t first = UINT32_MAX, last = 0, sent = 0;
        for (uint32_t i = 0; i < doc->n_tokens; i++)
            if (doc->tokens[i].start >= s0 && doc->tokens[i].end <= s1) {
                if (first == UINT32_MAX)
                    first = i;
                last = i;
                sent = doc->tokens[i].sentence;
            }
        uint32_t trig;
        if (first != UINT32_MAX)
            flags = mc__nlp_assert(doc, sent, first, last, &trig);
    }
    mc__arena_free(&a);
    return flags;
}

TEST(assertion)
{
    CHECK_INT(assert_of("Denies chest pain or fever.", "fever"), ==, MC_ASSERT_NEGATED);
    CHECK_INT(assert_of("No evidence of pneumonia.", "pneumonia"), ==, MC_ASSERT_NEGATED);
    CHECK_INT(assert_of("Pulmonary embolism was ruled out.", "embolism"), ==, MC_ASSERT_NEGATED);
    CHECK_INT(assert_of("Probable pneumonia.", "pneumonia"), ==, MC_ASSERT_UNCERTAIN);
    CHECK_INT(assert_of("Rule out appendicitis.", "appendicitis"), ==, MC_ASSERT_UNCERTAIN);
    CHECK_INT(assert_of("Mother has breast cancer.", "cancer"), ==, MC_ASSERT_FAMILY);
    CHECK_INT(assert_of("History of stroke.", "stroke"), ==, MC_ASSERT_HISTORICAL);
    CHECK_INT(assert_of("Return if fever develops.", "fever"), ==, MC_ASSERT_HYPOTHETICAL);
    CHECK_INT(assert_of("Hypertension.", "Hypertension"), ==, 0);
    /* scope ends at "but" and at a new clause */
    CHECK_INT(assert_of("No fever but has cough.", "cough"), ==, 0);
    CHECK_INT(assert_of("No change in the rash.", "rash"), ==, 0);
    /* section defaults */
    CHECK_INT(assert_of("FAMILY HISTORY: Diabetes.\n", "Diabetes"), ==, MC_ASSERT_FAMILY);
    CHECK_INT(assert_of("Past medical history: Asthma.\n", "Asthma"), ==, MC_ASSERT_HISTORICAL);
}

TEST(sections_and_sentences)
{
    const char *t = "CHIEF COMPLAINT: Cough.\nHISTORY OF PRESENT ILLNESS:, Dr. Smith saw a "
                    "68-year-old man. He has 3.5 cm mass.  PAST MEDICAL HISTORY:,  Asthma.\n"
                    "Assessment/Plan:\n1. COPD\n2. HTN\n";
    mc__arena a;
    mc__arena_init(&a, 0, 1 << 24);
    mc_nlp_doc *doc;
    CHECK_INT(mc__nlp_analyze(t, strlen(t), &a, &doc), ==, MC_OK);
    CHECK_INT(doc->n_sections, ==, 5);
    CHECK_INT(doc->sections[1].kind, ==, MC_SEC_CC);
    CHECK_INT(doc->sections[2].kind, ==, MC_SEC_HPI);
    CHECK_INT(doc->sections[3].kind, ==, MC_SEC_PMH);
    CHECK_INT(doc->sections[4].kind, ==, MC_SEC_ASSESSMENT);
    /* "Dr. Smith" and "3.5" do not split; the numbered list does */
    uint32_t hpi = 0, items = 0;
    for (uint32_t i = 0; i < doc->n_sentences; i++) {
        if (doc->sentences[i].section == 2)
            hpi++;
        if (doc->sentences[i].section == 4)
            items++;
    }
    CHECK_INT(hpi, ==, 2);
    CHECK_INT(items, ==, 2);
    /* every token inside the text */
    for (uint32_t i = 0; i < doc->n_tokens; i++)
        CHECK(doc->tokens[i].end <= strlen(t) && doc->tokens[i].start < doc->tokens[i].end);
    mc__arena_free(&a);
}

TEST(bad_text)
{
    mc_diag d = { 0 };
    CHECK_INT(mc__nlp_check_text("ok\xff", 3, &d), ==, MC_EFORMAT);
    CHECK_INT(mc__nlp_check_text("a\0b", 3, &d), ==, MC_EFORMAT);
    CHECK_INT(mc__nlp_check_text("Caf\xc3\xa9 ok", 8, &d), ==, MC_OK);
}

/* ---- gold set ---- */
typedef struct gcase {
    char id[96];
    bool inpatient;
    char expect[32][10];
    int n_expect;
    char px[16][10];
    int n_px;
    const char *note;
    size_t note_n;
} gcase;

static int split_codes(const char *p, char out[][10], int cap)
{
    int k = 0;
    while (*p && *p != '\n' && k < cap) {
        while (*p == ' ')
            p++;
        int j = 0;
        while (*p && *p != ' ' && *p != '\n' && j < 9)
            out[k][j++] = *p++;
        out[k][j] = 0;
        if (j)
            k++;
    }
    return k;
}

typedef struct tally {
    double tp, fp, fn, ptp, pfn, pfp;
    int cases, exact, principal_ok, principal_cases;
} tally;

static void run_case(const mc_coder *c, const gcase *g, tally *t, bool verbose)
{
    mc_coder_opts o = { 0 };
    o.setting = g->inpatient ? MC_SETTING_INPATIENT : MC_SETTING_OUTPATIENT;
    mc_coder_result *r = NULL;
    mc_diag d = { 0 };
    if (mc_coder_run(c, g->note, g->note_n, &o, &r, &d) != MC_OK) {
        FAILF("%s: %s", g->id, d.msg);
        return;
    }
    int tp = 0;
    for (uint32_t i = 0; i < r->n_diagnoses; i++) {
        bool hit = false;
        for (int j = 0; j < g->n_expect && !hit; j++)
            hit = !strcmp(r->diagnoses[i].code, g->expect[j]);
        tp += hit;
    }
    int ptp = 0;
    for (uint32_t i = 0; i < r->n_procedures; i++) {
        bool hit = false;
        for (int j = 0; j < g->n_px && !hit; j++)
            hit = !strcmp(r->procedures[i].code, g->px[j]);
        ptp += hit;
    }
    t->tp += tp;
    t->fp += r->n_diagnoses - (uint32_t)tp;
    t->fn += g->n_expect - tp;
    t->ptp += ptp;
    t->pfp += r->n_procedures - (uint32_t)ptp;
    t->pfn += g->n_px - ptp;
    t->cases++;
    bool exact = tp == g->n_expect && (int)r->n_diagnoses == g->n_expect && ptp == g->n_px &&
                 (int)r->n_procedures == g->n_px;
    if (g->inpatient && g->n_expect) {
        t->principal_cases++;
        t->principal_ok += r->n_diagnoses && !strcmp(r->diagnoses[0].code, g->expect[0]) &&
                           r->diagnoses[0].principal;
    }
    t->exact += exact;
    if (verbose && !exact) {
        fprintf(stderr, "  %-36s expect", g->id);
        for (int j = 0; j < g->n_expect; j++)
            fprintf(stderr, " %s", g->expect[j]);
        for (int j = 0; j < g->n_px; j++)
            fprintf(stderr, " +%s", g->px[j]);
        fprintf(stderr, " | got");
        for (uint32_t i = 0; i < r->n_diagnoses; i++)
            fprintf(stderr, " %s", r->diagnoses[i].code);
        for (uint32_t i = 0; i < r->n_procedures; i++)
            fprintf(stderr, " +%s", r->procedures[i].code);
        fputc('\n', stderr);
    }
    /* evidence spans are slices of the note */
    for (uint32_t i = 0; i < r->n_diagnoses; i++)
        for (uint32_t j = 0; j < r->diagnoses[i].n_evidence; j++)
            if (r->diagnoses[i].evidence[j].end > g->note_n)
                FAILF("%s: evidence outside the note", g->id);
    mc_coder_result_free(r);
}

static void run_file(const mc_coder *c, const char *path, tally *t, bool verbose)
{
    char *text;
    size_t n;
    if (mc__read_file(path, 0, &text, &n, NULL))
        return;
    char *p = text;
    while ((p = strstr(p, "=== "))) {
        gcase g;
        memset(&g, 0, sizeof g);
        char *eol = strchr(p, '\n');
        if (!eol)
            break;
        snprintf(g.id, sizeof g.id, "%.*s", (int)(eol - p - 4), p + 4);
        char *q = eol + 1;
        while (*q && strncmp(q, "note:", 5) != 0 && strncmp(q, "=== ", 4) != 0) {
            if (!strncmp(q, "setting: ", 9))
                g.inpatient = !strncmp(q + 9, "inpatient", 9);
            else if (!strncmp(q, "expect: ", 8))
                g.n_expect = split_codes(q + 8, g.expect, 32);
            else if (!strncmp(q, "procedures: ", 12))
                g.n_px = split_codes(q + 12, g.px, 16);
            char *nl = strchr(q, '\n');
            q = nl ? nl + 1 : q + strlen(q);
        }
        if (strncmp(q, "note:", 5) != 0) {
            p = q;
            continue;
        }
        q = strchr(q, '\n');
        if (!q)
            break;
        q++;
        char *end = strstr(q, "\n=== ");
        g.note = q;
        g.note_n = end ? (size_t)(end - q) + 1 : strlen(q);
        run_case(c, &g, t, verbose);
        p = end ? end + 1 : q + g.note_n;
    }
    free(text);
}

TEST(gold_set)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_coder *c;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    CHECK_INT(mc_coder_open(b, &c, &d), ==, MC_OK);
    tally t;
    memset(&t, 0, sizeof t);
    bool verbose = getenv("MEDCODE_GOLDEN_VERBOSE") != NULL;
    DIR *dir = opendir("tests/golden/coding");
    CHECK(dir != NULL);
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt"))
            continue;
        char fp[512];
        snprintf(fp, sizeof fp, "tests/golden/coding/%s", de->d_name);
        run_file(c, fp, &t, verbose);
    }
    closedir(dir);
    double p = t.tp / (t.tp + t.fp + 1e-9), r = t.tp / (t.tp + t.fn + 1e-9);
    double pr = t.ptp / (t.ptp + t.pfn + 1e-9), pp = t.ptp / (t.ptp + t.pfp + 1e-9);
    fprintf(stderr,
            "  gold set: %d cases; diagnoses P %.3f R %.3f F1 %.3f; exact match %.3f; "
            "principal %d/%d; procedures P %.3f R %.3f\n",
            t.cases, p, r, 2 * p * r / (p + r + 1e-9), (double)t.exact / t.cases, t.principal_ok,
            t.principal_cases, pp, pr);
    mc_coder_close(c);
    mc_bundle_close(b);
    CHECK_INT(t.cases, >=, 150);
    CHECK(p >= GOLD_MIN_PRECISION);
    CHECK(r >= GOLD_MIN_RECALL);
    CHECK((double)t.exact / t.cases >= GOLD_MIN_EXACT);
    CHECK(pr >= GOLD_MIN_PX_RECALL);
    CHECK(pp >= GOLD_MIN_PX_PRECISION);
}

/* ICD-10-PCS axis by axis: evidence of each axis, rationale naming table and axes, queries. */
static const mc_coded *find_px(const mc_coder_result *r, const char *code)
{
    for (uint32_t i = 0; i < r->n_procedures; i++)
        if (!strcmp(r->procedures[i].code, code))
            return &r->procedures[i];
    return NULL;
}

static bool has_evidence(const mc_coded *c, const char *text, const char *words)
{
    for (uint32_t i = 0; i < c->n_evidence; i++)
        if (c->evidence[i].end - c->evidence[i].start == strlen(words) &&
            !memcmp(text + c->evidence[i].start, words, strlen(words)))
            return true;
    return false;
}

TEST(pcs_axis)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_coder *c;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    CHECK_INT(mc_coder_open(b, &c, &d), ==, MC_OK);
    mc_coder_opts o = { 0 };
    o.setting = MC_SETTING_INPATIENT;
    mc_coder_result *r;
    /* approach from "laparoscopic", body part from the root operation's word */
    const char *t1 = "Procedure: Laparoscopic cholecystectomy.\n";
    CHECK_INT(mc_coder_run(c, t1, strlen(t1), &o, &r, &d), ==, MC_OK);
    const mc_coded *px = find_px(r, "0FT44ZZ");
    CHECK(px != NULL);
    if (px) {
        CHECK(has_evidence(px, t1, "Laparoscopic"));
        CHECK(has_evidence(px, t1, "cholecystectomy"));
        CHECK(strstr(px->rationale, "table 0FT") != NULL);
        CHECK(strstr(px->rationale, "Percutaneous Endoscopic (4) from 'Laparoscopic'") != NULL);
    }
    mc_coder_result_free(r);
    /* side and device: Reposition with internal fixation; the side word is evidence */
    const char *t2 = "Procedure: Open reduction internal fixation of left distal radius fracture "
                     "with plate and screws.\n";
    CHECK_INT(mc_coder_run(c, t2, strlen(t2), &o, &r, &d), ==, MC_OK);
    px = find_px(r, "0PSJ04Z");
    CHECK(px != NULL);
    if (px)
        CHECK(has_evidence(px, t2, "left"));
    mc_coder_result_free(r);
    /* no approach documented: no code, a query naming the approach */
    const char *t3 = "Procedure: Appendectomy.\n";
    CHECK_INT(mc_coder_run(c, t3, strlen(t3), &o, &r, &d), ==, MC_OK);
    CHECK_INT(r->n_procedures, ==, 0);
    bool asked = false;
    for (uint32_t i = 0; i < r->n_queries; i++)
        asked |= strstr(r->queries[i].question, "Approach") != NULL;
    CHECK(asked);
    mc_coder_result_free(r);
    /* a bilateral procedure without a bilateral value: one code per side (B4.3) */
    const char *t4 = "Procedure: Bilateral thoracentesis, percutaneous.\n";
    CHECK_INT(mc_coder_run(c, t4, strlen(t4), &o, &r, &d), ==, MC_OK);
    CHECK(find_px(r, "0W993ZZ") != NULL);
    CHECK(find_px(r, "0W9B3ZZ") != NULL);
    mc_coder_result_free(r);
    /* planned: not coded */
    const char *t5 = "Plan: laparoscopic cholecystectomy next week.\n";
    CHECK_INT(mc_coder_run(c, t5, strlen(t5), &o, &r, &d), ==, MC_OK);
    CHECK_INT(r->n_procedures, ==, 0);
    mc_coder_result_free(r);
    mc_coder_close(c);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(assertion);
    RUN(sections_and_sentences);
    RUN(bad_text);
    RUN(gold_set);
    RUN(pcs_axis);
    return harness_done();
}
