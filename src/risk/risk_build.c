/*
 * Build part "risk": compiles the CMS-HCC tables (payment year, V28 and V24)
 * and the comorbidity tables (Elixhauser Refined v2025.1, Charlson Quan 2005)
 * into RSK* table sections. Rows are copied as published, filtered to one
 * model; nothing is invented here. Table layouts are listed in docs/risk.md.
 *
 * The HCC tables are versioned by payment year and the comorbidity tables by
 * software version, not by fiscal year: each fiscal-year bundle carries the
 * newest release the manifest lists, and source_year records which.
 */
#include "build/build.h"
#include "risk/risk_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct src_file {
    char *path;
    char *text;
    size_t n;
    int year;
} src_file;

static int load(mc__build_ctx *ctx, const char *system, const char *part, src_file *f)
{
    memset(f, 0, sizeof *f);
    int rc = mc__build_source(ctx, system, part, &f->path, &f->year);
    if (rc)
        return rc;
    return mc__read_file(f->path, (size_t)64 << 20, &f->text, &f->n, ctx->diag);
}

static void unload(src_file *f)
{
    free(f->path);
    free(f->text);
}

/* Copy a CSV field into a NUL-terminated buffer. */
static const char *fz(mc_str s, char *buf, size_t cap)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    memcpy(buf, s.p, n);
    buf[n] = '\0';
    return buf;
}

static bool field_is(const mc__csv_row *r, int col, const char *v)
{
    return col >= 0 && (uint32_t)col < r->n && mc__str_eq(r->f[col], v, strlen(v));
}

static int need_cols(mc__build_ctx *ctx, const src_file *f, const mc__csv_row *hdr,
                     const char *const *names, int *cols, int n)
{
    for (int i = 0; i < n; i++)
        if ((cols[i] = mc__csv_col(hdr, names[i])) < 0)
            return mc_diag_set(ctx->diag, MC_EFORMAT, "%s: no column '%s' in the header", f->path,
                               names[i]);
    return MC_OK;
}

static int add_table(mc__build_ctx *ctx, const char *tag, mc__rsk_tw *t, const src_file *f,
                     const char *note)
{
    mc__buf out;
    mc__buf_init(&out, 0);
    int rc = mc__rsk_tw_finish(t, (uint32_t)f->year, &out);
    if (!rc)
        rc = mc__bw_add(ctx->w, tag, out.p, out.n, (uint32_t)f->year);
    if (!rc) {
        /* say what the year is: a payment year (HCC), a software version (AHRQ) or a fiscal year */
        char full[200];
        if (!strncmp(tag, "RSKV", 4))
            snprintf(full, sizeof full, "CMS-HCC %.3s payment year %d: %s", tag + 3, f->year, note);
        else if (!strncmp(tag, "RSKEX", 5))
            snprintf(full, sizeof full, "Elixhauser Refined v%d.1: %s", f->year, note);
        else
            snprintf(full, sizeof full, "%s", note);
        mc__build_provenance(ctx, tag, f->year, f->path, full);
    }
    else
        mc_diag_set(ctx->diag, rc, "cannot add section %s", tag);
    mc__buf_free(&out);
    mc__rsk_tw_free(t);
    return rc;
}

static uint32_t num(mc_str s)
{
    char b[16];
    return (uint32_t)strtol(fz(s, b, sizeof b), NULL, 10);
}

