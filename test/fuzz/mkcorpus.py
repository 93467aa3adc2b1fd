#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the generated seeds of test/fuzz/corpus/ (the hand-written ones,
configuration files, pmc commands and ppsmon inputs, sit beside them):

  msg/      the golden packets of test/unit/test_msg.c, G.8271 Figure A.3
  mgmt/     step sequences for fuzz_mgmt.c: the oc and gm converging,
            management GET and SET of every id, golden packets delivered
  unicast/  step sequences for fuzz_unicast.c: negotiation rounds
  servo/    step sequences for fuzz_servo.c: each servo locking on a
            simulated clock, then odd samples, resets, new intervals
  tc/       step sequences for fuzz_tc.c: Ethernet/IPv4/IPv6/UDP frames of
            Sync, Follow_Up, Delay_Req, Delay_Resp, Announce through a
            one-step and a two-step transparent clock, with their transmit
            timestamps, VLAN tags, truncated, damaged and oversized frames
  auth/     inputs of fuzz_auth.c's four parts: sa_files, datagrams (the
            golden signed packet of test/unit/test_auth.c, the msg/ ones
            given the TLV), messages to sign, and step sequences of signed
            negotiation, Delay_Req, replayed Sync/Follow_Up/Signaling and
            management to eng_receive() and a gm
  nmea/     streams for fuzz_nmea.c: a receiver locked over midnight, one
            900 ms late, a fix lost (GNS, GGA, RMC V), noise and cut,
            overlong and foreign sentences

Run from anywhere: python3 test/fuzz/mkcorpus.py.  The formats are the
harnesses' own (see the step switch of each); keep them in step.
"""
import math
import os
import re
import struct

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(TOP, "test", "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def golden():
    src = open(os.path.join(TOP, "test", "unit", "test_msg.c")).read()
    out = {}
    for name, body in re.findall(r"static const char (\w+)_hex\[\] =(.*?);", src, re.S):
        out[name] = bytes.fromhex("".join(re.findall(r'"([^"]*)"', body)).replace(" ", ""))
    return out


def mgmt_ids():
    """The managementIds of core/mgmt.c's table."""
    h = open(os.path.join(TOP, "core", "mgmt.h")).read()
    val = {k: int(v, 16) for k, v in re.findall(r"(MID_\w+) = (0x[0-9A-Fa-f]+)", h)}
    c = open(os.path.join(TOP, "core", "mgmt.c")).read()
    table = c[c.index("static const struct mgmt_desc table[]"):]
    table = table[:table.index("};")]
    return sorted(val[m] for m in re.findall(r"\((MID_\w+),", table))


TOD_FIG_A3 = bytes.fromhex("434d0101000e00005909dfb800061 60f0000000025".replace(" ", ""))


def msg_seeds():
    for name, data in golden().items():
        put("msg", name, data)
    put("msg", "tod_fig_a3", TOD_FIG_A3)


# ---- fuzz_mgmt.c steps ----
def m_time(unit, n, no_ts=False):  # unit 0 1 ms, 1 62.5 ms, 2 1 s, 3 30 s
    return [3, unit | (12 if no_ts else 0), n - 1]


def m_deliver():
    return [4]


def m_converge(rounds, unit=1, n=4):
    s = []
    for _ in range(rounds):
        s += m_time(unit, n) + m_deliver()
    return s


def m_mgmt(action, to_gm, mid, data=b"", allow_set=True, remote=False):
    act = {"GET": 0, "SET": 1, "CMD": 2}[action] | (4 if allow_set else 0) | (8 if remote else 0)
    return [2, act, 1 if to_gm else 0] + list(struct.pack(">H", mid)) + [len(data)] + list(data)


def m_datagram(to_gm, data, sel=0, event=False):
    sel |= 4 if event else 0
    return [1 if to_gm else 0, sel] + list(struct.pack(">H", len(data))) + list(data)


