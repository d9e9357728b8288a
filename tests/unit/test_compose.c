/* Unit tests of compose: exact headers, RFC 2047 round trip through
 * libetpan, header injection refused, quoted-printable, and the
 * multipart/alternative structure parsed back with libetpan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "buf.h"
#include "compose.h"

#define T_MONDAY_0900	((time_t)1796623200)	/* 2026-12-07 09:00 +03 */

static const struct compose_addr robot = { "BİDB NES Takip Robotu",
    "nes-robot@example.edu.tr" };

static void
base_msg(struct compose_msg *m, const struct compose_addr *to, size_t nto)
{
	memset(m, 0, sizeof(*m));
	m->from = robot;
	m->to = to;
	m->nto = nto;
	m->subject = "[NES-2026-0042] NES yenileme";
	m->date = T_MONDAY_0900;
	m->message_id = "nes.1.abc@example.edu.tr";
	m->text = "Sayın Ayşe,\nİyi günler.\n";
}

static void
test_exact_headers(void **state)
{
	const struct compose_addr to[] = {
		{ "Ayşe Yılmaz", "ayse@example.edu.tr" },
		{ NULL, "bidb@example.edu.tr" },
	};
	const struct compose_addr cc[] = {
		{ "Smith, John", "john@example.edu.tr" },
	};
	const struct compose_addr rt[] = {
		{ "BİDB", "bidb@example.edu.tr" },
		{ "NES Yenileme Robotu", "nes-robot@example.edu.tr" },
	};
	const struct compose_header x[] = { { "X-NES-Case",
	    "NES-2026-0042" } };
	struct compose_msg m;
	char *msg, err[128];
	size_t len;

	(void)state;
	base_msg(&m, to, 2);
	m.cc = cc;
	m.ncc = 1;
	m.reply_to = rt;
	m.nreply_to = 2;
	m.in_reply_to = "<orig@x.example>";
	m.references = "a@x.example orig@x.example";
	m.extra = x;
	m.nextra = 1;
	assert_int_equal(compose_build(&m, &msg, &len, err, sizeof(err)), 0);
	assert_int_equal(strlen(msg), len);
	assert_string_equal(msg,
	    "From: =?UTF-8?B?QsSwREIgTkVTIFRha2lwIFJvYm90dQ==?= "
	    "<nes-robot@example.edu.tr>\r\n"
	    "To: =?UTF-8?B?QXnFn2UgWcSxbG1heg==?= <ayse@example.edu.tr>,\r\n"
	    " bidb@example.edu.tr\r\n"
	    "Cc: \"Smith, John\" <john@example.edu.tr>\r\n"
	    "Reply-To: =?UTF-8?B?QsSwREI=?= <bidb@example.edu.tr>, NES "
	    "Yenileme Robotu\r\n"
	    " <nes-robot@example.edu.tr>\r\n"
	    "Subject: [NES-2026-0042] NES yenileme\r\n"
	    "Date: Mon, 07 Dec 2026 09:00:00 +0300\r\n"
	    "Message-ID: <nes.1.abc@example.edu.tr>\r\n"
	    "In-Reply-To: <orig@x.example>\r\n"
	    "References: <a@x.example> <orig@x.example>\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n"
	    "X-NES-Case: NES-2026-0042\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Say=C4=B1n Ay=C5=9Fe,\r\n"
	    "=C4=B0yi g=C3=BCnler.\r\n");
	free(msg);
}

/* Decodes an RFC 2047 value with libetpan. */
static char *
decode2047(const char *s)
{
	size_t idx = 0;
	char *out = NULL;

	assert_int_equal(mailmime_encoded_phrase_parse("us-ascii", s,
	    strlen(s), &idx, "utf-8", &out), MAILIMF_NO_ERROR);
	return out;
}

static int
valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, c;

	while (i < n) {
		c = u[i] < 0x80 ? 0 : u[i] < 0xe0 ? 1 : u[i] < 0xf0 ? 2 : 3;
		if (u[i] >= 0x80 && u[i] < 0xc2)
			return 0;
		if (i + c >= n + (c ? 0 : 1))
			return 0;
		for (k = 1; k <= c; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
		i += c + 1;
	}
	return 1;
}

