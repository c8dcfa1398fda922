#include "nemesis/delayd/delayd_options.h"

#include <charconv>
#include <limits>
#include <string_view>

namespace faultline {

const char* const kDelaydUsage =
    "usage: faultline-delayd --queue Q --delay-ms D [--jitter-ms J] [--seed S]\n"
    "                        [--lifeline-fd N] [--max-queued N]\n"
    "\n"
    "Holds every packet an iptables NFQUEUE rule sends to queue Q for D ms (± J ms, uniform,\n"
    "seeded by S) and then accepts it. Run it in the network namespace of the rule.\n"
    "  --queue Q         queue number 0..65535 (queues are per network namespace)\n"
    "  --delay-ms D      0..60000\n"
    "  --jitter-ms J     0..60000 (a packet is never released before it arrived; jitter\n"
    "                    reorders packets, as netem does)\n"
    "  --seed S          seed of the jitter (default 0)\n"
    "  --lifeline-fd N   exit when fd N reaches end of file (the parent died or closed it)\n"
    "  --max-queued N    kernel queue length (default 65536); with it full, packets pass\n"
    "                    undelayed (fail-open) instead of being dropped\n"
    "\n"
    "Order: 1. start faultline-delayd and wait for its line 'faultline-delayd: ready ...' on\n"
    "stdout; 2. add the rule, e.g.\n"
    "   iptables -N faultline-delay; iptables -I OUTPUT -j faultline-delay\n"
    "   iptables -A faultline-delay -j NFQUEUE --queue-num Q --queue-bypass\n"
    "3. to heal, delete the rule (flush the chain) first, 4. then stop the daemon with SIGTERM\n"
    "or SIGINT: it accepts every packet it still holds, unbinds the queue and exits 0.\n"
    "With --queue-bypass, packets pass undelayed whenever no daemon is bound to the queue, so a\n"
    "crashed daemon never cuts the node off; a packet held when the daemon is killed with\n"
    "SIGKILL is dropped (TCP resends it).\n"
    "Exit status: 0 stopped cleanly, 3 bad usage, 4 the queue could not be bound (not root? the\n"
    "queue already taken in this namespace?).\n";

namespace {

template <typename T>
Status ParseNumber(std::string_view name, std::string_view text, T min, T max, T* out) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return Status::InvalidArgument(std::string(name) + ": '" + std::string(text) +
                                   "' is not a whole number in " + std::to_string(min) + ".." +
                                   std::to_string(max));
  }
  *out = value;
  return Status::Ok();
}

}  // namespace

Result<DelaydOptions> ParseDelaydOptions(int argc, const char* const* argv) {
  DelaydOptions o;
  bool have_queue = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view name = argv[i];
    if (name == "--help" || name == "-h") {
      o.help = true;
      return o;
    }
    std::string_view value;
    if (const size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Status::InvalidArgument(std::string(name) + " needs a value");
    }
    Status s;
    if (name == "--queue") {
      s = ParseNumber<uint16_t>(name, value, 0, 65535, &o.queue);
      have_queue = true;
    } else if (name == "--delay-ms") {
      s = ParseNumber<int64_t>(name, value, 0, kDelaydMaxDelayMs, &o.delay_ms);
    } else if (name == "--jitter-ms") {
      s = ParseNumber<int64_t>(name, value, 0, kDelaydMaxDelayMs, &o.jitter_ms);
    } else if (name == "--seed") {
      s = ParseNumber<uint64_t>(name, value, 0, std::numeric_limits<uint64_t>::max(), &o.seed);
    } else if (name == "--lifeline-fd") {
      s = ParseNumber<int>(name, value, 0, std::numeric_limits<int>::max(), &o.lifeline_fd);
    } else if (name == "--max-queued") {
      s = ParseNumber<uint32_t>(name, value, 1, 1u << 24, &o.max_queued);
    } else {
      return Status::InvalidArgument("unknown option '" + std::string(name) +
                                     "'; expected --queue, --delay-ms, --jitter-ms, --seed, "
                                     "--lifeline-fd or --max-queued");
    }
    FAULTLINE_RETURN_IF_ERROR(s);
  }
  if (!have_queue) return Status::InvalidArgument("--queue Q is required");
  if (o.delay_ms < 0) return Status::InvalidArgument("--delay-ms D is required");
  return o;
}

}  // namespace faultline
