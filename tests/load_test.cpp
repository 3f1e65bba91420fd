// The scenario loader (SCENARIO-FORMAT.md): valid files load with the right
// values and defaults; every rule of the format has one bad file in
// tests/data/invalid/ whose diagnostics must match its .expected file exactly.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "geosim/load.hpp"
#include "test_support.hpp"
#include "yaml_reader.hpp"  // detail::parse_number, edit_distance, closest_match

namespace fs = std::filesystem;
using geosim::test::close_to;

namespace {

geosim::Scenario load(const std::string& yaml) { return geosim::load_scenario_from_string(yaml, "test.yaml"); }

/// ScenarioError::what() of loading `yaml`, or "" when it loads.
std::string load_error(const std::string& yaml) {
  try {
    load(yaml);
  } catch (const geosim::ScenarioError& e) {
    return e.what();
  }
  return {};
}

/// Every parameter equal, compared through parameter_names() (Parameters'
/// defaulted operator== is deleted while its member structs have none).
bool same_parameters(const geosim::Parameters& a, const geosim::Parameters& b) {
  for (std::string_view n : geosim::parameter_names()) {
    if (*geosim::parameter_field(a, n) != *geosim::parameter_field(b, n)) return false;
  }
  return true;
}

/// SCENARIO-FORMAT.md's example, completed with the agents it names.
const char* const kFormatExample = R"(geosim: 1                      # format version (required)
name: Mongolia between giants  # required
description: free text
time: {start: 2019, steps: 30, dt: 1.0}
seed: 42
parameters:
  distance_decay_km: 1000
  dependence_weights: {trade: 0.6}

agents:
  - id: MNG
    name: Mongolia
    gdp: 13.9
    military: 0.105
    population: 3.2
    growth: 0.05
    regime: 0.8
    reach: 0.02
    weights: {security: 1, prosperity: 1, autonomy: 1.5}
    investment_cap: 0.3333
  - {id: CHN, name: China, gdp: 14280, military_share: 0.017, strategy: balance}
  - {id: USA, gdp: 21430}
  - {id: KAZ, gdp: 181.7}
  - {id: KGZ, gdp: 8.9}

relations:
  - between: [MNG, CHN]
    border: true
    distance: 1170
    alignment: {MNG: 0.2, CHN: 0.3}
    exports: {MNG: 6.59, CHN: 1.95}
    investment: {CHN: 4.0}
    aid: {CHN: 0.05}
    security: 0.05
    affinity: 0.0
  - between: [MNG, USA]

blocs:
  - {name: steppe, members: [MNG, KAZ, KGZ], cohesion: 0.5, from: 5}

events:
  - {at: 3, type: offense, by: MNG, against: CHN, magnitude: 0.5}
  - {at: 4, type: sanction, from: CHN, to: MNG, intensity: 0.3, duration: 2}
  - {at: 10, type: set, target: {agent: CHN}, attribute: growth, value: 0.03}
  - {at: 1, type: shift, target: {edge: [MNG, USA]}, attribute: exports, from: MNG, delta: 0.3}
  - {type: sanction, from: CHN, to: MNG, intensity: 0.2, probability: 0.05, from_step: 5, until_step: 20}

policies:
  third_neighbor_trade_act:
    description: duty-free access for Mongolian goods in the US
    events:
      - {at: 1, type: shift, target: {edge: [MNG, USA]}, attribute: exports, from: MNG, delta: 0.3}
  no_investment_cap:
    agents: {MNG: {investment_cap: 1.0}}

outcomes:
  mng_autonomy:   {agent: MNG, metric: autonomy, aggregate: final}
  mng_hedging:    {agent: MNG, metric: hedge, aggregate: mean}
  mng_china_tilt: {edge: [MNG, CHN], metric: alignment, aggregate: mean}

sweep:
  design: lhs
  samples: 64
  replicates: 10
  parameters:
    agents.MNG.weights.autonomy: {min: 0.5, max: 2.0}
    parameters.commitment: {values: [0.25, 0.5, 0.75]}
    relations.MNG-CHN.exports.MNG: {min: 3, max: 10}
)";

