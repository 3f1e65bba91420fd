// Tests of `geosim explain` (geosim/explain.hpp, tools/cli_explain.cpp).
//
// The contract: every number the explanation shares with `geosim run` is the
// engine's own, bit for bit. The end-to-end tests run both commands on the
// same scenario, policy, seed, run and step and compare the JSON with
// agents.csv and edges.csv exactly (both print the shortest text that reads
// back to the same double). The in-process tests check, at every step of
// whole runs, that the terms put back together give the engine's values.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geosim/engine.hpp"
#include "geosim/explain.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/rules.hpp"
#include "geosim/scenario.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using geosim::test::close_to;
using geosim::test::Csv;
using geosim::test::run_geosim;
using Result = geosim::test::CommandResult;

std::string q(const std::string& s) { return geosim::test::shell_quote(s); }
std::string bundled(const std::string& name) { return std::string(GEOSIM_SOURCE_DIR) + "/scenarios/" + name; }

/// `text` with every run of spaces and newlines made one space: the report
/// breaks long sentences over lines, so phrases are looked for in this.
std::string flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

/// A CSV field as a double: strtod reads the engine's shortest text back to the same double.
double number(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

/// agents.csv and edges.csv of one `geosim run`.
struct RunTables {
  Csv agents;
  Csv edges;
};

RunTables run_tables(const std::string& scenario, const std::string& options) {
  geosim::test::ScratchDir scratch;
  const fs::path out = scratch.dir / "run";
  const Result r = run_geosim("run " + q(scenario) + " " + options + " --quiet --out " + q(out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  return {geosim::test::parse_csv(geosim::test::read_file(out / "agents.csv")),
          geosim::test::parse_csv(geosim::test::read_file(out / "edges.csv"))};
}

json explain_json(const std::string& scenario, const std::string& options) {
  const Result r = run_geosim("explain " + q(scenario) + " " + options + " --format json");
  INFO(options << "\n" << r.err);
  REQUIRE(r.status == 0);
  REQUIRE(json::accept(r.out));
  return json::parse(r.out);
}

/// The fields of a CSV row, by column name.
struct Row {
  const Csv* csv = nullptr;
  const std::vector<std::string>* fields = nullptr;
  const std::string& operator[](const std::string& column) const { return (*fields)[csv->column(column)]; }
};

std::vector<Row> select(const Csv& csv, const std::vector<std::pair<std::string, std::string>>& where) {
  std::vector<Row> out;
  for (const auto& fields : csv.rows) {
    bool ok = true;
    for (const auto& [column, value] : where) ok = ok && fields[csv.column(column)] == value;
    if (ok) out.push_back(Row{&csv, &fields});
  }
  return out;
}

/// The entry of a JSON array whose "partner" is `id`.
const json& partner(const json& list, const std::string& id) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const json& e) { return e.at("partner") == id; });
  REQUIRE(it != list.end());
  return *it;
}

