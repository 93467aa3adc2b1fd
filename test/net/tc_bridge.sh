#!/bin/sh
# The transparent clock on a Linux bridge: gm -- [lan1 br0 lan2] -- oc,
# `ptpbox tc` in the bridge's namespace (software time stamps).
#
# A. UDPv6, no load, two-step egress, ports from [lanN] sections of the
#    tc's file: the oc (soft clock 250 us and +10 ppm off) converges through
#    the tc; the tc forwards and corrects (its summary); on the oc's side
#    tshark decodes every PTP message the tc sent on, with a valid UDP
#    checksum, and the Follow_Up / Delay_Resp carry the correction; ICMPv6
#    echo and a TCP transfer still cross the bridge; malformed PTP (a
#    truncated datagram, a header announcing more than it holds, a
#    1400-octet one) crosses unchanged and is counted; the tc answers
#    management on its UNIX socket (our pmc, --json counters, linuxptp's).
# B. UDPv4, load: a tbf qdisc on lan2 (the bridge's egress towards the oc,
#    100 Mbit/s, 6000 octets) and a TCP bulk transfer gm -> oc that keeps
#    it full, so a Sync waits for two to four 1514-octet frames (240-480 us)
#    while a Delay_Req does not.  Three runs of the oc from its start
#    offset: the bridge forwarding PTP itself (no tc: the queueing is an
#    asymmetry the oc cannot see), tc two_step, tc one_step.  The oc runs
#    the linreg servo here: it weighs every sample, so the asymmetry shows
#    as the bias it is (about half the mean queueing); the default envelope
#    servo seeks the minimum-delay envelope and takes part of such queueing
#    out by itself over minutes, which would make the no-tc figure depend
#    on how long it ran.  Printed: the oc's true time error (soft clock vs
#    CLOCK_REALTIME) in each run, the tc's residence and one-step
#    write-ahead error.  Asserted, with margins that hold beside
#    `stress-ng --cpu 2`: convergence, counters, checksums; two_step under
#    load not far from no load; no tc far worse than two_step.
#
# C. The nftables table never outlives the tc but for SIGKILL: with its
#    stdout a pipe whose reader has gone (SIGPIPE) the tc runs on, and
#    kill -PIPE does nothing to it; QUIT, ABRT, SEGV, USR2 and ALRM end it
#    without its table; after SIGKILL the table stays until `ptpbox tc
#    --cleanup` (and the next tc's start) removes it, and a running tc's
#    table is left alone.
#
# Knobs for experiments: TC_LOAD=0 skips B, TC_NOLOAD=0 skips A;
# TC_RATE, TC_LIMIT (tbf), TC_LOAD_KIND=tcp|udp (udp: TC_LOAD_MBIT paced
# datagrams), TC_SERVO (the oc's in B), TC_SETTLE (s before the no-lock
# runs are measured), TC_DEBUG=1 (qdisc counters).  Needs python3 (the
# traffic), nft (nftables); tshark for the decoding check (else skipped).
. "$(dirname "$0")/../lib.sh"
net_init
command -v python3 >/dev/null || die "python3 missing"
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || die "nft missing (apt-get install nftables)"
# gm: p1 fd00::9:1 10.9.0.1 -- lan1 br0 lan2 -- p2 fd00::9:2 10.9.0.2 :oc
net_bridged gm oc

# traffic.py: sink PORT SECONDS (prints "received N" per connection), send
# ADDR PORT BYTES SECONDS (BYTES, or as much as fits in SECONDS if 0),
# ping6 ADDR COUNT (ICMPv6 echo, prints "replies N")
cat >"$T_DIR/traffic.py" <<'PY'
import socket, sys, time
m = sys.argv[1]
if m == "sink":
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(sys.argv[2])))
    s.listen(4)
    s.settimeout(0.5)
    print("listening", flush=True)
    end = time.time() + float(sys.argv[3])
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(2)
        n = 0
        try:
            while time.time() < end:
                b = c.recv(65536)
                if not b:
                    break
                n += len(b)
        except (socket.timeout, OSError):
            pass
        print("received", n, flush=True)
        c.close()
elif m == "send":
    addr, port, want, secs = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    end = time.time() + secs
    for _ in range(int(secs * 10)):
        try:
            c = socket.create_connection((addr, port), timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("cannot connect")
    c.settimeout(2)
    buf, n = b"x" * 16384, 0
    while time.time() < end and (want == 0 or n < want):
        try:
            n += c.send(buf if want == 0 else buf[: want - n])
        except socket.timeout:
            pass
    c.close()
    print("sent", n, flush=True)
elif m == "hold":
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(sys.argv[2])))
    print("listening", flush=True)
    time.sleep(float(sys.argv[3]))  # never reads: the kernel drops what overflows
