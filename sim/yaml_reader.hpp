// Checked access to yaml-cpp 0.7 nodes, for the scenario loader.
//
// yaml-cpp cannot be trusted with user input (STYLE.md §1): it accepts
// duplicate keys silently, its marks are 0-based, a missing key throws
// InvalidNode without a location, and its conversions fail with a bare "bad
// conversion" (or succeed with NaN for `.nan`). This reader works around all
// of that:
//  * DiagnosticSink collects located diagnostics (1-based line and column,
//    the source line filled from the file text) and hands them over sorted.
//  * MapReader reads one mapping: it detects duplicate keys itself (two
//    locations), reports missing required keys at the mapping's own mark and,
//    at finish(), every key that was never read as unknown, at the key's mark,
//    with a "did you mean" suggestion.
//  * read_number() & co. read scalars as text and parse them here, so NaN,
//    infinities, overflow, hex and YAML 1.1 booleans get clear messages.
//
// Internal to sim/; never include it from a public header.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geosim/error.hpp"
#include "ranges.hpp"

namespace geosim::detail {

// --- Suggestions ----------------------------------------------------------

/// Optimal-string-alignment (restricted Damerau-Levenshtein) distance: the
/// number of insertions, deletions, substitutions and swaps of two adjacent
/// characters that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// edit_distance() when it is 0 or 1, and 2 for anything larger, in time
/// linear in the length (for scanning many candidates).
std::size_t edit_distance_up_to_one(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible
/// typo. Distances ignore case; a word of up to 5 characters may be one edit
/// away ('lhc' → 'lhs', 'MGN' → 'MNG', but not 'RUS' → 'USA'), a longer one
/// two edits or a third of its length, whichever is more ('balancing' →
/// 'balance'). Ties go to the first candidate. Empty when nothing is close.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

/// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

/// "a, b or c": the candidates as a list for "expected one of ..." messages.
std::string one_of(std::span<const std::string_view> candidates);

// --- Diagnostics ----------------------------------------------------------

/// At most this many diagnostics are collected for one file: the next one
/// ends the load (ScenarioError with those found so far and a last line
/// "too many errors"), so that a file with millions of mistakes costs
/// neither millions of messages nor the time to make them.
inline constexpr std::size_t kMaxDiagnostics = 1000;
/// A source line longer than this (bytes) is not copied under a diagnostic
/// (the message still names its line and column).
inline constexpr std::size_t kMaxShownLine = 1000;
/// A message longer than this (bytes) is cut, with "..." at the end.
inline constexpr std::size_t kMaxMessage = 1000;

/// Collects the diagnostics of one file. Marks given to it are yaml-cpp's
/// (0-based); locations it makes are 1-based, with the source line attached.
/// The kMaxDiagnostics-th error throws ScenarioError (see there).
class DiagnosticSink {
 public:
  DiagnosticSink(std::string file, std::string_view text);

  const std::string& file() const { return file_; }

  /// The 1-based location of a yaml-cpp mark; a null mark gives line 0
  /// ("the whole file").
  SourceLoc loc(const YAML::Mark& mark) const;

  /// Text of 1-based line `line` without its newline ("" if out of range).
  std::string source_line(int line) const;

  void error(const YAML::Mark& at, std::string message);
  /// Two-location form: `note` explains `also` ("first given here").
  void error(const YAML::Mark& at, std::string message, const YAML::Mark& also, std::string note);
  /// A message about the whole file (rendered without line and caret).
  void error_whole_file(std::string message);

  bool empty() const { return diagnostics_.empty(); }
  std::size_t size() const { return diagnostics_.size(); }

  /// Every diagnostic in file order (line, then column; stable for ties).
  std::vector<Diagnostic> sorted() const;

 private:
  void add(Diagnostic d);

  std::string file_;
  std::vector<std::string> lines_;
  std::vector<Diagnostic> diagnostics_;
};

/// Checks the shape of YAML text before yaml-cpp builds a tree of it, with
/// yaml-cpp's event parser (no tree, memory independent of the text):
///  * lists and mappings nested more than `max_depth` deep,
///  * more than `max_nodes` nodes, an alias counting as every node it
///    repeats (so a "billion laughs" file is refused after a few hundred
///    events, long before anything walks its expanded tree),
///  * an alias inside the node its anchor names (a cycle, which nothing can
///    walk to its end).
/// Reports the first of these at its place ("nests deeper than 64 ...",
/// naming the limit and how to raise it) and returns false. Syntax errors
/// are left to the parse that follows (returns true), so that they are
/// reported as before.
bool check_yaml_shape(DiagnosticSink& sink, std::string_view text, std::uint64_t max_depth,
                      std::uint64_t max_nodes);

/// How a node reads in "got ..." texts: "a mapping", "a list", "null", or
/// the scalar in quotes ('yes').
std::string describe(const YAML::Node& node);

/// Where to point at a value: its own mark, or the key's mark when the value
/// is null (yaml-cpp marks an empty value at the start of the next line).
YAML::Mark value_mark(const YAML::Node& key, const YAML::Node& value);

// --- Mappings -------------------------------------------------------------

/// One entry of a mapping: the key's text, the key node (for its mark) and
/// the value node.
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;

  /// Where a problem with the value is reported (see value_mark()).
  YAML::Mark mark() const { return value_mark(key, value); }
  YAML::Mark key_mark() const { return key.Mark(); }
};

/// Reads one YAML mapping with key tracking.
///
/// `where` names the mapping in messages, with its preposition: "in agent
/// MNG", "in relation MNG-CHN", "at top level". On construction the entries
/// are scanned: non-scalar keys and duplicate keys are reported (the
/// duplicate is ignored, the first value wins). Every get()/require() marks a
/// key as read; finish() reports the rest as unknown.
///
/// **Example**:
///
///     MapReader m(sink, node, "agent MNG", "in agent MNG");
///     if (auto f = m.require("gdp")) ...;
///     m.finish(kAgentKeys);  // "unknown key 'gpd' in agent MNG; did you mean 'gdp'?"
class MapReader {
 public:
  /// When `node` is not a mapping, reports "expected a mapping for
  /// `what`, got ..." at `at` (the node's own mark if `at` is omitted) and
  /// behaves as an empty mapping that reports nothing further (ok() false).
  /// A null node is reported the same way unless `null_is_empty` is set.
  MapReader(DiagnosticSink& sink, const YAML::Node& node, std::string what, std::string where,
            bool null_is_empty = false, std::optional<YAML::Mark> at = std::nullopt);

