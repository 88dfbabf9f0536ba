/*
 * The `medcode hcc` patient object: one JSON object per line, parsed with
 * jansson into a fixed-size mc_hcc_patient_buf (no allocation survives the
 * call). Every field is optional at this level; which ones a segment needs
 * is decided by the scorer, so a missing field becomes a per-patient error
 * there rather than a parse failure here. A field with a wrong type or an
 * unknown value is a parse error naming the field.
 */
#include "risk/risk_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int bad(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t cap, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return MC_EFORMAT;
}

static int get_bool(json_t *o, const char *k, bool *out, int *tri, char *err, size_t cap)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return MC_OK;
    if (!json_is_boolean(v))
        return bad(err, cap, "field '%s' must be true or false", k);
    if (out)
        *out = json_is_true(v);
    if (tri)
        *tri = json_is_true(v);
    return MC_OK;
}

static int get_int(json_t *o, const char *k, long lo, long hi, int *out, char *err, size_t cap)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return MC_OK;
    long x;
    if (json_is_integer(v))
        x = (long)json_integer_value(v);
    else if (json_is_real(v) && json_real_value(v) >= (double)lo && json_real_value(v) <= (double)hi)
        x = (long)json_real_value(v); /* ages are whole years: 72.9 is 72 */
    else if (json_is_string(v) && json_string_length(v) == 1 && json_string_value(v)[0] >= '0' &&
             json_string_value(v)[0] <= '9')
        x = json_string_value(v)[0] - '0';
    else
        return bad(err, cap, "field '%s' must be a number", k);
    if (x < lo || x > hi)
        return bad(err, cap, "field '%s' is out of range", k);
    *out = (int)x;
    return MC_OK;
}

static int get_str(json_t *o, const char *k, char *dst, size_t dcap, char *err, size_t cap)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return MC_OK;
    if (!json_is_string(v))
        return bad(err, cap, "field '%s' must be a string", k);
    if (json_string_length(v) >= dcap)
        return bad(err, cap, "field '%s' is too long", k);
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return MC_OK;
}

int mc_hcc_patient_parse(const char *json, size_t n, mc_hcc_patient_buf *out, char *err,
                         size_t cap)
{
    if (!json || !out)
        return MC_EINVAL;
    mc_hcc_patient *p = &out->p;
    memset(p, 0, sizeof *p);
    out->id[0] = out->segment[0] = out->model[0] = '\0';
    p->id = out->id;
    p->age = -1;
    p->orec = -1;
    p->medicaid = -1;
    p->dx = out->dx;
    if (err && cap)
        err[0] = '\0';
    json_error_t je;
    json_t *o = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        if (err && cap)
            snprintf(err, cap, "not valid JSON: %s (column %d)", je.text, je.column);
        return MC_EFORMAT;
    }
    int rc = MC_OK;
    json_t *v;
    char sex[16] = "", dual[16] = "";
    if (!json_is_object(o)) {
        rc = bad(err, cap, "a patient must be a JSON object");
        goto out;
    }
    v = json_object_get(o, "id");
    if (json_is_string(v))
        mc__strlcpy(out->id, json_string_value(v), sizeof out->id);
    else if (json_is_integer(v))
        snprintf(out->id, sizeof out->id, "%lld", (long long)json_integer_value(v));
    else if (v && !json_is_null(v)) {
        rc = bad(err, cap, "field '%s' must be a string or an integer", "id");
        goto out;
    }
    if ((rc = get_int(o, "age", 0, 130, &p->age, err, cap)) ||
        (rc = get_int(o, "orec", 0, 3, &p->orec, err, cap)) ||
        (rc = get_str(o, "sex", sex, sizeof sex, err, cap)) ||
        (rc = get_str(o, "dual", dual, sizeof dual, err, cap)) ||
        (rc = get_str(o, "segment", out->segment, sizeof out->segment, err, cap)) ||
        (rc = get_str(o, "model", out->model, sizeof out->model, err, cap)) ||
        (rc = get_bool(o, "medicaid", NULL, &p->medicaid, err, cap)) ||
        (rc = get_bool(o, "institutional", &p->institutional, NULL, err, cap)) ||
        (rc = get_bool(o, "new_enrollee", &p->new_enrollee, NULL, err, cap)) ||
        (rc = get_bool(o, "snp", &p->snp, NULL, err, cap)))
        goto out;
    if (sex[0]) {
        if (!strcasecmp(sex, "F") || !strcmp(sex, "2") || !strcasecmp(sex, "female"))
            p->sex = 'F';
        else if (!strcasecmp(sex, "M") || !strcmp(sex, "1") || !strcasecmp(sex, "male"))
            p->sex = 'M';
        else {
            rc = bad(err, cap, "field '%s' must be F or M", "sex");
            goto out;
        }
    }
    if (dual[0]) {
        if (!strcasecmp(dual, "non"))
            p->dual = MC_DUAL_NON;
        else if (!strcasecmp(dual, "partial"))
            p->dual = MC_DUAL_PARTIAL;
        else if (!strcasecmp(dual, "full"))
            p->dual = MC_DUAL_FULL;
        else {
            rc = bad(err, cap, "field '%s' must be non, partial or full", "dual");
            goto out;
        }
    }
    v = json_object_get(o, "diagnoses");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v)) {
            rc = bad(err, cap, "field '%s' must be an array of codes", "diagnoses");
            goto out;
        }
        if (json_array_size(v) > MC_HCC_MAX_DX) {
            rc = bad(err, cap, "more than 1000 %s", "diagnoses");
            goto out;
        }
        size_t i;
        json_t *d;
        json_array_foreach(v, i, d)
        {
            json_t *s = json_is_object(d) ? json_object_get(d, "code") : d;
            if (!json_is_string(s)) {
                rc = bad(err, cap, "every entry of '%s' must be a code string", "diagnoses");
                goto out;
            }
            if (json_string_length(s) >= sizeof out->dx_text[0] ||
                strlen(json_string_value(s)) != json_string_length(s)) {
                rc = bad(err, cap, "a diagnosis in '%s' is too long or not a code", "diagnoses");
                goto out;
            }
            memcpy(out->dx_text[i], json_string_value(s), json_string_length(s) + 1);
            out->dx[i] = out->dx_text[i];
            p->n_dx = (uint32_t)i + 1;
        }
    }
