#include "checkers/nothing_checked.h"

namespace faultline {
namespace {

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "(2 failed, 1 indeterminate, 1 never completed)": how the invocations ended, or "".
std::string Breakdown(const ClientOpCounts& c) {
  std::string parts;
  auto add = [&parts](int64_t n, const char* what) {
    if (n == 0) return;
    parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(c.fail, "failed");
  add(c.info, "indeterminate");
  add(c.pending, "never completed");
  return parts.empty() ? "" : " (" + parts + ")";
}

// Whether a failed cas was recorded: an observation under the etcd model.
bool HasFailedCas(const History& h) {
  for (size_t i = 0; i < h.size(); ++i) {
    if (!h[i].is_nemesis() && h[i].type == OpType::kFail && h[i].f == "cas") return true;
  }
  return false;
}

}  // namespace

ClientOpCounts CountClientOps(const History& h) {
  ClientOpCounts c;
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    ++c.invoked;
    const int64_t done = h.partner(i);
    const OpType outcome = done < 0 ? OpType::kInvoke : h[done].type;
    (outcome == OpType::kOk     ? c.ok
     : outcome == OpType::kFail ? c.fail
     : outcome == OpType::kInfo ? c.info
                                : c.pending)++;
  }
  return c;
}

std::optional<std::string> NothingCheckedReason(const History& h, const std::string& model) {
  const ClientOpCounts c = CountClientOps(h);
  if (c.ok > 0 || (model == "etcd" && c.fail > 0 && HasFailedCas(h))) return std::nullopt;
  return "nothing was checked: " + Plural(c.invoked, "op", "ops") + " invoked, none completed" +
         Breakdown(c);
}

std::optional<std::string> NeverAnsweredReason(const History& h) {
  const ClientOpCounts c = CountClientOps(h);
  if (c.ok > 0) return std::nullopt;
  // Not the database's doing: the run stopped (Ctrl-C, a crash) before its first op.
  if (c.invoked == 0) return "no client op was run: nothing was checked";
  return "the database never answered: 0 of " + Plural(c.invoked, "op", "ops") + " succeeded" +
         Breakdown(c);
}

}  // namespace faultline
