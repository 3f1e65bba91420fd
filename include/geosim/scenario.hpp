// A scenario as the user wrote it: plain, immutable data (SCENARIO-FORMAT.md).
//
// load_scenario() (load.hpp) is the only way in from YAML; the engine reads a
// Scenario and never sees YAML. Policies and sweep points make new Scenario
// values with with_policy() and apply_patch(); a Scenario is never changed
// while a run reads it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "geosim/error.hpp"
#include "geosim/parameters.hpp"

namespace geosim {

/// What a state chooses each step (MODEL.md §3.3).
enum class Strategy : std::uint8_t { kBalance = 0, kBandwagon = 1, kHedge = 2 };

/// How a state chooses: by utility (`adaptive`) or always the same strategy.
/// YAML key `strategy` of an agent.
enum class StrategyRule : std::uint8_t { kAdaptive, kBalance, kBandwagon, kHedge };

std::string_view to_string(Strategy s);
std::string_view to_string(StrategyRule s);
std::optional<StrategyRule> strategy_rule_from_string(std::string_view s);

/// The numeric agent attributes that a policy, an event or a sweep may name
/// (MODEL.md §1 table, plus `military_share`). `strategy` is not numeric and
/// is handled apart.
enum class AgentAttribute : std::uint8_t {
  kGdp,
  kMilitary,
  kMilitaryShare,
  kPopulation,
  kGrowth,
  kRegime,
  kReach,
  kWeightSecurity,
  kWeightProsperity,
  kWeightAutonomy,
  kAppeasement,
  kValues,
  kOutwardInvestment,
  kCounterInfluence,
  kCoercion,
  kInvestmentCap,
  kAidResponsiveness,
  kAidConditionality,
};

/// YAML name of an attribute ("gdp", "weights.security", ...).
std::string_view to_string(AgentAttribute a);
/// The attribute with that YAML name, if any (dotted for weights).
std::optional<AgentAttribute> agent_attribute_from_string(std::string_view name);
/// Every numeric agent attribute name, in table order; for "did you mean".
std::span<const std::string_view> agent_attribute_names();

/// Edge attributes that `set`/`shift` events may change (MODEL.md §3.1).
enum class EdgeAttribute : std::uint8_t {
  kAlignment,   ///< one direction
  kExports,     ///< one direction
  kInvestment,  ///< one direction
  kAid,         ///< one direction; also resets the reference level A0
  kSecurity,    ///< both directions
  kAffinity,    ///< both directions
  kDistance,    ///< both directions
};
std::string_view to_string(EdgeAttribute a);
std::optional<EdgeAttribute> edge_attribute_from_string(std::string_view name);
std::span<const std::string_view> edge_attribute_names();
/// True for the attributes that act on one direction only (alignment, exports, investment, aid).
bool is_directed(EdgeAttribute a);

/// `weights:` of an agent (MODEL.md §3.3 utility).
struct Weights {
  double security = 1;
  double prosperity = 1;
  double autonomy = 1;
  friend bool operator==(const Weights&, const Weights&) = default;
};

/// One entry of `agents:`. Defaults are MODEL.md §1's.
struct AgentSpec {
  std::string id;    ///< 1-16 of A-Z a-z 0-9 _ -
  std::string name;  ///< display name; defaults to id
  double gdp = 0;    ///< potential GDP Gp, billion USD (required, > 0)
  /// Exactly one of these may be given; neither means military 0.
  std::optional<double> military;        ///< M, billion USD/yr
  std::optional<double> military_share;  ///< m = M / Gp
  double population = 0;                 ///< million
  double growth = 0.02;                  ///< g, annual
  double regime = 0.5;                   ///< r: 0 closed autocracy .. 1 liberal democracy
  double reach = 0.1;                    ///< ρ: power projection beyond borders
  StrategyRule strategy = StrategyRule::kAdaptive;
  Weights weights;
  double appeasement = 0.5;         ///< ψ
  double values = 0.5;              ///< v
  double outward_investment = 0;    ///< ν, share of GDP invested abroad per year
  double counter_influence = 0;     ///< χ
  double coercion = 0;              ///< κ
  double investment_cap = 1;        ///< cap, in (0, 1]
  double aid_responsiveness = 0;    ///< ξ
  double aid_conditionality = 0;    ///< ζa
  SourceLoc loc;                    ///< where the entry starts

