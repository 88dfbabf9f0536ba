/*
 * Index module tests: the XML parser on hand-written fixtures covering every
 * element of the official schemas (the FY2025 disease index in the mirror
 * lacks manif/seecat/subcat/warning), the section reader on corrupt input,
 * the normaliser, and the golden walks in tests/golden/index/walks.tsv
 * against the FY2026 bundle.
 */
#include "harness.h"

#include "base/base_int.h"
#include "bundle/bundle_int.h"
#include "index/ix_int.h"
#include "medcode/codeset.h"
#include "medcode/index.h"

/* ---------------- fixtures ---------------- */

static const char fixture_index[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ICD10CM.index><version>2025</version><title>Test index</title>\n"
    "<letter><title>A</title>\n"
    " <mainTerm><title>Amyloidosis <nemod>(generalized) (primary)</nemod></title><code>E85.9</code>\n"
    "  <term level=\"1\"><title>with</title>\n"
    "   <term level=\"2\"><title>lung involvement</title><code>E85.4</code><manif>J99</manif></term>\n"
    "  </term>\n"
    "  <term level=\"1\"><title>heart</title><code>E85.4</code><manif>I43</manif></term>\n"
    " </mainTerm>\n"
    " <mainTerm><title>Abdominalgia</title><see>Pain, abdominal</see></mainTerm>\n"
    " <mainTerm><title>Arthritis</title><seeAlso>condition</seeAlso><code>M19.90</code>\n"
    "  <term level=\"1\"><title>in <nemod>(due to)</nemod></title>\n"
    "   <term level=\"2\"><title>gout</title><seecat>M1A</seecat></term></term>\n"
    " </mainTerm>\n"
    "</letter>\n"
    "<letter><title>L</title>\n"
    " <mainTerm><title>Lightning <nemod>(shock) (stroke)</nemod></title><subcat>T75.0</subcat>\n"
    "  <term level=\"1\"><title>burn</title><see>Burn</see><warning>code also the burn</warning></term>\n"
    " </mainTerm>\n"
    "</letter>\n"
    "<letter><title>P</title>\n"
    " <mainTerm><diff><unc>Pain</unc><old>Ache</old></diff><code>R52</code>\n"
    "  <term level=\"1\"><title>abdominal</title><code>R10.9</code></term>\n"
    "  <term level=\"1\"><title>chest <new>wall</new><old>box</old></title><code>R07.89</code></term>\n"
    " </mainTerm>\n"
    " <mainTerm><title>Unknown</title><code>R69</code><frobnicate>x<term level=\"1\"/></frobnicate></mainTerm>\n"
    "</letter></ICD10CM.index>\n";

static const char fixture_drug[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ICD10CM.index><version>2025</version>\n"
    "<indexHeading><head col=\"1\">Substance</head><head col=\"2\">Poisoning Accidental</head>"
    "<head col=\"7\">Underdosing</head></indexHeading>\n"
    "<letter><title>A</title>\n"
    " <mainTerm><title>Acetaminophen</title><cell col=\"2\">T39.1X1</cell><cell col=\"3\">T39.1X2</cell>"
    "<cell col=\"4\">T39.1X3</cell><cell col=\"5\">T39.1X4</cell><cell col=\"6\">T39.1X5</cell>"
    "<cell col=\"7\">T39.1X6</cell></mainTerm>\n"
    " <mainTerm><title>Acid<nemod>(corrosive) NEC</nemod></title><cell col=\"2\">T54.2X1</cell>"
    "<cell col=\"6\">--</cell><cell col=\"7\"><new>-</new></cell>\n"
    "  <term level=\"1\"><title>boric</title><see>Boric acid</see></term></mainTerm>\n"
    "</letter></ICD10CM.index>\n";

static int fixture_bundle(const char *xml, mc_index_kind kind, mc__buf *img, mc_bundle **b,
                          mc_index **ix)
{
    ix_build bd;
    mc__buf sec;
    mc_diag diag = { 0 };
    mc__buf_init(&sec, 0);
    int rc = mc__ix_build_init(&bd, kind, &diag);
    if (!rc)
        rc = mc__ix_parse(&bd, xml, strlen(xml), "fixture");
    if (!rc)
        rc = mc__ix_serialize(&bd, &sec);
    mc__bw *w = NULL;
    if (!rc)
        rc = mc__bw_new(2025, &w);
    if (!rc)
        rc = mc__bw_add(w, mc__ix_tag(kind), sec.p, sec.n, 2025);
    mc__buf_init(img, 0);
    if (!rc)
        rc = mc__bw_image(w, img);
    if (!rc)
        rc = mc_bundle_open_mem(img->p, img->n, b, &diag);
    if (!rc)
        rc = mc_index_open(*b, ix, &diag);
    if (rc)
        fprintf(stderr, "  fixture: %s\n", diag.msg);
    mc__bw_free(w);
    mc__buf_free(&sec);
    mc__ix_build_free(&bd);
    return rc;
}

static uint32_t find_path(const mc_index *ix, mc_index_kind kind, const char *path)
{
    mc_index_iter it;
    mc_index_iter_init(ix, kind, &it);
    while (mc_index_iter_next(&it))
        if (!strcmp(it.path, path))
            return it.node.id;
    return MC_NONE;
}

TEST(parser_schema_elements)
{
    mc__buf img;
    mc_bundle *b = NULL;
    mc_index *ix = NULL;
    CHECK_INT(fixture_bundle(fixture_index, MC_INDEX_DISEASE, &img, &b, &ix), ==, MC_OK);
    mc_index_node n;
    uint32_t id = find_path(ix, MC_INDEX_DISEASE, "Amyloidosis, with, lung involvement");
    CHECK(id != MC_NONE);
    CHECK_INT(mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n), ==, MC_OK);
    CHECK_SLICE(n.code.p, n.code.n, "E85.4");
    CHECK_SLICE(n.manif.p, n.manif.n, "J99");
    CHECK_INT(n.depth, ==, 3);
    id = find_path(ix, MC_INDEX_DISEASE, "Amyloidosis");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.title.p, n.title.n, "Amyloidosis");
    CHECK_SLICE(n.nemod.p, n.nemod.n, "(generalized) (primary)");
    CHECK_INT(n.n_children, ==, 2);
    id = find_path(ix, MC_INDEX_DISEASE, "Arthritis, in, gout");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.seecat.p, n.seecat.n, "M1A");
    id = find_path(ix, MC_INDEX_DISEASE, "Arthritis, in");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.nemod.p, n.nemod.n, "(due to)");
    id = find_path(ix, MC_INDEX_DISEASE, "Arthritis");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.see_also.p, n.see_also.n, "condition");
    id = find_path(ix, MC_INDEX_DISEASE, "Lightning");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.subcat.p, n.subcat.n, "T75.0");
    id = find_path(ix, MC_INDEX_DISEASE, "Lightning, burn");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_SLICE(n.warning.p, n.warning.n, "code also the burn");
    CHECK_SLICE(n.see.p, n.see.n, "Burn");
    /* addenda markup: <old> dropped, <unc>/<new> kept; diff as the title */
    CHECK(find_path(ix, MC_INDEX_DISEASE, "Pain, chest wall") != MC_NONE);
    CHECK(find_path(ix, MC_INDEX_DISEASE, "Pain") != MC_NONE);
    CHECK(find_path(ix, MC_INDEX_DISEASE, "Ache") == MC_NONE);
    /* unknown elements are skipped with what they contain */
    id = find_path(ix, MC_INDEX_DISEASE, "Unknown");
    mc_index_node_get(ix, MC_INDEX_DISEASE, id, &n);
    CHECK_INT(n.n_children, ==, 0);
    /* the document title is the root's */
    mc_index_node_get(ix, MC_INDEX_DISEASE, 0, &n);
    CHECK_SLICE(n.title.p, n.title.n, "Test index");
    /* walks over the fixture: see followed, manifestation reported, with convention */
    mc_walk w;
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, "Abdominalgia", 12, &w), ==, MC_OK);
    CHECK_INT(w.status, ==, MC_WALK_CODE);
    CHECK_SLICE(w.code.p, w.code.n, "R10.9");
    CHECK_INT(w.n_see_followed, ==, 1);
    const char *p = "amyloidosis, lung involvement";
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, p, strlen(p), &w), ==, MC_OK);
    CHECK_SLICE(w.manif.p, w.manif.n, "J99");
    CHECK(w.used_with_convention);
    p = "Lightning (stroke)";
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, p, strlen(p), &w), ==, MC_OK);
    CHECK_SLICE(w.subcat.p, w.subcat.n, "T75.0");
    CHECK_INT(w.steps[0].how, ==, MC_STEP_NEMOD);
    p = "Arthritis, in, gout";
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, p, strlen(p), &w), ==, MC_OK);
    CHECK_SLICE(w.seecat.p, w.seecat.n, "M1A");
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, "Zzyzx", 5, &w), ==, MC_ENOTFOUND);
    CHECK_INT(mc_index_walk(ix, MC_INDEX_DISEASE, " , ", 3, &w), ==, MC_EINVAL);
    mc_index_close(ix);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

