/*
 * De-identification entry points: input checks, the detector passes, the
 * merge of overlapping candidates and the result object.
 *
 * Merge rule (recall first): overlapping candidates become one span covering
 * their union; its type is the type of the most confident candidate (longer
 * wins a tie). Every allocation for a note is bounded by the note's size
 * limit; an error leaves no partial result.
 */
#include "deid/deid_int.h"

#include "medcode/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct mc_deid_result {
    mc_deid_span *spans;
    size_t nspans;
    char *text; /* output text, NUL-terminated */
    size_t ntext;
    int date_shift;
};

static const char *const type_names[] = {
#define MC__DEID_NAME(sym, name, what) name,
    MC_DEID_TYPES(MC__DEID_NAME)
#undef MC__DEID_NAME
};

const char *mc_deid_type_name(mc_deid_type t)
{
    return (unsigned)t < MC_DEID_NTYPES ? type_names[t] : NULL;
}

int mc_deid_type_parse(const char *name, mc_deid_type *out)
{
    for (int i = 0; i < MC_DEID_NTYPES; i++)
        if (!strcasecmp(name, type_names[i])) {
            *out = (mc_deid_type)i;
            return MC_OK;
        }
    return MC_ENOTFOUND;
}

int mc_deid_new(mc_deid **out, mc_diag *diag)
{
    *out = NULL;
    mc_deid *d = calloc(1, sizeof *d);
    if (!d)
        return mc_diag_set(diag, MC_ENOMEM, "deid: out of memory");
    int rc = mc__deid_lists_load(d, diag);
    if (!rc && mc__deid_names_init(d))
        rc = mc_diag_set(diag, MC_ENOMEM, "deid: out of memory loading word lists");
    if (!rc)
        rc = mc__deid_patterns_compile(d, diag);
    if (rc) {
        mc_deid_free(d);
        return rc;
    }
    *out = d;
    return MC_OK;
}

void mc_deid_free(mc_deid *d)
{
    if (!d)
        return;
    mc__deid_patterns_free(d);
    mc__deid_lists_free(d);
    mc__deid_names_free(d);
    free(d);
}

int mc__deid_add(mc__deid_note *nt, size_t start, size_t end, mc_deid_type type, float conf,
                 bool strong)
{
    /* snap to UTF-8 character boundaries */
    while (start > 0 && ((unsigned char)nt->text[start] & 0xC0) == 0x80)
        start--;
    while (end < nt->n && ((unsigned char)nt->text[end] & 0xC0) == 0x80)
        end++;
    if (end <= start || end > nt->n)
        return MC_OK;
    mc__deid_cand c = { (uint32_t)start, (uint32_t)end, (uint8_t)type, (uint8_t)strong, conf };
    return mc__buf_append(&nt->cands, &c, sizeof c);
}

static int cmp_cand(const void *a, const void *b)
{
    const mc__deid_cand *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Binary or not UTF-8: refuse without quoting the input. */
static int check_input(const char *text, size_t n, mc_diag *diag)
{
    const char *nul = memchr(text, 0, n);
    if (nul)
        return mc_diag_set(diag, MC_EFORMAT,
                           "input is binary (NUL byte at offset %zu), not a text note",
                           (size_t)(nul - text));
    size_t ctl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        ctl += c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f';
    }
    if (ctl > 16 && ctl * 20 > n)
        return mc_diag_set(diag, MC_EFORMAT,
                           "input is binary (%zu control bytes), not a text note", ctl);
    size_t bad = 0;
    if (mc_utf8_check(text, n, &bad) != MC_OK)
        return mc_diag_set(diag, MC_EFORMAT,
                           "input is not valid UTF-8 (byte offset %zu); convert it to UTF-8 first",
                           bad);
    return MC_OK;
}

