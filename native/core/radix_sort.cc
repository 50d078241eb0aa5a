// Most-significant-digit radix sort on the bits in which the keys differ:
// one pass spreads the entries over up to 2048 buckets by the top digit of
// (key − min), and each bucket, now small and cache-resident, is finished
// recursively (a comparison sort below 64 entries). Since each level removes
// at least 11 bits of range, the depth stays below 7 whatever the
// distribution; ties end in equal-key buckets that keep index order because
// every pass is stable.
#include "radix_sort.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

namespace seedscope {

namespace {

constexpr int kMaxDigitBits = 11;
constexpr std::size_t kSmall = 64;

// IEEE-754 order as unsigned order: flip every bit of negatives, the sign bit of positives.
std::uint64_t order_key(double v) {
  if (v == 0.0) v = 0.0;  // -0.0 → +0.0
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

bool key_index_less(const KeyIndex& x, const KeyIndex& y) {
  return x.key < y.key || (x.key == y.key && x.index < y.index);
}

void msd_sort(KeyIndex* a, KeyIndex* buf, std::size_t m) {
  if (m <= kSmall) {
    std::sort(a, a + m, key_index_less);
    return;
  }
  std::uint64_t lo = a[0].key, hi = a[0].key;
  for (std::size_t i = 1; i < m; ++i) {
    lo = std::min(lo, a[i].key);
    hi = std::max(hi, a[i].key);
  }
  if (lo == hi) return;  // all tied: already in index order
  const int range_bits = 64 - __builtin_clzll(hi - lo);
  // Fewer buckets for smaller inputs: at least about one entry per bucket.
  const int log2_m = 63 - __builtin_clzll(m);
  const int digit_bits = std::min(range_bits, std::max(4, std::min(kMaxDigitBits, log2_m)));
  const int shift = range_bits - digit_bits;
  const std::size_t buckets = std::size_t{1} << digit_bits;
  std::size_t start[(std::size_t{1} << kMaxDigitBits) + 1];
  std::size_t pos[std::size_t{1} << kMaxDigitBits];
  std::fill(start, start + buckets + 1, 0);
  for (std::size_t i = 0; i < m; ++i) ++start[((a[i].key - lo) >> shift) + 1];
  for (std::size_t d = 0; d < buckets; ++d) {
    start[d + 1] += start[d];
    pos[d] = start[d];
  }
  for (std::size_t i = 0; i < m; ++i) {
    const KeyIndex e = a[i];
    buf[pos[(e.key - lo) >> shift]++] = e;
  }
  std::copy(buf, buf + m, a);
  for (std::size_t d = 0; d < buckets; ++d) {
    const std::size_t len = start[d + 1] - start[d];
    if (len > 1) msd_sort(a + start[d], buf + start[d], len);
  }
}

}  // namespace

std::vector<KeyIndex> sort_with_index(const double* x, std::size_t n) {
  std::vector<KeyIndex> a(n);
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    a[m] = {order_key(x[i]), i};
    m += !std::isnan(x[i]);
  }
  a.resize(m);
  std::unique_ptr<KeyIndex[]> buf(new KeyIndex[m]);  // scratch: no need to zero it
  msd_sort(a.data(), buf.get(), m);
  return a;
}

}  // namespace seedscope
