#!/bin/bash
# tests/e2e/test-nvm-exporters.sh: two exporters that are not Cisco's, read back through occtl
# from the collector running under ocserv: tests/tools/nvm-export (libfixbuf: nvzFlow-shaped
# records with PEN 9 strings over 255 bytes, module basicLists, IPv4 and IPv6) and softflowd
# (standard IPFIX, -v 10) metering a pcap of known flows. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nvm-common.sh"
e2e_init "$E2E_PY"
e2e_require_occtl
nvm_require
EXPORT=${NVM_EXPORT:-$WG_BUILDDIR/tests/tools/nvm-export}
e2e_is_prog "$EXPORT" || e2e_skip "tests/tools/nvm-export not built (make check builds it)"

mapfile -t cfg < <(nvm_config)
e2e_standard_setup 1 "${cfg[@]}"
nvm_wait_up
cns=${E2E_CNS[1]}
ran=0

# 1. libfixbuf: 40 records, 2 per message
if "$EXPORT" -o "$E2E_RUN/probe.ipfix" -n 1 >/dev/null 2>&1; then
	ran=$((ran + 1))
	ip netns exec "$cns" "$EXPORT" -h "$E2E_SRV_IP" -p "$NVM_PORT" -n 40 -k 2 \
		>"$E2E_RUN/export.out" 2>&1 || e2e_fail "nvm-export failed"
	nvm_wait_stored 40
	flows=$(nvm_occtl -j show nvm flows limit 100)
	assert_eq 0 "$?" "occtl -j show nvm flows"
	# nvx-values.h: users CORP\userN padded past 255 bytes (the 3-byte length form), parent
	# services.exe, five process names, module lists
	got=$(printf '%s' "$flows" | nvm_jq 'sorted(set((f["user"][:10], len(f["user"]) > 255, f["parent"]) for f in d["flows"] if f["user"]))' 2>&1)
	assert_contains "$got" "('CORP\\\\user1', True, 'services.exe')" "libfixbuf flows: user and parent"
	n=$(printf '%s' "$flows" | nvm_jq 'sum(1 for f in d["flows"] if f["user"] and f["user"].startswith("CORP"))')
	assert_eq 40 "$n" "libfixbuf flows read back"
	mods=$(printf '%s' "$flows" | nvm_jq 'sum(1 for f in d["flows"] if f["modules"] not in ("", "[]", None))')
	[ "$mods" -ge 1 ] || e2e_fail "no module list read back"
	fams=$(nvm_occtl -j show nvm flows limit 100 | nvm_jq 'sorted(set(f["family"] for f in d["flows"]))')
	assert_eq "[4, 6]" "$fams" "libfixbuf flows: both address families"
else
	e2e_log "nvm-export built without libfixbuf: part 1 skipped"
fi

# 2. softflowd: standard IPFIX from a pcap of known flows
if command -v softflowd >/dev/null && command -v softflowctl >/dev/null; then
	ran=$((ran + 1))
	before=$(nvm_stored)
	"$E2E_PY" "$E2E_DIR/nvm-mkpcap.py" "$E2E_RUN/flows.pcap" "$E2E_RUN/flows.json" ||
		e2e_fatal "nvm-mkpcap.py"
	ip netns exec "$cns" softflowd -d -r "$E2E_RUN/flows.pcap" -v 10 -6 \
		-n "$E2E_SRV_IP:$NVM_PORT" -p "$E2E_RUN/sf.pid" -c "$E2E_RUN/sf.ctl" \
		>"$E2E_RUN/sf.log" 2>&1 &
	sf=$!
	e2e_wait_for 5 test -S "$E2E_RUN/sf.ctl"
	# softflowd reading a file starts once a control command wakes it, then exits at EOF
	for _ in $(seq 50); do
		kill -0 "$sf" 2>/dev/null || break
		ip netns exec "$cns" softflowctl -c "$E2E_RUN/sf.ctl" statistics >/dev/null 2>&1
		sleep 0.1
	done
	kill -0 "$sf" 2>/dev/null &&
		ip netns exec "$cns" softflowctl -c "$E2E_RUN/sf.ctl" shutdown >/dev/null 2>&1
	wait "$sf" 2>/dev/null
	want=$("$E2E_PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$E2E_RUN/flows.json")
	nvm_wait_stored $((before + want))
	nvm_occtl -j show nvm flows limit 1000 > "$E2E_RUN/flows-read.json"
	nvm_occtl -j show nvm status > "$E2E_RUN/status.json"
	"$E2E_PY" - "$E2E_RUN/flows.json" "$E2E_RUN/flows-read.json" <<-'PY' || e2e_fail "softflowd flows"
	import ipaddress, json, sys
	want = json.load(open(sys.argv[1]))
	got = json.load(open(sys.argv[2]))["flows"]
	def key(src, dst, sp, dp, proto):
	    return (str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst)), sp, dp, proto)
	have = {key(f["src_addr"], f["dst_addr"], f["src_port"], f["dst_port"], f["protocol"]) for f in got}
	missing = [w for w in want if key(w["src"], w["dst"], w["sport"], w["dport"], w["proto"]) not in have]
	if missing:
	    print("FAIL: softflowd flows not read back:", missing)
	    sys.exit(1)
	PY
else
	e2e_log "softflowd not installed: part 2 skipped"
fi
[ $ran -gt 0 ] || e2e_skip "neither libfixbuf nor softflowd available"
e2e_finish
