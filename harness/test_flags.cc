#include "harness/test_flags.h"

#include <boost/program_options.hpp>

#include <random>
#include <sstream>

namespace faultline {
namespace {

namespace po = boost::program_options;

// No abbreviations: --r is the read quorum, not a prefix of --rate.
constexpr int kStyle = po::command_line_style::default_style &
                       ~po::command_line_style::allow_guessing;

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// The raw words of the common options, bound while parsing.
struct CommonWords {
  std::string nodes = "5";
  std::string nemesis;
  uint64_t seed = 0;
};

po::options_description CommonOptions(TestSpec* s, CommonWords* w) {
  po::options_description d("Common options");
  d.add_options()("help,h", "show this help (with --db NAME / --workload NAME: their options)")(
      "name", po::value(&s->name)->default_value(s->name),
      "test name: results/<name>/<time>/ (default: the workload's name)")(
      "db", po::value(&s->db.name)->default_value(s->db.name),
      "the database under test (faultline list shows them all)")(
      "workload", po::value(&s->workload.name)->default_value(s->workload.name),
      "the workload (faultline list)")(
      "cluster", po::value(&s->cluster.kind)->default_value(s->cluster.kind),
      "local: a fresh cluster of network namespaces with sshd (root); processes: nodes are "
      "local processes on loopback (no network or clock faults)")(
      "nodes", po::value(&w->nodes)->default_value(w->nodes),
      "number of nodes, or HOST,HOST,… to run on those hosts over SSH")(
      "ssh-user", po::value(&s->cluster.ssh_user)->default_value(s->cluster.ssh_user),
      "hosts: SSH login")(
      "ssh-key", po::value(&s->cluster.ssh_key), "hosts: private key file (ed25519 or ECDSA)")(
      "ssh-port", po::value(&s->cluster.ssh_port)->default_value(s->cluster.ssh_port),
      "hosts: SSH port")(
      "known-hosts", po::value(&s->cluster.known_hosts),
      "hosts: known_hosts file to verify host keys against (default ~/.ssh/known_hosts)")(
      "keep-cluster", po::bool_switch(&s->cluster.keep),
      "local: leave the cluster up after the run (faultline cluster down removes it)")(
      "concurrency", po::value(&s->concurrency)->default_value(s->concurrency),
      "client workers, bound to nodes round-robin")(
      "time-limit", po::value(&s->time_limit)->default_value(s->time_limit),
      "seconds of the main phase")(
      "rate", po::value(&s->rate)->default_value(s->rate), "ops/s over all workers (0: unlimited)")(
      "seed", po::value(&w->seed), "random seed (default: chosen and recorded in test.json)")(
      "op-timeout", po::value(&s->op_timeout)->default_value(s->op_timeout),
      "seconds before an op is recorded as info")(
      "nemesis", po::value(&w->nemesis), "faults, comma-separated (faultline list shows them)")(
      "nemesis-interval", po::value(&s->nemesis.interval)->default_value(s->nemesis.interval),
      "seconds between faults")(
      "recovery", po::value(&s->recovery)->default_value(s->recovery),
      "seconds after healing before the final reads")(
      "results", po::value(&s->results_root)->default_value(s->results_root),
      "results root folder")(
      "client-cmd", po::value(&s->client_cmd),
      "run this program (via /bin/sh -c, on this host) as each client, speaking JSON Lines on "
      "its stdin/stdout (docs/external-client.md)");
  return d;
}

// A selected part: whose options, under which label, into which values.
struct Selected {
  std::string label;  // "--db etcd"
  const std::vector<OptionSpec>* options;
  nlohmann::json* values;
};

std::string OptionHelp(const OptionSpec& o) {
  std::string h = o.help;
  if (o.type == OptionType::kBool) {
    h += " [a switch]";
  } else if (o.type == OptionType::kStrings) {
    h += " [repeatable]";
  } else {
    h += " [" + o.AllowedText() + "; default " +
         (o.default_value.is_string() ? o.default_value.get<std::string>()
                                      : o.default_value.dump()) + "]";
  }
  return h + (o.safety ? " (safety setting)" : "");
}

void AddPartOptions(const Selected& part, po::options_description* d) {
  for (const OptionSpec& o : *part.options) {
    if (o.flag.empty() || d->find_nothrow(o.flag, false) != nullptr) continue;
    const std::string help = OptionHelp(o);
    if (o.type == OptionType::kBool) {
      d->add_options()(o.flag.c_str(), po::bool_switch(), help.c_str());
    } else if (o.type == OptionType::kStrings) {
      d->add_options()(o.flag.c_str(), po::value<std::vector<std::string>>()->composing(),
                       help.c_str());
    } else {
      d->add_options()(o.flag.c_str(), po::value<std::string>(), help.c_str());
    }
  }
}

Status ReadPartOptions(const Selected& part, const po::variables_map& vm) {
  *part.values = DefaultOptionValues(*part.options);
  for (const OptionSpec& o : *part.options) {
    if (o.flag.empty() || !vm.count(o.flag) || vm[o.flag].defaulted()) continue;
    nlohmann::json& v = (*part.values)[o.Key()];
    if (o.type == OptionType::kBool) {
      v = v.get<bool>() || vm[o.flag].as<bool>();
    } else if (o.type == OptionType::kStrings) {
      v = vm[o.flag].as<std::vector<std::string>>();
    } else {
      auto parsed = ParseOptionWord(o, vm[o.flag].as<std::string>());
      if (!parsed.ok()) return parsed.status();
      v = *parsed;
    }
  }
  return Status::Ok();
}

// "--redis-wait is an option of --db redis; this test uses --db etcd".
std::string WhoAccepts(const std::string& flag, const TestSpec& s, const Registry& r) {
  const std::string name = flag.rfind("--", 0) == 0 ? flag.substr(2) : flag;
  auto declares = [&](const std::vector<OptionSpec>& options) {
    for (const OptionSpec& o : options) {
      if (o.flag == name) return true;
    }
    return false;
  };
  std::vector<std::string> owners;
  for (const DbPart& p : r.dbs()) {
    if (declares(p.options)) owners.push_back("--db " + p.name);
  }
  for (const WorkloadPart& p : r.workloads()) {
    if (declares(p.options)) owners.push_back("--workload " + p.name);
  }
  for (const FaultPart& p : r.faults()) {
    if (declares(p.options)) owners.push_back("--nemesis " + p.name);
  }
  if (owners.empty()) return "unrecognised option '" + flag + "'";
  return "--" + name + " is an option of " + NameList(owners) + "; this test uses --db " +
         s.db.name + ", --workload " + s.workload.name +
         (s.nemesis.faults.empty() ? "" : " and --nemesis " + NameList(s.nemesis.faults));
}

// The parts the line selects, once their names are known to exist.
Result<std::vector<Selected>> SelectParts(TestSpec* s, const Registry& r) {
  const DbPart* db = r.FindDb(s->db.name);
  if (!db) return Status::InvalidArgument("--db " + s->db.name + ": unknown database (faultline list)");
  const WorkloadPart* w = r.FindWorkload(s->workload.name);
  if (!w) {
    return Status::InvalidArgument("--workload " + s->workload.name +
                                   ": unknown workload (faultline list)");
  }
  std::vector<Selected> parts = {{"--db " + db->name, &db->options, &s->db.options},
                                 {"--workload " + w->name, &w->options, &s->workload.options}};
  s->nemesis.options = nlohmann::json::object();
  for (const std::string& word : s->nemesis.faults) {
    const FaultPart* f = r.FindFault(word);
    if (f && !f->options.empty()) {
      parts.push_back({"--nemesis " + word, &f->options, nullptr});
    }
  }
  return parts;
}

void SetNodes(const std::string& nodes, ClusterSpec* c) {
  if (!nodes.empty() && nodes.find_first_not_of("0123456789") == std::string::npos) {
    c->nodes = std::stoi(nodes.substr(0, 6));
    return;
  }
  c->hosts = SplitCommas(nodes);
  c->nodes = static_cast<int>(c->hosts.size());
  if (c->kind == "local") c->kind = "hosts";
}

}  // namespace

Status ParseTestFlags(const std::vector<std::string>& args, const Registry& r, TestSpec* s,
                      std::string* help) {
  CommonWords words;
  po::options_description common = CommonOptions(s, &words);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(common).style(kStyle).allow_unregistered().run(), vm);
    po::notify(vm);
    s->nemesis.faults = SplitCommas(words.nemesis);
    auto parts = SelectParts(s, r);
    if (!parts.ok()) return parts.status();
    po::options_description all("faultline test [options]");
    all.add(common);
    std::vector<nlohmann::json> fault_values(parts->size());
    for (size_t i = 0; i < parts->size(); ++i) {
      Selected& p = (*parts)[i];
      if (p.values == nullptr) p.values = &fault_values[i];
      po::options_description own("Options of " + p.label);
      AddPartOptions(p, &own);
      if (!own.options().empty()) all.add(own);
    }
    if (vm.count("help")) {
      std::ostringstream out;
      out << all << "\nfaultline list: every database, workload, fault and checker.\n"
          << "Exit: 0 valid, 1 invalid, 2 unknown, 3 bad usage, 4 setup failed.\n";
      *help = out.str();
      return Status::Ok();
    }
    vm.clear();
    po::store(po::command_line_parser(args).options(all).style(kStyle).run(), vm);
    po::notify(vm);
    for (size_t i = 0; i < parts->size(); ++i) {
      FAULTLINE_RETURN_IF_ERROR(ReadPartOptions((*parts)[i], vm));
      if (i >= 2) s->nemesis.options.update(fault_values[i]);
    }
    s->seed = vm.count("seed") ? words.seed : std::random_device()();
    if (vm["name"].defaulted()) s->name = s->workload.name;
  } catch (const po::unknown_option& e) {
    return Status::InvalidArgument("faultline test: " + WhoAccepts(e.get_option_name(), *s, r));
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("faultline test: ") + e.what());
  }
  SetNodes(words.nodes, &s->cluster);
  if (const DbPart* db = r.FindDb(s->db.name); db && db->complete) {
    FAULTLINE_RETURN_IF_ERROR(db->complete(s->db.options));
  }
  return ValidateSpec(*s, r);
}

}  // namespace faultline
