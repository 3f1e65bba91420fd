// `geosim run`: one scenario, one policy, runs 0..N-1, results to a folder.
#include <fmt/format.h>

#include <limits>

#include "cli.hpp"
#include "geosim/engine.hpp"
#include "geosim/output.hpp"

namespace geosim::cli {

struct RunCommand {
  std::string scenario;
  RunOptions options;
  std::uint64_t seed = 0;
  int steps = 0;
  std::string out;
  CLI::Option* seed_opt = nullptr;
  CLI::Option* steps_opt = nullptr;
};

RunCommand& setup_run(CLI::App& app) {
  static RunCommand cmd;
  cmd = RunCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("run", "Run a scenario and write its results to a folder");
  sub->footer(R"(Writes DIR/agents.csv, DIR/edges.csv, DIR/outcomes.csv and DIR/manifest.json.
The folder appears only when everything is written; an existing one is kept
unless --force is given.

Examples:
  geosim run scenarios/mongolia_2019.yaml --out results/baseline
  geosim run scenarios/mongolia_2019.yaml --policy third_neighbor_trade_act --runs 20 --out results/tnta
  geosim run scenarios/triad.yaml --steps 5 --seed 7 --threads 1 --out /tmp/triad
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML)")->required();
  sub->add_option("--policy", cmd.options.policy, "Policy to overlay (default: baseline)");
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Random seed (default: the scenario's `seed`)");
  sub->add_option("--runs", cmd.options.runs, "Number of runs: indices 0..N-1 (default 1)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd.steps_opt = sub->add_option("--steps", cmd.steps, "Number of steps (default: the scenario's time.steps)")
                      ->check(CLI::Range(1, std::numeric_limits<int>::max()));
  sub->add_option("--threads", cmd.options.threads, "Worker threads (default 0: all cores)")
      ->check(CLI::Range(0, 4096));
  sub->add_option("--out", cmd.out, "Output folder (default: <scenario>_<date-time>)");
  sub->add_flag("--force", cmd.options.force, "Replace the output folder if it exists");
  sub->add_flag("-q,--quiet", cmd.options.quiet, "No progress bar");
  add_limit_option(*sub);
  return cmd;
}

int run_run(const RunCommand& cmd, const std::string& command_line) {
  RunOptions options = cmd.options;
  check_limit("runs", options.runs, fmt::format("--runs {}", options.runs));
  if (*cmd.steps_opt) check_limit("steps", static_cast<std::uint64_t>(cmd.steps), fmt::format("--steps {}", cmd.steps));
  if (*cmd.seed_opt) options.seed = cmd.seed;
  if (*cmd.steps_opt) options.steps = cmd.steps;
  options.out = cmd.out;
  options.command_line = command_line;
  const LoadedScenario loaded = read_scenario(cmd.scenario);
  const ThreadLimit limit(static_cast<std::size_t>(options.threads));
  const RunReport report = run_job(loaded.scenario, loaded.text, options);
  if (!options.quiet) {
    fmt::print(stderr, "geosim: {} run(s) of {} ({}) written to {} in {:.3f} s\n", report.runs,
               loaded.scenario.name, options.policy, report.out.string(), report.seconds);
  }
  return kOk;
}

}  // namespace geosim::cli
