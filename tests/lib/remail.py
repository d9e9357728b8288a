#!/usr/bin/env python3
"""remail.py: a new message from a fixture's headers.

	remail.py SRC OUT [--subject S] [--message-id ID] [--body TEXT]

Keeps SRC's header block (Received, Authentication-Results, From, To,
Date ...) as it is, so the new message passes the same checks of the
sender as SRC; drops In-Reply-To and References, so that only what the
new message says names its case.  --subject and --message-id replace
those headers (a non-ASCII subject is RFC 2047 encoded); --body replaces
the body with TEXT as UTF-8 text/plain (8bit, CRLF line ends).
"""

import argparse
import email.header
import sys

DROP_ALWAYS = (b"in-reply-to:", b"references:")
DROP_FOR_BODY = (b"mime-version:", b"content-type:",
    b"content-transfer-encoding:")


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("src")
	ap.add_argument("out")
	ap.add_argument("--subject")
	ap.add_argument("--message-id")
	ap.add_argument("--body")
	a = ap.parse_args()

	raw = open(a.src, "rb").read().replace(b"\r\n", b"\n")
	head, _, body = raw.partition(b"\n\n")
	drop = list(DROP_ALWAYS)
	if a.subject is not None:
		drop.append(b"subject:")
	if a.message_id is not None:
		drop.append(b"message-id:")
	if a.body is not None:
		drop.extend(DROP_FOR_BODY)
	lines, skip = [], False
	for line in head.split(b"\n"):
		if line[:1] in (b" ", b"\t"):
			if not skip:
				lines.append(line)
			continue
		skip = line.lower().startswith(tuple(drop))
		if not skip:
			lines.append(line)
	if a.subject is not None:
		lines.append(b"Subject: " + email.header.Header(a.subject,
		    "utf-8" if not a.subject.isascii() else "us-ascii",
		    maxlinelen=76).encode().encode())
	if a.message_id is not None:
		lines.append(b"Message-ID: <" + a.message_id.encode() + b">")
	if a.body is not None:
		lines += [b"MIME-Version: 1.0",
		    b"Content-Type: text/plain; charset=utf-8",
		    b"Content-Transfer-Encoding: 8bit"]
		body = a.body.encode()
	out = b"\n".join(lines) + b"\n\n" + body
	open(a.out, "wb").write(out.replace(b"\n", b"\r\n"))
	return 0


if __name__ == "__main__":
	sys.exit(main())
