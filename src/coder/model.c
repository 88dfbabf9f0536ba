/*
 * Learned model (optional): phrases and per-code calibration learned from
 * coded training notes, loaded from a text file (format in coder.h). Learned
 * phrases are matched like lexicon phrases, so every code they give carries
 * evidence spans; calibration turns how often a code was right in training
 * into its confidence, and the threshold chosen on training notes filters
 * the output. Untrusted file: malformed lines are skipped, codes unknown to
 * this year's code set are dropped.
 */
#include "coder/coder_int.h"
#include "medcode/pcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_cal(const void *a, const void *b)
{
    return strcmp(((const model_cal *)a)->code, ((const model_cal *)b)->code);
}

float mc__cac_model_precision(const mc_coder_model *md, const char *code)
{
    if (!md || !md->n_cal)
        return -1;
    model_cal key;
    mc__strlcpy(key.code, code, sizeof key.code);
    const model_cal *c = bsearch(&key, md->cal, md->n_cal, sizeof key, cmp_cal);
    return c ? c->precision : md->default_precision > 0 ? md->default_precision : -1;
}

static int cmp_rw(const void *a, const void *b)
{
    return strcmp(((const model_rewrite *)a)->from, ((const model_rewrite *)b)->from);
}

const char *mc__cac_model_rewrite(const mc_coder_model *md, const char *code, float *prec)
{
    if (!md || !md->n_rw)
        return NULL;
    model_rewrite key;
    mc__strlcpy(key.from, code, sizeof key.from);
    const model_rewrite *w = bsearch(&key, md->rw, md->n_rw, sizeof key, cmp_rw);
    if (!w)
        return NULL;
    *prec = w->precision;
    return w->to;
}

/*
 * An ICD-10-PCS code of the coder's year, written into out: a 7-character
 * code as is; a 4-character prefix (CodiEsp allows them) as its code with
 * "ZZZ" (no device, no qualifier) or else the first valid code under it.
 */
static bool pcs_code(const mc_coder *c, const char *code, char out[8])
{
    size_t n = strlen(code);
    if (!c->pcs || strchr(code, '.') || (n != 7 && n != 4))
        return false;
    char up[8];
    for (size_t i = 0; i < n; i++)
        up[i] = mc__upper(code[i]);
    up[n] = 0;
    mc_pcs_code pc;
    if (n == 7)
        return mc_pcs_lookup(c->pcs, up, 7, &pc) == MC_OK && pc.valid &&
               memcpy(out, up, 8);
    char full[8];
    snprintf(full, sizeof full, "%sZZZ", up);
    if (mc_pcs_lookup(c->pcs, full, 7, &pc) == MC_OK && pc.valid) {
        memcpy(out, full, 8);
        return true;
    }
    uint32_t cnt = mc_pcs_order_count(c->pcs);
    for (uint32_t i = 0; i < cnt; i++)
        if (mc_pcs_order_get(c->pcs, i, &pc) == MC_OK && pc.valid && !strncmp(pc.code, up, 4)) {
            memcpy(out, pc.code, 8);
            return true;
        }
    return false;
}

/*
 * Is the dotted or undotted code a code (CM) of the coder's year: billable,
 * or (any_level) also a category/subcategory, which the coder completes
 * like an index code (7th character from the encounter, placeholder X,
 * Section I.A.5, I.B.3) — training codes coded without the 7th character.
 */
static bool known_code(const mc__lex *lx, const char *code, bool any_level)
{
    char u[8];
    size_t k = 0;
    for (const char *p = code; *p && k < 7; p++)
        if (*p != '.')
            u[k++] = mc__upper(*p);
    u[k] = 0;
    uint32_t i = mc__lex_code(lx, u);
    return i != LEX_NONE && (any_level || lx->codes[i].billable);
}

