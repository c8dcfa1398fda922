#include "control/ssh_remote.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "control/ssh_session.h"

namespace faultline {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kCloseGrace = std::chrono::milliseconds(1000);
constexpr size_t kChunk = 256 * 1024;

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", double(ms.count()) / 1000.0);
  return buf;
}

std::string Quoted(const std::string& command) {
  return "`" + (command.size() > 200 ? command.substr(0, 200) + "…" : command) + "`";
}

// 128 + the number of a signal named as SSH does ("KILL", "TERM").
int SignalExitStatus(const std::string& name) {
  for (int i = 1; i < NSIG; ++i) {
    const char* abbrev = sigabbrev_np(i);
    if (abbrev != nullptr && name == abbrev) return 128 + i;
  }
  return 128 + 64;  // a signal this machine does not know by that name
}

// A channel on the current session. The destructor closes and frees it within a short
// grace period; if the server does not answer in time, the session is dropped instead
// (which frees the channel), so a stuck channel never wedges the next call.
class ChannelGuard {
 public:
  ChannelGuard(std::unique_ptr<SshSession>& session, LIBSSH2_CHANNEL* channel)
      : session_(session), owner_(session.get()), channel_(channel) {}
  ~ChannelGuard() {
    if (session_.get() != owner_ || session_ == nullptr) return;  // freed with its session
    const SteadyTime deadline = Clock::now() + kCloseGrace;
    int rc = SshRetry(*session_, deadline, [&] { return libssh2_channel_close(channel_); });
    if (rc == 0 || !IsConnectionError(rc)) {
      rc = SshRetry(*session_, deadline, [&] { return libssh2_channel_free(channel_); });
    }
    if (rc != 0) session_.reset();
  }
  LIBSSH2_CHANNEL* get() const { return channel_; }

 private:
  std::unique_ptr<SshSession>& session_;
  SshSession* owner_;
  LIBSSH2_CHANNEL* channel_;
};

// Opens a channel with `open` (a libssh2 call returning a channel or null), connecting first
// if needed. A session that was dropped while idle (sshd restarted, connection reset) is
// detected here, before anything ran on the node, and replaced once.
template <typename OpenFn>
Result<LIBSSH2_CHANNEL*> OpenChannel(std::unique_ptr<SshSession>& session,
                                     const SshRemoteOptions& o, const std::string& describe,
                                     const std::string& what, OpenFn open) {
  for (int attempt = 0;; ++attempt) {
    if (session != nullptr && session->PeerClosed()) session.reset();
    const bool reused = session != nullptr;
    if (session == nullptr) {
      Result<std::unique_ptr<SshSession>> opened = SshSession::Open(o);
      if (!opened.ok()) return opened.status();
      session = std::move(*opened);
    }
    const SteadyTime deadline = Clock::now() + o.connect_timeout;
    LIBSSH2_CHANNEL* channel = nullptr;
    bool timed_out = false;
    while ((channel = open(session->raw())) == nullptr &&
           session->LastErrno() == LIBSSH2_ERROR_EAGAIN) {
      if (!session->Wait(deadline)) {
        timed_out = true;
        break;
      }
    }
    if (channel != nullptr) return channel;
    const int e = session->LastErrno();
    const std::string err =
        timed_out ? "no answer within " + Seconds(o.connect_timeout) : session->LastError();
    const bool lost = timed_out || IsConnectionError(e);
    if (lost) session.reset();
    if (lost && reused && attempt == 0 && !timed_out) continue;
    return Status::IoError(describe + ": cannot " + what + ": " + err);
  }
}

}  // namespace

SshRemote::SshRemote(SshRemoteOptions options) : options_(std::move(options)) {}

SshRemote::~SshRemote() = default;

std::string SshRemote::Describe() const {
  const std::string where =
      options_.user + "@" + options_.host + ":" + std::to_string(options_.port);
  return (options_.name.empty() ? options_.host : options_.name) + " (" + where + ")";
}

Status SshRemote::EnsureConnectedLocked() {
  if (session_ != nullptr && !session_->PeerClosed()) return Status::Ok();
  session_.reset();
  Result<std::unique_ptr<SshSession>> opened = SshSession::Open(options_);
  if (!opened.ok()) return opened.status();
  session_ = std::move(*opened);
  return Status::Ok();
}

Status SshRemote::Connect() {
  std::lock_guard<std::mutex> lock(mu_);
  return EnsureConnectedLocked();
}

void SshRemote::Disconnect() {
  std::lock_guard<std::mutex> lock(mu_);
  session_.reset();
}

Result<std::string> SshRemote::LocalAddress() {
  std::lock_guard<std::mutex> lock(mu_);
  FAULTLINE_RETURN_IF_ERROR(EnsureConnectedLocked());
  std::string address = session_->LocalAddress();
  if (address.empty()) return Status::IoError(Describe() + ": cannot read the local address");
  return address;
}

Result<ExecResult> SshRemote::Exec(const std::string& command, std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  return ExecLocked(command, timeout);
}

