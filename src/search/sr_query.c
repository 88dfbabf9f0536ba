/*
 * Search query path: parse the query into clauses (a word, or an
 * abbreviation / lay phrase with its expansions as alternatives), resolve
 * each word to index terms (exact stem; when absent, typo candidates within
 * edit distance 1-2 through the trigram index and, for the last word,
 * completions of the prefix), gather matching texts from the postings, score
 * them BM25F-style and keep the best text per code.
 *
 * Scoring of one text s (title, inclusion term or index path):
 *   clause score  = max over alternatives of  w_alt * sum(idf of matched words) / sum(idf)
 *   text score    = sum(clause weight * clause score) * length norm(s) * field weight
 *                   * coverage^2, coverage = mean clause score
 * A code scores its best text, times 0.85 when it is not reportable (a header).
 * Typo and prefix matches count a fraction of a word (0.6-0.9).
 *
 * Memory: the context owns stamp-tagged per-text and per-code arrays sized at
 * creation, so a query never clears or allocates them; everything else comes
 * from one arena reset per query (its first block is kept).
 */
#include "search/search_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_SLOTS = 32, /* query words after expansion; one match-mask bit pair each */
    MAX_CLAUSES = 24,
    MAX_ALTS = 6,
    MAX_FUZZY = 6,
    MAX_TOKENS = 64,
    DF_CREATE = 5000, /* words in more texts than this only mark existing candidates... */
    MIN_CAND = 1000, /* ...once there are this many */
    ARENA_BLOCK = 256 * 1024,
    ARENA_CAP = 32u << 20,
    MEMO_SIZE = 1024, /* power of two */
};

static const float FIELD_W[N_FIELDS] = { 1.0f, 0.9f, 0.95f, 1.0f };
static const float K1 = 1.2f, B = 0.75f, COMPLETE_BONUS = 1.3f;

typedef struct variant {
    uint32_t term;
    float w; /* 1 for the exact word, less for typo / prefix matches */
} variant;

typedef struct slot {
    uint32_t exact; /* term id or UINT32_MAX */
    variant fuzzy[MAX_FUZZY];
    uint32_t n_fuzzy;
    float fuzzy_w; /* weight of a fuzzy-only match */
    float idf; /* 0: the word cannot match anything */
} slot;

typedef struct alt {
    uint32_t first, n; /* slots */
    float w;
} alt;

typedef struct clause {
    alt alts[MAX_ALTS];
    uint32_t n_alts;
    float w;
} clause;

/* The part of a text's score that depends only on which query words it matched. */
typedef struct mask_score {
    uint64_t mask;
    uint32_t ess;
    uint32_t stamp; /* == ctx epoch when valid */
    float score, cov;
    float least; /* the weakest clause's score */
    uint32_t n_ess; /* distinct query words matched outside parentheses */
} mask_score;

struct mc_search_ctx {
    const mc_search *s;
    mc_text *tx;
    mc_abbrev *ab; /* NULL when the bundle has no abbreviation list */
    mc__arena arena;
    uint32_t epoch;
    uint32_t *snip_stamp;
    uint64_t *snip_mask; /* bit i: slot i exact; bit 32+i: slot i fuzzy */
    uint32_t *snip_ess; /* bit i: slot i matched an essential word (outside parentheses) */
    uint32_t *cand;
    uint32_t n_cand;
    uint32_t *doc_stamp;
    float *doc_score;
    uint32_t *doc_snip;
    uint32_t *docs;
    uint32_t n_docs_touched;
    /* the parsed query */
    slot slots[MAX_SLOTS];
    uint32_t n_slots;
    clause clauses[MAX_CLAUSES];
    uint32_t n_clauses;
    mc_str notes[2 * MAX_CLAUSES];
    uint32_t n_notes;
    mask_score memo[MEMO_SIZE];
};

