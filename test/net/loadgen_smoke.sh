#!/bin/sh
# shellcheck disable=SC2154 # NS_gm and NS_lg: set by net_host (eval)
# The load generator against the gm, briefly (not a benchmark: that is
# test/bench/gm_scale.sh): 200 clients, each with its own IPv6 address and
# portIdentity, negotiate Announce, Sync and Delay_Resp for 15 s (grants of
# 10 s, so each is renewed once) and send Delay_Req.  Every client must
# hold its three grants at the end, and at least 99 % of the two-step Syncs
# must have had their Follow_Up and of the Delay_Req their Delay_Resp.  Sync
# interval compliance is printed, not asserted: that is timing, and this
# test must pass on a loaded machine.
#
# The clients' addresses are a routed prefix, not configured addresses: the
# gm routes fd01::/64 to the generator's host, which takes the whole prefix
# as local (ip -6 route add local) and sends from it with IPV6_FREEBIND.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
net_init
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CLIENTS=${CLIENTS:-200}
DURATION=${DURATION:-15}
# the generator: LOADGEN, or build/loadgen built here (make loadgen)
if [ -z "$LOADGEN" ]; then
	make -s -C "$TOP" build/loadgen >"$T_DIR/make.log" 2>&1 ||
		die "make build/loadgen: $(cat "$T_DIR/make.log")"
	LOADGEN=$TOP/build/loadgen
fi
[ -x "$LOADGEN" ] || die "$LOADGEN not built"

net_host gm
net_host lg
net_link gm lg 1
ip -n "$NS_gm" -6 route add fd01::/64 via fd00::1:2 dev pa1 || die "route to the clients"
ip -n "$NS_lg" -6 route add local fd01::/64 dev lo || die "local route for the clients"
# fixed neighbours: no neighbour discovery, which would hold the first
# requests until the link-local addresses have passed DAD (about 1 s)
mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
ip -n "$NS_gm" -6 neigh replace fd00::1:2 lladdr "$(mac "$NS_lg" pb1)" dev pa1 nud permanent ||
	die "neighbour"
ip -n "$NS_lg" -6 neigh replace fd00::1:1 lladdr "$(mac "$NS_gm" pa1)" dev pb1 nud permanent ||
	die "neighbour"

cat >"$T_DIR/gm.cfg" <<CFG
[global]
profile ocp-dc
time_stamping software
clock CLOCK_REALTIME
unicast_max_clients $((CLIENTS + 100))
CFG
run_in gm "$T_DIR/gm.log" "$PTPBOX" gm -f "$T_DIR/gm.cfg" -i pa1 -m -q
GMP=$LAST_PID
wait_for 15 "$T_DIR/gm.log" "assuming the grand master role" || die "gm did not start: $(cat "$T_DIR/gm.log")"

run_in lg "$T_DIR/lg.log" "$LOADGEN" --clients "$CLIENTS" --duration "$DURATION" --ramp 2 \
	--grant 10 --server fd00::1:1 --prefix fd01::/64
LGP=$LAST_PID
# bounded: the run, its grace and cancel phases, and a busy machine
i=0
while [ "$(net_state "$LGP")" != "" ] && [ "$(net_state "$LGP")" != Z ]; do
	i=$((i + 1))
	[ $i -le $(((DURATION + 30) * 10)) ] || die "loadgen did not end: $(tail -3 "$T_DIR/lg.log")"
	sleep 0.1
done
wait "$LGP"
rc=$?
cat "$T_DIR/lg.log"
[ "$rc" = 0 ] || die "loadgen exited with $rc"
line=$(grep "^loadgen clients=" "$T_DIR/lg.log")
[ -n "$line" ] || die "loadgen printed no summary"
# kv KEY: a value of the summary line
kv() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
[ "$(kv clients)" = "$CLIENTS" ] || die "loadgen ran $(kv clients) clients, want $CLIENTS"
[ "$(kv granted_pct)" = 100.00 ] ||
	die "$(kv granted_pct) % of the clients hold their three grants at the end, want 100 (denials $(kv denials), lapses $(kv lapses))"
[ "$(kv lapses)" = 0 ] || die "$(kv lapses) grants ran out: renewal failed"
awk -v f="$(kv followup_pct)" -v d="$(kv delayresp_pct)" 'BEGIN { exit !(f >= 99 && d >= 99) }' ||
	die "Follow_Up for $(kv followup_pct) % of the two-step Syncs, Delay_Resp for $(kv delayresp_pct) % of the Delay_Req; want >= 99 % each"
[ "$(kv two_step)" -ge $((CLIENTS * (DURATION - 4))) ] ||
	die "$(kv two_step) two-step Syncs for $CLIENTS clients in $DURATION s: too few"
[ "$(kv dreq)" -ge $((CLIENTS * (DURATION - 4))) ] ||
	die "$(kv dreq) Delay_Req sent for $CLIENTS clients in $DURATION s: too few"
stop_pid "$GMP" || die "the gm did not stop"
sum=$(grep "clients .* expired" "$T_DIR/gm.log" | tail -1)
echo "gm: ${sum#* }"
[ -n "$sum" ] || die "the gm printed no summary"
echo "$CLIENTS clients: $(kv granted_pct) % granted (renewed), Follow_Up $(kv followup_pct) %," \
	"Delay_Resp $(kv delayresp_pct) %, Sync compliance $(kv compliant_pct) % (not asserted)"
echo "PASS loadgen_smoke"
