// MODEL.md §3.1–3.6, formula by formula, against values worked by hand.
//
// Every scenario here is built in C++ (no YAML): `tiny(n)` makes n agents
// A, B, C, ... with gdp 100 and every other attribute at its MODEL.md
// default, and `relate()` declares a relation. A `World` compiles the
// scenario and runs the phase functions of rules.hpp on buffers it sizes
// itself, exactly in the order of MODEL.md §1 "Scheduling".
//
// Unless a test says otherwise, military and population are 0, so those two
// power factors are dropped and P_i = G_i / Σ_k G_k (MODEL.md §3.2). The
// arithmetic behind each expected value is in the comment beside it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"
#include "geosim/random.hpp"
#include "geosim/rules.hpp"
#include "geosim/scenario.hpp"
#include "test_support.hpp"

namespace {

using geosim::AgentAttribute;
using geosim::AgentId;
using geosim::EdgeAttribute;
using geosim::EdgeId;
using geosim::Scenario;
using geosim::Strategy;
using geosim::StrategyRule;
using geosim::test::close_to;
namespace rules = geosim::standard;
namespace rnd = geosim::random;

// --- Scenario builders -------------------------------------------------------

/// n agents "A", "B", ... with gdp 100 and MODEL.md defaults; 10 steps of dt 1.
Scenario tiny(int n) {
  Scenario s;
  s.name = "tiny";
  s.time.steps = 10;
  s.time.dt = 1.0;
  s.seed = 7;
  for (int k = 0; k < n; ++k) {
    geosim::AgentSpec a;
    a.id = std::string(1, static_cast<char>('A' + k));
    a.name = a.id;
    a.gdp = 100;
    s.agents.push_back(a);
  }
  return s;
}

geosim::AgentSpec& agent(Scenario& s, std::string_view id) { return s.agents.at(s.agent_index(id).value()); }

/// Declares the relation a-b (defaults of MODEL.md §1) and returns it; set its
/// fields before declaring the next one.
geosim::RelationSpec& relate(Scenario& s, const std::string& a, const std::string& b) {
  geosim::RelationSpec r;
  r.a = a;
  r.b = b;
  s.relations.push_back(r);
  return s.relations.back();
}

geosim::Event at_step(int t, geosim::EventAction action) {
  geosim::Event e;
  e.timing.at = t;
  e.action = std::move(action);
  return e;
}

/// A probabilistic event with no `at`: fires at each step of [from, until] where u < p.
geosim::Event windowed(double p, geosim::EventAction action, int from = 0, std::optional<int> until = {}) {
  geosim::Event e;
  e.timing.probability = p;
  e.timing.from_step = from;
  e.timing.until_step = until;
  e.action = std::move(action);
  return e;
}

geosim::SanctionEvent sanction(const std::string& from, const std::string& to, double intensity, int duration = 1) {
  return geosim::SanctionEvent{from, to, intensity, duration};
}

geosim::OffenseEvent offense(const std::string& by, const std::string& against, double magnitude = 1,
                             int duration = 1) {
  return geosim::OffenseEvent{by, against, magnitude, duration};
}

geosim::ChangeEvent agent_change(bool shift, const std::string& id, AgentAttribute attr, double value) {
  geosim::ChangeEvent c;
  c.is_shift = shift;
  c.target = geosim::AgentTarget{id};
  c.agent_attribute = attr;
  c.value = value;
  return c;
}
geosim::ChangeEvent set_agent(const std::string& id, AgentAttribute attr, double value) {
  return agent_change(false, id, attr, value);
}
geosim::ChangeEvent shift_agent(const std::string& id, AgentAttribute attr, double delta) {
  return agent_change(true, id, attr, delta);
}
geosim::ChangeEvent set_strategy(const std::string& id, StrategyRule rule) {
  geosim::ChangeEvent c;
  c.target = geosim::AgentTarget{id};
  c.strategy = rule;
  return c;
}

/// set/shift of an edge attribute of the relation named [a, b]; `from` picks
/// the direction of directed attributes ("" = a, the default of MODEL.md §3.1).
geosim::ChangeEvent edge_change(bool shift, const std::string& a, const std::string& b, EdgeAttribute attr,
                                double value, const std::string& from = "") {
  geosim::ChangeEvent c;
  c.is_shift = shift;
  c.target = geosim::EdgeTarget{a, b, from};
  c.edge_attribute = attr;
  c.value = value;
  return c;
}

// --- The phases, run by hand ---------------------------------------------------

/// A compiled scenario with one State and the Derived/Decisions buffers the
/// phases write, sized here. step(t) = events, derive, (β⁰ at t = 0), decide;
/// advance(t) = update into a fresh buffer and swap (MODEL.md §1).
struct World {
  geosim::Model model;
  geosim::RunKey key;
  geosim::State s;
  geosim::Derived d;
  geosim::Decisions dec;
  std::vector<double> beta0;

  explicit World(const Scenario& sc, geosim::RunKey k = {7, 0})
      : model(geosim::compile(sc)),
        key(k),
        s(model.initial),
        d(geosim::make_derived(model)),
        dec(geosim::make_decisions(model)) {
    beta0.resize(model.num_edges());
  }

  AgentId id(std::string_view a) const { return static_cast<AgentId>(model.scenario.agent_index(a).value()); }
  EdgeId edge(std::string_view a, std::string_view b) const { return model.graph.find_edge(id(a), id(b)).value(); }
  AgentId n() const { return static_cast<AgentId>(model.num_agents()); }

  // Shorthands for the state and what the phases wrote.
  geosim::AgentState& agent_state(std::string_view a) { return s.agents[id(a)]; }
  geosim::EdgeState& edge_state(std::string_view a, std::string_view b) { return s.edges[edge(a, b)]; }
  const geosim::AgentDerived& derived(std::string_view a) const { return d.agents[id(a)]; }
  const geosim::EdgeDerived& derived(std::string_view a, std::string_view b) const { return d.edges[edge(a, b)]; }
  const geosim::AgentDecision& decision(std::string_view a) const { return dec.agents[id(a)]; }
  double new_alignment(std::string_view a, std::string_view b) const { return dec.alignment[edge(a, b)]; }
  double offer(std::string_view a, std::string_view b) const { return dec.investment[edge(a, b)]; }

  void events(int t) { rules::apply_events(s, model, key, t); }
  void derive() {
    for (AgentId i = 0; i < n(); ++i) rules::derive_economy(s, model, i, d);
    rules::derive_totals(s, model, d);
    for (AgentId i = 0; i < n(); ++i) rules::derive_structure(s, model, i, d);
    for (AgentId i = 0; i < n(); ++i) rules::derive_threats(s, model, i, d);
    for (AgentId i = 0; i < n(); ++i) rules::derive_gaps(s, model, i, d);
  }
  void capture_beta0() {
    for (EdgeId e = 0; e < model.num_edges(); ++e) beta0[e] = rules::disposition(s, model, d, 0, e);
  }
  void decide(int t) {
    for (AgentId i = 0; i < n(); ++i) rules::decide(s, model, d, beta0, key, t, i, dec);
  }
  void step(int t) {
    events(t);
    derive();
    if (t == 0) capture_beta0();
    decide(t);
  }
  void advance(int t) {
    geosim::State next = s;
    for (AgentId i = 0; i < n(); ++i) rules::update(s, model, d, dec, key, t, i, next);
    s = std::move(next);
  }
};

// The triad used by the decide tests (MODEL.md §3.2–3.3), worked once here:
//   A gdp 100, g .02;  B gdp 300, g .05;  C gdp 100, g .02, reach .1.
//   A-B: border, X 10 each way, a_AB = .1, a_BA = -.2.
//   A-C: distance 1000, X 5 each way, a_AC = .2, a_CA = .4.
//   B-C: distance 10000, a_BC = -.3, a_CB = -.5.
// Power (G only): ΣG = 500, P_A = .2, P_B = .6, P_C = .2; ḡ = (2 + 15 + 2)/500 = .038.
// A: TT = 20 + 10 = 30, D_AB = .6·20/30 = .4, D_AC = .6·10/30 = .2, H = .16 + .04 = .2,
//    ex = min(1, (30/100)/.5) = .6.
//    T_AB = rel .6/.8 = .75 · prox 1 (border) · hs .5(1 + .2) = .6  = .45
//    T_AC = rel .2/.4 = .5 · prox max(e^-1, .1) = e^-1 · hs .5(1 - .4) = .3 = .15 e^-1 ≈ .0552
//    main threat h = B, T = .45, relh = .75, ψ = .5.
//    R_AB = (20/100)·e^{10(.05-.038)} = .2 e^.12 → Rn_AB = e^.12/(e^.12 + 1)
//    R_AC = (10/100)·e^{10(.02-.038)} = .1 e^-.18 → Rn_AC = e^-.18/(e^-.18 + 2)
//    q = Rn_AB/(Rn_AB + Rn_AC), mom = e^.12, vh = ex·D_AB = .6·.4 = .24
//    cw_AC = P_C/(P_C+P_B) .25 · (1 - a_CB)/2 .75 · (1 + a_CA)/2 .7 · max(geo e^-1, .1) = .13125 e^-1
//    C = 1 - (1 - cw_AC) = .13125 e^-1 ≈ .04828.
Scenario triad() {
  Scenario s = tiny(3);
  agent(s, "B").gdp = 300;
  agent(s, "B").growth = 0.05;
  {
    auto& r = relate(s, "A", "B");
    r.border = true;
    r.exports = {10, 10};
    r.alignment = {0.1, -0.2};
  }
  {
    auto& r = relate(s, "A", "C");
    r.distance = 1000;
    r.exports = {5, 5};
    r.alignment = {0.2, 0.4};
  }
  relate(s, "B", "C").alignment = {-0.3, -0.5};
  return s;
}

/// Hand values of A's strategy table in the triad (see triad()).
struct TriadHand {
  double threat = 0.45;
  double relh = 0.75;
  double psi = 0.5;
  double ex = 0.6;
  double hhi = 0.2;
  double vh = 0.24;
  double cap = 0.13125 * std::exp(-1.0);
  double rn_ab = std::exp(0.12) / (std::exp(0.12) + 1);
  double rn_ac = std::exp(-0.18) / (std::exp(-0.18) + 2);
  double q = rn_ab / (rn_ab + rn_ac);
  double mom = std::exp(0.12);
  // balance, bandwagon, hedge
  double security[3] = {1 - threat * (1 - cap),                               // 1 - T(1 - C)
                        1 - threat * (1 - psi * relh),                        // 1 - .45·.625 = .71875
                        1 - threat * (1 - cap / 2) * (1 - psi * relh / 2)};   // 1 - .45(1 - C/2)·.8125
  double prosperity[3] = {1 - q * 0.5,                                        // 1 - q·balance_cost
                          1 + q * 0.2 * mom,                                  // 1 + q·bandwagon_gain·mom
                          1};
  double autonomy[3] = {(1 - ex * hhi) * (1 - 0.25 * cap),                    // .88(1 - .25 C)
                        1 - (vh + (1 - vh) * 0.5 * relh),                     // 1 - (.24 + .76·.5·.75) = .475
                        1 - ex * hhi};                                        // .88
  double utility(int s, double ws, double wp, double wa) const {
    return ws * security[s] + wp * prosperity[s] + wa * autonomy[s];
  }
};

}  // namespace

// ============================================================================
// §3.2 Derive
// ============================================================================

