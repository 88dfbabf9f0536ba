#!/usr/bin/env bash
# medcode check: golden cases (tests/golden/edits/*.json: an encounter and the
# exact edits it must produce, order aside), coverage of every edit id, the
# JSONL batch form, and bad input (exit 2 with a message naming the field).
set -u
M=${MEDCODE:-build/medcode}
export MEDCODE_BUNDLES=${MEDCODE_BUNDLES:-build/bundles}
fails=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t() { # t NAME EXPECTED_EXIT PATTERN -- command...
  local name=$1 want=$2 pat=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -qE -- "$pat" <<<"$out"; then
    echo "FAIL $name: exit $rc (want $want), output:"; head -5 <<<"$out"; fails=$((fails+1))
  else echo "ok   $name"; fi
}
command -v jq >/dev/null || { echo "FAIL: jq is required (scripts/install-deps.sh)"; exit 1; }

# ---- bad input: needs no bundle (the encounter is rejected before any look-up) ----
enc='"setting":"outpatient","date_of_service":"2026-01-15","patient":{"age":40}'
printf '{"setting": "inpatient",\n  "diagnoses": [\n    {"code": "I10",}\n  ]}\n' > "$tmp/syntax.json"
t bad-json 2 'syntax.json: line 3, column 20' -- "$M" check "$tmp/syntax.json"
echo '[]' > "$tmp/array.json"
t not-object 2 'expected a JSON object' -- "$M" check "$tmp/array.json"
echo "{\"date_of_service\":\"2026-01-15\"}" > "$tmp/f.json"
t missing-setting 2 'setting: missing' -- "$M" check "$tmp/f.json"
echo "{\"setting\":\"ward\",\"date_of_service\":\"2026-01-15\"}" > "$tmp/f.json"
t unknown-setting 2 "setting: 'ward' is not" -- "$M" check "$tmp/f.json"
echo "{$enc}" > "$tmp/f.json"
t missing-diagnoses 2 'diagnoses: missing' -- "$M" check "$tmp/f.json"
echo "{\"setting\":\"outpatient\",\"date_of_service\":\"2026-01-15\",\"diagnoses\":[\"I10\"]}" > "$tmp/f.json"
t missing-patient 2 'patient: missing' -- "$M" check "$tmp/f.json"
echo "{$enc,\"diagnoses\":\"I10\"}" > "$tmp/f.json"
t wrong-type 2 'diagnoses: expected an array, got a string' -- "$M" check "$tmp/f.json"
echo "{$enc,\"diagnoses\":[{\"code\":\"I10\",\"poa\":\"Q\"}]}" > "$tmp/f.json"
t bad-poa 2 'diagnoses\[0\].poa: expected one of Y, N, U, W, 1 or empty' -- "$M" check "$tmp/f.json"
echo '{"setting":"outpatient","date_of_service":"2026-01-15","patient":{"age":130},"diagnoses":["I10"]}' > "$tmp/f.json"
t impossible-age 2 'patient.age: 130 is impossible' -- "$M" check "$tmp/f.json"
echo '{"setting":"outpatient","date_of_service":"2026-02-30","patient":{"age":30},"diagnoses":["I10"]}' > "$tmp/f.json"
t impossible-date 2 "date_of_service: '2026-02-30' is not a real calendar date" -- "$M" check "$tmp/f.json"
echo '{"setting":"inpatient","admit_date":"2026-01-20","discharge_date":"2026-01-15","patient":{"age":30},"diagnoses":["I10"]}' > "$tmp/f.json"
t discharge-before-admit 2 'discharge_date: before admit_date' -- "$M" check "$tmp/f.json"
{ printf '{%s,"diagnoses":[' "$enc"; for i in $(seq 1 10000); do printf '"I10",'; done; printf '"I10"]}'; } > "$tmp/big.json"
t ten-thousand-dx 2 'diagnoses: 10001 entries, at most 1000 are accepted' -- "$M" check "$tmp/big.json"
t no-input 2 'missing ENCOUNTER.json' -- "$M" check
t bad-option 2 "unknown option '--frob'" -- "$M" check x.json --frob
t missing-file 2 'nope.json' -- "$M" check "$tmp/nope.json"

