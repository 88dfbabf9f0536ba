/* Bundle writer: collects sections, lays them out per docs/FORMAT.md. */
#include "bundle/bundle_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct section {
    char tag[8];
    char *data;
    size_t n;
    uint32_t source_year;
} section;

struct mc__bw {
    int year;
    section *sec;
    uint32_t n_sec;
};

int mc__bw_new(int year, mc__bw **out)
{
    mc__bw *w = calloc(1, sizeof *w);
    if (!w)
        return MC_ENOMEM;
    w->sec = calloc(MC_BUNDLE_MAX_SECTIONS, sizeof *w->sec);
    if (!w->sec) {
        free(w);
        return MC_ENOMEM;
    }
    w->year = year;
    *out = w;
    return MC_OK;
}

void mc__bw_free(mc__bw *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < w->n_sec; i++)
        free(w->sec[i].data);
    free(w->sec);
    free(w);
}

static void tag8(char out[8], const char *tag)
{
    memset(out, 0, 8);
    size_t n = strlen(tag);
    memcpy(out, tag, n > 8 ? 8 : n);
}

bool mc__bw_has(const mc__bw *w, const char *tag)
{
    char t[8];
    tag8(t, tag);
    for (uint32_t i = 0; i < w->n_sec; i++)
        if (memcmp(w->sec[i].tag, t, 8) == 0)
            return true;
    return false;
}

int mc__bw_add(mc__bw *w, const char *tag, const void *data, size_t n, uint32_t source_year)
{
    if (!tag[0] || strlen(tag) > 8)
        return MC_EINVAL;
    if (mc__bw_has(w, tag))
        return MC_EEXISTS;
    if (w->n_sec >= MC_BUNDLE_MAX_SECTIONS)
        return MC_ELIMIT;
    section *s = &w->sec[w->n_sec];
    s->data = malloc(n ? n : 1);
    if (!s->data)
        return MC_ENOMEM;
    if (n)
        memcpy(s->data, data, n);
    s->n = n;
    s->source_year = source_year;
    tag8(s->tag, tag);
    w->n_sec++;
    return MC_OK;
}

int mc__bw_image(const mc__bw *w, mc__buf *out)
{
    mc__buf_init(out, 0);
    size_t table = MC__BUNDLE_HEADER_SIZE;
    size_t off = table + (size_t)w->n_sec * MC__BUNDLE_ENTRY_SIZE;
    off = (off + MC__BUNDLE_ALIGN - 1) & ~(size_t)(MC__BUNDLE_ALIGN - 1);
    size_t total = off;
    for (uint32_t i = 0; i < w->n_sec; i++) {
        total += w->sec[i].n;
        total = (total + MC__BUNDLE_ALIGN - 1) & ~(size_t)(MC__BUNDLE_ALIGN - 1);
    }
    int rc = mc__buf_reserve(out, total);
    if (rc)
        return rc;
    /* header, table checksum patched below */
    mc__buf_append(out, "MCBUNDLE", 8);
    mc__buf_u32(out, MC_BUNDLE_FORMAT_VERSION);
    mc__buf_u32(out, w->n_sec);
    mc__buf_u32(out, (uint32_t)w->year);
    mc__buf_u32(out, MC__BUNDLE_HEADER_SIZE);
    mc__buf_u64(out, (uint64_t)total);
    mc__buf_u64(out, 0);
    while (out->n < MC__BUNDLE_HEADER_SIZE)
        mc__buf_putc(out, 0);
    size_t pos = off;
    for (uint32_t i = 0; i < w->n_sec; i++) {
        const section *s = &w->sec[i];
        mc__buf_append(out, s->tag, 8);
        mc__buf_u64(out, (uint64_t)pos);
        mc__buf_u64(out, (uint64_t)s->n);
        mc__buf_u64(out, (uint64_t)XXH3_64bits(s->data, s->n));
        mc__buf_u32(out, s->source_year);
        mc__buf_u32(out, 0);
        mc__buf_u64(out, 0);
        pos += s->n;
        pos = (pos + MC__BUNDLE_ALIGN - 1) & ~(size_t)(MC__BUNDLE_ALIGN - 1);
    }
    uint64_t tsum = XXH3_64bits(out->p + table, (size_t)w->n_sec * MC__BUNDLE_ENTRY_SIZE);
    mc__buf_align(out, MC__BUNDLE_ALIGN);
    for (uint32_t i = 0; i < w->n_sec; i++) {
        mc__buf_append(out, w->sec[i].data, w->sec[i].n);
        mc__buf_align(out, MC__BUNDLE_ALIGN);
    }
    if (out->err)
        return out->err;
    for (int k = 0; k < 8; k++)
        out->p[32 + k] = (char)(tsum >> (8 * k));
    return out->n == total ? MC_OK : MC_EFORMAT;
}

int mc__bw_write(const mc__bw *w, const char *path, mc_diag *diag)
{
    mc__buf img;
    int rc = mc__bw_image(w, &img);
    if (rc) {
        mc__buf_free(&img);
        return mc_diag_set(diag, rc, "cannot assemble bundle: %s", mc_strerror(rc));
    }
    rc = mc__write_file_atomic(path, img.p, img.n, diag);
    mc__buf_free(&img);
    return rc;
}
