#!/bin/sh
# shellcheck disable=SC2154 # NS_gm and NS_lg: set by net_host (eval)
# Benchmark (prints figures; it fails only when something did not run):
# how the gm serves many unicast clients.  Two namespaces over a veth pair:
# the gm (ocp-dc, software time stamps, CLOCK_REALTIME, which a gm without
# time_source tod only reads) and test/bench/loadgen, whose N clients each
# have an address of fd01::/64 (routed to the generator, taken as local
# there) and negotiate Announce, Sync and Delay_Resp at RATE with grants of
# GRANT s (renewed at 3/4), sending Delay_Req at the granted rate.  For each
# N in CLIENTS one row:
#   grants %       clients holding all three grants at the end
#   compliant %    clients whose Sync intervals met OCP 7.12 (mean and 90 %
#                  of the intervals within +-30 % of the granted period)
#   Follow_Up %    two-step Syncs whose Follow_Up came; Delay_Resp %: of
#                  the Delay_Req sent
#   CPU s/s        the server's utime+stime per second over the steady part
#                  (RAMP+5 s .. DURATION-2 s), and per client-second in us
#   RSS            VmRSS at the end of the steady part, and its growth from
#                  the idle server per client
#   rcvbuf         Udp6RcvbufErrors in the server's namespace (datagrams its
#                  sockets dropped) from the start to the end of the steady
#                  part
#   tx_to          transmit stamps that never came (ptp4l: its "timed out while
#                  polling" lines; gm: tx_ts_missing of its exit summary)
#   lg CPU, lg drops  the generator's CPU s/s over the steady part and the
#                  datagrams its sockets dropped: when these are high the
#                  generator, not the server, is the limit
#   rest           CPU s/s of everything else on the machine meanwhile
#                  (softirq work outside the two processes, other jobs)
#   auth           the authentication of the run (AUTH below: off, or the
#                  algorithm of the one key both sides sign with)
#   gm_drop, lg_fail  messages the gm dropped as unauthenticated (missing,
#                  bad ICV, unknown key, replayed: its exit line) and that
#                  the generator received failing verification
# After the gm's rows of each N, a floor row (FLOOR=1, the default):
# test/bench/udp_floor in the gm's place, the same datagrams over the same
# veth with the gm's sockets and send/receive batches (hw/udp.c) and no PTP
# logic, loaded by `loadgen --floor` (Delay_Req at RATE without
# negotiation; grant% and B/client do not apply: "-"), then a ratio line:
# the gm's CPU per client-second over the floor's, for each gm row of that
# N (issue 26: within 1.15).
# Then the same for linuxptp's ptp4l as the server (unicast_listen 1,
# masterOnly, -S, free_running 1, behind test/interop/noadj.c so that it
# cannot adjust the host clock) for each N in PTP4L_CLIENTS, without
# authentication.
#
# With software stamps over veth a sender's CPU time includes the receive
# path of the packets it sends (the peer's softirq runs in the sender's
# context): the server is charged for the generator's receive path of
# Sync, Follow_Up, Announce and Delay_Resp (its own receive path of the
# requests is charged to the generator).  The figures are upper bounds of
# what a server with a NIC spends.
#
# Environment: GM_EXTRA (configuration lines added to the gm's, e.g.
# "max_tx_rate_pps 110000"), AUTH (a list of off, SHA256-128, SHA256,
# AES128, AES256: each N is run once for each; other than off, the gm gets
# an sa_file of one SA (spp 1) holding one random key (id 1) of that
# algorithm and sa_file, spp 1, active_key_id 1, and the generator signs
# and verifies with it: --sa-file --spp 1 --key-id 1; default off),
# CLIENTS ("1000 5000 20000 50000 100000"), PTP4L_CLIENTS
# ("1000 5000"; empty: none), DURATION (60 s per run, ramp included), RAMP
# (10 s), GRANT (30 s), RATE (0: 1/s), PIN (1: the server on CPU 0, the
# generator on CPU 1; 0: anywhere), PTPBOX, LOADGEN (default: build/loadgen,
# made here), FLOOR (1; 0: no floor rows), UDP_FLOOR (default:
# build/udp_floor, made here), PERF (a directory: `perf record -g` of the
# server for PERF_S s (5) from the start of the steady part of each run,
# into PERF/perf-SERVER-N-AUTH.data; its sampling adds to the CPU
# figures of that run).  The default run takes about 13 minutes.
# Run it as root and, beside other network tests, under flock
# /tmp/ptpbox-net.lock.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
net_init
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CLIENTS=${CLIENTS-1000 5000 20000 50000 100000}
PTP4L_CLIENTS=${PTP4L_CLIENTS-1000 5000}
DURATION=${DURATION:-60}
RAMP=${RAMP:-10}
GRANT=${GRANT:-30}
RATE=${RATE:-0}
PIN=${PIN:-1}
AUTH=${AUTH:-off}
PERF_S=${PERF_S:-5}
if [ -n "$PERF" ]; then
	command -v perf >/dev/null || die "PERF: perf missing (apt-get install linux-perf)"
	mkdir -p "$PERF" || die "PERF: cannot make $PERF"
