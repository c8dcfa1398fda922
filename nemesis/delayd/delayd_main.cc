// faultline-delayd: the delay fault's packet-holding daemon. An iptables NFQUEUE rule in a
// node's network namespace sends its packets here; each is held --delay-ms (± --jitter-ms)
// and then accepted. Start/stop order and options: kDelaydUsage (delayd_options.cc) and
// docs/faults.md, "Delay". Single-threaded: one poll loop.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "nemesis/delayd/delay_queue.h"
#include "nemesis/delayd/delayd_options.h"
#include "nemesis/delayd/nfqueue.h"

namespace faultline {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 3;
constexpr int kExitSetup = 4;
// Messages read between two release passes: bounds how late a due packet can be released
// while packets keep arriving (~0.1 ms of work).
constexpr int kReadBatch = 64;

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// What ended the loop, for the final log line.
struct Stop {
  bool requested = false;
  const char* why = "";
};

class Delayd {
 public:
  explicit Delayd(const DelaydOptions& o)
      : options_(o), held_(o.delay_ms * 1'000'000, o.jitter_ms * 1'000'000, o.seed) {}

  Status Run(int signal_fd) {
    Result<std::unique_ptr<NfQueue>> queue =
        NfQueue::Open(options_.queue, options_.max_queued, [this](uint32_t id) { OnPacket(id); });
    if (!queue.ok()) return queue.status();
    queue_ = std::move(*queue);
    std::printf("faultline-delayd: ready queue=%u delay_ms=%lld jitter_ms=%lld\n",
                unsigned{options_.queue}, static_cast<long long>(options_.delay_ms),
                static_cast<long long>(options_.jitter_ms));
    std::fflush(stdout);
    Stop stop;
    Status status;
    while (!stop.requested && status.ok()) {
      ReleaseDue(MonotonicNanos());
      status = WaitAndRead(signal_fd, &stop);
    }
    Shutdown();
    std::fprintf(stderr,
                 "faultline-delayd: queue %u stopped (%s): %llu packets delayed, at most %zu "
                 "held at once, %llu verdicts refused, %llu passed undelayed after %llu socket "
                 "overflows\n",
                 unsigned{options_.queue}, status.ok() ? stop.why : "error",
                 static_cast<unsigned long long>(packets_), held_.max_size(),
                 static_cast<unsigned long long>(refused_),
                 static_cast<unsigned long long>(queue_->missed_packets()),
                 static_cast<unsigned long long>(queue_->overflows()));
    queue_.reset();  // unbinds
    return status;
  }

 private:
  void OnPacket(uint32_t id) {
    held_.Push(id, MonotonicNanos());
    ++packets_;
  }

  void ReleaseDue(int64_t now_ns) {
    due_.clear();
    held_.PopDue(now_ns, &due_);
    Release(due_);
    // With fail-open the kernel passes a packet whose message overflowed the socket. A kernel
    // that queued it anyway would leave it stuck: once nothing is held, accept all up to the
    // last id received (a no-op when nothing is stuck).
    if (held_.size() == 0 && queue_->missed_packets() > repaired_misses_) {
      if (queue_->AcceptAllUpTo(queue_->last_id())) repaired_misses_ = queue_->missed_packets();
    }
  }

  // Without jitter packets are released in the order the kernel numbered them, and every held
  // packet has a higher id than every due one, so one batch verdict up to the last due id
  // accepts exactly the due ones; with jitter each gets its own verdict message.
  void Release(const std::vector<uint32_t>& ids) {
    if (ids.empty()) return;
    if (options_.jitter_ms == 0) {
      if (!queue_->AcceptAllUpTo(ids.back())) refused_ += ids.size();
      return;
    }
    if (!queue_->AcceptEach(ids)) refused_ += ids.size();
  }

  // Waits until a packet arrives, the next release is due, or a stop condition.
  Status WaitAndRead(int signal_fd, Stop* stop) {
    pollfd fds[3] = {
        {queue_->fd(), POLLIN, 0}, {signal_fd, POLLIN, 0}, {options_.lifeline_fd, POLLIN, 0}};
    const nfds_t count = options_.lifeline_fd >= 0 ? 3 : 2;
    timespec timeout{};
    timespec* timeout_ptr = nullptr;
    if (std::optional<int64_t> next = held_.NextRelease()) {
      const int64_t wait_ns = std::max<int64_t>(*next - MonotonicNanos(), 0);
      timeout = {static_cast<time_t>(wait_ns / 1'000'000'000), wait_ns % 1'000'000'000};
      timeout_ptr = &timeout;
    }
    if (ppoll(fds, count, timeout_ptr, nullptr) < 0) {
      if (errno == EINTR) return Status::Ok();
      return Status::IoError(std::string("poll failed: ") + std::strerror(errno));
    }
    if (fds[0].revents & POLLIN) {
      Result<int> read = queue_->ReadAvailable(kReadBatch);
      if (!read.ok()) return read.status();
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      if (read(signal_fd, &info, sizeof info) == sizeof info) {
        *stop = {true, info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM"};
      }
    }
    if (count == 3 && fds[2].revents != 0) {
      char buf[256];
      const ssize_t n = read(options_.lifeline_fd, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
          (fds[2].revents & (POLLHUP | POLLERR | POLLNVAL))) {
        *stop = {true, "lifeline closed"};
      }
    }
    return Status::Ok();
  }

  // Accepts everything held and everything still queued, then unbinds: the kernel would
  // drop whatever is queued when the queue goes away.
  void Shutdown() {
    for (int pass = 0; pass < 1000; ++pass) {  // bounded: packets may keep arriving
      due_.clear();
      held_.PopAll(&due_);
      Release(due_);
      Result<int> read = queue_->ReadAvailable(kReadBatch);
      if (!read.ok() || *read == 0) break;
    }
    // Ids are sequential: everything "after" the last one in wrap-around order is also newer.
    queue_->AcceptAllUpTo(queue_->last_id() + 0x7FFFFFFFu);
  }

  DelaydOptions options_;
  DelayQueue held_;
  std::unique_ptr<NfQueue> queue_;
  std::vector<uint32_t> due_;
  uint64_t packets_ = 0;
  uint64_t refused_ = 0;
  uint64_t repaired_misses_ = 0;
};

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  using namespace faultline;
  Result<DelaydOptions> options = ParseDelaydOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "faultline-delayd: %s (see faultline-delayd --help)\n",
                 options.status().message().c_str());
    return kExitUsage;
  }
  if (options->help) {
    std::fputs(kDelaydUsage, stdout);
    return kExitOk;
  }
  if (options->lifeline_fd >= 0 && fcntl(options->lifeline_fd, F_GETFD) < 0) {
    std::fprintf(stderr, "faultline-delayd: --lifeline-fd %d is not an open file descriptor\n",
                 options->lifeline_fd);
    return kExitUsage;
  }
  // Signals arrive through a descriptor so the loop handles them between two verdicts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    std::fprintf(stderr, "faultline-delayd: signalfd: %s\n", std::strerror(errno));
    return kExitSetup;
  }
  Delayd daemon(*options);
  Status status = daemon.Run(signal_fd);
  if (!status.ok()) {
    std::fprintf(stderr, "faultline-delayd: %s\n", status.message().c_str());
    return kExitSetup;
  }
  return kExitOk;
}
