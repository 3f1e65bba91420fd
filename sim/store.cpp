// The results database (store.hpp; docs/results-database.md). The only file
// that includes <sqlite3.h>: small RAII wrappers (Database, Statement,
// Transaction) keep SQLite's C interface in this file.
#include "geosim/store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

#include "geosim/error.hpp"
#include "geosim/observe.hpp"
#include "geosim/output.hpp"

namespace geosim {
namespace fs = std::filesystem;

std::string_view to_string(SeriesSelection s) {
  switch (s) {
    case SeriesSelection::kNone:
      return "none";
    case SeriesSelection::kAgents:
      return "agents";
    case SeriesSelection::kAll:
      return "all";
  }
  return "none";
}

std::optional<SeriesSelection> series_selection_from_string(std::string_view s) {
  if (s == "none") return SeriesSelection::kNone;
  if (s == "agents") return SeriesSelection::kAgents;
  if (s == "all") return SeriesSelection::kAll;
  return std::nullopt;
}

namespace {

// --- SQLite wrappers ------------------------------------------------------------

// A database file whose contents SQLite found damaged (SQLITE_CORRUPT). The
// store turns it into a UsageError where it refuses to resume such a file.
class DamagedDatabase : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// SQLite's error for `rc` on `db`, turned into the exception of its kind:
// a constraint violated by an INSERT is a bug of the caller (InternalError);
// a file that is not a database is the user's (UsageError); a damaged file
// is a DamagedDatabase; the rest is the system's (std::runtime_error: disk
// full, I/O error, permissions), said in words with what to do.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, const std::string& file, std::string_view what) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int sys = db != nullptr ? sqlite3_system_errno(db) : 0;
  const int code = rc & 0xff;
  if (code == SQLITE_FULL || (code == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))) {
    throw std::runtime_error(fmt::format("{} writing results database '{}' (free space first)",
                                         sys == EDQUOT ? "disk quota exceeded" : "no space left on device", file));
  }
  switch (code) {
    case SQLITE_CONSTRAINT:
      throw InternalError(fmt::format("results database '{}': {}: {}", file, what, message));
    case SQLITE_NOTADB:
      // SQLite knows its files by their first 100 bytes: one of another
      // kind and a database whose header was overwritten look the same.
      throw UsageError(fmt::format(
          "'{}' is not a geosim results database ({}), or its header (the first 100 bytes) is damaged; it was left "
          "as it was; give the right file, or a backup copy of it",
          file, message));
    case SQLITE_CORRUPT:
      throw DamagedDatabase(fmt::format("'{}' is damaged ({})", file, message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw std::runtime_error(
          fmt::format("results database '{}' is locked by another process ({}: {})", file, what, message));
    case SQLITE_IOERR: {
      // SQLite does not pass on the errno of a failed write: a file-size
      // limit (EFBIG) shows as a plain I/O error. Name the limit if there is one.
      struct rlimit limit {};
      const bool capped = ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
      if (sys == EFBIG || (capped && rc == SQLITE_IOERR_WRITE)) {
        throw std::runtime_error(fmt::format(
            "file too large writing results database '{}' (SQLite: {}; this process may write files of at most {} "
            "bytes, `ulimit -f`: raise the limit first)",
            file, message, capped ? std::to_string(limit.rlim_cur) : std::string("a limited number of")));
      }
    }
      throw std::runtime_error(fmt::format("input/output error on results database '{}' ({}: {}{}); check the disk",
                                           file, what, message, sys != 0 ? ": " + std::string(std::strerror(sys)) : ""));
    case SQLITE_READONLY: {
      // At the opening, a file or a folder that cannot be written; while a
      // sweep runs, a file deleted or moved (SQLITE_READONLY_DBMOVED).
      const fs::path folder = fs::path(file).has_parent_path() ? fs::path(file).parent_path() : fs::path(".");
      if (rc != SQLITE_READONLY_DBMOVED && ::access(file.c_str(), W_OK) != 0) {
        throw std::runtime_error(fmt::format(
            "results database '{}' cannot be written ({}; {}: {}); it was left as it was; make it writable, or copy "
            "it to a folder you can write to and use the copy",
            file, std::strerror(errno), what, message));
      }
      if (rc != SQLITE_READONLY_DBMOVED && ::access(folder.c_str(), W_OK) != 0) {
        throw std::runtime_error(fmt::format(
            "results database '{}' cannot be written: its folder '{}' cannot be written ({}), and SQLite must create "
            "'{}-wal' and '{}-shm' there; it was left as it was; make the folder writable, or copy the database to a "
            "folder you can write to and use the copy",
            file, folder.string(), std::strerror(errno), file, file));
      }
      throw std::runtime_error(fmt::format("results database '{}' cannot be written ({}: {}); was it deleted, moved "
                                           "or made read-only while geosim was running?",
                                           file, what, message));
    }
    case SQLITE_CANTOPEN:
      throw std::runtime_error(fmt::format(
          "cannot open results database '{}' ({}{}); SQLite also needs to create '{}-wal' and '{}-shm' beside it: "
          "the folder must be writable",
          file, message, sys != 0 ? ": " + std::string(std::strerror(sys)) : "", file, file));
    default:
      throw std::runtime_error(fmt::format("results database '{}': {}: {}", file, what, message));
  }
}

class Statement;

// An open connection; closed by the destructor.
class Database {
 public:
  // Without SQLITE_OPEN_CREATE: the callers create files themselves. One
  // thread at a time uses a connection, so SQLite's per-call mutex is off.
  // `uri`: a "file:" URI to open instead of the path (with
  // SQLITE_OPEN_URI); messages name the path.
  Database(const fs::path& path, int flags, const std::string& uri = {}) : file_(path.string()) {
    const int rc =
        sqlite3_open_v2(uri.empty() ? file_.c_str() : uri.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      // sqlite3_open_v2 returns a handle even on failure (for the message).
      const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw std::runtime_error(fmt::format("cannot open results database '{}': {}", file_, message));
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }

  sqlite3* get() const { return db_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(int rc, std::string_view what) const { throw_sqlite(db_, rc, file_, what); }

  // Runs SQL without results (one or more statements).
  void exec(const char* sql) const {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
  }

  // Closes now, reporting errors (every Statement must be gone).
  void close() {
    if (db_ == nullptr) return;
    const int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) fail(rc, "close");
    db_ = nullptr;
  }

 private:
  std::string file_;
  sqlite3* db_ = nullptr;
};

// A prepared statement, reset after each use so it can be reused; finalized
// by the destructor. Text is bound without a copy (SQLITE_STATIC): the
// caller keeps it alive until the statement has run.
class Statement {
 public:
  Statement(const Database& db, std::string_view sql) : db_(&db), sql_(sql) {
    const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &stmt_, nullptr);
    if (rc != SQLITE_OK) db.fail(rc, fmt::format("prepare '{}'", sql));
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : db_(o.db_), sql_(std::move(o.sql_)), stmt_(std::exchange(o.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
  Statement& bind(int i, double v) { return check(sqlite3_bind_double(stmt_, i, v)); }  // NaN binds as NULL
  Statement& bind(int i, std::string_view v) {
    return check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
  }
  Statement& bind(int i, const std::optional<double>& v) { return v ? bind(i, *v) : bind_null(i); }
  Statement& bind_null(int i) { return check(sqlite3_bind_null(stmt_, i)); }

  // Steps once: true when a row is ready, false when done.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_);
    db_->fail(rc, sql_);
  }
  // Runs a statement that returns no rows, then resets it for the next use.
  // `what` names the row in an error message.
  void run(std::string_view what = {}) {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) db_->fail(rc, what.empty() ? std::string_view(sql_) : what);
  }
  void reset() { sqlite3_reset(stmt_); }

  int columns() const { return sqlite3_column_count(stmt_); }
  std::string_view column_name(int i) const { return sqlite3_column_name(stmt_, i); }
  int type(int i) const { return sqlite3_column_type(stmt_, i); }
  bool is_null(int i) const { return type(i) == SQLITE_NULL; }
  std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  double real(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string_view text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p != nullptr ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
                        : std::string_view();
  }

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) db_->fail(rc, fmt::format("bind in '{}'", sql_));
    return *this;
  }
  const Database* db_;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A transaction: BEGIN at construction, COMMIT by commit(), ROLLBACK by the
// destructor if commit() was not reached (an exception).
class Transaction {
 public:
  // `immediate`: take the write lock now (writers), not at the first write.
  explicit Transaction(const Database& db, bool immediate = true) : db_(db) {
    db_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    // After a failed COMMIT SQLite may already have rolled back.
    if (!committed_ && sqlite3_get_autocommit(db_.get()) == 0) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void commit() {
    db_.exec("COMMIT");
    committed_ = true;
  }

 private:
  const Database& db_;
  bool committed_ = false;
};

// Reads a single integer (a PRAGMA, a count).
std::int64_t query_integer(const Database& db, std::string_view sql) {
  Statement s(db, sql);
  if (!s.step()) return 0;
  return s.integer(0);
}

// --- the schema -----------------------------------------------------------------

// SQLite integers are signed 64-bit; seeds are unsigned 64-bit. A seed is
// stored as the signed integer with the same 64 bits: exact and unchanged
// below 2^63, seed - 2^64 above (docs/results-database.md).
std::int64_t seed_to_sql(std::uint64_t seed) { return static_cast<std::int64_t>(seed); }
std::uint64_t seed_from_sql(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// Counts, ids and indices must fit SQLite's signed integers.
std::int64_t to_sql(std::uint64_t v, std::string_view what) {
  GEOSIM_ASSERT(v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                fmt::format("{} {} does not fit a SQLite integer", what, v));
  return static_cast<std::int64_t>(v);
}

// A column of a series table, in the order of the CSV rows of observe.hpp
// (after their first column, the recorder's run number, which becomes run_id).
enum class ColumnType : std::uint8_t { kInteger, kReal, kText };
struct SeriesColumn {
  std::string_view name;
  ColumnType type;
  bool not_null;
};
constexpr std::array kAgentColumns{
    SeriesColumn{"step", ColumnType::kInteger, true},        SeriesColumn{"year", ColumnType::kReal, true},
    SeriesColumn{"agent", ColumnType::kText, true},          SeriesColumn{"strategy", ColumnType::kText, true},
    SeriesColumn{"main_threat", ColumnType::kText, false},   SeriesColumn{"threat", ColumnType::kReal, false},
    SeriesColumn{"counterweight", ColumnType::kReal, false}, SeriesColumn{"security", ColumnType::kReal, false},
    SeriesColumn{"gdp", ColumnType::kReal, false},           SeriesColumn{"military", ColumnType::kReal, false},
    SeriesColumn{"power", ColumnType::kReal, false},         SeriesColumn{"autonomy", ColumnType::kReal, false},
    SeriesColumn{"hhi", ColumnType::kReal, false},           SeriesColumn{"top_dependence", ColumnType::kText, false},
    SeriesColumn{"u_balance", ColumnType::kReal, false},     SeriesColumn{"u_bandwagon", ColumnType::kReal, false},
    SeriesColumn{"u_hedge", ColumnType::kReal, false},
};
constexpr std::array kEdgeColumns{
    SeriesColumn{"step", ColumnType::kInteger, true},     SeriesColumn{"year", ColumnType::kReal, true},
    SeriesColumn{"source", ColumnType::kText, true},      SeriesColumn{"target", ColumnType::kText, true},
    SeriesColumn{"alignment", ColumnType::kReal, false},  SeriesColumn{"exports", ColumnType::kReal, false},
    SeriesColumn{"investment", ColumnType::kReal, false}, SeriesColumn{"aid", ColumnType::kReal, false},
    SeriesColumn{"security", ColumnType::kReal, false},   SeriesColumn{"sanction", ColumnType::kReal, false},
    SeriesColumn{"dependence", ColumnType::kReal, false}, SeriesColumn{"threat", ColumnType::kReal, false},
    SeriesColumn{"reward", ColumnType::kReal, false},
};

// The series tables follow the CSV files of `geosim run`; if observe.hpp
// gains or renames a column, this check fails in every store test.
void check_series_columns(std::span<const SeriesColumn> columns, const std::string& csv_header) {
  std::string expected = "run";
  for (const SeriesColumn& c : columns) expected += fmt::format(",{}", c.name);
  expected += '\n';
  GEOSIM_ASSERT(expected == csv_header,
                fmt::format("series columns of store.cpp ({}) differ from observe.hpp's ({})", expected, csv_header));
}

std::string series_table_sql(std::string_view table, std::span<const SeriesColumn> columns) {
  std::string sql = fmt::format("CREATE TABLE {} (\n  run_id INTEGER NOT NULL REFERENCES runs (run_id)", table);
  for (const SeriesColumn& c : columns) {
    const char* type = c.type == ColumnType::kInteger ? "INTEGER" : c.type == ColumnType::kReal ? "REAL" : "TEXT";
    sql += fmt::format(",\n  {} {}{}", c.name, type, c.not_null ? " NOT NULL" : "");
  }
  sql += fmt::format("\n);\nCREATE INDEX {0}_run ON {0} (run_id);\n", table);
  return sql;
}

std::string series_insert_sql(std::string_view table, std::size_t columns) {
  std::string sql = fmt::format("INSERT INTO {} VALUES (?1", table);
  for (std::size_t i = 2; i <= columns + 1; ++i) sql += fmt::format(", ?{}", i);
  return sql + ")";
}

// docs/results-database.md describes every table and column; keep it in step.
constexpr const char* kSchema = R"sql(
CREATE TABLE experiment (
  kind TEXT NOT NULL,
  scenario_name TEXT NOT NULL,
  scenario_file TEXT NOT NULL,
  scenario_sha256 TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  design TEXT NOT NULL,
  samples INTEGER NOT NULL,
  replicates INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  parameters_json TEXT NOT NULL,
  policies_json TEXT NOT NULL,
  series TEXT NOT NULL CHECK (series IN ('none', 'agents', 'all')),
  geosim_version TEXT NOT NULL,
  command_line TEXT NOT NULL,
  created_utc TEXT NOT NULL,
  points INTEGER
);
CREATE TABLE sessions (
  session INTEGER PRIMARY KEY,
  started_utc TEXT NOT NULL,
  command_line TEXT NOT NULL,
  geosim_version TEXT NOT NULL
);
CREATE TABLE dimensions (
  dimension INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE
);
CREATE TABLE outcome_names (
  outcome INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE points (
  point INTEGER NOT NULL,
  path TEXT NOT NULL REFERENCES dimensions (path),
  value REAL NOT NULL,
  PRIMARY KEY (point, path)
) WITHOUT ROWID;
CREATE TABLE runs (
  run_id INTEGER PRIMARY KEY,
  point INTEGER NOT NULL,
  replicate INTEGER NOT NULL,
  policy TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error TEXT CHECK ((status = 'ok') = (error IS NULL)),
  wall_s REAL NOT NULL,
  finished_utc TEXT NOT NULL,
  UNIQUE (point, replicate, policy)
);
CREATE TABLE outcomes (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  name TEXT NOT NULL REFERENCES outcome_names (name),
  value REAL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
)sql";

// Settings of every connection that writes.
//
// Durability. In WAL mode a transaction is committed when its commit frame is
// in the -wal file. With synchronous=NORMAL that write reaches the operating
// system at COMMIT but is fsync'ed only at checkpoints: a committed batch
// then survives the death of the process at any moment (Ctrl-C, SIGTERM,
// kill -9: the kernel still holds and later writes the data), but a power
// loss or a kernel crash can take back the last batches (never half of one:
// the database stays consistent either way). With synchronous=FULL the -wal
// file is fsync'ed at every COMMIT, so a batch that write_batch() has
// returned from survives a power loss too. A resumed sweep would rerun lost
// batches and get the same values, so NORMAL would still end with the right
// results; but FULL makes "stored" mean "on disk", and with batches of
// hundreds of runs its one fsync per batch costs little (measured in
// docs/results-database.md). Hence FULL.
void configure_writer(const Database& db) {
  {
    Statement s(db, "PRAGMA journal_mode = WAL");
    const std::string mode = s.step() ? std::string(s.text(0)) : std::string();
    if (mode != "wal") {
      throw std::runtime_error(fmt::format(
          "results database '{}': cannot use write-ahead logging (journal mode '{}'); is it on a network file system?",
          db.file(), mode));
    }
  }
  db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
  // Readers (pandas, sqlite3, geosim export) never block a WAL writer, but a
  // checkpoint may briefly wait for them.
  sqlite3_busy_timeout(db.get(), 10'000);
}

// What a database file holds, from its header and schema.
enum class FileKind { kEmpty, kGeosim };
FileKind inspect(const Database& db) {
  const std::int64_t app = query_integer(db, "PRAGMA application_id");
  const std::int64_t version = query_integer(db, "PRAGMA user_version");
  const std::int64_t tables = query_integer(db, "SELECT count(*) FROM sqlite_schema");
  if (app == 0 && version == 0 && tables == 0) return FileKind::kEmpty;
  if (app != kResultStoreApplicationId) {
    throw UsageError(
        fmt::format("'{}' is not a geosim results database (it is an SQLite database of another program)", db.file()));
  }
  if (version > kResultStoreSchemaVersion) {
    throw UsageError(
        fmt::format("'{}' was written by a newer geosim (results schema version {}; this geosim reads version {}); "
                    "use a geosim at least as new as the one that wrote it",
                    db.file(), version, kResultStoreSchemaVersion));
  }
  if (version != kResultStoreSchemaVersion) {
    throw UsageError(
        fmt::format("'{}' has results schema version {}, which this geosim (version {}) does not read; "
                    "export it with the geosim that wrote it (geosim export)",
                    db.file(), version, kResultStoreSchemaVersion));
  }
  return FileKind::kGeosim;
}

void check_info(const ExperimentInfo& info) {
  GEOSIM_ASSERT(info.kind == "sweep" || info.kind == "compare",
                fmt::format("experiment kind must be sweep or compare, got '{}'", info.kind));
  for (std::size_t i = 0; i < info.dimensions.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      GEOSIM_ASSERT(info.dimensions[i] != info.dimensions[j],
                    fmt::format("dimension '{}' given twice", info.dimensions[i]));
    }
  }
  for (std::size_t i = 0; i < info.outcome_names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      GEOSIM_ASSERT(info.outcome_names[i] != info.outcome_names[j],
                    fmt::format("outcome '{}' given twice", info.outcome_names[i]));
    }
  }
}

void add_session(const Database& db, const ExperimentInfo& info) {
  Statement(db, "INSERT INTO sessions (started_utc, command_line, geosim_version) VALUES (?1, ?2, ?3)")
      .bind(1, std::string_view(utc_timestamp()))
      .bind(2, std::string_view(info.command_line))
      .bind(3, std::string_view(info.geosim_version))
      .run();
}

// Writes the schema and the experiment into an empty database, in one
// transaction (a crash leaves the file empty, which open_for_resume accepts).
void initialize(const Database& db, const ExperimentInfo& info) {
  Transaction tx(db);
  db.exec(kSchema);
  db.exec(series_table_sql("agent_series", kAgentColumns).c_str());
  db.exec(series_table_sql("edge_series", kEdgeColumns).c_str());
  db.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};", kResultStoreApplicationId,
                      kResultStoreSchemaVersion)
              .c_str());
  const std::string created = info.created_utc.empty() ? utc_timestamp() : info.created_utc;
  const std::string series(to_string(info.series));
  Statement(db,
            "INSERT INTO experiment (kind, scenario_name, scenario_file, scenario_sha256, scenario_text, design, "
            "samples, replicates, seed, parameters_json, policies_json, series, geosim_version, command_line, "
            "created_utc, points) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL)")
      .bind(1, std::string_view(info.kind))
      .bind(2, std::string_view(info.scenario_name))
      .bind(3, std::string_view(info.scenario_file))
      .bind(4, std::string_view(info.scenario_sha256))
      .bind(5, std::string_view(info.scenario_text))
      .bind(6, std::string_view(info.design))
      .bind(7, to_sql(info.samples, "samples"))
      .bind(8, to_sql(info.replicates, "replicates"))
      .bind(9, seed_to_sql(info.seed))
      .bind(10, std::string_view(info.parameters_json))
      .bind(11, std::string_view(info.policies_json))
      .bind(12, std::string_view(series))
      .bind(13, std::string_view(info.geosim_version))
      .bind(14, std::string_view(info.command_line))
      .bind(15, std::string_view(created))
      .run();
  Statement dim(db, "INSERT INTO dimensions (dimension, path) VALUES (?1, ?2)");
  for (std::size_t d = 0; d < info.dimensions.size(); ++d) {
    dim.bind(1, static_cast<std::int64_t>(d)).bind(2, std::string_view(info.dimensions[d])).run();
  }
  Statement out(db, "INSERT INTO outcome_names (outcome, name) VALUES (?1, ?2)");
  for (std::size_t k = 0; k < info.outcome_names.size(); ++k) {
    out.bind(1, static_cast<std::int64_t>(k)).bind(2, std::string_view(info.outcome_names[k])).run();
  }
  add_session(db, info);
  tx.commit();
}

std::vector<std::string> read_names(const Database& db, std::string_view sql) {
  std::vector<std::string> names;
  Statement s(db, sql);
  while (s.step()) names.emplace_back(s.text(0));
  return names;
}

std::string shorten(std::string_view s) {
  constexpr std::size_t kMax = 120;
  std::string out(s.substr(0, kMax));
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (s.size() > kMax) out += "...";
  return out;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += fmt::format("{}'{}'", i ? ", " : "", v[i]);
  return out + "]";
}

// Compares the stored experiment with `info`; throws UsageError naming every
// difference.
void check_same_experiment(const Database& db, const ExperimentInfo& info) {
  Statement s(db,
              "SELECT kind, scenario_file, scenario_sha256, design, samples, replicates, seed, parameters_json, "
              "policies_json, series, geosim_version, command_line FROM experiment");
  if (!s.step()) {
    throw UsageError(fmt::format("'{}' has no experiment row; it is damaged and cannot be resumed", db.file()));
  }
  std::vector<std::string> diffs;
  auto text = [&](int col, std::string_view label, std::string_view now) {
    const std::string_view stored = s.text(col);
    if (stored != now)
      diffs.push_back(fmt::format("{}: '{}' in the database, '{}' now", label, shorten(stored), shorten(now)));
  };
  auto number = [&](int col, std::string_view label, std::uint64_t now, bool is_seed) {
    const std::uint64_t stored = is_seed ? seed_from_sql(s.integer(col)) : static_cast<std::uint64_t>(s.integer(col));
    if (stored != now) diffs.push_back(fmt::format("{}: {} in the database, {} now", label, stored, now));
  };
  text(0, "kind", info.kind);
  if (s.text(2) != info.scenario_sha256) {
    diffs.push_back(fmt::format("scenario: {} (sha256 {}) in the database, {} (sha256 {}) now; the file has changed",
                                s.text(1), s.text(2).substr(0, 16), info.scenario_file,
                                std::string_view(info.scenario_sha256).substr(0, 16)));
  }
  text(3, "design", info.design);
  number(4, "samples", info.samples, false);
  number(5, "replicates", info.replicates, false);
  number(6, "seed", info.seed, true);
  text(7, "parameters", info.parameters_json);
  text(8, "policies", info.policies_json);
  text(9, "series", to_string(info.series));
  text(10, "geosim version", info.geosim_version);
  const std::string original_command(s.text(11));
  s.reset();

  const auto dims = read_names(db, "SELECT path FROM dimensions ORDER BY dimension");
  if (dims != info.dimensions) {
    diffs.push_back(
        fmt::format("dimensions: {} in the database, {} now", quoted_list(dims), quoted_list(info.dimensions)));
  }
  const auto outcomes = read_names(db, "SELECT name FROM outcome_names ORDER BY outcome");
  if (outcomes != info.outcome_names) {
    diffs.push_back(
        fmt::format("outcomes: {} in the database, {} now", quoted_list(outcomes), quoted_list(info.outcome_names)));
  }
  if (diffs.empty()) return;
  std::string message = fmt::format("cannot resume '{}': it holds another experiment:", db.file());
  for (const std::string& d : diffs) message += "\n  " + d;
  message += fmt::format(
      "\nResume with the scenario and options it was started with ({}), or start this experiment in a new "
      "database file.",
      original_command);
  throw UsageError(message);
}

// The process that holds a flock on the file open as `fd`, from
// /proc/locks (Linux), or 0 when it cannot be told.
long lock_holder(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return 0;
  const std::string id =
      fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    // "1: FLOCK  ADVISORY  WRITE 12345 00:2e:123456 0 EOF"
    std::istringstream fields(line);
    std::string number, type, mode, access, pid, file;
    if (!(fields >> number >> type >> mode >> access >> pid >> file)) continue;
    if (type == "FLOCK" && file == id) return std::strtol(pid.c_str(), nullptr, 10);
  }
  return 0;
}

