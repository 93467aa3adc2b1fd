#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ptpbox in an early initramfs: a root holding only a static busybox and the
# static ptpbox, entered with chroot, with no /proc, /dev, /var/run or /run
# mounted or made.  As root (chroot, network namespaces).
#  - --install works without /proc: by the path it was run by (absolute,
#    or relative to the working directory) and by PATH, as busybox does;
#    the links it makes run their applets (pmc -h, ppsmon on a recorded
#    file, --list);
#  - a gm and an oc, each in a namespace and the chroot, converge on the
#    soft clock: the default management socket, whose /var/run is missing,
#    is only warned about ("running without it"); the oc started as an
#    init script would (--wait-sync 20000 --then-daemon) reports in sync,
#    keeps running, and pmc in the chroot reads its CURRENT_DATA_SET over
#    a socket in /tmp; with no /dev/null the clock's output stays where it
#    was (the log file), as the fallback says.
. "$(dirname "$0")/../lib.sh"
net_init
# a static busybox: BUSYBOX, else where scripts/install-deps.sh unpacks
# Debian's busybox-static (the package conflicts with busybox, which
# test/checks/packaging.sh uses), else busybox in PATH if it is static
if [ -z "$BUSYBOX" ]; then
	BUSYBOX=/usr/local/lib/ptpbox-test/busybox-static
	[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox)
fi
[ -n "$BUSYBOX" ] || die "no static busybox (scripts/install-deps.sh test unpacks busybox-static)"
file -L "$BUSYBOX" | grep -q "statically linked" ||
	die "$BUSYBOX is not static (scripts/install-deps.sh test unpacks busybox-static)"
file -L "$PTPBOX" | grep -q "statically linked" || die "$PTPBOX is not static (make)"
R=$T_DIR/root
mkdir -p "$R/bin" "$R/etc" "$R/tmp"
cp "$BUSYBOX" "$R/bin/busybox"
cp "$PTPBOX" "$R/bin/ptpbox"
# the applets of busybox the checks use, linked as an initramfs builder does
for a in sh ls cat env readlink test; do ln -s busybox "$R/bin/$a"; done
CH="chroot $R"

# nothing of /proc, /dev, /var/run in there
[ -e "$R/proc" ] || [ -e "$R/dev" ] || [ -e "$R/var" ] || [ -e "$R/run" ] && die "the root has more than bin, etc, tmp"
$CH /bin/test -e /proc/self/exe && die "/proc/self/exe exists in the chroot"

# --install by the path it was run by: /bin/ptpbox
$CH /bin/ptpbox --install /sbin >"$T_DIR/i1.out" 2>&1 || die "--install /sbin without /proc: $(cat "$T_DIR/i1.out")"
for a in gm oc tc ppsmon todenc pmc; do
	[ "$(readlink "$R/sbin/$a")" = /bin/ptpbox ] || die "/sbin/$a -> $(readlink "$R/sbin/$a"), want /bin/ptpbox"
done
grep -q "^/sbin/pmc -> /bin/ptpbox$" "$T_DIR/i1.out" || die "--install said: $(cat "$T_DIR/i1.out")"
echo "--install /sbin without /proc: $(tr '\n' ' ' <"$T_DIR/i1.out")"
# by a path relative to the working directory
$CH /bin/sh -c 'cd /bin && ./ptpbox --install /xbin' >"$T_DIR/i2.out" 2>&1 || die "./ptpbox --install: $(cat "$T_DIR/i2.out")"
[ "$(readlink "$R/xbin/oc")" = /bin/ptpbox ] || die "./ptpbox: /xbin/oc -> $(readlink "$R/xbin/oc")"
# by PATH: run as plain "ptpbox"
$CH /bin/env PATH=/usr/bin:/bin ptpbox --install /pbin --prefix ptp- >"$T_DIR/i3.out" 2>&1 ||
	die "ptpbox --install by PATH: $(cat "$T_DIR/i3.out")"
[ "$(readlink "$R/pbin/ptp-tc")" = /bin/ptpbox ] || die "by PATH: /pbin/ptp-tc -> $(readlink "$R/pbin/ptp-tc")"
echo "--install by ./ptpbox and by PATH: /bin/ptpbox both"
# run by a name (no '/') that no PATH directory holds: exit 3, and why
rc=0; $CH /bin/sh -c 'PATH=/nowhere; exec -a ghostbox /bin/ptpbox --install /y' >"$T_DIR/i4.out" 2>&1 || rc=$?
[ $rc -eq 3 ] && grep -q "ptpbox: --install: /proc/self/exe: No such file or directory, and no 'ghostbox' in PATH" "$T_DIR/i4.out" ||
	die "--install not findable: exit $rc: $(cat "$T_DIR/i4.out")"
