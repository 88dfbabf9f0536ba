/*
 * Encounter JSON -> mc_drg_claim (jansson), and the what-if regroupings.
 * The parser never trusts the document: every field is type-checked and
 * an error names the field; code strings are copied into the claim buffer
 * (longer than 15 characters is an error, anything shorter is kept as
 * given and judged by the grouper and the MCE).
 */
#include "drg/drg_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int parse_date(json_t *v, const char *field, int *out, mc_diag *diag)
{
    if (!v || json_is_null(v))
        return MC_OK;
    const char *s = json_string_value(v);
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
        m > 12 || d < 1 || d > 31 || y < 1900 || y > 2999)
        return mc_diag_set(diag, MC_EINVAL, "%s: expected a date \"YYYY-MM-DD\"", field);
    *out = y * 10000 + m * 100 + d;
    return MC_OK;
}

static int parse_int(json_t *v, const char *field, long lo, long hi, int *out, mc_diag *diag)
{
    if (!v || json_is_null(v))
        return MC_OK;
    long x;
    if (json_is_integer(v)) {
        json_int_t j = json_integer_value(v);
        if (j < lo || j > hi)
            return mc_diag_set(diag, MC_EINVAL, "%s: %lld is outside %ld..%ld", field, (long long)j, lo, hi);
        x = (long)j;
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        x = strtol(s, &end, 10);
        if (!*s || *end || x < lo || x > hi)
            return mc_diag_set(diag, MC_EINVAL, "%s: \"%s\" is not a number in %ld..%ld", field, s, lo, hi);
    } else {
        return mc_diag_set(diag, MC_EINVAL, "%s: expected a number", field);
    }
    *out = (int)x;
    return MC_OK;
}

static int copy_code(const char *s, char dst[16], const char *field, int i, mc_diag *diag)
{
    if (!s)
        return mc_diag_set(diag, MC_EINVAL, "%s[%d]: expected a code string", field, i);
    size_t n = strlen(s);
    if (n == 0 || n > 15)
        return mc_diag_set(diag, MC_EINVAL, "%s[%d]: code \"%.20s\" has %zu characters", field, i, s, n);
    memcpy(dst, s, n + 1);
    return MC_OK;
}

