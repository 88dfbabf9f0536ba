/*
 * Searching the index without a walk: suggestions for an unknown main term,
 * ranked fuzzy search over whole index paths, and the exact term -> entries
 * look-up the automatic coder uses.
 *
 * The path search is one pre-order pass per tree: a node's path covers the
 * query words matched by its own title or any ancestor's (a bit mask per
 * depth), so "femur neck fracture" finds "Fracture, traumatic, femur, neck"
 * with no per-node allocation.
 */
#include "index/ix_int.h"

#include <math.h>
#include <string.h>

/* Insert a hit into a list sorted by score (best first), keeping at most cap. */
static void keep(mc_index_hit *hits, uint32_t *n, uint32_t cap, mc_index_hit h)
{
    if (cap == 0)
        return;
    if (*n == cap && hits[cap - 1].score >= h.score)
        return;
    uint32_t i = *n < cap ? (*n)++ : cap - 1;
    while (i > 0 && hits[i - 1].score < h.score) {
        hits[i] = hits[i - 1];
        i--;
    }
    hits[i] = h;
}

uint32_t mc_index_suggest(const mc_index *ix, mc_index_kind kind, const char *term, size_t n,
                          uint32_t *ids, uint32_t cap)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (!t || !term || cap == 0)
        return 0;
    /* only the first comma part names the main term */
    const char *comma = memchr(term, ',', n);
    size_t m = comma ? (size_t)(comma - term) : n;
    ix_toks S;
    mc__ix_tokens(term, m, &S);
    if (S.n == 0)
        return 0;
    char key[512];
    ix_toks sorted = S;
    mc__ix_toks_sort(&sorted);
    size_t kn = mc__ix_toks_key(&sorted, key, sizeof key);
    enum { MAXH = 64 };
    mc_index_hit hits[MAXH];
    uint32_t nh = 0;
    uint32_t e = ix_w(t, 0, IXF_END);
    for (uint32_t c = 1; c < e; c = ix_w(t, c, IXF_END)) {
        mc_step_how how;
        double s = mc__ix_match(t, c, &S, &how);
        /* spelling: distance between the whole keys, and against the first word */
        mc_str k = ix_field(t, c, IXF_KEY);
        uint32_t d = mc__ix_edit_distance(key, kn, k.p, k.n, 3);
        if (d <= 3)
            s = fmax(s, 70 - 10.0 * d);
        /* word by word: typos (edit distance) and prefixes of title words */
        ix_toks T;
        mc__ix_key_toks(t, c, &T);
        double sum = 0, top = 0;
        uint32_t hit = 0;
        for (uint32_t q = 0; q < S.n; q++) {
            size_t qn = strlen(S.t[q]);
            double bestv = 0;
            for (uint32_t i = 0; i < T.n; i++) {
                size_t tn = strlen(T.t[i]);
                double v = 0;
                if (!strcmp(S.t[q], T.t[i]))
                    v = 1;
                else if (qn >= 3 && tn > qn && !memcmp(T.t[i], S.t[q], qn))
                    v = 0.7;
                else if (qn >= 4) {
                    uint32_t dd = mc__ix_edit_distance(S.t[q], qn, T.t[i], tn, 2);
                    v = dd == 1 ? 0.8 : (dd == 2 && qn >= 6) ? 0.6 : 0;
                }
                if (v > bestv)
                    bestv = v;
            }
            sum += bestv;
            top = fmax(top, bestv);
            hit += bestv > 0;
        }
        if (hit)
            s = fmax(s, 50 * top + 15 * (sum - top) - 2.0 * (T.n > hit ? T.n - hit : 0));
        if (ix_field(t, c, IXF_SEE).n && !ix_field(t, c, IXF_CODE).n)
            s -= 3; /* prefer the entry itself to a cross-reference */
        if (s < 30)
            continue;
        mc_index_hit h = { kind, c, s, 0, S.n };
        keep(hits, &nh, MAXH < cap ? MAXH : cap, h);
    }
    for (uint32_t i = 0; i < nh; i++)
        ids[i] = hits[i].node;
    return nh;
}

static uint32_t popcount(uint32_t x) { return (uint32_t)__builtin_popcount(x); }

