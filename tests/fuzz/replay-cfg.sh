#!/bin/sh
# tests/fuzz/replay-cfg.sh: replay the ocserv.conf seed corpus without libFuzzer.
# Runs in: make check (from the top build directory; $srcdir is set by automake).
srcdir=${srcdir:-.}
exec ./tests/fuzz/replay-cfg "$srcdir/tests/fuzz/corpus/cfg"
