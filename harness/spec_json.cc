// test.json: TestSpec::ToJson and its inverse, which also reads runs stored before each part's
// options moved under it (one flat object, every database's options on every run).
#include <algorithm>

#include "harness/registry.h"
#include "harness/test_spec.h"

namespace faultline {
namespace {

using nlohmann::json;

json PartJson(const PartChoice& part) {
  json j = part.options;
  j["name"] = part.name;
  return j;
}

// A part in test.json: {"name": …, options…}, or (stored before) a plain name whose options
// are top-level fields of `flat` under the same keys, or fields of an object named after the
// part (--db external's commands were under "external"); what the part does not declare is
// left.
PartChoice PartFromJson(const json& j, const json& flat, const std::vector<OptionSpec>* specs) {
  PartChoice p;
  if (j.is_object()) {
    p.name = j.at("name").get<std::string>();
    p.options = j;
    p.options.erase("name");
  } else {
    p.name = j.get<std::string>();
  }
  json values = specs ? DefaultOptionValues(*specs) : json::object();
  for (const auto& [key, value] : p.options.items()) values[key] = value;
  if (!j.is_object() && specs) {
    const bool own = flat.contains(p.name) && flat[p.name].is_object();
    for (const OptionSpec& s : *specs) {
      if (own && flat[p.name].contains(s.Key())) {
        values[s.Key()] = flat[p.name][s.Key()];
      } else if (flat.contains(s.Key())) {
        values[s.Key()] = flat[s.Key()];
      }
    }
  }
  p.options = std::move(values);
  return p;
}

void ReadCommon(const json& j, TestSpec& s) {
  s.name = j.at("name");
  s.concurrency = j.at("concurrency");
  s.time_limit = j.at("time_limit");
  s.rate = j.value("rate", s.rate);
  s.seed = j.at("seed");
  s.op_timeout = j.at("op_timeout");
  s.recovery = j.value("recovery", s.recovery);
  s.results_root = j.value("results_root", s.results_root);
  s.client_cmd = j.value("client_cmd", s.client_cmd);
  s.replay_of = j.value("replay_of", s.replay_of);
  ClusterSpec& c = s.cluster;
  c.kind = j.value("cluster", c.kind);
  c.nodes = j.at("nodes");
  c.hosts = j.value("hosts", c.hosts);
  c.ssh_user = j.value("ssh_user", c.ssh_user);
  c.ssh_key = j.value("ssh_key", c.ssh_key);
  c.ssh_port = j.value("ssh_port", c.ssh_port);
  c.known_hosts = j.value("known_hosts", c.known_hosts);
  c.keep = j.value("keep_cluster", c.keep);
  s.nemesis.faults = j.value("nemesis", s.nemesis.faults);
  s.nemesis.interval = j.value("nemesis_interval", s.nemesis.interval);
}

// The selected faults' options: "fault_options", or (stored before) top-level fields.
void ReadFaultOptions(const json& j, TestSpec& s, const Registry& r) {
  const json& given = j.contains("fault_options") ? j["fault_options"] : j;
  json values = json::object();
  for (const std::string& word : s.nemesis.faults) {
    const FaultPart* f = r.FindFault(word);
    if (f == nullptr) continue;  // ValidateSpec names it
    for (const OptionSpec& o : f->options) {
      values[o.Key()] = given.contains(o.Key()) ? given[o.Key()] : o.default_value;
    }
  }
  s.nemesis.options = std::move(values);
}

}  // namespace

json TestSpec::ToJson() const {
  json j = {{"name", name},
            {"db", PartJson(db)},
            {"workload", PartJson(workload)},
            {"cluster", cluster.kind},
            {"nodes", cluster.nodes},
            {"hosts", cluster.hosts},
            {"ssh_user", cluster.ssh_user},
            {"ssh_key", cluster.ssh_key},
            {"ssh_port", cluster.ssh_port},
            {"known_hosts", cluster.known_hosts},
            {"keep_cluster", cluster.keep},
            {"concurrency", concurrency},
            {"time_limit", time_limit},
            {"rate", rate},
            {"seed", seed},
            {"op_timeout", op_timeout},
            {"nemesis", nemesis.faults},
            {"nemesis_interval", nemesis.interval},
            {"fault_options", nemesis.options},
            {"recovery", recovery},
            {"results_root", results_root},
            {"client_cmd", client_cmd}};
  if (!replay_of.empty()) j["replay_of"] = replay_of;
  return j;
}

std::string DbLabel(const PartChoice& db, const Registry& r) {
  const DbPart* part = r.FindDb(db.name);
  return part && part->label ? part->label(db.options) : db.name;
}

json RecordedTestJson(const TestSpec& spec, const Registry& r) {
  json j = spec.ToJson();
  j["db_label"] = DbLabel(spec.db, r);
  return j;
}

Result<TestSpec> SpecFromJson(const json& j, const Registry& r) {
  TestSpec s;
  try {
    ReadCommon(j, s);
    const json& db = j.at("db");
    const DbPart* db_part = r.FindDb(db.is_object() ? db.value("name", "") : db.get<std::string>());
    s.db = PartFromJson(db, j, db_part ? &db_part->options : nullptr);
    const json& w = j.at("workload");
    const WorkloadPart* w_part =
        r.FindWorkload(w.is_object() ? w.value("name", "") : w.get<std::string>());
    s.workload = PartFromJson(w, j, w_part ? &w_part->options : nullptr);
    ReadFaultOptions(j, s, r);
  } catch (const json::exception& e) {
    return Status::InvalidInput(std::string("missing or malformed field: ") + e.what());
  }
  if (Status v = ValidateSpec(s, r); !v.ok()) return v;
  return s;
}

}  // namespace faultline