std::string SshRemote::ExplainTransferLocked(const std::string& check) {
  if (session_ == nullptr) return "";
  Result<ExecResult> r = ExecLocked(check, options_.connect_timeout);
  if (!r.ok()) return "";
  std::string why = r->out;
  while (!why.empty() && why.back() == '\n') why.pop_back();
  return why;
}

Result<ExecResult> SshRemote::ExecLocked(const std::string& command,
                                         std::chrono::milliseconds timeout) {
  Result<LIBSSH2_CHANNEL*> opened =
      OpenChannel(session_, options_, Describe(), "open a channel to run " + Quoted(command),
                  [](LIBSSH2_SESSION* s) { return libssh2_channel_open_session(s); });
  if (!opened.ok()) return opened.status();
  ChannelGuard channel(session_, *opened);
  LIBSSH2_CHANNEL* ch = channel.get();
  const SteadyTime deadline = Clock::now() + timeout;
  auto fail = [&](const std::string& what) -> Status {
    const std::string why = session_ ? session_->LastError() : "connection closed";
    session_.reset();  // its state is unknown now; the next call starts afresh
    return Status::IoError(Describe() + ": " + Quoted(command) + " " + what + ": " + why +
                           " (it may have run on the node; not retried)");
  };
  auto timed_out = [&] {
    session_.reset();
    return Status::IoError(Describe() + ": " + Quoted(command) + " did not finish within " +
                           Seconds(timeout) +
                           "; closed the session (the command may still be running there)");
  };
  int rc = SshRetry(*session_, deadline, [&] {
    return libssh2_channel_process_startup(ch, "exec", 4, command.data(), unsigned(command.size()));
  });
  if (rc == LIBSSH2_ERROR_TIMEOUT) return timed_out();
  if (rc != 0) return fail("could not be started");
  rc = SshRetry(*session_, deadline, [&] { return libssh2_channel_send_eof(ch); });
  if (rc == LIBSSH2_ERROR_TIMEOUT) return timed_out();
  ExecResult result;
  std::string buf(65536, '\0');
  while (true) {
    bool progress = false;
    for (int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
      std::string& sink = stream == 0 ? result.out : result.err;
      ssize_t n;
      while ((n = libssh2_channel_read_ex(ch, stream, buf.data(), buf.size())) > 0) {
        sink.append(buf.data(), size_t(n));
        progress = true;
      }
      if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) return fail("lost its connection while running");
    }
    // libssh2 reports EOF only once no data of either stream is left unread.
    if (libssh2_channel_eof(ch)) break;
    if (!progress && !session_->Wait(deadline)) return timed_out();
  }
  rc = SshRetry(*session_, deadline, [&] { return libssh2_channel_close(ch); });
  if (rc == 0) rc = SshRetry(*session_, deadline, [&] { return libssh2_channel_wait_closed(ch); });
  if (rc == LIBSSH2_ERROR_TIMEOUT) return timed_out();
  if (rc != 0) return fail("lost its connection before its exit status arrived");
  char* signal_name = nullptr;
  size_t signal_len = 0;
  libssh2_channel_get_exit_signal(ch, &signal_name, &signal_len, nullptr, nullptr, nullptr,
                                  nullptr);
  if (signal_name != nullptr) {
    result.exit_status = SignalExitStatus(std::string(signal_name, signal_len));
    libssh2_free(session_->raw(), signal_name);
  } else {
    result.exit_status = libssh2_channel_get_exit_status(ch);
  }
  return result;
}

