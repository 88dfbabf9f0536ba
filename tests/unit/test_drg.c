/*
 * MS-DRG grouper unit tests: version selection, table look-ups, grouping
 * through the C API (no JSON), result reuse, what-if, bad claims, and a bundle
 * without the DRG sections or with damaged ones. Expected values come from the
 * CMS tables (see tests/golden/drg for the claim-level cases).
 */
#include "harness.h"

#include "base/base_int.h"
#include "bundle/bundle_int.h"
#include "medcode/drg.h"

#include <stdlib.h>

TEST(version_for_date)
{
    int v = 0;
    CHECK_INT(mc_drg_version_for_date(20221001, &v), ==, MC_OK);
    CHECK_INT(v, ==, 400);
    CHECK_INT(mc_drg_version_for_date(20230331, &v), ==, MC_OK);
    CHECK_INT(v, ==, 400);
    CHECK_INT(mc_drg_version_for_date(20230401, &v), ==, MC_OK);
    CHECK_INT(v, ==, 401);
    CHECK_INT(mc_drg_version_for_date(20250930, &v), ==, MC_OK);
    CHECK_INT(v, ==, 421);
    CHECK_INT(mc_drg_version_for_date(20251001, &v), ==, MC_OK);
    CHECK_INT(v, ==, 430);
    CHECK_INT(mc_drg_version_for_date(20260401, &v), ==, MC_OK);
    CHECK_INT(v, ==, 431);
    CHECK_INT(mc_drg_version_for_date(20260930, &v), ==, MC_OK);
    CHECK_INT(v, ==, 431);
    CHECK_INT(mc_drg_version_for_date(20220930, &v), ==, MC_ERANGE);
    CHECK_INT(mc_drg_version_for_date(20261001, &v), ==, MC_ERANGE);
    CHECK_INT(mc_drg_version_fy(431), ==, 2026);
    CHECK_INT(mc_drg_version_fy(400), ==, 2023);
}

TEST(names)
{
    CHECK_STR(mc_drg_rc_name(MC_DRG_RC_INVALID_PDX), "INVALID_PDX");
    CHECK_STR(mc_drg_rc_name(99), "UNKNOWN");
    CHECK_STR(mc_mce_edit_name(MC_MCE_NON_COVERED), "NON_COVERED");
    CHECK(mc_mce_edit_prepayment(MC_MCE_NON_COVERED));
    CHECK(!mc_mce_edit_prepayment(MC_MCE_INVALID_POA));
}

TEST(missing_sections)
{
    mc__bw *w;
    CHECK_INT(mc__bw_new(2026, &w), ==, MC_OK);
    CHECK_INT(mc__bw_add(w, "OTHER", "x", 1, 2026), ==, MC_OK);
    mc__buf img;
    CHECK_INT(mc__bw_image(w, &img), ==, MC_OK);
    mc_bundle *b;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, NULL), ==, MC_OK);
    mc_drg *g = NULL;
    mc_diag d = { 0 };
    CHECK_INT(mc_drg_open(b, &g, &d), ==, MC_ENOTFOUND);
    CHECK(g == NULL);
    CHECK(strstr(d.msg, "no MS-DRG grouper tables") != NULL);
    mc_bundle_close(b);
    mc__buf_free(&img);
    mc__bw_free(w);
}

