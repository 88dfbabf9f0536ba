/*
 * Search reader: opening and validating the SRCH section, term look-up,
 * the shared analysis step, hit filling and code-prefix typeahead.
 */
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>

static float fl(const unsigned char *p)
{
    uint32_t u = mc__rd32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

int mc_search_open(const mc_bundle *b, mc_search **out, mc_diag *diag)
{
    *out = NULL;
    const void *data;
    size_t n;
    if (mc_bundle_section(b, "SRCH", &data, &n))
        return mc_diag_set(diag, MC_ENOTFOUND,
                           "the bundle has no search section (SRCH): rebuild it with 'medcode build'");
    const unsigned char *p = data;
    if (n < SR_HDR + T_COUNT * 8 || mc__rd32(p) != SR_MAGIC)
        return mc_diag_set(diag, MC_ECORRUPT, "SRCH: bad header");
    if (mc__rd32(p + 4) != SR_VERSION)
        return mc_diag_set(diag, MC_EVERSION, "SRCH: version %u, expected %u: rebuild the bundle",
                           mc__rd32(p + 4), SR_VERSION);
    mc_search *s = calloc(1, sizeof *s);
    if (!s)
        return MC_ENOMEM;
    s->bundle = b;
    s->n_docs = mc__rd32(p + 8);
    s->n_snips = mc__rd32(p + 12);
    s->n_terms = mc__rd32(p + 16);
    s->n_post = mc__rd32(p + 20);
    s->n_tris = mc__rd32(p + 24);
    s->n_tripost = mc__rd32(p + 28);
    s->termstr_n = mc__rd32(p + 32);
    s->text_n = mc__rd32(p + 36);
    s->n_surf = mc__rd32(p + 40);
    s->surfstr_n = mc__rd32(p + 44);
    for (int i = 0; i < N_FIELDS; i++) {
        float a = fl(p + 48 + 4 * i);
        s->avg_tokens[i] = a >= 0.5f && a < 1000.0f ? a : 1.0f;
    }
    uint64_t want[T_COUNT] = {
        (uint64_t)s->n_docs * DOC_SIZE, (uint64_t)s->n_snips * SNIP_SIZE,
        (uint64_t)s->n_terms * TERM_SIZE, (MAX_TERM + 2) * 4, (uint64_t)s->n_post * 4,
        (uint64_t)s->n_tris * TRI_SIZE, (uint64_t)s->n_tripost * 4, s->termstr_n, s->text_n,
        (uint64_t)s->n_surf * SURF_SIZE, (MAX_TERM + 2) * 4, s->surfstr_n,
    };
    const unsigned char *tab[T_COUNT];
    for (int i = 0; i < T_COUNT; i++) {
        uint64_t off = mc__rd32(p + SR_HDR + 8 * i), sz = mc__rd32(p + SR_HDR + 8 * i + 4);
        if (sz != want[i] || off > n || sz > n - off) {
            free(s);
            return mc_diag_set(diag, MC_ECORRUPT, "SRCH: table %d out of bounds", i);
        }
        tab[i] = p + off;
    }
    s->docs = tab[T_DOCS];
    s->snips = tab[T_SNIPS];
    s->terms = tab[T_TERMS];
    s->lenidx = tab[T_LENIDX];
    s->post = tab[T_POST];
    s->tris = tab[T_TRIS];
    s->tripost = tab[T_TRIPOST];
    s->termstr = (const char *)tab[T_TERMSTR];
    s->text = (const char *)tab[T_TEXT];
    s->surf = tab[T_SURF];
    s->surflen = tab[T_SURFLEN];
    s->surfstr = (const char *)tab[T_SURFSTR];
    int bad = 0;
    if (s->n_snips >= MAX_SNIPS)
        bad = 1;
    for (uint32_t i = 0; i < s->n_docs && !bad; i++) {
        const unsigned char *d = sr_doc(s, i);
        uint32_t ts = mc__rd32(d + 12);
        if (ts >= s->n_snips || d[10] > 8 || d[10] == 0 || mc__rd32(sr_snip(s, ts)) != i)
            bad = 2;
    }
    for (uint32_t i = 0; i < s->n_snips && !bad; i++) {
        const unsigned char *r = sr_snip(s, i);
        uint64_t off = mc__rd32(r + 4), len = mc__rd16(r + 8);
        if (mc__rd32(r) >= s->n_docs || off + len > s->text_n || r[10] >= N_FIELDS)
            bad = 3;
    }
    for (uint32_t i = 0; i < s->n_terms && !bad; i++) {
        const unsigned char *t = sr_term(s, i);
        uint64_t so = mc__rd32(t), po = mc__rd32(t + 4), df = mc__rd32(t + 8),
                 len = mc__rd32(t + 12);
        if (so + len > s->termstr_n || po + df > s->n_post || len == 0 || len > MAX_TERM)
            bad = 4;
    }
    uint32_t prev = 0, prev2 = 0;
    for (int i = 0; i < MAX_TERM + 2 && !bad; i++) {
        uint32_t v = mc__rd32(s->lenidx + 4 * i), v2 = mc__rd32(s->surflen + 4 * i);
        if (v < prev || v > s->n_terms || v2 < prev2 || v2 > s->n_surf)
            bad = 5;
        prev = v;
        prev2 = v2;
    }
    for (uint32_t i = 0; i < s->n_surf && !bad; i++) {
        const unsigned char *t = s->surf + (size_t)i * SURF_SIZE;
        uint64_t so = mc__rd32(t), len = mc__rd32(t + 4);
        if (so + len > s->surfstr_n || len == 0 || len > MAX_TERM || mc__rd32(t + 8) >= s->n_terms)
            bad = 7;
    }
    for (uint32_t i = 0; i < s->n_tris && !bad; i++) {
        const unsigned char *t = s->tris + (size_t)i * TRI_SIZE;
        if ((uint64_t)mc__rd32(t + 4) + mc__rd32(t + 8) > s->n_tripost)
            bad = 6;
    }
    if (bad) {
        free(s);
        return mc_diag_set(diag, MC_ECORRUPT, "SRCH: inconsistent records (check %d)", bad);
    }
    *out = s;
    return MC_OK;
}

void mc_search_close(mc_search *s) { free(s); }
uint32_t mc_search_doc_count(const mc_search *s) { return s->n_docs; }
uint32_t mc_search_term_count(const mc_search *s) { return s->n_terms; }

uint32_t mc__sr_term_find(const mc_search *s, const char *t, size_t n)
{
    if (n == 0 || n > MAX_TERM)
        return UINT32_MAX;
    uint32_t lo = mc__rd32(s->lenidx + 4 * n), hi = mc__rd32(s->lenidx + 4 * (n + 1));
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const unsigned char *r = sr_term(s, mid);
        if (mc__rd32(r + 12) != n)
            return UINT32_MAX; /* corrupt length index */
        int c = memcmp(t, s->termstr + mc__rd32(r), n);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return UINT32_MAX;
}

size_t mc__sr_analyze(mc_text *t, const char *tok, size_t n, char *out, bool *is_unspecified)
{
    char folded[4 * MAX_TERM];
    *is_unspecified = false;
    size_t fn = mc_text_fold_token(tok, n, folded, sizeof folded);
    if (fn == 0)
        return 0;
    if (fn > MAX_TERM)
        fn = MAX_TERM;
    /* cut at a code point boundary */
    while (fn > 0 && ((unsigned char)folded[fn] & 0xC0) == 0x80 && fn < sizeof folded)
        fn--;
    if (mc_text_is_stopword(folded, fn))
        return 0;
    *is_unspecified = (fn == 11 && !memcmp(folded, "unspecified", 11));
    size_t sn = mc_text_stem(t, folded, fn, out, MAX_TERM + 1);
    if (sn == 0 || sn > MAX_TERM) {
        memcpy(out, folded, fn);
        sn = fn;
    }
    out[sn] = '\0';
    return sn;
}

const char *mc_search_system_name(unsigned system)
{
    switch (system) {
    case MC_SYS_ICD10CM: return "icd10cm";
    case MC_SYS_ICD10PCS: return "icd10pcs";
    case MC_SYS_HCPCS: return "hcpcs";
    default: return "?";
    }
}

int mc_search_parse_system(const char *name, unsigned *systems)
{
    static const struct {
        const char *name;
        unsigned bits;
    } t[] = { { "icd10cm", MC_SYS_ICD10CM }, { "icd10pcs", MC_SYS_ICD10PCS },
              { "hcpcs", MC_SYS_HCPCS }, { "all", MC_SYS_ALL } };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(name, t[i].name)) {
            *systems = t[i].bits;
            return MC_OK;
        }
    return MC_EINVAL;
}

