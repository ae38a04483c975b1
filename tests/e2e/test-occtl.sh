#!/bin/bash
# tests/e2e/test-occtl.sh: occtl lists the connected user and reports status as JSON. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init "$E2E_PY"
e2e_require_occtl
e2e_standard_setup 1

e2e_client_up a 1 alice alicepass
aip=$(e2e_client_ip a)

# The control socket is served by the main process; give it a bounded moment to appear.
for i in $(seq 1 100); do
	e2e_occtl show status >/dev/null && break
	sleep 0.05
done

users=$(e2e_occtl show users)
assert_eq 0 "$?" "occtl show users exit status"
assert_contains "$users" "alice" "occtl show users"
assert_contains "$users" "$aip" "occtl show users"

status=$(e2e_occtl -j show status)
assert_eq 0 "$?" "occtl -j show status exit status"
printf '%s' "$status" | "$E2E_PY" -m json.tool >/dev/null ||
	e2e_fail "occtl -j show status is not JSON: $(printf '%s' "$status" | head -c 300)"
active=$(printf '%s' "$status" | "$E2E_PY" -c 'import json, sys; print(json.load(sys.stdin)["Active sessions"])')
assert_eq 1 "$active" "Active sessions"

juser=$(e2e_occtl -j show users | "$E2E_PY" -c '
import json, sys
print(" ".join("%s/%s" % (u["Username"], u["IPv4"]) for u in json.load(sys.stdin)))')
assert_eq "alice/$aip" "$juser" "occtl -j show users"
e2e_finish
