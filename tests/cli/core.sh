#!/usr/bin/env bash
# CLI tests of the code-set engine: lookup / children / info / build / data fetch,
# their exit codes and their errors on bad input.
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

# usage errors need no data
t usage 2 'usage: medcode' -- "$M"
t unknown-command 2 "unknown command 'frobnicate'" -- "$M" frobnicate
t lookup-no-code 2 'missing CODE' -- "$M" lookup
t bad-year 2 "--year: 'abc' is not a number" -- "$M" lookup E11.9 --year abc
t bad-date 2 "not a valid date" -- "$M" lookup E11.9 --date 2025-02-30
t year-and-date 2 "not both" -- "$M" lookup E11.9 --year 2026 --date 2026-01-01
t no-bundle-year 2 "no bundle for fiscal year 2099" -- "$M" lookup E11.9 --year 2099
t corrupt-bundle 2 "(truncated|checksum|not a medcode bundle)" -- \
  env MEDCODE_BUNDLES="$tmp" sh -c "head -c 5000 /dev/urandom > $tmp/medcode-fy2026.mcb; $M lookup E11.9 --year 2026"
t unreadable-mirror 2 "mirror folder /nonexistent does not exist" -- "$M" data fetch --mirror /nonexistent
printf 'icd10cm\t2026\torder\tx.txt\tnotahash\t-\t-\t-\n' > "$tmp/bad.tsv"
t bad-manifest 2 "bad.tsv:1: bad year, file name or sha256" -- env MEDCODE_MANIFEST="$tmp/bad.tsv" "$M" data fetch
mkdir -p "$tmp/mirror/icd10cm/2026"
echo "not the real file" > "$tmp/mirror/icd10cm/2026/order.txt"
printf 'icd10cm\t2026\torder\torder.txt\t%s\t-\ticd10cm/2026/order.txt\t-\n' \
  6dc95c9c7e96c734806e1682f4bf9df76251d60e99199bba0d375ba3dd11026b > "$tmp/m.tsv"
t checksum-mismatch 2 "does not match the manifest" -- \
  env MEDCODE_MANIFEST="$tmp/m.tsv" MEDCODE_RELEASES="$tmp/rel" "$M" data fetch --mirror "$tmp/mirror"
[ -z "$(ls -A "$tmp/rel/icd10cm/2026" 2>/dev/null)" ] \
  && echo "ok   mismatch-leaves-nothing" || { echo "FAIL mismatch-leaves-nothing"; fails=$((fails+1)); }
t missing-release 2 "no icd10cm order release file for FY2031" -- \
  env MEDCODE_RELEASES="$tmp/empty" "$M" build --year 2031 --out "$tmp/x.mcb"
[ ! -e "$tmp/x.mcb" ] && echo "ok   failed-build-writes-nothing" || { echo "FAIL failed-build-writes-nothing"; fails=$((fails+1)); }

if [ ! -f "$MEDCODE_BUNDLES/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: FY2026 bundle missing"; exit 1; fi
  echo "skip: no FY2026 bundle (full-data CLI tests)"; exit $((fails > 0))
fi
t lookup-billable 0 'E11.22  Type 2 diabetes mellitus with diabetic chronic kidney disease' -- "$M" lookup e1122
t lookup-inherited-notes 0 'excludes1 +\[E11\] type 1 diabetes mellitus \(E10.-\)' -- "$M" lookup E11.22
t lookup-chapter-note 0 '\[chapter 19\] Use secondary code' -- "$M" lookup S72.001A
t lookup-header 1 'header, it needs more characters: choose one of E11.21, E11.22, E11.29' -- "$M" lookup E11.2
t lookup-7th-needed 1 'S72.001 requires a 7th character: A \(initial encounter for closed fracture\)' -- "$M" lookup S72.001
t lookup-7th-invalid 1 "'Z' is not a valid 7th character for S72.001" -- "$M" lookup S72.001Z
t lookup-placeholder 1 'placeholder X missing .* use T39.1X1A' -- "$M" lookup T39.11A
t lookup-placeholder-ok 0 'T39.1X1A  Poisoning by 4-Aminophenol derivatives, accidental' -- "$M" lookup T39.1X1A
t lookup-unknown 1 'not in the FY2026 code set' -- "$M" lookup E11.77
t lookup-malformed 2 "not an ICD-10-CM, ICD-10-PCS or HCPCS code" -- "$M" lookup '%%%'
t lookup-by-date 0 'ICD-10-CM FY2025' -- "$M" lookup E11.22 --date 2025-03-01
t lookup-json 0 '"billable":true' -- "$M" lookup E11.22 --json
"$M" lookup S72.001A --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["seventh"]["defined_at"]=="S72" and len(d["seventh"]["characters"])==16 and d["hierarchy"][0]["code"]=="S72"' \
  && echo "ok   json-structure" || { echo "FAIL json-structure"; fails=$((fails+1)); }
t children 0 'E11.21 +\* Type 2 diabetes mellitus with diabetic nephropathy' -- "$M" children E11.2
t children-chapters 0 '^ 4  Endocrine' -- "$M" children
t info 0 'ICD-10-CM: 98186 codes, 74719 billable' -- "$M" info --year 2026
# damage one byte in the middle of a copy of the real bundle: reported, never a crash
cp "$MEDCODE_BUNDLES/medcode-fy2026.mcb" "$tmp/medcode-fy2026.mcb"
size=$(stat -c %s "$tmp/medcode-fy2026.mcb")
printf '\xff' | dd of="$tmp/medcode-fy2026.mcb" bs=1 seek=$((size / 2)) conv=notrunc status=none
t damaged-bundle-verify 2 "checksum mismatch" -- env MEDCODE_BUNDLES="$tmp" "$M" info --verify
t info-verify 0 'ICD-10-CM: 98186 codes' -- "$M" info --verify
t info-sources 0 'CMNOTE +FY2021 .*not this year' -- "$M" info
t lookup-pcs 0 'Resection of Appendix, Percutaneous Endoscopic Approach' -- "$M" lookup 0dtj4zz
t lookup-pcs-invalid 1 "character 7 'X' is not a valid Qualifier" -- "$M" lookup 0DTJ4ZX
t lookup-hcpcs 0 'Injection, dexamethasone sodium phosphate' -- "$M" lookup J1100 --system hcpcs
t lookup-both-systems 0 'A0225 is also an HCPCS code' -- "$M" lookup A0225
t lookup-bad-system 2 "expected icd10cm, icd10pcs or hcpcs" -- "$M" lookup A0225 --system cpt
exit $((fails > 0))
