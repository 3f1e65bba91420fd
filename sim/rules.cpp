// The standard rule set, MODEL.md v1. Read this file beside MODEL.md: each
// block cites its section and uses its symbols.
#include "geosim/rules.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "geosim/random.hpp"

namespace geosim::standard {
namespace {

double clamp(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }
double clamp01(double x) { return clamp(x, 0.0, 1.0); }
double clamp_unit(double x) { return clamp(x, -1.0, 1.0); }
double nonneg(double x) { return std::max(x, 0.0); }

/// P_a / (P_a + P_b), 0 when both are 0 (MODEL.md §3 notation).
double share(double pa, double pb) {
  const double total = pa + pb;
  return total == 0 ? 0.0 : pa / total;
}

/// x / y, 0 when y is 0 (divisions by totals and GDPs, MODEL.md §3).
double ratio(double x, double y) { return y == 0 ? 0.0 : x / y; }

// --- Shared by the phases and the breakdowns (rules.hpp) --------------------
// Written once, here, and inlined into the phases; the public breakdown
// functions at the end of the file call the same code.

/// T_ij and its terms (MODEL.md §3.2) for edge e = i→j.
inline ThreatTerms threat_terms_of(const State& s, const Model& model, const Derived& d, AgentId i, EdgeId e) {
  const Parameters& p = model.params;
  const RelationGraph& g = model.graph;
  const AgentId j = g.target(e);
  const EdgeState& ij = s.edges[e];
  const EdgeState& ji = s.edges[g.reverse(e)];
  const AgentState& ai = s.agents[i];
  const AgentState& aj = s.agents[j];
  ThreatTerms out;
  out.rel = share(d.agents[j].power, d.agents[i].power);
  out.prox = ij.border ? 1.0 : std::max(d.edges[e].geo, aj.reach);
  out.alignment = 0.5 * (1 - ji.alignment);
  out.suspicion = p.regime_suspicion * std::abs(ai.regime - aj.regime);
  out.grievance = ij.grievance;
  out.relief = p.security_relief * ij.security;
  out.hostility = clamp01(out.alignment + out.suspicion + out.grievance - out.relief);
  out.threat = out.rel * out.prox * out.hostility;
  return out;
}

/// cw_ik of edge e = i→k against main threat h (MODEL.md §3.3).
inline double counterweight_of(const State& s, const Model& model, const Derived& d, EdgeId e, AgentId h) {
  const RelationGraph& g = model.graph;
  const AgentId k = g.target(e);
  const auto kh = g.find_edge(k, h);
  const double a_kh = kh ? s.edges[*kh].alignment : 0.0;
  const double a_ki = s.edges[g.reverse(e)].alignment;
  return share(d.agents[k].power, d.agents[h].power) * (1 - a_kh) / 2 * (1 + a_ki) / 2 *
         std::max(d.edges[e].geo, s.agents[k].reach);
}

/// The outcome table of MODEL.md §3.3 for agent i with a main threat.
inline StrategyTable strategy_table_of(const State& s, const Model& model, const Derived& d, AgentId i,
                                       double cap) {
  const Parameters& p = model.params;
  const AgentState& ai = s.agents[i];
  const AgentDerived& di = d.agents[i];
  const auto hh = static_cast<AgentId>(di.main_threat);
  StrategyTable out;
  const double threat = di.threat;  // T = T_ih
  const double relh = share(d.agents[hh].power, di.power);
  const EdgeId eh = *model.graph.find_edge(i, hh);
  const double q = ratio(d.edges[eh].reward, di.reward_sum);
  const double mom = d.agents[hh].momentum_factor;  // exp(momentum (g_h - ḡ))
  const double vh = di.exposure * d.edges[eh].dependence;
  const double psi = ai.appeasement;
  const double exh = di.exposure * di.hhi;
  out.threat = threat;
  out.relh = relh;
  out.capacity = cap;
  out.q = q;
  out.mom = mom;
  out.vh = vh;
  out.exh = exh;
  out.security = {
      1 - threat * (1 - cap),
      1 - threat * (1 - psi * relh),
      1 - threat * (1 - cap / 2) * (1 - psi * relh / 2),
  };
  out.prosperity = {
      1 - q * p.balance_cost,
      1 + q * p.bandwagon_gain * mom,
      1,
  };
  out.autonomy = {
      (1 - exh) * (1 - p.alliance_autonomy_cost * cap),
      1 - (vh + (1 - vh) * p.subordination_cost * relh),
      1 - exh,
  };
  for (int k = 0; k < 3; ++k) {
    out.utility[k] = ai.w.security * out.security[k] + ai.w.prosperity * out.prosperity[k] +
                     ai.w.autonomy * out.autonomy[k];
  }
  return out;
}

/// The strategy of MODEL.md §3.3 "Choice", as an index (0 balance, 1 bandwagon, 2 hedge).
inline int choose_of(const AgentState& ai, const Parameters& p, const std::array<double, 3>& utility, RunKey key,
                     int t, AgentId i) {
  switch (ai.rule) {
    case StrategyRule::kBalance: return 0;
    case StrategyRule::kBandwagon: return 1;
    case StrategyRule::kHedge: return 2;
    case StrategyRule::kAdaptive: break;
  }
  const double umax = std::max({utility[0], utility[1], utility[2]});
  if (p.choice_temperature > 0) {
    double weight[3], total = 0;
    for (int k = 0; k < 3; ++k) {
      weight[k] = std::exp((utility[k] - umax) / p.choice_temperature);
      total += weight[k];
    }
    const double u =
        random::uniform(key.seed, key.run, static_cast<std::uint64_t>(t), i, random::kStrategyChoice, 0) * total;
    double cumulative = 0;
    for (int k = 0; k < 3; ++k) {
      cumulative += weight[k];
      if (cumulative > u) return k;
    }
    return 2;
  }
  int chosen = 0;  // largest U; ties: balance, bandwagon, hedge
  for (int k = 1; k < 3; ++k) {
    if (utility[k] > utility[chosen]) chosen = k;
  }
  return chosen;
}

/// β_ij and its terms (MODEL.md §3.3 "Alignment").
inline DispositionTerms disposition_terms_of(const State& s, const Model& model, const Derived& d, int t, EdgeId e) {
  const Disposition& c = model.params.disposition;
  const AgentId i = model.graph.source(e), j = model.graph.target(e);
  const AgentState& ai = s.agents[i];
  double bloc = 0;  // the largest cohesion of an active bloc holding both
  for (const CompiledBloc& b : model.blocs) {
    if (b.from <= t && t <= b.until && b.member[i] && b.member[j]) bloc = std::max(bloc, b.cohesion);
  }
  DispositionTerms out;
  out.reward = c.reward * d.edges[e].reward;
  out.affinity = c.affinity * s.edges[e].affinity;
  out.values = c.values * ai.values * (1 - 2 * std::abs(ai.regime - s.agents[j].regime));
  out.bloc = c.bloc * bloc;
  out.influence = c.influence * ai.counter_influence * d.edges[e].gap;
  out.cohesion = bloc;
  out.beta = out.reward + out.affinity + out.values + out.bloc + out.influence;
  return out;
}

/// b_ij, the disposition anchored to the observed start.
inline double anchored_of(const Model& model, EdgeId e, double beta, double beta0) {
  return clamp_unit(beta + model.params.anchoring * (model.a0[e] - beta0));
}

/// a*_ij (MODEL.md §3.3 "Target").
inline double target_of(const Model& model, double b, Strategy strategy, bool has_threat, bool is_threat,
                        double cwn) {
  if (!has_threat || strategy == Strategy::kHedge) return b;
  const double kc = model.params.commitment;
  const bool balance = strategy == Strategy::kBalance;
  if (is_threat) return clamp_unit(balance ? b - kc : b + kc);
  return clamp_unit(balance ? b + kc * cwn : b - 0.5 * kc * cwn);
}

// --- Phase 1 helpers -------------------------------------------------------

/// Imposes sanction s_ij = clamp01(intensity), lifted at step t + duration.
/// A new sanction replaces a running one on the same directed edge.
void impose_sanction(State& s, EdgeId e, double intensity, int t, int duration) {
  s.edges[e].sanction = clamp01(intensity);
  s.edges[e].sanction_end = t + duration;
}

/// Keeps an agent attribute in its range after an event (MODEL.md §3.1).
double keep_in_range(AgentAttribute a, double v) {
  switch (a) {
    case AgentAttribute::kRegime:
    case AgentAttribute::kReach:
    case AgentAttribute::kAppeasement:
    case AgentAttribute::kValues:
    case AgentAttribute::kCoercion:
    case AgentAttribute::kInvestmentCap:
      return clamp01(v);
    case AgentAttribute::kGrowth:
      return v;
    default:
      return nonneg(v);
  }
}

double* agent_field(AgentState& a, AgentAttribute attr) {
  switch (attr) {
    case AgentAttribute::kPopulation: return &a.population;
    case AgentAttribute::kGrowth: return &a.growth;
    case AgentAttribute::kRegime: return &a.regime;
    case AgentAttribute::kReach: return &a.reach;
    case AgentAttribute::kWeightSecurity: return &a.w.security;
    case AgentAttribute::kWeightProsperity: return &a.w.prosperity;
    case AgentAttribute::kWeightAutonomy: return &a.w.autonomy;
    case AgentAttribute::kAppeasement: return &a.appeasement;
    case AgentAttribute::kValues: return &a.values;
    case AgentAttribute::kOutwardInvestment: return &a.outward_investment;
    case AgentAttribute::kCounterInfluence: return &a.counter_influence;
    case AgentAttribute::kCoercion: return &a.coercion;
    case AgentAttribute::kInvestmentCap: return &a.investment_cap;
    case AgentAttribute::kAidResponsiveness: return &a.aid_responsiveness;
    case AgentAttribute::kAidConditionality: return &a.aid_conditionality;
    case AgentAttribute::kGdp:
    case AgentAttribute::kMilitary:
    case AgentAttribute::kMilitaryShare:
      break;  // handled apart: they couple Gp, m and m0
  }
  return nullptr;
}

void change_agent(AgentState& a, const CompiledEvent& ev, bool shift) {
  if (ev.strategy) {  // `strategy` can only be set
    a.rule = *ev.strategy;
    return;
  }
  const AgentAttribute attr = *ev.agent_attribute;
  const double x = ev.amount;
  switch (attr) {
    case AgentAttribute::kGdp:
      // Sets Gp and leaves m unchanged.
      a.gp = nonneg(shift ? a.gp + x : x);
      return;
    case AgentAttribute::kMilitary: {
      // Sets M (shift: M := m Gp + delta) and resets m = m0 = M / Gp.
      const double military = nonneg(shift ? a.m * a.gp + x : x);
      a.m = a.m0 = a.gp == 0 ? 0.0 : military / a.gp;
      return;
    }
    case AgentAttribute::kMilitaryShare:
      // Sets m = m0; a shift adds to m and resets m0 to the result (docs/model.md).
      a.m = a.m0 = nonneg(shift ? a.m + x : x);
      return;
    default: {
      double* field = agent_field(a, attr);
      *field = keep_in_range(attr, shift ? *field + x : x);
      return;
    }
  }
}

void change_edge(State& s, const Model& model, const CompiledEvent& ev, bool shift) {
  const EdgeId e = *model.graph.find_edge(ev.agent_a, ev.agent_b);
  const EdgeId r = model.graph.reverse(e);
  const double x = ev.amount;
  auto apply = [&](double& field, double lo, double hi) { field = clamp(shift ? field + x : x, lo, hi); };
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EdgeState& fwd = s.edges[e];
  EdgeState& back = s.edges[r];
  switch (ev.edge_attribute) {
    case EdgeAttribute::kAlignment: apply(fwd.alignment, -1, 1); return;
    case EdgeAttribute::kExports: apply(fwd.exports, 0, kInf); return;
    case EdgeAttribute::kInvestment: apply(fwd.investment, 0, kInf); return;
    case EdgeAttribute::kAid:
      apply(fwd.aid, 0, kInf);
      fwd.aid0 = fwd.aid;  // a set or shift of aid also sets A0
      return;
    case EdgeAttribute::kSecurity: apply(fwd.security, 0, 1); back.security = fwd.security; return;
    case EdgeAttribute::kAffinity: apply(fwd.affinity, 0, 1); back.affinity = fwd.affinity; return;
    case EdgeAttribute::kDistance:
      apply(fwd.distance, 0, kInf);
      back.distance = fwd.distance;
      fwd.distance_decay = back.distance_decay = std::exp(-fwd.distance / model.params.distance_decay_km);
      return;
  }
}

bool fires(const CompiledEvent& ev, RunKey key, int t, std::size_t index) {
  const auto& tm = ev.timing;
  if (tm.at) {
    if (t != *tm.at) return false;
    if (!tm.probability) return true;
  } else if (t < tm.from_step || t > ev.until_step) {
    return false;
  }
  const double u = random::uniform(key.seed, key.run, static_cast<std::uint64_t>(t), index, random::kEvents, 0);
  return u < *tm.probability;
}

}  // namespace

// --- Phase 1: events (MODEL.md §3.1) -----------------------------------------

void apply_events(State& s, const Model& model, RunKey key, int t) {
  for (EdgeState& e : s.edges) {
    if (e.sanction_end == t) {
      e.sanction = 0;
      e.sanction_end = -1;
    }
  }
  for (std::size_t ev_index = 0; ev_index < model.events.size(); ++ev_index) {
    const CompiledEvent& ev = model.events[ev_index];
    if (!fires(ev, key, t, ev_index)) continue;
    using Kind = CompiledEvent::Kind;
    switch (ev.kind) {
      case Kind::kSanction:
        impose_sanction(s, *model.graph.find_edge(ev.agent_a, ev.agent_b), ev.amount, t, ev.duration);
        break;
      case Kind::kOffense: {
        // `against` sanctions `by` if it is coercive and related to it.
        const AgentId by = ev.agent_a;
        const AgentId against = ev.agent_b;
        const double kappa = s.agents[against].coercion;
        const auto e = model.graph.find_edge(against, by);
        if (kappa > 0 && e) impose_sanction(s, *e, kappa * ev.amount, t, ev.duration);
        break;
      }
      case Kind::kSetAgent: change_agent(s.agents[ev.agent_a], ev, false); break;
      case Kind::kShiftAgent: change_agent(s.agents[ev.agent_a], ev, true); break;
      case Kind::kSetEdge: change_edge(s, model, ev, false); break;
      case Kind::kShiftEdge: change_edge(s, model, ev, true); break;
    }
  }
}

// --- Phase 2: derive (MODEL.md §3.2) -----------------------------------------

void derive_economy(const State& s, const Model& model, AgentId i, Derived& d) {
  const RelationGraph& g = model.graph;
  const AgentState& ai = s.agents[i];
  // Effective exports x_ij = X_ij (1 - s_ij)(1 - s_ji); lost trade L_i.
  double lost = 0;
  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const EdgeState& ij = s.edges[e];
    const EdgeState& ji = s.edges[g.reverse(e)];
    const double through = (1 - ij.sanction) * (1 - ji.sanction);
    const double x_ij = ij.exports * through;
    const double x_ji = ji.exports * through;
    lost += (ij.exports + ji.exports) - (x_ij + x_ji);
  }
  AgentDerived& out = d.agents[i];
  out.lost_trade = ratio(lost, ai.gp);
  // G_i = Gp_i max(0, 1 - λ_L L_i); M_i = m_i G_i.
  out.gdp = ai.gp * std::max(0.0, 1 - model.params.sanction_gdp_loss * out.lost_trade);
  out.military = ai.m * out.gdp;
}

