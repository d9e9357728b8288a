/* tckn: the T.C. Kimlik No (Turkish national identity number).
 *
 * 11 digits, the first not 0; d10 = (7*(d1+d3+d5+d7+d9) - (d2+d4+d6+d8))
 * mod 10 (non-negative), d11 = (d1+...+d10) mod 10.  It is personal data
 * (KVKK): only its masked form (100******46) leaves the robot in mail and
 * logs. */
#ifndef ROBOT_TCKN_H
#define ROBOT_TCKN_H

#include <stddef.h>

/* 1 when s is exactly 11 digits with a valid checksum. */
int tckn_valid(const char *s);
/* Writes the masked form of an 11-digit s ("100******46") into out (at
 * least 12 bytes).  Anything not 11 digits gives "***********". */
void tckn_mask(const char *s, char out[12]);
/* Masks, in place, every run of exactly 11 digits in the UTF-8 text s the
 * way tckn_mask does (first three and last two digits kept), whatever
 * surrounds it and however it is written: next to letters
 * ("TC38461590242"), in groups joined by blanks (one or two spaces, tabs
 * or no-break spaces) or by a dot, hyphen or slash ("384 615 902 42",
 * "384.615.902.42", "384 - 615 - 902 - 42"), checksum or not.
 * Of a longer run of groups, each stretch of whole groups holding 11
 * digits is masked.  For output only (mail, logs, digest, status): the
 * robot matches with the numbers in full. */
void tckn_mask_text(char *s);
/* 1 when masked (e.g. "123******01", '*' or 'X' for hidden digits) could
 * be full: same length and every visible digit equal. */
int tckn_masked_match(const char *masked, const char *full);

#endif
