// The experimental designs of `geosim sweep` (design.hpp): grid, random,
// Latin hypercube and Sobol points, their mapping onto sweep dimensions, and
// their determinism.
#include "geosim/design.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "geosim/error.hpp"
#include "test_support.hpp"

// Points print as their values in failure messages.
template <>
struct Catch::StringMaker<geosim::DesignPoint> {
  static std::string convert(const geosim::DesignPoint& p) {
    return Catch::StringMaker<std::vector<double>>::convert(p.values);
  }
};

using geosim::Design;
using geosim::DesignPoint;
using geosim::SweepDimension;
using geosim::SweepSpec;
using geosim::UsageError;

namespace {

SweepDimension range(std::string path, double min, double max) {
  SweepDimension d;
  d.path = std::move(path);
  d.min = min;
  d.max = max;
  return d;
}

SweepDimension levels(std::string path, std::vector<double> values) {
  SweepDimension d;
  d.path = std::move(path);
  d.values = std::move(values);
  return d;
}

SweepSpec spec_of(Design design, int samples, std::vector<SweepDimension> dims) {
  SweepSpec s;
  s.design = design;
  s.samples = samples;
  s.parameters = std::move(dims);
  return s;
}

/// Coordinate j of every point.
std::vector<double> column(const std::vector<std::vector<double>>& points, std::size_t j) {
  std::vector<double> c;
  for (const auto& p : points) c.push_back(p.at(j));
  return c;
}

constexpr std::array<Design, 3> kUnitDesigns = {Design::kRandom, Design::kLhs, Design::kSobol};

}  // namespace

// --- Sobol ------------------------------------------------------------------

