/*
 * Growable byte buffer with a hard maximum and a sticky error, so a long
 * sequence of appends can be checked once at the end.
 */
#include "base/base_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mc__buf_init(mc__buf *b, size_t max)
{
    b->p = NULL;
    b->n = 0;
    b->cap = 0;
    b->max = max ? max : ((size_t)4 << 30);
    b->err = 0;
}

int mc__buf_reserve(mc__buf *b, size_t extra)
{
    if (b->err)
        return b->err;
    if (extra > b->max || b->n > b->max - extra)
        return b->err = MC_ELIMIT;
    size_t need = b->n + extra + 1;
    if (need <= b->cap)
        return MC_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap * 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return b->err = MC_ENOMEM;
    b->p = p;
    b->cap = cap;
    return MC_OK;
}

int mc__buf_append(mc__buf *b, const void *p, size_t n)
{
    int rc = mc__buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return MC_OK;
}

int mc__buf_puts(mc__buf *b, const char *s) { return mc__buf_append(b, s, strlen(s)); }

int mc__buf_putc(mc__buf *b, char c) { return mc__buf_append(b, &c, 1); }

int mc__buf_printf(mc__buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0)
        return b->err = MC_EINVAL;
    if ((size_t)len < sizeof small)
        return mc__buf_append(b, small, (size_t)len);
    int rc = mc__buf_reserve(b, (size_t)len);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
    return MC_OK;
}

int mc__buf_align(mc__buf *b, size_t align)
{
    static const char zeros[64];
    size_t pad = (align - (b->n & (align - 1))) & (align - 1);
    return mc__buf_append(b, zeros, pad);
}

int mc__buf_u32(mc__buf *b, uint32_t v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    return mc__buf_append(b, x, 4);
}

int mc__buf_u64(mc__buf *b, uint64_t v)
{
    int rc = mc__buf_u32(b, (uint32_t)v);
    return rc ? rc : mc__buf_u32(b, (uint32_t)(v >> 32));
}

int mc__buf_json_str(mc__buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    mc__buf_reserve(b, n + 2);
    mc__buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        mc__buf_append(b, s + run, i - run);
        run = i + 1;
        char esc[7] = { '\\', 0 };
        size_t k = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            k = 6;
        }
        mc__buf_append(b, esc, k);
    }
    mc__buf_append(b, s + run, n - run);
    return mc__buf_putc(b, '"');
}

void mc__buf_free(mc__buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->err = 0;
}
