#include "core/history_io.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace faultline {

Result<HistoryFormat> ParseHistoryFormat(std::string_view name) {
  if (name == "auto") return HistoryFormat::kAuto;
  if (name == "jsonl") return HistoryFormat::kJsonl;
  if (name == "edn") return HistoryFormat::kEdn;
  if (name == "porcupine-etcd") return HistoryFormat::kPorcupineEtcd;
  if (name == "porcupine-kv") return HistoryFormat::kPorcupineKv;
  return Status::InvalidArgument("unknown history format \"" + std::string(name) +
                                 "\"; expected auto, jsonl, edn, porcupine-etcd or porcupine-kv");
}

const char* HistoryFormatName(HistoryFormat f) {
  switch (f) {
    case HistoryFormat::kAuto: return "auto";
    case HistoryFormat::kJsonl: return "jsonl";
    case HistoryFormat::kEdn: return "edn";
    case HistoryFormat::kPorcupineEtcd: return "porcupine-etcd";
    case HistoryFormat::kPorcupineKv: return "porcupine-kv";
  }
  return "?";
}

HistoryFormat DetectHistoryFormat(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ',')) {
    ++i;
  }
  if (i == text.size()) return HistoryFormat::kJsonl;
  std::string_view rest = text.substr(i);
  if (rest.starts_with("INFO") || rest.substr(0, 200).find("jepsen.util") != std::string_view::npos) {
    return HistoryFormat::kPorcupineEtcd;
  }
  if (rest[0] == '{') {
    size_t j = 1;
    while (j < rest.size() && std::isspace(static_cast<unsigned char>(rest[j]))) ++j;
    if (j < rest.size() && (rest[j] == '"' || rest[j] == '}')) return HistoryFormat::kJsonl;
    // One EDN map per line with a :key is Porcupine's kv family.
    size_t eol = rest.find('\n');
    std::string_view first = rest.substr(0, eol);
    if (first.find(":key") != std::string_view::npos &&
        (first.find(":append") != std::string_view::npos ||
         first.find(":get") != std::string_view::npos ||
         first.find(":put") != std::string_view::npos)) {
      return HistoryFormat::kPorcupineKv;
    }
    return HistoryFormat::kEdn;
  }
  return HistoryFormat::kEdn;  // '[', '(', ';' comments, '#' tags…
}

Result<LoadedHistory> ParseHistory(std::string_view text, const std::string& source,
                                   HistoryFormat format) {
  if (format == HistoryFormat::kAuto) format = DetectHistoryFormat(text);
  std::string warning;
  Result<std::vector<Op>> ops = [&]() -> Result<std::vector<Op>> {
    switch (format) {
      case HistoryFormat::kJsonl: return ParseJsonlOps(text, source, &warning);
      case HistoryFormat::kEdn:
      case HistoryFormat::kPorcupineKv: return ParseEdnOps(text, source);
      case HistoryFormat::kPorcupineEtcd: return ParsePorcupineEtcdOps(text, source);
      case HistoryFormat::kAuto: break;
    }
    return Status::Internal("unreachable history format");
  }();
  if (!ops.ok()) return ops.status();
  Result<History> h = History::Make(std::move(ops).value(), source);
  if (!h.ok()) return h.status();
  return LoadedHistory{std::move(h).value(), format, std::move(warning)};
}

static Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError(path + ": read error");
  return ss.str();
}

Result<LoadedHistory> ReadHistoryFile(const std::string& path, HistoryFormat format) {
  Result<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseHistory(*text, path, format);
}

std::string HistoryToJsonl(const History& h) {
  std::string out;
  out.reserve(h.size() * 96);
  for (const Op& op : h.ops()) {
    out += op.ToJson();
    out += '\n';
  }
  return out;
}

Status WriteHistoryJsonl(const History& h, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError(path + ": cannot create: " + std::strerror(errno));
  out << HistoryToJsonl(h);
  out.flush();
  if (!out) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace faultline
