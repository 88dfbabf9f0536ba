/*
 * medcode comorbidity: Elixhauser (AHRQ Comorbidity Software Refined,
 * v2025.1) measures with the readmission and mortality indices, and the
 * Charlson index (Quan 2005 ICD-10 definitions), for records in JSON Lines.
 * A bad record gets an error entry and the batch continues.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/codeset.h"
#include "medcode/risk.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: medcode comorbidity FILE.jsonl [--index elixhauser|charlson|both] [--poa yes|no|auto]\n"
    "                          [--year FY] [--json]\n"
    "One record per line: {\"id\":\"a1\",\"diagnoses\":[\"I50.9\",{\"code\":\"E11.9\",\"poa\":\"Y\"}]}\n"
    "  --index  elixhauser (default), charlson, or both\n"
    "  --poa    whether POA indicators are available (default auto: when any diagnosis has one)\n";

static const char *const STATUS[] = { "", "mapped", "not_mapped", "malformed", "not_poa" };

static void json_dx(mc__buf *b, const mc_cmb_record_buf *rec, const uint8_t *st)
{
    mc__buf_puts(b, "\"diagnoses\":[");
    for (uint32_t i = 0; i < rec->n_dx; i++) {
        mc__buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        mc__buf_json_str(b, rec->dx_text[i], strlen(rec->dx_text[i]));
        if (rec->dx[i].poa)
            mc__buf_printf(b, ",\"poa\":\"%c\"", rec->dx[i].poa);
        mc__buf_printf(b, ",\"status\":\"%s\"}", STATUS[st[i]]);
    }
    mc__buf_putc(b, ']');
}

static void do_elix(mc__buf *b, const mc_risk *r, const mc_cmb_record_buf *rec, int poa,
                    bool json, mc_elix_result *e)
{
    mc_elix_score(r, rec->dx, rec->n_dx, poa, e);
    mc_elix_measure m;
    if (json) {
        mc__buf_printf(b, "\"elixhauser\":{\"poa_used\":%s,\"measures\":[",
                       e->poa_used ? "true" : "false");
        bool first = true;
        for (uint32_t k = 0; k < e->n_measures; k++) {
            if (!e->present[k] || mc_elix_measure_at(r, k, &m))
                continue;
            mc__buf_puts(b, first ? "{\"measure\":" : ",{\"measure\":");
            first = false;
            mc__buf_json_str(b, m.name.p, m.name.n);
            mc__buf_puts(b, ",\"description\":");
            mc__buf_json_str(b, m.description.p, m.description.n);
            mc__buf_puts(b, ",\"diagnosis\":");
            const char *d = rec->dx_text[e->source[k]];
            mc__buf_json_str(b, d, strlen(d));
            mc__buf_printf(b, ",\"readmission_weight\":%d,\"mortality_weight\":%d}",
                           m.readmission_weight, m.mortality_weight);
        }
        mc__buf_puts(b, "],\"excluded\":[");
        first = true;
        for (uint32_t k = 0; k < e->n_measures; k++) {
            mc_elix_measure by;
            if (e->excluded_by[k] < 0 || mc_elix_measure_at(r, k, &m) ||
                mc_elix_measure_at(r, (uint32_t)e->excluded_by[k], &by))
                continue;
            mc__buf_printf(b, "%s{\"measure\":\"%.*s\",\"by\":\"%.*s\"}", first ? "" : ",",
                           (int)m.name.n, m.name.p, (int)by.name.n, by.name.p);
            first = false;
        }
        mc__buf_printf(b, "],\"readmission_index\":%d,\"mortality_index\":%d,",
                       e->readmission_index, e->mortality_index);
        json_dx(b, rec, e->dx_status);
        mc__buf_putc(b, '}');
        return;
    }
    mc__buf_printf(b, "  Elixhauser (POA %s): readmission index %d, mortality index %d\n",
                   e->poa_used ? "applied" : "not available", e->readmission_index,
                   e->mortality_index);
    for (uint32_t k = 0; k < e->n_measures; k++) {
        if (!mc_elix_measure_at(r, k, &m) && e->present[k])
            mc__buf_printf(b, "    %-18.*s %+3d %+3d  %.*s [%s]\n", (int)m.name.n, m.name.p,
                           m.readmission_weight, m.mortality_weight, (int)m.description.n,
                           m.description.p, rec->dx_text[e->source[k]]);
        else if (e->excluded_by[k] >= 0) {
            mc_elix_measure by;
            mc_elix_measure_at(r, (uint32_t)e->excluded_by[k], &by);
            mc__buf_printf(b, "    %-18.*s excluded by %.*s\n", (int)m.name.n, m.name.p,
                           (int)by.name.n, by.name.p);
        }
    }
    for (uint32_t i = 0; i < rec->n_dx; i++)
        if (e->dx_status[i] != MC_CMB_MAPPED)
            mc__buf_printf(b, "    %s: %s\n", rec->dx_text[i], STATUS[e->dx_status[i]]);
}

static void do_charlson(mc__buf *b, const mc_risk *r, const mc_cmb_record_buf *rec, bool json,
                        mc_charlson_result *c)
{
    mc_charlson_score(r, rec->dx, rec->n_dx, c);
    mc_charlson_condition cd, by;
    if (json) {
        mc__buf_puts(b, "\"charlson\":{\"conditions\":[");
        bool first = true;
        for (uint32_t k = 0; k < c->n_conditions; k++) {
            if (!c->present[k] || mc_charlson_condition_at(r, k, &cd))
                continue;
            mc__buf_printf(b, "%s{\"condition\":\"%.*s\",\"label\":", first ? "" : ",",
                           (int)cd.name.n, cd.name.p);
            first = false;
            mc__buf_json_str(b, cd.label.p, cd.label.n);
            mc__buf_puts(b, ",\"diagnosis\":");
            const char *d = rec->dx_text[c->source[k]];
            mc__buf_json_str(b, d, strlen(d));
            mc__buf_printf(b, ",\"weight_1987\":%d,\"weight_2011\":%d}", cd.weight_1987,
                           cd.weight_2011);
        }
        mc__buf_puts(b, "],\"superseded\":[");
        first = true;
        for (uint32_t k = 0; k < c->n_conditions; k++) {
            if (c->superseded_by[k] < 0 || mc_charlson_condition_at(r, k, &cd) ||
                mc_charlson_condition_at(r, (uint32_t)c->superseded_by[k], &by))
                continue;
            mc__buf_printf(b, "%s{\"condition\":\"%.*s\",\"by\":\"%.*s\"}", first ? "" : ",",
                           (int)cd.name.n, cd.name.p, (int)by.name.n, by.name.p);
            first = false;
        }
        mc__buf_printf(b, "],\"index\":%d,\"index_quan2011\":%d,", c->index_1987, c->index_2011);
        json_dx(b, rec, c->dx_status);
        mc__buf_putc(b, '}');
        return;
    }
    mc__buf_printf(b, "  Charlson (Quan 2005): index %d (Quan 2011 weights: %d)\n",
                   c->index_1987, c->index_2011);
    for (uint32_t k = 0; k < c->n_conditions; k++) {
        if (mc_charlson_condition_at(r, k, &cd))
            continue;
        if (c->present[k])
            mc__buf_printf(b, "    %-9.*s %d %d  %.*s [%s]\n", (int)cd.name.n, cd.name.p,
                           cd.weight_1987, cd.weight_2011, (int)cd.label.n, cd.label.p,
                           rec->dx_text[c->source[k]]);
        else if (c->superseded_by[k] >= 0 &&
                 !mc_charlson_condition_at(r, (uint32_t)c->superseded_by[k], &by))
            mc__buf_printf(b, "    %-9.*s superseded by %.*s\n", (int)cd.name.n, cd.name.p,
                           (int)by.name.n, by.name.p);
    }
}

MC_COMMAND(comorbidity, "Elixhauser and Charlson comorbidity indices for records in JSON Lines")
{
    const char *path = NULL, *index = "elixhauser", *poa_s = "auto";
    long year = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--index") && i + 1 < argc)
            index = argv[++i];
        else if (!strcmp(argv[i], "--poa") && i + 1 < argc)
            poa_s = argv[++i];
        else if (!strcmp(argv[i], "--year")) {
            if (!cli_parse_int("--year", i + 1 < argc ? argv[i + 1] : NULL, 2015, 2100, &year))
                return CLI_USAGE;
            i++;
        } else if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return CLI_OK;
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_fail("comorbidity: unknown option '%s' (see --help)", argv[i]);
        else if (!path)
            path = argv[i];
        else
            return cli_fail("comorbidity: one input file at a time ('%s' is extra)", argv[i]);
    }
    if (!path)
        return cli_fail("comorbidity: missing FILE.jsonl (see --help)");
    bool elix = !strcmp(index, "elixhauser") || !strcmp(index, "both");
    bool charl = !strcmp(index, "charlson") || !strcmp(index, "both");
    if (!elix && !charl)
        return cli_fail("comorbidity: unknown index '%s' (elixhauser, charlson or both)", index);
    int poa_opt = !strcmp(poa_s, "yes") ? 1 : !strcmp(poa_s, "no") ? 0 : !strcmp(poa_s, "auto") ? -1 : -2;
    if (poa_opt == -2)
        return cli_fail("comorbidity: --poa takes yes, no or auto");
    char *text = NULL;
    size_t n = 0;
    if (cli_read_input(path, (size_t)1 << 30, &text, &n))
        return CLI_USAGE;
    mc_bundle *b = NULL;
    mc_risk *r = NULL;
    mc_cmb_record_buf *rec = malloc(sizeof *rec);
    mc_elix_result *er = malloc(sizeof *er);
    mc_charlson_result *cr = malloc(sizeof *cr);
    mc__buf out;
    mc__buf_init(&out, 0);
    mc_diag diag = { 0 };
    int rc = CLI_USAGE;
    if (!rec || !er || !cr) {
        cli_fail("comorbidity: out of memory");
        goto done;
    }
    if (cli_open_bundle((int)year, NULL, &b))
        goto done;
    if (mc_risk_open(b, &r, &diag)) {
        cli_fail("comorbidity: %s", diag.msg);
        goto done;
    }
    long line = 0, n_ok = 0, n_err = 0;
    if (json)
        mc__buf_puts(&out, "{\"records\":[");
    const char *p = text, *end = text + n;
    bool first = true;
    const char *l;
    size_t ln;
    while (cli_next_line(&p, end, &l, &ln, &line)) {
        if (json && !first)
            mc__buf_putc(&out, ',');
        first = false;
        char err[200];
        if (mc_cmb_record_parse(l, ln, rec, err, sizeof err)) {
            n_err++;
            if (json) {
                mc__buf_printf(&out, "{\"line\":%ld,\"id\":", line);
                mc__buf_json_str(&out, rec->id, strlen(rec->id));
                mc__buf_puts(&out, ",\"status\":\"error\",\"error\":");
                mc__buf_json_str(&out, err, strlen(err));
                mc__buf_putc(&out, '}');
            } else {
                mc__buf_printf(&out, "record %s (line %ld): error: %s\n",
                               rec->id[0] ? rec->id : "-", line, err);
            }
            continue;
        }
        n_ok++;
        int poa = poa_opt != -1 ? poa_opt : rec->poa;
        if (json) {
            mc__buf_printf(&out, "{\"line\":%ld,\"id\":", line);
            mc__buf_json_str(&out, rec->id, strlen(rec->id));
            mc__buf_puts(&out, ",\"status\":\"ok\"");
            if (elix) {
                mc__buf_putc(&out, ',');
                do_elix(&out, r, rec, poa, true, er);
            }
            if (charl) {
                mc__buf_putc(&out, ',');
                do_charlson(&out, r, rec, true, cr);
            }
            mc__buf_putc(&out, '}');
        } else {
            mc__buf_printf(&out, "record %s (line %ld)\n", rec->id[0] ? rec->id : "-", line);
            if (elix)
                do_elix(&out, r, rec, poa, false, er);
            if (charl)
                do_charlson(&out, r, rec, false, cr);
        }
        /* stream large batches: the output so far is complete records */
        if (out.n > ((size_t)4 << 20) && !out.err) {
            if (fwrite(out.p, 1, out.n, stdout) != out.n) {
                cli_fail("comorbidity: cannot write the output");
                goto done;
            }
            out.n = 0;
        }
    }
    if (json)
        mc__buf_printf(&out, "],\"summary\":{\"records\":%ld,\"scored\":%ld,\"errors\":%ld}}",
                       n_ok + n_err, n_ok, n_err);
    else
        mc__buf_printf(&out, "%ld records: %ld scored, %ld with errors\n", n_ok + n_err, n_ok,
                       n_err);
    if (out.err) {
        cli_fail("comorbidity: output too large");
        goto done;
    }
    if (json ? cli_write(out.p, out.n) : (fwrite(out.p, 1, out.n, stdout) != out.n)) {
        cli_fail("comorbidity: cannot write the output");
        goto done;
    }
    rc = n_err ? CLI_NO : CLI_OK;
done:
    mc__buf_free(&out);
    free(rec);
    free(er);
    free(cr);
    mc_risk_close(r);
    mc_bundle_close(b);
    free(text);
    return rc;
}
