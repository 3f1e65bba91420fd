#!/usr/bin/env bash
# Fault tests of the geosim command (issue 6, item 3): each case provokes a
# fault while geosim writes results, and checks that geosim ends with a clear
# message on standard error, an exit status other than 0, and that nothing
# already stored was lost or altered.
#
#   disk         a full disk: a small tmpfs, else a loop device with a small
#                ext4 file system (when mounts are allowed), and always the
#                file-size limit (ulimit -f: geosim ignores SIGXFSZ, so a
#                write beyond it fails with EFBIG)
#   readonly     a folder that cannot be written: as another user (setpriv,
#                else python3 setuid) or plain chmod when not root; a tmpfs
#                remounted read-only when mounts are allowed
#   vanish       the output folder (or the database's folder) removed or
#                moved while geosim writes into it
#   signals      SIGTERM and SIGKILL in the middle of a sweep, a run and a
#                comparison (SIGINT and SIGKILL + resume: tests/sweep_test.cpp)
#   corrupt      a results database damaged before --resume
#   concurrent   two sweeps on one database at once
#
# Usage: bash tests/fault_test.sh GEOSIM SCRATCH [GROUP...]
#   GEOSIM   the geosim executable; SCRATCH a folder for the test (emptied;
#            it must be new, empty or one this script made before)
#   GROUP    all (default), or one or more of: disk disk_ulimit disk_mount
#            readonly readonly_perm readonly_mount vanish signals corrupt
#            concurrent. CTest runs one group per test (tests/CMakeLists.txt,
#            label `fault`).
# Exit status: 0 every case passed; 1 a case failed; 77 (CTest's
# SKIP_RETURN_CODE) only when the groups asked for need a mechanism this
# machine does not have (disk_mount, readonly_mount without mounts). A summary
# table (group, case, mechanism, result, exit status, message) ends the output.
#
# GEOSIM_FAULT_DISK=tmpfs|loop chooses the mount of the full-disk cases;
# GEOSIM_FAULT_RO=python3-setuid takes python3 instead of setpriv.
# Needs bash, sqlite3, coreutils, util-linux; run by hand from the build
# folder: bash ../../tests/fault_test.sh tools/geosim /tmp/geosim-fault
#
# Timing: a job is caught in the middle by waiting until it has stored runs
# (or written files), then freezing it with SIGSTOP; the fault is made while
# it is frozen (a removed folder, a signal, a second sweep), then it goes on
# with SIGCONT. A job that finished before it could be caught is started
# again with more runs; a case never passes without its fault.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 GEOSIM SCRATCH [GROUP...]" >&2
  exit 2
fi
GEOSIM=$(realpath "$1")
SCRATCH=$(realpath -m "$2")
shift 2
GROUPS_ASKED=("$@")
[ ${#GROUPS_ASKED[@]} -gt 0 ] || GROUPS_ASKED=(all)
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MONGOLIA=$SOURCE_DIR/scenarios/mongolia_2019.yaml
TRIAD=$SOURCE_DIR/scenarios/triad.yaml

[ -x "$GEOSIM" ] || { echo "fault_test: '$GEOSIM' is not an executable" >&2; exit 2; }
for tool in sqlite3 sha256sum realpath find awk; do
  command -v "$tool" >/dev/null || { echo "fault_test: '$tool' is needed" >&2; exit 2; }
done

# --- the scratch folder ---------------------------------------------------------

MARK=.geosim-fault-scratch
case "$SCRATCH" in
  / | /root | /home | /tmp | "$HOME") echo "fault_test: refusing scratch folder '$SCRATCH'" >&2; exit 2 ;;
esac
if [ -e "$SCRATCH" ] && [ ! -e "$SCRATCH/$MARK" ] && [ -n "$(ls -A "$SCRATCH")" ]; then
  echo "fault_test: '$SCRATCH' is not empty and was not made by this script; give another folder" >&2
  exit 2
fi
# Mounts and folders left by an earlier, killed run of this script.
if [ -e "$SCRATCH/$MARK" ]; then
  awk -v s="$SCRATCH/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done
  if [ -e "$SCRATCH/world-dirs" ]; then
    while read -r dir; do
      case "$dir" in */geosim-fault-ro.*) chmod -R u+w "$dir" 2>/dev/null || true; rm -rf "$dir" ;; esac
    done <"$SCRATCH/world-dirs"
  fi
  chmod -R u+w "$SCRATCH" 2>/dev/null || true
  rm -rf "$SCRATCH"
fi
mkdir -p "$SCRATCH"
touch "$SCRATCH/$MARK"
SUMMARY=$SCRATCH/summary.tsv
: >"$SUMMARY"

# unmount_under DIR: unmounts every file system mounted below DIR.
unmount_under() {
  local target
  while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done < <(awk -v s="$1/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r)
}

# remove_world DIR: removes a folder of the read-only cases (in $TMPDIR).
remove_world() {
  case "$1" in */geosim-fault-ro.*) ;; *) return 0 ;; esac
  unmount_under "$1"
  chmod -R u+w "$1" 2>/dev/null || true
  rm -rf "$1"
}

cleanup_all() {
  unmount_under "$SCRATCH"
  if [ -e "$SCRATCH/world-dirs" ]; then
    while read -r dir; do remove_world "$dir"; done <"$SCRATCH/world-dirs"
  fi
}
trap cleanup_all EXIT

# --- helpers for the cases ------------------------------------------------------
# A case runs in a subshell of its own (set -e), in its own folder; fail()
# ends it. JOBS are the background geosim processes of the case, killed (by
# their process id) if the case ends early.

JOBS=()
ERR=err

fail() {
  echo "FAIL: $*"
  if [ -s "$ERR" ]; then
    echo "--- standard error of the last geosim command ($ERR):"
    sed -n '1,20p' "$ERR"
  fi
  exit 1
}

case_cleanup() {
  local pid
  for pid in "${JOBS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
  done
  unmount_under "$PWD"
  [ -z "${WORLD:-}" ] || remove_world "$WORLD"
}

# note STATUS [MECHANISM]: what the summary shows for this case (the exit
# status and the first line of standard error).
note() {
  local message=""
  [ -s "$ERR" ] && message=$(head -n 1 "$ERR" | cut -c 1-160)
  printf '%s\t%s\n' "$1" "$message" >"$PWD/.note"
  if [ -s "$ERR" ]; then cp "$ERR" "$PWD/noted.err"; else : >"$PWD/noted.err"; fi  # the whole message, kept
}

# expect_status WANT GOT
expect_status() {
  [ "$2" = "$1" ] || fail "exit status $2, expected $1"
  note "$2"
}

# expect_err TEXT...: every TEXT is on standard error (fixed strings).
expect_err() {
  local text
  for text in "$@"; do
    grep -qF -- "$text" "$ERR" || fail "standard error lacks '$text'"
  done
}

