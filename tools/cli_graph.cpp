// `geosim graph`: the relationship network at one step, as a picture
// (docs/graph.md).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "cli.hpp"
#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/network.hpp"
#include "geosim/output.hpp"

namespace geosim::cli {
namespace fs = std::filesystem;

struct GraphCommand {
  std::string source;
  std::string step;
  std::uint64_t run = 0;
  std::string policy = "baseline";
  std::uint64_t seed = 0;
  std::string format;
  std::string out;
  std::size_t max_edges = 250;
  int threads = 0;
  bool force = false;
  CLI::Option* policy_opt = nullptr;
  CLI::Option* seed_opt = nullptr;
};

GraphCommand& setup_graph(CLI::App& app) {
  static GraphCommand cmd;
  cmd = GraphCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("graph", "Draw the relationship network at a step (dot, svg, png)");
  sub->footer(R"(SOURCE is a `geosim run` output folder, or a scenario file: then run R of it is
simulated in memory (with --policy and --seed) up to step T. One circle per
state (area: power share; fill: the strategy chosen), one line per related
pair (colour: mean alignment, red hostile to blue aligned; width: trade;
dashed: a sanction in force; arrowhead: the main threat). How to read it:
docs/graph.md.

The format is --format, else the extension of --out (.dot/.gv, .svg, .png),
else svg. dot and svg go to standard output without --out; png needs --out.
--out is written whole or not at all; an existing file only with --force.

Examples:
  geosim graph results/baseline --step last --out network.svg
  geosim graph results/baseline --step 10 --run 3 --format dot > step10.dot
  geosim graph scenarios/mongolia_2019.yaml --step 5 --policy steppe_bloc --out steppe.png
  geosim graph scenarios/world_2019.yaml --step first --max-edges 150 --out world.svg
)");
  sub->add_option("source", cmd.source, "A `geosim run` output folder, or a scenario file (YAML)")->required();
  sub->add_option("--step", cmd.step, "Step to draw: a number (from 0), `first` or `last`")->required();
  sub->add_option("--run", cmd.run, "Run index (default 0)");
  cmd.policy_opt = sub->add_option("--policy", cmd.policy, "Policy to overlay (scenario SOURCE; default: baseline)");
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Random seed (scenario SOURCE; default: the scenario's)");
  sub->add_option("--format", cmd.format, "Output format: dot, svg or png (default: from --out, else svg)")
      ->check(CLI::IsMember({"dot", "svg", "png"}));
  sub->add_option("--out", cmd.out, "Output file (default: standard output; required for png)");
  sub->add_option("--max-edges", cmd.max_edges,
                  "Draw at most N pairs with the most trade, plus every main threat (default 250; 0: all)");
  sub->add_option("--threads", cmd.threads, "Worker threads for a scenario SOURCE (default 0: all cores)")
      ->check(CLI::Range(0, 4096));
  sub->add_flag("--force", cmd.force, "Replace the output file if it exists");
  add_limit_option(*sub);
  return cmd;
}

namespace {

GraphFormat choose_format(const GraphCommand& cmd) {
  if (!cmd.format.empty()) return *graph_format_from_string(cmd.format);
  if (cmd.out.empty()) return GraphFormat::kSvg;
  const std::string ext = fs::path(cmd.out).extension().string();
  if (ext == ".dot" || ext == ".gv") return GraphFormat::kDot;
  if (ext == ".svg") return GraphFormat::kSvg;
  if (ext == ".png") return GraphFormat::kPng;
  throw UsageError(fmt::format("cannot tell the format from the name '{}'; add --format dot, svg or png", cmd.out));
}

void check_out(const fs::path& out, bool force) {
  std::error_code ec;
  if (fs::is_directory(out, ec)) throw UsageError(fmt::format("--out '{}' is a folder; give a file name", out.string()));
  if (fs::exists(out, ec) && !force) {
    throw UsageError(
        fmt::format("output file '{}' already exists; choose another --out or add --force to replace it", out.string()));
  }
}

// Writes the whole file next to its final name, then renames it: the file
// appears whole or not at all (AtomicFile: a full disk or a vanished folder
// is reported naming the file, and leaves nothing). Missing parent folders
// are created.
void write_atomically(const fs::path& out, std::string_view bytes, bool force) {
  check_out(out, force);  // it may have appeared meanwhile
  AtomicFile file(out, force);
  file.write(bytes);
  if (interrupted()) throw Interrupted();
  file.commit();
}

}  // namespace

int run_graph(const GraphCommand& cmd) {
  // Everything that can be refused is refused before any work.
  if (!cmd.out.empty()) check_out(cmd.out, cmd.force);
  const GraphFormat format = choose_format(cmd);
  if (format == GraphFormat::kPng && cmd.out.empty()) {
    throw UsageError("png is a binary format: give a file with --out (or use --format svg or dot for standard output)");
  }
  const StepChoice step = StepChoice::parse(cmd.step);

  const fs::path source = cmd.source;
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    throw UsageError(fmt::format("'{}' does not exist (SOURCE is a `geosim run` output folder or a scenario file)",
                                 cmd.source));
  }
  NetworkPicture picture;
  if (fs::is_directory(source, ec)) {
    const RunFolderInfo info = read_run_folder_info(source);
    if (*cmd.policy_opt && cmd.policy != info.policy) {
      throw UsageError(fmt::format("'{}' holds runs of policy '{}', not '{}'; --policy applies to a scenario SOURCE",
                                   cmd.source, info.policy, cmd.policy));
    }
    if (*cmd.seed_opt && cmd.seed != info.seed) {
      throw UsageError(fmt::format("'{}' holds runs with seed {}, not {}; --seed applies to a scenario SOURCE",
                                   cmd.source, info.seed, cmd.seed));
    }
    picture = network_from_run_folder(source, cmd.run, step);
  } else {
    const LoadedScenario loaded = read_scenario(source);
    const ThreadLimit limit(static_cast<std::size_t>(cmd.threads));
    picture = network_from_scenario(loaded.scenario, cmd.policy,
                                    *cmd.seed_opt ? std::optional<std::uint64_t>(cmd.seed) : std::nullopt, cmd.run,
                                    step);
  }
  if (interrupted()) throw Interrupted();

  if (const std::size_t left_out = limit_edges(picture, cmd.max_edges); left_out > 0) {
    fmt::print(stderr,
               "geosim: drawing {} of {} related pairs (the {} with the most trade, and every main threat); "
               "{} left out (--max-edges {}; 0 draws all)\n",
               picture.edges.size(), picture.related_pairs, cmd.max_edges, left_out, cmd.max_edges);
  }
  const std::string dot = network_dot(picture);
  const std::string bytes = render_dot(dot, format);
  if (interrupted()) throw Interrupted();

  if (cmd.out.empty()) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0) {
      throw std::runtime_error("cannot write to standard output");
    }
    return kOk;
  }
  write_atomically(cmd.out, bytes, cmd.force);
  fmt::print(stderr, "geosim: {} of {} step {} written to {}\n", to_string(format), picture.scenario, picture.step,
             cmd.out);
  return kOk;
}

}  // namespace geosim::cli
