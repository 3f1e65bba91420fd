// Properties of whole runs (MODEL.md §1 Scheduling, §3, §3.7): determinism
// across thread counts, common random numbers, bounds that every state keeps,
// conservation of the investment budget and of potential-GDP growth, and
// snapshot isolation of the phases.
//
// The worlds here are built in code from a fixed counter-based generator
// (geosim::random::uniform on a stream of its own), so they are the same on
// every machine.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/random.hpp"
#include "geosim/rules.hpp"
#include "geosim/scenario.hpp"
#include "test_support.hpp"

namespace {

using geosim::AgentAttribute;
using geosim::AgentId;
using geosim::EdgeId;
using geosim::Scenario;
using geosim::test::close_to;
namespace rules = geosim::standard;
namespace rnd = geosim::random;

/// A reproducible stream of uniforms for building worlds (stream 9 is not one of MODEL.md's).
struct Gen {
  std::uint64_t seed;
  std::uint64_t n = 0;
  double unit() { return rnd::uniform(seed, 0, n++, 0, 9, 0); }
  double in(double lo, double hi) { return lo + (hi - lo) * unit(); }
  int below(int k) { return std::min(k - 1, static_cast<int>(unit() * k)); }
  bool chance(double p) { return unit() < p; }
};

struct WorldOptions {
  int agents = 12;
  int relations = 30;
  int steps = 20;
  double dt = 1.0;
  double alignment_noise = 0.1;
  double growth_noise = 0.02;
  double temperature = 0.3;
  bool events = true;           ///< any events at all
  bool sanctions = true;        ///< sanction and offense events
  bool gdp_events = true;       ///< shifts of gdp
  bool military_events = true;  ///< shifts of military_share
  bool caps = true;             ///< some investment caps below 1
  std::uint64_t gen_seed = 2024;
};

std::string agent_id(int k) {
  std::string id = "S";
  if (k < 10) id += '0';
  return id + std::to_string(k);
}

/// A world of o.agents states and o.relations relations (a ring plus random
/// pairs), with noise, temperature, blocs and probabilistic events.
Scenario random_world(const WorldOptions& o) {
  Gen g{o.gen_seed};
  Scenario s;
  s.name = "random";
  s.time.steps = o.steps;
  s.time.dt = o.dt;
  s.time.start = 2000;
  s.seed = 31;
  s.parameters.alignment_noise = o.alignment_noise;
  s.parameters.growth_noise = o.growth_noise;
  s.parameters.choice_temperature = o.temperature;
  const int n = o.agents;
  for (int k = 0; k < n; ++k) {
    geosim::AgentSpec a;
    a.id = a.name = agent_id(k);
    a.gdp = std::exp(g.in(0, std::log(2000.0)));
    a.military_share = g.in(0, 0.3);  // some above military_share_max = .2
    a.population = g.in(0, 300);
    a.growth = g.in(-0.01, 0.07);
    a.regime = g.unit();
    a.reach = g.in(0, 0.6);
    if (g.chance(0.2)) a.strategy = static_cast<geosim::StrategyRule>(1 + g.below(3));
    a.weights = {g.in(0.3, 2), g.in(0.3, 2), g.in(0.3, 2)};
    a.appeasement = g.unit();
    a.values = g.unit();
    if (g.chance(0.5)) a.outward_investment = g.in(0.005, 0.05);
    a.counter_influence = g.unit();
    if (g.chance(0.5)) a.coercion = g.unit();
    if (o.caps && g.chance(0.4)) a.investment_cap = g.in(0.2, 0.5);
    a.aid_responsiveness = g.unit();
    a.aid_conditionality = g.unit();
    s.agents.push_back(a);
  }
  std::vector<std::pair<int, int>> pairs;
  auto related = [&](int x, int y) {
    return std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) {
      return (p.first == x && p.second == y) || (p.first == y && p.second == x);
    });
  };
  for (int k = 0; k < n && static_cast<int>(pairs.size()) < o.relations; ++k) pairs.emplace_back(k, (k + 1) % n);
  while (static_cast<int>(pairs.size()) < o.relations) {
    const int x = g.below(n), y = g.below(n);
    if (x != y && !related(x, y)) pairs.emplace_back(x, y);
  }
  for (const auto& [x, y] : pairs) {
    geosim::RelationSpec r;
    r.a = agent_id(x);
    r.b = agent_id(y);
    r.border = g.chance(0.3);
    r.distance = g.in(300, 12000);
    r.alignment = {g.in(-0.8, 0.8), g.in(-0.8, 0.8)};
    r.exports = {g.in(0, 20), g.in(0, 20)};
    r.investment = {g.chance(0.5) ? g.in(0, 10) : 0.0, g.chance(0.5) ? g.in(0, 10) : 0.0};
    r.aid = {g.chance(0.2) ? g.in(0, 1) : 0.0, g.chance(0.2) ? g.in(0, 1) : 0.0};
    r.security = g.in(0, 0.5);
    r.affinity = g.unit();
    s.relations.push_back(r);
  }
  for (int b = 0; b < 2; ++b) {
    geosim::Bloc bloc;
    bloc.name = "bloc" + std::to_string(b);
    for (int k = 0; k < n; ++k) {
      if (g.chance(0.4)) bloc.members.push_back(agent_id(k));
    }
    bloc.cohesion = g.in(0.2, 0.9);
    bloc.from = g.below(o.steps);
    s.blocs.push_back(bloc);
  }
  if (o.events) {
    auto pick_relation = [&]() -> const geosim::RelationSpec& {
      return s.relations[static_cast<std::size_t>(g.below(static_cast<int>(s.relations.size())))];
    };
    auto timed = [](int at, geosim::EventAction action) {
      geosim::Event e;
      e.timing.at = at;
      e.action = std::move(action);
      return e;
    };
    auto window = [](double p, geosim::EventAction action) {
      geosim::Event e;
      e.timing.probability = p;
      e.action = std::move(action);
      return e;
    };
    auto change = [](bool shift, const std::string& id, AgentAttribute attr, double v) {
      geosim::ChangeEvent c;
      c.is_shift = shift;
      c.target = geosim::AgentTarget{id};
      c.agent_attribute = attr;
      c.value = v;
      return c;
    };
    if (o.sanctions) {
      for (int k = 0; k < 3; ++k) {
        const auto& r = pick_relation();
        s.events.push_back(window(0.1, geosim::SanctionEvent{r.a, r.b, g.in(0.1, 0.8), 1 + g.below(3)}));
      }
      for (int k = 0; k < 3; ++k) {
        const auto& r = pick_relation();
        s.events.push_back(timed(g.below(o.steps), geosim::OffenseEvent{r.a, r.b, g.in(0.5, 2), 1 + g.below(4)}));
      }
    }
    {
      const auto& r = pick_relation();
      geosim::ChangeEvent c;
      c.is_shift = true;
      c.target = geosim::EdgeTarget{r.a, r.b, r.b};
      c.edge_attribute = geosim::EdgeAttribute::kAlignment;
      c.value = g.in(-0.5, 0.5);
      geosim::Event e = timed(g.below(o.steps), c);
      e.timing.probability = 0.5;
      s.events.push_back(e);
    }
    s.events.push_back(window(0.1, change(false, agent_id(g.below(n)), AgentAttribute::kGrowth, g.in(-0.02, 0.08))));
    if (o.gdp_events) {
      s.events.push_back(window(0.05, change(true, agent_id(g.below(n)), AgentAttribute::kGdp, g.in(-20, 20))));
    }
    if (o.military_events) {
      s.events.push_back(
          window(0.05, change(true, agent_id(g.below(n)), AgentAttribute::kMilitaryShare, g.in(0, 0.1))));
    }
  }
  s.outcomes = geosim::default_outcomes(s.agents);
  return s;
}

