/*
 * The index walk: main term -> subterm -> ... -> code, as a coder reads the
 * Alphabetic Index (Official Guidelines Section I.A and I.B.1).
 *
 * The input is split at commas into parts. At each node the walker tries to
 * match one to five parts (titles may contain commas) against
 * the children, forgiving case, plural, word order and typos, and ignoring
 * nonessential modifiers (Section I.A.7: they do not affect the code, so the
 * input may include or omit them). Candidate matches are explored depth
 * first with a small budget and the best complete path wins: most input
 * parts used, then ending on a code, then the best match scores.
 *
 * Conventions applied:
 *  - "with" (Section I.A.15): the classification presumes a causal
 *    relationship between conditions linked by "with", "in" or "due to" in
 *    the index; such subterms sit directly under the main term (or subterm).
 *    When an input part matches no child but matches a child of a "with" /
 *    "in" / "due to" subterm, the walk enters that subterm (MC_STEP_WITH).
 *    "with X" written in one part is split the same way.
 *  - "see" (Section I.A.12.a): a mandatory cross-reference. A term with a
 *    "see" and no code is followed to the referenced term automatically and
 *    the remaining input parts are walked from there.
 *  - "see also" (I.A.12.b): collected and offered, never followed.
 */
#include "index/ix_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PARTS = 24, MAX_CAND = 8, BUDGET = 600, MAX_SEE_DEPTH = 4 };

typedef struct wstep {
    uint32_t node;
    mc_step_how how;
    double score;
} wstep;

typedef struct part {
    const char *p;
    size_t n;
} part;

typedef struct wctx {
    const ix_tree *t;
    mc_index_kind kind;
    part parts[MAX_PARTS];
    uint32_t n_parts;
    wstep cur[MC_INDEX_MAX_STEPS];
    uint32_t n_cur;
    /* best path so far */
    wstep best[MC_INDEX_MAX_STEPS];
    uint32_t n_best, best_used;
    double best_score;
    int best_rank;
    bool have_best;
    int budget;
    int see_depth;
} wctx;

typedef struct cand {
    uint32_t node, via; /* via: connective subterm entered first, 0 none */
    uint32_t k; /* parts consumed */
    double score;
    mc_step_how how;
} cand;

/* ---------------- matching ---------------- */

void mc__ix_key_toks(const ix_tree *t, uint32_t id, ix_toks *out)
{
    mc_str k = ix_field(t, id, IXF_KEY);
    out->n = 0;
    size_t i = 0;
    while (i < k.n && out->n < IX_MAX_TOK) {
        size_t j = i;
        while (j < k.n && k.p[j] != ' ')
            j++;
        size_t len = j - i < IX_TOK_LEN - 1 ? j - i : IX_TOK_LEN - 1;
        memcpy(out->t[out->n], k.p + i, len);
        out->t[out->n][len] = 0;
        out->n++;
        i = j + 1;
    }
}

double mc__ix_tok_eq(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1.0;
    size_t an = strlen(a), bn = strlen(b);
    if (an < 5 || bn < 5)
        return 0;
    /* a few letters of the word differ: a typo */
    if (a[0] != b[0])
        return 0;
    uint32_t max = an >= 9 && bn >= 9 ? 2 : 1;
    return mc__ix_edit_distance(a, an, b, bn, max) <= max ? 0.8 : 0;
}

static bool in_toks(const ix_toks *n, const char *w)
{
    for (uint32_t i = 0; i < n->n; i++)
        if (!strcmp(n->t[i], w))
            return true;
    return false;
}

/*
 * Score of input tokens S against a node's title (key tokens T) and
 * nonessential modifiers. 0 means no match.
 */
/* A title with comma alternatives ("femur, femoral"): does S equal one of them? */
static bool alt_exact(const ix_tree *t, uint32_t id, const ix_toks *S)
{
    mc_str title = ix_field(t, id, IXF_TITLE);
    if (!memchr(title.p, ',', title.n))
        return false;
    ix_toks s = *S;
    mc__ix_toks_sort(&s);
    size_t i = 0;
    while (i < title.n) {
        size_t j = i;
        while (j < title.n && title.p[j] != ',')
            j++;
        ix_toks a;
        mc__ix_tokens(title.p + i, j - i, &a);
        mc__ix_toks_sort(&a);
        bool eq = a.n == s.n && a.n > 0;
        for (uint32_t k = 0; eq && k < a.n; k++)
            eq = !strcmp(a.t[k], s.t[k]);
        if (eq)
            return true;
        i = j + 1;
    }
    return false;
}

