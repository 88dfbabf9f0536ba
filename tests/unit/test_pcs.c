/*
 * ICD-10-PCS tests: the XML loader and the whole build -> bundle -> reader
 * path on small hand-written fixtures (no official data needed), corrupted
 * sections, and full-data checks on the FY2026/FY2025 bundles: every code
 * the FY2026 table rows derive validates, exactly 79,115 of them, 1,000
 * seeded invalid codes rejected with the right position, order-file counts
 * and spot checks.
 */
#include "harness.h"

#include "build/build.h"
#include "medcode/pcs.h"
#include "pcs/pcs_int.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

int mc__part_pcs(mc__build_ctx *ctx);

/* ---------- fixtures ---------- */
static const char fixture_tables[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ICD10PCS.tabular><version>2026</version><title>t</title>\n"
    "<pcsTable>\n"
    " <axis pos=\"1\" values=\"1\"><title>Section</title><label code=\"0\">Medical and Surgical</label></axis>\n"
    " <axis pos=\"2\" values=\"1\"><title>Body System</title><label code=\"D\">Gastrointestinal System</label></axis>\n"
    " <axis pos=\"3\" values=\"1\"><title>Operation</title><label code=\"T\">Resection</label>\n"
    "  <definition>Cutting out or off, without replacement, all of a body part</definition></axis>\n"
    " <pcsRow codes=\"4\">\n"
    "  <axis pos=\"4\" values=\"2\"><title>Body Part</title><label code=\"J\">Appendix</label><label code=\"1\">Esophagus, Upper</label></axis>\n"
    "  <axis pos=\"5\" values=\"2\"><title>Approach</title><label code=\"0\">Open</label><label code=\"4\">Percutaneous Endoscopic</label></axis>\n"
    "  <axis pos=\"6\" values=\"1\"><title>Device</title><label code=\"Z\">No Device</label></axis>\n"
    "  <axis pos=\"7\" values=\"1\"><title>Qualifier</title><label code=\"Z\">No Qualifier</label></axis>\n"
    " </pcsRow>\n"
    " <pcsRow codes=\"1\">\n"
    "  <axis pos=\"4\" values=\"1\"><title>Body Part</title><label code=\"J\">Appendix</label></axis>\n"
    "  <axis pos=\"5\" values=\"1\"><title>Approach</title><label code=\"4\">Percutaneous Endoscopic</label></axis>\n"
    "  <axis pos=\"6\" values=\"1\"><title>Device</title><label code=\"Z\">No Device</label></axis>\n"
    "  <axis pos=\"7\" values=\"1\"><title>Qualifier</title><label code=\"G\">Hand-Assisted</label></axis>\n"
    " </pcsRow>\n"
    "</pcsTable>\n"
    "<pcsTable>\n"
    " <axis pos=\"1\" values=\"1\"><title>Section</title><label code=\"B\">Imaging</label></axis>\n"
    " <axis pos=\"2\" values=\"1\"><title>Body System</title><label code=\"2\">Heart</label></axis>\n"
    " <axis pos=\"3\" values=\"1\"><title>Type</title><label code=\"0\">Plain Radiography</label></axis>\n"
    " <pcsRow codes=\"2\">\n"
    "  <axis pos=\"4\" values=\"2\"><title>Body Part</title><label code=\"0\">Coronary Artery, Single</label><label code=\"1\">Coronary Arteries, Multiple</label></axis>\n"
    "  <axis pos=\"5\" values=\"1\"><title>Contrast</title><label code=\"0\">High Osmolar</label></axis>\n"
    "  <axis pos=\"6\" values=\"1\"><title>Qualifier</title><label code=\"Z\">None</label></axis>\n"
    "  <axis pos=\"7\" values=\"1\"><title>Qualifier</title><label code=\"Z\">None</label></axis>\n"
    " </pcsRow>\n"
    "</pcsTable>\n"
    "</ICD10PCS.tabular>\n";

static const char fixture_defs[] =
    "<?xml version=\"1.0\"?>\n<ICD10PCS.definitions><version>2026</version>\n"
    "<section code=\"0\"><title>Medical and Surgical</title>\n"
    " <axis pos=\"3\"><title>Operation</title><terms><title>Resection</title>\n"
    "  <definition>Cutting out or off, without replacement, all of a body part</definition>\n"
    "  <includes>Total nephrectomy</includes><includes>total lobectomy of lung</includes></terms></axis>\n"
    " <axis pos=\"4\"><title>Body Part</title><terms><title>Appendix</title><includes>Vermiform appendix</includes></terms></axis>\n"
    " <axis pos=\"5\"><title>Approach</title><terms><title>Percutaneous Endoscopic</title>\n"
    "  <definition>Entry, by puncture or minor incision</definition></terms></axis>\n"
    "</section>\n"
    "<deviceAggregation>\n"
    " <aggregate><device>X</device><parent value=\"7\">Y</parent></aggregate>\n"
    " <aggregate><device>No Device, Fixture</device><operation>Resection</operation>\n"
    "  <bodySys>Gastrointestinal System</bodySys><parent value=\"Z\">No Device</parent></aggregate>\n"
    " <aggregate><device>No Device, Elsewhere</device><operation>All applicable</operation>\n"
    "  <bodySys>Heart and Great Vessels</bodySys><parent value=\"Z\">No Device</parent></aggregate>\n"
    "</deviceAggregation>\n"
    "</ICD10PCS.definitions>\n";

/* order file lines: number(5) sp code(7) sp flag sp short(60) sp long */
static void order_line(FILE *f, int n, const char *code, int flag, const char *title)
{
    fprintf(f, "%05d %-7s %d %-60.60s %s\r\n", n, code, flag, title, title);
}

static char fixture_dir[256];

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Builds a fixture release tree; returns the release dir or NULL. */
static const char *make_fixture(void)
{
    if (fixture_dir[0])
        return fixture_dir;
    char tmpl[] = "/tmp/mc_pcs_test_XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    snprintf(fixture_dir, sizeof fixture_dir, "%s", tmpl);
    char p[512];
    snprintf(p, sizeof p, "%s/icd10pcs", fixture_dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/icd10pcs/2026", fixture_dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/icd10pcs/2026/t.xml", fixture_dir);
    write_file(p, fixture_tables);
    snprintf(p, sizeof p, "%s/icd10pcs/2026/d.xml", fixture_dir);
    write_file(p, fixture_defs);
    snprintf(p, sizeof p, "%s/icd10pcs/2026/o.txt", fixture_dir);
    FILE *f = fopen(p, "wb");
    order_line(f, 1, "0DT", 0, "Gastrointestinal System, Resection");
    order_line(f, 2, "0DT10ZZ", 1, "Resection of Esophagus, Upper, Open Approach");
    order_line(f, 3, "0DT14ZZ", 1, "Resection of Esophagus, Upper, Perc Endo");
    order_line(f, 4, "0DTJ0ZZ", 1, "Resection of Appendix, Open Approach");
    order_line(f, 5, "0DTJ4ZG", 1, "Resection of Appendix, Perc Endo, Hand-Assisted");
    order_line(f, 6, "0DTJ4ZZ", 1, "Resection of Appendix, Percutaneous Endoscopic Approach");
    order_line(f, 7, "B20", 0, "Imaging, Heart, Plain Radiography");
    order_line(f, 8, "B2000ZZ", 1, "Plain Radiography of Single Coronary Artery");
    order_line(f, 9, "B2010ZZ", 1, "Plain Radiography of Multiple Coronary Arteries");
    fclose(f);
    snprintf(p, sizeof p, "%s/manifest.tsv", fixture_dir);
    write_file(p, "icd10pcs\t2026\ttables\tt.xml\t-\t-\t-\t-\n"
                  "icd10pcs\t2026\tdefinitions\td.xml\t-\t-\t-\t-\n"
                  "icd10pcs\t2026\torder\to.txt\t-\t-\t-\t-\n");
    return fixture_dir;
}

/* Build the fixture bundle image into img (caller frees). */
static int build_fixture(int year, mc__buf *img, mc_diag *diag)
{
    const char *dir = make_fixture();
    if (!dir)
        return MC_EIO;
    char manifest[512];
    snprintf(manifest, sizeof manifest, "%s/manifest.tsv", dir);
    mc__build_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.year = year;
    ctx.release_dir = dir;
    ctx.manifest = manifest;
    ctx.diag = diag;
    ctx.quiet = true;
    mc__buf_init(&ctx.sources, 0);
    int rc = mc__bw_new(year, &ctx.w);
    if (!rc)
        rc = mc__part_pcs(&ctx);
    if (!rc)
        rc = mc__bw_image(ctx.w, img);
    mc__bw_free(ctx.w);
    mc__buf_free(&ctx.sources);
    return rc;
}

TEST(fixture_build_and_query)
{
    mc__buf img;
    mc__buf_init(&img, 0);
    mc_diag diag = { 0 };
    CHECK_INT(build_fixture(2026, &img, &diag), ==, MC_OK);
    mc_bundle *b = NULL;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &diag), ==, MC_OK);
    mc_pcs *p = NULL;
    CHECK_INT(mc_pcs_open(b, &p, &diag), ==, MC_OK);
    CHECK_INT(mc_pcs_table_count(p), ==, 2);
    CHECK_INT(mc_pcs_row_count(p), ==, 3);
    CHECK_INT(mc_pcs_valid_count(p), ==, 7);
    CHECK(mc_pcs_tables_authoritative(p));

    mc_pcs_check c;
    CHECK_INT(mc_pcs_validate(p, " 0dtj4zz ", 9, &c), ==, MC_OK);
    CHECK(c.valid);
    CHECK_STR(c.code, "0DTJ4ZZ");
    mc_pcs_validate(p, "0DTJ0ZG", 7, &c); /* G only with approach 4 */
    CHECK(!c.valid);
    CHECK_INT(c.status, ==, MC_PCS_BAD_VALUE);
    CHECK_INT(c.position, ==, 7);
    CHECK_STR(c.allowed, "Z");
    CHECK_SLICE(c.axis.p, c.axis.n, "Qualifier");
    mc_pcs_validate(p, "0DT14ZG", 7, &c);
    CHECK_INT(c.position, ==, 7);
    mc_pcs_validate(p, "0DTK4ZZ", 7, &c);
    CHECK_INT(c.position, ==, 4);
    CHECK_STR(c.allowed, "1J");
    mc_pcs_validate(p, "0DQJ4ZZ", 7, &c);
    CHECK_INT(c.position, ==, 3);
    CHECK_STR(c.allowed, "T");
    mc_pcs_validate(p, "0BTJ4ZZ", 7, &c);
    CHECK_INT(c.position, ==, 2);
    mc_pcs_validate(p, "1DTJ4ZZ", 7, &c);
    CHECK_INT(c.position, ==, 1);
    CHECK_STR(c.allowed, "0B");
    mc_pcs_validate(p, "0DTJ4Z", 6, &c);
    CHECK_INT(c.status, ==, MC_PCS_BAD_LENGTH);
    mc_pcs_validate(p, "0DTJOZZ", 7, &c);
    CHECK_INT(c.status, ==, MC_PCS_BAD_CHAR);
    CHECK_INT(c.position, ==, 5);
    mc_pcs_validate(p, "0D-J4ZZ", 7, &c);
    CHECK_INT(c.status, ==, MC_PCS_BAD_CHAR);
    CHECK_INT(c.position, ==, 3);

    mc_pcs_axis ax[7];
    int na;
    CHECK_INT(mc_pcs_explain(p, "0DTJ4ZZ", 7, ax, &na), ==, MC_OK);
    CHECK_INT(na, ==, 7);
    CHECK_SLICE(ax[2].label.p, ax[2].label.n, "Resection");
    CHECK_SLICE(ax[2].definition.p, ax[2].definition.n,
                "Cutting out or off, without replacement, all of a body part");
    CHECK_SLICE(ax[2].includes.p, ax[2].includes.n, "Total nephrectomy; total lobectomy of lung");
    CHECK_SLICE(ax[3].includes.p, ax[3].includes.n, "Vermiform appendix");
    CHECK_SLICE(ax[4].name.p, ax[4].name.n, "Approach");
    CHECK_SLICE(ax[4].definition.p, ax[4].definition.n, "Entry, by puncture or minor incision");
    CHECK_SLICE(ax[6].label.p, ax[6].label.n, "No Qualifier");
    CHECK_SLICE(ax[5].covers.p, ax[5].covers.n, "No Device, Fixture"); /* not "Elsewhere" */
    CHECK_INT(mc_pcs_explain(p, "B201", 4, ax, &na), ==, MC_OK);
    CHECK_INT(na, ==, 4);
    CHECK_SLICE(ax[2].name.p, ax[2].name.n, "Type");
    CHECK_SLICE(ax[3].label.p, ax[3].label.n, "Coronary Arteries, Multiple");

    mc_pcs_value v[34];
    uint32_t n;
    mc_str axis;
    CHECK_INT(mc_pcs_next_values(p, "", 0, v, &n, &axis, NULL), ==, MC_OK);
    CHECK_INT(n, ==, 2);
    CHECK_INT(v[0].value, ==, '0');
    CHECK_SLICE(v[1].label.p, v[1].label.n, "Imaging");
    CHECK_INT(mc_pcs_next_values(p, "0DTJ4Z", 6, v, &n, &axis, NULL), ==, MC_OK);
    CHECK_INT(n, ==, 2);
    CHECK_INT(v[0].value, ==, 'G');
    CHECK_INT(mc_pcs_next_values(p, "0DT", 3, v, &n, &axis, NULL), ==, MC_OK);
    CHECK_SLICE(axis.p, axis.n, "Body Part");
    CHECK_INT(n, ==, 2);
    CHECK_INT(mc_pcs_next_values(p, "0DTX", 4, v, &n, &axis, &c), ==, MC_ENOTFOUND);
    CHECK_INT(c.position, ==, 4);
    CHECK_INT(mc_pcs_next_values(p, "0DTJ4ZZ", 7, v, &n, &axis, NULL), ==, MC_EFORMAT);

    mc_pcs_code t;
    CHECK_INT(mc_pcs_lookup(p, "0dt", 3, &t), ==, MC_OK);
    CHECK(!t.valid);
    CHECK_SLICE(t.long_title.p, t.long_title.n, "Gastrointestinal System, Resection");
    CHECK_INT(mc_pcs_lookup(p, "B2010ZZ", 7, &t), ==, MC_OK);
    CHECK_SLICE(t.short_title.p, t.short_title.n, "Plain Radiography of Multiple Coronary Arteries");
    CHECK_INT(mc_pcs_lookup(p, "B2020ZZ", 7, &t), ==, MC_ENOTFOUND);

    mc_pcs_iter it;
    char code[8];
    int k = 0;
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_TABLES);
    while (mc_pcs_iter_next(p, &it, code)) {
        mc_pcs_validate(p, code, 7, &c);
        CHECK(c.valid);
        k++;
    }
    CHECK_INT(k, ==, 7);
    mc_pcs_close(p);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

