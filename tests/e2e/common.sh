# tests/e2e/common.sh: helpers for the end-to-end tests. Runs in: bash, sourced by test-*.sh (root).
#
# Every test builds its own topology from network namespaces whose names carry a per-run id,
# so tests can run in parallel with each other and with other runs.  Nothing is configured in
# the root namespace.  Layout of one run:
#
#   server ns  <id>s : bridge wb<id> 192.0.2.1/24, ocserv, tun devices of the VPN pool
#   client ns  <id>cN: veth 192.0.2.(N+1)/24 whose peer is enslaved to the bridge, openconnect
#
# Selection of the programs under test (black box, same command line and config syntax):
#   OC_SERVER=debian (default) | wolfguard      the server; wolfguard = $WG_BUILDDIR/src/ocserv,
#                                               which execs $WG_BUILDDIR/src/ocserv-worker
#   OCCTL=debian | wolfguard                    occtl (defaults to OC_SERVER's choice); ours is
#                                               src/occtl/occtl (or src/occtl if that is a file)
#   OCPASSWD=debian | wolfguard                 ocpasswd, likewise; when ours is not built and
#                                               OCPASSWD is unset, Debian's is used
#   OCSERV_BIN / OCCTL_BIN / OCPASSWD_BIN       explicit paths override the above
# E2E_STRICT=1 (default with wolfguard) adds assertions the reference server does not pass.
# Other knobs: E2E_KEEP=1 keeps the run dir, E2E_VERBOSE=1 prints progress, E2E_SRV_DEBUG
# (-d level, default 2), E2E_PORT (default 4443), E2E_UDP_PORT (default 0 = no DTLS).

set -o pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_TOP=$(cd "$E2E_DIR/../.." && pwd)
WG_BUILDDIR=${WG_BUILDDIR:-$E2E_TOP}
OC_SERVER=${OC_SERVER:-debian}
# Strict mode adds assertions the reference server fails but ours must pass (see the tests).
if [ "$OC_SERVER" = wolfguard ]; then E2E_STRICT=${E2E_STRICT:-1}; else E2E_STRICT=${E2E_STRICT:-0}; fi
E2E_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

E2E_PORT=${E2E_PORT:-4443}
E2E_UDP_PORT=${E2E_UDP_PORT:-0}
E2E_SRV_IP=192.0.2.1
E2E_SRV_DEBUG=${E2E_SRV_DEBUG:-2}
E2E_FAILS=0
# The distribution's python starts in 0.1 s; a pyenv shim first on PATH can take a second.
if [ -z "${E2E_PY:-}" ]; then
	if [ -x /usr/bin/python3 ]; then E2E_PY=/usr/bin/python3; else E2E_PY=python3; fi
fi
E2E_NS=()                 # every namespace of this run, server first
E2E_CNS=()                # client namespaces, index 1..N
E2E_SRV_PID=
declare -A E2E_CPID=()    # client name -> openconnect pid
declare -A E2E_CRC=()     # client name -> exit status once reaped

# ---------------------------------------------------------------- output and assertions

e2e_log() { [ -n "${E2E_VERBOSE:-}" ] && echo "[$E2E_NAME] $*" >&2; return 0; }

e2e_fail() {
	echo "FAIL: $*" >&2
	E2E_FAILS=$((E2E_FAILS + 1))
	return 1
}

# Stop the test now; the EXIT trap tears everything down and prints the logs.
e2e_fatal() {
	echo "FAIL: $*" >&2
	E2E_FAILS=$((E2E_FAILS + 1))
	exit 1
}

e2e_skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# assert_eq EXPECTED ACTUAL [what]
assert_eq() {
	if [ "$1" == "$2" ]; then
		e2e_log "ok: ${3:-value} = '$2'"
		return 0
	fi
	e2e_fail "${3:+$3: }expected '$1', got '$2'"
}

