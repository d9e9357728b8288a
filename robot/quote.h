/* quote: a message's text split into what its sender wrote, the quoted
 * history of a reply, and the originals it forwards, each original with
 * the From/Date/To/Subject its header block gives.
 *
 * Mail clients write these shapes (Turkish and English forms alike):
 *
 *	> quoted line                            Apple Mail, Thunderbird, mutt
 *	... tarihinde ... şunu yazdı: / On ... wrote:      Gmail, Roundcube
 *	-----Original Message----- / -----Özgün İleti-----         Outlook
 *	________________________________  then Kimden:/From: ...   Outlook
 *	Kimden: / Gönderildi: / Kime: / Konu:   (a header block)   Outlook
 *	---------- Forwarded message --------- / Yönlendirilen ileti  Gmail
 *	-------- İletilen Mesaj -------- / İletilen İleti      Thunderbird
 *	----- Orijinal Mesaj ----- / ----- Forwarded Message -----   Zimbra
 *	Begin forwarded message:                                Apple Mail
 *
 * and mime.c writes a forwarded message/rfc822 part the way Gmail writes
 * an inline forward (banner, then its From/Date/Subject/To), so both are
 * read here alike.
 *
 * The fresh text is what is not quoted: the lines above the first
 * boundary, and, in a bottom-posted reply, the unquoted lines between and
 * after "> " blocks.  An original is a forward when its banner says so
 * ("Forwarded", "İletilen", "Yönlendirilen", "Begin forwarded"), or when
 * the message's own subject is a forward's (Fwd:, FW:, İLT:, TR:) and the
 * banner is one clients write for both (Outlook's). */
#ifndef ROBOT_QUOTE_H
#define ROBOT_QUOTE_H

#include <stddef.h>

enum quote_kind {
	QUOTE_REPLY,		/* history quoted in a reply */
	QUOTE_FORWARD		/* an original passed on */
};

/* One original found in the text. */
struct quote_orig {
	enum quote_kind	 kind;
	char	*from;		/* the From/Kimden value as written, or NULL */
	char	*from_addr;	/* its addr-spec, lower case, or NULL */
	char	*to;		/* To/Kime (Cc/Bilgi joined), or NULL */
	char	*to_addrs;	/* their addr-specs, lower case, ", " */
	char	*subject;	/* Subject/Konu, or NULL */
	char	*date;		/* Date/Sent/Tarih/Gönderildi, or NULL */
	size_t	 start;		/* offset of its first line (banner) */
	size_t	 body;		/* offset of its own text, after the block */
	int	 quoted;	/* its lines are quoted ("> "): Apple Mail */
};

struct quote {
	struct quote_orig *orig;	/* in the order they appear */
	size_t	 norig;
};

/* 1 when a subject reads as a forward's (Fwd:, FW:, İLT:, ILT:, TR:,
 * Ynl:, after any Re:/YNT: prefixes too). */
int quote_subject_is_forward(const char *subject);
/* 1 when a subject reads as a reply's (Re:, YNT:, Ynt:, Cevap:, AW:). */
int quote_subject_is_reply(const char *subject);

/* Finds every original in text (NULL reads as "").  forward_hint is
 * quote_subject_is_forward() of the message.  Fills q (quote_free it). */
void quote_parse(const char *text, int forward_hint, struct quote *q);
void quote_free(struct quote *q);

/* The fresh text: what the sender wrote, with the quoted history and the
 * forwarded originals left out.  Leading and trailing blank lines are
 * cut when anything was.  Caller frees; never NULL. */
char *quote_fresh_text(const char *text);

/* text with one level of "> " quoting taken off each line.  Caller
 * frees. */
char *quote_unquote(const char *text);

/* The addr-specs in s ("Ayşe <a@x>, b@y [mailto:b@y]"), lower case, each
 * once, ", " separated; NULL when there is none.  Caller frees. */
char *quote_addrs(const char *s);

#endif