/// Checks the explanation `x` (JSON) against the rows `geosim run` wrote for
/// the same run and step: every agents.csv column of the agent and every
/// edges.csv column of its out-edges that the explanation reports.
void check_against_run(const json& x, const RunTables& t, int steps) {
  const std::string agent = x["agent"]["id"];
  const std::string run = std::to_string(x["run"].get<std::uint64_t>());
  const int step = x["step"];
  INFO("agent " << agent << ", run " << run << ", step " << step);
  const auto rows = select(t.agents, {{"run", run}, {"step", std::to_string(step)}, {"agent", agent}});
  REQUIRE(rows.size() == 1);
  const Row& a = rows[0];

  CHECK(x["strategy"] == a["strategy"]);
  CHECK(x["decision"]["strategy"] == a["strategy"]);
  if (a["main_threat"].empty()) {
    CHECK(x["threat"]["main_threat"].is_null());
  } else {
    CHECK(x["threat"]["main_threat"] == a["main_threat"]);
  }
  if (a["top_dependence"].empty()) {
    CHECK(x["dependence"]["top_dependence"].is_null());
  } else {
    CHECK(x["dependence"]["top_dependence"] == a["top_dependence"]);
  }
  CHECK(x["threat"]["threat"].get<double>() == number(a["threat"]));
  CHECK(x["counterweights"]["capacity"].get<double>() == number(a["counterweight"]));
  CHECK(x["decision"]["security"].get<double>() == number(a["security"]));
  CHECK(x["agent"]["gdp"].get<double>() == number(a["gdp"]));
  CHECK(x["agent"]["military"].get<double>() == number(a["military"]));
  CHECK(x["agent"]["power"].get<double>() == number(a["power"]));
  CHECK(x["dependence"]["autonomy"].get<double>() == number(a["autonomy"]));
  CHECK(x["dependence"]["concentration"].get<double>() == number(a["hhi"]));
  for (const char* s : {"balance", "bandwagon", "hedge"}) {
    const std::string column = std::string("u_") + s;
    if (a[column].empty()) {
      CHECK(x["decision"]["utilities"].is_null());
    } else {
      CHECK(x["decision"]["utilities"][s]["utility"].get<double>() == number(a[column]));
    }
  }

  const auto edges = select(t.edges, {{"run", run}, {"step", std::to_string(step)}, {"source", agent}});
  CHECK(x["threat"]["partners"].size() == edges.size());
  CHECK(x["dependence"]["partners"].size() == edges.size());
  CHECK(x["alignment"]["partners"].size() == edges.size());
  for (const Row& e : edges) {
    const std::string j = e["target"];
    INFO("partner " << j);
    CHECK(partner(x["threat"]["partners"], j)["threat"].get<double>() == number(e["threat"]));
    CHECK(partner(x["dependence"]["partners"], j)["dependence"].get<double>() == number(e["dependence"]));
    const json& al = partner(x["alignment"]["partners"], j);
    CHECK(al["alignment"].get<double>() == number(e["alignment"]));
    CHECK(al["reward"].get<double>() == number(e["reward"]));
    if (step + 1 < steps) {  // a'_ij is the next step's alignment (no alignment events in these scenarios)
      const auto next = select(t.edges, {{"run", run}, {"step", std::to_string(step + 1)}, {"source", agent}, {"target", j}});
      REQUIRE(next.size() == 1);
      CHECK(al["new_alignment"].get<double>() == number(next[0]["alignment"]));
    }
  }
}

/// β⁰ and explain_step() for every agent at every step of one run, as
/// `geosim explain` computes them, handed to `fn(view, explanation)`.
template <typename Fn>
void for_every_explanation(const geosim::Model& model, geosim::RunKey key, Fn fn) {
  std::vector<double> beta0(model.num_edges());
  geosim::simulate(model, key, [&](const geosim::StepView& v) {
    if (v.step == 0) {
      for (geosim::EdgeId e = 0; e < model.num_edges(); ++e) beta0[e] = geosim::standard::disposition(v.state, model, v.derived, 0, e);
    }
    for (geosim::AgentId i = 0; i < model.num_agents(); ++i) fn(v, geosim::explain_step(v, i, beta0));
  });
}

double clamp(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }

