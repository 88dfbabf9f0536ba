/* Edits API on the full FY2026 bundle: a check end to end, the fiscal-year guard, report
 * JSON, and the compiled MCE flags against the MCE v43.1 definitions table. */
#include "harness.h"

#include "base/base_int.h"
#include "edits/edits_int.h"
#include "medcode/edits.h"

#include <stdlib.h>
#include <string.h>

static mc_encounter *parse(const char *s)
{
    mc_encounter *e = NULL;
    mc_diag d = { 0 };
    if (mc_encounter_parse(s, strlen(s), &e, &d))
        fprintf(stderr, "  parse: %s\n", d.msg);
    return e;
}

static bool has(const mc_edit_report *rep, const char *id, const char *code)
{
    for (uint32_t i = 0; i < rep->n; i++)
        if (!strcmp(rep->items[i].id, id) &&
            (!code || (rep->items[i].n_codes && !strcmp(rep->items[i].codes[0], code))))
            return true;
    return false;
}

TEST(check_end_to_end)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_edits *ed;
    CHECK_INT(mc_bundle_open(path, &b, NULL), ==, MC_OK);
    CHECK_INT(mc_edits_open(b, &ed, NULL), ==, MC_OK);
    CHECK(mc_edits_have_mce(ed));
    mc_encounter *e = parse(
        "{\"id\":\"T1\",\"setting\":\"inpatient\",\"admit_date\":\"2026-01-10\","
        "\"discharge_date\":\"2026-01-15\",\"patient\":{\"age\":70,\"sex\":\"F\"},"
        "\"diagnoses\":[{\"code\":\"E11.9\",\"poa\":\"Y\"},{\"code\":\"E10.9\",\"poa\":\"Y\"},"
        "{\"code\":\"C58\",\"poa\":\"Y\"},{\"code\":\"I10\"}]}");
    CHECK(e);
    mc_edit_report rep;
    mc_edit_report_init(&rep);
    mc_diag d = { 0 };
    CHECK_INT(mc_edits_check(ed, e, &rep, &d), ==, MC_OK);
    CHECK(!rep.valid);
    CHECK_INT(rep.fiscal_year, ==, 2026);
    CHECK(has(&rep, "EXCLUDES1", NULL));
    CHECK(has(&rep, "MCE_AGE_MATERNITY", "C58"));
    CHECK(has(&rep, "MCE_QUESTIONABLE_ADMISSION", "E11.9"));
    CHECK(has(&rep, "POA_MISSING", "I10"));
    CHECK_INT(rep.n, ==, rep.n_errors + rep.n_warnings);
    char *js;
    size_t n;
    CHECK_INT(mc_edit_report_json(&rep, e, &js, &n), ==, MC_OK);
    CHECK(strstr(js, "\"id\":\"T1\",\"valid\":false,\"fiscal_year\":2026") != NULL);
    CHECK(strstr(js, "\"edit\":\"MCE_AGE_MATERNITY\",\"severity\":\"error\",\"codes\":[\"C58\"]"));
    free(js);
    /* the same report reused: a clean encounter leaves nothing behind */
    mc_encounter *clean = parse("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-02-01\","
                                "\"patient\":{\"age\":40},\"diagnoses\":[\"I10\",\"E78.5\"]}");
    CHECK(clean);
    CHECK_INT(mc_edits_check(ed, clean, &rep, &d), ==, MC_OK);
    CHECK(rep.valid);
    CHECK_INT(rep.n, ==, 0);
    /* an FY2025 date against the FY2026 bundle is refused, naming both years */
    mc_encounter *old = parse("{\"setting\":\"outpatient\",\"date_of_service\":\"2025-09-30\","
                              "\"patient\":{\"age\":40},\"diagnoses\":[\"I10\"]}");
    CHECK(old);
    CHECK_INT(mc_edits_check(ed, old, &rep, &d), ==, MC_ERANGE);
    CHECK(strstr(d.msg, "FY2025") && strstr(d.msg, "FY2026"));
    mc_encounter_free(old);
    mc_encounter_free(clean);
    mc_encounter_free(e);
    mc_edit_report_free(&rep);
    mc_edits_close(ed);
    mc_bundle_close(b);
}

