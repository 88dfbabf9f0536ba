#!/usr/bin/env bash
# CLI tests of medcode search: ranking cases from tests/golden/search/ranking.tsv,
# typeahead, filters, JSON, and every kind of bad input (exit 2, one clear line).
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

# bad input needs no data: it is refused before the bundle is opened
t empty 2 "^medcode: query has no words" -- "$M" search ""
t missing 2 "missing QUERY" -- "$M" search
t punctuation 2 "^medcode: query has no words" -- "$M" search " .,;-/ ?!"
t long 2 "query is 102400 bytes; the limit is 4096" -- "$M" search "$(head -c 102400 /dev/zero | tr '\0' a)"
t utf8 2 "not valid UTF-8" -- "$M" search "$(printf 'caf\xc3')"
t system 2 "--system 'icd9' is not a code system" -- "$M" search fever --system icd9
t chapter 2 "--chapter: '23' is not a number between 1 and 22" -- "$M" search fever --chapter 23
t limit 2 "--limit: '0' is not a number" -- "$M" search fever --limit 0
t option 2 "unknown option '--frobnicate'" -- "$M" search fever --frobnicate
t two-queries 2 "one query at a time" -- "$M" search fever cough

if [ ! -e "$MEDCODE_BUNDLES/medcode-fy2026.mcb" ]; then
  if [ -n "${MEDCODE_REQUIRE_DATA:-}" ]; then echo "FAIL: FY2026 bundle missing"; exit 1; fi
  echo "skip: no FY2026 bundle"; [ $fails -eq 0 ]; exit
fi
# empty/punctuation also fail the same way with data present
t empty-data 2 "^medcode: query has no words" -- "$M" search "" --year 2026

# ranking cases
while IFS=$'\t' read -r q opts rank accept; do
  case "$q" in ''|'#'*) continue;; esac
  [ "$opts" = "-" ] && opts=""
  # shellcheck disable=SC2086
  codes=$("$M" search "$q" $opts --limit "$rank" --json | grep -oE '"code":"[^"]+"' | cut -d'"' -f4)
  ok=0
  for c in $codes; do
    IFS=, read -ra acc <<<"$accept"
    for a in "${acc[@]}"; do
      if [[ "$a" == *'*' ]]; then [[ "$c" == "${a%\*}"* ]] && ok=1
      else [ "$c" = "$a" ] && ok=1; fi
    done
  done
  if [ $ok = 1 ]; then echo "ok   rank: $q"; else
    echo "FAIL rank: '$q' $opts: none of $accept in top $rank (got: $(echo $codes))"; fails=$((fails+1)); fi
done < tests/golden/search/ranking.tsv

t typeahead-children 0 "E11.21 .*E11.22 .*E11.29" -- sh -c "$M search E11.2 | tr '\n' ' '"
t billable-filter 0 '"billable":true' -- "$M" search "heart attack" --billable --json
t billable-only 1 "^$" -- sh -c "$M search 'heart attack' --billable --limit 50 --json | grep -o '\"billable\":false' ; exit 1"
t chapter-filter 0 '"chapter":9' -- "$M" search "heart attack" --chapter 9 --json
t chapter-only 1 "^$" -- sh -c "$M search 'heart attack' --chapter 9 --limit 50 --json | grep -oE '\"chapter\":([0-8]|1[0-9]|2[0-2])[,}]'; exit 1"
t system-filter 0 '"system":"hcpcs"' -- "$M" search wheelchair --system hcpcs --json
t json-shape 0 '"query":"htn","year":2026.*"understood":\["htn -> hypertension"\].*"matched_field":"index"' -- "$M" search htn --json
t matched-index 0 'index: Diabetes, diabetic' -- "$M" search diabetes
t no-hits 1 "no codes match" -- "$M" search "zzqxv wqzzx"
t year 0 "I21" -- "$M" search "heart attack" --year 2026
[ $fails -eq 0 ]
