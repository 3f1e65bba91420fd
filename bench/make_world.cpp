// make_world: writes a synthetic world as a scenario file, for timing whole
// commands on large worlds (docs/performance.md).
//
//   make_world AGENTS RELATIONS STEPS [SEED] > world.yaml
#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "geosim/emit.hpp"
#include "geosim/synthetic.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    fmt::print(stderr, "usage: make_world AGENTS RELATIONS STEPS [SEED] > world.yaml\n");
    return 2;
  }
  const auto agents = std::stoul(argv[1]);
  const auto relations = std::stoul(argv[2]);
  const int steps = std::stoi(argv[3]);
  const std::uint64_t seed = argc == 5 ? std::stoull(argv[4]) : 1;
  fmt::print("{}", geosim::to_yaml(geosim::make_synthetic_world(agents, relations, steps, seed)));
  return 0;
}