TEST(parser_table_cells)
{
    mc__buf img;
    mc_bundle *b = NULL;
    mc_index *ix = NULL;
    CHECK_INT(fixture_bundle(fixture_drug, MC_INDEX_DRUG, &img, &b, &ix), ==, MC_OK);
    mc_str h = mc_index_column(ix, MC_INDEX_DRUG, 0);
    CHECK_SLICE(h.p, h.n, "Poisoning Accidental");
    h = mc_index_column(ix, MC_INDEX_DRUG, 5);
    CHECK_SLICE(h.p, h.n, "Underdosing");
    mc_index_table_result r;
    CHECK_INT(mc_index_drug(ix, NULL, "acetaminophen", 13, MC_DRUG_UNDERDOSING, 0, &r), ==, MC_OK);
    CHECK_STR(r.code, "T39.1X6");
    CHECK_INT(mc_index_drug(ix, NULL, "Acetaminophen", 13, MC_DRUG_ACCIDENTAL, 'A', &r), ==, MC_OK);
    CHECK_STR(r.code, "T39.1X1A");
    CHECK_INT(mc_index_drug(ix, NULL, "Acid (corrosive)", 16, MC_DRUG_ADVERSE, 0, &r), ==, MC_OK);
    CHECK_INT(r.cell.n, ==, 0); /* "--": no code in the column */
    CHECK_INT(r.code_status, ==, 1);
    CHECK_INT(mc_index_drug(ix, NULL, "Acid", 4, MC_DRUG_UNDERDOSING, 0, &r), ==, MC_OK);
    CHECK_INT(r.cell.n, ==, 0); /* <new>-</new> */
    CHECK_INT(mc_index_drug(ix, NULL, "Acid", 4, MC_DRUG_ACCIDENTAL, 'X', &r), ==, MC_EINVAL);
    mc_index_close(ix);
    mc_bundle_close(b);
    mc__buf_free(&img);
}