void derive_totals(const State& s, const Model& model, Derived& d) {
  double total_gdp = 0, total_military = 0, total_population = 0, weighted_growth = 0;
  for (std::size_t i = 0; i < model.num_agents(); ++i) {
    total_gdp += d.agents[i].gdp;
    total_military += d.agents[i].military;
    total_population += s.agents[i].population;
    weighted_growth += d.agents[i].gdp * s.agents[i].growth;
  }
  d.total_gdp = total_gdp;
  d.total_military = total_military;
  d.total_population = total_population;
  d.mean_growth = ratio(weighted_growth, total_gdp);  // ḡ = Σ G_i g_i / Σ G_i
  // exp(momentum (g_j - ḡ)) appears in R_ij for every i and in mom: once per agent.
  for (std::size_t i = 0; i < model.num_agents(); ++i) {
    d.agents[i].momentum_factor = std::exp(model.params.momentum * (s.agents[i].growth - d.mean_growth));
  }
}

void derive_structure(const State& s, const Model& model, AgentId i, Derived& d) {
  const Parameters& p = model.params;
  const RelationGraph& g = model.graph;
  const AgentState& ai = s.agents[i];
  AgentDerived& out = d.agents[i];

  // Power share: factors with a zero total or weight are dropped.
  {
    const double y[3] = {out.gdp, out.military, ai.population};
    const double total[3] = {d.total_gdp, d.total_military, d.total_population};
    const double w[3] = {p.power_weights.gdp, p.power_weights.military, p.power_weights.population};
    double num = 0, wsum = 0;
    for (int f = 0; f < 3; ++f) {
      if (total[f] == 0 || w[f] == 0) continue;
      num += w[f] * y[f] / total[f];
      wsum += w[f];
    }
    out.power = ratio(num, wsum);
  }

  // Dependence totals TT_i, VV_i, AA_i (ascending partner index).
  double tt = 0, vv = 0, aa = 0;
  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const EdgeState& ij = s.edges[e];
    const EdgeState& ji = s.edges[g.reverse(e)];
    tt += ij.exports + ji.exports;
    vv += ji.investment;
    aa += ji.aid;
  }
  out.tt = tt;
  out.vv = vv;
  out.aa = aa;

  const auto& dw = p.dependence_weights;
  const double dsum = dw.trade + dw.investment + dw.aid;
  const double gi = out.gdp;
  double hhi = 0, dmax = 0, reward_sum = 0;
  int top = -1;
  double top_value = 0;
  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const AgentId j = g.target(e);
    const EdgeState& ij = s.edges[e];
    const EdgeState& ji = s.edges[g.reverse(e)];
    EdgeDerived& ed = d.edges[e];
    // D_ij: the denominator stays δT + δV + δA even when a channel is empty.
    const double dep = ratio(dw.trade * ratio(ij.exports + ji.exports, tt) +
                                 dw.investment * ratio(ji.investment, vv) + dw.aid * ratio(ji.aid, aa),
                             dsum);
    ed.dependence = dep;
    hhi += dep * dep;
    dmax = std::max(dmax, dep);
    if (dep > 0 && dep > top_value) {  // first on ties
      top_value = dep;
      top = static_cast<int>(j);
    }
    // Proximity geo_ij.
    ed.geo = ij.border ? 1.0 : ij.distance_decay;  // exp(-distance / distance_decay_km)
    // Reward R_ij on potential exports; normalised Rn_ij.
    const double r = gi == 0 ? 0.0
                             : ((ij.exports + ji.exports + p.investment_return * ji.investment + ji.aid) / gi) *
                                   d.agents[j].momentum_factor;  // exp(momentum (g_j - ḡ))
    ed.reward = r > 0 ? r / (r + p.reward_scale) : 0.0;
    reward_sum += ed.reward;
  }
  out.exposure = gi == 0 ? 0.0 : std::min(1.0, (tt / gi) / p.exposure_reference);
  out.hhi = hhi;
  out.dmax = dmax;
  out.autonomy = 1 - out.exposure * dmax;
  out.top_dependence = top;
  out.reward_sum = reward_sum;
}