TEST_CASE("design: the first Sobol points in two dimensions are the published ones", "[design]") {
  // Joe and Kuo's sobol.cc (Gray-code order, no point skipped) with
  // new-joe-kuo-6.21201, N = 8, D = 2.
  const std::vector<std::vector<double>> expected = {{0, 0},         {0.5, 0.5},     {0.75, 0.25},   {0.25, 0.75},
                                                     {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("point " << i);
    CHECK(geosim::sobol_point(i, 2) == expected[i]);
  }
  CHECK(geosim::unit_points(Design::kSobol, 8, 2, 0) == expected);
}

TEST_CASE("design: Sobol dimensions 3 to 5 follow the published direction numbers", "[design]") {
  // The first 16 points of dimensions 3, 4, 5 of the same sequence: the
  // output of SciPy 1.10 `qmc.Sobol(d=5, scramble=False).random(16)`, which
  // uses the new-joe-kuo-6.21201 table, in Gray-code order from point 0, like
  // sobol.cc. By hand for dimension 3 (s = 2, a = 1, m = 1, 3): V1 = 1/2,
  // V2 = 3/4, V3 = V1 ^ V1/4 ^ V2 = 3/8, so point 4 (Gray code 110) is
  // V2 ^ V3 = 5/8.
  const std::vector<std::array<double, 3>> expected = {
      {0, 0, 0},
      {0.5, 0.5, 0.5},
      {0.25, 0.25, 0.75},
      {0.75, 0.75, 0.25},
      {0.625, 0.875, 0.375},
      {0.125, 0.375, 0.875},
      {0.875, 0.625, 0.625},
      {0.375, 0.125, 0.125},
      {0.9375, 0.4375, 0.5625},
      {0.4375, 0.9375, 0.0625},
      {0.6875, 0.1875, 0.3125},
      {0.1875, 0.6875, 0.8125},
      {0.3125, 0.5625, 0.9375},
      {0.8125, 0.0625, 0.4375},
      {0.0625, 0.8125, 0.1875},
      {0.5625, 0.3125, 0.6875},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("point " << i);
    const std::vector<double> x = geosim::sobol_point(i, 5);
    CHECK(x[2] == expected[i][0]);
    CHECK(x[3] == expected[i][1]);
    CHECK(x[4] == expected[i][2]);
  }
}

TEST_CASE("design: Sobol points far into the sequence match the reference in all 32 dimensions", "[design]") {
  // Coordinates times 2^32, from SciPy 1.10 `qmc.Sobol(d=32, scramble=False,
  // bits=32)` after fast_forward(index). These use every bit of the direction
  // numbers, so they check the recurrence beyond the published m_i, and each
  // row of the table.
  const std::map<std::uint64_t, std::array<std::uint32_t, 32>> expected = {
      {12345, {0xA4140000, 0xD03C0000, 0x290C0000, 0x86DC0000, 0xE3740000, 0x0F140000, 0x20940000, 0x1D040000,
               0xCD440000, 0x6DFC0000, 0x13040000, 0x994C0000, 0xEE540000, 0xF11C0000, 0x08D40000, 0xA40C0000,
               0x10040000, 0x0D0C0000, 0x51C40000, 0x57EC0000, 0x33040000, 0x14CC0000, 0x9B640000, 0xDCDC0000,
               0x70FC0000, 0x4BB40000, 0x5DB40000, 0x7B640000, 0x16740000, 0x678C0000, 0x49740000, 0xA97C0000}},
      {3000000000, {0x008E1DD7, 0x0C476229, 0xEBABB7F7, 0x4C548155, 0x96EDDE4B, 0x7AA451B9, 0xEAFD1205, 0xD065EE37,
                    0x955EC2E7, 0x92051A3F, 0xAD5DB25B, 0x2390B77B, 0x68DD4F09, 0x9E59DDF5, 0x51D16A63, 0x42BED9A7,
                    0x0C3C7D25, 0xB2FE099F, 0xBAB610C1, 0x46FE8139, 0x7970099F, 0x617A22BF, 0xF80C081F, 0x574118F3,
                    0xFB0AA07B, 0x35FED655, 0xBA04C255, 0x6870CC17, 0xB3C15BA7, 0x1C7C3B6B, 0x30D6BA6B, 0xDAD0E2A1}},
      {4294967295,  // the last point of the 32-bit sequence
       {0x00000001, 0xFFFFFFFF, 0xC5005555, 0x50050093, 0xB00DDB9D, 0x40BBBBBB, 0xC0104477, 0x87639641,
        0x84350611, 0x82FF78F1, 0x81D00A2D, 0x87239795, 0x824706D7, 0x261000A3, 0xD91D919D, 0x72C4D755,
        0x9349CB97, 0x1FBEFB9D, 0xB400F0EB, 0xF100000B, 0x4103000D, 0x7771000D, 0x86F59009, 0xABCD300D,
        0xE4FC2505, 0xD932110B, 0x49B6C903, 0x4B504B0D, 0x437318D5, 0x323C3F39, 0x225142DD, 0x2F0DE0F3}},
  };
  STATIC_REQUIRE(geosim::kSobolMaxDims == 32);
  for (const auto& [index, bits] : expected) {
    const std::vector<double> x = geosim::sobol_point(index, 32);
    REQUIRE(x.size() == 32);
    for (std::size_t j = 0; j < 32; ++j) {
      INFO("index " << index << ", dimension " << j + 1);
      CHECK(x[j] == std::ldexp(static_cast<double>(bits[j]), -32));
    }
  }
}

TEST_CASE("design: every Sobol coordinate is a multiple of 2^-32 between 0 (inclusive) and 1 (exclusive)", "[design]") {
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < 4096; ++i) indices.push_back(i);
  for (std::uint64_t i = 0; i < 64; ++i) indices.push_back((std::uint64_t{1} << 32) - 1 - i * 1000003);
  for (const std::uint64_t i : indices) {
    for (const double x : geosim::sobol_point(i, geosim::kSobolMaxDims)) {
      INFO("index " << i << ", x " << x);
      REQUIRE(x >= 0.0);
      REQUIRE(x < 1.0);
      REQUIRE(std::ldexp(x, 32) == std::floor(std::ldexp(x, 32)));
    }
  }
}

TEST_CASE("design: the first 2^k Sobol points are balanced in every dimension", "[design]") {
  for (int k = 1; k <= 12; ++k) {
    const std::size_t n = std::size_t{1} << k;
    const auto points = geosim::unit_points(Design::kSobol, n, geosim::kSobolMaxDims, 0);
    for (std::size_t j = 0; j < geosim::kSobolMaxDims; ++j) {
      INFO("n = " << n << ", dimension " << j + 1);
      std::vector<double> c = column(points, j);
      CHECK(std::count_if(c.begin(), c.end(), [](double x) { return x < 0.5; }) == static_cast<long>(n / 2));
      // Stronger: each one-dimensional projection is a (0, k, 1)-net, i.e.
      // exactly one point in each interval [i/n, (i+1)/n), at its left end.
      std::sort(c.begin(), c.end());
      for (std::size_t i = 0; i < n; ++i) {
        REQUIRE(c[i] == static_cast<double>(i) / static_cast<double>(n));
      }
    }
  }
}

