# tests/e2e/netfault.sh: fault injection and DTLS observation helpers for the e2e tests. Runs in: bash, sourced after common.sh (root).
#
# A fault is an nft table of the netdev family on one interface inside one namespace of the run
# (never the root namespace), dropping at ingress and egress of that device.  Dropping there,
# below the IP layer, looks like a lossy path to both ends: a drop in the inet output hook would
# instead fail the sender's send() with EPERM, and openconnect would close DTLS at once on the
# write error instead of detecting a dead peer.  Deleting the table lifts exactly that fault.

# nf_require: skip the test (77) without nft (Debian package nftables, contrib/install-deps.sh)
# or without a kernel that has the netdev egress hook (5.16+).
nf_require() {
	command -v nft >/dev/null 2>&1 || e2e_skip "needs nft (Debian package nftables)"
}

NF_TABLE="wgfault"

# nf_block NS DEV WHAT: silently drop WHAT in both directions on device DEV in namespace NS.
# WHAT: udp (every UDP datagram) | all (every frame, ARP included).
nf_block() {
	local ns=$1 dev=$2 what=$3 match
	case "$what" in
	udp) match="meta l4proto udp drop" ;;
	all) match="drop" ;;
	*) e2e_fatal "nf_block: unknown '$what'" ;;
	esac
	nf_unblock "$ns"
	ip netns exec "$ns" nft -f - <<-EOF || e2e_fatal "nft: cannot drop $what on $dev in $ns (kernel without netdev egress?)"
	table netdev $NF_TABLE {
		chain in { type filter hook ingress device "$dev" priority 0; policy accept; $match; }
		chain out { type filter hook egress device "$dev" priority 0; policy accept; $match; }
	}
	EOF
	e2e_log "fault: $what dropped on $dev in $ns"
}

# nf_unblock NS: lift whatever nf_block installed (no error if nothing is there).
nf_unblock() {
	ip netns exec "$1" nft delete table netdev "$NF_TABLE" 2>/dev/null
	return 0
}

# UDP datagrams delivered to sockets in namespace NS (Udp: InDatagrams of /proc/net/snmp).
# shellcheck disable=SC2016  # awk program
nf_udp_in() { ip netns exec "$1" awk '/^Udp:/ { if (n++) print $2 }' /proc/net/snmp; }
# TCP segments received in namespace NS (Tcp: InSegs).
# shellcheck disable=SC2016  # awk program
nf_tcp_in() {
	ip netns exec "$1" awk '/^Tcp:/ { if (n++ == 0) { for (i = 1; i <= NF; i++) if ($i == "InSegs") c = i } else print $c }' /proc/net/snmp
}

# nf_count FILE PATTERN: number of lines of FILE matching the fixed string PATTERN (0 if none).
nf_count() { grep -cF -- "$2" "$1" 2>/dev/null || true; }

# nf_count_ge FILE PATTERN N: true once FILE has at least N lines with PATTERN (for e2e_wait_for).
nf_count_ge() { [ "$(nf_count "$1" "$2")" -ge "$3" ]; }

# nf_pings NS ADDR COUNT: COUNT echoes 50 ms apart; true if all came back.
nf_pings() { ip netns exec "$1" ping -n -q -c "$3" -i 0.05 -W 2 "$2" >/dev/null 2>&1; }

# nf_udp_carries NS_CLIENT SRV_NS ADDR: 20 pings through the tunnel, each echo request arriving at
# the server as its own UDP datagram; true if the server namespace received at least 20 more
# datagrams meanwhile (the data went over DTLS, not TLS).
nf_udp_carries() {
	local before after
	before=$(nf_udp_in "$2")
	nf_pings "$1" "$3" 20 || return 1
	after=$(nf_udp_in "$2")
	NF_UDP_DELTA=$((after - before))
	[ "$NF_UDP_DELTA" -ge 20 ]
}

# nf_server_excerpt PATTERN: server log lines matching the extended regex PATTERN (last 8).
nf_server_excerpt() { grep -E -- "$1" "$E2E_SRV_LOG" 2>/dev/null | tail -n 8; }
