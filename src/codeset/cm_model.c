/*
 * In-memory ICD-10-CM model used while compiling: collects codes, chapters,
 * blocks, notes and 7th characters, derives the hierarchy, and serialises the
 * CM* sections (cm_format.h).
 */
#include "codeset/cm_int.h"

#include <stdlib.h>
#include <string.h>

#define GROW(arr, n, cap)                                                          \
    do {                                                                           \
        if ((n) == (cap)) {                                                        \
            uint32_t nc_ = (cap) ? (cap) * 2 : 1024;                               \
            void *p_ = realloc((arr), (size_t)nc_ * sizeof *(arr));                \
            if (!p_)                                                               \
                return MC_ENOMEM;                                                  \
            (arr) = p_;                                                            \
            (cap) = nc_;                                                           \
        }                                                                          \
    } while (0)

int cm_build_init(cm_build *cb, mc_diag *diag)
{
    memset(cb, 0, sizeof *cb);
    cb->diag = diag;
    mc__buf_init(&cb->strs, (size_t)1 << 31);
    return MC_OK;
}

void cm_build_free(cm_build *cb)
{
    mc__buf_free(&cb->strs);
    free(cb->codes);
    free(cb->notes);
    free(cb->refs);
    free(cb->chaps);
    free(cb->blocks);
    free(cb->sevens);
}

static uint32_t put_str(cm_build *cb, const char *s, size_t n)
{
    uint32_t off = (uint32_t)cb->strs.n;
    mc__buf_append(&cb->strs, s, n);
    return off;
}

int cm_build_add_code(cm_build *cb, const char code[8], bool billable, const char *s, size_t sn,
                      const char *l, size_t ln)
{
    GROW(cb->codes, cb->n_codes, cb->cap_codes);
    cm_bcode *c = &cb->codes[cb->n_codes++];
    memset(c, 0, sizeof *c);
    memcpy(c->code, code, 8);
    c->billable = billable;
    c->s_off = put_str(cb, s, sn);
    c->s_len = (uint32_t)sn;
    if (ln == sn && memcmp(l, s, sn) == 0) {
        c->l_off = c->s_off;
    } else {
        c->l_off = put_str(cb, l, ln);
    }
    c->l_len = (uint32_t)ln;
    c->parent = c->chapter = c->block = c->seventh = MC_NONE;
    cb->n_billable += billable;
    return cb->strs.err;
}

static int cmp_code(const void *a, const void *b)
{
    return memcmp(((const cm_bcode *)a)->code, ((const cm_bcode *)b)->code, 8);
}

int cm_build_index_codes(cm_build *cb)
{
    qsort(cb->codes, cb->n_codes, sizeof *cb->codes, cmp_code);
    for (uint32_t i = 1; i < cb->n_codes; i++)
        if (!memcmp(cb->codes[i - 1].code, cb->codes[i].code, 8))
            return mc_diag_set(cb->diag, MC_EFORMAT, "code %s appears twice in the order file",
                               cb->codes[i].code);
    return MC_OK;
}

static uint32_t find(const cm_build *cb, const char *code)
{
    char key[8] = { 0 };
    memcpy(key, code, strnlen(code, 8));
    uint32_t lo = 0, hi = cb->n_codes;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(cb->codes[mid].code, key, 8);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return MC_NONE;
}

int cm_build_chapter_begin(cm_build *cb)
{
    GROW(cb->chaps, cb->n_chaps, cb->cap_chaps);
    memset(&cb->chaps[cb->n_chaps++], 0, sizeof *cb->chaps);
    return MC_OK;
}

int cm_build_chapter_number(cm_build *cb, const char *s, size_t n)
{
    if (!cb->n_chaps)
        return MC_EFORMAT;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 1000)
            return MC_EFORMAT;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    cb->chaps[cb->n_chaps - 1].number = v;
    return MC_OK;
}