/// Every term, put back together as MODEL.md says, gives the engine's value.
void check_terms(const geosim::StepView& v, const geosim::Explanation& x) {
  using geosim::Strategy;
  const geosim::AgentDecision& dec = v.decisions.agents[x.agent];
  const geosim::AgentDerived& der = v.derived.agents[x.agent];
  INFO("agent " << x.id(x.agent) << " step " << v.step);
  CHECK(x.threat == der.threat);
  CHECK(x.main_threat == der.main_threat);
  CHECK(x.strategy == dec.strategy);
  CHECK(x.capacity == dec.counterweight);
  CHECK(x.security == dec.security);
  for (const geosim::ThreatRow& r : x.threats) {
    CHECK(r.terms.threat == r.threat);  // the breakdown is the engine's computation
    CHECK(r.terms.rel * r.terms.prox * r.terms.hostility == r.threat);
    CHECK(r.terms.hostility ==
          clamp(r.terms.alignment + r.terms.suspicion + r.terms.grievance - r.terms.relief, 0.0, 1.0));
    CHECK(r.terms.alignment == 0.5 * (1 - r.partner_alignment));
    CHECK(r.terms.prox == (r.border ? 1.0 : std::max(r.geo, r.reach)));
    CHECK_THAT(r.terms.rel, close_to(r.partner_power / (r.power + r.partner_power)));
  }
  // Sorted: the main threat first.
  CHECK(std::is_sorted(x.threats.begin(), x.threats.end(),
                       [](const auto& a, const auto& b) { return a.threat > b.threat; }));
  if (x.main_threat >= 0) {
    REQUIRE(!x.threats.empty());
    CHECK(static_cast<int>(x.threats.front().partner) == x.main_threat);
    double none = 1;
    for (const geosim::CounterweightRow& c : x.counterweights) {
      none *= 1 - c.cw;
      const double a_kh = c.alignment_to_threat.value_or(0.0);
      CHECK_THAT(c.cw, close_to(c.power_share * (1 - a_kh) / 2 * (1 + c.alignment_to_agent) / 2 * c.proximity));
    }
    CHECK_THAT(1 - none, close_to(x.capacity));
    REQUIRE(x.table.has_value());
    const auto& tb = *x.table;
    for (int k = 0; k < 3; ++k) {
      CHECK(x.weights.security * tb.security[k] + x.weights.prosperity * tb.prosperity[k] +
                x.weights.autonomy * tb.autonomy[k] ==
            dec.utility[k]);
    }
    CHECK(tb.security[static_cast<std::size_t>(x.strategy)] == x.security);
    CHECK(tb.capacity == x.capacity);
    CHECK(tb.threat == x.threat);
    if (x.how == geosim::ChoiceRule::kUtility) CHECK(x.strategy == *x.best);
    CHECK(x.margin == tb.utility[static_cast<std::size_t>(x.strategy)] -
                          tb.utility[static_cast<std::size_t>(*x.runner_up)]);
    if (x.how == geosim::ChoiceRule::kSampled) {
      CHECK_THAT(x.probability[0] + x.probability[1] + x.probability[2], close_to(1.0));
      double below = 0;
      for (int k = 0; k < static_cast<int>(x.strategy); ++k) below += x.probability[k];
      CHECK(x.draw >= below - 1e-12);
      CHECK(x.draw < below + x.probability[static_cast<std::size_t>(x.strategy)] + 1e-12);
    }
  } else {
    CHECK(x.counterweights.empty());
    CHECK(!x.table.has_value());
    CHECK(x.strategy == Strategy::kHedge);
    CHECK(x.how == geosim::ChoiceRule::kNoThreat);
    CHECK(x.security == 1.0);
  }
  for (const geosim::DependenceRow& r : x.dependences) {
    CHECK_THAT(r.trade_part + r.investment_part + r.aid_part, close_to(r.dependence));
  }
  CHECK(x.autonomy == 1 - x.exposure * x.max_dependence);
  for (const geosim::AlignmentRow& r : x.alignments) {
    CHECK(clamp(r.alignment + r.move + r.noise, -1.0, 1.0) == r.next);
    CHECK(r.disposition.reward + r.disposition.affinity + r.disposition.values + r.disposition.bloc +
              r.disposition.influence ==
          r.disposition.beta);
    CHECK(r.anchored == clamp(r.disposition.beta + x.anchoring * (r.initial - r.disposition0), -1.0, 1.0));
    CHECK(r.target == clamp(r.anchored + r.push, -1.0, 1.0));
    const bool pushed = x.main_threat >= 0 && x.strategy != Strategy::kHedge;
    if (!pushed) CHECK(r.push == 0.0);
    if (pushed && static_cast<int>(r.partner) == x.main_threat) {
      const double push = x.strategy == Strategy::kBalance ? -x.commitment : x.commitment;
      CHECK(r.target == clamp(r.anchored + push, -1.0, 1.0));
    }
  }
}

/// A scenario written to a scratch file.
struct ScenarioFile {
  geosim::test::ScratchDir scratch;
  std::string path;
  explicit ScenarioFile(const std::string& yaml) : path((scratch.dir / "s.yaml").string()) {
    std::ofstream(path) << yaml;
  }
};

// Three states: AAA and BBB far apart and friends, so neither threatens the
// other enough; CCC has no relation at all.
constexpr const char* kQuiet = R"(geosim: 1
name: Quiet
time: {start: 2000, steps: 4}
seed: 3
agents:
  - {id: AAA, gdp: 10, military: 1, population: 1}
  - {id: BBB, gdp: 10, military: 1, population: 1}
  - {id: CCC, gdp: 5, population: 1}
relations:
  - between: [AAA, BBB]
    distance: 9000
    alignment: 0.9
    exports: {AAA: 1, BBB: 1}
)";

}  // namespace

TEST_CASE("explain: the terms give back the engine's numbers at every step of triad and mongolia",
          "[explain]") {
  for (const char* name : {"triad.yaml", "mongolia_2019.yaml"}) {
    INFO(name);
    const geosim::Scenario s = geosim::load_scenario(bundled(name));
    const geosim::Model model = geosim::compile(s);
    for (std::uint64_t run : {0, 1}) {
      for_every_explanation(model, {s.seed, run}, check_terms);
    }
  }
}