/// The smallest valid scenario.
const char* const kMinimal = R"(geosim: 1
name: minimal
time: {steps: 5}
agents:
  - {id: A, gdp: 1}
)";

}  // namespace

TEST_CASE("load: the format's own example loads with the right values", "[load]") {
  const geosim::Scenario s = load(kFormatExample);
  CHECK(s.format == 1);
  CHECK(s.name == "Mongolia between giants");
  CHECK(s.description == "free text");
  CHECK(s.time.start == 2019);
  CHECK(s.time.steps == 30);
  CHECK(s.time.dt == 1.0);
  CHECK(s.seed == 42);
  CHECK(s.source_file == "test.yaml");

  SECTION("parameters merge over the defaults, nested maps key by key") {
    geosim::Parameters expected;
    expected.distance_decay_km = 1000;
    expected.dependence_weights.trade = 0.6;
    CHECK(same_parameters(s.parameters, expected));
  }
  SECTION("agents, in file order") {
    REQUIRE(s.agents.size() == 5);
    const geosim::AgentSpec& mng = s.agents[0];
    CHECK(mng.id == "MNG");
    CHECK(mng.name == "Mongolia");
    CHECK(mng.gdp == 13.9);
    CHECK(mng.military == 0.105);
    CHECK_FALSE(mng.military_share.has_value());
    CHECK(mng.population == 3.2);
    CHECK(mng.growth == 0.05);
    CHECK(mng.regime == 0.8);
    CHECK(mng.reach == 0.02);
    CHECK(mng.weights == geosim::Weights{1, 1, 1.5});
    CHECK(mng.investment_cap == 0.3333);
    CHECK(mng.strategy == geosim::StrategyRule::kAdaptive);
    CHECK(mng.loc.file == "test.yaml");
    CHECK(mng.loc.line == 11);
    CHECK(mng.loc.column == 5);
    const geosim::AgentSpec& chn = s.agents[1];
    CHECK(chn.name == "China");
    CHECK(chn.military_share == 0.017);
    CHECK_FALSE(chn.military.has_value());
    CHECK(chn.strategy == geosim::StrategyRule::kBalance);
    CHECK(s.agents[2].name == "USA");  // name defaults to the id
    CHECK(s.agent_index("KGZ") == 4u);
  }
  SECTION("relations: per-direction maps keyed by the holder") {
    REQUIRE(s.relations.size() == 2);
    const geosim::RelationSpec& r = s.relations[0];
    CHECK(r.label() == "MNG-CHN");
    CHECK(r.border);
    CHECK(r.distance == 1170);
    CHECK(r.alignment == geosim::Directed{0.2, 0.3});
    CHECK(r.exports == geosim::Directed{6.59, 1.95});
    CHECK(r.investment == geosim::Directed{0, 4.0});
    CHECK(r.aid == geosim::Directed{0, 0.05});
    CHECK(r.security == 0.05);
    CHECK(r.affinity == 0.0);
  }
  SECTION("blocs") {
    REQUIRE(s.blocs.size() == 1);
    CHECK(s.blocs[0].name == "steppe");
    CHECK(s.blocs[0].members == std::vector<std::string>{"MNG", "KAZ", "KGZ"});
    CHECK(s.blocs[0].cohesion == 0.5);
    CHECK(s.blocs[0].from == 5);
    CHECK(s.blocs[0].until == std::numeric_limits<int>::max());
  }
  SECTION("events of every type") {
    REQUIRE(s.events.size() == 5);
    const auto& offense = std::get<geosim::OffenseEvent>(s.events[0].action);
    CHECK(s.events[0].timing.at == 3);
    CHECK(offense.by == "MNG");
    CHECK(offense.against == "CHN");
    CHECK(offense.magnitude == 0.5);
    CHECK(offense.duration == 1);

    const auto& sanction = std::get<geosim::SanctionEvent>(s.events[1].action);
    CHECK(sanction.from == "CHN");
    CHECK(sanction.to == "MNG");
    CHECK(sanction.intensity == 0.3);
    CHECK(sanction.duration == 2);

    const auto& set = std::get<geosim::ChangeEvent>(s.events[2].action);
    CHECK_FALSE(set.is_shift);
    CHECK(std::get<geosim::AgentTarget>(set.target).agent == "CHN");
    CHECK(set.agent_attribute == geosim::AgentAttribute::kGrowth);
    CHECK(set.value == 0.03);

    const auto& shift = std::get<geosim::ChangeEvent>(s.events[3].action);
    CHECK(shift.is_shift);
    const auto& edge = std::get<geosim::EdgeTarget>(shift.target);
    CHECK(edge.a == "MNG");
    CHECK(edge.b == "USA");
    CHECK(edge.from == "MNG");
    CHECK(shift.edge_attribute == geosim::EdgeAttribute::kExports);
    CHECK(shift.value == 0.3);

    const geosim::Timing& t = s.events[4].timing;
    CHECK_FALSE(t.at.has_value());
    CHECK(t.probability == 0.05);
    CHECK(t.from_step == 5);
    CHECK(t.until_step == 20);
  }
  SECTION("policies") {
    REQUIRE(s.policies.size() == 2);
    const geosim::Policy* act = s.find_policy("third_neighbor_trade_act");
    REQUIRE(act != nullptr);
    CHECK(act->description == "duty-free access for Mongolian goods in the US");
    CHECK(act->events.size() == 1);
    const geosim::Policy* cap = s.find_policy("no_investment_cap");
    REQUIRE(cap != nullptr);
    REQUIRE(cap->agents.size() == 1);
    CHECK(cap->agents[0].agent == "MNG");
    CHECK(cap->agents[0].attribute == geosim::AgentAttribute::kInvestmentCap);
    CHECK(cap->agents[0].value == 1.0);
  }
  SECTION("outcomes") {
    REQUIRE(s.outcomes.size() == 3);
    CHECK(s.outcomes[0].name == "mng_autonomy");
    CHECK(s.outcomes[0].agent == "MNG");
    CHECK(s.outcomes[0].metric == "autonomy");
    CHECK(s.outcomes[0].aggregate == geosim::Aggregate::kFinal);
    CHECK(s.outcomes[1].aggregate == geosim::Aggregate::kMean);
    CHECK(s.outcomes[2].is_edge);
    CHECK(s.outcomes[2].source == "MNG");
    CHECK(s.outcomes[2].target == "CHN");
  }
  SECTION("sweep") {
    REQUIRE(s.sweep.has_value());
    CHECK(s.sweep->design == geosim::Design::kLhs);
    CHECK(s.sweep->samples == 64);
    CHECK(s.sweep->replicates == 10);
    REQUIRE(s.sweep->parameters.size() == 3);
    CHECK(s.sweep->parameters[0].path == "agents.MNG.weights.autonomy");
    CHECK(s.sweep->parameters[0].min == 0.5);
    CHECK(s.sweep->parameters[0].max == 2.0);
    CHECK(s.sweep->parameters[1].values == std::vector<double>{0.25, 0.5, 0.75});
    CHECK_FALSE(s.sweep->parameters[1].min.has_value());
  }
  SECTION("the loaded example passes check_values") { CHECK(geosim::check_values(s).empty()); }
}

