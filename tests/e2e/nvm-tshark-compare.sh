#!/bin/sh
# tests/e2e/nvm-tshark-compare.sh: decode the real NVM capture with nvm-dump and with tshark,
# and compare every template and every field. Runs in: make check (exit 77 = skipped).
set -u
srcdir=${srcdir:-$(dirname "$0")/../..}
builddir=${builddir:-.}
NVM_DUMP=${NVM_DUMP:-$builddir/src/nvm/nvm-dump}
PCAP=${1:-${NVZ_PCAP:-}}
if [ -z "$PCAP" ]; then
	for p in "$srcdir/tests/data/nvz.pcap" "$srcdir/../shared/data/nvzflow/nvz.pcap" /work/shared/data/nvzflow/nvz.pcap; do
		[ -r "$p" ] && PCAP=$p && break
	done
fi
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -n "$PCAP" ] && [ -r "$PCAP" ] || { echo "SKIP: no nvz.pcap"; exit 77; }
[ -x "$NVM_DUMP" ] || { echo "FAIL: expected $NVM_DUMP to be built"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# cflow is not tshark's default for 2055/udp in every version: say so
tshark -r "$PCAP" -d udp.port==2055,cflow -T json --no-duplicate-keys >"$tmp/tshark.json" 2>/dev/null ||
	{ echo "FAIL: tshark could not read $PCAP"; exit 1; }
"$NVM_DUMP" "$PCAP" >"$tmp/ours.jsonl" || { echo "FAIL: nvm-dump exited $?"; exit 1; }
python3 "$srcdir/tests/e2e/nvm-tshark-compare.py" "$tmp/tshark.json" "$tmp/ours.jsonl"
