// YAML → Scenario: the scenario loader (SCENARIO-FORMAT.md).
//
// The loader reads every section by key, whatever its place in the file, so
// that rules which depend on another section (`at` < time.steps, events that
// name agents) hold however the file is ordered. It keeps going after an
// error wherever the rest of the file can still be checked, collects every
// diagnostic, and throws one ScenarioError with all of them in file order.
// A value that is already reported is not reported again through the rules
// that depend on it: an undeclared agent in an event is one error, not also
// "no relation".

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geosim/load.hpp"
#include "ranges.hpp"
#include "yaml_reader.hpp"

namespace geosim {
namespace {

using detail::DiagnosticSink;
using detail::Field;
using detail::MapReader;
using detail::Range;

// --- The keys of each mapping (SCENARIO-FORMAT.md) -------------------------

constexpr auto kTopLevelKeys = std::to_array<std::string_view>(
    {"geosim", "name", "description", "time", "seed", "parameters", "agents", "relations", "blocs", "events",
     "policies", "outcomes", "sweep", "observed"});
constexpr auto kObservationKeys =
    std::to_array<std::string_view>({"year", "agent", "edge", "metric", "value", "source"});
constexpr auto kTimeKeys = std::to_array<std::string_view>({"start", "steps", "dt"});
constexpr auto kWeightKeys = std::to_array<std::string_view>({"security", "prosperity", "autonomy"});
constexpr auto kRelationKeys = std::to_array<std::string_view>(
    {"between", "border", "distance", "alignment", "exports", "investment", "aid", "security", "affinity"});
constexpr auto kBlocKeys = std::to_array<std::string_view>({"name", "members", "cohesion", "from", "until"});
constexpr auto kEventTypes = std::to_array<std::string_view>({"sanction", "offense", "set", "shift"});
constexpr auto kSanctionKeys = std::to_array<std::string_view>(
    {"type", "at", "probability", "from_step", "until_step", "from", "to", "intensity", "duration"});
constexpr auto kOffenseKeys = std::to_array<std::string_view>(
    {"type", "at", "probability", "from_step", "until_step", "by", "against", "magnitude", "duration"});
constexpr auto kSetKeys = std::to_array<std::string_view>(
    {"type", "at", "probability", "from_step", "until_step", "target", "attribute", "value", "from"});
constexpr auto kShiftKeys = std::to_array<std::string_view>(
    {"type", "at", "probability", "from_step", "until_step", "target", "attribute", "delta", "from"});
constexpr auto kAnyEventKeys = std::to_array<std::string_view>(
    {"type", "at", "probability", "from_step", "until_step", "from", "to", "intensity", "duration", "by",
     "against", "magnitude", "target", "attribute", "value", "delta"});
constexpr auto kTargetKeys = std::to_array<std::string_view>({"agent", "edge"});
constexpr auto kPolicyKeys = std::to_array<std::string_view>({"description", "parameters", "agents", "events", "blocs"});
constexpr auto kOutcomeKeys = std::to_array<std::string_view>({"agent", "edge", "metric", "aggregate", "better"});
constexpr auto kAggregateNames = std::to_array<std::string_view>({"final", "mean", "min", "max"});
constexpr auto kBetterNames = std::to_array<std::string_view>({"higher", "lower"});
constexpr auto kSweepKeys = std::to_array<std::string_view>({"design", "samples", "replicates", "parameters"});
constexpr auto kDesignNames = std::to_array<std::string_view>({"grid", "random", "lhs", "sobol"});
constexpr auto kDimensionKeys = std::to_array<std::string_view>({"min", "max", "values"});
constexpr auto kStrategyNames = std::to_array<std::string_view>({"adaptive", "balance", "bandwagon", "hedge"});

/// Keys of an agent mapping in a policy (MODEL.md §3.6): every attribute of
/// MODEL.md §1's table, `weights` as a nested mapping, and `strategy`.
const std::vector<std::string_view>& agent_attribute_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> k;
    for (std::string_view name : agent_attribute_names()) {
      if (name.find('.') == std::string_view::npos) k.push_back(name);
    }
    k.push_back("weights");
    k.push_back("strategy");
    return k;
  }();
  return keys;
}

/// Keys of an `agents:` entry: the attribute keys plus `id` and `name`.
const std::vector<std::string_view>& agent_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> k = {"id", "name"};
    const auto& attrs = agent_attribute_keys();
    k.insert(k.end(), attrs.begin(), attrs.end());
    return k;
  }();
  return keys;
}

/// Every name an agent event may set: the numeric attributes and `strategy`.
const std::vector<std::string_view>& agent_event_attributes() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> k(agent_attribute_names().begin(), agent_attribute_names().end());
    k.push_back("strategy");
    return k;
  }();
  return names;
}

/// "agents[2]", "policies.p.events[0]".
std::string indexed(std::string_view list, std::size_t i) { return fmt::format("{}[{}]", list, i); }

/// The value under `key` of a mapping node (the first, if repeated), if any.
/// Never yaml-cpp's `node[key]`: on a const node a missing key gives an
/// invalid node whose every use throws InvalidNode (STYLE.md §1).
std::optional<YAML::Node> find_child(const YAML::Node& node, std::string_view key) {
  if (!node.IsMap()) return std::nullopt;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return YAML::Node(it->second);
  }
  return std::nullopt;
}

/// The scalar under `key` of a mapping node, if any: used to name an entry
/// (agent MNG, bloc steppe) before its mapping is read.
std::string peek_scalar(const YAML::Node& node, std::string_view key) {
  const auto child = find_child(node, key);
  return child && child->IsScalar() ? child->Scalar() : std::string{};
}

/// An id is 1-16 of A-Z a-z 0-9 _ - (SCENARIO-FORMAT.md, agents). Returns the
/// problem, or "" when the id is fine.
std::string id_problem(std::string_view id) {
  if (id.empty()) return "agent id must not be empty";
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-';
    if (!ok) {
      const std::string shown = std::isprint(static_cast<unsigned char>(c))
                                    ? fmt::format("'{}'", c)
                                    : fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
      return fmt::format("agent id '{}' contains {}; ids use only A-Z, a-z, 0-9, _ and -", id, shown);
    }
  }
  if (id.size() > 16) {
    return fmt::format("agent id '{}' is {} characters long; ids have 1 to 16 characters", id, id.size());
  }
  return {};
}

/// Policy and outcome names become folder names and CSV column headers, so
/// they use 1-64 of A-Z a-z 0-9 _ - . (a geosim rule beyond the format).
/// Returns the problem, or "" when the name is fine.
std::string name_problem(std::string_view what, std::string_view name) {
  if (name.empty()) return fmt::format("{} name must not be empty", what);
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) {
      const std::string shown = std::isprint(static_cast<unsigned char>(c))
                                    ? fmt::format("'{}'", c)
                                    : fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
      return fmt::format("{} name '{}' contains {}; names use only A-Z, a-z, 0-9, _, - and . "
                         "(they become file and column names)",
                         what, name, shown);
    }
  }
  if (name.size() > 64) return fmt::format("{} name '{}' is longer than 64 characters", what, name);
  return {};
}

/// The range a dotted sweep path takes its values in (SCENARIO-FORMAT.md
/// "Ranges"), for paths that check_patch_path() accepts.
struct PathKind {
  enum class Kind { kNumber, kWhole, kFlag, kName } kind = Kind::kNumber;
  Range range = Range::kAnyFinite;
  long long min_whole = 0;  ///< kWhole
};

PathKind path_kind(std::string_view path) {
  PathKind k;
  if (path == "seed") return {PathKind::Kind::kWhole, Range::kNonNegative, 0};
  if (path == "time.steps") return {PathKind::Kind::kWhole, Range::kPositive, detail::kMinSteps};
  if (path == "time.dt") return {PathKind::Kind::kNumber, detail::kDtRange, 0};
  if (path == "time.start") return {PathKind::Kind::kNumber, detail::kStartRange, 0};
  if (path.starts_with("parameters.")) {
    k.range = detail::parameter_range(path.substr(std::string_view("parameters.").size()));
    return k;
  }
  if (path.starts_with("agents.")) {
    // agents.ID.ATTRIBUTE, ATTRIBUTE possibly weights.NAME; ids hold no dots.
    const auto second_dot = path.find('.', 7);
    const std::string_view attr = second_dot == std::string_view::npos ? "" : path.substr(second_dot + 1);
    if (attr == "strategy") return {PathKind::Kind::kName, Range::kAnyFinite, 0};
    if (auto a = agent_attribute_from_string(attr)) k.range = detail::agent_attribute_range(*a);
    return k;
  }
  if (path.starts_with("relations.")) {
    // relations.A-B.ATTRIBUTE[.HOLDER]: the attribute is the third part.
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
      const auto dot = path.find('.', start);
      parts.push_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (parts.size() >= 3) {
      if (parts[2] == "border") return {PathKind::Kind::kFlag, Range::kUnit, 0};
      if (auto a = edge_attribute_from_string(parts[2])) k.range = detail::edge_attribute_range(*a);
    }
    return k;
  }
  return k;
}

