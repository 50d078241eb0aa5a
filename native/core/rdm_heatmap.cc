#include "rdm_heatmap.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "ranks.h"

namespace seedscope {

namespace {

constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;  // NaN entry (doubled ranks stay below it: m < 2^31)

// float's IEEE-754 order as unsigned order (−0 → +0, so they tie as they compare equal)
std::uint32_t key32(float v) {
  if (v == 0.0f) v = 0.0f;
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Cached RDMs are float32, so their entries almost always are exact floats: then
// (key << 32 | index) sorted by two 16-bit LSD passes on the key gives the ranks,
// several times faster than the general 64-bit sort. False if an entry is not.
bool doubled_ranks_f32(const double* x, std::size_t len, std::uint32_t* out) {
  std::vector<std::uint64_t> a, b;
  a.reserve(len);
  for (std::size_t i = 0; i < len; ++i) {
    const double v = x[i];
    out[i] = kNoRank;
    if (std::isnan(v)) continue;
    const float f = static_cast<float>(v);
    if (static_cast<double>(f) != v) return false;
    a.push_back((static_cast<std::uint64_t>(key32(f)) << 32) | i);
  }
  const std::size_t m = a.size();
  b.resize(m);
  std::vector<std::size_t> count(65536);
  for (int shift = 32; shift <= 48; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const std::uint64_t e : a) ++count[(e >> shift) & 0xFFFF];
    std::size_t sum = 0;
    for (std::size_t& c : count) {
      const std::size_t c0 = c;
      c = sum;
      sum += c0;
    }
    for (const std::uint64_t e : a) b[count[(e >> shift) & 0xFFFF]++] = e;
    a.swap(b);
  }
  for (std::size_t first = 0; first < m;) {
    const std::uint64_t key = a[first] >> 32;
    std::size_t end = first + 1;
    while (end < m && (a[end] >> 32) == key) ++end;
    const auto r = static_cast<std::uint32_t>(first + end - 1);
    for (std::size_t k = first; k < end; ++k) out[a[k] & 0xFFFFFFFFu] = r;
    first = end;
  }
  return true;
}

// Any doubles: the core's average ranks (1-based means r, so 2r − 2 is the doubled 0-based rank).
void doubled_ranks_f64(const double* x, std::size_t len, std::uint32_t* out) {
  std::vector<double> ranks(len);
  average_ranks(x, len, ranks.data());
  for (std::size_t i = 0; i < len; ++i)
    out[i] = std::isnan(ranks[i]) ? kNoRank : static_cast<std::uint32_t>(2.0 * ranks[i] - 2.0);
}

}  // namespace

void percentile_blocks(const double* condensed, std::size_t n, const std::int32_t* order, std::size_t size,
                       double* out) {
  const std::size_t len = n * (n - 1) / 2;
  std::vector<std::uint32_t> ranks(len);
  if (!doubled_ranks_f32(condensed, len, ranks.data())) doubled_ranks_f64(condensed, len, ranks.data());
  std::size_t m = 0;
  for (const std::uint32_t r : ranks) m += r != kNoRank;
  // a lone entry (its doubled rank is 0) is the 50th percentile: weight 1 at scale ½
  if (m == 1)
    for (std::uint32_t& r : ranks)
      if (r != kNoRank) r = 1;
  const double scale = m > 1 ? 1.0 / (2.0 * static_cast<double>(m - 1)) : 0.5;
  // pixel row offset and column of every stimulus, by its display position
  std::vector<std::size_t> row_of(n), col_of(n);
  for (std::size_t a = 0; a < n; ++a) {
    const std::size_t cell = a * size / n;
    row_of[static_cast<std::size_t>(order[a])] = cell * size;
    col_of[static_cast<std::size_t>(order[a])] = cell;
  }
  std::vector<std::uint64_t> sum(size * size, 0);
  std::vector<std::uint32_t> count(size * size, 0);
  // the condensed vector in its own order, each entry added to its two mirrored blocks
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ri = row_of[i], ci = col_of[i];
    ++count[ri + ci];  // the diagonal: percentile 0
    for (std::size_t j = i + 1; j < n; ++j, ++k) {
      const std::uint32_t r = ranks[k];
      if (r == kNoRank) continue;
      const std::size_t c1 = ri + col_of[j], c2 = row_of[j] + ci;
      sum[c1] += r;
      ++count[c1];
      sum[c2] += r;
      ++count[c2];
    }
  }
  for (std::size_t c = 0; c < size * size; ++c)
    out[c] = count[c] > 0 ? static_cast<double>(sum[c]) * scale / static_cast<double>(count[c])
                          : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace seedscope
