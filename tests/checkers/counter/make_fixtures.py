#!/usr/bin/env python3
# Regenerates tests/fixtures/counter/*.jsonl (run from anywhere); tests/checkers/counter/fixtures_test.cc
# lists what each file must report. Files with "eventual" in the name are checked with
# --consistency eventual, the others as linearizable. A history is a list of events: I(p, f, v)
# invokes, O/F/N(p, f, v) complete ok/fail/info, NEM(f) is a nemesis op; FINAL(p, node, v) is a
# final-phase read served by `node`. Lines are 1 ms apart; the line number is the op index.
import json, os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "counter")

def emit(name, events):
    lines = []
    for ev in events:
        p, typ, f, v = ev[:4]
        rec = {"index": len(lines), "time": 1000000 * len(lines), "process": p, "type": typ,
               "f": f, "value": v, **(ev[4] if len(ev) > 4 else {})}
        lines.append(json.dumps(rec, separators=(",", ":")))
    open(os.path.join(D, name + ".jsonl"), "w").write("\n".join(lines) + "\n")

I = lambda p, f, v=None: (p, "invoke", f, v)
O = lambda p, f, v=None: (p, "ok", f, v)
F = lambda p, f, v=None: (p, "fail", f, v)
N = lambda p, f, v=None: (p, "info", f, v)
NEM = lambda f: ("nemesis", "info", f, None)

def add(p, n, end=O):
    return [I(p, "add", n), end(p, "add", n)]

def read(p, v):
    return [I(p, "read"), O(p, "read", v)]

def final(p, node, v):
    return [(p, "invoke", "read", None, {"final": True}),
            (p, "ok", "read", v, {"final": True, "node": node})]

def finals(v1, v2=None):
    return [NEM("stop-partition")] + final(10, "n1", v1) + final(11, "n2", v1 if v2 is None else v2)

# Reads concurrent with adds return either bound: p1's read overlaps both adds.
emit("valid-concurrent-bounds",
     add(0, 1) + [I(1, "read"), I(0, "add", 2), I(2, "add", 3), O(0, "add", 2), O(1, "read", 6),
                  O(2, "add", 3)] + [I(1, "read"), I(0, "add", 4), O(1, "read", 6),
                                     O(0, "add", 4)] + finals(10))
# A failed add never counts; info adds (one pending at the end) may or may not.
emit("valid-with-info-adds",
     add(0, 1) + add(1, 5, F) + add(2, 2, N) + read(0, 1) + read(0, 3) + [I(3, "add", 4)] +
     read(0, 7) + finals(7))
# A read invoked after add 5 was acknowledged misses it.
emit("invalid-out-of-bounds-stale-read", add(0, 5) + read(1, 0) + finals(5))
emit("valid-out-of-bounds-stale-read", add(0, 5) + read(1, 5) + finals(5))
# Under eventual consistency the same stale read is a note, not an error.
emit("valid-eventual-stale-read", add(0, 5) + read(1, 0) + finals(5))
# A read counting an add that was invoked only after it completed.
emit("invalid-out-of-bounds-future-add", add(0, 1) + read(1, 3) + add(0, 2) + finals(3))
emit("valid-out-of-bounds-future-add", add(0, 1) + read(1, 1) + add(0, 2) + finals(3))
# A read counting a failed add: too high under any consistency.
emit("invalid-eventual-out-of-bounds-failed-add", add(0, 1) + add(0, 2, F) + read(1, 3) + finals(1))
emit("valid-eventual-out-of-bounds-failed-add", add(0, 1) + add(0, 2, F) + read(1, 1) + finals(1))
# p1 reads 5 then 3 while an info add of 2 keeps both within bounds: the counter went down.
emit("invalid-non-monotonic", add(0, 3) + add(2, 2, N) + read(1, 5) + read(1, 3) + finals(5))
emit("valid-non-monotonic", add(0, 3) + add(2, 2, N) + read(1, 3) + read(1, 5) + finals(5))
emit("invalid-eventual-non-monotonic", add(0, 3) + add(2, 2, N) + read(1, 5) + read(1, 3) + finals(5))
emit("valid-eventual-non-monotonic", add(0, 3) + add(2, 2, N) + read(1, 3) + read(1, 5) + finals(5))
# After healing, n1 counts the info add and n2 does not: both totals possible, but they differ.
emit("invalid-final-divergent", add(0, 3) + add(2, 2, N) + finals(5, 3))
emit("valid-final-divergent", add(0, 3) + add(2, 2, N) + finals(3, 3))
# 4 lies between the ok adds (3) and all adds (3 + 2 + 2), but no subset of the info adds gives 1.
emit("invalid-final-impossible", add(0, 3) + add(2, 2, N) + add(3, 2, N) + finals(4))
emit("valid-final-impossible", add(0, 3) + add(2, 2, N) + add(3, 2, N) + finals(5))
# Every node agrees on 3, but 5 was acknowledged: increments were lost (the reads are stale too).
emit("invalid-eventual-final-impossible-lost", add(0, 5) + finals(3))
emit("valid-eventual-final-impossible-lost", add(0, 5) + finals(5))
# No final phase: convergence cannot be judged.
emit("unknown-no-final-reads", add(0, 1) + read(1, 1))
emit("unknown-eventual-no-final-reads", add(0, 1) + read(1, 0))
