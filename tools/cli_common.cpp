#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli.hpp"
#include "geosim/load.hpp"

namespace geosim::cli {

// --- Limits --------------------------------------------------------------------

namespace {

Limits g_limits;                        // in force (limits())
std::vector<std::string> g_limit_args;  // the --limit values of the parsed command line

/// "NAME=N" → the limit and its value; the problem in `error` otherwise.
std::optional<std::pair<const LimitInfo*, std::uint64_t>> parse_limit_arg(const std::string& arg, std::string& error) {
  const std::size_t eq = arg.find('=');
  std::vector<std::string_view> names;
  for (const LimitInfo& l : limit_table()) names.push_back(l.name);
  const LimitInfo* info = eq == std::string::npos ? nullptr : find_limit(std::string_view(arg).substr(0, eq));
  if (info == nullptr) {
    error = fmt::format("expected NAME=N with NAME one of {}, got '{}'", fmt::join(names, ", "), arg);
    return std::nullopt;
  }
  const auto value = parse_limit_value(*info, std::string_view(arg).substr(eq + 1));
  if (!value) {
    error = fmt::format("the value of {} must be a whole number from 1 to {}{}, got '{}'", info->name, info->max,
                        info->name == "file-size" ? " (or with a K, M or G suffix)" : "", arg.substr(eq + 1));
    return std::nullopt;
  }
  return std::pair(info, *value);
}

}  // namespace

const Limits& limits() { return g_limits; }

void add_limit_option(CLI::App& sub) {
  std::string names;
  for (const LimitInfo& l : limit_table()) {
    names += fmt::format("\n  {} ({}, default {}{})", l.name, l.what, Limits{}.*l.field,
                         l.name == "file-size" ? " = " + format_bytes(Limits{}.*l.field) : "");
  }
  sub.add_option("--limit", g_limit_args,
                 "Raise or lower a limit on the input, NAME=N (repeatable; also GEOSIM_MAX_<NAME>). NAME:" + names)
      ->type_name("NAME=N")
      ->allow_extra_args(false)
      ->check(
          [](const std::string& arg) {
            std::string error;
            parse_limit_arg(arg, error);
            return error;
          },
          "NAME=N");
}

void apply_limits() {
  Limits l;
  for (const LimitInfo& info : limit_table()) {
    const char* env = std::getenv(std::string(info.env).c_str());
    if (env == nullptr || *env == '\0') continue;
    const auto value = parse_limit_value(info, env);
    if (!value) {
      throw UsageError(fmt::format("{} must be a whole number from 1 to {}{}, got '{}'", info.env, info.max,
                                   info.name == "file-size" ? " (or with a K, M or G suffix)" : "", env));
    }
    l.*info.field = *value;
  }
  for (const std::string& arg : g_limit_args) {
    std::string error;
    const auto parsed = parse_limit_arg(arg, error);
    if (!parsed) throw UsageError("--limit: " + error);  // checked at parse already
    l.*parsed->first->field = parsed->second;
  }
  g_limits = l;
}

void check_limit(std::string_view name, std::uint64_t value, std::string_view what) {
  const LimitInfo* info = find_limit(name);
  if (info == nullptr) return;
  const std::uint64_t limit = g_limits.*info->field;
  if (value <= limit) return;
  throw UsageError(fmt::format("{} is more than the limit of {} {}", what, limit, limit_hint(name)));
}

// --- The command line -------------------------------------------------------

namespace {

constexpr const char* kVersion = "geosim " GEOSIM_VERSION " (standard rule set v1, scenario format v1)";

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
std::string unknown_command_message(int argc, const char* const* argv, const std::vector<std::string_view>& commands) {
  if (argc < 2 || argv[1][0] == '-') return {};
  const std::string_view word = argv[1];
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view c : commands) {
    if (c == word) return {};
    // Only words of about a command's length can be 2 edits away; a long
    // word costs nothing.
    if (word.size() > c.size() + best_distance) continue;
    if (const std::size_t d = edit_distance(word, c); d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  std::string message = fmt::format("geosim: error: unknown command '{}'", word);
  if (!best.empty()) message += fmt::format("; did you mean '{}'?", best);
  return message + fmt::format(" (commands: {}; see geosim --help)", fmt::join(commands, ", "));
}

}  // namespace

std::unique_ptr<CommandLine> make_command_line() {
  auto cli = std::make_unique<CommandLine>();
  CLI::App& app = cli->app;
  g_limit_args.clear();
  app.set_version_flag("-V,--version", kVersion);
  app.require_subcommand(1);
  app.footer(R"(Examples:
  geosim validate scenarios/mongolia_2019.yaml
  geosim run scenarios/mongolia_2019.yaml --out results/baseline
  geosim run scenarios/mongolia_2019.yaml --policy steppe_bloc --runs 50 --out results/steppe
  mpirun -np 4 geosim sweep scenarios/mongolia_2019.yaml --db mongolia.db
  geosim check scenarios/mongolia_1990.yaml --runs 100

Run `geosim COMMAND --help` for the options of a command. Documentation: docs/cli.md.
)");
  cli->run = &setup_run(app);
  cli->validate = &setup_validate(app);
  cli->describe = &setup_describe(app);
  cli->compare = &setup_compare(app);
  cli->export_ = &setup_export(app);
  cli->sweep = &setup_sweep(app);
  cli->check = &setup_check(app);
  cli->explain = &setup_explain(app);
  cli->graph = &setup_graph(app);
  cli->report = &setup_report(app);
  return cli;
}

int parse_command_line(CommandLine& cli, int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                       bool show_errors) {
  CLI::App& app = cli.app;
  if (const std::string message = unknown_command_message(
          argc, argv, {"run", "validate", "describe", "export", "sweep", "compare", "check", "explain", "graph", "report"});
      !message.empty()) {
    if (show_errors) err << message << '\n' << std::flush;
    return kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    if (show_errors) app.exit(e, out, err);  // prints the message and a hint
    return kBadInput;
  }
  return -1;
}

// --- Scenarios ------------------------------------------------------------------

LoadedScenario read_scenario(const std::filesystem::path& path, Cluster& cluster) {
  // The root reads the file and sends its text, so that every rank parses
  // the same bytes and fails, if it does, in the same way.
  LoadedScenario loaded;
  const Limits& limits = cli::limits();
  on_root(cluster, [&] {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ScenarioError(path.string(), "cannot read file: it is a directory");
    if (std::filesystem::is_regular_file(path, ec)) {
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      if (!ec && size > limits.file_size) throw ScenarioError(path.string(), file_size_message(size, limits.file_size));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const bool exists = std::filesystem::exists(path, ec);
      throw ScenarioError(path.string(), exists ? "cannot read file" : "no such file");
    }
    // Never more than the limit (and one byte to notice it), whatever the
    // file is: a pipe or /dev/zero cannot fill the memory.
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (text.size() > limits.file_size) {
        throw ScenarioError(path.string(), file_size_message(std::nullopt, limits.file_size));
      }
    }
    if (in.bad()) throw ScenarioError(path.string(), "cannot read file");
    loaded.text = std::move(text);
  });
  cluster.broadcast(loaded.text);
  loaded.scenario = load_scenario_from_string(loaded.text, path.string(), limits);
  loaded.scenario.source_file = path.string();
  return loaded;
}

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i) out += ' ';
    if (arg.find_first_of(" \t'\"$") != std::string::npos) {
      std::string quoted = "'";
      for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = quoted + "'";
    }
    out += arg;
  }
  return out;
}

}  // namespace geosim::cli
