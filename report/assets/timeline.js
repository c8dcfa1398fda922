// timeline.js — one lane per process, each op a bar from invoke to completion coloured by
// outcome; fault bands across all lanes; ops named by a counterexample always drawn on top.
// Up to DETAIL_LIMIT ops in view are drawn one by one (labelled when wide enough); beyond
// that each pixel column of a lane shows the ops under it (info/pending first, else the
// majority of ok and fail), so a million ops redraw in tens of milliseconds.
const DETAIL_LIMIT = 20000;
const LABEL_LIMIT = 3000;

class Timeline {
  constructor(run, view, container) {
    this.run = run;
    this.view = view;
    this.container = container;
    this.gutter = 64;
    this.marked = [];
    this.hovered = -1;
    this.axis = svgEl('svg', { class: 'axis tl-axis', height: 36 }, container);
    this.scroll = el('div', { class: 'tl-scroll plot' }, container);
    this.canvas = el('canvas', { class: 'tl-canvas' }, this.scroll);
    this.overlay = svgEl('svg', { class: 'tl-overlay' }, this.scroll);
    this.bands = svgEl('g', { class: 'bands' }, this.overlay);
    this.marks = svgEl('g', { class: 'marks' }, this.overlay);
    this.isDragging = attachZoomPan(view, this.scroll, () => this.gutter, () => this.plotW);
    this.scroll.addEventListener('mousemove', e => this.hover(e));
    this.scroll.addEventListener('mouseleave', () => { this.hovered = -1; tooltip.hide(); this.drawMarks(); });
    this.scroll.addEventListener('click', () => this.openProblem());
    this.layout();
  }

  layout() {
    const lanes = Math.max(1, this.run.lanes);
    this.width = Math.max(320, this.container.clientWidth);
    this.plotW = Math.max(100, this.width - this.gutter - 10);
    this.laneH = clamp(Math.floor(560 / lanes), 3, 18);
    this.height = lanes * this.laneH;
    this.ctx = sizeCanvas(this.canvas, this.width, this.height);
    this.overlay.setAttribute('width', this.width);
    this.overlay.setAttribute('height', this.height);
    this.axis.setAttribute('width', this.width);
  }

  xOf(t) { return this.gutter + (t - this.view.t0) * this.plotW / (this.view.t1 - this.view.t0); }

