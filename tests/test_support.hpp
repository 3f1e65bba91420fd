// Helpers shared by the tests: float comparison under the 1e-9 contract,
// small CSV tables, and file reading.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace geosim::test {

/// The 1e-9 contract of MODEL.md: relative 1e-9, or absolute 1e-12 near zero.
/// (A matcher of its own: Catch2 v2's `WithinRel(..) || WithinAbs(..)` keeps
/// references to its operands and cannot be returned from a function.)
class CloseTo : public Catch::MatcherBase<double> {
 public:
  explicit CloseTo(double expected, double rel = 1e-9, double abs = 1e-12)
      : expected_(expected), rel_(rel), abs_(abs) {}
  bool match(const double& x) const override {
    const double diff = x > expected_ ? x - expected_ : expected_ - x;
    const double scale = std::max(x < 0 ? -x : x, expected_ < 0 ? -expected_ : expected_);
    return x == expected_ || diff <= rel_ * scale || diff <= abs_;
  }
  std::string describe() const override {
    return "is within 1e-9 (relative) or 1e-12 (absolute) of " + Catch::StringMaker<double>::convert(expected_);
  }

 private:
  double expected_, rel_, abs_;
};
inline CloseTo close_to(double expected) { return CloseTo(expected); }

/// A CSV file as a header and rows of fields (no quoting: geosim never quotes).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const;  // throws if absent
};
Csv parse_csv(const std::string& text);

/// A fresh, empty folder under the system's temporary folder, removed with
/// everything in it when the object goes away.
struct ScratchDir {
  std::filesystem::path dir;
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

/// What a `geosim` command printed and how it ended.
struct CommandResult {
  int status = -1;  ///< exit status; -1 if killed by a signal
  std::string out;  ///< standard output
  std::string err;  ///< standard error
};

/// Runs the built `geosim` with `args` (a shell fragment: quote paths with
/// shell_quote) in folder `cwd`, with CI=true and no standard input.
CommandResult run_geosim(const std::string& args, const std::filesystem::path& cwd = std::filesystem::current_path());

/// `s` quoted for sh: 'it'\''s'.
std::string shell_quote(const std::string& s);
std::string read_file(const std::filesystem::path& p);

/// The names in folder `dir`, sorted (to check what a command left behind).
std::vector<std::string> entries(const std::filesystem::path& dir);

}  // namespace geosim::test
