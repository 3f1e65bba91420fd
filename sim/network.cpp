// The relationship network as a picture (network.hpp, docs/graph.md).
#include "geosim/network.hpp"

#include <fmt/format.h>
#include <gvc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"

namespace geosim {
namespace fs = std::filesystem;

namespace {

// A year as people write it: 2024, not 2024.0.
std::string year_text(double year) {
  return year == std::floor(year) && std::abs(year) < 1e9 ? fmt::format("{:.0f}", year) : fmt::format("{}", year);
}

std::string_view trim_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

std::optional<Strategy> strategy_from_string(std::string_view s) {
  if (s == "balance") return Strategy::kBalance;
  if (s == "bandwagon") return Strategy::kBandwagon;
  if (s == "hedge") return Strategy::kHedge;
  return std::nullopt;
}

// One CSV table read row by row, with its columns found by name.
class CsvTable {
 public:
  CsvTable(std::istream& in, std::string_view name) : in_(in), name_(name) {
    if (!std::getline(in_, line_)) throw UsageError(fmt::format("{} is empty", name_));
    ++line_no_;
    header_.clear();
    for (std::string_view f : split_fields(trim_cr(line_))) header_.emplace_back(f);
    if (header_.size() < 2 || header_[0] != "run" || header_[1] != "step") {
      throw UsageError(fmt::format("{} does not start with the columns run,step: not a table of `geosim run`", name_));
    }
  }

  std::size_t column(std::string_view col) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == col) return i;
    }
    throw UsageError(fmt::format("{} has no column '{}': not a table of `geosim run`", name_, col));
  }

  // Calls fn(fields) for every row of the run and step; rows are sorted by
  // run then step, so reading stops after the last matching row.
  template <typename Fn>
  void for_each_row(std::uint64_t run, int step, Fn&& fn) {
    const std::string prefix = fmt::format("{},{},", run, step);
    bool seen = false;
    while (std::getline(in_, line_)) {
      ++line_no_;
      const std::string_view line = trim_cr(line_);
      if (line.substr(0, prefix.size()) != prefix) {
        if (seen) break;
        continue;
      }
      seen = true;
      const auto fields = split_fields(line);
      if (fields.size() != header_.size()) {
        throw UsageError(fmt::format("{}:{}: {} fields, expected {}", name_, line_no_, fields.size(), header_.size()));
      }
      fn(fields);
    }
  }

  double number(const std::vector<std::string_view>& fields, std::size_t col) const {
    const std::string_view text = fields[col];
    double x = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw UsageError(fmt::format("{}:{}: cannot read '{}' in column {} as a number", name_, line_no_, text,
                                   header_[col]));
    }
    return x;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw UsageError(fmt::format("{}:{}: {}", name_, line_no_, message));
  }

 private:
  std::istream& in_;
  std::string name_;
  std::string line_;
  std::size_t line_no_ = 0;
  std::vector<std::string> header_;
};

// --- DOT text ------------------------------------------------------------------

// Text for a DOT double-quoted string. Backslashes are dropped: Graphviz
// would read "\N", "\G" as escapes in labels and tooltips.
std::string dot_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += "\\\"";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';  // newlines, and control characters that a terminal would obey
    } else if (c != '\\') {
      out += c;
    }
  }
  return out + "\"";
}

// Text for a `//` comment line: control characters (a newline would end the
// comment and let a scenario's name inject DOT statements) become spaces.
std::string comment_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// Text inside a Graphviz HTML-like label.
std::string html_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:  // control characters (newlines, a terminal's escapes) become spaces
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  return out;
}

constexpr std::string_view kFont = "Helvetica";
constexpr std::string_view kInk = "#333333";        // node outlines, legend text
constexpr int kLabelFontSize = 11;
constexpr int kLabelRowHeight = 13;  // points: one line of an 11-point label

// A legend swatch: a small filled square.
std::string swatch(std::string_view colour, int width = 12, int height = 12) {
  return fmt::format(R"(<TD FIXEDSIZE="TRUE" WIDTH="{}" HEIGHT="{}" BGCOLOR="{}"></TD>)", width, height, colour);
}

std::string legend_text(std::string_view text, std::string_view align = "LEFT") {
  return fmt::format(R"(<TD ALIGN="{}"><FONT POINT-SIZE="10" COLOR="{}">{}</FONT></TD>)", align, kInk, text);
}

