/*
 * Unit tests for text analysis: UTF-8 checks, folding, the tokenizer's byte
 * offsets, stemming and keys, and the abbreviation list (from the TSV in the
 * repository and, when built, from the bundle's TXTABBR section).
 */
#include "harness.h"

#include "build/build.h"
#include "text/text_int.h"

static const char *fold(const char *s)
{
    static char out[256];
    size_t n;
    if (mc_text_fold(s, strlen(s), out, sizeof out - 1, &n))
        return "(error)";
    out[n] = '\0';
    return out;
}

static const char *key(const char *s, unsigned flags)
{
    static char out[256];
    static mc_text *t;
    if (!t && mc_text_new(&t))
        return "(no analyzer)";
    size_t n;
    if (mc_text_key(t, s, strlen(s), flags, out, sizeof out, &n))
        return "(error)";
    return out;
}

TEST(utf8_check)
{
    size_t bad = 99;
    CHECK_INT(mc_utf8_check("abc", 3, &bad), ==, MC_OK);
    CHECK_INT(mc_utf8_check("M\xc3\xa9ni\xc3\xa8re", 9, &bad), ==, MC_OK);
    CHECK_INT(mc_utf8_check("ab\xff", 3, &bad), ==, MC_EFORMAT);
    CHECK_INT(bad, ==, 2);
    CHECK_INT(mc_utf8_check("\xc0\xaf", 2, &bad), ==, MC_EFORMAT); /* overlong '/' */
    CHECK_INT(mc_utf8_check("\xed\xa0\x80", 3, &bad), ==, MC_EFORMAT); /* surrogate */
    CHECK_INT(mc_utf8_check("\xf4\x90\x80\x80", 4, &bad), ==, MC_EFORMAT); /* > U+10FFFF */
    CHECK_INT(mc_utf8_check("x\xe2\x82", 3, &bad), ==, MC_EFORMAT); /* truncated */
    CHECK_INT(bad, ==, 1);
}

TEST(folding)
{
    CHECK_STR(fold("Heart ATTACK"), "heart attack");
    CHECK_STR(fold("M\xc3\xa9ni\xc3\xa8re"), "meniere");
    CHECK_STR(fold("Sj\xc3\xb6gren"), "sjogren");
    CHECK_STR(fold("Stra\xc3\x9f" "e"), "strasse");
    CHECK_STR(fold("\xef\xac\x81" "brosis"), "fibrosis"); /* fi ligature */
    CHECK_STR(fold("Crohn\xe2\x80\x99s"), "crohn's"); /* typographic apostrophe */
    char small[4];
    size_t n;
    CHECK_INT(mc_text_fold("abcdef", 6, small, sizeof small, &n), ==, MC_ELIMIT);
    CHECK_INT(mc_text_fold("a\xff", 2, small, sizeof small, &n), ==, MC_EFORMAT);
}

TEST(tokenizer_offsets)
{
    const char *s = "Type-2 DM w/ CKD (E11.22), Crohn's; N/V x2. e.g.";
    mc_tokenizer t;
    mc_token tok;
    const char *want[] = { "Type", "2", "DM", "w", "CKD", "E11.22", "Crohn's", "N", "V", "x2",
                           "e", "g" };
    size_t k = 0;
    mc_tokenizer_init(&t, s, strlen(s));
    while (mc_tokenizer_next(&t, &tok)) {
        CHECK(k < sizeof want / sizeof want[0]);
        CHECK_SLICE(s + tok.start, tok.end - tok.start, want[k]);
        k++;
    }
    CHECK_INT(k, ==, sizeof want / sizeof want[0]);
    mc_tokenizer_init(&t, "HTN E11.9 \xc3\x89t\xc3\xa9", 15);
    CHECK(mc_tokenizer_next(&t, &tok));
    CHECK_INT(tok.flags & (MC_TOK_UPPER | MC_TOK_ALPHA), ==, MC_TOK_UPPER | MC_TOK_ALPHA);
    CHECK(mc_tokenizer_next(&t, &tok));
    CHECK_INT(tok.flags & (MC_TOK_DOT | MC_TOK_DIGIT), ==, MC_TOK_DOT | MC_TOK_DIGIT);
    CHECK(mc_tokenizer_next(&t, &tok));
    CHECK_INT(tok.start, ==, 10);
    CHECK_INT(tok.end, ==, 15);
    CHECK(tok.flags & MC_TOK_NONASCII);
    CHECK(!mc_tokenizer_next(&t, &tok));
    /* invalid bytes separate tokens, never end up inside one */
    mc_tokenizer_init(&t, "ab\xff" "cd", 5);
    CHECK(mc_tokenizer_next(&t, &tok));
    CHECK_INT(tok.end, ==, 2);
    CHECK(mc_tokenizer_next(&t, &tok));
    CHECK_INT(tok.start, ==, 3);
    /* only punctuation: no tokens */
    mc_tokenizer_init(&t, " .,;-/ ", 7);
    CHECK(!mc_tokenizer_next(&t, &tok));
}

