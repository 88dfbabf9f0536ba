/*
 * ICD-10-PCS axis by axis, per note (method in pcs_axis.c). For each
 * sentence: the root-operation phrases it contains (none: next sentence,
 * the common case), whether each may be coded (assertion and section, as
 * for every procedure mention), then the code built character by character
 * among the values the tables allow, each axis from the words that document
 * it (evidence) or from the guideline default, else a physician query.
 *
 * Invariant: everything is allocated from the run's arena; results go to
 * run->px like the lexicon's procedure codes, which an axis-built code of
 * the same sentence and table replaces.
 */
#include "coder/coder_int.h"
#include "coder/pcs_axis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct hit {
    uint32_t item; /* rule or body part entry */
    uint32_t first, last; /* tokens */
} hit;

typedef struct hits {
    hit h[256];
    uint32_t n;
} hits;

/* Does token t carry stem id? A word the lexicon knows counts by its own stem
 * only when own_only; an abbreviation counts by every word of its expansion. */
static bool tok_is(const run *r, uint32_t t, uint32_t id, bool own_only)
{
    uint32_t a = r->tok_ids_at[t], b = r->tok_ids_at[t + 1];
    if (r->pax_ids[t] == id)
        return true;
    if (a == b)
        return false;
    if (own_only && r->tok_own[t])
        return r->tok_ids[a] == id;
    for (uint32_t k = a; k < b; k++)
        if (r->tok_ids[k] == id)
            return true;
    return false;
}

/* All words w near anchor token t, within tokens [s0, s1)? */
static bool near_words(const run *r, const uint32_t *w, uint8_t nw, uint32_t t, uint32_t s0,
                       uint32_t s1, bool own_only, uint32_t *first, uint32_t *last)
{
    uint32_t win = 2u * nw + 2;
    uint32_t lo = t >= s0 + win ? t - win : s0, hi = t + win < s1 ? t + win : s1 - 1;
    uint32_t f = t, l = t;
    for (uint8_t k = 0; k < nw; k++) {
        uint32_t best = UINT32_MAX, bd = UINT32_MAX;
        for (uint32_t q = lo; q <= hi; q++)
            if (tok_is(r, q, w[k], own_only)) {
                uint32_t d = q > t ? q - t : t - q;
                if (d < bd) {
                    bd = d;
                    best = q;
                }
            }
        if (best == UINT32_MAX)
            return false;
        if (best < f)
            f = best;
        if (best > l)
            l = best;
    }
    if (l - f > 2u * nw + 2)
        return false;
    *first = f;
    *last = l;
    return true;
}

/*
 * "Hernia repair without mesh": a "without"/"no"/"not" just before or inside
 * the words found negates what they name (a device, an operation with it),
 * unless the row itself names an absence ("without contrast").
 */
static bool negated_span(const run *r, uint32_t f, uint32_t l, uint32_t s0, mc_str row)
{
    if (memmem(row.p, row.n, "without", 7) || memmem(row.p, row.n, "non", 3) ||
        memmem(row.p, row.n, "no ", 3))
        return false;
    for (uint32_t t = f > s0 ? f - 1 : s0; t <= l; t++) {
        const char *w = r->doc->tokens[t].norm;
        if (!strcmp(w, "without") || !strcmp(w, "no") || !strcmp(w, "not"))
            return true;
    }
    return false;
}