struct Recorded {
  std::string agents;
  std::string edges;
  std::vector<std::optional<double>> outcomes;
  int calls = 0;
};

Recorded record(const geosim::Model& m, geosim::RunKey key) {
  Recorded out;
  geosim::RunRecorder rec(m, key.run);
  geosim::simulate(m, key, [&](const geosim::StepView& v) {
    CHECK(v.step == out.calls);
    CHECK(v.year == m.start + v.step * m.dt);
    ++out.calls;
    rec.record(v);
  });
  out.agents = rec.agent_rows();
  out.edges = rec.edge_rows();
  out.outcomes = rec.outcomes();
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The rows without their first column (the run index).
std::string without_run(const std::string& rows) {
  std::string out;
  for (const std::string& line : lines(rows)) out += line.substr(line.find(',') + 1) + '\n';
  return out;
}

int step_of(const std::string& row) {
  const auto first = row.find(',');
  return std::stoi(row.substr(first + 1, row.find(',', first + 1) - first - 1));
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

}  // namespace

TEST_CASE("engine: the same scenario, seed and run give byte-identical rows at 1, 2 and 4 threads",
          "[engine][determinism]") {
  // 12 agents run serially inside for_each_agent (grain 16); 48 agents take the TBB path.
  WorldOptions o;
  SECTION("12 agents, 30 relations") {}
  SECTION("48 agents, 150 relations") {
    o.agents = 48;
    o.relations = 150;
  }
  const geosim::Model m = geosim::compile(random_world(o));
  REQUIRE(m.num_agents() == static_cast<std::size_t>(o.agents));
  const geosim::RunKey key{31, 5};
  Recorded reference;
  {
    geosim::ThreadLimit limit(1);
    reference = record(m, key);
  }
  CHECK(reference.calls == o.steps);
  CHECK(lines(reference.agents).size() == static_cast<std::size_t>(o.agents * o.steps));
  for (std::size_t threads : {2U, 4U, 1U}) {
    geosim::ThreadLimit limit(threads);
    const Recorded again = record(m, key);
    INFO("threads " << threads);
    CHECK(again.agents == reference.agents);
    CHECK(again.edges == reference.edges);
    CHECK(again.outcomes == reference.outcomes);
  }
}

TEST_CASE("engine: different run indices differ when there is noise, and agree without it",
          "[engine][determinism]") {
  WorldOptions o;
  {
    const geosim::Model m = geosim::compile(random_world(o));
    const Recorded r0 = record(m, {31, 0}), r1 = record(m, {31, 1});
    CHECK(without_run(r0.agents) != without_run(r1.agents));
    CHECK(without_run(r0.edges) != without_run(r1.edges));
  }
  {
    o.alignment_noise = o.growth_noise = o.temperature = 0;
    o.events = false;  // the generated events are probabilistic
    const geosim::Model m = geosim::compile(random_world(o));
    const Recorded r0 = record(m, {31, 0}), r1 = record(m, {31, 1});
    CHECK(without_run(r0.agents) == without_run(r1.agents));
    CHECK(without_run(r0.edges) == without_run(r1.edges));
  }
}

TEST_CASE("engine: policies that differ only in a late event share every row before it",
          "[engine][determinism][policy]") {
  // Common random numbers (MODEL.md §3.6): the two policies append one event each, at step 12.
  constexpr int kLate = 12;
  Scenario sc = random_world({});
  for (double growth : {0.2, -0.05}) {
    geosim::ChangeEvent c;
    c.target = geosim::AgentTarget{agent_id(3)};
    c.agent_attribute = AgentAttribute::kGrowth;
    c.value = growth;
    geosim::Event e;
    e.timing.at = kLate;
    e.action = c;
    geosim::Policy p;
    p.name = growth > 0 ? "boom" : "bust";
    p.events.push_back(e);
    sc.policies.push_back(p);
  }
  const geosim::RunKey key{31, 2};
  const geosim::Model boom = geosim::compile(geosim::with_policy(sc, "boom"));
  const geosim::Model bust = geosim::compile(geosim::with_policy(sc, "bust"));
  const Recorded a = record(boom, key), b = record(bust, key);
  for (const auto& [rows_a, rows_b] : {std::pair{a.agents, b.agents}, std::pair{a.edges, b.edges}}) {
    const auto la = lines(rows_a), lb = lines(rows_b);
    REQUIRE(la.size() == lb.size());
    std::size_t before = 0, differ_after = 0;
    for (std::size_t k = 0; k < la.size(); ++k) {
      if (step_of(la[k]) < kLate) {
        ++before;
        CHECK(la[k] == lb[k]);
      } else if (la[k] != lb[k]) {
        ++differ_after;
      }
    }
    CHECK(before > 0);
    CHECK(differ_after > 0);
  }
}

TEST_CASE("engine: a long noisy run keeps every quantity in its range", "[engine][properties]") {
  WorldOptions o;
  o.steps = 150;
  o.relations = 40;
  o.alignment_noise = 0.3;
  o.growth_noise = 0.05;
  o.temperature = 0.2;
  o.military_events = false;  // events may set m above the max; decide clamps it after step 0
  const geosim::Model m = geosim::compile(random_world(o));
  const double m_max = m.params.military_share_max;
  REQUIRE(std::any_of(m.initial.agents.begin(), m.initial.agents.end(),
                      [&](const geosim::AgentState& a) { return a.m > m_max; }));
  std::vector<std::string> failures;
  std::size_t sanctioned = 0, threatened = 0;
  auto fail = [&](const geosim::StepView& v, const std::string& what, double x) {
    if (failures.size() < 20) failures.push_back("step " + std::to_string(v.step) + ": " + what + " = " +
                                                 geosim::format_number(x));
  };
  auto in = [](double x, double lo, double hi) { return x >= lo && x <= hi; };
  geosim::simulate(m, {31, 9}, [&](const geosim::StepView& v) {
    const auto& g = v.model.graph;
    double power_sum = 0;
    for (AgentId i = 0; i < g.num_agents(); ++i) {
      const auto& d = v.derived.agents[i];
      power_sum += d.power;
      if (!in(d.autonomy, 0, 1)) fail(v, "autonomy", d.autonomy);
      if (!in(d.hhi, 0, 1)) fail(v, "hhi", d.hhi);
      if (!in(d.exposure, 0, 1)) fail(v, "exposure", d.exposure);
      if (!in(d.threat, 0, 1)) fail(v, "threat", d.threat);
      if (d.main_threat >= 0) ++threatened;
      const auto& dec = v.decisions.agents[i];
      if (!in(dec.military_share, 0, m_max)) fail(v, "m'", dec.military_share);
      if (!in(dec.counterweight, 0, 1)) fail(v, "C", dec.counterweight);
      if (!in(dec.security, 0, 1)) fail(v, "security", dec.security);
      if (v.step > 0 && !in(v.state.agents[i].m, 0, m_max)) fail(v, "m", v.state.agents[i].m);
      double dep_sum = 0;
      for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
        const auto& es = v.state.edges[e];
        const auto& ed = v.derived.edges[e];
        if (!in(es.alignment, -1, 1)) fail(v, "alignment", es.alignment);
        if (!in(v.decisions.alignment[e], -1, 1)) fail(v, "a'", v.decisions.alignment[e]);
        if (!in(es.sanction, 0, 1)) fail(v, "sanction", es.sanction);
        if (!in(es.security, 0, 1)) fail(v, "security", es.security);
        if (!in(es.grievance, 0, 1)) fail(v, "grievance", es.grievance);
        if (!(ed.dependence >= 0)) fail(v, "D", ed.dependence);
        if (!in(ed.reward, 0, 1)) fail(v, "Rn", ed.reward);
        if (!in(ed.threat, 0, 1)) fail(v, "T", ed.threat);
        if (es.sanction > 0) ++sanctioned;
        dep_sum += ed.dependence;
      }
      if (!(dep_sum <= 1 + 1e-12)) fail(v, "sum_j D_ij", dep_sum);
    }
    if (v.derived.total_gdp > 0 && !(std::abs(power_sum - 1) <= 1e-9)) fail(v, "sum_i P_i", power_sum);
  });
  INFO([&] {
    std::string s;
    for (const auto& f : failures) s += f + "\n";
    return s;
  }());
  CHECK(failures.empty());
  CHECK(sanctioned > 0);  // the run exercised sanctions and threats
  CHECK(threatened > 0);
}

