/*
 * Opening the DRG* sections of a bundle: every record array, pool reference
 * and formula program is bounds-checked here once, so the grouper can index
 * without checks afterwards. Also the small look-ups (codes, titles,
 * weights) and the public informational calls.
 */
#include "drg/drg_int.h"

#include <stdlib.h>
#include <string.h>

static int tab(const mc_bundle *b, const char *tag, size_t rec, mc__drg_tab *t, mc_diag *diag)
{
    const void *p;
    size_t n;
    if (mc_bundle_section(b, tag, &p, &n))
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "bundle has no MS-DRG grouper tables (section %s): rebuild the FY2026 "
                           "bundle with the msdrg rows of data/releases.tsv",
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

static bool in(uint64_t off, uint64_t n, uint64_t cap) { return off <= cap && n <= cap - off; }

/* Check a program: operand ids in range, stack balanced, never underflows. */
static bool prog_ok(const mc_drg *g, uint32_t off, uint32_t n)
{
    if (!in(off, n, g->prog_n) || n == 0)
        return false;
    int depth = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t w = mc__drg_prog(g, off + i);
        int k = w >> 13;
        if (k <= MC__OP_ONLY) {
            if ((w & 0x1fff) >= g->name.n || ++depth > MC__DRG_STACK)
                return false;
        } else if (k == MC__OP_NOT) {
            if (depth < 1)
                return false;
        } else if (depth < 2) {
            return false;
        } else {
            depth--;
        }
    }
    return depth == 1;
}

static bool list_ok(const mc_drg *g, uint32_t off, uint32_t n, uint32_t limit)
{
    if (!in(off, n, g->list_n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (mc__drg_list(g, off + i) >= limit)
            return false;
    return true;
}

static int validate(mc_drg *g, mc_diag *diag)
{
#define BAD(what) return mc_diag_set(diag, MC_ECORRUPT, "MS-DRG tables: bad %s", what)
    for (uint32_t i = 0; i < g->name.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->name, i, R_NAME);
        if (!in(mc__rd32(r), mc__rd32(r + 4), g->str_n))
            BAD("name");
    }
    for (uint32_t i = 0; i < g->sch.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->sch, i, R_SCH);
        if (!list_ok(g, mc__rd32(r + 8), r[2], g->name.n) ||
            !list_ok(g, mc__rd32(r + 12), r[3], g->name.n) ||
            !list_ok(g, mc__rd32(r + 16), r[4], g->name.n))
            BAD("diagnosis scheme");
    }
    for (uint32_t i = 0; i < g->dx.n; i++)
        if (mc__rd16(mc__drg_rec(&g->dx, i, R_DX) + 8) >= g->sch.n)
            BAD("diagnosis");
    for (uint32_t i = 0; i < g->pr.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->pr, i, R_PR);
        if (!list_ok(g, mc__rd32(r + 8), mc__rd16(r + 12), g->name.n))
            BAD("procedure");
    }
    for (uint32_t i = 0; i <= g->n_groups; i++) {
        if (mc__rd32(g->xgo + 4 * i) > g->xgc.n ||
            (i && mc__rd32(g->xgo + 4 * i) < mc__rd32(g->xgo + 4 * (i - 1))))
            BAD("exclusion group");
    }
    for (uint32_t i = 0; i < g->fre.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->fre, i, R_FRE);
        if (!in(mc__rd32(r + 4), mc__rd32(r + 8), g->frm.n))
            BAD("formula entry");
    }
    for (uint32_t i = 0; i < g->frm.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->frm, i, R_FRM);
        if (!list_ok(g, mc__rd32(r + 12), mc__rd16(r + 10), g->name.n) ||
            !prog_ok(g, mc__rd32(r + 16), mc__rd16(r + 20)) ||
            !in(mc__rd32(r + 24), mc__rd32(r + 28), g->str_n) || r[6] > 31)
            BAD("formula");
    }
    for (uint32_t i = 0; i < g->hac.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->hac, i, R_HAC);
        if (!prog_ok(g, mc__rd32(r + 4), mc__rd16(r + 2)) ||
            !in(mc__rd32(r + 8), mc__rd32(r + 12), g->str_n))
            BAD("HAC formula");
    }
    for (uint32_t i = 0; i < g->clu.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->clu, i, R_CLU);
        if (!in(mc__rd32(r + 12), mc__rd32(r + 16), g->cch.n))
            BAD("cluster");
    }
    for (uint32_t i = 0; i < g->cch.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->cch, i, R_CCH);
        if (!in(mc__rd32(r), mc__rd32(r + 4), g->ccd.n) || mc__rd32(r + 4) > 64)
            BAD("cluster choice");
    }
    for (uint32_t i = 0; i < g->cmap.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->cmap, i, R_CMAP);
        if (!list_ok(g, mc__rd32(r + 8), mc__rd16(r + 12), g->clu.n))
            BAD("cluster map");
    }
    for (uint32_t i = 0; i < g->ttl.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->ttl, i, R_TTL);
        if (!in(mc__rd32(r + 4), mc__rd32(r + 8), g->str_n))
            BAD("title");
    }
    return MC_OK;