// The graph label: title, what the picture shows, and the legend.
std::string title_and_legend(const NetworkPicture& p) {
  std::string s = R"(<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">)";
  s += fmt::format(R"(<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="17"><B>{}</B></FONT></TD></TR>)", html_escaped(p.scenario));
  s += fmt::format(
      R"(<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12">policy {} · run {} · seed {} · step {} · year {}</FONT></TD></TR>)",
      html_escaped(p.policy), p.run, p.seed, p.step, year_text(p.year));
  if (p.left_out() > 0) {
    s += fmt::format(
        R"(<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="#b2182b">{} of {} related pairs drawn (the most trade, and every main threat); {} left out</FONT></TD></TR>)",
        p.edges.size(), p.related_pairs, p.left_out());
  }
  s += R"(<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="0">)";

  // Nodes: strategy fill; area = power share.
  s += "<TR>" + legend_text("<B>State</B> (area: power share)");
  for (const Strategy st : {Strategy::kBalance, Strategy::kBandwagon, Strategy::kHedge}) {
    s += swatch(strategy_colour(st)) + legend_text(to_string(st));
  }
  s += "</TR>";
  s += R"(</TABLE></TD></TR><TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="0">)";

  // Edge colour: mean alignment.
  s += "<TR>" + legend_text("<B>Line colour</B>: mean alignment");
  for (const double a : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
    s += swatch(alignment_colour(a), 22, 6);
    s += legend_text(a == 0 ? std::string("0") : a == -1 ? std::string("-1 hostile") : a == 1 ? std::string("+1 aligned")
                                                                                            : fmt::format("{:+g}", a));
  }
  s += "</TR>";
  s += R"(</TABLE></TD></TR><TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="0">)";

  // Edge width: trade.
  s += "<TR>" + legend_text("<B>Line width</B>: trade, bn USD/yr");
  for (const double t : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
    const int h = std::max(1, static_cast<int>(std::lround(trade_pen_width(t))));
    s += swatch("#777777", 22, h) + legend_text(fmt::format("{:g}", t));
  }
  s += "</TR>";
  s += R"(</TABLE></TD></TR><TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="0">)";
  s += "<TR>" + legend_text("<B>Dashed</B>: sanction in force") +
       legend_text("   <B>A —▶ B</B>: B is A's main threat");
  s += "</TR></TABLE></TD></TR></TABLE>>";
  return s;
}

// The label of a node too small to hold its id: the id just below the
// circle. Graphviz centres a label on its node, so the id sits in the bottom
// row of a table whose empty top row is the circle's height plus a gap; the
// table counts when overlaps are removed, so labels do not overlap either.
// Empty when the id fits inside the circle (the default label, \N).
std::string label_below(std::string_view id, double diameter_in) {
  const double diameter_pt = 72 * diameter_in;
  const double text_width_pt = 0.62 * kLabelFontSize * static_cast<double>(id.size());  // Helvetica, roughly
  if (text_width_pt + 6 <= diameter_pt) return {};
  const int top = static_cast<int>(std::lround(diameter_pt)) + 4 + kLabelRowHeight;
  return fmt::format(R"(<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">)"
                     R"(<TR><TD FIXEDSIZE="TRUE" WIDTH="1" HEIGHT="{}"></TD></TR>)"
                     R"(<TR><TD>{}</TD></TR></TABLE>>)",
                     top, html_escaped(id));
}

std::string node_tooltip(const NetworkPicture& p, const NetworkNode& n) {
  std::string t = fmt::format("{}: {}, power share {:.4f}", n.id, to_string(n.strategy), n.power);
  t += n.main_threat ? fmt::format(", main threat {}", p.nodes[*n.main_threat].id) : std::string(", no main threat");
  return t;
}

std::string edge_tooltip(const NetworkPicture& p, const NetworkEdge& e) {
  const std::string& a = p.nodes[e.a].id;
  const std::string& b = p.nodes[e.b].id;
  std::string t = fmt::format("{} - {}: alignment {}>{} {:.3f}, {}>{} {:.3f}; trade {:.3f} bn USD/yr", a, b, a, b,
                              e.alignment_ab, b, a, e.alignment_ba, e.trade());
  if (e.sanction_ab > 0) t += fmt::format("; sanction {}>{} {:.3f}", a, b, e.sanction_ab);
  if (e.sanction_ba > 0) t += fmt::format("; sanction {}>{} {:.3f}", b, a, e.sanction_ba);
  if (p.is_main_threat(e.a, e.b)) t += fmt::format("; {} is {}'s main threat", b, a);
  if (p.is_main_threat(e.b, e.a)) t += fmt::format("; {} is {}'s main threat", a, b);
  return t;
}

