// Stylized facts: qualitative patterns from the literature that the standard
// rule set (MODEL.md) should reproduce. docs/stylized-facts.md lists them in a
// table, with sources, set-ups and what each test asserts.
//
// Every test builds a small scenario from a YAML string (2-5 agents), runs it
// with the standard rule set and asserts a pattern on the model's own
// observables (MODEL.md section 4: strategy, threat, autonomy, gdp,
// investment, alignment ...). Each test holds a contrast, a second run or a
// parameter loop in which the pattern would show up differently if the
// mechanism behind it were missing or reversed; the comment of each test says
// how it can fail.
//
// Sources cited below:
//   Walt 1987: S. Walt, The Origins of Alliances (balance of threat).
//   Waltz 1979: K. Waltz, Theory of International Politics (internal balancing).
//   Schweller 1994: R. Schweller, Bandwagoning for Profit, International Security 19(1).
//   Kuik 2008/2016: C.-C. Kuik on hedging by small states (Contemporary Southeast
//     Asia 30(2); Journal of Contemporary China 25).
//   Hirschman 1945: A. Hirschman, National Power and the Structure of Foreign Trade.
//   Galtung 1967: J. Galtung, On the Effects of International Economic Sanctions,
//     World Politics 19(3) (sanctions breed resentment and rallying).
//   Alesina & Dollar 2000: Who Gives Foreign Aid to Whom and Why?, J. of Economic Growth 5.
//   Boulding 1962: K. Boulding, Conflict and Defense (the loss-of-strength gradient).
//   seed 001: /work/shared/seeds/001_afbd8a6cba422d4b.txt (Mongolia's relations with
//     its neighbours; Soviet military presence on the Chinese border; third neighbours).
//   seed 004: /work/shared/seeds/004_5a0ccbbceb4e23eb.txt (Irgengioro 2022: multi-vector
//     policy, the one-third FDI rule of the 2010 National Security Concept, the 2016
//     blockade after the Dalai Lama visit).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/scenario.hpp"

namespace {

using geosim::Strategy;

// --- Running a scenario and reading its observables ---------------------------

/// One agent at one step: the columns of MODEL.md section 4 (read through
/// geosim::agent_metric), plus potential GDP from the state.
struct AgentRow {
  Strategy strategy = Strategy::kHedge;
  std::string main_threat;  ///< agent id; "" when there is none
  double threat = 0;
  double counterweight = 0;
  double security = 0;
  double gdp = 0;            ///< actual GDP G
  double potential_gdp = 0;  ///< Gp
  double military = 0;
  double power = 0;
  double autonomy = 0;
  double hhi = 0;
  std::optional<double> u_balance, u_bandwagon, u_hedge;

  double military_share() const { return gdp > 0 ? military / gdp : 0; }
  std::optional<double> utility(Strategy s) const {
    return s == Strategy::kBalance ? u_balance : s == Strategy::kBandwagon ? u_bandwagon : u_hedge;
  }
  /// Utility of the chosen strategy minus the best of the other two (0 without a main threat).
  double margin() const {
    if (!u_balance) return 0;
    double best_other = -1e300;
    for (Strategy s : {Strategy::kBalance, Strategy::kBandwagon, Strategy::kHedge}) {
      if (s != strategy) best_other = std::max(best_other, *utility(s));
    }
    return *utility(strategy) - best_other;
  }
};

/// One directed edge at one step (read through geosim::edge_metric).
struct EdgeRow {
  double alignment = 0, exports = 0, investment = 0, aid = 0, security = 0, sanction = 0, dependence = 0, threat = 0,
         reward = 0;
};

/// A scenario given as YAML text, overlaid with a policy, run once (run 0 of
/// its own seed) with every step recorded.
class Run {
 public:
  explicit Run(const std::string& yaml, std::string_view policy = "baseline")
      : model_(geosim::compile(
            geosim::with_policy(geosim::load_scenario_from_string(yaml, "stylized_fact.yaml"), policy))) {
    geosim::simulate(model_, {model_.scenario.seed, 0}, [this](const geosim::StepView& v) { record(v); });
  }

  int steps() const { return static_cast<int>(agents_.size()); }
  int last() const { return steps() - 1; }

  const AgentRow& agent(int step, std::string_view id) const { return agents_.at(step).at(index(id)); }
  const EdgeRow& edge(int step, std::string_view from, std::string_view to) const {
    const auto e = model_.graph.find_edge(index(from), index(to));
    REQUIRE(e.has_value());
    return edges_.at(step).at(*e);
  }

  /// The strategy of `id` at every step, one letter a step: B(alance),
  /// W (bandWagon), H(edge). For messages and whole-run assertions.
  std::string strategies(std::string_view id) const {
    std::string out;
    for (int t = 0; t < steps(); ++t) {
      const Strategy s = agent(t, id).strategy;
      out += s == Strategy::kBalance ? 'B' : s == Strategy::kBandwagon ? 'W' : 'H';
    }
    return out;
  }

  /// Share of `investor`'s stock in the whole inbound investment stock of `host`.
  double investment_share(int step, std::string_view investor, std::string_view host) const {
    const geosim::AgentId h = index(host);
    double total = 0;
    for (geosim::EdgeId e = model_.graph.first_edge(h); e < model_.graph.end_edge(h); ++e) {
      total += edges_.at(step).at(model_.graph.reverse(e)).investment;  // the partner's stock in host
    }
    return total > 0 ? edge(step, investor, host).investment / total : 0;
  }
  double inbound_investment(int step, std::string_view host) const {
    const geosim::AgentId h = index(host);
    double total = 0;
    for (geosim::EdgeId e = model_.graph.first_edge(h); e < model_.graph.end_edge(h); ++e) {
      total += edges_.at(step).at(model_.graph.reverse(e)).investment;
    }
    return total;
  }

 private:
  geosim::AgentId index(std::string_view id) const {
    const auto i = model_.scenario.agent_index(id);
    REQUIRE(i.has_value());
    return static_cast<geosim::AgentId>(*i);
  }

