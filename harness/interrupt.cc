#include "harness/interrupt.h"

#include <csignal>
#include <unistd.h>

#include <atomic>

namespace faultline {
namespace {

std::atomic<int> g_signals{0};

void OnSignal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);  // async-signal-safe
  static const char kMsg[] = "\nfaultline: stopping (again to quit at once)\n";
  (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
}

}  // namespace

void InstallInterruptHandler() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool InterruptRequested() { return g_signals.load() > 0; }

void ResetInterrupt() { g_signals = 0; }

}  // namespace faultline
