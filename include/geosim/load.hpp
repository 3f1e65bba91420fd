// Reading scenario files: the only part of geosim that touches YAML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/error.hpp"
#include "geosim/scenario.hpp"

namespace geosim {

/// Resource limits: how large an input may be before geosim refuses it, so
/// that a mistaken or hostile file (or command line) fails fast with a clear
/// message instead of exhausting memory or time. docs/scenario-format.md
/// ("Limits") documents each one; the `geosim` command takes them from
/// `--limit NAME=N` and the GEOSIM_MAX_* environment variables (limit_table()).
/// The defaults leave the bundled scenarios far below every limit.
struct Limits {
  std::uint64_t file_size = std::uint64_t{64} << 20;  ///< bytes of scenario text
  std::uint64_t yaml_depth = 64;                       ///< nesting of lists and mappings
  /// Nodes of the YAML tree, counting each alias as the nodes it repeats.
  std::uint64_t yaml_nodes = 4'000'000;
  std::uint64_t agents = 10'000;      ///< entries of `agents:`
  std::uint64_t relations = 200'000;  ///< entries of `relations:`
  /// time.steps of the file, `time.steps` values of its sweep, `--steps`.
  std::uint64_t steps = 1'000'000;
  /// Runs one command asks for: --runs of run, compare (per policy) and
  /// check; points x replicates of a sweep. Not checked by the loader.
  std::uint64_t runs = 1'000'000;
};

/// One limit: its name in `--limit NAME=N`, its environment variable, the
/// member of Limits it sets, the largest value it may be set to, and what
/// it counts (for messages and --help).
struct LimitInfo {
  std::string_view name;
  std::string_view env;
  std::uint64_t Limits::*field;
  std::uint64_t max;
  std::string_view what;
};

/// Every limit, in the order of docs/scenario-format.md.
std::span<const LimitInfo> limit_table();

/// The limit called `name` ("agents", "file-size", ...), if there is one.
const LimitInfo* find_limit(std::string_view name);

/// Parses a limit's value: a whole number from 1 to info.max; `file-size`
/// also takes a K, M or G suffix (KiB, MiB, GiB). Empty on error.
std::optional<std::uint64_t> parse_limit_value(const LimitInfo& info, std::string_view text);

/// "(the limit; raise it with --limit agents=N or GEOSIM_MAX_AGENTS=N)", for
/// messages that refuse an input.
std::string limit_hint(std::string_view name);

/// A size in bytes for messages: "64 MiB", "1.5 KiB", "17 bytes".
std::string format_bytes(std::uint64_t bytes);

/// The message for a file over limits.file_size: "the file is 70 MiB
/// (73400320 bytes), larger than the limit of 64 MiB (67108864 bytes)
/// (limit file-size; raise it ...)"; without `size` (a pipe, a file that
/// grew): "the file is larger than ...".
std::string file_size_message(std::optional<std::uint64_t> size, std::uint64_t limit);

/// Reads and validates a scenario file (SCENARIO-FORMAT.md).
///
/// Every rule of the format is checked and every problem found is reported
/// together: throws ScenarioError holding all diagnostics, each with the
/// file, line and column of the offending key or value. A returned Scenario is
/// valid: every reference resolves, every number is finite and in range.
///
/// **Example**:
///
///     geosim::Scenario s = geosim::load_scenario("scenarios/triad.yaml");
///
/// Inputs beyond `limits` are refused with a ScenarioError: a file larger
/// than limits.file_size (nothing more than that is read), YAML nested
/// deeper than limits.yaml_depth or with more than limits.yaml_nodes nodes
/// once its aliases are expanded (checked before the tree is built, so a
/// "billion laughs" file is refused at once), more agents, relations or
/// steps than allowed.
Scenario load_scenario(const std::filesystem::path& path, const Limits& limits = {});

/// As load_scenario(), from text in memory; `file_name` is used in messages.
Scenario load_scenario_from_string(std::string_view yaml, const std::string& file_name,
                                   const Limits& limits = {});

/// Range checks of SCENARIO-FORMAT.md on an already built scenario (after
/// policy overlays or sweep patches): one message per problem, naming the
/// value by its dotted path ("agents.MNG.regime must be in [0, 1], got 1.2").
/// Empty when everything is in range.
std::vector<std::string> check_values(const Scenario& s);

}  // namespace geosim