/* Phrases of one kind anchored in the sentence's tokens. */
static void collect(const run *r, const mc__pax *x, bool bps, uint8_t kind, uint32_t s0,
                    uint32_t s1, const hits *ops, hits *out)
{
    const uint64_t *an = bps ? x->bp_anchor : x->anchor;
    uint8_t want_kind = bps ? 4 : kind == K_OP ? 1 : 2;
    uint32_t nan = bps ? x->n_bp_anchor : x->n_anchor;
    out->n = 0;
    for (uint32_t t = s0; t < s1; t++) {
        for (uint32_t k = r->tok_ids_at[t]; k <= r->tok_ids_at[t + 1]; k++) {
            /* the token's lexicon ids, then its private id */
            uint32_t id = k < r->tok_ids_at[t + 1] ? r->tok_ids[k] : r->pax_ids[t];
            if (id >= x->n_ids || !(x->anchor_kind[id] & want_kind))
                continue; /* no phrase of this kind is anchored at this word */
            uint64_t key = (uint64_t)id << 32;
            uint32_t lo = 0, hi = nan;
            while (lo < hi) {
                uint32_t mid = (lo + hi) / 2;
                if (an[mid] < key)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (uint32_t i = lo; i < nan && (an[i] >> 32) == id; i++) {
                uint32_t item = (uint32_t)an[i];
                const uint32_t *w;
                uint8_t nw;
                bool own = true; /* a word's own stem; an abbreviation's expansion */
                if (bps) {
                    /* only body parts of the tables the sentence's root operations name */
                    bool want = false;
                    for (uint32_t j = 0; j < ops->n && !want; j++)
                        want = tables_match(&x->rules[ops->h[j].item], x->bps[item].table);
                    if (!want)
                        continue;
                    w = x->bps[item].w;
                    nw = x->bps[item].nw;
                } else {
                    if (x->rules[item].kind != kind)
                        continue;
                    w = x->rules[item].w;
                    nw = x->rules[item].nw;
                }
                uint32_t f, l;
                if (!tok_is(r, t, (uint32_t)(an[i] >> 32), own) ||
                    !near_words(r, w, nw, t, s0, s1, own, &f, &l))
                    continue;
                if (!bps && negated_span(r, f, l, s0, x->rules[item].words))
                    continue;
                bool dup = false;
                for (uint32_t j = 0; j < out->n && !dup; j++)
                    dup = out->h[j].item == item && out->h[j].first == f && out->h[j].last == l;
                if (!dup && out->n < 256)
                    out->h[out->n++] = (hit){ item, f, l };
            }
        }
    }
}

static uint32_t dist(const hit *a, const hit *b)
{
    if (a->last < b->first)
        return b->first - a->last;
    if (b->last < a->first)
        return a->first - b->last;
    return 0;
}

/* Side documented nearest to the body part: 'R', 'L', 'B' or 0. */
static char side_near(const run *r, uint32_t s0, uint32_t s1, const hit *at, hit *where)
{
    char best = 0;
    uint32_t bd = UINT32_MAX;
    for (uint32_t t = s0; t < s1; t++) {
        const char *w = r->doc->tokens[t].norm;
        char s = !strcmp(w, "right") || !strcmp(w, "rt") ? 'R'
                 : !strcmp(w, "left") || !strcmp(w, "lt") ? 'L'
                 : !strcmp(w, "bilateral") || !strcmp(w, "bilaterally") ? 'B'
                                                                         : 0;
        hit h = { 0, t, t };
        if (s && dist(&h, at) < bd) {
            bd = dist(&h, at);
            best = s;
            *where = h;
        }
    }
    return best;
}

/* Ventilation duration (table 5A1, body system 9): 3 < 24 h, 4 24-96 h, 5 > 96 h. */
static char vent_duration(const run *r, uint32_t s0, uint32_t s1, hit *ev)
{
    const mc_nlp_token *tk = r->doc->tokens;
    for (uint32_t t = s0; t < s1; t++) {
        const char *w = tk[t].norm;
        if (!(tk[t].flags & NLP_TOK_DIGIT))
            continue;
        long v = strtol(w, NULL, 10);
        const char *nx = t + 1 < s1 ? tk[t + 1].norm : "";
        const char *pv = t > s0 ? tk[t - 1].norm : "";
        *ev = (hit){ 0, t > s0 ? t - 1 : t, t + 1 < s1 ? t + 1 : t };
        if (v == 24 && !strcmp(nx, "96"))
            return '4';
        if (v == 96 && (!strcmp(pv, "greater") || !strcmp(pv, "than") || !strcmp(pv, "over") ||
                        !strcmp(pv, "exceeding")))
            return '5';
        if (v == 24 && (!strcmp(pv, "less") || !strcmp(pv, "than") || !strcmp(pv, "under")))
            return '3';
        bool hours = !strncmp(nx, "hour", 4) || !strcmp(nx, "hrs") || !strcmp(nx, "hr") ||
                     !strcmp(nx, "h");
        bool days = !strncmp(nx, "day", 3);
        if (!hours && !days)
            continue;
        long h = days ? v * 24 : v;
        return h < 24 ? '3' : h <= 96 ? '4' : '5';
    }
    return 0;
}

/* ---- building one code ---- */

typedef struct build {
    const run *r;
    const mc__pax *x;
    uint32_t s0, s1;
    const hit *op;
    const hits *ax;
    char code[8];
    hit ev[8];
    uint32_t nev;
    char why[4][160]; /* per character 4..7: what decided it */
    const pax_rule *ax_used[4]; /* per character 4..7: the documented words' rule, or NULL */
    char missing[160]; /* the query when an axis is not documented */
} build;

static char first_allowed(const char *want, const mc_pcs_value *v, uint32_t nv, mc_str *label)
{
    for (const char *c = want; *c; c++)
        for (uint32_t i = 0; i < nv; i++)
            if (v[i].value == *c) {
                *label = v[i].label;
                return *c;
            }
    return 0;
}

static void allowed_list(char *out, size_t cap, const mc_pcs_value *v, uint32_t nv)
{
    size_t k = 0;
    out[0] = 0;
    for (uint32_t i = 0; i < nv && k + 4 < cap; i++) {
        int w = snprintf(out + k, cap - k, "%s%.*s", i ? ", " : "", (int)v[i].label.n, v[i].label.p);
        if (w < 0 || (size_t)w >= cap - k) {
            out[k] = 0;
            break;
        }
        k += (size_t)w;
    }
}

static void words_of(const build *bd, const hit *h, char *out, size_t cap)
{
    const mc_nlp_token *tk = bd->r->doc->tokens;
    uint32_t a = tk[h->first].start, b = tk[h->last].end;
    snprintf(out, cap, "%.*s", (int)(b - a), bd->r->text + a);
}

/* Choose character pos (5..7) of bd->code (pos - 1 characters so far). */
static bool choose(build *bd, const pax_rule *opr, int pos)
{
    mc_pcs_value v[34];
    uint32_t nv;
    mc_str axis;
    const mc_pcs *p = bd->r->c->pcs;
    if (mc_pcs_next_values(p, bd->code, (size_t)pos - 1, v, &nv, &axis, NULL) != MC_OK || !nv)
        return false;
    char *why = bd->why[pos - 4];
    mc_str lab = { 0 };
    char c = 0;
    /* the root operation's word defines it ("colonoscopy": via natural opening endoscopic) */
    /* a value the root operation's word defines but the table does not allow here: no code */
    if (opr->val[pos - 4][0] && !first_allowed(opr->val[pos - 4], v, nv, &lab)) {
        snprintf(bd->missing, sizeof bd->missing, "a %.*s the tables allow with it", (int)axis.n,
                 axis.p);
        return false;
    }
    if (opr->val[pos - 4][0] && (c = first_allowed(opr->val[pos - 4], v, nv, &lab))) {
        char wd[96];
        words_of(bd, bd->op, wd, sizeof wd);
        snprintf(why, 160, "%.*s %.*s (%c) from '%s'", (int)axis.n, axis.p, (int)lab.n, lab.p, c, wd);
        bd->code[pos - 1] = c;
        return true;
    }
    /* ventilation hours */
    if (pos == 5 && !memcmp(bd->code, "5A19", 4)) {
        hit h;
        c = vent_duration(bd->r, bd->s0, bd->s1, &h);
        if (c && first_allowed((char[]){ c, 0 }, v, nv, &lab)) {
            char wd[96];
            words_of(bd, &h, wd, sizeof wd);
            snprintf(why, 160, "%.*s %.*s (%c) from '%s'", (int)axis.n, axis.p, (int)lab.n, lab.p,
                     c, wd);
            if (bd->nev < 8)
                bd->ev[bd->nev++] = h;
            bd->code[pos - 1] = c;
            return true;
        }
    }
    /* documented in the sentence: the most specific phrase, then the nearest */
    const hit *best = NULL;
    bool vague = false;
    for (uint32_t i = 0; i < bd->ax->n; i++) {
        const hit *h = &bd->ax->h[i];
        const pax_rule *ru = &bd->x->rules[h->item];
        if (ru->pos != pos || !tables_match(ru, bd->code))
            continue;
        mc_str l2;
        bool ok = ru->val[0][0] == '!' || first_allowed(ru->val[0], v, nv, &l2);
        if (!ok)
            continue;
        const pax_rule *br = best ? &bd->x->rules[best->item] : NULL;
        if (!best || ru->nw > br->nw || (ru->nw == br->nw && dist(h, bd->op) < dist(best, bd->op)))
            best = h;
    }
    if (best) {
        const pax_rule *ru = &bd->x->rules[best->item];
        char wd[96];
        words_of(bd, best, wd, sizeof wd);
        if (ru->val[0][0] == '!')
            vague = true;
        else {
            c = first_allowed(ru->val[0], v, nv, &lab);
            snprintf(why, 160, "%.*s %.*s (%c) from '%s'", (int)axis.n, axis.p, (int)lab.n, lab.p,
                     c, wd);
            bd->ax_used[pos - 4] = ru;
            if (bd->nev < 8)
                bd->ev[bd->nev++] = *best;
            bd->code[pos - 1] = c;
            return true;
        }
    }
    bool approach = mc__str_eq(axis, "Approach", 8) || mc__str_eq(axis, "Duration", 8);
    if (!vague && nv == 1) {
        snprintf(why, 160, "%.*s %.*s (%c), the only value the table allows", (int)axis.n, axis.p,
                 (int)v[0].label.n, v[0].label.p, v[0].value);
        bd->code[pos - 1] = v[0].value;
        return true;
    }
    if (!vague && !approach && (c = first_allowed("Z", v, nv, &lab))) {
        /* B6.1a: no device remains -> No Device; nothing documented -> No Qualifier, None */
        snprintf(why, 160, "%.*s %.*s (Z)%s", (int)axis.n, axis.p, (int)lab.n, lab.p,
                 pos == 6 && bd->code[0] == '0' ? " (Guidelines B6.1a: no device documented)" : "");
        bd->code[pos - 1] = 'Z';
        return true;
    }
    char al[120];
    allowed_list(al, sizeof al, v, nv);
    snprintf(bd->missing, sizeof bd->missing, "which %.*s (%s)%s", (int)axis.n, axis.p, al,
             approach && pos == 5 && bd->code[0] == '0' ? " (Guidelines B5.2)" : "");
    return false;
}

/* ---- results ---- */

static uint32_t sentence_of(const run *r, uint32_t byte)
{
    uint32_t lo = 0, hi = r->doc->n_sentences;
    while (lo + 1 < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r->doc->sentences[mid].start <= byte)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_span(const void *a, const void *b)
{
    const mc_coder_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static void add_result(run *r, build *bd, uint32_t s, float conf, const char *op_label)
{
    /* evidence: the words of each axis, merged */
    mc_coder_span sp[10];
    uint32_t ns = 0;
    for (uint32_t i = 0; i < bd->nev && ns < 10; i++)
        sp[ns++] = (mc_coder_span){ r->doc->tokens[bd->ev[i].first].start,
                                    r->doc->tokens[bd->ev[i].last].end };
    qsort(sp, ns, sizeof sp[0], cmp_span);
    uint32_t k = 0;
    for (uint32_t i = 0; i < ns; i++) {
        if (k && sp[i].start <= sp[k - 1].end) {
            if (sp[i].end > sp[k - 1].end)
                sp[k - 1].end = sp[i].end;
        } else
            sp[k++] = sp[i];
    }
    ns = k;
    char *why = mc__cac_printf(r, "ICD-10-PCS table %.3s: %s; %s; %s; %s; %s", bd->code, op_label,
                               bd->why[0], bd->why[1], bd->why[2], bd->why[3]);
    /* the same code again: more evidence */
    for (uint32_t i = 0; i < r->n_px; i++) {
        mc_coded *c = &r->px[i];
        if (strcmp(c->code, bd->code))
            continue;
        bool title_only = !c->rationale || strncmp(c->rationale, "ICD-10-PCS table ", 17) ||
                          !strchr(c->rationale, ';');
        mc_coder_span *ev = mc__arena_alloc(&r->arena, (c->n_evidence + ns) * sizeof *ev);
        if (!ev) {
            r->err = MC_ELIMIT;
            return;
        }
        /* a title match's evidence is replaced by the words of each axis */
        uint32_t n = 0;
        if (!title_only) {
            memcpy(ev, c->evidence, c->n_evidence * sizeof *ev);
            n = c->n_evidence;
        }
        for (uint32_t j = 0; j < ns; j++) {
            bool dup = false;
            for (uint32_t q = 0; q < n && !dup; q++)
                dup = ev[q].start == sp[j].start && ev[q].end == sp[j].end;
            if (!dup)
                ev[n++] = sp[j];
        }
        qsort(ev, n, sizeof *ev, cmp_span);
        c->evidence = ev;
        c->n_evidence = n;
        if (title_only)
            c->rationale = why; /* the axis reasoning explains more than a title match */
        if (conf > c->confidence)
            c->confidence = conf;
        return;
    }
    mc_coded *c = mc__cac_push(r, (void **)&r->px, &r->n_px, &r->cap_px, sizeof *c);
    mc_coder_span *ev = mc__arena_alloc(&r->arena, (ns ? ns : 1) * sizeof *ev);
    if (!c || !ev) {
        r->err = MC_ELIMIT;
        return;
    }
    memset(c, 0, sizeof *c);
    mc__strlcpy(c->code, bd->code, sizeof c->code);
    mc_pcs_code pc;
    if (mc_pcs_lookup(r->c->pcs, bd->code, 7, &pc) == MC_OK)
        c->title = pc.long_title;
    memcpy(ev, sp, ns * sizeof *ev);
    c->evidence = ev;
    c->n_evidence = ns;
    c->confidence = conf;
    c->rationale = why;
    (void)s;
}

/* ---- the sentence loop ---- */

/* May a procedure stated here be coded? NULL when yes, else the reason. */
static const char *pax_policy(const run *r, uint32_t s, const hit *h, char section)
{
    if (r->opts->all_mentions)
        return NULL;
    uint32_t trig;
    unsigned a = mc__nlp_assert(r->doc, s, h->first, h->last, &trig);
    if (a & MC_ASSERT_NEGATED)
        return "negated";
    if (a & (MC_ASSERT_HYPOTHETICAL | MC_ASSERT_UNCERTAIN))
        return "hypothetical";
    mc_sec_kind k = r->doc->sections[r->doc->sentences[s].section].kind;
    if ((a & (MC_ASSERT_HISTORICAL | MC_ASSERT_FAMILY)) || k == MC_SEC_PLAN ||
        k == MC_SEC_INSTRUCTIONS || k == MC_SEC_PSH || k == MC_SEC_PMH || k == MC_SEC_FAMILY ||
        k == MC_SEC_SOCIAL || k == MC_SEC_MEDS || k == MC_SEC_HPI || k == MC_SEC_INDICATION ||
        k == MC_SEC_CC || k == MC_SEC_PREOP_DX)
        return "procedure not performed in this encounter";
    /* the anesthesia, drains, specimens part of an operative note describes the operation */
    if (k == MC_SEC_OPMETA)
        return "";
    /* imaging and measurement are coded from a procedure statement only */
    if ((section == 'B' || section == '4') && k != MC_SEC_PROCEDURE)
        return "";
    return NULL;
}

static void op_label_of(const mc_pcs *p, const char *code, char *out, size_t cap)
{
    mc_pcs_value v[34];
    uint32_t nv;
    mc_str axn;
    out[0] = 0;
    if (mc_pcs_next_values(p, code, 2, v, &nv, &axn, NULL) == MC_OK)
        for (uint32_t i = 0; i < nv; i++)
            if (v[i].value == code[2])
                snprintf(out, cap, "%.*s", (int)v[i].label.n, v[i].label.p);
}

/* Candidates for characters 1-4: (table, value, side) and the words that gave them. */
typedef struct bpc {
    char table[4], value, side;
    hit at;
    mc_str label;
    uint8_t nw, rank;
} bpc;

/* Is a body part hit usable for this root operation: near it, and not the words of another? */
static bool bp_usable(const build *bd, const hits *ops, const hit *h, char section)
{
    uint32_t maxd = section == 'B' ? 5 : 10;
    if (dist(h, bd->op) > maxd)
        return false;
    for (uint32_t j = 0; j < ops->n; j++) {
        const hit *o = &ops->h[j];
        if ((o->first != bd->op->first || o->last != bd->op->last) && dist(o, h) == 0 &&
            dist(bd->op, h) != 0)
            return false;
    }
    return true;
}

static uint32_t body_candidates(const build *bd, const pax_rule *opr, const hits *ops,
                                const hits *bps, const hit *used, uint32_t n_used,
                                const char *table, bpc *out, uint32_t cap)
{
    uint32_t n = 0;
    if (n_used && (opr->val[0][0] || opr->nb))
        return 0; /* the word names its body part: one */
    if (opr->val[0][0]) {
        for (uint8_t i = 0; i < opr->nt && n < cap; i++)
            if (!strchr(opr->tab[i], '?'))
                out[n++] = (bpc){ { opr->tab[i][0], opr->tab[i][1], opr->tab[i][2], 0 },
                                  opr->val[0][0], 0, *bd->op, { 0 }, 9, 9 };
        return n;
    }
    if (opr->nb) {
        for (uint8_t i = 0; i < opr->nb && n < cap; i++)
            out[n++] = (bpc){ { opr->btab[i][0], opr->btab[i][1], opr->btab[i][2], 0 },
                              opr->bval[i], opr->bside[i], *bd->op, { 0 }, 9, 9 };
        return n;
    }
    /* from the sentence: the most words, then the table's own label, then nearest */
    const hit *best = NULL;
    for (uint32_t i = 0; i < bps->n; i++) {
        const pax_bp *b = &bd->x->bps[bps->h[i].item];
        if (!tables_match(opr, b->table) || !bp_usable(bd, ops, &bps->h[i], b->table[0]) ||
            (table && memcmp(table, b->table, 3)))
            continue;
        bool taken = false;
        for (uint32_t j = 0; j < n_used && !taken; j++)
            taken = dist(&used[j], &bps->h[i]) == 0;
        if (taken)
            continue;
        const pax_bp *bb = best ? &bd->x->bps[best->item] : NULL;
        if (!best || b->nw > bb->nw || (b->nw == bb->nw && b->rank > bb->rank) ||
            (b->nw == bb->nw && b->rank == bb->rank && dist(&bps->h[i], bd->op) < dist(best, bd->op)))
            best = &bps->h[i];
    }
    if (!best)
        return 0;
    const pax_bp *bb = &bd->x->bps[best->item];
    for (uint32_t i = 0; i < bps->n && n < cap; i++) {
        const pax_bp *b = &bd->x->bps[bps->h[i].item];
        if (!tables_match(opr, b->table) || b->nw != bb->nw || b->rank != bb->rank ||
            bps->h[i].first != best->first || bps->h[i].last != best->last)
            continue;
        bool dup = false;
        for (uint32_t j = 0; j < n && !dup; j++)
            dup = !memcmp(out[j].table, b->table, 3) && out[j].value == b->value;
        if (!dup)
            out[n++] = (bpc){ { b->table[0], b->table[1], b->table[2], 0 }, b->value, b->side,
                              bps->h[i], b->label, b->nw, b->rank };
    }
    return n;
}

/* Is hit h listed with one of the used ones ("of the sigmoid and the cecum", "back, arm")? */
static bool listed_with(const run *r, const hit *used, uint32_t n_used, const hit *h)
{
    for (uint32_t j = 0; j < n_used; j++) {
        const hit *u = &used[j];
        uint32_t a = u->last < h->first ? u->last : h->last, b = u->last < h->first ? h->first : u->first;
        if (b <= a || b - a > 6)
            continue;
        for (uint32_t t = a + 1; t <= b; t++)
            if ((r->doc->tokens[t].flags & NLP_TOK_COMMA) || !strcmp(r->doc->tokens[t].norm, "and"))
                return true;
    }
    return false;
}

static bool code_op(run *r, const mc__pax *x, uint32_t s, const hit *op, const hits *ops,
                    const hits *ax, const hits *bps, bool quiet, char coded[][8],
                    uint32_t *n_coded)
{
    bool done = false;
    const pax_rule *opr = &x->rules[op->item];
    const mc_nlp_sentence *se = &r->doc->sentences[s];
    build bd;
    memset(&bd, 0, sizeof bd);
    bd.r = r;
    bd.x = x;
    bd.s0 = se->tok_first;
    bd.s1 = se->tok_first + se->tok_count;
    bd.op = op;
    bd.ax = ax;
    char opw[96];
    words_of(&bd, op, opw, sizeof opw);
    const char *about = mc__cac_printf(r, "%s", opw);
    const char *why = pax_policy(r, s, op, opr->tab[0][0]);
    /* endotracheal intubation in a note of an operation under anesthesia is part of the anesthesia */
    if (!why && !r->opts->all_mentions && !memcmp(opr->tab[0], "0BH", 3) && opr->val[0][0] == '1')
        for (uint32_t t = 0; t < r->doc->n_tokens && !why; t++) {
            const char *w = r->doc->tokens[t].norm;
            if (!strncmp(w, "anesthe", 7) || !strncmp(w, "anaesthe", 8) || !strcmp(w, "induction") ||
                !strcmp(w, "operating"))
                why = "";
        }
    if (why) {
        if (*why)
            mc__cac_not_coded(r, r->doc->tokens[op->first].start, r->doc->tokens[op->last].end, why);
        return true; /* decided: not coded */
    }
    /*
     * B3.2a: the same root operation on different body parts is one code per body part:
     * further body parts listed with the first ("biopsies of the sigmoid and the cecum").
     */
    hit used[4];
    uint32_t n_used = 0;
    char first_table[4] = { 0 };
    while (n_used < 4) {
        bpc cand[16];
        uint32_t nc = body_candidates(&bd, opr, ops, bps, used, n_used, n_used ? first_table : NULL,
                                      cand, 16);
        if (n_used && (!nc || !listed_with(r, used, n_used, &cand[0].at)))
            break;
        if (nc) {
            used[n_used++] = cand[0].at;
            memcpy(first_table, cand[0].table, 3);
        }
        if (getenv("MEDCODE_CODER_DEBUG"))
            for (uint32_t i = 0; i < nc; i++)
                fprintf(stderr, "pcs_axis: '%s' %s%c side %c label %.*s\n", opw, cand[i].table,
                        cand[i].value, cand[i].side ? cand[i].side : '-', (int)cand[i].label.n,
                        cand[i].label.p);
        if (!nc) {
            if (!quiet && (!strchr(opr->tab[0], '?') || opr->tab[0][0] == '0'))
                mc__cac_query(r, about,
                              mc__cac_printf(r, "The note documents \"%s\" but not the body part "
                                                "operated on: which body part? (ICD-10-PCS "
                                                "Guidelines B4.1a)",
                                             opw));
            return false;
        }
        /* side: choose among the candidates by the documented side (B4.3 bilateral) */
        bool sided = false;
        for (uint32_t i = 0; i < nc; i++)
            sided |= cand[i].side != 0;
        char want[2] = { 0, 0 };
        uint32_t pick[2] = { 0, 0 }, npick = 0;
        hit side_at = { 0, UINT32_MAX, UINT32_MAX };
        if (sided) {
            char sd = side_near(r, bd.s0, bd.s1, &cand[0].at, &side_at);
            for (uint32_t i = 0; i < nc && !npick; i++)
                if (cand[i].side == sd)
                    pick[npick++] = i;
            if (!npick && sd == 'B') {
                /* no bilateral value: one code for each side */
                want[0] = 'R';
                want[1] = 'L';
                for (int k = 0; k < 2; k++)
                    for (uint32_t i = 0; i < nc; i++)
                        if (cand[i].side == want[k]) {
                            pick[npick++] = i;
                            break;
                        }
            }
            for (uint32_t i = 0; i < nc && !npick; i++)
                if (!cand[i].side && sd == 0 && nc == 1)
                    pick[npick++] = i;
            /* imaging of paired organs without a side: both (the study covers both) */
            for (uint32_t i = 0; i < nc && !npick; i++)
                if (sd == 0 && cand[i].side == 'B' && cand[i].table[0] == 'B')
                    pick[npick++] = i;
            if (!npick) {
                if (!quiet)
                    mc__cac_query(r, about,
                              mc__cac_printf(r, "The note documents \"%s\" but not which side "
                                                "(right, left or bilateral): which side was "
                                                "operated on?",
                                             opw));
                if (n_used > 1)
                    continue;
                return false;
            }
        } else {
            pick[npick++] = 0;
        }
        char op_label[64];
        for (uint32_t pi = 0; pi < npick; pi++) {
            const bpc *b = &cand[pick[pi]];
            memset(bd.code, 0, sizeof bd.code);
            memcpy(bd.code, b->table, 3);
            bd.code[3] = b->value;
            bd.nev = 0;
            memset(bd.ax_used, 0, sizeof bd.ax_used);
            bd.ev[bd.nev++] = *op;
            /*
             * B4.4: the coronary arteries are one body part specified by the number of
             * arteries treated: count the distinct vessels named in the sentence.
             */
            if ((!memcmp(bd.code, "027", 3) || !memcmp(bd.code, "021", 3)) && b->value == '0') {
                uint32_t nv = 0;
                hit seen[4];
                for (uint32_t i = 0; i < bps->n && nv < 4; i++) {
                    const pax_bp *e = &x->bps[bps->h[i].item];
                    if (memcmp(e->table, bd.code, 3) || e->value != '0' ||
                        !bp_usable(&bd, ops, &bps->h[i], '0'))
                        continue;
                    bool dup = false;
                    for (uint32_t j = 0; j < nv && !dup; j++)
                        dup = dist(&seen[j], &bps->h[i]) == 0;
                    if (!dup)
                        seen[nv++] = bps->h[i];
                }
                if (nv > 1) {
                    bd.code[3] = (char)('0' + (nv > 4 ? 3 : nv - 1));
                    for (uint32_t j = 0; j < nv && bd.nev < 6; j++)
                        bd.ev[bd.nev++] = seen[j];
                }
            }
            if (b->at.first != op->first || b->at.last != op->last)
                bd.ev[bd.nev++] = b->at;
            if (side_at.first != UINT32_MAX)
                bd.ev[bd.nev++] = side_at;
            mc_pcs_value v[34];
            uint32_t nv;
            mc_str lab = { 0 }, axn;
            if (mc_pcs_next_values(r->c->pcs, bd.code, 3, v, &nv, &axn, NULL) != MC_OK ||
                !first_allowed((char[]){ bd.code[3], 0 }, v, nv, &lab))
                continue;
            char bw[96];
            words_of(&bd, &b->at, bw, sizeof bw);
            snprintf(bd.why[0], sizeof bd.why[0], "body part %.*s (%c) from '%s'%s", (int)lab.n, lab.p,
                     bd.code[3], bw,
                     b->rank == 2 ? " (body part key)" : bd.code[3] != b->value ? " (Guidelines B4.4)" : "");
            bool ok = true;
            for (int pos = 5; pos <= 7 && ok; pos++)
                ok = choose(&bd, opr, pos);
            if (!ok) {
                if (!quiet)
                    mc__cac_query(r, about,
                              mc__cac_printf(r, "The note documents \"%s\" (ICD-10-PCS %.4s) but not "
                                                "%s: please document it.",
                                             opw, bd.code, bd.missing));
                continue;
            }
            mc_pcs_check chk;
            if (mc_pcs_validate(r->c->pcs, bd.code, 7, &chk) != MC_OK || !chk.valid)
                continue;
            op_label_of(r->c->pcs, bd.code, op_label, sizeof op_label);
            mc_sec_kind k = r->doc->sections[se->section].kind;
            float conf = k == MC_SEC_PROCEDURE ? 0.85f : 0.75f;
            add_result(r, &bd, s, conf, op_label);
            if (*n_coded < 64)
                memcpy(coded[(*n_coded)++], bd.code, 8);
            done = true;
            /*
             * B3.2d: a procedure converted from percutaneous endoscopic to open is coded as
             * the open procedure plus a percutaneous endoscopic Inspection of the body part
             * (when the tables have one for the same body part value).
             */
            const pax_rule *ar = bd.ax_used[1];
            if (bd.code[0] == '0' && bd.code[4] == '0' && bd.code[2] != 'J' && ar &&
                memmem(ar->words.p, ar->words.n, "convert", 7)) {
                char insp[8] = { bd.code[0], bd.code[1], 'J', bd.code[3], '4', 'Z', 'Z', 0 };
                if (mc_pcs_validate(r->c->pcs, insp, 7, &chk) == MC_OK && chk.valid) {
                    memcpy(bd.code, insp, 8);
                    snprintf(bd.why[1], sizeof bd.why[1],
                             "Approach Percutaneous Endoscopic (4): the procedure was begun "
                             "percutaneous endoscopic (Guidelines B3.2d)");
                    snprintf(bd.why[2], sizeof bd.why[2], "Device No Device (Z)");
                    snprintf(bd.why[3], sizeof bd.why[3], "Qualifier No Qualifier (Z)");
                    op_label_of(r->c->pcs, bd.code, op_label, sizeof op_label);
                    add_result(r, &bd, s, conf, op_label);
                    if (*n_coded < 64)
                        memcpy(coded[(*n_coded)++], bd.code, 8);
                }
            }
        }
    }
    return done;
}

/* Was this code built here, axis by axis (not a title or learned phrase)? */
static bool axis_built(const mc_coded *c)
{
    return c->rationale && !strncmp(c->rationale, "ICD-10-PCS table ", 17) &&
           strchr(c->rationale, ';') != NULL;
}

/* B3.11a: inspection integral to a procedure on the same body system is not coded. */
static void drop_integral(run *r, const char (*coded)[8], uint32_t n_coded, uint32_t s)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n_px; i++) {
        mc_coded *c = &r->px[i];
        bool drop = false;
        if (c->n_evidence && sentence_of(r, c->evidence[0].start) == s) {
            for (uint32_t j = 0; j < n_coded && !drop; j++) {
                const char *m = coded[j];
                if (!strcmp(m, c->code))
                    continue;
                /* inspection beside a definitive procedure (not the B3.2d one of a conversion) */
                drop = c->code[0] == '0' && c->code[2] == 'J' && m[0] == '0' && m[2] != 'J' &&
                       !(c->rationale && strstr(c->rationale, "B3.2d"));
                /* a title or learned match of the same table, or of the same body part under
                   another root operation, that the axes decided otherwise */
                drop |= !axis_built(c) && (!memcmp(c->code, m, 3) ||
                                           (!memcmp(c->code, m, 2) && c->code[3] == m[3]));
            }
        }
        if (!drop)
            r->px[k++] = *c;
    }
    r->n_px = k;
}

/*
 * A one-word ICD-10-PCS title ("Isolation") matched through the stem of another word
 * ("isolated" culture) names no procedure: the word itself must be written.
 */
static void drop_loose_titles(run *r)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n_px; i++) {
        mc_coded *c = &r->px[i];
        bool drop = false;
        if (c->n_evidence == 1 && c->rationale && !strncmp(c->rationale, "ICD-10-PCS table: ", 18) &&
            c->title.n && !memchr(c->title.p, ' ', c->title.n)) {
            const char *e = r->text + c->evidence[0].start;
            size_t en = c->evidence[0].end - c->evidence[0].start;
            drop = en != c->title.n || strncasecmp(e, c->title.p, en) != 0;
        }
        if (!drop)
            r->px[k++] = *c;
    }
    r->n_px = k;
}