// --- Graphviz ------------------------------------------------------------------

std::mutex g_graphviz_mutex;  // Graphviz keeps global state: one caller at a time
std::string* g_graphviz_messages = nullptr;

int collect_graphviz_message(char* message) {
  if (g_graphviz_messages != nullptr && message != nullptr) *g_graphviz_messages += message;
  return 0;
}

struct GvcDeleter {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};

// One Graphviz context for the whole process, made on first use and freed
// (gvFreeContext) when the program ends. Not one per call: Graphviz 2.42's
// text-layout plugin (pango) keeps a static pointer to the last font name,
// which lives in the context's font dictionary; a second context compares
// against that freed name (a use-after-free that AddressSanitizer reports).
// Callers hold g_graphviz_mutex.
GVC_t* graphviz_context() {
  static const std::unique_ptr<GVC_t, GvcDeleter> context(gvContext());
  if (!context) throw std::runtime_error("Graphviz: cannot create a context");
  return context.get();
}

// A graph read from text; freed (with its layout, if any) by the destructor.
class LaidOutGraph {
 public:
  LaidOutGraph(GVC_t* gvc, Agraph_t* g) : gvc_(gvc), g_(g) {}
  LaidOutGraph(const LaidOutGraph&) = delete;
  LaidOutGraph& operator=(const LaidOutGraph&) = delete;
  ~LaidOutGraph() {
    if (laid_out_) gvFreeLayout(gvc_, g_);
    agclose(g_);
  }
  Agraph_t* get() const { return g_; }
  void mark_laid_out() { laid_out_ = true; }

 private:
  GVC_t* gvc_;
  Agraph_t* g_;
  bool laid_out_ = false;
};

void set_graph_attribute(Agraph_t* g, const char* name, const char* value) {
  agsafeset(g, const_cast<char*>(name), const_cast<char*>(value), const_cast<char*>(""));
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

// --- StepChoice ----------------------------------------------------------------

StepChoice StepChoice::parse(std::string_view text) {
  if (text == "first") return {Kind::kFirst, 0};
  if (text == "last") return {Kind::kLast, 0};
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0) {
    throw UsageError(fmt::format("--step must be a step number (0, 1, ...), `first` or `last`; got '{}'", text));
  }
  return {Kind::kNumber, n};
}

int StepChoice::resolve(int steps, double year0, double dt) const {
  GEOSIM_ASSERT(steps >= 1, "a run has at least one step");
  switch (kind) {
    case Kind::kFirst: return 0;
    case Kind::kLast: return steps - 1;
    case Kind::kNumber: break;
  }
  if (number >= steps) {
    throw UsageError(fmt::format("step {} is out of range: the run has steps 0 to {} (years {} to {}); "
                                 "`--step last` is the last one",
                                 number, steps - 1, year_text(year0), year_text(year0 + (steps - 1) * dt)));
  }
  return number;
}

// --- building pictures ---------------------------------------------------------

NetworkPicture network_from_step(const StepView& v, std::string policy) {
  const Model& m = v.model;
  NetworkPicture p;
  p.scenario = m.scenario.name;
  p.policy = std::move(policy);
  p.seed = v.key.seed;
  p.run = v.key.run;
  p.step = v.step;
  p.year = v.year;
  p.nodes.resize(m.num_agents());
  for (AgentId i = 0; i < m.num_agents(); ++i) {
    NetworkNode& n = p.nodes[i];
    n.id = m.agent_id(i);
    n.power = v.derived.agents[i].power;
    n.strategy = v.decisions.agents[i].strategy;
    if (const int h = v.derived.agents[i].main_threat; h >= 0) n.main_threat = static_cast<std::size_t>(h);
  }
  const RelationGraph& g = m.graph;
  for (EdgeId e = 0; e < m.num_edges(); ++e) {
    if (g.source(e) > g.target(e)) continue;
    const EdgeState& ab = v.state.edges[e];
    const EdgeState& ba = v.state.edges[g.reverse(e)];
    NetworkEdge x;
    x.a = g.source(e);
    x.b = g.target(e);
    x.alignment_ab = ab.alignment;
    x.alignment_ba = ba.alignment;
    x.exports_ab = ab.exports;
    x.exports_ba = ba.exports;
    x.sanction_ab = ab.sanction;
    x.sanction_ba = ba.sanction;
    p.edges.push_back(x);
  }
  // Out-edges are grouped by source in ascending target order, so the pairs
  // are already in (a, b) order.
  p.related_pairs = p.edges.size();
  return p;
}

