// Golden outputs: every bundled scenario, under every policy, reproduces the
// approved agents.csv and outcomes.csv of run 0 (tests/golden/, written by
// tools/approve_golden.py). Numbers must agree to 1e-12 relative; any larger
// change to the engine's results has to be approved deliberately.
#include <cmath>

#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/observe.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

bool cell_agrees(const std::string& expected, const std::string& actual) {
  if (expected == actual) return true;
  char* end = nullptr;
  const double e = std::strtod(expected.c_str(), &end);
  if (expected.empty() || *end != '\0' || actual.empty()) return false;
  const double a = std::strtod(actual.c_str(), &end);
  if (*end != '\0') return false;
  return std::abs(e - a) <= 1e-12 * std::max(std::abs(e), std::abs(a)) || std::abs(e - a) <= 1e-15;
}

void compare(const std::string& expected_text, const std::string& actual_text, const std::string& what) {
  const auto expected = geosim::test::parse_csv(expected_text);
  const auto actual = geosim::test::parse_csv(actual_text);
  REQUIRE(actual.header == expected.header);
  REQUIRE(actual.rows.size() == expected.rows.size());
  int failures = 0;
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    REQUIRE(actual.rows[r].size() == expected.rows[r].size());
    for (std::size_t c = 0; c < expected.rows[r].size(); ++c) {
      if (!cell_agrees(expected.rows[r][c], actual.rows[r][c]) && ++failures <= 10) {
        FAIL_CHECK(what << " row " << r + 1 << " column " << expected.header[c] << ": golden "
                        << expected.rows[r][c] << ", now " << actual.rows[r][c]);
      }
    }
  }
  if (failures > 0) {
    FAIL_CHECK(what << ": " << failures << " differences; if the change is intended, review it with "
                    << "`python3 tools/approve_golden.py` and accept it with --approve");
  }
}

// Large generated scenarios are checked over their first steps only, to keep
// the golden files small (their generator has its own reproducibility test).
// Keep in step with GOLDEN_STEPS in tools/approve_golden.py.
int golden_steps(const std::string& stem, int steps) { return stem == "world_2019" ? std::min(steps, 5) : steps; }

}  // namespace

TEST_CASE("golden: bundled scenarios reproduce their approved outputs", "[golden][engine]") {
  const fs::path golden = fs::path(GEOSIM_SOURCE_DIR) / "tests" / "golden";
  const fs::path scenarios = fs::path(GEOSIM_SOURCE_DIR) / "scenarios";
  std::size_t checked = 0;
  for (const auto& scen : fs::directory_iterator(scenarios)) {
    if (scen.path().extension() != ".yaml") continue;
    const std::string stem = scen.path().stem().string();
    INFO("scenario " << stem);
    // Every bundled scenario must have golden outputs for every policy.
    geosim::Scenario s = geosim::load_scenario(scen.path());
    s.time.steps = golden_steps(stem, s.time.steps);
    std::vector<std::string> policies{"baseline"};
    for (const auto& p : s.policies) policies.push_back(p.name);
    for (const std::string& policy : policies) {
      SECTION(stem + " / " + policy) {
        const fs::path agents_file = golden / stem / (policy + ".agents.csv");
        const fs::path outcomes_file = golden / stem / (policy + ".outcomes.csv");
        REQUIRE(fs::exists(agents_file));
        REQUIRE(fs::exists(outcomes_file));
        const geosim::Model m = geosim::compile(geosim::with_policy(s, policy));
        geosim::RunRecorder rec(m, 0);
        geosim::simulate(m, {s.seed, 0}, [&](const geosim::StepView& v) { rec.record(v); });
        compare(geosim::test::read_file(agents_file), geosim::agents_csv_header() + rec.agent_rows(),
                stem + "/" + policy + ".agents.csv");
        std::string outcomes = "run,policy,seed";
        for (const auto& o : m.scenario.outcomes) outcomes += "," + o.name;
        outcomes += "\n0," + policy + "," + std::to_string(s.seed);
        for (const auto& v : rec.outcomes()) outcomes += "," + (v ? geosim::format_number(*v) : std::string());
        compare(geosim::test::read_file(outcomes_file), outcomes + "\n", stem + "/" + policy + ".outcomes.csv");
      }
      ++checked;
    }
  }
  CHECK(checked >= 2);
}
