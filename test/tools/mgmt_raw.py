#!/usr/bin/env python3
# Send hand-made (also malformed) PTP management messages for the tests and
# print the answers as hex.  usage:
#   mgmt_raw.py uds SERVER_PATH HEX...     one datagram per HEX argument
#   mgmt_raw.py udp6 ADDR HEX...           to [ADDR]:320
# HEX "get:ID[:DATA]" / "set:ID:DATA" builds a valid request (ID, DATA hex);
# anything else is sent as raw bytes.  Each answer: "reply HEX".
import os, socket, struct, sys

def build(action, mid, data, seq):
    tlv = struct.pack(">HHH", 1, 2 + len(data), mid) + data
    body = b"\xff" * 10 + bytes([1, 1, action, 0])
    hdr = struct.pack(">BBHBBH", 0x0D, 0x02, 34 + len(body) + len(tlv), 0, 0, 0)
    hdr += b"\0" * 12 + bytes.fromhex("0a0b0c0d0e0f1011") + struct.pack(">HHBb", 7, seq, 4, 0x7F)
    return hdr + body + tlv

def main():
    kind, dst, msgs = sys.argv[1], sys.argv[2], sys.argv[3:]
    if kind == "uds":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        me = "/tmp/ptpbox-test-raw.%d" % os.getpid()
        s.bind(me)
        to = dst
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        me = None
        to = (dst, 320)
    s.settimeout(0.5)
    try:
        for i, m in enumerate(msgs):
            if m.startswith(("get:", "set:")):
                parts = m.split(":")
                data = bytes.fromhex(parts[2]) if len(parts) > 2 else b""
                pkt = build(0 if parts[0] == "get" else 1, int(parts[1], 16), data, i)
            else:
                pkt = bytes.fromhex(m)
            s.sendto(pkt, to)
            got = 0
            try:
                while True:
                    print("reply", s.recv(2000).hex())
                    got += 1
                    s.settimeout(0.2)
            except socket.timeout:
                if not got:
                    print("noreply")
            s.settimeout(0.5)
    finally:
        if me:
            os.unlink(me)

main()
