import type { AddressInfo } from "node:net";
import type { SweepStore } from "@hyperq/store";
import { DashboardStartError, describeListenError } from "./errors.ts";
import { noopLogger, type DashboardLogger } from "./log.ts";
import { createServer, type DashboardDeps } from "./server.ts";
import { DashboardMetrics, type DashboardMetricsOptions } from "./metrics.ts";
import { metricsRouter } from "./routes/metrics.ts";

export interface StartDashboardOptions {
  store: SweepStore;
  /** 0 picks a free port. */
  port: number;
  /** Interface to bind. @defaultValue "127.0.0.1" (this machine only) */
  host?: string;
  /** HYPERQ_TOKEN: enables control actions; when bound beyond localhost, reads need it too. */
  token?: string;
  /**
   * Serve beyond localhost without a token (anyone who reaches it reads every sweep). Without it,
   * such a start is refused with a DashboardStartError. @defaultValue false
   */
  insecure?: boolean;
  log?: DashboardLogger;
  /** Passed to createServer (SSE and cache tuning, worker staleness). */
  server?: Pick<DashboardDeps, "sse" | "cache" | "workerStaleMs">;
  /** Serve `GET /metrics` (Prometheus), with BullMQ's queue metrics when a queue is given. */
  metrics?: Omit<DashboardMetricsOptions, "store" | "hub">;
}

export interface RunningDashboard {
  /** e.g. "http://127.0.0.1:8787" */
  url: string;
  port: number;
  /** Stops listening, ends SSE streams and the event reader; leaves the store open. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Serves the dashboard. On localhost (the default) reading is open and the Host header must name
 * localhost (no DNS rebinding); elsewhere reading needs the token, and without one it refuses to
 * start unless `insecure` is set.
 *
 * ```ts
 * const d = await startDashboard({ store, port: 8787, token: process.env.HYPERQ_TOKEN });
 * log.info({ url: d.url }, "dashboard up");
 * ```
 */
export async function startDashboard(opts: StartDashboardOptions): Promise<RunningDashboard> {
  const host = opts.host ?? "127.0.0.1";
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new DashboardStartError(`port must be an integer in 0..65535 (0: any free port), but got ${opts.port}`);
  }
  const log = opts.log ?? noopLogger;
  const local = isLoopback(host);
  const deps: DashboardDeps = { store: opts.store, log, ...opts.server };
  if (opts.token !== undefined && opts.token !== "") deps.token = opts.token;
  if (!local && !deps.token && !opts.insecure) {
    throw new DashboardStartError(
      `refusing to serve the dashboard on ${host} without HYPERQ_TOKEN: anyone who reaches it could read every sweep. Set HYPERQ_TOKEN, bind 127.0.0.1, or pass --insecure to serve it openly`,
    );
  }
  if (local) deps.allowedHosts = ["127.0.0.1", "localhost", "[::1]", "::1", host.toLowerCase()];
  else if (deps.token) deps.tokenForReads = true;
  const app = createServer(deps);
  const metrics = opts.metrics ? new DashboardMetrics({ ...opts.metrics, store: opts.store, hub: app.dashboard.hub }) : undefined;
  if (metrics) app.use(metricsRouter(metrics));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(opts.port, host);
    s.once("listening", () => resolve(s));
    s.once("error", (e: NodeJS.ErrnoException) => {
      app.dispose();
      reject(describeListenError(e, host, opts.port));
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const url = `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${port}`;
  if (!local && !deps.token) log.warn({ host }, "dashboard bound beyond localhost without HYPERQ_TOKEN: anyone who reaches it can read every sweep; control actions are disabled");
  log.info({ url, control: deps.token !== undefined, tokenForReads: deps.tokenForReads ?? false }, "dashboard listening");
  void app.warm().catch((e: unknown) => log.warn({ err: String(e) }, "could not preload the running sweeps' trials"));
  return {
    url,
    port,
    close: async () => {
      metrics?.close();
      app.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