void derive_threats(const State& s, const Model& model, AgentId i, Derived& d) {
  const Parameters& p = model.params;
  const RelationGraph& g = model.graph;
  AgentDerived& out = d.agents[i];

  int best = -1;
  double best_threat = 0;
  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const AgentId j = g.target(e);
    EdgeDerived& ed = d.edges[e];
    // T_ij = rel_ij prox_ij hs_ij, hs_ij = clamp01(0.5 (1 - a_ji) + suspicion |r_i - r_j| + c_ij - relief S_ij).
    ed.threat = threat_terms_of(s, model, d, i, e).threat;
    if (best < 0 || ed.threat > best_threat) {  // argmax, first on ties
      best = static_cast<int>(j);
      best_threat = ed.threat;
    }
  }
  if (best >= 0 && best_threat >= p.threat_floor) {
    out.main_threat = best;
    out.threat = best_threat;
  } else {
    out.main_threat = -1;
    out.threat = 0;
  }

  // Peer table for the influence gap of edges k→i (derive_gaps): i's
  // out-edges ordered by partner power, descending, with prefix maxima of
  // D_ij, so that max{D_ij : P_j >= θ, j != k} is a binary search away.
  // Only the maxima matter, so the order among equal powers is irrelevant;
  // ties are broken by edge id to keep the table itself deterministic.
  const EdgeId first = g.first_edge(i), last = g.end_edge(i);
  if (first == last) return;
  EdgeId* order = d.peer_best_agent.data() + first;  // scratch, overwritten below
  for (EdgeId e = first; e < last; ++e) order[e - first] = e;
  std::sort(order, order + (last - first), [&](EdgeId a, EdgeId b) {
    const double pa = d.agents[g.target(a)].power, pb = d.agents[g.target(b)].power;
    return pa > pb || (pa == pb && a < b);
  });
  double best1 = -1, best2 = -1;
  AgentId best1_agent = 0;
  for (EdgeId k = first; k < last; ++k) {
    const EdgeId e = order[k - first];
    const AgentId j = g.target(e);
    const double dep = d.edges[e].dependence;
    if (dep > best1) {
      best2 = best1;
      best1 = dep;
      best1_agent = j;
    } else if (dep > best2) {
      best2 = dep;
    }
    d.peer_power[k] = d.agents[j].power;
    d.peer_best[k] = best1;
    d.peer_second[k] = best2;
    d.peer_best_agent[k] = best1_agent;  // slot k was read above; now the prefix argmax
  }
}