expect_absent() {
  local p
  for p in "$@"; do
    [ ! -e "$p" ] && [ ! -L "$p" ] || fail "'$p' exists; it should not"
  done
}

# expect_no_temporaries DIR: no .NAME.tmp-PID (or .NAME.old-PID) left in DIR.
expect_no_temporaries() {
  local left
  left=$(find "$1" -maxdepth 1 \( -name '.*.tmp-*' -o -name '.*.old-*' \) 2>/dev/null || true)
  [ -z "$left" ] || fail "temporary files left in '$1': $left"
}

# A listing of everything under a folder, with every file's SHA-256.
tree_state() {
  (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo X; return; }
  stat=${stat##*) }
  echo "${stat%% *}"
}

# stop_job PID: freezes the job; false when it has already ended.
stop_job() {
  kill -STOP "$1" 2>/dev/null || return 1
  local i
  for i in $(seq 1000); do
    case $(proc_state "$1") in
      T | t) return 0 ;;
      Z | X) return 1 ;;
    esac
    sleep 0.01
  done
  return 1
}

# wait_job PID [SECONDS]: waits for the job to end (sending SIGCONT first);
# sets STATUS to its exit status (128 + N when a signal N killed it).
wait_job() {
  local pid=$1 limit=$((${2:-300} * 20)) i=0
  kill -CONT "$pid" 2>/dev/null || true
  while :; do
    case $(proc_state "$pid") in Z | X) break ;; esac
    i=$((i + 1))
    if [ "$i" -gt "$limit" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "geosim (pid $pid) still running after ${2:-300} s"
    fi
    sleep 0.05
  done
  STATUS=0
  wait "$pid" || STATUS=$?
}

# run_geosim ARGS...: runs geosim in the foreground, standard error to $ERR;
# sets STATUS.
run_geosim() {
  STATUS=0
  "$GEOSIM" "$@" 2>"$ERR" >/dev/null || STATUS=$?
}

# with_file_limit KB ARGS...: geosim under a file-size limit (ulimit -f, KiB).
with_file_limit() {
  local kb=$1
  shift
  STATUS=0
  (ulimit -f "$kb" && exec "$GEOSIM" "$@") 2>"$ERR" >/dev/null || STATUS=$?
}

# The sweep of every sweep case: mongolia_2019 on a Latin hypercube of
# SAMPLES points x 8 replicates, two threads (batches of 256 runs, so that a
# sweep of 128 points stores 4 batches).
sweep_args() {  # SAMPLES DB
  SWEEP=(sweep "$MONGOLIA" --design lhs --samples "$1" --replicates 8 --threads 2 --db "$2" --quiet)
}

# copy_db DB DIR: copies the database and its -wal/-journal into DIR (as
# DIR/db), so that it is read without touching the original (a reader that
# closes last folds the -wal into the file and removes it).
copy_db() {
  mkdir -p "$2"
  rm -f "$2"/db "$2"/db-wal "$2"/db-journal "$2"/db-shm
  cp "$1" "$2/db"
  [ ! -e "$1-wal" ] || cp "$1-wal" "$2/db-wal"
  [ ! -e "$1-journal" ] || cp "$1-journal" "$2/db-journal"
}

# runs_stored DB: the number of runs in a database a sweep is writing (read
# only; 0 while it does not exist or has no tables yet).
runs_stored() {
  local n=0
  if [ -s "$1" ]; then
    n=$(sqlite3 -cmd ".timeout 2000" "file:$1?mode=ro" "SELECT count(*) FROM runs" 2>/dev/null) || n=0
  fi
  echo "${n:-0}"
}

# rows DB FILE: every stored run and outcome, every column, one per line
# (from a copy): what must never be lost or altered.
rows() {
  local tmp
  tmp=$(mktemp -d "$PWD/rows.XXXXXX")
  copy_db "$1" "$tmp"
  sqlite3 "$tmp/db" \
    "SELECT 'run', run_id, point, replicate, policy, seed, status, ifnull(error, '-'), printf('%!.17g', wall_s),
            finished_utc FROM runs ORDER BY run_id;
     SELECT 'outcome', run_id, name, ifnull(printf('%!.17g', value), 'NULL') FROM outcomes ORDER BY run_id, name;
     SELECT 'point', point, path, printf('%!.17g', value) FROM points ORDER BY point, path;" >"$2"
  rm -rf "$tmp"
}

# expect_rows_kept BEFORE AFTER: every row of BEFORE is in AFTER, unchanged.
expect_rows_kept() {
  local lost
  [ -s "$1" ] || fail "no rows were stored before the fault (the case proves nothing)"
  lost=$(comm -23 <(sort "$1") <(sort "$2") | head -n 5)
  [ -z "$lost" ] || fail "rows stored before the fault were lost or altered: $lost"
}

# results DB DIR: the results of a database as `geosim export` writes them
# (from a copy), without the times: outcomes, points and the runs' keys.
results() {
  local tmp status=0
  tmp=$(mktemp -d "$PWD/export.XXXXXX")
  copy_db "$1" "$tmp"
  "$GEOSIM" export "$tmp/db" --to csv "$tmp/csv" 2>"$tmp/err" >/dev/null || status=$?
  [ "$status" = 0 ] || { cat "$tmp/err"; fail "geosim export of '$1' failed (status $status)"; }
  mkdir -p "$2"
  cp "$tmp/csv/outcomes.csv" "$tmp/csv/points.csv" "$2/"
  cut -d, -f1-6 "$tmp/csv/runs.csv" >"$2/runs.csv"
  rm -rf "$tmp"
}

# reference SAMPLES: the results of an uninterrupted sweep (made once per
# size, in $SCRATCH/reference-SAMPLES).
reference() {
  local dir=$SCRATCH/reference-$1
  if [ ! -e "$dir/done" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    sweep_args "$1" "$dir/whole.db"
    local status=0
    "$GEOSIM" "${SWEEP[@]}" 2>"$dir/err" || status=$?
    [ "$status" = 0 ] || { cat "$dir/err"; fail "the uninterrupted reference sweep failed (status $status)"; }
    results "$dir/whole.db" "$dir/results"
    touch "$dir/done"
  fi
  REFERENCE=$dir/results
}

# expect_same_results DB SAMPLES: DB holds exactly the results of an
# uninterrupted sweep of SAMPLES points.
expect_same_results() {
  reference "$2"
  rm -rf "$PWD/final-results"
  results "$1" "$PWD/final-results"
  local f
  for f in runs.csv outcomes.csv points.csv; do
    cmp -s "$REFERENCE/$f" "$PWD/final-results/$f" ||
      fail "'$1' does not hold the results of an uninterrupted sweep ($f differs: $(diff "$REFERENCE/$f" "$PWD/final-results/$f" | head -n 3 | tr '\n' ' '))"
  done
}

# catch_sweep SAMPLES DB MIN: starts the sweep in the background and freezes
# it once MIN runs are stored and before it has stored them all; sets
# JOB_PID. False when it ended first.
catch_sweep() {
  local samples=$1 db=$2 min=$3 n
  sweep_args "$samples" "$db"
  "$GEOSIM" "${SWEEP[@]}" 2>"$ERR" &
  JOB_PID=$!
  JOBS+=("$JOB_PID")
  while :; do
    case $(proc_state "$JOB_PID") in Z | X) wait_job "$JOB_PID"; return 1 ;; esac
    n=$(runs_stored "$db")
    [ "$n" -lt "$min" ] || break
    sleep 0.02
  done
  stop_job "$JOB_PID" || { wait_job "$JOB_PID"; return 1; }
  if [ "$(runs_stored "$db")" -ge $((samples * 8)) ]; then
    wait_job "$JOB_PID"
    return 1
  fi
}

