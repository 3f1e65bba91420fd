#include "geosim/model.hpp"

#include <fmt/format.h>

#include <cmath>

#include "geosim/error.hpp"

namespace geosim {
namespace {

AgentId index_of(const Scenario& s, const std::string& id) {
  const auto i = s.agent_index(id);
  GEOSIM_ASSERT(i.has_value(), "agent ids were validated at load: " + id);
  return static_cast<AgentId>(*i);
}

AgentState initial_agent(const AgentSpec& spec) {
  AgentState a;
  a.gp = spec.gdp;
  a.m = a.m0 = spec.initial_military_share();
  a.population = spec.population;
  a.growth = spec.growth;
  a.regime = spec.regime;
  a.reach = spec.reach;
  a.rule = spec.strategy;
  a.w = spec.weights;
  a.appeasement = spec.appeasement;
  a.values = spec.values;
  a.outward_investment = spec.outward_investment;
  a.counter_influence = spec.counter_influence;
  a.coercion = spec.coercion;
  a.investment_cap = spec.investment_cap;
  a.aid_responsiveness = spec.aid_responsiveness;
  a.aid_conditionality = spec.aid_conditionality;
  return a;
}

CompiledEvent compile_event(const Scenario& s, const Event& ev) {
  GEOSIM_ASSERT(ev.timing.at || ev.timing.probability, "an event has `at` or `probability` (checked at load)");
  CompiledEvent c;
  c.timing = ev.timing;
  c.until_step = ev.timing.until_step.value_or(s.time.steps - 1);
  std::visit(
      [&](const auto& action) {
        using T = std::decay_t<decltype(action)>;
        if constexpr (std::is_same_v<T, SanctionEvent>) {
          c.kind = CompiledEvent::Kind::kSanction;
          c.agent_a = index_of(s, action.from);
          c.agent_b = index_of(s, action.to);
          c.amount = action.intensity;
          c.duration = action.duration;
        } else if constexpr (std::is_same_v<T, OffenseEvent>) {
          c.kind = CompiledEvent::Kind::kOffense;
          c.agent_a = index_of(s, action.by);
          c.agent_b = index_of(s, action.against);
          c.amount = action.magnitude;
          c.duration = action.duration;
        } else {
          c.amount = action.value;
          if (const auto* agent = std::get_if<AgentTarget>(&action.target)) {
            c.kind = action.is_shift ? CompiledEvent::Kind::kShiftAgent : CompiledEvent::Kind::kSetAgent;
            c.agent_a = index_of(s, agent->agent);
            c.agent_attribute = action.agent_attribute;
            c.strategy = action.strategy;
          } else {
            const auto& edge = std::get<EdgeTarget>(action.target);
            c.kind = action.is_shift ? CompiledEvent::Kind::kShiftEdge : CompiledEvent::Kind::kSetEdge;
            const bool from_b = !edge.from.empty() && edge.from == edge.b && edge.from != edge.a;
            c.agent_a = index_of(s, from_b ? edge.b : edge.a);
            c.agent_b = index_of(s, from_b ? edge.a : edge.b);
            GEOSIM_ASSERT(action.edge_attribute.has_value(), "edge events name an edge attribute");
            c.edge_attribute = *action.edge_attribute;
          }
        }
      },
      ev.action);
  return c;
}

}  // namespace

Model compile(const Scenario& effective) {
  Model m;
  m.scenario = effective;
  m.params = effective.parameters;
  m.steps = effective.time.steps;
  m.dt = effective.time.dt;
  m.start = effective.time.start;

  const std::size_t n = effective.agents.size();
  std::vector<std::pair<AgentId, AgentId>> pairs;
  pairs.reserve(effective.relations.size());
  for (const RelationSpec& r : effective.relations) pairs.emplace_back(index_of(effective, r.a), index_of(effective, r.b));
  m.graph = RelationGraph(n, pairs);

  m.initial.agents.reserve(n);
  for (const AgentSpec& spec : effective.agents) m.initial.agents.push_back(initial_agent(spec));

  m.initial.edges.resize(m.graph.num_edges());
  m.a0.resize(m.graph.num_edges());
  for (const RelationSpec& r : effective.relations) {
    const AgentId a = index_of(effective, r.a), b = index_of(effective, r.b);
    const EdgeId ab = *m.graph.find_edge(a, b), ba = m.graph.reverse(ab);
    auto fill = [&](EdgeId e, double alignment, double exports, double investment, double aid) {
      EdgeState& es = m.initial.edges[e];
      es.alignment = alignment;
      es.exports = exports;
      es.investment = investment;
      es.aid = es.aid0 = aid;
      es.security = r.security;
      es.affinity = r.affinity;
      es.distance = r.distance;
      es.distance_decay = std::exp(-r.distance / m.params.distance_decay_km);
      es.border = r.border;
      m.a0[e] = alignment;
    };
    fill(ab, r.alignment.ab, r.exports.ab, r.investment.ab, r.aid.ab);
    fill(ba, r.alignment.ba, r.exports.ba, r.investment.ba, r.aid.ba);
  }

  for (const Event& ev : effective.events) m.events.push_back(compile_event(effective, ev));
  for (const Bloc& b : effective.blocs) {
    CompiledBloc cb;
    cb.member.assign(n, false);
    for (const std::string& id : b.members) cb.member[index_of(effective, id)] = true;
    cb.cohesion = b.cohesion;
    cb.from = b.from;
    cb.until = b.until;
    m.blocs.push_back(std::move(cb));
  }
  return m;
}

void resize_for(const Model& model, Derived& d) {
  const std::size_t n = model.num_agents(), m = model.num_edges();
  d.agents.resize(n);
  d.edges.resize(m);
  d.peer_power.resize(m);
  d.peer_best.resize(m);
  d.peer_best_agent.resize(m);
  d.peer_second.resize(m);
}

void resize_for(const Model& model, Decisions& d) {
  const std::size_t n = model.num_agents(), m = model.num_edges();
  d.agents.resize(n);
  d.alignment.resize(m);
  d.investment.resize(m);
  d.cw.resize(m);
}

Derived make_derived(const Model& model) {
  Derived d;
  resize_for(model, d);
  return d;
}

Decisions make_decisions(const Model& model) {
  Decisions d;
  resize_for(model, d);
  return d;
}

}  // namespace geosim
