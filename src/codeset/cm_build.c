/*
 * Build part "icd10cm": compiles the ICD-10-CM order file (every category and
 * code, billable flag, short and long titles) and the tabular XML (chapters,
 * blocks, instructional notes, 7th-character definitions) into the CM*
 * sections described in cm_format.h.
 *
 * The order file of the bundle's year is the authority for which codes exist
 * and are billable. The tabular may be from another year (mc__build_source
 * falls back and warns): its notes are attached to the codes that still
 * exist; codes it does not describe inherit from their nearest described
 * ancestor at read time, and carry no CM_FLAG_TABULAR.
 */
#include "codeset/cm_int.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- order file ---------------- */

static int parse_order(cm_build *cb, const char *text, size_t len, const char *path)
{
    const char *p = text, *end = text + len;
    long line = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        size_t n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        line++;
        if (n) {
            /* fixed width: order(5) sp code(7) sp flag(1) sp short(60) sp long */
            if (n < 17 || p[5] != ' ' || p[13] != ' ' || (p[14] != '0' && p[14] != '1'))
                return mc_diag_set(cb->diag, MC_EFORMAT,
                                   "%s:%ld: not an ICD-10-CM order file line", path, line);
            const char *c = p + 6;
            size_t cn = 7;
            mc__trim(&c, &cn);
            char code[8];
            if (mc_cm_normalize(c, cn, code) != MC_OK)
                return mc_diag_set(cb->diag, MC_EFORMAT, "%s:%ld: bad code '%.*s'", path, line,
                                   (int)cn, c);
            const char *s = p + 16;
            size_t sn = n > 76 ? 60 : n - 16;
            mc__trim(&s, &sn);
            const char *l = n > 77 ? p + 77 : s;
            size_t ln = n > 77 ? n - 77 : sn;
            mc__trim(&l, &ln);
            int rc = cm_build_add_code(cb, code, p[14] == '1', s, sn, l, ln);
            if (rc)
                return mc_diag_set(cb->diag, rc, "%s:%ld: cannot add code", path, line);
        }
        p = eol + 1;
    }
    return MC_OK;
}

/* ---------------- tabular XML ---------------- */

typedef enum { T_NONE, T_CHAPTER, T_SECTION, T_DIAG } tab_scope;

typedef struct tab_parser {
    cm_build *cb;
    XML_Parser xp;
    mc__buf text; /* character data of the current leaf element */
    int depth;
    /* scope stack: what each open chapter/section/diag element is */
    tab_scope scope[32];
    int scope_n;
    char diag_code[32][8]; /* undotted name of each open diag (by diag depth) */
    int diag_n;
    int in_name, in_desc, in_note;
    int note_kind; /* mc_note_kind of the open container, 0 when none */
    int in_seven_def;
    char ext_char;
    int in_vis; /* inside visualImpairment (a table, not notes) */
    int err;
} tab_parser;

static const struct {
    const char *el;
    mc_note_kind kind;
} containers[] = {
    { "inclusionTerm", MC_NOTE_INCLUSION }, { "includes", MC_NOTE_INCLUDES },
    { "excludes1", MC_NOTE_EXCLUDES1 },     { "excludes2", MC_NOTE_EXCLUDES2 },
    { "codeFirst", MC_NOTE_CODE_FIRST },    { "useAdditionalCode", MC_NOTE_USE_ADDITIONAL },
    { "codeAlso", MC_NOTE_CODE_ALSO },      { "notes", MC_NOTE_NOTE },
    { "sevenChrNote", MC_NOTE_SEVENTH },
};

