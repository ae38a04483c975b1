#!/bin/bash
# tests/bench/nvm-ingest.sh: nvzFlow over UDP into our collector, nfcapd and nfacctd. Runs in: benchmark (root).
#
# Not a test. One generated nvzFlow stream (tests/tools/nvm-export, libfixbuf: templates
# 267/268, PEN 9 strings, hashes and module basicLists, two records per datagram) is sent
# over loopback inside a network namespace of its own, at a bounded rate and count, to
#   ours     tests/tools/nvm-recv: our decoder + SQLite store (WAL, batched)
#   ocserv   src/ocserv with nvm = true, when src/ocserv-nvm is built (NVM_OCSERV=0: skip):
#            the collector as deployed; only ocserv-nvm's CPU is counted
#   nfcapd   nfdump 1.7 (binary nffile; keeps only the standard IPFIX fields)
#   nfacctd  pmacct 1.7 with the sqlite3 plugin (5-tuple + start time, one row per flow)
# one after the other (never at the same time: the machine may have only two cores). For each
# it prints records stored, loss, the collector's CPU seconds (all its processes, children
# included, from /proc) and records stored per CPU-second; then the ratios ours/theirs.
#
# Usage: sudo tests/bench/nvm-ingest.sh [-n RECORDS] [-r RECORDS_PER_SEC] [-k RECS_PER_DGRAM]
#   defaults: -n 200000 -r 50000 -k 2. The whole run is bounded: every wait has a limit,
#   and -n/-r are capped so that one send takes at most 60 s.
# Needs: the build (make check builds tests/tools/*), libfixbuf at build time, iproute2;
# nfdump and pmacct (Debian packages) for their columns, python3 or sqlite3 for counting.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${builddir:-$top}
EXPORT=$builddir/tests/tools/nvm-export
RECV=$builddir/tests/tools/nvm-recv
# the collector itself, when built: main starts ocserv-nvm (NVM_OCSERV=0 leaves it out)
OCSERV= OCPASSWD=$builddir/src/ocpasswd/ocpasswd
if [ "${NVM_OCSERV:-1}" != 0 ] && [ -x "$builddir/src/ocserv-nvm" ] && [ -x "$builddir/src/ocserv" ] &&
   [ -x "$OCPASSWD" ] && command -v certtool >/dev/null 2>&1; then
	OCSERV=$builddir/src/ocserv
fi
N=200000 RATE=50000 K=2
while getopts n:r:k: opt; do
	case $opt in
	n) N=$OPTARG ;;
	r) RATE=$OPTARG ;;
	k) K=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ "$N" -gt 2000000 ] && N=2000000
[ "$RATE" -gt 0 ] && [ $((N / RATE)) -gt 60 ] && N=$((RATE * 60))

