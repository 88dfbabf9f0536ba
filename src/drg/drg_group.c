/*
 * The MS-DRG grouping procedure over the compiled tables (drg_int.h).
 *
 * A claim becomes a "mask": the set of (prefix, operand) facts true of it
 * (PDX:dxc0505, SDX:hiv, a procedure's attributes, ALIVE, MULTST, ...), each
 * with the MDCs in which it is suppressed (procedures absorbed into a
 * procedure cluster do not count on their own in the cluster's MDCs). The
 * formulas of an MDC are then evaluated in table order; the first that holds
 * decides, with the severity (CC/MCC) recomputed per formula because some
 * formulas ignore secondary diagnoses with given operands. Order of work:
 *
 *   1. principal dx: MDC (sex-dependent list), attributes; error DRG 999 when
 *      it is not a valid code, is an external cause, or the sex is missing
 *      where the MDC depends on it; invalid age is DRG 999 too
 *   2. procedure clusters, then procedure attributes (O.R. = d468/d477)
 *   3. CC exclusions of the principal's group; MCCs valid only when alive
 *   4. Pre-MDC formulas (MDC table 0), with reroutes to MDC 24/25/11
 *   5. else the principal's MDC; a reroute there leads to the unrelated O.R.
 *      table (DRGs 981-989) within that MDC
 *   6. HAC/POA: a secondary dx whose HAC criteria are met and that was not
 *      present on admission does not count for severity; steps 4-5 are
 *      repeated for the final DRG
 *
 * No allocation during grouping: the mask lives in the result's scratch,
 * cleared by bumping a generation counter.
 */
#include "drg/drg_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* classes of operand names the mask builder treats specially */
enum {
    NC_NONE, NC_BILAT, NC_VESSEL, NC_STENT, NC_NORDRUGSTENT, NC_NORSTENT, NC_SGLANTFUSE,
    NC_SGLPOSTFUSE1, NC_SGLANTSECTX, NC_SGLPOSTFUSE, NC_TRAUMA, NC_MCCALIVE, NC_D468, NC_D477,
    NC_ECODE, NC_HACNUM, NC_HAC06SHOW,
};

int mc__drg_classify_names(mc_drg *g);
int mc__drg_classify_names(mc_drg *g)
{
    g->name_class = calloc(g->name.n ? g->name.n : 1, 1);
    g->name_num = calloc(g->name.n ? g->name.n : 1, 1);
    if (!g->name_class || !g->name_num)
        return MC_ENOMEM;
    static const char *const bilat[] = { "righthip", "lefthip", "leftknee", "rightknee",
                                         "leftankle", "rightankle" };
    static const char *const trauma[] = { "sthead", "stchest", "stabdom", "stkidney",
                                          "sturin", "stpel", "stuplimb", "stlolimb" };
    for (uint32_t i = 1; i < g->name.n; i++) {
        mc_str s = mc__drg_name(g, i);
        uint8_t c = NC_NONE, num = 0;
        char buf[40];
        if (s.n >= sizeof buf)
            continue;
        memcpy(buf, s.p, s.n);
        buf[s.n] = 0;
        for (uint8_t k = 0; k < 6; k++)
            if (!strcmp(buf, bilat[k]))
                c = NC_BILAT, num = k;
        for (uint8_t k = 0; k < 8; k++)
            if (!strcmp(buf, trauma[k]))
                c = NC_TRAUMA, num = k;
        if (!strncmp(buf, "vessel", 6) && s.n == 7 && buf[6] >= '1' && buf[6] <= '9')
            c = NC_VESSEL, num = (uint8_t)(buf[6] - '0');
        if (!strncmp(buf, "stent", 5) && s.n == 6 && buf[5] >= '1' && buf[5] <= '4')
            c = NC_STENT, num = (uint8_t)(buf[5] - '0');
        if (!strcmp(buf, "NORdrugstent"))
            c = NC_NORDRUGSTENT;
        if (!strcmp(buf, "NORstent"))
            c = NC_NORSTENT;
        if (!strcmp(buf, "sglantfuse"))
            c = NC_SGLANTFUSE;
        if (!strcmp(buf, "sglpostfuse1"))
            c = NC_SGLPOSTFUSE1;
        if (!strcmp(buf, "sglantsectXfuse"))
            c = NC_SGLANTSECTX;
        if (!strcmp(buf, "sglpostfuse"))
            c = NC_SGLPOSTFUSE;
        if (!strcmp(buf, "mccalive") || !strcmp(buf, "MCCALIVE"))
            c = NC_MCCALIVE;
        if (!strcmp(buf, "d468"))
            c = NC_D468;
        if (!strcmp(buf, "d477"))
            c = NC_D477;
        if (!strcmp(buf, "ecode"))
            c = NC_ECODE;
        if ((!strncmp(buf, "hac", 3) || !strncmp(buf, "HAC", 3)) && buf[3] >= '0' && buf[3] <= '9') {
            c = NC_HACNUM;
            num = (uint8_t)(buf[3] - '0');
            if (buf[4] >= '0' && buf[4] <= '9')
                num = (uint8_t)(num * 10 + (buf[4] - '0'));
            if (!strcmp(buf, "hac06_show"))
                c = NC_HAC06SHOW;
        }
        g->name_class[i] = c;
        g->name_num[i] = num;
    }
    return MC_OK;
}

