// The numbers guard: a run stops, with a message that names the cause,
// before a number that no output may hold reaches one (docs/model.md, "When
// a run stops"). The formulas of rules.cpp are left exactly as MODEL.md
// writes them; this only looks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "geosim/error.hpp"
#include "geosim/observe.hpp"
#include "geosim/rules.hpp"

namespace geosim::standard {
namespace {

// The largest |N| the generator's normal() can give: Box–Muller from a
// 53-bit uniform, sqrt(-2 ln 2^-53).
constexpr double kLargestNormal = 8.5717;

class Guard {
 public:
  Guard(const Model& model, RunKey key, int t) : model_(model), key_(key), t_(t) {}

  void agent_number(AgentId i, std::string_view what, double x) const {
    if (!std::isfinite(x)) not_finite(fmt::format("the {} of {}", what, model_.agent_id(i)), x);
  }
  void world_number(std::string_view what, double x) const {
    if (!std::isfinite(x)) not_finite(fmt::format("the {}", what), x);
  }
  void edge_number(EdgeId e, std::string_view what, double x) const {
    if (!std::isfinite(x)) not_finite(fmt::format("the {} of {}", what, edge(e)), x);
  }

  [[noreturn]] void negative_gdp(AgentId i, double gp) const {
    const double dt = model_.dt;
    std::string cause = fmt::format(
        "the growth rule Gp <- Gp (1 + dt g + noise) multiplied it by a negative factor at step {}; with dt = {} "
        "that happens when growth is below -1/dt = {}",
        t_ - 1, format_number(dt), format_number(-1 / dt));
    if (model_.params.growth_noise > 0) {
      cause += fmt::format(", or when growth_noise ({}) is so large that a draw of the noise outweighs 1 + dt g "
                           "(draws reach {} sd)",
                           format_number(model_.params.growth_noise), format_number(kLargestNormal));
    }
    stop(fmt::format("the potential GDP of {} is negative ({})", model_.agent_id(i), format_number(gp)), cause);
  }
  [[noreturn]] void negative_exports(EdgeId e, double x) const {
    stop(fmt::format("the exports {} are negative ({})", edge(e), format_number(x)),
         fmt::format("the trade rule X <- X (1 + dt (g_i + g_j)/2) ... multiplied them by a negative factor at step "
                     "{}: the mean growth of the two states is below -1/dt = {}",
                     t_ - 1, format_number(-1 / model_.dt)));
  }
  [[noreturn]] void negative_investment(EdgeId e, double v) const {
    stop(fmt::format("the investment stock {} is negative ({})", edge(e), format_number(v)),
         fmt::format("the rule V <- V (1 - investment_depreciation dt) + I made it negative at step {}: "
                     "investment_depreciation ({}) is above 1/dt = {}",
                     t_ - 1, format_number(model_.params.investment_depreciation), format_number(1 / model_.dt)));
  }
  [[noreturn]] void negative_aid(EdgeId e, double a) const {
    stop(fmt::format("the aid {} is negative ({})", edge(e), format_number(a)),
         "the aid rule moved it past its target; aid_adjustment_rate dt is capped at 1, so this is a bug in geosim: "
         "please report it with the scenario");
  }

 private:
  std::string edge(EdgeId e) const {
    return fmt::format("{} -> {}", model_.agent_id(model_.graph.source(e)), model_.agent_id(model_.graph.target(e)));
  }
  [[noreturn]] void not_finite(const std::string& what, double x) const {
    stop(fmt::format("{} is {}", what, format_number(x)),
         "a number went beyond what double precision holds (about 1.8e308): values grew for many steps (growth "
         "far above 0, over many steps), or a product in an exponent is very large (momentum times a growth gap, "
         "trade_elasticity times an alignment change, a distance far below distance_decay_km), or money values "
         "are extreme; smaller values, fewer steps or a smaller dt keep the run within range");
  }
  [[noreturn]] void stop(const std::string& what, const std::string& cause) const {
    throw ModelError(fmt::format("run {} stopped at step {} (year {}): {}; {}. The standard rule set is applied as "
                                 "written, and no output may hold such a number (docs/model.md, \"When a run "
                                 "stops\")",
                                 key_.run, t_, format_number(model_.start + t_ * model_.dt), what, cause));
  }

