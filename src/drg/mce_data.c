/*
 * The Medicare Code Editor v43.1 masters in the bundle: build part "mce"
 * (stage 1) compiles the CMS masters (data/releases.tsv system "mce": dx and
 * procedure masters, age groups, discharge statuses) into DRGMDX, DRGMSG,
 * DRGMAGE and DRGMDS of every fiscal year's bundle, and the look-ups both
 * the MS-DRG grouper and `medcode check` use (layouts in mce_int.h).
 *
 * Invariants: every CMS row is kept with its own dates; the bundle of the
 * year that carries the grouper tables (FY2026) keeps the rows of every date
 * (one copy serves all grouper versions v40.0-v43.1), other years' bundles
 * keep the rows that overlap their fiscal year (diagnosis rows only when they
 * carry a flag: the checker needs no validity from the MCE master); an unknown flag fails the build;
 * a bundle whose fiscal year no master row covers (FY2021) gets no MCE
 * sections; a missing master file skips the sections with a warning (the checker then
 * runs without MCE edits and the grouper refuses to open), never fails the
 * build, so code-set-only fixtures still compile.
 */
#include "drg/drg_int.h"
#include "drg/mce_int.h"

#include "build/build.h"

#include <stdlib.h>
#include <string.h>

const char *const mc__mce_flag_names[MC__MCE_NFLAGS] = {
#define MC__MCE_NAME(name, s) s,
    MC__MCE_FLAGS(MC__MCE_NAME)
#undef MC__MCE_NAME
};

/* ---- reading ---- */

static int section(const mc_bundle *b, const char *tag, size_t rec, mc__mce_tab *t, mc_diag *diag)
{
    const void *p;
    size_t n;
    t->p = NULL;
    t->n = 0;
    if (mc_bundle_section(b, tag, &p, &n))
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "bundle has no Medicare Code Editor masters (section %s): rebuild it "
                           "with the mce rows of data/releases.tsv",
                           tag);
    if (n < 4)
        return mc_diag_set(diag, MC_ECORRUPT, "section %s too short", tag);
    uint32_t cnt = mc__rd32(p);
    if ((uint64_t)cnt * rec > n - 4)
        return mc_diag_set(diag, MC_ECORRUPT, "section %s: %u records do not fit", tag, cnt);
    t->p = (const unsigned char *)p + 4;
    t->n = cnt;
    return MC_OK;
}

int mc__mce_open(const mc_bundle *b, mc__mce_data *m, mc_diag *diag)
{
    memset(m, 0, sizeof *m);
    int rc;
    if ((rc = section(b, "DRGMDX", MC__MCE_REC, &m->dx, diag)) ||
        (rc = section(b, "DRGMSG", MC__MCE_REC, &m->sg, diag)) ||
        (rc = section(b, "DRGMAGE", MC__MCE_AGE_REC, &m->age, diag)) ||
        (rc = section(b, "DRGMDS", MC__MCE_DS_REC, &m->ds, diag))) {
        memset(m, 0, sizeof *m);
        return rc;
    }
    for (uint32_t i = 0; i < m->age.n; i++)
        if (m->age.p[(size_t)i * MC__MCE_AGE_REC] >= MC__AGE_NGROUPS) {
            memset(m, 0, sizeof *m);
            return mc_diag_set(diag, MC_ECORRUPT, "section DRGMAGE: bad age group");
        }
    return MC_OK;
}

bool mc__mce_flags(const mc__mce_tab *t, const char key[8], uint32_t date, uint32_t *flags)
{
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->p + (size_t)mid * MC__MCE_REC, key, 8) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < t->n; i++) {
        const unsigned char *r = t->p + (size_t)i * MC__MCE_REC;
        if (memcmp(r, key, 8))
            break;
        if (date >= mc__rd32(r + 8) && date <= mc__rd32(r + 12)) {
            *flags = mc__rd32(r + 16);
            return true;
        }
    }
    *flags = 0;
    return false;
}

bool mc__mce_age_range(const mc__mce_tab *t, int group, uint32_t date, int *lo, int *hi)
{
    for (uint32_t i = 0; i < t->n; i++) {
        const unsigned char *a = t->p + (size_t)i * MC__MCE_AGE_REC;
        if (a[0] == group && date >= mc__rd32(a + 4) && date <= mc__rd32(a + 8)) {
            *lo = a[1];
            *hi = a[2];
            return true;
        }
    }
    return false;
}

