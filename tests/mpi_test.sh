#!/bin/bash
# Sweeps and comparisons spread over two MPI ranks store exactly the rows one
# process stores (docs/sweeps.md, "Many machines"). Registered in CTest as
# `mpi_two_ranks` (label `mpi`) when geosim is built with GEOSIM_WITH_MPI.
#
# By hand, from the repository root after a build:
#   bash tests/mpi_test.sh build/release/tools/geosim scenarios/mongolia_2019.yaml mpirun
#
# Open MPI refuses to run as root and to start more ranks than cores unless
# told; CI containers are root with 2 cores, so both are allowed here.
set -euo pipefail

geosim=$(realpath "$1")
scenario=$(realpath "$2")
mpirun=${3:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Quiet, local-only transports: containers often lack the network interfaces
# Open MPI probes for.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
two_ranks() { "$mpirun" -np 2 --oversubscribe "$geosim" "$@"; }

# Every stored row except what legitimately differs (wall times, the command
# line, timestamps), as text.
rows() {
  local db=$1
  sqlite3 "$db" \
    "SELECT run_id, point, replicate, policy, seed, status, error FROM runs ORDER BY run_id;" \
    "SELECT * FROM outcomes ORDER BY run_id, name;" \
    "SELECT * FROM points ORDER BY 1, 2;" \
    "SELECT * FROM agent_series ORDER BY run_id, step, agent;"
}

same_rows() {
  local what=$1 a=$2 b=$3
  if ! cmp -s <(rows "$a") <(rows "$b"); then
    fail "$what: $b differs from $a"
    diff <(rows "$a") <(rows "$b") | head -5 >&2
  elif [ "$(sqlite3 "$a" 'SELECT count(*) FROM outcomes')" -eq 0 ]; then
    fail "$what: no outcomes stored"
  else
    echo "ok: $what"
  fi
}

sweep=(sweep "$scenario" --design lhs --samples 37 --replicates 3 --series agents --quiet)

# 1. A sweep: one process, two ranks with one thread each, two ranks with
#    all threads. 111 runs do not split evenly, on purpose.
"$geosim" "${sweep[@]}" --db one.db
two_ranks "${sweep[@]}" --threads 1 --db two_t1.db
two_ranks "${sweep[@]}" --db two.db
same_rows "sweep, 2 ranks x 1 thread" one.db two_t1.db
same_rows "sweep, 2 ranks" one.db two.db

# 2. Resume on two ranks: remove a third of the runs, as a crash would have
#    left them out, and let two ranks finish the sweep.
cp one.db cut.db
sqlite3 cut.db "DELETE FROM agent_series WHERE run_id % 3 = 1;
                DELETE FROM outcomes WHERE run_id % 3 = 1;
                DELETE FROM runs WHERE run_id % 3 = 1;"
[ "$(sqlite3 cut.db 'SELECT count(*) FROM runs')" -eq 74 ] || fail "the cut database should hold 74 runs"
two_ranks "${sweep[@]}" --db cut.db --resume
same_rows "sweep resumed on 2 ranks" one.db cut.db

# 3. A comparison: the same table, runs and database rows.
"$geosim" compare "$scenario" --runs 25 --bootstrap 200 --out cmp_one --db cmp_one.db --quiet
two_ranks compare "$scenario" --runs 25 --bootstrap 200 --out cmp_two --db cmp_two.db --quiet
for f in compare.csv runs.csv; do
  if cmp -s "cmp_one/$f" "cmp_two/$f"; then echo "ok: compare, 2 ranks: $f"; else fail "compare, 2 ranks: $f differs"; fi
done
same_rows "compare database, 2 ranks" cmp_one.db cmp_two.db

# 4. Failures: reported once (by rank 0), exit status 2, nothing disturbed.
before=$(rows one.db | md5sum)
status=0
two_ranks "${sweep[@]}" --db one.db 2> err.txt || status=$?
if [ "$status" -ne 2 ]; then fail "an existing database without --resume: exit $status, expected 2"; fi
[ "$(grep -c 'already exists' err.txt)" -eq 1 ] || fail "the error should be printed once: $(cat err.txt)"
[ "$(rows one.db | md5sum)" = "$before" ] || fail "the existing database was altered"
status=0
two_ranks run "$scenario" --out run_out 2> err.txt || status=$?
if [ "$status" -ne 2 ] || [ -e run_out ]; then fail "geosim run under mpirun: exit $status, expected 2 and no output"; fi
grep -q 'without mpirun' err.txt || fail "geosim run under mpirun should say to start it without mpirun"
status=0
two_ranks sweep "$work/missing.yaml" --db missing.db 2> err.txt || status=$?
if [ "$status" -ne 2 ] || [ -e missing.db ]; then fail "a missing scenario: exit $status, expected 2 and no database"; fi
[ "$(grep -c 'no such file' err.txt)" -eq 1 ] || fail "a missing scenario should be reported once"
echo "ok: failures under mpirun"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all MPI checks passed"
