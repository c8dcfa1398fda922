#include "nemesis/node_network.h"

#include <cstdio>
#include <thread>
#include <vector>

namespace faultline {
namespace {

constexpr const char* kPartition = "faultline-partition";
constexpr const char* kLoss = "faultline-loss";
constexpr const char* kDelay = "faultline-delay";
constexpr std::chrono::seconds kTimeout{20};

// `iptables -w` waits for the xtables lock instead of failing when another update runs.
std::string Ipt(const std::string& args) { return "iptables -w " + args + "\n"; }

// Empties `chain` and re-adds its exemptions for the control host and loopback.
std::string Reset(const char* chain, bool output, const std::string& control) {
  const std::string dir = output ? "-d " : "-s ";
  const std::string lo = output ? "-o lo" : "-i lo";
  return Ipt(std::string("-F ") + chain) + Ipt(std::string("-A ") + chain + " " + lo + " -j RETURN") +
         Ipt(std::string("-A ") + chain + " " + dir + control + " -j RETURN");
}

}  // namespace

int NodeNetwork::IndexOf(const std::string& node) const {
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == node) return static_cast<int>(i);
  }
  return -1;
}

Status NodeNetwork::OnNodes(const std::function<std::string(size_t)>& script) {
  const size_t n = cluster_.nodes().size();
  std::vector<Status> results(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    std::string s = script(i);
    if (s.empty()) continue;
    threads.emplace_back([this, i, s = std::move(s), &results] {
      // `set -e`: the first failing iptables command fails the node's update.
      auto r = ExecChecked(cluster_.remote(i), "set -e\n" + s, kTimeout);
      if (!r.ok()) results[i] = r.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status NodeNetwork::Prepare() {
  const std::string control = cluster_.control_address();
  return OnNodes([&](size_t) {
    std::string s;
    for (auto [chain, hook, output] : {std::tuple{kPartition, "INPUT", false},
                                       std::tuple{kLoss, "INPUT", false},
                                       std::tuple{kDelay, "OUTPUT", true}}) {
      s += std::string("iptables -w -N ") + chain + " 2>/dev/null || true\n";
      s += std::string("iptables -w -C ") + hook + " -j " + chain + " 2>/dev/null || " +
           Ipt(std::string("-I ") + hook + " -j " + chain);
      s += Reset(chain, output, control);
    }
    return s;
  });
}

Status NodeNetwork::SetPartition(const Grudge& grudge) {
  const std::string control = cluster_.control_address();
  const auto& nodes = cluster_.nodes();
  for (const auto& [node, drops] : grudge) {
    if (IndexOf(node) < 0) return Status::Internal("partition names unknown node " + node);
    for (const auto& d : drops) {
      if (IndexOf(d) < 0) return Status::Internal("partition names unknown node " + d);
    }
  }
  return OnNodes([&](size_t i) {
    std::string s = Reset(kPartition, false, control);
    auto it = grudge.find(nodes[i].name);
    if (it != grudge.end()) {
      for (const auto& d : it->second) {
        s += Ipt(std::string("-A ") + kPartition + " -s " + nodes[IndexOf(d)].host + " -j DROP");
      }
    }
    return s;
  });
}

Status NodeNetwork::SetLoss(const std::set<std::string>& targets, double p) {
  const std::string control = cluster_.control_address();
  char prob[32];
  std::snprintf(prob, sizeof prob, "%.4f", p);
  return OnNodes([&](size_t i) {
    std::string s = Reset(kLoss, false, control);
    if (targets.count(cluster_.nodes()[i].name)) {
      s += Ipt(std::string("-A ") + kLoss + " -m statistic --mode random --probability " + prob +
               " -j DROP");
    }
    return s;
  });
}

Status NodeNetwork::SetDelay(const std::set<std::string>& targets, int queue) {
  const std::string control = cluster_.control_address();
  return OnNodes([&](size_t i) {
    std::string s = Reset(kDelay, true, control);
    if (targets.count(cluster_.nodes()[i].name)) {
      s += Ipt(std::string("-A ") + kDelay + " -j NFQUEUE --queue-num " + std::to_string(queue) +
               " --queue-bypass");
    }
    return s;
  });
}

Status NodeNetwork::Teardown() {
  return OnNodes([&](size_t) {
    std::string s;
    for (auto [chain, hook] : {std::pair{kPartition, "INPUT"}, std::pair{kLoss, "INPUT"},
                               std::pair{kDelay, "OUTPUT"}}) {
      s += std::string("while iptables -w -D ") + hook + " -j " + chain + " 2>/dev/null; do :; done\n";
      s += std::string("iptables -w -F ") + chain + " 2>/dev/null || true\n";
      s += std::string("iptables -w -X ") + chain + " 2>/dev/null || true\n";
    }
    return s;
  });
}

}  // namespace faultline
