/*
 * Edits module internals: the EDT* bundle sections (written by edits_build.c,
 * read by edits.c) and the reader handle.
 *
 * All integers little-endian; every section starts with {u32 n, u32 0}.
 *   EDTDX   n × {char code[8], u32 start, u32 end, u32 flags}  MCE dx master rows with
 *           a flag, overlapping the fiscal year; sorted by code, start. Dates YYYYMMDD.
 *   EDTSG   n × {char code[8], u32 start, u32 end, u32 flags}  every MCE ICD-10-PCS
 *           master row overlapping the fiscal year (validity + procedure flags)
 *   EDTAGE  n × {u32 group, u32 lo, u32 hi, u32 start, u32 end}  MCE age groups
 *   EDTDSTA n × {u32 status, u32 start, u32 end}  valid UB-04 discharge statuses
 *   EDTPOAX n × char[8]  POA-exempt codes of the fiscal year, sorted
 *   EDTCONV n × {char src[8], char dst[8], u32 effective, u32 dir}  ICD-10-CM
 *           conversions, dir 0 = older to newer, 1 = newer to older; sorted by src
 *   EDTPFX  n × {char code[8], u32 except}  Guidelines I.C.21.c.15 principal-only
 *           Z codes (prefixes, undotted); except = 1 marks an "Except:" prefix
 * Codes are undotted, upper case, NUL padded to 8 bytes.
 */
#ifndef MC_EDITS_INT_H
#define MC_EDITS_INT_H

#include "medcode/codeset.h"
#include "medcode/edits.h"

#include <stdint.h>

enum {
    EDT_HDR = 8,
    EDT_MASTER_REC = 20,
    EDT_AGE_REC = 20,
    EDT_DSTA_REC = 12,
    EDT_POAX_REC = 8,
    EDT_CONV_REC = 24,
    EDT_PFX_REC = 12,
};

/* MCE master flags (names as in the MCE masters) -> bits. */
#define EDT_FLAGS(X)                                                                          \
    X(ADULT, "adult") X(PEDIATRIC, "pediatric") X(NEWBORN, "newborn")                         \
    X(MATERNITY, "maternity") X(MALE, "male") X(FEMALE, "female")                             \
    X(UNACCEPTABLE, "unacceptable") X(MANIFESTATION, "manifestation") X(QADM, "qadm")         \
    X(UNSPECIFIED, "unspecified") X(ECODEPDX, "ecodepdx") X(WRNGPROC, "wrngproc")             \
    X(DELOUT, "delout") X(REQSDX, "reqsdx") X(NCOV6, "ncov6") X(NCOV7, "ncov7")               \
    X(DIABTYPE1, "diabtypeI") X(CLINTRIAL, "clintrial") X(NCOV_Z302, "ncov_z302")             \
    X(NONCOVERED, "noncovered") X(LCOV, "lcov") X(KIDNEYXP, "kidneyxp") X(CSECT, "csect")     \
    X(VAGDEL, "vagdel") X(LOS, "los") X(NCOV45, "ncov45") X(NCOV12AGE60, "ncov12agele60")     \
    X(LCOV_HEARTA, "lcov_artheartxpa") X(LCOV_HEARTB, "lcov_artheartxpb")

enum {
#define X(name, str) EDT_BIT_##name,
    EDT_FLAGS(X)
#undef X
        EDT_N_FLAGS
};
#define EDT_F(name) (1u << EDT_BIT_##name)

/* MCE age groups (EDTAGE.group). */
enum { EDT_AGE_NEWBORN = 1, EDT_AGE_PEDIATRIC, EDT_AGE_MATERNITY, EDT_AGE_ADULT };

typedef struct edt_table {
    const unsigned char *p; /* first record */
    uint32_t n; /* records */
} edt_table;

struct mc_edits {
    const mc_bundle *bundle; /* borrowed */
    mc_codeset *cs; /* owned */
    int year;
    edt_table dx, sg, age, dsta, poax, conv, pfx;
    bool have_mce; /* EDT sections present */
};

/* Flags of a code on a date from a master table (0 when absent); *found tells whether a row covers it. */
uint32_t mc__edt_master_flags(const edt_table *t, const char *code, uint32_t date, bool *found);

#endif
