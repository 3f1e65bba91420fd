#include "geosim/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "geosim/error.hpp"
#include "geosim/random.hpp"

namespace geosim {
namespace {

// --- Sobol ----------------------------------------------------------------

/// One row of Joe and Kuo's table for dimension d >= 2: the primitive
/// polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1 of degree s, with
/// a = the bits a_1 .. a_(s-1) (a_1 the most significant), and the initial
/// direction numbers m_1 .. m_s (m_i odd, m_i < 2^i).
struct JoeKuoRow {
  std::uint32_t s;
  std::uint32_t a;
  std::array<std::uint32_t, 7> m;
};

/// The rows d = 2 .. kSobolMaxDims of new-joe-kuo-6.21201 (S. Joe and
/// F. Y. Kuo, 2008; web.maths.unsw.edu.au/~fkuo/sobol/), as published: the
/// columns s, a, m_i. Dimension 1 is not in the file: it is the van der
/// Corput sequence (all m_i = 1). Checked against SciPy's copy of the same
/// table (scipy/stats/_sobol_direction_numbers.npz, whose `poly` is
/// 2^s + 2a + 1) and by the tests, which compare points with published ones.
constexpr std::array<JoeKuoRow, kSobolMaxDims - 1> kJoeKuo = {{
    {1, 0, {1}},                         // d = 2
    {2, 1, {1, 3}},                      // d = 3
    {3, 1, {1, 3, 1}},                   // d = 4
    {3, 2, {1, 1, 1}},                   // d = 5
    {4, 1, {1, 1, 3, 3}},                // d = 6
    {4, 4, {1, 3, 5, 13}},               // d = 7
    {5, 2, {1, 1, 5, 5, 17}},            // d = 8
    {5, 4, {1, 1, 5, 5, 5}},             // d = 9
    {5, 7, {1, 1, 7, 11, 19}},           // d = 10
    {5, 11, {1, 1, 5, 1, 1}},            // d = 11
    {5, 13, {1, 1, 1, 3, 11}},           // d = 12
    {5, 14, {1, 3, 5, 5, 31}},           // d = 13
    {6, 1, {1, 3, 3, 9, 7, 49}},         // d = 14
    {6, 13, {1, 1, 1, 15, 21, 21}},      // d = 15
    {6, 16, {1, 3, 1, 13, 27, 49}},      // d = 16
    {6, 19, {1, 1, 1, 15, 7, 5}},        // d = 17
    {6, 22, {1, 3, 1, 15, 13, 25}},      // d = 18
    {6, 25, {1, 1, 5, 5, 19, 61}},       // d = 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},  // d = 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},   // d = 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},    // d = 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},     // d = 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},  // d = 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},   // d = 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},  // d = 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},    // d = 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},    // d = 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},   // d = 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},   // d = 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},   // d = 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},   // d = 32
}};

constexpr int kSobolBits = 32;

/// Catches a mistyped row: the degree fits the row, a has s - 1 bits, and
/// every m_i is odd and below 2^i (unused entries are 0).
constexpr bool joe_kuo_rows_are_well_formed() {
  for (const JoeKuoRow& row : kJoeKuo) {
    if (row.s < 1 || row.s > row.m.size() || row.a >= (1u << (row.s - 1))) return false;
    for (std::uint32_t i = 1; i <= row.m.size(); ++i) {
      const std::uint32_t m = row.m[i - 1];
      if (i <= row.s ? (m % 2 == 0 || m >= (1u << i)) : m != 0) return false;
    }
  }
  return true;
}
static_assert(joe_kuo_rows_are_well_formed(), "a row of kJoeKuo is not a valid (s, a, m_i) row");

using DirectionNumbers = std::array<std::array<std::uint32_t, kSobolBits>, kSobolMaxDims>;

/// v[j][k] = V_(k+1) of dimension j + 1, scaled by 2^32: the direction
/// numbers of Joe and Kuo's notes ("Notes on generating Sobol sequences",
/// 2008, section 2), computed at compile time.
///   V_i = m_i 2^(32-i) for i <= s;
///   V_i = a_1 V_(i-1) ^ ... ^ a_(s-1) V_(i-s+1) ^ V_(i-s) ^ (V_(i-s) >> s) after.
constexpr DirectionNumbers make_direction_numbers() {
  DirectionNumbers v{};
  for (int i = 1; i <= kSobolBits; ++i) v[0][i - 1] = 1u << (kSobolBits - i);  // van der Corput: m_i = 1
  for (std::size_t j = 1; j < kSobolMaxDims; ++j) {
    const JoeKuoRow& row = kJoeKuo[j - 1];
    const int s = static_cast<int>(row.s);
    auto& vj = v[j];  // vj[i - 1] = V_i
    for (int i = 1; i <= kSobolBits; ++i) {
      if (i <= s) {
        vj[i - 1] = row.m[i - 1] << (kSobolBits - i);
        continue;
      }
      std::uint32_t vi = vj[i - s - 1] ^ (vj[i - s - 1] >> s);
      for (int k = 1; k < s; ++k) {
        if ((row.a >> (s - 1 - k)) & 1u) vi ^= vj[i - k - 1];
      }
      vj[i - 1] = vi;
    }
  }
  return v;
}

constexpr DirectionNumbers kDirections = make_direction_numbers();

// --- Random designs ---------------------------------------------------------

/// What a draw of the design stream is for: the `step` argument of
/// random::draw(), so that the designs' numbers never coincide.
enum DesignRole : std::uint64_t {
  kRoleRandom = 0,      ///< random: coordinate of point k in dimension `agent`
  kRoleLhsJitter = 1,   ///< lhs: position of point k inside its stratum
  kRoleLhsShuffle = 2,  ///< lhs: the swap of Fisher-Yates step k
};

/// The one run index the designs use: a design does not depend on replicates.
constexpr std::uint64_t kDesignRun = 0;

/// The largest number of points the designs count (k is a 32-bit counter;
/// Sobol's 32-bit direction numbers repeat after 2^32 points).
constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 32;

/// The coordinates of one dimension of a Latin hypercube of n points: point i
/// lies in stratum perm[i] of [0, 1), where perm is 0 .. n-1 shuffled by
/// Fisher-Yates (Knuth's Algorithm P) with swaps drawn on the design stream.
std::vector<double> lhs_dimension(std::size_t n, std::uint64_t dim, std::uint64_t seed) {
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  for (std::size_t i = n; i-- > 1;) {
    // Uniform index in [0, i]; the modulo bias is below (i + 1) / 2^64.
    const auto k = static_cast<std::uint32_t>(i);
    const std::uint64_t r = random::draw(seed, kDesignRun, kRoleLhsShuffle, dim, random::kDesign, k);
    std::swap(perm[i], perm[static_cast<std::size_t>(r % (i + 1))]);
  }
  const auto nd = static_cast<double>(n);
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::uint32_t>(i);
    const double jitter = random::uniform(seed, kDesignRun, kRoleLhsJitter, dim, random::kDesign, k);
    const auto s = static_cast<double>(perm[i]);
    double x = (s + jitter) / nd;
    // Rounding may carry x just across a stratum boundary (s + jitter rounds
    // to s + 1 when jitter is within 2^-53 of 1); step it back in, so that
    // floor(x * n) == s as computed and, since s + 1 <= n, x < 1.
    while (x * nd >= s + 1) x = std::nextafter(x, 0.0);
    while (x * nd < s) x = std::nextafter(x, 1.0);
    u[i] = x;
  }
  return u;
}

// --- Design points ----------------------------------------------------------

std::string label(const SweepDimension& d) { return "sweep parameter " + d.path; }

/// The checks of the loader (load.cpp, read_sweep), for specs built in code.
void check_dimension(Design design, const SweepDimension& d) {
  const bool has_range = d.min.has_value() || d.max.has_value();
  const bool has_values = !d.values.empty();
  if (has_range && has_values) {
    throw UsageError(fmt::format("{} gives both a range (min, max) and values; give one", label(d)));
  }
  if (!has_range && !has_values) {
    throw UsageError(fmt::format("{} gives neither a range (min, max) nor values", label(d)));
  }
  if (has_range && !(d.min && d.max)) {
    throw UsageError(fmt::format("{} needs both min and max", label(d)));
  }
  if (has_range && !(*d.min <= *d.max)) {
    throw UsageError(fmt::format("max of {} must be >= min ({}), got {}", label(d), *d.min, *d.max));
  }
  if (design == Design::kGrid && !has_values) {
    throw UsageError(fmt::format("design grid needs 'values' for every parameter; {} gives a range", label(d)));
  }
}

/// The full factorial of the dimensions' values, first dimension slowest.
std::vector<DesignPoint> grid_points(const std::vector<SweepDimension>& dims) {
  std::size_t count = 1;
  for (const SweepDimension& d : dims) {
    if (count > kMaxGridPoints / d.values.size()) {
      std::string levels;
      for (const SweepDimension& e : dims) levels += (levels.empty() ? "" : " x ") + std::to_string(e.values.size());
      throw UsageError(
          fmt::format("design grid would have more than {} points ({} levels); list fewer values, or "
                      "use design lhs, random or sobol",
                      kMaxGridPoints, levels));
    }
    count *= d.values.size();
  }
  std::vector<DesignPoint> points;
  points.reserve(count);
  std::vector<std::size_t> level(dims.size(), 0);  // an odometer, last digit fastest
  for (std::size_t p = 0; p < count; ++p) {
    DesignPoint point;
    point.values.reserve(dims.size());
    for (std::size_t j = 0; j < dims.size(); ++j) point.values.push_back(dims[j].values[level[j]]);
    points.push_back(std::move(point));
    for (std::size_t j = dims.size(); j-- > 0;) {
      if (++level[j] < dims[j].values.size()) break;
      level[j] = 0;
    }
  }
  return points;
}

/// Unit coordinate u in [0, 1) to the value of dimension d.
double map_unit(const SweepDimension& d, double u) {
  if (d.values.empty()) return *d.min + u * (*d.max - *d.min);
  const std::size_t n = d.values.size();
  const auto level = static_cast<std::size_t>(u * static_cast<double>(n));
  return d.values[std::min(level, n - 1)];
}

}  // namespace

