/*
 * medcode index: the coder's Index -> Tabular path. Walks the Alphabetic
 * Index (or the External Cause Index, Neoplasm Table, Table of Drugs and
 * Chemicals), shows the path taken with nonessential modifiers, follows
 * "see", offers "see also", lists the remaining choices when the path stops
 * early, then verifies the code in the bundle year's Tabular (children and
 * the question that picks one, 7th characters, placeholder X). JSON fields
 * are documented in docs/index.md.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/codeset.h"
#include "medcode/index.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: medcode index [options] \"MAIN TERM, SUBTERM, ...\"\n"
    "       medcode index --external \"fall, from, ladder\"\n"
    "       medcode index --neoplasm \"breast, upper outer quadrant\" --behavior B\n"
    "       medcode index --drug NAME --intent I [--encounter initial|subsequent|sequela]\n"
    "       medcode index --search \"femur neck fracture\" [--limit N]\n"
    "\n"
    "  --behavior  malignant-primary|secondary|in-situ|benign|uncertain|unspecified\n"
    "  --intent    accidental|intentional|assault|undetermined|adverse|underdosing\n"
    "  --year N / --date YYYY-MM-DD   fiscal year of the code set (default: newest bundle)\n"
    "  --json      one JSON document (fields in docs/index.md)\n"
    "Exit: 0 a code or choices found, 1 unknown term / no code / not in the year's code set,\n"
    "2 bad usage.\n";

typedef enum mode { M_WALK, M_EXTERNAL, M_NEOPLASM, M_DRUG, M_SEARCH } mode;

typedef struct opts {
    mode mode;
    const char *text;
    int year;
    const char *date;
    bool json;
    int behavior; /* -1 unset */
    int intent;
    char seventh;
    long limit;
} opts;

static const char *const behaviors[] = { "malignant-primary", "secondary", "in-situ",
                                         "benign",            "uncertain", "unspecified" };
static const char *const intents[] = { "accidental", "intentional", "assault",
                                       "undetermined", "adverse",   "underdosing" };

static int pick(const char *opt, const char *v, const char *const *names, int n)
{
    if (!v) {
        cli_fail("%s needs a value", opt);
        return -2;
    }
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    /* a few spellings people use */
    if (!strcmp(opt, "--behavior")) {
        if (!strcmp(v, "primary") || !strcmp(v, "malignant")) return 0;
        if (!strcmp(v, "malignant-secondary") || !strcmp(v, "metastatic")) return 1;
        if (!strcmp(v, "insitu") || !strcmp(v, "in situ") || !strcmp(v, "ca-in-situ")) return 2;
    } else if (!strcmp(opt, "--intent")) {
        if (!strcmp(v, "self-harm") || !strcmp(v, "intentional-self-harm")) return 1;
        if (!strcmp(v, "adverse-effect")) return 4;
    }
    mc__buf b;
    mc__buf_init(&b, 512);
    for (int i = 0; i < n; i++)
        mc__buf_printf(&b, "%s%s", i ? "|" : "", names[i]);
    cli_fail("%s: '%s' is not one of %s", opt, v, b.p);
    mc__buf_free(&b);
    return -2;
}

static int set_mode(opts *o, mode m, const char *opt, const char *v)
{
    if (!v)
        return cli_fail("%s needs a value", opt);
    if (o->text)
        return cli_fail("give one term, path or query ('%s' is extra)", v);
    o->mode = m;
    o->text = v;
    return CLI_OK;
}

