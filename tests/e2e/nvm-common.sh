# tests/e2e/nvm-common.sh: helpers for the NVM collector tests; sourced after common.sh. Runs in: bash (root).
#
# The collector (ocserv-nvm) is wolfguard's own, so these tests skip against Debian's ocserv.
# The exporter is tests/e2e/nvm-send (built by make check) replaying the real NVM capture
# shared/data/nvzflow/nvz.ipfix (NVZ_IPFIX=... overrides; CI has shared/ beside the tree).

NVM_PORT=${NVM_PORT:-2055}
NVM_SEND=${NVM_SEND:-$WG_BUILDDIR/tests/e2e/nvm-send}

nvm_require() {
	[ "$OC_SERVER" = wolfguard ] || e2e_skip "the NVM collector is wolfguard's (OC_SERVER=wolfguard)"
	e2e_is_prog "$WG_BUILDDIR/src/ocserv-nvm" || e2e_skip "src/ocserv-nvm not built"
	e2e_is_prog "$NVM_SEND" || e2e_skip "tests/e2e/nvm-send not built (make check builds it)"
	local c
	for c in "${NVZ_IPFIX:-}" "$E2E_TOP/../shared/data/nvzflow/nvz.ipfix" \
		/work/shared/data/nvzflow/nvz.ipfix "$E2E_TOP/tests/data/nvz.ipfix"; do
		[ -n "$c" ] && [ -r "$c" ] && { NVZ_IPFIX=$c; break; }
	done
	[ -r "${NVZ_IPFIX:-}" ] || e2e_skip "no nvz.ipfix capture (set NVZ_IPFIX)"
	command -v curl >/dev/null || e2e_skip "curl missing"
	# the database directory belongs to run-as-user (nobody), as the man page asks
	NVM_DIR="$E2E_RUN/nvm"
	mkdir -p "$NVM_DIR" && chown nobody:nogroup "$NVM_DIR"
	NVM_DB="$NVM_DIR/nvm.sqlite"
	NVM_API="$E2E_RUN/nvm-api.socket"
}

# the config lines every NVM test starts from (more may be given to e2e_standard_setup)
nvm_config() {
	printf '%s\n' "nvm = true" "nvm-port = $NVM_PORT" "nvm-database = $NVM_DB" \
		"nvm-api-socket = $NVM_API" "nvm-retention = 30"
}

nvm_occtl() { e2e_occtl "$@"; }

# pid of the running ocserv-nvm (a child of main with that title), empty if none
nvm_pid() {
	ps -o pid=,args= --ppid "$E2E_SRV_PID" 2>/dev/null | awk '/ocserv-nvm/ { print $1; exit }'
}

# wait until ocserv-nvm answers through main's control socket
nvm_wait_up() {
	local i
	for i in $(seq 1 200); do
		nvm_occtl show nvm status >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	e2e_fatal "ocserv-nvm does not answer 'occtl show nvm status' after 10 s"
}

# nvm_send NS [nvm-send args...] HOST: replay the capture from namespace NS
nvm_send() {
	local ns=$1
	shift
	ip netns exec "$ns" "$NVM_SEND" "$@" >>"$E2E_RUN/nvm-send.log" 2>&1
}

# JSON query through the API socket: nvm_api PATH?QUERY
nvm_api() {
	curl -s --max-time 10 --unix-socket "$NVM_API" "http://localhost$1"
}

# python3 expression over the parsed JSON on stdin, e.g. nvm_jq 'len(d["flows"])'
nvm_jq() {
	"$E2E_PY" -c 'import json, sys
d = json.load(sys.stdin)
print('"$1"')'
}

# records stored so far (from occtl -j show nvm status)
nvm_stored() { nvm_occtl -j show nvm status | nvm_jq 'd["records_stored"]'; }

# wait until records_stored >= N
nvm_wait_stored() {
	local i n=
	for i in $(seq 1 100); do
		n=$(nvm_stored 2>/dev/null)
		[ -n "$n" ] && [ "$n" -ge "$1" ] && return 0
		sleep 0.05
	done
	e2e_fail "expected at least $1 stored records, got '${n}'"
}