static tab_scope top(const tab_parser *t) { return t->scope_n ? t->scope[t->scope_n - 1] : T_NONE; }

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
    tab_parser *t = ud;
    if (t->err)
        return;
    t->depth++;
    if (t->in_vis) {
        t->in_vis++;
        return;
    }
    if (!strcmp(el, "visualImpairment")) {
        t->in_vis = 1;
        return;
    }
    if (!strcmp(el, "chapter") || !strcmp(el, "section") || !strcmp(el, "diag")) {
        if (t->scope_n >= 32) {
            t->err = MC_EFORMAT;
            return;
        }
        tab_scope s = el[0] == 'c' ? T_CHAPTER : el[0] == 's' ? T_SECTION : T_DIAG;
        t->scope[t->scope_n++] = s;
        if (s == T_CHAPTER)
            t->err = cm_build_chapter_begin(t->cb);
        if (s == T_SECTION) {
            const char *id = "";
            for (int i = 0; attr[i]; i += 2)
                if (!strcmp(attr[i], "id"))
                    id = attr[i + 1];
            t->err = cm_build_block_begin(t->cb, id);
        }
        if (s == T_DIAG) {
            if (t->diag_n >= 32) {
                t->err = MC_EFORMAT;
                return;
            }
            t->diag_code[t->diag_n++][0] = 0;
        }
        return;
    }
    if (!strcmp(el, "name") || !strcmp(el, "desc")) {
        t->in_name = el[0] == 'n';
        t->in_desc = el[0] == 'd';
        t->text.n = 0;
        return;
    }
    for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
        if (!strcmp(el, containers[i].el)) {
            t->note_kind = (int)containers[i].kind;
            return;
        }
    if (!strcmp(el, "note") && t->note_kind) {
        t->in_note = 1;
        t->text.n = 0;
        return;
    }
    if (!strcmp(el, "sevenChrDef")) {
        t->in_seven_def = 1;
        return;
    }
    if (!strcmp(el, "extension") && t->in_seven_def) {
        t->ext_char = 0;
        for (int i = 0; attr[i]; i += 2)
            if (!strcmp(attr[i], "char") && attr[i + 1][0])
                t->ext_char = attr[i + 1][0];
        t->text.n = 0;
        return;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    tab_parser *t = ud;
    if (t->in_name || t->in_desc || t->in_note || t->ext_char)
        mc__buf_append(&t->text, s, (size_t)len);
}

static const char *owner_code(const tab_parser *t)
{
    return t->diag_n ? t->diag_code[t->diag_n - 1] : NULL;
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    tab_parser *t = ud;
    t->depth--;
    if (t->err)
        return;
    if (t->in_vis) {
        t->in_vis--;
        return;
    }
    const char *txt = t->text.p ? t->text.p : "";
    size_t tn = t->text.n;
    mc__trim(&txt, &tn);
    if (t->in_name && !strcmp(el, "name")) {
        t->in_name = 0;
        if (top(t) == T_CHAPTER)
            t->err = cm_build_chapter_number(t->cb, txt, tn);
        else if (top(t) == T_DIAG) {
            char code[8];
            if (mc_cm_normalize(txt, tn, code) != MC_OK) {
                t->err = MC_EFORMAT;
                return;
            }
            memcpy(t->diag_code[t->diag_n - 1], code, 8);
            t->err = cm_build_tab_diag(t->cb, code);
        }
        return;
    }
    if (t->in_desc && !strcmp(el, "desc")) {
        t->in_desc = 0;
        if (top(t) == T_CHAPTER)
            t->err = cm_build_chapter_title(t->cb, txt, tn);
        else if (top(t) == T_SECTION)
            t->err = cm_build_block_title(t->cb, txt, tn);
        return;
    }
    if (t->in_note && !strcmp(el, "note")) {
        t->in_note = 0;
        mc_note_level level = top(t) == T_DIAG      ? MC_LEVEL_CODE
                              : top(t) == T_SECTION ? MC_LEVEL_BLOCK
                                                    : MC_LEVEL_CHAPTER;
        t->err = cm_build_note(t->cb, level, owner_code(t), (mc_note_kind)t->note_kind, txt, tn);
        return;
    }
    if (!strcmp(el, "extension") && t->ext_char) {
        if (t->diag_n)
            t->err = cm_build_seventh(t->cb, owner_code(t), t->ext_char, txt, tn);
        t->ext_char = 0;
        return;
    }
    if (!strcmp(el, "sevenChrDef")) {
        t->in_seven_def = 0;
        return;
    }
    for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
        if (!strcmp(el, containers[i].el)) {
            t->note_kind = 0;
            return;
        }
    if (!strcmp(el, "chapter") || !strcmp(el, "section") || !strcmp(el, "diag")) {
        if (top(t) == T_DIAG)
            t->diag_n--;
        t->scope_n--;
    }
}

