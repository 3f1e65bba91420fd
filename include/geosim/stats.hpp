// Statistics for comparing policies run on common random numbers (`geosim
// compare`, docs/compare.md): summaries, Student t quantiles, paired
// differences with t and percentile-bootstrap intervals, effect sizes and
// the share of runs in which a policy beats the baseline.
//
// Pure functions of their arguments. The bootstrap's resampling draws come
// from the counter-based generator of MODEL.md §3.7 (stream 6), so an
// interval is the same on every machine and for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace geosim::stats {

/// Arithmetic mean; NaN for an empty sample. Computed in two passes (the sum
/// divided by n, then corrected by the mean residual), so a sample of equal
/// values has exactly that value as its mean.
double mean(std::span<const double> x);

/// Sample standard deviation, sqrt(Σ (x_i - x̄)² / (n - 1)); NaN when n < 2.
/// Exactly 0 for a sample of equal values.
double sample_sd(std::span<const double> x);

/// The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in
/// [0, 1] (NaN outside). Continued fraction (modified Lentz), using the
/// symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges faster; about
/// 1e-14 relative accuracy.
double incomplete_beta(double a, double b, double x);

/// The cumulative distribution function of Student's t with `df` > 0 degrees
/// of freedom (any real df; df = infinity gives the standard normal):
/// F(t) = 1 - I_{df/(df+t²)}(df/2, 1/2) / 2 for t >= 0, and F(-t) = 1 - F(t).
/// About 1e-14 relative up to df = 1e5, 1e-12 at 1e6 (the continued
/// fraction needs ~sqrt(df) terms and gathers rounding).
double student_t_cdf(double t, double df);

/// The quantile (inverse CDF) of Student's t: the t with F(t) = p, for p in
/// (0, 1) and df > 0 (NaN otherwise; ±infinity at p = 0 or 1). Solves
/// F(t) = p by Newton's method on the CDF above, kept inside a bisection
/// bracket, to about 1e-13 relative; exact for df = 1 (Cauchy); from df =
/// 1e5 on, the Cornish-Fisher expansion in 1/df (Abramowitz & Stegun
/// 26.7.5), whose omitted terms are below double precision there.
/// Examples: student_t_quantile(0.975, 1) = 12.7062, (0.975, 10) = 2.2281,
/// (0.975, 30) = 2.0423.
double student_t_quantile(double p, double df);

/// The standard normal quantile: a rational start (Abramowitz & Stegun
/// 26.2.23) polished by Newton steps on the CDF 0.5·erfc(-z/√2).
double normal_quantile(double p);

/// A confidence interval [low, high].
struct Interval {
  double low = 0;
  double high = 0;
  bool contains(double x) const { return low <= x && x <= high; }
};

/// The Student t interval of a mean: mean ± t_{(1+level)/2, n-1} · sd / √n.
/// nullopt when n < 2 (no degrees of freedom). sd = 0 gives [mean, mean].
std::optional<Interval> t_interval(double mean, double sd, std::size_t n, double level = 0.95);

/// Where the bootstrap's random numbers come from: resample b, draw i uses
///   uniform(seed, run = b, step = 0, agent = 0, stream 6 (kBootstrap), k = i)
/// (MODEL.md §3.7): the index drawn is floor(u · n). The same seed and sample
/// size give the same resamples, so every outcome and policy of a comparison
/// resamples the same set of run indices in resample b.
struct BootstrapKey {
  std::uint64_t seed = 0;
};

/// Percentile bootstrap interval of the mean of `x`: B = `resamples`
/// resamples of size n drawn with replacement, their means sorted, and the
/// (1-level)/2 and (1+level)/2 quantiles taken with linear interpolation
/// between order statistics (R's type 7: position (B-1)·q from 0). nullopt
/// when x is empty or resamples is 0.
std::optional<Interval> bootstrap_interval(std::span<const double> x, std::size_t resamples, BootstrapKey key,
                                           double level = 0.95);

/// Whether higher or lower values of an outcome are better (`better:` of an
/// outcome, SCENARIO-FORMAT.md §10).
enum class Better : std::uint8_t { kHigher, kLower };

/// The share of pairs in which the policy beats the baseline: policy_r >
/// baseline_r (or < when lower is better) counts 1, an exact tie counts 1/2,
/// a loss 0; divided by the number of pairs. NaN for no pairs. The two spans
/// must have the same length.
double share_better(std::span<const double> policy, std::span<const double> baseline, Better better);

/// A policy against the baseline on one outcome, paired by run index.
struct PairedSummary {
  std::size_t n = 0;       ///< pairs (runs where both values exist)
  double mean_policy = 0;  ///< over the pairs
  double mean_baseline = 0;
  double sd_policy = 0;  ///< NaN when n < 2
  double sd_baseline = 0;
  double diff = 0;                    ///< mean of d_r = policy_r - baseline_r
  double sd_diff = 0;                 ///< sample sd of d_r; NaN when n < 2
  std::optional<Interval> t;          ///< t interval of diff; nullopt when n < 2
  std::optional<Interval> bootstrap;  ///< percentile bootstrap of diff, when asked
  /// Cohen's d_z = diff / sd_diff: the difference in units of the spread of
  /// the paired differences. nullopt when sd_diff is 0 or undefined.
  std::optional<double> d_z;
  /// Cohen's d with the pooled (average-variance) sd,
  /// diff / sqrt((sd_policy² + sd_baseline²) / 2): the difference in units of
  /// the run-to-run spread of the outcome itself. nullopt when that is 0 or
  /// undefined.
  std::optional<double> d_pooled;
  double share_better = 0;  ///< see share_better()
};

/// Summarises policy_r - baseline_r over the pairs (the spans have equal
/// length, one entry per run). `resamples` > 0 adds a bootstrap interval.
PairedSummary compare_paired(std::span<const double> policy, std::span<const double> baseline, Better better,
                             std::size_t resamples = 0, BootstrapKey key = {}, double level = 0.95);

}  // namespace geosim::stats