struct mc__drg_scratch {
    uint32_t gen;
    uint32_t n_names;
    uint32_t *stamp; /* [MC__NKINDS * n_names] */
    uint32_t *supp;
};

int mc_drg_result_init(const mc_drg *g, mc_drg_result *r)
{
    memset(r, 0, sizeof *r);
    mc__drg_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return MC_ENOMEM;
    s->n_names = g->name.n;
    size_t n = (size_t)MC__NKINDS * (g->name.n ? g->name.n : 1);
    s->stamp = calloc(n, 4);
    s->supp = calloc(n, 4);
    if (!s->stamp || !s->supp) {
        free(s->stamp), free(s->supp), free(s);
        return MC_ENOMEM;
    }
    r->scratch = s;
    return MC_OK;
}

void mc_drg_result_fini(mc_drg_result *r)
{
    if (!r || !r->scratch)
        return;
    free(r->scratch->stamp);
    free(r->scratch->supp);
    free(r->scratch);
    r->scratch = NULL;
}

/* ---- per-claim working state ---- */
typedef struct hacent {
    uint8_t num;
    uint8_t status; /* 0 not evaluated, 1 met, 2 not met, 3 n/a (excluded) */
    bool show; /* from the hac06_show list */
} hacent;

typedef struct wdx {
    char key[8];
    bool valid;
    uint8_t sev;
    char poa;
    bool excluded, death, hac_met, on_show;
    const unsigned char *sch;
    int n_hac;
    hacent hac[6];
} wdx;

typedef struct wpr {
    char key[8];
    bool valid;
    uint32_t supp; /* MDCs in which its attributes are suppressed */
    uint32_t list_off, list_n;
    bool cluster_member;
} wpr;

enum { MAX_CLU = 32 };

typedef struct claimw {
    const mc_drg *g;
    mc__drg_scratch *s;
    int vi;
    const mc_drg_claim *c;
    wdx pdx;
    int pdx_mdc;
    bool sex_conflict;
    int n_dx;
    wdx dx[MC_DRG_MAX_DX];
    int n_pr;
    wpr pr[MC_DRG_MAX_PR + MAX_CLU]; /* procedures, then satisfied cluster pseudo-codes */
    int n_clu;
    int force;
} claimw;

static inline void mset(claimw *w, int kind, uint32_t id, uint32_t supp)
{
    if (id == MC_NONE || id >= w->s->n_names)
        return;
    size_t k = (size_t)kind * w->s->n_names + id;
    if (w->s->stamp[k] == w->s->gen) {
        w->s->supp[k] &= supp;
    } else {
        w->s->stamp[k] = w->s->gen;
        w->s->supp[k] = supp;
    }
}
static const unsigned char *sch_of(const claimw *w, const char key[8])
{
    const unsigned char *r = mc__drg_find_ver(&w->g->dx, R_DX, 10, key, w->vi);
    return r ? mc__drg_rec(&w->g->sch, mc__rd16(r + 8), R_SCH) : NULL;
}

static void load_dx(claimw *w, wdx *d, const char *code, char poa)
{
    memset(d, 0, sizeof *d);
    d->poa = poa;
    if (!code || !mc__drg_key(code, d->key))
        return;
    d->sch = sch_of(w, d->key);
    d->valid = d->sch != NULL;
    if (!d->valid)
        return;
    d->sev = d->sch[1];
    uint32_t off = mc__rd32(d->sch + 16);
    for (uint32_t i = 0; i < d->sch[4]; i++) {
        uint16_t id = mc__drg_list(w->g, off + i);
        uint8_t cl = w->g->name_class[id];
        if ((cl == NC_HACNUM || cl == NC_HAC06SHOW) && d->n_hac < 6) {
            d->hac[d->n_hac].num = w->g->name_num[id];
            d->hac[d->n_hac].show = cl == NC_HAC06SHOW;
            d->n_hac++;
        }
        if (cl == NC_HAC06SHOW)
            d->on_show = true;
    }
}

static bool dx_has_class(const claimw *w, const wdx *d, int cls)
{
    if (!d->valid)
        return false;
    uint32_t off = mc__rd32(d->sch + 8);
    for (uint32_t i = 0; i < d->sch[2]; i++)
        if (w->g->name_class[mc__drg_list(w->g, off + i)] == cls)
            return true;
    return false;
}
static bool dx_has_id(const claimw *w, const wdx *d, uint32_t id)
{
    if (!d->valid || id == MC_NONE)
        return false;
    uint32_t off = mc__rd32(d->sch + 8);
    for (uint32_t i = 0; i < d->sch[2]; i++)
        if (mc__drg_list(w->g, off + i) == id)
            return true;
    return false;
}

/* Procedure clusters: a cluster whose every choice is met by some procedure becomes a
 * pseudo-procedure; the procedures that met it are suppressed in its MDCs. */