/* A FY2027 bundle built from FY2026 files: the order file (also 2026) decides nothing new,
   but the provenance years differ from the bundle year. */
TEST(fixture_other_year)
{
    mc__buf img;
    mc__buf_init(&img, 0);
    mc_diag diag = { 0 };
    CHECK_INT(build_fixture(2027, &img, &diag), ==, MC_OK);
    mc_bundle *b = NULL;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &diag), ==, MC_OK);
    mc_pcs *p = NULL;
    CHECK_INT(mc_pcs_open(b, &p, &diag), ==, MC_OK);
    CHECK_INT(mc_pcs_year(p), ==, 2027);
    CHECK_INT(mc_pcs_tables_year(p), ==, 2026);
    mc_pcs_close(p);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

static int parse_tables(const char *xml, mc_diag *diag)
{
    mc__pcs_model m;
    mc__pcs_model_init(&m);
    int rc = mc__pcs_parse_tables(&m, xml, strlen(xml), diag);
    mc__pcs_model_free(&m);
    return rc;
}

TEST(parser_rejects_malformed)
{
    mc_diag d = { 0 };
    CHECK_INT(parse_tables(fixture_tables, &d), ==, MC_OK);
    static const char *bad[] = {
        "",
        "<ICD10PCS.tabular>",
        "<other/>",
        "<ICD10PCS.tabular></ICD10PCS.tabular>",
        /* a label code that is not one PCS character */
        "<ICD10PCS.tabular><pcsTable><axis pos=\"1\"><title>S</title><label code=\"I\">x</label>"
        "</axis></pcsTable></ICD10PCS.tabular>",
        /* a table without rows */
        "<ICD10PCS.tabular><pcsTable><axis pos=\"1\"><title>S</title><label code=\"0\">x</label>"
        "</axis><axis pos=\"2\"><title>B</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"3\"><title>O</title><label code=\"0\">x</label></axis></pcsTable>"
        "</ICD10PCS.tabular>",
        /* axis 5 given twice */
        "<ICD10PCS.tabular><pcsTable><axis pos=\"1\"><title>S</title><label code=\"0\">x</label>"
        "</axis><axis pos=\"2\"><title>B</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"3\"><title>O</title><label code=\"0\">x</label></axis><pcsRow codes=\"1\">"
        "<axis pos=\"4\"><title>a</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"5\"><title>a</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"5\"><title>a</title><label code=\"0\">x</label></axis>"
        "</pcsRow></pcsTable></ICD10PCS.tabular>",
        /* codes="" does not match the axes; a value listed twice */
        "<ICD10PCS.tabular><pcsTable><axis pos=\"1\"><title>S</title><label code=\"0\">x</label>"
        "</axis><axis pos=\"2\"><title>B</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"3\"><title>O</title><label code=\"0\">x</label></axis><pcsRow codes=\"2\">"
        "<axis pos=\"4\"><title>a</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"5\"><title>a</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"6\"><title>a</title><label code=\"0\">x</label></axis>"
        "<axis pos=\"7\"><title>a</title><label code=\"0\">x</label></axis>"
        "</pcsRow></pcsTable></ICD10PCS.tabular>",
        "<ICD10PCS.tabular><pcsTable><axis pos=\"1\"><title>S</title><label code=\"0\">x</label>"
        "<label code=\"0\">y</label></axis></pcsTable></ICD10PCS.tabular>",
        /* a row before the table's axes; axis pos out of range */
        "<ICD10PCS.tabular><pcsTable><pcsRow codes=\"1\"/></pcsTable></ICD10PCS.tabular>",
        "<ICD10PCS.tabular><pcsTable><axis pos=\"8\"/></pcsTable></ICD10PCS.tabular>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&d, 0, sizeof d);
        int rc = parse_tables(bad[i], &d);
        if (rc == MC_OK)
            FAILF("case %zu accepted", i);
        CHECK(rc != MC_OK);
        CHECK(d.msg[0] != 0);
    }
    /* the error names the line */
    memset(&d, 0, sizeof d);
    CHECK(parse_tables("<ICD10PCS.tabular>\n\n<pcsTable><axis pos=\"9\"/></pcsTable></ICD10PCS.tabular>",
                       &d) != MC_OK);
    CHECK_INT(d.line, ==, 3);
    CHECK(strstr(d.msg, "line 3") != NULL);
}