/* Iterate data rows of a CSV after checking its header. */
#define CSV_BEGIN(f, names, cols)                                                           \
    mc__csv c = { (f)->text, (f)->text + (f)->n, 0 };                                      \
    mc__csv_row *row = malloc(sizeof *row);                                                \
    if (!row)                                                                              \
        return MC_ENOMEM;                                                                  \
    rc = mc__csv_next(&c, row) == 1                                                        \
                 ? need_cols(ctx, f, row, names, cols, (int)(sizeof names / sizeof *names)) \
                 : mc_diag_set(ctx->diag, MC_EFORMAT, "%s: empty file", (f)->path);         \
    int got;                                                                               \
    while (!rc && (got = mc__csv_next(&c, row)) != 0) {                                    \
        if (got < 0) {                                                                     \
            rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: unterminated quote", (f)->path, \
                             c.line);                                                      \
            break;                                                                         \
        }
#define CSV_END()                                                                          \
    }                                                                                      \
    free(row);

/* ---- CMS-HCC ---- */
typedef struct model_def {
    const char *v; /* "V28" */
    const char *c; /* coefficient model_version "C28" */
    const char *dx_model; /* model_name in ra_dx_to_cc and ra_dx_edits */
    const char *tag; /* section tag stem "RSKV28" */
} model_def;

static const model_def MODELS[] = {
    { "V24", "C24", "CMS-HCC Model V24", "RSKV24" },
    { "V28", "C28", "CMS-HCC Model V28", "RSKV28" },
};

static int build_dx(mc__build_ctx *ctx, const src_file *f, const model_def *m)
{
    int rc;
    static const char *const names[] = { "diagnosis_code", "cc", "model_name" };
    int col[3];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 2);
    CSV_BEGIN(f, names, col)
    if (field_is(row, col[2], m->dx_model)) {
        uint32_t cells[2] = { mc__rsk_tw_str(&t, row->f[col[0]].p, row->f[col[0]].n),
                              num(row->f[col[1]]) };
        mc__rsk_tw_row(&t, cells);
    }
    CSV_END()
    char tag[9];
    snprintf(tag, sizeof tag, "%sDX", m->tag);
    if (!rc && t.n_rows == 0)
        rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s: no rows for %s", f->path, m->dx_model);
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, tag, &t, f, "ICD-10-CM to CC mapping");
}

static int build_hier(mc__build_ctx *ctx, const src_file *f, const model_def *m)
{
    int rc;
    static const char *const names[] = { "cc_parent", "cc_child", "model_domain",
                                         "model_version" };
    int col[4];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 2);
    CSV_BEGIN(f, names, col)
    if (field_is(row, col[2], "CMS-HCC") && field_is(row, col[3], m->v)) {
        uint32_t cells[2] = { num(row->f[col[0]]), num(row->f[col[1]]) };
        mc__rsk_tw_row(&t, cells);
    }
    CSV_END()
    char tag[9];
    snprintf(tag, sizeof tag, "%sHI", m->tag);
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, tag, &t, f, "HCC hierarchies (parent drops child)");
}

static int build_coef(mc__build_ctx *ctx, const src_file *f, const model_def *m)
{
    int rc;
    static const char *const names[] = { "coefficient", "value", "model_domain",
                                         "model_version" };
    int col[4];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 2);
    CSV_BEGIN(f, names, col)
    if (field_is(row, col[2], "CMS-HCC") && field_is(row, col[3], m->c)) {
        char b[32];
        int32_t milli;
        if (!mc__milli(fz(row->f[col[1]], b, sizeof b), &milli)) {
            rc = mc_diag_set(ctx->diag, MC_EFORMAT,
                             "%s:%ld: coefficient '%s' is not a decimal with at most 3 places",
                             f->path, c.line, b);
            break;
        }
        uint32_t cells[2] = { mc__rsk_tw_str(&t, row->f[col[0]].p, row->f[col[0]].n),
                              (uint32_t)milli };
        mc__rsk_tw_row(&t, cells);
    }
    CSV_END()
    char tag[9];
    snprintf(tag, sizeof tag, "%sCO", m->tag);
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, tag, &t, f, "relative factors (coefficients)");
}

/* Labels, with the chronic flag of hcc_is_chronic merged in. */
static int build_labels(mc__build_ctx *ctx, const src_file *f, const src_file *chron,
                        const model_def *m)
{
    int rc;
    uint8_t chronic[1000] = { 0 };
    {
        static const char *const names[] = { "hcc", "is_chronic", "model_version",
                                             "model_domain" };
        int col[4];
        CSV_BEGIN(chron, names, col)
        if (field_is(row, col[3], "CMS-HCC") && field_is(row, col[2], m->v) &&
            field_is(row, col[1], "Y") && row->f[col[0]].n > 3) {
            mc_str h = row->f[col[0]];
            uint32_t v = num(mc__str(h.p + 3, h.n - 3));
            if (v < sizeof chronic)
                chronic[v] = 1;
        }
        CSV_END()
        if (rc)
            return rc;
    }
    static const char *const names[] = { "cc", "label", "model_domain", "model_version" };
    int col[4];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 3);
    CSV_BEGIN(f, names, col)
    if (field_is(row, col[2], "CMS-HCC") && field_is(row, col[3], m->v) &&
        row->f[col[0]].n > 3 && !memcmp(row->f[col[0]].p, "HCC", 3)) {
        mc_str h = row->f[col[0]];
        uint32_t v = num(mc__str(h.p + 3, h.n - 3));
        uint32_t cells[3] = { v, mc__rsk_tw_str(&t, row->f[col[1]].p, row->f[col[1]].n),
                              v < sizeof chronic ? chronic[v] : 0 };
        mc__rsk_tw_row(&t, cells);
    }
    CSV_END()
    char tag[9];
    snprintf(tag, sizeof tag, "%sLB", m->tag);
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, tag, &t, f, "HCC labels; chronic flag from hcc_is_chronic");
}

