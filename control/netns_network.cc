#include "control/netns_network.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "control/local_command.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// An IPv4 prefix in host byte order.
struct Prefix {
  uint32_t addr = 0;
  int len = 32;
};

bool ParsePrefix(const std::string& text, Prefix* p) {
  unsigned a, b, c, d;
  int len = 32;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &len, &tail);
  if (n < 4 || n == 6 || a > 255 || b > 255 || c > 255 || d > 255 || len < 0 || len > 32) {
    return false;
  }
  p->addr = (a << 24) | (b << 16) | (c << 8) | d;
  p->len = n == 5 ? len : 32;
  return true;
}

bool Overlaps(const Prefix& x, const Prefix& y) {
  const int len = std::min(x.len, y.len);
  const uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
  return ((x.addr ^ y.addr) & mask) == 0;
}

// Every prefix used by an address or a route (any table) of the root namespace, except the
// default route, which overlaps everything and is not a use of any particular subnet.
Result<std::vector<Prefix>> PrefixesInUse() {
  std::vector<Prefix> used;
  Result<std::string> routes = RunLocalChecked({"ip", "-j", "-4", "route", "show", "table", "all"});
  if (!routes.ok()) return routes.status();
  Result<std::string> addrs = RunLocalChecked({"ip", "-j", "-4", "addr", "show"});
  if (!addrs.ok()) return addrs.status();
  try {
    for (const auto& r : nlohmann::json::parse(*routes)) {
      Prefix p;
      if (ParsePrefix(r.value("dst", ""), &p) && p.len > 0) used.push_back(p);
    }
    for (const auto& link : nlohmann::json::parse(*addrs)) {
      for (const auto& a : link.value("addr_info", nlohmann::json::array())) {
        Prefix p;
        if (!ParsePrefix(a.value("local", ""), &p)) continue;
        used.push_back(p);
        p.len = a.value("prefixlen", 32);
        used.push_back(p);
      }
    }
  } catch (const std::exception& e) {
    return Status::IoError(std::string("cannot parse the output of `ip -j`: ") + e.what());
  }
  return used;
}

int PidfdOpen(pid_t pid) { return int(::syscall(SYS_pidfd_open, pid, 0)); }

int PidfdKill(int pidfd, int sig) {
  return int(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

}  // namespace

Result<SubnetLock> SubnetLock::Acquire(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root + "/clusters", ec);
  const std::string path = root + "/clusters/.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd);
      return Status::IoError("cannot lock " + path + ": " + std::strerror(errno));
    }
  }
  return SubnetLock(fd);
}

SubnetLock::~SubnetLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<std::string> PickFreeSubnet(const std::string& root, const std::string& name) {
  Result<std::vector<Prefix>> used = PrefixesInUse();
  if (!used.ok()) return used.status();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root + "/clusters", ec)) {
    const std::string other = entry.path().filename().string();
    if (other == name || !entry.is_directory()) continue;
    Result<NetnsClusterState> s = ReadClusterState(root, other);
    Prefix p;
    if (s.ok() && ParsePrefix(s->subnet, &p)) used->push_back(p);
  }
  // Start at a place derived from the name so that clusters spread out.
  const unsigned start = unsigned(std::stoul(ClusterLinkId(name), nullptr, 16)) % 256;
  for (unsigned second : {77u, 78u, 79u}) {
    for (unsigned i = 0; i < 256; ++i) {
      const unsigned third = (start + i) % 256;
      const Prefix candidate{(10u << 24) | (second << 16) | (third << 8), 24};
      const bool taken = std::any_of(used->begin(), used->end(),
                                     [&](const Prefix& p) { return Overlaps(p, candidate); });
      if (!taken) return "10." + std::to_string(second) + "." + std::to_string(third) + ".";
    }
  }
  return Status::IoError(
      "no free /24 in 10.77.0.0/16-10.79.0.0/16 for a local cluster: every "
      "one overlaps an address or route of this machine or another faultline "
      "cluster (see `ip route show table all`, `faultline cluster status`)");
}

