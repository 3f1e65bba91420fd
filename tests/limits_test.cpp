// Limits (docs/scenario-format.md "Limits", docs/cli.md "Limits"): each
// input limit refuses what is beyond it with a message that names the limit
// and how to raise it; a "billion laughs" file is refused at once and
// without memory; the limits can be raised per command (--limit) or by the
// environment (GEOSIM_MAX_*); the runs limit guards every command that runs.
#include <cstdlib>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using geosim::test::run_geosim;
using geosim::test::ScratchDir;
using geosim::test::shell_quote;

/// The loader's message for `yaml` with `limits`, or "(loaded)".
std::string load_message(const std::string& yaml, const geosim::Limits& limits = {}) {
  try {
    geosim::load_scenario_from_string(yaml, "limits.yaml", limits);
    return "(loaded)";
  } catch (const geosim::ScenarioError& e) {
    return e.what();
  }
}

/// A small valid scenario with `agents` agents in a chain of relations.
std::string chain(int agents, int steps = 2) {
  std::string y = fmt::format("geosim: 1\nname: chain\ntime: {{steps: {}}}\nagents:\n", steps);
  for (int i = 0; i < agents; ++i) y += fmt::format("  - {{id: A{}, gdp: 10}}\n", i);
  if (agents > 1) {
    y += "relations:\n";
    for (int i = 0; i + 1 < agents; ++i) y += fmt::format("  - {{between: [A{}, A{}], exports: 1}}\n", i, i + 1);
  }
  return y;
}

/// "Billion laughs": ten levels of ten aliases each, 10^10 nodes once expanded.
std::string billion_laughs() {
  std::string y = "geosim: 1\nname: laughs\ntime: {steps: 2}\nagents:\n  - {id: A, gdp: 1}\nlol0: &l0 [lol]\n";
  for (int level = 1; level <= 10; ++level) {
    y += fmt::format("lol{}: &l{} [", level, level);
    for (int k = 0; k < 10; ++k) y += fmt::format("{}*l{}", k ? ", " : "", level - 1);
    y += "]\n";
  }
  return y;
}

