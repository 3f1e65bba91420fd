#include "geosim/stats.hpp"

#include <math.h>  // lgamma_r (POSIX; see log_gamma)

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "geosim/error.hpp"
#include "geosim/random.hpp"

namespace geosim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kLnSqrt2Pi = 0.918938533204672741780329736406;  // log(sqrt(2π))

// lgamma(x) - Stirling's approximation ((x - 1/2) log x - x + log √(2π)), for
// x >= 10: the asymptotic series 1/(12x) - 1/(360x³) + ...; its omitted terms
// are below 1e-17 there.
double lgamma_correction(double x) {
  const double r = 1 / x;
  const double r2 = r * r;
  // Bernoulli numbers: B_{2k} / (2k (2k - 1)).
  constexpr double c[] = {1.0 / 12,   -1.0 / 360,      1.0 / 1260, -1.0 / 1680,
                          1.0 / 1188, -691.0 / 360360, 1.0 / 156,  -3617.0 / 122400};
  double sum = 0;
  for (int k = 7; k >= 0; --k) sum = sum * r2 + c[k];
  return sum * r;
}

// lgamma(x) without a data race: std::lgamma also stores the sign of Γ(x) in
// the global `signgam`, a write that races when rows are summarized on
// several threads (summarize in compare.cpp); lgamma_r returns the sign
// instead. Same value as std::lgamma.
double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

// log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), written so that large
// arguments do not cancel (as R's lbeta does): with the Stirling terms
// combined by hand, only the small corrections are subtracted.
double log_beta(double a, double b) {
  const double p = std::min(a, b);
  const double q = std::max(a, b);
  if (p >= 10) {
    const double corr = lgamma_correction(p) + lgamma_correction(q) - lgamma_correction(p + q);
    return -0.5 * std::log(q) + kLnSqrt2Pi + corr + (p - 0.5) * std::log(p / (p + q)) + q * std::log1p(-p / (p + q));
  }
  if (q >= 10) {
    const double corr = lgamma_correction(q) - lgamma_correction(p + q);
    return log_gamma(p) + corr + p - p * std::log(p + q) + (q - 0.5) * std::log1p(-p / (p + q));
  }
  return log_gamma(p) + log_gamma(q) - log_gamma(p + q);
}

// The continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified
// Lentz). Converges quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  constexpr int kMaxIterations = 1'000'000;  // ~sqrt(max(a, b)) are needed
  const double qab = a + b;
  const double qap = a + 1;
  const double qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) <= kEps) break;
  }
  return h;
}

// I_x(a, b) with y = 1 - x given separately, so that callers that know y more
// accurately than 1 - x (the t tail) keep that accuracy.
double incomplete_beta(double a, double b, double x, double y) {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(y >= 0)) return kNaN;
  if (x == 0) return 0;
  if (y == 0) return 1;
  // log x from the smaller of x and y: near 1, log1p(-y) keeps the digits
  // that log(x) would lose (a·log x matters to full precision when a is large).
  const double log_x = x < 0.5 ? std::log(x) : std::log1p(-y);
  const double log_y = y < 0.5 ? std::log(y) : std::log1p(-x);
  const double log_front = a * log_x + b * log_y - log_beta(a, b);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, y) / b;
}

// P(T > t) for t >= 0: I_{df/(df+t²)}(df/2, 1/2) / 2.
double t_upper_tail(double t, double df) {
  if (std::isinf(df)) return 0.5 * std::erfc(t / std::sqrt(2.0));
  const double t2 = t * t;
  if (std::isinf(t2)) return 0;
  // x = df/(df + t²) and 1 - x = t²/(df + t²), each without cancellation.
  const double x = df / (df + t2);
  const double y = t2 / (df + t2);
  return 0.5 * incomplete_beta(df / 2, 0.5, x, y);
}