[[noreturn]] void throw_in_use(const fs::path& path, int fd) {
  const long pid = lock_holder(fd);
  throw UsageError(fmt::format(
      "results database '{}' is in use by another geosim process ({}a sweep or comparison still running?); this "
      "command changed nothing: wait for the other one to finish, or stop it first",
      path.string(), pid > 0 ? fmt::format("pid {}; ", pid) : std::string()));
}

// Opens the file (creating it with O_EXCL: `create`, or for a resume, when it
// does not exist) and takes an exclusive advisory lock on it for the store's
// lifetime, so that two sweeps never write one database. flock() locks are
// separate from the POSIX locks SQLite uses, and the kernel releases them
// when the process dies, however it dies. The descriptor is closed only after
// SQLite has closed its own (closing any descriptor of a file drops the
// process's POSIX locks on it). `created` says whether this call made the
// file.
int open_and_lock(const fs::path& path, bool create, const ExperimentInfo& info, bool& created) {
  int fd = -1;
  created = false;
  for (int attempt = 0; fd < 0 && attempt < 3; ++attempt) {
    if (!create) {
      fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (fd >= 0 || errno != ENOENT) break;  // a resume of a file that is not there: create it
    }
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_CREAT | O_EXCL, 0666);
    if (fd >= 0) {
      created = true;
    } else if (errno != EEXIST || create) {
      break;  // for a resume, a file that appeared meanwhile is opened on the next attempt
    }
  }
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) {
      // Another process may be writing it right now: say so, rather than
      // suggest --resume.
      const int other = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (other >= 0) {
        const bool locked = ::flock(other, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
        if (locked) {
          try {
            throw_in_use(path, other);
          } catch (...) {
            ::close(other);
            throw;
          }
        }
        ::close(other);
      }
      throw UsageError(
          info.kind == "compare"
              ? fmt::format("results database '{}' already exists; choose another --db, or delete it (a comparison "
                            "that was killed leaves its database behind)",
                            path.string())
              : fmt::format("results database '{}' already exists; resume the experiment it holds with --resume, or "
                            "choose another file",
                            path.string()));
    }
    throw std::runtime_error(write_error_message(err, path, create || err == ENOENT ? "nothing was written"
                                                                                     : "it was left as it was"));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      try {
        throw_in_use(path, fd);
      } catch (...) {
        ::close(fd);
        throw;
      }
    }
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot lock results database '{}': {}", path.string(), std::strerror(err)));
  }
  return fd;
}

