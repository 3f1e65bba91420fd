// Errors that geosim reports to its users, and the checks that guard its own
// invariants.
//
// Two kinds of failure are kept apart (STYLE.md §9):
//  * ScenarioError: the user's input is wrong. It carries one or more located
//    diagnostics (file, line, column, the offending source line) and maps to
//    exit status 2 in the CLI.
//  * InternalError / GEOSIM_ASSERT: geosim itself is wrong. It names the C++
//    source location and maps to exit status 1.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace geosim {

/// A place in an input file. Lines and columns count from 1; line 0 means
/// "the whole file" (for example when the file cannot be read).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One located message about an input file.
///
/// Rendered as
///
///     mongolia.yaml:42:7: unknown key 'export' in relation MNG-CHN; did you mean 'exports'?
///        42 |     export: {MNG: 6.59}
///           |     ^
///
/// `also` points at a second place that explains the first (the earlier
/// declaration of a duplicate, for example).
struct Diagnostic {
  SourceLoc where;
  std::string message;
  std::string source_line;  ///< text of line `where.line`, without newline
  std::optional<SourceLoc> also;
  std::string also_note;  ///< what `also` is ("first declared here")
};

/// `text` safe to show on a terminal: every control character (C0 but line
/// feed, and tab unless `keep_tabs`; DEL; C1, U+0080-U+009F) and every byte
/// that is not part of valid UTF-8, and the bidirectional controls of
/// text_problem(), is written as an escape, \x1B or \u009B,
/// so that text from a file or a command line cannot move the cursor, change
/// colours or retitle the window of whoever reads a message.
std::string printable(std::string_view text, bool keep_tabs = false);

/// Why `text` may not be scenario text, or "" when it may: scenario strings
/// (names, descriptions, notes) are valid UTF-8 without control characters
/// other than tab and line feed, and without the Unicode characters that
/// reorder the display of text (bidirectional controls U+202A-U+202E,
/// U+2066-U+2069). "a control character (U+001B, escape) at character 7".
std::string text_problem(std::string_view text);

/// Renders a diagnostic: the `file:line:col: message` line, then the source
/// line with a caret under the column, then the `also` note if any. The
/// message and the source line are passed through printable().
std::string render(const Diagnostic& d);

/// Thrown when an input file (a scenario, a patch) is invalid. Holds every
/// diagnostic found, in file order; what() is all of them rendered.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  /// A single unlocated message (a file that cannot be opened, for example).
  ScenarioError(const std::string& file, const std::string& message);

  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A command-line usage error that is not about a file's contents
/// (an unknown policy name, an output folder that exists). Exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A run that cannot go on: the standard rule set, applied as written, made
/// a number that no output may hold: infinity or NaN (a value beyond double
/// precision), or a negative potential GDP, trade flow, investment stock or
/// aid (docs/model.md, "When a run stops"). The message names the run, the
/// step, the agent or edge and the quantity, and says which input causes it.
/// Only the run fails: `geosim run` writes nothing (exit status 1), a sweep
/// records the run as failed and goes on.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A violated internal invariant: a bug in geosim, never the user's fault.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {
[[noreturn]] void assert_fail(const char* condition, const char* file, int line,
                              const std::string& message);
}  // namespace detail

}  // namespace geosim

/// Checks an internal invariant; throws InternalError naming the C++ file and
/// line when it fails. Not for user input: use ScenarioError for that.
#define GEOSIM_ASSERT(cond, message)                                          \
  do {                                                                        \
    if (!(cond)) ::geosim::detail::assert_fail(#cond, __FILE__, __LINE__, (message)); \
  } while (false)
