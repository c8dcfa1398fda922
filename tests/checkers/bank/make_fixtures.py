#!/usr/bin/env python3
# Regenerates tests/fixtures/bank/*.jsonl (run from anywhere); tests/checkers/bank/fixtures_test.cc lists
# what each invalid file must report. Every fixture is a bank of 3 accounts holding 30 in total.
# A history is a list of events: I(p, f, v) invokes, O/F/N(p, f, v) complete ok/fail/info,
# NEM(f, v) is a nemesis op. Lines are 1 ms apart; the line number is the op index.
import json, os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "bank")

def emit(name, events):
    lines = []
    for (p, typ, f, v) in events:
        rec = {"index": len(lines), "time": 1000000 * len(lines), "process": p, "type": typ,
               "f": f, "value": v}
        lines.append(json.dumps(rec, separators=(",", ":")))
    open(os.path.join(D, name + ".jsonl"), "w").write("\n".join(lines) + "\n")

I = lambda p, f, v=None: (p, "invoke", f, v)
O = lambda p, f, v=None: (p, "ok", f, v)
F = lambda p, f, v=None: (p, "fail", f, v)
N = lambda p, f, v=None: (p, "info", f, v)
NEM = lambda f, v=None: ("nemesis", "info", f, v)
T = lambda a, b, n: {"from": a, "to": b, "amount": n}
B = lambda *xs: {str(i): x for i, x in enumerate(xs)}

def transfer(p, a, b, n, end=O):
    return [I(p, "transfer", T(a, b, n)), end(p, "transfer", T(a, b, n))]

def read(p, balances):
    return [I(p, "read"), O(p, "read", balances)]

# Two transfers run concurrently with a read that sees one of them.
emit("valid-concurrent-transfers",
     read(0, B(10, 10, 10)) +
     [I(1, "transfer", T(0, 1, 4)), I(2, "transfer", T(1, 2, 3)), I(0, "read"),
      O(1, "transfer", T(0, 1, 4)), O(0, "read", B(6, 14, 10)), O(2, "transfer", T(1, 2, 3))] +
     read(0, B(6, 11, 13)))
# A failed transfer, an info transfer that did happen and one still pending at the end: totals hold.
emit("valid-with-info-transfers",
     read(0, B(10, 10, 10)) + transfer(1, 0, 1, 5, F) + transfer(2, 0, 2, 5, N) +
     [NEM("start-partition", {"n1": ["n2"]})] + read(0, B(5, 10, 15)) +
     [I(3, "transfer", T(1, 2, 1))] + read(0, B(5, 10, 15)))
# An info transfer applied twice (say, retried by the client library) creates 5.
emit("invalid-wrong-total",
     read(0, B(10, 10, 10)) + transfer(1, 0, 1, 5, N) + read(0, B(5, 20, 10)) +
     read(0, B(5, 15, 10)))
emit("valid-wrong-total",
     read(0, B(10, 10, 10)) + transfer(1, 0, 1, 5, N) + read(0, B(5, 15, 10)) +
     read(0, B(5, 15, 10)))
# A debit applied without its credit loses money.
emit("invalid-wrong-total-lost",
     read(0, B(10, 10, 10)) + transfer(1, 2, 0, 4) + read(2, B(10, 10, 6)))
emit("valid-wrong-total-lost",
     read(0, B(10, 10, 10)) + transfer(1, 2, 0, 4) + read(2, B(14, 10, 6)))
# Two concurrent transfers of 8 from account 0 (holding 10) both succeed.
emit("invalid-negative",
     read(0, B(10, 10, 10)) +
     [I(1, "transfer", T(0, 1, 8)), I(2, "transfer", T(0, 2, 8)),
      O(1, "transfer", T(0, 1, 8)), O(2, "transfer", T(0, 2, 8))] + read(0, B(-6, 18, 18)))
emit("valid-negative",
     read(0, B(10, 10, 10)) +
     [I(1, "transfer", T(0, 1, 8)), I(2, "transfer", T(0, 2, 8)),
      O(1, "transfer", T(0, 1, 8)), F(2, "transfer", T(0, 2, 8))] + read(0, B(2, 18, 10)))
# A read that leaves out an account holding 0: the total is right, the account is gone.
emit("invalid-missing-accounts",
     read(0, B(10, 10, 10)) + transfer(1, 2, 0, 10) + read(0, {"0": 20, "1": 10}))
emit("valid-missing-accounts",
     read(0, B(10, 10, 10)) + transfer(1, 2, 0, 10) + read(0, B(20, 10, 0)))
# A read that shows an account the bank never had (with balance 0, so the total holds).
emit("invalid-unexpected-account",
     read(0, B(10, 10, 10)) + read(1, B(10, 10, 10, 0)))
emit("valid-unexpected-account",
     read(0, B(10, 10, 10)) + read(1, B(10, 10, 10)))
