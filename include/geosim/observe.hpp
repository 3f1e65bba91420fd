// The record phase (MODEL.md §4): per-agent and per-edge rows of each step,
// and the outcomes a run reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geosim/engine.hpp"

namespace geosim {

/// Shortest text that reads back to the same double, always with a decimal
/// point or exponent ("2000.0", "0.1", "1e-05"); "nan"/"inf" if not finite.
std::string format_number(double x);

/// Header lines (with trailing newline) of agents.csv and edges.csv.
std::string agents_csv_header();
std::string edges_csv_header();

/// The value of one outcome metric at one step; nullopt where MODEL.md §4
/// leaves it empty (utilities without a main threat).
std::optional<double> agent_metric(const StepView& v, AgentId i, std::string_view metric);
std::optional<double> edge_metric(const StepView& v, EdgeId e, std::string_view metric);

/// Records one run: CSV rows for every step (optional) and the running
/// aggregates of the scenario's outcomes. Use it as the StepObserver of
/// simulate():
///
///     RunRecorder rec(model, run);
///     simulate(model, {seed, run}, [&](const StepView& v) { rec.record(v); });
class RunRecorder {
 public:
  RunRecorder(const Model& model, std::uint64_t run, bool keep_rows = true);

  void record(const StepView& v);

  /// Rows without header, in step order then agent (edge) order.
  const std::string& agent_rows() const { return agent_rows_; }
  const std::string& edge_rows() const { return edge_rows_; }
  /// One value per outcome of model.scenario.outcomes; nullopt if the series
  /// had no value to aggregate.
  std::vector<std::optional<double>> outcomes() const;

 private:
  struct Accumulator {
    bool is_edge = false;
    std::uint32_t index = 0;  // agent or edge id
    std::string metric;
    Aggregate aggregate = Aggregate::kFinal;
    double sum = 0;
    std::size_t count = 0;
    std::optional<double> last;
    std::optional<double> min;
    std::optional<double> max;
  };
  const Model& model_;
  std::uint64_t run_;
  bool keep_rows_;
  std::string agent_rows_;
  std::string edge_rows_;
  std::vector<Accumulator> acc_;
};

}  // namespace geosim