TEST(definitions_parser)
{
    mc__pcs_model m;
    mc__pcs_model_init(&m);
    mc_diag d = { 0 };
    CHECK_INT(mc__pcs_parse_definitions(&m, fixture_defs, strlen(fixture_defs), &d), ==, MC_OK);
    CHECK_INT(m.n_terms, ==, 3);
    CHECK_INT(m.terms[0].section, ==, '0');
    CHECK_INT(m.terms[0].pos, ==, 3);
    CHECK_STR(m.terms[0].includes, "Total nephrectomy; total lobectomy of lung");
    CHECK_INT(m.n_aggrs, ==, 3);
    CHECK_STR(m.aggrs[1].device, "No Device, Fixture");
    CHECK_INT(m.aggrs[1].n_ops, ==, 1);
    CHECK_INT(m.aggrs[1].parent_value, ==, 'Z');
    CHECK_STR(m.aggrs[2].systems[0], "Heart and Great Vessels");
    mc__pcs_model_free(&m);
}

/* Corrupt one PCS section (keeping bundle checksums valid): open must fail cleanly or the
   queries must stay within bounds (ASan checks the latter). */
TEST(corrupt_sections)
{
    mc__buf img;
    mc__buf_init(&img, 0);
    mc_diag diag = { 0 };
    CHECK_INT(build_fixture(2026, &img, &diag), ==, MC_OK);
    mc_bundle *b = NULL;
    CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b, &diag), ==, MC_OK);
    static const char *tags[] = { "PCSTAB", "PCSROW", "PCSLAB", "PCSDEF", "PCSORD" };
    uint32_t seed = 12345;
    int rejected = 0, total = 0;
    for (int round = 0; round < 400; round++) {
        const char *victim = tags[round % 5];
        mc__bw *w;
        CHECK_INT(mc__bw_new(2026, &w), ==, MC_OK);
        for (int t = 0; t < 5; t++) {
            const void *data;
            size_t n;
            CHECK_INT(mc_bundle_section(b, tags[t], &data, &n), ==, MC_OK);
            char *copy = malloc(n);
            memcpy(copy, data, n);
            size_t keep = n;
            if (!strcmp(tags[t], victim)) {
                seed = seed * 1103515245u + 12345u;
                if (round % 7 == 0) {
                    keep = (seed >> 8) % n; /* truncate */
                } else {
                    for (int k = 0; k < 1 + round % 3; k++) {
                        seed = seed * 1103515245u + 12345u;
                        copy[(seed >> 8) % n] ^= (char)(1 + (seed >> 20) % 255);
                    }
                }
            }
            mc__bw_add(w, tags[t], copy, keep, 2026);
            free(copy);
        }
        mc__buf img2;
        CHECK_INT(mc__bw_image(w, &img2), ==, MC_OK);
        mc__bw_free(w);
        mc_bundle *b2 = NULL;
        CHECK_INT(mc_bundle_open_mem(img2.p, img2.n, &b2, NULL), ==, MC_OK);
        mc_pcs *p = NULL;
        total++;
        if (mc_pcs_open(b2, &p, NULL) != MC_OK) {
            rejected++;
        } else {
            mc_pcs_check c;
            mc_pcs_axis ax[7];
            mc_pcs_value v[34];
            mc_pcs_code t;
            uint32_t n;
            mc_str axis;
            int na;
            static const char *codes[] = { "0DTJ4ZZ", "0DTJ0ZG", "B2010ZZ", "0DT", "1ZZZZZZ" };
            for (int i = 0; i < 5; i++) {
                mc_pcs_validate(p, codes[i], strlen(codes[i]), &c);
                mc_pcs_explain(p, codes[i], strlen(codes[i]), ax, &na);
                mc_pcs_lookup(p, codes[i], strlen(codes[i]), &t);
                if (strlen(codes[i]) < 7)
                    mc_pcs_next_values(p, codes[i], strlen(codes[i]), v, &n, &axis, NULL);
            }
            mc_pcs_next_values(p, "", 0, v, &n, &axis, NULL);
            mc_pcs_iter it;
            char code[8];
            mc_pcs_iter_init(p, &it, MC_PCS_FROM_TABLES);
            for (int i = 0; i < 100 && mc_pcs_iter_next(p, &it, code); i++)
                ;
            mc_pcs_close(p);
        }
        mc_bundle_close(b2);
        mc__buf_free(&img2);
    }
    fprintf(stderr, "  corrupt sections: %d of %d rejected at open\n", rejected, total);
    CHECK(rejected > total / 2);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