// The density of Student's t: (1 + t²/df)^(-(df+1)/2) / (√df B(df/2, 1/2)).
double t_density(double t, double df) {
  if (std::isinf(df)) return std::exp(-0.5 * t * t - kLnSqrt2Pi);
  return std::exp(-0.5 * std::log(df) - log_beta(df / 2, 0.5) - (df + 1) / 2 * std::log1p(t * t / df));
}

// Solves t_upper_tail(t, df) = q for t >= 0 (0 < q <= 1/2): Newton's method
// from `start`, falling back to bisection whenever a step leaves the bracket
// [lo, hi] known to hold the root (as Numerical Recipes' rtsafe). The tail is
// convex and decreasing, so Newton from below never overshoots.
double solve_upper_tail(double q, double df, double start) {
  if (q >= 0.5) return 0;
  double lo = 0;
  double hi = std::max(1.0, 2 * start);
  for (int k = 0; t_upper_tail(hi, df) > q; ++k) {
    if (k > 2000 || std::isinf(hi)) return kInf;
    lo = hi;
    hi *= 2;
  }
  double t = std::clamp(start, lo, hi);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  for (int iteration = 0; iteration < 500; ++iteration) {
    const double f = t_upper_tail(t, df) - q;  // > 0: t is below the root
    if (f == 0) return t;
    if (f > 0)
      lo = t;
    else
      hi = t;
    const double density = t_density(t, df);
    double next = density > 0 ? t + f / density : kNaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - t) <= 1e-15 * std::fabs(next) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return kNaN;
  const auto n = static_cast<double>(x.size());
  double sum = 0;
  for (double v : x) sum += v;
  double m = sum / n;
  if (!std::isfinite(m)) return m;
  // The residuals sum to n·(true mean - m) up to rounding: one correction
  // step makes equal values give exactly their value.
  double residual = 0;
  for (double v : x) residual += v - m;
  return m + residual / n;
}

double sample_sd(std::span<const double> x) {
  if (x.size() < 2) return kNaN;
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double incomplete_beta(double a, double b, double x) {
  if (!(x >= 0 && x <= 1)) return kNaN;
  return incomplete_beta(a, b, x, 1 - x);
}

double student_t_cdf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  const double upper = t_upper_tail(std::fabs(t), df);
  return t >= 0 ? 1 - upper : upper;
}

double normal_quantile(double p) {
  if (!(p >= 0 && p <= 1)) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  if (p == 0.5) return 0;
  // Solve for the lower tail q = min(p, 1-p), z < 0, then mirror.
  const double q = p < 0.5 ? p : 1 - p;
  const double w = std::sqrt(-2 * std::log(q));
  double z = -(w - (2.515517 + w * (0.802853 + w * 0.010328)) / (1 + w * (1.432788 + w * (0.189269 + w * 0.001308))));
  for (int k = 0; k < 50; ++k) {
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double step = (cdf - q) / std::exp(-0.5 * z * z - kLnSqrt2Pi);
    z -= step;
    if (std::fabs(step) <= 1e-16 * std::fabs(z)) break;
  }
  return p < 0.5 ? z : -z;
}

double student_t_quantile(double p, double df) {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  if (p == 0.5) return 0;
  if (std::isinf(df)) return normal_quantile(p);
  const double q = p < 0.5 ? p : 1 - p;  // the tail beyond |t|
  if (df == 1) {
    // Cauchy: exact, t = tan(π (1/2 - q)) = 1 / tan(π q).
    const double t = 1 / std::tan(3.14159265358979323846 * q);
    return p < 0.5 ? -t : t;
  }
  // The Cornish-Fisher expansion of t around the normal quantile z in powers
  // of 1/df (Abramowitz & Stegun 26.7.5). From df = 1e5 on its omitted terms
  // are far below double precision, and it is more accurate there than
  // inverting the CDF (whose continued fraction then needs thousands of
  // terms); below, it is the start of the bracketed Newton iteration.
  const double z = -normal_quantile(q);
  const double z2 = z * z;
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  const double expansion = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  const double t = df >= 1e5 ? expansion : solve_upper_tail(q, df, expansion);
  return p < 0.5 ? -t : t;
}

