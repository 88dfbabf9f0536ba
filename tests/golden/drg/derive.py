#!/usr/bin/env python3
"""Derive golden MS-DRG claims from the grouper tables (not from medcode).

Usage: derive.py CSV_DIR > claims.tsv

For every MDC and every medical formula row of v43.1 that tests a principal
diagnosis category (PDX:dxcNNNN, with or without MCC/CC), pick a principal
whose only grouping operand is that category and build up to three claims:
no secondary diagnosis, one non-excluded CC, one non-excluded MCC. The
expected DRG is found by walking the MDC's formula rows in table order with
only the facts such a claim has (PDX category, ALIVE, ANYDX, the severity),
exactly as the CMS tables define them. A CC-exclusion claim adds a
secondary from the principal's own exclusion group, which must not count.

These expectations are derived by reasoning from the tables; they are not
the output of the CMS grouper software. Hand-written cases for the Pre-MDC,
error DRGs, HAC/POA, clusters and DRGs 981-989 are in cases.tsv.
"""
import collections
import csv
import random
import re
import sys

V = 431
d = sys.argv[1]
rnd = random.Random(43)


def rows(name):
    with open(f"{d}/{name}.csv", newline="") as f:
        yield from csv.DictReader(f)


def inv(r):
    return int(r["version_start"]) <= V <= int(r["version_end"])


dx = {r["code"]: r for r in rows("diagnosis") if inv(r)}
gender = {r["code"] for r in rows("gender_mdcs") if inv(r)}
xid = {r["pdx_code"]: r["exclusion_group"] for r in rows("exclusion_ids") if inv(r)}
xgr = {r["exclusion_group"]: set(r["excluded_codes"].split()) for r in rows("exclusion_groups")}
formulas = {}
for r in rows("drg_formulas"):
    if inv(r):
        formulas.setdefault(int(r["mdc_key"]), []).append(r)
mce = {}
for r in rows("mce_i10dx_master"):
    if int(r["date_start"]) <= 20260501 <= int(r["date_end"]):
        mce[r["code"]] = set(r["flags"].split())


def ev(expr, facts, sev):
    toks = re.findall(r"[()&|~]|[^\s()&|~]+", expr)
    pos = 0

    def atom(t):
        if t == "MCC":
            return sev == 2
        if t == "CC":
            return sev == 1
        return t in facts

    def factor():
        nonlocal pos
        t = toks[pos]
        pos += 1
        if t == "(":
            v = orx()
            pos += 1
            return v
        if t == "~":
            return not factor()
        return atom(t)

    def andx():
        nonlocal pos
        v = factor()
        while pos < len(toks) and toks[pos] == "&":
            pos += 1
            w = factor()
            v = v and w
        return v

    def orx():
        nonlocal pos
        v = andx()
        while pos < len(toks) and toks[pos] == "|":
            pos += 1
            w = andx()
            v = v or w
        return v

    return orx()


def expect(mdc, cat, sev, supp_ok):
    facts = {f"PDX:{cat}", f"ANY:{cat}", cat, "ALIVE", "ANYDX"}
    for r in formulas[0]:
        if ev(r["formula"], facts, sev) and r["drg"] != "0":
            return None  # a Pre-MDC row would take it: not a simple claim
    for r in formulas.get(mdc, []):
        s = sev if not r["severity_suppression_operands"] or supp_ok else 0
        if not ev(r["formula"], facts, s):
            continue
        if r["drg"] == "0":
            if r["reroute_mdc"] != "0" or r["formula"].isupper():
                return None
            continue
        return int(r["drg"]), r["formula"]
    return None


def plain_sdx(level, pdx):
    """A secondary of the given level, no grouping operands, not excluded, no MCE flags."""
    excl = xgr.get(xid.get(pdx, ""), set())
    pool = [c for c, r in dx.items()
            if r["severity"] == level and not r["operands"] and not r["hac_operands"]
            and c not in excl and c in mce and not mce[c] and c[0] not in "VWXYZ"]
    pool.sort()
    return rnd.choice(pool)