TEST_CASE("derive: sanctions cut effective exports both ways and lost trade L follows", "[rules][derive]") {
  // A gdp 100, B gdp 200; X_AB = 10, X_BA = 20.
  Scenario sc = tiny(2);
  agent(sc, "B").gdp = 200;
  relate(sc, "A", "B").exports = {10, 20};
  World w(sc);

  SECTION("sanctions both ways") {
    w.edge_state("A", "B").sanction = 0.5;  // A sanctions B
    w.edge_state("B", "A").sanction = 0.2;  // B sanctions A
    w.derive();
    // x_AB = 10(1-.5)(1-.2) = 4, x_BA = 20(.8)(.5) = 8; lost = 30 - 12 = 18.
    // L_A = 18/100 = .18, L_B = 18/200 = .09.
    CHECK_THAT(w.derived("A").lost_trade, close_to(0.18));
    CHECK_THAT(w.derived("B").lost_trade, close_to(0.09));
    // G_A = 100(1 - .5·.18) = 91, G_B = 200(1 - .5·.09) = 191.
    CHECK_THAT(w.derived("A").gdp, close_to(91.0));
    CHECK_THAT(w.derived("B").gdp, close_to(191.0));
  }
  SECTION("a sanction one way stops the trade of both directions") {
    w.edge_state("B", "A").sanction = 0.5;
    w.derive();
    // x_AB = 10·.5 = 5, x_BA = 20·.5 = 10; lost = 15; L_A = .15, L_B = .075.
    CHECK_THAT(w.derived("A").lost_trade, close_to(0.15));
    CHECK_THAT(w.derived("B").lost_trade, close_to(0.075));
    CHECK_THAT(w.derived("A").gdp, close_to(92.5));   // 100(1 - .075)
    CHECK_THAT(w.derived("B").gdp, close_to(192.5));  // 200(1 - .0375)
  }
  SECTION("no sanction, no loss") {
    w.derive();
    CHECK(w.derived("A").lost_trade == 0.0);
    CHECK(w.derived("A").gdp == 100.0);
  }
}

TEST_CASE("derive: actual GDP is floored at 0 and military is M = m·G", "[rules][derive]") {
  // A gdp 100, m .1; B gdp 200, military 30 → m = .15. X_AB = 10, X_BA = 20.
  Scenario sc = tiny(2);
  agent(sc, "A").military_share = 0.1;
  agent(sc, "B").gdp = 200;
  agent(sc, "B").military = 30.0;
  relate(sc, "A", "B").exports = {10, 20};

  SECTION("M = m G without sanctions") {
    World w(sc);
    w.derive();
    CHECK_THAT(w.derived("A").military, close_to(10.0));  // .1 · 100
    CHECK_THAT(w.derived("B").military, close_to(30.0));  // .15 · 200
  }
  SECTION("M = m G with G lowered by a sanction") {
    World w(sc);
    w.edge_state("A", "B").sanction = 0.5;
    w.derive();
    // lost = 15, G_A = 100(1 - .5·.15) = 92.5, G_B = 200(1 - .5·.075) = 192.5.
    CHECK_THAT(w.derived("A").military, close_to(9.25));    // .1 · 92.5
    CHECK_THAT(w.derived("B").military, close_to(28.875));  // .15 · 192.5
  }
  SECTION("a large sanction_gdp_loss floors G at 0") {
    sc.parameters.sanction_gdp_loss = 10;
    World w(sc);
    w.edge_state("A", "B").sanction = 0.5;
    w.edge_state("B", "A").sanction = 0.2;
    w.derive();
    // L_A = .18: 1 - 10·.18 = -.8 → G_A = 100·max(0, -.8) = 0; L_B = .09: G_B = 200(1 - .9) = 20.
    CHECK(w.derived("A").gdp == 0.0);
    CHECK_THAT(w.derived("B").gdp, close_to(20.0));
    CHECK(w.derived("A").military == 0.0);              // .1 · 0
    CHECK_THAT(w.derived("B").military, close_to(3.0));  // .15 · 20
    // A division by a GDP of 0 gives 0: exposure 0 and rewards 0, autonomy 1.
    CHECK(w.derived("A").exposure == 0.0);
    CHECK(w.derived("A", "B").reward == 0.0);
    CHECK(w.derived("A").autonomy == 1.0);
  }
}

TEST_CASE("derive: power shares weight G, M and Pop and drop a factor with zero total or weight", "[rules][derive]") {
  // G = 100, 200, 100 (ΣG 400); m = .1, .05, 0 → M = 10, 10, 0 (ΣM 20).
  Scenario sc = tiny(3);
  agent(sc, "B").gdp = 200;
  agent(sc, "A").military_share = 0.1;
  agent(sc, "B").military_share = 0.05;

  SECTION("population total 0: that factor is dropped") {
    World w(sc);
    w.derive();
    // P_A = (.5·100/400 + .4·10/20)/(.5 + .4) = (.125 + .2)/.9
    CHECK_THAT(w.derived("A").power, close_to(0.325 / 0.9));
    CHECK_THAT(w.derived("B").power, close_to(0.45 / 0.9));   // (.25 + .2)/.9 = .5
    CHECK_THAT(w.derived("C").power, close_to(0.125 / 0.9));  // (.125 + 0)/.9
  }
  SECTION("all three factors") {
    agent(sc, "A").population = 10;
    agent(sc, "B").population = 30;
    agent(sc, "C").population = 60;
    World w(sc);
    w.derive();
    // Σω = 1: P_A = .125 + .2 + .1·.1 = .335; P_B = .25 + .2 + .03 = .48; P_C = .125 + 0 + .06 = .185.
    CHECK_THAT(w.derived("A").power, close_to(0.335));
    CHECK_THAT(w.derived("B").power, close_to(0.48));
    CHECK_THAT(w.derived("C").power, close_to(0.185));
  }
  SECTION("a zero weight drops its factor") {
    agent(sc, "A").population = 10;
    agent(sc, "B").population = 30;
    agent(sc, "C").population = 60;
    sc.parameters.power_weights.military = 0;
    World w(sc);
    w.derive();
    // P_A = (.5·.25 + .1·.1)/(.5 + .1) = .135/.6 = .225; P_B = (.25 + .03)/.6; P_C = (.125 + .06)/.6.
    CHECK_THAT(w.derived("A").power, close_to(0.225));
    CHECK_THAT(w.derived("B").power, close_to(0.28 / 0.6));
    CHECK_THAT(w.derived("C").power, close_to(0.185 / 0.6));
  }
  SECTION("every factor dropped gives power 0") {
    World w(sc);
    for (auto& a : w.s.agents) a.gp = 0;  // G = M = 0, Pop = 0
    w.derive();
    CHECK(w.derived("A").power == 0.0);
    CHECK(w.derived("B").power == 0.0);
  }
}

TEST_CASE("derive: mean growth is the G-weighted mean of g", "[rules][derive]") {
  Scenario sc = tiny(3);
  agent(sc, "A").growth = 0.02;
  agent(sc, "B").gdp = 200;
  agent(sc, "B").growth = 0.05;
  agent(sc, "C").growth = -0.01;
  World w(sc);
  w.derive();
  // ḡ = (100·.02 + 200·.05 + 100·(-.01))/400 = (2 + 10 - 1)/400 = .0275
  CHECK_THAT(w.d.mean_growth, close_to(0.0275));
  CHECK_THAT(w.d.total_gdp, close_to(400.0));
}

TEST_CASE("derive: dependence D mixes trade, investment and aid over a fixed denominator", "[rules][derive]") {
  // A-B: X_AB 10, X_BA 20; V_BA 30 (B's stock in A), V_AB 7; A_BA 2 (aid B→A).
  // A-C: X 5 each way; V_CA 10.
  Scenario sc = tiny(3);
  {
    auto& r = relate(sc, "A", "B");
    r.exports = {10, 20};
    r.investment = {7, 30};
    r.aid = {0, 2};
  }
  {
    auto& r = relate(sc, "A", "C");
    r.exports = {5, 5};
    r.investment = {0, 10};
  }

  SECTION("default weights .6/.3/.1") {
    World w(sc);
    w.derive();
    // TT_A = 30 + 10 = 40, VV_A = V_BA + V_CA = 40, AA_A = A_BA = 2.
    CHECK_THAT(w.derived("A").tt, close_to(40.0));
    CHECK_THAT(w.derived("A").vv, close_to(40.0));
    CHECK_THAT(w.derived("A").aa, close_to(2.0));
    // D_AB = (.6·30/40 + .3·30/40 + .1·2/2)/1 = .45 + .225 + .1 = .775
    // D_AC = .6·10/40 + .3·10/40 + .1·0/2 = .15 + .075 = .225
    CHECK_THAT(w.derived("A", "B").dependence, close_to(0.775));
    CHECK_THAT(w.derived("A", "C").dependence, close_to(0.225));
    // H_A = .775² + .225² = .600625 + .050625 = .65125; Dmax = .775; top = B.
    CHECK_THAT(w.derived("A").hhi, close_to(0.65125));
    CHECK_THAT(w.derived("A").dmax, close_to(0.775));
    CHECK(w.derived("A").top_dependence == static_cast<int>(w.id("B")));
    // ex_A = min(1, (40/100)/.5) = .8; autonomy = 1 - .8·.775 = .38.
    CHECK_THAT(w.derived("A").exposure, close_to(0.8));
    CHECK_THAT(w.derived("A").autonomy, close_to(0.38));
    // B has no aid inbound: TT_B = 30, VV_B = V_AB = 7, AA_B = 0 →
    // D_BA = (.6·1 + .3·1 + .1·0)/1 = .9, so Σ_j D_Bj = .9 < 1.
    CHECK_THAT(w.derived("B", "A").dependence, close_to(0.9));
    CHECK_THAT(w.derived("B").hhi, close_to(0.81));
    // C: only trade, TT_C = 10: D_CA = .6·10/10 = .6.
    CHECK_THAT(w.derived("C", "A").dependence, close_to(0.6));
    // ex_B = (30/100)/.5 = .6: autonomy_B = 1 - .6·.9 = .46.
    CHECK_THAT(w.derived("B").autonomy, close_to(0.46));
  }
  SECTION("weights that do not sum to 1 keep their sum as denominator") {
    sc.parameters.dependence_weights = {1, 1, 2};  // δT + δV + δA = 4
    World w(sc);
    w.derive();
    // D_AB = (1·.75 + 1·.75 + 2·1)/4 = .875; D_AC = (.25 + .25 + 0)/4 = .125
    CHECK_THAT(w.derived("A", "B").dependence, close_to(0.875));
    CHECK_THAT(w.derived("A", "C").dependence, close_to(0.125));
    // D_BA = (1 + 1 + 0)/4 = .5 (empty aid channel); D_CA = (1 + 0 + 0)/4 = .25
    CHECK_THAT(w.derived("B", "A").dependence, close_to(0.5));
    CHECK_THAT(w.derived("C", "A").dependence, close_to(0.25));
  }
}

TEST_CASE("derive: exposure is capped at 1 and is 0 when G is 0", "[rules][derive]") {
  // A-B: X 40 each way → TT_A = 80, D_AB = .6.
  Scenario sc = tiny(2);
  relate(sc, "A", "B").exports = {40, 40};

  SECTION("cap") {
    World w(sc);
    w.derive();
    // (80/100)/.5 = 1.6 → ex = 1; autonomy = 1 - 1·.6 = .4
    CHECK(w.derived("A").exposure == 1.0);
    CHECK_THAT(w.derived("A").autonomy, close_to(0.4));
  }
  SECTION("below the cap with another reference") {
    sc.parameters.exposure_reference = 2;
    World w(sc);
    w.derive();
    // (80/100)/2 = .4; autonomy = 1 - .4·.6 = .76
    CHECK_THAT(w.derived("A").exposure, close_to(0.4));
    CHECK_THAT(w.derived("A").autonomy, close_to(0.76));
  }
  SECTION("G = 0") {
    World w(sc);
    w.agent_state("A").gp = 0;
    w.derive();
    CHECK(w.derived("A").gdp == 0.0);
    CHECK(w.derived("A").lost_trade == 0.0);  // a division by a GDP of 0 gives 0
    CHECK(w.derived("A").exposure == 0.0);
    CHECK(w.derived("A").autonomy == 1.0);
    CHECK_THAT(w.derived("A").hhi, close_to(0.36));  // D does not depend on G: .6²
  }
}

TEST_CASE("derive: top dependence takes the first of tied partners and is empty when no D is positive",
          "[rules][derive]") {
  Scenario sc = tiny(4);
  // Declared C first: "first" means lowest agent index, not declaration order.
  relate(sc, "A", "C").exports = {5, 5};
  relate(sc, "A", "B").exports = {5, 5};
  relate(sc, "D", "B");  // no flows at all
  World w(sc);
  w.derive();
  // D_AB = D_AC = .6·10/20 = .3 → tie → B (index 1).
  CHECK_THAT(w.derived("A", "B").dependence, close_to(0.3));
  CHECK_THAT(w.derived("A", "C").dependence, close_to(0.3));
  CHECK(w.derived("A").top_dependence == static_cast<int>(w.id("B")));
  // D has one partner and no flows: D_DB = 0 → none; Dmax 0, H 0, autonomy 1.
  CHECK(w.derived("D").top_dependence == -1);
  CHECK(w.derived("D").dmax == 0.0);
  CHECK(w.derived("D").hhi == 0.0);
  CHECK(w.derived("D").autonomy == 1.0);
}