static double match_title(const ix_tree *t, uint32_t id, const ix_toks *S, mc_step_how *how);

double mc__ix_match(const ix_tree *t, uint32_t id, const ix_toks *S, mc_step_how *how)
{
    double s = match_title(t, id, S, how);
    if (s < 96 && alt_exact(t, id, S)) {
        *how = MC_STEP_EXACT;
        return 96;
    }
    return s;
}

static double match_title(const ix_tree *t, uint32_t id, const ix_toks *S, mc_step_how *how)
{
    ix_toks T;
    mc__ix_key_toks(t, id, &T);
    if (T.n == 0 || S->n == 0)
        return 0;
    /* "NEC"/"NOS" in a title are not words the user has to type */
    bool optional[IX_MAX_TOK] = { false };
    uint32_t n_req = 0;
    for (uint32_t i = 0; i < T.n; i++) {
        optional[i] = !strcmp(T.t[i], "nec") || !strcmp(T.t[i], "nos");
        n_req += !optional[i];
    }
    if (n_req == 0) {
        memset(optional, 0, sizeof optional);
        n_req = T.n;
    }
    bool used[IX_MAX_TOK] = { false };
    double matched = 0, fuzz = 0;
    uint32_t matched_req = 0, matched_s = 0;
    for (uint32_t i = 0; i < T.n; i++) {
        double bestv = 0;
        uint32_t bj = 0;
        for (uint32_t j = 0; j < S->n; j++) {
            if (used[j])
                continue;
            double v = mc__ix_tok_eq(T.t[i], S->t[j]);
            if (v > bestv) {
                bestv = v;
                bj = j;
            }
            if (v >= 1.0)
                break;
        }
        if (bestv > 0) {
            used[bj] = true;
            matched += bestv;
            fuzz += 1.0 - bestv;
            matched_s++;
            matched_req += !optional[i];
        }
    }
    uint32_t miss = n_req - matched_req;
    uint32_t extra = S->n - matched_s;
    double pen = fuzz * 40;
    if (miss == 0 && extra == 0) {
        *how = fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_EXACT;
        return 100 - pen;
    }
    if (miss == 0) {
        /* extra input words: fine when they are the term's nonessential modifiers */
        mc_str nm = ix_field(t, id, IXF_NEMOD);
        ix_toks N;
        mc__ix_tokens(nm.p, nm.n, &N);
        uint32_t in_nemod = 0;
        for (uint32_t j = 0; j < S->n; j++)
            if (!used[j] && in_toks(&N, S->t[j]))
                in_nemod++;
        if (in_nemod == extra) {
            *how = fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_NEMOD;
            return 95 - extra - pen;
        }
        *how = MC_STEP_PARTIAL;
        return 68 - 6.0 * (extra - in_nemod) - pen;
    }
    if (matched_s == 0)
        return 0;
    *how = MC_STEP_PARTIAL;
    if (extra == 0)
        return 74 - 5.0 * miss - pen; /* every input word is in the title */
    return 44 + 5.0 * matched - 6.0 * (miss + extra) - pen;
}

static bool is_connective(const ix_tree *t, uint32_t id)
{
    mc_str k = ix_field(t, id, IXF_KEY);
    return mc__str_eq(k, "with", 4) || mc__str_eq(k, "in", 2) || mc__str_eq(k, "due to", 6);
}

static void add_cand(cand *c, uint32_t *n, cand x)
{
    /* keep the MAX_CAND best, one entry per (node, k) */
    for (uint32_t i = 0; i < *n; i++)
        if (c[i].node == x.node && c[i].k == x.k) {
            if (x.score > c[i].score)
                c[i] = x;
            return;
        }
    if (*n < MAX_CAND) {
        c[(*n)++] = x;
        return;
    }
    uint32_t worst = 0;
    for (uint32_t i = 1; i < *n; i++)
        if (c[i].score < c[worst].score)
            worst = i;
    if (x.score > c[worst].score)
        c[worst] = x;
}

