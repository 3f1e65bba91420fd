// `geosim sweep`: a scenario run at the points of an experimental design,
// several replicates per point, results streamed into a SQLite database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/cluster.hpp"
#include "geosim/scenario.hpp"
#include "geosim/store.hpp"

namespace geosim {

/// Options of `geosim sweep` (docs/cli.md). Everything unset comes from the
/// scenario's `sweep:` section.
struct SweepOptions {
  std::optional<Design> design;
  std::optional<std::uint64_t> samples;
  std::optional<std::uint64_t> replicates;
  /// --param: when any are given they replace the scenario's dimensions.
  std::vector<SweepDimension> params;
  std::optional<std::uint64_t> seed;  ///< default: the scenario's
  std::string policy = "baseline";    ///< the policy overlaid at every point
  std::filesystem::path db;           ///< default: <scenario>_sweep.db
  bool resume = false;
  bool fail_fast = false;
  bool quiet = false;
  SeriesSelection series = SeriesSelection::kNone;
  std::string command_line;
  std::size_t batch = 0;  ///< runs per transaction; 0 = automatic
};

struct SweepReport {
  std::filesystem::path db;
  std::uint64_t points = 0;
  std::uint64_t replicates = 0;
  std::uint64_t total = 0;    ///< points × replicates
  std::uint64_t skipped = 0;  ///< already in the database (--resume)
  std::uint64_t ok = 0;       ///< run now, successfully
  std::uint64_t failed = 0;   ///< run now, with an error (recorded)
  double seconds = 0;
};

/// Parses one --param: "PATH=MIN:MAX" (a range) or "PATH=V1,V2,..." (levels;
/// a single "PATH=V" is one level). Throws UsageError with an example.
SweepDimension parse_sweep_param(std::string_view text);

/// The sweep as it will run: the scenario's `sweep:` with the options laid
/// over it. Throws UsageError when there is no sweep to run or the options
/// are invalid (an unknown path, a value out of range at some point).
SweepSpec effective_sweep(const Scenario& scenario, const SweepOptions& options);

/// Runs the sweep. Run (point p, replicate r) has run id p·R + r and uses the
/// random numbers of (seed, r) (MODEL.md §3.7), so every point sees the same
/// draws. Runs execute in parallel (TBB) and, with a cluster of several
/// ranks, each batch is split over the ranks; one thread of the root writes
/// finished runs to the database in batches, each one transaction. The
/// database holds the same rows whatever the threads and ranks. With
/// options.resume only the runs missing from the database are run, and the
/// result is the same as an uninterrupted sweep's. Throws Interrupted on
/// SIGINT/SIGTERM (on any rank) after the current batch is stored. The
/// report's counts are the root's; other ranks get zero counts.
SweepReport run_sweep(const Scenario& scenario, std::string_view scenario_text, const SweepOptions& options,
                      Cluster& cluster = single_process());

}  // namespace geosim
