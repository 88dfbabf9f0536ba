/*
 * medcode hcc: CMS-HCC risk scores for a file of patients (JSON Lines).
 * Each patient gets its HCCs before and after hierarchies with the
 * diagnoses that produced them, the terms of its segment with their
 * coefficients, and the score; a bad patient gets an error entry and the
 * batch continues. Field names are documented in docs/risk.md.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/codeset.h"
#include "medcode/risk.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: medcode hcc PATIENTS.jsonl [--model V28|V24] [--year PY] [--segment SEG] [--json]\n"
    "                  [--no-validate]\n"
    "Scores each patient (one JSON object per line; '-' reads stdin) with the CMS-HCC model.\n"
    "  --model     V28 (default) or V24\n"
    "  --year      CMS payment year (default: the newest bundle's); the FY<year> bundle is used\n"
    "  --segment   auto (default: from demographics), CNA CND CFA CFD CPA CPD INS NE SNPNE\n"
    "  --no-validate  do not check diagnoses against the ICD-10-CM code sets\n"
    "A patient: {\"id\":\"p1\",\"age\":72,\"sex\":\"F\",\"dual\":\"non\",\"orec\":0,\"medicaid\":false,\n"
    "  \"institutional\":false,\"new_enrollee\":false,\"diagnoses\":[\"E11.22\",\"I50.9\"]}\n";

static const char *const DX_STATUS[] = { "",        "mapped",       "not_mapped", "malformed",
                                         "invalid", "edit_dropped", "duplicate" };
static const char *const TERM_KIND[] = { "", "demographic", "hcc", "interaction", "count" };

static void put_milli(mc__buf *b, int64_t v)
{
    if (v < 0) {
        mc__buf_putc(b, '-');
        v = -v;
    }
    mc__buf_printf(b, "%lld.%03lld", (long long)(v / 1000), (long long)(v % 1000));
}

static void dotted(const char *code, char out[9])
{
    if (code[0])
        mc_cm_dotted(code, out);
    else
        out[0] = '\0';
}

/* Diagnoses (input order) that produced hcc. */
static void json_sources(mc__buf *b, const mc_hcc_score *s, const mc_hcc_patient *p, uint16_t hcc)
{
    mc__buf_puts(b, "\"diagnoses\":[");
    bool first = true;
    for (uint32_t i = 0; i < s->n_dx; i++)
        for (uint32_t k = 0; k < s->dx[i].n_hcc; k++)
            if (s->dx[i].status == MC_DX_MAPPED && s->dx[i].hcc[k] == hcc) {
                if (!first)
                    mc__buf_putc(b, ',');
                first = false;
                mc__buf_json_str(b, p->dx[i], strlen(p->dx[i]));
            }
    mc__buf_putc(b, ']');
}

static void json_hcc_list(mc__buf *b, const mc_risk *r, const mc_hcc_score *s,
                          const mc_hcc_patient *p, const uint16_t *h, uint32_t n)
{
    mc__buf_putc(b, '[');
    for (uint32_t i = 0; i < n; i++) {
        mc_str label = { "", 0 };
        mc_risk_hcc_label(r, s->model, h[i], &label);
        mc__buf_printf(b, "%s{\"hcc\":%u,\"label\":", i ? "," : "", h[i]);
        mc__buf_json_str(b, label.p, label.n);
        mc__buf_putc(b, ',');
        json_sources(b, s, p, h[i]);
        mc__buf_putc(b, '}');
    }
    mc__buf_putc(b, ']');
}