const char *mc_search_field_name(mc_search_field f)
{
    switch (f) {
    case MC_FIELD_TITLE: return "title";
    case MC_FIELD_INCLUSION: return "inclusion";
    case MC_FIELD_INDEX: return "index";
    case MC_FIELD_CODE: return "code";
    }
    return "?";
}

void mc__sr_fill_hit(const mc_search *s, uint32_t doc, mc_search_hit *h)
{
    const unsigned char *d = sr_doc(s, doc);
    memset(h->code, 0, sizeof h->code);
    size_t len = d[10] > 8 ? 8 : d[10];
    if (d[8] == MC_SYS_ICD10CM && len > 3) {
        memcpy(h->code, d, 3);
        h->code[3] = '.';
        memcpy(h->code + 4, d + 3, len - 3 > 4 ? 4 : len - 3);
    } else {
        memcpy(h->code, d, len);
    }
    h->system = d[8];
    h->billable = d[9] & DOC_BILLABLE;
    h->chapter = d[8] == MC_SYS_ICD10CM ? d[11] : 0;
    const unsigned char *t = sr_snip(s, mc__rd32(d + 12));
    h->title = mc__str(s->text + mc__rd32(t + 4), mc__rd16(t + 8));
}

bool mc__sr_doc_ok(const mc_search *s, uint32_t doc, const mc_search_opts *o)
{
    const unsigned char *d = sr_doc(s, doc);
    if (!(d[8] & o->systems))
        return false;
    if (o->billable_only && !(d[9] & DOC_BILLABLE))
        return false;
    if (o->chapter && (d[8] != MC_SYS_ICD10CM || d[11] != o->chapter))
        return false;
    return true;
}

