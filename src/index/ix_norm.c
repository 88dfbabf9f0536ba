/*
 * Term normalisation for index matching. The same function builds the keys
 * stored in the bundle and the keys of a query, so a change here changes the
 * section contents (bump IX_VERSION).
 *
 * Steps: Unicode case folding and accent stripping (the text module's
 * mc_text_fold, utf8proc for very long input; ASCII takes a fast path), split on anything that is not a letter or digit, drop a
 * possessive "'s", singularise each word with a few English rules plus an
 * irregular list, drop stop words (of, the, a, an, and, or). Word order is
 * forgiven by sorting the tokens when a key is made.
 */
#include "index/ix_int.h"
#include "medcode/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *const stop_words[] = { "of", "the", "a", "an", "and", "or", NULL };

static const char *const irregular[][2] = {
    { "feet", "foot" },     { "teeth", "tooth" },     { "children", "child" },
    { "women", "woman" },   { "men", "man" },         { "vertebrae", "vertebra" },
    { "bronchi", "bronchus" }, { "ova", "ovum" },     { "lice", "louse" },
    { "diagnoses", "diagnosis" }, { "metastases", "metastasis" }, { "phalanges", "phalanx" },
    { NULL, NULL }
};

static bool is_stop(const char *w)
{
    for (int i = 0; stop_words[i]; i++)
        if (!strcmp(w, stop_words[i]))
            return true;
    return false;
}

static bool ends(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Singularise w in place (ASCII lower case). */
static void singular(char *w)
{
    size_t n = strlen(w);
    for (int i = 0; irregular[i][0]; i++)
        if (!strcmp(w, irregular[i][0])) {
            mc__strlcpy(w, irregular[i][1], IX_TOK_LEN);
            return;
        }
    if (n <= 3)
        return;
    if (ends(w, n, "ies") && n > 4) {
        w[n - 3] = 'y';
        w[n - 2] = 0;
    } else if (ends(w, n, "sses") || ends(w, n, "xes") || ends(w, n, "ches") ||
               ends(w, n, "shes") || ends(w, n, "zes")) {
        w[n - 2] = 0;
    } else if (w[n - 1] == 's' && !ends(w, n, "ss") && !ends(w, n, "us") && !ends(w, n, "is")) {
        w[n - 1] = 0;
    }
}

static void push(ix_toks *out, const char *w, size_t n)
{
    if (n == 0 || out->n >= IX_MAX_TOK)
        return;
    if (n >= IX_TOK_LEN)
        n = IX_TOK_LEN - 1;
    char *t = out->t[out->n];
    memcpy(t, w, n);
    t[n] = 0;
    singular(t);
    if (is_stop(t))
        return;
    out->n++;
}

static void tokens_ascii(const char *s, size_t n, ix_toks *out)
{
    char w[IX_TOK_LEN];
    size_t wn = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ' ';
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) {
            if (wn < IX_TOK_LEN - 1)
                w[wn++] = mc__lower(c);
            continue;
        }
        /* possessive: "Charcot's" -> "charcot" */
        if (c == '\'' && i + 1 < n && (s[i + 1] == 's' || s[i + 1] == 'S') &&
            (i + 2 >= n || !((s[i + 2] | 32) >= 'a' && (s[i + 2] | 32) <= 'z'))) {
            push(out, w, wn);
            wn = 0;
            i++;
            continue;
        }
        push(out, w, wn);
        wn = 0;
    }
}

void mc__ix_tokens(const char *s, size_t n, ix_toks *out)
{
    out->n = 0;
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii || n > 100000) {
        tokens_ascii(s, n, out);
        return;
    }
    /* the text module's folding (text.h), shared with search and the coder: no allocation */
    char buf[2048];
    size_t fn = 0;
    if (n < sizeof buf / 2 && mc_text_fold(s, n, buf, sizeof buf, &fn) == MC_OK) {
        tokens_ascii(buf, fn, out);
        return;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                                      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE);
    if (r < 0 || !folded) {
        tokens_ascii(s, n, out); /* invalid UTF-8: treat the bytes as they are */
        return;
    }
    /* Non-ASCII letters left after folding act as separators. */
    tokens_ascii((const char *)folded, (size_t)r, out);
    free(folded);
}

static int cmp_tok(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

void mc__ix_toks_sort(ix_toks *t) { qsort(t->t, t->n, IX_TOK_LEN, cmp_tok); }

size_t mc__ix_toks_key(const ix_toks *t, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    out[0] = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        size_t k = strlen(t->t[i]);
        if (n + k + (i ? 1 : 0) >= cap)
            break;
        if (i)
            out[n++] = ' ';
        memcpy(out + n, t->t[i], k);
        n += k;
        out[n] = 0;
    }
    return n;
}

size_t mc__ix_key(const char *s, size_t n, char *out, size_t cap)
{
    ix_toks t;
    mc__ix_tokens(s, n, &t);
    mc__ix_toks_sort(&t);
    return mc__ix_toks_key(&t, out, cap);
}

uint32_t mc__ix_edit_distance(const char *a, size_t an, const char *b, size_t bn, uint32_t max)
{
    enum { L = 64 };
    if (an >= L || bn >= L)
        return max + 1;
    if ((an > bn ? an - bn : bn - an) > max)
        return max + 1;
    uint32_t d[L][L];
    for (size_t i = 0; i <= an; i++)
        d[i][0] = (uint32_t)i;
    for (size_t j = 0; j <= bn; j++)
        d[0][j] = (uint32_t)j;
    for (size_t i = 1; i <= an; i++) {
        uint32_t rowmin = UINT32_MAX;
        for (size_t j = 1; j <= bn; j++) {
            uint32_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            uint32_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > max)
            return max + 1;
    }
    return d[an][bn] > max ? max + 1 : d[an][bn];
}
