// NfQueue: one bound netfilter queue (libnetfilter_queue), in copy-meta mode with fail-open:
// receives the ids of queued packets and issues ACCEPT verdicts. Not thread-safe: one thread
// owns it. Needs CAP_NET_ADMIN in the network namespace of the queue.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"

struct nfq_handle;
struct nfq_q_handle;
struct nfq_data;
struct nfgenmsg;

namespace faultline {

class NfQueue {
 public:
  // Called with the id of every packet the kernel queues.
  using OnPacket = std::function<void(uint32_t id)>;

  // Binds queue `queue` in the current network namespace with room for `max_queued` packets.
  static Result<std::unique_ptr<NfQueue>> Open(uint16_t queue, uint32_t max_queued,
                                               OnPacket on_packet);
  ~NfQueue();  // unbinds the queue (the kernel drops packets still queued: accept them first)
  NfQueue(const NfQueue&) = delete;
  NfQueue& operator=(const NfQueue&) = delete;

  // The netlink socket: readable when packets are waiting.
  int fd() const { return fd_; }
  // Reads up to `max_messages` messages waiting on the socket, without blocking, calling
  // OnPacket for each; returns how many it read (fewer: the socket is empty).
  Result<int> ReadAvailable(int max_messages);
  // ACCEPT verdicts for each of `ids`, many per system call; false if the socket refused to
  // send them. (The kernel reports unknown ids asynchronously; they are ignored.)
  bool AcceptEach(const std::vector<uint32_t>& ids);
  // Accepts every packet still queued in the kernel whose id is not after `max_id`
  // (wrap-around order).
  bool AcceptAllUpTo(uint32_t max_id);

  // Messages the socket could not take (ENOBUFS reports) and the packets they carried, from
  // the gaps in the kernel's sequential ids. With fail-open the kernel let those packets pass
  // undelayed (it does not queue a packet whose message it could not deliver).
  uint64_t overflows() const { return overflows_; }
  uint64_t missed_packets() const { return missed_packets_; }
  uint32_t last_id() const { return last_id_; }  // the highest id received (0: none yet)

 private:
  NfQueue() = default;
  static int Dispatch(nfq_q_handle* qh, ::nfgenmsg* msg, ::nfq_data* nfa, void* self);

  nfq_handle* handle_ = nullptr;
  nfq_q_handle* queue_ = nullptr;
  uint16_t queue_num_ = 0;
  int fd_ = -1;
  OnPacket on_packet_;
  uint64_t overflows_ = 0;
  uint64_t missed_packets_ = 0;
  uint32_t last_id_ = 0;
};

}  // namespace faultline
