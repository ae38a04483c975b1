#!/bin/bash
# tests/e2e/test-config-check.sh: `ocserv -t` accepts a valid configuration and refuses broken ones
# with the reason. Debian's ocserv 1.1.6 accepts `ipv4-network = notanip` (E2E-NOTES); catching it
# is ours, so that case is only asserted for wolfguard. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_topology 1
e2e_make_cert
e2e_add_user alice alicepass
e2e_write_config

check() {	# check WANT-STATUS(0|nonzero) CONFIG-FILE [MESSAGE]
	local out rc
	out=$("$OCSERV_BIN" -t -c "$2" 2>&1)
	rc=$?
	if [ "$1" = 0 ]; then
		assert_eq 0 "$rc" "ocserv -t status for $(basename "$2")"
	else
		assert_ne 0 "$rc" "ocserv -t status for $(basename "$2")"
		[ -n "${3:-}" ] && assert_contains "$out" "$3" "ocserv -t message"
	fi
}

check 0 "$E2E_CONF"
{ grep -v '^server-key' "$E2E_CONF"; } > "$E2E_RUN/nokey.conf"
check 1 "$E2E_RUN/nokey.conf"
check 1 "$E2E_RUN/does-not-exist.conf"
if [ "$E2E_STRICT" = 1 ]; then
	{ cat "$E2E_CONF"; echo "this line has no equals sign"; } > "$E2E_RUN/syntax.conf"
	check 1 "$E2E_RUN/syntax.conf" "syntax.conf:"
	{ grep -v '^ipv4-network' "$E2E_CONF"; echo "ipv4-network = notanip"; } > "$E2E_RUN/badnet.conf"
	check 1 "$E2E_RUN/badnet.conf" "notanip"
	{ cat "$E2E_CONF"; echo "tcp-port = 12abc"; } > "$E2E_RUN/badnum.conf"
	check 1 "$E2E_RUN/badnum.conf" "badnum.conf:"
	# unknown options warn and are skipped, as in ocserv
	{ cat "$E2E_CONF"; echo "no-such-option = 1"; } > "$E2E_RUN/unknown.conf"
	check 0 "$E2E_RUN/unknown.conf"
fi
e2e_finish
