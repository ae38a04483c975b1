#!/bin/bash
# tests/e2e/test-nvm-collect.sh: NVM records from the real capture are stored, read back through
# occtl and the JSON API, and linked to the VPN user when sent from inside the tunnel.
# Runs in: bash (root).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nvm-common.sh"
e2e_init "$E2E_PY" curl
e2e_require_occtl
nvm_require

mapfile -t cfg < <(nvm_config)
e2e_standard_setup 1 "${cfg[@]}"
nvm_wait_up

# ps shows the collector under its own title, a child of main, not root
pid=$(nvm_pid)
[ -n "$pid" ] || e2e_fail "no ocserv-nvm child of main"
assert_eq nobody "$(ps -o user= -p "$pid" | tr -d ' ')" "ocserv-nvm runs as"
assert_eq 2 "$(awk '/^Seccomp:/ { print $2 }' "/proc/$pid/status")" "ocserv-nvm seccomp mode"

# 1. an exporter outside the VPN: the real capture (4 templates, then one IPv4 flow record)
cns=${E2E_CNS[1]}
nvm_send "$cns" "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send failed"
nvm_wait_stored 1
flows=$(nvm_occtl -j show nvm flows)
assert_eq 0 "$?" "occtl -j show nvm flows exit status"
n=$(printf '%s' "$flows" | nvm_jq 'len(d["flows"])')
assert_eq 1 "$n" "flows stored from the capture"
assert_eq "MYNVM\\dummy11 svchost.exe Unknown" \
	"$(printf '%s' "$flows" | nvm_jq '" ".join([d["flows"][0]["user"], d["flows"][0]["process"], d["flows"][0]["dest_host"]])')" \
	"first flow: user, process, destination host"
assert_eq "None" "$(printf '%s' "$flows" | nvm_jq 'd["flows"][0].get("vpn_user")')" \
	"no VPN user before anyone connected"
text=$(nvm_occtl show nvm flows user 'MYNVM\dummy11' limit 1)
assert_contains "$text" "svchost.exe" "occtl show nvm flows (text)"
assert_eq 1 "$(printf '%s\n' "$text" | grep -c svchost.exe)" "limit 1"
assert_contains "$text" "192.168.0.10" "occtl show nvm flows: source address"

# the JSON API (unix socket) serves the same rows
api=$(nvm_api "/flows?user=MYNVM%5Cdummy11&limit=10")
assert_eq 1 "$(printf '%s' "$api" | nvm_jq 'len(d["flows"])')" "GET /flows?user="
assert_eq 0 "$(nvm_api "/flows?since=4000000000" | nvm_jq 'len(d["flows"])')" "GET /flows?since=future"
assert_contains "$(nvm_api /status)" '"records_stored"' "GET /status"
code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$NVM_API" "http://localhost/nope")
assert_eq 404 "$code" "GET /nope"
code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$NVM_API" "http://localhost/flows?limit=x")
assert_eq 400 "$code" "GET /flows?limit=x"

# 2. a VPN client exporting from its tunnel address: linked to alice and her session
e2e_client_up a 1 alice alicepass
aip=$(e2e_client_ip a)
tun=$(e2e_server_tun_addr "$aip")
before=$(nvm_stored)
nvm_send "$cns" -b "$aip" "$tun" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send through the tunnel failed"
nvm_send "$cns" -b "$aip" -m endpoint "$tun" "$NVM_PORT" "$NVZ_IPFIX" || e2e_fail "nvm-send (endpoint) failed"
nvm_wait_stored $((before + 2))
linked=$(nvm_occtl -j show nvm flows user alice)
assert_eq 1 "$(printf '%s' "$linked" | nvm_jq 'len(d["flows"])')" "flows of VPN user alice"
assert_eq "alice" "$(printf '%s' "$linked" | nvm_jq 'd["flows"][0]["vpn_user"]')" "vpn_user"
sid=$(e2e_occtl -j show users | "$E2E_PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["Session"])')
# occtl prints the first characters of the safe session id
vsid=$(printf '%s' "$linked" | nvm_jq 'd["flows"][0]["vpn_session"]')
assert_eq "$sid" "${vsid:0:${#sid}}" "vpn_session starts with occtl's session id"
[ ${#sid} -ge 6 ] || e2e_fail "occtl session id '$sid' too short"
assert_contains "$(printf '%s' "$linked" | nvm_jq 'd["flows"][0]["exporter"]')" "$aip:" "exporter is the tunnel address"
eps=$(nvm_api '/endpoints?user=alice')
assert_eq "alice E2E-HOST-1 Windows 10" "$(printf '%s' "$eps" | nvm_jq '" ".join([d["endpoints"][0]["vpn_user"], d["endpoints"][0]["host_name"], d["endpoints"][0]["os_name"]])')" "endpoint record linked"
assert_contains "$(nvm_occtl show nvm endpoints)" "E2E-HOST-1" "occtl show nvm endpoints"
st=$(nvm_occtl -j show nvm status)
assert_eq 1 "$(printf '%s' "$st" | nvm_jq 'd["vpn_sessions"]')" "VPN sessions known to ocserv-nvm"
assert_eq alice "$(printf '%s' "$st" | nvm_jq '[e.get("vpn_user") for e in d["exporters"] if e["name"].startswith("'"$aip"':")][0]')" \
	"status shows the exporter's VPN user"
# the unlinked rows stay unlinked
assert_eq 1 "$(nvm_api '/flows?limit=0' | nvm_jq 'len([f for f in d["flows"] if "vpn_user" not in f])')" \
	"rows from outside the VPN keep no VPN user"

# after the disconnect, new records from that address are no longer linked
e2e_client_stop a
for i in $(seq 1 40); do
	[ "$(nvm_occtl -j show nvm status | nvm_jq 'd["vpn_sessions"]')" = 0 ] && break
	sleep 0.05
done
assert_eq 0 "$(nvm_occtl -j show nvm status | nvm_jq 'd["vpn_sessions"]')" "session gone after disconnect"
e2e_server_alive || e2e_fail "server died"
e2e_finish
