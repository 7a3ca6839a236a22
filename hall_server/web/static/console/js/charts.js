// Small SVG charts drawn locally (no chart library, no CDN): grouped vertical bars and
// labelled horizontal bars. Every chart has a title for screen readers, and the pages
// show the same numbers in a table next to it.
const NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Round axis steps: 1, 2 or 5 times a power of ten, about `count` of them up to `max`. */
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw);
  const ticks = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

function frame(width, height, title) {
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  svg.append(s("title", {}, title));
  return svg;
}

/**
 * Grouped vertical bars: `labels` along x, one bar per series in each group.
 * series: [{name, values, cls}]; `every` shows every n-th x label.
 */
export function barChart({ title, labels, series, width = 560, height = 220, every = 1 }) {
  const pad = { left: 36, right: 8, top: 10, bottom: 24 };
  const svg = frame(width, height, title);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const ticks = niceTicks(Math.max(0, ...series.flatMap((x) => x.values)));
  const top = ticks[ticks.length - 1] || 1;
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  for (const tick of ticks) {
    svg.append(s("line", { class: "gridline", x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick) }));
    svg.append(s("text", { x: pad.left - 5, y: y(tick) + 4, "text-anchor": "end" }, String(tick)));
  }
  const group = plotW / labels.length;
  const barW = Math.max(2, (group * 0.78) / series.length);
  labels.forEach((label, i) => {
    series.forEach((one, j) => {
      const v = one.values[i] || 0;
      const x = pad.left + i * group + group * 0.11 + j * barW;
      const bar = s("rect", { class: one.cls, x, y: y(v), width: barW - 1, height: Math.max(0, pad.top + plotH - y(v)) });
      bar.append(s("title", {}, `${label} ${one.name}: ${v}`));
      svg.append(bar);
    });
    if (i % every === 0) svg.append(s("text", { x: pad.left + i * group + group / 2, y: height - 7, "text-anchor": "middle" }, label));
  });
  svg.append(s("line", { class: "axis", x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }));
  return svg;
}

/** Horizontal bars with the value at the end: rows [{label, value, cls, note}]. */
export function hbarChart({ title, rows, width = 420, rowHeight = 24, labelWidth = 96 }) {
  const height = rows.length * rowHeight + 6;
  const svg = frame(width, height, title);
  const max = Math.max(1, ...rows.map((r) => r.value || 0));
  const plotW = width - labelWidth - 70;
  rows.forEach((row, i) => {
    const y = 3 + i * rowHeight;
    const w = ((row.value || 0) / max) * plotW;
    svg.append(s("text", { x: labelWidth - 8, y: y + rowHeight / 2 + 4, "text-anchor": "end" }, row.label));
    const bar = s("rect", { class: row.cls || "bar-a", x: labelWidth, y: y + 4, width: Math.max(w, row.value ? 2 : 0), height: rowHeight - 8, rx: 2 });
    bar.append(s("title", {}, `${row.label}: ${row.value}`));
    svg.append(bar);
    svg.append(s("text", { class: "value-label", x: labelWidth + w + 6, y: y + rowHeight / 2 + 4 },
      row.note ? `${row.value} · ${row.note}` : String(row.value)));
  });
  return svg;
}
