#include "report/run_data.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checkers/registry.h"
#include "core/history_io.h"

namespace faultline {
namespace fs = std::filesystem;
namespace {

// The file's JSON; null when it does not exist.
Result<nlohmann::json> ReadOptionalJson(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return nlohmann::json();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::IoError(path.string() + ": cannot read");
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidInput(path.string() + ": not valid JSON (" + e.what() + ")");
  }
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return a == b || fs::equivalent(a, b, ec);
}

// The history file and its format: the explicit one, RUN_DIR/history.jsonl, or the file a
// `faultline check --out` results.json names (relative to the working directory or RUN_DIR).
Result<std::pair<std::string, HistoryFormat>> FindHistory(const std::string& run_dir,
                                                          const nlohmann::json& raw_results,
                                                          const ReportOptions& options) {
  if (!options.history_path.empty()) return std::pair{options.history_path, HistoryFormat::kAuto};
  const fs::path own = fs::path(run_dir) / "history.jsonl";
  std::error_code ec;
  if (fs::exists(own, ec)) return std::pair{own.string(), HistoryFormat::kJsonl};
  if (raw_results.is_object() && raw_results.contains("files")) {
    for (const auto& f : raw_results["files"]) {
      const std::string file = f.value("file", "");
      for (const fs::path& p : {fs::path(file), fs::path(run_dir) / file}) {
        if (file.empty() || !fs::exists(p, ec)) continue;
        auto format = ParseHistoryFormat(f.value("format", "auto"));
        return std::pair{p.string(), format.ok() ? *format : HistoryFormat::kAuto};
      }
    }
  }
  return Status::InvalidInput(run_dir +
                              ": no history.jsonl (and results.json names no history "
                              "file that exists); give one with --history FILE");
}

}  // namespace

nlohmann::json NormaliseResults(const nlohmann::json& raw, const std::string& history_path) {
  if (!raw.is_object() || !raw.contains("files") || raw.contains("checkers")) return raw;
  const nlohmann::json& files = raw["files"];
  if (!files.is_array() || files.empty()) return raw;
  const nlohmann::json* entry = &files[0];
  for (const auto& f : files) {
    if (SameFile(f.value("file", ""), history_path)) entry = &f;
  }
  nlohmann::json out = {{"verdict", entry->value("verdict", raw.value("verdict", "unknown"))},
                        {"checkers", nlohmann::json::object()},
                        {"checked_file", entry->value("file", "")},
                        {"format", entry->value("format", "")}};
  // Each checker `check` ran keeps its detail under its name (checkers/registry.h).
  for (const CheckerInfo& c : RegisteredCheckers()) {
    if (entry->contains(c.name)) out["checkers"][c.name] = (*entry)[c.name];
  }
  if (entry->contains("error")) out["error"] = (*entry)["error"];
  // `check`'s reason for an unknown it decided itself ("nothing was checked: …").
  if (entry->contains("reason")) {
    out["checkers"]["history"] = {{"verdict", "unknown"}, {"reason", (*entry)["reason"]}};
  }
  return out;
}

Result<RunData> LoadRun(const std::string& run_dir, const ReportOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) return Status::InvalidInput(run_dir + ": not a directory");
  RunData run;
  run.run_dir = run_dir;
  auto test = ReadOptionalJson(fs::path(run_dir) / "test.json");
  if (!test.ok()) return test.status();
  auto raw = ReadOptionalJson(fs::path(run_dir) / "results.json");
  if (!raw.ok()) return raw.status();
  auto found = FindHistory(run_dir, *raw, options);
  if (!found.ok()) return found.status();
  auto loaded = ReadHistoryFile(found->first, found->second);
  if (!loaded.ok()) return loaded.status();
  run.test = std::move(*test);
  run.history_path = found->first;
  run.results = NormaliseResults(*raw, run.history_path);
  run.history_warning = loaded->warning;
  run.history = std::move(loaded->history);
  return run;
}

std::string RunTimeFromDirName(const std::string& name) {
  // YYYYmmddTHHMMSS, optionally followed by -N
  if (name.size() < 15 || name[8] != 'T') return "";
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(name[i]))) return "";
  }
  if (name.size() > 15 && name[15] != '-') return "";
  return name.substr(0, 4) + "-" + name.substr(4, 2) + "-" + name.substr(6, 2) + " " +
         name.substr(9, 2) + ":" + name.substr(11, 2) + ":" + name.substr(13, 2);
}

}  // namespace faultline
