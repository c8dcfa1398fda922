#!/usr/bin/env python3
"""A list-append history (Elle's shape, JSON Lines) for the txn checker's benchmark.

Transactions run one at a time (so the history is serializable), each 1-4 micro-ops over
`--keys` active keys, half appends of fresh values and half reads of the whole list; with
`--max-writes-per-key N` (Elle's option) a key that has N values is retired for a fresh one;
`--stale FRACTION` of the ok transactions then have each read cut short by two values, which
makes internal inconsistencies, intermediate reads and G-single / G2-item cycles.
Usage: gen_list_append.py [--txns N] [--keys K] [--max-writes-per-key N] [--stale F]
                          [--seed S] > history.jsonl
"""
import argparse
import json
import random
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--txns", type=int, default=30000)
ap.add_argument("--keys", type=int, default=50)
ap.add_argument("--max-writes-per-key", type=int, default=0)
ap.add_argument("--stale", type=float, default=0.0)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
rng = random.Random(a.seed)
lists = {k: [] for k in range(a.keys)}
active = list(range(a.keys))
value, t, fresh = 1, 0, a.keys
out = sys.stdout
for i in range(a.txns):
    mops = []
    for _ in range(rng.randint(1, 4)):
        slot = rng.randrange(a.keys)
        k = active[slot]
        if rng.random() < 0.5:
            mops.append(["append", k, value])
            lists[k].append(value)
            value += 1
            if a.max_writes_per_key and len(lists[k]) >= a.max_writes_per_key:
                active[slot], fresh = fresh, fresh + 1
                lists[active[slot]] = []
        else:
            mops.append(["r", k, list(lists[k])])
    invoke = [[m[0], m[1], None] if m[0] == "r" else m for m in mops]
    if rng.random() < a.stale:
        for m in mops:
            if m[0] == "r" and len(m[2]) > 2:
                m[2] = m[2][:-2]
    for phase, v in (("invoke", invoke), ("ok", mops)):
        t += 1000
        out.write(json.dumps({"time": t, "process": i % 10, "type": phase, "f": "txn",
                              "value": v}, separators=(",", ":")) + "\n")