// Runs SQLite's quick check of the whole file (every page of every table and
// index is read and its structure checked); throws DamagedDatabase naming
// the first problems.
void check_integrity(const Database& db) {
  Statement s(db, "PRAGMA quick_check(5)");
  std::vector<std::string> problems;
  while (s.step()) problems.emplace_back(s.text(0));
  if (problems.size() == 1 && problems.front() == "ok") return;
  std::string list;
  for (const std::string& p : problems) list += (list.empty() ? "" : "; ") + shorten(p);
  throw DamagedDatabase(fmt::format("'{}' is damaged (SQLite's check: {})", db.file(), list));
}

// A "file:" URI for `path` with a query (SQLite's URI file names).
std::string file_uri(const fs::path& path, std::string_view query) {
  std::string uri = "file:";
  for (const char c : fs::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#') {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  return fmt::format("{}?{}", uri, query);
}

void remove_database_files(const fs::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(fs::path(path.string() + suffix), ec);
}

// --- parsing the recorder's CSV rows ------------------------------------------

// Binds the fields of one CSV row (after its first column) to `insert` and
// runs it. Fields are split at commas (the recorder never quotes).
void insert_series_row(Statement& insert, std::span<const SeriesColumn> columns, std::int64_t run_id,
                       std::string_view row, std::string_view table) {
  insert.bind(1, run_id);
  std::size_t pos = row.find(',');  // skip the recorder's run number
  GEOSIM_ASSERT(pos != std::string_view::npos, fmt::format("{} row without fields: '{}'", table, row));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::size_t begin = pos + 1;
    GEOSIM_ASSERT(begin <= row.size(),
                  fmt::format("{} row has {} fields, expected {}: '{}'", table, c + 1, columns.size() + 1, row));
    std::size_t end = row.find(',', begin);
    if (end == std::string_view::npos) end = row.size();
    const std::string_view field = row.substr(begin, end - begin);
    const int index = static_cast<int>(c) + 2;
    if (field.empty()) {
      insert.bind_null(index);
    } else if (columns[c].type == ColumnType::kText) {
      insert.bind(index, field);
    } else if (columns[c].type == ColumnType::kInteger) {
      std::int64_t v = 0;
      const auto r = std::from_chars(field.data(), field.data() + field.size(), v);
      GEOSIM_ASSERT(r.ec == std::errc() && r.ptr == field.data() + field.size(),
                    fmt::format("{} column {}: '{}' is not an integer", table, columns[c].name, field));
      insert.bind(index, v);
    } else {
      double v = 0;
      const auto r = std::from_chars(field.data(), field.data() + field.size(), v);
      GEOSIM_ASSERT(r.ec == std::errc() && r.ptr == field.data() + field.size(),
                    fmt::format("{} column {}: '{}' is not a number", table, columns[c].name, field));
      insert.bind(index, v);
    }
    pos = end;
  }
  GEOSIM_ASSERT(pos == row.size(), fmt::format("{} row has more than {} fields: '{}'", table, columns.size() + 1, row));
  insert.run(table);
}