  /// The military share m0 this spec implies (0 if gdp is 0).
  double initial_military_share() const;
};

/// Numeric value of an attribute of a spec (military: the spec's M, computed
/// from military_share if that is what was given).
double get(const AgentSpec& a, AgentAttribute attr);
/// Sets an attribute; `military` and `military_share` replace each other.
void set(AgentSpec& a, AgentAttribute attr, double value);

/// A value given per direction of a relation. `ab` is held/exported/given by
/// `between[0]` (toward `between[1]`), `ba` the other way.
struct Directed {
  double ab = 0;
  double ba = 0;
  friend bool operator==(const Directed&, const Directed&) = default;
};

/// One entry of `relations:` (an unordered pair, both directions).
struct RelationSpec {
  std::string a;  ///< between[0]
  std::string b;  ///< between[1]
  bool border = false;
  double distance = 10000;  ///< km between capitals
  Directed alignment;       ///< stance of the holder toward the other, [-1, 1]
  Directed exports;         ///< billion USD/yr exported by the holder
  Directed investment;      ///< stock held by the holder in the other
  Directed aid;             ///< flow given by the holder
  double security = 0;      ///< symmetric, [0, 1]
  double affinity = 0;      ///< symmetric, [0, 1]
  SourceLoc loc;

  /// "A-B", the name used in messages and dotted paths.
  std::string label() const { return a + "-" + b; }
};

/// `blocs:` entry (MODEL.md §3.1): active when from <= t <= until.
struct Bloc {
  std::string name;
  std::vector<std::string> members;
  double cohesion = 0.5;
  int from = 0;
  int until = std::numeric_limits<int>::max();
  SourceLoc loc;
};

/// When an event fires (MODEL.md §3.1).
struct Timing {
  std::optional<int> at;                   ///< fixed step
  std::optional<double> probability;       ///< with `at`: chance of firing then;
                                           ///< without: chance at each step of the window
  int from_step = 0;                       ///< window start (probabilistic events)
  std::optional<int> until_step;           ///< window end, inclusive; default steps - 1
};

struct SanctionEvent {
  std::string from;
  std::string to;
  double intensity = 0;  ///< [0, 1]
  int duration = 1;      ///< steps, >= 1
};

struct OffenseEvent {
  std::string by;
  std::string against;
  double magnitude = 1;
  int duration = 1;
};

/// The target of a set/shift: an agent, or a relation named by its two ends.
struct AgentTarget {
  std::string agent;
};
struct EdgeTarget {
  std::string a;     ///< edge[0]
  std::string b;     ///< edge[1]
  std::string from;  ///< the direction for directed attributes: a or b (default a)
};

/// `set` or `shift` of an attribute. For `set` on an agent's `strategy`,
/// `strategy` holds the value and `value` is unused.
struct ChangeEvent {
  bool is_shift = false;  ///< false: set to `value`; true: add `value` (the delta)
  std::variant<AgentTarget, EdgeTarget> target;
  /// Exactly one is meaningful: an agent attribute, `strategy`, or an edge attribute.
  std::optional<AgentAttribute> agent_attribute;
  std::optional<StrategyRule> strategy;  ///< set when the attribute is `strategy`
  std::optional<EdgeAttribute> edge_attribute;
  double value = 0;  ///< the value (set) or delta (shift)
};

using EventAction = std::variant<SanctionEvent, OffenseEvent, ChangeEvent>;

struct Event {
  Timing timing;
  EventAction action;
  SourceLoc loc;
};

/// A leaf of a policy's `parameters:` overlay, e.g. {"power_weights.gdp", 0.6}.
struct ParameterPatch {
  std::string name;  ///< dotted parameter name (see parameter_names())
  double value = 0;
  SourceLoc loc;
};

/// A leaf of a policy's `agents:` overlay, e.g. {"MNG", "investment_cap", 1.0}.
struct AgentPatch {
  std::string agent;
  std::optional<AgentAttribute> attribute;  ///< empty when `strategy` is set
  std::optional<StrategyRule> strategy;
  double value = 0;
  SourceLoc loc;
};

/// `policies:` entry (MODEL.md §3.6): an overlay of the scenario.
struct Policy {
  std::string name;
  std::string description;
  std::vector<ParameterPatch> parameters;
  std::vector<AgentPatch> agents;
  std::vector<Event> events;
  std::vector<Bloc> blocs;
  SourceLoc loc;
};

enum class Aggregate : std::uint8_t { kFinal, kMean, kMin, kMax };
std::string_view to_string(Aggregate a);
std::optional<Aggregate> aggregate_from_string(std::string_view s);

/// `outcomes:` entry: a series of one agent or one directed edge, aggregated.
struct OutcomeSpec {
  std::string name;
  bool is_edge = false;
  std::string agent;   ///< agent outcomes
  std::string source;  ///< edge outcomes: edge[0]
  std::string target;  ///< edge outcomes: edge[1]
  std::string metric;  ///< see agent_metric_names() / edge_metric_names()
  Aggregate aggregate = Aggregate::kFinal;
  bool higher_is_better = true;  ///< `better: higher|lower`; used by `geosim compare`
  SourceLoc loc;
};

/// Metric names an outcome may use (MODEL.md §4; SCENARIO-FORMAT.md).
std::span<const std::string_view> agent_metric_names();
std::span<const std::string_view> edge_metric_names();

/// One value observed in the real world, to check a simulation against
/// (`observed:`, a geosim extension of the format; `geosim check`).
struct Observation {
  double year = 0;     ///< a simulated year: time.start + step·dt for a whole step
  bool is_edge = false;
  std::string agent;   ///< agent observations
  std::string source;  ///< edge observations: edge[0]
  std::string target;  ///< edge observations: edge[1]
  std::string metric;  ///< an agent or edge metric, as for outcomes
  double value = 0;
  std::string citation;  ///< the `source:` text: where the value comes from
  SourceLoc loc;
};

enum class Design : std::uint8_t { kGrid, kRandom, kLhs, kSobol };
std::string_view to_string(Design d);
std::optional<Design> design_from_string(std::string_view s);

/// One swept dimension: a range {min, max} or a list of levels {values}.
struct SweepDimension {
  std::string path;  ///< dotted path into the scenario (see apply_patch)
  std::optional<double> min;
  std::optional<double> max;
  std::vector<double> values;
  SourceLoc loc;
};

/// `sweep:` section: the default experiment of `geosim sweep`.
struct SweepSpec {
  Design design = Design::kLhs;
  int samples = 1;
  int replicates = 1;
  std::vector<SweepDimension> parameters;
  SourceLoc loc;
};

/// `time:` section.
struct TimeSpec {
  double start = 0;  ///< calendar year of step 0
  int steps = 0;     ///< T >= 1
  double dt = 1.0;   ///< years per step, > 0
};

/// A whole scenario file.
struct Scenario {
  int format = 1;
  std::string name;
  std::string description;
  TimeSpec time;
  std::uint64_t seed = 0;
  Parameters parameters;
  std::vector<AgentSpec> agents;
  std::vector<RelationSpec> relations;
  std::vector<Bloc> blocs;
  std::vector<Event> events;
  std::vector<Policy> policies;
  /// As given, or the defaults (final autonomy, security, gdp of every agent)
  /// when the file has no `outcomes:`.
  std::vector<OutcomeSpec> outcomes;
  std::optional<SweepSpec> sweep;
  /// Real-world values for `geosim check` (empty when the file has none).
  std::vector<Observation> observed;
  std::string source_file;  ///< path it was loaded from ("" if built in code)

