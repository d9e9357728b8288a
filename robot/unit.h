/* unit: the institution's units by their usual names.
 *
 * People write a unit many ways: "Mühendislik Fakültesi", "Müh. Fak.",
 * "MÜHENDİSLİK FAKÜLTESİ DEKANLIĞI", "Mühendislik Fakültesi Fakülte
 * Sekreterliği"; "Meslek Yüksekokulu" and "MYO"; "İİBF".  A unit key is
 * the one spelling all of them come to: folded (fold.h, ASCII form),
 * punctuation dropped, short words written out ("fak" -> "fakultesi"),
 * office names inside the unit dropped ("dekanligi", "fakulte
 * sekreterligi"), and a whole-name alias replaced by its unit.
 *
 * The table is rules/units.txt (its top comment is the reference):
 *
 *	[words]     fak = fakültesi           short forms of words
 *	[offices]   dekanlığı                 offices inside a unit, dropped
 *	[units]     İktisadi ve İdari Bilimler Fakültesi = İİBF, IIBF
 *
 * Without a table the folding alone applies. */
#ifndef ROBOT_UNIT_H
#define ROBOT_UNIT_H

#include <stddef.h>

/* Loads the table at path, replacing the one in use.  Returns 0, or -1
 * with "FILE:LINE: problem" in err (the old table stays). */
int unit_load(const char *path, char *err, size_t errlen);
/* Forgets the table. */
void unit_reset(void);

/* The unit key of a unit's name; NULL for NULL or a name that folds to
 * nothing.  Caller frees. */
char *unit_key(const char *name);

/* 1 when text mentions the unit whose key is key: its key or one of its
 * aliases appears as whole words, and is not part of a longer unit name
 * that also appears there ("Meslek Yüksekokulu" inside "Sağlık
 * Hizmetleri Meslek Yüksekokulu" is not a mention of the first). */
int unit_mentioned(const char *text, const char *key);

#endif
