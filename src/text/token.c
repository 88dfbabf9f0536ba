/*
 * Tokenizer: splits text into words with byte offsets into the original,
 * so callers (search highlights, the coder's evidence spans) can point back
 * at exactly what the user wrote. A token is a run of letters, digits and
 * combining marks; an apostrophe between letters stays inside ("Crohn's"),
 * and a dot stays inside when the part before it has a digit and a letter or
 * digit follows ("E11.22", "2.5", "T39.1X1A"). Everything else separates.
 *
 * Invariant: tokens never overlap, come in order, and start/end fall on
 * code point boundaries; ill-formed bytes are separators, never inside.
 */
#include "text/text_int.h"

void mc_tokenizer_init(mc_tokenizer *t, const char *s, size_t n)
{
    t->s = s;
    t->n = n;
    t->pos = 0;
}

/* Code point at i without consuming; *len gets its size (1 for bad bytes, -1 returned). */
static int32_t peek(const char *s, size_t n, size_t i, size_t *len)
{
    size_t j = i;
    int32_t cp = mc_utf8_next(s, n, &j);
    *len = j - i;
    return cp;
}

static bool is_apos(int32_t cp) { return cp == '\'' || cp == 0x2019; }

bool mc_tokenizer_next(mc_tokenizer *t, mc_token *out)
{
    const char *s = t->s;
    size_t n = t->n, i = t->pos, len;
    /* skip separators */
    while (i < n) {
        int32_t cp = peek(s, n, i, &len);
        if (cp >= 0 && mc__text_is_word_cp(cp))
            break;
        i += len;
    }
    if (i >= n) {
        t->pos = n;
        return false;
    }
    size_t start = i;
    uint32_t flags = 0;
    int upper = 0, lower = 0;
    while (i < n) {
        int32_t cp = peek(s, n, i, &len);
        if (cp >= 0 && mc__text_is_word_cp(cp)) {
            if (cp >= 0x80)
                flags |= MC_TOK_NONASCII;
            if (mc__text_is_digit_cp(cp))
                flags |= MC_TOK_DIGIT;
            int c = mc__text_cp_case(cp);
            if (c) {
                flags |= MC_TOK_ALPHA;
                upper += c > 0;
                lower += c < 0;
            } else if (!mc__text_is_digit_cp(cp) && cp >= 0x80) {
                flags |= MC_TOK_ALPHA; /* letters without case (CJK, marks) */
            }
            i += len;
            continue;
        }
        /* inner apostrophe or dot: keep only when a word character follows */
        if (cp == '.' || (cp >= 0 && is_apos(cp))) {
            size_t len2;
            if (i + len >= n)
                break;
            int32_t nx = peek(s, n, i + len, &len2);
            if (nx < 0 || !mc__text_is_word_cp(nx))
                break;
            if (cp == '.' && !(flags & MC_TOK_DIGIT))
                break;
            if (cp != '.' && !(flags & MC_TOK_ALPHA))
                break;
            if (cp == '.')
                flags |= MC_TOK_DOT;
            i += len;
            continue;
        }
        break;
    }
    if (upper > 0 && lower == 0)
        flags |= MC_TOK_UPPER;
    out->start = (uint32_t)start;
    out->end = (uint32_t)i;
    out->flags = flags;
    t->pos = i;
    return true;
}

size_t mc_text_fold_token(const char *s, size_t n, char *out, size_t cap)
{
    size_t w;
    if (mc_text_fold(s, n, out, cap, &w) != MC_OK)
        return 0;
    /* possessive 's: "crohn's" -> "crohn" */
    if (w >= 3 && out[w - 1] == 's' && out[w - 2] == '\'')
        w -= 2;
    size_t k = 0;
    for (size_t j = 0; j < w; j++)
        if (out[j] != '\'')
            out[k++] = out[j];
    if (k < cap)
        out[k] = '\0';
    return k;
}