bool mc__mce_status_valid(const mc__mce_tab *t, int status, uint32_t date)
{
    for (uint32_t i = 0; i < t->n; i++) {
        const unsigned char *s = t->p + (size_t)i * MC__MCE_DS_REC;
        if (status >= 0 && mc__rd16(s) == status && date >= mc__rd32(s + 4) &&
            date <= mc__rd32(s + 8))
            return true;
    }
    return false;
}

/* ---- build part ---- */

typedef struct rows {
    mc__buf b;
    size_t rec;
    const char *path;
    long line;
    uint32_t fy_start, fy_end; /* the bundle's fiscal year */
    uint32_t in_year; /* master rows overlapping it */
    bool all_rows; /* keep rows of every date (the bundle that carries the grouper) */
    bool flagged_only; /* drop rows without a flag (diagnosis master outside that bundle) */
    char err[160];
} rows;

/* Split a CSV line in place on commas (the MCE files have no quoting). */
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

static uint32_t num(const char *s) { return (uint32_t)strtoul(s, NULL, 10); }

static void put_u8(mc__buf *b, uint32_t v) { mc__buf_putc(b, (char)(unsigned char)v); }
static void put_u16(mc__buf *b, uint32_t v)
{
    put_u8(b, v & 0xff);
    put_u8(b, (v >> 8) & 0xff);
}

static int master_row(rows *r, char **f, int n)
{
    if (n < 4)
        return MC_OK;
    char code[8] = { 0 };
    size_t k = 0;
    for (const char *s = f[0]; *s && *s != '\r'; s++) {
        if (*s == '.')
            continue;
        char c = mc__upper(*s);
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k >= 7)
            return MC_OK;
        code[k++] = c;
    }
    if (!k)
        return MC_OK;
    uint32_t flags = 0;
    for (char *save = NULL, *tok = strtok_r(f[3], " \r", &save); tok;
         tok = strtok_r(NULL, " \r", &save)) {
        int i = 0;
        while (i < MC__MCE_NFLAGS && strcmp(mc__mce_flag_names[i], tok))
            i++;
        if (i == MC__MCE_NFLAGS) {
            snprintf(r->err, sizeof r->err, "unknown MCE flag '%s'", tok);
            return MC_EFORMAT;
        }
        flags |= 1u << i;
    }
    if (num(f[2]) >= r->fy_start && num(f[1]) <= r->fy_end)
        r->in_year++;
    else if (!r->all_rows)
        return MC_OK;
    if (!flags && r->flagged_only)
        return MC_OK;
    mc__buf_append(&r->b, code, 8);
    mc__buf_u32(&r->b, num(f[1]));
    mc__buf_u32(&r->b, num(f[2]));
    mc__buf_u32(&r->b, flags);
    return MC_OK;
}

static int age_row(rows *r, char **f, int n)
{
    static const char *const groups[MC__AGE_NGROUPS] = { "Adult", "Maternity", "Newborn",
                                                         "Pediatric" };
    if (n < 5)
        return MC_OK;
    int g = 0;
    while (g < MC__AGE_NGROUPS && strcmp(f[0], groups[g]))
        g++;
    if (g == MC__AGE_NGROUPS) {
        snprintf(r->err, sizeof r->err, "unknown age group '%.40s'", f[0]);
        return MC_EFORMAT;
    }
    put_u8(&r->b, (uint32_t)g);
    put_u8(&r->b, num(f[1]) & 0xff);
    put_u8(&r->b, num(f[2]) & 0xff);
    put_u8(&r->b, 0);
    mc__buf_u32(&r->b, num(f[3]));
    mc__buf_u32(&r->b, num(f[4]));
    return MC_OK;
}

static int status_row(rows *r, char **f, int n)
{
    if (n < 3)
        return MC_OK;
    put_u16(&r->b, num(f[0]) & 0xffff);
    put_u16(&r->b, 0);
    mc__buf_u32(&r->b, num(f[1]));
    mc__buf_u32(&r->b, num(f[2]));
    return MC_OK;
}

typedef int (*row_fn)(rows *r, char **f, int n);

