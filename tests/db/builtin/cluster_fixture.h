// Shared helpers for tests that run a local faultline-store cluster: a scratch run directory
// per test (kept on failure, with its path printed, so the node logs can be read), starting
// a cluster from the built binary, and a client per node.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/builtin/local_cluster.h"
#include "db/builtin/store_client.h"

namespace faultline {

inline Deadline In(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }
inline Deadline Soon() { return In(std::chrono::milliseconds(1000)); }

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    run_dir_ = std::filesystem::temp_directory_path() / "faultline-db-tests" /
               (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(run_dir_);
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "node logs kept in " << run_dir_ << "\n";
    } else {
      std::error_code ec;
      std::filesystem::remove_all(run_dir_, ec);
    }
  }

  std::unique_ptr<LocalCluster> StartCluster(ReplicationMode mode, int nodes, int r = 0, int w = 0,
                                             std::vector<std::string> extra = {}) {
    LocalClusterOptions o;
    o.node_count = nodes;
    o.replication = mode;
    o.r = r;
    o.w = w;
    o.store_binary = FAULTLINE_STORE_BIN;
    o.run_dir = run_dir_ / ("cluster" + std::to_string(clusters_++));
    o.extra_args = std::move(extra);
    Result<std::unique_ptr<LocalCluster>> cluster = LocalCluster::Start(o);
    EXPECT_TRUE(cluster.ok()) << cluster.status().message();
    return cluster.ok() ? std::move(*cluster) : nullptr;
  }

  static std::unique_ptr<StoreClient> ClientFor(const LocalCluster& cluster,
                                                const std::string& node) {
    for (const NodeAddress& e : cluster.Endpoints()) {
      if (e.name != node) continue;
      Result<std::unique_ptr<StoreClient>> client =
          StoreClient::Connect(e.host, e.port, std::chrono::milliseconds(1000));
      EXPECT_TRUE(client.ok()) << node << ": " << client.status().message();
      return client.ok() ? std::move(*client) : nullptr;
    }
    ADD_FAILURE() << "no node " << node;
    return nullptr;
  }

  // Polls until some node other than `old` reports itself primary, or `limit` passes.
  static std::string WaitForNewPrimary(LocalCluster& cluster, const std::string& old,
                                       std::chrono::milliseconds limit) {
    const Deadline deadline = In(limit);
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::string> primary = cluster.Primary();
      if (primary.ok() && *primary != old) return *primary;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  std::filesystem::path run_dir_;
  int clusters_ = 0;
};

}  // namespace faultline
