// `geosim validate`: check scenario files without running them.
#include <fmt/format.h>

#include "cli.hpp"
#include "geosim/error.hpp"

namespace geosim::cli {

struct ValidateCommand {
  std::vector<std::string> files;
};

ValidateCommand& setup_validate(CLI::App& app) {
  static ValidateCommand cmd;
  cmd = ValidateCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("validate", "Check scenario files and report every error");
  sub->footer(R"(Prints "FILE: OK" on stdout for each valid file, and every error of an
invalid one on stderr as FILE:LINE:COLUMN: message. Exit status 0 when all
files are valid, 2 otherwise.

Examples:
  geosim validate scenarios/mongolia_2019.yaml
  geosim validate scenarios/*.yaml
)");
  sub->add_option("scenarios", cmd.files, "Scenario files (YAML)")->required();
  add_limit_option(*sub);
  return cmd;
}

int run_validate(const ValidateCommand& cmd) {
  int status = kOk;
  for (const std::string& file : cmd.files) {
    try {
      read_scenario(file);
      fmt::print("{}: OK\n", file);
    } catch (const ScenarioError& e) {
      fmt::print(stderr, "{}\n", e.what());
      status = kBadInput;
    }
  }
  std::fflush(stdout);
  return status;
}

}  // namespace geosim::cli
