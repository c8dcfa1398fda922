// faultline-clock: sets, resets and shows a node's clock file, which libfaultline_clock.so
// reads in every process of that node (docs/faults.md, "Clock skew").
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nemesis/clock/clock_file.h"

namespace faultline {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 3;  // bad usage or input (the project's convention)
constexpr int kExitSetup = 4;  // the file could not be created, read or written

constexpr const char* kUsage =
    "usage: faultline-clock set FILE --offset-ms N [--strobe-delta-ms D --strobe-period-ms P]\n"
    "       faultline-clock reset FILE\n"
    "       faultline-clock show FILE\n"
    "\n"
    "Processes started with LD_PRELOAD=libfaultline_clock.so FAULTLINE_CLOCK_FILE=FILE see\n"
    "CLOCK_REALTIME shifted by the offset in FILE; changes apply on their next clock call.\n"
    "  set    writes the whole setting (an omitted strobe means no strobe). With a strobe the\n"
    "         offset is N during even periods of P ms of real time and N+D during odd ones.\n"
    "  reset  offset 0, no strobe.\n"
    "  show   prints offset_ms=… strobe_delta_ms=… strobe_period_ms=… effective_offset_ms=…\n"
    "set and reset create FILE (mode 0644) if it is missing and otherwise update it in place;\n"
    "never replace or truncate the file by other means: running processes keep it mapped.\n"
    "Exit status: 0 ok, 3 bad usage or input, 4 the file could not be created, read or written.\n";

struct Command {
  std::string verb;
  std::string path;
  ClockSettings settings;
};

Result<int64_t> ParseMillis(std::string_view option, std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(std::string(option) + ": '" + std::string(text) +
                                   "' is not a whole number of milliseconds");
  }
  return value;
}

// Parses "--name VALUE" or "--name=VALUE" options after `set FILE`.
Status ParseSetOptions(const std::vector<std::string_view>& args, ClockSettings* settings) {
  bool have_offset = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    std::string_view value;
    if (const size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Status::InvalidArgument(std::string(name) + " needs a value");
    }
    int64_t* field = nullptr;
    if (name == "--offset-ms") {
      field = &settings->offset_ms;
      have_offset = true;
    } else if (name == "--strobe-delta-ms") {
      field = &settings->strobe_delta_ms;
    } else if (name == "--strobe-period-ms") {
      field = &settings->strobe_period_ms;
    } else {
      return Status::InvalidArgument("unknown option '" + std::string(name) +
                                     "'; expected --offset-ms, --strobe-delta-ms or "
                                     "--strobe-period-ms");
    }
    Result<int64_t> parsed = ParseMillis(name, value);
    if (!parsed.ok()) return parsed.status();
    *field = *parsed;
  }
  if (!have_offset) return Status::InvalidArgument("set needs --offset-ms N (0 for none)");
  return ValidateClockSettings(*settings);
}

Result<Command> ParseCommand(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return Status::InvalidArgument("missing command; expected set, reset or show");
  Command command;
  command.verb = args[0];
  if (command.verb != "set" && command.verb != "reset" && command.verb != "show") {
    return Status::InvalidArgument("unknown command '" + command.verb +
                                   "'; expected set, reset or show");
  }
  if (args.size() < 2 || args[1].empty() || args[1].starts_with("--")) {
    return Status::InvalidArgument(command.verb + " needs the clock FILE as its first argument");
  }
  command.path = args[1];
  std::vector<std::string_view> rest(args.begin() + 2, args.end());
  if (command.verb == "set") {
    FAULTLINE_RETURN_IF_ERROR(ParseSetOptions(rest, &command.settings));
  } else if (!rest.empty()) {
    return Status::InvalidArgument(command.verb + " takes only FILE; unexpected '" +
                                   std::string(rest[0]) + "'");
  }
  return command;
}

int64_t RealNowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);  // this tool is never run under the preload library
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "faultline-clock: %s\n", status.message().c_str());
  const bool bad_input = status.code() == Status::Code::kInvalidArgument ||
                         status.code() == Status::Code::kInvalidInput;
  return bad_input ? kExitUsage : kExitSetup;
}

int Run(const Command& command) {
  if (command.verb == "show") {
    Result<ClockFile> file = ClockFile::OpenExisting(command.path);
    if (!file.ok()) return Fail(file.status());
    Result<ClockSettings> s = file->Read();
    if (!s.ok()) return Fail(s.status());
    std::printf(
        "offset_ms=%lld strobe_delta_ms=%lld strobe_period_ms=%lld "
        "effective_offset_ms=%lld\n",
        static_cast<long long>(s->offset_ms), static_cast<long long>(s->strobe_delta_ms),
        static_cast<long long>(s->strobe_period_ms),
        static_cast<long long>(EffectiveOffsetMs(*s, RealNowMs())));
    return kExitOk;
  }
  Result<ClockFile> file = ClockFile::OpenOrCreate(command.path);
  if (!file.ok()) return Fail(file.status());
  Status status = file->Write(command.verb == "reset" ? ClockSettings{} : command.settings);
  return status.ok() ? kExitOk : Fail(status);
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(faultline::kUsage, stdout);
    return 0;
  }
  faultline::Result<faultline::Command> command = faultline::ParseCommand(argc, argv);
  if (!command.ok()) {
    std::fprintf(stderr, "faultline-clock: %s (see faultline-clock --help)\n",
                 command.status().message().c_str());
    return faultline::kExitUsage;
  }
  return faultline::Run(*command);
}