elif m == "udp":
    addr, port, mbit, secs = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pps = mbit * 1e6 / 8 / 1514  # 1472 octets of payload: full frames
    buf, t0, n = b"x" * 1472, time.time(), 0
    end = t0 + secs
    while True:
        now = time.time()
        if now >= end:
            break
        due = min(int((now - t0) * pps) - n, 50)  # catch up, in bursts of 50 at most
        for _ in range(max(due, 0)):
            try:
                s.sendto(buf, (addr, port))
            except OSError:
                pass
        n += max(due, 0)
        if due < 50:
            time.sleep(0.0005)
        else:
            n = int((now - t0) * pps)  # too far behind: forget it
    print("sent", n, flush=True)
elif m == "badptp":
    # PTP by its port (319) but malformed, to ADDR: truncated (10 octets),
    # a Sync header announcing 200 octets in 44, and a 1400-octet datagram
    # holding a two-step Sync of 44 octets and a tail; each one's hex
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hdr = bytearray(44)
    hdr[0], hdr[1] = 0x00, 0x02  # Sync, versionPTP 2
    hdr[6] = 0x02  # twoStepFlag
    hdr[20:28] = bytes([0x02, 0xBA, 0xD0, 0, 0, 0, 0, 0x09])
    hdr[29] = 1
    hdr[33] = 0x7F
    long = bytearray(hdr)
    long[2:4] = (200).to_bytes(2, "big")
    ok = bytearray(hdr)
    ok[2:4] = (44).to_bytes(2, "big")
    for b in (bytes(hdr[:10]), bytes(long), bytes(ok) + b"\xa5" * 1356):
        s.sendto(b, (sys.argv[2], 319))
        print(b.hex(), flush=True)
        time.sleep(0.05)
elif m == "ping6":
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.settimeout(1)
    got = 0
    for seq in range(int(sys.argv[3])):
        s.sendto(bytes([128, 0, 0, 0, 0x12, 0x34, 0, seq]) + b"ptpbox", (sys.argv[2], 0))
        end = time.time() + 1
        while time.time() < end:
            try:
                b, _ = s.recvfrom(1500)
            except socket.timeout:
                break
            if b[0] == 129 and b[4:8] == bytes([0x12, 0x34, 0, seq]):
                got += 1
                break
    print("replies", got, flush=True)
PY

# $1: network transport, $2: the oc's servo; the gm and the oc as in
# gm_oc_converge.sh
cfgs() {
	if [ "$1" = UDPv4 ]; then gm_addr="UDPv4 10.9.0.1"; else gm_addr="UDPv6 fd00::9:1"; fi
	cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
network_transport $1
time_stamping software
clock CLOCK_REALTIME
CFG
	cat >"$T_DIR/oc.cfg" <<CFG
[global]
profile ocp-dc
network_transport $1
time_stamping software
clock soft
clock_servo $2
soft_offset_ns 250000
soft_freq_ppb 10000
first_step_threshold 0.00002
unicast_master_table 1
unicast_req_duration 10
[unicast_master_table]
table_id 1
logQueryInterval 0
$gm_addr
CFG
}

# start_tc LOG ARGS...: the tc in the bridge's namespace, until it says it
# runs (and has installed its nftables table)
start_tc() {
	_log=$1
	shift
	run_in br "$_log" "$PTPBOX" tc -m -q -S "$@"
	TCPID=$LAST_PID
	TCLOG=$_log
	wait_for 15 "$_log" "transparent clock:" || die "tc did not start: $(cat "$_log")"
	grep -q "installed nftables table bridge ptpbox_tc_$TCPID" "$_log" ||
		die "tc did not say it installed its table: $(cat "$_log")"
	ip netns exec "$NS_br" nft list table bridge "ptpbox_tc_$TCPID" >/dev/null 2>&1 ||
		die "no nftables table ptpbox_tc_$TCPID"
}

# stop_tc LOG: stop it; it removes its table and prints its summary
stop_tc() {
	stop_pid "$TCPID" || die "tc did not stop"
	wait_for 5 "$1" "removed nftables table" || die "tc did not remove its table: $(cat "$1")"
	ip netns exec "$NS_br" nft list tables 2>/dev/null | grep -q ptpbox_tc &&
		die "an nftables table is left: $(ip netns exec "$NS_br" nft list tables)"
	TCPID=""
}

