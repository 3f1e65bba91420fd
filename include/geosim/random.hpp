// The counter-based random numbers of MODEL.md §3.7.
//
// Every random number geosim uses is a pure function of
// (seed, run, step, agent, stream, k): no generator object carries state, so
// results do not depend on threads, processes or evaluation order.
#pragma once

#include <cmath>
#include <cstdint>

namespace geosim::random {

/// Stream numbers of MODEL.md §3.7.
enum Stream : std::uint64_t {
  kAlignmentNoise = 1,  ///< k = partner agent index
  kGrowthNoise = 2,     ///< k = 0
  kStrategyChoice = 3,  ///< k = 0
  kEvents = 4,          ///< agent slot = event index, k = 0
  kDesign = 5,          ///< sweep designs (design.cpp): step = role, agent slot = dimension, k = point or swap
  kBootstrap = 6,       ///< `geosim compare --bootstrap`: run slot = resample, k = draw (stats.hpp)
};

/// SplitMix64's finaliser (64-bit unsigned, wrapping).
constexpr std::uint64_t mix(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// draw(seed, run, step, agent, stream, k) =
///   mix(mix(mix(mix(mix(seed) ^ run) ^ step) ^ agent) ^ ((stream << 32) | k))
///
/// `k` is a 32-bit counter: it fills the low half of the last word and never
/// spills into the stream bits (the published vectors pin this down; see
/// docs/model.md, "Readings of MODEL.md").
constexpr std::uint64_t draw(std::uint64_t seed, std::uint64_t run, std::uint64_t step,
                             std::uint64_t agent, std::uint64_t stream, std::uint32_t k) noexcept {
  return mix(mix(mix(mix(mix(seed) ^ run) ^ step) ^ agent) ^ ((stream << 32) | k));
}

/// The part of draw() fixed by (seed, run, step, agent):
/// mix(mix(mix(mix(seed) ^ run) ^ step) ^ agent). Code that draws many
/// numbers for one agent in one step computes it once and finishes each draw
/// with draw_from(), which gives exactly draw()'s value with one mix instead
/// of five.
constexpr std::uint64_t prefix(std::uint64_t seed, std::uint64_t run, std::uint64_t step,
                               std::uint64_t agent) noexcept {
  return mix(mix(mix(mix(seed) ^ run) ^ step) ^ agent);
}

/// draw(seed, run, step, agent, stream, k) from prefix(seed, run, step, agent).
constexpr std::uint64_t draw_from(std::uint64_t prefix, std::uint64_t stream, std::uint32_t k) noexcept {
  return mix(prefix ^ ((stream << 32) | k));
}

/// uniform() from prefix(seed, run, step, agent).
constexpr double uniform_from(std::uint64_t prefix, std::uint64_t stream, std::uint32_t k) noexcept {
  return static_cast<double>(draw_from(prefix, stream, k) >> 11) * 0x1.0p-53;
}

/// normal() from prefix(seed, run, step, agent).
inline double normal_from(std::uint64_t prefix, std::uint64_t stream, std::uint32_t k) noexcept {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const double u1 = uniform_from(prefix, stream, static_cast<std::uint32_t>(2 * k));
  const double u2 = uniform_from(prefix, stream, static_cast<std::uint32_t>(2 * k + 1));
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

/// A double in [0, 1) from the top 53 bits of draw().
constexpr double uniform(std::uint64_t seed, std::uint64_t run, std::uint64_t step,
                         std::uint64_t agent, std::uint64_t stream, std::uint32_t k) noexcept {
  return static_cast<double>(draw(seed, run, step, agent, stream, k) >> 11) * 0x1.0p-53;
}

/// A standard normal by Box-Muller from the uniforms at 2k and 2k + 1:
/// sqrt(-2 ln(1 - u1)) cos(2π u2). Like k, 2k and 2k + 1 are 32-bit counters
/// (they wrap modulo 2^32).
inline double normal(std::uint64_t seed, std::uint64_t run, std::uint64_t step, std::uint64_t agent,
                     std::uint64_t stream, std::uint32_t k) noexcept {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const auto k1 = static_cast<std::uint32_t>(2 * k);
  const auto k2 = static_cast<std::uint32_t>(2 * k + 1);
  const double u1 = uniform(seed, run, step, agent, stream, k1);
  const double u2 = uniform(seed, run, step, agent, stream, k2);
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

}  // namespace geosim::random