static void clusters(claimw *w)
{
    const mc_drg *g = w->g;
    uint16_t cand[256];
    int n_cand = 0;
    for (int i = 0; i < w->n_pr; i++) {
        if (!w->pr[i].key[0])
            continue;
        const unsigned char *r = mc__drg_find_ver(&g->cmap, R_CMAP, 14, w->pr[i].key, w->vi);
        if (!r)
            continue;
        uint32_t off = mc__rd32(r + 8), n = mc__rd16(r + 12);
        for (uint32_t k = 0; k < n; k++) {
            uint16_t c = mc__drg_list(g, off + k);
            bool seen = false;
            for (int j = 0; j < n_cand && !seen; j++)
                seen = cand[j] == c;
            if (!seen && n_cand < 256)
                cand[n_cand++] = c;
        }
    }
    int n_real = w->n_pr;
    for (int ci = 0; ci < n_cand && w->n_clu < MAX_CLU; ci++) {
        const unsigned char *cl = mc__drg_rec(&g->clu, cand[ci], R_CLU);
        uint32_t first = mc__rd32(cl + 12), nch = mc__rd32(cl + 16);
        if (nch == 0 || nch > 64)
            continue;
        uint64_t met = 0, chosen = 0;
        uint64_t all = nch == 64 ? UINT64_MAX : ((uint64_t)1 << nch) - 1;
        for (int i = 0; i < n_real && met != all; i++) {
            for (uint32_t ch = 0; ch < nch; ch++) {
                const unsigned char *cr = mc__drg_rec(&g->cch, first + ch, R_CCH);
                uint32_t co = mc__rd32(cr), cn = mc__rd32(cr + 4);
                for (uint32_t k = 0; k < cn; k++)
                    if (!memcmp(mc__drg_rec(&g->ccd, co + k, 8), w->pr[i].key, 8)) {
                        met |= (uint64_t)1 << ch;
                        if (i < 64)
                            chosen |= (uint64_t)1 << i;
                    }
            }
        }
        if (met != all)
            continue;
        uint32_t supp = mc__rd32(cl + 8);
        for (int i = 0; i < n_real && i < 64; i++)
            if (chosen >> i & 1) {
                w->pr[i].supp |= supp;
                w->pr[i].cluster_member = true;
            }
        wpr *p = &w->pr[w->n_pr + w->n_clu];
        memset(p, 0, sizeof *p);
        memcpy(p->key, cl, 8);
        const unsigned char *ar = mc__drg_find_ver(&g->pr, R_PR, 14, p->key, w->vi);
        if (ar) {
            p->valid = true;
            p->list_off = mc__rd32(ar + 8);
            p->list_n = mc__rd16(ar + 12);
        }
        w->n_clu++;
    }
}

static bool poa_invalid(char p) { return !(p == 'Y' || p == 'N' || p == 'U' || p == 'W'); }

static void set_dx_attrs(claimw *w, const wdx *d, int prefix)
{
    for (int l = 0; l < 3; l++) {
        uint32_t off = mc__rd32(d->sch + 8 + 4 * l), n = d->sch[2 + l];
        for (uint32_t i = 0; i < n; i++) {
            uint16_t id = mc__drg_list(w->g, off + i);
            mset(w, MC__OP_BARE, id, 0);
            mset(w, MC__OP_ANY, id, 0);
            mset(w, prefix, id, 0);
        }
    }
}

