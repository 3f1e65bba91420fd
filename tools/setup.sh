#!/usr/bin/env bash
# Installs what geosim needs (Debian 12 packages), then configures and builds
# it with the given CMake preset (default: release).
#
#   bash tools/setup.sh            # build/release/tools/geosim
#   bash tools/setup.sh asan       # AddressSanitizer + UBSan build in build/asan
#   bash tools/setup.sh fuzz       # libFuzzer harnesses in build/fuzz (adds clang)
#   bash tools/setup.sh tsan       # ThreadSanitizer build; run tools/tsan/ci_tsan.sh
#                                  # instead, which first builds a TSan oneTBB
#
# Safe to run again: packages already present are not reinstalled, and the
# build is incremental.
set -euo pipefail
preset="${1:-release}"
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config
  libboost-graph-dev libtbb-dev libyaml-cpp-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  catch2 libbenchmark-dev
  libsqlite3-dev sqlite3
  openmpi-bin libopenmpi-dev
  python3 python3-matplotlib python3-numpy
  graphviz libgraphviz-dev
  chromium fonts-dejavu-core
)
case "$preset" in
  fuzz) packages+=(clang libclang-rt-14-dev llvm) ;;  # libFuzzer, and llvm-symbolizer for its reports
  tsan) packages+=(dpkg-dev) ;;                        # `apt-get source onetbb` (tools/tsan/build_onetbb.sh)
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