#undef BAD
}

static uint32_t find_name(const mc_drg *g, const char *s)
{
    size_t n = strlen(s);
    for (uint32_t i = 1; i < g->name.n; i++) {
        mc_str v = mc__drg_name(g, i);
        if (mc__str_eq(v, s, n))
            return i;
    }
    return MC_NONE;
}

int mc__drg_classify_names(mc_drg *g); /* drg_group.c */

int mc_drg_open(const mc_bundle *b, mc_drg **out, mc_diag *diag)
{
    *out = NULL;
    mc_drg *g = calloc(1, sizeof *g);
    if (!g)
        return MC_ENOMEM;
    g->bundle = b;
    int rc;
    const void *p;
    size_t n;
    if ((rc = tab(b, "DRGNAME", R_NAME, &g->name, diag)) || (rc = tab(b, "DRGSCH", R_SCH, &g->sch, diag)) ||
        (rc = tab(b, "DRGDX", R_DX, &g->dx, diag)) || (rc = tab(b, "DRGPR", R_PR, &g->pr, diag)) ||
        (rc = tab(b, "DRGXID", R_XID, &g->xid, diag)) ||
        (rc = tab(b, "DRGXGC", R_CODE, &g->xgc, diag)) ||
        (rc = tab(b, "DRGFRE", R_FRE, &g->fre, diag)) ||
        (rc = tab(b, "DRGFRM", R_FRM, &g->frm, diag)) ||
        (rc = tab(b, "DRGGEN", R_GEN, &g->gen, diag)) ||
        (rc = tab(b, "DRGCLU", R_CLU, &g->clu, diag)) ||
        (rc = tab(b, "DRGCCH", R_CCH, &g->cch, diag)) ||
        (rc = tab(b, "DRGCCD", R_CODE, &g->ccd, diag)) ||
        (rc = tab(b, "DRGCMAP", R_CMAP, &g->cmap, diag)) ||
        (rc = tab(b, "DRGTTL", R_TTL, &g->ttl, diag)) ||
        (rc = tab(b, "DRGHAC", R_HAC, &g->hac, diag)) || (rc = tab(b, "DRGWT", R_WT, &g->wt, diag)) ||
        (rc = mc__mce_open(b, &g->mce, diag)))
        goto fail;
    if ((rc = mc_bundle_section(b, "DRGSTR", &p, &n)))
        goto fail;
    g->str = p, g->str_n = (uint32_t)n;
    if ((rc = mc_bundle_section(b, "DRGLIST", &p, &n)))
        goto fail;
    g->list_p = p, g->list_n = (uint32_t)(n / 2);
    if ((rc = mc_bundle_section(b, "DRGCODE", &p, &n)))
        goto fail;
    g->prog_p = p, g->prog_n = (uint32_t)(n / 2);
    if ((rc = mc_bundle_section(b, "DRGXGO", &p, &n)))
        goto fail;
    if (n < 4 || (uint64_t)mc__rd32(p) * 4 + 8 > n) {
        rc = mc_diag_set(diag, MC_ECORRUPT, "MS-DRG tables: bad DRGXGO");
        goto fail;
    }
    g->n_groups = mc__rd32(p);
    g->xgo = (const unsigned char *)p + 4;
    if ((rc = validate(g, diag)))
        goto fail;
    struct {
        uint32_t *id;
        const char *name;
    } sp[] = {
        { &g->id_mcc, "MCC" },
        { &g->id_cc, "CC" },
        { &g->id_invalid_pdx, "INVALID_PDX" },
        { &g->id_pdx_ecode, "PDX_ECODE" },
        { &g->id_invalid_sex, "INVALID_SEX" },
        { &g->id_invalid_dstat, "INVALID_DSTAT" },
        { &g->id_alive, "ALIVE" },
        { &g->id_died, "DIED" },
        { &g->id_ama, "AMA" },
        { &g->id_xfrnba, "XFRNBA" },
        { &g->id_anydx, "ANYDX" },
        { &g->id_multst, "MULTST" },
        { &g->id_bilateral, "BILATERAL" },
        { &g->id_orproc, "ORPROC" },
        { &g->id_mdc20ft, "MDC_20_FALL_THRU" },
        { &g->id_four_nde, "FOUR_NON_DRUG_ELUTING_STENTS" },
        { &g->id_four_de, "FOUR_DRUG_ELUTING_STENTS" },
        { &g->id_four_vessels, "FOUR_VESSELS" },
        { &g->id_four_stents, "FOUR_STENTS" },
        { &g->id_multfuse, "MULTFUSE" },
        { &g->id_sglantsectx, "SGLANTSECTXCTR" },
        { &g->id_sglpostfuse, "SGLPOSTFUSECTR" },
        { &g->id_singlefusion, "SINGLEFUSIONCTR" },
        { &g->id_sglant, "SGLANTCTR" },
        { &g->id_sglpost1, "SGLPOST1CTR" },
        { &g->id_incident, "incident" },
    };
    for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
        *sp[i].id = find_name(g, sp[i].name);
    if ((rc = mc__drg_classify_names(g)))
        goto fail;
    g->ttl_ix = malloc(3 * 1000 * sizeof *g->ttl_ix);
    g->wt_ix = malloc(4 * 1000 * sizeof *g->wt_ix);
    if (!g->ttl_ix || !g->wt_ix) {
        rc = MC_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < 3000; i++)
        g->ttl_ix[i] = MC_NONE;
    for (size_t i = 0; i < 4000; i++)
        g->wt_ix[i] = MC_NONE;
    for (uint32_t i = g->ttl.n; i-- > 0;) {
        const unsigned char *r = mc__drg_rec(&g->ttl, i, R_TTL);
        if (r[0] < 3 && mc__rd16(r + 2) < 1000)
            g->ttl_ix[r[0] * 1000 + mc__rd16(r + 2)] = i;
    }
    for (uint32_t i = 0; i < g->wt.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->wt, i, R_WT);
        uint32_t fy = mc__rd16(r), drg = mc__rd16(r + 2);
        if (fy >= 2023 && fy <= 2026 && drg < 1000 && g->wt_ix[(fy - 2023) * 1000 + drg] == MC_NONE)
            g->wt_ix[(fy - 2023) * 1000 + drg] = i;
    }
    for (size_t m = 0; m < 100; m++)
        for (int v = 0; v < MC__DRG_NVERS; v++)
            g->fre_ix[m][v] = MC_NONE;
    for (uint32_t e = 0; e < g->fre.n; e++) {
        const unsigned char *fe = mc__drg_rec(&g->fre, e, R_FRE);
        for (int v = 0; v < MC__DRG_NVERS; v++)
            if (fe[0] < 100 && (fe[1] >> v & 1) && g->fre_ix[fe[0]][v] == MC_NONE)
                g->fre_ix[fe[0]][v] = e;
    }
    *out = g;
    return MC_OK;
