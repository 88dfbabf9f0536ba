/*
 * Medicare Code Editor v43.1 data, shared by the MS-DRG grouper (drg_mce.c,
 * `medcode group`) and the encounter checker (src/edits/mce.c, `medcode
 * check`). There is one compiled copy of the MCE masters in a bundle, the
 * sections below (written by the build part "mce" in mce_data.c, into every
 * fiscal year's bundle), and one set of look-ups over them; each command
 * words its own findings from these flags.
 *
 * All integers little-endian; each section is {u32 n} then n records.
 *   DRGMDX   20: code[8], u32 date_start, u32 date_end, u32 flags   MCE diagnosis master
 *   DRGMSG   20: the same for the ICD-10-PCS procedure master (every row, flagged or not:
 *                a row covering the date makes the code valid on that date)
 *   DRGMAGE  12: u8 group (MC__AGE_*), u8 lo, u8 hi, pad, u32 date_start, u32 date_end
 *   DRGMDS   12: u16 status, u16 pad, u32 date_start, u32 date_end   valid discharge statuses
 * Masters are sorted by code, then by record bytes; rows keep the CMS dates, so a look-up
 * picks the row whose dates cover the claim. The bundle with the grouper tables (FY2026)
 * keeps every row (all grouper versions); other years keep the rows overlapping their year,
 * and in DRGMDX only those with a flag (there a code without a row has no MCE flag; those
 * bundles carry no grouper, so nothing reads DRGMDX for validity).
 * Codes are undotted, upper case, NUL padded to 8 bytes; dates YYYYMMDD.
 *
 * Invariants checked by mc__mce_open: every record array fits its section and every
 * age group is below MC__AGE_NGROUPS.
 */
#ifndef MC_MCE_INT_H
#define MC_MCE_INT_H

#include "base/base_int.h"
#include "medcode/bundle.h"

#include <stdbool.h>
#include <stdint.h>

/* MCE flag bits (diagnosis and procedure masters share the bit space), names as in the masters. */
#define MC__MCE_FLAGS(X)                                                                      \
    X(ADULT, "adult") X(PEDIATRIC, "pediatric") X(NEWBORN, "newborn")                         \
    X(MATERNITY, "maternity") X(MALE, "male") X(FEMALE, "female")                             \
    X(UNACCEPTABLE, "unacceptable") X(MANIFESTATION, "manifestation") X(QADM, "qadm")         \
    X(UNSPECIFIED, "unspecified") X(ECODEPDX, "ecodepdx") X(WRNGPROC, "wrngproc")             \
    X(DELOUT, "delout") X(REQSDX, "reqsdx") X(NCOV6, "ncov6") X(NCOV7, "ncov7")               \
    X(NCOV_Z302, "ncov_z302") X(DIABTYPEI, "diabtypeI") X(CLINTRIAL, "clintrial")             \
    X(NONCOVERED, "noncovered") X(LCOV, "lcov") X(LCOV_AHA, "lcov_artheartxpa")               \
    X(LCOV_AHB, "lcov_artheartxpb") X(NCOV45, "ncov45") X(NCOV12AGELE60, "ncov12agele60")     \
    X(KIDNEYXP, "kidneyxp") X(CSECT, "csect") X(VAGDEL, "vagdel") X(LOS, "los")

enum {
#define MC__MCE_ENUM(name, s) MC__MCE_BIT_##name,
    MC__MCE_FLAGS(MC__MCE_ENUM)
#undef MC__MCE_ENUM
        MC__MCE_NFLAGS
};
#define MC__MCE(name) (1u << MC__MCE_BIT_##name)
extern const char *const mc__mce_flag_names[MC__MCE_NFLAGS];

/* Age groups of mce_age_ranges (DRGMAGE.group). */
enum { MC__AGE_ADULT, MC__AGE_MATERNITY, MC__AGE_NEWBORN, MC__AGE_PEDIATRIC, MC__AGE_NGROUPS };

enum { MC__MCE_REC = 20, MC__MCE_AGE_REC = 12, MC__MCE_DS_REC = 12 };

typedef struct mc__mce_tab {
    const unsigned char *p; /* first record */
    uint32_t n; /* records */
} mc__mce_tab;

typedef struct mc__mce_data {
    mc__mce_tab dx, sg, age, ds; /* DRGMDX, DRGMSG, DRGMAGE, DRGMDS */
} mc__mce_data;

/* Map the MCE sections of a bundle. MC_ENOTFOUND (diag names the section) when the bundle
 * has none, MC_ECORRUPT when a section does not hold its records. */
int mc__mce_open(const mc_bundle *b, mc__mce_data *m, mc_diag *diag);
/* Flags of the master row of key (undotted, NUL padded) valid on date; false when no row
 * covers the date (the code is invalid then). */
bool mc__mce_flags(const mc__mce_tab *master, const char key[8], uint32_t date, uint32_t *flags);
/* Age range of group (MC__AGE_*) on date; false when the tables have none. */
bool mc__mce_age_range(const mc__mce_tab *age, int group, uint32_t date, int *lo, int *hi);
/* Is status a valid UB-04 discharge status on date? */
bool mc__mce_status_valid(const mc__mce_tab *ds, int status, uint32_t date);

#endif
