// The state of a run of the standard rule set, and the scenario compiled
// into the form the rules read (MODEL.md §1, §3).
//
// State is one snapshot: per-agent and per-directed-edge columns at the start
// of a step. Derived and Decisions hold what phases 2 and 3 compute from it.
// Each phase reads a snapshot and writes a separate buffer (see engine.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "geosim/graph.hpp"
#include "geosim/parameters.hpp"
#include "geosim/scenario.hpp"

namespace geosim {

/// Per-agent state (MODEL.md §1 "Agent state", internal m, m0, Gp).
struct AgentState {
  double gp = 0;  ///< potential GDP Gp
  double m = 0;   ///< military share m
  double m0 = 0;  ///< reference military share m0
  double population = 0;
  double growth = 0;
  double regime = 0;
  double reach = 0;
  StrategyRule rule = StrategyRule::kAdaptive;
  Weights w;
  double appeasement = 0;         ///< ψ
  double values = 0;              ///< v
  double outward_investment = 0;  ///< ν
  double counter_influence = 0;   ///< χ
  double coercion = 0;            ///< κ
  double investment_cap = 1;
  double aid_responsiveness = 0;  ///< ξ
  double aid_conditionality = 0;  ///< ζa
};

/// Per-directed-edge state i→j (MODEL.md §1 "Edge state").
struct EdgeState {
  double alignment = 0;   ///< a_ij
  double exports = 0;     ///< X_ij
  double investment = 0;  ///< V_ij, held by i in j
  double aid = 0;         ///< A_ij
  double aid0 = 0;        ///< A0_ij, reference aid level
  double sanction = 0;    ///< s_ij, imposed by i on j
  int sanction_end = -1;  ///< step at which s_ij is lifted; -1 none
  double grievance = 0;   ///< c_ij
  double security = 0;    ///< S_ij (kept equal in both directions)
  double affinity = 0;    ///< symmetric
  double distance = 10000;
  /// exp(-distance / distance_decay_km), kept up to date with `distance`
  /// (compile() and distance events) so derive need not recompute it.
  double distance_decay = 0;
  bool border = false;
};

struct State {
  std::vector<AgentState> agents;
  std::vector<EdgeState> edges;
};

/// A bloc with members as a membership mask.
struct CompiledBloc {
  std::vector<bool> member;  ///< by agent index
  double cohesion = 0;
  int from = 0;
  int until = std::numeric_limits<int>::max();
};

/// An event with its agents and edges resolved to indices.
struct CompiledEvent {
  enum class Kind : std::uint8_t { kSanction, kOffense, kSetAgent, kShiftAgent, kSetEdge, kShiftEdge };
  Kind kind = Kind::kSanction;
  Timing timing;
  int until_step = 0;      ///< effective window end (default steps - 1)
  AgentId agent_a = 0;     ///< sanction: from; offense: by; agent change: target; edge: direction source
  AgentId agent_b = 0;     ///< sanction: to; offense: against; edge: direction target
  double amount = 0;       ///< intensity, magnitude, value or delta
  int duration = 1;
  std::optional<AgentAttribute> agent_attribute;
  std::optional<StrategyRule> strategy;
  EdgeAttribute edge_attribute = EdgeAttribute::kAlignment;
};

/// A scenario (with its policy already overlaid) in the form the rules read.
struct Model {
  Scenario scenario;  ///< the effective scenario
  Parameters params;
  int steps = 0;
  double dt = 1;
  double start = 0;
  RelationGraph graph;
  State initial;
  std::vector<double> a0;  ///< initial alignment per edge, before any event
  std::vector<CompiledEvent> events;
  std::vector<CompiledBloc> blocs;

  std::size_t num_agents() const { return graph.num_agents(); }
  std::size_t num_edges() const { return graph.num_edges(); }
  const std::string& agent_id(AgentId i) const { return scenario.agents[i].id; }
};

/// Builds the Model of an effective scenario (apply with_policy() first).
Model compile(const Scenario& effective);

/// Phase 2 results per agent (MODEL.md §3.2).
struct AgentDerived {
  double lost_trade = 0;  ///< L_i
  double gdp = 0;         ///< actual G_i
  double military = 0;    ///< M_i = m_i G_i
  double power = 0;       ///< P_i
  double tt = 0;          ///< TT_i, total trade
  double vv = 0;          ///< VV_i, inbound investment stock
  double aa = 0;          ///< AA_i, inbound aid
  double exposure = 0;    ///< ex_i
  double hhi = 0;         ///< H_i
  double dmax = 0;        ///< Dmax_i
  double autonomy = 0;
  double reward_sum = 0;  ///< Σ_j Rn_ij
  int top_dependence = -1;  ///< agent index, -1 none
  int main_threat = -1;     ///< h_i, -1 none
  double threat = 0;        ///< T_ih, 0 if none
  double momentum_factor = 0;  ///< exp(momentum (g_i - ḡ)), shared by R_ji and mom
};

/// Phase 2 results per directed edge i→j.
struct EdgeDerived {
  double dependence = 0;  ///< D_ij
  double geo = 0;         ///< geo_ij
  double threat = 0;      ///< T_ij
  double reward = 0;      ///< Rn_ij
  double gap = 0;         ///< gap_ij
};

struct Derived {
  std::vector<AgentDerived> agents;
  std::vector<EdgeDerived> edges;
  double mean_growth = 0;  ///< ḡ
  double total_gdp = 0;
  double total_military = 0;
  double total_population = 0;
  /// Per edge, sorted per source agent j by P_k descending: a prefix-max table
  /// for the influence gap (see rules.cpp).
  std::vector<double> peer_power;
  std::vector<double> peer_best;
  std::vector<AgentId> peer_best_agent;
  std::vector<double> peer_second;
};

/// Phase 3 results per agent (MODEL.md §3.3).
struct AgentDecision {
  Strategy strategy = Strategy::kHedge;
  double counterweight = 0;  ///< C
  double security = 1;       ///< the chosen strategy's security
  bool has_utility = false;  ///< false when there is no main threat
  std::array<double, 3> utility{};  ///< U_balance, U_bandwagon, U_hedge
  double military_share = 0;        ///< m'_i
};

struct Decisions {
  std::vector<AgentDecision> agents;
  std::vector<double> alignment;   ///< a'_ij per edge
  std::vector<double> investment;  ///< I_ij per edge
  std::vector<double> cw;          ///< cw_ij per edge (0 for the threat and without one)
};

/// Buffers of the right size for a model: every per-agent and per-edge
/// column allocated once, before the step loop.
Derived make_derived(const Model& model);
Decisions make_decisions(const Model& model);
/// Resizes existing buffers for a model, keeping their capacity.
void resize_for(const Model& model, Derived& d);
void resize_for(const Model& model, Decisions& d);

/// (seed, run): which random numbers a run uses (MODEL.md §3.7).
struct RunKey {
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
};

}  // namespace geosim