// --- The loader -----------------------------------------------------------

class Loader {
 public:
  Loader(std::string_view text, const std::string& file_name, const Limits& limits)
      : text_(text), sink_(file_name, text), limits_(limits) {}

  Scenario load();

 private:
  // Sections, in the order the format lists them.
  void read_time(const Field& f);
  void read_parameters(const Field& f, std::string_view suffix,
                       const std::function<void(const std::string&, double, const Field&)>& on_leaf);
  void read_agents(const Field& f);
  void read_agent(const YAML::Node& node, std::size_t index);
  void read_agent_attributes(MapReader& m, const std::string& label,
                             const std::function<void(AgentAttribute, double, const Field&)>& on_number,
                             const std::function<void(StrategyRule, const Field&)>& on_strategy);
  void read_relations(const Field& f);
  void read_relation(const YAML::Node& node, std::size_t index);
  void read_directed(MapReader& m, std::string_view key, const std::string& label, const std::string* a,
                     const std::string* b, Directed& out);
  std::vector<Bloc> read_blocs(const Field& f, std::string_view list_name, std::string_view suffix);
  std::optional<Bloc> read_bloc(const YAML::Node& node, const std::string& fallback, std::string_view suffix);
  std::vector<Event> read_events(const Field& f, std::string_view list_name);
  Event read_event(const YAML::Node& node, const std::string& label);
  void read_change(MapReader& m, const std::string& label, bool is_shift, ChangeEvent& out);
  void read_policies(const Field& f);
  void read_policy(const Field& entry);
  void read_outcomes(const Field& f);
  void read_observed(const Field& f);
  void read_sweep(const Field& f);
  void check_sweep_paths();
  /// "; did you mean 'agents.MNG.gdp'?" for a path one edit away from a
  /// patchable one, else "".
  std::string path_suggestion(std::string_view path);

  // References.
  /// Reads an agent id and checks that it is declared: "undeclared agent
  /// 'XYZ' WHERE; did you mean 'XZY'?". Empty on error.
  std::optional<std::string> agent_ref(const YAML::Node& value, const YAML::Mark& at, std::string_view subject,
                                       std::string_view where);
  std::optional<std::string> agent_ref(const Field& f, std::string_view subject, std::string_view where) {
    return agent_ref(f.value, f.mark(), subject, where);
  }
  /// Reads `[A, B]` naming two different declared agents.
  std::optional<std::pair<std::string, std::string>> agent_pair(const Field& f, std::string_view subject,
                                                                std::string_view where);
  bool relation_declared(std::string_view x, std::string_view y) const;
  /// A list, or null for an empty one; anything else is reported.
  std::optional<YAML::Node> list(const Field& f, std::string_view what);
  /// The step rule: "at of events[0] must be a step in [0, 10) (time.steps is 10), got 12".
  void check_step(const Field& f, int value, std::string_view subject);
  /// "unknown KIND 'VALUE' WHERE; did you mean 'x'?" or "...; expected one of a, b or c".
  void unknown_name(const YAML::Mark& at, std::string_view kind, std::string_view value, std::string_view where,
                    std::span<const std::string_view> candidates);

  std::string_view text_;
  DiagnosticSink sink_;
  Limits limits_;
  Scenario s_;

  /// time.steps when it is given and valid; rules that compare with it are
  /// skipped otherwise (the missing or bad steps is reported once).
  std::optional<int> steps_;
  /// `agents:` is a list: references to agents can be checked.
  bool agents_known_ = false;
  /// `relations:` is absent or a list: "no relation declared" can be checked.
  bool relations_known_ = true;
  /// Every id given in `agents:`, valid or not (so that a bad id is reported
  /// once, not again at every reference), with the mark of its declaration.
  std::vector<std::string> declared_ids_;
  std::vector<YAML::Mark> declared_id_marks_;
  /// declared_ids_ as id → index, so that a reference costs the same with
  /// ten agents as with ten thousand.
  std::unordered_map<std::string, std::size_t> declared_index_;
  /// Each declared relation's pair, smaller id first, separated by a NUL
  /// byte (ids hold none) → its index in s_.relations.
  std::unordered_map<std::string, std::size_t> relation_index_;
  static std::string pair_key(std::string_view x, std::string_view y) {
    std::string key(std::min(x, y));
    key += '\0';
    key += std::max(x, y);
    return key;
  }
  /// Marks of the `between` of each entry of s_.relations, for duplicates.
  std::vector<YAML::Mark> relation_marks_;
  /// The `sweep.parameters` entry of each of s_.sweep->parameters.
  std::vector<Field> sweep_entries_;
  /// Unknown sweep paths that may still get a "did you mean" (path_suggestion()).
  int path_suggestions_left_ = 20;
};

// --- Small helpers --------------------------------------------------------

void Loader::unknown_name(const YAML::Mark& at, std::string_view kind, std::string_view value,
                          std::string_view where, std::span<const std::string_view> candidates) {
  std::string hint = detail::did_you_mean(value, candidates);
  if (hint.empty()) hint = "; expected one of " + detail::one_of(candidates);
  sink_.error(at, fmt::format("unknown {} '{}' {}{}", kind, value, where, hint));
}

std::optional<YAML::Node> Loader::list(const Field& f, std::string_view what) {
  if (f.value.IsSequence()) return f.value;
  if (f.value.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
  sink_.error(f.mark(), fmt::format("expected a list for {}, got {}", what, detail::describe(f.value)));
  return std::nullopt;
}

void Loader::check_step(const Field& f, int value, std::string_view subject) {
  if (steps_ && value >= *steps_) {
    sink_.error(f.mark(), fmt::format("{} must be a step in [0, {}) (time.steps is {}), got {}", subject, *steps_,
                                      *steps_, detail::scalar_text(f.value)));
  }
}

std::optional<std::string> Loader::agent_ref(const YAML::Node& value, const YAML::Mark& at,
                                             std::string_view subject, std::string_view where) {
  auto id = detail::read_string(sink_, value, subject);
  if (!id) return std::nullopt;
  if (!agents_known_) return id;
  if (declared_index_.contains(*id)) return id;
  const std::vector<std::string_view> ids(declared_ids_.begin(), declared_ids_.end());
  sink_.error(at, fmt::format("undeclared agent '{}' {}{}", *id, where, detail::did_you_mean(*id, ids)));
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> Loader::agent_pair(const Field& f, std::string_view subject,
                                                                      std::string_view where) {
  if (!f.value.IsSequence() || f.value.size() != 2) {
    const std::string got = f.value.IsSequence() ? fmt::format("{} items", f.value.size())
                                                 : detail::describe(f.value);
    sink_.error(f.mark(), fmt::format("{} must list two agent ids, as [A, B]; got {}", subject, got));
    return std::nullopt;
  }
  const YAML::Node first = f.value[0];
  const YAML::Node second = f.value[1];
  auto a = agent_ref(first, first.Mark(), subject, where);
  auto b = agent_ref(second, second.Mark(), subject, where);
  if (!a || !b) return std::nullopt;
  if (*a == *b) {
    sink_.error(f.mark(), fmt::format("{} names agent {} twice; it needs two different agents", subject, *a));
    return std::nullopt;
  }
  return std::pair(*a, *b);
}

bool Loader::relation_declared(std::string_view x, std::string_view y) const {
  return !relations_known_ || !agents_known_ || relation_index_.contains(pair_key(x, y));
}

// --- Top level ------------------------------------------------------------

Scenario Loader::load() {
  // Depth and expanded size first, from parse events only: a file that
  // would take yaml-cpp (or a walk of its tree) too deep or too long is
  // refused before any tree exists.
  if (!detail::check_yaml_shape(sink_, text_, limits_.yaml_depth, limits_.yaml_nodes)) {
    throw ScenarioError(sink_.sorted());
  }
  YAML::Node root;
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text_));
    if (documents.size() > 1) {
      sink_.error(documents[1].Mark(), fmt::format("the file holds {} YAML documents; a scenario is one document "
                                                   "(remove the '---' line before this one)",
                                                   documents.size()));
      throw ScenarioError(sink_.sorted());
    }
    if (!documents.empty()) root = documents[0];
  } catch (const YAML::Exception& e) {
    // ParserException and friends: yaml-cpp's message, at its (0-based) mark.
    std::string hint;
    if (e.msg == "end of map flow not found") hint = " (a '{' is not closed by '}')";
    if (e.msg == "end of sequence flow not found") hint = " (a '[' is not closed by ']')";
    sink_.error(e.mark, fmt::format("invalid YAML: {}{}", e.msg, hint));
    throw ScenarioError(sink_.sorted());
  }
  if (root.IsNull()) {
    sink_.error_whole_file(
        "the file is empty; a scenario needs at least the keys geosim, name, time and agents "
        "(SCENARIO-FORMAT.md)");
    throw ScenarioError(sink_.sorted());
  }
  MapReader top(sink_, root, "the scenario", "at top level");
  if (!top.ok()) throw ScenarioError(sink_.sorted());

  if (auto f = top.require("geosim", " (the format version: write 'geosim: 1')")) {
    if (auto v = detail::read_number(sink_, *f, "geosim (the format version)")) {
      if (*v != 1) {
        sink_.error(f->mark(), fmt::format("unsupported format version {}; this geosim reads version 1",
                                           detail::scalar_text(f->value)));
      }
    }
  }
  if (auto f = top.require("name")) {
    if (auto v = detail::read_string(sink_, *f, "name")) {
      if (v->empty()) sink_.error(f->mark(), "name must not be empty");
      s_.name = *v;
    }
  }
  if (auto f = top.get("description"); f && !f->value.IsNull()) {  // null: no description
    if (auto v = detail::read_string(sink_, *f, "description")) s_.description = *v;
  }
  if (auto f = top.require("time", " (for example 'time: {steps: 30}')")) read_time(*f);
  if (auto f = top.get("seed")) {
    if (auto v = detail::read_uint64(sink_, *f, "seed")) s_.seed = *v;
  }
  if (auto f = top.get("parameters")) {
    read_parameters(*f, "", [this](const std::string& name, double value, const Field&) {
      *parameter_field(s_.parameters, name) = value;
    });
  }
  if (auto f = top.require("agents")) read_agents(*f);
  if (auto f = top.get("relations")) read_relations(*f);
  if (auto f = top.get("blocs")) s_.blocs = read_blocs(*f, "blocs", "");
  if (auto f = top.get("events")) s_.events = read_events(*f, "events");
  if (auto f = top.get("policies")) read_policies(*f);
  if (auto f = top.get("outcomes")) {
    read_outcomes(*f);
  } else {
    s_.outcomes = default_outcomes(s_.agents);
  }
  if (auto f = top.get("sweep")) read_sweep(*f);
  if (auto f = top.get("observed")) read_observed(*f);
  top.finish(kTopLevelKeys);
  check_sweep_paths();

  if (!sink_.empty()) throw ScenarioError(sink_.sorted());
  s_.source_file = sink_.file();
  return std::move(s_);
}

