#include "app/replay_kinds.h"

#include <algorithm>

namespace faultline {
namespace {

using nlohmann::json;

// The string `field` of each element of detail[array] that has one.
void NamesIn(const json& detail, const char* array, const char* field, const std::string& checker,
             std::set<std::string>* out) {
  auto it = detail.find(array);
  if (it == detail.end() || !it->is_array()) return;
  for (const json& e : *it) {
    if (e.is_object() && e.contains(field) && e[field].is_string()) {
      out->insert(checker + ": " + e[field].get<std::string>());
    }
  }
}

}  // namespace

bool HasWitnesses(const json& results) {
  return results.is_object() && results.contains("witnesses") && results["witnesses"].is_array();
}

std::set<std::string> AnomalyKinds(const json& results, bool from_witnesses) {
  std::set<std::string> kinds;
  if (from_witnesses) {
    if (!HasWitnesses(results)) return kinds;
    for (const json& w : results["witnesses"]) {
      if (w.is_object() && w.contains("kind") && w["kind"].is_string()) {
        kinds.insert(w["kind"].get<std::string>());
      }
    }
    return kinds;
  }
  auto checkers = results.find("checkers");
  if (checkers == results.end() || !checkers->is_object()) return kinds;
  for (const auto& [name, detail] : checkers->items()) {
    if (!detail.is_object() || detail.value("verdict", "") != "invalid") continue;
    std::set<std::string> named;
    NamesIn(detail, "violations", "name", name, &named);  // causal
    NamesIn(detail, "bad_reads", "kind", name, &named);   // bank
    NamesIn(detail, "problems", "name", name, &named);    // counter
    if (named.empty()) named.insert(name + " invalid");
    kinds.insert(named.begin(), named.end());
  }
  return kinds;
}

bool SameAnomaly(const std::set<std::string>& original, const json& replay_results,
                 const std::set<std::string>& replay_kinds) {
  if (!replay_results.is_object() || replay_results.value("verdict", "") != "invalid") {
    return false;
  }
  if (original.empty()) return true;
  return std::any_of(original.begin(), original.end(),
                     [&](const std::string& k) { return replay_kinds.count(k) > 0; });
}

std::string KindsText(const std::set<std::string>& kinds) {
  std::string text;
  for (const std::string& k : kinds) text += (text.empty() ? "" : ", ") + k;
  return text.empty() ? "none" : text;
}

}  // namespace faultline
