// The registry of parts: every database, workload and fault faultline can run registers here
// once — its name, a one-line description, its options (harness/options.h), what it supports
// and a factory. app/ assembles a run from it by name; `faultline list` and each part's
// `--help` print it; a sweep reads which options are safety settings. The built-in parts are
// listed in db/parts.cc, workloads/parts.cc and nemesis/parts.cc; a test may add its own.
// Filled before any run starts (main thread); read-only afterwards.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "core/status.h"
#include "harness/db.h"
#include "harness/options.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"
#include "harness/workload.h"

namespace faultline {

// What a database can take; a run asking for anything else is refused before it starts.
struct DbSupport {
  std::vector<std::string> workloads;  // workloads its clients implement
  std::vector<std::string> clusters;   // of local, processes, hosts
  std::string why_not_processes;       // said when --cluster processes is asked for
  bool primary = false;                // names a primary/leader (the *-primary faults)
  std::string why_no_clock;            // non-empty: clock faults cannot reach it, and why
};

// What a database's factory gets: the run, its own option values, and where to start.
struct DbContext {
  const TestSpec& test;
  const nlohmann::json& options;  // test.db.options
  Cluster& cluster;               // --cluster processes: one that shares_host()
  const NodeTools* tools;         // null when the cluster shares_host()
  std::string run_id;             // names the run's resources
  std::string run_dir;            // data and logs go under run_dir/nodes
  RunLog& log;
};

// A database's own start-up result as the Db a DbPart's factory returns.
template <typename T>
Result<std::unique_ptr<Db>> AsDb(Result<std::unique_ptr<T>> started) {
  if (!started.ok()) return started.status();
  return std::unique_ptr<Db>(std::move(started).value());
}

// What a database promises for a run's settings (its documentation's word, never what a test
// wants to see), which a sweep sets beside what the runs observe (docs/sweep.md).
enum class Expect {
  kSafe,       // promised: every checker of the workload should find the history valid
  kUnsafe,     // not promised, and these faults can show it: a run should catch a violation
  kNoPromise,  // not promised, but these faults may not show it: either verdict is expected
};
struct Prediction {
  Expect expect = Expect::kSafe;
  std::string why;  // one sentence, naming the documented promise or the missing one
};
// "safe", "unsafe", "no-promise" (sweep.json's words).
const char* ExpectName(Expect e);
// True when the run's --nemesis has a fault whose name begins with one of `kinds` ("kill"
// matches kill and kill-primary; "partition" every partition shape): what a prediction asks.
bool HasFault(const TestSpec& test, std::initializer_list<std::string_view> kinds);

struct DbPart {
  std::string name, description;
  std::vector<OptionSpec> options;
  DbSupport supports;
  // Completes the parsed values where a flag stands for more (e.g. --db-commands FILE).
  std::function<Status(nlohmann::json& options)> complete;
  // Checks its own options against each other and the common ones (each value was already
  // checked against its spec, and the workload, cluster and faults against `supports`).
  std::function<Status(const TestSpec& test)> validate;
  std::function<Result<std::unique_ptr<Db>>(const DbContext&)> make;
  // Optional: how the database describes itself with these option values, for the report and
  // the results index ("builtin · quorum replication (r 2, w majority)", "external: mydb").
  // Without it the label is its name.
  std::function<std::string(const nlohmann::json& options)> label;
  // Optional: what the database promises for this run (its safety settings, the workload and
  // the faults). Without it a sweep shows the prediction as undeclared and assumes safety.
  std::function<Prediction(const TestSpec& test)> predict;
};

struct WorkloadPart {
  std::string name, description;
  std::vector<OptionSpec> options;
  std::vector<std::string> checkers;  // the checkers its Check composes (for `list`)
  std::function<Status(const TestSpec& test)> validate;
  std::function<std::unique_ptr<Workload>(const TestSpec& test)> make;
};

// A --nemesis word. Built by nemesis/ (MakeNemesis) from the words and their options.
struct FaultPart {
  std::string name, description;
  std::vector<OptionSpec> options;
  bool needs_cluster = false;  // network or clock: namespaces or hosts, not processes
  bool needs_primary = false;  // aims at the database's primary/leader
  bool clock = false;
};

// A checker, for `faultline list` (checkers/ holds the checkers; they depend on core only).
struct CheckerListing {
  std::string name, description;
};

class Registry {
 public:
  // The process's registry, holding the built-in parts.
  static Registry& Global();

  void Add(DbPart part);
  void Add(WorkloadPart part);
  void Add(FaultPart part);
  void Add(CheckerListing checker);

  const DbPart* FindDb(const std::string& name) const;
  const WorkloadPart* FindWorkload(const std::string& name) const;
  const FaultPart* FindFault(const std::string& name) const;

  const std::vector<DbPart>& dbs() const { return dbs_; }
  const std::vector<WorkloadPart>& workloads() const { return workloads_; }
  const std::vector<FaultPart>& faults() const { return faults_; }
  const std::vector<CheckerListing>& checkers() const { return checkers_; }

 private:
  std::vector<DbPart> dbs_;
  std::vector<WorkloadPart> workloads_;
  std::vector<FaultPart> faults_;
  std::vector<CheckerListing> checkers_;
};

// Checks a whole spec: the common options, each part's option values against its specs, the
// combination against what the database supports, then each part's own validation.
Status ValidateSpec(const TestSpec& spec, const Registry& registry = Registry::Global());

// The inverse of TestSpec::ToJson, validated. Also reads test.json of runs stored before
// options moved under their parts (every option flat at the top level).
Result<TestSpec> SpecFromJson(const nlohmann::json& j, const Registry& registry = Registry::Global());

// The label of the run's database (DbPart::label with its options; its name when the part has
// no label or is not registered).
std::string DbLabel(const PartChoice& db, const Registry& registry = Registry::Global());

// What test.json records for a run: spec.ToJson() and "db_label" (DbLabel), which
// SpecFromJson does not read back.
nlohmann::json RecordedTestJson(const TestSpec& spec,
                                const Registry& registry = Registry::Global());

// "a, b or c" of the registered names, for messages.
std::string NameList(const std::vector<std::string>& names, const char* last = "or");

}  // namespace faultline
