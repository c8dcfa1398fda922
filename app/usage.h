// The top-level usage text, shared by faultline and faultline-run. Constant; thread-safe.
#pragma once

namespace faultline {

inline constexpr const char* kUsage = R"(usage: faultline <command> [options]

commands:
  test            run a workload against a database, check it, store the run under results/
  sweep           run tests over a grid of safety settings × faults × seeds and set what
                  each configuration showed beside what the database promises (sweep.html)
  list            every database, workload, fault and checker, with their options
  check PATH...   check recorded histories (faultline JSON Lines, Jepsen EDN, Porcupine logs);
                  a directory stands for the history files in it
  shrink PATH     each problem of a run or history shrunk to its smallest witness, named
                  (lost write, stale read, …) and written as a history of its own
  analyze DIR     re-check a stored run (results/<test>/<time>/)
  replay DIR      run a stored test again with its seed and recorded faults (--runs N) and
                  say in how many runs its anomaly came back
  report DIR      re-render a stored run's report.html; report --index [ROOT] rewrites the
                  results index
  cluster ACTION  up, status or down: a local cluster of network namespaces with sshd (root)

Run 'faultline <command> --help' for a command's options; 'faultline test --db NAME --help'
for a database's own options (the same for --workload).
Exit codes: 0 valid, 1 invalid, 2 unknown, 3 bad usage or input, 4 setup failed.
)";

}  // namespace faultline
