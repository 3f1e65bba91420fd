// The relationship network at one step, as a picture (`geosim graph`,
// docs/graph.md): one node per agent, one edge per related pair, written as
// Graphviz DOT by our own code and rendered to SVG or PNG in process with the
// Graphviz C library.
//
// A NetworkPicture is built from a step of a simulation in memory (a
// StepView) or from the CSV tables of a `geosim run` folder; both give the
// same picture, and so the same bytes, for the same run and step.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/scenario.hpp"

namespace geosim {

struct StepView;

/// One agent at the step (agents.csv).
struct NetworkNode {
  std::string id;
  double power = 0;                       ///< power share P_i
  Strategy strategy = Strategy::kHedge;   ///< the strategy chosen at the step
  std::optional<std::size_t> main_threat; ///< node index of the main threat h_i; none if no threat
};

/// One related pair {a, b}, a < b by agent index, with both directions
/// (edges.csv rows a→b and b→a).
struct NetworkEdge {
  std::size_t a = 0;
  std::size_t b = 0;
  double alignment_ab = 0;  ///< a's stance toward b
  double alignment_ba = 0;
  double exports_ab = 0;    ///< exports from a to b, billion USD/yr (before sanctions)
  double exports_ba = 0;
  double sanction_ab = 0;   ///< sanction imposed by a on b
  double sanction_ba = 0;

  double mean_alignment() const { return (alignment_ab + alignment_ba) / 2; }
  /// Total trade of the pair: exports both ways.
  double trade() const { return exports_ab + exports_ba; }
  bool sanctioned() const { return sanction_ab > 0 || sanction_ba > 0; }
};

/// The network at one step of one run.
struct NetworkPicture {
  std::string scenario;  ///< scenario name
  std::string policy;
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  int step = 0;
  double year = 0;
  std::vector<NetworkNode> nodes;  ///< in agent index order
  std::vector<NetworkEdge> edges;  ///< the pairs drawn, ordered by (a, b)
  std::size_t related_pairs = 0;   ///< every related pair, drawn or not

  /// True when the main threat of node i is node j.
  bool is_main_threat(std::size_t i, std::size_t j) const { return nodes[i].main_threat == j; }
  /// Pairs left out by limit_edges().
  std::size_t left_out() const { return related_pairs - edges.size(); }
};

/// Which step to draw: a number, or the first or last step of the run.
struct StepChoice {
  enum class Kind : std::uint8_t { kNumber, kFirst, kLast };
  Kind kind = Kind::kNumber;
  int number = 0;

  /// "12", "first" or "last"; throws UsageError otherwise.
  static StepChoice parse(std::string_view text);
  /// The step in [0, steps); throws UsageError when it is out of range
  /// (`year0`, `dt` name the years in the message).
  int resolve(int steps, double year0, double dt) const;
};

/// The picture of one step of a simulation (every related pair; see
/// limit_edges()). `policy` is only the name shown in the title.
NetworkPicture network_from_step(const StepView& view, std::string policy);

/// What a run folder's manifest.json says about its runs.
struct RunFolderInfo {
  std::string scenario;
  std::string policy;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;
  int steps = 0;
  double start_year = 0;
  double dt = 1;
};

/// Reads `folder/manifest.json`; throws UsageError when the folder does not
/// exist or is not a `geosim run` folder.
RunFolderInfo read_run_folder_info(const std::filesystem::path& folder);

/// The picture of step `step` of run `run` from agents.csv and edges.csv
/// text (rows sorted by run then step, as `geosim run` writes them). The
/// title fields (scenario, policy, seed) come from `info`. Throws UsageError
/// when a column is missing, a value cannot be read or the tables hold no
/// row for the run and step (`agents_name`, `edges_name` name the tables in
/// messages).
NetworkPicture network_from_csv(std::istream& agents_csv, std::istream& edges_csv, const RunFolderInfo& info,
                                std::uint64_t run, int step, std::string_view agents_name = "agents.csv",
                                std::string_view edges_name = "edges.csv");

/// The picture of a `geosim run` folder: run `run` (< the folder's runs) at
/// the chosen step.
NetworkPicture network_from_run_folder(const std::filesystem::path& folder, std::uint64_t run, StepChoice step);

/// Runs run `run` of `scenario` with `policy` overlaid and the given seed
/// (default: the scenario's) in memory, up to the chosen step, and returns
/// the picture of that step. Throws UsageError for an unknown policy or a
/// step out of range.
NetworkPicture network_from_scenario(const Scenario& scenario, std::string_view policy,
                                     std::optional<std::uint64_t> seed, std::uint64_t run, StepChoice step);

/// Keeps at most `max_edges` pairs with the most trade (ties: the first
/// pair in (a, b) order), plus every pair of an agent and its main threat;
/// 0 keeps every pair. Returns the number of pairs left out.
std::size_t limit_edges(NetworkPicture& picture, std::size_t max_edges);

// --- How the picture encodes values (docs/graph.md) --------------------------

/// Node diameter in inches: area proportional to the power share,
/// kNodeScale · √P, at least kMinNodeDiameter.
inline constexpr double kNodeScale = 2.6;
inline constexpr double kMinNodeDiameter = 0.14;
double node_diameter(double power);

/// Fill colour ("#rrggbb") of a strategy (Okabe–Ito palette): balance orange,
/// bandwagon reddish purple, hedge bluish green.
std::string_view strategy_colour(Strategy s);

/// Edge colour ("#rrggbb") of a mean alignment on a diverging scale: red at
/// -1 (hostile), light grey at 0, blue at +1 (aligned); values outside
/// [-1, 1] are clamped.
std::string alignment_colour(double alignment);

/// Edge pen width in points for a pair's total trade (billion USD/yr):
/// 0.6 + 1.3 · log10(1 + trade / 0.1), strictly increasing from 0.6 at 0.
double trade_pen_width(double trade);

/// The picture as a Graphviz DOT graph (layout engine neato, fixed start
/// seed): deterministic bytes for the same picture.
std::string network_dot(const NetworkPicture& picture);

/// Output formats of `geosim graph`.
enum class GraphFormat : std::uint8_t { kDot, kSvg, kPng };
std::string_view to_string(GraphFormat f);
std::optional<GraphFormat> graph_format_from_string(std::string_view s);

/// Lays out and renders DOT text in process with the Graphviz library (the
/// layout engine the graph names, neato by default) to "svg" or "png" bytes.
/// Deterministic: the same text gives the same bytes. Throws
/// std::runtime_error with Graphviz's message if the text cannot be read or
/// rendered. Calls are serialised (Graphviz is not thread-safe).
std::string render_dot(std::string_view dot, GraphFormat format);

}  // namespace geosim
