/* rules_fresh: the part of a message's text its sender wrote; see
 * rules_fresh_text() in rules.h.
 *
 * Why it matters: the robot's reminder explains all three ways to approve
 * ("e-Onay ile onaylayabilirsiniz ..."), and a reply quotes it; a rule
 * reading the whole text would take the quote for the answer.  The text is
 * cut at the first line that starts quoted history or a forwarded
 * original, in the forms Turkish mail clients write:
 *
 *	> quoted line
 *	-----Original Message----- / -------- İletilen İleti -------- /
 *	---------- Forwarded message --------- / -----Özgün İleti-----
 *	________________________________   (Outlook, before "Kimden:")
 *	Kimden: / From:   followed by Gönderildi:/Tarih:/Kime:/Konu:/Sent:...
 *	Ayşe Yılmaz <a@x>, 5 Ara 2026 Cmt, 10:12 tarihinde şunu yazdı:
 *	On Mon, 5 Dec 2026 at 10:12, Ayşe Yılmaz <a@x> wrote:
 *	Begin forwarded message:
 *
 * An attribution line that the client wrapped ("... tarihinde şunu" /
 * "yazdı:") is cut at its first line. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rules_priv.h"

struct line {
	const char	*s;	/* first non-blank byte (bold markers skipped) */
	const char	*start;	/* first byte of the line */
	size_t		 len;	/* of s, trailing blanks cut */
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int
starts_ci(const struct line *l, const char *w)
{
	size_t n = strlen(w), i;

	if (l->len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)l->s[i]) != lower((unsigned char)w[i]))
			return 0;
	return 1;
}

static int
ends_ci(const struct line *l, const char *w)
{
	size_t n = strlen(w), i;
	const char *p;

	if (l->len < n)
		return 0;
	p = l->s + l->len - n;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != lower((unsigned char)w[i]))
			return 0;
	return 1;
}

static int
contains(const struct line *l, const char *w)
{
	size_t n = strlen(w), i;

	for (i = 0; i + n <= l->len; i++)
		if (memcmp(l->s + i, w, n) == 0)
			return 1;
	return 0;
}

static const char *
next_line(const char *p, struct line *l)
{
	const char *e;

	l->start = p;
	e = p + strcspn(p, "\n");
	while (p < e && (*p == ' ' || *p == '\t' || *p == '*' || *p == '_' ||
	    *p == '\r'))
		p++;
	/* A line of underscores only (Outlook's rule) keeps them. */
	if (p == e && l->start < e && *l->start == '_')
		p = l->start;
	l->s = p;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '*'))
		e--;
	l->len = (size_t)(e - p);
	p += strcspn(p, "\n");
	return *p == '\n' ? p + 1 : NULL;
}

static int
is_header_word(const struct line *l)
{
	static const char *const words[] = {
		"Gönderildi:", "Gönderim:", "Tarih:", "Kime:", "Konu:",
		"Bilgi:", "Sent:", "Date:", "To:", "Subject:", "Cc:", NULL
	};
	size_t i;

	for (i = 0; words[i]; i++)
		if (starts_ci(l, words[i]))
			return 1;
	return 0;
}

/* "-----Original Message-----", "-------- İletilen İleti --------". */
static int
is_dash_banner(const struct line *l)
{
	size_t i;

	if (l->len < 6 || l->s[0] != '-' || l->s[1] != '-' ||
	    l->s[l->len - 1] != '-' || l->s[l->len - 2] != '-')
		return 0;
	for (i = 0; i < l->len; i++)
		if (l->s[i] != '-' && l->s[i] != ' ')
			return 1;
	return 0;
}

static int
is_attribution(const struct line *l)
{
	return ends_ci(l, "yazd\xc4\xb1:") || ends_ci(l, "yazdi:") ||
	    ends_ci(l, "wrote:") || ends_ci(l, "\xc5\x9funu yazd\xc4\xb1");
}

/* Could l be the first half of a wrapped attribution line? */
static int
attribution_head(const struct line *l)
{
	return l->len > 0 && (contains(l, "tarihinde") || starts_ci(l, "On ")
	    || contains(l, "@") || contains(l, "<"));
}

size_t
rules_fresh_len(const char *text)
{
	struct line l, prev = { NULL, NULL, 0 }, look;
	const char *p, *q, *cut = NULL;
	size_t n, k;

	if (text == NULL)
		return 0;
	for (p = text; p != NULL && cut == NULL; prev = l) {
		q = next_line(p, &l);
		p = q;
		if (l.len == 0)
			continue;
		if (l.s[0] == '>' || is_dash_banner(&l) ||
		    starts_ci(&l, "Begin forwarded message") ||
		    (l.len >= 10 && strspn(l.s, "_") >= 10))
			cut = l.start;
		else if (is_attribution(&l)) {
			cut = l.start;
			if (prev.s != NULL && attribution_head(&prev))
				cut = prev.start;
		} else if (starts_ci(&l, "Kimden:") || starts_ci(&l, "From:")) {
			/* A header block, not a sentence starting "From:". */
			for (k = 0, q = p; k < 3 && q != NULL; k++) {
				q = next_line(q, &look);
				if (is_header_word(&look)) {
					cut = l.start;
					break;
				}
			}
		}
	}
	if (cut == NULL)
		return strlen(text);
	n = (size_t)(cut - text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	return n;
}

char *
rules_fresh_text(const char *text)
{
	return text ? xstrndup(text, rules_fresh_len(text)) : xstrdup("");
}
