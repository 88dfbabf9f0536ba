/*
 * Risk adjustment tests: the golden CMS-HCC patients and comorbidity records
 * in tests/golden/risk/ (hcc.tsv, comorbidity.tsv) (expected values computed by hand from the CMS
 * and AHRQ tables), the code -> HCC API, the parsers, and damaged RSK
 * sections (the reader must refuse them, never crash).
 */
#include "harness.h"

#include "bundle/bundle_int.h"
#include "medcode/codeset.h"
#include "medcode/risk.h"
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    mc_bundle *b, *prev;
    mc_risk *r;
    mc_codeset *cs[2];
    uint32_t n_cs;
    mc_dx_valid *valid;
} fixture;

static int fx_open(fixture *f, const char *path)
{
    memset(f, 0, sizeof *f);
    mc_diag d = { 0 };
    if (mc_bundle_open(path, &f->b, &d) || mc_risk_open(f->b, &f->r, &d)) {
        fprintf(stderr, "  %s\n", d.msg);
        return -1;
    }
    if (mc_codeset_open(f->b, &f->cs[f->n_cs], &d) == MC_OK)
        f->n_cs++;
    const char *p25 = harness_bundle(2025);
    if (p25 && mc_bundle_open(p25, &f->prev, &d) == MC_OK &&
        mc_codeset_open(f->prev, &f->cs[f->n_cs], &d) == MC_OK)
        f->n_cs++;
    return mc_dx_valid_new((const mc_codeset *const *)f->cs, f->n_cs, &f->valid) ? -1 : 0;
}

static void fx_close(fixture *f)
{
    for (int i = 0; i < 2; i++)
        mc_codeset_close(f->cs[i]);
    mc_dx_valid_free(f->valid);
    mc_risk_close(f->r);
    mc_bundle_close(f->prev);
    mc_bundle_close(f->b);
}

/* Split a line on tabs in place. */
static int split(char *line, char **cols, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        cols[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    char *nl = strchr(cols[n - 1], '\n');
    if (nl)
        *nl = '\0';
    return n;
}

static int64_t parse_milli(const char *s)
{
    int32_t v = 0;
    char buf[32];
    size_t n = strcspn(s, " ");
    if (n >= sizeof buf)
        return INT64_MIN;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return mc__milli(buf, &v) ? v : INT64_MIN;
}

static void fmt_list(char *out, size_t cap, const uint16_t *h, uint32_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%u", i ? " " : "", h[i]);
}

/* "VAR=0.123 + VAR=0.456 = 0.579" from a scored patient. */
static void fmt_terms(char *out, size_t cap, const mc_risk *r, const mc_hcc_score *s)
{
    size_t k = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < s->n_terms && k < cap; i++) {
        mc_str nm = mc_hcc_var_name(r, s->model, s->terms[i].var);
        int32_t v = s->terms[i].milli;
        k += (size_t)snprintf(out + k, cap - k, "%s%.*s=%s%d.%03d", i ? " + " : "", (int)nm.n,
                              nm.p, v < 0 ? "-" : "", abs(v) / 1000, abs(v) % 1000);
    }
    int64_t t = s->score_milli;
    if (k < cap)
        snprintf(out + k, cap - k, " = %s%lld.%03lld", t < 0 ? "-" : "",
                 (long long)(t < 0 ? -t : t) / 1000, (long long)(t < 0 ? -t : t) % 1000);
}