/* "A00-B99" or "A00" at [s, s+n): copy the range ends. */
static void parse_range(const char *s, size_t n, char first[4], char last[4])
{
    memset(first, 0, 4);
    memset(last, 0, 4);
    if (n >= 3)
        memcpy(first, s, 3);
    if (n >= 7 && s[3] == '-')
        memcpy(last, s + 4, 3);
    else
        memcpy(last, first, 4);
}

int cm_build_chapter_title(cm_build *cb, const char *s, size_t n)
{
    if (!cb->n_chaps)
        return MC_EFORMAT;
    cm_bchap *c = &cb->chaps[cb->n_chaps - 1];
    c->t_off = put_str(cb, s, n);
    c->t_len = (uint32_t)n;
    /* the range is printed at the end: "(A00-B99)" */
    if (n >= 9 && s[n - 1] == ')' && s[n - 9] == '(')
        parse_range(s + n - 8, 7, c->first, c->last);
    return MC_OK;
}

int cm_build_block_begin(cm_build *cb, const char *id)
{
    if (!cb->n_chaps)
        return MC_EFORMAT;
    GROW(cb->blocks, cb->n_blocks, cb->cap_blocks);
    cm_bblock *b = &cb->blocks[cb->n_blocks++];
    memset(b, 0, sizeof *b);
    b->chapter = cb->n_chaps - 1;
    size_t n = strlen(id);
    b->id_off = put_str(cb, id, n);
    b->id_len = (uint32_t)n;
    parse_range(id, n, b->first, b->last);
    return MC_OK;
}

int cm_build_block_title(cm_build *cb, const char *s, size_t n)
{
    if (!cb->n_blocks)
        return MC_EFORMAT;
    cm_bblock *b = &cb->blocks[cb->n_blocks - 1];
    b->t_off = put_str(cb, s, n);
    b->t_len = (uint32_t)n;
    return MC_OK;
}

int cm_build_tab_diag(cm_build *cb, const char code[8])
{
    uint32_t id = find(cb, code);
    if (id == MC_NONE || !cb->n_blocks)
        return MC_OK; /* a code of the tabular's year that no longer exists */
    cm_bcode *c = &cb->codes[id];
    c->tabular = true;
    c->block = cb->n_blocks - 1;
    c->chapter = cb->blocks[c->block].chapter;
    return MC_OK;
}

int cm_build_note(cm_build *cb, mc_note_level level, const char *owner_code, mc_note_kind kind,
                  const char *s, size_t n)
{
    uint32_t owner;
    if (level == MC_LEVEL_CODE) {
        owner = owner_code ? find(cb, owner_code) : MC_NONE;
        if (owner == MC_NONE) {
            cb->n_notes_dropped++;
            return MC_OK;
        }
    } else if (level == MC_LEVEL_BLOCK) {
        if (!cb->n_blocks)
            return MC_EFORMAT;
        owner = cb->n_blocks - 1;
    } else {
        if (!cb->n_chaps)
            return MC_EFORMAT;
        owner = cb->n_chaps - 1;
    }
    GROW(cb->notes, cb->n_notes, cb->cap_notes);
    cm_bnote *note = &cb->notes[cb->n_notes];
    note->kind = (uint8_t)kind;
    note->level = (uint8_t)level;
    note->owner = owner;
    note->seq = cb->n_notes++;
    note->t_off = put_str(cb, s, n);
    note->t_len = (uint32_t)n;
    mc_code_range r[64];
    uint32_t nr = mc__cm_parse_refs(s, n, r, 64);
    note->refs_first = cb->n_refs;
    note->refs_count = nr;
    for (uint32_t i = 0; i < nr; i++) {
        GROW(cb->refs, cb->n_refs, cb->cap_refs);
        cb->refs[cb->n_refs++] = r[i];
    }
    return MC_OK;
}