void Loader::read_time(const Field& f) {
  MapReader m(sink_, f.value, "time", "in time", false, f.mark());
  if (auto g = m.require("steps")) {
    steps_ = detail::read_int(sink_, *g, "time.steps", detail::kMinSteps);
    if (steps_ && static_cast<std::uint64_t>(*steps_) > limits_.steps) {
      sink_.error(g->mark(), fmt::format("time.steps is {}, more than the limit of {} steps {}", *steps_,
                                         limits_.steps, limit_hint("steps")));
      steps_.reset();  // rules that compare with it are skipped
    }
  }
  if (steps_) s_.time.steps = *steps_;
  if (auto g = m.get("start")) {
    if (auto v = detail::read_number(sink_, *g, "time.start", detail::kStartRange)) s_.time.start = *v;
  }
  if (auto g = m.get("dt")) {
    if (auto v = detail::read_number(sink_, *g, "time.dt", detail::kDtRange)) s_.time.dt = *v;
  }
  m.finish(kTimeKeys);
}

/// `parameters:` (top level, suffix "") or a policy's (suffix " of policy
/// P"): nested maps for power_weights, dependence_weights and disposition,
/// numbers elsewhere (MODEL.md §3.5). Calls `on_leaf` with the dotted name
/// of every valid leaf.
void Loader::read_parameters(const Field& f, std::string_view suffix,
                             const std::function<void(const std::string&, double, const Field&)>& on_leaf) {
  const std::string label = fmt::format("parameters{}", suffix);
  MapReader m(sink_, f.value, label, "in " + label, true, f.mark());
  const Parameters defaults;
  for (const Field& e : m.entries()) {
    const auto& top_keys = parameter_top_level_keys();
    if (std::find(top_keys.begin(), top_keys.end(), e.name) == top_keys.end()) continue;  // unknown
    m.mark_read(e.name);
    if (parameter_field(defaults, e.name) != nullptr) {
      const std::string subject = fmt::format("parameters.{}{}", e.name, suffix);
      if (auto v = detail::read_number(sink_, e, subject, detail::parameter_range(e.name))) on_leaf(e.name, *v, e);
      continue;
    }
    // A group: power_weights, dependence_weights, disposition.
    std::vector<std::string_view> sub_keys;
    const std::string prefix = e.name + ".";
    for (std::string_view n : parameter_names()) {
      if (n.starts_with(prefix)) sub_keys.push_back(n.substr(prefix.size()));
    }
    const std::string group = fmt::format("parameters.{}{}", e.name, suffix);
    MapReader g(sink_, e.value, group, "in " + group, true, e.mark());
    for (const Field& leaf : g.entries()) {
      if (std::find(sub_keys.begin(), sub_keys.end(), leaf.name) == sub_keys.end()) continue;
      g.mark_read(leaf.name);
      const std::string dotted = prefix + leaf.name;
      const std::string subject = fmt::format("parameters.{}{}", dotted, suffix);
      if (auto v = detail::read_number(sink_, leaf, subject, detail::parameter_range(dotted))) {
        on_leaf(dotted, *v, leaf);
      }
    }
    g.finish(sub_keys);
  }
  m.finish(parameter_top_level_keys());
}

// --- Agents ---------------------------------------------------------------

void Loader::read_agents(const Field& f) {
  if (!f.value.IsSequence()) {
    sink_.error(f.mark(), fmt::format("expected a list of agents ('- id: ...' entries) for agents, got {}",
                                      detail::describe(f.value)));
    return;
  }
  if (f.value.size() == 0) {
    sink_.error(f.mark(), "agents must list at least one agent");
    return;
  }
  if (f.value.size() > limits_.agents) {
    sink_.error(f.mark(), fmt::format("agents lists {} agents, more than the limit of {} {}", f.value.size(),
                                      limits_.agents, limit_hint("agents")));
    return;
  }
  agents_known_ = true;
  // Ids first, so that the agents' own checks (none refer to other agents
  // yet) and every later section see the complete list.
  for (std::size_t i = 0; i < f.value.size(); ++i) read_agent(f.value[i], i);
}

void Loader::read_agent(const YAML::Node& node, std::size_t index) {
  const std::string peeked = peek_scalar(node, "id");
  const std::string label = peeked.empty() ? indexed("agents", index) : "agent " + peeked;
  MapReader m(sink_, node, label, "in " + label);
  if (!m.ok()) return;
  AgentSpec a;
  a.loc = sink_.loc(node.Mark());
  bool keep = false;  // false when the id is missing or a duplicate
  if (auto f = m.require("id")) {
    if (auto id = detail::read_string(sink_, *f, "id of " + label)) {
      a.id = *id;
      keep = true;
      if (const std::string problem = id_problem(*id); !problem.empty()) sink_.error(f->mark(), problem);
      const auto it = declared_index_.find(*id);
      if (it != declared_index_.end()) {
        sink_.error(f->mark(), fmt::format("duplicate agent id '{}'", *id), declared_id_marks_[it->second],
                    "first declared here");
        keep = false;
      } else {
        declared_index_.emplace(*id, declared_ids_.size());
        declared_ids_.push_back(*id);
        declared_id_marks_.push_back(f->mark());
      }
    }
  }
  a.name = a.id;
  if (auto f = m.get("name")) {
    if (auto v = detail::read_string(sink_, *f, "name of " + label)) a.name = *v;
  }
  if (!m.has("gdp")) m.require("gdp");
  read_agent_attributes(
      m, label, [&a](AgentAttribute attr, double v, const Field&) { set(a, attr, v); },
      [&a](StrategyRule rule, const Field&) { a.strategy = rule; });
  m.finish(agent_keys());
  if (keep) s_.agents.push_back(std::move(a));
}

/// The attribute keys of an agent, in `agents:` or in a policy's `agents:`
/// (MODEL.md §1 table; SCENARIO-FORMAT.md ranges). `label` names the agent
/// in messages ("agent MNG", "agent MNG of policy p").
void Loader::read_agent_attributes(MapReader& m, const std::string& label,
                                   const std::function<void(AgentAttribute, double, const Field&)>& on_number,
                                   const std::function<void(StrategyRule, const Field&)>& on_strategy) {
  // military and military_share: never both (SCENARIO-FORMAT.md, agents).
  if (m.has("military") && m.has("military_share")) {
    const Field mil = *m.get("military");
    const Field share = *m.get("military_share");
    const bool share_later = std::pair(share.key_mark().line, share.key_mark().column) >
                             std::pair(mil.key_mark().line, mil.key_mark().column);
    const Field& later = share_later ? share : mil;
    const Field& earlier = share_later ? mil : share;
    sink_.error(later.key_mark(),
                fmt::format("{} gives both military and military_share; give only one", label), earlier.key_mark(),
                fmt::format("{} given here", earlier.name));
  }
  for (std::size_t i = 0; i < agent_attribute_names().size(); ++i) {
    const auto attr = static_cast<AgentAttribute>(i);
    const std::string_view name = agent_attribute_names()[i];
    if (name.find('.') != std::string_view::npos) continue;  // weights.*, below
    if (auto f = m.get(name)) {
      const std::string subject = fmt::format("{} of {}", name, label);
      if (auto v = detail::read_number(sink_, *f, subject, detail::agent_attribute_range(attr))) {
        on_number(attr, *v, *f);
      }
    }
  }
  if (auto f = m.get("weights")) {
    const std::string what = "weights of " + label;
    MapReader w(sink_, f->value, what, "in " + what, false, f->mark());
    for (std::string_view key : kWeightKeys) {
      if (auto g = w.get(key)) {
        const std::string dotted = fmt::format("weights.{}", key);
        const auto attr = *agent_attribute_from_string(dotted);
        const std::string subject = fmt::format("{} of {}", dotted, label);
        if (auto v = detail::read_number(sink_, *g, subject, detail::agent_attribute_range(attr))) {
          on_number(attr, *v, *g);
        }
      }
    }
    w.finish(kWeightKeys);
  }
  if (auto f = m.get("strategy")) {
    if (auto v = detail::read_string(sink_, *f, "strategy of " + label)) {
      if (auto rule = strategy_rule_from_string(*v)) {
        on_strategy(*rule, *f);
      } else {
        unknown_name(f->mark(), "strategy", *v, "in " + label, kStrategyNames);
      }
    }
  }
}

