/*
 * Medicare Code Editor v43.1 diagnosis and procedure edits, present-on-
 * admission (POA) reporting rules and procedure code validity.
 *
 * Every flag comes from the MCE masters shared with the MS-DRG grouper
 * (src/drg/mce_int.h: DRGMDX/DRGMSG rows carry their own validity dates, read
 * for the code date); age groups and discharge statuses come from DRGMAGE and
 * DRGMDS through the same look-ups `medcode group` uses. The MCE edits are inpatient claim edits; age and sex conflicts and
 * external cause codes as principal are coding errors in any setting
 * (Guidelines I.C.20: external cause codes are never principal), so they run
 * for outpatient encounters too.
 */
#include "edits/check_int.h"

#include "base/base_int.h"

#include <string.h>

static const char MCE_SRC[] = "Medicare Code Editor v43.1";

static void age_edits(chk *c, uint32_t i)
{
    static const struct {
        uint32_t flag, group;
        const char *id, *what;
    } groups[] = {
        { EDT_F(NEWBORN), EDT_AGE_NEWBORN, "MCE_AGE_NEWBORN", "a newborn (perinatal) diagnosis" },
        { EDT_F(PEDIATRIC), EDT_AGE_PEDIATRIC, "MCE_AGE_PEDIATRIC", "a pediatric diagnosis" },
        { EDT_F(MATERNITY), EDT_AGE_MATERNITY, "MCE_AGE_MATERNITY", "a maternity diagnosis" },
        { EDT_F(ADULT), EDT_AGE_ADULT, "MCE_AGE_ADULT", "an adult diagnosis" },
    };
    uint32_t age = (uint32_t)c->enc->age_years;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int lo, hi;
        if (!(c->dx[i].mce & groups[g].flag) ||
            !mc__mce_age_range(&c->ed->mce.age, (int)groups[g].group, c->date, &lo, &hi) ||
            (age >= (uint32_t)lo && age <= (uint32_t)hi))
            continue;
        mc_edit *e = mc__chk_add(c, groups[g].id, MC_EDIT_ERROR, "%s, age conflict", MCE_SRC);
        mc__chk_code(e, c->dx[i].dotted);
        mc__chk_msg(e, "%s is %s, for ages %d to %d; the patient is %u", c->dx[i].dotted,
                    groups[g].what, lo, hi, age);
    }
}

void mc__chk_mce(chk *c)
{
    const mc_encounter *enc = c->enc;
    if (!c->ed->have_mce)
        return;
    for (uint32_t i = 0; i < enc->n_diagnoses; i++) {
        const dxinfo *x = &c->dx[i];
        if (!x->valid)
            continue;
        age_edits(c, i);
        if (((x->mce & EDT_F(MALE)) && enc->sex == 'F') ||
            ((x->mce & EDT_F(FEMALE)) && enc->sex == 'M')) {
            mc_edit *e = mc__chk_add(c, "MCE_SEX_CONFLICT", MC_EDIT_ERROR, "%s, sex conflict",
                                     MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s applies to %s patients only; the patient is %s", x->dotted,
                        (x->mce & EDT_F(MALE)) ? "male" : "female",
                        enc->sex == 'M' ? "male" : "female");
        }
        if (i == 0 && (x->mce & EDT_F(ECODEPDX))) {
            mc_edit *e = mc__chk_add(c, "MCE_ECODE_PDX", MC_EDIT_ERROR,
                                     "%s, external cause code as principal diagnosis; "
                                     "Guidelines Section I.C.20",
                                     MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s is an external cause code (V00-Y99); it describes how an injury "
                           "happened and is never the principal or first-listed diagnosis",
                        x->dotted);
        }
        if (!c->inpatient)
            continue;
        if (i == 0 && (x->mce & EDT_F(MANIFESTATION))) {
            mc_edit *e = mc__chk_add(c, "MCE_MANIFESTATION_PDX", MC_EDIT_ERROR,
                                     "%s, manifestation code as principal diagnosis", MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s is a manifestation code and cannot be the principal diagnosis; "
                           "sequence the underlying condition first",
                        x->dotted);
        }
        if (i == 0 && (x->mce & EDT_F(UNACCEPTABLE))) {
            bool reqsdx = (x->mce & EDT_F(REQSDX)) != 0;
            if (!reqsdx || enc->n_diagnoses < 2) {
                mc_edit *e = mc__chk_add(c, reqsdx ? "MCE_REQUIRES_SDX" : "MCE_UNACCEPTABLE_PDX",
                                         MC_EDIT_ERROR, "%s, unacceptable principal diagnosis",
                                         MCE_SRC);
                mc__chk_code(e, x->dotted);
                if (reqsdx)
                    mc__chk_msg(e, "%s is acceptable as principal diagnosis only with a "
                                   "secondary diagnosis; none is reported",
                                x->dotted);
                else
                    mc__chk_msg(e, "%s is not acceptable as the principal diagnosis of an "
                                   "inpatient stay",
                                x->dotted);
            }
        }
        if (i == 0 && (x->mce & EDT_F(QADM))) {
            mc_edit *e = mc__chk_add(c, "MCE_QUESTIONABLE_ADMISSION", MC_EDIT_WARNING,
                                     "%s, questionable admission", MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s is not usually a sufficient reason for an inpatient admission; "
                           "the medical record should support it",
                        x->dotted);
        }
        if (x->mce & EDT_F(WRNGPROC)) {
            mc_edit *e = mc__chk_add(c, "MCE_WRONG_PROCEDURE", MC_EDIT_WARNING,
                                     "%s, wrong procedure performed", MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s reports a wrong surgery (wrong procedure, body part or patient); "
                           "the claim goes to review",
                        x->dotted);
        }
        if (x->mce & EDT_F(UNSPECIFIED)) {
            mc_edit *e = mc__chk_add(c, "MCE_UNSPECIFIED", MC_EDIT_WARNING,
                                     "%s, unspecified code", MCE_SRC);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s is an unspecified code (e.g. laterality not documented) for "
                           "which a more specific code exists",
                        x->dotted);
        }
    }
    if (c->inpatient && enc->discharge_status && c->ed->mce.ds.n) {
        if (!mc__mce_status_valid(&c->ed->mce.ds, (int)enc->discharge_status, c->date)) {
            mc_edit *e = mc__chk_add(c, "MCE_INVALID_DISCHARGE_STATUS", MC_EDIT_ERROR,
                                     "%s, invalid discharge status", MCE_SRC);
            mc__chk_msg(e, "discharge status %02d is not a valid UB-04 patient discharge status "
                           "on this date",
                        enc->discharge_status);
        }
    }
}