TEST_CASE("explain: the terms give back the engine's numbers with choice temperature and noise",
          "[explain]") {
  // triad with a choice temperature: strategies are drawn, not argmax.
  geosim::Scenario s = geosim::load_scenario(bundled("triad.yaml"));
  REQUIRE(geosim::apply_patch(s, "parameters.choice_temperature", 0.2).empty());
  REQUIRE(geosim::apply_patch(s, "parameters.alignment_noise", 0.3).empty());
  const geosim::Model model = geosim::compile(s);
  int sampled = 0;
  for_every_explanation(model, {5, 2}, [&](const geosim::StepView& v, const geosim::Explanation& x) {
    check_terms(v, x);
    sampled += x.how == geosim::ChoiceRule::kSampled;
  });
  CHECK(sampled > 0);
}

TEST_CASE("explain: JSON equals agents.csv and edges.csv of geosim run on triad", "[explain]") {
  const std::string scenario = bundled("triad.yaml");
  const RunTables t = run_tables(scenario, "--runs 2");
  // SML hedges, bandwagons (5, 6) and hedges again; GNT and FAR adapt; BER is fixed.
  const std::vector<std::pair<std::string, int>> cases = {
      {"SML", 0}, {"SML", 3}, {"SML", 5}, {"SML", 6}, {"SML", 13}, {"GNT", 5}, {"BER", 8}, {"FAR", 10}, {"FAR", 19}};
  for (const auto& [agent, step] : cases) {
    check_against_run(explain_json(scenario, "--agent " + agent + " --step " + std::to_string(step)), t, 20);
  }
  check_against_run(explain_json(scenario, "--agent SML --step 14 --run 1"), t, 20);
}

TEST_CASE("explain: JSON equals agents.csv and edges.csv of geosim run on mongolia_2019", "[explain]") {
  const std::string scenario = bundled("mongolia_2019.yaml");
  const RunTables t = run_tables(scenario, "--runs 2");
  const std::vector<std::pair<std::string, int>> cases = {
      {"MNG", 0}, {"MNG", 5}, {"MNG", 29}, {"CHN", 5}, {"RUS", 12}, {"USA", 20}, {"KAZ", 10}, {"PRK", 3}};
  for (const auto& [agent, step] : cases) {
    check_against_run(explain_json(scenario, "--agent " + agent + " --step " + std::to_string(step)), t, 30);
  }
  check_against_run(explain_json(scenario, "--agent MNG --step 7 --run 1"), t, 30);
}

TEST_CASE("explain: policy and seed are those of geosim run", "[explain]") {
  const std::string triad = bundled("triad.yaml");
  const RunTables open = run_tables(triad, "--policy open_market");
  const json x = explain_json(triad, "--agent SML --step 5 --policy open_market");
  CHECK(x["policy"] == "open_market");
  check_against_run(x, open, 20);

  const std::string mongolia = bundled("mongolia_2019.yaml");
  const RunTables seeded = run_tables(mongolia, "--seed 11 --runs 2 --policy third_neighbor_trade_act");
  const json y = explain_json(mongolia, "--agent MNG --step 9 --seed 11 --run 1 --policy third_neighbor_trade_act");
  CHECK(y["seed"] == 11);
  CHECK(y["run"] == 1);
  check_against_run(y, seeded, 30);
}

