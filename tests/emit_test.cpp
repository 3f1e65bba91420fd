// to_yaml(): a scenario written out and read back is the same scenario: the
// text is stable and every policy simulates to byte-identical rows.
#include "geosim/emit.hpp"
#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/observe.hpp"
#include "geosim/synthetic.hpp"
#include "test_support.hpp"

namespace {

std::string rows(const geosim::Scenario& s, const std::string& policy) {
  const geosim::Model m = geosim::compile(geosim::with_policy(s, policy));
  geosim::RunRecorder rec(m, 1);
  geosim::simulate(m, {s.seed, 1}, [&](const geosim::StepView& v) { rec.record(v); });
  std::string out = rec.agent_rows() + rec.edge_rows();
  for (const auto& o : rec.outcomes()) out += o ? geosim::format_number(*o) + "," : ",";
  return out;
}

void check_round_trip(const geosim::Scenario& original) {
  const std::string text = geosim::to_yaml(original);
  const geosim::Scenario back = geosim::load_scenario_from_string(text, "emitted.yaml");
  CHECK(geosim::to_yaml(back) == text);
  CHECK(back.parameters == original.parameters);
  CHECK(back.policies.size() == original.policies.size());
  CHECK(rows(back, "baseline") == rows(original, "baseline"));
  for (const geosim::Policy& p : original.policies) {
    INFO("policy " << p.name);
    CHECK(rows(back, p.name) == rows(original, p.name));
  }
}

}  // namespace

TEST_CASE("emit: every bundled scenario survives a round trip through YAML", "[emit]") {
  for (const char* name : {"scenarios/mongolia_2019.yaml", "scenarios/triad.yaml", "tests/conformance/quad.yaml"}) {
    SECTION(name) { check_round_trip(geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/" + name)); }
  }
}

TEST_CASE("emit: a synthetic world survives a round trip and loads as a valid scenario", "[emit]") {
  const geosim::Scenario world = geosim::make_synthetic_world(30, 120, 6, 3);
  CHECK(world.agents.size() == 30);
  CHECK(world.relations.size() == 120);
  check_round_trip(world);
}
