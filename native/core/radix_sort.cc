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

constexpr std::size_t kMaxBuckets = std::size_t{1} << kMaxDigitBits;

// The top digit of (key − lo) for keys in [lo, hi], lo < hi: fewer buckets for
// fewer entries (at least about one entry per bucket), never more than the
// range needs.
struct Digit {
  Digit(std::uint64_t lo_, std::uint64_t hi, std::size_t m) : lo(lo_) {
    const int range_bits = 64 - __builtin_clzll(hi - lo);
    const int log2_m = 63 - __builtin_clzll(m);
    const int bits = std::min(range_bits, std::max(4, std::min(kMaxDigitBits, log2_m)));
    shift = range_bits - bits;
    buckets = std::size_t{1} << bits;
  }
  std::size_t operator()(std::uint64_t key) const { return (key - lo) >> shift; }
  // counts in start[1..buckets] → bucket starts in start[0..buckets], and a copy in pos
  void offsets(std::size_t* start, std::size_t* pos) const {
    start[0] = 0;
    for (std::size_t d = 0; d < buckets; ++d) {
      start[d + 1] += start[d];
      pos[d] = start[d];
    }
  }
  std::uint64_t lo;
  int shift;
  std::size_t buckets;
};

bool key_index_less(const KeyIndex& x, const KeyIndex& y) {
  return x.key < y.key || (x.key == y.key && x.index < y.index);
}

// Sorts the m entries of `data`; the result ends in `data` when in_data is
// true, else in `other`, and the remaining buffer is scratch. Buffers swap
// roles at each level, so nothing is copied back.
void msd_sort(KeyIndex* data, KeyIndex* other, std::size_t m, bool in_data) {
  KeyIndex* target = in_data ? data : other;
  if (m <= kSmall) {
    std::sort(data, data + m, key_index_less);
    if (!in_data) std::copy(data, data + m, other);
    return;
  }
  std::uint64_t lo = data[0].key, hi = data[0].key;
  for (std::size_t i = 1; i < m; ++i) {
    lo = std::min(lo, data[i].key);
    hi = std::max(hi, data[i].key);
  }
  if (lo == hi) {  // all tied: already in index order
    if (!in_data) std::copy(data, data + m, other);
    return;
  }
  const Digit digit(lo, hi, m);
  std::size_t start[kMaxBuckets + 1];
  std::size_t pos[kMaxBuckets];
  std::fill(start, start + digit.buckets + 1, 0);
  for (std::size_t i = 0; i < m; ++i) ++start[digit(data[i].key) + 1];
  digit.offsets(start, pos);
  for (std::size_t i = 0; i < m; ++i) {
    const KeyIndex e = data[i];
    other[pos[digit(e.key)]++] = e;
  }
  // The entries are in `other` now: a bucket wants its result in `data` when
  // the caller wants it in `data`, i.e. in its own "other".
  for (std::size_t d = 0; d < digit.buckets; ++d) {
    const std::size_t b = start[d], len = start[d + 1] - b;
    if (len == 1 && in_data) target[b] = other[b];
    else if (len > 1) msd_sort(other + b, data + b, len, !in_data);
  }
}

}  // namespace

SortedEntries sort_with_index(const double* x, std::size_t n) {
  SortedEntries out;
  std::uint64_t lo = ~std::uint64_t{0}, hi = 0;
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) continue;
    const std::uint64_t k = order_key(x[i]);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
    ++m;
  }
  out.size = m;
  if (m == 0) return out;
  // Uninitialised on purpose: every entry is written before it is read.
  out.entries.reset(new KeyIndex[m]);
  std::unique_ptr<KeyIndex[]> buf(new KeyIndex[m]);
  KeyIndex* a = out.entries.get();
  if (m <= kSmall || lo == hi) {
    for (std::size_t i = 0, j = 0; i < n; ++i)
      if (!std::isnan(x[i])) a[j++] = {order_key(x[i]), i};
    msd_sort(a, buf.get(), m, true);
    return out;
  }
  // The first level reads the doubles directly (keys are cheap to recompute),
  // so the whole array is written once instead of built, read and copied.
  const Digit digit(lo, hi, m);
  std::size_t start[kMaxBuckets + 1];
  std::size_t pos[kMaxBuckets];
  std::fill(start, start + digit.buckets + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) ++start[digit(order_key(x[i])) + 1];
  digit.offsets(start, pos);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) continue;
    const std::uint64_t k = order_key(x[i]);
    a[pos[digit(k)]++] = {k, i};
  }
  for (std::size_t d = 0; d < digit.buckets; ++d) {
    const std::size_t b = start[d], len = start[d + 1] - b;
    if (len > 1) msd_sort(a + b, buf.get() + b, len, true);
  }
  return out;
}

}  // namespace seedscope