TEST_CASE("engine: without caps the investment offers spend exactly ν·G·dt", "[engine][properties]") {
  WorldOptions o;
  o.caps = false;
  o.dt = 0.5;
  o.steps = 30;
  const geosim::Model m = geosim::compile(random_world(o));
  std::size_t checked = 0;
  geosim::simulate(m, {31, 4}, [&](const geosim::StepView& v) {
    const auto& g = v.model.graph;
    for (AgentId i = 0; i < g.num_agents(); ++i) {
      const double nu = v.state.agents[i].outward_investment;
      double spent = 0;
      bool any_weight = false;
      for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
        spent += v.decisions.investment[e];
        any_weight = any_weight || (v.derived.agents[g.target(e)].gdp > 0 && v.state.edges[e].alignment > -1);
      }
      if (nu > 0 && any_weight) {
        INFO("step " << v.step << " agent " << i);
        CHECK_THAT(spent, close_to(nu * v.derived.agents[i].gdp * v.model.dt));
        ++checked;
      } else if (nu == 0) {
        CHECK(spent == 0.0);
      }
    }
  });
  CHECK(checked > 30);
}

TEST_CASE("engine: with caps the offers never exceed the budget", "[engine][properties]") {
  WorldOptions o;
  o.steps = 30;
  const geosim::Model m = geosim::compile(random_world(o));
  std::size_t capped = 0, over = 0, negative = 0;
  geosim::simulate(m, {31, 4}, [&](const geosim::StepView& v) {
    const auto& g = v.model.graph;
    for (AgentId i = 0; i < g.num_agents(); ++i) {
      const double budget = v.state.agents[i].outward_investment * v.derived.agents[i].gdp * v.model.dt;
      double spent = 0;
      for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
        spent += v.decisions.investment[e];
        if (v.decisions.investment[e] < 0) ++negative;
      }
      if (spent > budget * (1 + 1e-12)) ++over;
      if (spent < budget * (1 - 1e-9)) ++capped;
    }
  });
  CHECK(over == 0);
  CHECK(negative == 0);
  CHECK(capped > 0);  // some host cap did bind
}

