/*
 * Encounter JSON parser (jansson) into the plain mc_encounter struct.
 *
 * Invariants: on success every field satisfies the ranges documented in
 * encounter.h (real dates, discharge >= admit, ages 0..124, 1..1000
 * diagnoses, code texts of [A-Z0-9] after dropping dots); on failure nothing
 * is returned and diag names the field. Input sizes are checked before any
 * allocation proportional to them, so 10,000 diagnoses cost one error.
 */
#include "medcode/encounter.h"

#include "base/base_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ---- */

int mc_date_parse(const char *s, size_t n, mc_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return MC_EFORMAT;
    int v[3] = { 0, 0, 0 };
    static const int at[3] = { 0, 5, 8 }, len[3] = { 4, 2, 2 };
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < len[f]; i++) {
            char c = s[at[f] + i];
            if (c < '0' || c > '9')
                return MC_EFORMAT;
            v[f] = v[f] * 10 + (c - '0');
        }
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y = v[0], m = v[1], d = v[2];
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return MC_ERANGE;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return MC_ERANGE;
    *out = (mc_date)(y * 10000 + m * 100 + d);
    return MC_OK;
}

void mc_date_format(mc_date d, char out[11])
{
    if (d <= 0) {
        out[0] = 0;
        return;
    }
    snprintf(out, 11, "%04d-%02d-%02d", (int)(d / 10000) % 10000, (int)(d / 100) % 100,
             (int)d % 100);
}

int mc_date_fiscal_year(mc_date d)
{
    if (d <= 0)
        return 0;
    int y = (int)(d / 10000), m = (int)(d / 100) % 100;
    return m >= 10 ? y + 1 : y;
}

mc_date mc_encounter_code_date(const mc_encounter *enc)
{
    if (enc->setting == MC_SETTING_INPATIENT && enc->discharge_date)
        return enc->discharge_date;
    if (enc->date_of_service)
        return enc->date_of_service;
    if (enc->discharge_date)
        return enc->discharge_date;
    return enc->admit_date;
}

const char *mc_setting_name(mc_setting s)
{
    switch (s) {
    case MC_SETTING_INPATIENT:
        return "inpatient";
    case MC_SETTING_OUTPATIENT:
        return "outpatient";
    }
    return "unknown";
}

/* ---- parsing helpers: each returns MC_OK or sets diag and returns MC_EFORMAT ---- */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

static int want_string(const json_t *v, const char *field, mc_diag *diag)
{
    if (!json_is_string(v))
        return mc_diag_set(diag, MC_EFORMAT, "%s: expected a string, got %s", field,
                           type_name(v));
    return MC_OK;
}

static int get_date(const json_t *v, const char *field, mc_date *out, mc_diag *diag)
{
    int rc = want_string(v, field, diag);
    if (rc)
        return rc;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    rc = mc_date_parse(s, n, out);
    if (rc == MC_EFORMAT)
        return mc_diag_set(diag, MC_EFORMAT, "%s: '%.40s' is not a date (expected YYYY-MM-DD)",
                           field, s);
    if (rc)
        return mc_diag_set(diag, MC_EFORMAT,
                           "%s: '%.40s' is not a real calendar date between 1900 and 2200",
                           field, s);
    return MC_OK;
}

/* Copy a code: trim, reject empty/oversized/odd characters, normalise. */
static int get_code(const json_t *v, const char *field, char given[MC_ENC_CODE_CAP],
                    char code[MC_ENC_CODE_CAP], mc_diag *diag)
{
    int rc = want_string(v, field, diag);
    if (rc)
        return rc;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    mc__trim(&s, &n);
    if (n == 0)
        return mc_diag_set(diag, MC_EFORMAT, "%s: empty code", field);
    if (n >= MC_ENC_CODE_CAP)
        return mc_diag_set(diag, MC_EFORMAT, "%s: '%.24s...' is longer than %d characters",
                           field, s, MC_ENC_CODE_CAP - 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.')
            continue;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return mc_diag_set(diag, MC_EFORMAT,
                               "%s: '%.*s' has a character other than letters, digits and '.'",
                               field, (int)n, s);
        code[k++] = mc__upper(c);
    }
    if (k == 0)
        return mc_diag_set(diag, MC_EFORMAT, "%s: '%.*s' is not a code", field, (int)n, s);
    code[k] = 0;
    memcpy(given, s, n);
    given[n] = 0;
    return MC_OK;
}

