#include "geosim/parameters.hpp"

#include <array>
#include <cstddef>

namespace geosim {
namespace {

struct Field {
  std::string_view name;
  double Parameters::*direct;  // for top-level fields
  double PowerWeights::*pw;
  double DependenceWeights::*dw;
  double Disposition::*disp;
};

constexpr Field top(std::string_view n, double Parameters::*m) { return {n, m, nullptr, nullptr, nullptr}; }
constexpr Field pw(std::string_view n, double PowerWeights::*m) { return {n, nullptr, m, nullptr, nullptr}; }
constexpr Field dw(std::string_view n, double DependenceWeights::*m) { return {n, nullptr, nullptr, m, nullptr}; }
constexpr Field disp(std::string_view n, double Disposition::*m) { return {n, nullptr, nullptr, nullptr, m}; }

// MODEL.md §3.5, in its order.
constexpr std::array kFields = {
    pw("power_weights.gdp", &PowerWeights::gdp),
    pw("power_weights.military", &PowerWeights::military),
    pw("power_weights.population", &PowerWeights::population),
    dw("dependence_weights.trade", &DependenceWeights::trade),
    dw("dependence_weights.investment", &DependenceWeights::investment),
    dw("dependence_weights.aid", &DependenceWeights::aid),
    top("distance_decay_km", &Parameters::distance_decay_km),
    top("regime_suspicion", &Parameters::regime_suspicion),
    top("security_relief", &Parameters::security_relief),
    top("threat_floor", &Parameters::threat_floor),
    top("investment_return", &Parameters::investment_return),
    top("momentum", &Parameters::momentum),
    top("reward_scale", &Parameters::reward_scale),
    top("balance_cost", &Parameters::balance_cost),
    top("bandwagon_gain", &Parameters::bandwagon_gain),
    top("alliance_autonomy_cost", &Parameters::alliance_autonomy_cost),
    top("subordination_cost", &Parameters::subordination_cost),
    top("exposure_reference", &Parameters::exposure_reference),
    disp("disposition.reward", &Disposition::reward),
    disp("disposition.affinity", &Disposition::affinity),
    disp("disposition.values", &Disposition::values),
    disp("disposition.bloc", &Disposition::bloc),
    disp("disposition.influence", &Disposition::influence),
    top("anchoring", &Parameters::anchoring),
    top("commitment", &Parameters::commitment),
    top("adjustment_rate", &Parameters::adjustment_rate),
    top("alignment_noise", &Parameters::alignment_noise),
    top("growth_noise", &Parameters::growth_noise),
    top("choice_temperature", &Parameters::choice_temperature),
    top("trade_elasticity", &Parameters::trade_elasticity),
    top("investment_depreciation", &Parameters::investment_depreciation),
    top("aid_adjustment_rate", &Parameters::aid_adjustment_rate),
    top("sanction_gdp_loss", &Parameters::sanction_gdp_loss),
    top("internal_balancing", &Parameters::internal_balancing),
    top("military_reversion", &Parameters::military_reversion),
    top("military_share_max", &Parameters::military_share_max),
    top("security_rate", &Parameters::security_rate),
    top("grievance_memory", &Parameters::grievance_memory),
    top("rival_power_ratio", &Parameters::rival_power_ratio),
};

constexpr auto make_names() {
  std::array<std::string_view, kFields.size()> names{};
  for (std::size_t i = 0; i < kFields.size(); ++i) names[i] = kFields[i].name;
  return names;
}
constexpr auto kNames = make_names();

constexpr auto kTopLevel = std::to_array<std::string_view>({
    "power_weights", "dependence_weights", "distance_decay_km", "regime_suspicion",
    "security_relief", "threat_floor", "investment_return", "momentum", "reward_scale",
    "balance_cost", "bandwagon_gain", "alliance_autonomy_cost", "subordination_cost",
    "exposure_reference", "disposition", "anchoring", "commitment", "adjustment_rate",
    "alignment_noise", "growth_noise", "choice_temperature", "trade_elasticity",
    "investment_depreciation", "aid_adjustment_rate", "sanction_gdp_loss",
    "internal_balancing", "military_reversion", "military_share_max", "security_rate",
    "grievance_memory", "rival_power_ratio"});

}  // namespace

std::span<const std::string_view> parameter_names() { return kNames; }

std::span<const std::string_view> parameter_top_level_keys() { return kTopLevel; }

double* parameter_field(Parameters& p, std::string_view dotted_name) {
  for (const Field& f : kFields) {
    if (f.name != dotted_name) continue;
    if (f.direct) return &(p.*f.direct);
    if (f.pw) return &(p.power_weights.*f.pw);
    if (f.dw) return &(p.dependence_weights.*f.dw);
    return &(p.disposition.*f.disp);
  }
  return nullptr;
}

const double* parameter_field(const Parameters& p, std::string_view dotted_name) {
  return parameter_field(const_cast<Parameters&>(p), dotted_name);
}

}  // namespace geosim