RunFolderInfo read_run_folder_info(const fs::path& folder) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw UsageError(fmt::format("run folder '{}' does not exist", folder.string()));
  if (!fs::is_directory(folder, ec)) throw UsageError(fmt::format("'{}' is not a folder", folder.string()));
  const fs::path manifest_path = folder / "manifest.json";
  std::ifstream in(manifest_path, std::ios::binary);
  if (!in) {
    throw UsageError(fmt::format("'{}' is not a `geosim run` output folder: it has no manifest.json", folder.string()));
  }
  for (const char* table : {"agents.csv", "edges.csv"}) {
    if (!fs::is_regular_file(folder / table, ec)) {
      throw UsageError(fmt::format("'{}' has no {}: only `geosim run` output folders hold the series to draw",
                                   folder.string(), table));
    }
  }
  RunFolderInfo info;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    info.scenario = j.at("scenario").at("name").get<std::string>();
    info.policy = j.at("policy").get<std::string>();
    info.seed = j.at("seed").get<std::uint64_t>();
    info.runs = j.at("runs").get<std::uint64_t>();
    info.steps = j.at("steps").get<int>();
    info.start_year = j.at("start_year").get<double>();
    info.dt = j.at("dt").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("cannot read {}: {}", manifest_path.string(), e.what()));
  }
  if (info.steps < 1 || info.runs < 1) {
    throw UsageError(fmt::format("{} records no runs or no steps", manifest_path.string()));
  }
  return info;
}

NetworkPicture network_from_csv(std::istream& agents_csv, std::istream& edges_csv, const RunFolderInfo& info,
                                std::uint64_t run, int step, std::string_view agents_name,
                                std::string_view edges_name) {
  NetworkPicture p;
  p.scenario = info.scenario;
  p.policy = info.policy;
  p.seed = info.seed;
  p.run = run;
  p.step = step;

  CsvTable agents(agents_csv, agents_name);
  const std::size_t c_year = agents.column("year"), c_agent = agents.column("agent"),
                    c_strategy = agents.column("strategy"), c_threat = agents.column("main_threat"),
                    c_power = agents.column("power");
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::string> threats;
  agents.for_each_row(run, step, [&](const std::vector<std::string_view>& f) {
    NetworkNode n;
    n.id = std::string(f[c_agent]);
    n.power = agents.number(f, c_power);
    const auto s = strategy_from_string(f[c_strategy]);
    if (!s) agents.fail(fmt::format("unknown strategy '{}'", f[c_strategy]));
    n.strategy = *s;
    if (p.nodes.empty()) p.year = agents.number(f, c_year);
    if (!index.emplace(n.id, p.nodes.size()).second) agents.fail(fmt::format("agent {} appears twice", n.id));
    threats.emplace_back(f[c_threat]);
    p.nodes.push_back(std::move(n));
  });
  if (p.nodes.empty()) {
    throw UsageError(fmt::format("{} has no rows for run {} step {}", agents_name, run, step));
  }
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    if (threats[i].empty()) continue;
    const auto it = index.find(threats[i]);
    if (it == index.end()) {
      throw UsageError(fmt::format("{}: the main threat '{}' of {} at step {} is not an agent", agents_name,
                                   threats[i], p.nodes[i].id, step));
    }
    p.nodes[i].main_threat = it->second;
  }

  CsvTable edges(edges_csv, edges_name);
  const std::size_t c_source = edges.column("source"), c_target = edges.column("target"),
                    c_alignment = edges.column("alignment"), c_exports = edges.column("exports"),
                    c_sanction = edges.column("sanction");
  // (a, b) -> the pair and which of its directions were seen (bit 1: a→b, bit 2: b→a)
  std::map<std::pair<std::size_t, std::size_t>, std::pair<NetworkEdge, int>> pairs;
  edges.for_each_row(run, step, [&](const std::vector<std::string_view>& f) {
    const auto s = index.find(std::string(f[c_source]));
    const auto t = index.find(std::string(f[c_target]));
    if (s == index.end() || t == index.end() || s->second == t->second) {
      edges.fail(fmt::format("edge {}>{} does not join two agents of {}", f[c_source], f[c_target], agents_name));
    }
    const bool forward = s->second < t->second;
    const std::size_t a = forward ? s->second : t->second, b = forward ? t->second : s->second;
    auto& [e, seen] = pairs[{a, b}];
    const int bit = forward ? 1 : 2;
    if (seen & bit) edges.fail(fmt::format("edge {}>{} appears twice", f[c_source], f[c_target]));
    seen |= bit;
    e.a = a;
    e.b = b;
    (forward ? e.alignment_ab : e.alignment_ba) = edges.number(f, c_alignment);
    (forward ? e.exports_ab : e.exports_ba) = edges.number(f, c_exports);
    (forward ? e.sanction_ab : e.sanction_ba) = edges.number(f, c_sanction);
  });
  for (const auto& [key, value] : pairs) {
    if (value.second != 3) {
      throw UsageError(fmt::format("{} holds only one direction of the pair {}-{} at run {} step {}", edges_name,
                                   p.nodes[key.first].id, p.nodes[key.second].id, run, step));
    }
    p.edges.push_back(value.first);
  }
  p.related_pairs = p.edges.size();
  return p;
}