static int get_int(const json_t *v, const char *field, long lo, long hi, long *out,
                   mc_diag *diag)
{
    if (!json_is_integer(v))
        return mc_diag_set(diag, MC_EFORMAT, "%s: expected an integer, got %s", field,
                           type_name(v));
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return mc_diag_set(diag, MC_EFORMAT, "%s: %lld is impossible (expected %ld to %ld)",
                           field, (long long)x, lo, hi);
    *out = (long)x;
    return MC_OK;
}

/* Reject keys outside the allowed list so that a misspelt field is not silently ignored. */
static int check_keys(const json_t *obj, const char *where, const char *const *allowed,
                      mc_diag *diag)
{
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        (void)val;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(key, *a) == 0;
        if (!ok) {
            size_t len = 0;
            for (const char *const *a = allowed; *a; a++)
                len++;
            char list[256];
            size_t at = 0;
            for (size_t i = 0; i < len && at < sizeof list; i++)
                at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? ", " : "",
                                       allowed[i]);
            return mc_diag_set(diag, MC_EFORMAT, "%s%sunknown field '%.60s' (expected %s)",
                               where, *where ? ": " : "", key, list);
        }
    }
    return MC_OK;
}

/* ---- the parts of an encounter ---- */

static int parse_patient(const json_t *p, mc_encounter *e, mc_diag *diag)
{
    static const char *const keys[] = { "age", "age_days", "sex", NULL };
    if (!json_is_object(p))
        return mc_diag_set(diag, MC_EFORMAT, "patient: expected an object, got %s",
                           type_name(p));
    int rc = check_keys(p, "patient", keys, diag);
    if (rc)
        return rc;
    const json_t *age = json_object_get(p, "age"), *days = json_object_get(p, "age_days");
    const json_t *sex = json_object_get(p, "sex");
    if ((!age || json_is_null(age)) && (!days || json_is_null(days)))
        return mc_diag_set(diag, MC_EFORMAT,
                           "patient.age: missing (give age in years, or age_days for an "
                           "infant under one year)");
    long v;
    e->age_days = -1;
    if (days && !json_is_null(days)) {
        if ((rc = get_int(days, "patient.age_days", 0, 364, &v, diag)))
            return rc;
        e->age_days = (int)v;
        e->age_years = 0;
    }
    if (age && !json_is_null(age)) {
        if ((rc = get_int(age, "patient.age", 0, MC_ENC_MAX_AGE, &v, diag)))
            return rc;
        if (e->age_days >= 0 && v != 0)
            return mc_diag_set(diag, MC_EFORMAT,
                               "patient.age: %ld years contradicts age_days %d (under one year)",
                               v, e->age_days);
        e->age_years = (int)v;
    }
    e->sex = 'U';
    if (sex && !json_is_null(sex)) {
        if ((rc = want_string(sex, "patient.sex", diag)))
            return rc;
        const char *s = json_string_value(sex);
        size_t n = json_string_length(sex);
        char c = n == 1 ? mc__upper(s[0]) : 0;
        if (n == 0)
            c = 'U';
        else if (n > 1) {
            if (!strcasecmp(s, "male"))
                c = 'M';
            else if (!strcasecmp(s, "female"))
                c = 'F';
            else if (!strcasecmp(s, "unknown"))
                c = 'U';
        }
        if (c != 'M' && c != 'F' && c != 'U')
            return mc_diag_set(diag, MC_EFORMAT,
                               "patient.sex: '%.20s' is not one of M, F or U (unknown)", s);
        e->sex = c;
    }
    return MC_OK;
}

