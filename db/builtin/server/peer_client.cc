#include "db/builtin/server/peer_client.h"

#include <poll.h>

#include <algorithm>

namespace faultline {

using nlohmann::json;

namespace {
constexpr size_t kMaxIdlePerPeer = 16;
}  // namespace

PeerClient::PeerClient(std::vector<PeerInfo> peers, std::chrono::milliseconds connect_timeout)
    : peers_(std::move(peers)), connect_timeout_(connect_timeout) {}

std::unique_ptr<LineConnection> PeerClient::Acquire(const std::string& peer, Deadline deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& idle = idle_[peer];
    while (!idle.empty()) {
      std::unique_ptr<LineConnection> conn = std::move(idle.back());
      idle.pop_back();
      if (conn->LooksIdleAndOpen()) return conn;
    }
  }
  auto it =
      std::find_if(peers_.begin(), peers_.end(), [&](const PeerInfo& p) { return p.name == peer; });
  if (it == peers_.end()) return nullptr;
  Deadline connect_deadline =
      std::min(deadline, std::chrono::steady_clock::now() + connect_timeout_);
  Result<TcpSocket> sock = ConnectTcp(it->endpoint, connect_deadline);
  if (!sock.ok()) return nullptr;
  return std::make_unique<LineConnection>(std::move(*sock));
}

void PeerClient::Release(const std::string& peer, std::unique_ptr<LineConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& idle = idle_[peer];
  if (idle.size() < kMaxIdlePerPeer) idle.push_back(std::move(conn));
}

void PeerClient::Launch(const std::vector<std::string>& targets, size_t* next, size_t want,
                        const std::string& line, Deadline deadline,
                        std::vector<InFlight>* in_flight) {
  while (in_flight->size() < want && *next < targets.size()) {
    const std::string& peer = targets[(*next)++];
    std::unique_ptr<LineConnection> conn = Acquire(peer, deadline);
    if (conn == nullptr || !conn->WriteLine(line, deadline).ok()) continue;
    in_flight->push_back(InFlight{peer, std::move(conn)});
  }
}

std::vector<PeerClient::PeerReply> PeerClient::CallMany(const std::vector<std::string>& targets,
                                                        const json& request, size_t need,
                                                        Deadline deadline) {
  const std::string line = request.dump();
  std::vector<PeerReply> replies;
  std::vector<InFlight> in_flight;
  size_t next = 0;
  Launch(targets, &next, need, line, deadline, &in_flight);
  while (!in_flight.empty() && replies.size() < need) {
    std::vector<pollfd> fds;
    for (const InFlight& f : in_flight) fds.push_back(pollfd{f.conn->fd(), POLLIN, 0});
    int rc = poll(fds.data(), fds.size(), MillisUntil(deadline));
    if (rc == 0) break;    // deadline
    if (rc < 0) continue;  // EINTR
    for (size_t i = fds.size(); i-- > 0;) {
      if (fds[i].revents == 0) continue;
      InFlight& f = in_flight[i];
      std::string reply_line;
      bool failed = !f.conn->ReadAvailable().ok();
      if (!failed && f.conn->PopLine(&reply_line)) {
        json reply = json::parse(reply_line, nullptr, /*allow_exceptions=*/false);
        failed = !reply.is_object();
        if (!failed) {
          replies.push_back(PeerReply{f.peer, std::move(reply)});
          Release(f.peer, std::move(f.conn));
          in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(i));
          continue;
        }
      }
      if (failed) in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (replies.size() < need) {
      Launch(targets, &next, need - replies.size(), line, deadline, &in_flight);
    }
  }
  return replies;
}

}  // namespace faultline
