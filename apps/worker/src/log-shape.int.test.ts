/**
 * One log shape everywhere: a real worker process and the trial process it forks write to one
 * stderr, and every line there is a JSON object starting with the same keys of the same types.
 */
import { afterAll, describe, expect, it } from "vitest";
import { LOG_LEVELS, LOG_LINE_KEYS } from "@hyperq/protocol";
import { queueFixture } from "./testing/queue-fixture.ts";
import { startWorkerProcess, waitFor, type WorkerProcess } from "./testing/worker-process.ts";

const fx = queueFixture("logshape");
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.stop();
  await fx.close();
});

describe("a worker's stderr", () => {
  it("holds only JSON lines of one shape, its trial process's included", async () => {
    await fx.enqueueTinyTrial("logs");
    worker = startWorkerProcess({ REDIS_URL: fx.url, HYPERQ_PREFIX: fx.prefix }, ["--backend", "wasm"]);
    await waitFor("the trial to finish", async () => (await fx.store.getTrial("logs", 0))?.state === "complete", 180_000);
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
