#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Interop with ptpd 2.3.1 (Debian's ptpd), UDPv4, unicast negotiation,
# software time stamps, between two namespaces a (10.1.0.1) and b
# (10.1.0.2):
#  1. our gm on a (profile ocp-dc on domain 0, then g8265.1 on domain 4)
#     and ptpd on b as a unicast slave (preset slaveonly, negotiating
#     Announce, Sync and Delay_Resp): ptpd reaches PTP_SLAVE, takes
#     currentUtcOffset 37, and the offset from master in its statistics
#     file stays small.  ptpd does not adjust its clock (clock:no_adjust),
#     so the offset it reports is that of the host's CLOCK_REALTIME to the
#     gm's, the same clock: near 0 (stamp noise, path asymmetry); a
#     timescale error would show as 37 s.
#  2. ptpd on a as a unicast master (preset masteronly) and our oc on b on a
#     soft clock converging to it (wait_locked, the soft clock's true time
#     error).  ptpd's clock is the real CLOCK_REALTIME, read only.
#  3. our pmc on b --to ptpd (unicast management over UDPv4): ptpd in
#     unicast mode answers only a request with the unicastFlag set, and
#     answers it to port 320.
# ptpd runs with clock:no_adjust, behind test/interop/noadj.c (LD_PRELOAD:
# clock writes become reads) and under strace: no clock write may reach
# the kernel (as run_ptp4l in test/lib.sh does for ptp4l).  Bounds are
# loose (software stamps on a loaded machine; the precision is the
# simulator's to prove) and waits end when the log shows the event.
# With CAPTURE=FILE the UDP traffic of a is recorded for tshark.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
net_init
command -v ptpd >/dev/null || die "ptpd missing (apt-get install ptpd)"
command -v strace >/dev/null || die "strace missing (apt-get install strace)"
SLAVE_TIME=${SLAVE_TIME:-12} # s of Syncs (4/s) ptpd gets from each gm
net_host a
net_host b
net_link a b 1
if [ -n "$CAPTURE" ]; then
	run_in a "$T_DIR/tshark.log" tshark -i pa1 -w "$CAPTURE" -a duration:170 -f "udp"
	TSPID=$LAST_PID
	wait_for 30 "$T_DIR/tshark.log" "Capturing on" || die "tshark did not start: $(cat "$T_DIR/tshark.log")"
fi

# run_ptpd HOST NAME: ptpd in HOST's namespace with $T_DIR/NAME.conf (plus
# the keys below) in the foreground; its stdout in NAME.log, its log in
# NAME.logf, its statistics (a line per Sync and Delay_Resp) in NAME.stats.
run_ptpd() {
	if [ ! -f "$T_DIR/noadj.so" ]; then
		cc -shared -fPIC -O2 -o "$T_DIR/noadj.so" "$(dirname "$0")/noadj.c" -ldl ||
			die "building noadj.so"
	fi
	# no lock file (/var/run), no status or drift file
	cat >>"$T_DIR/$2.conf" <<CFG
clock:no_adjust=y
global:ignore_lock=y
global:log_file=$T_DIR/$2.logf
global:log_statistics=y
global:statistics_file=$T_DIR/$2.stats
CFG
	run_in "$1" "$T_DIR/$2.log" strace -f -qq -e signal=none -o "$T_DIR/$2.strace" \
		-E LD_PRELOAD="$T_DIR/noadj.so" -e trace=clock_adjtime,adjtimex,clock_settime,settimeofday \
		ptpd -C -c "$T_DIR/$2.conf"
}

# ptpd_no_writes NAME: fails the test if a clock write reached the kernel
ptpd_no_writes() {
	if grep -E "clock_settime|settimeofday|modes=[^0]|ADJ_" "$T_DIR/$1.strace"; then
		die "ptpd $1 tried to adjust a clock ($T_DIR/$1.strace)"
	fi
	echo "ptpd $1 clock calls, all reads: $(grep -c . "$T_DIR/$1.strace")"
}

# ptpd_dump NAME: what to see when a check fails
ptpd_dump() {
	echo "--- ptpd $1"; cat "$T_DIR/$1.log" "$T_DIR/$1.logf" 2>/dev/null
	echo "--- ptpd $1 statistics (last 10)"; tail -10 "$T_DIR/$1.stats" 2>/dev/null
}