/// Sets an environment variable (inherited by run_geosim()) for its lifetime.
struct EnvVar {
  std::string name;
  EnvVar(const char* n, const char* value) : name(n) { ::setenv(n, value, 1); }
  ~EnvVar() { ::unsetenv(name.c_str()); }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("limits: a billion-laughs file is refused at once, with the place and the limit", "[load][limits]") {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string message = load_message(billion_laughs());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(message);
  CHECK(contains(message, "limits.yaml:"));
  CHECK(contains(message, "more than 4000000 nodes"));
  CHECK(contains(message, "--limit yaml-nodes=N or GEOSIM_MAX_YAML_NODES=N"));
  CHECK(seconds < 5);  // a generous bound: it takes milliseconds (a guard against expansion, not a benchmark)
}

TEST_CASE("limits: an alias inside the node it names is refused, not followed", "[load][limits]") {
  const std::string message = load_message("geosim: 1\nname: loop\nx: &a [1, *a]\n");
  INFO(message);
  CHECK(contains(message, "limits.yaml:3:"));
  CHECK(contains(message, "cannot be a recursive structure"));
}

TEST_CASE("limits: nesting deeper than yaml-depth is refused where it happens", "[load][limits]") {
  const std::string deep = "geosim: 1\nname: deep\nx: " + std::string(100, '[') + std::string(100, ']') + "\n";
  const std::string message = load_message(deep);
  INFO(message);
  CHECK(contains(message, "limits.yaml:3:"));
  CHECK(contains(message, "nest more than 64 deep"));
  geosim::Limits raised;
  raised.yaml_depth = 200;
  CHECK_FALSE(contains(load_message(deep, raised), "nest more than"));  // then the unknown key is the problem
  // A very deep file (a million brackets) costs no stack: refused at depth 65.
  const std::string very_deep = "x: " + std::string(1'000'000, '[');
  CHECK(contains(load_message(very_deep), "nest more than 64 deep"));
}

TEST_CASE("limits: agents, relations and steps beyond their limits are refused at their key", "[load][limits]") {
  geosim::Limits l;
  l.agents = 5;
  l.relations = 4;
  l.steps = 10;
  CHECK(load_message(chain(5), l) == "(loaded)");
  std::string m = load_message(chain(6), l);
  INFO(m);
  CHECK(contains(m, "limits.yaml:5:3: agents lists 6 agents, more than the limit of 5"));
  CHECK(contains(m, "--limit agents=N or GEOSIM_MAX_AGENTS=N"));
  l.relations = 3;
  m = load_message(chain(5), l);
  CHECK(contains(m, "relations lists 4 relations, more than the limit of 3"));
  l.relations = 10;
  m = load_message(chain(3, 11), l);
  UNSCOPED_INFO(m);
  CHECK(contains(m, "limits.yaml:3:15: time.steps is 11, more than the limit of 10 steps"));
}

TEST_CASE("limits: a file larger than file-size is refused without being read", "[load][limits]") {
  geosim::Limits l;
  l.file_size = 100;
  const std::string m = load_message(chain(5), l);
  INFO(m);
  CHECK(contains(m, "limits.yaml: the file is 312 bytes, larger"));
  CHECK(contains(m, "larger than the limit of 100 bytes (limit file-size"));

  ScratchDir scratch;
  // /dev/zero never ends: only the limit and one buffer are read.
  try {
    geosim::load_scenario("/dev/zero", l);
    FAIL("read /dev/zero");
  } catch (const geosim::ScenarioError& e) {
    CHECK(contains(e.what(), "the file is larger than the limit of 100 bytes"));
  }
}

TEST_CASE("limits: limit values parse as whole numbers, file-size with K, M or G", "[load][limits]") {
  const geosim::LimitInfo* size = geosim::find_limit("file-size");
  const geosim::LimitInfo* agents = geosim::find_limit("agents");
  REQUIRE(size != nullptr);
  REQUIRE(agents != nullptr);
  CHECK(geosim::find_limit("nonsense") == nullptr);
  CHECK(geosim::parse_limit_value(*size, "64M") == std::uint64_t{64} << 20);
  CHECK(geosim::parse_limit_value(*size, "2k") == 2048);
  CHECK(geosim::parse_limit_value(*size, "1G") == std::uint64_t{1} << 30);
  CHECK(geosim::parse_limit_value(*agents, "12") == 12);
  for (const char* bad : {"", "0", "-1", "1.5", "12x", "K", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(geosim::parse_limit_value(*agents, bad).has_value());
  }
  CHECK_FALSE(geosim::parse_limit_value(*agents, "2M").has_value());  // suffixes only for file-size
  CHECK_FALSE(geosim::parse_limit_value(*size, "2000G").has_value());  // above its maximum (1 TiB)
  CHECK(geosim::format_bytes(67108864) == "64 MiB");
  CHECK(geosim::format_bytes(1536) == "1.5 KiB");
  CHECK(geosim::format_bytes(17) == "17 bytes");
}

TEST_CASE("limits: the CLI takes --limit and GEOSIM_MAX_*, and refuses beyond them with status 2", "[cli][limits]") {
  ScratchDir scratch;
  const fs::path scenario = scratch.dir / "chain.yaml";
  {
    std::ofstream(scenario) << chain(6);
  }
  const std::string s = shell_quote(scenario.string());

  auto r = run_geosim("validate " + s + " --limit agents=5");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "agents lists 6 agents, more than the limit of 5"));
  r = run_geosim("validate " + s + " --limit agents=6");
  CHECK(r.status == 0);
  r = run_geosim("validate " + s, scratch.dir);
  CHECK(r.status == 0);
  r = run_geosim("validate " + s + " --limit agents=zero");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "the value of agents must be a whole number"));
  r = run_geosim("validate " + s + " --limit colours=3");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "NAME one of file-size, yaml-depth, yaml-nodes, agents, relations, steps, runs"));

  // The environment sets a limit; --limit wins over it.
  {
    const EnvVar env("GEOSIM_MAX_AGENTS", "5");
    r = run_geosim("validate " + s);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "more than the limit of 5"));
    r = run_geosim("validate " + s + " --limit agents=7");
    CHECK(r.status == 0);
  }
  {
    const EnvVar env("GEOSIM_MAX_AGENTS", "many");
    r = run_geosim("validate " + s);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "GEOSIM_MAX_AGENTS must be a whole number"));
  }

  // The runs and steps limits guard the commands that run, before anything runs.
  const fs::path out = scratch.dir / "out";
  r = run_geosim("run " + s + " --runs 2000000 -q --out " + shell_quote(out.string()));
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--runs 2000000 is more than the limit of 1000000"));
  CHECK_FALSE(fs::exists(out));
  r = run_geosim("run " + s + " --runs 3 -q --limit runs=2 --out " + shell_quote(out.string()));
  CHECK(r.status == 2);
  r = run_geosim("run " + s + " --steps 50 --limit steps=20 -q --out " + shell_quote(out.string()));
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--steps 50 is more than the limit of 20"));
  r = run_geosim("compare " + s + " --runs 5 --limit runs=4 -q");
  CHECK(r.status == 2);
  r = run_geosim("sweep " + s + " --db " + shell_quote((scratch.dir / "x.db").string()) +
                 " --param agents.A0.gdp=1:2 --samples 10 --replicates 10 --limit runs=50 -q");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "the sweep's 10 points x 10 replicates = 100 runs is more than the limit of 50"));
  CHECK_FALSE(fs::exists(scratch.dir / "x.db"));
  CHECK(geosim::test::entries(scratch.dir) == std::vector<std::string>{"chain.yaml"});
}
