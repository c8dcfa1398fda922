// The history files named on `faultline check`'s command line: files as given, directories
// replaced by the history files they hold. Free functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace faultline {

// File name endings that mark a history file inside a directory: faultline's JSON Lines,
// Jepsen's EDN, and Porcupine's logs (.log for etcd, .txt for kv).
inline constexpr const char* kHistoryExtensions[] = {".jsonl", ".edn", ".log", ".txt"};

struct PathError {
  std::string path;     // the argument
  std::string message;  // "DIR: no history files in this directory (…)"
};

struct HistoryPaths {
  std::vector<std::string> files;  // to check, in order
  std::vector<PathError> errors;   // bad input: exit 3
  std::vector<std::string> notes;  // "DIR: skipped 2 entries …": for the user, not errors
};

// Each argument that is a directory becomes the regular files directly inside it (not in
// its subdirectories) whose names end in one of kHistoryExtensions and do not start with
// '.', sorted by name; the rest is skipped and said in a note. A directory with no such file
// is an error. Any other argument is kept as given (the reader reports a missing or
// unreadable one).
HistoryPaths ExpandHistoryPaths(const std::vector<std::string>& args);

}  // namespace faultline
