#include "nemesis/replay.h"

#include <algorithm>
#include <cstdio>

#include "core/history_io.h"
#include "nemesis/schedule.h"

namespace faultline {
namespace {

// "line 12 (at 3.41 s)": where a recorded step is, for messages.
std::string Where(const RecordedStep& s) {
  char at[32];
  std::snprintf(at, sizeof at, "%.2f", std::chrono::duration<double>(s.offset).count());
  return "history line " + std::to_string(s.line) + " (" + at + " s into the main phase)";
}

std::string FaultNames(const std::vector<std::unique_ptr<Fault>>& faults) {
  std::string names;
  for (const auto& f : faults) names += (names.empty() ? "" : ", ") + f->name();
  return names.empty() ? "none" : names;
}

// The first fault that begins with `step.f` and takes its value, with its decided begin.
Result<std::pair<Fault*, FaultStep>> MatchBegin(const std::vector<std::unique_ptr<Fault>>& faults,
                                                const RecordedStep& step) {
  std::optional<Status> refused;
  for (const auto& f : faults) {
    if (f->ops().begin != step.f) continue;
    Result<FaultStep> begin = f->BeginAs(step.value);
    if (begin.ok()) return std::pair<Fault*, FaultStep>{f.get(), std::move(begin).value()};
    if (!refused) refused = begin.status();
  }
  if (refused) return Status::InvalidArgument(Where(step) + ": " + refused->message());
  return Status::InvalidArgument(Where(step) + ": a nemesis " + step.f +
                                 " that none of this run's faults (" + FaultNames(faults) +
                                 ") begins or ends with");
}

}  // namespace

std::vector<RecordedStep> RecordedSchedule(const History& history) {
  int64_t origin = 0;
  for (const Op& op : history.ops()) {
    if (!op.is_nemesis()) {
      origin = op.time;
      break;
    }
  }
  std::vector<RecordedStep> steps;
  for (const Op& op : history.ops()) {
    if (!op.is_nemesis() || op.type != OpType::kInvoke) continue;
    RecordedStep s;
    s.offset = std::chrono::nanoseconds(std::max<int64_t>(0, op.time - origin));
    s.f = op.f.str();
    s.value = op.value;
    s.line = op.SourceLine();
    steps.push_back(std::move(s));
  }
  return steps;
}

Result<std::vector<RecordedStep>> ReadRecordedSchedule(const std::string& history_path) {
  Result<LoadedHistory> loaded = ReadHistoryFile(history_path, HistoryFormat::kJsonl);
  if (!loaded.ok()) return loaded.status();
  return RecordedSchedule(loaded->history);
}

Result<std::unique_ptr<ReplayedSchedule>> ReplayedSchedule::Make(
    std::vector<std::unique_ptr<Fault>> faults, const std::vector<RecordedStep>& steps) {
  std::unique_ptr<ReplayedSchedule> s(new ReplayedSchedule(std::move(faults)));
  Fault* begun = nullptr;  // one fault at a time, as FaultSchedule runs them
  for (const RecordedStep& step : steps) {
    if (begun != nullptr && step.f == begun->ops().end) {
      s->plan_.push_back({step.offset, begun, std::nullopt});
      begun = nullptr;
      continue;
    }
    auto begin = MatchBegin(s->faults_, step);
    if (!begin.ok()) {
      bool ends_one = false;
      for (const auto& f : s->faults_) ends_one |= f->ops().end == step.f;
      if (!ends_one) return begin.status();
      return Status::InvalidArgument(Where(step) + ": a nemesis " + step.f +
                                     " with no begin of its fault before it");
    }
    begun = begin->first;
    s->plan_.push_back({step.offset, begin->first, std::move(begin->second)});
  }
  return s;
}

void ReplayedSchedule::Run(Clock::time_point end, const std::function<bool()>& stop,
                           const FaultRecorder& record) {
  const Clock::time_point start = Clock::now();
  for (const Planned& p : plan_) {
    const bool in_time = WaitUntil(start + p.offset, end, stop);
    // A fault held when the run ends is ended at once, as FaultSchedule ends it, rather than
    // by HealAll once the workers' last ops are done (up to an op timeout later).
    if (!in_time && p.begin) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (p.begin) {
      TakeStep(*p.begin, record);
    } else if (auto step = p.fault->End()) {
      // Nothing in force (the begin failed this time) leaves nothing to end or record.
      TakeStep(*step, record);
    }
    if (!in_time) return;
  }
}

void ReplayedSchedule::HealAll(const FaultRecorder& record) {
  std::lock_guard<std::mutex> lock(mu_);
  EndAll(faults_, record);
}

}  // namespace faultline