// --- Relations ------------------------------------------------------------

void Loader::read_relations(const Field& f) {
  const auto items = list(f, "relations");
  if (!items) {
    relations_known_ = false;
    return;
  }
  if (items->size() > limits_.relations) {
    sink_.error(f.mark(), fmt::format("relations lists {} relations, more than the limit of {} {}", items->size(),
                                      limits_.relations, limit_hint("relations")));
    relations_known_ = false;
    return;
  }
  for (std::size_t i = 0; i < items->size(); ++i) read_relation((*items)[i], i);
}

void Loader::read_relation(const YAML::Node& node, std::size_t index) {
  // Name it "relation A-B" when `between` looks like a pair.
  std::string label = indexed("relations", index);
  if (const auto between = find_child(node, "between")) {
    if (between->IsSequence() && between->size() == 2 && (*between)[0].IsScalar() && (*between)[1].IsScalar()) {
      label = fmt::format("relation {}-{}", (*between)[0].Scalar(), (*between)[1].Scalar());
    }
  }
  MapReader m(sink_, node, label, "in " + label);
  if (!m.ok()) return;
  RelationSpec r;
  r.loc = sink_.loc(node.Mark());
  bool keep = false;
  if (auto f = m.require("between")) {
    if (auto pair = agent_pair(*f, "between of " + label, "in " + label)) {
      r.a = pair->first;
      r.b = pair->second;
      keep = true;
      if (const auto found = relation_index_.find(pair_key(r.a, r.b)); found != relation_index_.end()) {
        const std::size_t j = found->second;
        const RelationSpec& q = s_.relations[j];
        const std::string message =
            q.a == r.a ? fmt::format("duplicate relation {}", r.label())
                       : fmt::format("duplicate relation {}: the pair is declared already as {}", r.label(),
                                     q.label());
        sink_.error(f->mark(), message + "; each pair is declared once", relation_marks_[j],
                    "first declared here");
        keep = false;
      }
      if (keep) {
        relation_index_.emplace(pair_key(r.a, r.b), relation_marks_.size());
        relation_marks_.push_back(f->mark());
      }
    }
  }
  if (auto f = m.get("border")) {
    if (auto v = detail::read_bool(sink_, *f, "border of " + label)) r.border = *v;
  }
  const std::pair<const char*, double*> symmetric[] = {
      {"distance", &r.distance}, {"security", &r.security}, {"affinity", &r.affinity}};
  for (const auto& [key, slot] : symmetric) {
    if (auto f = m.get(key)) {
      const Range range = detail::edge_attribute_range(*edge_attribute_from_string(key));
      if (auto v = detail::read_number(sink_, *f, fmt::format("{} of {}", key, label), range)) *slot = *v;
    }
  }
  const std::string* a = keep ? &r.a : nullptr;
  const std::string* b = keep ? &r.b : nullptr;
  read_directed(m, "alignment", label, a, b, r.alignment);
  read_directed(m, "exports", label, a, b, r.exports);
  read_directed(m, "investment", label, a, b, r.investment);
  read_directed(m, "aid", label, a, b, r.aid);
  m.finish(kRelationKeys);
  if (keep) s_.relations.push_back(std::move(r));
}

/// A per-direction value (SCENARIO-FORMAT.md, relations): a bare number for
/// both directions, or a mapping keyed by the holder's id. `a`/`b` are the
/// relation's ends, or null when `between` was invalid (keys unchecked then).
void Loader::read_directed(MapReader& m, std::string_view key, const std::string& label, const std::string* a,
                           const std::string* b, Directed& out) {
  const auto f = m.get(key);
  if (!f) return;
  const Range range = detail::edge_attribute_range(*edge_attribute_from_string(key));
  if (f->value.IsScalar()) {
    if (auto v = detail::read_number(sink_, *f, fmt::format("{} of {}", key, label), range)) {
      out.ab = *v;
      out.ba = *v;
    }
    return;
  }
  if (!f->value.IsMap()) {
    sink_.error(f->mark(), fmt::format("expected a number or a mapping keyed by agent id for {} of {}, got {}",
                                       key, label, detail::describe(f->value)));
    return;
  }
  const std::string what = fmt::format("{} of {}", key, label);
  MapReader d(sink_, f->value, what, "in " + what);
  for (const Field& e : d.entries()) {
    d.mark_read(e.name);
    const std::string subject = fmt::format("{}.{} of {}", key, e.name, label);
    const auto v = detail::read_number(sink_, e, subject, range);
    if (!a || !b) continue;
    if (e.name == *a) {
      if (v) out.ab = *v;
    } else if (e.name == *b) {
      if (v) out.ba = *v;
    } else {
      sink_.error(e.key_mark(), fmt::format("key '{}' in {} must be {} or {}, the agents of the relation", e.name,
                                            what, *a, *b));
    }
  }
}

// --- Blocs ----------------------------------------------------------------

std::vector<Bloc> Loader::read_blocs(const Field& f, std::string_view list_name, std::string_view suffix) {
  std::vector<Bloc> out;
  const auto items = list(f, list_name);
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (auto b = read_bloc((*items)[i], indexed(list_name, i), suffix)) out.push_back(std::move(*b));
  }
  return out;
}

/// A bloc (MODEL.md §3.1): {name, members, cohesion = 0.5, from = 0, until = ∞}.
std::optional<Bloc> Loader::read_bloc(const YAML::Node& node, const std::string& fallback, std::string_view suffix) {
  const std::string peeked = peek_scalar(node, "name");
  const std::string label = peeked.empty() ? fallback : fmt::format("bloc {}{}", peeked, suffix);
  MapReader m(sink_, node, label, "in " + label);
  if (!m.ok()) return std::nullopt;
  Bloc b;
  b.loc = sink_.loc(node.Mark());
  if (auto f = m.require("name")) {
    if (auto v = detail::read_string(sink_, *f, "name of " + label)) {
      if (v->empty()) sink_.error(f->mark(), "bloc name must not be empty");
      b.name = *v;
    }
  }
  if (auto f = m.require("members")) {
    if (!f->value.IsSequence() || f->value.size() == 0) {
      sink_.error(f->mark(), fmt::format("members of {} must list at least one agent id, got {}", label,
                                         f->value.IsSequence() ? "an empty list" : detail::describe(f->value)));
    } else {
      std::vector<YAML::Mark> marks;
      for (std::size_t i = 0; i < f->value.size(); ++i) {
        const YAML::Node item = f->value[i];
        auto id = agent_ref(item, item.Mark(), "members of " + label, "in " + label);
        if (!id) continue;
        const auto it = std::find(b.members.begin(), b.members.end(), *id);
        if (it != b.members.end()) {
          sink_.error(item.Mark(), fmt::format("agent {} is listed twice in members of {}", *id, label),
                      marks[static_cast<std::size_t>(it - b.members.begin())], "first listed here");
          continue;
        }
        b.members.push_back(*id);
        marks.push_back(item.Mark());
      }
    }
  }
  if (auto f = m.get("cohesion")) {
    if (auto v = detail::read_number(sink_, *f, "cohesion of " + label, detail::kCohesionRange)) b.cohesion = *v;
  }
  std::optional<int> from;
  if (auto f = m.get("from")) {
    from = detail::read_int(sink_, *f, "from of " + label, 0);
    if (from) b.from = *from;
  }
  if (auto f = m.get("until")) {
    if (auto v = detail::read_int(sink_, *f, "until of " + label, 0)) {
      if (from && *v < *from) {
        sink_.error(f->mark(), fmt::format("until of {} must be >= from ({}), got {}", label, *from,
                                           detail::scalar_text(f->value)));
      }
      b.until = *v;
    }
  }
  m.finish(kBlocKeys);
  return b;
}

// --- Events ---------------------------------------------------------------

