// libFuzzer target: the jsonl history reader (ParseHistory with HistoryFormat::kJsonl).
#include "fuzz/history_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::FuzzHistoryReader(data, size, faultline::HistoryFormat::kJsonl);
}