  void record(const geosim::StepView& v) {
    const auto value = [](std::optional<double> x) { return x.value_or(0.0); };
    std::vector<AgentRow>& agents = agents_.emplace_back(model_.num_agents());
    for (geosim::AgentId i = 0; i < model_.num_agents(); ++i) {
      AgentRow& a = agents[i];
      a.strategy = v.decisions.agents[i].strategy;
      const int h = v.derived.agents[i].main_threat;
      if (h >= 0) a.main_threat = model_.agent_id(static_cast<geosim::AgentId>(h));
      a.threat = value(geosim::agent_metric(v, i, "threat"));
      a.counterweight = value(geosim::agent_metric(v, i, "counterweight"));
      a.security = value(geosim::agent_metric(v, i, "security"));
      a.gdp = value(geosim::agent_metric(v, i, "gdp"));
      a.potential_gdp = v.state.agents[i].gp;
      a.military = value(geosim::agent_metric(v, i, "military"));
      a.power = value(geosim::agent_metric(v, i, "power"));
      a.autonomy = value(geosim::agent_metric(v, i, "autonomy"));
      a.hhi = value(geosim::agent_metric(v, i, "hhi"));
      a.u_balance = geosim::agent_metric(v, i, "u_balance");
      a.u_bandwagon = geosim::agent_metric(v, i, "u_bandwagon");
      a.u_hedge = geosim::agent_metric(v, i, "u_hedge");
    }
    std::vector<EdgeRow>& edges = edges_.emplace_back(model_.num_edges());
    for (geosim::EdgeId e = 0; e < model_.num_edges(); ++e) {
      EdgeRow& r = edges[e];
      r.alignment = value(geosim::edge_metric(v, e, "alignment"));
      r.exports = value(geosim::edge_metric(v, e, "exports"));
      r.investment = value(geosim::edge_metric(v, e, "investment"));
      r.aid = value(geosim::edge_metric(v, e, "aid"));
      r.security = value(geosim::edge_metric(v, e, "security"));
      r.sanction = value(geosim::edge_metric(v, e, "sanction"));
      r.dependence = value(geosim::edge_metric(v, e, "dependence"));
      r.threat = value(geosim::edge_metric(v, e, "threat"));
      r.reward = value(geosim::edge_metric(v, e, "reward"));
    }
  }

  geosim::Model model_;
  std::vector<std::vector<AgentRow>> agents_;  // [step][agent]
  std::vector<std::vector<EdgeRow>> edges_;    // [step][edge id]
};

/// `text` with every "${KEY}" replaced by its value.
std::string fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [key, value] : values) {
    const std::string mark = "${" + std::string(key) + "}";
    for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size())) {
      text.replace(at, mark.size(), value);
    }
    REQUIRE(text.find(mark) == std::string::npos);
  }
  REQUIRE(text.find("${") == std::string::npos);  // every placeholder filled
  return text;
}
std::string num(double x) { return geosim::format_number(x); }

// --- Scenarios shared by several facts ------------------------------------------

// A weak state SML (GDP 10) borders a giant GNT (GDP 1000, 50x its power) that
// is hostile to it (GNT's stance toward SML -0.6) and of another regime. SML
// trades with GNT and GNT holds an investment stock of 5 in SML. SML weighs
// security 1.5 (prosperity and autonomy 1): a state under threat. The `ally`
// variant adds ALY, a friend stronger than GNT (GDP 5000), on SML's border,
// friendly to SML (alignment 1), hostile to GNT (-1), and committed: its
// strategy is fixed to `balance` against GNT. SML trades with both.
constexpr const char* kWeakState = R"(geosim: 1
name: weak state next to a giant
time: {steps: 15}
agents:
  - {id: SML, gdp: 10, military: 0.2, population: 3, regime: 0.8, reach: 0.02, weights: {security: 1.5}}
  - {id: GNT, gdp: 1000, military: 20, population: 300, regime: 0.2, reach: 0.3}
relations:
  - {between: [SML, GNT], border: true, distance: 1200, alignment: {SML: 0.0, GNT: -0.6},
     exports: {SML: 2, GNT: 1}, investment: {GNT: 5}}
)";
constexpr const char* kAllyAddition =
    R"(  - {between: [SML, ALY], border: true, distance: 2000, alignment: {SML: 0.3, ALY: 1.0},
     exports: {SML: 8, ALY: 4}}
  - {between: [GNT, ALY], border: true, distance: 2500, alignment: -1.0, exports: 50}
)";

/// kWeakState, with the friend ALY (GDP `ally_gdp`) when `ally_gdp` > 0.
std::string weak_state(double ally_gdp) {
  std::string y = kWeakState;
  if (ally_gdp <= 0) return y;
  const std::string agent =
      fill("  - {id: ALY, gdp: ${G}, military: ${M}, population: 300, regime: 0.5, reach: 0.5, strategy: balance}\n",
           {{"G", num(ally_gdp)}, {"M", num(0.04 * ally_gdp)}});
  y.insert(y.find("relations:"), agent);
  return y + kAllyAddition;
}

// A Mongolia-like small state MNG (GDP 14, values autonomy) bordering China
// (GDP 14000) and Russia, with two third neighbours, the USA and Japan. In
// the `diversified` variant its exports 9 and imports 4.5 and an inbound
// investment stock of 6 are spread over the four great powers (China 1/3 of
// trade, 1/4 of investment); in the `concentrated` one all of it is with China.
std::string mongolia(double autonomy_weight, bool concentrated, int steps = 12, const std::string& extra = "") {
  const char* const yaml = R"(geosim: 1
name: multi-vector small state
time: {steps: ${STEPS}}
agents:
  - {id: MNG, gdp: 14, military: 0.1, population: 3.2, regime: 0.8, reach: 0.02, weights: {autonomy: ${WA}}}
  - {id: CHN, gdp: 14000, military: 250, population: 1400, regime: 0.1, reach: 0.3, coercion: 0.6}
  - {id: RUS, gdp: 1700, military: 65, population: 145, regime: 0.2, reach: 0.4}
  - {id: USA, gdp: 21000, military: 730, population: 330, regime: 0.9, reach: 0.7}
  - {id: JPN, gdp: 5000, military: 50, population: 126, regime: 0.9, reach: 0.2}
relations:
  - {between: [MNG, CHN], border: true, distance: 1170, alignment: {MNG: 0.1, CHN: 0.0},
     exports: {MNG: ${XC}, CHN: ${MC}}, investment: {CHN: ${VC}}}
  - {between: [MNG, RUS], border: true, distance: 4700, alignment: 0.4,
     exports: {MNG: ${X}, RUS: ${M}}, investment: {RUS: ${V}}}
  - {between: [MNG, USA], distance: 10500, alignment: 0.4, exports: {MNG: ${X}, USA: ${M}}, investment: {USA: ${V}}}
  - {between: [MNG, JPN], distance: 3000, alignment: 0.4, exports: {MNG: ${X}, JPN: ${M}}, investment: {JPN: ${V}}}
  - {between: [CHN, USA], distance: 11000, alignment: -0.3, exports: {CHN: 450, USA: 120}}
  - {between: [CHN, RUS], border: true, distance: 5800, alignment: 0.3, exports: {CHN: 50, RUS: 60}}
  - {between: [CHN, JPN], distance: 2100, alignment: -0.2, exports: {CHN: 140, JPN: 150}}
)";
  return fill(yaml, {{"STEPS", std::to_string(steps)},
                     {"WA", num(autonomy_weight)},
                     {"XC", concentrated ? "9" : "3"},
                     {"MC", concentrated ? "4.5" : "1.5"},
                     {"VC", concentrated ? "6" : "1.5"},
                     {"X", concentrated ? "0" : "2"},
                     {"M", concentrated ? "0" : "1"},
                     {"V", concentrated ? "0" : "1.5"}}) +
         extra;
}

}  // namespace

