// The results database of `geosim sweep` and `geosim compare`: one SQLite
// file (docs/results-database.md has the schema and how to read it).
//
// One writer (STYLE.md §6.1): the sweep's workers return RunResult values and
// one thread hands them to ResultStore::write_batch(), which stores a batch of
// runs in one transaction (WAL mode, fsync at each commit). A run's outcomes,
// its series and its `runs` row commit together, so after a crash at any
// moment the database holds every run of every committed batch whole and
// nothing of the batch in flight: resuming means running the runs that are
// not in `runs` (done_run_ids()).
//
// Typical use by a sweep runner:
//
//     ResultStore store = resume ? ResultStore::open_for_resume(db, info) : ResultStore::create(db, info);
//     store.write_points(values);                       // every start; checked on resume
//     const std::vector<std::uint64_t> done = store.done_run_ids();
//     std::vector<RunResult> batch;
//     for (each run not in `done`) {                    // workers compute, this thread writes
//       batch.push_back(result);
//       if (batch.size() == 256 || a few seconds passed) { store.write_batch(batch); batch.clear(); }
//     }
//     store.write_batch(batch);
//     store.close();
//
// SQLite itself stays inside sim/store.cpp; this header is plain C++.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geosim {

/// Version of the database layout, stored as `PRAGMA user_version`. A
/// database of another version is refused (open_for_resume, export_csv)
/// with a message that says which geosim can read it.
inline constexpr int kResultStoreSchemaVersion = 1;

/// `PRAGMA application_id` of a geosim results database ("GEOS" in ASCII):
/// tells a geosim database from any other SQLite file.
inline constexpr std::int32_t kResultStoreApplicationId = 0x47454F53;

/// Which per-step series a sweep stores (`--series`): none, the agents table
/// (agents.csv's columns), or agents and edges.
enum class SeriesSelection : std::uint8_t { kNone, kAgents, kAll };
std::string_view to_string(SeriesSelection s);  ///< "none", "agents", "all"
std::optional<SeriesSelection> series_selection_from_string(std::string_view s);

/// What an experiment is: one row of table `experiment`, plus the tables
/// `dimensions` and `outcome_names`. Written by create(); open_for_resume()
/// compares it with the database (see there for which fields count).
struct ExperimentInfo {
  std::string kind;  ///< "sweep" or "compare"
  std::string scenario_name;
  std::string scenario_file;    ///< as given on the command line
  std::string scenario_sha256;  ///< of scenario_text (lower-case hex)
  std::string scenario_text;    ///< the whole file, so the database is self-contained
  std::string design;           ///< "grid", "random", "lhs", "sobol" (or "" for compare)
  std::uint64_t samples = 0;
  std::uint64_t replicates = 0;
  std::uint64_t seed = 0;  ///< the experiment's seed; any value in [0, 2^64)
  /// Dotted path of each swept dimension, in design order (may be empty).
  std::vector<std::string> dimensions;
  std::string parameters_json;  ///< the dimensions in full (ranges, levels), as JSON text
  std::string policies_json;    ///< the policies run, as JSON text
  SeriesSelection series = SeriesSelection::kNone;
  std::string geosim_version;  ///< GEOSIM_VERSION
  std::string command_line;
  std::string created_utc;  ///< ISO 8601; utc_timestamp() when empty
  /// The scenario's outcome names, in declaration order: RunResult::outcomes
  /// holds one value per name, in this order.
  std::vector<std::string> outcome_names;
};

/// Which run a result is. run_id numbers the runs of the experiment
/// 0, 1, 2, ... (any numbering < 2^63 works, but it must be the same on every
/// start of the experiment: resume skips run ids). (point, replicate, policy)
/// must be unique, as run_id is.
struct RunKeyRow {
  std::uint64_t run_id = 0;
  std::uint64_t point = 0;  ///< index into the values given to write_points()
  std::uint64_t replicate = 0;
  std::string policy;
  std::uint64_t seed = 0;  ///< the seed the run used; any value in [0, 2^64)
};

/// The result of one finished run, as a worker returns it.
struct RunResult {
  RunKeyRow key;
  bool ok = true;
  std::string error;  ///< why it failed; must be non-empty when !ok, empty when ok
  double wall_s = 0;  ///< seconds the run took
  /// ok: one value per ExperimentInfo::outcome_names (nullopt: no value; a
  /// NaN is stored as no value too). Failed: empty.
  std::vector<std::optional<double>> outcomes;
  /// Rows exactly as RunRecorder::agent_rows()/edge_rows() make them (no
  /// header; observe.hpp). Their first column (the recorder's run number) is
  /// replaced by key.run_id. agent_rows only when the series selection is
  /// kAgents or kAll, edge_rows only with kAll; both empty for a failed run.
  std::string agent_rows;
  std::string edge_rows;
};

/// How many runs a database holds.
struct StoreCounts {
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
};

