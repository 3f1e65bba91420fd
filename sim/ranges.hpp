// The value ranges of SCENARIO-FORMAT.md ("Rules", "Ranges"), in one table
// shared by the loader (load.cpp, values as written in a file) and by
// check_values() (validate.cpp, values of a built or patched Scenario).
//
// Internal to sim/: no yaml-cpp here.
#pragma once

#include <string>
#include <string_view>

#include "geosim/scenario.hpp"

namespace geosim::detail {

/// An interval a number must lie in. Every range rejects NaN and ±inf: the
/// checks are written `!(x >= lo)` style so that NaN fails them.
enum class Range {
  kAnyFinite,    ///< any finite number (growth, momentum, trade_elasticity, deltas)
  kNonNegative,  ///< >= 0
  kPositive,     ///< > 0
  kUnit,         ///< [0, 1]
  kSignedUnit,   ///< [-1, 1]
  kOpenUnit,     ///< (0, 1]  (investment_cap)
};

/// True when `x` is finite and inside `r`.
bool in_range(double x, Range r);

/// The requirement as message text, without the subject: "must be >= 0",
/// "must be in [0, 1]", "must be a finite number".
std::string_view requirement(Range r);

/// "SUBJECT must be in [0, 1], got GOT": the one wording of a range error,
/// used by the loader (GOT as written in the file) and by check_values() (GOT
/// formatted with format_number()).
std::string range_message(std::string_view subject, Range r, std::string_view got);

/// Shortest text that reads back as `x` ("1.2", "-1", "1e+300", "nan").
std::string format_number(double x);

// --- The table (SCENARIO-FORMAT.md "Ranges"; MODEL.md §1 and §3.5) --------

/// Agent attributes: gdp > 0; military, population, outward_investment,
/// counter_influence, aid_responsiveness, aid_conditionality, weights >= 0;
/// military_share, regime, reach, appeasement, values, coercion in [0, 1];
/// investment_cap in (0, 1]; growth any finite number.
Range agent_attribute_range(AgentAttribute a);

/// Edge attributes: alignment in [-1, 1]; exports, investment, aid,
/// distance >= 0; security, affinity in [0, 1].
Range edge_attribute_range(EdgeAttribute a);

/// Parameters by dotted name: distance_decay_km, exposure_reference and
/// grievance_memory > 0; momentum and trade_elasticity any finite number;
/// every other parameter >= 0. Unknown names get kAnyFinite (the caller
/// reports unknown names itself).
Range parameter_range(std::string_view dotted_name);

/// Bloc cohesion, event intensity and probability: [0, 1].
inline constexpr Range kCohesionRange = Range::kUnit;
inline constexpr Range kIntensityRange = Range::kUnit;
inline constexpr Range kProbabilityRange = Range::kUnit;
/// Offense magnitude: >= 0 (SCENARIO-FORMAT.md is silent; a negative
/// magnitude has no meaning, MODEL.md §3.1 clamps κ·magnitude to [0, 1]).
inline constexpr Range kMagnitudeRange = Range::kNonNegative;
/// time.dt > 0; time.start any finite number.
inline constexpr Range kDtRange = Range::kPositive;
inline constexpr Range kStartRange = Range::kAnyFinite;

/// Whole-number minimums: time.steps, event duration, sweep samples and
/// replicates >= 1; steps, bloc from/until >= 0.
inline constexpr int kMinSteps = 1;
inline constexpr int kMinDuration = 1;

}  // namespace geosim::detail
