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
    ix_toks ptok[MAX_PARTS]; /* each part's tokens, in text order */
    uint32_t n_parts;
    wstep cur[MC_INDEX_MAX_STEPS];
    uint32_t n_cur;
    /* best path so far; progress = parts used * 64 + words used of a partly used part */
    wstep best[MC_INDEX_MAX_STEPS];
    uint32_t n_best, best_used, best_progress;
    char best_left[128]; /* words of the partly used part still unmatched */
    double best_score;
    int best_rank;
    bool have_best;
    int budget;
    int see_depth;
    int also_depth; /* "see also" references followed on the current path */
    /* references resolved during this walk (a dead end is often met on several paths) */
    struct {
        const char *key; /* the reference text's address in the bundle */
        int rc;
        uint32_t target, n_steps;
        wstep steps[MC_INDEX_MAX_STEPS];
    } seen[8];
    uint32_t n_seen;
} wctx;

typedef struct cand {
    uint32_t node, via; /* via: connective subterm entered first, 0 none */
    uint32_t k; /* parts consumed */
    double score;
    mc_step_how how;
    uint32_t used; /* k == 1: bits of the part's words consumed; the rest carry forward */
    bool via_typed; /* the connective was written in the input ("with obstruction") */
} cand;

typedef struct mres {
    double score;
    mc_step_how how;
    uint32_t used; /* bits of S matched (title or nonessential modifier words) */
    bool subset; /* every input word is in the title, some title words missing */
    bool carry; /* the whole title matched, input words are left for the next step */
} mres;

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
    return mc__ix_tok_eq_n(a, strlen(a), b, strlen(b));
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
/*
 * A title with comma alternatives ("femur, femoral", "Fracture, traumatic"):
 * the best alternative all of whose words are in S (typos allowed). Returns
 * its fuzz (0 exact) or -1; *used gets the bits of S it matched.
 */
static double alt_match(const ix_tree *t, uint32_t id, const ix_toks *S, uint32_t *used)
{
    mc_str title = ix_field(t, id, IXF_TITLE);
    if (!memchr(title.p, ',', title.n) && !memmem(title.p, title.n, " or ", 4))
        return -1;
    size_t slen[IX_MAX_TOK];
    for (uint32_t j = 0; j < S->n; j++)
        slen[j] = strlen(S->t[j]);
    double best = -1;
    uint32_t best_used = 0, best_n = 0;
    size_t i = 0;
    while (i < title.n) {
        /* alternatives are separated by commas and by " or " */
        size_t j = i, skip = 1;
        while (j < title.n && title.p[j] != ',') {
            if (j + 4 <= title.n && !memcmp(title.p + j, " or ", 4)) {
                skip = 4;
                break;
            }
            j++;
        }
        ix_toks a;
        mc__ix_tokens(title.p + i, j - i, &a);
        uint32_t u = 0;
        double fuzz = 0;
        bool all = a.n > 0;
        for (uint32_t q = 0; all && q < a.n; q++) {
            double bv = 0;
            uint32_t bj = 0;
            for (uint32_t r = 0; r < S->n; r++) {
                if (u & (1u << r))
                    continue;
                double v = mc__ix_tok_eq_n(a.t[q], strlen(a.t[q]), S->t[r], slen[r]);
                if (v > bv) {
                    bv = v;
                    bj = r;
                }
            }
            if (bv <= 0)
                all = false;
            else {
                u |= 1u << bj;
                fuzz += 1 - bv;
            }
        }
        /* prefer the alternative that uses more input words, then the closer one */
        if (all && (a.n > best_n || (a.n == best_n && (best < 0 || fuzz < best)))) {
            best = fuzz;
            best_used = u;
            best_n = a.n;
        }
        i = j + skip;
    }
    *used = best_used;
    return best;
}

typedef struct tslice {
    const char *p;
    uint32_t n;
} tslice;

/* Split a stored key into word slices (no copy). */
static uint32_t key_slices(mc_str k, tslice *out, uint32_t cap)
{
    uint32_t n = 0, i = 0;
    while (i < k.n && n < cap) {
        uint32_t j = i;
        while (j < k.n && k.p[j] != ' ')
            j++;
        out[n].p = k.p + i;
        out[n].n = j - i;
        n++;
        i = j + 1;
    }
    return n;
}