static void json_patient(mc__buf *b, const mc_risk *r, long line, const mc_hcc_patient *p,
                         const mc_hcc_score *s)
{
    mc__buf_printf(b, "{\"line\":%ld,\"id\":", line);
    mc__buf_json_str(b, p->id, strlen(p->id));
    mc__buf_printf(b, ",\"model\":\"%s\",\"payment_year\":%d", mc_hcc_model_name(s->model),
                   mc_risk_payment_year(r));
    if (s->status) {
        mc__buf_puts(b, ",\"status\":\"error\",\"error\":");
        mc__buf_json_str(b, s->error, strlen(s->error));
        mc__buf_putc(b, '}');
        return;
    }
    mc__buf_printf(b,
                   ",\"status\":\"ok\",\"segment\":\"%s\",\"segment_label\":\"%s\","
                   "\"disabled\":%s,\"originally_disabled\":%s,\"diagnoses\":[",
                   mc_hcc_segment_name(s->segment), mc_hcc_segment_label(s->segment),
                   s->disabled ? "true" : "false", s->orig_disabled ? "true" : "false");
    for (uint32_t i = 0; i < s->n_dx; i++) {
        const mc_hcc_dx *d = &s->dx[i];
        char dot[9];
        dotted(d->code, dot);
        mc__buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        mc__buf_json_str(b, p->dx[i], strlen(p->dx[i]));
        mc__buf_printf(b, ",\"normalized\":\"%s\",\"status\":\"%s\"", dot, DX_STATUS[d->status]);
        if (d->n_hcc) {
            mc__buf_puts(b, ",\"hccs\":[");
            for (uint32_t k = 0; k < d->n_hcc; k++)
                mc__buf_printf(b, "%s%u", k ? "," : "", d->hcc[k]);
            mc__buf_putc(b, ']');
        }
        if (d->edited)
            mc__buf_printf(b, ",\"age_sex_edit\":{\"from_hcc\":%u,\"to_hcc\":%u}", d->edit_from,
                           d->hcc[0]);
        mc__buf_putc(b, '}');
    }
    mc__buf_puts(b, "],\"hccs_before_hierarchy\":");
    json_hcc_list(b, r, s, p, s->before, s->n_before);
    mc__buf_puts(b, ",\"hccs\":");
    json_hcc_list(b, r, s, p, s->after, s->n_after);
    mc__buf_puts(b, ",\"dropped_by_hierarchy\":[");
    for (uint32_t i = 0; i < s->n_dropped; i++)
        mc__buf_printf(b, "%s{\"hcc\":%u,\"by\":%u}", i ? "," : "", s->dropped[i].hcc,
                       s->dropped[i].by);
    mc__buf_printf(b, "],\"payment_hcc_count\":%u,\"terms\":[", s->payment_count);
    for (uint32_t i = 0; i < s->n_terms; i++) {
        const mc_hcc_term *t = &s->terms[i];
        mc_str name = mc_hcc_var_name(r, s->model, t->var);
        mc__buf_printf(b, "%s{\"kind\":\"%s\",\"variable\":", i ? "," : "", TERM_KIND[t->kind]);
        mc__buf_json_str(b, name.p, name.n);
        if (t->kind == MC_TERM_HCC)
            mc__buf_printf(b, ",\"hcc\":%u", t->hcc);
        mc__buf_puts(b, ",\"coefficient\":");
        put_milli(b, t->milli);
        mc__buf_putc(b, '}');
    }
    mc__buf_puts(b, "],\"score\":");
    put_milli(b, s->score_milli);
    mc__buf_puts(b, ",\"arithmetic\":\"");
    for (uint32_t i = 0; i < s->n_terms; i++) {
        if (i)
            mc__buf_puts(b, " + ");
        put_milli(b, s->terms[i].milli);
    }
    mc__buf_puts(b, " = ");
    put_milli(b, s->score_milli);
    mc__buf_puts(b, "\"}");
}