# sweep_in_progress DB: catch_sweep with 128 points, then 256 and 512 if the
# sweep ended before it could be caught; sets SAMPLES.
sweep_in_progress() {
  local db=$1
  for SAMPLES in 128 256 512; do
    rm -f "$db" "$db-wal" "$db-shm"
    if catch_sweep "$SAMPLES" "$db" 256; then return 0; fi
    echo "the sweep of $SAMPLES points ended before it could be caught; again with more"
  done
  fail "could not catch a sweep in the middle"
}

# catch_folder_job DIR_OF_TEMP NAME MIN_BYTES ARGS...: starts geosim ARGS in
# the background and freezes it once its temporary folder DIR/.NAME.tmp-PID
# holds MIN_BYTES bytes of files (0: once it exists); sets JOB_PID, TEMP.
catch_folder_job() {
  local dir=$1 name=$2 min=$3 bytes
  shift 3
  "$GEOSIM" "$@" 2>"$ERR" >/dev/null &
  JOB_PID=$!
  JOBS+=("$JOB_PID")
  TEMP=$dir/.$name.tmp-$JOB_PID
  while :; do
    case $(proc_state "$JOB_PID") in Z | X) wait_job "$JOB_PID"; return 1 ;; esac
    if [ -d "$TEMP" ]; then
      bytes=$(du -sb "$TEMP" 2>/dev/null | cut -f1) || bytes=0
      [ "${bytes:-0}" -lt "$min" ] || break
    fi
    sleep 0.01
  done
  stop_job "$JOB_PID" || { wait_job "$JOB_PID"; return 1; }
  [ -d "$TEMP" ] || { wait_job "$JOB_PID"; return 1; }
}

# run_in_progress DIR NAME: `geosim run` of mongolia_2019 into DIR/NAME,
# frozen after its first runs are written (64 runs, then more if it ended
# first).
run_in_progress() {
  local dir=$1 name=$2 runs
  for runs in 64 256 1024; do
    rm -rf "${dir:?}/$name"
    if catch_folder_job "$dir" "$name" 200000 run "$MONGOLIA" --runs "$runs" --threads 2 --out "$dir/$name" --quiet; then
      return 0
    fi
    echo "the run of $runs runs ended before it could be caught; again with more"
  done
  fail "could not catch a run in the middle"
}

# compare_in_progress DIR NAME [ARGS...]: `geosim compare` of mongolia_2019
# into DIR/NAME, frozen a moment after it started (500 runs per policy, then
# more if it ended first).
compare_in_progress() {
  local dir=$1 name=$2 runs db="" arg previous=""
  shift 2
  for arg in "$@"; do
    [ "$previous" != --db ] || db=$arg
    previous=$arg
  done
  for runs in 500 2000 8000; do
    rm -rf "${dir:?}/$name"
    [ -z "$db" ] || rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    if catch_folder_job "$dir" "$name" 0 compare "$MONGOLIA" --runs "$runs" --threads 2 --out "$dir/$name" --quiet "$@"; then
      kill -CONT "$JOB_PID"
      sleep 0.2
      if stop_job "$JOB_PID"; then return 0; fi
      wait_job "$JOB_PID"
    fi
    echo "the comparison of $runs runs ended before it could be caught; again with more"
  done
  fail "could not catch a comparison in the middle"
}

# --- mechanisms -----------------------------------------------------------------

mounts_allowed() {
  local probe=$SCRATCH/probe-mount
  mkdir -p "$probe"
  if mount -t tmpfs -o size=1m geosim-fault "$probe" 2>/dev/null; then
    umount "$probe"
    rmdir "$probe"
    return 0
  fi
  rmdir "$probe"
  return 1
}

loop_allowed() {
  command -v mkfs.ext4 >/dev/null || return 1
  local probe=$SCRATCH/probe-loop
  mkdir -p "$probe"
  truncate -s 4M "$probe.img"
  if mkfs.ext4 -q -F -m 0 "$probe.img" >/dev/null 2>&1 && mount -o loop "$probe.img" "$probe" 2>/dev/null; then
    umount "$probe"
    rm -rf "$probe" "$probe.img"
    return 0
  fi
  rm -rf "$probe" "$probe.img"
  return 1
}

# The mount of the full-disk cases: tmpfs, else loop, else none.
disk_mechanism() {
  if [ -z "${DISK_MECH:-}" ]; then
    DISK_MECH=none
    case "${GEOSIM_FAULT_DISK:-}" in
      tmpfs) if mounts_allowed; then DISK_MECH=tmpfs; fi ;;
      loop) if loop_allowed; then DISK_MECH=loop; fi ;;
      *) if mounts_allowed; then DISK_MECH=tmpfs; elif loop_allowed; then DISK_MECH=loop; fi ;;
    esac
  fi
}

# small_disk DIR FREE: a 16 MiB file system at DIR (DISK_MECH) filled, with
# DIR/filler, up to FREE bytes of free space.
small_disk() {
  local dir=$1 free=$2 avail
  mkdir -p "$dir"
  case "$DISK_MECH" in
    tmpfs) mount -t tmpfs -o size=16m,mode=0755 geosim-fault "$dir" ;;
    loop)
      truncate -s 16M "$dir.img"
      mkfs.ext4 -q -F -m 0 "$dir.img" >/dev/null
      mount -o loop "$dir.img" "$dir"
      rmdir "$dir/lost+found" 2>/dev/null || true
      ;;
    *) fail "no mount mechanism" ;;
  esac
  sync -f "$dir" 2>/dev/null || true
  avail=$(df --output=avail -B1 "$dir" | tail -n 1 | tr -d ' ')
  [ "$avail" -gt "$free" ] || fail "the small file system has only $avail bytes"
  fallocate -l $((avail - free)) "$dir/filler" 2>/dev/null ||
    dd if=/dev/zero of="$dir/filler" bs=4096 count=$(((avail - free) / 4096)) status=none
  sync -f "$dir" 2>/dev/null || true
}