static int parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->behavior = -1;
    o->intent = -1;
    o->limit = 10;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long num;
        int rc = CLI_OK;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return -1;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
            continue;
        } else if (!strcmp(a, "--year")) {
            if (!cli_parse_int(a, v, 2015, 2100, &num))
                return CLI_USAGE;
            o->year = (int)num;
        } else if (!strcmp(a, "--date")) {
            if (!v)
                return cli_fail("--date needs a value (YYYY-MM-DD)");
            o->date = v;
        } else if (!strcmp(a, "--limit")) {
            if (!cli_parse_int(a, v, 1, 200, &num))
                return CLI_USAGE;
            o->limit = num;
        } else if (!strcmp(a, "--external")) {
            rc = set_mode(o, M_EXTERNAL, a, v);
        } else if (!strcmp(a, "--neoplasm")) {
            rc = set_mode(o, M_NEOPLASM, a, v);
        } else if (!strcmp(a, "--drug")) {
            rc = set_mode(o, M_DRUG, a, v);
        } else if (!strcmp(a, "--search")) {
            rc = set_mode(o, M_SEARCH, a, v);
        } else if (!strcmp(a, "--behavior")) {
            if ((o->behavior = pick(a, v, behaviors, 6)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--intent")) {
            if ((o->intent = pick(a, v, intents, 6)) < 0)
                return CLI_USAGE;
        } else if (!strcmp(a, "--encounter")) {
            static const char *const enc[] = { "initial", "subsequent", "sequela" };
            int e = pick(a, v, enc, 3);
            if (e < 0)
                return CLI_USAGE;
            o->seventh = "ADS"[e];
        } else if (a[0] == '-' && a[1]) {
            return cli_fail("unknown option '%s' (see --help)", a);
        } else {
            if (o->text)
                return cli_fail("give one path in quotes ('%s' is extra)", a);
            o->text = a;
            o->mode = M_WALK;
            continue;
        }
        if (rc)
            return rc;
        i++;
    }
    if (!o->text)
        return cli_fail("missing the index path, e.g. medcode index \"Diabetes, type 2\" (see "
                        "--help)");
    const char *p = o->text;
    size_t n = strlen(p);
    mc__trim(&p, &n);
    bool blank = true;
    for (size_t i = 0; i < n; i++)
        if (p[i] != ',' && p[i] != ' ')
            blank = false;
    if (blank)
        return cli_fail("empty index path");
    if (o->year && o->date)
        return cli_fail("give --year or --date, not both");
    if (o->mode == M_NEOPLASM && o->behavior < 0)
        return cli_fail("--neoplasm needs --behavior "
                        "malignant-primary|secondary|in-situ|benign|uncertain|unspecified");
    if (o->mode == M_DRUG && o->intent < 0)
        return cli_fail("--drug needs --intent "
                        "accidental|intentional|assault|undetermined|adverse|underdosing");
    if (o->behavior >= 0 && o->mode != M_NEOPLASM)
        return cli_fail("--behavior goes with --neoplasm");
    if ((o->intent >= 0 || o->seventh) && o->mode != M_DRUG)
        return cli_fail("--intent and --encounter go with --drug");
    return CLI_OK;
}

/* ---------------- output helpers ---------------- */

typedef struct out {
    mc__buf b;
    bool json;
    const mc_index *ix;
    const mc_codeset *cs;
    mc_index_kind kind;
    int year;
} out;

static void jkey(out *o, const char *k) { mc__buf_printf(&o->b, "\"%s\":", k); }
static void jstr(out *o, mc_str s) { mc__buf_json_str(&o->b, s.p, s.n); }
static void jcstr(out *o, const char *s) { mc__buf_json_str(&o->b, s, strlen(s)); }
static void jkv(out *o, const char *k, mc_str s)
{
    jkey(o, k);
    jstr(o, s);
    mc__buf_putc(&o->b, ',');
}
static void jkvc(out *o, const char *k, const char *s)
{
    jkey(o, k);
    jcstr(o, s);
    mc__buf_putc(&o->b, ',');
}
static void jend(out *o, char c)
{
    if (o->b.n && o->b.p[o->b.n - 1] == ',')
        o->b.n--;
    mc__buf_putc(&o->b, c);
}

static mc_str cs_str(const char *s) { return mc__str(s, strlen(s)); }

static void node_line(out *o, uint32_t id, int indent, const char *mark)
{
    mc_index_node nd;
    if (mc_index_node_get(o->ix, o->kind, id, &nd))
        return;
    mc__buf_printf(&o->b, "%*s%s%.*s", indent, "", mark, (int)nd.title.n, nd.title.p);
    if (nd.nemod.n)
        mc__buf_printf(&o->b, " %.*s", (int)nd.nemod.n, nd.nemod.p);
    if (nd.code.n)
        mc__buf_printf(&o->b, "  %.*s", (int)nd.code.n, nd.code.p);
    if (nd.manif.n)
        mc__buf_printf(&o->b, " [%.*s]", (int)nd.manif.n, nd.manif.p);
    if (nd.see.n)
        mc__buf_printf(&o->b, "  - see %.*s", (int)nd.see.n, nd.see.p);
    if (nd.see_also.n)
        mc__buf_printf(&o->b, "  - see also %.*s", (int)nd.see_also.n, nd.see_also.p);
    if (nd.seecat.n)
        mc__buf_printf(&o->b, "  - see category %.*s", (int)nd.seecat.n, nd.seecat.p);
    if (nd.subcat.n)
        mc__buf_printf(&o->b, "  - see subcategory %.*s", (int)nd.subcat.n, nd.subcat.p);
    mc__buf_putc(&o->b, '\n');
}

