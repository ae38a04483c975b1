#!/bin/bash
# contrib/quickstart.sh: build wolfguard and run it on a demo default inside network namespaces.
#
#   sudo contrib/quickstart.sh          install deps, build, start the server in netns "wgdemo-srv"
#                                       (192.0.2.1:4443) with a self-signed certificate and user
#                                       demo/demo, connect Debian's openconnect from "wgdemo-cli",
#                                       ping through the tunnel, and leave both running
#   sudo contrib/quickstart.sh stop     stop both and remove the namespaces
# Nothing is touched outside the two namespaces and build/demo/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/build/demo
SNS=wgdemo-srv CNS=wgdemo-cli

stop() {
	for ns in $CNS $SNS; do
		[ -e /run/netns/$ns ] || continue
		for pid in $(ip netns pids $ns 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$(ip netns pids $ns 2>/dev/null)" ] && break
			sleep 0.2
		done
		for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		ip netns del $ns
	done
	rm -rf /etc/netns/$CNS
}

wait_for() {	# wait_for SECONDS COMMAND...: poll until the command succeeds
	local end=$(( $(date +%s) + $1 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, tun devices)" >&2; exit 1; }
if [ "${1:-start}" = stop ]; then stop; echo "demo stopped"; exit 0; fi

"$top/contrib/install-deps.sh"
cd "$top"
[ -x configure ] || autoreconf -fi
mkdir -p build/default
if [ ! -f build/default/Makefile ]; then (cd build/default && ../../configure -q); fi
make -s -C build/default -j"$(nproc)"
stop

mkdir -p "$demo" && chmod 755 "$demo"
cd "$demo"
if [ ! -f server-key.pem ]; then
	certtool --generate-privkey --rsa --bits 2048 --outfile server-key.pem 2>/dev/null
	printf 'cn = "wolfguard demo"\ndns_name = "vpn.example"\nip_address = "192.0.2.1"\nexpiration_days = 365\nsigning_key\nencryption_key\ntls_www_server\n' > cert.tmpl
	certtool --generate-self-signed --load-privkey server-key.pem --template cert.tmpl \
		--outfile server-cert.pem 2>/dev/null
fi
echo demo | "$top/build/default/src/ocpasswd/ocpasswd" -c "$demo/passwd" demo
cat > ocserv.conf <<CONF
# wolfguard demo configuration (written by contrib/quickstart.sh)
auth = "plain[passwd=$demo/passwd]"
listen-host = 192.0.2.1
tcp-port = 4443
udp-port = 4443
socket-file = $demo/ocserv.socket
occtl-socket-file = $demo/occtl.socket
use-occtl = true
server-cert = $demo/server-cert.pem
server-key = $demo/server-key.pem
run-as-user = nobody
run-as-group = nogroup
device = wgdemo
ipv4-network = 10.78.0.0/24
ipv6-network = fd00:78::/64
dns = 10.78.0.1
split-dns = example.com
route = 10.78.0.0/24
banner = "Welcome to the wolfguard demo"
max-same-clients = 0
keepalive = 32
dpd = 90
cookie-timeout = 300
log-level = 2
CONF

ip netns add $SNS
ip netns add $CNS
ip -n $SNS link add veth-s type veth peer name veth-c netns $CNS
ip -n $SNS addr add 192.0.2.1/24 dev veth-s
ip -n $CNS addr add 192.0.2.2/24 dev veth-c
for ns in $SNS $CNS; do ip -n $ns link set lo up; done
ip -n $SNS link set veth-s up
ip -n $CNS link set veth-c up
mkdir -p /etc/netns/$CNS && : > /etc/netns/$CNS/resolv.conf

ip netns exec $SNS "$top/build/default/src/ocserv" -f -c "$demo/ocserv.conf" > "$demo/server.log" 2>&1 &
wait_for 10 ip netns exec $SNS bash -c 'exec 3<>/dev/tcp/192.0.2.1/4443' ||
	{ echo "server did not start:"; cat "$demo/server.log"; exit 1; }

pin=$(certtool -i --infile server-cert.pem | sed -n 's/.*\(pin-sha256:[^ ]*\).*/\1/p' | head -n1)
cat > "$demo/client-script.sh" <<'SCRIPT'
#!/bin/sh
# minimal vpnc-script stand-in: addresses, MTU and the split routes, nothing outside the netns
if [ "$reason" = connect ]; then
	ip link set dev "$TUNDEV" up mtu "$INTERNAL_IP4_MTU"
	ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
	ip route add 10.78.0.0/24 dev "$TUNDEV"
fi
exit 0
SCRIPT
chmod +x "$demo/client-script.sh"
echo demo | ip netns exec $CNS openconnect --non-inter --passwd-on-stdin -u demo \
	--servercert "$pin" --script "$demo/client-script.sh" -i wgdemo-c0 \
	https://192.0.2.1:4443/ > "$demo/client.log" 2>&1 &
wait_for 20 grep -q "Configured as" "$demo/client.log" || { cat "$demo/client.log"; exit 1; }
wait_for 10 ip netns exec $CNS ping -c1 -W1 10.78.0.1 || true

echo
grep "Configured as" "$demo/client.log"
ip netns exec $CNS ping -c 3 -W 2 10.78.0.1
echo
echo "The server runs in netns $SNS (log: $demo/server.log), a client in $CNS."
echo "Connect another client yourself:"
echo "  echo demo | ip netns exec $CNS openconnect --passwd-on-stdin -u demo --servercert $pin https://192.0.2.1:4443/"
echo "Sessions:  ip netns exec $SNS $top/build/default/src/occtl/occtl -s $demo/occtl.socket show users"
echo "Stop:      sudo contrib/quickstart.sh stop"
