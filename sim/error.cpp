#include "geosim/error.hpp"

#include <fmt/format.h>

#include <string>

namespace geosim {

namespace {

/// The length of the UTF-8 sequence at text[i] and its code point, or 0
/// when the bytes there are not valid UTF-8 (overlong forms, surrogates and
/// values above U+10FFFF included).
std::size_t utf8_at(std::string_view text, std::size_t i, char32_t& code) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    code = b0;
    return 1;
  }
  std::size_t n = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, code = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, code = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, code = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

bool is_control(char32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F); }
bool is_bidi_control(char32_t c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

}  // namespace

std::string printable(std::string_view text, bool keep_tabs) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t n = utf8_at(text, i, c);
    if (n == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if ((is_control(c) && c != '\n' && !(keep_tabs && c == '\t')) || is_bidi_control(c)) {
      out += c < 0x80 ? fmt::format("\\x{:02X}", static_cast<unsigned>(c))
                      : fmt::format("\\u{:04X}", static_cast<unsigned>(c));
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string text_problem(std::string_view text) {
  std::size_t character = 1;
  for (std::size_t i = 0; i < text.size(); ++character) {
    char32_t c = 0;
    const std::size_t n = utf8_at(text, i, c);
    if (n == 0) {
      return fmt::format("a byte that is not UTF-8 (0x{:02X}) at character {}; save the file as UTF-8",
                         static_cast<unsigned char>(text[i]), character);
    }
    if (is_control(c) && c != '\t' && c != '\n') {
      const char* name = c == 0x1B ? ", escape" : c == '\r' ? ", carriage return" : c == 0 ? ", NUL" : "";
      return fmt::format("a control character (U+{:04X}{}) at character {}; text may hold tabs and line breaks "
                         "but no other control characters",
                         static_cast<unsigned>(c), name, character);
    }
    if (is_bidi_control(c)) {
      return fmt::format("a bidirectional control character (U+{:04X}) at character {}; it would show the text "
                         "in another order than it is stored",
                         static_cast<unsigned>(c), character);
    }
    i += n;
  }
  return {};
}

std::string render(const Diagnostic& d) {
  std::string out;
  const std::string message = printable(d.message);
  if (d.where.line <= 0) {
    out = fmt::format("{}: {}", printable(d.where.file), message);
  } else {
    out = fmt::format("{}:{}:{}: {}", printable(d.where.file), d.where.line, d.where.column, message);
    if (!d.source_line.empty()) {
      const std::string number = std::to_string(d.where.line);
      const std::string gutter(number.size() + 1, ' ');
      // Tabs in the source line are kept in the caret line so it lines up
      // (a line with escapes shown as \xHH is longer: the caret may then
      // stand a little to the left of the place; the column is exact).
      std::string pad;
      for (int c = 1; c < d.where.column && static_cast<std::size_t>(c - 1) < d.source_line.size(); ++c) {
        pad += d.source_line[static_cast<std::size_t>(c - 1)] == '\t' ? '\t' : ' ';
      }
      out += fmt::format("\n {} | {}\n{} | {}^", number, printable(d.source_line, true), gutter, pad);
    }
  }
  if (d.also) {
    out += fmt::format("\n{}:{}:{}: note: {}", printable(d.also->file), d.also->line, d.also->column,
                       printable(d.also_note));
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
