// Philox4x32-10 for a block of consecutive counters. The engine spends half its time in Philox;
// eight counters per AVX2 instruction, interleaved so the multiplier latency is hidden, make a
// block several times cheaper than one call per agent. The scalar path is Random123's own, and a
// test checks that both give the same bits.
#include "migsim/random.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MIGSIM_HAVE_AVX2_PATH 1
#endif

namespace migsim {
namespace {

// Random123's Philox4x32 constants (multipliers and Weyl key increments).
constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
constexpr int kRounds = 10;

void fill_scalar(const CounterRng& rng, Stream stream, std::uint64_t first, std::uint32_t step, DrawBlock& block) {
  for (std::size_t lane = 0; lane < DrawBlock::kLanes; ++lane) {
    const auto bits = rng.bits(stream, first + lane, step);
    for (std::size_t k = 0; k < 4; ++k) block.v[k][lane] = bits.v[k];
  }
}

#ifdef MIGSIM_HAVE_AVX2_PATH
// High and low 32 bits of a * m in each of eight lanes (vpmuludq works on the even lanes).
[[gnu::target("avx2"), gnu::always_inline]] inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

[[gnu::target("avx2")]] void fill_avx2(std::uint32_t key0, std::uint32_t key1, std::uint64_t first, std::uint32_t step,
                                       DrawBlock& block) {
  constexpr std::size_t kGroups = DrawBlock::kLanes / 8;
  const __m256i mul0 = _mm256_set1_epi32(static_cast<int>(kMul0)), mul1 = _mm256_set1_epi32(static_cast<int>(kMul1));
  const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  __m256i c0[kGroups], c1[kGroups], c2[kGroups], c3[kGroups];
  for (std::size_t g = 0; g < kGroups; ++g) {
    const std::uint64_t id = first + g * 8;
    const __m256i low = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(id)));
    c0[g] = _mm256_add_epi32(low, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    // Lanes whose low word wrapped past 2^32 carry one into the high word (compare unsigned).
    const __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(low, sign), _mm256_xor_si256(c0[g], sign));
    c1[g] = _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(id >> 32))), wrapped);
    c2[g] = _mm256_set1_epi32(static_cast<int>(step));
    c3[g] = _mm256_setzero_si256();  // draw 0
  }
  for (int round = 0; round < kRounds; ++round) {
    const __m256i k0 = _mm256_set1_epi32(static_cast<int>(key0)), k1 = _mm256_set1_epi32(static_cast<int>(key1));
    for (std::size_t g = 0; g < kGroups; ++g) {  // independent groups: their multiplies overlap
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(c0[g], mul0, hi0, lo0);
      mulhilo8(c2[g], mul1, hi1, lo1);
      c0[g] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[g]), k0);
      c1[g] = lo1;
      c2[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[g]), k1);
      c3[g] = lo0;
    }
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  for (std::size_t g = 0; g < kGroups; ++g) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(&block.v[0][g * 8]), c0[g]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&block.v[1][g * 8]), c1[g]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&block.v[2][g * 8]), c2[g]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(&block.v[3][g * 8]), c3[g]);
  }
}

// The same rounds on sixteen lanes.
[[gnu::target("avx512f"), gnu::always_inline]] inline void mulhilo16(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

[[gnu::target("avx512f")]] void fill_avx512(std::uint32_t key0, std::uint32_t key1, std::uint64_t first,
                                            std::uint32_t step, DrawBlock& block) {
  constexpr std::size_t kGroups = DrawBlock::kLanes / 16;
  const __m512i mul0 = _mm512_set1_epi32(static_cast<int>(kMul0)), mul1 = _mm512_set1_epi32(static_cast<int>(kMul1));
  __m512i c0[kGroups], c1[kGroups], c2[kGroups], c3[kGroups];
  for (std::size_t g = 0; g < kGroups; ++g) {
    const std::uint64_t id = first + g * 16;
    const __m512i low = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(id)));
    c0[g] = _mm512_add_epi32(low, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    const __mmask16 wrapped = _mm512_cmplt_epu32_mask(c0[g], low);
    const __m512i high = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(id >> 32)));
    c1[g] = _mm512_mask_add_epi32(high, wrapped, high, _mm512_set1_epi32(1));
    c2[g] = _mm512_set1_epi32(static_cast<int>(step));
    c3[g] = _mm512_setzero_si512();
  }
  for (int round = 0; round < kRounds; ++round) {
    const __m512i k0 = _mm512_set1_epi32(static_cast<int>(key0)), k1 = _mm512_set1_epi32(static_cast<int>(key1));
    for (std::size_t g = 0; g < kGroups; ++g) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(c0[g], mul0, hi0, lo0);
      mulhilo16(c2[g], mul1, hi1, lo1);
      c0[g] = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[g]), k0);
      c1[g] = lo1;
      c2[g] = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[g]), k1);
      c3[g] = lo0;
    }
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  for (std::size_t g = 0; g < kGroups; ++g) {
    _mm512_store_si512(&block.v[0][g * 16], c0[g]);
    _mm512_store_si512(&block.v[1][g * 16], c1[g]);
    _mm512_store_si512(&block.v[2][g * 16], c2[g]);
    _mm512_store_si512(&block.v[3][g * 16], c3[g]);
  }
}
#endif

SimdPath best_path() {
#ifdef MIGSIM_HAVE_AVX2_PATH
  if (__builtin_cpu_supports("avx512f")) return SimdPath::Avx512;
  if (__builtin_cpu_supports("avx2")) return SimdPath::Avx2;
#endif
  return SimdPath::Scalar;
}

const SimdPath kBestPath = best_path();

static_assert(CounterRng::Philox::rounds == kRounds, "the block path assumes Philox4x32-10");

}  // namespace

bool CounterRng::supported(SimdPath path) {
  switch (path) {
    case SimdPath::Best:
    case SimdPath::Scalar:
      return true;
    case SimdPath::Avx2:
      return kBestPath == SimdPath::Avx2 || kBestPath == SimdPath::Avx512;
    case SimdPath::Avx512:
      return kBestPath == SimdPath::Avx512;
  }
  return false;
}

void CounterRng::fill(Stream stream, std::uint64_t first, std::uint32_t step, DrawBlock& block, SimdPath path) const {
  if (path == SimdPath::Best) path = kBestPath;
#ifdef MIGSIM_HAVE_AVX2_PATH
  const auto k = key(stream);
  if (path == SimdPath::Avx512 && supported(path)) return fill_avx512(k.v[0], k.v[1], first, step, block);
  if (path == SimdPath::Avx2 && supported(path)) return fill_avx2(k.v[0], k.v[1], first, step, block);
#endif
  fill_scalar(*this, stream, first, step, block);
}

}  // namespace migsim
