// libFuzzer target: the porcupine_kv history reader (ParseHistory with HistoryFormat::kPorcupineKv).
#include "fuzz/history_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::FuzzHistoryReader(data, size, faultline::HistoryFormat::kPorcupineKv);
}
