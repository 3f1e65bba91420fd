#include "yaml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

namespace geosim::detail {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Scalars quoted in the file carry yaml-cpp's non-specific tag "!"; plain
/// scalars carry "?". A quoted scalar is a string, never a number or a bool.
bool is_quoted(const YAML::Node& n) { return n.Tag() == "!"; }

/// A scalar for a message: at most 40 characters, on one line.
std::string shorten(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') break;
    out += c;
  }
  if (out.size() > 40 || out.size() < s.size()) {
    if (out.size() > 40) out.resize(37);
    out += "...";
  }
  return out;
}

/// "1e400" → ~10^400, "0.5e-3" → ~10^-4: the decimal order of magnitude of a
/// syntactically valid number, to tell overflow from underflow when
/// std::from_chars reports result_out_of_range.
long long decimal_magnitude(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  long long first_nonzero = 0;  // position of the leading digit relative to the point
  bool found = false;
  long long integer_digits = 0;
  bool after_point = false;
  long long fraction_pos = 0;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    const char c = text[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (!after_point) {
      ++integer_digits;
      if (!found && c != '0') {
        found = true;
        first_nonzero = integer_digits;  // counted below as integer_digits - this
      }
    } else {
      ++fraction_pos;
      if (!found && c != '0') {
        found = true;
        first_nonzero = -fraction_pos;
      }
    }
  }
  long long exponent = 0;
  if (i < text.size()) {
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    for (; i < text.size(); ++i) exponent = std::min<long long>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
    if (negative) exponent = -exponent;
  }
  if (!found) return std::numeric_limits<long long>::min();  // zero
  // Integer part: leading digit at index first_nonzero (1-based) of integer_digits.
  const long long lead = first_nonzero > 0 ? integer_digits - first_nonzero : first_nonzero;
  return lead + exponent;
}

}  // namespace

// --- Suggestions ----------------------------------------------------------

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment, three rolling rows.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  std::string w(word);
  std::transform(w.begin(), w.end(), w.begin(), lower);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view c : candidates) {
    std::string lc(c);
    std::transform(lc.begin(), lc.end(), lc.begin(), lower);
    const std::size_t d = edit_distance(w, lc);
    const std::size_t allowed = w.size() <= 5 ? 1 : std::max<std::size_t>(2, w.size() / 3);
    const bool close = d <= allowed && d < w.size();
    if (close && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  if (auto m = closest_match(word, candidates)) return fmt::format("; did you mean '{}'?", *m);
  return {};
}

std::string one_of(std::span<const std::string_view> candidates) {
  std::string out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out += i + 1 == candidates.size() ? " or " : ", ";
    out += candidates[i];
  }
  return out;
}

// --- Diagnostics ----------------------------------------------------------

DiagnosticSink::DiagnosticSink(std::string file, std::string_view text) : file_(std::move(file)) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines_.emplace_back(line);
    start = end + 1;
  }
}

SourceLoc DiagnosticSink::loc(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return SourceLoc{file_, 0, 0};
  return SourceLoc{file_, mark.line + 1, mark.column + 1};
}

std::string DiagnosticSink::source_line(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > lines_.size()) return {};
  return lines_[static_cast<std::size_t>(line - 1)];
}

void DiagnosticSink::error(const YAML::Mark& at, std::string message) {
  Diagnostic d;
  d.where = loc(at);
  d.message = std::move(message);
  d.source_line = source_line(d.where.line);
  diagnostics_.push_back(std::move(d));
}

void DiagnosticSink::error(const YAML::Mark& at, std::string message, const YAML::Mark& also,
                           std::string note) {
  error(at, std::move(message));
  diagnostics_.back().also = loc(also);
  diagnostics_.back().also_note = std::move(note);
}

void DiagnosticSink::error_whole_file(std::string message) {
  diagnostics_.push_back(Diagnostic{SourceLoc{file_, 0, 0}, std::move(message), {}, {}, {}});
}

std::vector<Diagnostic> DiagnosticSink::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& x, const Diagnostic& y) {
    return std::pair(x.where.line, x.where.column) < std::pair(y.where.line, y.where.column);
  });
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
  }
  if (is_quoted(node)) return fmt::format("the string \"{}\"", shorten(node.Scalar()));
  return fmt::format("'{}'", shorten(node.Scalar()));
}

YAML::Mark value_mark(const YAML::Node& key, const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) return key.Mark();
  return value.Mark();
}

// --- Mappings -------------------------------------------------------------

