// How fast faults take hold on a 5-node local cluster: from the nemesis deciding a partition
// to the iptables rules in force on every node (NodeNetwork::SetPartition returns only after
// every node's update finished), healing, setting loss, and a kill + restart of a daemon on a
// node. Needs root; builds and removes its own cluster.
//   bench_nemesis [--reps N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "control/netns_cluster.h"
#include "control/node_daemon.h"
#include "nemesis/grudge.h"
#include "nemesis/node_network.h"

using namespace faultline;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

struct Quantiles {
  double p50, p99, max;
};

Quantiles Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  return {at(0.5), at(0.99), v.back()};
}

template <typename F>
void Measure(const char* what, int reps, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (Status s = f(i); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", what, s.message().c_str());
      return;
    }
    ms.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
  }
  Quantiles q = Summarize(ms);
  std::printf("%-36s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%d reps)\n", what, q.p50, q.p99,
              q.max, reps);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps")) reps = std::atoi(argv[i + 1]);
  }
  NetnsClusterOptions o;
  o.name = "bnem" + std::to_string(getpid());
  o.node_count = 5;
  auto cluster = NetnsCluster::Up(o);
  if (!cluster.ok()) {
    std::fprintf(stderr, "cluster up: %s\n", cluster.status().message().c_str());
    return 1;
  }
  NetnsCluster& c = **cluster;
  std::vector<std::string> names;
  for (const auto& n : c.nodes()) names.push_back(n.name);
  NodeNetwork net(c);
  Measure("prepare chains (5 nodes)", 1, [&](int) { return net.Prepare(); });
  Random rng(1);
  Measure("partition halves: decided → in force", reps, [&](int) {
    auto g = MakeGrudge("halves", names, rng, std::nullopt);
    return g.ok() ? net.SetPartition(*g) : g.status();
  });
  Measure("heal partition", reps, [&](int) { return net.SetPartition({}); });
  Measure("loss on 3 nodes", reps, [&](int) { return net.SetLoss({"n1", "n2", "n3"}, 0.2); });
  Measure("teardown chains (5 nodes)", 1, [&](int) { return net.Teardown(); });
  NodeDaemonSpec spec;
  spec.name = "sleep on n1";
  spec.argv = {"sleep", "1000"};
  spec.dir = c.node_dir(0) + "/bench";
  spec.log_path = spec.dir + "/log";
  NodeDaemon d(c.remote(0), spec);
  Measure("daemon start (over SSH)", reps, [&](int) {
    Status s = d.Start();
    return s.ok() ? d.Kill() : s;
  });
  return 0;
}
