// The results database (store.hpp): creation and resume, the checks on
// open, batches that are atomic even when the process is killed inside one,
// series, CSV export and `geosim export`.
#include "geosim/store.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace geosim;

namespace {

struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() / ("geosim_store_" + std::to_string(::getpid()) + "_" +
                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

ExperimentInfo info(std::size_t outcomes = 3) {
  ExperimentInfo e;
  e.kind = "sweep";
  e.scenario_name = "Test";
  e.scenario_file = "test.yaml";
  e.scenario_text = "geosim: 1\nname: Test\n";
  e.scenario_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  e.design = "lhs";
  e.samples = 4;
  e.replicates = 2;
  e.seed = 42;
  e.dimensions = {"parameters.commitment", "agents.MNG.regime"};
  e.parameters_json =
      R"([{"path":"parameters.commitment","min":0,"max":1},{"path":"agents.MNG.regime","values":[0.25,0.5]}])";
  e.policies_json = R"(["baseline"])";
  e.geosim_version = "0.1.0";
  e.command_line = "geosim sweep test.yaml --out sweep.db";
  for (std::size_t k = 0; k < outcomes; ++k) e.outcome_names.push_back("outcome_" + std::to_string(k));
  return e;
}

const std::vector<std::vector<double>> kPoints = {{0.125, 0.25}, {0.375, 0.5}, {0.625, 0.25}, {0.875, 0.5}};

// Run `id` of the 4 x 2 design: point id / 2, replicate id % 2.
RunResult ok_run(std::uint64_t id, std::size_t outcomes = 3) {
  RunResult r;
  r.key = {id, id / 2, id % 2, "baseline", 42};
  r.wall_s = 0.5;
  for (std::size_t k = 0; k < outcomes; ++k)
    r.outcomes.emplace_back(static_cast<double>(id) + 0.1 * static_cast<double>(k));
  return r;
}

RunResult failed_run(std::uint64_t id, std::string error) {
  RunResult r;
  r.key = {id, id / 2, id % 2, "baseline", 42};
  r.ok = false;
  r.error = std::move(error);
  r.wall_s = 0.25;
  return r;
}

std::vector<std::uint64_t> ids(std::initializer_list<std::uint64_t> l) { return l; }

// A CSV file with RFC 4180 quoting (export quotes text that needs it).
std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  const std::string text = test::read_file(p);
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back();  // after the last newline
  return rows;
}

std::string joined(const std::vector<std::string>& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i];
  return out;
}

// Overwrites 4 big-endian bytes of the database header (user_version is at
// offset 60, application_id at 68). The store must be closed, so that the
// WAL has been checkpointed into the file and removed.
void patch_header(const fs::path& db, std::streamoff offset, std::uint32_t value) {
  REQUIRE_FALSE(fs::exists(db.string() + "-wal"));
  std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(offset);
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  f.write(bytes, 4);
  REQUIRE(f.good());
}

std::string usage_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

}  // namespace

TEST_CASE("store: create, write, close and resume", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sub" / "sweep.db";  // the parent folder is created
  {
    ResultStore store = ResultStore::create(db, info());
    CHECK_FALSE(store.resumed());
    store.write_points(kPoints);
    CHECK(store.done_run_ids().empty());
    store.write_batch({ok_run(3), ok_run(0)});
    store.write_batch({});  // nothing
    CHECK(store.done_run_ids() == ids({0, 3}));
    CHECK(store.counts().ok == 2);
    store.close();
    store.close();  // idempotent
  }
  CHECK_FALSE(fs::exists(db.string() + "-wal"));  // checkpointed and removed at close

  SECTION("create refuses an existing file") {
    CHECK_THAT(usage_error_of([&] { ResultStore::create(db, info()); }),
               Catch::Contains("already exists; resume the experiment it holds with --resume"));
    std::ofstream(s.dir / "other.txt") << "precious";
    CHECK_THROWS_AS(ResultStore::create(s.dir / "other.txt", info()), UsageError);
    CHECK(test::read_file(s.dir / "other.txt") == "precious");
  }
  SECTION("resume continues the same experiment") {
    ResultStore store = ResultStore::open_for_resume(db, info());
    CHECK(store.resumed());
    store.write_points(kPoints);  // checked, not written again
    CHECK(store.done_run_ids() == ids({0, 3}));
    store.write_batch({ok_run(1), ok_run(2)});
    CHECK(store.done_run_ids() == ids({0, 1, 2, 3}));
    store.close();
    const ExportReport r = export_csv(db, s.dir / "csv", false);
    CHECK(r.runs == 4);
    const auto sessions = read_csv(s.dir / "csv" / "sessions.csv");
    CHECK(sessions.size() == 3);  // header + the start and the resume
  }
  SECTION("resuming a file that does not exist, or is empty, starts the experiment") {
    ResultStore fresh = ResultStore::open_for_resume(s.dir / "new.db", info());
    CHECK_FALSE(fresh.resumed());
    fresh.close();
    std::ofstream(s.dir / "empty.db").close();  // a sweep killed while creating its file
    ResultStore empty = ResultStore::open_for_resume(s.dir / "empty.db", info());
    CHECK_FALSE(empty.resumed());
    empty.write_points(kPoints);
    CHECK(empty.done_run_ids().empty());
  }
}