TEST(parser_rejects_bad_xml)
{
    static const char *const bad[] = {
        "<ICD10CM.index><letter><mainTerm><title>A</title></letter></ICD10CM.index>",
        "<ICD10CM.index></ICD10CM.index>",
        "not xml at all",
        "",
        "<ICD10CM.index><letter><mainTerm><title>A<term level=\"1\"><title>b</title></term>"
        "</title></mainTerm></letter></ICD10CM.index>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ix_build bd;
        mc_diag diag = { 0 };
        CHECK_INT(mc__ix_build_init(&bd, MC_INDEX_DISEASE, &diag), ==, MC_OK);
        int rc = mc__ix_parse(&bd, bad[i], strlen(bad[i]), "bad");
        mc__ix_build_free(&bd);
        CHECK_INT(rc, ==, MC_EFORMAT);
        CHECK(diag.msg[0] != 0);
    }
    /* nesting deeper than the format allows */
    mc__buf x;
    mc__buf_init(&x, 0);
    mc__buf_puts(&x, "<ICD10CM.index><letter><mainTerm><title>A</title>");
    for (int i = 0; i < 40; i++)
        mc__buf_puts(&x, "<term level=\"1\"><title>b</title>");
    for (int i = 0; i < 40; i++)
        mc__buf_puts(&x, "</term>");
    mc__buf_puts(&x, "</mainTerm></letter></ICD10CM.index>");
    ix_build bd;
    mc_diag diag = { 0 };
    mc__ix_build_init(&bd, MC_INDEX_DISEASE, &diag);
    int rc = mc__ix_parse(&bd, x.p, x.n, "deep");
    mc__ix_build_free(&bd);
    mc__buf_free(&x);
    CHECK_INT(rc, ==, MC_ELIMIT);
}

