/*
 * ICD-10-CM reader over the CM* bundle sections (cm_format.h). Opening
 * validates every count, offset and cross-reference once, so the accessors
 * below can index records directly; nothing here allocates after open.
 */
#include "codeset/cm_int.h"

#include <stdlib.h>
#include <string.h>

static int section(const mc_bundle *b, const char *tag, const unsigned char **p, size_t *n,
                   mc_diag *diag)
{
    const void *d;
    int rc = mc_bundle_section(b, tag, &d, n);
    if (rc == MC_ECHECKSUM)
        return mc_diag_set(diag, MC_ECHECKSUM,
                           "bundle section %s checksum mismatch: the file is damaged, rebuild "
                           "it with 'medcode build'",
                           tag);
    if (rc)
        return mc_diag_set(diag, MC_ECORRUPT,
                           "bundle has no %s section: rebuild it with 'medcode build'", tag);
    *p = d;
    return MC_OK;
}

static bool str_ok(const mc_codeset *cs, uint32_t off, uint32_t len)
{
    return off <= cs->n_strs && len <= cs->n_strs - off;
}

static bool range_ok(uint32_t first, uint32_t count, uint32_t n)
{
    return first <= n && count <= n - first;
}

static int corrupt(mc_diag *diag, const char *what, uint32_t i)
{
    return mc_diag_set(diag, MC_ECORRUPT, "bundle ICD-10-CM %s record %u is inconsistent", what,
                       i);
}

static int validate(mc_codeset *cs, mc_diag *diag)
{
    for (uint32_t i = 0; i < cs->n_codes; i++) {
        const unsigned char *r = cm_rec(cs, i);
        uint32_t parent = mc__rd32(r + 24), chap = mc__rd32(r + 28), block = mc__rd32(r + 32);
        uint32_t sev = mc__rd32(r + 52);
        uint8_t len = r[51];
        if (len < 3 || len > 7 || r[len] != 0 || !str_ok(cs, mc__rd32(r + 8), mc__rd32(r + 12)) ||
            !str_ok(cs, mc__rd32(r + 16), mc__rd32(r + 20)) ||
            (parent != MC_NONE && parent >= i) || (chap != MC_NONE && chap >= cs->n_chaps) ||
            (block != MC_NONE && block >= cs->n_blocks) ||
            !range_ok(mc__rd32(r + 36), mc__rd32(r + 40), cs->n_kids) ||
            !range_ok(mc__rd32(r + 44), mc__rd16(r + 48), cs->n_notes) ||
            (sev != MC_NONE && sev >= cs->n_sevn_owners))
            return corrupt(diag, "code", i);
        if (i && memcmp(r - CM_CODE_REC, r, 8) >= 0)
            return corrupt(diag, "code order", i);
    }
    for (uint32_t i = 0; i <= cs->hash_mask; i++) {
        uint32_t id = mc__rd32(cs->hash + 4 * (size_t)i);
        if (id != MC_NONE && id >= cs->n_codes)
            return corrupt(diag, "hash", i);
    }
    for (uint32_t i = 0; i < cs->n_kids; i++)
        if (mc__rd32(cs->kids + 4 * (size_t)i) >= cs->n_codes)
            return corrupt(diag, "children", i);
    for (uint32_t i = 0; i < cs->n_notes; i++) {
        const unsigned char *r = cs->notes + (size_t)i * CM_NOTE_REC;
        uint32_t owner = mc__rd32(r + 4);
        uint32_t lim = r[1] == MC_LEVEL_CODE    ? cs->n_codes
                       : r[1] == MC_LEVEL_BLOCK ? cs->n_blocks
                       : r[1] == MC_LEVEL_CHAPTER ? cs->n_chaps
                                                  : 0;
        if (r[0] < MC_NOTE_INCLUSION || r[0] > MC_NOTE_SEVENTH || owner >= lim ||
            !str_ok(cs, mc__rd32(r + 8), mc__rd32(r + 12)) ||
            !range_ok(mc__rd32(r + 16), mc__rd32(r + 20), cs->n_refs))
            return corrupt(diag, "note", i);
    }
    for (uint32_t i = 0; i < cs->n_chaps; i++) {
        const unsigned char *r = cs->chaps + (size_t)i * CM_CHAP_REC;
        if (!str_ok(cs, mc__rd32(r + 4), mc__rd32(r + 8)) ||
            !range_ok(mc__rd32(r + 20), mc__rd32(r + 24), cs->n_notes))
            return corrupt(diag, "chapter", i);
    }
    for (uint32_t i = 0; i < cs->n_blocks; i++) {
        const unsigned char *r = cs->blocks + (size_t)i * CM_BLOCK_REC;
        if (mc__rd32(r) >= cs->n_chaps || !str_ok(cs, mc__rd32(r + 4), mc__rd32(r + 8)) ||
            !str_ok(cs, mc__rd32(r + 12), mc__rd32(r + 16)) ||
            !range_ok(mc__rd32(r + 28), mc__rd32(r + 32), cs->n_notes))
            return corrupt(diag, "block", i);
    }
    for (uint32_t i = 0; i < cs->n_sevn_owners; i++) {
        const unsigned char *r = cs->sevn_owners + (size_t)i * CM_SEVN_OWNER;
        if (mc__rd32(r) >= cs->n_codes || !range_ok(mc__rd32(r + 4), mc__rd32(r + 8), cs->n_sevn_chars))
            return corrupt(diag, "7th character", i);
    }
    for (uint32_t i = 0; i < cs->n_sevn_chars; i++) {
        const unsigned char *r = cs->sevn_chars + (size_t)i * CM_SEVN_CHAR;
        if (!str_ok(cs, mc__rd32(r + 4), mc__rd32(r + 8)))
            return corrupt(diag, "7th character text", i);
    }
    return MC_OK;
}

