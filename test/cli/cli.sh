#!/bin/sh
# Command line behaviour a user and a script see: dispatch by name and link,
# --list, --install, --help, usage errors, configuration errors.
top=$(cd "$(dirname "$0")/../.." && pwd)
PTPBOX=${PTPBOX:-$top/build/ptpbox}
. "$(dirname "$0")/../checks.sh"
d=$(mktemp -d /tmp/ptpbox-cli.XXXXXX)
trap 'rm -rf "$d"' EXIT
# test/cross/run.sh runs this with a cross-built binary under qemu-user and
# says why a check cannot run there: PTPBOX_SKIP_SOCKETS for the checks
# that open a clock's PTP sockets (qemu-user has no SO_TIMESTAMPING),
# PTPBOX_SKIP_LINKS for running the links --install makes (they point at
# the foreign binary itself, which runs only through binfmt_misc)
can() { # VAR CHECK: 0 if the check can run, else count it skipped
	eval "why=\${$1:-}"
	[ -z "$why" ] && return 0
	skip "$2: $why"
	return 1
}

# --list names all six, marks the unbuilt ones
out=$("$PTPBOX" --list)
for a in gm tc oc ppsmon todenc pmc; do
	echo "$out" | grep -q "^$a " && ok || ko "--list lacks $a"
done
echo "$out" | grep -q "^oc .*not built" && ko "oc marked not built" || ok
echo "$out" | grep -q "^tc .*not built" && ko "tc marked not built" || ok

# every applet: --help exits 0 and prints usage
for a in gm tc oc ppsmon todenc pmc; do
	"$PTPBOX" "$a" --help >"$d/h" 2>&1 && grep -q "usage" "$d/h" && ok || ko "$a --help"
done
# tc: two ports at least; --print-nft prints the rules and touches nothing
"$PTPBOX" tc -i eth0 2>"$d/e"; [ $? -eq 1 ] && grep -q "at least two ports" "$d/e" && ok || ko "tc with one port: $(cat "$d/e")"
# G.8265.1 Annex A has no transparent clocks
"$PTPBOX" tc -i lanA -i lanB --profile=g8265.1 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "profile g8265.1 has no transparent clocks" "$d/e" && ok || ko "tc under g8265.1: $(cat "$d/e")"
"$PTPBOX" tc -i lanA -i lanB --print-nft >"$d/o" 2>"$d/e" && grep -q "table bridge ptpbox_tc" "$d/o" &&
	grep -q 'iifname { "lanA", "lanB" } oifname { "lanA", "lanB" } udp dport { 319, 320 } drop' "$d/o" &&
	ok || ko "tc --print-nft: $(cat "$d/o" "$d/e")"
printf '[global]\ntc_egress two_step\n[lanA]\n[lanB]\n[lanC]\n' >"$d/tc.cfg"
"$PTPBOX" tc -f "$d/tc.cfg" --print-nft 2>"$d/e" | grep -q '"lanA", "lanB", "lanC"' && ok || ko "tc ports from [lanN] sections: $(cat "$d/e")"
printf '[global]\ntc_egress three_step\n' >"$d/tc.cfg"
"$PTPBOX" tc -f "$d/tc.cfg" -i a -i b 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "tc.cfg:2: tc_egress three_step: unknown value, allowed one_step|two_step" "$d/e" && ok || ko "tc config error: exit $r, $(cat "$d/e")"
# usage errors: exit 1, one line on stderr
for a in gm oc tc; do
	"$PTPBOX" "$a" --bogus 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 1 ] && [ "$(wc -l <"$d/e")" -eq 1 ] && ok || ko "$a usage error: exit $r, $(cat "$d/e")"
	"$PTPBOX" "$a" -f 2>"$d/e" >/dev/null; [ $? -eq 1 ] && ok || ko "$a -f without value"
done
# pmc: usage errors exit 1 with one line; bad commands are reported; a
# missing server means no answer, exit 3; --version/-v
for a in --bogus "-b 300" "-d x" -2; do
	"$PTPBOX" pmc $a -u 'GET PRIORITY1' 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 1 ] && [ "$(wc -l <"$d/e")" -eq 1 ] && ok || ko "pmc $a: exit $r, $(cat "$d/e")"