TEST(reader_rejects_corrupt_sections)
{
    ix_build bd;
    mc__buf sec;
    mc_diag diag = { 0 };
    mc__buf_init(&sec, 0);
    CHECK_INT(mc__ix_build_init(&bd, MC_INDEX_DISEASE, &diag), ==, MC_OK);
    CHECK_INT(mc__ix_parse(&bd, fixture_index, strlen(fixture_index), "f"), ==, MC_OK);
    CHECK_INT(mc__ix_serialize(&bd, &sec), ==, MC_OK);
    mc__ix_build_free(&bd);
    ix_tree t;
    CHECK_INT(mc__ix_tree_open(&t, sec.p, sec.n, &diag), ==, MC_OK);
    /* truncations and single-word corruptions must be refused or read safely */
    for (size_t n = 0; n < sec.n; n += 7)
        CHECK(mc__ix_tree_open(&t, sec.p, n, &diag) != MC_OK || n >= IX_HDR);
    char *copy = malloc(sec.n);
    int refused = 0;
    for (size_t off = 0; off + 4 <= IX_HDR + 4 * IX_NODE; off += 4) {
        memcpy(copy, sec.p, sec.n);
        copy[off] ^= 0x5a;
        copy[off + 2] ^= 0x11;
        if (mc__ix_tree_open(&t, copy, sec.n, &diag) != MC_OK)
            refused++;
    }
    free(copy);
    mc__buf_free(&sec);
    CHECK_INT(refused, >, 20);
}

TEST(normaliser)
{
    char k[256];
    mc__ix_key("Kidney Diseases, chronic", 24, k, sizeof k);
    CHECK_STR(k, "chronic disease kidney");
    mc__ix_key("Charcot's joints", 16, k, sizeof k);
    CHECK_STR(k, "charcot joint");
    mc__ix_key("injuries of the feet", 20, k, sizeof k);
    CHECK_STR(k, "foot injury");
    mc__ix_key("Abscess", 7, k, sizeof k);
    CHECK_STR(k, "abscess");
    mc__ix_key("Sjögren's syndrome", strlen("Sjögren's syndrome"), k, sizeof k);
    CHECK_STR(k, "sjogren syndrome");
    CHECK_INT(mc__ix_edit_distance("diabetis", 8, "diabete", 7, 2), ==, 2);
    CHECK_INT(mc__ix_edit_distance("fractrue", 8, "fracture", 8, 2), ==, 1);
}

/* ---------------- golden walks ---------------- */

static const char *behavior_names[] = { "malignant-primary", "secondary", "in-situ",
                                        "benign", "uncertain", "unspecified" };
static const char *intent_names[] = { "accidental", "intentional", "assault",
                                      "undetermined", "adverse", "underdosing" };

static int name_index(const char *const *names, const char *s, size_t n)
{
    for (int i = 0; i < 6; i++)
        if (strlen(names[i]) == n && !memcmp(names[i], s, n))
            return i;
    return -1;
}

static bool has_flag(const char *checks, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = checks; (p = strstr(p, flag)); p += n)
        if ((p == checks || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == '='))
            return true;
    return false;
}