TEST_CASE("load: defaults fill what a file leaves out (MODEL.md §1, SCENARIO-FORMAT.md)", "[load]") {
  const geosim::Scenario s = load(std::string(kMinimal) + "  - {id: B, gdp: 2}\nrelations:\n  - between: [A, B]\n");
  CHECK(s.description.empty());
  CHECK(s.time.start == 0);
  CHECK(s.time.dt == 1.0);
  CHECK(s.seed == 0);
  CHECK(same_parameters(s.parameters, geosim::Parameters{}));
  const geosim::AgentSpec& a = s.agents[0];
  CHECK(a.name == "A");
  CHECK_FALSE(a.military.has_value());
  CHECK_FALSE(a.military_share.has_value());
  CHECK(a.population == 0);
  CHECK(a.growth == 0.02);
  CHECK(a.regime == 0.5);
  CHECK(a.reach == 0.1);
  CHECK(a.strategy == geosim::StrategyRule::kAdaptive);
  CHECK(a.weights == geosim::Weights{1, 1, 1});
  CHECK(a.appeasement == 0.5);
  CHECK(a.values == 0.5);
  CHECK(a.outward_investment == 0);
  CHECK(a.counter_influence == 0);
  CHECK(a.coercion == 0);
  CHECK(a.investment_cap == 1);
  CHECK(a.aid_responsiveness == 0);
  CHECK(a.aid_conditionality == 0);
  const geosim::RelationSpec& r = s.relations[0];
  CHECK_FALSE(r.border);
  CHECK(r.distance == 10000);
  CHECK(r.alignment == geosim::Directed{});
  CHECK(r.exports == geosim::Directed{});
  CHECK(r.investment == geosim::Directed{});
  CHECK(r.aid == geosim::Directed{});
  CHECK(r.security == 0);
  CHECK(r.affinity == 0);
  CHECK(s.blocs.empty());
  CHECK(s.events.empty());
  CHECK(s.policies.empty());
  CHECK_FALSE(s.sweep.has_value());

  SECTION("without outcomes: final autonomy, security and gdp of every agent") {
    REQUIRE(s.outcomes.size() == 6);
    CHECK(s.outcomes[0].name == "A_autonomy");
    CHECK(s.outcomes[1].name == "A_security");
    CHECK(s.outcomes[5].name == "B_gdp");
    CHECK(s.outcomes[5].aggregate == geosim::Aggregate::kFinal);
  }
  SECTION("event, bloc and sweep defaults") {
    const geosim::Scenario t = load(std::string(kMinimal) + R"(  - {id: B, gdp: 2}
relations: [{between: [A, B]}]
blocs: [{name: pair, members: [A, B]}]
events:
  - {at: 1, type: sanction, from: A, to: B, intensity: 0.5}
  - {at: 1, type: offense, by: A, against: B}
  - {type: set, probability: 0.1, target: {edge: [B, A]}, attribute: alignment, value: -0.5}
sweep:
  parameters: {seed: {values: [1, 2]}}
)");
    CHECK(t.blocs[0].cohesion == 0.5);
    CHECK(t.blocs[0].from == 0);
    CHECK(t.blocs[0].until == std::numeric_limits<int>::max());
    CHECK(std::get<geosim::SanctionEvent>(t.events[0].action).duration == 1);
    CHECK(std::get<geosim::OffenseEvent>(t.events[1].action).magnitude == 1);
    CHECK(std::get<geosim::OffenseEvent>(t.events[1].action).duration == 1);
    const geosim::Timing& w = t.events[2].timing;
    CHECK(w.from_step == 0);
    CHECK_FALSE(w.until_step.has_value());
    // `from` defaults to the first end of the edge as written.
    CHECK(std::get<geosim::EdgeTarget>(std::get<geosim::ChangeEvent>(t.events[2].action).target).from == "B");
    CHECK(t.sweep->design == geosim::Design::kLhs);
    CHECK(t.sweep->samples == 1);
    CHECK(t.sweep->replicates == 1);
  }
}

