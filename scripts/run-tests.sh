#!/usr/bin/env bash
# Runs every test: unit test programs (given as arguments), then each
# tests/cli/*.sh script. When the mirror of official files exists, the
# bundles are fetched and built first and data tests are required to run.
# Environment: MEDCODE (CLI binary), BUILD, MIRROR, MEDCODE_VALGRIND.
set -u
cd "$(dirname "$0")/.."
export MEDCODE=${MEDCODE:-build/medcode}
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
MIRROR=${MIRROR:-../shared/data}
fail=0; passed=0; failed_names=()

if [ -d "$MIRROR" ]; then
  export MEDCODE_REQUIRE_DATA=1
  echo "== bundles (mirror $MIRROR)"
  MEDCODE_MIRROR="$MIRROR" "$MEDCODE" data fetch --quiet || exit 1
  "$MEDCODE" build --if-stale --quiet || exit 1
else
  echo "== no mirror at $MIRROR: full-data tests are skipped"
fi

wrap=()
[ -n "${MEDCODE_VALGRIND:-}" ] && wrap=(valgrind -q --error-exitcode=99 --leak-check=full)

for t in "$@"; do
  echo "== $t"
  if "${wrap[@]}" "$t"; then passed=$((passed+1)); else fail=1; failed_names+=("$t"); fi
done
for s in tests/cli/*.sh; do
  [ -e "$s" ] || continue
  echo "== $s"
  if bash "$s"; then passed=$((passed+1)); else fail=1; failed_names+=("$s"); fi
done
echo
if [ $fail -ne 0 ]; then
  echo "FAILED: ${failed_names[*]}"
  exit 1
fi
echo "all $passed test programs passed"
