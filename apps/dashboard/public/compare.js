// The compare page: /compare?sweeps=a,b — a table of each sweep's best trial and its best-so-far
// curves on one chart, by trial number and by wall time.
import { api, badge, connectEvents, el, fmtLoss, fmtNum, throttle } from "./common.js";
import { colorFor } from "./charts.js";

const ids = (new URLSearchParams(location.search).get("sweeps") ?? "").split(",").filter(Boolean);
const $ = (id) => document.getElementById(id);
const plots = {};

/** Step curves with different x values on one uPlot: the union of the xs, each series carried forward. */
function merge(curves, pick) {
  const xs = [...new Set(curves.flatMap((c) => pick(c).map((p) => p[0])))].sort((a, b) => a - b);
  const series = curves.map((c) => {
    const pts = pick(c);
    let j = 0;
    let last = null;
    return xs.map((x) => {
      while (j < pts.length && pts[j][0] <= x) last = pts[j++][1];
      return last;
    });
  });
  return [xs, ...series];
}

function draw(id, data, curves, xLabel) {
  if (!window.uPlot) return;
  const container = $(id);
  container.dataset.points = String(data[0].length);
  plots[id]?.destroy();
  plots[id] = new window.uPlot(
    {
      width: Math.max(300, container.clientWidth || 500),
      height: 260,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: xLabel }, { label: "best val loss", size: 60 }],
      series: [{ label: xLabel }, ...curves.map((c, i) => ({ label: c.id, stroke: colorFor(i), width: 2, paths: window.uPlot.paths.stepped({ align: 1 }), points: { show: false } }))],
    },
    data,
    container,
  );
}

async function load() {
  const msg = $("msg");
  if (ids.length < 2) {
    msg.className = "msg error";
    msg.textContent = "Pick two or more sweeps on the sweeps page, or open /compare?sweeps=<id>,<id>.";
    return;
  }
  try {
    const { rows, curves } = await api("/api/compare?sweeps=" + ids.map(encodeURIComponent).join(","));
    msg.textContent = "";
    $("compare").tBodies[0].replaceChildren(
      ...rows.map((r, i) =>
        el(
          "tr",
          { dataset: { sweep: r.id }, onclick: () => (location.href = "/sweeps/" + encodeURIComponent(r.id)) },
          el("td", {}, el("span", { class: "dot", style: `background:${colorFor(i)}` }), r.name, el("div", { class: "small muted" }, r.id)),
          el("td", {}, r.method),
          el("td", {}, badge(r.state)),
          el("td", { class: "num" }, `${r.done} / ${r.budget}`),
          el("td", { class: "num" }, r.bestTrial === null ? "–" : "#" + r.bestTrial),
          el("td", { class: "num" }, fmtLoss(r.bestValLoss)),
          el("td", { class: "num" }, fmtNum(r.bestValMae, 4)),
          el("td", { class: "num" }, fmtNum(r.naiveMae, 4)),
          el("td", { class: "num" }, el("span", { class: r.ratioToNaive !== null && r.ratioToNaive < 1 ? "beats" : "" }, fmtNum(r.ratioToNaive, 3))),
          el("td", { class: "num" }, fmtNum(r.ratioToBaseline, 3)),
          el("td", {}, r.warmStart ? `${r.warmStart.observations} observations from ${r.warmStart.from}` : "–"),
        ),
      ),
    );
    draw("by-trial", merge(curves, (c) => c.byTrial), curves, "trial");
    draw("by-time", merge(curves, (c) => c.byTime), curves, "seconds since launch");
  } catch (e) {
    msg.className = "msg error";
    msg.textContent = e.message;
  }
}

const refresh = throttle(load, 1000);
window.addEventListener("load", () => refresh.now());
connectEvents("types=trial.finished,sweep.state,sweep.extended", {
  onEvents: (events) => {
    if (events.some((e) => ids.includes(e.sweepId))) refresh();
  },
  onReset: () => refresh(),
});
