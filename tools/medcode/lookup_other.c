/*
 * Answers for ICD-10-PCS and HCPCS codes, as text or one JSON object,
 * shared by `medcode lookup`, `medcode pcs` and `medcode hcpcs`. Field
 * names of the JSON are documented in docs/pcs.md.
 */
#include "lookup_other.h"

#include <stdlib.h>
#include <string.h>

static void jstr(mc__buf *out, mc_str s) { mc__buf_json_str(out, s.p, s.n); }
static void jcstr(mc__buf *out, const char *s) { mc__buf_json_str(out, s, strlen(s)); }
/* ,"key":"value" */
static void jfield(mc__buf *out, const char *key, mc_str v)
{
    mc__buf_printf(out, ",\"%s\":", key);
    jstr(out, v);
}

int cli_flush_buf(mc__buf *out, bool json)
{
    if (out->err)
        return cli_fail("out of memory while writing the answer");
    if (json)
        return cli_write(out->p ? out->p : "", out->n);
    if (out->n && fwrite(out->p, 1, out->n, stdout) != out->n)
        return CLI_USAGE;
    return CLI_OK;
}

/* ================= ICD-10-PCS ================= */

int cli_pcs_open(const mc_bundle *b, mc_pcs **out)
{
    mc_diag diag = { 0 };
    if (mc_pcs_open(b, out, &diag))
        return cli_fail("%s", diag.msg[0] ? diag.msg : "cannot open the ICD-10-PCS tables");
    return CLI_OK;
}

static const char *status_name(mc_pcs_status s)
{
    switch (s) {
    case MC_PCS_VALID:
        return "valid";
    case MC_PCS_BAD_LENGTH:
        return "bad_length";
    case MC_PCS_BAD_CHAR:
        return "bad_character";
    case MC_PCS_BAD_VALUE:
        return "bad_value";
    case MC_PCS_NOT_IN_YEAR:
        return "not_in_year";
    }
    return "invalid";
}

static void show_char(char c, char out[8])
{
    if ((unsigned char)c >= 0x21 && (unsigned char)c < 0x7f)
        snprintf(out, 8, "'%c'", c);
    else
        snprintf(out, 8, "0x%02X", (unsigned char)c);
}

void cli_pcs_reason(const mc_pcs *p, const mc_pcs_check *chk, char *buf, size_t cap)
{
    char ch[8], allowed[80];
    show_char(chk->value, ch);
    for (unsigned i = 0; i < chk->n_allowed && i < 36; i++) {
        allowed[2 * i] = chk->allowed[i];
        allowed[2 * i + 1] = ' ';
    }
    allowed[chk->n_allowed ? 2 * (chk->n_allowed < 36 ? chk->n_allowed : 36) - 1 : 0] = 0;
    switch (chk->status) {
    case MC_PCS_VALID:
        snprintf(buf, cap, "valid ICD-10-PCS code for FY%d", mc_pcs_year(p));
        break;
    case MC_PCS_BAD_LENGTH:
        snprintf(buf, cap, "an ICD-10-PCS code has exactly 7 characters, this has %u",
                 chk->length);
        break;
    case MC_PCS_BAD_CHAR:
        if (chk->value == 'I' || chk->value == 'O')
            snprintf(buf, cap, "character %u %s is not used in ICD-10-PCS (the letters I and O "
                               "never occur; did you mean '%c'?)",
                     chk->position, ch, chk->value == 'I' ? '1' : '0');
        else
            snprintf(buf, cap, "character %u %s is not a letter or digit", chk->position, ch);
        break;
    case MC_PCS_BAD_VALUE:
        if (chk->position == 1)
            snprintf(buf, cap, "character 1 %s is not an ICD-10-PCS section (allowed: %s)", ch,
                     allowed);
        else
            snprintf(buf, cap, "character %u %s is not a valid %.*s value after %.*s "
                               "(allowed: %s)",
                     chk->position, ch, (int)chk->axis.n, chk->axis.p, chk->position - 1,
                     chk->code, allowed);
        break;
    case MC_PCS_NOT_IN_YEAR:
        snprintf(buf, cap, "%s is in the FY%d tables but not in the FY%d order file: not valid "
                           "for FY%d dates of service",
                 chk->code, mc_pcs_tables_year(p), mc_pcs_order_year(p), mc_pcs_year(p));
        break;
    }
}

