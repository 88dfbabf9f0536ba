/*
 * HCPCS internals: the HCPREC section layout shared by builder and reader.
 *
 * Section frame: u32 magic "HCP2", u32 n_records, u32 record_size,
 * u32 text_size, then records sorted by code, then the text area. A record:
 * char code[8] (NUL-padded), u32 add_date, u32 action_date, u32 term_date
 * (YYYYMMDD, 0 = blank), u8 flags (bit 0: modifier), u8 action, u16 pad,
 * u16 length[4] (of the long and short descriptions, COV and BETOS, copied
 * here so a look-up touches only the record), then u32 column[48]: offset
 * into the text area of a [u16 length][bytes] string (offset 0 holds the
 * empty string).
 */
#ifndef MC_HCPCS_INT_H
#define MC_HCPCS_INT_H

#include "base/base_int.h"

#define MC__HCP_TAG "HCPREC"

enum {
    MC__HCP_MAGIC = 0x32504348, /* "HCP2" */
    MC__HCP_FRAME = 16,
    MC__HCP_NCOL = 48,
    MC__HCP_REC_CODE = 0,
    MC__HCP_REC_ADD = 8,
    MC__HCP_REC_ACT = 12,
    MC__HCP_REC_TERM = 16,
    MC__HCP_REC_FLAGS = 20,
    MC__HCP_REC_ACTION = 21,
    MC__HCP_REC_LENS = 24,
    MC__HCP_REC_COLS = 32,
    MC__HCP_REC_SIZE = 32 + 4 * 48,
};

extern const char *const mc__hcpcs_columns[MC__HCP_NCOL];
/* The columns whose lengths the record repeats, in length[] order. */
extern const int mc__hcpcs_len_cols[4];

/* Parse YYYYMMDD digits (8) into a number, 0 for blank; -1 when malformed. */
long mc__hcpcs_date8(const char *p, size_t n);

#endif