int mc_codeset_open(const mc_bundle *b, mc_codeset **out, mc_diag *diag)
{
    *out = NULL;
    mc_codeset *cs = calloc(1, sizeof *cs);
    if (!cs)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    cs->bundle = b;
    cs->year = mc_bundle_year(b);
    const unsigned char *p;
    size_t n;
    int rc;
    if ((rc = section(b, "CMCODE", &p, &n, diag)))
        goto fail;
    if (n < CM_CODE_HDR || (n - CM_CODE_HDR) % CM_CODE_REC ||
        (n - CM_CODE_HDR) / CM_CODE_REC != mc__rd32(p)) {
        rc = mc_diag_set(diag, MC_ECORRUPT, "bundle CMCODE section has a bad size");
        goto fail;
    }
    cs->n_codes = mc__rd32(p);
    cs->n_billable = mc__rd32(p + 4);
    cs->codes = p + CM_CODE_HDR;
#define FIXED(tag, field, count, rec)                                                   \
    if ((rc = section(b, tag, &p, &n, diag)))                                           \
        goto fail;                                                                      \
    if (n % (rec) || n / (rec) > UINT32_MAX) {                                          \
        rc = mc_diag_set(diag, MC_ECORRUPT, "bundle %s section has a bad size", tag);  \
        goto fail;                                                                      \
    }                                                                                   \
    cs->field = p;                                                                      \
    cs->count = (uint32_t)(n / (rec));
    FIXED("CMKIDS", kids, n_kids, 4)
    FIXED("CMNOTE", notes, n_notes, CM_NOTE_REC)
    FIXED("CMREF", refs, n_refs, CM_REF_REC)
    FIXED("CMCHAP", chaps, n_chaps, CM_CHAP_REC)
    FIXED("CMBLOCK", blocks, n_blocks, CM_BLOCK_REC)
#undef FIXED
    if ((rc = section(b, "CMSEVN", &p, &n, diag)))
        goto fail;
    if (n < CM_SEVN_HDR ||
        (uint64_t)mc__rd32(p) * CM_SEVN_OWNER + (uint64_t)mc__rd32(p + 4) * CM_SEVN_CHAR !=
            n - CM_SEVN_HDR) {
        rc = mc_diag_set(diag, MC_ECORRUPT, "bundle CMSEVN section has a bad size");
        goto fail;
    }
    cs->n_sevn_owners = mc__rd32(p);
    cs->n_sevn_chars = mc__rd32(p + 4);
    cs->sevn_owners = p + CM_SEVN_HDR;
    cs->sevn_chars = cs->sevn_owners + (size_t)cs->n_sevn_owners * CM_SEVN_OWNER;
    if ((rc = section(b, "CMHASH", &p, &n, diag)))
        goto fail;
    {
        uint32_t slots = n >= 8 ? mc__rd32(p) : 0;
        if (slots < 2 || (slots & (slots - 1)) || (size_t)slots * 4 != n - 8 ||
            slots < cs->n_codes) {
            rc = mc_diag_set(diag, MC_ECORRUPT, "bundle CMHASH section has a bad size");
            goto fail;
        }
        cs->hash = p + 8;
        cs->hash_mask = slots - 1;
    }
    if ((rc = section(b, "CMSTR", &p, &n, diag)))
        goto fail;
    cs->strs = (const char *)p;
    cs->n_strs = n;
    if ((rc = validate(cs, diag)))
        goto fail;
    *out = cs;
    return MC_OK;
fail:
    free(cs);
    return rc;
}