TEST_CASE("store: resume refuses another experiment and names every difference", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  {
    ResultStore store = ResultStore::create(db, info());
    store.write_points(kPoints);
  }
  ExperimentInfo other = info();
  other.samples = 8;
  other.seed = 7;
  other.scenario_file = "edited.yaml";
  other.scenario_sha256 = "ffff" + other.scenario_sha256.substr(4);
  other.dimensions = {"parameters.commitment"};
  other.series = SeriesSelection::kAgents;
  const std::string message = usage_error_of([&] { ResultStore::open_for_resume(db, other); });
  CHECK_THAT(message, Catch::StartsWith("cannot resume '" + db.string() + "': it holds another experiment:"));
  CHECK_THAT(message, Catch::Contains("\n  samples: 4 in the database, 8 now"));
  CHECK_THAT(message, Catch::Contains("\n  seed: 42 in the database, 7 now"));
  CHECK_THAT(message, Catch::Contains("\n  scenario: test.yaml (sha256 0123456789abcdef) in the database, "
                                      "edited.yaml (sha256 ffff456789abcdef) now; the file has changed"));
  CHECK_THAT(message, Catch::Contains("\n  series: 'none' in the database, 'agents' now"));
  CHECK_THAT(message, Catch::Contains("\n  dimensions: ['parameters.commitment', 'agents.MNG.regime'] in the database, "
                                      "['parameters.commitment'] now"));
  CHECK_THAT(message, Catch::Contains("started with (geosim sweep test.yaml --out sweep.db)"));
  CHECK_THAT(message, !Catch::Contains("replicates"));

  // Names and the command line may change; the design's points may not.
  ExperimentInfo renamed = info();
  renamed.scenario_file = "moved/test.yaml";
  renamed.command_line = "geosim sweep moved/test.yaml --resume";
  ResultStore store = ResultStore::open_for_resume(db, renamed);
  auto points = kPoints;
  points[2][1] = 0.5;
  CHECK_THAT(usage_error_of([&] { store.write_points(points); }),
             Catch::Contains("point 2, agents.MNG.regime: 0.25 stored, 0.5 now"));
  points.pop_back();
  CHECK_THAT(usage_error_of([&] { store.write_points(points); }), Catch::Contains("4 points stored, 3 now"));
  store.write_points(kPoints);
}

TEST_CASE("store: the schema version and the application id are checked", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  ResultStore::create(db, info()).close();

  patch_header(db, 60, 2);  // user_version
  CHECK_THAT(usage_error_of([&] { ResultStore::open_for_resume(db, info()); }),
             Catch::Contains("was written by a newer geosim (results schema version 2; this geosim reads version 1)"));
  CHECK_THAT(usage_error_of([&] { export_csv(db, s.dir / "out", false); }), Catch::Contains("newer geosim"));
  patch_header(db, 60, 1);
  ResultStore::open_for_resume(db, info()).close();

  patch_header(db, 68, 0x12345678);  // application_id
  CHECK_THAT(usage_error_of([&] { ResultStore::open_for_resume(db, info()); }),
             Catch::Contains("is not a geosim results database (it is an SQLite database of another program)"));

  const fs::path text = s.dir / "notes.txt";
  std::ofstream(text) << std::string(2000, 'x');
  CHECK_THAT(usage_error_of([&] { ResultStore::open_for_resume(text, info()); }),
             Catch::Contains("'" + text.string() + "' is not a geosim results database (file is not a database)"));
  CHECK(test::read_file(text) == std::string(2000, 'x'));
  CHECK_THAT(usage_error_of([&] { export_csv(text, s.dir / "out", false); }),
             Catch::Contains("is not a geosim results database"));
  CHECK_FALSE(fs::exists(s.dir / "out"));
}

