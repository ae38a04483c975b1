#!/bin/bash
# tests/e2e/test-rekey.sh: rekey-method ssl. With a short rekey-time the client rekeys TLS in
# place (TLS 1.3 key update, or TLS 1.2 safe renegotiation) and DTLS; the tunnel survives it with
# the same process and address, and the server never advertises "none" while rekeying is on
# (Cisco Secure Client 5.1 refuses that). Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
E2E_UDP_PORT=$E2E_PORT
e2e_standard_setup 2 "rekey-time = 8" "rekey-method = ssl"

e2e_client_up t13 1 alice alicepass -v
e2e_client_up t12 2 alice alicepass -v --gnutls-priority="NORMAL:-VERS-ALL:+VERS-TLS1.2"
for c in t13 t12; do
	log=$(e2e_client_log "$c")
	assert_contains "$log" "X-CSTP-Rekey-Method: ssl" "$c CONNECT reply"
	assert_not_contains "$log" "X-CSTP-Rekey-Method: none" "$c CONNECT reply"
done
assert_contains "$(e2e_client_log t12)" "(TLS1.2)" "t12 TLS version"
# the advertised time has up to 30 s of jitter on top of rekey-time: wait for both rekeys
for c in t13 t12; do
	e2e_wait_for 60 grep -q "CSTP rekey due" "$(e2e_client_log "$c")" ||
		e2e_fail "$c never rekeyed: $(e2e_excerpt "$(e2e_client_log "$c")")"
	# give the rekey (TLS, then DTLS) a moment to finish or fail
	e2e_wait_for 5 grep -q "DTLS rekey due" "$(e2e_client_log "$c")"
	assert_not_contains "$(e2e_client_log "$c")" "Rehandshake failed" "$c rekey"
	# DTLS comes back after its own rekey (a second established line), without waiting for
	# the client's 60 s retry
	e2e_wait_for 20 sh -c "[ \$(grep -c 'Established DTLS connection' '$(e2e_client_log "$c")') -ge 2 ]" ||
		e2e_fail "$c: DTLS not re-established after its rekey: $(e2e_excerpt "$(e2e_client_log "$c")")"
done
for i in 1 2; do
	c=$([ $i = 1 ] && echo t13 || echo t12)
	e2e_client_reap "$c" && e2e_fail "client $c exited after its rekey"
	cip=$(e2e_client_ip "$c")
	assert_ping "${E2E_CNS[$i]}" "$(e2e_server_tun_addr "$cip")" "$c after rekey"
	assert_not_contains "$(e2e_cdir "$c")/events" "reason=reconnect" "$c script events"
done
e2e_finish
