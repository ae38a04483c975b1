#!/bin/bash
# tests/e2e/test-processes.sh: the server runs as ocserv-main, ocserv-sm and an unprivileged ocserv-worker. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_standard_setup 1

e2e_client_up a 1 alice alicepass

# Only processes inside this run's server namespace: other runs may be going on in parallel.
ps_srv() {
	local p
	for p in $(ip netns pids "$E2E_SNS"); do
		ps -o pid=,ppid=,user=,comm=,args= -p "$p" 2>/dev/null
	done
}
# title NAME: processes whose short name or title is NAME (the title may be set in argv).
title() { ps_srv | awk -v t="$1" '$4 == t || $5 == t || $5 ~ ("/" t "$") { print $1, $2, $3 }'; }

main=$(title ocserv-main)
assert_eq "$E2E_SRV_PID root" "$(echo "$main" | awk '{ print $1, $3 }')" "ocserv-main pid and user"
sm=$(title ocserv-sm)
assert_eq "$E2E_SRV_PID" "$(echo "$sm" | awk '{ print $2 }')" "parent of ocserv-sm"
assert_eq root "$(echo "$sm" | awk '{ print $3 }')" "user of ocserv-sm"
worker=$(title ocserv-worker)
assert_eq 1 "$(echo "$worker" | grep -c .)" "number of ocserv-worker processes"
assert_eq "$E2E_SRV_PID nobody" "$(echo "$worker" | awk '{ print $2, $3 }')" "ocserv-worker parent and user"
e2e_finish
