/**
 * One log shape everywhere: a real worker process and the trial process it forks write to one
 * stderr, and every line there is a JSON object starting with the same keys of the same types.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { LOG_LEVELS, LOG_LINE_KEYS, TRIALS_QUEUE, bullPrefix, trialJobId } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { tinyTrial } from "./testing/tiny-trial.ts";
import { startWorkerProcess, waitFor, type WorkerProcess } from "./testing/worker-process.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `hqtest-logshape-${randomUUID().slice(0, 8)}`;
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

describe("a worker's stderr", () => {
  it("holds only JSON lines of one shape, its trial process's included", async () => {
    const { spec, payload } = tinyTrial("logs");
    await store.createSweep(spec, { id: "logs", budget: 1 });
    await store.createTrial("logs", 0, payload.params, payload.seed);
    await queue.add("trial", payload, { jobId: trialJobId("logs", 0) });
    worker = startWorkerProcess({ REDIS_URL: url, HYPERQ_PREFIX: prefix }, ["--backend", "wasm"]);
    await waitFor("the trial to finish", async () => (await store.getTrial("logs", 0))?.state === "complete", 180_000);
    await worker.stop();

    const lines = worker.stderrLines().filter((l) => l.trim() !== "");
    const notJson = lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== "object";
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const logs = worker.logs();
    for (const line of logs) {
      expect(Object.keys(line).slice(0, LOG_LINE_KEYS.length), JSON.stringify(line)).toEqual([...LOG_LINE_KEYS]);
      expect(new Date(line.time as string).toISOString(), JSON.stringify(line)).toBe(line.time);
      expect(LOG_LEVELS, JSON.stringify(line)).toContain(line.level);
      expect(typeof line.name, JSON.stringify(line)).toBe("string");
      expect(Number.isInteger(line.pid), JSON.stringify(line)).toBe(true);
      expect(typeof line.msg, JSON.stringify(line)).toBe("string");
    }
    // Both processes wrote: the worker, and the trial process it forked (another pid).
    const workerLines = logs.filter((l) => l.name === "worker");
    const trialLines = logs.filter((l) => l.name === "trial");
    expect(workerLines.map((l) => l.msg)).toContain("worker started");
    expect(trialLines.map((l) => l.msg)).toContain("trial started");
    expect(new Set(workerLines.map((l) => l.pid))).toEqual(new Set([worker.proc.pid]));
    expect(trialLines.every((l) => l.pid !== worker!.proc.pid)).toBe(true);
  });
});