int mc_drg_claim_parse(const char *json, size_t n, mc_drg_claim_buf *out, mc_diag *diag)
{
    memset(out, 0, sizeof *out);
    mc_drg_claim *c = &out->claim;
    c->age = -1;
    c->discharge_status = -1;
    c->sex = MC_SEX_UNKNOWN;
    json_error_t je;
    json_t *doc = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je), *root = doc;
    if (!doc)
        return mc_diag_set(diag, MC_EFORMAT, "encounter JSON, line %d: %s", je.line, je.text);
    int rc = MC_OK;
    if (!json_is_object(root)) {
        rc = mc_diag_set(diag, MC_EFORMAT, "encounter JSON must be an object");
        goto out;
    }
    json_t *enc = json_object_get(root, "encounter");
    if (json_is_object(enc))
        root = enc; /* borrowed from doc */
    if ((rc = parse_date(json_object_get(root, "discharge_date"), "discharge_date", &c->discharge_date, diag)))
        goto out;
    json_t *ad = json_object_get(root, "admit_date");
    if (!ad)
        ad = json_object_get(root, "admission_date");
    if ((rc = parse_date(ad, "admit_date", &c->admit_date, diag)) ||
        (rc = parse_int(json_object_get(root, "age"), "age", -1000, 1000, &c->age, diag)) ||
        (rc = parse_int(json_object_get(root, "discharge_status"), "discharge_status", -1, 999,
                        &c->discharge_status, diag)) ||
        (rc = parse_int(json_object_get(root, "version"), "version", 0, 999, &c->version, diag)))
        goto out;
    json_t *sx = json_object_get(root, "sex");
    if (sx && !json_is_null(sx)) {
        const char *s = json_string_value(sx);
        if (!s) {
            rc = mc_diag_set(diag, MC_EINVAL, "sex: expected \"M\", \"F\" or \"U\"");
            goto out;
        }
        if (!strcasecmp(s, "M") || !strcasecmp(s, "male") || !strcmp(s, "1"))
            c->sex = MC_SEX_MALE;
        else if (!strcasecmp(s, "F") || !strcasecmp(s, "female") || !strcmp(s, "2"))
            c->sex = MC_SEX_FEMALE;
        else if (!strcasecmp(s, "U") || !strcasecmp(s, "unknown") || !strcmp(s, "0") || !*s)
            c->sex = MC_SEX_UNKNOWN;
        else {
            rc = mc_diag_set(diag, MC_EINVAL, "sex: \"%.20s\" is not M, F or U", s);
            goto out;
        }
    }
    json_t *pe = json_object_get(root, "poa_exempt");
    if (pe && !json_is_boolean(pe)) {
        rc = mc_diag_set(diag, MC_EINVAL, "poa_exempt: expected true or false");
        goto out;
    }
    c->poa_exempt = json_is_true(pe);
    json_t *dxs = json_object_get(root, "diagnoses");
    if (!json_is_array(dxs) || json_array_size(dxs) == 0) {
        rc = mc_diag_set(diag, MC_EINVAL, "diagnoses: expected a non-empty array (the first, or the one with \"principal\": true, is the principal)");
        goto out;
    }
    if (json_array_size(dxs) > MC_DRG_MAX_DX) {
        rc = mc_diag_set(diag, MC_EINVAL, "diagnoses: more than %d", MC_DRG_MAX_DX);
        goto out;
    }
    size_t principal = 0, i;
    json_t *d;
    json_array_foreach(dxs, i, d)
    {
        if (json_is_object(d) && json_is_true(json_object_get(d, "principal")))
            principal = i;
    }
    int ns = 0;
    json_array_foreach(dxs, i, d)
    {
        const char *code = json_is_string(d) ? json_string_value(d)
                                             : json_string_value(json_object_get(d, "code"));
        char poa = 0;
        json_t *pv = json_is_object(d) ? json_object_get(d, "poa") : NULL;
        if (pv && !json_is_null(pv)) {
            const char *ps = json_string_value(pv);
            if (!ps || strlen(ps) > 1) {
                rc = mc_diag_set(diag, MC_EINVAL, "diagnoses[%zu].poa: expected one of Y N U W 1", i);
                goto out;
            }
            poa = ps[0] ? mc__upper(ps[0]) : ' ';
            out->any_poa = true;
        }
        if (i == principal) {
            if ((rc = copy_code(code, out->pdx, "diagnoses", (int)i, diag)))
                goto out;
        } else {
            if ((rc = copy_code(code, out->sdx_codes[ns], "diagnoses", (int)i, diag)))
                goto out;
            out->sdx_ptr[ns] = out->sdx_codes[ns];
            out->poa[ns] = poa;
            ns++;
        }
    }
    json_t *prs = json_object_get(root, "procedures");
    if (prs && !json_is_null(prs)) {
        if (!json_is_array(prs) || json_array_size(prs) > MC_DRG_MAX_PR) {
            rc = mc_diag_set(diag, MC_EINVAL, "procedures: expected an array of at most %d", MC_DRG_MAX_PR);
            goto out;
        }
        json_array_foreach(prs, i, d)
        {
            const char *code = json_is_string(d) ? json_string_value(d)
                                                 : json_string_value(json_object_get(d, "code"));
            if ((rc = copy_code(code, out->pr_codes[i], "procedures", (int)i, diag)))
                goto out;
            out->pr_ptr[i] = out->pr_codes[i];
        }
        c->n_proc = (int)json_array_size(prs);
    }
    c->pdx = out->pdx;
    c->sdx = out->sdx_ptr;
    c->sdx_poa = out->poa;
    c->n_sdx = ns;
    c->proc = out->pr_ptr;
out:
    json_decref(doc);
    return rc;
}