/* Text block or JSON array of explained axes. */
static void axes_out(const mc_pcs_axis *axes, int n, bool json, mc__buf *out)
{
    if (json) {
        mc__buf_puts(out, ",\"axes\":[");
        for (int i = 0; i < n; i++) {
            const mc_pcs_axis *a = &axes[i];
            mc__buf_printf(out, "%s{\"position\":%u,\"value\":\"%c\"", i ? "," : "", a->position,
                           a->value);
            jfield(out, "name", a->name);
            jfield(out, "label", a->label);
            if (a->definition.n)
                jfield(out, "definition", a->definition);
            if (a->explanation.n)
                jfield(out, "explanation", a->explanation);
            if (a->includes.n)
                jfield(out, "includes", a->includes);
            if (a->covers.n)
                jfield(out, "covers", a->covers);
            mc__buf_puts(out, "}");
        }
        mc__buf_puts(out, "]");
        return;
    }
    for (int i = 0; i < n; i++) {
        const mc_pcs_axis *a = &axes[i];
        mc__buf_printf(out, "  %u  %-22.*s %c  %.*s\n", a->position, (int)a->name.n, a->name.p,
                       a->value, (int)a->label.n, a->label.p);
        if (a->definition.n)
            mc__buf_printf(out, "%30sdefinition: %.*s\n", "", (int)a->definition.n,
                           a->definition.p);
        if (a->explanation.n)
            mc__buf_printf(out, "%30sexplanation: %.*s\n", "", (int)a->explanation.n,
                           a->explanation.p);
        if (a->includes.n > 300) /* device lists run to thousands of characters */
            mc__buf_printf(out, "%30sincludes: %.*s ... (%u characters, see --json)\n", "", 280,
                           a->includes.p, a->includes.n);
        else if (a->includes.n)
            mc__buf_printf(out, "%30sincludes: %.*s\n", "", (int)a->includes.n, a->includes.p);
        if (a->covers.n)
            mc__buf_printf(out, "%30scovers: %.*s\n", "", (int)a->covers.n, a->covers.p);
    }
}

/* Values allowed at position len+1 after prefix (len 0..6), as text lines or a JSON array. */
static void values_out(const mc_pcs *p, const char *prefix, size_t len, bool json, mc__buf *out)
{
    mc_pcs_value v[34];
    uint32_t n = 0;
    mc_str axis = { "", 0 };
    if (mc_pcs_next_values(p, prefix, len, v, &n, &axis, NULL) != MC_OK)
        n = 0;
    if (json) {
        mc__buf_printf(out, ",\"position\":%zu", len + 1);
        jfield(out, "axis", axis);
        mc__buf_puts(out, ",\"values\":[");
    } else {
        mc__buf_printf(out, "  choices for character %zu (%.*s):\n", len + 1, (int)axis.n,
                       axis.p);
    }
    for (uint32_t i = 0; i < n; i++) {
        char code[8] = { 0 };
        memcpy(code, prefix, len);
        code[len] = v[i].value;
        mc_pcs_code title;
        bool full = len == 6;
        mc_pcs_check chk;
        if (full)
            mc_pcs_validate(p, code, 7, &chk);
        bool titled = full && mc_pcs_lookup(p, code, 7, &title) == MC_OK;
        if (json) {
            mc__buf_printf(out, "%s{\"value\":\"%c\"", i ? "," : "", v[i].value);
            jfield(out, "label", v[i].label);
            if (v[i].definition.n)
                jfield(out, "definition", v[i].definition);
            if (full) {
                mc__buf_printf(out, ",\"code\":\"%s\",\"valid\":%s", code,
                               chk.valid ? "true" : "false");
                if (titled)
                    jfield(out, "title", title.long_title);
            }
            mc__buf_puts(out, "}");
        } else {
            mc__buf_printf(out, "     %c  %.*s", v[i].value, (int)v[i].label.n, v[i].label.p);
            if (full)
                mc__buf_printf(out, "  -> %s%s", code, chk.valid ? "" : " (not valid this year)");
            mc__buf_putc(out, '\n');
        }
    }
    if (json)
        mc__buf_puts(out, "]");
}

