#!/usr/bin/env bash
# medcode deid: modes, JSON output, batches, and refusal of bad input (no bundle needed).
set -u
M=${MEDCODE:-build/medcode}
fail() { echo "FAIL: $*"; exit 1; }
note='Patient: Rosa Delgado   MRN: 4471-2290
Seen 03/14/2024 by Dr. Okafor; call (312) 555-0187. Parkinson disease, on metformin.'
out=$(printf '%s' "$note" | "$M" deid -) || fail "redact exit $?"
grep -q '\[NAME\]' <<<"$out" || fail "no [NAME] in: $out"
grep -q 'Delgado\|Okafor\|4471-2290\|555-0187\|03/14' <<<"$out" && fail "PHI left in: $out"
grep -q 'Parkinson disease, on metformin' <<<"$out" || fail "clinical text changed: $out"
js=$(printf '%s' "$note" | "$M" deid --mode tag --json -) || fail "tag exit $?"
python3 - "$js" <<'PY' || fail "tag JSON"
import json, sys
d = json.loads(sys.argv[1])
types = {s["type"] for s in d["spans"]}
assert {"NAME", "MRN", "DATE", "PHONE"} <= types, types
assert all(0 <= s["start"] < s["end"] and 0 < s["confidence"] <= 1 for s in d["spans"])
PY
a=$(printf '%s' "$note" | "$M" deid --mode surrogate --seed 5 -)
b=$(printf '%s' "$note" | "$M" deid --mode surrogate --seed 5 -)
[ "$a" = "$b" ] || fail "surrogates not reproducible with --seed"
grep -q 'Delgado\|Okafor' <<<"$a" && fail "surrogate kept a name: $a"
lines=$(printf '{"id":1,"text":"Call Dr. Smith at 617-555-0100."}\n"MRN: 99887766"\n{"id":3}\n' | "$M" deid --jsonl -)
rc=$?
[ "$rc" = 1 ] || fail "jsonl with a bad record should exit 1, got $rc"
[ "$(wc -l <<<"$lines")" = 3 ] || fail "jsonl lines: $lines"
grep -q '"id":3,"line":3,"error"' <<<"$lines" || fail "jsonl error record: $lines"
printf 'ab\0cd' | "$M" deid - 2>/tmp/deid_err.$$ >/tmp/deid_out.$$; rc=$?
[ "$rc" = 2 ] && grep -q 'binary' /tmp/deid_err.$$ && [ ! -s /tmp/deid_out.$$ ] || fail "binary input: rc=$rc"
printf 'Jane \xff Doe' | "$M" deid - 2>/tmp/deid_err.$$ >/tmp/deid_out.$$; rc=$?
[ "$rc" = 2 ] && grep -q 'UTF-8' /tmp/deid_err.$$ && ! grep -q Doe /tmp/deid_err.$$ || fail "invalid UTF-8: rc=$rc"
head -c 2000 /dev/zero | tr '\0' 'a' | "$M" deid --max-bytes 1000 - >/dev/null 2>&1; [ $? = 2 ] || fail "size limit"
"$M" deid --mode bogus - </dev/null >/dev/null 2>&1; [ $? = 2 ] || fail "bad mode"
rm -f /tmp/deid_err.$$ /tmp/deid_out.$$
echo "deid CLI ok"
