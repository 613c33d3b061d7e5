// Counter-based random numbers (Philox4x32-10 from Random123): every draw is a pure function
// of (seed, stream, id, step, draw), so results do not depend on which thread (or, later,
// which process) makes it.
#pragma once

// philox.h must precede MicroURNG.hpp: it defines the macros MicroURNG relies on.
#include <Random123/philox.h>
// (keep this order)
#include <Random123/MicroURNG.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace migsim {

/// Draw 0 of one stream and step for a run of consecutive ids: `v[k][lane]` is word k of the
/// draws of id `first + lane`, the same values as CounterRng::bits gives one id at a time.
struct DrawBlock {
  static constexpr std::size_t kLanes = 64;
  alignas(64) std::uint32_t v[4][kLanes];
};

/// How CounterRng::fill computes a block: every path gives the same bits.
enum class SimdPath { Best, Scalar, Avx2, Avx512 };

/// Independent families of draws. Each stream has its own Philox key, so counters of
/// different streams never collide.
enum class Stream : std::uint32_t { AgentStep = 1, AgentInit = 2, Entrants = 3, Priority = 4 };

class CounterRng {
 public:
  using Philox = r123::Philox4x32;

  explicit CounterRng(std::uint64_t seed) : seed_(seed) {}

  /// Key of `stream`: the seed, with the stream folded into the high word by an odd multiplier.
  Philox::key_type key(Stream stream) const {
    return {{static_cast<std::uint32_t>(seed_),
             static_cast<std::uint32_t>(seed_ >> 32) ^ (static_cast<std::uint32_t>(stream) * 0x9E3779B9u)}};
  }

  /// Four independent 32-bit draws for (stream, id, step, draw). Always inlined: the agent loop
  /// needs the CPU to overlap one agent's Philox rounds with another's rules.
  [[gnu::always_inline]] Philox::ctr_type bits(Stream stream, std::uint64_t id, std::uint32_t step,
                                               std::uint32_t draw = 0) const {
    Philox::ctr_type counter{{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32), step, draw}};
    return Philox()(counter, key(stream));
  }

  /// Fills `block` with bits(stream, first + lane, step) for every lane, with AVX-512 or AVX2
  /// where the CPU has them (16 or 8 counters per instruction); the bits are the same on every
  /// path. A path the CPU lacks falls back to the scalar one.
  void fill(Stream stream, std::uint64_t first, std::uint32_t step, DrawBlock& block,
            SimdPath path = SimdPath::Best) const;
  /// Whether this CPU can run `path`.
  static bool supported(SimdPath path);

  /// Four independent uniforms in [0, 1).
  std::array<double, 4> uniforms(Stream stream, std::uint64_t id, std::uint32_t step, std::uint32_t draw = 0) const {
    auto b = bits(stream, id, step, draw);
    return {b.v[0] * 0x1.0p-32, b.v[1] * 0x1.0p-32, b.v[2] * 0x1.0p-32, b.v[3] * 0x1.0p-32};
  }

  /// A standard uniform random bit generator for (stream, id, step), for Boost.Random
  /// distributions that need an unknown number of draws.
  r123::MicroURNG<Philox> engine(Stream stream, std::uint64_t id, std::uint32_t step) const {
    return r123::MicroURNG<Philox>({{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32), step, 0}},
                                   key(stream));
  }

 private:
  std::uint64_t seed_;
};

}  // namespace migsim
