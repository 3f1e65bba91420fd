// What the fuzzers in fuzz/ found, as direct assertions (fuzz/README.md,
// "Findings"). The inputs themselves are replayed by the `fuzz` tests
// (fuzz/regressions/); these cases pin down the behaviour that was fixed.
#include <catch2/catch.hpp>
#include <cstddef>
#include <random>
#include <string>

#include "geosim/load.hpp"
#include "yaml_reader.hpp"  // detail::edit_distance, edit_distance_up_to_one

namespace {

std::string load_error(const std::string& yaml) {
  try {
    geosim::load_scenario_from_string(yaml, "test.yaml");
  } catch (const geosim::ScenarioError& e) {
    return e.what();
  }
  return {};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("fuzz finding: edit_distance_up_to_one is edit_distance capped at 2", "[load][fuzz]") {
  using geosim::detail::edit_distance;
  using geosim::detail::edit_distance_up_to_one;
  // Every pair of short words over three letters covers each kind of edit
  // (insert, delete, substitute, swap) at every position.
  std::mt19937 rng(6);
  std::uniform_int_distribution<int> length(0, 6), letter(0, 2);
  auto word = [&] {
    std::string w(static_cast<std::size_t>(length(rng)), 'a');
    for (char& c : w) c = static_cast<char>('a' + letter(rng));
    return w;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string a = word(), b = word();
    INFO(a << " / " << b);
    REQUIRE(edit_distance_up_to_one(a, b) == std::min<std::size_t>(edit_distance(a, b), 2));
  }
  CHECK(edit_distance_up_to_one("agents.MNG.gdp", "agents.MNG.gdp") == 0);
  CHECK(edit_distance_up_to_one("agents.MNG.gpd", "agents.MNG.gdp") == 1);
  CHECK(edit_distance_up_to_one("agents.MNG.gd", "agents.MNG.gdp") == 1);
  CHECK(edit_distance_up_to_one("agents.RUS.gdp", "agents.USA.gdp") == 2);
  CHECK(edit_distance(std::string(100, 'x'), std::string(99, 'x') + "y") == 1);  // longer than the stack rows
}

// Found by fuzz_scenario (slow inputs, then a timeout): every unknown sweep
// path compared itself with every path of every agent and relation, with a
// full edit distance each, and check_patch_path() copied the whole scenario
// per path. A file with many misspelt paths over many relations took minutes
// (fuzz/regressions/scenario/timeout-sweep-path-suggestions.yaml: 460 s
// before, 0.1 s after).
TEST_CASE("fuzz finding: the first 20 unknown sweep paths get a suggestion, the rest none", "[load][fuzz]") {
  std::string yaml = "geosim: 1\nname: t\ntime: {steps: 2}\nagents:\n";
  for (int i = 0; i < 25; ++i) yaml += "  - {id: A" + std::to_string(10 + i) + ", gdp: 1}\n";
  yaml += "relations:\n  - {between: [A10, A11], distance: 100}\nsweep:\n  parameters:\n";
  for (int i = 0; i < 25; ++i) yaml += "    agents.A" + std::to_string(10 + i) + ".gdq: {values: [1, 2]}\n";
  yaml += "    relations.A11-A10.distanse: {min: 1, max: 2}\n";
  const std::string error = load_error(yaml);
  CHECK(count(error, "unknown agent attribute 'gdq'") == 25);
  CHECK(count(error, "; did you mean") == 20);
  CHECK_THAT(error, Catch::Contains("in path 'agents.A10.gdq'; did you mean 'agents.A10.gdp'?"));
  CHECK_THAT(error, Catch::Contains("in path 'agents.A29.gdq'; did you mean 'agents.A29.gdp'?"));
  CHECK_THAT(error, Catch::Contains("in path 'agents.A30.gdq'\n"));
  CHECK_THAT(error, Catch::Contains("in path 'relations.A11-A10.distanse'\n"));
}

TEST_CASE("fuzz finding: a misspelt relation path still gets its suggestion", "[load][fuzz]") {
  const std::string error = load_error(R"(geosim: 1
name: t
time: {steps: 2}
agents:
  - {id: MNG, gdp: 1}
  - {id: CHN, gdp: 2}
relations:
  - {between: [MNG, CHN], distance: 100}
sweep:
  parameters:
    relations.MNG-CHN.exprts.MNG: {min: 1, max: 2}
    relations.CHN-MNG.distance: {min: 1, max: 2}
)");
  CHECK_THAT(error, Catch::Contains("did you mean 'relations.MNG-CHN.exports.MNG'?"));
  CHECK(count(error, "test.yaml:") == 1);  // the pair written the other way round is fine
}
