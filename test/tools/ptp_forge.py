#!/usr/bin/env python3
# The attacker of test/net/hostile.sh: PTP messages built by hand from the
# IEEE 1588-2019 field layouts (13.3 header, 13.12 Signaling, 16.1.4 TLVs,
# 15.4 Management), sent as whole Ethernet frames on a packet socket so that
# any IPv6 source address can be forged, or from ordinary UDP sockets on
# addresses the attacker holds.  Prints what it sent (and got) as "key value"
# lines.  Every loop is bounded by --count or --seconds.
#
#   ptp_forge.py send IFACE DMAC SRC DST PORT SPEC [--count N] [--rate R]
#                [--clock ID] [--portnum N] [--target ID-PORT] [--seq N]
#       one message per SPEC, COUNT times at RATE/s, from SRC to DST:PORT
#       (the UDP source port is PORT too); sourcePortIdentity ID-PORTNUM
#       SPEC: grant:TYPE:LOG:DURATION  request:TYPE:LOG:DURATION
#             cancel:TYPE  (Signaling; TYPE: SYNC, ANNOUNCE, DELAY_RESP or
#             a number)
#             sync1:DELTA_NS  (a one-step Sync DELTA_NS off now; PORT 319)
#             announce:UTC_OFFSET:CLOCK_CLASS:GM_ID
#       --auth SPP:KEYID:ALG:HEXKEY[:bad]  with the AUTHENTICATION TLV
#       (1588-2019 16.14.3; ALG SHA256-128, SHA256, AES128, AES256), its
#       ICV computed here from the clause (hmac, cryptography's CMAC): an
#       implementation independent of ptpbox's; ":bad" flips an ICV bit
#   ptp_forge.py malformed IFACE SECONDS RATE SEED SRC,DST,DMAC...
#       random bytes, truncated headers, bad versions, lengths and TLV
#       lengths, to ports 319 and 320 of each SRC,DST,DMAC triple in turn
#   ptp_forge.py amp GM SECONDS LOG SVC ADDR...
#       fake clients bound to ADDR (ports 319 and 320): each asks GM for SVC
#       at LOG every second, counts what comes back, cancels at the end
#   ptp_forge.py mgmtflood DST SECONDS RATE [SRC...]
#       GET requests from UDP sockets (bound to each SRC in turn, or one
#       unbound) at RATE/s in all, counts the answers
import random, select, socket, struct, sys, time

MSGTYPE = {"SYNC": 0x0, "DELAY_REQ": 0x1, "FOLLOW_UP": 0x8, "DELAY_RESP": 0x9,
           "ANNOUNCE": 0xB, "SIGNALING": 0xC, "MANAGEMENT": 0xD}
TLV_REQUEST, TLV_GRANT, TLV_CANCEL, TLV_ACK_CANCEL = 4, 5, 6, 7


def msgtype(name):
    return MSGTYPE[name] if name in MSGTYPE else int(name, 0)


def clock_id(text):
    # 001122.fffe.334455 (linuxptp's format) or 16 hex digits
    h = text.replace(".", "").replace(":", "").replace("-", "")
    b = bytes.fromhex(h)
    assert len(b) == 8, text
    return b


def header(mtype, body_and_tlvs_len, clk, portnum, seq, control, log=0x7F,
           flags=0x0400, version=0x12, domain=0):
    # 1588-2019 13.3: majorSdoId|messageType, minorVersionPTP|versionPTP,
    # messageLength, domainNumber, minorSdoId, flagField, correctionField,
    # messageTypeSpecific, sourcePortIdentity, sequenceId, controlField,
    # logMessageInterval
    return (struct.pack(">BBHBBH", mtype & 0x0F, version, 34 + body_and_tlvs_len,
                        domain, 0, flags)
            + b"\0" * 8 + b"\0" * 4 + clk + struct.pack(">HHBB", portnum, seq, control,
                                                         log & 0xFF))


def tlv(ttype, value):
    return struct.pack(">HH", ttype, len(value)) + value


def signaling(clk, portnum, seq, target, tlvs):
    # 13.12: targetPortIdentity, then TLVs
    body = target + b"".join(tlvs)
    return header(0xC, len(body), clk, portnum, seq, 5) + body


def spec_tlv(spec):
    f = spec.split(":")
    if f[0] == "grant":   # 16.1.4.2: type<<4, log, duration, reserved, flags
        return tlv(TLV_GRANT, struct.pack(">BbIBB", msgtype(f[1]) << 4, int(f[2]),
                                          int(f[3]), 0, 1 if int(f[3]) else 0))
    if f[0] == "request":  # 16.1.4.1: type<<4, log, duration
        return tlv(TLV_REQUEST, struct.pack(">BbI", msgtype(f[1]) << 4, int(f[2]), int(f[3])))
    if f[0] == "cancel":   # 16.1.4.3: type<<4, flags
        return tlv(TLV_CANCEL, struct.pack(">BB", msgtype(f[1]) << 4, 0))
    raise SystemExit("bad SPEC " + spec)


