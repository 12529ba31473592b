import { ApiError, api, badge, connectEvents, controlToken, el, fmtDuration, fmtLoss, fmtNum, fmtParam, fmtTime, setControlToken, throttle, withToken } from "./common.js";
import { BestSoFarChart, CurvesChart, colorFor } from "./charts.js";
import { drawParallel } from "./parallel.js";

const sweepId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
const base = "/api/sweeps/" + encodeURIComponent(sweepId);
const STATES = ["complete", "pruned", "running", "waiting", "failed"];

const view = {
  sort: "rank",
  dir: "asc",
  states: new Set(STATES),
  offset: 0,
  limit: 50,
  selected: [], // trial numbers whose curves are overlaid
  autoSelect: true, // until the user picks, follow the top 3
};
let sweep = null;
let lastPage = null;
let history = null;

const $ = (id) => document.getElementById(id);
const bestChart = new BestSoFarChart($("best-chart"));
const curvesChart = new CurvesChart($("curves-chart"));

function notice(text) {
  $("notices").append(el("div", { class: "notice" }, text));
}

// ---- summary, baseline and controls ----

function renderSummary(data) {
  sweep = data.sweep;
  const s = sweep;
  document.title = `HyperQ · ${s.name}`;
  $("crumb").textContent = s.name;
  $("title").replaceChildren(s.name + " ", badge(s.state));
  const pct = s.budget > 0 ? Math.min(100, (100 * s.done) / s.budget) : 0;
  $("facts").replaceChildren(
    el("div", {}, "id ", el("b", {}, s.id)),
    el("div", {}, "method ", el("b", {}, s.method)),
    el("div", {}, el("span", { class: "progress" }, el("span", { style: `width:${pct.toFixed(1)}%` })), el("b", { id: "progress" }, `${s.done} / ${s.budget}`), " done"),
    el("div", {}, `${s.counts.complete} complete · ${s.counts.pruned} pruned · ${s.counts.failed} failed · ${s.counts.running} running · ${s.counts.waiting} waiting`),
    el("div", {}, "started ", el("b", {}, fmtTime(s.createdAt)), " · ", fmtDuration(s.durationMs)),
    el("div", {}, "epochs ≤ ", el("b", {}, s.epochs), " · parallelism ", el("b", {}, s.parallelism)),
    s.warmStart ? el("div", { id: "warm-start" }, "warm start: ", el("b", {}, s.warmStart.observations), " observations from ", el("a", { href: "/sweeps/" + encodeURIComponent(s.warmStart.from) }, s.warmStart.from), " (not re-run)") : null,
    modelsFact(data.models),
  );
  const b = data.best;
  const m = b?.metrics;
  const target = `${s.dataset.source} → ${s.dataset.target}` + (s.dataset.horizon > 1 ? ` (${s.dataset.horizon} steps ahead)` : "") + (s.dataset.targetTransform !== "raw" ? `, predicted as ${s.dataset.targetTransform}` : "");
  const parts = [el("div", {}, "target ", el("b", {}, target))];
  if (b && m) {
    parts.push(
      el("div", {}, "best ", el("b", {}, `#${b.number}`), " val loss ", el("b", { id: "best-loss" }, fmtLoss(m.valLoss))),
      el("div", {}, "val MAE ", el("b", {}, fmtNum(m.valMae)), " vs naive (tomorrow = today) ", el("b", {}, fmtNum(m.naiveMae)), " · ratio ", el("b", {}, fmtNum(m.maeRatio, 3))),
      ...baselineVerdict(m),
    );
  } else parts.push(el("div", { class: "muted" }, "no complete trial yet"));
  $("baseline").replaceChildren(...parts);
  const active = s.state === "running" || s.state === "paused";
  $("pause").disabled = s.state !== "running";
  $("resume").disabled = s.state !== "paused";
  $("cancel").disabled = !active;
  $("extend").disabled = s.state === "cancelled";
  if (document.activeElement !== $("budget")) $("budget").value = String(s.budget);
}

const BASELINE_LABELS = { naive: "naive (tomorrow = today)", seasonalNaive: "seasonal naive", mean: "training mean", linear: "linear autoregression" };

function bestRatio(m) {
  const best = m.baselines?.[m.baselines.best]?.mae;
  return best > 0 ? m.valMae / best : undefined;
}

function fmtP(p) {
  return p < 1e-4 ? "p < 0.0001" : `p = ${Number(p.toPrecision(p < 0.01 ? 2 : 3))}`;
}

