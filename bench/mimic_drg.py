#!/usr/bin/env python3
"""Group the ICD-10 stays of MIMIC-IV demo 2.2 and compare with the hospital's MS-DRG.

usage: bench/mimic_drg.py [--detail] [MIMIC_DIR] [MEDCODE] > report.md

MIMIC_DIR defaults to ../shared/bench/mimic-iv-demo-2.2. Reads hosp/admissions,
diagnoses_icd, procedures_icd, drgcodes (drg_type HCFA) and patients; keeps the
admissions whose diagnoses are all ICD-10 (icd_version 10) and that have an
HCFA DRG. Each stay becomes an encounter (diagnoses in seq_num order, the
first principal; no POA in MIMIC, so POA-exempt; age = anchor_age + years since
anchor_year; discharge status from discharge_location / hospital_expire_flag)
and is grouped with `medcode group --jsonl --version codes`: the grouper
version whose tables know the most of the stay's codes (MIMIC dates are
shifted into the 2100s and cannot choose a version).

The report holds only aggregate counts (do not commit MIMIC data); --detail adds
one line per disagreement (the two DRG numbers, the version, the reason class)
for local study.
"""
import collections
import csv
import gzip
import json
import os
import subprocess
import sys

detail = "--detail" in sys.argv
args = [a for a in sys.argv[1:] if a != "--detail"]
mimic = args[0] if len(args) > 0 else "../shared/bench/mimic-iv-demo-2.2"
medcode = args[1] if len(args) > 1 else "build/medcode"


def table(name):
    with gzip.open(os.path.join(mimic, "hosp", name + ".csv.gz"), "rt", newline="") as f:
        yield from csv.DictReader(f)


STATUS = {  # discharge_location -> UB-04 patient discharge status
    "HOME": "01", "HOME HEALTH CARE": "06", "SKILLED NURSING FACILITY": "03",
    "REHAB": "62", "CHRONIC/LONG TERM ACUTE CARE": "63", "ACUTE HOSPITAL": "02",
    "HOSPICE": "50", "AGAINST ADVICE": "07", "PSYCH FACILITY": "65",
    "ASSISTED LIVING": "01", "OTHER FACILITY": "70", "HEALTHCARE FACILITY": "70",
    "DIED": "20",
}

adm = {r["hadm_id"]: r for r in table("admissions")}
pat = {r["subject_id"]: r for r in table("patients")}
dx = collections.defaultdict(list)
dx_versions = collections.defaultdict(set)
for r in table("diagnoses_icd"):
    dx[r["hadm_id"]].append((int(r["seq_num"]), r["icd_code"].strip()))
    dx_versions[r["hadm_id"]].add(r["icd_version"])
pr = collections.defaultdict(list)
for r in table("procedures_icd"):
    if r["icd_version"] == "10":
        pr[r["hadm_id"]].append((int(r["seq_num"]), r["icd_code"].strip()))
drg = {}
for r in table("drgcodes"):
    if r["drg_type"] == "HCFA":
        drg[r["hadm_id"]] = (int(r["drg_code"]), r["description"])

stays, encs = [], []
for h, a in sorted(adm.items()):
    if h not in drg or dx_versions.get(h) != {"10"}:
        continue
    p = pat[a["subject_id"]]
    admit, disch = a["admittime"][:10], a["dischtime"][:10]
    age = int(p["anchor_age"]) + int(admit[:4]) - int(p["anchor_year"])
    status = "20" if a["hospital_expire_flag"] == "1" else STATUS.get(a["discharge_location"], "01")
    enc = {"setting": "inpatient", "admit_date": admit, "discharge_date": disch,
           "discharge_status": status,
           "patient": {"age": max(0, min(age, 124)), "sex": p["gender"]},
           "diagnoses": [{"code": c} for _, c in sorted(dx[h])],
           "procedures": [{"code": c} for _, c in sorted(pr[h])]}
    stays.append(h)
    encs.append(json.dumps(enc))

out = subprocess.run([medcode, "group", "-", "--jsonl", "--version", "codes"],
                     input="\n".join(encs) + "\n", capture_output=True, text=True)
results = [json.loads(x) for x in out.stdout.splitlines()]
assert len(results) == len(stays), (len(results), len(stays), out.stderr)

agree = same_family = 0
versions = collections.Counter()
reasons = collections.Counter()
rows = []
for h, r in zip(stays, results):
    want, wdesc = drg[h]
    got = r.get("drg", 0)
    versions[r.get("version_name", "error")] += 1
    if got == want:
        agree += 1
        continue
    # classify the disagreement
    invalid_dx = sum(1 for d in [r["principal"]] + r["secondary"] if not d["valid"]) if "principal" in r else 0
    invalid_pr = sum(1 for p in r.get("procedures", []) if not p["valid"])
    wt = (r.get("title") or "").upper()
    if got == 999 or got == 998:
        why = "error DRG: " + r.get("return_code", "")
    elif invalid_dx or invalid_pr:
        why = "codes not valid in the version used (deleted or expanded since the stay)"
    elif abs(got - want) <= 2 and got // 10 == want // 10 or (wdesc[:18].upper() == wt[:18]):
        why = "same DRG family, different CC/MCC level"
        same_family += 1
    else:
        why = "different DRG family (MS-DRG definitions changed since the stay's version, or sequencing)"
    reasons[why] += 1
    rows.append((want, got, r.get("version_name", "-"), why))

n = len(stays)
print("## MIMIC-IV demo 2.2: medcode MS-DRG vs the hospital-assigned MS-DRG\n")
print(f"{n} admissions with only ICD-10 diagnoses and an HCFA (MS-DRG) code.")
print(f"Grouper version chosen per stay by its codes: " +
      ", ".join(f"{v}: {k}" for v, k in sorted(versions.items())) + ".\n")
print(f"| measure | value |\n|---|---:|")
print(f"| exact MS-DRG agreement | {agree}/{n} ({100.0 * agree / n:.1f}%) |")
print(f"| same DRG family, other CC/MCC level | {same_family} |")
print(f"| other disagreements | {n - agree - same_family} |\n")
print("| reason class | stays |\n|---|---:|")
for k, v in reasons.most_common():
    print(f"| {k} | {v} |")
if detail:
    print("\n| hospital DRG | medcode DRG | version | reason class |\n|---:|---:|---|---|")
    for w, g, v, why in rows:
        print(f"| {w} | {g} | {v} | {why} |")