static const char *flag_value(const char *checks, const char *flag, char *buf, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s=", flag);
    const char *p = strstr(checks, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    size_t n = strcspn(p, " ");
    snprintf(buf, cap, "%.*s", (int)n, p);
    /* free-text values write spaces as '_' (status names keep theirs) */
    if (strcmp(flag, "tabular") && strcmp(flag, "status"))
        for (char *q = buf; *q; q++)
            if (*q == '_')
                *q = ' ';
    return buf;
}

/* One golden case; returns an error message or NULL. */
static const char *run_case(const mc_index *ix, const mc_codeset *cs, char **f, char *msg,
                            size_t cap)
{
    const char *kind = f[0], *input = f[1], *arg = f[2], *expect = f[3], *checks = f[4];
    char got[64] = "";
    char val[128];
    mc_walk w;
    memset(&w, 0, sizeof w);
    bool walked = false;
    if (!strcmp(kind, "walk") || !strcmp(kind, "external")) {
        mc_index_kind k = kind[0] == 'w' ? MC_INDEX_DISEASE : MC_INDEX_EXTERNAL;
        int rc = mc_index_walk(ix, k, input, strlen(input), &w);
        if (rc == MC_ENOTFOUND && !strcmp(expect, "-")) {
            uint32_t ids[4];
            if (flag_value(checks, "suggest", val, sizeof val)) {
                if (!mc_index_suggest(ix, k, input, strlen(input), ids, 4))
                    return "no suggestions for an unknown term";
                bool found = false;
                for (uint32_t i = 0; i < 4 && !found; i++) {
                    mc_index_node n;
                    mc_index_node_get(ix, k, ids[i], &n);
                    found = n.title.n >= strlen(val) && !strncasecmp(n.title.p, val, strlen(val));
                }
                if (!found)
                    return "expected suggestion missing";
            }
            return NULL;
        }
        if (rc)
            return snprintf(msg, cap, "walk failed: %s", mc_strerror(rc)), msg;
        walked = true;
        mc_str c = w.code.n ? w.code : w.subcat.n ? w.subcat : w.seecat;
        snprintf(got, sizeof got, "%.*s", (int)c.n, c.p);
        if (!strcmp(expect, "-"))
            got[0] = got[0] ? got[0] : '-', got[1] = 0;
    } else if (!strcmp(kind, "neoplasm") || !strcmp(kind, "drug")) {
        mc_index_table_result r;
        int rc;
        if (kind[0] == 'n') {
            int b = name_index(behavior_names, arg, strlen(arg));
            if (b < 0)
                return "bad behavior";
            rc = mc_index_neoplasm(ix, cs, input, strlen(input), (mc_neoplasm_behavior)b, &r);
        } else {
            const char *slash = strchr(arg, '/');
            int in = name_index(intent_names, arg, slash ? (size_t)(slash - arg) : strlen(arg));
            if (in < 0)
                return "bad intent";
            char seventh = slash ? slash[1] : 0;
            rc = mc_index_drug(ix, cs, input, strlen(input), (mc_drug_intent)in, seventh, &r);
            if (!rc && seventh && r.code_status != MC_OK && !has_flag(checks, "not_in_year"))
                return snprintf(msg, cap, "%s not billable in the code set", r.code), msg;
            if (!rc && has_flag(checks, "not_in_year") && r.code_status != MC_ENOTFOUND)
                return "expected a code absent from the code set";
        }
        if (rc)
            return snprintf(msg, cap, "table look-up failed: %s", mc_strerror(rc)), msg;
        w = r.walk;
        walked = true;
        snprintf(got, sizeof got, "%s", r.code[0] ? r.code : "-");
    } else if (!strcmp(kind, "term")) {
        uint32_t ids[8];
        uint32_t n = mc_index_term_lookup(ix, MC_INDEX_DISEASE, input, strlen(input), ids, 8);
        if (!n)
            return "term look-up found nothing";
        mc_index_node nd;
        mc_index_node_get(ix, MC_INDEX_DISEASE, ids[0], &nd);
        snprintf(got, sizeof got, "%.*s", (int)nd.code.n, nd.code.p);
    } else if (!strcmp(kind, "search")) {
        mc_index_hit hits[5];
        uint32_t n = mc_index_search(ix, 0, input, strlen(input), hits, 5);
        for (uint32_t i = 0; i < n; i++) {
            mc_index_node nd;
            mc_index_node_get(ix, hits[i].kind, hits[i].node, &nd);
            if (mc__str_eq(nd.code, expect, strlen(expect)))
                return NULL;
        }
        return "expected code not in the top 5 search hits";
    } else {
        return "unknown kind";
    }
    if (strcmp(got, expect))
        return snprintf(msg, cap, "got %s, expected %s", got, expect), msg;
    if (walked) {
        if (has_flag(checks, "with") && !w.used_with_convention)
            return "expected the with convention";
        if (has_flag(checks, "see") && w.n_see_followed == 0)
            return "expected a see reference followed";
        if (flag_value(checks, "status", val, sizeof val) &&
            strcmp(mc_walk_status_name(w.status), val))
            return snprintf(msg, cap, "status %s, expected %s", mc_walk_status_name(w.status),
                            val), msg;
        if (flag_value(checks, "seealso", val, sizeof val)) {
            bool found = false;
            for (uint32_t i = 0; i < w.n_see_also; i++)
                found |= mc__str_eq(w.see_also[i], val, strlen(val));
            if (!found)
                return "expected see also missing";
        }
        if (flag_value(checks, "manif", val, sizeof val) &&
            !mc__str_eq(w.manif, val, strlen(val)))
            return "manifestation code differs";
    }
    if (flag_value(checks, "tabular", val, sizeof val) ||
        flag_value(checks, "question", val, sizeof val) ||
        flag_value(checks, "placeholder", val, sizeof val)) {
        mc_index_verify v;
        if (mc_index_verify_code(cs, got, strlen(got), &v) != MC_OK)
            return "verification failed";
        if (flag_value(checks, "tabular", val, sizeof val) &&
            strcmp(mc_verify_status_name(v.status), val))
            return snprintf(msg, cap, "tabular %s, expected %s",
                            mc_verify_status_name(v.status), val), msg;
        if (flag_value(checks, "question", val, sizeof val) &&
            strncmp(v.question, val, strlen(val)))
            return snprintf(msg, cap, "question '%s', expected '%s...'", v.question, val), msg;
        if (flag_value(checks, "placeholder", val, sizeof val) &&
            strcmp(v.with_placeholder, val))
            return snprintf(msg, cap, "placeholder form %s, expected %s", v.with_placeholder,
                            val), msg;
    }
    return NULL;
}

TEST(golden_walks)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b = NULL;
    mc_index *ix = NULL;
    mc_codeset *cs = NULL;
    mc_diag diag = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &diag), ==, MC_OK);
    CHECK_INT(mc_index_open(b, &ix, &diag), ==, MC_OK);
    CHECK_INT(mc_codeset_open(b, &cs, &diag), ==, MC_OK);
    char *text = NULL;
    size_t n = 0;
    CHECK_INT(mc__read_file("tests/golden/index/walks.tsv", 0, &text, &n, &diag), ==, MC_OK);
    int cases = 0, failed = 0;
    long line = 0;
    for (char *p = text, *eol; p && *p; p = eol ? eol + 1 : NULL) {
        eol = strchr(p, '\n');
        if (eol)
            *eol = 0;
        line++;
        if (*p == '#' || *p == 0)
            continue;
        char *f[5] = { "", "", "", "", "" };
        int nf = 0;
        for (char *q = p; nf < 5; nf++) {
            f[nf] = q;
            char *tab = strchr(q, '\t');
            if (!tab) {
                nf++;
                break;
            }
            *tab = 0;
            q = tab + 1;
        }
        if (nf < 4) {
            FAILF("walks.tsv:%ld: needs at least 4 columns", line);
            continue;
        }
        cases++;
        char msg[256];
        const char *err = run_case(ix, cs, f, msg, sizeof msg);
        if (err) {
            failed++;
            fprintf(stderr, "  walks.tsv:%ld: %s '%s' %s: %s\n", line, f[0], f[1], f[2], err);
        }
    }
    fprintf(stderr, "  %d golden cases, %d failed\n", cases, failed);
    free(text);
    mc_codeset_close(cs);
    mc_index_close(ix);
    mc_bundle_close(b);
    CHECK_INT(failed, ==, 0);
    CHECK_INT(cases, >=, 150);
}

