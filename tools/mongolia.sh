#!/usr/bin/env bash
# The main job: the bundled Mongolia scenario under the baseline and every
# policy it declares, with RUNS runs each, then reports comparing them.
#
#   bash tools/mongolia.sh [OUT] [RUNS]     (defaults: results/mongolia_2019, 30)
#
# OUT/<policy>/ holds each policy's agents.csv, edges.csv, outcomes.csv and
# manifest.json; OUT/report.md and OUT/summary.csv compare the policies with
# the baseline on common random numbers; OUT/report.html is the same
# comparison with figures (`geosim report`: the states over time, their
# strategies, the network, a forest plot per outcome), one self-contained file
# to open in a browser (docs/report.md). OUT appears only when everything is
# written; an existing OUT is never touched (set FORCE=1 to replace it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-results/mongolia_2019}"
runs="${2:-30}"
scenario="$root/scenarios/mongolia_2019.yaml"
geosim="${GEOSIM:-$root/build/release/tools/geosim}"

if [[ ! -x "$geosim" ]]; then
  echo "mongolia.sh: $geosim not found; build first: bash tools/setup.sh" >&2
  exit 2
fi
out="${out%/}"
if [[ -e "$out" && "${FORCE:-0}" != 1 ]]; then
  echo "mongolia.sh: '$out' already exists; choose another folder or set FORCE=1 to replace it" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
tmp="$(dirname "$out")/.$(basename "$out").tmp-$$"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp"

"$geosim" validate "$scenario" >&2
for policy in $("$geosim" describe "$scenario" --policies); do
  echo "mongolia.sh: policy $policy, $runs runs" >&2
  "$geosim" run "$scenario" --policy "$policy" --runs "$runs" --out "$tmp/$policy" --quiet
done
python3 "$root/tools/report.py" "$tmp" --scenario "$scenario"
echo "mongolia.sh: HTML report (baseline and every policy, $runs runs each)" >&2
"$geosim" report "$scenario" --runs "$runs" --powers CHN,RUS,USA,EU --out "$tmp/report.html" --quiet

if [[ -e "$out" ]]; then rm -rf "$out"; fi
mv "$tmp" "$out"
trap - EXIT
echo "mongolia.sh: results and reports in $out: open $out/report.html in a browser ($out/report.md: the tables as text)" >&2