TEST_CASE("engine: without growth noise potential GDP grows as Gp(1 + g dt)", "[engine][properties]") {
  WorldOptions o;
  o.growth_noise = 0;
  o.sanctions = false;
  o.gdp_events = false;
  o.dt = 0.5;
  const geosim::Model m = geosim::compile(random_world(o));
  std::vector<double> gp, growth;
  std::size_t checked = 0;
  geosim::simulate(m, {31, 6}, [&](const geosim::StepView& v) {
    const auto& agents = v.state.agents;
    if (v.step > 0) {
      for (std::size_t i = 0; i < agents.size(); ++i) {
        INFO("step " << v.step << " agent " << i);
        CHECK_THAT(agents[i].gp, close_to(gp[i] * (1 + growth[i] * v.model.dt)));
        ++checked;
      }
    }
    gp.clear();
    growth.clear();
    for (const auto& a : agents) {
      gp.push_back(a.gp);
      growth.push_back(a.growth);
    }
  });
  CHECK(checked == static_cast<std::size_t>((o.steps - 1) * o.agents));
}

TEST_CASE("engine: phase outputs do not depend on the order in which agents are processed",
          "[engine][properties]") {
  // At step 7 of a noisy run, redo derive, decide and update for the agents in
  // reverse order into fresh buffers: every value must be bit-identical to the
  // engine's (and to a forward pass).
  const geosim::Model m = geosim::compile(random_world({}));
  const auto n = static_cast<AgentId>(m.num_agents());
  const std::size_t ne = m.num_edges();
  std::vector<double> beta0(ne);
  bool checked = false;
  auto sized_derived = [&] { return geosim::make_derived(m); };
  auto sized_decisions = [&] { return geosim::make_decisions(m); };
  std::vector<AgentId> forward(n), reverse(n);
  for (AgentId i = 0; i < n; ++i) forward[i] = reverse[n - 1 - i] = i;

  geosim::simulate(m, {31, 3}, [&](const geosim::StepView& v) {
    if (v.step == 0) {
      for (EdgeId e = 0; e < ne; ++e) beta0[e] = rules::disposition(v.state, m, v.derived, 0, e);
    }
    if (v.step != 7) return;
    checked = true;
    // Derive in reverse order.
    geosim::Derived d = sized_derived();
    for (AgentId i : reverse) rules::derive_economy(v.state, m, i, d);
    rules::derive_totals(v.state, m, d);
    for (AgentId i : reverse) rules::derive_structure(v.state, m, i, d);
    for (AgentId i : reverse) rules::derive_threats(v.state, m, i, d);
    for (AgentId i : reverse) rules::derive_gaps(v.state, m, i, d);
    for (AgentId i = 0; i < n; ++i) {
      const auto &x = d.agents[i], &y = v.derived.agents[i];
      INFO("agent " << i);
      CHECK(same_bits(x.gdp, y.gdp));
      CHECK(same_bits(x.power, y.power));
      CHECK(same_bits(x.autonomy, y.autonomy));
      CHECK(same_bits(x.threat, y.threat));
      CHECK(x.main_threat == y.main_threat);
      CHECK(x.top_dependence == y.top_dependence);
    }
    for (EdgeId e = 0; e < ne; ++e) {
      const auto &x = d.edges[e], &y = v.derived.edges[e];
      INFO("edge " << e);
      CHECK(same_bits(x.dependence, y.dependence));
      CHECK(same_bits(x.threat, y.threat));
      CHECK(same_bits(x.reward, y.reward));
      CHECK(same_bits(x.gap, y.gap));
    }
    // Decide forward and in reverse.
    for (const auto* order : {&forward, &reverse}) {
      geosim::Decisions dec = sized_decisions();
      for (AgentId i : *order) rules::decide(v.state, m, v.derived, beta0, v.key, v.step, i, dec);
      INFO((order == &forward ? "forward" : "reverse"));
      for (AgentId i = 0; i < n; ++i) {
        const auto &x = dec.agents[i], &y = v.decisions.agents[i];
        CHECK(x.strategy == y.strategy);
        CHECK(same_bits(x.counterweight, y.counterweight));
        CHECK(same_bits(x.security, y.security));
        CHECK(x.has_utility == y.has_utility);
        for (std::size_t k = 0; k < 3; ++k) CHECK(same_bits(x.utility[k], y.utility[k]));
        CHECK(same_bits(x.military_share, y.military_share));
      }
      for (EdgeId e = 0; e < ne; ++e) {
        CHECK(same_bits(dec.alignment[e], v.decisions.alignment[e]));
        CHECK(same_bits(dec.investment[e], v.decisions.investment[e]));
        CHECK(same_bits(dec.cw[e], v.decisions.cw[e]));
      }
    }
    // Update forward and in reverse.
    geosim::State next_f = v.state, next_r = v.state;
    for (AgentId i : forward) rules::update(v.state, m, v.derived, v.decisions, v.key, v.step, i, next_f);
    for (AgentId i : reverse) rules::update(v.state, m, v.derived, v.decisions, v.key, v.step, i, next_r);
    for (AgentId i = 0; i < n; ++i) {
      CHECK(same_bits(next_f.agents[i].gp, next_r.agents[i].gp));
      CHECK(same_bits(next_f.agents[i].m, next_r.agents[i].m));
    }
    for (EdgeId e = 0; e < ne; ++e) {
      const auto &x = next_f.edges[e], &y = next_r.edges[e];
      CHECK(same_bits(x.alignment, y.alignment));
      CHECK(same_bits(x.exports, y.exports));
      CHECK(same_bits(x.investment, y.investment));
      CHECK(same_bits(x.aid, y.aid));
      CHECK(same_bits(x.security, y.security));
      CHECK(same_bits(x.grievance, y.grievance));
    }
  });
  CHECK(checked);
}