int mc_search_ctx_new(const mc_search *s, mc_search_ctx **out)
{
    *out = NULL;
    mc_search_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return MC_ENOMEM;
    c->s = s;
    size_t ns = (size_t)s->n_snips + 1, nd = (size_t)s->n_docs + 1;
    c->snip_stamp = calloc(ns, sizeof *c->snip_stamp);
    c->snip_mask = malloc(ns * sizeof *c->snip_mask);
    c->snip_ess = malloc(ns * sizeof *c->snip_ess);
    c->cand = malloc(ns * sizeof *c->cand);
    c->doc_stamp = calloc(nd, sizeof *c->doc_stamp);
    c->doc_score = malloc(nd * sizeof *c->doc_score);
    c->doc_snip = malloc(nd * sizeof *c->doc_snip);
    c->docs = malloc(nd * sizeof *c->docs);
    int rc = mc_text_new(&c->tx);
    if (rc || !c->snip_stamp || !c->snip_mask || !c->snip_ess || !c->cand || !c->doc_stamp || !c->doc_score ||
        !c->doc_snip || !c->docs) {
        mc_search_ctx_free(c);
        return MC_ENOMEM;
    }
    if (mc_abbrev_open(s->bundle, &c->ab, NULL) != MC_OK)
        c->ab = NULL;
    mc__arena_init(&c->arena, ARENA_BLOCK, ARENA_CAP);
    *out = c;
    return MC_OK;
}

void mc_search_ctx_free(mc_search_ctx *c)
{
    if (!c)
        return;
    free(c->snip_stamp);
    free(c->snip_mask);
    free(c->snip_ess);
    free(c->cand);
    free(c->doc_stamp);
    free(c->doc_score);
    free(c->doc_snip);
    free(c->docs);
    mc_text_free(c->tx);
    mc_abbrev_close(c->ab);
    mc__arena_free(&c->arena);
    free(c);
}

/* ---- term statistics ---- */

static uint32_t term_df(const mc_search *s, uint32_t t) { return mc__rd32(sr_term(s, t) + 8); }

static float idf_of(const mc_search *s, uint32_t df)
{
    double n = s->n_snips;
    return (float)log(1.0 + (n - df + 0.5) / (df + 0.5));
}

/* ---- typo candidates ---- */