std::vector<Event> Loader::read_events(const Field& f, std::string_view list_name) {
  std::vector<Event> out;
  const auto items = list(f, list_name);
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node node = (*items)[i];
    if (!node.IsMap()) {
      sink_.error(node.Mark(), fmt::format("expected a mapping for {}, got {}", indexed(list_name, i),
                                           detail::describe(node)));
      continue;
    }
    out.push_back(read_event(node, indexed(list_name, i)));
  }
  return out;
}

/// An event (MODEL.md §3.1; SCENARIO-FORMAT.md "events").
Event Loader::read_event(const YAML::Node& node, const std::string& label) {
  MapReader m(sink_, node, label, "in " + label);
  const std::string where = "in " + label;
  Event e;
  e.loc = sink_.loc(node.Mark());

  std::optional<std::string_view> type;
  if (auto f = m.require("type", " (sanction, offense, set or shift)")) {
    if (auto v = detail::read_string(sink_, *f, "type of " + label)) {
      const auto it = std::find(kEventTypes.begin(), kEventTypes.end(), *v);
      if (it != kEventTypes.end()) {
        type = *it;
      } else {
        unknown_name(f->mark(), "event type", *v, where, kEventTypes);
      }
    }
  }

  // Timing: `at` (with an optional probability), or a probability per step
  // of the window [from_step, until_step].
  Timing& t = e.timing;
  const auto at = m.get("at");
  if (at) {
    t.at = detail::read_int(sink_, *at, "at of " + label, 0);
    if (t.at) check_step(*at, *t.at, "at of " + label);
  }
  if (auto f = m.get("probability")) {
    t.probability = detail::read_number(sink_, *f, "probability of " + label, detail::kProbabilityRange);
    if (!t.probability) t.probability = 0;  // reported; keeps "needs at or probability" quiet
  }
  if (!at && !m.has("probability")) {
    sink_.error(m.mark(), fmt::format("{} needs 'at' (the step it happens) or 'probability' (a chance at "
                                      "every step of its window)",
                                      label));
  }
  std::optional<int> from_step;
  for (const char* key : {"from_step", "until_step"}) {
    const auto f = m.get(key);
    if (!f) continue;
    if (at) {
      sink_.error(f->key_mark(), fmt::format("{} applies only to events without 'at'; {} happens at step {}", key,
                                             label, detail::scalar_text(at->value)));
      continue;
    }
    const std::string subject = fmt::format("{} of {}", key, label);
    auto v = detail::read_int(sink_, *f, subject, 0);
    if (!v) continue;
    check_step(*f, *v, subject);
    if (std::string_view(key) == "from_step") {
      from_step = v;
      t.from_step = *v;
    } else {
      if (from_step && *v < *from_step) {
        sink_.error(f->mark(), fmt::format("{} must be >= from_step ({}), got {}", subject, *from_step,
                                           detail::scalar_text(f->value)));
      }
      t.until_step = *v;
    }
  }

  if (!type) {
    // Without a type the other keys cannot be checked; only flag keys that
    // no event has.
    for (const char* key : {"from", "to", "intensity", "duration", "by", "against", "magnitude", "target",
                            "attribute", "value", "delta"}) {
      m.mark_read(key);
    }
    m.finish(kAnyEventKeys);
    e.action = SanctionEvent{};
    return e;
  }

  // Keys of another event type: say so, rather than "unknown key".
  const std::span<const std::string_view> own_keys =
      *type == "sanction" ? std::span<const std::string_view>(kSanctionKeys)
      : *type == "offense" ? std::span<const std::string_view>(kOffenseKeys)
      : *type == "set"     ? std::span<const std::string_view>(kSetKeys)
                           : std::span<const std::string_view>(kShiftKeys);
  for (const Field& k : m.unread()) {
    if (std::find(own_keys.begin(), own_keys.end(), k.name) != own_keys.end()) continue;
    if (std::find(kAnyEventKeys.begin(), kAnyEventKeys.end(), k.name) == kAnyEventKeys.end()) continue;
    if ((k.name == "value" && *type == "shift") || (k.name == "delta" && *type == "set")) continue;  // below
    std::vector<std::string_view> owners;
    const std::pair<std::string_view, std::span<const std::string_view>> types[] = {
        {"sanction", kSanctionKeys}, {"offense", kOffenseKeys}, {"set", kSetKeys}, {"shift", kShiftKeys}};
    for (const auto& [name, keys] : types) {
      if (std::find(keys.begin(), keys.end(), k.name) != keys.end()) owners.push_back(name);
    }
    sink_.error(k.key_mark(), fmt::format("'{}' is not a key of {} events ({}); it belongs to {} events", k.name,
                                          *type, label, detail::one_of(owners)));
    m.mark_read(k.name);
  }

  if (*type == "sanction") {
    SanctionEvent s;
    const auto from = m.require("from");
    const auto to = m.require("to");
    std::optional<std::string> a, b;
    if (from) a = agent_ref(*from, "from of " + label, where);
    if (to) b = agent_ref(*to, "to of " + label, where);
    if (a && b) {
      if (*a == *b) {
        sink_.error(to->mark(), fmt::format("{} sanctions agent {} by itself; from and to must differ", label, *a));
      } else if (!relation_declared(*a, *b)) {
        sink_.error(to->mark(), fmt::format("{} is a sanction from {} to {}, but no relation between {} and {} is "
                                            "declared",
                                            label, *a, *b, *a, *b));
      }
      s.from = *a;
      s.to = *b;
    }
    if (auto f = m.require("intensity")) {
      if (auto v = detail::read_number(sink_, *f, "intensity of " + label, detail::kIntensityRange)) s.intensity = *v;
    }
    if (auto f = m.get("duration")) {
      if (auto v = detail::read_int(sink_, *f, "duration of " + label, detail::kMinDuration)) s.duration = *v;
    }
    m.finish(kSanctionKeys);
    e.action = std::move(s);
  } else if (*type == "offense") {
    OffenseEvent o;
    const auto by = m.require("by");
    const auto against = m.require("against");
    std::optional<std::string> a, b;
    if (by) a = agent_ref(*by, "by of " + label, where);
    if (against) b = agent_ref(*against, "against of " + label, where);
    if (a && b && *a == *b) {
      sink_.error(against->mark(), fmt::format("{} is an offense by {} against itself; by and against must differ",
                                               label, *a));
    }
    if (a) o.by = *a;
    if (b) o.against = *b;
    if (auto f = m.get("magnitude")) {
      if (auto v = detail::read_number(sink_, *f, "magnitude of " + label, detail::kMagnitudeRange)) o.magnitude = *v;
    }
    if (auto f = m.get("duration")) {
      if (auto v = detail::read_int(sink_, *f, "duration of " + label, detail::kMinDuration)) o.duration = *v;
    }
    m.finish(kOffenseKeys);
    e.action = std::move(o);
  } else {
    ChangeEvent c;
    c.is_shift = *type == "shift";
    read_change(m, label, c.is_shift, c);
    m.finish(c.is_shift ? std::span<const std::string_view>(kShiftKeys) : std::span<const std::string_view>(kSetKeys));
    e.action = std::move(c);
  }
  return e;
}

