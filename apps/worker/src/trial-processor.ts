/**
 * The sandboxed processor BullMQ runs for each trial, in a child process of the worker: tfjs
 * training is synchronous between awaits and would otherwise block the worker's event loop, so
 * the job lock would not be renewed and BullMQ would hand the same trial to a second worker. The
 * child keeps its store connection, backend and prepared datasets across the trials it runs.
 *
 * The child lives and dies with its worker:
 * - worker gone (SIGKILL, OOM, crash): the IPC channel closes and the parent pid changes; the child
 *   exits at once, and it checks before every store write, so an orphan never trains on or reports
 *   (its trial is retried elsewhere once BullMQ sees the lock lapse).
 * - SIGINT (Ctrl-C in a terminal reaches the whole process group): ignored; the worker decides
 *   whether the trial finishes within the grace period or is handed back.
 * - the job's abort signal (the worker's `cancelAllJobs`, once its grace period is over) or SIGTERM
 *   (BullMQ cleaning its pool, or the container stopping): exit now, the worker has already handed
 *   the trial back.
 *
 * Its settings come from the environment the worker forks it with (`workerForkOptions.env`, made
 * by `trialProcessEnv`), parsed with the one configuration schema of `@hyperq/protocol`.
 */
import type { SandboxedJob } from "bullmq";
import { createLogger, trialProcessConfigSchema, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis, type SweepStore } from "@hyperq/store";
import { runTrial, type RunTrialResult } from "./run-trial.ts";
import { attemptToken } from "./token.ts";

const env = trialProcessConfigSchema.parse(process.env);
const workerId = env.HYPERQ_WORKER_ID ?? "worker";
// The same line shape as the worker that forked it: one stderr, one format.
const log = createLogger({ name: "trial", level: env.HYPERQ_LOG_LEVEL, base: { workerId } });
let store: SweepStore | undefined;

const parentPid = process.ppid;
/** True once the worker that forked this process is gone (this process was re-parented or cut off). */
function orphaned(): boolean {
  return process.ppid !== parentPid || process.connected === false;
}
function exitIfOrphaned(): void {
  if (!orphaned()) return;
  log.warn({ parentPid }, "worker process is gone: trial process exits without writing anything more");
  process.exit(1);
}
process.on("disconnect", exitIfOrphaned);
process.removeAllListeners("SIGINT");
process.on("SIGINT", () => undefined);
process.removeAllListeners("SIGTERM");
process.on("SIGTERM", () => process.exit(143));

/** The store, with every call refused (and the process ended) once the worker is gone. */
function guarded(inner: SweepStore): SweepStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        exitIfOrphaned();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export default async function processTrial(job: SandboxedJob<TrialPayload>, bullToken?: string, signal?: AbortSignal): Promise<RunTrialResult> {
  exitIfOrphaned();
  signal?.addEventListener("abort", () => process.exit(143), { once: true });
  if (!store) {
    const redis = connectRedis(env.REDIS_URL);
    // ioredis reconnects by itself (a write waits for it); the worker process reports the outage.
    redis.on("error", () => undefined);
    store = guarded(new RedisSweepStore(redis, { keyPrefix: env.HYPERQ_PREFIX }));
  }
  // The worker can derive the same token from the job it handed us (to hand the trial back).
  const token = attemptToken(workerId, job.attemptsMade, bullToken);
  const ctx = { store, workerId, token, log, ...(env.HYPERQ_BACKEND ? { backend: env.HYPERQ_BACKEND } : {}) };
  return runTrial(job.data, ctx);
}
