/*
 * Unit tests for search on the FY2026 bundle: ranking sanity, typeahead,
 * typo tolerance, filters, bad input, a damaged SRCH section, and that a
 * warmed-up context does not allocate.
 */
#include "harness.h"

#include "bundle/bundle_int.h"
#include "search/search_int.h"

#include <malloc.h>

static mc_bundle *g_b;
static mc_search *g_s;
static mc_search_ctx *g_c;

static bool open_all(void)
{
    if (g_c)
        return true;
    const char *path = harness_bundle(2026);
    mc_diag d = { 0 };
    if (!path || mc_bundle_open(path, &g_b, &d) || mc_search_open(g_b, &g_s, &d) ||
        mc_search_ctx_new(g_s, &g_c)) {
        fprintf(stderr, "  cannot open search: %s\n", d.msg);
        return false;
    }
    return true;
}

/* Rank (1-based) of the first hit whose code starts with prefix (exact when exact). */
static int rank_of(const char *q, const mc_search_opts *o, const char *code, bool exact)
{
    mc_search_result r;
    mc_diag d = { 0 };
    if (mc_search_query(g_c, q, strlen(q), o, &r, &d))
        return -1;
    for (uint32_t i = 0; i < r.n; i++)
        if (exact ? !strcmp(r.hits[i].code, code)
                  : !strncmp(r.hits[i].code, code, strlen(code)))
            return (int)i + 1;
    return 0;
}

TEST(ranking)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
    mc_search_opts o = { .limit = 10 };
    int r = rank_of("heart attack", &o, "I21", false);
    CHECK(r >= 1 && r <= 5);
    CHECK_INT(rank_of("DM2 with CKD", &o, "E11.22", true), ==, 1);
    CHECK_INT(rank_of("htn", &o, "I10", true), ==, 1);
    CHECK_INT(rank_of("kidney stones", &o, "N20.0", true), ==, 1);
    r = rank_of("broken hip", &o, "S72.0", false);
    CHECK(r >= 1 && r <= 5);
    r = rank_of("diabetis", &o, "E11", false);
    CHECK(r >= 1 && r <= 5);
    r = rank_of("pnuemonia", &o, "J18", false);
    CHECK(r >= 1 && r <= 5);
    /* the word being typed completes */
    r = rank_of("diab", &o, "E11", false);
    CHECK(r >= 1 && r <= 5);
}

TEST(typeahead)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
    mc_search_opts o = { .limit = 10 };
    mc_search_result r;
    CHECK_INT(mc_search_query(g_c, "E11.2", 5, &o, &r, NULL), ==, MC_OK);
    CHECK(r.typeahead);
    CHECK_INT(r.n, ==, 3);
    CHECK_STR(r.hits[0].code, "E11.21");
    CHECK_STR(r.hits[1].code, "E11.22");
    CHECK_STR(r.hits[2].code, "E11.29");
    CHECK_INT(r.hits[0].field, ==, MC_FIELD_CODE);
    CHECK_INT(mc_search_query(g_c, "s7200", 5, &o, &r, NULL), ==, MC_OK);
    CHECK(r.typeahead);
    CHECK_STR(r.hits[0].code, "S72.001");
    CHECK_STR(r.hits[2].code, "S72.009");
    CHECK(!r.hits[0].billable); /* needs a 7th character */
    /* an abbreviation that looks like a code prefix is searched as words */
    CHECK_INT(mc_search_query(g_c, "dm2", 3, &o, &r, NULL), ==, MC_OK);
    CHECK(!r.typeahead);
    CHECK(r.n > 0 && !strncmp(r.hits[0].code, "E11", 3));
    /* HCPCS and PCS prefixes */
    o.systems = MC_SYS_HCPCS;
    CHECK_INT(mc_search_query(g_c, "A425", 4, &o, &r, NULL), ==, MC_OK);
    CHECK(r.typeahead && r.n > 0 && !strncmp(r.hits[0].code, "A425", 4));
    o.systems = MC_SYS_ICD10PCS;
    CHECK_INT(mc_search_query(g_c, "0DT", 3, &o, &r, NULL), ==, MC_OK);
    CHECK(r.typeahead && r.n == 10 && strlen(r.hits[0].code) == 7);
}

TEST(filters)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
    mc_search_result r;
    mc_search_opts o = { .limit = 50, .billable_only = true };
    CHECK_INT(mc_search_query(g_c, "fracture of femur", 17, &o, &r, NULL), ==, MC_OK);
    CHECK_INT(r.n, ==, 50);
    for (uint32_t i = 0; i < r.n; i++)
        CHECK(r.hits[i].billable);
    o = (mc_search_opts){ .limit = 50, .chapter = 9 };
    CHECK_INT(mc_search_query(g_c, "heart", 5, &o, &r, NULL), ==, MC_OK);
    CHECK(r.n > 0);
    for (uint32_t i = 0; i < r.n; i++) {
        CHECK_INT(r.hits[i].chapter, ==, 9);
        CHECK_INT(r.hits[i].system, ==, MC_SYS_ICD10CM);
    }
    o = (mc_search_opts){ .limit = 20, .systems = MC_SYS_HCPCS };
    CHECK_INT(mc_search_query(g_c, "wheelchair", 10, &o, &r, NULL), ==, MC_OK);
    CHECK(r.n > 0);
    for (uint32_t i = 0; i < r.n; i++)
        CHECK_INT(r.hits[i].system, ==, MC_SYS_HCPCS);
    /* hits are in score order and carry the text that matched */
    for (uint32_t i = 1; i < r.n; i++)
        CHECK(r.hits[i - 1].score >= r.hits[i].score);
    CHECK(r.hits[0].matched.n > 0 && r.hits[0].title.n > 0);
}

