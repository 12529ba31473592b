/**
 * What the worker's integration tests share: a store and the `trials` queue on a key prefix of
 * their own, a way to put a tiny trial on it, and a cleanup that removes every key of the prefix.
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, trialJobId } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { tinyTrial } from "./tiny-trial.ts";

export interface QueueFixture {
  url: string;
  prefix: string;
  redis: ReturnType<typeof connectRedis>;
  store: RedisSweepStore;
  queue: Queue<unknown>;
  /** Stores a one-trial sweep `sweepId` and enqueues its trial 0, as the coordinator would. */
  enqueueTinyTrial(sweepId: string): Promise<void>;
  /** Obliterates the queue, deletes every key of the prefix and closes the connections. */
  close(): Promise<void>;
}

/** `name` goes into the prefix (`hqtest-<name>-<random>`), so leftovers say which test left them. */
export function queueFixture(name: string): QueueFixture {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `hqtest-${name}-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis(url);
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  const queue = new Queue<unknown>(TRIALS_QUEUE, { connection: connectRedis(url), prefix: bullPrefix(prefix) });
  return {
    url,
    prefix,
    redis,
    store,
    queue,
    async enqueueTinyTrial(sweepId) {
      const { spec, payload } = tinyTrial(sweepId);
      await store.createSweep(spec, { id: sweepId, budget: 1 });
      await store.createTrial(sweepId, 0, payload.params, payload.seed);
      await queue.add("trial", payload, { jobId: trialJobId(sweepId, 0) });
    },
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await store.close();
      redis.disconnect();
    },
  };
}
