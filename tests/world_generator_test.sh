#!/bin/bash
# The committed scenarios/world_2019.yaml is exactly what the generator
# writes from the committed data/world/ files, it validates, and a short run
# of it succeeds with one row per agent and step. Registered in CTest as
# `world_generator_reproducible` (label `launcher`).
#
# By hand, from the repository root after a build:
#   bash tests/world_generator_test.sh . build/release/tools/geosim [python3]
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 REPO_ROOT GEOSIM [PYTHON]" >&2
  exit 2
fi
repo=$(realpath "$1")
geosim=$(realpath "$2")
python=${3:-python3}
scenario="$repo/scenarios/world_2019.yaml"
regen="cd $repo && $python tools/world/make_world.py"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Reproducible: the generator, run again, writes the committed bytes.
"$python" "$repo/tools/world/make_world.py" --out "$work/world_2019.yaml" >/dev/null ||
  fail "tools/world/make_world.py failed"
if ! cmp -s "$work/world_2019.yaml" "$scenario"; then
  diff -u "$scenario" "$work/world_2019.yaml" | head -n 40 >&2 || true
  fail "scenarios/world_2019.yaml differs from what tools/world/make_world.py writes" \
       "from data/world/ (first lines of the diff above). If the change is intended," \
       "regenerate and commit it: $regen"
fi
# ... and a second run gives the same bytes again (no time stamps, no hash order).
"$python" "$repo/tools/world/make_world.py" --out "$work/again.yaml" >/dev/null
cmp -s "$work/world_2019.yaml" "$work/again.yaml" ||
  fail "two runs of tools/world/make_world.py gave different files"

# 2. The file loads.
"$geosim" validate "$scenario" || fail "geosim validate rejected $scenario"

# 3. A short run works and writes one row per agent and step.
agents=$(grep -c '^  - {id: ' "$scenario")
[[ $agents -gt 100 ]] || fail "only $agents agents found in $scenario"
steps=3
"$geosim" run "$scenario" --steps "$steps" --runs 1 --out "$work/run" --quiet ||
  fail "geosim run $scenario --steps $steps failed"
[[ -f $work/run/agents.csv ]] || fail "no agents.csv written"
rows=$(($(wc -l <"$work/run/agents.csv") - 1))
expected=$((agents * steps))
[[ $rows -eq $expected ]] ||
  fail "agents.csv has $rows rows, expected $agents agents x $steps steps = $expected"

echo "world_2019.yaml: reproducible, valid, $agents agents, $rows agent rows in $steps steps"
