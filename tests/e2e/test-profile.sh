#!/bin/bash
# tests/e2e/test-profile.sh: user-profile push. The login's success document carries the
# profile manifest (URI + SHA-1); openconnect -x FILE fetches the profile when its local copy's
# hash differs and rewrites FILE with exactly the server's bytes. Runs in: bash (root).
. "$(dirname "$0")/common.sh"
e2e_init
e2e_topology 1
e2e_make_cert
e2e_add_user alice alicepass
cat > "$E2E_RUN/profile.xml" <<-'XML'
<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/">
	<ClientInitialization>
		<StrictCertificateTrust>false</StrictCertificateTrust>
	</ClientInitialization>
	<ServerList>
		<HostEntry>
			<HostName>wolfguard test</HostName>
			<HostAddress>192.0.2.1</HostAddress>
		</HostEntry>
	</ServerList>
</AnyConnectProfile>
XML
e2e_write_config "user-profile = $E2E_RUN/profile.xml"
e2e_server_start

local_copy=$E2E_RUN/client-profile.xml
printf '<?xml version="1.0" encoding="UTF-8"?>\n<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/"></AnyConnectProfile>\n' > "$local_copy"
e2e_client_up a 1 alice alicepass --xmlconfig "$local_copy"
assert_eq "$(sha1sum < "$E2E_RUN/profile.xml")" "$(sha1sum < "$local_copy")" "client's profile after login"
e2e_finish
