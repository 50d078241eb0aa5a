// Out-of-core RDMs by pairs of row segments (rdm_out_of_core.h).
#include "rdm_out_of_core.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "gram.h"
#include "rdm_internal.h"
#include "thread_pool.h"

namespace seedscope {

namespace {

using namespace rdm_detail;

// The raw float32 rows of one file, read with pread (no shared offset).
class RowFile {
 public:
  RowFile(const std::string& path, std::size_t n, std::size_t d) : path_(path), d_(d) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot open the activations file (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      const int e = errno;
      ::close(fd_);
      throw std::runtime_error(path + ": cannot stat the activations file (" + std::strerror(e) + ")");
    }
    const unsigned long long want = static_cast<unsigned long long>(n) * d * sizeof(float);
    if (static_cast<unsigned long long>(st.st_size) != want) {
      ::close(fd_);
      throw std::runtime_error(path + ": expected " + std::to_string(want) + " bytes (" + std::to_string(n) + " × " +
                               std::to_string(d) + " float32) but the file holds " + std::to_string(st.st_size));
    }
  }
  ~RowFile() { ::close(fd_); }
  RowFile(const RowFile&) = delete;
  RowFile& operator=(const RowFile&) = delete;

  // Rows [first, first + count) into dst (count × d floats).
  void read(std::size_t first, std::size_t count, float* dst) const {
    char* p = reinterpret_cast<char*>(dst);
    std::size_t left = count * d_ * sizeof(float);
    off_t off = static_cast<off_t>(first * d_ * sizeof(float));
    while (left > 0) {
      const ssize_t r = ::pread(fd_, p, left, off);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(path_ + ": reading the activations failed (" + std::strerror(errno) + ")");
      }
      if (r == 0)
        throw std::runtime_error(path_ + ": the file ended at byte " + std::to_string(off) +
                                 ", shorter than expected (it changed while being read)");
      p += r;
      left -= static_cast<std::size_t>(r);
      off += r;
    }
  }

 private:
  std::string path_;
  std::size_t d_;
  int fd_ = -1;
};

// One RDM computed from the pairs: of the rows as read, or of the rows minus
// their class centroid.
struct Variant {
  Variant(const RdmOptions& opt, std::size_t d, double* out_) : dist(opt, d), out(out_) {}
  GramDistances dist;
  double* out;
  const float* centroids = nullptr;  // centroid rows (classes × d), or null
  const std::int32_t* row_of = nullptr;
  std::vector<float> offset;         // Euclidean column offset
  std::vector<float> rows;           // the pair's rows minus their centroids (centroids only)
  std::vector<NanStimulus> nan;
};

// x (count rows from global row `first`) minus each row's centroid, as
// class_centroids' in-place subtraction computes it (float32).
void subtract_centroids(const Variant& v, const float* x, std::size_t first, std::size_t count, std::size_t d,
                        float* dst) {
  for (std::size_t r = 0; r < count; ++r) {
    const float* c = v.centroids + static_cast<std::size_t>(v.row_of[first + r]) * d;
    const float* src = x + r * d;
    float* o = dst + r * d;
    for (std::size_t k = 0; k < d; ++k) {
      float t = src[k];
      t -= c[k];
      o[k] = t;
    }
  }
}

// The Euclidean column offset of each variant, from the rows compute_rdm samples.
void column_offsets(const RowFile& file, std::size_t n, std::size_t d, std::vector<Variant*>& vars) {
  const std::size_t count = offset_row_count(n);
  std::vector<float> raw(count * d), sub(count * d);
  for (std::size_t r = 0; r < count; ++r) file.read(offset_row(r, n), 1, raw.data() + r * d);
  for (Variant* v : vars) {
    if (!v->dist.needs_col_offset()) continue;
    const float* base = raw.data();
    if (v->centroids) {
      for (std::size_t r = 0; r < count; ++r)
        subtract_centroids(*v, raw.data() + r * d, offset_row(r, n), 1, d, sub.data() + r * d);
      base = sub.data();
    }
    std::vector<const float*> rows(count);
    for (std::size_t r = 0; r < count; ++r) rows[r] = base + r * d;
    v->offset = column_offset_of(rows.data(), count, d);
  }
}