TEST_CASE("load: a bare number for a per-direction value means both directions", "[load]") {
  const geosim::Scenario s = load(std::string(kMinimal) + R"(  - {id: B, gdp: 2}
relations:
  - {between: [A, B], alignment: -0.4, exports: 3, investment: 2.5, aid: 0.1}
)");
  const geosim::RelationSpec& r = s.relations[0];
  CHECK(r.alignment == geosim::Directed{-0.4, -0.4});
  CHECK(r.exports == geosim::Directed{3, 3});
  CHECK(r.investment == geosim::Directed{2.5, 2.5});
  CHECK(r.aid == geosim::Directed{0.1, 0.1});

  SECTION("a map names the holder; ab is held by between[0]") {
    const geosim::Scenario t = load(std::string(kMinimal) + R"(  - {id: B, gdp: 2}
relations:
  - {between: [B, A], exports: {A: 7}}
)");
    CHECK(t.relations[0].a == "B");
    CHECK(t.relations[0].exports == geosim::Directed{0, 7});
  }
}

TEST_CASE("load: sections may come in any order", "[load]") {
  // `time` after `events`: the step rule still sees time.steps.
  const geosim::Scenario s = load(R"(events:
  - {at: 9, type: offense, by: A, against: B}
agents: [{id: A, gdp: 1}, {id: B, gdp: 1}]
name: order
time: {steps: 10}
geosim: 1
)");
  CHECK(s.events[0].timing.at == 9);
  CHECK_THAT(load_error(R"(events:
  - {at: 10, type: offense, by: A, against: B}
agents: [{id: A, gdp: 1}, {id: B, gdp: 1}]
name: order
time: {steps: 10}
geosim: 1
)"),
             Catch::Matchers::StartsWith("test.yaml:2:10: at of events[0] must be a step in [0, 10)"));
}

