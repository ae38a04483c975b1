#!/bin/bash
# tests/e2e/test-wrong-password.sh: a wrong password is refused. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 1

e2e_client_start a 1 alice not-alicepass
e2e_client_wait_exit a 20
rc=$?
[ "$rc" -ne 124 ] || e2e_fatal "client still running 20 s after a wrong password"
assert_ne 0 "$rc" "client exit status"
assert_not_contains "$(e2e_client_log a)" "Configured as" "client log"
[ ! -e "$(e2e_cdir a)/up" ] || e2e_fail "the client script ran reason=connect"
# Refused by the server, not lost on the way: a right password still works.
e2e_server_alive || e2e_fail "server died"
e2e_client_up b 1 alice alicepass
e2e_finish
