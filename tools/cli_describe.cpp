// `geosim describe`: what a scenario holds, for people and for scripts.
#include <fmt/format.h>

#include "cli.hpp"

namespace geosim::cli {

struct DescribeCommand {
  std::string scenario;
  bool policies_only = false;
};

DescribeCommand& setup_describe(CLI::App& app) {
  static DescribeCommand cmd;
  cmd = DescribeCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("describe", "Summarise a scenario: agents, relations, events, policies, outcomes");
  sub->footer(R"(With --policies, prints only the policy names (baseline first), one per
line, for scripts.

Examples:
  geosim describe scenarios/mongolia_2019.yaml
  for p in $(geosim describe scenarios/mongolia_2019.yaml --policies); do echo "$p"; done
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML)")->required();
  sub->add_flag("--policies", cmd.policies_only, "Print only the policy names, one per line");
  add_limit_option(*sub);
  return cmd;
}

int run_describe(const DescribeCommand& cmd) {
  const Scenario s = read_scenario(cmd.scenario).scenario;
  if (cmd.policies_only) {
    fmt::print("baseline\n");
    for (const Policy& p : s.policies) fmt::print("{}\n", p.name);
    return kOk;
  }
  fmt::print("{}\n", s.name);
  if (!s.description.empty()) fmt::print("  {}\n", s.description);
  fmt::print("\ntime: {} steps of {} year(s) from {}; seed {}\n", s.time.steps, s.time.dt, s.time.start, s.seed);
  fmt::print("\nagents ({}):\n", s.agents.size());
  for (const AgentSpec& a : s.agents) {
    fmt::print("  {:<8} {:<24} gdp {:>10.1f}  strategy {}\n", a.id, a.name, a.gdp, to_string(a.strategy));
  }
  fmt::print("\nrelations: {} (each gives two directed edges)\n", s.relations.size());
  fmt::print("blocs: {}   events: {}\n", s.blocs.size(), s.events.size());
  fmt::print("\npolicies ({}):\n  {:<28} the scenario as written\n", s.policies.size() + 1, "baseline");
  for (const Policy& p : s.policies) fmt::print("  {:<28} {}\n", p.name, p.description);
  fmt::print("\noutcomes ({}):\n", s.outcomes.size());
  for (const OutcomeSpec& o : s.outcomes) {
    fmt::print("  {:<28} {} of {} ({})\n", o.name, o.metric, o.is_edge ? o.source + "->" + o.target : o.agent,
               to_string(o.aggregate));
  }
  if (s.sweep) {
    fmt::print("\nsweep: {} design, {} samples, {} replicates, {} parameter(s)\n", to_string(s.sweep->design),
               s.sweep->samples, s.sweep->replicates, s.sweep->parameters.size());
  }
  return kOk;
}

}  // namespace geosim::cli
