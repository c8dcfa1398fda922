// Helpers for tests that build local clusters: a cluster name unique to this process, a
// skip when not root, and a guard that takes a cluster down when the test ends, pass or
// fail (also when Up failed half-way).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "control/local_command.h"
#include "control/netns_cluster.h"

namespace faultline::testing {

using std::chrono::milliseconds;
inline constexpr milliseconds kTimeout{10000};

// "t<pid><suffix>": unique per test process, so parallel ctest runs never share a cluster.
inline std::string TestClusterName(const std::string& suffix) {
  return "t" + std::to_string(::getpid()) + suffix;
}

// Takes cluster `name` down in its destructor.
class ClusterGuard {
 public:
  explicit ClusterGuard(std::string name) : name_(std::move(name)) {}
  ~ClusterGuard() {
    Status s = NetnsCluster::Down(name_);
    EXPECT_TRUE(s.ok()) << s.message();
  }
  ClusterGuard(const ClusterGuard&) = delete;
  ClusterGuard& operator=(const ClusterGuard&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Why local-cluster tests cannot run here, or "" when they can.
inline std::string LocalClusterUnavailable() {
  if (::geteuid() != 0) return "needs root (network namespaces, sshd per node)";
  return "";
}

#define FAULTLINE_REQUIRE_ROOT()                                             \
  do {                                                                       \
    const std::string why = ::faultline::testing::LocalClusterUnavailable(); \
    if (!why.empty()) GTEST_SKIP() << why;                                   \
  } while (0)

// Up with `nodes` nodes; fails the test (fatally) when it cannot.
inline std::unique_ptr<NetnsCluster> UpOrFail(const std::string& name, int nodes) {
  NetnsClusterOptions o;
  o.name = name;
  o.node_count = nodes;
  Result<std::unique_ptr<NetnsCluster>> c = NetnsCluster::Up(o);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("faultline-control-" + std::to_string(::getpid()) + "-" + std::to_string(count_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int count_ = 0;
  std::filesystem::path path_;
};

}  // namespace faultline::testing
