#include "report/report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "report/file_io.h"
#include "report/index.h"
#include "report/render.h"

namespace faultline {

Result<std::string> WriteReport(const std::string& run_dir, const ReportOptions& options) {
  auto run = LoadRun(run_dir, options);
  if (!run.ok()) return run.status();
  const std::string path = (std::filesystem::path(run_dir) / "report.html").string();
  if (Status s = WriteFileAtomically(path, RenderReport(*run)); !s.ok()) return s;
  return path;
}

Result<std::string> WriteResultsIndex(const std::string& results_root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(results_root, ec)) {
    return Status::InvalidInput(results_root + ": not a directory");
  }
  const std::string path = (std::filesystem::path(results_root) / "index.html").string();
  if (Status s = WriteFileAtomically(path, RenderIndex(ScanRuns(results_root), ScanSweeps(results_root))); !s.ok()) return s;
  return path;
}

}  // namespace faultline
