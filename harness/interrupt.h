// Ctrl-C / SIGTERM handling for a run: the first signal asks the run to stop cleanly (heal,
// flush and fsync the history, check what was recorded); a second one exits at once — the
// history on disk is still a valid prefix. Process-wide; install once from main's thread.
#pragma once

namespace faultline {

void InstallInterruptHandler();
bool InterruptRequested();
// For tests: forget an earlier request.
void ResetInterrupt();

}  // namespace faultline