TEST_CASE("derive: proximity is 1 across a border, else max(exp(-d/decay), reach)", "[rules][derive]") {
  // A gdp 100, B gdp 300: P_A = .25, P_B = .75; a_BA = 0, same regime → hs = .5.
  Scenario sc = tiny(2);
  agent(sc, "B").gdp = 300;

  SECTION("border") {
    auto& r = relate(sc, "A", "B");
    r.border = true;
    r.distance = 50000;  // ignored across a border
    World w(sc);
    w.derive();
    CHECK(w.derived("A", "B").geo == 1.0);
    // T_AB = rel .75/1 · prox 1 · hs .5 = .375; T_BA = .25 · 1 · .5 = .125
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.375));
    CHECK_THAT(w.derived("B", "A").threat, close_to(0.125));
  }
  SECTION("distance wins over a short reach") {
    relate(sc, "A", "B").distance = 2000;
    agent(sc, "B").reach = 0.05;
    World w(sc);
    w.derive();
    // geo = e^{-2000/1000} = e^-2 ≈ .1353 > .05 → prox = e^-2; T_AB = .75 · e^-2 · .5
    CHECK_THAT(w.derived("A", "B").geo, close_to(std::exp(-2.0)));
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.375 * std::exp(-2.0)));
  }
  SECTION("reach wins over distance") {
    relate(sc, "A", "B").distance = 2000;
    agent(sc, "B").reach = 0.3;
    World w(sc);
    w.derive();
    // prox = max(e^-2, .3) = .3; T_AB = .75 · .3 · .5 = .1125
    CHECK_THAT(w.derived("A", "B").geo, close_to(std::exp(-2.0)));
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.1125));
    // B→A uses A's reach (.1 by default): prox = max(e^-2, .1) = e^-2; T_BA = .25·e^-2·.5
    CHECK_THAT(w.derived("B", "A").threat, close_to(0.125 * std::exp(-2.0)));
  }
  SECTION("distance_decay_km scales the distance") {
    relate(sc, "A", "B").distance = 1000;
    sc.parameters.distance_decay_km = 500;
    agent(sc, "B").reach = 0;
    World w(sc);
    w.derive();
    CHECK_THAT(w.derived("A", "B").geo, close_to(std::exp(-2.0)));  // e^{-1000/500}
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.375 * std::exp(-2.0)));
  }
}

TEST_CASE("derive: hostility adds alignment, regime and grievance terms, subtracts security, and is clamped",
          "[rules][derive]") {
  // Equal G and a border: rel = .5, prox = 1, so T_AB = .5 · hs_AB.
  Scenario sc = tiny(2);
  relate(sc, "A", "B").border = true;
  World w(sc);
  auto& ab = w.edge_state("A", "B");
  auto& ba = w.edge_state("B", "A");

  SECTION("neutral") {
    w.derive();
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.25));  // hs = .5(1 - 0) = .5
  }
  SECTION("regime difference") {
    w.agent_state("A").regime = 0.9;
    w.agent_state("B").regime = 0.1;
    ba.alignment = 0.4;
    w.derive();
    // hs = .5(1 - .4) + .25·|.9 - .1| = .3 + .2 = .5 → T = .25
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.25));
  }
  SECTION("clamped at 1") {
    w.agent_state("A").regime = 0.9;
    w.agent_state("B").regime = 0.1;
    ba.alignment = -1;
    w.derive();
    // hs = clamp01(.5·2 + .2) = 1 → T = .5
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.5));
  }
  SECTION("grievance c_AB adds to A's hostility only") {
    ab.grievance = 0.3;
    w.derive();
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.4));   // hs = .5 + .3 = .8
    CHECK_THAT(w.derived("B", "A").threat, close_to(0.25));  // c_BA = 0
  }
  SECTION("security relief") {
    ab.security = ba.security = 0.4;
    w.derive();
    CHECK_THAT(w.derived("A", "B").threat, close_to(0.15));  // hs = .5 - .5·.4 = .3
    ab.security = ba.security = 1;
    w.derive();
    CHECK(w.derived("A", "B").threat == 0.0);  // hs = .5 - .5 = 0
  }
  SECTION("clamped at 0") {
    ba.alignment = 1;
    ab.security = ba.security = 0.6;
    w.derive();
    CHECK(w.derived("A", "B").threat == 0.0);  // hs = clamp01(0 - .3) = 0
  }
}

TEST_CASE("derive: the main threat is the first argmax of T, if it reaches threat_floor", "[rules][derive]") {
  SECTION("ties go to the lower index") {
    // A 100, B 200, C 200: P = .2, .4, .4. Borders: T_AB = T_AC = (.4/.6)·1·.5 = 1/3.
    Scenario sc = tiny(3);
    agent(sc, "B").gdp = 200;
    agent(sc, "C").gdp = 200;
    relate(sc, "A", "C").border = true;  // declared first on purpose
    relate(sc, "A", "B").border = true;
    World w(sc);
    w.derive();
    CHECK_THAT(w.derived("A", "B").threat, close_to(1.0 / 3));
    CHECK_THAT(w.derived("A", "C").threat, close_to(1.0 / 3));
    CHECK(w.derived("A").main_threat == static_cast<int>(w.id("B")));
    CHECK_THAT(w.derived("A").threat, close_to(1.0 / 3));
    // B's only partner is A: T_BA = (.2/.6)·.5 = 1/6 ≥ .02.
    CHECK(w.derived("B").main_threat == static_cast<int>(w.id("A")));
    CHECK_THAT(w.derived("B").threat, close_to(1.0 / 6));
  }
  SECTION("threat_floor") {
    // A 100, B 300, border: T_BA = .25 · 1 · .5 = .125 exactly.
    Scenario sc = tiny(2);
    agent(sc, "B").gdp = 300;
    relate(sc, "A", "B").border = true;
    sc.parameters.threat_floor = 0.125;
    {
      World w(sc);
      w.derive();
      CHECK(w.derived("B").main_threat == static_cast<int>(w.id("A")));  // .125 ≥ .125
      CHECK(w.derived("B").threat == 0.125);
    }
    sc.parameters.threat_floor = 0.13;
    {
      World w(sc);
      w.derive();
      CHECK(w.derived("B").main_threat == -1);  // .125 < .13
      CHECK(w.derived("B").threat == 0.0);
      CHECK_THAT(w.derived("B", "A").threat, close_to(0.125));  // the edge keeps its T
    }
  }
  SECTION("no partners, no threat") {
    Scenario sc = tiny(3);
    relate(sc, "A", "B").border = true;
    World w(sc);
    w.derive();
    CHECK(w.derived("C").main_threat == -1);
    CHECK(w.derived("C").threat == 0.0);
  }
  SECTION("rel is 0 when both powers are 0") {
    Scenario sc = tiny(2);
    relate(sc, "A", "B").border = true;
    World w(sc);
    w.agent_state("A").gp = w.agent_state("B").gp = 0;
    w.derive();
    CHECK(w.derived("A", "B").threat == 0.0);
    CHECK(w.derived("A").main_threat == -1);
  }
}

TEST_CASE("derive: reward counts potential flows over actual G, weighted by growth momentum", "[rules][derive]") {
  // A g .02, B g .04, C g .02, all gdp 100: ḡ = (2 + 4 + 2)/300 = 8/300.
  // A-B: X 10 each way, V_BA = 20 (B's stock in A), A_BA = 1 (B's aid to A). A-C: nothing.
  Scenario sc = tiny(3);
  agent(sc, "B").growth = 0.04;
  {
    auto& r = relate(sc, "A", "B");
    r.exports = {10, 10};
    r.investment = {0, 20};
    r.aid = {0, 1};
  }
  relate(sc, "A", "C");
  const double gbar = 8.0 / 300;

  SECTION("R and Rn") {
    World w(sc);
    w.derive();
    CHECK_THAT(w.d.mean_growth, close_to(gbar));
    // R_AB = ((10 + 10 + .1·20 + 1)/100)·e^{10(.04 - ḡ)} = .23 e^{10(.04 - ḡ)}; Rn = R/(R + .2)
    const double r_ab = 0.23 * std::exp(10 * (0.04 - gbar));
    CHECK_THAT(w.derived("A", "B").reward, close_to(r_ab / (r_ab + 0.2)));
    // R_BA = ((20 + .1·0 + 0)/100)·e^{10(.02 - ḡ)}
    const double r_ba = 0.2 * std::exp(10 * (0.02 - gbar));
    CHECK_THAT(w.derived("B", "A").reward, close_to(r_ba / (r_ba + 0.2)));
    // R_AC = 0 → Rn = 0; Σ_j Rn_Aj = Rn_AB.
    CHECK(w.derived("A", "C").reward == 0.0);
    CHECK_THAT(w.derived("A").reward_sum, close_to(r_ab / (r_ab + 0.2)));
  }
  SECTION("momentum 0 and another reward_scale") {
    sc.parameters.momentum = 0;
    sc.parameters.reward_scale = 0.5;
    World w(sc);
    w.derive();
    CHECK_THAT(w.derived("A", "B").reward, close_to(0.23 / 0.73));  // .23/(.23 + .5)
  }
  SECTION("a sanction lowers G but not the flows counted") {
    World w(sc);
    w.edge_state("A", "B").sanction = 0.5;
    w.derive();
    // lost = 20 - 10 = 10 → G_A = 100(1 - .5·.1) = 95, G_B = 95, G_C = 100:
    // ḡ = (95·.02 + 95·.04 + 100·.02)/290 = 7.7/290.
    const double g2 = 7.7 / 290;
    CHECK_THAT(w.d.mean_growth, close_to(g2));
    // R_AB = ((20 + 2 + 1)/95)·e^{10(.04 - ḡ)} with the potential X = 10 + 10.
    const double r_ab = (23.0 / 95) * std::exp(10 * (0.04 - g2));
    CHECK_THAT(w.derived("A", "B").reward, close_to(r_ab / (r_ab + 0.2)));
  }
}

TEST_CASE("derive: influence gap compares j's dependence on i with its dependence on i's strong peers",
          "[rules][derive]") {
  // A, B, C gdp 100, D gdp 20: ΣG 320, P_A = P_B = P_C = .3125, P_D = .0625.
  // B's trade: B-A 10, B-C 20, B-D 30 (both ways summed) → TT_B = 60,
  //   D_BA = .6·10/60 = .1, D_BC = .2, D_BD = .3.
  // A-C has no flows; C's trade is only with B → D_CB = .6, D_CA = 0.
  auto gap_world = [](double ab, double bc, double bd) {
    Scenario sc = tiny(4);
    agent(sc, "D").gdp = 20;
    relate(sc, "A", "B").exports = {ab / 2, ab / 2};
    relate(sc, "B", "C").exports = {bc / 2, bc / 2};
    relate(sc, "B", "D").exports = {bd / 2, bd / 2};
    relate(sc, "A", "C");
    return sc;
  };

  SECTION("a peer below rival_power_ratio does not count") {
    World w(gap_world(10, 20, 30));
    w.derive();
    CHECK_THAT(w.derived("B", "D").dependence, close_to(0.3));
    // gap_AB = max(0, max{D_Bk : k ∈ {C, D}, P_k ≥ .5·.3125} - D_BA):
    //   C (.3125) counts, D (.0625) does not → .2 - .1 = .1
    CHECK_THAT(w.derived("A", "B").gap, close_to(0.1));
    // gap_CB: k ∈ {A, D}, only A counts → .1 - .2 < 0 → 0
    CHECK(w.derived("C", "B").gap == 0.0);
    // gap_AC: k ∈ N(C) \ {A} = {B}, P_B counts → D_CB - D_CA = .6 - 0 = .6
    CHECK_THAT(w.derived("A", "C").gap, close_to(0.6));
    // gap_BA: N(A) \ {B} = {C}, D_AC = 0 → max(0, 0 - D_AB) = 0
    CHECK(w.derived("B", "A").gap == 0.0);
  }
  SECTION("a lower rival_power_ratio admits the weak peer") {
    Scenario sc = gap_world(10, 20, 30);
    sc.parameters.rival_power_ratio = 0.1;
    World w(sc);
    w.derive();
    // θ = .1·.3125 = .03125 ≤ P_D: gap_AB = max(.2, .3) - .1 = .2
    CHECK_THAT(w.derived("A", "B").gap, close_to(0.2));
  }
  SECTION("a peer exactly at the ratio counts") {
    Scenario sc = gap_world(10, 20, 30);
    agent(sc, "D").gdp = 50;  // ΣG 350: P_D = (.5·50/350)/.5 = 2·(25/350) = .5·P_A exactly
    World w(sc);
    w.derive();
    CHECK(w.derived("D").power == 0.5 * w.derived("A").power);
    CHECK_THAT(w.derived("A", "B").gap, close_to(0.2));  // .3 - .1
  }
  SECTION("no peer reaches the ratio: the inner max is 0") {
    Scenario sc = gap_world(10, 20, 30);
    sc.parameters.rival_power_ratio = 2;  // θ = .625 > every P
    World w(sc);
    w.derive();
    CHECK(w.derived("A", "B").gap == 0.0);
    CHECK(w.derived("A", "C").gap == 0.0);
  }
  SECTION("i itself is j's largest dependence: the peers are the others") {
    // B-A 30, B-C 20, B-D 10: D_BA = .3, D_BC = .2, D_BD = .1.
    World w(gap_world(30, 20, 10));
    w.derive();
    // gap_AB: k ∈ {C, D} \ {A}, C counts → max(0, .2 - .3) = 0
    CHECK(w.derived("A", "B").gap == 0.0);
    // gap_CB: k ∈ {A, D}, A counts → .3 - .2 = .1
    CHECK_THAT(w.derived("C", "B").gap, close_to(0.1));
    // gap_DB: θ = .5·.0625; A and C count → max(.3, .2) - .1 = .2
    CHECK_THAT(w.derived("D", "B").gap, close_to(0.2));
  }
}

