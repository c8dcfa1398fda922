// counterexample.js — each invalid key drawn the way Porcupine draws it: the key's ops on
// one lane per process, laid out in history order (one step per invoke or completion, so
// real-time precedence reads left to right however far apart the ops were in time); the
// longest linearizable prefix numbered in linearization order with the model state after
// each and a line through linearization points consistent with it; the ops that could not
// be placed in red, with why; faults shaded.
const CX_MAX_OPS = 120, CX_PREFIX_DRAWN = 24, CX_LANE = 26, CX_LEFT = 6, CX_TOP = 22, CX_LABELS = 44;

function keyIdOf(run, key) {
  if (key === null || key === undefined) return -1;
  if (!run.keyIds) run.keyIds = new Map(run.tables.keys.map((k, i) => [k, i]));
  return run.keyIds.has(key) ? run.keyIds.get(key) : -2;
}

// op id → {role, order, op, note} for the ops the problem names.
function problemRoles(run, p) {
  const roles = new Map(), first = p.prefix_length - p.prefix.length + 1;
  p.prefix.forEach(([index, , op, state], j) => {
    const i = opOfIndex(run, index);
    if (i >= 0) roles.set(i, { role: 'prefix', order: first + j, op, note: state });
  });
  for (const [index, , op, why] of p.unplaced) {
    const i = opOfIndex(run, index);
    if (i >= 0 && !roles.has(i)) roles.set(i, { role: 'unplaced', op, note: why });
  }
  return roles;
}

// The ops to draw: those that could not be placed and the end of the prefix, then the other
// ops of the key in their span, nearest to the conflict first.
function problemOps(run, p, roles) {
  const o = run.ops, focus = [], minOrder = p.prefix_length - CX_PREFIX_DRAWN;
  for (const [i, r] of roles) if (r.role === 'unplaced' || r.order > minOrder) focus.push(i);
  if (!focus.length) return focus;
  let s = Infinity, e = -Infinity;
  for (const i of focus) { s = Math.min(s, o.start[i]); e = Math.max(e, o.end[i]); }
  const keyId = keyIdOf(run, p.key);
  if (keyId === -2) return focus;
  const unplaced = focus.filter(i => roles.get(i).role === 'unplaced').map(i => o.start[i]);
  const near = t => unplaced.length ? Math.min(...unplaced.map(u => Math.abs(u - t))) : 0;
  const inFocus = new Set(focus), others = [];
  for (const i of opsOfKey(run, keyId)) if (!inFocus.has(i) && o.end[i] >= s && o.start[i] <= e) others.push(i);
  others.sort((a, b) => near(o.start[a]) - near(o.start[b]));
  return focus.concat(others.slice(0, Math.max(0, CX_MAX_OPS - focus.length)));
}

function drawCounterexample(run, pi, container) {
  const p = run.problems[pi], o = run.ops, roles = problemRoles(run, p), ops = problemOps(run, p, roles);
  if (!ops.length) { el('p', { class: 'hint' }, container).textContent = 'The ops of this key are not in the history drawn.'; return; }
  const events = [];
  for (const i of ops) { events.push([o.start[i], 1, i]); events.push([o.end[i], 0, i]); }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);  // at a tie, a completion before an invoke
  const inv = new Map(), ret = new Map();
  events.forEach(([, isInvoke, i], r) => (isInvoke ? inv : ret).set(i, r));
  const procs = [...new Set(ops.map(i => o.proc[i]))].sort((a, b) => a - b), rowOf = new Map(procs.map((p, k) => [p, k]));
  el('p', { class: 'cx-note' }, container).textContent = cxHeader(p, ops.length);
  const body = el('div', { class: 'cx-body' }, container), height = CX_TOP + procs.length * CX_LANE + 6;
  const labels = svgEl('svg', { class: 'cx-lanes', width: CX_LABELS, height }, body);
  procs.forEach((proc, k) => svgText('p' + proc, { class: 'cx-lane', x: 4, y: CX_TOP + k * CX_LANE + 13 }, labels));
  const scroll = el('div', { class: 'cx-scroll' }, body);
  const step = clamp((Math.max(300, container.clientWidth) - CX_LABELS - 16) / (events.length + 1), 7, 64);
  const x = r => CX_LEFT + r * step, yOf = i => CX_TOP + rowOf.get(o.proc[i]) * CX_LANE;
  const width = Math.ceil(x(events.length) + 10);
  const svg = svgEl('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, class: 'cx', 'data-key': p.key === null ? '' : p.key }, scroll);
  cxFaults(run, svg, events, x, height);
  for (const i of ops) cxBar(run, svg, i, roles.get(i), x(inv.get(i)), x(ret.get(i)), yOf(i));
  cxLinearization(run, svg, p, roles, inv, ret, x, yOf);
  scroll.scrollLeft = scroll.scrollWidth;  // if it does not fit, the conflict is at the end
}

