#!/usr/bin/env bash
# CI's short fuzz pass (fuzz/README.md): builds the `fuzz` preset (clang,
# libFuzzer, ASan + UBSan) and runs each harness for a while, starting from a
# temporary copy of its corpus in fuzz/corpus/ (the repository is never
# modified), with its dictionary. Fails (status 1) on any crash, sanitizer
# report, leak, timeout, out-of-memory or failed check, and says where the
# input that caused it was saved.
#
#   bash fuzz/ci_fuzz.sh             # 30 seconds per harness
#   FUZZ_SECONDS=300 bash fuzz/ci_fuzz.sh
#   FUZZ_TARGETS=cli bash fuzz/ci_fuzz.sh
#
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev; tools/setup.sh
# installs them). Inputs that fail are kept in build/fuzz/artifacts/<harness>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-"scenario cli"}
jobs=${FUZZ_BUILD_JOBS:-$(nproc)}

echo "== building the fuzz preset (clang, libFuzzer, ASan + UBSan)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

work=$(mktemp -d "${TMPDIR:-/tmp}/geosim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=build/fuzz/artifacts
failed=0

for target in $targets; do
  case $target in
    scenario) max_len=65536 ;;
    cli) max_len=4096 ;;
    *) echo "ci_fuzz: unknown harness '$target' (scenario or cli)" >&2; exit 2 ;;
  esac
  corpus=$work/$target
  mkdir -p "$corpus" "$artifacts/$target"
  cp fuzz/corpus/"$target"/* "$corpus"/
  log=$work/$target.log
  echo "== fuzz_$target: ${seconds} s from $(ls "$corpus" | wc -l) corpus inputs"
  status=0
  build/fuzz/fuzz/fuzz_"$target" "$corpus" -dict=fuzz/"$target".dict -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target/" >"$log" 2>&1 || status=$?
  # libFuzzer's summary: "Done N runs in S second(s)" and the last coverage line.
  grep -E '^#[0-9]+ +(DONE|INITED)' "$log" | tail -n 2 || true
  grep -E '^Done [0-9]+ runs' "$log" || true
  grep -E '^stat::number_of_executed_units' "$log" || true
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "!! fuzz_$target FAILED (status $status); the end of its log:"
    tail -n 60 "$log"
    echo "!! the failing input:"
    grep -E 'Test unit written to|artifact_prefix' "$log" || echo "   (none saved; see the log above)"
    echo "!! reproduce: build/fuzz/fuzz/fuzz_$target FILE; then see fuzz/README.md, 'Adding a finding'"
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "== fuzz pass FAILED"
  exit 1
fi
echo "== fuzz pass OK"
