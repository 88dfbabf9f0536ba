/*
 * Supplementary codes the Official Guidelines add beside a diagnosis,
 * taken from the note's numbers and the code titles of the bundle (never a
 * code written here):
 * - Section I.B.14: BMI (Z68.-) only with an associated reportable
 *   diagnosis (obesity, overweight, underweight, malnutrition); the Z68 code
 *   whose title range holds the documented value ("[BMI] 32.0-32.9, adult").
 * - Section I.C.15.b.3 (weeks of gestation): Z3A.- beside pregnancy codes
 *   (O00-O9A, Z34), from "N weeks"; Z33.1 (pregnant state, incidental) is
 *   not reported with a chapter 15 code (Section I.C.15.a.1).
 * - Section I.C.1 (infectious agents): B95-B97 identify the organism of a
 *   condition coded elsewhere, so they need such a condition; the
 *   unspecified-site infection code of the same organism (A49.-) is dropped.
 */
#include "coder/coder_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void undot(const char *code, char out[8])
{
    size_t k = 0;
    for (const char *p = code; *p && k < 7; p++)
        if (*p != '.')
            out[k++] = *p;
    out[k] = 0;
}

static bool any_dx(const run *r, bool (*pred)(const char *u))
{
    for (uint32_t i = 0; i < r->n_dx; i++) {
        char u[8];
        undot(r->dx[i].code, u);
        if (pred(u))
            return true;
    }
    return false;
}

static void drop_where(run *r, bool (*pred)(const char *u))
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n_dx; i++) {
        char u[8];
        undot(r->dx[i].code, u);
        if (pred(u))
            continue;
        r->dx[k] = r->dx[i];
        r->meta[k++] = r->meta[i];
    }
    r->n_dx = r->n_meta = k;
}

static bool is_bmi(const char *u) { return !strncmp(u, "Z68", 3); }
static bool is_weeks(const char *u) { return !strncmp(u, "Z3A", 3); }
static bool is_z331(const char *u) { return !strcmp(u, "Z331"); }
static bool is_agent(const char *u)
{
    return u[0] == 'B' && u[1] == '9' && u[2] >= '5' && u[2] <= '7';
}
static bool is_a49(const char *u) { return !strncmp(u, "A49", 3); }
static bool is_weight_dx(const char *u)
{
    return !strncmp(u, "E66", 3) || !strncmp(u, "R636", 4) || !strncmp(u, "E43", 3) ||
           !strncmp(u, "E44", 3) || !strncmp(u, "E46", 3) || !strncmp(u, "R627", 4);
}
static bool is_pregnancy(const char *u) { return u[0] == 'O' || !strncmp(u, "Z34", 3); }
static bool not_agent(const char *u) { return !is_agent(u) && !is_a49(u); }

/* A number written right after token t (within 3 tokens): its value and token. */
static bool number_after(const run *r, uint32_t t, uint32_t end, double *v, uint32_t *at)
{
    for (uint32_t k = t + 1; k < end && k <= t + 3; k++) {
        const char *w = r->doc->tokens[k].norm;
        if (w[0] >= '0' && w[0] <= '9') {
            *v = atof(w);
            *at = k;
            return true;
        }
    }
    return false;
}

/* Parse a Z68 adult title: "[BMI] 32.0-32.9, adult", "19.9 or less, adult", "70 or greater, adult". */
static bool bmi_range(mc_str t, double *lo, double *hi)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)t.n, t.p);
    if (!strstr(buf, "adult"))
        return false;
    char *b = strstr(buf, "] ");
    if (!b)
        return false;
    b += 2;
    double a = atof(b);
    if (strstr(b, "or less")) {
        *lo = 0;
        *hi = a + 0.05;
        return true;
    }
    if (strstr(b, "or greater")) {
        *lo = a;
        *hi = 1000;
        return true;
    }
    char *d = strchr(b, '-');
    if (!d)
        return false;
    *lo = a;
    *hi = atof(d + 1) + 0.05;
    return true;
}

static void bmi_rule(run *r)
{
    bool weight = any_dx(r, is_weight_dx);
    drop_where(r, is_bmi); /* only the documented value decides the Z68 code */
    if (!weight)
        return;
    const mc_nlp_doc *d = r->doc;
    for (uint32_t t = 0; t < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm;
        bool bmi = !strcmp(w, "bmi") || (!strcmp(w, "index") && t >= 2 &&
                                          !strcmp(d->tokens[t - 1].norm, "mass") &&
                                          !strcmp(d->tokens[t - 2].norm, "body"));
        if (!bmi)
            continue;
        const mc_nlp_sentence *se = &d->sentences[d->tokens[t].sentence];
        double v;
        uint32_t at;
        if (!number_after(r, t, se->tok_first + se->tok_count, &v, &at) || v < 5 || v > 150)
            continue;
        uint32_t first, count;
        mc__lex_prefix(r->c->lex, "Z68", &first, &count);
        for (uint32_t i = first; i < first + count; i++) {
            const lex_code *c = &r->c->lex->codes[i];
            double lo, hi;
            if (c->billable && bmi_range(c->title, &lo, &hi) && v >= lo && v < hi) {
                mc_coder_span sp = { d->tokens[t].start, d->tokens[at].end };
                mc__cac_add_rule(r, c->code, sp,
                                 "Guidelines I.B.14: BMI reported with its associated diagnosis");
                return;
            }
        }
    }
}

static void gestation_rule(run *r)
{
    if (any_dx(r, is_pregnancy))
        drop_where(r, is_z331);
    else
        return;
    if (any_dx(r, is_weeks))
        return;
    const mc_nlp_doc *d = r->doc;
    for (uint32_t t = 1; t < d->n_tokens; t++) {
        const char *w = d->tokens[t].norm;
        if (strcmp(w, "weeks") && strcmp(w, "week") && strcmp(w, "wks") && strcmp(w, "wk"))
            continue;
        const char *num = d->tokens[t - 1].norm;
        if (!(num[0] >= '0' && num[0] <= '9'))
            continue;
        int weeks = atoi(num);
        if (weeks < 1 || weeks > 50)
            continue;
        uint32_t first, count;
        mc__lex_prefix(r->c->lex, "Z3A", &first, &count);
        const lex_code *pick = NULL;
        for (uint32_t i = first; i < first + count && !pick; i++) {
            const lex_code *c = &r->c->lex->codes[i];
            if (!c->billable)
                continue;
            char buf[96];
            snprintf(buf, sizeof buf, "%.*s", (int)c->title.n, c->title.p);
            int n = atoi(buf);
            if ((n == weeks && strstr(buf, " weeks gestation")) ||
                (!strncasecmp(buf, "Less than ", 10) && weeks < atoi(buf + 10)) ||
                (!strncasecmp(buf, "Greater than ", 13) && weeks > atoi(buf + 13)))
                pick = c;
        }
        if (pick) {
            mc_coder_span sp = { d->tokens[t - 1].start, d->tokens[t].end };
            mc__cac_add_rule(r, pick->code, sp,
                             "Guidelines I.C.15.b: weeks of gestation with the pregnancy codes");
            return;
        }
    }
}

static void agent_rule(run *r)
{
    if (!any_dx(r, is_agent))
        return;
    if (!any_dx(r, not_agent))
        drop_where(r, is_agent); /* no condition for the organism to be the cause of */
    else
        drop_where(r, is_a49);
}

void mc__cac_zrules(run *r)
{
    bmi_rule(r);
    gestation_rule(r);
    agent_rule(r);
}
