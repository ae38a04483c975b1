#!/bin/bash
# tests/e2e/test-occtl.sh: occtl lists the connected user, reports status as JSON and disconnects
# by ID. Runs in: bash (root).
#
# Against our server the same checks run with every occtl available: ours and Debian's (the
# control socket speaks ocserv's protocol, so the stock occtl must drive it too). Against
# Debian's server they run with the selected occtl (OCCTL=wolfguard checks our tool against the
# reference server).
. "$(dirname "$0")/common.sh"
e2e_init "$E2E_PY"
e2e_require_occtl

OCCTLS=("$OCCTL_BIN")
if [ "$OC_SERVER" = wolfguard ]; then
	for c in "$(e2e_our_tool occtl)" /usr/bin/occtl; do
		[ "$c" != "$OCCTL_BIN" ] && e2e_is_prog "$c" && OCCTLS+=("$c")
	done
fi

e2e_standard_setup 1

# The control socket is served by the main process; give it a bounded moment to appear.
for i in $(seq 1 100); do
	e2e_occtl show status >/dev/null && break
	sleep 0.05
done

for OCCTL_BIN in "${OCCTLS[@]}"; do
	e2e_log "occtl: $OCCTL_BIN"
	e2e_client_up a 1 alice alicepass
	aip=$(e2e_client_ip a)

	users=$(e2e_occtl show users)
	assert_eq 0 "$?" "$OCCTL_BIN show users exit status"
	assert_contains "$users" "alice" "$OCCTL_BIN show users"
	assert_contains "$users" "$aip" "$OCCTL_BIN show users"

	status=$(e2e_occtl -j show status)
	assert_eq 0 "$?" "$OCCTL_BIN -j show status exit status"
	printf '%s' "$status" | "$E2E_PY" -m json.tool >/dev/null ||
		e2e_fail "$OCCTL_BIN -j show status is not JSON: $(printf '%s' "$status" | head -c 300)"
	active=$(printf '%s' "$status" | "$E2E_PY" -c 'import json, sys; print(json.load(sys.stdin)["Active sessions"])')
	assert_eq 1 "$active" "$OCCTL_BIN: Active sessions"

	juser=$(e2e_occtl -j show users | "$E2E_PY" -c '
import json, sys
print(" ".join("%s/%s" % (u["Username"], u["IPv4"]) for u in json.load(sys.stdin)))')
	assert_eq "alice/$aip" "$juser" "$OCCTL_BIN -j show users"
	id=$(e2e_occtl -j show users | "$E2E_PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["ID"])')

	detail=$(e2e_occtl show id "$id")
	assert_eq 0 "$?" "$OCCTL_BIN show id exit status"
	assert_contains "$detail" "Username: alice" "$OCCTL_BIN show id"
	assert_contains "$detail" "IPv4: $aip" "$OCCTL_BIN show id"
	e2e_occtl show user nosuchuser >/dev/null 2>&1
	assert_eq 2 "$?" "$OCCTL_BIN show user (unknown) exit status"
	e2e_occtl disconnect user nosuchuser >/dev/null 2>&1
	assert_eq 1 "$?" "$OCCTL_BIN disconnect user (unknown) exit status"

	# disconnect id: the worker tells the client, openconnect exits, the lease is released
	out=$(e2e_occtl disconnect id "$id")
	assert_eq 0 "$?" "$OCCTL_BIN disconnect id exit status"
	assert_contains "$out" "was disconnected" "$OCCTL_BIN disconnect id"
	e2e_client_wait_exit a 10
	rc=$?
	[ "$rc" != 124 ] || e2e_fail "$OCCTL_BIN disconnect id: openconnect still running after 10 s"
	left=x
	for i in $(seq 1 40); do
		left=$(e2e_occtl show users)
		[ -z "$left" ] && break
		sleep 0.05
	done
	assert_eq "" "$left" "$OCCTL_BIN show users after disconnect"
	active=$(e2e_occtl -j show status | "$E2E_PY" -c 'import json, sys; print(json.load(sys.stdin)["Active sessions"])')
	assert_eq 0 "$active" "$OCCTL_BIN: Active sessions after disconnect"
done
e2e_finish
