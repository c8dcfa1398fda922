// libFuzzer target: the porcupine_etcd history reader (ParseHistory with HistoryFormat::kPorcupineEtcd).
#include "fuzz/history_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return faultline::FuzzHistoryReader(data, size, faultline::HistoryFormat::kPorcupineEtcd);
}
