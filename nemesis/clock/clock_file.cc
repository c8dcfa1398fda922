#include "nemesis/clock/clock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace faultline {
namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return path + ": " + what + ": " + std::strerror(errno);
}

// Holds an exclusive flock for the lifetime of the object (writers and initialisation).
class FileLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {
    while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FileLock() { flock(fd_, LOCK_UN); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// Under the lock: a fresh (empty or all-zero) file becomes a zero-offset record; a file of
// another size or magic is refused.
Status InitialiseIfFresh(int fd, const std::string& path, bool create) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status::IoError(Errno("cannot stat the clock file", path));
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path + ": not a regular file; expected a clock file");
  }
  if (st.st_size == 0 && create) {
    if (ftruncate(fd, sizeof(ClockRecord)) != 0) {
      return Status::IoError(Errno("cannot size the clock file", path));
    }
    return Status::Ok();
  }
  if (st.st_size != static_cast<off_t>(sizeof(ClockRecord))) {
    return Status::InvalidArgument(path + ": not a faultline clock file (" +
                                   std::to_string(st.st_size) + " bytes; expected " +
                                   std::to_string(sizeof(ClockRecord)) + "); refusing to touch it");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateClockSettings(const ClockSettings& s) {
  const std::string max = std::to_string(kClockMaxOffsetMs);
  if (s.offset_ms < -kClockMaxOffsetMs || s.offset_ms > kClockMaxOffsetMs) {
    return Status::InvalidArgument("offset " + std::to_string(s.offset_ms) +
                                   " ms is out of range; expected -" + max + ".." + max);
  }
  if (s.strobe_delta_ms < -kClockMaxOffsetMs || s.strobe_delta_ms > kClockMaxOffsetMs) {
    return Status::InvalidArgument("strobe delta " + std::to_string(s.strobe_delta_ms) +
                                   " ms is out of range; expected -" + max + ".." + max);
  }
  if (s.strobe_period_ms < 0 || s.strobe_period_ms > kClockMaxPeriodMs) {
    return Status::InvalidArgument("strobe period " + std::to_string(s.strobe_period_ms) +
                                   " ms is out of range; expected 1.." +
                                   std::to_string(kClockMaxPeriodMs) + " (0: no strobe)");
  }
  if ((s.strobe_period_ms == 0) != (s.strobe_delta_ms == 0)) {
    return Status::InvalidArgument(
        "a strobe needs both a non-zero delta and a non-zero period (got delta " +
        std::to_string(s.strobe_delta_ms) + " ms, period " + std::to_string(s.strobe_period_ms) +
        " ms)");
  }
  return Status::Ok();
}

Result<ClockFile> ClockFile::OpenOrCreate(const std::string& path) { return Open(path, true); }
Result<ClockFile> ClockFile::OpenExisting(const std::string& path) { return Open(path, false); }

Result<ClockFile> ClockFile::Open(const std::string& path, bool create) {
  const int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
  int fd = open(path.c_str(), flags, 0644);
  if (fd < 0) {
    if (errno == ENOENT && !create) {
      return Status::InvalidArgument(path +
                                     ": no such clock file; create it with "
                                     "`faultline-clock reset " +
                                     path + "`");
    }
    return Status::IoError(Errno("cannot open the clock file", path));
  }
  if (create) fchmod(fd, 0644);  // not subject to the umask: readers may run as other users
  Status status;
  void* map = MAP_FAILED;
  {
    FileLock lock(fd);
    status = InitialiseIfFresh(fd, path, create);
    if (status.ok()) {
      map = mmap(nullptr, sizeof(ClockRecord), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (map == MAP_FAILED) status = Status::IoError(Errno("cannot map the clock file", path));
    }
    if (status.ok()) {
      auto* record = static_cast<ClockRecord*>(map);
      const uint64_t magic = std::atomic_ref<uint64_t>(record->magic).load();
      if (magic == 0 && create) {
        WriteClockRecord(record, ClockSettings{});  // fresh, or an initialisation that died
      } else if (magic != kClockMagic) {
        status = Status::InvalidArgument(path + ": not a faultline clock file (bad magic)" +
                                         (create ? "; refusing to overwrite it" : ""));
      }
    }
  }
  if (!status.ok()) {
    if (map != MAP_FAILED) munmap(map, sizeof(ClockRecord));
    close(fd);
    return status;
  }
  return ClockFile(path, fd, static_cast<ClockRecord*>(map));
}

ClockFile::ClockFile(ClockFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      record_(std::exchange(other.record_, nullptr)) {}

ClockFile& ClockFile::operator=(ClockFile&& other) noexcept {
  if (this != &other) {
    Close();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    record_ = std::exchange(other.record_, nullptr);
  }
  return *this;
}

ClockFile::~ClockFile() { Close(); }

void ClockFile::Close() {
  if (record_ != nullptr) munmap(record_, sizeof(ClockRecord));
  if (fd_ >= 0) close(fd_);
  record_ = nullptr;
  fd_ = -1;
}

Status ClockFile::Write(const ClockSettings& settings) {
  FAULTLINE_RETURN_IF_ERROR(ValidateClockSettings(settings));
  FileLock lock(fd_);
  WriteClockRecord(record_, settings);  // MAP_SHARED: the page cache is what readers map
  return Status::Ok();
}

Result<ClockSettings> ClockFile::Read() const {
  FileLock lock(fd_);  // no writer is between its steps while we hold it
  ClockSettings settings;
  if (TryReadClockRecord(*record_, &settings)) return settings;
  return Status::Internal(path_ +
                          ": the clock record changed under the file lock (is a "
                          "writer ignoring the lock?)");
}

}  // namespace faultline