// --- 1. Walt: a weak state with no capable friend bandwagons --------------------

TEST_CASE("facts: a weak state next to a strong hostile power with no capable friend bandwagons", "[facts][walt]") {
  // Walt 1987, ch. 2 and 5: weak states, close to a strong and hostile power,
  // with no allies available, bandwagon (they align with the threat). In the
  // model the only alternatives are balancing with C = 0 (security 1 - T) or
  // hedging; bandwagoning buys protection ψ·relh and the giant's market.
  // Fails if the giant were not SML's main threat, if SML balanced or hedged
  // (e.g. if bandwagoning brought no protection or the subordination cost
  // outweighed it), or if C were not 0 without friends. Test 2 is the contrast.
  const Run r(weak_state(0));
  INFO("SML strategies " << r.strategies("SML"));
  for (int t = 0; t < r.steps(); ++t) {
    const AgentRow& s = r.agent(t, "SML");
    INFO("step " << t << ": threat " << s.threat << ", U balance/bandwagon/hedge " << s.u_balance.value_or(-1) << " / "
                 << s.u_bandwagon.value_or(-1) << " / " << s.u_hedge.value_or(-1));
    CHECK(s.main_threat == "GNT");
    CHECK(s.threat > 0.9);
    CHECK(s.counterweight == 0);
    CHECK(s.strategy == Strategy::kBandwagon);
    CHECK(s.margin() > 0.2);  // measured 0.27 at step 0, 0.33 at step 14
  }
}

// --- 2. Walt: the same state with a strong friend nearby balances ----------------

TEST_CASE("facts: the same weak state with a strong friend nearby balances", "[facts][walt]") {
  // Walt 1987: states balance when capable allies are available; the more
  // powerful the available ally, the likelier balancing. Historical case in
  // seed 001: during the Sino-Soviet conflict Mongolia leaned on a Soviet
  // military presence on the Chinese border. Same scenario as test 1 plus ALY.
  // Contrasts in this test: (a) without ALY, SML bandwagons (test 1's run);
  // (b) with a weak friend (GDP 50 instead of 5000, same stance and border)
  // it does not balance: it is the friend's capability (counterweight C)
  // that flips the strategy, not the trade ALY brings. Fails if C did not
  // enter the balance utility or the choice did not follow the utilities.
  //
  // Inputs that matter (see docs/stylized-facts.md): with SML's security
  // weight at 1 or 1.25 instead of 1.5 (the threshold is near 1.3), SML
  // hedges instead of balancing (step 0 with weight 1: U balance 2.098 <
  // U hedge 2.179); with ALY adaptive instead of committed, ALY itself
  // bandwagons with GNT (the deviation of test 6), C erodes from 0.83 to
  // 0.54 and SML hedges from step 1 on. Under the standard rule set,
  // balancing needs C of about 0.8 and a security-minded state.
  const Run alone(weak_state(0));
  const Run strong(weak_state(5000));
  const Run weak(weak_state(50));
  INFO("SML alone " << alone.strategies("SML") << ", with a strong friend " << strong.strategies("SML")
                    << ", with a weak friend " << weak.strategies("SML"));
  CHECK(alone.strategies("SML") == std::string(alone.steps(), 'W'));
  CHECK(strong.strategies("SML") == std::string(strong.steps(), 'B'));
  CHECK(weak.strategies("SML").find('B') == std::string::npos);
  for (int t = 0; t < strong.steps(); ++t) {
    const AgentRow& s = strong.agent(t, "SML");
    INFO("step " << t << ": C " << s.counterweight << ", U balance/bandwagon/hedge " << s.u_balance.value_or(-1)
                 << " / " << s.u_bandwagon.value_or(-1) << " / " << s.u_hedge.value_or(-1));
    CHECK(s.main_threat == "GNT");
    CHECK(s.counterweight > 0.8);                                           // measured 0.830 .. 0.840
    CHECK(weak.agent(t, "SML").counterweight < 0.2);                        // measured 0.157 .. 0.158
    CHECK(s.threat == Approx(alone.agent(t, "SML").threat).epsilon(0.01));  // same threat, other choice
  }
}

// --- 3. Kuik / seed 004: a small state with several great partners hedges -------

