/*
 * Build part "pcs" (stage 1): compiles the ICD-10-PCS tables XML, the
 * definitions XML and the year's order file into the PCS* sections
 * described in pcs_int.h and docs/pcs.md.
 *
 * Invariants of what is written (the reader checks them again, since a
 * bundle is untrusted): tables sorted by their 3-character code and unique;
 * each table's rows contiguous; each row axis lists distinct PCS characters
 * and its mask equals the set of its label values; the order section sorted
 * by NUL-padded code and unique.
 *
 * When the year has no tables of its own (the FY2025 bundle is compiled
 * with the FY2026 tables) the order file of the bundle's year stays the
 * authority for validity and titles; the fallback is recorded in the
 * provenance and the reader consults the section years.
 */
#include "build/build.h"
#include "pcs/pcs_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ---- a section under construction: records + deduplicated text ---- */
typedef struct secw {
    mc__buf rec; /* records */
    mc__buf str; /* text area */
    uint32_t n; /* records */
    uint32_t *slots; /* dedup hash: text offset + 1, 0 = empty */
    uint32_t *lens; /* length of the text at slots[i] */
    uint32_t n_slots, n_used;
} secw;

static void secw_init(secw *w)
{
    memset(w, 0, sizeof *w);
    mc__buf_init(&w->rec, (size_t)1 << 30);
    mc__buf_init(&w->str, (size_t)1 << 30);
}

static void secw_free(secw *w)
{
    mc__buf_free(&w->rec);
    mc__buf_free(&w->str);
    free(w->slots);
    free(w->lens);
}

static int rehash(secw *w)
{
    uint32_t ns = w->n_slots ? w->n_slots * 2 : 4096;
    uint32_t *s = calloc(ns, sizeof *s), *l = calloc(ns, sizeof *l);
    if (!s || !l) {
        free(s);
        free(l);
        return MC_ENOMEM;
    }
    for (uint32_t i = 0; i < w->n_slots; i++) {
        if (!w->slots[i])
            continue;
        uint64_t h = XXH3_64bits(w->str.p + w->slots[i] - 1, w->lens[i]);
        uint32_t j = (uint32_t)h & (ns - 1);
        while (s[j])
            j = (j + 1) & (ns - 1);
        s[j] = w->slots[i];
        l[j] = w->lens[i];
    }
    free(w->slots);
    free(w->lens);
    w->slots = s;
    w->lens = l;
    w->n_slots = ns;
    return MC_OK;
}

/* Append a string reference (offset, length) to the record buffer, storing the text once. */
static int put_str(secw *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) {
        mc__buf_u32(&w->rec, 0);
        return mc__buf_u32(&w->rec, 0);
    }
    if (w->n_used * 2 >= w->n_slots && rehash(w))
        return MC_ENOMEM;
    uint64_t h = XXH3_64bits(s, n);
    uint32_t j = (uint32_t)h & (w->n_slots - 1);
    while (w->slots[j]) {
        if (w->lens[j] == n && !memcmp(w->str.p + w->slots[j] - 1, s, n))
            break;
        j = (j + 1) & (w->n_slots - 1);
    }
    if (!w->slots[j]) {
        if (w->str.n >= UINT32_MAX - n - 1)
            return MC_ELIMIT;
        uint32_t off = (uint32_t)w->str.n;
        if (mc__buf_append(&w->str, s, n))
            return w->str.err;
        w->slots[j] = off + 1;
        w->lens[j] = (uint32_t)n;
        w->n_used++;
    }
    mc__buf_u32(&w->rec, w->slots[j] - 1);
    return mc__buf_u32(&w->rec, (uint32_t)n);
}

