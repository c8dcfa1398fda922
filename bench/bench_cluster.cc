// Local cluster costs as a user feels them: `up` and `down` of a 5-node cluster, the round
// trip of one SSH exec (`true`) on a persistent session, 5 nodes exec'ing in parallel
// versus one after the other, and SCP throughput. Needs root.
//   bench_cluster [--runs N] [--execs N] [--name NAME]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <string>
#include <vector>

#include "control/netns_cluster.h"

using namespace faultline;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

bool ExecTrue(Remote& r) {
  Result<ExecResult> e = r.Exec("true", std::chrono::seconds(10));
  if (!e.ok()) std::fprintf(stderr, "%s\n", e.status().message().c_str());
  return e.ok() && e->exit_status == 0;
}

void UpDown(const NetnsClusterOptions& o, int runs) {
  std::vector<double> up, down;
  for (int i = 0; i < runs; ++i) {
    auto t = Clock::now();
    Result<std::unique_ptr<NetnsCluster>> c = NetnsCluster::Up(o);
    if (!c.ok()) {
      std::fprintf(stderr, "up: %s\n", c.status().message().c_str());
      std::exit(1);
    }
    up.push_back(Since(t));
    t = Clock::now();
    if (Status s = (*c)->TearDown(); !s.ok())
      std::fprintf(stderr, "down: %s\n", s.message().c_str());
    down.push_back(Since(t));
  }
  std::printf("up   (%d nodes, until every node answers SSH): median %.3f s  min %.3f  max %.3f\n",
              o.node_count, Quantile(up, 0.5), *std::min_element(up.begin(), up.end()),
              *std::max_element(up.begin(), up.end()));
  std::printf("down (%d nodes, nothing left):                median %.3f s  min %.3f  max %.3f\n",
              o.node_count, Quantile(down, 0.5), *std::min_element(down.begin(), down.end()),
              *std::max_element(down.begin(), down.end()));
}

void ExecLatency(NetnsCluster& c, int execs) {
  ExecTrue(c.remote(0));  // warm: the session exists
  std::vector<double> ms;
  for (int i = 0; i < execs; ++i) {
    const auto t = Clock::now();
    if (!ExecTrue(c.remote(0))) std::exit(1);
    ms.push_back(Since(t) * 1e3);
  }
  std::printf("exec `true` on n1, %d in sequence:  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", execs,
              Quantile(ms, 0.5), Quantile(ms, 0.99), *std::max_element(ms.begin(), ms.end()));
}

void ParallelExec(NetnsCluster& c, int rounds) {
  const size_t n = c.nodes().size();
  for (size_t i = 0; i < n; ++i) ExecTrue(c.remote(i));
  auto t = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < n; ++i) ExecTrue(c.remote(i));
  }
  const double sequential = Since(t);
  std::vector<double> round_ms;
  t = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    const auto rt = Clock::now();
    std::vector<std::future<bool>> f;
    for (size_t i = 0; i < n; ++i) {
      f.push_back(std::async(std::launch::async, [&c, i] { return ExecTrue(c.remote(i)); }));
    }
    for (auto& x : f) x.get();
    round_ms.push_back(Since(rt) * 1e3);
  }
  const double parallel = Since(t);
  std::printf(
      "exec `true` on all %zu nodes, %d rounds: one after the other %.1f ms/round, "
      "in parallel %.1f ms/round (p50 %.1f, p99 %.1f) — %.2fx\n",
      n, rounds, sequential * 1e3 / rounds, parallel * 1e3 / rounds, Quantile(round_ms, 0.5),
      Quantile(round_ms, 0.99), sequential / parallel);
}

void Transfer(NetnsCluster& c) {
  const std::string local = "/tmp/faultline-bench-cluster-" + std::to_string(::getpid());
  {
    std::mt19937 rng(1);
    std::string data(50u << 20, '\0');
    for (char& ch : data) ch = char(rng());
    std::ofstream(local, std::ios::binary) << data;
  }
  const std::string remote = c.node_dir(0) + "/blob";
  auto t = Clock::now();
  Status up = c.remote(0).Upload(local, remote, 0644);
  const double up_s = Since(t);
  t = Clock::now();
  Status down = c.remote(0).Download(remote, local + ".back");
  const double down_s = Since(t);
  std::filesystem::remove(local);
  std::filesystem::remove(local + ".back");
  if (!up.ok() || !down.ok()) {
    std::fprintf(stderr, "transfer: %s %s\n", up.message().c_str(), down.message().c_str());
    return;
  }
  std::printf("SCP 50 MiB to n1: upload %.0f MiB/s, download %.0f MiB/s\n", 50 / up_s, 50 / down_s);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5, execs = 1000;
  NetnsClusterOptions o;
  o.name = "bench" + std::to_string(::getpid());
  o.node_count = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--execs")) execs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--name")) o.name = argv[i + 1];
  }
  if (Status env = NetnsCluster::CheckEnvironment(); !env.ok()) {
    std::fprintf(stderr, "%s\n", env.message().c_str());
    return 4;
  }
  UpDown(o, runs);
  Result<std::unique_ptr<NetnsCluster>> c = NetnsCluster::Up(o);
  if (!c.ok()) {
    std::fprintf(stderr, "up: %s\n", c.status().message().c_str());
    return 1;
  }
  ExecLatency(**c, execs);
  ParallelExec(**c, execs / 10);
  Transfer(**c);
  return 0;  // the cluster is owned: its destructor takes it down
}
