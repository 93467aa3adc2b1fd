#!/usr/bin/env python3
# A null-modem cable between two pseudo-terminals: the slave ends appear as
# the paths given (symlinks), bytes written to one come out of the other.
# Stops on SIGTERM/SIGINT or after --seconds.  Usage: ptypair.py A B [--seconds N]
import os, pty, select, signal, sys, time, tty

a, b = sys.argv[1], sys.argv[2]
limit = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seconds" else 600
ends = []
for path in (a, b):
    m, s = pty.openpty()
    tty.setraw(s)  # no echo: a cooked end would bounce bytes back
    name = os.ttyname(s)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(name, path)
    ends.append((m, s))
stop = False
def handler(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, handler)
signal.signal(signal.SIGINT, handler)
peer = {ends[0][0]: ends[1][0], ends[1][0]: ends[0][0]}
deadline = time.monotonic() + limit
try:
    while not stop and time.monotonic() < deadline:
        r, _, _ = select.select(list(peer), [], [], 0.2)
        for fd in r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                continue  # the slave side closed: wait for it to reopen
            if data:
                os.write(peer[fd], data)
finally:
    for path in (a, b):
        if os.path.islink(path):
            os.unlink(path)
