#!/usr/bin/env python3
"""Score the ICD-10 diagnoses of the MIMIC-IV demo end to end with `medcode hcc` and
`medcode comorbidity`, and print summary figures (markdown).

    bench/mimic_risk.py [MIMIC_DIR] [--medcode build/medcode] [--out FILE.md]

HCC: one patient per subject with every ICD-10 diagnosis of all their admissions (a data
year), age = anchor_age + (year of last admission - anchor_year), sex from patients.csv,
Medicaid and full dual status when any admission lists Medicaid insurance, OREC 1 under 65
(entitled by disability) and 0 otherwise; V28 and V24, segment chosen from demographics.
MIMIC has no Medicare enrolment data, so these demographics are assumptions.
Comorbidity: one record per admission with ICD-10 diagnoses, no POA indicators (MIMIC has
none), Elixhauser and Charlson.
The converted JSONL goes to a temporary directory and is never kept (MIMIC data use
agreement); only the aggregate figures are printed.
"""
import collections
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile


def rows(path):
    with gzip.open(path, "rt", newline="") as f:
        yield from csv.DictReader(f)


def main():
    args = sys.argv[1:]
    mimic = "../shared/bench/mimic-iv-demo-2.2"
    medcode = "build/medcode"
    out = None
    i = 0
    while i < len(args):
        if args[i] == "--medcode":
            medcode = args[i + 1]; i += 2
        elif args[i] == "--out":
            out = args[i + 1]; i += 2
        else:
            mimic = args[i]; i += 1
    hosp = os.path.join(mimic, "hosp")
    pats = {r["subject_id"]: r for r in rows(os.path.join(hosp, "patients.csv.gz"))}
    adm = {r["hadm_id"]: r for r in rows(os.path.join(hosp, "admissions.csv.gz"))}
    dx_by_subject = collections.defaultdict(list)
    dx_by_adm = collections.defaultdict(list)
    n_icd9 = n_icd10 = 0
    for r in rows(os.path.join(hosp, "diagnoses_icd.csv.gz")):
        if r["icd_version"] != "10":
            n_icd9 += 1
            continue
        n_icd10 += 1
        code = r["icd_code"].strip()
        dx_by_subject[r["subject_id"]].append(code)
        dx_by_adm[r["hadm_id"]].append((int(r["seq_num"]), code))
    tmp = tempfile.mkdtemp()
    hcc_in = os.path.join(tmp, "patients.jsonl")
    with open(hcc_in, "w") as f:
        for sid, codes in sorted(dx_by_subject.items()):
            p = pats[sid]
            adms = [a for a in adm.values() if a["subject_id"] == sid]
            last = max(int(a["admittime"][:4]) for a in adms)
            age = int(p["anchor_age"]) + last - int(p["anchor_year"])
            mcaid = any(a["insurance"] == "Medicaid" for a in adms)
            f.write(json.dumps({"id": sid, "age": age, "sex": p["gender"],
                                "dual": "full" if mcaid else "non", "orec": 1 if age < 65 else 0,
                                "medicaid": mcaid, "diagnoses": codes}) + "\n")
    cmb_in = os.path.join(tmp, "admissions.jsonl")
    with open(cmb_in, "w") as f:
        for hadm, codes in sorted(dx_by_adm.items()):
            f.write(json.dumps({"id": hadm, "diagnoses": [c for _, c in sorted(codes)]}) + "\n")

    lines = ["## MIMIC-IV demo through medcode hcc and comorbidity (mimic_risk.py)", ""]
    lines.append(f"MIMIC-IV demo 2.2: {n_icd10} ICD-10 diagnosis rows ({n_icd9} ICD-9 rows skipped), "
                 f"{len(dx_by_subject)} patients with ICD-10 diagnoses, {len(dx_by_adm)} admissions.")
    lines.append("")
    for model in ("V28", "V24"):
        res = subprocess.run([medcode, "hcc", hcc_in, "--model", model, "--json"],
                             capture_output=True, text=True)
        if res.returncode not in (0, 1):
            sys.exit(f"medcode hcc failed: {res.stderr}")
        doc = json.loads(res.stdout)
        ok = [p for p in doc["patients"] if p["status"] == "ok"]
        status = collections.Counter(d["status"] for p in ok for d in p["diagnoses"])
        hccs = collections.Counter(h["hcc"] for p in ok for h in p["hccs"])
        labels = {h["hcc"]: h["label"] for p in ok for h in p["hccs"]}
        segs = collections.Counter(p["segment"] for p in ok)
        dropped = sum(len(p["dropped_by_hierarchy"]) for p in ok)
        inter = sum(1 for p in ok for t in p["terms"] if t["kind"] == "interaction")
        scores = sorted(float(p["score"]) for p in ok)
        with_hcc = sum(1 for p in ok if p["hccs"])
        # every score must equal the sum of its terms (thousandths)
        bad_sum = sum(1 for p in ok if round(sum(t["coefficient"] for t in p["terms"]) * 1000)
                      != round(p["score"] * 1000))
        lines.append(f"### CMS-HCC {model} (payment year {doc['payment_year']})")
        lines.append("")
        lines.append("| figure | value |\n|---|---:|")
        lines.append(f"| patients scored / errors | {len(ok)} / {doc['summary']['errors']} |")
        lines.append(f"| segments | {', '.join(f'{k} {v}' for k, v in segs.most_common())} |")
        lines.append(f"| patients with at least one HCC | {with_hcc} ({100 * with_hcc / max(1, len(ok)):.0f}%) |")
        lines.append(f"| HCCs per patient (after hierarchies), mean | {sum(len(p['hccs']) for p in ok) / max(1, len(ok)):.2f} |")
        lines.append(f"| HCCs dropped by hierarchies | {dropped} |")
        lines.append(f"| interaction terms that fired | {inter} |")
        lines.append(f"| risk score mean / median / max | {sum(scores) / len(scores):.3f} / {scores[len(scores) // 2]:.3f} / {scores[-1]:.3f} |")
        lines.append(f"| scores not equal to the sum of their terms | {bad_sum} |")
        total = sum(status.values())
        lines.append("| diagnoses (distinct per patient): " + ", ".join(
            f"{k} {v}" for k, v in status.most_common()) + f" | {total} |")
        lines.append("| most frequent HCCs | " + "; ".join(
            f"{h} {labels[h][:40]} ({n})" for h, n in hccs.most_common(5)) + " |")
        lines.append("")
    res = subprocess.run([medcode, "comorbidity", cmb_in, "--index", "both", "--poa", "no", "--json"],
                         capture_output=True, text=True)
    if res.returncode not in (0, 1):
        sys.exit(f"medcode comorbidity failed: {res.stderr}")
    doc = json.loads(res.stdout)
    ok = [r for r in doc["records"] if r["status"] == "ok"]
    meas = collections.Counter(m["measure"] for r in ok for m in r["elixhauser"]["measures"])
    excl = sum(len(r["elixhauser"]["excluded"]) for r in ok)
    cond = collections.Counter(c["condition"] for r in ok for c in r["charlson"]["conditions"])
    sup = sum(len(r["charlson"]["superseded"]) for r in ok)
    ri = [r["elixhauser"]["readmission_index"] for r in ok]
    mi = [r["elixhauser"]["mortality_index"] for r in ok]
    ci = sorted(r["charlson"]["index"] for r in ok)
    unmapped = sum(1 for r in ok for d in r["elixhauser"]["diagnoses"] if d["status"] != "mapped")
    lines.append("### Comorbidity (Elixhauser Refined v2025.1, Charlson Quan 2005), per admission, no POA data")
    lines.append("")
    lines.append("| figure | value |\n|---|---:|")
    lines.append(f"| admissions scored / errors | {len(ok)} / {doc['summary']['errors']} |")
    lines.append(f"| Elixhauser measures per admission, mean | {sum(meas.values()) / max(1, len(ok)):.2f} |")
    lines.append(f"| Elixhauser readmission index mean / mortality index mean | {sum(ri) / len(ri):.2f} / {sum(mi) / len(mi):.2f} |")
    lines.append(f"| Elixhauser measures removed by exclusion rules | {excl} |")
    lines.append(f"| diagnoses in no Elixhauser measure | {unmapped} |")
    lines.append("| most frequent Elixhauser measures | " + "; ".join(f"{k} ({v})" for k, v in meas.most_common(6)) + " |")
    lines.append(f"| Charlson index mean / median / max | {sum(ci) / len(ci):.2f} / {ci[len(ci) // 2]} / {ci[-1]} |")
    lines.append(f"| Charlson conditions superseded by hierarchy | {sup} |")
    lines.append("| most frequent Charlson conditions | " + "; ".join(f"{k} ({v})" for k, v in cond.most_common(6)) + " |")
    text = "\n".join(lines) + "\n"
    for p in (hcc_in, cmb_in):
        os.remove(p)
    os.rmdir(tmp)
    if out:
        with open(out, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