/* Optimal string alignment distance, or max + 1 when it exceeds max. */
static unsigned osa(const char *a, size_t an, const char *b, size_t bn, unsigned max)
{
    if (an > MAX_TERM || bn > MAX_TERM)
        return max + 1;
    if ((an > bn ? an - bn : bn - an) > max)
        return max + 1;
    unsigned d[3][MAX_TERM + 1];
    unsigned *pp = d[0], *p = d[1], *c = d[2];
    for (size_t j = 0; j <= bn; j++)
        p[j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        c[0] = (unsigned)i;
        unsigned rowmin = c[0];
        for (size_t j = 1; j <= bn; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (p[j - 1] + cost < v)
                v = p[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > max)
            return max + 1;
        unsigned *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[bn];
}


static void add_fuzzy(const mc_search *s, slot *sl, uint32_t term, float w)
{
    for (uint32_t i = 0; i < sl->n_fuzzy; i++)
        if (sl->fuzzy[i].term == term) {
            if (w > sl->fuzzy[i].w)
                sl->fuzzy[i].w = w;
            return;
        }
    if (sl->n_fuzzy < MAX_FUZZY) {
        sl->fuzzy[sl->n_fuzzy].term = term;
        sl->fuzzy[sl->n_fuzzy++].w = w;
        return;
    }
    /* full: replace the weakest (lower weight, then rarer) */
    uint32_t worst = 0;
    for (uint32_t i = 1; i < MAX_FUZZY; i++) {
        const variant *a = &sl->fuzzy[i], *b = &sl->fuzzy[worst];
        if (a->w < b->w || (a->w == b->w && term_df(s, a->term) < term_df(s, b->term)))
            worst = i;
    }
    variant *v = &sl->fuzzy[worst];
    if (w > v->w || (w == v->w && term_df(s, term) > term_df(s, v->term))) {
        v->term = term;
        v->w = w;
    }
}

static const unsigned char *surf_rec(const mc_search *s, uint32_t i)
{
    return s->surf + (size_t)i * SURF_SIZE;
}

/*
 * Words of the texts within edit distance 1 (2 for words of 8 bytes or more)
 * of the folded query word, found through the trigram index over surface
 * words: a candidate must share all but 4 trigrams per allowed edit.
 */
static void typo_candidates(mc_search_ctx *c, slot *sl, const char *w, size_t wn)
{
    const mc_search *s = c->s;
    unsigned maxd = wn >= 8 ? 2 : 1;
    if (wn < 4 || wn > MAX_TERM - 2)
        return;
    uint32_t lo_len = (uint32_t)(wn - maxd), hi_len = (uint32_t)(wn + maxd);
    if (hi_len > MAX_TERM)
        hi_len = MAX_TERM;
    uint32_t id_lo = mc__rd32(s->surflen + 4 * lo_len);
    uint32_t id_hi = mc__rd32(s->surflen + 4 * (hi_len + 1));
    char pad[MAX_TERM + 3];
    pad[0] = '^';
    memcpy(pad + 1, w, wn);
    pad[wn + 1] = '$';
    size_t ntri = wn;
    size_t cap = 8192, n = 0;
    uint32_t *ids = mc__arena_alloc(&c->arena, cap * sizeof *ids);
    if (!ids)
        return;
    for (size_t j = 0; j < ntri; j++) {
        uint32_t g = (uint32_t)(unsigned char)pad[j] | (uint32_t)(unsigned char)pad[j + 1] << 8 |
                     (uint32_t)(unsigned char)pad[j + 2] << 16;
        uint32_t lo = 0, hi = s->n_tris;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (mc__rd32(s->tris + (size_t)mid * TRI_SIZE) < g)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= s->n_tris || mc__rd32(s->tris + (size_t)lo * TRI_SIZE) != g)
            continue;
        const unsigned char *t = s->tris + (size_t)lo * TRI_SIZE;
        uint32_t off = mc__rd32(t + 4), cnt = mc__rd32(t + 8);
        const unsigned char *list = s->tripost + (size_t)off * 4;
        uint32_t a = 0, b = cnt;
        while (a < b) {
            uint32_t mid = a + (b - a) / 2;
            if (mc__rd32(list + 4 * mid) < id_lo)
                a = mid + 1;
            else
                b = mid;
        }
        for (uint32_t k = a; k < cnt && n < cap; k++) {
            uint32_t id = mc__rd32(list + 4 * k);
            if (id >= id_hi)
                break;
            ids[n++] = id;
        }
    }
    /* count shared trigrams per word with a small open-addressing table */
    size_t need = ntri > 4 * maxd ? ntri - 4 * maxd : 1;
    uint32_t slots = 2 * (uint32_t)cap;
    uint32_t *key = mc__arena_alloc(&c->arena, slots * sizeof *key);
    uint8_t *cnt = mc__arena_zalloc(&c->arena, slots);
    if (!key || !cnt)
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t h = (ids[i] * 2654435761u) & (slots - 1);
        while (cnt[h] && key[h] != ids[i])
            h = (h + 1) & (slots - 1);
        key[h] = ids[i];
        if (cnt[h] < 255 && ++cnt[h] == need && ids[i] < s->n_surf) {
            const unsigned char *r = surf_rec(s, ids[i]);
            unsigned d = osa(w, wn, s->surfstr + mc__rd32(r), mc__rd32(r + 4), maxd);
            if (d >= 1 && d <= maxd)
                add_fuzzy(s, sl, mc__rd32(r + 8), d == 1 ? 0.8f : 0.6f);
        }
    }
}

