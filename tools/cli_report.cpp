// `geosim report`: one self-contained HTML report of a run folder, a results
// database (sweep or compare) or a scenario (run first, and compared with its
// policies). This command finds out what SOURCE is, runs the scenario when
// needed, describes the scenario in a small JSON file, and hands the drawing
// to the Python tool tools/report/geosim_report.py (matplotlib), started
// with an argument list (no shell). The HTML file appears whole or not at
// all (a temporary file renamed at the end). docs/report.md is the tutorial.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "cli.hpp"
#include "geosim/compare.hpp"
#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/output.hpp"

extern char** environ;

#ifndef GEOSIM_REPORT_TOOL_DEFAULT
#define GEOSIM_REPORT_TOOL_DEFAULT "tools/report/geosim_report.py"
#endif

namespace geosim::cli {

namespace fs = std::filesystem;

struct ReportCommand {
  std::string source;
  std::string out;
  bool force = false;
  std::string agents;
  int great_powers = 3;
  std::string powers;
  std::uint64_t runs = 30;
  std::uint64_t seed = 0;
  std::string policies;
  int run = 0;
  int threads = 0;
  bool quiet = false;
  CLI::Option* seed_opt = nullptr;
  CLI::Option* run_opt = nullptr;
  CLI::Option* runs_opt = nullptr;
  CLI::Option* policies_opt = nullptr;
};

ReportCommand& setup_report(CLI::App& app) {
  static ReportCommand cmd;
  cmd = ReportCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub =
      app.add_subcommand("report", "Write a self-contained HTML report of a run, a sweep or a comparison");
  sub->footer(R"(SOURCE is one of:
  a `geosim run` folder      per state: alignment toward the great powers, autonomy,
                             largest dependence, GDP and security over time (lines for
                             one run, median and bands for many); the strategy timeline;
                             the network at the first and last step and at every event
                             (`geosim graph`); the outcomes
  a results database         `geosim compare --db`: a forest plot and a table per outcome;
                             `geosim sweep`: each outcome against each swept parameter,
                             and heat maps for a two-parameter grid
  a scenario file            runs it first (--runs N, baseline), compares its policies
                             with the baseline on the same runs when it declares any, and
                             reports both
The report opens offline in any browser: figures, styles and data are inside the
file. It needs Python 3 with matplotlib and numpy (GEOSIM_PYTHON names the
interpreter; default /usr/bin/python3). How to read it: docs/report.md.

Examples:
  geosim run scenarios/triad.yaml --runs 30 --out results/triad && geosim report results/triad
  geosim compare scenarios/mongolia_2019.yaml --runs 30 --db cmp.db --quiet && geosim report cmp.db
  geosim report scenarios/mongolia_2019.yaml --runs 30 --out results/mongolia.html
)");
  sub->add_option("source", cmd.source, "A run folder, a results database (.db) or a scenario file (YAML)")
      ->required();
  sub->add_option("--out", cmd.out,
                  "HTML file to write (default: FOLDER/report.html, DB_report.html, <scenario>_report.html)");
  sub->add_flag("--force", cmd.force, "Replace the HTML file if it exists");
  sub->add_option("--agents", cmd.agents,
                  "States to draw, A,B,... (default: all up to 12, else the first four and the great powers)");
  sub->add_option("--great-powers", cmd.great_powers,
                  "Great powers: the K states with the largest power share at step 0 (default 3)")
      ->check(CLI::Range(1, 10));
  sub->add_option("--powers", cmd.powers,
                  "Great powers named, A,B,... (default: the --great-powers largest by power share)");
  cmd.run_opt = sub->add_option("--run", cmd.run, "Run index whose network is drawn (default: the first run)")
                    ->check(CLI::Range(0, std::numeric_limits<int>::max()));
  cmd.runs_opt = sub->add_option("--runs", cmd.runs, "Scenario SOURCE: runs per policy (default 30; at most 1000)")
                     ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000}));
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Scenario SOURCE: random seed (default: the scenario's)");
  cmd.policies_opt = sub->add_option("--policies", cmd.policies,
                                     "Scenario SOURCE: policies to compare, A,B,... (default: every declared one)");
  sub->add_option("--threads", cmd.threads, "Scenario SOURCE: worker threads (default 0: all cores)")
      ->check(CLI::Range(0, 4096));
  sub->add_flag("-q,--quiet", cmd.quiet, "Nothing but errors (no progress, no closing line)");
  add_limit_option(*sub);
  return cmd;
}