TEST_CASE("design: Sobol beyond the supported dimensions or points is a clear error", "[design]") {
  CHECK(geosim::sobol_point(3, geosim::kSobolMaxDims).size() == geosim::kSobolMaxDims);
  CHECK_THROWS_MATCHES(geosim::sobol_point(0, geosim::kSobolMaxDims + 1), UsageError,
                       Catch::Matchers::Message("the Sobol sequence supports at most 32 dimensions, got 33"));
  CHECK_THROWS_AS(geosim::sobol_point(std::uint64_t{1} << 32, 1), UsageError);
  CHECK_THROWS_WITH(geosim::unit_points(Design::kSobol, 4, 33, 0),
                    "design sobol supports at most 32 parameters, got 33; use design lhs or random");
  std::vector<SweepDimension> dims;
  for (int j = 0; j < 33; ++j) dims.push_back(range("parameters.x" + std::to_string(j), 0, 1));
  CHECK_THROWS_AS(geosim::design_points(spec_of(Design::kSobol, 4, dims), 0), UsageError);
  dims.pop_back();
  CHECK(geosim::design_points(spec_of(Design::kSobol, 4, dims), 0).size() == 4);
  // Random and lhs have no such limit.
  dims.push_back(range("parameters.x32", 0, 1));
  CHECK(geosim::design_points(spec_of(Design::kLhs, 4, dims), 0).size() == 4);
}

TEST_CASE("design: Sobol is not scrambled, so the seed does not change it", "[design]") {
  const auto a = geosim::unit_points(Design::kSobol, 64, 7, 1);
  CHECK(a == geosim::unit_points(Design::kSobol, 64, 7, 2));
  CHECK(a == geosim::unit_points(Design::kSobol, 64, 7, 0xFFFFFFFFFFFFFFFFULL));
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == geosim::sobol_point(i, 7));
}

// --- Latin hypercube ----------------------------------------------------------

TEST_CASE("design: a Latin hypercube puts exactly one point in every stratum of every dimension", "[design]") {
  for (const std::size_t n : {1, 2, 3, 7, 64, 1000}) {
    for (const std::uint64_t seed : {0ULL, 1ULL, 2024ULL}) {
      const auto points = geosim::unit_points(Design::kLhs, n, 6, seed);
      REQUIRE(points.size() == n);
      for (std::size_t j = 0; j < 6; ++j) {
        INFO("n = " << n << ", seed " << seed << ", dimension " << j);
        std::vector<int> hits(n, 0);
        for (const auto& p : points) {
          REQUIRE(p.size() == 6);
          REQUIRE(p[j] >= 0.0);
          REQUIRE(p[j] < 1.0);
          const auto stratum = static_cast<std::size_t>(std::floor(p[j] * static_cast<double>(n)));
          REQUIRE(stratum < n);
          ++hits[stratum];
        }
        CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
      }
    }
  }
}

TEST_CASE("design: Latin hypercube strata are shuffled independently and jittered", "[design]") {
  const std::size_t n = 200;
  const auto points = geosim::unit_points(Design::kLhs, n, 3, 42);
  const auto stratum_of = [&](std::size_t i, std::size_t j) {
    return static_cast<std::size_t>(std::floor(points[i][j] * static_cast<double>(n)));
  };
  // The dimensions are not in step with each other, nor with the point order.
  std::size_t same01 = 0, in_order = 0;
  for (std::size_t i = 0; i < n; ++i) {
    same01 += stratum_of(i, 0) == stratum_of(i, 1);
    in_order += stratum_of(i, 0) == i;
  }
  CHECK(same01 < 10);  // a random permutation has about one fixed point
  CHECK(in_order < 10);
  // Positions inside the strata spread over [0, 1): not all at the centre or an end.
  double lo = 1, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double offset = points[i][2] * static_cast<double>(n) - static_cast<double>(stratum_of(i, 2));
    lo = std::min(lo, offset);
    hi = std::max(hi, offset);
  }
  CHECK(lo < 0.05);
  CHECK(hi > 0.95);
}

// --- Random --------------------------------------------------------------------

TEST_CASE("design: random points are uniform on the unit interval and extend as samples grow", "[design]") {
  const auto points = geosim::unit_points(Design::kRandom, 5000, 4, 7);
  for (std::size_t j = 0; j < 4; ++j) {
    const std::vector<double> c = column(points, j);
    double mean = 0;
    for (const double x : c) {
      REQUIRE(x >= 0.0);
      REQUIRE(x < 1.0);
      mean += x / static_cast<double>(c.size());
    }
    CHECK(std::abs(mean - 0.5) < 0.02);  // 0.02 is about 5 standard errors
    CHECK(std::count_if(c.begin(), c.end(), [](double x) { return x < 0.25; }) > 1100);
    CHECK(std::count_if(c.begin(), c.end(), [](double x) { return x < 0.25; }) < 1400);
  }
  // The sample of 10 is the start of the sample of 5000.
  const auto ten = geosim::unit_points(Design::kRandom, 10, 4, 7);
  CHECK(std::equal(ten.begin(), ten.end(), points.begin()));
}

