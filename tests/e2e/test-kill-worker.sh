#!/bin/bash
# tests/e2e/test-kill-worker.sh: a crashed worker takes down only its own client and frees its lease. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 3

e2e_client_up a 1 alice alicepass
e2e_client_up b 2 bob bobpass
aip=$(e2e_client_ip a)
bip=$(e2e_client_ip b)

# A's worker: the worker child of the main process that holds A's TCP connection.
w=$(e2e_worker_for_ip 192.0.2.2) || e2e_fatal "no worker found for client a"
if e2e_is_prog "$OCCTL_BIN"; then
	ids=$(e2e_occtl -j show users | "$E2E_PY" -c '
import json, sys
print(" ".join(str(u["ID"]) for u in json.load(sys.stdin) if u.get("IPv4") == sys.argv[1]))' "$aip")
	assert_eq "$w" "$ids" "occtl ID of client a's session"
fi

# Freeze A first so it cannot reconnect with its cookie and take the address straight back.
e2e_client_signal a STOP
kill -KILL "$w"
for i in $(seq 1 100); do e2e_alive "$w" || break; sleep 0.05; done
e2e_alive "$w" && e2e_fatal "worker $w still alive"
e2e_client_stop a KILL

e2e_server_alive || e2e_fatal "server main process died with the worker"
assert_ping "${E2E_CNS[2]}" "$(e2e_server_tun_addr "$bip")" "client b after a's worker died"
assert_ping "$E2E_SNS" "$bip" "server to client b after a's worker died"

# The main process notices the death: A's server-side tun goes away and occtl stops listing the
# worker (bounded wait: the machine may be busy).
gone() {
	ip -n "$E2E_SNS" -o -4 addr show | grep "peer $aip/" >/dev/null && return 1
	e2e_is_prog "$OCCTL_BIN" || return 0
	e2e_occtl show users > "$E2E_RUN/users.txt" || return 1
	! grep -qE "^[[:space:]]*${w}[[:space:]]" "$E2E_RUN/users.txt"
}
for i in $(seq 1 200); do
	gone && break
	sleep 0.05
done
gone || e2e_fail "after 10 s the server still has a's tun or occtl still lists worker $w"

# predictable-ips: alice from a new place gets A's address back once it is free.
e2e_client_up c 3 alice alicepass
assert_eq "$aip" "$(e2e_client_ip c)" "address of a new alice session"
assert_ping "${E2E_CNS[3]}" "$(e2e_server_tun_addr "$aip")" "client c"
e2e_finish