/** The best trial against the best baseline, and the Diebold–Mariano verdict (same words as the CLI). */
function baselineVerdict(m) {
  if (!m.baselines || !m.significance) return [el("div", { class: "muted", id: "verdict" }, "no baselines stored with this result")];
  const b = m.baselines;
  const name = BASELINE_LABELS[b.best] ?? b.best;
  const s = m.significance;
  const text =
    s.verdict === "beats"
      ? `beats the ${name} baseline (Diebold–Mariano ${fmtP(s.pValue)})`
      : s.verdict === "loses"
        ? `loses to the ${name} baseline (Diebold–Mariano ${fmtP(s.pValue)})`
        : `ties with the ${name} baseline (difference not significant, ${fmtP(s.pValue)})`;
  const others = ["naive", "seasonalNaive", "mean", "linear"]
    .filter((k) => b[k])
    .map((k) => `${k === "seasonalNaive" ? `seasonal naive (period ${b.seasonalNaive.period})` : k} ${fmtNum(b[k].mae)}`)
    .join(" · ");
  return [
    el("div", { id: "best-baseline" }, "best baseline ", el("b", {}, name), " MAE ", el("b", {}, fmtNum(b[b.best].mae)), " · ratio ", el("b", {}, fmtNum(bestRatio(m), 3)), el("span", { class: "muted" }, ` (baselines: ${others})`)),
    el("div", { id: "verdict" }, "on ", el("b", {}, String(s.n)), " validation windows the best model ", el("b", { class: s.verdict === "beats" ? "beats" : s.verdict === "loses" ? "loses" : "" }, text)),
  ];
}

async function loadSummary() {
  renderSummary(await api(base));
}

async function control(action) {
  const msg = $("control-msg");
  const typed = $("token").value.trim();
  if (typed) setControlToken(typed);
  if (action === "extend") return post(`${base}/extend`, { budget: Number($("budget").value) }, (r) => `budget ${r.budget}, sweep is ${r.state}`);
  if (action === "cancel" && !confirm(`Cancel sweep ${sweepId}? Waiting trials fail; running ones stop at their next epoch.`)) return;
  msg.className = "msg";
  msg.textContent = "…";
  try {
    const r = await api(`${base}/${action}`, { method: "POST", control: true });
    msg.className = "msg ok";
    msg.textContent = `sweep is ${r.state}`;
    refreshSummary.now();
  } catch (e) {
    msg.className = "msg error";
    msg.textContent = e instanceof ApiError && (e.status === 401 || e.status === 403) ? `${e.message}` : `failed: ${e.message}`;
  }
}
/** A control action with a JSON body; `done` words the answer. */
async function post(path, body, done) {
  const msg = $("control-msg");
  msg.className = "msg";
  msg.textContent = "…";
  try {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (controlToken()) headers.Authorization = "Bearer " + controlToken();
    const res = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
    const r = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(r.error ?? res.statusText);
    msg.className = "msg ok";
    msg.textContent = done(r);
    refreshSummary.now();
  } catch (e) {
    msg.className = "msg error";
    msg.textContent = e.message;
  }
}

async function stopWorker(id) {
  const typed = $("token").value.trim();
  if (typed) setControlToken(typed);
  if (!confirm(`Ask worker ${id} to stop? It finishes its running trials, then leaves.`)) return;
  await post(`/api/workers/${encodeURIComponent(id)}/stop`, {}, () => `worker ${id} asked to stop`);
}

for (const a of ["pause", "resume", "cancel", "extend"]) $(a).addEventListener("click", () => control(a));
$("token").value = controlToken();
$("export-csv").href = withToken(`${base}/export.csv`);
$("export-json").href = withToken(`${base}/export.json`);

// ---- leaderboard ----

