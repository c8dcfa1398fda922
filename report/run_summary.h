// A run's summary for `faultline sweep` (docs/sweep.md, "A run's summary"): its verdict, the
// anomalies each checker found grouped by kind, availability, throughput, latency and the
// faults injected — a few hundred bytes a sweep keeps per run and merges per cell. Pure
// functions of a run folder / of summaries; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace faultline {

// The summary of RUN_DIR (test.json, history.jsonl, results.json), as docs/sweep.md gives it:
// {"verdict", "checkers", "anomalies", "first_anomaly_s", "ok", "attempted", "availability",
//  "ok_per_second", "p50_ms", "p99_ms", "faults", "seconds", "report"}.
//
// - A run without results.json (faultline died before the check) is summarised, not refused:
//   "verdict": "incomplete", no checkers, no anomalies; the figures come from the history it
//   left, which is why they are always computed from the history (the same ComputeStats that
//   wrote results.json's "stats") rather than read from results.json.
// - anomalies: one per (checker, kind), in the order the checkers list them. A kind is the
//   checker's own name: linearizability "not linearizable" (or "impossible op" when an op was
//   found that no order can place), causal its violation names (read-your-writes, …), bank
//   its bad-read kinds (wrong-total, …), counter its error names (counter notes such as
//   stale-read under eventual consistency do not make a run invalid and are not anomalies).
//   A checker that lists only the first problems (bank and counter stop at 1,000) has the
//   rest counted under kind "unlisted". A checker whose detail has none of these shapes but
//   says invalid counts as one anomaly of kind "invalid". at_s: the earliest invoke, in
//   seconds since the run began, of the ops the problems name; null when they name none.
// - faults: per kind (the op that began it: "kill", "start-partition", …) how many began, the
//   seconds under them (summed fault bands, report/faults.h; a fault begun with an error and
//   never ended counts none: it found nothing to end, so it never held; null when the history
//   has no times), and could_not_act: the nemesis ops of those faults, beginning or ending
//   them, recorded with an "error" (kill-primary with no primary known, a failed heal).
// - report: "report.html" when RUN_DIR has one, else null.
// Fails (the message names the folder or file) when RUN_DIR is not a folder, its history is
// missing or unreadable, or test.json / results.json are not JSON.
Result<nlohmann::json> SummarizeRun(const std::string& run_dir);

// A cell's summary from its runs' summaries (docs/sweep.md): the same fields; ok, attempted,
// seconds, anomaly and fault counts summed; verdict and each checker's verdict the worst
// (invalid, then unknown — incomplete counts as unknown —, then valid); first_anomaly_s and
// each anomaly's at_s the earliest; availability, ok_per_second, p50_ms, p99_ms the median
// over the runs; each anomaly kind's example the first run's that has it; report null.
// Entries that are not objects (runs that never produced a summary) are skipped; with none
// left the verdict is "unknown" and the medians null.
nlohmann::json MergeRunSummaries(const std::vector<nlohmann::json>& summaries);

}  // namespace faultline
