#!/bin/bash
# tests/e2e/test-two-clients.sh: two clients at once get different addresses and both pass traffic. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 2

# Same user twice: predictable-ips would hand both the same address if leases were not tracked.
e2e_client_start a 1 alice alicepass
e2e_client_start b 2 alice alicepass
e2e_client_wait_up a || e2e_fatal "client a did not come up"
e2e_client_wait_up b || e2e_fatal "client b did not come up"
aip=$(e2e_client_ip a)
bip=$(e2e_client_ip b)
{ [ -n "$aip" ] && [ -n "$bip" ]; } || e2e_fatal "missing addresses: a='$aip' b='$bip'"
assert_ne "$aip" "$bip" "VPN address of the second client"
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$aip")" "client a to server"
assert_ping "${E2E_CNS[2]}" "$(e2e_server_tun_addr "$bip")" "client b to server"
assert_ping "$E2E_SNS" "$aip" "server to client a"
assert_ping "$E2E_SNS" "$bip" "server to client b"
e2e_finish
