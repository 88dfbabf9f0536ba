/*
 * RSK table sections (writer and bounds-checked reader), the CSV reader the
 * build uses, a u64 -> u32 hash map and a decimal-to-thousandths parser.
 * Format: see risk_int.h and docs/risk.md.
 */
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

void mc__rsk_tw_init(mc__rsk_tw *t, uint32_t n_cols)
{
    memset(t, 0, sizeof *t);
    t->n_cols = n_cols;
    mc__buf_init(&t->cells, 64u << 20);
    mc__buf_init(&t->pool, 64u << 20);
    mc__buf_putc(&t->pool, '\0');
}

uint32_t mc__rsk_tw_str(mc__rsk_tw *t, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t off = (uint32_t)t->pool.n;
    mc__buf_append(&t->pool, s, n);
    mc__buf_putc(&t->pool, '\0');
    return off;
}

void mc__rsk_tw_row(mc__rsk_tw *t, const uint32_t *cells)
{
    for (uint32_t i = 0; i < t->n_cols; i++)
        mc__buf_u32(&t->cells, cells[i]);
    t->n_rows++;
}

int mc__rsk_tw_finish(mc__rsk_tw *t, uint32_t year, mc__buf *out)
{
    if (t->cells.err)
        return t->cells.err;
    if (t->pool.err)
        return t->pool.err;
    mc__buf_u32(out, MC__RSK_MAGIC);
    mc__buf_u32(out, MC__RSK_VERSION);
    mc__buf_u32(out, year);
    mc__buf_u32(out, t->n_rows);
    mc__buf_u32(out, t->n_cols);
    mc__buf_u32(out, (uint32_t)t->pool.n);
    mc__buf_append(out, t->cells.p, t->cells.n);
    mc__buf_append(out, t->pool.p, t->pool.n);
    return out->err;
}

void mc__rsk_tw_free(mc__rsk_tw *t)
{
    mc__buf_free(&t->cells);
    mc__buf_free(&t->pool);
}

int mc__rsk_table_open(const mc_bundle *b, const char *tag, uint32_t n_cols, mc__rsk_table *t,
                       mc_diag *diag)
{
    const void *data;
    size_t n;
    memset(t, 0, sizeof *t);
    int rc = mc_bundle_section(b, tag, &data, &n);
    if (rc)
        return mc_diag_set(diag, rc, "bundle has no %s section: rebuild it with 'medcode build'",
                           tag);
    const unsigned char *p = data;
    if (n < MC__RSK_HEADER || mc__rd32(p) != MC__RSK_MAGIC)
        return mc_diag_set(diag, MC_ECORRUPT, "section %s: not a risk table", tag);
    if (mc__rd32(p + 4) != MC__RSK_VERSION)
        return mc_diag_set(diag, MC_EVERSION, "section %s: table version %u not supported", tag,
                           mc__rd32(p + 4));
    t->year = mc__rd32(p + 8);
    t->n_rows = mc__rd32(p + 12);
    t->n_cols = mc__rd32(p + 16);
    t->pool_size = mc__rd32(p + 20);
    uint64_t cells = (uint64_t)t->n_rows * t->n_cols * 4;
    if (t->n_cols != n_cols || MC__RSK_HEADER + cells + t->pool_size != n)
        return mc_diag_set(diag, MC_ECORRUPT, "section %s: table size does not match its header",
                           tag);
    t->cells = p + MC__RSK_HEADER;
    t->pool = (const char *)p + MC__RSK_HEADER + cells;
    if (t->pool_size == 0 || t->pool[t->pool_size - 1] != '\0')
        return mc_diag_set(diag, MC_ECORRUPT, "section %s: string pool not terminated", tag);
    return MC_OK;
}

const char *mc__rsk_str(const mc__rsk_table *t, uint32_t row, uint32_t col)
{
    uint32_t off = mc__rsk_cell(t, row, col);
    return off < t->pool_size ? t->pool + off : "";
}

/* ---- CSV ---- */
int mc__csv_next(mc__csv *c, mc__csv_row *row)
{
    row->n = 0;
    if (c->p >= c->end)
        return 0;
    c->line++;
    size_t used = 0;
    for (;;) {
        const char *s = c->p;
        mc_str f = { s, 0 };
        if (s < c->end && *s == '"') {
            /* quoted field: copy into row->buf, turning "" into " */
            size_t start = used;
            s++;
            for (;;) {
                if (s >= c->end)
                    return MC_EFORMAT;
                if (*s == '"') {
                    if (s + 1 < c->end && s[1] == '"') {
                        s += 2;
                        if (used < sizeof row->buf)
                            row->buf[used++] = '"';
                        continue;
                    }
                    s++;
                    break;
                }
                if (*s == '\n')
                    c->line++;
                if (used < sizeof row->buf)
                    row->buf[used++] = *s;
                s++;
            }
            f.p = row->buf + start;
            f.n = (uint32_t)(used - start);
        } else {
            while (s < c->end && *s != ',' && *s != '\n' && *s != '\r')
                s++;
            f.n = (uint32_t)(s - f.p);
        }
        if (row->n < MC__CSV_MAX_FIELDS)
            row->f[row->n++] = f;
        if (s < c->end && *s == ',') {
            c->p = s + 1;
            continue;
        }
        if (s < c->end && *s == '\r')
            s++;
        if (s < c->end && *s == '\n')
            s++;
        c->p = s;
        return 1;
    }
}

int mc__csv_col(const mc__csv_row *hdr, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = 0; i < hdr->n; i++)
        if (mc__str_eq(hdr->f[i], name, n))
            return (int)i;
    return -1;
}

/* ---- u64 map ---- */
int mc__u64map_init(mc__u64map *m, uint32_t expected)
{
    uint32_t cap = 16;
    while (cap < expected * 2 + 16)
        cap <<= 1;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->mask = cap - 1;
    m->n = 0;
    if (!m->keys || !m->vals) {
        mc__u64map_free(m);
        return MC_ENOMEM;
    }
    return MC_OK;
}

void mc__u64map_put(mc__u64map *m, uint64_t key, uint32_t val)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    uint32_t i = (uint32_t)(h >> 32) & m->mask;
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & m->mask;
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

void mc__u64map_free(mc__u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
}

bool mc__milli(const char *s, int32_t *out)
{
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    int64_t v = 0;
    int digits = 0, frac = -1;
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9')
            return false;
        if (frac >= 0) {
            if (frac == 3) /* more than three decimals: not representable exactly */
                return false;
            frac++;
        }
        v = v * 10 + (*s - '0');
        if (++digits > 9)
            return false;
    }
    if (!digits)
        return false;
    for (int f = frac < 0 ? 0 : frac; f < 3; f++)
        v *= 10;
    *out = (int32_t)(neg ? -v : v);
    return true;
}