/* Build the claim's fact mask (step 1-3 facts). */
static void build_mask(claimw *w)
{
    const mc_drg *g = w->g;
    const mc_drg_claim *c = w->c;
    if (++w->s->gen == 0) {
        memset(w->s->stamp, 0, (size_t)MC__NKINDS * w->s->n_names * 4);
        w->s->gen = 1;
    }
    unsigned bilat = 0, trauma = 0;
    int vessels = 0, de = 0, nde = 0, single = 0, ant = 0, post = 0, counter = 0, sant = 0,
        spost1 = 0;
    for (int i = 0; i < w->n_dx; i++) {
        const wdx *d = &w->dx[i];
        if (!d->valid)
            continue;
        set_dx_attrs(w, d, MC__OP_SDX);
        uint32_t off = mc__rd32(d->sch + 8);
        for (uint32_t k = 0; k < d->sch[2]; k++) {
            uint16_t id = mc__drg_list(g, off + k);
            if (g->name_class[id] == NC_TRAUMA)
                trauma |= 1u << g->name_num[id];
        }
    }
    for (int i = 0; i < w->n_pr + w->n_clu; i++) {
        const wpr *p = &w->pr[i];
        if (!p->valid)
            continue;
        bool is_or = false, is_clu = i >= w->n_pr;
        int sw = 0;
        bool has_de = false, has_nde = false;
        for (uint32_t k = 0; k < p->list_n; k++) {
            uint16_t id = mc__drg_list(g, p->list_off + k);
            mset(w, MC__OP_BARE, id, p->supp);
            mset(w, MC__OP_ANY, id, p->supp);
            switch (g->name_class[id]) {
            case NC_BILAT: bilat |= 1u << g->name_num[id]; break;
            case NC_VESSEL: vessels += g->name_num[id]; break;
            case NC_D468:
            case NC_D477: is_or = true; break;
            default: break;
            }
            if (is_clu)
                continue;
            switch (g->name_class[id]) {
            case NC_STENT: sw = g->name_num[id]; break;
            case NC_NORDRUGSTENT: has_de = true; break;
            case NC_NORSTENT: has_nde = true; break;
            case NC_SGLANTFUSE: single++, sant++, counter++; break;
            case NC_SGLPOSTFUSE1: single++, spost1++; break;
            case NC_SGLANTSECTX: ant++; break;
            case NC_SGLPOSTFUSE: post++, counter++; break;
            default: break;
            }
        }
        if (is_or) {
            mset(w, MC__OP_BARE, g->id_orproc, p->supp);
            mset(w, MC__OP_ANY, g->id_orproc, p->supp);
        }
        if (has_de)
            de += sw;
        if (has_nde)
            nde += sw;
    }
#define FACT(id)                                                                            \
    do {                                                                                    \
        mset(w, MC__OP_BARE, (id), 0);                                                      \
        mset(w, MC__OP_ANY, (id), 0);                                                       \
    } while (0)
#define PFACT(id)                                                                           \
    do {                                                                                    \
        FACT(id);                                                                           \
        mset(w, MC__OP_PDX, (id), 0);                                                       \
    } while (0)
    if (w->pdx.valid) {
        set_dx_attrs(w, &w->pdx, MC__OP_PDX);
        uint32_t off = mc__rd32(w->pdx.sch + 8);
        for (uint32_t k = 0; k < w->pdx.sch[2]; k++) {
            uint16_t id = mc__drg_list(g, off + k);
            if (g->name_class[id] == NC_TRAUMA)
                trauma |= 1u << g->name_num[id];
        }
        if (g->id_incident != MC_NONE && dx_has_id(w, &w->pdx, g->id_incident)) {
            bool only = true;
            for (int i = 0; i < w->n_dx && only; i++)
                if (w->dx[i].valid && !dx_has_id(w, &w->dx[i], g->id_incident))
                    only = false;
            if (only) {
                FACT(g->id_incident);
                mset(w, MC__OP_ONLY, g->id_incident, 0);
            }
        }
        if (w->pdx_mdc == 20)
            FACT(g->id_mdc20ft);
    } else {
        PFACT(g->id_invalid_pdx);
    }
    if (w->pdx.key[0] >= 'V' && w->pdx.key[0] <= 'Y')
        PFACT(g->id_pdx_ecode);
    if (w->sex_conflict)
        FACT(g->id_invalid_sex);
    int ds = c->discharge_status;
    if (ds != 20)
        FACT(g->id_alive);
    if (ds == 20)
        FACT(g->id_died);
    if (ds == 7)
        FACT(g->id_ama);
    if (ds == 2 || ds == 5 || ds == 66 || ds == 82 || ds == 85 || ds == 94)
        FACT(g->id_xfrnba);
    if (!mc__mce_status_valid(&g->mce.ds, ds,
                              mc__drg_table_date(mc__drg_versions[w->vi], c->discharge_date)))
        FACT(g->id_invalid_dstat);
    FACT(g->id_anydx);
    if (__builtin_popcount(trauma) >= 2)
        FACT(g->id_multst);
    if (__builtin_popcount(bilat) > 1)
        FACT(g->id_bilateral);
    if (nde >= 4)
        FACT(g->id_four_nde);
    if (de >= 4)
        FACT(g->id_four_de);
    if (vessels >= 4)
        FACT(g->id_four_vessels);
    if (de + nde >= 4)
        FACT(g->id_four_stents);
    if (single > 1)
        FACT(g->id_multfuse);
    if (ant > 1)
        FACT(g->id_sglantsectx);
    if (post > 1)
        FACT(g->id_sglpostfuse);
    if (counter >= 3)
        FACT(g->id_singlefusion);
    if (sant >= 2)
        FACT(g->id_sglant);
    if (spost1 >= 2)
        FACT(g->id_sglpost1);
#undef FACT
#undef PFACT
}

static bool eval(const claimw *w, uint32_t off, uint32_t n, int mdc, int sev)
{
    const mc_drg *g = w->g;
    bool st[MC__DRG_STACK];
    int sp = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t word = mc__drg_prog(g, off + i);
        int k = word >> 13;
        uint32_t id = word & 0x1fffu;
        if (k <= MC__OP_ONLY) {
            bool v;
            if (id == g->id_mcc)
                v = sev == 2;
            else if (id == g->id_cc)
                v = sev == 1;
            else {
                size_t ix = (size_t)k * w->s->n_names + id;
                v = w->s->stamp[ix] == w->s->gen &&
                    !(mdc >= 0 && mdc < 32 && (w->s->supp[ix] >> mdc & 1u));
            }
            st[sp++] = v;
        } else if (k == MC__OP_NOT) {
            st[sp - 1] = !st[sp - 1];
        } else {
            bool b = st[--sp];
            st[sp - 1] = k == MC__OP_AND ? (st[sp - 1] && b) : (st[sp - 1] || b);
        }
    }
    return sp == 1 && st[0];
}

