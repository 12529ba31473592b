/**
 * @hyperq/dashboard — a live, ranked view of every sweep: JSON API, Server-Sent Events and pages.
 *
 * ```ts
 * import { RedisSweepStore, connectRedis } from "@hyperq/store";
 * import { startDashboard } from "@hyperq/dashboard";
 * const store = new RedisSweepStore(connectRedis("redis://127.0.0.1:6379"));
 * const d = await startDashboard({ store, port: 8787, token: process.env.HYPERQ_TOKEN });
 * ```
 *
 * The download format (CSV/JSON of a sweep's trials, ranked as the leaderboard ranks them) has its own
 * entry, `@hyperq/dashboard/export`, which `hyperq sweep export` shares:
 *
 * ```ts
 * import { trialsToCsv } from "@hyperq/dashboard/export";
 * const csv = trialsToCsv(sweep, await store.listTrials(sweep.id));
 * ```
 */
export { createServer } from "./server.ts";
export type { DashboardDeps, DashboardApp } from "./server.ts";
export { HttpError } from "./http-error.ts";
export { summarizeSweep } from "./sweep-summary.ts";
export type { SweepSummary } from "./sweep-summary.ts";
export { startDashboard, isLoopback } from "./start.ts";
export { DashboardStartError } from "./errors.ts";
export type { StartDashboardOptions, RunningDashboard } from "./start.ts";
export { paramImportance, sweepHistory, paramAxes } from "./analysis.ts";
export type { ImportanceReport, ParamImportance, SweepHistory, ParamAxis } from "./analysis.ts";
export { rankTrials, sortTrials } from "./ranking.ts";
export { compareSweeps, comparisonRow, bestSoFar, bestBaselineMae } from "./compare.ts";
export type { SweepComparison, ComparisonRow, BestSoFarCurve } from "./compare.ts";
export type { SortKey, SortDir } from "./ranking.ts";
export type { DashboardLogger } from "./log.ts";
export { DashboardMetrics, trialsWanted } from "./metrics.ts";
export type { DashboardMetricsOptions, QueueMetricsSource } from "./metrics.ts";
export { openQueueMetrics } from "./queue-metrics.ts";
export { parsePrometheusText, sampleValue } from "./prom-text.ts";
export type { PromFamily, PromSample } from "./prom-text.ts";
