// util.js — DOM helpers, formatting, scales. The report's scripts are concatenated into one
// function scope (report/embed_assets.cmake), so these names are shared by the other files.
const SVG_NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, parent) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function svgText(str, attrs, parent) {
  const t = svgEl('text', attrs, parent);
  t.textContent = str;
  return t;
}

function clamp(x, lo, hi) { return x < lo ? lo : x > hi ? hi : x; }

// First i in [0, n) with arr[i] >= x (arr sorted ascending).
function lowerBound(arr, x, n) {
  let lo = 0, hi = n === undefined ? arr.length : n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Outcome codes of the "kind" column (report/op_columns.h).
const OK = 0, FAIL = 1, INFO = 2, PENDING = 3;
const OUTCOME_NAMES = ['ok', 'fail', 'info', 'pending (never completed)'];
let COLORS = null;
function colors() {
  if (!COLORS) {
    COLORS = [cssVar('--ok'), cssVar('--fail'), cssVar('--info'), cssVar('--pending')];
    COLORS.anomaly = cssVar('--anomaly');
    COLORS.rgb = COLORS.map(hexToRgb);
  }
  return COLORS;
}

function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex) || [0, '80', '80', '80'];
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

// Axis positions: µs since the first op, or line indices when the history has no times.
function fmtAxis(t, span, realTime) {
  if (!realTime) return 'line ' + Math.round(t + 1);
  const s = t / 1e6, digits = span >= 5e6 ? 1 : span >= 5e5 ? 2 : span >= 5e4 ? 3 : span >= 5e3 ? 4 : 6;
  return s.toFixed(Math.min(6, digits)) + ' s';
}

function fmtDuration(units, realTime) {
  if (!realTime) return units + ' lines';
  if (units < 1000) return units.toFixed(0) + ' µs';
  if (units < 1e6) return (units / 1000).toFixed(units < 1e4 ? 2 : 1) + ' ms';
  return (units / 1e6).toFixed(3) + ' s';
}

// About n round tick values in [lo, hi].
function niceTicks(lo, hi, n) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, n), mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw) || raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(t);
  return out;
}

// A canvas sized for the device's pixel ratio; draw in CSS pixels.
function sizeCanvas(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  canvas.style.width = w + 'px';
  canvas.style.height = h + 'px';
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function clearChildren(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