done
"$PTPBOX" pmc -u -s "$d/nothing" -i "$d/me" --timeout 200 'GET NO_SUCH' 'GET PRIORITY1' >"$d/o" 2>"$d/e"; r=$?
grep -q "bad command: GET NO_SUCH" "$d/e" && grep -q "sending: GET PRIORITY1" "$d/o" && [ $r -ne 0 ] && ok ||
	ko "pmc bad command: exit $r, $(cat "$d/e")"
"$PTPBOX" pmc -u -s "$d/nothing" -i "$d/me" 'GET PORT' 2>&1 | grep -q "ambiguous" && ok || ko "pmc ambiguous prefix"
"$PTPBOX" pmc -u -s "$d/nothing" -i "$d/me" 'SET PRIORITY2' 2>&1 | grep -q "PRIORITY2 SET needs 1 value" && ok ||
	ko "pmc SET without value"
echo help | "$PTPBOX" pmc -u -s "$d/nothing" -i "$d/me" | grep -q "UNICAST_MASTER_TABLE_NP" && ok || ko "pmc help"
[ ! -e "$d/me" ] && ok || ko "pmc left its socket"
# pmc: a lock-out list as long as one management message holds (72 UDP/IPv6
# addresses), from the command line or from stdin however long the line; one
# more is refused with the limit.  A sink on a UNIX socket keeps the request.
pmc_sink() { # SOCKET FILE: the first datagram on SOCKET, in hex, to FILE
	rm -f "$1" "$2"
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(10)
try:
    open(sys.argv[2], "w").write(s.recv(4096).hex())
except socket.timeout:
    pass
PY
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
lockout_sent() { # FILE: count and last address of the UNICAST_MASTER_LOCKOUT_NP sent
	python3 -c "import sys, ipaddress; b = bytes.fromhex(open(sys.argv[1]).read())
print(int.from_bytes(b[54:56], 'big'), ipaddress.ip_address(b[-16:]))" "$1" 2>/dev/null
}
addrs() { seq "$1" "$2" | awk '{ printf "fd00:0:0:0:0:0:1:%x ", $1 + 4096 }'; }
pmc_sink "$d/sink" "$d/req"
"$PTPBOX" pmc -u -s "$d/sink" -i "$d/me" --timeout 200 "SET UNICAST_MASTER_LOCKOUT_NP $(addrs 1 72)" \
	>/dev/null 2>"$d/e"
wait
[ "$(lockout_sent "$d/req")" = "72 fd00::1:1048" ] && ! grep -q "bad command" "$d/e" && ok ||
	ko "pmc 72 lock-out addresses: $(lockout_sent "$d/req") $(cat "$d/e")"
pmc_sink "$d/sink" "$d/req"
echo "SET UNICAST_MASTER_LOCKOUT_NP $(addrs 1 60)" |
	"$PTPBOX" pmc -u -s "$d/sink" -i "$d/me" --timeout 200 >/dev/null 2>"$d/e"
wait
[ "$(lockout_sent "$d/req")" = "60 fd00::1:103c" ] && ! grep -q "bad command" "$d/e" && ok ||
	ko "pmc line of $(addrs 1 60 | wc -c) characters on stdin: $(lockout_sent "$d/req") $(cat "$d/e")"
"$PTPBOX" pmc -u -s "$d/nothing" -i "$d/me" --timeout 200 "SET UNICAST_MASTER_LOCKOUT_NP $(addrs 1 73)" \
	>/dev/null 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "too many addresses: at most 72 fit one management message" "$d/e" &&
	! grep -q "not an address" "$d/e" && ok || ko "pmc 73 lock-out addresses: exit $r, $(cat "$d/e")"
# a management socket that cannot be made stops the clock with the reason
if [ "$(id -u)" = 0 ] && can PTPBOX_SKIP_SOCKETS "bad uds_address"; then
	"$PTPBOX" gm -i lo -S --clock=soft --clockIdentity=020000.0000.000001 \
		--uds_address="$d/no/such/dir" 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 3 ] && grep -q "uds_address $d/no/such/dir: No such file" "$d/e" && ok ||
		ko "bad uds_address: exit $r, $(cat "$d/e")"
