import express from "express";
import { WORKER_ALIVE_MS, type SweepStore } from "@hyperq/store";
import { hostGuard, readGuard, requireToken } from "./auth.ts";
import { EventHub } from "./event-hub.ts";
import { noopLogger, type DashboardLogger } from "./log.ts";
import type { RouteContext } from "./routes/context.ts";
import { compareRouter } from "./routes/compare.ts";
import { apiNotFound, errorHandler } from "./routes/errors.ts";
import { eventsRouter } from "./routes/events.ts";
import { exportRouter } from "./routes/export.ts";
import { healthRouter } from "./routes/health.ts";
import { staticRouter } from "./routes/static.ts";
import { sweepsRouter } from "./routes/sweeps.ts";
import { trialsRouter } from "./routes/trials.ts";
import { workersRouter } from "./routes/workers.ts";
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

/**
 * The dashboard: JSON API, SSE stream and pages over one SweepStore, one router per resource
 * behind the host and token guards. Does not listen; see `startDashboard` for that.
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
  const hub = new EventHub(store, { log });
  const cache = new TrialCache(hub, deps.cache);
  const sse = new SseBroadcaster(hub, deps.sse);
  const auth = { token: deps.token, tokenForReads: deps.tokenForReads };
  const ctx: RouteContext = { store, hub, cache, sse, log, now: deps.now ?? Date.now, requireToken: requireToken(auth) };

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  if (deps.allowedHosts) app.use(hostGuard(deps.allowedHosts));
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  app.use(readGuard(auth));

  app.use(staticRouter(cache));
  app.use(healthRouter(ctx, deps.healthTimeoutMs));
  app.use(sweepsRouter(ctx));
  app.use(trialsRouter(ctx));
  app.use(exportRouter(ctx));
  app.use(workersRouter(ctx, deps.workerStaleMs ?? WORKER_ALIVE_MS));
  app.use(eventsRouter(sse));
  app.use(compareRouter(store));
  app.use("/api", apiNotFound);
  app.use(errorHandler(log));

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
