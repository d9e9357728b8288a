/* Unit tests for mime.c against the fixtures in tests/fixtures/mail/ and
 * messages built in memory.  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "mime.h"

#define FIXTURES	"tests/fixtures/mail/"

/* Parses len bytes from an exact-size, non-NUL-terminated copy, so the
 * sanitizers catch any read past the end. */
static struct mime_msg *
parse_mem(const char *raw, size_t len)
{
	struct mime_msg *msg = NULL;
	const char *err = NULL;
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, raw, len);
	assert_int_equal(mime_parse(copy, len, &msg, &err), 0);
	free(copy);	/* nothing in msg may point into the raw bytes */
	assert_non_null(msg);
	assert_non_null(msg->text);
	return msg;
}

static struct mime_msg *
parse_str(const char *raw)
{
	return parse_mem(raw, strlen(raw));
}

static struct mime_msg *
parse_file(const char *name)
{
	struct buf b = BUF_INIT;
	struct mime_msg *msg;
	char path[256];

	snprintf(path, sizeof path, FIXTURES "%s", name);
	assert_int_equal(buf_read_file(&b, path), 0);
	msg = parse_mem(b.s, b.len);
	buf_free(&b);
	return msg;
}

static const struct mime_attachment *
att_named(const struct mime_msg *msg, const char *name)
{
	for (size_t i = 0; i < msg->natt; i++)
		if (msg->att[i].name != NULL &&
		    strcmp(msg->att[i].name, name) == 0)
			return &msg->att[i];
	fail_msg("no attachment named %s", name);
	return NULL;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, hay ? hay : "(null)");
}

static void
assert_no_crlf(const char *s)
{
	if (s != NULL)
		assert_null(strpbrk(s, "\r\n"));
}

/* ---- fixtures ---------------------------------------------------------- */

static void
test_utf8_plain(void **state)
{
	struct mime_msg *m = parse_file("utf8-plain.eml");

	assert_string_equal(m->subject, "NES Yenileme Talep Formu - Talep No "
	    "48213 (Mühendislik Fakültesi)");
	assert_string_equal(m->from,
	    "Ayşe Yılmaz <Ayse.Yilmaz@Example.edu.tr>");
	assert_string_equal(m->from_addr, "ayse.yilmaz@example.edu.tr");
	assert_string_equal(m->to, "BİDB <bidb@example.edu.tr>");
	assert_string_equal(m->cc, "NES Robotu <robot@example.edu.tr>, "
	    "ismail.caglar@example.edu.tr");
	assert_string_equal(m->to_addrs, "bidb@example.edu.tr, "
	    "robot@example.edu.tr, ismail.caglar@example.edu.tr");
	assert_string_equal(m->return_path, "ayse.yilmaz@example.edu.tr");
	assert_string_equal(m->sender_addr, "ayse.yilmaz@example.edu.tr");
	assert_string_equal(m->message_id,
	    "20260324101500.4F2A1@mail.example.edu.tr");
	assert_string_equal(m->date, "Tue, 24 Mar 2026 10:15:00 +0300");
	assert_int_equal(m->date_t, 1774336500);	/* 07:15 UTC */
	assert_null(m->in_reply_to);
	assert_null(m->references);

	assert_int_equal(m->nheaders, 11);
	assert_string_equal(m->headers[0].name, "Return-Path");
	assert_string_equal(m->headers[1].name, "Received");
	assert_string_equal(m->headers[1].value, "from mail.example.edu.tr "
	    "(mail.example.edu.tr [10.0.0.5]) by mx.example.edu.tr with "
	    "ESMTPS id 4F2A1; Tue, 24 Mar 2026 10:15:02 +0300");
	assert_string_equal(m->headers[10].name, "Content-Transfer-Encoding");
	for (size_t i = 0; i < m->nheaders; i++)
		assert_no_crlf(m->headers[i].value);
	assert_string_equal(mime_header(m, "content-type"),
	    "text/plain; charset=\"utf-8\"");
	assert_null(mime_header(m, "X-Missing"));

	assert_contains(m->text, "Sayın BİDB yetkilisi,\n\nMühendislik "
	    "Fakültesi personelinin");
	assert_contains(m->text,
	    "Türkçe harf denetimi: İıŞşĞğÜüÖöÇç\n\nSaygılarımla,\nAyşe Yılmaz");
	assert_null(m->html);
	assert_int_equal(m->natt, 0);
	assert_null(m->notes);
	mime_free(&m);
	assert_null(m);
}

static void
test_iso8859_9_qp(void **state)
{
	struct mime_msg *m = parse_file("iso8859-9-qp.eml");

	assert_string_equal(m->subject,
	    "Nitelikli Elektronik Sertifika Başvurunuz Hakkında");
	assert_string_equal(m->to, "Ayşe Yılmaz <ayse.yilmaz@example.edu.tr>");
	assert_string_equal(m->to_addrs,
	    "ayse.yilmaz@example.edu.tr, bidb@example.edu.tr");
	assert_string_equal(m->from_addr, "bilgi@kamusm.gov.tr");
	assert_contains(m->text, "Sayın AYŞE YILMAZ,\n\nKurumunuz tarafından "
	    "adınıza nitelikli elektronik sertifika başvurusu\nyapılmıştır.");
	assert_contains(m->text, "NES -> Bireysel İşlemler -> Başvuru "
	    "İşlemleri");
	assert_contains(m->text, "Türkçe harf denetimi: İıŞşĞğÜüÖöÇç");
	assert_null(strchr(m->text, '\r'));
	assert_null(m->notes);
	mime_free(&m);
}