TEST_CASE("facts: a small state that values autonomy and has several great partners hedges",
          "[facts][hedging][mongolia]") {
  // Kuik 2008, 2016: small states hedge (neither balance nor bandwagon) when
  // they can keep several great-power partners. Seed 004 (Reeves, Radchenko
  // there): Mongolia neither bandwagons with nor balances China but dilutes
  // its influence through third neighbours, a textbook multi-vector policy.
  // MNG faces China as its main threat in both runs. Contrasts: (a) the same
  // state with the same totals of trade and investment, all with China,
  // bandwagons (Hirschman's dependence at work); (b) the more MNG values
  // autonomy, the wider its hedging margin. Fails if autonomy did not reward
  // diversification (hedge autonomy 1 - ex·H) or the weight did not enter U.
  const Run diversified(mongolia(1.5, false));
  const Run concentrated(mongolia(1.5, true));
  INFO("diversified " << diversified.strategies("MNG") << ", concentrated " << concentrated.strategies("MNG"));
  CHECK(diversified.strategies("MNG") == std::string(diversified.steps(), 'H'));
  CHECK(concentrated.strategies("MNG") == std::string(concentrated.steps(), 'W'));
  for (int t = 0; t < diversified.steps(); ++t) {
    CHECK(diversified.agent(t, "MNG").main_threat == "CHN");
    CHECK(concentrated.agent(t, "MNG").main_threat == "CHN");
    CHECK(diversified.agent(t, "MNG").margin() > 0.2);  // measured 0.280 at step 0
    CHECK(diversified.agent(t, "MNG").autonomy > concentrated.agent(t, "MNG").autonomy + 0.5);  // 0.725 vs 0.099
  }
  // Hedging margin at step 0 against the autonomy weight: 0.051, 0.257, 0.280, 0.304.
  double previous = -1;
  for (double w : {0.5, 1.0, 1.5, 2.0}) {
    const AgentRow m = Run(mongolia(w, false, 1)).agent(0, "MNG");
    const double margin = m.margin();
    INFO("autonomy weight " << w << ": hedging margin " << margin);
    CHECK(m.strategy == Strategy::kHedge);
    CHECK(margin > previous);
    previous = margin;
  }
}

// --- 4. Seed 004: an investment cap holds back the dominant investor -------------

TEST_CASE("facts: a host's investment cap holds back a dominant investor", "[facts][investment][mongolia]") {
  // Seed 004: Mongolia's 2010 National Security Concept caps any one country
  // at one third of its foreign direct investment, against over-dependence on
  // China. Host MNG starts with four investors at 1/4 each; CHN invests the
  // largest budget (0.2% of GDP 14000 a year, spread by sqrt(GDP) over its
  // partners). Run with the cap 0.3333 and with the policy no_cap (cap 1).
  // Fails if the cap were not applied (CHN's share would pass 1/3 as in
  // no_cap), or if it held back nothing (shares equal in both runs).
  const std::string yaml = R"(geosim: 1
name: investment cap
time: {steps: 15}
agents:
  - {id: MNG, gdp: 14, military: 0.1, population: 3.2, regime: 0.8, investment_cap: 0.3333}
  - {id: CHN, gdp: 14000, military: 250, population: 1400, regime: 0.1, reach: 0.3, outward_investment: 0.002}
  - {id: JPN, gdp: 5000, military: 50, population: 126, regime: 0.9, reach: 0.2, outward_investment: 0.001}
  - {id: USA, gdp: 21000, military: 730, population: 330, regime: 0.9, reach: 0.7, outward_investment: 0.0005}
  - {id: RUS, gdp: 1700, military: 65, population: 145, regime: 0.2, reach: 0.4, outward_investment: 0.001}
relations:
  - {between: [MNG, CHN], border: true, distance: 1170, alignment: 0.2, exports: {MNG: 6.6, CHN: 2.0}, investment: {CHN: 1.0}}
  - {between: [MNG, JPN], distance: 3000, alignment: 0.3, exports: {MNG: 0.3, JPN: 0.5}, investment: {JPN: 1.0}}
  - {between: [MNG, USA], distance: 10500, alignment: 0.3, exports: {MNG: 0.2, USA: 0.3}, investment: {USA: 1.0}}
  - {between: [MNG, RUS], border: true, distance: 4700, alignment: 0.4, exports: {MNG: 0.5, RUS: 1.5}, investment: {RUS: 1.0}}
  - {between: [CHN, RUS], border: true, distance: 5800, alignment: 0.3, exports: {CHN: 50, RUS: 60}}
  - {between: [CHN, JPN], distance: 2100, alignment: -0.2, exports: {CHN: 140, JPN: 150}}
  - {between: [CHN, USA], distance: 11000, alignment: -0.3, exports: {CHN: 450, USA: 120}}
  - {between: [JPN, USA], distance: 10900, alignment: 0.6, exports: {JPN: 140, USA: 75}}
policies:
  no_cap:
    agents: {MNG: {investment_cap: 1.0}}
)";
  const double cap = 0.3333;
  const Run capped(yaml);
  const Run open(yaml, "no_cap");
  const int last = capped.last();
  for (int t = 0; t <= last; ++t) {
    const double with_cap = capped.investment_share(t, "CHN", "MNG");
    const double without = open.investment_share(t, "CHN", "MNG");
    INFO("step " << t << ": CHN's share of MNG's stock " << with_cap << " with the cap, " << without << " without");
    CHECK(with_cap <= cap + 1e-12);
    CHECK(with_cap <= without + 1e-12);
    if (t >= 2) CHECK(without > cap);  // measured 0.372 at step 2
  }
  const double final_capped = capped.investment_share(last, "CHN", "MNG");
  const double final_open = open.investment_share(last, "CHN", "MNG");
  INFO("final CHN share " << final_capped << " with the cap, " << final_open << " without");
  CHECK(final_capped > 0.3);  // the cap binds: CHN fills up to it (measured 0.319) ...
  CHECK(final_open > 0.5);    // ... and would hold more than half without it (0.551)
  CHECK(capped.edge(last, "CHN", "MNG").investment < open.edge(last, "CHN", "MNG").investment);
  // What the cap buys and what it costs: more autonomy, less inbound capital.
  CHECK(capped.agent(last, "MNG").autonomy > open.agent(last, "MNG").autonomy);          // 0.470 vs 0.400
  CHECK(capped.inbound_investment(last, "MNG") < open.inbound_investment(last, "MNG"));  // 6.9 vs 13.4
}

// --- 5. Seed 004: a sanction lowers GDP only while it lasts -----------------------

