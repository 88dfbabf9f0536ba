/*
 * De-identification tests: detection of each Safe Harbor type, eponyms and
 * drugs kept, surrogate consistency and date shifting, bad input, and the
 * gold set (the tests/golden/deid notes, inline [[TYPE|text]] markup) scored for
 * recall and precision per type against the thresholds of docs/deid.md.
 */
#include "harness.h"

#include "medcode/deid.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

static mc_deid *eng;

/* Type of the span covering the first needle at or after from, -1 if none. */
static int type_at_from(const mc_deid_result *r, const char *text, const char *from,
                        const char *needle)
{
    const char *p = strstr(from, needle);
    if (!p)
        return -2;
    uint32_t s = (uint32_t)(p - text), e = s + (uint32_t)strlen(needle);
    const mc_deid_span *sp = mc_deid_result_spans(r);
    for (size_t i = 0; i < mc_deid_result_count(r); i++)
        if (sp[i].start <= s && sp[i].end >= e)
            return (int)sp[i].type;
    return -1;
}

static int type_at(const mc_deid_result *r, const char *text, const char *needle)
{
    return type_at_from(r, text, text, needle);
}

static mc_deid_result *run(const char *text, mc_deid_mode mode, uint64_t seed)
{
    mc_deid_opts o = { mode, true, seed, 0 };
    mc_deid_result *r = NULL;
    int rc = mc_deid_run(eng, text, strlen(text), &o, &r, NULL);
    return rc ? NULL : r;
}

TEST(types)
{
    const char *t = "Patient: Rosa Delgado  MRN: 4471-2290\n"
                    "DOB 4/17/1931, seen Jan 3, 2024 by Dr. Thaddeus Okafor.\n"
                    "Mrs. Delgado is a 93-year-old woman. Call 312.555.0187; fax: 312-555-0111.\n"
                    "SSN 078-05-1120. jdoe@mail.net. https://example.org/x 192.168.10.4\n"
                    "Member ID: XJH448812907. Acct #: 99120045. DEA # AB1234563.\n"
                    "VIN 1FTFW1ET5DFC10312. Serial number: 88X-22191. Lives at 42 Maple Ave, "
                    "Dayton, OH 45402.\nFingerprint ID: FP-22819. Photo ID: PH-7781.";
    mc_deid_result *r = run(t, MC_DEID_TAG, 1);
    CHECK(r != NULL);
    CHECK_INT(type_at(r, t, "Rosa Delgado"), ==, MC_DEID_NAME);
    CHECK_INT(type_at(r, t, "4471-2290"), ==, MC_DEID_MRN);
    CHECK_INT(type_at(r, t, "4/17/1931"), ==, MC_DEID_DATE);
    CHECK_INT(type_at(r, t, "Jan 3, 2024"), ==, MC_DEID_DATE);
    CHECK_INT(type_at(r, t, "Thaddeus Okafor"), ==, MC_DEID_NAME);
    CHECK_INT(type_at_from(r, t, strstr(t, "is a 93"), "93"), ==, MC_DEID_AGE);
    CHECK_INT(type_at(r, t, "312.555.0187"), ==, MC_DEID_PHONE);
    CHECK_INT(type_at(r, t, "312-555-0111"), ==, MC_DEID_FAX);
    CHECK_INT(type_at(r, t, "078-05-1120"), ==, MC_DEID_SSN);
    CHECK_INT(type_at(r, t, "jdoe@mail.net"), ==, MC_DEID_EMAIL);
    CHECK_INT(type_at(r, t, "https://example.org/x"), ==, MC_DEID_URL);
    CHECK_INT(type_at(r, t, "192.168.10.4"), ==, MC_DEID_IP);
    CHECK_INT(type_at(r, t, "XJH448812907"), ==, MC_DEID_HEALTHPLAN);
    CHECK_INT(type_at(r, t, "99120045"), ==, MC_DEID_ACCOUNT);
    CHECK_INT(type_at(r, t, "AB1234563"), ==, MC_DEID_LICENSE);
    CHECK_INT(type_at(r, t, "1FTFW1ET5DFC10312"), ==, MC_DEID_VEHICLE);
    CHECK_INT(type_at(r, t, "88X-22191"), ==, MC_DEID_DEVICE);
    CHECK_INT(type_at(r, t, "42 Maple Ave"), ==, MC_DEID_LOCATION);
    CHECK_INT(type_at(r, t, "Dayton"), ==, MC_DEID_LOCATION);
    CHECK_INT(type_at(r, t, "45402"), ==, MC_DEID_ZIP);
    CHECK_INT(type_at(r, t, "FP-22819"), ==, MC_DEID_BIOMETRIC);
    CHECK_INT(type_at(r, t, "PH-7781"), ==, MC_DEID_PHOTO);
    size_t n;
    CHECK_STR(mc_deid_result_text(r, &n), t); /* tag mode leaves the text alone */
    mc_deid_result_free(r);
}