static int parse_poa(const json_t *v, const char *field, mc_enc_diagnosis *d, mc_diag *diag)
{
    d->poa_given = true;
    d->poa = 0;
    if (json_is_null(v))
        return MC_OK;
    if (json_is_integer(v) && json_integer_value(v) == 1) {
        d->poa = '1';
        return MC_OK;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        mc__trim(&s, &n);
        if (n == 0)
            return MC_OK;
        char c = n == 1 ? mc__upper(s[0]) : 0;
        if (c == 'Y' || c == 'N' || c == 'U' || c == 'W' || c == '1') {
            d->poa = c;
            return MC_OK;
        }
    }
    return mc_diag_set(diag, MC_EFORMAT, "%s: expected one of Y, N, U, W, 1 or empty", field);
}

static int parse_diagnoses(const json_t *a, mc_encounter *e, mc_diag *diag)
{
    static const char *const keys[] = { "code", "poa", NULL };
    if (!json_is_array(a))
        return mc_diag_set(diag, MC_EFORMAT, "diagnoses: expected an array, got %s",
                           type_name(a));
    size_t n = json_array_size(a);
    if (n == 0)
        return mc_diag_set(diag, MC_EFORMAT,
                           "diagnoses: empty (at least the principal or first-listed diagnosis "
                           "is required)");
    if (n > MC_ENC_MAX_DIAGNOSES)
        return mc_diag_set(diag, MC_ELIMIT, "diagnoses: %zu entries, at most %d are accepted",
                           n, MC_ENC_MAX_DIAGNOSES);
    e->diagnoses = calloc(n, sizeof *e->diagnoses);
    if (!e->diagnoses)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(a, i);
        mc_enc_diagnosis *d = &e->diagnoses[i];
        char field[48];
        int rc;
        if (json_is_string(x)) { /* shorthand: "E11.22" = {"code": "E11.22"} */
            snprintf(field, sizeof field, "diagnoses[%zu]", i);
            if ((rc = get_code(x, field, d->given, d->code, diag)))
                return rc;
            e->n_diagnoses = (uint32_t)(i + 1);
            continue;
        }
        if (!json_is_object(x))
            return mc_diag_set(diag, MC_EFORMAT,
                               "diagnoses[%zu]: expected an object {\"code\": ..., \"poa\": ...}, "
                               "got %s",
                               i, type_name(x));
        snprintf(field, sizeof field, "diagnoses[%zu]", i);
        if ((rc = check_keys(x, field, keys, diag)))
            return rc;
        const json_t *code = json_object_get(x, "code"), *poa = json_object_get(x, "poa");
        snprintf(field, sizeof field, "diagnoses[%zu].code", i);
        if (!code)
            return mc_diag_set(diag, MC_EFORMAT, "%s: missing", field);
        if ((rc = get_code(code, field, d->given, d->code, diag)))
            return rc;
        if (poa) {
            snprintf(field, sizeof field, "diagnoses[%zu].poa", i);
            if ((rc = parse_poa(poa, field, d, diag)))
                return rc;
        }
        e->n_diagnoses = (uint32_t)(i + 1);
    }
    return MC_OK;
}