void derive_gaps(const State& s, const Model& model, AgentId i, Derived& d) {
  (void)s;
  const RelationGraph& g = model.graph;
  const double theta = model.params.rival_power_ratio * d.agents[i].power;
  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const AgentId j = g.target(e);
    // gap_ij = max(0, max{D_jk : k ∈ N(j), k ≠ i, P_k >= θ} - D_ji), θ = ratio·P_i.
    const EdgeId jf = g.first_edge(j), jl = g.end_edge(j);
    const auto begin = d.peer_power.begin() + jf, end = d.peer_power.begin() + jl;
    // Partners of j with P_k >= θ form a prefix of j's table.
    const auto count = static_cast<std::size_t>(
        std::partition_point(begin, end, [theta](double pk) { return pk >= theta; }) - begin);
    double inner = 0;
    if (count > 0) {
      const std::size_t at = jf + count - 1;
      inner = d.peer_best_agent[at] != i ? d.peer_best[at] : std::max(0.0, d.peer_second[at]);
    }
    const double d_ji = d.edges[g.reverse(e)].dependence;
    d.edges[e].gap = std::max(0.0, inner - d_ji);
  }
}

// --- Phase 3: decide (MODEL.md §3.3) -----------------------------------------

double disposition(const State& s, const Model& model, const Derived& d, int t, EdgeId e) {
  // β_ij = 1.0 Rn_ij + 0.5 affinity_ij + 0.5 v_i (1 - 2|r_i - r_j|) + 0.5 bloc_ij + 0.5 χ_i gap_ij
  return disposition_terms_of(s, model, d, t, e).beta;
}