// --- Determinism -------------------------------------------------------------

TEST_CASE("design: points are a pure function of design, samples, dimensions and seed", "[design][determinism]") {
  for (const Design d : kUnitDesigns) {
    INFO(geosim::to_string(d));
    const auto a = geosim::unit_points(d, 50, 5, 123);
    CHECK(a == geosim::unit_points(d, 50, 5, 123));
    // A dimension's coordinates do not depend on how many dimensions follow.
    const auto wider = geosim::unit_points(d, 50, 8, 123);
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(std::equal(a[i].begin(), a[i].end(), wider[i].begin()));
    }
  }
  for (const Design d : {Design::kRandom, Design::kLhs}) {
    INFO(geosim::to_string(d));
    const auto a = geosim::unit_points(d, 50, 5, 123);
    const auto b = geosim::unit_points(d, 50, 5, 124);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      for (std::size_t j = 0; j < 5; ++j) same += a[i][j] == b[i][j];
    }
    CHECK(same == 0);
  }
  // Random and lhs of the same seed do not share numbers.
  CHECK(geosim::unit_points(Design::kRandom, 50, 5, 123) != geosim::unit_points(Design::kLhs, 50, 5, 123));

  const SweepSpec spec = spec_of(Design::kLhs, 16, {range("a", 0, 1), levels("b", {1, 2, 3})});
  CHECK(geosim::design_points(spec, 9) == geosim::design_points(spec, 9));
  CHECK(geosim::design_points(spec, 9) != geosim::design_points(spec, 10));
}

// --- Grid ----------------------------------------------------------------------

TEST_CASE("design: grid is the full factorial of the listed values, first dimension slowest", "[design]") {
  const SweepSpec spec =
      spec_of(Design::kGrid, 999, {levels("a", {1, 2}), levels("b", {10, 20, 30}), levels("c", {0.5})});
  const std::vector<DesignPoint> expected = {
      {{1, 10, 0.5}}, {{1, 20, 0.5}}, {{1, 30, 0.5}}, {{2, 10, 0.5}}, {{2, 20, 0.5}}, {{2, 30, 0.5}},
  };
  CHECK(geosim::design_points(spec, 0) == expected);
  CHECK(geosim::design_points(spec, 77) == expected);  // no randomness

  const SweepSpec one = spec_of(Design::kGrid, 1, {levels("a", {4})});
  CHECK(geosim::design_points(one, 0) == std::vector<DesignPoint>{{{4}}});
  // The product of no dimensions is one empty point.
  CHECK(geosim::design_points(spec_of(Design::kGrid, 1, {}), 0) == std::vector<DesignPoint>{DesignPoint{}});
}

TEST_CASE("design: a grid needs values for every dimension and a bounded size", "[design]") {
  const SweepSpec with_range = spec_of(Design::kGrid, 4, {levels("a", {1, 2}), range("agents.MNG.regime", 0, 1)});
  CHECK_THROWS_MATCHES(geosim::design_points(with_range, 0), UsageError,
                       Catch::Matchers::Message("design grid needs 'values' for every parameter; "
                                                "sweep parameter agents.MNG.regime gives a range"));
  std::vector<SweepDimension> dims;
  for (int j = 0; j < 8; ++j) dims.push_back(levels("p" + std::to_string(j), std::vector<double>(10, 1.0)));
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kGrid, 1, dims), 0),
                    Catch::Matchers::Contains("more than 10000000 points (10 x 10 x 10 x 10 x 10 x 10 x 10 x 10"));
  CHECK_THROWS_AS(geosim::unit_points(Design::kGrid, 4, 2, 0), std::invalid_argument);
}

// --- Mapping and edge cases ----------------------------------------------------