static size_t g_rec;
static int cmp_rec(const void *a, const void *b) { return memcmp(a, b, g_rec); }

/* Compile one release file into section tag. */
static int compile(mc__build_ctx *ctx, const char *part, const char *tag, size_t rec, bool sort,
                   row_fn fn, const char *note)
{
    char *path = NULL, *data = NULL;
    size_t n;
    int year = 0;
    int rc = mc__build_source(ctx, "mce", part, &path, &year);
    if (rc)
        return rc;
    rows r = { .rec = rec,
               .path = path,
               .fy_start = (uint32_t)((ctx->year - 1) * 10000 + 1001),
               .fy_end = (uint32_t)(ctx->year * 10000 + 930),
               .all_rows = mc__drg_manifest_has_year(ctx) };
    r.flagged_only = !r.all_rows && !strcmp(tag, "DRGMDX");
    mc__buf_init(&r.b, 0);
    if ((rc = mc__read_file(path, (size_t)64 << 20, &data, &n, ctx->diag)))
        goto out;
    char *save = NULL;
    bool first = true;
    for (char *line = strtok_r(data, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        r.line++;
        if (first) {
            first = false;
            continue;
        }
        char *f[6] = { 0 };
        r.err[0] = 0;
        if ((rc = fn(&r, f, split(line, f, 6))))
            rc = mc_diag_set(ctx->diag, rc, "%s:%ld: %s", path, r.line + 1,
                             r.err[0] ? r.err : mc_strerror(rc));
    }
    if (!rc && r.b.err)
        rc = r.b.err;
    if (!rc && fn == master_row && !r.in_year) {
        /* the masters say nothing about this fiscal year (MCE v40 starts in FY2023):
         * the bundle goes without MCE sections, as without the files */
        mc__build_progress(ctx, "  mce: no master row covers FY%d, MCE sections skipped", ctx->year);
        rc = MC_ENOTFOUND;
        goto out;
    }
    if (!rc) {
        uint32_t cnt = (uint32_t)(r.b.n / rec);
        if (sort && cnt) {
            g_rec = rec;
            qsort(r.b.p, cnt, rec, cmp_rec);
        }
        mc__buf out;
        mc__buf_init(&out, 0);
        mc__buf_u32(&out, cnt);
        if (r.b.n)
            mc__buf_append(&out, r.b.p, r.b.n);
        rc = out.err ? out.err : mc__bw_add(ctx->w, tag, out.p, out.n, (uint32_t)year);
        mc__buf_free(&out);
        if (!rc)
            mc__build_provenance(ctx, tag, year, path, note);
    }
out:
    free(data);
    free(path);
    mc__buf_free(&r.b);
    return rc;
}

MC_BUILD_PART(mce, 1)
{
    static const struct {
        const char *part, *tag;
        size_t rec;
        bool sort;
        row_fn fn;
        const char *note;
    } files[] = {
        { "dxmaster", "DRGMDX", MC__MCE_REC, true, master_row, "MCE v43.1 diagnosis master (all dates)" },
        { "sgmaster", "DRGMSG", MC__MCE_REC, true, master_row,
          "MCE v43.1 ICD-10-PCS master: validity dates and edit flags (all dates)" },
        { "ages", "DRGMAGE", MC__MCE_AGE_REC, false, age_row, "MCE age groups" },
        { "dstatus", "DRGMDS", MC__MCE_DS_REC, false, status_row, "MCE valid discharge statuses" },
    };
    /* all four or none: the readers need the set */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = NULL;
        int year = 0;
        int rc = mc__build_source(ctx, "mce", files[i].part, &path, &year);
        free(path);
        if (rc == MC_ENOTFOUND) {
            mc__build_warn(ctx, "FY%d bundle: MCE %s not available, the MCE sections are skipped: %s",
                           ctx->year, files[i].part, ctx->diag ? ctx->diag->msg : "");
            return MC_OK;
        }
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        int rc = compile(ctx, files[i].part, files[i].tag, files[i].rec, files[i].sort, files[i].fn,
                         files[i].note);
        if (rc == MC_ENOTFOUND && i == 0)
            return MC_OK; /* no row for this fiscal year: nothing emitted */
        if (rc)
            return rc;
    }
    return MC_OK;
}
