// `geosim explain`: why one state did what it did at one step (explain.hpp).
#include <fmt/format.h>

#include <cstdio>

#include "cli.hpp"
#include "geosim/error.hpp"
#include "geosim/explain.hpp"

namespace geosim::cli {

struct ExplainCommand {
  std::string scenario;
  ExplainOptions options;
  std::uint64_t seed = 0;
  std::string format = "text";
  CLI::Option* seed_opt = nullptr;
};

ExplainCommand& setup_explain(CLI::App& app) {
  static ExplainCommand cmd;
  cmd = ExplainCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("explain", "Explain in plain words why an agent did what it did at a step");
  sub->footer(R"(Runs the scenario up to step T (run R) and takes apart the agent's decision
there: its main threat and the terms of each threat (relative power,
proximity, hostility), its counterweights and capacity, the security,
prosperity and autonomy of each strategy with the utilities and the margin of
the choice, its dependences and autonomy, and how each of its alignments
moved. The numbers are the engine's: they equal agents.csv and edges.csv of
`geosim run` for the same scenario, policy, seed, run and step.
--format json prints the same content as one JSON object. How to read it:
docs/explain.md.

Examples:
  geosim explain scenarios/mongolia_2019.yaml --agent MNG --step 5
  geosim explain scenarios/triad.yaml --agent SML --step 5 --policy open_market
  geosim explain scenarios/mongolia_2019.yaml --agent MNG --step 0 --run 3 --format json
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML)")->required();
  sub->add_option("--agent", cmd.options.agent, "Id of the state to explain (as in the scenario's agents:)")
      ->required();
  sub->add_option("--step", cmd.options.step, "Step to explain, from 0 to time.steps - 1")->required();
  sub->add_option("--policy", cmd.options.policy, "Policy to overlay (default: baseline)");
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Random seed (default: the scenario's `seed`)");
  sub->add_option("--run", cmd.options.run, "Run index (default 0), as in agents.csv's `run` column");
  sub->add_option("--format", cmd.format, "Output: text (a report) or json (default text)")
      ->check(CLI::IsMember({"text", "json"}));
  add_limit_option(*sub);
  return cmd;
}

int run_explain(const ExplainCommand& cmd) {
  ExplainOptions options = cmd.options;
  if (*cmd.seed_opt) options.seed = cmd.seed;
  const LoadedScenario loaded = read_scenario(cmd.scenario);
  const Explanation x = explain(loaded.scenario, options);
  fmt::print("{}", cmd.format == "json" ? to_json(x) : format_text(x));
  std::fflush(stdout);
  return kOk;
}

}  // namespace geosim::cli