void decide(const State& s, const Model& model, const Derived& d, std::span<const double> beta0, RunKey key,
            int t, AgentId i, Decisions& out) {
  const Parameters& p = model.params;
  const RelationGraph& g = model.graph;
  const AgentState& ai = s.agents[i];
  const AgentDerived& di = d.agents[i];
  AgentDecision& dec = out.agents[i];
  const EdgeId first = g.first_edge(i), last = g.end_edge(i);

  dec = AgentDecision{};
  dec.strategy = Strategy::kHedge;
  double cw_max = 0;
  for (EdgeId e = first; e < last; ++e) out.cw[e] = 0;

  const int h = di.main_threat;
  if (h >= 0) {
    const auto hh = static_cast<AgentId>(h);
    // Counterweights k ∈ N(i), k ≠ h, and capacity C = 1 - Π (1 - cw_ik).
    double none = 1;
    for (EdgeId e = first; e < last; ++e) {
      if (g.target(e) == hh) continue;
      const double cw = counterweight_of(s, model, d, e, hh);
      out.cw[e] = cw;
      cw_max = std::max(cw_max, cw);
      none *= 1 - cw;
    }
    const double cap = 1 - none;
    // The outcome table (security, prosperity, autonomy) and the utilities.
    const StrategyTable table = strategy_table_of(s, model, d, i, cap);
    dec.utility = table.utility;
    dec.has_utility = true;
    dec.counterweight = cap;
    const int chosen = choose_of(ai, p, table.utility, key, t, i);
    dec.strategy = static_cast<Strategy>(chosen);
    dec.security = table.security[chosen];
  }

  // Alignment: disposition anchored to the observed start, then the target.
  const double rate = std::min(1.0, p.adjustment_rate * model.dt);
  const double noise_scale = p.alignment_noise * std::sqrt(model.dt);
  const std::uint64_t draws = random::prefix(key.seed, key.run, static_cast<std::uint64_t>(t), i);
  for (EdgeId e = first; e < last; ++e) {
    const AgentId j = g.target(e);
    const double beta = disposition_terms_of(s, model, d, t, e).beta;
    const double b = anchored_of(model, e, beta, beta0[e]);
    const double cwn = cw_max == 0 ? 0.0 : out.cw[e] / cw_max;
    const double target = target_of(model, b, dec.strategy, h >= 0, static_cast<int>(j) == h, cwn);
    const double a = s.edges[e].alignment;
    double next = a + rate * (target - a);
    if (p.alignment_noise > 0) {
      next += noise_scale * random::normal_from(draws, random::kAlignmentNoise, j);
    }
    out.alignment[e] = clamp_unit(next);
  }

  // Investment offers, limited by the hosts' caps.
  for (EdgeId e = first; e < last; ++e) out.investment[e] = 0;
  if (ai.outward_investment > 0) {
    const double budget = ai.outward_investment * di.gdp * model.dt;
    double wsum = 0;
    for (EdgeId e = first; e < last; ++e) {
      const AgentId j = g.target(e);
      const double w = std::sqrt(std::max(d.agents[j].gdp, 0.0)) * (1 + s.edges[e].alignment) / 2 *
                       (1 + ai.counter_influence * d.edges[e].gap);
      out.investment[e] = w;  // the weight, for now
      wsum += w;
    }
    for (EdgeId e = first; e < last; ++e) {
      const AgentId j = g.target(e);
      double offer = wsum == 0 ? 0.0 : budget * out.investment[e] / wsum;
      const double cap_j = s.agents[j].investment_cap;
      const double vv_j = d.agents[j].vv;
      if (cap_j < 1 && vv_j > 0) {
        offer = std::min(offer, std::max(0.0, (cap_j * vv_j - s.edges[e].investment) / (1 - cap_j)));
      }
      out.investment[e] = offer;
    }
  }

  // Military (internal balancing).
  const double balancing = dec.strategy == Strategy::kBalance ? p.internal_balancing * di.threat : 0.0;
  dec.military_share =
      clamp(ai.m + model.dt * (balancing - p.military_reversion * (ai.m - ai.m0)), 0.0, p.military_share_max);
}

