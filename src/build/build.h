/*
 * Bundle compilation (internal). `medcode build` runs every registered part:
 * a part is a function in some module, declared with MC_BUILD_PART(name,
 * stage), that reads release files and adds sections to the bundle writer.
 * The Makefile collects the declarations into build/gen/parts.inc, so a
 * module adds a part without touching this file.
 *
 * Stage 1 parts compile official release files. Stage 2 parts derive data
 * from what stage 1 wrote (for example search postings): they read it
 * through ctx->view, a validated in-memory bundle of the sections so far.
 */
#ifndef MC_BUILD_H
#define MC_BUILD_H

#include "base/base_int.h"
#include "bundle/bundle_int.h"

typedef struct mc__build_ctx {
    int year; /* fiscal year being built */
    const char *release_dir; /* fetched files: <release_dir>/<system>/<year>/<file> */
    const char *manifest; /* data/releases.tsv */
    mc__bw *w; /* add sections here */
    const mc_bundle *view; /* stage 2 only: sections written by stage 1 */
    mc__buf sources; /* provenance lines, written as the SOURCES section */
    mc_diag *diag; /* detail of a failure */
    int n_warnings; /* warnings printed so far */
    bool quiet; /* suppress progress lines */
} mc__build_ctx;

#define MC_BUILD_PART(name, stage)                 \
    int mc__part_##name(mc__build_ctx *ctx);       \
    int mc__part_##name(mc__build_ctx *ctx)

/*
 * Find the release file for (system, part) of ctx->year, as listed in the
 * manifest and present under release_dir. When the year has none, take the
 * nearest other year's file (older first), print a warning and say so in the
 * provenance. *path gets a malloc'd path (caller frees), *year_used the year.
 * MC_ENOTFOUND when no year has the file.
 */
int mc__build_source(mc__build_ctx *ctx, const char *system, const char *part, char **path,
                     int *year_used);
/* Record provenance: "<section>\t<year>\t<file>\t<note>" in the SOURCES section. */
void mc__build_provenance(mc__build_ctx *ctx, const char *section, int year, const char *file,
                          const char *note);
/* Print a warning line on stderr and count it. */
void mc__build_warn(mc__build_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mc__build_progress(mc__build_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

typedef struct mc__build_opts {
    int year; /* fiscal year to build */
    const char *release_dir; /* default "build/release" */
    const char *manifest; /* default "data/releases.tsv" */
    const char *out_path; /* default <mc_bundle_dir()>/medcode-fy<year>.mcb */
    bool quiet;
} mc__build_opts;

/* Run every part and write the bundle atomically. */
int mc__build_bundle(const mc__build_opts *opts, mc_diag *diag);

/* ---- release manifest (data/releases.tsv) ---- */
typedef struct mc__release {
    char system[16]; /* icd10cm, icd10pcs, hcpcs, mce, hcc, ... */
    int year; /* fiscal (or payment) year */
    char part[32]; /* order, tabular, tables, index, ... */
    char file[128]; /* file name after fetch: <release_dir>/<system>/<year>/<file> */
    char sha256[65]; /* SHA-256 of that file, "" when not pinned */
    char url[512]; /* official download (a zip or the file itself) */
    char mirror[256]; /* path inside the mirror folder (a zip or the file) */
    char member[128]; /* member name inside the zip, "" when not a zip */
} mc__release;

/* Parse the manifest; *out is malloc'd. Errors name the line. */
int mc__manifest_load(const char *path, mc__release **out, size_t *n, mc_diag *diag);

/* SHA-256 of a file as 64 lowercase hex characters. */
int mc__sha256_file(const char *path, char hex[65], mc_diag *diag);

typedef struct mc__fetch_opts {
    int year; /* 0 = every year in the manifest */
    const char *manifest;
    const char *release_dir;
    const char *mirror; /* NULL = $MEDCODE_MIRROR, else ../shared/data when it exists */
    bool allow_download; /* try the official URL when the mirror lacks a file */
    bool accept_unpinned; /* accept a file whose manifest row has no SHA-256 */
    bool quiet;
} mc__fetch_opts;

/* Obtain and verify every manifest file for the year. */
int mc__fetch(const mc__fetch_opts *opts, mc_diag *diag);

#endif