static double threshold(uint32_t k) { return k > 1 ? 88 : 40; }

/* Children of node that match toks (consuming k parts). */
static void match_children(const wctx *w, uint32_t node, const ix_toks *S, uint32_t k,
                           uint32_t via, double adjust, cand *out, uint32_t *n_out)
{
    const ix_tree *t = w->t;
    uint32_t e = ix_w(t, node, IXF_END);
    for (uint32_t c = node + 1; c < e; c = ix_w(t, c, IXF_END)) {
        mc_step_how how;
        double s = mc__ix_match(t, c, S, &how);
        if (s < threshold(k))
            continue;
        cand x = { c, via, k, s + adjust, via ? MC_STEP_WITH : how };
        if (via)
            x.how = how;
        add_cand(out, n_out, x);
    }
}

static int cmp_keyent(const unsigned char *ent, const ix_tree *t, const char *key, size_t kn)
{
    mc_str s = ix_str(t, mc__rd32(ent));
    size_t n = s.n < kn ? s.n : kn;
    int c = memcmp(s.p, key, n);
    if (c)
        return c;
    return s.n < kn ? -1 : s.n > kn;
}

/* First entry of a sorted key table equal to key, or n when none. */
static uint32_t key_lower(const ix_tree *t, const unsigned char *tab, uint32_t n, const char *key,
                          size_t kn)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_keyent(tab + 8 * (size_t)mid, t, key, kn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Main terms: exact key look-up (including first comma part aliases), else a scan. */
static void match_main(const wctx *w, const ix_toks *S, uint32_t k, cand *out, uint32_t *n_out)
{
    const ix_tree *t = w->t;
    ix_toks sorted = *S;
    mc__ix_toks_sort(&sorted);
    char key[512];
    size_t kn = mc__ix_toks_key(&sorted, key, sizeof key);
    uint32_t i = key_lower(t, t->main_keys, t->n_main, key, kn);
    bool hit = false;
    for (; i < t->n_main && cmp_keyent(t->main_keys + 8 * (size_t)i, t, key, kn) == 0; i++) {
        uint32_t id = mc__rd32(t->main_keys + 8 * (size_t)i + 4);
        if (id == 0 || id >= t->n_nodes)
            continue;
        mc_step_how how;
        double s = mc__ix_match(t, id, S, &how);
        if (s < 74) { /* an alias: the first comma part of the main term's title */
            uint32_t size = ix_w(t, id, IXF_END) - id;
            s = 88 + fmin(6.0, log2((double)size + 1) / 2);
            how = MC_STEP_EXACT;
        }
        cand x = { id, 0, k, s, how };
        add_cand(out, n_out, x);
        hit = true;
    }
    if (hit || k > 1)
        return;
    /* no exact key: score every main term (typos, partial titles) */
    uint32_t e = ix_w(t, 0, IXF_END);
    for (uint32_t c = 1; c < e; c = ix_w(t, c, IXF_END)) {
        mc_step_how how;
        double s = mc__ix_match(t, c, S, &how);
        if (s < 60)
            continue;
        cand x = { c, 0, k, s, how };
        add_cand(out, n_out, x);
    }
}

/* ---------------- search over candidate paths ---------------- */

static int rank_of(const ix_tree *t, uint32_t node)
{
    if (ix_field(t, node, IXF_CODE).n || ix_field(t, node, IXF_SUBCAT).n ||
        ix_field(t, node, IXF_SEECAT).n || ix_w(t, node, IXF_ROW) != MC_NONE)
        return 2;
    if (ix_field(t, node, IXF_SEE).n)
        return 0;
    return 1;
}

static void consider(wctx *w, uint32_t used)
{
    if (w->n_cur == 0)
        return;
    double s = 0;
    for (uint32_t i = 0; i < w->n_cur; i++)
        s += w->cur[i].score;
    int rank = rank_of(w->t, w->cur[w->n_cur - 1].node);
    bool better = !w->have_best || used > w->best_used ||
                  (used == w->best_used &&
                   (rank > w->best_rank || (rank == w->best_rank && s > w->best_score + 1e-9)));
    if (!better)
        return;
    w->have_best = true;
    w->best_used = used;
    w->best_rank = rank;
    w->best_score = s;
    w->n_best = w->n_cur;
    memcpy(w->best, w->cur, w->n_cur * sizeof *w->cur);
}

static void join_parts(const wctx *w, uint32_t i, uint32_t k, ix_toks *S, ix_toks *text_order)
{
    char buf[1024];
    size_t at = 0;
    for (uint32_t j = i; j < i + k; j++) {
        size_t n = w->parts[j].n;
        if (at + n + 2 >= sizeof buf)
            break;
        if (j > i)
            buf[at++] = ' ';
        memcpy(buf + at, w->parts[j].p, n);
        at += n;
    }
    mc__ix_tokens(buf, at, text_order);
    *S = *text_order;
}

static void walk_from(wctx *w, uint32_t node, uint32_t i);

static bool push(wctx *w, uint32_t node, mc_step_how how, double score)
{
    if (w->n_cur >= MC_INDEX_MAX_STEPS)
        return false;
    wstep s = { node, how, score };
    w->cur[w->n_cur++] = s;
    return true;
}

int mc__ix_resolve_see(const ix_tree *t, mc_index_kind kind, mc_str see, int depth,
                       uint32_t *node, wstep *steps, uint32_t *n_steps);

/* Land on node after consuming parts up to i: follow a mandatory "see", then go on. */
static void land(wctx *w, uint32_t node, uint32_t i)
{
    const ix_tree *t = w->t;
    mc_str see = ix_field(t, node, IXF_SEE);
    bool has_code = ix_field(t, node, IXF_CODE).n > 0 || ix_w(t, node, IXF_ROW) != MC_NONE;
    if (see.n && !has_code && w->see_depth < MAX_SEE_DEPTH) {
        wstep st[MC_INDEX_MAX_STEPS];
        uint32_t ns = 0, target;
        if (mc__ix_resolve_see(t, w->kind, see, w->see_depth + 1, &target, st, &ns) == MC_OK) {
            uint32_t save = w->n_cur;
            bool ok = true;
            for (uint32_t j = 0; j < ns && ok; j++)
                ok = push(w, st[j].node, MC_STEP_SEE, 0);
            if (ok)
                walk_from(w, target, i);
            w->n_cur = save;
            return;
        }
    }
    walk_from(w, node, i);
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->k != y->k)
        return x->k > y->k ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

static void walk_from(wctx *w, uint32_t node, uint32_t i)
{
    if (w->budget-- <= 0)
        return;
    consider(w, i);
    if (i >= w->n_parts)
        return;
    const ix_tree *t = w->t;
    cand c[MAX_CAND];
    uint32_t nc = 0;
    for (uint32_t k = 1; k <= 5 && i + k <= w->n_parts; k++) {
        ix_toks S, text;
        join_parts(w, i, k, &S, &text);
        if (S.n == 0)
            continue;
        if (node == 0) {
            match_main(w, &S, k, c, &nc);
            continue;
        }
        match_children(w, node, &S, k, 0, 0, c, &nc);
        if (k > 1)
            continue;
        /* the "with" convention (I.A.15): look inside with / in / due to subterms */
        uint32_t e = ix_w(t, node, IXF_END);
        for (uint32_t ch = node + 1; ch < e; ch = ix_w(t, ch, IXF_END)) {
            if (!is_connective(t, ch))
                continue;
            mc_str ck = ix_field(t, ch, IXF_KEY);
            ix_toks rest = text;
            /* "with chronic kidney disease" in one part: drop the leading connective */
            ix_toks ckt;
            mc__ix_tokens(ck.p, ck.n, &ckt);
            bool lead = rest.n > ckt.n;
            for (uint32_t q = 0; lead && q < ckt.n; q++)
                lead = !strcmp(rest.t[q], ckt.t[q]);
            if (lead) {
                memmove(rest.t, rest.t + ckt.n, (rest.n - ckt.n) * sizeof rest.t[0]);
                rest.n -= ckt.n;
                match_children(w, ch, &rest, 1, ch, 0, c, &nc);
            } else {
                match_children(w, ch, &rest, 1, ch, -3, c, &nc);
            }
        }
    }
    qsort(c, nc, sizeof *c, cmp_cand);
    for (uint32_t j = 0; j < nc; j++) {
        uint32_t save = w->n_cur;
        bool ok = true;
        if (c[j].via)
            ok = push(w, c[j].via, MC_STEP_WITH, 0);
        if (ok && push(w, c[j].node, c[j].how, c[j].score))
            land(w, c[j].node, i + c[j].k);
        w->n_cur = save;
        /* an exact match of a whole part settles this level unless a longer path is needed */
        if (w->best_used == w->n_parts && c[j].score >= 95 && j + 1 < nc &&
            c[j + 1].score < 90)
            break;
    }
}

static uint32_t split_parts(const char *s, size_t n, part *out)
{
    uint32_t k = 0;
    size_t i = 0;
    while (i <= n && k < MAX_PARTS) {
        size_t j = i;
        int paren = 0;
        while (j < n && (s[j] != ',' || paren > 0)) {
            if (s[j] == '(')
                paren++;
            else if (s[j] == ')' && paren > 0)
                paren--;
            j++;
        }
        const char *p = s + i;
        size_t len = j - i;
        mc__trim(&p, &len);
        if (len) {
            out[k].p = p;
            out[k].n = len;
            k++;
        }
        i = j + 1;
    }
    return k;
}

static void wctx_init(wctx *w, const ix_tree *t, mc_index_kind kind, const char *path, size_t n)
{
    memset(w, 0, sizeof *w);
    w->t = t;
    w->kind = kind;
    w->budget = BUDGET;
    w->n_parts = split_parts(path, n, w->parts);
}

int mc__ix_resolve_see(const ix_tree *t, mc_index_kind kind, mc_str see, int depth,
                       uint32_t *node, wstep *steps, uint32_t *n_steps)
{
    /* several references joined by "; ": take the first */
    size_t n = see.n;
    for (size_t i = 0; i + 1 < see.n; i++)
        if (see.p[i] == ';') {
            n = i;
            break;
        }
    wctx *w = malloc(sizeof *w);
    if (!w)
        return MC_ENOMEM;
    wctx_init(w, t, kind, see.p, n);
    w->see_depth = depth;
    int rc = MC_ENOTFOUND;
    if (w->n_parts) {
        walk_from(w, 0, 0);
        /* a see reference must resolve completely and exactly */
        bool exact = w->have_best && w->best_used == w->n_parts;
        for (uint32_t j = 0; exact && j < w->n_best; j++)
            if (w->best[j].how == MC_STEP_PARTIAL && w->best[j].score < 70)
                exact = false;
        if (exact && w->n_best) {
            *node = w->best[w->n_best - 1].node;
            *n_steps = w->n_best;
            memcpy(steps, w->best, w->n_best * sizeof *steps);
            rc = MC_OK;
        }
    }
    free(w);
    return rc;
}

static void fill(const wctx *w, const char *path, size_t n, mc_walk *out)
{
    const ix_tree *t = w->t;
    (void)path;
    (void)n;
    out->parts_total = w->n_parts;
    out->parts_used = w->best_used;
    out->n_steps = w->n_best;
    uint32_t end = w->n_best ? w->best[w->n_best - 1].node : 0;
    out->end = end;
    for (uint32_t j = 0; j < w->n_best; j++) {
        mc_index_step *s = &out->steps[j];
        uint32_t id = w->best[j].node;
        s->node = id;
        s->how = w->best[j].how;
        s->title = ix_field(t, id, IXF_TITLE);
        s->nemod = ix_field(t, id, IXF_NEMOD);
        s->code = ix_field(t, id, IXF_CODE);
        if (s->how == MC_STEP_WITH)
            out->used_with_convention = true;
        mc_str sa = ix_field(t, id, IXF_SEEALSO);
        if (sa.n && out->n_see_also < MC_INDEX_MAX_REFS)
            out->see_also[out->n_see_also++] = sa;
        mc_str see = ix_field(t, id, IXF_SEE);
        if (see.n && j + 1 < w->n_best && w->best[j + 1].how == MC_STEP_SEE &&
            s->how != MC_STEP_SEE && out->n_see_followed < MC_INDEX_MAX_REFS)
            out->see_followed[out->n_see_followed++] = see;
    }
    out->code = ix_field(t, end, IXF_CODE);
    out->manif = ix_field(t, end, IXF_MANIF);
    out->seecat = ix_field(t, end, IXF_SEECAT);
    out->subcat = ix_field(t, end, IXF_SUBCAT);
    for (uint32_t c = end; c != 0 && c < t->n_nodes; c = ix_w(t, c, IXF_PARENT)) {
        mc_str code = ix_field(t, c, IXF_CODE);
        if (code.n) {
            out->default_code = code;
            break;
        }
    }
    mc_str see = ix_field(t, end, IXF_SEE);
    if (w->best_used < w->n_parts) {
        out->status = MC_WALK_STOPPED;
        const part *p = &w->parts[w->best_used];
        size_t k = p->n < sizeof out->unmatched - 1 ? p->n : sizeof out->unmatched - 1;
        memcpy(out->unmatched, p->p, k);
        out->unmatched[k] = 0;
    } else if (out->code.n || out->seecat.n || out->subcat.n || ix_w(t, end, IXF_ROW) != MC_NONE) {
        out->status = MC_WALK_CODE;
    } else if (see.n) {
        out->status = MC_WALK_SEE_UNRESOLVED;
        out->see_unresolved = see;
    } else {
        out->status = MC_WALK_INCOMPLETE;
    }
    if (out->status == MC_WALK_STOPPED && see.n && !out->code.n)
        out->see_unresolved = see;
}

int mc_index_walk_from(const mc_index *ix, mc_index_kind kind, uint32_t from, const char *path,
                       size_t n, mc_walk *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (!t)
        return MC_ENOTFOUND;
    if (from >= t->n_nodes)
        return MC_ERANGE;
    wctx *w = malloc(sizeof *w);
    if (!w)
        return MC_ENOMEM;
    wctx_init(w, t, kind, path ? path : "", path ? n : 0);
    if (w->n_parts == 0) {
        free(w);
        return MC_EINVAL;
    }
    if (from != 0) {
        /* the start node is part of the path shown */
        push(w, from, MC_STEP_EXACT, 0);
    }
    walk_from(w, from, 0);
    int rc = MC_OK;
    if (!w->have_best || w->best_used == 0) {
        rc = MC_ENOTFOUND;
        out->parts_total = w->n_parts;
        const part *p = &w->parts[0];
        size_t k = p->n < sizeof out->unmatched - 1 ? p->n : sizeof out->unmatched - 1;
        memcpy(out->unmatched, p->p, k);
        out->unmatched[k] = 0;
        out->status = MC_WALK_STOPPED;
        if (from != 0 && w->have_best)
            fill(w, path, n, out);
    } else {
        fill(w, path, n, out);
    }
    free(w);
    return rc;
}

int mc_index_walk(const mc_index *ix, mc_index_kind kind, const char *path, size_t n,
                  mc_walk *out)
{
    return mc_index_walk_from(ix, kind, 0, path, n, out);
}

const char *mc_walk_status_name(mc_walk_status s)
{
    switch (s) {
    case MC_WALK_CODE: return "code";
    case MC_WALK_INCOMPLETE: return "incomplete";
    case MC_WALK_STOPPED: return "stopped";
    case MC_WALK_SEE_UNRESOLVED: return "see_unresolved";
    }
    return "unknown";
}

const char *mc_step_how_name(mc_step_how h)
{
    switch (h) {
    case MC_STEP_EXACT: return "exact";
    case MC_STEP_NEMOD: return "nemod";
    case MC_STEP_PARTIAL: return "partial";
    case MC_STEP_WITH: return "with";
    case MC_STEP_SEE: return "see";
    }
    return "unknown";
}
