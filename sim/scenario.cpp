#include "geosim/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "geosim/error.hpp"

namespace geosim {
namespace {

constexpr std::array<std::string_view, 3> kStrategyNames = {"balance", "bandwagon", "hedge"};
constexpr std::array<std::string_view, 4> kStrategyRuleNames = {"adaptive", "balance", "bandwagon", "hedge"};

// Indexed by AgentAttribute.
constexpr auto kAgentAttributeNames = std::to_array<std::string_view>({
    "gdp", "military", "military_share", "population", "growth", "regime", "reach",
    "weights.security", "weights.prosperity", "weights.autonomy", "appeasement", "values",
    "outward_investment", "counter_influence", "coercion", "investment_cap",
    "aid_responsiveness", "aid_conditionality"});

// Indexed by EdgeAttribute.
constexpr auto kEdgeAttributeNames = std::to_array<std::string_view>(
    {"alignment", "exports", "investment", "aid", "security", "affinity", "distance"});

constexpr auto kAgentMetrics = std::to_array<std::string_view>(
    {"threat", "counterweight", "security", "gdp", "military", "power", "autonomy", "hhi",
     "u_balance", "u_bandwagon", "u_hedge", "balance", "bandwagon", "hedge"});

constexpr auto kEdgeMetrics = std::to_array<std::string_view>(
    {"alignment", "exports", "investment", "aid", "security", "sanction", "dependence", "threat",
     "reward", "export_share", "trade_share"});

constexpr auto kAggregateNames = std::to_array<std::string_view>({"final", "mean", "min", "max"});
constexpr auto kDesignNames = std::to_array<std::string_view>({"grid", "random", "lhs", "sobol"});

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string join(std::span<const std::string_view> parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// Whether `label` is "X-Y", compared in place (no string built per relation).
bool is_label(std::string_view label, std::string_view x, std::string_view y) {
  return label.size() == x.size() + 1 + y.size() && label.starts_with(x) && label[x.size()] == '-' &&
         label.ends_with(y);
}

// The relation named "A-B" (either order), where ids may themselves hold '-'.
RelationSpec* find_relation_by_label(Scenario& s, std::string_view label) {
  for (RelationSpec& r : s.relations) {
    if (is_label(label, r.a, r.b) || is_label(label, r.b, r.a)) return &r;
  }
  return nullptr;
}

// Where a patch lands: resolved once, then either checked or applied.
struct PatchTarget {
  std::string error;
  double* number = nullptr;   // plain numeric slot
  double* number2 = nullptr;  // second direction of a symmetric / undirected patch
  AgentSpec* agent = nullptr;
  std::optional<AgentAttribute> agent_attribute;
  bool agent_strategy = false;
  bool* flag = nullptr;      // relation border
  int* integer = nullptr;    // time.steps
  std::uint64_t* seed = nullptr;
};

PatchTarget resolve(Scenario& s, std::string_view path) {
  PatchTarget t;
  const auto parts = split(path, '.');
  const std::string_view head = parts[0];
  if (head == "parameters" && parts.size() >= 2) {
    const std::string name = join(std::span(parts).subspan(1), ".");
    t.number = parameter_field(s.parameters, name);
    if (!t.number) t.error = fmt::format("unknown parameter '{}' in path '{}'", name, path);
    return t;
  }
  if (head == "seed" && parts.size() == 1) {
    t.seed = &s.seed;
    return t;
  }
  if (head == "time" && parts.size() == 2) {
    if (parts[1] == "steps") t.integer = &s.time.steps;
    else if (parts[1] == "dt") t.number = &s.time.dt;
    else if (parts[1] == "start") t.number = &s.time.start;
    else t.error = fmt::format("unknown time key '{}' in path '{}' (steps, dt or start)", parts[1], path);
    return t;
  }
  if (head == "agents" && parts.size() >= 3) {
    const auto index = s.agent_index(parts[1]);
    if (!index) {
      t.error = fmt::format("unknown agent '{}' in path '{}'", parts[1], path);
      return t;
    }
    t.agent = &s.agents[*index];
    const std::string attr = join(std::span(parts).subspan(2), ".");
    if (attr == "strategy") {
      t.agent_strategy = true;
    } else if (auto a = agent_attribute_from_string(attr)) {
      t.agent_attribute = a;
    } else {
      t.error = fmt::format("unknown agent attribute '{}' in path '{}'", attr, path);
    }
    return t;
  }
  if (head == "relations" && (parts.size() == 3 || parts.size() == 4)) {
    RelationSpec* r = find_relation_by_label(s, parts[1]);
    if (!r) {
      t.error = fmt::format("no relation '{}' in path '{}' (write relations.A-B.attribute)", parts[1], path);
      return t;
    }
    const std::string_view attr = parts[2];
    Directed* directed = nullptr;
    if (attr == "alignment") directed = &r->alignment;
    else if (attr == "exports") directed = &r->exports;
    else if (attr == "investment") directed = &r->investment;
    else if (attr == "aid") directed = &r->aid;
    if (directed) {
      if (parts.size() == 3) {
        t.number = &directed->ab;
        t.number2 = &directed->ba;
      } else if (parts[3] == r->a) {
        t.number = &directed->ab;
      } else if (parts[3] == r->b) {
        t.number = &directed->ba;
      } else {
        t.error = fmt::format("'{}' is not an end of relation {} in path '{}'", parts[3], r->label(), path);
      }
      return t;
    }
    if (parts.size() == 4) {
      t.error = fmt::format("relation attribute '{}' is symmetric and takes no direction, in path '{}'", attr, path);
      return t;
    }
    if (attr == "distance") t.number = &r->distance;
    else if (attr == "security") t.number = &r->security;
    else if (attr == "affinity") t.number = &r->affinity;
    else if (attr == "border") t.flag = &r->border;
    else t.error = fmt::format("unknown relation attribute '{}' in path '{}'", attr, path);
    return t;
  }
  t.error = fmt::format(
      "cannot patch '{}': a path is parameters.NAME, agents.ID.ATTRIBUTE, "
      "relations.A-B.ATTRIBUTE[.HOLDER], seed, time.steps, time.dt or time.start",
      path);
  return t;
}

bool is_whole(double v) { return std::isfinite(v) && std::floor(v) == v; }

}  // namespace

std::string_view to_string(Strategy s) { return kStrategyNames[static_cast<std::size_t>(s)]; }
std::string_view to_string(StrategyRule s) { return kStrategyRuleNames[static_cast<std::size_t>(s)]; }
std::optional<StrategyRule> strategy_rule_from_string(std::string_view s) {
  return lookup<StrategyRule>(kStrategyRuleNames, s);
}

std::string_view to_string(AgentAttribute a) { return kAgentAttributeNames[static_cast<std::size_t>(a)]; }
std::optional<AgentAttribute> agent_attribute_from_string(std::string_view name) {
  return lookup<AgentAttribute>(kAgentAttributeNames, name);
}
std::span<const std::string_view> agent_attribute_names() { return kAgentAttributeNames; }

std::string_view to_string(EdgeAttribute a) { return kEdgeAttributeNames[static_cast<std::size_t>(a)]; }
std::optional<EdgeAttribute> edge_attribute_from_string(std::string_view name) {
  return lookup<EdgeAttribute>(kEdgeAttributeNames, name);
}
std::span<const std::string_view> edge_attribute_names() { return kEdgeAttributeNames; }
bool is_directed(EdgeAttribute a) {
  return a == EdgeAttribute::kAlignment || a == EdgeAttribute::kExports ||
         a == EdgeAttribute::kInvestment || a == EdgeAttribute::kAid;
}

std::string_view to_string(Aggregate a) { return kAggregateNames[static_cast<std::size_t>(a)]; }
std::optional<Aggregate> aggregate_from_string(std::string_view s) { return lookup<Aggregate>(kAggregateNames, s); }
std::string_view to_string(Design d) { return kDesignNames[static_cast<std::size_t>(d)]; }
std::optional<Design> design_from_string(std::string_view s) { return lookup<Design>(kDesignNames, s); }

std::span<const std::string_view> agent_metric_names() { return kAgentMetrics; }
std::span<const std::string_view> edge_metric_names() { return kEdgeMetrics; }

double AgentSpec::initial_military_share() const {
  if (military_share) return *military_share;
  if (military) return gdp == 0 ? 0.0 : *military / gdp;
  return 0.0;
}

double get(const AgentSpec& a, AgentAttribute attr) {
  switch (attr) {
    case AgentAttribute::kGdp: return a.gdp;
    case AgentAttribute::kMilitary: return a.military ? *a.military : a.initial_military_share() * a.gdp;
    case AgentAttribute::kMilitaryShare: return a.initial_military_share();
    case AgentAttribute::kPopulation: return a.population;
    case AgentAttribute::kGrowth: return a.growth;
    case AgentAttribute::kRegime: return a.regime;
    case AgentAttribute::kReach: return a.reach;
    case AgentAttribute::kWeightSecurity: return a.weights.security;
    case AgentAttribute::kWeightProsperity: return a.weights.prosperity;
    case AgentAttribute::kWeightAutonomy: return a.weights.autonomy;
    case AgentAttribute::kAppeasement: return a.appeasement;
    case AgentAttribute::kValues: return a.values;
    case AgentAttribute::kOutwardInvestment: return a.outward_investment;
    case AgentAttribute::kCounterInfluence: return a.counter_influence;
    case AgentAttribute::kCoercion: return a.coercion;
    case AgentAttribute::kInvestmentCap: return a.investment_cap;
    case AgentAttribute::kAidResponsiveness: return a.aid_responsiveness;
    case AgentAttribute::kAidConditionality: return a.aid_conditionality;
  }
  GEOSIM_ASSERT(false, "unhandled agent attribute");
}

void set(AgentSpec& a, AgentAttribute attr, double value) {
  switch (attr) {
    case AgentAttribute::kGdp: a.gdp = value; return;
    case AgentAttribute::kMilitary: a.military = value; a.military_share.reset(); return;
    case AgentAttribute::kMilitaryShare: a.military_share = value; a.military.reset(); return;
    case AgentAttribute::kPopulation: a.population = value; return;
    case AgentAttribute::kGrowth: a.growth = value; return;
    case AgentAttribute::kRegime: a.regime = value; return;
    case AgentAttribute::kReach: a.reach = value; return;
    case AgentAttribute::kWeightSecurity: a.weights.security = value; return;
    case AgentAttribute::kWeightProsperity: a.weights.prosperity = value; return;
    case AgentAttribute::kWeightAutonomy: a.weights.autonomy = value; return;
    case AgentAttribute::kAppeasement: a.appeasement = value; return;
    case AgentAttribute::kValues: a.values = value; return;
    case AgentAttribute::kOutwardInvestment: a.outward_investment = value; return;
    case AgentAttribute::kCounterInfluence: a.counter_influence = value; return;
    case AgentAttribute::kCoercion: a.coercion = value; return;
    case AgentAttribute::kInvestmentCap: a.investment_cap = value; return;
    case AgentAttribute::kAidResponsiveness: a.aid_responsiveness = value; return;
    case AgentAttribute::kAidConditionality: a.aid_conditionality = value; return;
  }
  GEOSIM_ASSERT(false, "unhandled agent attribute");
}

std::optional<std::size_t> Scenario::agent_index(std::string_view id) const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].id == id) return i;
  }
  return std::nullopt;
}

