#include "db/builtin/server/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace faultline {
namespace {

Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("write " + path.string() + ": " + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<AppendFile>> AppendFile::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("open " + path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<AppendFile>(new AppendFile(path, fd));
}

AppendFile::~AppendFile() { ::close(fd_); }

Status AppendFile::Append(std::string_view line) {
  std::string data(line);
  data.push_back('\n');
  return WriteAll(fd_, data, path_);
}

Status AppendFile::Rewrite(const std::vector<std::string>& lines) {
  std::string content;
  for (const std::string& line : lines) content.append(line).push_back('\n');
  FAULTLINE_RETURN_IF_ERROR(WriteFileAtomically(path_, content));
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + path_.string() + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = fd;
  return Status::Ok();
}

Result<std::vector<std::string>> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  if (!in) return lines;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  size_t start = 0;
  while (true) {
    size_t newline = content.find('\n', start);
    if (newline == std::string::npos) break;
    lines.push_back(content.substr(start, newline - start));
    start = newline + 1;
  }
  if (start < content.size() && ::truncate(path.c_str(), static_cast<off_t>(start)) != 0) {
    return Status::IoError("truncate " + path.string() + ": " + std::strerror(errno));
  }
  return lines;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("open " + tmp.string() + ": " + std::strerror(errno));
  Status st = WriteAll(fd, content, tmp);
  ::close(fd);
  if (!st.ok()) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError("rename " + tmp.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace faultline