fi
# the loopback has no MAC: no all-zero clockIdentity (OCP 7.5), a clear error
if [ "$(id -u)" = 0 ] && can PTPBOX_SKIP_SOCKETS "gm -i lo"; then
	"$PTPBOX" gm -i lo -S --clock=soft --uds_address=none 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 1 ] && grep -q "lo has no individual MAC address.*set clockIdentity" "$d/e" && ok ||
		ko "gm -i lo: exit $r, $(cat "$d/e")"
fi
"$PTPBOX" nosuch 2>"$d/e"; [ $? -eq 1 ] && grep -q "unknown applet" "$d/e" && ok || ko "unknown applet"
"$PTPBOX" 2>/dev/null; [ $? -eq 1 ] && ok || ko "no arguments"

# --install makes links; each link name runs its applet
"$PTPBOX" --install "$d/bin" >/dev/null && ok || ko "--install"
"$PTPBOX" --install "$d/bin" --prefix ptp- >/dev/null && ok || ko "--install --prefix"
for l in oc ptp-oc; do
	can PTPBOX_SKIP_LINKS "link $l" || continue
	"$d/bin/$l" --help | grep -q "ptpbox oc" && ok || ko "link $l"
done
ln -s "$PTPBOX" "$d/ptpbox-gm"
"$d/ptpbox-gm" --help | grep -q "ptpbox gm" && ok || ko "link ptpbox-gm"
if can PTPBOX_SKIP_LINKS "link ptp-tc"; then
	"$d/bin/ptp-tc" --help | grep -q "ptpbox tc" && ok || ko "link ptp-tc"
fi

# configuration errors: file, line, key, value and range; exit 1
printf '[global]\nprofile ocp-dc\nlogSyncInterval 4\n' >"$d/bad.cfg"
"$PTPBOX" oc -f "$d/bad.cfg" -i lo 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "bad.cfg:3: logSyncInterval 4: out of range, allowed -7..3 (profile ocp-dc)" "$d/e" \
	&& ok || ko "range error: exit $r, $(cat "$d/e")"
printf '[global]\nclock_servo kalman\n' >"$d/bad.cfg"
"$PTPBOX" oc -f "$d/bad.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "bad.cfg:2: clock_servo kalman: unknown value, allowed pi|linreg|envelope" "$d/e" && ok ||
	ko "clock_servo: $(cat "$d/e")"
printf '[global]\nsys_clock hwclock\n' >"$d/bad.cfg"
"$PTPBOX" oc -f "$d/bad.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "bad.cfg:2: sys_clock hwclock: unknown value, allowed CLOCK_REALTIME|soft" "$d/e" && ok ||
	ko "sys_clock: $(cat "$d/e")"
"$PTPBOX" oc -i lo --sys_sync_rate=100 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "sys_sync_rate 100: out of range, allowed 0.0625..64" "$d/e" && ok || ko "sys_sync_rate: $(cat "$d/e")"
"$PTPBOX" oc -i lo --servo_wander=-1 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "servo_wander -1: out of range, allowed 0..1000" "$d/e" && ok || ko "servo_wander: $(cat "$d/e")"
printf '[global]\nfrobnicate 1\n' >"$d/bad.cfg"
"$PTPBOX" gm -f "$d/bad.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] && grep -q "bad.cfg:2: frobnicate: unknown key" "$d/e" && ok || ko "unknown key"
"$PTPBOX" gm -i lo --profile=g8265.1 --domainNumber=2 2>"$d/e"; [ $? -eq 1 ] && grep -q "command line: domainNumber 2: out of range, allowed 4..23" "$d/e" && ok || ko "cmdline range: $(cat "$d/e")"
"$PTPBOX" gm -f "$d/none.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] && grep -q "No such file" "$d/e" && ok || ko "missing file"
"$PTPBOX" gm -i lo -S --twoStepFlag=0 2>"$d/e"; [ $? -eq 1 ] && grep -q "one-step Sync needs time_stamping hardware" "$d/e" && ok || ko "sw one-step: $(cat "$d/e")"
# runtime errors: exit 3 with the reason
"$PTPBOX" gm -i nosuchif0 -S -q 2>"$d/e"; [ $? -eq 3 ] && grep -q "nosuchif0: no such interface" "$d/e" && ok || ko "bad iface: $(cat "$d/e")"
"$PTPBOX" oc -i lo -q 2>"$d/e"; [ $? -eq 3 ] && grep -q "no PTP hardware clock\|hardware time stamping" "$d/e" && ok || ko "hw ts on lo: $(cat "$d/e")"
printf '[global]\ntime_stamping software\nclock soft\n' >"$d/oc.cfg"
if can PTPBOX_SKIP_SOCKETS "oc without table"; then
	"$PTPBOX" oc -f "$d/oc.cfg" -i lo -q --clockIdentity=020000.0000.000002 2>"$d/e"; [ $? -eq 1 ] && grep -q "no unicast master table" "$d/e" && ok || ko "oc without table: $(cat "$d/e")"