function columns() {
  return [
    { key: "rank", label: "Rank", num: true, cell: (t) => t.rank ?? "–" },
    { key: "number", label: "Trial", num: true, cell: (t) => "#" + t.number },
    { key: "state", label: "State", cell: (t) => badge(t.state) },
    { key: "valLoss", label: "Val loss", num: true, cell: (t) => (t.state === "complete" ? fmtLoss(t.metrics?.valLoss) : t.bestValLoss !== undefined ? el("i", { title: "best epoch so far" }, fmtLoss(t.bestValLoss)) : "–") },
    { key: "valMae", label: "Val MAE (naive)", num: true, cell: (t) => (t.metrics ? `${fmtNum(t.metrics.valMae)} (${fmtNum(t.metrics.naiveMae)})` : "–") },
    { key: "maeRatio", label: "Ratio to naive", num: true, cell: (t) => (t.metrics ? fmtNum(t.metrics.maeRatio, 3) : "–") },
    { key: "bestRatio", label: "Ratio to best baseline", num: true, cell: (t) => (t.metrics?.baselines ? el("span", { class: bestRatio(t.metrics) < 1 ? "beats" : "", title: BASELINE_LABELS[t.metrics.baselines.best] }, `${fmtNum(bestRatio(t.metrics), 3)} (${t.metrics.baselines.best})`) : "–") },
    ...paramNames().map((p) => ({ key: "param." + p, label: p, num: true, cell: (t) => fmtParam(t.params[p]) })),
    { key: "epochs", label: "Epochs", num: true, cell: (t) => t.metrics?.epochs ?? t.epochsReported },
    { key: "durationMs", label: "Duration", num: true, cell: (t) => fmtDuration(t.metrics?.durationMs ?? (t.startedAt && t.finishedAt ? t.finishedAt - t.startedAt : undefined)) },
    { key: "workerId", label: "Worker", cell: (t) => t.workerId ?? "–" },
    { key: "backend", label: "Backend", cell: (t) => t.metrics?.backend ?? "–" },
  ].filter(Boolean);
}

let specParams = [];
function paramNames() {
  return specParams;
}

function renderHead() {
  const tr = el("tr");
  for (const c of columns()) {
    const sorted = view.sort === c.key ? (view.dir === "asc" ? " sorted-asc" : " sorted-desc") : "";
    tr.append(
      el("th", {
        class: "sortable" + (c.num ? " num" : "") + sorted,
        dataset: { sort: c.key },
        onclick: () => {
          if (view.sort === c.key) view.dir = view.dir === "asc" ? "desc" : "asc";
          else {
            view.sort = c.key;
            view.dir = "asc";
          }
          view.offset = 0;
          renderHead();
          refreshBoard.now();
        },
      }, c.label),
    );
  }
  $("leaderboard").tHead.replaceChildren(tr);
}

function renderFilters(counts) {
  const box = $("filters");
  box.replaceChildren(
    el("span", { class: "small muted" }, "Show:"),
    ...STATES.map((s) => {
      const cb = el("input", { type: "checkbox", dataset: { state: s } });
      cb.checked = view.states.has(s);
      cb.addEventListener("change", () => {
        if (cb.checked) view.states.add(s);
        else view.states.delete(s);
        view.offset = 0;
        refreshBoard.now();
      });
      return el("label", {}, cb, ` ${s} (${counts?.[s] ?? 0})`);
    }),
  );
}

let seen = new Map(); // trial → state, to flash rows that changed
function renderBoard(page) {
  lastPage = page;
  const cols = columns();
  const rows = page.rows.map((t) => {
    const changed = seen.size > 0 && seen.get(t.number) !== t.state;
    const tr = el("tr", {
      class: (view.selected.includes(t.number) ? "selected" : "") + (changed ? " flash" : ""),
      dataset: { trial: t.number, rank: t.rank ?? "", state: t.state, loss: t.state === "complete" ? (t.metrics?.valLoss ?? "") : (t.bestValLoss ?? "") },
      onclick: () => toggleCurve(t.number),
    });
    for (const c of cols) tr.append(el("td", { class: c.num ? "num" : "" }, c.cell(t)));
    return tr;
  });
  seen = new Map(page.rows.map((t) => [t.number, t.state]));
  if (rows.length === 0) rows.push(el("tr", {}, el("td", { colspan: String(cols.length), class: "muted" }, view.states.size === 0 ? "Pick at least one state." : "No trials in these states yet.")));
  $("leaderboard").tBodies[0].replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(page.total / view.limit));
  $("pageinfo").textContent = `${page.total === 0 ? 0 : view.offset + 1}–${Math.min(view.offset + view.limit, page.total)} of ${page.total} · page ${Math.floor(view.offset / view.limit) + 1} / ${pages}`;
  $("prev").disabled = view.offset === 0;
  $("next").disabled = view.offset + view.limit >= page.total;
  renderFilters(page.counts);
  document.body.dataset.rows = String(page.rows.length);
  if (view.autoSelect && view.sort === "rank" && view.dir === "asc" && view.offset === 0) {
    const top = page.rows.filter((t) => t.rank !== null && t.rank !== undefined).slice(0, 3).map((t) => t.number);
    if (top.join() !== view.selected.join()) {
      view.selected = top;
      refreshCurves.now();
    }
  }
}