/* Index words that start with the word being typed (the last word of the query). */
static void prefix_candidates(const mc_search *s, slot *sl, const char *p, size_t pn)
{
    if (pn < 3 || pn >= MAX_TERM)
        return;
    for (size_t len = pn + 1; len <= MAX_TERM; len++) {
        uint32_t lo = mc__rd32(s->surflen + 4 * len), hi = mc__rd32(s->surflen + 4 * (len + 1));
        uint32_t end = hi;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (memcmp(s->surfstr + mc__rd32(surf_rec(s, mid)), p, pn) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (uint32_t i = lo; i < end && i < s->n_surf; i++) {
            const unsigned char *r = surf_rec(s, i);
            if (mc__rd32(r + 4) != len || memcmp(s->surfstr + mc__rd32(r), p, pn) != 0)
                break;
            add_fuzzy(s, sl, mc__rd32(r + 8), 0.9f);
        }
    }
}

/* ---- parsing ---- */

typedef struct qtok {
    uint32_t start, end, flags;
    char term[MAX_TERM + 1]; /* analysed (stemmed); "" for a stop word */
    uint32_t term_n;
    char folded[MAX_TERM + 1];
    uint32_t folded_n;
} qtok;

static void add_note(mc_search_ctx *c, const char *sep, const char *a, size_t an, const char *b,
                     size_t bn)
{
    if (c->n_notes >= sizeof c->notes / sizeof c->notes[0])
        return;
    size_t cap = an + bn + strlen(sep) + 1;
    char *p = mc__arena_alloc(&c->arena, cap);
    if (!p)
        return;
    int k = snprintf(p, cap, "%.*s%s%.*s", (int)an, a, sep, (int)bn, b);
    if (k > 0)
        c->notes[c->n_notes++] = mc__str(p, (size_t)k < cap ? (size_t)k : cap - 1);
}

/* A new slot for an analysed word; fuzzy = look for typos/completions when absent. */
static int new_slot(mc_search_ctx *c, const char *term, size_t tn, const char *folded, size_t fn,
                    bool fuzzy, bool last_word)
{
    if (c->n_slots >= MAX_SLOTS)
        return -1;
    const mc_search *s = c->s;
    slot *sl = &c->slots[c->n_slots];
    memset(sl, 0, sizeof *sl);
    sl->exact = mc__sr_term_find(s, term, tn);
    if (sl->exact == UINT32_MAX && fuzzy) {
        if (last_word)
            prefix_candidates(s, sl, folded, fn);
        typo_candidates(c, sl, folded, fn);
    }
    /* only the nearest corrections: a distance-2 word does not ride on a distance-1 weight */
    float top = 0;
    for (uint32_t i = 0; i < sl->n_fuzzy; i++)
        if (sl->fuzzy[i].w > top)
            top = sl->fuzzy[i].w;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < sl->n_fuzzy; i++)
        if (sl->fuzzy[i].w == top)
            sl->fuzzy[kept++] = sl->fuzzy[i];
    sl->n_fuzzy = kept;
    if (sl->exact != UINT32_MAX) {
        sl->idf = idf_of(s, term_df(s, sl->exact));
    } else if (sl->n_fuzzy) {
        float best = 0;
        for (uint32_t i = 0; i < sl->n_fuzzy; i++) {
            if (sl->fuzzy[i].w > sl->fuzzy_w)
                sl->fuzzy_w = sl->fuzzy[i].w;
            float f = idf_of(s, term_df(s, sl->fuzzy[i].term));
            if (f > best)
                best = f;
        }
        sl->idf = best;
        const unsigned char *tr = sr_term(s, sl->fuzzy[0].term);
        add_note(c, " ~ ", folded, fn, s->termstr + mc__rd32(tr), mc__rd32(tr + 12));
    }
    return (int)c->n_slots++;
}

/* Alternative made of the analysed words of text (an expansion). */
static bool add_text_alt(mc_search_ctx *c, clause *cl, const char *text, size_t n, float w)
{
    if (cl->n_alts >= MAX_ALTS)
        return false;
    alt *a = &cl->alts[cl->n_alts];
    a->first = c->n_slots;
    a->n = 0;
    a->w = w;
    mc_tokenizer tk;
    mc_token t;
    mc_tokenizer_init(&tk, text, n);
    char term[MAX_TERM + 1];
    while (mc_tokenizer_next(&tk, &t)) {
        bool unspec;
        size_t tn = mc__sr_analyze(c->tx, text + t.start, t.end - t.start, term, &unspec);
        if (!tn)
            continue;
        if (new_slot(c, term, tn, term, tn, false, false) < 0)
            break;
        a->n++;
    }
    if (a->n)
        cl->n_alts++;
    return a->n > 0;
}

static void add_token_alt(mc_search_ctx *c, clause *cl, const qtok *toks, uint32_t from,
                          uint32_t to, uint32_t ntok, bool trailing_space, float w, bool fuzzy_ok)
{
    alt *a = &cl->alts[cl->n_alts];
    a->first = c->n_slots;
    a->n = 0;
    a->w = w;
    for (uint32_t i = from; i < to; i++) {
        if (!toks[i].term_n)
            continue;
        bool last = i + 1 == ntok && !trailing_space;
        bool fuzzy = fuzzy_ok && !(toks[i].flags & MC_TOK_DIGIT);
        if (new_slot(c, toks[i].term, toks[i].term_n, toks[i].folded, toks[i].folded_n, fuzzy,
                     last) < 0)
            break;
        a->n++;
    }
    if (a->n)
        cl->n_alts++;
}

