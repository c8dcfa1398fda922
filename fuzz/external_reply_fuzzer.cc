// libFuzzer target: the external-client reply parser (db/external/external_protocol.h) —
// whatever a user's client program prints, one reply per line: ParseExternalReply and
// ParseExternalReady. Besides crashes and sanitizer findings, a refused line must say why, and
// a reply that was accepted becomes the op the harness would record (its outcome, value,
// error); that op's history line must read back with faultline's own JSON Lines reader.
// Stateless; libFuzzer calls it from one thread.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/history_io.h"
#include "db/external/external_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace faultline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    (void)ParseExternalReady(line);
    Result<ExternalReply> reply = ParseExternalReply(line, 4096);
    if (!reply.ok()) {
      if (reply.status().message().empty()) {
        std::fprintf(stderr, "a refused reply without a message\n");
        std::abort();
      }
      continue;
    }
    if (reply->type == OpType::kInvoke || (reply->unavailable && reply->type != OpType::kFail)) {
      std::fprintf(stderr, "a reply accepted with an impossible outcome\n");
      std::abort();
    }
    Op op;
    op.type = reply->type;
    op.f = "read";
    op.key = "k";
    op.value = reply->value;
    op.error = reply->error;
    const std::string recorded = op.ToJson();
    Result<std::vector<Op>> back = ParseJsonlOps(recorded, "fuzz-recorded-op");
    if (!back.ok() || back->size() != 1) {
      std::fprintf(stderr, "the op recorded from a reply does not read back: %s\n---\n%s\n",
                   back.ok() ? "not one op" : back.status().message().c_str(), recorded.c_str());
      std::abort();
    }
  }
  return 0;
}