/* ---------- full data ---------- */
static mc_pcs *open_full(int year, mc_bundle **b)
{
    const char *path = harness_bundle(year);
    mc_diag d = { 0 };
    if (!path || mc_bundle_open(path, b, &d))
        return NULL;
    mc_pcs *p = NULL;
    if (mc_pcs_open(*b, &p, &d)) {
        fprintf(stderr, "  %s\n", d.msg);
        mc_bundle_close(*b);
        return NULL;
    }
    return p;
}

static int cmp7(const void *a, const void *b) { return memcmp(a, b, 7); }

/* Does any code in the sorted array start with the first k characters of c? */
static bool has_prefix(const char (*codes)[8], size_t n, const char *c, size_t k)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (memcmp(codes[m], c, k) < 0)
            a = m + 1;
        else
            b = m;
    }
    return a < n && !memcmp(codes[a], c, k);
}

TEST(full_all_table_codes_valid)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    mc_bundle *b;
    mc_pcs *p = open_full(2026, &b);
    CHECK(p);
    CHECK_INT(mc_pcs_table_count(p), ==, 914);
    CHECK_INT(mc_pcs_row_count(p), ==, 2733);
    CHECK_INT(mc_pcs_valid_count(p), ==, 79115);
    CHECK_INT(mc_pcs_table_code_count(p), ==, 79115);
    char(*codes)[8] = malloc(sizeof *codes * 80000);
    size_t n = 0;
    mc_pcs_iter it;
    char code[8];
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_TABLES);
    bool ok = true;
    while (mc_pcs_iter_next(p, &it, code) && n < 80000) {
        mc_pcs_check c;
        mc_pcs_validate(p, code, 7, &c);
        mc_pcs_code t;
        if (!c.valid || mc_pcs_lookup(p, code, 7, &t) != MC_OK || !t.valid || !t.long_title.n) {
            if (ok)
                FAILF("table code %s: valid=%d", code, c.valid);
            ok = false;
        }
        memcpy(codes[n++], code, 8);
    }
    CHECK(ok);
    CHECK_INT(n, ==, 79115);
    qsort(codes, n, sizeof *codes, cmp7);
    for (size_t i = 1; i < n; i++)
        CHECK(memcmp(codes[i - 1], codes[i], 7) != 0); /* rows are disjoint */
    /* the order file lists exactly these codes as valid */
    size_t n_valid = 0;
    for (uint32_t i = 0; i < mc_pcs_order_count(p); i++) {
        mc_pcs_code t;
        mc_pcs_order_get(p, i, &t);
        if (t.valid) {
            n_valid++;
            CHECK(bsearch(t.code, codes, n, sizeof *codes, cmp7) != NULL);
        }
    }
    CHECK_INT(n_valid, ==, 79115);
    CHECK_INT(mc_pcs_order_count(p), ==, 79115 + 914);

    /* 1,000 seeded invalid codes: one character of a valid code changed to a value that no
       valid code has after the same preceding characters; the reported position must be it */
    uint64_t s = 0x9E3779B97F4A7C15ull;
    int made = 0, attempts = 0;
    while (made < 1000 && attempts < 100000) {
        attempts++;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        char c[8];
        memcpy(c, codes[s % n], 8);
        int pos = 1 + (int)((s >> 20) % 7);
        int v = (int)((s >> 32) % MC__PCS_NCHARS);
        c[pos - 1] = mc__pcs_index_char(v);
        if (has_prefix((const char(*)[8])codes, n, c, (size_t)pos))
            continue; /* still starts some valid code */
        mc_pcs_check r;
        mc_pcs_validate(p, c, 7, &r);
        if (r.valid || r.status != MC_PCS_BAD_VALUE || r.position != (uint32_t)pos) {
            FAILF("%s: status %d position %d, expected position %d", c, r.status, r.position,
                  pos);
            break;
        }
        /* the allowed values are exactly those continuing the prefix */
        for (int k = 0; k < MC__PCS_NCHARS; k++) {
            c[pos - 1] = mc__pcs_index_char(k);
            bool exp = has_prefix((const char(*)[8])codes, n, c, (size_t)pos);
            bool got = memchr(r.allowed, c[pos - 1], r.n_allowed) != NULL;
            if (exp != got) {
                FAILF("%s: allowed set wrong at %d for '%c'", r.code, pos, c[pos - 1]);
                made = 2000;
                break;
            }
        }
        made++;
    }
    CHECK_INT(made, ==, 1000);
    free(codes);
    mc_pcs_close(p);
    mc_bundle_close(b);
}