static void node_json(out *o, uint32_t id)
{
    mc_index_node nd;
    if (mc_index_node_get(o->ix, o->kind, id, &nd))
        return;
    mc__buf_putc(&o->b, '{');
    mc__buf_printf(&o->b, "\"node\":%u,", id);
    jkv(o, "title", nd.title);
    if (nd.nemod.n) jkv(o, "nemod", nd.nemod);
    if (nd.code.n) jkv(o, "code", nd.code);
    if (nd.manif.n) jkv(o, "manifestation", nd.manif);
    if (nd.see.n) jkv(o, "see", nd.see);
    if (nd.see_also.n) jkv(o, "see_also", nd.see_also);
    if (nd.seecat.n) jkv(o, "see_category", nd.seecat);
    if (nd.subcat.n) jkv(o, "see_subcategory", nd.subcat);
    if (nd.warning.n) jkv(o, "warning", nd.warning);
    jend(o, '}');
}

static void print_choices(out *o, uint32_t node)
{
    uint32_t ids[400];
    uint32_t n = mc_index_children(o->ix, o->kind, node, ids, 400);
    if (n > 400)
        n = 400;
    if (o->json) {
        jkey(o, "choices");
        mc__buf_putc(&o->b, '[');
        for (uint32_t i = 0; i < n; i++) {
            node_json(o, ids[i]);
            mc__buf_putc(&o->b, ',');
        }
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
        return;
    }
    if (!n)
        return;
    char path[512];
    mc_index_path_text(o->ix, o->kind, node, false, path, sizeof path);
    mc__buf_printf(&o->b, "choices under %s:\n", node ? path : "the index");
    uint32_t show = n > 60 ? 60 : n;
    for (uint32_t i = 0; i < show; i++)
        node_line(o, ids[i], 2, "- ");
    if (show < n)
        mc__buf_printf(&o->b, "  ... and %u more\n", n - show);
}

