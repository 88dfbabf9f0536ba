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
{"setting":"inpatient","discharge_date":"2026-05-02","admit_date":"2026-04-28","discharge_status":"01",
 "patient":{"age":72,"sex":"F"},
 "diagnoses":[{"code":"I50.23","poa":"Y"},{"code":"N17.9","poa":"Y"},{"code":"I50.9","poa":"Y"}]}
J
t hf-text 0 'DRG 292  Heart Failure and Shock with CC' -- "$M" group "$tmp/hf.json"
t hf-counted 0 'N17.9 +poa Y  CC +counted' -- "$M" group "$tmp/hf.json"
t hf-json 0 '"drg":292,.*"mdc":5,.*"type":"medical"' -- "$M" group "$tmp/hf.json" --json
t hf-weight 0 '"weight":0.8490,.*"gmlos":2.9,"amlos":3.7' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-mcc 0 '"with_mcc":\{"drg":291' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-alt 0 '"alternative_principals":\[\{"code":"N17.9","result":\{"drg":682' -- "$M" group "$tmp/hf.json" --json
t hf-whatif-add 0 '"added":\[\{"code":"J96.01","result":\{"drg":291.*"changes_drg":true' -- "$M" group "$tmp/hf.json" --json --add J96.01
cat > "$tmp/cdi.json" <<'J'
{"setting":"inpatient","discharge_date":"2026-05-02","admit_date":"2026-04-28","discharge_status":"01","patient":{"age":72,"sex":"F"},
 "diagnoses":[{"code":"J18.9","poa":"Y"},{"code":"I50.9","poa":"Y"},{"code":"E87.8","poa":"Y"}]}
J
t cdi-base 0 'DRG 195 ' -- "$M" group "$tmp/cdi.json"
t cdi-specificity 0 'I50.9 documented as I50.21 \(MCC\) -> DRG 193' -- "$M" group "$tmp/cdi.json"
t cdi-specificity-json 0 '"specificity":\[\{"coded":"I50.9","instead":"I50.21","severity":"MCC","result":\{"drg":193' -- "$M" group "$tmp/cdi.json" --json
t hf-version-421 0 '"version":421,"version_name":"v42.1","fy":2025' -- "$M" group "$tmp/hf.json" --json --version 421
t hf-weight-2025 0 'Table 5 before the 10% cap' -- "$M" group "$tmp/hf.json" --json --version 421

# the version follows the discharge date: v43.0 until 2026-03-31, v43.1 from 2026-04-01
sed 's/2026-05-02/2026-03-31/; s/2026-04-28/2026-03-28/' "$tmp/hf.json" > "$tmp/hf430.json"
t version-by-date-430 0 '"version":430' -- "$M" group "$tmp/hf430.json" --json
sed 's/2026-05-02/2026-04-01/; s/2026-04-28/2026-03-28/' "$tmp/hf.json" > "$tmp/hf431.json"
t version-by-date-431 0 '"version":431' -- "$M" group "$tmp/hf431.json" --json
sed 's/2026-05-02/2022-10-01/; s/2026-04-28/2022-09-28/' "$tmp/hf.json" > "$tmp/hf400.json"
t version-by-date-400 0 '"version":400,"version_name":"v40.0","fy":2023' -- "$M" group "$tmp/hf400.json" --json
# MCE edits of the claim
# (sex edits left the MCE on 2024-10-01: a 2024 discharge still has them)
echo '{"setting":"inpatient","discharge_date":"2024-05-01","admit_date":"2024-04-30","discharge_status":"01","diagnoses":[{"code":"O80","poa":"Y"},{"code":"N40.0","poa":"Y"},{"code":"O80","poa":"Y"}],"procedures":[{"code":"0VTT0ZZ"},{"code":"5A1955Z"},{"code":"0UT90ZZ"}],"patient":{"age":40,"sex":"M"}}' > "$tmp/mce.json"
t mce-sex 1 'SEX_CONFLICT +principal O80' -- "$M" group "$tmp/mce.json"
t mce-dup 1 '"edit":"DUPLICATE_OF_PDX","text":"[^"]*","where":"secondary","index":1,"code":"O80"' -- "$M" group "$tmp/mce.json" --json
t mce-proc-sex 1 '"edit":"SEX_CONFLICT","text":"[^"]*","where":"procedure","index":2,"code":"0UT90ZZ"' -- "$M" group "$tmp/mce.json" --json
t mce-los 1 '"edit":"INCONSISTENT_WITH_LOS".*"code":"5A1955Z"' -- "$M" group "$tmp/mce.json" --json
t mce-prepay 1 '"mce":\{"prepayment":true' -- "$M" group "$tmp/mce.json" --json
sed 's/2024-05-01/2026-05-01/; s/2024-04-30/2026-04-30/' "$tmp/mce.json" > "$tmp/mce26.json"
t mce-no-sex-edits-2026 0 '^no sex edits$' -- sh -c "$M group $tmp/mce26.json | grep -q SEX_CONFLICT || echo no sex edits"