Status CreateClusterNetwork(const NetnsClusterState& s) {
  const std::string alias = ClusterLinkAlias(s.name);
  std::string batch;
  for (const auto& n : s.nodes) batch += "netns add " + n.netns + "\n";
  batch += "link add " + s.bridge + " type bridge\n";
  batch += "link set " + s.bridge + " alias " + alias + "\n";
  batch += "addr add " + s.control_address + "/24 dev " + s.bridge + "\n";
  batch += "link set " + s.bridge + " up\n";
  for (const auto& n : s.nodes) {
    batch += "link add " + n.veth + " type veth peer name eth0 netns " + n.netns + "\n";
    batch += "link set " + n.veth + " alias " + alias + "\n";
    batch += "link set " + n.veth + " master " + s.bridge + " up\n";
  }
  Result<std::string> root = RunLocalChecked({"ip", "-batch", "-"}, batch);
  if (!root.ok()) {
    return Status::IoError("cannot create the network of local cluster " + s.name + ": " +
                           root.status().message());
  }
  for (const auto& n : s.nodes) {
    const std::string inside =
        "link set lo up\naddr add " + n.address + "/24 dev eth0\nlink set eth0 up\n";
    Result<std::string> r = RunLocalChecked({"ip", "-n", n.netns, "-batch", "-"}, inside);
    if (!r.ok()) {
      return Status::IoError("cannot configure " + n.name + " (namespace " + n.netns +
                             "): " + r.status().message());
    }
  }
  return Status::Ok();
}

std::vector<std::string> ClusterNamespaces(const std::string& name) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run/netns", ec)) {
    const std::string ns = entry.path().filename().string();
    if (ClusterOfNetns(ns) == name) out.push_back(ns);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> NamespaceClusterNames() {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run/netns", ec)) {
    const std::string name = ClusterOfNetns(entry.path().filename().string());
    if (!name.empty()) names.insert(name);
  }
  return {names.begin(), names.end()};
}

std::vector<pid_t> PidsInNetns(const std::string& netns) {
  std::vector<pid_t> out;
  struct stat target {};
  if (::stat(("/run/netns/" + netns).c_str(), &target) != 0) return out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename().string();
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    struct stat ns {};
    if (::stat(("/proc/" + pid + "/ns/net").c_str(), &ns) != 0) continue;
    if (ns.st_ino == target.st_ino && ns.st_dev == target.st_dev) out.push_back(std::stoi(pid));
  }
  return out;
}

std::string PidNamespaceOf(pid_t pid) {
  std::error_code ec;
  const fs::path link = fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/pid", ec);
  return ec ? "" : link.string();
}

bool KillAndWait(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout) {
  std::vector<pollfd> fds;
  std::vector<pid_t> waited;
  for (pid_t pid : pids) {
    const int fd = PidfdOpen(pid);
    if (fd < 0) continue;  // already gone
    PidfdKill(fd, SIGKILL);
    fds.push_back({fd, POLLIN, 0});
    waited.push_back(pid);
  }
  const auto deadline = Clock::now() + timeout;
  bool all_exited = true;
  for (size_t i = 0; i < fds.size(); ++i) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&fds[i], 1, int(std::max<int64_t>(0, left.count()))) <= 0) all_exited = false;
    ::close(fds[i].fd);
    ReapIfChild(waited[i]);
  }
  return all_exited;
}

Status RemoveClusterNetwork(const std::string& name, const std::vector<std::string>& namespaces) {
  const std::string prefix = "fl" + ClusterLinkId(name);
  const std::string alias = ClusterLinkAlias(name);
  std::string batch;
  std::error_code ec;
  std::vector<std::string> links;
  for (const auto& entry : fs::directory_iterator("/sys/class/net", ec)) {
    const std::string link = entry.path().filename().string();
    if (link.rfind(prefix, 0) != 0) continue;
    const std::string owner = ReadFirstLine(entry.path().string() + "/ifalias");
    if (owner == alias || owner.empty()) links.push_back(link);
  }
  // Node links first (deleting one end of a veth deletes both), the bridge last.
  std::sort(links.begin(), links.end(), [&](const std::string& a, const std::string& b) {
    return (a == prefix + "br") < (b == prefix + "br") ||
           ((a == prefix + "br") == (b == prefix + "br") && a < b);
  });
  for (const auto& link : links) batch += "link del " + link + "\n";
  for (const auto& ns : namespaces) batch += "netns del " + ns + "\n";
  if (batch.empty()) return Status::Ok();
  Result<LocalResult> r = RunLocal({"ip", "-force", "-batch", "-"}, batch);
  if (!r.ok()) return r.status();
  std::vector<std::string> left;
  for (const auto& link : links) {
    if (fs::exists("/sys/class/net/" + link)) left.push_back("link " + link);
  }
  for (const auto& ns : namespaces) {
    if (fs::exists("/run/netns/" + ns)) left.push_back("namespace " + ns);
  }
  if (left.empty()) return Status::Ok();
  std::string what;
  for (const auto& l : left) what += (what.empty() ? "" : ", ") + l;
  return Status::IoError("could not remove " + what + " of local cluster " + name + ": " + r->err);
}

}  // namespace faultline