# summary LOG PORT FIELD: the value after FIELD in the last summary line of
# PORT ("corrected", "rx", "mean" = residence mean, "max" = residence max,
# "wa_mean", "wa_max", "ts_missing", ...)
summary() {
	grep "port $2 (lan$2): rx" "$1" | tail -1 |
		sed 's/write-ahead error mean/wa_mean/; s/\(wa_mean [^ ]*\) max/\1 wa_max/' |
		awk -v f="$3" '{ for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }'
}

# run_oc LOG SECONDS [lock]: the oc from its start offset; with lock it
# must converge (wait_locked, 60 s); then SECONDS of true error are kept
run_oc() {
	run_in oc "$1" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i p2 -m -q
	OCPID=$LAST_PID
	if [ "$3" = lock ]; then
		wait_locked 60 "$1" 3 || {
			tail -40 "$1"
			[ -n "$TCPID" ] && kill "$TCPID" && nap 1 && tail -30 "$TCLOG"
			die "oc did not converge through the tc within 60 s"
		}
	else
		# no tc, one_step: under load it may never meet the lock
		# criterion, and its servo takes long to settle on the noise
		nap "${TC_SETTLE:-20}"
	fi
	_n0=$(grep -c "soft clock true time error" "$1")
	_i=0
	while [ $(($(grep -c "soft clock true time error" "$1") - _n0)) -lt "$2" ]; do
		[ $_i -lt $(($2 * 3)) ] || die "oc printed no true time error"
		nap 1
		_i=$((_i + 1))
	done
	stop_pid "$OCPID" || die "oc did not stop"
}

# mean of the signed true error over the last N lines of LOG
truth_mean() {
	grep "soft clock true time error" "$1" | tail -"$2" |
		awk '{ s += $7; n++ } END { printf "%.0f\n", n ? s / n : 0 }'
}

noload_rms=0
if [ "${TC_NOLOAD:-1}" = 1 ]; then
# --- A: UDPv6, no load, two_step, ports from the file ---------------------
cfgs UDPv6 envelope
cat >"$T_DIR/tc.cfg" <<CFG
[global]
tc_egress two_step
summary_interval 2
logging_level 6
uds_address $T_DIR/tc.sock
[lan1]
[lan2]
CFG
if command -v tshark >/dev/null; then
	run_in oc "$T_DIR/tshark.log" tshark -i p2 -w "$T_DIR/a.pcapng" -a duration:30 \
		-f "udp port 319 or udp port 320"
	TSHARKPID=$LAST_PID
	wait_for 30 "$T_DIR/tshark.log" "Capturing on" || die "tshark did not start: $(cat "$T_DIR/tshark.log")"
fi
start_tc "$T_DIR/tc_a.log" -f "$T_DIR/tc.cfg" --metrics_file="$T_DIR/tc.prom"
grep -q "port 1 (lan1): bridge br0 port" "$T_DIR/tc_a.log" && grep -q "port 2 (lan2): bridge br0 port" "$T_DIR/tc_a.log" ||
	die "tc did not take its ports from the file: $(cat "$T_DIR/tc_a.log")"
run_in gm "$T_DIR/gm_a.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i p1 -m -q
GMPID=$LAST_PID
wait_for 15 "$T_DIR/gm_a.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm_a.log")"
start=$(date +%s)
run_in oc "$T_DIR/oc_a.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i p2 -m -q
OCPID=$LAST_PID
wait_locked 60 "$T_DIR/oc_a.log" 3 || { cat "$T_DIR/oc_a.log" "$T_DIR/tc_a.log"; die "oc did not converge through the tc within 60 s"; }
locked_at=$(date +%s)
echo "A: oc converged through the tc (two_step, UDPv6) after $((locked_at - start)) s"

# other traffic crosses the bridge as before
set -- $(ip netns exec "$NS_oc" python3 "$T_DIR/traffic.py" ping6 fd00::9:1 5)
[ "$2" -ge 4 ] || die "ICMPv6 echo across the bridge: $2 of 5 replies"
run_in oc "$T_DIR/sink.log" python3 "$T_DIR/traffic.py" sink 5001 20
wait_for 10 "$T_DIR/sink.log" "listening" || die "TCP sink did not start: $(cat "$T_DIR/sink.log")"
ip netns exec "$NS_gm" python3 "$T_DIR/traffic.py" send fd00::9:2 5001 1000000 10 >"$T_DIR/send.log" 2>&1
wait_for 10 "$T_DIR/sink.log" "received" || die "TCP transfer: the sink got nothing: $(cat "$T_DIR/send.log")"
wait_for 10 "$T_DIR/sink.log" "received 1000000" || die "TCP transfer: $(cat "$T_DIR/sink.log") of 1000000 octets"
echo "A: ICMPv6 echo $2/5 replies, TCP 1000000 octets across the bridge while the tc runs"

