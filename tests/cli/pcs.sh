#!/usr/bin/env bash
# CLI tests for medcode pcs (explain / validate / build) and medcode hcpcs on the
# full-data bundles, including bad input: a malformed code names the bad position,
# a wrong length, an unknown year, unknown options.
set -u
M=${MEDCODE:-build/medcode}
if [ ! -e "${MEDCODE_BUNDLES:-build/bundles}/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: FY2026 bundle missing"; exit 1; fi
  echo "skip: no FY2026 bundle"; exit 0
fi
fails=0
# expect STATUS "PATTERN" -- command...: exit status and a grep -E pattern over stdout+stderr
expect() {
  local want=$1 pat=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL ($*): exit $rc, expected $want"; echo "$out" | head -5; fails=$((fails+1)); return
  fi
  if ! grep -Eq -- "$pat" <<<"$out"; then
    echo "FAIL ($*): output lacks /$pat/"; echo "$out" | head -5; fails=$((fails+1))
  fi
}
# JSON: valid document and a python expression over it (d) must hold
expect_json() {
  local want=$1 expr=$2; shift 3
  local out rc
  out=$("$@" 2>/dev/null); rc=$?
  if [ "$rc" != "$want" ]; then echo "FAIL ($*): exit $rc, expected $want"; fails=$((fails+1)); return; fi
  if ! python3 -c "import json,sys; d=json.loads(sys.stdin.read()); sys.exit(0 if ($expr) else 1)" <<<"$out"; then
    echo "FAIL ($*): JSON check failed: $expr"; echo "$out" | head -c 400; echo; fails=$((fails+1))
  fi
}

expect 0 "Resection of Appendix, Percutaneous Endoscopic Approach" -- $M pcs explain 0DTJ4ZZ
expect 0 "3  Operation +T  Resection" -- $M pcs explain 0dtj4zz
expect 0 "definition: Cutting out or off, without replacement" -- $M pcs explain 0DTJ4ZZ
expect 0 "Dilation of Coronary Artery, One Artery with Intraluminal Device" -- $M pcs explain 02703DZ
expect 0 "valid ICD-10-PCS code for FY2026" -- $M pcs validate 02703DZ
expect 1 "character 4 'X' is not a valid Body Part value after 0DT" -- $M pcs validate 0DTX4ZZ
expect 1 "character 7 'X' is not a valid Qualifier value after 0DTJ4Z \(allowed: G Z\)" -- $M pcs validate 0DTJ4ZX
expect 1 "choices for character 4 \(Body Part\)" -- $M pcs explain 0DTX4ZZ
expect 1 "character 1 'E' is not an ICD-10-PCS section" -- $M pcs validate EDTJ4ZZ
expect 2 "character 3 'I' is not used in ICD-10-PCS" -- $M pcs validate 0DIJ4ZZ
expect 2 "character 4 '-' is not a letter or digit" -- $M pcs validate 0DT-4ZZ
expect 2 "exactly 7 characters, this has 6" -- $M pcs validate 0DTJ4Z
expect 2 "exactly 7 characters, this has 8" -- $M pcs explain 0DTJ4ZZZ
expect 2 "no bundle for fiscal year 2019" -- $M pcs validate 0DTJ4ZZ --year 2019
expect 2 "not a number between" -- $M pcs validate 0DTJ4ZZ --year 1999
expect 2 "not a valid date" -- $M pcs validate 0DTJ4ZZ --date 2025-02-30x
expect 2 "unknown subcommand" -- $M pcs frobnicate 0DTJ4ZZ
expect 2 "missing CODE" -- $M pcs validate
expect 2 "unknown option" -- $M pcs validate 0DTJ4ZZ --bogus
expect 0 "J +Appendix" -- $M pcs build 0DT
expect 0 "choices for character 1 \(Section\)" -- $M pcs build
expect 0 "Z +No Qualifier +-> 0DTJ4ZZ" -- $M pcs build 0DTJ4Z
expect 1 "no valid code starts with it: character 4 'X'" -- $M pcs build 0DTX
expect 2 "at most 6 characters" -- $M pcs build 0DTJ4ZZ
expect_json 0 "d['valid'] and d['code']=='0DTJ4ZZ' and len(d['axes'])==7 and d['axes'][2]['label']=='Resection' and d['axes'][2]['definition'].startswith('Cutting out')" -- $M pcs explain 0DTJ4ZZ --json
expect_json 1 "not d['valid'] and d['error']['position']==4 and d['error']['axis']=='Body Part' and any(v['value']=='J' and v['label']=='Appendix' for v in d['allowed']['values'])" -- $M pcs explain 0DTX4ZZ --json
expect_json 1 "d['position']==7 and d['allowed']==['G','Z']" -- $M pcs validate 0DTJ4ZX --json
expect_json 0 "d['position']==4 and d['axis']=='Body Part' and len(d['values'])==25" -- $M pcs build 0DT --json
# FY2025: FY2026 tables, the FY2025 order file decides
expect 0 "validity from the FY2025" -- $M pcs explain 0SG604Z --year 2025
expect 1 "not in the FY2025 order file" -- $M pcs validate 00H033J --date 2025-03-01
expect 0 "valid" -- $M pcs validate 00H033J --date 2025-10-01
# HCPCS
expect 0 "Injection, dexamethasone sodium phosphate, 1 mg" -- $M hcpcs J1100
expect 0 "BETOS: D1E" -- $M hcpcs a4253
expect 1 "valid on 2025-10-01: no" -- $M hcpcs J2150 --date 2025-10-01
expect 0 "last valid day 2025-09-30" -- $M hcpcs J2150 --date 2025-09-30
expect 1 "not in the HCPCS Level II file" -- $M hcpcs J9998
expect 2 "not an HCPCS code" -- $M hcpcs 'J-1'
expect_json 0 "d['code']=='J1100' and d['fields']['PRICE1']=='51' and d['term_date'] is None" -- $M hcpcs J1100 --json

# golden cases: tests/golden/pcs/cases.tsv (exit, pattern, arguments)
golden=$(dirname "$0")/../golden/pcs/cases.tsv
n_golden=0
while IFS=$'\t' read -r want pat args; do
  case "$want" in ''|'#'*) continue ;; esac
  read -r -a argv <<<"$args"
  expect "$want" "$pat" -- $M "${argv[@]}"
  n_golden=$((n_golden+1))
done < "$golden"
[ "$n_golden" -ge 30 ] || { echo "FAIL: only $n_golden golden cases read"; fails=$((fails+1)); }

if [ $fails -ne 0 ]; then echo "pcs.sh: $fails failure(s)"; exit 1; fi
echo "pcs.sh: all passed"
