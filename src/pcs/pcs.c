/*
 * ICD-10-PCS reader: opens the PCS* sections of a bundle (checking every
 * count, offset, string reference, mask and ordering once at open, so the
 * queries below can index without further checks), then validates,
 * explains and builds codes without allocating.
 *
 * Validation walks the code left to right: characters 1..3 select a table
 * (binary search over the sorted table codes); for characters 4..7 the
 * allowed set at position k is the union of the k-th axis masks of the rows
 * that match the characters 4..k-1. The first character outside its
 * allowed set is the one reported, together with that set.
 */
#include "medcode/pcs.h"
#include "pcs/pcs_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct sec {
    const unsigned char *rec; /* first record */
    uint32_t n; /* records */
    const char *str; /* text area */
    uint32_t str_n; /* bytes of text */
    int year; /* source year of the section */
} sec;

struct mc_pcs {
    const mc_bundle *b;
    sec tab, row, lab, def, ord;
    int year; /* bundle fiscal year */
    bool tables_auth; /* tables decide validity */
    uint32_t n_table_codes; /* codes the tables derive */
    uint32_t n_order_valid; /* valid codes of the order file */
    /* tables by prefix, built at open: [lo, hi) for 1 and 2 characters, index + 1 for 3 */
    uint32_t range1[MC__PCS_NCHARS][2];
    uint32_t range2[MC__PCS_NCHARS * MC__PCS_NCHARS][2];
    uint32_t exact3[MC__PCS_NCHARS * MC__PCS_NCHARS * MC__PCS_NCHARS];
};

/* ---- opening and checking the sections ---- */
static int section_year(const mc_bundle *b, const char *tag)
{
    uint32_t n = mc_bundle_section_count(b);
    for (uint32_t i = 0; i < n; i++) {
        mc_bundle_section_info info;
        if (mc_bundle_section_at(b, i, &info) == MC_OK && !strcmp(info.tag, tag))
            return (int)info.source_year;
    }
    return 0;
}

static int open_sec(const mc_bundle *b, const char *tag, uint32_t magic, uint32_t rec_size,
                    sec *s, mc_diag *diag)
{
    const void *data;
    size_t n;
    memset(s, 0, sizeof *s);
    int rc = mc_bundle_section(b, tag, &data, &n);
    if (rc)
        return mc_diag_set(diag, rc == MC_ENOTFOUND ? MC_ENOTFOUND : rc,
                           "bundle has no %s section (ICD-10-PCS): rebuild it with 'medcode "
                           "build'",
                           tag);
    const unsigned char *p = data;
    if (n < MC__PCS_FRAME || mc__rd32(p) != magic || mc__rd32(p + 8) != rec_size)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s: bad header", tag);
    uint64_t nrec = mc__rd32(p + 4), str_n = mc__rd32(p + 12);
    if (MC__PCS_FRAME + nrec * rec_size + str_n != n)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section %s: sizes do not add up", tag);
    s->rec = p + MC__PCS_FRAME;
    s->n = (uint32_t)nrec;
    s->str = (const char *)p + MC__PCS_FRAME + nrec * rec_size;
    s->str_n = (uint32_t)str_n;
    s->year = section_year(b, tag);
    return MC_OK;
}

static bool str_ok(const sec *s, const unsigned char *ref)
{
    uint64_t off = mc__rd32(ref), len = mc__rd32(ref + 4);
    return off + len <= s->str_n;
}

static inline mc_str get_str(const sec *s, const unsigned char *ref)
{
    return mc__str(s->str + mc__rd32(ref), mc__rd32(ref + 4));
}

static inline const unsigned char *tab_at(const mc_pcs *p, uint32_t i)
{
    return p->tab.rec + (size_t)i * MC__PCS_TAB_SIZE;
}
static inline const unsigned char *row_at(const mc_pcs *p, uint32_t i)
{
    return p->row.rec + (size_t)i * MC__PCS_ROW_SIZE;
}
static inline const unsigned char *lab_at(const mc_pcs *p, uint32_t i)
{
    return p->lab.rec + (size_t)i * MC__PCS_LAB_SIZE;
}
static inline const unsigned char *ord_at(const mc_pcs *p, uint32_t i)
{
    return p->ord.rec + (size_t)i * MC__PCS_ORD_SIZE;
}
static inline uint64_t row_mask(const unsigned char *r, int k)
{
    return mc__rd64(r + MC__PCS_ROW_MASK + 8 * k);
}

