#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer, for the `tsan` preset.
#
#   bash tools/tsan/build_onetbb.sh [PREFIX]     # default PREFIX: build/tsan-deps/onetbb
#
# Debian's libtbb is not compiled with -fsanitize=thread, so TSan cannot see
# how TBB hands tasks from one thread to another and reports false races at
# every hand-over (docs/development.md, "ThreadSanitizer and TBB"). This
# script fetches the source of the very Debian package geosim builds against
# (`apt-get source onetbb=<version of the installed libtbb-dev>`, Debian's
# patches applied), and builds only the core library, libtbb, with
# -fsanitize=thread and the compiler geosim uses. No tbbmalloc: without it
# beside libtbb, TBB allocates with malloc, which TSan intercepts (an
# uninstrumented scalable allocator would hide the reuse of memory between
# threads from TSan). No tbbbind (hwloc), tests or examples.
#
# Needs: a `deb-src` entry for Debian's archive (tools/tsan/ci_tsan.sh adds
# one), dpkg-dev (for `apt-get source`), libtbb-dev, cmake, ninja, g++.
# Idempotent: when PREFIX already holds a build of the same version and
# flags (a stamp file), it does nothing. Takes about 2-4 minutes on 2 cores.
# Every step is reported on standard error.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix="${1:-$root/build/tsan-deps/onetbb}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
work="$(dirname "$prefix")/onetbb-src"
jobs="${GEOSIM_JOBS:-$(nproc 2>/dev/null || echo 2)}"
cxx="${CXX:-g++}"
cc="${CC:-gcc}"

say() { echo "build_onetbb: $*" >&2; }

# The source version is the installed libtbb-dev's, so that headers and ABI
# are those of the rest of the system.
version="$(dpkg-query -W -f='${source:Version}' libtbb-dev 2>/dev/null || true)"
if [[ -z "$version" ]]; then
  say "libtbb-dev is not installed (tools/setup.sh installs it)"
  exit 1
fi
flags="-fsanitize=thread -g -O2"
stamp="$prefix/geosim-tsan.stamp"
want="onetbb $version; $("$cxx" -dumpfullversion 2>/dev/null || echo "?") ($cxx); $flags; core library only"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$prefix/lib*/libtbb.so.*" >/dev/null; then
  say "already built: $prefix ($want)"
  exit 0
fi

say "building $want"
say "  source: $work  install: $prefix  jobs: $jobs"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
if ! command -v dpkg-source >/dev/null; then
  say "dpkg-source is missing: install dpkg-dev"
  exit 1
fi
say "apt-get source onetbb=$version"
if ! apt-get source -qq "onetbb=$version" >&2; then
  say "apt-get source failed: is there a deb-src entry for Debian's archive under /etc/apt/sources.list.d/"
  say "(see tools/tsan/ci_tsan.sh), and has apt-get update been run since?"
  exit 1
fi
srcdir="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'onetbb-*' | head -n1)"
[[ -n "$srcdir" ]] || { say "no onetbb-* source folder after apt-get source"; exit 1; }

say "configuring $srcdir"
# TBB_SANITIZE=thread adds -fsanitize=thread to compiling and linking and
# turns off interprocedural optimisation; TBB_STRICT=OFF: no -Werror (new
# warnings under TSan are not ours to fix).
cmake -S "$srcdir" -B "$work/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_FLAGS="-g" -DCMAKE_C_FLAGS="-g" \
  -DTBB_SANITIZE=thread \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF \
  -DTBBMALLOC_BUILD=OFF -DTBBMALLOC_PROXY_BUILD=OFF \
  -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON -DTBB_ENABLE_IPO=OFF -DTBB4PY_BUILD=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib >&2
say "building libtbb"
cmake --build "$work/build" -j "$jobs" >&2
say "installing into $prefix"
rm -rf "$prefix"
cmake --install "$work/build" >/dev/null
# (grep without -q: with pipefail, an early exit of grep would fail nm.)
if ! nm -D "$prefix"/lib/libtbb.so.* 2>/dev/null | grep __tsan_ >/dev/null; then
  say "the installed libtbb does not call into TSan: something went wrong"
  exit 1
fi
echo "$want" >"$stamp"
rm -rf "$work"
say "done: $prefix/lib/cmake/TBB"
