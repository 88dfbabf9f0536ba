/*
 * Unit tests for the ICD-10-CM code set: a hand-written fixture compiled by
 * the real build part (no official data needed), then full-data checks on
 * the FY2026 bundle when the mirror is present.
 */
#include "harness.h"

#include "build/build.h"
#include "codeset/cm_int.h"

MC_BUILD_PART(icd10cm, 1);

static mc__buf fixture_img;
static mc_bundle *fixture_b;
static mc_codeset *fixture_cs;

static int build_fixture(void)
{
    mc__build_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.year = 2030;
    ctx.release_dir = "tests/fixtures/release";
    ctx.manifest = "tests/fixtures/release/manifest.tsv";
    ctx.quiet = true;
    mc_diag d = { 0 };
    ctx.diag = &d;
    mc__buf_init(&ctx.sources, 0);
    int rc = mc__bw_new(2030, &ctx.w);
    rc = rc ? rc : mc__part_icd10cm(&ctx);
    rc = rc ? rc : mc__bw_image(ctx.w, &fixture_img);
    rc = rc ? rc : mc_bundle_open_mem(fixture_img.p, fixture_img.n, &fixture_b, &d);
    rc = rc ? rc : mc_codeset_open(fixture_b, &fixture_cs, &d);
    if (rc)
        fprintf(stderr, "fixture build failed: %s\n", d.msg);
    mc__bw_free(ctx.w);
    mc__buf_free(&ctx.sources);
    return rc;
}

TEST(normalize)
{
    char k[8];
    CHECK_INT(mc_cm_normalize(" e11.22 ", 8, k), ==, MC_OK);
    CHECK_STR(k, "E1122");
    CHECK_INT(mc_cm_normalize("QA0", 3, k), ==, MC_OK);
    CHECK_INT(mc_cm_normalize("E11.", 4, k), ==, MC_OK);
    CHECK_INT(mc_cm_normalize("E1.12", 5, k), ==, MC_EFORMAT);
    CHECK_INT(mc_cm_normalize("E11.22.3", 8, k), ==, MC_EFORMAT);
    CHECK_INT(mc_cm_normalize("0DTJ4ZZ", 7, k), ==, MC_EFORMAT);
    CHECK_INT(mc_cm_normalize("HIV", 3, k), ==, MC_EFORMAT);
    CHECK_INT(mc_cm_normalize("E11229999", 9, k), ==, MC_EFORMAT);
    CHECK_INT(mc_cm_normalize("", 0, k), ==, MC_EFORMAT);
    char d[9];
    mc_cm_dotted("T391X1A", d);
    CHECK_STR(d, "T39.1X1A");
    mc_cm_dotted("E11", d);
    CHECK_STR(d, "E11");
}

TEST(note_references)
{
    mc_code_range r[8];
    const char *t = "type 1 diabetes mellitus (E10.-), stage (N18.1-N18.6) and (A00-B99); HbA1c, (I10)";
    uint32_t n = mc__cm_parse_refs(t, strlen(t), r, 8);
    CHECK_INT(n, ==, 4);
    CHECK_STR(r[0].lo, "E10");
    CHECK_STR(r[0].hi, "E10");
    CHECK_STR(r[1].lo, "N181");
    CHECK_STR(r[1].hi, "N186");
    CHECK_STR(r[2].lo, "A00");
    CHECK_STR(r[2].hi, "B99");
    CHECK_STR(r[3].lo, "I10");
    CHECK(mc_code_in_range("E1022", &r[0]));
    CHECK(!mc_code_in_range("E1122", &r[0]));
    CHECK(mc_code_in_range("N184", &r[1]));
    CHECK(!mc_code_in_range("N189", &r[1]));
    CHECK(mc_code_in_range("B20", &r[2]));
    /* not inside parentheses: not a reference */
    CHECK_INT(mc__cm_parse_refs("see E10.9 and (HIV)", 19, r, 8), ==, 0);
}