fi
# metrics_file that cannot be written: exit 3 with where it was set, the
# path and the reason (the file's line, or the command line)
if [ "$(id -u)" = 0 ] && can PTPBOX_SKIP_SOCKETS "bad metrics_file"; then
	printf '[global]\nmetrics_file %s\n' "$d/no/such/dir/gm.prom" >"$d/m.cfg"
	"$PTPBOX" gm -f "$d/m.cfg" -i lo -S --clock=soft --clockIdentity=020000.0000.000001 \
		--uds_address=none 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 3 ] && grep -q "^gm: $d/m.cfg:2: metrics_file $d/no/such/dir/gm.prom: $d/no/such/dir/gm.prom.XXXXXX: No such file or directory$" "$d/e" &&
		ok || ko "bad metrics_file: exit $r, $(cat "$d/e")"
	"$PTPBOX" gm -i lo -S --clock=soft --clockIdentity=020000.0000.000001 --uds_address=none \
		--metrics_file="$d/no/x.prom" 2>"$d/e" >/dev/null; r=$?
	[ $r -eq 3 ] && grep -q "^gm: command line: metrics_file $d/no/x.prom: " "$d/e" &&
		ok || ko "bad metrics_file on the command line: exit $r, $(cat "$d/e")"
fi
# --wait-sync and its options: values checked, the others need it
"$PTPBOX" oc -i lo --wait-sync 1us 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "^oc: --wait-sync 1us: out of range, allowed 0..1000000000000 (ns)$" "$d/e" && ok || ko "oc --wait-sync 1us: $(cat "$d/e")"
"$PTPBOX" oc -i lo --wait-sync=100 --timeout=0 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "^oc: --timeout 0: out of range, allowed 0.001..31536000 (s)$" "$d/e" && ok || ko "oc --timeout 0: $(cat "$d/e")"
"$PTPBOX" oc -i lo --settle 5 2>"$d/e"; [ $? -eq 1 ] && grep -q "go with --wait-sync NS" "$d/e" && ok || ko "oc --settle alone: $(cat "$d/e")"
"$PTPBOX" oc -i lo --then-daemon 2>"$d/e"; [ $? -eq 1 ] && grep -q "go with --wait-sync NS" "$d/e" && ok || ko "oc --then-daemon alone: $(cat "$d/e")"
"$PTPBOX" oc -i lo --wait-sync 2>"$d/e"; [ $? -eq 1 ] && grep -q "option --wait-sync needs a value" "$d/e" && ok || ko "oc --wait-sync: $(cat "$d/e")"
"$PTPBOX" pmc -u --wait-sync 100 'GET PORT_DATA_SET' 2>"$d/e"; [ $? -eq 1 ] && grep -q "takes no commands" "$d/e" && ok || ko "pmc --wait-sync with a command: $(cat "$d/e")"
"$PTPBOX" pmc -u --settle 3 2>"$d/e"; [ $? -eq 1 ] && grep -q "goes with --wait-sync" "$d/e" && ok || ko "pmc --settle alone: $(cat "$d/e")"
"$PTPBOX" pmc -u --wait-sync 100 --timeout 1e9 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "^pmc: --timeout 1e9: out of range, allowed 0.001..31536000 (s with --wait-sync)$" "$d/e" && ok || ko "pmc --timeout 1e9: $(cat "$d/e")"
for t in 0 2m 1.5h 0.5ms 601s x "" s ms 2sec; do
	"$PTPBOX" pmc -u --timeout "$t" 'GET PORT_DATA_SET' 2>"$d/e"; [ $? -eq 1 ] &&
		grep -q "^pmc: --timeout $t: out of range, allowed 1..600000 (ms)$" "$d/e" && ok ||
		ko "pmc --timeout '$t': $(cat "$d/e")"