TEST_CASE("store: failed runs are stored with their error and are done", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  ResultStore store = ResultStore::create(db, info());
  store.write_points(kPoints);
  store.write_batch({ok_run(0), failed_run(1, "gdp of agent MNG became negative, at step 7\n(\"quoted\")")});
  CHECK(store.done_run_ids() == ids({0, 1}));
  CHECK(store.counts().ok == 1);
  CHECK(store.counts().failed == 1);
  store.close();
  export_csv(db, s.dir / "csv", false);
  const auto runs = read_csv(s.dir / "csv" / "runs.csv");
  REQUIRE(runs.size() == 3);
  CHECK(joined(runs[0]) == "run_id,point,replicate,policy,seed,status,error,wall_s,finished_utc");
  CHECK(runs[1][5] == "ok");
  CHECK(runs[1][6].empty());
  CHECK(runs[2][5] == "failed");
  CHECK(runs[2][6] == "gdp of agent MNG became negative, at step 7\n(\"quoted\")");
  CHECK(runs[2][7] == "0.25");
  const auto outcomes = read_csv(s.dir / "csv" / "outcomes.csv");
  CHECK(outcomes.size() == 1 + 3);  // the failed run has none
}

TEST_CASE("store: a run written twice fails loudly and its batch is not stored", "[store]") {
  Scratch s;
  ResultStore store = ResultStore::create(s.dir / "sweep.db", info());
  store.write_points(kPoints);
  store.write_batch({ok_run(0), ok_run(1)});
  CHECK_THROWS_WITH(store.write_batch({ok_run(2), ok_run(1)}),
                    Catch::Contains("run 1 (point 0, replicate 1, policy baseline) is stored already") &&
                        Catch::Contains("UNIQUE constraint failed: runs.run_id"));
  RunResult same_key = ok_run(3);
  same_key.key.run_id = 9;  // another id for (point 1, replicate 1, baseline)
  CHECK_THROWS_AS(store.write_batch({ok_run(3), same_key}), InternalError);
  CHECK(store.done_run_ids() == ids({0, 1}));  // neither failed batch left anything
  store.write_batch({ok_run(2), ok_run(3)});   // so these go in whole
  CHECK(store.done_run_ids() == ids({0, 1, 2, 3}));
}

TEST_CASE("store: a caller's mistakes are InternalErrors that store nothing", "[store]") {
  Scratch s;
  ResultStore store = ResultStore::create(s.dir / "sweep.db", info());
  CHECK_THROWS_WITH(store.write_batch({ok_run(0)}), Catch::Contains("write_points() must come before write_batch()"));
  CHECK_THROWS_AS(store.write_points({{0.5}}), InternalError);  // one value for two dimensions
  store.write_points(kPoints);
  CHECK_THROWS_WITH(store.write_batch({ok_run(0, 2)}), Catch::Contains("run 0 has 2 outcomes, the experiment 3"));
  RunResult far = ok_run(0);
  far.key.point = 4;
  CHECK_THROWS_WITH(store.write_batch({far}), Catch::Contains("run 0: point 4 of 4"));
  RunResult rows = ok_run(0);
  rows.agent_rows = "0,0,2019.0,A,balance,,0.0,0.0,0.0,1.0,0.0,1.0,1.0,0.0,,,,\n";
  CHECK_THROWS_WITH(store.write_batch({rows}), Catch::Contains("has agent rows, but series is none"));
  CHECK_THROWS_AS(store.write_batch({failed_run(0, "")}), InternalError);
  CHECK(store.done_run_ids().empty());
}