TEST_CASE("engine: the row of step t shows the state after step t's events", "[engine]") {
  // A sanction at step 2 appears in the step-2 row; it is lifted at 2 + 2 = 4.
  Scenario sc;
  sc.name = "two";
  sc.time.steps = 6;
  for (const char* id : {"A", "B"}) {
    geosim::AgentSpec a;
    a.id = a.name = id;
    a.gdp = 100;
    sc.agents.push_back(a);
  }
  geosim::RelationSpec r;
  r.a = "A";
  r.b = "B";
  r.exports = {10, 10};
  sc.relations.push_back(r);
  geosim::Event e;
  e.timing.at = 2;
  e.action = geosim::SanctionEvent{"A", "B", 0.5, 2};
  sc.events.push_back(e);
  const geosim::Model m = geosim::compile(sc);
  std::vector<double> sanction, gdp;
  geosim::simulate(m, {1, 0}, [&](const geosim::StepView& v) {
    sanction.push_back(v.state.edges[0].sanction);
    gdp.push_back(v.derived.agents[0].gdp / v.state.agents[0].gp);
  });
  CHECK(sanction == std::vector<double>{0, 0, 0.5, 0.5, 0, 0});
  // G/Gp = 1 - .5·L, L = (20 - 10)/Gp: read at the step of the event, with that step's Gp.
  CHECK(gdp[1] == 1.0);
  CHECK(gdp[2] < 1.0);
  CHECK(gdp[4] == 1.0);
}

