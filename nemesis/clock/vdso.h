// Finds the kernel's clock_gettime in the vDSO (the fast path that glibc uses), without the
// dynamic loader: parses the vDSO image the kernel maps into every process. Thread-safe and
// async-signal-safe: reads only, allocates nothing, takes no lock.
#pragma once

#include <time.h>

namespace faultline {

using VdsoClockGettime = int (*)(clockid_t, struct timespec*);

// The vDSO's clock_gettime, or nullptr if the process has no vDSO or it has no such symbol
// (then callers use the raw system call).
VdsoClockGettime FindVdsoClockGettime();

}  // namespace faultline