static int parse_procedures(const json_t *a, mc_encounter *e, mc_diag *diag)
{
    static const char *const keys[] = { "code", "date", NULL };
    if (!json_is_array(a))
        return mc_diag_set(diag, MC_EFORMAT, "procedures: expected an array, got %s",
                           type_name(a));
    size_t n = json_array_size(a);
    if (n > MC_ENC_MAX_PROCEDURES)
        return mc_diag_set(diag, MC_ELIMIT, "procedures: %zu entries, at most %d are accepted",
                           n, MC_ENC_MAX_PROCEDURES);
    if (n == 0)
        return MC_OK;
    e->procedures = calloc(n, sizeof *e->procedures);
    if (!e->procedures)
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(a, i);
        mc_enc_procedure *p = &e->procedures[i];
        char field[48];
        int rc;
        snprintf(field, sizeof field, "procedures[%zu]", i);
        if (json_is_string(x)) {
            if ((rc = get_code(x, field, p->given, p->code, diag)))
                return rc;
            e->n_procedures = (uint32_t)(i + 1);
            continue;
        }
        if (!json_is_object(x))
            return mc_diag_set(diag, MC_EFORMAT,
                               "%s: expected an object {\"code\": ..., \"date\": ...}, got %s",
                               field, type_name(x));
        if ((rc = check_keys(x, field, keys, diag)))
            return rc;
        const json_t *code = json_object_get(x, "code"), *date = json_object_get(x, "date");
        snprintf(field, sizeof field, "procedures[%zu].code", i);
        if (!code)
            return mc_diag_set(diag, MC_EFORMAT, "%s: missing", field);
        if ((rc = get_code(code, field, p->given, p->code, diag)))
            return rc;
        if (date && !json_is_null(date)) {
            snprintf(field, sizeof field, "procedures[%zu].date", i);
            if ((rc = get_date(date, field, &p->date, diag)))
                return rc;
        }
        e->n_procedures = (uint32_t)(i + 1);
    }
    return MC_OK;
}

static int parse_discharge_status(const json_t *v, mc_encounter *e, mc_diag *diag)
{
    long x = -1;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        x = (i >= 1 && i <= 99) ? (long)i : -1;
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if ((n == 2 || n == 1) && s[0] >= '0' && s[0] <= '9' &&
            (n == 1 || (s[1] >= '0' && s[1] <= '9')))
            x = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
        if (x == 0)
            x = -1;
    } else {
        return mc_diag_set(diag, MC_EFORMAT, "discharge_status: expected a string, got %s",
                           type_name(v));
    }
    if (x < 1)
        return mc_diag_set(diag, MC_EFORMAT,
                           "discharge_status: expected a two-digit UB-04 patient discharge "
                           "status code such as \"01\"");
    e->discharge_status = (int)x;
    return MC_OK;
}

