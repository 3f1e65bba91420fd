// Writing results: atomic output folders and the `run` job that fills one.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "geosim/scenario.hpp"

namespace geosim {

/// A folder that appears whole or not at all.
///
/// Files are written into a hidden temporary sibling (`.NAME.tmp-PID`);
/// commit() renames it to the final name. If the object is destroyed without
/// commit() (an error, an exception, an interruption), the temporary folder is
/// removed and nothing the user had is touched. An existing final folder is
/// an error unless `force`, in which case it is replaced only at commit().
class AtomicDir {
 public:
  AtomicDir(std::filesystem::path final_dir, bool force);
  AtomicDir(const AtomicDir&) = delete;
  AtomicDir& operator=(const AtomicDir&) = delete;
  ~AtomicDir();

  /// Where a file named `name` is written before commit().
  std::filesystem::path file(std::string_view name) const { return temp_ / std::string(name); }
  /// Writes a whole file (flushed and checked).
  void write(std::string_view name, std::string_view content) const;
  void commit();
  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool force_;
  bool committed_ = false;
};

/// What a Progress shows beyond `run`'s bar (the defaults are `run`'s).
struct ProgressStyle {
  std::string unit;               ///< non-empty: the bar also shows the rate, "12.5 runs/s"
  bool lines_when_piped = false;  ///< not on a terminal (or in CI): a short line every 5 s
};

/// Progress on stderr: a bar with ETA on a terminal, nothing otherwise (or in
/// CI), unless `style` asks for lines; nothing at all when `quiet`.
class Progress {
 public:
  Progress(std::string label, std::size_t total, bool quiet, ProgressStyle style = {});
  ~Progress();
  /// `done` units were finished before this process started (a resumed
  /// sweep): counted as done, left out of the rate and the ETA.
  void resume_from(std::size_t done);
  void advance(std::size_t done);
  void finish();

 private:
  std::string label_;
  std::size_t total_;
  bool enabled_;
  ProgressStyle style_;
  bool lines_ = false;  ///< line mode: not a terminal, style_.lines_when_piped
  bool finished_ = false;
  std::size_t base_ = 0;  ///< done before the start (resume_from)
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// The folder that a new output `path` (file or folder) goes into: its parent,
/// or "." for a bare name. A missing folder is created (like mkdir -p): new
/// folders are empty, so nothing the user had is touched if the job later
/// fails. Throws UsageError naming the folder when it cannot be created.
std::filesystem::path prepare_parent(const std::filesystem::path& path);

/// Set by SIGINT/SIGTERM handlers (installed by the CLI); long jobs check it
/// between units of work and stop with Interrupted.
bool interrupted() noexcept;
void install_interrupt_handlers();
class Interrupted : public std::runtime_error {
 public:
  /// `what()` says what was kept, for the user: "no output written" unless
  /// the job keeps what it finished (a sweep's stored runs).
  explicit Interrupted(const std::string& kept = "no output written") : std::runtime_error(kept) {}
};

/// Options of `geosim run` (see docs/cli.md).
struct RunOptions {
  std::string policy = "baseline";
  std::optional<std::uint64_t> seed;  ///< default: the scenario's
  std::uint64_t runs = 1;             ///< run indices 0..runs-1
  std::optional<int> steps;           ///< default: the scenario's
  int threads = 0;                    ///< recorded in the manifest; 0 = all cores
  std::filesystem::path out;          ///< empty: <scenario>_<time> in the current folder
  bool force = false;
  bool quiet = false;
  std::string command_line;           ///< for the manifest
};

struct RunReport {
  std::filesystem::path out;
  std::uint64_t runs = 0;
  double seconds = 0;
};

/// The `run` job: loads nothing (takes a loaded scenario and its file text for
/// the fingerprint), overlays the policy, runs every run index (in parallel),
/// and writes agents.csv, edges.csv, outcomes.csv and manifest.json
/// atomically into options.out.
RunReport run_job(const Scenario& scenario, std::string_view scenario_text, const RunOptions& options);

/// A default output folder name: "<stem>_<YYYYMMDD-HHMMSS>".
std::filesystem::path default_output_dir(const Scenario& scenario);

/// Current UTC time as ISO 8601 ("2026-11-22T10:04:05Z").
std::string utc_timestamp();

}  // namespace geosim