/* Tabular verification block; returns false when the code is not in the year's set. */
static bool print_verify(out *o, mc_str code)
{
    if (!o->cs || !code.n)
        return true;
    mc_index_verify v;
    if (mc_index_verify_code(o->cs, code.p, code.n, &v) != MC_OK)
        return true; /* a reference that is not a code ("category M01" is handled upstream) */
    if (o->json) {
        jkey(o, "tabular");
        mc__buf_putc(&o->b, '{');
        jkvc(o, "code", v.code);
        jkvc(o, "status", mc_verify_status_name(v.status));
        if (v.title.n) jkv(o, "title", v.title);
        if (v.reason[0]) jkvc(o, "reason", v.reason);
        if (v.question[0]) jkvc(o, "question", v.question);
        if (v.with_placeholder[0]) jkvc(o, "with_placeholder", v.with_placeholder);
        if (v.n_choices) {
            jkey(o, "choices");
            mc__buf_putc(&o->b, '[');
            for (uint32_t i = 0; i < v.n_choices; i++) {
                mc__buf_putc(&o->b, '{');
                jkvc(o, "code", v.choices[i].code);
                jkv(o, "title", v.choices[i].title);
                jkv(o, "distinct", v.choices[i].distinct);
                jend(o, '}');
                mc__buf_putc(&o->b, ',');
            }
            jend(o, ']');
            mc__buf_putc(&o->b, ',');
        }
        if (v.n_seventh) {
            jkey(o, "seventh");
            mc__buf_putc(&o->b, '[');
            for (uint32_t i = 0; i < v.n_seventh; i++) {
                mc__buf_printf(&o->b, "{\"char\":\"%c\",\"meaning\":", v.seventh[i].ch);
                jstr(o, v.seventh[i].meaning);
                mc__buf_puts(&o->b, "},");
            }
            jend(o, ']');
        }
        jend(o, '}');
        mc__buf_putc(&o->b, ',');
        return v.status != MC_VERIFY_NOT_IN_YEAR;
    }
    mc__buf_printf(&o->b, "tabular FY%d: %s", o->year, v.code);
    switch (v.status) {
    case MC_VERIFY_BILLABLE:
        mc__buf_printf(&o->b, "  %.*s\n  billable\n", (int)v.title.n, v.title.p);
        break;
    case MC_VERIFY_NOT_IN_YEAR:
        mc__buf_printf(&o->b, "\n  NOT in the FY%d code set: %s\n", o->year, v.reason);
        break;
    default:
        mc__buf_printf(&o->b, "  %.*s\n  not billable: %s\n", (int)v.title.n, v.title.p,
                       v.reason);
        if (v.question[0])
            mc__buf_printf(&o->b, "  question: %s\n", v.question);
        for (uint32_t i = 0; i < v.n_choices; i++)
            mc__buf_printf(&o->b, "    %-9s %.*s\n", v.choices[i].code,
                           (int)v.choices[i].title.n, v.choices[i].title.p);
        if (v.n_choices < v.n_choices_total)
            mc__buf_printf(&o->b, "    ... and %u more\n", v.n_choices_total - v.n_choices);
        if (v.with_placeholder[0] && strcmp(v.with_placeholder, v.code))
            mc__buf_printf(&o->b, "  placeholder X: %s + 7th character\n", v.with_placeholder);
        if (v.n_seventh && v.status == MC_VERIFY_NEEDS_CHILD) {
            mc__buf_puts(&o->b, "  7th character (after choosing):");
            for (uint32_t i = 0; i < v.n_seventh; i++)
                mc__buf_printf(&o->b, " %c %.*s%s", v.seventh[i].ch, (int)v.seventh[i].meaning.n,
                               v.seventh[i].meaning.p, i + 1 < v.n_seventh ? ";" : "\n");
        }
    }
    return v.status != MC_VERIFY_NOT_IN_YEAR;
}

static void print_suggestions(out *o, const char *text)
{
    uint32_t ids[8];
    uint32_t n = mc_index_suggest(o->ix, o->kind, text, strlen(text), ids, 8);
    if (o->json) {
        jkey(o, "suggestions");
        mc__buf_putc(&o->b, '[');
        for (uint32_t i = 0; i < n; i++) {
            node_json(o, ids[i]);
            mc__buf_putc(&o->b, ',');
        }
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
        return;
    }
    if (!n) {
        mc__buf_puts(&o->b, "no similar main terms\n");
        return;
    }
    mc__buf_puts(&o->b, "nearest main terms:\n");
    for (uint32_t i = 0; i < n; i++)
        node_line(o, ids[i], 2, "- ");
}

