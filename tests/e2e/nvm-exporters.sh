#!/bin/bash
# tests/e2e/nvm-exporters.sh: two independent exporters over UDP into our decoder and store.
# Runs in: make check (root; exit 77 = skipped).
#
# In a network namespace of its own (nothing touches the root namespace):
#  1. tests/tools/nvm-export (libfixbuf) sends nvzFlow-shaped IPv4/IPv6 flows with PEN 9
#     elements, 300/400-byte strings and module basicLists to tests/tools/nvm-recv, which
#     decodes and stores them; the records and the database rows are checked.
#  2. softflowd -v 10 meters a pcap written by nvm-mkpcap.py and exports standard IPFIX;
#     every flow of the pcap must arrive with its addresses, ports, protocol, packets, bytes.
# A part whose tool is missing (libfixbuf at build time, softflowd) is skipped; both -> 77.
set -u
srcdir=${srcdir:-$(dirname "$0")/../..}
builddir=${builddir:-.}
RECV=${NVM_RECV:-$builddir/tests/tools/nvm-recv}
EXPORT=${NVM_EXPORT:-$builddir/tests/tools/nvm-export}
PY=${PYTHON:-python3}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
command -v ip >/dev/null 2>&1 || skip "iproute2 not installed"
command -v "$PY" >/dev/null 2>&1 || skip "python3 not installed"
[ -x "$RECV" ] || { echo "FAIL: $RECV not built"; exit 1; }

ns=nvmx$$r$RANDOM
tmp=$(mktemp -d /tmp/nvm-exporters.XXXXXX) || exit 1
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	ip netns pids "$ns" 2>/dev/null | while read -r p; do kill "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || skip "cannot create a network namespace"
ip -n "$ns" link set lo up || exit 1
fails=0
ran=0

# start nvm-recv in the namespace, wait (bounded) until its socket is bound
start_recv() {	# name port extra-args...
	local name=$1 port=$2
	shift 2
	ip netns exec "$ns" "$RECV" -l 127.0.0.1 -p "$port" -j -i 3 -T 20 -P "$tmp/$name.pid" \
		"$@" >"$tmp/$name.jsonl" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$tmp/$name.pid" ] && return 0; sleep 0.05; done
	echo "FAIL: nvm-recv did not start"; cat "$tmp/$name.err"; exit 1
}

# --- 1. libfixbuf exporter
"$EXPORT" -o "$tmp/probe.ipfix" -n 1 >/dev/null 2>&1
rc=$?
if [ $rc = 77 ]; then
	echo "SKIP part 1: nvm-export built without libfixbuf"
elif [ $rc != 0 ]; then
	echo "FAIL: nvm-export exited $rc"; fails=$((fails + 1))
else
	ran=$((ran + 1))
	start_recv fixbuf 2055 -c 40 -d "$tmp/nvm.db"
	ip netns exec "$ns" "$EXPORT" -h 127.0.0.1 -p 2055 -n 40 -k 2 >"$tmp/export.out" ||
		{ echo "FAIL: nvm-export over UDP"; fails=$((fails + 1)); }
	wait "${pids[-1]}"
	"$PY" - "$tmp/fixbuf.jsonl" "$tmp/nvm.db" <<'EOF' || fails=$((fails + 1))
import json, sqlite3, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
errs = []
def check(cond, what):
    if not cond:
        errs.append(what)
check(len(recs) == 40, f'{len(recs)} records, want 40')
for i, r in enumerate(recs):
    f = r['f']
    v6 = i % 2 == 1
    check(r['type'] == ('flow6' if v6 else 'flow4') and r['tid'] == (268 if v6 else 267)
          and r['odid'] == 127, f'record {i}: type {r["type"]} tid {r["tid"]}')
    if v6:
        check(f.get('src_v6') == f'2001:db8::1:{i:x}', f'record {i}: src {f.get("src_v6")}')
    else:
        check(f.get('src_v4') == f'10.1.0.{i}', f'record {i}: src {f.get("src_v4")}')
    check(f.get('src_port') == 40000 + i and f.get('dst_port') == (443 if i % 4 else 53),
          f'record {i}: ports')
    user = f.get('user', '')
    check(user.startswith(f'CORP\\user{i % 50}') and len(user) == (300 if i % 10 == 0
          else len(f'CORP\\user{i % 50}')), f'record {i}: user of {len(user)} bytes')
    host = f.get('dest_host', '')
    check(len(host) == (400 if i % 10 == 0 else len(f'host{i % 500}.example.com')),
          f'record {i}: dest_host of {len(host)} bytes')
    mods = f.get('module_names')
    check(mods == [f'mod{i % 5}_{k}.dll' for k in range(i % 4)], f'record {i}: modules {mods}')
    check(isinstance(f.get('module_hashes'), list) and len(f['module_hashes']) == i % 4
          and all(len(h) == 64 for h in f['module_hashes']), f'record {i}: module hashes')
    check(f.get('bytes_in') == 100 + 3 * i and f.get('bytes_out') == (1 << 33 | i),
          f'record {i}: byte counts')
    check(len(f.get('proc_hash', '')) == 64 and len(f.get('udid', '')) == 40,
          f'record {i}: hashes')
