// stats.hpp: summaries, the Student t quantile, paired comparisons, the
// percentile bootstrap and share_better, against hand-computed values and
// published tables.
#include "geosim/stats.hpp"

#include <cmath>
#include <vector>

#include "geosim/random.hpp"
#include "test_support.hpp"

using geosim::test::close_to;
namespace stats = geosim::stats;

namespace {
using Sample = std::vector<double>;
geosim::test::CloseTo close_rel(double expected, double rel) { return geosim::test::CloseTo(expected, rel, 0); }
}  // namespace

TEST_CASE("stats: mean and sample sd of small samples", "[stats]") {
  // 2 4 4 4 5 5 7 9: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sd = sqrt(32/7).
  const Sample a = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(stats::mean(a) == 5.0);
  CHECK_THAT(stats::sample_sd(a), close_to(std::sqrt(32.0 / 7.0)));
  // 1 2 3 4: mean 2.5; deviations² 2.25+0.25+0.25+2.25 = 5; sd = sqrt(5/3).
  const Sample b = {1, 2, 3, 4};
  CHECK(stats::mean(b) == 2.5);
  CHECK_THAT(stats::sample_sd(b), close_to(std::sqrt(5.0 / 3.0)));
  SECTION("equal values give exactly their value and sd 0") {
    for (double v : {0.1, 1.0 / 3.0, 1e300, -7.25e-12}) {
      const Sample same(7, v);
      CHECK(stats::mean(same) == v);
      CHECK(stats::sample_sd(same) == 0.0);
    }
  }
  SECTION("too small samples") {
    CHECK(std::isnan(stats::mean(Sample{})));
    CHECK(stats::mean(Sample{3.5}) == 3.5);
    CHECK(std::isnan(stats::sample_sd(Sample{3.5})));
  }
}

TEST_CASE("stats: regularized incomplete beta", "[stats]") {
  CHECK_THAT(stats::incomplete_beta(3.7, 3.7, 0.5), close_to(0.5));
  CHECK_THAT(stats::incomplete_beta(1, 1, 0.3), close_to(0.3));
  CHECK_THAT(stats::incomplete_beta(2.5, 1, 0.3), close_to(std::pow(0.3, 2.5)));
  CHECK_THAT(stats::incomplete_beta(1, 4, 0.3), close_to(1 - std::pow(0.7, 4)));
  // Reference values from mpmath.betainc (40 digits).
  CHECK_THAT(stats::incomplete_beta(2.5, 1.5, 0.3), close_rel(0.088943723170665591581, 1e-13));
  CHECK_THAT(stats::incomplete_beta(200, 0.5, 0.99), close_rel(0.045094107137079686275, 1e-12));
  CHECK(stats::incomplete_beta(2, 3, 0) == 0.0);
  CHECK(stats::incomplete_beta(2, 3, 1) == 1.0);
  CHECK(std::isnan(stats::incomplete_beta(2, 3, 1.5)));
  CHECK(std::isnan(stats::incomplete_beta(0, 3, 0.5)));
}

TEST_CASE("stats: Student t quantiles match published tables", "[stats]") {
  // Two-sided 95% critical values as printed in any t table (3 decimals).
  struct Row {
    double df, t;
  };
  for (const Row& r :
       {Row{1, 12.706}, Row{2, 4.303}, Row{3, 3.182}, Row{4, 2.776}, Row{5, 2.571}, Row{10, 2.228}, Row{20, 2.086},
        Row{29, 2.045}, Row{30, 2.042}, Row{60, 2.000}, Row{120, 1.980}, Row{1000, 1.962}}) {
    INFO("df " << r.df);
    CHECK(stats::student_t_quantile(0.975, r.df) == Approx(r.t).margin(0.0005));
  }
  // Other levels: t(0.95, 10) = 1.812, t(0.995, 10) = 3.169, t(0.9, 4) = 1.533.
  CHECK(stats::student_t_quantile(0.95, 10) == Approx(1.812).margin(0.0005));
  CHECK(stats::student_t_quantile(0.995, 10) == Approx(3.169).margin(0.0005));
  CHECK(stats::student_t_quantile(0.9, 4) == Approx(1.533).margin(0.0005));
}

