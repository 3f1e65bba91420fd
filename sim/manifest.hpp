// Pieces of the manifest.json that `geosim run` and `geosim compare` write.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "geosim/parameters.hpp"
#include "geosim/scenario.hpp"

namespace geosim::detail {

/// Every parameter by its dotted name, in MODEL.md §3.5 order.
inline nlohmann::ordered_json parameters_json(const Parameters& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (std::string_view name : parameter_names()) j[std::string(name)] = *parameter_field(p, name);
  return j;
}

/// The outcome definitions: name, what they measure, aggregate, direction.
inline nlohmann::ordered_json outcomes_json(const std::vector<OutcomeSpec>& outcomes) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const OutcomeSpec& o : outcomes) {
    j.push_back({{"name", o.name},
                 {"of", o.is_edge ? o.source + "->" + o.target : o.agent},
                 {"metric", o.metric},
                 {"aggregate", std::string(to_string(o.aggregate))},
                 {"better", o.higher_is_better ? "higher" : "lower"}});
  }
  return j;
}

}  // namespace geosim::detail
