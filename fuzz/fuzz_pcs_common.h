/*
 * Shared by the PCS fuzz targets: compile a parsed model into an in-memory
 * bundle and exercise every PCS query on it.
 */
#ifndef MC_FUZZ_PCS_COMMON_H
#define MC_FUZZ_PCS_COMMON_H

#include "build/build.h"
#include "medcode/pcs.h"
#include "pcs/pcs_int.h"

#include <string.h>

/* Every query on an opened mc_pcs, over a few codes derived from its own tables. */
static void fuzz_pcs_queries(const mc_pcs *p)
{
    mc_pcs_iter it;
    char code[8];
    mc_pcs_check c;
    mc_pcs_axis ax[7];
    mc_pcs_value v[34];
    mc_pcs_code t;
    mc_str axis;
    uint32_t n;
    int na;
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_AUTHORITY);
    for (int i = 0; i < 64 && mc_pcs_iter_next(p, &it, code); i++) {
        mc_pcs_validate(p, code, 7, &c);
        mc_pcs_explain(p, code, 7, ax, &na);
        mc_pcs_lookup(p, code, 7, &t);
        for (size_t k = 0; k < 7; k++)
            mc_pcs_next_values(p, code, k, v, &n, &axis, NULL);
        code[3] = 'Z';
        mc_pcs_validate(p, code, 7, &c);
    }
    static const char *probe[] = { "0DTJ4ZZ", "ZZZZZZZ", "0", "B2010ZZ", "0DT" };
    for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
        size_t len = strlen(probe[i]);
        mc_pcs_validate(p, probe[i], len, &c);
        mc_pcs_explain(p, probe[i], len, ax, &na);
        mc_pcs_lookup(p, probe[i], len, &t);
        mc_pcs_next_values(p, probe[i], len, v, &n, &axis, &c);
    }
    for (uint32_t i = 0; i < mc_pcs_order_count(p) && i < 64; i++)
        mc_pcs_order_get(p, i, &t);
    mc_pcs_iter_init(p, &it, MC_PCS_FROM_ORDER);
    for (int i = 0; i < 64 && mc_pcs_iter_next(p, &it, code); i++)
        ;
}

/* Compile m into *img (a bundle image); MC_OK or an error. */
static int fuzz_pcs_compile(const mc__pcs_model *m, mc__buf *img)
{
    mc__build_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.year = 2026;
    ctx.quiet = true;
    mc__buf_init(img, 0);
    int rc = mc__bw_new(2026, &ctx.w);
    if (rc)
        return rc;
    rc = mc__pcs_compile_model(&ctx, m, 2026);
    if (!rc)
        rc = mc__bw_image(ctx.w, img);
    mc__bw_free(ctx.w);
    return rc;
}

#endif