std::vector<double> sobol_point(std::uint64_t index, std::size_t dims) {
  if (dims > kSobolMaxDims) {
    throw UsageError(fmt::format("the Sobol sequence supports at most {} dimensions, got {}", kSobolMaxDims, dims));
  }
  if (index >= kMaxSamples) {
    throw UsageError(fmt::format("the Sobol sequence has 2^32 points; index {} is past them", index));
  }
  // Gray-code order: point i is the XOR of the direction numbers of the set
  // bits of gray(i) = i ^ (i >> 1). Consecutive Gray codes differ in one bit,
  // so this is the point that Joe and Kuo's sobol.cc reaches by updating the
  // previous one, X_i = X_(i-1) ^ V_(c_(i-1)), computed directly.
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> x(dims);
  for (std::size_t j = 0; j < dims; ++j) {
    std::uint32_t bits = 0;
    for (int k = 0; k < kSobolBits; ++k) {
      if ((gray >> k) & 1u) bits ^= kDirections[j][static_cast<std::size_t>(k)];
    }
    x[j] = static_cast<double>(bits) * 0x1.0p-32;  // exact: 32 bits fit a double
  }
  return x;
}

std::vector<std::vector<double>> unit_points(Design design, std::size_t samples, std::size_t dims, std::uint64_t seed) {
  if (design == Design::kGrid) {
    throw std::invalid_argument("unit_points: design grid has no unit points; use design_points()");
  }
  if (design == Design::kSobol && dims > kSobolMaxDims) {
    throw UsageError(fmt::format("design sobol supports at most {} parameters, got {}; use design lhs or random",
                                 kSobolMaxDims, dims));
  }
  if (samples > kMaxSamples) {
    throw UsageError(fmt::format("a design has at most 2^32 points, got {} samples", samples));
  }
  std::vector<std::vector<double>> u(samples, std::vector<double>(dims));
  switch (design) {
    case Design::kRandom:
      for (std::size_t i = 0; i < samples; ++i) {
        for (std::size_t j = 0; j < dims; ++j) {
          u[i][j] = random::uniform(seed, kDesignRun, kRoleRandom, j, random::kDesign, static_cast<std::uint32_t>(i));
        }
      }
      break;
    case Design::kLhs:
      for (std::size_t j = 0; j < dims; ++j) {
        const std::vector<double> column = lhs_dimension(samples, j, seed);
        for (std::size_t i = 0; i < samples; ++i) u[i][j] = column[i];
      }
      break;
    case Design::kSobol:
      for (std::size_t i = 0; i < samples; ++i) u[i] = sobol_point(i, dims);
      break;
    case Design::kGrid:
      break;  // rejected above
  }
  return u;
}

std::vector<DesignPoint> design_points(const SweepSpec& spec, std::uint64_t seed) {
  for (const SweepDimension& d : spec.parameters) check_dimension(spec.design, d);
  if (spec.design == Design::kGrid) return grid_points(spec.parameters);
  if (spec.samples < 1) {
    throw UsageError(fmt::format("sweep.samples must be >= 1, got {}", spec.samples));
  }
  const auto unit = unit_points(spec.design, static_cast<std::size_t>(spec.samples), spec.parameters.size(), seed);
  std::vector<DesignPoint> points(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i) {
    points[i].values.reserve(spec.parameters.size());
    for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
      points[i].values.push_back(map_unit(spec.parameters[j], unit[i][j]));
    }
  }
  return points;
}

}  // namespace geosim
