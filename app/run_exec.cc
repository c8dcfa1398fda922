#include "app/run_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRunFile = "faultline-run";

// faultline-run next to /proc/self/exe, else where this build wrote it, else "".
std::string FindRunExecutable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = self.parent_path() / kRunFile;
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  const std::string built = FAULTLINE_RUN_BIN;
  if (!built.empty() && ::access(built.c_str(), X_OK) == 0) return built;
  return "";
}

}  // namespace

int ExecRunCommand(int argc, char** argv) {
  const std::string path = FindRunExecutable();
  if (path.empty()) {
    std::cerr << "faultline " << argv[1] << ": cannot find " << kRunFile
              << " (it must be in the same folder as faultline; the build puts it at "
              << FAULTLINE_RUN_BIN << ")\n";
    return kExitSetupFailed;
  }
  std::vector<char*> args(argv, argv + argc);
  args.push_back(nullptr);
  args[0] = const_cast<char*>(path.c_str());
  ::execv(path.c_str(), args.data());
  std::cerr << "faultline " << argv[1] << ": cannot run " << path << ": " << std::strerror(errno)
            << "\n";
  return kExitSetupFailed;
}

}  // namespace faultline