std::optional<Interval> t_interval(double m, double sd, std::size_t n, double level) {
  if (n < 2 || !(level > 0 && level < 1)) return std::nullopt;
  const double half =
      student_t_quantile((1 + level) / 2, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
  if (sd == 0) return Interval{m, m};
  return Interval{m - half, m + half};
}

std::optional<Interval> bootstrap_interval(std::span<const double> x, std::size_t resamples, BootstrapKey key,
                                           double level) {
  if (x.empty() || resamples == 0 || !(level > 0 && level < 1)) return std::nullopt;
  GEOSIM_ASSERT(x.size() <= std::size_t{1} << 32, "bootstrap draw counters are 32-bit");
  const std::size_t n = x.size();
  const auto n_double = static_cast<double>(n);
  std::vector<double> means(resamples);
  for (std::size_t b = 0; b < resamples; ++b) {
    // random::draw(seed, b, 0, 0, kBootstrap, i), with the part that does
    // not depend on i computed once per resample.
    const std::uint64_t prefix = random::mix(random::mix(random::mix(random::mix(key.seed) ^ b) ^ 0) ^ 0);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t bits = random::mix(prefix ^ ((std::uint64_t{random::kBootstrap} << 32) | i));
      const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
      const auto index = std::min(n - 1, static_cast<std::size_t>(u * n_double));
      sum += x[index];
    }
    means[b] = sum / n_double;
  }
  std::sort(means.begin(), means.end());
  // R's type 7 quantile: linear interpolation at position (B - 1)·q.
  const auto quantile = [&](double prob) {
    const double h = static_cast<double>(resamples - 1) * prob;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= resamples) return means[resamples - 1];
    return means[lo] + (h - static_cast<double>(lo)) * (means[lo + 1] - means[lo]);
  };
  return Interval{quantile((1 - level) / 2), quantile((1 + level) / 2)};
}

double share_better(std::span<const double> policy, std::span<const double> baseline, Better better) {
  GEOSIM_ASSERT(policy.size() == baseline.size(), "paired samples have the same length");
  if (policy.empty()) return kNaN;
  double score = 0;
  for (std::size_t r = 0; r < policy.size(); ++r) {
    const double d = better == Better::kHigher ? policy[r] - baseline[r] : baseline[r] - policy[r];
    if (policy[r] == baseline[r])
      score += 0.5;
    else if (d > 0)
      score += 1;
  }
  return score / static_cast<double>(policy.size());
}

PairedSummary compare_paired(std::span<const double> policy, std::span<const double> baseline, Better better,
                             std::size_t resamples, BootstrapKey key, double level) {
  GEOSIM_ASSERT(policy.size() == baseline.size(), "paired samples have the same length");
  PairedSummary s;
  s.n = policy.size();
  std::vector<double> d(s.n);
  for (std::size_t r = 0; r < s.n; ++r) d[r] = policy[r] - baseline[r];
  s.mean_policy = mean(policy);
  s.mean_baseline = mean(baseline);
  s.sd_policy = sample_sd(policy);
  s.sd_baseline = sample_sd(baseline);
  s.diff = mean(d);
  s.sd_diff = sample_sd(d);
  s.t = t_interval(s.diff, s.sd_diff, s.n, level);
  if (resamples > 0) s.bootstrap = bootstrap_interval(d, resamples, key, level);
  if (s.sd_diff > 0 && std::isfinite(s.sd_diff)) s.d_z = s.diff / s.sd_diff;
  const double pooled = std::sqrt((s.sd_policy * s.sd_policy + s.sd_baseline * s.sd_baseline) / 2);
  if (pooled > 0 && std::isfinite(pooled)) s.d_pooled = s.diff / pooled;
  s.share_better = share_better(policy, baseline, better);
  return s;
}

}  // namespace geosim::stats
