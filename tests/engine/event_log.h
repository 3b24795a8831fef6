#pragma once
// Collects engine events from the engine thread and lets a test wait for one.
#include "core/engine/events.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace perfusion::test {

class EventLog {
 public:
  engine::EventCallback callback() {
    return [this](const engine::Event& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }

  // Waits (at most `limit`, a generous guard against hangs, not a measurement) until some
  // event satisfies `match`; returns whether one did.
  bool wait_for(const std::function<bool(const engine::Event&)>& match,
                std::chrono::seconds limit = std::chrono::seconds(120)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] {
      for (const auto& e : events_)
        if (match(e)) return true;
      return false;
    });
  }

  bool wait_for_end(engine::JobId job) {
    return wait_for([job](const engine::Event& e) {
      if (const auto* f = std::get_if<engine::Finished>(&e)) return f->job == job;
      if (const auto* f = std::get_if<engine::Failed>(&e)) return f->job == job;
      return false;
    });
  }

  std::vector<engine::Event> of_job(engine::JobId job) const {
    std::lock_guard lock(mutex_);
    std::vector<engine::Event> out;
    for (const auto& e : events_)
      if (std::visit([](const auto& v) { return v.job; }, e) == job) out.push_back(e);
    return out;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<engine::Event> events_;
};

}  // namespace perfusion::test
