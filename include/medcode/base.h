/*
 * medcode base API: status codes, string slices, diagnostics.
 *
 * Ownership rule for the whole API: arguments are borrowed; a *_new or *_open
 * result is owned by the caller and released with the matching *_free or *_close
 * (which accept NULL); strings handed out by a bundle are slices into its
 * mapping, valid while that bundle is open.
 */
#ifndef MEDCODE_BASE_H
#define MEDCODE_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MC_API __attribute__((visibility("default")))
#else
#define MC_API
#endif

/* Every fallible call returns MC_OK (0) or one of these negative codes. */
#define MC_ERRNO_MAP(X)                                                    \
    X(NOMEM, -1, "out of memory")                                          \
    X(IO, -2, "input/output error")                                        \
    X(NOTFOUND, -3, "not found")                                           \
    X(INVAL, -4, "invalid argument")                                       \
    X(FORMAT, -5, "malformed input")                                       \
    X(CORRUPT, -6, "corrupt bundle")                                       \
    X(CHECKSUM, -7, "checksum mismatch")                                   \
    X(VERSION, -8, "unsupported version")                                  \
    X(RANGE, -9, "value out of range")                                     \
    X(LIMIT, -10, "size limit exceeded")                                   \
    X(UNSUPPORTED, -11, "not supported")                                   \
    X(EXISTS, -12, "already exists")

enum {
    MC_OK = 0,
#define MC__ERR_ENUM(name, val, msg) MC_E##name = (val),
    MC_ERRNO_MAP(MC__ERR_ENUM)
#undef MC__ERR_ENUM
};

/* Human-readable text of a status code; never NULL. */
MC_API const char *mc_strerror(int rc);
/* The code's symbolic name ("MC_ENOTFOUND"); never NULL. */
MC_API const char *mc_errname(int rc);

/* A byte slice, usually pointing into a bundle mapping. Not NUL-terminated. */
typedef struct mc_str {
    const char *p;
    uint32_t n;
} mc_str;

/* Optional detail for an error: where it happened and what to do about it. */
typedef struct mc_diag {
    char msg[512]; /* one line naming the problem and, when known, the fix */
    char file[256]; /* input file the problem is in, or "" */
    long line; /* 1-based line in that file, 0 when unknown */
    long column; /* 1-based column, 0 when unknown */
} mc_diag;

/* Record a formatted message in diag (when non-NULL) and return rc. */
MC_API int mc_diag_set(mc_diag *diag, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The library version string, e.g. "0.1.0". */
MC_API const char *mc_version(void);

#ifdef __cplusplus
}
#endif
#endif