/* POA reporting (ICD-10-CM Guidelines Appendix I; CMS POA indicator rules). */
void mc__chk_poa(chk *c)
{
    if (!c->inpatient || !c->ed->poax.n)
        return;
    int fy = c->ed->year;
    for (uint32_t i = 0; i < c->enc->n_diagnoses; i++) {
        const dxinfo *x = &c->dx[i];
        char poa = c->enc->diagnoses[i].poa;
        if (!x->valid)
            continue;
        if (x->poa_exempt) {
            if (poa && poa != '1') {
                mc_edit *e = mc__chk_add(c, "POA_EXEMPT_REPORTED", MC_EDIT_ERROR,
                                         "POA-exempt list FY%d (Guidelines Appendix I)", fy);
                mc__chk_code(e, x->dotted);
                mc__chk_msg(e, "%s is exempt from POA reporting: leave the indicator blank (or "
                               "1), not '%c'",
                            x->dotted, poa);
            }
            continue;
        }
        if (!poa) {
            mc_edit *e = mc__chk_add(c, "POA_MISSING", MC_EDIT_ERROR,
                                     "Guidelines Appendix I (POA reporting), FY%d", fy);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s needs a present-on-admission indicator (Y, N, U or W) on an "
                           "inpatient claim",
                        x->dotted);
        } else if (poa == '1') {
            mc_edit *e = mc__chk_add(c, "POA_INVALID", MC_EDIT_ERROR,
                                     "Guidelines Appendix I (POA reporting), FY%d", fy);
            mc__chk_code(e, x->dotted);
            mc__chk_msg(e, "%s is not POA-exempt: '1' (exempt) is invalid, report Y, N, U or W",
                        x->dotted);
        }
    }
}

