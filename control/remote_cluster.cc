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
#include <sstream>

#include "control/local_command.h"

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

// Field 22 of /proc/PID/stat (start time in clock ticks since boot), or "" if unreadable.
std::string StartTicks(pid_t pid) {
  const std::string stat = ReadFirstLine("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return "";
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

std::string ThisHost() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// One host's part of Connect: its node directory; then, for each of this host's node
// directories of earlier runs whose owner line is this control host's and names a process
// that is gone, every process still working in that directory (its cwd there: the servers
// and whatever they forked) is killed and the owner file renamed owner.ended; last, this
// run's owner line.
Status SetUpHost(Remote& remote, const std::string& host, const RemoteClusterOptions& o,
                 const std::string& node_dir, const std::string& owner,
                 std::vector<std::string>* leftovers) {
  // Hosts may share a filesystem (and the base directory): each handles its own node
  // directories only, <base_dir>/<run>/<host>.
  const std::string mkdir = "mkdir -p " + ShellQuote(node_dir) + " && chmod 0755 " +
                            ShellQuote(node_dir) + " && cd " + ShellQuote(o.base_dir) +
                            " && for f in */" + ShellQuote(host) + "/owner; do [ -f \"$f\" ] && " +
                            "printf '%s %s\\n' \"${f%%/*}\" \"$(head -n 1 \"$f\")\"; done; true";
  Result<std::string> owners = ExecChecked(remote, mkdir, o.connect_timeout);
  if (!owners.ok()) return owners.status();
  std::istringstream lines(*owners);
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    const std::string id = line.substr(0, space), who = line.substr(space + 1);
    const std::string dir = o.base_dir + "/" + id + "/" + host;
    if (dir == node_dir || !OwnerLineIsOurs(who) || OwnerLineAlive(who)) continue;
    const std::string kill =
        "d=" + ShellQuote(dir) + "; n=0\n"
        "for p in /proc/[0-9]*; do\n"
        "  c=$(readlink \"$p/cwd\" 2>/dev/null) || continue\n"
        "  case \"$c\" in \"$d\" | \"$d\"/*) kill -9 \"${p#/proc/}\" 2>/dev/null && n=$((n + 1)) ;; esac\n"
        "done\n"
        "mv -f \"$d/owner\" \"$d/owner.ended\"; echo \"$n\"";
    Result<std::string> killed = ExecChecked(remote, kill, o.connect_timeout);
    if (!killed.ok()) {
      return Status::IoError("removing the leftovers of run " + id + ": " +
                             killed.status().message());
    }
    std::string n = *killed;
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.pop_back();
    leftovers->push_back(id + " on " + host + ": " + n +
                         (n == "1" ? " process" : " processes") + " killed");
  }
  Result<std::string> wrote = ExecChecked(
      remote, "printf '%s\\n' " + ShellQuote(owner) + " >" + ShellQuote(node_dir + "/owner"),
      o.connect_timeout);
  return wrote.ok() ? Status::Ok() : wrote.status();
}

}  // namespace

std::string OwnerLine(pid_t pid) {
  const std::string boot = ReadFirstLine("/proc/sys/kernel/random/boot_id");
  const std::string start = StartTicks(pid);
  if (boot.empty() || start.empty()) return "";
  return ThisHost() + " " + boot + " " + std::to_string(pid) + " " + start;
}

bool OwnerLineIsOurs(const std::string& line) {
  const std::vector<std::string> w = Words(line);
  return w.size() == 4 && w[0] == ThisHost() &&
         w[1] == ReadFirstLine("/proc/sys/kernel/random/boot_id");
}

bool OwnerLineAlive(const std::string& line) {
  if (!OwnerLineIsOurs(line)) return false;
  const std::vector<std::string> w = Words(line);
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(w[2]));
  } catch (const std::exception&) {
    return false;
  }
  return pid > 0 && StartTicks(pid) == w[3];
}

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
  const std::string owner = OwnerLine(::getpid());
  std::vector<std::vector<std::string>> leftovers(c->remotes_.size());
  std::vector<std::future<Status>> setups;
  for (size_t i = 0; i < c->remotes_.size(); ++i) {
    setups.push_back(std::async(std::launch::async, [&, i] {
      return SetUpHost(*c->remotes_[i], o.hosts[i], o, c->node_dirs_[i], owner, &leftovers[i]);
    }));
  }
  Status first = Status::Ok();
  for (auto& s : setups) {
    Status st = s.get();
    if (first.ok() && !st.ok()) first = st;
  }
  for (auto& l : leftovers) c->leftovers_.insert(c->leftovers_.end(), l.begin(), l.end());
  FAULTLINE_RETURN_IF_ERROR(first);
  c->connected_ = true;
  Result<std::string> local = c->remotes_[0]->LocalAddress();
  if (!local.ok()) return local.status();
  c->control_address_ = *local;
  return c;
}

RemoteCluster::~RemoteCluster() {
  if (!connected_) return;
  std::vector<std::future<void>> done;
  for (size_t i = 0; i < remotes_.size(); ++i) {
    done.push_back(std::async(std::launch::async, [this, i] {
      const std::string dir = node_dirs_[i];
      (void)remotes_[i]->Exec("mv -f " + ShellQuote(dir + "/owner") + " " +
                                  ShellQuote(dir + "/owner.ended") + " 2>/dev/null",
                              std::chrono::seconds(5));
    }));
  }
  for (auto& d : done) d.get();
}

std::string RemoteCluster::Describe() const {
  std::string hosts;
  for (const auto& n : nodes_) hosts += (hosts.empty() ? "" : ", ") + n.name;
  return "remote cluster (" + std::to_string(nodes_.size()) +
         (nodes_.size() == 1 ? " host: " : " hosts: ") + hosts + ")";
}

}  // namespace faultline
