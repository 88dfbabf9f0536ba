/*
 * The analyzer: Snowball English stemming and normalised matching keys.
 * A libstemmer handle keeps internal state, so each mc_text owns its own;
 * one mc_text per thread. After the first few words the stemmer reuses its
 * buffer, so steady-state stemming does not allocate.
 */
#include "text/text_int.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

struct mc_text {
    struct sb_stemmer *stemmer; /* Snowball "english", UTF-8 */
};

int mc_text_new(mc_text **out)
{
    *out = NULL;
    mc_text *t = calloc(1, sizeof *t);
    if (!t)
        return MC_ENOMEM;
    t->stemmer = sb_stemmer_new("english", NULL);
    if (!t->stemmer) {
        free(t);
        return MC_ENOMEM;
    }
    *out = t;
    return MC_OK;
}

void mc_text_free(mc_text *t)
{
    if (!t)
        return;
    sb_stemmer_delete(t->stemmer);
    free(t);
}

size_t mc_text_stem(mc_text *t, const char *word, size_t n, char *out, size_t cap)
{
    bool plain = n < 3 || n > 64;
    for (size_t i = 0; i < n && !plain; i++)
        if ((word[i] >= '0' && word[i] <= '9') || word[i] == '.')
            plain = true;
    const char *src = word;
    size_t m = n;
    if (!plain) {
        const sb_symbol *r = sb_stemmer_stem(t->stemmer, (const sb_symbol *)word, (int)n);
        if (r) {
            src = (const char *)r;
            m = (size_t)sb_stemmer_length(t->stemmer);
        }
    }
    if (m > cap)
        return 0;
    memcpy(out, src, m);
    if (m < cap)
        out[m] = '\0';
    return m;
}

/* Sorted: binary-searched. Words the conventions give meaning to are absent. */
static const char *const stopwords[] = {
    "a",    "an",    "are", "as",   "at",    "be",    "been",  "being", "by",    "for",
    "from", "has",   "have", "he",  "her",   "his",   "i",     "in",    "into",  "is",
    "it",   "its",   "my",   "of",  "on",    "onto",  "our",   "she",   "that",  "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to",   "upon",
    "was",  "we",    "were", "what", "which", "who",   "whom",  "you",   "your",
};

bool mc_text_is_stopword(const char *word, size_t n)
{
    size_t lo = 0, hi = sizeof stopwords / sizeof stopwords[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *w = stopwords[mid];
        size_t wn = strlen(w);
        int c = memcmp(word, w, n < wn ? n : wn);
        if (c == 0)
            c = n < wn ? -1 : n > wn ? 1 : 0;
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

int mc_text_key(mc_text *t, const char *s, size_t n, unsigned flags, char *out, size_t cap,
                size_t *out_n)
{
    *out_n = 0;
    if (mc_utf8_check(s, n, NULL))
        return MC_EFORMAT;
    mc_tokenizer tk;
    mc_token tok;
    mc_tokenizer_init(&tk, s, n);
    size_t w = 0;
    char folded[256], stem[256];
    while (mc_tokenizer_next(&tk, &tok)) {
        size_t fn = mc_text_fold_token(s + tok.start, tok.end - tok.start, folded, sizeof folded);
        if (fn == 0)
            continue;
        if ((flags & MC_KEY_DROP_STOP) && mc_text_is_stopword(folded, fn))
            continue;
        const char *word = folded;
        if (flags & MC_KEY_STEM) {
            size_t sn = mc_text_stem(t, folded, fn, stem, sizeof stem);
            if (sn) {
                word = stem;
                fn = sn;
            }
        }
        if (w + (w > 0) + fn > cap)
            return MC_ELIMIT;
        if (w > 0)
            out[w++] = ' ';
        memcpy(out + w, word, fn);
        w += fn;
    }
    if (w < cap)
        out[w] = '\0';
    *out_n = w;
    return MC_OK;
}
