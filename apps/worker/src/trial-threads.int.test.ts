/**
 * HYPERQ_TRIAL_THREADS travels from a worker's environment to the backend of the trial process it
 * forks (`auto` resolved by the worker against its concurrency), which logs what it asked for and
 * what it runs with.
 */
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { nativeLstm } from "@hyperq/models";
import { queueFixture } from "./testing/queue-fixture.ts";
import { startWorkerProcess, waitFor, type WorkerProcess } from "./testing/worker-process.ts";

const fx = queueFixture("threads");
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.stop();
  await fx.close();
});

describe("HYPERQ_TRIAL_THREADS", () => {
  it("reaches the trial process's backend, which logs the threads asked for and those it runs with", async () => {
    await fx.enqueueTinyTrial("threads");
    worker = startWorkerProcess({ REDIS_URL: fx.url, HYPERQ_PREFIX: fx.prefix, HYPERQ_TRIAL_THREADS: "auto" }, ["--backend", "wasm", "--concurrency", "2"]);
    await waitFor("the trial to finish", async () => (await fx.store.getTrial("threads", 0))?.state === "complete", 180_000);
    await worker.stop();

    const ready = worker.logs().filter((l) => l.name === "trial" && l.msg === "backend ready");
    expect(ready).toHaveLength(1);
    // The worker's share of the cores for each of its 2 trials (the trial alone would take them all).
    // The native LSTM kernels run them all; without them tfjs-backend-wasm 4.22 runs one thread
    // under Node (docs/engine-notes.md).
    const requested = Math.max(1, Math.floor(availableParallelism() / 2));
    const native = nativeLstm() !== undefined;
    expect(ready[0]).toMatchObject({ backend: "wasm", threads: { requested, effective: native ? requested : 1 }, lstmKernels: native ? expect.stringMatching(/^native /) : "webassembly" });
  });
});
