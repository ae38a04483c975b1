#!/bin/bash
# tests/e2e/test-dtls-mtu.sh: with the path MTU lowered, the tunnel MTU openconnect settles on fits the path and full-size DF packets cross over DTLS. Runs in: bash (root).
#
# For each path MTU P (1400, then 1300; both ends of the client's veth, the bridge follows) a new
# client connects in PSK mode.  The server is configured with mtu = 1500 so that only the path
# limits.  openconnect 9.01 sends X-CSTP-Base-MTU from the TCP path MTU and then probes with
# padded DPDs (PROTOCOL.md §9.4); a server that does not echo them verbatim makes it collapse to
# 576 (or 1280).  The final tunnel MTU N (INTERNAL_IP4_MTU, set after detection) must fit the
# path: N + 28 (IP, UDP) + 37 (DTLS 1.2 AES-256-GCM record) + 1 (type byte) <= P, i.e.
# N <= P - 66, and must not be far below it (N >= P - 66 - 16); Debian's ocserv gives exactly
# P - 66.  Then a ping with DF of N bytes (IP) crosses the tunnel, carried by UDP.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/netfault.sh"
e2e_init
E2E_UDP_PORT=$E2E_PORT
e2e_standard_setup 1 "mtu = 1500"
cns=${E2E_CNS[1]}
OVERHEAD=66	# IPv4 20 + UDP 8 + DTLS 1.2 header 13 + GCM nonce 8 + tag 16 + CSTP type 1

# run_path P: one client over a path of MTU P.
run_path() {
	local p=$1 name="p$1" log n sip before after
	ip -n "$cns" link set vc1 mtu "$p" || e2e_fatal "cannot set the client veth MTU to $p"
	ip -n "$E2E_SNS" link set vs1 mtu "$p" || e2e_fatal "cannot set the server veth MTU to $p"
	log=$(e2e_client_log "$name")
	e2e_client_start "$name" 1 alice alicepass -v
	if ! e2e_client_wait_up "$name" 30; then
		e2e_fail "path $p: client did not come up: $(e2e_excerpt "$log")"
		e2e_client_stop "$name" KILL
		return
	fi
	assert_contains "$log" "Established DTLS connection" "path $p: client log"
	assert_contains "$log" "X-CSTP-Base-MTU: $p" "path $p: client log (openconnect's own Base-MTU)"
	assert_not_contains "$log" "Detected MTU of 576 " "path $p: client log"
	assert_not_contains "$log" "Detected MTU of 1280 " "path $p: client log"
	n=$(e2e_env "$name" INTERNAL_IP4_MTU)
	e2e_log "path $p: $(grep -E 'MTU (detection|after detection)|Detected MTU' "$log" | tr '\n' '|') tunnel MTU $n"
	if ! [ "${n:-0}" -gt 0 ] 2>/dev/null; then
		e2e_fail "path $p: no INTERNAL_IP4_MTU in the client's environment"
	elif [ "$n" -gt $((p - OVERHEAD)) ]; then
		e2e_fail "path $p: tunnel MTU $n is larger than the path allows ($((p - OVERHEAD)))"
	elif [ "$n" -lt $((p - OVERHEAD - 16)) ]; then
		e2e_fail "path $p: tunnel MTU $n is far below what the path allows ($((p - OVERHEAD))): $(grep -E 'MTU' "$log" | grep -v '^X-' | tr '\n' '|')"
	fi
	sip=$(e2e_server_tun_addr "$(e2e_client_ip "$name")")
	before=$(nf_udp_in "$E2E_SNS")
	ip netns exec "$cns" ping -n -q -c 3 -i 0.2 -W 2 -M "do" -s $((${n:-1300} - 28)) "$sip" >/dev/null 2>&1 ||
		e2e_fail "path $p: ping of $n bytes with DF through the tunnel failed"
	after=$(nf_udp_in "$E2E_SNS")
	[ $((after - before)) -ge 3 ] ||
		e2e_fail "path $p: the DF pings did not travel as UDP ($((after - before)) datagrams for 3)"
	e2e_client_stop "$name" TERM >/dev/null
}

run_path 1400
run_path 1300
e2e_finish