TEST_CASE("derive: the triad's threats, dependences and rewards match the hand values", "[rules][derive]") {
  World w(triad());
  w.derive();
  const TriadHand h;
  CHECK_THAT(w.derived("A").power, close_to(0.2));
  CHECK_THAT(w.derived("B").power, close_to(0.6));
  CHECK_THAT(w.d.mean_growth, close_to(0.038));
  CHECK_THAT(w.derived("A", "B").threat, close_to(0.45));
  CHECK_THAT(w.derived("A", "C").threat, close_to(0.15 * std::exp(-1.0)));
  CHECK(w.derived("A").main_threat == static_cast<int>(w.id("B")));
  CHECK_THAT(w.derived("A", "B").dependence, close_to(0.4));
  CHECK_THAT(w.derived("A", "C").dependence, close_to(0.2));
  CHECK_THAT(w.derived("A").hhi, close_to(h.hhi));
  CHECK_THAT(w.derived("A").exposure, close_to(h.ex));
  CHECK_THAT(w.derived("A", "B").reward, close_to(h.rn_ab));
  CHECK_THAT(w.derived("A", "C").reward, close_to(h.rn_ac));
  // B: T_BA = rel .2/.8 = .25 · prox 1 · hs .5(1 - .1) = .1125;
  //    T_BC = .25 · max(e^-10, .1) · .5(1 + .5) = .01875 → h_B = A.
  CHECK_THAT(w.derived("B", "A").threat, close_to(0.1125));
  CHECK_THAT(w.derived("B", "C").threat, close_to(0.01875));
  CHECK(w.derived("B").main_threat == static_cast<int>(w.id("A")));
}

// ============================================================================
// §3.3 Decide
// ============================================================================

namespace {

/// The triad plus D (gdp 100, reach .5): A-D at distance 3000 with a_AD = .8,
/// a_DA = 0; B-D with a_DB = -1 (unless `with_bd` is false).
/// ΣG = 600: P_A = P_C = P_D = 1/6, P_B = .5; A's main threat is still B:
///   T_AB = (.5/(2/3) = .75)·1·.6 = .45, T_AC = .5·e^-1·.3, T_AD = .5·max(e^-3, .5)·.5 = .125.
/// cw_AC = (1/6)/(2/3) = .25 · .75 · .7 · e^-1 = .13125 e^-1 ≈ .04828
/// cw_AD = .25 · (1 - (-1))/2 = 1 · (1 + 0)/2 = .5 · max(e^-3, .5) = .5  = .0625
Scenario quad(bool with_bd = true) {
  Scenario s = triad();
  geosim::AgentSpec d;
  d.id = d.name = "D";
  d.gdp = 100;
  d.reach = 0.5;
  s.agents.push_back(d);
  {
    auto& r = relate(s, "A", "D");
    r.distance = 3000;
    r.alignment = {0.8, 0};
  }
  if (with_bd) relate(s, "B", "D").alignment = {0, -1};
  return s;
}

const geosim::AgentDecision& decide_at_step0(World& w) {
  w.step(0);
  return w.decision("A");
}

}  // namespace

TEST_CASE("decide: counterweights cw and capacity C = 1 - Π(1 - cw)", "[rules][decide]") {
  SECTION("two counterweights") {
    World w(quad());
    const auto& dec = decide_at_step0(w);
    REQUIRE(w.derived("A").main_threat == static_cast<int>(w.id("B")));
    const double cw_ac = 0.13125 * std::exp(-1.0);
    CHECK_THAT(w.dec.cw[w.edge("A", "C")], close_to(cw_ac));
    CHECK_THAT(w.dec.cw[w.edge("A", "D")], close_to(0.0625));
    CHECK(w.dec.cw[w.edge("A", "B")] == 0.0);  // the threat is no counterweight
    CHECK_THAT(dec.counterweight, close_to(1 - (1 - cw_ac) * (1 - 0.0625)));
  }
  SECTION("a counterweight with no relation to the threat has a_kh = 0") {
    World w(quad(false));
    const auto& dec = decide_at_step0(w);
    // cw_AD = .25 · (1 - 0)/2 · .5 · .5 = .03125
    CHECK_THAT(w.dec.cw[w.edge("A", "D")], close_to(0.03125));
    CHECK_THAT(dec.counterweight, close_to(1 - (1 - 0.13125 * std::exp(-1.0)) * (1 - 0.03125)));
  }
  SECTION("one counterweight") {
    World w(triad());
    const auto& dec = decide_at_step0(w);
    CHECK_THAT(dec.counterweight, close_to(TriadHand{}.cap));
  }
}

TEST_CASE("decide: the nine cells of the strategy table", "[rules][decide]") {
  // Weights (1,0,0), (0,1,0), (0,0,1) make U_s one column of the table.
  Scenario sc = triad();
  const TriadHand h;
  // Hand values (C ≈ .048284, q ≈ .6427, mom = e^.12 ≈ 1.1275):
  //   security   .5717   .71875  .6432
  //   prosperity .6786   1.1449  1
  //   autonomy   .8694   .475    .88
  SECTION("security") {
    agent(sc, "A").weights = {1, 0, 0};
    World w(sc);
    const auto& dec = decide_at_step0(w);
    REQUIRE(dec.has_utility);
    for (int s = 0; s < 3; ++s) CHECK_THAT(dec.utility[static_cast<std::size_t>(s)], close_to(h.security[s]));
    CHECK_THAT(dec.utility[1], close_to(0.71875));
  }
  SECTION("prosperity") {
    agent(sc, "A").weights = {0, 1, 0};
    World w(sc);
    const auto& dec = decide_at_step0(w);
    for (int s = 0; s < 3; ++s) CHECK_THAT(dec.utility[static_cast<std::size_t>(s)], close_to(h.prosperity[s]));
    CHECK(dec.utility[2] == 1.0);
  }
  SECTION("autonomy") {
    agent(sc, "A").weights = {0, 0, 1};
    World w(sc);
    const auto& dec = decide_at_step0(w);
    for (int s = 0; s < 3; ++s) CHECK_THAT(dec.utility[static_cast<std::size_t>(s)], close_to(h.autonomy[s]));
    CHECK_THAT(dec.utility[1], close_to(0.475));
    CHECK_THAT(dec.utility[2], close_to(0.88));
  }
}

TEST_CASE("decide: utilities weight security, prosperity and autonomy", "[rules][decide]") {
  Scenario sc = triad();
  agent(sc, "A").weights = {2, 0.5, 3};
  World w(sc);
  const auto& dec = decide_at_step0(w);
  const TriadHand h;
  // U_s = 2·security_s + .5·prosperity_s + 3·autonomy_s
  for (int s = 0; s < 3; ++s) CHECK_THAT(dec.utility[static_cast<std::size_t>(s)], close_to(h.utility(s, 2, 0.5, 3)));
}

TEST_CASE("decide: an adaptive state takes the largest utility and reports its security", "[rules][decide]") {
  Scenario sc = triad();
  const TriadHand h;
  SECTION("default weights: hedge") {
    // U ≈ 2.1197, 2.3387, 2.5232
    REQUIRE(h.utility(2, 1, 1, 1) > h.utility(1, 1, 1, 1));
    REQUIRE(h.utility(1, 1, 1, 1) > h.utility(0, 1, 1, 1));
    World w(sc);
    const auto& dec = decide_at_step0(w);
    CHECK(dec.strategy == Strategy::kHedge);
    CHECK_THAT(dec.security, close_to(h.security[2]));
  }
  SECTION("prosperity only: bandwagon") {
    agent(sc, "A").weights = {0, 1, 0};
    World w(sc);
    const auto& dec = decide_at_step0(w);
    CHECK(dec.strategy == Strategy::kBandwagon);
    CHECK_THAT(dec.security, close_to(0.71875));
  }
  SECTION("security only with ψ = 0: balance") {
    // sec: balance 1 - .45(1 - C) > hedge 1 - .45(1 - C/2) > bandwagon 1 - .45
    agent(sc, "A").weights = {1, 0, 0};
    agent(sc, "A").appeasement = 0;
    World w(sc);
    const auto& dec = decide_at_step0(w);
    CHECK(dec.strategy == Strategy::kBalance);
    CHECK_THAT(dec.security, close_to(1 - 0.45 * (1 - h.cap)));
    CHECK_THAT(dec.utility[1], close_to(0.55));
  }
}

TEST_CASE("decide: ties go to balance, then bandwagon, then hedge", "[rules][decide]") {
  Scenario sc = triad();
  SECTION("three-way tie: balance") {
    agent(sc, "A").weights = {0, 0, 0};  // U = 0, 0, 0
    World w(sc);
    const auto& dec = decide_at_step0(w);
    CHECK(dec.utility[0] == dec.utility[2]);
    CHECK(dec.strategy == Strategy::kBalance);
  }
  SECTION("balance = bandwagon > hedge: balance") {
    // Prosperity only, momentum 0 (mom = 1), balance_cost -.5, bandwagon_gain .5:
    //   U_bal = 1 - q·(-.5) = 1 + .5q = U_band = 1 + .5q·1 > U_hedge = 1
    agent(sc, "A").weights = {0, 1, 0};
    sc.parameters.momentum = 0;
    sc.parameters.balance_cost = -0.5;
    sc.parameters.bandwagon_gain = 0.5;
    World w(sc);
    const auto& dec = decide_at_step0(w);
    REQUIRE(dec.utility[0] == dec.utility[1]);
    REQUIRE(dec.utility[1] > dec.utility[2]);
    CHECK(dec.strategy == Strategy::kBalance);
  }
  SECTION("bandwagon = hedge > balance: bandwagon") {
    // Prosperity only, bandwagon_gain 0: U = 1 - .5q, 1, 1
    agent(sc, "A").weights = {0, 1, 0};
    sc.parameters.bandwagon_gain = 0;
    World w(sc);
    const auto& dec = decide_at_step0(w);
    REQUIRE(dec.utility[1] == dec.utility[2]);
    REQUIRE(dec.utility[0] < dec.utility[1]);
    CHECK(dec.strategy == Strategy::kBandwagon);
  }
  SECTION("balance = hedge > bandwagon: balance") {
    // Autonomy only, a_CB = 1 → cw_AC = 0 → C = 0: U = .88·(1 - 0), .475, .88
    agent(sc, "A").weights = {0, 0, 1};
    sc.relations[2].alignment.ba = 1;  // a_CB
    World w(sc);
    const auto& dec = decide_at_step0(w);
    CHECK(dec.counterweight == 0.0);
    REQUIRE(dec.utility[0] == dec.utility[2]);
    CHECK_THAT(dec.utility[0], close_to(0.88));
    CHECK(dec.strategy == Strategy::kBalance);
  }
}

