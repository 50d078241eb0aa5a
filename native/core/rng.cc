#include "rng.h"

#include <vector>

#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "cpu_features.h"

namespace seedscope {

namespace {
constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}
}  // namespace

std::uint64_t CounterRng::bits(std::uint64_t index) const {
  std::uint32_t c0 = static_cast<std::uint32_t>(index), c1 = static_cast<std::uint32_t>(index >> 32);
  std::uint32_t c2 = static_cast<std::uint32_t>(stream_), c3 = static_cast<std::uint32_t>(stream_ >> 32) ^ (domain_ << 24);
  std::uint32_t k0 = static_cast<std::uint32_t>(seed_), k1 = static_cast<std::uint32_t>(seed_ >> 32);
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    std::uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return (static_cast<std::uint64_t>(c1) << 32) | c0;
}

namespace {
// 8·V draws at once (one per 64-bit lane, the 32-bit words in the low
// halves): the same rounds as CounterRng::bits, so the same numbers. V
// independent vectors keep the multiplier busy through each round's latency.
template <int V>
__attribute__((target("avx512f"))) void bits_avx512(std::uint64_t seed, std::uint32_t domain, std::uint64_t stream,
                                                  std::uint64_t first, std::uint64_t* out) {
  const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
  __m512i c0[V], c1[V], c2[V], c3[V];
  for (int v = 0; v < V; ++v) {
    const long long first_v = static_cast<long long>(first + 8 * static_cast<unsigned>(v));
    const __m512i index = _mm512_add_epi64(_mm512_set1_epi64(first_v), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
    c0[v] = _mm512_and_si512(index, lo32);
    c1[v] = _mm512_srli_epi64(index, 32);
    c2[v] = _mm512_set1_epi64(static_cast<std::uint32_t>(stream));
    c3[v] = _mm512_set1_epi64(static_cast<std::uint32_t>(stream >> 32) ^ (domain << 24));
  }
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const __m512i m0 = _mm512_set1_epi64(kMul0), m1 = _mm512_set1_epi64(kMul1);
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi64(k0), key1 = _mm512_set1_epi64(k1);
    for (int v = 0; v < V; ++v) {
      __m512i p0 = _mm512_mul_epu32(c0[v], m0), p1 = _mm512_mul_epu32(c2[v], m1);
      __m512i hi0 = _mm512_srli_epi64(p0, 32), lo0 = _mm512_and_si512(p0, lo32);
      __m512i hi1 = _mm512_srli_epi64(p1, 32), lo1 = _mm512_and_si512(p1, lo32);
      c0[v] = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[v]), key0);
      c1[v] = lo1;
      c2[v] = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[v]), key1);
      c3[v] = lo0;
    }
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  for (int v = 0; v < V; ++v) _mm512_storeu_si512(out + 8 * v, _mm512_or_si512(_mm512_slli_epi64(c1[v], 32), c0[v]));
}
}  // namespace

void CounterRng::fill_bits(std::uint64_t first, std::size_t count, std::uint64_t* out) const {
  static const bool wide = active_isa() == Isa::Avx512;
  std::size_t t = 0;
  if (wide) {
    for (; t + 32 <= count; t += 32) bits_avx512<4>(seed_, domain_, stream_, first + t, out + t);
    for (; t + 8 <= count; t += 8) bits_avx512<1>(seed_, domain_, stream_, first + t, out + t);
  }
  for (; t < count; ++t) out[t] = bits(first + t);
}

void random_permutation(const CounterRng& rng, std::size_t n, std::int32_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int32_t>(i);
  if (n < 2) return;
  // draw t picks the partner of position n−1−t; all draws first (vectorised), then the swaps
  std::vector<std::uint64_t> draws(n - 1);
  rng.fill_bits(0, n - 1, draws.data());
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(CounterRng::scale(draws[n - i], i));
    std::int32_t t = out[i - 1];
    out[i - 1] = out[j];
    out[j] = t;
  }
}

void nth_permutation(std::uint64_t index, std::size_t n, std::int32_t* out) {
  std::vector<std::int32_t> pool(n);
  for (std::size_t i = 0; i < n; ++i) pool[i] = static_cast<std::int32_t>(i);
  std::vector<std::uint64_t> fact(n + 1, 1);
  for (std::size_t i = 1; i <= n; ++i) fact[i] = fact[i - 1] * i;
  for (std::size_t pos = 0; pos < n; ++pos) {
    std::uint64_t f = fact[n - 1 - pos];
    std::size_t k = static_cast<std::size_t>(index / f);
    index %= f;
    out[pos] = pool[k];
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(k));
  }
}

std::uint64_t factorial_up_to(std::size_t n, std::uint64_t limit) {
  std::uint64_t f = 1;
  for (std::size_t i = 2; i <= n; ++i) {
    if (f > limit / i) return 0;
    f *= i;
  }
  return f <= limit ? f : 0;
}

}  // namespace seedscope
