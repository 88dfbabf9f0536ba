/*
 * JSON rendering of an edit report, written directly into a bounded buffer
 * (no DOM): this runs once per encounter in batch checks, so it avoids
 * jansson's per-value allocations.
 */
#include "edits/check_int.h"

#include "base/base_int.h"

#include <stdlib.h>
#include <string.h>

int mc_edit_report_json(const mc_edit_report *rep, const mc_encounter *enc, char **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    mc__buf b;
    mc__buf_init(&b, (size_t)64 << 20);
    mc__buf_putc(&b, '{');
    if (enc && enc->id[0]) {
        mc__buf_puts(&b, "\"id\":");
        mc__buf_json_str(&b, enc->id, strlen(enc->id));
        mc__buf_putc(&b, ',');
    }
    mc__buf_printf(&b, "\"valid\":%s,\"fiscal_year\":%d,\"errors\":%u,\"warnings\":%u,\"edits\":[",
                   rep->valid ? "true" : "false", rep->fiscal_year, rep->n_errors,
                   rep->n_warnings);
    for (uint32_t i = 0; i < rep->n; i++) {
        const mc_edit *e = &rep->items[i];
        mc__buf_puts(&b, i ? ",{\"edit\":\"" : "{\"edit\":\"");
        mc__buf_puts(&b, e->id);
        mc__buf_puts(&b, "\",\"severity\":\"");
        mc__buf_puts(&b, mc_edit_severity_name(e->severity));
        mc__buf_puts(&b, "\",\"codes\":[");
        for (uint32_t k = 0; k < e->n_codes; k++) {
            if (k)
                mc__buf_putc(&b, ',');
            mc__buf_json_str(&b, e->codes[k], strlen(e->codes[k]));
        }
        mc__buf_puts(&b, "],\"message\":");
        mc__buf_json_str(&b, e->message, strlen(e->message));
        mc__buf_puts(&b, ",\"source\":");
        mc__buf_json_str(&b, e->source, strlen(e->source));
        mc__buf_putc(&b, '}');
    }
    mc__buf_printf(&b, "]%s}", rep->truncated ? ",\"truncated\":true" : "");
    if (b.err) {
        int rc = b.err;
        mc__buf_free(&b);
        return rc;
    }
    *out = b.p;
    *n = b.n;
    return MC_OK;
}
