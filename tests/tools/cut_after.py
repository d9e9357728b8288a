#!/usr/bin/env python3
"""cut_after.py: a TCP relay that breaks the connection after N bytes.

    cut_after.py PORTFILE TARGET_PORT BYTES

Listens on 127.0.0.1 (a free port, written to PORTFILE once it listens),
takes one connection, relays it byte for byte to 127.0.0.1:TARGET_PORT
(TLS passes through untouched) and, once BYTES bytes have come back from
the server, closes both sides and exits.  The client sees the server's
connection end in the middle of whatever it was reading: a server gone
mid-fetch, at a point that depends on the bytes, never on timing.
"""

import os
import select
import socket
import sys


def main():
    portfile, target, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % lsn.getsockname()[1])
    os.rename(tmp, portfile)
    cli, _ = lsn.accept()
    lsn.close()
    srv = socket.create_connection(("127.0.0.1", target))
    sent = 0
    peer = {cli: srv, srv: cli}
    while sent < limit:
        ready, _, _ = select.select([cli, srv], [], [])
        for s in ready:
            # Never more than the rest of the limit from the server, so
            # the cut falls at the same byte on every run.
            n = 65536 if s is cli else min(65536, limit - sent)
            data = s.recv(n)
            if not data:
                sent = limit
                break
            peer[s].sendall(data)
            if s is srv:
                sent += len(data)
    cli.close()
    srv.close()


if __name__ == "__main__":
    main()
