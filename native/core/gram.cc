// The Gram driver: chooses the micro-kernels for the active ISA, cuts K into
// chunks, packs each chunk once into a shared panel, and hands tiles of the
// upper triangle to threads. Packing chunk s+1 runs in the same parallel pass
// as the tiles of chunk s (two panels alternate), so the memory-bound packing
// overlaps the compute-bound tiles instead of stalling all threads.
#include "gram.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "cpu_features.h"
#include "gram_internal.h"
#include "thread_pool.h"

namespace seedscope {

namespace gram {

template <typename T>
void run_tile(const TileJob<T>& job, const Kernels<T>& k) {
  constexpr std::size_t W = sliver_width<T>();
  const std::size_t max_slivers = k.nr / W;
  const std::size_t iend = std::min(job.i1, job.n);
  const std::size_t jend = std::min(job.j1, job.n);
  for (std::size_t ig = job.i0; ig < iend; ig += k.mr) {
    const T* a = job.panel + (ig / W) * job.sliver_stride + job.k_begin * W + (ig % W);
    const std::size_t rows = std::min(k.mr, job.n - ig);
    // Start at the sliver holding the diagonal (tiles start on sliver
    // boundaries), then whole NR blocks, then 1 or 2 slivers to the tile's end.
    std::size_t jg = job.j0;
    if (ig > jg) jg += ((ig - jg) / W) * W;
    while (jg < jend) {
      const std::size_t slivers = std::min(max_slivers, (jend - jg + W - 1) / W);
      const T* b = job.panel + (jg / W) * job.sliver_stride + job.k_begin * W;
      const std::size_t cols = std::min(slivers * W, job.n - jg);
      k.micro[slivers - 1](a, b, job.sliver_stride, job.k_len, job.c + ig * job.ldc + jg, job.ldc,
                           rows, cols, static_cast<std::ptrdiff_t>(ig) - static_cast<std::ptrdiff_t>(jg));
      jg += slivers * W;
    }
  }
}

}  // namespace gram

namespace {

using namespace gram;

// Largest packed panel (one chunk of K for all rows). Two alternate, so the
// packing of the next chunk overlaps the tiles of this one. Chunks of 1024
// columns (4 MiB panels at N = 1000) ran about 15 % faster per CPU-second than
// 4096 on the 2-core Sapphire Rapids VM: the panel just packed is still in
// cache when its tiles read it. Each chunk adds one pass over C, so chunks do
// not shrink further.
constexpr std::size_t kMaxPanelBytes = std::size_t(32) << 20;
constexpr std::size_t kMaxChunk = 1024;
// Rows packed per task: a multiple of every sliver width.
constexpr std::size_t kPackRows = 64;

template <typename T>
Kernels<T> kernels_for(Isa isa);
template <>
Kernels<float> kernels_for<float>(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return avx512_kernels_f32();
    case Isa::Avx2: return avx2_kernels_f32();
    default: return portable_kernels_f32();
  }
}
template <>
Kernels<double> kernels_for<double>(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return avx512_kernels_f64();
    case Isa::Avx2: return avx2_kernels_f64();
    default: return portable_kernels_f64();
  }
}

template <typename T>
struct AlignedArray {
  explicit AlignedArray(std::size_t count)
      : p(static_cast<T*>(::operator new[](count * sizeof(T), std::align_val_t(64)))) {}
  ~AlignedArray() { ::operator delete[](p, std::align_val_t(64)); }
  AlignedArray(const AlignedArray&) = delete;
  AlignedArray& operator=(const AlignedArray&) = delete;
  T* p;
};

struct Tile {
  std::size_t i0, i1, j0, j1;
  double work;
};

struct Task {
  bool pack;
  std::size_t index;
};

std::size_t round_up(std::size_t x, std::size_t m) { return (x + m - 1) / m * m; }

// The largest tile side that still gives at least 3 tiles per thread.
std::size_t choose_tile(std::size_t n, int threads) {
  const std::size_t want = 3 * static_cast<std::size_t>(resolve_threads(threads, n));
  std::size_t tile = kMaxTile;
  for (; tile > kTileStep; tile -= kTileStep) {
    const std::size_t blocks = (n + tile - 1) / tile;
    if (blocks * (blocks + 1) / 2 >= want) break;
  }
  return tile;
}

// Blocking sizes. Builds with -DSEEDSCOPE_GRAM_TUNE read overrides from the
// environment (for tuning experiments only; the defaults are the product).
struct Blocking {
  std::size_t tile, kc = kKc, max_chunk = kMaxChunk;
};
Blocking blocking(std::size_t n, int threads) {
  Blocking b;
  b.tile = choose_tile(n, threads);
#ifdef SEEDSCOPE_GRAM_TUNE
  if (const char* s = std::getenv("GRAM_TILE")) b.tile = std::strtoul(s, nullptr, 10);
  if (const char* s = std::getenv("GRAM_KC")) b.kc = std::strtoul(s, nullptr, 10);
  if (const char* s = std::getenv("GRAM_CHUNK")) b.max_chunk = std::strtoul(s, nullptr, 10);
#endif
  return b;
}