[ -e "$R/y" ] && die "--install made /y though it failed"
echo "not findable: $(cat "$T_DIR/i4.out")"

# the links run their applets
$CH /bin/ptpbox --list >"$T_DIR/l.out" 2>&1 && grep -q "^oc " "$T_DIR/l.out" || die "--list: $(cat "$T_DIR/l.out")"
$CH /sbin/pmc -h >"$T_DIR/h.out" 2>&1 && grep -q "usage: ptpbox pmc" "$T_DIR/h.out" || die "pmc -h: $(cat "$T_DIR/h.out")"
$CH /pbin/ptp-pmc -h >/dev/null 2>&1 || die "ptp-pmc -h"
awk 'BEGIN { print "# ramp"; for (i = 0; i < 100; i++) print i * 0.5 }' >"$R/tmp/ramp"
$CH /sbin/ppsmon --input /tmp/ramp >"$T_DIR/p.out" 2>&1 && grep -q "^max|TE| *49.500 ns" "$T_DIR/p.out" ||
	die "ppsmon --input in the chroot: $(cat "$T_DIR/p.out")"
echo "in the chroot: --list, pmc -h, ptp-pmc -h, ppsmon --input run"

# gm and oc: namespaces over veth, each in the chroot
net_host gm
net_host oc
net_link gm oc 1
cat >"$R/etc/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
CFG
cat >"$R/etc/oc.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock soft
soft_offset_ns 250000
soft_freq_ppb 10000
logSyncInterval -3
summary_interval -3
logMinDelayReqInterval -3
uds_address /tmp/oc.sock
unicast_master_table 1
[unicast_master_table]
table_id 1
logQueryInterval 0
UDPv6 fd00::1:1
CFG
run_in gm "$T_DIR/gm.log" chroot "$R" /sbin/gm -f /etc/gm.cfg -i pa1 -m -q
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm in the chroot: $(cat "$T_DIR/gm.log")"
grep -q "management socket /var/run/ptpbox-gm-pa1: No such file or directory; running without it (set uds_address)" "$T_DIR/gm.log" ||
	die "gm: no clear line about the missing /var/run: $(cat "$T_DIR/gm.log")"
echo "gm: $(grep "management socket" "$T_DIR/gm.log" | sed 's/^[^:]*: //')"
# the oc as an init script starts it: back when in sync, serving on
rc=0; timeout 120 ip netns exec "$NS_oc" chroot "$R" /sbin/oc -f /etc/oc.cfg -i pb1 -m -q \
	--wait-sync 20000 --settle 1 --timeout 90 --then-daemon >"$T_DIR/oc.log" 2>&1 || rc=$?
[ $rc -eq 0 ] || die "oc --wait-sync --then-daemon in the chroot: exit $rc: $(tail "$T_DIR/oc.log")"
line=$(grep "^oc: in sync after .*; running on as pid [0-9]*$" "$T_DIR/oc.log") || die "no in sync line: $(tail "$T_DIR/oc.log")"
echo "oc: $line"
# no /dev/null there: the clock's log stays on its output
pid=${line##* }
after() { awk 'f && /master offset/ { n++ } /^oc: in sync/ { f = 1 } END { print n + 0 }' "$T_DIR/oc.log"; }
i=0; until [ "$(after)" -ge 3 ]; do
	[ $i -lt 100 ] || die "the oc's log ended at the verdict: $(tail -3 "$T_DIR/oc.log")"
	nap 0.1; i=$((i + 1))
done
ip netns exec "$NS_oc" chroot "$R" /sbin/pmc -u -b 0 -s /tmp/oc.sock 'GET CURRENT_DATA_SET' 'GET PORT_DATA_SET' >"$T_DIR/pmc.out" 2>&1 ||
	die "pmc in the chroot: $(cat "$T_DIR/pmc.out")"
grep -q "portState *SLAVE" "$T_DIR/pmc.out" || die "pmc: $(cat "$T_DIR/pmc.out")"
off=$(awk '/offsetFromMaster/ { print $2 }' "$T_DIR/pmc.out")
awk -v o="$off" 'BEGIN { exit !(o > -50000 && o < 50000) }' || die "offsetFromMaster $off"
echo "pmc in the chroot: SLAVE, offsetFromMaster $off ns"
wait_locked 30 "$T_DIR/oc.log" 3 || die "oc in the chroot: not locked: $(grep "master offset" "$T_DIR/oc.log" | tail -3)"
kill "$pid"
echo "PASS initramfs"