/* Age/sex edits: code, sex (0 any, 1 M, 2 F), age_min, age_max (-1 none), action, cc. */
static int build_edits(mc__build_ctx *ctx, const src_file *f, const model_def *m)
{
    int rc;
    static const char *const names[] = { "icd10",   "edit_type",   "sex",       "age_min",
                                         "age_max", "action",      "cc_override", "model_name" };
    int col[8];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 6);
    CSV_BEGIN(f, names, col)
    if (field_is(row, col[7], m->dx_model)) {
        uint32_t action = field_is(row, col[5], "invalid")    ? 1
                          : field_is(row, col[5], "override") ? 2
                                                              : 0;
        if (!action) {
            rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: unknown edit action", f->path,
                             c.line);
            break;
        }
        uint32_t cells[6] = {
            mc__rsk_tw_str(&t, row->f[col[0]].p, row->f[col[0]].n),
            row->f[col[2]].n ? num(row->f[col[2]]) : 0,
            row->f[col[3]].n ? num(row->f[col[3]]) : UINT32_MAX,
            row->f[col[4]].n ? num(row->f[col[4]]) : UINT32_MAX,
            action,
            row->f[col[6]].n ? num(row->f[col[6]]) : 0,
        };
        mc__rsk_tw_row(&t, cells);
    }
    CSV_END()
    char tag[9];
    snprintf(tag, sizeof tag, "%sED", m->tag);
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, tag, &t, f, "CMS age/sex edits");
}

MC_BUILD_PART(risk_hcc, 1)
{
    src_file f[6];
    static const char *const parts[6] = { "dx_to_cc", "hierarchies", "coefficients",
                                          "labels",   "dx_edits",    "chronic" };
    memset(f, 0, sizeof f);
    int rc = MC_OK;
    for (int i = 0; i < 6 && !rc; i++)
        rc = load(ctx, "hcc", parts[i], &f[i]);
    for (size_t m = 0; m < sizeof MODELS / sizeof *MODELS && !rc; m++) {
        if ((rc = build_dx(ctx, &f[0], &MODELS[m])) || (rc = build_hier(ctx, &f[1], &MODELS[m])) ||
            (rc = build_coef(ctx, &f[2], &MODELS[m])) ||
            (rc = build_labels(ctx, &f[3], &f[5], &MODELS[m])) ||
            (rc = build_edits(ctx, &f[4], &MODELS[m])))
            break;
    }
    for (int i = 0; i < 6; i++)
        unload(&f[i]);
    return rc;
}

/* ---- comorbidity ---- */

