// The polynomial path for histories whose writes can all be told apart: registers whose
// writes have distinct values (faultline's own register workload writes unique values per
// key), and kv strings whose put/append arguments are distinct (Porcupine's kv histories).
// Each front end turns the calls into a VersionGraph — which version each read saw, which
// version each cas or append was applied to — and OrderVersions decides. Ops of unknown
// outcome are kept exactly when something observed their effect. Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checkers/linearizability/kv_model.h"
#include "checkers/linearizability/register_model.h"
#include "checkers/linearizability/search.h"
#include "checkers/linearizability/version_order.h"

namespace faultline {

// Each returns std::nullopt when the calls do not qualify (a value written twice or equal to
// the initial value, an observed failed cas of the etcd model, a kv string that splits into
// written values in more than one way); the caller then searches. A valid answer is
// certified by replaying its linearization through the model against real time; were that
// ever to fail, the answer is std::nullopt too. `describe(call)` names a call in messages.
std::optional<VersionOrderOutcome> CheckUniqueValues(
    const RegisterModel& model, const std::vector<Call<RegisterInput>>& calls,
    const std::function<std::string(size_t)>& describe);
std::optional<VersionOrderOutcome> CheckUniqueValues(
    const KvModel& model, const std::vector<Call<KvInput>>& calls,
    const std::function<std::string(size_t)>& describe);

}  // namespace faultline