namespace {

// Writes a batch on a thread that has no exception handler above it: the
// InternalError of its duplicate run reaches std::terminate without unwinding
// (so the Transaction's destructor never rolls back), and the terminate
// handler SIGKILLs the process with the transaction open.
struct DoomedBatch {
  ResultStore* store;
  std::vector<RunResult> batch;
};
extern "C" void* write_doomed_batch(void* arg) {
  auto* job = static_cast<DoomedBatch*>(arg);
  job->store->write_batch(job->batch);
  return nullptr;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

constexpr std::size_t kManyOutcomes = 16;

ExperimentInfo many_outcomes_info() {
  ExperimentInfo e = info(kManyOutcomes);
  for (auto& n : e.outcome_names) n = "a_rather_long_outcome_name_" + n;  // more bytes per row
  e.samples = 100'000;
  e.replicates = 1;
  return e;
}

std::vector<std::vector<double>> many_points() { return std::vector<std::vector<double>>(100'000, {0.5, 0.25}); }

RunResult many_outcomes_run(std::uint64_t id) {
  RunResult r = ok_run(id, kManyOutcomes);
  r.key.point = id;
  r.key.replicate = 0;
  return r;
}

}  // namespace

TEST_CASE("store: kill -9 inside a batch leaves none of it and after a commit keeps all of it", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  {
    ResultStore store = ResultStore::create(db, many_outcomes_info());
    store.write_points(many_points());
    store.write_batch({many_outcomes_run(0), many_outcomes_run(1)});
  }

  // Killed with a large batch inserted but not committed.
  const pid_t doomed = ::fork();
  REQUIRE(doomed >= 0);
  if (doomed == 0) {
    std::set_terminate([] {
      ::kill(::getpid(), SIGKILL);
      std::_Exit(3);
    });
    ResultStore store = ResultStore::open_for_resume(db, many_outcomes_info());
    DoomedBatch job{&store, {}};
    for (std::uint64_t id = 2; id < 8000; ++id) job.batch.push_back(many_outcomes_run(id));
    job.batch.push_back(many_outcomes_run(5));  // a duplicate, found at its INSERT, after all the others
    pthread_t thread;
    pthread_create(&thread, nullptr, write_doomed_batch, &job);
    pthread_join(thread, nullptr);
    std::_Exit(4);  // not reached
  }
  const int status = wait_for(doomed);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  // The uncommitted batch did not fit SQLite's page cache: part of it was
  // written to the -wal file, without a commit record.
  const fs::path wal = db.string() + "-wal";
  REQUIRE(fs::exists(wal));
  CHECK(fs::file_size(wal) > 1'000'000);

  {
    ResultStore store = ResultStore::open_for_resume(db, many_outcomes_info());
    CHECK(store.done_run_ids() == ids({0, 1}));
    CHECK(store.counts().ok == 2);
  }
  export_csv(db, s.dir / "after_kill", false);
  CHECK(read_csv(s.dir / "after_kill" / "outcomes.csv").size() == 1 + 2 * kManyOutcomes);

  // Killed right after a commit: that batch is kept whole.
  const pid_t committed = ::fork();
  REQUIRE(committed >= 0);
  if (committed == 0) {
    ResultStore store = ResultStore::open_for_resume(db, many_outcomes_info());
    store.write_batch({many_outcomes_run(2), many_outcomes_run(3), many_outcomes_run(4)});
    ::kill(::getpid(), SIGKILL);
    std::_Exit(4);  // not reached
  }
  REQUIRE(WIFSIGNALED(wait_for(committed)));
  ResultStore store = ResultStore::open_for_resume(db, many_outcomes_info());
  CHECK(store.done_run_ids() == ids({0, 1, 2, 3, 4}));
  store.write_batch({many_outcomes_run(5)});
  store.close();
  export_csv(db, s.dir / "after_commit", false);
  CHECK(read_csv(s.dir / "after_commit" / "outcomes.csv").size() == 1 + 6 * kManyOutcomes);
}

TEST_CASE("store: a second writer is refused while the first has the database open", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  ResultStore store = ResultStore::create(db, info());
  store.write_points(kPoints);
  // From another process, as a second `geosim sweep --resume` would.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      ResultStore::open_for_resume(db, info());
    } catch (const UsageError& e) {
      std::_Exit(std::string(e.what()).find("is in use by another geosim process") != std::string::npos ? 0 : 2);
    } catch (...) {
      std::_Exit(3);
    }
    std::_Exit(1);
  }
  const int status = wait_for(child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  store.write_batch({ok_run(0)});  // the first writer is unaffected
  store.close();
  const pid_t after = ::fork();  // and once it has closed, the file is free
  REQUIRE(after >= 0);
  if (after == 0) {
    try {
      ResultStore again = ResultStore::open_for_resume(db, info());
      std::_Exit(again.done_run_ids() == ids({0}) ? 0 : 2);
    } catch (...) {
      std::_Exit(3);
    }
  }
  const int after_status = wait_for(after);
  REQUIRE(WIFEXITED(after_status));
  CHECK(WEXITSTATUS(after_status) == 0);
}

TEST_CASE("store: series are stored typed and export as geosim run writes them", "[store]") {
  Scratch s;
  const Scenario scenario = load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/triad.yaml");
  const Model model = compile(scenario);
  ExperimentInfo e = info(scenario.outcomes.size());
  e.outcome_names.clear();
  for (const OutcomeSpec& o : scenario.outcomes) e.outcome_names.push_back(o.name);
  e.series = SeriesSelection::kAll;
  const fs::path db = s.dir / "sweep.db";
  ResultStore store = ResultStore::create(db, e);
  store.write_points(kPoints);
  std::vector<RunResult> batch;
  std::string expected_agents = "run_id" + agents_csv_header().substr(3);
  std::string expected_edges = "run_id" + edges_csv_header().substr(3);
  for (std::uint64_t id : {1, 0}) {  // written out of order, exported in run id order
    RunRecorder rec(model, id % 2);
    simulate(model, {scenario.seed, id % 2}, [&](const StepView& v) { rec.record(v); });
    RunResult r = ok_run(id, 0);
    r.outcomes = rec.outcomes();
    r.agent_rows = rec.agent_rows();
    r.edge_rows = rec.edge_rows();
    batch.push_back(std::move(r));
  }
  // The recorder's rows begin with its run number (here = run id).
  for (std::uint64_t id : {0, 1}) {
    expected_agents += batch[1 - id].agent_rows;
    expected_edges += batch[1 - id].edge_rows;
  }
  store.write_batch(batch);
  store.close();
  const ExportReport r = export_csv(db, s.dir / "csv", false);
  CHECK(r.files == std::vector<std::string>{"scenario.yaml", "experiment.csv", "sessions.csv", "points.csv", "runs.csv",
                                            "outcomes.csv", "outcomes_wide.csv", "agents.csv", "edges.csv"});
  CHECK(test::read_file(s.dir / "csv" / "agents.csv") == expected_agents);
  CHECK(test::read_file(s.dir / "csv" / "edges.csv") == expected_edges);
}

TEST_CASE("store: export writes tidy CSV files atomically", "[store]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  ExperimentInfo e = info(2);
  e.seed = 18446744073709551615u;  // 2^64 - 1: stored as -1, exported as given
  {
    ResultStore store = ResultStore::create(db, e);
    store.write_points(kPoints);
    RunResult partial = ok_run(1, 2);
    partial.outcomes[1] = std::nullopt;
    RunResult big_seed = ok_run(2, 2);
    big_seed.key.seed = 9223372036854775808u;  // 2^63
    store.write_batch({ok_run(0, 2), partial, big_seed, failed_run(3, "boom")});
  }
  const fs::path out = s.dir / "csv";
  const ExportReport r = export_csv(db, out, false);
  CHECK(r.runs == 4);
  CHECK(r.dir == out);
  CHECK(test::read_file(out / "scenario.yaml") == e.scenario_text);

  const auto experiment = read_csv(out / "experiment.csv");
  REQUIRE(experiment.size() == 2);
  CHECK(joined(experiment[0]) ==
        "kind,scenario_name,scenario_file,scenario_sha256,design,samples,replicates,seed,parameters_json,"
        "policies_json,series,geosim_version,command_line,created_utc,points,schema_version");
  CHECK(experiment[1][7] == "18446744073709551615");
  CHECK(experiment[1][8] == e.parameters_json);  // quoted in the file, whole when read
  CHECK(experiment[1][14] == "4");
  CHECK(experiment[1][15] == "1");

  CHECK(test::read_file(out / "points.csv") ==
        "point,path,value\n"
        "0,parameters.commitment,0.125\n0,agents.MNG.regime,0.25\n"
        "1,parameters.commitment,0.375\n1,agents.MNG.regime,0.5\n"
        "2,parameters.commitment,0.625\n2,agents.MNG.regime,0.25\n"
        "3,parameters.commitment,0.875\n3,agents.MNG.regime,0.5\n");
  const auto runs = read_csv(out / "runs.csv");
  REQUIRE(runs.size() == 5);
  CHECK(runs[1][4] == "42");
  CHECK(runs[3][4] == "9223372036854775808");
  CHECK(test::read_file(out / "outcomes.csv") ==
        "run_id,point,replicate,policy,name,value\n"
        "0,0,0,baseline,outcome_0,0.0\n0,0,0,baseline,outcome_1,0.1\n"
        "1,0,1,baseline,outcome_0,1.0\n1,0,1,baseline,outcome_1,\n"
        "2,1,0,baseline,outcome_0,2.0\n2,1,0,baseline,outcome_1,2.1\n");
  CHECK(test::read_file(out / "outcomes_wide.csv") ==
        "run_id,point,replicate,policy,seed,status,parameters.commitment,agents.MNG.regime,outcome_0,outcome_1\n"
        "0,0,0,baseline,42,ok,0.125,0.25,0.0,0.1\n"
        "1,0,1,baseline,42,ok,0.125,0.25,1.0,\n"
        "2,1,0,baseline,9223372036854775808,ok,0.375,0.5,2.0,2.1\n"
        "3,1,1,baseline,42,failed,0.375,0.5,,\n");
  CHECK_FALSE(fs::exists(out / "agents.csv"));  // series none

  // An existing folder is kept unless force; with force it is replaced.
  std::ofstream(out / "mine.txt") << "keep";
  CHECK_THAT(usage_error_of([&] { export_csv(db, out, false); }), Catch::Contains("already exists"));
  CHECK(test::read_file(out / "mine.txt") == "keep");
  export_csv(db, out, true);
  CHECK_FALSE(fs::exists(out / "mine.txt"));
  CHECK(fs::exists(out / "runs.csv"));
  CHECK(geosim::test::entries(s.dir) == std::vector<std::string>{"csv", "sweep.db"});  // no temporary folder left
}

namespace {

struct Cli {
  int status = -1;
  std::string err;
};

Cli run_export(const std::string& args, const fs::path& scratch) {
  const fs::path err = scratch / "stderr.txt";
  const std::string cmd =
      "CI=true '" + std::string(GEOSIM_EXE) + "' export " + args + " >/dev/null 2>'" + err.string() + "' </dev/null";
  const int raw = std::system(cmd.c_str());
  Cli r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = test::read_file(err);
  fs::remove(err);
  return r;
}

}  // namespace

TEST_CASE("store: geosim export exit statuses", "[store][cli]") {
  Scratch s;
  const fs::path db = s.dir / "sweep.db";
  {
    ResultStore store = ResultStore::create(db, info());
    store.write_points(kPoints);
    store.write_batch({ok_run(0), ok_run(1)});
  }
  const std::string out = (s.dir / "out").string();
  const Cli ok = run_export("'" + db.string() + "' --to csv '" + out + "'", s.dir);
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK_THAT(ok.err, Catch::Contains("2 run(s) of"));
  CHECK(fs::exists(s.dir / "out" / "outcomes_wide.csv"));

  const Cli exists = run_export("'" + db.string() + "' '" + out + "'", s.dir);
  CHECK(exists.status == 2);
  CHECK_THAT(exists.err, Catch::Contains("already exists"));
  CHECK(run_export("'" + db.string() + "' '" + out + "' --force", s.dir).status == 0);

  std::ofstream(s.dir / "notes.txt") << "not a database, just some text that is long enough to have a header\n";
  const Cli text = run_export("'" + (s.dir / "notes.txt").string() + "' --to csv '" + out + "2'", s.dir);
  CHECK(text.status == 2);
  CHECK_THAT(text.err, Catch::Contains("geosim: error: '" + (s.dir / "notes.txt").string() +
                                       "' is not a geosim results database (file is not a database)"));
  const Cli missing = run_export("'" + (s.dir / "nope.db").string() + "' '" + out + "3'", s.dir);
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("no such file"));
  CHECK(run_export("'" + db.string() + "' --to parquet '" + out + "4'", s.dir).status == 2);
  CHECK(run_export("'" + db.string() + "'", s.dir).status == 2);  // no folder
  CHECK_FALSE(fs::exists(out + "2"));
  CHECK_FALSE(fs::exists(out + "3"));
  CHECK_FALSE(fs::exists(out + "4"));
}

// Not part of the suite (hidden tag): the cost of the store in a sweep of
// 10,000 runs x 16 outcomes in batches of 256. Run by hand:
//   build/release/tests/geosim_tests "[store-bench]" -s
// With GEOSIM_STORE_BENCH_DIR set, the database goes there (to measure a
// given disk; the default is the temporary folder).
TEST_CASE("store: time to write 10000 runs x 16 outcomes in batches of 256", "[.][store-bench]") {
  Scratch s;
  const char* where = std::getenv("GEOSIM_STORE_BENCH_DIR");
  const fs::path db = (where != nullptr ? fs::path(where) : s.dir) / ("bench_" + std::to_string(::getpid()) + ".db");
  ExperimentInfo e = info(16);
  e.samples = 10'000;
  e.replicates = 1;
  const auto t0 = std::chrono::steady_clock::now();
  {
    ResultStore store = ResultStore::create(db, e);
    store.write_points(std::vector<std::vector<double>>(10'000, {0.5, 0.25}));
    std::vector<RunResult> batch;
    for (std::uint64_t id = 0; id < 10'000; ++id) {
      RunResult r = ok_run(id, 16);
      r.key.point = id;
      r.key.replicate = 0;
      batch.push_back(std::move(r));
      if (batch.size() == 256) {
        store.write_batch(batch);
        batch.clear();
      }
    }
    store.write_batch(batch);
    store.close();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("10,000 runs x 16 outcomes, batches of 256: " << seconds << " s, " << fs::file_size(db) << " bytes");
  fs::remove(db);
}

// Not part of the suite: the cost of --series all, per stored row (the
// mongolia_2019 scenario, 200 runs).
TEST_CASE("store: time to store the series of 200 runs of mongolia_2019", "[.][store-bench]") {
  Scratch s;
  const char* where = std::getenv("GEOSIM_STORE_BENCH_DIR");
  const fs::path db = (where != nullptr ? fs::path(where) : s.dir) / ("bench_" + std::to_string(::getpid()) + ".db");
  const Scenario scenario = load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/mongolia_2019.yaml");
  const Model model = compile(scenario);
  ExperimentInfo e = info(scenario.outcomes.size());
  e.outcome_names.clear();
  for (const OutcomeSpec& o : scenario.outcomes) e.outcome_names.push_back(o.name);
  e.series = SeriesSelection::kAll;
  e.samples = 200;
  e.replicates = 1;
  std::vector<RunResult> results;
  std::size_t rows = 0;
  for (std::uint64_t id = 0; id < 200; ++id) {
    RunRecorder rec(model, id);
    simulate(model, {scenario.seed, id}, [&](const StepView& v) { rec.record(v); });
    RunResult r = ok_run(id, 0);
    r.key.point = id;
    r.key.replicate = 0;
    r.outcomes = rec.outcomes();
    r.agent_rows = rec.agent_rows();
    r.edge_rows = rec.edge_rows();
    rows += static_cast<std::size_t>(std::count(r.agent_rows.begin(), r.agent_rows.end(), '\n') +
                                     std::count(r.edge_rows.begin(), r.edge_rows.end(), '\n'));
    results.push_back(std::move(r));
  }
  const auto t0 = std::chrono::steady_clock::now();
  {
    ResultStore store = ResultStore::create(db, e);
    store.write_points(std::vector<std::vector<double>>(200, {0.5, 0.25}));
    for (std::size_t b = 0; b < results.size(); b += 16) {
      store.write_batch(
          std::vector<RunResult>(results.begin() + static_cast<std::ptrdiff_t>(b),
                                 results.begin() + static_cast<std::ptrdiff_t>(std::min(b + 16, results.size()))));
    }
    store.close();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN(rows << " series rows of 200 runs: " << seconds << " s (" << seconds / static_cast<double>(rows) * 1e6
            << " us per row), " << fs::file_size(db) << " bytes");
  const auto t1 = std::chrono::steady_clock::now();
  export_csv(db, s.dir / "csv", false);
  WARN("export: " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() << " s");
  fs::remove(db);
}
