#!/bin/bash
# tests/e2e/test-dtls.sh: DTLS in PSK-NEGOTIATE mode (openconnect's default): the handshake
# completes, openconnect's padded-DPD MTU probe keeps the negotiated MTU (ocserv-style servers
# that do not echo the probe verbatim collapse it to 576), and data moves over UDP.
# Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
E2E_UDP_PORT=$E2E_PORT
e2e_standard_setup 1 "mtu = 1400"

e2e_client_up a 1 alice alicepass -v
log=$(e2e_client_log a)
assert_contains "$log" "Established DTLS connection" "client log"
assert_contains "$log" "(DTLS1.2)-(PSK)-(AES-256-GCM)" "client log"
# the Configured line comes after MTU detection and says which channels are up
e2e_wait_for 15 grep -qE "Configured as .* and DTLS( \+ [A-Z0-9]+)? (connected|established)" "$log" ||
	e2e_fail "client did not report DTLS connected: $(e2e_excerpt "$log")"
assert_not_contains "$log" "Detected MTU of 576" "client log"
assert_contains "$log" "No change in MTU after detection (was 1334)" "client log"
assert_eq 1334 "$(e2e_env a INTERNAL_IP4_MTU)" "tunnel MTU"

cip=$(e2e_client_ip a)
sip=$(e2e_server_tun_addr "$cip")
udp_in() { ip netns exec "$E2E_SNS" awk '/^Udp:/ { if (n++) print $2 }' /proc/net/snmp; }
before=$(udp_in)
ip netns exec "${E2E_CNS[1]}" ping -n -q -c 40 -i 0.05 -W 2 "$sip" >/dev/null 2>&1 ||
	e2e_fail "ping through the tunnel failed"
after=$(udp_in)
# 40 echo requests arrive as 40 DTLS records (plus keepalives): UDP carried the data
[ $((after - before)) -ge 40 ] || e2e_fail "only $((after - before)) UDP datagrams reached the server for 40 pings"
# a full-size packet with DF set crosses the tunnel: the MTU is real
assert_ping_size() {
	ip netns exec "${E2E_CNS[1]}" ping -n -q -c 2 -W 2 -M do -s "$1" "$sip" >/dev/null 2>&1 ||
		e2e_fail "ping of $1 bytes with DF failed"
}
assert_ping_size $((1334 - 28))

# Garbage, truncated and forged hellos on the UDP port, from the same client address: dropped,
# the server and this client's DTLS channel unaffected.
ip netns exec "${E2E_CNS[1]}" python3 - "$E2E_SRV_IP" "$E2E_PORT" <<'PY'
import os, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst = (sys.argv[1], int(sys.argv[2]))
def hello(app_id):
    body = b"\xfe\xfd" + os.urandom(32) + b"\x20" + os.urandom(32) + b"\x00"
    ext = struct.pack(">HHB", 48018, 1 + len(app_id), len(app_id)) + app_id
    body += struct.pack(">HH", 2, 0xc02c) + b"\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + len(body).to_bytes(3, "big") + b"\x00\x00" + b"\x00" * 3 + len(body).to_bytes(3, "big") + body
    return b"\x16\xfe\xfd" + b"\x00" * 8 + struct.pack(">H", len(hs)) + hs
for i in range(300):
    s.sendto(os.urandom(i % 200 + 1), dst)
for i in range(100):
    h = hello(os.urandom(32))
    s.sendto(h[: (i * 7) % len(h) + 1], dst)       # truncated anywhere
    s.sendto(h, dst)                                 # unknown App-ID
PY
e2e_server_alive || e2e_fatal "server died on UDP garbage"
assert_ping "${E2E_CNS[1]}" "$sip" "ping after UDP garbage"
before=$(udp_in)
ip netns exec "${E2E_CNS[1]}" ping -n -q -c 10 -i 0.05 -W 2 "$sip" >/dev/null 2>&1 ||
	e2e_fail "ping after UDP garbage failed"
[ $(($(udp_in) - before)) -ge 10 ] || e2e_fail "DTLS no longer carries the data after UDP garbage"
e2e_finish
