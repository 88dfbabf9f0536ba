#!/usr/bin/env python3
"""Cross-check `medcode check` on the ICD-10 admissions of the MIMIC-IV demo.

    bench/mimic_edits.py [MIMIC_DIR] [--medcode build/medcode] [--out DIR] [--sample N]

Converts every admission whose diagnoses are ICD-10 (icd_version 10) into an
encounter (JSONL), checks it against the fiscal year its codes belong to, and
prints counts per edit id (markdown) plus a sample of edits to inspect.

MIMIC dates are shifted into the 2100s and its codes are those of the year the
stay was coded, so the fiscal year is chosen per admission: the encounter is
checked as FY2026 and as FY2025 (same length of stay, discharge on 1 March of
that year) and the year with fewer code-validity edits is kept (ties: FY2026).
Ages are anchor_age + (admission year - anchor_year). MIMIC has no POA
indicators: the encounters carry none, so POA_MISSING counts every non-exempt
inpatient diagnosis. The converted encounters go to --out (default a temporary
directory) and are never committed (MIMIC data use agreement).
"""
import collections
import csv
import datetime
import gzip
import json
import os
import subprocess
import sys
import tempfile

VALIDITY = {"INVALID_CODE", "HEADER_CODE", "SEVENTH_CHAR_MISSING", "SEVENTH_CHAR_INVALID",
            "PLACEHOLDER_X_MISSING", "DELETED_CODE", "CODE_NOT_YET_VALID", "PCS_INVALID"}

# MIMIC discharge_location -> UB-04 patient discharge status
DISCHARGE = {
    "HOME": "01", "HOME HEALTH CARE": "06", "SKILLED NURSING FACILITY": "03", "DIED": "20",
    "REHAB": "62", "HOSPICE": "51", "AGAINST ADVICE": "07", "CHRONIC/LONG TERM ACUTE CARE": "63",
    "ACUTE HOSPITAL": "02", "PSYCH FACILITY": "65", "OTHER FACILITY": "70",
    "ASSISTED LIVING": "01", "HEALTHCARE FACILITY": "70",
}


def rows(path):
    with gzip.open(path, "rt", newline="") as f:
        yield from csv.DictReader(f)


def day(s):
    return datetime.date.fromisoformat(s[:10])


