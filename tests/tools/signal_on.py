#!/usr/bin/env python3
"""signal_on.py: sends SIGTERM to a command when its log shows a line.

    signal_on.py PATTERN LOG CMD [ARG...]

Runs CMD with its stderr on a pipe of the smallest size Linux allows
(one page), copies every line of it to LOG, and the first time a line
contains PATTERN sends CMD a SIGTERM and writes the line
"signal_on: SIGTERM sent" to LOG after the line that matched.  Exits
with CMD's exit code.

The small pipe is what makes this exact without any timing: CMD blocks
on its next log line once the pipe is full, so between the matching
line and the signal it can write at most two pages of log (the rest of
the chunk read with the matching line, and the pipe), however slow this
script is.  A test that logs more than that per step of CMD's work knows
the signal arrived within a step or two of the matching line.
"""

import fcntl
import os
import signal
import subprocess
import sys

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
CHUNK = 4096


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: signal_on.py PATTERN LOG CMD [ARG...]\n")
        return 2
    pattern = sys.argv[1].encode()
    rfd, wfd = os.pipe()
    fcntl.fcntl(rfd, F_SETPIPE_SZ, CHUNK)
    proc = subprocess.Popen(sys.argv[3:], stderr=wfd)
    os.close(wfd)
    sent = False
    pending = b""
    with open(sys.argv[2], "wb", buffering=0) as log:
        while True:
            chunk = os.read(rfd, CHUNK)
            if not chunk:
                break
            pending += chunk
            lines = pending.split(b"\n")
            pending = lines.pop()
            for line in lines:
                log.write(line + b"\n")
                if not sent and pattern in line:
                    proc.send_signal(signal.SIGTERM)
                    sent = True
                    log.write(b"signal_on: SIGTERM sent\n")
        if pending:
            log.write(pending)
    os.close(rfd)
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
