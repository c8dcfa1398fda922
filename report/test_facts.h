// test.json as the report's facts read it: one flat object. A part recorded as an object
// ({"db": {"name": "etcd", "read_consistency": …}}) becomes its name plus its options at the
// top level; runs stored before parts had their own objects are flat already. Pure.
#pragma once

#include <nlohmann/json.hpp>

namespace faultline {

inline nlohmann::json FlattenParts(const nlohmann::json& test) {
  if (!test.is_object()) return test;
  nlohmann::json flat = test;
  for (const char* part : {"db", "workload"}) {
    if (!test.contains(part) || !test[part].is_object()) continue;
    for (const auto& [key, value] : test[part].items()) {
      if (key != "name") flat[key] = value;
    }
    flat[part] = test[part].value("name", "");
  }
  return flat;
}

}  // namespace faultline
