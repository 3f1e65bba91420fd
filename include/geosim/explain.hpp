// `geosim explain`: why one state did what it did at one step.
//
// An Explanation takes apart the numbers of MODEL.md §3.2 (derive) and §3.3
// (decide) for one agent i at one step t of one run: the terms of every
// threat T_ij, the counterweights cw_ik and capacity C, the outcome table and
// utilities of the three strategies, the dependences D_ij, and how each
// alignment a_ij moved. Every quantity that the engine records (agents.csv,
// edges.csv) is copied from the engine's own buffers at that step, and every
// term is computed by the rule set's breakdown functions (rules.hpp), which
// are the code the engine runs: an Explanation agrees with `geosim run` for
// the same scenario, policy, seed, run and step. docs/explain.md describes
// the output.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geosim/engine.hpp"
#include "geosim/rules.hpp"

namespace geosim {

/// What to explain (the options of `geosim explain`).
struct ExplainOptions {
  std::string agent;                  ///< agent id
  int step = 0;                       ///< 0 .. time.steps - 1
  std::string policy = "baseline";
  std::optional<std::uint64_t> seed;  ///< default: the scenario's
  std::uint64_t run = 0;              ///< run index
};

/// The threat a partner j poses to i: T_ij and its terms.
struct ThreatRow {
  AgentId partner = 0;
  double threat = 0;  ///< T_ij, as the engine computed it (edges.csv `threat`)
  standard::ThreatTerms terms;
  double power = 0;          ///< P_i
  double partner_power = 0;  ///< P_j
  bool border = false;
  double distance = 0;           ///< km between capitals
  double geo = 0;                ///< geo_ij = exp(-distance / distance_decay_km), 1 with a border
  double reach = 0;              ///< ρ_j
  double partner_alignment = 0;  ///< a_ji, j's stance toward i
  double regime_gap = 0;         ///< |r_i - r_j|
  double security = 0;           ///< S_ij
};

/// A counterweight k against the main threat h.
struct CounterweightRow {
  AgentId partner = 0;
  double cw = 0;          ///< cw_ik, as the engine computed it
  double normalised = 0;  ///< cwn_ik = cw_ik / max_k cw_ik
  double power_share = 0;                      ///< P_k / (P_k + P_h)
  std::optional<double> alignment_to_threat;   ///< a_kh; empty without an edge k→h (then 0)
  double alignment_to_agent = 0;               ///< a_ki
  double proximity = 0;                        ///< max(geo_ik, ρ_k)
};

/// i's dependence on a partner j: D_ij and its trade, investment and aid parts.
struct DependenceRow {
  AgentId partner = 0;
  double dependence = 0;  ///< D_ij, as the engine computed it (edges.csv `dependence`)
  double trade = 0;       ///< X_ij + X_ji
  double investment = 0;  ///< V_ji, held by j in i
  double aid = 0;         ///< A_ji, given by j to i
  double trade_share = 0;       ///< (X_ij + X_ji) / TT_i
  double investment_share = 0;  ///< V_ji / VV_i
  double aid_share = 0;         ///< A_ji / AA_i
  double trade_part = 0;        ///< δT · trade_share / (δT + δV + δA)
  double investment_part = 0;   ///< δV · investment_share / (δT + δV + δA)
  double aid_part = 0;          ///< δA · aid_share / (δT + δV + δA)
};

/// How a_ij moved at this step.
enum class PartnerRole : std::uint8_t { kPartner, kMainThreat, kCounterweight };
std::string_view to_string(PartnerRole r);

struct AlignmentRow {
  AgentId partner = 0;
  PartnerRole role = PartnerRole::kPartner;
  double alignment = 0;       ///< a_ij at step t (edges.csv `alignment`)
  double next = 0;            ///< a'_ij, as the engine computed it (edges.csv at step t + 1, unless an event changes it)
  double initial = 0;         ///< a0_ij, the scenario's value
  double reward = 0;          ///< Rn_ij, the normalised reward (edges.csv `reward`)
  standard::DispositionTerms disposition;  ///< β_ij and its terms
  double disposition0 = 0;    ///< β⁰_ij, β_ij at step 0
  double anchored = 0;        ///< b_ij = clamp(β_ij + anchoring (a0_ij - β⁰_ij))
  double target = 0;          ///< a*_ij
  double push = 0;            ///< a*_ij - b_ij: the strategy's push
  double move = 0;            ///< min(1, adjustment_rate dt) (a*_ij - a_ij)
  double noise = 0;           ///< σa √dt normal(seed, run, t, i, 1, j); 0 without noise
  bool clamped = false;       ///< a + move + noise fell outside [-1, 1]
};

/// How the strategy was taken.
enum class ChoiceRule : std::uint8_t {
  kNoThreat,  ///< no main threat: hedge, no utilities
  kFixed,     ///< the agent's `strategy` is balance, bandwagon or hedge
  kUtility,   ///< adaptive: the largest utility
  kSampled,   ///< adaptive with choice_temperature > 0: drawn
};
std::string_view to_string(ChoiceRule r);

struct Explanation {
  // --- which run and step
  std::string scenario_name;
  std::string scenario_file;
  std::string policy;
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  int step = 0;
  double year = 0;
  double dt = 1;

