// Experimental designs of `geosim sweep`: which points of a parameter space a
// sweep runs (SCENARIO-FORMAT.md, `sweep:`; docs/scenario-format.md).
//
// Every design is a pure function of (design, samples, dimensions, seed): no
// generator object carries state, and the same inputs give the same points
// bit for bit on every machine and at any thread count. The random designs
// draw from the counter-based generator of MODEL.md §3.7 on their own stream
// (random::kDesign), so a design never shares or shifts the random numbers of
// the runs, even when both use the scenario's seed.
//
// Example:
//
//     SweepSpec spec;  // design lhs, 64 samples, two dimensions
//     spec.samples = 64;
//     spec.parameters = {{.path = "agents.MNG.regime", .min = 0.0, .max = 1.0},
//                        {.path = "parameters.commitment", .values = {0.25, 0.5, 0.75}}};
//     for (const DesignPoint& p : design_points(spec, scenario.seed)) {
//       Scenario point = scenario;
//       for (std::size_t d = 0; d < p.values.size(); ++d) apply_patch(point, spec.parameters[d].path, p.values[d]);
//       ...
//     }
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "geosim/scenario.hpp"

namespace geosim {

/// The most dimensions sobol_point() (and the `sobol` design) supports: the
/// first kSobolMaxDims rows of Joe and Kuo's new-joe-kuo-6.21201 table.
inline constexpr std::size_t kSobolMaxDims = 32;

/// The most points a `grid` design may have (the product of the numbers of
/// levels); a larger grid is a UsageError rather than an exhausted memory.
inline constexpr std::size_t kMaxGridPoints = 10'000'000;

/// One point of a sweep: a value per dimension, in SweepSpec::parameters order.
struct DesignPoint {
  std::vector<double> values;
  friend bool operator==(const DesignPoint&, const DesignPoint&) = default;
};

/// `samples` points of the unit cube [0, 1)^dims, one vector of `dims`
/// coordinates per point, for the designs that have them:
///  * kRandom: independent uniform coordinates. Point i, dimension j is
///    random::uniform(seed, 0, 0, j, kDesign, i), so the first n points of a
///    larger sample are the sample of n.
///  * kLhs: a Latin hypercube. Each dimension is cut into `samples` equal
///    strata [s/n, (s+1)/n); every stratum of every dimension holds exactly
///    one point, at a uniform position inside it; the strata are assigned to
///    points by an independent Fisher-Yates shuffle per dimension.
///  * kSobol: sobol_point(0 .. samples-1, dims); the seed is ignored (the
///    sequence is not scrambled). With samples = 2^k the points are a
///    (t, k, dims)-net, so powers of two are the sizes to choose.
/// Dimension j's coordinates depend only on (design, samples, j, seed), not
/// on how many dimensions there are: adding a parameter to a sweep leaves the
/// others' coordinates as they were. dims = 0 gives `samples` empty points;
/// samples = 0 gives none.
/// Throws std::invalid_argument for kGrid (a grid is made of listed values,
/// not of unit coordinates: see design_points()), and UsageError for kSobol
/// with dims > kSobolMaxDims.
std::vector<std::vector<double>> unit_points(Design design, std::size_t samples, std::size_t dims, std::uint64_t seed);

/// The points of a sweep, each with one value per entry of spec.parameters:
///  * kGrid: the full factorial of every dimension's `values`, the first
///    dimension varying slowest (like nested loops, the last one innermost);
///    spec.samples is ignored. No dimensions give one empty point.
///  * kRandom, kLhs, kSobol: spec.samples points; unit_points() coordinate u
///    of dimension d becomes
///      a range {min, max}: min + u (max - min)
///      a list {values}:    values[floor(u n)] (n levels; clamped to n - 1),
///    so every level of a list is equally likely (with lhs and samples a
///    multiple of n, every level is drawn samples / n times).
/// `seed` is the seed of the experiment (the scenario's seed, as a rule).
/// Throws UsageError for a spec that the loader would have rejected: a grid
/// dimension without `values`, a dimension with both or neither of a range
/// and values, max < min, samples < 1 (random, lhs, sobol), a grid of more
/// than kMaxGridPoints points, or more than kSobolMaxDims dimensions with sobol.
std::vector<DesignPoint> design_points(const SweepSpec& spec, std::uint64_t seed);

/// Point `index` of the unscrambled Sobol sequence in `dims` dimensions, with
/// Joe and Kuo's direction numbers (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo,
/// "Constructing Sobol sequences with better two-dimensional projections",
/// SIAM J. Sci. Comput. 30, 2635-2654, 2008), 32 bits per coordinate, in
/// Gray-code order, and skipping nothing: point 0 is the origin, point 1 is
/// (0.5, ..., 0.5), then (0.75, 0.25, ...), (0.25, 0.75, ...), ... These are
/// the points of Joe and Kuo's own sobol.cc and of SciPy's
/// `qmc.Sobol(d, scramble=False)`.
///
/// Why the origin is kept: the balance of the sequence (the first 2^k points
/// put exactly 2^(k-1) points below 0.5 in every dimension, and form a net)
/// holds for the points counted from index 0; dropping point 0 breaks it
/// (A. B. Owen, "On dropping the first Sobol' point", 2022).
///
/// Every coordinate is a multiple of 2^-32 in [0, 1). Throws UsageError when
/// dims > kSobolMaxDims or index >= 2^32 (where 32-bit direction numbers
/// repeat).
std::vector<double> sobol_point(std::uint64_t index, std::size_t dims);

}  // namespace geosim