static int check_defs(const mc_pcs *p, mc_diag *diag)
{
    for (uint32_t i = 0; i < p->def.n; i++) {
        const unsigned char *d = p->def.rec + (size_t)i * MC__PCS_DEF_SIZE;
        for (int k = 0; k < 4; k++)
            if (!str_ok(&p->def, d + 8 * k))
                return mc_diag_set(diag, MC_ECORRUPT, "PCSDEF record %u: bad text reference",
                                   i);
    }
    return MC_OK;
}

static int check_labels(const mc_pcs *p, mc_diag *diag)
{
    for (uint32_t i = 0; i < p->lab.n; i++) {
        const unsigned char *l = lab_at(p, i);
        uint32_t def = mc__rd32(l + 4);
        if (mc__pcs_char_index((char)l[0]) < 0 || l[1] < 4 || l[1] > 7 ||
            (def != MC__PCS_NONE && def >= p->def.n) || !str_ok(&p->lab, l + 8))
            return mc_diag_set(diag, MC_ECORRUPT, "PCSLAB record %u is corrupt", i);
    }
    return MC_OK;
}

static int check_rows(const mc_pcs *p, mc_diag *diag)
{
    for (uint32_t i = 0; i < p->row.n; i++) {
        const unsigned char *r = row_at(p, i);
        uint64_t codes = 1;
        for (int k = 0; k < 4; k++) {
            uint64_t first = mc__rd32(r + MC__PCS_ROW_FIRST + 4 * k), mask = 0;
            uint32_t nl = r[MC__PCS_ROW_NLAB + k];
            if (nl == 0 || nl > MC__PCS_NCHARS || first + nl > p->lab.n)
                return mc_diag_set(diag, MC_ECORRUPT, "PCSROW record %u: bad label range", i);
            for (uint32_t j = 0; j < nl; j++) {
                const unsigned char *l = lab_at(p, (uint32_t)first + j);
                if (l[1] != 4 + k)
                    return mc_diag_set(diag, MC_ECORRUPT, "PCSROW record %u: label of the "
                                                          "wrong position", i);
                mask |= (uint64_t)1 << mc__pcs_char_index((char)l[0]);
            }
            if (mask != row_mask(r, k) || (uint32_t)__builtin_popcountll(mask) != nl)
                return mc_diag_set(diag, MC_ECORRUPT, "PCSROW record %u: mask does not match "
                                                      "its labels", i);
            codes *= nl;
        }
        if (mc__rd32(r + MC__PCS_ROW_TABLE) >= p->tab.n || codes != mc__rd32(r + MC__PCS_ROW_N_CODES))
            return mc_diag_set(diag, MC_ECORRUPT, "PCSROW record %u is corrupt", i);
    }
    return MC_OK;
}

static int check_tables(mc_pcs *p, mc_diag *diag)
{
    uint32_t next_row = 0;
    uint64_t total = 0;
    for (uint32_t i = 0; i < p->tab.n; i++) {
        const unsigned char *t = tab_at(p, i);
        for (int k = 0; k < 3; k++)
            if (mc__pcs_char_index((char)t[k]) < 0)
                return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB record %u: bad code", i);
        if (i > 0 && memcmp(tab_at(p, i - 1), t, 3) >= 0)
            return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB records out of order at %u", i);
        uint32_t first = mc__rd32(t + MC__PCS_TAB_FIRST_ROW), nr = mc__rd32(t + MC__PCS_TAB_N_ROWS);
        if (first != next_row || nr == 0 || nr > p->row.n - first)
            return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB record %u: bad row range", i);
        next_row = first + nr;
        uint64_t codes = 0;
        for (uint32_t r = first; r < first + nr; r++) {
            if (mc__rd32(row_at(p, r) + MC__PCS_ROW_TABLE) != i)
                return mc_diag_set(diag, MC_ECORRUPT, "PCSROW record %u: wrong table", r);
            codes += mc__rd32(row_at(p, r) + MC__PCS_ROW_N_CODES);
        }
        if (codes != mc__rd32(t + MC__PCS_TAB_N_CODES))
            return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB record %u: code count", i);
        total += codes;
        for (int k = 0; k < 10; k++)
            if (!str_ok(&p->tab, t + MC__PCS_TAB_LABEL + 8 * k))
                return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB record %u: bad text reference",
                                   i);
        for (int k = 0; k < 3; k++) {
            uint32_t d = mc__rd32(t + MC__PCS_TAB_DEF + 4 * k);
            if (d != MC__PCS_NONE && d >= p->def.n)
                return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB record %u: bad definition", i);
        }
    }
    if (next_row != p->row.n || total > UINT32_MAX)
        return mc_diag_set(diag, MC_ECORRUPT, "PCSTAB rows do not cover PCSROW");
    p->n_table_codes = (uint32_t)total;
    return MC_OK;
}