template <typename T>
void gram_driver(const T* a, std::size_t n, std::size_t d, const double* row_shift,
                 const T* col_offset, double* c, double* row_sums, int threads,
                 const Progress& progress) {
  if (n == 0) return;
  for (std::size_t i = 0; i < n; ++i) std::fill(c + i * n + i, c + i * n + n, 0.0);
  if (row_sums) std::fill(row_sums, row_sums + n, 0.0);
  if (d == 0) return;

  const Kernels<T> kern = kernels_for<T>(active_isa());
  const Blocking blk = blocking(n, threads);
  constexpr std::size_t W = sliver_width<T>();
  const std::size_t n_pad = round_up(n, kRowPad);
  std::size_t chunk = kMaxPanelBytes / (n_pad * sizeof(T));
  chunk = std::max(blk.kc, std::min(blk.max_chunk, chunk) / blk.kc * blk.kc);
  chunk = std::min(chunk, d);
  const std::size_t n_chunks = (d + chunk - 1) / chunk;
  const std::size_t stride = chunk * W;
  const std::size_t panel_elems = (n_pad / W) * stride;
  AlignedArray<T> panel0(panel_elems);
  std::unique_ptr<AlignedArray<T>> panel1;
  if (n_chunks > 1) panel1 = std::make_unique<AlignedArray<T>>(panel_elems);
  T* panels[2] = {panel0.p, panel1 ? panel1->p : panel0.p};

  // Tiles of the upper triangle, largest first so the smallest end the pass.
  std::vector<Tile> tiles;
  for (std::size_t bi = 0; bi < n; bi += blk.tile) {
    for (std::size_t bj = bi; bj < n; bj += blk.tile) {
      const std::size_t i1 = std::min(bi + blk.tile, n), j1 = std::min(bj + blk.tile, n);
      double work = double(i1 - bi) * double(j1 - bj);
      if (bi == bj) work *= 0.5;
      tiles.push_back({bi, bi + blk.tile, bj, bj + blk.tile, work});
    }
  }
  std::stable_sort(tiles.begin(), tiles.end(),
                   [](const Tile& x, const Tile& y) { return x.work > y.work; });
  const std::size_t n_pack = (n_pad + kPackRows - 1) / kPackRows;

  std::vector<Task> tasks;
  for (std::size_t stage = 0; stage <= n_chunks; ++stage) {
    progress.check();
    const bool do_pack = stage < n_chunks;
    const bool do_tiles = stage > 0;
    // Interleave packing (memory-bound) with tiles (compute-bound) so the two
    // threads of a pass tend to do one of each.
    tasks.clear();
    std::size_t ti = 0, pi = 0;
    while ((do_tiles && ti < tiles.size()) || (do_pack && pi < n_pack)) {
      if (do_tiles && ti < tiles.size()) tasks.push_back({false, ti++});
      if (do_pack && pi < n_pack) tasks.push_back({true, pi++});
    }
    const std::size_t pk0 = stage * chunk;
    const std::size_t tk0 = (stage - 1) * chunk;
    T* pack_panel = panels[stage % 2];
    const T* tile_panel = panels[(stage + 1) % 2];
    parallel_for(tasks.size(), threads, [&](std::size_t t, int) {
      progress.check();
      const Task task = tasks[t];
      if (task.pack) {
        PackJob<T> job{a, n, d, task.index * kPackRows, std::min((task.index + 1) * kPackRows, n_pad),
                       pk0, std::min(chunk, d - pk0), row_shift, col_offset, pack_panel, stride,
                       row_sums};
        kern.pack(job);
        return;
      }
      const Tile& tile = tiles[task.index];
      const std::size_t len = std::min(chunk, d - tk0);
      for (std::size_t kb = 0; kb < len; kb += blk.kc) {
        TileJob<T> job{tile_panel, stride, kb, std::min(blk.kc, len - kb), tile.i0, tile.i1,
                       tile.j0, tile.j1, n, c, n};
        run_tile(job, kern);
      }
    });
    progress.report(double(stage + 1), double(n_chunks + 1));
  }
}

}  // namespace

void gram_upper(const float* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_driver<float>(a, n, d, nullptr, nullptr, c, nullptr, threads, progress);
}
void gram_upper(const double* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_driver<double>(a, n, d, nullptr, nullptr, c, nullptr, threads, progress);
}
void gram_upper_shifted(const float* a, std::size_t n, std::size_t d, const double* row_shift,
                        const float* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress) {
  gram_driver<float>(a, n, d, row_shift, col_offset, c, row_sums, threads, progress);
}
void gram_upper_shifted(const double* a, std::size_t n, std::size_t d, const double* row_shift,
                        const double* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress) {
  gram_driver<double>(a, n, d, row_shift, col_offset, c, row_sums, threads, progress);
}

const char* gram_kernel_name() { return kernels_for<float>(active_isa()).name; }

}  // namespace seedscope