void mc_codeset_close(mc_codeset *cs) { free(cs); }
const mc_bundle *mc_codeset_bundle(const mc_codeset *cs) { return cs->bundle; }
int mc_codeset_year(const mc_codeset *cs) { return cs->year; }
uint32_t mc_cm_count(const mc_codeset *cs) { return cs->n_codes; }
uint32_t mc_cm_billable_count(const mc_codeset *cs) { return cs->n_billable; }

static mc_str sstr(const mc_codeset *cs, const unsigned char *at)
{
    mc_str s = { cs->strs + mc__rd32(at), mc__rd32(at + 4) };
    return s;
}

int mc_cm_get(const mc_codeset *cs, uint32_t id, mc_cm_code *out)
{
    if (id >= cs->n_codes)
        return MC_ERANGE;
    const unsigned char *r = cm_rec(cs, id);
    out->id = id;
    memcpy(out->code, r, 8);
    out->code[7] = 0;
    mc_cm_dotted(out->code, out->dotted);
    out->billable = (r[50] & CM_FLAG_BILLABLE) != 0;
    out->in_tabular = (r[50] & CM_FLAG_TABULAR) != 0;
    out->length = r[51];
    out->short_title = sstr(cs, r + 8);
    out->long_title = sstr(cs, r + 16);
    out->parent = mc__rd32(r + 24);
    out->chapter = mc__rd32(r + 28);
    out->block = mc__rd32(r + 32);
    return MC_OK;
}

/* Hash probe for an undotted, NUL-padded key; the probe length is bounded
 * by the table size even when a damaged table has no empty slot. */
static uint32_t find_key(const mc_codeset *cs, const char key[8])
{
    uint32_t h = cm_hash(key) & cs->hash_mask;
    for (uint32_t probes = 0; probes <= cs->hash_mask; probes++) {
        uint32_t id = mc__rd32(cs->hash + 4 * (size_t)h);
        if (id == MC_NONE)
            return MC_NONE;
        if (!memcmp(cm_rec(cs, id), key, 8))
            return id;
        h = (h + 1) & cs->hash_mask;
    }
    return MC_NONE;
}