/* Frame the section and add it to the bundle. */
static int secw_emit(mc__build_ctx *ctx, secw *w, const char *tag, uint32_t magic,
                     uint32_t rec_size, int year)
{
    if (w->rec.err || w->str.err)
        return mc_diag_set(ctx->diag, w->rec.err ? w->rec.err : w->str.err,
                           "cannot assemble section %s", tag);
    if (w->rec.n != (size_t)w->n * rec_size)
        return mc_diag_set(ctx->diag, MC_EFORMAT, "section %s: record size mismatch", tag);
    mc__buf out;
    mc__buf_init(&out, 0);
    mc__buf_u32(&out, magic);
    mc__buf_u32(&out, w->n);
    mc__buf_u32(&out, rec_size);
    mc__buf_u32(&out, (uint32_t)w->str.n);
    mc__buf_append(&out, w->rec.p, w->rec.n);
    mc__buf_append(&out, w->str.p, w->str.n);
    int rc = out.err ? out.err : mc__bw_add(ctx->w, tag, out.p, out.n, (uint32_t)year);
    mc__buf_free(&out);
    if (rc)
        return mc_diag_set(ctx->diag, rc, "cannot add section %s: %s", tag, mc_strerror(rc));
    return MC_OK;
}

/* ---- definition terms: (section, pos, title) -> term index ---- */
typedef struct tkey {
    char section;
    uint8_t pos;
    const char *title;
    uint32_t term;
} tkey;

static int tkey_cmp(const void *a, const void *b)
{
    const tkey *x = a, *y = b;
    if (x->section != y->section)
        return x->section < y->section ? -1 : 1;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return strcasecmp(x->title, y->title);
}

static uint32_t find_term(const tkey *keys, size_t n, char section, int pos, const char *title)
{
    tkey k = { section, (uint8_t)pos, title, 0 };
    const tkey *hit = bsearch(&k, keys, n, sizeof *keys, tkey_cmp);
    return hit ? hit->term : MC__PCS_NONE;
}

/* ---- order file ---- */
typedef struct ord {
    char code[7]; /* NUL-padded */
    uint8_t valid;
    uint32_t number;
    char *short_title, *long_title;
} ord;

static int ord_cmp(const void *a, const void *b) { return memcmp(a, b, 7); }

/*
 * Fixed-width layout (CMS icd10pcsOrderFile.pdf): columns 1-5 order number,
 * 7-13 code (3 characters for a table header, 7 for a code), 15 header flag
 * (0 = table header, 1 = valid for HIPAA-covered transactions), 17-76 short
 * title, 78- long title.
 */
static int parse_order(mc__build_ctx *ctx, const char *path, char *data, size_t n, ord **out,
                       size_t *n_out)
{
    size_t cap = 1024, k = 0;
    ord *v = malloc(cap * sizeof *v);
    if (!v)
        return MC_ENOMEM;
    long line = 0;
    char *p = data, *end = data + n;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        line++;
        size_t len = (size_t)(le - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len == 0) {
            p = nl ? nl + 1 : end;
            continue;
        }
        if (len < 18 || p[5] != ' ' || p[13] != ' ' || (p[14] != '0' && p[14] != '1')) {
            free(v);
            if (ctx->diag) {
                mc__strlcpy(ctx->diag->file, path, sizeof ctx->diag->file);
                ctx->diag->line = line;
            }
            return mc_diag_set(ctx->diag, MC_EFORMAT,
                               "%s line %ld: not an ICD-10-PCS order file line (expected "
                               "number, code, 0/1 flag, titles in fixed columns)",
                               path, line);
        }
        if (k == cap) {
            ord *nv = realloc(v, cap * 2 * sizeof *v);
            if (!nv) {
                free(v);
                return MC_ENOMEM;
            }
            v = nv;
            cap *= 2;
        }
        ord *o = &v[k];
        memset(o, 0, sizeof *o);
        int clen = 0;
        bool ok = true;
        for (int i = 6; i < 13; i++) {
            if (p[i] == ' ')
                break;
            if (mc__pcs_char_index(p[i]) < 0)
                ok = false;
            o->code[clen++] = p[i];
        }
        for (int i = 6 + clen; i < 13; i++)
            if (p[i] != ' ')
                ok = false;
        o->valid = (uint8_t)(p[14] - '0');
        if (!ok || (clen != 7 && clen != 3) || (o->valid && clen != 7)) {
            free(v);
            return mc_diag_set(ctx->diag, MC_EFORMAT, "%s line %ld: '%.7s' is not an ICD-10-PCS code",
                               path, line, p + 6);
        }
        o->number = (uint32_t)strtoul(p, NULL, 10);
        /* titles: NUL-terminate in place */
        size_t se = len < 76 ? len : 76;
        const char *sp = p + 16;
        size_t sn = se > 16 ? se - 16 : 0;
        mc__trim(&sp, &sn);
        const char *lp = len > 77 ? p + 77 : p + len;
        size_t ln = len > 77 ? len - 77 : 0;
        mc__trim(&lp, &ln);
        ((char *)sp)[sn] = 0; /* sp + sn <= p + 76 < end of line: column 77 is a space */
        p[len] = 0;
        ((char *)lp)[ln] = 0;
        o->short_title = (char *)sp;
        o->long_title = (char *)lp;
        k++;
        p = nl ? nl + 1 : end;
    }
    qsort(v, k, sizeof *v, ord_cmp);
    for (size_t i = 1; i < k; i++)
        if (!memcmp(v[i].code, v[i - 1].code, 7)) {
            char dup[8] = { 0 };
            memcpy(dup, v[i].code, 7);
            free(v);
            return mc_diag_set(ctx->diag, MC_EFORMAT, "%s: code %s listed twice", path, dup);
        }
    *out = v;
    *n_out = k;
    return MC_OK;
}

