#!/usr/bin/env python3
# Regenerates tests/fixtures/witness/ (run from anywhere; stdlib only, seeded, so the files come
# out byte for byte the same): for each kind of problem a witness is named after, a history of
# valid concurrent background traffic with one known anomaly of a few ops planted in it, and
# valid histories with nothing planted; manifest.json says, per file, which checker finds what,
# on which key and op, and how many ops the planted anomaly has (a witness may be no larger).
#
# Background traffic is linearizable by construction: every op gets an invoke/complete interval
# and a linearization point inside it, the ops are applied in the order of those points, and each
# read returns what the state held at its point. A planted anomaly is a handful of ops on
# dedicated processes (70, 71, 72), in a window of one key that background ops keep out of, whose
# results are then corrupted the one way the anomaly needs; everything else stays as simulated,
# so the planted ops are what make the history invalid. Counters and banks have no keys: a
# planted add is of 1,000,000, far above what the background adds up to, so a read that misses
# it is short even with no other add kept; the read above the attempted adds comes before any
# background add, since a witness of that kind keeps every add invoked before its read.
import json, os, random

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "witness")
MS = 1_000_000  # ns
BIG = 1_000_000  # a counter add no background sum comes near: a read missing it is short alone


class Op:
    def __init__(self, process, f, key, value, inv, lin, done, outcome="ok", final=False):
        self.process, self.f, self.key, self.value = process, f, key, value
        self.inv, self.lin, self.done, self.outcome, self.final = inv, lin, done, outcome, final
        self.result = None  # what the completion records (set by the simulation)
        self.applied = outcome == "ok"  # for info ops, whether it took effect
        self.index = None  # history index of its invoke, once emitted


def node_of(process):
    return "n%d" % (process % 3 + 1)


def emit(name, ops):
    """Writes the ops as JSON Lines (invokes and completions in time order); sets op.index."""
    events = []
    for n, op in enumerate(ops):
        events.append((op.inv, 0, n, op, "invoke"))
        if op.outcome != "pending":
            events.append((op.done, 1, n, op, op.outcome))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    lines = []
    for (t, _, _, op, typ) in events:
        rec = {"index": len(lines), "time": t, "process": op.process, "type": typ, "f": op.f}
        if op.key is not None:
            rec["key"] = op.key
        if typ == "invoke":
            op.index = len(lines)
            rec["value"] = op.value
        else:
            rec["value"] = op.result if op.f == "read" and typ == "ok" else op.value
            rec["node"] = node_of(op.process)
        if op.final:
            rec["final"] = True
        lines.append(json.dumps(rec, separators=(",", ":")))
    with open(os.path.join(D, name + ".jsonl"), "w") as out:
        out.write("\n".join(lines) + "\n")
    return len(lines)


