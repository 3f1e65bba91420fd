#!/usr/bin/env bash
# Whole-command timings for docs/performance.md. Needs a release build
# (bash tools/setup.sh) and the bench build (cmake --preset bench && cmake
# --build --preset bench) for make_world. Prints a Markdown table: median of
# REPEAT wall-clock times per command.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
geosim="${GEOSIM:-$root/build/release/tools/geosim}"
make_world="${MAKE_WORLD:-$root/build/bench/bench/make_world}"
repeat="${REPEAT:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$make_world" 200 10000 100 > "$work/world.yaml"

median_time() {  # runs "$@" REPEAT times; prints the median wall time in seconds
  local times=()
  for ((k = 0; k < repeat; ++k)); do
    rm -rf "$work/out"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

echo "| command | threads | median wall time (s) |"
echo "|---|---|---|"
for threads in 1 2; do
  for spec in "mongolia_2019, 1 run|$root/scenarios/mongolia_2019.yaml --runs 1" \
              "mongolia_2019, 1000 runs|$root/scenarios/mongolia_2019.yaml --runs 1000" \
              "synthetic 200 states / 10,000 relations, 100 steps, 1 run|$work/world.yaml --runs 1"; do
    label="${spec%%|*}"
    args="${spec#*|}"
    # shellcheck disable=SC2086
    t=$(median_time "$geosim" run $args --threads "$threads" --quiet --out "$work/out")
    echo "| \`geosim run\` $label | $threads | $t |"
  done
done
