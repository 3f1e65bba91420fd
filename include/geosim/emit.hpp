// Writing a Scenario back out as a scenario file (SCENARIO-FORMAT.md).
#pragma once

#include <string>

#include "geosim/scenario.hpp"

namespace geosim {

/// The scenario as YAML text that load_scenario_from_string() reads back to
/// an equal scenario (numbers are written with the shortest exact text).
/// Parameters are written only where they differ from MODEL.md's defaults.
std::string to_yaml(const Scenario& s);

}  // namespace geosim