TEST(golden_hcc)
{
    NEED_BUNDLE(path, 2026);
    fixture f;
    CHECK(fx_open(&f, path) == 0);
    CHECK_INT(mc_risk_payment_year(f.r), ==, 2026);
    CHECK_INT(f.n_cs, >=, 1);
    FILE *in = fopen("tests/golden/risk/hcc.tsv", "r");
    CHECK(in);
    static mc_hcc_patient_buf pb;
    static mc_hcc_score sc;
    char line[8192], got[4096], list[1024];
    int n_cases = 0, n_segments[MC_SEG_N] = { 0 };
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *c[9];
        if (split(line, c, 9) != 9) {
            FAILF("malformed golden row: %s", line);
            break;
        }
        char err[200];
        mc_hcc_model m;
        mc_hcc_segment seg;
        if (mc_hcc_patient_parse(c[3], strlen(c[3]), &pb, err, sizeof err) ||
            mc_hcc_model_parse(c[1], &m) || mc_hcc_segment_parse(c[2], &seg)) {
            FAILF("%s: cannot read the case (%s)", c[0], err);
            continue;
        }
        CHECK_INT(mc_hcc_score_patient(f.r, m, seg, f.valid, &pb.p, &sc),
                  ==, MC_OK);
        n_cases++;
        if (!strcmp(c[4], "error")) {
            if (sc.status == MC_OK || !strstr(sc.error, c[7]))
                FAILF("%s: expected error containing \"%s\", got status %d \"%s\"", c[0], c[7],
                      sc.status, sc.error);
            continue;
        }
        if (sc.status) {
            FAILF("%s: unexpected error %s", c[0], sc.error);
            continue;
        }
        n_segments[sc.segment]++;
        if (strcmp(mc_hcc_segment_name(sc.segment), c[4]))
            FAILF("%s: segment %s, expected %s", c[0], mc_hcc_segment_name(sc.segment), c[4]);
        fmt_list(list, sizeof list, sc.before, sc.n_before);
        if (strcmp(list, c[5]))
            FAILF("%s: HCCs before hierarchies \"%s\", expected \"%s\"", c[0], list, c[5]);
        fmt_list(list, sizeof list, sc.after, sc.n_after);
        if (strcmp(list, c[6]))
            FAILF("%s: HCCs after hierarchies \"%s\", expected \"%s\"", c[0], list, c[6]);
        fmt_terms(got, sizeof got, f.r, &sc);
        if (strcmp(got, c[7]))
            FAILF("%s: terms\n    got      %s\n    expected %s", c[0], got, c[7]);
        /* the hand arithmetic itself must add up to the expected score */
        int64_t sum = 0;
        for (char *p = c[7]; (p = strchr(p, '=')) != NULL; p++)
            if (p[-1] != ' ')
                sum += parse_milli(p + 1);
        if (sum != parse_milli(c[8]) || sc.score_milli != parse_milli(c[8]))
            FAILF("%s: score %lld, hand sum %lld, expected %s", c[0], (long long)sc.score_milli,
                  (long long)sum, c[8]);
    }
    fclose(in);
    CHECK_INT(n_cases, >=, 30);
    for (int s = MC_SEG_CNA; s < MC_SEG_N; s++)
        if (!n_segments[s])
            FAILF("no golden case scores segment %s", mc_hcc_segment_name((mc_hcc_segment)s));
    fx_close(&f);
}

static void sorted_names(char *out, size_t cap, const char **names, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                const char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "", names[i]);
}

