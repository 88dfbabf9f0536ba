/*
 * Build part "msdrg": compiles the CMS MS-DRG grouper tables (v40.0-v43.1)
 * and the Table 5 weights (the MCE v43.1 masters are compiled by the part
 * "mce" in mce_data.c, shared with `medcode check`) (CSV, see
 * data/releases.tsv) into the DRG* sections described in drg_int.h.
 *
 * The grouper tables span every version, so they are compiled only into the
 * bundle of the fiscal year the manifest lists them under (FY2026); other
 * years' bundles go without them and `medcode group` opens the newest bundle.
 *
 * Formulas are parsed here once into postfix programs; a formula that does
 * not parse fails the build (the runtime never sees text it cannot run).
 */
#include "build/build.h"
#include "drg/drg_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const int mc__drg_versions[MC__DRG_NVERS] = { 400, 401, 410, 411, 420, 421, 430, 431 };

/* ---- CSV rows over a writable buffer (quoted fields are unescaped in place) ---- */
typedef struct csv {
    char *p, *end;
    long line;
} csv;

static int csv_row(csv *c, mc_str *f, int maxf)
{
    if (c->p >= c->end)
        return -1;
    int n = 0;
    c->line++;
    for (;;) {
        char *s = c->p, *w = c->p;
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            s = w = c->p;
            while (c->p < c->end) {
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        *w++ = '"';
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                *w++ = *c->p++;
            }
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                c->p++;
            w = c->p;
        }
        if (n < maxf)
            f[n] = mc__str(s, (size_t)(w - s));
        n++;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        while (c->p < c->end && (*c->p == '\r'))
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        return n;
    }
}