def mgmt_seeds():
    ids = mgmt_ids()
    for v in range(3):
        put("mgmt", "converge-%d" % v, [v] + m_converge(60))
        get_all = [v] + m_converge(30)
        for mid in ids:
            get_all += m_mgmt("GET", False, mid) + m_mgmt("GET", True, mid)
        put("mgmt", "get-all-%d" % v, get_all)
    sets = [0] + m_converge(20)
    sets += m_mgmt("SET", False, 0x2006, b"\x63\x00")  # PRIORITY2 99
    sets += m_mgmt("SET", True, 0x2005, b"\x05\x00")  # PRIORITY1 5 (out of ocp-dc)
    sets += m_mgmt("SET", True, 0x0002, b"\x07fuzz;me")  # USER_DESCRIPTION
    fd01 = bytes.fromhex("fd00" + "00" * 13 + "01")
    sets += m_mgmt("SET", False, 0xDF00, b"\x00\x01\x00\x02\x00\x10" + fd01)  # lock-out
    sets += m_converge(10)
    sets += m_mgmt("SET", False, 0xDF00, b"\x00\x00")  # lock-out lifted
    sets += m_mgmt("SET", False, 0x2006, b"\x63\x00", allow_set=False, remote=True)
    sets += m_mgmt("CMD", True, 0x0000)
    put("mgmt", "set-0", sets)
    # a stall: no traffic for minutes, then again
    put("mgmt", "stall-0", [0] + m_converge(20) + m_time(3, 10) + m_converge(20))
    put("mgmt", "stall-2", [2] + m_converge(20) + m_time(2, 200) + m_converge(20))
    # time from the ToD source (variant 2): an edge and its time event each second
    tod = [2]
    for i in range(8):
        # the gm's clock reads 1.7e9 s + 1000 s of harness time (fz.c);
        # the edge 5 ms ago, then its time event (TAI: + 37 s)
        ev = struct.pack(">Q", 1700001037 + i)[2:] + bytes([0, 0x0f]) + struct.pack(">h", 37)
        ev += bytes(14 - len(ev))
        tod += [7, 1, 5] + [7, 2, 14, 1] + list(ev) + m_time(2, 1) + m_deliver()
    put("mgmt", "tod-2", tod + m_converge(20))
    # golden packets to either engine from the peer
    g = golden()
    for name, data in g.items():
        put("mgmt", "golden-" + name, [0] + m_converge(10) + m_datagram(False, data) +
            m_datagram(True, data) + m_datagram(False, data, event=True))


# ---- fuzz_unicast.c steps ----
def u_setup(max_clients=4, exact=0, acl=0, pps=0, req_log=(0, 0xfc, 0xfc), dur=300):
    s = [max_clients - 1, exact]
    for _ in range(3):
        s += [0, 7]  # logs -7..0
    s += [9, 0x0e, 0x10]  # durations 10..3610
    s += [acl, pps, 0]
    s += [(l + 8) % 16 for l in [l if l < 128 else l - 256 for l in req_log]]
    s += list(struct.pack(">H", dur)) + [10, 60, 9, 0] + list(struct.pack(">H", 3600))
    s += [0, 100]  # now 100 s
    return s


def unicast_seeds():
    want_all = [8, 4, 8, 5, 8, 6]
    rounds = []
    for _ in range(40):
        rounds += [4, 0, 2, 2, 5, 3]  # tick + answered, 0.5 s, due
    put("unicast", "negotiate", u_setup() + want_all + rounds)
    put("unicast", "negotiate-exact", u_setup(exact=1, pps=2, dur=5000) + want_all + rounds)
    lost = []
    for _ in range(20):
        lost += [4, 1, 2, 3, 2]  # answers lost
    put("unicast", "answers-lost", u_setup() + want_all + lost + rounds)
    others = []
    for a in range(16):  # every source asks for Sync, every other one cancels it
        others += [0, a, a % 3, 1 + a % 2, 0, 1, 0xfc, 60] + ([3, 1, 0, 0] if a % 2 else [])
    put("unicast", "many-clients", u_setup(max_clients=3, acl=1) + others + [2, 3, 200, 3] * 5)


# ---- fuzz_servo.c steps ----
def s_log(v, lo, hi):  # fz_log
    return list(struct.pack(">H", round(65535 * math.log(v / lo) / math.log(hi / lo))))


def s_frac(f):  # fz_frac
    return list(struct.pack(">H", round(f * 32767 + 32767)))


def s_thresh(v, lo, hi):
    return [1] + s_log(v, lo, hi) if v else [0]


