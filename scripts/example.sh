#!/usr/bin/env bash
# The worked example `make run` ends with: a few look-ups a coder does every day.
set -u
medcode=${1:-build/medcode}
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
run() { echo; echo "\$ medcode $*"; "$medcode" "$@"; }
has() { "$medcode" --help | grep -q "^  $1 "; }
run info
run lookup E11.22
run lookup S72.001
run lookup T39.11A
has pcs && run pcs explain 0DTJ4ZZ
has index && run index "Diabetes, type 2, with, chronic kidney disease"
has search && run search "heart attack" --limit 5
exit 0
