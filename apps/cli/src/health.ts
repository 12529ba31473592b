/**
 * Health endpoints for the long-running processes (`hyperq worker|coordinator --health-port`),
 * for container probes and HEALTHCHECKs:
 * - `GET /healthz`: liveness. 200 while the process runs and its event loop has not stalled
 *   (a stalled loop stops renewing trial locks and reading events); 503 otherwise.
 * - `GET /readyz`: readiness. 200 when every check passes (Redis reachable, the worker registered,
 *   the coordinator's loop running); 503 with the failing checks otherwise.
 * Both answer JSON: `{ ok, checks | eventLoopLagMs, reason? }`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import { WORKER_ALIVE_MS, isWorkerAlive, type SweepStore } from "@hyperq/store";
import { UsageError } from "./config.ts";

/** One readiness check: `true`, or why not. */
export type ReadyCheck = () => Promise<true | string>;

export interface HealthServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Probes come from the node or the container runtime, not from loopback. @defaultValue "0.0.0.0" */
  host?: string;
  /** Named readiness checks, run in parallel on each `/readyz`. */
  ready: Record<string, ReadyCheck>;
  /** A check that has not answered within this long fails. @defaultValue 3000 */
  checkTimeoutMs?: number;
  /** `/healthz` fails when the event loop was blocked this long within the last `stallWindowMs`. @defaultValue 10000 */
  stallMs?: number;
  /** @defaultValue 30000 */
  stallWindowMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

const TICK_MS = 250;

async function runCheck(check: ReadyCheck, timeoutMs: number): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check().catch((e: unknown) => (e instanceof Error ? e.message : String(e))),
      new Promise<string>((r) => (timer = setTimeout(() => r(`no answer within ${timeoutMs} ms`), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Serves `/healthz` and `/readyz` until closed. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const stallMs = opts.stallMs ?? 10_000;
  const windowMs = opts.stallWindowMs ?? 30_000;
  const timeoutMs = opts.checkTimeoutMs ?? 3000;
  // A ticker measures how late it fires: the event loop's stalls, kept for the window.
  const lags: { at: number; lagMs: number }[] = [];
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    const lagMs = Math.max(0, now - last - TICK_MS);
    last = now;
    if (lagMs > 0) lags.push({ at: now, lagMs });
    while (lags.length > 0 && now - lags[0]!.at > windowMs) lags.shift();
  }, TICK_MS);
  ticker.unref();

  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(`${JSON.stringify(body)}\n`);
    };
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return reply(405, { ok: false, reason: "GET only" });
    if (path === "/healthz") {
      const worst = Math.max(0, Date.now() - last - TICK_MS, ...lags.map((l) => l.lagMs));
      if (worst >= stallMs) return reply(503, { ok: false, eventLoopLagMs: worst, reason: `event loop stalled for ${worst} ms (limit ${stallMs} ms)` });
      return reply(200, { ok: true, eventLoopLagMs: worst });
    }
    if (path === "/readyz") {
      const names = Object.keys(opts.ready);
      void Promise.all(names.map((n) => runCheck(opts.ready[n]!, timeoutMs))).then((results) => {
        const checks = Object.fromEntries(names.map((n, i) => [n, results[i] === true ? "ok" : results[i]!]));
        const ok = results.every((r) => r === true);
        reply(ok ? 200 : 503, { ok, checks });
      });
      return;
    }
    reply(404, { ok: false, reason: "GET /healthz or /readyz" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new UsageError(e.code === "EADDRINUSE" ? `--health-port ${opts.port} is in use; pick another` : `cannot serve health checks on ${opts.host ?? "0.0.0.0"}:${opts.port}: ${e.message}`)),
    );
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Redis answers PING. */
export function redisCheck(redis: Redis): ReadyCheck {
  return async () => ((await redis.ping()) === "PONG" ? true : "Redis did not answer PONG");
}

/** A worker is ready once its announcement is in the registry and its heartbeat is fresh. */
export function workerRegisteredCheck(store: SweepStore, workerId: string, aliveMs = WORKER_ALIVE_MS): ReadyCheck {
  return async () => {
    const me = (await store.listWorkers()).find((w) => w.id === workerId);
    if (!me) return `worker ${workerId} is not registered`;
    const now = Date.now();
    const age = now - me.seenAt;
    return isWorkerAlive(me, now, aliveMs) ? true : `worker ${workerId}'s last heartbeat is ${age} ms old`;
  };
}

/** The coordinator's loop has completed a pass recently. */
export function coordinatorLoopCheck(lastPassAt: () => number | undefined, staleMs = 30_000): ReadyCheck {
  return async () => {
    const at = lastPassAt();
    if (at === undefined) return "the coordinator loop has not completed a pass yet";
    const age = Date.now() - at;
    return age <= staleMs ? true : `the coordinator loop's last pass was ${age} ms ago`;
  };
}
