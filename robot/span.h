/* span: runs of bytes measured eight at a time.
 *
 * The decoders and the password filter look at every byte of every
 * message, and most bytes are of no interest to them: ASCII between the
 * Turkish letters, plain text between quoted-printable escapes, words
 * that are not the label sought.  These functions skip such a run a
 * 64-bit word at a time and say where it ends. */
#ifndef ROBOT_SPAN_H
#define ROBOT_SPAN_H

#include <stddef.h>

/* The number of bytes at the start of p[0..n) below 0x80. */
size_t span_ascii(const void *p, size_t n);
/* The number of bytes at the start of p[0..n) that are none of a, b, c. */
size_t span_not3(const void *p, size_t n, unsigned char a, unsigned char b,
    unsigned char c);
/* The offset in p[0..n) of the first byte that is the ASCII letter a, of
 * either case, followed by the letter b, of either case; n when there is
 * none.  a and b are lower case. */
size_t span_pair_ci(const void *p, size_t n, unsigned char a,
    unsigned char b);

#endif