async function loadBoard() {
  if (view.states.size === 0) {
    renderBoard({ rows: [], total: 0, counts: lastPage?.counts });
    return;
  }
  const page = await api(boardUrl());
  renderBoard(page);
  // The server may answer from a view up to 200 ms old while events stream: look again shortly.
  if (page.stale) setTimeout(() => refreshBoard(), 300);
}

function boardUrl() {
  const q = new URLSearchParams({ sort: view.sort, dir: view.dir, offset: String(view.offset), limit: String(view.limit) });
  if (view.states.size < STATES.length) q.set("state", [...view.states].join(","));
  return `${base}/trials?${q}`;
}

$("prev").addEventListener("click", () => {
  view.offset = Math.max(0, view.offset - view.limit);
  refreshBoard.now();
});
$("next").addEventListener("click", () => {
  view.offset += view.limit;
  refreshBoard.now();
});
$("pagesize").addEventListener("change", (e) => {
  view.limit = Number(e.target.value);
  view.offset = 0;
  refreshBoard.now();
});

// ---- curves ----

function toggleCurve(n) {
  view.autoSelect = false;
  view.selected = view.selected.includes(n) ? view.selected.filter((x) => x !== n) : [...view.selected, n].slice(-8);
  if (lastPage) renderBoard(lastPage);
  refreshCurves.now();
}

async function loadCurves() {
  if (view.selected.length === 0) {
    curvesChart.update([]);
    $("curves-note").textContent = "Click leaderboard rows to overlay their loss curves.";
    return;
  }
  const { curves } = await api(`${base}/curves?trials=${view.selected.join(",")}`);
  curvesChart.update(curves);
  $("curves-note").replaceChildren("Solid: validation; dashed: training. ", ...curves.map((c, i) => el("span", { style: `color:${colorFor(i)};margin-right:8px` }, `#${c.number} (${c.state})`)));
}

// ---- history charts and importance ----

/** Appends the trials of `inc` not already in `history` (finished trials never change). */
function mergeHistory(inc) {
  const seen = new Set(history.number);
  for (let i = 0; i < inc.number.length; i++) {
    if (seen.has(inc.number[i])) continue;
    history.number.push(inc.number[i]);
    history.state.push(inc.state[i]);
    history.loss.push(inc.loss[i]);
    history.finishedAt.push(inc.finishedAt[i]);
    inc.values.forEach((col, k) => history.values[k].push(col[i]));
  }
}

async function loadHistory() {
  // The whole history once (about 1 MB at 10,000 trials), then only what finished since, with a
  // minute's margin for workers whose clocks run behind (duplicates are dropped in the merge).
  const since = history && history.finishedAt.length ? Math.max(0, history.finishedAt[history.finishedAt.length - 1] - 60_000) : null;
  const r = await fetch(withToken(`${base}/history` + (since !== null ? `?since=${since}` : "")));
  if (!r.ok) return;
  const h = await r.json();
  if (r.headers.get("X-HyperQ-Stale") === "true") setTimeout(() => refreshHistory(), 1100);
  if (history && since !== null) mergeHistory(h);
  else history = h;
  bestChart.update(history);
  drawParallel($("parallel"), history);
  if (performance.getEntriesByName("hq:charts").length === 0) performance.mark("hq:charts");
}
new ResizeObserver(() => history && drawParallel($("parallel"), history)).observe($("parallel"));

async function loadImportance() {
  const imp = await api(`${base}/importance`);
  if (imp.stale) setTimeout(() => refreshImportance(), 5100);
  const box = $("importance");
  if (imp.params.length === 0) {
    box.replaceChildren(el("div", { class: "muted", style: "grid-column: 1 / -1" }, `Needs more complete trials (has ${imp.trials}).`));
  } else {
    const max = Math.max(...imp.params.map((p) => p.importance), 1e-9);
    box.replaceChildren(
      ...imp.params.flatMap((p) => [
        el("div", {}, p.name),
        el("div", {}, el("div", { class: "bar", style: `width:${((100 * p.importance) / max).toFixed(1)}%`, title: `ω² = ${p.omegaSquared.toFixed(3)} over ${p.trials} trials` })),
        el("div", { class: "num" }, `${(100 * p.importance).toFixed(0)}%`),
      ]),
    );
  }
  $("importance-note").textContent = `From ${imp.trials} complete trials: ${imp.method}.`;
}

