#!/usr/bin/env bash
# CLI tests for `medcode hcc` and `medcode comorbidity`: exit codes, per-patient
# errors that let the batch continue, diagnoses listed rather than dropped, bad usage.
set -u
MEDCODE=${MEDCODE:-build/medcode}
B=${MEDCODE_BUNDLES:-build/bundles}
if [ ! -f "$B/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: no FY2026 bundle"; exit 1; fi
  echo "skip: no FY2026 bundle"; exit 0
fi
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail=0
check() { # name, condition result
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}
has() { grep -qF -- "$2" "$1"; }

cat > "$t/p.jsonl" <<'EOF'
{"id":"p1","age":72,"sex":"F","dual":"non","orec":0,"diagnoses":["E11.22","E11.9","I50.9","J44.9","Z00.00","XYZ!","Z99.99"]}

{"id":"p2","sex":"M","dual":"non","orec":0}
this is not json
{"id":"p3","age":70,"sex":"F","orec":0,"dual":"non","segment":"XYZ"}
{"id":"p4","age":70,"sex":"F","orec":0,"dual":"non","model":"V99"}
{"id":"p5","age":80,"sex":"F","orec":0,"institutional":true,"medicaid":true,"diagnoses":["D66"]}
EOF
"$MEDCODE" hcc "$t/p.jsonl" --json > "$t/out.json"; rc=$?
check "hcc batch with bad patients exits 1" $([ $rc -eq 1 ]; echo $?)
check "hcc summary counts" $(has "$t/out.json" '"summary":{"patients":6,"scored":2,"errors":4'; echo $?)
check "hcc p1 score" $(has "$t/out.json" '"score":1.430'; echo $?)
check "hcc p1 arithmetic" $(has "$t/out.json" '"arithmetic":"0.395 + 0.166 + 0.360 + 0.319 + 0.112 + 0.078 + 0.000 = 1.430"'; echo $?)
check "hcc dropped by hierarchy" $(has "$t/out.json" '"dropped_by_hierarchy":[{"hcc":38,"by":37}]'; echo $?)
check "hcc lists unmapped" $(has "$t/out.json" '{"code":"Z00.00","normalized":"Z00.00","status":"not_mapped"}'; echo $?)
check "hcc lists malformed" $(has "$t/out.json" '{"code":"XYZ!","normalized":"","status":"malformed"}'; echo $?)
check "hcc lists invalid" $(has "$t/out.json" '{"code":"Z99.99","normalized":"Z99.99","status":"invalid"}'; echo $?)
check "hcc source diagnosis" $(has "$t/out.json" '{"hcc":37,"label":"Diabetes with Chronic Complications","diagnoses":["E11.22"]}'; echo $?)
check "hcc missing age error" $(has "$t/out.json" '"id":"p2","model":"V28","payment_year":2026,"status":"error","error":"missing demographic'; echo $?)
check "hcc bad json line error" $(has "$t/out.json" '"line":4,"id":"","status":"error","error":"not valid JSON'; echo $?)
check "hcc unknown segment error" $(has "$t/out.json" '"id":"p3","status":"error","error":"unknown segment"'; echo $?)
check "hcc unknown model error" $(has "$t/out.json" '"id":"p4","status":"error","error":"unknown model'; echo $?)
check "hcc age/sex edit" $(has "$t/out.json" '"age_sex_edit":{"from_hcc":111,"to_hcc":112}'; echo $?)
check "hcc json is one document" $([ "$(wc -l < "$t/out.json")" -eq 1 ]; echo $?)
"$MEDCODE" hcc "$t/p.jsonl" > "$t/out.txt"; check "hcc text output" $(has "$t/out.txt" "score = 0.395 + 0.166"; echo $?)
"$MEDCODE" hcc "$t/p.jsonl" --model V24 --json > "$t/v24.json"
check "hcc V24 model" $(has "$t/v24.json" '"variable":"CNA_DIABETES_CHF"'; echo $?)

head -1 "$t/p.jsonl" > "$t/one.jsonl"
"$MEDCODE" hcc "$t/one.jsonl" --segment CFA > /dev/null; check "hcc clean patient exits 0" $?
"$MEDCODE" hcc "$t/one.jsonl" --model V99 2> "$t/err"; rc=$?
check "hcc unknown model is usage error" $([ $rc -eq 2 ] && has "$t/err" "medcode: hcc: unknown model"; echo $?)
"$MEDCODE" hcc "$t/one.jsonl" --segment XX 2> "$t/err"; rc=$?
check "hcc unknown segment is usage error" $([ $rc -eq 2 ]; echo $?)
"$MEDCODE" hcc "$t/missing.jsonl" 2> "$t/err"; rc=$?
check "hcc missing file" $([ $rc -eq 2 ] && [ "$(wc -l < "$t/err")" -eq 1 ]; echo $?)
"$MEDCODE" hcc "$t/one.jsonl" --year 2025 2> "$t/err"; rc=$?
check "hcc payment year not in bundle" $([ $rc -eq 2 ] && has "$t/err" "payment year"; echo $?)
printf '' | "$MEDCODE" hcc - --json > "$t/empty.json"; check "hcc empty input" $(has "$t/empty.json" '"patients":[]'; echo $?)

cat > "$t/c.jsonl" <<'EOF'
{"id":"a1","diagnoses":["E11.22","E11.9","I50.9","C78.00","C34.90"]}
{"id":"a2","diagnoses":[{"code":"I50.9","poa":"N"},{"code":"E11.9","poa":"Y"}]}
{"id":"a3","diagnoses":[{"code":"I50.9","poa":"Q"}]}
EOF
"$MEDCODE" comorbidity "$t/c.jsonl" --index both --json > "$t/c.json"; rc=$?
check "comorbidity batch exits 1 on a bad record" $([ $rc -eq 1 ]; echo $?)
check "comorbidity elixhauser indices" $(has "$t/c.json" '"readmission_index":22,"mortality_index":34'; echo $?)
check "comorbidity exclusion listed" $(has "$t/c.json" '{"measure":"CMR_DIAB_UNCX","by":"CMR_DIAB_CX"}'; echo $?)
check "comorbidity charlson index" $(has "$t/c.json" '"index":9,"index_quan2011":9'; echo $?)
check "comorbidity not POA listed" $(has "$t/c.json" '{"code":"I50.9","poa":"N","status":"not_poa"}'; echo $?)
check "comorbidity bad poa error" $(has "$t/c.json" '"id":"a3","status":"error"'; echo $?)
"$MEDCODE" comorbidity "$t/c.jsonl" --index nope 2> /dev/null; check "comorbidity bad index" $([ $? -eq 2 ]; echo $?)
exit $fail
