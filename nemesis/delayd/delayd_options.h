// DelaydOptions: faultline-delayd's command line, parsed and checked. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace faultline {

struct DelaydOptions {
  uint16_t queue = 0;           // --queue Q: the NFQUEUE number of the iptables rule (required)
  int64_t delay_ms = -1;        // --delay-ms D: how long every packet is held (required)
  int64_t jitter_ms = 0;        // --jitter-ms J: ± uniformly distributed, 0 = none
  uint64_t seed = 0;            // --seed S: for the jitter (the nemesis passes the run's seed)
  int lifeline_fd = -1;         // --lifeline-fd N: exit when this fd reaches EOF; -1 = none
  uint32_t max_queued = 65536;  // --max-queued N: kernel queue length; beyond it packets pass
  bool help = false;            // --help
};

inline constexpr int64_t kDelaydMaxDelayMs = 60'000;

// Parses argv; a message names the option and the expected value on bad input.
Result<DelaydOptions> ParseDelaydOptions(int argc, const char* const* argv);

// The --help text, including the start/stop order.
extern const char* const kDelaydUsage;

}  // namespace faultline
