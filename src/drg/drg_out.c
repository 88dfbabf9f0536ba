/*
 * What-if regroupings (CC/MCC capture view, alternative principals, added
 * candidate codes) and the JSON form of a grouping result. Field names are
 * documented in docs/drg.md and are stable.
 */
#include "drg/drg_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct cand_count {
    const mc_drg *g;
    int version;
    const char *pdx;
    int n_cc, n_mcc;
} cand_count;

static void count_cb(const char *code, int sev, void *arg)
{
    cand_count *k = arg;
    if (k->pdx && mc_drg_cc_excluded(k->g, k->version, k->pdx, code))
        return;
    if (sev == 2)
        k->n_mcc++;
    else if (sev == 1)
        k->n_cc++;
}

int mc_drg_whatif_run(const mc_drg *g, const mc_drg_claim *c, const mc_drg_result *base,
                      const char *const *candidates, int n_candidates, mc_drg_whatif *out,
                      mc_diag *diag)
{
    memset(out, 0, sizeof *out);
    mc_drg_result *tmp = malloc(sizeof *tmp);
    if (!tmp)
        return MC_ENOMEM;
    int rc = mc_drg_result_init(g, tmp);
    if (rc) {
        free(tmp);
        return rc;
    }
    mc_drg_claim v = *c;
    v.version = base->version;
    for (int s = 1; s <= 2 && !rc; s++) {
        v.force_severity = s;
        if ((rc = mc_drg_group_fast(g, &v, tmp, diag)))
            break;
        if (s == 1)
            out->drg_with_cc = tmp->drg, out->weight_with_cc = tmp->weight;
        else
            out->drg_with_mcc = tmp->drg, out->weight_with_mcc = tmp->weight;
    }
    v.force_severity = 0;
    cand_count k = { g, base->version, c->pdx, 0, 0 };
    if (!rc)
        rc = mc_drg_each_cc(g, base->version, 1, count_cb, &k);
    out->n_cc_candidates = k.n_cc, out->n_mcc_candidates = k.n_mcc;
    /* each secondary as the principal; the old principal becomes a secondary present on admission */
    const char **sdx = malloc(sizeof(char *) * MC_DRG_MAX_DX);
    char *poa = malloc(MC_DRG_MAX_DX);
    if (!sdx || !poa)
        rc = MC_ENOMEM;
    for (int i = 0; !rc && i < c->n_sdx; i++) {
        int n = 0;
        sdx[n] = c->pdx, poa[n++] = 'Y';
        for (int j = 0; j < c->n_sdx; j++)
            if (j != i)
                sdx[n] = c->sdx[j], poa[n++] = c->sdx_poa ? c->sdx_poa[j] : 0;
        v.pdx = c->sdx[i];
        v.sdx = sdx, v.sdx_poa = poa, v.n_sdx = n;
        if ((rc = mc_drg_group_fast(g, &v, tmp, diag)))
            break;
        mc_drg_alt *a = &out->alt[out->n_alt++];
        mc__drg_key(c->sdx[i] ? c->sdx[i] : "", a->code);
        a->drg = tmp->drg, a->weight = tmp->weight, a->rc = tmp->rc;
    }
    /* each candidate added as a secondary (present on admission) */
    for (int i = 0; !rc && i < n_candidates && i < 16 && c->n_sdx < MC_DRG_MAX_DX - 1; i++) {
        int n = 0;
        for (int j = 0; j < c->n_sdx; j++)
            sdx[n] = c->sdx[j], poa[n++] = c->sdx_poa ? c->sdx_poa[j] : 0;
        sdx[n] = candidates[i], poa[n++] = 'Y';
        v = *c;
        v.version = base->version;
        v.sdx = sdx, v.sdx_poa = poa, v.n_sdx = n;
        if ((rc = mc_drg_group_fast(g, &v, tmp, diag)))
            break;
        mc_drg_alt *a = &out->added[out->n_added++];
        mc__drg_key(candidates[i] ? candidates[i] : "", a->code);
        a->drg = tmp->drg, a->weight = tmp->weight, a->rc = tmp->rc;
    }
    /* specificity: for each coded secondary, codes of its category with a higher CC/MCC level
     * that the principal does not exclude, regrouped in its place */
    int vi = mc__drg_version_index(base->version);
    int budget = 2000; /* regroupings for the whole list: bounds the work on huge claims */
    for (int i = 0; !rc && vi >= 0 && i < c->n_sdx && out->n_upgrades < 32 && budget > 0; i++) {
        char key[8];
        if (!c->sdx[i] || !mc__drg_key(c->sdx[i], key) || !key[2])
            continue;
        int cur = 0;
        mc_drg_dx_severity(g, base->version, c->sdx[i], &cur);
        if (cur >= 2)
            continue;
        /* first record with the 3-character prefix */
        uint32_t lo = 0, hi = g->dx.n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (memcmp(mc__drg_rec(&g->dx, mid, R_DX), key, 3) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        mc_drg_upgrade best[3];
        int nb = 0, tried = 0;
        for (uint32_t q = lo; q < g->dx.n && tried < 200; q++) {
            const unsigned char *dr = mc__drg_rec(&g->dx, q, R_DX);
            if (memcmp(dr, key, 3))
                break;
            if (!(dr[10] & (1u << vi)))
                continue;
            int sv = mc__drg_rec(&g->sch, mc__rd16(dr + 8), R_SCH)[1];
            char code[9];
            memcpy(code, dr, 8);
            code[8] = 0;
            if (sv <= cur || !memcmp(code, key, 8) || (c->pdx && mc_drg_cc_excluded(g, base->version, c->pdx, code)))
                continue;
            tried++;
            if (--budget < 0)
                break;
            for (int j = 0; j < c->n_sdx; j++)
                sdx[j] = j == i ? code : c->sdx[j], poa[j] = c->sdx_poa ? c->sdx_poa[j] : 0;
            v = *c;
            v.version = base->version;
            v.sdx = sdx, v.sdx_poa = poa, v.n_sdx = c->n_sdx;
            if ((rc = mc_drg_group_fast(g, &v, tmp, diag)))
                break;
            if (tmp->drg == base->drg || tmp->rc)
                continue;
            bool dup = false;
            for (int b = 0; b < nb; b++)
                dup |= best[b].drg == tmp->drg;
            if (dup)
                continue;
            mc_drg_upgrade u;
            memcpy(u.coded, key, 8);
            memcpy(u.instead, dr, 8);
            u.severity = sv, u.drg = tmp->drg, u.weight = tmp->weight;
            if (nb < 3)
                best[nb++] = u;
            else if (u.weight > best[2].weight)
                best[2] = u;
            for (int b = nb - 1; b > 0 && best[b].weight > best[b - 1].weight; b--) {
                mc_drg_upgrade t = best[b];
                best[b] = best[b - 1], best[b - 1] = t;
            }
        }
        for (int b = 0; b < nb && out->n_upgrades < 32; b++)
            out->upgrades[out->n_upgrades++] = best[b];
    }
    free(sdx);
    free(poa);
    mc_drg_result_fini(tmp);
    free(tmp);
    return rc;
}

/* ---- JSON ---- */
static void code_str(mc__buf *b, const char *key, bool dotted)
{
    char s[10];
    size_t n = strnlen(key, 8), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (dotted && i == 3)
            s[k++] = '.';
        s[k++] = key[i];
    }
    mc__buf_json_str(b, s, k);
}

