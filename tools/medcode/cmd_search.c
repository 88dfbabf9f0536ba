/*
 * medcode search: ranked code search over the bundle's SRCH section.
 *   medcode search "QUERY" [--system icd10cm|icd10pcs|hcpcs|all] [--billable]
 *                  [--chapter N] [--limit N] [--year Y | --date D] [--json]
 * Exit 0 with hits, 1 when nothing matched, 2 on bad usage or bad input.
 */
#include "cli.h"

#include "base/base_int.h"
#include "medcode/search.h"
#include "medcode/text.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: medcode search QUERY [options]\n"
    "  Find codes by words (titles, inclusion terms, index paths), abbreviations\n"
    "  (HTN, DM2 with CKD, N/V), lay terms (heart attack, broken hip), misspellings,\n"
    "  or a code prefix (E11.2, S72.00, 0DT, A42).\n"
    "options:\n"
    "  --system S    icd10cm, icd10pcs, hcpcs or all (default all)\n"
    "  --billable    only reportable codes\n"
    "  --chapter N   only ICD-10-CM chapter N (1-22)\n"
    "  --limit N     hits to show (1-1000, default 10)\n"
    "  --year Y      fiscal year of the bundle (default: newest)\n"
    "  --date D      the bundle for a date of service (YYYY-MM-DD)\n"
    "  --json        one JSON document\n";

static void json_out(const char *q, int year, const mc_search_result *r, mc__buf *o)
{
    mc__buf_puts(o, "{\"query\":");
    mc__buf_json_str(o, q, strlen(q));
    mc__buf_printf(o, ",\"year\":%d,\"typeahead\":%s,\"candidates\":%u,\"understood\":[", year,
                   r->typeahead ? "true" : "false", r->n_candidates);
    for (uint32_t i = 0; i < r->n_notes; i++) {
        if (i)
            mc__buf_putc(o, ',');
        mc__buf_json_str(o, r->notes[i].p, r->notes[i].n);
    }
    mc__buf_puts(o, "],\"results\":[");
    for (uint32_t i = 0; i < r->n; i++) {
        const mc_search_hit *h = &r->hits[i];
        if (i)
            mc__buf_putc(o, ',');
        mc__buf_puts(o, "{\"code\":");
        mc__buf_json_str(o, h->code, strlen(h->code));
        mc__buf_printf(o, ",\"system\":\"%s\",\"billable\":%s,", mc_search_system_name(h->system),
                       h->billable ? "true" : "false");
        if (h->chapter)
            mc__buf_printf(o, "\"chapter\":%u,", h->chapter);
        mc__buf_puts(o, "\"title\":");
        mc__buf_json_str(o, h->title.p, h->title.n);
        mc__buf_printf(o, ",\"matched_field\":\"%s\",\"matched\":", mc_search_field_name(h->field));
        mc__buf_json_str(o, h->matched.p, h->matched.n);
        mc__buf_printf(o, ",\"score\":%.4f}", (double)h->score);
    }
    mc__buf_puts(o, "]}");
}

static void text_out(const mc_search_result *r)
{
    for (uint32_t i = 0; i < r->n_notes; i++)
        printf("(%.*s)\n", (int)r->notes[i].n, r->notes[i].p);
    for (uint32_t i = 0; i < r->n; i++) {
        const mc_search_hit *h = &r->hits[i];
        printf("%-8s %s %.*s", h->code, h->billable ? " " : "*", (int)h->title.n, h->title.p);
        if (h->field != MC_FIELD_TITLE && h->field != MC_FIELD_CODE)
            printf("  [%s: %.*s]", mc_search_field_name(h->field), (int)h->matched.n,
                   h->matched.p);
        if (!r->typeahead)
            printf("  (%.2f)", (double)h->score);
        putchar('\n');
    }
    if (r->n)
        printf("* = not reportable (a header: choose a code under it)\n");
}

MC_COMMAND(search, "find codes by words, abbreviations, misspellings or a code prefix")
{
    const char *q = NULL, *date = NULL;
    long year = 0, v;
    bool json = false;
    mc_search_opts o = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            fputs(usage, stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--billable")) {
            o.billable_only = true;
        } else if (!strcmp(a, "--system")) {
            if (!val)
                return cli_fail("--system needs a value: icd10cm, icd10pcs, hcpcs or all");
            if (mc_search_parse_system(val, &o.systems))
                return cli_fail("--system '%s' is not a code system: use icd10cm, icd10pcs, "
                                "hcpcs or all",
                                val);
            i++;
        } else if (!strcmp(a, "--chapter")) {
            if (!cli_parse_int("--chapter", val, 1, 22, &v))
                return CLI_USAGE;
            o.chapter = (unsigned)v;
            i++;
        } else if (!strcmp(a, "--limit")) {
            if (!cli_parse_int("--limit", val, 1, MC_SEARCH_MAX_LIMIT, &v))
                return CLI_USAGE;
            o.limit = (uint32_t)v;
            i++;
        } else if (!strcmp(a, "--year")) {
            if (!cli_parse_int("--year", val, 2015, 2100, &year))
                return CLI_USAGE;
            i++;
        } else if (!strcmp(a, "--date")) {
            if (!val)
                return cli_fail("--date needs a value (YYYY-MM-DD)");
            date = val;
            i++;
        } else if (a[0] == '-' && a[1] && a[1] == '-') {
            return cli_fail("unknown option '%s' (see medcode search --help)", a);
        } else if (!q) {
            q = a;
        } else {
            return cli_fail("one query at a time: quote it (\"%s %s\")", q, a);
        }
    }
    if (!q)
        return cli_fail("missing QUERY (see medcode search --help)");
    if (year && date)
        return cli_fail("give --year or --date, not both");
    size_t qn = strlen(q);
    /* check the query before touching the bundle, so bad input fails the same everywhere */
    if (qn > MC_SEARCH_MAX_QUERY)
        return cli_fail("query is %zu bytes; the limit is %d", qn, MC_SEARCH_MAX_QUERY);
    size_t bad;
    if (mc_utf8_check(q, qn, &bad))
        return cli_fail("query is not valid UTF-8 (byte %zu)", bad);
    mc_bundle *b;
    int rc = cli_open_bundle((int)year, date, &b);
    if (rc)
        return rc;
    mc_search *s = NULL;
    mc_search_ctx *c = NULL;
    mc_diag d = { 0 };
    if (mc_search_open(b, &s, &d) || mc_search_ctx_new(s, &c)) {
        rc = cli_fail("%s", d.msg[0] ? d.msg : "out of memory");
        goto out;
    }
    mc_search_result r;
    if (mc_search_query(c, q, qn, &o, &r, &d)) {
        rc = cli_fail("%s", d.msg);
        goto out;
    }
    if (json) {
        mc__buf j;
        mc__buf_init(&j, 0);
        json_out(q, mc_bundle_year(b), &r, &j);
        rc = j.err ? cli_fail("out of memory") : cli_write(j.p, j.n);
        mc__buf_free(&j);
    } else {
        if (!r.n)
            printf("no codes match '%s'\n", q);
        text_out(&r);
        rc = CLI_OK;
    }
    if (!rc && !r.n)
        rc = CLI_NO;
out:
    mc_search_ctx_free(c);
    mc_search_close(s);
    mc_bundle_close(b);
    return rc;
}