namespace {

enum class SourceKind { kRunFolder, kDatabase, kScenario };

// --- JSON text (the scenario description handed to the Python tool) -------

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

std::string json_strings(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const std::string& s : items) quoted.push_back(json_string(s));
  return json_array(quoted);
}

std::string duration_text(int steps) { return steps == 1 ? "1 step" : fmt::format("{} steps", steps); }

// One event in words, e.g. "GNT sanctions SML (intensity 0.1, 1 step), with
// probability 0.2 at each step 12-18".
std::string event_text(const Event& e, int last_step) {
  std::string text = std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, SanctionEvent>) {
          return fmt::format("{} sanctions {} (intensity {}, {})", a.from, a.to, a.intensity, duration_text(a.duration));
        } else if constexpr (std::is_same_v<T, OffenseEvent>) {
          return fmt::format("{} offends {} (magnitude {}, {})", a.by, a.against, a.magnitude,
                             duration_text(a.duration));
        } else {
          std::string what;
          std::string attribute;
          if (a.strategy) {
            attribute = "strategy";
          } else if (a.agent_attribute) {
            attribute = std::string(to_string(*a.agent_attribute));
          } else if (a.edge_attribute) {
            attribute = std::string(to_string(*a.edge_attribute));
          }
          if (const auto* agent = std::get_if<AgentTarget>(&a.target)) {
            what = fmt::format("{} {}", agent->agent, attribute);
          } else if (const auto* edge = std::get_if<EdgeTarget>(&a.target)) {
            const bool directed = a.edge_attribute && is_directed(*a.edge_attribute);
            const std::string holder = edge->from.empty() ? edge->a : edge->from;
            what = directed ? fmt::format("{}-{} {} (of {})", edge->a, edge->b, attribute, holder)
                            : fmt::format("{}-{} {}", edge->a, edge->b, attribute);
          }
          if (a.strategy) return fmt::format("{} set to {}", what, to_string(*a.strategy));
          if (a.is_shift) return fmt::format("{} {}{}", what, a.value >= 0 ? "+" : "", a.value);
          return fmt::format("{} set to {}", what, a.value);
        }
      },
      e.action);
  const Timing& t = e.timing;
  if (t.at) {
    if (t.probability) text += fmt::format(", with probability {}", *t.probability);
  } else {
    const int until = t.until_step.value_or(last_step);
    text += fmt::format(", with probability {} at each step {}-{}", t.probability.value_or(1.0), t.from_step, until);
  }
  return text;
}

std::string event_json(const Event& e, int last_step) {
  const Timing& t = e.timing;
  const std::string step = t.at ? std::to_string(*t.at) : std::string("null");
  const std::string first = t.at ? step : std::to_string(t.from_step);
  const std::string last = t.at ? step : std::to_string(t.until_step.value_or(last_step));
  return fmt::format("{{\"step\":{},\"first\":{},\"last\":{},\"text\":{}}}", step, first, last,
                     json_string(event_text(e, last_step)));
}

std::string bloc_text(const Bloc& b) {
  std::string members;
  for (std::size_t i = 0; i < b.members.size(); ++i) members += (i ? ", " : "") + b.members[i];
  const std::string when = b.until == std::numeric_limits<int>::max()
                               ? fmt::format("from step {}", b.from)
                               : fmt::format("steps {}-{}", b.from, b.until);
  return fmt::format("{}: {} (cohesion {}, {})", b.name, members, b.cohesion, when);
}