void cli_pcs_answer(const mc_pcs *p, const mc_pcs_check *chk, bool json, mc__buf *out)
{
    char reason[512];
    cli_pcs_reason(p, chk, reason, sizeof reason);
    mc_pcs_code title;
    bool titled = chk->length == 7 && mc_pcs_lookup(p, chk->code, 7, &title) == MC_OK;
    /* the characters that are understood: all, or those before the wrong one */
    size_t good = chk->status == MC_PCS_BAD_CHAR || chk->status == MC_PCS_BAD_VALUE
                      ? (size_t)chk->position - 1
                      : (chk->length <= 7 ? chk->length : 7);
    mc_pcs_axis axes[7];
    int n_axes = 0;
    if (good > 0)
        mc_pcs_explain(p, chk->code, good, axes, &n_axes);
    if (json) {
        mc__buf_printf(out, "{\"system\":\"icd10pcs\",\"year\":%d,\"code\":", mc_pcs_year(p));
        jcstr(out, chk->code);
        mc__buf_printf(out, ",\"valid\":%s,\"status\":\"%s\"", chk->valid ? "true" : "false",
                       status_name(chk->status));
        if (titled) {
            jfield(out, "title", title.long_title);
            jfield(out, "short_title", title.short_title);
        }
        mc__buf_printf(out, ",\"tables_year\":%d,\"order_year\":%d", mc_pcs_tables_year(p),
                       mc_pcs_order_year(p));
        axes_out(axes, n_axes, true, out);
        if (!chk->valid) {
            mc__buf_puts(out, ",\"error\":{");
            if (chk->position) {
                char v[2] = { chk->value, 0 };
                mc__buf_printf(out, "\"position\":%u,\"value\":", chk->position);
                jcstr(out, v);
                jfield(out, "axis", chk->axis);
                mc__buf_puts(out, ",");
            }
            mc__buf_puts(out, "\"reason\":");
            jcstr(out, reason);
            mc__buf_puts(out, "}");
            if (chk->status == MC_PCS_BAD_VALUE) {
                mc__buf_puts(out, ",\"allowed\":{");
                mc__buf_puts(out, "\"prefix\":");
                mc__buf_json_str(out, chk->code, (size_t)chk->position - 1);
                values_out(p, chk->code, (size_t)chk->position - 1, true, out);
                mc__buf_puts(out, "}");
            }
        }
        mc__buf_puts(out, "}");
        return;
    }
    if (titled)
        mc__buf_printf(out, "%s  %.*s\n", chk->code, (int)title.long_title.n,
                       title.long_title.p);
    else
        mc__buf_printf(out, "%s\n", chk->code);
    if (chk->valid)
        mc__buf_printf(out, "ICD-10-PCS FY%d: valid\n", mc_pcs_year(p));
    else
        mc__buf_printf(out, "ICD-10-PCS FY%d: NOT VALID: %s\n", mc_pcs_year(p), reason);
    if (!mc_pcs_tables_authoritative(p))
        mc__buf_printf(out, "(characters explained by the FY%d tables; validity from the FY%d "
                            "order file)\n",
                       mc_pcs_tables_year(p), mc_pcs_order_year(p));
    axes_out(axes, n_axes, false, out);
    if (chk->valid && n_axes < 7)
        mc__buf_printf(out, "  (the FY%d tables no longer have character %d onwards of this "
                            "code)\n",
                       mc_pcs_tables_year(p), n_axes + 1);
    if (chk->status == MC_PCS_BAD_VALUE)
        values_out(p, chk->code, (size_t)chk->position - 1, false, out);
}