# Part 1: gm -> ptpd slave.  $1 profile, $2 domain, $3 a gm key or ""
slave_session() {
	tag=$1
	cat >"$T_DIR/gm-$tag.cfg" <<CFG
[global]
profile $1
network_transport UDPv4
time_stamping software
clock CLOCK_REALTIME
domainNumber $2
$3
CFG
	# ptpd requests these intervals (Announce 1/s, Sync and Delay_Resp
	# 4/s); both profiles' ranges hold them
	cat >"$T_DIR/s-$tag.conf" <<CFG
ptpengine:interface=pb1
ptpengine:preset=slaveonly
ptpengine:transport=ipv4
ptpengine:ip_mode=unicast
ptpengine:unicast_negotiation=y
ptpengine:unicast_destinations=10.1.0.1
ptpengine:domain=$2
ptpengine:log_announce_interval=0
ptpengine:log_sync_interval=-2
ptpengine:log_delayreq_interval=-2
CFG
	run_in a "$T_DIR/gm-$tag.log" "$PTPBOX" gm -f "$T_DIR/gm-$tag.cfg" -i pa1 -m -q
	GMPID=$LAST_PID
	wait_for 15 "$T_DIR/gm-$tag.log" "assuming the grand master role" ||
		die "$tag: gm did not start: $(cat "$T_DIR/gm-$tag.log")"
	run_ptpd b "s-$tag"
	start=$(date +%s)
	if ! wait_for 30 "$T_DIR/s-$tag.logf" "Received first Delay Response"; then
		ptpd_dump "s-$tag"; echo "--- gm"; cat "$T_DIR/gm-$tag.log"
		die "$tag: ptpd got no Delay_Resp within 30 s"
	fi
	got=$(($(date +%s) - start))
	nap "$SLAVE_TIME"
	stop_host b || die "ptpd did not stop"
	stop_pid "$GMPID" || die "gm did not stop"
	for m in ANNOUNCE SYNC DELAY_RESP; do
		grep -q "10.1.0.2 granted $m" "$T_DIR/gm-$tag.log" ||
			{ cat "$T_DIR/gm-$tag.log"; die "$tag: gm granted ptpd no $m"; }
	done
	grep -q "Now in state: PTP_SLAVE" "$T_DIR/s-$tag.logf" ||
		{ ptpd_dump "s-$tag"; die "$tag: ptpd never reached PTP_SLAVE"; }
	grep -q "UTC offset is now 37" "$T_DIR/s-$tag.logf" ||
		{ ptpd_dump "s-$tag"; die "$tag: ptpd did not take currentUtcOffset 37"; }
	# statistics: "time, state, master, one way delay, offset from
	# master, ..., last packet (S Sync, D Delay_Resp), ..." in seconds;
	# the last 40 lines of a Sync in slave state (10 s at 4/s)
	awk -F', *' '$2 == "slv" && $9 == "S" { printf "%.0f %.0f\n", $5 * 1e9, $4 * 1e9 }' \
		"$T_DIR/s-$tag.stats" | tail -40 >"$T_DIR/s-$tag.off"
	read -r n rms max <<EOF
$(abs_stats 1 <"$T_DIR/s-$tag.off")
EOF
	med=$(awk '{ print $1 < 0 ? -$1 : $1 }' "$T_DIR/s-$tag.off" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }')
	delay=$(awk '{ s += $2 } END { printf "%.0f", NR ? s / NR : 0 }' "$T_DIR/s-$tag.off")
	echo "$tag: ptpd slave offset from master, last $n Syncs: rms $rms ns, max $max ns, median |offset| $med ns; one-way delay $delay ns (first Delay_Resp ${got} s after start)"
	# 4 Syncs/s for SLAVE_TIME s: at least half of them, or 30
	need=$((SLAVE_TIME * 2))
	[ "$need" -le 30 ] || need=30
	[ "$n" -ge "$need" ] || { ptpd_dump "s-$tag"; die "$tag: only $n Syncs in slave state"; }
	# 37 s (a wrong timescale) or a misread stamp would be far outside
	if [ "$med" -ge 10000 ] || [ "$rms" -ge 50000 ]; then
		ptpd_dump "s-$tag"
		die "$tag: ptpd offset median $med ns (limit 10 us), rms $rms ns (limit 50 us)"
	fi
	if [ "$delay" -le 0 ] || [ "$delay" -ge 1000000 ]; then
		die "$tag: ptpd one-way delay $delay ns"
	fi
	ptpd_no_writes "s-$tag"
}

# clockClass 52 (free-running, not traceable: CLOCK_REALTIME is no PRTC);
# the gm announces currentUtcOffset 37 as valid all the same
slave_session ocp-dc 0 "clockClass 52"
slave_session g8265.1 4 ""

