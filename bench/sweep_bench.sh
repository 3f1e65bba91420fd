#!/usr/bin/env bash
# Sweep throughput for docs/performance.md: 30-step mongolia_2019 runs into a
# results database. Needs a release build (bash tools/setup.sh). Prints
# Markdown tables:
#   1. runs/s, outcomes only, at 1 and 2 threads (and more with THREADS="1 2 4
#      8 16"), median of REPEAT sweeps of RUNS runs, and the parallel
#      efficiency against 1 thread;
#   2. the peak resident memory of sweeps of 10,000 and BIG runs (default
#      100,000), to show it does not grow with the number of runs;
#   3. the cost of storing time series (--series agents / all).
# With MPI_RANKS="2" it also times `mpirun -np K` sweeps (1 thread per rank).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
geosim="${GEOSIM:-$root/build/release/tools/geosim}"
scenario="$root/scenarios/mongolia_2019.yaml"
repeat="${REPEAT:-5}"
runs="${RUNS:-20000}"       # runs per timed sweep: 2000 samples x 10 replicates
big="${BIG:-100000}"        # runs of the memory sweep
threads_list="${THREADS:-1 2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A random design of N/10 points x 10 replicates (N a multiple of 10).
design() { echo "--design random --samples $(($1 / 10)) --replicates 10"; }

median_time() {  # runs "$@" REPEAT times on a fresh database; median wall seconds
  local times=()
  for ((k = 0; k < repeat; ++k)); do
    rm -f "$work"/sweep.db*
    local t0 t1
    t0=$(date +%s.%N)
    "$@" --db "$work/sweep.db" --quiet > /dev/null
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

echo "### Throughput, outcomes only ($runs runs, median of $repeat)"
echo
echo "| threads | wall time (s) | runs/s | parallel efficiency |"
echo "|---|---|---|---|"
base=""
for t in $threads_list; do
  # shellcheck disable=SC2046
  s=$(median_time "$geosim" sweep "$scenario" $(design "$runs") --threads "$t")
  [ -z "$base" ] && base=$s
  awk -v t="$t" -v s="$s" -v b="$base" -v n="$runs" \
    'BEGIN {printf "| %d | %.3f | %.0f | %.0f%% |\n", t, s, n / s, 100 * b / (t * s)}'
done
if [ -n "${MPI_RANKS:-}" ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  for k in $MPI_RANKS; do
    # shellcheck disable=SC2046
    s=$(median_time mpirun -np "$k" --oversubscribe "$geosim" sweep "$scenario" $(design "$runs") --threads 1)
    awk -v k="$k" -v s="$s" -v b="$base" -v n="$runs" \
      'BEGIN {printf "| %d ranks x 1 thread (mpirun) | %.3f | %.0f | %.0f%% |\n", k, s, n / s, 100 * b / (k * s)}'
  done
fi

echo
echo "### Peak memory (all threads)"
echo
echo "| runs | wall time (s) | peak RSS (MB) | database (MB) |"
echo "|---|---|---|---|"
for n in 10000 "$big"; do
  rm -f "$work"/mem.db*
  # shellcheck disable=SC2046
  /usr/bin/time -f "%e %M" -o "$work/time.txt" \
    "$geosim" sweep "$scenario" $(design "$n") --db "$work/mem.db" --quiet
  read -r secs kb < "$work/time.txt"
  mb=$(du -m "$work/mem.db" | cut -f1)
  awk -v n="$n" -v s="$secs" -v kb="$kb" -v mb="$mb" 'BEGIN {printf "| %d | %.2f | %.1f | %d |\n", n, s, kb / 1024, mb}'
done

echo
echo "### Cost of time series (2,000 runs, all threads, median of $repeat)"
echo
echo "| --series | wall time (s) | runs/s | database (MB) | relative time |"
echo "|---|---|---|---|---|"
base=""
for series in none agents all; do
  # shellcheck disable=SC2046
  s=$(median_time "$geosim" sweep "$scenario" $(design 2000) --series "$series")
  rm -f "$work"/sweep.db*
  # shellcheck disable=SC2046
  "$geosim" sweep "$scenario" $(design 2000) --series "$series" --db "$work/sweep.db" --quiet
  mb=$(du -m "$work/sweep.db" | cut -f1)
  [ -z "$base" ] && base=$s
  awk -v x="$series" -v s="$s" -v b="$base" -v mb="$mb" \
    'BEGIN {printf "| %s | %.3f | %.0f | %d | %.1fx |\n", x, s, 2000 / s, mb, s / b}'
done
