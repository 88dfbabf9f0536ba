/*
 * Build part "hcpcs" (stage 1): compiles the CMS HCPCS Level II file (the
 * CSV export of the quarterly spreadsheet, 48 CMS column names in the first
 * line) into the HCPREC section (hcpcs_int.h).
 *
 * CSV per RFC 4180: quoted fields may hold commas, doubled quotes and line
 * breaks. Columns are found by name, so their order does not matter. A code
 * may span several records (RECID 3/7 first, 4/8 continuation; SEQNUM
 * rising): continuation records extend the long description. Bytes that are
 * not UTF-8 are read as Windows-1252/Latin-1, as the spreadsheet export may
 * produce them.
 */
#include "build/build.h"
#include "hcpcs/hcpcs_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

const char *const mc__hcpcs_columns[MC__HCP_NCOL] = {
    "HCPC",     "SEQNUM",   "RECID",    "LONG DESCRIPTION", "SHORT DESCRIPTION",
    "PRICE1",   "PRICE2",   "PRICE3",   "PRICE4",           "MULT_PI",
    "CIM1",     "CIM2",     "CIM3",     "MCM1",             "MCM2",
    "MCM3",     "STATUTE",  "LABCERT1", "LABCERT2",         "LABCERT3",
    "LABCERT4", "LABCERT5", "LABCERT6", "LABCERT7",         "LABCERT8",
    "XREF1",    "XREF2",    "XREF3",    "XREF4",            "XREF5",
    "COV",      "ASC_GRP",  "ASC_DT",   "OPPS",             "OPPS_PI",
    "OPPS_DT",  "PROCNOTE", "BETOS",    "TOS1",             "TOS2",
    "TOS3",     "TOS4",     "TOS5",     "ANEST_BU",         "ADD DT",
    "ACT EFF DT", "TERM DT", "ACTION CD",
};

const int mc__hcpcs_len_cols[4] = { 3, 4, 30, 37 }; /* long, short, COV, BETOS */

enum { COL_HCPC = 0, COL_SEQ = 1, COL_RECID = 2, COL_LONG = 3, COL_ADD = 44, COL_ACT = 45,
       COL_TERM = 46, COL_ACTION = 47, MAX_FIELDS = 256, MAX_FIELD = 65535 };

long mc__hcpcs_date8(const char *p, size_t n)
{
    mc__trim(&p, &n);
    if (n == 0)
        return 0;
    if (n != 8)
        return -1;
    long v = 0;
    for (size_t i = 0; i < 8; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    long m = v / 100 % 100, d = v % 100;
    return (m >= 1 && m <= 12 && d >= 1 && d <= 31) ? v : -1;
}

/* ---- CSV reading ---- */
typedef struct csv {
    const char *p, *end;
    long line; /* line number of the record being read (1-based) */
    mc__buf field[MAX_FIELDS]; /* decoded fields of the current record */
    int n; /* fields in the current record */
} csv;

/* Append byte(s) of one input character, transcoding non-UTF-8 bytes from Windows-1252. */
static void put_char(mc__buf *b, const char **pp, const char *end)
{
    const unsigned char *s = (const unsigned char *)*pp;
    unsigned c = s[0];
    if (c < 0x80) {
        mc__buf_putc(b, (char)c);
        (*pp)++;
        return;
    }
    int len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    bool ok = len > 0 && (const char *)s + len <= end;
    for (int i = 1; ok && i < len; i++)
        ok = (s[i] & 0xC0) == 0x80;
    if (ok) {
        mc__buf_append(b, s, (size_t)len);
        *pp += len;
        return;
    }
    /* Latin-1 byte as UTF-8 (0x80-0x9F kept as their Latin-1 code points) */
    mc__buf_putc(b, (char)(0xC0 | c >> 6));
    mc__buf_putc(b, (char)(0x80 | (c & 0x3F)));
    (*pp)++;
}

/* Read one record; false at end of input. *err set on malformed quoting. */
static bool csv_record(csv *c, int *err)
{
    *err = 0;
    c->n = 0;
    if (c->p >= c->end)
        return false;
    for (;;) {
        if (c->n >= MAX_FIELDS) {
            *err = MC_EFORMAT;
            return false;
        }
        mc__buf *f = &c->field[c->n++];
        f->n = 0;
        f->err = 0;
        mc__buf_append(f, "", 0);
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    *err = MC_EFORMAT; /* unterminated quote */
                    return false;
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        mc__buf_putc(f, '"');
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                put_char(f, &c->p, c->end);
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                *err = MC_EFORMAT; /* text after a closing quote */
                return false;
            }
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
                put_char(f, &c->p, c->end);
        }
        if (f->err) {
            *err = f->err;
            return false;
        }
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        return true;
    }
}