TEST(full_spot_checks)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    mc_bundle *b;
    mc_pcs *p = open_full(2026, &b);
    CHECK(p);
    mc_pcs_code t;
    CHECK_INT(mc_pcs_lookup(p, "0DTJ4ZZ", 7, &t), ==, MC_OK);
    CHECK_SLICE(t.long_title.p, t.long_title.n,
                "Resection of Appendix, Percutaneous Endoscopic Approach");
    mc_pcs_axis ax[7];
    int na;
    CHECK_INT(mc_pcs_explain(p, "0DTJ4ZZ", 7, ax, &na), ==, MC_OK);
    CHECK_INT(na, ==, 7);
    static const char *labels[7] = { "Medical and Surgical", "Gastrointestinal System",
                                     "Resection", "Appendix", "Percutaneous Endoscopic",
                                     "No Device", "No Qualifier" };
    static const char *names[7] = { "Section", "Body System", "Operation", "Body Part",
                                    "Approach", "Device", "Qualifier" };
    for (int i = 0; i < 7; i++) {
        CHECK_SLICE(ax[i].label.p, ax[i].label.n, labels[i]);
        CHECK_SLICE(ax[i].name.p, ax[i].name.n, names[i]);
    }
    CHECK_SLICE(ax[2].definition.p, ax[2].definition.n,
                "Cutting out or off, without replacement, all of a body part");
    CHECK(ax[4].definition.n > 0);
    /* device aggregation: hip replacement with a synthetic substitute */
    CHECK_INT(mc_pcs_explain(p, "0SR90JZ", 7, ax, &na), ==, MC_OK);
    CHECK_SLICE(ax[5].label.p, ax[5].label.n, "Synthetic Substitute");
    {
        char cov[1024];
        snprintf(cov, sizeof cov, "%.*s", (int)ax[5].covers.n, ax[5].covers.p);
        CHECK(strstr(cov, "Synthetic Substitute, Metal on Polyethylene") != NULL);
        CHECK(strstr(cov, "Reverse Ball and Socket") == NULL); /* shoulder only */
    }
    CHECK_INT(mc_pcs_lookup(p, "02703DZ", 7, &t), ==, MC_OK);
    CHECK_SLICE(t.long_title.p, t.long_title.n,
                "Dilation of Coronary Artery, One Artery with Intraluminal Device, "
                "Percutaneous Approach");
    CHECK_INT(mc_pcs_explain(p, "02703DZ", 7, ax, &na), ==, MC_OK);
    CHECK_SLICE(ax[2].label.p, ax[2].label.n, "Dilation");
    CHECK_SLICE(ax[3].label.p, ax[3].label.n, "Coronary Artery, One Artery");
    CHECK_SLICE(ax[5].label.p, ax[5].label.n, "Intraluminal Device");
    mc_pcs_check c;
    mc_pcs_validate(p, "02703DZ", 7, &c);
    CHECK(c.valid);
    mc_pcs_validate(p, "0DTJ4ZX", 7, &c);
    CHECK_INT(c.position, ==, 7);
    CHECK_STR(c.allowed, "GZ");
    mc_pcs_value v[34];
    uint32_t n;
    mc_str axis;
    CHECK_INT(mc_pcs_next_values(p, "0DT", 3, v, &n, &axis, NULL), ==, MC_OK);
    CHECK_INT(n, ==, 25);
    CHECK_SLICE(axis.p, axis.n, "Body Part");
    bool appendix = false;
    for (uint32_t i = 0; i < n; i++)
        if (v[i].value == 'J')
            appendix = v[i].label.n == 8 && !memcmp(v[i].label.p, "Appendix", 8);
    CHECK(appendix);
    CHECK_INT(mc_pcs_next_values(p, "", 0, v, &n, &axis, NULL), ==, MC_OK);
    CHECK_INT(n, ==, 17); /* sections 0-9, B, C, D, F, G, H, X */
    CHECK_INT(mc_pcs_lookup(p, "0DT", 3, &t), ==, MC_OK);
    CHECK_SLICE(t.long_title.p, t.long_title.n, "Gastrointestinal System, Resection");
    mc_pcs_close(p);
    mc_bundle_close(b);
}

