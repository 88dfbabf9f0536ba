/*
 * `medcode build`: run every registered part (see build.h) for one fiscal
 * year and write the bundle atomically. Stage 2 parts see the stage 1
 * sections through an in-memory bundle view.
 */
#include "build/build.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define X(name, stage) MC_BUILD_PART(name, stage);
#include "parts.inc"
#undef X

typedef struct part {
    const char *name;
    int stage;
    int (*fn)(mc__build_ctx *);
} part;

static const part parts[] = {
#define X(name, stage) { #name, stage, mc__part_##name },
#include "parts.inc"
#undef X
    { NULL, 0, NULL }
};

void mc__build_warn(mc__build_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "warning: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    ctx->n_warnings++;
}

void mc__build_progress(mc__build_ctx *ctx, const char *fmt, ...)
{
    if (ctx->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void mc__build_provenance(mc__build_ctx *ctx, const char *section, int year, const char *file,
                          const char *note)
{
    const char *base = strrchr(file, '/');
    mc__buf_printf(&ctx->sources, "%s\t%d\t%s\t%s\n", section, year, base ? base + 1 : file,
                   note ? note : "");
}

int mc__build_source(mc__build_ctx *ctx, const char *system, const char *part_name, char **path,
                     int *year_used)
{
    mc__release *rows;
    size_t n;
    *path = NULL;
    int rc = mc__manifest_load(ctx->manifest, &rows, &n, ctx->diag);
    if (rc)
        return rc;
    const mc__release *best = NULL;
    int best_dist = 1 << 30;
    for (size_t i = 0; i < n; i++) {
        const mc__release *r = &rows[i];
        if (strcmp(r->system, system) || strcmp(r->part, part_name))
            continue;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s/%d/%s", ctx->release_dir, r->system, r->year, r->file);
        if (!mc__file_exists(p))
            continue;
        /* same year best; then older years (nearest first); then newer ones */
        int d = r->year <= ctx->year ? (ctx->year - r->year) * 2 : (r->year - ctx->year) * 2 + 1;
        if (d < best_dist) {
            best_dist = d;
            best = r;
        }
    }
    if (!best) {
        free(rows);
        return mc_diag_set(ctx->diag, MC_ENOTFOUND,
                           "no %s %s release file for FY%d under %s: run 'medcode data fetch'",
                           system, part_name, ctx->year, ctx->release_dir);
    }
    size_t cap = strlen(ctx->release_dir) + strlen(best->system) + strlen(best->file) + 32;
    *path = malloc(cap);
    if (!*path) {
        free(rows);
        return MC_ENOMEM;
    }
    snprintf(*path, cap, "%s/%s/%d/%s", ctx->release_dir, best->system, best->year, best->file);
    *year_used = best->year;
    if (best->year != ctx->year)
        mc__build_warn(ctx, "FY%d bundle: %s %s taken from the FY%d release (%s), none for FY%d",
                       ctx->year, system, part_name, best->year, best->file, ctx->year);
    free(rows);
    return MC_OK;
}

static int run_stage(mc__build_ctx *ctx, int stage)
{
    for (const part *p = parts; p->name; p++) {
        if (p->stage != stage)
            continue;
        uint64_t t0 = mc__now_ns();
        int rc = p->fn(ctx);
        if (rc) {
            if (ctx->diag && !ctx->diag->msg[0])
                mc_diag_set(ctx->diag, rc, "part %s failed: %s", p->name, mc_strerror(rc));
            return rc;
        }
        mc__build_progress(ctx, "  %-10s %7.1f ms", p->name, (double)(mc__now_ns() - t0) / 1e6);
    }
    return MC_OK;
}

int mc__build_bundle(const mc__build_opts *o, mc_diag *diag)
{
    mc__build_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.year = o->year;
    ctx.release_dir = o->release_dir ? o->release_dir : "build/release";
    ctx.manifest = o->manifest ? o->manifest : "data/releases.tsv";
    ctx.diag = diag;
    ctx.quiet = o->quiet;
    mc__buf_init(&ctx.sources, 1 << 20);
    char out[1024];
    if (o->out_path)
        mc__strlcpy(out, o->out_path, sizeof out);
    else if (mc_bundle_path(mc_bundle_dir(), o->year, out, sizeof out))
        return mc_diag_set(diag, MC_ELIMIT, "bundle path too long");
    int rc = mc__bw_new(o->year, &ctx.w);
    if (rc)
        return mc_diag_set(diag, rc, "out of memory");
    mc__buf img;
    mc__buf_init(&img, 0);
    mc_bundle *view = NULL;
    mc__build_progress(&ctx, "building FY%d bundle", o->year);
    if ((rc = run_stage(&ctx, 1)))
        goto out;
    if ((rc = mc__bw_image(ctx.w, &img)) ||
        (rc = mc_bundle_open_mem(img.p, img.n, &view, diag))) {
        mc_diag_set(diag, rc, "cannot assemble the stage 1 bundle: %s", mc_strerror(rc));
        goto out;
    }
    ctx.view = view;
    if ((rc = run_stage(&ctx, 2)))
        goto out;
    if ((rc = mc__bw_add(ctx.w, "SOURCES", ctx.sources.p ? ctx.sources.p : "", ctx.sources.n,
                         (uint32_t)o->year))) {
        mc_diag_set(diag, rc, "cannot add SOURCES section");
        goto out;
    }
    char dir[1024];
    mc__strlcpy(dir, out, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        if ((rc = mc__mkdirs(dir, diag)))
            goto out;
    }
    rc = mc__bw_write(ctx.w, out, diag);
    if (!rc)
        mc__build_progress(&ctx, "wrote %s (%d warning%s)", out, ctx.n_warnings,
                           ctx.n_warnings == 1 ? "" : "s");
out:
    mc_bundle_close(view);
    mc__buf_free(&img);
    mc__buf_free(&ctx.sources);
    mc__bw_free(ctx.w);
    return rc;
}
