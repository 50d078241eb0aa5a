// A persistent pool behind parallel_for. Kernels such as the Gram driver call
// parallel_for about a hundred times per operation; creating threads for each
// call cost a thread start and cold caches every time, so the workers are
// created once (lazily, as many as the largest call asked for) and sleep on a
// condition variable between calls.
//
// One parallel region runs on the pool at a time (the PromiseWorkers of two
// concurrent operations call parallel_for from different libuv threads): a
// second caller that finds the pool busy does not wait for it, it runs its
// region on threads of its own, as every call did before the pool existed. A
// call made from inside a task (on a pool worker or on the caller while its
// region runs) runs inline on that thread, so nesting never deadlocks.
#include "thread_pool.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cpu_features.h"

namespace seedscope {

namespace {

using TaskFn = std::function<void(std::size_t, int)>;

// True on pool workers and on a caller while its region runs: parallel_for
// calls made there run inline.
thread_local bool t_in_region = false;

// The state of one parallel region, owned by the calling thread's stack.
struct Region {
  const TaskFn* task;
  std::size_t n_tasks;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  // Hands out task indices until none are left or a task has thrown.
  void work(int worker) {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n_tasks) return;
      try {
        (*task)(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
        return;
      }
    }
  }
};

class Pool {
 public:
  // Runs the region on `threads` threads (the caller is worker 0). Returns
  // false, having run nothing, when another region holds the pool.
  bool try_run(Region& region, int threads) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    const int helpers = threads - 1;
    grow(helpers);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      region_ = &region;
      wanted_ = helpers;
      running_ = helpers;
      ++generation_;
    }
    wake_.notify_all();
    t_in_region = true;
    region.work(0);
    t_in_region = false;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return running_ == 0; });
    region_ = nullptr;
    return true;
  }

 private:
  // Starts workers until there are at least `count` (called with busy_ held).
  void grow(int count) {
    while (static_cast<int>(workers_) < count) {
      const int id = static_cast<int>(workers_) + 1;  // worker ids 1, 2, ...
      std::thread([this, id] { loop(id); }).detach();  // may throw: then not counted
      ++workers_;
    }
  }

  void loop(int id) {
    t_in_region = true;
    std::uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (id > wanted_) continue;
      Region* region = region_;
      lock.unlock();
      region->work(id);
      lock.lock();
      if (--running_ == 0) done_.notify_one();
    }
  }

  std::mutex busy_;   // held by the caller for a whole region
  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_, done_;
  std::uint64_t generation_ = 0;
  Region* region_ = nullptr;
  int wanted_ = 0;   // workers 1..wanted_ take part in the current region
  int running_ = 0;  // of those, how many have not finished it
  std::size_t workers_ = 0;
};

// Never destroyed: detached workers may still be waiting at process exit.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

// The fallback when the pool is busy: threads for this call only.
void run_on_own_threads(Region& region, int threads) {
  std::vector<std::thread> extra;
  extra.reserve(static_cast<std::size_t>(threads - 1));
  for (int w = 1; w < threads; ++w) {
    extra.emplace_back([&region, w] {
      t_in_region = true;
      region.work(w);
    });
  }
  t_in_region = true;
  region.work(0);
  t_in_region = false;
  for (auto& th : extra) th.join();
}

}  // namespace

int resolve_threads(int threads, std::size_t n_tasks) {
  int t = threads > 0 ? threads : default_threads();
  if (n_tasks < static_cast<std::size_t>(t)) t = static_cast<int>(n_tasks);
  return t < 1 ? 1 : t;
}

void parallel_for(std::size_t n_tasks, int threads, const TaskFn& task) {
  if (n_tasks == 0) return;
  Region region;
  region.task = &task;
  region.n_tasks = n_tasks;
  const int t = t_in_region ? 1 : resolve_threads(threads, n_tasks);
  if (t == 1) {
    region.work(0);
  } else if (!pool().try_run(region, t)) {
    run_on_own_threads(region, t);
  }
  if (region.error) std::rethrow_exception(region.error);
}

}  // namespace seedscope
