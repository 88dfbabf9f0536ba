/*
 * Build part "edits" (stage 1): compiles the fiscal year's POA-exempt list,
 * the ICD-10-CM and ICD-10-PCS conversion tables and the Guidelines' principal-only Z codes
 * (Section I.C.21.c.15) into the EDT* sections described in edits_int.h. The
 * Medicare Code Editor masters are not compiled here: the checker reads the
 * single copy the MS-DRG module's build part "mce" writes (src/drg/mce_int.h).
 *
 * Invariants: only rows whose date range overlaps the bundle's fiscal year
 * are kept, so each bundle carries its own year's edits; every record is
 * fixed-size and sorted for binary search. A missing release file skips its
 * section with a warning (the checker then runs without it), it never fails
 * the build, so code-set-only fixtures still compile.
 */
#include "edits/edits_int.h"

#include "build/build.h"

#include <stdlib.h>
#include <string.h>

typedef struct rec_buf {
    unsigned char *p;
    size_t n, cap, size; /* records, capacity, record size */
} rec_buf;

static unsigned char *rec_push(rec_buf *b)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        unsigned char *p = realloc(b->p, cap * b->size);
        if (!p)
            return NULL;
        b->p = p;
        b->cap = cap;
    }
    unsigned char *r = b->p + b->n * b->size;
    memset(r, 0, b->size);
    b->n++;
    return r;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static size_t g_rec_size;
static int cmp_rec(const void *a, const void *b) { return memcmp(a, b, g_rec_size); }

/* Write header + sorted records as a section. */
static int emit(mc__build_ctx *ctx, const char *tag, rec_buf *b, bool sort, int year)
{
    if (sort && b->n) {
        g_rec_size = b->size;
        qsort(b->p, b->n, b->size, cmp_rec);
        size_t k = 1; /* drop exact duplicates (the conversion tables repeat rows per year pair) */
        for (size_t i = 1; i < b->n; i++)
            if (memcmp(b->p + i * b->size, b->p + (k - 1) * b->size, b->size))
                memmove(b->p + k++ * b->size, b->p + i * b->size, b->size);
        b->n = k;
    }
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__buf_u32(&out, (uint32_t)b->n);
    mc__buf_u32(&out, 0);
    if (b->n)
        mc__buf_append(&out, b->p, b->n * b->size);
    int rc = out.err ? out.err : mc__bw_add(ctx->w, tag, out.p, out.n, (uint32_t)year);
    mc__buf_free(&out);
    return rc;
}

/* Split a CSV line in place on commas (these files have no quoting). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

/* Normalise a code field into out[8]: strip dots, upper case; false if not [A-Z0-9]{1,7}. */
static bool code8(const char *s, char out[8])
{
    memset(out, 0, 8);
    size_t k = 0;
    for (; *s && *s != '\r' && *s != '\n'; s++) {
        if (*s == '.')
            continue;
        char c = mc__upper(*s);
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k >= 7)
            return false;
        out[k++] = c;
    }
    return k > 0;
}

typedef int (*line_fn)(mc__build_ctx *ctx, char *line, void *arg);

