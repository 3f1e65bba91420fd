// geosim: the command-line program. Parses the command line (CLI11), hands
// off to a subcommand, and maps failures to exit statuses:
// 0 ok, 1 run failure or bug, 2 invalid input or usage, 130 interrupted.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "geosim/error.hpp"
#include "geosim/output.hpp"

namespace {

constexpr const char* kVersion = "geosim " GEOSIM_VERSION " (standard rule set v1, scenario format v1)";

}  // namespace

int main(int argc, char** argv) {
  using namespace geosim;
  CLI::App app{"geosim: agent-based simulation of states between great powers", "geosim"};
  app.set_version_flag("-V,--version", kVersion);
  app.require_subcommand(1);
  app.footer(R"(Examples:
  geosim validate scenarios/mongolia_2019.yaml
  geosim run scenarios/mongolia_2019.yaml --out results/baseline
  geosim run scenarios/mongolia_2019.yaml --policy steppe_bloc --runs 50 --out results/steppe

Run `geosim COMMAND --help` for the options of a command. Documentation: docs/cli.md.
)");
  auto& run_cmd = cli::setup_run(app);
  auto& validate_cmd = cli::setup_validate(app);
  auto& describe_cmd = cli::setup_describe(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint to stderr
    return cli::kBadInput;
  }

  install_interrupt_handlers();
  try {
    if (app.got_subcommand("run")) return cli::run_run(run_cmd, cli::command_line(argc, argv));
    if (app.got_subcommand("validate")) return cli::run_validate(validate_cmd);
    if (app.got_subcommand("describe")) return cli::run_describe(describe_cmd);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return cli::kBadInput;
  } catch (const UsageError& e) {
    fmt::print(stderr, "geosim: error: {}\n", e.what());
    return cli::kBadInput;
  } catch (const Interrupted&) {
    fmt::print(stderr, "geosim: interrupted; no output written\n");
    return cli::kInterrupted;
  } catch (const InternalError& e) {
    fmt::print(stderr, "geosim: {}\n", e.what());
    return cli::kFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "geosim: error: {}\n", e.what());
    return cli::kFailure;
  }
  return cli::kFailure;
}