TEST(bad_input)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
    mc_search_result r;
    mc_diag d = { 0 };
    mc_search_opts o = { 0 };
    CHECK_INT(mc_search_query(g_c, "", 0, &o, &r, &d), ==, MC_EINVAL);
    CHECK(strstr(d.msg, "no words") != NULL);
    CHECK_INT(mc_search_query(g_c, "?!.,;", 5, &o, &r, &d), ==, MC_EINVAL);
    CHECK_INT(mc_search_query(g_c, "caf\xc3", 4, &o, &r, &d), ==, MC_EFORMAT);
    static char big[100 * 1024];
    memset(big, 'a', sizeof big);
    CHECK_INT(mc_search_query(g_c, big, sizeof big, &o, &r, &d), ==, MC_ELIMIT);
    /* the longest accepted query: many words, all handled */
    for (size_t i = 0; i < MC_SEARCH_MAX_QUERY; i += 8)
        memcpy(big + i, "fever ", 6), big[i + 6] = 'x', big[i + 7] = ' ';
    CHECK_INT(mc_search_query(g_c, big, MC_SEARCH_MAX_QUERY, &o, &r, &d), ==, MC_OK);
    o.limit = MC_SEARCH_MAX_LIMIT + 1;
    CHECK_INT(mc_search_query(g_c, "fever", 5, &o, &r, &d), ==, MC_ERANGE);
    o = (mc_search_opts){ .chapter = 23 };
    CHECK_INT(mc_search_query(g_c, "fever", 5, &o, &r, &d), ==, MC_ERANGE);
    o = (mc_search_opts){ .systems = 8 };
    CHECK_INT(mc_search_query(g_c, "fever", 5, &o, &r, &d), ==, MC_ERANGE);
    unsigned sys;
    CHECK_INT(mc_search_parse_system("icd9", &sys), ==, MC_EINVAL);
    CHECK_INT(mc_search_parse_system("hcpcs", &sys), ==, MC_OK);
    CHECK_INT(sys, ==, MC_SYS_HCPCS);
}

TEST(no_allocation_after_warmup)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
#if defined(__SANITIZE_ADDRESS__)
    fprintf(stderr, "  skip: allocation counting under ASan\n");
#else
    const char *qs[] = { "heart attack", "DM2 with CKD", "diabetis", "E11.2",
                         "fracture of lower end of right radius", "pnuemonia", "n/v" };
    mc_search_opts o = { .limit = 10 };
    mc_search_result r;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
            mc_search_query(g_c, qs[i], strlen(qs[i]), &o, &r, NULL);
    struct mallinfo2 before = mallinfo2();
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        CHECK_INT(mc_search_query(g_c, qs[i], strlen(qs[i]), &o, &r, NULL), ==, MC_OK);
    struct mallinfo2 after = mallinfo2();
    CHECK_INT(after.uordblks, ==, before.uordblks);
#endif
}

/* A bundle whose SRCH section is damaged must open cleanly or fail cleanly. */
TEST(damaged_section)
{
    NEED_BUNDLE(path, 2026);
    (void)path;
    CHECK(open_all());
    const void *data;
    size_t n;
    CHECK_INT(mc_bundle_section(g_b, "SRCH", &data, &n), ==, MC_OK);
    unsigned char *copy = malloc(n);
    CHECK(copy != NULL);
    uint64_t seed = 12345;
    int opened = 0, refused = 0;
    for (int trial = 0; trial < 24; trial++) {
        memcpy(copy, data, n);
        for (int k = 0; k < 4; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = trial < 12 ? (size_t)(seed >> 33) % 256 : (size_t)(seed >> 33) % n;
            copy[at] ^= (unsigned char)(1u << (seed >> 60 & 7));
        }
        mc__bw *w;
        mc__buf img;
        mc__buf_init(&img, 0);
        mc_bundle *b2 = NULL;
        mc_search *s2 = NULL;
        mc_search_ctx *c2 = NULL;
        mc_diag d = { 0 };
        CHECK_INT(mc__bw_new(2026, &w), ==, MC_OK);
        CHECK_INT(mc__bw_add(w, "SRCH", copy, n, 2026), ==, MC_OK);
        CHECK_INT(mc__bw_image(w, &img), ==, MC_OK);
        CHECK_INT(mc_bundle_open_mem(img.p, img.n, &b2, &d), ==, MC_OK);
        if (mc_search_open(b2, &s2, &d) == MC_OK && mc_search_ctx_new(s2, &c2) == MC_OK) {
            opened++;
            const char *qs[] = { "heart attack", "E11.2", "diabetis", "htn" };
            mc_search_result r;
            for (size_t i = 0; i < 4; i++)
                mc_search_query(c2, qs[i], strlen(qs[i]), NULL, &r, NULL);
        } else {
            refused++;
        }
        mc_search_ctx_free(c2);
        mc_search_close(s2);
        mc_bundle_close(b2);
        mc__bw_free(w);
        mc__buf_free(&img);
    }
    free(copy);
    CHECK(refused > 0); /* header damage is noticed */
    CHECK(opened + refused == 24);
}

int main(void)
{
    RUN(ranking);
    RUN(typeahead);
    RUN(filters);
    RUN(bad_input);
    RUN(no_allocation_after_warmup);
    RUN(damaged_section);
    mc_search_ctx_free(g_c);
    mc_search_close(g_s);
    mc_bundle_close(g_b);
    return harness_done();
}
