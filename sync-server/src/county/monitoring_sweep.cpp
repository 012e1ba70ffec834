// MonitoringSweeper: the periodic monitoring sweep of `serve`.
#include "county/monitoring_sweep.h"

#include "core/sync/county_authority.h"

namespace doorstep::server {

MonitoringSweeper::MonitoringSweeper(std::filesystem::path data_dir,
                                     std::chrono::milliseconds every, AccessLog& log)
    : data_dir_(std::move(data_dir)), every_(every), log_(log) {
  thread_ = std::thread([this] { run(); });
}

MonitoringSweeper::~MonitoringSweeper() {
  stop();
}

void MonitoringSweeper::stop() {
  {
    std::lock_guard guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void MonitoringSweeper::run() {
  std::unique_lock guard(mutex_);
  while (!stopping_) {
    guard.unlock();
    sweep_once();
    guard.lock();
    wake_.wait_for(guard, every_, [this] { return stopping_; });
  }
}

void MonitoringSweeper::sweep_once() {
  auto started = std::chrono::steady_clock::now();
  try {
    // Opened for each sweep: an hourly open costs little, and no connection is held between
    // sweeps (nor a stale view of a county changed by another process).
    auto county = sync::CountyAuthority::open(data_dir_);
    nlohmann::json raised = county.store().monitor();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    log_.event("info", "monitoring_sweep",
               {{"escalations", raised["escalations"].size()},
                {"warnings", raised["warnings"].size()},
                {"ms", static_cast<int64_t>(ms)}});
  } catch (const std::exception& e) {
    log_.event("error", "monitoring_sweep_failed", {{"error", e.what()}});
  }
}

}  // namespace doorstep::server