// --- The numbers guard (docs/model.md, "When a run stops") --------------------

namespace {

geosim::Scenario guard_world(double growth_a, double dt, double momentum = 10) {
  return geosim::load_scenario_from_string(
      fmt::format("geosim: 1\nname: guard\ntime: {{steps: 4, dt: {}}}\nparameters: {{momentum: {}}}\n"
                  "agents:\n  - {{id: AAA, gdp: 100, growth: {}}}\n  - {{id: BBB, gdp: 100}}\n"
                  "relations:\n  - {{between: [AAA, BBB], exports: 10, investment: 5}}\n",
                  geosim::format_number(dt), geosim::format_number(momentum), geosim::format_number(growth_a)),
      "guard.yaml");
}

}  // namespace

TEST_CASE("guard: growth of exactly -1/dt takes potential GDP to 0 and the run goes on", "[engine][guard]") {
  const geosim::Model model = geosim::compile(guard_world(-4, 0.25));
  std::vector<double> gp;
  geosim::simulate(model, {1, 0}, [&](const geosim::StepView& v) { gp.push_back(v.state.agents[0].gp); });
  REQUIRE(gp.size() == 4);
  CHECK(gp[0] == 100);
  CHECK(gp[1] == 0);  // 100 (1 + 0.25 (-4)) = 0 exactly
  CHECK(gp[3] == 0);
}