// Every pair of segments (or the one segment when S ≥ n): Gram, row statistics
// and the distances each pair is the first to hold.
void pairs_pass(const RowFile& file, std::size_t n, std::size_t d, std::size_t seg, int threads,
                std::vector<Variant*>& vars, const Progress& progress) {
  const std::size_t m = (n + seg - 1) / seg;
  const std::size_t cap = m == 1 ? n : std::min(n, 2 * seg);
  std::vector<float> raw(cap * d);
  for (Variant* v : vars)
    if (v->centroids) v->rows.assign(cap * d, 0.0f);
  std::vector<double> g(cap * cap), sums(cap), shift(cap);
  std::vector<RowStat> stat(cap);
  // The Gram reports its own progress per call; the pairs report theirs.
  progress.check();
  const Progress quiet;

  auto load = [&](std::size_t first, std::size_t count, std::size_t slot) {
    file.read(first, count, raw.data() + slot * d);
    for (Variant* v : vars)
      if (v->centroids) subtract_centroids(*v, raw.data() + slot * d, first, count, d, v->rows.data() + slot * d);
  };

  // Rows [0, na) of the buffers are rows a0.., rows [na, na + nb) are b0..
  auto pair = [&](std::size_t a0, std::size_t na, std::size_t b0, std::size_t nb, bool within_a, bool within_b) {
    const std::size_t rows = na + nb;
    auto global = [&](std::size_t r) { return r < na ? a0 + r : b0 + (r - na); };
    for (Variant* v : vars) {
      const float* x = v->centroids ? v->rows.data() : raw.data();
      const bool corr = v->dist.needs_row_shift();
      const bool eucl = v->dist.needs_col_offset();
      if (corr)
        for (std::size_t r = 0; r < rows; ++r) shift[r] = row_mean_estimate(x + r * d, d);
      gram_upper_shifted(x, rows, d, corr ? shift.data() : nullptr, eucl ? v->offset.data() : nullptr, g.data(),
                         corr ? sums.data() : nullptr, threads, quiet);
      for (std::size_t r = 0; r < rows; ++r) {
        NanReason why;
        const bool first_time = r < na ? within_a : within_b;
        if (!v->dist.row(g[r * rows + r], corr ? sums[r] : 0.0, stat[r], why) && first_time)
          v->nan.push_back({global(r), why});
      }
      // Rows of the buffers in blocks over threads; each output value is written once.
      constexpr std::size_t kRowsPerTask = 16;
      const std::size_t tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
      parallel_for(tasks, threads, [&](std::size_t t, int) {
        const std::size_t r_end = std::min(rows, (t + 1) * kRowsPerTask);
        for (std::size_t r = t * kRowsPerTask; r < r_end; ++r) {
          const std::size_t gi = global(r);
          const double* gr = g.data() + r * rows;
          // within its own segment (when this pair is the first to hold it), then across
          const bool in_a = r < na;
          if (in_a ? within_a : within_b) {
            const std::size_t end = in_a ? na : rows;
            double* o = v->out + condensed_index(gi, gi + 1, n);
            for (std::size_t q = r + 1; q < end; ++q) *o++ = v->dist.distance(gr[q], stat[r], stat[q]);
          }
          if (in_a && nb > 0) {
            double* o = v->out + condensed_index(gi, b0, n);
            for (std::size_t q = na; q < rows; ++q) *o++ = v->dist.distance(gr[q], stat[r], stat[q]);
          }
        }
      });
    }
  };

  if (m == 1) {
    load(0, n, 0);
    pair(0, n, 0, 0, true, false);
    progress.report(1.0, 1.0);
    return;
  }
  const double total = static_cast<double>(m) * static_cast<double>(m - 1) / 2.0;
  double done = 0;
  for (std::size_t a = 0; a + 1 < m; ++a) {
    const std::size_t a0 = a * seg, na = std::min(seg, n - a0);
    load(a0, na, 0);
    for (std::size_t b = a + 1; b < m; ++b) {
      progress.check();
      const std::size_t b0 = b * seg, nb = std::min(seg, n - b0);
      load(b0, nb, na);
      // a segment's own distances come with the first pair holding it: (0, 1) for 0 and 1, (0, b) for b ≥ 2
      pair(a0, na, b0, nb, a == 0 && b == 1, a == 0);
      progress.report(++done, total);
    }
  }
}