static int parse(mc_search_ctx *c, const char *q, size_t n)
{
    qtok *toks = mc__arena_alloc(&c->arena, MAX_TOKENS * sizeof *toks);
    if (!toks)
        return MC_ENOMEM;
    uint32_t ntok = 0;
    mc_tokenizer tk;
    mc_token t;
    mc_tokenizer_init(&tk, q, n);
    while (ntok < MAX_TOKENS && mc_tokenizer_next(&tk, &t)) {
        qtok *x = &toks[ntok];
        x->start = t.start;
        x->end = t.end;
        x->flags = t.flags;
        bool unspec;
        x->term_n = (uint32_t)mc__sr_analyze(c->tx, q + t.start, t.end - t.start, x->term, &unspec);
        size_t fn = mc_text_fold_token(q + t.start, t.end - t.start, x->folded, sizeof x->folded);
        x->folded_n = (uint32_t)(fn > MAX_TERM ? MAX_TERM : fn);
        ntok++;
    }
    if (ntok == 0)
        return MC_EINVAL;
    bool trailing_space = n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t');
    uint32_t max_ab = c->ab ? mc_abbrev_max_tokens(c->ab) : 0;
    uint32_t i = 0;
    while (i < ntok && c->n_clauses < MAX_CLAUSES && c->n_slots < MAX_SLOTS) {
        clause *cl = &c->clauses[c->n_clauses];
        memset(cl, 0, sizeof *cl);
        uint32_t used = 0;
        for (uint32_t L = max_ab < ntok - i ? max_ab : ntok - i; L >= 1 && !used; L--) {
            mc_abbrev_entry e;
            const char *p = q + toks[i].start;
            size_t pn = toks[i + L - 1].end - toks[i].start;
            if (mc_abbrev_lookup(c->ab, p, pn, &e))
                continue;
            bool upper = (toks[i].flags & MC_TOK_UPPER) != 0;
            if ((e.flags & MC_ABBR_UPPER) && !upper && ntok != L)
                continue;
            /* a lay term stands for its expansion; its own words count less */
            add_token_alt(c, cl, toks, i, i + L, ntok, true,
                          (e.flags & MC_ABBR_LAY) ? 0.8f : 1.0f, false);
            for (uint32_t k = 0; k < e.n_expansions; k++) {
                mc_str x;
                if (mc_abbrev_expansion(c->ab, &e, k, &x) == MC_OK &&
                    add_text_alt(c, cl, x.p, x.n, (e.flags & MC_ABBR_AMBIGUOUS) ? 0.9f : 0.95f))
                    add_note(c, " -> ", p, pn, x.p, x.n);
            }
            used = L;
        }
        if (!used) {
            add_token_alt(c, cl, toks, i, i + 1, ntok, trailing_space, 1.0f, true);
            used = 1;
        }
        i += used;
        /* clause weight: the strongest alternative's mean idf */
        float w = 0;
        for (uint32_t a = 0; a < cl->n_alts; a++) {
            float sum = 0;
            for (uint32_t k = 0; k < cl->alts[a].n; k++)
                sum += c->slots[cl->alts[a].first + k].idf;
            float mean = cl->alts[a].n ? sum / (float)cl->alts[a].n : 0;
            if (mean * cl->alts[a].w > w)
                w = mean * cl->alts[a].w;
        }
        cl->w = w;
        if (cl->n_alts && w > 0)
            c->n_clauses++;
    }
    return MC_OK;
}

/* ---- gathering ---- */

static void touch(mc_search_ctx *c, uint32_t v, uint64_t bit, uint32_t ess, bool create)
{
    uint32_t snip = v & 0xFFFFFFu;
    if (snip >= c->s->n_snips)
        return;
    if (c->snip_stamp[snip] != c->epoch) {
        if (!create)
            return;
        c->snip_stamp[snip] = c->epoch;
        c->snip_mask[snip] = 0;
        c->snip_ess[snip] = 0;
        c->cand[c->n_cand++] = snip;
    }
    c->snip_mask[snip] |= bit;
    if (v >> 31)
        c->snip_ess[snip] |= ess;
}

static void walk(mc_search_ctx *c, uint32_t term, uint64_t bit, uint32_t ess, bool create)
{
    const unsigned char *tr = sr_term(c->s, term);
    const unsigned char *p = c->s->post + (size_t)mc__rd32(tr + 4) * 4;
    uint32_t df = mc__rd32(tr + 8);
    for (uint32_t i = 0; i < df; i++)
        touch(c, mc__rd32(p + 4 * i), bit, ess, create);
}

