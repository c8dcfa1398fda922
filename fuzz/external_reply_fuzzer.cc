// libFuzzer target: the external-client reply parser (db/external/external_protocol.h) —
// whatever a user's client program prints, one reply per line: ParseExternalReply and
// ParseExternalReady. Besides crashes and sanitizer findings, a refused line must say why, and
// a reply that was accepted becomes the op the harness would record (its outcome, value,
// error); that op's history line must read back with faultline's own JSON Lines reader.
// Stateless; libFuzzer calls it from one thread.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "db/external/external_protocol.h"
#include "fuzz/recorded_op.h"

namespace faultline {
namespace {

void CheckReply(std::string_view line) {
  (void)ParseExternalReady(line);
  Result<ExternalReply> reply = ParseExternalReply(line, 4096);
  if (!reply.ok()) {
    if (reply.status().message().empty()) {
      std::fprintf(stderr, "a refused reply without a message\n");
      std::abort();
    }
    return;
  }
  if (reply->type == OpType::kInvoke || (reply->unavailable && reply->type != OpType::kFail)) {
    std::fprintf(stderr, "a reply accepted with an impossible outcome\n");
    std::abort();
  }
  Op op;  // as ExternalClient records it
  op.type = reply->type;
  op.f = "read";
  op.key = "k";
  op.value = reply->value;
  op.error = reply->error;
  CheckRecordedOpReadsBack(op);
}

}  // namespace
}  // namespace faultline

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  faultline::ForEachLine(std::string_view(reinterpret_cast<const char*>(data), size),
                         faultline::CheckReply);
  return 0;
}