out:
    json_decref(o);
    return rc;
}

int mc_cmb_record_parse(const char *json, size_t n, mc_cmb_record_buf *out, char *err, size_t cap)
{
    if (!json || !out)
        return MC_EINVAL;
    out->id[0] = '\0';
    out->poa = -1;
    out->n_dx = 0;
    if (err && cap)
        err[0] = '\0';
    json_error_t je;
    json_t *o = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return bad(err, cap, "not valid JSON: %s (column %d)", je.text, je.column);
    int rc = MC_OK;
    json_t *v = json_object_get(o, "id");
    if (!json_is_object(o)) {
        rc = bad(err, cap, "a record must be a JSON object");
        goto out;
    }
    if (json_is_string(v))
        mc__strlcpy(out->id, json_string_value(v), sizeof out->id);
    else if (json_is_integer(v))
        snprintf(out->id, sizeof out->id, "%lld", (long long)json_integer_value(v));
    else if (v && !json_is_null(v)) {
        rc = bad(err, cap, "field 'id' must be a string or an integer");
        goto out;
    }
    if ((rc = get_bool(o, "poa", NULL, &out->poa, err, cap)))
        goto out;
    v = json_object_get(o, "diagnoses");
    if (!v || json_is_null(v))
        goto out;
    if (!json_is_array(v)) {
        rc = bad(err, cap, "field 'diagnoses' must be an array");
        goto out;
    }
    if (json_array_size(v) > MC_CMB_MAX_DX) {
        rc = bad(err, cap, "more than %d diagnoses", MC_CMB_MAX_DX);
        goto out;
    }
    size_t i;
    json_t *d;
    json_array_foreach(v, i, d)
    {
        json_t *s = d, *poa = NULL;
        if (json_is_object(d)) {
            s = json_object_get(d, "code");
            poa = json_object_get(d, "poa");
        }
        if (!json_is_string(s) || json_string_length(s) >= sizeof out->dx_text[0] ||
            strlen(json_string_value(s)) != json_string_length(s)) {
            rc = bad(err, cap, "diagnosis %zu must be a code string (or {\"code\":...})", i + 1);
            goto out;
        }
        char pc = 0;
        if (poa && !json_is_null(poa)) {
            const char *ps = json_is_string(poa) ? json_string_value(poa) : "";
            pc = mc__upper(ps[0]);
            if (json_string_length(poa) != 1 || !strchr("YNUW1E", pc)) {
                rc = bad(err, cap, "diagnosis %zu: poa must be one of Y, N, U, W, 1, E", i + 1);
                goto out;
            }
        }
        memcpy(out->dx_text[i], json_string_value(s), json_string_length(s) + 1);
        out->dx[i].code = out->dx_text[i];
        out->dx[i].poa = pc;
        out->n_dx = (uint32_t)i + 1;
    }
out:
    json_decref(o);
    return rc;
}
