#include "control/remote_cluster.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <future>
#include <set>

namespace faultline {
namespace {

Result<std::string> ResolveIpv4(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    return Status::IoError("cannot resolve host " + host +
                           " to an IPv4 address: " + ::gai_strerror(rc));
  }
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, buf, sizeof buf);
  ::freeaddrinfo(res);
  return std::string(buf);
}

std::string MakeRunId() {
  char buf[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  return std::string(buf) + "-" + std::to_string(::getpid());
}

Status Validate(const RemoteClusterOptions& o, const std::string& run_id) {
  if (o.hosts.empty()) return Status::InvalidArgument("a remote cluster needs at least one host");
  for (const std::string& host : o.hosts) FAULTLINE_RETURN_IF_ERROR(CheckHostName(host));
  if (std::set<std::string>(o.hosts.begin(), o.hosts.end()).size() != o.hosts.size()) {
    return Status::InvalidArgument("a host is listed twice in the remote cluster's hosts");
  }
  const bool id_ok = std::all_of(run_id.begin(), run_id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
  if (!id_ok || run_id.empty() || run_id[0] == '.') {
    return Status::InvalidArgument("run id \"" + run_id +
                                   "\": expected letters, digits, '.', '_' and '-'");
  }
  if (o.base_dir.empty() || o.base_dir[0] != '/') {
    return Status::InvalidArgument("node base directory \"" + o.base_dir +
                                   "\": expected an absolute path");
  }
  if (o.private_key_file.empty()) {
    return Status::InvalidArgument("a remote cluster needs an SSH private key (--ssh-key)");
  }
  // As ssh: a key others can read is no longer private, and one they can change is not ours.
  struct stat st {};
  if (::stat(o.private_key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidArgument("private key " + o.private_key_file +
                                   " is open to other users (mode " + mode +
                                   "); ssh refuses such keys too: chmod 600 " + o.private_key_file);
  }
  return Status::Ok();
}

}  // namespace

Status CheckHostName(const std::string& host) {
  auto refuse = [&](const std::string& why) {
    std::string shown;  // the name as given, with bytes outside printable ASCII made visible
    for (unsigned char c : host) {
      if (c < 0x20 || c >= 0x7f) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        shown += hex;
      } else {
        shown += static_cast<char>(c);
      }
    }
    return Status::InvalidArgument("host name \"" + shown + "\" " + why +
                                   "; expected a DNS name or an IPv4 address (letters, digits, "
                                   "'-', '_' and '.')");
  };
  if (host.empty()) return refuse("is empty");
  if (host.size() > 253) return refuse("is longer than 253 characters");
  for (unsigned char c : host) {
    const bool allowed = (c < 0x80 && std::isalnum(c)) || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return refuse(c == '/'   ? "contains '/'"
                    : c == ' ' ? "contains a space"
                               : "contains a character not allowed");
    }
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') continue;
    if (i == label_start) return refuse("has an empty label (\"..\" or a '.' at either end)");
    if (host[label_start] == '-') return refuse("has a label that starts with '-'");
    label_start = i + 1;
  }
  return Status::Ok();
}

std::string DefaultKnownHostsFile() {
  const char* home = std::getenv("HOME");
  std::string dir = home != nullptr ? home : "";
  if (dir.empty()) {
    const passwd* pw = ::getpwuid(::geteuid());
    dir = pw != nullptr ? pw->pw_dir : "/root";
  }
  return dir + "/.ssh/known_hosts";
}

Result<std::unique_ptr<RemoteCluster>> RemoteCluster::Connect(const RemoteClusterOptions& o) {
  const std::string run_id = o.run_id.empty() ? MakeRunId() : o.run_id;
  FAULTLINE_RETURN_IF_ERROR(Validate(o, run_id));
  std::unique_ptr<RemoteCluster> c(new RemoteCluster());
  for (const auto& host : o.hosts) {
    // Per host, so hosts that share a filesystem (or one host named twice) never share files.
    c->node_dirs_.push_back(o.base_dir + "/" + run_id + "/" + host);
    Result<std::string> address = ResolveIpv4(host);
    if (!address.ok()) return address.status();
    c->nodes_.push_back({host, *address});
    SshRemoteOptions so;
    so.name = host;
    so.host = host;
    so.port = o.port;
    so.user = o.user;
    so.private_key_file = o.private_key_file;
    so.passphrase = o.passphrase;
    so.known_hosts_file = o.known_hosts_file.empty() ? DefaultKnownHostsFile() : o.known_hosts_file;
    so.connect_timeout = o.connect_timeout;
    c->remotes_.push_back(std::make_unique<SshRemote>(so));
  }
  std::vector<std::future<Status>> setups;
  for (size_t i = 0; i < c->remotes_.size(); ++i) {
    const std::string mkdir = "mkdir -p " + ShellQuote(c->node_dirs_[i]) + " && chmod 0755 " +
                              ShellQuote(c->node_dirs_[i]);
    setups.push_back(std::async(std::launch::async, [r = c->remotes_[i].get(), mkdir, &o] {
      Result<std::string> made = ExecChecked(*r, mkdir, o.connect_timeout);
      return made.ok() ? Status::Ok() : made.status();
    }));
  }
  Status first = Status::Ok();
  for (auto& s : setups) {
    Status st = s.get();
    if (first.ok() && !st.ok()) first = st;
  }
  FAULTLINE_RETURN_IF_ERROR(first);
  Result<std::string> local = c->remotes_[0]->LocalAddress();
  if (!local.ok()) return local.status();
  c->control_address_ = *local;
  return c;
}

std::string RemoteCluster::Describe() const {
  std::string hosts;
  for (const auto& n : nodes_) hosts += (hosts.empty() ? "" : ", ") + n.name;
  return "remote cluster (" + std::to_string(nodes_.size()) +
         (nodes_.size() == 1 ? " host: " : " hosts: ") + hosts + ")";
}

}  // namespace faultline