TEST(eponyms_and_drugs_survive)
{
    const char *t = "History of Parkinson disease, Wilson disease, Hodgkin lymphoma, Crohn's "
                    "disease, Down syndrome, Graves disease and Bell's palsy. Positive Murphy's "
                    "sign. Foley catheter placed. Takes Metformin and Lisinopril daily.";
    mc_deid_result *r = run(t, MC_DEID_REDACT, 1);
    CHECK(r != NULL);
    CHECK_INT(mc_deid_result_count(r), ==, 0);
    mc_deid_result_free(r);
}

TEST(surrogates_consistent)
{
    const char *t = "Seen by Dr. Hannah Kowalski on 03/14/2024. Follow-up with Dr. Kowalski on "
                    "03/28/2024. Patient Ahmed Siddiqui, age 97.";
    mc_deid_result *a = run(t, MC_DEID_SURROGATE, 99), *b = run(t, MC_DEID_SURROGATE, 99);
    CHECK(a && b);
    size_t na, nb;
    const char *ta = mc_deid_result_text(a, &na), *tb = mc_deid_result_text(b, &nb);
    CHECK_STR(ta, tb); /* same seed, same note: same output */
    CHECK(strstr(ta, "Kowalski") == NULL);
    CHECK(strstr(ta, "Siddiqui") == NULL);
    CHECK(strstr(ta, "age 90+") != NULL);
    /* both mentions of the surname get the same fake */
    const mc_deid_span *sp = mc_deid_result_spans(a);
    char first[64] = "", second[64] = "";
    int seen = 0;
    for (size_t i = 0; i < mc_deid_result_count(a); i++) {
        if (sp[i].type != MC_DEID_NAME)
            continue;
        size_t len = sp[i].out_end - sp[i].out_start;
        const char *o = ta + sp[i].out_start;
        const char *sp_ = memchr(o, ' ', len); /* last word of "Hannah Kowalski" */
        if (seen == 0 && sp_)
            snprintf(first, sizeof first, "%.*s", (int)(o + len - sp_ - 1), sp_ + 1);
        else if (seen == 1)
            snprintf(second, sizeof second, "%.*s", (int)len, o);
        seen++;
    }
    CHECK_STR(first, second);
    /* the interval of 14 days is kept */
    int shift = mc_deid_result_date_shift(a);
    CHECK(shift != 0);
    int m1, d1, y1, m2, d2, y2;
    const char *p1 = strstr(ta, " on ") + 4;
    CHECK_INT(sscanf(p1, "%d/%d/%d", &m1, &d1, &y1), ==, 3);
    const char *p2 = strstr(p1, " on ") + 4;
    CHECK_INT(sscanf(p2, "%d/%d/%d", &m2, &d2, &y2), ==, 3);
    struct tm t1 = { .tm_year = y1 - 1900, .tm_mon = m1 - 1, .tm_mday = d1, .tm_hour = 12 };
    struct tm t2 = { .tm_year = y2 - 1900, .tm_mon = m2 - 1, .tm_mday = d2, .tm_hour = 12 };
    CHECK_INT((long)((timegm(&t2) - timegm(&t1)) / 86400), ==, 14);
    mc_deid_result_free(a);
    mc_deid_result_free(b);
}

TEST(redact_zip_rule)
{
    const char *t = "Address: 9 Pine Rd, Burlington, VT 05401 and a cabin in Dover, NH 03601. "
                    "Office: Amarillo, TX 79013.";
    mc_deid_result *r = run(t, MC_DEID_REDACT, 1);
    CHECK(r != NULL);
    size_t n;
    const char *o = mc_deid_result_text(r, &n);
    CHECK(strstr(o, "[ZIP:054]") != NULL);
    CHECK(strstr(o, "[ZIP:000]") != NULL); /* 036 is a restricted three-digit prefix */
    CHECK(strstr(o, "[ZIP:790]") == NULL && strstr(o, "79013") == NULL);
    mc_deid_result_free(r);
}

TEST(bad_input)
{
    mc_deid_opts o = { MC_DEID_REDACT, true, 1, 64 };
    mc_deid_result *r = NULL;
    mc_diag diag = { 0 };
    CHECK_INT(mc_deid_run(eng, "ab\0cd", 5, &o, &r, &diag), ==, MC_EFORMAT);
    CHECK(r == NULL);
    CHECK_INT(mc_deid_run(eng, "John \xff Smith", 12, &o, &r, &diag), ==, MC_EFORMAT);
    CHECK(strstr(diag.msg, "Smith") == NULL); /* no PHI in messages */
    char big[100];
    memset(big, 'a', sizeof big);
    CHECK_INT(mc_deid_run(eng, big, sizeof big, &o, &r, &diag), ==, MC_ELIMIT);
    CHECK_INT(mc_deid_run(eng, "", 0, &o, &r, &diag), ==, MC_OK);
    CHECK_INT(mc_deid_result_count(r), ==, 0);
    mc_deid_result_free(r);
}

#include "test_deid_gold.h"

int main(void)
{
    if (mc_deid_new(&eng, NULL)) {
        fprintf(stderr, "cannot build the de-identification engine\n");
        return 1;
    }
    RUN(types);
    RUN(eponyms_and_drugs_survive);
    RUN(surrogates_consistent);
    RUN(redact_zip_rule);
    RUN(bad_input);
    RUN(gold);
    mc_deid_free(eng);
    return harness_done();
}
