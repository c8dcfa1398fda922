// BuiltinDb: the built-in store as the harness sees it (the Db and Client seams): a
// LocalCluster of faultline-store processes, and clients that follow the primary's hint when
// a node refuses an op up front. Thread-safe as Db requires; each client is one worker's.
#pragma once

#include <memory>
#include <string>

#include "db/builtin/local_cluster.h"
#include "harness/client.h"
#include "harness/run_log.h"

namespace faultline {

struct BuiltinDbOptions {
  int nodes = 5;
  std::string replication = "primary";
  int r = 0, w = 0;
  std::string run_dir;  // nodes/<n>/ data and logs go here while the run goes
};

class BuiltinDb : public Db {
 public:
  static Result<std::unique_ptr<BuiltinDb>> Start(const BuiltinDbOptions& options, RunLog& log);

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return cluster_->Kill(node); }
  Status Restart(const std::string& node) override { return cluster_->Restart(node); }
  std::optional<std::string> Primary() override;
  // The logs already live in run_dir/nodes/<n>/; this only checks they are there.
  Status CollectLogs(const std::string& dir) override;

 private:
  BuiltinDb(BuiltinDbOptions options, std::unique_ptr<LocalCluster> cluster)
      : options_(std::move(options)), cluster_(std::move(cluster)) {}
  const BuiltinDbOptions options_;
  std::unique_ptr<LocalCluster> cluster_;
};

// Where the faultline-store executable is: $FAULTLINE_STORE_BIN, else next to the running
// faultline binary, else where this build put it.
std::string FindStoreBinary();

}  // namespace faultline