int mc__cm_parse_tabular(cm_build *cb, const char *data, size_t len, const char *path)
{
    tab_parser t;
    memset(&t, 0, sizeof t);
    t.cb = cb;
    mc__buf_init(&t.text, 1 << 20);
    t.xp = XML_ParserCreate("UTF-8");
    if (!t.xp)
        return mc_diag_set(cb->diag, MC_ENOMEM, "out of memory");
    XML_SetUserData(t.xp, &t);
    XML_SetElementHandler(t.xp, on_start, on_end);
    XML_SetCharacterDataHandler(t.xp, on_text);
    int rc = MC_OK;
    /* feed in chunks so a huge file never needs an int-sized length */
    size_t off = 0;
    do {
        size_t chunk = len - off > (1u << 24) ? (1u << 24) : len - off;
        int final = off + chunk == len;
        if (XML_Parse(t.xp, data + off, (int)chunk, final) != XML_STATUS_OK) {
            rc = mc_diag_set(cb->diag, MC_EFORMAT, "%s:%lu:%lu: %s", path,
                             (unsigned long)XML_GetCurrentLineNumber(t.xp),
                             (unsigned long)XML_GetCurrentColumnNumber(t.xp),
                             XML_ErrorString(XML_GetErrorCode(t.xp)));
            break;
        }
        if (t.err) {
            rc = mc_diag_set(cb->diag, t.err, "%s:%lu: %s in the tabular structure", path,
                             (unsigned long)XML_GetCurrentLineNumber(t.xp),
                             mc_strerror(t.err));
            break;
        }
        off += chunk;
    } while (off < len);
    XML_ParserFree(t.xp);
    mc__buf_free(&t.text);
    return rc;
}

MC_BUILD_PART(icd10cm, 1)
{
    char *order_path = NULL, *tab_path = NULL, *order = NULL, *tab = NULL;
    size_t order_n = 0, tab_n = 0;
    int order_year = 0, tab_year = 0;
    cm_build cb;
    int rc = cm_build_init(&cb, ctx->diag);
    if (rc)
        return rc;
    if ((rc = mc__build_source(ctx, "icd10cm", "order", &order_path, &order_year)))
        goto out;
    if (order_year != ctx->year) {
        rc = mc_diag_set(ctx->diag, MC_ENOTFOUND,
                         "no ICD-10-CM order file for FY%d: the code set of a year cannot be "
                         "borrowed from another year",
                         ctx->year);
        goto out;
    }
    if ((rc = mc__read_file(order_path, (size_t)256 << 20, &order, &order_n, ctx->diag)) ||
        (rc = parse_order(&cb, order, order_n, order_path)))
        goto out;
    if ((rc = mc__build_source(ctx, "icd10cm", "tabular", &tab_path, &tab_year)))
        goto out;
    if ((rc = mc__read_file(tab_path, (size_t)512 << 20, &tab, &tab_n, ctx->diag)) ||
        (rc = cm_build_index_codes(&cb)) ||
        (rc = mc__cm_parse_tabular(&cb, tab, tab_n, tab_path)) ||
        (rc = cm_build_finish(&cb, ctx, (uint32_t)order_year, (uint32_t)tab_year)))
        goto out;
    mc__build_provenance(ctx, "CMCODE", order_year, order_path, "codes, billable flags, titles");
    char note[160];
    snprintf(note, sizeof note, "chapters, blocks, notes, 7th characters%s",
             tab_year != ctx->year ? " (taken from another year's tabular)" : "");
    mc__build_provenance(ctx, "CMNOTE", tab_year, tab_path, note);
    if (cb.n_tab_missing)
        mc__build_warn(ctx,
                       "FY%d: %u codes are not described by the FY%d tabular; they inherit "
                       "notes from their nearest described ancestor",
                       ctx->year, cb.n_tab_missing, tab_year);
out:
    free(order_path);
    free(tab_path);
    free(order);
    free(tab);
    cm_build_free(&cb);
    return rc;
}
