#!/bin/bash
# tests/e2e/test-connect.sh: one client logs in and pings through the tunnel both ways. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 1

e2e_client_up a 1 alice alicepass
assert_contains "$(e2e_client_log a)" "Configured as" "client log"
cip=$(e2e_client_ip a)
[ -n "$cip" ] || e2e_fatal "no INTERNAL_IP4_ADDRESS in the env dump"
case "$cip" in "${E2E_POOL4%.0}".*) ;; *) e2e_fail "client address $cip is not in $E2E_POOL4/24" ;; esac
sip=$(e2e_server_tun_addr "$cip")
assert_ping "${E2E_CNS[1]}" "$sip" "client to server tun"
assert_ping "$E2E_SNS" "$cip" "server to client VPN address"
e2e_finish
