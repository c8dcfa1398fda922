#include "core/history_io.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
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
  // A regular file is read straight into one string of its size (a 250 MB history must not
  // be held twice); a pipe or other stream of unknown size goes through a stringstream.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size >= 0 && in) {
    std::string text(static_cast<size_t>(size), '\0');
    in.seekg(0, std::ios::beg);
    if (!in.read(text.data(), size) || in.gcount() != size) {
      return Status::IoError(path + ": read error");
    }
    return text;
  }
  in.clear();
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError(path + ": read error");
  return ss.str();
}

// JSON Lines from a regular file are parsed while it is read (see ReadJsonlOps); nullopt: not
// JSON Lines (by `format`, or by its first 64 KB), or not a regular file.
static std::optional<Result<LoadedHistory>> StreamJsonl(const std::string& path,
                                                        HistoryFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || !in) return std::nullopt;
  in.seekg(0, std::ios::beg);
  if (format == HistoryFormat::kAuto) {
    std::string prefix(size_t{64} << 10, '\0');
    in.read(prefix.data(), std::streamsize(prefix.size()));
    prefix.resize(size_t(in.gcount()));
    // Only whitespace so far says nothing about the format: read the whole file.
    if (prefix.find_first_not_of(" \t\r\n,") == std::string::npos && size_t(size) > prefix.size())
      return std::nullopt;
    if (DetectHistoryFormat(prefix) != HistoryFormat::kJsonl) return std::nullopt;
    in.clear();
    in.seekg(0, std::ios::beg);
    if (!in) return std::nullopt;
  } else if (format != HistoryFormat::kJsonl) {
    return std::nullopt;
  }
  std::string warning;
  Result<std::vector<Op>> ops = ReadJsonlOps(in, path, size_t(size), &warning);
  if (!ops.ok()) return Result<LoadedHistory>(ops.status());
  Result<History> h = History::Make(std::move(ops).value(), path);
  if (!h.ok()) return Result<LoadedHistory>(h.status());
  return Result<LoadedHistory>(
      LoadedHistory{std::move(h).value(), HistoryFormat::kJsonl, std::move(warning)});
}

Result<LoadedHistory> ReadHistoryFile(const std::string& path, HistoryFormat format) {
  if (auto streamed = StreamJsonl(path, format)) return std::move(*streamed);
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