NetworkPicture network_from_run_folder(const fs::path& folder, std::uint64_t run, StepChoice step) {
  const RunFolderInfo info = read_run_folder_info(folder);
  if (run >= info.runs) {
    throw UsageError(fmt::format("run {} is out of range: '{}' holds run{} 0{}", run, folder.string(),
                                 info.runs > 1 ? "s" : "", info.runs > 1 ? fmt::format(" to {}", info.runs - 1) : ""));
  }
  const int t = step.resolve(info.steps, info.start_year, info.dt);
  std::ifstream agents(folder / "agents.csv", std::ios::binary);
  std::ifstream edges(folder / "edges.csv", std::ios::binary);
  if (!agents || !edges) throw UsageError(fmt::format("cannot read the tables in '{}'", folder.string()));
  return network_from_csv(agents, edges, info, run, t, (folder / "agents.csv").string(),
                          (folder / "edges.csv").string());
}

NetworkPicture network_from_scenario(const Scenario& scenario, std::string_view policy,
                                     std::optional<std::uint64_t> seed, std::uint64_t run, StepChoice step) {
  Scenario effective = with_policy(scenario, policy);
  if (seed) effective.seed = *seed;
  const int t = step.resolve(effective.time.steps, effective.time.start, effective.time.dt);
  Model model = compile(effective);
  // Steps after t cannot change step t: stop there. Events keep the windows
  // compile() gave them from the whole run.
  model.steps = t + 1;
  std::optional<NetworkPicture> picture;
  simulate(model, RunKey{effective.seed, run}, [&](const StepView& v) {
    if (v.step == t) picture = network_from_step(v, std::string(policy));
  });
  GEOSIM_ASSERT(picture.has_value(), "the simulation reached the step");
  return std::move(*picture);
}

std::size_t limit_edges(NetworkPicture& p, std::size_t max_edges) {
  if (max_edges == 0 || p.edges.size() <= max_edges) return p.left_out();
  std::vector<std::size_t> order(p.edges.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return p.edges[x].trade() > p.edges[y].trade(); });
  std::vector<bool> keep(p.edges.size(), false);
  for (std::size_t k = 0; k < max_edges; ++k) keep[order[k]] = true;
  std::vector<NetworkEdge> kept;
  for (std::size_t k = 0; k < p.edges.size(); ++k) {
    const NetworkEdge& e = p.edges[k];
    if (keep[k] || p.is_main_threat(e.a, e.b) || p.is_main_threat(e.b, e.a)) kept.push_back(e);
  }
  p.edges = std::move(kept);
  return p.left_out();
}

// --- encodings -----------------------------------------------------------------

double node_diameter(double power) {
  const double d = kNodeScale * std::sqrt(std::max(power, 0.0));
  return std::max(d, kMinNodeDiameter);
}