// --- Phase 5: update (MODEL.md §3.4) -----------------------------------------

void update(const State& s, const Model& model, const Derived& d, const Decisions& dec, RunKey key, int t,
            AgentId i, State& next) {
  (void)d;
  const Parameters& p = model.params;
  const RelationGraph& g = model.graph;
  const double dt = model.dt;
  const AgentState& ai = s.agents[i];
  const double aid_rate = std::min(1.0, p.aid_adjustment_rate * dt);
  const double security_rate = std::min(1.0, p.security_rate * dt);
  const double memory = std::exp(-dt / p.grievance_memory);

  for (EdgeId e = g.first_edge(i); e < g.end_edge(i); ++e) {
    const EdgeId r = g.reverse(e);
    const AgentId j = g.target(e);
    const EdgeState& ij = s.edges[e];
    const EdgeState& ji = s.edges[r];
    const AgentState& aj = s.agents[j];
    EdgeState& out = next.edges[e];
    out = ij;
    out.alignment = dec.alignment[e];
    const double mean_before = (ij.alignment + ji.alignment) / 2;
    const double mean_after = (dec.alignment[e] + dec.alignment[r]) / 2;
    out.exports = ij.exports * (1 + dt * (ai.growth + aj.growth) / 2) *
                  std::exp(p.trade_elasticity * (mean_after - mean_before));
    out.investment = ij.investment * (1 - p.investment_depreciation * dt) + dec.investment[e];
    out.aid = ij.aid + aid_rate * (ij.aid0 * std::max(0.0, 1 + ai.aid_responsiveness *
                                                              (ji.alignment + ai.aid_conditionality * (2 * aj.regime - 1))) -
                                   ij.aid);
    out.security = ij.security + security_rate * (std::max(0.0, std::min(ij.alignment, ji.alignment)) - ij.security);
    out.grievance = std::min(1.0, ij.grievance * memory + dt * ji.sanction);
  }

  AgentState& a = next.agents[i];
  a = ai;
  double growth = dt * ai.growth;
  if (p.growth_noise > 0) {
    growth += p.growth_noise * std::sqrt(dt) *
              random::normal(key.seed, key.run, static_cast<std::uint64_t>(t), i, random::kGrowthNoise, 0);
  }
  a.gp = ai.gp * (1 + growth);
  a.m = dec.agents[i].military_share;
}

