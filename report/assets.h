// The report's inline stylesheets and script, compiled in from report/assets/ by
// report/embed_assets.cmake (so report.html needs no file beside it). Immutable; thread-safe.
#pragma once

#include <string_view>

namespace faultline {

extern const std::string_view kReportCss;  // assets/report.css
extern const std::string_view kReportJs;   // assets/*.js, concatenated in one function scope
extern const std::string_view kIndexCss;   // assets/index.css
extern const std::string_view kSweepCss;   // assets/sweep.css

}  // namespace faultline
