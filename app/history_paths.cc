#include "app/history_paths.h"

#include <algorithm>
#include <filesystem>

namespace faultline {
namespace {

namespace fs = std::filesystem;

bool HasHistoryName(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  return std::any_of(
      std::begin(kHistoryExtensions), std::end(kHistoryExtensions),
      [&name](std::string_view ext) { return name.size() > ext.size() && name.ends_with(ext); });
}

std::string ExtensionList() {
  std::string list;
  for (const char* ext : kHistoryExtensions) list += (list.empty() ? "" : ", ") + std::string(ext);
  return list;
}

// Adds the history files of `dir` to `out`.
void ExpandDirectory(const std::string& dir, HistoryPaths* out) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out->errors.push_back({dir, dir + ": cannot list: " + ec.message()});
    return;
  }
  std::vector<std::string> found, skipped;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // is_regular_file follows symbolic links: a link to a history file counts.
    std::error_code type_ec;
    if (HasHistoryName(name) && it->is_regular_file(type_ec)) {
      found.push_back(it->path().string());
    } else {
      skipped.push_back(name);
    }
  }
  if (ec) {
    out->errors.push_back({dir, dir + ": cannot list: " + ec.message()});
    return;
  }
  std::sort(found.begin(), found.end());
  std::sort(skipped.begin(), skipped.end());
  if (found.empty()) {
    out->errors.push_back(
        {dir, dir + ": no history files in this directory (regular files ending in " +
                  ExtensionList() + "; subdirectories are not searched)"});
    return;
  }
  if (!skipped.empty()) {
    std::string names;
    for (size_t i = 0; i < skipped.size() && i < 3; ++i) names += (i ? ", " : "") + skipped[i];
    if (skipped.size() > 3) names += ", …";
    out->notes.push_back(dir + ": skipped " + std::to_string(skipped.size()) +
                         (skipped.size() == 1 ? " entry" : " entries") +
                         " that are not history files (" + names + ")");
  }
  out->files.insert(out->files.end(), found.begin(), found.end());
}

}  // namespace

HistoryPaths ExpandHistoryPaths(const std::vector<std::string>& args) {
  HistoryPaths out;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      ExpandDirectory(arg, &out);
    } else {
      out.files.push_back(arg);
    }
  }
  return out;
}

}  // namespace faultline