TEST(golden_comorbidity)
{
    NEED_BUNDLE(path, 2026);
    fixture f;
    CHECK(fx_open(&f, path) == 0);
    FILE *in = fopen("tests/golden/risk/comorbidity.tsv", "r");
    CHECK(in);
    static mc_cmb_record_buf rec;
    static mc_elix_result er;
    static mc_charlson_result cr;
    char line[8192], got[2048], got2[2048], idx[128];
    int n_cases = 0;
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *c[8];
        char err[200];
        if (split(line, c, 8) != 8 || mc_cmb_record_parse(c[3], strlen(c[3]), &rec, err, sizeof err)) {
            FAILF("malformed golden row: %s", c[0]);
            continue;
        }
        n_cases++;
        int poa = !strcmp(c[2], "yes") ? 1 : !strcmp(c[2], "no") ? 0 : rec.poa;
        const char *present[40], *removed[40];
        char rbuf[40][64];
        int np = 0, nr = 0;
        if (!strcmp(c[1], "elixhauser")) {
            CHECK_INT(mc_elix_score(f.r, rec.dx, rec.n_dx, poa, &er), ==, MC_OK);
            for (uint32_t k = 0; k < er.n_measures; k++) {
                mc_elix_measure m, by;
                mc_elix_measure_at(f.r, k, &m);
                if (er.present[k])
                    present[np++] = m.name.p;
                if (er.excluded_by[k] >= 0) {
                    mc_elix_measure_at(f.r, (uint32_t)er.excluded_by[k], &by);
                    snprintf(rbuf[nr], sizeof rbuf[nr], "%.*s>%.*s", (int)by.name.n, by.name.p,
                             (int)m.name.n, m.name.p);
                    removed[nr] = rbuf[nr];
                    nr++;
                }
            }
            snprintf(idx, sizeof idx, "readmission=%d mortality=%d", er.readmission_index,
                     er.mortality_index);
        } else {
            CHECK_INT(mc_charlson_score(f.r, rec.dx, rec.n_dx, &cr), ==, MC_OK);
            for (uint32_t k = 0; k < cr.n_conditions; k++) {
                mc_charlson_condition cd, by;
                mc_charlson_condition_at(f.r, k, &cd);
                if (cr.present[k])
                    present[np++] = cd.name.p;
                if (cr.superseded_by[k] >= 0) {
                    mc_charlson_condition_at(f.r, (uint32_t)cr.superseded_by[k], &by);
                    snprintf(rbuf[nr], sizeof rbuf[nr], "%.*s>%.*s", (int)by.name.n, by.name.p,
                             (int)cd.name.n, cd.name.p);
                    removed[nr] = rbuf[nr];
                    nr++;
                }
            }
            snprintf(idx, sizeof idx, "charlson=%d quan2011=%d", cr.index_1987, cr.index_2011);
        }
        sorted_names(got, sizeof got, present, np);
        sorted_names(got2, sizeof got2, removed, nr);
        if (strcmp(got, c[4]))
            FAILF("%s: present \"%s\", expected \"%s\"", c[0], got, c[4]);
        if (strcmp(nr ? got2 : "-", c[5]))
            FAILF("%s: removed \"%s\", expected \"%s\"", c[0], nr ? got2 : "-", c[5]);
        if (strcmp(idx, c[6]))
            FAILF("%s: %s, expected %s", c[0], idx, c[6]);
    }
    fclose(in);
    CHECK_INT(n_cases, >=, 12);
    fx_close(&f);
}

TEST(code_to_hcc_api)
{
    NEED_BUNDLE(path, 2026);
    fixture f;
    CHECK(fx_open(&f, path) == 0);
    mc_hcc_ref refs[2];
    uint32_t n = 0;
    CHECK_INT(mc_risk_code_hccs(f.r, MC_HCC_V28, "E11.22", 6, refs, &n), ==, MC_OK);
    CHECK_INT(n, ==, 1);
    CHECK_INT(refs[0].hcc, ==, 37);
    CHECK_SLICE(refs[0].label.p, refs[0].label.n, "Diabetes with Chronic Complications");
    CHECK_INT(mc_risk_code_hccs(f.r, MC_HCC_V24, "e1122", 5, refs, &n), ==, MC_OK);
    CHECK_INT(refs[0].hcc, ==, 18);
    CHECK_INT(mc_risk_code_hccs(f.r, MC_HCC_V28, "Z00.00", 6, refs, &n), ==, MC_ENOTFOUND);
    CHECK_INT(n, ==, 0);
    CHECK_INT(mc_risk_code_hccs(f.r, MC_HCC_V28, "!!", 2, refs, &n), ==, MC_EFORMAT);
    mc_str label;
    CHECK_INT(mc_risk_hcc_label(f.r, MC_HCC_V28, 226, &label), ==, MC_OK);
    CHECK_INT(mc_risk_hcc_label(f.r, MC_HCC_V28, 999, &label), ==, MC_ENOTFOUND);
    /* a diagnosis mapping to two V28 HCCs exists in the CMS table: both are returned */
    fx_close(&f);
}