TEST(fixture_codes_and_hierarchy)
{
    CHECK(fixture_cs);
    const mc_codeset *cs = fixture_cs;
    CHECK_INT(mc_cm_count(cs), ==, 14);
    CHECK_INT(mc_cm_billable_count(cs), ==, 8);
    mc_cm_code c;
    CHECK_INT(mc_cm_lookup(cs, "e11.22", 6, &c), ==, MC_OK);
    CHECK_STR(c.dotted, "E11.22");
    CHECK(c.billable);
    CHECK_SLICE(c.long_title.p, c.long_title.n,
                "Type 2 diabetes mellitus with diabetic chronic kidney disease");
    CHECK_SLICE(c.short_title.p, c.short_title.n,
                "Type 2 diabetes mellitus w diabetic chronic kidney disease");
    mc_cm_code p;
    CHECK_INT(mc_cm_get(cs, c.parent, &p), ==, MC_OK);
    CHECK_STR(p.dotted, "E11.2");
    mc_cm_block bl;
    CHECK_INT(mc_cm_get_block(cs, c.block, &bl), ==, MC_OK);
    CHECK_SLICE(bl.id.p, bl.id.n, "E08-E13");
    mc_cm_chapter ch;
    CHECK_INT(mc_cm_get_chapter(cs, c.chapter, &ch), ==, MC_OK);
    CHECK_INT(ch.number, ==, 4);
    CHECK_STR(ch.first, "E00");
    CHECK_STR(ch.last, "E89");
    uint32_t kids[8];
    CHECK_INT(mc_cm_children(cs, p.id, kids, 8), ==, 2);
    CHECK_INT(mc_cm_lookup(cs, "E11.8", 5, &c), ==, MC_ENOTFOUND);
    /* E11.99 is newer than the tabular: no own description, inherits E11 */
    CHECK_INT(mc_cm_lookup(cs, "E11.99", 6, &c), ==, MC_OK);
    CHECK(!c.in_tabular);
    uint32_t first, count;
    CHECK_INT(mc_cm_prefix_range(cs, "E11.2", 5, &first, &count), ==, MC_OK);
    CHECK_INT(count, ==, 3);
}

TEST(fixture_notes_inherited)
{
    CHECK(fixture_cs);
    const mc_codeset *cs = fixture_cs;
    mc_cm_code c;
    CHECK_INT(mc_cm_lookup(cs, "E1122", 5, &c), ==, MC_OK);
    mc_cm_note n[32];
    CHECK_INT(mc_cm_notes(cs, c.id, false, n, 32), ==, 1);
    CHECK_INT(n[0].kind, ==, MC_NOTE_USE_ADDITIONAL);
    uint32_t total = mc_cm_notes(cs, c.id, true, n, 32);
    /* own 1 + E11: includes, use additional, 2 excludes1 + chapter excludes1 */
    CHECK_INT(total, ==, 6);
    CHECK_INT(n[1].kind, ==, MC_NOTE_INCLUDES);
    CHECK_INT(n[3].kind, ==, MC_NOTE_EXCLUDES1);
    CHECK_SLICE(n[3].text.p, n[3].text.n, "type 1 diabetes mellitus (E10.-)");
    mc_code_range r;
    CHECK_INT(mc_cm_note_ref(cs, &n[3], 0, &r), ==, MC_OK);
    CHECK_STR(r.lo, "E10");
    CHECK_INT(n[5].level, ==, MC_LEVEL_CHAPTER);
    /* the dropped code's note went nowhere */
    for (uint32_t i = 0; i < total; i++)
        CHECK(n[i].kind != MC_NOTE_EXCLUDES2);
}

TEST(fixture_seventh_and_validation)
{
    CHECK(fixture_cs);
    const mc_codeset *cs = fixture_cs;
    mc_cm_code c;
    CHECK_INT(mc_cm_lookup(cs, "T39.1X1A", 8, &c), ==, MC_OK);
    mc_cm_seventh s[8];
    uint32_t owner;
    CHECK_INT(mc_cm_seventh_chars(cs, c.id, s, 8, &owner), ==, 3);
    CHECK(s[0].ch == 'A');
    CHECK_SLICE(s[2].meaning.p, s[2].meaning.n, "sequela");
    mc_cm_code o;
    mc_cm_get(cs, owner, &o);
    CHECK_STR(o.dotted, "T39");
    char why[512];
    CHECK_INT(mc_cm_validate(cs, "T39.1X1A", 8, why, sizeof why), ==, MC_OK);
    CHECK_INT(mc_cm_validate(cs, "T39.11A", 7, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "use T39.1X1A") != NULL);
    CHECK_INT(mc_cm_validate(cs, "T39.1X1", 7, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "requires a 7th character") != NULL);
    CHECK_INT(mc_cm_validate(cs, "T39.1X1Q", 8, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "not a valid 7th character") != NULL);
    CHECK_INT(mc_cm_validate(cs, "E11.2", 5, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "E11.21, E11.22") != NULL);
    CHECK_INT(mc_cm_validate(cs, "E11.7", 5, why, sizeof why), ==, MC_ENOTFOUND);
    CHECK_INT(mc_cm_validate(cs, "banana", 6, why, sizeof why), ==, MC_EFORMAT);
    /* a longer form of a billable leaf names the leaf, not an empty list */
    CHECK_INT(mc_cm_validate(cs, "E11.229", 7, why, sizeof why), ==, MC_ENOTFOUND);
    CHECK(strstr(why, "E11.22 is the complete code") != NULL);
}

