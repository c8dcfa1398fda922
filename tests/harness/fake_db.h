// MemoryDb: an in-process register store implementing Db, for harness tests and the harness
// overhead benchmark. Modes: a linearizable store (one mutex), one whose reads are served
// from a snapshot that lags behind (stale reads: not linearizable), one that sleeps past the
// deadline on some ops (op timeouts), one that answers ok past the deadline on some ops (a
// stalled client), a no-op store that does nothing at all, and one that is down (every op
// refused as unavailable: the database never answers). set_clients_ready_at makes OpenClient
// behave as external clients still starting do: it waits up to `wait` for that instant, then
// says NotReady.
#pragma once

#include <map>
#include <mutex>
#include <thread>

#include "harness/db.h"

namespace faultline::testing {

enum class MemoryMode { kLinearizable, kStaleReads, kSlow, kLateOk, kNoop, kDown };

class MemoryDb : public Db {
 public:
  explicit MemoryDb(MemoryMode mode, int nodes = 3) : mode_(mode), nodes_(nodes) {}
  std::string Describe() const override { return "memory"; }
  std::vector<std::string> Nodes() const override {
    std::vector<std::string> n;
    for (int i = 1; i <= nodes_; ++i) n.push_back("n" + std::to_string(i));
    return n;
  }
  Result<std::unique_ptr<Client>> OpenClient(const std::string&) override {
    if (Clock::now() < ready_at_) {
      std::this_thread::sleep_until(std::min(ready_at_, Clock::now() + ready_wait_));
      if (Clock::now() < ready_at_) return Status::NotReady("no client ready yet");
    }
    return std::unique_ptr<Client>(new MemoryClient(this));
  }
  void set_clients_ready_at(Clock::time_point at, Clock::duration wait) {
    ready_at_ = at;
    ready_wait_ = wait;
  }
  Status Kill(const std::string&) override { return Status::Ok(); }
  Status Restart(const std::string&) override { return Status::Ok(); }
  std::optional<std::string> Primary() override { return "n1"; }
  Status CollectLogs(const std::string&) override { return Status::Ok(); }

 private:
  class MemoryClient : public Client {
   public:
    explicit MemoryClient(MemoryDb* db) : db_(db) {}
    Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
      return db_->Apply(req, deadline, &calls_);
    }

   private:
    MemoryDb* db_;
    int calls_ = 0;
  };

  Completion Apply(const OpRequest& req, Clock::time_point deadline, int* calls) {
    if (mode_ == MemoryMode::kNoop) return Completion{OpType::kOk, Value(), ""};
    if (mode_ == MemoryMode::kDown) {
      return Completion{OpType::kFail, Value(), "connection refused", "", /*unavailable=*/true};
    }
    if (mode_ == MemoryMode::kSlow && ++*calls % 7 == 0) {
      std::this_thread::sleep_until(deadline + std::chrono::milliseconds(60));
      return Completion{OpType::kInfo, Value(), "timeout"};
    }
    if (mode_ == MemoryMode::kLateOk && ++*calls % 5 == 0) {
      std::this_thread::sleep_until(deadline + std::chrono::milliseconds(80));
      return Completion{OpType::kOk, req.f == "read" ? Value() : req.value, ""};
    }
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& key = *req.key;
    if (req.f == "read") {
      const auto& from = mode_ == MemoryMode::kStaleReads ? stale_ : state_;
      auto it = from.find(key);
      return Completion{OpType::kOk, it == from.end() ? Value() : Value::Int(it->second), ""};
    }
    if (mode_ == MemoryMode::kStaleReads && ++writes_ % 5 == 0) stale_ = state_;
    if (req.f == "write") {
      state_[key] = req.value.as_int();
      return Completion{OpType::kOk, req.value, ""};
    }
    const auto& l = req.value.as_list();  // cas
    auto it = state_.find(key);
    if (it == state_.end() || it->second != l[0].as_int()) return Completion{OpType::kFail, req.value, ""};
    it->second = l[1].as_int();
    return Completion{OpType::kOk, req.value, ""};
  }

  const MemoryMode mode_;
  const int nodes_;
  std::mutex mu_;
  std::map<std::string, int64_t> state_, stale_;
  int64_t writes_ = 0;
  Clock::time_point ready_at_{};
  Clock::duration ready_wait_{};
};

}  // namespace faultline::testing