void insert_series(Statement& insert, std::span<const SeriesColumn> columns, std::int64_t run_id, std::string_view rows,
                   std::string_view table) {
  while (!rows.empty()) {
    const std::size_t nl = rows.find('\n');
    const std::string_view row = rows.substr(0, nl);
    if (!row.empty()) insert_series_row(insert, columns, run_id, row, table);
    if (nl == std::string_view::npos) break;
    rows.remove_prefix(nl + 1);
  }
}

}  // namespace

// --- ResultStore ----------------------------------------------------------------

struct ResultStore::Impl {
  fs::path path;
  int lock_fd = -1;
  std::unique_ptr<Database> db;
  std::vector<std::string> outcome_names;
  std::size_t dimensions = 0;
  SeriesSelection series = SeriesSelection::kNone;
  std::optional<std::uint64_t> points;  // number of points, once written
  bool resumed = false;
  // Prepared once, reused by every batch.
  std::unique_ptr<Statement> insert_run, insert_outcome, insert_agent, insert_edge;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    try {
      close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor cannot report; close() does
    }
    release();
  }

  // Opens `file` as its one writer; `create`: a new file (O_EXCL), else a
  // resume (of a file that may not exist yet).
  void open(const fs::path& file, const ExperimentInfo& info, bool create) {
    check_series_columns(kAgentColumns, agents_csv_header());
    check_series_columns(kEdgeColumns, edges_csv_header());
    check_info(info);
    if (file.has_parent_path()) {
      // Like AtomicDir: missing parent folders are created (mkdir -p).
      std::error_code ec;
      if (!fs::is_directory(file.parent_path(), ec)) fs::create_directories(file.parent_path(), ec);
    }
    path = file;
    // What lies beside the file before this process looks at it: SQLite
    // creates -wal and -shm files when it reads a WAL database, and a file
    // that is refused must be left as it was found.
    const fs::path wal = path.string() + "-wal", shm = path.string() + "-shm";
    std::error_code ec;
    const bool had_wal = fs::exists(wal, ec), had_shm = fs::exists(shm, ec);
    bool fresh = false;  // the file held no experiment before this call: on failure, remove it
    lock_fd = open_and_lock(path, create, info, fresh);
    bool checked = fresh;  // an existing experiment passed every check: from here on it may be written
    try {
      db = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE);
      if (!fresh) {
        // Read-only until the checks pass: no checkpoint at close either.
        sqlite3_db_config(db->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        try {
          fresh = inspect(*db) == FileKind::kEmpty;
          if (!fresh) {
            check_integrity(*db);
            check_same_experiment(*db, info);
          }
        } catch (const DamagedDatabase& e) {
          throw UsageError(fmt::format(
              "cannot resume: {}; geosim left it exactly as it was. Start the experiment again in a new file (or "
              "resume a backup copy of this one); `sqlite3 '{}' .recover` may save the runs it still holds",
              e.what(), path.string()));
        }
        checked = true;
        sqlite3_db_config(db->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
      }
      if (fresh) {
        configure_writer(*db);
        initialize(*db, info);
      } else {
        configure_writer(*db);
        add_session(*db, info);
        resumed = true;
      }
      outcome_names = info.outcome_names;
      dimensions = info.dimensions.size();
      series = info.series;
      {
        Statement s(*db, "SELECT points FROM experiment");
        if (s.step() && !s.is_null(0)) points = static_cast<std::uint64_t>(s.integer(0));
      }
      insert_run = std::make_unique<Statement>(
          *db,
          "INSERT INTO runs (run_id, point, replicate, policy, seed, status, error, wall_s, finished_utc) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      insert_outcome =
          std::make_unique<Statement>(*db, "INSERT INTO outcomes (run_id, name, value) VALUES (?1, ?2, ?3)");
      insert_agent = std::make_unique<Statement>(*db, series_insert_sql("agent_series", kAgentColumns.size()));
      insert_edge = std::make_unique<Statement>(*db, series_insert_sql("edge_series", kEdgeColumns.size()));
    } catch (...) {
      // Nothing half made is left behind; an existing experiment is never
      // touched. The files go before the lock, so no other process can open
      // them in between.
      finalize();
      db.reset();
      if (fresh) {
        remove_database_files(path);
      } else if (!checked) {
        // Refused: remove the side files this process made (an empty -wal
        // and the -shm), and nothing else.
        if (!had_wal && fs::exists(wal, ec) && fs::file_size(wal, ec) == 0) fs::remove(wal, ec);
        if (!had_shm && !fs::exists(wal, ec)) fs::remove(shm, ec);
      }
      release();
      throw;
    }
  }

  // Throws when the file at `path` is no longer the one this store writes
  // (deleted, moved, or its folder removed): SQLite would go on writing the
  // unlinked file, and the runs would vanish with it when it closes.
  void check_file() const {
    struct stat open_file {}, at_path {};
    if (lock_fd < 0 || ::fstat(lock_fd, &open_file) != 0) return;
    if (::stat(path.c_str(), &at_path) == 0 && at_path.st_dev == open_file.st_dev &&
        at_path.st_ino == open_file.st_ino) {
      return;
    }
    std::error_code ec;
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    // Moved (or its folder moved): the kernel knows where the open file is.
    struct stat moved {};
    const fs::path now = fs::read_symlink(fmt::format("/proc/self/fd/{}", lock_fd), ec);
    if (!ec && !now.empty() && ::stat(now.c_str(), &moved) == 0 && moved.st_dev == open_file.st_dev &&
        moved.st_ino == open_file.st_ino) {
      const bool with_folder = now.filename() == path.filename() && !fs::exists(path, ec);
      const bool wal_along = !fs::exists(path.string() + "-wal", ec);
      if (with_folder && wal_along) {
        throw std::runtime_error(fmt::format(
            "results database '{}' was moved, with its folder, to '{}' while geosim was writing it; geosim stopped; "
            "the runs stored before are intact there: continue with the same command, --db '{}' and --resume",
            path.string(), now.string(), now.string()));
      }
      throw std::runtime_error(fmt::format(
          "results database '{}' was moved to '{}' while geosim was writing it; geosim stopped; put it back (with "
          "the file '{}-wal' beside it, if there is one) and continue with the same command and --resume",
          path.string(), now.string(), path.string()));
    }
    throw std::runtime_error(fmt::format(
        "results database '{}' was {} while geosim was writing it; geosim stopped, and the runs it held are no "
        "longer at that path; nothing else was touched; start the sweep again (or put back a copy of the file and "
        "continue with --resume)",
        path.string(),
        fs::is_directory(folder, ec) ? "deleted or replaced"
                                     : fmt::format("removed with its folder '{}'", folder.string())));
  }

  void finalize() {
    insert_run.reset();
    insert_outcome.reset();
    insert_agent.reset();
    insert_edge.reset();
  }
  void close() {
    finalize();
    if (db) {
      check_file();
      db->close();  // reports errors; the destructor would not
    }
    release();
  }
  void release() {
    finalize();
    db.reset();
    if (lock_fd >= 0) {
      ::close(lock_fd);
      lock_fd = -1;
    }
  }
};

ResultStore::ResultStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;
ResultStore::~ResultStore() = default;

ResultStore ResultStore::create(const fs::path& path, const ExperimentInfo& info) {
  auto impl = std::make_unique<Impl>();
  impl->open(path, info, true);
  return ResultStore(std::move(impl));
}

ResultStore ResultStore::open_for_resume(const fs::path& path, const ExperimentInfo& info) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw UsageError(fmt::format("'{}' is a folder, not a results database", path.string()));
  }
  auto impl = std::make_unique<Impl>();
  impl->open(path, info, false);
  return ResultStore(std::move(impl));
}