def main():
    args = sys.argv[1:]
    mimic = "../shared/bench/mimic-iv-demo-2.2"
    medcode, out, sample = "build/medcode", None, 40
    i = 0
    while i < len(args):
        if args[i] == "--medcode":
            medcode = args[i + 1]; i += 2
        elif args[i] == "--out":
            out = args[i + 1]; i += 2
        elif args[i] == "--sample":
            sample = int(args[i + 1]); i += 2
        else:
            mimic = args[i]; i += 1
    hosp = os.path.join(mimic, "hosp")
    patients = {r["subject_id"]: r for r in rows(os.path.join(hosp, "patients.csv.gz"))}
    adm = {r["hadm_id"]: r for r in rows(os.path.join(hosp, "admissions.csv.gz"))}
    dx = collections.defaultdict(list)
    versions = collections.defaultdict(set)
    for r in rows(os.path.join(hosp, "diagnoses_icd.csv.gz")):
        versions[r["hadm_id"]].add(r["icd_version"])
        dx[r["hadm_id"]].append((int(r["seq_num"]), r["icd_code"], r["icd_version"]))
    px = collections.defaultdict(list)
    for r in rows(os.path.join(hosp, "procedures_icd.csv.gz")):
        px[r["hadm_id"]].append((int(r["seq_num"]), r["icd_code"], r["icd_version"], r["chartdate"]))
    ids = sorted(h for h in dx if versions[h] == {"10"} and h in adm)

    def encounter(h, fy):
        a = adm[h]
        p = patients[a["subject_id"]]
        admit, disch = day(a["admittime"]), day(a["dischtime"])
        los = (disch - admit).days
        d_new = datetime.date(fy, 3, 1)
        a_new = d_new - datetime.timedelta(days=los)
        age = int(p["anchor_age"]) + (admit.year - int(p["anchor_year"]))
        enc = {"id": h, "setting": "inpatient", "admit_date": a_new.isoformat(),
               "discharge_date": d_new.isoformat(),
               "patient": {"age": max(0, min(age, 124)), "sex": p["gender"]},
               "diagnoses": [{"code": c} for _, c, _ in sorted(dx[h])],
               "procedures": []}
        status = DISCHARGE.get(a["discharge_location"])
        if status:
            enc["discharge_status"] = status
        for _, c, v, cd in sorted(px[h]):
            if v != "10":
                continue
            off = (day(cd) - admit).days
            pd = a_new + datetime.timedelta(days=min(max(off, 0), los))
            enc["procedures"].append({"code": c, "date": pd.isoformat()})
        return enc

    tmp = out or tempfile.mkdtemp(prefix="mimic-edits-")
    os.makedirs(tmp, exist_ok=True)
    results = {}
    for fy in (2026, 2025):
        path = os.path.join(tmp, f"mimic_fy{fy}.jsonl")
        with open(path, "w") as f:
            for h in ids:
                f.write(json.dumps(encounter(h, fy)) + "\n")
        proc = subprocess.run([medcode, "check", "--jsonl", path], capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            sys.stderr.write(proc.stderr)
        for line in proc.stdout.splitlines():
            r = json.loads(line)
            results.setdefault(r.get("id"), {})[fy] = r

    chosen = {}
    for h in ids:
        best = None
        for fy in (2026, 2025):
            r = results.get(h, {}).get(fy)
            if not r or "error" in r:
                continue
            bad = sum(1 for e in r["edits"] if e["edit"] in VALIDITY)
            if best is None or bad < best[0]:
                best = (bad, fy, r)
        if best:
            chosen[h] = best
    counts = collections.Counter()
    enc_with = collections.Counter()
    years = collections.Counter(fy for _, fy, _ in chosen.values())
    valid = sum(1 for _, _, r in chosen.values() if r["valid"])
    valid_no_poa = sum(1 for _, _, r in chosen.values()
                       if not any(e["severity"] == "error" and not e["edit"].startswith("POA_")
                                  for e in r["edits"]))
    for _, _, r in chosen.values():
        seen = set()
        for e in r["edits"]:
            counts[(e["edit"], e["severity"])] += 1
            seen.add(e["edit"])
        for s in seen:
            enc_with[s] += 1
    n_dx = sum(len(dx[h]) for h in chosen)
    n_px = sum(sum(1 for x in px[h] if x[2] == "10") for h in chosen)
    print(f"MIMIC-IV demo 2.2: {len(ids)} admissions coded in ICD-10, {len(chosen)} checked "
          f"({n_dx} diagnoses, {n_px} procedures); fiscal year chosen: "
          + ", ".join(f"FY{y} {n}" for y, n in sorted(years.items()))
          + f"; valid (no error): {valid}; without POA edits (MIMIC has no POA): {valid_no_poa}\n")
    print("| edit | severity | edits | admissions |")
    print("|---|---|---:|---:|")
    for (eid, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| {eid} | {sev} | {n} | {enc_with[eid]} |")
    if sample:
        print("\nSample (first edits of each id):\n")
        shown = collections.Counter()
        for h in sorted(chosen):
            _, fy, r = chosen[h]
            for e in r["edits"]:
                if shown[e["edit"]] >= max(1, sample // max(1, len(counts))):
                    continue
                shown[e["edit"]] += 1
                print(f"- FY{fy} {e['edit']} {', '.join(e['codes'])}: {e['message']}")
    if not out:
        for f in os.listdir(tmp):
            os.remove(os.path.join(tmp, f))
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
