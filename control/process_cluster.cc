#include "control/process_cluster.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "control/local_command.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

// A node of a ProcessCluster: commands run on this machine, files are copied.
class LocalRemote final : public Remote {
 public:
  explicit LocalRemote(std::string node) : node_(std::move(node)) {}

  std::string Describe() const override { return node_ + " (a local process)"; }

  // coreutils' timeout enforces the deadline (exit 124 when it ran out).
  Result<ExecResult> Exec(const std::string& command, std::chrono::milliseconds timeout) override {
    const std::string seconds = std::to_string(std::max<int64_t>(timeout.count(), 1) / 1000.0);
    auto r = RunLocal({"timeout", "--kill-after=1", seconds, "/bin/sh", "-c", command});
    if (!r.ok()) return r.status();
    if (r->exit_status == 124) {
      return Status::IoError(Describe() + ": `" + command + "` did not finish within " + seconds +
                             " s");
    }
    return ExecResult{r->exit_status, r->out, r->err};
  }

  Status Upload(const std::string& local_path, const std::string& remote_path, int mode) override {
    return Copy(local_path, remote_path, static_cast<fs::perms>(mode));
  }

  Status Download(const std::string& remote_path, const std::string& local_path) override {
    return Copy(remote_path, local_path, std::nullopt);
  }

 private:
  Status Copy(const std::string& from, const std::string& to, std::optional<fs::perms> mode) {
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (!ec && mode) fs::permissions(to, *mode, ec);
    if (ec) return Status::IoError(Describe() + ": copying " + from + " to " + to + ": " + ec.message());
    return Status::Ok();
  }

  const std::string node_;
};

}  // namespace

Result<std::unique_ptr<ProcessCluster>> ProcessCluster::Make(int nodes, const std::string& run_dir) {
  std::unique_ptr<ProcessCluster> c(new ProcessCluster);
  for (int i = 1; i <= nodes; ++i) {
    const std::string name = "n" + std::to_string(i);
    const std::string dir = run_dir + "/nodes/" + name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
    c->nodes_.push_back({name, "127.0.0.1"});
    c->dirs_.push_back(fs::absolute(dir).string());
    c->remotes_.push_back(std::make_unique<LocalRemote>(name));
  }
  return c;
}

std::string ProcessCluster::Describe() const {
  return "local processes (" + std::to_string(nodes_.size()) + " nodes on 127.0.0.1)";
}

}  // namespace faultline