if [ ! -e "$MEDCODE_BUNDLES/medcode-fy2026.mcb" ] || [ ! -e "$MEDCODE_BUNDLES/medcode-fy2025.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: FY2025/FY2026 bundles missing"; exit 1; fi
  echo "skip: golden edit cases need the FY2025 and FY2026 bundles"
  [ $fails -eq 0 ] || exit 1; exit 0
fi

# ---- golden cases ----
norm='[.[] | {edit, severity, codes}] | sort_by(.edit, .severity, (.codes|join(",")))'
for g in tests/golden/edits/*.json; do
  name=$(basename "$g" .json)
  jq .encounter "$g" > "$tmp/enc.json"
  out=$("$M" check "$tmp/enc.json" --json 2>"$tmp/err"); rc=$?
  want=$(jq -c ".expect | $norm" "$g")
  got=$(jq -c ".edits | $norm" <<<"$out" 2>/dev/null)
  errors=$(jq '[.expect[] | select(.severity == "error")] | length' "$g")
  want_rc=0; [ "$errors" -gt 0 ] && want_rc=1
  if [ "$got" != "$want" ] || [ "$rc" != "$want_rc" ]; then
    echo "FAIL golden/$name (exit $rc, want $want_rc)"; echo "  want $want"; echo "  got  $got"
    head -2 "$tmp/err"; fails=$((fails+1))
  else echo "ok   golden/$name"; fi
done

# every edit id has a golden case, except those the FY2025/FY2026 data cannot produce
# (MCE_SEX_CONFLICT: the v42+ MCE masters carry no sex flags, see docs/edits.md)
for id in $("$M" check --list-edits); do
  [ "$id" = MCE_SEX_CONFLICT ] && continue
  if ! grep -lq "\"edit\": *\"$id\"" tests/golden/edits/*.json; then
    echo "FAIL coverage: no golden case for $id"; fails=$((fails+1))
  fi
done
echo "ok   coverage of $("$M" check --list-edits | wc -l) edit ids"

# clean cases must be valid with no edit at all
for g in tests/golden/edits/clean_*.json; do
  [ "$(jq '.expect | length' "$g")" = 0 ] || { echo "FAIL $g: a clean case expects edits"; fails=$((fails+1)); }
done

# text output names the edit and its source
jq .encounter tests/golden/edits/excludes1_error.json > "$tmp/x.json"
t text-output 1 'EXCLUDES1 \[E10.9, E11.9\]' -- "$M" check "$tmp/x.json"
t text-source 1 'source: ICD-10-CM Tabular, E1[01] Excludes1' -- "$M" check "$tmp/x.json"

# ---- worst case: ~500 mutually exclusive diabetes codes (Excludes1 everywhere): the report
# stops at 10,000 edits, marked truncated, in well under the timeout ----
order=build/release/icd10cm/2026/icd10cm_order_2026.txt
if [ -e "$order" ]; then
  awk '{c=substr($0,7,7); gsub(/ /,"",c); if (substr($0,15,1)=="1" && substr(c,1,3) ~ /^(E08|E09|E10|E11|E13|O24|R73|G63|E16)$/) print c}' "$order" \
    | head -1000 | jq -R . | jq -s '{setting:"outpatient",date_of_service:"2026-01-15",patient:{age:50},diagnoses:.}' > "$tmp/worst.json"
  t worst-case-truncated 1 '"truncated":true' -- timeout 20 "$M" check "$tmp/worst.json" --json
fi

# ---- JSONL batch: a bad line is reported and the batch goes on ----
{ jq -c .encounter tests/golden/edits/clean_outpatient.json
  echo '{"setting": "inpatient", oops}'
  jq -c '.encounter + {"id": "E1"}' tests/golden/edits/excludes1_error.json
  echo ''
  echo '{"setting":"outpatient","date_of_service":"2023-01-15","patient":{"age":40},"diagnoses":["I10"]}'
  jq -c .encounter tests/golden/edits/code_not_yet_valid.json; } > "$tmp/batch.jsonl"
"$M" check --jsonl "$tmp/batch.jsonl" > "$tmp/batch.out" 2>"$tmp/batch.err"; rc=$?
lines=$(wc -l < "$tmp/batch.out")
if [ "$rc" = 2 ] && [ "$lines" = 5 ] \
   && jq -se 'any(.[]; .line == 1 and .valid == true)
              and any(.[]; .line == 2 and (.error | test("line 2, column")))
              and any(.[]; .line == 3 and .id == "E1" and .valid == false)
              and any(.[]; .line == 5 and (.error | test("no bundle for fiscal year 2023")))
              and any(.[]; .line == 6 and .fiscal_year == 2025 and .edits[0].edit == "CODE_NOT_YET_VALID")' \
        "$tmp/batch.out" >/dev/null; then
  echo "ok   jsonl-batch"
else echo "FAIL jsonl-batch (exit $rc, $lines lines)"; cat "$tmp/batch.out"; fails=$((fails+1)); fi

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
