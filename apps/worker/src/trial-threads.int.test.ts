/**
 * HYPERQ_TRIAL_THREADS travels from a worker's environment to the backend of the trial process it
 * forks (`auto` resolved by the worker against its concurrency), which logs what it asked for and
 * what it runs with.
 */
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, trialJobId } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { tinyTrial } from "./testing/tiny-trial.ts";
import { startWorkerProcess, waitFor, type WorkerProcess } from "./testing/worker-process.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `hqtest-threads-${randomUUID().slice(0, 8)}`;
const redis = connectRedis(url);
const store = new RedisSweepStore(redis, { keyPrefix: prefix });
const queue = new Queue(TRIALS_QUEUE, { connection: connectRedis(url), prefix: bullPrefix(prefix) });
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.stop();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await store.close();
  redis.disconnect();
});

describe("HYPERQ_TRIAL_THREADS", () => {
  it("reaches the trial process's backend, which logs the threads asked for and those it runs with", async () => {
    const { spec, payload } = tinyTrial("threads");
    await store.createSweep(spec, { id: "threads", budget: 1 });
    await store.createTrial("threads", 0, payload.params, payload.seed);
    await queue.add("trial", payload, { jobId: trialJobId("threads", 0) });
    worker = startWorkerProcess({ REDIS_URL: url, HYPERQ_PREFIX: prefix, HYPERQ_TRIAL_THREADS: "auto" }, ["--backend", "wasm", "--concurrency", "2"]);
    await waitFor("the trial to finish", async () => (await store.getTrial("threads", 0))?.state === "complete", 180_000);
    await worker.stop();

    const ready = worker.logs().filter((l) => l.name === "trial" && l.msg === "backend ready");
    expect(ready).toHaveLength(1);
    // Effective 1: tfjs-backend-wasm 4.22 runs single-threaded under Node (docs/engine-notes.md).
    // The worker's share of the cores for each of its 2 trials (the trial alone would take them all).
    const requested = Math.max(1, Math.floor(availableParallelism() / 2));
    expect(ready[0]).toMatchObject({ backend: "wasm", threads: { requested, effective: 1 } });
  });
});