static int emit_order(mc__build_ctx *ctx, const ord *v, size_t n, int year)
{
    secw w;
    secw_init(&w);
    for (size_t i = 0; i < n; i++) {
        mc__buf_append(&w.rec, v[i].code, 7);
        mc__buf_putc(&w.rec, (char)v[i].valid);
        mc__buf_u32(&w.rec, v[i].number);
        mc__buf_u32(&w.rec, 0);
        put_str(&w, v[i].short_title);
        put_str(&w, v[i].long_title);
        w.n++;
    }
    int rc = secw_emit(ctx, &w, MC__PCS_TAG_ORDER, MC__PCS_MAGIC_ORD, MC__PCS_ORD_SIZE, year);
    secw_free(&w);
    return rc;
}

/* ---- tables ---- */
typedef struct tref {
    const mc__pcs_mtable *t;
    char code[3];
} tref;

static int tref_cmp(const void *a, const void *b) { return memcmp(((const tref *)a)->code, ((const tref *)b)->code, 3); }

static bool in_list(char *const *list, uint32_t n, const char *s)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcasecmp(list[i], s))
            return true;
    return false;
}

/*
 * The specific devices the definitions' <deviceAggregation> codes to device value v
 * ("label") in a table of body system `sys` and root operation `op`, "; "-joined into out.
 */
static void covers_of(const mc__pcs_model *m, const char *sys, const char *op, char v,
                      const char *label, mc__buf *out)
{
    out->n = 0;
    if (out->p)
        out->p[0] = 0;
    for (uint32_t i = 0; i < m->n_aggrs; i++) {
        const mc__pcs_maggr *a = &m->aggrs[i];
        if (a->parent_value != v || strcasecmp(a->parent, label))
            continue;
        if (a->n_systems && !in_list(a->systems, a->n_systems, sys))
            continue;
        if (a->n_ops && !in_list(a->ops, a->n_ops, "All applicable") &&
            !in_list(a->ops, a->n_ops, op))
            continue;
        if (out->n)
            mc__buf_puts(out, "; ");
        mc__buf_puts(out, a->device);
    }
}

/* Definition record for a device label with a covers list: (term, covers) pairs made so far. */
typedef struct covrec {
    uint32_t term;
    uint32_t def;
    char *covers;
} covrec;

/* Find or make the definition record (term's texts + covers); *term gets its index. */
static int covers_def(secw *def, const mc__pcs_model *m, uint32_t term0, const char *covers,
                      covrec **covs, size_t *n, size_t *cap, uint32_t *term)
{
    for (size_t i = 0; i < *n; i++)
        if ((*covs)[i].term == term0 && !strcmp((*covs)[i].covers, covers)) {
            *term = (*covs)[i].def;
            return MC_OK;
        }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        covrec *nv = realloc(*covs, nc * sizeof *nv);
        if (!nv)
            return MC_ENOMEM;
        *covs = nv;
        *cap = nc;
    }
    char *copy = strdup(covers);
    if (!copy)
        return MC_ENOMEM;
    const mc__pcs_mterm *t = term0 == MC__PCS_NONE ? NULL : &m->terms[term0];
    put_str(def, t ? t->definition : NULL);
    put_str(def, t ? t->explanation : NULL);
    put_str(def, t ? t->includes : NULL);
    put_str(def, covers);
    (*covs)[*n] = (covrec){ term0, def->n, copy };
    (*n)++;
    *term = def->n++;
    return MC_OK;
}

