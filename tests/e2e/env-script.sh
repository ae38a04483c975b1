#!/bin/sh
# tests/e2e/env-script.sh: vpnc-script stand-in for the e2e tests. Runs in: openconnect's --script, client netns.
#
# openconnect runs this with reason=pre-init, connect, disconnect, attempt-reconnect, reconnect.
# On connect it configures just enough for pings through the tunnel (tun up with the pushed MTU,
# the pushed addresses, a route to the pool network), dumps the environment for the tests to
# assert on, and only then publishes the "up" marker, atomically, so a test never reads a half
# written dump.  Paths come from the test: E2E_ENVDUMP, E2E_UPMARK, E2E_EVENTS.  Never fails:
# a non-zero exit would make openconnect give up, and the tests judge by the files instead.

# shellcheck disable=SC2154  # reason, TUNDEV, INTERNAL_* come from openconnect
events=${E2E_EVENTS:-/dev/null}

run() {
	"$@" >> "$events" 2>&1 || echo "command failed: $*" >> "$events"
}

echo "reason=$reason" >> "$events"

case "$reason" in
connect)
	run ip link set dev "$TUNDEV" up mtu "${INTERNAL_IP4_MTU:-1300}"
	if [ -n "$INTERNAL_IP4_ADDRESS" ]; then
		run ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
		if [ -n "$INTERNAL_IP4_NETADDR" ] && [ -n "$INTERNAL_IP4_NETMASKLEN" ]; then
			run ip route add "$INTERNAL_IP4_NETADDR/$INTERNAL_IP4_NETMASKLEN" dev "$TUNDEV"
		fi
	fi
	if [ -n "$INTERNAL_IP6_NETMASK" ]; then
		run ip -6 addr add "$INTERNAL_IP6_NETMASK" dev "$TUNDEV" nodad
	elif [ -n "$INTERNAL_IP6_ADDRESS" ]; then
		run ip -6 addr add "$INTERNAL_IP6_ADDRESS/128" dev "$TUNDEV" nodad
	fi
	if [ -n "$E2E_ENVDUMP" ]; then
		env | sort > "$E2E_ENVDUMP.tmp" && mv -f "$E2E_ENVDUMP.tmp" "$E2E_ENVDUMP"
	fi
	if [ -n "$E2E_UPMARK" ]; then
		echo "up $TUNDEV $INTERNAL_IP4_ADDRESS" > "$E2E_UPMARK.tmp" && mv -f "$E2E_UPMARK.tmp" "$E2E_UPMARK"
	fi
	;;
disconnect|reconnect|attempt-reconnect)
	echo "$reason: TUNDEV=$TUNDEV INTERNAL_IP4_ADDRESS=$INTERNAL_IP4_ADDRESS" >> "$events"
	;;
esac
exit 0
