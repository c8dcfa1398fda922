#include "nemesis/schedule.h"

#include <algorithm>
#include <thread>

namespace faultline {
namespace {

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

Op NemesisOp(OpType type, const std::string& f, const Value& value, const std::string& error) {
  Op op;
  op.process = kNemesisProcess;
  op.type = type;
  op.f = f;
  op.value = value;
  if (!error.empty()) op.error = error;
  return op;
}

}  // namespace

void TakeStep(const FaultStep& step, const FaultRecorder& record) {
  record(NemesisOp(OpType::kInvoke, step.issued.f, step.issued.value, ""));
  const FaultEvent done = step.Take();
  record(NemesisOp(OpType::kInfo, done.f, done.value, done.error));
}

bool WaitUntil(Clock::time_point t, Clock::time_point end, const std::function<bool()>& stop) {
  // In slices of at most 20 ms, so that a stop is seen soon, and no later than t.
  for (Clock::time_point now; (now = Clock::now()) < t && now < end && !stop();) {
    std::this_thread::sleep_for(std::min<Clock::duration>(t - now, std::chrono::milliseconds(20)));
  }
  return Clock::now() < end && !stop();
}

void EndAll(const std::vector<std::unique_ptr<Fault>>& faults, const FaultRecorder& record) {
  for (auto& f : faults) {
    if (auto step = f->End()) TakeStep(*step, record);
  }
}

FaultSchedule::FaultSchedule(std::vector<std::unique_ptr<Fault>> faults, double interval_s,
                             uint64_t seed)
    : faults_(std::move(faults)), interval_s_(interval_s), seed_(seed) {}

void FaultSchedule::Run(Clock::time_point end, const std::function<bool()>& stop,
                        const FaultRecorder& record) {
  if (faults_.empty()) return;
  Random rng = Random::Stream(seed_, 1u << 20);
  auto wait_until = [&](Clock::time_point t) { return WaitUntil(t, end, stop); };
  std::vector<Fault*> bag;  // the faults not yet used in this round
  while (wait_until(Clock::now() + Seconds(interval_s_ * (0.5 + rng.UniformDouble())))) {
    if (bag.empty()) {
      for (auto& f : faults_) bag.push_back(f.get());
    }
    const size_t pick = rng.Uniform(bag.size());
    Fault* fault = bag[pick];
    bag.erase(bag.begin() + static_cast<std::ptrdiff_t>(pick));
    {
      std::lock_guard<std::mutex> lock(mu_);
      TakeStep(fault->Begin(rng), record);
    }
    wait_until(Clock::now() + Seconds(interval_s_ * (0.25 + 0.5 * rng.UniformDouble())));
    std::lock_guard<std::mutex> lock(mu_);
    if (auto step = fault->End()) TakeStep(*step, record);
  }
}

void FaultSchedule::HealAll(const FaultRecorder& record) {
  std::lock_guard<std::mutex> lock(mu_);
  EndAll(faults_, record);
}

}  // namespace faultline