def s_setup(kind, step=0, first=20000, max_ppb=500000, stable=(100, 10), freq=0.0,
            log_interval=0, wander=1.0, pi_preset=0, pi_extra=(), f_osc=10000, x_us=1000):
    """kind 0 pi, 1 linreg, 2 envelope; ns, ppb, s"""
    s = [kind] + s_thresh(step, 1, 1e18) + s_thresh(first, 1, 1e18) + s_log(max_ppb, 1, 1e9)
    s += s_thresh(stable[0], 1, 1e9) + list(struct.pack(">H", stable[1] - 1))
    s += s_frac(freq / max_ppb) + [log_interval + 7]
    if kind == 2:
        s += s_log(wander, 0.001, 1000)
    elif kind == 0:
        s += [pi_preset] + list(pi_extra)
    s += [0] + list(struct.pack(">I", 123456789))  # local 1.7e9 s + 0.12 s
    s += s_frac(f_osc / max_ppb) + list(struct.pack(">i", x_us)) + [0, 0, 0, 42]
    return s


def s_burst(rounds, log_beta=4, outliers=False, one_way=False, jitter=0):
    return [7, rounds - 1, log_beta | (0x10 if outliers else 0) | (0x20 if one_way else 0) |
            jitter << 6]


def s_sample(time=(0, 0), offset=(0, 10), ms_valid=1, delay=1000, ext_freq=None, dreq=None):
    """time: (0, jitter s8) interval, (1, ns s16), (2, us s32), (3, ns i64);
    offset: (0, delta s16), (1, s32), (2, i64), (3, extreme index)"""
    f = time[0] | offset[0] << 2 | ms_valid << 4
    f |= (0x20 if not isinstance(delay, int) or not 0 <= delay < 65536 else 0)
    f |= 0x40 if ext_freq is not None else 0
    f |= 0x80 if dreq is not None else 0
    s = [0, f] + list(struct.pack([">b", ">h", ">i", ">q"][time[0]], time[1]))
    s += list(struct.pack([">h", ">i", ">q", ">B"][offset[0]], offset[1]))
    if f & 0x20:
        s += [1, delay[1]] if delay[0] == "x" else [0] + list(struct.pack(">q", delay[1]))
    else:
        s += list(struct.pack(">H", delay))
    if ext_freq is not None:
        s += s_frac(ext_freq)
    if dreq is not None:
        s += list(struct.pack(">H", dreq))
    return s


def s_delay(t3=(0, 500), sm=(0, 1000)):
    s = [4, t3[0] | sm[0] << 2]
    s += list(struct.pack([">H", ">i", ">q", ">B"][t3[0]], t3[1]))
    s += list(struct.pack([">H", ">i", ">q", ">B"][sm[0]], sm[1]))
    return s


def s_interval(log):
    return [6 | (log + 7) << 3]


S_RESET = [5]


def servo_seeds():
    for kind, name in enumerate(["pi", "linreg", "env"]):
        lock = s_setup(kind) + s_burst(256) + s_burst(240, log_beta=8)
        put("servo", "lock-" + name, lock)
        odd = s_setup(kind, step=1e6, stable=(0, 1)) + s_burst(64)
        odd += s_sample() + s_sample(time=(1, 0)) + s_sample(time=(1, -5)) + s_delay()
        odd += s_sample(offset=(3, 0), dreq=900) + s_sample(offset=(3, 2), delay=("x", 0))
        odd += s_sample(time=(3, 1 << 62), offset=(2, -(1 << 62)), delay=("i", 1 << 62))
        odd += s_delay(t3=(2, -1), sm=(3, 0)) + s_delay(t3=(3, 2), sm=(2, 1 << 63 - 1))
        odd += s_sample(ext_freq=0.5) + s_sample(ms_valid=0, ext_freq=-1.0)
        odd += S_RESET + s_burst(32) + s_interval(-7) + s_burst(200, jitter=3)
        odd += s_interval(4) + s_burst(40) + S_RESET + s_sample(time=(2, 1800 * 1000000))
        odd += s_burst(40)
        put("servo", "odd-" + name, odd)
        put("servo", "pps-" + name,
            s_setup(kind, log_interval=0) + s_burst(256, log_beta=2, one_way=True))
        put("servo", "outliers-" + name,
            s_setup(kind, log_interval=-4, first=0, step=1e9, max_ppb=1e9, f_osc=-2e5) +
            s_burst(256, log_beta=7, outliers=True) + s_burst(240, log_beta=7, outliers=True))
    put("servo", "pi-sw-gains", s_setup(0, pi_preset=1) + s_burst(200, log_beta=10))
    put("servo", "pi-const-gains",
        s_setup(0, pi_preset=2, pi_extra=[1] + s_log(1.0, 1e-6, 1e6) + [1] + s_log(0.5, 1e-6, 1e6))
        + s_burst(100))