# Runs a command as a user who cannot write the read-only folder: the user
# itself when chmod holds it back (not root, or root without
# CAP_DAC_OVERRIDE), else nobody (65534) through setpriv or python3.
ro_mechanism() {
  if [ -n "${RO_MECH:-}" ]; then return; fi
  local probe
  probe=$(mktemp -d "${TMPDIR:-/tmp}/geosim-fault-probe.XXXXXX")
  chmod 555 "$probe"
  RO_MECH=none
  if ! (: >"$probe/x") 2>/dev/null; then
    RO_MECH="chmod"
  elif command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
    ! setpriv --reuid=65534 --regid=65534 --clear-groups sh -c ": >'$probe/x'" 2>/dev/null; then
    RO_MECH=setpriv
  elif command -v python3 >/dev/null &&
    python3 -c 'import os; os.setgroups([]); os.setgid(65534); os.setuid(65534)' 2>/dev/null; then
    RO_MECH=python3-setuid
  fi
  chmod 755 "$probe"
  rm -rf "$probe"
  # GEOSIM_FAULT_RO=python3-setuid tries the fallback where setpriv works.
  if [ "${GEOSIM_FAULT_RO:-}" = python3-setuid ] && [ "$RO_MECH" = setpriv ]; then RO_MECH=python3-setuid; fi
}

as_user() {
  case "$RO_MECH" in
    chmod) "$@" ;;
    setpriv) setpriv --reuid=65534 --regid=65534 --clear-groups "$@" ;;
    python3-setuid)
      python3 -c 'import os, sys; os.setgroups([]); os.setgid(65534); os.setuid(65534); os.execvp(sys.argv[1], sys.argv[1:])' "$@"
      ;;
  esac
}

# A folder that the user of as_user can read (the build folder may not be):
# $TMPDIR/geosim-fault-ro.XXXXXX with the scenario files. When that user
# cannot run geosim where it is, it runs a copy, made once for all cases.
new_world() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/geosim-fault-ro.XXXXXX")
  chmod 755 "$dir"
  echo "$dir" >>"$SCRATCH/world-dirs"
  echo "$dir"
}

