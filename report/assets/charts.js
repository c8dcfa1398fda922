// charts.js — latency over time (one point per op, log scale, p50/p95/p99 of ok ops per
// interval) and throughput over time (completions per second by outcome), both with the
// fault bands and both following the shared view. Quantiles come from a log-spaced histogram
// per interval (≈1% resolution), so a redraw is one pass over the ops in view.
const QUANTILE_BINS = 240;

class Chart {
  constructor(run, view, container, height) {
    this.run = run;
    this.view = view;
    this.container = container;
    this.height = height;
    this.left = 64;
    this.top = 16;
    this.bottom = 22;
    this.wrap = el('div', { class: 'plot', style: 'position:relative' }, container);
    this.canvas = el('canvas', {}, this.wrap);
    this.svg = svgEl('svg', { style: 'position:absolute;left:0;top:0' }, this.wrap);
    attachZoomPan(view, this.wrap, () => this.left, () => this.plotW);
    this.layout();
  }
  layout() {
    this.width = Math.max(320, this.container.clientWidth);
    this.plotW = this.width - this.left - 10;
    this.plotH = this.height - this.top - this.bottom;
    this.ctx = sizeCanvas(this.canvas, this.width, this.height);
    this.svg.setAttribute('width', this.width);
    this.svg.setAttribute('height', this.height);
  }
  xOf(t) { return this.left + (t - this.view.t0) * this.plotW / (this.view.t1 - this.view.t0); }
  // Ops with start in view (plus the long ones before it), as [lo, hi).
  range() {
    const o = this.run.ops;
    return [lowerBound(o.start, this.view.t0, o.n), lowerBound(o.start, this.view.t1 + 1e-9, o.n)];
  }
  // Intervals across the view: at most one per 7 px, and few enough that each holds about
  // `perBucket` ops, so quantiles and rates are not noise.
  buckets(lo, hi, perBucket) { return clamp(Math.min(Math.floor(this.plotW / 7), Math.floor((hi - lo) / perBucket)), 4, 200); }
  frame(yTicks) {
    clearChildren(this.svg);
    const axis = svgEl('g', { class: 'axis' }, this.svg), v = this.view, span = v.t1 - v.t0;
    const yBase = this.top + this.plotH;
    svgEl('line', { x1: this.left, x2: this.left + this.plotW, y1: yBase, y2: yBase }, axis);
    svgEl('line', { x1: this.left, x2: this.left, y1: this.top, y2: yBase }, axis);
    for (const t of niceTicks(v.t0, v.t1, this.plotW / 110)) {
      const x = this.xOf(t);
      svgEl('line', { x1: x, x2: x, y1: yBase, y2: yBase + 4 }, axis);
      svgText(fmtAxis(t, span, this.run.realTime), { x: x - 14, y: yBase + 15 }, axis);
    }
    const grid = svgEl('g', { class: 'grid' }, this.svg);
    for (const [y, label] of yTicks) {
      svgEl('line', { x1: this.left, x2: this.left + this.plotW, y1: y, y2: y }, grid);
      svgText(label, { x: 4, y: y + 3 }, axis);
    }
    drawFaultBands(this.run, v, svgEl('g', { class: 'bands' }, this.svg), this.left, this.plotW, this.top, this.plotH, true);
  }
  path(points, cls) {
    let d = '';
    let gap = true;
    for (const p of points) {
      if (p === null) { gap = true; continue; }
      d += (gap ? 'M' : 'L') + p[0].toFixed(1) + ',' + p[1].toFixed(1);
      gap = false;
    }
    if (d) svgEl('path', { d, class: cls }, this.svg);
  }
}

