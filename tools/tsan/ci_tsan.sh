#!/usr/bin/env bash
# CI stage: geosim's threaded code under ThreadSanitizer.
#
#   bash tools/tsan/ci_tsan.sh
#
# 1. apt sources: makes sure apt has a `deb-src` entry for every Debian
#    archive it installs binary packages from (if one is missing, writes
#    /etc/apt/sources.list.d/geosim-src.sources with the same URIs, suites
#    and Signed-By as the `deb` entries, then runs apt-get update);
# 2. packages: installs what building oneTBB from source needs (dpkg-dev for
#    `apt-get source`, ...) when it is missing;
# 3. oneTBB: builds the installed libtbb-dev's source with -fsanitize=thread
#    into build/tsan-deps/onetbb (tools/tsan/build_onetbb.sh; nothing to do
#    when it is already there);
# 4. geosim: `cmake --preset tsan`, `cmake --build --preset tsan`;
# 5. tests: `ctest --preset tsan` (the test cases registered as tsan/NAME,
#    tests/CMakeLists.txt).
#
# Fails (non-zero exit) when any step fails, any test fails, or any process
# the tests start, the `geosim` commands they run included, writes a TSan
# report: every report goes to a file under build/tsan/tsan-reports/ (TSan's
# log_path), which must stay empty, and is printed at the end. Stage headers
# and times go to standard error. Runs without a terminal (CI=true, no
# stdin); uses sudo for apt only when not run as root.
#
# geosim's own build dependencies (Boost, yaml-cpp, Catch2, ...) are those
# of the other builds: tools/setup.sh installs them.
#
# Environment: GEOSIM_JOBS (parallel jobs; default: nproc). See
# docs/development.md, "ThreadSanitizer and TBB".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
jobs="${GEOSIM_JOBS:-$(nproc 2>/dev/null || echo 2)}"
export DEBIAN_FRONTEND=noninteractive

t_start=$SECONDS
t_stage=$SECONDS
stage_name=""
times=()  # "SECONDS  stage", for the summary at the end
say() { echo "ci_tsan: $*" >&2; }
stage_end() {
  if [[ -n "$stage_name" ]]; then
    say "-- $stage_name: $((SECONDS - t_stage)) s"
    times+=("$(printf '%5d s  %s' "$((SECONDS - t_stage))" "$stage_name")")
  fi
}
stage() {
  stage_end
  stage_name="$1"
  t_stage=$SECONDS
  echo >&2
  say "== $1"
}
on_exit() {
  local rc=$?
  if ((rc != 0)); then say "FAILED in stage \"$stage_name\" (exit $rc) after $((SECONDS - t_start)) s"; fi
}
trap on_exit EXIT

as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    env DEBIAN_FRONTEND=noninteractive "$@"
  elif command -v sudo >/dev/null; then
    # -n: never wait for a password (there is no terminal in CI).
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    say "not root and no sudo: cannot run $*"
    return 1
  fi
}
apt_update() {
  say "apt-get update"
  as_root apt-get update -q </dev/null >&2
}

# ---------------------------------------------------------------------------
stage "apt sources (deb-src for Debian's archive)"

# Every apt source entry, one line each:
#   TYPE US URI US SUITE US COMPONENTS US SIGNED-BY US FILE
# (US: the unit separator \x1f, not a tab: `read` would merge empty fields)
# from the one-line format (sources.list, *.list) and deb822 (*.sources). A
# Signed-By holding a key block keeps its lines, joined by \x01.
list_sources() {
  local files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk -v OFS=$'\037' '
    function flush(   i, j, nt, nu, ns, types, uris, suites) {
      if (!instanza) return
      instanza = 0
      if (tolower(f["enabled"]) == "no") { delete f; return }
      nt = split(f["types"], types, /[ \t]+/)
      nu = split(f["uris"], uris, /[ \t]+/)
      ns = split(f["suites"], suites, /[ \t]+/)
      for (i = 1; i <= nt; i++) for (j = 1; j <= nu; j++) for (k = 1; k <= ns; k++)
        if (types[i] != "" && uris[j] != "" && suites[k] != "")
          print types[i], uris[j], suites[k], f["components"], f["signed-by"], sfile
      delete f
    }
    FNR == 1 { flush(); last = "" }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^#/) next
      if ($0 ~ /^[ \t]/ && last != "") {       # continuation line
        line = $0; sub(/^[ \t]/, "", line)
        f[last] = f[last] "\001" line
        next
      }
      if (!instanza) sfile = FILENAME
      instanza = 1
      name = tolower($0); sub(/:.*/, "", name)
      value = $0; sub(/^[^:]*:[ \t]*/, "", value); sub(/[ \t]+$/, "", value)
      f[name] = value; last = name
      next
    }
    {                                          # one-line format
      line = $0; sub(/#.*/, "", line)
      n = split(line, w, /[ \t]+/)
      i = 1; while (i <= n && w[i] == "") i++
      if (i > n || (w[i] != "deb" && w[i] != "deb-src")) next
      type = w[i++]; signed = ""
      if (w[i] ~ /^\[/) {                      # [ option=value ... ]
        opts = ""
        while (i <= n) { opts = opts " " w[i]; if (w[i] ~ /\]$/) { i++; break } i++ }
        gsub(/[\[\]]/, " ", opts)
        m = split(opts, o, /[ \t]+/)
        for (j = 1; j <= m; j++) if (o[j] ~ /^signed-by=/) { signed = o[j]; sub(/^signed-by=/, "", signed) }
      }
      uri = w[i++]; suite = w[i++]; comps = ""
      for (; i <= n; i++) if (w[i] != "") comps = comps (comps == "" ? "" : " ") w[i]
      print type, uri, suite, comps, signed, FILENAME
    }
    END { flush() }
  ' "${files[@]}"
}

