// Helpers for the external client tests: whether a process still runs, and whether this test
// process has left zombie children. Linux /proc only.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace faultline::testing {

// The state letter of `pid` ('R', 'S', 'Z'…), or 0 when there is no such process.
inline char ProcessState(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
  return stat[paren + 2];
}

// Gone, or a zombie someone else (init) will collect: not running any more.
inline bool NotRunning(pid_t pid) {
  const char s = ProcessState(pid);
  return s == 0 || s == 'Z' || s == 'X';
}

// Children of this process that exited and were never reaped.
inline std::vector<pid_t> ZombieChildren() {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (state == 'Z' && ppid == ::getpid()) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace faultline::testing