/* Print a walk; returns the exit status it deserves. */
static int print_walk(out *o, const mc_walk *w, bool verify)
{
    int rc = CLI_OK;
    if (o->json) {
        jkvc(o, "status", mc_walk_status_name(w->status));
        mc__buf_printf(&o->b, "\"parts_used\":%u,\"parts_total\":%u,", w->parts_used,
                       w->parts_total);
        jkey(o, "path");
        mc__buf_putc(&o->b, '[');
        for (uint32_t i = 0; i < w->n_steps; i++) {
            const mc_index_step *s = &w->steps[i];
            mc__buf_printf(&o->b, "{\"node\":%u,", s->node);
            jkv(o, "title", s->title);
            if (s->nemod.n) jkv(o, "nemod", s->nemod);
            if (s->code.n) jkv(o, "code", s->code);
            jkvc(o, "match", mc_step_how_name(s->how));
            jend(o, '}');
            mc__buf_putc(&o->b, ',');
        }
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
        if (w->code.n) jkv(o, "code", w->code);
        if (!w->code.n && w->default_code.n) jkv(o, "default_code", w->default_code);
        if (w->manif.n) jkv(o, "manifestation", w->manif);
        if (w->seecat.n) jkv(o, "see_category", w->seecat);
        if (w->subcat.n) jkv(o, "see_subcategory", w->subcat);
        if (w->see_unresolved.n) jkv(o, "see", w->see_unresolved);
        if (w->unmatched[0]) jkvc(o, "unmatched", w->unmatched);
        mc__buf_printf(&o->b, "\"with_convention\":%s,\"by_search\":%s,",
                       w->used_with_convention ? "true" : "false", w->by_search ? "true" : "false");
        if (w->expanded[0]) jkvc(o, "expanded", w->expanded);
        jkey(o, "see_followed");
        mc__buf_putc(&o->b, '[');
        for (uint32_t i = 0; i < w->n_see_followed; i++) {
            jstr(o, w->see_followed[i]);
            mc__buf_putc(&o->b, ',');
        }
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
        jkey(o, "see_also");
        mc__buf_putc(&o->b, '[');
        for (uint32_t i = 0; i < w->n_see_also; i++) {
            jstr(o, w->see_also[i]);
            mc__buf_putc(&o->b, ',');
        }
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
    } else {
        if (w->expanded[0])
            mc__buf_printf(&o->b, "abbreviations expanded: %s\n", w->expanded);
        if (w->by_search)
            mc__buf_puts(&o->b, "no main term matched the words as given: best index path "
                                "containing all of them\n");
        mc__buf_puts(&o->b, "path:\n");
        for (uint32_t i = 0; i < w->n_steps; i++) {
            const mc_index_step *s = &w->steps[i];
            const char *mark = s->how == MC_STEP_SEE        ? "(see) "
                               : s->how == MC_STEP_SEE_ALSO ? "(see also) "
                               : s->how == MC_STEP_WITH     ? "(with convention) "
                                                            : "";
            mc__buf_printf(&o->b, "%*s%s%.*s", 2 + 2 * (int)i, "", mark, (int)s->title.n,
                           s->title.p);
            if (s->nemod.n)
                mc__buf_printf(&o->b, " %.*s", (int)s->nemod.n, s->nemod.p);
            if (s->code.n)
                mc__buf_printf(&o->b, "  %.*s", (int)s->code.n, s->code.p);
            if (s->how == MC_STEP_PARTIAL)
                mc__buf_puts(&o->b, "  (approximate match)");
            mc__buf_putc(&o->b, '\n');
        }
        for (uint32_t i = 0; i < w->n_see_followed; i++)
            mc__buf_printf(&o->b, "followed: %.*s\n", (int)w->see_followed[i].n,
                           w->see_followed[i].p);
        if (w->used_with_convention)
            mc__buf_puts(&o->b, "note: entered a \"with\" subterm: the classification presumes "
                                "a causal relationship (Guidelines I.A.15)\n");
        if (w->code.n) {
            mc__buf_printf(&o->b, "code: %.*s", (int)w->code.n, w->code.p);
            if (w->manif.n)
                mc__buf_printf(&o->b, " [%.*s] (manifestation, sequenced second)",
                               (int)w->manif.n, w->manif.p);
            mc__buf_putc(&o->b, '\n');
        }
        if (w->seecat.n)
            mc__buf_printf(&o->b, "see category %.*s\n", (int)w->seecat.n, w->seecat.p);
        if (w->subcat.n)
            mc__buf_printf(&o->b, "see subcategory %.*s\n", (int)w->subcat.n, w->subcat.p);
        for (uint32_t i = 0; i < w->n_see_also; i++)
            mc__buf_printf(&o->b, "see also: %.*s\n", (int)w->see_also[i].n, w->see_also[i].p);
    }
    switch (w->status) {
    case MC_WALK_CODE:
        break;
    case MC_WALK_INCOMPLETE:
        if (!o->json) {
            mc__buf_puts(&o->b, "no code at this term: choose a subterm");
            if (w->default_code.n)
                mc__buf_printf(&o->b, " (the term above carries %.*s)", (int)w->default_code.n,
                               w->default_code.p);
            mc__buf_putc(&o->b, '\n');
        }
        print_choices(o, w->end);
        break;
    case MC_WALK_STOPPED:
        if (!o->json)
            mc__buf_printf(&o->b, "stopped: '%s' matches no subterm here\n", w->unmatched);
        print_choices(o, w->end);
        rc = CLI_NO;
        break;
    case MC_WALK_SEE_UNRESOLVED:
        if (!o->json)
            mc__buf_printf(&o->b, "see %.*s (look that up: it names no single index entry)\n",
                           (int)w->see_unresolved.n, w->see_unresolved.p);
        rc = CLI_NO;
        break;
    }
    if (verify) {
        mc_str code = w->code.n ? w->code : w->subcat.n ? w->subcat : w->seecat;
        if (w->status != MC_WALK_STOPPED && !print_verify(o, code))
            rc = CLI_NO;
    }
    return rc;
}