/* A bundle whose DRG sections are copied from the real one, with one damaged. */
TEST(damaged_sections)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *real;
    CHECK_INT(mc_bundle_open(path, &real, NULL), ==, MC_OK);
    const char *victims[] = { "DRGFRM", "DRGDX", "DRGXGO", "DRGCODE", "DRGSCH", "DRGCMAP" };
    for (size_t v = 0; v < sizeof victims / sizeof *victims; v++) {
        mc__bw *w;
        CHECK_INT(mc__bw_new(2026, &w), ==, MC_OK);
        for (uint32_t i = 0; i < mc_bundle_section_count(real); i++) {
            mc_bundle_section_info info;
            mc_bundle_section_at(real, i, &info);
            if (strncmp(info.tag, "DRG", 3))
                continue;
            const void *p;
            size_t n;
            mc_bundle_section(real, info.tag, &p, &n);
            char *copy = malloc(n ? n : 1);
            memcpy(copy, p, n);
            if (!strcmp(info.tag, victims[v]) && n >= 8) {
                /* a huge count, or garbage in the middle */
                if (v % 2 == 0) {
                    copy[0] = copy[1] = copy[2] = copy[3] = (char)0xff;
                } else {
                    for (size_t k = 4; k < n; k += 7)
                        copy[k] = (char)(copy[k] ^ 0x5a);
                }
            }
            mc__bw_add(w, info.tag, copy, n, 2026);
            free(copy);
        }
        mc__buf img;
        CHECK_INT(mc__bw_image(w, &img), ==, MC_OK);
        mc_bundle *b;
        CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, NULL), ==, MC_OK);
        mc_drg *g = NULL;
        int rc = mc_drg_open(b, &g, NULL);
        if (rc == MC_OK) {
            /* damage the validator could not see (codes, flags): grouping must still be safe */
            mc_drg_result r;
            CHECK_INT(mc_drg_result_init(g, &r), ==, MC_OK);
            const char *sdx[] = { "N17.9", "J96.01" };
            const char *pr[] = { "02HK0KZ", "0JH609Z" };
            mc_drg_claim c = { .pdx = "I50.23", .sdx = sdx, .n_sdx = 2, .proc = pr, .n_proc = 2,
                               .age = 70, .sex = MC_SEX_MALE, .discharge_status = 1,
                               .discharge_date = 20260501 };
            CHECK_INT(mc_drg_group(g, &c, &r, NULL), ==, MC_OK);
            mc_drg_result_fini(&r);
        } else {
            CHECK_INT(rc, ==, MC_ECORRUPT);
        }
        mc_drg_close(g);
        mc_bundle_close(b);
        mc__buf_free(&img);
        mc__bw_free(w);
    }
    mc_bundle_close(real);
}