// --- Breakdowns (rules.hpp) ---------------------------------------------------

ThreatTerms threat_terms(const State& s, const Model& model, const Derived& d, EdgeId e) {
  return threat_terms_of(s, model, d, model.graph.source(e), e);
}

double counterweight(const State& s, const Model& model, const Derived& d, EdgeId e, AgentId h) {
  return counterweight_of(s, model, d, e, h);
}

StrategyTable strategy_table(const State& s, const Model& model, const Derived& d, AgentId i, double capacity) {
  return strategy_table_of(s, model, d, i, capacity);
}

Strategy choose_strategy(const State& s, const Model& model, const std::array<double, 3>& utility, RunKey key,
                         int t, AgentId i) {
  return static_cast<Strategy>(choose_of(s.agents[i], model.params, utility, key, t, i));
}

DispositionTerms disposition_terms(const State& s, const Model& model, const Derived& d, int t, EdgeId e) {
  return disposition_terms_of(s, model, d, t, e);
}

double anchored_disposition(const Model& model, EdgeId e, double beta, double beta0) {
  return anchored_of(model, e, beta, beta0);
}

double alignment_target(const Model& model, double b, Strategy strategy, bool has_threat, bool is_threat,
                        double cwn) {
  return target_of(model, b, strategy, has_threat, is_threat, cwn);
}

}  // namespace geosim::standard
