/*
 * Bundle writer (internal). Sections are accumulated in memory, then the
 * whole image is written atomically (temporary file + rename).
 */
#ifndef MC_BUNDLE_INT_H
#define MC_BUNDLE_INT_H

#include "base/base_int.h"
#include "medcode/bundle.h"

enum {
    MC__BUNDLE_HEADER_SIZE = 64,
    MC__BUNDLE_ENTRY_SIZE = 48,
    MC__BUNDLE_ALIGN = 16,
};

typedef struct mc__bw mc__bw;

int mc__bw_new(int year, mc__bw **out);
void mc__bw_free(mc__bw *w);
/* Add a section; data is copied. A tag may be added only once (MC_EEXISTS). */
int mc__bw_add(mc__bw *w, const char *tag, const void *data, size_t n, uint32_t source_year);
bool mc__bw_has(const mc__bw *w, const char *tag);
/* Assemble the image into out (owned by caller, free with mc__buf_free). */
int mc__bw_image(const mc__bw *w, mc__buf *out);
/* Assemble and write atomically to path. */
int mc__bw_write(const mc__bw *w, const char *path, mc_diag *diag);

#endif