const RelationSpec* Scenario::find_relation(std::string_view x, std::string_view y) const {
  for (const RelationSpec& r : relations) {
    if ((r.a == x && r.b == y) || (r.a == y && r.b == x)) return &r;
  }
  return nullptr;
}

const Policy* Scenario::find_policy(std::string_view policy_name) const {
  for (const Policy& p : policies) {
    if (p.name == policy_name) return &p;
  }
  return nullptr;
}

std::vector<OutcomeSpec> default_outcomes(const std::vector<AgentSpec>& agents) {
  std::vector<OutcomeSpec> out;
  for (const AgentSpec& a : agents) {
    for (std::string_view metric : {"autonomy", "security", "gdp"}) {
      OutcomeSpec o;
      o.name = fmt::format("{}_{}", a.id, metric);
      o.agent = a.id;
      o.metric = std::string(metric);
      o.aggregate = Aggregate::kFinal;
      o.loc = a.loc;
      out.push_back(std::move(o));
    }
  }
  return out;
}

Scenario with_policy(const Scenario& s, std::string_view name) {
  if (name == "baseline") return s;
  const Policy* p = s.find_policy(name);
  if (!p) {
    std::string known = "baseline";
    for (const Policy& q : s.policies) known += ", " + q.name;
    throw UsageError(fmt::format("unknown policy '{}' in {}; known policies: {}", name,
                                 s.source_file.empty() ? s.name : s.source_file, known));
  }
  Scenario out = s;
  for (const ParameterPatch& pp : p->parameters) {
    double* field = parameter_field(out.parameters, pp.name);
    GEOSIM_ASSERT(field, "policy parameter was validated at load: " + pp.name);
    *field = pp.value;
  }
  // Ids are unique (checked at load): one index for every patch, instead of
  // a scan of the agents per patch.
  std::unordered_map<std::string_view, std::size_t> index_of;
  if (!p->agents.empty()) {
    index_of.reserve(out.agents.size());
    for (std::size_t i = 0; i < out.agents.size(); ++i) index_of.emplace(out.agents[i].id, i);
  }
  for (const AgentPatch& ap : p->agents) {
    const auto found = index_of.find(ap.agent);
    GEOSIM_ASSERT(found != index_of.end(), "policy agent was validated at load: " + ap.agent);
    AgentSpec& a = out.agents[found->second];
    if (ap.strategy) a.strategy = *ap.strategy;
    if (ap.attribute) set(a, *ap.attribute, ap.value);
  }
  out.events.insert(out.events.end(), p->events.begin(), p->events.end());
  out.blocs.insert(out.blocs.end(), p->blocs.begin(), p->blocs.end());
  return out;
}