TEST_CASE("explain: hand check of the small state of triad at step 0", "[explain]") {
  // triad.yaml's own hand check (the comment at its end), from the file's
  // numbers: at step 0 nothing has happened yet (no sanctions, G = Gp).
  const json x = explain_json(bundled("triad.yaml"), "--agent SML --step 0");
  // Power shares over G (total 4810), M (162.1) and population (1443).
  const double p_sml = 0.5 * 10 / 4810 + 0.4 * 0.1 / 162.1 + 0.1 * 3 / 1443.0;
  const double p_gnt = 0.5 * 2000 / 4810 + 0.4 * 50 / 162.1 + 0.1 * 1000 / 1443.0;
  CHECK_THAT(x["agent"]["power"].get<double>(), close_to(p_sml));
  // The Giant: border (proximity 1); hostility 0.5 (1 - 0.2) + 0.25 |0.8 - 0.1| - 0.5 x 0.05 = 0.55.
  const json& gnt = x["threat"]["partners"][0];
  CHECK(gnt["partner"] == "GNT");
  CHECK(x["threat"]["main_threat"] == "GNT");
  CHECK_THAT(gnt["stance_term"].get<double>(), close_to(0.4));
  CHECK_THAT(gnt["regime_term"].get<double>(), close_to(0.175));
  CHECK_THAT(gnt["relief_term"].get<double>(), close_to(0.025));
  CHECK(gnt["grievance"].get<double>() == 0.0);
  CHECK_THAT(gnt["hostility"].get<double>(), close_to(0.55));
  CHECK(gnt["proximity"].get<double>() == 1.0);
  CHECK(gnt["border"] == true);
  CHECK_THAT(gnt["relative_power"].get<double>(), close_to(p_gnt / (p_sml + p_gnt)));
  CHECK_THAT(gnt["threat"].get<double>(), close_to(p_gnt / (p_sml + p_gnt) * 0.55));  // 0.548
  CHECK(x["threat"]["partners"][1]["partner"] == "BER");  // 0.38
  CHECK(x["threat"]["partners"][2]["partner"] == "FAR");  // 0.23
  // FAR is not on the border: proximity = max(exp(-9000/1500), reach 0.7) = 0.7.
  CHECK(x["threat"]["partners"][2]["proximity"].get<double>() == 0.7);
  // Dependence on the Giant: trade (4 + 1.5)/6.95, investment 3/4, aid 0.02/0.07,
  // weights 0.5, 0.4, 0.1 (sum 1).
  const json& dg = x["dependence"]["partners"][0];
  CHECK(dg["partner"] == "GNT");
  CHECK_THAT(dg["trade_share"].get<double>(), close_to(5.5 / 6.95));
  CHECK_THAT(dg["investment_share"].get<double>(), close_to(0.75));
  CHECK_THAT(dg["aid_share"].get<double>(), close_to(0.02 / 0.07));
  const double d = 0.5 * 5.5 / 6.95 + 0.4 * 0.75 + 0.1 * 0.02 / 0.07;  // 0.724
  CHECK_THAT(dg["dependence"].get<double>(), close_to(d));
  CHECK(x["dependence"]["exposure"].get<double>() == 1.0);  // min(1, 0.695 / 0.5)
  CHECK_THAT(x["dependence"]["autonomy"].get<double>(), close_to(1 - d));
  // Utilities 1.860, 2.249, 2.308: SML hedges, 0.059 ahead of bandwagoning.
  const json& u = x["decision"]["utilities"];
  CHECK(std::round(u["balance"]["utility"].get<double>() * 1000) == 1860);
  CHECK(std::round(u["bandwagon"]["utility"].get<double>() * 1000) == 2249);
  CHECK(std::round(u["hedge"]["utility"].get<double>() * 1000) == 2308);
  CHECK(x["strategy"] == "hedge");
  CHECK(x["decision"]["how"] == "utility");
  CHECK(x["decision"]["runner_up"] == "bandwagon");
  CHECK_THAT(x["decision"]["margin"].get<double>(),
             close_to(u["hedge"]["utility"].get<double>() - u["bandwagon"]["utility"].get<double>()));
  // Hedging: no push, and at step 0 the anchored disposition is the scenario's alignment.
  for (const json& a : x["alignment"]["partners"]) {
    CHECK(a["push"].get<double>() == 0.0);
    CHECK_THAT(a["anchored"].get<double>(), close_to(a["initial_alignment"].get<double>()));
  }
}

TEST_CASE("explain: hand check of the small state bandwagoning after the sanction, triad step 5",
          "[explain]") {
  // At step 3 SML offends GNT, which sanctions it (0.6 x 0.5 = 0.3) for
  // steps 3 and 4. SML's grievance (c += dt s_ji each step, fading with
  // exp(-1/3)) pushes GNT's hostility over 1, so T_GNT = rel (about 0.996):
  // balancing would be hopeless against such a threat (C is small) and
  // bandwagoning buys protection (appeasement 0.6): SML bandwagons.
  const json x = explain_json(bundled("triad.yaml"), "--agent SML --step 5");
  const json& gnt = x["threat"]["partners"][0];
  CHECK(gnt["partner"] == "GNT");
  const double c = std::min(1.0, 0.3 * std::exp(-1.0 / 3) + 0.3);  // grievance after steps 3 and 4
  CHECK_THAT(gnt["grievance"].get<double>(), close_to(c));
  CHECK(gnt["hostility"].get<double>() == 1.0);
  CHECK(gnt["threat"].get<double>() == gnt["relative_power"].get<double>());
  CHECK(x["strategy"] == "bandwagon");
  CHECK(x["decision"]["how"] == "utility");
  CHECK(x["decision"]["best"] == "bandwagon");
  CHECK(x["decision"]["runner_up"] == "hedge");
  CHECK(x["decision"]["margin"].get<double>() > 0);
  // Bandwagoning: the target for GNT is b + commitment; counterweights are pushed away.
  for (const json& a : x["alignment"]["partners"]) {
    if (a["partner"] == "GNT") {
      CHECK(a["role"] == "main_threat");
      CHECK_THAT(a["push"].get<double>(), close_to(0.5));
    } else {
      CHECK(a["push"].get<double>() <= 0);
    }
  }
  // The strongest counterweight is pushed by the full -commitment/2.
  const std::string strongest = x["counterweights"]["partners"][0]["partner"];
  CHECK(x["counterweights"]["partners"][0]["normalised"].get<double>() == 1.0);
  CHECK_THAT(partner(x["alignment"]["partners"], strongest)["push"].get<double>(), close_to(-0.25));
}

