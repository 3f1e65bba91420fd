// MODEL.md §3.7: the counter-based random numbers, bit for bit.
#include <nlohmann/json.hpp>

#include "geosim/random.hpp"
#include "test_support.hpp"

using geosim::test::close_to;
namespace rnd = geosim::random;

TEST_CASE("random: mix is SplitMix64's finaliser", "[random]") {
  // mix(0): z = 0x9E3779B97F4A7C15, then the two multiply-xorshift rounds.
  STATIC_REQUIRE(rnd::mix(0) == 0xE220A8397B1DCDAFULL);
  STATIC_REQUIRE(rnd::mix(1) == 0x910A2DEC89025CC1ULL);
}

TEST_CASE("random: draw, uniform and normal match the published vectors", "[random][conformance]") {
  const auto vectors = nlohmann::json::parse(
      geosim::test::read_file(std::filesystem::path(GEOSIM_CONFORMANCE_DIR) / "random_vectors.json"));
  REQUIRE(vectors.size() >= 5);
  for (const auto& v : vectors) {
    const auto seed = v["seed"].get<std::uint64_t>();
    const auto run = v["run"].get<std::uint64_t>();
    const auto step = v["step"].get<std::uint64_t>();
    const auto agent = v["agent"].get<std::uint64_t>();
    const auto stream = v["stream"].get<std::uint64_t>();
    const auto k = v["k"].get<std::uint32_t>();
    INFO("seed " << seed << " run " << run << " step " << step << " agent " << agent << " stream " << stream
                 << " k " << k);
    CHECK(rnd::draw(seed, run, step, agent, stream, k) == v["draw"].get<std::uint64_t>());
    CHECK(rnd::uniform(seed, run, step, agent, stream, k) == std::stod(v["uniform"].get<std::string>()));
    CHECK_THAT(rnd::normal(seed, run, step, agent, stream, k), close_to(std::stod(v["normal"].get<std::string>())));
    // The hoisted form used inside the rules gives the very same bits.
    const std::uint64_t prefix = rnd::prefix(seed, run, step, agent);
    CHECK(rnd::draw_from(prefix, stream, k) == rnd::draw(seed, run, step, agent, stream, k));
    CHECK(rnd::uniform_from(prefix, stream, k) == rnd::uniform(seed, run, step, agent, stream, k));
    CHECK(rnd::normal_from(prefix, stream, k) == rnd::normal(seed, run, step, agent, stream, k));
  }
}

TEST_CASE("random: uniform lies between 0 (inclusive) and 1 (exclusive), and streams differ", "[random]") {
  double lo = 1, hi = 0, mean = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    const double u = rnd::uniform(42, 0, static_cast<std::uint64_t>(i), 3, rnd::kGrowthNoise, 0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    mean += u / kN;
  }
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  CHECK(std::abs(mean - 0.5) < 0.01);  // 5 standard errors is 0.01
  CHECK(rnd::draw(1, 2, 3, 4, rnd::kAlignmentNoise, 0) != rnd::draw(1, 2, 3, 4, rnd::kGrowthNoise, 0));
  CHECK(rnd::draw(1, 2, 3, 4, 1, 0) != rnd::draw(1, 2, 3, 5, 1, 0));
}