done
"$PTPBOX" oc -i lo --wait-sync=100 --timeout=0.5ms 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "^oc: --timeout 0.5ms: out of range, allowed 0.001..31536000 (s)$" "$d/e" && ok || ko "oc --timeout 0.5ms: $(cat "$d/e")"
# --timeout: "ms" and "s" suffixes; a bare number is ms for the answers and
# s with --wait-sync (as before the suffixes): how long pmc waits, measured
# against a sink that never answers (exit 3) and with --wait-sync against
# no clock (exit 1)
ms_now() { echo $(($(date +%s%N) / 1000000)); }
for t in 300ms:300:3 300:300:3 1s:1000:3 1.2s:1200:3 w1:1000:1 w1500ms:1500:1; do
	arg=${t%%:*} rest=${t#*:} want=${t#*:}; want=${want%:*} rc_want=${rest#*:}
	pmc_sink "$d/sink" "$d/req"
	t0=$(ms_now)
	case $arg in
	w*) "$PTPBOX" pmc -u -s "$d/sink" -i "$d/me" --wait-sync 100 --timeout "${arg#w}" >"$d/o" 2>&1 ;;
	*) "$PTPBOX" pmc -u -s "$d/sink" -i "$d/me" --timeout "$arg" 'GET PRIORITY1' >"$d/o" 2>&1 ;;
	esac
	r=$? el=$(($(ms_now) - t0))
	kill $! 2>/dev/null; wait
	[ $r -eq "$rc_want" ] && [ $el -ge "$want" ] && [ $el -lt $((want + 700)) ] && ok ||
		ko "pmc --timeout ${arg#w}$(case $arg in w*) echo " --wait-sync" ;; esac): exit $r after $el ms, want $rc_want after $want ms: $(cat "$d/o")"
done


# errors a newcomer meets: the interface before its clock; -f naming a
# directory; control characters in a line escaped, a NUL said as such; an
# unknown --KEY said before a missing value; did you mean
for a in gm oc; do
	"$PTPBOX" $a -i nosuchif0 -q 2>"$d/e"; r=$?
	[ $r -eq 3 ] && grep -q "^$a: nosuchif0: no such interface$" "$d/e" && ! grep -q "hardware clock" "$d/e" && ok ||
		ko "$a -i nosuchif0 (hardware stamps): exit $r, $(cat "$d/e")"
done
"$PTPBOX" tc -i nosuchif0 -i nosuchif1 --no-nft -q 2>"$d/e"; r=$?
[ $r -eq 3 ] && grep -q "^tc: nosuchif0: no such interface$" "$d/e" && ok || ko "tc -i nosuchif0: exit $r, $(cat "$d/e")"
mkdir "$d/dir.cfg"
for a in gm oc tc; do
	"$PTPBOX" $a -f "$d/dir.cfg" -i lo -i lo2 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: $d/dir.cfg: Is a directory$" "$d/e" && ok || ko "$a -f DIR: exit $r, $(cat "$d/e")"
done
printf '[global]\ndomain\001Number\0330 1\n' >"$d/ctl.cfg"
"$PTPBOX" gm -f "$d/ctl.cfg" -i lo 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -qF 'ctl.cfg:2: domain\x01Number\x1b0: unknown key' "$d/e" && ! tr -d '\n' <"$d/e" | grep -q '[[:cntrl:]]' &&
	ok || ko "control characters not escaped: exit $r, $(od -c "$d/e" | head -5)"
printf '[global]\nuserDescription a\001b\n' >"$d/ctl.cfg"
"$PTPBOX" oc -f "$d/ctl.cfg" -i lo --userDescription "$(printf 'x\033[31m')" --domainNumber "$(printf '1\033')" 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -qF 'command line: domainNumber 1\x1b: not an integer' "$d/e" && ! tr -d '\n' <"$d/e" | grep -q '[[:cntrl:]]' &&
	ok || ko "command-line value not escaped: exit $r, $(od -c "$d/e" | head -5)"
for a in gm tc; do
	"$PTPBOX" $a "$(printf 'x\033[2Jy')" >/dev/null 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -qF "unknown argument 'x\x1b[2Jy'" "$d/e" && ! tr -d '\n' <"$d/e" | grep -q '[[:cntrl:]]' &&
		ok || ko "$a: unknown argument not escaped: exit $r, $(od -c "$d/e" | head -5)"