TEST_CASE("facts: a sanction lowers the target's GDP only while it lasts", "[facts][sanctions][mongolia]") {
  // Seed 004: China answered the Dalai Lama's 2016 visit to Mongolia with a
  // blockade of Mongolian exports. Here MNG offends CHN at step 4 (an
  // `offense`, magnitude 1, duration 2); CHN's coercion 0.6 turns it into a
  // sanction of intensity 0.6 for steps 4 and 5, lifted at step 6. MODEL.md
  // 3.2: the lost trade lowers actual GDP G; potential GDP Gp keeps growing,
  // so G is back on the no-sanction path as soon as the sanction is lifted.
  // Contrasts: no visit (baseline), and the visit to a China without coercion.
  // Fails if the sanction did not bite (GDP equal at steps 4-5), if it left a
  // scar on potential GDP (GDP lower after step 6) or lasted too long.
  const std::string events = R"(policies:
  visit:
    events:
      - {at: 4, type: offense, by: MNG, against: CHN, magnitude: 1, duration: 2}
  visit_no_coercion:
    agents: {CHN: {coercion: 0}}
    events:
      - {at: 4, type: offense, by: MNG, against: CHN, magnitude: 1, duration: 2}
)";
  const std::string yaml = mongolia(1.5, false, 12, events);
  const Run none(yaml), visit(yaml, "visit"), tolerated(yaml, "visit_no_coercion");
  for (int t = 0; t < none.steps(); ++t) {
    const double base = none.agent(t, "MNG").gdp;
    const double hit = visit.agent(t, "MNG").gdp;
    INFO("step " << t << ": MNG GDP " << hit << " after the visit, " << base << " without; sanction "
                 << visit.edge(t, "CHN", "MNG").sanction);
    CHECK(visit.agent(t, "MNG").potential_gdp == Approx(none.agent(t, "MNG").potential_gdp).epsilon(1e-12));
    CHECK(tolerated.agent(t, "MNG").gdp == Approx(base).epsilon(1e-12));
    if (t == 4 || t == 5) {
      CHECK(visit.edge(t, "CHN", "MNG").sanction == 0.6);
      CHECK(hit < 0.95 * base);  // measured 13.69 vs 15.15 (-9.6%) at step 4
    } else {
      CHECK(visit.edge(t, "CHN", "MNG").sanction == 0);
      CHECK(hit == Approx(base).epsilon(1e-12));
    }
  }
}

// --- 6. A great power never bandwagons with a much weaker state -------------------

namespace {
/// A great power GRT (GDP 1000), a peer PER (GDP 800, far away, its main
/// trade partner) and a weaker state WKR of GDP `weak_gdp` on GRT's border.
std::string great_power(double weak_gdp, double alignment, double trade) {
  const char* const yaml = R"(geosim: 1
name: great power and a weaker neighbour
time: {steps: 12}
agents:
  - {id: GRT, gdp: 1000, military: 30, population: 300, regime: 0.5}
  - {id: PER, gdp: 800, military: 20, population: 200, regime: 0.5}
  - {id: WKR, gdp: ${G}, military: ${M}, population: ${P}, regime: 0.5}
relations:
  - {between: [GRT, WKR], border: true, distance: 1500, alignment: ${A}, exports: ${X}}
  - {between: [GRT, PER], distance: 6000, exports: 20}
  - {between: [PER, WKR], distance: 6000, exports: 1}
)";
  return fill(yaml, {{"G", num(weak_gdp)},
                     {"M", num(0.02 * weak_gdp)},
                     {"P", num(0.3 * weak_gdp)},
                     {"A", num(alignment)},
                     {"X", num(trade)}});
}
}  // namespace

TEST_CASE("facts: a great power never bandwagons with a much weaker state", "[facts][walt][!shouldfail]") {
  // Walt 1987 and Schweller 1994: bandwagoning is the behaviour of weak
  // states; a great power does not align with a state of a fraction of its
  // power. Loop: WKR with 1/20 to 1/5 of GRT's GDP, hostile or neutral, with
  // little or much trade; over every step where WKR (power at most a third of
  // GRT's) is GRT's main threat, GRT must not bandwagon.
  //
  // KNOWN DEVIATION (tagged [!shouldfail]): under the standard rule set this
  // fact does NOT hold, see docs/stylized-facts.md. GRT bandwagons at 72 of
  // the 120 steps where a much weaker WKR is its main threat (6 of the 10
  // configurations, at every step). E.g. WKR GDP 100 (power 0.086 of GRT's),
  // hostile (-0.8), trade 10: T = 0.071, U balance/bandwagon/hedge = 2.724 /
  // 2.939 / 2.907. Bandwagon minus hedge: security +0.001, prosperity +0.071
  // (bandwagon_gain·q with q = 0.353, WKR's share of GRT's normalised
  // rewards), autonomy -0.039 (subordination_cost·relh·(1 - vh) with relh =
  // P_WKR/(P_GRT + P_WKR) = 0.079). The gain from bandwagoning does not
  // shrink with the threat's relative power while its costs do, so a great
  // power "bandwagons for profit" with any weak neighbour that is its main
  // threat and a trade partner. When the model makes the fact hold this test
  // fails: remove the tag.
  // Should the loop never put GRT under a much weaker main threat, the test
  // returns with no failed assertion, so it fails too and is not vacuous.
  int exposed = 0;  // (configuration, step) pairs where the fact is put to the test
  std::vector<std::string> violations;
  for (double weak_gdp : {50.0, 100.0, 200.0}) {
    for (double alignment : {-0.8, 0.0}) {
      for (double trade : {1.0, 10.0}) {
        const Run r(great_power(weak_gdp, alignment, trade));
        for (int t = 0; t < r.steps(); ++t) {
          const AgentRow& g = r.agent(t, "GRT");
          if (g.main_threat != "WKR" || r.agent(t, "WKR").power > g.power / 3) continue;
          ++exposed;
          if (g.strategy == Strategy::kBandwagon) {
            violations.push_back("WKR gdp " + num(weak_gdp) + ", alignment " + num(alignment) + ", trade " +
                                 num(trade) + ", step " + std::to_string(t));
          }
        }
      }
    }
  }
  if (exposed == 0) return;
  INFO(exposed << " steps with a much weaker main threat; bandwagoning at " << violations.size()
               << ", first: " << (violations.empty() ? std::string("-") : violations.front()));
  CHECK(violations.empty());
}

// --- 7. Hirschman: concentrated dependence lowers autonomy -----------------------

