#!/bin/bash
# tests/bench/tunnel.sh: tunnel throughput, connection setup time and memory per client, ours
# against Debian's ocserv in one run. Runs in: bash (root), by hand; not part of make check.
#
# Both servers get the same config, certificate, password file and namespaces; only the binary
# differs.  Each measurement is taken for one server and then at once for the other, so a change
# in the machine's load between phases hits both.  Knobs (environment):
#   BENCH_WG_BIN   our server (default $WG_BUILDDIR/src/ocserv; it execs <bin>-worker)
#   BENCH_REF_BIN  the reference (default /usr/sbin/ocserv)
#   BENCH_SECS     iperf3 seconds per run (10)     BENCH_ROUNDS   throughput rounds, best kept (2)
#   BENCH_SETUP_N  connect cycles (20)
#   BENCH_MEM_N    clients for the memory figure (20)
#   BENCH_SKIP     space separated phases to leave out: tput setup mem
#   BENCH_PERF     a directory: record our server's worker with perf record -g during one
#                  iperf3 run (BENCH_PERF_RUN: dtls-up (default), dtls-down, tls-up, tls-down) and
#                  leave perf.data there (perf report -i DIR/perf.data)
# Prints one table per phase and a line "<metric> ratio wolfguard/ocserv: X" per metric.
# shellcheck source=../e2e/common.sh
. "$(dirname "$0")/../e2e/common.sh"

BENCH_SECS=${BENCH_SECS:-10}
BENCH_ROUNDS=${BENCH_ROUNDS:-2}
BENCH_SETUP_N=${BENCH_SETUP_N:-20}
BENCH_MEM_N=${BENCH_MEM_N:-20}
BENCH_SKIP=${BENCH_SKIP:-}
BENCH_WG_BIN=${BENCH_WG_BIN:-$WG_BUILDDIR/src/ocserv}
BENCH_REF_BIN=${BENCH_REF_BIN:-/usr/sbin/ocserv}
# Per-packet debug output would measure the logger, not the server.
E2E_SRV_DEBUG=${E2E_SRV_DEBUG:-1}
# One password file for both servers: Debian's ocpasswd unless told otherwise.
OCPASSWD=${OCPASSWD:-debian}
export OC_SERVER=debian	# e2e_init checks the tools of this choice; each phase sets OCSERV_BIN
IPERF_PORT=5201
SERVERS=(wolfguard ocserv)
declare -A BIN=([wolfguard]=$BENCH_WG_BIN [ocserv]=$BENCH_REF_BIN)
declare -A R=()	# results: R[<server>,<metric>]

