#!/bin/sh
# tests/fuzz/replay-proto.sh: replay the http, auth-xml, cstp and cookie seed corpora without libFuzzer.
# Runs in: make check (from the top build directory; $srcdir is set by automake).
srcdir=${srcdir:-.}
rc=0
for p in http auth-xml cstp cookie; do
	./tests/fuzz/replay-$p "$srcdir/tests/fuzz/corpus/$p" || rc=1
done
exit $rc