/* Mark candidates that contain term by binary search (for very common words). */
static void probe(mc_search_ctx *c, uint32_t term, uint64_t bit, uint32_t ess)
{
    const unsigned char *tr = sr_term(c->s, term);
    const unsigned char *p = c->s->post + (size_t)mc__rd32(tr + 4) * 4;
    uint32_t df = mc__rd32(tr + 8);
    for (uint32_t k = 0; k < c->n_cand; k++) {
        uint32_t snip = c->cand[k], lo = 0, hi = df;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if ((mc__rd32(p + 4 * mid) & 0xFFFFFFu) < snip)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < df && (mc__rd32(p + 4 * lo) & 0xFFFFFFu) == snip) {
            c->snip_mask[snip] |= bit;
            if (mc__rd32(p + 4 * lo) >> 31)
                c->snip_ess[snip] |= ess;
        }
    }
}

typedef struct pending {
    uint32_t term, df, ess;
    uint64_t bit;
} pending;

static int pending_cmp(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    return x->df < y->df ? -1 : x->df > y->df;
}

/*
 * Rarest words first: they create the candidate texts; once there are
 * enough candidates, more common words (df > DF_CREATE) only mark the
 * candidates that contain them (binary search when that is cheaper than a
 * walk). A text with none of the selective words cannot reach the top with
 * coverage squared in the score, and skipping it keeps the query fast.
 */
static void gather(mc_search_ctx *c)
{
    const mc_search *s = c->s;
    pending pv[MAX_SLOTS * (MAX_FUZZY + 1)];
    uint32_t np = 0;
    c->n_cand = 0;
    for (uint32_t i = 0; i < c->n_slots; i++) {
        slot *sl = &c->slots[i];
        for (uint32_t v = 0; v <= sl->n_fuzzy; v++) {
            uint32_t term = v == 0 ? sl->exact : sl->fuzzy[v - 1].term;
            if (term == UINT32_MAX || term >= s->n_terms)
                continue;
            pv[np].term = term;
            pv[np].df = term_df(s, term);
            pv[np].bit = v == 0 ? 1ull << i : 1ull << (32 + i);
            pv[np].ess = 1u << i;
            np++;
        }
    }
    qsort(pv, np, sizeof pv[0], pending_cmp);
    for (uint32_t k = 0; k < np; k++) {
        const pending *p = &pv[k];
        if (p->df <= DF_CREATE || c->n_cand == 0 ||
            (c->n_cand < MIN_CAND && c->n_cand + p->df <= 4 * DF_CREATE))
            walk(c, p->term, p->bit, p->ess, true);
        else if ((uint64_t)c->n_cand * 20 < p->df)
            probe(c, p->term, p->bit, p->ess);
        else
            walk(c, p->term, p->bit, p->ess, false);
    }
}

/* ---- scoring ---- */

static void score_mask(const mc_search_ctx *c, uint64_t mask, uint32_t ess, mask_score *m)
{
    float score = 0, covered = 0, least = 1;
    for (uint32_t k = 0; k < c->n_clauses; k++) {
        const clause *cl = &c->clauses[k];
        float best = 0;
        for (uint32_t a = 0; a < cl->n_alts; a++) {
            const alt *al = &cl->alts[a];
            float num = 0, den = 0;
            for (uint32_t j = 0; j < al->n; j++) {
                uint32_t si = al->first + j;
                const slot *sl = &c->slots[si];
                den += sl->idf;
                if (mask >> si & 1)
                    num += sl->idf;
                else if (mask >> (32 + si) & 1)
                    num += sl->idf * sl->fuzzy_w;
            }
            float v = den > 0 ? al->w * num / den : 0;
            if (v > best)
                best = v;
        }
        score += cl->w * best;
        covered += best;
        if (best < least)
            least = best;
    }
    m->least = least;
    m->score = score;
    m->cov = covered / (float)c->n_clauses;
    uint32_t seen[MAX_SLOTS], n_seen = 0;
    for (uint32_t i = 0; i < c->n_slots; i++) {
        if (!(ess >> i & 1))
            continue;
        uint32_t id = mask >> i & 1 ? c->slots[i].exact : 0x80000000u | i;
        bool dup = false;
        for (uint32_t k = 0; k < n_seen && !dup; k++)
            dup = seen[k] == id;
        if (!dup)
            seen[n_seen++] = id;
    }
    m->n_ess = n_seen;
}

