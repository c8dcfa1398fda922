#include "core/history_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>

#include "core/jsonl_reader.h"

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

namespace {

// A file descriptor, closed when this goes away.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// A regular file mapped read-only, unmapped when this goes away. Mapping instead of reading
// keeps a history larger than memory out of the heap: its pages are the page cache's, and
// the JSON Lines reader drops the ones it is done with.
class MappedFile {
 public:
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { ::munmap(data_, size_); }
  // nullptr when the file cannot be mapped (e.g. a file system without mmap).
  static std::unique_ptr<MappedFile> Map(int fd, size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return nullptr;
    ::madvise(p, size, MADV_SEQUENTIAL);
    return std::unique_ptr<MappedFile>(new MappedFile(static_cast<char*>(p), size));
  }
  std::string_view text() const { return {data_, size_}; }
  // Drops the whole pages in [begin, end) from memory; read again, they come back from the
  // file. Thread-safe.
  static void Release(const char* begin, const char* end) {
    const uintptr_t b = (uintptr_t(begin) + kPage - 1) / kPage * kPage;
    const uintptr_t e = uintptr_t(end) / kPage * kPage;
    if (b < e) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
  }
  // Maps the pages under [begin, end) in one call (page faults cost more, above all in a VM);
  // a kernel without MADV_POPULATE_READ (before 5.14) ignores it. Thread-safe.
  static void Prefetch(const char* begin, const char* end) {
#ifdef MADV_POPULATE_READ
    const uintptr_t b = uintptr_t(begin) / kPage * kPage;
    if (b < uintptr_t(end))
      ::madvise(reinterpret_cast<void*>(b), uintptr_t(end) - b, MADV_POPULATE_READ);
#endif
  }

 private:
  MappedFile(char* data, size_t size) : data_(data), size_(size) {}
  static inline const uintptr_t kPage = uintptr_t(::sysconf(_SC_PAGESIZE));
  char* data_;
  size_t size_;
};

Result<size_t> ReadSome(int fd, char* buf, size_t n) {
  while (true) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return size_t(got);
    if (errno != EINTR) return Status::IoError(std::string("read error: ") + std::strerror(errno));
  }
}

Result<std::string> ReadAll(int fd, const std::string& path) {
  std::string text;
  size_t len = 0;
  while (true) {
    text.resize(std::max(len + (size_t{64} << 10), text.size()));
    Result<size_t> got = ReadSome(fd, text.data() + len, text.size() - len);
    if (!got.ok()) return Status::IoError(path + ": " + got.status().message());
    if (*got == 0) break;
    len += *got;
    if (len == text.size()) text.resize(text.size() * 2);
  }
  text.resize(len);
  return text;
}

Result<LoadedHistory> Pair(Result<std::vector<Op>> ops, const std::string& path,
                           std::string warning) {
  if (!ops.ok()) return ops.status();
  Result<History> h = History::Make(std::move(ops).value(), path);
  if (!h.ok()) return h.status();
  return LoadedHistory{std::move(h).value(), HistoryFormat::kJsonl, std::move(warning)};
}

// A regular file: mapped, and parsed where it lies.
Result<LoadedHistory> ReadMapped(int fd, size_t size, const std::string& path,
                                 HistoryFormat format) {
  std::unique_ptr<MappedFile> file = MappedFile::Map(fd, size);
  if (file == nullptr) {
    Result<std::string> text = ReadAll(fd, path);
    if (!text.ok()) return text.status();
    return ParseHistory(*text, path, format);
  }
  if (format == HistoryFormat::kAuto) format = DetectHistoryFormat(file->text());
  if (format != HistoryFormat::kJsonl) return ParseHistory(file->text(), path, format);
  JsonlParseOptions options;
  options.release = MappedFile::Release;
  options.prefetch = MappedFile::Prefetch;
  std::string warning;
  Result<std::vector<Op>> ops = ParseJsonlText(file->text(), path, &warning, options);
  return Pair(std::move(ops), path, std::move(warning));
}

}  // namespace

Result<LoadedHistory> ReadHistoryFile(const std::string& path, HistoryFormat format) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::IoError(path + ": cannot read: is a directory; expected a history file");
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    return ReadMapped(fd.get(), size_t(st.st_size), path, format);
  }
  // A pipe or other stream of unknown size (or an empty file). JSON Lines named as such is
  // parsed a chunk at a time; anything else must be seen whole to detect or parse it.
  if (format == HistoryFormat::kJsonl) {
    std::string warning;
    auto read = [&fd](char* buf, size_t n) { return ReadSome(fd.get(), buf, n); };
    Result<std::vector<Op>> ops = ReadJsonlStream(read, path, 0, &warning);
    return Pair(std::move(ops), path, std::move(warning));
  }
  Result<std::string> text = ReadAll(fd.get(), path);
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