TEST_CASE("decide: with a choice temperature the strategy is drawn from stream 3", "[rules][decide]") {
  // τ = .5, default weights: weights_s = exp((U_s - max U)/τ), u = uniform(seed, run, t, i, 3, 0)·Σ,
  // the first strategy whose cumulative weight exceeds u.
  // Hand: U ≈ (2.1197, 2.3387, 2.5232) → weights ≈ (.446, .691, 1), Σ ≈ 2.137.
  Scenario sc = triad();
  sc.parameters.choice_temperature = 0.5;
  const TriadHand h;
  double u_s[3], weight[3], total = 0;
  for (int s = 0; s < 3; ++s) u_s[s] = h.utility(s, 1, 1, 1);
  const double umax = std::max({u_s[0], u_s[1], u_s[2]});
  for (int s = 0; s < 3; ++s) {
    weight[s] = std::exp((u_s[s] - umax) / 0.5);
    total += weight[s];
  }
  CHECK_THAT(weight[2], close_to(1.0));

  World w(sc);
  w.events(0);
  w.derive();
  w.capture_beta0();
  std::set<Strategy> seen;
  constexpr std::uint64_t kRun = 2;
  constexpr int kStep = 4;  // decide reads t only for its random draws here
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    w.key = {seed, kRun};
    w.decide(kStep);
    const double u = rnd::uniform(seed, kRun, kStep, w.id("A"), rnd::kStrategyChoice, 0) * total;
    int expected = 2;
    double cumulative = 0;
    for (int s = 0; s < 3; ++s) {
      cumulative += weight[s];
      if (cumulative > u) {
        expected = s;
        break;
      }
    }
    INFO("seed " << seed << " u " << u);
    CHECK(w.decision("A").strategy == static_cast<Strategy>(expected));
    CHECK_THAT(w.decision("A").security, close_to(h.security[expected]));
    seen.insert(w.decision("A").strategy);
  }
  CHECK(seen.size() == 3);  // every branch of the walk was exercised
}

TEST_CASE("decide: a fixed strategy is used as given, with its security and the utilities", "[rules][decide]") {
  Scenario sc = triad();
  const TriadHand h;
  const auto [rule, strategy] = GENERATE(table<StrategyRule, Strategy>({
      {StrategyRule::kBalance, Strategy::kBalance},
      {StrategyRule::kBandwagon, Strategy::kBandwagon},
      {StrategyRule::kHedge, Strategy::kHedge},
  }));
  agent(sc, "A").strategy = rule;
  World w(sc);
  const auto& dec = decide_at_step0(w);
  CHECK(dec.strategy == strategy);
  CHECK_THAT(dec.security, close_to(h.security[static_cast<int>(strategy)]));
  CHECK(dec.has_utility);
  CHECK_THAT(dec.utility[0], close_to(h.utility(0, 1, 1, 1)));
  CHECK_THAT(dec.counterweight, close_to(h.cap));
}

TEST_CASE("decide: a state with no threat hedges and has security 1", "[rules][decide]") {
  // threat_floor 1: no T reaches it. A's rule is balance, but without a threat every agent hedges.
  Scenario sc = tiny(2);
  agent(sc, "B").gdp = 300;
  relate(sc, "A", "B").border = true;  // T_AB = .375
  sc.parameters.threat_floor = 1;
  agent(sc, "A").strategy = StrategyRule::kBalance;
  agent(sc, "A").military_share = 0.1;
  World w(sc);
  w.agent_state("A").m = 0.15;  // m0 = .1
  w.step(0);
  const auto& dec = w.decision("A");
  CHECK(w.derived("A").main_threat == -1);
  CHECK(w.derived("A").threat == 0.0);
  CHECK(dec.strategy == Strategy::kHedge);
  CHECK(dec.security == 1.0);
  CHECK(dec.counterweight == 0.0);
  CHECK_FALSE(dec.has_utility);
  // No internal balancing without a threat: m' = .15 + 1·(0 - .2(.15 - .1)) = .14
  CHECK_THAT(dec.military_share, close_to(0.14));
}

TEST_CASE("decide: the disposition β sums reward, affinity, values, bloc and influence terms", "[rules][decide]") {
  // Gap world: A, B, C gdp 100, D gdp 20; B-A X 5+5, B-C 10+10, B-D 15+15; A-C no flows.
  // Growth all .02 → ḡ = .02, momentum factor 1. Rn_AB = (10/100)/(.1 + .2) = 1/3; gap_AB = .1,
  // gap_AC = .6 (see the influence gap test).
  // A: values .6, regime .7, χ .8; B regime .4; affinity A-B .4.
  // Blocs: X {A,B} .6 always; Y {A,B,C} .8 at 2..4; Z {A,C} 1.0 always; W {A,B} .9 from 6;
  // V {A,B} .2 always.
  Scenario sc = tiny(4);
  agent(sc, "D").gdp = 20;
  agent(sc, "A").values = 0.6;
  agent(sc, "A").regime = 0.7;
  agent(sc, "A").counter_influence = 0.8;
  agent(sc, "B").regime = 0.4;
  {
    auto& r = relate(sc, "A", "B");
    r.exports = {5, 5};
    r.affinity = 0.4;
  }
  relate(sc, "B", "C").exports = {10, 10};
  relate(sc, "B", "D").exports = {15, 15};
  relate(sc, "A", "C");
  auto bloc = [](std::vector<std::string> members, double cohesion, int from, int until) {
    geosim::Bloc b;
    b.name = "bloc";
    b.members = std::move(members);
    b.cohesion = cohesion;
    b.from = from;
    b.until = until;
    return b;
  };
  constexpr int kForever = std::numeric_limits<int>::max();
  // V {A,B} .2 always, listed last: the largest active cohesion counts, not the last one.
  sc.blocs = {bloc({"A", "B"}, 0.6, 0, kForever), bloc({"A", "B", "C"}, 0.8, 2, 4), bloc({"A", "C"}, 1.0, 0, kForever),
              bloc({"A", "B"}, 0.9, 6, kForever), bloc({"A", "B"}, 0.2, 0, kForever)};

  SECTION("default coefficients 1, .5, .5, .5, .5") {
    World w(sc);
    w.derive();
    REQUIRE_THAT(w.derived("A", "B").reward, close_to(1.0 / 3));
    REQUIRE_THAT(w.derived("A", "B").gap, close_to(0.1));
    // β_AB = 1/3 + .5·.4 + .5·.6·(1 - 2|.7 - .4|) + .5·bloc + .5·.8·.1 = 1/3 + .2 + .12 + .5·bloc + .04
    const double base = 1.0 / 3 + 0.2 + 0.12 + 0.04;
    const EdgeId ab = w.edge("A", "B");
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 1, ab), close_to(base + 0.5 * 0.6));  // X only
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 2, ab), close_to(base + 0.5 * 0.8));  // Y from 2
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 4, ab), close_to(base + 0.5 * 0.8));  // Y until 4
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 5, ab), close_to(base + 0.5 * 0.6));  // Y over
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 6, ab), close_to(base + 0.5 * 0.9));  // W from 6
    // β_AC at 1 = 0 + 0 + .5·.6·(1 - 2|.7 - .5|) + .5·1 (Z) + .5·.8·.6 = .18 + .5 + .24 = .92
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 1, w.edge("A", "C")), close_to(0.92));
  }
  SECTION("other coefficients") {
    sc.parameters.disposition = {2, 1, 0, 1, 1};
    World w(sc);
    w.derive();
    // β_AB(1) = 2/3 + .4 + 0 + .6 + .8·.1 = 1.74667
    CHECK_THAT(rules::disposition(w.s, w.model, w.d, 1, w.edge("A", "B")), close_to(2.0 / 3 + 0.4 + 0.6 + 0.08));
  }
}

TEST_CASE("decide: alignment targets are anchored to the observed start", "[rules][decide]") {
  // A, B gdp 100, no flows (Rn = 0, gap = 0), regime .5, values .5: β⁰_AB = .5·.5·1 = .25.
  // threat_floor 1: nobody has a threat, so a* = b. adjustment_rate .5, dt 1 → rate .5.
  Scenario sc = tiny(2);
  sc.parameters.threat_floor = 1;
  sc.parameters.adjustment_rate = 0.5;

  SECTION("anchoring .5") {
    sc.parameters.anchoring = 0.5;
    relate(sc, "A", "B").alignment = {0.3, 0};
    sc.events.push_back(at_step(1, edge_change(false, "A", "B", EdgeAttribute::kAffinity, 0.6)));
    World w(sc);
    w.step(0);
    CHECK_THAT(w.beta0[w.edge("A", "B")], close_to(0.25));
    // b = .25 + .5(.3 - .25) = .275; a' = .3 + .5(.275 - .3) = .2875
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.2875));
    w.advance(0);
    w.step(1);
    // β = .5·.6 + .25 = .55; b = .55 + .5(.3 - .25) = .575; a' = .2875 + .5(.575 - .2875) = .43125
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.43125));
  }
  SECTION("b is clamped to [-1, 1]") {
    relate(sc, "A", "B").alignment = {0.9, -0.9};
    sc.events.push_back(at_step(1, edge_change(false, "A", "B", EdgeAttribute::kAffinity, 1)));
    sc.events.push_back(at_step(1, set_agent("B", AgentAttribute::kValues, 0)));
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.9));   // b = β⁰ + (a0 - β⁰) = a0
    CHECK_THAT(w.new_alignment("B", "A"), close_to(-0.9));
    w.advance(0);
    w.step(1);
    // A→B: β = .5·1 + .25 = .75, b = clamp(.75 + (.9 - .25)) = clamp(1.4) = 1; a' = .9 + .5(1 - .9) = .95
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.95));
    // B→A: β = .5·1 + 0 = .5 (values 0), b = clamp(.5 + (-.9 - .25)) = -.65; a' = -.9 + .5(.25) = -.775
    CHECK_THAT(w.new_alignment("B", "A"), close_to(-0.775));
  }
}

TEST_CASE("decide: balancing and bandwagoning move the targets by the commitment, scaled by cwn", "[rules][decide]") {
  // Quad (see quad()); adjustment_rate 1 so a' = a*; at step 0 b = a0.
  // cwn_AC = cw_AC / max(cw_AC, cw_AD) = .13125 e^-1 / .0625 = 2.1 e^-1 ≈ .7726, cwn_AD = 1.
  Scenario sc = quad();
  sc.parameters.adjustment_rate = 1;
  const double cwn_ac = 2.1 * std::exp(-1.0);

  SECTION("balance") {
    agent(sc, "A").strategy = StrategyRule::kBalance;
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "B"), close_to(-0.4));                 // .1 - .5
    CHECK_THAT(w.new_alignment("A", "C"), close_to(0.2 + 0.5 * cwn_ac));   // .2 + .5·cwn
    CHECK(w.new_alignment("A", "D") == 1.0);                               // clamp(.8 + .5)
  }
  SECTION("bandwagon") {
    agent(sc, "A").strategy = StrategyRule::kBandwagon;
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.6));                  // .1 + .5
    CHECK_THAT(w.new_alignment("A", "C"), close_to(0.2 - 0.25 * cwn_ac));  // .2 - .5·.5·cwn
    CHECK_THAT(w.new_alignment("A", "D"), close_to(0.55));                 // .8 - .25
  }
  SECTION("hedge keeps b") {
    agent(sc, "A").strategy = StrategyRule::kHedge;
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.1));
    CHECK_THAT(w.new_alignment("A", "C"), close_to(0.2));
    CHECK_THAT(w.new_alignment("A", "D"), close_to(0.8));
  }
  SECTION("a large commitment is clamped") {
    sc.parameters.commitment = 1.5;
    agent(sc, "A").strategy = StrategyRule::kBalance;
    World w(sc);
    w.step(0);
    CHECK(w.new_alignment("A", "B") == -1.0);  // .1 - 1.5
    CHECK(w.new_alignment("A", "C") == 1.0);   // .2 + 1.5·.77
    CHECK(w.new_alignment("A", "D") == 1.0);
  }
}

