// Test helper: decodes EncodeOps's columns the way report.js does (assets/data.js), so the
// tests check what the page will read. Not thread-safe (plain functions over locals).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "report/op_columns.h"

namespace faultline {

struct DecodedRow {
  int64_t idx, lane, f, outcome, start, end, key, node, vtag, va, vb, err;
};

inline std::vector<DecodedRow> DecodeColumns(const EncodedOps& enc) {
  std::map<std::string, size_t> at;
  size_t pos = 0;
  for (const auto& c : enc.tables["columns"]) {
    at[c[0].get<std::string>()] = pos;
    pos += c[1].get<size_t>();
  }
  auto reader = [&](const char* name) {
    return [&enc, p = at[name]]() mutable {
      uint64_t r = 0;
      for (int shift = 0;; shift += 7) {
        const uint8_t b = static_cast<uint8_t>(enc.bytes[p++]);
        r |= uint64_t{b & 0x7Fu} << shift;
        if (b < 0x80) return r;
      }
    };
  };
  auto zigzag = [](uint64_t z) {
    return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  };
  const size_t n = enc.tables["count"];
  std::vector<DecodedRow> rows(n);
  auto idx = reader("idx"), lane = reader("lane"), kind = reader("kind"), start = reader("start"),
       dur = reader("dur"), key = reader("key"), node = reader("node"), val = reader("val"),
       err = reader("err");
  int64_t last_idx = -1, last_start = 0, last_key = 0, last_int = 0;
  for (DecodedRow& r : rows) {
    r.idx = last_idx += idx();
    r.lane = lane() / 2;  // the low bit marks a lane's next process
    const uint64_t k = kind();
    r.f = k / 4;
    r.outcome = k % 4;
    r.start = last_start += zigzag(start());
    r.end = r.start + dur();
    r.key = (last_key += zigzag(key())) - 1;
    r.node = int64_t(node()) - 1;
    r.vtag = val();
    r.va = r.vb = 0;
    if (r.vtag == 1) r.va = last_int += zigzag(val());
    if (r.vtag == 2) {
      r.va = last_int + zigzag(val());
      r.vb = last_int = r.va + zigzag(val());
    }
    if (r.vtag == 3) r.va = val();
    r.err = err();
  }
  return rows;
}

}  // namespace faultline
