#include "db/postgres/pg_outcome.h"

namespace faultline {

bool PgNodeUnavailable(const std::string& s) {
  if (s.size() != 5) return false;
  const std::string cls = s.substr(0, 2);
  // 08: connection exception; 57: operator intervention (admin/crash shutdown, cannot
  // connect now); 53: insufficient resources; 25006: read-only transaction (a standby);
  // 55000 object_not_in_prerequisite_state (e.g. recovery in progress).
  return cls == "08" || cls == "57" || cls == "53" || s == "25006" || s == "55000";
}

Completion PgFailure(const PgReply& r, bool may_have_taken_effect) {
  Completion c;
  switch (r.kind) {
    case PgReply::Kind::kOk:
      c.type = OpType::kOk;
      return c;
    case PgReply::Kind::kNotSent:
      c.type = OpType::kFail;
      c.error = "not sent: " + r.message;
      c.unavailable = true;
      return c;
    case PgReply::Kind::kError:
      c.type = OpType::kFail;
      c.error = r.sqlstate + ": " + r.message;
      c.unavailable = PgNodeUnavailable(r.sqlstate);
      return c;
    case PgReply::Kind::kTimeout:
    case PgReply::Kind::kLost:
      c.error = (r.kind == PgReply::Kind::kTimeout ? "timeout: " : "connection lost: ") + r.message;
      if (may_have_taken_effect) {
        c.type = OpType::kInfo;
      } else {
        c.type = OpType::kFail;
        c.unavailable = true;
      }
      return c;
  }
  return c;
}

}  // namespace faultline
