// The `observed:` section and `geosim check`: what the loader keeps, the
// export_share and trade_share metrics worked by hand, the score, the files,
// and the command end to end.
#include "geosim/check.hpp"

#include <cmath>
#include <fstream>

#include "geosim/emit.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using geosim::test::close_to;

namespace {

// Three states, no noise: every run is the same. At step 0 (year 2000) the
// flows are MNG->CHN 6, CHN->MNG 2, MNG->RUS 1, RUS->MNG 1, and CHN sanctions
// MNG with intensity 0.5 from step 0, so the effective flows on the MNG-CHN
// pair are halved: x(MNG,CHN) = 6·(1-0)(1-0.5) = 3, x(CHN,MNG) = 2·0.5 = 1.
//   export_share(MNG,CHN) = 3 / (3 + 1)             = 0.75
//   trade_share(MNG,CHN)  = (3 + 1) / (3 + 1 + 1 + 1) = 2/3
//   export_share(MNG,RUS) = 1 / 4                    = 0.25
//   trade_share(CHN,MNG)  = 4 / 4                    = 1    (CHN's only partner)
// The sanction lasts one step, so at step 1 the potential flows count again
// (whatever they have grown to, the shares are computed from them).
constexpr const char* kScenario = R"(geosim: 1
name: check test
time: {start: 2000, steps: 3}
agents:
  - {id: MNG, gdp: 10}
  - {id: CHN, gdp: 100}
  - {id: RUS, gdp: 50}
relations:
  - {between: [MNG, CHN], distance: 1000, exports: {MNG: 6, CHN: 2}}
  - {between: [MNG, RUS], distance: 1000, exports: {MNG: 1, RUS: 1}}
events:
  - {at: 0, type: sanction, from: CHN, to: MNG, intensity: 0.5}
observed:
  - {year: 2000, edge: [MNG, CHN], metric: export_share, value: 0.70, source: "hand: 0.75"}
  - {year: 2000, edge: [MNG, CHN], metric: trade_share,  value: 0.5,  source: "hand: 2/3"}
  - {year: 2000, edge: [MNG, RUS], metric: export_share, value: 0.25, source: "hand, with a comma"}
  - {year: 2000, edge: [CHN, MNG], metric: trade_share,  value: 1,    source: "hand"}
  - {year: 2002, agent: MNG, metric: gdp, value: 0, source: "zero: no relative error"}
)";

const geosim::CheckRow& row(const geosim::CheckReport& r, std::size_t k) { return r.rows.at(k); }

}  // namespace

TEST_CASE("observed: the loader keeps every field and to_yaml writes them back", "[check][load]") {
  const geosim::Scenario s = geosim::load_scenario_from_string(kScenario, "check.yaml");
  REQUIRE(s.observed.size() == 5);
  const geosim::Observation& o = s.observed[1];
  CHECK(o.year == 2000);
  CHECK(o.is_edge);
  CHECK(o.source == "MNG");
  CHECK(o.target == "CHN");
  CHECK(o.metric == "trade_share");
  CHECK(o.value == 0.5);
  CHECK(o.citation == "hand: 2/3");
  CHECK(o.loc.line == 15);
  CHECK_FALSE(s.observed[4].is_edge);
  CHECK(s.observed[4].agent == "MNG");

  const geosim::Scenario back = geosim::load_scenario_from_string(geosim::to_yaml(s), "emitted.yaml");
  REQUIRE(back.observed.size() == s.observed.size());
  for (std::size_t k = 0; k < s.observed.size(); ++k) {
    INFO(k);
    CHECK(back.observed[k].year == s.observed[k].year);
    CHECK(back.observed[k].is_edge == s.observed[k].is_edge);
    CHECK(back.observed[k].agent == s.observed[k].agent);
    CHECK(back.observed[k].source == s.observed[k].source);
    CHECK(back.observed[k].target == s.observed[k].target);
    CHECK(back.observed[k].metric == s.observed[k].metric);
    CHECK(back.observed[k].value == s.observed[k].value);
    CHECK(back.observed[k].citation == s.observed[k].citation);
  }
}