// The scenario in the words the report shows: name, description, time,
// agents, events, blocs, policies and outcomes.
std::string scenario_info_json(const Scenario& s) {
  const int last = s.time.steps - 1;
  std::vector<std::string> agents, events, blocs, policies, outcomes;
  for (const AgentSpec& a : s.agents) {
    agents.push_back(fmt::format("{{\"id\":{},\"name\":{}}}", json_string(a.id), json_string(a.name)));
  }
  for (const Event& e : s.events) events.push_back(event_json(e, last));
  for (const Bloc& b : s.blocs) blocs.push_back(bloc_text(b));
  for (const Policy& p : s.policies) {
    std::vector<std::string> pe, pb, changes;
    for (const Event& e : p.events) pe.push_back(event_json(e, last));
    for (const Bloc& b : p.blocs) pb.push_back(bloc_text(b));
    for (const ParameterPatch& q : p.parameters) changes.push_back(fmt::format("{} = {}", q.name, q.value));
    for (const AgentPatch& q : p.agents) {
      if (q.strategy) {
        changes.push_back(fmt::format("{}.strategy = {}", q.agent, to_string(*q.strategy)));
      } else if (q.attribute) {
        changes.push_back(fmt::format("{}.{} = {}", q.agent, to_string(*q.attribute), q.value));
      }
    }
    policies.push_back(fmt::format("{{\"name\":{},\"description\":{},\"events\":{},\"blocs\":{},\"changes\":{}}}",
                                   json_string(p.name), json_string(p.description), json_array(pe),
                                   json_strings(pb), json_strings(changes)));
  }
  for (const OutcomeSpec& o : s.outcomes) {
    const std::string of = o.is_edge ? o.source + "→" + o.target : o.agent;
    const std::string label = fmt::format("{} {} of {}", to_string(o.aggregate), o.metric, of);
    outcomes.push_back(fmt::format("{{\"name\":{},\"label\":{},\"better\":{},\"metric\":{}}}", json_string(o.name),
                                   json_string(label), json_string(o.higher_is_better ? "higher" : "lower"),
                                   json_string(o.metric)));
  }
  return fmt::format(
      "{{\"name\":{},\"description\":{},\"file\":{},\"start\":{},\"dt\":{},\"steps\":{},\"seed\":{},"
      "\"agents\":{},\"events\":{},\"blocs\":{},\"policies\":{},\"outcomes\":{}}}\n",
      json_string(s.name), json_string(s.description), json_string(s.source_file), s.time.start, s.time.dt,
      s.time.steps, s.seed, json_array(agents), json_array(events), json_strings(blocs), json_array(policies),
      json_array(outcomes));
}

