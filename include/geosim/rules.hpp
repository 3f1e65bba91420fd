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

}  // namespace geosim::standard
