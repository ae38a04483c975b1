#!/bin/bash
# tests/e2e/test-dtls-fallback.sh: losing UDP moves the tunnel to TLS without losing the session, and DTLS comes back once UDP does. Runs in: bash (root).
#
# The "DTLS-only reconnect" of issue 3: with DTLS up, every UDP datagram is dropped inside the
# client namespace (nft/iptables).  openconnect (--force-dpd=2) declares the DTLS peer dead after
# 2 x DPD, falls back to TLS and immediately starts a new DTLS handshake, which retransmits for
# about 12 s.  The server (dpd and switch-to-tcp-timeout small) must meanwhile answer over TLS:
# pings keep working with the same process, the same address and no CSTP reconnect.  The drop
# is lifted while that handshake is still retrying, so a second "Established DTLS connection"
# follows, and pings reach the server namespace as UDP again.  (Should the first retry time out
# anyway, openconnect tries again 60 s after it started; the wait below covers that.)
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/netfault.sh"
e2e_init
nf_require
E2E_UDP_PORT=$E2E_PORT
e2e_standard_setup 1 "dpd = 2" "switch-to-tcp-timeout = 3" "keepalive = 5"
cns=${E2E_CNS[1]}

e2e_client_up a 1 alice alicepass -v --force-dpd=2
log=$(e2e_client_log a)
events="$(e2e_cdir a)/events"
e2e_wait_for 20 grep -q "Established DTLS connection" "$log" ||
	e2e_fatal "DTLS never came up: $(e2e_excerpt "$log")"
ip1=$(e2e_client_ip a)
sip=$(e2e_server_tun_addr "$ip1")
nf_udp_carries "$cns" "$E2E_SNS" "$sip" ||
	e2e_fatal "before the fault: only ${NF_UDP_DELTA:-?} UDP datagrams for 20 pings"

# ---- UDP gone: DTLS dead, traffic over TLS, same session
nf_block "$cns" vc1 udp
e2e_wait_for 20 grep -q "DTLS Dead Peer Detection detected dead peer" "$log" ||
	e2e_fail "client did not detect the dead DTLS peer within 20 s (force-dpd=2)"
# The server may keep sending over DTLS until its own switch-to-tcp-timeout (3 s): poll.
e2e_wait_for 15 nf_pings "$cns" "$sip" 2 ||
	e2e_fail "pings through the tunnel do not come back over TLS while UDP is dropped"
udp0=$(nf_udp_in "$E2E_SNS")
tcp0=$(nf_tcp_in "$E2E_SNS")
nf_pings "$cns" "$sip" 20 || e2e_fail "20 pings over TLS while UDP is dropped: some were lost"
udp1=$(nf_udp_in "$E2E_SNS")
tcp1=$(nf_tcp_in "$E2E_SNS")
assert_eq 0 $((udp1 - udp0)) "UDP datagrams reaching the server while UDP is dropped"
[ $((tcp1 - tcp0)) -ge 20 ] || e2e_fail "only $((tcp1 - tcp0)) TCP segments reached the server for 20 pings over TLS"
e2e_alive "$(e2e_client_pid a)" || e2e_fatal "openconnect exited after losing UDP"
assert_not_contains "$events" "reason=reconnect" "client script events (no CSTP reconnect)"
assert_not_contains "$events" "reason=attempt-reconnect" "client script events (no CSTP reconnect)"
assert_not_contains "$log" "CSTP Dead Peer Detection detected dead peer" "client log"
assert_eq "$ip1" "$(e2e_client_ip a)" "VPN address while on TLS"

# ---- UDP back: a new DTLS handshake completes and carries the data again
nf_unblock "$cns"
e2e_wait_for 80 nf_count_ge "$log" "Established DTLS connection" 2 ||
	e2e_fail "DTLS did not come back within 80 s of lifting the drop: $(grep -E 'DTLS' "$log" | tail -n 4 | tr '\n' '|')"
# Traffic moves back to UDP once both sides see DTLS again (the server on the first record).
e2e_wait_for 10 nf_udp_carries "$cns" "$E2E_SNS" "$sip" ||
	e2e_fail "after DTLS came back: only ${NF_UDP_DELTA:-?} UDP datagrams reached the server for 20 pings"
kill -USR1 "$(e2e_client_pid a)"
e2e_wait_for 5 grep -q "^RX: " "$log"
e2e_alive "$(e2e_client_pid a)" || e2e_fail "openconnect exited"
assert_not_contains "$events" "reason=reconnect" "client script events (no CSTP reconnect)"
assert_eq "$ip1" "$(e2e_client_ip a)" "VPN address after DTLS came back"
e2e_finish
