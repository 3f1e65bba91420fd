// Reading scenario files: the only part of geosim that touches YAML.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/error.hpp"
#include "geosim/scenario.hpp"

namespace geosim {

/// Reads and validates a scenario file (SCENARIO-FORMAT.md).
///
/// Every rule of the format is checked and every problem found is reported
/// together: throws ScenarioError holding all diagnostics, each with the
/// file, line and column of the offending key or value. A returned Scenario is
/// valid: every reference resolves, every number is finite and in range.
///
/// **Example**:
///
///     geosim::Scenario s = geosim::load_scenario("scenarios/triad.yaml");
Scenario load_scenario(const std::filesystem::path& path);

/// As load_scenario(), from text in memory; `file_name` is used in messages.
Scenario load_scenario_from_string(std::string_view yaml, const std::string& file_name);

/// Range checks of SCENARIO-FORMAT.md on an already built scenario (after
/// policy overlays or sweep patches): one message per problem, naming the
/// value by its dotted path ("agents.MNG.regime must be in [0, 1], got 1.2").
/// Empty when everything is in range.
std::vector<std::string> check_values(const Scenario& s);

}  // namespace geosim