std::string check_patch_path(const Scenario& s, std::string_view path) {
  // resolve() only finds where a patch would land and writes nothing, so it
  // may look at `s` itself: a copy per path made a sweep of many paths over
  // a large scenario quadratic (the loader checks every path).
  return resolve(const_cast<Scenario&>(s), path).error;
}

std::string apply_patch(Scenario& s, std::string_view path, const PatchValue& value) {
  PatchTarget t = resolve(s, path);
  if (!t.error.empty()) return t.error;
  if (t.agent_strategy) {
    const auto* name = std::get_if<std::string>(&value);
    if (!name) return fmt::format("'{}' takes a strategy name (adaptive, balance, bandwagon, hedge)", path);
    const auto rule = strategy_rule_from_string(*name);
    if (!rule) return fmt::format("'{}' is not a strategy (adaptive, balance, bandwagon, hedge), in '{}'", *name, path);
    t.agent->strategy = *rule;
    return {};
  }
  const auto* number = std::get_if<double>(&value);
  if (!number) return fmt::format("'{}' takes a number", path);
  const double v = *number;
  if (!std::isfinite(v)) return fmt::format("'{}' must be a finite number", path);
  if (t.agent) {
    set(*t.agent, *t.agent_attribute, v);
  } else if (t.flag) {
    if (v != 0 && v != 1) return fmt::format("'{}' takes 0 or 1, got {}", path, v);
    *t.flag = v != 0;
  } else if (t.integer) {
    if (!is_whole(v) || v < 1 || v > 1e9) return fmt::format("'{}' takes a whole number >= 1, got {}", path, v);
    *t.integer = static_cast<int>(v);
  } else if (t.seed) {
    if (!is_whole(v) || v < 0 || v >= 18446744073709551616.0) {
      return fmt::format("'{}' takes a whole number >= 0, got {}", path, v);
    }
    *t.seed = static_cast<std::uint64_t>(v);
  } else {
    *t.number = v;
    if (t.number2) *t.number2 = v;
  }
  return {};
}

}  // namespace geosim
