// The Porcupine fixture table shared/histories/porcupine/expected.tsv, for parameterised
// tests of the readers. Plain functions with no shared state; thread-safe.
#pragma once

#include <cctype>

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace faultline {

// The folder holding expected.tsv and the fixture files it names.
inline std::string PorcupineFixtureDir() {
  return std::string(FAULTLINE_SHARED_DIR) + "/histories/porcupine";
}

// One row of expected.tsv: a fixture file and what it holds.
struct PorcupineFixture {
  std::string file;         // relative to PorcupineFixtureDir(), e.g. "kv/c01-ok.txt"
  int64_t ops = 0;          // invocations
  int64_t pending_ops = 0;  // ops whose outcome Porcupine treats as unknown
  int64_t processes = 0;    // distinct processes

  std::string path() const { return PorcupineFixtureDir() + "/" + file; }
};

// The rows whose file starts with `prefix` ("jepsen/", "kv/"), in table order. An unreadable
// table yields no rows (the tests that count rows then fail).
inline std::vector<PorcupineFixture> PorcupineFixtures(std::string_view prefix) {
  std::ifstream in(PorcupineFixtureDir() + "/expected.tsv");
  std::vector<PorcupineFixture> rows;
  std::string file, model, expected, ops, pending, processes, rest;
  while (std::getline(in, file, '\t') && std::getline(in, model, '\t') &&
         std::getline(in, expected, '\t') && std::getline(in, ops, '\t') &&
         std::getline(in, pending, '\t') && std::getline(in, processes, '\t') &&
         std::getline(in, rest)) {
    if (file.starts_with(prefix)) {  // also skips the header row
      rows.push_back({file, std::stoll(ops), std::stoll(pending), std::stoll(processes)});
    }
  }
  return rows;
}

// A gtest parameter name for a fixture: its file name after `strip` characters ("jepsen/"),
// with every non-alphanumeric character replaced by '_'.
inline std::string FixtureTestName(const PorcupineFixture& f, size_t strip) {
  std::string name = f.file.substr(strip);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace faultline
