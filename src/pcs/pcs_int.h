/*
 * ICD-10-PCS internals shared by the XML loader, the bundle builder and the
 * section reader: the in-memory model of the official tables/definitions XML
 * and the on-disk layout of the PCS* bundle sections (docs/pcs.md).
 *
 * Every PCS section has the same frame:
 *   u32 magic, u32 n_records, u32 record_size, u32 strings_size,
 *   n_records fixed-size records, then strings_size bytes of text.
 * A string reference inside a record is (u32 offset, u32 length) relative to
 * the start of that section's text area. All integers little-endian.
 */
#ifndef MC_PCS_INT_H
#define MC_PCS_INT_H

#include "base/base_int.h"

/* ---- the 34 characters a PCS code uses: 0-9 and A-Z without I and O ---- */
enum { MC__PCS_NCHARS = 34 };
/* index + 1 of each byte, 0 for bytes PCS never uses (pcs_xml.c) */
extern const signed char mc__pcs_char_index1[256];
/* Index 0..33 of a PCS character, -1 for anything else (including I, O, lower case). */
static inline int mc__pcs_char_index(char c) { return mc__pcs_char_index1[(unsigned char)c] - 1; }
/* The character of an index 0..33. */
char mc__pcs_index_char(int i);

/* ---- in-memory model (built by the XML loader, freed with mc__pcs_model_free) ---- */
typedef struct mc__pcs_mlabel {
    char value; /* the code character */
    char *text; /* label, e.g. "Percutaneous Endoscopic" */
} mc__pcs_mlabel;

typedef struct mc__pcs_maxis {
    char *title; /* "Body Part" */
    char *definition; /* <definition> inside the axis (operations), or NULL */
    uint32_t first; /* first label in model->labels */
    uint32_t n; /* labels */
} mc__pcs_maxis;

typedef struct mc__pcs_mrow {
    mc__pcs_maxis axis[4]; /* positions 4..7 */
    uint32_t declared; /* codes="" attribute */
} mc__pcs_mrow;

typedef struct mc__pcs_mtable {
    mc__pcs_maxis axis[3]; /* positions 1..3, one label each */
    uint32_t first_row, n_rows;
    long line; /* line of <pcsTable> in the XML */
} mc__pcs_mtable;

typedef struct mc__pcs_mterm {
    char section; /* section character the term belongs to */
    uint8_t pos; /* axis position 1..7 */
    char **titles; /* the label texts the term defines */
    uint32_t n_titles;
    char *definition, *explanation, *includes; /* NULL when absent; includes joined with "; " */
} mc__pcs_mterm;

/* <deviceAggregation>: a specific device coded to a general device value (axis 6). */
typedef struct mc__pcs_maggr {
    char *device; /* "Synthetic Substitute, Metal on Polyethylene" */
    char **ops; /* root operations it applies to; "All applicable" matches every one */
    uint32_t n_ops;
    char **systems; /* body systems; none listed = every one */
    uint32_t n_systems;
    char parent_value; /* the device value it is coded to, e.g. 'J' */
    char *parent; /* that value's label, "Synthetic Substitute" */
} mc__pcs_maggr;

typedef struct mc__pcs_model {
    mc__arena arena; /* every string and title array */
    mc__pcs_mtable *tables;
    uint32_t n_tables, cap_tables;
    mc__pcs_mrow *rows;
    uint32_t n_rows, cap_rows;
    mc__pcs_mlabel *labels;
    uint32_t n_labels, cap_labels;
    mc__pcs_mterm *terms;
    uint32_t n_terms, cap_terms;
    mc__pcs_maggr *aggrs;
    uint32_t n_aggrs, cap_aggrs;
    char version[16]; /* <version> of the tables file */
} mc__pcs_model;

void mc__pcs_model_init(mc__pcs_model *m);
void mc__pcs_model_free(mc__pcs_model *m);
/* Parse the tables XML (the whole document in memory). Errors name the line. */
int mc__pcs_parse_tables(mc__pcs_model *m, const char *xml, size_t n, mc_diag *diag);
/* Parse the definitions XML into m->terms. */
int mc__pcs_parse_definitions(mc__pcs_model *m, const char *xml, size_t n, mc_diag *diag);

/*
 * Write the PCS sections of a parsed model into ctx->w with an empty order
 * section, for tests and fuzzing (what the parser accepts must compile, and
 * the reader must survive it). Needs only ctx->w, ctx->diag and ctx->quiet.
 */
struct mc__build_ctx;
int mc__pcs_compile_model(struct mc__build_ctx *ctx, const mc__pcs_model *m, int year);

/* ---- on-disk sections ---- */
#define MC__PCS_TAG_TABLES "PCSTAB"
#define MC__PCS_TAG_ROWS "PCSROW"
#define MC__PCS_TAG_LABELS "PCSLAB"
#define MC__PCS_TAG_DEFS "PCSDEF"
#define MC__PCS_TAG_ORDER "PCSORD"

enum {
    MC__PCS_FRAME = 16, /* section frame header bytes */
    MC__PCS_MAGIC_TAB = 0x31544350, /* "PCT1" */
    MC__PCS_MAGIC_ROW = 0x31524350, /* "PCR1" */
    MC__PCS_MAGIC_LAB = 0x314c4350, /* "PCL1" */
    MC__PCS_MAGIC_DEF = 0x32444350, /* "PCD2" */
    MC__PCS_MAGIC_ORD = 0x314f4350, /* "PCO1" */

    /* table record: code[3], pad, u32 first_row, u32 n_rows, u32 n_codes,
       str label[3] (positions 1..3), str title[7] (axis names 1..7),
       u32 def[3] (definition term of positions 1..3 or NONE), u32 pad */
    MC__PCS_TAB_SIZE = 112,
    MC__PCS_TAB_FIRST_ROW = 4,
    MC__PCS_TAB_N_ROWS = 8,
    MC__PCS_TAB_N_CODES = 12,
    MC__PCS_TAB_LABEL = 16,
    MC__PCS_TAB_TITLE = 40,
    MC__PCS_TAB_DEF = 96,

    /* row record: u64 mask[4] (bit i = PCS character index i allowed at position 4+k),
       u32 first_label[4], u8 n_labels[4], u32 table, u32 n_codes, u32 pad */
    MC__PCS_ROW_SIZE = 64,
    MC__PCS_ROW_MASK = 0,
    MC__PCS_ROW_FIRST = 32,
    MC__PCS_ROW_NLAB = 48,
    MC__PCS_ROW_TABLE = 52,
    MC__PCS_ROW_N_CODES = 56,

    /* label record: char value, u8 pos (4..7), u16 pad, u32 def (term or NONE), str text */
    MC__PCS_LAB_SIZE = 16,

    /* definition record: str definition, str explanation, str includes, str covers (the
       specific devices coded to this value in this table, "; "-joined) */
    MC__PCS_DEF_SIZE = 32,

    /* order record: code[7] (NUL-padded, 3 chars for a table header), u8 valid (1 = a
       reportable code, 0 = a header), u32 order number, u32 pad, str short, str long */
    MC__PCS_ORD_SIZE = 32,
};

#define MC__PCS_NONE UINT32_MAX

#endif