void mc__cac_pcs_axis(run *r)
{
    const mc__pax *x = r->c->pax;
    if (!r->doc)
        return;
    drop_loose_titles(r);
    if (!x || !r->c->pcs)
        return;
    hits *ops = mc__arena_alloc(&r->arena, 3 * sizeof(hits));
    if (!ops) {
        r->err = MC_ELIMIT;
        return;
    }
    hits *ax = ops + 1, *bps = ops + 2;
    /* words the lexicon lacks: their stems looked up in the data file's private words */
    uint32_t nt = r->doc->n_tokens;
    r->pax_ids = mc__arena_alloc(&r->arena, ((size_t)nt + 1) * sizeof(uint32_t));
    if (!r->pax_ids) {
        r->err = MC_ELIMIT;
        return;
    }
    char st[128];
    for (uint32_t t = 0; t < nt; t++) {
        const mc_nlp_token *tk = &r->doc->tokens[t];
        r->pax_ids[t] = LEX_NONE;
        if (r->tok_own[t] || !x->n_priv || (tk->flags & NLP_TOK_DIGIT) || tk->len < 3)
            continue;
        size_t k = mc__cac_stem(r->stemmer, tk->norm, tk->len, st, sizeof st);
        r->pax_ids[t] = mc__pax_priv(x, st, k);
    }
    for (uint32_t s = 0; s < r->doc->n_sentences && !r->err; s++) {
        const mc_nlp_sentence *se = &r->doc->sentences[s];
        uint32_t s0 = se->tok_first, s1 = se->tok_first + se->tok_count;
        collect(r, x, false, K_OP, s0, s1, NULL, ops);
        if (!ops->n)
            continue;
        collect(r, x, false, K_AX, s0, s1, NULL, ax);
        collect(r, x, true, 0, s0, s1, ops, bps);
        char coded[64][8];
        uint32_t n_coded = 0;
        bool done[256] = { false }, any = false;
        for (int pass = 0; pass < 2; pass++)
            for (uint32_t i = 0; i < ops->n; i++) {
                const hit *h = &ops->h[i];
                const pax_rule *ru = &x->rules[h->item];
                /* a phrase inside a longer root-operation phrase is part of it */
                bool sub = false;
                for (uint32_t j = 0; j < ops->n && !sub; j++) {
                    const hit *g = &ops->h[j];
                    sub = j != i && g->first <= h->first && h->last <= g->last &&
                          (x->rules[g->item].nw > ru->nw ||
                           (x->rules[g->item].nw == ru->nw && j < i && g->first == h->first &&
                            g->last == h->last && !memcmp(x->rules[g->item].tab[0], ru->tab[0], 3) &&
                            !strcmp(x->rules[g->item].base, ru->base) &&
                            !strcmp(x->rules[g->item].val[0], ru->val[0])));
                }
                /* ... unless both name different body parts of one table (uterus, cervix) */
                for (uint32_t j = 0; j < ops->n && sub; j++) {
                    const pax_rule *g = &x->rules[ops->h[j].item];
                    if (j == i || !(ops->h[j].first <= h->first && h->last <= ops->h[j].last))
                        continue;
                    if (!memcmp(g->tab[0], ru->tab[0], 3) && (g->val[0][0] || g->base[0]) &&
                        (ru->val[0][0] || ru->base[0]) &&
                        (strcmp(g->val[0], ru->val[0]) || strcmp(g->base, ru->base)))
                        sub = false;
                }
                if (sub || done[i])
                    continue;
                /* second pass: a query only when no phrase on the same words was coded */
                bool covered = false;
                for (uint32_t j = 0; pass && j < ops->n && !covered; j++)
                    covered = done[j] && dist(&ops->h[j], h) == 0;
                if (covered)
                    continue;
                done[i] = code_op(r, x, s, h, ops, ax, bps, pass == 0, coded, &n_coded);
                any |= done[i];
            }
        /* annotation mode keeps every mention's code (no guideline suppression) */
        if (any && !r->opts->all_mentions)
            drop_integral(r, (const char(*)[8])coded, n_coded, s);
    }
}
