#include "progress.h"

namespace seedscope {

static std::atomic<std::uint64_t> g_cancel_epoch{0};

std::uint64_t cancel_epoch() { return g_cancel_epoch.load(std::memory_order_acquire); }
void cancel_all() { g_cancel_epoch.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace seedscope