static void
test_subject_2047(void **state)
{
	const char *subjects[] = {
		"[NES-2026-0042] NES yenileme: başvurunuzu doldurmanız "
		    "bekleniyor",
		"[NES-2026-0043] NİTELİKLİ ELEKTRONİK SERTİFİKA YENİLEME: "
		    "ŞİŞLİ ÇAĞLAYAN ĞÜÖ ıiİI ğüşöç — uzun bir konu satırı, "
		    "çok uzun, gerçekten çok uzun bir konu satırı",
		"ııııııııııııııııııııııııııııııııııııııııııııııııııııııı"
		    "ııııııııııııııııııı",	/* 2-byte chars across words */
		"€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",	/* 3-byte */
		"A plain ASCII subject that is long enough to need folding "
		    "onto a second line of the header",
		"looks =?like?= an encoded word",
	};
	struct buf b = BUF_INIT;
	const char *line, *eol, *w, *we, *v;
	char *dec, *word, *unf;
	size_t i, j, k;

	(void)state;
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		buf_reset(&b);
		assert_int_equal(compose_header_text(&b, "Subject",
		    subjects[i]), 0);
		/* every line <= 78, every encoded word <= 75 and whole */
		for (line = b.s; *line; line = eol + 2) {
			eol = strstr(line, "\r\n");
			assert_non_null(eol);
			assert_true(eol - line <= 78);
			for (w = line; (w = strstr(w, "=?")) != NULL &&
			    w < eol; w = we) {
				we = strstr(w + 10, "?=");
				assert_non_null(we);
				we += 2;
				assert_true(we - w <= 75);
				word = strndup(w, we - w);
				dec = decode2047(word);
				if (!valid_utf8(dec, strlen(dec)))
					fail_msg("word %s splits a character",
					    word);
				free(word);
				free(dec);
			}
		}
		/* unfold, drop "Subject: ", decode: the exact text back */
		unf = malloc(b.len + 1);
		for (j = 0, k = 0; j < b.len; j++) {
			if (b.s[j] == '\r' && b.s[j + 1] == '\n') {
				j++;
				continue;
			}
			unf[k++] = b.s[j];
		}
		unf[k] = '\0';
		assert_memory_equal(unf, "Subject: ", 9);
		v = unf + 9;
		dec = decode2047(v);
		assert_string_equal(dec, subjects[i]);
		free(dec);
		free(unf);
	}
	/* the plain one stays readable */
	buf_reset(&b);
	compose_header_text(&b, "Subject", subjects[4]);
	assert_null(strstr(b.s, "=?"));
	/* a look-alike encoded word is encoded so it decodes to itself */
	buf_reset(&b);
	compose_header_text(&b, "Subject", subjects[5]);
	assert_non_null(strstr(b.s, "=?UTF-8?B?"));
	buf_free(&b);
}

static void
expect_refused(struct compose_msg *m, const char *why)
{
	char *msg = (char *)"untouched", err[128] = "";
	size_t len = 99;

	assert_int_equal(compose_build(m, &msg, &len, err, sizeof(err)), -1);
	assert_null(msg);
	assert_int_equal(len, 0);
	if (strstr(err, why) == NULL)
		fail_msg("error '%s' lacks '%s'", err, why);
}

static void
test_injection(void **state)
{
	struct compose_addr to[] = { { NULL, "ayse@example.edu.tr" } };
	struct compose_msg m;

	(void)state;
	base_msg(&m, to, 1);
	m.subject = "Merhaba\r\nBcc: x@evil.example";
	expect_refused(&m, "subject");
	m.subject = "Merhaba\nBcc: x@evil.example";
	expect_refused(&m, "subject");
	m.subject = "ok";

	to[0].addr = "ayse@example.edu.tr>\r\nBcc: x@evil.example";
	expect_refused(&m, "To");
	to[0].addr = "ayse@example.edu.tr, x@evil.example";
	expect_refused(&m, "To");
	to[0].addr = "<ayse@example.edu.tr>";
	expect_refused(&m, "To");
	to[0].addr = "ayse@example.edu.tr";
	to[0].name = "Ayşe\r\nBcc: x@evil.example";
	expect_refused(&m, "display name");
	to[0].name = NULL;
	{
		struct compose_addr rt[] = { { NULL,
		    "bidb@example.edu.tr\r\nBcc: x@evil.example" } };

		m.reply_to = rt;
		m.nreply_to = 1;
		expect_refused(&m, "Reply-To");
		m.reply_to = NULL;
		m.nreply_to = 0;
	}

	m.message_id = "abc@example.edu.tr>\r\nBcc: <x@evil.example";
	expect_refused(&m, "Message-ID");
	m.message_id = "no-at-sign";
	expect_refused(&m, "Message-ID");
	m.message_id = "nes.1@example.edu.tr";
	m.in_reply_to = "a@b\nBcc: x@evil.example";
	expect_refused(&m, "In-Reply-To");
	m.in_reply_to = NULL;
	m.references = "a@b\r\nX: y";
	expect_refused(&m, "References");
	m.references = NULL;
	m.nto = 0;
	expect_refused(&m, "no To");
}

