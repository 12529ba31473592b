import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, silentLogger, trialJobId, type Logger, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis, type WorkerInfo } from "@hyperq/store";
import type { RunTrialResult } from "./run-trial.ts";

export interface WorkerOptions {
  redisUrl: string;
  /** @defaultValue "hq" */
  keyPrefix?: string;
  /** Trials run at once, each in its own sandboxed process: one per core (or per GPU). @defaultValue 1 */
  concurrency?: number;
  /** Force a backend (tensorflow-gpu | tensorflow | wasm | cpu); else the best available. */
  backend?: string;
  log?: Logger;
  /** @defaultValue `${host}-${pid}-${random}` */
  id?: string;
  /** A trial's lock lasts this long unless renewed (the worker process renews it while the trial trains). @defaultValue 30000 */
  lockDurationMs?: number;
  /** How often this worker looks for trials whose worker died. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** Stalls tolerated before a trial fails for good. @defaultValue 2 */
  maxStalledCount?: number;
  /** How often the worker announces itself. @defaultValue 5000 */
  heartbeatMs?: number;
  /** Log level forwarded to trial processes. @defaultValue "info" */
  logLevel?: string;
}

export interface RunningWorker {
  id: string;
  /** Stops taking trials and waits up to `graceMs` for running ones, then stops them (they are retried elsewhere). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts a BullMQ worker on the `trials` queue. Each trial runs in a sandboxed child process
 * (see trial-processor.ts); this process renews job locks, announces itself with a heartbeat and
 * shuts down gracefully.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? silentLogger;
  const keyPrefix = opts.keyPrefix ?? "hq";
  const concurrency = opts.concurrency ?? 1;
  const id = opts.id ?? `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;

  // Forked trial processes inherit the environment.
  process.env.REDIS_URL = opts.redisUrl;
  process.env.HYPERQ_PREFIX = keyPrefix;
  process.env.HYPERQ_WORKER_ID = id;
  if (opts.backend) process.env.HYPERQ_BACKEND = opts.backend;
  if (opts.logLevel) process.env.HYPERQ_LOG_LEVEL = opts.logLevel;

  const redis = connectRedis(opts.redisUrl);
  const store = new RedisSweepStore(redis, { keyPrefix });
  const processorFile = fileURLToPath(new URL("./trial-processor.ts", import.meta.url));
  const worker = new Worker<TrialPayload, RunTrialResult>(TRIALS_QUEUE, processorFile, {
    connection: connectRedis(opts.redisUrl),
    prefix: bullPrefix(keyPrefix),
    concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    // Child processes stay up between trials: backend, dataset cache and connection are reused.
    useWorkerThreads: false,
  });

  const info: WorkerInfo = {
    id,
    host: hostname(),
    pid: process.pid,
    backend: opts.backend ?? "auto",
    concurrency,
    startedAt: Date.now(),
    seenAt: Date.now(),
    current: [],
  };
  const current = new Set<string>();
  const announce = async () => {
    info.seenAt = Date.now();
    info.current = [...current];
    await store.announceWorker(info).catch((e: Error) => log.warn({ err: e.message }, "heartbeat failed"));
  };

  worker.on("active", (job) => {
    current.add(trialJobId(job.data.sweepId, job.data.trialNumber));
    void announce();
  });
  worker.on("completed", (job, result) => {
    current.delete(trialJobId(job.data.sweepId, job.data.trialNumber));
    if (result?.metrics?.backend) info.backend = result.metrics.backend;
    log.info({ sweepId: job.data.sweepId, trial: job.data.trialNumber, state: result?.state, valLoss: result?.metrics?.valLoss }, "trial done");
    void announce();
  });
  worker.on("failed", (job, err) => {
    if (job) current.delete(trialJobId(job.data.sweepId, job.data.trialNumber));
    log.warn({ sweepId: job?.data.sweepId, trial: job?.data.trialNumber, attempt: job?.attemptsMade, err: err.message }, "trial attempt failed");
    void announce();
  });
  worker.on("error", (err) => log.error({ err: err.message }, "worker error"));

  await worker.waitUntilReady();
  await announce();
  const heartbeat = setInterval(() => void announce(), opts.heartbeatMs ?? 5000);
  log.info({ workerId: id, concurrency, prefix: keyPrefix }, "worker started");

  let closing: Promise<void> | undefined;
  return {
    id,
    close(graceMs = 30_000) {
      closing ??= (async () => {
        log.info({ workerId: id, graceMs }, "worker stopping: no new trials");
        let timer: NodeJS.Timeout | undefined;
        const graceful = worker.close();
        const timedOut = await Promise.race([
          graceful.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          log.warn({ workerId: id }, "grace period over: stopping running trials (they will be retried)");
          await worker.close(true);
        }
        clearInterval(heartbeat);
        await store.removeWorker(id).catch(() => undefined);
        await store.close();
        redis.disconnect();
        log.info({ workerId: id }, "worker stopped");
      })();
      return closing;
    },
  };
}
