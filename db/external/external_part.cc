#include "db/external/external_part.h"

#include <algorithm>

#include "db/external/external_db.h"

namespace faultline {
namespace {

bool Asks(const TestSpec& spec, std::initializer_list<const char*> faults) {
  return std::any_of(spec.nemesis.faults.begin(), spec.nemesis.faults.end(),
                     [&](const std::string& w) {
                       return std::any_of(faults.begin(), faults.end(),
                                          [&](const char* f) { return w == f; });
                     });
}

// --db-commands FILE.json: its commands become the options' values.
Status Complete(nlohmann::json& options) {
  ExternalDbSpec e = ExternalDbSpecFromJson(options);
  if (e.commands_file.empty()) return Status::Ok();
  const std::string path = e.commands_file;
  e.commands_file.clear();
  FAULTLINE_RETURN_IF_ERROR(LoadDbCommandsFile(path, &e));
  options = e.ToJson();
  return Status::Ok();
}

Status Validate(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  const ExternalDbSpec e = ExternalDbSpecFromJson(s.db.options);
  if (s.client_cmd.empty()) {
    return bad("--db external needs --client-cmd \"PROGRAM ARGS\": faultline has no client of "
               "its own for it (docs/external-client.md)");
  }
  if (e.setup.empty() || e.teardown.empty()) {
    return bad("--db external needs --db-setup and --db-teardown (or --db-commands FILE.json "
               "with \"setup\" and \"teardown\")");
  }
  auto vars = ParseDbVars(e.vars);
  if (!vars.ok()) return vars.status();
  for (const auto& [name, value] : *vars) {
    const std::string placeholder = "{" + name + "}";
    bool used = false;
    for (const std::string* c : {&e.setup, &e.teardown, &e.start, &e.kill, &e.pause, &e.resume,
                                 &e.ready}) {
      used = used || c->find(placeholder) != std::string::npos;
    }
    if (!used) {
      return bad("--db-var " + name + "=" + value + ": " + placeholder +
                 " appears in none of the database's commands");
    }
  }
  if (Asks(s, {"kill"}) && (e.kill.empty() || e.start.empty())) {
    return bad("--nemesis kill with --db external needs \"kill\" and \"start\" commands in "
               "--db-commands FILE.json");
  }
  if (Asks(s, {"pause"}) && (e.pause.empty() || e.resume.empty())) {
    return bad("--nemesis pause with --db external needs \"pause\" and \"resume\" commands in "
               "--db-commands FILE.json");
  }
  return Status::Ok();
}

// "external: NAME" with the commands file's "name", else "external".
std::string Label(const nlohmann::json& options) {
  const std::string name = ExternalDbSpecFromJson(options).name;
  return name.empty() ? "external" : "external: " + name;
}

Result<std::unique_ptr<Db>> Make(const DbContext& c) {
  return AsDb(ExternalDb::Setup(c.cluster, ExternalDbSpecFromJson(c.options), c.log));
}

std::vector<OptionSpec> Options() {
  const char* kFromFile = "a command of --db-commands FILE.json";
  return {
      {.flag = "db-setup", .key = "setup",
       .help = "shell command run on every node over SSH to install and start the database; "
               "{node} {address} {port} {dir} {nodes} are substituted, shell-quoted"},
      {.flag = "db-teardown", .key = "teardown",
       .help = "shell command run on every node to stop and wipe it"},
      {.flag = "db-commands", .key = "commands_file",
       .help = "a JSON file with setup, teardown and optional start, kill, pause, resume, "
               "ready, ready_timeout, upload, name, logs, port, timeout "
               "(docs/external-client.md)"},
      {.flag = "db-var", .key = "vars", .type = OptionType::kStrings,
       .help = "NAME=VALUE: {NAME} in your commands becomes VALUE, shell-quoted (repeatable); "
               "your own settings, which a sweep varies with --axis NAME=V1,V2",
       .safety = true},
      {.flag = "db-port", .key = "port", .type = OptionType::kInt, .default_value = 0,
       .min = 0, .max = 65535,
       .help = "the port clients reach the database at on each node ({port})"},
      {.key = "start", .help = kFromFile},
      {.key = "kill", .help = kFromFile},
      {.key = "pause", .help = kFromFile},
      {.key = "resume", .help = kFromFile},
      {.key = "ready",
       .help = "a command of --db-commands FILE.json: exits 0 once the node serves"},
      {.key = "ready_timeout", .type = OptionType::kDouble, .default_value = 60.0, .min = 0.001,
       .help = "seconds `ready` may keep failing on a node after setup, start or resume"},
      {.key = "upload", .type = OptionType::kStrings,
       .help = "files and folders copied to {files} on every node before setup"},
      {.key = "db_name", .help = "your name for the database (\"name\" in --db-commands)"},
      {.key = "logs", .type = OptionType::kStrings, .help = "files collected from each node"},
      {.key = "timeout", .type = OptionType::kDouble, .default_value = 120.0, .min = 0.001,
       .help = "seconds one command may take on one node"},
  };
}

}  // namespace

DbPart ExternalDbPart() {
  DbPart p;
  p.name = "external";
  p.description = "any database, brought up by your own shell commands on the nodes and "
                  "driven by your own client program (--client-cmd)";
  p.options = Options();
  p.supports.workloads = {"register", "bank", "counter"};
  p.supports.clusters = {"local", "hosts"};
  p.supports.why_not_processes =
      "its commands run on the nodes over SSH: use --cluster local (root) or --nodes HOST,HOST,…";
  p.supports.why_no_clock = "it does not run under faultline's clock library";
  p.complete = Complete;
  p.validate = Validate;
  p.label = Label;
  p.make = Make;
  return p;
}

}  // namespace faultline