/* Severity for a formula row: highest CC/MCC among secondaries that count. */
static int severity(const claimw *w, const unsigned char *row, bool final)
{
    uint32_t soff = mc__rd32(row + 12), sn = mc__rd16(row + 10);
    int sev = 0;
    for (int i = 0; i < w->n_dx; i++) {
        const wdx *d = &w->dx[i];
        if (!d->valid || d->sev <= sev || d->excluded || d->death || (final && d->hac_met))
            continue;
        bool supp = false;
        for (uint32_t k = 0; k < sn && !supp; k++)
            supp = dx_has_id(w, d, mc__drg_list(w->g, soff + k));
        if (!supp)
            sev = d->sev;
    }
    return sev > w->force ? sev : w->force;
}

typedef struct match {
    const unsigned char *row; /* NULL when nothing matched */
    int sev;
    int rc; /* error token of a DRG-0 row */
} match;

static int error_token(const claimw *w, const unsigned char *row)
{
    const mc_drg *g = w->g;
    uint32_t off = mc__rd32(row + 16), n = mc__rd16(row + 20);
    for (uint32_t i = 0; i < n; i++) {
        uint16_t word = mc__drg_prog(g, off + i);
        if ((word >> 13) > MC__OP_ONLY)
            continue;
        uint32_t id = word & 0x1fffu;
        if (id == g->id_invalid_pdx)
            return MC_DRG_RC_INVALID_PDX;
        if (id == g->id_pdx_ecode)
            return MC_DRG_RC_DX_CANNOT_BE_PDX;
        if (id == g->id_invalid_sex)
            return MC_DRG_RC_INVALID_SEX;
        if (id == g->id_invalid_dstat)
            return MC_DRG_RC_INVALID_DSTAT;
    }
    return MC_DRG_RC_OK;
}

static match run_mdc(const claimw *w, int mdc, bool final)
{
    const mc_drg *g = w->g;
    match m = { NULL, 0, MC_DRG_RC_OK };
    uint32_t e0 = mdc >= 0 && mdc < 100 ? g->fre_ix[mdc][w->vi] : MC_NONE;
    for (uint32_t e = e0; e < g->fre.n; e++) {
        const unsigned char *fe = mc__drg_rec(&g->fre, e, R_FRE);
        uint32_t first = mc__rd32(fe + 4), n = mc__rd32(fe + 8);
        int base_sev = -1;
        for (uint32_t i = 0; i < n; i++) {
            const unsigned char *row = mc__drg_rec(&g->frm, first + i, R_FRM);
            int sev;
            if (mc__rd16(row + 10)) {
                sev = severity(w, row, final);
            } else {
                if (base_sev < 0)
                    base_sev = severity(w, row, final);
                sev = base_sev;
            }
            if (!eval(w, mc__rd32(row + 16), mc__rd16(row + 20), mdc, sev))
                continue;
            if (mc__rd16(row) == 0 && row[6] == 0) {
                int rc = error_token(w, row);
                if (rc) {
                    m.rc = rc;
                    return m;
                }
                continue;
            }
            m.row = row;
            m.sev = sev;
            return m;
        }
        break;
    }
    return m;
}

typedef struct outcome {
    int drg, mdc, base, sev, rc;
    bool pre_mdc, rerouted, surgical;
    const unsigned char *row;
    int formula_mdc;
} outcome;

static outcome pass(const claimw *w, bool final)
{
    outcome o;
    memset(&o, 0, sizeof o);
    match pre = run_mdc(w, 0, final), m = pre;
    int mdc = 0, table = 0;
    if (pre.rc) {
        o.rc = pre.rc;
        goto err;
    }
    if (pre.row) {
        int rr = pre.row[6];
        if (rr) {
            match r = run_mdc(w, rr, final);
            if (r.rc) {
                o.rc = r.rc;
                goto err;
            }
            mdc = rr;
            o.rerouted = true;
            if (r.row) {
                m = r, table = rr;
                if (r.row[6]) {
                    match r2 = run_mdc(w, r.row[6], final);
                    if (r2.rc) {
                        o.rc = r2.rc;
                        goto err;
                    }
                    if (r2.row)
                        m = r2, table = r.row[6];
                }
            }
        } else {
            o.pre_mdc = true;
            mdc = w->pdx_mdc;
        }
    } else if (w->pdx.valid && w->pdx_mdc > 0) {
        mdc = w->pdx_mdc;
        m = run_mdc(w, mdc, final);
        table = mdc;
        if (m.rc) {
            o.rc = m.rc;
            goto err;
        }
        if (m.row && m.row[6]) {
            int rr = m.row[6];
            match r = run_mdc(w, rr, final);
            if (r.rc) {
                o.rc = r.rc;
                goto err;
            }
            o.rerouted = true;
            if (r.row)
                m = r, table = rr;
        }
    }
    if (!m.row || mc__rd16(m.row) == 0) {
        o.rc = MC_DRG_RC_UNGROUPABLE;
        goto err;
    }
    o.drg = mc__rd16(m.row);
    o.base = mc__rd16(m.row + 2);
    o.mdc = mdc;
    o.sev = m.sev;
    o.surgical = m.row[5] == 2;
    o.row = m.row;
    o.formula_mdc = table;
    return o;
err:
    o.drg = 999;
    o.base = 999;
    o.mdc = 0;
    o.row = NULL;
    return o;
}

