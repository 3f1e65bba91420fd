// compare.hpp and `geosim compare`: policies resolved, runs on common random
// numbers, the statistics of a comparison, the files and the table, the
// no-randomness note, `better: lower`, and the command end to end.
#include "geosim/compare.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include "geosim/emit.hpp"
#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/observe.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using geosim::test::close_to;
using geosim::test::entries;

namespace {

geosim::Scenario triad() { return geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/triad.yaml"); }

// The triad without its probabilistic events: nothing random is left (the
// noise parameters and the choice temperature are 0 by default).
geosim::Scenario triad_without_noise() {
  geosim::Scenario s = triad();
  std::erase_if(s.events, [](const geosim::Event& e) { return e.timing.probability.has_value(); });
  for (geosim::Policy& p : s.policies) {
    std::erase_if(p.events, [](const geosim::Event& e) { return e.timing.probability.has_value(); });
  }
  return s;
}

const geosim::CompareRow& row_of(const geosim::Comparison& c, const std::string& outcome, const std::string& policy) {
  for (const geosim::CompareRow& r : c.rows) {
    if (c.runs.outcomes[r.outcome].name == outcome && c.runs.policies[r.policy] == policy) return r;
  }
  throw std::runtime_error("no row " + outcome + "/" + policy);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("compare: policies are the baseline, then the ones asked for, each once", "[compare]") {
  const geosim::Scenario s = triad();
  using V = std::vector<std::string>;
  CHECK(geosim::resolve_policies(s, {}) == V{"baseline", "open_market", "giant_pressure"});
  CHECK(geosim::resolve_policies(s, {"giant_pressure"}) == V{"baseline", "giant_pressure"});
  CHECK(geosim::resolve_policies(s, {"giant_pressure", "baseline", "open_market", "giant_pressure"}) ==
        V{"baseline", "giant_pressure", "open_market"});
  try {
    geosim::resolve_policies(s, {"open_market", "open_markets"});
    FAIL("no error for an unknown policy");
  } catch (const geosim::UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown policy 'open_markets'"));
    CHECK_THAT(e.what(), Catch::Contains("known policies: baseline, open_market, giant_pressure"));
  }
  CHECK_THROWS_AS(geosim::resolve_policies(s, {"open_market", ""}), geosim::UsageError);
  CHECK_THROWS_WITH(geosim::resolve_policies(s, {"baseline"}), Catch::Contains("no policy to compare"));
  geosim::Scenario bare = s;
  bare.policies.clear();
  CHECK_THROWS_WITH(geosim::resolve_policies(bare, {}), Catch::Contains("declares no policies"));
}

TEST_CASE("compare: the triad on common random numbers", "[compare]") {
  const geosim::Scenario s = triad();
  const auto policies = geosim::resolve_policies(s, {});
  constexpr std::uint64_t kRuns = 20;
  const geosim::CompareRuns runs = geosim::run_policies(s, policies, s.seed, kRuns);
  REQUIRE(runs.values.size() == 3);
  REQUIRE(runs.values[0].size() == kRuns);
  REQUIRE(runs.outcomes.size() == s.outcomes.size());

  SECTION("run r of each policy is `geosim run`'s run r: the draws of (seed, r)") {
    for (std::size_t p = 0; p < policies.size(); ++p) {
      geosim::Scenario e = geosim::with_policy(s, policies[p]);
      const geosim::Model m = geosim::compile(e);
      for (std::uint64_t r : {std::uint64_t{0}, std::uint64_t{7}, kRuns - 1}) {
        geosim::RunRecorder rec(m, r, false);
        geosim::simulate(m, {s.seed, r}, [&](const geosim::StepView& v) { rec.record(v); });
        CHECK(rec.outcomes() == runs.values[p][r]);
      }
    }
  }

  const geosim::Comparison c = geosim::summarize(runs, 0);
  CHECK_FALSE(c.identical_runs);  // the probabilistic sanction makes runs differ
  REQUIRE(c.rows.size() == s.outcomes.size() * 3);

  SECTION("every row agrees with stats.hpp on the same numbers") {
    for (const geosim::CompareRow& row : c.rows) {
      const std::string& name = c.runs.outcomes[row.outcome].name;
      INFO(name << " / " << c.runs.policies[row.policy]);
      std::vector<double> mine, base;
      for (std::size_t r = 0; r < kRuns; ++r) {
        mine.push_back(*runs.values[row.policy][r][row.outcome]);
        base.push_back(*runs.values[0][r][row.outcome]);
      }
      CHECK(row.n == kRuns);
      CHECK(row.mean == geosim::stats::mean(mine));
      CHECK(row.sd == geosim::stats::sample_sd(mine));
      if (row.policy == 0) {
        CHECK_FALSE(row.paired);
        continue;
      }
      REQUIRE(row.paired);
      const geosim::stats::PairedSummary& p = *row.paired;
      CHECK(p.n == kRuns);
      CHECK_THAT(p.diff, close_to(geosim::stats::mean(mine) - geosim::stats::mean(base)));
      REQUIRE(p.t);
      CHECK(p.t->low <= p.diff);
      CHECK(p.t->high >= p.diff);
      CHECK(p.share_better >= 0.0);
      CHECK(p.share_better <= 1.0);
      CHECK_FALSE(p.bootstrap);
    }
  }

  SECTION("the giant's pressure deepens the small state's dependence in every run") {
    // triad.yaml's comment: giant_pressure "deepens SML's dependence on the Giant".
    const geosim::CompareRow& row = row_of(c, "sml_dependence_on_giant", "giant_pressure");
    REQUIRE(row.paired);
    CHECK(row.paired->diff > 0);
    CHECK(row.paired->t->low > 0);
    CHECK(row.paired->share_better == 1.0);  // higher is better by default: "better" means higher
  }

  SECTION("the bootstrap: deterministic, close to the t interval") {
    const geosim::Comparison b1 = geosim::summarize(runs, 400);
    const geosim::Comparison b2 = geosim::summarize(runs, 400);
    CHECK(geosim::compare_csv(b1) == geosim::compare_csv(b2));
    const geosim::CompareRow& row = row_of(b1, "sml_giant_tilt", "open_market");
    REQUIRE(row.paired->bootstrap);
    CHECK(row.paired->bootstrap->low <= row.paired->diff);
    CHECK(row.paired->bootstrap->high >= row.paired->diff);
    const double t_width = row.paired->t->high - row.paired->t->low;
    const double b_width = row.paired->bootstrap->high - row.paired->bootstrap->low;
    CHECK(b_width > 0.3 * t_width);
    CHECK(b_width < 1.5 * t_width);
  }

  SECTION("compare.csv and runs.csv") {
    const auto csv = geosim::test::parse_csv(geosim::compare_csv(c));
    CHECK(csv.header == std::vector<std::string>{"outcome", "policy", "better", "n", "mean", "sd", "pairs", "diff",
                                                 "sd_diff", "ci_low", "ci_high", "boot_low", "boot_high", "effect_dz",
                                                 "effect_d", "share_better"});
    REQUIRE(csv.rows.size() == c.rows.size());
    CHECK(csv.rows[0][0] == s.outcomes[0].name);
    CHECK(csv.rows[0][1] == "baseline");
    CHECK(csv.rows[0][csv.column("diff")].empty());
    CHECK(csv.rows[1][1] == "open_market");
    CHECK(csv.rows[1][csv.column("pairs")] == "20");
    CHECK_FALSE(csv.rows[1][csv.column("ci_low")].empty());
    CHECK(csv.rows[1][csv.column("boot_low")].empty());
    const auto r = geosim::test::parse_csv(geosim::runs_csv(runs));
    CHECK(r.header[0] == "run");
    CHECK(r.header[1] == "policy");
    CHECK(r.header[2] == "seed");
    CHECK(r.header.size() == 3 + s.outcomes.size());
    CHECK(r.rows.size() == 3 * kRuns);
    CHECK(r.rows[kRuns][0] == "0");
    CHECK(r.rows[kRuns][1] == "open_market");
  }

  SECTION("the table: a block per outcome, aligned, marked") {
    const std::string table = geosim::format_comparison(c);
    for (const geosim::OutcomeSpec& o : s.outcomes) CHECK_THAT(table, Catch::Contains("\n" + o.name + ": "));
    CHECK_THAT(table, Catch::Contains("sml_dependence_on_giant: final dependence of SML->GNT (higher is better)"));
    CHECK_THAT(table, Catch::Contains("* the interval excludes 0"));
    // In each block the columns end at the same place: every row of the block
    // is as long as its header or shorter only by trailing empty cells.
    const auto lines = lines_of(table);
    for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
      if (!lines[k].starts_with("  policy")) continue;
      const std::size_t mean_end = lines[k].find("mean") + 4;
      for (std::size_t j = k + 1; j < lines.size() && !lines[j].empty(); ++j) {
        INFO(lines[k] << "\n" << lines[j]);
        CHECK(lines[j].size() >= mean_end);
        CHECK(lines[j][mean_end - 1] != ' ');
        CHECK((lines[j].size() == mean_end || lines[j][mean_end] == ' '));
      }
    }
  }
}

TEST_CASE("compare: results do not depend on the number of threads", "[compare][determinism]") {
  const geosim::Scenario s = triad();
  const auto policies = geosim::resolve_policies(s, {});
  std::string csv[2];
  const int threads[2] = {1, 3};
  for (int k = 0; k < 2; ++k) {
    geosim::ThreadLimit limit(static_cast<std::size_t>(threads[k]));
    const geosim::Comparison c = geosim::summarize(geosim::run_policies(s, policies, 5, 13), 100);
    csv[k] = geosim::compare_csv(c) + geosim::runs_csv(c.runs);
  }
  CHECK(csv[0] == csv[1]);
}

TEST_CASE("compare: a scenario without randomness gets the note and a single difference", "[compare]") {
  const geosim::Scenario s = triad_without_noise();
  const geosim::Comparison c = geosim::summarize(geosim::run_policies(s, geosim::resolve_policies(s, {}), 7, 5), 200);
  CHECK(c.identical_runs);
  for (const geosim::CompareRow& row : c.rows) {
    INFO(c.runs.outcomes[row.outcome].name << " / " << c.runs.policies[row.policy]);
    CHECK(row.sd == 0.0);
    CHECK(row.mean == *c.runs.values[row.policy][0][row.outcome]);
    if (!row.paired) continue;
    const geosim::stats::PairedSummary& p = *row.paired;
    CHECK(p.diff == *c.runs.values[row.policy][0][row.outcome] - *c.runs.values[0][0][row.outcome]);
    CHECK(p.sd_diff == 0.0);
    CHECK(p.t->low == p.diff);
    CHECK(p.t->high == p.diff);
    CHECK(p.bootstrap->low == p.diff);
    CHECK(p.bootstrap->high == p.diff);
    CHECK_FALSE(p.d_z);
    CHECK_FALSE(p.d_pooled);
    CHECK((p.share_better == 0.0 || p.share_better == 0.5 || p.share_better == 1.0));
    CHECK(p.share_better == (p.diff > 0 ? 1.0 : p.diff < 0 ? 0.0 : 0.5));
  }
  const std::string table = geosim::format_comparison(c);
  CHECK_THAT(table, Catch::Contains("Every run is identical under every policy"));
  CHECK_THAT(table, Catch::Contains("every run"));
  CHECK_THAT(table, !Catch::Contains("CI (t)"));
  // The triad with its probabilistic event is not identical.
  const geosim::Scenario noisy = triad();
  CHECK_FALSE(geosim::summarize(geosim::run_policies(noisy, {"baseline"}, 7, 5), 0).identical_runs);
}

TEST_CASE("compare: `better: lower` turns the share of runs won around", "[compare][load][emit]") {
  const std::string yaml = R"(geosim: 1
name: better
time: {steps: 6}
agents:
  - {id: A, gdp: 10}
  - {id: B, gdp: 100}
relations:
  - {between: [A, B], exports: {A: 2, B: 3}}
events:
  - {type: sanction, from: B, to: A, intensity: 0.5, probability: 0.3, from_step: 1}
policies:
  more_trade:
    events:
      - {at: 1, type: shift, target: {edge: [A, B]}, attribute: exports, from: A, delta: 1}
outcomes:
  a_gdp_high: {agent: A, metric: gdp, aggregate: mean}
  a_gdp_low: {agent: A, metric: gdp, aggregate: mean, better: lower}
  a_threat: {agent: A, metric: threat, better: higher}
)";
  const geosim::Scenario s = geosim::load_scenario_from_string(yaml, "better.yaml");
  REQUIRE(s.outcomes.size() == 3);
  CHECK(s.outcomes[0].higher_is_better);
  CHECK_FALSE(s.outcomes[1].higher_is_better);
  CHECK(s.outcomes[2].higher_is_better);
  // Written back only where it is not the default, and read back the same.
  const std::string text = geosim::to_yaml(s);
  CHECK_THAT(text, Catch::Contains("metric: gdp, aggregate: mean, better: lower}"));
  CHECK_THAT(text, !Catch::Contains("better: higher"));
  CHECK_FALSE(geosim::load_scenario_from_string(text, "emitted.yaml").outcomes[1].higher_is_better);

  const geosim::Comparison c = geosim::summarize(geosim::run_policies(s, {"baseline", "more_trade"}, 3, 16), 0);
  const auto& high = *row_of(c, "a_gdp_high", "more_trade").paired;
  const auto& low = *row_of(c, "a_gdp_low", "more_trade").paired;
  CHECK(high.diff == low.diff);
  CHECK(high.share_better + low.share_better == 1.0);
  CHECK(high.share_better != 0.5);
  const std::string csv = geosim::compare_csv(c);
  CHECK_THAT(csv, Catch::Contains("\na_gdp_low,baseline,lower,"));
  CHECK_THAT(geosim::format_comparison(c), Catch::Contains("a_gdp_low: mean gdp of A (lower is better)"));
}

// --- the command ------------------------------------------------------------------

namespace {

using Result = geosim::test::CommandResult;

using Scratch = geosim::test::ScratchDir;

std::string quote(const std::string& s) { return geosim::test::shell_quote(s); }

Result geosim_cmd(const std::string& args, const fs::path& cwd = fs::current_path()) {
  return geosim::test::run_geosim(args, cwd);
}

std::string scenario(const std::string& name) { return quote(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/" + name); }

}  // namespace

TEST_CASE("cli compare: usage errors exit with status 2 and write nothing", "[compare][cli]") {
  Scratch s;
  const std::string out = " --out " + quote((s.dir / "res").string());
  const Result unknown =
      geosim_cmd("compare " + scenario("triad.yaml") + " --policies open_market,closed_market" + out);
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown policy 'closed_market'"));
  CHECK_THAT(unknown.err, Catch::Contains("known policies: baseline, open_market, giant_pressure"));
  CHECK(geosim_cmd("compare " + scenario("triad.yaml") + " --policies open_market, " + out).status == 2);
  CHECK(geosim_cmd("compare " + scenario("triad.yaml") + " --runs 0" + out).status == 2);
  CHECK(geosim_cmd("compare " + scenario("triad.yaml") + " --bootstrap -5" + out).status == 2);
  CHECK(geosim_cmd("compare " + scenario("triad.yaml") + " --frobnicate" + out).status == 2);
  CHECK(geosim_cmd("compare" + out).status == 2);
  CHECK(geosim_cmd("compare " + quote((s.dir / "missing.yaml").string()) + out).status == 2);
  CHECK(geosim_cmd("compre " + scenario("triad.yaml")).err.find("did you mean 'compare'?") != std::string::npos);
  CHECK(fs::is_empty(s.dir));
  const Result help = geosim_cmd("compare --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:"));
  CHECK_THAT(help.out, Catch::Contains("--bootstrap"));
}

TEST_CASE("cli compare: the table, the files and their columns", "[compare][cli]") {
  Scratch s;
  const fs::path out = s.dir / "cmp";
  const Result r =
      geosim_cmd("compare " + scenario("triad.yaml") + " --runs 12 --bootstrap 300 --out " + quote(out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(entries(s.dir) == std::vector<std::string>{"cmp"});
  CHECK(entries(out) == std::vector<std::string>{"compare.csv", "manifest.json", "runs.csv"});
  CHECK_THAT(r.out, Catch::StartsWith("Triad tutorial\nbaseline and 2 policies, 12 runs each"));
  CHECK_THAT(r.out, Catch::Contains("95% CI (bootstrap)"));
  CHECK_THAT(r.err, Catch::Contains("written to"));
  const auto csv = geosim::test::parse_csv(geosim::test::read_file(out / "compare.csv"));
  for (const char* col :
       {"outcome", "policy", "mean", "sd", "diff", "ci_low", "ci_high", "share_better", "boot_low", "effect_dz"}) {
    CHECK_NOTHROW(csv.column(col));
  }
  CHECK(csv.rows.size() == 9 * 3);  // triad's nine outcomes, three policies
  CHECK_FALSE(csv.rows[1][csv.column("boot_low")].empty());
  const auto runs = geosim::test::parse_csv(geosim::test::read_file(out / "runs.csv"));
  CHECK(runs.rows.size() == 3 * 12);
  const std::string manifest = geosim::test::read_file(out / "manifest.json");
  for (const char* key : {"\"kind\": \"compare\"", "\"policies\"", "\"runs\": 12", "\"bootstrap_resamples\": 300",
                          "\"sha256\"", "\"better\": \"higher\"", "\"identical_runs\": false"}) {
    CHECK_THAT(manifest, Catch::Contains(key));
  }

  SECTION("an existing folder is kept unless --force") {
    const Result again = geosim_cmd("compare " + scenario("triad.yaml") + " --runs 2 --out " + quote(out.string()));
    CHECK(again.status == 2);
    CHECK_THAT(again.err, Catch::Contains("already exists"));
    const Result forced =
        geosim_cmd("compare " + scenario("triad.yaml") + " --runs 2 --force -q --out " + quote(out.string()));
    CHECK(forced.status == 0);
    CHECK(geosim::test::parse_csv(geosim::test::read_file(out / "runs.csv")).rows.size() == 3 * 2);
  }
}

TEST_CASE("cli compare: --quiet prints nothing, and the default folder is named after the scenario", "[compare][cli]") {
  Scratch s;
  const Result r =
      geosim_cmd("compare " + scenario("triad.yaml") + " --runs 3 --policies giant_pressure --quiet", s.dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  const auto names = entries(s.dir);
  REQUIRE(names.size() == 1);
  CHECK_THAT(names[0], Catch::StartsWith("triad_compare_"));
  const auto csv = geosim::test::parse_csv(geosim::test::read_file(s.dir / names[0] / "compare.csv"));
  CHECK(csv.rows.size() == 9 * 2);
}

TEST_CASE("cli compare: compare.csv is byte-identical for 1 and 2 threads", "[compare][cli][determinism]") {
  Scratch s;
  std::string files[2][2];
  for (int t = 1; t <= 2; ++t) {
    const fs::path out = s.dir / ("t" + std::to_string(t));
    const Result r = geosim_cmd("compare " + scenario("mongolia_2019.yaml") +
                                " --policies steppe_bloc,no_investment_cap --runs 6 --bootstrap 200 --threads " +
                                std::to_string(t) + " --quiet --out " + quote(out.string()));
    REQUIRE(r.status == 0);
    files[t - 1][0] = geosim::test::read_file(out / "compare.csv");
    files[t - 1][1] = geosim::test::read_file(out / "runs.csv");
  }
  CHECK(files[0][0] == files[1][0]);
  CHECK(files[0][1] == files[1][1]);
  CHECK(files[0][0].size() > 500);
}

TEST_CASE("cli compare: --db stores every run, and a database in the way is an error", "[compare][cli]") {
  Scratch s;
  const fs::path db = s.dir / "cmp.db";
  const Result r = geosim_cmd("compare " + scenario("triad.yaml") + " --runs 4 --quiet --db " + quote(db.string()) +
                              " --out " + quote((s.dir / "cmp").string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(fs::exists(db));
  CHECK(geosim::test::read_file(db).starts_with("SQLite format 3"));
  CHECK_THAT(geosim::test::read_file(s.dir / "cmp" / "manifest.json"), Catch::Contains("cmp.db"));
  // The database exports to the same runs.
  const Result e = geosim_cmd("export " + quote(db.string()) + " --to csv " + quote((s.dir / "csv").string()));
  INFO(e.err);
  REQUIRE(e.status == 0);
  const auto wide = geosim::test::parse_csv(geosim::test::read_file(s.dir / "csv" / "outcomes_wide.csv"));
  CHECK(wide.rows.size() == 3 * 4);

  const Result again = geosim_cmd("compare " + scenario("triad.yaml") + " --runs 2 --quiet --db " + quote(db.string()) +
                                  " --out " + quote((s.dir / "cmp2").string()));
  CHECK(again.status == 2);
  CHECK_FALSE(fs::exists(s.dir / "cmp2"));
}

TEST_CASE("cli compare: an interrupted compare leaves neither folder nor database", "[compare][cli]") {
  Scratch s;
  const fs::path out = s.dir / "long";
  const fs::path db = s.dir / "long.db";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    const std::string scen = std::string(GEOSIM_SOURCE_DIR) + "/scenarios/mongolia_2019.yaml";
    ::execl(GEOSIM_EXE, GEOSIM_EXE, "compare", scen.c_str(), "--policies", "steppe_bloc", "--runs", "1000000",
            "--threads", "1", "--out", out.c_str(), "--db", db.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until it has started (its temporary folder and the database exist).
  for (int i = 0; i < 200 && !fs::exists(db); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(entries(s.dir).empty());
}
