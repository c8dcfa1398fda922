// main.js — builds the page: decode, draw every view once (synchronously, so a headless
// browser's DOM dump sees it), wire the controls. #fl-status records the outcome for tests
// and benchmarks: data-state="ready" with timings, or "error" with the message.
function showError(err) {
  const status = document.getElementById('fl-status');
  status.dataset.state = 'error';
  status.dataset.error = String(err && err.stack || err);
  let box = document.getElementById('fl-error');
  if (!box) {
    box = el('div', { id: 'fl-error', class: 'error' });
    document.body.insertBefore(box, document.querySelector('main'));
  }
  box.textContent = 'The report\u2019s script failed; the tables are still valid. ' + String(err && err.message || err);
}

function wireLinks(run, timeline) {
  document.addEventListener('click', e => {
    const link = e.target.closest('[data-op]');
    if (link && link.classList.contains('op-link')) {
      const i = opOfIndex(run, Number(link.dataset.op));
      if (i >= 0) { e.preventDefault(); timeline.focus([i]); }
    }
    const button = e.target.closest('button.show-on-timeline');
    if (button) {
      const p = run.problems[Number(button.dataset.problem)];
      const ids = (p.unplaced.length ? p.unplaced : p.prefix).map(s => opOfIndex(run, s[0])).filter(i => i >= 0);
      timeline.focus(ids);
    }
  });
  const find = document.getElementById('find-op');
  find.addEventListener('change', () => {
    const i = opOfIndex(run, Number(find.value));
    if (i >= 0) timeline.focus([i]); else find.setCustomValidity('no client op invoked on that line');
    find.reportValidity();
    find.setCustomValidity('');
  });
}

function wireLayout(view) {
  let timer = 0;
  const relayout = () => { for (const c of view.charts) c.layout(); view.drawAll(); };
  window.addEventListener('resize', () => { clearTimeout(timer); timer = setTimeout(relayout, 150); });
  // Printed, the charts are redrawn at the page's width and the prefixes unfolded.
  window.addEventListener('beforeprint', () => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    for (const c of view.charts) { c.container.style.width = '680px'; c.layout(); }
    view.drawAll();
  });
  window.addEventListener('afterprint', () => {
    for (const c of view.charts) c.container.style.width = '';
    relayout();
  });
}

// #bench: time redraws while zooming in and out (the figures in bench/README.md).
function benchmark(view, status) {
  const frames = [];
  const frame = () => { const t = performance.now(); view.drawAll(); frames.push(performance.now() - t); };
  for (let k = 0; k < 8; k++) { view.zoom(0.5); frame(); }
  for (let k = 0; k < 8; k++) { view.zoom(2); frame(); }
  for (let k = 0; k < 4; k++) { view.pan(0.3); frame(); }
  view.reset();
  frame();
  status.dataset.benchFrameMaxMs = Math.max(...frames).toFixed(1);
  status.dataset.benchFrameMeanMs = (frames.reduce((a, b) => a + b, 0) / frames.length).toFixed(1);
}

// #selftest: drives the page as a user would and records the outcome in
// data-selftest ("pass" or what failed), for tests/report/browser_test.sh.
function selfTest(run, view, timeline, status) {
  const failures = [];
  const expect = (ok, what) => { if (!ok) failures.push(what); };
  const target = run.anomalyOps.length ? run.anomalyOps[0] : 0, o = run.ops;
  if (o.n) {
    timeline.focus([target]);
    view.drawAll();
    const box = timeline.canvas.getBoundingClientRect();
    const x = box.left + (timeline.xOf(o.start[target]) + timeline.xOf(o.end[target])) / 2;
    const y = box.top + (o.lane[target] + 0.5) * timeline.laneH;
    timeline.scroll.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
    const tip = document.getElementById('fl-tooltip');
    expect(!tip.hidden && tip.textContent.startsWith('op ' + o.idx[target] + ' '), 'hover shows the op (got: ' + tip.textContent.split('\n')[0] + ')');
    expect(timeline.hovered === target && timeline.marks.querySelector('.hover-box'), 'hover outlines the op');
  }
  view.reset();
  const span = view.t1 - view.t0;
  view.zoom(0.5);
  if (span / 2 >= view.minSpan) expect(Math.abs((view.t1 - view.t0) - span / 2) < span * 1e-6, 'zoom halves the window');
  view.reset();
  expect(Math.abs(view.t0 - view.full0) + Math.abs(view.t1 - view.full1) < span * 1e-6, 'reset shows everything');
  const show = document.querySelector('button.show-on-timeline');
  if (show) {
    timeline.marked = [];
    show.click();
    expect(timeline.marked.length > 0, 'show on timeline outlines the conflict');
  }
  view.reset();
  view.drawAll();
  tooltip.hide();
  status.dataset.selftest = failures.length ? 'fail: ' + failures.join('; ') : 'pass';
}

function main() {
  const status = document.getElementById('fl-status');
  const run = loadRun();
  const decodedMs = performance.now();
  const view = new View(run);
  const timeline = new Timeline(run, view, document.getElementById('timeline'));
  view.add(timeline);
  if (run.realTime && run.ops.n) {
    view.add(new LatencyChart(run, view, document.getElementById('latency')));
    view.add(new ThroughputChart(run, view, document.getElementById('throughput')));
  } else {
    for (const id of ['latency', 'throughput']) {
      const chart = document.getElementById(id);
      el('p', { class: 'hint' }, chart).textContent = 'This history records no times, so there is nothing to plot over time; the timeline shows it in history order.';
      chart.parentNode.querySelector('.legend').hidden = true;
    }
  }
  attachToolbar(view);
  view.drawAll();
  const problems = drawCounterexamples(run);
  wireLinks(run, timeline);
  wireLayout(view);
  Object.assign(status.dataset, {
    state: 'ready', readyMs: performance.now().toFixed(0), decodedMs: decodedMs.toFixed(0), ops: run.ops.n,
    lanes: run.lanes, faults: run.faults.length, faultBands: document.querySelectorAll('#timeline .fault-band').length,
    anomalyOps: run.anomalyOps.length, anomaliesDrawn: timeline.anomaliesDrawn, timelineMode: timeline.mode,
    counterexamplesDrawn: problems,
  });
  if (location.hash === '#bench') benchmark(view, status);
  if (location.hash === '#selftest') selfTest(run, view, timeline, status);
}

window.addEventListener('error', e => showError(e.error || e.message));
try {
  main();
} catch (e) {
  showError(e);
}
