/*
 * Tabular verification after an index walk (Official Guidelines Section
 * I.A.4/5 placeholder X and 7th characters, I.B.1 "the Alphabetic Index
 * does not always provide the full code ... selection of the full code,
 * including laterality and any applicable 7th character, can only be done in
 * the Tabular List", I.B.3 codes that require a 7th character). The index
 * gives "S72.0-" or a category; here the code set says what is still to be
 * chosen and the question that chooses it, derived from what distinguishes
 * the children's titles (laterality, episode of care, type, stage, ...).
 */
#include "index/ix_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Word boundaries of a title: returns count, fills starts/ends (at most cap). */
static uint32_t words(mc_str s, uint32_t *st, uint32_t *en, uint32_t cap)
{
    uint32_t k = 0, i = 0;
    while (i < s.n && k < cap) {
        while (i < s.n && s.p[i] == ' ')
            i++;
        if (i >= s.n)
            break;
        uint32_t j = i;
        while (j < s.n && s.p[j] != ' ')
            j++;
        st[k] = i;
        en[k] = j;
        k++;
        i = j;
    }
    return k;
}

static bool word_eq(mc_str a, uint32_t as, uint32_t ae, mc_str b, uint32_t bs, uint32_t be)
{
    if (ae - as != be - bs)
        return false;
    for (uint32_t i = 0; i < ae - as; i++)
        if (mc__lower(a.p[as + i]) != mc__lower(b.p[bs + i]))
            return false;
    return true;
}