# assert_ne UNEXPECTED ACTUAL [what]
assert_ne() {
	if [ "$1" != "$2" ]; then
		e2e_log "ok: ${3:-value} = '$2' (not '$1')"
		return 0
	fi
	e2e_fail "${3:+$3: }expected something other than '$1', got '$2'"
}

# assert_contains FILE-OR-STRING NEEDLE [what]: a fixed-string match; a readable file is searched.
assert_contains() {
	local hay=$1 needle=$2
	if [ -f "$hay" ]; then
		grep -qF -- "$needle" "$hay" && { e2e_log "ok: ${3:-$hay} has '$needle'"; return 0; }
		e2e_fail "${3:-$hay}: expected to contain '$needle', got $(e2e_excerpt "$hay")"
		return 1
	fi
	case "$hay" in *"$needle"*) e2e_log "ok: ${3:-string} has '$needle'"; return 0 ;; esac
	e2e_fail "${3:+$3: }expected to contain '$needle', got '$hay'"
}

# assert_not_contains FILE-OR-STRING NEEDLE [what]
assert_not_contains() {
	local hay=$1 needle=$2
	if [ -f "$hay" ]; then
		grep -qF -- "$needle" "$hay" || { e2e_log "ok: ${3:-$hay} lacks '$needle'"; return 0; }
		e2e_fail "${3:-$hay}: expected not to contain '$needle', got $(e2e_excerpt "$hay")"
		return 1
	fi
	case "$hay" in *"$needle"*) e2e_fail "${3:+$3: }expected not to contain '$needle', got '$hay'"; return 1 ;; esac
	return 0
}

e2e_excerpt() { printf "'%s'" "$(tail -n 5 "$1" | tr '\n' '|' | cut -c1-400)"; }

# End of a test: 0 when no assertion failed.
e2e_finish() {
	[ "$E2E_FAILS" -eq 0 ] && exit 0
	exit 1
}

# ---------------------------------------------------------------- programs under test

e2e_pick() {	# e2e_pick CHOICE DEBIAN-PATH OUR-PATH -> path on stdout, 1 if unknown choice
	case "$1" in
	debian) echo "$2" ;;
	wolfguard) echo "$3" ;;
	*) return 1 ;;
	esac
}

# Our tools live in source folders of the same name (src/occtl/occtl) unless built as src/occtl.
e2e_our_tool() {
	if [ -f "$WG_BUILDDIR/src/$1" ]; then echo "$WG_BUILDDIR/src/$1"; else echo "$WG_BUILDDIR/src/$1/$1"; fi
}

e2e_is_prog() { [ -f "$1" ] && [ -x "$1" ]; }

e2e_select_programs() {
	local occtl_choice=${OCCTL:-$OC_SERVER} passwd_choice=${OCPASSWD:-$OC_SERVER}
	OCSERV_BIN=${OCSERV_BIN:-$(e2e_pick "$OC_SERVER" /usr/sbin/ocserv "$WG_BUILDDIR/src/ocserv")} ||
		e2e_fatal "OC_SERVER must be debian or wolfguard, not '$OC_SERVER'"
	OCCTL_BIN=${OCCTL_BIN:-$(e2e_pick "$occtl_choice" /usr/bin/occtl "$(e2e_our_tool occtl)")} ||
		e2e_fatal "OCCTL must be debian or wolfguard"
	OCPASSWD_BIN=${OCPASSWD_BIN:-$(e2e_pick "$passwd_choice" /usr/bin/ocpasswd "$(e2e_our_tool ocpasswd)")} ||
		e2e_fatal "OCPASSWD must be debian or wolfguard"
	# Our ocpasswd may not be built yet: when nobody asked for it explicitly, use Debian's.
	if ! e2e_is_prog "$OCPASSWD_BIN" && [ -z "${OCPASSWD:-}" ] && e2e_is_prog /usr/bin/ocpasswd; then
		e2e_log "note: $OCPASSWD_BIN missing, using /usr/bin/ocpasswd"
		OCPASSWD_BIN=/usr/bin/ocpasswd
	fi
	e2e_is_prog "$OCSERV_BIN" || e2e_skip "server $OCSERV_BIN not built/installed"
	e2e_is_prog "$OCPASSWD_BIN" || e2e_skip "ocpasswd $OCPASSWD_BIN not built/installed"
}

