// `geosim compare`: the baseline and some policies run on the same run
// indices (common random numbers, MODEL.md §3.6), and every outcome compared
// with the baseline run by run (docs/compare.md).
//
// The job has three parts, usable apart (the tests do):
//   run_policies()     the runs: outcomes only, in parallel, in run order
//   summarize()        the statistics (stats.hpp), a pure function of the runs
//   compare_csv() ...  the files and the terminal table
// compare_job() does all three and writes DIR/compare.csv, DIR/runs.csv and
// DIR/manifest.json atomically (AtomicDir), and optionally a results database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/cluster.hpp"
#include "geosim/scenario.hpp"
#include "geosim/stats.hpp"

namespace geosim {

/// Options of `geosim compare` (docs/cli.md).
struct CompareOptions {
  /// Policies compared with the baseline, in this order; empty: every policy
  /// the scenario declares. "baseline" in the list is ignored (it is always
  /// the reference), and so is a repeated name.
  std::vector<std::string> policies;
  std::optional<std::uint64_t> seed;  ///< default: the scenario's
  std::uint64_t runs = 30;            ///< run indices 0..runs-1 for every policy
  std::uint64_t bootstrap = 0;        ///< resamples of the percentile bootstrap; 0: t interval only
  int threads = 0;                    ///< recorded in the manifest; 0 = all cores
  std::filesystem::path out;          ///< empty: <scenario>_compare_<time> in the current folder
  std::filesystem::path db;           ///< empty: no database; else a new results database (store.hpp)
  bool force = false;
  bool quiet = false;
  std::string command_line;  ///< for the manifest
};

/// The outcomes of every run: values[p][r][o] is outcome o of run r under
/// policy p (nullopt where the run had no value, observe.hpp).
struct CompareRuns {
  std::vector<std::string> policies;  ///< "baseline" first
  std::vector<OutcomeSpec> outcomes;  ///< the scenario's, in declaration order
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;
  std::vector<std::vector<std::vector<std::optional<double>>>> values;
  std::vector<std::vector<double>> wall_s;  ///< seconds each run took, [p][r] (not in any CSV)
};

/// One outcome under one policy.
struct CompareRow {
  std::size_t outcome = 0;  ///< index into CompareRuns::outcomes
  std::size_t policy = 0;   ///< index into CompareRuns::policies (0: baseline)
  std::size_t n = 0;        ///< runs with a value
  double mean = 0;          ///< over those runs
  double sd = 0;            ///< sample sd; NaN when n < 2
  /// Against the baseline, paired by run index over the runs where both have
  /// a value; empty for the baseline itself.
  std::optional<stats::PairedSummary> paired;
};

/// The statistics of a comparison.
struct Comparison {
  CompareRuns runs;
  std::uint64_t bootstrap = 0;
  double level = 0.95;
  /// At least two runs, and every run gave the same outcomes as run 0 under
  /// every policy: the scenario has no randomness (or none that reaches an
  /// outcome). Intervals then collapse to the single difference, d_z is
  /// undefined and share_better is 0, 1 or 1/2.
  bool identical_runs = false;
  std::vector<CompareRow> rows;  ///< outcome by outcome; within one, policies in order
};

/// The policies a comparison runs: "baseline", then `requested` (or every
/// declared policy when it is empty), without repeats. Throws UsageError for
/// an unknown or empty name, listing the known ones, and when no policy is
/// left to compare.
std::vector<std::string> resolve_policies(const Scenario& scenario, const std::vector<std::string>& requested);

/// Runs run indices 0..runs-1 of every policy with the random numbers of
/// (seed, run), outcomes only, in parallel in chunks (the result is the same
/// for any thread count). With a cluster of several ranks each chunk is
/// split over the ranks and only the root's result holds the values (the
/// same values as one process computes). `progress(done)` is called after
/// each chunk, from the calling thread, with the number of runs finished.
/// Throws Interrupted between chunks on SIGINT/SIGTERM (on any rank).
CompareRuns run_policies(const Scenario& scenario, const std::vector<std::string>& policies, std::uint64_t seed,
                         std::uint64_t runs, const std::function<void(std::size_t)>& progress = {},
                         Cluster& cluster = single_process());

/// The statistics of the runs (stats::compare_paired for every outcome and
/// policy; the bootstrap uses BootstrapKey{runs.seed}).
Comparison summarize(CompareRuns runs, std::uint64_t bootstrap, double level = 0.95);

/// compare.csv: one row per outcome and policy (baseline first), columns
///   outcome, policy, better, n, mean, sd, pairs, diff, sd_diff, ci_low,
///   ci_high, boot_low, boot_high, effect_dz, effect_d, share_better
/// (docs/cli.md). Comparison columns are empty on the baseline's rows, and
/// wherever a value is undefined.
std::string compare_csv(const Comparison& c);

/// runs.csv: run, policy, seed, then one column per outcome; policy by policy
/// (baseline first), runs in order: the rows `geosim run` writes to
/// outcomes.csv.
std::string runs_csv(const CompareRuns& r);

/// The table for the terminal: a block per outcome with aligned columns,
/// differences with their interval and a `*` where it excludes 0.
std::string format_comparison(const Comparison& c);

struct CompareReport {
  std::filesystem::path out;
  std::filesystem::path db;  ///< empty when none was written
  Comparison comparison;
  double seconds = 0;
};

/// The whole `compare` job: overlays every policy, runs, summarises, and
/// writes compare.csv, runs.csv and manifest.json atomically into
/// options.out (and the runs into options.db, a new results database, when
/// given). On any failure or interruption neither the folder nor the
/// database is left behind. Shows progress on stderr unless options.quiet.
/// With a cluster of several ranks the runs are spread over the ranks and
/// the root alone writes; the other ranks return an empty report.
CompareReport compare_job(const Scenario& scenario, std::string_view scenario_text, const CompareOptions& options,
                          Cluster& cluster = single_process());

/// A default output folder name: "<stem>_compare_<YYYYMMDD-HHMMSS>".
std::filesystem::path default_compare_dir(const Scenario& scenario);

}  // namespace geosim