/* The 7 code bytes of an order record as a number that sorts like memcmp. */
static inline uint64_t ord_key(const unsigned char *o)
{
    return __builtin_bswap64(mc__rd64(o)) >> 8;
}

static int check_order(mc_pcs *p, mc_diag *diag)
{
    uint32_t valid = 0;
    uint64_t prev = 0;
    for (uint32_t i = 0; i < p->ord.n; i++) {
        const unsigned char *o = ord_at(p, i);
        int len = o[3] ? 7 : 3;
        bool ok = o[7] <= 1 && (!o[7] || len == 7);
        for (int k = 0; k < 7; k++)
            ok &= k < len ? mc__pcs_char_index((char)o[k]) >= 0 : o[k] == 0;
        uint64_t key = ord_key(o);
        if (!ok || (i > 0 && key <= prev) || !str_ok(&p->ord, o + 16) || !str_ok(&p->ord, o + 24))
            return mc_diag_set(diag, MC_ECORRUPT, "PCSORD record %u is corrupt", i);
        prev = key;
        valid += o[7];
    }
    p->n_order_valid = valid;
    return MC_OK;
}

int mc_pcs_open(const mc_bundle *b, mc_pcs **out, mc_diag *diag)
{
    if (!b || !out)
        return MC_EINVAL;
    *out = NULL;
    mc_pcs *p = calloc(1, sizeof *p);
    if (!p)
        return MC_ENOMEM;
    p->b = b;
    p->year = mc_bundle_year(b);
    int rc;
    if ((rc = open_sec(b, MC__PCS_TAG_TABLES, MC__PCS_MAGIC_TAB, MC__PCS_TAB_SIZE, &p->tab, diag)) ||
        (rc = open_sec(b, MC__PCS_TAG_ROWS, MC__PCS_MAGIC_ROW, MC__PCS_ROW_SIZE, &p->row, diag)) ||
        (rc = open_sec(b, MC__PCS_TAG_LABELS, MC__PCS_MAGIC_LAB, MC__PCS_LAB_SIZE, &p->lab, diag)) ||
        (rc = open_sec(b, MC__PCS_TAG_DEFS, MC__PCS_MAGIC_DEF, MC__PCS_DEF_SIZE, &p->def, diag)) ||
        (rc = open_sec(b, MC__PCS_TAG_ORDER, MC__PCS_MAGIC_ORD, MC__PCS_ORD_SIZE, &p->ord, diag)) ||
        (rc = check_defs(p, diag)) || (rc = check_labels(p, diag)) ||
        (rc = check_rows(p, diag)) || (rc = check_tables(p, diag)) ||
        (rc = check_order(p, diag))) {
        free(p);
        return rc;
    }
    if (p->tab.n == 0) {
        free(p);
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section PCSTAB has no tables");
    }
    for (uint32_t i = 0; i < p->tab.n; i++) {
        const unsigned char *t = tab_at(p, i);
        int a = mc__pcs_char_index((char)t[0]), b2 = mc__pcs_char_index((char)t[1]),
            c = mc__pcs_char_index((char)t[2]);
        int ab = a * MC__PCS_NCHARS + b2;
        if (p->range1[a][1] == 0)
            p->range1[a][0] = i;
        p->range1[a][1] = i + 1;
        if (p->range2[ab][1] == 0)
            p->range2[ab][0] = i;
        p->range2[ab][1] = i + 1;
        p->exact3[ab * MC__PCS_NCHARS + c] = i + 1;
    }
    /* The source of the bundle's own year decides; when neither is, the nearer one (tables
       on a tie), e.g. FY2025 (FY2026 tables, FY2025 order file) -> the order file. */
    int dt = abs(p->tab.year - p->year), dord = abs(p->ord.year - p->year);
    p->tables_auth = p->ord.n == 0 || dt <= dord;
    *out = p;
    return MC_OK;
}

