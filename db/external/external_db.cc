#include "db/external/external_db.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "control/remote.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

// The end of a command's output, for messages.
std::string OutputTail(const ExecResult& r) {
  std::string s = r.err.empty() ? r.out : r.out + (r.out.empty() ? "" : "\n") + r.err;
  constexpr size_t kShown = 800;
  if (s.size() > kShown) s = "…" + s.substr(s.size() - kShown);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "(no output)" : s;
}

}  // namespace

Status LoadDbCommandsFile(const std::string& path, ExternalDbSpec* spec) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidInput(path + ": " + what +
                                "; expected {\"setup\":\"…\",\"teardown\":\"…\"} and optionally "
                                "\"start\", \"kill\", \"pause\", \"resume\" (commands), \"logs\" "
                                "(paths), \"port\", \"timeout\" (seconds)");
  };
  if (!spec->setup.empty() || !spec->teardown.empty()) {
    return Status::InvalidArgument("give --db-commands or --db-setup/--db-teardown, not both");
  }
  std::ifstream in(path);
  if (!in) return Status::InvalidInput(path + ": cannot read (--db-commands)");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not valid JSON");
  if (!j.is_object()) return bad("not a JSON object");
  std::map<std::string, std::string*> commands = {
      {"setup", &spec->setup}, {"teardown", &spec->teardown}, {"start", &spec->start},
      {"kill", &spec->kill},   {"pause", &spec->pause},       {"resume", &spec->resume}};
  for (const auto& [key, value] : j.items()) {
    if (auto c = commands.find(key); c != commands.end()) {
      if (!value.is_string()) return bad("\"" + key + "\" must be a string (a shell command)");
      *c->second = value.get<std::string>();
    } else if (key == "logs") {
      if (!value.is_array()) return bad("\"logs\" must be a list of file paths");
      for (const auto& f : value) {
        if (!f.is_string() || f.get<std::string>().empty()) {
          return bad("\"logs\" must be a list of file paths");
        }
        spec->logs.push_back(f.get<std::string>());
      }
    } else if (key == "port") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 65535) {
        return bad("\"port\" must be an integer 1..65535");
      }
      if (spec->port != 0)
        return Status::InvalidArgument("give --db-port or \"port\" in " + path + ", not both");
      spec->port = value.get<int>();
    } else if (key == "timeout") {
      if (!value.is_number() || value.get<double>() <= 0)
        return bad("\"timeout\" must be > 0 seconds");
      spec->timeout = value.get<double>();
    } else {
      return bad("unknown key \"" + key + "\"");
    }
  }
  if (spec->setup.empty() || spec->teardown.empty())
    return bad("\"setup\" and \"teardown\" are required");
  spec->commands_file = path;
  return Status::Ok();
}

ExternalDbSpec ExternalDbSpecFromJson(const nlohmann::json& j) {
  ExternalDbSpec e;
  e.setup = j.value("setup", e.setup);
  e.teardown = j.value("teardown", e.teardown);
  e.start = j.value("start", e.start);
  e.kill = j.value("kill", e.kill);
  e.pause = j.value("pause", e.pause);
  e.resume = j.value("resume", e.resume);
  e.logs = j.value("logs", e.logs);
  e.port = j.value("port", e.port);
  e.timeout = j.value("timeout", e.timeout);
  e.commands_file = j.value("commands_file", e.commands_file);
  return e;
}

std::string SubstitutePlaceholders(const std::string& command,
                                   const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t i = 0;
  while (i < command.size()) {
    const size_t open = command.find('{', i);
    const size_t close = open == std::string::npos ? open : command.find('}', open + 1);
    if (close == std::string::npos) break;
    auto v = vars.find(command.substr(open + 1, close - open - 1));
    if (v == vars.end()) {  // not ours: keep the brace, look again after it
      out.append(command, i, open + 1 - i);
      i = open + 1;
      continue;
    }
    out.append(command, i, open - i);
    out += ShellQuote(v->second);
    i = close + 1;
  }
  out.append(command, i, std::string::npos);
  return out;
}

Result<std::unique_ptr<ExternalDb>> ExternalDb::Setup(Cluster& cluster, const ExternalDbSpec& spec,
                                                      RunLog& log) {
  std::unique_ptr<ExternalDb> db(new ExternalDb(cluster, spec, log));
  log.Info("external db: setup on " + cluster.Describe());
  const std::string errors = db->RunEverywhere("setup", spec.setup);
  if (errors.empty()) return db;
  // ~ExternalDb runs the teardown everywhere: a half-done setup may have started something.
  db.reset();
  return Status::IoError(errors + "\n(teardown was run on every node; see faultline.log)");
}