static float text_score(mc_search_ctx *c, uint64_t mask, uint32_t ess, const unsigned char *snip)
{
    /* texts share few distinct match patterns: score each pattern once per query */
    uint64_t h = (mask ^ (mask >> 29) ^ ((uint64_t)ess * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
    mask_score *m = &c->memo[(h >> 54) & (MEMO_SIZE - 1)];
    if (m->stamp != c->epoch || m->mask != mask || m->ess != ess) {
        m->stamp = c->epoch;
        m->mask = mask;
        m->ess = ess;
        score_mask(c, mask, ess, m);
    }
    unsigned field = snip[10] < N_FIELDS ? snip[10] : 0;
    float len = (float)snip[11];
    float norm = (K1 + 1) / (1 + K1 * (1 - B + B * len / c->s->avg_tokens[field]));
    /* a text whose every essential word the query matched, and that matches every part
     * of the query (each clause at least half), is exactly what was asked for */
    float complete = m->n_ess >= snip[11] && m->least >= 0.55f ? COMPLETE_BONUS : 1.0f;
    return m->score * norm * FIELD_W[field] * m->cov * m->cov * complete;
}

static bool better(const mc_search_ctx *c, uint32_t a, uint32_t b)
{
    if (c->doc_score[a] != c->doc_score[b])
        return c->doc_score[a] > c->doc_score[b];
    const unsigned char *da = sr_doc(c->s, a), *db = sr_doc(c->s, b);
    if ((da[9] & DOC_BILLABLE) != (db[9] & DOC_BILLABLE))
        return (da[9] & DOC_BILLABLE) != 0;
    if (da[10] != db[10])
        return da[10] < db[10];
    return a < b;
}

/* Keep the best `lim` documents in heap[0..*n) (a min-heap by `better`). */
static void heap_push(const mc_search_ctx *c, uint32_t *heap, uint32_t *n, uint32_t lim,
                      uint32_t doc)
{
    if (*n < lim) {
        uint32_t i = (*n)++;
        heap[i] = doc;
        while (i > 0) {
            uint32_t p = (i - 1) / 2;
            if (!better(c, heap[p], heap[i]))
                break;
            uint32_t t = heap[p];
            heap[p] = heap[i];
            heap[i] = t;
            i = p;
        }
        return;
    }
    if (!better(c, doc, heap[0]))
        return;
    heap[0] = doc;
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && better(c, heap[m], heap[l]))
            m = l;
        if (r < *n && better(c, heap[m], heap[r]))
            m = r;
        if (m == i)
            break;
        uint32_t t = heap[m];
        heap[m] = heap[i];
        heap[i] = t;
        i = m;
    }
}

static void rank(mc_search_ctx *c, const mc_search_opts *o, mc_search_result *out)
{
    const mc_search *s = c->s;
    c->n_docs_touched = 0;
    for (uint32_t k = 0; k < c->n_cand; k++) {
        uint32_t si = c->cand[k];
        const unsigned char *sn = sr_snip(s, si);
        uint32_t doc = mc__rd32(sn);
        if (doc >= s->n_docs || !mc__sr_doc_ok(s, doc, o))
            continue;
        float sc = text_score(c, c->snip_mask[si], c->snip_ess[si], sn);
        if (!(sr_doc(s, doc)[9] & DOC_BILLABLE))
            sc *= 0.85f;
        if (c->doc_stamp[doc] != c->epoch) {
            c->doc_stamp[doc] = c->epoch;
            c->doc_score[doc] = sc;
            c->doc_snip[doc] = si;
            c->docs[c->n_docs_touched++] = doc;
        } else if (sc > c->doc_score[doc]) {
            c->doc_score[doc] = sc;
            c->doc_snip[doc] = si;
        }
    }
    uint32_t lim = o->limit, nh = 0;
    uint32_t *heap = mc__arena_alloc(&c->arena, (size_t)lim * sizeof *heap);
    mc_search_hit *hits = mc__arena_alloc(&c->arena, (size_t)lim * sizeof *hits);
    out->hits = hits;
    out->n = 0;
    out->n_candidates = c->n_docs_touched;
    if (!heap || !hits)
        return;
    for (uint32_t k = 0; k < c->n_docs_touched; k++)
        if (c->doc_score[c->docs[k]] > 0)
            heap_push(c, heap, &nh, lim, c->docs[k]);
    /* pop worst-first into the tail */
    for (uint32_t i = nh; i > 0; i--) {
        uint32_t doc = heap[0];
        uint32_t last = heap[--nh];
        /* sift down after moving the last element to the root */
        heap[0] = last;
        uint32_t j = 0;
        for (;;) {
            uint32_t l = 2 * j + 1, r = l + 1, m = j;
            if (l < nh && better(c, heap[m], heap[l]))
                m = l;
            if (r < nh && better(c, heap[m], heap[r]))
                m = r;
            if (m == j)
                break;
            uint32_t t = heap[m];
            heap[m] = heap[j];
            heap[j] = t;
            j = m;
        }
        mc_search_hit *h = &hits[i - 1];
        mc__sr_fill_hit(s, doc, h);
        const unsigned char *sn = sr_snip(s, c->doc_snip[doc]);
        h->field = (mc_search_field)(sn[10] < N_FIELDS ? sn[10] : 0);
        h->matched = mc__str(s->text + mc__rd32(sn + 4), mc__rd16(sn + 8));
        h->score = c->doc_score[doc];
        out->n++;
    }
}