void cli_pcs_choices(const mc_pcs *p, const char *prefix, bool json, mc__buf *out)
{
    size_t len = strlen(prefix);
    mc_pcs_code title;
    bool titled = len == 3 && mc_pcs_lookup(p, prefix, 3, &title) == MC_OK;
    mc_pcs_axis axes[7];
    int n_axes = 0;
    if (len)
        mc_pcs_explain(p, prefix, len, axes, &n_axes);
    if (json) {
        mc__buf_printf(out, "{\"system\":\"icd10pcs\",\"year\":%d,\"prefix\":", mc_pcs_year(p));
        jcstr(out, prefix);
        if (titled)
            jfield(out, "title", title.long_title);
        axes_out(axes, n_axes, true, out);
        values_out(p, prefix, len, true, out);
        mc__buf_puts(out, "}");
        return;
    }
    if (titled)
        mc__buf_printf(out, "%s  %.*s\n", prefix, (int)title.long_title.n, title.long_title.p);
    else if (len)
        mc__buf_printf(out, "%s\n", prefix);
    mc__buf_printf(out, "ICD-10-PCS FY%d tables%s\n", mc_pcs_tables_year(p),
                   len ? ", characters so far:" : "");
    axes_out(axes, n_axes, false, out);
    values_out(p, prefix, len, false, out);
}

int cli_lookup_pcs(const mc_bundle *b, const char *text, bool json)
{
    const char *t = text ? text : "";
    size_t n = strlen(t);
    mc__trim(&t, &n);
    if (n < 3 || n > 7)
        return CLI_NO;
    for (size_t i = 0; i < n; i++) {
        char c = mc__upper(t[i]);
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return CLI_NO;
    }
    mc_pcs *p;
    mc_diag diag = { 0 };
    if (mc_pcs_open(b, &p, &diag))
        return CLI_NO; /* a bundle without PCS tables answers nothing */
    int rc = CLI_NO;
    mc__buf out;
    mc__buf_init(&out, 0);
    if (n == 7) {
        mc_pcs_check chk;
        mc_pcs_validate(p, t, n, &chk);
        /* a PCS code starts with a section character; anything else belongs to another system */
        if (!(chk.status == MC_PCS_BAD_CHAR && chk.position == 1) &&
            !(chk.status == MC_PCS_BAD_VALUE && chk.position == 1)) {
            cli_pcs_answer(p, &chk, json, &out);
            rc = cli_flush_buf(&out, json);
        }
    } else {
        mc_pcs_value v[34];
        uint32_t count;
        mc_str axis;
        char prefix[8];
        size_t len;
        if (mc_pcs_normalize(t, n, prefix, &len) == MC_OK &&
            mc_pcs_next_values(p, prefix, len, v, &count, &axis, NULL) == MC_OK) {
            cli_pcs_choices(p, prefix, json, &out);
            rc = cli_flush_buf(&out, json);
        }
    }
    mc__buf_free(&out);
    mc_pcs_close(p);
    return rc;
}

/* ================= HCPCS ================= */

static const char *action_meaning(char a)
{
    switch (a) {
    case 'A':
        return "added";
    case 'B':
        return "administrative data and long description changed";
    case 'C':
        return "long description changed";
    case 'D':
        return "discontinued";
    case 'F':
        return "administrative data changed";
    case 'N':
        return "no maintenance";
    case 'P':
        return "payment change";
    case 'R':
        return "re-activated";
    case 'S':
        return "short description changed";
    case 'T':
        return "miscellaneous change (BETOS, type of service)";
    }
    return "";
}

static const char *coverage_meaning(mc_str c)
{
    if (c.n != 1)
        return "";
    switch (c.p[0]) {
    case 'C':
        return "carrier judgement";
    case 'D':
        return "special coverage instructions apply";
    case 'I':
        return "not payable by Medicare";
    case 'M':
        return "non-covered by Medicare";
    case 'S':
        return "non-covered by Medicare statute";
    }
    return "";
}

static void date_str(uint32_t d, char out[11])
{
    if (!d)
        mc__strlcpy(out, "", 11);
    else
        snprintf(out, 11, "%04u-%02u-%02u", d / 10000 % 10000, d / 100 % 100, d % 100);
}

