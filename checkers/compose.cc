#include "checkers/compose.h"

#include <tbb/task_group.h>

#include <exception>

namespace faultline {
namespace {

// What a checker that threw `what` comes to.
CheckerResult Threw(const std::string& name, const std::string& what) {
  CheckerResult r;
  r.verdict = Verdict::kUnknown;
  r.summary = name + ": unknown (the checker failed: " + what + ")";
  r.detail = {{"verdict", VerdictName(Verdict::kUnknown)}, {"explanation", r.summary}};
  return r;
}

// checker.Check, with anything it throws turned into an unknown result.
Result<CheckerResult> CheckSafely(const Checker& checker, const History& history,
                                  const std::string& source) {
  try {
    return checker.Check(history, source);
  } catch (const std::exception& e) {
    return Threw(checker.name(), e.what());
  } catch (...) {
    return Threw(checker.name(), "an exception that is not a std::exception");
  }
}

std::string SummaryOf(const CheckerResult& r, const Witness* first) {
  if (first) return r.summary + "\n  " + WitnessLine(*first);
  if (!r.problems.empty()) return r.summary + "\n  " + r.problems.front().text;
  if (!r.why.empty()) return r.summary + "\n  " + r.why;
  return r.summary;
}

}  // namespace

Result<Composition> Compose(const std::vector<std::unique_ptr<Checker>>& checkers,
                            const History& history, const std::string& source,
                            bool witnesses) {
  if (checkers.empty()) return Status::InvalidArgument("Compose: no checker to run");
  std::vector<Result<CheckerResult>> results(checkers.size(), Status::Internal("not run"));
  tbb::task_group group;
  for (size_t i = 0; i < checkers.size(); ++i) {
    group.run([&, i] { results[i] = CheckSafely(*checkers[i], history, source); });
  }
  group.wait();
  Composition out;
  for (size_t i = 0; i < checkers.size(); ++i) {
    if (!results[i].ok()) return results[i].status();
    const std::string name = checkers[i]->name();
    CheckerResult& r = *results[i];
    out.verdict = Worst(out.verdict, r.verdict);
    const size_t before = out.witnesses.size();
    if (witnesses && r.verdict == Verdict::kInvalid) {
      for (Witness& w : FindWitnesses(*checkers[i], r, history, source)) {
        if (!w.kind.empty()) out.witnesses.push_back(std::move(w));
      }
    }
    const Witness* first = out.witnesses.size() > before ? &out.witnesses[before] : nullptr;
    out.summary += (i == 0 ? "" : "\n") + SummaryOf(r, first);
    out.detail[name] = r.detail;
    out.results.emplace_back(name, std::move(r));
  }
  return out;
}

nlohmann::json Composition::WitnessesJson(const History& history) const {
  nlohmann::json out = nlohmann::json::array();
  for (const Witness& w : witnesses) out.push_back(ToJson(w, history));
  return out;
}

}  // namespace faultline