# malformed PTP across the bridge: forwarded as it was, counted, no crash
ip netns exec "$NS_gm" python3 "$T_DIR/traffic.py" badptp 10.9.0.2 >"$T_DIR/bad.hex" ||
	die "sending malformed PTP failed"
[ "$(grep -c . "$T_DIR/bad.hex")" = 3 ] || die "badptp: $(cat "$T_DIR/bad.hex")"

# management of the tc on its UNIX socket: our pmc and linuxptp's
tcpmc() { ip netns exec "$NS_br" "$PTPBOX" pmc -u -s "$T_DIR/tc.sock" -b 0 "$@"; }
tcpmc "GET DEFAULT_DATA_SET" "GET TRANSPARENT_CLOCK_DEFAULT_DATA_SET" \
	"GET TRANSPARENT_CLOCK_PORT_DATA_SET" >"$T_DIR/tcpmc.out" 2>&1 ||
	die "pmc GET from the tc: $(cat "$T_DIR/tcpmc.out")"
grep -q "numberPorts  *2" "$T_DIR/tcpmc.out" && grep -q "twoStepFlag  *1" "$T_DIR/tcpmc.out" &&
	grep -q "delayMechanism  *1" "$T_DIR/tcpmc.out" ||
	die "tc management: $(cat "$T_DIR/tcpmc.out")"
[ "$(grep -c "RESPONSE MANAGEMENT TRANSPARENT_CLOCK_PORT_DATA_SET" "$T_DIR/tcpmc.out")" = 2 ] ||
	die "TRANSPARENT_CLOCK_PORT_DATA_SET: one answer per port wanted: $(cat "$T_DIR/tcpmc.out")"
tcpmc --json "GET TC_PORT_STATS_NP" >"$T_DIR/tcstats.json" 2>&1 ||
	die "pmc --json GET TC_PORT_STATS_NP: $(cat "$T_DIR/tcstats.json")"
# one object per port; lan2's corrected, lan1's malformed
json_field() { # PORT FIELD
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)["data"]
    if o["portIdentity"].endswith("-%s" % sys.argv[2]):
        print(o[sys.argv[3]])' "$T_DIR/tcstats.json" "$1" "$2"
}
mg_corr=$(json_field 2 corrected) mg_bad=$(json_field 1 rx_malformed) mg_res=$(json_field 2 residence_mean_ns)
echo "A: pmc --json GET TC_PORT_STATS_NP: lan2 corrected $mg_corr residence mean $mg_res ns, lan1 rx_malformed $mg_bad"
[ "${mg_corr:-0}" -ge 10 ] && [ "${mg_res:-0}" -gt 0 ] || die "TC_PORT_STATS_NP: $(cat "$T_DIR/tcstats.json")"
[ "$mg_bad" = 2 ] || die "TC_PORT_STATS_NP lan1 rx_malformed $mg_bad, want 2 (the truncated ones)"
# metrics_file: the same counters, per port, within a second
wait_for 5 "$T_DIR/tc.prom" '^ptpbox_tc_rx_malformed_total\{iface="lan1"\} 2$' &&
	grep -Eq '^ptpbox_tc_corrected_total\{iface="lan2"\} [1-9][0-9]*$' "$T_DIR/tc.prom" &&
	grep -Eq '^ptpbox_tc_rx_messages_total\{iface="lan1",type="sync"\} [1-9][0-9]*$' "$T_DIR/tc.prom" ||
	die "tc metrics_file: $(grep -E "corrected|malformed|type=\"sync" "$T_DIR/tc.prom")"
echo "A: metrics_file: $(grep -E '^ptpbox_tc_corrected_total' "$T_DIR/tc.prom" | tr '\n' ' ')"
# syntonized: gm and tc both on CLOCK_REALTIME, so the gm's rate over the
# tc's clock is 1; software stamps leave it within a few ppm (4 s baselines)
wait_for 10 "$T_DIR/tc.prom" '^ptpbox_tc_rate_ratio_ppb' ||
	die "tc metrics_file: no rate ratio: $(grep rate "$T_DIR/tc.prom")"