/* Every code of the MCE v43.1 definitions table carries the matching flag in EDTDX on
 * 2026-04-01 (v43.1), and no other code does. */
TEST(mce_flags_match_definitions)
{
    NEED_BUNDLE(path, 2026);
    const char *csv = "build/release/mce/2026/mce_v43_1_dx_edits.csv";
    char *text;
    size_t n;
    if (mc__read_file(csv, 0, &text, &n, NULL)) {
        if (getenv("MEDCODE_REQUIRE_DATA"))
            FAILF("%s missing", csv);
        return;
    }
    mc_bundle *b;
    mc_edits *ed;
    CHECK_INT(mc_bundle_open(path, &b, NULL), ==, MC_OK);
    CHECK_INT(mc_edits_open(b, &ed, NULL), ==, MC_OK);
    static const struct {
        const char *edit;
        uint32_t flag;
    } map[] = { { "age_conflict_perinatal", EDT_F(NEWBORN) },
                { "age_conflict_pediatric", EDT_F(PEDIATRIC) },
                { "age_conflict_maternity", EDT_F(MATERNITY) },
                { "age_conflict_adult", EDT_F(ADULT) },
                { "manifestation_not_allowed_as_pdx", EDT_F(MANIFESTATION) },
                { "questionable_admission_pdx", EDT_F(QADM) },
                { "unacceptable_pdx", EDT_F(UNACCEPTABLE) },
                { "requires_secondary_dx_when_pdx", EDT_F(REQSDX) } };
    enum { N_MAP = sizeof map / sizeof map[0] };
    uint32_t rows[N_MAP] = { 0 }, missing = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *comma = strchr(line, ',');
        if (!comma)
            continue;
        *comma = 0;
        char *code = comma + 1, *end = strchr(code, ',');
        if (!end)
            continue;
        *end = 0;
        for (int k = 0; k < N_MAP; k++)
            if (!strcmp(line, map[k].edit)) {
                rows[k]++;
                if (!(mc__edt_master_flags(&ed->dx, code, 20260401, NULL) & map[k].flag) &&
                    missing++ < 5)
                    FAILF("%s %s: flag missing in EDTDX", map[k].edit, code);
            }
    }
    free(text);
    CHECK_INT(missing, ==, 0);
    /* the other direction: codes carrying each flag on that date, counted in EDTDX. The
     * definitions table lists Z51.89 (unacceptable + reqsdx in the master) only under
     * requires_secondary_dx_when_pdx, as the checker reports it (MCE_REQUIRES_SDX). */
    for (int k = 0; k < N_MAP; k++) {
        uint32_t count = 0;
        for (uint32_t i = 0; i < ed->dx.n; i++) {
            const unsigned char *r = ed->dx.p + (size_t)i * EDT_MASTER_REC;
            if (mc__rd32(r + 8) <= 20260401 && 20260401 <= mc__rd32(r + 12) &&
                (mc__rd32(r + 16) & map[k].flag) &&
                !(map[k].flag == EDT_F(UNACCEPTABLE) && (mc__rd32(r + 16) & EDT_F(REQSDX))))
                count++;
        }
        if (count != rows[k])
            FAILF("%s: %u codes in the definitions table, %u flagged in EDTDX", map[k].edit,
                  rows[k], count);
    }
    mc_edits_close(ed);
    mc_bundle_close(b);
}

TEST(edit_ids_are_unique)
{
    const char *const *ids = mc_edit_ids();
    int n = 0;
    for (; ids[n]; n++)
        for (int k = 0; k < n; k++)
            CHECK(strcmp(ids[k], ids[n]) != 0);
    CHECK_INT(n, >=, 30);
}

int main(void)
{
    RUN(edit_ids_are_unique);
    RUN(check_end_to_end);
    RUN(mce_flags_match_definitions);
    return harness_done();
}
