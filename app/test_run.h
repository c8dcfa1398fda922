// One `faultline test` run of a validated spec, as `test` and `replay` both start it: a fresh
// run folder with test.json, the parts from the registry, harness Run (which owns the
// lifecycle), the report and the results index. Main thread; one run at a time.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/registry.h"
#include "harness/test_spec.h"
#include "nemesis/replay.h"

namespace faultline {

struct TestRunOutcome {
  int exit_code = 0;    // as `faultline test` exits (commands.h)
  std::string run_dir;  // "" when no folder could be made
};

// Runs `spec`, printing the lines `faultline test` prints (where the run goes, its summary,
// verdict and report) on `out` and set-up steps, warnings and errors on stderr. With
// `replay`, the faults take those recorded steps instead of a schedule (nemesis/replay.h).
TestRunOutcome RunOneTest(const TestSpec& spec, const Registry& registry, std::ostream& out,
                          std::optional<std::vector<RecordedStep>> replay = std::nullopt);

}  // namespace faultline
