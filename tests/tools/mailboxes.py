#!/usr/bin/env python3
"""mailboxes.py: what reached each recipient, against the robot's outbox.

    mailboxes.py DB BOXDIR [STUCK]

BOXDIR holds one directory per recipient address with the messages of
their INBOX (servers_fetch_all).  STUCK lists outbox row ids that a kill
left in state 'sending' (the rows the documented duplicate window,
robot/outbox.h, can send twice).  Prints one line per recipient, tab
separated:

    ADDRESS SENT DELIVERED BOTH SAME UNEXPLAINED FRAGMENTS

SENT: rows 'sent' to the address; DELIVERED: complete robot mails in the
mailbox, by distinct Message-ID; BOTH: how many of those are among SENT;
SAME: further copies under a Message-ID already counted; UNEXPLAINED:
those of them whose row no kill left 'sending'; FRAGMENTS: mail cut short
by a kill in the middle of DATA (the test server, msmtpd, delivers what it
received when the connection drops; a real MTA discards it).
"""

import email
import email.policy
import os
import sqlite3
import sys


def main():
    db = sqlite3.connect(sys.argv[1])
    stuck = set()
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        with open(sys.argv[3]) as f:
            stuck = {int(x) for x in f.read().split()}
    rows = {}
    for rid, mid, rcpts, state, data in db.execute(
            "SELECT id, message_id, rcpts, state, data FROM outbox"):
        data = bytes(data).replace(b"\r\n", b"\n")
        body = data.split(b"\n\n", 1)[1].rstrip() if b"\n\n" in data \
            else b""
        rows[mid.strip("<>").lower()] = (rid, rcpts.lower().split(", "),
                                         state, body)
    for u in sorted(os.listdir(sys.argv[2])):
        sent = {m for m, r in rows.items() if r[2] == "sent" and u in r[1]}
        seen = {}
        frag = 0
        d = os.path.join(sys.argv[2], u)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                raw = f.read().replace(b"\r\n", b"\n")
            msg = email.message_from_bytes(raw,
                                           policy=email.policy.compat32)
            mid = (msg.get("Message-ID") or "").strip().strip("<>").lower()
            r = rows.get(mid)
            # Complete: the delivered text ends with the whole queued body.
            if r is None or not raw.rstrip().endswith(r[3]):
                frag += 1
                continue
            seen[mid] = seen.get(mid, 0) + 1
        same = sum(n - 1 for n in seen.values())
        unexplained = sum(n - 1 for m, n in seen.items()
                          if n > 1 and rows[m][0] not in stuck)
        print("%s\t%d\t%d\t%d\t%d\t%d\t%d" % (u, len(sent), len(seen),
              len(sent & set(seen)), same, unexplained, frag))
    return 0


if __name__ == "__main__":
    sys.exit(main())
