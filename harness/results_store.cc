#include "harness/results_store.h"

#include <ctime>
#include <filesystem>
#include <fstream>

namespace faultline {

namespace fs = std::filesystem;

Result<std::string> CreateRunDir(const std::string& root, const std::string& test_name) {
  if (test_name.empty() || test_name.find('/') != std::string::npos || test_name[0] == '.') {
    return Status::InvalidArgument("test name \"" + test_name +
                                   "\": expected a plain folder name (no '/', not starting with '.')");
  }
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  std::error_code ec;
  fs::create_directories(fs::path(root) / test_name, ec);
  if (ec) return Status::IoError(root + "/" + test_name + ": cannot create: " + ec.message());
  for (int n = 1; n < 1000; ++n) {
    std::string name = stamp;
    if (n > 1) name.append("-").append(std::to_string(n));
    fs::path dir = fs::path(root) / test_name / name;
    if (fs::create_directory(dir, ec)) return dir.string();
    if (ec) return Status::IoError(dir.string() + ": cannot create: " + ec.message());
  }
  return Status::IoError("no free run folder under " + root + "/" + test_name);
}

Status PointLatest(const std::string& root, const std::string& run_dir) {
  std::error_code ec;
  const fs::path link = fs::path(root) / "latest";
  const fs::path tmp = fs::path(root) / ".latest.tmp";
  fs::remove(tmp, ec);
  fs::create_directory_symlink(fs::relative(run_dir, root, ec), tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);  // atomic replace
  if (ec) return Status::IoError(link.string() + ": cannot update: " + ec.message());
  return Status::Ok();
}

Status WriteJsonFile(const std::string& path, const nlohmann::json& j) {
  // Text that is not UTF-8 (a node's error message, say) becomes U+FFFD rather than an
  // exception. Written beside the file and renamed over it, so a crash or SIGKILL at any
  // moment leaves either the old file or the whole new one, never half of it.
  const std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::trunc);
  out << text;
  out.close();
  std::error_code ec;
  if (out) fs::rename(tmp, path, ec);
  if (!out || ec) {
    fs::remove(tmp, ec);
    return Status::IoError(path + ": write failed");
  }
  return Status::Ok();
}

Result<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IoError(path + ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidInput(path + ": malformed JSON: " + e.what());
  }
}

}  // namespace faultline
