#include "checkers/counter/counter.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "checkers/counter/subset_sum.h"
#include "checkers/series_sample.h"

namespace faultline {
namespace {

constexpr size_t kMaxJsonProblems = 1000;
constexpr size_t kMaxSeriesRows = 2000;

Status BadOp(const std::string& source, const Op& op, const std::string& what,
             const std::string& expected) {
  return Status::InvalidInput(OpLocation(source, op) + what + "; expected " + expected);
}

std::string Read(const Op& invoke, int64_t value) {
  return "p" + std::to_string(invoke.process) + " read " + std::to_string(value) + " (op " +
         std::to_string(invoke.index) + ")";
}

std::string Bounds(int64_t lower, int64_t upper) {
  return "[" + std::to_string(lower) + ", " + std::to_string(upper) + "]";
}

// A problem and the history index it is ordered by (the offending read, or the first final read).
struct Found {
  int64_t anchor;
  CounterProblem problem;
};

// One pass over the history: bounds of every ok read, monotonicity per process, final reads.
class CounterWalk {
 public:
  CounterWalk(const History& h, const std::string& source, const CounterOptions& options)
      : h_(h), source_(source), eventual_(options.consistency == CounterConsistency::kEventual) {
    result_.consistency = options.consistency;
  }

  Status Run() {
    for (size_t i = 0; i < h_.size(); ++i) {
      const Op& op = h_[i];
      if (op.is_nemesis()) continue;
      if (op.key) {
        return BadOp(source_, op, "counter op with key \"" + *op.key + "\"",
                     "no key (the counter is one object)");
      }
      if (op.f == "add") {
        FAULTLINE_RETURN_IF_ERROR(Add(i));
      } else if (op.f == "read") {
        FAULTLINE_RETURN_IF_ERROR(ReadOp(i));
      } else {
        return BadOp(source_, op, "unknown counter op \"" + op.f + "\"", "f add or read");
      }
    }
    return Status::Ok();
  }

  CounterResult Finish() &&;

 private:
  Status Add(size_t i);
  Status ReadOp(size_t i);
  void CheckRead(const Op& invoke, int64_t value, int64_t lower, int64_t upper);
  void CheckFinal();
  void Report(int64_t anchor, CounterProblem p) { found_.push_back({anchor, std::move(p)}); }

