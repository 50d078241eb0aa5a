// The Gram driver: chooses the micro-kernels for the active ISA, cuts K into
// chunks, packs each chunk once into a shared panel, and hands tiles of the
// upper triangle to threads. Packing chunk c+1 is interleaved with the tiles
// of chunk c (panels in a ring), so the memory-bound packing overlaps the
// compute-bound tiles, and jobs wait only for the jobs they depend on rather
// than for a barrier between chunks.
#include "gram.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <thread>
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
      // The C block of the next micro-tile comes from L3 (C is 8 MB at
      // N = 1000 and each chunk passes over all of it): fetch it now so the
      // adds at the end of that micro-tile do not wait for it.
      {
        const std::size_t jn = jg + slivers * W;
        if (jn < jend) {
          for (std::size_t r = 0; r < rows; ++r) {
            const char* line = reinterpret_cast<const char*>(job.c + (ig + r) * job.ldc + jn);
            for (std::size_t off = 0; off < k.nr * sizeof(double); off += 64) __builtin_prefetch(line + off, 1, 3);
          }
        }
      }
      k.micro[slivers - 1](a, b, job.sliver_stride, job.k_len, job.c + ig * job.ldc + jg, job.ldc,
                           rows, cols, static_cast<std::ptrdiff_t>(ig) - static_cast<std::ptrdiff_t>(jg));
      jg += slivers * W;
    }
  }
}

}  // namespace gram

namespace {

using namespace gram;

// Largest packed panel (one chunk of K for all rows). Two form a ring, so the
// packing of the next chunk overlaps the tiles of this one. On the 2-core
// Sapphire Rapids VM (whose share of L3 is small) smaller panels ran faster
// per CPU-second: 1024 columns about 15 % faster than 4096, and 512 columns
// (one K sub-block, 2 MiB at N = 1000) another 3–6 % faster than 1024 in
// interleaved A/B runs; a third panel in the ring cost 6 %. Each chunk adds
// one pass over C, so chunks do not shrink below one sub-block.
constexpr std::size_t kMaxPanelBytes = std::size_t(32) << 20;
constexpr std::size_t kMaxChunk = 512;
// Panels in the ring (see gram_driver): packing may run one chunk ahead of
// the slowest tile.
constexpr std::size_t kPanels = 2;
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
  std::size_t chunk;
  std::size_t index;  // tile or pack-row block
};

// Completion counters, one per chunk or per tile.
class ChunkCounters {
 public:
  explicit ChunkCounters(std::size_t count) : v_(new std::atomic<std::size_t>[count]) {
    for (std::size_t i = 0; i < count; ++i) v_[i].store(0, std::memory_order_relaxed);
  }
  std::atomic<std::size_t>& operator[](std::size_t i) { return v_[i]; }

 private:
  std::unique_ptr<std::atomic<std::size_t>[]> v_;
};