# Debian's archive (and its security archive and snapshots): a host under
# debian.org, or a mirror whose path ends in /debian or /debian-security.
is_debian_uri() {
  [[ "$1" =~ ^[a-z+]+://([^/]*\.)?debian\.org(/|$) || "$1" =~ /debian(-security)?/?$ ]]
}

ours=/etc/apt/sources.list.d/geosim-src.sources
declare -A have_src=()
keep_ours=()    # deb-src entries already in our file, kept when it is rewritten
need=()         # deb entries of Debian's archive without a deb-src twin
while IFS=$'\037' read -r type uri suite comps signed file; do
  key="${uri%/} $suite"
  if [[ "$type" == deb-src ]]; then
    have_src["$key"]=1
    [[ "$file" == "$ours" ]] && keep_ours+=("$uri"$'\037'"$suite"$'\037'"$signed")
  fi
done < <(list_sources)
declare -A seen=()
n_debian=0
while IFS=$'\037' read -r type uri suite comps signed file; do
  if [[ "$type" != deb ]] || ! is_debian_uri "$uri"; then continue; fi
  [[ " $comps " == *" main "* ]] || continue
  n_debian=$((n_debian + 1))
  key="${uri%/} $suite"
  [[ -n "${have_src[$key]:-}" || -n "${seen[$key]:-}" ]] && continue
  seen["$key"]=1
  need+=("$uri"$'\037'"$suite"$'\037'"$signed")
done < <(list_sources)

if ((n_debian == 0)); then
  say "apt has no 'deb' entry for Debian's archive (main) in /etc/apt/sources.list{,.d}: cannot fetch oneTBB's source"
  exit 1
fi
if ((${#need[@]} == 0)); then
  say "apt already has deb-src entries for Debian's archive"
  # A fresh deb-src entry whose Sources index was never downloaded.
  have_index=0
  # shellcheck disable=SC2016  # $(FILENAME) is apt's field, not the shell's
  while read -r index; do
    if compgen -G "${index}*" >/dev/null; then have_index=1; fi
  done < <(apt-get indextargets --format '$(FILENAME)' 'Created-By: Sources' 2>/dev/null || true)
  ((have_index)) || apt_update
else
  say "adding deb-src entries for Debian's archive: $ours"
  text="# Source packages of Debian's archive, for tools/tsan/build_onetbb.sh (oneTBB
# built with ThreadSanitizer). Written by tools/tsan/ci_tsan.sh from the deb
# entries of the same archives."
  for entry in "${keep_ours[@]}" "${need[@]}"; do
    IFS=$'\037' read -r uri suite signed <<<"$entry"
    text+=$'\n\n'"Types: deb-src"$'\n'"URIs: $uri"$'\n'"Suites: $suite"$'\n'"Components: main"
    # A Signed-By key block: continuation lines start with a space.
    if [[ -n "$signed" ]]; then
      signed="${signed//$'\001'/$'\n' }"
      [[ "$signed" == $'\n'* ]] && text+=$'\n'"Signed-By:$signed" || text+=$'\n'"Signed-By: $signed"
    fi
    say "  deb-src $uri $suite main"
  done
  printf '%s\n' "$text" | as_root tee "$ours.tmp" >/dev/null
  as_root mv -f "$ours.tmp" "$ours"
  apt_update
fi

# ---------------------------------------------------------------------------
stage "packages"
# command -> Debian package: apt-get source needs dpkg-source (dpkg-dev);
# build_onetbb.sh needs the installed libtbb-dev (its version picks the
# source), cmake, ninja, a C and C++ compiler and nm.
declare -A provides=([dpkg-source]=dpkg-dev [cmake]=cmake [ctest]=cmake [ninja]=ninja-build
                     [g++]=g++ [gcc]=gcc [nm]=binutils)
missing=()
for cmd in dpkg-source cmake ctest ninja g++ gcc nm; do
  command -v "$cmd" >/dev/null || missing+=("${provides[$cmd]}")
done
tbb_status="$(dpkg-query -W -f='${Status}' libtbb-dev 2>/dev/null || true)"
[[ "$tbb_status" == "install ok installed" ]] || missing+=(libtbb-dev)
if ((${#missing[@]})); then
  readarray -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing: ${missing[*]}"
  apt_update
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2
else
  say "nothing to install"
fi

# ---------------------------------------------------------------------------
stage "oneTBB with ThreadSanitizer (tools/tsan/build_onetbb.sh)"
GEOSIM_JOBS="$jobs" bash tools/tsan/build_onetbb.sh "$root/build/tsan-deps/onetbb" </dev/null

# ---------------------------------------------------------------------------
stage "configure (cmake --preset tsan)"
cmake --preset tsan </dev/null >&2

stage "build (cmake --build --preset tsan -j$jobs)"
cmake --build --preset tsan -j "$jobs" </dev/null >&2

# geosim and its tests must load the TSan oneTBB, never Debian's libtbb.
for exe in build/tsan/tools/geosim build/tsan/tests/geosim_tests; do
  tbb="$(ldd "$exe" | awk '/libtbb/ {print $3}')"
  if [[ "$tbb" != "$root/build/tsan-deps/onetbb/lib/"* ]]; then
    say "$exe loads libtbb from '${tbb:-nowhere}', not from build/tsan-deps/onetbb/lib"
    exit 1
  fi
done

# ---------------------------------------------------------------------------
stage "tests (ctest --preset tsan -j$jobs)"
reports="$root/build/tsan/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
# Appended to the preset's TSAN_OPTIONS: every process writes its reports to
# reports/tsan.PID, also the geosim commands whose standard error the tests
# throw away.
run_tests=(ctest --preset tsan -j "$jobs")
# GCC 12's TSan cannot map its shadow memory when the kernel randomizes
# addresses over more than 28 bits (vm.mmap_rnd_bits, 32 on some recent
# kernels): "FATAL: ThreadSanitizer: unexpected memory mapping". The tests
# then run with address randomization off.
rnd_bits="$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)"
if ((rnd_bits > 28)); then
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    say "vm.mmap_rnd_bits is $rnd_bits (> 28): running the tests with ASLR off (setarch -R)"
    run_tests=(setarch "$(uname -m)" -R "${run_tests[@]}")
  else
    say "vm.mmap_rnd_bits is $rnd_bits (> 28), too many for TSan, and setarch -R is not allowed here:"
    say "run 'sysctl vm.mmap_rnd_bits=28' as root first"
    exit 1
  fi
fi
if (($(nproc 2>/dev/null || echo 1) < 2)); then
  say "WARNING: one CPU: TBB starts no worker threads, so TSan sees little of the parallel code"
fi
test_rc=0
TSAN_OPTIONS="log_path=$reports/tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}" "${run_tests[@]}" </dev/null || test_rc=$?
if compgen -G "$reports/tsan*" >/dev/null; then
  n=$(grep -l -E '^(WARNING|ERROR|FATAL): ThreadSanitizer' "$reports"/tsan* | wc -l || true)
  say "ThreadSanitizer wrote to $(find "$reports" -type f | wc -l) file(s), $n of them with a report ($reports):"
  for f in "$reports"/tsan*; do
    echo "----- $f" >&2
    cat "$f" >&2
  done
  test_rc=1
fi
if ((test_rc != 0)); then
  say "tests failed or ThreadSanitizer reported (exit $test_rc)"
  exit 1
fi
stage_end
stage_name=""
say "all passed, no ThreadSanitizer report; stage times:"
printf '  %s\n' "${times[@]}" >&2
say "$((SECONDS - t_start)) s in all"
