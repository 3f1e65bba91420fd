// Byte strings for results that travel between ranks (cluster.hpp): runs
// finished on one rank, the plan of a sweep sent by the root. Both ends are
// the same program, so the layout is native (no versioning): lengths and
// integers as 8-byte values, doubles by their bits, so a value arrives
// bit for bit as it left.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/error.hpp"
#include "geosim/store.hpp"

namespace geosim::detail {

class WireWriter {
 public:
  void u64(std::uint64_t v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void f64(double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof v);
    u64(bits);
  }
  void text(std::string_view s) {
    u64(s.size());
    bytes_.append(s);
  }
  void maybe(const std::optional<double>& v) {
    u64(v ? 1 : 0);
    if (v) f64(*v);
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : rest_(bytes) {}
  std::uint64_t u64() {
    GEOSIM_ASSERT(rest_.size() >= 8, "a message from another rank is complete");
    std::uint64_t v = 0;
    std::memcpy(&v, rest_.data(), sizeof v);
    rest_.remove_prefix(sizeof v);
    return v;
  }
  double f64() {
    const std::uint64_t bits = u64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string text() {
    const std::uint64_t n = u64();
    GEOSIM_ASSERT(rest_.size() >= n, "a message from another rank is complete");
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  std::optional<double> maybe() {
    if (u64() == 0) return std::nullopt;
    return f64();
  }
  bool done() const noexcept { return rest_.empty(); }

 private:
  std::string_view rest_;
};

inline std::string encode_results(const std::vector<RunResult>& results) {
  WireWriter w;
  w.u64(results.size());
  for (const RunResult& r : results) {
    w.u64(r.key.run_id);
    w.u64(r.key.point);
    w.u64(r.key.replicate);
    w.text(r.key.policy);
    w.u64(r.key.seed);
    w.u64(r.ok ? 1 : 0);
    w.text(r.error);
    w.f64(r.wall_s);
    w.u64(r.outcomes.size());
    for (const auto& v : r.outcomes) w.maybe(v);
    w.text(r.agent_rows);
    w.text(r.edge_rows);
  }
  return w.take();
}

/// Appends the results in `bytes` to `out`.
inline void decode_results(std::string_view bytes, std::vector<RunResult>& out) {
  WireReader in(bytes);
  const std::uint64_t n = in.u64();
  for (std::uint64_t k = 0; k < n; ++k) {
    RunResult r;
    r.key.run_id = in.u64();
    r.key.point = in.u64();
    r.key.replicate = in.u64();
    r.key.policy = in.text();
    r.key.seed = in.u64();
    r.ok = in.u64() != 0;
    r.error = in.text();
    r.wall_s = in.f64();
    r.outcomes.resize(in.u64());
    for (auto& v : r.outcomes) v = in.maybe();
    r.agent_rows = in.text();
    r.edge_rows = in.text();
    out.push_back(std::move(r));
  }
  GEOSIM_ASSERT(in.done(), "a message from another rank has nothing left over");
}

}  // namespace geosim::detail
