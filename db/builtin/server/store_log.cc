#include "db/builtin/server/store_log.h"

#include <fstream>
#include <system_error>

#include "db/builtin/server/protocol.h"

namespace faultline {

using nlohmann::json;

namespace {

constexpr char kShapes[] =
    "a log entry must be [term, key, value] or [term, [[\"set\"|\"add\", key, value], ...]]";

Result<int64_t> IntAt(const json& j, size_t i) { return GetInt(json{{"n", j[i]}}, "n"); }

Result<KeyChange> ChangeFromJson(const json& j) {
  if (!j.is_array() || j.size() != 3 || !j[0].is_string() || !j[1].is_string()) {
    return Status::InvalidInput(kShapes);
  }
  const std::string kind = j[0].get<std::string>();
  if (kind != "set" && kind != "add") return Status::InvalidInput(kShapes);
  Result<int64_t> value = IntAt(j, 2);
  if (!value.ok()) return value.status();
  return KeyChange{j[1].get<std::string>(),
                   kind == "set" ? KeyChange::Kind::kSet : KeyChange::Kind::kAdd, *value};
}

}  // namespace

json LogEntry::ToJson() const {
  if (changes.size() == 1 && changes[0].kind == KeyChange::Kind::kSet) {
    return json::array({term, changes[0].key, changes[0].value});
  }
  json list = json::array();
  for (const KeyChange& c : changes) {
    list.push_back(json::array({c.kind == KeyChange::Kind::kSet ? "set" : "add", c.key, c.value}));
  }
  return json::array({term, std::move(list)});
}

Result<LogEntry> LogEntry::FromJson(const json& j) {
  if (!j.is_array() || j.empty()) return Status::InvalidInput(kShapes);
  Result<int64_t> term = IntAt(j, 0);
  if (!term.ok()) return term.status();
  if (j.size() == 3 && j[1].is_string()) {
    Result<int64_t> value = IntAt(j, 2);
    if (!value.ok()) return value.status();
    return LogEntry(*term, j[1].get<std::string>(), *value);
  }
  if (j.size() != 2 || !j[1].is_array()) return Status::InvalidInput(kShapes);
  LogEntry entry;
  entry.term = *term;
  for (const json& c : j[1]) {
    Result<KeyChange> change = ChangeFromJson(c);
    if (!change.ok()) return change.status();
    entry.changes.push_back(std::move(*change));
  }
  return entry;
}

void StoreLog::ApplyToState(const LogEntry& entry) {
  for (const KeyChange& c : entry.changes) {
    auto it = state_.find(c.key);
    const std::optional<int64_t> current =
        it == state_.end() ? std::nullopt : std::optional<int64_t>(it->second);
    state_[c.key] = ApplyChange(c, current);
  }
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
    log->ApplyToState(*entry);
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
  ApplyToState(entry);
  return Status::Ok();
}

Status StoreLog::TruncateFrom(int64_t index) {
  if (index > LastIndex()) return Status::Ok();
  entries_.resize(static_cast<size_t>(index - 1));
  state_.clear();
  std::vector<std::string> lines;
  lines.reserve(entries_.size());
  for (const LogEntry& e : entries_) {
    ApplyToState(e);
    lines.push_back(e.ToJson().dump());
  }
  return file_->Rewrite(lines);
}

}  // namespace faultline
