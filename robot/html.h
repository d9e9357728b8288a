/* html: HTML mail bodies -> plain text for matching and reading.
 *
 * Uses libxml2's forgiving HTML parser (no network, no error output).
 * Block elements (p, div, li, headings, ...) and <br> end lines; each
 * table row <tr> becomes one line with its cells separated by " | ";
 * script, style and head are dropped; entities are decoded; runs of
 * white space (including U+00A0) collapse to one space, lines are trimmed
 * and at most one blank line separates paragraphs. */
#ifndef ROBOT_HTML_H
#define ROBOT_HTML_H

#include <stddef.h>

/* Converts len bytes of UTF-8 HTML to UTF-8 text.  Returns a string owned
 * by the caller (free()); never NULL ("" when there is no text). */
char *html_to_text(const char *html, size_t len);

#endif