static void
test_windows_1254_base64(void **state)
{
	struct mime_msg *m = parse_file("windows-1254-base64.eml");
	const struct mime_attachment *a;

	assert_string_equal(m->from, "BİDB <bidb@example.edu.tr>");
	assert_string_equal(m->subject,
	    "Kurumsal NES Yenileme Başvurusu - Mühendislik Fakültesi");
	assert_string_equal(m->text, "Sayın Yetkili,\n\n"
	    "Kurumsal NES yenileme başvurusu ekte e-imzalı olarak "
	    "gönderilmiştir.\n"
	    "Başvuru listesinde İsmail Çağlar ve Ayşe Yılmaz yer almaktadır.\n"
	    "Türkçe harf denetimi: İıŞşĞğÜüÖöÇç\n\n"
	    "Bilgi İşlem Daire Başkanlığı");
	assert_int_equal(m->natt, 1);
	/* RFC 2047 inside the quoted filename. */
	a = att_named(m, "Başvuru Formu İmzalı.pdf");
	assert_string_equal(a->type, "application/pdf");
	/* A PDF is never read: its size is counted, its bytes not kept. */
	assert_int_equal(a->size, 77);
	assert_int_equal(a->len, 0);
	assert_null(m->notes);
	mime_free(&m);
}

static void
test_latin1(void **state)
{
	struct mime_msg *m = parse_file("latin1.eml");

	assert_string_equal(m->subject, "Ürün teslim bilgisi");
	assert_string_equal(m->text, "Gönderim süresi: 3 gün.\n"
	    "Ödeme ve kargo ücreti: 0 TL.\n“Çözüm” ekibi");
	assert_int_equal(m->date_t, 1774598400);
	mime_free(&m);
}

static void
test_html_only(void **state)
{
	struct mime_msg *m = parse_file("html-only.eml");

	assert_string_equal(m->from,
	    "Gülşen Öztürk <dekan.muh@example.edu.tr>");
	assert_string_equal(m->message_id,
	    "CAF=html.only.0330@mail.example.edu.tr");
	assert_string_equal(m->text, "Sayın BİDB,\n\n"
	    "Mühendislik Fakültesi NES yenileme listesi aşağıdadır.\n"
	    "Talep No: 48213\n\n"
	    "Ad Soyad | T.C. Kimlik No | Unvan | Birim | E-posta\n"
	    "Ayşe Yılmaz | 10000000146 | Dr. Öğr. Üyesi | Bilgisayar "
	    "Mühendisliği | ayse.yilmaz@example.edu.tr\n"
	    "İsmail Çağlar | 23456789060 | Arş. Gör. | Elektrik-Elektronik "
	    "Mühendisliği | ismail.caglar@example.edu.tr\n\n"
	    "Saygılarımızla,\nProf. Dr. Gülşen Öztürk\nDekan");
	assert_non_null(m->html);
	assert_contains(m->html, "<tr><td>Ayşe Yılmaz</td><td>10000000146"
	    "</td>");
	assert_null(strchr(m->html, '\r'));
	assert_int_equal(m->natt, 0);
	mime_free(&m);
}

/* Pictures and PDFs are never read: their bytes are not kept, only
 * their size, counted from the base64 letters; other parts keep theirs
 * (a form may come as application/octet-stream). */
static void
test_opaque_parts(void **state)
{
	struct mime_msg *m = parse_str(
	    "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nEkte.\r\n"
	    "--b\r\nContent-Type: image/jpeg; name=\"foto.jpg\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v\r\n"
	    "MDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f\r\n"
	    "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6P\r\n"
	    "kJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/\r\n"
	    "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v\r\n"
	    "8PHy8/T19vf4+fr7/P3+/wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\r\n"
	    "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5P\r\n"
	    "UFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/\r\n"
	    "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6v\r\n"
	    "sLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f\r\n"
	    "4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8AAQIDBAUGBwgJCgsMDQ4P\r\n"
	    "EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/\r\n"
	    "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5v\r\n"
	    "cHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6f\r\n"
	    "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P\r\n"
	    "0NHS09TV1tfY2drb3N3e3+Dh4uPk5ebn6Onq6+zt7u/w8fLz9PX29/j5+vv8/f7/\r\n"
	    "/9g=\r\n"
	    "--b\r\nContent-Type: application/octet-stream; "
	    "name=\"liste\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "UEsDBHh4eHh4eHh4eHh4eHh4eHh4eHh4\r\n"
	    "--b--\r\n");
	const struct mime_attachment *a;

	assert_int_equal(m->natt, 2);
	a = att_named(m, "foto.jpg");
	assert_int_equal(a->size, 770);
	assert_int_equal(a->len, 0);
	a = att_named(m, "liste");
	assert_int_equal(a->size, 24);
	assert_int_equal(a->len, 24);
	assert_memory_equal(a->data, "PK\003\004", 4);
	mime_free(&m);
}

