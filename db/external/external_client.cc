#include "db/external/external_client.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/external/external_protocol.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// The last `bytes` of a file, for messages.
std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > bytes) s = "…" + s.substr(s.size() - bytes);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class ExternalClient : public Client {
 public:
  ExternalClient(ClientPool& pool, std::string node) : pool_(pool), node_(std::move(node)) {}
  ~ExternalClient() override {
    if (process_) process_->Finish(pool_.options().exit_grace);
  }

  // Takes a process if there is none.
  Status Start() {
    if (process_) return Status::Ok();
    auto p = pool_.Take(node_, ClientPool::Clock::now() + pool_.options().take_wait);
    if (!p.ok()) return p.status();
    process_ = std::move(p).value();
    return Status::Ok();
  }

  Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
    if (Status s = Start(); !s.ok()) {  // nothing was sent: it certainly did not happen
      return Completion{OpType::kFail, Value(), "cannot start the external client: " + s.message(),
                        "", true};
    }
    const int64_t id = next_id_++;
    const int64_t timeout_ms = std::max<int64_t>(
        1, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
    if (Status s = process_->Write(EncodeExternalRequest(id, req, node_, timeout_ms), deadline);
        !s.ok()) {
      return Lost("could not send the request: " + s.message());
    }
    Result<std::string> line = process_->ReadLine(deadline, kMaxExternalReplyBytes);
    if (!line.ok()) return Lost(line.status().message());
    Result<ExternalReply> reply = ParseExternalReply(*line);
    if (!reply.ok()) return Lost(reply.status().message());
    if (reply->id != id) {
      return Lost("a reply with id " + std::to_string(reply->id) + " to request " +
                  std::to_string(id) + "; a client answers each request, in order, with its id");
    }
    return Completion{reply->type, std::move(reply->value), std::move(reply->error),
                      std::move(reply->node), reply->unavailable, std::move(reply->role)};
  }

 private:
  // The op's outcome is unknown: the process is killed (a late reply must not answer the
  // next request) and the op is info.
  Completion Lost(const std::string& why) {
    // A process that closed its stdout may be exiting by itself: give it a moment, so the
    // message says how it ended rather than that it was killed.
    const bool ended = why.find("end of file") != std::string::npos;
    process_->Finish(ended ? milliseconds(100) : milliseconds(0));
    const std::string what = "external client on " + node_ + " (pid " +
                             std::to_string(process_->pid()) + ", " + process_->Describe() +
                             "): " + why;
    process_.reset();
    pool_.Note(node_, what + "; killed");
    return Completion{OpType::kInfo, Value(), what, "", false};
  }

  ClientPool& pool_;
  const std::string node_;
  std::unique_ptr<ClientProcess> process_;  // null until taken, and after it was killed
  int64_t next_id_ = 1;
};

}  // namespace

Result<std::unique_ptr<Client>> NewExternalClient(ClientPool& pool, const std::string& node) {
  auto client = std::make_unique<ExternalClient>(pool, node);
  if (Status s = client->Start(); !s.ok()) return s;
  return std::unique_ptr<Client>(std::move(client));
}

Status PreflightExternalClient(const ClientPool& pool, milliseconds timeout) {
  const ExternalClientOptions& o = pool.options();
  const std::string node = o.nodes.empty() ? "" : o.nodes.front().name;
  auto p = pool.Start(node, "preflight");
  if (!p.ok()) return Status::IoError("--client-cmd: " + p.status().message());
  const auto until = ClientProcess::Clock::now() + timeout;
  // It must say it is ready, then exit with status 0 at the end of its input.
  Result<std::string> first = (*p)->ReadLine(until, kMaxExternalReplyBytes);
  Status ready = first.ok() ? ParseExternalReady(*first) : first.status();
  const bool exited = (*p)->Finish(
      std::max(milliseconds(100),
               std::chrono::duration_cast<milliseconds>(until - ClientProcess::Clock::now())));
  std::string problem;
  if (!ready.ok()) {
    problem =
        "did not start as a client should: " + ready.message() + " (it " + (*p)->Describe() + ")";
  } else if (!exited) {
    problem = "did not exit within " + std::to_string(timeout.count()) +
              " ms once its stdin closed (killed)";
  } else if ((*p)->ExitStatus() != 0) {
    problem = (*p)->Describe() + " once its stdin closed";
  } else {
    return Status::Ok();
  }
  const std::string log_path = pool.LogPath("preflight");
  const std::string stderr_tail = Tail(log_path, 600);
  return Status::IoError("--client-cmd `" + o.command + "` " + problem +
                         "; a client writes {\"type\":\"ready\"} when it takes requests and "
                         "exits with status 0 at the end of its input (docs/external-client.md). "
                         "Its stderr (" +
                         log_path + ")" +
                         (stderr_tail.empty() ? " is empty" : ":\n" + stderr_tail));
}

Result<std::unique_ptr<Db>> ExternalClientDb::Wrap(std::unique_ptr<Db> inner,
                                                   ExternalClientOptions options) {
  Result<std::vector<NodeAddress>> nodes = inner->ClientEndpoints();
  if (!nodes.ok()) return Status::Unsupported("--client-cmd: " + nodes.status().message());
  options.nodes = std::move(nodes).value();
  std::error_code ec;
  fs::create_directories(options.log_dir, ec);
  if (ec) return Status::IoError("cannot create " + options.log_dir + ": " + ec.message());
  RunLog* log = options.log;
  const std::string what = "external clients: `" + options.command +
                           "`, FAULTLINE_NODES=" + NodesVariable(options.nodes) +
                           "; their stderr in " + options.log_dir;
  auto pool = std::make_unique<ClientPool>(std::move(options));
  FAULTLINE_RETURN_IF_ERROR(pool->WaitReady(milliseconds(30000)));
  if (log) log->Info(what);
  return std::unique_ptr<Db>(new ExternalClientDb(std::move(inner), std::move(pool)));
}

std::string ExternalClientDb::Describe() const {
  return inner_->Describe() + " with external clients `" + pool_->options().command + "`";
}

Result<std::unique_ptr<Client>> ExternalClientDb::OpenClient(const std::string& node) {
  const auto& nodes = pool_->options().nodes;
  const bool known =
      std::any_of(nodes.begin(), nodes.end(), [&](const NodeAddress& n) { return n.name == node; });
  if (!known) return Status::InvalidArgument("no node " + node);
  return NewExternalClient(*pool_, node);
}

}  // namespace faultline