MapReader::MapReader(DiagnosticSink& sink, const YAML::Node& node, std::string what, std::string where,
                     bool null_is_empty, std::optional<YAML::Mark> at)
    : sink_(sink), what_(std::move(what)), where_(std::move(where)), mark_(at ? *at : node.Mark()) {
  if (!node.IsMap()) {
    if (node.IsNull() && null_is_empty) return;
    sink_.error(mark_, fmt::format("expected a mapping for {}, got {}", what_, describe(node)));
    ok_ = false;
    return;
  }
  std::unordered_map<std::string, std::size_t> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->first` lives in a temporary
    if (!key.IsScalar()) {
      sink_.error(key.IsNull() ? it->second.Mark() : key.Mark(),
                  fmt::format("keys {} must be names, got {}", where_, describe(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (auto found = seen.find(name); found != seen.end()) {
      sink_.error(key.Mark(), fmt::format("duplicate key '{}' {}", name, where_),
                  entries_[found->second].key.Mark(), "first given here");
      continue;
    }
    seen.emplace(name, entries_.size());
    entries_.push_back(Field{name, key, it->second});
  }
  read_.assign(entries_.size(), false);
}

bool MapReader::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Field& f) { return f.name == key; });
}

std::optional<Field> MapReader::get(std::string_view key) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == key) {
      read_[i] = true;
      return entries_[i];
    }
  }
  return std::nullopt;
}

std::optional<Field> MapReader::require(std::string_view key, std::string_view hint) {
  auto f = get(key);
  if (!f && ok_) missing_.push_back(Missing{std::string(key), std::string(hint)});
  return f;
}

std::vector<Field> MapReader::unread() const {
  std::vector<Field> out;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (!read_[i]) out.push_back(entries_[i]);
  }
  return out;
}

void MapReader::mark_read(std::string_view key) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == key) read_[i] = true;
  }
}

void MapReader::finish(std::span<const std::string_view> known) {
  for (const Missing& m : missing_) {
    const bool misspelt = std::any_of(entries_.begin(), entries_.end(), [&](const Field& e) {
      const std::size_t i = static_cast<std::size_t>(&e - entries_.data());
      return !read_[i] && closest_match(e.name, known) == std::optional<std::string_view>(m.key);
    });
    if (!misspelt) sink_.error(mark_, fmt::format("missing required key '{}' {}{}", m.key, where_, m.hint));
  }
  missing_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (read_[i]) continue;
    read_[i] = true;
    sink_.error(entries_[i].key.Mark(), fmt::format("unknown key '{}' {}{}", entries_[i].name, where_,
                                                    did_you_mean(entries_[i].name, known)));
  }
}

// --- Scalars --------------------------------------------------------------

ParsedNumber parse_number(std::string_view text) {
  using Status = ParsedNumber::Status;
  ParsedNumber out;
  std::string_view t = text;
  bool negative = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  // YAML 1.2 core schema: .inf/.Inf/.INF with a sign, .nan/.NaN/.NAN. Other
  // spellings that mean the same to people (nan, -.nan, inf, Infinity) are
  // reported the same way: "must be a finite number".
  std::string lowered(t);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), lower);
  if (lowered.starts_with('.')) lowered.erase(0, 1);
  if (lowered == "inf" || lowered == "infinity") {
    out.status = Status::kNotFinite;
    out.value = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return out;
  }
  if (lowered == "nan") {
    out.status = Status::kNotFinite;
    out.value = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  // [0-9]+ ( . [0-9]* )? | . [0-9]+, then ( [eE] [-+]? [0-9]+ )?
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < t.size() && is_digit(t[i])) ++i, ++mantissa_digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && is_digit(t[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return out;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    const std::size_t exponent_start = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == exponent_start) return out;
  }
  if (i != t.size()) return out;

  double value = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    if (decimal_magnitude(t) > 0) {
      out.status = Status::kOverflow;
      return out;
    }
    value = 0;  // underflow: as close to zero as a double gets
  } else if (ec != std::errc() || ptr != t.data() + t.size()) {
    return out;
  }
  out.status = Status::kOk;
  out.value = negative ? -value : value;
  return out;
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return shorten(node.Scalar());
  return describe(node);
}

namespace {

std::optional<double> number_at(DiagnosticSink& sink, const YAML::Node& node, const YAML::Mark& at,
                                std::string_view subject) {
  if (!node.IsScalar() || is_quoted(node)) {
    sink.error(at, fmt::format("expected a number for {}, got {}", subject, describe(node)));
    return std::nullopt;
  }
  const ParsedNumber p = parse_number(node.Scalar());
  switch (p.status) {
    case ParsedNumber::Status::kOk:
      return p.value;
    case ParsedNumber::Status::kSyntax:
      sink.error(at, fmt::format("expected a number for {}, got {}", subject, describe(node)));
      return std::nullopt;
    case ParsedNumber::Status::kNotFinite:
      sink.error(at, fmt::format("{} must be a finite number, got {}", subject, node.Scalar()));
      return std::nullopt;
    case ParsedNumber::Status::kOverflow:
      sink.error(at, fmt::format("{} must be a finite number; {} is out of range of a double", subject,
                                 shorten(node.Scalar())));
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> string_at(DiagnosticSink& sink, const YAML::Node& node, const YAML::Mark& at,
                                     std::string_view subject) {
  if (!node.IsScalar()) {
    sink.error(at, fmt::format("expected a string for {}, got {}", subject, describe(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

}  // namespace

std::optional<double> read_number(DiagnosticSink& sink, const Field& f, std::string_view subject) {
  return number_at(sink, f.value, f.mark(), subject);
}

std::optional<double> read_number(DiagnosticSink& sink, const YAML::Node& item, std::string_view subject) {
  return number_at(sink, item, item.Mark(), subject);
}

std::optional<double> read_number(DiagnosticSink& sink, const Field& f, std::string_view subject,
                                  Range range) {
  const auto v = read_number(sink, f, subject);
  if (v && !in_range(*v, range)) {
    sink.error(f.mark(), range_message(subject, range, scalar_text(f.value)));
    return std::nullopt;
  }
  return v;
}

std::optional<int> read_int(DiagnosticSink& sink, const Field& f, std::string_view subject, int min) {
  const auto v = read_number(sink, f, subject);
  if (!v) return std::nullopt;
  if (std::floor(*v) != *v) {
    sink.error(f.mark(), fmt::format("expected a whole number for {}, got {}", subject, scalar_text(f.value)));
    return std::nullopt;
  }
  if (!(*v >= min)) {
    sink.error(f.mark(), fmt::format("{} must be >= {}, got {}", subject, min, scalar_text(f.value)));
    return std::nullopt;
  }
  if (!(*v <= std::numeric_limits<int>::max())) {
    sink.error(f.mark(), fmt::format("{} must be at most {}, got {}", subject, std::numeric_limits<int>::max(),
                                     scalar_text(f.value)));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

std::optional<std::uint64_t> read_uint64(DiagnosticSink& sink, const Field& f, std::string_view subject) {
  const auto v = read_number(sink, f, subject);
  if (!v) return std::nullopt;
  const std::string& text = f.value.Scalar();
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  if (!digits.empty() && std::all_of(digits.begin(), digits.end(), is_digit)) {
    // Exact integer syntax: parse it exactly (a double would round above 2^53).
    std::uint64_t out = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) return out;
    sink.error(f.mark(), fmt::format("{} must be at most {}, got {}", subject,
                                     std::numeric_limits<std::uint64_t>::max(), shorten(text)));
    return std::nullopt;
  }
  // 1e3, 42.0: whole numbers written as floats.
  if (!(*v >= 0) || std::floor(*v) != *v) {
    sink.error(f.mark(), fmt::format("{} must be a whole number >= 0, got {}", subject, shorten(text)));
    return std::nullopt;
  }
  if (!(*v < 18446744073709551616.0)) {
    sink.error(f.mark(), fmt::format("{} must be at most {}, got {}", subject,
                                     std::numeric_limits<std::uint64_t>::max(), shorten(text)));
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*v);
}

std::optional<bool> read_bool(DiagnosticSink& sink, const Field& f, std::string_view subject) {
  if (f.value.IsScalar() && !is_quoted(f.value)) {
    const std::string& s = f.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  sink.error(f.mark(), fmt::format("expected true or false for {}, got {}", subject, describe(f.value)));
  return std::nullopt;
}

std::optional<std::string> read_string(DiagnosticSink& sink, const Field& f, std::string_view subject) {
  return string_at(sink, f.value, f.mark(), subject);
}

std::optional<std::string> read_string(DiagnosticSink& sink, const YAML::Node& item,
                                       std::string_view subject) {
  return string_at(sink, item, item.Mark(), subject);
}

}  // namespace geosim::detail