TEST_CASE("stats: Student t quantiles to full precision, any df", "[stats]") {
  // Reference values: mpmath (40 digits), solving I_{df/(df+t²)}(df/2, 1/2)/2 = 1 - p.
  struct Row {
    double p, df, t;
  };
  for (const Row& r : {Row{0.975, 1, 12.706204736174704646}, Row{0.975, 2, 4.3026527297494638523},
                       Row{0.975, 3, 3.1824463052837095927}, Row{0.975, 5, 2.5705818356363155147},
                       Row{0.975, 10, 2.2281388519862747484}, Row{0.975, 30, 2.04227245630123831},
                       Row{0.975, 100, 1.9839715185235522866}, Row{0.975, 1000, 1.962339080826408485},
                       Row{0.975, 1e5, 1.9599877075346096386}, Row{0.975, 1e6, 1.9599663568141070353},
                       Row{0.975, 1e8, 1.9599640082627668208}, Row{0.975, 2.5, 3.5746548420036832185},
                       Row{0.975, 0.5, 164.55767348048853312}, Row{0.995, 5, 4.0321429835552280784},
                       Row{0.9, 4, 1.5332062740589439108}, Row{0.999999, 3, 103.29946778041934274}}) {
    INFO("p " << r.p << ", df " << r.df);
    CHECK_THAT(stats::student_t_quantile(r.p, r.df), close_rel(r.t, 1e-11));
    CHECK_THAT(stats::student_t_quantile(1 - r.p, r.df), close_rel(-r.t, 1e-11));
    // The CDF's continued fraction loses a few digits at very large df.
    CHECK_THAT(stats::student_t_cdf(r.t, r.df), close_rel(r.p, r.df <= 1e5 ? 1e-13 : 1e-9));
  }
  const double z975 = 1.9599639845400542355;
  CHECK_THAT(stats::student_t_quantile(0.975, INFINITY), close_rel(z975, 1e-14));
  CHECK_THAT(stats::normal_quantile(0.975), close_rel(z975, 1e-14));
  CHECK_THAT(stats::normal_quantile(0.025), close_rel(-z975, 1e-14));
  CHECK(stats::student_t_quantile(0.5, 7) == 0.0);
  CHECK(stats::student_t_cdf(0, 7) == 0.5);
  CHECK(std::isnan(stats::student_t_quantile(0.975, 0)));
  CHECK(std::isnan(stats::student_t_quantile(1.5, 3)));
  CHECK(std::isinf(stats::student_t_quantile(1, 3)));
  SECTION("the quantile inverts the CDF across p and df") {
    for (double df : {0.7, 1.0, 1.5, 3.0, 9.0, 29.0, 250.0}) {
      for (double p : {1e-9, 0.001, 0.05, 0.3, 0.6, 0.9, 0.999}) {
        INFO("p " << p << ", df " << df);
        CHECK_THAT(stats::student_t_cdf(stats::student_t_quantile(p, df), df), close_rel(p, 1e-10));
      }
    }
  }
}

TEST_CASE("stats: t interval of a mean, by hand", "[stats]") {
  // 1 2 3 4: mean 2.5, sd sqrt(5/3), n 4, t(0.975, 3) = 3.18244630528371:
  // half-width 3.18244630528371 · 1.29099444873581 / 2 = 2.05425...
  const double half = 3.1824463052837095927 * std::sqrt(5.0 / 3.0) / 2;
  const auto ci = stats::t_interval(2.5, std::sqrt(5.0 / 3.0), 4);
  REQUIRE(ci);
  CHECK_THAT(ci->low, close_rel(2.5 - half, 1e-12));
  CHECK_THAT(ci->high, close_rel(2.5 + half, 1e-12));
  CHECK(ci->low == Approx(0.4457).margin(1e-4));
  CHECK(ci->high == Approx(4.5543).margin(1e-4));
  CHECK_FALSE(stats::t_interval(2.5, 0, 1));  // no degrees of freedom
  const auto point = stats::t_interval(3, 0, 5);
  REQUIRE(point);
  CHECK(point->low == 3.0);
  CHECK(point->high == 3.0);
}

