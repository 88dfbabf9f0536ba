/*
 * ICD-10-CM bundle sections (docs/FORMAT.md, "ICD-10-CM sections").
 * Shared by the writer (cm_build.c) and the reader (cm.c). All integers are
 * little-endian; string references are (offset, length) into CMSTR.
 *
 * CMCODE  header {u32 n_codes, u32 n_billable, u32 reserved[2]} then n_codes
 *         records of CM_CODE_REC bytes sorted by undotted code (NUL padded):
 *           0  char code[8]
 *           8  u32 short_off, 12 u32 short_len, 16 u32 long_off, 20 u32 long_len
 *          24  u32 parent (MC_NONE for a category)
 *          28  u32 chapter, 32 u32 block (MC_NONE when unknown)
 *          36  u32 kids_first (into CMKIDS), 40 u32 kids_count
 *          44  u32 notes_first (into CMNOTE), 48 u16 notes_count
 *          50  u8 flags (1 billable, 2 described by the tabular), 51 u8 length
 *          52  u32 seventh (index into CMSEVN owners, MC_NONE when none applies)
 * CMKIDS  u32 code ids; each code's children are a contiguous run
 * CMNOTE  records of CM_NOTE_REC bytes: u8 kind, u8 level, u16 0, u32 owner,
 *         u32 text_off, u32 text_len, u32 refs_first, u32 refs_count
 *         (notes of one owner are contiguous, in tabular order)
 * CMREF   records {char lo[8], char hi[8]}
 * CMCHAP  {u32 number, u32 title_off, u32 title_len, char first[4], char last[4],
 *          u32 notes_first, u32 notes_count, u32 0}
 * CMBLOCK {u32 chapter, u32 id_off, u32 id_len, u32 title_off, u32 title_len,
 *          char first[4], char last[4], u32 notes_first, u32 notes_count, u32 0}
 * CMSEVN  header {u32 n_owners, u32 n_chars}; n_owners × {u32 code id,
 *         u32 chars_first, u32 chars_count}; n_chars × {u8 ch, u8 0, u16 0,
 *         u32 text_off, u32 text_len}
 * CMHASH  {u32 n_slots (a power of two), u32 0} then n_slots u32 code ids
 *         (MC_NONE = empty): open addressing, linear probing, slot =
 *         cm_hash(code) & (n_slots - 1), code read as a little-endian u64
 * CMSTR   UTF-8 bytes
 */
#ifndef MC_CM_FORMAT_H
#define MC_CM_FORMAT_H

enum {
    CM_CODE_HDR = 16,
    CM_CODE_REC = 56,
    CM_NOTE_REC = 24,
    CM_REF_REC = 16,
    CM_CHAP_REC = 32,
    CM_BLOCK_REC = 40,
    CM_SEVN_HDR = 8,
    CM_SEVN_OWNER = 12,
    CM_SEVN_CHAR = 12,
    CM_FLAG_BILLABLE = 1,
    CM_FLAG_TABULAR = 2,
};

#include <stdint.h>
#include <string.h>

/* Hash of an undotted, NUL-padded 8-byte code (Fibonacci hashing). */
static inline uint32_t cm_hash(const char code[8])
{
    uint64_t k;
    memcpy(&k, code, 8);
    return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32);
}

#endif