void mc_pcs_close(mc_pcs *p) { free(p); }
int mc_pcs_year(const mc_pcs *p) { return p->year; }
int mc_pcs_tables_year(const mc_pcs *p) { return p->tab.year; }
int mc_pcs_order_year(const mc_pcs *p) { return p->ord.year; }
bool mc_pcs_tables_authoritative(const mc_pcs *p) { return p->tables_auth; }
uint32_t mc_pcs_valid_count(const mc_pcs *p)
{
    return p->tables_auth ? p->n_table_codes : p->n_order_valid;
}
uint32_t mc_pcs_table_code_count(const mc_pcs *p) { return p->n_table_codes; }
uint32_t mc_pcs_table_count(const mc_pcs *p) { return p->tab.n; }
uint32_t mc_pcs_row_count(const mc_pcs *p) { return p->row.n; }

/* ---- helpers over the tables ---- */
int mc_pcs_normalize(const char *text, size_t n, char out[8], size_t *len)
{
    out[0] = 0;
    *len = 0;
    if (!text)
        return MC_EFORMAT;
    mc__trim(&text, &n);
    if (n == 0 || n > 7)
        return MC_EFORMAT;
    for (size_t i = 0; i < n; i++) {
        char c = mc__upper(text[i]);
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return MC_EFORMAT;
        out[i] = c;
    }
    out[n] = 0;
    *len = n;
    return MC_OK;
}

/* Tables whose code starts with the first k (0..3) PCS characters of c: [*lo, *hi). */
static void table_range(const mc_pcs *p, const char *c, size_t k, uint32_t *lo, uint32_t *hi)
{
    if (k == 0) {
        *lo = 0;
        *hi = p->tab.n;
        return;
    }
    int a = mc__pcs_char_index(c[0]);
    if (k == 1) {
        *lo = p->range1[a][0];
        *hi = p->range1[a][1];
        return;
    }
    int ab = a * MC__PCS_NCHARS + mc__pcs_char_index(c[1]);
    if (k == 2) {
        *lo = p->range2[ab][0];
        *hi = p->range2[ab][1];
        return;
    }
    uint32_t t = p->exact3[ab * MC__PCS_NCHARS + mc__pcs_char_index(c[2])];
    *lo = t ? t - 1 : 0;
    *hi = t ? t : 0;
}

static bool row_matches(const unsigned char *r, const char *c, int upto)
{
    for (int k = 4; k < upto; k++)
        if (!(row_mask(r, k - 4) >> mc__pcs_char_index(c[k - 1]) & 1))
            return false;
    return true;
}

/* Allowed set at position pos (4..7) of table t given c[3..pos-2]. */
static uint64_t allowed_at(const mc_pcs *p, uint32_t t, const char *c, int pos)
{
    const unsigned char *tr = tab_at(p, t);
    uint32_t first = mc__rd32(tr + MC__PCS_TAB_FIRST_ROW), nr = mc__rd32(tr + MC__PCS_TAB_N_ROWS);
    uint64_t m = 0;
    for (uint32_t r = first; r < first + nr; r++) {
        const unsigned char *rr = row_at(p, r);
        if (row_matches(rr, c, pos))
            m |= row_mask(rr, pos - 4);
    }
    return m;
}

static void set_allowed(mc_pcs_check *out, uint64_t mask)
{
    out->n_allowed = 0;
    for (int i = 0; i < MC__PCS_NCHARS; i++)
        if (mask >> i & 1)
            out->allowed[out->n_allowed++] = mc__pcs_index_char(i);
    out->allowed[out->n_allowed] = 0;
}

/* Values at position pos (1..3) among tables [lo, hi) (sorted, so equal values are adjacent). */
static uint64_t table_chars(const mc_pcs *p, uint32_t lo, uint32_t hi, int pos)
{
    uint64_t m = 0;
    for (uint32_t i = lo; i < hi; i++)
        m |= (uint64_t)1 << mc__pcs_char_index((char)tab_at(p, i)[pos - 1]);
    return m;
}

/*
 * Check characters 1..len of c (all PCS characters already). Returns 0 when
 * they start some derivable code, else the first bad position with
 * out->allowed/axis filled. *table gets the table index when len >= 3.
 */
