/*
 * Internal helpers shared by every module: arena, growable buffer, files,
 * small string utilities. Names are mc__*; nothing here is public API.
 *
 * Invariants: every buffer and arena has a hard maximum size; growth past it
 * returns MC_ELIMIT instead of allocating. No function aborts on bad input.
 */
#ifndef MC_BASE_INT_H
#define MC_BASE_INT_H

#include "medcode/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- arena: bump allocator in chained blocks, released in one call ---- */
typedef struct mc__arena_block mc__arena_block;
typedef struct mc__arena {
    mc__arena_block *head; /* newest block, allocation happens here */
    size_t used_total; /* bytes handed out across all blocks */
    size_t cap; /* hard limit on used_total; 0 means 1 GiB */
    size_t block_size; /* default size of a new block */
} mc__arena;

void mc__arena_init(mc__arena *a, size_t block_size, size_t cap);
/* Returns NULL when the cap would be exceeded or malloc fails. Aligned to 16. */
void *mc__arena_alloc(mc__arena *a, size_t n);
void *mc__arena_zalloc(mc__arena *a, size_t n);
char *mc__arena_strndup(mc__arena *a, const char *s, size_t n);
/* Keep the first block, forget the rest of the contents. */
void mc__arena_reset(mc__arena *a);
void mc__arena_free(mc__arena *a);

/* ---- growable byte buffer with a maximum size ---- */
typedef struct mc__buf {
    char *p; /* contents, always NUL-terminated when n > 0 or after any append */
    size_t n; /* bytes used (excluding the terminating NUL) */
    size_t cap; /* bytes allocated */
    size_t max; /* growth limit; 0 means 4 GiB */
    int err; /* sticky: first failure (MC_ENOMEM / MC_ELIMIT), later appends are no-ops */
} mc__buf;

void mc__buf_init(mc__buf *b, size_t max);
int mc__buf_reserve(mc__buf *b, size_t extra);
int mc__buf_append(mc__buf *b, const void *p, size_t n);
int mc__buf_puts(mc__buf *b, const char *s);
int mc__buf_putc(mc__buf *b, char c);
int mc__buf_printf(mc__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append zero bytes until n is a multiple of align (a power of two). */
int mc__buf_align(mc__buf *b, size_t align);
int mc__buf_u32(mc__buf *b, uint32_t v); /* little-endian */
int mc__buf_u64(mc__buf *b, uint64_t v);
/* Append s as a JSON string literal (quotes included, control chars escaped). */
int mc__buf_json_str(mc__buf *b, const char *s, size_t n);
void mc__buf_free(mc__buf *b);

/* ---- files ---- */
/* Read a whole file (max bytes, 0 = 1 GiB) into *out (NUL-terminated, malloc'd). */
int mc__read_file(const char *path, size_t max, char **out, size_t *n, mc_diag *diag);
/* Write data to path atomically: a temporary file in the same directory, fsync, rename. */
int mc__write_file_atomic(const char *path, const void *data, size_t n, mc_diag *diag);
/* mkdir -p */
int mc__mkdirs(const char *path, mc_diag *diag);
bool mc__file_exists(const char *path);

/* ---- little-endian access to untrusted bytes ---- */
static inline uint32_t mc__rd32(const void *p)
{
    const unsigned char *b = (const unsigned char *)p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t mc__rd64(const void *p)
{
    return (uint64_t)mc__rd32(p) | (uint64_t)mc__rd32((const char *)p + 4) << 32;
}
static inline uint16_t mc__rd16(const void *p)
{
    const unsigned char *b = (const unsigned char *)p;
    return (uint16_t)(b[0] | b[1] << 8);
}

/* ---- strings ---- */
static inline mc_str mc__str(const char *p, size_t n)
{
    mc_str s = { p, (uint32_t)n };
    return s;
}
static inline bool mc__str_eq(mc_str a, const char *b, size_t n)
{
    return a.n == n && (n == 0 || __builtin_memcmp(a.p, b, n) == 0);
}
/* ASCII lower-case; bytes >= 0x80 unchanged. */
static inline char mc__lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }
static inline char mc__upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c; }
/* Trim ASCII whitespace at both ends of [*p, *p + *n). */
void mc__trim(const char **p, size_t *n);
/* Copy at most cap-1 bytes and terminate. Returns the length written. */
size_t mc__strlcpy(char *dst, const char *src, size_t cap);
/* Monotonic clock in nanoseconds (benchmarks, never for logic). */
uint64_t mc__now_ns(void);

#endif