TEST_CASE("load: policies produce one patch per leaf", "[load]") {
  const geosim::Scenario s = load(std::string(kMinimal) + R"(  - {id: B, gdp: 2}
relations: [{between: [A, B]}]
policies:
  mixed:
    parameters:
      commitment: 0.25
      power_weights: {gdp: 0.6, population: 0}
    agents:
      A: {investment_cap: 0.5, weights: {autonomy: 2}, strategy: hedge, military_share: 0.02}
      B: {gdp: 3}
    events:
      - {at: 2, type: set, target: {agent: A}, attribute: strategy, value: bandwagon}
    blocs:
      - {name: pact, members: [A, B], until: 3}
  empty:
)");
  REQUIRE(s.policies.size() == 2);
  const geosim::Policy& p = s.policies[0];
  CHECK(p.name == "mixed");
  REQUIRE(p.parameters.size() == 3);
  CHECK(p.parameters[0].name == "commitment");
  CHECK(p.parameters[0].value == 0.25);
  CHECK(p.parameters[1].name == "power_weights.gdp");
  CHECK(p.parameters[1].value == 0.6);
  CHECK(p.parameters[2].name == "power_weights.population");
  CHECK(p.parameters[2].loc.line == 12);

  // One AgentPatch per leaf, in the order of MODEL.md's attribute table.
  REQUIRE(p.agents.size() == 5);
  CHECK(p.agents[0].agent == "A");
  CHECK(p.agents[0].attribute == geosim::AgentAttribute::kMilitaryShare);
  CHECK(p.agents[0].value == 0.02);
  CHECK(p.agents[1].attribute == geosim::AgentAttribute::kInvestmentCap);
  CHECK(p.agents[2].attribute == geosim::AgentAttribute::kWeightAutonomy);
  CHECK(p.agents[2].value == 2);
  CHECK_FALSE(p.agents[3].attribute.has_value());
  CHECK(p.agents[3].strategy == geosim::StrategyRule::kHedge);
  CHECK(p.agents[4].agent == "B");
  CHECK(p.agents[4].attribute == geosim::AgentAttribute::kGdp);

  REQUIRE(p.events.size() == 1);
  CHECK(std::get<geosim::ChangeEvent>(p.events[0].action).strategy == geosim::StrategyRule::kBandwagon);
  REQUIRE(p.blocs.size() == 1);
  CHECK(p.blocs[0].until == 3);
  CHECK(s.policies[1].name == "empty");  // a null policy changes nothing

  SECTION("with_policy applies the patches") {
    const geosim::Scenario q = geosim::with_policy(s, "mixed");
    CHECK(q.parameters.commitment == 0.25);
    CHECK(q.agents[0].military_share == 0.02);
    CHECK(q.agents[0].strategy == geosim::StrategyRule::kHedge);
    CHECK(q.events.size() == 1);
    CHECK(geosim::check_values(q).empty());
  }
}