int cm_build_seventh(cm_build *cb, const char *owner_code, char ch, const char *s, size_t n)
{
    uint32_t owner = find(cb, owner_code);
    if (owner == MC_NONE)
        return MC_OK;
    GROW(cb->sevens, cb->n_sevens, cb->cap_sevens);
    cm_bseven *e = &cb->sevens[cb->n_sevens++];
    e->owner = owner;
    e->ch = ch;
    e->t_off = put_str(cb, s, n);
    e->t_len = (uint32_t)n;
    return MC_OK;
}

static int cmp_note(const void *a, const void *b)
{
    const cm_bnote *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    if (x->owner != y->owner)
        return x->owner < y->owner ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_seven(const void *a, const void *b)
{
    const cm_bseven *x = a, *y = b;
    if (x->owner != y->owner)
        return x->owner < y->owner ? -1 : 1;
    return (x->ch > y->ch) - (x->ch < y->ch);
}

/* Block whose category range holds cat, MC_NONE when none. */
static uint32_t block_of(const cm_build *cb, const char *cat)
{
    for (uint32_t i = 0; i < cb->n_blocks; i++)
        if (memcmp(cat, cb->blocks[i].first, 3) >= 0 && memcmp(cat, cb->blocks[i].last, 3) <= 0)
            return i;
    return MC_NONE;
}

static void derive(cm_build *cb)
{
    /* parents: the longest proper prefix present; codes are sorted, so a
     * parent always precedes its children */
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        cm_bcode *c = &cb->codes[i];
        size_t len = strnlen(c->code, 8);
        for (size_t k = len - 1; k >= 3 && c->parent == MC_NONE; k--) {
            char pre[8] = { 0 };
            memcpy(pre, c->code, k);
            c->parent = find(cb, pre);
        }
        if (c->block == MC_NONE) {
            if (c->parent != MC_NONE) {
                c->block = cb->codes[c->parent].block;
                c->chapter = cb->codes[c->parent].chapter;
            } else {
                c->block = block_of(cb, c->code);
                if (c->block != MC_NONE)
                    c->chapter = cb->blocks[c->block].chapter;
            }
        }
        /* a 7-character code is described when its base is: the tabular
         * lists 7th characters as a table on the category (Section I.B.3) */
        if (!c->tabular && len == 7 && c->parent != MC_NONE && cb->codes[c->parent].tabular)
            c->tabular = true;
        if (!c->tabular)
            cb->n_tab_missing++;
    }
}