// ---- workers ----

async function loadWorkers() {
  const { workers } = await api("/api/workers");
  const rows = workers.map((w) =>
    el(
      "tr",
      { dataset: { worker: w.id } },
      el("td", {}, el("span", { class: "dot " + (w.alive ? "alive" : "dead"), title: w.alive ? "alive" : "no recent heartbeat" }), w.id),
      el("td", {}, `${w.host} (pid ${w.pid})`),
      el("td", {}, w.backend),
      el("td", {}, w.current.length ? w.current.join(", ") : el("span", { class: "muted" }, "idle")),
      el("td", {}, fmtDuration(Date.now() - w.seenAt) + " ago"),
      el("td", {}, el("button", { class: "small", dataset: { stop: w.id }, onclick: () => stopWorker(w.id) }, "Stop")),
    ),
  );
  $("workers").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No workers announced. Start one with `hyperq worker`."))]));
}

// ---- live ----

const refreshSummary = throttle(loadSummary, 500);
const refreshBoard = throttle(loadBoard, 250);
const refreshCurves = throttle(loadCurves, 500);
const refreshHistory = throttle(loadHistory, 1000);
const refreshImportance = throttle(loadImportance, 3000);
const refreshWorkers = throttle(loadWorkers, 2000);

function onEvents(events) {
  let board = false;
  let summary = false;
  let finished = false;
  let curves = false;
  for (const e of events) {
    switch (e.type) {
      case "trial.finished":
        finished = board = summary = true;
        if (view.selected.includes(e.trial)) curves = true;
        break;
      case "trial.started":
      case "trial.created":
        board = summary = true;
        break;
      case "trial.epoch":
        if (view.states.has("running")) board = true;
        if (view.selected.includes(e.trial)) curves = true;
        break;
      case "sweep.state":
      case "sweep.extended":
        summary = board = true;
        break;
      case "sampler.warning":
        notice(`Sampler: ${e.message}`);
        break;
    }
  }
  if (board) refreshBoard();
  if (summary) refreshSummary();
  if (curves) refreshCurves();
  if (finished) {
    refreshHistory();
    refreshImportance();
    refreshWorkers();
  }
}

function refreshAll() {
  history = null;
  refreshSummary();
  refreshBoard();
  refreshCurves();
  refreshHistory();
  refreshImportance();
  refreshWorkers();
}

async function start() {
  // The first page of the leaderboard is fetched while the summary is: rows show after one round trip.
  const firstPage = api(boardUrl());
  firstPage.catch(() => {});
  try {
    const summary = await api(base);
    specParams = summary.axes.map((a) => a.name);
    for (const [name, p] of Object.entries(summary.spec.space)) if (!specParams.includes(name) && p.type !== "fixed") specParams.push(name);
    renderSummary(summary);
  } catch (e) {
    $("title").textContent = e instanceof ApiError && e.status === 404 ? `No sweep "${sweepId}"` : `Cannot load sweep: ${e.message}`;
    return;
  }
  renderHead();
  try {
    renderBoard(await firstPage);
  } catch {
    await refreshBoard.now();
  }
  performance.mark("hq:first-rows");
  document.body.dataset.ready = "1";
  connectEvents("sweep=" + encodeURIComponent(sweepId), { onEvents, onReset: refreshAll });
  // uPlot is a deferred classic script: it is there by DOMContentLoaded.
  const charts = () => {
    refreshHistory.now();
    refreshImportance.now();
    refreshWorkers.now();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", charts);
  else charts();
  // Heartbeats change no event: look at the workers now and then.
  setInterval(refreshWorkers, 10_000);
  setInterval(refreshSummary, 15_000);
}

start();

/** The models the sweep keeps: how many of at most keepModels, and their bytes. */
function modelsFact(models) {
  if (!models) return el("div", {});
  if (models.keepModels === 0) return el("div", { class: "muted" }, "models: none kept (keepModels 0)");
  const kib = models.bytes / 1024;
  const size = kib < 1024 ? `${kib.toFixed(1)} KiB` : `${(kib / 1024).toFixed(2)} MiB`;
  return el("div", { id: "models" }, "models kept ", el("b", {}, `${models.trials.length} / ${models.keepModels}`), " · ", el("b", {}, size));
}