static bool hac_formula(const claimw *w, int num)
{
    const mc_drg *g = w->g;
    for (uint32_t i = 0; i < g->hac.n; i++) {
        const unsigned char *r = mc__drg_rec(&g->hac, i, R_HAC);
        if (r[0] == num && (r[1] & (1u << w->vi)) &&
            eval(w, mc__rd32(r + 4), mc__rd16(r + 2), 0, 0))
            return true;
    }
    return false;
}

/* HAC/POA: returns true when the claim is ungroupable for an invalid POA on a HAC. */
static bool hacs(claimw *w)
{
    bool invalid_on_claim = false, hac6_offlist = false, ungroupable = false;
    for (int i = 0; i < w->n_dx; i++) {
        wdx *d = &w->dx[i];
        for (int k = 0; k < d->n_hac; k++) {
            hacent *h = &d->hac[k];
            if (d->poa == 'Y' || d->poa == 'W') {
                h->status = 2;
                continue;
            }
            if (d->excluded) {
                h->status = 3;
                continue;
            }
            h->status = hac_formula(w, h->num) ? 1 : 2;
            if (poa_invalid(d->poa))
                invalid_on_claim = true;
            if (h->status == 1 && h->num == 6 && !d->on_show)
                hac6_offlist = true;
        }
    }
    if (!hac6_offlist)
        for (int i = 0; i < w->n_dx; i++)
            for (int k = 0; k < w->dx[i].n_hac; k++)
                if (w->dx[i].hac[k].show)
                    w->dx[i].hac[k].status = 2;
    for (int i = 0; i < w->n_dx; i++) {
        wdx *d = &w->dx[i];
        for (int k = 0; k < d->n_hac; k++) {
            if (d->hac[k].status != 1)
                continue;
            d->hac_met = true;
            if (d->hac[k].num == 6 && !hac6_offlist)
                continue;
            if (poa_invalid(d->poa) || invalid_on_claim)
                ungroupable = true;
        }
    }
    return ungroupable;
}

static int days(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (m < 3)
        y--, m += 12;
    return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
}

