#include "harness/interrupt.h"

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace faultline {
namespace {

std::atomic<int> g_signals{0};
int g_wake[2] = {-1, -1};  // the handler writes a byte here on the second signal
std::mutex g_cleanup_mu;
std::function<void()> g_cleanup;  // guarded by g_cleanup_mu

void OnSignal(int) {
  const int n = g_signals.fetch_add(1) + 1;
  if (n >= 3 || g_wake[1] < 0) _exit(130);  // async-signal-safe
  if (n == 2) {
    static const char kMsg[] = "\nfaultline: healing and exiting (again to quit at once)\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    const char byte = 1;
    (void)!write(g_wake[1], &byte, 1);
    return;
  }
  static const char kMsg[] = "\nfaultline: stopping (again to heal and quit)\n";
  (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
}

// Waits for the second signal, runs the cleanup (bounded), exits.
void ForcedExitLoop() {
  char byte;
  while (read(g_wake[0], &byte, 1) != 1) {
  }
  // The cleanup runs holding g_cleanup_mu, so the main thread, which clears it before it
  // destroys what the cleanup uses, waits rather than pulling those objects away.
  std::thread([] {
    std::lock_guard<std::mutex> lock(g_cleanup_mu);
    if (g_cleanup) g_cleanup();
    _exit(130);
  }).detach();
  std::this_thread::sleep_for(std::chrono::seconds(15));
  _exit(130);
}

}  // namespace

void InstallInterruptHandler() {
  if (g_wake[0] < 0 && pipe2(g_wake, O_CLOEXEC) == 0) {
    std::thread(ForcedExitLoop).detach();
  }
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool InterruptRequested() { return g_signals.load() > 0; }

void SetForcedExitCleanup(std::function<void()> cleanup) {
  std::lock_guard<std::mutex> lock(g_cleanup_mu);
  g_cleanup = std::move(cleanup);
}

void ResetInterrupt() { g_signals = 0; }

}  // namespace faultline
