/**
 * The coordinator against a real Redis and a real BullMQ queue. Trials are consumed by an
 * in-test BullMQ worker that reports synthetic losses through the store's verbs — the coordinator
 * is what is under test here; real training runs in the end-to-end tests.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Worker, UnrecoverableError, type Job } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, deriveTrialSeed, parseSweepSpec, type SweepSpecInput, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { Coordinator } from "./coordinator.ts";
import { TrialQueue } from "./trial-queue.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function spec(input: Partial<SweepSpecInput>) {
  const r = parseSweepSpec({ name: "coord", method: "random", budget: 6, epochs: 2, parallelism: 2, space: { hidden_size: [8, 16, 32], dropout: { type: "float", low: 0, high: 0.5 } }, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** A synthetic objective of the parameters, so the GP has something smooth to minimize. */
function objective(params: Record<string, unknown>): number {
  const lr = Number(params.learning_rate ?? 0.001);
  const d = Number(params.dropout ?? 0.2);
  return (Math.log10(lr) + 2.5) ** 2 + (d - 0.2) ** 2 + 0.01;
}

describe("Coordinator", () => {
  let prefix: string;
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let queue: TrialQueue;
  let worker: Worker<TrialPayload> | undefined;
  const coordinators: Coordinator[] = [];
  let maxInFlight = 0;

  beforeEach(() => {
    prefix = `hqtest:${randomUUID().slice(0, 8)}`;
    redis = connectRedis(url);
    store = new RedisSweepStore(redis, { keyPrefix: prefix });
    queue = new TrialQueue({ connection: connectRedis(url), keyPrefix: prefix, backoffMs: 50 });
    maxInFlight = 0;
  });
  afterEach(async () => {
    for (const c of coordinators.splice(0)) await c.stop();
    await worker?.close();
    worker = undefined;
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await store.close();
    redis.disconnect();
  });

  function startWorker(process: (job: Job<TrialPayload>) => Promise<void>, concurrency = 4) {
    worker = new Worker<TrialPayload>(TRIALS_QUEUE, process, { connection: connectRedis(url), prefix: bullPrefix(prefix), concurrency });
  }

  /** Trains nothing: claims, reports two epochs, completes with the synthetic objective. */
  function fakeTrain(job: Job<TrialPayload>) {
    return noisyTrain(job, () => 0);
  }

  /** `fakeTrain` with `noise` of the trial's seed added to the loss, as a real training's varies with its seed. */
  async function noisyTrain(job: Job<TrialPayload>, noise: (seed: number) => number) {
    const { sweepId, trialNumber: n, params } = job.data;
    const token = `${job.id}/${job.attemptsMade}`;
    const claim = await store.claimTrial(sweepId, n, { workerId: "test", token });
    if (!claim.ok) return;
    const s = await store.getSweep(sweepId);
    maxInFlight = Math.max(maxInFlight, (s?.counts.running ?? 0) + (s?.counts.waiting ?? 0));
    const loss = objective(params) + noise(job.data.seed);
    await store.reportEpoch(sweepId, n, token, { epoch: 1, trainLoss: loss, valLoss: loss * 2, learningRate: 1e-3, durationMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    await store.reportEpoch(sweepId, n, token, { epoch: 2, trainLoss: loss, valLoss: loss, learningRate: 1e-3, durationMs: 1 });
    await store.completeTrial(sweepId, n, token, {
      valLoss: loss, valMae: loss, valRmse: loss, naiveMae: 1, meanMae: 2, maeRatio: loss, trainLoss: loss, bestEpoch: 2, epochs: 2, durationMs: 20, backend: "none", workerId: "test",
    });
  }

  function coordinator() {
    const c = new Coordinator({ store, queue, idleMs: 100, reconcileMs: 200, leaseMs: 2000 });
    coordinators.push(c);
    c.start();
    return c;
  }

  async function until(id: string, state: string, ms = 30_000) {
    const end = Date.now() + ms;
    for (;;) {
      const s = await store.getSweep(id);
      if (s?.state === state) return s;
      if (Date.now() > end) throw new Error(`sweep ${id} is ${s?.state}, not ${state}, after ${ms} ms: ${JSON.stringify(s?.counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("runs exactly the budget, never more than `parallelism` in flight, with deterministic job ids", async () => {
    startWorker(fakeTrain);
    await store.createSweep(spec({}), { id: "s1", budget: 6 });
    coordinator();
    const s = await until("s1", "complete");
    expect(s.counts.complete).toBe(6);
    expect(s.created).toBe(6);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect((await queue.status("s1", 3)).status).toBe("completed");
    const trials = await store.listTrials("s1");
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
  });

  it("grid: runs the whole product once", async () => {
    startWorker(fakeTrain);
    await store.createSweep(spec({ method: "grid", budget: undefined, parallelism: 3, space: { hidden_size: [8, 16], dropout: [0.1, 0.2, 0.3] } }), { id: "g", budget: 6 });
    coordinator();
    await until("g", "complete");
    const combos = (await store.listTrials("g")).map((t) => `${t.params.hidden_size}/${t.params.dropout}`).sort();
    expect(combos).toEqual(["16/0.1", "16/0.2", "16/0.3", "8/0.1", "8/0.2", "8/0.3"]);
  });

  it("gp: a coordinator killed mid-sweep is replaced and the sweep ends with exactly its budget", async () => {
    startWorker(fakeTrain, 2);
    const gpSpec = spec({ method: "gp", budget: 14, parallelism: 2, space: { learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true }, dropout: { type: "float", low: 0, high: 0.5 } } });
    await store.createSweep(gpSpec, { id: "gp", budget: 14 });
    const first = coordinator();
    for (let i = 0; i < 400 && ((await store.getSweep("gp"))?.counts.complete ?? 0) < 7; i++) await new Promise((r) => setTimeout(r, 25));
    await first.stop(); // releases its lease, like a restart; a kill -9 is covered by the fault tests
    const s0 = await store.getSweep("gp");
    expect(s0?.state).toBe("running");
    coordinator();
    const s = await until("gp", "complete", 60_000);
    expect(s.counts.complete).toBe(14);
    const trials = await store.listTrials("gp");
    expect(trials.map((t) => t.number)).toEqual([...Array(14).keys()]);
    // The rebuilt GP kept proposing distinct points, and it improved on the initial design.
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(14);
    const best = Math.min(...trials.map((t) => t.metrics!.valLoss));
    const initialBest = Math.min(...trials.slice(0, 5).map((t) => t.metrics!.valLoss));
    expect(best).toBeLessThanOrEqual(initialBest);
    const warnings = (await store.readEvents("0")).filter((e) => e.type === "sampler.warning");
    expect(warnings).toEqual([]);
  });

  it("gp on a noisy objective: a re-evaluated configuration trains again under a trial seed of its own", async () => {
    // The loss depends on the trial's seed, as a real training does: noise of about a third of the range.
    startWorker((job) => noisyTrain(job, (seed) => 0.8 * ((seed % 1000) / 1000 - 0.5)), 1);
    const gpSpec = spec({ method: "gp", gp: { replicates: 3 }, budget: 30, parallelism: 1, space: { learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true }, dropout: { type: "float", low: 0, high: 0.5 } } });
    await store.createSweep(gpSpec, { id: "noisy", budget: 30 });
    coordinator();
    await until("noisy", "complete", 60_000);
    const trials = await store.listTrials("noisy");
    const byConfig = new Map<string, typeof trials>();
    for (const t of trials) byConfig.set(JSON.stringify(t.params), [...(byConfig.get(JSON.stringify(t.params)) ?? []), t]);
    const repeated = [...byConfig.values()].filter((g) => g.length > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const g of repeated) {
      expect(new Set(g.map((t) => t.seed)).size).toBe(g.length);
      for (const t of g) expect(t.seed).toBe(deriveTrialSeed(gpSpec.seed, t.number));
    }
  });

  it("two coordinators never drive the same sweep at once", async () => {
    startWorker(fakeTrain);
    await store.createSweep(spec({ budget: 8, parallelism: 3 }), { id: "two", budget: 8 });
    coordinator();
    coordinator();
    const s = await until("two", "complete");
    expect(s.created).toBe(8);
    expect(s.counts.complete).toBe(8);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it("a trial that fails for good fails alone; the sweep goes on", async () => {
    startWorker(async (job) => {
      if (job.data.trialNumber === 1) throw new UnrecoverableError("bad trial");
      await fakeTrain(job);
    });
    await store.createSweep(spec({ budget: 4 }), { id: "f", budget: 4 });
    coordinator();
    const s = await until("f", "complete");
    expect(s.counts).toMatchObject({ complete: 3, failed: 1 });
    expect((await store.getTrial("f", 1))?.reason).toMatch(/bad trial/);
  });

  it("pause stops new trials; resume carries on; cancel ends the sweep", async () => {
    startWorker(async (job) => {
      await new Promise((r) => setTimeout(r, 150));
      await fakeTrain(job);
    });
    await store.createSweep(spec({ budget: 20, parallelism: 2 }), { id: "p", budget: 20 });
    coordinator();
    for (let i = 0; i < 200 && ((await store.getSweep("p"))?.counts.complete ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    await store.setSweepState("p", "paused");
    await new Promise((r) => setTimeout(r, 600));
    const paused = await store.getSweep("p");
    await new Promise((r) => setTimeout(r, 600));
    expect((await store.getSweep("p"))?.created).toBe(paused?.created);
    await store.setSweepState("p", "running");
    for (let i = 0; i < 200 && ((await store.getSweep("p"))?.created ?? 0) <= (paused?.created ?? 0); i++) await new Promise((r) => setTimeout(r, 25));
    expect((await store.getSweep("p"))?.created).toBeGreaterThan(paused!.created);
    await store.setSweepState("p", "cancelled");
    const s = await until("p", "cancelled");
    expect(s.created).toBeLessThan(20);
  });

  it("cancel fails the trials that never started and takes their jobs off the queue", async () => {
    await store.createSweep(spec({ budget: 6, parallelism: 3 }), { id: "c", budget: 6 });
    coordinator();
    for (let i = 0; i < 200 && ((await store.getSweep("c"))?.counts.waiting ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 25));
    for (const n of [0, 1, 2]) expect((await queue.status("c", n)).status).toBe("waiting");
    await store.setSweepState("c", "cancelled");
    for (const t of await store.listTrials("c")) expect(t).toMatchObject({ state: "failed", reason: "cancelled" });
    const statuses = async () => Promise.all([0, 1, 2].map(async (n) => (await queue.status("c", n)).status));
    for (let i = 0; i < 100 && (await statuses()).some((st) => st !== "missing"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await statuses()).toEqual(["missing", "missing", "missing"]);
  });
});