int mc__cm_find(const mc_codeset *cs, const char *code, uint32_t *id);
int mc__cm_find(const mc_codeset *cs, const char *code, uint32_t *id)
{
    char key[8] = { 0 };
    memcpy(key, code, strnlen(code, 7));
    *id = find_key(cs, key);
    return *id == MC_NONE ? MC_ENOTFOUND : MC_OK;
}

int mc_cm_lookup(const mc_codeset *cs, const char *text, size_t n, mc_cm_code *out)
{
    char key[8];
    int rc = mc_cm_normalize(text, n, key);
    if (rc)
        return rc;
    uint32_t id = find_key(cs, key);
    if (id == MC_NONE)
        return MC_ENOTFOUND;
    return mc_cm_get(cs, id, out);
}

uint32_t mc_cm_children(const mc_codeset *cs, uint32_t id, uint32_t *ids, uint32_t cap)
{
    if (id >= cs->n_codes)
        return 0;
    const unsigned char *r = cm_rec(cs, id);
    uint32_t first = mc__rd32(r + 36), count = mc__rd32(r + 40);
    for (uint32_t i = 0; i < count && i < cap; i++)
        ids[i] = mc__rd32(cs->kids + 4 * ((size_t)first + i));
    return count;
}

int mc_cm_prefix_range(const mc_codeset *cs, const char *prefix, size_t n, uint32_t *first,
                       uint32_t *count)
{
    char key[8] = { 0 };
    size_t k = 0;
    for (size_t i = 0; i < n && k < 7; i++) {
        char c = mc__upper(prefix[i]);
        if (c == '.' || c == ' ')
            continue;
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return MC_EFORMAT;
        key[k++] = c;
    }
    if (!k)
        return MC_EFORMAT;
    uint32_t lo = 0, hi = cs->n_codes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(cm_rec(cs, mid), key, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t end = lo;
    while (end < cs->n_codes && memcmp(cm_rec(cs, end), key, k) == 0)
        end++;
    *first = lo;
    *count = end - lo;
    return *count ? MC_OK : MC_ENOTFOUND;
}

uint32_t mc_cm_chapter_count(const mc_codeset *cs) { return cs->n_chaps; }
uint32_t mc_cm_block_count(const mc_codeset *cs) { return cs->n_blocks; }

int mc_cm_get_chapter(const mc_codeset *cs, uint32_t index, mc_cm_chapter *out)
{
    if (index >= cs->n_chaps)
        return MC_ERANGE;
    const unsigned char *r = cs->chaps + (size_t)index * CM_CHAP_REC;
    out->index = index;
    out->number = mc__rd32(r);
    out->title = sstr(cs, r + 4);
    memcpy(out->first, r + 12, 4);
    memcpy(out->last, r + 16, 4);
    out->first[3] = out->last[3] = 0;
    return MC_OK;
}

int mc_cm_get_block(const mc_codeset *cs, uint32_t index, mc_cm_block *out)
{
    if (index >= cs->n_blocks)
        return MC_ERANGE;
    const unsigned char *r = cs->blocks + (size_t)index * CM_BLOCK_REC;
    out->index = index;
    out->chapter = mc__rd32(r);
    out->id = sstr(cs, r + 4);
    out->title = sstr(cs, r + 12);
    memcpy(out->first, r + 20, 4);
    memcpy(out->last, r + 24, 4);
    out->first[3] = out->last[3] = 0;
    return MC_OK;
}

const char *mc_note_kind_name(mc_note_kind k)
{
    switch (k) {
    case MC_NOTE_INCLUSION: return "inclusion_term";
    case MC_NOTE_INCLUDES: return "includes";
    case MC_NOTE_EXCLUDES1: return "excludes1";
    case MC_NOTE_EXCLUDES2: return "excludes2";
    case MC_NOTE_CODE_FIRST: return "code_first";
    case MC_NOTE_USE_ADDITIONAL: return "use_additional_code";
    case MC_NOTE_CODE_ALSO: return "code_also";
    case MC_NOTE_NOTE: return "note";
    case MC_NOTE_SEVENTH: return "seventh_character_note";
    }
    return "unknown";
}

static uint32_t emit(const mc_codeset *cs, uint32_t first, uint32_t count, mc_cm_note *out,
                     uint32_t cap, uint32_t total)
{
    for (uint32_t i = 0; i < count; i++, total++) {
        if (total >= cap)
            continue;
        const unsigned char *r = cs->notes + (size_t)(first + i) * CM_NOTE_REC;
        mc_cm_note *n = &out[total];
        n->kind = (mc_note_kind)r[0];
        n->level = (mc_note_level)r[1];
        n->owner = mc__rd32(r + 4);
        n->text = sstr(cs, r + 8);
        n->refs_at = mc__rd32(r + 16);
        n->n_refs = mc__rd32(r + 20);
    }
    return total;
}

uint32_t mc_cm_notes(const mc_codeset *cs, uint32_t id, bool inherited, mc_cm_note *out,
                     uint32_t cap)
{
    if (id >= cs->n_codes)
        return 0;
    uint32_t total = 0;
    uint32_t cur = id;
    while (cur != MC_NONE) {
        const unsigned char *r = cm_rec(cs, cur);
        total = emit(cs, mc__rd32(r + 44), mc__rd16(r + 48), out, cap, total);
        if (!inherited)
            return total;
        cur = mc__rd32(r + 24);
    }
    const unsigned char *r = cm_rec(cs, id);
    uint32_t block = mc__rd32(r + 32), chap = mc__rd32(r + 28);
    if (block != MC_NONE) {
        const unsigned char *b = cs->blocks + (size_t)block * CM_BLOCK_REC;
        total = emit(cs, mc__rd32(b + 28), mc__rd32(b + 32), out, cap, total);
    }
    if (chap != MC_NONE) {
        const unsigned char *c = cs->chaps + (size_t)chap * CM_CHAP_REC;
        total = emit(cs, mc__rd32(c + 20), mc__rd32(c + 24), out, cap, total);
    }
    return total;
}

int mc_cm_note_ref(const mc_codeset *cs, const mc_cm_note *note, uint32_t i, mc_code_range *out)
{
    if (i >= note->n_refs || note->refs_at > cs->n_refs || i >= cs->n_refs - note->refs_at)
        return MC_ERANGE;
    const unsigned char *r = cs->refs + (size_t)(note->refs_at + i) * CM_REF_REC;
    memcpy(out->lo, r, 8);
    memcpy(out->hi, r + 8, 8);
    out->lo[7] = out->hi[7] = 0;
    return MC_OK;
}

bool mc_code_in_range(const char *code, const mc_code_range *r)
{
    size_t nl = strnlen(r->lo, 8), nh = strnlen(r->hi, 8);
    return strncmp(code, r->lo, nl) >= 0 && strncmp(code, r->hi, nh) <= 0 && nl && nh;
}

uint32_t mc_cm_seventh_chars(const mc_codeset *cs, uint32_t id, mc_cm_seventh *out, uint32_t cap,
                             uint32_t *owner)
{
    if (owner)
        *owner = MC_NONE;
    if (id >= cs->n_codes)
        return 0;
    uint32_t sev = mc__rd32(cm_rec(cs, id) + 52);
    if (sev == MC_NONE)
        return 0;
    const unsigned char *o = cs->sevn_owners + (size_t)sev * CM_SEVN_OWNER;
    if (owner)
        *owner = mc__rd32(o);
    uint32_t first = mc__rd32(o + 4), count = mc__rd32(o + 8);
    for (uint32_t i = 0; i < count && i < cap; i++) {
        const unsigned char *c = cs->sevn_chars + (size_t)(first + i) * CM_SEVN_CHAR;
        out[i].ch = (char)c[0];
        out[i].meaning = sstr(cs, c + 4);
    }
    return count;
}