TEST_CASE("decide: alignment closes min(1, adjustment_rate·dt) of the gap, plus noise from stream 1",
          "[rules][decide]") {
  // Triad, dt .5, A fixed hedge. A step-0 event sets a_AC = -.6 (a0_AC stays .2, so b_AC = .2).
  // rate = min(1, .3·.5) = .15.
  Scenario sc = triad();
  sc.time.dt = 0.5;
  agent(sc, "A").strategy = StrategyRule::kHedge;
  sc.events.push_back(at_step(0, edge_change(false, "A", "C", EdgeAttribute::kAlignment, -0.6)));

  SECTION("no noise") {
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "C"), close_to(-0.48));  // -.6 + .15(.2 + .6)
    CHECK_THAT(w.new_alignment("A", "B"), close_to(0.1));    // already at b
  }
  SECTION("a rate above 1 is capped at 1") {
    sc.parameters.adjustment_rate = 5;  // 5·.5 = 2.5 → 1
    World w(sc);
    w.step(0);
    CHECK_THAT(w.new_alignment("A", "C"), close_to(0.2));
  }
  SECTION("noise σa √dt normal(seed, run, t, i, 1, j)") {
    sc.parameters.alignment_noise = 0.1;
    World w(sc, {11, 2});
    w.events(0);
    w.derive();
    w.capture_beta0();
    constexpr int kStep = 3;  // the draw is keyed by t
    w.decide(kStep);
    const double scale = 0.1 * std::sqrt(0.5);
    const double n_ab = rnd::normal(11, 2, kStep, 0, rnd::kAlignmentNoise, 1);  // j = B = 1
    const double n_ac = rnd::normal(11, 2, kStep, 0, rnd::kAlignmentNoise, 2);  // j = C = 2
    CHECK_THAT(w.new_alignment("A", "B"), close_to(std::clamp(0.1 + scale * n_ab, -1.0, 1.0)));
    CHECK_THAT(w.new_alignment("A", "C"), close_to(std::clamp(-0.48 + scale * n_ac, -1.0, 1.0)));
  }
  SECTION("noise is clamped") {
    sc.parameters.alignment_noise = 50;
    World w(sc, {11, 2});
    w.step(0);
    const double n_ab = rnd::normal(11, 2, 0, 0, rnd::kAlignmentNoise, 1);
    CHECK(w.new_alignment("A", "B") == (n_ab > 0 ? 1.0 : -1.0));
  }
}

TEST_CASE("decide: investment splits ν·G·dt by √G_j (1 + a_ij)/2 (1 + χ gap_ij)", "[rules][decide]") {
  // A ν .1, gdp 100; B gdp 400; C gdp 100; a_AB = .5, a_AC = -.2.
  // w_AB = √400·1.5/2 = 15, w_AC = √100·.8/2 = 4, Σw = 19.
  Scenario sc = tiny(3);
  agent(sc, "A").outward_investment = 0.1;
  agent(sc, "B").gdp = 400;
  relate(sc, "A", "B").alignment = {0.5, 0};
  relate(sc, "A", "C").alignment = {-0.2, 0};

  SECTION("budget and weights") {
    World w(sc);
    w.step(0);
    // B = .1·100·1 = 10: I_AB = 10·15/19, I_AC = 10·4/19
    CHECK_THAT(w.offer("A", "B"), close_to(150.0 / 19));
    CHECK_THAT(w.offer("A", "C"), close_to(40.0 / 19));
    CHECK(w.offer("B", "A") == 0.0);  // ν_B = 0
  }
  SECTION("dt scales the budget") {
    sc.time.dt = 0.5;
    World w(sc);
    w.step(0);
    CHECK_THAT(w.offer("A", "B"), close_to(75.0 / 19));  // B = 5
    CHECK_THAT(w.offer("A", "C"), close_to(20.0 / 19));
  }
  SECTION("host cap with stock: I_AB ≤ (cap VV - V_AB)/(1 - cap)") {
    agent(sc, "B").investment_cap = 0.25;
    sc.relations[0].investment = {2, 0};  // V_AB = 2
    relate(sc, "C", "B").investment = {18, 0};  // V_CB = 18 → VV_B = 20
    World w(sc);
    w.step(0);
    // (.25·20 - 2)/.75 = 4 < 150/19; the other 150/19 - 4 is not invested
    CHECK_THAT(w.offer("A", "B"), close_to(4.0));
    CHECK_THAT(w.offer("A", "C"), close_to(40.0 / 19));
    CHECK(w.offer("A", "B") + w.offer("A", "C") < 10.0);
  }
  SECTION("a stock already above the cap gets nothing") {
    agent(sc, "B").investment_cap = 0.25;
    sc.relations[0].investment = {10, 0};
    relate(sc, "C", "B").investment = {10, 0};
    World w(sc);
    w.step(0);
    CHECK(w.offer("A", "B") == 0.0);  // max(0, (5 - 10)/.75)
  }
  SECTION("a host with no stock yet has no cap") {
    agent(sc, "B").investment_cap = 0.25;  // VV_B = 0
    World w(sc);
    w.step(0);
    CHECK_THAT(w.offer("A", "B"), close_to(150.0 / 19));
  }
  SECTION("counter-influence weighs the influence gap") {
    // Gap world (see the influence gap test): gap_AB = .1, gap_AC = .6; all G 100 but D 20; a = 0.
    Scenario g = tiny(4);
    agent(g, "D").gdp = 20;
    agent(g, "A").outward_investment = 0.1;
    agent(g, "A").counter_influence = 0.5;
    relate(g, "A", "B").exports = {5, 5};
    relate(g, "B", "C").exports = {10, 10};
    relate(g, "B", "D").exports = {15, 15};
    relate(g, "A", "C");
    World w(g);
    w.step(0);
    REQUIRE_THAT(w.derived("A", "B").gap, close_to(0.1));
    REQUIRE_THAT(w.derived("A", "C").gap, close_to(0.6));
    // w_AB = 10·.5·(1 + .5·.1) = 5.25, w_AC = 10·.5·(1 + .5·.6) = 6.5; B = 10
    CHECK_THAT(w.offer("A", "B"), close_to(10 * 5.25 / 11.75));
    CHECK_THAT(w.offer("A", "C"), close_to(10 * 6.5 / 11.75));
  }
}

TEST_CASE("decide: the military share balances internally, reverts to m0 and is clamped", "[rules][decide]") {
  // Triad with the military power weight 0 (so m does not move P): T_AB = .45.
  Scenario sc = triad();
  sc.parameters.power_weights.military = 0;
  agent(sc, "A").military_share = 0.05;
  agent(sc, "A").strategy = StrategyRule::kBalance;

  SECTION("balancing at m = m0") {
    World w(sc);
    w.step(0);
    CHECK_THAT(w.decision("A").military_share, close_to(0.059));  // .05 + 1·(.02·.45 - 0)
  }
  SECTION("balancing and reversion") {
    World w(sc);
    w.agent_state("A").m = 0.1;
    w.step(0);
    CHECK_THAT(w.decision("A").military_share, close_to(0.099));  // .1 + (.009 - .2·.05)
  }
  SECTION("a hedger only reverts") {
    agent(sc, "A").strategy = StrategyRule::kHedge;
    World w(sc);
    w.agent_state("A").m = 0.1;
    w.step(0);
    CHECK_THAT(w.decision("A").military_share, close_to(0.09));  // .1 - .2·.05
  }
  SECTION("dt .5") {
    sc.time.dt = 0.5;
    World w(sc);
    w.agent_state("A").m = 0.1;
    w.step(0);
    CHECK_THAT(w.decision("A").military_share, close_to(0.0995));  // .1 + .5(.009 - .01)
  }
  SECTION("clamped to military_share_max") {
    agent(sc, "A").military_share = 0.195;
    sc.parameters.internal_balancing = 1;
    World w(sc);
    w.step(0);
    CHECK(w.decision("A").military_share == 0.2);  // .195 + .45 → .2
  }
  SECTION("clamped at 0") {
    agent(sc, "A").military_share = 0;
    agent(sc, "A").strategy = StrategyRule::kHedge;
    sc.parameters.military_reversion = 200;
    World w(sc);
    w.agent_state("A").m = 0.01;
    w.step(0);
    CHECK(w.decision("A").military_share == 0.0);  // .01 - 200·.01 → 0
  }
}

// ============================================================================
// §3.4 Update
// ============================================================================

TEST_CASE("update: every edge and agent moves by the formulas of MODEL.md §3.4", "[rules][update]") {
  // dt .5. A gdp 100, g .02, ξ .5, ζa .4; B gdp 200, g .04, regime .8.
  // A-B: a_AB .2, a_BA -.1; X_AB 10, X_BA 6; V_AB 4, V_BA 1; A_AB 1 (A0_AB set to 2), A_BA 3;
  // S .3; c_AB .5; s_BA .4 (B sanctions A).
  // Decisions filled by hand: a'_AB .3, a'_BA .1; I_AB 1.5; m'_A .07, m'_B .01.
  Scenario sc = tiny(2);
  sc.time.dt = 0.5;
  agent(sc, "A").aid_responsiveness = 0.5;
  agent(sc, "A").aid_conditionality = 0.4;
  agent(sc, "B").gdp = 200;
  agent(sc, "B").growth = 0.04;
  agent(sc, "B").regime = 0.8;
  {
    auto& r = relate(sc, "A", "B");
    r.alignment = {0.2, -0.1};
    r.exports = {10, 6};
    r.investment = {4, 1};
    r.aid = {1, 3};
    r.security = 0.3;
  }
  World w(sc, {21, 4});
  auto prepare = [&] {
    w.edge_state("A", "B").aid0 = 2;
    w.edge_state("A", "B").grievance = 0.5;
    w.edge_state("B", "A").sanction = 0.4;
    w.derive();
    w.dec.alignment[w.edge("A", "B")] = 0.3;
    w.dec.alignment[w.edge("B", "A")] = 0.1;
    w.dec.investment[w.edge("A", "B")] = 1.5;
    w.dec.investment[w.edge("B", "A")] = 0;
    w.dec.agents[w.id("A")].military_share = 0.07;
    w.dec.agents[w.id("B")].military_share = 0.01;
  };

  SECTION("defaults") {
    prepare();
    w.advance(3);
    const auto& ab = w.edge_state("A", "B");
    const auto& ba = w.edge_state("B", "A");
    CHECK(ab.alignment == 0.3);
    CHECK(ba.alignment == 0.1);
    // ā = (.2 - .1)/2 = .05, ā' = (.3 + .1)/2 = .2: X' = X(1 + .5(.02 + .04)/2)·e^{1·.15} = X·1.015·e^.15
    CHECK_THAT(ab.exports, close_to(10 * 1.015 * std::exp(0.15)));
    CHECK_THAT(ba.exports, close_to(6 * 1.015 * std::exp(0.15)));
    // V' = V(1 - .05·.5) + I: 4·.975 + 1.5 = 5.4; 1·.975 + 0
    CHECK_THAT(ab.investment, close_to(5.4));
    CHECK_THAT(ba.investment, close_to(0.975));
    // A'_AB = 1 + min(1, .5·.5)(2·max(0, 1 + .5(-.1 + .4(2·.8 - 1))) - 1) = 1 + .25(2·1.07 - 1) = 1.285
    CHECK_THAT(ab.aid, close_to(1.285));
    CHECK(ab.aid0 == 2.0);  // A0 only changes by events
    // B: ξ 0 → target A0_BA·1 = 3 = A_BA
    CHECK_THAT(ba.aid, close_to(3.0));
    // S' = .3 + min(1, .2·.5)(max(0, min(.2, -.1)) - .3) = .3 - .03 = .27, both directions
    CHECK_THAT(ab.security, close_to(0.27));
    CHECK_THAT(ba.security, close_to(0.27));
    // c'_AB = min(1, .5 e^{-.5/3} + .5·s_BA .4); c'_BA = 0 + .5·s_AB 0
    CHECK_THAT(ab.grievance, close_to(0.5 * std::exp(-0.5 / 3) + 0.2));
    CHECK(ba.grievance == 0.0);
    CHECK(ba.sanction == 0.4);  // sanctions change only by events
    // Gp' = Gp(1 + dt g): 100·1.01, 200·1.02; m ← m'
    CHECK_THAT(w.agent_state("A").gp, close_to(101.0));
    CHECK_THAT(w.agent_state("B").gp, close_to(204.0));
    CHECK(w.agent_state("A").m == 0.07);
    CHECK(w.agent_state("B").m == 0.01);
  }
  SECTION("trade elasticity") {
    w.model.params.trade_elasticity = 2;
    prepare();
    w.advance(0);
    CHECK_THAT(w.edge_state("A", "B").exports, close_to(10 * 1.015 * std::exp(0.3)));
  }
  SECTION("aid target is floored at 0") {
    w.agent_state("A").aid_responsiveness = 5;
    w.agent_state("A").aid_conditionality = 0;
    w.edge_state("B", "A").alignment = -0.9;
    prepare();
    w.advance(0);
    // 1 + 5·(-.9) = -3.5 → 0: A' = 1 + .25(0 - 1) = .75
    CHECK_THAT(w.edge_state("A", "B").aid, close_to(0.75));
  }
  SECTION("rates are capped at 1") {
    w.model.params.aid_adjustment_rate = 4;  // 4·.5 = 2 → 1
    w.model.params.security_rate = 10;       // 10·.5 = 5 → 1
    w.edge_state("B", "A").alignment = 0.5;
    prepare();
    w.advance(0);
    CHECK_THAT(w.edge_state("A", "B").aid, close_to(2 * (1 + 0.5 * (0.5 + 0.24))));  // the target itself
    CHECK_THAT(w.edge_state("A", "B").security, close_to(0.2));                        // min(.2, .5)
  }
  SECTION("security moves toward the smaller alignment") {
    w.edge_state("B", "A").alignment = 0.5;
    prepare();
    w.advance(0);
    CHECK_THAT(w.edge_state("A", "B").security, close_to(0.29));  // .3 + .1(.2 - .3)
  }
  SECTION("grievance is capped at 1") {
    prepare();
    w.edge_state("A", "B").grievance = 0.9;
    w.edge_state("B", "A").sanction = 1;
    w.advance(0);
    CHECK(w.edge_state("A", "B").grievance == 1.0);  // .9 e^{-1/6} + .5 ≈ 1.26 → 1
  }
  SECTION("growth noise σg √dt normal(seed, run, t, i, 2, 0)") {
    w.model.params.growth_noise = 0.1;
    prepare();
    w.advance(3);
    const double n_a = rnd::normal(21, 4, 3, 0, rnd::kGrowthNoise, 0);
    const double n_b = rnd::normal(21, 4, 3, 1, rnd::kGrowthNoise, 0);
    CHECK_THAT(w.agent_state("A").gp, close_to(100 * (1 + 0.5 * 0.02 + 0.1 * std::sqrt(0.5) * n_a)));
    CHECK_THAT(w.agent_state("B").gp, close_to(200 * (1 + 0.5 * 0.04 + 0.1 * std::sqrt(0.5) * n_b)));
  }
}