double mc__ix_tok_eq_n(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && !memcmp(a, b, an))
        return 1.0;
    if (an < 5 || bn < 5 || a[0] != b[0])
        return 0;
    uint32_t max = an >= 9 && bn >= 9 ? 2 : 1;
    if ((an > bn ? an - bn : bn - an) > max)
        return 0;
    return mc__ix_edit_distance(a, an, b, bn, max) <= max ? 0.8 : 0;
}

/*
 * Score of input tokens S against a node's title (key tokens) and
 * nonessential modifiers. A score of 0 means no match.
 */
static void match_title(const ix_tree *t, uint32_t id, const ix_toks *S, mres *r)
{
    tslice T[IX_MAX_TOK];
    uint32_t tn = key_slices(ix_field(t, id, IXF_KEY), T, IX_MAX_TOK);
    memset(r, 0, sizeof *r);
    r->how = MC_STEP_PARTIAL;
    if (tn == 0 || S->n == 0)
        return;
    size_t slen[IX_MAX_TOK];
    bool s_without = false, t_without = false;
    for (uint32_t j = 0; j < S->n; j++) {
        slen[j] = strlen(S->t[j]);
        s_without |= slen[j] == 7 && !memcmp(S->t[j], "without", 7);
    }
    for (uint32_t i = 0; i < tn; i++)
        t_without |= T[i].n == 7 && !memcmp(T[i].p, "without", 7);
    /* "without" negates: it never matches a title lacking it, nor is it ever left out */
    if (s_without != t_without)
        return;
    /* "NEC"/"NOS" in a title are not words the user has to type */
    bool optional[IX_MAX_TOK] = { false };
    uint32_t n_req = 0;
    for (uint32_t i = 0; i < tn; i++) {
        optional[i] = T[i].n == 3 && (!memcmp(T[i].p, "nec", 3) || !memcmp(T[i].p, "nos", 3));
        n_req += !optional[i];
    }
    if (n_req == 0) {
        memset(optional, 0, sizeof optional);
        n_req = tn;
    }
    bool used[IX_MAX_TOK] = { false };
    double matched = 0, fuzz = 0;
    uint32_t matched_req = 0, matched_s = 0;
    for (uint32_t i = 0; i < tn; i++) {
        double bestv = 0;
        uint32_t bj = 0;
        for (uint32_t j = 0; j < S->n; j++) {
            if (used[j])
                continue;
            double v = mc__ix_tok_eq_n(T[i].p, T[i].n, S->t[j], slen[j]);
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
    for (uint32_t j = 0; j < S->n; j++)
        if (used[j])
            r->used |= 1u << j;
    if (miss == 0 && extra == 0) {
        r->how = fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_EXACT;
        r->score = 100 - pen;
        return;
    }
    if (miss == 0) {
        /* extra input words: fine when they are the term's nonessential modifiers */
        mc_str nm = ix_field(t, id, IXF_NEMOD);
        ix_toks N;
        mc__ix_tokens(nm.p, nm.n, &N);
        uint32_t in_nemod = 0;
        for (uint32_t j = 0; j < S->n; j++)
            if (!used[j] && in_toks(&N, S->t[j])) {
                in_nemod++;
                r->used |= 1u << j;
            }
        if (in_nemod == extra) {
            r->how = fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_NEMOD;
            r->score = 95 - extra - pen;
            return;
        }
        /* the title is all there; the other words may name a subterm further down */
        r->how = fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_EXACT;
        r->carry = true;
        r->score = 82 - 2.0 * (extra - in_nemod) - pen;
        return;
    }
    if (matched_s == 0)
        return;
    if (extra == 0) {
        r->subset = true;
        r->score = 74 - 5.0 * miss - pen; /* every input word is in the title */
        return;
    }
    r->score = 44 + 5.0 * matched - 6.0 * (miss + extra) - pen;
}

static void match_full(const ix_tree *t, uint32_t id, const ix_toks *S, mres *r)
{
    match_title(t, id, S, r);
    /* an alternative's words are title words: none matched, no alternative can */
    if (r->score >= 95 || (r->carry && r->score >= 82) || r->used == 0)
        return;
    uint32_t used;
    double fuzz = alt_match(t, id, S, &used);
    if (fuzz < 0)
        return;
    uint32_t all = S->n >= 32 ? 0xffffffffu : (1u << S->n) - 1;
    mres a = { 0, fuzz > 0 ? MC_STEP_PARTIAL : MC_STEP_EXACT, used, false, used != all };
    /* one alternative of the title named: as good as the whole title */
    a.score = a.carry ? 81 - 40 * fuzz : 99 - 40 * fuzz;
    if (a.score > r->score)
        *r = a;
}

double mc__ix_match(const ix_tree *t, uint32_t id, const ix_toks *S, mc_step_how *how)
{
    mres r;
    match_full(t, id, S, &r);
    *how = r.how;
    return r.carry ? 68 - (82 - r.score) * 3 : r.score;
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

static uint32_t all_bits(uint32_t n) { return n >= 32 ? 0xffffffffu : (1u << n) - 1; }

/*
 * Children of node that match S (k parts joined). lead: words of S dropped
 * before matching (a written connective); used masks are shifted back so they
 * index the words of S.
 */
static void match_children(const wctx *w, uint32_t node, const ix_toks *S, uint32_t k,
                           uint32_t via, uint32_t lead, double adjust, cand *out, uint32_t *n_out)
{
    const ix_tree *t = w->t;
    uint32_t e = ix_w(t, node, IXF_END);
    for (uint32_t c = node + 1; c < e; c = ix_w(t, c, IXF_END)) {
        mres r;
        match_full(t, c, S, &r);
        if (r.score < threshold(k) || (r.carry && k > 1))
            continue;
        cand x = { c, via, k, r.score + adjust, r.how, 0, lead > 0 };
        x.used = r.carry ? (r.used << lead) | all_bits(lead) : 0;
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

/* Main terms whose key (own or first-comma-part alias) equals key. */
static bool main_by_key(const wctx *w, const ix_toks *S, const char *key, size_t kn, uint32_t k,
                        uint32_t used, double base, cand *out, uint32_t *n_out)
{
    const ix_tree *t = w->t;
    uint32_t i = key_lower(t, t->main_keys, t->n_main, key, kn);
    bool hit = false;
    for (; i < t->n_main && cmp_keyent(t->main_keys + 8 * (size_t)i, t, key, kn) == 0; i++) {
        uint32_t id = mc__rd32(t->main_keys + 8 * (size_t)i + 4);
        if (id == 0 || id >= t->n_nodes)
            continue;
        mc_step_how how = MC_STEP_EXACT;
        double s = base;
        mc_str own = ix_field(t, id, IXF_KEY);
        uint32_t size = ix_w(t, id, IXF_END) - id;
        mres r;
        match_full(t, id, S, &r);
        if (used && r.score >= 88 && !r.carry) {
            /* the other words are the term's nonessential modifiers: all used here */
            s = r.score;
            how = r.how;
            used = 0;
        } else if (!mc__str_eq(own, key, kn)) {
            /* an alias: the first comma part of the main term's title ("Fracture" for
               "Fracture, traumatic"); the larger entry is the general one */
            s = base - 12 + fmin(6.0, log2((double)size + 1) / 2);
        } else if (!used) {
            s = r.score;
            how = r.how;
        }
        cand x = { id, 0, k, s, how, used, false };
        add_cand(out, n_out, x);
        hit = true;
    }
    return hit;
}

/*
 * Main terms: exact key look-up (including first comma part aliases); for a
 * part of several words with no such term, each word and word pair as the
 * main term with the other words carried to the subterms ("chronic kidney
 * disease" -> Disease, kidney, chronic); else a scan for typos.
 */
static void match_main(const wctx *w, const ix_toks *S, uint32_t k, cand *out, uint32_t *n_out)
{
    ix_toks sorted = *S;
    mc__ix_toks_sort(&sorted);
    char key[512];
    size_t kn = mc__ix_toks_key(&sorted, key, sizeof key);
    if (main_by_key(w, S, key, kn, k, 0, 100, out, n_out) || k > 1)
        return;
    bool hit = false;
    if (S->n >= 2 && S->n <= 8) {
        for (uint32_t j = 0; j < S->n; j++) {
            hit |= main_by_key(w, S, S->t[j], strlen(S->t[j]), k, 1u << j, 84, out, n_out);
            if (j + 1 < S->n) {
                ix_toks pair;
                pair.n = 2;
                memcpy(pair.t[0], S->t[j], IX_TOK_LEN);
                memcpy(pair.t[1], S->t[j + 1], IX_TOK_LEN);
                mc__ix_toks_sort(&pair);
                char pk[128];
                size_t pn = mc__ix_toks_key(&pair, pk, sizeof pk);
                hit |= main_by_key(w, S, pk, pn, k, 3u << j, 86, out, n_out);
            }
        }
    }
    if (hit)
        return;
    /* no key: score every main term (typos, partial titles) */
    const ix_tree *t = w->t;
    uint32_t e = ix_w(t, 0, IXF_END);
    for (uint32_t c = 1; c < e; c = ix_w(t, c, IXF_END)) {
        mres r;
        match_full(t, c, S, &r);
        if (r.score < 60)
            continue;
        /* equal typo matches: the larger entry is the general one */
        double size = (double)(ix_w(t, c, IXF_END) - c);
        cand x = { c, 0, k, r.score + fmin(6.0, log2(size + 1) / 2), r.how, r.carry ? r.used : 0,
                   false };
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

static void consider(wctx *w, uint32_t i, const ix_toks *left)
{
    if (w->n_cur == 0)
        return;
    uint32_t progress = i * 64;
    if (left && i < w->n_parts)
        progress += w->ptok[i].n > left->n ? w->ptok[i].n - left->n : 0;
    double s = 0;
    for (uint32_t j = 0; j < w->n_cur; j++)
        s += w->cur[j].score;
    int rank = rank_of(w->t, w->cur[w->n_cur - 1].node);
    bool better = !w->have_best || progress > w->best_progress ||
                  (progress == w->best_progress &&
                   (rank > w->best_rank || (rank == w->best_rank && s > w->best_score + 1e-9)));
    if (!better)
        return;
    w->have_best = true;
    w->best_used = i;
    w->best_progress = progress;
    w->best_rank = rank;
    w->best_score = s;
    w->n_best = w->n_cur;
    memcpy(w->best, w->cur, w->n_cur * sizeof *w->cur);
    w->best_left[0] = 0;
    if (left)
        mc__ix_toks_key(left, w->best_left, sizeof w->best_left);
}

/* Tokens of k parts from i (part i replaced by its carried words when left is set). */
static void join_parts(const wctx *w, uint32_t i, uint32_t k, const ix_toks *left, ix_toks *S)
{
    *S = left ? *left : w->ptok[i];
    for (uint32_t j = i + 1; j < i + k; j++)
        for (uint32_t q = 0; q < w->ptok[j].n && S->n < IX_MAX_TOK; q++)
            memcpy(S->t[S->n++], w->ptok[j].t[q], IX_TOK_LEN);
}

static void walk_from(wctx *w, uint32_t node, uint32_t i, const ix_toks *left);

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

static int resolve(wctx *w, mc_str ref, uint32_t *target, wstep *steps, uint32_t *n_steps)
{
    for (uint32_t i = 0; i < w->n_seen; i++)
        if (w->seen[i].key == ref.p) {
            *target = w->seen[i].target;
            *n_steps = w->seen[i].n_steps;
            memcpy(steps, w->seen[i].steps, *n_steps * sizeof *steps);
            return w->seen[i].rc;
        }
    int rc = mc__ix_resolve_see(w->t, w->kind, ref, w->see_depth + 1, target, steps, n_steps);
    if (rc != MC_OK && rc != MC_ENOTFOUND)
        return rc;
    uint32_t slot = w->n_seen < 8 ? w->n_seen++ : 7;
    w->seen[slot].key = ref.p;
    w->seen[slot].rc = rc;
    w->seen[slot].target = rc == MC_OK ? *target : 0;
    w->seen[slot].n_steps = rc == MC_OK ? *n_steps : 0;
    if (rc == MC_OK)
        memcpy(w->seen[slot].steps, steps, *n_steps * sizeof *steps);
    return rc;
}

/* Land on node after consuming parts up to i: follow a mandatory "see", then go on. */
static void land(wctx *w, uint32_t node, uint32_t i, const ix_toks *left)
{
    const ix_tree *t = w->t;
    mc_str see = ix_field(t, node, IXF_SEE);
    bool has_code = ix_field(t, node, IXF_CODE).n > 0 || ix_w(t, node, IXF_ROW) != MC_NONE;
    if (see.n && !has_code && w->see_depth < MAX_SEE_DEPTH) {
        wstep st[MC_INDEX_MAX_STEPS];
        uint32_t ns = 0, target;
        if (resolve(w, see, &target, st, &ns) == MC_OK) {
            uint32_t save = w->n_cur;
            bool ok = true;
            for (uint32_t j = 0; j < ns && ok; j++)
                ok = push(w, st[j].node, MC_STEP_SEE, 0);
            if (ok)
                walk_from(w, target, i, left);
            w->n_cur = save;
            return;
        }
    }
    walk_from(w, node, i, left);
}

static bool only_connective(const ix_toks *S)
{
    return (S->n == 1 && (!strcmp(S->t[0], "with") || !strcmp(S->t[0], "in"))) ||
           (S->n == 2 && !strcmp(S->t[0], "due") && !strcmp(S->t[1], "to"));
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

/*
 * Section I.A.12.b: "see also" points to another entry that may be useful.
 * Follow it only when the path cannot go on here: the input names a subterm
 * this entry lacks, or the input ended on an entry without a code.
 */
static void follow_see_also(wctx *w, uint32_t node, uint32_t i, const ix_toks *left)
{
    const ix_tree *t = w->t;
    mc_str sa = ix_field(t, node, IXF_SEEALSO);
    if (!sa.n || node == 0 || w->also_depth >= 2 || w->see_depth >= MAX_SEE_DEPTH)
        return;
    wstep st[MC_INDEX_MAX_STEPS];
    uint32_t ns = 0, target;
    if (resolve(w, sa, &target, st, &ns) != MC_OK || target == node)
        return;
    uint32_t save = w->n_cur;
    bool ok = true;
    for (uint32_t j = 0; j < ns && ok; j++)
        ok = push(w, st[j].node, MC_STEP_SEE_ALSO, 0);
    if (ok) {
        w->also_depth++;
        walk_from(w, target, i, left);
        w->also_depth--;
    }
    w->n_cur = save;
}

static void walk_from(wctx *w, uint32_t node, uint32_t i, const ix_toks *left)
{
    if (w->budget-- <= 0)
        return;
    consider(w, i, left);
    if (i >= w->n_parts) {
        if (rank_of(w->t, node) == 1)
            follow_see_also(w, node, i, left);
        return;
    }
    const ix_tree *t = w->t;
    cand c[MAX_CAND];
    uint32_t nc = 0;
    ix_toks S1; /* the words of part i (or what is left of it) */
    join_parts(w, i, 1, left, &S1);
    uint32_t kmax = left ? 1 : 5;
    for (uint32_t k = 1; k <= kmax && i + k <= w->n_parts; k++) {
        ix_toks S;
        if (k == 1)
            S = S1;
        else
            join_parts(w, i, k, NULL, &S);
        if (S.n == 0)
            continue;
        if (node == 0) {
            match_main(w, &S, k, c, &nc);
            continue;
        }
        match_children(w, node, &S, k, 0, 0, 0, c, &nc);
        if (k > 1)
            continue;
        /* the "with" convention (I.A.15): look inside with / in / due to subterms */
        uint32_t e = ix_w(t, node, IXF_END);
        for (uint32_t ch = node + 1; ch < e && !in_toks(&S1, "without"); ch = ix_w(t, ch, IXF_END)) {
            if (!is_connective(t, ch))
                continue;
            mc_str ck = ix_field(t, ch, IXF_KEY);
            ix_toks rest = S1;
            /* "with chronic kidney disease" in one part: drop the leading connective */
            ix_toks ckt;
            mc__ix_tokens(ck.p, ck.n, &ckt);
            bool lead = rest.n > ckt.n;
            for (uint32_t q = 0; lead && q < ckt.n; q++)
                lead = !strcmp(rest.t[q], ckt.t[q]);
            if (lead) {
                memmove(rest.t, rest.t + ckt.n, (rest.n - ckt.n) * sizeof rest.t[0]);
                rest.n -= ckt.n;
                match_children(w, ch, &rest, 1, ch, ckt.n, 0, c, &nc);
            } else {
                match_children(w, ch, &rest, 1, ch, 0, -3, c, &nc);
            }
        }
    }
    /* a written "with" / "in" / "due to" the index may not have here: also try passing over it */
    bool exact = false;
    for (uint32_t j = 0; j < nc; j++)
        exact |= c[j].score >= 95 && c[j].k == 1 && !c[j].via;
    /* the part repeats the current term's nonessential modifiers ("Tonsillitis, acute") */
    if (!exact && node != 0 && S1.n) {
        mc_str nm = ix_field(t, node, IXF_NEMOD);
        ix_toks N;
        mc__ix_tokens(nm.p, nm.n, &N);
        bool all = N.n > 0;
        for (uint32_t q = 0; all && q < S1.n; q++)
            all = in_toks(&N, S1.t[q]);
        if (all) {
            walk_from(w, node, i + 1, NULL);
            if (nc == 0)
                return;
        }
    }
    if (!left && node != 0 && !exact && only_connective(&S1)) {
        walk_from(w, node, i + 1, NULL);
        if (nc == 0)
            return;
    }
    if (nc == 0) {
        follow_see_also(w, node, i, left);
        return;
    }
    qsort(c, nc, sizeof *c, cmp_cand);
    uint32_t full = w->n_parts * 64;
    for (uint32_t j = 0; j < nc; j++) {
        uint32_t save = w->n_cur;
        bool ok = true;
        if (c[j].via)
            ok = push(w, c[j].via, c[j].via_typed ? MC_STEP_EXACT : MC_STEP_WITH, 0);
        if (ok && push(w, c[j].node, c[j].how, c[j].score)) {
            uint32_t rest_bits = c[j].used ? ~c[j].used & all_bits(S1.n) : 0;
            if (c[j].k == 1 && rest_bits) {
                ix_toks carry;
                carry.n = 0;
                for (uint32_t q = 0; q < S1.n; q++)
                    if (rest_bits & (1u << q))
                        memcpy(carry.t[carry.n++], S1.t[q], IX_TOK_LEN);
                land(w, c[j].node, i, &carry);
            } else {
                land(w, c[j].node, i + c[j].k, NULL);
            }
        }
        w->n_cur = save;
        /* once a complete path to a code is known, weaker alternatives are not explored */
        if (w->best_progress == full && w->best_rank == 2 && j + 1 < nc &&
            c[j + 1].score < c[j].score)
            break;
        /* approximate candidates only when no good match exists at this level */
        if (j + 1 < nc && c[0].score >= 88 && c[j + 1].score < 70)
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
    for (uint32_t i = 0; i < w->n_parts; i++)
        mc__ix_tokens(w->parts[i].p, w->parts[i].n, &w->ptok[i]);
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
    w->budget = BUDGET / 4; /* a reference names its entry exactly: little search needed */
    int rc = MC_ENOTFOUND;
    if (w->n_parts) {
        walk_from(w, 0, 0, NULL);
        /* a see reference must resolve completely and exactly */
        bool exact = w->have_best && w->best_progress == w->n_parts * 64;
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
        mc_step_how next = j + 1 < w->n_best ? w->best[j + 1].how : MC_STEP_EXACT;
        if (next == MC_STEP_SEE_ALSO && s->how != MC_STEP_SEE_ALSO)
            see = sa;
        if (see.n && (next == MC_STEP_SEE || next == MC_STEP_SEE_ALSO) && s->how != next &&
            out->n_see_followed < MC_INDEX_MAX_REFS)
            out->see_followed[out->n_see_followed++] = see;
    }
    /* a "see also" that was followed is reported once, as followed */
    uint32_t kept = 0;
    for (uint32_t j = 0; j < out->n_see_also; j++) {
        bool followed = false;
        for (uint32_t q = 0; q < out->n_see_followed; q++)
            followed |= out->see_also[j].p == out->see_followed[q].p;
        if (!followed)
            out->see_also[kept++] = out->see_also[j];
    }
    out->n_see_also = kept;
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
    if (w->best_progress < w->n_parts * 64) {
        out->status = MC_WALK_STOPPED;
        if (w->best_left[0]) {
            mc__strlcpy(out->unmatched, w->best_left, sizeof out->unmatched);
        } else {
            const part *p = &w->parts[w->best_used];
            size_t k = p->n < sizeof out->unmatched - 1 ? p->n : sizeof out->unmatched - 1;
            memcpy(out->unmatched, p->p, k);
            out->unmatched[k] = 0;
        }
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
    walk_from(w, from, 0, NULL);
    /* subterms named in another order than the index's ("sacral region, stage 3" where the
       index has "stage 3, sacral region"): when the walk stops at part j, try j-1 and j swapped */
    uint32_t j = w->best_used;
    if (w->have_best && w->best_progress < w->n_parts * 64 && j >= 1 && j < w->n_parts &&
        !w->best_left[0] && (from != 0 || j >= 2)) {
        wctx *w2 = malloc(sizeof *w2);
        if (w2) {
            wctx_init(w2, t, kind, path, n);
            part tp = w2->parts[j - 1];
            ix_toks tt = w2->ptok[j - 1];
            w2->parts[j - 1] = w2->parts[j];
            w2->ptok[j - 1] = w2->ptok[j];
            w2->parts[j] = tp;
            w2->ptok[j] = tt;
            if (from != 0)
                push(w2, from, MC_STEP_EXACT, 0);
            walk_from(w2, from, 0, NULL);
            if (w2->have_best && w2->best_progress == w2->n_parts * 64 && w2->best_rank == 2) {
                wctx *x = w;
                w = w2;
                w2 = x;
            }
            free(w2);
        }
    }
    int rc = MC_OK;
    if (!w->have_best || w->best_progress == 0) {
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

/* Replace each part that is a listed abbreviation by its first expansion. */
static bool expand_abbrev(const mc_index *ix, const char *path, size_t n, char *out, size_t cap)
{
    if (!ix->abbrev)
        return false;
    part parts[MAX_PARTS];
    uint32_t np = split_parts(path, n, parts);
    mc__buf b;
    mc__buf_init(&b, cap - 1);
    bool changed = false;
    for (uint32_t i = 0; i < np; i++) {
        mc_abbrev_entry e;
        mc_str x;
        if (i)
            mc__buf_puts(&b, ", ");
        if (mc_abbrev_lookup(ix->abbrev, parts[i].p, parts[i].n, &e) == MC_OK &&
            !(e.flags & MC_ABBR_AMBIGUOUS) && mc_abbrev_expansion(ix->abbrev, &e, 0, &x) == MC_OK &&
            !mc__str_eq(x, parts[i].p, parts[i].n)) {
            mc__buf_append(&b, x.p, x.n);
            changed = true;
        } else {
            mc__buf_append(&b, parts[i].p, parts[i].n);
        }
    }
    bool ok = changed && !b.err && b.p;
    if (ok)
        mc__strlcpy(out, b.p, cap);
    mc__buf_free(&b);
    return ok;
}

/* No main term: take the best path-search hit that covers every input word. */
static int walk_by_search(const mc_index *ix, mc_index_kind kind, const char *text, size_t n,
                          mc_walk *out)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    mc_index_hit h[1];
    if (mc_index_search(ix, 1u << kind, text, n, h, 1) != 1 || h[0].words_matched < h[0].words_total)
        return MC_ENOTFOUND;
    uint32_t chain[IX_MAX_DEPTH + 1], k = 0;
    for (uint32_t c = h[0].node; c != 0 && k <= IX_MAX_DEPTH && k < MC_INDEX_MAX_STEPS;
         c = ix_w(t, c, IXF_PARENT))
        chain[k++] = c;
    wctx *w = malloc(sizeof *w);
    if (!w)
        return MC_ENOMEM;
    wctx_init(w, t, kind, text, n);
    w->have_best = true;
    w->best_used = w->n_parts;
    w->best_progress = w->n_parts * 64;
    w->n_best = k;
    for (uint32_t i = 0; i < k; i++) {
        wstep s = { chain[k - 1 - i], MC_STEP_PARTIAL, 0 };
        w->best[i] = s;
    }
    char saved[sizeof out->expanded];
    memcpy(saved, out->expanded, sizeof saved);
    memset(out, 0, sizeof *out);
    out->kind = kind;
    fill(w, text, n, out);
    memcpy(out->expanded, saved, sizeof saved);
    out->by_search = true;
    free(w);
    return MC_OK;
}

/* Quality of a walk for choosing between alternatives: status first, then exactness. */
static int walk_quality(int rc, const mc_walk *w)
{
    if (rc != MC_OK)
        return -1000;
    static const int by_status[] = { [MC_WALK_CODE] = 300, [MC_WALK_INCOMPLETE] = 200,
                                     [MC_WALK_SEE_UNRESOLVED] = 100, [MC_WALK_STOPPED] = 0 };
    int q = by_status[w->status] + 10 * (int)w->parts_used;
    for (uint32_t i = 0; i < w->n_steps; i++)
        q -= w->steps[i].how == MC_STEP_PARTIAL ? 3 : 0;
    return q;
}

static bool is_clean(int rc, const mc_walk *w)
{
    if (rc != MC_OK || w->status != MC_WALK_CODE)
        return false;
    for (uint32_t i = 0; i < w->n_steps; i++)
        if (w->steps[i].how == MC_STEP_PARTIAL)
            return false;
    return true;
}

int mc_index_walk(const mc_index *ix, mc_index_kind kind, const char *path, size_t n,
                  mc_walk *out)
{
    /* 1. a listed abbreviation or lay term written as a part ("CKD"): its expansion first */
    char exp[256];
    bool expanded = expand_abbrev(ix, path, n, exp, sizeof exp);
    if (expanded) {
        int rc0 = mc_index_walk_from(ix, kind, 0, exp, strlen(exp), out);
        if (is_clean(rc0, out)) {
            mc__strlcpy(out->expanded, exp, sizeof out->expanded);
            return rc0;
        }
    }
    int rc = mc_index_walk_from(ix, kind, 0, path, n, out);
    if ((rc != MC_OK && rc != MC_ENOTFOUND) || is_clean(rc, out))
        return rc;
    mc_walk *alt = malloc(sizeof *alt);
    if (!alt)
        return MC_ENOMEM;
    const char *text = path;
    size_t tn = n;
    if (expanded) {
        int rc2 = mc_index_walk_from(ix, kind, 0, exp, strlen(exp), alt);
        if (walk_quality(rc2, alt) > walk_quality(rc, out)) {
            *out = *alt;
            mc__strlcpy(out->expanded, exp, sizeof out->expanded);
            rc = rc2;
        }
        text = exp;
        tn = strlen(exp);
    }
    /* 2. no main term, or an approximate one and no code: the best path covering every word
          (a walk that found its main term keeps its answer, even when it stopped early) */
    if (rc != MC_OK || (out->status != MC_WALK_CODE && out->n_steps &&
                        out->steps[0].how == MC_STEP_PARTIAL)) {
        alt->expanded[0] = 0;
        if (text == exp)
            mc__strlcpy(alt->expanded, exp, sizeof alt->expanded);
        int rc3 = walk_by_search(ix, kind, text, tn, alt);
        if (rc3 == MC_OK && alt->status == MC_WALK_CODE) {
            *out = *alt;
            rc = MC_OK;
        }
    }
    free(alt);
    return rc;
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
    case MC_STEP_SEE_ALSO: return "see_also";
    }
    return "unknown";
}
