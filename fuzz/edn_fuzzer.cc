// libFuzzer target: the edn history reader (ParseHistory with HistoryFormat::kEdn).
#include "fuzz/history_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::FuzzHistoryReader(data, size, faultline::HistoryFormat::kEdn);
}
