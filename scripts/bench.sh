#!/usr/bin/env bash
# Runs every benchmark program; each writes its own section to
# bench/results/<name>.md, and this script assembles bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
mkdir -p bench/results
for b in "$@"; do
  name=$(basename "$b")
  echo "== $name"
  "$b" "bench/results/$name.md"
done
{
  echo "# medcode benchmark results"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) ($(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))."
  echo "Each figure is a median of repeated runs with its baseline measured in the same run."
  echo "These machines are shared and noisy: compare ratios, not absolute numbers."
  for f in bench/results/*.md; do echo; cat "$f"; done
} > bench/RESULTS.md.tmp
mv bench/RESULTS.md.tmp bench/RESULTS.md
echo "wrote bench/RESULTS.md"
