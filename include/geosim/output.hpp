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

/// Why writing `path` failed (errno `err`), what became of the output and
/// what the user can do, as one message for an error:
/// "no space left on device writing 'results/x/edges.csv'; nothing was
/// written; free space and run again". `kept` says what is left ("nothing
/// was written", "the 1200 runs already stored in x.db are intact").
std::string write_error_message(int err, const std::filesystem::path& path, std::string_view kept);

/// A file written with write(2) and checked at every call, so that a full
/// disk, a quota, a file-size limit or a vanished folder stops the job at
/// once with a message that names the file. `shown` is the name the user
/// knows (inside an AtomicDir: the final folder's, not the temporary one's).
class OutputFile {
 public:
  OutputFile(const std::filesystem::path& path, std::filesystem::path shown, std::string kept = "nothing was written");
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  OutputFile(OutputFile&& o) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();  ///< closes, ignoring errors (call close() to see them)

  void write(std::string_view bytes);  ///< buffered; throws std::runtime_error on a failed write
  void close();                        ///< writes what is buffered and closes; throws on failure

 private:
  void flush();
  void write_all(std::string_view bytes);
  [[noreturn]] void fail(int err);
  int fd_ = -1;
  std::filesystem::path shown_;
  std::string kept_;
  std::string buffer_;
};

/// A folder that appears whole or not at all.
///
/// Files are written into a hidden temporary sibling (`.NAME.tmp-PID`);
/// commit() renames it to the final name. If the object is destroyed without
/// commit() (an error, an exception, an interruption), the temporary folder is
/// removed and nothing the user had is touched. An existing final folder is
/// an error unless `force`, in which case it is replaced only at commit(), in
/// one step (the two folders swap names), so that the final name holds the
/// old folder or the new one, whole, at every moment.
///
/// The temporary folder is locked (flock) while its process lives. A process
/// killed with SIGKILL cannot remove its temporary folder; the next AtomicDir
/// for the same final name removes such leftovers (unlocked `.NAME.tmp-*`).
class AtomicDir {
 public:
  AtomicDir(std::filesystem::path final_dir, bool force);
  AtomicDir(const AtomicDir&) = delete;
  AtomicDir& operator=(const AtomicDir&) = delete;
  ~AtomicDir();

  /// Where a file named `name` is written before commit().
  std::filesystem::path file(std::string_view name) const { return temp_ / std::string(name); }
  /// A new file `name` in the folder, checked at every write.
  OutputFile open(std::string_view name) const;
  /// Writes a whole file (checked).
  void write(std::string_view name, std::string_view content) const;
  /// Throws std::runtime_error when the temporary folder is gone (its parent
  /// was removed or moved while the job ran): long jobs call it now and then,
  /// since writes into open files of a removed folder still succeed.
  void check() const;
  void commit();
  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool force_;
  bool committed_ = false;
  int lock_fd_ = -1;  ///< the temporary folder, flock'ed
  std::uint64_t dev_ = 0, ino_ = 0;  ///< the temporary folder's identity
};

/// A file that appears whole or not at all: written into a hidden temporary
/// sibling (`.NAME.tmp-PID`, locked like AtomicDir's) and renamed to its name
/// by commit(). An existing file is a UsageError unless `force`; with it, the
/// file is replaced at commit() in one step. Destroyed without commit(), the
/// temporary file is removed.
class AtomicFile {
 public:
  AtomicFile(std::filesystem::path final_file, bool force);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view bytes);
  void commit();
  const std::filesystem::path& final_path() const { return final_; }

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool force_;
  bool committed_ = false;
  std::optional<OutputFile> out_;
  int lock_fd_ = -1;
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
/// between units of work and stop with Interrupted. The handlers also ignore
/// SIGXFSZ, so that a write beyond the file-size limit (ulimit -f) fails with
/// EFBIG and is reported like a full disk instead of killing the process.
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
