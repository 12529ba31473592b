import express, { type Router } from "express";
import type { RouteContext } from "./context.ts";

/**
 * `GET /api/health`: 200 when the store answers within `timeoutMs`, else 503 with the reason (a
 * load balancer or `curl -f` sees the dashboard cannot serve data); the event reader's and
 * caches' figures either way.
 */
export function healthRouter(ctx: RouteContext, timeoutMs: number | undefined): Router {
  const { store, hub, sse, cache } = ctx;
  const r = express.Router();
  r.get("/api/health", async (_req, res) => {
    const m = process.memoryUsage();
    const reason = await store.ping(timeoutMs).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    res.status(reason === undefined ? 200 : 503).json({
      ok: reason === undefined,
      store: reason === undefined ? "ok" : `unreachable: ${reason}`,
      eventsDelivered: hub.delivered,
      sseClients: sse.size,
      cachedSweeps: cache.size,
      memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed },
    });
  });
  return r;
}