static void jstr(mc__buf *b, mc_str s)
{
    if (s.p)
        mc__buf_json_str(b, s.p, s.n);
    else
        mc__buf_puts(b, "null");
}

static const char *sev_name(int s) { return s == 2 ? "MCC" : s == 1 ? "CC" : "none"; }

static void drg_brief(mc__buf *b, const mc_drg *g, int version, int drg, double weight)
{
    mc_drg_info info;
    mc_drg_info_get(g, version, drg, &info);
    mc__buf_printf(b, "{\"drg\":%d,\"title\":", drg);
    jstr(b, info.title);
    mc__buf_printf(b, ",\"weight\":%.4f}", weight);
}

int mc_drg_result_json(const mc_drg *g, const mc_drg_claim *c, const mc_drg_result *r,
                       const mc_drg_whatif *w, char **out, size_t *outn)
{
    mc__buf b;
    mc__buf_init(&b, (size_t)16 << 20);
    int vi = mc__drg_version_index(r->version);
    mc__buf_printf(&b, "{\"version\":%d,\"version_name\":\"v%d.%d\",\"fy\":%d,", r->version,
                   r->version / 10, r->version % 10, r->fy);
    mc__buf_printf(&b, "\"drg\":%d,\"title\":", r->drg);
    jstr(&b, r->title);
    mc__buf_printf(&b, ",\"mdc\":%d,\"mdc_title\":", r->mdc);
    jstr(&b, r->mdc_title);
    mc__buf_printf(&b, ",\"type\":\"%s\",\"pre_mdc\":%s,\"rerouted\":%s,",
                   r->rc ? "error" : r->surgical ? "surgical" : "medical",
                   r->pre_mdc ? "true" : "false", r->rerouted ? "true" : "false");
    mc__buf_printf(&b, "\"weight\":%.4f,\"weight_basis\":\"%s\",\"gmlos\":%.1f,\"amlos\":%.1f,",
                   r->weight,
                   r->weight_before_cap ? "Table 5 before the 10% cap" : "Table 5 (10% cap applied)",
                   r->gmlos, r->amlos);
    mc__buf_printf(&b, "\"severity\":\"%s\",\"return_code\":\"%s\",\"error\":", sev_name(r->severity),
                   mc_drg_rc_name(r->rc));
    if (r->rc)
        mc__buf_json_str(&b, mc_drg_rc_text(r->rc), strlen(mc_drg_rc_text(r->rc)));
    else
        mc__buf_puts(&b, "null");
    mc__buf_printf(&b, ",\"initial\":{\"drg\":%d,\"mdc\":%d,\"severity\":\"%s\",\"return_code\":\"%s\"}",
                   r->initial_drg, r->initial_mdc, sev_name(r->initial_severity),
                   mc_drg_rc_name(r->initial_rc));
    mc__buf_printf(&b, ",\"hac_applied\":%s,\"los\":", r->poa_exempt ? "false" : "true");
    if (r->los >= 0)
        mc__buf_printf(&b, "%d", r->los);
    else
        mc__buf_puts(&b, "null");
    mc__buf_puts(&b, ",\"formula\":");
    if (r->formula.p) {
        mc__buf_printf(&b, "{\"mdc_table\":%d,\"rank\":%d,\"text\":", r->formula_mdc, r->formula_rank);
        jstr(&b, r->formula);
        mc__buf_puts(&b, "}");
    } else {
        mc__buf_puts(&b, "null");
    }
    mc__buf_puts(&b, ",\"principal\":{\"code\":");
    code_str(&b, r->pdx.code, true);
    mc__buf_printf(&b, ",\"valid\":%s,\"mdc\":%d,\"category\":",
                   r->pdx.flags & MC_DRGDX_VALID ? "true" : "false", r->pdx_mdc);
    jstr(&b, r->pdx_category);
    mc__buf_printf(&b, ",\"severity\":\"%s\"},\"secondary\":[", sev_name(r->pdx_severity));
    for (int i = 0; i < r->n_dx; i++) {
        const mc_drg_dxout *d = &r->dx[i];
        mc__buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
        code_str(&b, d->code, true);
        mc__buf_printf(&b, ",\"poa\":");
        if (d->poa && d->poa != ' ')
            mc__buf_printf(&b, "\"%c\"", d->poa);
        else
            mc__buf_puts(&b, "null");
        mc__buf_printf(&b,
                       ",\"valid\":%s,\"severity\":\"%s\",\"counted\":%s,\"excluded\":%s,"
                       "\"death_excluded\":%s,\"suppressed\":%s,\"hac\":",
                       d->flags & MC_DRGDX_VALID ? "true" : "false", sev_name(d->severity),
                       d->flags & MC_DRGDX_COUNTED ? "true" : "false",
                       d->flags & MC_DRGDX_EXCLUDED ? "true" : "false",
                       d->flags & MC_DRGDX_DEATH_EXCL ? "true" : "false",
                       d->flags & MC_DRGDX_SUPPRESSED ? "true" : "false");
        if (d->flags & MC_DRGDX_HAC_CAND) {
            mc__buf_printf(&b, "{\"number\":%d,\"title\":", d->hac);
            jstr(&b, vi >= 0 ? mc__drg_title(g, MC__TTL_HAC, d->hac, vi) : mc__str(NULL, 0));
            mc__buf_printf(&b, ",\"criteria_met\":%s}", d->flags & MC_DRGDX_HAC ? "true" : "false");
        } else {
            mc__buf_puts(&b, "null");
        }
        mc__buf_puts(&b, "}");
    }
    mc__buf_puts(&b, "],\"procedures\":[");
    for (int i = 0; i < r->n_pr; i++) {
        const mc_drg_prout *p = &r->pr[i];
        mc__buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
        code_str(&b, p->code, false);
        mc__buf_printf(&b, ",\"valid\":%s,\"or\":%s,\"affects_drg\":%s,\"cluster\":%s}",
                       p->flags & MC_DRGPR_VALID ? "true" : "false",
                       p->flags & MC_DRGPR_EXTENSIVE ? "\"extensive\""
                       : p->flags & MC_DRGPR_OR  ? "\"non-extensive\""
                                                 : "null",
                       p->flags & MC_DRGPR_AFFECTS ? "true" : "false",
                       p->flags & MC_DRGPR_CLUSTER ? "true" : "false");
    }
    mc__buf_printf(&b, "],\"mce\":{\"prepayment\":%s,\"edits\":[", r->mce_prepayment ? "true" : "false");
    for (int i = 0; i < r->n_edits; i++) {
        const mc_mce_edit *e = &r->edits[i];
        const char *where = e->where == 'P' ? "principal" : e->where == 'S' ? "secondary"
                            : e->where == 'R'                 ? "procedure"
                                                              : "claim";
        mc__buf_printf(&b, "%s{\"edit\":\"%s\",\"text\":", i ? "," : "", mc_mce_edit_name(e->kind));
        mc__buf_json_str(&b, mc_mce_edit_text(e->kind), strlen(mc_mce_edit_text(e->kind)));
        mc__buf_printf(&b, ",\"where\":\"%s\",\"index\":%d,\"code\":", where, e->index);
        if (e->code[0])
            code_str(&b, e->code, e->where != 'R');
        else
            mc__buf_puts(&b, "null");
        mc__buf_printf(&b, ",\"prepayment\":%s,\"detail\":", mc_mce_edit_prepayment(e->kind) ? "true" : "false");
        mc__buf_json_str(&b, e->detail, strlen(e->detail));
        mc__buf_puts(&b, "}");
    }
    mc__buf_puts(&b, "]}");
    if (w) {
        mc__buf_puts(&b, ",\"whatif\":{\"with_cc\":");
        drg_brief(&b, g, r->version, w->drg_with_cc, w->weight_with_cc);
        mc__buf_puts(&b, ",\"with_mcc\":");
        drg_brief(&b, g, r->version, w->drg_with_mcc, w->weight_with_mcc);
        mc__buf_printf(&b, ",\"cc_candidates\":%d,\"mcc_candidates\":%d,\"alternative_principals\":[",
                       w->n_cc_candidates, w->n_mcc_candidates);
        for (int i = 0; i < w->n_alt; i++) {
            mc__buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
            code_str(&b, w->alt[i].code, true);
            mc__buf_puts(&b, ",\"result\":");
            drg_brief(&b, g, r->version, w->alt[i].drg, w->alt[i].weight);
            mc__buf_printf(&b, ",\"return_code\":\"%s\"}", mc_drg_rc_name(w->alt[i].rc));
        }
        mc__buf_puts(&b, "],\"specificity\":[");
        for (int i = 0; i < w->n_upgrades; i++) {
            mc__buf_puts(&b, i ? ",{\"coded\":" : "{\"coded\":");
            code_str(&b, w->upgrades[i].coded, true);
            mc__buf_puts(&b, ",\"instead\":");
            code_str(&b, w->upgrades[i].instead, true);
            mc__buf_printf(&b, ",\"severity\":\"%s\",\"result\":", sev_name(w->upgrades[i].severity));
            drg_brief(&b, g, r->version, w->upgrades[i].drg, w->upgrades[i].weight);
            mc__buf_puts(&b, "}");
        }
        mc__buf_puts(&b, "],\"added\":[");
        for (int i = 0; i < w->n_added; i++) {
            mc__buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
            code_str(&b, w->added[i].code, true);
            mc__buf_puts(&b, ",\"result\":");
            drg_brief(&b, g, r->version, w->added[i].drg, w->added[i].weight);
            mc__buf_printf(&b, ",\"changes_drg\":%s}", w->added[i].drg != r->drg ? "true" : "false");
        }
        mc__buf_puts(&b, "]}");
    }
    (void)c;
    mc__buf_puts(&b, "}");
    if (b.err) {
        int e = b.err;
        mc__buf_free(&b);
        return e;
    }
    *out = b.p;
    *outn = b.n;
    return MC_OK;
}
