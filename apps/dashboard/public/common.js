// Shared by the pages: API calls (with the token when there is one), the live event stream,
// throttling and formatting.

const params = new URLSearchParams(location.search);
/** A token in the page's URL means the dashboard needs it to read; it is passed on to every request. */
const readToken = params.get("token") ?? "";
if (readToken) sessionStorage.setItem("hyperq-token", readToken);

export function controlToken() {
  return sessionStorage.getItem("hyperq-token") ?? "";
}
export function setControlToken(t) {
  if (t) sessionStorage.setItem("hyperq-token", t);
  else sessionStorage.removeItem("hyperq-token");
}

/** A URL with the read token appended, for links, downloads and the event stream. */
export function withToken(url) {
  if (!readToken) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(readToken);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = "GET", control = false } = {}) {
  const headers = { Accept: "application/json" };
  const t = control ? controlToken() : readToken;
  if (t) headers.Authorization = "Bearer " + t;
  const res = await fetch(path, { method, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error ?? res.statusText);
  return body;
}

/**
 * Runs `fn` at most once per `minMs` (adaptive: never more often than 4× its own duration), with a
 * trailing run when asked again meanwhile. Calls never overlap.
 */
export function throttle(fn, minMs) {
  let last = 0;
  let running = false;
  let again = false;
  let timer = 0;
  let cost = 0;
  const run = async () => {
    timer = 0;
    running = true;
    again = false;
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      console.warn(e);
    }
    cost = performance.now() - t0;
    last = performance.now();
    running = false;
    if (again) schedule();
  };
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    const gap = Math.max(minMs, cost * 4);
    const wait = Math.max(0, last + gap - performance.now());
    timer = setTimeout(run, wait);
  };
  schedule.now = () => run();
  return schedule;
}

/**
 * One EventSource for the page. `onEvents` gets each batch; `onReset` when the server says the
 * client fell behind or after a reconnect (refetch everything).
 */
export function connectEvents(query, { onEvents, onReset }) {
  const live = document.getElementById("live");
  const setLive = (on, text) => {
    if (!live) return;
    live.className = "live " + (on ? "on" : "off");
    live.textContent = text;
  };
  const es = new EventSource(withToken("/api/events" + (query ? "?" + query : "")));
  let opened = false;
  es.addEventListener("hello", () => {
    setLive(true, "live");
    if (opened) onReset();
    opened = true;
  });
  es.addEventListener("events", (m) => onEvents(JSON.parse(m.data)));
  es.addEventListener("reset", () => onReset());
  es.addEventListener("error", () => setLive(false, "reconnecting…"));
  return es;
}

export function fmtLoss(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return v < 1e-3 || v >= 1e4 ? v.toExponential(3) : v.toPrecision(4);
}
export function fmtNum(v, digits = 2) {
  return v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);
}
export function fmtParam(v) {
  if (v === undefined || v === null) return "–";
  if (typeof v === "number" && !Number.isInteger(v)) return Math.abs(v) < 0.01 ? v.toExponential(2) : v.toPrecision(3);
  return String(v);
}
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min";
}
export function fmtTime(ms) {
  return ms ? new Date(ms).toLocaleString() : "–";
}
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
export function badge(state) {
  return el("span", { class: "badge " + state }, state);
}
