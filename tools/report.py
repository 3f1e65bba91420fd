#!/usr/bin/env python3
"""Compare the outcomes of policies run on common random numbers.

Reads FOLDER/<policy>/outcomes.csv for every policy folder (one row per run
index, as written by `geosim run --runs N`) and writes:

  FOLDER/summary.csv  one row per policy and outcome: n, mean, sd, 95% CI,
                      and the paired difference from the baseline with its 95% CI
  FOLDER/report.md    the same as readable tables, with the scenario's name

Runs with the same index share every random draw (MODEL.md section 3.7), so
differences from the baseline are paired by run index. Standard library only.
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys
import tempfile

# Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
       2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
       2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t95(df):
    if df <= 0:
        return float("nan")
    return T95[df - 1] if df <= len(T95) else 1.96 + 2.4 / df  # close above 30


def describe(values):
    """n, mean, sd, half-width of the 95% CI of the mean."""
    n = len(values)
    if n == 0:
        return 0, float("nan"), float("nan"), float("nan")
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if n > 1 else 0.0
    half = t95(n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    return n, mean, sd, half


def read_outcomes(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    names = [c for c in rows[0].keys() if c not in ("run", "policy", "seed")] if rows else []
    by_run = {}
    for r in rows:
        by_run[int(r["run"])] = {k: (float(r[k]) if r[k] != "" else None) for k in names}
    return names, by_run


def fmt(x, digits=4):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.{digits}g}"


def write_atomic(path, text):
    folder = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "w", newline="") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are for sharing
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="folder holding one sub-folder per policy")
    ap.add_argument("--scenario", help="scenario file, for the report's title")
    ap.add_argument("--baseline", default="baseline", help="reference policy (default: baseline)")
    args = ap.parse_args()

    if not os.path.isdir(args.folder):
        sys.exit(f"report.py: no folder {args.folder}")
    policies = sorted(d for d in os.listdir(args.folder)
                      if os.path.isfile(os.path.join(args.folder, d, "outcomes.csv")))
    if not policies:
        sys.exit(f"report.py: no <policy>/outcomes.csv under {args.folder}")
    if args.baseline in policies:
        policies.remove(args.baseline)
        policies.insert(0, args.baseline)
    data = {p: read_outcomes(os.path.join(args.folder, p, "outcomes.csv")) for p in policies}
    names = data[policies[0]][0]
    base = data.get(args.baseline, (None, {}))[1]

    manifest_path = os.path.join(args.folder, policies[0], "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    title = manifest.get("scenario", {}).get("name", args.scenario or args.folder)

    rows = []
    for p in policies:
        by_run = data[p][1]
        for name in names:
            values = [v[name] for v in by_run.values() if v.get(name) is not None]
            n, mean, sd, half = describe(values)
            diffs = [by_run[r][name] - base[r][name] for r in sorted(by_run)
                     if r in base and by_run[r].get(name) is not None and base[r].get(name) is not None]
            dn, dmean, dsd, dhalf = describe(diffs) if p != args.baseline else (0, None, None, None)
            rows.append(dict(policy=p, outcome=name, n=n, mean=mean, sd=sd,
                             ci_low=mean - half if n > 1 else None, ci_high=mean + half if n > 1 else None,
                             diff=dmean, diff_ci_low=(dmean - dhalf) if dn > 1 else None,
                             diff_ci_high=(dmean + dhalf) if dn > 1 else None))

    header = ["policy", "outcome", "n", "mean", "sd", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"]
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join(str(r[h]) if isinstance(r[h], (int, str)) else ("" if r[h] is None or math.isnan(r[h]) else repr(r[h]))
                              for h in header))
    write_atomic(os.path.join(args.folder, "summary.csv"), "\n".join(lines) + "\n")

    md = [f"# {title}", ""]
    md.append(f"Scenario file: `{manifest.get('scenario', {}).get('file', args.scenario or '')}` "
              f"(SHA-256 `{manifest.get('scenario', {}).get('sha256', '')[:16]}…`), seed {manifest.get('seed', '')}, "
              f"{manifest.get('runs', '')} runs per policy, {manifest.get('steps', '')} steps from {fmt(manifest.get('start_year'), 6)}.")
    md.append("")
    md.append("Each policy was run on the same run indices as the baseline, so every random draw is shared "
              "(common random numbers) and differences are paired by run. Intervals are 95% Student t "
              "intervals of the mean over runs; with no noise in the scenario every run is identical and "
              "intervals collapse to a point.")
    md.append("")
    for name in names:
        md.append(f"## {name}")
        md.append("")
        md.append("| policy | mean | sd | 95% CI | difference from baseline | 95% CI of difference |")
        md.append("|---|---|---|---|---|---|")
        for r in rows:
            if r["outcome"] != name:
                continue
            ci = f"[{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]" if r["ci_low"] is not None else ""
            dci = f"[{fmt(r['diff_ci_low'])}, {fmt(r['diff_ci_high'])}]" if r["diff_ci_low"] is not None else ""
            md.append(f"| {r['policy']} | {fmt(r['mean'])} | {fmt(r['sd'])} | {ci} | {fmt(r['diff'])} | {dci} |")
        md.append("")
    md.append("Files: `summary.csv` (these numbers), `<policy>/agents.csv`, `<policy>/edges.csv`, "
              "`<policy>/outcomes.csv`, `<policy>/manifest.json`. Column meanings: docs/model.md.")
    write_atomic(os.path.join(args.folder, "report.md"), "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
