#include "rng.h"

#include <vector>

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

void random_permutation(const CounterRng& rng, std::size_t n, std::int32_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int32_t>(i);
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng.below(n - i, i));
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