static int emit_tables(mc__build_ctx *ctx, const mc__pcs_model *m, int year, int def_year,
                       const ord *order, size_t n_order, bool order_same_year)
{
    int rc = MC_OK;
    mc__buf cov;
    mc__buf_init(&cov, 1 << 20);
    covrec *covs = NULL;
    size_t n_covs = 0, cap_covs = 0;
    tref *tr = calloc(m->n_tables, sizeof *tr);
    tkey *keys = NULL;
    size_t n_keys = 0;
    for (uint32_t i = 0; i < m->n_terms; i++)
        n_keys += m->terms[i].n_titles;
    keys = calloc(n_keys ? n_keys : 1, sizeof *keys);
    secw tab, row, lab, def;
    secw_init(&tab);
    secw_init(&row);
    secw_init(&lab);
    secw_init(&def);
    if (!tr || !keys) {
        rc = MC_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0, k = 0; i < m->n_terms; i++)
        for (uint32_t j = 0; j < m->terms[i].n_titles; j++)
            keys[k++] = (tkey){ m->terms[i].section, m->terms[i].pos, m->terms[i].titles[j], i };
    qsort(keys, n_keys, sizeof *keys, tkey_cmp);
    for (uint32_t i = 0; i < m->n_terms; i++) {
        put_str(&def, m->terms[i].definition);
        put_str(&def, m->terms[i].explanation);
        put_str(&def, m->terms[i].includes);
        put_str(&def, NULL);
        def.n++;
    }
    for (uint32_t i = 0; i < m->n_tables; i++) {
        tr[i].t = &m->tables[i];
        for (int k = 0; k < 3; k++)
            tr[i].code[k] = m->labels[m->tables[i].axis[k].first].value;
    }
    qsort(tr, m->n_tables, sizeof *tr, tref_cmp);
    for (uint32_t i = 1; i < m->n_tables; i++)
        if (!memcmp(tr[i].code, tr[i - 1].code, 3)) {
            rc = mc_diag_set(ctx->diag, MC_EFORMAT,
                             "ICD-10-PCS tables XML line %ld: table %.3s defined twice",
                             tr[i].t->line, tr[i].code);
            goto out;
        }
    uint64_t n_codes_total = 0, n_in_order = 0;
    for (uint32_t i = 0; i < m->n_tables; i++) {
        const mc__pcs_mtable *t = tr[i].t;
        char section = tr[i].code[0];
        uint32_t first_row = row.n;
        uint64_t table_codes = 0;
        for (uint32_t r = 0; r < t->n_rows; r++) {
            const mc__pcs_mrow *mr = &m->rows[t->first_row + r];
            uint32_t first_lab[4];
            uint64_t mask[4] = { 0 };
            for (int k = 0; k < 4; k++) {
                first_lab[k] = lab.n;
                for (uint32_t j = 0; j < mr->axis[k].n; j++) {
                    const mc__pcs_mlabel *l = &m->labels[mr->axis[k].first + j];
                    mask[k] |= (uint64_t)1 << mc__pcs_char_index(l->value);
                    mc__buf_putc(&lab.rec, l->value);
                    mc__buf_putc(&lab.rec, (char)(4 + k));
                    mc__buf_putc(&lab.rec, 0);
                    mc__buf_putc(&lab.rec, 0);
                    uint32_t term = find_term(keys, n_keys, section, 4 + k, l->text);
                    if (k == 2 && m->n_aggrs) {
                        covers_of(m, m->labels[t->axis[1].first].text,
                                  m->labels[t->axis[2].first].text, l->value, l->text, &cov);
                        if (cov.n && (rc = covers_def(&def, m, term, cov.p, &covs, &n_covs,
                                                      &cap_covs, &term)))
                            goto out;
                    }
                    mc__buf_u32(&lab.rec, term);
                    put_str(&lab, l->text);
                    lab.n++;
                }
            }
            for (int k = 0; k < 4; k++)
                mc__buf_u64(&row.rec, mask[k]);
            for (int k = 0; k < 4; k++)
                mc__buf_u32(&row.rec, first_lab[k]);
            for (int k = 0; k < 4; k++)
                mc__buf_putc(&row.rec, (char)mr->axis[k].n);
            mc__buf_u32(&row.rec, i);
            mc__buf_u32(&row.rec, mr->declared);
            mc__buf_u32(&row.rec, 0);
            row.n++;
            table_codes += mr->declared;
            /* every derivable code of the row against the order file of the same year */
            if (order_same_year) {
                char c[7];
                memcpy(c, tr[i].code, 3);
                for (uint32_t a = 0; a < mr->axis[0].n; a++)
                    for (uint32_t b = 0; b < mr->axis[1].n; b++)
                        for (uint32_t d = 0; d < mr->axis[2].n; d++)
                            for (uint32_t q = 0; q < mr->axis[3].n; q++) {
                                c[3] = m->labels[mr->axis[0].first + a].value;
                                c[4] = m->labels[mr->axis[1].first + b].value;
                                c[5] = m->labels[mr->axis[2].first + d].value;
                                c[6] = m->labels[mr->axis[3].first + q].value;
                                const ord *o = bsearch(c, order, n_order, sizeof *order, ord_cmp);
                                if (o && o->valid)
                                    n_in_order++;
                            }
            }
        }
        n_codes_total += table_codes;
        /* table record */
        mc__buf_append(&tab.rec, tr[i].code, 3);
        mc__buf_putc(&tab.rec, 0);
        mc__buf_u32(&tab.rec, first_row);
        mc__buf_u32(&tab.rec, t->n_rows);
        mc__buf_u32(&tab.rec, (uint32_t)table_codes);
        for (int k = 0; k < 3; k++)
            put_str(&tab, m->labels[t->axis[k].first].text);
        for (int k = 0; k < 3; k++)
            put_str(&tab, t->axis[k].title);
        const mc__pcs_mrow *r0 = &m->rows[t->first_row];
        for (int k = 0; k < 4; k++)
            put_str(&tab, r0->axis[k].title);
        for (int k = 0; k < 3; k++) {
            uint32_t term = find_term(keys, n_keys, section, k + 1,
                                      m->labels[t->axis[k].first].text);
            const char *inl = t->axis[k].definition;
            if (inl && *inl && (term == MC__PCS_NONE || !m->terms[term].definition ||
                                strcmp(m->terms[term].definition, inl))) {
                /* the table's own definition, completed by the definitions file */
                put_str(&def, inl);
                put_str(&def, term == MC__PCS_NONE ? NULL : m->terms[term].explanation);
                put_str(&def, term == MC__PCS_NONE ? NULL : m->terms[term].includes);
                put_str(&def, NULL);
                term = def.n++;
            }
            mc__buf_u32(&tab.rec, term);
        }
        mc__buf_u32(&tab.rec, 0);
        tab.n++;
    }
    if (order_same_year) {
        size_t n_valid = 0;
        for (size_t i = 0; i < n_order; i++)
            n_valid += order[i].valid;
        if (n_in_order != n_codes_total || n_valid != n_codes_total)
            mc__build_warn(ctx,
                           "ICD-10-PCS FY%d: the tables yield %llu codes, %llu of them in the "
                           "order file, which lists %zu valid codes",
                           year, (unsigned long long)n_codes_total,
                           (unsigned long long)n_in_order, n_valid);
    }
    mc__build_progress(ctx, "  pcs: %u tables, %u rows, %llu valid codes (FY%d tables)", tab.n,
                       row.n, (unsigned long long)n_codes_total, year);
    if ((rc = secw_emit(ctx, &tab, MC__PCS_TAG_TABLES, MC__PCS_MAGIC_TAB, MC__PCS_TAB_SIZE,
                        year)) ||
        (rc = secw_emit(ctx, &row, MC__PCS_TAG_ROWS, MC__PCS_MAGIC_ROW, MC__PCS_ROW_SIZE,
                        year)) ||
        (rc = secw_emit(ctx, &lab, MC__PCS_TAG_LABELS, MC__PCS_MAGIC_LAB, MC__PCS_LAB_SIZE,
                        year)) ||
        (rc = secw_emit(ctx, &def, MC__PCS_TAG_DEFS, MC__PCS_MAGIC_DEF, MC__PCS_DEF_SIZE,
                        def_year)))
        goto out;
out:
    for (size_t i = 0; i < n_covs; i++)
        free(covs[i].covers);
    free(covs);
    mc__buf_free(&cov);
    free(tr);
    free(keys);
    secw_free(&tab);
    secw_free(&row);
    secw_free(&lab);
    secw_free(&def);
    return rc;
}

