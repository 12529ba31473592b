import { api, badge, connectEvents, el, fmtDuration, fmtLoss, fmtTime, throttle } from "./common.js";

const tbody = document.querySelector("#sweeps tbody");
const msg = document.getElementById("msg");
const compare = document.getElementById("compare");
/** Sweeps ticked for comparison (kept across refreshes). */
const picked = new Set();

function updateCompare() {
  const ids = [...picked];
  if (ids.length >= 2) {
    compare.href = "/compare?sweeps=" + ids.map(encodeURIComponent).join(",") + location.search.replace(/^\?/, "&");
    compare.removeAttribute("aria-disabled");
  } else {
    compare.removeAttribute("href");
    compare.setAttribute("aria-disabled", "true");
  }
}

function pickBox(id) {
  const box = el("input", { type: "checkbox", title: "compare", dataset: { pick: id }, onclick: (e) => e.stopPropagation() });
  box.checked = picked.has(id);
  box.addEventListener("change", () => {
    if (box.checked) picked.add(id);
    else picked.delete(id);
    updateCompare();
  });
  return box;
}

async function load() {
  try {
    const { sweeps } = await api("/api/sweeps");
    msg.textContent = "";
    tbody.replaceChildren(
      ...(sweeps.length === 0
        ? [el("tr", {}, el("td", { colspan: "9", class: "muted" }, "No sweeps yet: launch one with `hyperq sweep launch <spec.yaml>`."))]
        : sweeps.map((s) => {
            const pct = s.budget > 0 ? Math.min(100, (100 * s.done) / s.budget) : 0;
            const bar = el("span", { class: "progress" }, el("span", { style: `width:${pct.toFixed(1)}%` }));
            return el(
              "tr",
              { dataset: { sweep: s.id }, onclick: () => (location.href = "/sweeps/" + encodeURIComponent(s.id) + location.search) },
              el("td", {}, pickBox(s.id)),
              el("td", {}, el("a", { href: "/sweeps/" + encodeURIComponent(s.id) + location.search }, s.name), el("div", { class: "small muted" }, s.id, s.warmStart ? ` · warm-started from ${s.warmStart.from}` : "")),
              el("td", {}, badge(s.state)),
              el("td", {}, s.method),
              el("td", {}, bar, `${s.done} / ${s.budget}`, s.counts.running ? el("span", { class: "small muted" }, ` (${s.counts.running} running)`) : null),
              el("td", { class: "num" }, s.best ? fmtLoss(s.best.valLoss) : "–", s.best ? el("span", { class: "small muted" }, ` #${s.best.trial}`) : null),
              el("td", {}, `${s.dataset.source} → ${s.dataset.target}`),
              el("td", {}, fmtTime(s.createdAt)),
              el("td", { class: "num" }, fmtDuration(s.durationMs)),
            );
          })),
    );
  } catch (e) {
    msg.className = "msg error";
    msg.textContent = e.message;
  }
}

const refresh = throttle(load, 1000);
refresh.now();
connectEvents("types=sweep.created,sweep.state,trial.finished,trial.started", { onEvents: () => refresh(), onReset: () => refresh() });
// Durations of running sweeps tick without events.
setInterval(refresh, 15_000);