void ResultStore::write_points(const std::vector<std::vector<double>>& values) {
  GEOSIM_ASSERT(impl_ && impl_->db, "write_points() on a closed ResultStore");
  Impl& s = *impl_;
  for (std::size_t p = 0; p < values.size(); ++p) {
    GEOSIM_ASSERT(values[p].size() == s.dimensions,
                  fmt::format("point {} has {} values for {} dimensions", p, values[p].size(), s.dimensions));
  }
  const Database& db = *s.db;
  const auto dims = read_names(db, "SELECT path FROM dimensions ORDER BY dimension");
  if (s.points) {
    // A resume: the design must give the same points as before.
    auto differ = [&](std::string_view what) {
      throw UsageError(fmt::format(
          "cannot resume '{}': the experiment's points differ from those stored ({}); was it started with another "
          "geosim build?",
          s.path.string(), what));
    };
    if (*s.points != values.size()) differ(fmt::format("{} points stored, {} now", *s.points, values.size()));
    Statement q(db,
                "SELECT p.point, d.dimension, p.value FROM points p JOIN dimensions d USING (path) "
                "ORDER BY p.point, d.dimension");
    std::uint64_t rows = 0;
    while (q.step()) {
      const auto p = static_cast<std::uint64_t>(q.integer(0));
      const auto d = static_cast<std::size_t>(q.integer(1));
      if (p >= values.size() || d >= s.dimensions) differ(fmt::format("point {} is out of range", p));
      if (q.real(2) != values[p][d]) {
        differ(fmt::format("point {}, {}: {} stored, {} now", p, dims[d], format_number(q.real(2)),
                           format_number(values[p][d])));
      }
      ++rows;
    }
    if (rows != values.size() * s.dimensions)
      differ(fmt::format("{} values stored, {} now", rows, values.size() * s.dimensions));
    return;
  }
  Transaction tx(db);
  Statement insert(db, "INSERT INTO points (point, path, value) VALUES (?1, ?2, ?3)");
  for (std::size_t p = 0; p < values.size(); ++p) {
    for (std::size_t d = 0; d < s.dimensions; ++d) {
      insert.bind(1, static_cast<std::int64_t>(p)).bind(2, std::string_view(dims[d])).bind(3, values[p][d]);
      insert.run(fmt::format("point {}, {}", p, dims[d]));
    }
  }
  Statement(db, "UPDATE experiment SET points = ?1").bind(1, to_sql(values.size(), "points")).run();
  tx.commit();
  s.points = values.size();
}