static int parse_top(const json_t *root, mc_encounter *e, mc_diag *diag)
{
    static const char *const keys[] = { "id",         "setting",         "date_of_service",
                                        "admit_date", "discharge_date",  "discharge_status",
                                        "patient",    "admit_diagnosis", "diagnoses",
                                        "procedures", NULL };
    if (!json_is_object(root))
        return mc_diag_set(diag, MC_EFORMAT, "encounter: expected a JSON object, got %s",
                           type_name(root));
    int rc = check_keys(root, "", keys, diag);
    if (rc)
        return rc;

    const json_t *v = json_object_get(root, "id");
    if (v && json_is_string(v)) {
        if (json_string_length(v) >= MC_ENC_ID_CAP)
            return mc_diag_set(diag, MC_EFORMAT, "id: longer than %d characters",
                               MC_ENC_ID_CAP - 1);
        mc__strlcpy(e->id, json_string_value(v), sizeof e->id);
    } else if (v && json_is_integer(v)) {
        snprintf(e->id, sizeof e->id, "%lld", (long long)json_integer_value(v));
    } else if (v && !json_is_null(v)) {
        return mc_diag_set(diag, MC_EFORMAT, "id: expected a string or an integer, got %s",
                           type_name(v));
    }

    v = json_object_get(root, "setting");
    if (!v)
        return mc_diag_set(diag, MC_EFORMAT, "setting: missing (\"inpatient\" or \"outpatient\")");
    if ((rc = want_string(v, "setting", diag)))
        return rc;
    const char *s = json_string_value(v);
    if (!strcasecmp(s, "inpatient"))
        e->setting = MC_SETTING_INPATIENT;
    else if (!strcasecmp(s, "outpatient"))
        e->setting = MC_SETTING_OUTPATIENT;
    else
        return mc_diag_set(diag, MC_EFORMAT,
                           "setting: '%.40s' is not \"inpatient\" or \"outpatient\"", s);

    static const struct {
        const char *key;
        size_t off;
    } dates[] = { { "date_of_service", offsetof(mc_encounter, date_of_service) },
                  { "admit_date", offsetof(mc_encounter, admit_date) },
                  { "discharge_date", offsetof(mc_encounter, discharge_date) } };
    for (size_t i = 0; i < 3; i++) {
        v = json_object_get(root, dates[i].key);
        if (v && !json_is_null(v) &&
            (rc = get_date(v, dates[i].key, (mc_date *)((char *)e + dates[i].off), diag)))
            return rc;
    }
    if (!e->date_of_service && !e->discharge_date && !e->admit_date)
        return mc_diag_set(diag, MC_EFORMAT,
                           "date_of_service: missing (give date_of_service, or admit_date and "
                           "discharge_date)");
    if (e->admit_date && e->discharge_date && e->discharge_date < e->admit_date)
        return mc_diag_set(diag, MC_EFORMAT, "discharge_date: before admit_date");
    if (e->setting == MC_SETTING_INPATIENT && !e->discharge_date && !e->date_of_service)
        return mc_diag_set(diag, MC_EFORMAT,
                           "discharge_date: missing (an inpatient stay is coded with the code "
                           "set of its discharge date)");

    v = json_object_get(root, "discharge_status");
    if (v && !json_is_null(v) && (rc = parse_discharge_status(v, e, diag)))
        return rc;

    v = json_object_get(root, "patient");
    if (!v)
        return mc_diag_set(diag, MC_EFORMAT, "patient: missing (needs at least \"age\")");
    if ((rc = parse_patient(v, e, diag)))
        return rc;

    v = json_object_get(root, "admit_diagnosis");
    if (v && !json_is_null(v)) {
        char given[MC_ENC_CODE_CAP];
        if ((rc = get_code(v, "admit_diagnosis", given, e->admit_diagnosis, diag)))
            return rc;
    }

    v = json_object_get(root, "diagnoses");
    if (!v)
        return mc_diag_set(diag, MC_EFORMAT, "diagnoses: missing");
    if ((rc = parse_diagnoses(v, e, diag)))
        return rc;
    v = json_object_get(root, "procedures");
    if (v && !json_is_null(v) && (rc = parse_procedures(v, e, diag)))
        return rc;
    for (uint32_t i = 0; i < e->n_procedures; i++) {
        mc_date d = e->procedures[i].date;
        if (d && e->admit_date && e->discharge_date &&
            (d < e->admit_date || d > e->discharge_date)) {
            char a[11], b[11], c[11];
            mc_date_format(d, a);
            mc_date_format(e->admit_date, b);
            mc_date_format(e->discharge_date, c);
            return mc_diag_set(diag, MC_EFORMAT,
                               "procedures[%u].date: %s is outside the stay %s to %s", i, a, b,
                               c);
        }
    }
    return MC_OK;
}

void mc_encounter_free(mc_encounter *enc)
{
    if (!enc)
        return;
    free(enc->diagnoses);
    free(enc->procedures);
    free(enc);
}

int mc_encounter_parse(const char *json, size_t n, mc_encounter **out, mc_diag *diag)
{
    *out = NULL;
    if (!json)
        return mc_diag_set(diag, MC_EINVAL, "no input");
    if (n > MC_ENC_MAX_JSON)
        return mc_diag_set(diag, MC_ELIMIT, "encounter: %zu bytes, at most %d are accepted", n,
                           MC_ENC_MAX_JSON);
    json_error_t jerr;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        int rc = mc_diag_set(diag, MC_EFORMAT, "line %d, column %d: %s", jerr.line, jerr.column,
                             jerr.text);
        if (diag) {
            diag->line = jerr.line;
            diag->column = jerr.column;
        }
        return rc;
    }
    mc_encounter *e = calloc(1, sizeof *e);
    if (!e) {
        json_decref(root);
        return mc_diag_set(diag, MC_ENOMEM, "out of memory");
    }
    e->age_days = -1;
    e->sex = 'U';
    int rc = parse_top(root, e, diag);
    json_decref(root);
    if (rc) {
        mc_encounter_free(e);
        return rc;
    }
    *out = e;
    return MC_OK;
}