static void
test_forwarded_rfc822(void **state)
{
	struct mime_msg *m = parse_file("forwarded-rfc822.eml");
	const struct mime_attachment *a;

	assert_string_equal(m->subject,
	    "İLT: Nitelikli Elektronik Sertifika Başvurunuz Hakkında");
	assert_string_equal(m->from,
	    "İsmail Çağlar <ismail.caglar@example.edu.tr>");
	assert_string_equal(m->text,
	    "Bilginize, Kamu SM'den gelen e-postayı iletiyorum.\n\n"
	    "---------- Forwarded message ---------\n"
	    "From: Kamu SM <bilgi@kamusm.gov.tr>\n"
	    "Date: Wed, 25 Mar 2026 14:05:40 +0300\n"
	    "Subject: Nitelikli Elektronik Sertifika Başvurunuz Hakkında\n"
	    "To: İsmail Çağlar <ismail.caglar@example.edu.tr>\n\n"
	    "Sayın İSMAİL ÇAĞLAR,\n\n"
	    "Kurumunuz tarafından adınıza nitelikli elektronik sertifika "
	    "başvurusu\nyapılmıştır. Online İşlemler -> Başvuru İşlemleri.");
	/* The forwarded message's own attachment is listed. */
	assert_int_equal(m->natt, 1);
	a = att_named(m, "basvuru-bilgilendirme.pdf");
	assert_string_equal(a->type, "application/pdf");
	assert_int_equal(a->size, 77);
	mime_free(&m);
}

static void
test_reply_quoted(void **state)
{
	struct mime_msg *m = parse_file("reply-quoted.eml");

	assert_string_equal(m->subject,
	    "YNT: [NES-2026-0042] Başvurunuzu onaylayınız");
	assert_string_equal(m->in_reply_to,
	    "nes-2026-0042.r2@robot.example.edu.tr");
	assert_string_equal(m->references,
	    "nes-2026-0042.r1@robot.example.edu.tr "
	    "nes-2026-0042.r2@robot.example.edu.tr");
	assert_string_equal(m->to_addrs,
	    "robot@example.edu.tr, bidb@example.edu.tr");
	assert_contains(m->text, "Başvurumu bugün e-onay ile onayladım.");
	assert_contains(m->text, "\n> Onay yolları: e-Onay, e-İmza veya "
	    "ıslak imza.");
	mime_free(&m);
}

static void
test_xlsx_attachment(void **state)
{
	struct mime_msg *m = parse_file("xlsx-attachment.eml");
	const struct mime_attachment *a;

	/* multipart/alternative: the plain text only, the HTML kept. */
	assert_string_equal(m->text, "Merhaba, NES yenileme formu ektedir.");
	assert_non_null(m->html);
	assert_contains(m->html, "<b>NES yenileme formu</b>");
	assert_int_equal(m->natt, 1);
	/* RFC 2231 continuation in ISO-8859-9. */
	a = att_named(m, "NES Yenileme Başvuru Listesi İnşaat.xlsx");
	assert_string_equal(a->type, "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet");
	assert_int_equal(a->len, 494);
	assert_memory_equal(a->data, "PK\x03\x04", 4);
	mime_free(&m);
}

static void
test_rfc2231_name(void **state)
{
	struct mime_msg *m = parse_file("rfc2231-name.eml");
	const struct mime_attachment *a;

	assert_string_equal(m->text, "Form ekte CSV olarak gönderilmiştir.");
	assert_int_equal(m->natt, 1);
	a = att_named(m, "NES Başvuru Formu.csv");
	assert_string_equal(a->type, "text/csv");
	assert_int_equal(a->len, 282);
	assert_memory_equal(a->data, "Ad Soyad;T.C. Kimlik No;", 24);
	assert_non_null(memmem(a->data, a->len,
	    "İsmail Çağlar;23456789060", strlen("İsmail Çağlar;23456789060")));
	mime_free(&m);
}

static void
test_broken_no_closing_boundary(void **state)
{
	struct mime_msg *m = parse_file("broken-no-closing-boundary.eml");
	const struct mime_attachment *a;

	assert_string_equal(m->text, "Liste ektedir. Türkçe: İıŞşĞğÜüÖöÇç");
	a = att_named(m, "liste.csv");
	assert_string_equal(a->type, "text/csv");
	assert_memory_equal(a->data,
	    "Ad Soyad;T.C. Kimlik No\r\nAyse Yilmaz;10000000146", 48);
	assert_string_equal(m->notes,
	    "multipart/mixed: closing boundary missing");
	mime_free(&m);
}

static void
test_broken_bad_base64(void **state)
{
	struct mime_msg *m = parse_file("broken-bad-base64.eml");

	assert_string_equal(m->subject, "Başvurunuz alınmıştır");
	assert_memory_equal(m->text,
	    "Başvurunuz alınmıştır. Başvuru No: 2026-118842\n",
	    strlen("Başvurunuz alınmıştır. Başvuru No: 2026-118842\n"));
	assert_contains(m->notes, "part 1: base64 damaged");
	mime_free(&m);
}

static void
test_broken_unknown_charset(void **state)
{
	struct mime_msg *m = parse_file("broken-unknown-charset.eml");

	assert_string_equal(m->subject,
	    "Sertifikanız kurye ile gönderilmiştir");
	assert_string_equal(m->text, "Sayın Ayşe Yılmaz, sertifikanız kurye "
	    "ile gönderilmiştir. Gönderi Takip No: 884211\n"
	    "Türkçe: İıŞşĞğÜüÖöÇç");
	assert_string_equal(m->notes, "header Subject: unknown charset "
	    "x-turkish-unknown, read as windows-1254; part 1: unknown charset "
	    "x-turkish-unknown, read as windows-1254");
	mime_free(&m);
}

static void
test_broken_8bit_headers(void **state)
{
	struct mime_msg *m = parse_file("broken-8bit-headers.eml");

	assert_string_equal(m->from,
	    "Gülşen Öztürk <dekan.muh@example.edu.tr>");
	assert_string_equal(m->from_addr, "dekan.muh@example.edu.tr");
	assert_string_equal(m->subject,
	    "NES yenileme: İsmail Çağlar başvurusu");
	assert_string_equal(m->headers[0].value,
	    "Gülşen Öztürk <dekan.muh@example.edu.tr>");
	assert_string_equal(m->text, "Başvuru listesi ektedir.");
	assert_contains(m->notes, "header From: 8-bit text without charset, "
	    "read as windows-1254");
	mime_free(&m);
}