// Class centroids from one pass over the rows per strip of features: float64
// sums in stimulus order, times 1/count, rounded to float32 (centroids.cc).
std::vector<float> centroids_from_file(const RowFile& file, std::size_t n, std::size_t d, const std::int32_t* row_of,
                                       const double* inv_count, std::size_t classes, std::size_t seg,
                                       const Progress& progress) {
  std::vector<float> out(classes * d);
  // strips of features whose sums take no more than the pairs' buffers will
  const std::size_t strip = std::max<std::size_t>(1, std::min(d, (2 * seg * d) / classes));
  std::vector<float> raw(seg * d);
  std::vector<double> acc;
  for (std::size_t j0 = 0; j0 < d; j0 += strip) {
    const std::size_t w = std::min(strip, d - j0);
    acc.assign(classes * w, 0.0);
    for (std::size_t first = 0; first < n; first += seg) {
      progress.check();
      const std::size_t count = std::min(seg, n - first);
      file.read(first, count, raw.data());
      for (std::size_t r = 0; r < count; ++r) {
        double* a = acc.data() + static_cast<std::size_t>(row_of[first + r]) * w;
        const float* x = raw.data() + r * d + j0;
        for (std::size_t j = 0; j < w; ++j) a[j] += static_cast<double>(x[j]);
      }
    }
    for (std::size_t c = 0; c < classes; ++c)
      for (std::size_t j = 0; j < w; ++j) out[c * d + j0 + j] = static_cast<float>(acc[c * w + j] * inv_count[c]);
  }
  return out;
}

std::vector<NanStimulus> sorted(std::vector<NanStimulus> v) {
  std::sort(v.begin(), v.end(), [](const NanStimulus& x, const NanStimulus& y) { return x.index < y.index; });
  return v;
}

}  // namespace

std::size_t out_of_core_segment_rows(std::size_t n, std::size_t d, std::size_t memory_bytes, int copies) {
  // A pair holds 2S rows per copy (4·d bytes each), their (2S)² float64 Gram,
  // the Gram's two packed panels (2 × 2S × 512 floats) and a few vectors:
  // 32 S² + (8·copies·d + 8,448) S ≤ memory.
  const double b = 8.0 * copies * static_cast<double>(d) + 8448.0;
  const double s = (-b + std::sqrt(b * b + 128.0 * static_cast<double>(memory_bytes))) / 64.0;
  if (!(s >= 1.0)) return 1;
  return std::min(n, static_cast<std::size_t>(s));
}

std::vector<NanStimulus> rdm_from_file(const std::string& path, std::size_t n, std::size_t d, const RdmOptions& opt,
                                       std::size_t segment_rows, double* out, const Progress& progress) {
  if (n < 2 || d < 1 || segment_rows < 1) throw std::invalid_argument("rdm_from_file: n ≥ 2, d ≥ 1 and segment_rows ≥ 1");
  const RowFile file(path, n, d);
  Variant full(opt, d, out);
  std::vector<Variant*> vars{&full};
  column_offsets(file, n, d, vars);
  pairs_pass(file, n, d, std::min(segment_rows, n), opt.threads, vars, progress);
  return sorted(std::move(full.nan));
}

RdmSplitNan rdm_from_file_with_centroids(const std::string& path, std::size_t n, std::size_t d,
                                         const std::int32_t* row_of, const double* inv_count, std::size_t classes,
                                         const RdmOptions& opt, std::size_t segment_rows, const RdmSplitOutput& out,
                                         float* centroids_out, const Progress& progress) {
  if (n < 2 || d < 1 || segment_rows < 1 || classes < 2)
    throw std::invalid_argument("rdm_from_file_with_centroids: n ≥ 2, d ≥ 1, segment_rows ≥ 1 and classes ≥ 2");
  const std::size_t seg = std::min(segment_rows, n);
  const RowFile file(path, n, d);
  const std::vector<float> centroids = centroids_from_file(file, n, d, row_of, inv_count, classes, seg, progress);
  if (centroids_out) std::copy(centroids.begin(), centroids.end(), centroids_out);

  RdmSplitNan nan;
  RdmOptions copt = opt;
  copt.condensed = true;
  nan.centroids = compute_rdm(centroids.data(), classes, d, copt, out.centroids, progress);

  Variant full(opt, d, out.full), removed(opt, d, out.removed);
  removed.centroids = centroids.data();
  removed.row_of = row_of;
  std::vector<Variant*> vars{&full, &removed};
  column_offsets(file, n, d, vars);
  pairs_pass(file, n, d, seg, opt.threads, vars, progress);
  nan.full = sorted(std::move(full.nan));
  nan.removed = sorted(std::move(removed.nan));
  return nan;
}

}  // namespace seedscope
