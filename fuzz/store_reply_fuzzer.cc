// libFuzzer target: the built-in store client's reply parser — whatever a node (or anything
// else listening on its port) sends back, one reply per line: StoreClient::ParseReplyLine,
// StoreClient::DecodeReply and NodeStatus::FromJson. Besides crashes and sanitizer findings,
// each reply is turned into the op the client would record (its outcome, value and error),
// and that op's history line must read back with faultline's own JSON Lines reader.
// Stateless; libFuzzer calls it from one thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "db/builtin/store_client.h"
#include "fuzz/recorded_op.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;

// The op a client records for `line` (as BuiltinClient does: ok with the value read, fail or
// info with the error).
Op RecordedOp(const std::string& line) {
  Op op;
  op.type = OpType::kInfo;
  op.f = "read";
  op.key = "k";
  Result<nlohmann::json> reply = StoreClient::ParseReplyLine(line);
  if (!reply.ok()) {
    op.error = reply.status().message();
    return op;
  }
  (void)NodeStatus::FromJson(*reply);
  const StoreClient::Reply r = StoreClient::DecodeReply(*reply);
  op.type = r.kind == Kind::kOk     ? OpType::kOk
            : r.kind == Kind::kFail ? OpType::kFail
                                    : OpType::kInfo;
  if (!r.error.empty()) op.error = r.error;
  if (r.kind == Kind::kOk && !r.values.empty()) {
    Value::Map balances;
    for (const auto& [key, v] : r.values) balances.emplace_back(key, v ? Value::Int(*v) : Value());
    op.value = Value::MakeMap(std::move(balances));
  } else if (r.value) {
    op.value = Value::Int(*r.value);
  }
  return op;
}

}  // namespace
}  // namespace faultline

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace faultline;
  ForEachLine(std::string_view(reinterpret_cast<const char*>(data), size),
              [](std::string_view line) { CheckRecordedOpReadsBack(RecordedOp(std::string(line))); });
  return 0;
}