static void
test_broken_lying_length(void **state)
{
	struct mime_msg *m = parse_file("broken-lying-length.eml");

	assert_string_equal(mime_header(m, "Content-Length"), "17");
	assert_string_equal(m->text, "Islak imzalı başvuru formları Kamu "
	    "SM'ye kargo ile gönderilmiştir.\nKargo Takip No: 1234567890\n"
	    "Kapsanan: Ayşe Yılmaz (100******46), İsmail Çağlar");
	assert_string_equal(m->from, "Yazı İşleri <yaziisleri@example.edu.tr>");
	mime_free(&m);
}

static void
test_no_headers(void **state)
{
	struct mime_msg *m = parse_file("no-headers.eml");

	assert_int_equal(m->nheaders, 0);
	assert_null(m->from);
	assert_null(m->subject);
	assert_int_equal(m->date_t, 0);
	assert_string_equal(m->text, "Merhaba,\nSertifikamı bugün teslim "
	    "aldım. Teşekkürler.\nİsmail Çağlar");
	mime_free(&m);
}

/* ---- built in memory --------------------------------------------------- */

static void
test_empty_input(void **state)
{
	struct mime_msg *m = (struct mime_msg *)1;
	const char *err = NULL;

	assert_int_equal(mime_parse("", 0, &m, &err), -1);
	assert_null(m);
	assert_string_equal(err, "empty message");
	mime_free(&m);
}

static void
test_empty_body(void **state)
{
	struct mime_msg *m;

	m = parse_str("Subject: =?utf-8?Q?bo=C5=9F?=\r\n");
	assert_string_equal(m->subject, "boş");
	assert_string_equal(m->text, "");
	mime_free(&m);
	m = parse_str("Subject: x\r\nContent-Type: text/plain\r\n\r\n");
	assert_string_equal(m->text, "");
	assert_int_equal(m->natt, 0);
	mime_free(&m);
	m = parse_str("Content-Type: multipart/mixed; boundary=z\r\n\r\n");
	assert_string_equal(m->text, "");
	mime_free(&m);
	m = parse_str("\n");
	assert_int_equal(m->nheaders, 0);
	mime_free(&m);
}

static void
test_big_attachment(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t size = 5u << 20;
	struct buf b = BUF_INIT;
	unsigned char *data = malloc(size);
	struct mime_msg *m;
	size_t i, col = 0;

	for (i = 0; i < size; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	buf_puts(&b, "From: a@example.edu.tr\r\nSubject: big\r\n"
	    "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
	    "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Arşiv ektedir.\r\n--B\r\nContent-Type: application/zip\r\n"
	    "Content-Disposition: attachment; filename=arsiv.zip\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < size; i += 3) {
		unsigned int v = (unsigned int)data[i] << 16;
		char q[4];

		if (i + 1 < size)
			v |= (unsigned int)data[i + 1] << 8;
		if (i + 2 < size)
			v |= data[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < size ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < size ? b64[v & 63] : '=';
		buf_add(&b, q, 4);
		if ((col += 4) == 76) {
			buf_puts(&b, "\r\n");
			col = 0;
		}
	}
	buf_puts(&b, "\r\n--B--\r\n");
	m = parse_mem(b.s, b.len);
	assert_string_equal(m->text, "Arşiv ektedir.");
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].name, "arsiv.zip");
	assert_string_equal(m->att[0].type, "application/zip");
	assert_int_equal(m->att[0].len, size);
	assert_memory_equal(m->att[0].data, data, size);
	assert_null(m->notes);
	mime_free(&m);
	buf_free(&b);
	free(data);
}

static void
test_deep_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct mime_msg *m;
	int i;

	buf_puts(&b, "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
	for (i = 0; i < 40; i++)
		buf_printf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\n"
		    "seviye %d\r\n--b%d\r\nContent-Type: multipart/mixed; "
		    "boundary=\"b%d\"\r\n\r\n", i, i, i, i + 1);
	buf_printf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nen derin\r\n"
	    "--b%d--\r\n", i, i);
	for (i = 39; i >= 0; i--)
		buf_printf(&b, "--b%d--\r\n", i);
	m = parse_mem(b.s, b.len);
	/* Deeper than the limit: measured before libetpan sees it, and
	 * only the headers are kept. */
	assert_string_equal(m->from_addr, "a@example.edu.tr");
	assert_string_equal(m->text, "");
	assert_int_equal(m->natt, 0);
	assert_string_equal(m->notes,
	    "MIME nesting deeper than 20: headers only");
	mime_free(&m);
	buf_free(&b);
}

/* n multipart/mixed levels around a text part, each level with a text
 * part of its own first. */
static char *
nested_multiparts(int n)
{
	struct buf b = BUF_INIT;
	int i;

	buf_puts(&b, "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
	for (i = 0; i < n - 1; i++)
		buf_printf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\n"
		    "seviye %d\r\n--b%d\r\nContent-Type: multipart/mixed; "
		    "boundary=\"b%d\"\r\n\r\n", i, i, i, i + 1);
	buf_printf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nen derin\r\n"
	    "--b%d--\r\n", i, i);
	for (i--; i >= 0; i--)
		buf_printf(&b, "--b%d--\r\n", i);
	return buf_steal(&b);
}