/* ---- code-prefix typeahead ---- */

/* Normalise a code-like query: letters and digits upper-cased, one optional dot after 3. */
static size_t code_key(const char *q, size_t n, char out[9])
{
    const char *p = q;
    size_t len = n;
    mc__trim(&p, &len);
    size_t k = 0;
    bool digit = false, dot = false;
    for (size_t i = 0; i < len; i++) {
        char c = mc__upper(p[i]);
        if (c == '.' && !dot && k == 3) {
            dot = true;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) || k >= 8)
            return 0;
        digit |= c >= '0' && c <= '9';
        out[k++] = c;
    }
    out[k] = '\0';
    return k >= 3 && digit ? k : 0;
}

/* First doc of system sys whose code is >= key (lexicographic on the 8 code bytes). */
static uint32_t lower_bound(const mc_search *s, unsigned sys, const char *key, size_t kn)
{
    uint32_t lo = 0, hi = s->n_docs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const unsigned char *d = sr_doc(s, mid);
        int c = d[8] < sys ? -1 : d[8] > sys ? 1 : memcmp(d, key, kn);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool mc__sr_typeahead(const mc_search *s, const char *q, size_t n, const mc_search_opts *o,
                      mc_search_hit *hits, uint32_t *n_hits)
{
    char key[9];
    size_t kn = code_key(q, n, key);
    *n_hits = 0;
    if (!kn)
        return false;
    uint32_t lim = o->limit, got = 0;
    /* the code itself (when reportable), then breadth first: one more character at a time */
    for (unsigned sys = MC_SYS_ICD10CM; sys <= MC_SYS_HCPCS; sys <<= 1) {
        if (!(o->systems & sys))
            continue;
        uint32_t first = lower_bound(s, sys, key, kn), end = first;
        while (end < s->n_docs && sr_doc(s, end)[8] == sys && !memcmp(sr_doc(s, end), key, kn))
            end++;
        for (size_t level = kn; level <= 8 && got < lim; level++)
            for (uint32_t i = first; i < end && got < lim; i++) {
                const unsigned char *d = sr_doc(s, i);
                if (d[10] != level || !mc__sr_doc_ok(s, i, o))
                    continue;
                if (level == kn && !(d[9] & DOC_BILLABLE))
                    continue; /* a header typed in full: list what is under it */
                mc_search_hit *h = &hits[got++];
                mc__sr_fill_hit(s, i, h);
                h->field = MC_FIELD_CODE;
                h->matched = h->title;
                h->score = (float)(10.0 - (double)(level - kn));
            }
    }
    *n_hits = got;
    return got > 0;
}
