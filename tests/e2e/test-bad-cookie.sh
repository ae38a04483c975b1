#!/bin/bash
# tests/e2e/test-bad-cookie.sh: CONNECT with a garbage or unknown cookie is refused. Runs in: bash (root).
#
# An undecodable cookie gets 503 from Debian's ocserv (openconnect: "VPN service unavailable",
# exit 1), so only a refusal is asserted for it.  A well-formed cookie the server never issued
# gets 401 (openconnect: "Cookie was rejected by server", exit 2), which is asserted exactly.
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 1

refused() {	# refused NAME: the client exited non-zero without a tunnel, with a reason logged
	local rc log
	e2e_client_wait_exit "$1" 20
	rc=$?
	[ "$rc" -ne 124 ] || { e2e_fail "client $1 still running after 20 s"; return 1; }
	assert_ne 0 "$rc" "exit status of client $1"
	log=$(e2e_client_log "$1")
	assert_not_contains "$log" "Configured as" "client $1 log"
	if ! grep -qE "Cookie was rejected|VPN service unavailable|Creating SSL connection failed" "$log"; then
		e2e_fail "client $1 log has no refusal line: $(e2e_excerpt "$log")"
	fi
	[ ! -e "$(e2e_cdir "$1")/up" ] || e2e_fail "client $1 ran reason=connect"
	return "$rc"
}

e2e_client_spawn g 1 "" -C "webvpn=garbage!*"
refused g
# 32 bytes of base64, the shape of a real cookie, that the server never issued.
e2e_client_spawn u 1 "" -C "webvpn=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY="
refused u
rc=$?
assert_eq 2 "$rc" "exit status for an unknown cookie (401)"
assert_contains "$(e2e_client_log u)" "Cookie was rejected by server" "client u log"
e2e_server_alive || e2e_fail "server died"
e2e_client_up ok 1 alice alicepass
e2e_finish