static int check_prefix(const mc_pcs *p, const char *c, size_t len, mc_pcs_check *out,
                        uint32_t *table)
{
    uint32_t lo = 0, hi = p->tab.n;
    for (int pos = 1; pos <= 3 && (size_t)pos <= len; pos++) {
        uint32_t nlo, nhi;
        table_range(p, c, (size_t)pos, &nlo, &nhi);
        if (nlo == nhi) {
            set_allowed(out, table_chars(p, lo, hi, pos));
            out->axis = get_str(&p->tab, tab_at(p, lo) + MC__PCS_TAB_TITLE + 8 * (pos - 1));
            return pos;
        }
        lo = nlo;
        hi = nhi;
    }
    if (len < 3)
        return 0;
    *table = lo;
    /* One pass over the rows: allowed[k] collects the masks at position 4+k of the rows that
       match the characters before it; a row matching all of them ends the search. */
    const unsigned char *tr = tab_at(p, lo);
    uint32_t first = mc__rd32(tr + MC__PCS_TAB_FIRST_ROW), nr = mc__rd32(tr + MC__PCS_TAB_N_ROWS);
    int npos = (int)len - 3;
    uint64_t want[4] = { 0 }, allowed[4] = { 0 };
    for (int k = 0; k < npos; k++)
        want[k] = (uint64_t)1 << mc__pcs_char_index(c[3 + k]);
    for (uint32_t r = first; r < first + nr; r++) {
        const unsigned char *rr = row_at(p, r);
        int k = 0;
        for (; k < npos; k++) {
            uint64_t m = row_mask(rr, k);
            allowed[k] |= m;
            if (!(m & want[k]))
                break;
        }
        if (k == npos)
            return 0;
    }
    for (int k = 0; k < npos; k++)
        if (!(allowed[k] & want[k])) {
            set_allowed(out, allowed[k]);
            out->axis = get_str(&p->tab, tr + MC__PCS_TAB_TITLE + 8 * (k + 3));
            return k + 4;
        }
    return 0; /* not reached: some row would have matched */
}

static const unsigned char *order_find(const mc_pcs *p, const char *code, size_t len)
{
    char key[7] = { 0 };
    memcpy(key, code, len);
    uint32_t a = 0, b = p->ord.n;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        int c = memcmp(ord_at(p, m), key, 7);
        if (c == 0)
            return ord_at(p, m);
        if (c < 0)
            a = m + 1;
        else
            b = m;
    }
    return NULL;
}

/* Normalise and check the characters; fills code/length/status for malformed input. */
static bool prepare(const char *text, size_t n, mc_pcs_check *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        text = "";
    mc__trim(&text, &n);
    size_t k = n < 7 ? n : 7;
    for (size_t i = 0; i < k; i++)
        out->code[i] = mc__upper(text[i]);
    out->length = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
    for (size_t i = 0; i < n; i++) {
        char c = mc__upper(text[i]);
        if (mc__pcs_char_index(c) < 0) {
            out->status = MC_PCS_BAD_CHAR;
            out->position = (uint32_t)(i + 1);
            out->value = c;
            return false;
        }
    }
    return true;
}

int mc_pcs_validate(const mc_pcs *p, const char *text, size_t n, mc_pcs_check *out)
{
    if (!p || !out)
        return MC_EINVAL;
    if (!prepare(text, n, out))
        return MC_OK; /* a character PCS never uses, whatever the length */
    if (out->length != 7) {
        out->status = MC_PCS_BAD_LENGTH;
        return MC_OK;
    }
    uint32_t t = 0;
    mc_pcs_check tmp = *out;
    int bad = check_prefix(p, out->code, 7, &tmp, &t);
    out->derivable = bad == 0;
    if (p->tables_auth || bad != 0) {
        const unsigned char *o = p->tables_auth ? NULL : order_find(p, out->code, 7);
        if (bad == 0 || (o && o[7])) {
            out->status = MC_PCS_VALID;
            out->valid = true;
            return MC_OK;
        }
        tmp.status = MC_PCS_BAD_VALUE;
        tmp.position = (uint32_t)bad;
        tmp.value = out->code[bad - 1];
        tmp.derivable = false;
        *out = tmp;
        return MC_OK;
    }
    /* order file of the bundle's year decides */
    const unsigned char *o = order_find(p, out->code, 7);
    out->valid = o && o[7];
    out->status = out->valid ? MC_PCS_VALID : MC_PCS_NOT_IN_YEAR;
    return MC_OK;
}

