#!/bin/bash
# tests/e2e/test-cookie-reconnect.sh: a cookie from --authenticate opens a tunnel, survives a detach, and brings back the same address. Runs in: bash (root).
#
# Debian's ocserv 1.1.6 keeps the address only through predictable-ips (with predictable-ips =
# false a reconnect after the detach gets a new random address), so the plain run uses the default
# predictable-ips = true.  In strict mode (E2E_STRICT=1, the default with OC_SERVER=wolfguard)
# predictable-ips is off: the server itself must keep the address for the session's cookie, as
# PROTOCOL.md §11 requires (openconnect gives up when a reconnect yields a different address).
. "$(dirname "$0")/common.sh"
e2e_init
if [ "$E2E_STRICT" = 1 ]; then
	e2e_standard_setup 1 "predictable-ips = false"
else
	e2e_standard_setup 1
fi

cookie=$(e2e_authenticate 1 alice alicepass) || e2e_fatal "openconnect --authenticate failed"
assert_contains "$cookie" "webvpn=" "cookie from --authenticate"
[ -n "$cookie" ] || e2e_fatal "no COOKIE= line from openconnect --authenticate"

e2e_client_spawn a 1 "" -C "$cookie"
e2e_client_wait_up a || e2e_fatal "client with the cookie did not come up"
ip1=$(e2e_client_ip a)
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$ip1")" "first tunnel"

# SIGHUP: openconnect detaches without sending BYE, so the session and its cookie stay valid.
e2e_client_stop a HUP
rc=$?
assert_eq 0 "$rc" "openconnect exit status after SIGHUP"
assert_contains "$(e2e_client_log a)" "User detached from session" "client log"

e2e_client_spawn b 1 "" -C "$cookie"
e2e_client_wait_up b || e2e_fatal "reconnect with the same cookie did not come up"
ip2=$(e2e_client_ip b)
assert_eq "$ip1" "$ip2" "IPv4 address after reconnecting with the cookie"
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$ip2")" "second tunnel"
e2e_finish
