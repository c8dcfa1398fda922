// Renders report.html as one string: static HTML for everything textual (verdicts, facts,
// options, counterexample tables), the run's data embedded as a JSON block and a base64 block
// of op columns, and the inline CSS and script that draw the timeline, the latency and
// throughput charts and the counterexample diagrams. Nothing is fetched at view time.
// A pure function of RunData; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "report/run_data.h"

namespace faultline {

// Bounds that keep a report of a huge history small (ARCHITECTURE §7: 1M ops ≤ 25 MB).
struct RenderLimits {
  size_t string_budget = size_t{2} << 20;          // bytes of non-numeric values and errors
  size_t counterexample_budget = size_t{3} << 20;  // bytes of embedded linearizable prefixes
  size_t detailed_problems = 50;                   // counterexamples drawn in full
};

std::string RenderReport(const RunData& run, const RenderLimits& limits = {});

}  // namespace faultline
