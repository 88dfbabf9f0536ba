/*
 * Sentence and list splitting, word tokens, input checks.
 *
 * A sentence ends at '.', '!' or '?' followed by white space and a capital,
 * digit or line end (so "3.5 mg", "Dr. smith" and "e.g. x" stay whole), at a
 * blank line, and at a line break that starts a list item or a capitalised
 * line after a short one (problem lists, "1. CHF  2. HTN"). Hard-wrapped
 * prose (a line break followed by a lower-case word) stays one sentence.
 * Tokens are runs of letters/digits (UTF-8 letters included, folded to lower
 * case without accents); "3.5" is one token; the possessive "'s" is dropped.
 *
 * Invariant: sentences lie inside their section body, tokens inside their
 * sentence, all in text order.
 */
#include "nlp/nlp.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int mc__nlp_check_text(const char *text, size_t n, mc_diag *diag)
{
    size_t ctl = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            if (c == 0)
                return mc_diag_set(diag, MC_EFORMAT, "binary data (NUL byte at offset %zu)", i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v')
                ctl++;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return mc_diag_set(diag, MC_EFORMAT, "invalid UTF-8 at byte offset %zu", i);
        i += (size_t)k;
    }
    if (ctl > 16 && ctl * 100 > n)
        return mc_diag_set(diag, MC_EFORMAT, "binary data (%zu control bytes)", ctl);
    return MC_OK;
}

size_t mc__nlp_fold(const char *p, size_t n, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t k = 0;
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] >= 0x80)
            ascii = false;
    if (ascii) {
        for (size_t i = 0; i < n && k + 1 < cap; i++)
            out[k++] = mc__lower(p[i]);
        out[k] = 0;
        return k;
    }
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &m,
                                      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                          UTF8PROC_COMPOSE);
    if (r < 0) {
        out[0] = 0;
        return 0;
    }
    for (utf8proc_ssize_t i = 0; i < r && k + 1 < cap; i++)
        out[k++] = (char)m[i];
    out[k] = 0;
    free(m);
    return k;
}

/* Length of the word character at p (0 when it is not one). */
static size_t word_char(const char *p, size_t left)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x80)
        return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') ? 1 : 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)left, &cp);
    if (k <= 0)
        return 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
        (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
        cat == UTF8PROC_CATEGORY_ND)
        return (size_t)k;
    return 0;
}

/* Scan the next word in [i, n): sets *ws and *we, returns false at the end. */
static bool next_word(const char *p, size_t n, size_t *i, size_t *ws, size_t *we)
{
    size_t j = *i;
    while (j < n && !word_char(p + j, n - j))
        j++;
    if (j >= n)
        return false;
    size_t s = j, w;
    while (j < n) {
        if ((w = word_char(p + j, n - j)) > 0) {
            j += w;
        } else if (p[j] == '.' && j + 1 < n && p[j + 1] >= '0' && p[j + 1] <= '9' &&
                   p[j - 1] >= '0' && p[j - 1] <= '9') {
            j++; /* decimal number */
        } else {
            break;
        }
    }
    *ws = s;
    *we = j;
    /* possessive 's: skip it */
    if (j + 1 < n && (p[j] == '\'') && (p[j + 1] == 's' || p[j + 1] == 'S') &&
        (j + 2 >= n || !word_char(p + j + 2, n - j - 2)))
        j += 2;
    *i = j;
    return true;
}

void mc__nlp_words(const char *p, size_t n, void (*fn)(void *ctx, const char *w, size_t len),
                   void *ctx)
{
    size_t i = 0, s, e;
    char buf[128];
    while (next_word(p, n, &i, &s, &e)) {
        size_t k = mc__nlp_fold(p + s, e - s, buf, sizeof buf);
        if (k)
            fn(ctx, buf, k);
    }
}

