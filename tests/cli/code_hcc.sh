#!/usr/bin/env bash
# CLI tests for `medcode code --hcc`: the HCC annotation and MEAT check in text,
# JSON and JSON Lines output, the model flag, bad usage.
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

cat > "$t/note.txt" <<'EOF2'
Past medical history: chronic obstructive pulmonary disease.

Assessment:
- Acute on chronic diastolic heart failure, improving with intravenous furosemide.
- Chronic diastolic heart failure, discussed with the patient.
- Essential hypertension, controlled.
- Hyperlipidemia, continue atorvastatin 20 mg daily.
EOF2

"$MEDCODE" code --hcc "$t/note.txt" > "$t/out.txt"; rc=$?
check "text exit 0" $([ $rc -eq 0 ]; echo $?)
check "text HCC line" $(has "$t/out.txt" 'HCC V28 224 Acute on Chronic Heart Failure (CNA 0.360)'; echo $?)
check "text hierarchy" $(has "$t/out.txt" '[dropped by HCC 224]'; echo $?)
check "text MEAT" $(has "$t/out.txt" 'A "improving" @'; echo $?)
check "text query" $(has "$t/out.txt" 'MEAT: none (query below)'; echo $?)

"$MEDCODE" code --hcc --json "$t/note.txt" > "$t/out.json"; rc=$?
check "json exit 0" $([ $rc -eq 0 ]; echo $?)
check "json model" $(has "$t/out.json" '"hcc_model":"V28","hcc_payment_year":2026'; echo $?)
check "json dropped_by" $(has "$t/out.json" '"hcc":226,"label":"Heart Failure, Except End-Stage and Acute","coefficient":0.360,"dropped_by":224'; echo $?)
check "json unsupported COPD" $(has "$t/out.json" '"meat":{"met":[],"supported":false,"evidence":[]},"query":true'; echo $?)
check "json summary" $(has "$t/out.json" '"hcc_summary":{"hccs":[{"hcc":224,"label":"Acute on Chronic Heart Failure","coefficient":0.360,"codes":["I50.33"],"meat_supported":true},{"hcc":280,'; echo $?)
check "json summary dropped" $(has "$t/out.json" '"dropped":[{"hcc":226,"by":224}]}'; echo $?)
check "text summary" $(has "$t/out.txt" 'HCC 226 dropped by HCC 224'; echo $?)
check "query names where it was stated" $(has "$t/out.json" 'is documented only in the past medical history, with no sign'; echo $?)
check "json COPD query" $(has "$t/out.json" '"about":"J44.9 Chronic obstructive pulmonary disease, unspecified (HCC 280'; echo $?)
# E78.5 maps to no HCC: no annotation at all
python3 - "$t/out.json" <<'PY' ; check "json E78.5 without hcc, spans slice the note" $?
import json, sys
j = json.load(open(sys.argv[1]))
note = open(sys.argv[1].replace("out.json", "note.txt"), "rb").read()
d = {x["code"]: x for x in j["diagnoses"]}
assert "hcc" not in d["E78.5"], d["E78.5"]
for x in j["diagnoses"]:
    for e in x.get("hcc", {}).get("meat", {}).get("evidence", []):
        assert note[e["start"]:e["end"]].decode() == e["text"], e
PY

"$MEDCODE" code --hcc-model V24 --json "$t/note.txt" > "$t/v24.json"; rc=$?
check "V24 exit 0" $([ $rc -eq 0 ]; echo $?)
check "V24 model" $(has "$t/v24.json" '"hcc_model":"V24"'; echo $?)
check "V24 heart failure HCC 85" $(has "$t/v24.json" '"hcc":85,"label":"Congestive Heart Failure"'; echo $?)

"$MEDCODE" code --json "$t/note.txt" > "$t/plain.json"
check "no hcc without --hcc" $(! has "$t/plain.json" '"hcc'; echo $?)

printf '{"id":"a","text":"Assessment: Schizophrenia, stable on current medications."}\n' > "$t/in.jsonl"
"$MEDCODE" code --hcc --jsonl "$t/in.jsonl" > "$t/out.jsonl"; rc=$?
check "jsonl exit 0" $([ $rc -eq 0 ]; echo $?)
check "jsonl hcc" $(has "$t/out.jsonl" '"id":"a","setting":"outpatient","year":2026,"hcc_model":"V28"'; echo $?)
check "jsonl meat" $(has "$t/out.jsonl" '"met":["M","T"]'; echo $?)

"$MEDCODE" code --hcc-model V99 "$t/note.txt" > "$t/o" 2> "$t/e"; rc=$?
check "bad model exit 2" $([ $rc -eq 2 ]; echo $?)
check "bad model message" $(has "$t/e" "medcode: --hcc-model: 'V99' is neither V28 nor V24"; echo $?)
check "bad model no stdout" $([ ! -s "$t/o" ]; echo $?)

exit $fail
