#!/bin/bash
# tests/e2e/test-ban.sh: ban scores (max-ban-score): wrong passwords from an outside address get it
# banned, a banned address is refused at once, occtl lists and unbans it, and a client on the
# server's own subnet is never banned (health checks). The outside client talks from 198.51.100.2,
# routed, so it is not on any subnet of the server. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
E2E_OUT_IP=198.51.100.2
e2e_topology 2
e2e_make_cert
e2e_add_user alice alicepass
# client 1 speaks from an address outside the server's subnets
ip -n "${E2E_CNS[1]}" addr add "$E2E_OUT_IP/32" dev lo
ip -n "${E2E_CNS[1]}" route replace "$E2E_SRV_IP/32" dev vc1 src "$E2E_OUT_IP"
ip -n "$E2E_SNS" route add "$E2E_OUT_IP/32" via 192.0.2.2
e2e_write_config "max-ban-score = 20" "ban-points-wrong-password = 10" \
	"ban-points-connection = 1" "ban-time = 300" "ban-reset-time = 300"
sed -i '/^max-ban-score = 0$/d' "$E2E_CONF"
e2e_server_start
e2e_require_occtl

attempt() {	# attempt NAME NSIDX PASSWORD -> client exit status
	e2e_client_start "$1" "$2" alice "$3"
	e2e_client_wait_exit "$1" 30
}
attempt w1 1 wrong
attempt w2 1 wrong
# sec-mod reports the points to main on its own time: wait until the ban shows
e2e_wait_for 10 sh -c "'$OCCTL_BIN' -s '$E2E_OCCTL_SOCK' show ip bans 2>/dev/null | grep -qF '$E2E_OUT_IP'" ||
	e2e_fail "no ban after two wrong passwords: $(e2e_occtl show ip bans | tr '\n' '|')"
# banned now: even the right password gets nowhere. ocserv 1.1.6 sometimes lets the next
# connection of an address it already lists through (seen once in three CI runs), so this is
# asserted for wolfguard only.
attempt r1 1 alicepass
if [ "$E2E_STRICT" = 1 ]; then
	assert_not_contains "$(e2e_client_log r1)" "Configured as" "banned client"
fi
bans=$(e2e_occtl show ip bans)
assert_contains "$bans" "$E2E_OUT_IP" "occtl show ip bans"
# ocserv 1.1.6 lists the ban but its status still counts 0 there; ours counts it
if [ "$E2E_STRICT" = 1 ]; then
	nbans=$(e2e_occtl -j show status | python3 -c 'import json,sys; print(json.load(sys.stdin)["IPs in ban list"])')
	assert_eq 1 "$nbans" "occtl -j show status: IPs in ban list"
fi
# the same failures from the server's own subnet ban nobody
attempt l1 2 wrong
attempt l2 2 wrong
attempt l3 2 wrong
e2e_client_up l4 2 alice alicepass
e2e_client_stop l4
e2e_occtl unban ip "$E2E_OUT_IP" >/dev/null || e2e_fail "occtl unban ip failed"
assert_not_contains "$(e2e_occtl show ip bans)" "$E2E_OUT_IP" "bans after unban"
e2e_client_up r2 1 alice alicepass
e2e_finish