namespace {
/// TRD (GDP 20) exports 6 in all to three equal partners, a share `share` to
/// A1 and the rest split between A2 and A3; optional events appended.
std::string trader(double share, const std::string& events = "") {
  const char* const yaml = R"(geosim: 1
name: trade concentration
time: {steps: 10}
agents:
  - {id: TRD, gdp: 20, military: 0.2, population: 5, regime: 0.6}
  - {id: A1, gdp: 500, military: 10, population: 50, regime: 0.6}
  - {id: A2, gdp: 500, military: 10, population: 50, regime: 0.6}
  - {id: A3, gdp: 500, military: 10, population: 50, regime: 0.6}
relations:
  - {between: [TRD, A1], distance: 3000, alignment: 0.3, exports: {TRD: ${X1}, A1: 0.5}}
  - {between: [TRD, A2], distance: 3000, alignment: 0.3, exports: {TRD: ${X2}, A2: 0.5}}
  - {between: [TRD, A3], distance: 3000, alignment: 0.3, exports: {TRD: ${X2}, A3: 0.5}}
)";
  return fill(yaml, {{"X1", num(6 * share)}, {"X2", num(3 * (1 - share))}}) + events;
}
}  // namespace

TEST_CASE("facts: rising dependence on one partner lowers autonomy", "[facts][dependence][hirschman]") {
  // Hirschman 1945: the influence effect of trade grows with the
  // concentration of a country's trade on one partner; a state that sells
  // mostly to one market loses freedom of action. MODEL.md 3.2: autonomy
  // 1 - ex·Dmax. (a) Across scenarios with the same total exports, autonomy
  // falls strictly as the share of A1 rises from 1/3 to 1. (b) Over time:
  // `shift exports` events at steps 2, 4, 6, 8 move 0.5 of TRD's exports from
  // A2 and from A3 to A1 each time; autonomy falls after every shift, while
  // the run without them keeps it (nearly) constant. Fails if autonomy
  // ignored concentration (e.g. depended on total trade only: totals are
  // equal here) or rose with it.
  double previous = 2;
  for (double share : {1.0 / 3, 0.5, 0.7, 0.85, 1.0}) {
    const Run r(trader(share));
    const AgentRow& a = r.agent(0, "TRD");
    INFO("A1's share " << share << ": autonomy " << a.autonomy << ", HHI " << a.hhi);
    CHECK(a.autonomy < previous);  // measured 0.850, 0.790, 0.718, 0.664, 0.610
    previous = a.autonomy;
  }

  std::string shifts = "events:\n";
  for (int t : {2, 4, 6, 8}) {
    shifts += fill(R"(  - {at: ${T}, type: shift, target: {edge: [TRD, A1]}, attribute: exports, from: TRD, delta: 1.0}
  - {at: ${T}, type: shift, target: {edge: [TRD, A2]}, attribute: exports, from: TRD, delta: -0.5}
  - {at: ${T}, type: shift, target: {edge: [TRD, A3]}, attribute: exports, from: TRD, delta: -0.5}
)",
                   {{"T", std::to_string(t)}});
  }
  const Run steady(trader(1.0 / 3)), shifting(trader(1.0 / 3, shifts));
  for (int t = 1; t < shifting.steps(); ++t) {
    const double before = shifting.agent(t - 1, "TRD").autonomy, now = shifting.agent(t, "TRD").autonomy;
    INFO("step " << t << ": autonomy " << now << " (was " << before << "), without shifts "
                 << steady.agent(t, "TRD").autonomy << "; D on A1 " << shifting.edge(t, "TRD", "A1").dependence);
    if (t % 2 == 0) CHECK(now < before - 0.02);  // each shift costs 0.055-0.058: 0.850 -> 0.609 at step 8
    CHECK(std::abs(steady.agent(t, "TRD").autonomy - steady.agent(t - 1, "TRD").autonomy) < 0.005);
    if (t >= 2) CHECK(now < steady.agent(t, "TRD").autonomy);
  }
}

// --- 8. Waltz / MODEL.md 3.3: balancing raises military spending ---------------------

TEST_CASE("facts: a balancing state arms itself and a bandwagoning one does not", "[facts][walt][military]") {
  // Waltz 1979 (internal balancing: states balance by arming as well as by
  // allying); MODEL.md 3.3 military: m grows with internal_balancing·T while
  // the state balances and reverts to m0 otherwise. The runs of tests 1 and
  // 2: SML balances with the friend, bandwagons without it. Fails if the
  // military share did not respond to the strategy (equal in both runs) or
  // rose for the bandwagoner.
  const Run alone(weak_state(0)), allied(weak_state(5000));
  const double m0 = 0.02;  // 0.2 of GDP 10
  for (int t = 1; t < allied.steps(); ++t) {
    const double m = allied.agent(t, "SML").military_share(), before = allied.agent(t - 1, "SML").military_share();
    INFO("step " << t << ": military share " << m << " balancing, " << alone.agent(t, "SML").military_share()
                 << " bandwagoning");
    CHECK(m > before);                                                          // rises every step
    CHECK(alone.agent(t, "SML").military_share() == Approx(m0).epsilon(1e-9));  // stays at m0
  }
  CHECK(allied.agent(allied.last(), "SML").military_share() > 4 * m0);  // measured 0.109 at step 14
}

// --- 9. Walt / Boulding: threat decays with distance -----------------------------------

TEST_CASE("facts: threat decays with distance unless the power can project it", "[facts][walt][distance]") {
  // Walt 1987: proximate power is more threatening; Boulding 1962: the
  // loss-of-strength gradient. The weak state of test 1 faces the same giant
  // on its border, then at 500 to 5000 km without a border. With reach 0.05
  // the threat falls strictly with distance (down to the reach floor) and
  // SML stops bandwagoning once the giant is far; with reach 0.9 (a power
  // that projects force worldwide) the threat barely depends on distance and
  // SML keeps bandwagoning. Fails if proximity did not enter the threat, or
  // if reach did not override distance.
  const auto scenario = [](bool border, double distance, double reach) {
    std::string y = kWeakState;
    y.replace(y.find("steps: 15"), 9, "steps: 3");
    y.replace(y.find("reach: 0.3"), 10, "reach: " + num(reach));
    y.replace(y.find("border: true, distance: 1200"), 28,
              std::string("border: ") + (border ? "true" : "false") + ", distance: " + num(distance));
    return y;
  };
  std::vector<std::pair<bool, double>> places = {
      {true, 1200}, {false, 500}, {false, 1200}, {false, 2500}, {false, 5000}};
  double previous = 2;
  std::string near_far;
  for (const auto& [border, distance] : places) {
    const AgentRow s = Run(scenario(border, distance, 0.05)).agent(0, "SML");
    const AgentRow g = Run(scenario(border, distance, 0.9)).agent(0, "SML");
    INFO((border ? "border, " : "") << distance << " km: threat " << s.threat << " (reach 0.05), " << g.threat
                                    << " (reach 0.9)");
    CHECK(s.threat < previous);  // 0.941, 0.570, 0.283, 0.077, 0.047
    previous = s.threat;
    CHECK(g.threat > 0.8);  // 0.941 on the border, 0.847 elsewhere
    CHECK(g.strategy == Strategy::kBandwagon);
    near_far += s.strategy == Strategy::kBandwagon ? 'W' : s.strategy == Strategy::kBalance ? 'B' : 'H';
  }
  CHECK(near_far == "WWWHH");
}

