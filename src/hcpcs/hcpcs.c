/*
 * HCPCS Level II reader over the HCPREC section. Every record's code,
 * ordering and column references are checked at open, so look-ups index
 * without further checks and never allocate.
 */
#include "medcode/hcpcs.h"
#include "hcpcs/hcpcs_int.h"

#include <stdlib.h>
#include <string.h>

struct mc_hcpcs {
    const unsigned char *rec; /* first record */
    uint32_t n; /* records */
    const char *text; /* text area */
    uint32_t text_n; /* bytes */
    int year; /* source year of the section */
    uint32_t *slots; /* open-addressing hash of the codes: record index + 1, 0 = empty */
    uint32_t mask; /* slots - 1 (a power of two minus one) */
};

static uint64_t key_of(const void *code8)
{
    uint64_t k;
    memcpy(&k, code8, 8);
    return k;
}

static uint32_t slot_of(uint64_t k, uint32_t mask)
{
    return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

const char *mc_hcpcs_column_name(int col)
{
    return col >= 0 && col < MC__HCP_NCOL ? mc__hcpcs_columns[col] : NULL;
}

static bool code_ok(const unsigned char *c)
{
    int len = 0;
    while (len < 8 && c[len])
        len++;
    if (len < 2 || len > 5)
        return false;
    for (int i = 0; i < 8; i++) {
        if (i < len && !((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'A' && c[i] <= 'Z')))
            return false;
        if (i >= len && c[i])
            return false;
    }
    return true;
}

int mc_hcpcs_open(const mc_bundle *b, mc_hcpcs **out, mc_diag *diag)
{
    if (!b || !out)
        return MC_EINVAL;
    *out = NULL;
    const void *data;
    size_t n;
    int rc = mc_bundle_section(b, MC__HCP_TAG, &data, &n);
    if (rc)
        return mc_diag_set(diag, rc, "bundle has no HCPCS section: rebuild it with 'medcode "
                                     "build'");
    const unsigned char *p = data;
    if (n < MC__HCP_FRAME || mc__rd32(p) != MC__HCP_MAGIC || mc__rd32(p + 8) != MC__HCP_REC_SIZE)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section HCPREC: bad header");
    uint64_t nrec = mc__rd32(p + 4), tn = mc__rd32(p + 12);
    if (MC__HCP_FRAME + nrec * MC__HCP_REC_SIZE + tn != n)
        return mc_diag_set(diag, MC_ECORRUPT, "bundle section HCPREC: sizes do not add up");
    mc_hcpcs *h = calloc(1, sizeof *h);
    if (!h)
        return MC_ENOMEM;
    h->rec = p + MC__HCP_FRAME;
    h->n = (uint32_t)nrec;
    h->text = (const char *)h->rec + nrec * MC__HCP_REC_SIZE;
    h->text_n = (uint32_t)tn;
    for (uint32_t i = 0; i < h->n; i++) {
        const unsigned char *r = h->rec + (size_t)i * MC__HCP_REC_SIZE;
        bool ok = code_ok(r) && (i == 0 || memcmp(r - MC__HCP_REC_SIZE, r, 8) < 0);
        for (int k = 0; ok && k < MC__HCP_NCOL; k++) {
            uint64_t off = mc__rd32(r + MC__HCP_REC_COLS + 4 * k);
            ok = off + 2 <= h->text_n && off + 2 + mc__rd16(h->text + off) <= h->text_n;
        }
        for (int k = 0; ok && k < 4; k++) {
            uint32_t off = mc__rd32(r + MC__HCP_REC_COLS + 4 * mc__hcpcs_len_cols[k]);
            ok = mc__rd16(r + MC__HCP_REC_LENS + 2 * k) == mc__rd16(h->text + off);
        }
        if (!ok) {
            free(h);
            return mc_diag_set(diag, MC_ECORRUPT, "bundle section HCPREC: record %u is corrupt",
                               i);
        }
    }
    uint32_t cap = 16;
    while (cap < 2 * h->n)
        cap *= 2;
    h->slots = calloc(cap, sizeof *h->slots);
    if (!h->slots) {
        mc_hcpcs_close(h);
        return MC_ENOMEM;
    }
    h->mask = cap - 1;
    for (uint32_t i = 0; i < h->n; i++) {
        uint32_t j = slot_of(key_of(h->rec + (size_t)i * MC__HCP_REC_SIZE), h->mask);
        while (h->slots[j])
            j = (j + 1) & h->mask;
        h->slots[j] = i + 1;
    }
    uint32_t ns = mc_bundle_section_count(b);
    for (uint32_t i = 0; i < ns; i++) {
        mc_bundle_section_info info;
        if (mc_bundle_section_at(b, i, &info) == MC_OK && !strcmp(info.tag, MC__HCP_TAG))
            h->year = (int)info.source_year;
    }
    *out = h;
    return MC_OK;
}

void mc_hcpcs_close(mc_hcpcs *h)
{
    if (!h)
        return;
    free(h->slots);
    free(h);
}
uint32_t mc_hcpcs_count(const mc_hcpcs *h) { return h->n; }
int mc_hcpcs_source_year(const mc_hcpcs *h) { return h->year; }

mc_str mc_hcpcs_field(const mc_hcpcs *h, uint32_t id, int col)
{
    static const char empty[] = "";
    if (id >= h->n || col < 0 || col >= MC__HCP_NCOL)
        return mc__str(empty, 0);
    const unsigned char *r = h->rec + (size_t)id * MC__HCP_REC_SIZE;
    uint32_t off = mc__rd32(r + MC__HCP_REC_COLS + 4 * col);
    return mc__str(h->text + off + 2, mc__rd16(h->text + off));
}

int mc_hcpcs_get(const mc_hcpcs *h, uint32_t id, mc_hcpcs_code *out)
{
    if (id >= h->n)
        return MC_ENOTFOUND;
    const unsigned char *r = h->rec + (size_t)id * MC__HCP_REC_SIZE;
    out->id = id;
    memset(out->code, 0, sizeof out->code);
    memcpy(out->code, r, 5);
    out->modifier = r[MC__HCP_REC_FLAGS] & 1;
    /* lengths from the record: the text is touched only when the caller reads it */
#define LENF(k, col)                                                                       \
    mc__str(h->text + mc__rd32(r + MC__HCP_REC_COLS + 4 * (col)) + 2,                      \
            mc__rd16(r + MC__HCP_REC_LENS + 2 * (k)))
    out->long_desc = LENF(0, MC_HCPCS_COL_LONG);
    out->short_desc = LENF(1, MC_HCPCS_COL_SHORT);
    out->coverage = LENF(2, MC_HCPCS_COL_COV);
    out->betos = LENF(3, MC_HCPCS_COL_BETOS);
#undef LENF
    out->add_date = mc__rd32(r + MC__HCP_REC_ADD);
    out->action_date = mc__rd32(r + MC__HCP_REC_ACT);
    out->term_date = mc__rd32(r + MC__HCP_REC_TERM);
    out->action = (char)r[MC__HCP_REC_ACTION];
    return MC_OK;
}

int mc_hcpcs_lookup(const mc_hcpcs *h, const char *text, size_t n, mc_hcpcs_code *out)
{
    if (!text)
        return MC_EFORMAT;
    mc__trim(&text, &n);
    if (n < 2 || n > 5)
        return MC_EFORMAT;
    char key[8] = { 0 };
    for (size_t i = 0; i < n; i++) {
        key[i] = mc__upper(text[i]);
        if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'A' && key[i] <= 'Z')))
            return MC_EFORMAT;
    }
    uint64_t k = key_of(key);
    for (uint32_t j = slot_of(k, h->mask); h->slots[j]; j = (j + 1) & h->mask)
        if (key_of(h->rec + (size_t)(h->slots[j] - 1) * MC__HCP_REC_SIZE) == k)
            return mc_hcpcs_get(h, h->slots[j] - 1, out);
    return MC_ENOTFOUND;
}

bool mc_hcpcs_valid_on(const mc_hcpcs_code *c, uint32_t date)
{
    if (c->add_date && date < c->add_date)
        return false;
    return c->term_date == 0 || date <= c->term_date;
}

int mc_hcpcs_parse_date(const char *text, uint32_t *out)
{
    if (!text)
        return MC_EFORMAT;
    char d[9];
    size_t n = strlen(text);
    if (n == 10 && text[4] == '-' && text[7] == '-') {
        memcpy(d, text, 4);
        memcpy(d + 4, text + 5, 2);
        memcpy(d + 6, text + 8, 2);
    } else if (n == 8) {
        memcpy(d, text, 8);
    } else {
        return MC_EFORMAT;
    }
    long v = mc__hcpcs_date8(d, 8);
    if (v <= 0)
        return MC_EFORMAT;
    *out = (uint32_t)v;
    return MC_OK;
}