TEST(fold_token)
{
    char out[32];
    CHECK_INT(mc_text_fold_token("Crohn's", 7, out, sizeof out), ==, 5);
    CHECK_STR(out, "crohn");
    CHECK_INT(mc_text_fold_token("O'Brien", 7, out, sizeof out), ==, 6);
    CHECK_STR(out, "obrien");
    CHECK_INT(mc_text_fold_token("E11.22", 6, out, sizeof out), ==, 6);
    CHECK_STR(out, "e11.22");
}

TEST(stemming_and_keys)
{
    CHECK_STR(key("Heart Attacks", MC_KEY_STEM), "heart attack");
    CHECK_STR(key("fractures of the femur", MC_KEY_STEM | MC_KEY_DROP_STOP), "fractur femur");
    CHECK_STR(key("fractured femur", MC_KEY_STEM), "fractur femur");
    CHECK_STR(key("Diabetic", MC_KEY_STEM), "diabet");
    CHECK_STR(key("Crohn\xe2\x80\x99s disease", MC_KEY_STEM), "crohn diseas");
    CHECK_STR(key("E11.22 with CKD", MC_KEY_STEM), "e11.22 with ckd");
    CHECK_STR(key("without complication", MC_KEY_STEM | MC_KEY_DROP_STOP), "without complic");
    CHECK_STR(key("\xff", MC_KEY_STEM), "(error)");
    CHECK(mc_text_is_stopword("the", 3));
    CHECK(mc_text_is_stopword("of", 2));
    CHECK(!mc_text_is_stopword("with", 4));
    CHECK(!mc_text_is_stopword("not", 3));
    CHECK(!mc_text_is_stopword("due", 3));
}

static void check_expansion(const mc_abbrev *a, const char *term, const char *first)
{
    mc_abbrev_entry e;
    mc_str s;
    if (mc_abbrev_lookup(a, term, strlen(term), &e) || mc_abbrev_expansion(a, &e, 0, &s)) {
        FAILF("no abbreviation entry for '%s'", term);
        return;
    }
    if (s.n != strlen(first) || memcmp(s.p, first, s.n))
        FAILF("'%s' -> '%.*s', expected '%s'", term, (int)s.n, s.p, first);
}

static void check_list(const mc_abbrev *a)
{
    CHECK_INT(mc_abbrev_count(a), >=, 300);
    check_expansion(a, "HTN", "hypertension");
    check_expansion(a, "dm2", "type 2 diabetes mellitus");
    check_expansion(a, "T2DM", "type 2 diabetes mellitus");
    check_expansion(a, "CKD", "chronic kidney disease");
    check_expansion(a, "chf", "congestive heart failure");
    check_expansion(a, "HFrEF", "heart failure with reduced ejection fraction");
    check_expansion(a, "COPD", "chronic obstructive pulmonary disease");
    check_expansion(a, "MI", "myocardial infarction");
    check_expansion(a, "NSTEMI", "non-ST elevation myocardial infarction");
    check_expansion(a, "AFib", "atrial fibrillation");
    check_expansion(a, "PE", "pulmonary embolism");
    check_expansion(a, "SOB", "shortness of breath");
    check_expansion(a, "N/V", "nausea and vomiting");
    check_expansion(a, "n.v.", "nausea and vomiting");
    check_expansion(a, "Heart  Attack", "myocardial infarction");
    check_expansion(a, "broken", "fracture");
    mc_abbrev_entry e;
    CHECK_INT(mc_abbrev_lookup(a, "PE", 2, &e), ==, MC_OK);
    CHECK(e.flags & MC_ABBR_AMBIGUOUS);
    CHECK_INT(e.n_expansions, ==, 1);
    CHECK_INT(mc_abbrev_lookup(a, "heart attack", 12, &e), ==, MC_OK);
    CHECK(e.flags & MC_ABBR_LAY);
    CHECK_INT(e.tokens, ==, 2);
    CHECK_INT(mc_abbrev_lookup(a, "ALL", 3, &e), ==, MC_OK);
    CHECK(e.flags & MC_ABBR_UPPER);
    CHECK_INT(mc_abbrev_lookup(a, "zzqx", 4, &e), ==, MC_ENOTFOUND);
    CHECK_INT(mc_abbrev_lookup(a, "", 0, &e), ==, MC_ENOTFOUND);
    CHECK_INT(mc_abbrev_lookup(a, "\xff", 1, &e), ==, MC_ENOTFOUND);
    /* every entry iterates and keys are strictly increasing */
    mc_abbrev_entry prev = { 0 };
    for (uint32_t i = 0; i < mc_abbrev_count(a); i++) {
        CHECK_INT(mc_abbrev_at(a, i, &e), ==, MC_OK);
        CHECK(e.n_expansions >= 1 && e.tokens >= 1 && e.tokens <= mc_abbrev_max_tokens(a));
        if (i > 0) {
            size_t m = prev.key.n < e.key.n ? prev.key.n : e.key.n;
            int c = memcmp(prev.key.p, e.key.p, m);
            CHECK(c < 0 || (c == 0 && prev.key.n < e.key.n));
        }
        prev = e;
    }
    CHECK_INT(mc_abbrev_at(a, mc_abbrev_count(a), &e), ==, MC_ERANGE);
}

