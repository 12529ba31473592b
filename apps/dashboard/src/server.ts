import { createHash, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { STATUS_CODES } from "node:http";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import type { NextFunction, Request, Response } from "express";
import type { z } from "zod";
import { TRIAL_STATES, isFinishedTrialState, parseTrialJobId, type SweepState, type TrialRecord, type TrialState } from "@hyperq/protocol";
import { WORKER_ALIVE_MS, finishedCount, isWorkerAlive, type SweepRecord, type SweepStore, type WorkerInfo } from "@hyperq/store";
import { paramAxes, paramImportance, sweepHistory } from "./analysis.ts";
import { EventHub } from "./event-hub.ts";
import { keptModelsSummary } from "./models.ts";
import { trialsToCsv, trialsToJson } from "./export.ts";
import { lifecycleRoutes } from "./lifecycle-routes.ts";
import { noopLogger, type DashboardLogger } from "./log.ts";
import { rankMap, sortTrials, type SortKey } from "./ranking.ts";
import {
  curvesQuerySchema,
  describeZodError,
  eventsQuerySchema,
  historyQuerySchema,
  leaderboardQuerySchema,
  noQuerySchema,
  sweepIdSchema,
  trialNumberSchema,
} from "./schemas.ts";
import { SseBroadcaster, type SseOptions } from "./sse.ts";
import { TrialCache, type TrialCacheOptions } from "./trial-cache.ts";

export interface DashboardDeps {
  store: SweepStore;
  /**
   * The secret control actions (pause, resume, cancel) require, sent in a header only
   * (`Authorization: Bearer <token>` or `X-HyperQ-Token`): a URL ends up in logs and browser
   * history. Without one, control actions are refused (403) and the dashboard is read-only.
   */
  token?: string;
  /**
   * Reads need the token too (header, or `?token=` for pages and the event stream). For a dashboard
   * bound beyond localhost. @defaultValue false
   */
  tokenForReads?: boolean;
  /**
   * Host header names accepted (without port); others get 421. Guards a localhost dashboard against
   * DNS rebinding. @defaultValue any
   */
  allowedHosts?: readonly string[];
  log?: DashboardLogger;
  /** A worker whose last heartbeat is older shows as not alive. @defaultValue WORKER_ALIVE_MS (15000) */
  workerStaleMs?: number;
  sse?: SseOptions;
  cache?: TrialCacheOptions;
  /** @defaultValue Date.now */
  now?: () => number;
  /** How long `/api/health` waits for the store's answer before it reports 503. @defaultValue 2000 */
  healthTimeoutMs?: number;
}

/** The express app plus what it runs in the background (one event-stream reader, the caches). */
export type DashboardApp = express.Express & {
  /** Stops the event reader and ends every SSE stream. The store stays open (the caller owns it). */
  dispose(): void;
  /** Loads the trials of the newest running sweeps into the cache, so the first sort is fast. */
  warm(maxSweeps?: number): Promise<void>;
  /** For /api/health and tests. */
  readonly dashboard: { hub: EventHub; cache: TrialCache; sse: SseBroadcaster };
};

/** An error with the HTTP status and the message the client sees. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));
const UPLOT_DIR = `${dirname(createRequire(import.meta.url).resolve("uplot/package.json"))}/dist`;

/** A summary row of the sweeps page. */
export interface SweepSummary {
  id: string;
  name: string;
  state: SweepState;
  method: string;
  budget: number;
  /** Finished trials (complete, pruned, failed). */
  done: number;
  counts: Record<TrialState, number>;
  best: { trial: number; valLoss: number } | null;
  createdAt: number;
  finishedAt: number | null;
  durationMs: number;
  dataset: { source: string; target: string; horizon: number; targetTransform: string };
  epochs: number;
  parallelism: number;
  /** A warm-started sweep's source and how many observations it took from it. */
  warmStart: { from: string; observations: number } | null;
}

const DEFAULT_TARGETS: Record<string, string> = { sp500: "close", "seattle-weather": "temp_max" };

export function summarizeSweep(s: SweepRecord, now: number): SweepSummary {
  const d = s.spec.dataset;
  const source = d.name ?? (d.path === undefined ? "?" : basename(d.path));
  return {
    id: s.id,
    name: s.name,
    state: s.state,
    method: s.spec.method,
    budget: s.budget,
    done: finishedCount(s.counts),
    counts: s.counts,
    best: s.best ?? null,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt ?? null,
    durationMs: (s.finishedAt ?? now) - s.createdAt,
    dataset: { source, target: d.target ?? DEFAULT_TARGETS[source] ?? "(default)", horizon: d.horizon, targetTransform: d.targetTransform },
    epochs: s.spec.epochs,
    parallelism: s.spec.parallelism,
    warmStart: s.warmStart ?? null,
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `bad ${what}: ${describeZodError(r.error)}`);
  return r.data;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/** The token a request presents: in a header, or for reads (pages, downloads, the event stream) also as `?token=`. */
function presentedToken(req: Request, where: "header" | "header-or-query"): string | undefined {
  const auth = req.get("authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const h = req.get("x-hyperq-token");
  if (h) return h;
  const q = req.query.token;
  return where === "header-or-query" && typeof q === "string" ? q : undefined;
}

/** The spec as the dashboard shows it: a user dataset by its file name, not the launcher's path. */
export function publicSpec(spec: SweepRecord["spec"]): SweepRecord["spec"] {
  const d = spec.dataset;
  return d.path === undefined ? spec : { ...spec, dataset: { ...d, path: basename(d.path) } };
}

function tokenMatches(expected: string, given: string | undefined): boolean {
  return given !== undefined && timingSafeEqual(digest(expected), digest(given));
}

/**
 * The dashboard: JSON API, SSE stream and pages over one SweepStore. Does not listen; see
 * `startDashboard` for that.
 *
 * ```ts
 * const app = createServer({ store: new MemorySweepStore() });
 * await request(app).get("/api/sweeps").expect(200);
 * app.dispose();
 * ```
 */
export function createServer(deps: DashboardDeps): DashboardApp {
  const { store } = deps;
  const log = deps.log ?? noopLogger;
  const now = deps.now ?? Date.now;
  const staleMs = deps.workerStaleMs ?? WORKER_ALIVE_MS;
  const hub = new EventHub(store, { log });
  const cache = new TrialCache(hub, deps.cache);
  const sse = new SseBroadcaster(hub, deps.sse);
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  if (deps.allowedHosts) {
    const allowed = new Set(deps.allowedHosts.map((h) => h.toLowerCase()));
    app.use((req, _res, next) => {
      const host = (req.get("host") ?? "").toLowerCase().replace(/:\d+$/, "");
      if (!allowed.has(host)) return next(new HttpError(421, `this dashboard answers to ${[...allowed].join(", ")}, not "${host}"`));
      next();
    });
  }

  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    if (deps.tokenForReads && req.method === "GET" && req.path !== "/api/health" && !req.path.startsWith("/static/") && !req.path.startsWith("/vendor/")) {
      if (!deps.token || !tokenMatches(deps.token, presentedToken(req, "header-or-query"))) return next(new HttpError(401, "this dashboard needs its token to read: open it with ?token=<HYPERQ_TOKEN>"));
    }
    next();
  });

  const requireToken = (req: Request, _res: Response, next: NextFunction): void => {
    if (!deps.token) return next(new HttpError(403, "control actions are disabled: start the dashboard with HYPERQ_TOKEN set"));
    if (!tokenMatches(deps.token, presentedToken(req, "header"))) return next(new HttpError(401, "control actions need the token in a header (Authorization: Bearer <HYPERQ_TOKEN>), never in the URL"));
    next();
  };

  const sweepOr404 = async (raw: unknown): Promise<SweepRecord> => {
    const id = parse(sweepIdSchema, raw, "sweep id");
    const s = await store.getSweep(id);
    if (!s) throw new HttpError(404, `no sweep "${id}"`);
    return s;
  };

  // Static: the pages, their scripts, and uPlot straight from node_modules (no CDN).
  const staticOpts = { fallthrough: false, index: false, maxAge: "5m" } as const;
  app.use("/static", express.static(PUBLIC_DIR, staticOpts));
  app.use("/vendor/uplot", express.static(UPLOT_DIR, { ...staticOpts, maxAge: "1d" }));
  app.get("/", (_req, res) => res.sendFile("index.html", { root: PUBLIC_DIR }));
  app.get("/favicon.ico", (_req, res) => res.status(204).end());
  app.get("/sweeps/:id", (req, res) => {
    // Warm the trial cache while the browser loads the page's scripts.
    const id = sweepIdSchema.safeParse(req.params.id);
    if (id.success) void cache.snapshot(id.data).catch(() => {});
    res.sendFile("sweep.html", { root: PUBLIC_DIR });
  });

  app.get("/api/health", async (_req, res) => {
    const m = process.memoryUsage();
    const reason = await store.ping(deps.healthTimeoutMs).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    // 503 with the reason: a load balancer or `curl -f` sees the dashboard cannot serve data.
    res.status(reason === undefined ? 200 : 503).json({
      ok: reason === undefined,
      store: reason === undefined ? "ok" : `unreachable: ${reason}`,
      eventsDelivered: hub.delivered,
      sseClients: sse.size,
      cachedSweeps: cache.size,
      memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed },
    });
  });

  app.get("/api/sweeps", async (req, res) => {
    parse(noQuerySchema, req.query, "query");
    const t = now();
    res.json({ sweeps: (await store.listSweeps()).map((s) => summarizeSweep(s, t)) });
  });

  app.get("/api/sweeps/:id", async (req, res) => {
    parse(noQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    void cache.snapshot(s.id).catch(() => {});
    const best = s.best ? ((await store.getTrial(s.id, s.best.trial)) ?? null) : null;
    res.json({ sweep: summarizeSweep(s, now()), spec: publicSpec(s.spec), axes: paramAxes(s), best, models: await keptModelsSummary(store, s) });
  });

  app.get("/api/sweeps/:id/trials", async (req, res) => {
    const q = parse(leaderboardQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    const sort: SortKey = q.sort ?? "rank";
    const dir = q.dir ?? "asc";
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 50;
    const states: readonly TrialState[] | undefined = q.state;
    // Ranked trials come first in rank order, so a page that ends within them is the store's own
    // leaderboard, paged in Redis: no load of 10,000 trials on a cold start. Once the sweep is in
    // memory, the same order is served from there (one Redis read instead of four).
    const wanted = states ?? TRIAL_STATES;
    const rankedStates = (["complete", "pruned"] as const).filter((x) => wanted.includes(x));
    const rankedTotal = rankedStates.reduce((n, x) => n + s.counts[x], 0);
    const total = wanted.reduce((n, x) => n + s.counts[x], 0);
    const withinRanked = offset + limit <= rankedTotal || rankedTotal === total;
    if (sort === "rank" && dir === "asc" && rankedStates.length > 0 && withinRanked && !cache.isWarm(s.id)) {
      const page = await store.leaderboard(s.id, { offset, limit, states: rankedStates });
      const before = rankedStates[0] === "pruned" ? s.counts.complete : 0;
      res.json({
        total: rankedTotal === total ? page.total : total,
        offset,
        limit,
        sort,
        dir,
        counts: s.counts,
        rows: page.rows.map((t, i) => ({ ...t, rank: before + offset + i + 1 })),
      });
      return;
    }
    // From memory. Under a stream of events a big sweep's view may be served up to 250 ms old
    // (then `stale: true` and the page asks again): one sort per request would not keep p95 low.
    const key = `lb:${sort}:${dir}:${states?.join(",") ?? "*"}`;
    const view = await cache.derive(
      s.id,
      key,
      (snap) => {
        const ranks = cache.memoOf(s.id, snap, "ranks", () => rankMap(snap.trials));
        return { ranks, rows: sortTrials(states ? snap.trials.filter((t) => states.includes(t.state)) : snap.trials, sort, dir, ranks) };
      },
      { maxStaleMs: 250, costFactor: 20 },
    );
    const { ranks, rows } = view.value;
    res.json({
      total: rows.length,
      offset,
      limit,
      sort,
      dir,
      counts: s.counts,
      stale: view.stale,
      rows: rows.slice(offset, offset + limit).map((t) => ({ ...t, rank: ranks.get(t.number) ?? null })),
    });
  });

  app.get("/api/sweeps/:id/trials/:n", async (req, res) => {
    parse(noQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    const n = parse(trialNumberSchema, req.params.n, "trial number");
    const [trial, epochs] = await Promise.all([store.getTrial(s.id, n), store.epochs(s.id, n)]);
    if (!trial) throw new HttpError(404, `sweep "${s.id}" has no trial ${n}`);
    res.json({ trial, epochs });
  });

  app.get("/api/sweeps/:id/curves", async (req, res) => {
    const q = parse(curvesQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    const curves = await Promise.all(
      q.trials.map(async (n) => {
        const [trial, epochs] = await Promise.all([store.getTrial(s.id, n), store.epochs(s.id, n)]);
        return trial ? { number: n, state: trial.state, epochs } : undefined;
      }),
    );
    res.json({ curves: curves.filter((c) => c !== undefined) });
  });

  app.get("/api/sweeps/:id/history", async (req, res) => {
    const q = parse(historyQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    if (q.since !== undefined) {
      // A live page's increment: the trials finished since its last look.
      const snap = await cache.snapshot(s.id);
      res.json(sweepHistory(s, snap.trials, q.since));
      return;
    }
    // Serialized once per change: a 10,000-trial history is about 1 MB.
    const { value: body, stale } = await cache.derive(s.id, "history", (snap) => JSON.stringify(sweepHistory(s, snap.trials)), { maxStaleMs: 1000, costFactor: 20 });
    res.setHeader("X-HyperQ-Stale", String(stale));
    res.type("application/json").send(body);
  });

  app.get("/api/sweeps/:id/importance", async (req, res) => {
    parse(noQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    // About 50 ms of arithmetic at 10,000 trials: then at most every 2.5 s.
    const { value, stale } = await cache.derive(s.id, "importance", (snap) => paramImportance(s, snap.trials), { maxStaleMs: 5000, costFactor: 50 });
    res.json({ ...value, stale });
  });

  const exportRoute = (format: "csv" | "json") => async (req: Request, res: Response) => {
    parse(noQuerySchema, req.query, "query");
    const s = await sweepOr404(req.params.id);
    const trials: readonly TrialRecord[] = (await cache.snapshot(s.id)).trials;
    res.setHeader("Content-Disposition", `attachment; filename="${s.id}-trials.${format}"`);
    if (format === "csv") res.type("text/csv; charset=utf-8").send(trialsToCsv(s, trials));
    else res.type("application/json").send(trialsToJson({ ...s, spec: publicSpec(s.spec) }, trials));
  };
  app.get("/api/sweeps/:id/export.csv", exportRoute("csv"));
  app.get("/api/sweeps/:id/export.json", exportRoute("json"));

  app.get("/api/workers", async (req, res) => {
    parse(noQuerySchema, req.query, "query");
    const t = now();
    const workers = await store.listWorkers();
    // A worker re-announces after BullMQ's completion event, which follows the trial's finish in
    // the store: for a moment its list may still name a finished trial. Those are left out here.
    const finished = new Set<string>();
    await Promise.all(
      [...new Set(workers.flatMap((w) => w.current))].map(async (jobId) => {
        const ref = parseTrialJobId(jobId);
        const state = ref ? (await store.getTrial(ref.sweepId, ref.trialNumber))?.state : undefined;
        if (state !== undefined && isFinishedTrialState(state)) finished.add(jobId);
      }),
    );
    res.json({ workers: workers.map((w: WorkerInfo) => ({ ...w, current: w.current.filter((j) => !finished.has(j)), alive: isWorkerAlive(w, t, staleMs) })) });
  });

  app.get("/api/events", (req, res) => {
    const q = parse(eventsQuerySchema, req.query, "query");
    sse.attach(req, res, { sweepId: q.sweep, types: q.types });
  });

  const control = (target: SweepState, verb: string) => async (req: Request, res: Response) => {
    const s = await sweepOr404(req.params.id);
    const ok = await store.setSweepState(s.id, target, now());
    if (!ok) throw new HttpError(409, `cannot ${verb} sweep "${s.id}": it is ${s.state}`);
    log.info({ sweepId: s.id, from: s.state, to: target }, `sweep ${verb}d from the dashboard`);
    res.json({ ok: true, id: s.id, state: target });
  };
  app.post("/api/sweeps/:id/pause", requireToken, control("paused", "pause"));
  app.post("/api/sweeps/:id/resume", requireToken, control("running", "resume"));
  app.post("/api/sweeps/:id/cancel", requireToken, control("cancelled", "cancel"));
  app.use(lifecycleRoutes({ store, requireToken, log, httpError: (status, message) => new HttpError(status, message) }));

  app.use("/api", (req, _res, next) => next(new HttpError(404, `no route ${req.method} ${req.originalUrl.split("?")[0] ?? ""}`)));

  // Every error becomes { error } with a status; only unexpected ones are logged, never sent.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let message = "internal error";
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (typeof err === "object" && err !== null && "status" in err && typeof err.status === "number" && err.status >= 400 && err.status < 500) {
      // Express's own 4xx (a path-traversal attempt on the static files is send's 403): the status's name.
      status = err.status;
      message = (STATUS_CODES[status] ?? "bad request").toLowerCase();
    } else {
      log.error({ err: err instanceof Error ? (err.stack ?? err.message) : String(err), method: req.method, url: req.originalUrl }, "dashboard request failed");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json({ error: message });
  });

  const dispose = (): void => {
    sse.close();
    cache.close();
    hub.close();
  };
  const warm = async (maxSweeps = 2): Promise<void> => {
    const running = (await store.listSweeps()).filter((x) => x.state === "running").slice(0, maxSweeps);
    for (const x of running) await cache.snapshot(x.id);
  };
  return Object.assign(app, { dispose, warm, dashboard: { hub, cache, sse } });
}