static long s2l(mc_str s)
{
    long v = 0;
    bool neg = false;
    uint32_t i = 0;
    if (i < s.n && s.p[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
        v = v * 10 + (s.p[i] - '0');
    return neg ? -v : v;
}

static double s2d(mc_str s)
{
    char tmp[64];
    size_t n = s.n < sizeof tmp - 1 ? s.n : sizeof tmp - 1;
    memcpy(tmp, s.p, n);
    tmp[n] = 0;
    return strtod(tmp, NULL);
}

static uint8_t vmask(long a, long b)
{
    uint8_t m = 0;
    for (int i = 0; i < MC__DRG_NVERS; i++)
        if (mc__drg_versions[i] >= a && mc__drg_versions[i] <= b)
            m = (uint8_t)(m | 1u << i);
    return m;
}

/* ---- interner: byte strings -> dense ids, open addressing ---- */
typedef struct interner {
    mc__buf keys; /* concatenated keys */
    uint32_t *off, *len, *val; /* per slot */
    uint32_t cap, n;
} interner;

static uint32_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static int intern_grow(interner *t)
{
    uint32_t ncap = t->cap ? t->cap * 2 : 1024;
    uint32_t *o = calloc(ncap, 4), *l = calloc(ncap, 4), *v = malloc((size_t)ncap * 4);
    if (!o || !l || !v) {
        free(o), free(l), free(v);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < ncap; i++)
        v[i] = UINT32_MAX;
    for (uint32_t i = 0; i < t->cap; i++) {
        if (t->val[i] == UINT32_MAX)
            continue;
        uint32_t h = hash_bytes(t->keys.p + t->off[i], t->len[i]) & (ncap - 1);
        while (v[h] != UINT32_MAX)
            h = (h + 1) & (ncap - 1);
        o[h] = t->off[i], l[h] = t->len[i], v[h] = t->val[i];
    }
    free(t->off), free(t->len), free(t->val);
    t->off = o, t->len = l, t->val = v, t->cap = ncap;
    return MC_OK;
}

/* Find key; when absent insert it with value *val (in) and return 1; 0 when found (*val out). */
static int intern(interner *t, const void *key, size_t n, uint32_t *val)
{
    if ((t->n + 1) * 2 > t->cap && intern_grow(t))
        return MC_ENOMEM;
    uint32_t h = hash_bytes(key, n) & (t->cap - 1);
    while (t->val[h] != UINT32_MAX) {
        if (t->len[h] == n && !memcmp(t->keys.p + t->off[h], key, n)) {
            *val = t->val[h];
            return 0;
        }
        h = (h + 1) & (t->cap - 1);
    }
    t->off[h] = (uint32_t)t->keys.n;
    t->len[h] = (uint32_t)n;
    t->val[h] = *val;
    t->n++;
    if (mc__buf_append(&t->keys, key, n))
        return MC_ENOMEM;
    return 1;
}

static void intern_free(interner *t)
{
    mc__buf_free(&t->keys);
    free(t->off), free(t->len), free(t->val);
}

/* ---- builder state ---- */
typedef struct db {
    mc__build_ctx *ctx;
    mc__buf str, names, list, prog;
    interner name_ix, list_ix, str_ix;
    uint32_t n_names;
    mc__buf sch, dx, pr, xid, xgo, xgc, fre, frm, gen, clu, cch, ccd, cmap, ttl, hac, wt;
    uint32_t n_sch;
    interner sch_ix;
    interner clu_ix; /* cluster name -> first index with that name */
    mc__buf clu_next; /* u32 per cluster: next cluster with the same name, UINT32_MAX at the end */
    char err[256];
} db;

static void put8(mc__buf *b, uint8_t v) { mc__buf_putc(b, (char)v); }
static void put16(mc__buf *b, uint16_t v)
{
    unsigned char t[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
    mc__buf_append(b, t, 2);
}
static void putcode(mc__buf *b, mc_str s)
{
    char k[8] = { 0 };
    for (uint32_t i = 0; i < s.n && i < 8; i++)
        k[i] = mc__upper(s.p[i]);
    mc__buf_append(b, k, 8);
}

static uint32_t add_str(db *d, const char *p, size_t n)
{
    uint32_t v = (uint32_t)d->str.n;
    int r = intern(&d->str_ix, p, n, &v);
    if (r == 1)
        mc__buf_append(&d->str, p, n);
    return v;
}

static int name_id(db *d, const char *p, size_t n, uint32_t *id)
{
    uint32_t v = d->n_names;
    int r = intern(&d->name_ix, p, n, &v);
    if (r < 0)
        return r;
    if (r == 1) {
        if (d->n_names >= MC__DRG_MAXNAMES)
            return MC_ELIMIT;
        uint32_t off = add_str(d, p, n);
        mc__buf_u32(&d->names, off);
        mc__buf_u32(&d->names, (uint32_t)n);
        d->n_names++;
    }
    *id = v;
    return MC_OK;
}

/* Space-separated names -> interned list; off and cnt locate it in DRGLIST. */
static int add_list(db *d, mc_str s, uint32_t *off, uint32_t *cnt)
{
    uint16_t ids[512];
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.n;) {
        while (i < s.n && s.p[i] == ' ')
            i++;
        uint32_t j = i;
        while (j < s.n && s.p[j] != ' ')
            j++;
        if (j > i) {
            uint32_t id;
            if (n >= 512)
                return MC_ELIMIT;
            int rc = name_id(d, s.p + i, j - i, &id);
            if (rc)
                return rc;
            ids[n++] = (uint16_t)id;
        }
        i = j;
    }
    *cnt = n;
    if (!n) {
        *off = 0;
        return MC_OK;
    }
    uint32_t v = (uint32_t)(d->list.n / 2);
    int r = intern(&d->list_ix, ids, n * 2, &v);
    if (r < 0)
        return r;
    if (r == 1)
        for (uint32_t i = 0; i < n; i++)
            put16(&d->list, ids[i]);
    *off = v;
    return MC_OK;
}

/* ---- formula compiler: recursive descent to postfix ---- */
typedef struct fparse {
    db *d;
    const char *p, *end;
    uint16_t out[1024];
    int n, depth, maxdepth;
    bool bad;
} fparse;

static void fp_ws(fparse *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\t'))
        f->p++;
}
static void fp_emit(fparse *f, uint16_t w, int delta)
{
    if (f->n >= 1024) {
        f->bad = true;
        return;
    }
    f->out[f->n++] = w;
    f->depth += delta;
    if (f->depth > f->maxdepth)
        f->maxdepth = f->depth;
}
static void fp_or(fparse *f);
static void fp_factor(fparse *f)
{
    fp_ws(f);
    if (f->p >= f->end) {
        f->bad = true;
        return;
    }
    if (*f->p == '(') {
        f->p++;
        fp_or(f);
        fp_ws(f);
        if (f->p >= f->end || *f->p != ')') {
            f->bad = true;
            return;
        }
        f->p++;
        return;
    }
    if (*f->p == '~') {
        f->p++;
        fp_factor(f);
        fp_emit(f, (uint16_t)(MC__OP_NOT << 13), 0);
        return;
    }
    const char *s = f->p;
    while (f->p < f->end && !strchr(" \t()&|~", *f->p))
        f->p++;
    if (f->p == s) {
        f->bad = true;
        return;
    }
    int kind = MC__OP_BARE;
    const char *colon = memchr(s, ':', (size_t)(f->p - s));
    if (colon) {
        size_t pn = (size_t)(colon - s);
        if (pn == 3 && !memcmp(s, "PDX", 3))
            kind = MC__OP_PDX;
        else if (pn == 3 && !memcmp(s, "SDX", 3))
            kind = MC__OP_SDX;
        else if (pn == 3 && !memcmp(s, "ANY", 3))
            kind = MC__OP_ANY;
        else if (pn == 4 && !memcmp(s, "ONLY", 4))
            kind = MC__OP_ONLY;
        else {
            f->bad = true;
            return;
        }
        s = colon + 1;
    }
    uint32_t id;
    if (f->p == s || name_id(f->d, s, (size_t)(f->p - s), &id)) {
        f->bad = true;
        return;
    }
    fp_emit(f, (uint16_t)((uint32_t)kind << 13 | id), 1);
}
static void fp_and(fparse *f)
{
    fp_factor(f);
    for (;;) {
        fp_ws(f);
        if (f->bad || f->p >= f->end || *f->p != '&')
            return;
        f->p++;
        fp_factor(f);
        fp_emit(f, (uint16_t)(MC__OP_AND << 13), -1);
    }
}
static void fp_or(fparse *f)
{
    fp_and(f);
    for (;;) {
        fp_ws(f);
        if (f->bad || f->p >= f->end || *f->p != '|')
            return;
        f->p++;
        fp_and(f);
        fp_emit(f, (uint16_t)(MC__OP_OR << 13), -1);
    }
}

static int compile(db *d, mc_str src, uint32_t *off, uint32_t *n)
{
    fparse f = { .d = d, .p = src.p, .end = src.p + src.n };
    fp_or(&f);
    fp_ws(&f);
    if (f.bad || f.p != f.end || f.depth != 1 || f.maxdepth > MC__DRG_STACK) {
        snprintf(d->err, sizeof d->err, "formula does not parse: %.*s", (int)src.n, src.p);
        return MC_EFORMAT;
    }
    *off = (uint32_t)(d->prog.n / 2);
    *n = (uint32_t)f.n;
    for (int i = 0; i < f.n; i++)
        put16(&d->prog, f.out[i]);
    return MC_OK;
}

/* ---- one CSV file through a row callback ---- */
typedef int (*row_fn)(db *d, mc_str *f, int n);

static int each_row(db *d, const char *part, int min_fields, row_fn fn)
{
    char *path = NULL, *data = NULL;
    size_t n = 0;
    int year = 0;
    int rc = mc__build_source(d->ctx, "msdrg", part, &path, &year);
    if (rc)
        return rc;
    if ((rc = mc__read_file(path, (size_t)256 << 20, &data, &n, d->ctx->diag)))
        goto out;
    csv c = { data, data + n, 0 };
    mc_str f[16];
    int nf = csv_row(&c, f, 16); /* header */
    if (nf < min_fields) {
        rc = mc_diag_set(d->ctx->diag, MC_EFORMAT, "%s: header has %d columns, expected %d",
                         path, nf, min_fields);
        goto out;
    }
    while ((nf = csv_row(&c, f, 16)) >= 0) {
        if (nf == 1 && f[0].n == 0)
            continue;
        if (nf < min_fields) {
            rc = mc_diag_set(d->ctx->diag, MC_EFORMAT, "%s:%ld: %d columns, expected %d", path,
                             c.line, nf, min_fields);
            goto out;
        }
        d->err[0] = 0;
        if ((rc = fn(d, f, nf))) {
            mc_diag_set(d->ctx->diag, rc, "%s:%ld: %s", path, c.line,
                        d->err[0] ? d->err : mc_strerror(rc));
            goto out;
        }
    }
    mc__build_provenance(d->ctx, "DRG", year, path, part);
out:
    free(data);
    free(path);
    return rc;
}

/* ---- row handlers ---- */
static int sev_of(mc_str s) { return mc__str_eq(s, "MCC", 3) ? 2 : mc__str_eq(s, "CC", 2) ? 1 : 0; }

static int row_dx(db *d, mc_str *f, int n)
{
    (void)n;
    unsigned char sch[R_SCH] = { 0 };
    uint32_t ops, nops, cat, ncat, hac, nhac;
    int rc;
    if ((rc = add_list(d, f[6], &ops, &nops)) || (rc = add_list(d, f[8], &cat, &ncat)) ||
        (rc = add_list(d, f[10], &hac, &nhac)))
        return rc;
    if (nops > 255 || ncat > 255 || nhac > 255 || f[0].n > 8)
        return MC_ELIMIT;
    sch[0] = (uint8_t)s2l(f[3]);
    sch[1] = (uint8_t)sev_of(f[4]);
    sch[2] = (uint8_t)nops, sch[3] = (uint8_t)ncat, sch[4] = (uint8_t)nhac;
    memcpy(sch + 8, &ops, 4), memcpy(sch + 12, &cat, 4), memcpy(sch + 16, &hac, 4);
    uint32_t sid = d->n_sch;
    int r = intern(&d->sch_ix, sch, sizeof sch, &sid);
    if (r < 0)
        return r;
    if (r == 1) {
        mc__buf_append(&d->sch, sch, sizeof sch);
        d->n_sch++;
    }
    putcode(&d->dx, f[0]);
    put16(&d->dx, (uint16_t)sid);
    put8(&d->dx, vmask(s2l(f[1]), s2l(f[2])));
    put8(&d->dx, 0);
    return MC_OK;
}

static int row_pr(db *d, mc_str *f, int n)
{
    (void)n;
    uint32_t off, cnt;
    int rc = add_list(d, f[4], &off, &cnt);
    if (rc)
        return rc;
    putcode(&d->pr, f[0]);
    mc__buf_u32(&d->pr, off);
    put16(&d->pr, (uint16_t)cnt);
    put8(&d->pr, vmask(s2l(f[1]), s2l(f[2])));
    put8(&d->pr, 0);
    return MC_OK;
}

static int row_xid(db *d, mc_str *f, int n)
{
    (void)n;
    putcode(&d->xid, f[0]);
    put16(&d->xid, (uint16_t)s2l(f[3]));
    put8(&d->xid, vmask(s2l(f[1]), s2l(f[2])));
    put8(&d->xid, 0);
    return MC_OK;
}

static int cmp_code(const void *a, const void *b) { return memcmp(a, b, 8); }

static int row_xgr(db *d, mc_str *f, int n)
{
    (void)n;
    long g = s2l(f[0]);
    uint32_t have = (uint32_t)(d->xgo.n / 4);
    if (g < (long)have - 1 || g > 65535) {
        snprintf(d->err, sizeof d->err, "exclusion groups out of order (%ld)", g);
        return MC_EFORMAT;
    }
    /* start offsets for groups up to g (empty groups for gaps) */
    uint32_t ncodes = (uint32_t)(d->xgc.n / 8);
    while ((long)(d->xgo.n / 4) <= g)
        mc__buf_u32(&d->xgo, ncodes);
    size_t first = d->xgc.n;
    mc_str s = f[2];
    for (uint32_t i = 0; i < s.n;) {
        while (i < s.n && s.p[i] == ' ')
            i++;
        uint32_t j = i;
        while (j < s.n && s.p[j] != ' ')
            j++;
        if (j > i)
            putcode(&d->xgc, mc__str(s.p + i, j - i));
        i = j;
    }
    if (d->xgc.err)
        return d->xgc.err;
    qsort(d->xgc.p + first, (d->xgc.n - first) / 8, 8, cmp_code);
    return MC_OK;
}

static int row_frm(db *d, mc_str *f, int n)
{
    (void)n;
    long key = s2l(f[0]);
    uint8_t vm = vmask(s2l(f[1]), s2l(f[2]));
    uint32_t nrow = (uint32_t)(d->frm.n / R_FRM);
    size_t ne = d->fre.n / R_FRE;
    unsigned char *last = ne ? (unsigned char *)d->fre.p + (ne - 1) * R_FRE : NULL;
    if (!last || last[0] != (uint8_t)key || last[1] != vm) {
        put8(&d->fre, (uint8_t)key);
        put8(&d->fre, vm);
        put16(&d->fre, 0);
        mc__buf_u32(&d->fre, nrow);
        mc__buf_u32(&d->fre, 0);
        if (d->fre.err)
            return d->fre.err;
        last = (unsigned char *)d->fre.p + ne * R_FRE;
    }
    uint32_t cnt = mc__rd32(last + 8) + 1;
    memcpy(last + 8, &cnt, 4);
    uint32_t poff, pn, soff, sn;
    int rc;
    if ((rc = compile(d, f[11], &poff, &pn)) || (rc = add_list(d, f[12], &soff, &sn)))
        return rc;
    put16(&d->frm, (uint16_t)s2l(f[7]));
    put16(&d->frm, (uint16_t)s2l(f[6]));
    put8(&d->frm, (uint8_t)s2l(f[4]));
    put8(&d->frm, mc__str_eq(f[8], "SURGICAL", 8) ? 2 : mc__str_eq(f[8], "MEDICAL", 7) ? 1 : 0);
    put8(&d->frm, (uint8_t)s2l(f[9]));
    put8(&d->frm, (uint8_t)s2l(f[10]));
    put16(&d->frm, (uint16_t)s2l(f[5]));
    put16(&d->frm, (uint16_t)sn);
    mc__buf_u32(&d->frm, soff);
    mc__buf_u32(&d->frm, poff);
    put16(&d->frm, (uint16_t)pn);
    put16(&d->frm, 0);
    mc__buf_u32(&d->frm, add_str(d, f[11].p, f[11].n));
    mc__buf_u32(&d->frm, f[11].n);
    return MC_OK;
}

static int row_gen(db *d, mc_str *f, int n)
{
    (void)n;
    putcode(&d->gen, f[0]);
    put8(&d->gen, vmask(s2l(f[1]), s2l(f[2])));
    put8(&d->gen, (uint8_t)s2l(f[3]));
    put8(&d->gen, (uint8_t)s2l(f[4]));
    put8(&d->gen, 0);
    return MC_OK;
}

static int row_clu(db *d, mc_str *f, int n)
{
    (void)n;
    uint32_t idx = (uint32_t)(d->clu.n / R_CLU);
    if (s2l(f[0]) != (long)idx + 1) {
        snprintf(d->err, sizeof d->err, "cluster ids must be 1..n in order");
        return MC_EFORMAT;
    }
    uint32_t v = idx;
    mc__buf_u32(&d->clu_next, UINT32_MAX);
    if (intern(&d->clu_ix, f[1].p, f[1].n, &v) == 0) {
        /* the tables repeat a few names with other contents: keep every one, chained */
        uint32_t k = v;
        while (mc__rd32(d->clu_next.p + 4 * k) != UINT32_MAX)
            k = mc__rd32(d->clu_next.p + 4 * k);
        memcpy(d->clu_next.p + 4 * k, &idx, 4);
    }
    uint32_t supp = 0;
    for (uint32_t i = 0; i < f[2].n;) {
        while (i < f[2].n && f[2].p[i] == ' ')
            i++;
        uint32_t j = i;
        while (j < f[2].n && f[2].p[j] != ' ')
            j++;
        if (j > i) {
            long m = s2l(mc__str(f[2].p + i, j - i));
            if (m >= 0 && m < 32)
                supp |= 1u << m;
        }
        i = j;
    }
    json_error_t je;
    json_t *root = json_loadb(f[3].p, f[3].n, 0, &je);
    if (!root || !json_is_array(root)) {
        json_decref(root);
        snprintf(d->err, sizeof d->err, "cluster choices are not a JSON array");
        return MC_EFORMAT;
    }
    uint32_t first = (uint32_t)(d->cch.n / R_CCH);
    size_t i;
    json_t *ch;
    json_array_foreach(root, i, ch)
    {
        json_t *codes = json_object_get(ch, "codes");
        size_t k;
        json_t *cv;
        mc__buf_u32(&d->cch, (uint32_t)(d->ccd.n / 8));
        mc__buf_u32(&d->cch, (uint32_t)json_array_size(codes));
        json_array_foreach(codes, k, cv)
        {
            const char *s = json_string_value(cv);
            putcode(&d->ccd, s ? mc__str(s, strlen(s)) : mc__str("", 0));
        }
    }
    putcode(&d->clu, f[1]);
    mc__buf_u32(&d->clu, supp);
    mc__buf_u32(&d->clu, first);
    mc__buf_u32(&d->clu, (uint32_t)json_array_size(root));
    json_decref(root);
    return MC_OK;
}

static int row_cmap(db *d, mc_str *f, int n)
{
    (void)n;
    uint16_t ids[512];
    uint32_t k = 0;
    mc_str s = f[3];
    for (uint32_t i = 0; i < s.n;) {
        while (i < s.n && s.p[i] == ' ')
            i++;
        uint32_t j = i;
        while (j < s.n && s.p[j] != ' ')
            j++;
        if (j > i) {
            uint32_t v = UINT32_MAX;
            if (intern(&d->clu_ix, s.p + i, j - i, &v) != 0 || k >= 512) {
                snprintf(d->err, sizeof d->err, "unknown cluster %.*s", (int)(j - i), s.p + i);
                return MC_EFORMAT;
            }
            for (; v != UINT32_MAX && k < 512; v = mc__rd32(d->clu_next.p + 4 * v))
                ids[k++] = (uint16_t)v;
        }
        i = j;
    }
    putcode(&d->cmap, f[0]);
    mc__buf_u32(&d->cmap, (uint32_t)(d->list.n / 2));
    for (uint32_t i = 0; i < k; i++)
        put16(&d->list, ids[i]);
    put16(&d->cmap, (uint16_t)k);
    put8(&d->cmap, vmask(s2l(f[1]), s2l(f[2])));
    put8(&d->cmap, 0);
    return MC_OK;
}

static int ttl_kind;
static int row_ttl(db *d, mc_str *f, int n)
{
    (void)n;
    put8(&d->ttl, (uint8_t)ttl_kind);
    put8(&d->ttl, vmask(s2l(f[1]), s2l(f[2])));
    put16(&d->ttl, (uint16_t)s2l(f[0]));
    mc__buf_u32(&d->ttl, add_str(d, f[3].p, f[3].n));
    mc__buf_u32(&d->ttl, f[3].n);
    return MC_OK;
}

static int row_hac(db *d, mc_str *f, int n)
{
    (void)n;
    uint32_t poff, pn;
    int rc = compile(d, f[4], &poff, &pn);
    if (rc)
        return rc;
    put8(&d->hac, (uint8_t)s2l(f[0]));
    put8(&d->hac, vmask(s2l(f[1]), s2l(f[2])));
    put16(&d->hac, (uint16_t)pn);
    mc__buf_u32(&d->hac, poff);
    mc__buf_u32(&d->hac, add_str(d, f[4].p, f[4].n));
    mc__buf_u32(&d->hac, f[4].n);
    mc__buf_u32(&d->hac, 0);
    return MC_OK;
}

static void put_wt(db *d, long fy, long drg, double w, double wb, mc_str gm, mc_str am, mc_str type)
{
    put16(&d->wt, (uint16_t)fy);
    put16(&d->wt, (uint16_t)drg);
    mc__buf_u32(&d->wt, (uint32_t)(w * 10000.0 + 0.5));
    mc__buf_u32(&d->wt, (uint32_t)(wb * 10000.0 + 0.5));
    put16(&d->wt, (uint16_t)(s2d(gm) * 10.0 + 0.5));
    put16(&d->wt, (uint16_t)(s2d(am) * 10.0 + 0.5));
    put8(&d->wt, type.n ? (uint8_t)type.p[0] : 0);
    put8(&d->wt, 0), put8(&d->wt, 0), put8(&d->wt, 0);
}
/* FY2026 Table 5: the capped weight is the payment weight. */
static int row_wt26(db *d, mc_str *f, int n)
{
    (void)n;
    put_wt(d, 2026, s2l(f[0]), s2d(f[4]), s2d(f[5]), f[6], f[7], f[2]);
    return MC_OK;
}
/* FY2023-2025 from the before-cap history (FY2026 rows come from the table above). */
static int row_wthist(db *d, mc_str *f, int n)
{
    (void)n;
    long fy = s2l(f[0]);
    if (fy < 2026)
        put_wt(d, fy, s2l(f[1]), s2d(f[5]), s2d(f[5]), f[6], f[7], f[3]);
    return MC_OK;
}

/* ---- sections ---- */
static int add_records(db *d, const char *tag, mc__buf *b, size_t rec, bool sort)
{
    if (b->err)
        return b->err;
    uint32_t n = (uint32_t)(b->n / rec);
    if (sort && n)
        qsort(b->p, n, rec, cmp_code);
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__buf_u32(&out, n);
    mc__buf_append(&out, b->p, b->n);
    int rc = out.err ? out.err : mc__bw_add(d->ctx->w, tag, out.p, out.n, 2026);
    mc__buf_free(&out);
    return rc;
}

bool mc__drg_manifest_has_year(struct mc__build_ctx *ctx)
{
    mc__release *rows;
    size_t n;
    if (mc__manifest_load(ctx->manifest, &rows, &n, NULL))
        return false;
    bool has = false;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].system, "msdrg") && rows[i].year == ctx->year)
            has = true;
    free(rows);
    return has;
}