# ---- fuzz_tc.c steps: layer-2 frames built here, checksums and all ----
def t_csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


T_SYNC, T_DELAY_REQ, T_FOLLOW_UP, T_DELAY_RESP, T_ANNOUNCE = 0, 1, 8, 9, 11


def t_ptp(mtype, seq, two_step=False, src=1, req=None, corr_ns=5, domain=0):
    """A PTP message: a 34-octet header and the body of its type."""
    body = {T_DELAY_RESP: 20, T_ANNOUNCE: 30}.get(mtype, 10)
    ident = bytes(7) + bytes([src]) + struct.pack(">H", 1)
    hdr = bytes([mtype, 0x12]) + struct.pack(">HBBBB", 34 + body, domain, 0,
                                              0x02 if two_step else 0, 0)
    hdr += struct.pack(">q", corr_ns * 65536) + bytes(4) + ident
    hdr += struct.pack(">HBb", seq, {T_SYNC: 0, T_DELAY_REQ: 1, T_FOLLOW_UP: 2,
                                     T_DELAY_RESP: 3}.get(mtype, 5), -4)
    ts = struct.pack(">HIi", 0, 1700000000 + seq, 123456)[:10]
    if mtype == T_DELAY_RESP:
        return hdr + ts + bytes(7) + bytes([req or 9]) + struct.pack(">H", 1)
    if mtype == T_ANNOUNCE:
        # currentUtcOffset, priority1, clockQuality, priority2, identity,
        # stepsRemoved, timeSource
        return hdr + ts + struct.pack(">hxBBBHB", 37, 128, 6, 0x21, 0x4E5D, 128) + \
            bytes(7) + bytes([1]) + struct.pack(">HB", 0, 0xA0)
    return hdr + ts


def t_frame(msg, ip=6, vlan=(), l2=False):
    """Ethernet II (+ 802.1Q/802.1ad tags) around msg: PTP over Ethernet,
    or IPv4/IPv6 + UDP to 319 (event messages) or 320."""
    event = (msg[0] & 0x0F) < 8
    src_mac = bytes([2, 0, 0, 0, 0, 1])
    if l2:
        dst_mac, et, payload = bytes.fromhex("011b19000000"), 0x88F7, msg
    else:
        port = 319 if event else 320
        udp = struct.pack(">HHHH", port, port, 8 + len(msg), 0) + msg
        if ip == 4:
            dst_mac, et = bytes.fromhex("01005e000181"), 0x0800
            sa, da = bytes([10, 0, 0, 1]), bytes([224, 0, 1, 129])
            pseudo = sa + da + struct.pack(">BBH", 0, 17, len(udp))
            iph = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(udp), 0, 0x4000, 1, 17, 0) + sa + da
            iph = iph[:10] + struct.pack(">H", t_csum(iph)) + iph[12:]
        else:
            dst_mac, et = bytes.fromhex("333300000181"), 0x86DD
            sa = bytes.fromhex("fd00" + "00" * 13 + "01")
            da = bytes.fromhex("ff0e" + "00" * 12 + "0181")
            pseudo = sa + da + struct.pack(">IxxxB", len(udp), 17)
            iph = struct.pack(">IHBB", 0x60000000, len(udp), 17, 1) + sa + da
        c = t_csum(pseudo + udp) or 0xFFFF
        payload = iph + udp[:6] + struct.pack(">H", c) + udp[8:]
    tags = b"".join(struct.pack(">HH", tpid, vid) for tpid, vid in vlan)
    return dst_mac + src_mac + tags + struct.pack(">H", et) + payload


def t_setup(two_step, ports=2, now_us=1000000):
    return [(1 if two_step else 0) | (ports - 2) << 1] + list(struct.pack(">I", now_us))


def t_rx(port, frame, ago=500, mask=0xFFFFFFFF, fail=False):
    """frame received on port (1..n; 0x80|k: the harness's odd ports)
    ago ns before the TC clock's reading (None: no timestamp)"""
    s = [0, port - 1 if port < 0x80 else port, (0 if ago is None else 1) | (4 if fail else 0)]
    if ago is not None:
        s += list(struct.pack(">H", ago))
    return s + list(struct.pack(">IH", mask, len(frame))) + list(frame)