TEST(iterator_and_term_lookup)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b = NULL;
    mc_index *ix = NULL;
    mc_diag diag = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &diag), ==, MC_OK);
    CHECK_INT(mc_index_open(b, &ix, &diag), ==, MC_OK);
    mc_index_iter it;
    mc_index_iter_init(ix, MC_INDEX_DISEASE, &it);
    uint32_t n = 0, coded = 0;
    bool seen = false;
    while (mc_index_iter_next(&it)) {
        n++;
        coded += it.node.code.n > 0;
        if (!strcmp(it.path, "Diabetes, diabetic, type 2, with, chronic kidney disease")) {
            CHECK_SLICE(it.node.code.p, it.node.code.n, "E11.22");
            seen = true;
        }
    }
    CHECK(seen);
    CHECK_INT(n + 1, ==, mc_index_count(ix, MC_INDEX_DISEASE));
    CHECK_INT(coded, >, 60000);
    uint32_t ids[8];
    CHECK_INT(mc_index_term_lookup(ix, MC_INDEX_DISEASE, "pneumonias", 10, ids, 8), >=, 1);
    mc_index_node nd;
    mc_index_node_get(ix, MC_INDEX_DISEASE, ids[0], &nd);
    CHECK_SLICE(nd.code.p, nd.code.n, "J18.9");
    mc_index_close(ix);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(parser_schema_elements);
    RUN(parser_table_cells);
    RUN(parser_rejects_bad_xml);
    RUN(reader_rejects_corrupt_sections);
    RUN(normaliser);
    RUN(golden_walks);
    RUN(iterator_and_term_lookup);
    return harness_done();
}