int mc__pcs_compile_model(mc__build_ctx *ctx, const mc__pcs_model *m, int year)
{
    int rc = emit_tables(ctx, m, year, year, NULL, 0, false);
    return rc ? rc : emit_order(ctx, NULL, 0, year);
}

static int load_xml(mc__build_ctx *ctx, const char *part, char **path, int *year, char **data,
                    size_t *n)
{
    int rc = mc__build_source(ctx, "icd10pcs", part, path, year);
    if (rc)
        return rc;
    return mc__read_file(*path, (size_t)256 << 20, data, n, ctx->diag);
}

MC_BUILD_PART(pcs, 1)
{
    mc__pcs_model m;
    mc__pcs_model_init(&m);
    char *tpath = NULL, *dpath = NULL, *opath = NULL, *tdata = NULL, *ddata = NULL,
         *odata = NULL;
    size_t tn = 0, dn = 0, on = 0, n_order = 0;
    int ty = 0, dy = 0, oy = 0;
    ord *order = NULL;
    int rc = load_xml(ctx, "tables", &tpath, &ty, &tdata, &tn);
    if (rc)
        goto out;
    if ((rc = mc__pcs_parse_tables(&m, tdata, tn, ctx->diag))) {
        if (ctx->diag)
            mc__strlcpy(ctx->diag->file, tpath, sizeof ctx->diag->file);
        goto out;
    }
    rc = load_xml(ctx, "definitions", &dpath, &dy, &ddata, &dn);
    if (rc == MC_ENOTFOUND) {
        mc__build_warn(ctx, "FY%d bundle: no ICD-10-PCS definitions file, explanations will "
                            "lack definitions", ctx->year);
        if (ctx->diag)
            ctx->diag->msg[0] = 0;
        dy = ty;
    } else if (rc) {
        goto out;
    } else if ((rc = mc__pcs_parse_definitions(&m, ddata, dn, ctx->diag))) {
        goto out;
    }
    if ((rc = mc__build_source(ctx, "icd10pcs", "order", &opath, &oy)) ||
        (rc = mc__read_file(opath, (size_t)256 << 20, &odata, &on, ctx->diag)) ||
        (rc = parse_order(ctx, opath, odata, on, &order, &n_order)))
        goto out;
    if ((rc = emit_tables(ctx, &m, ty, dy, order, n_order, oy == ty)) ||
        (rc = emit_order(ctx, order, n_order, oy)))
        goto out;
    char note[256];
    if (ty != ctx->year) {
        snprintf(note, sizeof note,
                 "FY%d tables (none for FY%d): the FY%d order file decides validity and titles",
                 ty, ctx->year, oy);
    } else {
        snprintf(note, sizeof note, "%u tables, %u rows", m.n_tables, m.n_rows);
    }
    mc__build_provenance(ctx, MC__PCS_TAG_TABLES, ty, tpath, note);
    if (dpath)
        mc__build_provenance(ctx, MC__PCS_TAG_DEFS, dy, dpath, "definitions of axis values");
    size_t n_valid = 0;
    for (size_t i = 0; i < n_order; i++)
        n_valid += order[i].valid;
    snprintf(note, sizeof note, "%zu valid codes, %zu table headers", n_valid, n_order - n_valid);
    mc__build_provenance(ctx, MC__PCS_TAG_ORDER, oy, opath, note);
out:
    mc__pcs_model_free(&m);
    free(order);
    free(tpath);
    free(dpath);
    free(opath);
    free(tdata);
    free(ddata);
    free(odata);
    return rc;
}