/* Label record for value v at position pos (4..7) in the first row of table t matching c. */
static const unsigned char *find_label(const mc_pcs *p, uint32_t t, const char *c, int pos,
                                       char v)
{
    const unsigned char *tr = tab_at(p, t);
    uint32_t first = mc__rd32(tr + MC__PCS_TAB_FIRST_ROW), nr = mc__rd32(tr + MC__PCS_TAB_N_ROWS);
    int vi = mc__pcs_char_index(v);
    for (uint32_t r = first; r < first + nr; r++) {
        const unsigned char *rr = row_at(p, r);
        if (!(row_mask(rr, pos - 4) >> vi & 1) || !row_matches(rr, c, pos))
            continue;
        uint32_t fl = mc__rd32(rr + MC__PCS_ROW_FIRST + 4 * (pos - 4));
        for (uint32_t j = 0; j < rr[MC__PCS_ROW_NLAB + pos - 4]; j++)
            if ((char)lab_at(p, fl + j)[0] == v)
                return lab_at(p, fl + j);
    }
    return NULL;
}

/* Definition texts of record d (MC__PCS_NONE: empty); a is NULL when only the definition is wanted. */
static void fill_def(const mc_pcs *p, uint32_t d, mc_str *def, mc_pcs_axis *a)
{
    static const char empty[] = "";
    mc_str e = { empty, 0 };
    if (d == MC__PCS_NONE) {
        *def = e;
        if (a)
            a->explanation = a->includes = a->covers = e;
        return;
    }
    const unsigned char *r = p->def.rec + (size_t)d * MC__PCS_DEF_SIZE;
    *def = get_str(&p->def, r);
    if (a) {
        a->explanation = get_str(&p->def, r + 8);
        a->includes = get_str(&p->def, r + 16);
        a->covers = get_str(&p->def, r + 24);
    }
}

static void table_axis(const mc_pcs *p, uint32_t t, int pos, mc_pcs_axis *a)
{
    const unsigned char *tr = tab_at(p, t);
    a->position = (uint8_t)pos;
    a->value = (char)tr[pos - 1];
    a->name = get_str(&p->tab, tr + MC__PCS_TAB_TITLE + 8 * (pos - 1));
    a->label = get_str(&p->tab, tr + MC__PCS_TAB_LABEL + 8 * (pos - 1));
    fill_def(p, mc__rd32(tr + MC__PCS_TAB_DEF + 4 * (pos - 1)), &a->definition, a);
}

int mc_pcs_explain(const mc_pcs *p, const char *text, size_t n, mc_pcs_axis axes[7], int *n_axes)
{
    *n_axes = 0;
    mc_pcs_check chk;
    if (!prepare(text, n, &chk) || chk.length == 0 || chk.length > 7)
        return MC_EFORMAT;
    const char *c = chk.code;
    uint32_t t = 0;
    mc_pcs_check tmp;
    int bad = check_prefix(p, c, chk.length, &tmp, &t);
    int good = bad ? bad - 1 : (int)chk.length; /* length is 1..7 here */
    for (int pos = 1; pos <= good && pos <= 3; pos++) {
        uint32_t lo, hi;
        table_range(p, c, (size_t)pos, &lo, &hi);
        table_axis(p, lo, pos, &axes[pos - 1]);
    }
    for (int pos = 4; pos <= good; pos++) {
        const unsigned char *l = find_label(p, t, c, pos, c[pos - 1]);
        mc_pcs_axis *a = &axes[pos - 1];
        a->position = (uint8_t)pos;
        a->value = c[pos - 1];
        a->name = get_str(&p->tab, tab_at(p, t) + MC__PCS_TAB_TITLE + 8 * (pos - 1));
        a->label = get_str(&p->lab, l + 8);
        fill_def(p, mc__rd32(l + 4), &a->definition, a);
    }
    *n_axes = good;
    return MC_OK;
}