# Tests that need occtl call this first.
e2e_require_occtl() {
	e2e_is_prog "$OCCTL_BIN" || e2e_skip "occtl $OCCTL_BIN missing"
}

e2e_require_tools() {
	[ "$(id -u)" -eq 0 ] || e2e_skip "needs root (network namespaces)"
	local t
	for t in ip openconnect certtool ss ps ping timeout "$@"; do
		command -v "$t" >/dev/null 2>&1 || e2e_skip "missing tool: $t"
	done
	[ -c /dev/net/tun ] || e2e_skip "no /dev/net/tun"
}

# ---------------------------------------------------------------- run id, temp dir, teardown

# e2e_init [TOOL...]: checks (extra tools too), picks the programs, makes the run id and temp dir.
# shellcheck disable=SC2120
e2e_init() {
	e2e_require_tools "$@"
	e2e_select_programs
	local tries=0
	while :; do
		# 6 hex digits: tun names "wc<id><client>" must stay within 15 characters.
		E2E_ID=$(printf '%04x%02x' $(( ($$ ^ RANDOM) & 0xffff )) $(( RANDOM & 0xff )))
		[ -e "/run/netns/wg${E2E_ID}s" ] || break
		tries=$((tries + 1))
		[ $tries -lt 10 ] || e2e_fatal "cannot find a free run id"
	done
	E2E_RUN=$(mktemp -d "/tmp/wg-e2e-$E2E_NAME.XXXXXX") || e2e_fatal "mktemp failed"
	# Workers run as nobody and reach sockets in here by path.
	chmod 755 "$E2E_RUN"
	E2E_SNS="wg${E2E_ID}s"
	E2E_POOL_X=$(( 16#${E2E_ID:4:2} % 200 + 10 ))
	E2E_POOL4="10.77.$E2E_POOL_X.0"
	E2E_POOL6="fd00:77:$E2E_POOL_X::/64"
	E2E_DEVICE="ws$E2E_ID"	# the server appends a number
	E2E_CONF="$E2E_RUN/ocserv.conf"
	E2E_SRV_LOG="$E2E_RUN/server.log"
	E2E_OCCTL_SOCK="$E2E_RUN/occtl.socket"
	trap e2e_teardown EXIT
	trap 'exit 1' INT TERM HUP
	e2e_log "run $E2E_ID in $E2E_RUN, server $OCSERV_BIN"
}

e2e_alive() {	# e2e_alive PID: running and not a zombie
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

e2e_ns_pids() { e2e_ns_pids_of "${E2E_NS[@]}"; }	# every pid inside the run's namespaces

e2e_ns_pids_of() {	# e2e_ns_pids_of NS...
	local ns
	for ns in "$@"; do
		ip netns pids "$ns" 2>/dev/null
	done
}

# Clients get SIGTERM first (they send BYE and exit at once); then everything left, the server
# included, gets SIGKILL: the reference server lingers about a second after SIGTERM.
e2e_kill_all() {
	local pids p i
	pids=$(e2e_ns_pids_of "${E2E_CNS[@]}")
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 1 40); do	# up to 2 s
		[ -n "$pids" ] || break
		sleep 0.05
		pids=$(e2e_ns_pids_of "${E2E_CNS[@]}")
	done
	for i in $(seq 1 20); do
		pids=$(e2e_ns_pids)
		[ -n "$pids" ] || return 0
		for p in $pids; do kill -KILL "$p" 2>/dev/null; done
		sleep 0.05
	done
	echo "warning: processes left in namespaces: $(e2e_ns_pids | tr '\n' ' ')" >&3
}

e2e_dump_logs() {
	local f
	for f in "$E2E_SRV_LOG" "$E2E_RUN"/client-*/log "$E2E_RUN"/client-*/events; do
		[ -s "$f" ] || continue
		echo "----- ${f#"$E2E_RUN"/} (last 25 lines)" >&2
		tail -n 25 "$f" >&2
	done
}

e2e_teardown() {
	local rc=$? ns
	trap - EXIT
	trap '' PIPE INT TERM HUP	# finish the cleanup even if the reader of our output went away
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "${E2E_RUN:-}" ] && e2e_dump_logs
	# bash would report each killed background job ("Killed ...") on stderr: noise.
	exec 3>&2 2>/dev/null
	e2e_kill_all
	for ns in "${E2E_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	if [ -n "${E2E_RUN:-}" ]; then
		if [ -n "${E2E_KEEP:-}" ]; then
			echo "kept run dir $E2E_RUN" >&3
		else
			rm -rf "$E2E_RUN"
		fi
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- topology

e2e_ns_add() {
	ip netns add "$1" || e2e_fatal "ip netns add $1"
	E2E_NS+=("$1")
	mkdir -p "/etc/netns/$1" && : > "/etc/netns/$1/resolv.conf"
	ip -n "$1" link set lo up || e2e_fatal "lo up in $1"
}

# e2e_topology N: server namespace plus N client namespaces (client i is 192.0.2.(i+1)).
e2e_topology() {
	local n=${1:-1} i br="wb$E2E_ID" cns
	e2e_ns_add "$E2E_SNS"
	ip -n "$E2E_SNS" link add "$br" type bridge || e2e_fatal "bridge"
	ip -n "$E2E_SNS" addr add "$E2E_SRV_IP/24" dev "$br"
	ip -n "$E2E_SNS" link set "$br" up
	for i in $(seq 1 "$n"); do
		cns="wg${E2E_ID}c$i"
		e2e_ns_add "$cns"
		E2E_CNS[i]=$cns
		ip -n "$E2E_SNS" link add "vs$i" type veth peer name "vc$i" netns "$cns" ||
			e2e_fatal "veth for client $i"
		ip -n "$E2E_SNS" link set "vs$i" master "$br"
		ip -n "$E2E_SNS" link set "vs$i" up
		ip -n "$cns" addr add "192.0.2.$((i + 1))/24" dev "vc$i"
		ip -n "$cns" link set "vc$i" up || e2e_fatal "veth up in $cns"
	done
}

# ---------------------------------------------------------------- credentials and config

e2e_make_cert() {
	E2E_CERT="$E2E_RUN/server-cert.pem"
	E2E_KEY="$E2E_RUN/server-key.pem"
	cat > "$E2E_RUN/cert.tmpl" <<-EOF
	cn = "$E2E_SRV_IP"
	organization = "wolfguard e2e"
	expiration_days = 7
	ip_address = "$E2E_SRV_IP"
	tls_www_server
	signing_key
	encryption_key
	EOF
	certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$E2E_KEY" \
		>/dev/null 2>&1 || e2e_fatal "certtool privkey"
	certtool --generate-self-signed --load-privkey "$E2E_KEY" --template "$E2E_RUN/cert.tmpl" \
		--outfile "$E2E_CERT" >/dev/null 2>&1 || e2e_fatal "certtool self-signed"
	# openconnect wants "pin-sha256:" + base64(SHA-256(SubjectPublicKeyInfo)), which is exactly
	# the "Public Key PIN" that certtool prints.
	E2E_PIN=$(certtool -i --infile "$E2E_CERT" | sed -n 's/^[[:space:]]*\(pin-sha256:[A-Za-z0-9+/=]*\)[[:space:]]*$/\1/p' | head -n 1)
	[ -n "$E2E_PIN" ] || e2e_fatal "no pin-sha256 from certtool -i"
}

# e2e_add_user USER PASSWORD [GROUP]
e2e_add_user() {
	E2E_PASSWD="$E2E_RUN/passwd"
	printf '%s\n%s\n' "$2" "$2" | "$OCPASSWD_BIN" -c "$E2E_PASSWD" ${3:+-g "$3"} "$1" \
		>/dev/null 2>&1 || e2e_fatal "$OCPASSWD_BIN failed for $1"
}

e2e_base_config() {
	cat <<-EOF
	auth = "plain[passwd=$E2E_PASSWD]"
	listen-host = $E2E_SRV_IP
	tcp-port = $E2E_PORT
	udp-port = $E2E_UDP_PORT
	socket-file = $E2E_RUN/ocserv.socket
	pid-file = $E2E_RUN/ocserv.pid
	server-cert = $E2E_CERT
	server-key = $E2E_KEY
	run-as-user = nobody
	run-as-group = nogroup
	isolate-workers = false
	use-occtl = true
	occtl-socket-file = $E2E_OCCTL_SOCK
	max-clients = 32
	max-same-clients = 0
	max-ban-score = 0
	rate-limit-ms = 0
	keepalive = 32
	dpd = 90
	mobile-dpd = 1800
	switch-to-tcp-timeout = 25
	try-mtu-discovery = false
	auth-timeout = 240
	idle-timeout = 1200
	session-timeout = 86400
	cookie-timeout = 300
	rekey-time = 172800
	rekey-method = ssl
	log-level = 2
	device = $E2E_DEVICE
	predictable-ips = true
	ipv4-network = $E2E_POOL4
	ipv4-netmask = 255.255.255.0
	ipv6-network = $E2E_POOL6
	ipv6-subnet-prefix = 128
	compression = true
	no-compress-limit = 256
	cisco-client-compat = true
	dtls-legacy = true
	mtu = 1400
	EOF
}

# e2e_write_config ["key = value"]...: base config; every key given replaces all base lines of
# that key (so repeated keys like "route" can be given several times).
e2e_write_config() {
	local line keys=""
	[ -n "${E2E_CERT:-}" ] || e2e_make_cert
	[ -n "${E2E_PASSWD:-}" ] || e2e_fatal "e2e_add_user before e2e_write_config"
	for line in "$@"; do keys+="${line%%=*}"$'\n'; done
	e2e_base_config | awk -v keys="$keys" '
		BEGIN { n = split(keys, k, "\n"); for (i = 1; i <= n; i++) { gsub(/[ \t]/, "", k[i]); if (k[i] != "") drop[k[i]] = 1 } }
		{ key = $0; sub(/=.*/, "", key); gsub(/[ \t]/, "", key); if (!(key in drop)) print }
	' > "$E2E_CONF"
	for line in "$@"; do printf '%s\n' "$line" >> "$E2E_CONF"; done
}

# ---------------------------------------------------------------- server

e2e_server_listening() {
	[ -n "$(ip netns exec "$E2E_SNS" ss -Hltn "sport = :$E2E_PORT" 2>/dev/null)" ]
}

e2e_server_start() {
	local i
	[ -f "$E2E_CONF" ] || e2e_fatal "no config written"
	ip netns exec "$E2E_SNS" "$OCSERV_BIN" -f -d "$E2E_SRV_DEBUG" -c "$E2E_CONF" \
		> "$E2E_SRV_LOG" 2>&1 < /dev/null &
	E2E_SRV_PID=$!
	for i in $(seq 1 400); do	# up to 20 s (the machine may be busy)
		e2e_alive "$E2E_SRV_PID" || e2e_fatal "server exited during startup"
		e2e_server_listening && { e2e_log "server $E2E_SRV_PID listening"; return 0; }
		sleep 0.05
	done
	e2e_fatal "server not listening on $E2E_SRV_IP:$E2E_PORT after 20 s"
}

e2e_server_alive() { e2e_alive "$E2E_SRV_PID"; }

# e2e_server_stop: SIGTERM the server and wait (bounded) until it and its port are gone.
e2e_server_stop() {
	local i
	kill -TERM "$E2E_SRV_PID" 2>/dev/null
	for i in $(seq 1 200); do
		e2e_alive "$E2E_SRV_PID" || break
		sleep 0.05
	done
	e2e_alive "$E2E_SRV_PID" && kill -KILL "$E2E_SRV_PID" 2>/dev/null
	wait "$E2E_SRV_PID" 2>/dev/null
	for i in $(seq 1 100); do
		e2e_server_listening || return 0
		sleep 0.05
	done
	e2e_fatal "server port still busy after stop"
}

# e2e_wait_for SECONDS COMMAND...: poll (every 50 ms) until COMMAND succeeds; 1 on time-out.
e2e_wait_for() {
	local max=$(( $1 * 20 )) i
	shift
	for i in $(seq 1 "$max"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# Children of the server main process that are workers (title or binary name has "worker").
e2e_worker_pids() {
	ps -o pid=,comm=,args= --ppid "$E2E_SRV_PID" 2>/dev/null | awk '/worker/ { print $1 }'
}

# The worker process holding the TCP connection that comes from IP (a client's veth address).
e2e_worker_for_ip() {
	local ip=$1 w
	for w in $(e2e_worker_pids); do
		if ip netns exec "$E2E_SNS" ss -Htnp state established "( sport = :$E2E_PORT )" 2>/dev/null |
			grep -F "$ip:" | grep "pid=$w," >/dev/null; then
			echo "$w"
			return 0
		fi
	done
	return 1
}

# Server-side address of the tun whose peer is CLIENT_VPN_IP (Debian's ocserv uses P-t-P tuns);
# falls back to the first pool address.
e2e_server_tun_addr() {
	local a
	a=$(ip -n "$E2E_SNS" -o -4 addr show 2>/dev/null |
		awk -v p="$1" '{ for (i = 1; i < NF; i++) if ($i == "peer" && ($(i+1) == p "/32" || $(i+1) == p)) { split($4, x, "/"); print x[1]; exit } }')
	[ -n "$a" ] && { echo "$a"; return 0; }
	echo "${E2E_POOL4%.0}.1"
}

# e2e_occtl ARGS...: occtl against this run's server.  Its stderr goes to occtl.err: run from
# the root namespace, Debian's occtl complains that it cannot find the tun devices.
e2e_occtl() {
	timeout 10 "$OCCTL_BIN" -s "$E2E_OCCTL_SOCK" "$@" 2>>"$E2E_RUN/occtl.err"
}

# ---------------------------------------------------------------- clients

e2e_tun_name() { echo "wc$E2E_ID$1"; }
e2e_cdir() { echo "$E2E_RUN/client-$1"; }

# e2e_client_spawn NAME NSIDX STDIN [openconnect args...]: openconnect in the background with the
# test's env-script, the pinned cert and tun "wc<id><NAME>" (NAME <= 7 characters).
e2e_client_spawn() {
	local name=$1 idx=$2 input=$3 dir
	shift 3
	dir=$(e2e_cdir "$name")
	mkdir -p "$dir"
	rm -f "$dir/up" "$dir/env"
	E2E_ENVDUMP="$dir/env" E2E_UPMARK="$dir/up" E2E_EVENTS="$dir/events" \
	ip netns exec "${E2E_CNS[$idx]}" openconnect --non-inter --servercert "$E2E_PIN" \
		--script "$E2E_DIR/env-script.sh" -i "$(e2e_tun_name "$name")" "$@" \
		"https://$E2E_SRV_IP:$E2E_PORT/" <<< "$input" >> "$dir/log" 2>&1 &
	E2E_CPID[$name]=$!
	unset "E2E_CRC[$name]"
	e2e_log "client $name pid ${E2E_CPID[$name]} in ${E2E_CNS[$idx]}"
}

# e2e_client_start NAME NSIDX USER PASSWORD [more openconnect args...]
e2e_client_start() {
	local name=$1 idx=$2 user=$3 pass=$4
	shift 4
	e2e_client_spawn "$name" "$idx" "$pass" --passwd-on-stdin -u "$user" "$@"
}

e2e_client_pid() { echo "${E2E_CPID[$1]}"; }

# e2e_client_reap NAME: stores the exit status in E2E_CRC[NAME] once the client has exited.
e2e_client_reap() {
	local pid=${E2E_CPID[$1]} rc
	[ -n "${E2E_CRC[$1]:-}" ] && return 0
	e2e_alive "$pid" && return 1
	wait "$pid" 2>/dev/null
	rc=$?
	E2E_CRC[$1]=$rc
	return 0
}

# e2e_client_wait_up NAME [SECONDS=30]: 0 once the env-script wrote its up marker; 1 if the client
# exited or the time ran out.
e2e_client_wait_up() {
	local name=$1 max=$(( ${2:-30} * 20 )) i dir
	dir=$(e2e_cdir "$name")
	for i in $(seq 1 "$max"); do
		[ -f "$dir/up" ] && return 0
		e2e_client_reap "$name" && { [ -f "$dir/up" ] && return 0; return 1; }
		sleep 0.05
	done
	return 1
}

# e2e_client_wait_exit NAME [SECONDS]: the client's exit status, 124 if still running.
e2e_client_wait_exit() {
	local name=$1 max=$(( ${2:-20} * 20 )) i
	for i in $(seq 1 "$max"); do
		e2e_client_reap "$name" && return "${E2E_CRC[$name]}"
		sleep 0.05
	done
	return 124
}

# e2e_client_signal NAME SIGNAL: just send it (e.g. STOP to freeze a client).
e2e_client_signal() { kill "-$2" "${E2E_CPID[$1]}" 2>/dev/null; }

# e2e_client_stop NAME [SIGNAL]: signal (default TERM: clean BYE; HUP: detach without BYE, the
# cookie stays valid; KILL) and wait up to 10 s; returns the client's exit status.
e2e_client_stop() {
	kill "-${2:-TERM}" "${E2E_CPID[$1]}" 2>/dev/null
	e2e_client_wait_exit "$1" 10
}

# Start a client and insist it comes up.
e2e_client_up() {
	e2e_client_start "$@"
	e2e_client_wait_up "$1" || e2e_fatal "client $1 did not come up"
}

# e2e_env NAME VAR: a variable from the env dump the env-script made at reason=connect.
e2e_env() {
	local f
	f="$(e2e_cdir "$1")/env"
	[ -f "$f" ] || return 1
	grep -m1 "^$2=" "$f" | cut -d= -f2-
}

e2e_client_ip() { e2e_env "$1" INTERNAL_IP4_ADDRESS; }
e2e_client_log() { echo "$(e2e_cdir "$1")/log"; }

# e2e_ping NS ADDR: up to 3 tries of one echo, 2 s each.
e2e_ping() {
	local i
	for i in 1 2 3; do
		ip netns exec "$1" ping -n -q -c 1 -W 2 "$2" >/dev/null 2>&1 && return 0
	done
	return 1
}

assert_ping() {	# assert_ping NS ADDR [what]
	e2e_ping "$1" "$2" && { e2e_log "ok: ping $2 from $1"; return 0; }
	e2e_fail "${3:+$3: }ping from $1 to $2 failed"
}

# e2e_authenticate NSIDX USER PASSWORD: prints the cookie that openconnect --authenticate got.
e2e_authenticate() {
	local out
	out=$(ip netns exec "${E2E_CNS[$1]}" timeout 20 openconnect --authenticate --non-inter \
		--servercert "$E2E_PIN" --passwd-on-stdin -u "$2" "https://$E2E_SRV_IP:$E2E_PORT/" \
		<<< "$3" 2>>"$E2E_RUN/authenticate.log") || return 1
	printf '%s\n' "$out" | sed -n "s/^COOKIE='\(.*\)'\$/\1/p" | head -n 1
}

# Standard start: topology of N clients, cert, user alice/alicepass, config with extra lines,
# server running.
e2e_standard_setup() {
	local n=$1
	shift
	e2e_topology "$n"
	e2e_make_cert
	e2e_add_user alice alicepass
	e2e_add_user bob bobpass
	e2e_write_config "$@"
	e2e_server_start
}