void cli_hcpcs_answer(const mc_hcpcs *h, const mc_hcpcs_code *c, uint32_t date, bool json,
                      mc__buf *out)
{
    char add[11], act[11], term[11], on[11];
    date_str(c->add_date, add);
    date_str(c->action_date, act);
    date_str(c->term_date, term);
    date_str(date, on);
    bool valid = mc_hcpcs_valid_on(c, date);
    if (json) {
        mc__buf_printf(out, "{\"system\":\"hcpcs\",\"source_year\":%d,\"code\":\"%s\","
                            "\"modifier\":%s",
                       mc_hcpcs_source_year(h), c->code, c->modifier ? "true" : "false");
        jfield(out, "title", c->long_desc);
        jfield(out, "short_title", c->short_desc);
        mc__buf_printf(out, ",\"add_date\":\"%s\",\"action_date\":\"%s\",\"term_date\":", add,
                       act);
        if (c->term_date)
            mc__buf_printf(out, "\"%s\"", term);
        else
            mc__buf_puts(out, "null");
        mc__buf_printf(out, ",\"action\":\"%s\",\"action_meaning\":\"%s\"",
                       c->action ? (char[2]){ c->action, 0 } : "", action_meaning(c->action));
        jfield(out, "coverage", c->coverage);
        mc__buf_printf(out, ",\"coverage_meaning\":\"%s\"", coverage_meaning(c->coverage));
        jfield(out, "betos", c->betos);
        if (date)
            mc__buf_printf(out, ",\"date\":\"%s\",\"valid_on_date\":%s", on,
                           valid ? "true" : "false");
        mc__buf_puts(out, ",\"fields\":{");
        bool first = true;
        for (int k = 0; k < MC_HCPCS_N_COLUMNS; k++) {
            mc_str v = mc_hcpcs_field(h, c->id, k);
            if (!v.n)
                continue;
            mc__buf_puts(out, first ? "" : ",");
            first = false;
            jcstr(out, mc_hcpcs_column_name(k));
            mc__buf_putc(out, ':');
            jstr(out, v);
        }
        mc__buf_puts(out, "}}");
        return;
    }
    mc__buf_printf(out, "%s  %.*s\n", c->code, (int)c->long_desc.n, c->long_desc.p);
    mc__buf_printf(out, "HCPCS Level II %s (file of FY%d)\n", c->modifier ? "modifier" : "code",
                   mc_hcpcs_source_year(h));
    mc__buf_printf(out, "  short description: %.*s\n", (int)c->short_desc.n, c->short_desc.p);
    mc__buf_printf(out, "  added %s; last action %c (%s) effective %s\n", add[0] ? add : "?",
                   c->action ? c->action : '-', action_meaning(c->action), act[0] ? act : "?");
    if (c->term_date)
        mc__buf_printf(out, "  terminated: last valid day %s\n", term);
    if (c->coverage.n)
        mc__buf_printf(out, "  coverage: %.*s (%s)\n", (int)c->coverage.n, c->coverage.p,
                       coverage_meaning(c->coverage));
    if (c->betos.n)
        mc__buf_printf(out, "  BETOS: %.*s\n", (int)c->betos.n, c->betos.p);
    if (date)
        mc__buf_printf(out, "  valid on %s: %s\n", on, valid ? "yes" : "no");
}

int cli_lookup_hcpcs(const mc_bundle *b, const char *text, bool json)
{
    mc_hcpcs *h;
    mc_diag diag = { 0 };
    if (!text || mc_hcpcs_open(b, &h, &diag))
        return CLI_NO;
    mc_hcpcs_code c;
    int rc = CLI_NO;
    if (mc_hcpcs_lookup(h, text, strlen(text), &c) == MC_OK) {
        mc__buf out;
        mc__buf_init(&out, 0);
        cli_hcpcs_answer(h, &c, 0, json, &out);
        rc = cli_flush_buf(&out, json);
        mc__buf_free(&out);
    }
    mc_hcpcs_close(h);
    return rc;
}