TEST_CASE("load: numbers are read as YAML 1.2 decimals, and must be finite", "[load]") {
  using geosim::detail::parse_number;
  using Status = geosim::detail::ParsedNumber::Status;
  CHECK(parse_number("13.9").value == 13.9);
  CHECK(parse_number("-1").value == -1);
  CHECK(parse_number("+2.5e3").value == 2500);
  CHECK(parse_number(".5").value == 0.5);
  CHECK(parse_number("5.").value == 5);
  CHECK(parse_number("1E-3").value == 0.001);
  CHECK(parse_number("1e-400").status == Status::kOk);  // underflows to zero: fine
  CHECK(parse_number("1e-400").value == 0);
  CHECK(parse_number("1e400").status == Status::kOverflow);
  CHECK(parse_number("-1e400").status == Status::kOverflow);
  CHECK(parse_number("0.000001e309").status == Status::kOk);
  CHECK(parse_number(".nan").status == Status::kNotFinite);
  CHECK(parse_number(".NaN").status == Status::kNotFinite);
  CHECK(parse_number("-.inf").status == Status::kNotFinite);
  CHECK(parse_number("+.INF").status == Status::kNotFinite);
  CHECK(parse_number("Infinity").status == Status::kNotFinite);
  CHECK(parse_number("0x10").status == Status::kSyntax);
  CHECK(parse_number("0o17").status == Status::kSyntax);
  CHECK(parse_number("1_000").status == Status::kSyntax);
  CHECK(parse_number("yes").status == Status::kSyntax);
  CHECK(parse_number("1e").status == Status::kSyntax);
  CHECK(parse_number(".").status == Status::kSyntax);
  CHECK(parse_number("").status == Status::kSyntax);
  CHECK(parse_number("1.2.3").status == Status::kSyntax);

  SECTION("whole numbers may be written as floats; seeds are exact to 2^64 - 1") {
    const geosim::Scenario s = load(R"(geosim: 1.0
name: 2019
time: {steps: 1e1, start: -500}
seed: 18446744073709551615
agents: [{id: 007, gdp: 1}]
)");
    CHECK(s.time.steps == 10);
    CHECK(s.time.start == -500);
    CHECK(s.seed == 18446744073709551615ull);
    CHECK(s.name == "2019");        // any scalar is a string
    CHECK(s.agents[0].id == "007");  // as written, not as the number 7
  }
}

TEST_CASE("load: suggestions come from the closest known name", "[load]") {
  using geosim::detail::closest_match;
  using geosim::detail::edit_distance;
  CHECK(edit_distance("exports", "exports") == 0);
  CHECK(edit_distance("export", "exports") == 1);
  CHECK(edit_distance("exprots", "exports") == 1);  // a swap of neighbours is one edit
  CHECK(edit_distance("", "abc") == 3);
  const std::vector<std::string_view> keys = {"gdp", "growth", "regime", "investment_cap", "balance"};
  CHECK(closest_match("gpd", keys) == "gdp");
  CHECK(closest_match("GDP", keys) == "gdp");
  CHECK(closest_match("grwoth", keys) == "growth");
  CHECK(closest_match("investmentcap", keys) == "investment_cap");
  CHECK(closest_match("balancing", keys) == "balance");
  CHECK_FALSE(closest_match("colour", keys).has_value());
  CHECK_FALSE(closest_match("RUS", std::vector<std::string_view>{"USA"}).has_value());
  CHECK(closest_match("MGN", std::vector<std::string_view>{"CHN", "MNG"}) == "MNG");
}