def t_stamp(after=3000):  # the latest id handed out, stamped after ns
    return [7] + list(struct.pack(">H", after))


def t_stamp_missing(k=0):  # the k-th awaited id: no timestamp came
    return [2, 0, k]


def t_time(ns, tick=True):
    """time passes by ns (to within 2^-16), in steps of up to 2.1 s"""
    s = []
    while ns > 0:
        shift = 0
        while shift < 15 and ns >> shift > 0xFFFF:
            shift += 1
        d = min(ns >> shift, 0xFFFF)
        s += [3 | shift << 3 | (0 if tick else 0x80)] + list(struct.pack(">H", d))
        ns -= d << shift
        if ns < 1 << shift:  # below this step's resolution
            break
    return s


def t_clock(ns):  # the TC clock stepped by ns (+/-2.1 s)
    return [4, 1] + list(struct.pack(">i", ns))


def t_helpers(frame, delta):
    return [5] + list(struct.pack(">qH", delta, len(frame))) + list(frame)


T_SUMMARY = [6]
T_AGAIN = [6 | 8]  # the last frame again, 1 + the next octet times


def tc_seeds():
    for ip in (4, 6):
        # two-step: Sync, Follow_Up held until the Sync's stamp; Sync
        # stamped first; Delay_Req out of 1, its Delay_Resp back in by 1
        s = t_setup(True)
        for seq in range(4):
            sync = t_frame(t_ptp(T_SYNC, seq, two_step=True), ip)
            fup = t_frame(t_ptp(T_FOLLOW_UP, seq), ip)
            if seq % 2:
                s += t_rx(1, sync) + t_stamp(2500 + seq) + t_rx(1, fup, None)
            else:
                s += t_rx(1, sync) + t_rx(1, fup, None) + t_stamp(4000)
            s += t_rx(2, t_frame(t_ptp(T_DELAY_REQ, seq, src=9), ip), 300) + t_stamp(900)
            s += t_rx(1, t_frame(t_ptp(T_DELAY_RESP, seq, req=9), ip), None)
            s += t_time(62500000)
        # a stamp that never comes, one too late, a Follow_Up of no Sync
        s += t_rx(1, t_frame(t_ptp(T_SYNC, 10, two_step=True), ip)) + t_stamp_missing()
        s += t_rx(1, t_frame(t_ptp(T_FOLLOW_UP, 10), ip), None)
        s += t_rx(1, t_frame(t_ptp(T_SYNC, 11, two_step=True), ip))
        s += t_rx(1, t_frame(t_ptp(T_FOLLOW_UP, 11), ip), None) + t_time(150000000) + t_stamp()
        s += t_rx(1, t_frame(t_ptp(T_FOLLOW_UP, 12), ip), None) + T_SUMMARY
        put("tc", "two-step-ipv%d" % ip, s)
        # one-step: the residence written ahead into Sync and Delay_Req,
        # three ports, the clock stepped
        s = t_setup(False, ports=3)
        for seq in range(4):
            s += t_rx(1, t_frame(t_ptp(T_SYNC, seq), ip), 1000 + seq) + t_stamp(200)
            s += t_rx(1, t_frame(t_ptp(T_SYNC, seq, two_step=True), ip), 700) + t_stamp(100)
            s += t_rx(1, t_frame(t_ptp(T_FOLLOW_UP, seq), ip), None)
            s += t_rx(3, t_frame(t_ptp(T_DELAY_REQ, seq, src=9), ip), 400) + t_stamp(50)
            s += t_rx(1, t_frame(t_ptp(T_DELAY_RESP, seq, req=9), ip), None)
            s += t_time(125000000) + t_clock(-3000 if seq % 2 else 1000000)
        put("tc", "one-step-ipv%d" % ip, s + T_SUMMARY)
    # PTP over Ethernet and VLAN-tagged frames, four ports, two-step
    s = t_setup(True, ports=4)
    for seq, vlan in enumerate([(), ((0x8100, 42),), ((0x88A8, 7), (0x8100, 42))]):
        for l2, ip in ((True, 0), (False, 4), (False, 6)):
            s += t_rx(2, t_frame(t_ptp(T_SYNC, seq, two_step=True), ip, vlan, l2), 250)
            s += t_stamp(1500) + t_stamp(1600) + t_stamp(1700)
            s += t_rx(2, t_frame(t_ptp(T_FOLLOW_UP, seq), ip, vlan, l2), None)
            s += t_rx(4, t_frame(t_ptp(T_DELAY_REQ, seq, src=3), ip, vlan, l2), 100)
            s += t_stamp(800) + t_stamp(900) + t_stamp(1000)
            s += t_rx(2, t_frame(t_ptp(T_DELAY_RESP, seq, req=3), ip, vlan, l2), None)
            s += t_time(31250000)
    put("tc", "vlan-l2-two-step", s)
    put("tc", "vlan-l2-one-step", [0] + s[1:])
    # Announce, a truncated Sync, an oversized frame, odd ports and masks,
    # failed sends
    ann = t_frame(t_ptp(T_ANNOUNCE, 1), 6)
    sync = t_frame(t_ptp(T_SYNC, 2), 4)
    s = t_setup(False) + t_rx(1, ann, None) + t_rx(2, ann, 40, mask=0b110)
    s += t_rx(1, sync[:-3]) + t_rx(1, sync[:20]) + t_rx(1, sync, mask=0) + t_rx(1, sync, fail=True)
    s += t_rx(1, ann + bytes(1600 - len(ann))) + t_rx(0x80, sync) + t_rx(0x82 | 0x40, sync)
    s += t_rx(0x87, ann) + t_rx(2, t_frame(t_ptp(T_SYNC, 3), l2=True,
                                             vlan=((0x88A8, 1), (0x8100, 2), (0x8100, 3))))
    put("tc", "announce-truncated-odd", s + T_SUMMARY)
    # one-step Syncs through a two-step TC: made two-step, the TC sends
    # their Follow_Ups; one damaged (its UDP checksum off by one)
    s = t_setup(True, ports=3)
    for seq, (ip, l2) in enumerate(((4, False), (6, False), (0, True))):
        s += t_rx(1, t_frame(t_ptp(T_SYNC, seq), ip, l2=l2), 600) + t_stamp(700) + t_stamp(800)
        s += t_rx(2, t_frame(t_ptp(T_SYNC, seq + 8), ip, l2=l2), 600) + t_stamp_missing()
    bad = bytearray(t_frame(t_ptp(T_SYNC, 20), 6))
    bad[14 + 40 + 7] ^= 1
    s += t_rx(3, bytes(bad)) + t_stamp(300) + t_stamp(400)
    put("tc", "one-step-sync-two-step-tc", s + t_time(3000000000) + T_SUMMARY)
    # a stream of one-step Syncs without stamps through a two-step TC:
    # more made two-step than wait, the event ring wraps
    s = t_setup(True, ports=4) + t_rx(1, t_frame(t_ptp(T_SYNC, 1), l2=True)) + T_AGAIN + [199]
    s += t_stamp(500) + t_rx(1, t_frame(t_ptp(T_SYNC, 2), 4)) + T_AGAIN + [10] + t_stamp(500)
    put("tc", "sync-stream", s + t_time(3000000000) + T_SUMMARY)
    # more Follow_Ups waiting than the engine holds, then their stamps
    s = t_setup(True, ports=4)
    for seq in range(22):
        s += t_rx(1, t_frame(t_ptp(T_SYNC, seq, two_step=True), l2=True))
    for seq in range(22):
        s += t_rx(1, t_frame(t_ptp(T_FOLLOW_UP, seq), l2=True), None)
    for _ in range(64):
        s += t_stamp(2000)
    put("tc", "hold-full", s + t_time(200000000) + T_SUMMARY)
    # the helpers on raw frames
    s = t_setup(False)
    for f in (sync, ann, t_frame(t_ptp(T_DELAY_RESP, 3), 4, l2=True),
              t_frame(t_ptp(T_FOLLOW_UP, 4), 6, ((0x8100, 1),))):
        s += t_helpers(f, 123456 << 16) + t_helpers(f, -(1 << 62)) + t_helpers(f[:-1], 1)
    zero = bytearray(sync)
    zero[14 + 20 + 6:14 + 20 + 8] = b"\0\0"  # IPv4 without a UDP checksum
    s += t_helpers(bytes(zero), 65536) + t_rx(1, bytes(zero))
    put("tc", "helpers", s)


