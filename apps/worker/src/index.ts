/**
 * @hyperq/worker — trains trials from the BullMQ `trials` queue.
 *
 * ```ts
 * const w = await startWorker({ redisUrl: "redis://127.0.0.1:6379", concurrency: 2, log });
 * process.on("SIGTERM", () => void w.close(30_000));
 * ```
 */
export { startWorker } from "./worker.ts";
export type { WorkerOptions, RunningWorker, LeaveReason } from "./worker.ts";
export { runTrial, permanentTrialError, loadDatasetText } from "./run-trial.ts";
export type { RunTrialContext, RunTrialResult } from "./run-trial.ts";
export { startNoopWorker } from "./noop-worker.ts";
export type { NoopWorker, NoopWorkerOptions } from "./noop-worker.ts";
export { attemptToken } from "./token.ts";
