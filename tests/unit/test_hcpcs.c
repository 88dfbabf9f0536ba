/*
 * HCPCS Level II tests: the CSV builder on a hand-written fixture (quoted
 * fields, doubled quotes, a line break inside quotes, a continuation record,
 * a Latin-1 byte, columns in another order), validity on dates, and
 * full-data spot checks on the FY2026 bundle.
 */
#include "harness.h"

#include "build/build.h"
#include "medcode/hcpcs.h"

#include <sys/stat.h>
#include <unistd.h>

int mc__part_hcpcs(mc__build_ctx *ctx);

static char dir[256];

static int build_csv(const char *csv, mc__buf *img, mc_diag *diag)
{
    if (!dir[0]) {
        char tmpl[] = "/tmp/mc_hcpcs_test_XXXXXX";
        if (!mkdtemp(tmpl))
            return MC_EIO;
        snprintf(dir, sizeof dir, "%s", tmpl);
        char p[400];
        snprintf(p, sizeof p, "%s/hcpcs", dir);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/hcpcs/2026", dir);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/manifest.tsv", dir);
        FILE *f = fopen(p, "w");
        fputs("hcpcs\t2026\tanweb\th.csv\t-\t-\t-\t-\n", f);
        fclose(f);
    }
    char p[400], manifest[400];
    snprintf(p, sizeof p, "%s/hcpcs/2026/h.csv", dir);
    FILE *f = fopen(p, "wb");
    fputs(csv, f);
    fclose(f);
    snprintf(manifest, sizeof manifest, "%s/manifest.tsv", dir);
    mc__build_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.year = 2026;
    ctx.release_dir = dir;
    ctx.manifest = manifest;
    ctx.diag = diag;
    ctx.quiet = true;
    mc__buf_init(&ctx.sources, 0);
    mc__buf_init(img, 0);
    int rc = mc__bw_new(2026, &ctx.w);
    if (!rc)
        rc = mc__part_hcpcs(&ctx);
    if (!rc)
        rc = mc__bw_image(ctx.w, img);
    mc__bw_free(ctx.w);
    mc__buf_free(&ctx.sources);
    return rc;
}

static const char header[] =
    "HCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION,PRICE1,PRICE2,PRICE3,PRICE4,MULT_PI,"
    "CIM1,CIM2,CIM3,MCM1,MCM2,MCM3,STATUTE,LABCERT1,LABCERT2,LABCERT3,LABCERT4,LABCERT5,"
    "LABCERT6,LABCERT7,LABCERT8,XREF1,XREF2,XREF3,XREF4,XREF5,COV,ASC_GRP,ASC_DT,OPPS,OPPS_PI,"
    "OPPS_DT,PROCNOTE,BETOS,TOS1,TOS2,TOS3,TOS4,TOS5,ANEST_BU,ADD DT,ACT EFF DT,TERM DT,"
    "ACTION CD\r\n";

TEST(fixture_csv)
{
    char csv[8192];
    snprintf(csv, sizeof csv,
             "%s"
             "A4253,0010,3,\"Blood glucose test or reagent strips, per 50 \"\"strips\"\"\",Blood "
             "glucose/reagent strips,32,,,,A,60-11,,,,,,,,,,,,,,,,,,,,D,,,,,,,D1E,P,,,,,0,"
             "19860101,19980701,,N\r\n"
             "C9088,0010,3,\"Line one\nline two\",Short,,,,,,,,,,,,,,,,,,,,,,,,,,C,,,,,,,Z2,,,,"
             ",,,20220101,20251001,20250930,D\r\n"
             "C9088,0020,4,continued text,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\r\n"
             "25,0010,7,Significant \xE9valuation,Sig sep e/m,,,,,,,,,,,,,,,,,,,,,,,,,,C,,,,,,,,,,,"
             ",,,20000101,20000101,,N\r\n",
             header);
    mc__buf img;
    mc_diag d = { 0 };
    CHECK_INT(build_csv(csv, &img, &d), ==, MC_OK);
    mc_bundle *b;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &d), ==, MC_OK);
    mc_hcpcs *h;
    CHECK_INT(mc_hcpcs_open(b, &h, &d), ==, MC_OK);
    CHECK_INT(mc_hcpcs_count(h), ==, 3);
    mc_hcpcs_code c;
    CHECK_INT(mc_hcpcs_lookup(h, " a4253", 6, &c), ==, MC_OK);
    CHECK_SLICE(c.long_desc.p, c.long_desc.n,
                "Blood glucose test or reagent strips, per 50 \"strips\"");
    CHECK_SLICE(c.betos.p, c.betos.n, "D1E");
    CHECK_INT(c.add_date, ==, 19860101);
    CHECK_INT(c.term_date, ==, 0);
    CHECK(!c.modifier);
    CHECK_INT(c.action, ==, 'N');
    mc_str price = mc_hcpcs_field(h, c.id, 5);
    CHECK_SLICE(price.p, price.n, "32");
    CHECK_INT(mc_hcpcs_lookup(h, "C9088", 5, &c), ==, MC_OK);
    CHECK_SLICE(c.long_desc.p, c.long_desc.n, "Line one\nline two continued text");
    CHECK(mc_hcpcs_valid_on(&c, 20250930));
    CHECK(!mc_hcpcs_valid_on(&c, 20251001));
    CHECK(!mc_hcpcs_valid_on(&c, 20211231));
    CHECK_INT(mc_hcpcs_lookup(h, "25", 2, &c), ==, MC_OK);
    CHECK(c.modifier);
    CHECK_SLICE(c.long_desc.p, c.long_desc.n, "Significant \xC3\xA9valuation");
    CHECK_INT(mc_hcpcs_lookup(h, "J9999", 5, &c), ==, MC_ENOTFOUND);
    CHECK_INT(mc_hcpcs_lookup(h, "J-99", 4, &c), ==, MC_EFORMAT);
    uint32_t date;
    CHECK_INT(mc_hcpcs_parse_date("2025-10-01", &date), ==, MC_OK);
    CHECK_INT(date, ==, 20251001);
    CHECK_INT(mc_hcpcs_parse_date("2025-13-01", &date), ==, MC_EFORMAT);
    mc_hcpcs_close(h);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

