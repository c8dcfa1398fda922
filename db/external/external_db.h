// --db external: a database faultline knows nothing about, brought up and down by the user's
// own shell commands (ExternalDbSpec), run on every node over the cluster's SSH sessions with
// placeholders ({node} {address} {port} {dir} {nodes}) substituted shell-quoted. Its clients
// are external ones (--client-cmd, external_client.h); it has no primary. Thread-safe as Db
// requires: commands on one node run in sequence (its Remote serializes them).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

// --db external's options: the user's own automation, shell commands run on every node over
// SSH with placeholders substituted (docs/external-client.md). test.json records them under
// "db" with these keys.
struct ExternalDbSpec {
  std::string setup, teardown;             // required: install/start, stop/wipe
  std::string start, kill, pause, resume;  // optional: what the kill and pause faults run
  std::vector<std::string> logs;           // files downloaded from each node into nodes/<n>/
  int port = 0;                            // where clients reach the database on each node
  double timeout = 120;                    // seconds one command may take on one node
  std::string commands_file;               // --db-commands FILE.json they came from, if any

  nlohmann::json ToJson() const {
    return {{"setup", setup}, {"teardown", teardown}, {"start", start},
            {"kill", kill},   {"pause", pause},       {"resume", resume},
            {"logs", logs},   {"port", port},         {"timeout", timeout},
            {"commands_file", commands_file}};
  }
};

// Reads --db-commands FILE.json — {"setup":…,"teardown":…} and optionally "start", "kill",
// "pause", "resume" (strings), "logs" (a list of paths), "port" (1..65535), "timeout"
// (seconds) — into *spec. InvalidInput names the file, the key and what it expects; unknown
// keys are errors, so a typo cannot silently drop a command.
Status LoadDbCommandsFile(const std::string& path, ExternalDbSpec* spec);

// The inverse of ExternalDbSpec::ToJson (test.json of a stored run); absent fields keep their
// defaults. Throws nlohmann::json::exception on a field of the wrong type.
ExternalDbSpec ExternalDbSpecFromJson(const nlohmann::json& j);

// `command` with every {name} in `vars` replaced by ShellQuote(value); other braces are left
// alone (shell code uses them too).
std::string SubstitutePlaceholders(const std::string& command,
                                   const std::map<std::string, std::string>& vars);

class ExternalDb : public Db {
 public:
  // Runs setup on every node at once. If any fails: teardown on every node, and an error
  // naming the node, the command, its exit status and output.
  static Result<std::unique_ptr<ExternalDb>> Setup(Cluster& cluster, const ExternalDbSpec& spec,
                                                   RunLog& log);
  ~ExternalDb() override;  // teardown on every node at once; failures go to the run log

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  // Unsupported: the clients of an external database are external (--client-cmd).
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return RunOn(node, "kill", spec_.kill); }
  Status Restart(const std::string& node) override { return RunOn(node, "start", spec_.start); }
  Status Pause(const std::string& node) override { return RunOn(node, "pause", spec_.pause); }
  Status Resume(const std::string& node) override { return RunOn(node, "resume", spec_.resume); }
  std::optional<std::string> Primary() override { return std::nullopt; }
  // Downloads each of spec.logs (placeholders substituted) into dir/<node>/<file name>.
  Status CollectLogs(const std::string& dir) override;
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  ExternalDb(Cluster& cluster, ExternalDbSpec spec, RunLog& log)
      : cluster_(cluster), spec_(std::move(spec)), log_(log) {}
  // The placeholders' values on node i.
  std::map<std::string, std::string> Vars(size_t i) const;
  // Runs `command` (what: "setup", "kill", …) on node i; an error unless it exits 0.
  Status RunOnIndex(size_t i, const std::string& what, const std::string& command);
  Status RunOn(const std::string& node, const std::string& what, const std::string& command);
  // Runs `command` on every node at once; the errors of those that failed, "" if none did.
  std::string RunEverywhere(const std::string& what, const std::string& command);

  Cluster& cluster_;
  const ExternalDbSpec spec_;
  RunLog& log_;
};

}  // namespace faultline
