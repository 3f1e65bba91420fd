// geosim sweep: parameters, common random numbers, determinism across thread
// counts, and the kill-and-resume guarantee (a real sweep killed by a signal).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/sweep.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using Scratch = geosim::test::ScratchDir;

const std::string kMongolia = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/mongolia_2019.yaml";

// Runs geosim with arguments; returns the exit status.
int run_geosim(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(GEOSIM_EXE)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // dup2, not freopen: freopen would flush the stdio buffer inherited from
    // the test runner and print its pending output a second time.
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(GEOSIM_EXE, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The outcomes of a database, exported as tidy CSV.
std::string exported_outcomes(const fs::path& db, const fs::path& dir) {
  REQUIRE(run_geosim({"export", db.string(), "--to", "csv", dir.string()}) == 0);
  return geosim::test::read_file(dir / "outcomes.csv") + geosim::test::read_file(dir / "points.csv");
}

std::vector<std::string> sweep_args(const fs::path& db, const std::string& extra_samples = "300") {
  return {"sweep", kMongolia, "--design", "lhs", "--samples", extra_samples, "--replicates", "8", "--db", db.string(),
          "--quiet"};
}

}  // namespace

TEST_CASE("sweep: --param parses ranges and levels, and rejects the rest", "[sweep]") {
  const auto range = geosim::parse_sweep_param("parameters.commitment=0.25:0.75");
  CHECK(range.path == "parameters.commitment");
  CHECK(*range.min == 0.25);
  CHECK(*range.max == 0.75);
  const auto levels = geosim::parse_sweep_param("agents.MNG.weights.autonomy=0.5,1,1.5");
  CHECK(levels.values == std::vector<double>{0.5, 1, 1.5});
  CHECK(geosim::parse_sweep_param("seed=3").values == std::vector<double>{3});
  CHECK_THROWS_AS(geosim::parse_sweep_param("parameters.commitment"), geosim::UsageError);
  CHECK_THROWS_AS(geosim::parse_sweep_param("parameters.commitment=a:1"), geosim::UsageError);
  CHECK_THROWS_AS(geosim::parse_sweep_param("parameters.commitment=1:0"), geosim::UsageError);
  CHECK_THROWS_AS(geosim::parse_sweep_param("parameters.commitment=nan"), geosim::UsageError);
}

TEST_CASE("sweep: options override the scenario's sweep section, and bad paths are usage errors", "[sweep]") {
  const geosim::Scenario s = geosim::load_scenario(kMongolia);
  REQUIRE(s.sweep.has_value());
  geosim::SweepOptions o;
  o.design = geosim::Design::kGrid;
  o.replicates = 3;
  o.params = {geosim::parse_sweep_param("parameters.commitment=0.25,0.5")};
  const geosim::SweepSpec spec = geosim::effective_sweep(s, o);
  CHECK(spec.design == geosim::Design::kGrid);
  CHECK(spec.replicates == 3);
  REQUIRE(spec.parameters.size() == 1);
  o.params = {geosim::parse_sweep_param("parameters.comitment=0.25,0.5")};
  CHECK_THROWS_WITH(geosim::effective_sweep(s, o), Catch::Contains("comitment"));
}

TEST_CASE("sweep: results are identical at 1 and 2 threads", "[sweep][determinism]") {
  Scratch s;
  auto args1 = sweep_args(s.dir / "t1.db", "40");
  args1.insert(args1.end(), {"--threads", "1"});
  auto args2 = sweep_args(s.dir / "t2.db", "40");
  args2.insert(args2.end(), {"--threads", "2"});
  REQUIRE(run_geosim(args1) == 0);
  REQUIRE(run_geosim(args2) == 0);
  CHECK(exported_outcomes(s.dir / "t1.db", s.dir / "e1") == exported_outcomes(s.dir / "t2.db", s.dir / "e2"));
}

TEST_CASE("sweep: an existing database is refused without --resume", "[sweep]") {
  Scratch s;
  REQUIRE(run_geosim(sweep_args(s.dir / "x.db", "4")) == 0);
  CHECK(run_geosim(sweep_args(s.dir / "x.db", "4")) == 2);
  auto other = sweep_args(s.dir / "x.db", "5");  // another experiment
  other.push_back("--resume");
  CHECK(run_geosim(other) == 2);
  auto same = sweep_args(s.dir / "x.db", "4");
  same.push_back("--resume");
  CHECK(run_geosim(same) == 0);  // nothing left to do
}

TEST_CASE("sweep: killed with SIGKILL or SIGINT, --resume ends with exactly the uninterrupted results",
          "[sweep][resume]") {
  Scratch s;
  REQUIRE(run_geosim(sweep_args(s.dir / "whole.db")) == 0);
  const std::string whole = exported_outcomes(s.dir / "whole.db", s.dir / "whole_csv");

  for (int sig : {SIGKILL, SIGINT}) {
    INFO("signal " << sig);
    const fs::path db = s.dir / ("cut" + std::to_string(sig) + ".db");
    const auto args = sweep_args(db);
    const pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv{const_cast<char*>(GEOSIM_EXE)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      ::execv(GEOSIM_EXE, argv.data());
      ::_exit(127);
    }
    // Let it store a few batches (the WAL grows), then kill it mid-sweep.
    const fs::path wal = db.string() + "-wal";
    for (int i = 0; i < 400; ++i) {
      std::error_code ec;
      if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 64 * 1024) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (sig == SIGKILL) {
      CHECK(WIFSIGNALED(status));
    } else {
      // SIGINT: the current batch is stored, then exit 130 (or 0 if it had finished).
      CHECK(WIFEXITED(status));
      CHECK((WEXITSTATUS(status) == 130 || WEXITSTATUS(status) == 0));
    }
    auto resume = args;
    resume.push_back("--resume");
    REQUIRE(run_geosim(resume) == 0);
    CHECK(exported_outcomes(db, s.dir / ("cut_csv" + std::to_string(sig))) == whole);
  }
}
