// End-to-end tests of the `geosim` command: exit statuses, files written,
// atomic output, --force, determinism across thread counts, help and version.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using Result = geosim::test::CommandResult;
using geosim::test::run_geosim;

using Scratch = geosim::test::ScratchDir;

std::string quote(const std::string& s) { return geosim::test::shell_quote(s); }


std::string scenario(const std::string& name) { return quote(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/" + name); }

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

bool only_entry_is(const fs::path& dir, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names.size() == 1 && names[0] == name;
}

}  // namespace

TEST_CASE("cli: --version and --help on every command", "[cli]") {
  const Result v = run_geosim("--version");
  CHECK(v.status == 0);
  CHECK_THAT(v.out, Catch::Contains("geosim 0."));
  const Result h = run_geosim("--help");
  CHECK(h.status == 0);
  for (const char* cmd : {"run", "validate", "describe", "sweep", "compare", "export", "check"}) {
    CHECK_THAT(h.out, Catch::Contains(cmd));
    const Result sub = run_geosim(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(sub.status == 0);
    CHECK_THAT(sub.out, Catch::Contains("Examples:"));
  }
}

TEST_CASE("cli: usage errors exit with status 2", "[cli]") {
  CHECK(run_geosim("").status == 2);                    // no command
  CHECK(run_geosim("frobnicate").status == 2);          // unknown command
  const Result typo = run_geosim("rnu x.yaml");
  CHECK(typo.status == 2);
  CHECK_THAT(typo.err, Catch::Contains("unknown command 'rnu'; did you mean 'run'?"));
  CHECK(run_geosim("run").status == 2);                 // missing scenario
  CHECK(run_geosim("run " + scenario("triad.yaml") + " --runs 0").status == 2);
  CHECK(run_geosim("run " + scenario("triad.yaml") + " --bogus").status == 2);
}

TEST_CASE("cli: validate accepts every bundled scenario", "[cli]") {
  for (const auto& e : fs::directory_iterator(fs::path(GEOSIM_SOURCE_DIR) / "scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    const Result r = run_geosim("validate " + quote(e.path().string()));
    INFO(e.path() << "\n" << r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::EndsWith(": OK\n"));
  }
}

TEST_CASE("cli: validate reports errors with file, line and column and exits 2", "[cli]") {
  Scratch s;
  const fs::path bad = s.dir / "bad.yaml";
  std::ofstream(bad) << "geosim: 1\nname: x\ntime: {steps: 3}\nagents:\n  - {id: A, gdp: 1, gpd: 2}\n";
  const fs::path good = fs::path(GEOSIM_SOURCE_DIR) / "scenarios" / "triad.yaml";
  const Result r = run_geosim("validate " + quote(good.string()) + " " + quote(bad.string()));
  CHECK(r.status == 2);
  CHECK_THAT(r.out, Catch::Contains("triad.yaml: OK"));
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:5:"));
  CHECK_THAT(r.err, Catch::Contains("unknown key 'gpd'"));
  CHECK(run_geosim("validate " + quote((s.dir / "missing.yaml").string())).status == 2);
}

TEST_CASE("cli: run writes the four files with the documented columns", "[cli]") {
  Scratch s;
  const fs::path out = s.dir / "triad";
  const Result r = run_geosim("run " + scenario("triad.yaml") + " --runs 3 --steps 4 --out " + quote(out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string agents = geosim::test::read_file(out / "agents.csv");
  const std::string edges = geosim::test::read_file(out / "edges.csv");
  const std::string outcomes = geosim::test::read_file(out / "outcomes.csv");
  const std::string manifest = geosim::test::read_file(out / "manifest.json");
  CHECK_THAT(agents, Catch::StartsWith("run,step,year,agent,strategy,main_threat,threat,counterweight,security,gdp,"
                                       "military,power,autonomy,hhi,top_dependence,u_balance,u_bandwagon,u_hedge\n"));
  CHECK_THAT(edges, Catch::StartsWith("run,step,year,source,target,alignment,exports,investment,aid,security,"
                                      "sanction,dependence,threat,reward\n"));
  CHECK_THAT(outcomes, Catch::StartsWith("run,policy,seed,"));
  CHECK(count_lines(outcomes) == 1 + 3);
  const auto a = geosim::test::parse_csv(agents);
  CHECK(a.rows.size() % (3 * 4) == 0);  // runs x steps x agents
  CHECK(a.rows.front()[0] == "0");
  CHECK(a.rows.back()[0] == "2");
  CHECK(a.rows.back()[1] == "3");
  for (const char* key : {"\"geosim_version\"", "\"sha256\"", "\"policy\": \"baseline\"", "\"runs\": 3",
                          "\"parameters\"", "\"threads\"", "\"started_utc\"", "\"duration_s\""}) {
    CHECK_THAT(manifest, Catch::Contains(key));
  }
  // Nothing but the folder itself was left next to it.
  CHECK(only_entry_is(s.dir, "triad"));
}

TEST_CASE("cli: output is byte-identical for 1, 2 and 4 threads", "[cli][determinism]") {
  Scratch s;
  std::vector<std::string> files[3];
  const int threads[3] = {1, 2, 4};
  for (int k = 0; k < 3; ++k) {
    const fs::path out = s.dir / ("t" + std::to_string(threads[k]));
    const Result r = run_geosim("run " + scenario("mongolia_2019.yaml") + " --runs 5 --steps 10 --threads " +
                            std::to_string(threads[k]) + " --out " + quote(out.string()));
    REQUIRE(r.status == 0);
    for (const char* f : {"agents.csv", "edges.csv", "outcomes.csv"}) files[k].push_back(geosim::test::read_file(out / f));
  }
  CHECK(files[0] == files[1]);
  CHECK(files[0] == files[2]);
}

TEST_CASE("cli: an existing output folder is kept unless --force", "[cli]") {
  Scratch s;
  const fs::path out = s.dir / "res";
  fs::create_directories(out);
  std::ofstream(out / "precious.txt") << "keep me";
  const Result r = run_geosim("run " + scenario("triad.yaml") + " --out " + quote(out.string()));
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("already exists"));
  CHECK(geosim::test::read_file(out / "precious.txt") == "keep me");
  CHECK(only_entry_is(s.dir, "res"));

  const Result f = run_geosim("run " + scenario("triad.yaml") + " --force --out " + quote(out.string()));
  CHECK(f.status == 0);
  CHECK(fs::exists(out / "agents.csv"));
  CHECK_FALSE(fs::exists(out / "precious.txt"));
  CHECK(only_entry_is(s.dir, "res"));
}

TEST_CASE("cli: invalid input leaves no output behind", "[cli]") {
  Scratch s;
  const fs::path bad = s.dir / "bad.yaml";
  std::ofstream(bad) << "geosim: 1\nname: x\ntime: {steps: 3}\nagents:\n  - {id: A, gdp: -1}\n";
  const Result r = run_geosim("run " + quote(bad.string()) + " --out " + quote((s.dir / "out").string()));
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:5:"));
  CHECK(only_entry_is(s.dir, "bad.yaml"));

  const Result p = run_geosim("run " + scenario("triad.yaml") + " --policy no_such_policy --out " + quote((s.dir / "out").string()));
  CHECK(p.status == 2);
  CHECK_THAT(p.err, Catch::Contains("unknown policy 'no_such_policy'"));
  CHECK(only_entry_is(s.dir, "bad.yaml"));
}

TEST_CASE("cli: missing parent folders of --out are created", "[cli]") {
  Scratch s;
  const fs::path out = s.dir / "a" / "b" / "res";
  const Result r = run_geosim("run " + scenario("triad.yaml") + " --steps 2 --out " + quote(out.string()));
  CHECK(r.status == 0);
  CHECK(fs::exists(out / "agents.csv"));
  CHECK(only_entry_is(out.parent_path(), "res"));
}

TEST_CASE("cli: without --out, a new folder named after the scenario", "[cli]") {
  Scratch s;
  const Result r = run_geosim("run " + scenario("triad.yaml") + " --steps 2", s.dir);
  REQUIRE(r.status == 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(s.dir)) names.push_back(e.path().filename().string());
  REQUIRE(names.size() == 1);
  CHECK_THAT(names[0], Catch::StartsWith("triad_"));
  CHECK(fs::exists(s.dir / names[0] / "manifest.json"));
}

TEST_CASE("cli: policies and seeds change results, the same seed reproduces them", "[cli]") {
  Scratch s;
  auto run = [&](const std::string& extra, const std::string& name) {
    const Result r = run_geosim("run " + scenario("mongolia_2019.yaml") + " --runs 2 " + extra + " --out " +
                            quote((s.dir / name).string()));
    REQUIRE(r.status == 0);
    return geosim::test::read_file(s.dir / name / "agents.csv");
  };
  const std::string base = run("--seed 5", "a");
  CHECK(run("--seed 5", "b") == base);
  CHECK(run("--seed 6", "c") != base);
  CHECK(run("--seed 5 --policy no_investment_cap", "d") != base);
}

TEST_CASE("cli: describe lists the policies", "[cli]") {
  const Result r = run_geosim("describe " + scenario("mongolia_2019.yaml") + " --policies");
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("baseline\n"));
  for (const char* p : {"third_neighbor_trade_act", "steppe_bloc", "dalai_lama_offense", "no_investment_cap",
                        "power_of_siberia_2"}) {
    CHECK_THAT(r.out, Catch::Contains(std::string(p) + "\n"));
  }
  const Result full = run_geosim("describe " + scenario("mongolia_2019.yaml"));
  CHECK(full.status == 0);
  CHECK_THAT(full.out, Catch::Contains("MNG"));
}

TEST_CASE("cli: an interrupted run leaves nothing behind", "[cli]") {
  Scratch s;
  const fs::path out = s.dir / "long";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    const std::string scen = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/mongolia_2019.yaml";
    ::execl(GEOSIM_EXE, GEOSIM_EXE, "run", scen.c_str(), "--runs", "1000000", "--threads", "1", "--out",
            out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the run has started writing (its temporary folder exists).
  for (int i = 0; i < 200 && std::distance(fs::directory_iterator(s.dir), fs::directory_iterator{}) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(fs::is_empty(s.dir));
}