/* FY2025: the bundle has the FY2026 tables, its own order file decides. */
TEST(full_fy2025_order_authority)
{
    NEED_BUNDLE(path, 2025);
    (void)path;
    mc_bundle *b;
    mc_pcs *p = open_full(2025, &b);
    CHECK(p);
    CHECK_INT(mc_pcs_tables_year(p), ==, 2026);
    CHECK_INT(mc_pcs_order_year(p), ==, 2025);
    CHECK(!mc_pcs_tables_authoritative(p));
    CHECK_INT(mc_pcs_valid_count(p), ==, 78948);
    mc_pcs_check c;
    mc_pcs_validate(p, "0SG604Z", 7, &c); /* FY2025 code deleted in FY2026 */
    CHECK(c.valid);
    CHECK(!c.derivable);
    mc_pcs_validate(p, "00H033J", 7, &c); /* FY2026 code, new that year */
    CHECK(!c.valid);
    CHECK_INT(c.status, ==, MC_PCS_NOT_IN_YEAR);
    mc_pcs_iter it;
    char code[8];
    uint32_t k = 0;
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_AUTHORITY);
    while (mc_pcs_iter_next(p, &it, code)) {
        mc_pcs_validate(p, code, 7, &c);
        if (!c.valid) {
            FAILF("%s from the FY2025 order file is not valid", code);
            break;
        }
        k++;
    }
    CHECK_INT(k, ==, 78948);
    mc_pcs_close(p);
    mc_bundle_close(b);
}