# ---- fuzz_auth.c ----
A_SRC = bytes.fromhex("001122fffe334455")


def a_ptp(mtype, seq, body=b"", tlvs=b"", port=1, corr=0, domain=0, log=0x7f):
    """A PTP v2.1 message from 001122.fffe.334455-PORT (messageLength right)."""
    blen = {0: 10, 1: 10, 8: 10, 9: 20, 0xB: 30, 0xC: 10, 0xD: 14}[mtype]
    body = (body + bytes(blen))[:blen] if mtype != 0xC else b"\xff" * 10
    n = 34 + len(body) + len(tlvs)
    ctl = {0: 0, 1: 1, 8: 2, 9: 3, 0xD: 4}.get(mtype, 5)
    return struct.pack(">BBHBBHqI8sHHBB", mtype, 0x12, n, domain, 0, 0x0400, corr, 0,
                       A_SRC, port, seq, ctl, log) + body + tlvs


def a_tlv(t, value):
    return struct.pack(">HH", t, len(value)) + value


def a_request(mtype, log=0, dur=60):  # REQUEST_UNICAST_TRANSMISSION
    return a_tlv(0x0004, struct.pack(">BbI", mtype << 4, log, dur))


def a_cancel(mtype):  # CANCEL_UNICAST_TRANSMISSION
    return a_tlv(0x0005, struct.pack(">BB", mtype << 4, 0))