# bad input: a clear message naming the field, exit 2, or an error DRG (exit 1)
echo '{"setting":"inpatient","discharge_date":"2020-01-01","discharge_status":"01","diagnoses":["I50.23"],"patient":{"age":70,"sex":"M"}}' > "$tmp/old.json"
t date-out-of-range 2 'discharge_date 20200101 is outside every grouper version' -- "$M" group "$tmp/old.json"
echo '{"setting":"inpatient","patient":{"age":70,"sex":"M"},"discharge_status":"01","diagnoses":["I50.23"]}' > "$tmp/nodate.json"
t date-missing 2 'date_of_service: missing' -- "$M" group "$tmp/nodate.json"
echo '{"setting":"inpatient","discharge_date":"2026-02-30x","diagnoses":["I50.23"]}' > "$tmp/baddate.json"
t date-bad 2 'discharge_date: .* is not a date' -- "$M" group "$tmp/baddate.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","diagnoses":["I50.23"],"patient":{"age":"old"}}' > "$tmp/badage.json"
t age-bad 2 'patient.age' -- "$M" group "$tmp/badage.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","discharge_status":"01","diagnoses":["I50.23"],"patient":{"sex":"M"}}' > "$tmp/noage.json"
t age-missing 2 'patient.age: missing' -- "$M" group "$tmp/noage.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","discharge_status":"01","diagnoses":["A51.0"],"patient":{"age":40}}' > "$tmp/nosex.json"
t sex-missing 1 'INVALID_SEX' -- "$M" group "$tmp/nosex.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","diagnoses":["A51.0"],"patient":{"age":40,"sex":"X"}}' > "$tmp/badsex.json"
t sex-bad 2 'patient.sex' -- "$M" group "$tmp/badsex.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","diagnoses":["I21.4","I46.9"],"patient":{"age":40,"sex":"M"}}' > "$tmp/nods.json"
t dstat-missing 1 'INVALID_DSTAT|discharge status' -- "$M" group "$tmp/nods.json"
echo '{"setting":"inpatient","discharge_date":"2026-05-01","discharge_status":"01","diagnoses":["Q99.99X"],"patient":{"age":40,"sex":"M"}}' > "$tmp/badcode.json"
t code-invalid 1 'INVALID_PDX' -- "$M" group "$tmp/badcode.json" --json
echo '{"setting":"inpatient","discharge_date":"2026-05-01","patient":{"age":40},"diagnoses":[]}' > "$tmp/nodx.json"
t dx-empty 2 'diagnoses' -- "$M" group "$tmp/nodx.json"
echo '{"discharge_date":"2026-05-01",' > "$tmp/trunc.json"
t json-bad 2 'line 2|JSON|end of file' -- "$M" group "$tmp/trunc.json"
printf '%s\n%s\n' "$(cat "$tmp/hf.json" | tr -d '\n')" '{"setting":"inpatient","discharge_date":"2026-05-01","discharge_status":"01","diagnoses":["K35.80"],"procedures":[{"code":"0DTJ4ZZ"}],"patient":{"age":60,"sex":"M"}}' > "$tmp/batch.jsonl"
t jsonl 0 '"drg":399' -- "$M" group "$tmp/batch.jsonl" --jsonl
{ cat "$tmp/batch.jsonl" "$tmp/noage.json"; tr -d '\n' < "$tmp/hf.json"; echo; } > "$tmp/batch2.jsonl"
t jsonl-bad-line-goes-on 2 '\{"line":3,"error":"patient.age: missing' -- "$M" group "$tmp/batch2.jsonl" --jsonl
t jsonl-bad-line-count 2 '1 of the encounters could not be grouped' -- "$M" group "$tmp/batch2.jsonl" --jsonl
echo '{"setting":"outpatient","date_of_service":"2026-05-01","patient":{"age":40},"diagnoses":["I50.23"]}' > "$tmp/outp.json"
t outpatient 2 'setting: MS-DRG grouping applies to inpatient stays' -- "$M" group "$tmp/outp.json"

[ $fails -eq 0 ] || { echo "$fails drg CLI tests failed"; exit 1; }