static void
test_addr_valid(void **state)
{
	(void)state;
	assert_true(compose_addr_valid("ayse.yilmaz@example.edu.tr"));
	assert_true(compose_addr_valid("a+b@x.y"));
	assert_false(compose_addr_valid("ayse"));
	assert_false(compose_addr_valid("a@b@c"));
	assert_false(compose_addr_valid("@x.y"));
	assert_false(compose_addr_valid("a@"));
	assert_false(compose_addr_valid("a b@x.y"));
	assert_false(compose_addr_valid("<a@x.y>"));
	assert_false(compose_addr_valid("a@x.y,b@x.y"));
	assert_false(compose_addr_valid("ayşe@x.y"));
	assert_false(compose_addr_valid(""));
}

/* Decodes quoted-printable with libetpan. */
static char *
qp_decode(const char *s, size_t len, size_t *out_len)
{
	size_t idx = 0;
	char *res, *copy;

	assert_int_equal(mailmime_part_parse(s, len, &idx,
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE, &res, out_len),
	    MAILIMF_NO_ERROR);
	copy = malloc(*out_len + 1);
	memcpy(copy, res, *out_len);
	copy[*out_len] = '\0';
	mailmime_decoded_part_free(res);
	return copy;
}

static void
test_qp(void **state)
{
	struct buf b = BUF_INIT, in = BUF_INIT, want = BUF_INIT;
	const char *line, *eol;
	char *dec;
	size_t n, i;

	(void)state;
	compose_qp(&b, "Şule Öztürk: ığüşöç İĞÜŞÖÇ a=b\n",
	    strlen("Şule Öztürk: ığüşöç İĞÜŞÖÇ a=b\n"));
	assert_string_equal(b.s, "=C5=9Eule =C3=96zt=C3=BCrk: =C4=B1=C4=9F"
	    "=C3=BC=C5=9F=C3=B6=C3=A7 =C4=B0=\r\n"
	    "=C4=9E=C3=9C=C5=9E=C3=96=C3=87 a=3Db\r\n");

	/* trailing blanks are encoded, "From " at a line start too */
	buf_reset(&b);
	compose_qp(&b, "son \nFrom here\t\n",
	    strlen("son \nFrom here\t\n"));
	assert_string_equal(b.s, "son=20\r\n=46rom here=09\r\n");

	/* a long Turkish line: soft breaks, lines <= 76, decodes back */
	for (i = 0; i < 60; i++)
		buf_puts(&in, "çalışma ");
	buf_puts(&in, "\nikinci satır\r\nüçüncü\n");
	buf_reset(&b);
	compose_qp(&b, in.s, in.len);
	for (line = b.s; *line; line = eol + 2) {
		eol = strstr(line, "\r\n");
		assert_non_null(eol);
		assert_true(eol - line <= 76);
		/* never half a UTF-8 character before a soft break */
		if (eol > line && eol[-1] == '=' && eol - line >= 4)
			assert_false(eol[-4] == '=' && eol[-3] == 'C' &&
			    eol[-2] == '3');
	}
	assert_non_null(strstr(b.s, "=\r\n"));
	dec = qp_decode(b.s, b.len, &n);
	/* LF and CRLF both become CRLF */
	for (i = 0; i < 60; i++)
		buf_puts(&want, "çalışma ");
	buf_puts(&want, "\r\nikinci satır\r\nüçüncü\r\n");
	assert_int_equal(n, want.len);
	assert_memory_equal(dec, want.s, n);
	free(dec);
	buf_free(&b);
	buf_free(&in);
	buf_free(&want);
}