/* ---- entry point ---- */

int mc_search_query(mc_search_ctx *c, const char *q, size_t n, const mc_search_opts *opts,
                    mc_search_result *out, mc_diag *diag)
{
    memset(out, 0, sizeof *out);
    mc_search_opts o = opts ? *opts : (mc_search_opts){ 0 };
    if (!o.systems)
        o.systems = MC_SYS_ALL;
    if (o.systems & ~(unsigned)MC_SYS_ALL)
        return mc_diag_set(diag, MC_ERANGE, "unknown code system bits 0x%x", o.systems);
    if (!o.limit)
        o.limit = 10;
    if (o.limit > MC_SEARCH_MAX_LIMIT)
        return mc_diag_set(diag, MC_ERANGE, "limit %u is above the maximum %d", o.limit,
                           MC_SEARCH_MAX_LIMIT);
    if (o.chapter > 22)
        return mc_diag_set(diag, MC_ERANGE, "chapter %u: ICD-10-CM chapters are 1 to 22",
                           o.chapter);
    if (n > MC_SEARCH_MAX_QUERY)
        return mc_diag_set(diag, MC_ELIMIT, "query is %zu bytes; the limit is %d", n,
                           MC_SEARCH_MAX_QUERY);
    size_t bad;
    if (mc_utf8_check(q, n, &bad))
        return mc_diag_set(diag, MC_EFORMAT, "query is not valid UTF-8 (byte %zu)", bad);
    mc__arena_reset(&c->arena);
    c->n_slots = c->n_clauses = c->n_notes = 0;
    if (++c->epoch == 0) {
        memset(c->snip_stamp, 0, (size_t)c->s->n_snips * sizeof *c->snip_stamp);
        memset(c->doc_stamp, 0, (size_t)c->s->n_docs * sizeof *c->doc_stamp);
        c->epoch = 1;
    }
    mc_search_hit *hits = mc__arena_alloc(&c->arena, (size_t)o.limit * sizeof *hits);
    if (!hits)
        return MC_ENOMEM;
    uint32_t nh;
    mc_abbrev_entry ae;
    bool is_abbrev = c->ab && mc_abbrev_lookup(c->ab, q, n, &ae) == MC_OK;
    if (!is_abbrev && mc__sr_typeahead(c->s, q, n, &o, hits, &nh)) {
        out->hits = hits;
        out->n = nh;
        out->typeahead = true;
        out->n_candidates = nh;
        return MC_OK;
    }
    int rc = parse(c, q, n);
    if (rc == MC_EINVAL)
        return mc_diag_set(diag, MC_EINVAL, "query has no words to search for");
    if (rc)
        return mc_diag_set(diag, rc, "query: %s", mc_strerror(rc));
    out->notes = c->notes;
    out->n_notes = c->n_notes;
    if (c->n_clauses == 0)
        return MC_OK;
    gather(c);
    rank(c, &o, out);
    out->notes = c->notes;
    out->n_notes = c->n_notes;
    return MC_OK;
}