TEST(group_api)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_drg *g;
    CHECK_INT(mc_bundle_open(path, &b, NULL), ==, MC_OK);
    CHECK_INT(mc_drg_open(b, &g, NULL), ==, MC_OK);
    int sev = -1;
    CHECK_INT(mc_drg_dx_severity(g, 431, "I50.23", &sev), ==, MC_OK);
    CHECK_INT(sev, ==, 2);
    CHECK_INT(mc_drg_dx_severity(g, 431, "n179", &sev), ==, MC_OK);
    CHECK_INT(sev, ==, 1);
    CHECK_INT(mc_drg_dx_severity(g, 431, "E11.22", &sev), ==, MC_OK);
    CHECK_INT(sev, ==, 0);
    CHECK_INT(mc_drg_dx_severity(g, 431, "I50", &sev), ==, MC_ENOTFOUND);
    CHECK_INT(mc_drg_dx_severity(g, 415, "I50.23", &sev), ==, MC_EINVAL);
    /* I50.23 -> exclusion group 731 holds I50.1 and the I50.2x-I50.4x codes */
    CHECK(mc_drg_cc_excluded(g, 431, "I50.23", "I50.1"));
    CHECK(!mc_drg_cc_excluded(g, 431, "I50.23", "N17.9"));
    mc_drg_info info;
    CHECK_INT(mc_drg_info_get(g, 431, 291, &info), ==, MC_OK);
    CHECK_SLICE(info.title.p, info.title.n, "Heart Failure and Shock with MCC");
    CHECK(info.weight > 1.0 && info.weight < 2.0);
    CHECK_INT(info.type, ==, 'M');

    mc_drg_result r;
    CHECK_INT(mc_drg_result_init(g, &r), ==, MC_OK);
    const char *sdx[] = { "N17.9", "I50.1" };
    const char poa[] = { 'Y', 'Y' };
    mc_drg_claim c = { .pdx = "I50.23", .sdx = sdx, .sdx_poa = poa, .n_sdx = 2, .age = 70,
                       .sex = MC_SEX_FEMALE, .discharge_status = 1, .discharge_date = 20260501,
                       .admit_date = 20260428 };
    CHECK_INT(mc_drg_group(g, &c, &r, NULL), ==, MC_OK);
    CHECK_INT(r.version, ==, 431);
    CHECK_INT(r.drg, ==, 292);
    CHECK_INT(r.mdc, ==, 5);
    CHECK_INT(r.severity, ==, 1);
    CHECK_INT(r.los, ==, 3);
    CHECK(r.dx[0].flags & MC_DRGDX_COUNTED);
    CHECK(r.dx[1].flags & MC_DRGDX_EXCLUDED); /* I50.1 is an MCC excluded by I50.23 */
    CHECK(!(r.dx[1].flags & MC_DRGDX_COUNTED));
    CHECK_SLICE(r.pdx_category.p, r.pdx_category.n, "dxc0505");

    /* the same result reused: a surgical claim, then an error DRG */
    const char *pr[] = { "0DTJ4ZZ" };
    mc_drg_claim c2 = { .pdx = "K35.80", .proc = pr, .n_proc = 1, .age = 40, .sex = MC_SEX_MALE,
                        .discharge_status = 1, .discharge_date = 20251115 };
    CHECK_INT(mc_drg_group(g, &c2, &r, NULL), ==, MC_OK);
    CHECK_INT(r.version, ==, 430);
    CHECK_INT(r.drg, ==, 399);
    CHECK(r.surgical);
    CHECK(r.pr[0].flags & MC_DRGPR_AFFECTS);
    CHECK(r.pr[0].flags & MC_DRGPR_EXTENSIVE);
    c2.pdx = "V00.01XA";
    CHECK_INT(mc_drg_group(g, &c2, &r, NULL), ==, MC_OK);
    CHECK_INT(r.drg, ==, 999);
    CHECK_INT(r.rc, ==, MC_DRG_RC_DX_CANNOT_BE_PDX);

    /* what-if on the heart-failure claim */
    mc_drg_whatif *w = malloc(sizeof *w);
    CHECK_INT(mc_drg_group(g, &c, &r, NULL), ==, MC_OK);
    const char *cand[] = { "J96.01" };
    CHECK_INT(mc_drg_whatif_run(g, &c, &r, cand, 1, w, NULL), ==, MC_OK);
    CHECK_INT(w->drg_with_cc, ==, 292);
    CHECK_INT(w->drg_with_mcc, ==, 291);
    CHECK_INT(w->n_alt, ==, 2);
    CHECK_INT(w->alt[0].drg, ==, 682); /* N17.9 principal: renal failure with MCC (I50.23) */
    CHECK_INT(w->n_added, ==, 1);
    CHECK_INT(w->added[0].drg, ==, 291);
    CHECK(w->n_mcc_candidates > 3000);
    free(w);

    /* bad claims: errors, never crashes */
    mc_diag d = { 0 };
    mc_drg_claim bad = c;
    bad.discharge_date = 20200101;
    CHECK_INT(mc_drg_group(g, &bad, &r, &d), ==, MC_ERANGE);
    CHECK(strstr(d.msg, "discharge_date") != NULL);
    bad.discharge_date = 0;
    CHECK_INT(mc_drg_group(g, &bad, &r, &d), ==, MC_EINVAL);
    bad = c;
    bad.n_sdx = 5000;
    CHECK_INT(mc_drg_group(g, &bad, &r, &d), ==, MC_EINVAL);
    bad = c;
    bad.pdx = NULL;
    CHECK_INT(mc_drg_group(g, &bad, &r, NULL), ==, MC_OK);
    CHECK_INT(r.drg, ==, 999);
    CHECK_INT(r.rc, ==, MC_DRG_RC_INVALID_PDX);
    bad = c;
    bad.version = 415;
    CHECK_INT(mc_drg_group(g, &bad, &r, NULL), ==, MC_EINVAL);
    const char *junk[] = { "", "ZZZZZZZZZZZZ", "I50.23I50.23", NULL };
    bad = c;
    bad.sdx = junk;
    bad.sdx_poa = NULL;
    bad.n_sdx = 4;
    bad.proc = junk;
    bad.n_proc = 4;
    CHECK_INT(mc_drg_group(g, &bad, &r, NULL), ==, MC_OK);
    CHECK_INT(r.drg, ==, 293);

    int v = 0;
    const char *dxs[] = { "I27.848", "I50.23" };
    CHECK_INT(mc_drg_version_for_codes(g, dxs, 2, NULL, 0, &v), ==, MC_OK);
    CHECK_INT(v, ==, 431);

    mc_drg_result_fini(&r);
    mc_drg_result_fini(&r); /* idempotent */
    mc_drg_close(g);
    mc_drg_close(NULL);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(version_for_date);
    RUN(names);
    RUN(missing_sections);
    RUN(damaged_sections);
    RUN(group_api);
    return harness_done();
}