def timestamp(t):
    # 5.3.3 Timestamp: 48-bit seconds, 32-bit nanoseconds
    sec = int(t)
    return struct.pack(">HII", sec >> 32, sec & 0xFFFFFFFF, int((t - sec) * 1e9))


def message(spec, clk, portnum, seq, target):
    """A whole message for SPEC: a Signaling message with one TLV, or
    sync1:DELTA_NS (a one-step Sync, originTimestamp = now in PTP time +
    DELTA_NS, for port 319) or announce:UTC_OFFSET:CLOCK_CLASS:GM_ID."""
    f = spec.split(":")
    if f[0] == "sync1":  # 13.6: originTimestamp; flags: unicast, PTP timescale
        t = time.time() + 37 + int(f[1]) * 1e-9
        return header(0x0, 10, clk, portnum, seq, 0, log=-2, flags=0x0408) + timestamp(t)
    if f[0] == "announce":  # 13.5
        body = (timestamp(time.time() + 37) + struct.pack(">hBB", int(f[1]), 0, 128)
                + struct.pack(">BBH", int(f[2]), 0x21, 0x4E5D) + bytes([128])
                + clock_id(f[3]) + struct.pack(">HB", 0, 0xA0))
        return header(0xB, len(body), clk, portnum, seq, 5, log=0, flags=0x040C) + body
    return signaling(clk, portnum, seq, target, [spec_tlv(spec)])


def mgmt_get(mid, seq, clk=bytes.fromhex("0a0b0c0d0e0f1011")):
    # 15.4: targetPortIdentity (all ones), startingBoundaryHops,
    # boundaryHops, actionField (GET 0), reserved; MANAGEMENT TLV
    body = b"\xff" * 10 + bytes([1, 1, 0, 0]) + tlv(1, struct.pack(">H", mid))
    return header(0xD, len(body), clk, 1, seq, 4) + body


