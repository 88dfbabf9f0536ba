/*
 * MS-DRG grouper and MCE (internal): on-disk section layouts and the opened
 * view shared by drg_open.c, drg_group.c, drg_mce.c and drg_out.c.
 *
 * Every table covers all grouper versions at once: a row carries a version
 * mask (bit i = version index i of MC__DRG_VERSIONS), so one bundle answers
 * for v40.0 .. v43.1. Codes are stored undotted, upper case, NUL-padded to 8
 * bytes, and every code table is sorted by code (then by version), so look-up
 * is a binary search. Attribute names (the operands of the DRG formulas) are
 * interned into a name table; formulas are compiled at build time into
 * postfix programs over (prefix, name id) atoms, so grouping never parses text.
 *
 * Invariants checked at open: every record array fits its section, every
 * (offset, count) into a pool is inside the pool, every name id is below the
 * name count, every program has balanced stack use (<= MC__DRG_STACK).
 */
#ifndef MC_DRG_INT_H
#define MC_DRG_INT_H

#include "base/base_int.h"
#include "medcode/drg.h"
#include "drg/mce_int.h"

#ifndef MC_NONE
#define MC_NONE UINT32_MAX
#endif

enum {
    MC__DRG_NVERS = 8,
    MC__DRG_STACK = 64, /* maximum evaluation depth of a formula program */
    MC__DRG_MAXNAMES = 8191, /* name ids fit in 13 bits of a program word */
};

extern const int mc__drg_versions[MC__DRG_NVERS]; /* 400, 401, ..., 431 */

/* Atom kinds of a program word: bits 15..13; name id in bits 12..0. */
enum {
    MC__OP_BARE = 0, /* attribute anywhere on the claim (the formula's bare name) */
    MC__OP_ANY = 1, /* ANY:x */
    MC__OP_PDX = 2, /* PDX:x principal diagnosis has x */
    MC__OP_SDX = 3, /* SDX:x some secondary diagnosis has x */
    MC__OP_ONLY = 4, /* ONLY:x every diagnosis has x */
    MC__OP_AND = 5,
    MC__OP_OR = 6,
    MC__OP_NOT = 7,
    MC__NKINDS = 5,
};

/* Title kinds in DRGTTL. */
enum { MC__TTL_DRG = 0, MC__TTL_MDC = 1, MC__TTL_HAC = 2 };

/*
 * Section records (little-endian, sizes fixed). Each record section starts
 * with a u32 count followed by the records.
 *
 * DRGSTR   raw bytes: names, titles, formula source text
 * DRGNAME  {u32 off, u32 len}                     attribute names (id = index)
 * DRGLIST  u16 pool                               name-id lists, cluster-id lists
 * DRGCODE  u16 pool                               formula programs
 * DRGSCH   20: u8 mdc, u8 sev(0/1 CC/2 MCC), u8 n_ops, u8 n_cat, u8 n_hac, 3 pad,
 *              u32 ops_off, u32 cat_off, u32 hac_off    (lists in DRGLIST)
 * DRGDX    12: code[8], u16 scheme, u8 vmask, pad
 * DRGPR    16: code[8], u32 list_off, u16 list_n, u8 vmask, pad
 * DRGXID   12: code[8], u16 group, u8 vmask, pad
 * DRGXGO   u32 n_groups, then (n_groups + 1) u32 start indexes into DRGXGC (group g = index g)
 * DRGXGC   code[8] records (sorted within each group)
 * DRGFRE   12: u8 mdc, u8 vmask, u16 pad, u32 first_row, u32 n_rows
 * DRGFRM   32: u16 drg, u16 base_drg, u8 mdc, u8 surgical(0 NA,1 MED,2 SURG), u8 reroute,
 *              u8 drg_sev, u16 rank, u16 supp_n, u32 supp_off, u32 prog_off, u16 prog_n, pad,
 *              u32 src_off, u32 src_len
 * DRGGEN   12: code[8], u8 vmask, u8 male_mdc, u8 female_mdc, pad
 * DRGCLU   20: name[8], u32 supp_mdc_mask, u32 first_choice, u32 n_choices
 * DRGCCH   8:  u32 first_code, u32 n_codes        (codes in DRGCCD)
 * DRGCCD   code[8]
 * DRGCMAP  16: code[8], u32 list_off, u16 list_n, u8 vmask, pad   (cluster indexes)
 * DRGTTL   12: u8 kind, u8 vmask, u16 id, u32 off, u32 len
 * DRGHAC   20: u8 hac, u8 vmask, u16 prog_n, u32 prog_off, u32 src_off, u32 src_len, pad
 * DRGWT    20: u16 fy, u16 drg, u32 weight*1e4, u32 weight_before_cap*1e4, u16 gmlos*10,
 *              u16 amlos*10, u8 type('P','M','S'), 3 pad
 * DRGMDX, DRGMSG, DRGMAGE, DRGMDS: the MCE masters, see mce_int.h (build part "mce")
 */