ExternalDb::~ExternalDb() {
  log_.Info("external db: teardown");
  const std::string errors = RunEverywhere("teardown", spec_.teardown);
  if (!errors.empty()) log_.Info(errors);
}

std::string ExternalDb::Describe() const {
  return "external (" + std::to_string(cluster_.nodes().size()) + " nodes)";
}

std::vector<std::string> ExternalDb::Nodes() const {
  std::vector<std::string> names;
  for (const NodeAddress& n : cluster_.nodes()) names.push_back(n.name);
  return names;
}

Result<std::unique_ptr<Client>> ExternalDb::OpenClient(const std::string& node) {
  return Status::Unsupported("--db external has no client of its own; give --client-cmd");
}

std::map<std::string, std::string> ExternalDb::Vars(size_t i) const {
  const auto& nodes = cluster_.nodes();
  const std::string port = spec_.port > 0 ? ":" + std::to_string(spec_.port) : "";
  std::string all;
  for (const NodeAddress& n : nodes)
    all += (all.empty() ? "" : ",") + n.name + "=" + n.host + port;
  return {{"node", nodes[i].name},
          {"address", nodes[i].host},
          {"port", std::to_string(spec_.port)},
          {"dir", cluster_.node_dir(i)},
          {"nodes", all}};
}

Status ExternalDb::RunOnIndex(size_t i, const std::string& what, const std::string& command) {
  const std::string node = cluster_.nodes()[i].name;
  if (command.empty()) {
    return Status::Unsupported("--db external has no \"" + what + "\" command (--db-commands)");
  }
  const std::string line = SubstitutePlaceholders(command, Vars(i));
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(spec_.timeout * 1000));
  Result<ExecResult> r = cluster_.remote(i).Exec(line, timeout);
  if (!r.ok()) return Status::IoError(node + ": db " + what + ": " + r.status().message());
  log_.Info("external db: " + what + " on " + node + ": exit " + std::to_string(r->exit_status));
  if (r->exit_status != 0) {
    return Status::IoError(node + ": db " + what + " `" + line + "` exited " +
                           std::to_string(r->exit_status) + ":\n" + OutputTail(*r));
  }
  return Status::Ok();
}

Status ExternalDb::RunOn(const std::string& node, const std::string& what,
                         const std::string& command) {
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == node) return RunOnIndex(i, what, command);
  }
  return Status::InvalidArgument("no node " + node);
}

std::string ExternalDb::RunEverywhere(const std::string& what, const std::string& command) {
  const size_t n = cluster_.nodes().size();
  std::vector<Status> results(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { results[i] = RunOnIndex(i, what, command); });
  }
  for (auto& t : threads) t.join();
  std::string errors;
  for (const Status& s : results) {
    if (!s.ok()) errors += (errors.empty() ? "" : "\n") + s.message();
  }
  return errors;
}

Status ExternalDb::CollectLogs(const std::string& dir) {
  Status first;
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string local_dir = dir + "/" + nodes[i].name;
    std::error_code ec;
    fs::create_directories(local_dir, ec);
    for (const std::string& pattern : spec_.logs) {
      // A path, not a shell word: placeholders go in as they are.
      std::string remote = pattern;
      for (const auto& [name, value] : Vars(i)) {
        const std::string placeholder = "{" + name + "}";
        for (size_t at = 0; (at = remote.find(placeholder, at)) != std::string::npos;) {
          remote.replace(at, placeholder.size(), value);
          at += value.size();
        }
      }
      Status s = cluster_.remote(i).Download(
          remote, local_dir + "/" + fs::path(remote).filename().string());
      if (!s.ok() && first.ok())
        first = Status::IoError(nodes[i].name + ": log " + remote + ": " + s.message());
    }
  }
  return first;
}

Result<std::vector<NodeAddress>> ExternalDb::ClientEndpoints() const {
  std::vector<NodeAddress> out;
  for (const NodeAddress& n : cluster_.nodes()) {
    out.push_back({n.name, n.host, static_cast<uint16_t>(spec_.port)});
  }
  return out;
}

}  // namespace faultline
