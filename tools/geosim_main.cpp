// geosim: the command-line program. Parses the command line (CLI11), hands
// off to a subcommand, and maps failures to exit statuses:
// 0 ok, 1 run failure or bug, 2 invalid input or usage, 130 interrupted.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "geosim/error.hpp"
#include "geosim/output.hpp"

namespace {

// Levenshtein distance, for "did you mean" on a mistyped command.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// CLI11 reports a mistyped command as "a subcommand is required"; name it
// instead. Returns an empty string when the first word is a known command.
std::string unknown_command_message(int argc, char** argv, const std::vector<std::string_view>& commands) {
  if (argc < 2 || argv[1][0] == '-') return {};
  const std::string_view word = argv[1];
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view c : commands) {
    if (c == word) return {};
    if (const std::size_t d = edit_distance(word, c); d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  std::string message = fmt::format("geosim: error: unknown command '{}'", word);
  if (!best.empty()) message += fmt::format("; did you mean '{}'?", best);
  return message + fmt::format(" (commands: {}; see geosim --help)", fmt::join(commands, ", "));
}

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
  auto& compare_cmd = cli::setup_compare(app);
  auto& export_cmd = cli::setup_export(app);
  auto& sweep_cmd = cli::setup_sweep(app);

  if (const std::string message = unknown_command_message(argc, argv, {"run", "validate", "describe", "export", "sweep", "compare"});
      !message.empty()) {
    fmt::print(stderr, "{}\n", message);
    return cli::kBadInput;
  }
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
    if (app.got_subcommand("compare")) return cli::run_compare(compare_cmd, cli::command_line(argc, argv));
    if (app.got_subcommand("export")) return cli::run_export(export_cmd);
    if (app.got_subcommand("sweep")) return cli::run_sweep_command(sweep_cmd, cli::command_line(argc, argv));
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