/* Measures: name, description, uses_poa, readmission weight, mortality weight. */
static int build_elix(mc__build_ctx *ctx, const src_file *fm, const src_file *fx,
                      const src_file *fe)
{
    char mnames[MC_ELIX_MAX][40];
    bool mpoa[MC_ELIX_MAX];
    uint32_t nm = 0;
    int rc;
    {
        static const char *const names[] = { "measure", "description", "uses_poa",
                                             "readmission_index_weight",
                                             "mortality_index_weight" };
        int col[5];
        mc__rsk_tw t;
        mc__rsk_tw_init(&t, 5);
        CSV_BEGIN(fm, names, col)
        if (nm >= MC_ELIX_MAX) {
            rc = mc_diag_set(ctx->diag, MC_ELIMIT, "%s: too many measures", fm->path);
            break;
        }
        fz(row->f[col[0]], mnames[nm], sizeof mnames[nm]);
        mpoa[nm] = field_is(row, col[2], "Yes");
        char b[16];
        uint32_t cells[5] = { mc__rsk_tw_str(&t, row->f[col[0]].p, row->f[col[0]].n),
                              mc__rsk_tw_str(&t, row->f[col[1]].p, row->f[col[1]].n), mpoa[nm],
                              (uint32_t)(int32_t)strtol(fz(row->f[col[3]], b, sizeof b), NULL, 10),
                              (uint32_t)(int32_t)strtol(fz(row->f[col[4]], b, sizeof b), NULL,
                                                        10) };
        mc__rsk_tw_row(&t, cells);
        nm++;
        CSV_END()
        if (rc || (rc = add_table(ctx, "RSKEXMS", &t, fm,
                                  "Elixhauser measures, readmission and mortality weights"))) {
            mc__rsk_tw_free(&t);
            return rc;
        }
    }
    /* Mapping: flag columns after n_comorbidities; each names a measure, or a measure plus
     * _POA / _SQLA (CBVD: the POA-dependent codes and the sequela codes that are not). */
    {
        mc__csv c = { fx->text, fx->text + fx->n, 0 };
        mc__csv_row *row = malloc(sizeof *row);
        if (!row)
            return MC_ENOMEM;
        mc__rsk_tw flags, map;
        mc__rsk_tw_init(&flags, 3);
        mc__rsk_tw_init(&map, 3);
        int first = -1;
        uint32_t nflags = 0;
        rc = mc__csv_next(&c, row) == 1 ? MC_OK : MC_EFORMAT;
        if (!rc && (first = mc__csv_col(row, "n_comorbidities")) < 0)
            rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s: no n_comorbidities column", fx->path);
        for (uint32_t i = (uint32_t)first + 1; !rc && i < row->n; i++) {
            char fname[48];
            fz(row->f[i], fname, sizeof fname);
            uint32_t mi = nm, poa = 0;
            for (uint32_t k = 0; k < nm; k++) {
                size_t ln = strlen(mnames[k]);
                if (!strcmp(fname, mnames[k]))
                    mi = k, poa = mpoa[k];
                else if (!strncmp(fname, mnames[k], ln) && !strcmp(fname + ln, "_POA"))
                    mi = k, poa = 1;
                else if (!strncmp(fname, mnames[k], ln) && !strcmp(fname + ln, "_SQLA"))
                    mi = k, poa = 0;
            }
            if (mi == nm || nflags >= 64) {
                rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s: column %s names no measure",
                                 fx->path, fname);
                break;
            }
            uint32_t cells[3] = { mc__rsk_tw_str(&flags, fname, strlen(fname)), mi, poa };
            mc__rsk_tw_row(&flags, cells);
            nflags++;
        }
        int got;
        while (!rc && (got = mc__csv_next(&c, row)) != 0) {
            if (got < 0 || row->n < (uint32_t)first + 1 + nflags) {
                rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: malformed row", fx->path, c.line);
                break;
            }
            uint64_t bits = 0;
            for (uint32_t i = 0; i < nflags; i++)
                if (mc__str_eq(row->f[(uint32_t)first + 1 + i], "1", 1))
                    bits |= 1ull << i;
            uint32_t cells[3] = { mc__rsk_tw_str(&map, row->f[0].p, row->f[0].n), (uint32_t)bits,
                                  (uint32_t)(bits >> 32) };
            mc__rsk_tw_row(&map, cells);
        }
        free(row);
        if (rc || (rc = add_table(ctx, "RSKEXFL", &flags, fx, "Elixhauser flag columns")) ||
            (rc = add_table(ctx, "RSKEXMAP", &map, fx, "Elixhauser ICD-10-CM mapping"))) {
            mc__rsk_tw_free(&flags);
            mc__rsk_tw_free(&map);
            return rc;
        }
    }
    /* Exclusions: if measure, then-zero measure, when (0 always, 1 only with POA data). */
    static const char *const names[] = { "if_measure", "then_set_to_zero", "applies_when" };
    int col[3];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 3);
    CSV_BEGIN(fe, names, col)
    uint32_t a = nm, b = nm;
    for (uint32_t k = 0; k < nm; k++) {
        if (field_is(row, col[0], mnames[k]))
            a = k;
        if (field_is(row, col[1], mnames[k]))
            b = k;
    }
    uint32_t when = field_is(row, col[2], "always")                ? 0
                    : field_is(row, col[2], "poa_data_available") ? 1
                                                                   : 2;
    if (a == nm || b == nm || when == 2) {
        rc = mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: unknown measure or condition", fe->path,
                         c.line);
        break;
    }
    uint32_t cells[3] = { a, b, when };
    mc__rsk_tw_row(&t, cells);
    CSV_END()
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, "RSKEXEX", &t, fe, "Elixhauser exclusion (hierarchy) rules");
}

