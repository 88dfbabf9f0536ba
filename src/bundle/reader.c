/*
 * Bundle reader: mmap the file, then check the structure before trusting
 * it: magic, version, declared size against the real size, the section
 * table's checksum, each section's bounds and alignment, unique tags. A
 * section's XXH3 checksum is verified the first time it is handed out (and
 * by mc_bundle_verify), so opening a 100 MB bundle costs microseconds and a
 * command pays only for the sections it reads. Any failure is
 * MC_ECORRUPT/MC_ECHECKSUM/MC_EVERSION with a one-line diagnosis, never a
 * crash. The per-section "verified" states are atomics: concurrent readers
 * may both verify a section, which is harmless.
 */
#include "bundle/bundle_int.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

struct mc_bundle {
    const unsigned char *base; /* start of the image */
    size_t size; /* bytes in the image */
    bool mapped; /* true when base came from mmap and must be unmapped */
    int year; /* fiscal year from the header */
    uint32_t n_sec; /* sections in the table */
    const unsigned char *table; /* first section entry */
    _Atomic unsigned char *state; /* per section: 0 unchecked, 1 good, 2 bad checksum */
};

static int validate(mc_bundle *b, mc_diag *diag)
{
    const unsigned char *p = b->base;
    if (b->size < MC__BUNDLE_HEADER_SIZE)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle is truncated (%zu bytes, header needs %d)",
                           b->size, MC__BUNDLE_HEADER_SIZE);
    if (memcmp(p, "MCBUNDLE", 8) != 0)
        return mc_diag_set(diag, MC_ECORRUPT, "not a medcode bundle (bad magic)");
    uint32_t version = mc__rd32(p + 8);
    if (version != MC_BUNDLE_FORMAT_VERSION)
        return mc_diag_set(diag, MC_EVERSION,
                           "bundle format version %u, this medcode reads %d: rebuild with "
                           "'medcode build'",
                           version, MC_BUNDLE_FORMAT_VERSION);
    b->n_sec = mc__rd32(p + 12);
    b->year = (int)mc__rd32(p + 16);
    uint32_t hsize = mc__rd32(p + 20);
    uint64_t fsize = mc__rd64(p + 24);
    if (hsize != MC__BUNDLE_HEADER_SIZE)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle header size %u is wrong", hsize);
    if (fsize != b->size)
        return mc_diag_set(diag, MC_ECORRUPT,
                           "bundle is %zu bytes but its header says %llu: truncated or "
                           "damaged, rebuild with 'medcode build'",
                           b->size, (unsigned long long)fsize);
    if (b->n_sec > MC_BUNDLE_MAX_SECTIONS)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle declares %u sections", b->n_sec);
    if (b->year < 2000 || b->year > 2100)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle fiscal year %d is implausible", b->year);
    size_t tbytes = (size_t)b->n_sec * MC__BUNDLE_ENTRY_SIZE;
    if (MC__BUNDLE_HEADER_SIZE + tbytes > b->size)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section table runs past the end");
    b->table = p + MC__BUNDLE_HEADER_SIZE;
    if (XXH3_64bits(b->table, tbytes) != mc__rd64(p + 32))
        return mc_diag_set(diag, MC_ECHECKSUM, "bundle section table checksum mismatch");
    for (uint32_t i = 0; i < b->n_sec; i++) {
        const unsigned char *e = b->table + (size_t)i * MC__BUNDLE_ENTRY_SIZE;
        uint64_t off = mc__rd64(e + 8), len = mc__rd64(e + 16);
        char tag[9] = { 0 };
        memcpy(tag, e, 8);
        if (off < MC__BUNDLE_HEADER_SIZE + tbytes || off > b->size || len > b->size - off ||
            (off & (MC__BUNDLE_ALIGN - 1)))
            return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s has bad bounds", tag);
        for (uint32_t j = 0; j < i; j++)
            if (memcmp(b->table + (size_t)j * MC__BUNDLE_ENTRY_SIZE, e, 8) == 0)
                return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s appears twice", tag);
    }
    b->state = calloc(b->n_sec ? b->n_sec : 1, sizeof *b->state);
    if (!b->state)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    return MC_OK;
}

/* Verify section i's checksum once; MC_OK or MC_ECHECKSUM. */
static int check_section(const mc_bundle *b, uint32_t i)
{
    unsigned char st = atomic_load_explicit(&b->state[i], memory_order_acquire);
    if (!st) {
        const unsigned char *e = b->table + (size_t)i * MC__BUNDLE_ENTRY_SIZE;
        bool ok = XXH3_64bits(b->base + mc__rd64(e + 8), (size_t)mc__rd64(e + 16)) ==
                  mc__rd64(e + 24);
        st = ok ? 1 : 2;
        atomic_store_explicit(&b->state[i], st, memory_order_release);
    }
    return st == 1 ? MC_OK : MC_ECHECKSUM;
}

