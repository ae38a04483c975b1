#!/bin/bash
# tests/e2e/test-nvm-bad-input.sh: garbage, truncated messages, a wrong version, a template flood
# and a rate above nvm-max-rate are dropped and counted per exporter in "show nvm status";
# the collector keeps running and a well-behaved exporter is still stored. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nvm-common.sh"
e2e_init "$E2E_PY" curl
e2e_require_occtl
nvm_require

mapfile -t cfg < <(nvm_config)
e2e_standard_setup 1 "${cfg[@]}" "nvm-max-rate = 50"
nvm_wait_up
cns=${E2E_CNS[1]}
pid=$(nvm_pid)

# counter summed over the exporters that sent from source port P
sum() { nvm_occtl -j show nvm status | nvm_jq "sum(e['$2'] for e in d['exporters'] if e['name'].endswith(':$1'))"; }

nvm_send "$cns" -p 41001 -m garbage -n 200 "$E2E_SRV_IP" "$NVM_PORT"
nvm_send "$cns" -p 41002 -m truncated -n 20 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
nvm_send "$cns" -p 41003 -m badver -n 20 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
nvm_send "$cns" -p 41004 -m flood -n 2000 "$E2E_SRV_IP" "$NVM_PORT"
nvm_send "$cns" -p 41005 -m data -n 20 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"   # no templates
nvm_send "$cns" -p 41006 -m all -n 500 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"   # over the rate
sleep 0.5

g=$(( $(sum 41001 drop_truncated) + $(sum 41001 drop_bad_version) ))
assert_eq 200 "$g" "garbage: every datagram dropped as truncated or bad version"
assert_eq 0 "$(sum 41001 records)" "garbage: records"
t=$(sum 41002 drop_truncated)
[ "$t" -ge 20 ] || e2e_fail "truncated: expected >= 20 drops, got $t"
assert_eq 40 "$(sum 41003 drop_bad_version)" "version 9 messages dropped"
assert_eq 512 "$(sum 41004 templates)" "template flood: capped at 512 per exporter"
assert_eq $((2000 - 512)) "$(sum 41004 drop_template_cap)" "template flood: refused templates counted"
assert_eq 20 "$(sum 41005 drop_unknown_template)" "data without templates: counted, not decoded"
r=$(sum 41006 drop_rate)
s=$(sum 41006 records)
[ "$r" -gt 0 ] || e2e_fail "expected drops over nvm-max-rate = 50, got $r of $s"
e2e_log "rate: $s records decoded, $r over the rate"

# still the same process, still storing for a good exporter
assert_eq "$pid" "$(nvm_pid)" "ocserv-nvm pid (no crash, no restart)"
before=$(nvm_stored)
nvm_send "$cns" -p 41007 "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
nvm_wait_stored $((before + 1))
text=$(nvm_occtl show nvm status)
assert_contains "$text" "template cap 1488" "occtl show nvm status (text)"
assert_not_contains "$E2E_SRV_LOG" "was killed" "main's log"
e2e_server_alive || e2e_fail "server died"
e2e_finish
