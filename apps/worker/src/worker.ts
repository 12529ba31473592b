import { randomBytes } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { Job } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, resolveTrialThreads, silentLogger, trialJobId, trialProcessEnv, type Logger, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis, type WorkerInfo } from "@hyperq/store";
import type { RunTrialResult } from "./run-trial.ts";
import { attemptToken } from "./token.ts";
import { MALFORMED_PAYLOAD, TrialWorker, trialOfJob } from "./trial-worker.ts";

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
  /**
   * Threads each trial may use for the backend's matrix products (HYPERQ_TRIAL_THREADS): a number,
   * or `auto` = max(1, floor(cores / concurrency)). @defaultValue "1"
   */
  trialThreads?: string;
  /** Log level forwarded to trial processes. @defaultValue "info" */
  logLevel?: string;
  /** Leave after this long with no trial to run (measured from the start or the last trial's end). @defaultValue never */
  exitWhenIdleMs?: number;
  /** Leave once this many trials have run (no new ones are taken after the n-th starts). @defaultValue no limit */
  maxTrials?: number;
}

/** Why a worker decided to leave by itself. */
export type LeaveReason = "idle" | "max-trials" | "stop-requested";

export interface RunningWorker {
  id: string;
  /**
   * Stops taking trials and waits up to `graceMs` for running ones; then hands them back to the
   * queue at once (another worker runs them, no attempt is spent) and stops their processes. A
   * second call with `graceMs` 0 while closing cuts the wait short (a second Ctrl-C).
   */
  close(graceMs?: number): Promise<void>;
  /**
   * Resolves when the worker decides to leave by itself: idle for `exitWhenIdleMs`, `maxTrials`
   * run, or asked to stop (`hyperq workers stop`, read with the heartbeat). The caller then
   * `close`s it, which finishes (or hands back) running trials and leaves the registry.
   */
  readonly leaving: Promise<LeaveReason>;
}