TEST(abbrev_from_tsv)
{
    mc_abbrev *a;
    mc_diag d = { 0 };
    CHECK_INT(mc_abbrev_load("data/abbreviations.tsv", &a, &d), ==, MC_OK);
    check_list(a);
    mc_abbrev_close(a);
}

TEST(abbrev_errors)
{
    mc__buf img;
    mc_diag d = { 0 };
    mc__buf_init(&img, 0);
    const char *dup = "HTN\thypertension\t-\n# c\nhtn\thigh blood pressure\t-\n";
    CHECK_INT(mc__abbrev_compile(dup, strlen(dup), "x.tsv", &img, &d), ==, MC_EFORMAT);
    CHECK(strstr(d.msg, "x.tsv:3") != NULL);
    const char *badflag = "abc\tdef\tweird\n";
    CHECK_INT(mc__abbrev_compile(badflag, strlen(badflag), "x.tsv", &img, &d), ==, MC_EFORMAT);
    CHECK(strstr(d.msg, "unknown flag") != NULL);
    const char *noexp = "abc\t | \t-\n";
    CHECK_INT(mc__abbrev_compile(noexp, strlen(noexp), "x.tsv", &img, &d), ==, MC_EFORMAT);
    const char *ok = "b\tbee\t-\na\talpha | first\tambiguous,lay\n";
    mc__buf_free(&img);
    mc__buf_init(&img, 0);
    CHECK_INT(mc__abbrev_compile(ok, strlen(ok), "x.tsv", &img, &d), ==, MC_OK);
    mc_abbrev *a;
    CHECK_INT(mc__abbrev_open_data(img.p, img.n, NULL, &a, &d), ==, MC_OK);
    mc_abbrev_entry e;
    mc_str s;
    CHECK_INT(mc_abbrev_lookup(a, "A", 1, &e), ==, MC_OK);
    CHECK_INT(e.n_expansions, ==, 2);
    CHECK_INT(mc_abbrev_expansion(a, &e, 1, &s), ==, MC_OK);
    CHECK_SLICE(s.p, s.n, "first");
    CHECK_INT(mc_abbrev_expansion(a, &e, 2, &s), ==, MC_ERANGE);
    mc_abbrev_close(a);
    /* damage every byte of the header and entries: open must fail cleanly or succeed */
    for (size_t i = 0; i < img.n; i++) {
        char saved = img.p[i];
        img.p[i] = (char)(saved ^ 0x5a);
        if (mc__abbrev_open_data(img.p, img.n, NULL, &a, &d) == MC_OK) {
            for (uint32_t k = 0; k < mc_abbrev_count(a); k++)
                if (mc_abbrev_at(a, k, &e) == MC_OK)
                    for (uint32_t x = 0; x < e.n_expansions; x++)
                        CHECK_INT(mc_abbrev_expansion(a, &e, x, &s), ==, MC_OK);
            mc_abbrev_close(a);
        }
        img.p[i] = saved;
    }
    CHECK_INT(mc__abbrev_open_data(img.p, img.n - 1, NULL, &a, &d), ==, MC_ECORRUPT);
    mc__buf_free(&img);
}

TEST(abbrev_in_bundle)
{
    NEED_BUNDLE(path, 2026);
    mc_bundle *b;
    mc_diag d = { 0 };
    CHECK_INT(mc_bundle_open(path, &b, &d), ==, MC_OK);
    mc_abbrev *a;
    int rc = mc_abbrev_open(b, &a, &d);
    if (rc)
        mc_bundle_close(b);
    CHECK_INT(rc, ==, MC_OK);
    check_list(a);
    mc_abbrev_close(a);
    mc_bundle_close(b);
}

int main(void)
{
    RUN(utf8_check);
    RUN(folding);
    RUN(tokenizer_offsets);
    RUN(fold_token);
    RUN(stemming_and_keys);
    RUN(abbrev_from_tsv);
    RUN(abbrev_errors);
    RUN(abbrev_in_bundle);
    return harness_done();
}
