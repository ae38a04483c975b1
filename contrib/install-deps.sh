#!/bin/sh
# contrib/install-deps.sh: every Debian 12 package wolfguard needs to build, test and benchmark.
set -e
PKGS="build-essential autoconf automake pkg-config git
 libgnutls28-dev gnutls-bin libev-dev libtalloc-dev libprotobuf-c-dev protobuf-c-compiler
 libnl-3-dev libnl-route-3-dev libseccomp-dev libsqlite3-dev sqlite3 libxml2-dev
 libhttp-parser-dev libcmocka-dev liblz4-dev libcrypt-dev libpam0g-dev libradcli-dev
 liboath-dev libreadline-dev
 clang libclang-rt-14-dev
 openconnect ocserv iproute2 iputils-ping iperf3 procps psmisc python3 tshark libfixbuf-dev
 softflowd nftables"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture; answer no without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -q --no-install-recommends $missing
