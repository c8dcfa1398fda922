// The hand-over from `faultline` to `faultline-run`, the executable that holds the commands
// that drive databases (test, replay, cluster) or rebuild a test's parts (analyze). faultline
// itself holds only the history commands (check, report), so that it loads no database client
// library (libpq, hiredis, libssh2, cpp-httplib, OpenSSL) and checking a small file costs a
// millisecond. Called once from main.
#pragma once

namespace faultline {

// Replaces this process with faultline-run, passing argv on (argv[1] is the command).
// faultline-run is looked for next to this executable (the build's app/ folder, or wherever
// both were installed), then at the path this build put it. Returns only on failure, with the
// exit code after saying why on stderr.
int ExecRunCommand(int argc, char** argv);

}  // namespace faultline