out = []
seen = set()
for mdc in range(1, 26):
    for r in formulas.get(mdc, []):
        m = re.fullmatch(r"\(?(?:(MCC|CC) & )?\(?PDX:(dxc\d+)\)?(?: & \((MCC|CC)\))?\)?", r["formula"])
        if not m or r["surgical"] != "MEDICAL":
            continue
        cat = m.group(2)
        if cat in seen:
            continue
        cands = sorted(c for c, x in dx.items()
                       if x["dx_cat_list"] == cat and not x["operands"] and not x["hac_operands"]
                       and int(x["mdc"]) == mdc and c not in gender and c in mce
                       and not (mce[c] & {"unacceptable", "manifestation", "ecodepdx", "qadm",
                                          "newborn", "pediatric", "maternity", "male", "female"}))
        if not cands:
            continue
        seen.add(cat)
        pdx = rnd.choice(cands)
        for sev, level in ((0, None), (1, "CC"), (2, "MCC")):
            e = expect(mdc, cat, sev, True)
            if not e:
                continue
            sdx = plain_sdx(level, pdx) if level else None
            out.append((f"mdc{mdc:02d}-{cat}-{level or 'none'}", pdx, [sdx + ":Y"] if sdx else [], [],
                        e[0], mdc, "OK", f"table: MDC {mdc} first row true is '{e[1]}'"))
        # CC exclusion: a CC/MCC from the principal's own exclusion group does not count
        excl = sorted(c for c in xgr.get(xid.get(pdx, ""), set())
                      if c in dx and dx[c]["severity"] in ("CC", "MCC") and not dx[c]["operands"]
                      and not dx[c]["hac_operands"] and c in mce and not mce[c] and c != pdx)
        if excl and len([o for o in out if o[0].startswith("excl")]) < 40:
            e = expect(mdc, cat, 0, True)
            if e:
                c = rnd.choice(excl)
                out.append((f"excl-mdc{mdc:02d}-{cat}", pdx, [c + ":Y"], [], e[0], mdc, "OK",
                            f"{c} ({dx[c]['severity']}) is in the exclusion group of {pdx}"))

# ---- surgical claims: one O.R. procedure whose attributes decide a surgical row ----
pr_attrs = {}
for r in rows("procedure_attributes"):
    if inv(r) and not r["code"].startswith("Z@"):
        pr_attrs[r["code"]] = r["attributes"].split()
clustered = {r["code"] for r in rows("cluster_map") if inv(r)}
prmce = {}
for r in rows("mce_i10sg_master"):
    if int(r["date_start"]) <= 20260501 <= int(r["date_end"]):
        prmce[r["code"]] = set(r["flags"].split())
SPECIAL = ("vessel", "stent", "sgl", "right", "left", "NORdrugstent", "NORstent", "hac")


def walk(mdc_table, facts, sev, depth=0):
    """First decisive row of a table: (drg, formula, table) or None; follows reroutes."""
    for r in formulas.get(mdc_table, []):
        if not ev(r["formula"], facts, sev if not r["severity_suppression_operands"] else sev):
            continue
        if r["drg"] == "0":
            if r["reroute_mdc"] != "0":
                if depth > 1:
                    return None
                return walk(int(r["reroute_mdc"]), facts, sev, depth + 1)
            if r["formula"].isupper() or r["formula"].startswith("SDX:mccalive"):
                return None
            continue
        return int(r["drg"]), r["formula"], mdc_table
    return None


surg = []
by_mdc = collections.defaultdict(list)
for mdc in range(1, 26):
    for r in formulas.get(mdc, []):
        if r["surgical"] != "SURGICAL":
            continue
        m = re.fullmatch(r"\(?(?:(?:MCC|CC) & )?\(?([a-z][a-z0-9_]*)\)?(?: & \((?:MCC|CC)\))?\)?", r["formula"])
        if m and m.group(1) not in ("d468", "d477"):
            by_mdc[mdc].append(m.group(1))
for mdc, attrs in sorted(by_mdc.items()):
    # a principal of this MDC with only a category operand (from the medical cases above)
    pdxs = sorted(c for c, x in dx.items() if int(x["mdc"]) == mdc and not x["operands"]
                  and not x["hac_operands"] and c not in gender and c in mce
                  and not (mce[c] & {"unacceptable", "manifestation", "ecodepdx", "qadm", "newborn",
                                     "pediatric", "maternity", "male", "female"}))
    if not pdxs:
        continue
    used = 0
    for attr in dict.fromkeys(attrs):
        if used >= 6:
            break
        procs = sorted(c for c, a in pr_attrs.items() if attr in a and c not in clustered
                       and c in prmce and not prmce[c] and not any(x.startswith(SPECIAL) for x in a)
                       and ("d468" in a or "d477" in a))
        if not procs:
            continue
        pdx = rnd.choice(pdxs)
        pc = rnd.choice(procs)
        cat = dx[pdx]["dx_cat_list"].split()
        facts = {"ALIVE", "ANYDX"}
        for c in cat:
            facts |= {c, "PDX:" + c, "ANY:" + c}
        for a in pr_attrs[pc]:
            facts |= {a, "ANY:" + a}
        facts |= {"ORPROC", "ANY:ORPROC"}
        pre = walk(0, facts, 0)
        if pre:
            continue
        for sev, level in ((0, None), (2, "MCC")):
            e = walk(mdc, facts, sev)
            if not e:
                break
            sdx = plain_sdx(level, pdx) if level else None
            out.append((f"surg-mdc{mdc:02d}-{attr}-{level or 'none'}", pdx, [sdx + ":Y"] if sdx else [],
                        [pc], e[0], mdc, "OK",
                        f"table {e[2]}: first row true for {pc} ({' '.join(pr_attrs[pc])}) is '{e[1]}'"))
        used += 1

print("# id\tpdx\tsdx(code:poa)\tprocedures\texpected_drg\texpected_mdc\treturn_code\twhy")
for o in out:
    print("\t".join([o[0], o[1], " ".join(o[2]) or "-", " ".join(o[3]) or "-", str(o[4]), str(o[5]), o[6], o[7]]))