/* Detection only: merged spans into *spans (malloc'd). */
static int detect(const mc_deid *d, const char *text, size_t n, bool regex_only, bool naive,
                  mc_deid_span **spans, size_t *nspans)
{
    *spans = NULL;
    *nspans = 0;
    mc__deid_note nt;
    memset(&nt, 0, sizeof nt);
    nt.d = d;
    nt.text = text;
    nt.n = n;
    nt.naive = naive;
    /* at most one candidate per byte and detector is far above real notes */
    mc__buf_init(&nt.cands, (n + 64) * sizeof(mc__deid_cand) * 4);
    nt.md = pcre2_match_data_create(24, NULL);
    if (!nt.md)
        return MC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        nt.has[(unsigned char)text[i]] = true;
    int rc = mc__deid_patterns_run(&nt);
    if (!rc && !regex_only)
        rc = mc__deid_names_run(&nt);
    pcre2_match_data_free(nt.md);
    if (rc) {
        mc__buf_free(&nt.cands);
        return rc;
    }
    size_t nc = nt.cands.n / sizeof(mc__deid_cand);
    mc__deid_cand *c = (mc__deid_cand *)nt.cands.p;
    if (nc)
        qsort(c, nc, sizeof *c, cmp_cand);
    mc_deid_span *out = malloc((nc ? nc : 1) * sizeof *out);
    if (!out) {
        mc__buf_free(&nt.cands);
        return MC_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < nc;) {
        uint32_t s = c[i].start, e = c[i].end;
        size_t best = i;
        size_t j = i + 1;
        for (; j < nc && c[j].start < e; j++) {
            if (c[j].end > e)
                e = c[j].end;
            uint32_t lb = c[best].end - c[best].start, lj = c[j].end - c[j].start;
            if (c[j].conf > c[best].conf || (c[j].conf == c[best].conf && lj > lb))
                best = j;
        }
        mc_deid_span sp = { s, e, 0, 0, (mc_deid_type)c[best].type, c[best].conf };
        out[k++] = sp;
        i = j;
    }
    mc__buf_free(&nt.cands);
    *spans = out;
    *nspans = k;
    return MC_OK;
}

int mc_deid_run(const mc_deid *d, const char *text, size_t n, const mc_deid_opts *opts,
                mc_deid_result **out, mc_diag *diag)
{
    *out = NULL;
    mc_deid_opts o = { 0 };
    if (opts)
        o = *opts;
    size_t max = o.max_bytes ? o.max_bytes : (size_t)16 << 20;
    if (max > UINT32_MAX / 8)
        max = UINT32_MAX / 8;
    if (!d || (!text && n))
        return mc_diag_set(diag, MC_EINVAL, "deid: no engine or no text");
    if (o.mode != MC_DEID_REDACT && o.mode != MC_DEID_TAG && o.mode != MC_DEID_SURROGATE)
        return mc_diag_set(diag, MC_EINVAL, "deid: unknown mode %d", (int)o.mode);
    if (n > max)
        return mc_diag_set(diag, MC_ELIMIT,
                           "note of %zu bytes is over the %zu-byte limit; split it or raise the limit",
                           n, max);
    if (!text)
        text = "";
    int rc = check_input(text, n, diag);
    if (rc)
        return rc;
    mc_deid_result *r = calloc(1, sizeof *r);
    if (!r)
        return mc_diag_set(diag, MC_ENOMEM, "deid: out of memory");
    rc = detect(d, text, n, false, false, &r->spans, &r->nspans);
    if (rc) {
        mc_deid_result_free(r);
        return mc_diag_set(diag, rc, "deid: %s while scanning the note", mc_strerror(rc));
    }
    uint64_t seed = o.seed;
    if (!o.has_seed && o.mode == MC_DEID_SURROGATE) {
        if (sodium_init() < 0)
            randombytes_buf(&seed, sizeof seed); /* still works without init on Linux */
        else
            randombytes_buf(&seed, sizeof seed);
    }
    mc__buf b;
    /* replacements are short; 4x the note plus 32 bytes a span bounds any output */
    mc__buf_init(&b, n * 4 + r->nspans * 32 + 64);
    rc = mc__deid_render(d, text, n, r->spans, r->nspans, o.mode, seed, &b, &r->date_shift);
    if (rc) {
        mc__buf_free(&b);
        mc_deid_result_free(r);
        return mc_diag_set(diag, rc, "deid: %s while writing the output", mc_strerror(rc));
    }
    r->text = b.p;
    r->ntext = b.n;
    *out = r;
    return MC_OK;
}

void mc_deid_result_free(mc_deid_result *r)
{
    if (!r)
        return;
    free(r->spans);
    free(r->text);
    free(r);
}

size_t mc_deid_result_count(const mc_deid_result *r) { return r ? r->nspans : 0; }
const mc_deid_span *mc_deid_result_spans(const mc_deid_result *r) { return r ? r->spans : NULL; }
const char *mc_deid_result_text(const mc_deid_result *r, size_t *n)
{
    if (n)
        *n = r ? r->ntext : 0;
    return r ? r->text : NULL;
}
int mc_deid_result_date_shift(const mc_deid_result *r) { return r ? r->date_shift : 0; }

int mc__deid_bench_regex_only(const mc_deid *d, const char *text, size_t n, bool naive,
                              size_t *nspans)
{
    mc_deid_span *sp;
    int rc = detect(d, text, n, true, naive, &sp, nspans);
    free(sp);
    return rc;
}
