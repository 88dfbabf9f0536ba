#!/usr/bin/env bash
# CLI tests of the MS-DRG grouper: golden claims (tests/golden/drg/*.tsv, derived
# from the CMS grouper tables), output fields, what-if, and bad input.
set -u
M=${MEDCODE:-build/medcode}
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
fails=0
t() { # t NAME EXPECTED_EXIT PATTERN -- command...
  local name=$1 want=$2 pat=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -qE -- "$pat" <<<"$out"; then
    echo "FAIL $name: exit $rc (want $want), output:"; head -5 <<<"$out"; fails=$((fails+1))
  else echo "ok   $name"; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

t group-usage 2 'missing ENCOUNTER.json' -- "$M" group
t group-bad-version 2 'not a grouper version' -- "$M" group x.json --version 415

year=$(ls "$MEDCODE_BUNDLES"/medcode-fy*.mcb 2>/dev/null | sed 's/.*fy\([0-9]*\).mcb/\1/' | sort -n | tail -1)
if [ -z "$year" ] || ! "$M" group /dev/null --json 2>&1 | grep -qv "no MS-DRG grouper tables"; then
  if [ -z "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "skip: no bundle with MS-DRG tables"; exit 0; fi
  echo "FAIL: no bundle with MS-DRG tables"; exit 1
fi

python3 tests/golden/drg/run.py "$M" tests/golden/drg/*.tsv || fails=$((fails+1))

cat > "$tmp/hf.json" <<'J'
{"discharge_date":"2026-05-02","admit_date":"2026-04-28","discharge_status":"01","age":72,"sex":"F",
 "diagnoses":[{"code":"I50.23","poa":"Y"},{"code":"N17.9","poa":"Y"},{"code":"I50.9","poa":"Y"}]}
J
t hf-text 0 'DRG 292  Heart Failure and Shock with CC' -- "$M" group "$tmp/hf.json"
t hf-counted 0 'N17.9 +poa Y  CC +counted' -- "$M" group "$tmp/hf.json"
t hf-json 0 '"drg":292,.*"mdc":5,.*"type":"medical"' -- "$M" group "$tmp/hf.json" --json
t hf-weight 0 '"weight":0.8490,.*"gmlos":2.9,"amlos":3.7' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-mcc 0 '"with_mcc":\{"drg":291' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-alt 0 '"alternative_principals":\[\{"code":"N17.9","result":\{"drg":682' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-add 0 '"added":\[\{"code":"J96.01","result":\{"drg":291.*"changes_drg":true' -- "$M" group "$tmp/hf.json" --json --add J96.01
t hf-version-421 0 '"version":421,"version_name":"v42.1","fy":2025' -- "$M" group "$tmp/hf.json" --json --version 421
t hf-weight-2025 0 'Table 5 before the 10% cap' -- "$M" group "$tmp/hf.json" --json --version 421

# bad input: a clear message naming the field, exit 2, or an error DRG (exit 1)
echo '{"discharge_date":"2020-01-01","age":70,"sex":"M","discharge_status":1,"diagnoses":["I50.23"]}' > "$tmp/old.json"
t date-out-of-range 2 'discharge_date 20200101 is outside every grouper version' -- "$M" group "$tmp/old.json"
echo '{"age":70,"sex":"M","discharge_status":1,"diagnoses":["I50.23"]}' > "$tmp/nodate.json"
t date-missing 2 'discharge_date is missing' -- "$M" group "$tmp/nodate.json"
echo '{"discharge_date":"2026-02-30x","diagnoses":["I50.23"]}' > "$tmp/baddate.json"
t date-bad 2 'discharge_date: expected a date' -- "$M" group "$tmp/baddate.json"
echo '{"discharge_date":"2026-05-01","age":"old","diagnoses":["I50.23"]}' > "$tmp/badage.json"
t age-bad 2 'age: "old" is not a number' -- "$M" group "$tmp/badage.json"
echo '{"discharge_date":"2026-05-01","sex":"M","discharge_status":1,"diagnoses":["I50.23"]}' > "$tmp/noage.json"
t age-missing 1 'age is missing or outside' -- "$M" group "$tmp/noage.json"
echo '{"discharge_date":"2026-05-01","age":40,"discharge_status":1,"diagnoses":["A51.0"]}' > "$tmp/nosex.json"
t sex-missing 1 'INVALID_SEX' -- "$M" group "$tmp/nosex.json"
echo '{"discharge_date":"2026-05-01","age":40,"sex":"X","diagnoses":["A51.0"]}' > "$tmp/badsex.json"
t sex-bad 2 'sex: "X" is not M, F or U' -- "$M" group "$tmp/badsex.json"
echo '{"discharge_date":"2026-05-01","age":40,"sex":"M","diagnoses":["I21.4","I46.9"]}' > "$tmp/nods.json"
t dstat-missing 1 'INVALID_DSTAT|discharge status' -- "$M" group "$tmp/nods.json"
echo '{"discharge_date":"2026-05-01","age":40,"sex":"M","discharge_status":1,"diagnoses":["Q99.99X"]}' > "$tmp/badcode.json"
t code-invalid 1 'INVALID_PDX' -- "$M" group "$tmp/badcode.json" --json
echo '{"discharge_date":"2026-05-01","diagnoses":[]}' > "$tmp/nodx.json"
t dx-empty 2 'diagnoses: expected a non-empty array' -- "$M" group "$tmp/nodx.json"
echo '{"discharge_date":"2026-05-01",' > "$tmp/trunc.json"
t json-bad 2 'encounter JSON, line' -- "$M" group "$tmp/trunc.json"
printf '%s\n%s\n' "$(cat "$tmp/hf.json" | tr -d '\n')" '{"discharge_date":"2026-05-01","age":60,"sex":"M","discharge_status":1,"diagnoses":["K35.80"],"procedures":["0DTJ4ZZ"]}' > "$tmp/batch.jsonl"
t jsonl 0 '"drg":399' -- "$M" group "$tmp/batch.jsonl" --jsonl

[ $fails -eq 0 ] || { echo "$fails drg CLI tests failed"; exit 1; }
