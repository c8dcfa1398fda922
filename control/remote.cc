#include "control/remote.h"

namespace faultline {

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(word);
  }
  return out;
}

Result<std::string> ExecChecked(Remote& remote, const std::string& command,
                                std::chrono::milliseconds timeout) {
  Result<ExecResult> r = remote.Exec(command, timeout);
  if (!r.ok()) return r.status();
  if (r->exit_status != 0) {
    std::string err = r->err.substr(0, 400);
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return Status::IoError(remote.Describe() + ": `" + command.substr(0, 200) + "` exited " +
                           std::to_string(r->exit_status) + (err.empty() ? "" : ": " + err));
  }
  return std::move(r->out);
}

}  // namespace faultline