def a_send(msg, key=0, signed=True, other_sa=False, event=False, src=0):
    op = (4 if signed else 0) | (1 if other_sa else 0) | (8 if event else 0) | key << 4 | src << 6
    return [op] + list(struct.pack(">H", len(msg))) + list(msg)


def a_time(ms):
    return [3] + list(struct.pack(">H", ms - 1))


SA_FILES = {
    "linuxptp": "# keys\n[security_association]\nspp 1\nseqid_window 5\nallow_mutable 1\n"
                "seqnum_length 0\n1 SHA256-128 HEX:00112233445566778899aabbccddeeff\n"
                "2 sha256 B64:AAECAwQFBgcICQoLDA0ODw== # comment\n3 AES128 ASCII:0123456789abcdef\n"
                "4\tAES256 32 0123456789abcdef0123456789abcdef\r\n\n[security_association]\n"
                "spp 2\n1 AES128 16 HEX:000102030405060708090a0b0c0d0e0f\n",
    "two-sa": "[security_association]\nspp 0\nres_length 0\n4294967295 SHA256 B64:QUJD\n"
              "[security_association]\nspp 255\nseqid_window 0\n1 SHA256-128 5 ASCII:hello\n",
    "bad-key": "spp 1\n1 AES256 HEX:0011\n",
    "bad-b64": "spp 1\n1 SHA256 B64:QUJD=Q==\n",
    "no-spp": "1 AES128 0123456789abcdef\n",
}