std::string_view strategy_colour(Strategy s) {
  switch (s) {
    case Strategy::kBalance: return "#e69f00";    // orange
    case Strategy::kBandwagon: return "#cc79a7";  // reddish purple
    case Strategy::kHedge: return "#009e73";      // bluish green
  }
  return "#000000";
}

std::string alignment_colour(double alignment) {
  // ColorBrewer RdBu, with light grey at the neutral point.
  struct Stop {
    double at;
    std::array<int, 3> rgb;
  };
  static constexpr std::array<Stop, 5> kStops{{{-1.0, {0xb2, 0x18, 0x2b}},
                                               {-0.5, {0xef, 0x8a, 0x62}},
                                               {0.0, {0xd0, 0xd0, 0xd0}},
                                               {0.5, {0x67, 0xa9, 0xcf}},
                                               {1.0, {0x21, 0x66, 0xac}}}};
  const double a = std::isnan(alignment) ? 0.0 : std::clamp(alignment, -1.0, 1.0);
  std::size_t k = 0;
  while (k + 2 < kStops.size() && a > kStops[k + 1].at) ++k;
  const Stop& lo = kStops[k];
  const Stop& hi = kStops[k + 1];
  const double w = (a - lo.at) / (hi.at - lo.at);
  std::array<int, 3> c{};
  for (std::size_t i = 0; i < 3; ++i) {
    c[i] = static_cast<int>(std::lround(lo.rgb[i] + w * (hi.rgb[i] - lo.rgb[i])));
  }
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

double trade_pen_width(double trade) { return 0.6 + 1.3 * std::log10(1 + std::max(trade, 0.0) / 0.1); }

std::string network_dot(const NetworkPicture& p) {
  std::string s;
  s += fmt::format("// geosim graph: {}, policy {}, run {}, seed {}, step {} (year {})\n", comment_text(p.scenario),
                   comment_text(p.policy), p.run, p.seed, p.step, year_text(p.year));
  s += "// Lay out with neato (Graphviz); docs/graph.md explains the encoding.\n";
  s += "graph geosim {\n";
  s += fmt::format(
      "  graph [layout=neato, start=1, overlap=prism, overlap_scaling=-4, sep=\"+14\", splines=false,\n"
      "         outputorder=edgesfirst, bgcolor=white, pad=0.3, fontname={}, labelloc=t, labeljust=l,\n"
      "         label={}];\n",
      dot_quoted(kFont), title_and_legend(p));
  s += fmt::format(
      "  node [shape=circle, style=filled, fixedsize=shape, fontname={}, fontsize={}, fontcolor=\"#000000\",\n"
      "        color=\"{}\", penwidth=0.8];\n",
      dot_quoted(kFont), kLabelFontSize, kInk);
  s += "  edge [dir=none, arrowhead=normal, arrowtail=normal, arrowsize=1.1];\n";
  for (const NetworkNode& n : p.nodes) {
    const double d = node_diameter(n.power);
    s += fmt::format("  {} [width={:.3f}, height={:.3f}, fillcolor=\"{}\", ", dot_quoted(n.id), d, d,
                     strategy_colour(n.strategy));
    if (const std::string below = label_below(n.id, d); !below.empty()) s += "label=" + below + ", ";
    s += fmt::format("tooltip={}];\n", dot_quoted(node_tooltip(p, n)));
  }
  for (const NetworkEdge& e : p.edges) {
    s += fmt::format("  {} -- {} [color=\"{}\", penwidth={:.3f}", dot_quoted(p.nodes[e.a].id),
                     dot_quoted(p.nodes[e.b].id), alignment_colour(e.mean_alignment()), trade_pen_width(e.trade()));
    if (e.sanctioned()) s += ", style=dashed";
    const bool ab = p.is_main_threat(e.a, e.b), ba = p.is_main_threat(e.b, e.a);
    if (ab || ba) s += fmt::format(", dir={}", ab && ba ? "both" : (ab ? "forward" : "back"));
    s += fmt::format(", tooltip={}];\n", dot_quoted(edge_tooltip(p, e)));
  }
  s += "}\n";
  return s;
}

std::string_view to_string(GraphFormat f) {
  switch (f) {
    case GraphFormat::kDot: return "dot";
    case GraphFormat::kSvg: return "svg";
    case GraphFormat::kPng: return "png";
  }
  return "?";
}

std::optional<GraphFormat> graph_format_from_string(std::string_view s) {
  if (s == "dot") return GraphFormat::kDot;
  if (s == "svg") return GraphFormat::kSvg;
  if (s == "png") return GraphFormat::kPng;
  return std::nullopt;
}

std::string render_dot(std::string_view dot, GraphFormat format) {
  if (format == GraphFormat::kDot) return std::string(dot);
  const std::lock_guard<std::mutex> lock(g_graphviz_mutex);
  std::string messages;
  g_graphviz_messages = &messages;
  // Graphviz's warnings and errors go to `messages` (not to stderr), for the
  // exception's text; the previous handler and level come back at the end.
  struct Restore {
    agusererrf handler;
    agerrlevel_t level;
    ~Restore() {
      agseterrf(handler);
      agseterr(level);
      g_graphviz_messages = nullptr;
    }
  } restore{agseterrf(collect_graphviz_message), agseterr(AGWARN)};

  GVC_t* const gvc = graphviz_context();
  const std::string text(dot);
  Agraph_t* raw = agmemread(text.c_str());
  if (raw == nullptr) throw std::runtime_error("Graphviz cannot read the graph: " + trimmed(messages));
  LaidOutGraph graph(gvc, raw);
  // PNG: a finer raster than Graphviz's 96 dpi (the DOT text stays as written).
  if (format == GraphFormat::kPng) set_graph_attribute(graph.get(), "dpi", "110");
  const char* named = agget(graph.get(), const_cast<char*>("layout"));
  const std::string engine = named != nullptr && *named != '\0' ? named : "neato";
  if (gvLayout(gvc, graph.get(), engine.c_str()) != 0) {
    throw std::runtime_error("Graphviz cannot lay out the graph: " + trimmed(messages));
  }
  graph.mark_laid_out();
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(gvc, graph.get(), std::string(to_string(format)).c_str(), &data, &length) != 0) {
    if (data != nullptr) gvFreeRenderData(data);
    throw std::runtime_error(fmt::format("Graphviz cannot render {}: {}", to_string(format), trimmed(messages)));
  }
  std::string out(data, length);
  gvFreeRenderData(data);
  return out;
}

}  // namespace geosim