  // --- the agent
  AgentId agent = 0;
  std::vector<std::string> ids;    ///< agent ids by index, for the names of partners
  std::vector<std::string> names;  ///< display names by index
  StrategyRule rule = StrategyRule::kAdaptive;  ///< at step t (an event may have set it)
  double gdp = 0;            ///< actual G_i
  double potential_gdp = 0;  ///< Gp_i
  double military = 0;       ///< M_i
  double power = 0;          ///< P_i
  double growth = 0;         ///< g_i
  double regime = 0;         ///< r_i
  Weights weights;           ///< w_sec, w_pros, w_aut
  double appeasement = 0;    ///< ψ_i

  // --- threat (MODEL.md §3.2)
  int main_threat = -1;  ///< h_i; -1 none
  double threat = 0;     ///< T_ih (agents.csv `threat`), 0 without one
  double threat_floor = 0;
  std::vector<ThreatRow> threats;  ///< every partner, largest T first (ties: partner index)

  // --- counterweights (MODEL.md §3.3), empty without a main threat
  std::vector<CounterweightRow> counterweights;  ///< largest cw first (ties: partner index)
  double capacity = 0;  ///< C (agents.csv `counterweight`)

  // --- decision (MODEL.md §3.3)
  Strategy strategy = Strategy::kHedge;  ///< agents.csv `strategy`
  ChoiceRule how = ChoiceRule::kNoThreat;
  double security = 1;  ///< the chosen strategy's security (agents.csv `security`)
  std::optional<standard::StrategyTable> table;  ///< the outcome table; empty without a main threat
  std::optional<Strategy> best;       ///< the strategy with the largest utility (ties: balance, bandwagon, hedge)
  std::optional<Strategy> runner_up;  ///< the best of the two strategies not taken
  double margin = 0;                  ///< U(strategy) - U(runner_up)
  double temperature = 0;             ///< choice_temperature τ
  std::array<double, 3> probability{};  ///< with τ > 0: exp((U_s - max U)/τ) / Σ
  double draw = 0;                      ///< with τ > 0: uniform(seed, run, t, i, 3, 0)

  // --- dependence (MODEL.md §3.2)
  double exposure = 0;        ///< ex_i
  double concentration = 0;   ///< H_i (agents.csv `hhi`)
  double max_dependence = 0;  ///< Dmax_i
  double autonomy = 0;        ///< agents.csv `autonomy`
  int top_dependence = -1;    ///< -1 none
  double total_trade = 0;         ///< TT_i
  double inbound_investment = 0;  ///< VV_i
  double inbound_aid = 0;         ///< AA_i
  double exposure_reference = 0;  ///< the parameter exposure_reference
  std::vector<DependenceRow> dependences;  ///< every partner, largest D first (ties: partner index)

  // --- alignment (MODEL.md §3.3)
  double adjustment = 0;  ///< min(1, adjustment_rate dt)
  double commitment = 0;
  double anchoring = 0;
  double noise_sd = 0;                  ///< σa √dt
  std::vector<AlignmentRow> alignments;  ///< every partner, in partner index order

  const std::string& id(AgentId a) const { return ids[a]; }
};

/// Runs `scenario` (with the policy and seed of `options`) up to the step and
/// explains the agent there. Throws UsageError for an unknown policy or agent
/// or a step out of range.
Explanation explain(const Scenario& scenario, const ExplainOptions& options);

/// The explanation of agent i from the record phase of a step. `beta0` is
/// β_ij at step 0 per edge (standard::disposition() on the step-0 view; only
/// i's out-edges are read). The scenario, policy, seed and run fields are
/// filled from the view, the policy as "baseline".
Explanation explain_step(const StepView& v, AgentId i, std::span<const double> beta0);

/// A report for a reader: short sentences, numbers to 3 significant digits,
/// tables. Ends with a newline.
std::string format_text(const Explanation& x);

/// The same content as a JSON object (docs/explain.md lists the keys); every
/// number in full precision. `indent` < 0: one line.
std::string to_json(const Explanation& x, int indent = 2);

/// x to 3 significant digits ("0.612", "2350", "1.2e-05", "0"): the numbers of format_text().
std::string format_sig3(double x);

}  // namespace geosim
