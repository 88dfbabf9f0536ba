/*
 * medcode bundle: one binary file per fiscal year holding every compiled code
 * set and table, read through mmap. The format is in docs/FORMAT.md.
 *
 * A bundle is untrusted input: opening it checks the header, the section
 * table's checksum and every section's bounds; each section's checksum is
 * checked before its bytes are first handed out. After a
 * successful open the handle is immutable and may be shared by any number of
 * reader threads.
 */
#ifndef MEDCODE_BUNDLE_H
#define MEDCODE_BUNDLE_H

#include "medcode/base.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_bundle mc_bundle;

enum { MC_BUNDLE_FORMAT_VERSION = 1, MC_BUNDLE_MAX_SECTIONS = 256 };

/* Map and validate the bundle at path. */
MC_API int mc_bundle_open(const char *path, mc_bundle **out, mc_diag *diag);
/* Validate a bundle image already in memory; data is borrowed and must outlive the handle. */
MC_API int mc_bundle_open_mem(const void *data, size_t n, mc_bundle **out, mc_diag *diag);
MC_API void mc_bundle_close(mc_bundle *b);

/* Fiscal year the bundle describes (e.g. 2026 = dates of service 2025-10-01..2026-09-30). */
MC_API int mc_bundle_year(const mc_bundle *b);
/* Total size of the image in bytes. */
MC_API size_t mc_bundle_size(const mc_bundle *b);

/*
 * Find a section by its tag (up to 8 characters). MC_ENOTFOUND when absent,
 * MC_ECHECKSUM when its bytes do not match the checksum (verified on first
 * access; the structure and bounds were verified by open).
 */
MC_API int mc_bundle_section(const mc_bundle *b, const char *tag, const void **data, size_t *n);

typedef struct mc_bundle_section_info {
    char tag[9]; /* NUL-terminated tag */
    uint64_t offset; /* byte offset in the file */
    uint64_t size; /* bytes */
    uint64_t checksum; /* XXH3-64 of the bytes */
    uint32_t source_year; /* fiscal year of the release file it was compiled from */
} mc_bundle_section_info;

/* Verify every section's checksum now (medcode info --verify, tests). */
MC_API int mc_bundle_verify(const mc_bundle *b, mc_diag *diag);
MC_API uint32_t mc_bundle_section_count(const mc_bundle *b);
MC_API int mc_bundle_section_at(const mc_bundle *b, uint32_t i, mc_bundle_section_info *out);

/* Fiscal year that contains a date "YYYY-MM-DD" (1 October starts the next year). */
MC_API int mc_fiscal_year_of_date(const char *date, int *year);

/*
 * Directory holding the compiled bundles: $MEDCODE_BUNDLES if set, else
 * "build/bundles" (relative to the working directory). Bundles are named
 * medcode-fyYYYY.mcb inside it.
 */
MC_API const char *mc_bundle_dir(void);
/* Write "<dir>/medcode-fy<year>.mcb" into out. */
MC_API int mc_bundle_path(const char *dir, int year, char *out, size_t cap);
/* The newest fiscal year with a bundle in dir, MC_ENOTFOUND when none. */
MC_API int mc_bundle_latest_year(const char *dir, int *year);

#ifdef __cplusplus
}
#endif
#endif
