#include "report/run_summary.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <utility>

#include "checkers/stats/stats.h"
#include "report/faults.h"
#include "report/html.h"
#include "report/json_fields.h"
#include "report/op_columns.h"
#include "report/run_data.h"

namespace faultline {
namespace {

using nlohmann::json;

// An example is a sentence or two; a checker's explanation can run to a whole prefix.
constexpr size_t kMaxExampleChars = 400;

json Round(double x, int digits) {
  if (!std::isfinite(x)) return nullptr;
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

json Round(std::optional<double> x, int digits) { return x ? Round(*x, digits) : json(nullptr); }

// `s` cut to `max` bytes at a UTF-8 character boundary, "…" marking the cut.
std::string Clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

// ---- anomalies

// One problem a checker listed: its kind, its text, the history lines of the ops it names.
struct Finding {
  std::string kind;
  std::string example;
  std::vector<int64_t> ops;
};

struct CheckerFindings {
  std::vector<Finding> listed;
  int64_t unlisted = 0;  // problems the checker counted but left out of results.json
};

std::vector<int64_t> OpIndices(const json& list) {
  std::vector<int64_t> out;
  for (const json& i : list) {
    if (i.is_number_integer()) out.push_back(i.get<int64_t>());
  }
  return out;
}

// The witnesses results.json gives for checker `checker`'s problems (docs/witnesses.md), by
// key ("" for none); the first of a key when there are several.
std::unordered_map<std::string, const json*> WitnessesByKey(const json& results,
                                                            const std::string& checker) {
  std::unordered_map<std::string, const json*> by_key;
  for (const json& w : ArrayField(results, "witnesses")) {
    if (TextField(w, "checker") == checker) by_key.try_emplace(TextField(w, "key"), &w);
  }
  return by_key;
}

// checkers/linearizability/result_json.cc: one problem per invalid or undecided key; only the
// invalid ones are anomalies. A key with a witness is named as the witness is (`lost-write`,
// `stale-read`, …), its sentence the example and its ops the ones timed; a key without one
// (runs stored before witnesses, `--no-witnesses`) is `not linearizable`, or `impossible op`,
// with the checker's explanation and the ops it could not place.
CheckerFindings LinearizabilityFindings(const json& detail, const json& results) {
  CheckerFindings out;
  const auto witnesses = WitnessesByKey(results, "linearizability");
  for (const json& p : ArrayField(detail, "problems")) {
    if (TextField(p, "verdict") != "invalid") continue;
    Finding f;
    const std::string key = TextField(p, "key");
    const std::string on_key = key.empty() ? "" : "key " + key + ": ";
    if (auto it = witnesses.find(key); it != witnesses.end()) {
      const json* w = it->second;
      f.kind = TextField(*w, "kind");
      const std::string fault = TextField(*w, "fault");
      f.example = on_key + TextField(*w, "sentence") + (fault.empty() ? "" : " (" + fault + ")");
      for (const json& op : ArrayField(*w, "ops")) f.ops.push_back(IntField(op, "index", -1));
    } else {
      f.kind = TextField(p, "method") == "impossible-op" ? "impossible op" : "not linearizable";
      f.example = on_key + TextField(p, "explanation");
      for (const json& op : ArrayField(p, "unplaced")) f.ops.push_back(IntField(op, "op_index", -1));
    }
    out.listed.push_back(std::move(f));
  }
  return out;
}

// checkers/causal/causal.cc: every violation, by name.
CheckerFindings CausalFindings(const json& detail) {
  CheckerFindings out;
  for (const json& v : ArrayField(detail, "violations")) {
    out.listed.push_back({TextField(v, "name"), TextField(v, "explanation"),
                          OpIndices(ArrayField(v, "op_indices"))});
  }
  return out;
}

// checkers/bank/bank.cc: the first 1,000 bad reads; bad_reads_total counts them all.
CheckerFindings BankFindings(const json& detail) {
  CheckerFindings out;
  const json& bad = ArrayField(detail, "bad_reads");
  for (const json& b : bad) {
    out.listed.push_back(
        {TextField(b, "kind"), TextField(b, "explanation"), {IntField(b, "op_index", -1)}});
  }
  out.unlisted = std::max<int64_t>(0, IntField(detail, "bad_reads_total") - int64_t(bad.size()));
  return out;
}

// checkers/counter/counter.cc: errors and notes, the first 1,000 listed; "errors" counts every
// error. Notes do not make a history invalid, so they are not anomalies.
CheckerFindings CounterFindings(const json& detail) {
  CheckerFindings out;
  for (const json& p : ArrayField(detail, "problems")) {
    if (p.contains("error") && p["error"] == false) continue;
    out.listed.push_back({TextField(p, "name"), TextField(p, "explanation"),
                          OpIndices(ArrayField(p, "op_indices"))});
  }
  out.unlisted = std::max<int64_t>(0, IntField(detail, "errors") - int64_t(out.listed.size()));
  return out;
}

// checkers/txn/list_append.cc: the anomalies listed (at most 8 of a name), by name;
// anomalies_total counts them all.
CheckerFindings TxnFindings(const json& detail) {
  CheckerFindings out;
  const json& listed = ArrayField(detail, "anomalies");
  for (const json& a : listed) {
    out.listed.push_back({TextField(a, "name"), TextField(a, "explanation"),
                          OpIndices(ArrayField(a, "op_indices"))});
  }
  out.unlisted = std::max<int64_t>(0, IntField(detail, "anomalies_total") - int64_t(listed.size()));
  return out;
}

// Any other detail (a checker that threw, a future checker): one anomaly when it says invalid.
CheckerFindings VerdictOnlyFindings(const json& detail) {
  CheckerFindings out;
  if (TextField(detail, "verdict") == "invalid") {
    out.listed.push_back({"invalid", TextField(detail, "explanation"), {}});
  }
  return out;
}

CheckerFindings FindingsOf(const json& detail, const json& results) {
  const std::string shape = TextField(detail, "checker");
  if (shape == "linearizability") return LinearizabilityFindings(detail, results);
  if (shape == "causal") return CausalFindings(detail);
  if (shape == "bank") return BankFindings(detail);
  if (shape == "counter") return CounterFindings(detail);
  if (shape == "txn") return TxnFindings(detail);
  return VerdictOnlyFindings(detail);
}

// The anomalies of a run or a cell: one entry per (checker, kind), in order of first sight.
class AnomalyTally {
 public:
  // Adds `count` anomalies; `example` and `at_s` are kept from the first that has them,
  // `at_s` lowered to the earliest.
  void Add(const std::string& checker, const std::string& kind, int64_t count,
           const std::string& example, std::optional<double> at_s) {
    Entry& e = EntryFor(checker, kind);
    e.count += count;
    if (e.example.empty()) e.example = example;
    if (at_s && (!e.at_s || *at_s < *e.at_s)) e.at_s = at_s;
  }

  std::optional<double> Earliest() const {
    std::optional<double> first;
    for (const Entry& e : entries_) {
      if (e.at_s && (!first || *e.at_s < *first)) first = e.at_s;
    }
    return first;
  }

  json ToJson() const {
    json out = json::array();
    for (const Entry& e : entries_) {
      out.push_back({{"checker", e.checker},
                     {"kind", e.kind},
                     {"count", e.count},
                     {"example", e.example},
                     {"at_s", Round(e.at_s, 3)}});
    }
    return out;
  }

 private:
  struct Entry {
    std::string checker, kind;
    int64_t count = 0;
    std::string example;
    std::optional<double> at_s;
  };

  Entry& EntryFor(const std::string& checker, const std::string& kind) {
    for (Entry& e : entries_) {
      if (e.checker == checker && e.kind == kind) return e;
    }
    entries_.push_back({checker, kind});
    return entries_.back();
  }

  std::vector<Entry> entries_;
};

// When the earliest of `ops` was invoked, in seconds since the run began; nullopt when none
// is a line of `h`. REQUIRES: `h` has real times (ChooseTimeAxis), checked once per run.
std::optional<double> InvokedAt(const History& h, const std::vector<int64_t>& ops) {
  std::optional<int64_t> first;
  for (int64_t i : ops) {
    if (i < 0 || i >= int64_t(h.size())) continue;
    if (!first || h[i].time < *first) first = h[i].time;
  }
  if (!first) return std::nullopt;
  return *first / 1e9;
}

AnomalyTally RunAnomalies(const RunData& run) {
  AnomalyTally tally;
  const bool timed = ChooseTimeAxis(run.history).real_time;
  for (const auto& [checker, detail] : ObjectField(run.results, "checkers").items()) {
    const CheckerFindings found = FindingsOf(detail, run.results);
    for (const Finding& f : found.listed) {
      tally.Add(checker, f.kind, 1, Clip(f.example, kMaxExampleChars),
                timed ? InvokedAt(run.history, f.ops) : std::nullopt);
    }
    if (found.unlisted > 0) {
      tally.Add(checker, "unlisted", found.unlisted,
                GroupDigits(found.unlisted) + " more the checker counted but did not list",
                std::nullopt);
    }
  }
  return tally;
}

// ---- faults

struct FaultTally {
  std::string f;
  int64_t count = 0;
  double seconds = 0;
  int64_t could_not_act = 0;
};

// The op that says how a fault's beginning went: the completion of the invoke that issued
// it, or the op itself when it was recorded alone.
const Op& BeginningDone(const History& h, int64_t issued) {
  const int64_t partner = h.partner(size_t(issued));
  return h[issued].type == OpType::kInvoke && partner >= 0 ? h[partner] : h[issued];
}

json FaultsJson(const History& h) {
  const TimeAxis axis = ChooseTimeAxis(h);
  std::vector<FaultTally> tallies;
  for (const FaultBand& b : FaultBands(h, axis)) {
    auto it = std::find_if(tallies.begin(), tallies.end(),
                           [&](const FaultTally& t) { return t.f == b.f; });
    if (it == tallies.end()) it = tallies.insert(tallies.end(), FaultTally{b.f});
    const Op& begun = BeginningDone(h, b.start_index);
    const bool begin_failed = begun.error.has_value();
    const bool end_failed =
        b.end_index >= 0 && b.end_index != begun.index && h[b.end_index].error.has_value();
    ++it->count;
    it->could_not_act += int64_t(begin_failed) + int64_t(end_failed);
    if (!(begin_failed && b.end_index < 0)) it->seconds += double(b.end - b.start) / 1e6;
  }
  json out = json::array();
  for (const FaultTally& t : tallies) {
    out.push_back({{"f", t.f},
                   {"count", t.count},
                   {"seconds", axis.real_time ? Round(t.seconds, 3) : json(nullptr)},
                   {"could_not_act", t.could_not_act}});
  }
  return out;
}

// ---- the summary

json CheckerVerdicts(const json& results) {
  json out = json::object();
  for (const auto& [name, detail] : ObjectField(results, "checkers").items()) {
    const std::string v = TextField(detail, "verdict");
    out[name] = v.empty() ? "unknown" : v;
  }
  return out;
}

std::string RunVerdict(const json& results) {
  if (!results.is_object()) return "incomplete";
  const std::string v = TextField(results, "verdict");
  return v.empty() ? "unknown" : v;
}

}  // namespace

Result<json> SummarizeRun(const std::string& run_dir) {
  auto run = LoadRun(run_dir);
  if (!run.ok()) return run.status();
  const HistoryStats stats = ComputeStats(run->history);
  const int64_t attempted = stats.total.ok + stats.total.fail + stats.total.info;
  const AnomalyTally anomalies = RunAnomalies(*run);
  std::error_code ec;
  const bool has_report =
      std::filesystem::exists(std::filesystem::path(run_dir) / "report.html", ec);
  return json{{"verdict", RunVerdict(run->results)},
              {"checkers", CheckerVerdicts(run->results)},
              {"anomalies", anomalies.ToJson()},
              {"first_anomaly_s", Round(anomalies.Earliest(), 3)},
              {"ok", stats.total.ok},
              {"attempted", attempted},
              {"availability",
               attempted > 0 ? Round(double(stats.total.ok) / attempted, 4) : json(nullptr)},
              {"ok_per_second", Round(stats.ok_per_second, 1)},
              {"p50_ms", Round(stats.p50_ms, 3)},
              {"p99_ms", Round(stats.p99_ms, 3)},
              {"faults", FaultsJson(run->history)},
              {"seconds", Round(stats.seconds, 3)},
              {"report", has_report ? json("report.html") : json(nullptr)}};
}

// ---- merging

namespace {

int VerdictRank(const std::string& v) {
  return v == "invalid" ? 2 : v == "valid" ? 0 : 1;  // incomplete and unknown alike
}

std::string WorseVerdict(const std::string& a, const std::string& b) {
  const std::string worst = VerdictRank(a) >= VerdictRank(b) ? a : b;
  return VerdictRank(worst) == 1 ? "unknown" : worst;
}

json Median(std::vector<double> xs, int digits) {
  if (xs.empty()) return nullptr;
  std::sort(xs.begin(), xs.end());
  const size_t n = xs.size();
  return Round(n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2, digits);
}

void MergeFaults(const json& faults, std::vector<FaultTally>* tallies, bool* seconds_known) {
  for (const json& f : faults) {
    const std::string name = TextField(f, "f");
    auto it = std::find_if(tallies->begin(), tallies->end(),
                           [&](const FaultTally& t) { return t.f == name; });
    if (it == tallies->end()) it = tallies->insert(tallies->end(), FaultTally{name});
    it->count += IntField(f, "count");
    it->could_not_act += IntField(f, "could_not_act");
    const std::optional<double> s = NumberField(f, "seconds");
    *seconds_known = *seconds_known && s.has_value();
    it->seconds += s.value_or(0);
  }
}

}  // namespace

json MergeRunSummaries(const std::vector<json>& summaries) {
  std::string verdict = "valid";
  int64_t runs = 0;
  json checkers = json::object();
  AnomalyTally anomalies;
  int64_t ok = 0, attempted = 0;
  double seconds = 0;
  std::vector<double> availability, ok_per_second, p50, p99;
  std::vector<FaultTally> faults;
  bool fault_seconds_known = true;
  for (const json& s : summaries) {
    if (!s.is_object()) continue;
    ++runs;
    verdict = WorseVerdict(verdict, TextField(s, "verdict"));
    for (const auto& [name, v] : ObjectField(s, "checkers").items()) {
      const std::string so_far =
          checkers.contains(name) ? checkers[name].get<std::string>() : "valid";
      checkers[name] = WorseVerdict(so_far, v.is_string() ? v.get<std::string>() : "unknown");
    }
    for (const json& a : ArrayField(s, "anomalies")) {
      anomalies.Add(TextField(a, "checker"), TextField(a, "kind"), IntField(a, "count"),
                    TextField(a, "example"), NumberField(a, "at_s"));
    }
    ok += IntField(s, "ok");
    attempted += IntField(s, "attempted");
    seconds += NumberField(s, "seconds").value_or(0);
    for (auto [key, into] : {std::pair{"availability", &availability},
                             {"ok_per_second", &ok_per_second},
                             {"p50_ms", &p50},
                             {"p99_ms", &p99}}) {
      if (auto x = NumberField(s, key)) into->push_back(*x);
    }
    MergeFaults(ArrayField(s, "faults"), &faults, &fault_seconds_known);
  }
  json fault_list = json::array();
  for (const FaultTally& t : faults) {
    fault_list.push_back({{"f", t.f},
                          {"count", t.count},
                          {"seconds", fault_seconds_known ? Round(t.seconds, 3) : json(nullptr)},
                          {"could_not_act", t.could_not_act}});
  }
  return json{{"verdict", runs > 0 ? verdict : "unknown"},
              {"checkers", checkers},
              {"anomalies", anomalies.ToJson()},
              {"first_anomaly_s", Round(anomalies.Earliest(), 3)},
              {"ok", ok},
              {"attempted", attempted},
              {"availability", Median(availability, 4)},
              {"ok_per_second", Median(ok_per_second, 1)},
              {"p50_ms", Median(p50, 3)},
              {"p99_ms", Median(p99, 3)},
              {"faults", fault_list},
              {"seconds", Round(seconds, 3)},
              {"report", nullptr}};
}

}  // namespace faultline
