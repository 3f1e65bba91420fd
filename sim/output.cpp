#include "geosim/output.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "manifest.hpp"
#include "sha256.hpp"

namespace geosim {
namespace fs = std::filesystem;

// --- Output paths -------------------------------------------------------------

fs::path prepare_parent(const fs::path& path) {
  fs::path parent = path.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec || !fs::is_directory(parent)) {
      throw UsageError(fmt::format("cannot create folder '{}': {}", parent.string(),
                                   ec ? ec.message() : std::string("not a folder")));
    }
  }
  return parent;
}

// --- Write errors -------------------------------------------------------------

std::string write_error_message(int err, const fs::path& path, std::string_view kept) {
  const std::string p = path.string();
  switch (err) {
    case ENOSPC:
      return fmt::format("no space left on device writing '{}'; {}; free space and run again", p, kept);
    case EDQUOT:
      return fmt::format("disk quota exceeded writing '{}'; {}; free space (or ask for a larger quota) and run again",
                         p, kept);
    case EFBIG:
      return fmt::format(
          "file too large writing '{}' (beyond the file-size limit of this process, `ulimit -f`, or of the file "
          "system); {}; raise the limit or write elsewhere, and run again",
          p, kept);
    case EROFS:
      return fmt::format("read-only file system writing '{}'; {}; choose a folder on a writable file system", p, kept);
    case EACCES:
    case EPERM:
      return fmt::format("permission denied writing '{}'; {}; choose a folder you can write to, or change its "
                         "permissions",
                         p, kept);
    case ENOENT:
    case ESTALE:
      return fmt::format("cannot write '{}': its folder was removed (or moved) while geosim was running; {}; run "
                         "again",
                         p, kept);
    case EIO:
      return fmt::format("input/output error writing '{}'; {}; check the disk, then run again", p, kept);
    default:
      return fmt::format("cannot write '{}': {}; {}; run again once that is fixed", p, std::strerror(err), kept);
  }
}

// --- OutputFile -----------------------------------------------------------------

namespace {
constexpr std::size_t kOutputBuffer = 1 << 18;
}

OutputFile::OutputFile(const fs::path& path, fs::path shown, std::string kept)
    : shown_(std::move(shown)), kept_(std::move(kept)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(errno);
}

OutputFile::OutputFile(OutputFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      shown_(std::move(o.shown_)),
      kept_(std::move(o.kept_)),
      buffer_(std::move(o.buffer_)) {}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputFile::fail(int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  throw std::runtime_error(write_error_message(err, shown_, kept_));
}

void OutputFile::write(std::string_view bytes) {
  GEOSIM_ASSERT(fd_ >= 0, "write() on a closed OutputFile");
  if (buffer_.size() + bytes.size() <= kOutputBuffer) {
    buffer_.append(bytes);
    return;
  }
  flush();
  if (bytes.size() < kOutputBuffer) {
    buffer_.append(bytes);
  } else {
    write_all(bytes);  // a large piece: written at once, without a copy
  }
}

void OutputFile::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    if (n == 0) fail(ENOSPC);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void OutputFile::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void OutputFile::close() {
  if (fd_ < 0) return;
  flush();
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0 && errno != EINTR) fail(errno);
}

// --- temporary siblings ------------------------------------------------------

namespace {

// Opens `path` (a folder when `folder`) and takes an exclusive flock on it
// without waiting; returns the descriptor, or -1 when it is locked or cannot
// be opened.
int open_locked(const fs::path& path, bool folder) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (folder ? O_DIRECTORY : 0));
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Removes the temporary siblings `.NAME.tmp-PID` of `final` that processes
// killed before they could clean up (SIGKILL, a crash, a power cut) left in
// `parent`: those nobody holds locked, whose PID is not a live process here.
void remove_stale_temporaries(const fs::path& parent, const fs::path& final, bool folders) {
  const std::string prefix = fmt::format(".{}.tmp-", final.filename().string());
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::error_code type_ec;
    if ((folders ? it->is_directory(type_ec) : it->is_regular_file(type_ec)) == false || it->is_symlink(type_ec)) {
      continue;
    }
    const long pid = std::strtol(std::string(digits).c_str(), nullptr, 10);
    if (pid == ::getpid() || (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0)) continue;  // alive
    const int fd = open_locked(it->path(), folders);
    if (fd < 0) continue;  // in use (another host sharing the folder)
    std::error_code rm_ec;
    fs::remove_all(it->path(), rm_ec);
    ::close(fd);
  }
}