static int do_walk(out *o, const char *text)
{
    mc_walk w;
    int rc = mc_index_walk(o->ix, o->kind, text, strlen(text), &w);
    if (rc == MC_EINVAL)
        return cli_fail("empty index path");
    if (rc == MC_ENOTFOUND) {
        if (o->json) {
            jkvc(o, "status", "not_found");
            jkvc(o, "unmatched", w.unmatched);
        } else {
            mc__buf_printf(&o->b, "'%s' is not a main term of the %s index\n", w.unmatched,
                           mc_index_kind_name(o->kind));
        }
        print_suggestions(o, text);
        return CLI_NO;
    }
    if (rc)
        return cli_fail("index walk failed: %s", mc_strerror(rc));
    return print_walk(o, &w, true);
}

static int do_table(out *o, const opts *op)
{
    mc_index_table_result r;
    const char *text = op->text;
    int rc = op->mode == M_NEOPLASM
                 ? mc_index_neoplasm(o->ix, o->cs, text, strlen(text),
                                     (mc_neoplasm_behavior)op->behavior, &r)
                 : mc_index_drug(o->ix, o->cs, text, strlen(text), (mc_drug_intent)op->intent,
                                 op->seventh, &r);
    if (rc == MC_EINVAL)
        return cli_fail("empty term");
    if (rc == MC_ENOTFOUND) {
        if (o->json) {
            jkvc(o, "status", "not_found");
            jkvc(o, "unmatched", r.walk.unmatched);
        } else {
            mc__buf_printf(&o->b, "'%s' is not in the %s table\n", r.walk.unmatched,
                           mc_index_kind_name(o->kind));
        }
        if (op->mode == M_DRUG)
            print_suggestions(o, text);
        return CLI_NO;
    }
    if (rc)
        return cli_fail("table look-up failed: %s", mc_strerror(rc));
    int st = print_walk(o, &r.walk, false);
    mc_str head = mc_index_column(o->ix, o->kind, r.col);
    if (o->json) {
        jkv(o, "column", head);
        if (r.row != MC_NONE)
            mc__buf_printf(&o->b, "\"row\":%u,", r.row);
        jkv(o, "cell", r.cell);
        if (r.code[0])
            jkvc(o, "table_code", r.code);
    } else if (r.row == MC_NONE) {
        mc__buf_puts(&o->b, "no table row here\n");
    } else {
        char path[512];
        mc_index_path_text(o->ix, o->kind, r.row, false, path, sizeof path);
        mc__buf_printf(&o->b, "row: %s\ncolumn: %.*s\n", path, (int)head.n, head.p);
        if (r.cell.n)
            mc__buf_printf(&o->b, "cell: %.*s\n", (int)r.cell.n, r.cell.p);
        else
            mc__buf_puts(&o->b, "cell: -- (no code in this column)\n");
        if (r.code[0] && op->mode == M_DRUG && op->seventh)
            mc__buf_printf(&o->b, "code with 7th character %c: %s\n", op->seventh, r.code);
    }
    if (st == CLI_NO && r.row == MC_NONE)
        return CLI_NO;
    if (!r.cell.n)
        return CLI_NO;
    if (!print_verify(o, cs_str(r.code)))
        return CLI_NO;
    return r.code_status == MC_ENOTFOUND ? CLI_NO : CLI_OK;
}

