#include "nemesis/recorded_value.h"

#include <algorithm>

#include "harness/registry.h"

namespace faultline {

Status CheckRecordedNode(const std::string& what, const std::string& node,
                         const std::vector<std::string>& nodes) {
  if (std::find(nodes.begin(), nodes.end(), node) != nodes.end()) return Status::Ok();
  return Status::InvalidArgument(what + " names node \"" + node +
                                 "\", which this cluster does not have (it has " +
                                 NameList(nodes, "and") + ")");
}

Result<std::vector<std::string>> RecordedNodeList(const std::string& what, const Value* list,
                                                  const std::vector<std::string>& nodes) {
  if (list == nullptr || !list->is_list() || list->as_list().empty()) {
    return Status::InvalidArgument(what + ": " + (list ? list->ToJson() : "nothing") +
                                   " where a non-empty list of node names was expected");
  }
  std::vector<std::string> out;
  for (const Value& v : list->as_list()) {
    if (!v.is_string()) {
      return Status::InvalidArgument(what + ": " + v.ToJson() + " in " + list->ToJson() +
                                     " where a node name was expected");
    }
    out.emplace_back(v.as_string());
    FAULTLINE_RETURN_IF_ERROR(CheckRecordedNode(what, out.back(), nodes));
  }
  return out;
}

Result<int64_t> RecordedInt(const std::string& what, const Value& recorded, const char* key) {
  const Value* v = recorded.Find(key);
  if (v == nullptr || !v->is_int()) {
    return Status::InvalidArgument(what + " " + recorded.ToJson() + ": expected an integer \"" +
                                   key + "\"");
  }
  return v->as_int();
}

Result<double> RecordedNumber(const std::string& what, const Value& recorded, const char* key) {
  const Value* v = recorded.Find(key);
  if (v != nullptr && v->is_int()) return static_cast<double>(v->as_int());
  if (v == nullptr || v->kind() != Value::Kind::kDouble) {
    return Status::InvalidArgument(what + " " + recorded.ToJson() + ": expected a number \"" + key +
                                   "\"");
  }
  return v->as_double();
}

}  // namespace faultline