ratio=$(sed -n 's/^ptpbox_tc_rate_ratio_ppb{iface=""} //p' "$T_DIR/tc.prom")
awk -v r="$ratio" 'BEGIN { exit !(r != "" && r > -10000 && r < 10000) }' ||
	die "tc rate ratio $ratio ppb, want 0 within 10 ppm (both on CLOCK_REALTIME)"
echo "A: metrics_file: ptpbox_tc_rate_ratio_ppb $ratio (truth 0)"
if command -v pmc >/dev/null; then
	ip netns exec "$NS_br" pmc -u -s "$T_DIR/tc.sock" -b 0 "GET DEFAULT_DATA_SET" "GET PORT_STATS_NP" \
		>"$T_DIR/lpmc.out" 2>&1
	grep -q "numberPorts  *2" "$T_DIR/lpmc.out" && [ "$(grep -c "rx_Sync" "$T_DIR/lpmc.out")" = 2 ] ||
		die "linuxptp pmc GET from the tc: $(cat "$T_DIR/lpmc.out")"
	echo "A: linuxptp pmc: DEFAULT_DATA_SET and PORT_STATS_NP of both ports from the tc"
fi

# the true error of the 10 s that follow the lock at the earliest
while [ $(($(date +%s) - locked_at)) -lt 12 ]; do nap 1; done
stop_pid "$OCPID" || die "oc did not stop"
set -- $(truth_stats "$T_DIR/oc_a.log" 10)
noload_rms=$2
echo "A: oc true |time error| through the tc, no load, last $1 s: rms $2 ns, max $3 ns"
[ "$1" -ge 5 ] || die "no true time error lines"
[ "$2" -lt 10000 ] && [ "$3" -lt 50000 ] || die "true time error through the tc: rms $2 ns (limit 10 us), max $3 ns (limit 50 us)"
stop_pid "$GMPID" || die "gm did not stop"
stop_tc "$T_DIR/tc_a.log"
grep "port [12] (lan[12]): rx" "$T_DIR/tc_a.log" | tail -2
for p in 1 2; do
	rx=$(summary "$T_DIR/tc_a.log" $p rx)
	tx=$(summary "$T_DIR/tc_a.log" $p tx)
	[ "${rx:-0}" -gt 20 ] && [ "${tx:-0}" -gt 20 ] || die "port $p: rx $rx tx $tx frames"
	for f in tx_err unmatched; do
		[ "$(summary "$T_DIR/tc_a.log" $p $f)" = 0 ] || die "port $p: $f $(summary "$T_DIR/tc_a.log" $p $f)"
	done
done
# the two truncated PTP datagrams came in by lan1
[ "$(summary "$T_DIR/tc_a.log" 1 bad)" = 2 ] && [ "$(summary "$T_DIR/tc_a.log" 2 bad)" = 0 ] ||
	die "malformed counted: lan1 $(summary "$T_DIR/tc_a.log" 1 bad), lan2 $(summary "$T_DIR/tc_a.log" 2 bad), want 2 and 0"
grep -q "management: requests [1-9]" "$T_DIR/tc_a.log" || die "tc: no management summary"
# two_step: Follow_Up and Delay_Resp leave by lan2 (towards the oc)
corr=$(summary "$T_DIR/tc_a.log" 2 corrected)
[ "${corr:-0}" -ge 20 ] || die "lan2: corrected $corr, want >= 20 (Follow_Up, Delay_Resp)"
echo "A: tc forwarded and corrected ($corr frames corrected towards the oc)"