def sign(msg, auth):
    # 16.14.3 immediate processing: tlvType 0x8009, lengthField, spp,
    # secParamIndicator 0, keyID, ICV over the whole message (messageLength
    # counting the TLV) up to the ICV; correctionField included
    f = auth.split(":")
    spp, keyid, alg, key = int(f[0]), int(f[1]), f[2].upper(), bytes.fromhex(f[3])
    icv_len = 32 if alg == "SHA256" else 16
    tlvhdr = struct.pack(">HHBBI", 0x8009, 6 + icv_len, spp, 0, keyid)
    m = msg[:2] + struct.pack(">H", len(msg) + len(tlvhdr) + icv_len) + msg[4:] + tlvhdr
    if alg.startswith("SHA256"):
        import hashlib, hmac
        icv = hmac.new(key, m, hashlib.sha256).digest()[:icv_len]
    else:
        from cryptography.hazmat.primitives import cmac
        from cryptography.hazmat.primitives.ciphers import algorithms
        c = cmac.CMAC(algorithms.AES(key))
        c.update(m)
        icv = c.finalize()
    if len(f) > 4 and f[4] == "bad":
        icv = bytes([icv[0] ^ 1]) + icv[1:]
    return m + icv


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def frame(smac, dmac, src, dst, sport, dport, payload):
    # Ethernet II, IPv6 (hop limit 64), UDP with its checksum (RFC 8200 8.1)
    s, d = ip6(src), ip6(dst)
    ulen = 8 + len(payload)
    pseudo = s + d + struct.pack(">I3xB", ulen, 17)
    udp = struct.pack(">HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack(">H", c) + udp[8:]
    ip = struct.pack(">IHBB", 0x60000000, ulen, 17, 64) + s + d
    return dmac + smac + b"\x86\xdd" + ip + udp


class Raw:
    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.s.bind((iface, 0))
        self.smac = mac(open("/sys/class/net/%s/address" % iface).read().strip())
        self.errors = 0

    def send(self, dmac, src, dst, sport, dport, payload):
        try:
            self.s.send(frame(self.smac, dmac, src, dst, sport, dport, payload))
            return 1
        except OSError:  # a full queue on a busy machine: counted, not fatal
            self.errors += 1
            return 0


def pace(i, rate, t0):
    # sleep until the i-th packet is due at rate/s (bursts catch up)
    due = t0 + i / rate
    d = due - time.monotonic()
    if d > 0.0005:
        time.sleep(d)


def cmd_send(a):
    iface, dmac, src, dst, port, spec = a[:6]
    opts = dict(zip(a[6::2], a[7::2]))
    count = int(opts.get("--count", 1))
    rate = float(opts.get("--rate", 10))
    clk = clock_id(opts.get("--clock", "0a0b0c.0d0e.0f1011"))
    portnum = int(opts.get("--portnum", 1))
    target = opts.get("--target")
    if target:
        tid, tport = target.rsplit("-", 1)
        target = clock_id(tid) + struct.pack(">H", int(tport))
    else:
        target = b"\xff" * 10
    seq0 = int(opts.get("--seq", 0x8000))
    r = Raw(iface)
    sent = 0
    t0 = time.monotonic()
    for i in range(count):
        pace(i, rate, t0)
        pkt = message(spec, clk, portnum, (seq0 + i) & 0xFFFF, target)
        if "--auth" in opts:
            pkt = sign(pkt, opts["--auth"])
        sent += r.send(mac(dmac), src, dst, 320 if int(port) == 320 else 319, int(port), pkt)
    print("sent", sent)
    print("send_errors", r.errors)


def malformed(rng, kind, clk):
    """One bad datagram of the given kind; each must fail a length, version
    or TLV check of a parser (1588-2019 13.3, 14.1)."""
    if kind == "random":
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 120)))
    if kind == "short":  # header cut short
        h = header(rng.choice([0x0, 0x8, 0x9, 0xB, 0xC, 0xD]), 10, clk, 1, 1, 0)
        return h[:rng.randrange(0, 34)]
    if kind == "version":  # versionPTP 1 and 3 on a well-formed Sync
        return header(0x0, 10, clk, 1, 1, 0, version=rng.choice([0x01, 0x03, 0x00])) + b"\0" * 10
    if kind == "msglen_long":  # messageLength beyond the datagram
        h = bytearray(header(0xB, 30, clk, 1, 1, 5))
        struct.pack_into(">H", h, 2, rng.choice([200, 1500, 65535]))
        return bytes(h) + b"\0" * 30
    if kind == "body_short":  # Announce, Delay_Resp, Follow_Up without their body
        t = rng.choice([0xB, 0x9, 0x8, 0x0])
        return header(t, 2, clk, 1, 1, 5) + b"\0" * 2
    if kind == "tlv_odd":  # Signaling with an odd TLV length
        v = tlv(TLV_GRANT, b"\x00" * 8)
        v = v[:2] + struct.pack(">H", 7) + v[4:11]
        return signaling(clk, 1, 1, b"\xff" * 10, [v])
    if kind == "tlv_over":  # TLV length beyond the message
        v = struct.pack(">HH", TLV_REQUEST, rng.choice([8, 64, 0xFFFE])) + b"\0" * 6
        return signaling(clk, 1, 1, b"\xff" * 10, [v])
    if kind == "tlv_short":  # GRANT TLV shorter than its body
        return signaling(clk, 1, 1, b"\xff" * 10, [tlv(TLV_GRANT, b"\x90\x00")])
    if kind == "tlv_trail":  # 1..3 octets after the last TLV, inside messageLength
        return signaling(clk, 1, 1, b"\xff" * 10,
                         [tlv(TLV_CANCEL, b"\x00\x00"), b"\x00" * rng.randrange(1, 4)])
    if kind == "tlv_many":  # more TLVs than a parser keeps
        return signaling(clk, 1, 1, b"\xff" * 10, [tlv(TLV_CANCEL, b"\x00\x00")] * 40)
    if kind == "mgmt_bad":  # management TLV length wrong
        body = b"\xff" * 10 + bytes([1, 1, 0, 0]) + struct.pack(">HHH", 1, 9, 0x2000)
        return header(0xD, len(body), clk, 1, 1, 4) + body
    raise ValueError(kind)


KINDS = ["random", "short", "version", "msglen_long", "body_short", "tlv_odd",
         "tlv_over", "tlv_short", "tlv_trail", "tlv_many", "mgmt_bad"]