def background(rng, procs, start, end, choose, quiet=()):
    """Ops of `procs` concurrent processes from `start` to `end` ns. choose(rng, t) gives
    (f, key, value) or None; an op whose interval meets a quiet (key, from, to) window is
    moved to another key by calling choose again. A process whose op ends in info is retired:
    its successor takes the id + procs, as Jepsen's harness does."""
    ops = []
    for p in range(procs):
        process, t = p, start + rng.randrange(0, MS)
        while True:
            inv = t + rng.randrange(MS // 10, 2 * MS)
            done = inv + rng.randrange(MS // 2, 5 * MS)
            if done >= end:
                break
            for _ in range(20):
                f, key, value = choose(rng, inv)
                if not any(k == key and inv <= b and done >= a for (k, a, b) in quiet):
                    break
            else:
                t = done
                continue
            r = rng.random()
            outcome = "info" if r < 0.03 else "fail" if r < 0.05 and f != "read" else "ok"
            op = Op(process, f, key, value, inv, inv + rng.randrange(0, done - inv), done, outcome)
            if outcome == "info":
                op.applied = rng.random() < 0.5
            ops.append(op)
            t = done
            if outcome == "info":
                process += procs
    return ops


# ---- registers (linearizability, causal) ----------------------------------------------------

def register_background(rng, start, end, keys, quiet=(), cas=True, procs=5):
    counter = {}

    def choose(rng, t):
        key = rng.choice(keys)
        r = rng.random()
        if r < 0.45:
            return "read", key, None
        counter[key] = counter.get(key, 0) + 1
        if cas and r > 0.85:
            return "cas", key, [None, counter[key]]  # expected value settled by the simulation
        return "write", key, counter[key]

    return background(rng, procs, start, end, choose, quiet)


def simulate_register(rng, ops):
    """Applies the ops in linearization order. Reads return the value at their point; a cas
    expects the current value (usually) or an older one (and fails); failed and unapplied info
    writes change nothing."""
    state, history = {}, {}
    for op in sorted(ops, key=lambda o: o.lin):
        cur = state.get(op.key)
        if op.f == "read":
            op.result = cur if op.outcome == "ok" else None
        elif op.f == "cas" and op.value[0] is None and cur is not None:
            older = history.get(op.key, [])
            if op.outcome == "ok" and rng.random() < 0.3 and len(older) > 1:
                op.value[0] = rng.choice(older[:-1])
                op.outcome, op.applied = "fail", False  # expected a replaced value
            else:
                op.value[0] = cur
        elif op.f == "cas" and op.value[0] is None:
            op.value[0] = 0  # nothing written yet: a cas that cannot succeed
            op.outcome, op.applied = "fail", False
        if op.f in ("write", "cas") and op.applied:
            if op.f == "cas" and op.value[0] != cur:
                continue
            new = op.value if op.f == "write" else op.value[1]
            state[op.key] = new
            history.setdefault(op.key, []).append(new)
        if op.f == "cas":
            op.result = op.value
    return ops


def planted(process, f, key, value, at_ms, dur_ms=1, outcome="ok"):
    inv = int(at_ms * MS)
    done = inv + int(dur_ms * MS)
    return Op(process, f, key, value, inv, inv + (done - inv) // 2, done, outcome)


KEYS = ["1", "2", "3", "4"]
K = "3"  # the key anomalies are planted on
T = 150  # ms: where in the history they are planted
QUIET = [(K, (T - 5) * MS, (T + 30) * MS), ("9", 0, (T + 30) * MS)]
END = 400 * MS


def register_fixture(seed, plant, cas=True):
    rng = random.Random(seed)
    ops = register_background(rng, 0, END, KEYS + ["9"], QUIET, cas) + plant
    return simulate_register(rng, ops)


def reg_stale_read(seed):
    w1, w2 = planted(70, "write", K, 1001, T), planted(71, "write", K, 1002, T + 2)
    r = planted(72, "read", K, None, T + 4)
    again = planted(70, "read", K, None, T + 6)  # reads 1002 after all: the write survived
    ops = register_fixture(seed, [w1, w2, r, again])
    r.result = 1001
    return ops, [w1, w2, r], r


def reg_lost_write(seed):
    w1, w2 = planted(70, "write", K, 1001, T), planted(71, "write", K, 1002, T + 2)
    r = planted(72, "read", K, None, T + 4)
    w3 = planted(71, "write", K, 1003, T + 6)  # overwrites 1002 before anyone reads it
    ops = register_fixture(seed, [w1, w2, r, w3])
    r.result = 1001
    return ops, [w1, w2, r], r


def reg_lost_write_nil(seed):
    # Key 9, which background traffic leaves alone until after the anomaly: its first write is
    # acknowledged, then a read finds the register empty.
    w = planted(70, "write", "9", 1001, T)
    r = planted(72, "read", "9", None, T + 2)
    w2 = planted(71, "write", "9", 1002, T + 4)
    ops = register_fixture(seed, [w, r, w2])
    r.result = None
    return ops, [w, r], r


def reg_never_written(seed):
    wf = planted(70, "write", K, 1001, T, outcome="fail")
    wf.applied = False
    r = planted(72, "read", K, None, T + 2)
    ops = register_fixture(seed, [wf, r])
    r.result = 1001
    return ops, [wf, r], r


def reg_impossible_cas(seed):
    w1, w2 = planted(70, "write", K, 1001, T), planted(71, "write", K, 1002, T + 2)
    c = planted(72, "cas", K, [1001, 1003], T + 4)
    ops = register_fixture(seed, [w1, w2, c])  # the simulation leaves it out: 1002 was there
    c.outcome, c.applied = "ok", True
    return ops, [w1, w2, c], c


def reg_non_monotonic(seed):
    # 1002's write is still in flight while process 72 reads it, then reads 1001 again.
    w1 = planted(70, "write", K, 1001, T)
    w2 = planted(71, "write", K, 1002, T + 2, dur_ms=10)
    w2.lin = int((T + 2.5) * MS)
    ra, rb = planted(72, "read", K, None, T + 4), planted(72, "read", K, None, T + 6)
    ops = register_fixture(seed, [w1, w2, ra, rb])
    rb.result = 1001
    return ops, [w1, w2, ra, rb], rb


def causal_ryw(seed):
    w0, w1 = planted(72, "write", K, 1001, T), planted(72, "write", K, 1002, T + 2)
    r = planted(72, "read", K, None, T + 4)
    ops = register_fixture(seed, [w0, w1, r], cas=False)
    r.result = 1001
    return ops, [w0, w1, r], r


def causal_monotonic_reads(seed):
    w1, w2 = planted(70, "write", K, 1001, T), planted(70, "write", K, 1002, T + 2)
    ra, rb = planted(72, "read", K, None, T + 4), planted(72, "read", K, None, T + 6)
    ops = register_fixture(seed, [w1, w2, ra, rb], cas=False)
    rb.result = 1001
    return ops, [w1, w2, ra, rb], rb


def causal_monotonic_writes(seed):
    # Process 70 writes 1001 to key 3, then 1001 to key 9; process 72 sees the second write
    # but key 3 as it was before the first.
    wx, wy = planted(70, "write", K, 1001, T), planted(70, "write", "9", 1001, T + 2)
    ry, rx = planted(72, "read", "9", None, T + 4), planted(72, "read", K, None, T + 6)
    ops = register_fixture(seed, [wx, wy, ry, rx], cas=False)
    rx.result = None
    return ops, [wx, wy, ry, rx], rx


# ---- counter ---------------------------------------------------------------------------------

def counter_background(rng, start, end, procs=5):
    def choose(rng, t):
        return ("read", None, None) if rng.random() < 0.4 else ("add", None, rng.randrange(1, 6))

    return background(rng, procs, start, end, choose)


def simulate_counter(ops):
    total = 0
    for op in sorted(ops, key=lambda o: o.lin):
        if op.f == "read":
            op.result = total if op.outcome == "ok" else None
        elif op.applied:
            total += op.value
    return total


def finals(at_ms, value, n=3):
    out = []
    for i in range(n):
        op = planted(100 + i, "read", None, None, at_ms + i)
        op.final, op.result = True, value
        out.append(op)
    return out


def counter_fixture(seed, plant, start=0):
    rng = random.Random(seed)
    ops = counter_background(rng, start, END) + plant
    total = simulate_counter(ops)
    return ops, total


def counter_below_acknowledged(seed):
    add = planted(70, "add", None, BIG, T)
    r = planted(72, "read", None, None, T + 2)
    ops, total = counter_fixture(seed, [add, r])
    r.result -= BIG  # the read misses an add acknowledged before it began
    return ops + finals(END / MS + 10, total), [add, r], r


def counter_lost_add(seed):
    # The last add is acknowledged, then every node's final read lacks it.
    add = planted(70, "add", None, BIG, END / MS + 5)
    ops, total = counter_fixture(seed, [add])
    fin = finals(END / MS + 10, total - BIG)
    return ops + fin, [add, fin[0]], fin[0]


def counter_above_attempted(seed):
    # Before any other add: a read counts an add that failed.
    add = planted(70, "add", None, 7, 0.1, outcome="fail")
    add.applied = False
    r = planted(72, "read", None, None, 2)
    ops, total = counter_fixture(seed, [add, r], start=5 * MS)
    r.result = 7
    return ops + finals(END / MS + 10, total), [add, r], r


def counter_non_monotonic(seed):
    # An add still in flight: process 72 reads with it, then without it.
    add = planted(70, "add", None, BIG, T, dur_ms=10)
    add.lin = int((T + 0.5) * MS)
    ra, rb = planted(72, "read", None, None, T + 2), planted(72, "read", None, None, T + 4)
    ops, total = counter_fixture(seed, [add, ra, rb])
    rb.result -= BIG
    return ops + finals(END / MS + 10, total), [add, ra, rb], rb


# ---- bank ------------------------------------------------------------------------------------

ACCOUNTS, BALANCE = 5, 20
BANK_TOTAL = ACCOUNTS * BALANCE


def bank_background(rng, start, end, procs=5):
    def choose(rng, t):
        if rng.random() < 0.4:
            return "read", None, None
        a, b = rng.sample(range(ACCOUNTS), 2)
        return "transfer", None, {"from": a, "to": b, "amount": rng.randrange(1, 8)}

    return background(rng, procs, start, end, choose)


def simulate_bank(ops):
    bal = [BALANCE] * ACCOUNTS
    for op in sorted(ops, key=lambda o: o.lin):
        if op.f == "read":
            op.result = {str(i): b for i, b in enumerate(bal)} if op.outcome == "ok" else None
        elif op.f == "transfer":
            v = op.value
            if op.applied and bal[v["from"]] < v["amount"]:
                op.applied = False  # it would overdraw: refused
                op.outcome = "fail" if op.outcome == "ok" else op.outcome
            if op.applied:
                bal[v["from"]] -= v["amount"]
                bal[v["to"]] += v["amount"]


def bank_fixture(seed, plant):
    rng = random.Random(seed)
    ops = bank_background(rng, 0, END) + plant
    simulate_bank(ops)
    return ops


def bank_half_applied(seed, credit):
    # A read that sees one side of an acknowledged transfer of 5 from account 0 to account 1.
    t = planted(70, "transfer", None, {"from": 0, "to": 1, "amount": 5}, T)
    r = planted(72, "read", None, None, T + 2)
    ops = bank_fixture(seed, [t, r])
    if t.outcome != "ok":
        raise RuntimeError("the planted transfer was refused: pick another seed")
    side = "0" if credit else "1"
    r.result[side] += 5 if credit else -5  # undo the debit (credit) only
    if r.result[side] < 0:
        raise RuntimeError("the read would be negative too: pick another seed")
    return ops, [t, r], r


def bank_negative(seed):
    # Two concurrent transfers out of account 0 both succeed; a read sees both, account 0 < 0.
    t1 = planted(70, "transfer", None, {"from": 0, "to": 1, "amount": 15}, T, dur_ms=3)
    t2 = planted(71, "transfer", None, {"from": 0, "to": 2, "amount": 15}, T, dur_ms=3)
    r = planted(72, "read", None, None, T + 4)
    ops = bank_fixture(seed, [t1, t2, r])
    r.result = dict(r.result)
    applied = [t for t in (t1, t2) if t.outcome == "ok"]
    for t in (t1, t2):
        if t.outcome != "ok":
            t.outcome = "ok"  # acknowledged, and the read below sees it applied
            r.result["0"] -= 15
            r.result[str(t.value["to"])] += 15
    if not applied or r.result["0"] >= 0:
        raise RuntimeError("account 0 did not go negative: pick another seed")
    return ops, [t1, t2, r], r


# ---- the fixtures ----------------------------------------------------------------------------

LIN = ("linearizability", {"model": "cas-register"})
CAUSAL = ("causal", {})
COUNTER = ("counter", {"consistency": "linearizable"})
BANK = ("bank", {"total": BANK_TOTAL, "accounts": ACCOUNTS})

INVALID = [
    ("invalid-register-stale-read", LIN, "stale-read", reg_stale_read),
    ("invalid-register-lost-write", LIN, "lost-write", reg_lost_write),
    ("invalid-register-lost-write-nil", LIN, "lost-write", reg_lost_write_nil),
    ("invalid-register-never-written", LIN, "never-written", reg_never_written),
    ("invalid-register-impossible-cas", LIN, "impossible-cas", reg_impossible_cas),
    ("invalid-register-non-monotonic-reads", LIN, "non-monotonic-reads", reg_non_monotonic),
    ("invalid-causal-read-your-writes", CAUSAL, "read-your-writes", causal_ryw),
    ("invalid-causal-monotonic-reads", CAUSAL, "monotonic-reads", causal_monotonic_reads),
    ("invalid-causal-monotonic-writes", CAUSAL, "monotonic-writes", causal_monotonic_writes),
    ("invalid-counter-read-below-acknowledged", COUNTER, "read-below-acknowledged",
     counter_below_acknowledged),
    ("invalid-counter-lost-add", COUNTER, "lost-add", counter_lost_add),
    ("invalid-counter-read-above-attempted", COUNTER, "read-above-attempted",
     counter_above_attempted),
    ("invalid-counter-non-monotonic-reads", COUNTER, "non-monotonic-reads", counter_non_monotonic),
    ("invalid-bank-money-created", BANK, "money-created", lambda s: bank_half_applied(s, True)),
    ("invalid-bank-money-destroyed", BANK, "money-destroyed",
     lambda s: bank_half_applied(s, False)),
    ("invalid-bank-negative-balance", BANK, "negative-balance", bank_negative),
]


def valid_register(seed, cas=True):
    rng = random.Random(seed)
    return simulate_register(rng, register_background(rng, 0, END, KEYS, cas=cas))


def valid_counter(seed):
    ops, total = counter_fixture(seed, [])
    return ops + finals(END / MS + 10, total)


VALID = [
    ("valid-register", LIN, lambda s: valid_register(s)),
    ("valid-register-busy", LIN, lambda s: valid_register(s + 1)),
    ("valid-causal", CAUSAL, lambda s: valid_register(s, cas=False)),
    ("valid-counter", COUNTER, valid_counter),
    ("valid-bank", BANK, lambda s: bank_fixture(s, [])),
]


def quotes(name, target):
    """What the witness's sentence must quote: the values the planted ops read and wrote."""
    if "nil" in name:
        return ["1001", "nil"]
    if name.startswith(("invalid-register", "invalid-causal")):
        return ["1001"] if "never" in name or "causal" in name else ["1001", "1002"]
    if "counter" in name:
        return [str(target.result)]
    if "negative" in name:
        return [str(target.result["0"])]
    return ["sums to %d" % sum(target.result.values())]


def main():
    os.makedirs(D, exist_ok=True)
    manifest = {}
    for n, (name, (checker, params), kind, make) in enumerate(INVALID):
        for seed in range(1000 + 100 * n, 1100 + 100 * n):
            try:
                ops, hidden, target = make(seed)
                break
            except RuntimeError:
                continue
        assert max(op.process for op in ops if op.process < 70) < 70, name
        lines = emit(name, ops)
        manifest[name + ".jsonl"] = {
            "checker": checker, "params": params, "kind": kind, "hidden_ops": len(hidden),
            "hidden": sorted(op.index for op in hidden), "target": target.index,
            "key": target.key, "history_lines": lines, "quotes": quotes(name, target)}
    for n, (name, (checker, params), make) in enumerate(VALID):
        lines = emit(name, make(2000 + n))
        manifest[name + ".jsonl"] = {"checker": checker, "params": params, "kind": None,
                                     "history_lines": lines}
    with open(os.path.join(D, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