/// A results database open for writing. Movable, not copyable; not for use
/// by two threads at once (one writer thread, STYLE.md §6.1). While it is
/// open, no other ResultStore (in this or another process) can open the same
/// file; readers (sqlite3, pandas, `geosim export`) can, and see every
/// committed batch.
///
/// Errors: UsageError for what the user can fix (a file that exists, another
/// experiment, a file that is not a geosim database, a database in use);
/// InternalError for a caller's bug (a run written twice, outcomes that do
/// not match outcome_names, a point out of range); std::runtime_error for
/// the system (disk full, I/O error). A failed write_batch() stores nothing
/// of its batch.
class ResultStore {
 public:
  /// Creates a new database at `path` for experiment `info` (the file must
  /// not exist: UsageError otherwise, whatever it holds). Writes the schema,
  /// the experiment row, `dimensions`, `outcome_names` and a `sessions` row
  /// in one transaction. If creation fails, no file is left behind.
  static ResultStore create(const std::filesystem::path& path, const ExperimentInfo& info);

  /// Opens the database at `path` to continue experiment `info`. Checks, with
  /// UsageErrors that say what to do:
  ///  * that it is a geosim results database (application id) of schema
  ///    version kResultStoreSchemaVersion;
  ///  * that it holds the same experiment: kind, scenario_sha256, design,
  ///    samples, replicates, seed, dimensions, parameters_json,
  ///    policies_json, series, outcome_names and geosim_version must all be
  ///    equal (every difference is named in one message). scenario_file,
  ///    scenario_name, command_line and created_utc may differ; the original
  ///    ones are kept and this start is added to `sessions`.
  /// A file that does not exist, or is empty (a sweep killed while creating
  /// its database), is created as by create(), and resumed() is false: a
  /// sweep killed before it stored anything resumes by starting.
  static ResultStore open_for_resume(const std::filesystem::path& path, const ExperimentInfo& info);

  ResultStore(ResultStore&&) noexcept;
  ResultStore& operator=(ResultStore&&) noexcept;
  ~ResultStore();  ///< closes (as close(), but ignoring errors)

  /// Stores the experiment's points: point i has values[i], one value per
  /// ExperimentInfo::dimensions entry (all of size dimensions.size()). Call
  /// it once on every start, before write_batch(): on a new database it
  /// writes them (one transaction); when the database has them already (a
  /// resume), it checks that they are the same, bit for bit, and throws
  /// UsageError naming the first difference otherwise. With no dimensions,
  /// pass one empty vector per point (points then has no rows, but the
  /// number of points is still recorded and checked).
  void write_points(const std::vector<std::vector<double>>& values);

  /// The run ids stored so far (status ok or failed), ascending: the runs a
  /// resumed sweep skips. (A failed run is not retried: the same run fails
  /// the same way; docs/results-database.md shows how to retry them.)
  std::vector<std::uint64_t> done_run_ids() const;

  /// Stores a batch of finished runs in one transaction: each run's `runs`
  /// row, its outcomes and its series, then commits (with an fsync). Either
  /// the whole batch is stored or, on any error, none of it. Runs may come
  /// in any order. Plain INSERTs: a run id, or a (point, replicate, policy),
  /// that is already stored is a bug of the caller and throws InternalError.
  /// An empty batch does nothing. Needs write_points() first.
  void write_batch(const std::vector<RunResult>& batch);

  /// Runs stored so far, by status.
  StoreCounts counts() const;

  /// True when open_for_resume() found an existing experiment to continue.
  bool resumed() const;

  const std::filesystem::path& path() const;

  /// Closes the database (SQLite checkpoints the WAL into the file and
  /// removes the -wal and -shm files) and releases the file. Idempotent;
  /// after it only the destructor may be called. Throws std::runtime_error
  /// if SQLite reports an error.
  void close();

 private:
  struct Impl;
  explicit ResultStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// What export_csv() wrote.
struct ExportReport {
  std::filesystem::path dir;
  std::vector<std::string> files;  ///< file names, in the order written
  std::uint64_t runs = 0;          ///< rows of runs.csv
};

/// Writes the database at `db` as tidy CSV files into the folder `dir`:
///   experiment.csv   one row: the experiment table (without the scenario text)
///   scenario.yaml    the scenario file the experiment ran
///   points.csv       point,path,value
///   runs.csv         run_id,point,replicate,policy,seed,status,error,wall_s,finished_utc
///   outcomes.csv     run_id,point,replicate,policy,name,value (long; ok runs)
///   outcomes_wide.csv one row per run: run_id,point,replicate,policy,seed,status,
///                    then one column per dimension path and per outcome name
///   agents.csv, edges.csv  only if the experiment stored them: run_id and the
///                    columns of `geosim run`'s files
/// Rows are in run id order (series rows: then in the order they were
/// recorded). Numbers are written as shortest round-trip text (as by
/// format_number); SQL NULL is an empty field; text fields that hold a comma,
/// a quote or a line break are quoted (RFC 4180). Everything is read in one
/// read transaction, so a database that a sweep is still writing exports as
/// a consistent snapshot. The folder appears whole or not at all (AtomicDir);
/// an existing `dir` is a UsageError unless `force`. Memory does not grow
/// with the number of runs. A missing file, or one that is not a geosim
/// results database of this schema version, is a UsageError.
ExportReport export_csv(const std::filesystem::path& db, const std::filesystem::path& dir, bool force);

}  // namespace geosim
