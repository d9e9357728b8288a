/* Unit tests for scrub.c: which writings of a person's identifiers are
 * found, and what the text keeps around them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scrub.h"

/* text scrubbed of sc, or "(none)" when nothing was found; freed by the
 * next call. */
static const char *
scrubbed(const struct scrub *sc, const char *text, size_t *hits_r)
{
	static char *last;
	size_t hits;

	free(last);
	last = scrub_text(sc, text, &hits);
	if (hits_r)
		*hits_r = hits;
	return last ? last : "(none)";
}

static void
test_writings(void **state)
{
	struct scrub sc = { 0 };

	assert_int_equal(scrub_add(&sc, "Ayşe Yılmaz"), 1);
	/* Each writing of the name, as mail writes it. */
	assert_string_equal(scrubbed(&sc, "Sayın Ayşe Yılmaz,", NULL),
	    "Sayın " SCRUB_MARK ",");
	assert_string_equal(scrubbed(&sc, "SAYIN AYŞE YILMAZ, kurumunuz",
	    NULL), "SAYIN " SCRUB_MARK ", kurumunuz");
	assert_string_equal(scrubbed(&sc, "Sayin Ayse Yilmaz.", NULL),
	    "Sayin " SCRUB_MARK ".");
	assert_string_equal(scrubbed(&sc, "1\tAyşe  Yılmaz\t384", NULL),
	    "1\t" SCRUB_MARK "\t384");
	assert_string_equal(scrubbed(&sc, "> Ayşe\r\n> Yılmaz", NULL),
	    "(none)");	/* a quote mark between: not the name */
	assert_string_equal(scrubbed(&sc, "Ayşe\nYılmaz", NULL), SCRUB_MARK);
	assert_string_equal(scrubbed(&sc, "<td>Ayşe Yılmaz</td>", NULL),
	    "<td>" SCRUB_MARK "</td>");
	assert_string_equal(scrubbed(&sc, "Ayşe Yılmazoğlu", NULL), "(none)");
	assert_string_equal(scrubbed(&sc, "Hülya Ayşe Yılmaz", NULL),
	    "Hülya " SCRUB_MARK);
	assert_string_equal(scrubbed(&sc, "nobody here", NULL), "(none)");
	assert_string_equal(scrubbed(&sc, NULL, NULL), "(none)");
	scrub_free(&sc);
}

static void
test_numbers_and_addresses(void **state)
{
	struct scrub sc = { 0 };
	size_t hits;

	assert_int_equal(scrub_add(&sc, "38461590242"), 1);
	assert_int_equal(scrub_add(&sc, "384******42"), 1);
	assert_int_equal(scrub_add(&sc, "ayse.yilmaz@example.edu.tr"), 1);
	assert_int_equal(scrub_add(&sc, "0532 418 27 63"), 1);
	assert_string_equal(scrubbed(&sc, "T.C.: 38461590242.", NULL),
	    "T.C.: " SCRUB_MARK ".");
	assert_string_equal(scrubbed(&sc, "no 138461590242 or 384615902421",
	    NULL), "(none)");
	assert_string_equal(scrubbed(&sc, "tckn=384******42 ok", NULL),
	    "tckn=" SCRUB_MARK " ok");
	assert_string_equal(scrubbed(&sc, "To: Ayse <Ayse.Yilmaz@Example.EDU.tr>",
	    NULL), "To: Ayse <" SCRUB_MARK ">");
	assert_string_equal(scrubbed(&sc, "xayse.yilmaz@example.edu.tr",
	    NULL), "(none)");
	assert_string_equal(scrubbed(&sc, "Cep: 0532 418 27 63 | 38461590242",
	    &hits), "Cep: " SCRUB_MARK " | " SCRUB_MARK);
	assert_int_equal(hits, 2);
	scrub_free(&sc);
}

/* Needles that overlap leave one mark for the stretch they cover. */
static void
test_overlap(void **state)
{
	struct scrub sc = { 0 };
	size_t hits;

	scrub_add(&sc, "Ayşe Yılmaz");
	scrub_add(&sc, "Yılmaz Kaya");
	assert_string_equal(scrubbed(&sc, "(Ayşe Yılmaz Kaya)", &hits),
	    "(" SCRUB_MARK ")");
	assert_int_equal(hits, 2);
	assert_string_equal(scrubbed(&sc, "Ayşe Yılmaz, Yılmaz Kaya", &hits),
	    SCRUB_MARK ", " SCRUB_MARK);
	assert_int_equal(hits, 2);
	scrub_free(&sc);
}

static void
test_refused(void **state)
{
	struct scrub sc = { 0 };

	assert_int_equal(scrub_add(&sc, NULL), 0);
	assert_int_equal(scrub_add(&sc, "Ali"), 0);	/* too short */
	assert_int_equal(scrub_add(&sc, "   "), 0);
	assert_int_equal(scrub_add(&sc, "Ali Can"), 1);
	assert_int_equal(scrub_add(&sc, "ALİ  CAN"), 0);	/* the same */
	assert_int_equal(sc.n, 1);
	assert_string_equal(scrubbed(&sc, "Ali Cantürk, Ali Can.", NULL),
	    "Ali Cantürk, " SCRUB_MARK ".");
	scrub_free(&sc);
	assert_string_equal(scrubbed(&sc, "Ali Can", NULL), "(none)");
	scrubbed(&sc, NULL, NULL);	/* frees the last result */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writings),
		cmocka_unit_test(test_numbers_and_addresses),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("scrub", tests, NULL, NULL);
}
