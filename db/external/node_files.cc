#include "db/external/node_files.h"

#include <filesystem>
#include <set>

namespace faultline {
namespace {

namespace fs = std::filesystem;

int ModeOf(const fs::path& p) {
  std::error_code ec;
  const fs::perms perms = fs::status(p, ec).permissions();
  return ec ? 0644 : static_cast<int>(perms & fs::perms::mask);
}

// Adds folder `local` (landing as `target`) and everything below it to *plan.
Status PlanFolder(const fs::path& local, const std::string& target, UploadPlan* plan) {
  plan->folders.push_back(target);
  std::error_code ec;
  fs::recursive_directory_iterator it(local, fs::directory_options::follow_directory_symlink, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string below = target + "/" + fs::relative(it->path(), local).generic_string();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      plan->folders.push_back(below);
    } else if (it->is_regular_file(type_ec)) {
      plan->files.push_back({it->path().string(), below, ModeOf(it->path())});
    }
  }
  if (ec) return Status::InvalidInput(local.string() + ": cannot read: " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string UploadSource(const std::string& here, const std::string& given) {
  fs::path p = (fs::path(here) / given).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "conf/" → ".../conf"
  return p.string();
}

Result<UploadPlan> PlanUploads(const std::string& here, const std::vector<std::string>& upload) {
  UploadPlan plan;
  std::set<std::string> landed;  // the names under {files}
  for (const std::string& given : upload) {
    const fs::path local = UploadSource(here, given);
    std::error_code ec;
    const fs::file_status st = fs::status(local, ec);
    if (!fs::exists(st)) {
      return Status::InvalidInput(given + ": no such file or folder (" + local.string() + ")");
    }
    const std::string target = local.filename().string();
    if (!landed.insert(target).second) {
      return Status::InvalidInput(given + ": another upload path also lands as {files}/" + target);
    }
    if (fs::is_directory(st)) {
      FAULTLINE_RETURN_IF_ERROR(PlanFolder(local, target, &plan));
    } else {
      plan.files.push_back({local.string(), target, ModeOf(local)});
    }
  }
  return plan;
}

Status SendUploads(Remote& remote, const UploadPlan& plan, const std::string& dest,
                   std::chrono::milliseconds timeout) {
  std::string mkdir = "mkdir -p " + ShellQuote(dest);
  for (const std::string& f : plan.folders) mkdir += " " + ShellQuote(dest + "/" + f);
  auto made = ExecChecked(remote, mkdir, timeout);
  if (!made.ok()) return made.status();
  for (const UploadPlan::File& f : plan.files) {
    Status s = remote.Upload(f.local, dest + "/" + f.target, f.mode);
    if (!s.ok()) return Status::IoError("upload " + f.local + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace faultline
