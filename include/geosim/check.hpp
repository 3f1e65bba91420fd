// `geosim check`: a scenario's runs set beside what really happened (its
// `observed:` section), one row per observation and an overall score
// (docs/backtest.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "geosim/scenario.hpp"

namespace geosim {

struct CheckOptions {
  std::uint64_t runs = 30;            ///< run indices 0..runs-1
  std::optional<std::uint64_t> seed;  ///< default: the scenario's
  std::string policy = "baseline";
  std::filesystem::path out;  ///< empty: no files; else check.csv and manifest.json, atomically
  bool force = false;
  bool quiet = false;
  std::string command_line;
};

/// One observation and the simulated values at its year over the runs.
struct CheckRow {
  Observation observed;
  int step = 0;            ///< the step of observed.year
  std::size_t n = 0;       ///< runs with a value (the metric can be undefined)
  double mean = 0, sd = 0, min = 0, max = 0;  ///< of the simulated values (sd: sample, 0 for one run)
  double error = 0;        ///< mean - observed value
  /// error / |observed value|; nullopt when the observed value is 0.
  std::optional<double> relative_error;
};

struct CheckReport {
  std::string scenario;
  std::string policy;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;
  std::vector<CheckRow> rows;  ///< in the order of `observed:`
  std::size_t scored = 0;      ///< rows with n > 0: the ones the score uses
  double rmse = 0;             ///< sqrt(mean of error²) over the scored rows
  double mae = 0;              ///< mean of |error| over the scored rows
  /// Mean |relative error| over the scored rows whose observed value is not 0.
  std::optional<double> mean_relative_error;
  std::filesystem::path out;  ///< where the files went (empty: none)
  double seconds = 0;
};

/// Runs the scenario (options.runs runs, in parallel) and compares each
/// observation with the runs' values of its metric at its year. Throws
/// UsageError when the scenario has no `observed:` section or a policy is
/// unknown.
CheckReport run_check(const Scenario& scenario, std::string_view scenario_text, const CheckOptions& options);

/// check.csv: one row per observation, columns
///   year, step, subject, metric, observed, n, mean, sd, min, max, error, relative_error, source
std::string check_csv(const CheckReport& report);

/// The table for the terminal, with the overall score under it.
std::string format_check(const CheckReport& report);

}  // namespace geosim
