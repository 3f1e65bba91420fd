// Synthetic worlds of any size, for benchmarks and scaling tests.
#pragma once

#include <cstdint>

#include "geosim/scenario.hpp"

namespace geosim {

/// A random but reproducible world of `agents` states and about `relations`
/// relations (unordered pairs), with steps `steps`, built from the
/// counter-based generator with `seed`. States get log-normal-ish GDPs, a few
/// great powers with reach and outward investment, coercion on some, and
/// relations with trade, investment, aid, alignment, borders between near
/// indices (a ring) and distances. One scenario event (a sanction) and one
/// probabilistic event are included, and modest noise, so that every code
/// path of the rule set is exercised.
Scenario make_synthetic_world(std::size_t agents, std::size_t relations, int steps, std::uint64_t seed = 1);

}  // namespace geosim
