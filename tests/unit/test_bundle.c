/* Unit tests: bundle writer/reader round trip and every kind of damage. */
#include "harness.h"

#include "bundle/bundle_int.h"

static int make_image(mc__buf *img)
{
    mc__bw *w;
    if (mc__bw_new(2026, &w))
        return -1;
    int rc = mc__bw_add(w, "ALPHA", "hello", 5, 2026);
    rc = rc ? rc : mc__bw_add(w, "BETA", "0123456789abcdef0", 17, 2021);
    rc = rc ? rc : mc__bw_add(w, "EMPTY", "", 0, 2026);
    if (!rc)
        rc = mc__bw_add(w, "ALPHA", "x", 1, 2026) == MC_EEXISTS ? MC_OK : -1;
    rc = rc ? rc : mc__bw_image(w, img);
    mc__bw_free(w);
    return rc;
}

TEST(round_trip)
{
    mc__buf img;
    CHECK_INT(make_image(&img), ==, MC_OK);
    mc_bundle *b;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &d), ==, MC_OK);
    CHECK_INT(mc_bundle_year(b), ==, 2026);
    CHECK_INT(mc_bundle_section_count(b), ==, 3);
    const void *p;
    size_t n;
    CHECK_INT(mc_bundle_section(b, "BETA", &p, &n), ==, MC_OK);
    CHECK_SLICE((const char *)p, n, "0123456789abcdef0");
    CHECK_INT(mc_bundle_section(b, "EMPTY", &p, &n), ==, MC_OK);
    CHECK_INT(n, ==, 0);
    CHECK_INT(mc_bundle_section(b, "GAMMA", &p, &n), ==, MC_ENOTFOUND);
    mc_bundle_section_info si;
    CHECK_INT(mc_bundle_section_at(b, 1, &si), ==, MC_OK);
    CHECK_STR(si.tag, "BETA");
    CHECK_INT(si.source_year, ==, 2021);
    CHECK_INT(si.offset % 16, ==, 0);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

TEST(every_truncation_is_rejected)
{
    mc__buf img;
    CHECK_INT(make_image(&img), ==, MC_OK);
    for (size_t n = 0; n < img.n; n++) {
        mc_bundle *b = NULL;
        mc_diag d = { 0 };
        int rc = mc_bundle_open_mem(img.p, n, &b, &d);
        if (rc == MC_OK) {
            FAILF("truncated to %zu bytes but opened", n);
            mc_bundle_close(b);
            break;
        }
        CHECK(d.msg[0] != 0);
    }
    mc__buf_free(&img);
}

TEST(every_flipped_byte_is_rejected)
{
    mc__buf img;
    CHECK_INT(make_image(&img), ==, MC_OK);
    /* bytes that carry meaning: the header's first 40 bytes, the section
     * table and every section payload (the rest is reserved or padding) */
    char *meaningful = calloc(img.n, 1);
    CHECK(meaningful);
    mc_bundle *b;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, NULL), ==, MC_OK);
    memset(meaningful, 1, 40);
    memset(meaningful + MC__BUNDLE_HEADER_SIZE, 1, 3 * MC__BUNDLE_ENTRY_SIZE);
    for (uint32_t s = 0; s < mc_bundle_section_count(b); s++) {
        mc_bundle_section_info si;
        mc_bundle_section_at(b, s, &si);
        memset(meaningful + si.offset, 1, (size_t)si.size);
    }
    mc_bundle_close(b);
    for (size_t i = 0; i < img.n; i++) {
        if (!meaningful[i])
            continue;
        img.p[i] ^= 0x5a;
        int rc = mc_bundle_open_mem(img.p, img.n, &b, NULL);
        if (rc == MC_OK) {
            /* payload damage is found when the section is read */
            rc = mc_bundle_verify(b, NULL);
            const void *p;
            size_t n;
            int r1 = mc_bundle_section(b, "ALPHA", &p, &n);
            int r2 = mc_bundle_section(b, "BETA", &p, &n);
            if (rc == MC_ECHECKSUM && r1 == MC_OK && r2 == MC_OK)
                rc = MC_OK; /* verify and section() must agree */
            mc_bundle_close(b);
        }
        img.p[i] ^= 0x5a;
        if (rc == MC_OK) {
            FAILF("flipping byte %zu went unnoticed", i);
            break;
        }
    }
    free(meaningful);
    mc__buf_free(&img);
}

TEST(bad_magic_and_version)
{
    mc__buf img;
    CHECK_INT(make_image(&img), ==, MC_OK);
    mc_bundle *b;
    mc_diag d = { 0 };
    img.p[0] = 'X';
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &d), ==, MC_ECORRUPT);
    CHECK(strstr(d.msg, "magic") != NULL);
    img.p[0] = 'M';
    img.p[8] = 9;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &d), ==, MC_EVERSION);
    CHECK(strstr(d.msg, "rebuild") != NULL);
    mc__buf_free(&img);
}

TEST(open_missing_file)
{
    mc_bundle *b;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open("/nonexistent/medcode-fy2026.mcb", &b, &d), ==, MC_ENOTFOUND);
    CHECK(strstr(d.msg, "medcode build") != NULL);
}

int main(void)
{
    RUN(round_trip);
    RUN(every_truncation_is_rejected);
    RUN(every_flipped_byte_is_rejected);
    RUN(bad_magic_and_version);
    RUN(open_missing_file);
    return harness_done();
}
