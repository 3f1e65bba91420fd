// The published conformance vectors of MODEL.md v1: for every folder
// <scenario>_<policy>_run<r>/ beside <scenario>.yaml, the engine's agents.csv
// and edges.csv must agree with the reference to 1e-9 (relative; absolute
// 1e-12 near zero), and every text column exactly.
//
// The folder defaults to tests/conformance (a copy of shared/conformance);
// set GEOSIM_CONFORMANCE_DIR in the environment to check another set.
#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>

#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/observe.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using geosim::test::Csv;

namespace {

fs::path conformance_dir() {
  if (const char* env = std::getenv("GEOSIM_CONFORMANCE_DIR")) return env;
  return GEOSIM_CONFORMANCE_DIR;
}

struct Case {
  fs::path folder;
  fs::path scenario;
  std::string policy;
  std::uint64_t run = 0;
};

std::vector<Case> find_cases(const fs::path& dir) {
  std::vector<Case> cases;
  const std::regex pattern("(.+)_run([0-9]+)");
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, pattern)) continue;
    const std::string stem_policy = m[1];
    // The longest scenario stem that prefixes the name decides the policy.
    Case c;
    for (const auto& f : fs::directory_iterator(dir)) {
      if (f.path().extension() != ".yaml") continue;
      const std::string stem = f.path().stem().string();
      if (stem_policy.rfind(stem + "_", 0) == 0 && stem.size() > c.scenario.stem().string().size()) {
        c.scenario = f.path();
        c.policy = stem_policy.substr(stem.size() + 1);
      }
    }
    if (c.scenario.empty()) continue;
    c.folder = entry.path();
    c.run = std::stoull(m[2]);
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.folder < b.folder; });
  return cases;
}

bool numbers_agree(double expected, double actual) {
  if (expected == actual) return true;
  const double diff = std::abs(expected - actual);
  return diff <= 1e-9 * std::max(std::abs(expected), std::abs(actual)) || diff <= 1e-12;
}

// Compares `reference` (keyed by `keys`) with our rows of the same keys.
// Returns the number of values compared; records failures with context.
std::size_t compare(const Csv& reference, const Csv& ours, const std::vector<std::string>& keys,
                    const std::string& what) {
  std::map<std::string, const std::vector<std::string>*> index;
  auto key_of = [&](const Csv& csv, const std::vector<std::string>& row) {
    std::string k;
    for (const auto& name : keys) k += row[csv.column(name)] + "|";
    return k;
  };
  for (const auto& row : ours.rows) index[key_of(ours, row)] = &row;
  REQUIRE(ours.rows.size() == reference.rows.size());
  std::size_t compared = 0, failures = 0;
  for (const auto& row : reference.rows) {
    const std::string key = key_of(reference, row);
    const auto it = index.find(key);
    if (it == index.end()) {
      FAIL_CHECK(what << ": no row " << key);
      continue;
    }
    for (std::size_t c = 0; c < reference.header.size(); ++c) {
      const std::string& name = reference.header[c];
      const std::string& expected = row[c];
      const std::string actual = c < row.size() ? (*it->second)[ours.column(name)] : "";
      ++compared;
      char* end = nullptr;
      const double e = std::strtod(expected.c_str(), &end);
      const bool numeric = !expected.empty() && end && *end == '\0';
      const bool ok = numeric ? (!actual.empty() && numbers_agree(e, std::stod(actual))) : expected == actual;
      if (!ok && ++failures <= 20) {
        FAIL_CHECK(what << " " << key << " column " << name << ": expected " << expected << ", got " << actual);
      }
    }
  }
  if (failures > 20) FAIL_CHECK(what << ": " << failures << " mismatches in all");
  return compared;
}

}  // namespace

TEST_CASE("conformance: the engine reproduces every reference run", "[conformance][engine]") {
  const auto cases = find_cases(conformance_dir());
  REQUIRE(!cases.empty());
  for (const Case& c : cases) {
    SECTION(c.folder.filename().string()) {
      const geosim::Scenario base = geosim::load_scenario(c.scenario);
      const geosim::Model model = geosim::compile(geosim::with_policy(base, c.policy));
      geosim::RunRecorder rec(model, c.run);
      geosim::simulate(model, {base.seed, c.run}, [&](const geosim::StepView& v) { rec.record(v); });

      const Csv agents = geosim::test::parse_csv(geosim::agents_csv_header() + rec.agent_rows());
      const Csv edges = geosim::test::parse_csv(geosim::edges_csv_header() + rec.edge_rows());
      const Csv ref_agents = geosim::test::parse_csv(geosim::test::read_file(c.folder / "agents.csv"));
      const Csv ref_edges = geosim::test::parse_csv(geosim::test::read_file(c.folder / "edges.csv"));
      const std::size_t n = compare(ref_agents, agents, {"step", "agent"}, "agents.csv") +
                            compare(ref_edges, edges, {"step", "source", "target"}, "edges.csv");
      CHECK(n > 0);
    }
  }
}
