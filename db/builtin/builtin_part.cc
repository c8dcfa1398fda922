#include "db/builtin/builtin_part.h"

#include "db/builtin/builtin_db.h"
#include "db/builtin/builtin_prediction.h"

namespace faultline {
namespace {

Status Validate(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  const std::string replication = OptString(s.db.options, "replication");
  const std::string read_from = OptString(s.db.options, "read_from");
  const int64_t r = OptInt(s.db.options, "r"), w = OptInt(s.db.options, "w");
  if (replication == "crdt" && s.workload.name != "counter") {
    return bad("--replication crdt serves only counter add and read; the " + s.workload.name +
               " workload's ops would all be refused (unsupported in crdt mode): use "
               "--workload counter, or another --replication");
  }
  if (read_from == "any" && replication != "primary" && replication != "async") {
    return bad("--read-from any applies to --replication primary or async (replicas answering "
               "reads); " + replication + " has no replicas that refuse them");
  }
  if (r > s.cluster.nodes || w > s.cluster.nodes) {
    return bad("--r and --w must be between 0 (majority) and --nodes");
  }
  if ((r || w) && replication != "quorum") return bad("--r/--w apply to --replication quorum");
  if (replication != "quorum" && (OptString(s.db.options, "quorum_versions") != "lww" ||
                                  OptString(s.db.options, "quorum_reads") != "plain")) {
    return bad("--quorum-versions/--quorum-reads apply to --replication quorum");
  }
  return Status::Ok();
}

// "builtin · quorum replication (r 2, w majority)", "builtin · quorum replication (r 2, w 2,
// versioned, write-back reads)", "builtin · async replication, reads from any node": its
// safety settings as they were given (the quorum settings when not the defaults).
std::string Label(const nlohmann::json& o) {
  const std::string mode = o.value("replication", "primary");
  std::string label = "builtin · " + mode + " replication";
  auto quorum = [&](const char* key) {
    const int64_t n = o.value(key, int64_t{0});
    return n == 0 ? std::string("majority") : std::to_string(n);
  };
  if (mode == "quorum") {
    label += " (r " + quorum("r") + ", w " + quorum("w");
    const std::string versions = o.value("quorum_versions", "lww");
    const std::string reads = o.value("quorum_reads", "plain");
    if (versions != "lww") label += ", " + versions;
    if (reads != "plain") label += ", " + reads + " reads";
    label += ")";
  }
  if (o.value("read_from", "primary") == "any") label += ", reads from any node";
  return label;
}

Result<std::unique_ptr<Db>> Make(const DbContext& c) {
  const nlohmann::json& workload = c.test.workload.options;
  BuiltinDbOptions o;
  o.nodes = c.test.cluster.nodes;
  o.cluster = &c.cluster;
  o.tools = c.tools;
  o.replication = OptString(c.options, "replication");
  o.r = static_cast<int>(OptInt(c.options, "r"));
  o.w = static_cast<int>(OptInt(c.options, "w"));
  // The defaults go unsaid: the servers' command lines stay what they were before the flags.
  if (OptString(c.options, "quorum_versions") != "lww") {
    o.quorum_versions = OptString(c.options, "quorum_versions");
  }
  if (OptString(c.options, "quorum_reads") != "plain") {
    o.quorum_reads = OptString(c.options, "quorum_reads");
  }
  o.run_dir = c.run_dir;
  o.client.workload = c.test.workload.name;
  o.client.accounts = workload.value("accounts", o.client.accounts);
  o.client.allow_negative = workload.value("allow_negative", o.client.allow_negative);
  o.client.read_from_any = OptString(c.options, "read_from") == "any";
  o.client.seed = c.test.seed;
  o.extra_args = OptStrings(c.options, "db_args");
  return AsDb(BuiltinDb::Start(o, c.log));
}

}  // namespace

DbPart BuiltinDbPart() {
  DbPart p;
  p.name = "builtin";
  p.description = "faultline's own replicated store, with deliberately safe and unsafe "
                  "replication modes";
  p.options = {
      {.flag = "replication", .default_value = "primary",
       .choices = {"primary", "async", "quorum", "crdt"},
       .help = "primary (a write is acknowledged once every live replica has it), async "
               "(acknowledged before replicas have it), quorum (r/w quorums), or crdt (counter "
               "only: merged state, no coordination)",
       .safety = true},
      {.flag = "r", .type = OptionType::kInt, .default_value = 0, .min = 0, .max = 15,
       .help = "quorum: read quorum (0: majority)", .safety = true},
      {.flag = "w", .type = OptionType::kInt, .default_value = 0, .min = 0, .max = 15,
       .help = "quorum: write quorum (0: majority)", .safety = true},
      {.flag = "quorum-versions", .default_value = "lww", .choices = {"lww", "versioned"},
       .help = "quorum: how writes are ordered: lww (the coordinator's wall clock, last writer "
               "wins) or versioned (read the highest version from r nodes, write version+1)",
       .safety = true},
      {.flag = "quorum-reads", .default_value = "plain",
       .choices = {"plain", "write-back", "majority-vote"},
       .help = "quorum: what a read answers: plain (the newest of r replies), write-back (the "
               "newest, once stored on w nodes, as in ABD) or majority-vote (the value most "
               "replies hold)",
       .safety = true},
      {.flag = "read-from", .default_value = "primary", .choices = {"primary", "any"},
       .help = "primary/async: primary, or any (replicas answer reads from their own state and "
               "clients send each read to a random node: breaks causality on purpose)",
       .safety = true},
      {.flag = "db-arg", .key = "db_args", .type = OptionType::kStrings,
       .help = "an extra argument for every server, repeatable"},
  };
  p.supports.workloads = {"register", "bank", "counter"};
  p.supports.clusters = {"local", "processes", "hosts"};
  p.supports.primary = true;
  p.validate = Validate;
  p.label = Label;
  p.predict = PredictBuiltin;
  p.make = Make;
  return p;
}

}  // namespace faultline
