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
# Then with authentication (1588-2019 16.14): the gm with an sa_file of one
# AES128 key (spp 1), 50 clients signing with it for 8 s (--sa-file): all
# granted, Follow_Up and Delay_Resp as above, and no message failing
# verification on either side (the generator's auth_failed, the gm's
# dropped counters at exit); 5 clients that do not sign get nothing and
# are counted by the gm as missing the TLV, and 5 that verify take nothing
# from the gm without authentication.
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
# the same with authentication: one AES128 key
printf '[security_association]\nspp 1\n1 AES128 HEX:%s\n' \
	"$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$T_DIR/sa.cfg"
{
	cat "$T_DIR/gm.cfg"
	printf 'sa_file %s\nspp 1\nactive_key_id 1\n' "$T_DIR/sa.cfg"
} >"$T_DIR/gm-auth.cfg"

# gm_start CFG LOG
gm_start() {
	run_in gm "$2" "$PTPBOX" gm -f "$1" -i pa1 -m -q
	GMP=$LAST_PID
	wait_for 15 "$2" "assuming the grand master role" || die "gm did not start: $(cat "$2")"
}

# lg LOG N DURATION [ARGS...]: the generator, to its end; line: its summary
lg() {
	_log=$1 _n=$2 _d=$3
	shift 3
	run_in lg "$_log" "$LOADGEN" --clients "$_n" --duration "$_d" --ramp 2 --grant 10 \
		--server fd00::1:1 --prefix fd01::/64 "$@"
	LGP=$LAST_PID
	# bounded: the run, its grace and cancel phases, and a busy machine
	i=0
	while [ "$(net_state "$LGP")" != "" ] && [ "$(net_state "$LGP")" != Z ]; do
		i=$((i + 1))
		[ $i -le $(((_d + 30) * 10)) ] || die "loadgen did not end: $(tail -3 "$_log")"
		sleep 0.1
	done
	wait "$LGP"
	rc=$?
	cat "$_log"
	[ "$rc" = 0 ] || die "loadgen exited with $rc"
	line=$(grep "^loadgen clients=" "$_log")
	[ -n "$line" ] || die "loadgen printed no summary"
}
# kv KEY: a value of the summary line
kv() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# served N DURATION: every client held its grants and was served
served() {
	[ "$(kv clients)" = "$1" ] || die "loadgen ran $(kv clients) clients, want $1"
	[ "$(kv granted_pct)" = 100.00 ] ||
		die "$(kv granted_pct) % of the clients hold their three grants at the end, want 100 (denials $(kv denials), lapses $(kv lapses))"
	[ "$(kv lapses)" = 0 ] || die "$(kv lapses) grants ran out: renewal failed"
	awk -v f="$(kv followup_pct)" -v d="$(kv delayresp_pct)" 'BEGIN { exit !(f >= 99 && d >= 99) }' ||
		die "Follow_Up for $(kv followup_pct) % of the two-step Syncs, Delay_Resp for $(kv delayresp_pct) % of the Delay_Req; want >= 99 % each"
	[ "$(kv two_step)" -ge $(($1 * ($2 - 4))) ] ||
		die "$(kv two_step) two-step Syncs for $1 clients in $2 s: too few"
	[ "$(kv dreq)" -ge $(($1 * ($2 - 4))) ] ||
		die "$(kv dreq) Delay_Req sent for $1 clients in $2 s: too few"
}

gm_start "$T_DIR/gm.cfg" "$T_DIR/gm.log"
lg "$T_DIR/lg.log" "$CLIENTS" "$DURATION"
served "$CLIENTS" "$DURATION"
plain_line=$line
# a generator that verifies takes nothing from a gm that does not sign
lg "$T_DIR/lg-verify.log" 5 3 --sa-file "$T_DIR/sa.cfg" --spp 1 --key-id 1
if [ "$(kv grants)" != 0 ] || [ "$(kv auth_missing)" -eq 0 ]; then
	die "a verifying generator took $(kv grants) grants from a gm without spp ($(kv auth_missing) messages counted without the TLV)"
fi
line=$plain_line
stop_pid "$GMP" || die "the gm did not stop"
sum=$(grep "clients .* expired" "$T_DIR/gm.log" | tail -1)
echo "gm: ${sum#* }"
[ -n "$sum" ] || die "the gm printed no summary"
echo "$CLIENTS clients: $(kv granted_pct) % granted (renewed), Follow_Up $(kv followup_pct) %," \
	"Delay_Resp $(kv delayresp_pct) %, Sync compliance $(kv compliant_pct) % (not asserted)"

# authenticated: 50 clients signing, then 5 that do not
gm_start "$T_DIR/gm-auth.cfg" "$T_DIR/gm-auth.log"
lg "$T_DIR/lg-auth.log" 50 8 --sa-file "$T_DIR/sa.cfg" --spp 1 --key-id 1
served 50 8
[ "$(kv auth)" = AES128 ] || die "the generator authenticated with '$(kv auth)', want AES128"
[ "$(kv auth_failed)" = 0 ] ||
	die "$(kv auth_failed) messages from the gm failed verification (missing $(kv auth_missing), bad ICV $(kv auth_bad_icv), unknown key $(kv auth_unknown_key))"
auth_line=$line
lg "$T_DIR/lg-noauth.log" 5 3
[ "$(kv grants)" = 0 ] || die "unsigned clients got $(kv grants) grants from a gm with spp 1"
stop_pid "$GMP" || die "the gm did not stop"
drop=$(sed -n 's/.*authentication spp 1: dropped //p' "$T_DIR/gm-auth.log" | tail -1)
echo "gm (spp 1, AES128): dropped $drop"
[ -n "$drop" ] || die "the gm printed no authentication counters: $(tail -3 "$T_DIR/gm-auth.log")"
# "missing A bad_icv B unknown_key C replay D"
[ "$(echo "$drop" | awk '{ print $2 }')" -gt 0 ] ||
	die "the gm counted no message without the TLV from the unsigned clients: $drop"
[ "$(echo "$drop" | awk '{ print $4 + $6 + $8 }')" = 0 ] ||
	die "the gm dropped signed messages of the generator: $drop"
line=$auth_line
echo "50 clients authenticated (AES128): $(kv granted_pct) % granted, Follow_Up $(kv followup_pct) %," \
	"Delay_Resp $(kv delayresp_pct) %, $(kv auth_failed) failed verification; 5 unsigned: not served"
echo "PASS loadgen_smoke"
