// Ctrl-C / SIGTERM handling for a run: the first signal asks the run to stop cleanly (heal,
// flush and fsync the history, check what was recorded); a second one runs the registered
// forced-exit cleanup (best effort: heal faults, take a local cluster down; at most 15 s)
// and exits — the history on disk is still a valid prefix; a third exits at once.
// Process-wide; install once from main's thread.
#pragma once

#include <functional>

namespace faultline {

void InstallInterruptHandler();
bool InterruptRequested();
// What a second signal runs before exiting (replaces an earlier one; empty: nothing). It runs
// on a thread of its own while the rest of the program may still be running.
void SetForcedExitCleanup(std::function<void()> cleanup);
// For tests: forget an earlier request.
void ResetInterrupt();

}  // namespace faultline