  const Model& model_;
  RunKey key_;
  int t_;
};


// Finds the first problem, in the documented order, and throws it. Called
// only when the quick scan of check_numbers() saw one.
[[noreturn]] void name_problem(const State& s, const Model& model, const Derived& d, const Decisions& dec, RunKey key,
                               int t) {
  const Guard guard(model, key, t);
  const auto& g = model.graph;
  // The state first: a stock gone negative or infinite is the cause of
  // whatever the derived values show, and is named as such.
  for (AgentId i = 0; i < g.num_agents(); ++i) {
    const AgentState& a = s.agents[i];
    guard.agent_number(i, "potential GDP", a.gp);
    if (a.gp < 0) guard.negative_gdp(i, a.gp);
    guard.agent_number(i, "military share", a.m);
  }
  for (EdgeId e = 0; e < g.num_edges(); ++e) {
    const EdgeState& x = s.edges[e];
    guard.edge_number(e, "alignment", x.alignment);
    guard.edge_number(e, "exports", x.exports);
    if (x.exports < 0) guard.negative_exports(e, x.exports);
    guard.edge_number(e, "investment stock", x.investment);
    if (x.investment < 0) guard.negative_investment(e, x.investment);
    guard.edge_number(e, "aid", x.aid);
    if (x.aid < 0) guard.negative_aid(e, x.aid);
    guard.edge_number(e, "grievance", x.grievance);
    guard.edge_number(e, "security tie", x.security);
  }
  for (AgentId i = 0; i < g.num_agents(); ++i) {
    const AgentDerived& x = d.agents[i];
    guard.agent_number(i, "GDP", x.gdp);
    guard.agent_number(i, "military", x.military);
    guard.agent_number(i, "lost trade", x.lost_trade);
    guard.agent_number(i, "power share", x.power);
    guard.agent_number(i, "total trade", x.tt);
    guard.agent_number(i, "inbound investment", x.vv);
    guard.agent_number(i, "inbound aid", x.aa);
    guard.agent_number(i, "exposure", x.exposure);
    guard.agent_number(i, "dependence concentration", x.hhi);
    guard.agent_number(i, "autonomy", x.autonomy);
    guard.agent_number(i, "threat", x.threat);
    guard.agent_number(i, "reward sum", x.reward_sum);
    guard.agent_number(i, "momentum factor", x.momentum_factor);
    const AgentDecision& c = dec.agents[i];
    guard.agent_number(i, "counterweight", c.counterweight);
    guard.agent_number(i, "security", c.security);
    if (c.has_utility) {
      guard.agent_number(i, "utility of balancing", c.utility[0]);
      guard.agent_number(i, "utility of bandwagoning", c.utility[1]);
      guard.agent_number(i, "utility of hedging", c.utility[2]);
    }
    guard.agent_number(i, "new military share", c.military_share);
  }
  for (EdgeId e = 0; e < g.num_edges(); ++e) {
    const EdgeDerived& y = d.edges[e];
    guard.edge_number(e, "dependence", y.dependence);
    guard.edge_number(e, "threat", y.threat);
    guard.edge_number(e, "reward", y.reward);
    guard.edge_number(e, "influence gap", y.gap);
    guard.edge_number(e, "new alignment", dec.alignment[e]);
    guard.edge_number(e, "investment offer", dec.investment[e]);
    guard.edge_number(e, "counterweight share", dec.cw[e]);
  }
  guard.world_number("mean growth of the world", d.mean_growth);
  GEOSIM_ASSERT(false, "the quick scan of the numbers guard saw a problem that the full check did not find");
}

}  // namespace

// The quick scan: x * 0 is 0 for every finite x and NaN for an infinity or
// a NaN, so one sum of such products tells whether any number is not finite
// (each value is multiplied by 0 before it is added, so large finite values
// cannot add up to an infinity), and one minimum whether any stock is
// negative. It reads each value once, without branches; name_problem() runs
// only when it fails.
void check_numbers(const State& s, const Model& model, const Derived& d, const Decisions& dec, RunKey key, int t) {
  const auto zeros = [](auto... x) { return ((x * 0) + ...); };
  double poison = zeros(d.mean_growth);
  double lowest = 0;
  for (std::size_t i = 0; i < model.num_agents(); ++i) {
    const AgentState& a = s.agents[i];
    const AgentDerived& x = d.agents[i];
    const AgentDecision& c = dec.agents[i];
    lowest = std::min(lowest, a.gp);
    poison += zeros(a.gp, a.m, x.gdp, x.military, x.lost_trade, x.power, x.tt, x.vv, x.aa, x.exposure, x.hhi,
                    x.autonomy, x.threat, x.reward_sum, x.momentum_factor, c.counterweight, c.security,
                    c.military_share);
    if (c.has_utility) poison += zeros(c.utility[0], c.utility[1], c.utility[2]);
  }
  for (std::size_t e = 0; e < model.num_edges(); ++e) {
    const EdgeState& x = s.edges[e];
    const EdgeDerived& y = d.edges[e];
    lowest = std::min({lowest, x.exports, x.investment, x.aid});
    poison += zeros(x.alignment, x.exports, x.investment, x.aid, x.grievance, x.security, y.dependence, y.threat,
                    y.reward, y.gap, dec.alignment[e], dec.investment[e], dec.cw[e]);
  }
  if (poison == 0 && lowest >= 0) return;
  name_problem(s, model, d, dec, key, t);
}

}  // namespace geosim::standard