#define DB_BUFS(d)                                                                           \
    mc__buf *bufs[] = { &d->str, &d->names, &d->list, &d->prog, &d->sch, &d->dx, &d->pr,     \
                        &d->xid, &d->xgo, &d->xgc, &d->fre, &d->frm, &d->gen, &d->clu,        \
                        &d->cch, &d->ccd, &d->cmap, &d->ttl, &d->hac, &d->wt, &d->clu_next, &d->name_ix.keys, &d->list_ix.keys,       \
                        &d->str_ix.keys, &d->sch_ix.keys, &d->clu_ix.keys }

static void db_init(db *d)
{
    DB_BUFS(d);
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        mc__buf_init(bufs[i], 0);
}

static void db_free(db *d)
{
    mc__buf *own[] = { &d->str, &d->names, &d->list, &d->prog, &d->sch, &d->dx, &d->pr,
                        &d->xid, &d->xgo, &d->xgc, &d->fre, &d->frm, &d->gen, &d->clu,
                        &d->cch, &d->ccd, &d->cmap, &d->ttl, &d->hac, &d->wt, &d->clu_next };
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        mc__buf_free(own[i]);
    intern_free(&d->name_ix), intern_free(&d->list_ix), intern_free(&d->str_ix);
    intern_free(&d->sch_ix), intern_free(&d->clu_ix);
}

