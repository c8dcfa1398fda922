// --db external: a database faultline knows nothing about, brought up and down by the user's
// own shell commands (ExternalDbSpec), run on every node over the cluster's SSH sessions with
// placeholders ({node} {address} {port} {dir} {nodes} {here} {files}) substituted
// shell-quoted, after the files it names were uploaded; an optional `ready` command says when
// a node serves. Its clients are external ones (--client-cmd, external_client.h); it has no
// primary. Thread-safe as Db requires: commands on one node run in sequence (its Remote
// serializes them).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "db/external/node_files.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

// --db external's options: the user's own automation, shell commands run on every node over
// SSH with placeholders substituted (docs/external-client.md). test.json records them under
// "db" with these keys.
struct ExternalDbSpec {
  std::string setup, teardown;             // required: install/start, stop/wipe
  std::string start, kill, pause, resume;  // optional: what the kill and pause faults run
  // Optional: exits 0 once the node serves. Polled every 0.2 s (up to ready_timeout seconds)
  // after setup and after every start and resume; without it, those must return only once
  // the node serves.
  std::string ready;
  double ready_timeout = 60;
  // Files and folders (relative to the commands file's folder) copied to {files} on every
  // node before setup.
  std::vector<std::string> upload;
  std::string name;               // the user's own name for the database ("" none): its label
  std::vector<std::string> logs;  // files downloaded from each node into nodes/<n>/
  int port = 0;                   // where clients reach the database on each node
  double timeout = 120;           // seconds one command may take on one node
  std::string commands_file;      // --db-commands FILE.json they came from (absolute), if any
  // --db-var NAME=VALUE: the user's own placeholders, {NAME} in every command (a sweep's
  // axes over the user's settings: --axis sync=on,off).
  std::vector<std::string> vars;

  // {here}: the commands file's folder; without one, the working directory.
  std::string Here() const;

  // The keys are the part's option keys (external_part.cc); "name" is "db_name" there, as a
  // part's "name" in test.json is the part's own.
  nlohmann::json ToJson() const {
    return {{"setup", setup},     {"teardown", teardown},
            {"start", start},     {"kill", kill},
            {"pause", pause},     {"resume", resume},
            {"ready", ready},     {"ready_timeout", ready_timeout},
            {"upload", upload},   {"db_name", name},
            {"logs", logs},       {"port", port},
            {"timeout", timeout}, {"commands_file", commands_file},
            {"vars", vars}};
  }
};

// Reads --db-commands FILE.json — {"setup":…,"teardown":…} and optionally "start", "kill",
// "pause", "resume", "ready" (commands), "ready_timeout" (seconds), "upload" (paths relative
// to the file's folder, which must exist), "name" (a string), "logs" (a list of paths),
// "port" (1..65535), "timeout" (seconds) — into *spec. A command is a string, or a list of
// lines run as one script after `set -e` (ScriptOfLines). InvalidInput names the file, the key
// and what it expects; unknown keys are errors, so a typo cannot silently drop a command.
Status LoadDbCommandsFile(const std::string& path, ExternalDbSpec* spec);

// The inverse of ExternalDbSpec::ToJson (test.json of a stored run); absent fields keep their
// defaults. Throws nlohmann::json::exception on a field of the wrong type.
ExternalDbSpec ExternalDbSpecFromJson(const nlohmann::json& j);

// The lines of a command given as a JSON list, as one `sh -c` script that stops at the
// first line that fails: "set -e" and the lines, joined by newlines.
std::string ScriptOfLines(const std::vector<std::string>& lines);

// The placeholders faultline fills itself, which --db-var may not redefine.
inline constexpr const char* kBuiltinPlaceholders[] = {"node", "address", "port", "dir",
                                                       "nodes", "here", "files"};

// --db-var words as {NAME: VALUE}; InvalidArgument for a word that is not NAME=VALUE with a
// NAME of letters, digits and '_', or that names one of kBuiltinPlaceholders.
Result<std::map<std::string, std::string>> ParseDbVars(const std::vector<std::string>& words);

// `command` with every {name} in `vars` replaced by ShellQuote(value); other braces are left
// alone (shell code uses them too).
std::string SubstitutePlaceholders(const std::string& command,
                                   const std::map<std::string, std::string>& vars);

class ExternalDb : public Db {
 public:
  // Runs setup on every node at once. If any fails: teardown on every node, and an error
  // naming the node, the command, its exit status and output.
  // Each node: the uploads (to {files}), setup, then `ready` until it succeeds (an error
  // naming the node when it does not within ready_timeout).
  static Result<std::unique_ptr<ExternalDb>> Setup(Cluster& cluster, const ExternalDbSpec& spec,
                                                   RunLog& log);
  ~ExternalDb() override;  // teardown on every node at once; failures go to the run log

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  // Unsupported: the clients of an external database are external (--client-cmd).
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  // start and resume return once `ready` succeeds on the node (an error if it never does).
  Status Kill(const std::string& node) override { return RunOn(node, "kill", spec_.kill); }
  Status Restart(const std::string& node) override {
    return RunOn(node, "start", spec_.start, /*then_ready=*/true);
  }
  Status Pause(const std::string& node) override { return RunOn(node, "pause", spec_.pause); }
  Status Resume(const std::string& node) override {
    return RunOn(node, "resume", spec_.resume, /*then_ready=*/true);
  }
  std::optional<std::string> Primary() override { return std::nullopt; }
  // Downloads each of spec.logs (placeholders substituted) into dir/<node>/<file name>.
  Status CollectLogs(const std::string& dir) override;
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  ExternalDb(Cluster& cluster, ExternalDbSpec spec, RunLog& log)
      : cluster_(cluster), spec_(std::move(spec)), log_(log) {}
  // The placeholders' values on node i.
  std::map<std::string, std::string> Vars(size_t i) const;
  std::string FilesDir(size_t i) const;  // {files}
  std::chrono::milliseconds CommandTimeout() const {
    return std::chrono::milliseconds(static_cast<int64_t>(spec_.timeout * 1000));
  }
  // Runs `command` (what: "setup", "kill", …) on node i; an error unless it exits 0.
  Status RunOnIndex(size_t i, const std::string& what, const std::string& command);
  // RunOnIndex on the node named `node`, then (then_ready) WaitReady.
  Status RunOn(const std::string& node, const std::string& what, const std::string& command,
               bool then_ready = false);
  // Polls spec_.ready on node i every 0.2 s until it exits 0; an error naming the node and
  // `after` (the command before) once ready_timeout has passed. Ok at once without `ready`.
  Status WaitReady(size_t i, const std::string& after);
  // The uploads, setup and readiness of node i.
  Status SetUpNode(size_t i, const UploadPlan& uploads);
  // Runs step(i) for every node at once; the errors of those that failed, "" if none did.
  std::string RunEverywhere(const std::function<Status(size_t)>& step);

  Cluster& cluster_;
  const ExternalDbSpec spec_;
  RunLog& log_;
};

}  // namespace faultline