int mc_coder_model_load(const mc_coder *c, const char *path, mc_coder_model **out, mc_diag *diag)
{
    *out = NULL;
    char *text;
    size_t n;
    int rc = mc__read_file(path, (size_t)256 << 20, &text, &n, diag);
    if (rc)
        return rc;
    const mc__lex *lx = c->lex;
    size_t lines = 1, words = 1;
    for (size_t i = 0; i < n; i++) {
        lines += text[i] == '\n';
        words += text[i] == ' ' || text[i] == '\t';
    }
    mc_coder_model *md = calloc(1, sizeof *md);
    if (!md) {
        free(text);
        return MC_ENOMEM;
    }
    md->text = text;
    md->base = lx->n_entries;
    md->n_stems = lx->n_stems;
    md->entries = calloc(lines, sizeof *md->entries);
    md->toks = calloc(words, sizeof *md->toks);
    md->cal = calloc(lines, sizeof *md->cal);
    md->rw = calloc(lines, sizeof *md->rw);
    md->anchor_at = calloc((size_t)lx->n_stems + 2, sizeof *md->anchor_at);
    if (!md->entries || !md->toks || !md->cal || !md->rw || !md->anchor_at) {
        mc_coder_model_free(md);
        return MC_ENOMEM;
    }
    uint32_t nt = 0;
    for (char *p = text, *end = text + n; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = 0;
        char *f[5] = { 0 };
        int nf = 0;
        for (char *q = p; nf < 5;) {
            f[nf++] = q;
            char *t = strchr(q, '\t');
            if (!t)
                break;
            *t = 0;
            q = t + 1;
        }
        char pcs[8];
        bool is_pcs = nf >= 2 && pcs_code(c, f[1], pcs);
        if (nf >= 4 && !strcmp(f[0], "W") && (is_pcs || known_code(lx, f[1], false))) {
            model_cal *cl = &md->cal[md->n_cal++];
            mc__strlcpy(cl->code, is_pcs ? pcs : f[1], sizeof cl->code);
            double tp = atof(f[2]), fp = atof(f[3]);
            cl->precision = (float)((tp + 1) / (tp + fp + 2));
        } else if (nf >= 5 && !strcmp(f[0], "R") && strlen(f[1]) < 9 && strlen(f[2]) < 9 &&
                   known_code(lx, f[1], false) && known_code(lx, f[2], false)) {
            /* the same 3-character category only: a coder's specificity choice */
            model_rewrite *w = &md->rw[md->n_rw];
            mc__strlcpy(w->from, f[1], sizeof w->from);
            mc__strlcpy(w->to, f[2], sizeof w->to);
            double k = atof(f[3]), cnt = atof(f[4]);
            w->precision = cnt > 0 ? (float)((k + 1) / (cnt + 2)) : 0;
            if (!strncmp(w->from, w->to, 3) && strcmp(w->from, w->to))
                md->n_rw++;
        } else if (nf >= 2 && !strcmp(f[0], "D")) {
            md->default_precision = (float)atof(f[1]);
        } else if (nf >= 2 && !strcmp(f[0], "T")) {
            md->threshold = (float)atof(f[1]);
        } else if (nf >= 5 && !strcmp(f[0], "L") && (is_pcs || known_code(lx, f[1], true)) &&
                   strlen(f[1]) < 9) {
            lex_entry *e = &md->entries[md->n_entries];
            memset(e, 0, sizeof *e);
            mc__strlcpy(e->code, is_pcs ? pcs : f[1], sizeof e->code);
            e->src = LEX_LEARNED;
            double tp = atof(f[2]), cnt = atof(f[3]);
            e->prior = cnt > 0 ? (float)((tp + 1) / (cnt + 2)) : 0;
            e->tok_at = nt;
            uint32_t k = 0;
            bool ok = true;
            for (char *w = f[4]; *w && k < 8;) {
                char *sp = strchr(w, ' ');
                size_t wl = sp ? (size_t)(sp - w) : strlen(w);
                uint32_t id = mc__lex_stem_id(lx, w, wl);
                if (id == LEX_NONE)
                    ok = false;
                else
                    md->toks[nt + k++] = id;
                w = sp ? sp + 1 : w + wl;
            }
            if (ok && k) {
                e->ntok = (uint8_t)k;
                nt += k;
                e->path = mc__str(f[4], strlen(f[4]));
                md->n_entries++;
            }
        }
        p = nl ? nl + 1 : end;
    }
    qsort(md->cal, md->n_cal, sizeof *md->cal, cmp_cal);
    qsort(md->rw, md->n_rw, sizeof *md->rw, cmp_rw);
    /* anchors: the rarest stem in the lexicon */
    md->anchor_list = calloc((size_t)md->n_entries + 1, sizeof *md->anchor_list);
    uint32_t *fill = calloc((size_t)lx->n_stems + 1, sizeof *fill);
    if (!md->anchor_list || !fill) {
        free(fill);
        mc_coder_model_free(md);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < md->n_entries; i++) {
        lex_entry *e = &md->entries[i];
        e->tk = md->toks + e->tok_at;
        uint32_t best = e->tk[0];
        for (uint32_t j = 1; j < e->ntok; j++)
            if (lx->df[e->tk[j]] < lx->df[best])
                best = e->tk[j];
        e->anchor = best;
        md->anchor_at[best + 1]++;
    }
    for (uint32_t i = 0; i < lx->n_stems; i++)
        md->anchor_at[i + 1] += md->anchor_at[i];
    for (uint32_t i = 0; i < md->n_entries; i++) {
        uint32_t a = md->entries[i].anchor;
        md->anchor_list[md->anchor_at[a] + fill[a]++] = i;
    }
    free(fill);
    *out = md;
    return MC_OK;
}

void mc_coder_model_free(mc_coder_model *m)
{
    if (!m)
        return;
    free(m->entries);
    free(m->toks);
    free(m->anchor_at);
    free(m->anchor_list);
    free(m->cal);
    free(m->rw);
    free(m->text);
    free(m);
}