TEST(patient_parser_errors)
{
    static mc_hcc_patient_buf pb;
    char err[200];
    static const char *const bad[] = {
        "[1,2]",
        "{\"age\":\"old\"}",
        "{\"age\":200}",
        "{\"sex\":\"X\"}",
        "{\"dual\":\"sometimes\"}",
        "{\"medicaid\":\"yes\"}",
        "{\"diagnoses\":\"E11.9\"}",
        "{\"diagnoses\":[1]}",
        "{\"diagnoses\":[\"E11.9000000000000000\"]}",
        "{\"id\":[1]}",
        "{\"age\":70,\"age\":71}",
        "{\"diagnoses\":[\"E11.9\\u0000x\"]}",
        "{",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (mc_hcc_patient_parse(bad[i], strlen(bad[i]), &pb, err, sizeof err) != MC_EFORMAT ||
            !err[0])
            FAILF("accepted bad patient %s", bad[i]);
    }
    const char *ok = "{\"id\":7,\"age\":72.6,\"sex\":\"female\",\"dual\":\"Full\",\"orec\":\"1\","
                     "\"medicaid\":true,\"diagnoses\":[\"E11.9\",{\"code\":\"I50.9\"}]}";
    CHECK_INT(mc_hcc_patient_parse(ok, strlen(ok), &pb, err, sizeof err), ==, MC_OK);
    CHECK_STR(pb.p.id, "7");
    CHECK_INT(pb.p.age, ==, 72);
    CHECK_INT(pb.p.sex, ==, 'F');
    CHECK_INT(pb.p.dual, ==, MC_DUAL_FULL);
    CHECK_INT(pb.p.orec, ==, 1);
    CHECK_INT(pb.p.medicaid, ==, 1);
    CHECK_INT(pb.p.n_dx, ==, 2);
    CHECK_STR(pb.p.dx[1], "I50.9");
}

TEST(milli_and_csv)
{
    int32_t v;
    CHECK(mc__milli("0.395", &v) && v == 395);
    CHECK(mc__milli("-0.1", &v) && v == -100);
    CHECK(mc__milli("2", &v) && v == 2000);
    CHECK(!mc__milli("0.1234", &v));
    CHECK(!mc__milli("1e3", &v));
    CHECK(!mc__milli("", &v));
    const char *text = "a,\"b, \"\"c\"\"\",d\r\nx,,\n\"open";
    mc__csv c = { text, text + strlen(text), 0 };
    static mc__csv_row row;
    CHECK_INT(mc__csv_next(&c, &row), ==, 1);
    CHECK_INT(row.n, ==, 3);
    CHECK_SLICE(row.f[1].p, row.f[1].n, "b, \"c\"");
    CHECK_INT(mc__csv_next(&c, &row), ==, 1);
    CHECK_INT(row.n, ==, 3);
    CHECK_INT(row.f[2].n, ==, 0);
    CHECK_INT(mc__csv_next(&c, &row), ==, MC_EFORMAT);
}

/* Every demographic combination a valid patient can have finds its factors in both models. */
TEST(every_demographic_cell_has_a_factor)
{
    NEED_BUNDLE(path, 2026);
    fixture f;
    CHECK(fx_open(&f, path) == 0);
    static mc_hcc_score sc;
    static const char *const dx[] = { "E11.9" };
    int n = 0;
    for (int m = 0; m < MC_HCC_N_MODELS; m++)
        for (int age = 0; age <= 120; age++)
            for (int sex = 0; sex < 2; sex++)
                for (int orec = 0; orec <= 3; orec++)
                    for (int kind = 0; kind < 6; kind++) {
                        mc_hcc_patient p = { 0 };
                        p.id = "";
                        p.age = age;
                        p.sex = sex ? 'M' : 'F';
                        p.orec = orec;
                        p.medicaid = kind & 1;
                        p.dual = (mc_dual)(1 + kind % 3);
                        p.institutional = kind == 3;
                        p.new_enrollee = kind >= 4;
                        p.snp = kind == 5;
                        p.n_dx = 1;
                        p.dx = dx;
                        mc_hcc_score_patient(f.r, (mc_hcc_model)m, MC_SEG_AUTO, f.valid, &p, &sc);
                        n++;
                        if (sc.status || sc.n_terms == 0) {
                            FAILF("%s age %d sex %c orec %d kind %d: %s", m ? "V28" : "V24", age,
                                  p.sex, orec, kind, sc.error);
                            fx_close(&f);
                            return;
                        }
                    }
    CHECK_INT(n, ==, 2 * 121 * 2 * 4 * 6);
    fx_close(&f);
}