/// `set` / `shift` (MODEL.md §3.1): target, attribute, value or delta, and
/// `from` (the direction) for directed edge attributes.
void Loader::read_change(MapReader& m, const std::string& label, bool is_shift, ChangeEvent& c) {
  const std::string where = "in " + label;
  enum class Kind { kUnknown, kAgent, kEdge } kind = Kind::kUnknown;
  bool target_ok = false;
  EdgeTarget edge;
  if (auto f = m.require("target", " ({agent: ID} or {edge: [A, B]})")) {
    const std::string what = "target of " + label;
    MapReader t(sink_, f->value, what, "in " + what, false, f->mark());
    const auto agent = t.get("agent");
    const auto edge_field = t.get("edge");
    if (t.ok() && agent && edge_field) {
      const Field& later = agent->key_mark().pos > edge_field->key_mark().pos ? *agent : *edge_field;
      sink_.error(later.key_mark(), fmt::format("{} gives both agent and edge; give one", what));
    } else if (agent) {
      kind = Kind::kAgent;
      if (auto id = agent_ref(*agent, "agent of " + what, where)) {
        c.target = AgentTarget{*id};
        target_ok = true;
      }
    } else if (edge_field) {
      kind = Kind::kEdge;
      if (auto pair = agent_pair(*edge_field, "edge of " + what, where)) {
        edge.a = pair->first;
        edge.b = pair->second;
        edge.from = edge.a;
        if (!relation_declared(edge.a, edge.b)) {
          sink_.error(edge_field->mark(),
                      fmt::format("{} targets the edge {}-{}, but no relation between {} and {} is declared", label,
                                  edge.a, edge.b, edge.a, edge.b));
        } else {
          target_ok = true;
        }
      }
    } else if (t.ok()) {
      sink_.error(f->mark(), fmt::format("{} needs 'agent: ID' or 'edge: [A, B]'", what));
    }
    t.finish(kTargetKeys);
  }

  // The attribute: an agent attribute or `strategy`, or an edge attribute.
  bool is_strategy = false;
  std::optional<Range> range;
  if (auto f = m.require("attribute")) {
    if (auto name = detail::read_string(sink_, *f, "attribute of " + label)) {
      if (kind == Kind::kAgent) {
        if (*name == "strategy") {
          is_strategy = true;
          if (is_shift) {
            sink_.error(f->mark(), fmt::format("attribute strategy of {} cannot be shifted; use 'type: set' with a "
                                               "strategy name",
                                               label));
          }
        } else if (auto a = agent_attribute_from_string(*name)) {
          c.agent_attribute = *a;
          range = detail::agent_attribute_range(*a);
        } else {
          const auto& names = agent_event_attributes();
          std::string hint = detail::did_you_mean(*name, names);
          if (hint.empty() && edge_attribute_from_string(*name)) {
            hint = fmt::format("; '{}' is an edge attribute, and this event targets an agent", *name);
          }
          sink_.error(f->mark(), fmt::format("unknown agent attribute '{}' {}{}", *name, where, hint));
        }
      } else if (kind == Kind::kEdge) {
        if (auto a = edge_attribute_from_string(*name)) {
          c.edge_attribute = *a;
          range = detail::edge_attribute_range(*a);
        } else {
          std::string hint = detail::did_you_mean(*name, edge_attribute_names());
          if (hint.empty() && (agent_attribute_from_string(*name) || *name == "strategy")) {
            hint = fmt::format("; '{}' is an agent attribute, and this event targets an edge", *name);
          } else if (hint.empty()) {
            hint = "; expected one of " + detail::one_of(edge_attribute_names());
          }
          sink_.error(f->mark(), fmt::format("unknown edge attribute '{}' {}{}", *name, where, hint));
        }
      }
    }
  }

  // `from`: the direction of a directed edge attribute (default: edge[0]).
  if (auto f = m.get("from")) {
    if (kind == Kind::kAgent) {
      sink_.error(f->key_mark(), fmt::format("'from' in {} applies only to edge targets (it picks a direction)", label));
    } else if (c.edge_attribute && !is_directed(*c.edge_attribute)) {
      sink_.error(f->key_mark(), fmt::format("'from' in {} has no effect: {} acts on both directions", label,
                                             to_string(*c.edge_attribute)));
    } else if (auto v = detail::read_string(sink_, *f, "from of " + label); v && kind == Kind::kEdge &&
                                                                            target_ok) {
      if (*v == edge.a || *v == edge.b) {
        edge.from = *v;
      } else {
        sink_.error(f->mark(), fmt::format("from of {} must be {} or {}, an end of the edge; got '{}'", label,
                                           edge.a, edge.b, *v));
      }
    }
  }
  if (kind == Kind::kEdge && target_ok) c.target = edge;

  // The value (set) or delta (shift).
  const char* value_key = is_shift ? "delta" : "value";
  const char* wrong_key = is_shift ? "value" : "delta";
  if (auto f = m.get(wrong_key)) {
    sink_.error(f->key_mark(), is_shift ? fmt::format("{} is a shift: it takes 'delta' (the change), not 'value'", label)
                                        : fmt::format("{} is a set: it takes 'value', not 'delta'", label));
    return;
  }
  if (is_shift && is_strategy) {
    m.get("delta");  // reported above
    return;
  }
  const auto f = m.require(value_key);
  if (!f) return;
  const std::string subject = fmt::format("{} of {}", value_key, label);
  if (is_strategy) {
    if (auto v = detail::read_string(sink_, *f, subject)) {
      if (auto rule = strategy_rule_from_string(*v)) {
        c.strategy = *rule;
      } else {
        unknown_name(f->mark(), "strategy", *v, where, kStrategyNames);
      }
    }
    return;
  }
  // A set must land in the attribute's range; a delta may be any number
  // (MODEL.md §3.1 clamps the result).
  const auto v = is_shift || !range ? detail::read_number(sink_, *f, subject)
                                    : detail::read_number(sink_, *f, subject, *range);
  if (v) c.value = *v;
}

// --- Policies -------------------------------------------------------------

void Loader::read_policies(const Field& f) {
  MapReader m(sink_, f.value, "policies", "in policies", true, f.mark());
  for (const Field& entry : m.entries()) {
    m.mark_read(entry.name);
    read_policy(entry);
  }
}

/// A policy (MODEL.md §3.6): an overlay of the scenario.
void Loader::read_policy(const Field& entry) {
  if (entry.name == "baseline") {
    sink_.error(entry.key_mark(), "policy name 'baseline' is reserved: it means the scenario without any policy");
    return;
  }
  if (const std::string problem = name_problem("policy", entry.name); !problem.empty()) {
    sink_.error(entry.key_mark(), problem);
    return;
  }
  Policy p;
  p.name = entry.name;
  p.loc = sink_.loc(entry.key_mark());
  const std::string label = "policy " + p.name;
  const std::string suffix = " of " + label;
  MapReader m(sink_, entry.value, label, "in " + label, true, entry.mark());
  if (auto f = m.get("description"); f && !f->value.IsNull()) {
    if (auto v = detail::read_string(sink_, *f, "description of " + label)) p.description = *v;
  }
  if (auto f = m.get("parameters")) {
    read_parameters(*f, suffix, [this, &p](const std::string& name, double value, const Field& leaf) {
      p.parameters.push_back(ParameterPatch{name, value, sink_.loc(leaf.key_mark())});
    });
  }
  if (auto f = m.get("agents")) {
    const std::string what = "agents" + suffix;
    MapReader agents(sink_, f->value, what, "in " + what, true, f->mark());
    for (const Field& a : agents.entries()) {
      agents.mark_read(a.name);
      auto id = agent_ref(a.key, a.key_mark(), "agents" + suffix, "in " + what);
      const std::string agent_label = fmt::format("agent {}{}", a.name, suffix);
      MapReader am(sink_, a.value, agent_label, "in " + agent_label, false, a.mark());
      read_agent_attributes(
          am, agent_label,
          [&](AgentAttribute attr, double v, const Field& leaf) {
            if (id) p.agents.push_back(AgentPatch{*id, attr, std::nullopt, v, sink_.loc(leaf.key_mark())});
          },
          [&](StrategyRule rule, const Field& leaf) {
            if (id) p.agents.push_back(AgentPatch{*id, std::nullopt, rule, 0, sink_.loc(leaf.key_mark())});
          });
      am.finish(agent_attribute_keys());
    }
  }
  if (auto f = m.get("events")) p.events = read_events(*f, fmt::format("policies.{}.events", p.name));
  if (auto f = m.get("blocs")) p.blocs = read_blocs(*f, fmt::format("policies.{}.blocs", p.name), suffix);
  m.finish(kPolicyKeys);
  s_.policies.push_back(std::move(p));
}

// --- Outcomes -------------------------------------------------------------

void Loader::read_outcomes(const Field& f) {
  MapReader m(sink_, f.value, "outcomes", "in outcomes", true, f.mark());
  if (m.ok() && m.entries().empty()) {
    sink_.error(f.mark(), "outcomes is empty; declare at least one, or leave the key out for the default "
                          "outcomes (final autonomy, security and gdp of every agent)");
    return;
  }
  for (const Field& entry : m.entries()) {
    m.mark_read(entry.name);
    if (const std::string problem = name_problem("outcome", entry.name); !problem.empty()) {
      sink_.error(entry.key_mark(), problem);
      continue;
    }
    const std::string label = "outcome " + entry.name;
    const std::string where = "in " + label;
    MapReader o(sink_, entry.value, label, where, false, entry.mark());
    OutcomeSpec out;
    out.name = entry.name;
    out.loc = sink_.loc(entry.key_mark());
    enum class Kind { kUnknown, kAgent, kEdge } kind = Kind::kUnknown;
    const auto agent = o.get("agent");
    const auto edge = o.get("edge");
    if (agent && edge) {
      const Field& later = agent->key_mark().pos > edge->key_mark().pos ? *agent : *edge;
      sink_.error(later.key_mark(), fmt::format("{} gives both agent and edge; give one", label));
    } else if (agent) {
      kind = Kind::kAgent;
      if (auto id = agent_ref(*agent, "agent of " + label, where)) out.agent = *id;
    } else if (edge) {
      kind = Kind::kEdge;
      out.is_edge = true;
      if (auto pair = agent_pair(*edge, "edge of " + label, where)) {
        out.source = pair->first;
        out.target = pair->second;
        if (!relation_declared(out.source, out.target)) {
          sink_.error(edge->mark(), fmt::format("{} reads the edge {}-{}, but no relation between {} and {} is "
                                                "declared",
                                                label, out.source, out.target, out.source, out.target));
        }
      }
    } else if (o.ok()) {
      sink_.error(entry.mark(), fmt::format("{} needs 'agent: ID' or 'edge: [A, B]'", label));
    }
    if (auto g = o.require("metric")) {
      if (auto v = detail::read_string(sink_, *g, "metric of " + label)) {
        out.metric = *v;
        if (kind == Kind::kAgent) {
          const auto names = agent_metric_names();
          if (std::find(names.begin(), names.end(), *v) == names.end()) {
            unknown_name(g->mark(), "agent metric", *v, where, names);
          }
        } else if (kind == Kind::kEdge) {
          const auto names = edge_metric_names();
          if (std::find(names.begin(), names.end(), *v) == names.end()) {
            unknown_name(g->mark(), "edge metric", *v, where, names);
          }
        }
      }
    }
    if (auto g = o.get("aggregate")) {
      if (auto v = detail::read_string(sink_, *g, "aggregate of " + label)) {
        if (auto a = aggregate_from_string(*v)) {
          out.aggregate = *a;
        } else {
          unknown_name(g->mark(), "aggregate", *v, where, kAggregateNames);
        }
      }
    }
    if (auto g = o.get("better")) {
      if (auto v = detail::read_string(sink_, *g, "better of " + label)) {
        if (*v == "higher" || *v == "lower") {
          out.higher_is_better = *v == "higher";
        } else {
          sink_.error(g->mark(), fmt::format("better of {} must be higher or lower, got '{}'{}", label, *v,
                                             detail::did_you_mean(*v, kBetterNames)));
        }
      }
    }
    o.finish(kOutcomeKeys);
    s_.outcomes.push_back(std::move(out));
  }
}

