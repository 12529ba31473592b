import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Worker } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, type TrialMetrics, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { attemptToken } from "./token.ts";

export interface NoopWorkerOptions {
  redisUrl: string;
  /** @defaultValue "hq" */
  keyPrefix?: string;
  /** Jobs at once. @defaultValue 64 */
  concurrency?: number;
  /** "store": claim, one epoch, complete, through the store's verbs (a trial without training). "bare": BullMQ alone. @defaultValue "store" */
  mode?: "store" | "bare";
  id?: string;
}

export interface NoopWorker {
  id: string;
  /** Jobs this worker finished. */
  processed(): number;
  close(): Promise<void>;
}

/** A deterministic stand-in for a validation loss. */
function syntheticLoss(params: Record<string, unknown>): number {
  let h = 0;
  for (const ch of JSON.stringify(params)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 0.1 + (h % 10_000) / 10_000;
}

/**
 * A worker that trains nothing, in this process (no sandbox): it takes each trial through the same
 * store verbs as a real one — claim, one epoch report, complete — so that what is measured is the
 * orchestration alone (coordinator → queue → worker → store). For `pnpm bench:orchestration`.
 */
export async function startNoopWorker(opts: NoopWorkerOptions): Promise<NoopWorker> {
  const keyPrefix = opts.keyPrefix ?? "hq";
  const id = opts.id ?? `noop-${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const redis = connectRedis(opts.redisUrl);
  const store = new RedisSweepStore(redis, { keyPrefix });
  let done = 0;
  const worker = new Worker<TrialPayload>(
    TRIALS_QUEUE,
    async (job) => {
      if (opts.mode === "bare") {
        done++;
        return null;
      }
      const { sweepId, trialNumber: n, params } = job.data;
      const token = attemptToken(id, job.attemptsMade, job.token);
      const claim = await store.claimTrial(sweepId, n, { workerId: id, token });
      if (!claim.ok) return { state: "skipped", reason: claim.reason };
      const loss = syntheticLoss(params);
      await store.reportEpoch(sweepId, n, token, { epoch: 1, trainLoss: loss, valLoss: loss, learningRate: 0.001, durationMs: 0 });
      const metrics: TrialMetrics = { valLoss: loss, valMae: loss, valRmse: loss, naiveMae: 1, meanMae: 1, maeRatio: loss, trainLoss: loss, bestEpoch: 1, epochs: 1, durationMs: 0, backend: "none", workerId: id };
      const ok = await store.completeTrial(sweepId, n, token, metrics);
      done++;
      return { state: ok ? "complete" : "skipped" };
    },
    { connection: connectRedis(opts.redisUrl), prefix: bullPrefix(keyPrefix), concurrency: opts.concurrency ?? 64 },
  );
  await worker.waitUntilReady();
  return {
    id,
    processed: () => done,
    async close() {
      await worker.close();
      await store.close();
      redis.disconnect();
    },
  };
}