fi
SETTLE=5
[ "$DURATION" -ge $((RAMP + SETTLE + 10)) ] || die "DURATION must be >= RAMP + $((SETTLE + 10)) s"
if [ -z "$LOADGEN" ]; then
	make -s -C "$TOP" build/loadgen >"$T_DIR/make.log" 2>&1 ||
		die "make build/loadgen: $(cat "$T_DIR/make.log")"
	LOADGEN=$TOP/build/loadgen
fi
[ -x "$LOADGEN" ] || die "$LOADGEN not built"
FLOOR=${FLOOR:-1}
if [ "$FLOOR" = 1 ] && [ -z "$UDP_FLOOR" ]; then
	make -s -C "$TOP" build/udp_floor >"$T_DIR/make.log" 2>&1 ||
		die "make build/udp_floor: $(cat "$T_DIR/make.log")"
	UDP_FLOOR=$TOP/build/udp_floor
fi
[ "$FLOOR" != 1 ] || [ -x "$UDP_FLOOR" ] || die "$UDP_FLOOR not built"
ncpu=$(nproc)
if [ "$PIN" = 1 ] && [ "$ncpu" -ge 2 ]; then
	SRV_CPUS=0
	LG_CPUS=1
else
	SRV_CPUS=0-$((ncpu - 1))
	LG_CPUS=$SRV_CPUS
fi
HZ=$(getconf CLK_TCK)
max_n=1
for n in $CLIENTS $PTP4L_CLIENTS; do [ "$n" -gt "$max_n" ] && max_n=$n; done

net_host gm
net_host lg
net_link gm lg 1
ip -n "$NS_gm" -6 route add fd01::/64 via fd00::1:2 dev pa1 || die "route to the clients"
ip -n "$NS_lg" -6 route add local fd01::/64 dev lo || die "local route for the clients"
mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
ip -n "$NS_gm" -6 neigh replace fd00::1:2 lladdr "$(mac "$NS_lg" pb1)" dev pa1 nud permanent ||
	die "neighbour"
ip -n "$NS_lg" -6 neigh replace fd00::1:1 lladdr "$(mac "$NS_gm" pa1)" dev pb1 nud permanent ||
	die "neighbour"

cat >"$T_DIR/gm-off.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
unicast_max_clients $((max_n + 1000))
${GM_EXTRA:+$(printf '%s\n' "$GM_EXTRA")}
CFG
# per algorithm: an sa_file of one random key, the gm's configuration with it
for a in $AUTH; do
	case $a in
	off) continue ;;
	AES256) klen=32 ;;
	SHA256-128 | SHA256 | AES128) klen=16 ;;
	*) die "AUTH: off, SHA256-128, SHA256, AES128 or AES256, not $a" ;;
	esac
	key=$(od -An -tx1 -N"$klen" /dev/urandom | tr -d ' \n')
	printf '[security_association]\nspp 1\n1 %s HEX:%s\n' "$a" "$key" >"$T_DIR/sa-$a.cfg"
	{
		cat "$T_DIR/gm-off.cfg"
		printf 'sa_file %s\nspp 1\nactive_key_id 1\n' "$T_DIR/sa-$a.cfg"
	} >"$T_DIR/gm-$a.cfg"
done
# ptp4l 3.1: masterOnly (serverOnly later); Delay_Resp goes back by unicast
# to a client holding a Delay_Resp grant without hybrid_e2e
cat >"$T_DIR/ptp4l.cfg" <<CFG
[global]
network_transport UDPv6
time_stamping software
free_running 1
unicast_listen 1
masterOnly 1
domainNumber 0
logAnnounceInterval 0
logSyncInterval $RATE
logMinDelayReqInterval $RATE
CFG

now() { date +%s.%N; }
# ticks PID: its utime+stime (clock ticks); 0 once it is gone
ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 } END { if (!NR) print 0 }'; }
# busy: the machine's busy ticks (user nice system irq softirq steal)
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }
# snmp6 NS KEY
snmp6() { ip netns exec "$1" cat /proc/net/snmp6 | awk -v k="$2" '$1 == k { print $2 }'; }
alive() { _s=$(net_state "$1"); [ -n "$_s" ] && [ "$_s" != Z ]; }
# sleep_until T0 SECONDS: until SECONDS after T0 (a now value)
sleep_until() {
	_d=$(awk -v t0="$1" -v s="$2" -v n="$(now)" 'BEGIN { d = t0 + s - n; printf "%.2f", (d > 0 ? d : 0) }')
	nap "$_d"
}

