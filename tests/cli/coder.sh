#!/usr/bin/env bash
# medcode code: JSON shape, evidence offsets, assertion, bad input.
set -u
M=${MEDCODE:-build/medcode}
B=${MEDCODE_BUNDLES:-build/bundles}
if [ ! -f "$B/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "coder.sh: bundle missing"; exit 1; fi
  echo "coder.sh: skip (no bundle)"; exit 0
fi
fail=0
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
check() { if eval "$2"; then :; else echo "FAIL $1"; fail=1; fi; }

printf 'Assessment: Type 2 diabetes mellitus with diabetic chronic kidney disease, CKD stage 3a. Denies chest pain.\n' > "$t/a.txt"
"$M" code --json "$t/a.txt" > "$t/a.json"; rc=$?
check "exit 0" "[ $rc -eq 0 ]"
python3 - "$t/a.txt" "$t/a.json" <<'PY' || fail=1
import json, sys
text = open(sys.argv[1], 'rb').read()
d = json.load(open(sys.argv[2]))
assert set(d) == {"setting", "year", "diagnoses", "procedures", "queries", "not_coded"}, d.keys()
codes = [x["code"] for x in d["diagnoses"]]
assert "E11.22" in codes and "N18.31" in codes, codes
for x in d["diagnoses"]:
    assert set(x) == {"code", "title", "principal", "confidence", "evidence", "rationale"}
    for e in x["evidence"]:
        assert text[e["start"]:e["end"]].decode() == e["text"], e
assert any(n["reason"] == "negated" and n["text"] == "chest pain" for n in d["not_coded"]), d["not_coded"]
PY

# uncertain: inpatient codes it, outpatient does not (Guidelines II.H, IV.H)
printf 'Impression: fever and cough, probable pneumonia.\n' > "$t/u.txt"
check "inpatient uncertain" "\"$M\" code --setting inpatient --json \"$t/u.txt\" | grep -q '\"J18.9\"'"
check "outpatient uncertain" "! \"$M\" code --setting outpatient --json \"$t/u.txt\" | grep -q '\"J18.9\"'"
check "outpatient symptoms" "\"$M\" code --json \"$t/u.txt\" | grep -q '\"R50.9\"'"

# bad input: exit 2 with one line
printf 'ab\0cd' > "$t/bin.txt"
"$M" code "$t/bin.txt" > /dev/null 2> "$t/err"; rc=$?
check "binary exit 2" "[ $rc -eq 2 ] && [ \$(wc -l < \"$t/err\") -eq 1 ]"
printf '\xff\xfe bad' > "$t/utf.txt"
"$M" code "$t/utf.txt" > /dev/null 2>&1; rc=$?
check "invalid utf-8 exit 2" "[ $rc -eq 2 ]"
: > "$t/empty.txt"
check "empty note" "\"$M\" code --json \"$t/empty.txt\" | grep -q '\"diagnoses\":\\[\\]'"
check "usage" "! \"$M\" code --setting nowhere x 2>/dev/null"

# another language: a well-formed result with nothing coded
printf 'Mujer de 29 a\xc3\xb1os con antecedentes de ulcus duodenal y estre\xc3\xb1imiento que consulta por dolor en fosa renal derecha compatible con crisis renoureteral. No antecedentes de nefrolitiasis. La paciente refiere fiebre de tres d\xc3\xadas de evoluci\xc3\xb3n y dolor lumbar que no cede con analgesia habitual.\n' > "$t/es.txt"
check "other language" "\"$M\" code --json \"$t/es.txt\" | grep -q '\"diagnoses\":\\[\\],.*does not appear to be English'"
# a note over the size limit: one line, exit 2, nothing on stdout
head -c 17000000 /dev/zero | tr '\0' 'a' > "$t/big.txt"
"$M" code "$t/big.txt" > "$t/big.out" 2> "$t/big.err"; rc=$?
check "large note" "[ $rc -eq 2 ] && [ ! -s \"$t/big.out\" ] && grep -q 'larger than' \"$t/big.err\""

# jsonl: one output line per input line, ids kept
printf '{"id":1,"text":"Hypertension."}\n{"id":"b","text":"No acute distress."}\n' > "$t/in.jsonl"
"$M" code --jsonl "$t/in.jsonl" > "$t/out.jsonl"
check "jsonl lines" "[ \$(wc -l < \"$t/out.jsonl\") -eq 2 ] && grep -q '^{\"id\":1,.*\"I10\"' \"$t/out.jsonl\""

# a learned model: a code it calibrates below its threshold is dropped, a learned phrase adds one
printf 'W\tR50.9\t0\t40\nL\tM79.606\t18\t20\tleg\nT\t0.5\n' > "$t/m.model"
printf 'Assessment: Fever and leg discomfort.\n' > "$t/m.txt"
"$M" code --annotate --model "$t/m.model" "$t/m.txt" > "$t/m.out"; rc=$?
check "model calibration drops" "[ $rc -eq 0 ] && ! grep -q 'R50.9' \"$t/m.out\" && \"$M\" code \"$t/m.txt\" | grep -q 'R50.9'"
check "model learned phrase" "grep -q 'M79.606' \"$t/m.out\" && grep -q 'Learned from coded training notes' \"$t/m.out\""
"$M" code --model "$t/nonexistent.model" "$t/m.txt" > "$t/m2.out" 2> "$t/m2.err"; rc=$?
check "model missing" "[ $rc -eq 2 ] && [ ! -s \"$t/m2.out\" ] && grep -q -- '--model' \"$t/m2.err\""

[ $fail -eq 0 ] && echo "coder.sh: all passed"
exit $fail