// --- Observed (a geosim extension: `geosim check`) -----------------------

void Loader::read_observed(const Field& f) {
  const auto items = list(f, "observed");
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node node = (*items)[i];
    const std::string label = indexed("observed", i);
    const std::string where = "in " + label;
    MapReader o(sink_, node, label, where);
    if (!o.ok()) continue;
    Observation ob;
    ob.loc = sink_.loc(node.Mark());
    enum class Kind { kUnknown, kAgent, kEdge } kind = Kind::kUnknown;
    const auto agent = o.get("agent");
    const auto edge = o.get("edge");
    if (agent && edge) {
      const Field& later = agent->key_mark().pos > edge->key_mark().pos ? *agent : *edge;
      sink_.error(later.key_mark(), fmt::format("{} gives both agent and edge; give one", label));
    } else if (agent) {
      kind = Kind::kAgent;
      if (auto id = agent_ref(*agent, "agent of " + label, where)) ob.agent = *id;
    } else if (edge) {
      kind = Kind::kEdge;
      ob.is_edge = true;
      if (auto pair = agent_pair(*edge, "edge of " + label, where)) {
        ob.source = pair->first;
        ob.target = pair->second;
        if (!relation_declared(ob.source, ob.target)) {
          sink_.error(edge->mark(), fmt::format("{} reads the edge {}-{}, but no relation between {} and {} is "
                                                "declared",
                                                label, ob.source, ob.target, ob.source, ob.target));
        }
      }
    } else {
      sink_.error(node.Mark(), fmt::format("{} needs 'agent: ID' or 'edge: [A, B]'", label));
    }
    if (auto g = o.require("metric")) {
      if (auto v = detail::read_string(sink_, *g, "metric of " + label)) {
        ob.metric = *v;
        if (kind == Kind::kAgent) {
          const auto names = agent_metric_names();
          if (std::find(names.begin(), names.end(), *v) == names.end()) {
            unknown_name(g->mark(), "agent metric", *v, where, names);
          }
        } else if (kind == Kind::kEdge) {
          const auto names = edge_metric_names();
          if (std::find(names.begin(), names.end(), *v) == names.end()) {
            unknown_name(g->mark(), "edge metric", *v, where, names);
          }
        }
      }
    }
    if (auto g = o.require("year")) {
      if (auto v = detail::read_number(sink_, *g, "year of " + label)) {
        ob.year = *v;
        // The year must be one the run simulates: start + step·dt, step in [0, steps).
        const double step = (*v - s_.time.start) / s_.time.dt;
        const double whole = std::round(step);
        const double last = s_.time.start + (s_.time.steps - 1) * s_.time.dt;
        if (step < -1e-9 || whole > s_.time.steps - 1 + 1e-9) {
          sink_.error(g->mark(), fmt::format("year of {} must be a simulated year, from {} to {} (time.start, "
                                             "time.steps, time.dt), got {}",
                                             label, s_.time.start, last,
                                             detail::scalar_text(g->value)));
        } else if (std::abs(step - whole) > 1e-9) {
          sink_.error(g->mark(), fmt::format("year of {} falls between two steps (steps are {} apart from {}), "
                                             "got {}",
                                             label, s_.time.dt, s_.time.start,
                                             detail::scalar_text(g->value)));
        }
      }
    }
    if (auto g = o.require("value")) {
      if (auto v = detail::read_number(sink_, *g, "value of " + label)) ob.value = *v;
    }
    if (auto g = o.require("source", " (where the value comes from, e.g. 'COW Trade v4, 2009')")) {
      if (auto v = detail::read_string(sink_, *g, "source of " + label)) {
        if (v->empty()) sink_.error(g->mark(), fmt::format("source of {} is empty; say where the value comes from", label));
        ob.citation = *v;
      }
    }
    o.finish(kObservationKeys);
    s_.observed.push_back(std::move(ob));
  }
}

// --- Sweep ----------------------------------------------------------------

void Loader::read_sweep(const Field& f) {
  MapReader m(sink_, f.value, "sweep", "in sweep", false, f.mark());
  if (!m.ok()) return;
  SweepSpec sweep;
  sweep.loc = sink_.loc(f.mark());
  bool is_grid = false;  // known to be grid (an unknown design is reported once)
  if (auto g = m.get("design")) {
    if (auto v = detail::read_string(sink_, *g, "sweep.design")) {
      if (auto design = design_from_string(*v)) {
        sweep.design = *design;
        is_grid = *design == Design::kGrid;
      } else {
        unknown_name(g->mark(), "design", *v, "in sweep", kDesignNames);
      }
    }
  }
  if (auto g = m.get("samples")) {
    if (auto v = detail::read_int(sink_, *g, "sweep.samples", 1)) sweep.samples = *v;
  }
  if (auto g = m.get("replicates")) {
    if (auto v = detail::read_int(sink_, *g, "sweep.replicates", 1)) sweep.replicates = *v;
  }
  if (auto g = m.require("parameters", " (dotted paths to vary, as 'agents.MNG.regime: {min: 0, max: 1}')")) {
    MapReader params(sink_, g->value, "sweep.parameters", "in sweep.parameters", false, g->mark());
    if (params.ok() && params.entries().empty()) {
      sink_.error(g->mark(), "sweep.parameters must name at least one dotted path");
    }
    for (const Field& entry : params.entries()) {
      params.mark_read(entry.name);
      const std::string label = "sweep parameter " + entry.name;
      MapReader d(sink_, entry.value, label, "in " + label, false, entry.mark());
      if (!d.ok()) continue;
      SweepDimension dim;
      dim.path = entry.name;
      dim.loc = sink_.loc(entry.key_mark());
      if (auto values = d.get("values")) {
        if (d.has("min") || d.has("max")) {
          sink_.error(values->key_mark(),
                      fmt::format("{} gives both a range (min, max) and values; give one", label));
          d.mark_read("min");
          d.mark_read("max");
        }
        if (!values->value.IsSequence() || values->value.size() == 0) {
          sink_.error(values->mark(),
                      fmt::format("values of {} must list at least one number, got {}", label,
                                  values->value.IsSequence() ? "an empty list" : detail::describe(values->value)));
        } else {
          for (std::size_t i = 0; i < values->value.size(); ++i) {
            if (auto v = detail::read_number(sink_, values->value[i], "values of " + label)) dim.values.push_back(*v);
          }
        }
      } else {
        const auto lo = d.require("min", " (or give 'values: [...]')");
        const auto hi = d.require("max", " (or give 'values: [...]')");
        if (lo) dim.min = detail::read_number(sink_, *lo, "min of " + label);
        if (hi) dim.max = detail::read_number(sink_, *hi, "max of " + label);
        if (dim.min && dim.max && !(*dim.min <= *dim.max)) {
          sink_.error(hi->mark(), fmt::format("max of {} must be >= min ({}), got {}", label,
                                              detail::scalar_text(lo->value), detail::scalar_text(hi->value)));
        }
        if (is_grid) {
          sink_.error(entry.key_mark(),
                      fmt::format("design grid needs 'values' for every parameter; {} gives a range", label));
        }
      }
      d.finish(kDimensionKeys);
      sweep.parameters.push_back(std::move(dim));
      sweep_entries_.push_back(entry);
    }
  }
  m.finish(kSweepKeys);
  s_.sweep = std::move(sweep);
}

