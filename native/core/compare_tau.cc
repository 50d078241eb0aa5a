#include "compare_tau.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "compare.h"

namespace seedscope {
namespace tau_detail {

namespace {

constexpr std::size_t kRun = 16;  // insertion-sorted runs before merging

template <typename T>
std::uint64_t insertion_sort_count(T* s, std::size_t n) {
  std::uint64_t inv = 0;
  for (std::size_t i = 1; i < n; ++i) {
    T v = s[i];
    std::size_t j = i;
    while (j > 0 && s[j - 1] > v) {
      s[j] = s[j - 1];
      --j;
    }
    inv += i - j;
    s[j] = v;
  }
  return inv;
}

// Bottom-up merge sort, ping-ponging between seq and tmp. Taking from the left
// run on equality keeps ties out of the count.
template <typename T>
std::uint64_t merge_sort_count(T* seq, T* tmp, std::size_t n) {
  std::uint64_t inv = 0;
  for (std::size_t s = 0; s < n; s += kRun) inv += insertion_sort_count(seq + s, std::min(kRun, n - s));
  T* src = seq;
  T* dst = tmp;
  for (std::size_t width = kRun; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      std::size_t i = lo, j = mid, k = lo;
      // Branch-free: on random data the comparison is a coin flip, and a
      // mispredicted branch per element would cost more than the merge.
      while (i < mid && j < hi) {
        const T x = src[i], y = src[j];
        const bool right = y < x;
        dst[k++] = right ? y : x;
        inv += right ? mid - i : 0;
        i += !right;
        j += right;
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    std::swap(src, dst);
  }
  if (src != seq) std::copy(src, src + n, seq);
  return inv;
}

// Inversions of 32-bit values by most-significant-digit radix partitioning,
// 4 bits per level: inside a segment whose values share the higher digits, a
// pair is inverted at this level iff the earlier value has the larger digit,
// so each element adds the count of earlier elements with a larger digit
// (kept for all 16 digits at once, a short vector add). The stable scatter
// hands each digit's bucket to the next level, whose digit histogram was
// counted on the way. About five streaming passes instead of a merge sort's
// twenty: the pairs of the K × K tau-a matrix spend most of their time here.
std::uint64_t radix_count(const std::uint32_t* src, std::uint32_t* dst, std::size_t n, int shift,
                          const std::uint32_t* hist) {
  std::uint32_t start[17];
  std::uint32_t pos[16];
  start[0] = 0;
  for (int d = 0; d < 16; ++d) {
    start[d + 1] = start[d] + hist[d];
    pos[d] = start[d];
  }
  std::uint32_t greater[16] = {0};
  std::uint32_t child[16][16] = {{0}};
  std::uint64_t inv = 0;
  const int child_shift = shift > 0 ? shift - 4 : 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t v = src[i];
    const std::uint32_t d = (v >> shift) & 15;
    inv += greater[d];
    for (std::uint32_t t = 0; t < 16; ++t) greater[t] += t < d;
    ++child[d][(v >> child_shift) & 15];
    dst[pos[d]++] = v;
  }
  if (shift == 0) return inv;
  for (int d = 0; d < 16; ++d) {
    const std::size_t len = start[d + 1] - start[d];
    if (len <= 1) continue;
    if (len <= kRun) inv += insertion_sort_count(dst + start[d], len);
    // src is free now: it becomes the next level's output
    else inv += radix_count(dst + start[d], const_cast<std::uint32_t*>(src) + start[d], len, shift - 4, child[d]);
  }
  return inv;
}

}  // namespace

std::uint64_t count_inversions(std::uint32_t* seq, std::uint32_t* tmp, std::size_t n) {
  if (n <= kRun) return insertion_sort_count(seq, n);
  std::uint32_t top = 0;
  for (std::size_t i = 0; i < n; ++i) top = std::max(top, seq[i]);
  const int bits = 32 - __builtin_clz(top | 1);
  const int shift = (bits + 3) / 4 * 4 - 4;
  std::uint32_t hist[16] = {0};
  for (std::size_t i = 0; i < n; ++i) ++hist[(seq[i] >> shift) & 15];
  return radix_count(seq, tmp, n, shift, hist);
}
std::uint64_t sort_count_inversions(double* seq, double* tmp, std::size_t n) {
  return merge_sort_count(seq, tmp, n);
}

double tau_a_from_counts(std::uint64_t m, std::uint64_t ties_a, std::uint64_t ties_b,
                         std::uint64_t ties_ab, std::uint64_t inversions) {
  if (m < 2) return std::numeric_limits<double>::quiet_NaN();
  const std::uint64_t n0 = m * (m - 1) / 2;
  if (ties_a == n0 || ties_b == n0) return std::numeric_limits<double>::quiet_NaN();
  // Exact in integers: |con − dis| ≤ n0 < 2^63 for any m that fits in memory.
  const std::int64_t diff = static_cast<std::int64_t>(n0 + ties_ab) -
                            static_cast<std::int64_t>(ties_a + ties_b + 2 * inversions);
  return static_cast<double>(diff) / static_cast<double>(n0);
}

}  // namespace tau_detail

double kendall_tau_a(const double* a, const double* b, std::size_t n) {
  using namespace tau_detail;
  std::vector<std::pair<double, double>> kept;
  kept.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) kept.emplace_back(a[i], b[i]);
  const std::size_t m = kept.size();
  if (m < 2) return std::numeric_limits<double>::quiet_NaN();
  std::sort(kept.begin(), kept.end());
  std::uint64_t ties_a = 0, ties_ab = 0;
  for (std::size_t s = 0; s < m;) {
    std::size_t e = s + 1;
    while (e < m && kept[e].first == kept[s].first) ++e;
    const std::uint64_t t = e - s;
    ties_a += t * (t - 1) / 2;
    for (std::size_t u = s; u < e;) {  // runs of equal b inside a tie of a
      std::size_t v = u + 1;
      while (v < e && kept[v].second == kept[u].second) ++v;
      const std::uint64_t w = v - u;
      ties_ab += w * (w - 1) / 2;
      u = v;
    }
    s = e;
  }
  std::vector<double> seq(m), tmp(m);
  for (std::size_t i = 0; i < m; ++i) seq[i] = kept[i].second;
  const std::uint64_t inv = sort_count_inversions(seq.data(), tmp.data(), m);
  const std::uint64_t ties_b = tied_pairs_sorted(seq.data(), m);
  return tau_a_from_counts(m, ties_a, ties_b, ties_ab, inv);
}

}  // namespace seedscope
