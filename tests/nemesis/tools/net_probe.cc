// net_probe: the traffic ends of the delay test and benchmark (delayd_test.sh,
// bench/bench_delayd.sh), run inside network namespaces with `ip netns exec`.
//   net_probe echo-server ADDR PORT        TCP echo server; runs until killed
//   net_probe rtt ADDR PORT COUNT          connects (retrying for up to 10 s), then times COUNT
//                                          1-byte round trips; prints
//                                          "connect_ms=… median_ms=… min_ms=… max_ms=…"
//   net_probe udp-sink ADDR PORT           counts UDP datagrams until none came for 1 s; prints
//                                          "received=… per_second=…" (first to last)
//   net_probe udp-send ADDR PORT SECONDS   sends 64-byte datagrams as fast as it can (with a
//                                          256 MB send buffer, root only); prints
//                                          "sent=… per_second=…"
// Single-threaded. Exit 0 on success, 1 on a network error, 3 on bad usage.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int Fail(const char* what) {
  std::fprintf(stderr, "net_probe: %s: %s\n", what, std::strerror(errno));
  return 1;
}

bool Address(const char* host, const char* port, sockaddr_in* out) {
  *out = {};
  out->sin_family = AF_INET;
  out->sin_port = htons(static_cast<uint16_t>(std::atoi(port)));
  return inet_pton(AF_INET, host, &out->sin_addr) == 1;
}

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int EchoServer(const sockaddr_in& addr) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return Fail("bind");
  }
  if (listen(listener, 64) != 0) return Fail("listen");
  std::vector<pollfd> fds = {{listener, POLLIN, 0}};
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return Fail("poll");
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0 || write(fds[i].fd, buf, n) != n) {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
    std::erase_if(fds, [](const pollfd& p) { return p.fd < 0; });
    if (fds[0].revents & POLLIN) {
      const int conn = accept(listener, nullptr, nullptr);
      if (conn >= 0) {
        NoDelay(conn);
        fds.push_back({conn, POLLIN, 0});
      }
    }
  }
}

int Rtt(const sockaddr_in& addr, int count) {
  int fd = -1;
  double connect_ms = 0;
  const double give_up = NowMs() + 10'000;
  for (;;) {  // the server may still be starting
    fd = socket(AF_INET, SOCK_STREAM, 0);
    const double start = NowMs();
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      connect_ms = NowMs() - start;
      break;
    }
    close(fd);
    if (NowMs() > give_up) return Fail("connect");
    usleep(20'000);
  }
  NoDelay(fd);
  std::vector<double> samples;
  for (int i = 0; i < count; ++i) {
    char c = 'x';
    const double start = NowMs();
    if (write(fd, &c, 1) != 1) return Fail("write");
    if (read(fd, &c, 1) != 1) return Fail("read");
    samples.push_back(NowMs() - start);
  }
  close(fd);
  std::sort(samples.begin(), samples.end());
  std::printf("connect_ms=%.2f median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", connect_ms,
              samples[samples.size() / 2], samples.front(), samples.back());
  return 0;
}

int UdpSink(const sockaddr_in& addr) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int size = 64 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return Fail("bind");
  long received = 0;
  double first = 0, last = 0;
  char buf[2048];
  for (;;) {
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, received == 0 ? 30'000 : 1'000) <= 0) break;  // idle: the sender is done
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
      if (received++ == 0) first = NowMs();
      last = NowMs();
    }
  }
  const double span_s = std::max(last - first, 1.0) / 1e3;
  std::printf("received=%ld per_second=%.0f\n", received, received / span_s);
  return 0;
}

int UdpSend(const sockaddr_in& addr, double seconds) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  // Packets held by faultline-delayd still count against the sender's buffer: a default one
  // (~256 datagrams) would limit the sender, not the daemon.
  int size = 256 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return Fail("connect");
  }
  char payload[64] = {};
  long sent = 0;
  const double start = NowMs(), end = start + seconds * 1e3;
  while (NowMs() < end) {
    for (int i = 0; i < 64; ++i) {
      if (send(fd, payload, sizeof payload, 0) == ssize_t(sizeof payload)) ++sent;
    }
  }
  std::printf("sent=%ld per_second=%.0f\n", sent, sent / ((NowMs() - start) / 1e3));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sockaddr_in addr;
  if (argc < 4 || !Address(argv[2], argv[3], &addr)) {
    std::fprintf(stderr, "usage: net_probe echo-server|rtt|udp-sink|udp-send ADDR PORT [N]\n");
    return 3;
  }
  const std::string mode = argv[1];
  if (mode == "echo-server") return EchoServer(addr);
  if (mode == "udp-sink") return UdpSink(addr);
  if (argc < 5) {
    std::fprintf(stderr, "net_probe %s needs a count or seconds\n", mode.c_str());
    return 3;
  }
  if (mode == "rtt") return Rtt(addr, std::atoi(argv[4]));
  if (mode == "udp-send") return UdpSend(addr, std::atof(argv[4]));
  std::fprintf(stderr, "net_probe: unknown mode '%s'\n", mode.c_str());
  return 3;
}
