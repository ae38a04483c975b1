#!/bin/bash
# tests/e2e/test-scripts.sh: connect-script and disconnect-script with ocserv's environment; a
# connect-script that fails refuses the session. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_topology 1
e2e_make_cert
e2e_add_user alice alicepass
e2e_add_user bob bobpass
cat > "$E2E_RUN/script.sh" <<'SH'
#!/bin/sh
# one env dump per event; bob is refused by the connect-script
out="$(dirname "$0")/script-$REASON-$USERNAME"
env | sort > "$out.tmp" && mv "$out.tmp" "$out"
[ "$REASON" = connect ] && [ "$USERNAME" = bob ] && exit 1
exit 0
SH
chmod 755 "$E2E_RUN/script.sh"
e2e_write_config "connect-script = $E2E_RUN/script.sh" "disconnect-script = $E2E_RUN/script.sh"
e2e_server_start

e2e_client_up a 1 alice alicepass
env_of() { grep -m1 "^$2=" "$E2E_RUN/script-$1" | cut -d= -f2-; }
cip=$(e2e_client_ip a)
assert_eq connect "$(env_of connect-alice REASON)" "connect-script REASON"
assert_eq alice "$(env_of connect-alice USERNAME)" "connect-script USERNAME"
assert_eq "$cip" "$(env_of connect-alice IP_REMOTE)" "connect-script IP_REMOTE"
assert_eq 192.0.2.2 "$(env_of connect-alice IP_REAL)" "connect-script IP_REAL"
dev=$(env_of connect-alice DEVICE)
[ -n "$dev" ] && ip -n "$E2E_SNS" link show "$dev" >/dev/null 2>&1 ||
	e2e_fail "connect-script DEVICE '$dev' is not the server's tun"
assert_eq "$(e2e_server_tun_addr "$cip")" "$(env_of connect-alice IP_LOCAL)" "connect-script IP_LOCAL"
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$cip")" "ping with a connect-script"

e2e_client_stop a >/dev/null
e2e_wait_for 10 test -f "$E2E_RUN/script-disconnect-alice" ||
	e2e_fail "no disconnect-script run after the client left"
assert_eq disconnect "$(env_of disconnect-alice REASON)" "disconnect-script REASON"
assert_eq "$dev" "$(env_of disconnect-alice DEVICE)" "disconnect-script DEVICE"
[ -n "$(env_of disconnect-alice STATS_BYTES_IN)" ] || e2e_fail "no STATS_BYTES_IN on disconnect"

# the connect-script says no to bob
e2e_client_start b 1 bob bobpass
e2e_client_wait_exit b 30
assert_not_contains "$(e2e_client_log b)" "Configured as" "client refused by the connect-script"
assert_eq bob "$(env_of connect-bob USERNAME)" "connect-script ran for bob"
e2e_finish