// rename(2) that never replaces an existing `to` (renameat2 NOREPLACE), with
// plain rename(2) where the file system does not support the flag. Returns
// 0 or an errno value.
int rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return errno;
  std::error_code ec;
  if (fs::exists(to, ec)) return EEXIST;
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

std::string kept_nothing(bool replacing, std::string_view what = "folder") {
  return replacing ? fmt::format("nothing was written and the existing {} is unchanged", what) : "nothing was written";
}

// Where the file or folder open as `fd` (identity `dev`, `ino`) is now, from
// /proc/self/fd (Linux): its parent may have been moved while geosim ran.
// Empty when it was removed, or when that cannot be told.
fs::path current_path(int fd, std::uint64_t dev, std::uint64_t ino) {
  if (fd < 0) return {};
  std::error_code ec;
  fs::path now = fs::read_symlink(fmt::format("/proc/self/fd/{}", fd), ec);
  struct stat st {};
  if (ec || now.empty() || ::lstat(now.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_dev) != dev ||
      static_cast<std::uint64_t>(st.st_ino) != ino) {
    return {};  // removed: the link reads "PATH (deleted)"
  }
  return now;
}

// Removes a temporary file or folder of this process, open as `fd`: at
// `expected`, or wherever it is now if its parent folder was moved (a
// half-written output must not be left in the moved folder), and nothing
// when it is gone or something else has its name.
void remove_temporary(const fs::path& expected, int fd) {
  std::error_code ec;
  struct stat own {};
  if (fd < 0 || ::fstat(fd, &own) != 0) {
    fs::remove_all(expected, ec);
    return;
  }
  struct stat st {};
  if (::lstat(expected.c_str(), &st) == 0 && st.st_dev == own.st_dev && st.st_ino == own.st_ino) {
    fs::remove_all(expected, ec);
    return;
  }
  const fs::path now = current_path(fd, static_cast<std::uint64_t>(own.st_dev), static_cast<std::uint64_t>(own.st_ino));
  if (!now.empty()) fs::remove_all(now, ec);
}

}  // namespace

// --- AtomicDir ----------------------------------------------------------------

AtomicDir::AtomicDir(fs::path final_dir, bool force) : final_(std::move(final_dir)), force_(force) {
  if (final_.empty()) throw UsageError("output folder name is empty");
  if (!final_.has_filename()) final_ = final_.parent_path();  // "out/" -> "out"
  std::error_code ec;
  if (fs::exists(final_, ec) && !force_) {
    throw UsageError(fmt::format("output folder '{}' already exists; choose another --out or add --force to replace it",
                                 final_.string()));
  }
  const fs::path parent = prepare_parent(final_);
  remove_stale_temporaries(parent, final_, true);
  temp_ = parent / fmt::format(".{}.tmp-{}", final_.filename().string(), ::getpid());
  fs::remove_all(temp_, ec);  // a leftover of an earlier process with this PID
  if (::mkdir(temp_.c_str(), 0777) != 0) {
    const int err = errno;  // before fs::exists() below, which may set errno
    throw std::runtime_error(write_error_message(err, final_, kept_nothing(fs::exists(final_, ec))));
  }
  lock_fd_ = open_locked(temp_, true);
  struct stat st {};
  if (lock_fd_ < 0 || ::fstat(lock_fd_, &st) != 0) {
    const int err = errno;
    fs::remove_all(temp_, ec);
    throw std::runtime_error(write_error_message(err, final_, kept_nothing(fs::exists(final_, ec))));
  }
  dev_ = static_cast<std::uint64_t>(st.st_dev);
  ino_ = static_cast<std::uint64_t>(st.st_ino);
}

