// The standard rule set of MODEL.md v1, phase by phase.
//
// Each function below is written for ONE agent i: it reads the snapshot it is
// given and writes only agent i's slots (and the slots of i's out-edges) of
// its output. The engine (engine.cpp) calls it for every agent, in any order
// and in parallel; rule code never sees threads. Formula comments cite the
// section of MODEL.md they implement and use its symbols.
//
// A second rule set would live beside this one, in its own namespace, with
// the same phase signatures.
#pragma once

#include <array>
#include <span>

#include "geosim/model.hpp"

namespace geosim::standard {

/// Phase 1 (MODEL.md §3.1), serial: lifts sanctions ending at t, then fires
/// the events of step t in list order, changing `state` in place.
void apply_events(State& state, const Model& model, RunKey key, int t);

/// Phase 2a: lost trade L_i, actual GDP G_i and military M_i of agent i.
void derive_economy(const State& s, const Model& model, AgentId i, Derived& d);

/// Phase 2b, serial over agents in index order: totals of G, M, Pop and the
/// mean growth ḡ.
void derive_totals(const State& s, const Model& model, Derived& d);

/// Phase 2c: power P_i, dependence D_ij, exposure, concentration, autonomy,
/// top dependence, proximity geo_ij and reward Rn_ij of agent i.
void derive_structure(const State& s, const Model& model, AgentId i, Derived& d);

/// Phase 2d: threats T_ij and main threat h_i of agent i, and i's peer table
/// (its out-edges ordered by partner power) used by derive_gaps.
void derive_threats(const State& s, const Model& model, AgentId i, Derived& d);

/// Phase 2e: influence gaps gap_ij of agent i's out-edges.
void derive_gaps(const State& s, const Model& model, AgentId i, Derived& d);

/// The alignment disposition β_ij of edge e = i→j at step t (MODEL.md §3.3).
double disposition(const State& s, const Model& model, const Derived& d, int t, EdgeId e);

/// Phase 3 (MODEL.md §3.3): strategy, alignment targets and new alignments,
/// investment offers and the new military share of agent i. `beta0` holds
/// β_ij as computed at step 0, per edge.
void decide(const State& s, const Model& model, const Derived& d, std::span<const double> beta0,
            RunKey key, int t, AgentId i, Decisions& out);

/// Phase 5 (MODEL.md §3.4): writes agent i and its out-edges of `next` from
/// the state before the phase.
void update(const State& s, const Model& model, const Derived& d, const Decisions& dec, RunKey key,
            int t, AgentId i, State& next);

/// Between phases 3 and 4 of step t: throws ModelError at the first number
/// (agents in index order, then edges) that no output may hold: infinity or
/// NaN anywhere in the state, the derived values or the decisions, or a
/// negative potential GDP, exports, investment or aid (docs/model.md, "When a
/// run stops"). The formulas are not changed: a run either records numbers
/// that are all finite and in range, or stops here, the same way on every
/// thread count.
void check_numbers(const State& s, const Model& model, const Derived& d, const Decisions& dec, RunKey key, int t);

// --- Breakdowns ---------------------------------------------------------------
//
// Pieces of the phases above for one agent or one edge, read-only. The phases
// are written with them, so a breakdown (`geosim explain`, explain.hpp) gives
// exactly the numbers the engine used. Each reads a snapshot and the Derived
// values of the same step, as the phase that uses it does.

/// The terms of T_ij = rel_ij · prox_ij · hs_ij (MODEL.md §3.2) of edge
/// e = i→j. Needs P and geo_ij in `d` (derive_structure), as derive_threats.
struct ThreatTerms {
  double rel = 0;        ///< P_j / (P_i + P_j)
  double prox = 0;       ///< 1 if border, else max(geo_ij, ρ_j)
  double alignment = 0;  ///< 0.5 (1 - a_ji)
  double suspicion = 0;  ///< regime_suspicion |r_i - r_j|
  double grievance = 0;  ///< c_ij
  double relief = 0;     ///< security_relief S_ij
  double hostility = 0;  ///< hs_ij = clamp01(alignment + suspicion + grievance - relief)
  double threat = 0;     ///< T_ij = rel · prox · hostility
};
ThreatTerms threat_terms(const State& s, const Model& model, const Derived& d, EdgeId e);

/// cw_ik = P_k/(P_k+P_h) · (1 - a_kh)/2 · (1 + a_ki)/2 · max(geo_ik, ρ_k)
/// (MODEL.md §3.3) of edge e = i→k against main threat h ≠ k.
double counterweight(const State& s, const Model& model, const Derived& d, EdgeId e, AgentId h);

/// The outcome table of MODEL.md §3.3 for agent i, which has a main threat
/// h = d.agents[i].main_threat, given its capacity C. Index 0 balance,
/// 1 bandwagon, 2 hedge.
struct StrategyTable {
  double threat = 0;    ///< T = T_ih
  double relh = 0;      ///< P_h / (P_i + P_h)
  double capacity = 0;  ///< C
  double q = 0;         ///< Rn_ih / Σ_j Rn_ij
  double mom = 0;       ///< exp(momentum (g_h - ḡ))
  double vh = 0;        ///< ex_i D_ih
  double exh = 0;       ///< ex_i H_i
  std::array<double, 3> security{};
  std::array<double, 3> prosperity{};
  std::array<double, 3> autonomy{};
  std::array<double, 3> utility{};  ///< w_sec security + w_pros prosperity + w_aut autonomy
};
StrategyTable strategy_table(const State& s, const Model& model, const Derived& d, AgentId i, double capacity);

/// The strategy agent i takes given its utilities (MODEL.md §3.3 "Choice"):
/// the fixed one, the largest U, or a draw when choice_temperature > 0.
Strategy choose_strategy(const State& s, const Model& model, const std::array<double, 3>& utility, RunKey key,
                         int t, AgentId i);

/// The terms of the disposition β_ij of edge e = i→j at step t (MODEL.md
/// §3.3 "Alignment"); disposition() is their sum.
struct DispositionTerms {
  double reward = 0;     ///< disposition.reward · Rn_ij
  double affinity = 0;   ///< disposition.affinity · affinity_ij
  double values = 0;     ///< disposition.values · v_i (1 - 2|r_i - r_j|)
  double bloc = 0;       ///< disposition.bloc · bloc_ij
  double influence = 0;  ///< disposition.influence · χ_i gap_ij
  double cohesion = 0;   ///< bloc_ij
  double beta = 0;       ///< β_ij, the sum of the five terms
};
DispositionTerms disposition_terms(const State& s, const Model& model, const Derived& d, int t, EdgeId e);

/// b_ij = clamp(β_ij + anchoring (a0_ij - β⁰_ij), -1, 1) of edge e.
double anchored_disposition(const Model& model, EdgeId e, double beta, double beta0);

/// a*_ij for an edge with anchored disposition b (MODEL.md §3.3 "Target"):
/// b when hedging or without a main threat; otherwise pushed away from
/// (balance) or toward (bandwagon) the threat, and the other way, by cwn_ij,
/// for the counterweights.
double alignment_target(const Model& model, double b, Strategy strategy, bool has_threat, bool is_threat,
                        double cwn);

}  // namespace geosim::standard