/* ---- records ---- */
typedef struct rec {
    char code[8];
    uint32_t add, act, term;
    uint8_t flags, action;
    uint32_t col[MC__HCP_NCOL]; /* offsets into the text area */
    long line;
} rec;

typedef struct text {
    mc__buf b;
    uint32_t *slots; /* offset + 1 */
    uint32_t n_slots, n_used;
} text;

static uint32_t text_put(text *t, const char *s, size_t n)
{
    if (n > MAX_FIELD)
        n = MAX_FIELD;
    if (t->n_used * 2 >= t->n_slots) {
        uint32_t ns = t->n_slots ? t->n_slots * 2 : 8192;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl) {
            t->b.err = MC_ENOMEM;
            return 0;
        }
        for (uint32_t i = 0; i < t->n_slots; i++) {
            if (!t->slots[i])
                continue;
            const char *q = t->b.p + t->slots[i] - 1;
            uint32_t j = (uint32_t)XXH3_64bits(q + 2, mc__rd16(q)) & (ns - 1);
            while (sl[j])
                j = (j + 1) & (ns - 1);
            sl[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = sl;
        t->n_slots = ns;
    }
    uint32_t j = (uint32_t)XXH3_64bits(s, n) & (t->n_slots - 1);
    while (t->slots[j]) {
        const char *q = t->b.p + t->slots[j] - 1;
        if (mc__rd16(q) == n && !memcmp(q + 2, s, n))
            return t->slots[j] - 1;
        j = (j + 1) & (t->n_slots - 1);
    }
    if (t->b.n > UINT32_MAX - n - 3) {
        t->b.err = MC_ELIMIT;
        return 0;
    }
    uint32_t off = (uint32_t)t->b.n;
    mc__buf_putc(&t->b, (char)(n & 0xFF));
    mc__buf_putc(&t->b, (char)(n >> 8));
    mc__buf_append(&t->b, s, n);
    t->slots[j] = off + 1;
    t->n_used++;
    return off;
}

static int rec_cmp(const void *a, const void *b) { return memcmp(a, b, 8); }

static int bad_line(mc__build_ctx *ctx, const char *path, long line, const char *what)
{
    if (ctx->diag) {
        mc__strlcpy(ctx->diag->file, path, sizeof ctx->diag->file);
        ctx->diag->line = line;
    }
    return mc_diag_set(ctx->diag, MC_EFORMAT, "%s line %ld: %s", path, line, what);
}

static int compile(mc__build_ctx *ctx, const char *path, const char *data, size_t n, int year)
{
    csv *c = calloc(1, sizeof *c);
    rec *recs = NULL;
    size_t n_rec = 0, cap = 0;
    text t = { .slots = NULL };
    mc__buf_init(&t.b, (size_t)1 << 30);
    int map[MC__HCP_NCOL];
    int rc = MC_OK, err;
    if (!c)
        return MC_ENOMEM;
    for (int i = 0; i < MAX_FIELDS; i++)
        mc__buf_init(&c->field[i], MAX_FIELD);
    text_put(&t, "", 0); /* offset 0: the empty string */
    c->p = data;
    c->end = data + n;
    if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        c->p += 3;
    c->line = 1;
    if (!csv_record(c, &err)) {
        rc = bad_line(ctx, path, 1, "no header line with the CMS column names");
        goto out;
    }
    for (int k = 0; k < MC__HCP_NCOL; k++) {
        map[k] = -1;
        for (int i = 0; i < c->n; i++) {
            const char *h = c->field[i].p;
            size_t hn = c->field[i].n;
            mc__trim(&h, &hn);
            if (hn == strlen(mc__hcpcs_columns[k]) && !strncasecmp(h, mc__hcpcs_columns[k], hn))
                map[k] = i;
        }
    }
    static const int required[] = { COL_HCPC, COL_LONG, 4, COL_ADD, COL_TERM, COL_ACTION };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (map[required[i]] < 0) {
            char msg[128];
            snprintf(msg, sizeof msg, "header lacks the CMS column '%s' (is this the HCPCS "
                                      "file?)", mc__hcpcs_columns[required[i]]);
            rc = bad_line(ctx, path, 1, msg);
            goto out;
        }
    for (;;) {
        long line = ++c->line;
        if (!csv_record(c, &err)) {
            if (err)
                rc = bad_line(ctx, path, line, "malformed CSV (unbalanced quotes or too many "
                                               "fields)");
            break;
        }
        if (c->n == 1 && c->field[0].n == 0)
            continue; /* blank line */
#define FIELD(k) (map[k] >= 0 && map[k] < c->n ? c->field[map[k]].p : "")
#define FLEN(k) (map[k] >= 0 && map[k] < c->n ? c->field[map[k]].n : 0)
        const char *code = FIELD(COL_HCPC);
        size_t cn = FLEN(COL_HCPC);
        mc__trim(&code, &cn);
        char cc[8] = { 0 };
        bool ok = cn >= 2 && cn <= 5;
        for (size_t i = 0; ok && i < cn; i++) {
            cc[i] = mc__upper(code[i]);
            ok = (cc[i] >= '0' && cc[i] <= '9') || (cc[i] >= 'A' && cc[i] <= 'Z');
        }
        if (!ok) {
            rc = bad_line(ctx, path, line, "HCPC is not an HCPCS code or modifier");
            break;
        }
        const char *rid = FIELD(COL_RECID);
        size_t rn = FLEN(COL_RECID);
        mc__trim(&rid, &rn);
        bool cont = rn == 1 && (rid[0] == '4' || rid[0] == '8');
        if (n_rec && !memcmp(recs[n_rec - 1].code, cc, 8)) {
            if (!cont && rn) {
                rc = bad_line(ctx, path, line, "code listed twice without a continuation "
                                               "RECID");
                break;
            }
            /* continuation: extend the long description */
            rec *r = &recs[n_rec - 1];
            const char *prev = t.b.p + r->col[COL_LONG];
            size_t pn = mc__rd16(prev);
            const char *more = FIELD(COL_LONG);
            size_t mn = FLEN(COL_LONG);
            mc__trim(&more, &mn);
            mc__buf joined;
            mc__buf_init(&joined, MAX_FIELD);
            mc__buf_append(&joined, prev + 2, pn);
            if (pn && mn)
                mc__buf_putc(&joined, ' ');
            mc__buf_append(&joined, more, mn);
            if (joined.err) {
                mc__buf_free(&joined);
                rc = bad_line(ctx, path, line, "long description too long");
                break;
            }
            r->col[COL_LONG] = text_put(&t, joined.p, joined.n);
            mc__buf_free(&joined);
            continue;
        }
        if (n_rec == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            rec *nr = realloc(recs, nc * sizeof *nr);
            if (!nr) {
                rc = MC_ENOMEM;
                break;
            }
            recs = nr;
            cap = nc;
        }
        rec *r = &recs[n_rec++];
        memset(r, 0, sizeof *r);
        memcpy(r->code, cc, 8);
        r->line = line;
        long add = mc__hcpcs_date8(FIELD(COL_ADD), FLEN(COL_ADD));
        long act = mc__hcpcs_date8(FIELD(COL_ACT), FLEN(COL_ACT));
        long term = mc__hcpcs_date8(FIELD(COL_TERM), FLEN(COL_TERM));
        if (add < 0 || act < 0 || term < 0) {
            rc = bad_line(ctx, path, line, "ADD DT, ACT EFF DT or TERM DT is not YYYYMMDD");
            break;
        }
        r->add = (uint32_t)add;
        r->act = (uint32_t)act;
        r->term = (uint32_t)term;
        r->flags = (rn == 1 && rid[0] == '7') || cn == 2 ? 1 : 0;
        const char *a = FIELD(COL_ACTION);
        size_t an = FLEN(COL_ACTION);
        mc__trim(&a, &an);
        r->action = an ? (uint8_t)mc__upper(a[0]) : 0;
        for (int k = 0; k < MC__HCP_NCOL; k++) {
            const char *v = FIELD(k);
            size_t vn = FLEN(k);
            mc__trim(&v, &vn);
            r->col[k] = text_put(&t, v, vn);
        }
#undef FIELD
#undef FLEN
    }
    if (rc)
        goto out;
    if (t.b.err) {
        rc = mc_diag_set(ctx->diag, t.b.err, "%s: text too large", path);
        goto out;
    }
    qsort(recs, n_rec, sizeof *recs, rec_cmp);
    for (size_t i = 1; i < n_rec; i++)
        if (!memcmp(recs[i].code, recs[i - 1].code, 8)) {
            rc = bad_line(ctx, path, recs[i].line, "code listed twice");
            goto out;
        }
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__buf_u32(&out, MC__HCP_MAGIC);
    mc__buf_u32(&out, (uint32_t)n_rec);
    mc__buf_u32(&out, MC__HCP_REC_SIZE);
    mc__buf_u32(&out, (uint32_t)t.b.n);
    for (size_t i = 0; i < n_rec; i++) {
        const rec *r = &recs[i];
        mc__buf_append(&out, r->code, 8);
        mc__buf_u32(&out, r->add);
        mc__buf_u32(&out, r->act);
        mc__buf_u32(&out, r->term);
        mc__buf_putc(&out, (char)r->flags);
        mc__buf_putc(&out, (char)r->action);
        mc__buf_putc(&out, 0);
        mc__buf_putc(&out, 0);
        for (int k = 0; k < 4; k++) {
            uint16_t len = mc__rd16(t.b.p + r->col[mc__hcpcs_len_cols[k]]);
            mc__buf_putc(&out, (char)(len & 0xFF));
            mc__buf_putc(&out, (char)(len >> 8));
        }
        for (int k = 0; k < MC__HCP_NCOL; k++)
            mc__buf_u32(&out, r->col[k]);
    }
    mc__buf_append(&out, t.b.p, t.b.n);
    rc = out.err ? out.err : mc__bw_add(ctx->w, MC__HCP_TAG, out.p, out.n, (uint32_t)year);
    mc__buf_free(&out);
    if (rc) {
        mc_diag_set(ctx->diag, rc, "cannot add section %s", MC__HCP_TAG);
        goto out;
    }
    size_t n_mod = 0;
    for (size_t i = 0; i < n_rec; i++)
        n_mod += recs[i].flags & 1;
    char note[128];
    snprintf(note, sizeof note, "%zu codes, %zu modifiers", n_rec - n_mod, n_mod);
    mc__build_provenance(ctx, MC__HCP_TAG, year, path, note);
    mc__build_progress(ctx, "  hcpcs: %s", note);
out:
    for (int i = 0; i < MAX_FIELDS; i++)
        mc__buf_free(&c->field[i]);
    free(c);
    free(recs);
    free(t.slots);
    mc__buf_free(&t.b);
    return rc;
}

MC_BUILD_PART(hcpcs, 1)
{
    char *path = NULL, *data = NULL;
    size_t n = 0;
    int year = 0;
    int rc = mc__build_source(ctx, "hcpcs", "anweb", &path, &year);
    if (!rc)
        rc = mc__read_file(path, (size_t)256 << 20, &data, &n, ctx->diag);
    if (!rc)
        rc = compile(ctx, path, data, n, year);
    free(path);
    free(data);
    return rc;
}