/* The scorer's fast normaliser must agree with mc_cm_normalize on every input. */
TEST(normaliser_matches_codeset)
{
    static const char *const fixed[] = { "E11.22", "e1122", " E11.22 ", "E11.22.", "E1.122",
                                         "E11..22", "QA0", "A00", "A0", "1AB", "AAA", "E11.2X1A",
                                         "S72.001AA", "\tI10\n", "I10 x", "", " ", "." };
    char a[8], b[8];
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        int rc = mc_cm_normalize(fixed[i], strlen(fixed[i]), a);
        uint64_t k = mc__risk_norm(fixed[i], b);
        if ((rc == MC_OK) != (k != 0) || (rc == MC_OK && memcmp(a, b, 8)))
            FAILF("normalisers disagree on \"%s\"", fixed[i]);
    }
    static const char alphabet[] = "AEIZaez019. \t-";
    uint64_t x = 88172645463325252ull;
    char text[12];
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = (size_t)(x % 11);
        for (size_t j = 0; j < n; j++)
            text[j] = alphabet[(x >> (4 + 4 * j)) % (sizeof alphabet - 1)];
        text[n] = '\0';
        int rc = mc_cm_normalize(text, n, a);
        uint64_t k = mc__risk_norm(text, b);
        if ((rc == MC_OK) != (k != 0) || (rc == MC_OK && memcmp(a, b, 8))) {
            FAILF("normalisers disagree on \"%s\"", text);
            return;
        }
    }
}

/* Copy the real bundle's sections into a new image, damaging one RSK section. */
static int damaged_open(const mc_bundle *src, uint32_t victim, int how)
{
    mc__bw *w;
    if (mc__bw_new(mc_bundle_year(src), &w))
        return MC_ENOMEM;
    for (uint32_t i = 0; i < mc_bundle_section_count(src); i++) {
        mc_bundle_section_info info;
        const void *data;
        size_t n;
        mc_bundle_section_at(src, i, &info);
        mc_bundle_section(src, info.tag, &data, &n);
        unsigned char *copy = malloc(n + 8);
        memcpy(copy, data, n);
        if (i == victim) {
            if (how == 0 && n > 4)
                n -= 4; /* truncated */
            else if (how == 1 && n >= 16)
                copy[12] ^= 0x40; /* row count */
            else if (how == 2 && n >= 24)
                copy[20] ^= 0x01; /* pool size */
            else if (how == 3 && n >= 4)
                copy[n - 1] = 'x'; /* pool not terminated */
        }
        mc__bw_add(w, info.tag, copy, n, info.source_year);
        free(copy);
    }
    mc__buf img;
    mc__buf_init(&img, 0);
    mc__bw_image(w, &img);
    mc__bw_free(w);
    mc_bundle *b = NULL;
    mc_risk *r = NULL;
    mc_diag d = { 0 };
    int rc = mc_bundle_open_mem(img.p, img.n, &b, &d);
    if (!rc)
        rc = mc_risk_open(b, &r, &d);
    mc_risk_close(r);
    mc_bundle_close(b);
    mc__buf_free(&img);
    return rc;
}

TEST(damaged_sections_refused)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    CHECK_INT(damaged_open(b, UINT32_MAX, 0), ==, MC_OK); /* the undamaged copy opens */
    int n_rsk = 0;
    for (uint32_t i = 0; i < mc_bundle_section_count(b); i++) {
        mc_bundle_section_info info;
        mc_bundle_section_at(b, i, &info);
        if (strncmp(info.tag, "RSK", 3))
            continue;
        n_rsk++;
        for (int how = 0; how < 4; how++)
            if (damaged_open(b, i, how) == MC_OK)
                FAILF("section %s damaged (%d) was accepted", info.tag, how);
    }
    CHECK_INT(n_rsk, ==, 16);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(milli_and_csv);
    RUN(patient_parser_errors);
    RUN(normaliser_matches_codeset);
    RUN(golden_hcc);
    RUN(golden_comorbidity);
    RUN(code_to_hcc_api);
    RUN(every_demographic_cell_has_a_factor);
    RUN(damaged_sections_refused);
    return harness_done();
}
