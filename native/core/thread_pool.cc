#include "thread_pool.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cpu_features.h"

namespace seedscope {

int resolve_threads(int threads, std::size_t n_tasks) {
  int t = threads > 0 ? threads : default_threads();
  if (n_tasks < static_cast<std::size_t>(t)) t = static_cast<int>(n_tasks);
  return t < 1 ? 1 : t;
}

void parallel_for(std::size_t n_tasks, int threads,
                  const std::function<void(std::size_t, int)>& task) {
  if (n_tasks == 0) return;
  const int t = resolve_threads(threads, n_tasks);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int worker) {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n_tasks) return;
      try {
        task(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
        return;
      }
    }
  };
  if (t == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(t - 1));
    for (int w = 1; w < t; ++w) pool.emplace_back(work, w);
    work(0);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace seedscope