// --- LeakSanitizer and Graphviz ---------------------------------------------
//
// Graphviz 2.42 (Debian's libgraphviz) and the font libraries under its
// pango plugin keep memory that nothing frees, whatever the caller does:
//  * gvconfig() (in gvContext()) reads the plugin list into a buffer it never
//    frees, on purpose ("config_text not freed because we retain char* into
//    it"): one allocation of the size of the config6a file, 3.6 kB;
//  * htmlparse() (an HTML-like label) leaks 72 bytes per line of text in the
//    label (an array of text spans);
//  * fontconfig and GLib caches that the pango plugin fills on the first text
//    measured (about 60 kB in 1800 allocations, libfontconfig and libglib).
// Builds with AddressSanitizer suppress these so that every program that
// draws (geosim, geosim_tests) still ends with a clean leak check. The
// Graphviz objects geosim owns (graph, layout, rendered data, the context)
// are freed and stay checked. By default, LeakSanitizer records the stack of
// an allocation by frame pointers, which libgvc lacks: the two libgvc leaks
// then show only `gmalloc`, so that name is suppressed too. With
// GEOSIM_LSAN_STRICT_GRAPHVIZ=1 (and ASAN_OPTIONS=fast_unwind_on_malloc=0
// for whole stacks) only the exact functions are, which network_test.cpp
// checks.
#if defined(__SANITIZE_ADDRESS__)
#define GEOSIM_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEOSIM_WITH_ASAN 1
#endif
#endif

#ifdef GEOSIM_WITH_ASAN
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  static constexpr const char* kExact =
      "leak:libfontconfig.so\n"
      "leak:libglib-2.0.so\n"
      "leak:gvconfig\n"
      "leak:htmlparse\n";
  static constexpr const char* kWithFastUnwind =
      "leak:libfontconfig.so\n"
      "leak:libglib-2.0.so\n"
      "leak:gvconfig\n"
      "leak:htmlparse\n"
      "leak:gmalloc\n";
  const char* strict = std::getenv("GEOSIM_LSAN_STRICT_GRAPHVIZ");
  return strict != nullptr && std::string_view(strict) == "1" ? kExact : kWithFastUnwind;
}

// Without this, every program that drew ends with a "Suppressions used"
// table on standard error.
extern "C" const char* __lsan_default_options();
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
#endif