# Part 2: ptpd master -> oc.  ptpd's masteronly preset announces
# clockClass 13 (application specific), hence the ARB timescale with its
# CLOCK_REALTIME (UTC).  With a PTP-timescale class and ptpd's defaults
# (ptpengine:utc_offset 0, utc_offset_valid N) it would label UTC as PTP
# time with currentUtcOffset 0, not valid: a slave that knows the offset
# ends 37 s off (our oc, which then uses its utc_offset 37, was measured
# at -37 s).  ptpengine:utc_offset=37 with ptpengine:utc_offset_valid=y
# makes ptpd add 37 s to its time stamps and announce the offset as valid,
# with ptpengine:ptp_timescale=PTP and a class (6) below 128 as masteronly
# requires.  37 s is TAI - UTC since 2017 (ptpbox's default utc_offset).
cat >"$T_DIR/m.conf" <<CFG
ptpengine:interface=pa1
ptpengine:preset=masteronly
ptpengine:disable_bmca=y
ptpengine:transport=ipv4
ptpengine:ip_mode=unicast
ptpengine:unicast_negotiation=y
ptpengine:domain=0
ptpengine:log_announce_interval=0
ptpengine:log_sync_interval=-2
ptpengine:log_delayreq_interval=-2
ptpengine:clock_class=6
ptpengine:ptp_timescale=PTP
ptpengine:utc_offset=37
ptpengine:utc_offset_valid=y
CFG
# ptpd grants exactly its own intervals: the oc asks for those
cat >"$T_DIR/oc.cfg" <<CFG
[global]
time_stamping software
network_transport UDPv4
clock soft
soft_offset_ns -300000
soft_freq_ppb -20000
logAnnounceInterval 0
logSyncInterval -2
summary_interval -2
logMinDelayReqInterval -2
unicast_master_table 1
unicast_req_duration 60
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv4 10.1.0.1
CFG
run_ptpd a m
wait_for 20 "$T_DIR/m.logf" "Now in state: PTP_MASTER" || { ptpd_dump m; die "ptpd did not become master"; }
# ptpd's clockIdentity, as ptpbox prints it (xxxxxx.xxxx.xxxxxx)
mid=$(sed -n 's/.*PTP_MASTER, Best master: \([0-9a-f]\{16\}\).*/\1/p' "$T_DIR/m.logf" | head -1)
mid=$(echo "$mid" | sed 's/^\(......\)\(....\)\(......\)$/\1.\2.\3/')
run_in b "$T_DIR/oc.log" "$PTPBOX" oc -f "$T_DIR/oc.cfg" -i pb1 -m -q
OCPID=$LAST_PID
start=$(date +%s)
converged=""
wait_locked 60 "$T_DIR/oc.log" 5 && converged=$(($(date +%s) - start))
if [ -z "$converged" ]; then
	ptpd_dump m; echo "--- oc"; cat "$T_DIR/oc.log"
	die "oc did not converge to ptpd within 60 s"
fi
nap 10
grep -q "selected best master clock $mid" "$T_DIR/oc.log" ||
	die "oc did not select ptpd ($mid): $(grep "selected" "$T_DIR/oc.log")"
servo_lines "$T_DIR/oc.log" | tail -20 | awk '$2 != "s2" { bad = 1 } END { exit bad }' ||
	die "servo left s2 after convergence: $(servo_lines "$T_DIR/oc.log" | tail -20 | tr '\n' ' ')"
read -r n rms max <<EOF
$(steady_stats "$T_DIR/oc.log" 40)
EOF
echo "oc vs ptpd: converged after $converged s, last $n Syncs rms $rms ns (without the worst) max $max ns"
# the worst sample only far from a step: see steady_stats
if [ "$rms" -ge 10000 ] || [ "$max" -ge 200000 ]; then
	die "after convergence: rms $rms ns without the worst (limit 10 us), max |offset| $max ns (limit 200 us)"
fi
read -r n rms max <<EOF
$(truth_stats "$T_DIR/oc.log" 10)
EOF
echo "oc soft clock true |time error| (last $n s): rms $rms ns, max $max ns"
[ "$n" -ge 8 ] || die "only $n true time error lines"
# a wrong timescale (UTC/TAI, 37 s) would be far outside these
if [ "$rms" -ge 10000 ] || [ "$max" -ge 50000 ]; then
	die "true error rms $rms ns, max $max ns: timescale handling wrong?"
fi

# Part 3: our pmc --to ptpd.  The oc is stopped first: pmc takes answers on
# port 320, which the oc holds in b.
stop_pid "$OCPID" || die "oc did not stop"
# shellcheck disable=SC2154 # NS_b: net_host sets it (eval)
out=$(ip netns exec "$NS_b" "$PTPBOX" pmc -4 --to 10.1.0.1 -b 0 -d 0 --timeout 2000 \
	"GET DEFAULT_DATA_SET" "GET TIME_PROPERTIES_DATA_SET" "GET PORT_DATA_SET" 2>&1)
rc=$?
echo "$out" >"$T_DIR/pmc.out"
if [ $rc -ne 0 ] || ! echo "$out" | grep -q "RESPONSE MANAGEMENT DEFAULT_DATA_SET"; then
	echo "$out"
	die "pmc --to ptpd: exit $rc, no DEFAULT_DATA_SET (ptpd in unicast mode ignores a request without the unicastFlag and answers to port 320)"
fi
for want in "clockClass +6$" "clockIdentity +$mid$" "domainNumber +0$" \
	"currentUtcOffset +37$" "currentUtcOffsetValid +1$" "ptpTimescale +1$" "portState +MASTER$"; do
	echo "$out" | grep -Eq "^[[:space:]]*$want" || { echo "$out"; die "pmc --to ptpd: no '$want'"; }
done
echo "pmc --to ptpd (UDPv4 unicast): DEFAULT_DATA_SET, TIME_PROPERTIES_DATA_SET, PORT_DATA_SET answered (clockIdentity $mid, clockClass 6, currentUtcOffset 37 valid, MASTER)"
# tshark first, alone: it then writes out what it has
[ -n "$CAPTURE" ] && { nap 1; stop_pid "$TSPID" 20 || die "tshark did not stop"; }
stop_host a || die "ptpd master did not stop"
ptpd_no_writes m
echo "PASS ptpd"