AtomicDir::~AtomicDir() {
  if (!committed_) remove_temporary(temp_, lock_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

OutputFile AtomicDir::open(std::string_view name) const {
  try {
    return OutputFile(file(name), final_ / std::string(name), kept_nothing(force_ && fs::exists(final_)));
  } catch (const std::runtime_error&) {
    check();  // the folder is gone: say so
    throw;
  }
}

void AtomicDir::write(std::string_view name, std::string_view content) const {
  OutputFile out = open(name);
  out.write(content);
  out.close();
}

void AtomicDir::check() const {
  struct stat st {};
  if (::stat(temp_.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == dev_ &&
      static_cast<std::uint64_t>(st.st_ino) == ino_) {
    return;
  }
  std::error_code ec;
  const fs::path parent = temp_.parent_path();
  // Moved: the destructor removes the unfinished folder from where it went.
  const fs::path now = current_path(lock_fd_, dev_, ino_);
  if (!fs::is_directory(parent, ec) || (!now.empty() && now.filename() == temp_.filename())) {
    if (!now.empty()) {
      throw std::runtime_error(fmt::format(
          "the folder '{}' was moved to '{}' while geosim was writing '{}' into it; geosim stopped and removed its "
          "unfinished files from there; nothing was written, and nothing else was touched; run again",
          parent.string(), now.parent_path().string(), final_.string()));
    }
    throw std::runtime_error(fmt::format(
        "the folder '{}' was removed while geosim was writing '{}' into it; nothing was written, and nothing else was "
        "touched; run again",
        parent.string(), final_.string()));
  }
  throw std::runtime_error(fmt::format(
      "the temporary folder '{}' was removed (or moved) while geosim was writing '{}'; nothing was written{}; run again",
      temp_.string(), final_.string(), fs::exists(final_, ec) ? " and the existing folder is unchanged" : ""));
}

void AtomicDir::commit() {
  check();
  std::error_code ec;
  if (fs::exists(final_, ec) || fs::is_symlink(final_, ec)) {
    GEOSIM_ASSERT(force_, "existing output was checked in the constructor");
    // One step: the two folders swap names, then the old one (now under the
    // temporary name) is removed. At every moment the final name holds a
    // whole folder, the old or the new.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      fs::remove_all(temp_, ec);
      return;
    }
    if (const int err = errno; err != EINVAL && err != ENOSYS && err != ENOTSUP) {
      throw std::runtime_error(write_error_message(err, final_, kept_nothing(true)));
    }
    // A file system without RENAME_EXCHANGE: move the old folder aside, the
    // new one in, and the old one back if that fails.
    const fs::path old = temp_.parent_path() / fmt::format(".{}.old-{}", final_.filename().string(), ::getpid());
    fs::remove_all(old, ec);
    if (::rename(final_.c_str(), old.c_str()) != 0) {
      const int err = errno;
      throw std::runtime_error(write_error_message(err, final_, kept_nothing(true)));
    }
    if (::rename(temp_.c_str(), final_.c_str()) != 0) {
      const int err = errno;
      ::rename(old.c_str(), final_.c_str());
      throw std::runtime_error(write_error_message(err, final_, kept_nothing(true)));
    }
    committed_ = true;
    fs::remove_all(old, ec);
    return;
  }
  if (const int err = rename_no_replace(temp_, final_); err != 0) {
    if (err == EEXIST || err == ENOTEMPTY) {
      throw UsageError(fmt::format("output folder '{}' appeared while geosim was running; it was left alone and "
                                   "nothing was written; choose another --out or add --force to replace it",
                                   final_.string()));
    }
    throw std::runtime_error(write_error_message(err, final_, kept_nothing(false)));
  }
  committed_ = true;
}

// --- AtomicFile ---------------------------------------------------------------

AtomicFile::AtomicFile(fs::path final_file, bool force) : final_(std::move(final_file)), force_(force) {
  std::error_code ec;
  if (fs::is_directory(final_, ec)) {
    throw UsageError(fmt::format("'{}' is a folder; give a file name", final_.string()));
  }
  if (fs::exists(final_, ec) && !force_) {
    throw UsageError(fmt::format("output file '{}' already exists; choose another --out or add --force to replace it",
                                 final_.string()));
  }
  const fs::path parent = prepare_parent(final_);
  remove_stale_temporaries(parent, final_, false);
  temp_ = parent / fmt::format(".{}.tmp-{}", final_.filename().string(), ::getpid());
  out_.emplace(temp_, final_, kept_nothing(fs::exists(final_, ec), "file"));
  lock_fd_ = open_locked(temp_, false);
}

AtomicFile::~AtomicFile() {
  out_.reset();
  if (!committed_) remove_temporary(temp_, lock_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void AtomicFile::write(std::string_view bytes) {
  GEOSIM_ASSERT(out_.has_value(), "write() after commit()");
  out_->write(bytes);
}

void AtomicFile::commit() {
  GEOSIM_ASSERT(out_.has_value(), "commit() twice");
  out_->close();
  out_.reset();
  std::error_code ec;
  const bool exists = fs::exists(final_, ec);
  if (exists && !force_) {
    throw UsageError(fmt::format("output file '{}' appeared while geosim was running; it was left alone; choose "
                                 "another --out or add --force to replace it",
                                 final_.string()));
  }
  const int err = exists ? (::rename(temp_.c_str(), final_.c_str()) == 0 ? 0 : errno) : rename_no_replace(temp_, final_);
  if (err != 0) throw std::runtime_error(write_error_message(err, final_, kept_nothing(exists, "file")));
  committed_ = true;
}

// --- Progress -----------------------------------------------------------------

Progress::Progress(std::string label, std::size_t total, bool quiet, ProgressStyle style)
    : label_(std::move(label)),
      total_(total),
      enabled_(!quiet && total > 1 && ::isatty(STDERR_FILENO) && std::getenv("CI") == nullptr),
      style_(std::move(style)),
      lines_(!quiet && !enabled_ && total > 1 && style_.lines_when_piped),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::resume_from(std::size_t done) { base_ = std::min(done, total_); }

void Progress::advance(std::size_t done) {
  if (!(enabled_ || lines_) || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (lines_ && (done >= total_ || now - last_draw_ < std::chrono::seconds(5))) return;
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double new_done = static_cast<double>(done > base_ ? done - base_ : 0);
  const double rate = elapsed > 0 ? new_done / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0.0;
  if (lines_) {
    std::fprintf(stderr, "%s: %zu/%zu %s (%.0f%%), %.1f %s/s, ETA %.0fs\n", label_.c_str(), done, total_,
                 style_.unit.c_str(), 100 * fraction, rate, style_.unit.c_str(), eta);
    std::fflush(stderr);
    return;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '-');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu  %3.0f%%  elapsed %.1fs  ETA %.1fs ", label_.c_str(), bar.c_str(), done,
               total_, 100 * fraction, elapsed, eta);
  if (!style_.unit.empty()) std::fprintf(stderr, " %.1f %s/s ", rate, style_.unit.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;  // line mode leaves no line open
  finished_ = true;
  std::fprintf(stderr, "\n");
}

// --- interruption -------------------------------------------------------------

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }
}  // namespace

bool interrupted() noexcept { return g_interrupted.load(); }

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // Beyond the file-size limit (ulimit -f) a write then fails with EFBIG and
  // is reported, instead of the signal killing the process mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
}

// --- the run job ----------------------------------------------------------------

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

fs::path default_output_dir(const Scenario& scenario) {
  std::string stem = scenario.source_file.empty() ? std::string("geosim") : fs::path(scenario.source_file).stem().string();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  fs::path base = fmt::format("{}_{:%Y%m%d-%H%M%S}", stem, tm);
  fs::path candidate = base;
  for (int k = 2; fs::exists(candidate); ++k) candidate = fmt::format("{}-{}", base.string(), k);
  return candidate;
}

namespace {

void append_outcome_row(std::string& out, std::uint64_t run, std::string_view policy, std::uint64_t seed,
                        const std::vector<std::optional<double>>& values) {
  out += fmt::format("{},{},{}", run, policy, seed);
  for (const auto& v : values) {
    out += ',';
    if (v) out += format_number(*v);
  }
  out += '\n';
}

}  // namespace

RunReport run_job(const Scenario& scenario, std::string_view scenario_text, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = utc_timestamp();

  Scenario effective = with_policy(scenario, options.policy);
  if (options.steps) effective.time.steps = *options.steps;
  if (options.seed) effective.seed = *options.seed;
  const Model model = compile(effective);
  const std::uint64_t seed = effective.seed;

  AtomicDir dir(options.out.empty() ? default_output_dir(scenario) : options.out, options.force);

  OutputFile agents = dir.open("agents.csv");
  OutputFile edges = dir.open("edges.csv");
  agents.write(agents_csv_header());
  edges.write(edges_csv_header());
  std::string outcomes = "run,policy,seed";
  for (const OutcomeSpec& o : effective.outcomes) outcomes += "," + o.name;
  outcomes += '\n';

  // Runs go in chunks: each chunk runs in parallel, then is written in run
  // order, so files are identical for any thread count and memory stays bounded.
  // A run's rows are held in memory until written (about 110 bytes per agent
  // or edge row), so the chunk is also capped at roughly 512 MB of rows.
  const double bytes_per_run = 110.0 * static_cast<double>(model.steps) *
                               static_cast<double>(model.num_agents() + model.num_edges());
  const auto by_memory = static_cast<std::size_t>(std::max(1.0, 512e6 / std::max(bytes_per_run, 1.0)));
  const std::size_t chunk = std::max<std::size_t>(1, std::min(4 * concurrency(), by_memory));
  Progress progress(fmt::format("run {}", options.policy), options.runs, options.quiet);
  for (std::uint64_t begin = 0; begin < options.runs; begin += chunk) {
    if (interrupted()) throw Interrupted();
    dir.check();  // writes into a removed folder would succeed and be lost
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, options.runs - begin));
    std::vector<std::unique_ptr<RunRecorder>> recorders(count);
    for_each_run(count, [&](std::size_t k, Simulator& sim) {
      const std::uint64_t run = begin + k;
      auto rec = std::make_unique<RunRecorder>(model, run);
      sim.run(model, RunKey{seed, run}, [&](const StepView& v) { rec->record(v); });
      recorders[k] = std::move(rec);
    });
    for (std::size_t k = 0; k < count; ++k) {
      agents.write(recorders[k]->agent_rows());
      edges.write(recorders[k]->edge_rows());
      append_outcome_row(outcomes, begin + k, options.policy, seed, recorders[k]->outcomes());
    }
    progress.advance(static_cast<std::size_t>(begin + count));
  }
  progress.finish();
  agents.close();
  edges.close();
  dir.write("outcomes.csv", outcomes);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::ordered_json manifest;
  manifest["geosim_version"] = GEOSIM_VERSION;
  manifest["rule_set"] = "standard v1 (MODEL.md)";
  manifest["scenario"] = {{"name", effective.name},
                          {"file", scenario.source_file},
                          {"sha256", detail::sha256_hex(scenario_text)}};
  manifest["policy"] = options.policy;
  manifest["seed"] = seed;
  manifest["runs"] = options.runs;
  manifest["steps"] = effective.time.steps;
  manifest["dt"] = effective.time.dt;
  manifest["start_year"] = effective.time.start;
  manifest["threads"] = concurrency();  // the effective number, also when --threads is 0
  manifest["agents"] = model.num_agents();
  manifest["directed_edges"] = model.num_edges();
  manifest["parameters"] = detail::parameters_json(effective.parameters);
  manifest["outcomes"] = detail::outcomes_json(effective.outcomes);
  manifest["command"] = options.command_line;
  manifest["started_utc"] = started;
  manifest["duration_s"] = seconds;
  dir.write("manifest.json", manifest.dump(2) + "\n");

  if (interrupted()) throw Interrupted();
  dir.commit();
  return RunReport{dir.final_path(), options.runs, seconds};
}

}  // namespace geosim
