/* Unit tests for fold: Turkish folding and the map back to the original. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fold.h"

static void
check(const char *in, enum fold_form form, const char *want)
{
	char *got = fold_str(in, form);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_turkish_i(void **state)
{
	check("İSTANBUL", FOLD_LOWER, "istanbul");
	check("ıIiİ", FOLD_LOWER, "iiii");
	check("NİTELİKLİ ELEKTRONİK SERTİFİKA", FOLD_LOWER,
	    "nitelikli elektronik sertifika");
	check("ISLAK İMZA", FOLD_ASCII, "islak imza");
	check("e-İmza", FOLD_ASCII, "e-imza");
}

static void
test_letters(void **state)
{
	check("ŞĞÜÖÇ şğüöç", FOLD_LOWER, "şğüöç şğüöç");
	check("ŞĞÜÖÇ şğüöç", FOLD_ASCII, "sguoc sguoc");
	check("BAŞVURUNUZ", FOLD_ASCII, "basvurunuz");
	check("Başvurunuz", FOLD_ASCII, "basvurunuz");
	check("Basvurunuz", FOLD_ASCII, "basvurunuz");
	check("Âşık Îmâ Ûmit", FOLD_ASCII, "asik ima umit");
	check("Âşık", FOLD_LOWER, "âşik");
	/* Not Turkish: lower-cased by Unicode, kept otherwise. */
	check("ÉCOLE Straße ΣΟΦΙΑ", FOLD_ASCII, "école straße σοφια");
}

static void
test_decomposed(void **state)
{
	/* I + U+0307 (decomposed İ), i + U+0307, s + cedilla, g + breve,
	 * O + diaeresis. */
	check("I\xcc\x87STANBUL", FOLD_LOWER, "istanbul");
	check("i\xcc\x87stanbul", FOLD_LOWER, "istanbul");
	check("bas\xcc\xa7vuru", FOLD_LOWER, "başvuru");
	check("bas\xcc\xa7vuru", FOLD_ASCII, "basvuru");
	check("Dog\xcc\x86" "an O\xcc\x88ZTU\xcc\x88RK", FOLD_ASCII,
	    "dogan ozturk");
	check("Dog\xcc\x86" "an", FOLD_LOWER, "doğan");
}

static void
test_map(void **state)
{
	const char *orig = "Sayın AYŞE YILMAZ, başvurunuz";
	struct fold f;
	const char *hit;
	size_t a, b;

	assert_int_equal(fold_text(orig, strlen(orig), FOLD_ASCII, &f), 0);
	assert_string_equal(f.s, "sayin ayse yilmaz, basvurunuz");
	assert_int_equal(f.len, strlen(f.s));
	hit = strstr(f.s, "ayse yilmaz");
	assert_non_null(hit);
	a = (size_t)(hit - f.s);
	b = a + strlen("ayse yilmaz");
	/* The capture is cut from the original, letters as written. */
	assert_int_equal(f.map[b] - f.map[a], strlen("AYŞE YILMAZ"));
	assert_memory_equal(orig + f.map[a], "AYŞE YILMAZ",
	    strlen("AYŞE YILMAZ"));
	assert_int_equal(f.map[f.len], strlen(orig));
	fold_free(&f);
	assert_null(f.s);

	/* Decomposed input: the marks belong to the letter before them. */
	orig = "xI\xcc\x87y";
	assert_int_equal(fold_text(orig, strlen(orig), FOLD_LOWER, &f), 0);
	assert_string_equal(f.s, "xiy");
	assert_int_equal(f.map[0], 0);
	assert_int_equal(f.map[1], 1);
	assert_int_equal(f.map[2], 4);
	assert_int_equal(f.map[3], 5);
	fold_free(&f);

	/* Multi-byte output: every byte of it maps to its source. */
	orig = "aĞb";
	assert_int_equal(fold_text(orig, strlen(orig), FOLD_LOWER, &f), 0);
	assert_string_equal(f.s, "ağb");
	assert_int_equal(f.map[1], 1);
	assert_int_equal(f.map[2], 1);
	assert_int_equal(f.map[3], 3);
	fold_free(&f);
}

static void
test_invalid(void **state)
{
	/* windows-1254 bytes (Ş = 0xde, ı = 0xfd), a lone continuation byte,
	 * a truncated sequence at the end: passed through one by one. */
	const char orig[] = "A\xde" "B\x80" "C\xc5";
	struct fold f;

	assert_int_equal(fold_text(orig, sizeof(orig) - 1, FOLD_ASCII, &f), 0);
	assert_int_equal(f.len, 6);
	assert_memory_equal(f.s, "a\xde" "b\x80" "c\xc5", 6);
	assert_int_equal(f.map[1], 1);
	assert_int_equal(f.map[5], 5);
	assert_int_equal(f.map[6], 6);
	fold_free(&f);

	/* Overlong encoding of '/' and a surrogate are invalid too. */
	check("\xc0\xaf\xed\xa0\x80", FOLD_LOWER, "\xc0\xaf\xed\xa0\x80");
	assert_int_equal(fold_text(NULL, 0, FOLD_LOWER, &f), -1);
	assert_null(fold_str(NULL, FOLD_LOWER));
	check("", FOLD_ASCII, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turkish_i),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_decomposed),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
