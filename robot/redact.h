/* redact: secrets of the people that arrive in the mail, taken out of the
 * decoded text before anything stores, logs or prints it.
 *
 * Kamu SM's notification gives the person a password for the application
 * form: "Başvuru Formu Erişim Parolası: X7K2P9" (also "Erişim Parolası",
 * "Form Erişim Şifresi", in any case, with or without the Turkish
 * letters).  It is the person's own secret: the robot needs nothing of
 * it, so the ledger, `rules test`, the logs and `status` never see it:
 * mime_decode() takes it out of every decoded message. */
#ifndef ROBOT_REDACT_H
#define ROBOT_REDACT_H

/* What stands in the text where a password was. */
#define REDACT_MARK	"******"

/* Replaces every form access password in the UTF-8 string *s by
 * REDACT_MARK: the word after "Erişim Parolası" / "Erişim Şifresi" (any
 * ending, e.g. "Parolanız"), across a ':', '=' or '|', line breaks and
 * HTML tags; after blanks alone, only a word with a digit in it (so that
 * "erişim parolanızı kimseyle paylaşmayınız" stays as it is).  Returns how
 * many were replaced; *s is then a new string (the old one freed). */
int redact_access_passwords(char **s);

#endif