// --- files -----------------------------------------------------------------

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A private temporary folder, removed with everything in it at the end.
class WorkDir {
 public:
  WorkDir() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "geosim-report-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(fmt::format("cannot create a temporary folder in {}: {}", base.string(),
                                           std::strerror(errno)));
    }
    path_ = pattern;
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Removes a file at the end unless released.
// What SOURCE is. A directory must be a run folder; a file starting with the
// SQLite header must be a geosim results database of this layout; anything
// else is read as a scenario.
SourceKind classify(const fs::path& source) {
  std::error_code ec;
  if (!fs::exists(source, ec)) throw UsageError(fmt::format("no such file or folder: {}", source.string()));
  if (fs::is_directory(source, ec)) {
    std::vector<std::string> missing;
    for (const char* f : {"manifest.json", "agents.csv", "edges.csv", "outcomes.csv"}) {
      if (!fs::is_regular_file(source / f, ec)) missing.emplace_back(f);
    }
    if (missing.empty()) return SourceKind::kRunFolder;
    std::vector<std::string> runs;
    for (const auto& entry : fs::directory_iterator(source, ec)) {
      if (entry.is_directory(ec) && fs::is_regular_file(entry.path() / "manifest.json", ec)) {
        runs.push_back(entry.path().filename().string());
      }
    }
    std::sort(runs.begin(), runs.end());
    if (!runs.empty()) {
      std::string list;
      for (std::size_t i = 0; i < runs.size() && i < 6; ++i) list += (i ? ", " : "") + runs[i];
      throw UsageError(fmt::format(
          "{} holds several run folders ({}{}); report one of them (geosim report {}) or the scenario itself",
          source.string(), list, runs.size() > 6 ? ", ..." : "", (source / runs.front()).string()));
    }
    std::string list;
    for (std::size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
    throw UsageError(fmt::format("{} is not a `geosim run` folder ({} missing)", source.string(), list));
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read {}", source.string()));
  std::array<unsigned char, 100> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  static constexpr char kMagic[] = "SQLite format 3";  // followed by a NUL
  if (got >= 16 && std::memcmp(head.data(), kMagic, 16) == 0) {
    if (got < 100) throw UsageError(fmt::format("{} is a damaged SQLite file", source.string()));
    auto be32 = [&](std::size_t at) {
      return (std::uint32_t{head[at]} << 24) | (std::uint32_t{head[at + 1]} << 16) |
             (std::uint32_t{head[at + 2]} << 8) | std::uint32_t{head[at + 3]};
    };
    if (be32(68) != 0x47454F53U) {
      throw UsageError(fmt::format("{} is a SQLite database but not a geosim results database", source.string()));
    }
    if (be32(60) != 1U) {
      throw UsageError(fmt::format("{} is a geosim results database of layout version {}; this geosim reads "
                                   "version 1",
                                   source.string(), be32(60)));
    }
    return SourceKind::kDatabase;
  }
  return SourceKind::kScenario;
}

fs::path default_out(const fs::path& source, SourceKind kind) {
  switch (kind) {
    case SourceKind::kRunFolder: return source / "report.html";
    case SourceKind::kDatabase: {
      fs::path out = source;
      return out.replace_filename(source.stem().string() + "_report.html");
    }
    case SourceKind::kScenario: return fs::path(source.stem().string() + "_report.html");
  }
  return "report.html";
}

std::string self_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.string();
}

std::string python_interpreter() {
  if (const char* env = std::getenv("GEOSIM_PYTHON"); env != nullptr && *env != '\0') return env;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

fs::path report_tool() {
  const char* env = std::getenv("GEOSIM_REPORT_TOOL");
  const fs::path tool = env != nullptr && *env != '\0' ? fs::path(env) : fs::path(GEOSIM_REPORT_TOOL_DEFAULT);
  std::error_code ec;
  if (!fs::is_regular_file(tool, ec)) {
    throw std::runtime_error(fmt::format("the report tool {} is not there; set GEOSIM_REPORT_TOOL to "
                                         "tools/report/geosim_report.py of a geosim source tree",
                                         tool.string()));
  }
  return tool;
}

// Runs `argv` (no shell) with this process's standard error and standard
// output, and returns its exit status (128 + signal when killed). SIGINT and
// SIGTERM that reach geosim are passed on to the child, which then stops.
int spawn_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    throw std::runtime_error(fmt::format("cannot start {}: {}{}", args[0], std::strerror(rc),
                                         rc == ENOENT ? " (set GEOSIM_PYTHON to a Python 3 interpreter)" : ""));
  }
  bool forwarded = false;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
    if (interrupted() && !forwarded) {
      ::kill(pid, SIGTERM);
      forwarded = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int run_report(const ReportCommand& cmd, const std::string& command_line) {
  const fs::path source = cmd.source;
  const SourceKind kind = classify(source);
  if (kind != SourceKind::kScenario) {
    for (const CLI::Option* o : {cmd.runs_opt, cmd.seed_opt, cmd.policies_opt}) {
      if (*o) {
        throw UsageError(fmt::format("{} applies to a scenario SOURCE only ({} holds finished runs)", o->get_name(),
                                     source.string()));
      }
    }
  }
  if (kind == SourceKind::kScenario) check_limit("runs", cmd.runs, fmt::format("--runs {}", cmd.runs));
  fs::path out = cmd.out.empty() ? default_out(source, kind) : fs::path(cmd.out);
  std::error_code ec;
  if (fs::is_directory(out, ec)) throw UsageError(fmt::format("--out {} is a folder; name an HTML file", out.string()));
  if (fs::exists(out, ec) && !cmd.force) {
    throw UsageError(fmt::format("'{}' already exists; choose another --out or add --force to replace it",
                                 out.string()));
  }
  prepare_parent(out);  // missing folders are created, as by `geosim run`
  const fs::path tool = report_tool();
  const std::string python = python_interpreter();
  const std::string self = self_executable();
  auto say = [&](const std::string& text) {
    if (!cmd.quiet) fmt::print(stderr, "geosim report: {}\n", text);
  };

  WorkDir work;
  std::vector<std::string> args = {python, tool.string()};
  std::string info_note;
  std::optional<Scenario> scenario;

  if (kind == SourceKind::kScenario) {
    const LoadedScenario loaded = read_scenario(source);
    scenario = loaded.scenario;
    // The policies first, so that a wrong name stops before any run.
    std::vector<std::string> requested;
    if (*cmd.policies_opt) {
      if (loaded.scenario.policies.empty()) {
        throw UsageError(fmt::format("--policies: {} declares no policies", source.string()));
      }
      std::stringstream list(cmd.policies);
      for (std::string p; std::getline(list, p, ',');) requested.push_back(p);
    }
    std::vector<std::string> policies;
    if (!loaded.scenario.policies.empty()) policies = resolve_policies(loaded.scenario, requested);
    const ThreadLimit limit(static_cast<std::size_t>(cmd.threads));
    RunOptions run;
    if (*cmd.seed_opt) run.seed = cmd.seed;
    run.runs = cmd.runs;
    run.threads = cmd.threads;
    run.out = work.path() / "runs";
    run.quiet = true;
    run.command_line = command_line;
    say(fmt::format("running {} run{} of {} (baseline)", cmd.runs, cmd.runs == 1 ? "" : "s", loaded.scenario.name));
    run_job(loaded.scenario, loaded.text, run);
    args.insert(args.end(), {"--run-folder", run.out.string(), "--run-folder-label",
                             "a temporary folder of runs made for this report (not kept)"});
    std::string origin = fmt::format("Report of the scenario {}: {} run{} of the baseline", source.filename().string(),
                                     cmd.runs, cmd.runs == 1 ? "" : "s");
    if (!policies.empty()) {
      CompareOptions compare;
      compare.policies = requested;
      compare.seed = run.seed;
      compare.runs = cmd.runs;
      compare.threads = cmd.threads;
      compare.out = work.path() / "compare";
      compare.db = work.path() / "compare.db";
      compare.quiet = true;
      compare.command_line = command_line;
      say(fmt::format("comparing {} polic{} with the baseline on the same {} run{}", policies.size() - 1,
                      policies.size() == 2 ? "y" : "ies", cmd.runs, cmd.runs == 1 ? "" : "s"));
      compare_job(loaded.scenario, loaded.text, compare);
      args.insert(args.end(), {"--db", compare.db.string(), "--db-label",
                               "a temporary database made for this report (not kept)"});
      origin += fmt::format(", and the baseline compared with {} polic{} on the same run indices",
                            policies.size() - 1, policies.size() == 2 ? "y" : "ies");
    }
    args.insert(args.end(), {"--origin", origin + " (made for this report)"});
  } else {
    // The scenario behind the results: the database holds its text; a run
    // folder names its file (used only if it is unchanged: same SHA-256).
    const fs::path text_file = work.path() / "scenario.yaml";
    std::vector<std::string> extract = {python, tool.string(), "--extract-scenario", source.string(), "--out",
                                        text_file.string()};
    if (cmd.quiet) extract.emplace_back("--quiet");
    const int rc = spawn_and_wait(extract);
    if (interrupted()) throw Interrupted("no report written");
    if (rc == 2) return kBadInput;  // the tool said why
    if (rc == 0) {
      try {
        scenario = load_scenario_from_string(read_file(text_file), source.string());
      } catch (const ScenarioError&) {
        info_note = "The scenario behind these results no longer reads as a valid scenario here, so its "
                    "description and events are left out.";
        say("note: the scenario cannot be read; the report leaves out its description and events");
      }
    } else if (rc == 3) {
      info_note = "The scenario file of this run folder is gone or has changed since the run, so its "
                  "description and events are left out.";
    } else {
      throw std::runtime_error(fmt::format("the report tool failed (status {}) reading {}; no report written", rc,
                                           source.string()));
    }
    args.insert(args.end(), {kind == SourceKind::kRunFolder ? "--run-folder" : "--db", source.string()});
  }
  if (scenario) {
    const fs::path info = work.path() / "scenario.json";
    write_file(info, scenario_info_json(*scenario));
    args.insert(args.end(), {"--scenario-info", info.string()});
  }
  if (!info_note.empty()) args.insert(args.end(), {"--info-note", info_note});
  if (!self.empty()) args.insert(args.end(), {"--geosim", self});
  if (!cmd.agents.empty()) args.insert(args.end(), {"--agents", cmd.agents});
  args.insert(args.end(), {"--great-powers", std::to_string(cmd.great_powers)});
  if (!cmd.powers.empty()) args.insert(args.end(), {"--powers", cmd.powers});
  if (*cmd.run_opt) args.insert(args.end(), {"--run", std::to_string(cmd.run)});
  if (cmd.quiet) args.emplace_back("--quiet");

  // The tool writes into the private folder; geosim then writes the file
  // itself (AtomicFile: whole or not at all, and a full disk or a folder
  // that cannot be written is reported naming the file).
  const fs::path drawn = work.path() / "report.html";
  args.insert(args.end(), {"--out", drawn.string()});
  say("drawing the report");
  const int rc = spawn_and_wait(args);
  if (interrupted() || rc == 130 || rc == 128 + SIGINT || rc == 128 + SIGTERM) throw Interrupted("no report written");
  if (rc == 2) return kBadInput;  // the tool printed the reason
  if (rc != 0 || !fs::is_regular_file(drawn, ec)) {
    throw std::runtime_error(fmt::format("the report tool failed (status {}); no report written", rc));
  }
  {
    AtomicFile file(out, cmd.force);
    file.write(read_file(drawn));
    if (interrupted()) throw Interrupted("no report written");
    file.commit();
  }
  if (!cmd.quiet) fmt::print(stderr, "geosim: report written to {} (open it in a browser)\n", out.string());
  return kOk;
}

}  // namespace geosim::cli