world_dir() {
  WORLD=$(new_world)
  cp "$MONGOLIA" "$TRIAD" "$WORLD/"
  chmod 644 "$WORLD"/*.yaml
  RO_GEOSIM=$GEOSIM
  if [ "$RO_MECH" != ro-mount ] && ! as_user "$GEOSIM" --version >/dev/null 2>&1; then
    if [ ! -s "$SCRATCH/geosim-copy" ]; then
      local dir
      dir=$(new_world)
      cp "$GEOSIM" "$dir/geosim"
      chmod 755 "$dir/geosim"
      echo "$dir/geosim" >"$SCRATCH/geosim-copy"
    fi
    RO_GEOSIM=$(cat "$SCRATCH/geosim-copy")
    as_user "$RO_GEOSIM" --version >/dev/null 2>&1 ||
      fail "user 65534 cannot run geosim, not even a copy in '$(dirname "$RO_GEOSIM")' (a noexec file system? set TMPDIR)"
  fi
}

run_as_user() {
  STATUS=0
  as_user "$RO_GEOSIM" "$@" 2>"$ERR" >/dev/null || STATUS=$?
}

# --- 1. a full disk --------------------------------------------------------------
# MECH: ulimit (file-size limit), or the file system of small_disk.
# Messages: "no space left on device" (a full file system) or "file too
# large" (the limit).

disk_space_text() { [ "$MECH" = ulimit ] && echo "file too large" || echo "no space left on device"; }

# disk_geosim KB_OR_FREE ARGS...: geosim with the fault: under the file-size
# limit (ulimit), else on the small file system made by the case.
disk_geosim() {
  local limit=$1
  shift
  if [ "$MECH" = ulimit ]; then with_file_limit "$limit" "$@"; else run_geosim "$@"; fi
}

disk_place() {  # FREE_BYTES: where the case writes (D)
  if [ "$MECH" = ulimit ]; then
    D=$PWD/out
    mkdir -p "$D"
  else
    D=$PWD/disk
    small_disk "$D" "$1"
  fi
}

case_disk_run() {
  disk_place $((1024 * 1024))
  disk_geosim 1024 run "$MONGOLIA" --runs 20 --threads 2 --out "$D/results" --quiet
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text) writing '$D/results/" "nothing was written" "run again"
  expect_absent "$D/results"
  expect_no_temporaries "$D"
}

case_disk_run_force() {
  disk_place $((1024 * 1024))
  run_geosim run "$TRIAD" --out "$D/results" --quiet
  [ "$STATUS" = 0 ] || fail "the first (small) run failed"
  tree_state "$D/results" >before
  disk_geosim 1024 run "$MONGOLIA" --runs 20 --threads 2 --out "$D/results" --force --quiet
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text) writing '$D/results/" "existing" "unchanged"
  tree_state "$D/results" >after
  cmp -s before after || fail "the existing folder '$D/results' changed"
  expect_no_temporaries "$D"
}

case_disk_sweep() {
  disk_place $((700 * 1024))
  local db=$D/sweep.db
  sweep_args 128 "$db"
  disk_geosim 500 "${SWEEP[@]}"
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text)" "results database '$db'" "runs stored before are intact in $db" "--resume"
  local stored
  stored=$(grep -o 'and the [0-9]* runs stored before' "$ERR" | grep -o '[0-9]*')
  [ "${stored:-0}" -ge 256 ] || fail "the disk filled before the first batch was stored ($stored runs): the case proves nothing"
  rows "$db" before
  [ "$(grep -c '^run|' before)" = "$stored" ] || fail "the message says $stored runs are stored, the database holds $(grep -c '^run|' before)"
  # --resume while the disk is still full: it stops again, and loses nothing.
  cp "$ERR" first.err
  disk_geosim 500 "${SWEEP[@]}" --resume
  [ "$STATUS" = 1 ] || fail "--resume on the full disk: exit status $STATUS, expected 1"
  expect_err "$(disk_space_text)" "runs stored before are intact in $db" "--resume"
  rows "$db" still-full
  expect_rows_kept before still-full
  cp first.err "$ERR"
  # Space again (or no limit), then --resume finishes the sweep.
  [ "$MECH" = ulimit ] || rm -f "$D/filler"
  run_geosim "${SWEEP[@]}" --resume
  [ "$STATUS" = 0 ] || fail "--resume after the disk was freed failed (status $STATUS)"
  rows "$db" after
  expect_rows_kept before after
  expect_same_results "$db" 128
}

case_disk_compare() {
  disk_place $((64 * 1024))
  disk_geosim 100 compare "$MONGOLIA" --policies steppe_bloc --runs 300 --threads 2 --out "$D/cmp" --quiet
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text) writing '$D/cmp/" "nothing was written"
  expect_absent "$D/cmp"
  expect_no_temporaries "$D"
}

case_disk_compare_db() {
  # The folder fits; the database does not: it is removed, and no folder.
  disk_place $((300 * 1024))
  mkdir -p "$PWD/elsewhere"
  disk_geosim 300 compare "$MONGOLIA" --policies steppe_bloc --runs 300 --threads 2 --out "$PWD/elsewhere/cmp" \
    --db "$D/cmp.db" --quiet
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text)" "$D/cmp.db" "the comparison was not saved" "run again"
  expect_absent "$PWD/elsewhere/cmp" "$D/cmp.db" "$D/cmp.db-wal" "$D/cmp.db-shm" "$D/cmp.db-journal"
  expect_no_temporaries "$PWD/elsewhere"
}

case_disk_graph() {
  disk_place 2048
  disk_geosim 2 graph "$MONGOLIA" --step 0 --format svg --out "$D/net.svg"
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text) writing '$D/net.svg'" "nothing was written"
  expect_absent "$D/net.svg"
  expect_no_temporaries "$D"
}

case_disk_export() {
  reference 128
  disk_place $((100 * 1024))
  disk_geosim 100 export "$SCRATCH/reference-128/whole.db" --to csv "$D/csv"
  expect_status 1 "$STATUS"
  expect_err "$(disk_space_text) writing '$D/csv/" "nothing was written"
  expect_absent "$D/csv"
  expect_no_temporaries "$D"
}

DISK_CASES=(run run_force sweep compare compare_db graph export)

# --- 2. a read-only folder --------------------------------------------------------
# MECH: setpriv, python3-setuid or chmod (a user without write permission on
# the folder), or ro-mount (a tmpfs remounted read-only, as root). Each case
# makes its own folder R under /tmp and checks that nothing in it changed.

ro_setup() {
  RO_MECH=$MECH
  world_dir
  R=$WORLD/ro
  mkdir -p "$R" "$WORLD/db"
  [ "$MECH" != ro-mount ] || mount -t tmpfs -o size=16m,mode=0755 geosim-fault "$R"
  # R/keep: a run's folder; R/own.db: a stopped sweep (mode 444); R/open.db:
  # the same with mode 666 (the file may be written, its folder not);
  # WORLD/db/done.db: a finished sweep outside R (mode 644).
  "$GEOSIM" run "$WORLD/triad.yaml" --out "$R/keep" --quiet
  ro_sweep_args "$R/own.db"
  "$GEOSIM" "${SWEEP[@]}"
  sqlite3 "$R/own.db" "DELETE FROM outcomes WHERE run_id >= 64; DELETE FROM runs WHERE run_id >= 64;"
  cp "$R/own.db" "$R/open.db"
  chmod 444 "$R/own.db"
  chmod 666 "$R/open.db"
  "$GEOSIM" sweep "$WORLD/mongolia_2019.yaml" --design lhs --samples 4 --replicates 2 --db "$WORLD/db/done.db" --quiet
  chmod 644 "$WORLD/db/done.db"
  if [ "$MECH" = ro-mount ]; then
    mount -o remount,ro "$R"
    RO_TEXT="read-only file system"
    G_AS=run_geosim
  else
    chmod 555 "$R"
    RO_TEXT="permission denied"
    G_AS=run_as_user
  fi
  tree_state "$R" >ro-before
}

ro_sweep_args() {  # DB
  sweep_args 16 "$1"
  SWEEP[1]=$WORLD/mongolia_2019.yaml
}

expect_ro_unchanged() {
  tree_state "$R" >ro-after
  cmp -s ro-before ro-after || fail "'$R' changed: $(diff ro-before ro-after | head -n 4 | tr '\n' ' ')"
}

case_readonly_run() {
  ro_setup
  $G_AS run "$WORLD/triad.yaml" --out "$R/new" --quiet
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/new'" "nothing was written"
  expect_ro_unchanged
}

case_readonly_run_subfolder() {
  ro_setup
  $G_AS run "$WORLD/triad.yaml" --out "$R/sub/new" --quiet
  expect_status 2 "$STATUS"
  expect_err "cannot create folder '$R/sub'"
  expect_ro_unchanged
}

case_readonly_run_force() {
  ro_setup
  $G_AS run "$WORLD/triad.yaml" --out "$R/keep" --force --quiet
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/keep'" "unchanged"
  expect_ro_unchanged
}

case_readonly_sweep_new() {
  ro_setup
  ro_sweep_args "$R/new.db"
  $G_AS "${SWEEP[@]}"
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/new.db'" "nothing was written"
  expect_ro_unchanged
}

case_readonly_resume() {
  # --resume of a database in the folder that cannot be written itself
  ro_setup
  ro_sweep_args "$R/own.db"
  $G_AS "${SWEEP[@]}" --resume
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT" "'$R/own.db'" "left as it was"
  expect_ro_unchanged
}

case_readonly_resume_folder() {
  # --resume of a database that may be written, in a folder that may not:
  # SQLite cannot make its -wal and -shm files beside it.
  ro_setup
  ro_sweep_args "$R/open.db"
  $G_AS "${SWEEP[@]}" --resume
  expect_status 1 "$STATUS"
  expect_err "'$R/open.db'" "folder '$R'" "left as it was"
  expect_ro_unchanged
}

case_readonly_compare() {
  ro_setup
  $G_AS compare "$WORLD/triad.yaml" --runs 3 --out "$R/cmp" --quiet
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/cmp'" "nothing was written"
  expect_ro_unchanged
}

case_readonly_graph() {
  ro_setup
  $G_AS graph "$WORLD/triad.yaml" --step 0 --out "$R/net.dot"
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/net.dot'" "nothing was written"
  expect_ro_unchanged
}

case_readonly_export() {
  ro_setup
  $G_AS export "$WORLD/db/done.db" --to csv "$R/csv"
  expect_status 1 "$STATUS"
  expect_err "$RO_TEXT writing '$R/csv'" "nothing was written"
  expect_ro_unchanged
}

READONLY_CASES=(run run_subfolder run_force sweep_new resume resume_folder compare graph export)
# On a read-only file system the file cannot be written either: no resume_folder.
READONLY_MOUNT_CASES=(run run_subfolder run_force sweep_new resume compare graph export)

# --- 3. a vanished folder ----------------------------------------------------------

case_vanish_run_removed() {
  mkdir -p "$PWD/p/sub"
  run_in_progress "$PWD/p/sub" results
  rm -rf "$PWD/p"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "'$PWD/p/sub' was removed" "nothing was written"
  expect_absent "$PWD/p"
}

case_vanish_run_moved() {
  mkdir -p "$PWD/p/sub"
  run_in_progress "$PWD/p/sub" results
  mv "$PWD/p" "$PWD/moved"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "'$PWD/p/sub' was" "moved" "nothing was written"
  expect_absent "$PWD/p" "$PWD/moved/sub/results"
  expect_no_temporaries "$PWD/moved/sub"
}

case_vanish_run_temp_removed() {
  mkdir -p "$PWD/p"
  run_in_progress "$PWD/p" results
  rm -rf "$TEMP"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "temporary folder '$TEMP' was removed" "nothing was written"
  expect_absent "$PWD/p/results"
  expect_no_temporaries "$PWD/p"
}

case_vanish_sweep_removed() {
  mkdir -p "$PWD/p/sub"
  sweep_in_progress "$PWD/p/sub/sweep.db"
  rm -rf "$PWD/p"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "'$PWD/p/sub/sweep.db' was removed with its folder '$PWD/p/sub'"
  expect_absent "$PWD/p"
}

case_vanish_sweep_moved() {
  mkdir -p "$PWD/p/sub"
  sweep_in_progress "$PWD/p/sub/sweep.db"
  rows "$PWD/p/sub/sweep.db" before
  mv "$PWD/p" "$PWD/moved"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "'$PWD/p/sub/sweep.db' was moved" "$PWD/moved/sub/sweep.db" "--resume"
  expect_absent "$PWD/p"
  # The runs stored before are where the folder went, and the sweep goes on
  # from there.
  rows "$PWD/moved/sub/sweep.db" after
  expect_rows_kept before after
  sweep_args "$SAMPLES" "$PWD/moved/sub/sweep.db"
  run_geosim "${SWEEP[@]}" --resume
  [ "$STATUS" = 0 ] || fail "--resume in the new place failed (status $STATUS)"
  rows "$PWD/moved/sub/sweep.db" after
  expect_rows_kept before after
  expect_same_results "$PWD/moved/sub/sweep.db" "$SAMPLES"
}

case_vanish_sweep_deleted() {
  mkdir -p "$PWD/p"
  sweep_in_progress "$PWD/p/sweep.db"
  rm -f "$PWD/p/sweep.db" "$PWD/p/sweep.db-wal" "$PWD/p/sweep.db-shm"
  wait_job "$JOB_PID"
  expect_status 1 "$STATUS"
  expect_err "'$PWD/p/sweep.db' was deleted"
  expect_absent "$PWD/p/sweep.db" "$PWD/p/sweep.db-wal" "$PWD/p/sweep.db-shm" "$PWD/p/sweep.db-journal"
}

VANISH_CASES=(run_removed run_moved run_temp_removed sweep_removed sweep_moved sweep_deleted)

# --- 4. signals ------------------------------------------------------------------

case_signals_sweep_term() {
  sweep_in_progress "$PWD/sweep.db"
  rows "$PWD/sweep.db" before
  kill -TERM "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 130 "$STATUS"
  expect_err "interrupted" "runs finished are stored in $PWD/sweep.db" "--resume"
  expect_absent "$PWD/sweep.db-wal" "$PWD/sweep.db-shm"  # closed cleanly
  rows "$PWD/sweep.db" after
  expect_rows_kept before after
  local stored
  stored=$(grep -o 'the [0-9]* runs finished' "$ERR" | grep -o '[0-9]*')
  [ "$(grep -c '^run|' after)" = "$stored" ] || fail "the message says $stored runs are stored, the database holds $(grep -c '^run|' after)"
  sweep_args "$SAMPLES" "$PWD/sweep.db"
  run_geosim "${SWEEP[@]}" --resume
  [ "$STATUS" = 0 ] || fail "--resume failed (status $STATUS)"
  rows "$PWD/sweep.db" rows-final
  expect_rows_kept after rows-final
  expect_same_results "$PWD/sweep.db" "$SAMPLES"
}

case_signals_sweep_kill() {
  sweep_in_progress "$PWD/sweep.db"
  rows "$PWD/sweep.db" before
  kill -KILL "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 137 "$STATUS"
  [ -s "$PWD/sweep.db-wal" ] || fail "no -wal file after SIGKILL (the case wants the last batches in it)"
  rows "$PWD/sweep.db" after
  expect_rows_kept before after
  sweep_args "$SAMPLES" "$PWD/sweep.db"
  run_geosim "${SWEEP[@]}" --resume
  [ "$STATUS" = 0 ] || fail "--resume after SIGKILL failed (status $STATUS)"
  note 137
  rows "$PWD/sweep.db" rows-final
  expect_rows_kept after rows-final
  expect_same_results "$PWD/sweep.db" "$SAMPLES"
}

case_signals_run_term() {
  run_in_progress "$PWD" results
  kill -TERM "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 130 "$STATUS"
  expect_err "interrupted; no output written"
  expect_absent "$PWD/results"
  expect_no_temporaries "$PWD"
}

case_signals_run_kill() {
  run_in_progress "$PWD" results
  local temp=$TEMP
  kill -KILL "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 137 "$STATUS"
  expect_absent "$PWD/results"
  [ -d "$temp" ] || fail "expected the killed run's temporary folder '$temp'"
  # The next run for the same folder removes the leftover.
  run_geosim run "$TRIAD" --out "$PWD/results" --quiet
  [ "$STATUS" = 0 ] || fail "the next run failed (status $STATUS)"
  note 137
  expect_absent "$temp"
  expect_no_temporaries "$PWD"
}

case_signals_compare_term() {
  compare_in_progress "$PWD" cmp --db "$PWD/cmp.db"
  kill -TERM "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 130 "$STATUS"
  expect_err "interrupted; no output written"
  expect_absent "$PWD/cmp" "$PWD/cmp.db" "$PWD/cmp.db-wal" "$PWD/cmp.db-shm"
  expect_no_temporaries "$PWD"
}

case_signals_compare_kill() {
  compare_in_progress "$PWD" cmp
  local temp=$TEMP
  kill -KILL "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 137 "$STATUS"
  expect_absent "$PWD/cmp"
  [ -d "$temp" ] || fail "expected the killed comparison's temporary folder '$temp'"
  run_geosim compare "$TRIAD" --runs 3 --out "$PWD/cmp" --quiet
  [ "$STATUS" = 0 ] || fail "the next comparison failed (status $STATUS)"
  note 137
  expect_absent "$temp"
  expect_no_temporaries "$PWD"
}

case_signals_compare_kill_db() {
  # A comparison killed with --db leaves its database (an experiment without
  # runs; docs/cli.md): the next one with the same --db is turned away,
  # saying so, and leaves it as it is.
  compare_in_progress "$PWD" cmp --db "$PWD/cmp.db"
  kill -KILL "$JOB_PID"
  wait_job "$JOB_PID"
  expect_status 137 "$STATUS"
  expect_absent "$PWD/cmp"
  [ -e "$PWD/cmp.db" ] || fail "expected the killed comparison's database"
  local sum
  sum=$(db_state "$PWD/cmp.db")
  run_geosim compare "$TRIAD" --runs 3 --out "$PWD/cmp" --db "$PWD/cmp.db" --quiet
  expect_status 2 "$STATUS"
  expect_err "'$PWD/cmp.db' already exists" "delete it"
  [ "$(db_state "$PWD/cmp.db")" = "$sum" ] || fail "the database was changed"
  expect_absent "$PWD/cmp"
  expect_no_temporaries "$PWD"
}

SIGNALS_CASES=(sweep_term sweep_kill run_term run_kill compare_term compare_kill compare_kill_db)

# --- 5. a damaged database before --resume ----------------------------------------------

# A stopped sweep of 128 points: the first 512 runs stored, the file closed
# cleanly (no -wal).
stopped_sweep() {
  local db=$1
  reference 128
  cp "$SCRATCH/reference-128/whole.db" "$db"
  sqlite3 "$db" "DELETE FROM outcomes WHERE run_id >= 512; DELETE FROM runs WHERE run_id >= 512; VACUUM;"
  expect_absent "$db-wal" "$db-shm"
}

# expect_refused DB: --resume of the damaged DB exits 2 saying so, and
# leaves the file exactly as it was, with no file made beside it.
expect_refused() {
  local db=$1 sum
  shift
  sum=$(sha256sum <"$db")
  sweep_args 128 "$db"
  run_geosim "${SWEEP[@]}" --resume
  expect_status 2 "$STATUS"
  expect_err "'$db'" "$@"
  [ "$(sha256sum <"$db")" = "$sum" ] || fail "'$db' was changed"
  expect_absent "$db-wal" "$db-shm" "$db-journal"
}

case_corrupt_truncated() {
  stopped_sweep "$PWD/sweep.db"
  truncate -s $(($(stat -c %s "$PWD/sweep.db") / 2)) "$PWD/sweep.db"
  expect_refused "$PWD/sweep.db" "damaged" "left it exactly as it was"
}

case_corrupt_page() {
  stopped_sweep "$PWD/sweep.db"
  # 8 bytes overwritten in the middle of a page of the runs table. Some
  # places hold only a value, which no check can tell from a right one: take
  # the first place where SQLite's own quick_check sees the damage.
  local page offset found=no size
  size=$(sqlite3 "$PWD/sweep.db" "PRAGMA page_size")
  for page in $(sqlite3 "$PWD/sweep.db" "SELECT pageno FROM dbstat WHERE name = 'runs' ORDER BY pageno"); do
    for offset in $((size / 2)) $((size / 2 - 1024)) $((size / 2 + 1024)); do
      cp "$PWD/sweep.db" try.db
      printf '\377\377\377\377\377\377\377\377' |
        dd of=try.db bs=1 seek=$(((page - 1) * size + offset)) conv=notrunc status=none
      if [ "$(sqlite3 try.db "PRAGMA quick_check" 2>&1 | head -n 1)" != ok ]; then
        found=yes
        break 2
      fi
    done
  done
  rm -f try.db-wal try.db-shm
  [ "$found" = yes ] || fail "no damage that SQLite sees found"
  echo "damaged page $page at offset $offset"
  mv try.db "$PWD/sweep.db"
  expect_refused "$PWD/sweep.db" "damaged" "left it exactly as it was"
}

case_corrupt_header() {
  stopped_sweep "$PWD/sweep.db"
  head -c 100 /dev/zero | tr '\0' 'x' | dd of="$PWD/sweep.db" conv=notrunc status=none
  expect_refused "$PWD/sweep.db" "damaged" "left as it was"
}

case_corrupt_wal_cut() {
  # A sweep killed mid-way, then its -wal cut in the middle of a frame (a
  # write that the power cut short): SQLite drops the incomplete
  # transaction; the resume runs it again.
  sweep_in_progress "$PWD/sweep.db"
  kill -KILL "$JOB_PID"
  wait_job "$JOB_PID"
  [ -s "$PWD/sweep.db-wal" ] || fail "no -wal file after SIGKILL"
  local size
  size=$(stat -c %s "$PWD/sweep.db-wal")
  truncate -s $((size - 1000)) "$PWD/sweep.db-wal"
  rows "$PWD/sweep.db" before
  sweep_args "$SAMPLES" "$PWD/sweep.db"
  run_geosim "${SWEEP[@]}" --resume
  expect_status 0 "$STATUS"
  rows "$PWD/sweep.db" after
  expect_rows_kept before after
  expect_same_results "$PWD/sweep.db" "$SAMPLES"
}

case_corrupt_empty() {
  # An empty file is what a sweep killed before its first commit leaves (it
  # holds no experiment, nothing can be lost): --resume starts it.
  : >"$PWD/sweep.db"
  sweep_args 128 "$PWD/sweep.db"
  run_geosim "${SWEEP[@]}" --resume
  expect_status 0 "$STATUS"
  expect_same_results "$PWD/sweep.db" 128
}

case_corrupt_not_sqlite() {
  printf 'run_id,point\n0,0\n' >"$PWD/sweep.db"
  expect_refused "$PWD/sweep.db" "not a geosim results database" "left as it was"
}

CORRUPT_CASES=(truncated page header wal_cut empty not_sqlite)

# --- 6. two sweeps on one database ---------------------------------------------------------

db_state() {  # DB: the SHA-256 of the file and of its -wal
  sha256sum "$1"
  [ ! -e "$1-wal" ] || sha256sum "$1-wal"
}

case_concurrent_second_sweep() {
  # The first sweep (its standard error in err) is frozen mid-way; a second
  # sweep, a second with --resume and a comparison on the same file (their
  # standard error in second.err) are turned away at once and change nothing.
  sweep_in_progress "$PWD/sweep.db"
  local first=$JOB_PID state start end how
  state=$(db_state "$PWD/sweep.db")
  ERR=second.err
  for how in new resume; do
    sweep_args "$SAMPLES" "$PWD/sweep.db"
    start=$(date +%s%N)
    if [ "$how" = resume ]; then run_geosim "${SWEEP[@]}" --resume; else run_geosim "${SWEEP[@]}"; fi
    end=$(date +%s%N)
    expect_status 2 "$STATUS"
    expect_err "'$PWD/sweep.db' is in use by another geosim process (pid $first" "changed nothing"
    [ $(((end - start) / 1000000)) -lt 20000 ] || fail "the second sweep took $(((end - start) / 1000000)) ms to give up"
    [ "$(db_state "$PWD/sweep.db")" = "$state" ] || fail "the second sweep ($how) changed the database"
  done
  run_geosim compare "$TRIAD" --runs 3 --out "$PWD/cmp" --db "$PWD/sweep.db" --quiet
  expect_status 2 "$STATUS"
  expect_err "in use by another geosim process (pid $first"
  expect_absent "$PWD/cmp"
  [ "$(db_state "$PWD/sweep.db")" = "$state" ] || fail "the comparison changed the database"
  ERR=err
  wait_job "$first"
  [ "$STATUS" = 0 ] || fail "the first sweep failed after the others were turned away (status $STATUS)"
  ERR=second.err
  note 2
  expect_same_results "$PWD/sweep.db" "$SAMPLES"
}

case_concurrent_same_moment() {
  # Two sweeps (one with --resume) started at the same moment on a new
  # database, both waiting for the file `go`: one does the work, the other
  # is turned away.
  sweep_args 128 "$PWD/sweep.db"
  sh -c 'while [ ! -e go ]; do sleep 0.001; done; exec "$@"' sh "$GEOSIM" "${SWEEP[@]}" 2>a.err &
  local a=$!
  sh -c 'while [ ! -e go ]; do sleep 0.001; done; exec "$@"' sh "$GEOSIM" "${SWEEP[@]}" --resume 2>b.err &
  local b=$!
  JOBS+=("$a" "$b")
  sleep 0.1
  touch go
  ERR=a.err
  wait_job "$a"
  local sa=$STATUS
  ERR=b.err
  wait_job "$b"
  local sb=$STATUS
  if [ "$sa" = 0 ] && [ "$sb" = 2 ]; then
    ERR=b.err
  elif [ "$sa" = 2 ] && [ "$sb" = 0 ]; then
    ERR=a.err
  else
    fail "statuses $sa and $sb; expected one 0 and one 2 ($(cat a.err b.err | head -n 4))"
  fi
  note 2
  grep -qE "is in use by another geosim process|already exists; resume" "$ERR" || fail "unexpected message: $(cat "$ERR")"
  cp "$ERR" err
  ERR=err
  expect_same_results "$PWD/sweep.db" 128
}

CONCURRENT_CASES=(second_sweep same_moment)

# --- the runner -------------------------------------------------------------------------

FAILED=0
RAN=0
SKIPPED=0

# run_case GROUP CASE MECHANISM: runs case_GROUP_CASE in a subshell, in
# $SCRATCH/GROUP/CASE[-MECHANISM], with MECH=MECHANISM.
run_case() {
  local group=$1 name=$2 mechanism=$3 dir status t0 t1 result note_status="" note_message=""
  dir=$SCRATCH/$group/$name-${mechanism//[^a-zA-Z0-9_.-]/_}
  mkdir -p "$dir"
  t0=$(date +%s%N)
  set +e
  (
    set -e
    cd "$dir"
    MECH=$mechanism
    trap case_cleanup EXIT
    "case_${group}_$name"
  ) >"$dir/log" 2>&1
  status=$?
  set -e
  t1=$(date +%s%N)
  if [ -e "$dir/.note" ]; then
    IFS=$'\t' read -r note_status note_message <"$dir/.note" || true
  fi
  RAN=$((RAN + 1))
  if [ "$status" = 0 ]; then result=PASS; else result=FAIL; FAILED=$((FAILED + 1)); fi
  printf '%-10s %-16s %-16s %s (%d ms)\n' "$group" "$name" "$mechanism" "$result" $(((t1 - t0) / 1000000))
  if [ "$result" = FAIL ]; then
    sed 's/^/    | /' "$dir/log"
    echo "    | (the case ended with status $status; its files are in $dir)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$name" "$mechanism" "$result" "$note_status" "$note_message" >>"$SUMMARY"
}

skip_row() {  # GROUP MECHANISM WHY
  SKIPPED=$((SKIPPED + 1))
  printf '%-10s %-16s %-16s SKIP (%s)\n' "$1" "-" "$2" "$3"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "-" "$2" "SKIP" "" "$3" >>"$SUMMARY"
}

group_disk_ulimit() {
  local c
  for c in "${DISK_CASES[@]}"; do run_case disk "$c" ulimit; done
}

group_disk_mount() {
  disk_mechanism
  if [ "$DISK_MECH" = none ]; then
    skip_row disk "tmpfs/loop" "no mount allowed here (tmpfs, loop device); the ulimit cases run all the same"
    return
  fi
  local c
  for c in "${DISK_CASES[@]}"; do run_case disk "$c" "$DISK_MECH"; done
}

group_readonly_perm() {
  ro_mechanism
  # No way to take write permission away from this process (root without
  # CAP_SETUID, and no setpriv or python3): a failure, not a skip.
  [ "$RO_MECH" != none ] || { RAN=$((RAN + 1)); FAILED=$((FAILED + 1)); \
    printf 'readonly\t-\tnone\tFAIL\t\tno way to run geosim without write permission\n' >>"$SUMMARY"; return; }
  local c
  for c in "${READONLY_CASES[@]}"; do run_case readonly "$c" "$RO_MECH"; done
}

group_readonly_mount() {
  if ! mounts_allowed; then
    skip_row readonly "ro-mount" "no tmpfs mount allowed here; the permission cases run all the same"
    return
  fi
  local c
  for c in "${READONLY_MOUNT_CASES[@]}"; do run_case readonly "$c" ro-mount; done
}

group_list() {  # GROUP MECHANISM-LABEL CASE...
  local group=$1 label=$2 c
  shift 2
  for c in "$@"; do run_case "$group" "$c" "$label"; done
}

run_group() {
  case "$1" in
    disk) group_disk_ulimit; group_disk_mount ;;
    disk_ulimit) group_disk_ulimit ;;
    disk_mount) group_disk_mount ;;
    readonly) group_readonly_perm; group_readonly_mount ;;
    readonly_perm) group_readonly_perm ;;
    readonly_mount) group_readonly_mount ;;
    vanish) group_list vanish "rm -rf/mv" "${VANISH_CASES[@]}" ;;
    signals) group_list signals "SIGSTOP+signal" "${SIGNALS_CASES[@]}" ;;
    corrupt) group_list corrupt "truncate/dd" "${CORRUPT_CASES[@]}" ;;
    concurrent) group_list concurrent "SIGSTOP+flock" "${CONCURRENT_CASES[@]}" ;;
    all) for g in disk readonly vanish signals corrupt concurrent; do run_group "$g"; done ;;
    *) echo "fault_test: unknown group '$1'" >&2; exit 2 ;;
  esac
}

START=$(date +%s%N)
for g in "${GROUPS_ASKED[@]}"; do run_group "$g"; done
END=$(date +%s%N)

echo
echo "Summary: $RAN cases, $FAILED failed, $SKIPPED mechanisms skipped, $(((END - START) / 1000000)) ms"
{
  printf 'fault\tcase\tmechanism\tresult\texit\tmessage\n'
  cat "$SUMMARY"
} | awk -F'\t' '{ printf "%-10s | %-14s | %-14s | %-6s | %-4s | %s\n", $1, $2, ($3 == "" ? "-" : $3), $4, $5, $6 }'

if [ "$FAILED" -gt 0 ]; then exit 1; fi
if [ "$RAN" -eq 0 ] && [ "$SKIPPED" -gt 0 ]; then exit 77; fi
exit 0