if [ -n "$TSHARKPID" ]; then
	stop_pid "$TSHARKPID" 20 || die "tshark did not stop"
	cap=$T_DIR/a.pcapng
	tshark -r "$cap" -q >/dev/null 2>&1 || die "tshark cannot read the capture"
	# what the tc sent on towards the oc: every frame to fd00::9:2
	to_oc="ipv6.dst == fd00::9:2"
	n=$(tshark -r "$cap" -Y "$to_oc" 2>/dev/null | wc -l)
	ptp=$(tshark -r "$cap" -Y "$to_oc && ptp" 2>/dev/null | wc -l)
	bad=$(tshark -o udp.check_checksum:TRUE -r "$cap" -Y "$to_oc && (_ws.malformed || _ws.expert.severity >= \"Warning\" || udp.checksum.status != 1)" 2>/dev/null | wc -l)
	echo "A: tshark: $n frames to the oc, $ptp decoded as PTP, $bad malformed, with a warning or a bad UDP checksum"
	[ "$n" -gt 30 ] && [ "$ptp" -eq "$n" ] || die "tshark: $ptp of $n frames to the oc decoded as PTP"
	if [ "$bad" -ne 0 ]; then
		tshark -o udp.check_checksum:TRUE -r "$cap" -Y "$to_oc && (_ws.malformed || _ws.expert.severity >= \"Warning\" || udp.checksum.status != 1)" -V 2>/dev/null | head -80
		die "tshark: $bad bad frames"
	fi
	for t in 8 9; do # Follow_Up, Delay_Resp
		tshark -r "$cap" -Y "$to_oc && ptp.v2.messagetype == $t" -T fields -e ptp.v2.correction.ns 2>/dev/null >"$T_DIR/corr$t"
		all=$(grep -c . "$T_DIR/corr$t")
		nz=$(awk '$1 > 0' "$T_DIR/corr$t" | wc -l)
		echo "A: messageType $t to the oc: $nz of $all with a correction, $(sort -n "$T_DIR/corr$t" | awk '{ a[NR] = $1 } END { if (NR) printf "%d..%d ns", a[1], a[NR] }')"
		[ "$all" -ge 5 ] && [ "$nz" -ge $((all - 1)) ] || die "messageType $t: $nz of $all carry the tc's correction"
	done
	# the malformed PTP reached the oc's side as it was sent
	tshark -r "$cap" -Y "ip.dst == 10.9.0.2 && udp.dstport == 319" -T fields -e udp.payload 2>/dev/null |
		tr -d ':' >"$T_DIR/bad.got"
	cmp -s "$T_DIR/bad.hex" "$T_DIR/bad.got" || {
		diff "$T_DIR/bad.hex" "$T_DIR/bad.got" | cut -c1-120
		die "malformed PTP was not forwarded as it was"
	}
	echo "A: tshark: the 3 malformed PTP datagrams reached the oc's side unchanged"
	# Sync leaves unchanged in two_step: its correctionField stays 0
	sync_nz=$(tshark -r "$cap" -Y "$to_oc && ptp.v2.messagetype == 0 && ptp.v2.correction.ns != 0" 2>/dev/null | wc -l)
	[ "$sync_nz" -eq 0 ] || die "two_step: $sync_nz Sync messages changed"
else
	echo "A: tshark missing: decoding not checked"
fi
fi

# --- C: the table never outlives the tc but for SIGKILL --------------------
# c_start LOG [OUT]: a tc (no core dumps; messages to OUT, default LOG),
# until its table is there; c_tables: how many ptpbox tables there are
c_start() {
	ip netns exec "$NS_br" sh -c 'ulimit -c 0; exec "$@"' sh "$PTPBOX" tc -m -q -S -i lan1 \
		-i lan2 --uds_address=none --summary_interval=-2 >"${2:-$1}" 2>>"$1" &
	TCPID=$!
	T_PIDS="$T_PIDS $TCPID"
	_i=0
	until ip netns exec "$NS_br" nft list table bridge "ptpbox_tc_$TCPID" >/dev/null 2>&1; do
		[ $_i -lt 100 ] || die "C: the tc did not install its table: $(cat "$1")"
		sleep 0.1
		_i=$((_i + 1))
	done
}
# c_wait PID WHAT: until it has ended (10 s), its exit status in rc
c_wait() {
	_i=0
	while [ -n "$(net_state "$1")" ] && [ "$(net_state "$1")" != Z ]; do
		[ $_i -lt 100 ] || die "C: the tc did not end after $2"
		sleep 0.1
		_i=$((_i + 1))
	done
	wait "$1"
	rc=$?
}
c_tables() { ip netns exec "$NS_br" nft list tables bridge 2>/dev/null | grep -c ptpbox_tc; }
[ "$(c_tables)" = 0 ] || die "C: a table before the test: $(ip netns exec "$NS_br" nft list tables)"
mkfifo "$T_DIR/pipe"
head -c 1 <"$T_DIR/pipe" >/dev/null &
c_start "$T_DIR/c_pipe.log" "$T_DIR/pipe"
nap 1 # 4 summaries a second into the closed pipe
kill -0 "$TCPID" 2>/dev/null || die "C: the tc ended when its stdout pipe closed"
kill -PIPE "$TCPID"
nap 0.5
kill -0 "$TCPID" 2>/dev/null || die "C: kill -PIPE ended the tc"
[ "$(c_tables)" = 1 ] || die "C: the running tc's table is gone"
stop_pid "$TCPID" || die "C: the tc did not stop"
[ "$(c_tables)" = 0 ] || die "C: table left after SIGTERM with a closed stdout"
echo "C: stdout pipe closed (SIGPIPE) and kill -PIPE: the tc ran on; SIGTERM: no table left"
for sig in QUIT ABRT SEGV USR2 ALRM; do
	c_start "$T_DIR/c_$sig.log"
	kill -$sig "$TCPID"
	c_wait "$TCPID" "SIG$sig"
	[ "$rc" -gt 128 ] || die "C: SIG$sig: the tc exited with $rc, not by the signal"
	[ "$(c_tables)" = 0 ] ||
		die "C: SIG$sig: table left: $(ip netns exec "$NS_br" nft list tables) $(cat "$T_DIR/c_$sig.log")"
