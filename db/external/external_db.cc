#include "db/external/external_db.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "control/remote.h"
#include "harness/interrupt.h"

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

using Bad = std::function<Status(const std::string&)>;

// A command: a string, or a JSON list of lines (one script). nullopt when it is neither.
std::optional<std::string> CommandOf(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_array()) return std::nullopt;
  std::vector<std::string> lines;
  for (const auto& line : value) {
    if (!line.is_string()) return std::nullopt;
    lines.push_back(line.get<std::string>());
  }
  return ScriptOfLines(lines);
}

// A list of non-empty strings into *out, or an error saying "KEY must be a list of WHAT".
Status PathsOf(const std::string& key, const nlohmann::json& value, const Bad& bad,
               std::vector<std::string>* out) {
  const Status wrong = bad("\"" + key + "\" must be a list of file paths");
  if (!value.is_array()) return wrong;
  for (const auto& f : value) {
    if (!f.is_string() || f.get<std::string>().empty()) return wrong;
    out->push_back(f.get<std::string>());
  }
  return Status::Ok();
}

Status ReadSeconds(const std::string& key, const nlohmann::json& value, const Bad& bad,
                   double* out) {
  if (!value.is_number() || value.get<double>() <= 0) {
    return bad("\"" + key + "\" must be > 0 seconds");
  }
  *out = value.get<double>();
  return Status::Ok();
}

// One key of the commands file `path` into *spec (its commands_file already set).
Status ReadKey(const std::string& path, const std::string& key, const nlohmann::json& value,
               const Bad& bad, ExternalDbSpec* spec) {
  const std::map<std::string, std::string*> commands = {
      {"setup", &spec->setup}, {"teardown", &spec->teardown}, {"start", &spec->start},
      {"kill", &spec->kill},   {"pause", &spec->pause},       {"resume", &spec->resume},
      {"ready", &spec->ready}};
  if (auto c = commands.find(key); c != commands.end()) {
    std::optional<std::string> command = CommandOf(value);
    if (!command) {
      return bad("\"" + key +
                 "\" must be a string (a shell command) or a list of strings (the "
                 "lines of one script)");
    }
    *c->second = *command;
  } else if (key == "logs") {
    return PathsOf(key, value, bad, &spec->logs);
  } else if (key == "upload") {
    FAULTLINE_RETURN_IF_ERROR(PathsOf(key, value, bad, &spec->upload));
    auto plan = PlanUploads(spec->Here(), spec->upload);
    if (!plan.ok()) return bad("\"upload\": " + plan.status().message());
  } else if (key == "name") {
    if (!value.is_string()) return bad("\"name\" must be a string (your name for the database)");
    spec->name = value.get<std::string>();
  } else if (key == "port") {
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 65535) {
      return bad("\"port\" must be an integer 1..65535");
    }
    if (spec->port != 0)
      return Status::InvalidArgument("give --db-port or \"port\" in " + path + ", not both");
    spec->port = value.get<int>();
  } else if (key == "timeout" || key == "ready_timeout") {
    return ReadSeconds(key, value, bad, key == "timeout" ? &spec->timeout : &spec->ready_timeout);
  } else {
    return bad("unknown key \"" + key + "\"");
  }
  return Status::Ok();
}

}  // namespace

std::string ExternalDbSpec::Here() const {
  if (commands_file.empty()) return fs::current_path().string();
  return fs::path(commands_file).lexically_normal().parent_path().string();
}

std::string ScriptOfLines(const std::vector<std::string>& lines) {
  std::string script = "set -e";
  for (const std::string& line : lines) script += "\n" + line;
  return script;
}

Status LoadDbCommandsFile(const std::string& path, ExternalDbSpec* spec) {
  const Bad bad = [&](const std::string& what) {
    return Status::InvalidInput(path + ": " + what +
                                "; expected {\"setup\":\"…\",\"teardown\":\"…\"} and optionally "
                                "\"start\", \"kill\", \"pause\", \"resume\", \"ready\" (commands), "
                                "\"ready_timeout\" (seconds), \"upload\", \"logs\" (paths), "
                                "\"name\", \"port\", \"timeout\" (seconds)");
  };
  if (!spec->setup.empty() || !spec->teardown.empty()) {
    return Status::InvalidArgument("give --db-commands or --db-setup/--db-teardown, not both");
  }
  std::ifstream in(path);
  if (!in) return Status::InvalidInput(path + ": cannot read (--db-commands)");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not valid JSON");
  if (!j.is_object()) return bad("not a JSON object");
  spec->commands_file = fs::absolute(path).string();
  for (const auto& [key, value] : j.items()) {
    FAULTLINE_RETURN_IF_ERROR(ReadKey(path, key, value, bad, spec));
  }
  if (spec->setup.empty() || spec->teardown.empty())
    return bad("\"setup\" and \"teardown\" are required");
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
  e.ready = j.value("ready", e.ready);
  e.ready_timeout = j.value("ready_timeout", e.ready_timeout);
  e.upload = j.value("upload", e.upload);
  e.name = j.value("db_name", e.name);
  e.logs = j.value("logs", e.logs);
  e.port = j.value("port", e.port);
  e.timeout = j.value("timeout", e.timeout);
  e.commands_file = j.value("commands_file", e.commands_file);
  e.vars = j.value("vars", e.vars);
  return e;
}

