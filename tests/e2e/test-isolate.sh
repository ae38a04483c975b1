#!/bin/bash
# tests/e2e/test-isolate.sh: isolate-workers = true: the worker runs under a seccomp filter
# (Seccomp: 2 in /proc/PID/status) and a whole session still works inside it: TLS with key
# operations through sec-mod, login, CONNECT, tun I/O, DTLS on the socket main hands over,
# a disconnect by occtl and a client BYE. A call missing from the allow-list kills the worker
# with SIGSYS (at debug log level, ours logs "seccomp: blocked system call N" and exits 1); when
# strace is installed we watch the workers and insist they were not killed.
# Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
E2E_UDP_PORT=$E2E_PORT
e2e_standard_setup 2 "isolate-workers = true" "mtu = 1400"

# A sanitizer build of ours runs the worker unfiltered on purpose (src/worker/seccomp.c).
sanitized=0
# (no `ldd | grep -q`: with pipefail, grep's early exit makes ldd die of SIGPIPE at random)
if [ "$OC_SERVER" = wolfguard ]; then
	case "$(ldd "$WG_BUILDDIR/src/ocserv-worker" 2>/dev/null)" in *libasan*) sanitized=1 ;; esac
fi

# watch PID: strace sees how the worker ends ("+++ exited with N +++" or "+++ killed by ...")
watch_worker() {
	command -v strace >/dev/null 2>&1 || return 0
	strace -q -e trace=none -e signal=none -p "$1" -o "$E2E_RUN/strace-$1.out" 2>/dev/null &
	e2e_wait_for 5 grep -q "TracerPid:[[:space:]]*[1-9]" "/proc/$1/status"
}

assert_clean_exit() {	# assert_clean_exit PID what
	local f="$E2E_RUN/strace-$1.out"
	command -v strace >/dev/null 2>&1 || return 0
	e2e_wait_for 10 grep -q "^+++ " "$f" || { e2e_fail "$2: worker $1 did not end"; return 1; }
	assert_not_contains "$f" "killed by" "$2: how worker $1 ended"
}

e2e_client_up a 1 alice alicepass -v
log=$(e2e_client_log a)
e2e_wait_for 15 grep -qE "Configured as .* and DTLS( \+ [A-Z0-9]+)? (connected|established)" "$log" ||
	e2e_fail "client did not report DTLS connected: $(e2e_excerpt "$log")"
assert_contains "$log" "Established DTLS connection" "client log"

wa=$(e2e_worker_for_ip 192.0.2.2) || e2e_fatal "no worker found for client a"
status=$(cat "/proc/$wa/status")
if [ "$sanitized" = 1 ]; then
	assert_contains "$E2E_SRV_LOG" "without a seccomp filter" "server log (sanitizer build)"
else
	assert_contains "$status" "$(printf 'Seccomp:\t2')" "worker $wa /proc status"
fi
assert_contains "$status" "$(printf 'NoNewPrivs:\t1')" "worker $wa /proc status"
if [ "$E2E_STRICT" = 1 ]; then
	nofile=$(awk '/^Max open files/ { print $4 }' "/proc/$wa/limits")
	[ -n "$nofile" ] && [ "$nofile" -le 64 ] ||
		e2e_fail "worker $wa: expected a low RLIMIT_NOFILE, got '$nofile'"
fi
watch_worker "$wa"

cip=$(e2e_client_ip a)
sip=$(e2e_server_tun_addr "$cip")
udp_in() { ip netns exec "$E2E_SNS" awk '/^Udp:/ { if (n++) print $2 }' /proc/net/snmp; }
before=$(udp_in)
ip netns exec "${E2E_CNS[1]}" ping -n -q -c 30 -i 0.05 -W 2 "$sip" >/dev/null 2>&1 ||
	e2e_fail "ping through the tunnel failed"
after=$(udp_in)
[ $((after - before)) -ge 30 ] || e2e_fail "only $((after - before)) UDP datagrams reached the server for 30 pings"
# large packets, and the TLS channel too (client b has no DTLS)
ip netns exec "${E2E_CNS[1]}" ping -n -q -c 3 -W 2 -s 1200 "$sip" >/dev/null 2>&1 ||
	e2e_fail "ping of 1200 bytes failed"
e2e_alive "$wa" || e2e_fail "worker $wa of client a died during the pings"

e2e_client_up b 2 bob bobpass --no-dtls
wb=$(e2e_worker_for_ip 192.0.2.3) || e2e_fatal "no worker found for client b"
watch_worker "$wb"
assert_ping "${E2E_CNS[2]}" "$sip" "client b over TLS"

# the server ends b's session: the worker gets TERMINATE from main and leaves
if e2e_is_prog "$OCCTL_BIN"; then
	e2e_occtl disconnect user bob >/dev/null
	e2e_client_wait_exit b 15
	e2e_wait_for 10 sh -c "! kill -0 $wb 2>/dev/null" || e2e_fail "worker $wb still running after occtl disconnect"
	assert_clean_exit "$wb" "occtl disconnect"
fi

# the client says BYE
e2e_client_stop a TERM
e2e_wait_for 10 sh -c "! kill -0 $wa 2>/dev/null" || e2e_fail "worker $wa still running after BYE"
assert_clean_exit "$wa" "client BYE"
e2e_server_alive || e2e_fail "server died"
# at debug level our worker traps a blocked call and names it instead of dying silently
assert_not_contains "$E2E_SRV_LOG" "seccomp: blocked system call" "server log"
e2e_finish