Status SshRemote::Upload(const std::string& local_path, const std::string& remote_path, int mode) {
  const int fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + local_path + ": " + std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::IoError("cannot upload " + local_path + ": not a regular file");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::string to = Describe() + ":" + remote_path;
  const time_t now = std::time(nullptr);  // scp -p: the mode is applied exactly, not umasked
  Result<LIBSSH2_CHANNEL*> opened = OpenChannel(
      session_, options_, Describe(), "start an SCP upload of " + local_path + " to " + remote_path,
      [&](LIBSSH2_SESSION* s) {
        return libssh2_scp_send64(s, remote_path.c_str(), mode & 07777, st.st_size, now, now);
      });
  if (!opened.ok()) {
    const std::string p = ShellQuote(remote_path);
    const std::string why = ExplainTransferLocked(
        "d=$(dirname " + p +
        "); if [ ! -d \"$d\" ]; then echo \"directory $d does not exist\"; "
        "elif [ -d " +
        p +
        " ]; then echo \"it is a directory\"; elif [ ! -w \"$d\" ]; then "
        "echo \"directory $d is not writable by $(id -un)\"; elif [ -e " +
        p + " ] && [ ! -w " + p +
        " ]; then echo \"it is not writable by $(id -un)\"; elif ! command -v scp "
        ">/dev/null; then echo \"scp is not installed there\"; fi");
    if (why.empty()) return opened.status();
    return Status::IoError(Describe() + ": cannot upload " + local_path + " to " + remote_path +
                           ": " + why);
  }
  ChannelGuard channel(session_, *opened);
  std::string buf(kChunk, '\0');
  SteadyTime idle_deadline = Clock::now() + options_.transfer_idle_timeout;
  auto fail = [&](const std::string& what) {
    const std::string why = session_ ? session_->LastError() : "connection closed";
    session_.reset();
    return Status::IoError("upload of " + local_path + " to " + to + " " + what + ": " + why);
  };
  for (off_t sent = 0; sent < st.st_size;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) return Status::IoError("cannot read " + local_path + " while uploading it");
    for (ssize_t off = 0; off < n;) {
      const ssize_t w = libssh2_channel_write(channel.get(), buf.data() + off, size_t(n - off));
      if (w > 0) {
        off += w;
        idle_deadline = Clock::now() + options_.transfer_idle_timeout;
      } else if (w != LIBSSH2_ERROR_EAGAIN) {
        return fail("failed");
      } else if (!session_->Wait(idle_deadline)) {
        return fail("stalled for " + Seconds(options_.transfer_idle_timeout));
      }
    }
    sent += n;
  }
  LIBSSH2_CHANNEL* ch = channel.get();
  // The SCP protocol ends a file with a zero status byte, which libssh2 leaves to the caller;
  // without it scp on the node sees a lost connection and exits 1.
  int rc = SshRetry(*session_, idle_deadline, [&] {
    const ssize_t w = libssh2_channel_write(ch, "", 1);
    return w == 1 ? 0 : int(w);
  });
  if (rc == 0)
    rc = SshRetry(*session_, idle_deadline, [&] { return libssh2_channel_send_eof(ch); });
  if (rc == 0)
    rc = SshRetry(*session_, idle_deadline, [&] { return libssh2_channel_wait_eof(ch); });
  if (rc == 0) rc = SshRetry(*session_, idle_deadline, [&] { return libssh2_channel_close(ch); });
  if (rc == 0) {
    rc = SshRetry(*session_, idle_deadline, [&] { return libssh2_channel_wait_closed(ch); });
  }
  if (rc != 0) return fail("did not complete");
  // The receiving scp reports write errors (disk full, quota) only through its exit status.
  if (const int status = libssh2_channel_get_exit_status(ch); status != 0) {
    return Status::IoError("upload of " + local_path + " to " + to +
                           " failed: scp on the node "
                           "exited " +
                           std::to_string(status) + " (disk full? see df there)");
  }
  return Status::Ok();
}

Status SshRemote::Download(const std::string& remote_path, const std::string& local_path) {
  const std::string temp = local_path + ".partial-" + std::to_string(::getpid());
  std::lock_guard<std::mutex> lock(mu_);
  const std::string from = Describe() + ":" + remote_path;
  libssh2_struct_stat sb{};
  Result<LIBSSH2_CHANNEL*> opened = OpenChannel(
      session_, options_, Describe(), "download " + remote_path,
      [&](LIBSSH2_SESSION* s) { return libssh2_scp_recv2(s, remote_path.c_str(), &sb); });
  if (!opened.ok()) {
    const std::string p = ShellQuote(remote_path);
    const std::string why = ExplainTransferLocked(
        "if [ ! -e " + p + " ]; then echo \"it does not exist\"; elif [ ! -f " + p +
        " ]; then echo \"it is not a regular file\"; elif [ ! -r " + p +
        " ]; then echo \"it is "
        "not readable by $(id -un)\"; elif ! command -v scp >/dev/null; then echo \"scp is not "
        "installed there\"; fi");
    if (why.empty()) return opened.status();
    return Status::IoError(Describe() + ": cannot download " + remote_path + ": " + why);
  }
  ChannelGuard channel(session_, *opened);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot write " + temp + ": " + std::strerror(errno));
  std::string error;
  std::string buf(kChunk, '\0');
  SteadyTime idle_deadline = Clock::now() + options_.transfer_idle_timeout;
  for (off_t got = 0; got < sb.st_size && error.empty();) {
    // Never read past the file: the SCP source sends a status byte after it.
    const size_t want = size_t(std::min<off_t>(off_t(buf.size()), sb.st_size - got));
    const ssize_t n = libssh2_channel_read(channel.get(), buf.data(), want);
    if (n > 0) {
      if (::write(fd, buf.data(), size_t(n)) != n) error = "cannot write " + temp;
      got += n;
      idle_deadline = Clock::now() + options_.transfer_idle_timeout;
    } else if (n == 0 || n != LIBSSH2_ERROR_EAGAIN) {
      error = "the connection ended after " + std::to_string(got) + " of " +
              std::to_string(sb.st_size) + " bytes: " + session_->LastError();
      session_.reset();
    } else if (!session_->Wait(idle_deadline)) {
      error = "stalled for " + Seconds(options_.transfer_idle_timeout);
      session_.reset();
    }
  }
  if (::close(fd) != 0 && error.empty()) error = "cannot write " + temp;
  if (error.empty() && ::rename(temp.c_str(), local_path.c_str()) != 0) {
    error = "cannot rename " + temp + " to " + local_path + ": " + std::strerror(errno);
  }
  if (!error.empty()) {
    ::unlink(temp.c_str());
    return Status::IoError("download of " + from + " to " + local_path + " failed: " + error);
  }
  return Status::Ok();
}

}  // namespace faultline
