// view.js — the time window all charts share, zooming and panning it, and the tooltip.

class View {
  constructor(run) {
    const pad = (run.t1 - run.t0) * 0.01;
    this.full0 = run.t0 - pad;
    this.full1 = run.t1 + pad;
    this.minSpan = run.realTime ? 1 : 4;  // µs or lines
    this.t0 = this.full0;
    this.t1 = this.full1;
    this.charts = [];
    this.pending = false;
    this.realTime = run.realTime;
  }
  add(chart) { this.charts.push(chart); }
  set(t0, t1) {
    let span = Math.max(this.minSpan, t1 - t0);
    const full = this.full1 - this.full0;
    if (span >= full) { t0 = this.full0; span = full; }
    t0 = clamp(t0, this.full0, this.full1 - span);
    this.t0 = t0;
    this.t1 = t0 + span;
    this.schedule();
  }
  zoom(factor, center) {
    if (center === undefined) center = (this.t0 + this.t1) / 2;
    this.set(center - (center - this.t0) * factor, center + (this.t1 - center) * factor);
  }
  pan(fraction) {
    const d = (this.t1 - this.t0) * fraction;
    this.set(this.t0 + d, this.t1 + d);
  }
  reset() { this.set(this.full0, this.full1); }
  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.drawAll(); });
  }
  drawAll() {
    for (const c of this.charts) c.draw();
    const label = document.querySelector('.view-range');
    if (label) {
      const span = this.t1 - this.t0;
      label.textContent = fmtAxis(Math.max(0, this.t0), span, this.realTime) + ' – ' +
                          fmtAxis(this.t1, span, this.realTime);
    }
  }
}

// Wheel zooms around the cursor, drag pans, double-click shows everything.
function attachZoomPan(view, target, plotLeft, plotWidth) {
  const toT = x => view.t0 + (x - plotLeft()) / plotWidth() * (view.t1 - view.t0);
  target.addEventListener('wheel', e => {
    if (e.ctrlKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      view.pan((e.deltaX || e.deltaY) / plotWidth());
    } else {
      view.zoom(Math.pow(1.0015, e.deltaY), toT(e.offsetX));
    }
    e.preventDefault();
  }, { passive: false });
  let drag = null;
  target.addEventListener('mousedown', e => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, t0: view.t0, t1: view.t1 };
    target.classList.add('dragging');
  });
  window.addEventListener('mousemove', e => {
    if (!drag) return;
    const dt = (e.clientX - drag.x) / plotWidth() * (drag.t1 - drag.t0);
    view.set(drag.t0 - dt, drag.t1 - dt);
  });
  window.addEventListener('mouseup', () => { drag = null; target.classList.remove('dragging'); });
  target.addEventListener('dblclick', () => view.reset());
  return () => drag !== null;
}

function attachToolbar(view) {
  const actions = { in: () => view.zoom(0.5), out: () => view.zoom(2), left: () => view.pan(-0.25),
                    right: () => view.pan(0.25), reset: () => view.reset() };
  document.querySelectorAll('[data-zoom]').forEach(b =>
    b.addEventListener('click', () => actions[b.dataset.zoom]()));
  document.addEventListener('keydown', e => {
    if (e.target.tagName === 'INPUT' || e.metaKey || e.ctrlKey || e.altKey) return;
    const key = { '+': 'in', '=': 'in', '-': 'out', ArrowLeft: 'left', ArrowRight: 'right', '0': 'reset' }[e.key];
    if (key) { actions[key](); e.preventDefault(); }
  });
}

const tooltip = {
  node: null,
  show(text, x, y) {
    if (!this.node) this.node = document.getElementById('fl-tooltip');
    this.node.textContent = text;
    this.node.hidden = false;
    const w = this.node.offsetWidth, h = this.node.offsetHeight;
    this.node.style.left = Math.min(x + 14, window.innerWidth - w - 8) + 'px';
    this.node.style.top = (y + 16 + h > window.innerHeight ? y - h - 10 : y + 16) + 'px';
  },
  hide() { if (this.node) this.node.hidden = true; },
};

// Fault bands (and instants) over a plot of height h, in an <svg> group.
function drawFaultBands(run, view, group, left, width, top, h, withLabels) {
  clearChildren(group);
  const k = width / (view.t1 - view.t0);
  let lastLabelEnd = -Infinity;
  for (const [s, e, f, target, , , instant] of run.faults) {
    if (e < view.t0 || s > view.t1) continue;
    const x0 = left + Math.max(0, (s - view.t0) * k), x1 = left + Math.min(width, (e - view.t0) * k);
    const title = f + (target ? ' ' + target : '');
    const shape = instant
      ? svgEl('line', { class: 'fault-instant', x1: x0, x2: x0, y1: top, y2: top + h }, group)
      : svgEl('rect', { class: 'fault-band', x: x0, y: top, width: Math.max(1, x1 - x0), height: h,
                        'data-fault': f, 'data-target': target }, group);
    svgText(title, {}, svgEl('title', {}, shape));
    if (withLabels && x0 > lastLabelEnd) {
      const label = svgText(title.length > 28 ? title.slice(0, 27) + '…' : title,
                            { class: 'fault-label', x: x0 + 2, y: top + 10 }, group);
      lastLabelEnd = x0 + 6 * Math.min(28, title.length);
      label.setAttribute('data-fault-label', f);
    }
  }
}
