// The global parameters of the standard rule set (MODEL.md §3.5).
//
// Every field names its YAML key under `parameters:` and the section of
// MODEL.md where it is used. Defaults are those of MODEL.md §3.5.
#pragma once

#include <span>
#include <string_view>

namespace geosim {

/// Weights ω of the three power factors (MODEL.md §3.2, power share).
/// YAML: `power_weights: {gdp, military, population}`.
struct PowerWeights {
  double gdp = 0.5;
  double military = 0.4;
  double population = 0.1;
  friend bool operator==(const PowerWeights&, const PowerWeights&) = default;
};

/// Weights δ of the three dependence channels (MODEL.md §3.2, dependence).
/// YAML: `dependence_weights: {trade, investment, aid}`.
struct DependenceWeights {
  double trade = 0.6;
  double investment = 0.3;
  double aid = 0.1;
  friend bool operator==(const DependenceWeights&, const DependenceWeights&) = default;
};

/// Coefficients of the alignment disposition β (MODEL.md §3.3, alignment).
/// YAML: `disposition: {reward, affinity, values, bloc, influence}`.
struct Disposition {
  double reward = 1.0;
  double affinity = 0.5;
  double values = 0.5;
  double bloc = 0.5;
  double influence = 0.5;
  friend bool operator==(const Disposition&, const Disposition&) = default;
};

/// All parameters of MODEL.md §3.5. A plain value: copy it, patch it, compare it.
struct Parameters {
  PowerWeights power_weights;            ///< §3.2 power share
  DependenceWeights dependence_weights;  ///< §3.2 dependence
  double distance_decay_km = 1000;       ///< §3.2 proximity: geo = exp(-distance/this), km
  double regime_suspicion = 0.25;        ///< §3.2 hostility: weight of |r_i - r_j|
  double security_relief = 0.5;          ///< §3.2 hostility: weight of security ties S
  double threat_floor = 0.02;            ///< §3.2 a main threat needs T >= this
  double investment_return = 0.1;        ///< §3.2 reward: yield counted on inbound stock
  double momentum = 10;                  ///< §3.2/3.3 weight of growth above the mean
  double reward_scale = 0.2;             ///< §3.2 Rn = R / (R + this)
  double balance_cost = 0.5;             ///< §3.3 prosperity lost by balancing
  double bandwagon_gain = 0.2;           ///< §3.3 prosperity gained by bandwagoning
  double alliance_autonomy_cost = 0.25;  ///< §3.3 autonomy lost to allies when balancing
  double subordination_cost = 0.5;       ///< §3.3 autonomy lost to the threat when bandwagoning
  double exposure_reference = 0.5;       ///< §3.2 trade/GDP ratio at which exposure is 1
  Disposition disposition;               ///< §3.3 alignment disposition coefficients
  double anchoring = 1;                  ///< §3.3 weight of the observed start a0 - β0
  double commitment = 0.5;               ///< §3.3 k: how far a chosen strategy moves targets
  double adjustment_rate = 0.3;          ///< §3.3 share of the gap to target closed per year
  double alignment_noise = 0;            ///< §3.3 σa, per sqrt(year)
  double growth_noise = 0;               ///< §3.4 σg, annual standard deviation of growth
  double choice_temperature = 0;         ///< §3.3 τ; 0 = pick the best strategy
  double trade_elasticity = 1;           ///< §3.4 trade response to mean alignment change
  double investment_depreciation = 0.05; ///< §3.4 per year
  double aid_adjustment_rate = 0.5;      ///< §3.4 per year
  double sanction_gdp_loss = 0.5;        ///< §3.2 λ_L: GDP lost per unit of lost trade/GDP
  double internal_balancing = 0.02;      ///< §3.3 military share added per unit threat when balancing
  double military_reversion = 0.2;       ///< §3.3 pull of m back to m0, per year
  double military_share_max = 0.2;       ///< §3.3 upper bound of m
  double security_rate = 0.2;            ///< §3.4 per year
  double grievance_memory = 3;           ///< §3.4 years: grievance decays as exp(-dt/this)
  double rival_power_ratio = 0.5;        ///< §3.2 influence gap: peers have P_k >= this * P_i

  friend bool operator==(const Parameters&, const Parameters&) = default;
};

/// The dotted names of every parameter, in MODEL.md §3.5 order
/// ("power_weights.gdp", ..., "rival_power_ratio").
std::span<const std::string_view> parameter_names();

/// The top-level keys under `parameters:` ("power_weights", "distance_decay_km", ...).
std::span<const std::string_view> parameter_top_level_keys();

/// The field named by a dotted name, or nullptr if there is none.
double* parameter_field(Parameters& p, std::string_view dotted_name);
const double* parameter_field(const Parameters& p, std::string_view dotted_name);

}  // namespace geosim