TEST_CASE("stats: paired comparison, by hand", "[stats]") {
  // d = policy - baseline = 2 3 1 2: mean 2, sd sqrt((0+1+1+0)/3) = sqrt(2/3),
  // half-width t(0.975, 3) · sqrt(2/3) / 2 = 1.29924; d_z = 2 / sqrt(2/3) = sqrt(6).
  // sd of either sample is sqrt(5/3), so d (pooled) = 2 / sqrt(5/3).
  const Sample policy = {3, 5, 4, 6};
  const Sample baseline = {1, 2, 3, 4};
  const stats::PairedSummary s = stats::compare_paired(policy, baseline, stats::Better::kHigher);
  CHECK(s.n == 4);
  CHECK(s.mean_policy == 4.5);
  CHECK(s.mean_baseline == 2.5);
  CHECK(s.diff == 2.0);
  CHECK_THAT(s.sd_diff, close_to(std::sqrt(2.0 / 3.0)));
  const double half = 3.1824463052837095927 * std::sqrt(2.0 / 3.0) / 2;
  REQUIRE(s.t);
  CHECK_THAT(s.t->low, close_rel(2 - half, 1e-12));
  CHECK_THAT(s.t->high, close_rel(2 + half, 1e-12));
  CHECK(s.t->low == Approx(0.7008).margin(1e-4));
  CHECK_FALSE(s.bootstrap);
  REQUIRE(s.d_z);
  CHECK_THAT(*s.d_z, close_to(std::sqrt(6.0)));
  REQUIRE(s.d_pooled);
  CHECK_THAT(*s.d_pooled, close_to(2 / std::sqrt(5.0 / 3.0)));
  CHECK(s.share_better == 1.0);
  // Lower is better: the same numbers, every run worse.
  CHECK(stats::compare_paired(policy, baseline, stats::Better::kLower).share_better == 0.0);

  SECTION("a constant difference: the interval collapses and d_z is undefined") {
    const Sample shifted = {1.5, 2.5, 3.5, 4.5};
    const stats::PairedSummary c = stats::compare_paired(shifted, baseline, stats::Better::kHigher, 200, {3});
    CHECK(c.diff == 0.5);
    CHECK(c.sd_diff == 0.0);
    REQUIRE(c.t);
    CHECK(c.t->low == 0.5);
    CHECK(c.t->high == 0.5);
    REQUIRE(c.bootstrap);
    CHECK(c.bootstrap->low == 0.5);
    CHECK(c.bootstrap->high == 0.5);
    CHECK_FALSE(c.d_z);
    CHECK(c.d_pooled);  // the outcome itself still varies
  }
  SECTION("identical samples: no difference, all ties") {
    const stats::PairedSummary c = stats::compare_paired(baseline, baseline, stats::Better::kHigher);
    CHECK(c.diff == 0.0);
    CHECK_FALSE(c.d_z);
    REQUIRE(c.d_pooled);
    CHECK(*c.d_pooled == 0.0);
    CHECK(c.share_better == 0.5);
  }
}

TEST_CASE("stats: share_better counts ties as one half and follows the direction", "[stats]") {
  // run:              0    1    2    3
  // policy            2    2    2    2
  // baseline          1    1    2    3
  // higher better:    1    1   1/2   0   -> 2.5/4
  // lower better:     0    0   1/2   1   -> 1.5/4
  const Sample policy = {2, 2, 2, 2};
  const Sample baseline = {1, 1, 2, 3};
  CHECK(stats::share_better(policy, baseline, stats::Better::kHigher) == 0.625);
  CHECK(stats::share_better(policy, baseline, stats::Better::kLower) == 0.375);
  CHECK(stats::share_better(baseline, baseline, stats::Better::kLower) == 0.5);
  CHECK(std::isnan(stats::share_better(Sample{}, Sample{}, stats::Better::kHigher)));
}