/* At the limits exactly, everything is read; one more, headers only. */
static void
test_nesting_limit(void **state)
{
	struct mime_msg *m;
	char *raw;

	raw = nested_multiparts(20);	/* "en derin" at depth 20 */
	m = parse_mem(raw, strlen(raw));
	assert_contains(m->text, "seviye 0\n\nseviye 1");
	assert_contains(m->text, "en derin");
	assert_null(m->notes);
	mime_free(&m);
	free(raw);
	raw = nested_multiparts(21);
	m = parse_mem(raw, strlen(raw));
	assert_string_equal(m->text, "");
	assert_string_equal(m->notes,
	    "MIME nesting deeper than 20: headers only");
	mime_free(&m);
	free(raw);
}

/* 50,000 message/rfc822 parts, each inside the one before (2.2 MB):
 * libetpan's parser recursed once per level and overflowed its stack;
 * now the message is measured first and never reaches it. */
static void
test_nested_rfc822(void **state)
{
	struct buf b = BUF_INIT;
	struct mime_msg *m;
	int i;

	buf_puts(&b, "From: a@example.edu.tr\r\nSubject: matruska\r\n"
	    "Message-ID: <deep.rfc822@example.org>\r\n"
	    "Content-Type: multipart/mixed; boundary=\"top\"\r\n\r\n"
	    "--top\r\nContent-Type: text/plain\r\n\r\nsee inside\r\n"
	    "--top\r\n");
	for (i = 0; i < 50000; i++)
		buf_puts(&b, "Content-Type: message/rfc822\r\n\r\n"
		    "Subject: x\r\n");
	buf_puts(&b, "\r\ninnermost\r\n--top--\r\n");
	assert_true(b.len > 2000000);
	m = parse_mem(b.s, b.len);
	assert_string_equal(m->subject, "matruska");
	assert_string_equal(m->message_id, "deep.rfc822@example.org");
	assert_string_equal(m->notes,
	    "MIME nesting deeper than 20: headers only");
	mime_free(&m);
	buf_free(&b);
}

/* What the scan reads of Content-Type as libetpan does: a quoted or bare
 * boundary among other parameters and comments, a boundary that is the
 * start of another, multipart/digest's parts being messages. */
static void
test_scan_syntax(void **state)
{
	struct buf b = BUF_INIT;
	struct mime_msg *m;
	int i;

	/* 20 levels under quoted, bare and commented boundaries, and a
	 * sibling boundary that starts like the outer one: all read. */
	buf_puts(&b, "From: a@example.edu.tr\r\nContent-Type: multipart/mixed"
	    " (outer); charset=\"x;y\";\r\n\tBoundary = \"sep\"\r\n\r\n"
	    "--sep\r\nContent-Type: MULTIPART/alternative; boundary=sep2"
	    "\r\n\r\n--sep2\r\nContent-Type: text/plain\r\n\r\n"
	    "alternatif\r\n--sep2--\r\n--sep\r\n");
	for (i = 2; i < 20; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=d%d\r\n"
		    "\r\n--d%d\r\n", i, i);
	buf_puts(&b, "Content-Type: text/plain\r\n\r\nyirminci\r\n");
	for (i = 19; i >= 2; i--)
		buf_printf(&b, "--d%d--\r\n", i);
	buf_puts(&b, "--sep--\r\n");
	m = parse_mem(b.s, b.len);
	assert_contains(m->text, "alternatif");
	assert_contains(m->text, "yirminci");
	assert_null(m->notes);
	mime_free(&m);
	buf_free(&b);

	/* A digest's parts are messages: one level more each. */
	buf_puts(&b, "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/digest; boundary=\"dg\"\r\n\r\n");
	for (i = 0; i < 3; i++)
		buf_printf(&b, "--dg\r\n\r\nSubject: %d\r\n\r\nileti %d\r\n",
		    i, i);
	buf_puts(&b, "--dg--\r\n");
	mime_set_limits(1, 0, 0);
	m = parse_mem(b.s, b.len);
	assert_string_equal(m->notes,
	    "MIME nesting deeper than 1: headers only");
	mime_free(&m);
	mime_set_limits(2, 0, 0);
	m = parse_mem(b.s, b.len);
	assert_null(m->notes);
	mime_free(&m);
	mime_set_limits(20, 0, 0);
	buf_free(&b);
}

static void
test_too_many_parts(void **state)
{
	struct buf b = BUF_INIT;
	struct mime_msg *m;

	buf_puts(&b, "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n");
	for (int i = 0; i < 250; i++)
		buf_printf(&b, "--p\r\nContent-Type: application/pdf; "
		    "name=\"f%d.pdf\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--p--\r\n");
	m = parse_mem(b.s, b.len);
	/* More parts than the limit: counted before libetpan parses the
	 * message, and only the headers are kept. */
	assert_int_equal(m->natt, 0);
	assert_string_equal(m->notes, "more than 200 parts: headers only");
	mime_free(&m);
	buf_free(&b);

	/* 200 are read. */
	buf_puts(&b, "From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n");
	for (int i = 0; i < 200; i++)
		buf_printf(&b, "--p\r\nContent-Type: application/pdf; "
		    "name=\"f%d.pdf\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--p--\r\n");
	m = parse_mem(b.s, b.len);
	assert_int_equal(m->natt, 200);
	assert_string_equal(m->att[199].name, "f199.pdf");
	assert_null(m->notes);
	mime_free(&m);
	buf_free(&b);
}

static void
test_alternative_html_only(void **state)
{
	struct mime_msg *m = parse_str("From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
	    "--a\r\nContent-Type: text/html; charset=iso-8859-9\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "<p>Ba=FEvurunuz <b>e-=DDmza</b> ile onaylanm=FD=FEt=FDr.</p>\r\n"
	    "--a--\r\n");

	assert_string_equal(m->text, "Başvurunuz e-İmza ile onaylanmıştır.");
	assert_string_equal(m->html,
	    "<p>Başvurunuz <b>e-İmza</b> ile onaylanmıştır.</p>");
	mime_free(&m);
}

