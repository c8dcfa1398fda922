#include "checkers/linearizability/result_json.h"

#include <nlohmann/json.hpp>

namespace faultline {

static nlohmann::json ToJson(const ExplainedOp& op, const char* note_name) {
  return {{"op_index", op.op_index}, {"process", op.process}, {"op", op.op}, {note_name, op.note}};
}

nlohmann::json ToJson(const KeyResult& k) {
  nlohmann::json j = {{"key", k.key ? nlohmann::json(*k.key) : nlohmann::json()},
                      {"verdict", VerdictName(k.verdict)},
                      {"ops", k.ops},
                      {"method", k.method},
                      {"explanation", k.explanation},
                      {"prefix_length", k.prefix_length},
                      {"states_explored", k.states},
                      {"seconds", k.seconds}};
  nlohmann::json& prefix = j["prefix"] = nlohmann::json::array();
  for (const ExplainedOp& op : k.prefix) prefix.push_back(ToJson(op, "state_after"));
  nlohmann::json& unplaced = j["unplaced"] = nlohmann::json::array();
  for (const ExplainedOp& op : k.unplaced) unplaced.push_back(ToJson(op, "why"));
  return j;
}

nlohmann::json ToJson(const LinearizabilityResult& r) {
  nlohmann::json j = {{"checker", "linearizability"},
                      {"verdict", VerdictName(r.verdict)},
                      {"model", r.model},
                      {"ops", r.ops},
                      {"keys", r.keys},
                      {"invalid_keys", r.invalid_keys},
                      {"unknown_keys", r.unknown_keys},
                      {"skipped_keys", r.skipped_keys},
                      {"unique_value_keys", r.unique_value_keys},
                      {"impossible_op_keys", r.impossible_op_keys},
                      {"states_explored", r.states}};
  nlohmann::json& problems = j["problems"] = nlohmann::json::array();
  for (const KeyResult& k : r.problems) problems.push_back(ToJson(k));
  return j;
}

}  // namespace faultline