TEST_CASE("stats: the bootstrap is deterministic and uses stream 6", "[stats]") {
  const Sample d = {0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9, 1.8, 0.2, 0.0};
  const auto a = stats::bootstrap_interval(d, 999, {42});
  const auto b = stats::bootstrap_interval(d, 999, {42});
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->low == b->low);
  CHECK(a->high == b->high);
  const auto other = stats::bootstrap_interval(d, 999, {43});
  REQUIRE(other);
  CHECK((other->low != a->low || other->high != a->high));
  CHECK(a->low < stats::mean(d));
  CHECK(a->high > stats::mean(d));
  CHECK_FALSE(stats::bootstrap_interval(Sample{}, 10, {1}));
  CHECK_FALSE(stats::bootstrap_interval(d, 0, {1}));

  SECTION("the resamples are those of random::uniform(seed, b, 0, 0, kBootstrap, i)") {
    // With B = 2 the type 7 quantiles interpolate between the two resample
    // means: low = m_min + 0.025 (m_max - m_min), high = m_min + 0.975 (m_max - m_min).
    const std::uint64_t seed = 42;
    double m[2];
    for (std::uint64_t r = 0; r < 2; ++r) {
      double sum = 0;
      for (std::uint32_t i = 0; i < d.size(); ++i) {
        const double u = geosim::random::uniform(seed, r, 0, 0, geosim::random::kBootstrap, i);
        sum += d[static_cast<std::size_t>(u * static_cast<double>(d.size()))];
      }
      m[r] = sum / static_cast<double>(d.size());
    }
    const double lo = std::min(m[0], m[1]);
    const double hi = std::max(m[0], m[1]);
    const auto two = stats::bootstrap_interval(d, 2, {seed});
    REQUIRE(two);
    CHECK_THAT(two->low, close_to(lo + 0.025 * (hi - lo)));
    CHECK_THAT(two->high, close_to(lo + 0.975 * (hi - lo)));
  }
}

TEST_CASE("stats: t and bootstrap intervals cover the true mean about 95% of the time", "[stats]") {
  // 200 samples of 30 normal values with mean 1 and sd 2, drawn from the
  // counter-based generator (seed 11, run = sample): each interval should
  // hold 1 in about 95% of the samples (the percentile bootstrap a little
  // less at n = 30). Binomial sd of the share: sqrt(.95 · .05 / 200) = 0.015.
  constexpr int kSamples = 200;
  constexpr std::uint32_t kN = 30;
  int t_hits = 0;
  int boot_hits = 0;
  double width_ratio = 0;
  for (int s = 0; s < kSamples; ++s) {
    Sample x(kN);
    for (std::uint32_t i = 0; i < kN; ++i) {
      x[i] = 1 + 2 * geosim::random::normal(11, static_cast<std::uint64_t>(s), 0, 0, 1, i);
    }
    const auto t = stats::t_interval(stats::mean(x), stats::sample_sd(x), kN);
    const auto boot = stats::bootstrap_interval(x, 500, {static_cast<std::uint64_t>(s)});
    REQUIRE(t);
    REQUIRE(boot);
    t_hits += t->contains(1.0) ? 1 : 0;
    boot_hits += boot->contains(1.0) ? 1 : 0;
    width_ratio += (boot->high - boot->low) / (t->high - t->low);
  }
  const double t_cover = t_hits / double(kSamples);
  const double boot_cover = boot_hits / double(kSamples);
  INFO("t coverage " << t_cover << ", bootstrap coverage " << boot_cover);
  CHECK(t_cover >= 0.90);
  CHECK(t_cover <= 0.99);
  CHECK(boot_cover >= 0.88);
  CHECK(boot_cover <= 0.99);
  // For normal data the two intervals have about the same width (the
  // percentile interval is a little narrower: it uses z, not t, and the
  // plug-in sd).
  CHECK(width_ratio / kSamples == Approx(0.95).margin(0.06));
}