/* Days since 1970-01-01 of a YYYYMMDD date (proleptic Gregorian). */
static long days_of(mc_date d)
{
    long y = d / 10000, m = (d / 100) % 100, dd = d % 100;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool any_dx_flag(const chk *c, uint32_t flag)
{
    for (uint32_t i = 0; i < c->enc->n_diagnoses; i++)
        if (c->dx[i].valid && (c->dx[i].mce & flag))
            return true;
    return false;
}

static bool is_pcs_shape(const char *code)
{
    if (strlen(code) != 7)
        return false;
    for (const char *p = code; *p; p++)
        if (*p == 'I' || *p == 'O') /* ICD-10-PCS never uses I or O */
            return false;
    return true;
}

static void noncovered(chk *c, const char *code, const char *why)
{
    mc_edit *e = mc__chk_add(c, "MCE_NONCOVERED_PROCEDURE", MC_EDIT_ERROR,
                             "%s, non-covered procedure", MCE_SRC);
    mc__chk_code(e, code);
    mc__chk_msg(e, "%s is not covered by Medicare%s", code, why);
}

static void procedure_mce(chk *c, const mc_enc_procedure *p, uint32_t f, bool *delivery)
{
    const mc_encounter *enc = c->enc;
    if (((f & EDT_F(MALE)) && enc->sex == 'F') || ((f & EDT_F(FEMALE)) && enc->sex == 'M')) {
        mc_edit *e = mc__chk_add(c, "MCE_SEX_CONFLICT", MC_EDIT_ERROR,
                                 "%s, sex conflict (procedure)", MCE_SRC);
        mc__chk_code(e, p->code);
        mc__chk_msg(e, "procedure %s applies to %s patients only; the patient is %s", p->code,
                    (f & EDT_F(MALE)) ? "male" : "female", enc->sex == 'M' ? "male" : "female");
    }
    if (f & EDT_F(NONCOVERED))
        noncovered(c, p->code, "");
    if ((f & EDT_F(NCOV12AGELE60)) && enc->age_years > 60)
        noncovered(c, p->code, " for patients over 60");
    if ((f & EDT_F(NCOV_Z302)) && any_dx_flag(c, EDT_F(NCOV_Z302)))
        noncovered(c, p->code, " when the encounter is for sterilization (Z30.2)");
    if ((f & EDT_F(NCOV6)) && any_dx_flag(c, EDT_F(NCOV6)))
        noncovered(c, p->code, " with the leukemia diagnoses the MCE lists for this transplant");
    if ((f & EDT_F(NCOV45)) && !any_dx_flag(c, EDT_F(DIABTYPEI)) &&
        !any_dx_flag(c, EDT_F(CLINTRIAL)))
        noncovered(c, p->code, " without type 1 diabetes (E10.-) reported");
    if (f & (EDT_F(LCOV) | EDT_F(LCOV_AHA) | EDT_F(LCOV_AHB) | EDT_F(KIDNEYXP))) {
        mc_edit *e = mc__chk_add(c, "MCE_LIMITED_COVERAGE", MC_EDIT_WARNING,
                                 "%s, limited coverage", MCE_SRC);
        mc__chk_code(e, p->code);
        mc__chk_msg(e, "%s is covered by Medicare only under specific conditions (limited "
                       "coverage); the claim is reviewed",
                    p->code);
    }
    if ((f & EDT_F(LOS)) && enc->admit_date && enc->discharge_date) {
        long los = days_of(enc->discharge_date) - days_of(enc->admit_date);
        if (los < 4) {
            mc_edit *e = mc__chk_add(c, "MCE_LOS_INCONSISTENT", MC_EDIT_WARNING,
                                     "%s, procedure inconsistent with length of stay", MCE_SRC);
            mc__chk_code(e, p->code);
            mc__chk_msg(e, "%s (more than 96 consecutive hours) is inconsistent with a length "
                           "of stay of %ld day%s",
                        p->code, los, los == 1 ? "" : "s");
        }
    }
    if (f & (EDT_F(CSECT) | EDT_F(VAGDEL)))
        *delivery = true;
}

/* A HCPCS Level II code: a letter A-V then four digits (CPT is all digits or ends in F/T/U). */
static bool is_hcpcs_shape(const char *code)
{
    if (strlen(code) != 5 || code[0] < 'A' || code[0] > 'V')
        return false;
    for (int i = 1; i < 5; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

static void hcpcs_check(chk *c, const mc_enc_procedure *p)
{
    mc_hcpcs_code h;
    uint32_t date = p->date ? (uint32_t)p->date : c->date;
    int rc = mc_hcpcs_lookup(c->ed->hcpcs, p->code, strlen(p->code), &h);
    if (rc == MC_OK && !h.modifier && mc_hcpcs_valid_on(&h, date))
        return;
    char when[11];
    mc_date_format((mc_date)date, when);
    mc_edit *e = mc__chk_add(c, "HCPCS_INVALID", MC_EDIT_ERROR, "HCPCS Level II (CMS quarterly file)");
    mc__chk_code(e, p->code);
    if (rc != MC_OK)
        mc__chk_msg(e, "%s is not a HCPCS Level II code", p->code);
    else if (h.modifier)
        mc__chk_msg(e, "%s is a HCPCS modifier, not a procedure or supply code", p->code);
    else if (h.term_date && h.term_date < date) {
        char t[11];
        mc_date_format((mc_date)h.term_date, t);
        mc__chk_msg(e, "%s was terminated on %s, before the date of service %s", p->code, t, when);
    } else {
        char a[11];
        mc_date_format((mc_date)h.add_date, a);
        mc__chk_msg(e, "%s takes effect on %s, after the date of service %s", p->code, a, when);
    }
}

/* Successors of a deleted PCS code from the conversion table ("" when none). */
static void pcs_successors(const chk *c, const char *code, char *buf, size_t cap, uint32_t *eff)
{
    const edt_table *t = &c->ed->pconv;
    char key[8] = { 0 };
    memcpy(key, code, strnlen(code, 7));
    buf[0] = 0;
    uint32_t lo = 0, hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->p + (size_t)mid * EDT_CONV_REC, key, 8) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    char last[9] = "";
    for (uint32_t k = lo; k < t->n; k++) {
        const unsigned char *r = t->p + (size_t)k * EDT_CONV_REC;
        if (memcmp(r, key, 8))
            break;
        if (mc__rd32(r + 20) != 0 || mc__rd32(r + 16) > c->date || !memcmp(last, r + 8, 8))
            continue;
        memcpy(last, r + 8, 8);
        *eff = mc__rd32(r + 16);
        mc__chk_append(buf, cap, "%s%.7s", buf[0] ? ", " : "", (const char *)(r + 8));
    }
}

/* Why a PCS code is invalid, from the ICD-10-PCS tables when the bundle has them. */
static void pcs_reason(const chk *c, const char *code, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s is not a valid ICD-10-PCS code for FY%d", code, c->ed->year);
    char succ[160];
    uint32_t eff = 0;
    pcs_successors(c, code, succ, sizeof succ, &eff);
    if (succ[0]) {
        char when[11];
        mc_date_format((mc_date)eff, when);
        mc__chk_append(buf, cap, ": it was replaced on %s by %s", when, succ);
        return;
    }
    mc_pcs_check k;
    if (!c->ed->pcs || mc_pcs_validate(c->ed->pcs, code, strlen(code), &k) != MC_OK || k.valid)
        return;
    if (k.status == MC_PCS_BAD_VALUE && k.position)
        mc__chk_append(buf, cap, ": character %u ('%c', %.*s) is not allowed after '%.*s'; allowed: %.*s",
                       k.position, k.value, (int)k.axis.n, k.axis.p, (int)(k.position - 1), k.code,
                       (int)k.n_allowed, k.allowed);
    else if (k.status == MC_PCS_BAD_CHAR && k.position)
        mc__chk_append(buf, cap, ": character %u ('%c') is never used in ICD-10-PCS", k.position,
                       k.value);
    else if (k.status == MC_PCS_NOT_IN_YEAR)
        mc__chk_append(buf, cap, " (the tables build it, but the FY%d code list does not include it)",
                       c->ed->year);
}

void mc__chk_procedures(chk *c)
{
    const mc_encounter *enc = c->enc;
    bool delivery = false;
    for (uint32_t i = 0; i < enc->n_procedures; i++) {
        const mc_enc_procedure *p = &enc->procedures[i];
        if (!c->inpatient && is_hcpcs_shape(p->code)) {
            if (c->ed->hcpcs)
                hcpcs_check(c, p);
            continue;
        }
        if (!is_pcs_shape(p->code)) {
            if (c->inpatient) {
                mc_edit *e = mc__chk_add(c, "PCS_INVALID", MC_EDIT_ERROR,
                                         "ICD-10-PCS FY%d code set", c->ed->year);
                mc__chk_code(e, p->given);
                mc__chk_msg(e, "'%s' is not an ICD-10-PCS code (7 characters, no I or O); "
                               "inpatient procedures are coded in ICD-10-PCS",
                            p->given);
            }
            continue; /* outpatient CPT codes are not checked (licensed code set) */
        }
        bool found = false;
        uint32_t f = 0;
        if (c->ed->sg.n) {
            f = mc__edt_master_flags(&c->ed->sg, p->code, c->date, &found);
        } else if (c->ed->pcs) {
            mc_pcs_check k;
            found = mc_pcs_validate(c->ed->pcs, p->code, strlen(p->code), &k) == MC_OK && k.valid;
        } else {
            continue;
        }
        if (!found) {
            char reason[MC_EDIT_MSG_CAP];
            pcs_reason(c, p->code, reason, sizeof reason);
            mc_edit *e = mc__chk_add(c, "PCS_INVALID", MC_EDIT_ERROR, "ICD-10-PCS FY%d code set",
                                     c->ed->year);
            mc__chk_code(e, p->code);
            mc__chk_msg(e, "%s", reason);
            continue;
        }
        if (c->inpatient && c->ed->have_mce)
            procedure_mce(c, p, f, &delivery);
    }
    /* Guidelines I.C.15.b.5: a Z37 outcome of delivery code on every maternal record
     * with a delivery (MCE flags: delivery procedures, outcome-of-delivery codes). */
    if (delivery && !any_dx_flag(c, EDT_F(DELOUT))) {
        mc_edit *e = mc__chk_add(c, "DELIVERY_OUTCOME_MISSING", MC_EDIT_WARNING,
                                 "ICD-10-CM Guidelines Section I.C.15.b.5; %s delivery flags",
                                 MCE_SRC);
        mc__chk_msg(e, "a delivery procedure is reported but no outcome of delivery code "
                       "(Z37.-) is");
    }
}
