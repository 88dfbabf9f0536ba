/*
 * UTF-8 validation, decoding and folding for matching. Folding is done one
 * code point at a time with utf8proc_decompose_char into a caller buffer, so
 * nothing here allocates (utf8proc_map would). ASCII, the common case in
 * code titles and queries, takes a byte-wise fast path.
 *
 * Invariant: every function stays inside [s, s + n) and [out, out + cap).
 */
#include "text/text_int.h"

#include <utf8proc.h>

int32_t mc_utf8_next(const char *s, size_t n, size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = *pos;
    unsigned c = p[i];
    if (c < 0x80) {
        *pos = i + 1;
        return (int32_t)c;
    }
    size_t len;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        *pos = i + 1;
        return -1;
    }
    if (n - i < len) {
        *pos = i + 1;
        return -1;
    }
    for (size_t k = 1; k < len; k++) {
        unsigned d = p[i + k];
        if ((d & 0xC0) != 0x80) {
            *pos = i + 1;
            return -1;
        }
        cp = cp << 6 | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *pos = i + 1;
        return -1;
    }
    *pos = i + len;
    return (int32_t)cp;
}

int mc_utf8_check(const char *s, size_t n, size_t *bad_at)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t at = i;
        if (mc_utf8_next(s, n, &i) < 0) {
            if (bad_at)
                *bad_at = at;
            return MC_EFORMAT;
        }
    }
    return MC_OK;
}

/* Fold one non-ASCII code point into out; returns bytes written or -1 if it does not fit. */
static long fold_cp(int32_t cp, char *out, size_t cap)
{
    utf8proc_int32_t buf[32];
    int boundclass = 0;
    /* typographic apostrophes become ASCII so "Crohn’s" == "Crohn's" */
    if (cp == 0x2019 || cp == 0x2018 || cp == 0x02BC)
        cp = '\'';
    utf8proc_ssize_t k = utf8proc_decompose_char(
        cp, buf, 32,
        (utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                            UTF8PROC_LUMP | UTF8PROC_IGNORE),
        &boundclass);
    if (k < 0 || k > 32)
        return 0; /* unassigned or odd: drop it */
    size_t w = 0;
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(buf[j], enc);
        if (m <= 0)
            continue;
        if (w + (size_t)m > cap)
            return -1;
        for (utf8proc_ssize_t b = 0; b < m; b++)
            out[w++] = (char)enc[b];
    }
    return (long)w;
}

int mc_text_fold(const char *s, size_t n, char *out, size_t cap, size_t *out_n)
{
    size_t i = 0, w = 0;
    *out_n = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (w >= cap)
                return MC_ELIMIT;
            out[w++] = mc__lower((char)c);
            i++;
            continue;
        }
        int32_t cp = mc_utf8_next(s, n, &i);
        if (cp < 0)
            return MC_EFORMAT;
        long k = fold_cp(cp, out + w, cap - w);
        if (k < 0)
            return MC_ELIMIT;
        w += (size_t)k;
    }
    if (w < cap)
        out[w] = '\0';
    *out_n = w;
    return MC_OK;
}

bool mc__text_is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

int mc__text_cp_case(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? 1 : (cp >= 'a' && cp <= 'z') ? -1 : 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT ? 1
           : c == UTF8PROC_CATEGORY_LL                            ? -1
                                                                  : 0;
}

bool mc__text_is_digit_cp(int32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}