static bool is_bullet_start(const char *p, uint32_t i, uint32_t n)
{
    if (i >= n)
        return false;
    char c = p[i];
    if (c == '-' || c == '*' || c == '#')
        return true;
    if ((unsigned char)c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
        (unsigned char)p[i + 2] == 0xA2)
        return true; /* U+2022 bullet */
    uint32_t j = i;
    while (j < n && j - i < 3 && p[j] >= '0' && p[j] <= '9')
        j++;
    return j > i && j < n && (p[j] == '.' || p[j] == ')') && j + 1 < n &&
           (p[j + 1] == ' ' || p[j + 1] == '\t');
}

typedef struct grow {
    void *p;
    uint32_t n, cap;
    size_t elem;
} grow;

static void *grow_push(grow *g, mc__arena *a)
{
    if (g->n == g->cap) {
        uint32_t nc = g->cap ? g->cap * 2 : 64;
        void *t = mc__arena_alloc(a, (size_t)nc * g->elem);
        if (!t)
            return NULL;
        if (g->n)
            memcpy(t, g->p, (size_t)g->n * g->elem);
        g->p = t;
        g->cap = nc;
    }
    return (char *)g->p + (size_t)(g->n++) * g->elem;
}

/* Sentence boundaries inside one section body: appends to sg. */
static int split_section(mc_nlp_doc *doc, uint32_t si, grow *sg, mc__arena *a)
{
    const char *p = doc->text;
    uint32_t b = doc->sections[si].start, e = doc->sections[si].end;
    uint32_t start = b, item = 0, line_len = 0;
    bool started_item = false;
    for (uint32_t i = b; i <= e; i++) {
        bool cut = false;
        uint32_t next = i + 1, end = i;
        if (i == e) {
            cut = true;
        } else if ((p[i] == '.' || p[i] == '!' || p[i] == '?') && i + 1 < e &&
                   (p[i + 1] == ' ' || p[i + 1] == '\n' || p[i + 1] == '\t')) {
            uint32_t j = i + 1;
            while (j < e && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'))
                j++;
            bool cap = j >= e || p[j] == '\n' || (p[j] >= 'A' && p[j] <= 'Z') ||
                       (p[j] >= '0' && p[j] <= '9') || (unsigned char)p[j] >= 0x80;
            /* "Dr. X", "St. X": a one or two letter word before the dot is an abbreviation */
            uint32_t w = i;
            while (w > start && ((p[w - 1] | 32) >= 'a' && (p[w - 1] | 32) <= 'z'))
                w--;
            bool abbrev = p[i] == '.' && i - w <= 2 && i - w >= 1 && p[w] >= 'A' && p[w] <= 'Z' &&
                          !(p[w + 1] >= 'A' && p[w + 1] <= 'Z');
            /* "1. COPD": the number of a list item */
            uint32_t d = i;
            while (d > start && p[d - 1] >= '0' && p[d - 1] <= '9')
                d--;
            uint32_t ls = d;
            while (ls > start && (p[ls - 1] == ' ' || p[ls - 1] == '\t'))
                ls--;
            if (p[i] == '.' && d < i && (ls == start || p[ls - 1] == '\n'))
                abbrev = true;
            if (cap && !abbrev) {
                cut = true;
                end = i + 1;
            }
        } else if (p[i] == '\n') {
            uint32_t j = i + 1;
            while (j < e && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'))
                j++;
            bool blank = j < e && p[j] == '\n';
            bool bullet = is_bullet_start(p, j, e);
            bool capital = j < e && ((p[j] >= 'A' && p[j] <= 'Z') || (p[j] >= '0' && p[j] <= '9'));
            if (blank || bullet || j >= e || (capital && line_len < 70))
                cut = true;
            if (bullet) {
                item += started_item ? 1 : 0;
                started_item = true;
            }
            line_len = 0;
        } else {
            line_len++;
        }
        if (!cut)
            continue;
        /* trim and record a non-empty sentence */
        uint32_t s0 = start, s1 = end;
        while (s0 < s1 && (p[s0] == ' ' || p[s0] == '\t' || p[s0] == '\n' || p[s0] == '\r'))
            s0++;
        while (s1 > s0 && (p[s1 - 1] == ' ' || p[s1 - 1] == '\n' || p[s1 - 1] == '\r'))
            s1--;
        if (s1 > s0) {
            mc_nlp_sentence *s = grow_push(sg, a);
            if (!s)
                return MC_ELIMIT;
            *s = (mc_nlp_sentence){ s0, s1, si, 0, 0, item };
        }
        start = next;
    }
    return MC_OK;
}

int mc__nlp_split(mc_nlp_doc *doc, mc__arena *a)
{
    grow sg = { NULL, 0, 0, sizeof(mc_nlp_sentence) };
    grow tg = { NULL, 0, 0, sizeof(mc_nlp_token) };
    for (uint32_t si = 0; si < doc->n_sections; si++) {
        int rc = split_section(doc, si, &sg, a);
        if (rc)
            return rc;
    }
    mc_nlp_sentence *sents = sg.p;
    char buf[256];
    for (uint32_t k = 0; k < sg.n; k++) {
        mc_nlp_sentence *s = &sents[k];
        s->tok_first = tg.n;
        size_t i = s->start, ws, we, prev_end = s->start;
        /* "1. Type 2 diabetes": the item number is no word of the item */
        if (doc->text[i] >= '0' && doc->text[i] <= '9' && is_bullet_start(doc->text, s->start, s->end)) {
            while (i < s->end && doc->text[i] >= '0' && doc->text[i] <= '9')
                i++;
            prev_end = ++i;
        }
        while (next_word(doc->text, s->end, &i, &ws, &we)) {
            mc_nlp_token *t = grow_push(&tg, a);
            if (!t)
                return MC_ELIMIT;
            size_t len = mc__nlp_fold(doc->text + ws, we - ws, buf, sizeof buf);
            char *norm = mc__arena_strndup(a, buf, len);
            if (!norm)
                return MC_ELIMIT;
            uint16_t flags = 0;
            bool upper = true, digit = false;
            for (size_t q = ws; q < we; q++) {
                char c = doc->text[q];
                if (c >= 'a' && c <= 'z')
                    upper = false;
                if (c >= '0' && c <= '9')
                    digit = true;
            }
            if (upper)
                flags |= NLP_TOK_UPPER;
            if (digit)
                flags |= NLP_TOK_DIGIT;
            for (size_t q = prev_end; q < ws; q++) {
                char c = doc->text[q];
                if (c == ';' || c == ':')
                    flags |= NLP_TOK_BREAK;
                else if (c == ',')
                    flags |= NLP_TOK_COMMA;
            }
            *t = (mc_nlp_token){ (uint32_t)ws, (uint32_t)we, norm, (uint16_t)len, flags, k };
            prev_end = we;
        }
        s->tok_count = tg.n - s->tok_first;
    }
    doc->sentences = sents;
    doc->n_sentences = sg.n;
    doc->tokens = tg.p;
    doc->n_tokens = tg.n;
    return MC_OK;
}

int mc__nlp_analyze(const char *text, size_t n, mc__arena *arena, mc_nlp_doc **out)
{
    *out = NULL;
    if (n > UINT32_MAX / 2)
        return MC_ELIMIT;
    mc_nlp_doc *doc = mc__arena_zalloc(arena, sizeof *doc);
    if (!doc)
        return MC_ELIMIT;
    doc->text = text;
    doc->n = (uint32_t)n;
    int rc = mc__nlp_sections(doc, arena);
    if (!rc)
        rc = mc__nlp_split(doc, arena);
    if (!rc)
        rc = mc__nlp_triggers(doc, arena);
    if (rc)
        return rc;
    *out = doc;
    return MC_OK;
}
