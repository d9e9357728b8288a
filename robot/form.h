/* form: the NES renewal request form -> rows of people.
 *
 * The form ("Nitelikli Elektronik Sertifika Yenileme Talep Formu") arrives
 * as an .xlsx (libzip + libxml2: shared strings, inline strings, numbers
 * stored as 1.2345678901E10), a .docx table, a .csv (',' or ';', UTF-8
 * with or without BOM, or windows-1254), an HTML table in the body, or a
 * plain-text table or list in the body.  The header row is found by its
 * column names, folded the Turkish way (fold.h), with the usual variants
 * ("T.C. Kimlik No", "TC KİMLİK NO", "TCKN", "Adı Soyadı", "E-posta
 * Adresi", ...).  Each row's T.C. Kimlik No is checked (tckn.h); a bad row
 * is reported and the good rows are still returned. */
#ifndef ROBOT_FORM_H
#define ROBOT_FORM_H

#include <stddef.h>

#include "mime.h"

struct form_person {
	char	*name;		/* "Ayşe Yılmaz" (Ad + Soyad joined), UTF-8 */
	char	*tckn;		/* 11 digits, valid checksum */
	char	*title;		/* Unvan, or NULL */
	char	*unit;		/* Birim, or NULL */
	char	*email;		/* lower case, or NULL */
	char	*phone;		/* or NULL */
	char	*birth_date;	/* Doğum Tarihi as written, or NULL */
	char	*kind;		/* Başvuru Türü, or NULL */
	int	 row;		/* 1-based row in the source table */
	char	*where;		/* "Sıra 3" or "tablonun 3. satırı" */
};

struct form_problem {
	int	 row;		/* 1-based row in the source table (header = row
				 * it was found on) */
	char	*where;		/* the row as the form names it: "Sıra 3",
				 * or "tablonun 3. satırı"; NULL for the
				 * whole form (an attachment not read) */
	char	*text;		/* in Turkish: "Ayşe Kaya: T.C. Kimlik No
				 * 123******01 geçerli değil ...", "ad soyad
				 * yok", ... (TCKN masked) */
};

struct form {
	char	*source;	/* "NES.xlsx", "body (HTML table)", ... */
	struct form_person *people;
	size_t	 npeople;
	struct form_problem *problems;
	size_t	 nproblems;
};

/* What an attachment is as a form, by its bytes first, then its name and
 * type: the one classifier of what the ledger keeps and what is read as
 * a form. */
enum form_kind {
	FORM_NONE,	/* no form (a picture, a PDF, a signature, ...) */
	FORM_XLSX,
	FORM_DOCX,
	FORM_ZIP,	/* a zip under another name: .xlsx or .docx */
	FORM_CSV,	/* text: CSV (also "Excel" CSV, or no extension) */
	FORM_HTML,	/* text that is HTML (Excel's "web page" .xls) */
	FORM_OLD_OFFICE	/* .xls/.doc in the old binary format: not read */
};
enum form_kind form_attachment_kind(const struct mime_attachment *a);

/* Looks for a form in msg: attachments first (.xlsx, .docx, .csv by name or
 * type), then an HTML table, then a text table/list in msg->text.  Returns
 * 1 and a form (caller frees with form_free) when a header row was found
 * (even if every row was bad), 0 when the message carries no form, -1 on
 * an unreadable attachment (logged; the form is still returned if another
 * source worked, with the unreadable attachment as a problem of row 0).
 * A person's tckn is NULL when the form has no T.C. Kimlik No column.  max_rows bounds the rows read. */
int form_find(const struct mime_msg *msg, int max_rows, struct form **form_r);
void form_free(struct form **form);
/* Takes person i (< npeople) out of f's people and reports its row as
 * a problem "NAME: why" instead, as a row with a bad T.C. Kimlik No is:
 * for a row whose fields read well but may not be taken (an address
 * outside the institution). */
void form_refuse(struct form *f, size_t i, const char *why);

/* The readers, one per source; each returns a form or NULL when no header
 * row was found.  Exposed for tests and fuzzing. */
struct form *form_read_xlsx(const unsigned char *data, size_t len,
    int max_rows, char *err, size_t errlen);
struct form *form_read_docx(const unsigned char *data, size_t len,
    int max_rows, char *err, size_t errlen);
struct form *form_read_csv(const unsigned char *data, size_t len,
    int max_rows);
struct form *form_read_html(const char *html, size_t len, int max_rows);
struct form *form_read_text(const char *text, size_t len, int max_rows);

#endif
