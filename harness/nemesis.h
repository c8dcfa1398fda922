// Nemesis: the fault schedule of a run as the runner sees it (Jepsen's nemesis + its
// generator). The runner calls Run on a thread of its own during the main phase and HealAll
// when the main phase ends — and on every error or interrupt — so no fault outlives a run.
// Implementations are thread-safe: HealAll may run while Run is still returning.
#pragma once

#include <functional>

#include "core/history.h"
#include "harness/client.h"

namespace faultline {

// Records one nemesis op, stamping its index and time: called with the invoke right before a
// fault acts and with the info completion once it is done.
using FaultRecorder = std::function<void(Op)>;

class Nemesis {
 public:
  virtual ~Nemesis() = default;
  // Injects faults until `end` or until `stop()` returns true, recording each begin and end
  // as an invoke/info pair.
  virtual void Run(Clock::time_point end, const std::function<bool()>& stop,
                   const FaultRecorder& record) = 0;
  // Ends every fault still in force (idempotent), recording each end as an invoke/info pair.
  virtual void HealAll(const FaultRecorder& record) = 0;
};

}  // namespace faultline