  /// Index of the agent with this id (its position in `agents`), if declared.
  std::optional<std::size_t> agent_index(std::string_view id) const;
  /// The relation between the two ids, in either order, if declared.
  const RelationSpec* find_relation(std::string_view x, std::string_view y) const;
  const Policy* find_policy(std::string_view name) const;
};

/// The default outcomes: final autonomy, security and gdp of every agent,
/// named "<ID>_autonomy", "<ID>_security", "<ID>_gdp".
std::vector<OutcomeSpec> default_outcomes(const std::vector<AgentSpec>& agents);

/// The scenario with policy `name` overlaid (MODEL.md §3.6): parameters and
/// agent attributes merged over the scenario's, events and blocs appended.
/// "baseline" returns the scenario itself. Throws UsageError for an unknown
/// name (listing the known ones).
Scenario with_policy(const Scenario& s, std::string_view name);

/// A value for a dotted path: a number, or a name (for `strategy`).
using PatchValue = std::variant<double, std::string>;

/// Sets the value at a dotted path, as a sweep point does:
///   parameters.NAME[.SUB]            e.g. parameters.commitment
///   agents.ID.ATTRIBUTE               e.g. agents.MNG.weights.autonomy
///   relations.A-B.ATTRIBUTE[.HOLDER]  e.g. relations.MNG-CHN.exports.MNG
///   seed, time.steps, time.dt, time.start
/// Directed relation attributes without HOLDER set both directions.
/// Returns an error message (empty on success); the scenario is unchanged on error.
std::string apply_patch(Scenario& s, std::string_view path, const PatchValue& value);

/// Checks that a dotted path names a patchable number; returns an error
/// message, or "" if it is fine. Does not change anything.
std::string check_patch_path(const Scenario& s, std::string_view path);

}  // namespace geosim
