#!/bin/bash
# tests/e2e/test-bad-http.sh: malformed and oversized HTTP over TLS, and plain garbage, do not hurt the server. Runs in: bash (root).
#
# Debian's ocserv leaves a malformed request waiting (no answer until auth-timeout) and answers
# 200 to a 70 kB header, so the plain run checks only that the server survives and serves a
# real client afterwards.  Strict mode (E2E_STRICT=1, default with OC_SERVER=wolfguard) also
# wants an immediate 400 (malformed) and 400/413/431 (oversized), each followed by a close.
. "$(dirname "$0")/common.sh"
e2e_init openssl
e2e_standard_setup 1
cns=${E2E_CNS[1]}
wait_s=4
[ "$E2E_STRICT" = 1 ] && wait_s=10

# raw NAME: send stdin over TLS; the server's answer goes to raw-NAME.out, the status to
# raw-NAME.rc (124: the server kept the connection open until the timeout).
raw() {
	ip netns exec "$cns" timeout "$wait_s" openssl s_client -connect "$E2E_SRV_IP:$E2E_PORT" \
		-quiet -ign_eof > "$E2E_RUN/raw-$1.out" 2> "$E2E_RUN/raw-$1.err"
	echo $? > "$E2E_RUN/raw-$1.rc"
}

printf 'GARBAGE\r\n\r\n' | raw malformed &
p1=$!
{ printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Big: '; head -c 70000 /dev/zero | tr '\0' A; printf '\r\n\r\n'; } |
	raw oversized &
p2=$!
# A body far larger than anything the server should buffer, announced but never sent.
printf 'POST /auth HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n<?xml' | raw hugebody &
p3=$!
# Plain bytes on the TLS port: not even a handshake.
ip netns exec "$cns" timeout "$wait_s" bash -c \
	"exec 3<>/dev/tcp/$E2E_SRV_IP/$E2E_PORT; printf 'GET / HTTP/1.0\r\n\r\n' >&3; cat <&3 >/dev/null" 2>/dev/null &
p4=$!
wait $p1 $p2 $p3 $p4 2>/dev/null

e2e_server_alive || e2e_fatal "server main process died"
if [ "$E2E_STRICT" = 1 ]; then
	assert_contains "$(head -n 1 "$E2E_RUN/raw-malformed.out")" "HTTP/1.1 400" "answer to a malformed request line"
	assert_ne 124 "$(cat "$E2E_RUN/raw-malformed.rc")" "connection closed after the malformed request"
	status=$(head -n 1 "$E2E_RUN/raw-oversized.out")
	case "$status" in
	"HTTP/1.1 400"*|"HTTP/1.1 413"*|"HTTP/1.1 431"*) ;;
	*) e2e_fail "answer to a 70 kB header: expected 400, 413 or 431, got '$status'" ;;
	esac
	assert_ne 124 "$(cat "$E2E_RUN/raw-oversized.rc")" "connection closed after the oversized header"
fi

e2e_client_up a 1 alice alicepass
assert_contains "$(e2e_client_log a)" "Configured as" "client log after the bad requests"
assert_ping "${E2E_CNS[1]}" "$(e2e_server_tun_addr "$(e2e_client_ip a)")" "tunnel after the bad requests"
e2e_finish
