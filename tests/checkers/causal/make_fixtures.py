#!/usr/bin/env python3
# Regenerates tests/fixtures/causal/*.jsonl (run from anywhere); the tests list the expected ops.
# Writes tests/fixtures/causal/*.jsonl: each op is invoked and completed back to back.
import json, os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "causal")
def emit(name, ops):
    lines, t = [], 0
    for (p, f, k, v, typ, rv) in ops:
        for rec in ({"process": p, "type": "invoke", "f": f, "key": k, "value": v},
                    {"process": p, "type": typ, "f": f, "key": k, "value": rv}):
            rec = {"index": len(lines), "time": t, **rec}
            t += 1000
            lines.append(json.dumps(rec, separators=(",", ":")))
    open(os.path.join(D, name + ".jsonl"), "w").write("\n".join(lines) + "\n")
W = lambda p, k, v, typ="ok": (p, "write", k, v, typ, v)
R = lambda p, k, v, typ="ok": (p, "read", k, None, typ, v)
C = lambda p, k, a, b, typ="ok": (p, "cas", k, [a, b], typ, [a, b])
emit("invalid-read-your-writes", [W(0, "x", 1), R(0, "x", None)])
emit("valid-read-your-writes", [W(0, "x", 1), R(0, "x", 1)])
emit("invalid-read-your-writes-cas", [W(1, "x", 1), R(0, "x", 1), C(0, "x", 1, 2), R(0, "x", 1)])
emit("valid-read-your-writes-cas", [W(1, "x", 1), R(0, "x", 1), C(0, "x", 1, 2), R(0, "x", 2)])
emit("invalid-monotonic-reads", [W(0, "x", 1), W(0, "x", 2), R(1, "x", 2), R(1, "x", 1)])
emit("valid-monotonic-reads", [W(0, "x", 1), W(0, "x", 2), R(1, "x", 1), R(1, "x", 2)])
emit("invalid-monotonic-writes", [W(0, "x", 1), W(0, "y", 1), R(1, "y", 1), R(1, "x", None)])
emit("valid-monotonic-writes", [W(0, "x", 1), W(0, "y", 1), R(1, "y", 1), R(1, "x", 1)])
emit("invalid-writes-follow-reads", [W(0, "x", 1), R(1, "x", 1), W(1, "y", 1), R(2, "y", 1), R(2, "x", None)])
emit("valid-writes-follow-reads", [W(0, "x", 1), R(1, "x", 1), W(1, "y", 1), R(2, "y", 1), R(2, "x", 1)])
emit("invalid-causal-visibility", [W(0, "x", 1), W(0, "y", 1), R(1, "y", 1), W(1, "z", 1),
                                   R(2, "z", 1), R(2, "x", None)])
emit("valid-causal-visibility", [W(0, "x", 1), W(0, "y", 1), R(1, "y", 1), W(1, "z", 1),
                                 R(2, "z", 1), R(2, "x", 1)])
# p1 overwrites 1 with 2, then writes y; p2 sees y, then reads the older 1 (a non-null stale value).
emit("invalid-monotonic-writes-overwritten", [W(0, "x", 1), R(1, "x", 1), W(1, "x", 2), W(1, "y", 1),
                                               R(2, "y", 1), R(2, "x", 1)])
emit("valid-monotonic-writes-overwritten", [W(0, "x", 1), R(1, "x", 1), W(1, "x", 2), W(1, "y", 1),
                                             R(2, "y", 1), R(2, "x", 2)])
emit("invalid-cycle", [R(0, "x", 1), W(0, "x", 1)])
emit("valid-cycle", [W(0, "x", 1), R(0, "x", 1)])
emit("invalid-unwritten-value", [W(0, "x", 1, "fail"), R(1, "x", 1)])
emit("valid-unwritten-value", [W(0, "x", 1, "fail"), R(1, "x", None)])
# Concurrent writes may be seen in different orders by different sessions under CC (not CCv).
emit("valid-concurrent-writes", [W(0, "x", 1), W(1, "x", 2), R(2, "x", 1), R(2, "x", 2),
                                 R(3, "x", 2), R(3, "x", 1)])
# An info write that someone read happened; reading null after it goes back in time.
emit("invalid-monotonic-reads-info-write", [W(0, "x", 1, "info"), R(1, "x", 1), R(1, "x", None)])
emit("valid-monotonic-reads-info-write", [W(0, "x", 1, "info"), R(1, "x", 1), R(1, "x", 1)])
# After an info op the process is retired: its next op starts a new session.
emit("valid-retired-process-new-session", [W(0, "x", 1, "info"), R(0, "x", None), R(1, "x", 1)])
