// etcd throughput and latency: faultline's harness (the register workload, history recorded)
// at several concurrencies, then etcd's own `etcdctl check perf` on the same 5-member local
// cluster, in one run. Needs root (it builds a local cluster) and etcd-server, etcd-client.
//   bench_etcd [--seconds S] [--load s|m|l|xl] [--dir DIR]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "control/netns_cluster.h"
#include "db/etcd/etcd_db.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "workloads/register_workload.h"

using namespace faultline;

int main(int argc, char** argv) {
  double seconds = 20;
  std::string load = "l";
  std::string dir = "/tmp/faultline-bench-etcd";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--load")) load = argv[i + 1];
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  NetnsClusterOptions co;
  co.name = "betcd" + std::to_string(::getpid());
  auto cluster = NetnsCluster::Up(co);
  if (!cluster.ok()) {
    std::fprintf(stderr, "cluster: %s\n", cluster.status().message().c_str());
    return 1;
  }
  RunLog log;
  EtcdOptions eo;
  eo.cluster_token = co.name;
  // A fresh etcd for each run: the register workload's keys start empty.
  auto start_etcd = [&] {
    auto db = EtcdDb::Start(**cluster, eo, log);
    if (!db.ok()) {
      std::fprintf(stderr, "etcd: %s\n", db.status().message().c_str());
      std::exit(1);
    }
    return std::move(db).value();
  };
  std::printf("faultline, register workload (1/2 linearizable reads, 1/4 puts, 1/4 cas txns), "
              "%.0f s each\nconcurrency  ok/s   p50 ms  p99 ms  verdict\n", seconds);
  for (int concurrency : {5, 10, 50}) {
    TestSpec spec;
    spec.db.name = "etcd";
    spec.time_limit = seconds;
    spec.concurrency = concurrency;
    spec.recovery = 0;
    spec.seed = 7;
    spec.results_root = dir;
    auto run_dir = CreateRunDir(dir, "etcd");
    if (!run_dir.ok()) return 1;
    RegisterWorkload workload(RegisterWorkloadOptions{});
    std::unique_ptr<EtcdDb> db = start_etcd();
    RunReport r = Runner(spec, *db, workload, /*nemesis=*/nullptr, log).Run(*run_dir);
    nlohmann::json results;
    std::ifstream(*run_dir + "/results.json") >> results;
    const nlohmann::json& stats = results.at("stats");
    std::printf("%11d  %5.0f  %6.2f  %6.2f  %s\n", concurrency,
                stats.at("ok_per_second").get<double>(),
                stats.at("latency_ms").at("p50").get<double>(),
                stats.at("latency_ms").at("p99").get<double>(), VerdictName(r.verdict));
    std::fflush(stdout);
    std::filesystem::remove_all(*run_dir);
  }
  std::string endpoints;
  for (const auto& n : (*cluster)->nodes()) {
    endpoints += (endpoints.empty() ? "" : ",") + n.host + ":" + std::to_string(EtcdDb::kClientPort);
  }
  std::unique_ptr<EtcdDb> db = start_etcd();
  const std::string cmd = "ETCDCTL_API=3 etcdctl --endpoints=" + endpoints +
                          " check perf --load=" + load + " 2>&1 | tr '\\r' '\\n' | grep -v ' / 60 ' | tail -n 5";
  std::printf("\netcdctl check perf --load=%s (puts only, 60 s) on the same cluster:\n", load.c_str());
  std::fflush(stdout);
  if (std::system(cmd.c_str()) != 0) std::printf("(etcdctl reported a failed check)\n");
  return 0;
}
