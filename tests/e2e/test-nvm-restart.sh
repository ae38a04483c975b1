#!/bin/bash
# tests/e2e/test-nvm-restart.sh: kill -9 of ocserv-nvm in the middle of a stream: main starts it
# again, the committed flows are intact, and data without re-sent templates still decodes
# (templates are persisted; NVM re-sends them only daily). Runs in: bash (root).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nvm-common.sh"
e2e_init "$E2E_PY" curl
e2e_require_occtl
nvm_require

mapfile -t cfg < <(nvm_config)
e2e_standard_setup 1 "${cfg[@]}"
nvm_wait_up
cns=${E2E_CNS[1]}
SPORT=40555     # one exporter: templates are scoped per source address and port

flow_ids() { nvm_api "/flows?limit=100000" | nvm_jq '" ".join(str(f["id"]) for f in d["flows"])'; }

# templates once, then 200 data messages; wait past the 1 s batch so all of it is committed
nvm_send "$cns" -p $SPORT "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send"
nvm_send "$cns" -p $SPORT -m data -n 200 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send"
nvm_wait_stored 201
sleep 2.2
committed=$(flow_ids)
n_committed=$(wc -w <<<"$committed")
assert_eq 201 "$n_committed" "flows before the kill"

# a stream in flight (5000 messages, one every 200 us), killed half-way
old=$(nvm_pid)
nvm_send "$cns" -p $SPORT -m data -n 5000 -i 200 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX" &
spid=$!
sleep 0.5
kill -9 "$old" || e2e_fail "cannot kill ocserv-nvm $old"
wait $spid
new=
for i in $(seq 1 100); do
	new=$(nvm_pid)
	[ -n "$new" ] && [ "$new" != "$old" ] && nvm_occtl show nvm status >/dev/null 2>&1 && break
	sleep 0.05
done
[ -n "$new" ] && [ "$new" != "$old" ] || e2e_fatal "main did not restart ocserv-nvm"
assert_contains "$E2E_SRV_LOG" "ocserv-nvm (pid $old) was killed by signal 9" "main's log"

st=$(nvm_occtl -j show nvm status)
assert_eq 4 "$(printf '%s' "$st" | nvm_jq 'd["templates_loaded"]')" "templates reloaded from the database"
after=$(flow_ids)
missing=$("$E2E_PY" -c 'import sys; a = set(sys.argv[1].split()); b = set(sys.argv[2].split()); print(len(a - b))' "$committed" "$after")
assert_eq 0 "$missing" "committed flows missing after kill -9"
total=$(wc -w <<<"$after")
[ "$total" -ge "$n_committed" ] || e2e_fail "flows went from $n_committed to $total"
e2e_log "flows: $n_committed committed before the stream, $total after the kill"
if command -v sqlite3 >/dev/null; then
	assert_eq ok "$(sqlite3 "file:$NVM_DB?mode=ro" 'PRAGMA integrity_check' 2>&1)" "database integrity"
fi

# data only, no templates: decodes with the persisted templates
nvm_send "$cns" -p $SPORT -m data -n 3 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send"
nvm_wait_stored 3
st=$(nvm_occtl -j show nvm status)
assert_eq "3 0" "$(printf '%s' "$st" | nvm_jq '"%d %d" % (d["exporters"][0]["records"], d["exporters"][0]["drop_unknown_template"])')" \
	"data records decoded without templates after the restart (records, unknown-template drops)"
assert_eq $((total + 3)) "$(wc -w <<<"$(flow_ids)")" "flows after the restart"
e2e_server_alive || e2e_fail "server died"
e2e_finish
