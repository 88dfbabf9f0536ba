/*
 * Edits module internals: the EDT* bundle sections (written by edits_build.c,
 * read by edits.c) and the reader handle.
 *
 * All integers little-endian; every section starts with {u32 n, u32 0}.
 * The MCE masters, age groups and discharge statuses are not here: they are the
 * sections DRGMDX, DRGMSG, DRGMAGE, DRGMDS shared with the MS-DRG grouper
 * (src/drg/mce_int.h; one copy per bundle), read with mc__mce_open.
 *   EDTPOAX n × char[8]  POA-exempt codes of the fiscal year, sorted
 *   EDTCONV n × {char src[8], char dst[8], u32 effective, u32 dir}  ICD-10-CM
 *           conversions, dir 0 = older to newer, 1 = newer to older; sorted by src
 *   EDTPCNV the same for ICD-10-PCS
 *   EDTPFX  n × {char code[8], u32 except}  Guidelines I.C.21.c.15 principal-only
 *           Z codes (prefixes, undotted); except = 1 marks an "Except:" prefix
 *   EDTPROF (stage 2) one record per ICD-10-CM code id (CMCODE order):
 *           {u32 first_rule, u16 n_rules, u8 flags (EDT_P_*), u8 0, u32 mce_flags,
 *           u32 0}; mce_flags hold for the whole fiscal year unless EDT_P_MCE_VARIES
 *   EDTRULE n × {u8 kind (EDT_RULE_*), u8 lo_len, u8 hi_len, u8 suffix_len,
 *           u16 note (index in the code's inherited notes, mc_cm_notes order), u16 0,
 *           char suffix[4], char lo[8], char hi[8]}  code ranges of the code's notes
 * Codes are undotted, upper case, NUL padded to 8 bytes.
 */
#ifndef MC_EDITS_INT_H
#define MC_EDITS_INT_H

#include "medcode/codeset.h"
#include "medcode/hcpcs.h"
#include "medcode/pcs.h"
#include "medcode/edits.h"
#include "drg/mce_int.h"

#include <stdint.h>

enum {
    EDT_HDR = 8,
    EDT_MASTER_REC = MC__MCE_REC, /* DRGMDX / DRGMSG record (mce_int.h) */
    EDT_POAX_REC = 8,
    EDT_CONV_REC = 24,
    EDT_PFX_REC = 12,
    EDT_PROF_REC = 16,
    EDT_RULE_REC = 28,
    EDT_NOTE_CAP = 256, /* inherited notes examined per code */
    EDT_RULE_CAP = 512, /* code ranges per code profile */
};

/* Profile flags and rule kinds (profile.c). */
enum {
    EDT_P_MANIFESTATION = 1, /* tabular manifestation code (Section I.A.13) */
    EDT_P_CODE_FIRST = 2, /* a "Code first" note applies */
    EDT_P_PRINCIPAL_ONLY = 4, /* Section I.C.21.c.15 */
    EDT_P_POA_EXEMPT = 8, /* on the fiscal year's POA-exempt list */
    EDT_P_MCE_VARIES = 16, /* MCE flags change within the fiscal year: look them up by date */
};
enum { EDT_RULE_EXCL1 = 1, EDT_RULE_CODE_FIRST = 2, EDT_RULE_USE_ADD = 3 };

typedef struct edt_rule {
    uint8_t kind; /* EDT_RULE_* */
    uint8_t nl, nh, nsuf; /* lengths of lo, hi, suffix */
    uint16_t note; /* index of the note in mc_cm_notes(code, inherited) */
    char suffix[4]; /* "42" of "(E08-E13 with .42)": characters after the category */
    char lo[8], hi[8]; /* NUL padded */
} edt_rule;

typedef struct edt_profile {
    uint8_t flags; /* EDT_P_* */
    uint32_t mce; /* MCE flags for the whole fiscal year (unless EDT_P_MCE_VARIES) */
    uint32_t n; /* rules */
    edt_rule r[EDT_RULE_CAP];
} edt_profile;

/* MCE flags and age groups: the shared Medicare Code Editor data of the MS-DRG module
 * (src/drg/mce_int.h, sections DRGMDX/DRGMSG/DRGMAGE/DRGMDS). */
#define EDT_F(name) MC__MCE(name)
enum {
    EDT_AGE_NEWBORN = MC__AGE_NEWBORN,
    EDT_AGE_PEDIATRIC = MC__AGE_PEDIATRIC,
    EDT_AGE_MATERNITY = MC__AGE_MATERNITY,
    EDT_AGE_ADULT = MC__AGE_ADULT,
};

typedef mc__mce_tab edt_table; /* {p first record, n records} */

struct mc_edits {
    const mc_bundle *bundle; /* borrowed */
    mc_codeset *cs; /* owned */
    mc_pcs *pcs; /* owned; NULL when the bundle has no ICD-10-PCS tables */
    mc_hcpcs *hcpcs; /* owned; NULL when the bundle has no HCPCS file */
    int year;
    mc__mce_data mce; /* shared MCE masters (all zero when the bundle has none) */
    edt_table dx, sg; /* = mce.dx, mce.sg: MCE diagnosis and procedure masters */
    edt_table poax, conv, pconv, pfx;
    edt_table prof, rule; /* stage-2 profiles; prof.n = 0 when absent (derived on the fly) */
    bool have_mce; /* MCE sections present */
};

/* The profile of a code id: from EDTPROF/EDTRULE, or derived from its notes. */
int mc__edt_profile(const mc_edits *ed, uint32_t id, edt_profile *out);
/* Only the flags and MCE flags of a compiled profile (MC_ENOTFOUND without EDTPROF). */
int mc__edt_profile_head(const mc_edits *ed, uint32_t id, uint8_t *flags, uint32_t *mce);
void mc__edt_derive(const mc_codeset *cs, const edt_table *pfx, uint32_t id, edt_profile *out);
/* Fiscal-year facts of a code from the EDT tables: POA exemption and MCE flags. */
void mc__edt_year_facts(const mc_edits *ed, const char code[8], edt_profile *out);
bool mc__edt_poa_exempt(const edt_table *t, const char code[8]);

/* Flags of a code on a date from a master table (0 when absent); *found tells whether a row covers it. */
uint32_t mc__edt_master_flags(const edt_table *t, const char *code, uint32_t date, bool *found);

#endif
