// NamesDb: a Db whose nodes are names, for testing process faults without a database. Kill,
// restart, pause and resume succeed unless the node is `broken`; each appends "ACTION NODE"
// to `actions` — the log a test may also write its recorded ops to, to see their order. Not
// thread-safe: one schedule (or test) calls it at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/db.h"

namespace faultline {

class NamesDb : public Db {
 public:
  std::string Describe() const override { return "names"; }
  std::vector<std::string> Nodes() const override { return {"n1", "n2", "n3"}; }
  Result<std::unique_ptr<Client>> OpenClient(const std::string&) override {
    return Status::Unsupported("no clients");
  }
  Status Kill(const std::string& n) override { return Act("kill", n); }
  Status Restart(const std::string& n) override { return Act("restart", n); }
  Status Pause(const std::string& n) override { return Act("pause", n); }
  Status Resume(const std::string& n) override { return Act("resume", n); }
  std::optional<std::string> Primary() override { return primary; }
  Status CollectLogs(const std::string&) override { return Status::Ok(); }

  Status Act(const std::string& what, const std::string& node) {
    actions.push_back(what + " " + node);
    if (node == broken) return Status::IoError(node + " is broken");
    return Status::Ok();
  }
  std::vector<std::string> actions;
  std::optional<std::string> primary = "n2";
  std::string broken;
};

}  // namespace faultline