static bool date_ok(int ymd)
{
    int m = ymd / 100 % 100, d = ymd % 100;
    return ymd >= 19000101 && ymd <= 29991231 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void fill_codes(const claimw *w, mc_drg_result *r, const outcome *o)
{
    const mc_drg *g = w->g;
    memcpy(r->pdx.code, w->pdx.key, 8);
    r->pdx.severity = w->pdx.sev;
    r->pdx.flags = w->pdx.valid ? MC_DRGDX_VALID : 0;
    /* operands the matched formula used */
    uint32_t poff = o->row ? mc__rd32(o->row + 16) : 0, pn = o->row ? mc__rd16(o->row + 20) : 0;
    bool uses_sev = false;
    for (uint32_t k = 0; k < pn; k++) {
        uint32_t id = mc__drg_prog(g, poff + k) & 0x1fffu;
        if ((mc__drg_prog(g, poff + k) >> 13) <= MC__OP_ONLY && (id == g->id_mcc || id == g->id_cc))
            uses_sev = true;
    }
    uint32_t soff = o->row ? mc__rd32(o->row + 12) : 0, sn = o->row ? mc__rd16(o->row + 10) : 0;
    for (int i = 0; i < w->n_dx; i++) {
        const wdx *d = &w->dx[i];
        mc_drg_dxout *x = &r->dx[i];
        memcpy(x->code, d->key, 8);
        x->severity = d->sev;
        x->poa = d->poa;
        x->flags = 0;
        x->hac = 0;
        if (d->valid)
            x->flags |= MC_DRGDX_VALID;
        if (d->excluded && d->sev)
            x->flags |= MC_DRGDX_EXCLUDED;
        if (d->death)
            x->flags |= MC_DRGDX_DEATH_EXCL;
        if (d->n_hac) {
            x->flags |= MC_DRGDX_HAC_CAND;
            x->hac = d->hac[0].num;
        }
        if (d->hac_met && !r->poa_exempt) {
            x->flags |= MC_DRGDX_HAC;
            for (int k = 0; k < d->n_hac; k++)
                if (d->hac[k].status == 1)
                    x->hac = d->hac[k].num;
        }
        bool supp = false;
        for (uint32_t k = 0; k < sn && !supp; k++)
            supp = dx_has_id(w, d, mc__drg_list(g, soff + k));
        if (supp && d->sev)
            x->flags |= MC_DRGDX_SUPPRESSED;
        if (uses_sev && d->valid && d->sev && d->sev == o->sev && !d->excluded && !d->death &&
            !supp && !(d->hac_met && !r->poa_exempt))
            x->flags |= MC_DRGDX_COUNTED;
    }
    for (int i = 0; i < w->n_pr; i++) {
        const wpr *p = &w->pr[i];
        mc_drg_prout *x = &r->pr[i];
        memcpy(x->code, p->key, 8);
        x->flags = 0;
        if (p->valid)
            x->flags |= MC_DRGPR_VALID;
        if (p->cluster_member)
            x->flags |= MC_DRGPR_CLUSTER;
        bool affects = false;
        for (uint32_t k = 0; k < p->list_n; k++) {
            uint16_t id = mc__drg_list(g, p->list_off + k);
            if (g->name_class[id] == NC_D468)
                x->flags |= MC_DRGPR_OR | MC_DRGPR_EXTENSIVE;
            if (g->name_class[id] == NC_D477)
                x->flags |= MC_DRGPR_OR;
            for (uint32_t j = 0; j < pn && !affects; j++) {
                uint16_t word = mc__drg_prog(g, poff + j);
                if ((word >> 13) <= MC__OP_ANY && (word & 0x1fffu) == id &&
                    !(o->formula_mdc < 32 && (p->supp >> o->formula_mdc & 1u)))
                    affects = true;
            }
        }
        /* a cluster member affects the DRG when the cluster's own attributes do */
        if (!affects && p->cluster_member)
            for (int c = w->n_pr; c < w->n_pr + w->n_clu && !affects; c++)
                for (uint32_t k = 0; k < w->pr[c].list_n && !affects; k++) {
                    uint16_t id = mc__drg_list(g, w->pr[c].list_off + k);
                    for (uint32_t j = 0; j < pn && !affects; j++) {
                        uint16_t word = mc__drg_prog(g, poff + j);
                        if ((word >> 13) <= MC__OP_ANY && (word & 0x1fffu) == id)
                            affects = true;
                    }
                }
        if (affects)
            x->flags |= MC_DRGPR_AFFECTS;
    }
}

static int group(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r, mc_diag *diag,
                 bool details)
{
    if (!g || !c || !r || !r->scratch)
        return mc_diag_set(diag, MC_EINVAL, "grouper, claim and result are required");
    if (c->n_sdx < 0 || c->n_sdx > MC_DRG_MAX_DX - 1 || c->n_proc < 0 || c->n_proc > MC_DRG_MAX_PR)
        return mc_diag_set(diag, MC_EINVAL, "too many codes: at most %d secondary diagnoses and %d procedures",
                           MC_DRG_MAX_DX - 1, MC_DRG_MAX_PR);
    if ((c->n_sdx && !c->sdx) || (c->n_proc && !c->proc))
        return mc_diag_set(diag, MC_EINVAL, "code lists missing");
    int version = c->version;
    if (!version) {
        if (!c->discharge_date)
            return mc_diag_set(diag, MC_EINVAL, "discharge_date is missing (needed to pick the grouper version)");
        if (!date_ok(c->discharge_date))
            return mc_diag_set(diag, MC_EINVAL, "discharge_date %d is not a valid date", c->discharge_date);
        if (mc_drg_version_for_date(c->discharge_date, &version))
            return mc_diag_set(diag, MC_ERANGE,
                               "discharge_date %d is outside every grouper version (v40.0 starts "
                               "2022-10-01, v43.1 ends 2026-09-30)",
                               c->discharge_date);
    }
    int vi = mc__drg_version_index(version);
    if (vi < 0)
        return mc_diag_set(diag, MC_EINVAL, "unknown grouper version %d (400 401 410 411 420 421 430 431)", version);
    mc__drg_scratch *s = r->scratch;
    if (s->n_names != g->name.n)
        return mc_diag_set(diag, MC_EINVAL, "result was initialised for another grouper");
    claimw *w = malloc(sizeof *w);
    if (!w)
        return MC_ENOMEM;
    w->g = g, w->s = s, w->vi = vi, w->c = c, w->n_clu = 0;
    w->force = c->force_severity < 0 ? 0 : c->force_severity > 2 ? 2 : c->force_severity;
    mc__drg_scratch *keep = r->scratch;
    memset(r, 0, offsetof(mc_drg_result, pdx));
    r->scratch = keep;
    r->version = version;
    r->fy = mc_drg_version_fy(version);
    r->poa_exempt = c->poa_exempt;
    r->los = -1;
    if (c->admit_date && c->discharge_date && date_ok(c->admit_date) && date_ok(c->discharge_date))
        r->los = days(c->discharge_date) - days(c->admit_date);
    /* 1. principal */
    load_dx(w, &w->pdx, c->pdx, 'Y');
    w->pdx_mdc = w->pdx.valid ? w->pdx.sch[0] : 0;
    w->sex_conflict = false;
    if (w->pdx.valid) {
        const unsigned char *gr = mc__drg_find_ver(&g->gen, R_GEN, 8, w->pdx.key, vi);
        if (gr) {
            if (c->sex == MC_SEX_MALE)
                w->pdx_mdc = gr[9];
            else if (c->sex == MC_SEX_FEMALE)
                w->pdx_mdc = gr[10];
            else
                w->sex_conflict = true;
        }
    }
    w->n_dx = c->n_sdx;
    for (int i = 0; i < c->n_sdx; i++)
        load_dx(w, &w->dx[i], c->sdx[i], c->sdx_poa ? c->sdx_poa[i] : 0);
    /* 2. procedures and clusters */
    w->n_pr = c->n_proc;
    for (int i = 0; i < c->n_proc; i++) {
        wpr *p = &w->pr[i];
        memset(p, 0, sizeof *p);
        if (!c->proc[i] || !mc__drg_key(c->proc[i], p->key))
            continue;
        const unsigned char *ar = mc__drg_find_ver(&g->pr, R_PR, 14, p->key, vi);
        if (ar && p->key[0] != 'Z') {
            p->valid = true;
            p->list_off = mc__rd32(ar + 8);
            p->list_n = mc__rd16(ar + 12);
        }
    }
    clusters(w);
    /* 3. exclusions */
    if (w->pdx.valid) {
        const unsigned char *xr = mc__drg_find_ver(&g->xid, R_XID, 10, w->pdx.key, vi);
        uint32_t grp = xr ? mc__rd16(xr + 8) : UINT32_MAX;
        if (grp < g->n_groups) {
            uint32_t a = mc__rd32(g->xgo + 4 * grp), b = mc__rd32(g->xgo + 4 * (grp + 1));
            mc__drg_tab t = { g->xgc.p + (size_t)a * 8, b - a };
            for (int i = 0; i < w->n_dx; i++)
                if (w->dx[i].valid && mc__drg_find_code(&t, 8, w->dx[i].key) != MC_NONE)
                    w->dx[i].excluded = true;
        }
    }
    for (int i = 0; i < w->n_dx; i++)
        if (c->discharge_status == 20 && dx_has_class(w, &w->dx[i], NC_MCCALIVE))
            w->dx[i].death = true;
    build_mask(w);
    r->pdx_mdc = w->pdx_mdc;
    r->pdx_severity = w->pdx.sev;
    if (w->pdx.valid && w->pdx.sch[3])
        r->pdx_category = mc__drg_name(g, mc__drg_list(g, mc__rd32(w->pdx.sch + 12)));
    /* 4-5. initial grouping */
    outcome o;
    if (c->age < 0 || c->age > 124) {
        memset(&o, 0, sizeof o);
        o.drg = o.base = 999;
        o.rc = MC_DRG_RC_INVALID_AGE;
    } else if (dx_has_class(w, &w->pdx, NC_ECODE)) {
        memset(&o, 0, sizeof o);
        o.drg = o.base = 999;
        o.rc = MC_DRG_RC_DX_CANNOT_BE_PDX;
    } else {
        o = pass(w, false);
    }
    r->initial_drg = o.drg, r->initial_mdc = o.mdc, r->initial_rc = o.rc;
    r->initial_severity = o.sev;
    /* 6. HAC/POA, final grouping */
    outcome f = o;
    if (!o.rc && !c->poa_exempt) {
        bool any_cand = false;
        for (int i = 0; i < w->n_dx && !any_cand; i++)
            any_cand = w->dx[i].n_hac > 0;
        if (any_cand) {
            bool ungroupable = hacs(w);
            bool any_met = false;
            for (int i = 0; i < w->n_dx; i++)
                any_met |= w->dx[i].hac_met;
            if (ungroupable) {
                memset(&f, 0, sizeof f);
                f.drg = f.base = 999;
                f.rc = MC_DRG_RC_HAC_POA_INVALID;
            } else if (any_met) {
                f = pass(w, true);
            }
        }
    }
    r->drg = f.drg, r->mdc = f.mdc, r->base_drg = f.base, r->rc = f.rc, r->severity = f.sev;
    r->surgical = f.surgical, r->pre_mdc = f.pre_mdc, r->rerouted = f.rerouted;
    r->formula_mdc = f.formula_mdc;
    r->formula_rank = f.row ? mc__rd16(f.row + 8) : -1;
    r->formula = f.row ? mc__drg_string(g, mc__rd32(f.row + 24), mc__rd32(f.row + 28))
                       : mc__str(NULL, 0);
    r->title = mc__drg_title(g, MC__TTL_DRG, r->drg, vi);
    r->mdc_title = r->mdc ? mc__drg_title(g, MC__TTL_MDC, r->mdc, vi) : mc__str(NULL, 0);
    const unsigned char *wr = mc__drg_weight(g, r->fy, r->drg);
    if (wr) {
        r->weight = mc__rd32(wr + 4) / 10000.0;
        r->gmlos = mc__rd16(wr + 12) / 10.0;
        r->amlos = mc__rd16(wr + 14) / 10.0;
        r->weight_before_cap = r->fy != 2026;
    }
    r->n_dx = w->n_dx;
    r->n_pr = w->n_pr;
    if (details) {
        fill_codes(w, r, &f);
        mc__drg_mce(g, c, r);
    }
    free(w);
    return MC_OK;
}

int mc_drg_group(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r, mc_diag *diag)
{
    return group(g, c, r, diag, true);
}

int mc_drg_group_fast(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r, mc_diag *diag)
{
    return group(g, c, r, diag, false);
}

const char *mc_drg_rc_name(int rc)
{
    static const char *const n[] = {
#define MC__RCN(name, text) #name,
        MC_DRG_RC_MAP(MC__RCN)
#undef MC__RCN
    };
    return rc >= 0 && rc < (int)(sizeof n / sizeof *n) ? n[rc] : "UNKNOWN";
}

const char *mc_drg_rc_text(int rc)
{
    static const char *const t[] = {
#define MC__RCT(name, text) text,
        MC_DRG_RC_MAP(MC__RCT)
#undef MC__RCT
    };
    return rc >= 0 && rc < (int)(sizeof t / sizeof *t) ? t[rc] : "unknown";
}