static int do_search(out *o, const char *q, long limit)
{
    mc_index_hit hits[200];
    uint32_t n = mc_index_search(o->ix, 0, q, strlen(q), hits, (uint32_t)limit);
    if (o->json) {
        jkey(o, "hits");
        mc__buf_putc(&o->b, '[');
    }
    for (uint32_t i = 0; i < n; i++) {
        char path[1024];
        mc_index_path_text(o->ix, hits[i].kind, hits[i].node, false, path, sizeof path);
        mc_index_node nd;
        mc_index_node_get(o->ix, hits[i].kind, hits[i].node, &nd);
        mc_str code = nd.code.n ? nd.code : nd.subcat.n ? nd.subcat : nd.seecat;
        if (o->json) {
            mc__buf_putc(&o->b, '{');
            jkvc(o, "index", mc_index_kind_name(hits[i].kind));
            mc__buf_printf(&o->b, "\"node\":%u,\"score\":%.2f,", hits[i].node, hits[i].score);
            jkvc(o, "path", path);
            if (code.n) jkv(o, "code", code);
            if (nd.see.n) jkv(o, "see", nd.see);
            jend(o, '}');
            mc__buf_putc(&o->b, ',');
        } else {
            mc__buf_printf(&o->b, "%2u. %-9s %s", i + 1, mc_index_kind_name(hits[i].kind), path);
            if (code.n)
                mc__buf_printf(&o->b, "  %.*s", (int)code.n, code.p);
            if (nd.has_cells)
                mc__buf_puts(&o->b, "  (table row)");
            if (nd.see.n)
                mc__buf_printf(&o->b, "  - see %.*s", (int)nd.see.n, nd.see.p);
            mc__buf_putc(&o->b, '\n');
        }
    }
    if (o->json) {
        jend(o, ']');
        mc__buf_putc(&o->b, ',');
    } else if (!n) {
        mc__buf_printf(&o->b, "no index entries match '%s'\n", q);
    }
    return n ? CLI_OK : CLI_NO;
}

MC_COMMAND(index, "walk the Alphabetic Index, Neoplasm/Drug tables, External Cause Index")
{
    opts op;
    int rc = parse(argc, argv, &op);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    mc_bundle *b = NULL;
    if ((rc = cli_open_bundle(op.year, op.date, &b)))
        return rc;
    mc_diag diag = { 0 };
    mc_index *ix = NULL;
    mc_codeset *cs = NULL;
    if (mc_index_open(b, &ix, &diag)) {
        mc_bundle_close(b);
        return cli_fail("%s", diag.msg);
    }
    if (mc_codeset_open(b, &cs, &diag))
        cs = NULL; /* verification is skipped without a code set */
    out o = { .json = op.json, .ix = ix, .cs = cs, .year = mc_bundle_year(b) };
    mc__buf_init(&o.b, 16u << 20);
    static const mc_index_kind kinds[] = { MC_INDEX_DISEASE, MC_INDEX_EXTERNAL, MC_INDEX_NEOPLASM,
                                           MC_INDEX_DRUG, MC_INDEX_DISEASE };
    o.kind = kinds[op.mode];
    uint32_t src = 0;
    if (op.mode != M_SEARCH && !mc_index_has(ix, o.kind, &src)) {
        rc = cli_fail("the FY%d bundle has no %s index: rebuild it with 'medcode build'", o.year,
                      mc_index_kind_name(o.kind));
        goto out;
    }
    if (o.json) {
        mc__buf_putc(&o.b, '{');
        jkvc(&o, "query", op.text);
        jkvc(&o, "index", op.mode == M_SEARCH ? "all" : mc_index_kind_name(o.kind));
        mc__buf_printf(&o.b, "\"year\":%d,", o.year);
        if (src)
            mc__buf_printf(&o.b, "\"index_year\":%u,", src);
    } else if (op.mode != M_SEARCH) {
        mc__buf_printf(&o.b, "%s index, FY%d bundle", mc_index_kind_name(o.kind), o.year);
        if (src && (int)src != o.year)
            mc__buf_printf(&o.b, " (index from the FY%u release)", src);
        mc__buf_putc(&o.b, '\n');
    }
    switch (op.mode) {
    case M_WALK:
    case M_EXTERNAL: rc = do_walk(&o, op.text); break;
    case M_NEOPLASM:
    case M_DRUG: rc = do_table(&o, &op); break;
    case M_SEARCH: rc = do_search(&o, op.text, op.limit); break;
    }
    if (rc == CLI_USAGE)
        goto out;
    if (o.json)
        jend(&o, '}');
    if (o.b.err) {
        rc = cli_fail("output too large");
        goto out;
    }
    if (o.b.n && o.b.p[o.b.n - 1] == '\n')
        o.b.n--;
    if (cli_write(o.b.p ? o.b.p : "", o.b.n))
        rc = CLI_USAGE;
out:
    mc__buf_free(&o.b);
    mc_codeset_close(cs);
    mc_index_close(ix);
    mc_bundle_close(b);
    return rc;
}
