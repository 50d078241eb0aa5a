// Minimal work distribution: run task(i, worker) for i in [0, n_tasks) on up to
// `threads` threads, handing out indices dynamically so uneven tasks (e.g.
// rows of a triangle) balance themselves. The first exception thrown by a task
// is rethrown on the calling thread after all workers stop.
#pragma once

#include <cstddef>
#include <functional>

namespace seedscope {

// threads <= 0 means default_threads(). Worker ids are in [0, threads_used).
void parallel_for(std::size_t n_tasks, int threads,
                  const std::function<void(std::size_t task, int worker)>& task);

// Number of workers parallel_for would use for this many tasks.
int resolve_threads(int threads, std::size_t n_tasks);

}  // namespace seedscope
