#!/usr/bin/env bash
# Builds and runs each fuzz target for a bounded time: fuzz.sh BUILD SECONDS fuzz/fuzz_x.c ...
set -eu
build=$1; secs=$2; shift 2
LIBS="-lexpat -ljansson -lpcre2-8 -lxxhash -lstemmer -lutf8proc -lsqlite3 -lsodium -lm -lpthread"
for src in "$@"; do
  name=$(basename "$src" .c)
  bin=$build/fuzz/$name
  mkdir -p "$build/fuzz" "fuzz/corpus/$name"
  clang -O1 -g -std=c17 -D_GNU_SOURCE -Iinclude -Isrc -I$build/gen -I/usr/include/libstemmer \
    -fsanitize=fuzzer,address,undefined -o "$bin" "$src" "$build/libmedcode.a" $LIBS
  work=$(mktemp -d)
  echo "== $name ($secs s)"
  if ! "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix="$build/fuzz/$name-" "$work" "fuzz/corpus/$name" > "$build/fuzz/$name.log" 2>&1; then
    tail -n 30 "$build/fuzz/$name.log"; echo "FAIL $name: see $build/fuzz/$name.log and $build/fuzz/$name-crash-*"
    failed=1
  else
    grep -E '^Done' "$build/fuzz/$name.log"
  fi
  rm -rf "$work"
done
exit ${failed:-0}