static void text_patient(mc__buf *b, const mc_risk *r, long line, const mc_hcc_patient *p,
                         const mc_hcc_score *s)
{
    mc__buf_printf(b, "patient %s (line %ld): ", p->id[0] ? p->id : "-", line);
    if (s->status) {
        mc__buf_printf(b, "error: %s\n", s->error);
        return;
    }
    mc__buf_printf(b, "%s %s (%s), score ", mc_hcc_model_name(s->model),
                   mc_hcc_segment_name(s->segment), mc_hcc_segment_label(s->segment));
    put_milli(b, s->score_milli);
    mc__buf_puts(b, "\n  diagnoses:");
    for (uint32_t i = 0; i < s->n_dx; i++) {
        const mc_hcc_dx *d = &s->dx[i];
        mc__buf_printf(b, " %s", p->dx[i]);
        if (d->status == MC_DX_MAPPED) {
            for (uint32_t k = 0; k < d->n_hcc; k++)
                mc__buf_printf(b, "%sHCC%u", k ? "," : "->", d->hcc[k]);
            if (d->edited)
                mc__buf_printf(b, "(age/sex edit, was HCC%u)", d->edit_from);
        } else {
            mc__buf_printf(b, "(%s)", DX_STATUS[d->status]);
        }
    }
    mc__buf_puts(b, "\n  HCCs before hierarchies:");
    for (uint32_t i = 0; i < s->n_before; i++)
        mc__buf_printf(b, " %u", s->before[i]);
    for (uint32_t i = 0; i < s->n_dropped; i++)
        mc__buf_printf(b, "%s HCC%u by HCC%u", i ? "," : "\n  dropped:", s->dropped[i].hcc,
                       s->dropped[i].by);
    mc__buf_puts(b, "\n");
    for (uint32_t i = 0; i < s->n_terms; i++) {
        const mc_hcc_term *t = &s->terms[i];
        mc_str name = mc_hcc_var_name(r, s->model, t->var);
        char num[24];
        int64_t v = t->milli < 0 ? -(int64_t)t->milli : t->milli;
        snprintf(num, sizeof num, "%s%lld.%03lld", t->milli < 0 ? "-" : "", (long long)(v / 1000),
                 (long long)(v % 1000));
        mc__buf_printf(b, "  %-34.*s ", (int)name.n, name.p);
        mc__buf_printf(b, "%8s  %s", num, TERM_KIND[t->kind]);
        if (t->kind == MC_TERM_HCC) {
            mc_str label = { "", 0 };
            mc_risk_hcc_label(r, s->model, t->hcc, &label);
            mc__buf_printf(b, " %.*s", (int)label.n, label.p);
        }
        mc__buf_putc(b, '\n');
    }
    mc__buf_puts(b, "  score = ");
    for (uint32_t i = 0; i < s->n_terms; i++) {
        if (i)
            mc__buf_puts(b, " + ");
        put_milli(b, s->terms[i].milli);
    }
    mc__buf_puts(b, " = ");
    put_milli(b, s->score_milli);
    mc__buf_putc(b, '\n');
}

static void parse_error(mc__buf *b, bool json, long line, const char *id, const char *msg)
{
    if (json) {
        mc__buf_printf(b, "{\"line\":%ld,\"id\":", line);
        mc__buf_json_str(b, id, strlen(id));
        mc__buf_puts(b, ",\"status\":\"error\",\"error\":");
        mc__buf_json_str(b, msg, strlen(msg));
        mc__buf_putc(b, '}');
    } else {
        mc__buf_printf(b, "patient %s (line %ld): error: %s\n", id[0] ? id : "-", line, msg);
    }
}