done
printf '[global]\ndomainNumber 1\nprior\000ity1 3\n' >"$d/nul.cfg"
"$PTPBOX" oc -f "$d/nul.cfg" -i lo 2>"$d/e"; r=$?
[ $r -eq 1 ] && grep -q "nul.cfg:3: NUL byte at line 3" "$d/e" && ! grep -q "longer than" "$d/e" && ok ||
	ko "NUL byte: exit $r, $(cat "$d/e")"
printf '[global]\n%0600d\n' 0 >"$d/long.cfg"
"$PTPBOX" oc -f "$d/long.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] && grep -q "long.cfg:2: line longer than 510 characters" "$d/e" && ok ||
	ko "long line: $(cat "$d/e")"
for a in gm oc tc; do
	"$PTPBOX" $a --hlep 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: unknown option --hlep (did you mean --help?)$" "$d/e" && ok || ko "$a --hlep: exit $r, $(cat "$d/e")"
	"$PTPBOX" $a -i lo --frobnicate 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: unknown option --frobnicate (try --help)$" "$d/e" && ok || ko "$a --frobnicate: exit $r, $(cat "$d/e")"
	"$PTPBOX" $a -i lo --domainNumber 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: option --domainNumber needs a value" "$d/e" && ok || ko "$a --domainNumber: exit $r, $(cat "$d/e")"
	"$PTPBOX" $a -i lo -i lo2 --domainNumbr 3 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: unknown option --domainNumbr (did you mean --domainNumber?)$" "$d/e" && ok ||
		ko "$a --domainNumbr: exit $r, $(cat "$d/e")"
	"$PTPBOX" $a -i lo -i lo2 --logSyncIntervall=3 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^$a: command line: logSyncIntervall: unknown key (did you mean logSyncInterval?)$" "$d/e" && ok ||
		ko "$a --logSyncIntervall=3: exit $r, $(cat "$d/e")"
done
printf '[global]\nclock_sevro pi\n' >"$d/typo.cfg"
"$PTPBOX" oc -f "$d/typo.cfg" -i lo 2>"$d/e"; [ $? -eq 1 ] &&
	grep -q "typo.cfg:2: clock_sevro: unknown key (did you mean clock_servo?)$" "$d/e" && ok || ko "key typo: $(cat "$d/e")"
for t in gn:gm pcm:pmc ppsmom:ppsmon todnec:todenc tcc:tc; do
	"$PTPBOX" "${t%:*}" 2>"$d/e"; r=$?
	[ $r -eq 1 ] && grep -q "^ptpbox: ${t%:*}: unknown applet, did you mean ${t#*:}? (ptpbox --list)$" "$d/e" && ok ||
		ko "applet ${t%:*}: exit $r, $(cat "$d/e")"
done
"$PTPBOX" xy 2>"$d/e"; grep -q "^ptpbox: xy: unknown applet (ptpbox --list)$" "$d/e" && ok || ko "applet xy: $(cat "$d/e")"

# linuxptp's pmc options: each taken (none an unknown option), -2 refused
# with the reason; -f reads a linuxptp file
for o in -4 -6 -u "-b 1" "-d 0" "-i $d/me" "-s $d/nothing" "-t 0" -z "-f $top/test/data/linuxptp/default.cfg"; do
	# shellcheck disable=SC2086
	"$PTPBOX" pmc -u -s "$d/nothing" --timeout 100 $o 'GET PRIORITY1' >/dev/null 2>"$d/e"
	grep -q "unknown option\|needs a value\|allowed\|\.cfg:" "$d/e" && ko "pmc $o: $(cat "$d/e")" || ok
done
for o in -h -v; do
	"$PTPBOX" pmc $o >/dev/null 2>&1 && ok || ko "pmc $o"
done
"$PTPBOX" pmc -2 'GET PRIORITY1' 2>"$d/e"; [ $? -eq 1 ] && grep -q "^pmc: -2: IEEE 802.3 transport not supported, use -4, -6 or -u$" "$d/e" &&
	ok || ko "pmc -2: $(cat "$d/e")"

checks_done cli