std::vector<std::uint64_t> ResultStore::done_run_ids() const {
  GEOSIM_ASSERT(impl_ && impl_->db, "done_run_ids() on a closed ResultStore");
  std::vector<std::uint64_t> ids;
  Statement s(*impl_->db, "SELECT run_id FROM runs ORDER BY run_id");
  while (s.step()) ids.push_back(static_cast<std::uint64_t>(s.integer(0)));
  return ids;
}

StoreCounts ResultStore::counts() const {
  GEOSIM_ASSERT(impl_ && impl_->db, "counts() on a closed ResultStore");
  StoreCounts c;
  Statement s(*impl_->db, "SELECT status, count(*) FROM runs GROUP BY status");
  while (s.step()) (s.text(0) == "ok" ? c.ok : c.failed) = static_cast<std::uint64_t>(s.integer(1));
  return c;
}

void ResultStore::write_batch(const std::vector<RunResult>& batch) {
  GEOSIM_ASSERT(impl_ && impl_->db, "write_batch() on a closed ResultStore");
  if (batch.empty()) return;
  Impl& s = *impl_;
  GEOSIM_ASSERT(s.points.has_value(), "write_points() must come before write_batch()");
  const bool agents = s.series != SeriesSelection::kNone;
  const bool edges = s.series == SeriesSelection::kAll;
  // Check the whole batch before writing any of it.
  for (const RunResult& r : batch) {
    const auto& k = r.key;
    GEOSIM_ASSERT(k.point < *s.points, fmt::format("run {}: point {} of {}", k.run_id, k.point, *s.points));
    to_sql(k.run_id, "run id");
    to_sql(k.replicate, "replicate");
    if (r.ok) {
      GEOSIM_ASSERT(r.error.empty(), fmt::format("run {} is ok but has an error message", k.run_id));
      GEOSIM_ASSERT(r.outcomes.size() == s.outcome_names.size(),
                    fmt::format("run {} has {} outcomes, the experiment {}", k.run_id, r.outcomes.size(),
                                s.outcome_names.size()));
      GEOSIM_ASSERT(agents || r.agent_rows.empty(), fmt::format("run {} has agent rows, but series is none", k.run_id));
      GEOSIM_ASSERT(edges || r.edge_rows.empty(),
                    fmt::format("run {} has edge rows, but series is {}", k.run_id, to_string(s.series)));
    } else {
      GEOSIM_ASSERT(!r.error.empty(), fmt::format("failed run {} has no error message", k.run_id));
      GEOSIM_ASSERT(r.outcomes.empty() && r.agent_rows.empty() && r.edge_rows.empty(),
                    fmt::format("failed run {} has outcomes or series", k.run_id));
    }
  }

  const Database& db = *s.db;
  const std::string now = utc_timestamp();
  s.check_file();
  Transaction tx(db);
  for (const RunResult& r : batch) {
    const auto& k = r.key;
    const auto run_id = static_cast<std::int64_t>(k.run_id);
    s.insert_run->bind(1, run_id)
        .bind(2, static_cast<std::int64_t>(k.point))
        .bind(3, static_cast<std::int64_t>(k.replicate))
        .bind(4, std::string_view(k.policy))
        .bind(5, seed_to_sql(k.seed))
        .bind(6, std::string_view(r.ok ? "ok" : "failed"))
        .bind(8, r.wall_s)
        .bind(9, std::string_view(now));
    if (r.ok) {
      s.insert_run->bind_null(7);
    } else {
      s.insert_run->bind(7, std::string_view(r.error));
    }
    s.insert_run->run(fmt::format("run {} (point {}, replicate {}, policy {}) is stored already", k.run_id, k.point,
                                  k.replicate, k.policy));
    for (std::size_t o = 0; o < r.outcomes.size(); ++o) {
      s.insert_outcome->bind(1, run_id).bind(2, std::string_view(s.outcome_names[o])).bind(3, r.outcomes[o]);
      s.insert_outcome->run("outcome");
    }
    insert_series(*s.insert_agent, kAgentColumns, run_id, r.agent_rows, "agent_series");
    insert_series(*s.insert_edge, kEdgeColumns, run_id, r.edge_rows, "edge_series");
  }
  tx.commit();
  s.check_file();
}

