/* Encounter JSON parser and JSONL reader: shapes, limits, field-naming errors. */
#include "harness.h"

#include "medcode/encounter.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *s, mc_encounter **e, mc_diag *d)
{
    memset(d, 0, sizeof *d);
    return mc_encounter_parse(s, strlen(s), e, d);
}

TEST(full_inpatient)
{
    mc_encounter *e;
    mc_diag d;
    int rc = parse("{\"id\":\"A1\",\"setting\":\"inpatient\",\"admit_date\":\"2026-01-14\","
                   "\"discharge_date\":\"2026-01-18\",\"discharge_status\":\"01\","
                   "\"patient\":{\"age\":67,\"sex\":\"F\"},"
                   "\"diagnoses\":[{\"code\":\"e11.22\",\"poa\":\"Y\"},{\"code\":\"N18.3\",\"poa\":\"\"},"
                   "\"I10\"],"
                   "\"procedures\":[{\"code\":\"0DTJ4ZZ\",\"date\":\"2026-01-16\"}]}",
                   &e, &d);
    CHECK_INT(rc, ==, MC_OK);
    CHECK_STR(e->id, "A1");
    CHECK_INT(e->setting, ==, MC_SETTING_INPATIENT);
    CHECK_INT(e->admit_date, ==, 20260114);
    CHECK_INT(e->discharge_date, ==, 20260118);
    CHECK_INT(e->discharge_status, ==, 1);
    CHECK_INT(e->age_years, ==, 67);
    CHECK_INT(e->age_days, ==, -1);
    CHECK_INT(e->sex, ==, 'F');
    CHECK_INT(e->n_diagnoses, ==, 3);
    CHECK_STR(e->diagnoses[0].code, "E1122");
    CHECK_STR(e->diagnoses[0].given, "e11.22");
    CHECK_INT(e->diagnoses[0].poa, ==, 'Y');
    CHECK_INT(e->diagnoses[1].poa, ==, 0);
    CHECK(e->diagnoses[1].poa_given);
    CHECK(!e->diagnoses[2].poa_given);
    CHECK_INT(e->n_procedures, ==, 1);
    CHECK_INT(e->procedures[0].date, ==, 20260116);
    CHECK_INT(mc_encounter_code_date(e), ==, 20260118);
    CHECK_INT(mc_date_fiscal_year(mc_encounter_code_date(e)), ==, 2026);
    mc_encounter_free(e);
}

TEST(fiscal_year_boundary)
{
    CHECK_INT(mc_date_fiscal_year(20250930), ==, 2025);
    CHECK_INT(mc_date_fiscal_year(20251001), ==, 2026);
    char s[11];
    mc_date_format(20240229, s);
    CHECK_STR(s, "2024-02-29");
}

TEST(newborn_days)
{
    mc_encounter *e;
    mc_diag d;
    CHECK_INT(parse("{\"setting\":\"outpatient\",\"date_of_service\":\"2025-10-01\","
                    "\"patient\":{\"age_days\":3,\"sex\":\"male\"},\"diagnoses\":[\"Z38.00\"]}",
                    &e, &d),
              ==, MC_OK);
    CHECK_INT(e->age_days, ==, 3);
    CHECK_INT(e->age_years, ==, 0);
    CHECK_INT(e->sex, ==, 'M');
    mc_encounter_free(e);
}

static void expect_err(const char *json, int want_rc, const char *want_msg)
{
    mc_encounter *e = (mc_encounter *)1;
    mc_diag d;
    int rc = parse(json, &e, &d);
    if (rc != want_rc || e != NULL || !strstr(d.msg, want_msg)) {
        FAILF("input %.80s: rc %d msg \"%s\"; wanted rc %d with \"%s\"", json, rc, d.msg,
              want_rc, want_msg);
    }
}

#define OKHEAD "{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"patient\":{\"age\":40},"

