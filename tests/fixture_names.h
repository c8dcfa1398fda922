// The fixture histories of a folder: the stems of its *.jsonl files ("invalid-negative"),
// sorted, for parameterised tests over the folder. Pure; thread-safe.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace faultline {

inline std::vector<std::string> JsonlFixtureNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace faultline
