// `geosim check`: runs a scenario and sets it beside its `observed:` values.
#include <fmt/format.h>

#include <cstdio>

#include "cli.hpp"
#include "geosim/check.hpp"
#include "geosim/engine.hpp"

namespace geosim::cli {

struct CheckCommand {
  std::string scenario;
  CheckOptions options;
  std::uint64_t seed = 0;
  int threads = 0;
  std::string out;
  CLI::Option* seed_opt = nullptr;
};

CheckCommand& setup_check(CLI::App& app) {
  static CheckCommand cmd;
  cmd = CheckCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("check", "Run a scenario and compare it with what really happened (observed:)");
  sub->footer(R"(Runs the scenario N times and, for every entry of its `observed:` section,
prints the observed value, the simulated mean and range over the runs at that
year, and the error; then the overall score (RMSE, mean absolute error, mean
relative error). With --out, writes DIR/check.csv and DIR/manifest.json.
How to read it: docs/backtest.md.

Examples:
  geosim check scenarios/mongolia_1990.yaml
  geosim check scenarios/mongolia_1990.yaml --runs 200 --out results/backtest
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML) with an observed: section")->required();
  sub->add_option("--runs", cmd.options.runs,
                  "Runs: indices 0..N-1 (default 30; at most the runs limit, 1000000 unless raised)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Random seed (default: the scenario's `seed`)");
  sub->add_option("--policy", cmd.options.policy, "Policy to overlay (default: baseline)");
  sub->add_option("--threads", cmd.threads, "Worker threads (default 0: all cores)")->check(CLI::Range(0, 4096));
  sub->add_option("--out", cmd.out, "Also write check.csv and manifest.json into this new folder");
  sub->add_flag("--force", cmd.options.force, "Replace the output folder if it exists");
  sub->add_flag("-q,--quiet", cmd.options.quiet, "Nothing but errors (no table, no progress)");
  add_limit_option(*sub);
  return cmd;
}

int run_check(const CheckCommand& cmd, const std::string& command_line) {
  CheckOptions options = cmd.options;
  check_limit("runs", options.runs, fmt::format("--runs {}", options.runs));
  if (*cmd.seed_opt) options.seed = cmd.seed;
  options.out = cmd.out;
  options.command_line = command_line;
  const LoadedScenario loaded = read_scenario(cmd.scenario);
  const ThreadLimit limit(static_cast<std::size_t>(cmd.threads));
  const CheckReport report = geosim::run_check(loaded.scenario, loaded.text, options);
  if (!options.quiet) {
    fmt::print("{}", format_check(report));
    std::fflush(stdout);
    if (!report.out.empty()) fmt::print(stderr, "geosim: written to {}\n", report.out.string());
  }
  return kOk;
}

}  // namespace geosim::cli