static int write_sections(cm_build *cb, mc__build_ctx *ctx, uint32_t oy, uint32_t ty,
                          const uint32_t *kids, uint32_t n_kids, const uint32_t *sev_first,
                          const uint32_t *sev_count, const uint32_t *sev_owner, uint32_t n_own)
{
    mc__buf b;
    int rc;
    mc__buf_init(&b, 0);
    mc__buf_u32(&b, cb->n_codes);
    mc__buf_u32(&b, cb->n_billable);
    mc__buf_u64(&b, 0);
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        const cm_bcode *c = &cb->codes[i];
        mc__buf_append(&b, c->code, 8);
        mc__buf_u32(&b, c->s_off);
        mc__buf_u32(&b, c->s_len);
        mc__buf_u32(&b, c->l_off);
        mc__buf_u32(&b, c->l_len);
        mc__buf_u32(&b, c->parent);
        mc__buf_u32(&b, c->chapter);
        mc__buf_u32(&b, c->block);
        mc__buf_u32(&b, c->kids_first);
        mc__buf_u32(&b, c->kids_count);
        mc__buf_u32(&b, c->notes_first);
        unsigned char tail[4] = { (unsigned char)c->notes_count,
                                  (unsigned char)(c->notes_count >> 8),
                                  (unsigned char)((c->billable ? CM_FLAG_BILLABLE : 0) |
                                                  (c->tabular ? CM_FLAG_TABULAR : 0)),
                                  (unsigned char)strnlen(c->code, 8) };
        mc__buf_append(&b, tail, 4);
        mc__buf_u32(&b, c->seventh);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMCODE", b.p, b.n, oy)))
        goto out;
    b.n = 0;
    for (uint32_t i = 0; i < n_kids; i++)
        mc__buf_u32(&b, kids[i]);
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMKIDS", b.p, b.n, oy)))
        goto out;
    b.n = 0;
    for (uint32_t i = 0; i < cb->n_notes; i++) {
        const cm_bnote *n = &cb->notes[i];
        unsigned char head[4] = { n->kind, n->level, 0, 0 };
        mc__buf_append(&b, head, 4);
        mc__buf_u32(&b, n->owner);
        mc__buf_u32(&b, n->t_off);
        mc__buf_u32(&b, n->t_len);
        mc__buf_u32(&b, n->refs_first);
        mc__buf_u32(&b, n->refs_count);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMNOTE", b.p, b.n, ty)))
        goto out;
    b.n = 0;
    for (uint32_t i = 0; i < cb->n_refs; i++) {
        mc__buf_append(&b, cb->refs[i].lo, 8);
        mc__buf_append(&b, cb->refs[i].hi, 8);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMREF", b.p, b.n, ty)))
        goto out;
    b.n = 0;
    for (uint32_t i = 0; i < cb->n_chaps; i++) {
        const cm_bchap *c = &cb->chaps[i];
        mc__buf_u32(&b, c->number);
        mc__buf_u32(&b, c->t_off);
        mc__buf_u32(&b, c->t_len);
        mc__buf_append(&b, c->first, 4);
        mc__buf_append(&b, c->last, 4);
        mc__buf_u32(&b, c->notes_first);
        mc__buf_u32(&b, c->notes_count);
        mc__buf_u32(&b, 0);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMCHAP", b.p, b.n, ty)))
        goto out;
    b.n = 0;
    for (uint32_t i = 0; i < cb->n_blocks; i++) {
        const cm_bblock *k = &cb->blocks[i];
        mc__buf_u32(&b, k->chapter);
        mc__buf_u32(&b, k->id_off);
        mc__buf_u32(&b, k->id_len);
        mc__buf_u32(&b, k->t_off);
        mc__buf_u32(&b, k->t_len);
        mc__buf_append(&b, k->first, 4);
        mc__buf_append(&b, k->last, 4);
        mc__buf_u32(&b, k->notes_first);
        mc__buf_u32(&b, k->notes_count);
        mc__buf_u32(&b, 0);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMBLOCK", b.p, b.n, ty)))
        goto out;
    b.n = 0;
    mc__buf_u32(&b, n_own);
    mc__buf_u32(&b, cb->n_sevens);
    for (uint32_t i = 0; i < n_own; i++) {
        mc__buf_u32(&b, sev_owner[i]);
        mc__buf_u32(&b, sev_first[i]);
        mc__buf_u32(&b, sev_count[i]);
    }
    for (uint32_t i = 0; i < cb->n_sevens; i++) {
        unsigned char head[4] = { (unsigned char)cb->sevens[i].ch, 0, 0, 0 };
        mc__buf_append(&b, head, 4);
        mc__buf_u32(&b, cb->sevens[i].t_off);
        mc__buf_u32(&b, cb->sevens[i].t_len);
    }
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMSEVN", b.p, b.n, ty)))
        goto out;
    b.n = 0;
    uint32_t slots = 1024;
    while (slots < 2 * cb->n_codes)
        slots *= 2;
    uint32_t *table = malloc((size_t)slots * sizeof *table);
    if (!table) {
        rc = MC_ENOMEM;
        goto out;
    }
    memset(table, 0xff, (size_t)slots * sizeof *table);
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        uint32_t h = cm_hash(cb->codes[i].code) & (slots - 1);
        while (table[h] != MC_NONE)
            h = (h + 1) & (slots - 1);
        table[h] = i;
    }
    mc__buf_u32(&b, slots);
    mc__buf_u32(&b, 0);
    for (uint32_t i = 0; i < slots; i++)
        mc__buf_u32(&b, table[i]);
    free(table);
    if ((rc = b.err) || (rc = mc__bw_add(ctx->w, "CMHASH", b.p, b.n, oy)))
        goto out;
    if ((rc = cb->strs.err) || (rc = mc__bw_add(ctx->w, "CMSTR", cb->strs.p, cb->strs.n, oy)))
        goto out;
out:
    mc__buf_free(&b);
    return rc;
}

int cm_build_finish(cm_build *cb, mc__build_ctx *ctx, uint32_t order_year, uint32_t tab_year)
{
    if (cb->strs.err)
        return cb->strs.err;
    if (!cb->n_codes || !cb->n_chaps)
        return mc_diag_set(cb->diag, MC_EFORMAT, "the order file or tabular is empty");
    derive(cb);
    /* children: counting sort by parent, which keeps code order inside a run */
    uint32_t *kids = calloc(cb->n_codes + 1, sizeof *kids);
    uint32_t *own_first = NULL, *own_count = NULL, *own_code = NULL;
    int rc = MC_ENOMEM;
    if (!kids)
        return rc;
    for (uint32_t i = 0; i < cb->n_codes; i++)
        if (cb->codes[i].parent != MC_NONE)
            cb->codes[cb->codes[i].parent].kids_count++;
    uint32_t run = 0;
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        cb->codes[i].kids_first = run;
        run += cb->codes[i].kids_count;
        cb->codes[i].kids_count = 0;
    }
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        cm_bcode *p = cb->codes[i].parent != MC_NONE ? &cb->codes[cb->codes[i].parent] : NULL;
        if (p)
            kids[p->kids_first + p->kids_count++] = i;
    }
    /* notes: contiguous per owner */
    qsort(cb->notes, cb->n_notes, sizeof *cb->notes, cmp_note);
    for (uint32_t i = 0; i < cb->n_notes; i++) {
        const cm_bnote *n = &cb->notes[i];
        uint32_t *first, *count;
        if (n->level == MC_LEVEL_CODE) {
            first = &cb->codes[n->owner].notes_first;
            count = &cb->codes[n->owner].notes_count;
        } else if (n->level == MC_LEVEL_BLOCK) {
            first = &cb->blocks[n->owner].notes_first;
            count = &cb->blocks[n->owner].notes_count;
        } else {
            first = &cb->chaps[n->owner].notes_first;
            count = &cb->chaps[n->owner].notes_count;
        }
        if (!*count)
            *first = i;
        if (++*count > 0xffff) {
            rc = MC_ELIMIT;
            goto out;
        }
    }
    /* 7th characters: one owner entry per defining code; descendants point at
     * the nearest defining ancestor (Section I.A.5 / I.B.3) */
    qsort(cb->sevens, cb->n_sevens, sizeof *cb->sevens, cmp_seven);
    own_first = calloc(cb->n_sevens + 1, sizeof *own_first);
    own_count = calloc(cb->n_sevens + 1, sizeof *own_count);
    own_code = calloc(cb->n_sevens + 1, sizeof *own_code);
    if (!own_first || !own_count || !own_code)
        goto out;
    uint32_t n_own = 0;
    for (uint32_t i = 0; i < cb->n_sevens; i++) {
        if (!n_own || own_code[n_own - 1] != cb->sevens[i].owner) {
            own_code[n_own] = cb->sevens[i].owner;
            own_first[n_own] = i;
            n_own++;
            cb->codes[cb->sevens[i].owner].seventh = n_own - 1;
        }
        own_count[n_own - 1]++;
    }
    for (uint32_t i = 0; i < cb->n_codes; i++) {
        cm_bcode *c = &cb->codes[i];
        if (c->seventh == MC_NONE && c->parent != MC_NONE)
            c->seventh = cb->codes[c->parent].seventh;
    }
    rc = write_sections(cb, ctx, order_year, tab_year, kids, run, own_first, own_count, own_code,
                        n_own);
out:
    free(kids);
    free(own_first);
    free(own_count);
    free(own_code);
    return rc;
}
