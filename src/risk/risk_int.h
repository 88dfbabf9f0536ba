/*
 * Risk adjustment and comorbidity (internal): the on-disk table format of the
 * RSK* bundle sections, a small CSV reader for the build, and the in-memory
 * models the scorer runs on.
 *
 * Every RSK section is one "table": a 24-byte header, n_rows * n_cols u32
 * cells, then a string pool whose last byte is NUL. A string cell is an
 * offset into the pool; because the pool ends in NUL, any offset below the
 * pool size names a terminated string. Readers check the header against the
 * section size before touching a cell (the bundle is untrusted input).
 */
#ifndef MC_RISK_INT_H
#define MC_RISK_INT_H

#include "base/base_int.h"
#include "medcode/risk.h"

enum {
    MC__RSK_MAGIC = 0x544b5352, /* "RSKT" little-endian */
    MC__RSK_VERSION = 1,
    MC__RSK_HEADER = 24,
};

/* ---- table writer (build) ---- */
typedef struct mc__rsk_tw {
    uint32_t n_cols;
    uint32_t n_rows;
    mc__buf cells; /* u32 cells, row-major */
    mc__buf pool; /* strings, each NUL-terminated; starts with "" at offset 0 */
} mc__rsk_tw;

void mc__rsk_tw_init(mc__rsk_tw *t, uint32_t n_cols);
/* Append a string to the pool and return its offset (0 for the empty string). */
uint32_t mc__rsk_tw_str(mc__rsk_tw *t, const char *s, size_t n);
/* Append one row of n_cols cells. */
void mc__rsk_tw_row(mc__rsk_tw *t, const uint32_t *cells);
/* Serialise into out; returns MC_OK or the first buffer error. */
int mc__rsk_tw_finish(mc__rsk_tw *t, uint32_t year, mc__buf *out);
void mc__rsk_tw_free(mc__rsk_tw *t);

/* ---- table reader ---- */
typedef struct mc__rsk_table {
    uint32_t year; /* payment year (HCC) or software version year (comorbidity) */
    uint32_t n_rows, n_cols;
    const unsigned char *cells;
    const char *pool;
    uint32_t pool_size;
} mc__rsk_table;

/* Validate the section `tag` of b with n_cols columns; MC_ECORRUPT with diag on any mismatch. */
int mc__rsk_table_open(const mc_bundle *b, const char *tag, uint32_t n_cols, mc__rsk_table *t,
                       mc_diag *diag);
static inline uint32_t mc__rsk_cell(const mc__rsk_table *t, uint32_t row, uint32_t col)
{
    return mc__rd32(t->cells + ((size_t)row * t->n_cols + col) * 4);
}
/* String cell: "" when the offset is out of the pool (cannot happen after a successful open). */
const char *mc__rsk_str(const mc__rsk_table *t, uint32_t row, uint32_t col);

/* ---- CSV (RFC 4180 quoting) for the build ---- */
typedef struct mc__csv {
    const char *p, *end;
    long line;
} mc__csv;

enum { MC__CSV_MAX_FIELDS = 48 };
typedef struct mc__csv_row {
    uint32_t n;
    mc_str f[MC__CSV_MAX_FIELDS]; /* unquoted in place when no "" escape; see buf */
    char buf[4096]; /* storage for fields that needed unescaping */
} mc__csv_row;

/* Read the next record; returns 1 when a row was read, 0 at end, MC_EFORMAT on a broken quote. */
int mc__csv_next(mc__csv *c, mc__csv_row *row);
/* Column index of name in a header row, -1 when absent. */
int mc__csv_col(const mc__csv_row *hdr, const char *name);

/* Pack an undotted ICD-10-CM code (1..7 chars, upper case) into a u64 key; 0 when invalid. */
static inline uint64_t mc__code_key(const char *code)
{
    uint64_t k = 0;
    size_t i = 0;
    for (; i < 7 && code[i]; i++)
        k |= (uint64_t)(unsigned char)code[i] << (8 * i);
    return code[i] == '\0' && i > 0 ? k : 0;
}

/* ---- hash map u64 -> u32 (open addressing, power-of-two capacity) ---- */
typedef struct mc__u64map {
    uint64_t *keys; /* 0 = empty */
    uint32_t *vals;
    uint32_t mask;
    uint32_t n;
} mc__u64map;

int mc__u64map_init(mc__u64map *m, uint32_t expected);
/* Insert or replace. Key must be non-zero. */
void mc__u64map_put(mc__u64map *m, uint64_t key, uint32_t val);
static inline bool mc__u64map_get(const mc__u64map *m, uint64_t key, uint32_t *val)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    uint32_t i = (uint32_t)(h >> 32) & m->mask;
    for (;;) {
        uint64_t k = m->keys[i];
        if (k == key) {
            *val = m->vals[i];
            return true;
        }
        if (k == 0)
            return false;
        i = (i + 1) & m->mask;
    }
}
void mc__u64map_free(mc__u64map *m);

/* Normalise a diagnosis as mc_cm_normalize does (trim, case, optional dot) into out[8];
 * returns the packed key, 0 when the text cannot be an ICD-10-CM code. */
uint64_t mc__risk_norm(const char *s, char out[8]);
bool mc__dx_valid_has(const mc_dx_valid *v, uint64_t key);

/* Parse a decimal like "-0.123" / "1.2" / "7" into thousandths; false when malformed. */
bool mc__milli(const char *s, int32_t *out);

#endif