static void
test_alternative_blank_plain(void **state)
{
	/* Some senders put an empty text/plain beside the real HTML. */
	struct mime_msg *m = parse_str("From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
	    "--a\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nICAKDQo=\r\n"
	    "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	    "<p>Sertifikan\xc4\xb1z kurye ile g\xc3\xb6nderilmi\xc5\x9ftir"
	    "</p>\r\n--a--\r\n");

	assert_string_equal(m->text, "Sertifikanız kurye ile gönderilmiştir");
	mime_free(&m);
}

static void
test_html_meta_charset(void **state)
{
	/* No charset parameter: the <meta> tells. */
	struct mime_msg *m = parse_str("From: a@example.edu.tr\r\n"
	    "Content-Type: text/html\r\n\r\n"
	    "<html><head><meta charset=\"windows-1254\"></head>"
	    "<body>Ba\xfevuru</body></html>\r\n");

	assert_string_equal(m->text, "Başvuru");
	mime_free(&m);
}

static void
test_text_with_filename_is_attachment(void **state)
{
	struct mime_msg *m = parse_str("From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
	    "--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Liste ekte.\r\n"
	    "--x\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Disposition: attachment; filename=\"liste.txt\"\r\n\r\n"
	    "Ayşe Yılmaz 10000000146\r\n"
	    "--x\r\nContent-Type: text/plain; name=\"notlar.txt\"\r\n\r\n"
	    "not\r\n"
	    "--x\r\nContent-Type: TEXT/CSV\r\nContent-Disposition: inline\r\n"
	    "\r\na;b\r\n"
	    "--x\r\nContent-Type: text/plain\r\n\r\nikinci metin\r\n--x--\r\n");

	assert_string_equal(m->text, "Liste ekte.\n\nikinci metin");
	assert_int_equal(m->natt, 3);
	assert_string_equal(m->att[0].name, "liste.txt");
	assert_string_equal(m->att[0].type, "text/plain");
	/* The CRLF before a boundary belongs to the boundary. */
	assert_int_equal(m->att[0].len, strlen("Ayşe Yılmaz 10000000146"));
	assert_string_equal(m->att[1].name, "notlar.txt");
	assert_null(m->att[2].name);
	assert_string_equal(m->att[2].type, "text/csv");
	mime_free(&m);
}

static void
test_rfc2231_variants(void **state)
{
	struct mime_msg *m = parse_str("From: a@example.edu.tr\r\n"
	    "Content-Type: multipart/mixed; boundary=\"r\"\r\n\r\n"
	    "--r\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment;\r\n"
	    " filename*0*=utf-8'tr'Ba%C5%9F; filename*1=\"vuru Listesi\";\r\n"
	    " filename*2*=%2Edocx\r\n\r\nx\r\n"
	    "--r\r\nContent-Type: application/pdf;\r\n"
	    " name*=iso-8859-9''%DDmza%20Sirk%FCleri.pdf\r\n\r\nx\r\n"
	    "--r\r\nContent-Type: application/pdf; name=\"yanlis.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"=?UTF-8?Q?"
	    "=C4=B0mzal=C4=B1_Form.pdf?=\"\r\n\r\nx\r\n"
	    "--r\r\nContent-Type: application/pdf\r\n"
	    "Content-Disposition: attachment; filename=\"Ba\xfevuru.pdf\"\r\n"
	    "\r\nx\r\n--r--\r\n");

	assert_int_equal(m->natt, 4);
	assert_string_equal(m->att[0].name, "Başvuru Listesi.docx");
	assert_string_equal(m->att[1].name, "İmza Sirküleri.pdf");
	assert_string_equal(m->att[2].name, "İmzalı Form.pdf");
	assert_string_equal(m->att[3].name, "Başvuru.pdf");
	mime_free(&m);
}

static void
test_addresses_and_dates(void **state)
{
	struct mime_msg *m = parse_str("Return-Path: <>\r\n"
	    "Sender: =?utf-8?Q?B=C4=B0DB?= <BIDB@Example.edu.tr>\r\n"
	    "From: \"Yılmaz, Ayşe\" <Ayse@Example.EDU.tr>\r\n"
	    "To: Birimler: =?utf-8?Q?Ay=C5=9Fe?= <A@X.edu.tr>, b@x.edu.tr;\r\n"
	    "Cc: bozuk <<adres ayse@Example.edu.tr ((\r\n"
	    "Date: Wed, 1 Apr 2026 00:30:00 -0130\r\n"
	    "Message-ID: bare-id@example.edu.tr\r\n"
	    "In-Reply-To: <a@x> (yorum) <b@x>\r\n\r\nx\r\n");

	assert_string_equal(m->return_path, "");
	assert_string_equal(m->sender_addr, "bidb@example.edu.tr");
	assert_string_equal(m->from, "Yılmaz, Ayşe <Ayse@Example.EDU.tr>");
	assert_string_equal(m->from_addr, "ayse@example.edu.tr");
	assert_string_equal(m->to, "Ayşe <A@X.edu.tr>, b@x.edu.tr");
	assert_string_equal(m->cc, "bozuk <<adres ayse@Example.edu.tr ((");
	assert_string_equal(m->to_addrs,
	    "a@x.edu.tr, b@x.edu.tr, ayse@example.edu.tr");
	assert_int_equal(m->date_t, 1775008800);	/* 02:00 UTC */
	assert_string_equal(m->message_id, "bare-id@example.edu.tr");
	assert_string_equal(m->in_reply_to, "a@x b@x");
	mime_free(&m);

	m = parse_str("Date: yarın öğleden sonra\r\n\r\nx");
	assert_int_equal(m->date_t, 0);
	assert_string_equal(m->date, "yarın öğleden sonra");
	mime_free(&m);
}