int mc_bundle_verify(const mc_bundle *b, mc_diag *diag)
{
    for (uint32_t i = 0; i < b->n_sec; i++)
        if (check_section(b, i)) {
            char tag[9] = { 0 };
            memcpy(tag, b->table + (size_t)i * MC__BUNDLE_ENTRY_SIZE, 8);
            return mc_diag_set(diag, MC_ECHECKSUM,
                               "bundle section %s checksum mismatch: the file is damaged, "
                               "rebuild with 'medcode build'",
                               tag);
        }
    return MC_OK;
}

int mc_bundle_open_mem(const void *data, size_t n, mc_bundle **out, mc_diag *diag)
{
    *out = NULL;
    mc_bundle *b = calloc(1, sizeof *b);
    if (!b)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    b->base = data;
    b->size = n;
    int rc = validate(b, diag);
    if (rc) {
        mc_bundle_close(b);
        return rc;
    }
    *out = b;
    return MC_OK;
}

int mc_bundle_open(const char *path, mc_bundle **out, mc_diag *diag)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mc_diag_set(diag, errno == ENOENT ? MC_ENOTFOUND : MC_EIO,
                           "cannot open bundle %s: %s%s", path, strerror(errno),
                           errno == ENOENT ? " (run 'medcode build' first)" : "");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return mc_diag_set(diag, MC_EIO, "%s is not a regular file", path);
    }
    size_t size = (size_t)st.st_size;
    if (size < MC__BUNDLE_HEADER_SIZE) {
        close(fd);
        return mc_diag_set(diag, MC_ECORRUPT, "bundle %s is truncated (%zu bytes)", path, size);
    }
    void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return mc_diag_set(diag, MC_EIO, "cannot map %s: %s", path, strerror(errno));
    mc_bundle *b = calloc(1, sizeof *b);
    if (!b) {
        munmap(m, size);
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    }
    b->base = m;
    b->size = size;
    b->mapped = true;
    int rc = validate(b, diag);
    if (rc) {
        if (diag) {
            char msg[sizeof diag->msg];
            mc__strlcpy(msg, diag->msg, sizeof msg);
            snprintf(diag->msg, sizeof diag->msg, "%s: %s", path, msg);
        }
        mc_bundle_close(b);
        return rc;
    }
    *out = b;
    return MC_OK;
}

void mc_bundle_close(mc_bundle *b)
{
    if (!b)
        return;
    if (b->mapped)
        munmap((void *)b->base, b->size);
    free((void *)b->state);
    free(b);
}

int mc_bundle_year(const mc_bundle *b) { return b->year; }
size_t mc_bundle_size(const mc_bundle *b) { return b->size; }
uint32_t mc_bundle_section_count(const mc_bundle *b) { return b->n_sec; }

int mc_bundle_section(const mc_bundle *b, const char *tag, const void **data, size_t *n)
{
    char t[8] = { 0 };
    size_t len = strlen(tag);
    memcpy(t, tag, len > 8 ? 8 : len);
    for (uint32_t i = 0; i < b->n_sec; i++) {
        const unsigned char *e = b->table + (size_t)i * MC__BUNDLE_ENTRY_SIZE;
        if (memcmp(e, t, 8) == 0) {
            if (check_section(b, i)) {
                *data = NULL;
                *n = 0;
                return MC_ECHECKSUM;
            }
            *data = b->base + mc__rd64(e + 8);
            *n = (size_t)mc__rd64(e + 16);
            return MC_OK;
        }
    }
    *data = NULL;
    *n = 0;
    return MC_ENOTFOUND;
}

int mc_bundle_section_at(const mc_bundle *b, uint32_t i, mc_bundle_section_info *out)
{
    if (i >= b->n_sec)
        return MC_ERANGE;
    const unsigned char *e = b->table + (size_t)i * MC__BUNDLE_ENTRY_SIZE;
    memset(out, 0, sizeof *out);
    memcpy(out->tag, e, 8);
    out->offset = mc__rd64(e + 8);
    out->size = mc__rd64(e + 16);
    out->checksum = mc__rd64(e + 24);
    out->source_year = mc__rd32(e + 32);
    return MC_OK;
}

int mc_fiscal_year_of_date(const char *date, int *year)
{
    int y, m, d;
    char tail;
    if (!date || sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(date) != 10)
        return MC_EFORMAT;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return MC_ERANGE;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return MC_ERANGE;
    *year = m >= 10 ? y + 1 : y;
    return MC_OK;
}

const char *mc_bundle_dir(void)
{
    const char *d = getenv("MEDCODE_BUNDLES");
    return (d && *d) ? d : "build/bundles";
}

int mc_bundle_path(const char *dir, int year, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/medcode-fy%d.mcb", dir, year);
    return (n < 0 || (size_t)n >= cap) ? MC_ELIMIT : MC_OK;
}

int mc_bundle_latest_year(const char *dir, int *year)
{
    DIR *d = opendir(dir);
    if (!d)
        return MC_ENOTFOUND;
    int best = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y;
        char tail[8];
        if (sscanf(e->d_name, "medcode-fy%4d.%7s", &y, tail) == 2 && strcmp(tail, "mcb") == 0 &&
            y > best)
            best = y;
    }
    closedir(d);
    if (!best)
        return MC_ENOTFOUND;
    *year = best;
    return MC_OK;
}