done
echo "C: SIGQUIT, SIGABRT, SIGSEGV, SIGUSR2, SIGALRM: the tc ended with the signal, no table left"
# a running tc (live), one killed beside it: its table stays
c_start "$T_DIR/c_live.log"
live=$TCPID
c_start "$T_DIR/c_kill.log"
kill -KILL "$TCPID"
c_wait "$TCPID" SIGKILL
killed=$TCPID
[ "$(c_tables)" = 2 ] || die "C: SIGKILL: no table left (then this test proves nothing)"
# --cleanup removes the killed one's, not the running one's
ip netns exec "$NS_br" "$PTPBOX" tc --cleanup -m -q >"$T_DIR/c_cleanup.log" 2>&1 ||
	die "C: tc --cleanup failed: $(cat "$T_DIR/c_cleanup.log")"
grep -q "removing nftables table bridge ptpbox_tc_$killed" "$T_DIR/c_cleanup.log" ||
	die "C: tc --cleanup did not say it removed ptpbox_tc_$killed: $(cat "$T_DIR/c_cleanup.log")"
ip netns exec "$NS_br" nft list tables bridge | grep -q "ptpbox_tc_$killed\$" &&
	die "C: tc --cleanup left ptpbox_tc_$killed"
ip netns exec "$NS_br" nft list table bridge "ptpbox_tc_$live" >/dev/null 2>&1 ||
	die "C: tc --cleanup removed a running tc's table"
# the next start removes a killed tc's table too
kill -KILL "$live"
c_wait "$live" SIGKILL
c_start "$T_DIR/c_next.log"
grep -q "removing nftables table bridge ptpbox_tc_$live" "$T_DIR/c_next.log" ||
	die "C: the next tc did not remove ptpbox_tc_$live: $(cat "$T_DIR/c_next.log")"
[ "$(c_tables)" = 1 ] || die "C: $(c_tables) tables with one tc running"
stop_pid "$TCPID" || die "C: the tc did not stop"
[ "$(c_tables)" = 0 ] || die "C: table left after SIGTERM"
echo "C: SIGKILL leaves the table; tc --cleanup removed it (a running tc's kept), and so does the next start"
[ "${TC_LOAD:-1}" = 0 ] && { echo "PASS tc_bridge (no load part)"; exit 0; }

# --- B: UDPv4, load -----------------------------------------------------------
cfgs UDPv4 ${TC_SERVO:-linreg}
ip netns exec "$NS_br" tc qdisc add dev lan2 root tbf rate ${TC_RATE:-100mbit} burst 4kb limit ${TC_LIMIT:-6000} ||
	die "tbf qdisc"
# one frame per segment: a 64 KB GSO burst would overflow the queue at once
ip -n "$NS_gm" link set dev p1 gso_max_segs 1
run_in gm "$T_DIR/gm_b.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i p1 -m -q
wait_for 15 "$T_DIR/gm_b.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm_b.log")"
if [ "${TC_LOAD_KIND:-tcp}" = tcp ]; then
	run_in oc "$T_DIR/bulk_sink.log" python3 "$T_DIR/traffic.py" sink 5002 300
	wait_for 10 "$T_DIR/bulk_sink.log" "listening" || die "TCP sink did not start: $(cat "$T_DIR/bulk_sink.log")"
	run_in gm "$T_DIR/bulk.log" python3 "$T_DIR/traffic.py" send 10.9.0.2 5002 0 300
else
	run_in oc "$T_DIR/bulk_sink.log" python3 "$T_DIR/traffic.py" hold 5002 300
	wait_for 10 "$T_DIR/bulk_sink.log" "listening" || die "UDP sink did not start: $(cat "$T_DIR/bulk_sink.log")"
	run_in gm "$T_DIR/bulk.log" python3 "$T_DIR/traffic.py" udp 10.9.0.2 5002 ${TC_LOAD_MBIT:-55} 300
