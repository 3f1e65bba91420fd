#!/usr/bin/env python3
"""Regenerate the golden outputs of the bundled scenarios (tests/golden/).

For every scenarios/*.yaml and every policy (baseline first), runs run index 0
with the scenario's seed and writes tests/golden/<scenario>/<policy>.agents.csv
and <policy>.outcomes.csv. tests/golden_test.cpp compares the engine with them.

Changing a golden file is a deliberate act: by default this script only
prints what would change (a unified diff of each file); pass --approve to
write the new files.

    python3 tools/approve_golden.py            # show the differences
    python3 tools/approve_golden.py --approve  # accept them
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

# Large generated scenarios: only their first steps have golden files (keep in
# step with golden_steps() in tests/golden_test.cpp).
GOLDEN_STEPS = {"world_2019": 5}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--approve", action="store_true", help="write the new golden files")
    ap.add_argument("--geosim", default=os.path.join(ROOT, "build", "release", "tools", "geosim"))
    args = ap.parse_args()

    scenarios = sorted(f for f in os.listdir(os.path.join(ROOT, "scenarios")) if f.endswith(".yaml"))
    changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for scen in scenarios:
            stem = scen[:-5]
            path = os.path.join(ROOT, "scenarios", scen)
            policies = subprocess.run([args.geosim, "describe", path, "--policies"], check=True,
                                      capture_output=True, text=True).stdout.split()
            for policy in policies:
                out = os.path.join(tmp, stem, policy)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                steps = ["--steps", str(GOLDEN_STEPS[stem])] if stem in GOLDEN_STEPS else []
                subprocess.run([args.geosim, "run", path, "--policy", policy, "--threads", "1", "--quiet",
                                "--out", out] + steps, check=True)
                for kind in ("agents", "outcomes"):
                    new = open(os.path.join(out, f"{kind}.csv")).read()
                    golden = os.path.join(ROOT, "tests", "golden", stem, f"{policy}.{kind}.csv")
                    old = open(golden).read() if os.path.exists(golden) else ""
                    if new == old:
                        continue
                    changed += 1
                    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                               golden, "new", n=1))
                    if args.approve:
                        os.makedirs(os.path.dirname(golden), exist_ok=True)
                        shutil.copyfile(os.path.join(out, f"{kind}.csv"), golden)
    if changed == 0:
        print("golden files are up to date")
    elif args.approve:
        print(f"{changed} golden file(s) written")
    else:
        print(f"{changed} golden file(s) differ; run with --approve to accept")
        sys.exit(1)


if __name__ == "__main__":
    main()