ROWS=$T_DIR/rows
: >"$ROWS"
# run SERVER N AUTH: one run, one row
run() {
	# (lib.sh's run_in sets log, net_link n: names of our own here)
	srv=$1 cl=$2 auth=$3 slog=$T_DIR/$1-$2-$3.log lglog=$T_DIR/lg-$1-$2-$3.log
	set --
	[ "$auth" = off ] || set -- --sa-file "$T_DIR/sa-$auth.cfg" --spp 1 --key-id 1
	if [ "$srv" = gm ]; then
		run_in gm "$slog" taskset -c "$SRV_CPUS" "$PTPBOX" gm -f "$T_DIR/gm-$auth.cfg" -i pa1 -m -q
		SP=$LAST_PID
		wait_for 20 "$slog" "assuming the grand master role" || die "gm did not start: $(cat "$slog")"
	elif [ "$srv" = floor ]; then
		run_in gm "$slog" taskset -c "$SRV_CPUS" "$UDP_FLOOR" --iface pa1 --clients "$cl" --rate "$RATE"
		SP=$LAST_PID
		wait_for 20 "$slog" "^udp_floor: " || die "udp_floor did not start: $(cat "$slog")"
		set -- --floor
	else
		run_in gm "$slog" env LD_PRELOAD="$T_DIR/noadj.so" taskset -c "$SRV_CPUS" \
			ptp4l -f "$T_DIR/ptp4l.cfg" -i pa1 -6 -S -m -q
		SP=$LAST_PID
		wait_for 30 "$slog" "assuming the grand master role" || die "ptp4l did not start: $(cat "$slog")"
	fi
	rss0=$(rss_kb "$SP")
	rb0=$(snmp6 "$NS_gm" Udp6RcvbufErrors)
	lrb0=$(snmp6 "$NS_lg" Udp6RcvbufErrors)
	t0=$(now)
	run_in lg "$lglog" taskset -c "$LG_CPUS" "$LOADGEN" --clients "$cl" --duration "$DURATION" \
		--ramp "$RAMP" --grant "$GRANT" --rate "$RATE" --server fd00::1:1 --prefix fd01::/64 "$@"
	LP=$LAST_PID
	sleep_until "$t0" $((RAMP + SETTLE))
	alive "$SP" || die "$srv stopped during the ramp: $(tail -5 "$slog")"
	set -- "$(now)" "$(ticks "$SP")" "$(ticks "$LP")" "$(busy)"
	w1=$1 s1=$2 l1=$3 b1=$4
	if [ -n "$PERF" ]; then
		perf record -g -q -p "$SP" -o "$PERF/perf-$srv-$cl-$auth.data" -- sleep "$PERF_S" \
			>"$T_DIR/perf.log" 2>&1 &
	fi
	sleep_until "$t0" $((DURATION - 2))
	set -- "$(now)" "$(ticks "$SP")" "$(ticks "$LP")" "$(busy)" "$(rss_kb "$SP")"
	w2=$1 s2=$2 l2=$3 b2=$4 rss=$5
	# socket drops from the start to the end of the steady part (not the
	# generator's CANCELs at its end)
	rb1=$(snmp6 "$NS_gm" Udp6RcvbufErrors)
	lrb1=$(snmp6 "$NS_lg" Udp6RcvbufErrors)
	alive "$SP" || die "$srv stopped during the run: $(tail -5 "$slog")"
	# the generator ends after its grace (2 s) and cancel (0.5 s) phases
	i=0
	while alive "$LP"; do
		i=$((i + 1))
		[ $i -le 600 ] || die "loadgen did not end: $(tail -3 "$lglog")"
		sleep 0.1
	done
	wait "$LP" || die "loadgen failed: $(tail -5 "$lglog")"
	stop_pid "$SP" 15 || die "$srv did not stop"
	line=$(grep "^loadgen clients=" "$lglog")
	[ -n "$line" ] || die "loadgen printed no summary: $(tail -5 "$lglog")"
	# ptp4l logs each; the gm once a second, and its count at exit
	gdrop=-
	if [ "$srv" = floor ]; then
		tto=$(sed -n 's/^udp_floor .* tx_ts_missing=\([0-9]*\).*/\1/p' "$slog")
		[ -n "$tto" ] || die "udp_floor printed no summary: $(tail -3 "$slog")"
	elif [ "$srv" = gm ]; then
		tto=$(sed -n 's/.* tx_ts_missing \([0-9]*\).*/\1/p' "$slog" | tail -1)
		# its exit line: "authentication spp 1: dropped missing A bad_icv B
		# unknown_key C replay D"
		[ "$auth" = off ] || gdrop=$(sed -n 's/.*authentication spp [0-9]*: dropped //p' "$slog" |
			tail -1 | awk '{ print $2 + $4 + $6 + $8 }')
		[ -n "$gdrop" ] || die "the gm printed no authentication counters: $(tail -3 "$slog")"
	else
		tto=$(grep -c "timed out while polling for tx timestamp" "$slog")
	fi
	echo "$line" >>"$T_DIR/lines"
	echo "$srv $cl $auth $line" | awk -v hz="$HZ" -v w1="$w1" -v w2="$w2" -v s1="$s1" -v s2="$s2" \
		-v l1="$l1" -v l2="$l2" -v b1="$b1" -v b2="$b2" -v rss="$rss" -v rss0="$rss0" \
		-v rb="$((rb1 - rb0))" -v lrb="$((lrb1 - lrb0))" -v tto="$tto" -v gdrop="$gdrop" \
		-v cpufile="$T_DIR/cpu" '
		{ for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END {
			dt = w2 - w1; n = $2
			cpu = (s2 - s1) / hz / dt; lg = (l2 - l1) / hz / dt
			rest = ((b2 - b1) - (s2 - s1) - (l2 - l1)) / hz / dt
			lfail = $3 == "off" ? "-" : v["auth_failed"]
			# the floor negotiates nothing and keeps nothing per client
			grant = $1 == "floor" ? "-" : sprintf("%.2f", v["granted_pct"])
			bpc = $1 == "floor" ? "-" : sprintf("%.0f", (rss - rss0) * 1024 / n)
			printf "%-6s %7d %-10s %7s %7.2f %8.2f %8.2f %7.3f %8.1f %8.1f %8s %8d %7d %7.2f %8d %5.2f %7s %7s\n",
				$1, n, $3, grant, v["compliant_pct"], v["followup_pct"],
				v["delayresp_pct"], cpu, cpu / n * 1e6, rss / 1024,
				bpc, rb, tto, lg, lrb, rest, gdrop, lfail
			# CPU per client-second, us, for the ratio lines
			printf "%s %d %s %.4f\n", $1, n, $3, cpu / n * 1e6 >>cpufile
		}' | tee -a "$ROWS"
	# ptp4l ends the service of all its clients on a missing stamp
	f=$(grep -c "to FAULTY" "$slog")
	[ "$f" = 0 ] || echo "       $srv $cl: $f FAULTY transitions" | tee -a "$ROWS"
}

HEADER=$(printf "%-6s %7s %-10s %7s %7s %8s %8s %7s %8s %8s %8s %8s %7s %7s %8s %5s %7s %7s" \
	server N auth "grant%" "compl%" "FollowUp%" "DlyResp%" "CPU s/s" "us/cl-s" "RSS MB" \
	"B/client" "rcvbuf" "tx_to" "lg s/s" "lg drop" "rest" "gm_drop" "lg_fail")
echo "gm_scale: $PTPBOX ($(git -C "$TOP" describe --always --dirty 2>/dev/null || echo "no git"))," \
	"$DURATION s per run (ramp $RAMP s; steady part $((RAMP + SETTLE))..$((DURATION - 2)) s)," \
	"Sync/Delay_Resp/Announce at log $RATE, grants of $GRANT s, server on CPU $SRV_CPUS," \
	"generator on CPU $LG_CPUS of $ncpu; authentication $AUTH;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$HEADER"
for n in $CLIENTS; do
	for a in $AUTH; do
		run gm "$n" "$a"
	done
	[ "$FLOOR" = 1 ] || continue
	run floor "$n" off
	# the gm's CPU per client-second over the floor's, each gm row of N
	awk -v n="$n" '$2 == n && $1 == "floor" { f = $4 } $2 == n && $1 == "gm" { gm[$3] = $4; o[++k] = $3 }
		END { for (i = 1; i <= k; i++)
			printf "%-6s %7d %-10s gm/floor CPU per client-s %.2f (target <= 1.15)\n",
				"ratio", n, o[i], (f > 0 ? gm[o[i]] / f : 0) }' "$T_DIR/cpu" | tee -a "$ROWS"
done
if [ -n "$PTP4L_CLIENTS" ]; then
	command -v ptp4l >/dev/null || die "ptp4l missing (apt-get install linuxptp)"
	cc -shared -fPIC -O2 -o "$T_DIR/noadj.so" "$TOP/test/interop/noadj.c" -ldl ||
		die "building noadj.so"
	for n in $PTP4L_CLIENTS; do
		run ptp4l "$n" off
	done
fi
echo
echo "$HEADER"
cat "$ROWS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
