/*
 * Streaming (expat) loader for the official ICD-10-PCS tables and
 * definitions XML into the in-memory model of pcs_int.h.
 *
 * Tables: <pcsTable> holds axes 1..3 (one <label> each, position 3 may carry
 * the operation's <definition>) and one or more <pcsRow>, each with axes
 * 4..7 listing the allowed values. Every code obtained by picking one label
 * per row axis is valid. The loader checks the structure strictly (each
 * axis once, one-character PCS values, no duplicate values, codes="" equal
 * to the product of the axis sizes) so that the builder never compiles a
 * half-understood file; errors name the line.
 *
 * Definitions: <section code> > <axis pos> > <terms> with one or more
 * <title>s, a <definition>, an <explanation> and <includes>; the
 * <deviceAggregation> part is skipped.
 */
#include "pcs/pcs_int.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TEXT = 16384, MAX_DEPTH = 32, MAX_ITEMS = 1u << 22 };

const signed char mc__pcs_char_index1[256] = {
    ['0'] = 1,   ['1'] = 2,   ['2'] = 3,   ['3'] = 4,   ['4'] = 5,   ['5'] = 6,   ['6'] = 7,
    ['7'] = 8,   ['8'] = 9,   ['9'] = 10,  ['A'] = 11,  ['B'] = 12,  ['C'] = 13,  ['D'] = 14,
    ['E'] = 15,  ['F'] = 16,  ['G'] = 17,  ['H'] = 18,  ['J'] = 19,  ['K'] = 20,  ['L'] = 21,
    ['M'] = 22,  ['N'] = 23,  ['P'] = 24,  ['Q'] = 25,  ['R'] = 26,  ['S'] = 27,  ['T'] = 28,
    ['U'] = 29,  ['V'] = 30,  ['W'] = 31,  ['X'] = 32,  ['Y'] = 33,  ['Z'] = 34,
};

