// data.js — decodes the embedded run: the JSON block (#fl-meta) and the op columns (#fl-ops,
// base64 LEB128 varints, one column after another; report/op_columns.cc writes them).

function decodeBase64(text) {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Reads consecutive varints from bytes[pos...]. Values up to 2^53 stay exact.
class VarintReader {
  constructor(bytes, pos) { this.b = bytes; this.pos = pos; }
  u() {
    const b = this.b;
    let byte = b[this.pos++], r = byte & 0x7f;
    if (byte < 0x80) return r;
    let mul = 128;
    do { byte = b[this.pos++]; r += (byte & 0x7f) * mul; mul *= 128; } while (byte >= 0x80);
    return r;
  }
  s() { const z = this.u(); return z % 2 ? -(z + 1) / 2 : z / 2; }
}

function decodeOps(tables, bytes) {
  const n = tables.count, cols = {};
  let pos = 0;
  for (const [name, size] of tables.columns) { cols[name] = pos; pos += size; }
  const d = {
    n, idx: new Float64Array(n), lane: new Int32Array(n), proc: new Float64Array(n), f: new Uint16Array(n), outcome: new Uint8Array(n),
    start: new Float64Array(n), end: new Float64Array(n), key: new Int32Array(n), node: new Int32Array(n),
    vtag: new Uint8Array(n), va: new Float64Array(n), vb: new Float64Array(n), err: new Int32Array(n),
  };
  let r = new VarintReader(bytes, cols.idx), acc = -1;
  for (let i = 0; i < n; i++) { acc += r.u(); d.idx[i] = acc; }
  // lane * 2 + 1 marks a lane's next process (report/op_columns.h).
  r = new VarintReader(bytes, cols.lane);
  const cursor = new Int32Array(tables.lanes.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const v = r.u(), lane = v >>> 1;
    if (v & 1) cursor[lane]++;
    d.lane[i] = lane;
    d.proc[i] = tables.lanes[lane][cursor[lane]];
  }
  r = new VarintReader(bytes, cols.kind);
  for (let i = 0; i < n; i++) { const k = r.u(); d.f[i] = Math.floor(k / 4); d.outcome[i] = k % 4; }
  r = new VarintReader(bytes, cols.start); acc = 0;
  for (let i = 0; i < n; i++) { acc += r.s(); d.start[i] = acc; }
  r = new VarintReader(bytes, cols.dur);
  for (let i = 0; i < n; i++) d.end[i] = d.start[i] + r.u();
  r = new VarintReader(bytes, cols.key); acc = 0;
  for (let i = 0; i < n; i++) { acc += r.s(); d.key[i] = acc - 1; }
  r = new VarintReader(bytes, cols.node);
  for (let i = 0; i < n; i++) d.node[i] = r.u() - 1;
  decodeValues(d, new VarintReader(bytes, cols.val));
  r = new VarintReader(bytes, cols.err);
  for (let i = 0; i < n; i++) d.err[i] = r.u();
  return d;
}

// The "val" column: a tag per op (0 null, 1 int, 2 [int, int], 3 string table, 4 elided).
function decodeValues(d, r) {
  let last = 0;
  for (let i = 0; i < d.n; i++) {
    const tag = r.u();
    d.vtag[i] = tag;
    if (tag === 1) { last += r.s(); d.va[i] = last; }
    else if (tag === 2) { const a = last + r.s(), b = a + r.s(); d.va[i] = a; d.vb[i] = b; last = b; }
    else if (tag === 3) d.va[i] = r.u();
  }
}

// "p3", or "p18…" for a lane that holds a worker's successive processes.
function laneName(run, lane) {
  const procs = run.tables.lanes[lane];
  return 'p' + procs[0] + (procs.length > 1 ? '…' : '');
}

// Everything the views share: ops, lookups, faults, problems.
function loadRun() {
  const meta = JSON.parse(document.getElementById('fl-meta').textContent);
  const ops = decodeOps(meta.ops, decodeBase64(document.getElementById('fl-ops').textContent));
  const run = { meta, ops, tables: meta.ops, realTime: meta.real_time, faults: meta.faults,
                problems: meta.problems, lanes: meta.ops.lanes.length };
  run.t0 = ops.n ? ops.start[0] : 0;
  run.t1 = Math.max(run.t0 + 1, meta.ops.end);
  for (const fb of run.faults) { run.t0 = Math.min(run.t0, fb[0]); run.t1 = Math.max(run.t1, fb[1]); }
  indexLanes(run);
  indexLongOps(run);
  markAnomalies(run);
  return run;
}

// Per lane, its ops in start order (a process has one op open at a time, so they are disjoint).
function indexLanes(run) {
  const o = run.ops, count = new Int32Array(run.lanes + 1);
  for (let i = 0; i < o.n; i++) count[o.lane[i] + 1]++;
  for (let l = 0; l < run.lanes; l++) count[l + 1] += count[l];
  const fill = count.slice(0, run.lanes), laneOps = new Int32Array(o.n);
  for (let i = 0; i < o.n; i++) laneOps[fill[o.lane[i]]++] = i;
  run.laneFirst = count;
  run.laneOps = laneOps;
  run.laneStarts = new Float64Array(o.n);
  for (let j = 0; j < o.n; j++) run.laneStarts[j] = o.start[laneOps[j]];
}

// Ops longer than 1% of the history are kept apart, so finding the ops overlapping a window
// only has to look back by the longest of the others.
function indexLongOps(run) {
  const o = run.ops, limit = (run.t1 - run.t0) / 100, long = [];
  let maxShort = 0;
  for (let i = 0; i < o.n; i++) {
    const d = o.end[i] - o.start[i];
    if (d > limit) long.push(i); else if (d > maxShort) maxShort = d;
  }
  run.longOps = Int32Array.from(long);
  run.maxShort = maxShort;
}

// The op whose invoke is history line `index`, or -1.
function opOfIndex(run, index) {
  const i = lowerBound(run.ops.idx, index, run.ops.n);
  return i < run.ops.n && run.ops.idx[i] === index ? i : -1;
}

function markAnomalies(run) {
  run.anomaly = new Uint8Array(run.ops.n);
  run.anomalyOps = [];
  run.problemOf = new Map();  // op → first problem that names it
  run.problems.forEach((p, pi) => {
    for (const step of p.unplaced.concat(p.prefix)) {
      const i = opOfIndex(run, step[0]);
      if (i < 0) continue;
      if (!run.problemOf.has(i)) run.problemOf.set(i, pi);
    }
  });
  for (const index of run.meta.anomaly_ops) {
    const i = opOfIndex(run, index);
    if (i >= 0 && !run.anomaly[i]) { run.anomaly[i] = 1; run.anomalyOps.push(i); }
  }
}

// Ops of one key, in start order (built on first use).
function opsOfKey(run, keyId) {
  if (!run.keyFirst) {
    const o = run.ops, keys = run.tables.keys.length, count = new Int32Array(keys + 2);
    for (let i = 0; i < o.n; i++) count[o.key[i] + 2]++;
    for (let k = 0; k <= keys; k++) count[k + 1] += count[k];
    const fill = count.slice(0, keys + 1), list = new Int32Array(o.n);
    for (let i = 0; i < o.n; i++) list[fill[o.key[i] + 1]++] = i;
    run.keyFirst = count;
    run.keyOps = list;
  }
  return run.keyOps.subarray(run.keyFirst[keyId + 1], run.keyFirst[keyId + 2]);
}

function valueText(run, i) {
  const o = run.ops;
  switch (o.vtag[i]) {
    case 1: return String(o.va[i]);
    case 2: return o.va[i] + '→' + o.vb[i];
    case 3: return run.tables.strings[o.va[i]];
    case 4: return '… (see the history)';
  }
  const f = run.tables.f[o.f[i]];
  return o.outcome[i] === OK && (f === 'read' || f === 'get') ? 'nil' : '';
}

function opText(run, i) {
  const v = valueText(run, i);
  return run.tables.f[run.ops.f[i]] + (v ? ' ' + v : '');
}

function errorText(run, i) {
  const e = run.ops.err[i];
  return e === 0 ? '' : e === 1 ? '(not embedded; see the history)' : run.tables.strings[e - 2];
}

// Multi-line description of op i for tooltips.
function describeOp(run, i) {
  const o = run.ops, t = run.tables;
  const lines = ['op ' + o.idx[i] + ' · process ' + o.proc[i] + ' · ' + OUTCOME_NAMES[o.outcome[i]],
                 opText(run, i) + (o.key[i] >= 0 ? '   key ' + t.keys[o.key[i]] : '')];
  if (o.node[i] >= 0) lines.push('node ' + t.nodes[o.node[i]]);
  const err = errorText(run, i);
  if (err) lines.push('error: ' + err);
  lines.push('invoked at ' + fmtAxis(o.start[i], 1, run.realTime) +
             (o.outcome[i] === PENDING ? ', never completed' : ', took ' + fmtDuration(o.end[i] - o.start[i], run.realTime)));
  if (run.problemOf.has(i)) {
    const p = run.problems[run.problemOf.get(i)];
    lines.push((run.anomaly[i] ? '✖ could not be placed' : 'in the counterexample') +
               ' of key ' + p.key + ' (click to see it)');
  }
  return lines.join('\n');
}