TEST_CASE("load: a file that cannot be read is one diagnostic without a line", "[load]") {
  const fs::path missing = fs::path(GEOSIM_TEST_DATA_DIR) / "no_such_file.yaml";
  try {
    geosim::load_scenario(missing);
    FAIL("a missing file loaded");
  } catch (const geosim::ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.line == 0);
    CHECK(std::string(e.what()) == missing.string() + ": cannot read file: no such file or directory");
  }
  CHECK_THROWS_WITH(geosim::load_scenario(GEOSIM_TEST_DATA_DIR),
                    std::string(GEOSIM_TEST_DATA_DIR) + ": cannot read file: it is a directory");
}

TEST_CASE("load: diagnostics carry their location and source line", "[load]") {
  try {
    load(std::string(kMinimal) + "  - {id: A, gdp: 2}\n");
    FAIL("a duplicate id loaded");
  } catch (const geosim::ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const geosim::Diagnostic& d = e.diagnostics()[0];
    CHECK(d.where.file == "test.yaml");
    CHECK(d.where.line == 6);
    CHECK(d.where.column == 10);
    CHECK(d.source_line == "  - {id: A, gdp: 2}");
    REQUIRE(d.also.has_value());
    CHECK(d.also->line == 5);
    CHECK(d.also_note == "first declared here");
  }
}

TEST_CASE("load: every scenario shipped in scenarios/ loads and passes check_values", "[load]") {
  std::vector<fs::path> files = {fs::path(GEOSIM_SOURCE_DIR) / "tests" / "conformance" / "quad.yaml"};
  std::size_t shipped = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
      ++shipped;
    }
  }
  CHECK(shipped > 0);  // scenarios/ ships at least one example
  for (const fs::path& f : files) {
    INFO(f.string());
    geosim::Scenario s;
    REQUIRE_NOTHROW(s = geosim::load_scenario(f));
    CHECK(s.source_file == f.string());
    CHECK(geosim::check_values(s).empty());
  }
}

// tests/data/invalid/NAME.yaml holds one bad file per rule of the format (its
// first line says which) and NAME.expected the loader's exact message: the
// rendered ScenarioError::what(), plus one final newline. The file is loaded
// with load_scenario_from_string(text, "NAME.yaml"), so messages name the
// file by its base name whatever the checkout's location.
TEST_CASE("load: every invalid file gives exactly its expected diagnostics", "[load]") {
  const fs::path dir = fs::path(GEOSIM_TEST_DATA_DIR) / "invalid";
  std::vector<fs::path> yamls;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".yaml") yamls.push_back(p);
    if (p.extension() == ".expected") {
      INFO(p.filename().string() << " has no .yaml beside it");
      CHECK(fs::exists(fs::path(p).replace_extension(".yaml")));
    }
  }
  std::sort(yamls.begin(), yamls.end());
  CHECK(yamls.size() >= 40);

  for (const fs::path& yaml : yamls) {
    const std::string name = yaml.filename().string();
    const fs::path expected_path = fs::path(yaml).replace_extension(".expected");
    INFO(name);
    if (!fs::exists(expected_path)) {
      FAIL_CHECK("missing " << expected_path.filename().string());
      continue;
    }
    std::string expected = geosim::test::read_file(expected_path);
    if (!expected.empty() && expected.back() == '\n') expected.pop_back();

    std::string actual;
    try {
      geosim::load_scenario_from_string(geosim::test::read_file(yaml), name);
      actual = "(loaded without error)";
    } catch (const geosim::ScenarioError& e) {
      actual = e.what();
    }
    if (actual != expected) {
      // Diff-friendly: both texts whole, and the first line that differs.
      std::size_t line = 1, start = 0;
      while (start < std::min(actual.size(), expected.size())) {
        const std::size_t a_end = std::min(actual.find('\n', start), actual.size());
        const std::size_t e_end = std::min(expected.find('\n', start), expected.size());
        if (actual.compare(start, a_end - start, expected, start, e_end - start) != 0) break;
        start = a_end + 1;
        ++line;
      }
      FAIL_CHECK(name << ": diagnostics differ from " << expected_path.filename().string() << " at line " << line
                      << "\n--- expected\n"
                      << expected << "\n+++ actual\n"
                      << actual << "\n---");
    }
  }
}

