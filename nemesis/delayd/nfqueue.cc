#include "nemesis/delayd/nfqueue.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>  // NF_ACCEPT
#include <linux/netlink.h>
#include <sys/socket.h>

// After the system headers: they rely on them.
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace faultline {
namespace {

// Socket buffer for queue messages (charged only while used): about a kilobyte per message,
// so ~64k packets can arrive while the loop is descheduled before packets fail open.
constexpr unsigned kReceiveBufferBytes = 64u << 20;

std::string Why(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

Result<std::unique_ptr<NfQueue>> NfQueue::Open(uint16_t queue, uint32_t max_queued,
                                               OnPacket on_packet) {
  std::unique_ptr<NfQueue> q(new NfQueue());
  q->on_packet_ = std::move(on_packet);
  q->queue_num_ = queue;
  q->handle_ = nfq_open();
  if (q->handle_ == nullptr) {
    return Status::IoError(
        Why("cannot open a netfilter queue socket (needs root or CAP_NET_ADMIN)", errno));
  }
  q->queue_ = nfq_create_queue(q->handle_, queue, &NfQueue::Dispatch, q.get());
  if (q->queue_ == nullptr) {
    const int err = errno;
    // The kernel answers EPERM both to a process without CAP_NET_ADMIN and when another
    // socket already has the queue.
    return Status::IoError(Why("cannot bind NFQUEUE " + std::to_string(queue) +
                                   " (is another process, e.g. another faultline-delayd, "
                                   "bound to it in this network namespace? are we root?)",
                               err));
  }
  if (nfq_set_mode(q->queue_, NFQNL_COPY_META, 0) < 0) {
    return Status::IoError(
        Why("cannot set copy-meta mode on NFQUEUE " + std::to_string(queue), errno));
  }
  if (nfq_set_queue_maxlen(q->queue_, max_queued) < 0) {
    return Status::IoError(Why("cannot set the length of NFQUEUE " + std::to_string(queue), errno));
  }
  // Fail open: a full queue accepts packets instead of dropping them. GSO: large segments are
  // queued whole (only their metadata reaches us) instead of being split first.
  const uint32_t flags = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
  if (nfq_set_queue_flags(q->queue_, flags, flags) < 0) {
    return Status::IoError(Why(
        "cannot set fail-open on NFQUEUE " + std::to_string(queue) + " (kernel older than 3.6?)",
        errno));
  }
  nfnl_rcvbufsiz(nfq_nfnlh(q->handle_), kReceiveBufferBytes);
  q->fd_ = nfq_fd(q->handle_);
  return q;
}

NfQueue::~NfQueue() {
  if (queue_ != nullptr) nfq_destroy_queue(queue_);
  if (handle_ != nullptr) nfq_close(handle_);
}

int NfQueue::Dispatch(nfq_q_handle*, ::nfgenmsg*, ::nfq_data* nfa, void* self) {
  auto* q = static_cast<NfQueue*>(self);
  const nfqnl_msg_packet_hdr* header = nfq_get_msg_packet_hdr(nfa);
  if (header == nullptr) return 0;
  const uint32_t id = ntohl(header->packet_id);
  // The kernel numbers queued packets 1, 2, 3, ... per queue; messages arrive in that order.
  const int32_t step = static_cast<int32_t>(id - q->last_id_);
  if (step > 1) q->missed_packets_ += static_cast<uint32_t>(step - 1);
  if (step > 0) q->last_id_ = id;
  q->on_packet_(id);
  return 0;
}

Result<int> NfQueue::ReadAvailable(int max_messages) {
  alignas(16) char buffer[65536];
  int read = 0;
  while (read < max_messages) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      nfq_handle_packet(handle_, buffer, static_cast<int>(n));
      ++read;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == ENOBUFS) {  // the socket overflowed: some messages are gone
      ++overflows_;
      continue;
    }
    return Status::IoError(n == 0 ? std::string("the netfilter queue socket closed")
                                  : Why("cannot read the netfilter queue socket", errno));
  }
  return read;
}

// One verdict as it travels in a netlink datagram: header, nfnetlink header, one attribute.
struct VerdictMessage {
  nlmsghdr header;
  nfgenmsg nfnetlink;
  nlattr attribute;
  nfqnl_msg_verdict_hdr verdict;
};
static_assert(sizeof(VerdictMessage) == 32, "netlink messages must need no padding");

bool NfQueue::AcceptEach(const std::vector<uint32_t>& ids) {
  // libnetfilter_queue sends one verdict per system call; netlink lets one datagram carry many
  // messages, which the kernel handles in order, so under load this is several times cheaper.
  constexpr size_t kPerDatagram = 256;
  VerdictMessage messages[kPerDatagram];
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (size_t start = 0; start < ids.size(); start += kPerDatagram) {
    const size_t count = std::min(kPerDatagram, ids.size() - start);
    for (size_t i = 0; i < count; ++i) {
      VerdictMessage& m = messages[i];
      m.header = {sizeof(VerdictMessage), (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT,
                  NLM_F_REQUEST, 0, 0};
      m.nfnetlink = {AF_UNSPEC, NFNETLINK_V0, htons(queue_num_)};
      m.attribute = {sizeof(nlattr) + sizeof(nfqnl_msg_verdict_hdr), NFQA_VERDICT_HDR};
      m.verdict = {htonl(NF_ACCEPT), htonl(ids[start + i])};
    }
    const size_t bytes = count * sizeof(VerdictMessage);
    ssize_t sent;
    do {
      sent = sendto(fd_, messages, bytes, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(bytes)) return false;
  }
  return true;
}

bool NfQueue::AcceptAllUpTo(uint32_t max_id) {
  return nfq_set_verdict_batch(queue_, max_id, NF_ACCEPT) >= 0;
}

}  // namespace faultline