TEST_CASE("explain: a fixed strategy is reported as fixed", "[explain]") {
  const std::string triad = bundled("triad.yaml");
  const json x = explain_json(triad, "--agent BER --step 8");
  CHECK(x["agent"]["rule"] == "balance");
  CHECK(x["strategy"] == "balance");
  CHECK(x["decision"]["how"] == "fixed");
  CHECK(!x["decision"]["utilities"].is_null());
  const Result text = run_geosim("explain " + q(triad) + " --agent BER --step 8");
  CHECK(text.status == 0);
  CHECK_THAT(flat(text.out), Catch::Contains("The strategy is fixed to balance by the scenario"));
}

TEST_CASE("explain: no main threat and no partners", "[explain]") {
  const ScenarioFile file(kQuiet);
  const RunTables t = run_tables(file.path, "");
  for (const char* agent : {"AAA", "CCC"}) {
    const json x = explain_json(file.path, std::string("--agent ") + agent + " --step 2");
    check_against_run(x, t, 4);
    CHECK(x["threat"]["main_threat"].is_null());
    CHECK(x["strategy"] == "hedge");
    CHECK(x["decision"]["how"] == "no_threat");
    CHECK(x["decision"]["utilities"].is_null());
    CHECK(x["decision"]["security"].get<double>() == 1.0);
    CHECK(x["counterweights"]["capacity"].get<double>() == 0.0);
    CHECK(x["counterweights"]["partners"].empty());
  }
  const json a = explain_json(file.path, "--agent AAA --step 2");
  CHECK(a["threat"]["none_reason"] == "below_floor");
  CHECK(a["threat"]["partners"].size() == 1);
  CHECK(a["threat"]["partners"][0]["threat"].get<double>() < a["threat"]["threat_floor"].get<double>());
  const json c = explain_json(file.path, "--agent CCC --step 0");
  CHECK(c["threat"]["none_reason"] == "no_partners");
  CHECK(c["threat"]["partners"].empty());
  CHECK(c["alignment"]["partners"].empty());
  CHECK(c["dependence"]["top_dependence"].is_null());

  const Result text = run_geosim("explain " + q(file.path) + " --agent AAA --step 1");
  CHECK(text.status == 0);
  CHECK_THAT(flat(text.out), Catch::Contains("no main threat"));
  CHECK_THAT(flat(text.out), Catch::Contains("is below the threat floor 0.02"));
  const Result alone = run_geosim("explain " + q(file.path) + " --agent CCC --step 1");
  CHECK(alone.status == 0);
  CHECK_THAT(flat(alone.out), Catch::Contains("has no partners (no relations), so nothing threatens it"));
}

TEST_CASE("explain: a sampled strategy reports its probabilities and draw", "[explain]") {
  // The triad with one more policy, `warm`, that sets a choice temperature.
  std::string with_policy = geosim::test::read_file(bundled("triad.yaml"));
  const auto at = with_policy.find("\npolicies:");
  REQUIRE(at != std::string::npos);
  const auto eol = with_policy.find('\n', at + 1);
  with_policy.insert(eol + 1, "  warm:\n    description: drawn strategies\n    parameters: {choice_temperature: 0.3}\n");
  const ScenarioFile file(with_policy);
  const RunTables t = run_tables(file.path, "--policy warm");
  for (int step : {0, 5, 9}) {
    const json x = explain_json(file.path, "--agent SML --step " + std::to_string(step) + " --policy warm");
    check_against_run(x, t, 20);
    CHECK(x["decision"]["how"] == "sampled");
    CHECK(x["decision"]["choice_temperature"].get<double>() == 0.3);
    const json& p = x["decision"]["probabilities"];
    CHECK_THAT(p["balance"].get<double>() + p["bandwagon"].get<double>() + p["hedge"].get<double>(), close_to(1.0));
    const double draw = x["decision"]["draw"].get<double>();
    CHECK(draw >= 0);
    CHECK(draw < 1);
  }
}