/* Set each choice's distinct part: the words between the common prefix and suffix. */
static void distinct_parts(mc_index_verify *v)
{
    enum { W = 64 };
    uint32_t n = v->n_choices;
    if (n == 0)
        return;
    static _Thread_local uint32_t st[64][W], en[64][W];
    uint32_t nw[64];
    for (uint32_t i = 0; i < n; i++)
        nw[i] = words(v->choices[i].title, st[i], en[i], W);
    /* the titles sharing the most common first word form the pattern; a differently worded
       child ("Pressure-induced deep tissue damage of ...") keeps its whole title */
    uint32_t ref = 0, ref_count = 0;
    bool in_group[64];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = 0;
        for (uint32_t j = 0; j < n; j++)
            c += nw[i] && nw[j] &&
                 word_eq(v->choices[i].title, st[i][0], en[i][0], v->choices[j].title, st[j][0],
                         en[j][0]);
        if (c > ref_count) {
            ref_count = c;
            ref = i;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        in_group[i] = nw[i] && nw[ref] &&
                      word_eq(v->choices[ref].title, st[ref][0], en[ref][0], v->choices[i].title,
                              st[i][0], en[i][0]);
    uint32_t pre = nw[ref], suf = nw[ref];
    for (uint32_t i = 0; i < n; i++) {
        if (!in_group[i] || i == ref)
            continue;
        uint32_t p = 0;
        while (p < pre && p < nw[i] &&
               word_eq(v->choices[ref].title, st[ref][p], en[ref][p], v->choices[i].title,
                       st[i][p], en[i][p]))
            p++;
        pre = p;
        uint32_t s = 0;
        while (s < suf && s < nw[i] && s < nw[ref] &&
               word_eq(v->choices[ref].title, st[ref][nw[ref] - 1 - s], en[ref][nw[ref] - 1 - s],
                       v->choices[i].title, st[i][nw[i] - 1 - s], en[i][nw[i] - 1 - s]))
            s++;
        suf = s;
    }
    for (uint32_t i = 0; i < n; i++) {
        mc_str t = v->choices[i].title;
        uint32_t a = pre, b = nw[i] > suf ? nw[i] - suf : 0;
        if (n == 1 || ref_count < 2 || !in_group[i] || a >= b || b > nw[i]) {
            v->choices[i].distinct = t;
            continue;
        }
        uint32_t s = st[i][a], e = en[i][b - 1];
        while (e > s && (t.p[e - 1] == ',' || t.p[e - 1] == ';'))
            e--;
        v->choices[i].distinct = mc__str(t.p + s, e - s);
    }
}

static bool any_has(const mc_index_verify *v, const char *w)
{
    size_t n = strlen(w);
    for (uint32_t i = 0; i < v->n_choices; i++) {
        mc_str d = v->choices[i].distinct;
        for (uint32_t j = 0; j + n <= d.n; j++)
            if (!strncasecmp(d.p + j, w, n) && (j == 0 || d.p[j - 1] == ' ') &&
                (j + n == d.n || d.p[j + n] == ' ' || d.p[j + n] == ','))
                return true;
    }
    return false;
}

static void make_question(mc_index_verify *v)
{
    const char *label = "Which one";
    if (any_has(v, "right") || any_has(v, "left") || any_has(v, "bilateral"))
        label = "Laterality";
    else if (any_has(v, "initial") || any_has(v, "subsequent") || any_has(v, "sequela"))
        label = "Episode of care";
    else if (any_has(v, "female") || any_has(v, "male"))
        label = "Sex";
    else if (any_has(v, "type"))
        label = "Type";
    else if (any_has(v, "stage"))
        label = "Stage";
    else if (any_has(v, "trimester"))
        label = "Trimester";
    else if (any_has(v, "displaced") || any_has(v, "nondisplaced"))
        label = "Displaced or nondisplaced";
    else if (any_has(v, "acute") || any_has(v, "chronic"))
        label = "Acuity";
    else if (any_has(v, "with") || any_has(v, "without"))
        label = "With or without";
    else if (any_has(v, "weeks") || any_has(v, "grams"))
        label = "Gestation or weight";
    mc__buf b;
    mc__buf_init(&b, sizeof v->question - 1);
    mc__buf_printf(&b, "%s: ", label);
    for (uint32_t i = 0; i < v->n_choices && !b.err; i++) {
        mc_str d = v->choices[i].distinct;
        if (i)
            mc__buf_puts(&b, i + 1 == v->n_choices ? " or " : ", ");
        if (b.n + d.n + 8 >= sizeof v->question) {
            mc__buf_puts(&b, "...");
            break;
        }
        mc__buf_append(&b, d.p, d.n);
    }
    mc__buf_putc(&b, '?');
    mc__strlcpy(v->question, b.p ? b.p : "", sizeof v->question);
    mc__buf_free(&b);
}

int mc_index_verify_code(const mc_codeset *cs, const char *code, size_t n, mc_index_verify *out)
{
    memset(out, 0, sizeof *out);
    const char *p = code;
    mc__trim(&p, &n);
    while (n && (p[n - 1] == '-' || p[n - 1] == '.'))
        n--; /* "S72.0-": the index says more characters follow */
    char norm[8];
    if (mc_cm_normalize(p, n, norm) != MC_OK)
        return MC_EFORMAT;
    mc_cm_dotted(norm, out->code);
    mc_cm_validate(cs, norm, strlen(norm), out->reason, sizeof out->reason);
    mc_cm_code c;
    if (mc_cm_lookup(cs, norm, strlen(norm), &c) != MC_OK) {
        out->status = MC_VERIFY_NOT_IN_YEAR;
        return MC_OK;
    }
    out->title = c.long_title;
    out->n_seventh = mc_cm_seventh_chars(cs, c.id, out->seventh, 16, NULL);
    if (out->n_seventh > 16)
        out->n_seventh = 16;
    if (c.billable) {
        out->status = MC_VERIFY_BILLABLE;
        return MC_OK;
    }
    uint32_t ids[64];
    uint32_t nk = mc_cm_children(cs, c.id, ids, 64);
    out->n_choices_total = nk;
    out->n_choices = nk < 64 ? nk : 64;
    bool all_seventh = nk > 0 && c.length < 7;
    for (uint32_t i = 0; i < out->n_choices; i++) {
        mc_cm_code k;
        if (mc_cm_get(cs, ids[i], &k) != MC_OK)
            continue;
        mc__strlcpy(out->choices[i].code, k.dotted, sizeof out->choices[i].code);
        out->choices[i].title = k.long_title;
        if (k.length != 7)
            all_seventh = false;
    }
    if (out->n_seventh && (all_seventh || nk == 0)) {
        /* Section I.A.5: placeholder X fills the empty positions before the 7th character */
        out->status = MC_VERIFY_NEEDS_SEVENTH;
        char x[8];
        mc__strlcpy(x, norm, sizeof x);
        for (size_t i = strlen(x); i < 6; i++)
            x[i] = 'X';
        x[6] = 0;
        mc_cm_dotted(x, out->with_placeholder);
    } else {
        out->status = MC_VERIFY_NEEDS_CHILD;
    }
    distinct_parts(out);
    if (out->n_choices)
        make_question(out);
    else if (out->n_seventh) {
        mc__buf b;
        mc__buf_init(&b, sizeof out->question - 1);
        mc__buf_puts(&b, "Episode of care (7th character): ");
        for (uint32_t i = 0; i < out->n_seventh; i++)
            mc__buf_printf(&b, "%s%c %.*s", i ? ", " : "", out->seventh[i].ch,
                           (int)out->seventh[i].meaning.n, out->seventh[i].meaning.p);
        mc__strlcpy(out->question, b.p ? b.p : "", sizeof out->question);
        mc__buf_free(&b);
    }
    return MC_OK;
}

const char *mc_verify_status_name(mc_verify_status s)
{
    switch (s) {
    case MC_VERIFY_BILLABLE: return "billable";
    case MC_VERIFY_NEEDS_CHILD: return "needs_child";
    case MC_VERIFY_NEEDS_SEVENTH: return "needs_seventh";
    case MC_VERIFY_NOT_IN_YEAR: return "not_in_year";
    }
    return "unknown";
}