TEST_CASE("check: export_share and trade_share of effective flows, worked by hand", "[check]") {
  const geosim::Scenario s = geosim::load_scenario_from_string(kScenario, "check.yaml");
  geosim::CheckOptions options;
  options.runs = 3;
  options.quiet = true;
  const geosim::CheckReport r = geosim::run_check(s, kScenario, options);
  REQUIRE(r.rows.size() == 5);
  CHECK(row(r, 0).step == 0);
  CHECK(row(r, 4).step == 2);
  CHECK_THAT(row(r, 0).mean, close_to(0.75));
  CHECK_THAT(row(r, 1).mean, close_to(2.0 / 3.0));
  CHECK_THAT(row(r, 2).mean, close_to(0.25));
  CHECK_THAT(row(r, 3).mean, close_to(1.0));
  for (const geosim::CheckRow& x : r.rows) {
    CHECK(x.n == 3);
    CHECK(x.min == x.max);  // no randomness: every run is the same
    CHECK(x.sd == 0);
  }
  // Errors and the score, by hand: errors 0.05, 1/6, 0, 0 and gdp(2002) - 0.
  const double gdp = row(r, 4).mean;
  CHECK(gdp > 0);
  CHECK_THAT(row(r, 0).error, close_to(0.05));
  CHECK_THAT(*row(r, 0).relative_error, close_to(0.05 / 0.70));
  CHECK_THAT(row(r, 1).error, close_to(1.0 / 6.0));
  CHECK_FALSE(row(r, 4).relative_error.has_value());
  CHECK(r.scored == 5);
  const double e[] = {0.05, 1.0 / 6.0, 0, 0, gdp};
  double sq = 0, ab = 0;
  for (double x : e) {
    sq += x * x;
    ab += std::abs(x);
  }
  CHECK_THAT(r.rmse, close_to(std::sqrt(sq / 5)));
  CHECK_THAT(r.mae, close_to(ab / 5));
  REQUIRE(r.mean_relative_error.has_value());
  CHECK_THAT(*r.mean_relative_error, close_to((0.05 / 0.70 + (1.0 / 6.0) / 0.5) / 4));
}

TEST_CASE("check: a share with no trade at all has no value and is left out of the score", "[check]") {
  const std::string yaml = R"(geosim: 1
name: no trade
time: {start: 2000, steps: 2}
agents:
  - {id: A, gdp: 10}
  - {id: B, gdp: 10}
relations:
  - {between: [A, B], distance: 100}
observed:
  - {year: 2001, edge: [A, B], metric: trade_share, value: 0.5, source: "x"}
  - {year: 2001, agent: A, metric: gdp, value: 10, source: "x"}
)";
  const geosim::Scenario s = geosim::load_scenario_from_string(yaml, "no_trade.yaml");
  geosim::CheckOptions options;
  options.runs = 2;
  options.quiet = true;
  const geosim::CheckReport r = geosim::run_check(s, yaml, options);
  CHECK(r.rows[0].n == 0);
  CHECK(r.rows[1].n == 2);
  CHECK(r.scored == 1);
  CHECK_THAT(geosim::format_check(r), Catch::Contains("no value"));
  CHECK_THAT(geosim::check_csv(r), Catch::Contains("2001,1,A-B,trade_share,0.5,0,,,,,,,x\n"));
}

TEST_CASE("check: usage errors (no observed section, unknown policy, zero runs)", "[check]") {
  const geosim::Scenario s = geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/triad.yaml");
  geosim::CheckOptions options;
  options.quiet = true;
  CHECK_THROWS_AS(geosim::run_check(s, "", options), geosim::UsageError);
  const geosim::Scenario t = geosim::load_scenario_from_string(kScenario, "check.yaml");
  options.policy = "nope";
  CHECK_THROWS_AS(geosim::run_check(t, kScenario, options), geosim::UsageError);
  options.policy = "baseline";
  options.runs = 0;
  CHECK_THROWS_AS(geosim::run_check(t, kScenario, options), geosim::UsageError);
}

