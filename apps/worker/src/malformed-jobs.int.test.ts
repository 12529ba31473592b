/**
 * Jobs a hostile or careless user puts on the `trials` queue, against a real worker process: each
 * fails once, for good, with "malformed payload: …" naming the field; the worker says so in one
 * log line with the job's id and goes on serving real trials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyTrial } from "./testing/tiny-trial.ts";
import { queueFixture } from "./testing/queue-fixture.ts";
import { startWorkerProcess, waitFor, type WorkerProcess } from "./testing/worker-process.ts";

const fx = queueFixture("malformed");
const { redis, store, queue } = fx;
/** BullMQ's own key layout: a job's hash. */
const jobKey = (id: string) => queue.toKey(id);
let worker: WorkerProcess | undefined;

/** Job id → what its failure reason must say after "malformed payload: ". */
const BAD: Record<string, RegExp> = {
  "data-not-json": /^data: not valid JSON$/,
  "opts-not-json": /^opts: not valid JSON$/,
  "data-null": /^\(payload\): .*expected object, received null$/,
  "data-string": /^\(payload\): .*expected object, received string$/,
  "data-empty": /^sweepId: .*expected string, received undefined; trialNumber: .*expected number/,
  "data-wrong-types": /^sweepId: .*expected string, received number; trialNumber: .*expected number, received string; seed: /,
};

beforeAll(async () => {
  // As a user with access to Redis would: through BullMQ, then by rewriting the job's fields in place.
  const ghost = tinyTrial("ghost").payload;
  await queue.add("trial", { sweepId: "x" }, { jobId: "data-not-json" });
  await redis.hset(jobKey("data-not-json"), "data", '{"sweepId": "x", ');
  await queue.add("trial", ghost, { jobId: "opts-not-json", attempts: 3 });
  await redis.hset(jobKey("opts-not-json"), "opts", "{attempts: 3");
  await queue.add("trial", null, { jobId: "data-null", attempts: 3 });
  await queue.add("trial", "garbage", { jobId: "data-string", attempts: 3 });
  await queue.add("trial", {}, { jobId: "data-empty", attempts: 3 });
  await queue.add("trial", { sweepId: 42, trialNumber: "abc" }, { jobId: "data-wrong-types", attempts: 3 });
  worker = startWorkerProcess({ REDIS_URL: fx.url, HYPERQ_PREFIX: fx.prefix, HYPERQ_LOCK_MS: "5000", HYPERQ_STALLED_INTERVAL_MS: "2000" }, ["--backend", "wasm"]);
});

afterAll(async () => {
  await worker?.stop();
  await fx.close();
});

describe("a worker given malformed jobs", () => {
  it("fails each once with the field named, logs it once with its id, and keeps serving trials", async () => {
    const ids = Object.keys(BAD);
    await waitFor("every malformed job to fail", async () => (await redis.zcard(queue.toKey("failed"))) === ids.length, 180_000);
    for (const id of ids) {
      const [reason, attempts, stalls] = await redis.hmget(jobKey(id), "failedReason", "atm", "stc");
      expect(reason, id).toMatch(/^malformed payload: /);
      expect(reason!.slice("malformed payload: ".length), id).toMatch(BAD[id]!);
      expect(attempts, id).toBe("1");
      expect(Number(stalls ?? 0), id).toBe(0);
    }

    // A real trial enqueued afterwards is trained to the end.
    await fx.enqueueTinyTrial("good");
    const done = await waitFor("the good trial to finish", async () => {
      const t = await store.getTrial("good", 0);
      return t && ["complete", "failed", "pruned"].includes(t.state) ? t : undefined;
    }, 180_000);
    expect(done.state).toBe("complete");
    expect(await redis.zcard(queue.toKey("failed"))).toBe(ids.length);

    await worker!.stop();
    const logs = worker!.logs();
    for (const id of ids) {
      const lines = logs.filter((l) => l.jobId === id || JSON.stringify(l).includes(`"${id}"`));
      expect(lines, id).toHaveLength(1);
      expect(lines[0], id).toMatchObject({ jobId: id, msg: "malformed job failed" });
      expect(String(lines[0]!.err), id).toMatch(/^malformed payload: /);
    }
    expect(logs.filter((l) => l.msg === "worker error")).toEqual([]);
  });
});