TEST_CASE("guard: a potential GDP driven below 0 stops the run at the step that would record it",
          "[engine][guard]") {
  const geosim::Model model = geosim::compile(guard_world(-3, 0.5));  // 1 + 0.5 (-3) = -0.5
  std::vector<int> recorded;
  try {
    geosim::simulate(model, {1, 7}, [&](const geosim::StepView& v) { recorded.push_back(v.step); });
    FAIL("the run went on with a negative GDP");
  } catch (const geosim::ModelError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("run 7 stopped at step 1") != std::string::npos);
    CHECK(message.find("potential GDP of AAA is negative (-50.0)") != std::string::npos);
    CHECK(message.find("below -1/dt = -2.0") != std::string::npos);
  }
  CHECK(recorded == std::vector<int>{0});  // step 0 was fine; nothing of step 1 was recorded
}

TEST_CASE("guard: an overflow (momentum times a growth gap) stops the run naming the quantity", "[engine][guard]") {
  // exp(1000 (g_i - mean g)) with a gap of 1: beyond double precision.
  const geosim::Model model = geosim::compile(guard_world(2, 0.1, 1000));
  try {
    geosim::simulate(model, {1, 0}, {});
    FAIL("the run went on with an infinite momentum factor");
  } catch (const geosim::ModelError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("stopped at step 0") != std::string::npos);
    CHECK(message.find("momentum factor of AAA is inf") != std::string::npos);
  }
}

TEST_CASE("guard: the stop is the same on 1 and 2 threads", "[engine][guard][determinism]") {
  const geosim::Model model = geosim::compile(guard_world(-3, 0.5));
  std::string one, two;
  {
    const geosim::ThreadLimit limit(1);
    try { geosim::simulate(model, {1, 0}, {}); } catch (const geosim::ModelError& e) { one = e.what(); }
  }
  {
    const geosim::ThreadLimit limit(2);
    try { geosim::simulate(model, {1, 0}, {}); } catch (const geosim::ModelError& e) { two = e.what(); }
  }
  CHECK(!one.empty());
  CHECK(one == two);
}
