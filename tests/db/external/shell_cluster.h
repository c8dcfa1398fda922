// Fakes for --db external's tests: a Remote that runs each command with /bin/sh on this
// machine (uploads and downloads are copies), a Cluster of such "nodes", each with its own
// folder under a root, and ReadFile to look at what the commands left there. Thread-safe as far as the tests need (each node's Remote is used by one
// thread at a time).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/local_command.h"

namespace faultline {

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class ShellRemote : public Remote {
 public:
  std::string Describe() const override { return "local shell"; }
  Result<ExecResult> Exec(const std::string& command, std::chrono::milliseconds) override {
    auto r = RunLocal({"/bin/sh", "-c", command});
    if (!r.ok()) return r.status();
    return ExecResult{r->exit_status, r->out, r->err};
  }
  Status Upload(const std::string& local, const std::string& remote, int mode) override {
    std::error_code ec;
    std::filesystem::copy_file(local, remote, std::filesystem::copy_options::overwrite_existing,
                               ec);
    if (ec || ::chmod(remote.c_str(), static_cast<mode_t>(mode)) != 0) {
      return Status::IoError(local + " → " + remote + ": " + (ec ? ec.message() : "chmod"));
    }
    return Status::Ok();
  }
  Status Download(const std::string& remote, const std::string& local) override {
    std::error_code ec;
    std::filesystem::copy_file(remote, local, std::filesystem::copy_options::overwrite_existing,
                               ec);
    return ec ? Status::IoError(remote + ": " + ec.message()) : Status::Ok();
  }
};

class ShellCluster : public Cluster {
 public:
  ShellCluster(const std::filesystem::path& root, int n) : root_(root) {
    for (int i = 1; i <= n; ++i) {
      nodes_.push_back({"n" + std::to_string(i), "10.1.0." + std::to_string(i)});
      std::filesystem::create_directories(root / nodes_.back().name);
    }
    remotes_.resize(nodes_.size());
  }
  std::string Describe() const override { return "shell cluster"; }
  const std::vector<NodeAddress>& nodes() const override { return nodes_; }
  Remote& remote(size_t i) override { return remotes_[i]; }
  std::string control_address() const override { return "10.1.0.254"; }
  bool local() const override { return true; }
  std::string node_dir(size_t i) const override { return (root_ / nodes_[i].name).string(); }

 private:
  std::filesystem::path root_;
  std::vector<NodeAddress> nodes_;
  std::vector<ShellRemote> remotes_;
};

}  // namespace faultline