TEST_CASE("cli check: the table, check.csv and manifest.json, atomically", "[check][cli]") {
  geosim::test::ScratchDir tmp;
  const fs::path scenario = tmp.dir / "check.yaml";
  {
    std::ofstream f(scenario);
    f << kScenario;
  }
  const fs::path out = tmp.dir / "result";
  const std::string q = geosim::test::shell_quote(scenario.string());
  const auto r = geosim::test::run_geosim("check " + q + " --runs 4 --threads 2 --out " +
                                          geosim::test::shell_quote(out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("MNG-CHN export_share"));
  CHECK_THAT(r.out, Catch::Contains("RMSE"));
  const std::string csv = geosim::test::read_file(out / "check.csv");
  CHECK_THAT(csv, Catch::StartsWith(
                      "year,step,subject,metric,observed,n,mean,sd,min,max,error,relative_error,source\n"
                      "2000,0,MNG-CHN,export_share,0.7,4,0.75,0.0,0.75,0.75,"));
  CHECK_THAT(csv, Catch::Contains(",\"hand, with a comma\"\n"));
  const std::string manifest = geosim::test::read_file(out / "manifest.json");
  CHECK_THAT(manifest, Catch::Contains("\"kind\": \"check\""));
  CHECK_THAT(manifest, Catch::Contains("\"runs\": 4"));

  // The same again: byte-identical whatever the thread count.
  const fs::path out1 = tmp.dir / "result1";
  REQUIRE(geosim::test::run_geosim("check " + q + " --runs 4 --threads 1 --quiet --out " +
                                   geosim::test::shell_quote(out1.string()))
              .status == 0);
  CHECK(geosim::test::read_file(out1 / "check.csv") == csv);

  // An existing folder is kept: refused before any run, status 2.
  const auto again = geosim::test::run_geosim("check " + q + " --out " + geosim::test::shell_quote(out.string()));
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains("already exists"));
  CHECK(geosim::test::read_file(out / "check.csv") == csv);

  // A scenario without observations, a bad file, a missing file: status 2, nothing written.
  const fs::path none = tmp.dir / "none";
  const auto no_obs = geosim::test::run_geosim("check " + geosim::test::shell_quote(std::string(GEOSIM_SOURCE_DIR) +
                                                                                    "/scenarios/triad.yaml") +
                                               " --out " + geosim::test::shell_quote(none.string()));
  CHECK(no_obs.status == 2);
  CHECK_THAT(no_obs.err, Catch::Contains("no `observed:` section"));
  const auto bad = geosim::test::run_geosim(
      "check " + geosim::test::shell_quote(std::string(GEOSIM_TEST_DATA_DIR) + "/invalid/observed_year_after_end.yaml") +
      " --out " + geosim::test::shell_quote(none.string()));
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("observed_year_after_end.yaml:11:12: year of observed[0] must be a simulated year"));
  CHECK_FALSE(fs::exists(none));
}

TEST_CASE("check: the bundled backtest loads and every observation gets a value", "[check]") {
  const fs::path file = fs::path(GEOSIM_SOURCE_DIR) / "scenarios" / "mongolia_1990.yaml";
  const geosim::Scenario s = geosim::load_scenario(file);
  REQUIRE(s.observed.size() >= 10);
  geosim::CheckOptions options;
  options.runs = 2;
  options.quiet = true;
  const geosim::CheckReport r = geosim::run_check(s, geosim::test::read_file(file), options);
  CHECK(r.scored == r.rows.size());
  for (const geosim::CheckRow& x : r.rows) {
    INFO(x.observed.year << " " << x.observed.metric);
    CHECK(x.mean >= 0);
    CHECK(x.mean <= 1);  // every observation of the backtest is a share
  }
}
