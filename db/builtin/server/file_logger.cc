#include "db/builtin/server/file_logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace faultline {

Result<std::unique_ptr<FileLogger>> FileLogger::Open(const std::filesystem::path& path) {
  if (path.empty()) return std::unique_ptr<FileLogger>(new FileLogger(STDERR_FILENO));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("open " + path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<FileLogger>(new FileLogger(fd));
}

FileLogger::~FileLogger() {
  if (fd_ != STDERR_FILENO) ::close(fd_);
}

void FileLogger::Write(std::string_view message) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm parts{};
  gmtime_r(&now.tv_sec, &parts);
  char stamp[40];
  size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &parts);
  snprintf(stamp + n, sizeof(stamp) - n, ".%06ldZ ", now.tv_nsec / 1000);
  std::string line(stamp);
  line.append(message).push_back('\n');
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t w = ::write(fd_, data, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // nowhere to report a failing log; keep serving
    data += w;
    left -= static_cast<size_t>(w);
  }
}

}  // namespace faultline