/* mime_check_headers on what s parses to: NULL when believed, else the
 * reason (static). */
static const char *
refusal(const char *s)
{
	static char why[256];
	struct mime_msg *m = parse_str(s);
	struct buf b = BUF_INIT;
	int r = mime_check_headers(m, &b);

	snprintf(why, sizeof why, "%s", buf_str(&b));
	assert_int_equal(r == -1, b.len > 0);
	buf_free(&b);
	mime_free(&m);
	return r == 0 ? NULL : why;
}

static void
test_duplicate_headers(void **state)
{
	assert_null(refusal("From: a@example.edu.tr\r\nSubject: x\r\n"
	    "Message-ID: <1@x>\r\nReferences: <0@x>\r\nTo: b@x\r\n"
	    "To: c@x\r\nReceived: a\r\nReceived: b\r\n\r\nx"));
	assert_string_equal(refusal("From: bidb@example.edu.tr\r\n"
	    "Subject: x\r\nFROM: evil@evil.example\r\n\r\nx"),
	    "two From headers");
	assert_string_equal(refusal("From: a@x\r\nSender: a@x\r\n"
	    "sender: b@x\r\n\r\nx"), "two Sender headers");
	assert_string_equal(refusal("From: a@x\r\nSubject: x\r\n"
	    "Subject: y\r\n\r\nx"), "two Subject headers");
	assert_string_equal(refusal("From: a@x\r\nMessage-ID: <1@x>\r\n"
	    "Message-Id: <2@x>\r\n\r\nx"), "two Message-ID headers");
	assert_string_equal(refusal("From: a@x\r\nIn-Reply-To: <1@x>\r\n"
	    "In-Reply-To: <2@x>\r\n\r\nx"), "two In-Reply-To headers");
	assert_string_equal(refusal("From: a@x\r\nReferences: <1@x>\r\n"
	    "References: <2@x>\r\nReferences: <3@x>\r\n\r\nx"),
	    "three References headers");
}

static void
test_from_strict(void **state)
{
	static const char *const refused[] = {
		/* An address only in display text, decoded or not. */
		"From: =?utf-8?q?bidb=40example.edu.tr?= <<>\r\n",
		"From: bidb@example.edu.tr <\r\n",
		"From: BİDB bidb@example.edu.tr\r\n",
		"From: <bidb@example.edu.tr> x\r\n",
		"From: a <x@evil.example> <bidb@example.edu.tr>\r\n",
		/* Several authors: whose role would it be? */
		"From: bidb@example.edu.tr, x@evil.example\r\n",
		"From: undisclosed-recipients:;\r\n",
		"From: \r\n",
		NULL
	};
	struct mime_msg *m;
	char raw[256];

	for (size_t i = 0; refused[i] != NULL; i++) {
		snprintf(raw, sizeof raw, "%sSubject: x\r\n\r\nx", refused[i]);
		m = parse_str(raw);
		assert_null(m->from_addr);
		mime_free(&m);
		assert_string_equal(refusal(raw), "a From header without "
		    "exactly one address that can be read");
	}
	/* What libetpan does not read but is plain: raw 8-bit names, an
	 * unquoted comma, a bare address. */
	m = parse_str("From: Ayşe Yılmaz <Ayse@Example.edu.tr>\r\n\r\nx");
	assert_string_equal(m->from_addr, "ayse@example.edu.tr");
	mime_free(&m);
	m = parse_str("From: Yılmaz, Ayşe <ayse@example.edu.tr>\r\n\r\nx");
	assert_string_equal(m->from_addr, "ayse@example.edu.tr");
	mime_free(&m);
	m = parse_str("From: ayse@example.edu.tr\r\n\r\nx");
	assert_string_equal(m->from_addr, "ayse@example.edu.tr");
	mime_free(&m);
	/* Comments are no display text. */
	m = parse_str("From: MAILER-DAEMON@example.edu.tr (Mail Delivery "
	    "System)\r\n\r\nx");
	assert_string_equal(m->from_addr, "mailer-daemon@example.edu.tr");
	mime_free(&m);
	m = parse_str("From: (Bilgi İşlem (BİDB)) Ayşe <ayse@example.edu.tr> "
	    "(iş)\r\n\r\nx");
	assert_string_equal(m->from_addr, "ayse@example.edu.tr");
	mime_free(&m);
	assert_non_null(refusal("From: ayse@example.edu.tr (unclosed\r\n"
	    "\r\nx"));
	/* No From at all claims nothing: not refused here. */
	assert_null(refusal("Subject: x\r\n\r\nx"));
	/* A Sender naming two falls back to the Return-Path. */
	m = parse_str("Return-Path: <rp@x.edu.tr>\r\nFrom: a@x.edu.tr\r\n"
	    "Sender: bidb@example.edu.tr, b@evil.example\r\n\r\nx");
	assert_string_equal(m->sender_addr, "rp@x.edu.tr");
	mime_free(&m);
}

