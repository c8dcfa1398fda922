// The files --db external copies to every node before its setup ("upload" in --db-commands
// FILE.json): which local files and folders, and where under the node's {files} folder each
// lands. A plan is a plain value, made once on the control host and then sent to every node
// (each over its own Remote; sending to different nodes may run in parallel).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "control/remote.h"
#include "core/status.h"

namespace faultline {

struct UploadPlan {
  struct File {
    std::string local;   // absolute path on the control host
    std::string target;  // relative to {files}: "node-setup.sh", "conf/a/b.conf"
    int mode = 0644;     // the local file's permission bits, kept (a script stays executable)
  };
  std::vector<std::string> folders;  // relative to {files}, parents before children
  std::vector<File> files;
};

// Where upload path `given` (relative to `here`, or absolute) is on the control host: absolute,
// normalised, without a trailing '/'.
std::string UploadSource(const std::string& here, const std::string& given);

// The plan for `upload` (paths relative to `here`): a file lands as {files}/<its name>, a
// folder as {files}/<its name>/ with everything below it (symbolic links followed). An error
// names a path that does not exist or cannot be read.
Result<UploadPlan> PlanUploads(const std::string& here, const std::vector<std::string>& upload);

// Creates `dest` and the plan's folders under it on `remote`, then copies every file with its
// mode. An error names the file.
Status SendUploads(Remote& remote, const UploadPlan& plan, const std::string& dest,
                   std::chrono::milliseconds timeout);

}  // namespace faultline
