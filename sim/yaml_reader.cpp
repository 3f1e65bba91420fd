#include "yaml_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <istream>
#include <limits>
#include <streambuf>
#include <unordered_map>
#include <utility>

#include "geosim/load.hpp"

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
  // Optimal string alignment, three rolling rows: on the stack for words of
  // up to 63 characters (every key and id), else on the heap.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  constexpr std::size_t kSmall = 64;
  std::array<std::size_t, 3 * kSmall> small{};
  std::vector<std::size_t> large;
  std::size_t* base = small.data();
  if (m + 1 > kSmall) {
    large.assign(3 * (m + 1), 0);
    base = large.data();
  }
  std::size_t* prev2 = base;
  std::size_t* prev = base + (m + 1);
  std::size_t* cur = base + 2 * (m + 1);
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

std::size_t edit_distance_up_to_one(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return 2;
  std::size_t i = 0;  // the first difference
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return a.size() == b.size() ? 0 : 1;  // equal, or b has one more at the end
  if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1) ? 1 : 2;  // b has one more at i
  if (a.substr(i + 1) == b.substr(i + 1)) return 1;                         // one substituted
  const bool swapped = i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i];
  return swapped && a.substr(i + 2) == b.substr(i + 2) ? 1 : 2;  // two neighbours swapped
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  std::string w(word);
  std::transform(w.begin(), w.end(), w.begin(), lower);
  std::optional<std::string_view> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  const std::size_t allowed = w.size() <= 5 ? 1 : std::max<std::size_t>(2, w.size() / 3);
  for (std::string_view c : candidates) {
    // Each edit changes the length by at most one: a candidate whose length
    // differs by more than `allowed` cannot be close (and a long word costs
    // nothing against short candidates).
    const std::size_t length_gap = w.size() > c.size() ? w.size() - c.size() : c.size() - w.size();
    if (length_gap > allowed) continue;
    std::string lc(c);
    std::transform(lc.begin(), lc.end(), lc.begin(), lower);
    const std::size_t d = edit_distance(w, lc);
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

namespace {

/// `message` cut to kMaxMessage bytes (at a UTF-8 character boundary) with
/// "..." appended; unchanged when it is short enough.
std::string clip_message(std::string message) {
  if (message.size() <= kMaxMessage) return message;
  std::size_t cut = kMaxMessage - 3;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  message.resize(cut);
  return message + "...";
}

}  // namespace

void DiagnosticSink::add(Diagnostic d) {
  d.message = clip_message(std::move(d.message));
  diagnostics_.push_back(std::move(d));
  if (diagnostics_.size() < kMaxDiagnostics) return;
  std::vector<Diagnostic> shown = sorted();
  shown.push_back(Diagnostic{SourceLoc{file_, 0, 0},
                             fmt::format("too many errors: stopped after the first {}; correct these and "
                                         "check the file again",
                                         kMaxDiagnostics),
                             {},
                             {},
                             {}});
  throw ScenarioError(std::move(shown));
}

void DiagnosticSink::error(const YAML::Mark& at, std::string message) {
  Diagnostic d;
  d.where = loc(at);
  d.message = std::move(message);
  d.source_line = source_line(d.where.line);
  if (d.source_line.size() > kMaxShownLine) d.source_line.clear();
  add(std::move(d));
}

void DiagnosticSink::error(const YAML::Mark& at, std::string message, const YAML::Mark& also,
                           std::string note) {
  Diagnostic d;
  d.where = loc(at);
  d.message = std::move(message);
  d.source_line = source_line(d.where.line);
  if (d.source_line.size() > kMaxShownLine) d.source_line.clear();
  d.also = loc(also);
  d.also_note = std::move(note);
  add(std::move(d));
}

void DiagnosticSink::error_whole_file(std::string message) {
  add(Diagnostic{SourceLoc{file_, 0, 0}, std::move(message), {}, {}, {}});
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
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->first` lives in a temporary
    if (!key.IsScalar()) {
      sink_.error(key.IsNull() ? it->second.Mark() : key.Mark(),
                  fmt::format("keys {} must be names, got {}", where_, describe(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (auto found = index_.find(name); found != index_.end()) {
      sink_.error(key.Mark(), fmt::format("duplicate key '{}' {}", name, where_),
                  entries_[found->second].key.Mark(), "first given here");
      continue;
    }
    index_.emplace(name, entries_.size());
    entries_.push_back(Field{name, key, it->second});
  }
  read_.assign(entries_.size(), false);
}

// Entry names are unique (duplicates are left out), so the index finds the
// one entry of a name; a lookup costs the same in a mapping of a million keys.
bool MapReader::has(std::string_view key) const { return index_.contains(std::string(key)); }

std::optional<Field> MapReader::get(std::string_view key) {
  const auto found = index_.find(std::string(key));
  if (found == index_.end()) return std::nullopt;
  read_[found->second] = true;
  return entries_[found->second];
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
  if (const auto found = index_.find(std::string(key)); found != index_.end()) read_[found->second] = true;
}

void MapReader::finish(std::span<const std::string_view> known) {
  // The closest known key of an unknown one, found at most once: it both
  // excuses a missing key (reported as the misspelling instead) and is
  // suggested in the unknown key's message.
  std::vector<std::optional<std::optional<std::string_view>>> closest(entries_.size());
  const auto closest_to = [&](std::size_t i) {
    if (!closest[i]) closest[i] = closest_match(entries_[i].name, known);
    return *closest[i];
  };
  for (const Missing& m : missing_) {
    bool misspelt = false;
    for (std::size_t i = 0; i < entries_.size() && !misspelt; ++i) {
      misspelt = !read_[i] && closest_to(i) == std::optional<std::string_view>(m.key);
    }
    if (!misspelt) sink_.error(mark_, fmt::format("missing required key '{}' {}{}", m.key, where_, m.hint));
  }
  missing_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (read_[i]) continue;
    read_[i] = true;
    const std::optional<std::string_view> match = closest_to(i);
    sink_.error(entries_[i].key.Mark(),
                fmt::format("unknown key '{}' {}{}", entries_[i].name, where_,
                            match ? fmt::format("; did you mean '{}'?", *match) : std::string()));
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
  // Scenario text reaches terminals (describe, explain, messages), CSV
  // files and HTML: no control characters that could act on them.
  if (const std::string problem = text_problem(node.Scalar()); !problem.empty()) {
    sink.error(at, fmt::format("{} contains {}", subject, problem));
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

// --- The shape of the YAML ----------------------------------------------

namespace {

/// A read-only stream buffer over text in memory (no copy of the text).
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only read: setg() wants char*
    setg(begin, begin, begin + text.size());
  }
};

/// Thrown by ShapeCounter to stop the parse at the first excess.
struct ShapeProblem {
  YAML::Mark mark;
  std::string message;
};

/// Counts the nodes and the nesting of a YAML stream from its parse events,
/// with aliases expanded (see check_yaml_shape()).
class ShapeCounter : public YAML::EventHandler {
 public:
  ShapeCounter(std::uint64_t max_depth, std::uint64_t max_nodes) : max_depth_(max_depth), max_nodes_(max_nodes) {}

  void OnDocumentStart(const YAML::Mark&) override {
    anchors_.clear();  // anchors are local to a document
    open_.clear();
  }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || !anchors_[anchor].done) {
      const std::string name = anchor < anchors_.size() ? anchors_[anchor].name : std::string();
      throw ShapeProblem{mark, fmt::format("alias{} refers to a node that contains it; a scenario cannot be a "
                                           "recursive structure",
                                           name.empty() ? std::string() : " *" + name)};
    }
    const Anchor& a = anchors_[anchor];
    count(mark, a.nodes);
    if (open_.size() + a.height > max_depth_) too_deep(mark);
    child(a.height);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnSequenceEnd() override { end(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnMapEnd() override { end(); }

 private:
  struct Anchor {
    std::string name;
    bool done = false;
    std::uint64_t nodes = 0;   ///< the node and everything under it, aliases expanded
    std::uint64_t height = 0;  ///< levels of lists and mappings (0 for a scalar)
  };
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t nodes_before;
    std::uint64_t height;  ///< of the tallest child so far
  };

  Anchor& anchor_slot(YAML::anchor_t anchor) {
    if (anchor >= anchors_.size()) anchors_.resize(anchor + 1);
    Anchor& a = anchors_[anchor];
    a = Anchor{std::move(pending_name_), false, 0, 0};
    pending_name_.clear();
    return a;
  }
  void count(const YAML::Mark& mark, std::uint64_t n) {
    nodes_ = n > std::numeric_limits<std::uint64_t>::max() - nodes_ ? std::numeric_limits<std::uint64_t>::max()
                                                                     : nodes_ + n;
    if (nodes_ > max_nodes_) {
      throw ShapeProblem{mark, fmt::format("the YAML has more than {} nodes (lists, mappings and values, with every "
                                           "alias counted as the nodes it repeats) {}",
                                           max_nodes_, limit_hint("yaml-nodes"))};
    }
  }
  void too_deep(const YAML::Mark& mark) const {
    throw ShapeProblem{mark, fmt::format("lists and mappings nest more than {} deep here {}", max_depth_,
                                         limit_hint("yaml-depth"))};
  }
  void child(std::uint64_t height) {
    if (!open_.empty()) open_.back().height = std::max(open_.back().height, height);
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    count(mark, 1);
    if (anchor != YAML::NullAnchor) {
      Anchor& a = anchor_slot(anchor);
      a.done = true;
      a.nodes = 1;
    }
    child(0);
  }
  void start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    const std::uint64_t before = nodes_;
    count(mark, 1);
    if (open_.size() + 1 > max_depth_) too_deep(mark);
    if (anchor != YAML::NullAnchor) anchor_slot(anchor);
    open_.push_back(Open{anchor, before, 0});
  }
  void end() {
    if (open_.empty()) return;
    const Open o = open_.back();
    open_.pop_back();
    if (o.anchor != YAML::NullAnchor && o.anchor < anchors_.size()) {
      Anchor& a = anchors_[o.anchor];
      a.done = true;
      a.nodes = nodes_ - o.nodes_before;
      a.height = o.height + 1;
    }
    child(o.height + 1);
  }

  std::uint64_t max_depth_;
  std::uint64_t max_nodes_;
  std::uint64_t nodes_ = 0;
  std::vector<Anchor> anchors_;
  std::vector<Open> open_;
  std::string pending_name_;
};

}  // namespace

bool check_yaml_shape(DiagnosticSink& sink, std::string_view text, std::uint64_t max_depth,
                      std::uint64_t max_nodes) {
  ViewBuffer buffer(text);
  std::istream in(&buffer);
  ShapeCounter counter(max_depth, max_nodes);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const ShapeProblem& p) {
    sink.error(p.mark, p.message);
    return false;
  } catch (const YAML::Exception&) {
    return true;  // a syntax error: the parse that builds the tree reports it
  }
  return true;
}

}  // namespace geosim::detail