TEST_CASE("explain: the JSON object has the documented keys in a stable order", "[explain]") {
  const json x = explain_json(bundled("mongolia_2019.yaml"), "--agent MNG --step 5");
  std::vector<std::string> keys;
  for (auto it = x.begin(); it != x.end(); ++it) keys.push_back(it.key());
  // nlohmann::json sorts keys; the order of the text is checked below on the raw output.
  std::vector<std::string> expected = {"format",    "scenario",       "policy",   "seed",       "run",
                                       "step",      "year",           "agent",    "strategy",   "threat",
                                       "counterweights", "decision",  "dependence", "alignment"};
  std::vector<std::string> sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  CHECK(keys == sorted);
  CHECK(x["format"] == "geosim-explain 1");
  CHECK(x["year"].get<double>() == 2024.0);
  const Result raw = run_geosim("explain " + q(bundled("mongolia_2019.yaml")) + " --agent MNG --step 5 --format json");
  REQUIRE(raw.status == 0);
  std::size_t last = 0;
  for (const std::string& k : expected) {
    const std::size_t pos = raw.out.find("\n  \"" + k + "\":");
    INFO(k);
    REQUIRE(pos != std::string::npos);
    CHECK(pos >= last);
    last = pos;
  }
  for (const char* k : {"main_threat", "threat", "threat_floor", "none_reason", "partners"}) CHECK(x["threat"].contains(k));
  for (const char* k : {"partner", "threat", "relative_power", "power", "partner_power", "proximity", "border",
                        "distance_km", "geo", "reach", "hostility", "stance_term", "partner_alignment", "regime_term",
                        "regime_gap", "grievance", "relief_term", "security"}) {
    CHECK(x["threat"]["partners"][0].contains(k));
  }
  for (const char* k : {"against", "capacity", "partners"}) CHECK(x["counterweights"].contains(k));
  for (const char* k : {"partner", "cw", "normalised", "power_share", "alignment_to_threat", "alignment_to_agent",
                        "proximity"}) {
    CHECK(x["counterweights"]["partners"][0].contains(k));
  }
  for (const char* k : {"strategy", "how", "rule", "security", "weights", "best", "runner_up", "margin", "inputs",
                        "utilities", "choice_temperature", "probabilities", "draw"}) {
    CHECK(x["decision"].contains(k));
  }
  for (const char* k : {"threat", "capacity", "relative_power", "appeasement", "reward_share", "momentum",
                        "exposed_dependence", "exposed_concentration"}) {
    CHECK(x["decision"]["inputs"].contains(k));
  }
  for (const char* s : {"balance", "bandwagon", "hedge"}) {
    for (const char* k : {"security", "prosperity", "autonomy", "utility"}) CHECK(x["decision"]["utilities"][s].contains(k));
  }
  for (const char* k : {"exposure", "concentration", "max_dependence", "autonomy", "top_dependence", "total_trade",
                        "inbound_investment", "inbound_aid", "exposure_reference", "partners"}) {
    CHECK(x["dependence"].contains(k));
  }
  for (const char* k : {"partner", "dependence", "trade_part", "investment_part", "aid_part", "trade_share",
                        "investment_share", "aid_share", "trade", "investment", "aid"}) {
    CHECK(x["dependence"]["partners"][0].contains(k));
  }
  for (const char* k : {"adjustment", "commitment", "anchoring", "noise_sd", "partners"}) CHECK(x["alignment"].contains(k));
  for (const char* k : {"partner", "role", "alignment", "new_alignment", "initial_alignment", "reward", "disposition",
                        "disposition_start", "disposition_terms", "bloc_cohesion", "anchored", "target", "push", "move",
                        "noise", "clamped"}) {
    CHECK(x["alignment"]["partners"][0].contains(k));
  }
  // Mongolia has alignment noise: the draws are reported.
  CHECK(x["alignment"]["noise_sd"].get<double>() == 0.02);
  CHECK(partner(x["alignment"]["partners"], "CHN")["noise"].get<double>() != 0.0);
}