bench_skipped() { case " $BENCH_SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- small helpers

# cpu_ticks "PID...": utime + stime summed, in ticks; the fields after the ")" so that a process
# title with spaces is safe.
cpu_ticks() {
	local p t sum=0
	for p in $1; do
		t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}

# The server's process tree: main, sec-mod(s), workers (whatever their titles).
srv_tree() {
	ps -e -o pid=,ppid= | awk -v root="$E2E_SRV_PID" '
		{ parent[$1] = $2 }
		END { for (p in parent) { q = p; while (q != "" && q != root && q > 1) q = parent[q];
			if (q == root) print p } }'
}

pss_kb() {	# pss_kb "PID...": PSS summed, kB
	local p v sum=0
	for p in $1; do
		v=$(awk '/^Pss:/ { print $2; exit }' "/proc/$p/smaps_rollup" 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# quantile Q (0..1) of the numbers on stdin, nearest rank
quantile() {
	sort -g | awk -v q="$1" '{ v[NR] = $1 } END { if (!NR) { print "nan"; exit }
		i = int(q * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}

ratio() {	# ratio A B -> A/B with 2 decimals, "n/a" if either is missing or B is 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

print_ratio() {	# print_ratio METRIC KEY
	printf '%-28s ratio wolfguard/ocserv: %s\n' "$1" "$(ratio "${R[wolfguard,$2]:-}" "${R[ocserv,$2]:-}")"
}

load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------- server per phase

bench_server_up() {	# bench_server_up NAME
	OCSERV_BIN=${BIN[$1]}
	e2e_is_prog "$OCSERV_BIN" || e2e_fatal "$1: $OCSERV_BIN is not an executable"
	E2E_SRV_LOG="$E2E_RUN/server-$1.log"	# read by e2e_server_start
	e2e_server_start
}

# shellcheck disable=SC2317  # called through e2e_wait_for
clients_gone() { [ -z "$(e2e_ns_pids_of "${E2E_CNS[@]}")" ]; }

bench_server_down() {
	local p
	# clients first (BYE), so the server's stop is not slowed by live sessions
	for p in $(e2e_ns_pids_of "${E2E_CNS[@]}"); do kill -TERM "$p" 2>/dev/null; done
	e2e_wait_for 5 clients_gone
	e2e_server_stop
	for p in $(e2e_ns_pids_of "${E2E_CNS[@]}" "$E2E_SNS"); do kill -KILL "$p" 2>/dev/null; done
	for p in "${!E2E_CPID[@]}"; do e2e_client_reap "$p"; done
}

# ---------------------------------------------------------------- phase 1: throughput

# shellcheck disable=SC2317  # called through e2e_wait_for
iperf_listening() { [ -n "$(ip netns exec "$E2E_SNS" ss -Hltn "sport = :$IPERF_PORT")" ]; }

iperf_server_start() {	# iperf_server_start ADDR
	ip netns exec "$E2E_SNS" iperf3 -s -1 -B "$1" -p "$IPERF_PORT" > "$E2E_RUN/iperf-s.log" 2>&1 &
	e2e_wait_for 5 iperf_listening ||
		e2e_fatal "iperf3 server did not listen"
}

# one_iperf SERVER MODE DIR: one iperf3 run; stores Mbit/s and worker CPU-seconds per GB
one_iperf() {
	local srv=$1 mode=$2 dir=$3 sip wk t0 t1 a0 a1 json out mbit gb key="$2-$3" perfpid="" rev=()
	[ "$dir" = down ] && rev=(-R)
	sip=$(e2e_server_tun_addr "$(e2e_client_ip a)")
	wk=$(e2e_worker_for_ip 192.0.2.2) || { e2e_fail "$srv: no worker for the client"; return 1; }
	iperf_server_start "$sip"
	json="$E2E_RUN/iperf-$srv-$key.json"
	if [ -n "${BENCH_PERF:-}" ] && [ "$srv" = wolfguard ] && [ "$key" = "${BENCH_PERF_RUN:-dtls-up}" ]; then
		mkdir -p "$BENCH_PERF"
		perf record -g -o "$BENCH_PERF/perf.data" -p "$wk" -- sleep "$BENCH_SECS" \
			> "$BENCH_PERF/record.log" 2>&1 &
		perfpid=$!
	fi
	t0=$(cpu_ticks "$wk"); a0=$(cpu_ticks "$(srv_tree)")
	ip netns exec "${E2E_CNS[1]}" timeout $((BENCH_SECS + 20)) iperf3 -c "$sip" -p "$IPERF_PORT" \
		-t "$BENCH_SECS" -J "${rev[@]}" > "$json" 2>>"$E2E_RUN/iperf-c.log"
	t1=$(cpu_ticks "$wk"); a1=$(cpu_ticks "$(srv_tree)")
	[ -n "$perfpid" ] && wait "$perfpid"
	out=$(jq -r '[.end.sum_received.bits_per_second, .end.sum_received.bytes] | @tsv' "$json" 2>/dev/null)
	read -r mbit gb <<< "$(awk -v o="$out" 'BEGIN { split(o, f, "\t"); printf "%.0f %.4f\n", f[1] / 1e6, f[2] / 1e9 }')"
	if [ -z "$out" ] || [ "$gb" = 0.0000 ]; then
		e2e_fail "$srv $key: iperf3 moved nothing: $(e2e_excerpt "$E2E_RUN/iperf-c.log")"
		R[$srv,$key]=n/a; R[$srv,$key-cpu]=n/a; R[$srv,$key-all]=n/a
		return 1
	fi
	R[$srv,$key]=$mbit
	R[$srv,$key-cpu]=$(awk -v t=$((t1 - t0)) -v g="$gb" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / g }')
	R[$srv,$key-all]=$(awk -v t=$((a1 - a0)) -v g="$gb" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / g }')
}

tput_client_up() {	# tput_client_up SERVER MODE
	local log
	if [ "$2" = tls ]; then
		e2e_client_start a 1 alice alicepass -D --no-dtls
	else
		e2e_client_start a 1 alice alicepass -D
	fi
	e2e_client_wait_up a 30 || { e2e_fail "$1 $2: client did not come up"; return 1; }
	[ "$2" = tls ] && return 0
	log=$(e2e_client_log a)
	e2e_wait_for 10 grep -q "Established DTLS connection" "$log" ||
		{ e2e_fail "$1: no DTLS: $(e2e_excerpt "$log")"; return 1; }
}

# keep_best SERVER KEY: of the rounds so far, keep the run with the highest Mbit/s (the machine is
# shared: the best run is the one least disturbed), with its CPU figures.
keep_best() {
	local s=$1 k=$2
	[ "${R[$s,$k]:-n/a}" = n/a ] && return 0
	if [ "${R[$s,$k-best]:-n/a}" = n/a ] || [ "${R[$s,$k]}" -gt "${R[$s,$k-best]}" ]; then
		R[$s,$k-best]=${R[$s,$k]}; R[$s,$k-cpu-best]=${R[$s,$k-cpu]}; R[$s,$k-all-best]=${R[$s,$k-all]}
	fi
	R[$s,$k-runs]+="${R[$s,$k-runs]:+/}${R[$s,$k]}"
}

tput_round() {	# tput_round SERVER
	local srv=$1 mode dir
	bench_server_up "$srv"
	for mode in dtls tls; do
		tput_client_up "$srv" "$mode" || { e2e_client_stop a; continue; }
		for dir in up down; do
			one_iperf "$srv" "$mode" "$dir"
			keep_best "$srv" "$mode-$dir"
		done
		e2e_client_stop a >/dev/null
	done
	bench_server_down
}

phase_tput() {
	local r srv k
	for r in $(seq 1 "$BENCH_ROUNDS"); do
		# alternate the order so neither server always runs first
		if [ $((r % 2)) -eq 1 ]; then tput_round wolfguard; tput_round ocserv
		else tput_round ocserv; tput_round wolfguard; fi
	done
	for srv in "${SERVERS[@]}"; do
		for k in dtls-up dtls-down tls-up tls-down; do
			R[$srv,$k]=${R[$srv,$k-best]:-n/a}; R[$srv,$k-cpu]=${R[$srv,$k-cpu-best]:-n/a}
			R[$srv,$k-all]=${R[$srv,$k-all-best]:-n/a}
		done
	done
	echo
	echo "== throughput: iperf3 -t $BENCH_SECS through the tunnel, compression off, best of $BENCH_ROUNDS (up = client->server)"
	printf '%-10s %-9s %8s %14s %14s  %s\n' server run Mbit/s "wk cpu-s/GB" "all cpu-s/GB" "all rounds"
	for srv in "${SERVERS[@]}"; do
		for k in dtls-up dtls-down tls-up tls-down; do
			printf '%-10s %-9s %8s %14s %14s  %s\n' "$srv" "$k" "${R[$srv,$k]}" \
				"${R[$srv,$k-cpu]}" "${R[$srv,$k-all]}" "${R[$srv,$k-runs]:-}"
		done
	done
	for k in dtls-up dtls-down tls-up tls-down; do
		print_ratio "$k Mbit/s" "$k"
		print_ratio "$k cpu-s/GB" "$k-cpu"
	done
}

# ---------------------------------------------------------------- phase 2: setup time

stamp_lines() {	# prefix each line with the wall clock (bash builtin, no fork per line)
	local l
	while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done
}

# one_setup DIR I: one openconnect run; prints the ms from its start to "Got CONNECT response" and
# to "Configured as", and from its first line (the first POST, i.e. after the client's own start-up,
# which is slow and noisy on a loaded machine) to "Configured as".
one_setup() {
	local dir=$1 i=$2 log t0 pid n f c s tun
	log="$dir/setup-$i.log"
	tun=$(e2e_tun_name s)
	rm -f "$dir/up"
	t0=$EPOCHREALTIME
	E2E_ENVDUMP="$dir/env" E2E_UPMARK="$dir/up" E2E_EVENTS="$dir/events" \
	ip netns exec "${E2E_CNS[1]}" openconnect --non-inter --servercert "$E2E_PIN" -D \
		--script "$E2E_DIR/env-script.sh" -i "$tun" --passwd-on-stdin -u alice \
		"https://$E2E_SRV_IP:$E2E_PORT/" <<< alicepass > >(stamp_lines > "$log") 2>&1 &
	pid=$!
	e2e_wait_for 20 grep -q "Configured as" "$log"
	# let the connect script finish: a signal in the middle of it only adds noise to the log
	e2e_wait_for 5 test -f "$dir/up"
	kill -TERM "$pid" 2>/dev/null
	for n in $(seq 1 100); do e2e_alive "$pid" || break; sleep 0.05; done
	e2e_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	f=$(awk '{ print $1; exit }' "$log")
	c=$(awk '/Got CONNECT response/ { print $1; exit }' "$log")
	s=$(awk '/Configured as/ { print $1; exit }' "$log")
	[ -n "$s" ] || return 1
	awk -v t0="$t0" -v f="$f" -v c="${c:-$s}" -v s="$s" \
		'BEGIN { printf "%.1f %.1f %.1f\n", (c - t0) * 1000, (s - t0) * 1000, (s - f) * 1000 }'
}

phase_setup() {
	local srv i dir v fails
	for srv in "${SERVERS[@]}"; do
		bench_server_up "$srv"
		dir="$E2E_RUN/setup-$srv"; mkdir -p "$dir"
		fails=0
		: > "$dir/ms"
		for i in $(seq 1 "$BENCH_SETUP_N"); do
			if v=$(one_setup "$dir" "$i"); then echo "$v" >> "$dir/ms"; else fails=$((fails + 1)); fi
		done
		[ "$fails" -eq 0 ] || e2e_fail "$srv: $fails of $BENCH_SETUP_N connects did not configure"
		R[$srv,cstp-med]=$(cut -d' ' -f1 "$dir/ms" | quantile 0.5)
		R[$srv,conf-med]=$(cut -d' ' -f2 "$dir/ms" | quantile 0.5)
		R[$srv,conf-p90]=$(cut -d' ' -f2 "$dir/ms" | quantile 0.9)
		R[$srv,post-med]=$(cut -d' ' -f3 "$dir/ms" | quantile 0.5)
		R[$srv,post-p90]=$(cut -d' ' -f3 "$dir/ms" | quantile 0.9)
		R[$srv,setup-n]=$(wc -l < "$dir/ms")
		bench_server_down
	done
	echo
	echo "== setup: $BENCH_SETUP_N sequential connects (DTLS on), ms; start = openconnect exec, POST = its first request"
	printf '%-10s %3s %15s %13s %13s %12s %12s\n' server n "start->CONNECT" "start->Conf." "p90" \
		"POST->Conf." "p90"
	for srv in "${SERVERS[@]}"; do
		printf '%-10s %3s %15s %13s %13s %12s %12s\n' "$srv" "${R[$srv,setup-n]}" \
			"${R[$srv,cstp-med]}" "${R[$srv,conf-med]}" "${R[$srv,conf-p90]}" \
			"${R[$srv,post-med]}" "${R[$srv,post-p90]}"
	done
	print_ratio "setup median ms" conf-med
	print_ratio "setup p90 ms" conf-p90
	print_ratio "setup POST->Conf. median" post-med
}

# ---------------------------------------------------------------- phase 3: memory

phase_mem() {
	local srv i up base tree wk n
	for srv in "${SERVERS[@]}"; do
		bench_server_up "$srv"
		sleep 1	# let main and sec-mod finish starting up before the baseline
		base=$(pss_kb "$(srv_tree)")
		for i in $(seq 1 "$BENCH_MEM_N"); do e2e_client_start "m$i" "$i" alice alicepass -D; done
		up=0
		for i in $(seq 1 "$BENCH_MEM_N"); do e2e_client_wait_up "m$i" 40 && up=$((up + 1)); done
		[ "$up" -eq "$BENCH_MEM_N" ] || e2e_fail "$srv: only $up of $BENCH_MEM_N clients came up"
		sleep 2	# DTLS handshakes and the first keepalives settle
		tree=$(srv_tree)
		wk=$(e2e_worker_pids)
		n=$(echo "$wk" | grep -c .)
		R[$srv,mem-base]=$(awk -v k="$base" 'BEGIN { printf "%.2f", k / 1024 }')
		R[$srv,mem-all]=$(awk -v k="$(pss_kb "$tree")" 'BEGIN { printf "%.2f", k / 1024 }')
		R[$srv,mem-wk]=$(awk -v k="$(pss_kb "$wk")" -v n="$n" 'BEGIN { printf "%.2f", n ? k / 1024 / n : 0 }')
		R[$srv,mem-per]=$(awk -v a="${R[$srv,mem-all]}" -v b="${R[$srv,mem-base]}" -v n="$up" \
			'BEGIN { if (n) printf "%.3f", (a - b) / n; else print "n/a" }')
		R[$srv,mem-n]=$up
		bench_server_down
	done
	echo
	echo "== memory: PSS of main + sec-mod + workers (smaps_rollup), MB"
	printf '%-10s %8s %10s %12s %14s %14s\n' server clients "idle" "loaded" "per worker" "per client"
	for srv in "${SERVERS[@]}"; do
		printf '%-10s %8s %10s %12s %14s %14s\n' "$srv" "${R[$srv,mem-n]}" "${R[$srv,mem-base]}" \
			"${R[$srv,mem-all]}" "${R[$srv,mem-wk]}" "${R[$srv,mem-per]}"
	done
	print_ratio "memory per client MB" mem-per
}

# ---------------------------------------------------------------- main

E2E_NAME=bench-tunnel
e2e_init iperf3 jq
E2E_UDP_PORT=$E2E_PORT
nclients=$BENCH_MEM_N
bench_skipped mem && nclients=1
e2e_topology "$nclients"
e2e_make_cert
e2e_add_user alice alicepass
# compression off on both sides (-D on the client): the tunnel, not the compressor
e2e_write_config "compression = false" "max-clients = $((BENCH_MEM_N + 8))"
started=$(date +%s)
echo "tunnel bench $(date -u +%FT%TZ) on $(nproc) CPU, load $(load_now)"
echo "  wolfguard: ${BIN[wolfguard]}"
echo "  ocserv:    ${BIN[ocserv]} ($(dpkg-query -W -f '${Version}' ocserv 2>/dev/null || echo '?'))"
bench_skipped tput || phase_tput
bench_skipped setup || phase_setup
bench_skipped mem || phase_mem
echo
echo "done in $(( $(date +%s) - started )) s, load $(load_now)"
e2e_finish
