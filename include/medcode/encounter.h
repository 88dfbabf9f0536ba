/*
 * medcode encounters: one hospital or office encounter as submitted for
 * verification (medcode check) or grouping, parsed from JSON.
 *
 *   {"id": "A123",                                   optional, echoed back
 *    "setting": "inpatient" | "outpatient",
 *    "date_of_service": "2026-01-15",                 or admit_date + discharge_date
 *    "admit_date": "2026-01-14", "discharge_date": "2026-01-18",
 *    "discharge_status": "01",                        UB-04 patient discharge status
 *    "patient": {"age": 67, "age_days": 3, "sex": "F"},
 *    "admit_diagnosis": "R07.9",                      optional
 *    "diagnoses":  [{"code": "E11.22", "poa": "Y"}, ...],   first = principal / first-listed
 *    "procedures": [{"code": "0DTJ4ZZ", "date": "2026-01-16"}, ...]}
 *
 * The parser checks shape and plausibility only (types, required fields,
 * real calendar dates, possible ages, size limits). Whether a code exists or
 * fits the patient is the business of the edits module. Every error names the
 * field ("diagnoses[3].poa: expected one of Y, N, U, W, 1 or empty") and, for
 * JSON syntax errors, the line and column (also in mc_diag.line/column).
 *
 * Ownership: mc_encounter_parse returns an encounter owned by the caller,
 * released with mc_encounter_free. The struct is plain data: read it freely,
 * do not resize its arrays.
 */
#ifndef MEDCODE_ENCOUNTER_H
#define MEDCODE_ENCOUNTER_H

#include "medcode/base.h"

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MC_ENC_MAX_DIAGNOSES = 1000, /* more is bad input (MC_ELIMIT), never a crash */
    MC_ENC_MAX_PROCEDURES = 1000,
    MC_ENC_CODE_CAP = 16, /* code text as given: at most 15 bytes + NUL */
    MC_ENC_ID_CAP = 64, /* encounter id: at most 63 bytes + NUL */
    MC_ENC_MAX_JSON = 4 << 20, /* largest encounter document accepted (bytes) */
    MC_ENC_MAX_AGE = 124, /* oldest age in years (the MCE age range is 0..124) */
};

typedef enum mc_setting {
    MC_SETTING_INPATIENT = 1,
    MC_SETTING_OUTPATIENT = 2,
} mc_setting;

/* A calendar date as the integer YYYYMMDD (20260115); 0 = not given. */
typedef int32_t mc_date;

typedef struct mc_enc_diagnosis {
    char given[MC_ENC_CODE_CAP]; /* the code as written, trimmed ("e11.22") */
    char code[MC_ENC_CODE_CAP]; /* normalised: upper case, dot removed ("E1122") */
    char poa; /* 'Y','N','U','W','1'; 0 when empty, null or absent */
    bool poa_given; /* the "poa" key was present (even as "" or null) */
} mc_enc_diagnosis;

typedef struct mc_enc_procedure {
    char given[MC_ENC_CODE_CAP]; /* as written, trimmed */
    char code[MC_ENC_CODE_CAP]; /* upper case, dots removed */
    mc_date date; /* 0 when not given */
} mc_enc_procedure;

typedef struct mc_encounter {
    char id[MC_ENC_ID_CAP]; /* "" when not given; a number id is kept as its text */
    mc_setting setting;
    mc_date date_of_service; /* 0 when not given */
    mc_date admit_date; /* 0 when not given */
    mc_date discharge_date; /* 0 when not given; >= admit_date when both are given */
    int discharge_status; /* UB-04 patient discharge status 1..99; 0 when not given */
    int age_years; /* 0..124; derived from age_days when only that is given */
    int age_days; /* 0..364 when given (then age_years is 0), -1 when not given */
    char sex; /* 'M', 'F' or 'U' (unknown / not given) */
    char admit_diagnosis[MC_ENC_CODE_CAP]; /* normalised like diagnosis codes, "" when absent */
    uint32_t n_diagnoses; /* 1..MC_ENC_MAX_DIAGNOSES */
    mc_enc_diagnosis *diagnoses; /* [0] is the principal / first-listed diagnosis */
    uint32_t n_procedures; /* 0..MC_ENC_MAX_PROCEDURES */
    mc_enc_procedure *procedures;
} mc_encounter;

/*
 * Parse one encounter JSON document (json need not be NUL-terminated).
 * MC_EFORMAT for malformed JSON, a wrong type, a missing or unknown field or
 * an impossible value; MC_ELIMIT for too many diagnoses/procedures or an
 * oversized document; MC_ENOMEM. diag (optional) names the field.
 */
MC_API int mc_encounter_parse(const char *json, size_t n, mc_encounter **out, mc_diag *diag);
MC_API void mc_encounter_free(mc_encounter *enc);

/*
 * The date that selects the code set: the discharge date for an inpatient
 * stay that has one, else the date of service, else the admit date.
 */
MC_API mc_date mc_encounter_code_date(const mc_encounter *enc);
/* Fiscal year of a date (1 October starts the next year); 0 for date 0. */
MC_API int mc_date_fiscal_year(mc_date d);
/* Write d as "YYYY-MM-DD" into out[11] ("" for 0). */
MC_API void mc_date_format(mc_date d, char out[11]);
/* Parse "YYYY-MM-DD" (a real calendar date, years 1900..2200). MC_EFORMAT / MC_ERANGE. */
MC_API int mc_date_parse(const char *s, size_t n, mc_date *out);

/* Name of a setting: "inpatient", "outpatient". */
MC_API const char *mc_setting_name(mc_setting s);

/*
 * JSON Lines batch reader: one encounter per line, blank lines skipped. A bad
 * line yields its error and the next call continues with the following line,
 * so a batch never stops on one bad encounter.
 */
typedef struct mc_encounter_reader mc_encounter_reader;

/* f is borrowed and must stay open while the reader is used. */
MC_API int mc_encounter_reader_new(FILE *f, mc_encounter_reader **out);
MC_API void mc_encounter_reader_free(mc_encounter_reader *r);
/*
 * Next encounter: MC_OK with *out (owned by the caller), MC_ENOTFOUND at the
 * end of input, MC_EIO on a read error (stop), or the parse error of this
 * line (diag->line is the 1-based line of the file; continue calling).
 * *line (optional) gets the line number of the encounter either way.
 */
MC_API int mc_encounter_reader_next(mc_encounter_reader *r, mc_encounter **out, long *line,
                                    mc_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