bool ResultStore::resumed() const { return impl_ && impl_->resumed; }

const fs::path& ResultStore::path() const {
  GEOSIM_ASSERT(impl_ != nullptr, "path() of a moved-from ResultStore");
  return impl_->path;
}

void ResultStore::close() {
  if (impl_) impl_->close();
}

// --- export ---------------------------------------------------------------------

namespace {

// Appends a text field, quoted as RFC 4180 says when it must be.
void append_text(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// How write_query() writes two special columns (-1: none).
struct Columns {
  int seed = -1;  ///< seeds: stored as signed 64-bit, written unsigned
  int year = -1;  ///< the series' year: written as `geosim run` does ("2020", not "2020.0")
};

// Appends a column value: integers as integers, reals as format_number()
// does, text quoted where needed, NULL as nothing.
void append_value(std::string& out, const Statement& s, int i, const Columns& special = {}) {
  switch (s.type(i)) {
    case SQLITE_NULL:
      break;
    case SQLITE_INTEGER:
      if (i == special.seed) {
        fmt::format_to(std::back_inserter(out), "{}", seed_from_sql(s.integer(i)));
      } else {
        fmt::format_to(std::back_inserter(out), "{}", s.integer(i));
      }
      break;
    case SQLITE_FLOAT:
      if (i == special.year) {
        fmt::format_to(std::back_inserter(out), "{}", s.real(i));  // as RunRecorder writes it
      } else {
        out += format_number(s.real(i));
      }
      break;
    default:
      append_text(out, s.text(i));
      break;
  }
}

// A CSV file written through a buffer, flushed every few hundred kilobytes;
// a failed write (a full disk) stops the export at once, naming the file.
class CsvFile {
 public:
  CsvFile(const AtomicDir& dir, std::string_view name, ExportReport& report) : out_(dir.open(name)) {
    report.files.emplace_back(name);
  }
  std::string& line() { return buffer_; }
  void end_line() {
    buffer_ += '\n';
    if (buffer_.size() > (1u << 18)) flush();
  }
  void close() {
    flush();
    out_.close();
  }

 private:
  void flush() {
    out_.write(buffer_);
    buffer_.clear();
  }
  OutputFile out_;
  std::string buffer_;
};

// Writes every row of a query, with its column names as the header.
std::uint64_t write_query(const Database& db, std::string_view sql, CsvFile& f, const Columns& special = {}) {
  Statement s(db, sql);
  for (int i = 0; i < s.columns(); ++i) {
    if (i) f.line() += ',';
    f.line() += s.column_name(i);
  }
  f.end_line();
  std::uint64_t rows = 0;
  while (s.step()) {
    for (int i = 0; i < s.columns(); ++i) {
      if (i) f.line() += ',';
      append_value(f.line(), s, i, special);
    }
    f.end_line();
    ++rows;
  }
  f.close();
  return rows;
}

}  // namespace

ExportReport export_csv(const fs::path& db_path, const fs::path& dir, bool force) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) throw UsageError(fmt::format("no such file: '{}'", db_path.string()));
  if (fs::is_directory(db_path, ec)) {
    throw UsageError(fmt::format("'{}' is a folder, not a results database", db_path.string()));
  }
  // Read-write without create: a read-only connection cannot recover the
  // -wal file of a sweep that was killed. Nothing is written (query_only).
  // A database that this process cannot write (another user's, or in a
  // read-only folder, where SQLite could not make its -shm file) and that
  // has no -wal file (no sweep has it open, none was killed) is read as an
  // immutable file instead.
  const fs::path folder = db_path.has_parent_path() ? db_path.parent_path() : fs::path(".");
  const bool writable = ::access(db_path.c_str(), W_OK) == 0 && ::access(folder.c_str(), W_OK) == 0;
  const bool immutable = !writable && !fs::exists(db_path.string() + "-wal", ec);
  Database db(db_path, immutable ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI : SQLITE_OPEN_READWRITE,
              immutable ? file_uri(db_path, "immutable=1") : std::string());
  sqlite3_busy_timeout(db.get(), 10'000);
  if (inspect(db) != FileKind::kGeosim) {
    throw UsageError(fmt::format("'{}' is not a geosim results database (it is empty)", db_path.string()));
  }
  db.exec("PRAGMA query_only = ON");

  ExportReport report;
  AtomicDir out(dir, force);
  report.dir = out.final_path();
  Transaction snapshot(db, false);  // one read transaction: a consistent snapshot

  std::string series;
  std::vector<std::string> dims;
  std::vector<std::string> outcome_names;
  {
    Statement s(db, "SELECT scenario_text, series FROM experiment");
    if (!s.step()) throw UsageError(fmt::format("'{}' has no experiment row; it is damaged", db_path.string()));
    out.write("scenario.yaml", s.text(0));
    report.files.emplace_back("scenario.yaml");
    series = s.text(1);
  }
  dims = read_names(db, "SELECT path FROM dimensions ORDER BY dimension");
  outcome_names = read_names(db, "SELECT name FROM outcome_names ORDER BY outcome");

  {
    CsvFile f(out, "experiment.csv", report);
    write_query(db,
                "SELECT kind, scenario_name, scenario_file, scenario_sha256, design, samples, replicates, seed, "
                "parameters_json, policies_json, series, geosim_version, command_line, created_utc, points, "
                "(SELECT user_version FROM pragma_user_version) AS schema_version FROM experiment",
                f, {.seed = 7});
  }
  {
    CsvFile f(out, "sessions.csv", report);
    write_query(db, "SELECT session, started_utc, command_line, geosim_version FROM sessions ORDER BY session", f);
  }
  {
    CsvFile f(out, "points.csv", report);
    write_query(db,
                "SELECT p.point, p.path, p.value FROM points p JOIN dimensions d USING (path) "
                "ORDER BY p.point, d.dimension",
                f);
  }
  {
    CsvFile f(out, "runs.csv", report);
    report.runs = write_query(
        db,
        "SELECT run_id, point, replicate, policy, seed, status, error, wall_s, finished_utc FROM runs ORDER BY run_id",
        f, {.seed = 4});
  }
  {
    CsvFile f(out, "outcomes.csv", report);
    write_query(db,
                "SELECT o.run_id, r.point, r.replicate, r.policy, o.name, o.value FROM outcomes o "
                "JOIN runs r USING (run_id) JOIN outcome_names n USING (name) ORDER BY o.run_id, n.outcome",
                f);
  }
  {
    // One row per run: the point's values and the outcomes as columns. The
    // points are held in memory (the design, written once); runs stream.
    std::vector<std::vector<std::optional<double>>> points;
    {
      Statement s(db, "SELECT p.point, d.dimension, p.value FROM points p JOIN dimensions d USING (path)");
      while (s.step()) {
        const auto p = static_cast<std::size_t>(s.integer(0));
        if (points.size() <= p) points.resize(p + 1, std::vector<std::optional<double>>(dims.size()));
        points[p][static_cast<std::size_t>(s.integer(1))] = s.real(2);
      }
    }
    CsvFile f(out, "outcomes_wide.csv", report);
    f.line() += "run_id,point,replicate,policy,seed,status";
    for (const std::string& d : dims) append_text(f.line() += ',', d);
    for (const std::string& n : outcome_names) append_text(f.line() += ',', n);
    f.end_line();
    Statement s(db,
                "SELECT r.run_id, r.point, r.replicate, r.policy, r.seed, r.status, n.outcome, o.value FROM runs r "
                "LEFT JOIN outcomes o ON o.run_id = r.run_id LEFT JOIN outcome_names n ON n.name = o.name "
                "ORDER BY r.run_id");
    std::vector<std::optional<double>> values(outcome_names.size());
    std::string row;  // the run's leading columns, until its outcomes are all read
    std::optional<std::int64_t> current;
    auto finish_run = [&] {
      if (!current) return;
      f.line() += row;
      for (const auto& v : values) {
        f.line() += ',';
        if (v) f.line() += format_number(*v);
      }
      f.end_line();
    };
    while (s.step()) {
      const std::int64_t run_id = s.integer(0);
      if (current != run_id) {
        finish_run();
        current = run_id;
        std::fill(values.begin(), values.end(), std::nullopt);
        row.clear();
        for (int i = 0; i < 6; ++i) {
          if (i) row += ',';
          append_value(row, s, i, {.seed = 4});
        }
        const auto p = static_cast<std::size_t>(s.integer(1));
        for (std::size_t d = 0; d < dims.size(); ++d) {
          row += ',';
          if (p < points.size() && points[p][d]) row += format_number(*points[p][d]);
        }
      }
      if (!s.is_null(6) && !s.is_null(7)) values[static_cast<std::size_t>(s.integer(6))] = s.real(7);
    }
    finish_run();
    f.close();
  }
  if (series != "none") {
    CsvFile f(out, "agents.csv", report);
    write_query(db, "SELECT * FROM agent_series ORDER BY run_id, rowid", f, {.year = 2});
  }
  if (series == "all") {
    CsvFile f(out, "edges.csv", report);
    write_query(db, "SELECT * FROM edge_series ORDER BY run_id, rowid", f, {.year = 2});
  }
  snapshot.commit();
  out.commit();
  return report;
}

}  // namespace geosim