TEST(errors_name_the_field)
{
    expect_err("{\"setting\": \"inpatient\",\n  \"x\": }", MC_EFORMAT, "line 2, column");
    expect_err("[1]", MC_EFORMAT, "expected a JSON object");
    expect_err("{\"date_of_service\":\"2026-01-15\"}", MC_EFORMAT, "setting: missing");
    expect_err("{\"setting\":\"er\",\"date_of_service\":\"2026-01-15\"}", MC_EFORMAT,
               "setting: 'er' is not");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-02-30\"}", MC_EFORMAT,
               "date_of_service: '2026-02-30' is not a real calendar date");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"15/01/2026\"}", MC_EFORMAT,
               "date_of_service: '15/01/2026' is not a date");
    expect_err("{\"setting\":\"outpatient\"}", MC_EFORMAT, "date_of_service: missing");
    expect_err("{\"setting\":\"inpatient\",\"admit_date\":\"2026-01-15\",\"discharge_date\":"
               "\"2026-01-14\"}",
               MC_EFORMAT, "discharge_date: before admit_date");
    expect_err(OKHEAD "\"diagnoses\":[]}", MC_EFORMAT, "diagnoses: empty");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"patient\":"
               "{\"age\":200},\"diagnoses\":[\"I10\"]}",
               MC_EFORMAT, "patient.age: 200 is impossible");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"patient\":"
               "{\"age\":-1},\"diagnoses\":[\"I10\"]}",
               MC_EFORMAT, "patient.age: -1 is impossible");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"patient\":"
               "{\"age\":\"40\"},\"diagnoses\":[\"I10\"]}",
               MC_EFORMAT, "patient.age: expected an integer, got a string");
    expect_err("{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"patient\":"
               "{\"age\":4,\"age_days\":3},\"diagnoses\":[\"I10\"]}",
               MC_EFORMAT, "contradicts age_days");
    expect_err(OKHEAD "\"diagnoses\":[\"I10\",\"E11.9\",{\"code\":\"E78.5\"},"
                      "{\"code\":\"I25.10\",\"poa\":\"X\"}]}",
               MC_EFORMAT, "diagnoses[3].poa: expected one of Y, N, U, W, 1 or empty");
    expect_err(OKHEAD "\"diagnoses\":[{\"poa\":\"Y\"}]}", MC_EFORMAT, "diagnoses[0].code: missing");
    expect_err(OKHEAD "\"diagnoses\":[{\"code\":12}]}", MC_EFORMAT,
               "diagnoses[0].code: expected a string, got an integer");
    expect_err(OKHEAD "\"diagnoses\":[\"I1 0%\"]}", MC_EFORMAT, "diagnoses[0]: 'I1 0%' has a");
    expect_err(OKHEAD "\"diagnosis\":[\"I10\"]}", MC_EFORMAT, "unknown field 'diagnosis'");
    expect_err(OKHEAD "\"diagnoses\":[\"I10\"],\"procedures\":[{\"code\":\"0DTJ4ZZ\","
                      "\"date\":\"2026-13-01\"}]}",
               MC_EFORMAT, "procedures[0].date");
    expect_err(OKHEAD "\"diagnoses\":[\"I10\"],\"discharge_status\":\"x1\"}", MC_EFORMAT,
               "discharge_status");
    expect_err("{\"setting\":\"outpatient\",\"setting\":\"inpatient\"}", MC_EFORMAT,
               "duplicate");
}

TEST(too_many_diagnoses)
{
    size_t cap = 200000, n = 0;
    char *s = malloc(cap);
    CHECK(s);
    n += (size_t)snprintf(s, cap, OKHEAD "\"diagnoses\":[");
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\"I10\"", i ? "," : "");
    snprintf(s + n, cap - n, "]}");
    expect_err(s, MC_ELIMIT, "diagnoses: 10000 entries, at most 1000");
    free(s);
}

TEST(jsonl_continues_after_bad_line)
{
    const char *text = OKHEAD "\"diagnoses\":[\"I10\"]}\n"
                              "\n"
                              "{bad json\n" OKHEAD "\"diagnoses\":[\"E11.9\"]}\r\n"
                              "{\"setting\":\"ward\"}\n" OKHEAD "\"diagnoses\":[\"Z00.00\"]}";
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    CHECK(f);
    mc_encounter_reader *r;
    CHECK_INT(mc_encounter_reader_new(f, &r), ==, MC_OK);
    mc_encounter *e;
    mc_diag d = { 0 };
    long line;
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_OK);
    CHECK_STR(e->diagnoses[0].code, "I10");
    CHECK_INT(line, ==, 1);
    mc_encounter_free(e);
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_EFORMAT);
    CHECK_INT(line, ==, 3);
    CHECK(strstr(d.msg, "line 3, column") != NULL);
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_OK);
    CHECK_STR(e->diagnoses[0].code, "E119");
    mc_encounter_free(e);
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_EFORMAT);
    CHECK(strstr(d.msg, "line 5: setting") != NULL);
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_OK);
    CHECK_STR(e->diagnoses[0].code, "Z0000");
    CHECK_INT(line, ==, 6);
    mc_encounter_free(e);
    CHECK_INT(mc_encounter_reader_next(r, &e, &line, &d), ==, MC_ENOTFOUND);
    mc_encounter_reader_free(r);
    fclose(f);
}

int main(void)
{
    RUN(full_inpatient);
    RUN(fiscal_year_boundary);
    RUN(newborn_days);
    RUN(errors_name_the_field);
    RUN(too_many_diagnoses);
    RUN(jsonl_continues_after_bad_line);
    return harness_done();
}