fail:
    mc_drg_close(g);
    return rc;
}

void mc_drg_close(mc_drg *g)
{
    if (!g)
        return;
    free(g->name_class);
    free(g->name_num);
    free(g->ttl_ix);
    free(g->wt_ix);
    free(g);
}

mc_str mc__drg_string(const mc_drg *g, uint32_t off, uint32_t len)
{
    return mc__str(g->str + off, len);
}
mc_str mc__drg_name(const mc_drg *g, uint32_t id)
{
    const unsigned char *r = mc__drg_rec(&g->name, id, R_NAME);
    return mc__str(g->str + mc__rd32(r), mc__rd32(r + 4));
}
uint16_t mc__drg_list(const mc_drg *g, uint32_t i) { return mc__rd16(g->list_p + 2 * (size_t)i); }
uint16_t mc__drg_prog(const mc_drg *g, uint32_t i) { return mc__rd16(g->prog_p + 2 * (size_t)i); }

bool mc__drg_key(const char *code, char key[8])
{
    memset(key, 0, 8);
    size_t k = 0;
    for (const char *s = code; *s; s++) {
        if (*s == '.' || *s == ' ')
            continue;
        if (k >= 8)
            return false;
        key[k++] = mc__upper(*s);
    }
    return k > 0;
}

uint32_t mc__drg_find_code(const mc__drg_tab *t, size_t rec, const char key[8])
{
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->p + (size_t)mid * rec, key, 8) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t->n && !memcmp(t->p + (size_t)lo * rec, key, 8))
        return lo;
    return MC_NONE;
}