static void search_tree(const ix_tree *t, mc_index_kind kind, const ix_toks *Q, mc_index_hit *hits,
                        uint32_t *nh, uint32_t cap)
{
    uint32_t path_mask[IX_MAX_DEPTH + 2] = { 0 };
    uint32_t full = Q->n >= 32 ? 0xffffffffu : (1u << Q->n) - 1;
    uint32_t need = Q->n >= 3 ? Q->n - 1 : Q->n;
    size_t qlen[IX_MAX_TOK];
    bool first[256] = { false };
    for (uint32_t q = 0; q < Q->n; q++) {
        qlen[q] = strlen(Q->t[q]);
        first[(unsigned char)Q->t[q][0]] = true;
    }
    for (uint32_t id = 1; id < t->n_nodes; id++) {
        uint32_t d = ix_depth(t, id);
        mc_str key = ix_field(t, id, IXF_KEY);
        uint32_t own = 0, extra = 0;
        for (uint32_t i = 0; i < key.n;) {
            uint32_t j = i;
            while (j < key.n && key.p[j] != ' ')
                j++;
            bool hit = false;
            /* a word can only match a query word with the same first letter */
            if (first[(unsigned char)key.p[i]])
                for (uint32_t q = 0; q < Q->n; q++)
                    if (Q->t[q][0] == key.p[i] &&
                        mc__ix_tok_eq_n(key.p + i, j - i, Q->t[q], qlen[q]) > 0) {
                        own |= 1u << q;
                        hit = true;
                    }
            extra += !hit;
            i = j + 1;
        }
        uint32_t mask = own | (d >= 1 ? path_mask[d - 1] : 0);
        path_mask[d] = mask;
        if (!own)
            continue;
        uint32_t covered = popcount(mask & full);
        if (covered < need)
            continue;
        bool coded = ix_field(t, id, IXF_CODE).n || ix_w(t, id, IXF_ROW) != MC_NONE ||
                     ix_field(t, id, IXF_SUBCAT).n || ix_field(t, id, IXF_SEECAT).n;
        bool see = ix_field(t, id, IXF_SEE).n > 0;
        if (!coded && !see)
            continue;
        /* all words > most words; codes > see references; short, tight paths first */
        /* the main term names the condition: prefer paths whose main term is a query word */
        bool main_hit = (d == 1 ? own : path_mask[1]) != 0;
        double s = 10.0 * covered + (covered == Q->n ? 20 : 0) + (coded ? 3 : 0) +
                   (main_hit ? 0 : -4) - 0.6 * d -
                   0.3 * extra - (kind == MC_INDEX_DISEASE ? 0 : 0.5);
        mc_index_hit h = { kind, id, s, covered, Q->n };
        keep(hits, nh, cap, h);
    }
}

uint32_t mc_index_search(const mc_index *ix, unsigned kinds, const char *query, size_t n,
                         mc_index_hit *hits, uint32_t cap)
{
    if (!ix || !query || cap == 0)
        return 0;
    ix_toks Q;
    mc__ix_tokens(query, n, &Q);
    if (Q.n == 0)
        return 0;
    if (Q.n > 31)
        Q.n = 31;
    if (kinds == 0)
        kinds = (1u << MC_INDEX_KINDS) - 1;
    uint32_t nh = 0;
    for (int k = 0; k < MC_INDEX_KINDS; k++) {
        const ix_tree *t = mc__ix_tree(ix, (mc_index_kind)k);
        if (t && (kinds & (1u << k)))
            search_tree(t, (mc_index_kind)k, &Q, hits, &nh, cap);
    }
    return nh;
}

uint32_t mc_index_term_lookup(const mc_index *ix, mc_index_kind kind, const char *term, size_t n,
                              uint32_t *ids, uint32_t cap)
{
    const ix_tree *t = mc__ix_tree(ix, kind);
    if (!t || !term)
        return 0;
    char key[512];
    size_t kn = mc__ix_key(term, n, key, sizeof key);
    if (kn == 0)
        return 0;
    /* binary search for the first equal key */
    uint32_t lo = 0, hi = t->n_all;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        mc_str s = ix_str(t, mc__rd32(t->all_keys + 8 * (size_t)mid));
        size_t m = s.n < kn ? s.n : kn;
        int c = memcmp(s.p, key, m);
        if (c == 0)
            c = s.n < kn ? -1 : s.n > kn;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t k = 0;
    /* two passes: main terms first, then subterms, each in index order */
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = lo; i < t->n_all; i++) {
            mc_str s = ix_str(t, mc__rd32(t->all_keys + 8 * (size_t)i));
            if (s.n != kn || memcmp(s.p, key, kn))
                break;
            uint32_t id = mc__rd32(t->all_keys + 8 * (size_t)i + 4);
            bool main_term = ix_depth(t, id) == 1;
            if ((pass == 0) != main_term)
                continue;
            if (k < cap)
                ids[k] = id;
            k++;
        }
    return k;
}