int mc_pcs_next_values(const mc_pcs *p, const char *prefix, size_t n, mc_pcs_value out[34],
                       uint32_t *count, mc_str *axis, mc_pcs_check *check)
{
    *count = 0;
    mc_pcs_check local;
    mc_pcs_check *chk = check ? check : &local;
    if (!prepare(prefix, n, chk) || chk->length > 6)
        return MC_EFORMAT;
    const char *c = chk->code;
    size_t len = chk->length;
    uint32_t t = 0;
    int bad = check_prefix(p, c, len, chk, &t);
    if (bad) {
        chk->status = MC_PCS_BAD_VALUE;
        chk->position = (uint32_t)bad;
        chk->value = c[bad - 1];
        return MC_ENOTFOUND;
    }
    int pos = (int)len + 1;
    if (pos <= 3) {
        uint32_t lo = 0, hi = p->tab.n;
        if (len)
            table_range(p, c, len, &lo, &hi);
        if (axis)
            *axis = get_str(&p->tab, tab_at(p, lo) + MC__PCS_TAB_TITLE + 8 * (pos - 1));
        for (uint32_t i = lo; i < hi; i++) {
            const unsigned char *tr = tab_at(p, i);
            char v = (char)tr[pos - 1];
            if (*count && out[*count - 1].value == v)
                continue;
            mc_pcs_value *o = &out[(*count)++];
            o->value = v;
            o->label = get_str(&p->tab, tr + MC__PCS_TAB_LABEL + 8 * (pos - 1));
            fill_def(p, mc__rd32(tr + MC__PCS_TAB_DEF + 4 * (pos - 1)), &o->definition, NULL);
        }
        return MC_OK;
    }
    if (axis)
        *axis = get_str(&p->tab, tab_at(p, t) + MC__PCS_TAB_TITLE + 8 * (pos - 1));
    uint64_t m = allowed_at(p, t, c, pos);
    for (int i = 0; i < MC__PCS_NCHARS; i++) {
        if (!(m >> i & 1))
            continue;
        char v = mc__pcs_index_char(i);
        const unsigned char *l = find_label(p, t, c, pos, v);
        mc_pcs_value *o = &out[(*count)++];
        o->value = v;
        o->label = get_str(&p->lab, l + 8);
        fill_def(p, mc__rd32(l + 4), &o->definition, NULL);
    }
    return MC_OK;
}

/* ---- order file ---- */
uint32_t mc_pcs_order_count(const mc_pcs *p) { return p->ord.n; }

int mc_pcs_order_get(const mc_pcs *p, uint32_t i, mc_pcs_code *out)
{
    if (i >= p->ord.n)
        return MC_ENOTFOUND;
    const unsigned char *o = ord_at(p, i);
    memset(out->code, 0, sizeof out->code);
    memcpy(out->code, o, 7);
    out->valid = o[7] != 0;
    out->order = mc__rd32(o + 8);
    out->short_title = get_str(&p->ord, o + 16);
    out->long_title = get_str(&p->ord, o + 24);
    return MC_OK;
}

int mc_pcs_lookup(const mc_pcs *p, const char *text, size_t n, mc_pcs_code *out)
{
    char code[8];
    size_t len;
    if (mc_pcs_normalize(text, n, code, &len))
        return MC_EFORMAT;
    if (len != 3 && len != 7)
        return MC_ENOTFOUND;
    const unsigned char *o = order_find(p, code, len);
    if (!o)
        return MC_ENOTFOUND;
    return mc_pcs_order_get(p, (uint32_t)((size_t)(o - p->ord.rec) / MC__PCS_ORD_SIZE), out);
}

/* ---- iteration ---- */
void mc_pcs_iter_init(const mc_pcs *p, mc_pcs_iter *it, mc_pcs_source source)
{
    memset(it, 0, sizeof *it);
    if (source == MC_PCS_FROM_AUTHORITY)
        source = p->tables_auth ? MC_PCS_FROM_TABLES : MC_PCS_FROM_ORDER;
    it->source = (int)source;
}

bool mc_pcs_iter_next(const mc_pcs *p, mc_pcs_iter *it, char code[8])
{
    if (it->source == MC_PCS_FROM_ORDER) {
        while (it->i < p->ord.n) {
            const unsigned char *o = ord_at(p, it->i++);
            if (o[7]) {
                memcpy(code, o, 7);
                code[7] = 0;
                return true;
            }
        }
        return false;
    }
    if (it->row >= p->row.n)
        return false;
    const unsigned char *r = row_at(p, it->row);
    const unsigned char *t = tab_at(p, mc__rd32(r + MC__PCS_ROW_TABLE));
    memcpy(code, t, 3);
    for (int k = 0; k < 4; k++)
        code[3 + k] = (char)lab_at(p, mc__rd32(r + MC__PCS_ROW_FIRST + 4 * k) + it->idx[k])[0];
    code[7] = 0;
    /* advance: the last axis fastest, then the next row */
    for (int k = 3; k >= 0; k--) {
        if (++it->idx[k] < r[MC__PCS_ROW_NLAB + k])
            return true;
        it->idx[k] = 0;
    }
    it->row++;
    return true;
}