/* Readers share one mc_pcs: four threads validate every code at once and agree. */
typedef struct worker {
    const mc_pcs *p;
    uint32_t valid, invalid;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    mc_pcs_iter it;
    char code[8];
    mc_pcs_iter_init(w->p, &it, MC_PCS_FROM_TABLES);
    while (mc_pcs_iter_next(w->p, &it, code)) {
        mc_pcs_check c;
        mc_pcs_validate(w->p, code, 7, &c);
        w->valid += c.valid;
        code[6] = code[6] == 'Y' ? 'W' : 'Y'; /* often invalid */
        mc_pcs_validate(w->p, code, 7, &c);
        w->invalid += !c.valid;
    }
    return NULL;
}

TEST(full_threads)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    mc_bundle *b;
    mc_pcs *p = open_full(2026, &b);
    CHECK(p);
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ p, 0, 0 };
        CHECK_INT(pthread_create(&th[i], NULL, work, &w[i]), ==, 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(w[i].valid, ==, 79115);
        CHECK_INT(w[i].invalid, ==, w[0].invalid);
    }
    CHECK(w[0].invalid > 1000);
    mc_pcs_close(p);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(fixture_build_and_query);
    RUN(fixture_other_year);
    RUN(parser_rejects_malformed);
    RUN(definitions_parser);
    RUN(corrupt_sections);
    RUN(full_all_table_codes_valid);
    RUN(full_spot_checks);
    RUN(full_fy2025_order_authority);
    RUN(full_threads);
    if (fixture_dir[0]) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixture_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "  could not remove %s\n", fixture_dir);
    }
    return harness_done();
}
