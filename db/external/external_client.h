// External clients (--client-cmd): the harness's Client seam implemented by a program the
// user writes in any language, one process per client, speaking JSON Lines on its stdin and
// stdout (external_protocol.h; docs/external-client.md). ExternalClientDb is a Db decorator
// that replaces a database's own clients by these and forwards everything else, so
// `--db builtin --client-cmd …` runs the built-in store's nodes with external clients.
// ExternalClient: one worker's, not thread-safe. ExternalClientDb: thread-safe as Db requires.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "db/external/client_pool.h"
#include "harness/db.h"

namespace faultline {

// A client bound to `node`, its process taken from `pool` at once (which must outlive the
// client). Every op is one request and one reply; a reply past the op's deadline, end of
// file, a dead process, an unparseable reply or one with another id makes the op info and
// kills the process (its process group, reaped); a later op takes a fresh one. Destroying
// the client closes its process's stdin, waits exit_grace for it to exit, then kills it.
Result<std::unique_ptr<Client>> NewExternalClient(ClientPool& pool, const std::string& node);

// Starts the client program once before the run: it must write {"type":"ready"} and, once
// its stdin is closed, exit with status 0, all within `timeout`. Catches a mistyped command
// or a client that cannot start (missing interpreter, import error) with its stderr,
// instead of a run of failed ops.
Status PreflightExternalClient(const ClientPool& pool, std::chrono::milliseconds timeout);

class ExternalClientDb : public Db {
 public:
  // Wraps `inner`, whose ClientEndpoints() must say where its nodes are (they go into
  // options.nodes); creates options.log_dir and waits (30 s at most) until every node has a
  // ready client process. The preflight (PreflightExternalClient) is the caller's, before
  // anything is built.
  static Result<std::unique_ptr<Db>> Wrap(std::unique_ptr<Db> inner, ExternalClientOptions options);
  // The clients' spares go first, then the database.
  ~ExternalClientDb() override { pool_.reset(); }

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override { return inner_->Nodes(); }
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return inner_->Kill(node); }
  Status Restart(const std::string& node) override { return inner_->Restart(node); }
  Status Pause(const std::string& node) override { return inner_->Pause(node); }
  Status Resume(const std::string& node) override { return inner_->Resume(node); }
  Status ClockFaultsSupported() const override { return inner_->ClockFaultsSupported(); }
  std::optional<std::string> Primary() override { return inner_->Primary(); }
  Status CollectLogs(const std::string& dir) override { return inner_->CollectLogs(dir); }
  Result<std::vector<NodeAddress>> ClientEndpoints() const override {
    return inner_->ClientEndpoints();
  }

 private:
  ExternalClientDb(std::unique_ptr<Db> inner, std::unique_ptr<ClientPool> pool)
      : inner_(std::move(inner)), pool_(std::move(pool)) {}

  std::unique_ptr<Db> inner_;
  std::unique_ptr<ClientPool> pool_;
};

}  // namespace faultline