// --- 10. Galtung: a sanction leaves a grievance that raises the threat ----------------

TEST_CASE("facts: a sanction raises the target's perceived threat from the sanctioner for a while",
          "[facts][sanctions][mongolia]") {
  // Galtung 1967: sanctions breed resentment toward the sender rather than
  // compliance; seed 004 (Radchenko there) on the 2016 blockade cutting into
  // Mongolia's sense of sovereignty. MODEL.md 3.4: grievance c accrues from a
  // sanction and decays with memory 3 years; it adds to hostility. Same runs
  // as test 5. Before the visit the threat MNG feels from CHN is the same in
  // all runs; after the sanction it is higher than without it, then fades
  // back toward the baseline. The visit to a non-coercive China changes
  // nothing. Fails if grievance did not enter hostility, never decayed, or
  // arose without a sanction.
  const std::string events = R"(policies:
  visit:
    events:
      - {at: 4, type: offense, by: MNG, against: CHN, magnitude: 1, duration: 2}
  visit_no_coercion:
    agents: {CHN: {coercion: 0}}
    events:
      - {at: 4, type: offense, by: MNG, against: CHN, magnitude: 1, duration: 2}
)";
  const std::string yaml = mongolia(1.5, false, 16, events);
  const Run none(yaml), visit(yaml, "visit"), tolerated(yaml, "visit_no_coercion");
  double peak = 0;
  for (int t = 0; t < none.steps(); ++t) {
    const double base = none.edge(t, "MNG", "CHN").threat, after = visit.edge(t, "MNG", "CHN").threat;
    INFO("step " << t << ": threat from CHN " << after << " after the sanction, " << base << " without");
    CHECK(tolerated.edge(t, "MNG", "CHN").threat == Approx(base).epsilon(1e-12));
    if (t < 4) CHECK(after == Approx(base).epsilon(1e-12));
    // Step 4: grievance accrues only in step 4's update; the sanction moves
    // power shares (actual GDPs) a little, hence the threat by 4e-5.
    if (t == 4) CHECK(std::abs(after - base) < 1e-3);
    if (t >= 5) CHECK(after > base);                                     // grievance fades, never to 0
    if (t >= 5 && t <= 9) CHECK(after > base + 0.3);                     // 0.999 vs 0.674
    if (t >= 10) CHECK(after < visit.edge(t - 1, "MNG", "CHN").threat);  // fading: 0.937 at 10 .. 0.724 at 15
    peak = std::max(peak, after);
  }
  CHECK(visit.edge(visit.last(), "MNG", "CHN").threat < peak - 0.2);  // measured 0.724 vs 0.999
}

// --- 11. Alesina & Dollar: conditional aid favours democracies -------------------------

TEST_CASE("facts: aid conditionality shifts aid from autocracies to democracies", "[facts][aid]") {
  // Alesina & Dollar 2000: donors' aid follows recipients' political regime
  // (democratisers get more). MODEL.md 3.4 aid: A moves toward
  // A0·max(0, 1 + ξ(a_ji + ζa(2 r_j - 1))). Donor DON gives 0.2 a year to a
  // democracy DEM (regime 0.9) and to an autocracy AUT (0.1), which are
  // otherwise identical. Without conditionality (policy no_conditions: ζa 0)
  // both get the same aid; with it, AUT's aid falls below its start and
  // DEM's rises above. Fails if aid ignored the regime or responded the wrong
  // way.
  const std::string yaml = R"(geosim: 1
name: aid conditionality
time: {steps: 10}
agents:
  - {id: DON, gdp: 2000, military: 40, population: 300, regime: 0.9, reach: 0.1,
     aid_responsiveness: 0.5, aid_conditionality: 1.0}
  - {id: DEM, gdp: 10, military: 0.1, population: 5, regime: 0.9, strategy: hedge}
  - {id: AUT, gdp: 10, military: 0.1, population: 5, regime: 0.1, strategy: hedge}
relations:
  - {between: [DON, DEM], distance: 9000, alignment: 0.3, exports: 1, aid: {DON: 0.2}}
  - {between: [DON, AUT], distance: 9000, alignment: 0.3, exports: 1, aid: {DON: 0.2}}
  - {between: [DEM, AUT], border: true, distance: 800, alignment: 0.2, exports: 0.5}
policies:
  no_conditions:
    agents: {DON: {aid_conditionality: 0}}
)";
  const Run conditional(yaml), unconditional(yaml, "no_conditions");
  for (int t = 1; t < conditional.steps(); ++t) {
    const double dem = conditional.edge(t, "DON", "DEM").aid, aut = conditional.edge(t, "DON", "AUT").aid;
    INFO("step " << t << ": aid to DEM " << dem << ", to AUT " << aut << "; unconditional "
                 << unconditional.edge(t, "DON", "DEM").aid << " / " << unconditional.edge(t, "DON", "AUT").aid);
    CHECK(aut < 0.2);
    CHECK(dem > 0.2);
    CHECK(aut < unconditional.edge(t, "DON", "AUT").aid);
    CHECK(dem > unconditional.edge(t, "DON", "DEM").aid);
    CHECK(unconditional.edge(t, "DON", "DEM").aid == Approx(unconditional.edge(t, "DON", "AUT").aid).epsilon(1e-12));
  }
  const int last = conditional.last();
  CHECK(conditional.edge(last, "DON", "DEM").aid > 1.5 * conditional.edge(last, "DON", "AUT").aid);  // 0.311 vs 0.149
}

// --- 12. Walt: the choice shows in alignment -------------------------------------------

