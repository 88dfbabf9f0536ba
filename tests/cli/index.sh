#!/usr/bin/env bash
# CLI tests for `medcode index`: exit codes, human and JSON output, bad input.
# Golden walks run in tests/unit/test_index.c (tests/golden/index/walks.tsv).
set -u
M=${MEDCODE:-build/medcode}
B=${MEDCODE_BUNDLES:-build/bundles}
if [ ! -e "$B/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: FY2026 bundle missing"; exit 1; fi
  echo "skip: no FY2026 bundle"; exit 0
fi
fail=0
check() { # name expected-exit command... ; output in $out
  local name=$1 want=$2; shift 2
  out=$("$@" 2>&1); local rc=$?
  if [ "$rc" != "$want" ]; then echo "FAIL $name: exit $rc, expected $want"; echo "$out" | head -5; fail=1; return 1; fi
  return 0
}
has() { # name text
  if ! grep -qF -- "$2" <<<"$out"; then echo "FAIL $1: output lacks '$2'"; echo "$out" | head -20; fail=1; fi
}

check walk 0 "$M" index "Diabetes, type 2, with, chronic kidney disease" && {
  has walk "code: E11.22"; has walk "Diabetes, diabetic (mellitus) (sugar)"; has walk "billable"; }
check with 0 "$M" index "diabetes, chronic kidney disease" && has with "I.A.15"
check see 0 "$M" index "Abdominalgia" && { has see "followed: Pain, abdominal"; has see "code: R10.9"; }
check header 0 "$M" index "Fracture, femur, neck" && {
  has header "question: Laterality"; has header "S72.001"; }
check incomplete 0 "$M" index "Diabetes, type 2, with" && has incomplete "choose a subterm"
check stopped 1 "$M" index "Pneumonia, flurble" && has stopped "stopped: 'flurble'"
check unknown 1 "$M" index "Pneumo" && { has unknown "nearest main terms"; has unknown "Pneumonia"; }
check typo 0 "$M" index "Diabetis mellitis" && { has typo "approximate match"; has typo "E11.9"; }
check empty 2 "$M" index ""
check blank 2 "$M" index " , , "
check noarg 2 "$M" index
check badopt 2 "$M" index --frob x
check badbeh 2 "$M" index --neoplasm "breast" --behavior awful
check nobeh 2 "$M" index --neoplasm "breast"
check badyear 2 "$M" index --year 1900 "Pneumonia"
check neo 0 "$M" index --neoplasm "breast, upper outer quadrant" --behavior malignant-primary && {
  has neo "cell: C50.4-"; has neo "question: Sex: female or male?"; }
check drug 0 "$M" index --drug acetaminophen --intent accidental --encounter initial && {
  has drug "T39.1X1A"; has drug "billable"; }
check drug6 0 "$M" index --drug acetaminophen --intent adverse && {
  has drug6 "cell: T39.1X5"; has drug6 "Episode of care"; }
check drugnone 1 "$M" index --drug "2-propanol" --intent adverse && has drugnone "no code in this column"
check ext 0 "$M" index --external "fall, from, ladder" && has ext "W11"
check search 0 "$M" index --search "femur neck fracture" && has search "Fracture, traumatic, femur, femoral, upper end, neck  S72.00-"
check json 0 "$M" index --json "Abdominalgia" && {
  has json '"code":"R10.9"'; has json '"status":"code"'; has json '"see_followed":["Pain, abdominal"]'; }
check jsonunk 1 "$M" index --json "Zzyzxq" && has jsonunk '"status":"not_found"'
check year 0 "$M" index --year 2025 "Pneumonia" && has year "FY2025"

# a code the index gives but the bundle year's code set lacks is reported, never shown as valid
if [ -e "$B/medcode-fy2021.mcb" ]; then
  check notinyear 1 "$M" index --year 2021 "Abnormal, neonatal screening" && has notinyear "NOT in the FY2021 code set"
  check notinyearjson 1 "$M" index --json --year 2021 "Abnormal, neonatal screening" && has notinyearjson '"status":"not_in_year"'
fi

[ $fail -eq 0 ] && echo "index CLI: all checks passed"
exit $fail