enum {
    R_SCH = 20, R_DX = 12, R_PR = 16, R_XID = 12, R_FRE = 12, R_FRM = 32, R_GEN = 12,
    R_CLU = 20, R_CCH = 8, R_CODE = 8, R_CMAP = 16, R_TTL = 12, R_HAC = 20, R_WT = 20,
    R_MCE = MC__MCE_REC, R_NAME = 8,
};

typedef mc__mce_tab mc__drg_tab; /* {p, n} */

struct mc_drg {
    const mc_bundle *bundle;
    const char *str; /* DRGSTR */
    uint32_t str_n;
    const uint16_t *list; /* DRGLIST (aligned copy pointer into mapping; read via rd16) */
    const unsigned char *list_p;
    uint32_t list_n;
    const unsigned char *prog_p; /* DRGCODE */
    uint32_t prog_n;
    mc__drg_tab name, sch, dx, pr, xid, xgc, fre, frm, gen, clu, cch, ccd, cmap, ttl, hac, wt;
    mc__mce_data mce; /* MCE masters (mce_int.h), shared with src/edits */
    const unsigned char *xgo; /* n_groups + 1 offsets */
    uint32_t n_groups;
    /* ids of the special operands the grouper sets itself (MC_NONE when no formula uses one) */
    uint32_t id_mcc, id_cc, id_invalid_pdx, id_pdx_ecode, id_invalid_sex, id_invalid_dstat,
        id_alive, id_died, id_ama, id_xfrnba, id_anydx, id_multst, id_bilateral, id_orproc,
        id_mdc20ft, id_four_nde, id_four_de, id_four_vessels, id_four_stents, id_multfuse,
        id_sglantsectx, id_sglpostfuse, id_singlefusion, id_sglant, id_sglpost1, id_incident;
    /* per-name classification used while building the claim mask */
    uint8_t *name_class; /* see NC_* in drg_group.c */
    uint8_t *name_num; /* digit suffix (vesselN, stentN) */
    /* look-up indexes built at open (MC_NONE = absent) */
    uint32_t *ttl_ix; /* [3][1000]: first DRGTTL record of (kind, id) */
    uint32_t *wt_ix; /* [4][1000]: DRGWT record of (fy - 2023, drg) */
    uint32_t fre_ix[100][MC__DRG_NVERS]; /* DRGFRE entry of (mdc table, version index) */
};

/* ---- look-ups (drg_open.c) ---- */
static inline const unsigned char *mc__drg_rec(const mc__drg_tab *t, uint32_t i, size_t sz)
{
    return t->p + (size_t)i * sz;
}
/* First record index whose 8-byte code equals code (NUL-padded key); MC_NONE when absent. */
uint32_t mc__drg_find_code(const mc__drg_tab *t, size_t rec, const char key[8]);
/* Record of code valid in version index vi (by the vmask byte at vm_off), or NULL. */
const unsigned char *mc__drg_find_ver(const mc__drg_tab *t, size_t rec, size_t vm_off,
                                      const char key[8], int vi);
mc_str mc__drg_string(const mc_drg *g, uint32_t off, uint32_t len);
mc_str mc__drg_name(const mc_drg *g, uint32_t id);
uint16_t mc__drg_list(const mc_drg *g, uint32_t i); /* caller checked bounds at open */
uint16_t mc__drg_prog(const mc_drg *g, uint32_t i);
/* Title of a DRG / MDC / HAC number in version index vi, {NULL,0} when none. */
mc_str mc__drg_title(const mc_drg *g, int kind, int id, int vi);
/* Table 5 record of (fiscal year, DRG), NULL when none. */
const unsigned char *mc__drg_weight(const mc_drg *g, int fy, int drg);
/* Pack a code into an 8-byte NUL-padded key; false when it does not fit. */
bool mc__drg_key(const char *code, char key[8]);

/* ---- grouping (drg_group.c) ---- */
int mc__drg_version_index(int version);
/* The date the tables are read at: the discharge date when it falls inside the version's
 * window (v.0 October-March, v.1 April-September), else the version's first day. */
uint32_t mc__drg_table_date(int version, int discharge_date);

/* Evaluate a program against a claim mask (drg_group.c). */
typedef struct mc__drg_mask mc__drg_mask;

/* ---- build (drg_build.c) ---- */
struct mc__build_ctx;
/* Does the manifest list the grouper tables (system msdrg) for the year being built? */
bool mc__drg_manifest_has_year(struct mc__build_ctx *ctx);

/* ---- MCE (drg_mce.c) ---- */
void mc__drg_mce(const mc_drg *g, const mc_drg_claim *c, mc_drg_result *r);

#endif