db = sqlite3.connect(sys.argv[2])
n, n6, long_users = db.execute("SELECT count(*), sum(family = 6), sum(length(user) = 300)"
                               " FROM flows").fetchone()
check((n, n6, long_users) == (40, 20, 4), f'stored: {n} flows, {n6} v6, {long_users} long users')
row = db.execute("SELECT src_addr, dst_port, proc_name, modules, length(module_hashes)"
                 " FROM flows WHERE start_s = 1700000007").fetchone()
check(row == ('2001:db8::1:7', 443, 'outlook.exe', '["mod2_0.dll","mod2_1.dll","mod2_2.dll"]',
              96), f'stored row 7: {row}')
for e in errs:
    print('FAIL:', e)
print(f'libfixbuf exporter: {len(recs)} records decoded, {n} stored, {len(errs)} errors')
sys.exit(1 if errs else 0)
EOF
fi

# --- 2. softflowd, standard IPFIX from a pcap
if ! command -v softflowd >/dev/null 2>&1 || ! command -v softflowctl >/dev/null 2>&1; then
	echo "SKIP part 2: softflowd not installed"
else
	ran=$((ran + 1))
	"$PY" "$srcdir/tests/e2e/nvm-mkpcap.py" "$tmp/flows.pcap" "$tmp/flows.json" || exit 1
	start_recv softflowd 4739 -i 1
	ip netns exec "$ns" softflowd -d -r "$tmp/flows.pcap" -v 10 -6 -n 127.0.0.1:4739 \
		-p "$tmp/sf.pid" -c "$tmp/sf.ctl" >"$tmp/sf.log" 2>&1 &
	pids+=($!)
	sfpid=$!
	for _ in $(seq 100); do [ -S "$tmp/sf.ctl" ] && break; sleep 0.05; done
	# softflowd 1.1.0 reading a file starts only once a control command wakes its loop;
	# then it reads to EOF, exports every flow and exits. Poke it until it has gone
	# (bounded), and ask it to shut down if it has not.
	for _ in $(seq 50); do
		kill -0 "$sfpid" 2>/dev/null || break
		ip netns exec "$ns" softflowctl -c "$tmp/sf.ctl" statistics >/dev/null 2>&1
		sleep 0.1
	done
	if kill -0 "$sfpid" 2>/dev/null; then
		ip netns exec "$ns" softflowctl -c "$tmp/sf.ctl" shutdown >/dev/null 2>&1
	fi
	wait "$sfpid" 2>/dev/null
	wait "${pids[-2]}"
	"$PY" - "$tmp/softflowd.jsonl" "$tmp/flows.json" <<'EOF' || fails=$((fails + 1))
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want = json.load(open(sys.argv[2]))
errs = []
flows = {}
for r in recs:
    f = r['f']
    if r['type'] not in ('flow4', 'flow6'):
        continue
    fam = 4 if r['type'] == 'flow4' else 6
    key = (fam, f['protocol'], f.get(f'src_v{fam}'), f.get(f'dst_v{fam}'), f['src_port'],
           f['dst_port'])
    flows[key] = (f.get('packets'), f.get('octets'))
for w in want:
    key = (w['family'], w['proto'], w['src'], w['dst'], w['sport'], w['dport'])
    got = flows.get(key)
    if got != (w['packets'], w['bytes']):
        errs.append(f'{key}: got {got}, want {(w["packets"], w["bytes"])}')
if len(flows) != len(want):
    errs.append(f'{len(flows)} flows decoded, want {len(want)}')
for e in errs:
    print('FAIL: softflowd:', e)
print(f'softflowd: {len(flows)} flows decoded, {len(errs)} errors')
sys.exit(1 if errs else 0)
EOF
fi

[ $ran = 0 ] && skip "neither libfixbuf nor softflowd available"
[ $fails = 0 ] && echo "PASS" && exit 0
for f in "$tmp"/*.err "$tmp"/*.log; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done
exit 1
