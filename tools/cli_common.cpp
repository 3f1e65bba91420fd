#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "geosim/load.hpp"

namespace geosim::cli {

LoadedScenario read_scenario(const std::filesystem::path& path, Cluster& cluster) {
  // The root reads the file and sends its text, so that every rank parses
  // the same bytes and fails, if it does, in the same way.
  LoadedScenario loaded;
  on_root(cluster, [&] {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::error_code ec;
      const bool exists = std::filesystem::exists(path, ec);
      throw ScenarioError(path.string(), exists ? "cannot read file" : "no such file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    loaded.text = text.str();
  });
  cluster.broadcast(loaded.text);
  loaded.scenario = load_scenario_from_string(loaded.text, path.string());
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