TEST_CASE("explain: the text report", "[explain]") {
  const Result r = run_geosim("explain " + q(bundled("triad.yaml")) + " --agent SML --step 0");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::StartsWith("SML (Small state) at step 0 (year 2020), run 0\n"));
  CHECK_THAT(flat(r.out), Catch::Contains("In short: SML hedges; its main threat is GNT (T = 0.548). Hedge has the "
                                          "largest utility, 0.0586 above bandwagon."));
  CHECK_THAT(flat(r.out), Catch::Contains("GNT is SML's main threat: T = 0.548"));
  for (const char* section : {"\nThreat\n", "\nCounterweights against GNT\n", "\nDecision\n", "\nDependence\n",
                              "\nAlignment\n"}) {
    CHECK_THAT(r.out, Catch::Contains(section));
  }
  // Three significant digits: the utilities of the hand check.
  CHECK_THAT(r.out, Catch::Contains("1.86"));
  CHECK_THAT(r.out, Catch::Contains("2.25"));
  CHECK_THAT(r.out, Catch::Contains("2.31"));
  CHECK_THAT(r.out, Catch::Contains("<- chosen"));
  // No line is longer than a terminal can show comfortably, tables aside.
  std::size_t longest = 0, start = 0;
  while (start < r.out.size()) {
    const std::size_t end = r.out.find('\n', start);
    longest = std::max(longest, end - start);
    start = end + 1;
  }
  CHECK(longest <= 110);
}

TEST_CASE("explain: format_sig3 rounds to three significant digits", "[explain]") {
  CHECK(geosim::format_sig3(0) == "0");
  CHECK(geosim::format_sig3(0.54812) == "0.548");
  CHECK(geosim::format_sig3(1.0) == "1");
  CHECK(geosim::format_sig3(-0.25) == "-0.25");
  CHECK(geosim::format_sig3(2345.6) == "2350");
  CHECK(geosim::format_sig3(999.6) == "1000");
  CHECK(geosim::format_sig3(12.345) == "12.3");
  CHECK(geosim::format_sig3(0.00012345) == "0.000123");
  CHECK(geosim::format_sig3(1.2e-5) == "1.2e-05");
}

TEST_CASE("explain: usage errors exit with status 2", "[explain]") {
  const std::string triad = q(bundled("triad.yaml"));
  const Result agent = run_geosim("explain " + triad + " --agent SLM --step 0");
  CHECK(agent.status == 2);
  CHECK_THAT(agent.err, Catch::Contains("unknown agent 'SLM'"));
  CHECK_THAT(agent.err, Catch::Contains("did you mean 'SML'?"));
  CHECK_THAT(agent.err, Catch::Contains("SML, GNT, BER, FAR"));
  CHECK(agent.out.empty());

  const Result late = run_geosim("explain " + triad + " --agent SML --step 20");
  CHECK(late.status == 2);
  CHECK_THAT(late.err, Catch::Contains("step 20 is out of range"));
  CHECK_THAT(late.err, Catch::Contains("steps 0 to 19"));
  CHECK(run_geosim("explain " + triad + " --agent SML --step -1").status == 2);

  const Result policy = run_geosim("explain " + triad + " --agent SML --step 0 --policy nope");
  CHECK(policy.status == 2);
  CHECK_THAT(policy.err, Catch::Contains("unknown policy 'nope'"));

  CHECK(run_geosim("explain " + triad + " --agent SML --step 0 --format xml").status == 2);
  CHECK(run_geosim("explain " + triad + " --step 0").status == 2);   // --agent is required
  CHECK(run_geosim("explain " + triad + " --agent SML").status == 2);  // --step is required
  CHECK(run_geosim("explain --agent SML --step 0").status == 2);       // no scenario

  const Result missing = run_geosim("explain /no/such/file.yaml --agent SML --step 0");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("no such file"));

  const ScenarioFile bad("geosim: 1\nname: Bad\ntime: {start: 2000, steps: 2}\nagents:\n  - {id: A, gpd: 1}\n");
  const Result invalid = run_geosim("explain " + q(bad.path) + " --agent A --step 0");
  CHECK(invalid.status == 2);
  CHECK_THAT(invalid.err, Catch::Contains("did you mean 'gdp'?"));

  const Result help = run_geosim("explain --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:"));
  CHECK_THAT(help.out, Catch::Contains("--agent"));
}
