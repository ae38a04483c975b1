#!/bin/bash
# tests/e2e/test-reload.sh: SIGHUP re-reads the configuration for new connections, keeps the
# connected ones, and refuses a broken file while keeping the running one. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 2 'banner = "first banner"'

e2e_client_up a 1 alice alicepass
assert_eq "first banner" "$(e2e_env a CISCO_BANNER)" "banner before the reload"
sed -i 's/^banner = .*/banner = "second banner"/' "$E2E_CONF"
kill -HUP "$E2E_SRV_PID"
# a reload is not observable from outside until a new client comes: poll with new clients
n=0 got=
while [ $n -lt 10 ]; do
	n=$((n + 1))
	e2e_client_up "b$n" 2 bob bobpass
	got=$(e2e_env "b$n" CISCO_BANNER)
	e2e_client_stop "b$n" >/dev/null
	[ "$got" = "second banner" ] && break
done
assert_eq "second banner" "$got" "banner after the reload"
e2e_server_alive || e2e_fatal "server died on SIGHUP"
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$(e2e_client_ip a)")" "connected client after the reload"

if [ "$E2E_STRICT" = 1 ]; then
	# a broken file: refused, the running configuration stays
	echo "this is not an option line" >> "$E2E_CONF"
	kill -HUP "$E2E_SRV_PID"
	e2e_wait_for 5 grep -q "reload: .*keeping the running configuration" "$E2E_SRV_LOG" ||
		e2e_fail "no refusal of the broken file in the log"
	e2e_client_up c 2 bob bobpass
	assert_eq "second banner" "$(e2e_env c CISCO_BANNER)" "banner after a refused reload"
fi
e2e_finish
