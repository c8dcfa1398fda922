#include "harness/registry.h"

#include <algorithm>

#include "control/remote_cluster.h"

namespace faultline {
namespace {

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename Part>
const Part* FindIn(const std::vector<Part>& parts, const std::string& name) {
  for (const Part& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

template <typename Part>
std::vector<std::string> Names(const std::vector<Part>& parts) {
  std::vector<std::string> names;
  for (const Part& p : parts) names.push_back(p.name);
  return names;
}

Status ValidateCluster(const ClusterSpec& c) {
  if (c.kind != "local" && c.kind != "processes" && c.kind != "hosts") {
    return Bad("--cluster " + c.kind + ": expected local, processes, or hosts (given by "
               "--nodes HOST,HOST,…)");
  }
  if (c.kind == "hosts" && c.hosts.empty()) return Bad("--cluster hosts needs --nodes HOST,HOST,…");
  for (const std::string& host : c.hosts) {
    if (Status h = CheckHostName(host); !h.ok()) return Bad("--nodes: " + h.message());
  }
  if (c.kind != "hosts" && !c.hosts.empty()) {
    return Bad("--nodes with host names runs on those hosts; drop --cluster " + c.kind);
  }
  if (c.kind == "local" && (c.nodes < 1 || c.nodes > 9)) return Bad("--nodes must be 1..9 for a local cluster");
  if (c.nodes < 1 || c.nodes > 15) return Bad("--nodes must be 1..15");
  if (c.ssh_port < 1 || c.ssh_port > 65535) return Bad("--ssh-port must be 1..65535");
  return Status::Ok();
}

Status ValidateCommon(const TestSpec& s) {
  if (s.name.empty() || s.name.find('/') != std::string::npos || s.name[0] == '.') {
    return Bad("--name \"" + s.name + "\": expected a plain folder name (no '/', not starting with '.')");
  }
  FAULTLINE_RETURN_IF_ERROR(ValidateCluster(s.cluster));
  if (s.concurrency < 1 || s.concurrency > 1000) return Bad("--concurrency must be 1..1000");
  if (s.time_limit <= 0) return Bad("--time-limit must be > 0 seconds");
  if (s.rate < 0) return Bad("--rate must be >= 0");
  if (s.op_timeout <= 0) return Bad("--op-timeout must be > 0 seconds");
  if (s.nemesis.interval <= 0) return Bad("--nemesis-interval must be > 0 seconds");
  if (s.recovery < 0) return Bad("--recovery must be >= 0 seconds");
  return Status::Ok();
}

// The faults: known words, what the cluster and the database can take, and their options.
Status ValidateFaults(const TestSpec& s, const DbPart& db, const Registry& r) {
  std::vector<OptionSpec> options;
  for (const std::string& word : s.nemesis.faults) {
    const FaultPart* f = r.FindFault(word);
    if (f == nullptr) {
      return Bad("--nemesis " + word + ": unknown fault; expected " + NameList(Names(r.faults())));
    }
    if (f->needs_cluster && s.cluster.kind == "processes") {
      return Bad("--nemesis " + word + " needs nodes in network namespaces or on hosts; with "
                 "--cluster processes the nodes are plain local processes (use --cluster local, "
                 "as root, or --nodes HOST,HOST,…)");
    }
    if (f->needs_primary && !db.supports.primary) {
      return Bad("--nemesis " + word + ": --db " + db.name + " has no notion of a primary; use "
                 "the faults that pick random nodes");
    }
    if (f->clock && !db.supports.why_no_clock.empty()) {
      return Bad("--nemesis " + word + " with --db " + db.name + ": " + db.supports.why_no_clock);
    }
    options.insert(options.end(), f->options.begin(), f->options.end());
  }
  return CheckOptionValues(options, s.nemesis.options, "--nemesis " + NameList(s.nemesis.faults));
}

Status ValidateSupport(const TestSpec& s, const DbPart& db) {
  const DbSupport& sup = db.supports;
  if (!Has(sup.workloads, s.workload.name)) {
    return Bad("--db " + db.name + " runs the " + NameList(sup.workloads) + " workload" +
               (sup.workloads.size() > 1 ? "s" : "") + ", not " + s.workload.name);
  }
  if (!Has(sup.clusters, s.cluster.kind)) {
    std::string why = sup.why_not_processes.empty() || s.cluster.kind != "processes"
                          ? ""
                          : "; " + sup.why_not_processes;
    return Bad("--db " + db.name + " runs on --cluster " + NameList(sup.clusters) + why);
  }
  return Status::Ok();
}

}  // namespace

const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kSafe: return "safe";
    case Expect::kUnsafe: return "unsafe";
    case Expect::kNoPromise: return "no-promise";
  }
  return "safe";
}

bool HasFault(const TestSpec& test, std::initializer_list<std::string_view> kinds) {
  for (const std::string& f : test.nemesis.faults) {
    for (std::string_view k : kinds) {
      if (std::string_view(f).substr(0, k.size()) == k) return true;
    }
  }
  return false;
}

std::string NameList(const std::vector<std::string>& names, const char* last) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    s += (i == 0 ? "" : i + 1 == names.size() ? " " + std::string(last) + " " : ", ") + names[i];
  }
  return s;
}

Registry& Registry::Global() {
  static Registry registry;
  return registry;
}

void Registry::Add(DbPart part) { dbs_.push_back(std::move(part)); }
void Registry::Add(WorkloadPart part) { workloads_.push_back(std::move(part)); }
void Registry::Add(FaultPart part) { faults_.push_back(std::move(part)); }
void Registry::Add(CheckerListing checker) { checkers_.push_back(std::move(checker)); }

const DbPart* Registry::FindDb(const std::string& name) const { return FindIn(dbs_, name); }
const WorkloadPart* Registry::FindWorkload(const std::string& name) const {
  return FindIn(workloads_, name);
}
const FaultPart* Registry::FindFault(const std::string& name) const {
  return FindIn(faults_, name);
}

Status ValidateSpec(const TestSpec& s, const Registry& r) {
  const DbPart* db = r.FindDb(s.db.name);
  if (db == nullptr) return Bad("--db " + s.db.name + ": expected " + NameList(Names(r.dbs())));
  const WorkloadPart* workload = r.FindWorkload(s.workload.name);
  if (workload == nullptr) {
    return Bad("--workload " + s.workload.name + ": expected " + NameList(Names(r.workloads())));
  }
  FAULTLINE_RETURN_IF_ERROR(ValidateCommon(s));
  FAULTLINE_RETURN_IF_ERROR(CheckOptionValues(db->options, s.db.options, "--db " + db->name));
  FAULTLINE_RETURN_IF_ERROR(
      CheckOptionValues(workload->options, s.workload.options, "--workload " + workload->name));
  FAULTLINE_RETURN_IF_ERROR(ValidateSupport(s, *db));
  FAULTLINE_RETURN_IF_ERROR(ValidateFaults(s, *db, r));
  if (db->validate) FAULTLINE_RETURN_IF_ERROR(db->validate(s));
  if (workload->validate) FAULTLINE_RETURN_IF_ERROR(workload->validate(s));
  return Status::Ok();
}

}  // namespace faultline
