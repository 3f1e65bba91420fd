#include "geosim/error.hpp"

#include <fmt/format.h>

#include <string>

namespace geosim {

std::string render(const Diagnostic& d) {
  std::string out;
  if (d.where.line <= 0) {
    out = fmt::format("{}: {}", d.where.file, d.message);
  } else {
    out = fmt::format("{}:{}:{}: {}", d.where.file, d.where.line, d.where.column, d.message);
    if (!d.source_line.empty()) {
      const std::string number = std::to_string(d.where.line);
      const std::string gutter(number.size() + 1, ' ');
      // Tabs in the source line are kept in the caret line so it lines up.
      std::string pad;
      for (int c = 1; c < d.where.column && static_cast<std::size_t>(c - 1) < d.source_line.size(); ++c) {
        pad += d.source_line[static_cast<std::size_t>(c - 1)] == '\t' ? '\t' : ' ';
      }
      out += fmt::format("\n {} | {}\n{} | {}^", number, d.source_line, gutter, pad);
    }
  }
  if (d.also) {
    out += fmt::format("\n{}:{}:{}: note: {}", d.also->file, d.also->line, d.also->column, d.also_note);
  }
  return out;
}

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += '\n';
    out += render(d);
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(const std::string& file, const std::string& message)
    : ScenarioError(std::vector<Diagnostic>{Diagnostic{SourceLoc{file, 0, 0}, message, {}, {}, {}}}) {}

namespace detail {
void assert_fail(const char* condition, const char* file, int line, const std::string& message) {
  throw InternalError(fmt::format("internal error at {}:{}: {} ({}); please report this as a geosim bug",
                                  file, line, message, condition));
}
}  // namespace detail

}  // namespace geosim