TEST(corrupt_section_is_rejected)
{
    CHECK(fixture_b);
    /* damage a code record's parent pointer and re-checksum: the codeset
     * reader must refuse it even though the bundle checksums are valid */
    const void *p;
    size_t n;
    CHECK_INT(mc_bundle_section(fixture_b, "CMCODE", &p, &n), ==, MC_OK);
    char *copy = malloc(n);
    CHECK(copy);
    memcpy(copy, p, n);
    copy[16 + 24] = (char)0xfe; /* record 0 parent = huge */
    mc__bw *w;
    CHECK_INT(mc__bw_new(2030, &w), ==, MC_OK);
    const char *tags[] = { "CMKIDS", "CMNOTE", "CMREF", "CMCHAP", "CMBLOCK", "CMSEVN", "CMHASH", "CMSTR" };
    mc__bw_add(w, "CMCODE", copy, n, 2030);
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        CHECK_INT(mc_bundle_section(fixture_b, tags[i], &p, &n), ==, MC_OK);
        mc__bw_add(w, tags[i], p, n, 2030);
    }
    mc__buf img;
    CHECK_INT(mc__bw_image(w, &img), ==, MC_OK);
    mc_bundle *b;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, NULL), ==, MC_OK);
    mc_codeset *cs = NULL;
    mc_diag d = { 0 };
    CHECK_INT(mc_codeset_open(b, &cs, &d), ==, MC_ECORRUPT);
    CHECK(strstr(d.msg, "inconsistent") != NULL);
    mc_bundle_close(b);
    mc__buf_free(&img);
    mc__bw_free(w);
    free(copy);
}

/* ---- full data ---- */

TEST(fy2026_counts_and_spot_checks)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_codeset *cs;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    CHECK_INT(mc_codeset_open(b, &cs, &d), ==, MC_OK);
    CHECK_INT(mc_cm_billable_count(cs), ==, 74719);
    CHECK_INT(mc_cm_count(cs), ==, 98186);
    CHECK_INT(mc_cm_chapter_count(cs), ==, 22);
    uint32_t billable = 0;
    for (uint32_t i = 0; i < mc_cm_count(cs); i++) {
        mc_cm_code c;
        mc_cm_get(cs, i, &c);
        billable += c.billable;
        /* every billable code validates; no billable code has children */
        if (c.billable && mc_cm_children(cs, i, NULL, 0)) {
            FAILF("billable %s has children", c.dotted);
            break;
        }
    }
    CHECK_INT(billable, ==, 74719);
    mc_cm_code c;
    CHECK_INT(mc_cm_lookup(cs, "E11.22", 6, &c), ==, MC_OK);
    CHECK_SLICE(c.long_title.p, c.long_title.n,
                "Type 2 diabetes mellitus with diabetic chronic kidney disease");
    mc_cm_note n[128];
    uint32_t nn = mc_cm_notes(cs, c.id, true, n, 128);
    bool ckd_stage = false, type1_excl = false;
    for (uint32_t i = 0; i < nn && i < 128; i++) {
        if (n[i].kind == MC_NOTE_USE_ADDITIONAL && memmem(n[i].text.p, n[i].text.n, "N18.1-N18.6", 11))
            ckd_stage = true;
        if (n[i].kind == MC_NOTE_EXCLUDES1 && memmem(n[i].text.p, n[i].text.n, "(E10.-)", 7))
            type1_excl = true;
    }
    CHECK(ckd_stage && type1_excl);
    char why[2048];
    CHECK_INT(mc_cm_validate(cs, "S72.001A", 8, why, sizeof why), ==, MC_OK);
    CHECK_INT(mc_cm_validate(cs, "S72.001", 7, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "A (initial encounter for closed fracture)") != NULL);
    CHECK_INT(mc_cm_validate(cs, "T39.11A", 7, why, sizeof why), ==, MC_EINVAL);
    CHECK(strstr(why, "T39.1X1A") != NULL);
    CHECK_INT(mc_cm_validate(cs, "T39.1X1A", 8, why, sizeof why), ==, MC_OK);
    /* new in FY2026, so not in the FY2021 tabular */
    CHECK_INT(mc_cm_lookup(cs, "QA0", 3, &c), ==, MC_OK);
    CHECK(!c.billable);
    CHECK_INT(mc_cm_lookup(cs, "I10", 3, &c), ==, MC_OK);
    CHECK(c.billable);
    mc_cm_chapter ch;
    CHECK_INT(mc_cm_get_chapter(cs, c.chapter, &ch), ==, MC_OK);
    CHECK_INT(ch.number, ==, 9);
    mc_cm_seventh s[32];
    CHECK_INT(mc_cm_lookup(cs, "S72.001A", 8, &c), ==, MC_OK);
    CHECK_INT(mc_cm_seventh_chars(cs, c.id, s, 32, NULL), ==, 16);
    mc_codeset_close(cs);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(normalize);
    RUN(note_references);
    int rc = build_fixture();
    if (rc)
        FAILF("fixture build: %s", mc_strerror(rc));
    RUN(fixture_codes_and_hierarchy);
    RUN(fixture_notes_inherited);
    RUN(fixture_seventh_and_validation);
    RUN(corrupt_section_is_rejected);
    RUN(fy2026_counts_and_spot_checks);
    mc_codeset_close(fixture_cs);
    mc_bundle_close(fixture_b);
    mc__buf_free(&fixture_img);
    return harness_done() || rc;
}
