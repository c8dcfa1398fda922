// The faultline subcommands. Each takes the arguments after its name and returns the
// process exit code (ARCHITECTURE §1). Called once from main; not for concurrent use.
#pragma once

#include <string>
#include <vector>

namespace faultline {

// Exit codes shared by every command.
inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUnknown = 2;
inline constexpr int kExitBadInput = 3;
inline constexpr int kExitSetupFailed = 4;

int RunCheck(const std::vector<std::string>& args);
int RunShrink(const std::vector<std::string>& args);
int RunTest(const std::vector<std::string>& args);
int RunSweep(const std::vector<std::string>& args);
int RunList(const std::vector<std::string>& args);
int RunAnalyze(const std::vector<std::string>& args);
int RunReplay(const std::vector<std::string>& args);
int RunReportCommand(const std::vector<std::string>& args);
int RunClusterCommand(const std::vector<std::string>& args);

}  // namespace faultline