  const History& h_;
  const std::string& source_;
  const bool eventual_;
  int64_t acknowledged_ = 0;  // sum of ok adds completed so far (in history order)
  int64_t invoked_ = 0;       // sum of adds invoked so far that did not fail
  std::unordered_map<int64_t, int64_t> lower_at_invoke_;  // process → lower bound of its read
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> last_read_;  // process → value, op
  std::vector<int64_t> info_values_;
  std::vector<std::pair<int64_t, int64_t>> finals_;  // (value, invoke index) of ok final reads
  int64_t final_invokes_ = 0;
  std::vector<Found> found_;
  CounterResult result_;
};

Status CounterWalk::Add(size_t i) {
  const Op& op = h_[i];
  if (op.type != OpType::kInvoke) {
    if (op.type == OpType::kOk) acknowledged_ += h_[h_.partner(i)].value.as_int();
    return Status::Ok();
  }
  if (!op.value.is_int() || op.value.as_int() < 0) {
    return BadOp(source_, op,
                 "add value is " +
                     (op.value.is_int() ? op.value.ToJson() : Value::KindName(op.value.kind())),
                 "a non-negative integer");
  }
  const int64_t v = op.value.as_int();
  const int64_t done = h_.partner(i);
  const OpType outcome = done < 0 ? OpType::kInfo : h_[done].type;
  ++result_.adds;
  if (outcome == OpType::kFail) {
    ++result_.adds_fail;
    return Status::Ok();
  }
  invoked_ += v;
  if (outcome == OpType::kOk) {
    ++result_.adds_ok;
    result_.ok_sum += v;
  } else {
    ++result_.adds_info;
    result_.info_sum += v;
    info_values_.push_back(v);
  }
  return Status::Ok();
}

Status CounterWalk::ReadOp(size_t i) {
  const Op& op = h_[i];
  if (op.type == OpType::kInvoke) {
    lower_at_invoke_[op.process] = acknowledged_;
    final_invokes_ += op.final;
    return Status::Ok();
  }
  if (op.type != OpType::kOk) return Status::Ok();  // a failed or unknown read saw nothing
  if (!op.value.is_int()) {
    return BadOp(source_, op, std::string("ok read value is ") + Value::KindName(op.value.kind()),
                 "an integer");
  }
  const Op& invoke = h_[h_.partner(i)];
  const int64_t value = op.value.as_int(), lower = lower_at_invoke_[op.process];
  const bool final = invoke.final || op.final;
  ++result_.reads;
  result_.bounds.push_back({op.time, lower, invoked_, value, invoke.index, final});
  if (final) finals_.push_back({value, invoke.index});
  CheckRead(invoke, value, lower, invoked_);
  return Status::Ok();
}

void CounterWalk::CheckRead(const Op& invoke, int64_t value, int64_t lower, int64_t upper) {
  const std::string what = Read(invoke, value);
  if (value > upper) {
    Report(invoke.index,
           {"out-of-bounds",
            true,
            {invoke.index},
            value,
            lower,
            upper,
            what + ", more than the " + std::to_string(upper) +
                " of all adds invoked before it completed (bounds " + Bounds(lower, upper) + ")"});
  } else if (value < lower) {
    Report(invoke.index,
           {eventual_ ? "stale-read" : "out-of-bounds",
            !eventual_,
            {invoke.index},
            value,
            lower,
            upper,
            what + ", less than the " + std::to_string(lower) +
                " of adds acknowledged before it was invoked (bounds " + Bounds(lower, upper) +
                ")" + (eventual_ ? ": stale, which eventual consistency allows" : "")});
  }
  auto [it, first] = last_read_.try_emplace(invoke.process, value, invoke.index);
  if (!first) {
    auto [prev_value, prev_op] = it->second;
    if (value < prev_value) {
      Report(invoke.index, {"non-monotonic",
                            true,
                            {prev_op, invoke.index},
                            value,
                            lower,
                            upper,
                            what + " after it had read " + std::to_string(prev_value) + " (op " +
                                std::to_string(prev_op) + "): the counter went down"});
    }
    it->second = {value, invoke.index};
  }
}

// "50 on n1, n3 (ops 3, 7)": one final value, its nodes and ops.
std::string DescribeFinal(const History& h, int64_t value, const std::vector<int64_t>& ops) {
  std::string nodes, indices;
  for (int64_t i : ops) {
    const int64_t done = h.partner(i);
    const std::optional<std::string>& node = done >= 0 && h[done].node ? h[done].node : h[i].node;
    const std::string name = node.value_or("?");
    if (nodes.find(name) == std::string::npos) nodes += (nodes.empty() ? "" : ", ") + name;
    indices += (indices.empty() ? "" : ", ") + std::to_string(i);
  }
  return std::to_string(value) + " on " + nodes + " (op" + (ops.size() > 1 ? "s " : " ") + indices +
         ")";
}

void CounterWalk::CheckFinal() {
  CounterResult& r = result_;
  if (finals_.empty()) {
    r.final_verdict = Verdict::kUnknown;
    const std::string why = final_invokes_ == 0
                                ? "the history has no final reads"
                                : std::to_string(final_invokes_) + " final reads, none of them ok";
    Report(h_.size(), {"no-final-reads",
                       false,
                       {},
                       0,
                       0,
                       0,
                       why + ", so whether the counter converged is unknown"});
    return;
  }
  std::map<int64_t, std::vector<int64_t>> by_value;  // value → invoke indices
  for (auto [value, op] : finals_) by_value[value].push_back(op);
  r.final_verdict = Verdict::kValid;
  const int64_t anchor = finals_.front().second;
  if (by_value.size() > 1) {
    r.final_verdict = Verdict::kInvalid;
    CounterProblem p{"final-divergent", true, {}, 0, 0, 0, "final reads disagree: "};
    std::string sep;
    for (const auto& [value, ops] : by_value) {
      p.op_indices.insert(p.op_indices.end(), ops.begin(), ops.end());
      p.explanation += sep + DescribeFinal(h_, value, ops);
      sep = "; ";
    }
    std::sort(p.op_indices.begin(), p.op_indices.end());
    Report(anchor, std::move(p));
  }
  const int64_t lo = r.ok_sum, hi = r.ok_sum + r.info_sum;
  for (const auto& [value, ops] : by_value) {
    Reachable reach =
        value < lo || value > hi ? Reachable::kNo : SubsetSumReachable(info_values_, value - lo);
    if (reach != Reachable::kNo) continue;
    r.final_verdict = Verdict::kInvalid;
    std::string why =
        "final read of " + DescribeFinal(h_, value, ops) + " is not a possible total: ";
    if (value < lo) {
      why += "the ok adds alone sum to " + std::to_string(lo) + " (lost increments)";
    } else if (value > hi) {
      why += "all ok and info adds sum to only " + std::to_string(hi);
    } else {
      why += "no subset of the " + std::to_string(info_values_.size()) +
             " info adds makes up the " + std::to_string(value - lo) + " above the ok adds' " +
             std::to_string(lo);
    }
    Report(ops.front(), {"final-impossible", true, ops, value, lo, hi, std::move(why)});
  }
}

CounterResult CounterWalk::Finish() && {
  CheckFinal();
  std::stable_sort(found_.begin(), found_.end(),
                   [](const Found& a, const Found& b) { return a.anchor < b.anchor; });
  CounterResult& r = result_;
  for (Found& f : found_) {
    ++(f.problem.error ? r.errors : r.notes);
    r.problems.push_back(std::move(f.problem));
  }
  r.final_reads = static_cast<int64_t>(finals_.size());
  r.verdict = r.errors > 0 ? Verdict::kInvalid : r.final_verdict;
  std::string counts = std::to_string(r.reads) + " ok reads, " + std::to_string(r.adds) +
                       " adds (" + std::to_string(r.adds_ok) + " ok, " +
                       std::to_string(r.adds_fail) + " fail, " + std::to_string(r.adds_info) +
                       " info)";
  std::map<std::string, int64_t> by_name;
  for (const CounterProblem& p : r.problems) ++by_name[p.name];
  std::string names;
  for (const auto& [name, n] : by_name) {
    names += (names.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  }
  const auto first_error = std::find_if(r.problems.begin(), r.problems.end(),
                                        [](const CounterProblem& p) { return p.error; });
  if (r.verdict == Verdict::kInvalid) {
    r.explanation = names + "; the first error: " + first_error->explanation + "; " + counts;
  } else if (r.verdict == Verdict::kUnknown) {
    r.explanation = "no read broke its bounds or went down, but " + r.problems.back().explanation +
                    " (" + names + "); " + counts;
  } else {
    r.explanation = std::string("every read within its bounds") + (eventual_ ? " or stale" : "") +
                    ", monotonic per process, and " + std::to_string(r.final_reads) +
                    " final reads agree on " + std::to_string(finals_.front().first) +
                    (names.empty() ? "" : " (" + names + ")") + "; " + counts;
  }
  return std::move(r);
}

}  // namespace

const char* CounterConsistencyName(CounterConsistency c) {
  return c == CounterConsistency::kEventual ? "eventual" : "linearizable";
}

Result<CounterResult> CheckCounter(const History& history, const std::string& source,
                                   const CounterOptions& options) {
  CounterWalk walk(history, source, options);
  FAULTLINE_RETURN_IF_ERROR(walk.Run());
  return std::move(walk).Finish();
}

nlohmann::json ToJson(const CounterResult& r) {
  nlohmann::json j = {{"checker", "counter"},
                      {"verdict", VerdictName(r.verdict)},
                      {"consistency", CounterConsistencyName(r.consistency)},
                      {"explanation", r.explanation},
                      {"final_verdict", VerdictName(r.final_verdict)},
                      {"reads", r.reads},
                      {"final_reads", r.final_reads},
                      {"adds", r.adds},
                      {"adds_ok", r.adds_ok},
                      {"adds_fail", r.adds_fail},
                      {"adds_info", r.adds_info},
                      {"ok_sum", r.ok_sum},
                      {"info_sum", r.info_sum},
                      {"errors", r.errors},
                      {"notes", r.notes},
                      {"problems_total", r.problems.size()}};
  nlohmann::json& ps = j["problems"] = nlohmann::json::array();
  for (size_t i = 0; i < r.problems.size() && i < kMaxJsonProblems; ++i) {
    const CounterProblem& p = r.problems[i];
    ps.push_back({{"name", p.name},
                  {"error", p.error},
                  {"op_indices", p.op_indices},
                  {"value", p.value},
                  {"lower", p.lower},
                  {"upper", p.upper},
                  {"explanation", p.explanation}});
  }
  // Reads named by a listed problem are always drawn.
  std::vector<int64_t> flagged;
  for (size_t i = 0; i < r.problems.size() && i < kMaxJsonProblems; ++i) {
    flagged.insert(flagged.end(), r.problems[i].op_indices.begin(), r.problems[i].op_indices.end());
  }
  std::sort(flagged.begin(), flagged.end());
  const auto& b = r.bounds;
  auto is_flagged = [&](size_t k) {
    return b[k].final || std::binary_search(flagged.begin(), flagged.end(), b[k].op_index);
  };
  nlohmann::json& rows = j["bounds"] = nlohmann::json::array();
  for (size_t i : SampleSeries(
           b.size(), kMaxSeriesRows, kMaxJsonProblems,
           [&](size_t k) { return b[k].value - b[k].lower; }, is_flagged)) {
    rows.push_back({b[i].time, b[i].lower, b[i].upper, b[i].value, b[i].op_index});
  }
  return j;
}

}  // namespace faultline