MC_COMMAND(hcc, "CMS-HCC risk scores (V28, V24) for patients in JSON Lines")
{
    const char *path = NULL, *model_s = "V28", *seg_s = "auto";
    long year = 0;
    bool json = false, validate = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc)
            model_s = argv[++i];
        else if (!strcmp(argv[i], "--segment") && i + 1 < argc)
            seg_s = argv[++i];
        else if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &year))
                return CLI_USAGE;
            i++;
        } else if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--no-validate"))
            validate = false;
        else if (!strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return CLI_OK;
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_fail("hcc: unknown option '%s' (see --help)", argv[i]);
        else if (!path)
            path = argv[i];
        else
            return cli_fail("hcc: one input file at a time ('%s' is extra)", argv[i]);
    }
    mc_hcc_model model;
    mc_hcc_segment seg;
    if (!path)
        return cli_fail("hcc: missing PATIENTS.jsonl (see --help)");
    if (mc_hcc_model_parse(model_s, &model))
        return cli_fail("hcc: unknown model '%s' (V28 or V24)", model_s);
    if (mc_hcc_segment_parse(seg_s, &seg))
        return cli_fail("hcc: unknown segment '%s' (auto, CNA, CND, CFA, CFD, CPA, CPD, INS, NE, "
                        "SNPNE)",
                        seg_s);
    char *text = NULL;
    size_t n = 0;
    if (cli_read_input(path, (size_t)1 << 30, &text, &n))
        return CLI_USAGE;
    mc_bundle *b = NULL, *prev = NULL;
    mc_risk *r = NULL;
    mc_codeset *cs[2] = { NULL, NULL };
    uint32_t n_cs = 0;
    mc_dx_valid *valid = NULL;
    mc_hcc_patient_buf *pb = malloc(sizeof *pb);
    mc_hcc_score *sc = malloc(sizeof *sc);
    mc__buf out;
    mc__buf_init(&out, 0);
    int rc = CLI_USAGE;
    mc_diag diag = { 0 };
    if (!pb || !sc) {
        cli_fail("hcc: out of memory");
        goto done;
    }
    if (cli_open_bundle((int)year, NULL, &b))
        goto done;
    if (mc_risk_open(b, &r, &diag)) {
        cli_fail("hcc: %s", diag.msg);
        goto done;
    }
    if (year && mc_risk_payment_year(r) != year) {
        cli_fail("hcc: the FY%ld bundle carries the payment year %d tables, not %ld", year,
                 mc_risk_payment_year(r), year);
        goto done;
    }
    if (validate) {
        /* PY tables score diagnoses from the prior calendar year: FY(PY-1) and FY(PY) codes */
        int fy = mc_bundle_year(b);
        if (mc_codeset_open(b, &cs[n_cs], &diag) == MC_OK)
            n_cs++;
        char pp[1024];
        if (!mc_bundle_path(mc_bundle_dir(), fy - 1, pp, sizeof pp) && mc__file_exists(pp) &&
            mc_bundle_open(pp, &prev, &diag) == MC_OK &&
            mc_codeset_open(prev, &cs[n_cs], &diag) == MC_OK)
            n_cs++;
        if (!n_cs) {
            cli_fail("hcc: the bundle has no ICD-10-CM code set to check diagnoses against "
                     "(use --no-validate to skip the check)");
            goto done;
        }
        if (mc_dx_valid_new((const mc_codeset *const *)cs, n_cs, &valid)) {
            cli_fail("hcc: out of memory");
            goto done;
        }
    }
    long line = 0, n_ok = 0, n_err = 0;
    int64_t total = 0;
    if (json)
        mc__buf_printf(&out, "{\"payment_year\":%d,\"model\":\"%s\",\"patients\":[",
                       mc_risk_payment_year(r), mc_hcc_model_name(model));
    const char *p = text, *end = text + n;
    bool first = true;
    const char *l;
    size_t ln;
    while (cli_next_line(&p, end, &l, &ln, &line)) {
        if (json && !first)
            mc__buf_putc(&out, ',');
        first = false;
        char err[200];
        if (mc_hcc_patient_parse(l, ln, pb, err, sizeof err)) {
            parse_error(&out, json, line, pb->id, err);
            n_err++;
            continue;
        }
        mc_hcc_model pm = model;
        mc_hcc_segment ps = seg;
        if (pb->model[0] && mc_hcc_model_parse(pb->model, &pm)) {
            parse_error(&out, json, line, pb->id, "unknown model (V28 or V24)");
            n_err++;
            continue;
        }
        if (pb->segment[0] && mc_hcc_segment_parse(pb->segment, &ps)) {
            parse_error(&out, json, line, pb->id, "unknown segment");
            n_err++;
            continue;
        }
        mc_hcc_score_patient(r, pm, ps, valid, &pb->p, sc);
        if (sc->status)
            n_err++;
        else {
            n_ok++;
            total += sc->score_milli;
        }
        if (json)
            json_patient(&out, r, line, &pb->p, sc);
        else
            text_patient(&out, r, line, &pb->p, sc);
        /* stream large batches: the output so far is complete records */
        if (out.n > ((size_t)4 << 20) && !out.err) {
            if (fwrite(out.p, 1, out.n, stdout) != out.n) {
                cli_fail("hcc: cannot write the output");
                goto done;
            }
            out.n = 0;
        }
    }
    if (json) {
        mc__buf_printf(&out, "],\"summary\":{\"patients\":%ld,\"scored\":%ld,\"errors\":%ld",
                       n_ok + n_err, n_ok, n_err);
        mc__buf_puts(&out, ",\"mean_score\":");
        put_milli(&out, n_ok ? (total + n_ok / 2) / n_ok : 0);
        mc__buf_puts(&out, "}}");
    } else {
        mc__buf_printf(&out, "%ld patients: %ld scored, %ld with errors\n", n_ok + n_err, n_ok,
                       n_err);
    }
    if (out.err) {
        cli_fail("hcc: output too large");
        goto done;
    }
    if (json ? cli_write(out.p, out.n) : (fwrite(out.p, 1, out.n, stdout) != out.n)) {
        cli_fail("hcc: cannot write the output");
        goto done;
    }
    rc = n_err ? CLI_NO : CLI_OK;
done:
    mc__buf_free(&out);
    free(pb);
    free(sc);
    mc_dx_valid_free(valid);
    for (uint32_t i = 0; i < 2; i++)
        mc_codeset_close(cs[i]);
    mc_risk_close(r);
    mc_bundle_close(prev);
    mc_bundle_close(b);
    free(text);
    return rc;
}