// ============================================================================
// §3.1 Events
// ============================================================================

TEST_CASE("events: a sanction sets s and is lifted at step t + duration", "[rules][events]") {
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.events.push_back(at_step(1, sanction("A", "B", 0.7, 3)));
  World w(sc);
  const std::vector<double> expected = {0, 0.7, 0.7, 0.7, 0, 0};  // t = 0..5; lifted at 1 + 3
  for (int t = 0; t < 6; ++t) {
    w.events(t);
    INFO("t = " << t);
    CHECK(w.edge_state("A", "B").sanction == expected[static_cast<std::size_t>(t)]);
    CHECK(w.edge_state("B", "A").sanction == 0.0);
  }
}

TEST_CASE("events: a new sanction replaces a running one, even a stronger and longer one", "[rules][events]") {
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.events.push_back(at_step(0, sanction("A", "B", 0.9, 10)));
  sc.events.push_back(at_step(2, sanction("A", "B", 0.3, 1)));
  sc.events.push_back(at_step(4, sanction("A", "B", 0.5, 1)));
  sc.events.push_back(at_step(5, sanction("A", "B", 0.6, 2)));  // ends at 7, as the one above ends at 5
  sc.events.push_back(at_step(8, sanction("A", "B", 1.5, 1)));  // intensity clamped to 1
  World w(sc);
  const std::vector<double> expected = {0.9, 0.9, 0.3, 0, 0.5, 0.6, 0.6, 0, 1, 0};
  for (int t = 0; t < 10; ++t) {
    w.events(t);
    INFO("t = " << t);
    CHECK(w.edge_state("A", "B").sanction == expected[static_cast<std::size_t>(t)]);
  }
}

TEST_CASE("events: an offense makes a coercive, related victim sanction the offender", "[rules][events]") {
  // B coercion .4, C coercion .5; relations A-B and A-C only.
  Scenario sc = tiny(3);
  agent(sc, "B").coercion = 0.4;
  agent(sc, "C").coercion = 0.5;
  relate(sc, "A", "B");
  relate(sc, "A", "C");
  sc.events.push_back(at_step(0, offense("A", "B", 2, 2)));  // s_BA = clamp01(.4·2) = .8 for 2 steps
  sc.events.push_back(at_step(0, offense("B", "A", 1, 5)));  // κ_A = 0: nothing
  sc.events.push_back(at_step(0, offense("B", "C", 1, 5)));  // no edge C→B: nothing
  sc.events.push_back(at_step(3, offense("A", "B", 5, 1)));  // clamp01(.4·5) = 1
  sc.events.push_back(at_step(4, offense("A", "C")));        // magnitude 1: s_CA = κ_C = .5
  World w(sc);
  w.events(0);
  CHECK_THAT(w.edge_state("B", "A").sanction, close_to(0.8));
  CHECK(w.edge_state("B", "A").sanction_end == 2);
  CHECK(w.edge_state("A", "B").sanction == 0.0);
  CHECK(w.edge_state("A", "C").sanction == 0.0);
  CHECK(w.edge_state("C", "A").sanction == 0.0);
  w.events(1);
  CHECK_THAT(w.edge_state("B", "A").sanction, close_to(0.8));
  w.events(2);
  CHECK(w.edge_state("B", "A").sanction == 0.0);
  w.events(3);
  CHECK(w.edge_state("B", "A").sanction == 1.0);
  w.events(4);
  CHECK(w.edge_state("B", "A").sanction == 0.0);
  CHECK(w.edge_state("C", "A").sanction == 0.5);
}

TEST_CASE("events: set and shift of gdp, military and military_share couple Gp, m and m0", "[rules][events]") {
  // A gdp 200, military_share .1. One event per step.
  Scenario sc = tiny(2);
  agent(sc, "A").gdp = 200;
  agent(sc, "A").military_share = 0.1;
  relate(sc, "A", "B");
  sc.events = {
      at_step(0, set_agent("A", AgentAttribute::kGdp, 300)),
      at_step(1, shift_agent("A", AgentAttribute::kGdp, -100)),
      at_step(2, set_agent("A", AgentAttribute::kMilitary, 30)),
      at_step(3, shift_agent("A", AgentAttribute::kMilitary, 5)),
      at_step(4, set_agent("A", AgentAttribute::kMilitaryShare, 0.08)),
      at_step(5, shift_agent("A", AgentAttribute::kMilitaryShare, 0.02)),
      at_step(6, shift_agent("A", AgentAttribute::kMilitary, -1000)),
      at_step(7, shift_agent("A", AgentAttribute::kGdp, -1000)),
      at_step(8, set_agent("A", AgentAttribute::kMilitary, 10)),
  };
  World w(sc);
  const auto& a = w.agent_state("A");
  w.events(0);  // Gp = 300, m unchanged
  CHECK(a.gp == 300.0);
  CHECK(a.m == 0.1);
  CHECK(a.m0 == 0.1);
  w.derive();
  CHECK_THAT(w.derived("A").military, close_to(30.0));  // M = m·G = .1·300
  w.events(1);  // Gp = 200
  CHECK(a.gp == 200.0);
  CHECK(a.m == 0.1);
  w.events(2);  // M = 30 → m = m0 = 30/200 = .15
  CHECK_THAT(a.m, close_to(0.15));
  CHECK_THAT(a.m0, close_to(0.15));
  w.events(3);  // M := m·Gp + 5 = 30 + 5 = 35 → m = m0 = .175
  CHECK_THAT(a.m, close_to(0.175));
  CHECK_THAT(a.m0, close_to(0.175));
  w.events(4);  // m = m0 = .08
  CHECK(a.m == 0.08);
  CHECK(a.m0 == 0.08);
  w.events(5);  // shift adds to m: .1 (and m0 follows: see the report on this reading)
  CHECK_THAT(a.m, close_to(0.1));
  CHECK_THAT(a.m0, close_to(0.1));
  w.events(6);  // M := max(0, .1·200 - 1000) = 0 → m = m0 = 0
  CHECK(a.m == 0.0);
  CHECK(a.m0 == 0.0);
  w.events(7);  // Gp = max(0, 200 - 1000) = 0
  CHECK(a.gp == 0.0);
  w.events(8);  // M = 10 with Gp = 0 → m = m0 = 0
  CHECK(a.m == 0.0);
  CHECK(a.m0 == 0.0);
}

TEST_CASE("events: set and shift of the other agent attributes keep them in range", "[rules][events]") {
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.events = {
      at_step(0, set_agent("A", AgentAttribute::kWeightSecurity, 2)),
      at_step(0, shift_agent("A", AgentAttribute::kWeightAutonomy, -5)),     // 1 - 5 → 0
      at_step(0, shift_agent("A", AgentAttribute::kWeightProsperity, 0.5)),  // 1.5
      at_step(0, set_strategy("A", StrategyRule::kBalance)),
      at_step(0, set_agent("A", AgentAttribute::kRegime, 1.5)),              // → 1
      at_step(0, shift_agent("A", AgentAttribute::kReach, -2)),              // → 0
      at_step(0, set_agent("A", AgentAttribute::kPopulation, 5)),
      at_step(0, shift_agent("A", AgentAttribute::kPopulation, -1000)),      // → 0
      at_step(0, shift_agent("A", AgentAttribute::kGrowth, -0.5)),           // .02 - .5, not clamped
      at_step(0, set_agent("A", AgentAttribute::kInvestmentCap, 3)),         // → 1
      at_step(0, set_agent("A", AgentAttribute::kCoercion, -1)),             // → 0
      at_step(0, set_agent("A", AgentAttribute::kAppeasement, 2)),           // → 1
      at_step(0, shift_agent("A", AgentAttribute::kValues, -0.2)),           // .5 - .2
      at_step(0, set_agent("A", AgentAttribute::kOutwardInvestment, -1)),    // → 0
      at_step(0, set_agent("A", AgentAttribute::kCounterInfluence, 0.7)),
      at_step(0, set_agent("A", AgentAttribute::kAidResponsiveness, 0.4)),
      at_step(0, set_agent("A", AgentAttribute::kAidConditionality, -2)),    // → 0
  };
  World w(sc);
  const geosim::AgentState before_b = w.agent_state("B");
  w.events(0);
  const auto& a = w.agent_state("A");
  CHECK(a.w.security == 2.0);
  CHECK(a.w.autonomy == 0.0);
  CHECK(a.w.prosperity == 1.5);
  CHECK(a.rule == StrategyRule::kBalance);
  CHECK(a.regime == 1.0);
  CHECK(a.reach == 0.0);
  CHECK(a.population == 0.0);
  CHECK_THAT(a.growth, close_to(-0.48));
  CHECK(a.investment_cap == 1.0);
  CHECK(a.coercion == 0.0);
  CHECK(a.appeasement == 1.0);
  CHECK_THAT(a.values, close_to(0.3));
  CHECK(a.outward_investment == 0.0);
  CHECK(a.counter_influence == 0.7);
  CHECK(a.aid_responsiveness == 0.4);
  CHECK(a.aid_conditionality == 0.0);
  const auto& b = w.agent_state("B");  // untouched
  CHECK(b.gp == before_b.gp);
  CHECK(b.regime == before_b.regime);
  CHECK(b.w == before_b.w);
  CHECK(b.rule == StrategyRule::kAdaptive);
}

