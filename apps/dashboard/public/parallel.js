// A parallel-coordinates plot on a canvas: one vertical axis per searched hyperparameter plus the
// validation loss, one polyline per complete trial, coloured by loss rank (green best, red worst).

function lossColor(q, alpha) {
  // q in [0, 1]: 0 best. Green → yellow → red.
  const stops = [
    [26, 152, 80],
    [254, 224, 139],
    [215, 48, 39],
  ];
  const x = Math.min(1, Math.max(0, q)) * 2;
  const i = Math.min(1, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

function axisScale(axis, values) {
  if (axis.kind === "cat") {
    const n = Math.max(1, axis.categories.length - 1);
    return { pos: (v) => (v === null ? null : v / n), ticks: axis.categories.map((c, i) => [i / n, String(c)]) };
  }
  let lo = axis.low;
  let hi = axis.high;
  if (lo === undefined || hi === undefined) {
    const vs = values.filter((v) => v !== null);
    lo = Math.min(...vs);
    hi = Math.max(...vs);
  }
  const f = axis.log && lo > 0 ? Math.log : (v) => v;
  const a = f(lo);
  const b = f(hi);
  const span = b - a || 1;
  const fmt = (v) => (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(0) : Number(v.toPrecision(3)).toString());
  return { pos: (v) => (v === null ? null : (f(v) - a) / span), ticks: [[0, fmt(lo)], [1, fmt(hi)]] };
}

export function drawParallel(canvas, history) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 600;
  const h = canvas.clientHeight || 300;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const idx = [];
  for (let i = 0; i < history.number.length; i++) if (history.state[i] === "c" && history.loss[i] !== null) idx.push(i);
  canvas.dataset.lines = String(idx.length);
  const axes = history.axes;
  if (idx.length === 0 || axes.length === 0) {
    ctx.fillStyle = "#6b7385";
    ctx.font = "13px system-ui, sans-serif";
    ctx.fillText(axes.length === 0 ? "No searched hyperparameters." : "Waiting for complete trials…", 12, 24);
    return;
  }
  // Loss axis: log scale, clipped at the 95th percentile so one diverged trial does not flatten the rest.
  const sorted = idx.map((i) => history.loss[i]).sort((a, b) => a - b);
  const lossLo = sorted[0];
  const lossHi = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] || lossLo * 1.0001;
  const rank = new Map();
  [...idx].sort((a, b) => history.loss[a] - history.loss[b]).forEach((i, r) => rank.set(i, idx.length > 1 ? r / (idx.length - 1) : 0));
  const lossAxis = { name: "val loss", kind: "num", log: lossLo > 0, low: lossLo, high: Math.max(lossHi, lossLo * 1.0001) };
  const all = [...axes, lossAxis];
  const scales = all.map((a, k) => axisScale(a, k < axes.length ? history.values[k] : []));
  const padX = 50;
  const top = 32;
  const bottom = h - 24;
  const xAt = (k) => padX + ((w - 2 * padX) * k) / Math.max(1, all.length - 1);
  const yAt = (p) => bottom - p * (bottom - top);
  const valueAt = (k, i) => (k < axes.length ? history.values[k][i] : Math.min(history.loss[i], lossAxis.high));

  const alpha = Math.max(0.04, Math.min(0.5, 150 / idx.length));
  const order = [...idx].sort((a, b) => rank.get(b) - rank.get(a)); // worst first: best on top
  const top10 = new Set(order.slice(-10));
  for (const i of order) {
    const thick = top10.has(i);
    ctx.strokeStyle = lossColor(rank.get(i), thick ? 0.95 : alpha);
    ctx.lineWidth = thick ? 2 : 1;
    ctx.beginPath();
    let pen = false;
    for (let k = 0; k < all.length; k++) {
      const p = scales[k].pos(valueAt(k, i));
      if (p === null || !Number.isFinite(p)) {
        pen = false;
        continue;
      }
      const x = xAt(k);
      const y = yAt(Math.min(1, Math.max(0, p)));
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.stroke();
  }
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.lineJoin = "round";
  const label = (text, x, y) => {
    // A white halo keeps labels readable over thousands of lines.
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.lineWidth = 3;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = "#1d2330";
    ctx.fillText(text, x, y);
  };
  all.forEach((a, k) => {
    const x = xAt(k);
    ctx.strokeStyle = "#9aa1b1";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    label(a.name, x, 12);
    for (const [p, text] of scales[k].ticks) {
      if (scales[k].ticks.length > 8 && p !== 0 && p !== 1) continue;
      label(text, x, p === 0 ? bottom + 14 : p === 1 ? top - 5 : yAt(p) + 4);
    }
  });
}