def cmd_malformed(a):
    iface, seconds, rate, seed = a[0], float(a[1]), float(a[2]), int(a[3])
    targets = [t.split(",") for t in a[4:]]
    rng = random.Random(seed)
    r = Raw(iface)
    clk = bytes.fromhex("0badc0de0badc0de")
    sent = {}
    t0 = time.monotonic()
    i = 0
    while time.monotonic() - t0 < seconds:
        pace(i, rate, t0)
        src, dst, dmac = targets[i % len(targets)]
        kind = KINDS[(i // len(targets)) % len(KINDS)]
        port = 319 if (i // (len(targets) * len(KINDS))) % 2 == 0 else 320
        if r.send(mac(dmac), src, dst, rng.randrange(1024, 65535), port,
                  malformed(rng, kind, clk)):
            key = "%s:%d" % (dst, port)
            sent[key] = sent.get(key, 0) + 1
        i += 1
    for k in sorted(sent):
        print("sent_to", k, sent[k])
    print("sent", sum(sent.values()))
    print("send_errors", r.errors)


def parse_ptp(d):
    if len(d) < 34:
        return None
    return d[0] & 0x0F


def cmd_amp(a):
    gm, seconds, log, svc = a[0], float(a[1]), int(a[2]), msgtype(a[3])
    addrs = a[4:]
    rng = random.Random(1)
    socks = []  # (addr, general socket, event socket, clockIdentity)
    for ad in addrs:
        g = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        g.bind((ad, 320))
        e = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        e.bind((ad, 319))
        socks.append((ad, g, e, bytes(rng.getrandbits(8) for _ in range(8))))
    by_fd = {}
    for ad, g, e, c in socks:
        by_fd[g.fileno()] = (ad, g)
        by_fd[e.fileno()] = (ad, e)
    got = {}        # messageType -> count, whole run
    win = {}        # messageType -> count, second half of the run
    grants, denials, seq = {}, {}, 0
    fastest = None  # the smallest logInterMessagePeriod granted
    per_addr = {}   # address -> datagrams the gm sent it
    t0 = time.monotonic()
    next_req = t0
    half = t0 + seconds / 2
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        if now >= next_req:
            for ad, g, e, c in socks:
                seq += 1
                pkt = signaling(c, 1, seq & 0xFFFF, b"\xff" * 10,
                                [spec_tlv("request:%d:%d:60" % (svc, log))])
                g.sendto(pkt, (gm, 320))
            next_req += 1.0
        rd, _, _ = select.select(list(by_fd), [], [], max(0.0, min(next_req, t0 + seconds) - now))
        for fd in rd:
            ad, s = by_fd[fd]
            try:
                d = s.recv(2000)
            except OSError:
                continue
            t = parse_ptp(d)
            if t is None:
                continue
            got[t] = got.get(t, 0) + 1
            per_addr[ad] = per_addr.get(ad, 0) + 1
            if time.monotonic() >= half:
                win[t] = win.get(t, 0) + 1
            if t == 0xC and len(d) >= 44 + 12:
                tt, tl = struct.unpack(">HH", d[44:48])
                if tt == TLV_GRANT and tl >= 8:
                    dur = struct.unpack(">I", d[50:54])[0]
                    (grants if dur else denials)[ad] = 1
                    if dur:
                        glog = struct.unpack(">b", d[49:50])[0]
                        fastest = glog if fastest is None else min(fastest, glog)
    # the fake clients leave: CANCEL from each, as its own port
    for ad, g, e, c in socks:
        seq += 1
        g.sendto(signaling(c, 1, seq & 0xFFFF, b"\xff" * 10, [spec_tlv("cancel:%d" % svc)]),
                 (gm, 320))
    names = {0x0: "sync", 0x8: "follow_up", 0xB: "announce", 0x9: "delay_resp",
             0xC: "signaling"}
    for t, n in sorted(got.items()):
        print("rx_%s" % names.get(t, "type%d" % t), n)
    service = sum(n for t, n in win.items() if t != 0xC)
    print("rx_service_pps %.1f" % (service / (seconds - seconds / 2)))
    print("clients_granted", len(grants))
    print("clients_denied", len(denials))
    print("granted_log_min", "-" if fastest is None else fastest)
    print("clients_granted_list", " ".join(sorted(grants)) or "-")
    for ad in addrs:
        print("rx_addr", ad, per_addr.get(ad, 0))


def cmd_mgmtflood(a):
    dst, seconds, rate = a[0], float(a[1]), float(a[2])
    socks = []
    for src in a[3:] or [None]:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        if src:
            s.bind((src, 0))
        s.setblocking(False)
        socks.append(s)
    sent = answered = 0

    def drain(wait):
        n = 0
        end = time.monotonic() + wait
        while True:
            rd = select.select(socks, [], [], max(0.0, end - time.monotonic()))[0]
            if not rd:
                return n
            for s in rd:
                try:
                    s.recv(2000)
                    n += 1
                except BlockingIOError:
                    pass

    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        pace(sent, rate, t0)
        try:
            socks[sent % len(socks)].sendto(mgmt_get(0x2005, sent & 0xFFFF), (dst, 320))
        except BlockingIOError:
            pass
        sent += 1
        answered += drain(0)
    answered += drain(0.3)
    print("sent", sent)
    print("answered", answered)
    print("seconds %.2f" % (time.monotonic() - t0))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__ or "usage: see the comment at the top")
    cmd, args = sys.argv[1], sys.argv[2:]
    {"send": cmd_send, "malformed": cmd_malformed, "amp": cmd_amp,
     "mgmtflood": cmd_mgmtflood}[cmd](args)


main()