function cxHeader(p, drawn) {
  const unplaced = p.unplaced.length;
  let text = 'linearizable prefix: ' + p.prefix_length + ' ops (its end is drawn, numbered in linearization order, ⇒ state after) · ' +
             unplaced + ' could not be placed (red) · ' + drawn + (p.key === null ? ' ops' : ' ops of the key') + ', in history order';
  if (p.prefix_omitted) text += ' · prefix not embedded (report size limit): see results.json';
  return text;
}

// Faults overlapping the drawn ops, placed between the events they fell between.
function cxFaults(run, svg, events, x, height) {
  const times = events.map(e => e[0]), last = times[times.length - 1], g = svgEl('g', {}, svg);
  const pos = t => x(lowerBound(times, t) - 0.5);
  for (const [s, e, f, target] of run.faults) {
    if (e < times[0] || s > last) continue;
    const x0 = pos(s), x1 = Math.max(x0 + 2, pos(e + 1e-9));
    const band = svgEl('rect', { class: 'fault-band', x: x0, y: 2, width: x1 - x0, height: height - 4, 'data-fault': f }, g);
    svgText(f + (target ? ' ' + target : ''), {}, svgEl('title', {}, band));
    svgText(f + ' ' + target, { class: 'fault-label', x: x0 + 2, y: 13 }, g);
  }
}

function cxBar(run, svg, i, role, x0, x1, y) {
  const kind = role ? role.role : 'other', w = Math.max(6, x1 - x0);
  const g = svgEl('g', { class: 'cx-op ' + kind, 'data-op': run.ops.idx[i] }, svg);
  svgEl('rect', { x: x0, y, width: w, height: 18, rx: 2 }, g);
  const op = role && role.op ? role.op : opText(run, i);
  let label = role && role.role === 'prefix' ? role.order + ': ' + op + ' ⇒ ' + role.note : op;
  if (run.ops.outcome[i] !== OK) label += ' (' + OUTCOME_NAMES[run.ops.outcome[i]].split(' ')[0] + ')';
  const max = Math.floor((w - 4) / 5.4);
  svgText(label.length > max ? label.slice(0, Math.max(1, max - 1)) + '…' : label, { x: x0 + 3, y: y + 13 }, g);
  let title = describeOp(run, i);
  if (role) title += '\n' + (role.role === 'prefix' ? '#' + role.order + ' in the linearization; state after: ' : 'not placed: ') + role.note;
  svgText(title, {}, svgEl('title', {}, g));
}

// A line through one linearization point per prefix op, in order: each point as early as
// the previous one and the op's invoke allow (a witness that the prefix is linearizable).
function cxLinearization(run, svg, p, roles, inv, ret, x, yOf) {
  let prev = -Infinity, d = '';
  for (const [index] of p.prefix) {
    const i = opOfIndex(run, index);
    if (i < 0 || !inv.has(i)) continue;
    const r = Math.min(ret.get(i) - 0.2, Math.max(prev + 0.12, inv.get(i) + 0.35));
    prev = r;
    const cx = x(r), cy = yOf(i) + 18;
    d += (d ? 'L' : 'M') + cx.toFixed(1) + ',' + cy;
    svgEl('circle', { class: 'cx-point', cx, cy, r: 2.5 }, svg);
  }
  if (d) svg.insertBefore(svgEl('path', { class: 'cx-lin', d }), svg.querySelector('.cx-op'));
}

function drawCounterexamples(run) {
  let drawn = 0;
  document.querySelectorAll('.cx-diagram').forEach(div => {
    drawCounterexample(run, Number(div.dataset.problem), div);
    drawn++;
  });
  return drawn;
}
