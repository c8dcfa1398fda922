// The results folder of runs (ARCHITECTURE §6): results/<test>/<YYYYmmddTHHMMSS>/ holding
// test.json, history.jsonl, results.json, faultline.log and nodes/<node>/, and
// results/latest pointing at the newest run. Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace faultline {

// Creates a fresh run folder (a suffix -2, -3… if that second is taken); returns its path.
Result<std::string> CreateRunDir(const std::string& root, const std::string& test_name);
// Points <root>/latest at run_dir.
Status PointLatest(const std::string& root, const std::string& run_dir);
// Replaces `path` atomically (a crash leaves the old file or the new one, never part of it);
// strings that are not UTF-8 are written with U+FFFD in place of the bad bytes.
Status WriteJsonFile(const std::string& path, const nlohmann::json& j);
Result<nlohmann::json> ReadJsonFile(const std::string& path);

}  // namespace faultline