class LatencyChart extends Chart {
  constructor(run, view, container) {
    super(run, view, container, 260);
    const o = run.ops;
    let min = Infinity, max = 1;
    for (let i = 0; i < o.n; i++) {
      if (o.outcome[i] === PENDING) continue;
      const d = o.end[i] - o.start[i];
      if (d > 0 && d < min) min = d;
      if (d > max) max = d;
    }
    this.logMin = Math.floor(Math.log10(Math.min(min, max)));
    this.logMax = Math.max(this.logMin + 1, Math.ceil(Math.log10(max)));
  }
  yOf(us) {
    const l = Math.log10(Math.max(us, Math.pow(10, this.logMin)));
    return this.top + this.plotH * (1 - (l - this.logMin) / (this.logMax - this.logMin));
  }
  draw() {
    const ctx = this.ctx, o = this.run.ops, v = this.view, [lo, hi] = this.range();
    ctx.clearRect(0, 0, this.width, this.height);
    const W = Math.ceil(this.plotW), H = Math.ceil(this.plotH);
    const okC = new Uint32Array(W * H), failC = new Uint32Array(W * H), infoC = new Uint32Array(W * H);
    const nb = this.buckets(lo, hi, 40), bins = QUANTILE_BINS, hist = new Uint32Array(nb * bins);
    const k = W / (v.t1 - v.t0), span = this.logMax - this.logMin;
    for (let i = lo; i < hi; i++) {
      const out = o.outcome[i];
      if (out === PENDING) continue;
      const d = o.end[i] - o.start[i], x = Math.min(W - 2, Math.floor((o.start[i] - v.t0) * k));
      const frac = (Math.log10(Math.max(d, 1e-3)) - this.logMin) / span;
      const y = Math.floor(clamp(1 - frac, 0, 1) * (H - 2)), c = y * W + x;
      const counts = out === OK ? okC : out === FAIL ? failC : infoC;
      counts[c]++; counts[c + 1]++; counts[c + W]++; counts[c + W + 1]++;  // a 2×2 point
      if (out === OK) hist[clamp(Math.floor(x / W * nb), 0, nb - 1) * bins + clamp(Math.floor(frac * bins), 0, bins - 1)]++;
    }
    // A pixel shows info if any op there ended so (they are few and matter), else the majority.
    const img = new ImageData(W, H), px = new Uint32Array(img.data.buffer);
    const packed = colors().rgb.map(([r, g, b]) => (255 << 24) | (b << 16) | (g << 8) | r);
    for (let c = 0; c < W * H; c++) {
      if (infoC[c]) px[c] = packed[INFO];
      else if (failC[c] > okC[c]) px[c] = packed[FAIL];
      else if (okC[c]) px[c] = packed[OK];
    }
    const off = document.createElement('canvas');
    off.width = W; off.height = H;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.drawImage(off, this.left, this.top);
    const ticks = [];
    for (let e = this.logMin; e <= this.logMax; e++) ticks.push([this.yOf(Math.pow(10, e)), fmtDuration(Math.pow(10, e), true)]);
    this.frame(ticks);
    this.quantileLines(hist, nb, bins);
  }
  quantileLines(hist, nb, bins) {
    const lines = { q50: [], q95: [], q99: [] }, qs = [['q50', 0.5], ['q95', 0.95], ['q99', 0.99]];
    for (let b = 0; b < nb; b++) {
      let total = 0;
      for (let j = 0; j < bins; j++) total += hist[b * bins + j];
      const x = this.left + (b + 0.5) * this.plotW / nb;
      for (const [name, q] of qs) {
        if (!total) { lines[name].push(null); continue; }
        let seen = 0, j = 0;
        while (j < bins && (seen += hist[b * bins + j]) < q * total) j++;
        const us = Math.pow(10, this.logMin + (j + 0.5) / bins * (this.logMax - this.logMin));
        lines[name].push([x, this.yOf(us)]);
      }
    }
    for (const [name] of qs) this.path(lines[name], 'qline ' + name);
    const legend = svgEl('g', { class: 'axis' }, this.svg);
    qs.forEach(([name, q], n) => {
      const x = this.left + this.plotW - 150 + n * 50;
      svgEl('line', { x1: x, x2: x + 14, y1: this.top + 8, y2: this.top + 8, class: 'qline ' + name }, legend);
      svgText('p' + Math.round(q * 100), { x: x + 17, y: this.top + 11 }, legend);
    });
  }
}

class ThroughputChart extends Chart {
  constructor(run, view, container) { super(run, view, container, 200); }
  draw() {
    const o = this.run.ops, v = this.view, [first, last] = this.range(), nb = this.buckets(first, last, 25);
    const counts = [new Float64Array(nb), new Float64Array(nb), new Float64Array(nb)];
    this.ctx.clearRect(0, 0, this.width, this.height);
    const width = (v.t1 - v.t0) / nb, lo = lowerBound(o.start, v.t0 - this.run.maxShort, o.n);
    const consider = i => {
      if (o.outcome[i] === PENDING || o.end[i] < v.t0 || o.end[i] >= v.t1) return;
      counts[o.outcome[i]][Math.floor((o.end[i] - v.t0) / width)]++;
    };
    for (let i = lo; i < o.n && o.start[i] <= v.t1; i++) consider(i);
    for (const i of this.run.longOps) if (i < lo) consider(i);
    const perSecond = 1e6 / width;
    let max = 1;
    for (const c of counts) for (let b = 0; b < nb; b++) max = Math.max(max, c[b] * perSecond);
    const nice = niceTicks(0, max, 4), step = nice.length > 1 ? nice[1] - nice[0] : max;
    const top = Math.ceil(max * 1.02 / step) * step;  // the scale always holds the highest rate
    const ticks = niceTicks(0, top, Math.round(top / step));
    const yOf = r => this.top + this.plotH * (1 - r / top);
    this.frame(ticks.map(t => [yOf(t), t >= 1000 ? (t / 1000) + 'k/s' : t + '/s']));
    ['tp-ok', 'tp-fail', 'tp-info'].forEach((cls, out) => {
      const pts = [];
      for (let b = 0; b < nb; b++) pts.push([this.left + (b + 0.5) * this.plotW / nb, yOf(counts[out][b] * perSecond)]);
      this.path(pts, 'tpline ' + cls);
    });
  }
}