/* Charlson: condition, label, undotted prefix, weight 1987, weight 2011. */
static int build_charlson(mc__build_ctx *ctx, const src_file *f)
{
    int rc;
    static const char *const names[] = { "condition", "condition_label", "icd10_prefix",
                                         "weight_charlson1987", "weight_quan2011" };
    int col[5];
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 5);
    CSV_BEGIN(f, names, col)
    char pre[16];
    size_t k = 0;
    for (uint32_t i = 0; i < row->f[col[2]].n && k < sizeof pre - 1; i++)
        if (row->f[col[2]].p[i] != '.')
            pre[k++] = row->f[col[2]].p[i];
    pre[k] = '\0';
    uint32_t cells[5] = { mc__rsk_tw_str(&t, row->f[col[0]].p, row->f[col[0]].n),
                          mc__rsk_tw_str(&t, row->f[col[1]].p, row->f[col[1]].n),
                          mc__rsk_tw_str(&t, pre, k), num(row->f[col[3]]), num(row->f[col[4]]) };
    mc__rsk_tw_row(&t, cells);
    CSV_END()
    if (rc) {
        mc__rsk_tw_free(&t);
        return rc;
    }
    return add_table(ctx, "RSKCHARL", &t, f, "Charlson conditions (Quan 2005 ICD-10)");
}

/* POA-exempt codes (CDC/NCHS list of the fiscal year): tab-separated order, dotted code, title.
 * The Elixhauser software treats an exempt diagnosis as present on admission. */
static int build_poa_exempt(mc__build_ctx *ctx, const src_file *f)
{
    mc__rsk_tw t;
    mc__rsk_tw_init(&t, 1);
    const char *p = f->text, *end = f->text + f->n;
    long line = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        const char *tab2 = tab ? memchr(tab + 1, '\t', (size_t)(eol - tab - 1)) : NULL;
        if (line > 1 && tab && tab2) {
            char code[8];
            size_t k = 0;
            for (const char *c = tab + 1; c < tab2 && k < 7; c++)
                if (*c != '.' && *c != ' ')
                    code[k++] = *c;
            code[k] = '\0';
            if (!mc__code_key(code)) {
                mc__rsk_tw_free(&t);
                return mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: no code in the second column",
                                   f->path, line);
            }
            uint32_t cell = mc__rsk_tw_str(&t, code, k);
            mc__rsk_tw_row(&t, &cell);
        } else if (line > 1 && eol - p > 1) {
            mc__rsk_tw_free(&t);
            return mc_diag_set(ctx->diag, MC_EFORMAT, "%s:%ld: expected three tab-separated fields",
                               f->path, line);
        }
        p = eol + 1;
    }
    return add_table(ctx, "RSKPOAX", &t, f, "POA-exempt diagnoses (Elixhauser counts them as POA)");
}

MC_BUILD_PART(risk_comorbidity, 1)
{
    src_file f[4];
    static const char *const parts[4] = { "elix_measures", "elix_map", "elix_exclusions",
                                          "charlson" };
    memset(f, 0, sizeof f);
    int rc = MC_OK;
    for (int i = 0; i < 4 && !rc; i++)
        rc = load(ctx, "comorbidity", parts[i], &f[i]);
    if (!rc)
        rc = build_elix(ctx, &f[0], &f[1], &f[2]);
    if (!rc)
        rc = build_charlson(ctx, &f[3]);
    for (int i = 0; i < 4; i++)
        unload(&f[i]);
    src_file px = { 0 };
    if (!rc && !(rc = load(ctx, "mce", "poaexempt", &px)))
        rc = build_poa_exempt(ctx, &px);
    unload(&px);
    return rc;
}