static void
test_alternative(void **state)
{
	const struct compose_addr to[] = { { NULL, "ayse@example.edu.tr" } };
	struct compose_msg m;
	struct mailmime *mime = NULL, *part;
	struct mailmime_single_fields sf;
	clistiter *it;
	char *msg, err[128], *dec, *body;
	const char *bd;
	size_t len, idx = 0, n, i = 0;
	const char *want_type[] = { "plain", "html" };
	const char *want_body[] = {
		"Sayın Ayşe,\r\nİyi günler.\r\n",
		"<p>Sayın <b>Ayşe</b>, çok uzun bir satır çok uzun bir satır "
		    "çok uzun bir satır çok uzun bir satır</p>\r\n",
	};

	(void)state;
	base_msg(&m, to, 1);
	m.subject = "NES yenileme: başvurunuzu doldurmanız bekleniyor";
	m.html = "<p>Sayın <b>Ayşe</b>, çok uzun bir satır çok uzun bir satır "
	    "çok uzun bir satır çok uzun bir satır</p>\n";
	assert_int_equal(compose_build(&m, &msg, &len, err, sizeof(err)), 0);
	bd = strstr(msg, "boundary=\"=_");
	assert_non_null(bd);
	assert_non_null(strstr(msg, "Content-Type: multipart/alternative;"));
	/* no bare LF anywhere */
	for (n = 0; n < len; n++)
		if (msg[n] == '\n')
			assert_int_equal(msg[n - 1], '\r');

	assert_int_equal(mailmime_parse(msg, len, &idx, &mime),
	    MAILIMF_NO_ERROR);
	assert_int_equal(mime->mm_type, MAILMIME_MESSAGE);
	part = mime->mm_data.mm_message.mm_msg_mime;
	assert_non_null(part);
	assert_int_equal(part->mm_type, MAILMIME_MULTIPLE);
	assert_string_equal(part->mm_content_type->ct_subtype, "alternative");
	assert_int_equal(clist_count(part->mm_data.mm_multipart.mm_mp_list),
	    2);
	for (it = clist_begin(part->mm_data.mm_multipart.mm_mp_list);
	    it != NULL; it = clist_next(it), i++) {
		struct mailmime *p = clist_content(it);

		assert_int_equal(p->mm_type, MAILMIME_SINGLE);
		assert_string_equal(p->mm_content_type->ct_subtype,
		    want_type[i]);
		mailmime_single_fields_init(&sf, p->mm_mime_fields,
		    p->mm_content_type);
		assert_string_equal(sf.fld_content_charset, "utf-8");
		assert_int_equal(sf.fld_encoding->enc_type,
		    MAILMIME_MECHANISM_QUOTED_PRINTABLE);
		body = (char *)p->mm_data.mm_single->dt_data.dt_text.dt_data;
		dec = qp_decode(body,
		    p->mm_data.mm_single->dt_data.dt_text.dt_length, &n);
		assert_string_equal(dec, want_body[i]);
		free(dec);
	}
	/* the subject decodes back exactly */
	{
		struct mailimf_fields *f = mime->mm_data.mm_message.mm_fields;
		struct mailimf_single_fields s;

		mailimf_single_fields_init(&s, f);
		assert_non_null(s.fld_subject);
		dec = decode2047(s.fld_subject->sbj_value);
		assert_string_equal(dec, m.subject);
		free(dec);
		assert_non_null(s.fld_message_id);
		assert_string_equal(s.fld_message_id->mid_value,
		    "nes.1.abc@example.edu.tr");
	}
	mailmime_free(mime);

	/* two builds, two boundaries */
	{
		char *msg2, b1[64], b2[64];
		size_t len2;

		assert_int_equal(compose_build(&m, &msg2, &len2, err,
		    sizeof(err)), 0);
		sscanf(strstr(msg, "boundary=\""), "boundary=\"%63[^\"]", b1);
		sscanf(strstr(msg2, "boundary=\""), "boundary=\"%63[^\"]",
		    b2);
		assert_string_not_equal(b1, b2);
		free(msg2);
	}
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_headers),
		cmocka_unit_test(test_subject_2047),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_addr_valid),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_alternative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
