// MonitoringSweeper: `serve`'s own run of the county's monitoring sweep (Store::monitor:
// escalations of overdue steps, warnings of red or yellow households without a case) every
// interval, on a thread of its own, so that a step nobody took escalates even when nobody
// lists the cases. One JSON log line per sweep with its counts ("monitoring_sweep"), or with
// the error of one that failed (the next one tries again).
//
// Each sweep opens the county on a connection of its own, as a second process would:
// requests are not held up behind it, only each of its short write transactions takes the
// database's write lock (SQLite serializes it with pushes; the device seq and clock are read
// and bumped inside each transaction).
//
// Ownership: owns its thread; borrows the log, which must outlive it.
// Thread-safety: construct and destroy from one thread; stop() from any.
// Failure: never throws after construction; the constructor throws std::system_error if the
// thread cannot start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "http/access_log.h"

namespace doorstep::server {

class MonitoringSweeper {
 public:
  // Sweeps the county in `data_dir` at once and then every `every` (> 0).
  MonitoringSweeper(std::filesystem::path data_dir, std::chrono::milliseconds every,
                    AccessLog& log);
  ~MonitoringSweeper();  // stop()
  MonitoringSweeper(const MonitoringSweeper&) = delete;
  MonitoringSweeper& operator=(const MonitoringSweeper&) = delete;

  // Ends the thread: at once when it waits; after the sweep in progress otherwise.
  void stop();

 private:
  void run();
  void sweep_once();

  std::filesystem::path data_dir_;
  std::chrono::milliseconds every_;
  AccessLog& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace doorstep::server