const unsigned char *mc__drg_find_ver(const mc__drg_tab *t, size_t rec, size_t vm_off,
                                      const char key[8], int vi)
{
    uint32_t i = mc__drg_find_code(t, rec, key);
    if (i == MC_NONE)
        return NULL;
    for (; i < t->n; i++) {
        const unsigned char *r = t->p + (size_t)i * rec;
        if (memcmp(r, key, 8))
            break;
        if (r[vm_off] & (1u << vi))
            return r;
    }
    return NULL;
}

mc_str mc__drg_title(const mc_drg *g, int kind, int id, int vi)
{
    if (kind < 0 || kind > 2 || id < 0 || id >= 1000 || vi < 0)
        return mc__str(NULL, 0);
    /* rows of one (kind, id) are adjacent in the table: scan from the first */
    for (uint32_t i = g->ttl_ix[kind * 1000 + id]; i < g->ttl.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->ttl, i, R_TTL);
        if (r[0] != kind || mc__rd16(r + 2) != id)
            break;
        if (r[1] & (1u << vi))
            return mc__str(g->str + mc__rd32(r + 4), mc__rd32(r + 8));
    }
    return mc__str(NULL, 0);
}

const unsigned char *mc__drg_weight(const mc_drg *g, int fy, int drg)
{
    if (fy < 2023 || fy > 2026 || drg < 0 || drg >= 1000)
        return NULL;
    uint32_t i = g->wt_ix[(fy - 2023) * 1000 + drg];
    return i == MC_NONE ? NULL : mc__drg_rec(&g->wt, i, R_WT);
}

int mc__drg_version_index(int version)
{
    for (int i = 0; i < MC__DRG_NVERS; i++)
        if (mc__drg_versions[i] == version)
            return i;
    return -1;
}

uint32_t mc__drg_table_date(int version, int d)
{
    int fy = mc_drg_version_fy(version);
    int start = version % 10 ? fy * 10000 + 401 : (fy - 1) * 10000 + 1001;
    int end = version % 10 ? fy * 10000 + 930 : fy * 10000 + 331;
    return (uint32_t)(d >= start && d <= end ? d : start);
}

int mc_drg_version_fy(int version) { return 2023 + (version / 10 - 40); }

int mc_drg_version_for_date(int d, int *version)
{
    /* v40.0 starts 2022-10-01; each fiscal year has an October (.0) and April (.1) release */
    if (d < 20221001 || d > 20260930)
        return MC_ERANGE;
    int y = d / 10000, md = d % 10000;
    int fy = md >= 1001 ? y + 1 : y;
    int half = (md >= 401 && md < 1001) ? 1 : 0;
    *version = (fy - 2023 + 40) * 10 + half;
    return MC_OK;
}