  draw() {
    const ctx = this.ctx, run = this.run, o = run.ops, v = this.view;
    ctx.clearRect(0, 0, this.width, this.height);
    this.drawLanes();
    const lo = lowerBound(o.start, v.t0 - run.maxShort, o.n);
    let hi = lowerBound(o.start, v.t1, o.n);
    while (hi < o.n && o.start[hi] <= v.t1) hi++;
    const count = hi - lo + run.longOps.length;
    this.mode = count <= DETAIL_LIMIT ? 'bars' : 'aggregated';
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.gutter, 0, this.plotW, this.height);
    ctx.clip();
    if (this.mode === 'bars') this.drawBars(lo, hi, count <= LABEL_LIMIT);
    else this.drawAggregated(lo, hi);
    this.drawAnomalies();
    ctx.restore();
    this.drawAxis();
    drawFaultBands(run, v, this.bands, this.gutter, this.plotW, 0, this.height, false);
    this.drawMarks();
    this.visibleOps = hi - lo;
  }

  drawLanes() {
    const ctx = this.ctx, h = this.laneH, lanes = this.run.lanes;
    ctx.fillStyle = '#f6f8fa';
    for (let l = 0; l < lanes; l += 2) ctx.fillRect(0, l * h, this.width, h);
    ctx.fillStyle = '#59636e';
    const font = clamp(h - 1, 9, 11), every = Math.ceil((font + 3) / h);
    ctx.font = font + 'px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let l = 0; l < lanes; l += every) ctx.fillText(laneName(this.run, l), 4, l * h + h / 2);
  }

  forEachOp(lo, hi, fn) {
    const o = this.run.ops, t0 = this.view.t0;
    for (let i = lo; i < hi; i++) if (o.end[i] >= t0) fn(i);
    for (const i of this.run.longOps) if (i < lo || i >= hi) if (o.end[i] >= t0 && o.start[i] <= this.view.t1) fn(i);
  }

  drawBars(lo, hi, labels) {
    const ctx = this.ctx, o = this.run.ops, h = this.laneH, pad = h >= 6 ? 1 : 0;
    const paths = [new Path2D(), new Path2D(), new Path2D(), new Path2D()], labelled = [];
    this.forEachOp(lo, hi, i => {
      const x0 = Math.max(this.gutter - 1, this.xOf(o.start[i]));
      const x1 = Math.min(this.gutter + this.plotW + 1, this.xOf(o.end[i]));
      const w = Math.max(1, x1 - x0);
      paths[o.outcome[i]].rect(x0, o.lane[i] * h + pad, w, h - 2 * pad);
      if (labels && w > 36 && h >= 12) labelled.push([i, x0, w]);
    });
    colors().slice(0, 4).forEach((c, k) => { ctx.fillStyle = c; ctx.fill(paths[k]); });
    ctx.fillStyle = '#1f2328';
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const [i, x0, w] of labelled) {
      const text = opText(this.run, i), max = Math.floor((w - 6) / 5.6);
      ctx.fillText(text.length > max ? text.slice(0, Math.max(1, max - 1)) + '…' : text, x0 + 3, o.lane[i] * h + h / 2);
    }
  }

  drawAggregated(lo, hi) {
    const o = this.run.ops, W = Math.ceil(this.plotW), L = this.run.lanes, h = this.laneH;
    const okC = new Uint32Array(W * L), failC = new Uint32Array(W * L), flag = new Uint8Array(W * L);
    const k = this.plotW / (this.view.t1 - this.view.t0), t0 = this.view.t0;
    this.forEachOp(lo, hi, i => {
      const x0 = clamp(Math.floor((o.start[i] - t0) * k), 0, W - 1), x1 = clamp(Math.floor((o.end[i] - t0) * k), 0, W - 1);
      const row = o.lane[i] * W, out = o.outcome[i];
      for (let x = x0; x <= x1; x++) {
        if (out === OK) okC[row + x]++; else if (out === FAIL) failC[row + x]++; else flag[row + x] |= out === INFO ? 1 : 2;
      }
    });
    const img = new ImageData(W, L * h), px = new Uint32Array(img.data.buffer), rgb = colors().rgb;
    const packed = rgb.map(([r, g, b]) => (255 << 24) | (b << 16) | (g << 8) | r);  // little-endian RGBA
    const pad = h >= 6 ? 1 : 0;
    for (let l = 0; l < L; l++) {
      for (let x = 0; x < W; x++) {
        const c = l * W + x;
        if (!okC[c] && !failC[c] && !flag[c]) continue;
        const color = flag[c] & 2 ? packed[PENDING] : flag[c] & 1 ? packed[INFO] : failC[c] > okC[c] ? packed[FAIL] : packed[OK];
        for (let y = l * h + pad; y < (l + 1) * h - pad; y++) px[y * W + x] = color;
      }
    }
    const off = document.createElement('canvas');
    off.width = W;
    off.height = L * h;
    off.getContext('2d').putImageData(img, 0, 0);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(off, this.gutter, 0, W, L * h);
  }

  // Every op a counterexample names, however far out the view is zoomed.
  drawAnomalies() {
    const ctx = this.ctx, o = this.run.ops, h = this.laneH, v = this.view;
    ctx.fillStyle = colors().anomaly;
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 1;
    let drawn = 0;
    for (const i of this.run.anomalyOps) {
      if (o.end[i] < v.t0 || o.start[i] > v.t1) continue;
      const x0 = this.xOf(o.start[i]), w = Math.max(4, this.xOf(o.end[i]) - x0);
      ctx.fillRect(x0, o.lane[i] * h, w, h);
      ctx.strokeRect(x0 + 0.5, o.lane[i] * h + 0.5, w - 1, h - 1);
      drawn++;
    }
    this.anomaliesDrawn = drawn;
  }

  drawAxis() {
    clearChildren(this.axis);
    const v = this.view, span = v.t1 - v.t0, y = 35;
    const grid = svgEl('g', { class: 'ticks' }, this.axis);
    svgEl('line', { x1: this.gutter, x2: this.gutter + this.plotW, y1: y, y2: y }, grid);
    for (const t of niceTicks(v.t0, v.t1, this.plotW / 110)) {
      const x = this.xOf(t);
      svgEl('line', { x1: x, x2: x, y1: y - 5, y2: y }, grid);
      svgText(fmtAxis(t, span, this.run.realTime), { x: x + 2, y: y - 7 }, grid);
    }
    drawFaultBands(this.run, v, svgEl('g', { class: 'fault-labels' }, this.axis), this.gutter, this.plotW, 0, 14, true);
  }

  // The hovered op and the ops being pointed at (find, show on timeline).
  drawMarks() {
    clearChildren(this.marks);
    const o = this.run.ops, h = this.laneH;
    const box = (i, cls) => {
      const x0 = this.xOf(o.start[i]), w = Math.max(4, this.xOf(o.end[i]) - x0);
      svgEl('rect', { class: cls, x: x0 - 1, y: o.lane[i] * h - 1, width: w + 2, height: h + 2 }, this.marks);
    };
    for (const i of this.marked) box(i, 'find-box');
    if (this.hovered >= 0) box(this.hovered, 'hover-box');
  }

  opAt(clientX, clientY) {
    const r = this.canvas.getBoundingClientRect(), x = clientX - r.left, y = clientY - r.top;
    const lane = Math.floor(y / this.laneH);
    if (lane < 0 || lane >= this.run.lanes || x < this.gutter) return -1;
    const perPx = (this.view.t1 - this.view.t0) / this.plotW, t = this.view.t0 + (x - this.gutter) * perPx;
    const a = this.run.laneFirst[lane], b = this.run.laneFirst[lane + 1], starts = this.run.laneStarts;
    let lo = a, hi = b;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (starts[m] <= t) lo = m + 1; else hi = m; }
    let best = -1, bestDist = 4 * perPx;
    for (let j = Math.max(a, lo - 2); j < Math.min(b, lo + 2); j++) {
      const i = this.run.laneOps[j], o = this.run.ops;
      const dist = t < o.start[i] ? o.start[i] - t : t > o.end[i] ? t - o.end[i] : 0;
      if (dist <= bestDist) { best = i; bestDist = dist; }
    }
    return best;
  }

  hover(e) {
    if (this.isDragging()) { tooltip.hide(); return; }
    const i = this.opAt(e.clientX, e.clientY);
    if (i !== this.hovered) { this.hovered = i; this.drawMarks(); }
    if (i < 0) tooltip.hide(); else tooltip.show(describeOp(this.run, i), e.clientX, e.clientY);
  }

  openProblem() {
    if (this.hovered < 0 || !this.run.problemOf.has(this.hovered)) return;
    const target = document.getElementById('problem-' + this.run.problemOf.get(this.hovered)) ||
                   document.getElementById('anomalies');
    if (target) target.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // Zooms to `ops` (op ids), outlines them and brings the timeline into view.
  focus(ops) {
    const o = this.run.ops;
    ops = ops.filter(i => i >= 0 && i < o.n);
    if (!ops.length) return;
    let s = Infinity, e = -Infinity;
    for (const i of ops) { s = Math.min(s, o.start[i]); e = Math.max(e, o.end[i]); }
    const pad = Math.max((e - s) * 0.3, this.run.realTime ? 200 : 5);
    this.marked = ops.slice(0, 500);
    this.view.set(s - pad, e + pad);
    document.getElementById('timeline-section').scrollIntoView({ block: 'start' });
    const y = Math.min(...ops.map(i => o.lane[i])) * this.laneH;
    if (y < this.scroll.scrollTop || y > this.scroll.scrollTop + this.scroll.clientHeight - 20) this.scroll.scrollTop = Math.max(0, y - 40);
  }
}