std::string Loader::path_suggestion(std::string_view path) {
  // Only the first few unknown paths get a suggestion: each one looks at
  // every agent and relation, and a file may hold a thousand misspelt paths
  // beside a hundred thousand relations.
  if (path_suggestions_left_ == 0) return {};
  --path_suggestions_left_;
  // Only a path one edit away is suggested (two would turn agents.RUS.gdp
  // into agents.USA.gdp): a candidate whose length differs by more than one
  // is skipped before it is written out, and the comparison stops at the
  // second difference. Candidates in a fixed order; the first closest wins.
  std::string best, candidate;
  std::size_t best_distance = 2;
  const auto consider = [&](std::initializer_list<std::string_view> pieces) {
    if (best_distance == 0) return;
    std::size_t length = 0;
    for (std::string_view piece : pieces) length += piece.size();
    if (length + 1 < path.size() || length > path.size() + 1) return;
    candidate.clear();
    for (std::string_view piece : pieces) candidate += piece;
    if (const std::size_t d = detail::edit_distance_up_to_one(path, candidate); d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  };
  for (std::string_view p : {"seed", "time.steps", "time.dt", "time.start"}) consider({p});
  for (std::string_view n : parameter_names()) consider({"parameters.", n});
  for (const AgentSpec& a : s_.agents) {
    for (std::string_view n : agent_attribute_names()) consider({"agents.", a.id, ".", n});
  }
  std::vector<bool> directed;
  for (std::string_view n : edge_attribute_names()) directed.push_back(is_directed(*edge_attribute_from_string(n)));
  for (const RelationSpec& r : s_.relations) {
    for (std::size_t k = 0; k < edge_attribute_names().size(); ++k) {
      const std::string_view n = edge_attribute_names()[k];
      consider({"relations.", r.a, "-", r.b, ".", n});
      if (directed[k]) {
        consider({"relations.", r.a, "-", r.b, ".", n, ".", r.a});
        consider({"relations.", r.a, "-", r.b, ".", n, ".", r.b});
      }
    }
    consider({"relations.", r.a, "-", r.b, ".border"});
  }
  return best.empty() ? std::string{} : fmt::format("; did you mean '{}'?", best);
}

/// Sweep paths are checked against the built scenario (check_patch_path()),
/// and their values against the ranges of what they patch.
void Loader::check_sweep_paths() {
  if (!s_.sweep) return;
  // With no usable agent or relation list every agents./relations. path
  // would fail for a reason already reported.
  if (!agents_known_ || !relations_known_) return;
  for (std::size_t di = 0; di < s_.sweep->parameters.size(); ++di) {
    const SweepDimension& dim = s_.sweep->parameters[di];
    const Field& entry = sweep_entries_[di];
    const YAML::Node& value_node = entry.value;
    const std::string label = "sweep parameter " + dim.path;
    if (const std::string problem = check_patch_path(s_, dim.path); !problem.empty()) {
      sink_.error(entry.key_mark(), problem + path_suggestion(dim.path));
      continue;
    }
    const PathKind kind = path_kind(dim.path);
    if (kind.kind == PathKind::Kind::kName) {
      sink_.error(entry.key_mark(), fmt::format("{} names a strategy, not a number; a sweep varies numbers", label));
      continue;
    }
    const bool has_range = dim.min || dim.max;
    if (kind.kind != PathKind::Kind::kNumber && has_range) {
      sink_.error(entry.key_mark(),
                  fmt::format("{} takes {}; give 'values: [...]', not a range", label,
                              kind.kind == PathKind::Kind::kFlag ? "0 or 1" : "whole numbers"));
      continue;
    }
    // Each number as written, at its own mark.
    std::vector<std::pair<std::string, YAML::Node>> numbers;
    if (value_node.IsMap()) {
      for (auto it = value_node.begin(); it != value_node.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string& k = it->first.Scalar();
        if ((k == "min" || k == "max") && it->second.IsScalar()) numbers.emplace_back(k, it->second);
        if (k == "values" && it->second.IsSequence() && !dim.values.empty()) {
          for (std::size_t i = 0; i < it->second.size(); ++i) numbers.emplace_back("values", it->second[i]);
        }
      }
    }
    for (const auto& [what, node] : numbers) {
      const detail::ParsedNumber p = detail::parse_number(node.IsScalar() ? node.Scalar() : "");
      if (p.status != detail::ParsedNumber::Status::kOk) continue;  // reported when read
      const std::string subject = fmt::format("{} of {}", what, label);
      const std::string got = detail::scalar_text(node);
      if (kind.kind == PathKind::Kind::kFlag) {
        if (p.value != 0 && p.value != 1) {
          sink_.error(node.Mark(), fmt::format("{} must be 0 or 1 (border false or true), got {}", subject, got));
        }
      } else if (kind.kind == PathKind::Kind::kWhole) {
        if (std::floor(p.value) != p.value || p.value < static_cast<double>(kind.min_whole)) {
          sink_.error(node.Mark(),
                      fmt::format("{} must be whole numbers >= {}, got {}", subject, kind.min_whole, got));
        } else if (dim.path == "time.steps" && p.value > static_cast<double>(limits_.steps)) {
          sink_.error(node.Mark(), fmt::format("{} is {}, more than the limit of {} steps {}", subject, got,
                                               limits_.steps, limit_hint("steps")));
        }
      } else if (!detail::in_range(p.value, kind.range)) {
        sink_.error(node.Mark(), detail::range_message(subject, kind.range, got));
      }
    }
  }
}

}  // namespace

// --- Limits ---------------------------------------------------------------

namespace {

constexpr std::uint64_t kMaxInt = 2'147'483'647;

constexpr std::array<LimitInfo, 7> kLimitTable = {{
    {"file-size", "GEOSIM_MAX_FILE_SIZE", &Limits::file_size, std::uint64_t{1} << 40,
     "bytes of a scenario file (K, M, G: KiB, MiB, GiB)"},
    {"yaml-depth", "GEOSIM_MAX_YAML_DEPTH", &Limits::yaml_depth, 1000, "nesting of YAML lists and mappings"},
    {"yaml-nodes", "GEOSIM_MAX_YAML_NODES", &Limits::yaml_nodes, std::uint64_t{1} << 40,
     "YAML nodes, aliases expanded"},
    {"agents", "GEOSIM_MAX_AGENTS", &Limits::agents, kMaxInt, "agents of a scenario"},
    {"relations", "GEOSIM_MAX_RELATIONS", &Limits::relations, kMaxInt / 2, "relations of a scenario"},
    {"steps", "GEOSIM_MAX_STEPS", &Limits::steps, kMaxInt, "steps of a run (time.steps, --steps)"},
    {"runs", "GEOSIM_MAX_RUNS", &Limits::runs, std::uint64_t{1} << 40,
     "runs of one command (run, compare and check --runs; sweep points x replicates)"},
}};

}  // namespace

std::span<const LimitInfo> limit_table() { return kLimitTable; }

const LimitInfo* find_limit(std::string_view name) {
  for (const LimitInfo& l : kLimitTable) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::optional<std::uint64_t> parse_limit_value(const LimitInfo& info, std::string_view text) {
  std::uint64_t scale = 1;
  if (info.name == "file-size" && !text.empty()) {
    switch (text.back()) {
      case 'K': case 'k': scale = std::uint64_t{1} << 10; break;
      case 'M': case 'm': scale = std::uint64_t{1} << 20; break;
      case 'G': case 'g': scale = std::uint64_t{1} << 30; break;
      default: break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (char c : text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  if (value == 0 || value > info.max / scale) return std::nullopt;
  return value * scale;
}

std::string limit_hint(std::string_view name) {
  const LimitInfo* info = find_limit(name);
  if (!info) return {};
  return fmt::format("(limit {}; raise it with --limit {}=N or {}=N)", info->name, info->name, info->env);
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr std::array<std::string_view, 4> kUnits = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  value /= 1024;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.{}f} {}", value, value == std::floor(value) ? 0 : 1, kUnits[unit]);
}

/// "the file is 70 MiB (73400320 bytes), larger than ..." for a file whose
/// size is known, "the file is larger than ..." otherwise (a pipe).
std::string file_size_message(std::optional<std::uint64_t> size, std::uint64_t limit) {
  auto bytes = [](std::uint64_t n) {
    return n < 1024 ? format_bytes(n) : fmt::format("{} ({} bytes)", format_bytes(n), n);
  };
  const std::string what = size ? fmt::format("the file is {},", bytes(*size)) : std::string("the file is");
  return fmt::format("{} larger than the limit of {} {}", what, bytes(limit), limit_hint("file-size"));
}

Scenario load_scenario_from_string(std::string_view yaml, const std::string& file_name, const Limits& limits) {
  if (yaml.size() > limits.file_size) {
    throw ScenarioError(file_name, file_size_message(yaml.size(), limits.file_size));
  }
  return Loader(yaml, file_name, limits).load();
}

Scenario load_scenario(const std::filesystem::path& path, const Limits& limits) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ScenarioError(name, "cannot read file: it is a directory");
  if (std::filesystem::is_regular_file(path, ec)) {
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > limits.file_size) throw ScenarioError(name, file_size_message(size, limits.file_size));
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    std::string reason = std::strerror(errno);
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    throw ScenarioError(name, "cannot read file: " + reason);
  }
  // Never more than the limit (and one byte to notice it), whatever the
  // file is: a pipe or /dev/zero cannot fill the memory.
  std::string text;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
    if (text.size() > limits.file_size) {
      std::fclose(file);
      throw ScenarioError(name, file_size_message(std::nullopt, limits.file_size));
    }
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    std::string reason = std::strerror(error);
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    throw ScenarioError(name, "cannot read file: " + reason);
  }
  return load_scenario_from_string(text, name, limits);
}

}  // namespace geosim