/* Trace and authentication fields are unfolded, never decoded. */
static void
test_trace_fields_raw(void **state)
{
	struct mime_msg *m = parse_str("Authentication-Results: mx;\r\n"
	    "\tspf=fail smtp.helo==?utf-8?q?a=3B_dkim=3Dpass?=\r\n"
	    "Received: from =?utf-8?b?eA==?= by mx\r\n"
	    "ARC-Authentication-Results: i=1; mx; =?utf-8?q?x?=\r\n"
	    "Received-SPF: fail (=?utf-8?q?y?=)\r\n"
	    "DKIM-Signature: v=1; d=x; s==?utf-8?q?z?=\r\n"
	    "Subject: =?utf-8?q?Ba=C5=9Fvuru?=\r\n\r\nx");

	assert_string_equal(mime_header(m, "Authentication-Results"),
	    "mx; spf=fail smtp.helo==?utf-8?q?a=3B_dkim=3Dpass?=");
	assert_string_equal(mime_header(m, "Received"),
	    "from =?utf-8?b?eA==?= by mx");
	assert_string_equal(mime_header(m, "ARC-Authentication-Results"),
	    "i=1; mx; =?utf-8?q?x?=");
	assert_string_equal(mime_header(m, "Received-SPF"),
	    "fail (=?utf-8?q?y?=)");
	assert_string_equal(mime_header(m, "DKIM-Signature"),
	    "v=1; d=x; s==?utf-8?q?z?=");
	assert_string_equal(mime_header(m, "Subject"), "Başvuru");
	mime_free(&m);
}

static void
test_decode_header(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "=?UTF-8?Q?Ba=C5=9Fvuru?= =?UTF-8?Q?_Hakk=C4=B1nda?=",
		    "Başvuru Hakkında" },
		/* One letter split across two words (İ = C4 B0). */
		{ "=?UTF-8?B?xA==?=\r\n =?UTF-8?B?sA==?=LT", "İLT" },
		/* Mixed charsets; the blank between words goes. */
		{ "=?iso-8859-9?Q?=DDLT:?= =?utf-8?Q?_Ba=C5=9Fvuru?= sonu",
		    "İLT: Başvuru sonu" },
		{ "=?windows-1254?B?3WHeYe9h?=", "İaŞaïa" },
		{ "=?x-unknown?Q?Ba=FEvuru?=", "Başvuru" },
		{ "=?utf-8?Q?A?= ve =?utf-8?Q?B?=", "A ve B" },
		{ "=?utf-8?q?e-imza_sertifika?=", "e-imza sertifika" },
		{ "=?utf-8*tr?Q?=C3=A7?=", "ç" },
		{ "=?utf-8?Q?a=0D=0Ab?=", "a  b" },
		{ "Nitelikli\r\n Elektronik\r\n\tSertifika",
		    "Nitelikli Elektronik Sertifika" },
		{ "=?utf-8?X?abc?= =?utf-8?Q?a b?=",
		    "=?utf-8?X?abc?= =?utf-8?Q?a b?=" },
		{ "Ba\xfevuru", "Başvuru" },
		{ "  Başvuru  ", "Başvuru" },
		{ "=?utf-8?B?!!!?=", "" },
		{ "", "" },
	};
	char *s;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = mime_decode_header(t[i].in);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	s = mime_decode_header(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void
test_garbage_never_fails(void **state)
{
	static const char *inputs[] = {
		"x",
		":",
		"\r\n\r\n\r\n",
		"Content-Type: multipart/mixed\r\n\r\n--\r\n",
		"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n----\r\n",
		"Content-Type: message/rfc822\r\n\r\nFrom: a\r\n",
		"Content-Type: text/plain; charset=\"\r\n\r\nx",
		"Content-Transfer-Encoding: base64\r\n\r\n====",
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n=",
		"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644",
		"Subject: =?\r\n\r\n",
		"Subject: =?utf-8?Q?\r\n",
		"From: <\r\nTo: ,,,\r\nCc: @\r\n\r\n",
		("Content-Disposition: attachment; filename*0*=''%; "
		    "filename*99*=x\r\n\r\n"),
	};

	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct mime_msg *m = parse_str(inputs[i]);

		for (size_t j = 0; j < m->nheaders; j++)
			assert_no_crlf(m->headers[j].value);
		mime_free(&m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_plain),
		cmocka_unit_test(test_iso8859_9_qp),
		cmocka_unit_test(test_windows_1254_base64),
		cmocka_unit_test(test_latin1),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_forwarded_rfc822),
		cmocka_unit_test(test_reply_quoted),
		cmocka_unit_test(test_xlsx_attachment),
		cmocka_unit_test(test_rfc2231_name),
		cmocka_unit_test(test_broken_no_closing_boundary),
		cmocka_unit_test(test_broken_bad_base64),
		cmocka_unit_test(test_broken_unknown_charset),
		cmocka_unit_test(test_broken_8bit_headers),
		cmocka_unit_test(test_broken_lying_length),
		cmocka_unit_test(test_no_headers),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_empty_body),
		cmocka_unit_test(test_big_attachment),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_nested_rfc822),
		cmocka_unit_test(test_scan_syntax),
		cmocka_unit_test(test_too_many_parts),
		cmocka_unit_test(test_alternative_html_only),
		cmocka_unit_test(test_alternative_blank_plain),
		cmocka_unit_test(test_html_meta_charset),
		cmocka_unit_test(test_text_with_filename_is_attachment),
		cmocka_unit_test(test_rfc2231_variants),
		cmocka_unit_test(test_addresses_and_dates),
		cmocka_unit_test(test_duplicate_headers),
		cmocka_unit_test(test_from_strict),
		cmocka_unit_test(test_trace_fields_raw),
		cmocka_unit_test(test_decode_header),
		cmocka_unit_test(test_garbage_never_fails),
		cmocka_unit_test(test_opaque_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
