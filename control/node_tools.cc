#include "control/node_tools.h"

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace faultline {
namespace {

namespace fs = std::filesystem;

struct ToolInfo {
  const char* file;
  const char* env;
  const char* built;  // this build's path (compile definitions set by the top CMakeLists)
  int mode;
};

const ToolInfo& Info(NodeTool t) {
  static const ToolInfo kTools[] = {
      {"faultline-store", "FAULTLINE_STORE_BIN", FAULTLINE_STORE_BIN, 0755},
      {"libfaultline_clock.so", "FAULTLINE_CLOCK_LIB", FAULTLINE_CLOCK_LIB, 0644},
      {"faultline-clock", "FAULTLINE_CLOCK_TOOL", FAULTLINE_CLOCK_TOOL, 0755},
      {"faultline-delayd", "FAULTLINE_DELAYD_BIN", FAULTLINE_DELAYD_BIN, 0755},
  };
  return kTools[static_cast<size_t>(t)];
}

constexpr NodeTool kAll[] = {NodeTool::kStore, NodeTool::kClockLib, NodeTool::kClockTool,
                             NodeTool::kDelayd};

}  // namespace

const char* NodeToolFile(NodeTool tool) { return Info(tool).file; }

Result<std::string> FindLocalTool(NodeTool tool) {
  const ToolInfo& info = Info(tool);
  if (const char* env = std::getenv(info.env); env && *env) {
    if (!fs::exists(env)) {
      return Status::InvalidArgument(std::string("$") + info.env + "=" + env + ": no such file");
    }
    return std::string(env);
  }
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path() / info.file)) {
    return (self.parent_path() / info.file).string();
  }
  if (fs::exists(info.built)) return std::string(info.built);
  return Status::InvalidArgument(std::string("cannot find ") + info.file + ": not next to " +
                                 self.string() + " nor at " + info.built + "; set $" +
                                 info.env);
}

Result<NodeTools> NodeTools::Install(Cluster& cluster) {
  std::array<std::string, 4> local;
  for (NodeTool t : kAll) {
    auto p = FindLocalTool(t);
    if (!p.ok()) return p.status();
    // Absolute: nodes run the tools from their own working directories.
    local[static_cast<size_t>(t)] = fs::absolute(*p).string();
  }
  NodeTools tools;
  const size_t n = cluster.nodes().size();
  if (cluster.local()) {
    tools.paths_.assign(n, local);
    return tools;
  }
  tools.paths_.resize(n);
  std::vector<Status> results(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Remote& r = cluster.remote(i);
      const std::string bin = cluster.node_dir(i) + "/bin";
      auto made = ExecChecked(r, "mkdir -p " + ShellQuote(bin), std::chrono::seconds(10));
      if (!made.ok()) {
        results[i] = made.status();
        return;
      }
      for (NodeTool t : kAll) {
        const std::string dest = bin + "/" + Info(t).file;
        Status s = r.Upload(local[static_cast<size_t>(t)], dest, Info(t).mode);
        if (!s.ok()) {
          results[i] = Status::IoError("uploading " + std::string(Info(t).file) + " to " +
                                       r.Describe() + ": " + s.message());
          return;
        }
        tools.paths_[i][static_cast<size_t>(t)] = dest;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return tools;
}

}  // namespace faultline