int mc_drg_version_for_codes(const mc_drg *g, const char *const *dx, int n_dx,
                             const char *const *pr, int n_pr, int *version)
{
    int best = -1, best_n = -1;
    for (int vi = 0; vi < MC__DRG_NVERS; vi++) {
        int n = 0;
        char key[8];
        for (int i = 0; i < n_dx; i++)
            if (dx[i] && mc__drg_key(dx[i], key) && mc__drg_find_ver(&g->dx, R_DX, 10, key, vi))
                n++;
        for (int i = 0; i < n_pr; i++)
            if (pr[i] && mc__drg_key(pr[i], key) && mc__drg_find_ver(&g->pr, R_PR, 14, key, vi))
                n++;
        if (n >= best_n)
            best_n = n, best = vi;
    }
    if (best < 0)
        return MC_ENOTFOUND;
    *version = mc__drg_versions[best];
    return MC_OK;
}

int mc_drg_info_get(const mc_drg *g, int version, int drg, mc_drg_info *out)
{
    memset(out, 0, sizeof *out);
    int vi = mc__drg_version_index(version);
    if (vi < 0)
        return MC_EINVAL;
    out->drg = drg;
    out->title = mc__drg_title(g, MC__TTL_DRG, drg, vi);
    const unsigned char *r = mc__drg_weight(g, mc_drg_version_fy(version), drg);
    if (r) {
        out->weight = mc__rd32(r + 4) / 10000.0;
        out->gmlos = mc__rd16(r + 12) / 10.0;
        out->amlos = mc__rd16(r + 14) / 10.0;
        out->type = (char)r[16];
    }
    return out->title.p ? MC_OK : MC_ENOTFOUND;
}

int mc_drg_dx_severity(const mc_drg *g, int version, const char *code, int *sev)
{
    char key[8];
    int vi = mc__drg_version_index(version);
    if (vi < 0 || !code || !mc__drg_key(code, key))
        return MC_EINVAL;
    const unsigned char *r = mc__drg_find_ver(&g->dx, R_DX, 10, key, vi);
    if (!r)
        return MC_ENOTFOUND;
    *sev = mc__drg_rec(&g->sch, mc__rd16(r + 8), R_SCH)[1];
    return MC_OK;
}

bool mc_drg_cc_excluded(const mc_drg *g, int version, const char *pdx, const char *sdx)
{
    char pk[8], sk[8];
    int vi = mc__drg_version_index(version);
    if (vi < 0 || !pdx || !sdx || !mc__drg_key(pdx, pk) || !mc__drg_key(sdx, sk))
        return false;
    const unsigned char *r = mc__drg_find_ver(&g->xid, R_XID, 10, pk, vi);
    if (!r)
        return false;
    uint32_t grp = mc__rd16(r + 8);
    if (grp >= g->n_groups)
        return false;
    uint32_t a = mc__rd32(g->xgo + 4 * grp), b = mc__rd32(g->xgo + 4 * (grp + 1));
    mc__drg_tab t = { g->xgc.p + (size_t)a * 8, b - a };
    return mc__drg_find_code(&t, 8, sk) != MC_NONE;
}

int mc_drg_each_cc(const mc_drg *g, int version, int min_sev,
                   void (*fn)(const char *code, int sev, void *arg), void *arg)
{
    int vi = mc__drg_version_index(version);
    if (vi < 0)
        return MC_EINVAL;
    for (uint32_t i = 0; i < g->dx.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->dx, i, R_DX);
        if (!(r[10] & (1u << vi)))
            continue;
        int sev = mc__drg_rec(&g->sch, mc__rd16(r + 8), R_SCH)[1];
        if (sev >= min_sev) {
            char code[9];
            memcpy(code, r, 8);
            code[8] = 0;
            fn(code, sev, arg);
        }
    }
    return MC_OK;
}