die() { echo "nvm-ingest: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespace)"
[ -x "$EXPORT" ] && [ -x "$RECV" ] || die "build first: make check (or make tests/tools/nvm-export tests/tools/nvm-recv)"
"$EXPORT" -o /dev/null -n 1 >/dev/null 2>&1
[ $? = 77 ] && die "nvm-export was built without libfixbuf (apt-get install libfixbuf-dev, rebuild)"

ns=nvmb$$r$RANDOM
tmp=$(mktemp -d /tmp/nvm-ingest.XXXXXX) || exit 1
cleanup() {
	ip netns pids "$ns" 2>/dev/null | while read -r p; do kill "$p" 2>/dev/null; done
	sleep 0.2
	ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	[ -n "${NVM_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || die "cannot create a network namespace"
ip -n "$ns" link set lo up

# CPU ticks of every process in the namespace, reaped children included (utime stime
# cutime cstime): a collector that forks writers (nfacctd) is charged for them too
ns_ticks() {
	local t=0 p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo $t
}
HZ=$(getconf CLK_TCK)

count_sqlite() {	# db sql
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "$2" 2>/dev/null || echo 0
	else
		python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2" 2>/dev/null || echo 0
	fi
}

# wait (bounded) until `cmd` prints the same number twice in a row, `gap` s apart
wait_stable() {	# gap max cmd...
	local gap=$1 max=$2 prev=-1 cur i
	shift 2
	for ((i = 0; i < max; i++)); do
		sleep "$gap"
		cur=$("$@")
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
}

send() {	# port
	ip netns exec "$ns" "$EXPORT" -h 127.0.0.1 -p "$1" -n "$N" -k "$K" -r "$RATE" >"$tmp/send.out" ||
		die "sender failed"
}

declare -A STORED CPU
report() {	# name stored ticks
	STORED[$1]=$2
	CPU[$1]=$(awk -v t="$3" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
	awk -v name="$1" -v n="$2" -v sent="$N" -v c="${CPU[$1]}" 'BEGIN {
		fmt = "%-8s stored %8d of %d  loss %5.1f%%  cpu %6.2f s  %9.0f records/CPU-s\n"
		printf(fmt, name, n, sent, 100 * (sent - n) / sent, c, c > 0 ? n / c : 0) }'
}

run_ours() {
	local t0 t1 n
	ip netns exec "$ns" "$RECV" -l 127.0.0.1 -p 2055 -d "$tmp/ours.db" -c "$N" -i 3 -T 150 \
		-P "$tmp/ours.pid" 2>"$tmp/ours.err" &
	for _ in $(seq 100); do [ -s "$tmp/ours.pid" ] && break; sleep 0.05; done
	t0=$(ns_ticks)
	send 2055
	# it exits by itself after N records or 3 s of silence (bounded by -T); its own
	# getrusage figure includes the final commit, which /proc cannot see after the exit
	wait
	n=$(count_sqlite "$tmp/ours.db" "SELECT count(*) FROM flow_rows")
	t1=$(awk -v t0="$t0" -v hz="$HZ" '/^nvm-recv:/ { printf "%d", t0 + $NF * hz }' "$tmp/ours.err")
	report ours "$n" $((t1 - t0))
}

run_nfcapd() {
	local t0 t1 n f
	command -v nfcapd >/dev/null 2>&1 || { echo "nfcapd   (not installed: apt-get install nfdump)"; return; }
	mkdir -p "$tmp/nf"
	ip netns exec "$ns" nfcapd -b 127.0.0.1 -p 2056 -w "$tmp/nf" -t 3600 -B 33554432 \
		-P "$tmp/nfcapd.pid" >"$tmp/nfcapd.log" 2>&1 &
	for _ in $(seq 100); do [ -s "$tmp/nfcapd.pid" ] && break; sleep 0.05; done
	sleep 0.3
	t0=$(ns_ticks)
	send 2056
	wait_stable 1 30 ns_ticks
	t1=$(ns_ticks)
	stop_all
	n=0
	for f in "$tmp"/nf/nfcapd.*; do
		[ -f "$f" ] || continue
		n=$((n + $(nfdump -r "$f" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')))
	done
	report nfcapd "$n" $((t1 - t0))
}

run_nfacctd() {
	local t0 t1 n
	command -v nfacctd >/dev/null 2>&1 || { echo "nfacctd  (not installed: apt-get install pmacct)"; return; }
	# one row per flow: the key includes the start time, unique per generated record
	count_sqlite "$tmp/pm.db" "CREATE TABLE acct (ip_src CHAR(45) NOT NULL, ip_dst CHAR(45)
		NOT NULL, src_port INT NOT NULL, dst_port INT NOT NULL, ip_proto CHAR(6) NOT NULL,
		timestamp_start DATETIME NOT NULL, packets INT, bytes BIGINT, flows INT,
		stamp_inserted DATETIME, stamp_updated DATETIME, PRIMARY KEY (ip_src, ip_dst,
		src_port, dst_port, ip_proto, timestamp_start))" >/dev/null
	cat >"$tmp/nfacctd.conf" <<EOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: 2057
nfacctd_pipe_size: 33554432
plugin_pipe_size: 67108864
plugin_buffer_size: 65536
plugins: sqlite3[db]
aggregate[db]: src_host, dst_host, src_port, dst_port, proto, timestamp_start
timestamps_secs: true
sql_db[db]: $tmp/pm.db
sql_table[db]: acct
sql_optimize_clauses[db]: true
sql_refresh_time[db]: 5
sql_dont_try_update[db]: true
sql_cache_entries[db]: 400009
EOF
	ip netns exec "$ns" nfacctd -f "$tmp/nfacctd.conf" >"$tmp/nfacctd.log" 2>&1 &
	# the template goes out once, first: do not send before the socket is bound
	for _ in $(seq 200); do grep -q "waiting for NetFlow" "$tmp/nfacctd.log" && break; sleep 0.05; done
	sleep 0.5
	t0=$(ns_ticks)
	send 2057
	# the plugin forks a writer every sql_refresh_time (5 s): done when a purge that wrote
	# rows is followed by an empty one (bounded). Never read the database meanwhile: a
	# reader's lock makes pmacct's writer fail with "database is locked" and lose a purge.
	for _ in $(seq 120); do
		grep "Purging cache - END" "$tmp/nfacctd.log" | tail -n 1 | grep -q "QN: 0/0" &&
			grep -q "Purging cache - END.*QN: [1-9]" "$tmp/nfacctd.log" && break
		sleep 0.5
	done
	t1=$(ns_ticks)
	n=$(count_sqlite "$tmp/pm.db" "SELECT count(*) FROM acct")
	report nfacctd "$n" $((t1 - t0))
	stop_all
}

# SIGTERM to everything in the namespace, SIGKILL to what is left after 3 s
stop_all() {
	local p
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
	for _ in $(seq 30); do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.1; done
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	wait
}

# ocserv with nvm = true: main starts ocserv-nvm, whose CPU alone is counted
pid_of_comm() {	# comm
	local p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p" && return
	done
}
ticks_of() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }

ocserv_conf() {	# dir
	printf '%s\n' "auth = \"plain[passwd=$1/passwd]\"" "listen-host = 127.0.0.1" \
		"tcp-port = 4443" "udp-port = 0" "socket-file = $1/ocserv.socket" \
		"pid-file = $1/ocserv.pid" "server-cert = $1/cert.pem" "server-key = $1/key.pem" \
		"run-as-user = nobody" "run-as-group = nogroup" "use-occtl = true" \
		"occtl-socket-file = $1/occtl.socket" "device = vpnsnvmb" \
		"ipv4-network = 10.99.0.0" "ipv4-netmask = 255.255.255.0" "nvm = true" \
		"nvm-listen-host = 127.0.0.1" "nvm-port = 2058" "nvm-database = $1/db/nvm.sqlite"
}

run_ocserv() {
	local d=$tmp/oc t0 t1 n p
	mkdir -p "$d" && chmod 755 "$tmp" "$d" && mkdir -m 777 "$d/db" || return
	if ! certtool --generate-privkey --key-type=ecdsa --outfile "$d/key.pem" >/dev/null 2>&1 ||
	   ! printf 'cn = "nvm-bench"\nexpiration_days = 2\nsigning_key\ntls_www_server\n' >"$d/t" ||
	   ! certtool --generate-self-signed --load-privkey "$d/key.pem" --template "$d/t" \
		--outfile "$d/cert.pem" >/dev/null 2>&1 ||
	   ! printf 'x\nx\n' | "$OCPASSWD" -c "$d/passwd" bench >/dev/null 2>&1; then
		echo "ocserv   (skipped: certtool or ocpasswd failed)"
		return
	fi
	ocserv_conf "$d" >"$d/ocserv.conf"
	ip netns exec "$ns" "$OCSERV" -f -d 1 -c "$d/ocserv.conf" >"$d/ocserv.log" 2>&1 &
	for _ in $(seq 100); do
		grep -q "collecting nvzFlow" "$d/ocserv.log" && break
		sleep 0.05
	done
	p=$(pid_of_comm ocserv-nvm)
	if [ -z "$p" ]; then
		echo "ocserv   (ocserv-nvm did not start:)"; tail -n 5 "$d/ocserv.log"
		stop_all
		return
	fi
	t0=$(ticks_of "$p")
	send 2058
	# it commits once a second: wait until the stored count stops moving
	wait_stable 2 40 count_sqlite "$d/db/nvm.sqlite" "SELECT count(*) FROM flow_rows"
	t1=$(ticks_of "$p")
	n=$(count_sqlite "$d/db/nvm.sqlite" "SELECT count(*) FROM flow_rows")
	report ocserv "$n" $((t1 - t0))
	stop_all
}

ratio() {	# ours theirs
	[ -n "${STORED[$1]:-}" ] && [ -n "${STORED[$2]:-}" ] || return
	awk -v a="${STORED[$1]}" -v ca="${CPU[$1]}" -v b="${STORED[$2]}" -v cb="${CPU[$2]}" \
	    -v who="$1/$2" 'BEGIN {
		ra = ca > 0 ? a / ca : 0; rb = cb > 0 ? b / cb : 0
		r = rb > 0 ? sprintf("%.2f", ra / rb) : "n/a"
		printf("%-16s records per CPU-second %s   records stored %.2f\n", who, r, b > 0 ? a / b : 0) }'
}

echo "stream: $N records, $RATE records/s, $K per datagram, loopback in namespace $ns"
echo "ours:   $RECV (decoder + SQLite store)"
[ -n "$OCSERV" ] && echo "ocserv: $OCSERV with nvm = true (CPU of ocserv-nvm only)"
run_ours
[ -n "$OCSERV" ] && run_ocserv
run_nfcapd
run_nfacctd
for who in ours ocserv; do
	ratio "$who" nfcapd
	ratio "$who" nfacctd
done