TEST(fixture_csv_errors)
{
    static const char *bad[] = {
        "",
        "CODE,DESC\r\nA1,x\r\n", /* not the CMS columns */
        NULL, /* unterminated quote (built below) */
        NULL, /* bad date */
    };
    char b1[4096], b2[4096];
    snprintf(b1, sizeof b1, "%sA4253,0010,3,\"never closed,x\r\n", header);
    snprintf(b2, sizeof b2,
             "%sA4253,0010,3,x,x,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,19861301,,,N\r\n",
             header);
    bad[2] = b1;
    bad[3] = b2;
    for (int i = 0; i < 4; i++) {
        mc__buf img;
        mc_diag d = { 0 };
        int rc = build_csv(bad[i], &img, &d);
        mc__buf_free(&img);
        if (rc == MC_OK)
            FAILF("case %d accepted", i);
        CHECK(rc != MC_OK);
        CHECK(d.msg[0]);
    }
}

TEST(full_hcpcs)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    mc_hcpcs *h;
    CHECK_INT(mc_hcpcs_open(b, &h, &d), ==, MC_OK);
    CHECK_INT(mc_hcpcs_count(h), ==, 8846);
    uint32_t mods = 0;
    for (uint32_t i = 0; i < mc_hcpcs_count(h); i++) {
        mc_hcpcs_code c;
        mc_hcpcs_get(h, i, &c);
        mods += c.modifier;
    }
    CHECK_INT(mods, ==, 383);
    mc_hcpcs_code c;
    CHECK_INT(mc_hcpcs_lookup(h, "A4253", 5, &c), ==, MC_OK);
    CHECK_SLICE(c.long_desc.p, c.long_desc.n,
                "Blood glucose test or reagent strips for home blood glucose monitor, per 50 "
                "strips");
    CHECK_SLICE(c.short_desc.p, c.short_desc.n, "Blood glucose/reagent strips");
    CHECK_INT(c.add_date, ==, 19860101);
    CHECK_SLICE(c.coverage.p, c.coverage.n, "D");
    CHECK_SLICE(c.betos.p, c.betos.n, "D1E");
    CHECK_INT(mc_hcpcs_lookup(h, "j1100", 5, &c), ==, MC_OK);
    CHECK_SLICE(c.long_desc.p, c.long_desc.n, "Injection, dexamethasone sodium phosphate, 1 mg");
    CHECK_SLICE(c.betos.p, c.betos.n, "O1E");
    /* discontinued 2025-10-01: TERM DT 20250930 is its last valid day */
    CHECK_INT(mc_hcpcs_lookup(h, "J2150", 5, &c), ==, MC_OK);
    CHECK_INT(c.action, ==, 'D');
    CHECK_INT(c.term_date, ==, 20250930);
    CHECK(mc_hcpcs_valid_on(&c, 20250930));
    CHECK(!mc_hcpcs_valid_on(&c, 20251001));
    /* added 2025-10-01 */
    CHECK_INT(mc_hcpcs_lookup(h, "A2036", 5, &c), ==, MC_OK);
    CHECK_INT(c.action, ==, 'A');
    CHECK(!mc_hcpcs_valid_on(&c, 20250930));
    CHECK(mc_hcpcs_valid_on(&c, 20251001));
    CHECK_INT(mc_hcpcs_lookup(h, "AB", 2, &c), ==, MC_OK);
    CHECK(c.modifier);
    mc_hcpcs_close(h);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(fixture_csv);
    RUN(fixture_csv_errors);
    RUN(full_hcpcs);
    if (dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "  could not remove %s\n", dir);
    }
    return harness_done();
}
