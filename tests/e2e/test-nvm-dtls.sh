#!/bin/bash
# tests/e2e/test-nvm-dtls.sh: with nvm-dtls and nvm-client-ca, an exporter with a certificate
# from that CA is stored; one signed by another CA, one without a certificate and plain IPFIX
# are refused and counted. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/nvm-common.sh"
e2e_init "$E2E_PY" curl
e2e_require_occtl
nvm_require

# a CA for exporters, a client certificate from it, and a rogue CA with its own client
mkcert() {	# mkcert NAME CN [CA-NAME]: NAME-key.pem NAME.pem (self-signed CA without CA-NAME)
	local d=$E2E_RUN/pki
	mkdir -p "$d"
	certtool --generate-privkey --key-type=ecdsa --outfile "$d/$1-key.pem" >/dev/null 2>&1
	if [ -z "${3:-}" ]; then
		printf 'cn = "%s"\nca\ncert_signing_key\nexpiration_days = 7\n' "$2" > "$d/$1.tmpl"
		certtool --generate-self-signed --load-privkey "$d/$1-key.pem" --template "$d/$1.tmpl" \
			--outfile "$d/$1.pem" >/dev/null 2>&1
	else
		printf 'cn = "%s"\ntls_www_client\nsigning_key\nexpiration_days = 7\n' "$2" > "$d/$1.tmpl"
		certtool --generate-certificate --load-privkey "$d/$1-key.pem" --load-ca-certificate "$d/$3.pem" \
			--load-ca-privkey "$d/$3-key.pem" --template "$d/$1.tmpl" --outfile "$d/$1.pem" >/dev/null 2>&1
	fi
	[ -s "$d/$1.pem" ] || e2e_fatal "certtool: $1"
}
mkcert ca "NVM exporters CA"
mkcert client "endpoint-1" ca
mkcert rogue-ca "Someone else"
mkcert rogue "endpoint-2" rogue-ca
P=$E2E_RUN/pki

mapfile -t cfg < <(nvm_config)
# e2e_standard_setup makes the server certificate there; it serves DTLS too
e2e_standard_setup 1 "${cfg[@]}" "nvm-dtls = true" "nvm-cert = $E2E_RUN/server-cert.pem" \
	"nvm-key = $E2E_RUN/server-key.pem" \
	"nvm-client-ca = $P/ca.pem"
nvm_wait_up
cns=${E2E_CNS[1]}

# mutual DTLS with a certificate from nvm-client-ca (the server is checked against its own cert)
nvm_send "$cns" -d -c "$P/client.pem" -k "$P/client-key.pem" -a "$E2E_CERT" \
	"$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
assert_eq 0 "$?" "DTLS exporter with a good certificate"
nvm_wait_stored 1
flows=$(nvm_occtl -j show nvm flows)
assert_eq "svchost.exe" "$(printf '%s' "$flows" | nvm_jq 'd["flows"][0]["process"]')" "flow over DTLS stored"

# a certificate from another CA, and no certificate at all: the handshake fails
nvm_send "$cns" -d -c "$P/rogue.pem" -k "$P/rogue-key.pem" "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
assert_ne 0 "$?" "DTLS exporter with a certificate from another CA"
nvm_send "$cns" -d "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
assert_ne 0 "$?" "DTLS exporter without a certificate"
# plain IPFIX on the DTLS port
nvm_send "$cns" "$E2E_SRV_IP" "$NVM_PORT" "$NVZ_IPFIX"
sleep 0.3
st=$(nvm_occtl -j show nvm status)
assert_eq 1 "$(printf '%s' "$st" | nvm_jq 'd["records_stored"]')" "only the good exporter's record is stored"
assert_eq 1 "$(printf '%s' "$st" | nvm_jq 'd["dtls_handshakes"]')" "DTLS handshakes"
n=$(printf '%s' "$st" | nvm_jq 'd["dtls_failures"]')
[ "$n" -ge 2 ] || e2e_fail "expected >= 2 refused DTLS handshakes, got $n"
assert_eq 2 "$(printf '%s' "$st" | nvm_jq 'd["plain_refused"]')" "plain datagrams refused"
assert_eq True "$(printf '%s' "$st" | nvm_jq 'd["dtls"]')" "status says DTLS"
text=$(nvm_occtl show nvm status)
assert_contains "$text" "DTLS handshakes: 1" "occtl show nvm status (text)"
e2e_server_alive || e2e_fail "server died"
e2e_finish