TEST_CASE("check_values: the format's ranges on a built or patched scenario, by dotted path", "[load]") {
  geosim::Scenario s = load(std::string(kMinimal) + R"(  - {id: B, gdp: 2}
relations: [{between: [A, B]}]
events:
  - {at: 4, type: sanction, from: A, to: B, intensity: 0.5}
blocs: [{name: pair, members: [A, B]}]
)");
  REQUIRE(geosim::check_values(s).empty());

  using Catch::Matchers::VectorContains;
  SECTION("agent attributes") {
    REQUIRE(geosim::apply_patch(s, "agents.A.regime", 1.2).empty());
    CHECK(geosim::check_values(s) == std::vector<std::string>{"agents.A.regime must be in [0, 1], got 1.2"});
    REQUIRE(geosim::apply_patch(s, "agents.B.weights.autonomy", -1.0).empty());
    CHECK_THAT(geosim::check_values(s),
               VectorContains(std::string("agents.B.weights.autonomy must be >= 0, got -1")));
  }
  SECTION("NaN fails every range, even growth's") {
    s.agents[0].growth = std::nan("");
    s.agents[1].investment_cap = 0;
    CHECK(geosim::check_values(s) == std::vector<std::string>{"agents.A.growth must be a finite number, got nan",
                                                              "agents.B.investment_cap must be in (0, 1], got 0"});
  }
  SECTION("relations, per direction") {
    REQUIRE(geosim::apply_patch(s, "relations.A-B.alignment.B", 2.0).empty());
    REQUIRE(geosim::apply_patch(s, "relations.A-B.distance", -5.0).empty());
    CHECK(geosim::check_values(s) ==
          std::vector<std::string>{"relations.A-B.distance must be >= 0, got -5",
                                   "relations.A-B.alignment.B must be in [-1, 1], got 2"});
  }
  SECTION("parameters and time") {
    REQUIRE(geosim::apply_patch(s, "parameters.grievance_memory", 0.0).empty());
    REQUIRE(geosim::apply_patch(s, "parameters.momentum", -3.0).empty());  // any finite number
    REQUIRE(geosim::apply_patch(s, "time.dt", 0.0).empty());
    CHECK(geosim::check_values(s) == std::vector<std::string>{"time.dt must be > 0, got 0",
                                                              "parameters.grievance_memory must be > 0, got 0"});
  }
  SECTION("fewer steps can leave an event outside [0, steps)") {
    REQUIRE(geosim::apply_patch(s, "time.steps", 3.0).empty());
    CHECK(geosim::check_values(s) ==
          std::vector<std::string>{"events[0].at must be a step in [0, 3) (time.steps is 3), got 4"});
  }
  SECTION("events and blocs") {
    std::get<geosim::SanctionEvent>(s.events[0].action).intensity = 1.5;
    std::get<geosim::SanctionEvent>(s.events[0].action).duration = 0;
    s.blocs[0].cohesion = -0.1;
    CHECK(geosim::check_values(s) == std::vector<std::string>{"blocs[0].cohesion must be in [0, 1], got -0.1",
                                                              "events[0].intensity must be in [0, 1], got 1.5",
                                                              "events[0].duration must be >= 1, got 0"});
  }
}
