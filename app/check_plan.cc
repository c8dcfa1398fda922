#include "app/check_plan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checkers/registry.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFlatParams[] = {"accounts", "total", "allow_negative", "consistency"};

Status BadTestJson(const std::string& path, const std::string& what) {
  return Status::InvalidInput(path + ": " + what);
}

}  // namespace

Result<std::optional<StoredRun>> ReadStoredRun(const std::string& history_path) {
  const fs::path path = fs::path(history_path).parent_path() / "test.json";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::optional<StoredRun>();
  StoredRun run;
  run.test_json = path.string();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return BadTestJson(run.test_json, "cannot read");
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return BadTestJson(run.test_json, "expected a JSON object");
  for (const char* key : kFlatParams) {
    if (j.contains(key)) run.params[key] = j[key];
  }
  const nlohmann::json workload = j.value("workload", nlohmann::json());
  if (workload.is_string()) {
    run.workload = workload.get<std::string>();
  } else if (workload.is_object() && workload.value("name", nlohmann::json()).is_string()) {
    run.workload = workload["name"].get<std::string>();
    for (const auto& [key, value] : workload.items()) {
      if (key != "name") run.params[key] = value;
    }
  } else if (!workload.is_null()) {
    return BadTestJson(run.test_json,
                       "\"workload\": expected a name or an object with a "
                       "\"name\", got " +
                           workload.dump());
  }
  return std::optional<StoredRun>(std::move(run));
}

Result<std::vector<std::string>> ParseCheckerList(const std::string& text) {
  if (text.empty()) {
    return Status::InvalidArgument("--checker: expected one or more of " +
                                   RegisteredCheckerNames() + ", separated by commas");
  }
  std::vector<std::string> names;
  for (size_t from = 0; from <= text.size();) {
    const size_t comma = std::min(text.find(',', from), text.size());
    const std::string name = text.substr(from, comma - from);
    from = comma + 1;
    if (FindChecker(name) == nullptr) {
      return Status::InvalidArgument("--checker " + text + ": unknown checker \"" + name +
                                     "\"; the checkers are: " + RegisteredCheckerNames());
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace faultline