char mc__pcs_index_char(int i)
{
    static const char chars[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    return (i >= 0 && i < MC__PCS_NCHARS) ? chars[i] : '?';
}

void mc__pcs_model_init(mc__pcs_model *m)
{
    memset(m, 0, sizeof *m);
    mc__arena_init(&m->arena, 1 << 16, (size_t)256 << 20);
}

void mc__pcs_model_free(mc__pcs_model *m)
{
    if (!m)
        return;
    free(m->tables);
    free(m->rows);
    free(m->labels);
    free(m->terms);
    free(m->aggrs);
    mc__arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

/* Grow a model array by one element; returns NULL on limit/ENOMEM. */
static void *grow(void **arr, uint32_t *n, uint32_t *cap, size_t elem)
{
    if (*n >= MAX_ITEMS)
        return NULL;
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 64;
        void *p = realloc(*arr, (size_t)nc * elem);
        if (!p)
            return NULL;
        *arr = p;
        *cap = nc;
    }
    char *slot = (char *)*arr + (size_t)(*n)++ * elem;
    memset(slot, 0, elem);
    return slot;
}

/* ---- shared parser state ---- */
typedef enum el {
    EL_OTHER,
    EL_ROOT,
    EL_VERSION,
    EL_TABLE,
    EL_ROW,
    EL_AXIS,
    EL_TITLE,
    EL_LABEL,
    EL_DEFINITION,
    EL_SECTION,
    EL_TERMS,
    EL_EXPLANATION,
    EL_INCLUDES,
    EL_SKIP, /* a subtree we ignore */
    EL_AGGREGATION, /* <deviceAggregation> */
    EL_AGGREGATE, /* <aggregate> */
    EL_DEVICE,
    EL_OPERATION,
    EL_BODYSYS,
    EL_PARENT,
} el;

typedef struct pstate {
    XML_Parser xp;
    mc__pcs_model *m;
    mc_diag *diag;
    int rc; /* first error */
    bool defs; /* parsing the definitions file */
    el stack[MAX_DEPTH];
    int depth;
    int skip_depth; /* >0 while inside an ignored subtree */
    mc__buf text; /* character data of the innermost text element */
    bool collecting;
    /* tables */
    int64_t table; /* current table index or -1 */
    int64_t row; /* current row index or -1 */
    mc__pcs_maxis *axis; /* current axis or NULL */
    int axis_pos; /* 1..7 */
    char label_value; /* code="" of the open <label> */
    /* definitions */
    char section; /* code of the open <section>, 0 outside */
    int def_pos; /* pos of the open definitions <axis>, 0 outside */
    int64_t term; /* current term index or -1 */
    int64_t aggr; /* current aggregate index or -1 */
    char parent_value; /* value="" of the open <parent> */
    mc__buf includes; /* includes of the current term, "; "-joined */
    bool has_root;
} pstate;

static void fail(pstate *s, int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#define FAILR(...)                                                                 \
    do {                                                                           \
        fail(__VA_ARGS__);                                                         \
        return;                                                                    \
    } while (0)

static void fail(pstate *s, int rc, const char *fmt, ...)
{
    if (s->rc)
        return;
    s->rc = rc;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mc_diag_set(s->diag, rc, "ICD-10-PCS %s XML line %lu: %s", s->defs ? "definitions" : "tables",
                (unsigned long)XML_GetCurrentLineNumber(s->xp), msg);
    if (s->diag)
        s->diag->line = (long)XML_GetCurrentLineNumber(s->xp);
    XML_StopParser(s->xp, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (!strcmp(atts[i], name))
            return atts[i + 1];
    return NULL;
}

static bool parse_uint(const char *v, long lo, long hi, long *out)
{
    if (!v || !*v)
        return false;
    char *end;
    long x = strtol(v, &end, 10);
    if (*end || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static char *dup_text(pstate *s)
{
    const char *p = s->text.p ? s->text.p : "";
    size_t n = s->text.n;
    mc__trim(&p, &n);
    char *d = mc__arena_strndup(&s->m->arena, p, n);
    if (!d)
        fail(s, MC_ENOMEM, "out of memory");
    return d;
}

static void begin_text(pstate *s)
{
    s->text.n = 0;
    s->text.err = 0;
    if (s->text.p)
        s->text.p[0] = 0;
    s->collecting = true;
}

static void XMLCALL on_chars(void *ud, const XML_Char *p, int len)
{
    pstate *s = ud;
    if (!s->collecting || s->rc || len <= 0)
        return;
    if (mc__buf_append(&s->text, p, (size_t)len))
        fail(s, MC_EFORMAT, "text longer than %ld bytes", (long)MAX_TEXT);
}

/* ---- tables ---- */
static mc__pcs_mtable *cur_table(pstate *s) { return &s->m->tables[s->table]; }

static void tables_start(pstate *s, const char *name, const XML_Char **atts, el *kind)
{
    mc__pcs_model *m = s->m;
    el parent = s->depth > 0 ? s->stack[s->depth - 1] : EL_OTHER;
    if (!strcmp(name, "ICD10PCS.tabular")) {
        if (s->depth != 0)
            FAILR(s, MC_EFORMAT, "nested <%s>", name);
        s->has_root = true;
        *kind = EL_ROOT;
    } else if (s->depth == 0) {
        fail(s, MC_EFORMAT, "root element <%s> is not <ICD10PCS.tabular>", name);
    } else if (!strcmp(name, "version") && parent == EL_ROOT) {
        *kind = EL_VERSION;
        begin_text(s);
    } else if (!strcmp(name, "pcsTable")) {
        if (parent != EL_ROOT)
            FAILR(s, MC_EFORMAT, "<pcsTable> outside the root");
        mc__pcs_mtable *t = grow((void **)&m->tables, &m->n_tables, &m->cap_tables, sizeof *t);
        if (!t)
            FAILR(s, MC_ELIMIT, "too many tables");
        t->first_row = m->n_rows;
        t->line = (long)XML_GetCurrentLineNumber(s->xp);
        s->table = m->n_tables - 1;
        *kind = EL_TABLE;
    } else if (!strcmp(name, "pcsRow")) {
        if (parent != EL_TABLE)
            FAILR(s, MC_EFORMAT, "<pcsRow> outside a <pcsTable>");
        mc__pcs_mtable *t = cur_table(s);
        if (!t->axis[0].title || !t->axis[1].title || !t->axis[2].title)
            FAILR(s, MC_EFORMAT, "<pcsRow> before the table's axes 1-3");
        mc__pcs_mrow *r = grow((void **)&m->rows, &m->n_rows, &m->cap_rows, sizeof *r);
        if (!r)
            FAILR(s, MC_ELIMIT, "too many rows");
        long codes;
        if (!parse_uint(attr(atts, "codes"), 1, 1L << 24, &codes))
            FAILR(s, MC_EFORMAT, "<pcsRow> needs a codes=\"N\" attribute");
        r->declared = (uint32_t)codes;
        cur_table(s)->n_rows++;
        s->row = m->n_rows - 1;
        *kind = EL_ROW;
    } else if (!strcmp(name, "axis")) {
        long pos;
        if (!parse_uint(attr(atts, "pos"), 1, 7, &pos))
            FAILR(s, MC_EFORMAT, "<axis> needs pos=\"1\"..\"7\"");
        mc__pcs_maxis *a;
        if (parent == EL_TABLE && pos <= 3)
            a = &cur_table(s)->axis[pos - 1];
        else if (parent == EL_ROW && pos >= 4)
            a = &m->rows[s->row].axis[pos - 4];
        else
            FAILR(s, MC_EFORMAT, "<axis pos=\"%ld\"> in the wrong place", pos);
        if (a->title)
            FAILR(s, MC_EFORMAT, "axis %ld given twice", pos);
        a->first = m->n_labels;
        a->n = 0;
        s->axis = a;
        s->axis_pos = (int)pos;
        *kind = EL_AXIS;
    } else if (parent == EL_AXIS &&
               (!strcmp(name, "title") || !strcmp(name, "definition") || !strcmp(name, "label"))) {
        if (!strcmp(name, "label")) {
            const char *code = attr(atts, "code");
            if (!code || strlen(code) != 1 || mc__pcs_char_index(code[0]) < 0)
                FAILR(s, MC_EFORMAT, "<label code=\"%s\"> is not one PCS character",
                            code ? code : "");
            s->label_value = code[0];
            *kind = EL_LABEL;
        } else {
            *kind = name[0] == 't' ? EL_TITLE : EL_DEFINITION;
        }
        begin_text(s);
    }
    /* anything else: ignored (kind stays EL_OTHER) */
}

static void check_axis_end(pstate *s)
{
    mc__pcs_maxis *a = s->axis;
    if (!a->title)
        a->title = mc__arena_strndup(&s->m->arena, "", 0);
    if (a->n == 0)
        FAILR(s, MC_EFORMAT, "axis %d has no <label>", s->axis_pos);
    if (s->axis_pos <= 3 && a->n != 1)
        FAILR(s, MC_EFORMAT, "axis %d of a table must have exactly one label",
                    s->axis_pos);
    uint64_t seen = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        int k = mc__pcs_char_index(s->m->labels[a->first + i].value);
        if (seen >> k & 1)
            FAILR(s, MC_EFORMAT, "axis %d lists a value twice", s->axis_pos);
        seen |= (uint64_t)1 << k;
    }
}

static void tables_end(pstate *s, el kind)
{
    mc__pcs_model *m = s->m;
    switch (kind) {
    case EL_VERSION: {
        const char *p = s->text.p ? s->text.p : "";
        size_t n = s->text.n;
        mc__trim(&p, &n);
        mc__strlcpy(m->version, p, n + 1 < sizeof m->version ? n + 1 : sizeof m->version);
        break;
    }
    case EL_TITLE:
        if (s->axis->title)
            FAILR(s, MC_EFORMAT, "axis %d has two <title>s", s->axis_pos);
        s->axis->title = dup_text(s);
        break;
    case EL_DEFINITION:
        s->axis->definition = dup_text(s);
        break;
    case EL_LABEL: {
        if (s->axis->first + s->axis->n != m->n_labels)
            FAILR(s, MC_EFORMAT, "labels of axis %d are interleaved", s->axis_pos);
        mc__pcs_mlabel *l = grow((void **)&m->labels, &m->n_labels, &m->cap_labels, sizeof *l);
        if (!l)
            FAILR(s, MC_ELIMIT, "too many labels");
        l->value = s->label_value;
        l->text = dup_text(s);
        s->axis->n++;
        break;
    }
    case EL_AXIS:
        check_axis_end(s);
        s->axis = NULL;
        s->axis_pos = 0;
        break;
    case EL_ROW: {
        mc__pcs_mrow *r = &m->rows[s->row];
        uint64_t prod = 1;
        for (int k = 0; k < 4; k++) {
            if (!r->axis[k].title)
                FAILR(s, MC_EFORMAT, "<pcsRow> lacks axis %d", k + 4);
            prod *= r->axis[k].n;
        }
        if (prod != r->declared)
            FAILR(s, MC_EFORMAT, "<pcsRow codes=\"%lu\"> does not match its axes",
                  (unsigned long)r->declared);
        s->row = -1;
        break;
    }
    case EL_TABLE: {
        mc__pcs_mtable *t = cur_table(s);
        for (int k = 0; k < 3; k++)
            if (!t->axis[k].title)
                FAILR(s, MC_EFORMAT, "<pcsTable> lacks axis %d", k + 1);
        if (t->n_rows == 0)
            FAILR(s, MC_EFORMAT, "<pcsTable> has no <pcsRow>");
        s->table = -1;
        break;
    }
    default:
        break;
    }
    if (kind == EL_TITLE || kind == EL_DEFINITION || kind == EL_LABEL || kind == EL_VERSION)
        s->collecting = false;
}

/* ---- definitions ---- */
static void defs_start(pstate *s, const char *name, const XML_Char **atts, el *kind)
{
    mc__pcs_model *m = s->m;
    el parent = s->depth > 0 ? s->stack[s->depth - 1] : EL_OTHER;
    if (!strcmp(name, "ICD10PCS.definitions")) {
        if (s->depth != 0)
            FAILR(s, MC_EFORMAT, "nested <%s>", name);
        s->has_root = true;
        *kind = EL_ROOT;
    } else if (s->depth == 0) {
        fail(s, MC_EFORMAT, "root element <%s> is not <ICD10PCS.definitions>", name);
    } else if (!strcmp(name, "deviceAggregation") && parent == EL_ROOT) {
        *kind = EL_AGGREGATION;
    } else if (!strcmp(name, "aggregate") && parent == EL_AGGREGATION) {
        mc__pcs_maggr *a = grow((void **)&m->aggrs, &m->n_aggrs, &m->cap_aggrs, sizeof *a);
        if (!a)
            FAILR(s, MC_ELIMIT, "too many aggregates");
        s->aggr = m->n_aggrs - 1;
        *kind = EL_AGGREGATE;
    } else if (parent == EL_AGGREGATE) {
        if (!strcmp(name, "device"))
            *kind = EL_DEVICE;
        else if (!strcmp(name, "operation"))
            *kind = EL_OPERATION;
        else if (!strcmp(name, "bodySys"))
            *kind = EL_BODYSYS;
        else if (!strcmp(name, "parent")) {
            const char *v = attr(atts, "value");
            if (!v || strlen(v) != 1 || mc__pcs_char_index(v[0]) < 0)
                FAILR(s, MC_EFORMAT, "<parent value=\"%s\"> is not one PCS character",
                      v ? v : "");
            s->parent_value = v[0];
            *kind = EL_PARENT;
        }
        if (*kind != EL_OTHER)
            begin_text(s);
    } else if (!strcmp(name, "section") && parent == EL_ROOT) {
        const char *code = attr(atts, "code");
        if (!code || strlen(code) != 1 || mc__pcs_char_index(code[0]) < 0)
            FAILR(s, MC_EFORMAT, "<section code=\"%s\"> is not one PCS character",
                        code ? code : "");
        s->section = code[0];
        *kind = EL_SECTION;
    } else if (!strcmp(name, "axis") && parent == EL_SECTION) {
        long pos;
        if (!parse_uint(attr(atts, "pos"), 1, 7, &pos))
            FAILR(s, MC_EFORMAT, "<axis> needs pos=\"1\"..\"7\"");
        s->def_pos = (int)pos;
        *kind = EL_AXIS;
    } else if (!strcmp(name, "terms") && parent == EL_AXIS) {
        mc__pcs_mterm *t = grow((void **)&m->terms, &m->n_terms, &m->cap_terms, sizeof *t);
        if (!t)
            FAILR(s, MC_ELIMIT, "too many terms");
        t->section = s->section;
        t->pos = (uint8_t)s->def_pos;
        s->term = m->n_terms - 1;
        s->includes.n = 0;
        s->includes.err = 0;
        *kind = EL_TERMS;
    } else if (parent == EL_TERMS) {
        if (!strcmp(name, "title"))
            *kind = EL_TITLE;
        else if (!strcmp(name, "definition"))
            *kind = EL_DEFINITION;
        else if (!strcmp(name, "explanation"))
            *kind = EL_EXPLANATION;
        else if (!strcmp(name, "includes"))
            *kind = EL_INCLUDES;
        if (*kind != EL_OTHER)
            begin_text(s);
    }
}

/* Append the collected text to a string list in the arena. */
static void push_text(pstate *s, char ***list, uint32_t *n)
{
    if (*n >= 256)
        FAILR(s, MC_ELIMIT, "a list has more than 256 entries");
    char **nl = mc__arena_alloc(&s->m->arena, sizeof(char *) * (*n + 1));
    char *v = dup_text(s);
    if (!nl || !v)
        FAILR(s, MC_ENOMEM, "out of memory");
    if (*n)
        memcpy(nl, *list, sizeof(char *) * *n);
    nl[(*n)++] = v;
    *list = nl;
}

static void aggr_end(pstate *s, el kind)
{
    mc__pcs_maggr *a = &s->m->aggrs[s->aggr];
    switch (kind) {
    case EL_DEVICE:
        a->device = dup_text(s);
        break;
    case EL_OPERATION:
        push_text(s, &a->ops, &a->n_ops);
        break;
    case EL_BODYSYS:
        push_text(s, &a->systems, &a->n_systems);
        break;
    case EL_PARENT:
        a->parent_value = s->parent_value;
        a->parent = dup_text(s);
        break;
    case EL_AGGREGATE:
        if (!a->device || !a->parent)
            FAILR(s, MC_EFORMAT, "<aggregate> needs a <device> and a <parent>");
        s->aggr = -1;
        break;
    default:
        break;
    }
    s->collecting = false;
}

static void defs_end(pstate *s, el kind)
{
    mc__pcs_model *m = s->m;
    if (s->aggr >= 0 && kind >= EL_AGGREGATE) {
        aggr_end(s, kind);
        return;
    }
    mc__pcs_mterm *t = s->term >= 0 ? &m->terms[s->term] : NULL;
    switch (kind) {
    case EL_TITLE: {
        if (t->n_titles >= 64)
            FAILR(s, MC_ELIMIT, "a term has more than 64 titles");
        char **nt = mc__arena_alloc(&m->arena, sizeof(char *) * (t->n_titles + 1));
        char *title = dup_text(s);
        if (!nt || !title)
            FAILR(s, MC_ENOMEM, "out of memory");
        if (t->n_titles)
            memcpy(nt, t->titles, sizeof(char *) * t->n_titles);
        nt[t->n_titles++] = title;
        t->titles = nt;
        break;
    }
    case EL_DEFINITION:
        t->definition = dup_text(s);
        break;
    case EL_EXPLANATION:
        t->explanation = dup_text(s);
        break;
    case EL_INCLUDES: {
        const char *p = s->text.p ? s->text.p : "";
        size_t n = s->text.n;
        mc__trim(&p, &n);
        if (s->includes.n)
            mc__buf_puts(&s->includes, "; ");
        if (mc__buf_append(&s->includes, p, n))
            FAILR(s, MC_ELIMIT, "includes too long");
        break;
    }
    case EL_TERMS:
        if (!t->n_titles)
            FAILR(s, MC_EFORMAT, "<terms> without a <title>");
        if (s->includes.n &&
            !(t->includes = mc__arena_strndup(&m->arena, s->includes.p, s->includes.n)))
            FAILR(s, MC_ENOMEM, "out of memory");
        s->term = -1;
        break;
    case EL_AXIS:
        s->def_pos = 0;
        break;
    case EL_SECTION:
        s->section = 0;
        break;
    default:
        break;
    }
    if (kind == EL_TITLE || kind == EL_DEFINITION || kind == EL_EXPLANATION ||
        kind == EL_INCLUDES)
        s->collecting = false;
}

/* ---- expat callbacks ---- */
static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    pstate *s = ud;
    if (s->rc)
        return;
    if (s->skip_depth) {
        s->skip_depth++;
        return;
    }
    if (s->depth >= MAX_DEPTH)
        FAILR(s, MC_EFORMAT, "elements nested deeper than %ld", (long)MAX_DEPTH);
    if (s->collecting)
        FAILR(s, MC_EFORMAT, "element <%s> inside a text element", name);
    el kind = EL_OTHER;
    if (s->defs)
        defs_start(s, name, atts, &kind);
    else
        tables_start(s, name, atts, &kind);
    if (s->rc)
        return;
    s->stack[s->depth++] = kind;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    pstate *s = ud;
    if (s->rc)
        return;
    if (s->skip_depth > 1) {
        s->skip_depth--;
        return;
    }
    if (s->skip_depth == 1)
        s->skip_depth = 0;
    if (s->depth <= 0)
        return;
    el kind = s->stack[--s->depth];
    if (s->defs)
        defs_end(s, kind);
    else
        tables_end(s, kind);
}

static int run(pstate *s, const char *xml, size_t n)
{
    if (n > (size_t)1 << 30)
        return mc_diag_set(s->diag, MC_ELIMIT, "ICD-10-PCS XML larger than 1 GiB");
    s->xp = XML_ParserCreate("UTF-8");
    if (!s->xp)
        return MC_ENOMEM;
    mc__buf_init(&s->text, MAX_TEXT);
    mc__buf_init(&s->includes, 1 << 20);
    s->table = s->row = s->term = s->aggr = -1;
    XML_SetUserData(s->xp, s);
    XML_SetElementHandler(s->xp, on_start, on_end);
    XML_SetCharacterDataHandler(s->xp, on_chars);
    enum XML_Status st = XML_Parse(s->xp, xml, (int)n, XML_TRUE);
    if (st == XML_STATUS_ERROR && !s->rc) {
        s->rc = MC_EFORMAT;
        mc_diag_set(s->diag, MC_EFORMAT, "ICD-10-PCS %s XML line %lu: %s",
                    s->defs ? "definitions" : "tables",
                    (unsigned long)XML_GetCurrentLineNumber(s->xp),
                    XML_ErrorString(XML_GetErrorCode(s->xp)));
        if (s->diag)
            s->diag->line = (long)XML_GetCurrentLineNumber(s->xp);
    }
    if (!s->rc && !s->has_root)
        s->rc = mc_diag_set(s->diag, MC_EFORMAT, "ICD-10-PCS %s XML has no root element",
                            s->defs ? "definitions" : "tables");
    XML_ParserFree(s->xp);
    mc__buf_free(&s->text);
    mc__buf_free(&s->includes);
    return s->rc;
}

int mc__pcs_parse_tables(mc__pcs_model *m, const char *xml, size_t n, mc_diag *diag)
{
    pstate s;
    memset(&s, 0, sizeof s);
    s.m = m;
    s.diag = diag;
    int rc = run(&s, xml, n);
    if (!rc && m->n_tables == 0)
        rc = mc_diag_set(diag, MC_EFORMAT, "ICD-10-PCS tables XML has no <pcsTable>");
    return rc;
}

int mc__pcs_parse_definitions(mc__pcs_model *m, const char *xml, size_t n, mc_diag *diag)
{
    pstate s;
    memset(&s, 0, sizeof s);
    s.m = m;
    s.diag = diag;
    s.defs = true;
    return run(&s, xml, n);
}