/**
 * Starts a BullMQ worker on the `trials` queue. Each trial runs in a sandboxed child process
 * (see trial-processor.ts); this process renews job locks, announces itself with a heartbeat and
 * shuts down gracefully.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? silentLogger;
  const keyPrefix = opts.keyPrefix ?? "hq";
  // Never more trials at once than the worker may still run.
  const concurrency = Math.min(opts.concurrency ?? 1, opts.maxTrials ?? Infinity);
  const id = opts.id ?? `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;

  // The trial processes' settings, handed to them explicitly in the environment they are forked with.
  const trialEnv = trialProcessEnv({
    REDIS_URL: opts.redisUrl,
    HYPERQ_PREFIX: keyPrefix,
    HYPERQ_WORKER_ID: id,
    ...(opts.backend ? { HYPERQ_BACKEND: opts.backend } : {}),
    ...(opts.logLevel ? { HYPERQ_LOG_LEVEL: opts.logLevel } : {}),
    HYPERQ_TRIAL_THREADS: String(resolveTrialThreads(opts.trialThreads ?? "1", availableParallelism(), concurrency)),
  });

  const redis = connectRedis(opts.redisUrl);
  // ioredis reconnects by itself; say so once per outage instead of printing every failed attempt.
  let redisDown = false;
  redis.on("error", (e: Error) => {
    if (!redisDown) log.warn({ err: e.message }, "Redis unreachable; reconnecting");
    redisDown = true;
  });
  redis.on("ready", () => {
    if (redisDown) log.info({}, "Redis reachable again");
    redisDown = false;
  });
  const store = new RedisSweepStore(redis, { keyPrefix });
  const processorFile = fileURLToPath(new URL("./trial-processor.ts", import.meta.url));
  const worker = new TrialWorker(TRIALS_QUEUE, processorFile, {
    connection: connectRedis(opts.redisUrl),
    prefix: bullPrefix(keyPrefix),
    concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    // Child processes stay up between trials: backend, dataset cache and connection are reused.
    useWorkerThreads: false,
    workerForkOptions: { env: trialEnv },
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
  /** Jobs this worker holds (their lock tokens let it hand them back). */
  const active = new Map<string, Job<TrialPayload, RunTrialResult>>();
  let leave: (reason: LeaveReason) => void = () => undefined;
  const leaving = new Promise<LeaveReason>((r) => {
    let left = false;
    leave = (reason) => {
      if (left) return;
      left = true;
      log.info({ workerId: id, reason }, "worker leaving");
      r(reason);
    };
  });
  let started = 0;
  let idleSince = Date.now();
  const announce = async () => {
    info.seenAt = Date.now();
    info.current = [...current];
    await store.announceWorker(info).catch((e: Error) => log.warn({ err: e.message }, "heartbeat failed"));
  };
  /** The heartbeat: announce, then see whether someone asked this worker to stop. */
  const beat = async () => {
    await announce();
    if (await store.workerStopRequested(id).catch(() => false)) leave("stop-requested");
  };
  /** After a trial ends: leave once the last allowed trial is done. */
  const trialEnded = () => {
    if (current.size === 0) idleSince = Date.now();
    if (opts.maxTrials !== undefined && started >= opts.maxTrials && current.size === 0) leave("max-trials");
  };

  // A malformed job (see trial-worker.ts) is never active here: it fails before any trial process sees it.
  worker.on("active", (job) => {
    const trial = trialOfJob(job);
    if (!trial) return;
    if (job.id) active.set(job.id, job);
    current.add(trialJobId(trial.sweepId, trial.trialNumber));
    started++;
    // The n-th trial started: take no more (running ones finish).
    if (opts.maxTrials !== undefined && started >= opts.maxTrials) void worker.pause(true).catch(() => undefined);
    void announce();
  });
  worker.on("completed", (job, result) => {
    const trial = trialOfJob(job);
    if (job.id) active.delete(job.id);
    if (trial) current.delete(trialJobId(trial.sweepId, trial.trialNumber));
    if (result?.metrics?.backend) info.backend = result.metrics.backend;
    log.info({ jobId: job.id, sweepId: trial?.sweepId, trial: trial?.trialNumber, state: result?.state, valLoss: result?.metrics?.valLoss }, "trial done");
    void announce();
    trialEnded();
  });
  worker.on("failed", (job, err) => {
    if (job?.id) active.delete(job.id);
    const trial = trialOfJob(job);
    if (!trial) {
      // Said once, with the job's id: nothing retries it.
      log.warn({ jobId: job?.id, err: err.message }, err.message.startsWith(MALFORMED_PAYLOAD) ? "malformed job failed" : "job failed");
      return;
    }
    current.delete(trialJobId(trial.sweepId, trial.trialNumber));
    log.warn({ jobId: job?.id, sweepId: trial.sweepId, trial: trial.trialNumber, attempt: job?.attemptsMade, err: err.message }, "trial attempt failed");
    void announce();
    trialEnded();
  });
  worker.on("error", (err) => log.error({ err: err.message }, "worker error"));

  await worker.waitUntilReady();
  await announce();
  const heartbeat = setInterval(() => void beat(), opts.heartbeatMs ?? 5000);
  const idleMs = opts.exitWhenIdleMs;
  const idleCheck =
    idleMs === undefined
      ? undefined
      : setInterval(() => {
          if (current.size === 0 && Date.now() - idleSince >= idleMs) leave("idle");
        }, Math.max(50, Math.min(1000, idleMs / 4)));
  log.info({ workerId: id, concurrency, prefix: keyPrefix, exitWhenIdleMs: idleMs, maxTrials: opts.maxTrials }, "worker started");

  /**
   * Gives every running trial back: its job to the queue (no attempt spent, another worker takes it
   * at once), the trial to "waiting" in the store (the attempt's late writes are refused); then
   * stops the trial processes: BullMQ's `cancelAllJobs` aborts each running job's signal, on which
   * its trial process exits at once (trial-processor.ts).
   */
  const handBack = async () => {
    for (const job of [...active.values()]) {
      const where = { sweepId: job.data.sweepId, trial: job.data.trialNumber };
      try {
        if (!job.token) throw new Error("no lock token");
        await job.moveToWait(job.token);
        const released = await store.releaseTrial(job.data.sweepId, job.data.trialNumber, attemptToken(id, job.attemptsMade, job.token));
        log.warn({ ...where, released }, "trial handed back to the queue");
      } catch (e) {
        // Finished meanwhile, or the lock already lapsed (then BullMQ's stalled check re-runs it).
        log.warn({ ...where, err: (e as Error).message }, "could not hand a trial back");
      }
    }
    worker.cancelAllJobs("handed back: the worker is stopping");
  };

  let closing: Promise<void> | undefined;
  let stopNow: () => void = () => undefined;
  const now = new Promise<void>((r) => (stopNow = r));
  return {
    id,
    leaving,
    close(graceMs = 30_000) {
      if (closing) {
        if (graceMs <= 0) stopNow();
        return closing;
      }
      closing = (async () => {
        log.info({ workerId: id, graceMs }, "worker stopping: no new trials");
        let timer: NodeJS.Timeout | undefined;
        const graceful = worker.close();
        const finished = await Promise.race([
          graceful.then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
          now.then(() => false),
        ]);
        clearTimeout(timer);
        if (!finished) {
          log.warn({ workerId: id, trials: [...current] }, "stopping running trials now: they go back to the queue");
          await handBack();
          await graceful;
        }
        clearInterval(heartbeat);
        clearInterval(idleCheck);
        await store.removeWorker(id).catch(() => undefined);
        await store.close();
        redis.disconnect();
        log.info({ workerId: id }, "worker stopped");
      })();
      return closing;
    },
  };
}