TEST_CASE("events: edge set/shift act on the `from` direction or on both, and stay in range", "[rules][events]") {
  Scenario sc = tiny(2);
  {
    auto& r = relate(sc, "A", "B");
    r.alignment = {0.2, -0.1};
    r.exports = {10, 6};
    r.investment = {4, 1};
    r.aid = {1, 2};
    r.security = 0.3;
    r.affinity = 0.2;
    r.distance = 5000;
  }
  using EA = EdgeAttribute;
  sc.events = {
      at_step(0, edge_change(false, "A", "B", EA::kAlignment, 0.5)),         // a_AB = .5 (from A)
      at_step(0, edge_change(true, "A", "B", EA::kAlignment, -0.5, "B")),    // a_BA = -.6
      at_step(0, edge_change(true, "A", "B", EA::kExports, 3, "B")),         // X_BA = 9
      at_step(0, edge_change(false, "B", "A", EA::kInvestment, 7)),          // edge [B, A]: from B → V_BA = 7
      at_step(0, edge_change(false, "A", "B", EA::kAid, 4, "A")),            // A_AB = A0_AB = 4
      at_step(0, edge_change(true, "A", "B", EA::kAid, 1, "B")),             // A_BA = A0_BA = 3
      at_step(0, edge_change(false, "A", "B", EA::kSecurity, 0.6)),          // both
      at_step(0, edge_change(true, "B", "A", EA::kAffinity, 0.5)),           // both: .7
      at_step(0, edge_change(false, "A", "B", EA::kDistance, 500, "B")),     // both, `from` ignored
      at_step(1, edge_change(true, "A", "B", EA::kAlignment, 1.5)),          // → 1
      at_step(1, edge_change(true, "A", "B", EA::kAlignment, -5, "B")),      // → -1
      at_step(1, edge_change(true, "A", "B", EA::kExports, -100)),           // → 0
      at_step(1, edge_change(true, "A", "B", EA::kSecurity, 1)),             // → 1
      at_step(1, edge_change(true, "A", "B", EA::kAffinity, -2)),            // → 0
      at_step(1, edge_change(false, "A", "B", EA::kDistance, -3)),           // → 0
  };
  World w(sc);
  const auto& ab = w.edge_state("A", "B");
  const auto& ba = w.edge_state("B", "A");
  w.events(0);
  CHECK(ab.alignment == 0.5);
  CHECK_THAT(ba.alignment, close_to(-0.6));
  CHECK(ab.exports == 10.0);
  CHECK(ba.exports == 9.0);
  CHECK(ab.investment == 4.0);
  CHECK(ba.investment == 7.0);
  CHECK(ab.aid == 4.0);
  CHECK(ab.aid0 == 4.0);
  CHECK(ba.aid == 3.0);
  CHECK(ba.aid0 == 3.0);
  CHECK(ab.security == 0.6);
  CHECK(ba.security == 0.6);
  CHECK_THAT(ab.affinity, close_to(0.7));
  CHECK_THAT(ba.affinity, close_to(0.7));
  CHECK(ab.distance == 500.0);
  CHECK(ba.distance == 500.0);
  CHECK(w.model.a0[w.edge("A", "B")] == 0.2);  // a0 is the scenario's value, before any event
  w.events(1);
  CHECK(ab.alignment == 1.0);
  CHECK(ba.alignment == -1.0);
  CHECK(ab.exports == 0.0);
  CHECK(ba.exports == 9.0);
  CHECK(ab.security == 1.0);
  CHECK(ba.security == 1.0);
  CHECK(ab.affinity == 0.0);
  CHECK(ba.affinity == 0.0);
  CHECK(ab.distance == 0.0);
  CHECK(ba.distance == 0.0);
}

namespace {

/// Steps in [0, steps) at which agent `id`'s population changed: the events
/// under test shift it by 1 each time they fire.
std::vector<int> firing_steps(World& w, std::string_view id, int steps) {
  std::vector<int> out;
  for (int t = 0; t < steps; ++t) {
    const double before = w.agent_state(id).population;
    w.events(t);
    if (w.agent_state(id).population != before) out.push_back(t);
  }
  return out;
}

/// The steps of [from, until] where uniform(seed, run, t, ev, 4, 0) < p (MODEL.md §3.1).
std::vector<int> expected_steps(geosim::RunKey key, std::uint64_t ev, double p, int from, int until) {
  std::vector<int> out;
  for (int t = from; t <= until; ++t) {
    if (rnd::uniform(key.seed, key.run, static_cast<std::uint64_t>(t), ev, rnd::kEvents, 0) < p) out.push_back(t);
  }
  return out;
}

}  // namespace

TEST_CASE("events: an `at` event with a probability fires only if u < p", "[rules][events]") {
  // Event 0 at step 2 with p = .5; u = uniform(seed, 0, 2, 0, 4, 0).
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  geosim::Event e = at_step(2, shift_agent("A", AgentAttribute::kPopulation, 1));
  e.timing.probability = 0.5;
  sc.events.push_back(e);
  std::optional<std::uint64_t> fire_seed, skip_seed;
  for (std::uint64_t seed = 0; seed < 64 && !(fire_seed && skip_seed); ++seed) {
    const double u = rnd::uniform(seed, 0, 2, 0, rnd::kEvents, 0);
    (u < 0.5 ? fire_seed : skip_seed) = seed;
  }
  REQUIRE(fire_seed);
  REQUIRE(skip_seed);
  {
    World w(sc, {*fire_seed, 0});
    CHECK(firing_steps(w, "A", 10) == std::vector<int>{2});
  }
  {
    World w(sc, {*skip_seed, 0});
    CHECK(firing_steps(w, "A", 10).empty());
  }
}

TEST_CASE("events: a windowed probabilistic event fires at the steps of its window where u < p", "[rules][events]") {
  // Event 0 is a plain `at` event (so the windowed one has index ev = 1).
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.events.push_back(at_step(0, set_agent("B", AgentAttribute::kGrowth, 0.03)));
  const geosim::RunKey key{5, 3};
  SECTION("explicit window [2, 7]") {
    sc.events.push_back(windowed(0.4, shift_agent("A", AgentAttribute::kPopulation, 1), 2, 7));
    World w(sc, key);
    const auto expected = expected_steps(key, 1, 0.4, 2, 7);
    CHECK(firing_steps(w, "A", 10) == expected);
    CHECK_FALSE(expected.empty());
  }
  SECTION("default window [0, T-1]") {
    sc.events.push_back(windowed(0.4, shift_agent("A", AgentAttribute::kPopulation, 1)));
    World w(sc, key);
    const auto expected = expected_steps(key, 1, 0.4, 0, 9);
    CHECK(firing_steps(w, "A", 10) == expected);
    CHECK(expected != expected_steps(key, 0, 0.4, 0, 9));  // the index matters
  }
}

TEST_CASE("events: the event index counts scenario events, then the policy's", "[rules][events][policy]") {
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.events.push_back(at_step(9, set_agent("B", AgentAttribute::kGrowth, 0.03)));           // ev 0
  sc.events.push_back(windowed(0.5, shift_agent("A", AgentAttribute::kPopulation, 1)));     // ev 1
  geosim::Policy p;
  p.name = "extra";
  p.events.push_back(windowed(0.5, shift_agent("B", AgentAttribute::kPopulation, 1)));      // ev 2
  sc.policies.push_back(p);
  const geosim::RunKey key{19, 1};
  World w(geosim::with_policy(sc, "extra"), key);
  REQUIRE(w.model.events.size() == 3);
  std::vector<int> a_steps, b_steps;
  for (int t = 0; t < 10; ++t) {
    const double a0 = w.agent_state("A").population, b0 = w.agent_state("B").population;
    w.events(t);
    if (w.agent_state("A").population != a0) a_steps.push_back(t);
    if (w.agent_state("B").population != b0) b_steps.push_back(t);
  }
  CHECK(a_steps == expected_steps(key, 1, 0.5, 0, 9));
  CHECK(b_steps == expected_steps(key, 2, 0.5, 0, 9));
  CHECK(a_steps != b_steps);
}

// ============================================================================
// §3.6 Policies
// ============================================================================

TEST_CASE("policy: with_policy merges parameters and agents and appends events and blocs", "[rules][policy]") {
  Scenario sc = tiny(3);
  agent(sc, "A").military_share = 0.1;
  agent(sc, "A").values = 0.4;
  relate(sc, "A", "B");
  sc.parameters.commitment = 0.7;
  sc.events.push_back(at_step(1, sanction("A", "B", 0.5)));
  geosim::Bloc base_bloc;
  base_bloc.name = "base";
  base_bloc.members = {"A", "B"};
  sc.blocs.push_back(base_bloc);

  geosim::Policy p;
  p.name = "tilt";
  p.parameters = {{"power_weights.gdp", 0.7, {}}, {"momentum", 3, {}}};
  p.agents = {{"A", AgentAttribute::kMilitary, std::nullopt, 30, {}},
              {"A", AgentAttribute::kWeightAutonomy, std::nullopt, 2, {}},
              {"B", std::nullopt, StrategyRule::kHedge, 0, {}}};
  p.events.push_back(at_step(2, sanction("B", "A", 0.2)));
  geosim::Bloc policy_bloc;
  policy_bloc.name = "new";
  policy_bloc.members = {"B", "C"};
  p.blocs.push_back(policy_bloc);
  sc.policies.push_back(p);

  const Scenario out = geosim::with_policy(sc, "tilt");
  SECTION("parameters merge key by key, nested maps too") {
    CHECK(out.parameters.power_weights.gdp == 0.7);
    CHECK(out.parameters.power_weights.military == 0.4);    // untouched sibling
    CHECK(out.parameters.power_weights.population == 0.1);
    CHECK(out.parameters.momentum == 3.0);
    CHECK(out.parameters.commitment == 0.7);                // the scenario's own override stays
    CHECK(out.parameters.reward_scale == geosim::Parameters{}.reward_scale);
  }
  SECTION("agent attributes merge; `military` replaces `military_share`") {
    const auto& a = out.agents[0];
    CHECK(a.military == std::optional<double>(30));
    CHECK_FALSE(a.military_share.has_value());
    CHECK(a.weights.autonomy == 2.0);
    CHECK(a.weights.security == 1.0);  // untouched
    CHECK(a.values == 0.4);
    CHECK(out.agents[1].strategy == StrategyRule::kHedge);
    const geosim::Model m = geosim::compile(out);
    CHECK_THAT(m.initial.agents[0].m, close_to(0.3));  // 30 / 100
    CHECK_THAT(m.initial.agents[0].m0, close_to(0.3));
  }
  SECTION("events and blocs are appended") {
    REQUIRE(out.events.size() == 2);
    CHECK(std::get<geosim::SanctionEvent>(out.events[0].action).from == "A");
    CHECK(std::get<geosim::SanctionEvent>(out.events[1].action).from == "B");
    REQUIRE(out.blocs.size() == 2);
    CHECK(out.blocs[0].name == "base");
    CHECK(out.blocs[1].name == "new");
  }
  SECTION("the scenario itself is unchanged") {
    CHECK(sc.parameters.power_weights.gdp == 0.5);
    CHECK(sc.agents[0].military_share == std::optional<double>(0.1));
    CHECK(sc.events.size() == 1);
  }
}

TEST_CASE("policy: `military_share` in a policy replaces `military`", "[rules][policy]") {
  Scenario sc = tiny(2);
  agent(sc, "A").military = 30.0;
  geosim::Policy p;
  p.name = "share";
  p.agents = {{"A", AgentAttribute::kMilitaryShare, std::nullopt, 0.05, {}}};
  sc.policies.push_back(p);
  const Scenario out = geosim::with_policy(sc, "share");
  CHECK_FALSE(out.agents[0].military.has_value());
  CHECK(out.agents[0].military_share == std::optional<double>(0.05));
  CHECK(geosim::compile(out).initial.agents[0].m == 0.05);
}

TEST_CASE("policy: baseline is the scenario itself and an unknown policy is a usage error", "[rules][policy]") {
  Scenario sc = tiny(2);
  relate(sc, "A", "B");
  sc.parameters.momentum = 4;
  geosim::Policy p;
  p.name = "other";
  p.parameters = {{"momentum", 1, {}}};
  sc.policies.push_back(p);
  const Scenario base = geosim::with_policy(sc, "baseline");
  // (Parameters::operator== is declared defaulted but is deleted, as its nested structs have no
  // ==; compare field by field.)
  for (std::string_view name : geosim::parameter_names()) {
    CHECK(*geosim::parameter_field(base.parameters, name) == *geosim::parameter_field(sc.parameters, name));
  }
  CHECK(base.events.size() == sc.events.size());
  CHECK(base.agents.size() == sc.agents.size());
  CHECK_THROWS_AS(geosim::with_policy(sc, "nope"), geosim::UsageError);
  CHECK_THROWS_WITH(geosim::with_policy(sc, "nope"), Catch::Contains("nope") && Catch::Contains("other"));
}
