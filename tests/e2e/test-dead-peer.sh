#!/bin/bash
# tests/e2e/test-dead-peer.sh: a cut link longer than DPD is detected by both ends, and the client comes back with the same addresses once the link returns. Runs in: bash (root).
#
# DPD is small on both sides (server dpd = 2, client --force-dpd=2).  The client's veth goes down:
# the server sees silence, the client's sends go nowhere.  Both ends must declare the peer dead:
# openconnect logs "CSTP Dead Peer Detection detected dead peer!", the server's worker for the
# connection exits and occtl no longer lists the user.  The link comes back well before
# cookie-timeout; openconnect's next reconnect attempt (10 s, then 20 s later) must succeed with
# the same cookie and get the same IPv4 and IPv6 addresses (the script sees reason=reconnect),
# and traffic flows again.  Strict mode (default with wolfguard) turns predictable-ips off so the
# server itself must keep the session's addresses (as in test-cookie-reconnect.sh).
. "$(dirname "$0")/common.sh"
e2e_init
E2E_UDP_PORT=$E2E_PORT
extra=()
[ "$E2E_STRICT" = 1 ] && extra+=("predictable-ips = false")
e2e_standard_setup 1 "dpd = 2" "mobile-dpd = 2" "switch-to-tcp-timeout = 3" "keepalive = 5" \
	"cookie-timeout = 120" "${extra[@]}"
cns=${E2E_CNS[1]}

e2e_client_up a 1 alice alicepass -v --force-dpd=2
log=$(e2e_client_log a)
events="$(e2e_cdir a)/events"
ip4=$(e2e_client_ip a)
ip6=$(e2e_env a INTERNAL_IP6_ADDRESS)
sip=$(e2e_server_tun_addr "$ip4")
assert_ping "$cns" "$sip" "before the cut"
worker=$(e2e_worker_for_ip 192.0.2.2) || e2e_fatal "no worker holds the client's TCP connection"
users_listed() { e2e_occtl show users | grep -w alice >/dev/null; }
have_occtl=0
if e2e_is_prog "$OCCTL_BIN" && users_listed; then have_occtl=1; fi
e2e_log "occtl lists alice before the cut: $have_occtl"

# ---- cut
ip -n "$cns" link set vc1 down || e2e_fatal "cannot take the client's link down"
t0=$(date +%s)
e2e_wait_for 30 grep -q "CSTP Dead Peer Detection detected dead peer" "$log" ||
	e2e_fail "client did not detect the dead peer within 30 s: $(e2e_excerpt "$log")"
e2e_wait_for 60 eval '! e2e_alive '"$worker" ||
	e2e_fail "server: worker $worker for the dead client still running 60 s after the cut"
if [ "$have_occtl" = 1 ]; then
	e2e_wait_for 10 eval '! users_listed' ||
		e2e_fail "occtl still lists alice after the worker of the dead peer should be gone"
fi
e2e_log "both ends detected the dead peer within $(( $(date +%s) - t0 )) s"
e2e_alive "$(e2e_client_pid a)" || e2e_fatal "openconnect gave up while the link was down"

# ---- restore, well before cookie-timeout
ip -n "$cns" link set vc1 up || e2e_fatal "cannot bring the client's link up"
e2e_wait_for 70 grep -q "^reason=reconnect" "$events" ||
	e2e_fatal "client did not reconnect within 70 s of the link coming back: $(grep -vE '^X-|^ *$' "$log" | tail -n 5 | tr '\n' '|')"
rec=$(grep "^reconnect:" "$events" | tail -n 1)
assert_contains "$rec" "INTERNAL_IP4_ADDRESS=$ip4" "IPv4 address after reconnecting"
assert_not_contains "$log" "Reconnect gave different" "client log"
[ -n "$ip6" ] && assert_not_contains "$log" "different IPv6" "client log"
e2e_alive "$(e2e_client_pid a)" || e2e_fatal "openconnect exited after reconnecting"
assert_ping "$cns" "$sip" "after the reconnect"
e2e_finish