fi
nap 2
[ -n "$TC_DEBUG" ] && { ip netns exec "$NS_br" tc -s qdisc show dev lan2; cat "$T_DIR/bulk.log" "$T_DIR/bulk_sink.log"; }
N=15
run_oc "$T_DIR/oc_native.log" $N
set -- $(truth_stats "$T_DIR/oc_native.log" $N)
native_rms=$2 native_max=$3 native_mean=$(truth_mean "$T_DIR/oc_native.log" $N)

start_tc "$T_DIR/tc_two.log" -i lan1 -i lan2 --tc_egress=two_step --summary_interval=2
run_oc "$T_DIR/oc_two.log" $N lock
stop_tc "$T_DIR/tc_two.log"
set -- $(truth_stats "$T_DIR/oc_two.log" $N)
two_rms=$2 two_max=$3 two_mean=$(truth_mean "$T_DIR/oc_two.log" $N)
two_res=$(summary "$T_DIR/tc_two.log" 2 mean) two_resmax=$(summary "$T_DIR/tc_two.log" 2 max)

start_tc "$T_DIR/tc_one.log" -i lan1 -i lan2 --tc_egress=one_step --summary_interval=2
run_oc "$T_DIR/oc_one.log" $N
stop_tc "$T_DIR/tc_one.log"
set -- $(truth_stats "$T_DIR/oc_one.log" $N)
one_rms=$2 one_max=$3 one_mean=$(truth_mean "$T_DIR/oc_one.log" $N)
one_res=$(summary "$T_DIR/tc_one.log" 2 mean) one_resmax=$(summary "$T_DIR/tc_one.log" 2 max)
wa_mean=$(summary "$T_DIR/tc_one.log" 2 wa_mean) wa_max=$(summary "$T_DIR/tc_one.log" 2 wa_max)

echo "B: load: tbf ${TC_RATE:-100mbit} limit ${TC_LIMIT:-6000} octets on lan2, ${TC_LOAD_KIND:-tcp} bulk gm -> oc: $(ip netns exec "$NS_br" tc -s qdisc show dev lan2 | sed -n 's/^ *Sent \([0-9]*\) bytes \([0-9]*\) pkt (dropped \([0-9]*\).*/\2 frames sent, \3 dropped/p')"
echo "B: oc true time error over $N s (ns):      mean    rms    max|TE|"
printf "B:   no load, tc two_step (A, UDPv6)        %6s\n" "$noload_rms"
printf "B:   load, bridge forwards PTP (no tc)  %6s %6s %6s\n" "$native_mean" "$native_rms" "$native_max"
printf "B:   load, tc two_step                  %6s %6s %6s\n" "$two_mean" "$two_rms" "$two_max"
printf "B:   load, tc one_step                  %6s %6s %6s\n" "$one_mean" "$one_rms" "$one_max"
echo "B: tc residence towards the oc: two_step mean $two_res max $two_resmax ns; one_step mean $one_res max $one_resmax ns"
echo "B: one_step write-ahead error (transmit stamp - time written): mean $wa_mean max $wa_max ns"
for f in tc_two tc_one; do
	grep "port [12] (lan[12]): rx" "$T_DIR/$f.log" | tail -2 | sed "s/^/B: $f: /"
done

# the queueing is there: the tc measured it
[ "${two_res%.*}" -gt 50000 ] || die "load: residence mean $two_res ns: the queue did not form"
# two_step corrects it: not far from no load (software stamps beside a
# CPU hog and 8000 frames/s of bulk traffic wander by tens of us)
[ "$two_rms" -lt $((noload_rms * 3 + 50000)) ] || die "two_step under load: rms $two_rms ns vs $noload_rms ns without load"
# without the tc the oc is off by about half the mean queueing (the
# residence two_step measured), a bias: asserted on the mean, a sixteenth
# of that queueing and clearly more than two_step's mean.  Measured
# (|mean|, us): no tc 69..290, two_step 3..14, beside stress-ng --cpu 2
# too; the residence's mean grows with the hog's outliers (to 0.5 ms)
nm=${native_mean#-} tm=${two_mean#-}
[ "$nm" -gt $((${two_res%.*} / 16)) ] && [ "$nm" -gt $((tm * 2 + 10000)) ] ||
	die "no tc: mean $native_mean ns, not clearly worse than two_step's $two_mean ns (queueing $two_res ns)"
echo "PASS tc_bridge"
