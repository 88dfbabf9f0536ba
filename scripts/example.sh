#!/usr/bin/env bash
# The worked example `make run` ends with: a few look-ups a coder does every day.
set -u
medcode=${1:-build/medcode}
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
run() { echo; echo "\$ medcode $*"; "$medcode" "$@"; }
run info
run lookup E11.22
run lookup S72.001
run lookup T39.11A
for extra in "pcs explain 0DTJ4ZZ" "index Diabetes, type 2, with, chronic kidney disease"; do
  set -- $extra
  "$medcode" --help | grep -q "^  $1 " && run "$@"
done
exit 0