  /// False when the node was not a mapping (an error has been reported).
  bool ok() const { return ok_; }
  const YAML::Mark& mark() const { return mark_; }
  const std::string& where() const { return where_; }

  /// True if the key is present; does not mark it read.
  bool has(std::string_view key) const;
  /// The entry, marked read; empty if absent.
  std::optional<Field> get(std::string_view key);
  /// As get(), but a missing key is reported at the mapping's mark:
  /// "missing required key 'gdp' in agent MNG". Reports nothing if !ok().
  /// The report is made by finish(), and left out there when an unknown key
  /// of the mapping is a typo of it ('member' for 'members'): the unknown-key
  /// message already says "did you mean 'members'?".
  std::optional<Field> require(std::string_view key, std::string_view hint = {});

  /// All entries in file order (duplicates left out); for mappings keyed by
  /// user names (policies, outcomes). Does not mark them read.
  const std::vector<Field>& entries() const { return entries_; }
  void mark_read(std::string_view key);
  /// The entries not read so far, in file order.
  std::vector<Field> unread() const;

  /// Reports the missing required keys (see require()) and every entry
  /// never read as "unknown key 'k' WHERE; did you mean ...?" with
  /// suggestions from `known`. Every MapReader that calls require() must
  /// call finish().
  void finish(std::span<const std::string_view> known);

 private:
  DiagnosticSink& sink_;
  std::string what_;
  std::string where_;
  YAML::Mark mark_;
  bool ok_ = true;
  std::vector<Field> entries_;
  std::unordered_map<std::string, std::size_t> index_;  ///< name → entries_ index
  std::vector<bool> read_;
  struct Missing {
    std::string key;
    std::string hint;
  };
  std::vector<Missing> missing_;
};

// --- Scalars --------------------------------------------------------------
//
// Each reader reports at most one error (at the value, or the key when the
// value is null) and returns empty on error. `subject` names the value in
// messages: "gdp of agent MNG", "time.steps".

/// A finite number (YAML 1.2 core schema decimal syntax; quoted strings, hex,
/// `.nan`, `.inf` and values that overflow a double are errors).
/// Messages: "expected a number for SUBJECT, got 'yes'", "SUBJECT must be a
/// finite number, got .nan".
std::optional<double> read_number(DiagnosticSink& sink, const Field& f, std::string_view subject);

/// read_number() and then the range check: "SUBJECT must be > 0, got -1"
/// (the value as written).
std::optional<double> read_number(DiagnosticSink& sink, const Field& f, std::string_view subject,
                                  Range range);

/// A whole number >= `min` that fits an int: "expected a whole number for
/// SUBJECT, got 2.5", "SUBJECT must be >= 1, got 0".
std::optional<int> read_int(DiagnosticSink& sink, const Field& f, std::string_view subject, int min);

/// A whole number in [0, 2^64): "SUBJECT must be a whole number >= 0, got -1".
std::optional<std::uint64_t> read_uint64(DiagnosticSink& sink, const Field& f, std::string_view subject);

/// `true` or `false` (YAML 1.2 core schema; `yes`/`no` are not booleans).
std::optional<bool> read_bool(DiagnosticSink& sink, const Field& f, std::string_view subject);

/// Any scalar as text (quoted or plain); null, lists and mappings are errors.
std::optional<std::string> read_string(DiagnosticSink& sink, const Field& f, std::string_view subject);
/// As read_string() for a sequence item (reported at the item).
std::optional<std::string> read_string(DiagnosticSink& sink, const YAML::Node& item,
                                       std::string_view subject);
/// As read_number() for a sequence item.
std::optional<double> read_number(DiagnosticSink& sink, const YAML::Node& item, std::string_view subject);

/// The scalar as written, for "got ..." texts of range errors.
std::string scalar_text(const YAML::Node& node);

/// Parses a number as YAML 1.2's core schema writes one, without yaml-cpp.
/// kSyntax: not a decimal number; kNotFinite: .nan/.inf; kOverflow: finite
/// syntax whose value does not fit a double.
struct ParsedNumber {
  enum class Status { kOk, kSyntax, kNotFinite, kOverflow } status = Status::kSyntax;
  double value = 0;
};
ParsedNumber parse_number(std::string_view text);

}  // namespace geosim::detail