TEST_CASE("design: unit coordinates map onto ranges and lists of levels", "[design]") {
  // Sobol's first four points in one dimension are 0, 1/2, 3/4, 1/4.
  const SweepSpec spec =
      spec_of(Design::kSobol, 4, {range("a", 2, 10), levels("b", {5, 6, 7, 8}), levels("c", {9}), range("d", 3, 3)});
  const std::vector<DesignPoint> expected = {
      {{2, 5, 9, 3}},  // u = (0, 0)
      {{6, 7, 9, 3}},  // u = (1/2, 1/2): 2 + 0.5 * 8; levels[floor(0.5 * 4)]
      {{8, 6, 9, 3}},  // u = (3/4, 1/4)
      {{4, 8, 9, 3}},  // u = (1/4, 3/4)
  };
  CHECK(geosim::design_points(spec, 0) == expected);

  // The same rule for every design, against its unit points.
  for (const Design d : kUnitDesigns) {
    INFO(geosim::to_string(d));
    const SweepSpec s = spec_of(d, 40, {range("a", -1, 3), levels("b", {10, 20, 30})});
    const auto unit = geosim::unit_points(d, 40, 2, 5);
    const auto points = geosim::design_points(s, 5);
    REQUIRE(points.size() == 40);
    for (std::size_t i = 0; i < points.size(); ++i) {
      REQUIRE(points[i].values.size() == 2);
      CHECK(points[i].values[0] == -1 + unit[i][0] * 4);
      CHECK(points[i].values[1] == std::vector<double>{10, 20, 30}[static_cast<std::size_t>(unit[i][1] * 3)]);
      CHECK(points[i].values[0] >= -1);
      CHECK(points[i].values[0] <= 3);
    }
  }
}

TEST_CASE("design: with lhs every level of a list is drawn equally often", "[design]") {
  const SweepSpec spec = spec_of(Design::kLhs, 12, {levels("a", {1, 2, 3}), levels("b", {7, 8, 9, 10})});
  std::map<double, int> a, b;
  for (const DesignPoint& p : geosim::design_points(spec, 31)) {
    ++a[p.values[0]];
    ++b[p.values[1]];
  }
  CHECK(a == std::map<double, int>{{1, 4}, {2, 4}, {3, 4}});
  CHECK(b == std::map<double, int>{{7, 3}, {8, 3}, {9, 3}, {10, 3}});
}

TEST_CASE("design: edge cases: one sample, no dimensions, one level", "[design]") {
  for (const Design d : kUnitDesigns) {
    INFO(geosim::to_string(d));
    // One sample: one point, inside the cube (lhs: anywhere in the single stratum).
    const auto one = geosim::unit_points(d, 1, 3, 8);
    REQUIRE(one.size() == 1);
    REQUIRE(one[0].size() == 3);
    for (const double u : one[0]) CHECK((u >= 0.0 && u < 1.0));
    // No dimensions: `samples` empty points; no samples: no points.
    CHECK(geosim::unit_points(d, 5, 0, 8) == std::vector<std::vector<double>>(5));
    CHECK(geosim::unit_points(d, 0, 3, 8).empty());
    CHECK(geosim::design_points(spec_of(d, 3, {}), 8) == std::vector<DesignPoint>(3));
    // A list of one level, and a range of zero width, are constants.
    for (const DesignPoint& p : geosim::design_points(spec_of(d, 9, {levels("a", {0.25}), range("b", 2, 2)}), 8)) {
      CHECK(p.values == std::vector<double>{0.25, 2});
    }
  }
  CHECK(geosim::sobol_point(5, 0).empty());
  CHECK(geosim::design_points(spec_of(Design::kSobol, 1, {range("a", 1, 2)}), 0) == std::vector<DesignPoint>{{{1}}});
}

TEST_CASE("design: specs the loader would reject are usage errors", "[design]") {
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kLhs, 0, {range("a", 0, 1)}), 0),
                    "sweep.samples must be >= 1, got 0");
  SweepDimension both = range("a", 0, 1);
  both.values = {1};
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kRandom, 2, {both}), 0),
                    "sweep parameter a gives both a range (min, max) and values; give one");
  SweepDimension neither;
  neither.path = "b";
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kLhs, 2, {neither}), 0),
                    "sweep parameter b gives neither a range (min, max) nor values");
  SweepDimension half;
  half.path = "c";
  half.min = 1;
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kSobol, 2, {half}), 0),
                    "sweep parameter c needs both min and max");
  CHECK_THROWS_WITH(geosim::design_points(spec_of(Design::kLhs, 2, {range("d", 2, 1)}), 0),
                    "max of sweep parameter d must be >= min (2), got 1");
  CHECK_THROWS_AS(geosim::design_points(spec_of(Design::kLhs, 2, {range("e", 0, std::nan(""))}), 0), UsageError);
}
