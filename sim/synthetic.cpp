#include "geosim/synthetic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "geosim/error.hpp"
#include "geosim/random.hpp"

namespace geosim {
namespace {

// Uniform draws on a private stream (99) so the world does not depend on, or
// correlate with, the model's streams.
class Draws {
 public:
  explicit Draws(std::uint64_t seed) : seed_(seed) {}
  double next() { return random::uniform(seed_, 0, 0, counter_++, 99, 0); }
  double between(double lo, double hi) { return lo + (hi - lo) * next(); }
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(next() * static_cast<double>(n)) % n; }

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

}  // namespace

Scenario make_synthetic_world(std::size_t agents, std::size_t relations, int steps, std::uint64_t seed) {
  GEOSIM_ASSERT(agents >= 2, "a synthetic world needs at least two states");
  const std::size_t max_pairs = agents * (agents - 1) / 2;
  relations = std::min(relations, max_pairs);
  Draws draw(seed);
  Scenario s;
  s.name = fmt::format("synthetic world: {} states, {} relations", agents, relations);
  s.time.steps = steps;
  s.time.start = 2000;
  s.seed = seed;
  s.parameters.alignment_noise = 0.02;
  s.parameters.growth_noise = 0.01;
  s.parameters.choice_temperature = 0.05;

  const std::size_t powers = std::max<std::size_t>(2, agents / 25);
  for (std::size_t i = 0; i < agents; ++i) {
    AgentSpec a;
    a.id = fmt::format("S{:03}", i);
    a.name = a.id;
    const bool power = i < powers;
    a.gdp = power ? draw.between(2000, 20000) : std::exp(draw.between(std::log(2.0), std::log(2000.0)));
    a.military_share = draw.between(0.005, 0.04);
    a.population = a.gdp * draw.between(0.05, 0.5);
    a.growth = draw.between(0.0, 0.06);
    a.regime = draw.next();
    a.reach = power ? draw.between(0.3, 0.9) : draw.between(0.0, 0.1);
    a.outward_investment = power ? draw.between(0.001, 0.005) : 0.0;
    a.counter_influence = power ? draw.between(0.0, 1.0) : 0.0;
    a.coercion = power ? draw.between(0.0, 0.8) : 0.0;
    a.investment_cap = draw.next() < 0.2 ? draw.between(0.3, 0.6) : 1.0;
    a.aid_responsiveness = power ? draw.between(0.0, 0.5) : 0.0;
    a.weights.autonomy = draw.between(0.8, 1.5);
    s.agents.push_back(std::move(a));
  }

  std::set<std::pair<std::size_t, std::size_t>> pairs;
  auto add = [&](std::size_t i, std::size_t j, bool border) {
    if (i == j) return;
    const auto key = std::minmax(i, j);
    if (!pairs.insert(key).second) return;
    RelationSpec r;
    r.a = s.agents[key.first].id;
    r.b = s.agents[key.second].id;
    r.border = border;
    r.distance = border ? draw.between(300, 2000) : draw.between(1000, 15000);
    r.alignment = {draw.between(-0.6, 0.8), draw.between(-0.6, 0.8)};
    const double scale = std::sqrt(s.agents[key.first].gdp * s.agents[key.second].gdp) * 0.01;
    r.exports = {scale * draw.between(0.1, 1.0), scale * draw.between(0.1, 1.0)};
    if (draw.next() < 0.3) r.investment = {scale * draw.between(0.0, 2.0), scale * draw.between(0.0, 2.0)};
    if (draw.next() < 0.1) r.aid = {scale * draw.between(0.0, 0.05), 0.0};
    r.security = draw.next() < 0.2 ? draw.between(0.1, 0.9) : 0.0;
    r.affinity = draw.next() < 0.3 ? draw.between(0.0, 0.6) : 0.0;
    s.relations.push_back(std::move(r));
  };
  // A ring of borders, every state tied to the great powers, then random pairs.
  for (std::size_t i = 0; i < agents && pairs.size() < relations; ++i) add(i, (i + 1) % agents, true);
  for (std::size_t p = 0; p < powers; ++p) {
    for (std::size_t i = 0; i < agents && pairs.size() < relations; ++i) add(p, i, false);
  }
  while (pairs.size() < relations) add(draw.index(agents), draw.index(agents), false);

  const RelationSpec& first = s.relations.front();
  Event sanction;
  sanction.timing.at = std::min(2, steps - 1);
  sanction.action = SanctionEvent{first.a, first.b, 0.3, 3};
  s.events.push_back(sanction);
  Event offense;
  offense.timing.probability = 0.1;
  offense.action = OffenseEvent{first.b, first.a, 0.5, 2};
  s.events.push_back(offense);
  Bloc bloc;
  bloc.name = "pact";
  for (std::size_t i = 0; i < std::min<std::size_t>(agents, 5); ++i) bloc.members.push_back(s.agents[i].id);
  bloc.cohesion = 0.4;
  s.blocs.push_back(bloc);
  s.outcomes = default_outcomes(s.agents);
  s.outcomes.resize(std::min<std::size_t>(s.outcomes.size(), 30));
  return s;
}

}  // namespace geosim