def auth_seeds():
    for name, text in SA_FILES.items():
        put("auth", "sa-" + name, b"\0" + text.encode())
    gold = golden()
    # test/unit/test_auth.c's Signaling CANCEL signed with key 7 (SHA256-128)
    put("auth", "check-golden", [1, 0, 0, 0, 0] + list(bytes.fromhex(
        "0c12004c" "00000400000000000000000000000000001122fffe33445500011234057f"
        "ffffffffffffffffffff" "000600020000" "800900" "1601000000000757c0eec2f92085385a91a0d181e06184")))
    for k in range(8):
        for name in ("sync", "signaling", "mgmt"):
            put("auth", "check-signed-%s-%d" % (name, k), [1, 0x80 | k, 0, 0, 0] + list(gold[name]))
            put("auth", "round-%s-%d" % (name, k),
                [2, k] + [0, 0, 1, 3] + [0, 0, 0, 0, 0, 1, 0, 0] + list(gold[name]))
    put("auth", "check-altered", [1, 0xc2, 0x10, 0, 40] + list(gold["announce"]))
    # the longest messages signed (1474 + 26 octets) and one octet pair more
    for n in (1474, 1476):
        pad = a_tlv(0x8000, bytes(n - 48))
        put("auth", "round-long-%d" % n, [2, 2, 0, 0, 0x2e, 0x10] + [0] * 8 +
            list(a_ptp(0xC, 1, tlvs=pad)))
    put("auth", "round-corr", [2, 6, 0, 0, 0, 70] + [0xff] * 8 + list(gold["delay_resp"]))
    # a gm negotiated with by a signed client: Announce, Sync, Delay_Resp
    neg = []
    for i, t in enumerate((0xB, 0x0, 0x9)):
        neg += a_send(a_ptp(0xC, 1 + i, tlvs=a_request(t)), key=i)
    for i in range(6):
        neg += a_time(250) + a_send(a_ptp(0x1, 100 + i), key=3, event=True)
    for mode in (0, 1 | 2 << 1 | 3 << 3, 1 << 1 | 2 << 3):
        put("auth", "engine-negotiate-%d" % mode, [3, mode] + neg)
    # replays: Sync and Follow_Up of a master, a CANCEL twice, older pairs
    rep = []
    for seq in (10, 11, 10, 11, 12, 9, 13, 13, 7, 8):
        rep += a_send(a_ptp(0x0, seq)) + a_send(a_ptp(0x8, seq))
    rep += a_send(a_ptp(0xC, 5, tlvs=a_cancel(0x0))) * 2
    rep += a_send(a_ptp(0xC, 4, tlvs=a_cancel(0x0))) + a_send(a_ptp(0xC, 6, tlvs=a_cancel(0x0)))
    put("auth", "engine-replay-0", [3, 0] + rep)
    put("auth", "engine-replay-1", [3, 1] + rep)
    # management signed, unsigned, with the other SA's key; raw junk
    mg = (a_send(gold["mgmt"]) + a_send(gold["mgmt"], signed=False) +
          a_send(gold["mgmt"], other_sa=True) + a_send(gold["announce"], signed=False) +
          a_send(gold["sync"], key=2) + a_send(b"\x00\x12\x00", signed=False) + a_time(1000))
    put("auth", "engine-mgmt", [3, 0] + mg)


# ---- fuzz_nmea.c: TAI - UTC, then the stream; 0x01 a PPS edge, 0x02..0x08
# time on by (c - 1) x 150 ms ----
def n_sent(body):
    cs = 0
    for c in body.encode():
        cs ^= c
    return ("$%s*%02X\r\n" % (body, cs)).encode()


def nmea_seeds():
    sec = []
    for s in range(5):
        t = "2359%02d.00" % (55 + s)
        sec.append(b"\x01\x02" + n_sent("GPZDA,%s,31,12,2016,00,00" % t) +
                   n_sent("GPRMC,%s,A,4807.038,N,01131.000,E,,,311216,,,A" % t) +
                   n_sent("GPGGA,%s,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,," % t) +
                   b"\x07")
    put("nmea", "locked", [37] + list(b"".join(sec)))
    late = b"".join(b"\x01\x07" + n_sent("GNRMC,0000%02d.00,A,,,,,,,010117,,,A" % s) + b"\x02"
                    for s in range(12))
    put("nmea", "late-900ms", [37] + list(late))
    lost = (b"\x01\x02" + n_sent("GNGNS,000000.00,,,,,NNNN,00,,,,,") +
            n_sent("GNZDA,000000.00,01,01,2017,00,00") + b"\x08\x01\x02" +
            n_sent("BDGGA,000001.00,,,,,6,00,,,,,,,") + n_sent("GARMC,000001.00,V,,,,,,,010117,,,N") +
            b"\x08\x01" + n_sent("GLGNS,000002.00,,,,,AN,10,,,,,") +
            n_sent("GBZDA,000002.50,01,01,2017,00,00"))
    put("nmea", "fix-lost", [37] + list(lost))
    junk = (b"noise$GPRMC,1235$" + n_sent("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")[1:] +
            b"$GPZDA,000000.00,01,01,2017,00,00*00\r\n" + b"$GPTXT," + b"A" * 120 + b"\r\n!AIVDM,1*00\n" +
            n_sent("PUBX,04,073731.00,091202,113851.00,1196,15D,1930035,-2660.664,43"))
    put("nmea", "junk", [0] + list(junk))


if __name__ == "__main__":
    msg_seeds()
    mgmt_seeds()
    unicast_seeds()
    servo_seeds()
    tc_seeds()
    auth_seeds()
    nmea_seeds()