// Waits until counter ≥ target. Returns false (giving up) once another job
// has failed: the job waited for may then never finish.
bool wait_for(const std::atomic<std::size_t>& counter, std::size_t target,
              const std::atomic<bool>& abort) {
  for (unsigned spins = 0; counter.load(std::memory_order_acquire) < target; ++spins) {
    if (abort.load(std::memory_order_relaxed)) return false;
    if (spins < 256) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
  return true;
}

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
                 const T* col_offset, const T* const* row_offsets, double* c, double* row_sums,
                 int threads, const Progress& progress) {
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
  // Panels in a ring: chunk c is packed into panels[c % n_panels] while
  // tiles still read the chunks before it.
  const std::size_t n_panels = std::min(n_chunks, kPanels);
  std::vector<std::unique_ptr<AlignedArray<T>>> panel_store;
  T* panels[kPanels] = {};
  for (std::size_t p = 0; p < n_panels; ++p) {
    panel_store.push_back(std::make_unique<AlignedArray<T>>(panel_elems));
    panels[p] = panel_store.back()->p;
  }

  // Tiles of the upper triangle, largest first so the smallest end a chunk.
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
  const std::size_t n_tiles = tiles.size();
  const std::size_t n_pack = (n_pad + kPackRows - 1) / kPackRows;

  // One parallel region for the whole product, its jobs handed out in this
  // order: the packs of chunk 0, then for each chunk c its tiles (largest
  // first) with the packs of chunk c + 1 spread between them, from after the
  // second tile to before the last (memory-bound packing beside
  // compute-bound tiles; the first packs come late enough that the panel they
  // overwrite is no longer read, the last early enough that the next chunk's
  // tiles need not wait for them). Instead of a barrier between chunks, each
  // job waits for the jobs it depends on, all of which come earlier in the
  // order (so some thread is running or has finished them, and waiting never
  // deadlocks):
  //   pack (c, p): every pack of chunk c − 1 (row_sums are added in chunk
  //     order) and, when it reuses a panel, every tile of chunk c − n_panels;
  //   tile (c, t): every pack of chunk c, and tile t of chunk c − 1 (one
  //     thread at a time on a C tile, chunks added in order, so the result
  //     does not depend on the number of threads).
  // A thread that finishes its share of a chunk starts on the next one
  // instead of idling at a barrier.
  std::vector<Task> tasks;
  tasks.reserve(n_chunks * (n_tiles + n_pack));
  const std::size_t first_slot = n_tiles > 3 ? 1 : 0;
  const std::size_t slots = n_tiles > 3 ? n_tiles - 2 : 1;
  for (std::size_t stage = 0; stage <= n_chunks; ++stage) {
    const bool do_pack = stage < n_chunks;
    std::size_t pi = 0;
    auto packs_until = [&](std::size_t end) {
      for (; do_pack && pi < end; ++pi) tasks.push_back({true, stage, pi});
    };
    if (stage == 0) packs_until(n_pack);
    for (std::size_t ti = 0; stage > 0 && ti < n_tiles; ++ti) {
      tasks.push_back({false, stage - 1, ti});
      if (ti >= first_slot && ti - first_slot < slots)
        packs_until(n_pack * (ti - first_slot + 1) / slots);
    }
    packs_until(n_pack);
  }
  ChunkCounters packs_done(n_chunks), tiles_done(n_chunks), tile_chunks(n_tiles);
  std::atomic<bool> abort{false};
  std::atomic<std::size_t> chunks_finished{0};

  parallel_for(tasks.size(), threads, [&](std::size_t t, int) {
    const Task task = tasks[t];
    try {
      progress.check();
      if (task.pack) {
        if (task.chunk > 0 && !wait_for(packs_done[task.chunk - 1], n_pack, abort)) return;
        if (task.chunk >= n_panels &&
            !wait_for(tiles_done[task.chunk - n_panels], n_tiles, abort))
          return;
        const std::size_t k0 = task.chunk * chunk;
        PackJob<T> job{a, n, d, task.index * kPackRows, std::min((task.index + 1) * kPackRows, n_pad),
                       k0, std::min(chunk, d - k0), row_shift, col_offset,
                       panels[task.chunk % n_panels], stride, row_sums, row_offsets};
        kern.pack(job);
        packs_done[task.chunk].fetch_add(1, std::memory_order_acq_rel);
        return;
      }
      if (!wait_for(packs_done[task.chunk], n_pack, abort)) return;
      if (!wait_for(tile_chunks[task.index], task.chunk, abort)) return;
      const Tile& tile = tiles[task.index];
      const std::size_t len = std::min(chunk, d - task.chunk * chunk);
      for (std::size_t kb = 0; kb < len; kb += blk.kc) {
        TileJob<T> job{panels[task.chunk % n_panels], stride, kb, std::min(blk.kc, len - kb),
                       tile.i0, tile.i1, tile.j0, tile.j1, n, c, n};
        run_tile(job, kern);
      }
      tile_chunks[task.index].store(task.chunk + 1, std::memory_order_release);
      if (tiles_done[task.chunk].fetch_add(1, std::memory_order_acq_rel) + 1 == n_tiles)
        progress.report(double(chunks_finished.fetch_add(1) + 1), double(n_chunks));
    } catch (...) {
      abort.store(true);
      throw;
    }
  });
}

}  // namespace

void gram_upper(const float* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_driver<float>(a, n, d, nullptr, nullptr, nullptr, c, nullptr, threads, progress);
}
void gram_upper(const double* a, std::size_t n, std::size_t d, double* c, int threads,
                const Progress& progress) {
  gram_driver<double>(a, n, d, nullptr, nullptr, nullptr, c, nullptr, threads, progress);
}
void gram_upper_shifted(const float* a, std::size_t n, std::size_t d, const double* row_shift,
                        const float* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress) {
  gram_driver<float>(a, n, d, row_shift, col_offset, nullptr, c, row_sums, threads, progress);
}
void gram_upper_shifted(const double* a, std::size_t n, std::size_t d, const double* row_shift,
                        const double* col_offset, double* c, double* row_sums, int threads,
                        const Progress& progress) {
  gram_driver<double>(a, n, d, row_shift, col_offset, nullptr, c, row_sums, threads, progress);
}

void gram_upper_row_offsets(const float* a, std::size_t n, std::size_t d, const double* row_shift,
                            const float* const* row_offsets, double* c, double* row_sums, int threads,
                            const Progress& progress) {
  gram_driver<float>(a, n, d, row_shift, nullptr, row_offsets, c, row_sums, threads, progress);
}
void gram_upper_row_offsets(const double* a, std::size_t n, std::size_t d, const double* row_shift,
                            const double* const* row_offsets, double* c, double* row_sums, int threads,
                            const Progress& progress) {
  gram_driver<double>(a, n, d, row_shift, nullptr, row_offsets, c, row_sums, threads, progress);
}

const char* gram_kernel_name() { return kernels_for<float>(active_isa()).name; }

}  // namespace seedscope