/* Read a release file and call fn on every line after the header. */
static int each_line(mc__build_ctx *ctx, const char *system, const char *part, int *year,
                     char **path, line_fn fn, void *arg)
{
    char *data = NULL;
    size_t n;
    int rc = mc__build_source(ctx, system, part, path, year);
    if (rc)
        return rc;
    if ((rc = mc__read_file(*path, (size_t)64 << 20, &data, &n, ctx->diag)))
        return rc;
    char *save = NULL;
    bool first = true;
    for (char *line = strtok_r(data, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        if (first) {
            first = false;
            continue;
        }
        rc = fn(ctx, line, arg);
    }
    free(data);
    return rc;
}

/* POA-exempt list: tab-separated "Order, code (dotted), description". */
static int poax_line(mc__build_ctx *ctx, char *line, void *arg)
{
    (void)ctx;
    char *tab = strchr(line, '\t');
    if (!tab)
        return MC_OK;
    char *end = strchr(tab + 1, '\t');
    if (end)
        *end = 0;
    char code[8];
    if (!code8(tab + 1, code))
        return MC_OK;
    unsigned char *r = rec_push(arg);
    if (!r)
        return MC_ENOMEM;
    memcpy(r, code, 8);
    return MC_OK;
}

static int conv_line(mc__build_ctx *ctx, char *line, void *arg)
{
    (void)ctx;
    char *f[5] = { 0 };
    if (split(line, f, 5) < 5)
        return MC_OK;
    char src[8], dst[8];
    if (!code8(f[0], src) || !code8(f[1], dst))
        return MC_OK;
    unsigned char *r = rec_push(arg);
    if (!r)
        return MC_ENOMEM;
    memcpy(r, src, 8);
    memcpy(r + 8, dst, 8);
    put32(r + 16, (uint32_t)strtoul(f[2], NULL, 10));
    put32(r + 20, strncmp(f[4], "newer_to_older", 14) == 0 ? 1u : 0u);
    return MC_OK;
}

/*
 * Guidelines Section I.C.21.c.15 "Z Codes That May Only be Principal/First-
 * Listed Diagnosis": the list runs from that heading to the next numbered
 * heading; each entry line starts with a Z code (a trailing "-" marks a
 * subcategory), an "Except:" line names a code the entry above does not cover.
 */
static int parse_principal_only(const char *text, rec_buf *b)
{
    const char *at = strstr(text, "Z Codes That May Only be Principal/First-Listed Diagnosis");
    if (!at)
        return MC_ENOTFOUND;
    at = strchr(at, '\n');
    while (at && *at) {
        const char *line = at + 1;
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *s = line;
        while (s < line + len && (*s == ' ' || *s == '\t'))
            s++;
        /* next numbered heading "16)" ends the list */
        if (s < line + len && *s >= '1' && *s <= '9' && s + 2 < line + len &&
            (s[1] == ')' || s[2] == ')'))
            break;
        bool except = false;
        if (!strncmp(s, "Except:", 7)) {
            except = true;
            s += 7;
            while (*s == ' ')
                s++;
        }
        if (*s == 'Z' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9') {
            char tok[12] = { 0 };
            size_t k = 0;
            while (k < 9 && s[k] && s[k] != ' ' && s[k] != ',' && s[k] != '\t' && s[k] != '\n' &&
                   s[k] != '\r')
                k++;
            memcpy(tok, s, k);
            if (k && tok[k - 1] == '-')
                tok[k - 1] = 0;
            char code[8];
            if (code8(tok, code)) {
                unsigned char *r = rec_push(b);
                if (!r)
                    return MC_ENOMEM;
                memcpy(r, code, 8);
                put32(r + 8, except ? 1u : 0u);
            }
        }
        at = eol;
    }
    return b->n ? MC_OK : MC_ENOTFOUND;
}

/* Run one source; a missing file is a warning. */
static int optional(mc__build_ctx *ctx, int rc, const char *what)
{
    if (rc == MC_ENOTFOUND) {
        mc__build_warn(ctx, "FY%d bundle: %s not available, its edits are skipped: %s",
                       ctx->year, what, ctx->diag ? ctx->diag->msg : "");
        return MC_OK;
    }
    return rc;
}

MC_BUILD_PART(edits, 1)
{
    rec_buf poax = { .size = EDT_POAX_REC }, conv = { .size = EDT_CONV_REC },
            pconv = { .size = EDT_CONV_REC }, pfx = { .size = EDT_PFX_REC };
    char *path = NULL;
    int year = 0;
    int rc = optional(ctx, each_line(ctx, "mce", "poaexempt", &year, &path, poax_line, &poax),
                  "POA-exempt list");
    if (!rc && path) {
        rc = emit(ctx, "EDTPOAX", &poax, true, year);
        mc__build_provenance(ctx, "EDTPOAX", year, path, "POA-exempt ICD-10-CM codes");
    }
    free(path), path = NULL;
    if (!rc)
        rc = optional(ctx,
                      each_line(ctx, "icd10cm", "conversions", &year, &path, conv_line, &conv),
                      "ICD-10-CM conversion table");
    if (!rc && path) {
        rc = emit(ctx, "EDTCONV", &conv, true, year);
        mc__build_provenance(ctx, "EDTCONV", year, path, "ICD-10-CM code conversions");
    }
    free(path), path = NULL;
    if (!rc)
        rc = optional(ctx,
                      each_line(ctx, "icd10pcs", "conversions", &year, &path, conv_line, &pconv),
                      "ICD-10-PCS conversion table");
    if (!rc && path) {
        rc = emit(ctx, "EDTPCNV", &pconv, true, year);
        mc__build_provenance(ctx, "EDTPCNV", year, path, "ICD-10-PCS code conversions");
    }
    free(path), path = NULL;
    if (!rc) {
        rc = mc__build_source(ctx, "icd10cm", "guidelines", &path, &year);
        char *text = NULL;
        size_t n;
        if (!rc && !(rc = mc__read_file(path, (size_t)16 << 20, &text, &n, ctx->diag))) {
            rc = parse_principal_only(text, &pfx);
            if (rc == MC_ENOTFOUND)
                rc = mc_diag_set(ctx->diag, MC_ENOTFOUND,
                                 "%s: Section I.C.21.c.15 principal-only Z code list not found",
                                 path);
        }
        free(text);
        rc = optional(ctx, rc, "Guidelines principal-only Z code list");
        if (!rc && pfx.n) {
            rc = emit(ctx, "EDTPFX", &pfx, false, year);
            mc__build_provenance(ctx, "EDTPFX", year, path,
                                 "Section I.C.21.c.15 principal-only Z codes");
        }
    }
    free(path);
    free(poax.p), free(conv.p), free(pfx.p), free(pconv.p);
    return rc;
}
