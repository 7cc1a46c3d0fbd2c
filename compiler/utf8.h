/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler's names for the shared Unicode helpers of
 * include/agent/unicode.h (implemented in runtime/utf8.c, linked into
 * both sigmac-c and the agent so both sides fold text identically).
 */
#ifndef SC_UTF8_H
#define SC_UTF8_H

#include "unicode.h"

#define sc_utf8_decode ag_utf8_decode
#define sc_utf8_encode ag_utf8_encode
#define sc_utf8_valid_prefix ag_utf8_valid_prefix
#define sc_utf8_valid ag_utf8_valid
#define sc_utf8_count ag_utf8_count
#define sc_ucd_fold_cp ag_ucd_fold_cp
#define sc_ucd_is_word ag_ucd_is_word
#define sc_ucd_ranges ag_ucd_ranges
#define sc_utf8_fold ag_utf8_fold
#define sc_ucd_fold_class ag_ucd_fold_class
#define sc_ucd_version ag_ucd_version
#define sc_ucd_fold_len ag_ucd_fold_len
#define sc_ucd_word_len ag_ucd_word_len
#define sc_ucd_digit_len ag_ucd_digit_len
#define sc_ucd_space_len ag_ucd_space_len
#define sc_ucd_fold ag_ucd_fold
#define sc_ucd_word ag_ucd_word
#define sc_ucd_digit ag_ucd_digit
#define sc_ucd_space ag_ucd_space
#define SC_UTF8_INVALID AG_UTF8_INVALID
#define SC_UCD_WORD AG_UCD_WORD
#define SC_UCD_DIGIT AG_UCD_DIGIT
#define SC_UCD_SPACE AG_UCD_SPACE
#define sc_ucd_prop ag_ucd_prop

#endif /* SC_UTF8_H */
