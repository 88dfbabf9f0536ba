#!/usr/bin/env python3
"""Run golden MS-DRG claims through `medcode group --jsonl` and compare.

Usage: run.py MEDCODE FILE.tsv...
Columns: id, pdx, sdx (CODE:POA ...), procedures, expected_drg, expected_mdc
("-" = not checked), return_code, why, [claim fields as a JSON object].
Default claim: inpatient, discharged home (01) 2026-05-01 after 5 days, age 65,
sex F. Claim fields: discharge_date, admit_date, discharge_status, age, sex
(null removes the field), poa_exempt (true: no POA indicators on the claim).
An encounter the parser rejects is expected as DRG 0, MDC 0, INPUT_ERROR.
"""
import json
import subprocess
import sys

medcode, files = sys.argv[1], sys.argv[2:]
cases, lines = [], []
for fn in files:
    for ln, line in enumerate(open(fn), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) < 8:
            sys.exit(f"{fn}:{ln}: expected at least 8 tab-separated columns")
        over = json.loads(f[8]) if len(f) > 8 and f[8].strip() else {}
        claim = {"setting": "inpatient", "discharge_date": "2026-05-01",
                 "admit_date": "2026-04-26", "discharge_status": "01",
                 "patient": {"age": 65, "sex": "F"}}
        for k, v in over.items():
            if k in ("age", "sex"):
                claim["patient"][k] = v
            elif k != "poa_exempt":
                claim[k] = v
        exempt = over.get("poa_exempt", False)
        dx = [{"code": f[1]} if exempt else {"code": f[1], "poa": "Y"}]
        for s in ([] if f[2] == "-" else f[2].split()):
            code, _, poa = s.partition(":")
            dx.append({"code": code, "poa": poa} if poa and poa != "-" and not exempt else {"code": code})
        claim["diagnoses"] = dx
        claim["procedures"] = [] if f[3] == "-" else [{"code": c} for c in f[3].split()]
        for d in (claim, claim["patient"]):
            for k in [k for k, v in d.items() if v is None]:
                del d[k]
        cases.append((fn, ln, f))
        lines.append(json.dumps(claim))
p = subprocess.run([medcode, "group", "-", "--jsonl"], input="\n".join(lines) + "\n",
                   capture_output=True, text=True)
if p.returncode not in (0, 2) or not p.stdout:
    sys.exit(f"medcode group failed ({p.returncode}): {p.stderr.strip()}")
outs = p.stdout.splitlines()
if len(outs) != len(cases):
    sys.exit(f"{len(cases)} claims but {len(outs)} results")
bad = 0
for (fn, ln, f), o in zip(cases, outs):
    r = json.loads(o)
    want = (int(f[4]), f[5], f[6])
    got = (0, "0", "INPUT_ERROR") if "error" in r and "drg" not in r else \
        (r["drg"], str(r["mdc"]), r["return_code"])
    if got[0] != want[0] or (want[1] != "-" and got[1] != want[1]) or got[2] != want[2]:
        bad += 1
        print(f"FAIL {fn}:{ln} {f[0]}: expected DRG {want[0]} MDC {want[1]} {want[2]}, "
              f"got DRG {got[0]} MDC {got[1]} {got[2]} ({f[7]})")
print(f"{len(cases) - bad}/{len(cases)} golden claims agree")
sys.exit(1 if bad else 0)