MC_BUILD_PART(msdrg, 1)
{
    if (!mc__drg_manifest_has_year(ctx)) {
        mc__build_progress(ctx, "  msdrg: grouper tables are compiled into the FY2026 bundle only");
        return MC_OK;
    }
    db d;
    memset(&d, 0, sizeof d);
    db_init(&d);
    d.ctx = ctx;
    int rc;
    /* name 0 is reserved so that a zero word never names a real operand by accident */
    uint32_t id0;
    name_id(&d, "", 0, &id0);
    if ((rc = each_row(&d, "diagnosis", 11, row_dx)) ||
        (rc = each_row(&d, "procedure_attributes", 5, row_pr)) ||
        (rc = each_row(&d, "exclusion_ids", 4, row_xid)) ||
        (rc = each_row(&d, "exclusion_groups", 3, row_xgr)) ||
        (rc = each_row(&d, "drg_formulas", 13, row_frm)) ||
        (rc = each_row(&d, "gender_mdcs", 5, row_gen)) ||
        (rc = each_row(&d, "cluster_info", 4, row_clu)) ||
        (rc = each_row(&d, "cluster_map", 4, row_cmap)) || (rc = each_row(&d, "hac_formulas", 5, row_hac)))
        goto out;
    ttl_kind = MC__TTL_DRG;
    if ((rc = each_row(&d, "drg_descriptions", 4, row_ttl)))
        goto out;
    ttl_kind = MC__TTL_MDC;
    if ((rc = each_row(&d, "mdc_descriptions", 4, row_ttl)))
        goto out;
    ttl_kind = MC__TTL_HAC;
    if ((rc = each_row(&d, "hac_descriptions", 4, row_ttl)) ||
        (rc = each_row(&d, "weights26", 8, row_wt26)) ||
        (rc = each_row(&d, "weights_hist", 8, row_wthist)))
        goto out;
    /* closing offset of the last exclusion group */
    uint32_t ngroups = (uint32_t)(d.xgo.n / 4);
    mc__buf_u32(&d.xgo, (uint32_t)(d.xgc.n / 8));
    {
        mc__buf xo;
        mc__buf_init(&xo, 0);
        mc__buf_u32(&xo, ngroups);
        mc__buf_append(&xo, d.xgo.p, d.xgo.n);
        rc = xo.err ? xo.err : mc__bw_add(ctx->w, "DRGXGO", xo.p, xo.n, 2026);
        mc__buf_free(&xo);
        if (rc)
            goto out;
    }
    mc__buf nm;
    mc__buf_init(&nm, 0);
    mc__buf_u32(&nm, d.n_names);
    mc__buf_append(&nm, d.names.p, d.names.n);
    rc = nm.err ? nm.err : mc__bw_add(ctx->w, "DRGNAME", nm.p, nm.n, 2026);
    mc__buf_free(&nm);
    if (rc)
        goto out;
    if ((rc = mc__bw_add(ctx->w, "DRGSTR", d.str.p ? d.str.p : "", d.str.n, 2026)) ||
        (rc = mc__bw_add(ctx->w, "DRGLIST", d.list.p ? d.list.p : "", d.list.n, 2026)) ||
        (rc = mc__bw_add(ctx->w, "DRGCODE", d.prog.p ? d.prog.p : "", d.prog.n, 2026)) ||
        (rc = add_records(&d, "DRGSCH", &d.sch, R_SCH, false)) ||
        (rc = add_records(&d, "DRGDX", &d.dx, R_DX, true)) ||
        (rc = add_records(&d, "DRGPR", &d.pr, R_PR, true)) ||
        (rc = add_records(&d, "DRGXID", &d.xid, R_XID, true)) ||
        (rc = add_records(&d, "DRGXGC", &d.xgc, R_CODE, false)) ||
        (rc = add_records(&d, "DRGFRE", &d.fre, R_FRE, false)) ||
        (rc = add_records(&d, "DRGFRM", &d.frm, R_FRM, false)) ||
        (rc = add_records(&d, "DRGGEN", &d.gen, R_GEN, true)) ||
        (rc = add_records(&d, "DRGCLU", &d.clu, R_CLU, false)) ||
        (rc = add_records(&d, "DRGCCH", &d.cch, R_CCH, false)) ||
        (rc = add_records(&d, "DRGCCD", &d.ccd, R_CODE, false)) ||
        (rc = add_records(&d, "DRGCMAP", &d.cmap, R_CMAP, true)) ||
        (rc = add_records(&d, "DRGTTL", &d.ttl, R_TTL, false)) ||
        (rc = add_records(&d, "DRGHAC", &d.hac, R_HAC, false)) ||
        (rc = add_records(&d, "DRGWT", &d.wt, R_WT, false)))
        goto out;
    mc__build_progress(ctx, "  msdrg: %u names, %u dx schemes, %u formula rows", d.n_names,
                       d.n_sch, (uint32_t)(d.frm.n / R_FRM));
out:
    db_free(&d);
    return rc;
}
