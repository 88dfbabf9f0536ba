/*
 * In-memory CMS-HCC and comorbidity models (internal), built once by
 * mc_risk_open from the RSK* sections and then only read.
 *
 * HCCs are addressed by a dense index (0..n_hcc) so a patient's HCC set is a
 * 128-bit set; a hierarchy is, per HCC, the set of HCCs it drops. Every
 * coefficient variable of the model is resolved at open time into a slot
 * (segment x kind x index), so scoring never compares names. A variable the
 * resolver does not understand fails the open: no published factor is ever
 * silently ignored.
 */
#ifndef MC_HCC_INT_H
#define MC_HCC_INT_H

#include "risk/risk_int.h"

enum {
    HCC_MAXN = 128, /* HCCs per model (V28 has 115) */
    HCC_NUM_MAX = 1000, /* HCC numbers are below this */
    N_CELLS = 12, /* 0_34 35_44 45_54 55_59 60_64 65_69 70_74 75_79 80_84 85_89 90_94 95_GT */
    N_NE_CELLS = 16, /* 0_34 .. 60_64, 65, 66, 67, 68, 69, 70_74 .. 95_GT */
    MAX_INTER = 24,
};

typedef struct hset {
    uint64_t w[2];
} hset;

static inline void hset_add(hset *s, uint32_t i) { s->w[i >> 6] |= 1ull << (i & 63); }
static inline bool hset_has(const hset *s, uint32_t i) { return (s->w[i >> 6] >> (i & 63)) & 1; }
static inline bool hset_any(const hset *a, const hset *b)
{
    return (a->w[0] & b->w[0]) | (a->w[1] & b->w[1]);
}

/* One side of an interaction: a group of HCCs (any of), or the DISABL flag. */
typedef struct inter_def {
    const char *name; /* variable name without segment prefix */
    int a, b; /* group ids; GROUP_DISABLED for the demographic flag */
} inter_def;

enum { GROUP_DISABLED = -1 };

typedef struct seg_slots {
    int32_t hcc[HCC_MAXN]; /* var index or -1 */
    int32_t cell[2][N_CELLS]; /* [0 female, 1 male] */
    int32_t count[11]; /* [1..9] D1..D9, [10] D10P */
    int32_t od[2]; /* OriginallyDisabled_Female / _Male */
    int32_t ltimcaid, origds;
    int32_t ne[2][2][2][N_NE_CELLS]; /* [mcaid][origdis][sex][cell] */
    int32_t inter[MAX_INTER];
    bool present; /* the model has variables for this segment */
} seg_slots;

typedef struct dx_entry {
    uint16_t hcc[2]; /* HCC numbers */
    uint8_t n;
    uint8_t n_edit;
    uint32_t edit; /* first row in the edits table, rows are grouped by code */
} dx_entry;

typedef struct edit_rule {
    uint8_t sex; /* 0 any, 1 male, 2 female */
    int32_t age_min, age_max; /* -1 when absent */
    uint8_t action; /* 1 invalid, 2 override */
    uint16_t cc; /* override target */
} edit_rule;

typedef struct hcc_model {
    bool loaded;
    uint32_t year;
    mc__u64map dxmap; /* code key -> dx_entry index */
    dx_entry *dx;
    uint32_t n_dx;
    edit_rule *edits;
    uint32_t n_edits;
    uint32_t n_hcc;
    uint16_t num[HCC_MAXN]; /* dense index -> HCC number, ascending */
    int16_t idx[HCC_NUM_MAX]; /* HCC number -> dense index, -1 */
    mc_str label[HCC_MAXN];
    bool chronic[HCC_MAXN];
    hset drop[HCC_MAXN]; /* HCCs removed when this one is present */
    hset payment; /* HCCs with a community coefficient: counted by D1..D10P */
    const inter_def *inter;
    uint32_t n_inter;
    hset group[24]; /* interaction groups (V24 uses 20) */
    uint32_t n_vars;
    mc_str *var_name;
    int32_t *var_milli;
    seg_slots seg[MC_SEG_N];
} hcc_model;

typedef struct elix_model {
    uint32_t n_measures;
    mc_elix_measure m[MC_ELIX_MAX];
    uint32_t n_flags;
    uint8_t flag_measure[64];
    bool flag_poa[64];
    mc__u64map map; /* code key -> row of the mapping table */
    mc__u64map exempt; /* POA-exempt codes of the bundle's fiscal year */
    const mc__rsk_table *maptab;
    mc__rsk_table maptab_store;
    uint32_t n_excl;
    struct {
        uint8_t a, b, poa_only;
    } excl[32];
} elix_model;

typedef struct charlson_model {
    uint32_t n;
    mc_charlson_condition c[MC_CHARLSON_MAX];
    uint32_t n_prefix;
    struct {
        char p[8];
        uint8_t len, cond;
    } *prefix;
    /* hierarchy pairs (higher, lower) resolved from condition names */
    uint32_t n_hier;
    uint8_t hier[8][2];
} charlson_model;

struct mc_risk {
    const mc_bundle *b;
    hcc_model model[MC_HCC_N_MODELS];
    elix_model elix;
    charlson_model ch;
};

int mc__hcc_model_load(const mc_bundle *b, mc_hcc_model which, hcc_model *m, mc_diag *diag);
void mc__hcc_model_free(hcc_model *m);
int mc__cmb_load(mc_risk *r, mc_diag *diag);
void mc__cmb_free(mc_risk *r);

#endif
