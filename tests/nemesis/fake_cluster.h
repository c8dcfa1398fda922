// A Cluster whose Remotes only record the commands they are given (and can be told to fail),
// for testing what the nemesis asks of nodes without any node. Thread-safe.
#pragma once

#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"

namespace faultline {

class RecordingRemote : public Remote {
 public:
  explicit RecordingRemote(std::string name) : name_(std::move(name)) {}
  std::string Describe() const override { return name_; }
  Result<ExecResult> Exec(const std::string& command, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    commands_.push_back(command);
    if (fail_) return Status::IoError(name_ + ": connection refused");
    return ExecResult{0, "", ""};
  }
  Status Upload(const std::string&, const std::string&, int) override { return Status::Ok(); }
  Status Download(const std::string&, const std::string&) override { return Status::Ok(); }

  std::vector<std::string> commands() {
    std::lock_guard<std::mutex> lock(mu_);
    return commands_;
  }
  void set_fail(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = f;
  }

 private:
  const std::string name_;
  std::mutex mu_;
  std::vector<std::string> commands_;
  bool fail_ = false;
};

class FakeCluster : public Cluster {
 public:
  explicit FakeCluster(int n) {
    for (int i = 1; i <= n; ++i) {
      nodes_.push_back({"n" + std::to_string(i), "10.9.0." + std::to_string(10 + i)});
      remotes_.push_back(std::make_unique<RecordingRemote>("n" + std::to_string(i)));
    }
  }
  std::string Describe() const override { return "fake"; }
  const std::vector<NodeAddress>& nodes() const override { return nodes_; }
  Remote& remote(size_t i) override { return *remotes_[i]; }
  RecordingRemote& recording(size_t i) { return *remotes_[i]; }
  std::string control_address() const override { return "10.9.0.1"; }
  bool local() const override { return true; }
  std::string node_dir(size_t i) const override { return "/tmp/fake/" + nodes_[i].name; }

 private:
  std::vector<NodeAddress> nodes_;
  std::vector<std::unique_ptr<RecordingRemote>> remotes_;
};

// NodeTools "installed" on a fake cluster: the tools are only named in the commands the fake
// nodes record, so any file will do (/bin/true; the environment is restored afterwards).
inline Result<NodeTools> FakeNodeTools(Cluster& c) {
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  for (const char* env : {"FAULTLINE_STORE_BIN", "FAULTLINE_CLOCK_LIB", "FAULTLINE_CLOCK_TOOL",
                          "FAULTLINE_DELAYD_BIN"}) {
    const char* was = std::getenv(env);
    saved.emplace_back(env, was ? std::optional<std::string>(was) : std::nullopt);
    setenv(env, "/bin/true", 1);
  }
  auto tools = NodeTools::Install(c);
  for (const auto& [env, was] : saved) {
    if (was) {
      setenv(env.c_str(), was->c_str(), 1);
    } else {
      unsetenv(env.c_str());
    }
  }
  return tools;
}

}  // namespace faultline
