#include "radix_sort.h"

#include <cmath>
#include <cstring>

namespace seedscope {

namespace {

constexpr int kBits = 11;
constexpr int kPasses = 6;  // 6 × 11 ≥ 64
constexpr std::size_t kBuckets = std::size_t{1} << kBits;

// IEEE-754 order as unsigned order: flip every bit of negatives, the sign bit of positives.
std::uint64_t order_key(double v) {
  if (v == 0.0) v = 0.0;  // -0.0 → +0.0
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

}  // namespace

std::vector<KeyIndex> sort_with_index(const double* x, std::size_t n) {
  std::vector<KeyIndex> a;
  a.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) a.push_back({order_key(x[i]), i});
  const std::size_t m = a.size();
  std::vector<std::size_t> hist(kPasses * kBuckets, 0);
  for (const KeyIndex& e : a)
    for (int p = 0; p < kPasses; ++p) ++hist[p * kBuckets + ((e.key >> (p * kBits)) & (kBuckets - 1))];
  std::vector<KeyIndex> b(m);
  KeyIndex* src = a.data();
  KeyIndex* dst = b.data();
  for (int p = 0; p < kPasses; ++p) {
    std::size_t* h = hist.data() + p * kBuckets;
    // A digit that every key shares (high exponent bits of similar values)
    // would only copy: skip the pass.
    bool trivial = false;
    for (std::size_t d = 0; d < kBuckets && !trivial; ++d) trivial = h[d] == m;
    if (trivial || m < 2) continue;
    std::size_t offset = 0;
    for (std::size_t d = 0; d < kBuckets; ++d) {
      const std::size_t c = h[d];
      h[d] = offset;
      offset += c;
    }
    const int shift = p * kBits;
    for (std::size_t i = 0; i < m; ++i) {
      const KeyIndex e = src[i];
      dst[h[(e.key >> shift) & (kBuckets - 1)]++] = e;
    }
    std::swap(src, dst);
  }
  if (src != a.data()) a.swap(b);
  return a;
}

}  // namespace seedscope