TEST_CASE("facts: a bandwagoning state moves toward its threat and a balancing one away from it",
          "[facts][walt][alignment]") {
  // Walt 1987 defines bandwagoning as alignment with the source of danger
  // and balancing as alignment against it. MODEL.md 3.3 alignment targets
  // b ± commitment. The runs of tests 1 and 2: SML's stance toward GNT
  // (initially 0) rises while it bandwagons and falls while it balances, and
  // its stance toward the ally rises. Fails if the strategy did not steer
  // alignment or steered it the wrong way.
  const Run alone(weak_state(0)), allied(weak_state(5000));
  const int last = alone.last();
  for (int t = 1; t <= last; ++t) {
    INFO("step " << t << ": SML->GNT " << alone.edge(t, "SML", "GNT").alignment << " bandwagoning, "
                 << allied.edge(t, "SML", "GNT").alignment << " balancing");
    CHECK(alone.edge(t, "SML", "GNT").alignment > alone.edge(t - 1, "SML", "GNT").alignment);
    CHECK(allied.edge(t, "SML", "GNT").alignment < allied.edge(t - 1, "SML", "GNT").alignment);
  }
  CHECK(alone.edge(last, "SML", "GNT").alignment > 0.3);
  CHECK(allied.edge(last, "SML", "GNT").alignment < -0.3);
  CHECK(allied.edge(last, "SML", "ALY").alignment > allied.edge(0, "SML", "ALY").alignment + 0.3);
}

// --- 13. Schweller: the wave of the future pulls small states toward it ------------------

TEST_CASE("facts: the faster a great power grows the more a small neighbour leans toward it",
          "[facts][schweller][mongolia]") {
  // Schweller 1994: states bandwagon for profit with the "wave of the
  // future", the rising power. MODEL.md 3.2-3.3: the reward of a relation and
  // the bandwagoning prosperity are scaled by exp(momentum·(g_j - ḡ)). The
  // hedging small state of test 3 (autonomy weight 1); at step 2 China's
  // growth is set to 2%, 5%, 8% or 12%. At the last step MNG's alignment
  // toward China and its bandwagoning utility relative to hedging both rise
  // strictly with China's growth (it keeps hedging: diversification holds).
  // Fails if growth momentum did not enter rewards or the utilities.
  double previous_alignment = -2, previous_gap = -1e9;
  for (double growth : {0.02, 0.05, 0.08, 0.12}) {
    const std::string event =
        fill("events:\n  - {at: 2, type: set, target: {agent: CHN}, attribute: growth, value: ${G}}\n",
             {{"G", num(growth)}});
    const Run r(mongolia(1.0, false, 12, event));
    const AgentRow& m = r.agent(r.last(), "MNG");
    const double alignment = r.edge(r.last(), "MNG", "CHN").alignment;
    const double gap = *m.u_bandwagon - *m.u_hedge;
    INFO("China's growth " << growth << ": MNG->CHN alignment " << alignment << ", U bandwagon - U hedge " << gap
                           << ", strategies " << r.strategies("MNG"));
    CHECK(alignment > previous_alignment + 0.02);  // 0.097, 0.161, 0.214, 0.267
    CHECK(gap > previous_gap);                     // -0.243, -0.225, -0.203, -0.169
    CHECK(r.strategies("MNG") == std::string(r.steps(), 'H'));
    previous_alignment = alignment;
    previous_gap = gap;
  }
}

// --- 14. Symmetry: identical states in identical positions behave identically ----------

TEST_CASE("facts: two identical states in identical positions behave identically", "[facts][symmetry]") {
  // A modelling sanity fact (pattern-oriented modelling, Grimm et al. 2005):
  // outcomes depend on positions, not on the order of the agent list. Twins
  // TWA and TWB border a giant and each other, with mirror-image relations and
  // the same sanction at step 3; the giant sits between them in the agent
  // list. Every observable of TWA must equal TWB's at every step. Fails if
  // the engine's phases read a half-updated state (agent order would show) or
  // an asymmetric rule.
  const std::string yaml = R"(geosim: 1
name: twins
time: {steps: 12}
agents:
  - {id: TWA, gdp: 10, military: 0.2, population: 3, regime: 0.7, outward_investment: 0.01}
  - {id: BIG, gdp: 1000, military: 20, population: 300, regime: 0.2, reach: 0.3, outward_investment: 0.002,
     coercion: 0.5}
  - {id: TWB, gdp: 10, military: 0.2, population: 3, regime: 0.7, outward_investment: 0.01}
relations:
  - {between: [TWA, BIG], border: true, distance: 1200, alignment: {TWA: 0.1, BIG: -0.4}, exports: {TWA: 3, BIG: 1},
     investment: {BIG: 2}}
  - {between: [BIG, TWB], border: true, distance: 1200, alignment: {TWB: 0.1, BIG: -0.4}, exports: {TWB: 3, BIG: 1},
     investment: {BIG: 2}}
  - {between: [TWA, TWB], border: true, distance: 600, alignment: 0.5, exports: 0.5}
events:
  - {at: 3, type: sanction, from: BIG, to: TWA, intensity: 0.4, duration: 2}
  - {at: 3, type: sanction, from: BIG, to: TWB, intensity: 0.4, duration: 2}
)";
  const Run r(yaml);
  std::string strategies = r.strategies("TWA");
  INFO("TWA " << strategies << ", TWB " << r.strategies("TWB"));
  CHECK(strategies == r.strategies("TWB"));
  for (int t = 0; t < r.steps(); ++t) {
    const AgentRow &a = r.agent(t, "TWA"), &b = r.agent(t, "TWB");
    INFO("step " << t);
    CHECK(a.threat == b.threat);
    CHECK(a.gdp == b.gdp);
    if (t == 3 || t == 4) CHECK(a.gdp < a.potential_gdp);  // the sanctions bite
    CHECK(a.military == b.military);
    CHECK(a.autonomy == b.autonomy);
    CHECK(a.u_hedge == b.u_hedge);
    const EdgeRow &ea = r.edge(t, "TWA", "BIG"), &eb = r.edge(t, "TWB", "BIG");
    CHECK(ea.alignment == eb.alignment);
    CHECK(ea.exports == eb.exports);
    CHECK(r.edge(t, "BIG", "TWA").investment == r.edge(t, "BIG", "TWB").investment);
    CHECK(r.edge(t, "TWA", "TWB").alignment == r.edge(t, "TWB", "TWA").alignment);
  }
}
