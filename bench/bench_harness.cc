// Harness overhead: the whole runner (workers, generator, recorder streaming history.jsonl
// to disk, then the check) against an in-process client that does nothing, so every cycle
// spent is the harness's own. Prints recorded ops/s for each concurrency.
//   bench_harness [--seconds S] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "harness/results_store.h"
#include "harness/runner.h"
#include "tests/harness/fake_db.h"
#include "workloads/register_workload.h"

using namespace faultline;

int main(int argc, char** argv) {
  double seconds = 3;
  std::string dir = "/tmp/faultline-bench-harness";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  std::printf("concurrency  ops/s (recorded, history on disk)  history lines  verdict\n");
  for (int concurrency : {1, 2, 10}) {
    TestSpec spec;
    spec.time_limit = seconds;
    spec.concurrency = concurrency;
    spec.recovery = 0;
    spec.seed = 7;
    spec.results_root = dir;
    auto run_dir = CreateRunDir(dir, "harness");
    if (!run_dir.ok()) return 1;
    testing::MemoryDb db(testing::MemoryMode::kNoop);
    RegisterWorkload workload(RegisterWorkloadOptions{100, 0});
    RunLog log;
    const auto start = std::chrono::steady_clock::now();
    RunReport r = Runner(spec, db, workload, /*nemesis=*/nullptr, log).Run(*run_dir);
    (void)start;
    std::printf("%11d  %33.0f  %13lld  %s\n", concurrency, r.ops / 2 / seconds,
                static_cast<long long>(r.ops), VerdictName(r.verdict));
    std::filesystem::remove_all(*run_dir);
  }
  return 0;
}
