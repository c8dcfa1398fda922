// StoreLog: a node's replicated log of changes and the state it implies, used by the primary
// and async modes. Persisted in DATA_DIR/log.jsonl (entry i is line i, see LogEntry::ToJson)
// and DATA_DIR/term. Not thread-safe: the engine's mutex guards it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "db/builtin/server/append_file.h"
#include "db/builtin/server/commands.h"

namespace faultline {

// One log entry: changes applied together, atomically, in order.
struct LogEntry {
  int64_t term = 0;
  std::vector<KeyChange> changes;

  LogEntry() = default;
  LogEntry(int64_t term, std::vector<KeyChange> changes)
      : term(term), changes(std::move(changes)) {}
  // A register write: key := value.
  LogEntry(int64_t term, std::string key, int64_t value)
      : term(term), changes{{std::move(key), KeyChange::Kind::kSet, value}} {}

  // A single write as [term,key,value] (the original form); anything else as
  // [term,[["set"|"add",key,value],…]].
  nlohmann::json ToJson() const;
  static Result<LogEntry> FromJson(const nlohmann::json& j);
};

class StoreLog {
 public:
  // Loads the log and term from `dir` (created if missing).
  static Result<std::unique_ptr<StoreLog>> Open(const std::filesystem::path& dir);

  // True when `dir` held no term file, i.e. this node has never run.
  bool fresh() const { return fresh_; }
  int64_t term() const { return term_; }
  Status SetTerm(int64_t term);

  int64_t LastIndex() const { return static_cast<int64_t>(entries_.size()); }
  // 0 for index 0. REQUIRES: 0 <= index <= LastIndex().
  int64_t TermAt(int64_t index) const { return index == 0 ? 0 : At(index).term; }
  // REQUIRES: 1 <= index <= LastIndex().
  const LogEntry& At(int64_t index) const { return entries_[static_cast<size_t>(index - 1)]; }
  // The value the log gives `key`, or nullopt if no entry wrote it.
  std::optional<int64_t> Get(const std::string& key) const;

  Status Append(const LogEntry& entry);
  // Drops entries index.. (a diverged suffix) and rewrites the file.
  Status TruncateFrom(int64_t index);

 private:
  StoreLog(std::filesystem::path dir, std::unique_ptr<AppendFile> file)
      : dir_(std::move(dir)), file_(std::move(file)) {}
  void ApplyToState(const LogEntry& entry);

  std::filesystem::path dir_;
  std::unique_ptr<AppendFile> file_;
  std::vector<LogEntry> entries_;
  std::unordered_map<std::string, int64_t> state_;
  int64_t term_ = 0;
  bool fresh_ = false;
};

}  // namespace faultline