Result<std::map<std::string, std::string>> ParseDbVars(const std::vector<std::string>& words) {
  std::map<std::string, std::string> vars;
  for (const std::string& w : words) {
    const size_t eq = w.find('=');
    const std::string name = w.substr(0, eq);
    if (eq == std::string::npos || name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
            std::string::npos) {
      return Status::InvalidArgument("--db-var " + w + ": expected NAME=VALUE (NAME of letters, "
                                     "digits and _), which makes {NAME} VALUE in your commands");
    }
    for (const char* builtin : kBuiltinPlaceholders) {
      if (name == builtin) {
        return Status::InvalidArgument("--db-var " + w + ": {" + name + "} is faultline's own "
                                       "placeholder; choose another name");
      }
    }
    vars[name] = w.substr(eq + 1);
  }
  return vars;
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
  auto uploads = PlanUploads(spec.Here(), spec.upload);
  if (!uploads.ok())
    return Status::InvalidInput("--db external upload: " + uploads.status().message());
  std::unique_ptr<ExternalDb> db(new ExternalDb(cluster, spec, log));
  log.Info("external db: setup on " + cluster.Describe());
  const std::string errors =
      db->RunEverywhere([&](size_t i) { return db->SetUpNode(i, *uploads); });
  if (errors.empty()) return db;
  // ~ExternalDb runs the teardown everywhere: a half-done setup may have started something.
  db.reset();
  return Status::IoError(errors + "\n(teardown was run on every node; see faultline.log)");
}

ExternalDb::~ExternalDb() {
  log_.Info("external db: teardown");
  const std::string errors =
      RunEverywhere([this](size_t i) { return RunOnIndex(i, "teardown", spec_.teardown); });
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
  // Checked by the part's validation: a bad word never reaches a run.
  auto parsed = ParseDbVars(spec_.vars);
  std::map<std::string, std::string> vars = parsed.ok() ? *parsed : decltype(vars){};
  vars.merge(std::map<std::string, std::string>{{"node", nodes[i].name},
                                                {"address", nodes[i].host},
                                                {"port", std::to_string(spec_.port)},
                                                {"dir", cluster_.node_dir(i)},
                                                {"nodes", all},
                                                {"here", spec_.Here()},
                                                {"files", FilesDir(i)}});
  return vars;
}

std::string ExternalDb::FilesDir(size_t i) const { return cluster_.node_dir(i) + "/files"; }

Status ExternalDb::SetUpNode(size_t i, const UploadPlan& uploads) {
  const Clock::time_point start = Clock::now();
  if (!uploads.files.empty() || !uploads.folders.empty()) {
    Status sent = SendUploads(cluster_.remote(i), uploads, FilesDir(i), CommandTimeout());
    if (!sent.ok()) return Status::IoError(cluster_.nodes()[i].name + ": " + sent.message());
    log_.Info("external db: uploaded " + std::to_string(uploads.files.size()) + " files to " +
              cluster_.nodes()[i].name + ":" + FilesDir(i));
  }
  FAULTLINE_RETURN_IF_ERROR(RunOnIndex(i, "setup", spec_.setup));
  FAULTLINE_RETURN_IF_ERROR(WaitReady(i, "setup"));
  log_.Step("db: " + cluster_.nodes()[i].name + " set up" + (spec_.ready.empty() ? "" : " and ready") +
            " in " + SecondsSince(start));
  return Status::Ok();
}

Status ExternalDb::WaitReady(size_t i, const std::string& after) {
  if (spec_.ready.empty()) return Status::Ok();
  const std::string line = SubstitutePlaceholders(spec_.ready, Vars(i));
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(int64_t(spec_.ready_timeout * 1000));
  constexpr auto kPoll = std::chrono::milliseconds(200);
  std::string last;
  for (int tries = 1;; ++tries) {
    // Each try ends by the deadline (but gets at least one poll interval).
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    Result<ExecResult> r = cluster_.remote(i).Exec(line, std::clamp(left, kPoll, CommandTimeout()));
    if (r.ok() && r->exit_status == 0) {
      log_.Info("external db: " + cluster_.nodes()[i].name + " ready " + SecondsSince(start) +
                " after " + after + " (try " + std::to_string(tries) + ")");
      return Status::Ok();
    }
    last = r.ok() ? "exited " + std::to_string(r->exit_status) + ":\n" + OutputTail(*r)
                  : r.status().message();
    if (Clock::now() + kPoll > deadline || InterruptRequested()) break;
    std::this_thread::sleep_for(kPoll);
  }
  char waited[32];
  std::snprintf(waited, sizeof waited, "%g", spec_.ready_timeout);
  return Status::IoError(cluster_.nodes()[i].name + ": db not ready within " + waited +
                         " s after " + after + ": `" + line + "` " + last);
}

Status ExternalDb::RunOnIndex(size_t i, const std::string& what, const std::string& command) {
  const std::string node = cluster_.nodes()[i].name;
  if (command.empty()) {
    return Status::Unsupported("--db external has no \"" + what + "\" command (--db-commands)");
  }
  const std::string line = SubstitutePlaceholders(command, Vars(i));
  Result<ExecResult> r = cluster_.remote(i).Exec(line, CommandTimeout());
  if (!r.ok()) return Status::IoError(node + ": db " + what + ": " + r.status().message());
  log_.Info("external db: " + what + " on " + node + ": exit " + std::to_string(r->exit_status));
  if (r->exit_status != 0) {
    return Status::IoError(node + ": db " + what + " `" + line + "` exited " +
                           std::to_string(r->exit_status) + ":\n" + OutputTail(*r));
  }
  return Status::Ok();
}

Status ExternalDb::RunOn(const std::string& node, const std::string& what,
                         const std::string& command, bool then_ready) {
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name != node) continue;
    FAULTLINE_RETURN_IF_ERROR(RunOnIndex(i, what, command));
    return then_ready ? WaitReady(i, what) : Status::Ok();
  }
  return Status::InvalidArgument("no node " + node);
}

std::string ExternalDb::RunEverywhere(const std::function<Status(size_t)>& step) {
  const size_t n = cluster_.nodes().size();
  std::vector<Status> results(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { results[i] = step(i); });
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
