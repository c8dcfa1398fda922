#include "db/builtin/store_log.h"

#include <fstream>
#include <system_error>

#include "db/builtin/protocol.h"

namespace faultline {

using nlohmann::json;

Result<LogEntry> LogEntry::FromJson(const json& j) {
  if (!j.is_array() || j.size() != 3 || !j[1].is_string()) {
    return Status::InvalidInput("a log entry must be [term, key, value]");
  }
  json obj{{"t", j[0]}, {"v", j[2]}};
  Result<int64_t> term = GetInt(obj, "t");
  if (!term.ok()) return term.status();
  Result<int64_t> value = GetInt(obj, "v");
  if (!value.ok()) return value.status();
  return LogEntry{*term, j[1].get<std::string>(), *value};
}

Result<std::unique_ptr<StoreLog>> StoreLog::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("create " + dir.string() + ": " + ec.message());
  const std::filesystem::path log_path = dir / "log.jsonl";
  Result<std::vector<std::string>> lines = ReadLines(log_path);
  if (!lines.ok()) return lines.status();
  Result<std::unique_ptr<AppendFile>> file = AppendFile::Open(log_path);
  if (!file.ok()) return file.status();
  std::unique_ptr<StoreLog> log(new StoreLog(dir, std::move(*file)));
  for (size_t i = 0; i < lines->size(); ++i) {
    json j = json::parse((*lines)[i], nullptr, /*allow_exceptions=*/false);
    Result<LogEntry> entry = LogEntry::FromJson(j);
    if (!entry.ok()) {
      return Status::InvalidInput(log_path.string() + ":" + std::to_string(i + 1) + ": " +
                                  entry.status().message());
    }
    log->state_[entry->key] = entry->value;
    log->entries_.push_back(std::move(*entry));
  }
  std::ifstream term_file(dir / "term");
  log->fresh_ = !(term_file >> log->term_);
  return log;
}

Status StoreLog::SetTerm(int64_t term) {
  FAULTLINE_RETURN_IF_ERROR(WriteFileAtomically(dir_ / "term", std::to_string(term) + "\n"));
  term_ = term;
  return Status::Ok();
}

std::optional<int64_t> StoreLog::Get(const std::string& key) const {
  auto it = state_.find(key);
  if (it == state_.end()) return std::nullopt;
  return it->second;
}

Status StoreLog::Append(const LogEntry& entry) {
  FAULTLINE_RETURN_IF_ERROR(file_->Append(entry.ToJson().dump()));
  entries_.push_back(entry);
  state_[entry.key] = entry.value;
  return Status::Ok();
}

Status StoreLog::TruncateFrom(int64_t index) {
  if (index > LastIndex()) return Status::Ok();
  entries_.resize(static_cast<size_t>(index - 1));
  state_.clear();
  std::vector<std::string> lines;
  lines.reserve(entries_.size());
  for (const LogEntry& e : entries_) {
    state_[e.key] = e.value;
    lines.push_back(e.ToJson().dump());
  }
  return file_->Rewrite(lines);
}

}  // namespace faultline
